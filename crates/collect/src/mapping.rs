//! Column mapping (issue 11): a city's own workbook rarely has our headers. A mapping says, for
//! each header of the city's layout, which of our headers it stands for — a registry field, a
//! class-file field, or a catalogue item with its unit (`主营业务收入（元）`) — or that it is to
//! be ignored. The checkers apply it to the header row only; every message still names the
//! column as the file writes it. A layout is recognised by its [`fingerprint`], so a mapping
//! once confirmed is found again for next year's file of the same shape.

use std::collections::BTreeMap;

use mujun_domain::normalize_text;
use mujun_sheet::{Cell, Limits, SheetError, Workbook};
use sha2::{Digest, Sha256};

use crate::CatalogueItem;

/// What each header of one layout stands for.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ColumnMapping {
    /// Header as written (normalised) → our header; an empty target ignores the column.
    pub columns: BTreeMap<String, String>,
}

/// The file form of a mapping (`mujun … --mapping FILE`): one table of header = target.
#[derive(serde::Deserialize)]
struct MappingFile {
    #[serde(rename = "列对应")]
    columns: BTreeMap<String, String>,
}

impl ColumnMapping {
    /// No mapping: every header is read as written.
    pub fn none() -> ColumnMapping {
        ColumnMapping::default()
    }

    /// Whether it maps nothing.
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// Maps `header` (as written) to `target`; an empty target ignores the column.
    pub fn set(&mut self, header: &str, target: &str) {
        self.columns.insert(
            normalize_text(header).into_owned(),
            normalize_text(target).into_owned(),
        );
    }

    /// The header a checker should read for `written`: its target when mapped (empty when the
    /// column is to be ignored), else the header itself.
    pub fn apply<'a>(&'a self, written: &'a str) -> &'a str {
        let key = normalize_text(written);
        match self.columns.get(key.as_ref()) {
            Some(target) => target,
            None => written,
        }
    }

    /// Reads a mapping file: TOML with one table `["列对应"]` of `"文件中的列名" = "系统列名"`.
    pub fn from_toml(text: &str) -> Result<ColumnMapping, String> {
        let file: MappingFile =
            toml::from_str(text).map_err(|e| format!("列对应文件格式错误：{}", e.message()))?;
        let mut m = ColumnMapping::default();
        for (h, t) in &file.columns {
            m.set(h, t);
        }
        Ok(m)
    }

    /// The mapping as a file [`ColumnMapping::from_toml`] reads back.
    pub fn to_toml(&self) -> String {
        let mut out = String::from(
            "# 列对应：左边是文件中的列名，右边是系统的列名（数据项可带单位，如“主营业务收入（元）”）；\n# 右边为空表示忽略该列。\n[\"列对应\"]\n",
        );
        for (h, t) in &self.columns {
            out.push_str(&format!("{} = {}\n", toml_string(h), toml_string(t)));
        }
        out
    }
}

fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The fingerprint of a layout: its non-empty headers, normalised, in order.
pub fn fingerprint(headers: &[String]) -> String {
    let mut h = Sha256::new();
    for header in headers {
        let n = normalize_text(header);
        if !n.is_empty() {
            h.update(n.as_bytes());
            h.update([0x1f]);
        }
    }
    hex::encode(h.finalize())
}

/// The header row of a file and a few rows of values under it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preview {
    /// Headers as written (empty headers kept, so that indices are columns).
    pub headers: Vec<String>,
    /// Per column, up to the asked number of non-empty sample values.
    pub samples: Vec<Vec<String>>,
    /// The layout's [`fingerprint`].
    pub fingerprint: String,
    /// Data rows read for the samples (at most the asked number).
    pub rows_read: usize,
}

