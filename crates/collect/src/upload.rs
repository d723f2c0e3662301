//! Checking an uploaded workbook (or CSV) before anything is stored.
//!
//! Every cell is checked against the catalogue and the registry; nothing is returned as
//! storable unless the whole file is free of errors. Warnings (suspicious but possible values:
//! a value about 10,000 times last year's suggests 元 typed into a 万元 column) must be confirmed
//! by the sender. [`marked_workbook`] gives back the same cells with every problem marked.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Data, DataType, Reader, Xlsx};
use mujun_domain::units::{AreaUnit, MoneyUnit};
use mujun_domain::{CreditCode, DomainError, Scale, normalize_text, number::parse_number};
use rust_xlsxwriter::{Color, Format, Note, Workbook};
use sha2::{Digest, Sha256};

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

/// A cell of the upload.
#[derive(Clone, Debug, PartialEq)]
enum Cell {
    Empty,
    Text(String),
    Number(f64),
}

impl Cell {
    fn text(&self) -> String {
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
    grid: Vec<Vec<Cell>>,
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
            grid: Vec::new(),
        }
    }

    /// Number of values the upload would store.
    pub fn value_count(&self) -> usize {
        self.rows.iter().map(|r| r.values.len()).sum()
    }
}

/// Conversion of a column's unit into the item's unit.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Unit {
    Same,
    Money(MoneyUnit),
    Area(AreaUnit),
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
    Some(Err(format!("单位“{unit}”不支持，应为“{}”", item.unit)))
}

