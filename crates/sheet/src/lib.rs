//! Reading uploaded spreadsheets safely (issue 10): an `.xlsx` workbook or a `.csv` file (UTF-8
//! with or without BOM, or GBK/GB18030 as saved by Chinese Excel), row by row, within [`Limits`].
//!
//! Every upload from outside is read through here, so that a hostile file can neither exhaust
//! memory nor stall the server:
//!
//! - before the workbook is opened, the zip archive's directory is read and the declared
//!   uncompressed sizes are added up (the zip reader refuses to inflate any entry beyond its
//!   declared size, so the sum bounds what can ever be decompressed): a zip bomb is refused;
//! - before a sheet is read, the dimension it declares is checked: a sheet declaring
//!   `A1:XFD1048576` is refused without allocating anything for it;
//! - the cells are streamed in document order and handed over one row at a time, never as a
//!   dense grid; a row or a column beyond the limits stops the reading with a clear message.

use std::io::{Cursor, Read, Seek};

use calamine::{DataRef, Reader, Xlsx};

/// How much of an upload is read at most.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Sum of the uncompressed sizes of an xlsx archive's entries.
    pub max_uncompressed_bytes: u64,
    /// Rows of a sheet (the header included).
    pub max_rows: usize,
    /// Columns of a sheet.
    pub max_columns: usize,
}

impl Default for Limits {
    /// 512 MiB decompressed, 500,000 rows (a province holds a few hundred thousand
    /// enterprises), 200 columns.
    fn default() -> Self {
        Limits {
            max_uncompressed_bytes: 512 * 1024 * 1024,
            max_rows: 500_000,
            max_columns: 200,
        }
    }
}

/// Why a file could not be read. Messages are Simplified Chinese and name the file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    /// Neither `.xlsx` nor `.csv`.
    #[error("文件“{file}”：只接受 .xlsx 或 .csv 文件")]
    Unsupported {
        /// File name.
        file: String,
    },
    /// Not a readable workbook or CSV.
    #[error("文件“{file}”无法读取：{why}")]
    Unreadable {
        /// File name.
        file: String,
        /// What is wrong.
        why: String,
    },
    /// Beyond a limit: refused before reading further.
    #[error("文件“{file}”过大：{why}")]
    TooLarge {
        /// File name.
        file: String,
        /// Which limit and by how much.
        why: String,
    },
}

/// One cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Empty (or only spaces).
    Empty,
    /// Text as written (a date cell reads `YYYY-MM-DD`, a boolean 是/否).
    Text(String),
    /// A number.
    Number(f64),
}

impl Cell {
    /// The cell as text (numbers without a needless `.0`).
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.clone(),
            Cell::Number(n) => {
                if n.fract() == 0.0 && n.abs() < 1e15 {
                    format!("{}", *n as i64)
                } else {
                    n.to_string()
                }
            }
        }
    }

    /// Whether the cell holds nothing.
    pub fn is_empty(&self) -> bool {
        matches!(self, Cell::Empty)
    }
}

/// The kind of an upload, by its file name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `.xlsx` / `.xlsm`.
    Xlsx,
    /// `.csv` / `.txt`.
    Csv,
}

/// The kind of a file by its name, or [`SheetError::Unsupported`].
pub fn kind_of(file_name: &str) -> Result<Kind, SheetError> {
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".xlsx") || lower.ends_with(".xlsm") {
        Ok(Kind::Xlsx)
    } else if lower.ends_with(".csv") || lower.ends_with(".txt") {
        Ok(Kind::Csv)
    } else {
        Err(SheetError::Unsupported {
            file: file_name.to_owned(),
        })
    }
}

/// An opened upload.
pub struct Workbook<'b> {
    file: String,
    limits: Limits,
    source: Source<'b>,
}

enum Source<'b> {
    Xlsx(Box<Xlsx<Cursor<&'b [u8]>>>),
    Csv(&'b [u8]),
}

/// The sum of the declared uncompressed sizes of a zip archive's entries, checked against the
/// limit before anything is inflated.
fn check_archive<R: Read + Seek>(file: &str, reader: R, limits: &Limits) -> Result<(), SheetError> {
    let mut zip = zip::ZipArchive::new(reader).map_err(|e| SheetError::Unreadable {
        file: file.to_owned(),
        why: format!("不是有效的 xlsx 文件（{e}）"),
    })?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| SheetError::Unreadable {
            file: file.to_owned(),
            why: format!("不是有效的 xlsx 文件（{e}）"),
        })?;
        total = total.saturating_add(entry.size());
    }
    if total > limits.max_uncompressed_bytes {
        return Err(SheetError::TooLarge {
            file: file.to_owned(),
            why: format!(
                "解压后约 {} MB，超过上限 {} MB（压缩比异常的文件会被拒绝）；请只保留需要导入的工作表和数据后另存为再上传",
                total / (1024 * 1024),
                limits.max_uncompressed_bytes / (1024 * 1024)
            ),
        });
    }
    Ok(())
}

