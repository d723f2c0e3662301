//! Plain tables for the application's downloads (rankings, public lists, policy lists, the
//! quality report, the audit trail, the enterprise list), written row by row into an anonymous
//! temporary file, so memory stays flat however many rows a scope holds. An xlsx table that
//! outgrows Excel's row limit continues on a next sheet; nothing is ever cut off.

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::Path;

use rust_xlsxwriter::{Format, FormatAlign, Workbook, XlsxError};

use crate::BatchError;

/// Data rows a sheet holds below its header.
const MAX_DATA_ROWS: u32 = 1_048_575;

/// One cell of a plain table.
#[derive(Clone, Debug, PartialEq)]
pub enum TableCell {
    /// Text (kept as text: codes keep their leading zeros).
    Text(String),
    /// A decimal shown with thousands separators and 2 decimals, or an empty cell.
    Number(Option<f64>),
    /// A whole number (a rank, a count) shown with thousands separators, or an empty cell.
    Integer(Option<i64>),
}

/// The file type of a table download.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableFormat {
    /// Excel workbook.
    Xlsx,
    /// CSV, UTF-8 with a byte-order mark (Chinese Excel opens it correctly).
    Csv,
}

/// A finished table: an anonymous temporary file (gone when dropped) positioned at its start.
#[derive(Debug)]
pub struct TableFile {
    /// The file.
    pub file: File,
    /// Its size in bytes.
    pub len: u64,
    /// Data rows written.
    pub rows: u64,
}

impl TableFile {
    /// The whole content (for tests and small downloads).
    pub fn into_bytes(mut self) -> Result<Vec<u8>, BatchError> {
        use std::io::Read;
        let mut out = Vec::with_capacity(usize::try_from(self.len).unwrap_or(0));
        self.file
            .read_to_end(&mut out)
            .map_err(|e| BatchError::io(Path::new("table"), e))?;
        Ok(out)
    }
}

/// Writes a table row by row.
pub struct TableWriter {
    inner: Inner,
    rows: u64,
}

enum Inner {
    Xlsx(Box<XlsxTable>),
    Csv(Box<csv::Writer<BufWriter<File>>>),
}

struct XlsxTable {
    book: Workbook,
    name: String,
    headers: Vec<String>,
    /// Worksheets in the book.
    sheets: usize,
    /// Worksheets of the current table (more than one past Excel's row limit).
    part: usize,
    row: u32,
    header: Format,
    number: Format,
    integer: Format,
    text: Format,
}

fn xerr(e: XlsxError) -> BatchError {
    BatchError::Xlsx {
        path: "table".into(),
        message: e.to_string(),
    }
}

fn temp() -> Result<File, BatchError> {
    tempfile::tempfile().map_err(|e| BatchError::io(Path::new("temporary file"), e))
}

/// A text cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage
/// return first) gets a leading apostrophe: a name like `=HYPERLINK(…)` stays text.
pub fn neutralise_formula(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => std::borrow::Cow::Owned(format!("'{text}")),
        _ => std::borrow::Cow::Borrowed(text),
    }
}

impl XlsxTable {
    fn add_sheet(&mut self) -> Result<(), XlsxError> {
        let name = if self.part == 0 {
            self.name.chars().take(31).collect::<String>()
        } else {
            let suffix = format!("（续{}）", self.part);
            let keep = 31 - suffix.chars().count();
            format!("{}{suffix}", self.name.chars().take(keep).collect::<String>())
        };
        let sheet = self.book.add_worksheet_with_constant_memory()?;
        sheet.set_name(name)?;
        for (c, h) in self.headers.iter().enumerate() {
            sheet.set_column_width(c as u16, 16)?;
            sheet.write_string_with_format(0, c as u16, h, &self.header)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        self.sheets += 1;
        self.part += 1;
        self.row = 0;
        Ok(())
    }

    fn push(&mut self, cells: &[TableCell]) -> Result<(), XlsxError> {
        if self.row == MAX_DATA_ROWS {
            self.add_sheet()?;
        }
        self.row += 1;
        let r = self.row;
        let sheet = self.book.worksheet_from_index(self.sheets - 1)?;
        for (c, cell) in cells.iter().enumerate() {
            let c = c as u16;
            match cell {
                TableCell::Text(t) if !t.is_empty() => {
                    sheet.write_string_with_format(r, c, t, &self.text)?;
                }
                TableCell::Number(Some(v)) if v.is_finite() => {
                    sheet.write_number_with_format(r, c, *v, &self.number)?;
                }
                TableCell::Integer(Some(v)) => {
                    sheet.write_number_with_format(r, c, *v as f64, &self.integer)?;
                }
                _ => {}
            }
        }
        Ok(())
    }
}

impl TableWriter {
    /// Starts a table: `name` names the sheet (xlsx), `headers` the columns.
    pub fn new(format: TableFormat, name: &str, headers: &[&str]) -> Result<TableWriter, BatchError> {
        let inner = match format {
            TableFormat::Xlsx => {
                let mut t = XlsxTable {
                    book: Workbook::new(),
                    name: name.to_owned(),
                    headers: headers.iter().map(|h| (*h).to_owned()).collect(),
                    sheets: 0,
                    part: 0,
                    row: 0,
                    header: Format::new()
                        .set_bold()
                        .set_background_color(0xDDE6F0)
                        .set_align(FormatAlign::Center),
                    number: Format::new().set_num_format("#,##0.00"),
                    integer: Format::new().set_num_format("#,##0"),
                    text: Format::new().set_num_format("@"),
                };
                t.add_sheet().map_err(xerr)?;
                Inner::Xlsx(Box::new(t))
            }
            TableFormat::Csv => {
                let mut out = BufWriter::with_capacity(1 << 16, temp()?);
                out.write_all(b"\xEF\xBB\xBF")
                    .map_err(|e| BatchError::io(Path::new("table.csv"), e))?;
                let mut w = csv::Writer::from_writer(out);
                w.write_record(headers).map_err(csv_err)?;
                Inner::Csv(Box::new(w))
            }
        };
        Ok(TableWriter { inner, rows: 0 })
    }

