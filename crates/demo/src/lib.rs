//! Synthetic, realistic demo data for mujun: industrial enterprises of Zhumadian (驻马店),
//! with the 21 input columns of the batch interface (spec §11).
//!
//! The data looks like what the departments of a Henan city deliver: the 11 产业集聚区 with
//! their counties and their 主导产业 (专用车 in the 装备 cluster, 提琴 in 确山, 防水材料 in 平舆,
//! 花生 in 正阳 …), a few percent of firms outside every cluster and in out-of-scope industries,
//! valid and distinct 统一社会信用代码 and company names, about 70 % 规上 firms (main revenue ≥
//! 2000 万元, always consistent with the scale), log-normal land and 亩均税收, and consistent
//! revenue, profit, output, value added, energy, electricity, pollution, employees, R&D and water.
//! Every edge case the evaluation must handle appears: zero energy, missing or zero pollution,
//! losses, no R&D, new firms, tiny 规下 plots, firms outside every cluster, unknown start dates,
//! vetoes, bonus items and exact ties.
//!
//! Everything is deterministic: the same options give the same rows and the same bytes, on every
//! platform (the distributions are computed in this crate from a PCG generator's raw output).
//!
//! ```
//! use mujun_demo::{DemoOptions, generate, write_csv};
//! use mujun_domain::Year;
//!
//! let rows = generate(&DemoOptions { enterprises: 100, seed: 42, year: Year::new(2024).expect("year") });
//! let mut csv = Vec::new();
//! write_csv(&rows, &mut csv).expect("in memory");
//! assert!(csv.starts_with(b"credit_code,name,region_code,cluster,"));
//! ```

pub mod city;
mod csv_out;
mod model;
mod names;
mod profile;
mod rng;
mod xlsx_out;

use mujun_domain::{CreditCode, Date, Field, IndustryCode, RegionCode, Scale, Year};

pub use csv_out::{write_csv, write_csv_iter};
pub use xlsx_out::{XLSX_MAX_ROWS, write_xlsx};

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoOptions {
    /// Number of enterprises (rows).
    pub enterprises: usize,
    /// Seed: the same seed gives the same data, forever.
    pub seed: u64,
    /// The data year (评价年度): production start dates and "new firms" are relative to it.
    pub year: Year,
}

/// One enterprise-year: the 21 columns of the batch interface.
#[derive(Clone, Debug, PartialEq)]
pub struct DemoRow {
    /// 统一社会信用代码 (valid check character, distinct within a data set).
    pub credit_code: CreditCode,
    /// 企业名称 (distinct within a data set).
    pub name: String,
    /// 所在县区.
    pub region: RegionCode,
    /// 所在产业集聚区; `None` for a firm outside every cluster.
    pub cluster: Option<String>,
    /// 国民经济行业代码 (GB/T 4754-2017 小类).
    pub industry: IndustryCode,
    /// 规上 / 规下, consistent with main revenue (≥ 2000 万元 ⇔ 规上).
    pub scale: Scale,
    /// 投产日期; `None` when unknown.
    pub production_start: Option<Date>,
    /// The numeric figures indexed by [`Field::index`], in the engine's units (亩, 万元, 吨标准煤,
    /// 万千瓦时, 污染当量, 人, 立方米), already rounded to [`decimals`] places; `None` is missing.
    pub figures: [Option<f64>; Field::COUNT],
    /// Bonus item ids (see [`BONUS_ITEMS`]).
    pub bonus: Vec<&'static str>,
    /// Veto item ids (see [`VETO_ITEMS`]).
    pub veto: Vec<&'static str>,
}

impl DemoRow {
    /// One figure.
    pub fn figure(&self, field: Field) -> Option<f64> {
        self.figures[field.index()]
    }
}

/// The column headers: the field ids of spec §1/§11, in this order.
pub const COLUMNS: [&str; 21] = [
    "credit_code",
    "name",
    "region_code",
    "cluster",
    "industry_code",
    "scale",
    "production_start",
    "land_area_mu",
    "tax_paid",
    "profit_total",
    "main_revenue",
    "rd_expense",
    "gross_output",
    "energy_tce",
    "electricity_kwh",
    "pollution_eq",
    "employees",
    "value_added",
    "water_m3",
    "bonus",
    "veto",
];

