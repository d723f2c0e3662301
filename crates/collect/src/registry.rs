//! Checking a city's enterprise registry file (issue 11): one row per enterprise with credit
//! code, name, county, cluster, industry code, scale, production start and status. The whole
//! file is checked before anything is stored; every problem names its row, column and value.
//! Counties and clusters are matched by code or name against the city's; a cluster the city
//! does not have yet is reported so that the caller can refuse it or create it.

use std::collections::HashMap;

use mujun_domain::{CreditCode, Date, IndustryCode};
use mujun_sheet::{Cell, Limits, SheetError, Workbook};

use crate::mapping::ColumnMapping;
use crate::upload::Issue;

/// The fields of a registry file and the headers that name them (first: the template's).
pub const COLUMNS: [(Column, &[&str]); 8] = [
    (
        Column::CreditCode,
        &["统一社会信用代码", "信用代码", "社会信用代码"],
    ),
    (Column::Name, &["企业名称", "名称", "单位名称"]),
    (
        Column::County,
        &["县区", "所在县区", "县（区）", "县(区)", "区县"],
    ),
    (Column::Cluster, &["产业集聚区", "集聚区", "所在集聚区", "园区"]),
    (
        Column::Industry,
        &["行业代码", "国民经济行业代码", "行业分类代码"],
    ),
    (Column::Scale, &["规模", "企业规模", "是否规上"]),
    (Column::ProductionStart, &["投产日期", "投产时间"]),
    (Column::Status, &["状态", "经营状态"]),
];

/// A field of the registry file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    /// 统一社会信用代码 (required).
    CreditCode,
    /// 企业名称 (required).
    Name,
    /// 县区 (required).
    County,
    /// 产业集聚区.
    Cluster,
    /// 行业代码 (required).
    Industry,
    /// 规模: 规上 / 规下.
    Scale,
    /// 投产日期.
    ProductionStart,
    /// 状态.
    Status,
}

impl Column {
    /// Whether a file without it is refused.
    pub fn required(self) -> bool {
        matches!(
            self,
            Column::CreditCode | Column::Name | Column::County | Column::Industry
        )
    }

    /// The template's header.
    pub fn header(self) -> &'static str {
        COLUMNS.iter().find(|(c, _)| *c == self).map_or("", |(_, h)| h[0])
    }
}

/// What the city has: counties and clusters to match names against.
#[derive(Clone, Debug, Default)]
pub struct RegistryContext {
    /// County-level divisions: code and name.
    pub counties: Vec<(String, String)>,
    /// Clusters: id, name, county code.
    pub clusters: Vec<(i64, String, String)>,
}

/// A cluster named by a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClusterRef {
    /// One the city has.
    Known(i64),
    /// One it does not have yet (by name).
    New(String),
}

/// One checked row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistryRow {
    /// Sheet row number (header = 1).
    pub row: usize,
    /// 统一社会信用代码.
    pub credit_code: String,
    /// 企业名称.
    pub name: String,
    /// County code.
    pub region_code: String,
    /// Cluster, if any.
    pub cluster: Option<ClusterRef>,
    /// Industry code (four digits).
    pub industry_code: String,
    /// `above` / `below`, if given.
    pub scale: Option<&'static str>,
    /// 投产日期 `YYYY-MM-DD`, if given.
    pub production_start: Option<String>,
    /// `operating`, `stopped` or `closed`.
    pub status: &'static str,
}

/// A checked file: its rows, its problems, the clusters it names that the city lacks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegistryChecked {
    /// Every row that checked out.
    pub rows: Vec<RegistryRow>,
    /// Every problem (the file is refused when there is any).
    pub errors: Vec<Issue>,
    /// Clusters the city lacks: name, county code, first row naming it.
    pub new_clusters: Vec<(String, String, usize)>,
}

fn scale_of(text: &str) -> Option<Option<&'static str>> {
    match text.trim() {
        "" => Some(None),
        "规上" | "规模以上" | "是" | "规上企业" => Some(Some("above")),
        "规下" | "规模以下" | "否" | "规下企业" => Some(Some("below")),
        _ => None,
    }
}

fn status_of(text: &str) -> Option<&'static str> {
    match text.trim() {
        "" | "正常" | "正常生产" | "在营" | "存续" => Some("operating"),
        "停产" | "停产半停产" | "半停产" => Some("stopped"),
        "关闭" | "已关闭" | "注销" | "已注销" | "吊销" => Some("closed"),
        _ => None,
    }
}

/// Every problem of a refused file as a workbook (sheet 问题清单: 行, 列, 值, 说明), for the
/// person who fixes the file in Excel.
pub fn problem_workbook(errors: &[Issue]) -> Result<Vec<u8>, crate::CollectError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let sheet = book.add_worksheet_with_constant_memory()?;
    sheet.set_name("问题清单")?;
    for (c, h) in ["行", "列", "值", "说明"].iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    sheet.set_column_width(3, 80)?;
    for (r, e) in errors.iter().enumerate() {
        let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
        sheet.write_number(r, 0, e.row as f64)?;
        sheet.write_string(r, 1, &e.column)?;
        // A string cell: Excel shows it, never runs it as a formula.
        sheet.write_string(r, 2, &e.value)?;
        sheet.write_string(r, 3, &e.message)?;
    }
    Ok(book.save_to_buffer()?)
}

