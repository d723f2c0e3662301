//! Checking an uploaded workbook (or CSV) before anything is stored.
//!
//! Every cell is checked against the catalogue and the registry; nothing is returned as
//! storable unless the whole file is free of errors. Warnings (suspicious but possible values:
//! a value about 10,000 times last year's suggests 元 typed into a 万元 column) must be confirmed
//! by the sender. [`marked_workbook`] gives back the same cells with every problem marked.
//!
//! The file is read through `mujun-sheet` within its [`Limits`] and checked row by row as it is
//! read: no grid of the whole file is kept, so a large upload costs what its problems and its
//! storable values cost, not what its cells cost.

use std::collections::HashMap;

use mujun_domain::units::{AreaUnit, MoneyUnit};
use mujun_domain::{CreditCode, DomainError, Scale, normalize_text, number::parse_number};
use mujun_sheet::Workbook as Upload;
pub use mujun_sheet::{Cell, Limits};
use rust_xlsxwriter::{Color, Format, Note, Workbook};
use sha2::{Digest, Sha256};

use crate::mapping::ColumnMapping;
use crate::template::{DATA_SHEET, META_MARKER};
use crate::{CatalogueItem, CollectError, ValueKind};

/// An enterprise of the registry, as the checks need it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KnownEnterprise {
    /// Its id.
    pub id: i64,
    /// 规上 in the year, when known.
    pub above: Option<bool>,
    /// A manufacturing enterprise (energy 0 is then suspicious).
    pub manufacturing: bool,
}

/// What the checks compare an upload with.
pub struct UploadContext<'a> {
    /// The department the upload is for.
    pub department_code: &'a str,
    /// Data year.
    pub year: u16,
    /// The department's items.
    pub items: &'a [CatalogueItem],
    /// Every other item (to refuse another department's columns).
    pub other_items: &'a [CatalogueItem],
    /// The registry.
    pub lookup: &'a dyn Fn(&CreditCode) -> Option<KnownEnterprise>,
    /// Last year's value of an item for an enterprise.
    pub previous: &'a dyn Fn(i64, &str) -> Option<f64>,
}

/// A problem with one cell (or one row when `col` is `None`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    /// Sheet row number (header = 1).
    pub row: usize,
    /// 0-based column.
    pub col: Option<usize>,
    /// Column header.
    pub column: String,
    /// The cell as found.
    pub value: String,
    /// Why (Chinese).
    pub message: String,
}

impl std::fmt::Display for Issue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.column.is_empty() {
            write!(f, "第 {} 行：{}", self.row, self.message)
        } else {
            write!(
                f,
                "第 {} 行，列“{}”，值“{}”：{}",
                self.row, self.column, self.value, self.message
            )
        }
    }
}

/// One value ready to store: the item index and the value in the engine's unit (flags 1/0,
/// scale 1 = 规上, 0 = 规下).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CheckedValue {
    /// Index into the department's items.
    pub item: usize,
    /// Value.
    pub value: f64,
}

/// One enterprise's values.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckedRow {
    /// Sheet row number.
    pub row: usize,
    /// The enterprise.
    pub enterprise_id: i64,
    /// Its code.
    pub credit_code: String,
    /// Values given (empty cells are not values: they leave stored data alone).
    pub values: Vec<CheckedValue>,
}

/// The result of checking an upload.
#[derive(Clone, Debug)]
pub struct Checked {
    /// File name as uploaded.
    pub file_name: String,
    /// SHA-256 of the file (hex).
    pub file_hash: String,
    /// Storable rows (complete only when `errors` is empty).
    pub rows: Vec<CheckedRow>,
    /// Errors: nothing may be stored while any exists.
    pub errors: Vec<Issue>,
    /// Warnings: storable after explicit confirmation.
    pub warnings: Vec<Issue>,
}

