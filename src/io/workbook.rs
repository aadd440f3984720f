//! `kehu export xlsx`: a workbook a spreadsheet cannot damage. Phones, ID numbers, postcodes
//! and every other text are text cells (a CSV cannot say so, and a spreadsheet turns
//! `01088886666` into `1088886666` and an 18-digit ID into `1.10101199003071E+17`); dates are date
//! cells, amounts number cells in the team's currency. One sheet per kind of record, each with
//! its header frozen and filtered. `kehu import xlsx` reads the customers' sheet back exactly.

use chrono::{Datelike, NaiveDate, Timelike};
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError};

use super::export::customer_table;
use crate::domain::Clock;
use crate::domain::time::parse_timestamp;
use crate::store::sheets::{self, Cell, Kind};
use crate::store::{Store, StoreError};

/// The most rows a sheet holds (Excel's limit), header included; more go on to a second sheet.
const MAX_ROWS: u32 = 1_048_576;

/// The cell formats of a workbook, one per kind of column.
struct Formats {
    header: Format,
    text: Format,
    number: Format,
    date: Format,
    stamp: Format,
    money: Format,
}

impl Formats {
    fn new(currency: &str) -> Formats {
        let symbol = crate::domain::format::currency_symbol(currency).replace('"', "");
        Formats {
            header: Format::new().set_bold().set_align(FormatAlign::Center),
            // "@": a cell the user edits later stays text too.
            text: Format::new().set_num_format("@"),
            number: Format::new().set_num_format("0"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            stamp: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
            money: Format::new()
                .set_num_format(format!("\"{symbol}\"#,##0.00;-\"{symbol}\"#,##0.00")),
        }
    }
}

fn failed(e: XlsxError) -> StoreError {
    StoreError::Refused(crate::i18n::tf("err.workbook_write", &[("why", &e)]))
}

/// A date cell's value from `YYYY-MM-DD`.
fn excel_date(d: NaiveDate) -> Option<ExcelDateTime> {
    ExcelDateTime::from_ymd(
        u16::try_from(d.year()).ok()?,
        u8::try_from(d.month()).ok()?,
        u8::try_from(d.day()).ok()?,
    )
    .ok()
}

/// One sheet written a row at a time (constant memory: a sheet of a million rows is streamed
/// to a temporary file), continued on "NAME (2)" past Excel's row limit.
struct SheetWriter<'a> {
    book: &'a mut Workbook,
    formats: &'a Formats,
    clock: &'a Clock,
    name: &'a str,
    columns: Vec<(String, Kind)>,
    part: u32,
    row: u32,
}

