//! One row of cells → one [`EnterpriseInput`], shared by the CSV and XLSX readers. Every bad
//! cell of a row is reported, not only the first.

use std::collections::{HashMap, HashSet};

use mujun_domain::number::{MAX_ABS, parse_number};
use mujun_domain::{CreditCode, Date, DomainError, Field, IndustryCode, RegionCode, Scale, normalize_text};
use mujun_engine::{EnterpriseInput, Figures, ItemSet};

use crate::RowError;
use crate::columns::{Column, Conversion, Layout};

/// A cell as a reader found it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Cell<'a> {
    /// Empty (or only spaces).
    Empty,
    /// Text.
    Text(&'a str),
    /// A spreadsheet number.
    Number(f64),
    /// A spreadsheet date.
    Date(Date),
}

impl Cell<'_> {
    fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.to_string(),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => d.to_string(),
        }
    }
}

/// The rows of one part of a file, with the names, clusters and items they use held locally
/// (parts are parsed in parallel and merged afterwards).
#[derive(Default)]
pub(crate) struct Chunk {
    pub rows: Vec<EnterpriseInput>,
    /// Position of each row within the part (for row numbers).
    pub local_rows: Vec<u32>,
    pub names: String,
    pub name_ends: Vec<u32>,
    pub clusters: Vec<String>,
    cluster_index: HashMap<String, u32>,
    pub items: Vec<String>,
    /// Errors with a row number local to the part.
    pub errors: Vec<RowError>,
    /// Codes accepted despite a wrong check character (by the allow list).
    pub checksum_overrides: Vec<CreditCode>,
}

/// Turns cells into rows according to a layout.
pub(crate) struct RowParser<'a> {
    layout: &'a Layout,
    allow_checksum: &'a HashSet<CreditCode>,
    credit: usize,
    region: usize,
    industry: usize,
    scale: usize,
    name: Option<usize>,
    cluster: Option<usize>,
    start: Option<usize>,
    bonus: Option<usize>,
    veto: Option<usize>,
    figures: Vec<(usize, Field, Conversion)>,
}

impl<'a> RowParser<'a> {
    /// The layout must hold the always-required columns (credit code, region, industry, scale).
    pub fn new(layout: &'a Layout, allow_checksum: &'a HashSet<CreditCode>) -> Option<Self> {
        let figures = layout
            .columns
            .iter()
            .enumerate()
            .filter_map(|(i, c)| match c {
                Some((Column::Figure(f), conv)) => Some((i, *f, *conv)),
                _ => None,
            })
            .collect();
        Some(RowParser {
            layout,
            allow_checksum,
            credit: layout.position(Column::CreditCode)?,
            region: layout.position(Column::Region)?,
            industry: layout.position(Column::Industry)?,
            scale: layout.position(Column::Scale)?,
            name: layout.position(Column::Name),
            cluster: layout.position(Column::Cluster),
            start: layout.position(Column::ProductionStart),
            bonus: layout.position(Column::Bonus),
            veto: layout.position(Column::Veto),
            figures,
        })
    }