fn read_grid(
    file_name: &str,
    bytes: &[u8],
    ctx: &UploadContext<'_>,
    errors: &mut Vec<Issue>,
) -> Result<Vec<Vec<Cell>>, CollectError> {
    let unreadable = |why: String| CollectError::Unreadable {
        file: file_name.to_owned(),
        why,
    };
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".csv") || lower.ends_with(".txt") {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let text = match std::str::from_utf8(body) {
            Ok(s) => std::borrow::Cow::Borrowed(s),
            Err(_) => encoding_rs::GB18030.decode(body).0,
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut grid = Vec::new();
        for rec in reader.records() {
            let rec = rec.map_err(|e| unreadable(format!("CSV 格式错误：{e}")))?;
            grid.push(
                rec.iter()
                    .map(|c| {
                        if c.trim().is_empty() {
                            Cell::Empty
                        } else {
                            Cell::Text(c.to_owned())
                        }
                    })
                    .collect(),
            );
        }
        return Ok(grid);
    }
    if !lower.ends_with(".xlsx") && !lower.ends_with(".xlsm") {
        return Err(unreadable("只接受 .xlsx 或 .csv 文件".into()));
    }
    let mut book =
        Xlsx::new(Cursor::new(bytes)).map_err(|e| unreadable(format!("不是有效的 xlsx 文件（{e}）")))?;
    let names = book.sheet_names();
    if names.iter().any(|n| n == "_meta")
        && let Ok(meta) = book.worksheet_range("_meta")
        && meta.get_value((0, 0)).map(|d| d.to_string()) == Some(META_MARKER.to_owned())
    {
        let dept = meta.get_value((1, 1)).map(|d| d.to_string()).unwrap_or_default();
        let year = meta.get_value((2, 1)).and_then(|d| d.as_f64()).unwrap_or(0.0) as u16;
        if dept != ctx.department_code || year != ctx.year {
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
    let sheet = names
        .iter()
        .find(|n| n.as_str() == DATA_SHEET)
        .or_else(|| names.iter().find(|n| !n.starts_with('_')))
        .cloned();
    let Some(sheet) = sheet else {
        return Err(unreadable("工作簿中没有工作表".into()));
    };
    let range = book
        .worksheet_range(&sheet)
        .map_err(|e| unreadable(format!("无法读取工作表“{sheet}”：{e}")))?;
    let (h, w) = range.get_size();
    let mut grid = vec![vec![Cell::Empty; w]; h];
    let (r0, c0) = range.start().unwrap_or((0, 0));
    for (r, row) in range.rows().enumerate() {
        for (c, d) in row.iter().enumerate() {
            grid[r][c] = match d {
                Data::Empty => Cell::Empty,
                Data::String(s) if s.trim().is_empty() => Cell::Empty,
                Data::String(s) => Cell::Text(s.clone()),
                Data::Float(f) => Cell::Number(*f),
                Data::Int(i) => Cell::Number(*i as f64),
                Data::Bool(b) => Cell::Text(if *b { "是".into() } else { "否".into() }),
                other => Cell::Text(other.to_string()),
            };
        }
    }
    // Keep sheet coordinates: pad the rows and columns before the used range.
    if c0 > 0 {
        for row in &mut grid {
            let mut padded = vec![Cell::Empty; c0 as usize];
            padded.append(row);
            *row = padded;
        }
    }
    if r0 > 0 {
        let mut padded = vec![Vec::new(); r0 as usize];
        padded.append(&mut grid);
        grid = padded;
    }
    Ok(grid)
}

fn parse_flag(text: &str) -> Option<bool> {
    match normalize_text(text).as_ref() {
        "是" | "有" | "Y" | "y" | "1" | "TRUE" | "true" | "√" => Some(true),
        "否" | "无" | "N" | "n" | "0" | "FALSE" | "false" | "×" => Some(false),
        _ => None,
    }
}

/// Checks an upload. `Err` only when the file cannot be read at all; cell problems are in the
/// returned [`Checked`].
pub fn check_upload(file_name: &str, bytes: &[u8], ctx: &UploadContext<'_>) -> Result<Checked, CollectError> {
    let file_hash = hex::encode(Sha256::digest(bytes));
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let grid = read_grid(file_name, bytes, ctx, &mut errors)?;
    let mut checked = Checked {
        file_name: file_name.to_owned(),
        file_hash,
        rows: Vec::new(),
        errors: Vec::new(),
        warnings: Vec::new(),
        grid,
    };
    let Some(header) = checked.grid.first() else {
        errors.push(Issue {
            row: 1,
            col: None,
            column: String::new(),
            value: String::new(),
            message: "文件是空的，没有表头".into(),
        });
        checked.errors = errors;
        return Ok(checked);
    };
    // Headers as written (for messages) and normalised (for matching: full-width → half-width).
    let written: Vec<String> = header.iter().map(|c| c.text().trim().to_owned()).collect();
    let headers: Vec<String> = written.iter().map(|h| normalize_text(h).into_owned()).collect();
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
        if h == "统一社会信用代码" || h == "credit_code" || h == "信用代码" {
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
        checked.errors = errors;
        return Ok(checked);
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

    let mut seen: HashMap<CreditCode, usize> = HashMap::new();
    for (r, cells) in checked.grid.iter().enumerate().skip(1) {
        let row = r + 1;
        if cells.iter().all(|c| *c == Cell::Empty) {
            continue;
        }
        let cell = |c: usize| cells.get(c).cloned().unwrap_or(Cell::Empty);
        let issue = |col: usize, message: String| Issue {
            row,
            col: Some(col),
            column: written.get(col).cloned().unwrap_or_default(),
            value: cell(col).text(),
            message,
        };
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
        for &(col, i, unit) in &columns {
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
            checked.rows.push(CheckedRow {
                row,
                enterprise_id: k.id,
                credit_code: c.to_string(),
                values,
            });
        }
    }
    errors.sort_by_key(|e| (e.row, e.col));
    warnings.sort_by_key(|e| (e.row, e.col));
    checked.errors = errors;
    checked.warnings = warnings;
    Ok(checked)
}

/// The upload with every problem marked: error cells red, warning cells yellow, each with a
/// note; a last column 问题说明 per row; and a sheet 问题清单 listing them all.
pub fn marked_workbook(checked: &Checked) -> Result<Vec<u8>, CollectError> {
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
    let width = checked.grid.iter().map(Vec::len).max().unwrap_or(0);
    {
        let sheet = book.add_worksheet();
        sheet.set_name(DATA_SHEET)?;
        for (r, cells) in checked.grid.iter().enumerate() {
            let row = r + 1;
            for (c, cell) in cells.iter().enumerate() {
                let (r32, c16) = (r as u32, c as u16);
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
                if let Some((_, messages)) = by_cell.get(&(row, c)) {
                    sheet.insert_note(r32, c16, &Note::new(messages.join("\n")).set_author("mujun"))?;
                }
            }
            if r == 0 {
                sheet.write_string_with_format(0, width as u16, "问题说明", &bold)?;
            } else if let Some(list) = by_row.get(&row) {
                sheet.write_string(r as u32, width as u16, list.join("；"))?;
            }
        }
        sheet.set_column_width(width as u16, 60)?;
    }
    {
        let sheet = book.add_worksheet();
        sheet.set_name("问题清单")?;
        for (c, h) in ["行", "列", "值", "类型", "说明"].iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, *h, &bold)?;
        }
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
        sheet.set_column_width(4, 70)?;
    }
    Ok(book.save_to_buffer()?)
}