impl Checked {
    /// Values that did not come from a file (copied from last year, pushed by a system):
    /// already checked, with no grid to mark up.
    pub fn from_rows(file_name: String, rows: Vec<CheckedRow>) -> Checked {
        Checked {
            file_name,
            file_hash: String::new(),
            rows,
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Number of values the upload would store.
    pub fn value_count(&self) -> usize {
        self.rows.iter().map(|r| r.values.len()).sum()
    }
}

/// At most `per_column` issues of each column (and of whole rows), in order, and how many
/// were left out: what a page or an API answer shows of a long list (the marked workbook
/// carries every one).
pub fn sample(issues: &[Issue], per_column: usize) -> (Vec<Issue>, usize) {
    let mut shown: HashMap<Option<usize>, usize> = HashMap::new();
    let mut out = Vec::new();
    let mut left = 0;
    for i in issues {
        let n = shown.entry(i.col).or_insert(0);
        if *n < per_column {
            *n += 1;
            out.push(i.clone());
        } else {
            left += 1;
        }
    }
    (out, left)
}

/// Conversion of a column's unit into the item's unit.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Unit {
    Same,
    Money(MoneyUnit),
    Area(AreaUnit),
    /// 千瓦时 into 万千瓦时.
    KilowattHours,
}

fn split_unit(header: &str) -> (&str, Option<&str>) {
    for (open, close) in [("（", "）"), ("(", ")")] {
        if let Some(stripped) = header.strip_suffix(close)
            && let Some(i) = stripped.rfind(open)
        {
            return (stripped[..i].trim(), Some(stripped[i + open.len()..].trim()));
        }
    }
    (header, None)
}

/// `header` is normalised (half-width parentheses); so is the item's header before comparing.
fn match_item(header: &str, item: &CatalogueItem) -> Option<Result<Unit, String>> {
    if header == normalize_text(&item.header()) || header == item.label || header == item.id {
        return Some(Ok(Unit::Same));
    }
    let (name, unit) = split_unit(header);
    if name != item.label && name != item.id {
        return None;
    }
    let unit = unit.unwrap_or("");
    if unit == item.unit {
        return Some(Ok(Unit::Same));
    }
    if item.unit == "万元" {
        return Some(
            MoneyUnit::parse(unit)
                .map(Unit::Money)
                .ok_or_else(|| format!("单位“{unit}”不支持，可用：万元、元")),
        );
    }
    if item.id == "land_area_mu" {
        return Some(
            AreaUnit::parse(unit)
                .map(Unit::Area)
                .ok_or_else(|| format!("单位“{unit}”不支持，可用：亩、平方米、公顷")),
        );
    }
    if item.unit == "万千瓦时" {
        return Some(match normalize_text(unit).as_ref() {
            "千瓦时" | "kWh" | "kwh" | "度" => Ok(Unit::KilowattHours),
            "万kWh" | "万kwh" | "万度" => Ok(Unit::Same),
            _ => Err(format!("单位“{unit}”不支持，可用：万千瓦时、千瓦时")),
        });
    }
    Some(Err(format!("单位“{unit}”不支持，应为“{}”", item.unit)))
}

/// The headers that name the credit-code column of an upload.
pub const CODE_HEADERS: [&str; 3] = ["统一社会信用代码", "信用代码", "credit_code"];

/// Which item a header names and in which unit (the item's own when the header has none), as
/// the checks read it; `None` for a header that names no item or an unit the checks refuse.
pub fn recognise(header: &str, items: &[CatalogueItem]) -> Option<(usize, String)> {
    let h = normalize_text(header);
    items
        .iter()
        .enumerate()
        .find_map(|(i, item)| match match_item(&h, item) {
            Some(Ok(unit)) => Some((
                i,
                match unit {
                    Unit::Same => item.unit.clone(),
                    Unit::Money(m) => m.label().to_owned(),
                    Unit::Area(a) => a.label().to_owned(),
                    Unit::KilowattHours => "千瓦时".to_owned(),
                },
            )),
            _ => None,
        })
}

/// Opens an upload, checks the template's marker (a template of another department or year is
/// an error) and picks the data sheet.
fn open<'b>(
    file_name: &str,
    bytes: &'b [u8],
    ctx: &UploadContext<'_>,
    limits: Limits,
    errors: &mut Vec<Issue>,
) -> Result<(Upload<'b>, String), CollectError> {
    let mut book = Upload::open(file_name, bytes, limits)?;
    let names = book.sheet_names();
    if names.iter().any(|n| n == "_meta") {
        let meta = book.small_sheet("_meta", 3)?;
        let cell = |r: usize, c: usize| {
            meta.iter()
                .find(|(row, _)| *row == r)
                .and_then(|(_, cells)| cells.get(c))
                .cloned()
                .unwrap_or(Cell::Empty)
        };
        if cell(0, 0).text() == META_MARKER {
            let dept = cell(1, 1).text();
            let year = match cell(2, 1) {
                Cell::Number(n) => n as u16,
                other => other.text().parse().unwrap_or(0),
            };
            // An empty department code accepts any department's template (history imports).
            if (!ctx.department_code.is_empty() && dept != ctx.department_code) || year != ctx.year {
                errors.push(Issue {
                    row: 0,
                    col: None,
                    column: String::new(),
                    value: String::new(),
                    message: format!(
                        "这是“{dept}”部门 {year} 年度的模板，不能导入到“{}”部门 {} 年度的任务；请下载本任务的模板",
                        ctx.department_code, ctx.year
                    ),
                });
            }
        }
    }
    let sheet = data_sheet(file_name, &names)?;
    Ok((book, sheet))
}