    /// Parses one row into `chunk`. `row` is the number reported in errors; `cell(i)` gives the
    /// cell of file column i (Empty past the end). Rows whose cells are all empty are skipped.
    pub fn parse<'c>(&self, row: usize, width: usize, cell: impl Fn(usize) -> Cell<'c>, chunk: &mut Chunk) {
        // Each cell is decoded once.
        let cells: Vec<Cell<'c>> = (0..width).map(cell).collect();
        if cells.iter().all(|c| matches!(c, Cell::Empty)) {
            return;
        }
        let cell = |i: usize| cells.get(i).copied().unwrap_or(Cell::Empty);
        let errors_before = chunk.errors.len();
        let fail = |col: usize, c: Cell<'_>, message: String, chunk: &mut Chunk| {
            chunk.errors.push(RowError {
                row,
                column: self
                    .layout
                    .headers
                    .get(col)
                    .map(|h| h.trim().to_owned())
                    .unwrap_or_default(),
                value: c.display(),
                message,
            });
        };
        let text = |c: Cell<'c>| -> Option<std::borrow::Cow<'c, str>> {
            match c {
                Cell::Empty => None,
                Cell::Text(t) if t.trim().is_empty() => None,
                Cell::Text(t) => Some(std::borrow::Cow::Borrowed(t)),
                Cell::Number(n) => Some(std::borrow::Cow::Owned(if n.fract() == 0.0 && n.abs() < 1e15 {
                    format!("{}", n as i64)
                } else {
                    n.to_string()
                })),
                Cell::Date(d) => Some(std::borrow::Cow::Owned(d.to_string())),
            }
        };

        // Credit code (a wrong check character passes only when listed explicitly).
        let c = cell(self.credit);
        let credit_code = match text(c) {
            None => {
                fail(self.credit, c, "统一社会信用代码不能为空".into(), chunk);
                None
            }
            Some(t) => match CreditCode::parse(&t) {
                Ok(code) => Some(code),
                Err(DomainError::CreditCodeChecksum { code, .. }) if self.allow_checksum.contains(&code) => {
                    chunk.checksum_overrides.push(code);
                    Some(code)
                }
                Err(e @ DomainError::CreditCodeChecksum { .. }) => {
                    fail(
                        self.credit,
                        c,
                        format!("{e}；如确属早期代码，请用 --allow-checksum-mismatch 明确放行"),
                        chunk,
                    );
                    None
                }
                Err(e) => {
                    fail(self.credit, c, e.to_string(), chunk);
                    None
                }
            },
        };

        let c = cell(self.region);
        let region = match text(c).map(|t| RegionCode::parse(&t)) {
            Some(Ok(r)) => Some(r),
            Some(Err(e)) => {
                fail(self.region, c, e.to_string(), chunk);
                None
            }
            None => {
                fail(self.region, c, "所在县区代码不能为空".into(), chunk);
                None
            }
        };

        let c = cell(self.industry);
        let industry = match c {
            // Excel drops the leading zero of 0111 when the cell is numeric.
            Cell::Number(n) if n.fract() == 0.0 && (100.0..10_000.0).contains(&n) => {
                IndustryCode::from_value(n as u16).ok_or_else(|| {
                    IndustryCode::parse(&format!("{:04}", n as u16)).expect_err("from_value refused it")
                })
            }
            _ => match text(c) {
                Some(t) => IndustryCode::parse(&t),
                None => Err(DomainError::IndustryCode {
                    text: String::new(),
                    why: "行业代码不能为空",
                }),
            },
        };
        let industry = industry
            .map_err(|e| fail(self.industry, c, e.to_string(), chunk))
            .ok();

        let c = cell(self.scale);
        let scale = match text(c) {
            Some(t) => Scale::parse(&t)
                .map_err(|e| fail(self.scale, c, e.to_string(), chunk))
                .ok(),
            None => {
                fail(
                    self.scale,
                    c,
                    "规模不能为空（above 规上 / below 规下）".into(),
                    chunk,
                );
                None
            }
        };

        let production_start = self.start.and_then(|i| {
            let c = cell(i);
            match c {
                Cell::Date(d) => Some(d),
                _ => text(c).and_then(|t| Date::parse(&t).map_err(|e| fail(i, c, e.to_string(), chunk)).ok()),
            }
        });

        let mut figures = Figures::empty();
        for &(i, field, conv) in &self.figures {
            let c = cell(i);
            let value = match c {
                Cell::Empty => Ok(None),
                Cell::Number(n) if n.is_finite() && n.abs() <= MAX_ABS => Ok(Some(n)),
                Cell::Number(_) => Err("数值过大，请检查单位（金额单位为万元）"),
                Cell::Text(t) => parse_number(t),
                Cell::Date(_) => Err("应为数字，不是日期"),
            };
            match value {
                Ok(Some(v)) if v < 0.0 && !field.allows_negative() => {
                    fail(i, c, format!("{}不能为负数", field.label()), chunk);
                }
                Ok(v) => figures.set(field, v.map(|v| conv.apply(v))),
                Err(why) => fail(i, c, why.to_owned(), chunk),
            }
        }

        let items = |col: Option<usize>, chunk: &mut Chunk| -> ItemSet {
            let mut set = ItemSet::default();
            let Some(i) = col else { return set };
            let c = cell(i);
            let Some(t) = text(c) else { return set };
            for id in t
                .split([';', '；', '、'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                if !id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                {
                    fail(
                        i,
                        c,
                        format!(
                            "项目“{id}”不合法：应为方法文件中的项目 id（小写字母、数字、下划线），多个用分号分隔"
                        ),
                        chunk,
                    );
                    continue;
                }
                let idx = match chunk.items.iter().position(|x| x == id) {
                    Some(p) => p,
                    None if chunk.items.len() < ItemSet::CAPACITY => {
                        chunk.items.push(id.to_owned());
                        chunk.items.len() - 1
                    }
                    None => {
                        fail(
                            i,
                            c,
                            format!("不同的加分/否决项目超过 {} 个", ItemSet::CAPACITY),
                            chunk,
                        );
                        continue;
                    }
                };
                set.insert(idx);
            }
            set
        };
        let bonus = items(self.bonus, chunk);
        let veto = items(self.veto, chunk);

        let cluster = self.cluster.and_then(|i| text(cell(i))).map(|name| {
            let name = normalize_text(&name).into_owned();
            if let Some(&idx) = chunk.cluster_index.get(&name) {
                idx
            } else {
                let idx = chunk.clusters.len() as u32;
                chunk.clusters.push(name.clone());
                chunk.cluster_index.insert(name, idx);
                idx
            }
        });

        if chunk.errors.len() > errors_before {
            return;
        }
        let (Some(credit_code), Some(region), Some(industry), Some(scale)) =
            (credit_code, region, industry, scale)
        else {
            return;
        };
        if let Some(i) = self.name
            && let Some(n) = text(cell(i))
        {
            chunk.names.push_str(n.trim());
        }
        chunk.name_ends.push(chunk.names.len() as u32);
        chunk.local_rows.push(row as u32);
        chunk.rows.push(EnterpriseInput {
            credit_code,
            region,
            cluster,
            industry,
            scale,
            production_start,
            figures,
            bonus,
            veto,
        });
    }
}
