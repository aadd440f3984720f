//! Reading a spreadsheet export into rows: the encoding (UTF-8 with or without BOM, else
//! GBK/GB18030 as Excel on Chinese Windows writes), the delimiter (comma, semicolon or tab), and
//! the header row.

use crate::domain::InputError;

/// A decoded table: the header, then each row with the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub encoding: &'static str,
    pub delimiter: u8,
    pub header: Vec<String>,
    pub rows: Vec<(u64, Vec<String>)>,
}

/// How to read a file's bytes: found out (`auto`), or as the user says (`--encoding`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    #[default]
    Auto,
    Utf8,
    Gbk,
    Utf16,
}

impl std::str::FromStr for Encoding {
    type Err = InputError;
    fn from_str(s: &str) -> Result<Encoding, InputError> {
        match s.trim().to_lowercase().replace('_', "-").as_str() {
            "auto" => Ok(Encoding::Auto),
            "utf-8" | "utf8" => Ok(Encoding::Utf8),
            "gbk" | "gb18030" | "gb2312" => Ok(Encoding::Gbk),
            "utf-16" | "utf16" | "utf-16le" | "unicode" => Ok(Encoding::Utf16),
            _ => Err(InputError::new(
                "encoding",
                crate::i18n::tf("err.encoding_choice", &[("value", &s)]),
            )),
        }
    }
}

/// Text from bytes read as `encoding` says.
pub fn decode_as(bytes: &[u8], encoding: Encoding) -> Result<(String, &'static str), InputError> {
    let refuse = |name: &str| {
        Err(InputError::new(
            "file",
            crate::i18n::tf("err.file_not_in", &[("encoding", &name)]),
        ))
    };
    match encoding {
        Encoding::Auto => decode(bytes),
        Encoding::Utf8 => {
            let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            match std::str::from_utf8(body) {
                Ok(text) => Ok((text.to_string(), "UTF-8")),
                Err(_) => refuse("UTF-8"),
            }
        }
        Encoding::Gbk => {
            match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
                Some(text) => Ok((text.into_owned(), "GBK/GB18030")),
                None => refuse("GBK/GB18030"),
            }
        }
        Encoding::Utf16 => {
            let (enc, body) = match encoding_rs::Encoding::for_bom(bytes) {
                Some((e, n)) if e != encoding_rs::UTF_8 => (e, &bytes[n..]),
                _ => (encoding_rs::UTF_16LE, bytes),
            };
            match enc.decode_without_bom_handling_and_without_replacement(body) {
                Some(text) => Ok((
                    text.into_owned(),
                    if enc == encoding_rs::UTF_16BE {
                        "UTF-16BE"
                    } else {
                        "UTF-16LE"
                    },
                )),
                None => refuse("UTF-16"),
            }
        }
    }
}

/// UTF-8 text that was once read as Windows-1252 and saved again ("å§“å" for "姓名"): what
/// it meant, if the line is that. Only text that turns into non-Latin characters counts, so a
/// real "Müller" or "José" is never taken for it.
pub fn garbled(line: &str) -> Option<String> {
    if line.is_ascii() {
        return None;
    }
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(line);
    if unmappable {
        return None;
    }
    let meant = std::str::from_utf8(&bytes).ok()?;
    (meant != line && meant.chars().any(|c| c as u32 >= 0x0370)).then(|| meant.to_string())
}

/// The start of a line, for a message.
fn snippet(line: &str) -> String {
    line.chars().take(40).collect()
}

/// Text from bytes: UTF-16 with its BOM (Excel's "Unicode Text"), UTF-8 (a BOM is dropped),
/// else GB18030 (a superset of GBK).
pub fn decode(bytes: &[u8]) -> Result<(String, &'static str), InputError> {
    if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(bytes)
        && encoding != encoding_rs::UTF_8
    {
        let (text, had_errors) = encoding.decode_with_bom_removal(bytes);
        if had_errors {
            return Err(InputError::new("file", crate::i18n::t("err.file_encoding")));
        }
        let name = if encoding == encoding_rs::UTF_16LE {
            "UTF-16LE"
        } else {
            "UTF-16BE"
        };
        return Ok((text.into_owned(), name));
    }
    if bytes.iter().take(8192).any(|b| *b == 0) {
        // Text in UTF-16 without its byte-order mark: every other byte of Latin text is NUL.
        let head = &bytes[..bytes.len().min(512)];
        let odd_nuls = head.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
        if head.len() >= 4 && odd_nuls * 4 >= head.len() {
            return Err(InputError::new(
                "file",
                crate::i18n::t("err.file_utf16_without_bom"),
            ));
        }
        return Err(InputError::new("file", crate::i18n::t("err.file_binary")));
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(text) => Ok((
            text.to_string(),
            if body.len() < bytes.len() {
                "UTF-8 with BOM"
            } else {
                "UTF-8"
            },
        )),
        Err(_) => {
            let (text, _, had_errors) = encoding_rs::GB18030.decode(body);
            if had_errors {
                return Err(InputError::new("file", crate::i18n::t("err.file_encoding")));
            }
            Ok((text.into_owned(), "GBK/GB18030"))
        }
    }
}