/// Reads the header row (the first non-empty row of the data sheet) and up to `rows` rows
/// under it.
pub fn preview(file_name: &str, bytes: &[u8], limits: Limits, rows: usize) -> Result<Preview, SheetError> {
    let mut book = Workbook::open(file_name, bytes, limits)?;
    let names = book.sheet_names();
    let sheet = names
        .iter()
        .find(|n| n.as_str() == crate::template::DATA_SHEET)
        .or_else(|| names.iter().find(|n| !n.starts_with('_')))
        .cloned()
        .ok_or_else(|| book.problem("文件中没有工作表".into()))?;
    let mut headers: Option<Vec<String>> = None;
    let mut samples: Vec<Vec<String>> = Vec::new();
    let mut rows_read = 0;
    book.rows(&sheet, |_, cells| {
        let Some(h) = &headers else {
            let h: Vec<String> = cells.iter().map(|c| c.text().trim().to_owned()).collect();
            samples = vec![Vec::new(); h.len()];
            headers = Some(h);
            return rows > 0;
        };
        for (i, cell) in cells.iter().enumerate().take(h.len()) {
            if !matches!(cell, Cell::Empty) && samples[i].len() < 3 {
                samples[i].push(cell.text().trim().to_owned());
            }
        }
        rows_read += 1;
        rows_read < rows
    })?;
    let headers = headers.ok_or_else(|| book.problem("文件是空的，没有表头".into()))?;
    Ok(Preview {
        fingerprint: fingerprint(&headers),
        headers,
        samples,
        rows_read,
    })
}

/// The units a column of `item` may be written in: the item's own first, then those the checks
/// convert exactly (万元 / 元; 亩 / 平方米 / 公顷; 万千瓦时 / 千瓦时).
pub fn unit_options(item: &CatalogueItem) -> Vec<&'static str> {
    match item.unit.as_str() {
        "万元" => vec!["万元", "元"],
        "亩" => vec!["亩", "平方米", "公顷"],
        "万千瓦时" => vec!["万千瓦时", "千瓦时"],
        _ => Vec::new(),
    }
}

/// Our header for `item` written in `unit` (the item's own when `unit` is empty or its own).
pub fn item_header(item: &CatalogueItem, unit: &str) -> String {
    let unit = if unit.is_empty() { item.unit.as_str() } else { unit };
    if unit.is_empty() {
        item.label.clone()
    } else {
        format!("{}（{}）", item.label, unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mapping_renames_only_the_headers_it_names() {
        let mut m = ColumnMapping::none();
        m.set("纳税人识别号", "统一社会信用代码");
        m.set(" 备注 ", "");
        assert_eq!(m.apply("纳税人识别号"), "统一社会信用代码");
        assert_eq!(m.apply("备注"), "");
        assert_eq!(m.apply("企业名称"), "企业名称");
    }

    #[test]
    fn a_mapping_file_reads_back_what_it_wrote() {
        let mut m = ColumnMapping::none();
        m.set("营业收入\"元\"", "主营业务收入（元）");
        m.set("序号", "");
        let back = ColumnMapping::from_toml(&m.to_toml()).unwrap();
        assert_eq!(back, m);
        let err = ColumnMapping::from_toml("[\"列对应\"]\n\"a\" = 3\n").unwrap_err();
        assert!(err.starts_with("列对应文件格式错误"), "{err}");
    }

    #[test]
    fn the_fingerprint_ignores_empty_columns_and_width_but_not_order() {
        let a = fingerprint(&["代码".into(), "名称（全称）".into(), String::new()]);
        let b = fingerprint(&["代码".into(), "名称(全称)".into()]);
        let c = fingerprint(&["名称(全称)".into(), "代码".into()]);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn a_preview_shows_headers_and_a_few_values() {
        let csv = "企业代码,企业,营业收入(元)\nX1,甲,100\nX2,,200\nX3,丙,300\nX4,丁,400\n";
        let p = preview("a.csv", csv.as_bytes(), Limits::default(), 10).unwrap();
        assert_eq!(p.headers, vec!["企业代码", "企业", "营业收入(元)"]);
        assert_eq!(p.samples[0], vec!["X1", "X2", "X3"]);
        assert_eq!(p.samples[1], vec!["甲", "丙", "丁"]);
        assert_eq!(p.rows_read, 4);
        let empty = preview("b.csv", b"", Limits::default(), 10).unwrap_err();
        assert!(empty.to_string().contains("没有表头"), "{empty}");
    }
}
