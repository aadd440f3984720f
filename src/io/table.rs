//! Reading a spreadsheet export into rows: the encoding (UTF-8 with or without BOM, else
//! GBK/GB18030 as Excel on Chinese Windows writes), the delimiter (comma, semicolon or tab), and
//! the header row.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::io::{Cursor, Read, Seek, SeekFrom};
use std::rc::Rc;

use super::decoding::{self, Decoding};
use crate::domain::InputError;

/// A decoded table: the header, then each row with the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub encoding: String,
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

/// Where the lines of a stream of text start, kept only as far back as the record being read:
/// every line number kehu prints is the file's physical line, counting LF, CRLF and a lone CR
/// (old Mac files) each as one break — the numbers a spreadsheet and an editor show. (The csv
/// reader's own line count is one short for every CRLF record.)
#[derive(Debug)]
pub struct LineBook {
    /// The line the next byte is on (1-based), and whether it is that line's first byte.
    line: u64,
    fresh: bool,
    /// The last byte was a CR, so an LF now ends nothing new.
    after_cr: bool,
    at: u64,
    /// (offset, line) of each line that starts with something other than a line break.
    starts: VecDeque<(u64, u64)>,
}

impl Default for LineBook {
    fn default() -> Self {
        LineBook {
            line: 1,
            fresh: true,
            after_cr: false,
            at: 0,
            starts: VecDeque::new(),
        }
    }
}

impl LineBook {
    fn feed(&mut self, bytes: &[u8]) {
        for (i, b) in bytes.iter().enumerate() {
            if std::mem::take(&mut self.after_cr) && *b == b'\n' {
                continue;
            }
            if std::mem::take(&mut self.fresh) && !matches!(b, b'\r' | b'\n') {
                self.starts.push_back((self.at + i as u64, self.line));
            }
            if matches!(b, b'\r' | b'\n') {
                self.line += 1;
                self.fresh = true;
                self.after_cr = *b == b'\r';
            }
        }
        self.at += bytes.len() as u64;
    }

    /// The line a record that the reader began at `offset` starts on: the first line at or
    /// after it that is not blank (the reader's offset can point at blank lines it skipped, or
    /// at the LF of the line before). Records are asked for in order, so earlier lines go.
    fn line_at(&mut self, offset: u64) -> u64 {
        while self.starts.front().is_some_and(|(at, _)| *at < offset) {
            self.starts.pop_front();
        }
        self.starts.front().map_or(self.line, |(_, line)| *line)
    }
}

/// Text passing through on its way to the csv reader, its lines noted in a shared [`LineBook`].
struct Lines<R> {
    inner: R,
    book: Rc<RefCell<LineBook>>,
}

impl<R: Read> Read for Lines<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(out)?;
        self.book.borrow_mut().feed(&out[..n]);
        Ok(n)
    }
}

/// Rows read one at a time from a file (a CSV as it streams, a sheet of a workbook).
pub trait RowSource {
    /// The next non-blank row with the line (or sheet row) it starts on; an error ends the rows.
    fn next_row(&mut self) -> Option<Result<(u64, Vec<String>), InputError>>;
    /// How far through the file, out of how far it goes (bytes, or rows of a sheet).
    fn progress(&self) -> (u64, u64);
    /// Where a row is, when its line number alone does not say (a card in a folder of cards:
    /// "3 (anna.vcf)").
    fn place(&self, _line: u64) -> Option<String> {
        None
    }
}

/// A file opened for import: what it is, its header, and its rows still to read.
pub struct Opened<'a> {
    /// The encoding, or the kind of workbook and the sheet.
    pub encoding: String,
    /// The CSV's delimiter (none for a workbook).
    pub delimiter: Option<u8>,
    pub header: Vec<String>,
    pub rows: Box<dyn RowSource + 'a>,
}

type CsvStream<R> = csv::Reader<std::io::Chain<Cursor<Vec<u8>>, Lines<Decoding<R>>>>;

struct CsvRows<R: Read> {
    reader: CsvStream<R>,
    book: Rc<RefCell<LineBook>>,
    record: csv::StringRecord,
    consumed: Rc<Cell<u64>>,
    size: u64,
    failed: bool,
}

