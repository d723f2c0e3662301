//! Checking a file of classes published in earlier years (issue 11): year, credit code, class
//! and the document that published it (e.g. 驻政办〔2024〕12号). The whole file is checked;
//! every problem names its row, column and value.

use std::collections::HashMap;

use mujun_domain::CreditCode;
use mujun_sheet::{Cell, Limits, SheetError, Workbook};

use crate::mapping::ColumnMapping;
use crate::upload::Issue;

const YEAR: &[&str] = &["年度", "评价年度", "年份"];
const CODE: &[&str] = &["统一社会信用代码", "信用代码", "社会信用代码"];
const CLASS: &[&str] = &["评价类别", "类别", "分类", "评价结果", "档次"];
const DOCUMENT: &[&str] = &["发布文件", "文号", "发布文号", "依据文件"];

/// The fields of a class file, each with the headers that name it (first: ours) and whether a
/// file without it is refused.
pub const FIELDS: [(&[&str], bool); 4] = [(YEAR, true), (CODE, true), (CLASS, true), (DOCUMENT, false)];

/// One published class.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassRow {
    /// Sheet row number (header = 1).
    pub row: usize,
    /// The year evaluated.
    pub year: i64,
    /// 统一社会信用代码.
    pub credit_code: String,
    /// `A`, `B`, `C` or `D`.
    pub class: &'static str,
    /// The publishing document (may be empty).
    pub document: String,
}

/// A checked file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClassesChecked {
    /// Rows that checked out.
    pub rows: Vec<ClassRow>,
    /// Every problem.
    pub errors: Vec<Issue>,
}

/// The class a cell names: a letter, or the name of the class.
pub fn class_of(text: &str) -> Option<&'static str> {
    let t = text.trim().trim_end_matches('类').trim_end_matches("企业");
    match t.to_ascii_uppercase().as_str() {
        "A" | "优先发展" => Some("A"),
        "B" | "鼓励提升" => Some("B"),
        "C" | "倒逼转型" | "提升发展" => Some("C"),
        "D" | "限制发展" | "淘汰" | "限制淘汰" => Some("D"),
        _ => None,
    }
}

/// Checks a classes file; years must lie in `years` (e.g. 2000 to last year).
pub fn check_classes(
    file_name: &str,
    bytes: &[u8],
    years: std::ops::RangeInclusive<i64>,
    mapping: &ColumnMapping,
    limits: Limits,
) -> Result<ClassesChecked, SheetError> {
    let mut book = Workbook::open(file_name, bytes, limits)?;
    let sheet = book
        .sheet_names()
        .into_iter()
        .next()
        .ok_or_else(|| book.problem("文件中没有工作表".into()))?;
    let mut out = ClassesChecked::default();
    let mut at: HashMap<&'static str, (usize, String)> = HashMap::new();
    let mut seen: HashMap<(i64, String), usize> = HashMap::new();
    book.rows(&sheet, |r, cells| {
        let row = r + 1;
        if r == 0 {
            for (key, names) in [
                ("year", YEAR),
                ("code", CODE),
                ("class", CLASS),
                ("document", DOCUMENT),
            ] {
                if let Some(i) = cells
                    .iter()
                    .position(|c| names.contains(&mapping.apply(c.text().trim())))
                {
                    at.insert(key, (i, cells[i].text().trim().to_owned()));
                } else if key != "document" {
                    out.errors.push(Issue {
                        row: 1,
                        col: None,
                        column: names[0].to_owned(),
                        value: String::new(),
                        message: format!("缺少必需的列“{}”（可用的列名：{}）", names[0], names.join("、")),
                    });
                }
            }
            return out.errors.is_empty();
        }
        let get = |key: &str| -> (Option<usize>, String, String) {
            at.get(key)
                .map_or((None, String::new(), String::new()), |(i, h)| {
                    (
                        Some(*i),
                        h.clone(),
                        cells
                            .get(*i)
                            .map(Cell::text)
                            .unwrap_or_default()
                            .trim()
                            .to_owned(),
                    )
                })
        };
        let mut errs = Vec::new();
        let mut problem = |(col, column, value): &(Option<usize>, String, String), message: String| {
            errs.push(Issue {
                row,
                col: *col,
                column: column.clone(),
                value: value.clone(),
                message,
            });
        };
        let year_cell = get("year");
        let year = year_cell
            .2
            .trim_end_matches('年')
            .parse::<i64>()
            .ok()
            .filter(|y| years.contains(y));
        if year.is_none() {
            problem(
                &year_cell,
                format!("年度应为 {}–{} 之间的年份", years.start(), years.end()),
            );
        }
        let code_cell = get("code");
        let code = match CreditCode::parse(&code_cell.2) {
            Ok(c) => Some(c.to_string()),
            Err(e) => {
                problem(&code_cell, e.to_string());
                None
            }
        };
        let class_cell = get("class");
        let class = class_of(&class_cell.2);
        if class.is_none() {
            problem(
                &class_cell,
                "评价类别应为 A、B、C、D（或优先发展、鼓励提升、倒逼转型）".into(),
            );
        }
        if let (Some(y), Some(c)) = (year, &code) {
            if let Some(first) = seen.get(&(y, c.clone())) {
                problem(&code_cell, format!("{y} 年度与第 {first} 行重复"));
            } else {
                seen.insert((y, c.clone()), row);
            }
        }
        if errs.is_empty()
            && let (Some(year), Some(credit_code), Some(class)) = (year, code, class)
        {
            out.rows.push(ClassRow {
                row,
                year,
                credit_code,
                class,
                document: get("document").2,
            });
        }
        out.errors.extend(errs);
        true
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_by_letter_or_name_and_bad_rows_named() {
        let csv = "年度,统一社会信用代码,评价类别,发布文件\n\
                   2023,91411300MA3X4W7C72,C类,宛政办〔2024〕12号\n\
                   2022,91411300MA3X4W7C72,倒逼转型类,宛政办〔2023〕9号\n\
                   2023,91411300MA3X4W7C72,B,\n\
                   1990,123,E,\n";
        let c = check_classes(
            "历年.csv",
            csv.as_bytes(),
            2000..=2025,
            &ColumnMapping::none(),
            Limits::default(),
        )
        .unwrap();
        assert_eq!(c.rows.len(), 2);
        assert_eq!((c.rows[0].class, c.rows[1].class), ("C", "C"));
        assert_eq!(c.rows[0].document, "宛政办〔2024〕12号");
        let named: Vec<(usize, &str)> = c.errors.iter().map(|e| (e.row, e.column.as_str())).collect();
        assert!(
            named.contains(&(4, "统一社会信用代码")),
            "duplicate year: {named:?}"
        );
        for column in ["年度", "统一社会信用代码", "评价类别"] {
            assert!(named.contains(&(5, column)), "{column}: {named:?}");
        }
    }
}