/// The delimiter used on the header line: comma, semicolon or tab, whichever appears most
/// outside quotes.
pub fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for c in first.bytes() {
        if c == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for (d, n) in &mut counts {
                if c == *d {
                    *n += 1;
                }
            }
        }
    }
    counts
        .iter()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n > 0)
        .map_or(b',', |(d, _)| *d)
}

/// Where each physical line of the text starts, counting LF, CRLF and a lone CR (old Mac files)
/// each as one break — the numbers a spreadsheet and an editor show. The csv reader's own line
/// count is one short for every CRLF record.
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn of(text: &str) -> LineStarts {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    i += 1;
                    starts.push(i + 1);
                }
                b'\r' | b'\n' => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        LineStarts(starts)
    }

    /// The 1-based line a record starting at byte `offset` of `text` begins on: the reader's
    /// offset can point at blank lines it skipped before the record.
    fn line(&self, text: &str, offset: u64) -> u64 {
        let bytes = text.as_bytes();
        let mut at = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(bytes.len());
        while matches!(bytes.get(at), Some(b'\r' | b'\n')) {
            at += 1;
        }
        self.0.partition_point(|start| *start <= at) as u64
    }
}

/// Parses a file into a table, finding out its encoding. Quoted fields may hold delimiters and
/// line breaks.
pub fn parse(bytes: &[u8]) -> Result<Table, InputError> {
    parse_as(bytes, Encoding::Auto)
}

