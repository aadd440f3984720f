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

/// Parses decoded text into a table. Quoted fields may hold delimiters and line breaks.
pub fn parse(bytes: &[u8]) -> Result<Table, InputError> {
    let (text, encoding) = decode(bytes)?;
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