/// The sheet holding the data: the template's data sheet, else the first that is not hidden
/// bookkeeping (`_meta`).
fn data_sheet(file_name: &str, names: &[String]) -> Result<String, CollectError> {
    names
        .iter()
        .find(|n| n.as_str() == DATA_SHEET)
        .or_else(|| names.iter().find(|n| !n.starts_with('_')))
        .cloned()
        .ok_or_else(|| CollectError::Unreadable {
            file: file_name.to_owned(),
            why: "工作簿中没有工作表".into(),
        })
}

fn parse_flag(text: &str) -> Option<bool> {
    match normalize_text(text).as_ref() {
        "是" | "有" | "Y" | "y" | "1" | "TRUE" | "true" | "√" => Some(true),
        "否" | "无" | "N" | "n" | "0" | "FALSE" | "false" | "×" => Some(false),
        _ => None,
    }
}

/// How the columns of an upload map to the department's items.
struct Layout {
    written: Vec<String>,
    code_col: usize,
    columns: Vec<(usize, usize, Unit)>,
}

/// Reads the header row: which column holds the credit code and which the department's items
/// (with their units). `None` when the header makes the file unusable (its problems pushed).
fn layout(
    header: &[Cell],
    ctx: &UploadContext<'_>,
    mapping: &ColumnMapping,
    errors: &mut Vec<Issue>,
) -> Option<Layout> {
    // Headers as written (for messages) and, mapped and normalised, for matching (full-width →
    // half-width).
    let written: Vec<String> = header.iter().map(|c| c.text().trim().to_owned()).collect();
    let headers: Vec<String> = written
        .iter()
        .map(|h| normalize_text(mapping.apply(h)).into_owned())
        .collect();
    let fixed: Vec<String> = crate::template::FIXED_COLUMNS
        .iter()
        .map(|h| normalize_text(h).into_owned())
        .collect();
    let header_issue = |col: usize, message: String| Issue {
        row: 1,
        col: Some(col),
        column: written[col].clone(),
        value: written[col].clone(),
        message,
    };
    let mut code_col = None;
    let mut columns: Vec<(usize, usize, Unit)> = Vec::new();
    for (col, h) in headers.iter().enumerate() {
        if h.is_empty() {
            continue;
        }
        if CODE_HEADERS.contains(&h.as_str()) {
            code_col = Some(col);
            continue;
        }
        if fixed.contains(h) {
            continue;
        }
        if let Some((i, m)) = ctx
            .items
            .iter()
            .enumerate()
            .find_map(|(i, item)| match_item(h, item).map(|m| (i, m)))
        {
            match m {
                Ok(unit) => {
                    if let Some((other, _, _)) = columns.iter().find(|(_, j, _)| *j == i) {
                        errors.push(header_issue(
                            col,
                            format!("与第 {} 列重复，请删除其中一列", other + 1),
                        ));
                    } else {
                        columns.push((col, i, unit));
                    }
                }
                Err(message) => errors.push(header_issue(col, message)),
            }
            continue;
        }
        if let Some(other) = ctx.other_items.iter().find(|item| match_item(h, item).is_some()) {
            errors.push(header_issue(
                col,
                format!(
                    "该列是“{}”部门负责的数据项，不能由本部门导入",
                    other.department_code
                ),
            ));
        }
        // Other columns (企业名称, 序号, 备注 …) are for people and are ignored.
    }
    let Some(code_col) = code_col else {
        errors.push(Issue {
            row: 1,
            col: None,
            column: String::new(),
            value: String::new(),
            message: "缺少“统一社会信用代码”列".into(),
        });
        return None;
    };
    if columns.is_empty() {
        errors.push(Issue {
            row: 1,
            col: None,
            column: String::new(),
            value: String::new(),
            message: "没有找到本部门负责的数据项列（列标题应与模板一致）".into(),
        });
    }
    Some(Layout {
        written,
        code_col,
        columns,
    })
}

