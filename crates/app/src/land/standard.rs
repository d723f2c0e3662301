//! 标准地 commitments: each 标准地 contract checked at completion (投资强度, 容积率 from the
//! progress reports) and at the 达产复核 of a year (亩均税收 and the efficiency indicators from
//! the holder's figures of that year); the shortfall list with amounts and a rectification
//! deadline, and the list of enterprises that lose their 招商引资 incentives.

use std::collections::HashMap;

use mujun_domain::Date;
use mujun_land::dates::add_months;
use mujun_land::standard::{self, Built, Commitments, YearFigures};
use mujun_store::{enterprises, figures};

use super::assess::Stage;
use super::{date, today};
use crate::evaluation::format::number;
use crate::{Actor, App, AppError};

/// One check of one contract that found shortfalls or could not judge.
#[derive(Clone, Debug, PartialEq)]
pub struct StandardRow {
    /// Contract id.
    pub contract_id: i64,
    /// Contract number.
    pub contract_no: String,
    /// Project.
    pub project_name: String,
    /// Holder.
    pub enterprise_id: i64,
    /// Holder's name.
    pub enterprise_name: String,
    /// County.
    pub county: String,
    /// Cluster.
    pub cluster: String,
    /// 竣工核验 / 达产复核（YYYY 年度）.
    pub check: String,
    /// The day the check refers to.
    pub check_date: String,
    /// Each shortfall in words.
    pub shortfalls: Vec<String>,
    /// The money missing (万元), summed over the per-亩 indicators.
    pub amount: String,
    /// Indicators not judged for missing figures.
    pub unknown: Vec<&'static str>,
    /// Rectification deadline.
    pub deadline: String,
    /// Past the deadline.
    pub overdue: bool,
    /// Misses 投资强度, 税收贡献 or 生产效益: loses the incentives.
    pub loses_incentives: bool,
}

/// The 标准地 ledger of a year.
#[derive(Clone, Debug, PartialEq)]
pub struct StandardLedger {
    /// The figures year of the 达产复核.
    pub year: Option<i64>,
    /// Years with figures.
    pub years: Vec<i64>,
    /// 标准地 contracts in scope.
    pub contracts: usize,
    /// Checks made (completion and production).
    pub checks: usize,
    /// Checks that found shortfalls (or could not judge).
    pub rows: Vec<StandardRow>,
    /// Months to rectify, from the check.
    pub rectify_months: u32,
}

impl StandardLedger {
    /// The enterprises that lose their incentives (for the executing departments).
    pub fn incentive_losses(&self) -> Vec<&StandardRow> {
        self.rows.iter().filter(|r| r.loses_incentives).collect()
    }
}

impl App {
    /// Checks every 标准地 contract in scope; the 达产复核 uses the figures of `year` (default:
    /// the latest year with data).
    pub async fn standard_land(&self, actor: &Actor, year: Option<i64>) -> Result<StandardLedger, AppError> {
        let rights = self.land_reader(actor, "land.view").await?;
        let loaded = self.load_projects(&rights).await?;
        let mut c = self.store.read().await?;
        let years = enterprises::years(&mut c).await?;
        let year = year
            .filter(|y| years.contains(y))
            .or_else(|| years.first().copied());
        let mut fig: HashMap<(i64, String), f64> = HashMap::new();
        if let Some(y) = year {
            for (e, field, v) in figures::current_values(&mut c, y).await? {
                if let Some(v) = v {
                    fig.insert((e, field), v);
                }
            }
        }
        drop(c);
        let today = today();
        let get = |e: i64, f: &str| fig.get(&(e, f.to_owned())).copied();
        let mut rows = Vec::new();
        let mut contracts = 0;
        let mut checks = 0;
        for p in loaded.projects.iter().filter(|p| p.contract.standard_land == 1) {
            contracts += 1;
            let k = &p.contract;
            let commitments = Commitments {
                investment_per_mu: k.std_investment_per_mu,
                plot_ratio: k.std_plot_ratio,
                tax_per_mu: k.std_tax_per_mu,
                value_added_per_tce: k.std_value_added_per_tce,
                value_added_per_pollution: k.std_value_added_per_pollution,
                rd_share_pct: k.std_rd_share_pct,
            };
            let row = |check: String,
                       check_date: Date,
                       shortfalls: Vec<standard::Shortfall>,
                       unknown: Vec<standard::Indicator>| {
                let deadline = add_months(check_date, self.land.rectify_months);
                let amount: f64 = shortfalls.iter().filter_map(|s| s.amount).sum();
                StandardRow {
                    contract_id: k.id,
                    contract_no: k.contract_no.clone(),
                    project_name: k.project_name.clone(),
                    enterprise_id: k.enterprise_id,
                    enterprise_name: p.enterprise_name.clone(),
                    county: loaded.names.county(&p.region_code),
                    cluster: loaded.names.cluster(p.cluster_id),
                    check,
                    check_date: check_date.to_string(),
                    loses_incentives: shortfalls.iter().any(|s| s.indicator.costs_incentives()),
                    shortfalls: shortfalls.iter().map(standard::Shortfall::describe).collect(),
                    amount: if amount > 0.0 {
                        number(amount, 2)
                    } else {
                        String::new()
                    },
                    unknown: unknown.iter().map(|i| i.label()).collect(),
                    overdue: today > deadline,
                    deadline: deadline.to_string(),
                }
            };
            let latest = loaded.history.get(&k.id).and_then(|h| h.last());
            let stage = latest.and_then(|l| Stage::parse(&l.stage));
            if let (Some(l), Some(Stage::Completed | Stage::Producing)) = (latest, stage)
                && let Some(done_on) = date(l.completed_on.as_deref())
            {
                checks += 1;
                let built = Built {
                    land_mu: p.area_mu,
                    investment: l.investment_made,
                    land_price: k.price_fen as f64 / 1_000_000.0,
                    floor_area_m2: l.floor_area_m2,
                };
                if let Some(short) = standard::at_completion(&commitments, &built)
                    && !short.is_empty()
                {
                    rows.push(row("竣工核验".to_owned(), done_on, short, Vec::new()));
                }
            }
            let full = date(Some(&k.agreed_full_production));
            if let (Some(y), Some(full)) = (year, full)
                && let Ok(y16) = u16::try_from(y)
                && let Some(year_end) = Date::new(y16, 12, 31)
                && full <= year_end
            {
                checks += 1;
                let e = k.enterprise_id;
                let f = YearFigures {
                    tax: get(e, "tax_paid"),
                    value_added: get(e, "value_added"),
                    energy_tce: get(e, "energy_tce"),
                    pollution: get(e, "pollution_eq"),
                    rd: get(e, "rd_expense"),
                    revenue: get(e, "main_revenue"),
                };
                let (short, unknown) = standard::at_production(&commitments, p.area_mu, &f);
                if !short.is_empty() || !unknown.is_empty() {
                    rows.push(row(format!("达产复核（{y} 年度）"), year_end, short, unknown));
                }
            }
        }
        Ok(StandardLedger {
            year,
            years,
            contracts,
            checks,
            rows,
            rectify_months: self.land.rectify_months,
        })
    }
}