impl<'a> SheetWriter<'a> {
    fn start(
        book: &'a mut Workbook,
        formats: &'a Formats,
        clock: &'a Clock,
        name: &'a str,
        columns: Vec<(String, Kind)>,
    ) -> Result<SheetWriter<'a>, XlsxError> {
        let mut w = SheetWriter {
            book,
            formats,
            clock,
            name,
            columns,
            part: 0,
            row: 0,
        };
        w.next_part()?;
        Ok(w)
    }

    fn sheet(&mut self) -> Result<&mut Worksheet, XlsxError> {
        let index = self.book.worksheets().len() - 1;
        self.book.worksheet_from_index(index)
    }

    fn next_part(&mut self) -> Result<(), XlsxError> {
        self.finish()?;
        self.part += 1;
        let name = match self.part {
            1 => self.name.to_string(),
            n => format!("{} ({n})", self.name),
        };
        let columns = self.columns.clone();
        let formats = self.formats;
        let sheet = self.book.add_worksheet_with_constant_memory()?;
        sheet.set_name(name)?;
        for (col, (header, kind)) in columns.iter().enumerate() {
            let col = u16::try_from(col).map_err(|_| XlsxError::RowColumnLimitError)?;
            let width = match kind {
                Kind::Stamp => 17.0,
                Kind::Date | Kind::Money => 12.0,
                Kind::Number => 8.0,
                Kind::Text => 16.0,
            };
            sheet.set_column_width(col, width)?;
            sheet.write_string_with_format(0, col, header, &formats.header)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        self.row = 0;
        Ok(())
    }

    /// Filters the header of the sheet written so far over its rows.
    fn finish(&mut self) -> Result<(), XlsxError> {
        if self.part == 0 {
            return Ok(());
        }
        let (last_row, last_col) = (self.row, self.columns.len().saturating_sub(1) as u16);
        self.sheet()?.autofilter(0, 0, last_row, last_col)?;
        Ok(())
    }

    fn write(&mut self, cells: &[Cell]) -> Result<(), XlsxError> {
        if self.row + 1 >= MAX_ROWS {
            self.finish()?;
            self.next_part()?;
        }
        self.row += 1;
        let (row, formats, clock) = (self.row, self.formats, *self.clock);
        let kinds: Vec<Kind> = self.columns.iter().map(|(_, k)| *k).collect();
        let sheet = self.sheet()?;
        for (col, (cell, kind)) in cells.iter().zip(kinds).enumerate() {
            let col = col as u16;
            match (cell, kind) {
                (Cell::Empty, _) => {}
                (Cell::Number(n), Kind::Money) => {
                    sheet.write_number_with_format(row, col, *n as f64 / 100.0, &formats.money)?;
                }
                (Cell::Number(n), _) => {
                    sheet.write_number_with_format(row, col, *n as f64, &formats.number)?;
                }
                (Cell::Text(t), Kind::Date) => {
                    match NaiveDate::parse_from_str(t, "%Y-%m-%d")
                        .ok()
                        .and_then(excel_date)
                    {
                        Some(d) => sheet.write_datetime_with_format(row, col, d, &formats.date)?,
                        None => sheet.write_string_with_format(row, col, t, &formats.text)?,
                    };
                }
                (Cell::Text(t), Kind::Stamp) => {
                    let local = parse_timestamp(t).map(|at| at.with_timezone(&clock.offset));
                    let value = local.and_then(|at| {
                        excel_date(at.date_naive())?
                            .and_hms(at.hour() as u16, at.minute() as u8, at.second())
                            .ok()
                    });
                    match value {
                        Some(v) => sheet.write_datetime_with_format(row, col, v, &formats.stamp)?,
                        None => sheet.write_string_with_format(row, col, t, &formats.text)?,
                    };
                }
                (Cell::Text(t), _) => {
                    sheet.write_string_with_format(row, col, t, &formats.text)?;
                }
            }
        }
        Ok(())
    }
}

/// Everything as a workbook: the customers' sheet first (the one `kehu import xlsx` reads),
/// then contacts, interactions, purchases, to-dos, tickets, deals and agreements.
pub fn xlsx(store: &Store, clock: &Clock, currency: &str) -> Result<Vec<u8>, StoreError> {
    let formats = Formats::new(currency);
    let mut book = Workbook::new();
    let (columns, rows) = customer_table(store, clock)?;
    {
        let mut w =
            SheetWriter::start(&mut book, &formats, clock, "Customers", columns).map_err(failed)?;
        for cells in &rows {
            w.write(cells).map_err(failed)?;
        }
        w.finish().map_err(failed)?;
    }
    drop(rows);
    for sheet in sheets::RECORD_SHEETS {
        let columns = sheet
            .columns
            .iter()
            .map(|(h, k)| (h.to_string(), *k))
            .collect();
        let mut w =
            SheetWriter::start(&mut book, &formats, clock, sheet.name, columns).map_err(failed)?;
        store.read(|c| sheets::each_row(c, sheet, &mut |cells| w.write(cells).map_err(failed)))?;
        w.finish().map_err(failed)?;
    }
    book.save_to_buffer().map_err(failed)
}
