//! Printing: width-aware tables (CJK is two columns wide), JSON, and terminal-safe text.

use std::io::{self, Write};

use serde::{Serialize, Serializer};
use unicode_width::UnicodeWidthStr;

use crate::domain::input::for_terminal;

/// Standard output, buffered; every write returns an error (a closed pipe included) instead of
/// panicking like `println!`.
pub struct Out {
    inner: Box<dyn Write>,
    /// Kept instead of printed (the screen's `:` palette shows it), when set.
    captured: Option<std::rc::Rc<std::cell::RefCell<Vec<u8>>>>,
}

/// Appends to a shared buffer.
struct Capture(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Out {
    pub fn new() -> Out {
        Out {
            inner: Box::new(io::BufWriter::new(io::stdout().lock())),
            captured: None,
        }
    }

    /// Output kept in memory (for a command run from the screen); read it with [`Out::text`].
    pub fn captured() -> Out {
        let buf = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        Out {
            inner: Box::new(Capture(buf.clone())),
            captured: Some(buf),
        }
    }

    /// What a captured `Out` was given.
    pub fn text(&self) -> String {
        self.captured
            .as_ref()
            .map(|b| String::from_utf8_lossy(&b.borrow()).into_owned())
            .unwrap_or_default()
    }

    /// A line of text that may contain stored data: control characters are made harmless.
    pub fn line(&mut self, text: &str) -> io::Result<()> {
        writeln!(self.inner, "{}", for_terminal(text, false))
    }

    /// JSON escapes C0 controls itself; on a terminal, C1 codes and bidirectional overrides (which
    /// JSON leaves as they are) are written out too. A pipe gets the JSON exactly.
    pub fn json<T: Serialize + ?Sized>(&mut self, value: &T) -> io::Result<()> {
        let text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
        if self.captured.is_some() || io::IsTerminal::is_terminal(&io::stdout()) {
            writeln!(
                self.inner,
                "{}",
                crate::domain::input::escape_for_terminal(&text)
            )
        } else {
            writeln!(self.inner, "{text}")
        }
    }

    /// A JSON array of `items`, as [`Out::json`] writes it; to a pipe each item is written as it
    /// is made, so a 100,000-customer list never sits in memory as text (or as JSON values).
    pub fn json_items<T: Serialize>(
        &mut self,
        items: impl IntoIterator<Item = T>,
    ) -> io::Result<()> {
        if self.captured.is_some() || io::IsTerminal::is_terminal(&io::stdout()) {
            let all: Vec<T> = items.into_iter().collect();
            return self.json(&all);
        }
        let mut ser = serde_json::Serializer::pretty(&mut self.inner);
        ser.collect_seq(items).map_err(io::Error::from)?;
        writeln!(self.inner)
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl Default for Out {
    fn default() -> Self {
        Out::new()
    }
}

/// A writer for data sent to standard output when it is a terminal: every control character,
/// C1 code and bidirectional override is shown escaped (`\x1b`, `\u{202e}`) instead of being
/// run by the terminal. Line breaks stay. Written to a file (`--out`) or a pipe, the data is exact.
pub struct TerminalSafe<W: Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: Write> TerminalSafe<W> {
    pub fn new(inner: W) -> TerminalSafe<W> {
        TerminalSafe {
            inner,
            pending: Vec::new(),
        }
    }

    fn emit(&mut self, upto: usize) -> io::Result<()> {
        let chunk: Vec<u8> = self.pending.drain(..upto).collect();
        let text = String::from_utf8_lossy(&chunk);
        self.inner
            .write_all(crate::domain::input::escape_for_terminal(&text).as_bytes())
    }
}

impl<W: Write> Write for TerminalSafe<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        // Whole lines at a time, so a character split between two writes is never escaped half.
        if let Some(end) = self.pending.iter().rposition(|b| *b == b'\n') {
            self.emit(end + 1)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let all = self.pending.len();
        self.emit(all)?;
        self.inner.flush()
    }
}

/// Cuts `text` to at most `max` terminal columns (see `domain::input::clip`).
pub fn fit(text: &str, max: usize) -> String {
    crate::domain::input::clip(text, max)
}

pub fn pad(text: &str, width: usize) -> String {
    let w = text.width();
    format!("{text}{}", " ".repeat(width.saturating_sub(w)))
}

/// A plain text table whose columns fit their widest cell, up to a cap per column.
pub struct Table {
    headers: Vec<&'static str>,
    caps: Vec<usize>,
    /// Every fitted cell end to end, row after row: one string, not one per cell (a Today queue
    /// of 570,000 rows spent more time allocating and freeing cells than reading the book).
    text: String,
    /// Each cell's end in `text` and its width in columns, `caps.len()` to a row.
    cells: Vec<(usize, usize)>,
}

impl Table {
    /// `columns` are (heading, widest allowed).
    pub fn new(columns: &[(&'static str, usize)]) -> Table {
        Table {
            // Headings are catalogue keys' English text: `head.<heading>` in the interface language.
            headers: columns
                .iter()
                .map(|c| match c.0 {
                    "" => "",
                    h => crate::i18n::t(&format!(
                        "head.{}",
                        h.to_lowercase().replace([' ', '/'], "_")
                    )),
                })
                .collect(),
            caps: columns.iter().map(|c| c.1).collect(),
            text: String::new(),
            cells: Vec::new(),
        }
    }

    /// A row of cells, one per column: missing cells are blank, extra ones are dropped.
    pub fn row<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) {
        let mut cells = cells.into_iter();
        for cap in &self.caps {
            let width = match cells.next() {
                Some(c) => crate::domain::input::clip_into(&mut self.text, c.as_ref(), *cap),
                None => 0,
            };
            self.cells.push((self.text.len(), width));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// A table with the same columns and no rows, to lay out some rows elsewhere (on another
    /// thread) and [`Table::append`] them after.
    pub fn empty_like(&self) -> Table {
        Table {
            headers: self.headers.clone(),
            caps: self.caps.clone(),
            text: String::new(),
            cells: Vec::new(),
        }
    }

    /// `other`'s rows after this table's.
    pub fn append(&mut self, other: Table) {
        let base = self.text.len();
        self.text.push_str(&other.text);
        self.cells
            .extend(other.cells.iter().map(|&(end, width)| (base + end, width)));
    }

    pub fn print(&self, out: &mut Out) -> io::Result<()> {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.width()).collect();
        for row in self.cells.chunks(self.caps.len().max(1)) {
            for (w, (_, c)) in widths.iter_mut().zip(row) {
                *w = (*w).max(*c);
            }
        }
        // A queue of 50,000 rows is printed through one reused line.
        let mut line = String::new();
        fill(
            &mut line,
            &widths,
            self.headers.iter().map(|h| (*h, h.width())),
        );
        out.inner.write_all(line.as_bytes())?;
        let mut start = 0;
        for row in self.cells.chunks(self.caps.len().max(1)) {
            let cells = row.iter().map(|&(end, width)| {
                let cell = &self.text[start..end];
                start = end;
                (cell, width)
            });
            fill(&mut line, &widths, cells);
            out.inner.write_all(line.as_bytes())?;
        }
        Ok(())
    }
}

/// One table line into `line`: cells padded to their column's width, two spaces apart, trailing
/// blanks trimmed (so the last column is never padded).
fn fill<'a>(line: &mut String, widths: &[usize], cells: impl Iterator<Item = (&'a str, usize)>) {
    line.clear();
    for (i, (text, width)) in cells.enumerate() {
        if i > 0 {
            line.push_str("  ");
        }
        line.push_str(text);
        let room = widths.get(i).copied().unwrap_or(0).saturating_sub(width);
        line.extend(std::iter::repeat_n(' ', room));
    }
    let end = line.trim_end().len();
    line.truncate(end);
    line.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_measures_cjk_and_never_splits() {
        assert_eq!(fit("张伟伟伟", 8), "张伟伟伟");
        assert_eq!(fit("张伟伟伟", 7), "张伟伟…");
        assert_eq!(fit("张伟伟伟", 6), "张伟…");
        assert_eq!(fit("abc\u{1b}[31m", 20), "abc�[31m");
        assert!(fit("上海星辰科技有限公司", 9).width() <= 9);
    }

    #[test]
    fn a_table_pads_by_width_clips_to_its_caps_and_blanks_missing_cells() {
        let mut table = Table {
            headers: vec!["ID", "NAME", "CITY"],
            caps: vec![4, 6, 10],
            text: String::new(),
            cells: Vec::new(),
        };
        table.row(["1", "张伟伟伟", "上海"]);
        // The rest laid out apart and appended, as a long queue is on two threads.
        let mut rest = table.empty_like();
        rest.row(["22", "Ann\u{1b}[31m", "Beijing", "extra"]);
        rest.row(["333"]);
        table.append(rest);
        let mut out = Out::captured();
        table.print(&mut out).ok();
        assert_eq!(
            out.text(),
            "ID   NAME    CITY\n\
             1    张伟…   上海\n\
             22   Ann�[…  Beijing\n\
             333\n"
        );
    }
}