/// Parses a file read as `encoding`.
pub fn parse_as(bytes: &[u8], encoding: Encoding) -> Result<Table, InputError> {
    let (text, encoding) = decode_as(bytes, encoding)?;
    // Garbled text would import as garbage (and every name "empty"): say what it is instead,
    // from the first garbled line among the first fifty (the header may be plain ASCII).
    if let Some((line, seen, meant)) = text
        .lines()
        .take(50)
        .enumerate()
        .find_map(|(i, l)| garbled(l).map(|meant| (i + 1, l, meant)))
    {
        return Err(InputError::new(
            "file",
            crate::i18n::tf(
                "err.file_garbled",
                &[
                    ("line", &line),
                    ("seen", &snippet(seen)),
                    ("meant", &snippet(&meant)),
                ],
            ),
        ));
    }
    if text.trim().is_empty() {
        return Err(InputError::new("file", crate::i18n::t("err.file_empty")));
    }
    let delimiter = sniff_delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header: Vec<String> = match records.next() {
        Some(Ok(r)) => r.iter().map(|h| h.trim().to_string()).collect(),
        Some(Err(e)) => {
            return Err(InputError::new(
                "file",
                crate::i18n::tf("err.file_header", &[("why", &e)]),
            ));
        }
        None => return Err(InputError::new("file", crate::i18n::t("err.file_empty"))),
    };
    let lines = LineStarts::of(&text);
    let mut rows = Vec::new();
    for record in records {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| lines.line(&text, p.byte()));
            InputError::new(
                "file",
                crate::i18n::tf("err.file_line", &[("line", &line), ("why", &e)]),
            )
        })?;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let line = record.position().map_or(0, |p| lines.line(&text, p.byte()));
        rows.push((line, record.iter().map(str::to_string).collect()));
    }
    if rows.is_empty() {
        return Err(InputError::new("file", crate::i18n::t("err.file_no_rows")));
    }
    Ok(Table {
        encoding,
        delimiter,
        header,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_and_delimiters() {
        let gbk = encoding_rs::GBK
            .encode("姓名,电话\n张伟,138 0013 8000\n")
            .0
            .into_owned();
        let t = parse(&gbk).unwrap();
        assert_eq!(t.encoding, "GBK/GB18030");
        assert_eq!(t.header, vec!["姓名", "电话"]);
        assert_eq!(t.rows[0].1[0], "张伟");
        let bom = [b"\xEF\xBB\xBF".as_slice(), "Name;Phone\nAnn;1\n".as_bytes()].concat();
        let t = parse(&bom).unwrap();
        assert_eq!((t.encoding, t.delimiter), ("UTF-8 with BOM", b';'));
        let tab = parse(b"Name\tCity\nAnn\tBerlin\n").unwrap();
        assert_eq!(tab.delimiter, b'\t');
        let multiline = parse(b"Name,Notes\n\"Ann\",\"line one\nline two\"\nBob,x\n").unwrap();
        assert_eq!(multiline.rows[0].1[1], "line one\nline two");
        assert_eq!(multiline.rows[1].0, 4, "Bob starts on line 4");
    }

    #[test]
    fn excels_unicode_text_is_utf_16_with_a_bom_and_tabs() {
        let text = "姓名\t电话\r\n张伟\t138 0013 8000\r\n";
        for (bom, units) in [
            (
                &[0xFF, 0xFE][..],
                text.encode_utf16()
                    .flat_map(u16::to_le_bytes)
                    .collect::<Vec<_>>(),
            ),
            (
                &[0xFE, 0xFF][..],
                text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
            ),
        ] {
            let t = parse(&[bom, &units].concat()).unwrap();
            assert!(t.encoding.starts_with("UTF-16"), "{}", t.encoding);
            assert_eq!(
                (t.delimiter, t.header.clone()),
                (b'\t', vec!["姓名".to_string(), "电话".into()])
            );
            assert_eq!(
                t.rows,
                vec![(2, vec!["张伟".to_string(), "138 0013 8000".into()])]
            );
        }
    }

    #[test]
    fn garbled_text_and_utf_16_without_a_bom_are_named() {
        // "姓名,电话" as UTF-8, read as Windows-1252 and saved as UTF-8 again.
        let utf8 = "姓名,电话\n张伟,1\n".as_bytes();
        let (seen, _, _) = encoding_rs::WINDOWS_1252.decode(utf8);
        let err = parse(seen.as_bytes()).unwrap_err();
        assert!(err.reason.contains("姓名,电话"), "{}", err.reason);
        assert_eq!(garbled("Name,Müller,José,Zoë"), None);
        assert_eq!(garbled("姓名,电话"), None);
        let utf16: Vec<u8> = "Name,Phone\r\nAnn,1\r\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert!(
            parse(&utf16)
                .unwrap_err()
                .reason
                .contains("--encoding utf-16")
        );
        let t = parse_as(&utf16, Encoding::Utf16).unwrap();
        assert_eq!(t.rows[0].1, vec!["Ann".to_string(), "1".into()]);
        let gbk = encoding_rs::GBK.encode("姓名\n张伟\n").0.into_owned();
        assert!(
            parse_as(&gbk, Encoding::Utf8)
                .unwrap_err()
                .reason
                .contains("UTF-8")
        );
        assert_eq!(parse_as(&gbk, Encoding::Gbk).unwrap().rows[0].1[0], "张伟");
        assert!("latin1".parse::<Encoding>().is_err());
        assert_eq!("GB18030".parse::<Encoding>().unwrap(), Encoding::Gbk);
    }

    #[test]
    fn line_numbers_are_the_files_lines_for_every_line_ending() {
        for eol in ["\n", "\r\n", "\r"] {
            let text = [
                "Name,Notes",
                "Ann,x",
                "\"Bea\",\"one",
                "two\"",
                "",
                "Cy,z",
                "",
            ]
            .join(eol);
            let t = parse(text.as_bytes()).unwrap();
            let lines: Vec<u64> = t.rows.iter().map(|(l, _)| *l).collect();
            assert_eq!(lines, [2, 3, 6], "{eol:?}");
        }
    }

    #[test]
    fn bad_files_say_why() {
        assert!(parse(b"").unwrap_err().reason.contains("empty"));
        assert!(
            parse(b"Name,Phone\n")
                .unwrap_err()
                .reason
                .contains("no data rows")
        );
        assert!(
            parse(b"\x00\x01\x02binary")
                .unwrap_err()
                .reason
                .contains("not a text file")
        );
        assert!(parse(&[0xff, 0xfe, 0xfd, 0x80, 0x81]).is_err());
    }
}
