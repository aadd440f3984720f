//! A file's bytes as UTF-8, decoded as they are read: a large spreadsheet export never sits in
//! memory whole, and a byte that is not in the file's encoding stops the read with a reason
//! instead of turning into a replacement character.

use std::io::{self, Read, Seek, SeekFrom};

use encoding_rs::{DecoderResult, Encoding as Charset};

use super::table::Encoding;
use crate::domain::InputError;
use crate::i18n::{t, tf};

/// How the file is to be read: its character set, the byte-order mark to skip, and the name a
/// report shows. `failure` is what a byte outside the set means to the user.
pub struct Plan {
    pub charset: &'static Charset,
    pub bom: usize,
    pub name: &'static str,
    pub failure: String,
}

/// Finds out (or takes the user's word for) how `input` is encoded, from its first bytes and,
/// for UTF-8, a pass over the whole file (a GBK byte can first appear on the last line). Leaves
/// `input` at its start.
pub fn plan<R: Read + Seek>(input: &mut R, asked: Encoding) -> Result<Plan, InputError> {
    let file_error = |reason: String| InputError::new("file", reason);
    let io_error = |e: io::Error| file_error(e.to_string());
    let mut head = Vec::with_capacity(8192);
    input
        .by_ref()
        .take(8192)
        .read_to_end(&mut head)
        .map_err(io_error)?;
    input.seek(SeekFrom::Start(0)).map_err(io_error)?;
    let bom = Charset::for_bom(&head);
    let not_in = |name: &'static str| tf("err.file_not_in", &[("encoding", &name)]);
    let plan = |charset, bom, name, failure| Plan {
        charset,
        bom,
        name,
        failure,
    };
    Ok(match asked {
        Encoding::Utf8 => {
            let skip = if head.starts_with(b"\xEF\xBB\xBF") {
                3
            } else {
                0
            };
            plan(encoding_rs::UTF_8, skip, "UTF-8", not_in("UTF-8"))
        }
        Encoding::Gbk => plan(
            encoding_rs::GB18030,
            0,
            "GBK/GB18030",
            not_in("GBK/GB18030"),
        ),
        Encoding::Utf16 => match bom {
            Some((e, n)) if e == encoding_rs::UTF_16BE => plan(e, n, "UTF-16BE", not_in("UTF-16")),
            Some((e, n)) if e == encoding_rs::UTF_16LE => plan(e, n, "UTF-16LE", not_in("UTF-16")),
            _ => plan(encoding_rs::UTF_16LE, 0, "UTF-16LE", not_in("UTF-16")),
        },
        Encoding::Auto => {
            let failure = t("err.file_encoding").to_string();
            match bom {
                Some((e, n)) if e == encoding_rs::UTF_8 => {
                    plan(e, n, "UTF-8 with BOM", not_in("UTF-8"))
                }
                Some((e, n)) => {
                    let name = if e == encoding_rs::UTF_16LE {
                        "UTF-16LE"
                    } else {
                        "UTF-16BE"
                    };
                    plan(e, n, name, failure)
                }
                None if head.contains(&0) => {
                    // Text in UTF-16 without its byte-order mark: every other byte of Latin text
                    // is NUL.
                    let start = &head[..head.len().min(512)];
                    let odd_nuls = start.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
                    let key = if start.len() >= 4 && odd_nuls * 4 >= start.len() {
                        "err.file_utf16_without_bom"
                    } else {
                        "err.file_binary"
                    };
                    return Err(file_error(t(key).into()));
                }
                None => {
                    let utf8 = is_utf8(input).map_err(io_error)?;
                    input.seek(SeekFrom::Start(0)).map_err(io_error)?;
                    if utf8 {
                        plan(encoding_rs::UTF_8, 0, "UTF-8", failure)
                    } else {
                        plan(encoding_rs::GB18030, 0, "GBK/GB18030", failure)
                    }
                }
            }
        }
    })
}

/// Whether everything `input` holds from here on is UTF-8, read a block at a time.
fn is_utf8<R: Read>(input: &mut R) -> io::Result<bool> {
    let mut buf = vec![0u8; 1 << 16];
    let mut carried = 0;
    loop {
        let n = input.read(&mut buf[carried..])?;
        if n == 0 {
            return Ok(carried == 0);
        }
        let len = carried + n;
        match std::str::from_utf8(&buf[..len]) {
            Ok(_) => carried = 0,
            // A character cut at the block's end is finished by the next block.
            Err(e) if e.error_len().is_none() => {
                let valid = e.valid_up_to();
                buf.copy_within(valid..len, 0);
                carried = len - valid;
            }
            Err(_) => return Ok(false),
        }
    }
}