impl<R: Read> RowSource for CsvRows<R> {
    fn next_row(&mut self) -> Option<Result<(u64, Vec<String>), InputError>> {
        if self.failed {
            return None;
        }
        loop {
            match self.reader.read_record(&mut self.record) {
                Ok(false) => return None,
                Ok(true) if self.record.iter().all(|c| c.trim().is_empty()) => {}
                Ok(true) => {
                    let offset = self.record.position().map_or(0, csv::Position::byte);
                    let line = self.book.borrow_mut().line_at(offset);
                    return Some(Ok((line, self.record.iter().map(str::to_string).collect())));
                }
                Err(e) => {
                    self.failed = true;
                    let line = match (e.kind(), e.position()) {
                        (csv::ErrorKind::Io(_), _) | (_, None) => self.book.borrow().line,
                        (_, Some(p)) => self.book.borrow_mut().line_at(p.byte()),
                    };
                    let why = match e.kind() {
                        csv::ErrorKind::Io(io) => io.to_string(),
                        _ => e.to_string(),
                    };
                    return Some(Err(InputError::new(
                        "file",
                        crate::i18n::tf("err.file_line", &[("line", &line), ("why", &why)]),
                    )));
                }
            }
        }
    }

    fn progress(&self) -> (u64, u64) {
        (self.consumed.get(), self.size)
    }
}

/// Opens a CSV (or tab- or semicolon-separated) file for reading a row at a time, in the
/// encoding asked for or found out. Checks the start for garbled text and reads the header.
/// Quoted fields may hold delimiters and line breaks.
pub fn open_csv<'a, R: Read + Seek + 'a>(
    mut input: R,
    asked: Encoding,
) -> Result<Opened<'a>, InputError> {
    let io_error = |e: std::io::Error| InputError::new("file", e.to_string());
    let size = input.seek(SeekFrom::End(0)).map_err(io_error)?;
    input.seek(SeekFrom::Start(0)).map_err(io_error)?;
    let plan = decoding::plan(&mut input, asked)?;
    let decoding = Decoding::new(input, &plan).map_err(io_error)?;
    let consumed = decoding.consumed();
    let book = Rc::new(RefCell::new(LineBook::default()));
    let mut lines = Lines {
        inner: decoding,
        book: book.clone(),
    };
    // The start of the text, for the checks below; read again by the csv reader.
    let mut head = Vec::with_capacity(HEAD);
    if let Err(e) = lines.by_ref().take(HEAD as u64).read_to_end(&mut head) {
        let line = book.borrow().line;
        return Err(InputError::new(
            "file",
            crate::i18n::tf("err.file_line", &[("line", &line), ("why", &e)]),
        ));
    }
    let whole = head.len() < HEAD;
    let text = String::from_utf8_lossy(&head);
    // The last line of a cut head may be cut mid-character; only whole lines are judged.
    let judged: Vec<&str> = text.lines().collect();
    let judged = &judged[..judged.len() - usize::from(!whole && judged.len() > 1)];
    // Garbled text would import as garbage (and every name "empty"): say what it is instead,
    // from the first garbled line among the first fifty (the header may be plain ASCII).
    if let Some((line, seen, meant)) = judged
        .iter()
        .take(50)
        .enumerate()
        .find_map(|(i, l)| garbled(l).map(|meant| (i + 1, *l, meant)))
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
    if whole && text.trim().is_empty() {
        return Err(InputError::new("file", crate::i18n::t("err.file_empty")));
    }
    let delimiter = sniff_delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(Cursor::new(head).chain(lines));
    let mut first = csv::StringRecord::new();
    let header: Vec<String> = match reader.read_record(&mut first) {
        Ok(true) => first.iter().map(|h| h.trim().to_string()).collect(),
        Ok(false) => return Err(InputError::new("file", crate::i18n::t("err.file_empty"))),
        Err(e) => {
            return Err(InputError::new(
                "file",
                crate::i18n::tf("err.file_header", &[("why", &e)]),
            ));
        }
    };
    Ok(Opened {
        encoding: plan.name.to_string(),
        delimiter: Some(delimiter),
        header,
        rows: Box::new(CsvRows {
            reader,
            book,
            record: csv::StringRecord::new(),
            consumed,
            size,
            failed: false,
        }),
    })
}

/// How much of the text is read first, to judge it.
const HEAD: usize = 64 * 1024;

/// Parses a whole file into a table, finding out its encoding.
pub fn parse(bytes: &[u8]) -> Result<Table, InputError> {
    parse_as(bytes, Encoding::Auto)
}

/// Parses a whole file read as `encoding` into a table (imports stream with [`open_csv`]).
pub fn parse_as(bytes: &[u8], encoding: Encoding) -> Result<Table, InputError> {
    let opened = open_csv(Cursor::new(bytes), encoding)?;
    let mut rows = Vec::new();
    let mut source = opened.rows;
    while let Some(row) = source.next_row() {
        rows.push(row?);
    }
    if rows.is_empty() {
        return Err(InputError::new("file", crate::i18n::t("err.file_no_rows")));
    }
    Ok(Table {
        encoding: opened.encoding,
        delimiter: opened.delimiter.unwrap_or(b','),
        header: opened.header,
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
        assert_eq!((t.encoding.as_str(), t.delimiter), ("UTF-8 with BOM", b';'));
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