/// The spreadsheet name of a 0-based column (`A`, `Z`, `AA` …).
pub fn column_name(col: usize) -> String {
    let mut n = col + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// An Excel date serial (days since 1899-12-30) as `YYYY-MM-DD`.
fn excel_date(serial: f64) -> Option<String> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    // Days since 1970-01-01, then the civil date (Howard Hinnant's algorithm).
    let days = serial.floor() as i64 - 25_569;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

fn cell_of(value: &DataRef<'_>) -> Cell {
    match value {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) if s.trim().is_empty() => Cell::Empty,
        DataRef::String(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) if s.trim().is_empty() => Cell::Empty,
        DataRef::SharedString(s) => Cell::Text((*s).to_owned()),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Bool(b) => Cell::Text(if *b { "是" } else { "否" }.to_owned()),
        DataRef::DateTime(dt) => excel_date(dt.as_f64()).map_or(Cell::Number(dt.as_f64()), Cell::Text),
        DataRef::DateTimeIso(s) => Cell::Text(s.chars().take(10).collect()),
        DataRef::DurationIso(s) => Cell::Text(s.clone()),
        DataRef::Error(e) => Cell::Text(format!("#{e:?}")),
    }
}

impl<'b> Workbook<'b> {
    /// Opens an upload after checking what it would decompress to.
    pub fn open(file_name: &str, bytes: &'b [u8], limits: Limits) -> Result<Workbook<'b>, SheetError> {
        let file = file_name.to_owned();
        let source = match kind_of(file_name)? {
            Kind::Csv => Source::Csv(bytes),
            Kind::Xlsx => {
                check_archive(&file, Cursor::new(bytes), &limits)?;
                let book = Xlsx::new(Cursor::new(bytes)).map_err(|e| SheetError::Unreadable {
                    file: file.clone(),
                    why: format!("不是有效的 xlsx 文件（{e}）"),
                })?;
                Source::Xlsx(Box::new(book))
            }
        };
        Ok(Workbook { file, limits, source })
    }

    /// The file name.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The sheets in workbook order (a CSV file has one, named after the file).
    pub fn sheet_names(&self) -> Vec<String> {
        match &self.source {
            Source::Xlsx(book) => book.sheet_names(),
            Source::Csv(_) => vec![self.file.clone()],
        }
    }

    fn too_large(&self, why: String) -> SheetError {
        SheetError::TooLarge {
            file: self.file.clone(),
            why,
        }
    }

    fn unreadable(&self, why: String) -> SheetError {
        SheetError::Unreadable {
            file: self.file.clone(),
            why,
        }
    }

    /// Hands every non-empty row of a sheet to `row` — its 0-based index (the header is row 0)
    /// and its cells from column A — in order. `row` may stop the reading early by returning
    /// `false`. Refuses a sheet declaring, or holding, more rows or columns than the limits.
    pub fn rows(
        &mut self,
        sheet: &str,
        mut row: impl FnMut(usize, &[Cell]) -> bool,
    ) -> Result<(), SheetError> {
        let limits = self.limits;
        match &mut self.source {
            Source::Csv(bytes) => {
                let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
                let text = match std::str::from_utf8(body) {
                    Ok(s) => std::borrow::Cow::Borrowed(s),
                    Err(_) => encoding_rs::GB18030.decode(body).0,
                };
                let mut reader = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .from_reader(text.as_bytes());
                let mut cells: Vec<Cell> = Vec::new();
                for (r, rec) in reader.records().enumerate() {
                    let rec = rec.map_err(|e| SheetError::Unreadable {
                        file: self.file.clone(),
                        why: format!("CSV 格式错误：{e}"),
                    })?;
                    if r >= limits.max_rows {
                        return Err(self.too_large(format!("超过 {} 行的上限；请分批导入", limits.max_rows)));
                    }
                    if rec.len() > limits.max_columns {
                        return Err(self.too_large(format!(
                            "第 {} 行有 {} 列，超过 {} 列的上限",
                            r + 1,
                            rec.len(),
                            limits.max_columns
                        )));
                    }
                    cells.clear();
                    cells.extend(rec.iter().map(|c| {
                        if c.trim().is_empty() {
                            Cell::Empty
                        } else {
                            Cell::Text(c.to_owned())
                        }
                    }));
                    if cells.iter().all(Cell::is_empty) {
                        continue;
                    }
                    if !row(r, &cells) {
                        break;
                    }
                }
                Ok(())
            }
            Source::Xlsx(book) => {
                let file = self.file.clone();
                let unreadable = |why: String| SheetError::Unreadable {
                    file: file.clone(),
                    why,
                };
                let too_large = |why: String| SheetError::TooLarge {
                    file: file.clone(),
                    why,
                };
                let mut reader = book
                    .worksheet_cells_reader(sheet)
                    .map_err(|e| unreadable(format!("无法读取工作表“{sheet}”：{e}")))?;
                let dims = reader.dimensions();
                let (rows, cols) = (
                    (dims.end.0 as usize + 1).saturating_sub(dims.start.0 as usize),
                    dims.end.1 as usize + 1,
                );
                if dims.end.0 as usize >= limits.max_rows || dims.end.1 as usize >= limits.max_columns {
                    return Err(too_large(format!(
                        "工作表“{sheet}”声明的范围为 {}{}:{}{}（{rows} 行 × {cols} 列），超过 {} 行、{} 列的上限；请删除多余的行、列后另存为再上传",
                        column_name(dims.start.1 as usize),
                        dims.start.0 + 1,
                        column_name(dims.end.1 as usize),
                        dims.end.0 + 1,
                        limits.max_rows,
                        limits.max_columns
                    )));
                }
                let mut cells: Vec<Cell> = Vec::new();
                let mut current: Option<u32> = None;
                let mut emit = |r: u32, cells: &mut Vec<Cell>| -> bool {
                    let go = if cells.iter().all(Cell::is_empty) {
                        true
                    } else {
                        row(r as usize, cells)
                    };
                    cells.clear();
                    go
                };
                loop {
                    let next = reader
                        .next_cell()
                        .map_err(|e| unreadable(format!("读取单元格失败：{e}")))?;
                    let Some(c) = next else { break };
                    let (r, col) = c.get_position();
                    if r as usize >= limits.max_rows {
                        return Err(too_large(format!(
                            "工作表“{sheet}”超过 {} 行的上限；请分批导入",
                            limits.max_rows
                        )));
                    }
                    if col as usize >= limits.max_columns {
                        return Err(too_large(format!(
                            "工作表“{sheet}”第 {} 行有第 {} 列（{}），超过 {} 列的上限",
                            r + 1,
                            col + 1,
                            column_name(col as usize),
                            limits.max_columns
                        )));
                    }
                    match current {
                        Some(cur) if r < cur => {
                            return Err(unreadable(format!(
                                "工作表“{sheet}”的行顺序异常（第 {} 行出现在第 {} 行之后）；请用 Excel 或 WPS 打开后另存为再上传",
                                r + 1,
                                cur + 1
                            )));
                        }
                        Some(cur) if r > cur => {
                            if !emit(cur, &mut cells) {
                                return Ok(());
                            }
                            current = Some(r);
                        }
                        None => current = Some(r),
                        _ => {}
                    }
                    let col = col as usize;
                    if cells.len() <= col {
                        cells.resize(col + 1, Cell::Empty);
                    }
                    cells[col] = cell_of(c.get_value());
                }
                if let Some(cur) = current {
                    emit(cur, &mut cells);
                }
                Ok(())
            }
        }
    }

    /// Every non-empty row of a small sheet (a template's `_meta`), at most `max` of them.
    pub fn small_sheet(&mut self, sheet: &str, max: usize) -> Result<Vec<(usize, Vec<Cell>)>, SheetError> {
        let mut out = Vec::new();
        self.rows(sheet, |r, cells| {
            out.push((r, cells.to_vec()));
            out.len() < max
        })?;
        Ok(out)
    }

    /// A refusal naming this file (for callers' own limits).
    pub fn refuse(&self, why: String) -> SheetError {
        self.too_large(why)
    }

    /// A problem naming this file.
    pub fn problem(&self, why: String) -> SheetError {
        self.unreadable(why)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(16_383), "XFD");
    }

    #[test]
    fn excel_dates() {
        assert_eq!(excel_date(45_292.0).as_deref(), Some("2024-01-01"));
        assert_eq!(excel_date(25_569.0).as_deref(), Some("1970-01-01"));
        assert_eq!(excel_date(0.0), None);
    }

    #[test]
    fn kinds_by_name() {
        assert_eq!(kind_of("a.XLSX"), Ok(Kind::Xlsx));
        assert_eq!(kind_of("税务.csv"), Ok(Kind::Csv));
        assert!(matches!(kind_of("a.xls"), Err(SheetError::Unsupported { .. })));
    }
}