/// Checks a registry file against the city's counties and clusters.
pub fn check_registry(
    file_name: &str,
    bytes: &[u8],
    ctx: &RegistryContext,
    mapping: &ColumnMapping,
    limits: Limits,
) -> Result<RegistryChecked, SheetError> {
    let mut book = Workbook::open(file_name, bytes, limits)?;
    let sheet = book
        .sheet_names()
        .into_iter()
        .next()
        .ok_or_else(|| book.problem("文件中没有工作表".into()))?;
    let mut out = RegistryChecked::default();
    let mut columns: HashMap<Column, (usize, String)> = HashMap::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let county_by: HashMap<&str, &str> = ctx
        .counties
        .iter()
        .flat_map(|(code, name)| [(code.as_str(), code.as_str()), (name.as_str(), code.as_str())])
        .collect();
    let cluster_by: HashMap<&str, i64> = ctx
        .clusters
        .iter()
        .map(|(id, name, _)| (name.as_str(), *id))
        .collect();
    let mut header_ok = true;
    book.rows(&sheet, |r, cells| {
        let row = r + 1;
        if r == 0 {
            for (i, cell) in cells.iter().enumerate() {
                let written = cell.text();
                let written = written.trim();
                let h = mapping.apply(written);
                if let Some((col, _)) = COLUMNS.iter().find(|(_, names)| names.contains(&h)) {
                    columns.entry(*col).or_insert((i, written.to_owned()));
                }
            }
            for (col, names) in COLUMNS {
                if col.required() && !columns.contains_key(&col) {
                    header_ok = false;
                    out.errors.push(Issue {
                        row: 1,
                        col: None,
                        column: names[0].to_owned(),
                        value: String::new(),
                        message: format!(
                            "缺少必需的列“{}”（可用的列名：{}）；请在表头中加上或改名后重新上传",
                            names[0],
                            names.join("、")
                        ),
                    });
                }
            }
            return header_ok;
        }
        let get = |c: Column| -> (Option<usize>, String, String) {
            match columns.get(&c) {
                Some((i, h)) => (
                    Some(*i),
                    h.clone(),
                    cells
                        .get(*i)
                        .map(Cell::text)
                        .unwrap_or_default()
                        .trim()
                        .to_owned(),
                ),
                None => (None, c.header().to_owned(), String::new()),
            }
        };
        let mut errs: Vec<Issue> = Vec::new();
        let mut problem = |(col, column, value): &(Option<usize>, String, String), message: String| {
            errs.push(Issue {
                row,
                col: *col,
                column: column.clone(),
                value: value.clone(),
                message,
            });
        };
        let code_cell = get(Column::CreditCode);
        let credit_code = match CreditCode::parse(&code_cell.2) {
            Ok(c) => Some(c.to_string()),
            Err(e) => {
                problem(&code_cell, e.to_string());
                None
            }
        };
        if let Some(code) = &credit_code {
            if let Some(first) = seen.get(code) {
                problem(&code_cell, format!("与第 {first} 行的统一社会信用代码重复"));
            } else {
                seen.insert(code.clone(), row);
            }
        }
        let name_cell = get(Column::Name);
        if name_cell.2.is_empty() || name_cell.2.chars().count() > 100 {
            problem(&name_cell, "企业名称不能为空，且不超过 100 字".into());
        }
        let county_cell = get(Column::County);
        let region_code = county_by.get(county_cell.2.as_str()).map(|c| (*c).to_owned());
        if region_code.is_none() {
            problem(
                &county_cell,
                format!(
                    "不是本市的县区（可填代码或名称：{}）",
                    ctx.counties
                        .iter()
                        .map(|(_, n)| n.as_str())
                        .collect::<Vec<_>>()
                        .join("、")
                ),
            );
        }
        let industry_cell = get(Column::Industry);
        let industry = IndustryCode::parse(&industry_cell.2);
        if let Err(e) = &industry {
            problem(&industry_cell, e.to_string());
        }
        let scale_cell = get(Column::Scale);
        let scale = scale_of(&scale_cell.2);
        if scale.is_none() {
            problem(&scale_cell, "规模应为“规上”或“规下”".into());
        }
        let start_cell = get(Column::ProductionStart);
        let production_start = match start_cell.2.as_str() {
            "" => None,
            s => match Date::parse(s) {
                Ok(d) => Some(d.to_string()),
                Err(e) => {
                    problem(&start_cell, e.to_string());
                    None
                }
            },
        };
        let status_cell = get(Column::Status);
        let status = status_of(&status_cell.2);
        if status.is_none() {
            problem(&status_cell, "状态应为“正常生产”“停产半停产”或“已关闭”".into());
        }
        let cluster_cell = get(Column::Cluster);
        let cluster = match cluster_cell.2.as_str() {
            "" => None,
            n => Some(match cluster_by.get(n) {
                Some(id) => ClusterRef::Known(*id),
                None => {
                    if let Some(county) = &region_code
                        && !out.new_clusters.iter().any(|(name, _, _)| name == n)
                    {
                        out.new_clusters.push((n.to_owned(), county.clone(), row));
                    }
                    ClusterRef::New(n.to_owned())
                }
            }),
        };
        if errs.is_empty()
            && let (Some(credit_code), Some(region_code), Ok(industry), Some(scale), Some(status)) =
                (credit_code, region_code, industry, scale, status)
        {
            out.rows.push(RegistryRow {
                row,
                credit_code,
                name: name_cell.2.clone(),
                region_code,
                cluster,
                industry_code: industry.to_string(),
                scale,
                production_start,
                status,
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

    fn ctx() -> RegistryContext {
        RegistryContext {
            counties: vec![
                ("411302".into(), "宛城区".into()),
                ("411381".into(), "邓州市".into()),
            ],
            clusters: vec![(7, "南阳高新区".into(), "411302".into())],
        }
    }

    fn check(csv: &str) -> RegistryChecked {
        check_registry(
            "名录.csv",
            csv.as_bytes(),
            &ctx(),
            &ColumnMapping::none(),
            Limits::default(),
        )
        .unwrap()
    }

    const A: &str = "91411300MA3X4W7C72";

    #[test]
    fn good_rows_with_other_headers_and_names_or_codes() {
        let c = check(&format!(
            "名称,信用代码,所在县区,集聚区,国民经济行业代码,企业规模,投产时间,经营状态\n\
             甲公司,{A},宛城区,南阳高新区,C3511,规上,2015-06-01,正常\n"
        ));
        assert!(c.errors.is_empty(), "{:?}", c.errors);
        let r = &c.rows[0];
        assert_eq!(
            (
                r.region_code.as_str(),
                r.cluster.clone(),
                r.industry_code.as_str(),
                r.scale,
                r.status
            ),
            (
                "411302",
                Some(ClusterRef::Known(7)),
                "3511",
                Some("above"),
                "operating"
            )
        );
        assert_eq!(r.production_start.as_deref(), Some("2015-06-01"));
    }

    #[test]
    fn every_bad_cell_is_named_and_nothing_passes() {
        let c = check(&format!(
            "统一社会信用代码,企业名称,县区,产业集聚区,行业代码,投产日期\n\
             {A},甲,宛城区,,3511,\n\
             {A},乙,宛城区,,3511,\n\
             123,丙,驿城区,新园区,99999,2015-13-40\n"
        ));
        let by_row: Vec<(usize, &str)> = c.errors.iter().map(|e| (e.row, e.column.as_str())).collect();
        assert!(by_row.contains(&(3, "统一社会信用代码")), "duplicate: {by_row:?}");
        assert!(
            c.errors
                .iter()
                .any(|e| e.row == 3 && e.message.contains("第 2 行"))
        );
        for column in ["统一社会信用代码", "县区", "行业代码", "投产日期"] {
            assert!(by_row.contains(&(4, column)), "{column}: {by_row:?}");
        }
        assert_eq!(c.rows.len(), 1, "only the first row checks out");
    }

    #[test]
    fn the_problem_workbook_lists_every_problem() {
        let c = check("企业名称,县区\n甲,宛城区\n");
        let bytes = problem_workbook(&c.errors).unwrap();
        assert_eq!(&bytes[..2], b"PK");
        let mut book = mujun_sheet::Workbook::open("问题清单.xlsx", &bytes, Limits::default()).unwrap();
        let rows = book.small_sheet("问题清单", 100).unwrap();
        assert_eq!(rows.len(), 1 + c.errors.len());
        assert!(rows[1].1[3].text().contains("缺少必需的列"));
    }

    #[test]
    fn a_missing_required_column_stops_at_the_header_and_new_clusters_are_listed() {
        let c = check("企业名称,县区\n甲,宛城区\n");
        assert!(c.errors.iter().all(|e| e.row == 1));
        assert!(c.errors.iter().any(|e| e.column == "统一社会信用代码"));
        assert!(c.errors.iter().any(|e| e.column == "行业代码"));
        assert!(c.rows.is_empty());
        let c = check(&format!(
            "统一社会信用代码,企业名称,县区,产业集聚区,行业代码\n{A},甲,邓州市,邓州产业集聚区,3511\n"
        ));
        assert_eq!(
            c.new_clusters,
            vec![("邓州产业集聚区".into(), "411381".into(), 2)]
        );
        assert_eq!(c.rows[0].cluster, Some(ClusterRef::New("邓州产业集聚区".into())));
    }
}