    /// Starts another table on a sheet of its own (xlsx; a CSV file holds one table).
    pub fn next_table(&mut self, name: &str, headers: &[&str]) -> Result<(), BatchError> {
        match &mut self.inner {
            Inner::Xlsx(t) => {
                t.name = name.to_owned();
                t.headers = headers.iter().map(|h| (*h).to_owned()).collect();
                t.part = 0;
                t.add_sheet().map_err(xerr)
            }
            Inner::Csv(_) => Err(BatchError::Xlsx {
                path: "table.csv".into(),
                message: "CSV 文件只能保存一张表".into(),
            }),
        }
    }

    /// Appends a row.
    pub fn row(&mut self, cells: &[TableCell]) -> Result<(), BatchError> {
        match &mut self.inner {
            Inner::Xlsx(t) => t.push(cells).map_err(xerr)?,
            Inner::Csv(w) => {
                for cell in cells {
                    match cell {
                        TableCell::Text(t) => w.write_field(neutralise_formula(t).as_bytes()),
                        TableCell::Number(Some(v)) if v.is_finite() => {
                            w.write_field(ryu::Buffer::new().format(*v).trim_end_matches(".0"))
                        }
                        TableCell::Integer(Some(v)) => w.write_field(v.to_string()),
                        _ => w.write_field(""),
                    }
                    .map_err(csv_err)?;
                }
                w.write_record(None::<&[u8]>).map_err(csv_err)?;
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// Data rows written so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Finishes the file.
    pub fn finish(self) -> Result<TableFile, BatchError> {
        let io = |e| BatchError::io(Path::new("table"), e);
        let mut file = match self.inner {
            Inner::Xlsx(mut t) => {
                let mut file = temp()?;
                t.book.save_to_writer(&mut file).map_err(xerr)?;
                file
            }
            Inner::Csv(w) => w
                .into_inner()
                .map_err(|e| io(e.into_error()))?
                .into_inner()
                .map_err(|e| io(e.into_error()))?,
        };
        let len = file.seek(SeekFrom::End(0)).map_err(io)?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        Ok(TableFile {
            file,
            len,
            rows: self.rows,
        })
    }
}

fn csv_err(e: csv::Error) -> BatchError {
    BatchError::Format {
        path: "table.csv".into(),
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn formula_prefixes_are_neutralised() {
        assert_eq!(neutralise_formula("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise_formula("+1"), "'+1");
        assert_eq!(neutralise_formula("@SUM"), "'@SUM");
        assert_eq!(neutralise_formula("驻马店"), "驻马店");
        assert_eq!(neutralise_formula(""), "");
    }

    #[test]
    fn csv_tables_keep_every_row_and_escape_formulas() {
        let mut w = TableWriter::new(TableFormat::Csv, "t", &["名称", "数值", "排名"]).unwrap();
        for i in 0..2500 {
            w.row(&[
                TableCell::Text(if i == 7 {
                    "=cmd".into()
                } else {
                    format!("企业{i}")
                }),
                TableCell::Number(Some(f64::from(i) / 4.0)),
                TableCell::Integer(Some(i64::from(i))),
            ])
            .unwrap();
        }
        let f = w.finish().unwrap();
        assert_eq!(f.rows, 2500);
        let text = String::from_utf8(f.into_bytes().unwrap()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2501);
        assert_eq!(lines[0], "\u{feff}名称,数值,排名");
        assert_eq!(lines[2], "企业1,0.25,1");
        assert_eq!(lines[8], "'=cmd,1.75,7");
        assert_eq!(lines[2500], "企业2499,624.75,2499");
    }

    #[test]
    fn xlsx_tables_hold_every_row() {
        let mut w = TableWriter::new(TableFormat::Xlsx, "排名", &["名称", "数值"]).unwrap();
        for i in 0..3000 {
            w.row(&[
                TableCell::Text(format!("企业{i}")),
                TableCell::Number(Some(f64::from(i))),
            ])
            .unwrap();
        }
        let f = w.finish().unwrap();
        let bytes = f.into_bytes().unwrap();
        use calamine::{Reader, Xlsx};
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("排名").unwrap();
        assert_eq!(range.height(), 3001);
        assert_eq!(
            range.get((3000, 0)).map(ToString::to_string).as_deref(),
            Some("企业2999")
        );
    }
}