/// Checks an upload, row by row as it is read. `Err` only when the file cannot be read at all
/// or is beyond the [`Limits`]; cell problems are in the returned [`Checked`].
pub fn check_upload(
    file_name: &str,
    bytes: &[u8],
    ctx: &UploadContext<'_>,
    limits: Limits,
) -> Result<Checked, CollectError> {
    check_upload_mapped(file_name, bytes, ctx, &ColumnMapping::none(), limits)
}

/// [`check_upload`] of a file in the city's own layout, read through a [`ColumnMapping`].
pub fn check_upload_mapped(
    file_name: &str,
    bytes: &[u8],
    ctx: &UploadContext<'_>,
    mapping: &ColumnMapping,
    limits: Limits,
) -> Result<Checked, CollectError> {
    let file_hash = hex::encode(Sha256::digest(bytes));
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut rows = Vec::new();
    let (mut book, sheet) = open(file_name, bytes, ctx, limits, &mut errors)?;
    let mut layout_of: Option<Option<Layout>> = None;
    let mut seen: HashMap<CreditCode, usize> = HashMap::new();
    book.rows(&sheet, |r, cells| {
        let Some(layout) = &layout_of else {
            // The first non-empty row is the header.
            layout_of = Some(layout(cells, ctx, mapping, &mut errors));
            return true;
        };
        let Some(layout) = layout else {
            // An unusable header: nothing else to check.
            return false;
        };
        check_row(
            r + 1,
            cells,
            layout,
            ctx,
            &mut seen,
            &mut errors,
            &mut warnings,
            &mut rows,
        );
        true
    })?;
    if layout_of.is_none() {
        errors.push(Issue {
            row: 1,
            col: None,
            column: String::new(),
            value: String::new(),
            message: "文件是空的，没有表头".into(),
        });
    }
    errors.sort_by_key(|e| (e.row, e.col));
    warnings.sort_by_key(|e| (e.row, e.col));
    Ok(Checked {
        file_name: file_name.to_owned(),
        file_hash,
        rows,
        errors,
        warnings,
    })
}

