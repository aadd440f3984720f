//! Reading a workbook (xlsx, xlsm, xlsb, xls, ods) for import with calamine: one sheet, its first
//! row the header, each cell as the text a person sees in it — a number without a spurious
//! ".0", a date as YYYY-MM-DD. Each row is named by its row number in the sheet.

use std::io::{Cursor, Read};

use calamine::{Data, Range, Reader};

use super::table::{Opened, RowSource};
use crate::domain::InputError;
use crate::i18n::tf;

struct SheetRows {
    range: Range<Data>,
    /// The sheet's row number of the range's first row (1-based).
    first_row: u64,
    next: usize,
}

impl RowSource for SheetRows {
    fn next_row(&mut self) -> Option<Result<(u64, Vec<String>), InputError>> {
        while self.next < self.range.height() {
            let at = self.next;
            self.next += 1;
            let cells: Vec<String> = (0..self.range.width())
                .map(|col| self.range.get((at, col)).map_or_else(String::new, text_of))
                .collect();
            if cells.iter().any(|c| !c.trim().is_empty()) {
                return Some(Ok((self.first_row + at as u64, cells)));
            }
        }
        None
    }

    fn progress(&self) -> (u64, u64) {
        (self.next as u64, self.range.height() as u64)
    }
}

/// The text a cell shows: whole numbers without a fraction (a phone typed into a number cell
/// keeps its digits), dates as YYYY-MM-DD (with the time when there is one).
pub fn text_of(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
            }
        }
        Data::DateTime(dt) => dt.as_f64().to_string(),
        Data::DateTimeIso(s) => s.strip_suffix("T00:00:00").unwrap_or(s).replace('T', " "),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// Opens the workbook in `input` and the sheet named `sheet` (else the first that holds
/// anything) for reading a row at a time.
pub fn open<R: Read>(mut input: R, sheet: Option<&str>) -> Result<Opened<'static>, InputError> {
    let file_error = |reason: String| InputError::new("file", reason);
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .map_err(|e| file_error(e.to_string()))?;
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| file_error(tf("err.workbook_unreadable", &[("why", &e)])))?;
    let names = book.sheet_names();
    let read = |book: &mut calamine::Sheets<_>, name: &str| {
        book.worksheet_range(name)
            .map_err(|e| file_error(tf("err.workbook_unreadable", &[("why", &e)])))
    };
    let (name, range) = match sheet {
        Some(wanted) => {
            let name = names
                .iter()
                .find(|n| n.trim().eq_ignore_ascii_case(wanted.trim()))
                .ok_or_else(|| {
                    InputError::new(
                        "sheet",
                        tf(
                            "err.no_such_sheet",
                            &[("sheet", &wanted), ("sheets", &names.join(", "))],
                        ),
                    )
                })?
                .clone();
            let range = read(&mut book, &name)?;
            (name, range)
        }
        None => {
            let mut found = None;
            for name in &names {
                let range = read(&mut book, name)?;
                if !range.is_empty() {
                    found = Some((name.clone(), range));
                    break;
                }
            }
            found.ok_or_else(|| file_error(crate::i18n::t("err.file_empty").into()))?
        }
    };
    let first_row = range.start().map_or(1, |(row, _)| u64::from(row) + 1);
    let header: Vec<String> = (0..range.width())
        .map(|col| {
            range
                .get((0, col))
                .map_or_else(String::new, text_of)
                .trim()
                .to_string()
        })
        .collect();
    if header.iter().all(String::is_empty) {
        return Err(file_error(crate::i18n::t("err.file_empty").into()));
    }
    Ok(Opened {
        encoding: tf("import.workbook_sheet", &[("sheet", &name)]),
        delimiter: None,
        header,
        rows: Box::new(SheetRows {
            range,
            first_row,
            next: 1,
        }),
    })
}