/// The bonus item ids the data uses (those of the shipped method files).
pub const BONUS_ITEMS: [&str; 5] = model::BONUS_IDS;
/// The veto item ids the data uses (those of the shipped method files).
pub const VETO_ITEMS: [&str; 3] = model::VETO_IDS;

/// Decimal places of a figure in the data (and in files): 0 for employees and water (人, 立方米),
/// 2 for everything else.
pub fn decimals(field: Field) -> usize {
    match field {
        Field::Employees | Field::WaterM3 => 0,
        _ => 2,
    }
}

/// Why writing the demo data failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DemoError {
    /// Writing the file or stream failed.
    #[error("写入失败：{0}")]
    Io(#[from] std::io::Error),
    /// The CSV writer failed.
    #[error("写入 CSV 失败：{0}")]
    Csv(#[from] csv::Error),
    /// The XLSX writer failed.
    #[error("写入 Excel 文件失败：{0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// More rows than an Excel sheet holds.
    #[error(
        "Excel 工作表最多容纳 {max} 行企业数据（另有 1 行表头），而要写入 {rows} 行：请减少企业数量，或改用 CSV 格式"
    )]
    TooManyRows {
        /// Rows asked for.
        rows: usize,
        /// Most data rows a sheet holds.
        max: usize,
    },
}

/// Generates `opts.enterprises` enterprises for `opts.year`.
///
/// From 40 enterprises on, every edge case is present at least once (see the crate docs).
pub fn generate(opts: &DemoOptions) -> Vec<DemoRow> {
    generate_iter(opts).collect()
}

/// The rows of [`generate`] one at a time, without holding them all in memory (for very large
/// files: pass it to [`write_csv_iter`]).
pub fn generate_iter(opts: &DemoOptions) -> DemoRows {
    DemoRows {
        generator: model::Generator::new(opts.enterprises, opts.seed, opts.year),
    }
}

/// Iterator over generated rows; see [`generate_iter`].
pub struct DemoRows {
    generator: model::Generator,
}

impl Iterator for DemoRows {
    type Item = DemoRow;

    fn next(&mut self) -> Option<DemoRow> {
        self.generator.next_firm().map(model::Firm::into_row)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.generator.remaining();
        (n, Some(n))
    }
}

impl ExactSizeIterator for DemoRows {}

impl std::fmt::Debug for DemoRows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoRows")
            .field("remaining", &self.generator.remaining())
            .finish()
    }
}

/// The same enterprises over several years, for demos that show history (class changes,
/// consecutive years in a class).
///
/// The years are taken in ascending order (duplicates ignored) and returned that way. The first
/// year is exactly [`generate`] with `enterprises` and `seed`. Each later year, every firm's
/// figures evolve from the year before: revenue grows about 5 % a year on average with a
/// firm-specific trend and noise (some firms decline), ratios drift slowly (energy and pollution
/// intensity fall), land mostly stays the same (a few firms expand), the scale is re-decided
/// from revenue, bonus items mostly persist and vetoes are yearly events. About 1.5 % of the
/// firms leave each year and 2–4 % new firms appear (production started in that year or the
/// year before). Credit codes, names, places and industries never change; tied pairs stay tied.
pub fn generate_years(enterprises: usize, seed: u64, years: &[Year]) -> Vec<(Year, Vec<DemoRow>)> {
    let mut years = years.to_vec();
    years.sort_unstable();
    years.dedup();
    let Some((&first, rest)) = years.split_first() else {
        return Vec::new();
    };
    let mut generator = model::Generator::new(enterprises, seed, first);
    let mut firms: Vec<model::Firm> = std::iter::from_fn(|| generator.next_firm()).collect();
    let mut out = Vec::with_capacity(years.len());
    out.push((first, firms.iter().map(model::Firm::to_row).collect()));
    let mut previous = first;
    for &year in rest {
        let steps = year.value() - previous.value();
        firms = generator.next_year(firms, year, steps);
        out.push((year, firms.iter().map(model::Firm::to_row).collect()));
        previous = year;
    }
    out
}

#[cfg(test)]
mod tests;