/// The bytes of `inner` (after its byte-order mark) decoded to UTF-8 as they are read.
pub struct Decoding<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    raw: Box<[u8]>,
    raw_at: usize,
    raw_end: usize,
    eof: bool,
    decoded: Box<[u8]>,
    decoded_at: usize,
    decoded_end: usize,
    /// Nothing more will be decoded: the end, or a byte outside the encoding.
    finished: bool,
    /// What a byte outside the encoding means; taken when that byte is reached.
    failure: Option<String>,
    malformed: bool,
    /// Bytes taken from `inner`, for progress.
    consumed: std::rc::Rc<std::cell::Cell<u64>>,
}

impl<R: Read> Decoding<R> {
    pub fn new(mut inner: R, plan: &Plan) -> io::Result<Decoding<R>> {
        io::copy(&mut inner.by_ref().take(plan.bom as u64), &mut io::sink())?;
        Ok(Decoding {
            inner,
            decoder: plan.charset.new_decoder_without_bom_handling(),
            raw: vec![0; 1 << 16].into_boxed_slice(),
            raw_at: 0,
            raw_end: 0,
            eof: false,
            decoded: vec![0; 1 << 17].into_boxed_slice(),
            decoded_at: 0,
            decoded_end: 0,
            finished: false,
            failure: Some(plan.failure.clone()),
            malformed: false,
            consumed: std::rc::Rc::new(std::cell::Cell::new(plan.bom as u64)),
        })
    }

    /// A shared count of the bytes read so far.
    pub fn consumed(&self) -> std::rc::Rc<std::cell::Cell<u64>> {
        self.consumed.clone()
    }

    fn fill(&mut self) -> io::Result<()> {
        if self.raw_at == self.raw_end && !self.eof {
            let n = self.inner.read(&mut self.raw)?;
            self.consumed.set(self.consumed.get() + n as u64);
            (self.raw_at, self.raw_end) = (0, n);
            self.eof = n == 0;
        }
        let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
            &self.raw[self.raw_at..self.raw_end],
            &mut self.decoded,
            self.eof,
        );
        self.raw_at += read;
        (self.decoded_at, self.decoded_end) = (0, written);
        match result {
            DecoderResult::InputEmpty => self.finished = self.eof,
            DecoderResult::OutputFull => {}
            DecoderResult::Malformed(..) => (self.finished, self.malformed) = (true, true),
        }
        Ok(())
    }
}

impl<R: Read> Read for Decoding<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.decoded_at == self.decoded_end {
            if self.finished {
                return match self.failure.take().filter(|_| self.malformed) {
                    Some(why) => Err(io::Error::new(io::ErrorKind::InvalidData, why)),
                    None => Ok(0),
                };
            }
            self.fill()?;
        }
        let n = out.len().min(self.decoded_end - self.decoded_at);
        out[..n].copy_from_slice(&self.decoded[self.decoded_at..self.decoded_at + n]);
        self.decoded_at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn read_all(bytes: &[u8], asked: Encoding) -> Result<(String, &'static str), String> {
        let mut input = Cursor::new(bytes.to_vec());
        let plan = plan(&mut input, asked).map_err(|e| e.reason)?;
        let mut text = String::new();
        Decoding::new(input, &plan)
            .and_then(|mut d| d.read_to_string(&mut text))
            .map_err(|e| e.to_string())?;
        Ok((text, plan.name))
    }

    #[test]
    fn decodes_in_blocks_and_stops_at_a_foreign_byte() {
        // Long enough that characters are cut at block edges.
        let text = "姓名,电话\n".to_string() + &"张伟,138 0013 8000\n".repeat(20_000);
        assert_eq!(
            read_all(text.as_bytes(), Encoding::Auto),
            Ok((text.clone(), "UTF-8"))
        );
        let gbk = encoding_rs::GBK.encode(&text).0.into_owned();
        assert_eq!(
            read_all(&gbk, Encoding::Auto),
            Ok((text.clone(), "GBK/GB18030"))
        );
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(read_all(&utf16, Encoding::Auto), Ok((text, "UTF-16LE")));
        // UTF-8 asked for, GBK given: refused, not replaced.
        let err = read_all(&gbk, Encoding::Utf8).unwrap_err();
        assert!(err.contains("UTF-8"), "{err}");
        // A byte neither UTF-8 nor GBK knows, at the very end.
        let mut broken = "a,b\n".repeat(30_000).into_bytes();
        broken.extend([0x81, 0x20]);
        assert!(read_all(&broken, Encoding::Auto).is_err());
    }
}