/// Checks one data row (`row` is its sheet row number).
#[allow(clippy::too_many_arguments)]
fn check_row(
    row: usize,
    cells: &[Cell],
    layout: &Layout,
    ctx: &UploadContext<'_>,
    seen: &mut HashMap<CreditCode, usize>,
    errors: &mut Vec<Issue>,
    warnings: &mut Vec<Issue>,
    rows: &mut Vec<CheckedRow>,
) {
    let (written, code_col, columns) = (&layout.written, layout.code_col, &layout.columns);
    let cell = |c: usize| cells.get(c).cloned().unwrap_or(Cell::Empty);
    let issue = |col: usize, message: String| Issue {
        row,
        col: Some(col),
        column: written.get(col).cloned().unwrap_or_default(),
        value: cell(col).text(),
        message,
    };
    {
        let code_text = cell(code_col).text();
        let code = match CreditCode::parse(&code_text) {
            Ok(c) => Some(c),
            Err(DomainError::CreditCodeChecksum { code, .. }) => {
                // Registered early codes pass when the registry has them.
                (ctx.lookup)(&code).map(|_| code).or_else(|| {
                    errors.push(issue(
                        code_col,
                        "统一社会信用代码校验位错误，且名录中没有该代码".into(),
                    ));
                    None
                })
            }
            Err(e) => {
                errors.push(issue(code_col, e.to_string()));
                None
            }
        };
        let known = code.and_then(|c| {
            let k = (ctx.lookup)(&c);
            if k.is_none() {
                errors.push(issue(
                    code_col,
                    "名录中没有该企业：请先由市级评价管理员登记，不要自行增加行".into(),
                ));
            }
            k.map(|k| (c, k))
        });
        if let Some((c, _)) = known
            && let Some(first) = seen.insert(c, row)
        {
            errors.push(issue(code_col, format!("与第 {first} 行重复")));
        }
        let mut values = Vec::new();
        for &(col, i, unit) in columns {
            let item = &ctx.items[i];
            let raw = cell(col);
            if raw == Cell::Empty {
                continue;
            }
            let parsed: Result<f64, String> = match item.kind {
                ValueKind::Number => {
                    let n = match &raw {
                        Cell::Number(n) => Ok(Some(*n)),
                        Cell::Text(t) => parse_number(t).map_err(str::to_owned),
                        Cell::Empty => Ok(None),
                    };
                    match n {
                        Ok(Some(v)) => {
                            let v = match unit {
                                Unit::Same => v,
                                Unit::Money(m) => m.to_wan(v),
                                Unit::Area(a) => a.to_mu(v),
                                Unit::KilowattHours => v / 10_000.0,
                            };
                            if item.min.is_some_and(|m| v < m) || item.max.is_some_and(|m| v > m) {
                                Err(if item.min == Some(0.0) && v < 0.0 {
                                    format!("{}不能为负数", item.label)
                                } else {
                                    format!("超出允许范围（{}，单位{}）", item.range_text(), item.unit)
                                })
                            } else {
                                Ok(v)
                            }
                        }
                        Ok(None) => continue,
                        Err(e) => Err(e),
                    }
                }
                ValueKind::Flag => match &raw {
                    Cell::Number(n) if *n == 1.0 || *n == 0.0 => Ok(*n),
                    other => parse_flag(&other.text())
                        .map(|b| if b { 1.0 } else { 0.0 })
                        .ok_or_else(|| "应填“是”或“否”".to_owned()),
                },
                ValueKind::Scale => Scale::parse(&raw.text())
                    .map(|s| if s == Scale::Above { 1.0 } else { 0.0 })
                    .map_err(|_| "应填“规上”或“规下”".to_owned()),
            };
            match parsed {
                Err(message) => errors.push(issue(col, message)),
                Ok(v) => {
                    if let Some((_, k)) = known {
                        if item.kind == ValueKind::Number
                            && let Some(p) = (ctx.previous)(k.id, &item.id).filter(|p| *p != 0.0)
                        {
                            let ratio = (v / p).abs();
                            if item.unit == "万元" && ratio >= 5_000.0 {
                                warnings.push(issue(
                                    col,
                                    format!("约为上年（{p}）的 {ratio:.0} 倍：是否把“元”当成了“万元”？"),
                                ));
                            } else if ratio >= 10.0 || (ratio <= 0.1 && v.abs() > 1.0) {
                                warnings.push(issue(col, format!("与上年（{p}）相比变化超过 10 倍，请核实")));
                            }
                        }
                        if item.id == "energy_tce" && v == 0.0 && k.manufacturing && k.above == Some(true) {
                            warnings.push(issue(col, "规上工业企业综合能耗为 0，请核实".into()));
                        }
                    }
                    values.push(CheckedValue { item: i, value: v });
                }
            }
        }
        if let Some((c, k)) = known {
            rows.push(CheckedRow {
                row,
                enterprise_id: k.id,
                credit_code: c.to_string(),
                values,
            });
        }
    }
}

/// Problem cells that get a note (past these, the cell's colour and the row's 问题说明 say it,
/// and the sheet 问题清单 lists every problem): notes are kept in memory until the workbook is
/// written.
const MAX_NOTES: usize = 2_000;

/// A refused file of any kind (registry, classes, an earlier year's figures) with its problems
/// marked as [`marked_workbook`] marks an upload's, in memory.
pub fn marked_issues(
    file_name: &str,
    bytes: &[u8],
    errors: &[Issue],
    limits: Limits,
) -> Result<Vec<u8>, CollectError> {
    let checked = Checked {
        file_name: file_name.to_owned(),
        file_hash: String::new(),
        rows: Vec::new(),
        errors: errors.to_vec(),
        warnings: Vec::new(),
    };
    let mut out = std::io::Cursor::new(Vec::new());
    marked_workbook(&checked, bytes, limits, &mut out)?;
    Ok(out.into_inner())
}

/// The upload with every problem marked, written to `out`: error cells red, warning cells
/// yellow, the first problem cells with a note; a last column 问题说明 per row; and a sheet
/// 问题清单 listing them all. The upload is read again row by row and the workbook written in
/// constant memory, so a large file costs little whatever its number of problems.
pub fn marked_workbook<W: std::io::Write + std::io::Seek + Send>(
    checked: &Checked,
    bytes: &[u8],
    limits: Limits,
    out: W,
) -> Result<(), CollectError> {
    let mut upload = Upload::open(&checked.file_name, bytes, limits)?;
    let sheet_name = data_sheet(&checked.file_name, &upload.sheet_names())?;
    let mut book = Workbook::new();
    let red = Format::new().set_background_color(Color::RGB(0xF8CBAD));
    let yellow = Format::new().set_background_color(Color::RGB(0xFFE699));
    let bold = Format::new().set_bold();
    let mut by_cell: HashMap<(usize, usize), (bool, Vec<String>)> = HashMap::new();
    let mut by_row: HashMap<usize, Vec<String>> = HashMap::new();
    for (is_error, list) in [(true, &checked.errors), (false, &checked.warnings)] {
        for i in list {
            let prefix = if is_error { "错误" } else { "警告" };
            by_row.entry(i.row).or_default().push(format!(
                "{prefix}：{}{}",
                if i.column.is_empty() {
                    String::new()
                } else {
                    format!("{}：", i.column)
                },
                i.message
            ));
            if let Some(c) = i.col {
                let e = by_cell.entry((i.row, c)).or_insert((false, Vec::new()));
                e.0 |= is_error;
                e.1.push(format!("{prefix}：{}", i.message));
            }
        }
    }
    // The widest row, for the column of 问题说明: read once more (cheap next to writing).
    let mut width = 0;
    upload.rows(&sheet_name, |_, cells| {
        width = width.max(cells.len());
        true
    })?;
    {
        let sheet = book.add_worksheet_with_constant_memory()?;
        sheet.set_name(DATA_SHEET)?;
        sheet.set_column_width(width as u16, 60)?;
        let mut notes = 0;
        let mut failure = None;
        let mut header_done = false;
        upload.rows(&sheet_name, |r, cells| {
            let row = r + 1;
            let result = (|| -> Result<(), rust_xlsxwriter::XlsxError> {
                let r32 = r as u32;
                for (c, cell) in cells.iter().enumerate() {
                    let c16 = c as u16;
                    let format = by_cell
                        .get(&(row, c))
                        .map(|(is_error, _)| if *is_error { &red } else { &yellow });
                    match (cell, format) {
                        (Cell::Empty, Some(f)) => {
                            sheet.write_blank(r32, c16, f)?;
                        }
                        (Cell::Empty, None) => {}
                        (Cell::Number(n), Some(f)) => {
                            sheet.write_number_with_format(r32, c16, *n, f)?;
                        }
                        (Cell::Number(n), None) => {
                            sheet.write_number(r32, c16, *n)?;
                        }
                        (Cell::Text(t), Some(f)) => {
                            sheet.write_string_with_format(r32, c16, t, f)?;
                        }
                        (Cell::Text(t), None) => {
                            sheet.write_string(r32, c16, t)?;
                        }
                    }
                    if let Some((_, messages)) = by_cell.get(&(row, c))
                        && notes < MAX_NOTES
                    {
                        notes += 1;
                        sheet.insert_note(r32, c16, &Note::new(messages.join("\n")).set_author("mujun"))?;
                    }
                }
                if !header_done {
                    header_done = true;
                    sheet.write_string_with_format(r32, width as u16, "问题说明", &bold)?;
                } else if let Some(list) = by_row.get(&row) {
                    sheet.write_string(r32, width as u16, list.join("；"))?;
                }
                Ok(())
            })();
            match result {
                Ok(()) => true,
                Err(e) => {
                    failure = Some(e);
                    false
                }
            }
        })?;
        if let Some(e) = failure {
            return Err(e.into());
        }
    }
    {
        let sheet = book.add_worksheet_with_constant_memory()?;
        sheet.set_name("问题清单")?;
        for (c, h) in ["行", "列", "值", "类型", "说明"].iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        sheet.set_column_width(4, 70)?;
        let mut r = 1u32;
        for (kind, list) in [("错误", &checked.errors), ("警告", &checked.warnings)] {
            for i in list {
                sheet.write_number(r, 0, i.row as f64)?;
                sheet.write_string(r, 1, &i.column)?;
                sheet.write_string(r, 2, &i.value)?;
                sheet.write_string(r, 3, kind)?;
                sheet.write_string(r, 4, &i.message)?;
                r += 1;
            }
        }
    }
    book.save_to_writer(out)?;
    Ok(())
}
