//! Low-efficiency land: every parcel the tests flag (the five kinds, 停建缓建 from progress
//! reports, 停产 / 半停产 from the holder's figures), its disposal plan (一宗一策: mode,
//! responsible unit, deadline, area) with progress kept as history, and the tallies per county,
//! cluster and kind — target against done.

use std::collections::HashMap;

use mujun_domain::Date;
use mujun_land::low_efficiency::{self, Kind, Operation, Production, Stall};
use mujun_store::disposal_plans::{self, Plan};
use mujun_store::land_projects;
use mujun_store::{enterprises, figures};

use super::assess::{assess, tax_line, tax_per_mu};
use super::projects::Names;
use super::today;
use crate::evaluation::format::number;
use crate::{Actor, App, AppError};

/// How a low-efficiency parcel is disposed of (the action plan's five ways, or another).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// 租赁.
    Lease,
    /// 回购.
    BuyBack,
    /// 重组.
    Restructure,
    /// 二次招商.
    Reinvest,
    /// 破产重整.
    Bankruptcy,
    /// 其他.
    Other,
}

impl Mode {
    /// Every mode.
    pub const ALL: [Mode; 6] = [
        Mode::Lease,
        Mode::BuyBack,
        Mode::Restructure,
        Mode::Reinvest,
        Mode::Bankruptcy,
        Mode::Other,
    ];

    /// The id stored in the database.
    pub fn id(self) -> &'static str {
        match self {
            Mode::Lease => "lease",
            Mode::BuyBack => "buy_back",
            Mode::Restructure => "restructure",
            Mode::Reinvest => "reinvest",
            Mode::Bankruptcy => "bankruptcy",
            Mode::Other => "other",
        }
    }

    /// Parses an id or its words.
    pub fn parse(text: &str) -> Option<Mode> {
        Mode::ALL
            .into_iter()
            .find(|m| m.id() == text || m.label() == text)
    }

    /// In words.
    pub fn label(self) -> &'static str {
        match self {
            Mode::Lease => "租赁",
            Mode::BuyBack => "回购",
            Mode::Restructure => "重组",
            Mode::Reinvest => "二次招商",
            Mode::Bankruptcy => "破产重整",
            Mode::Other => "其他方式",
        }
    }
}

/// A flag's kind in words: the five kinds, 停产, 半停产, 停建缓建.
pub fn low_kind_label(id: &str) -> &'static str {
    match id {
        "stopped" => "停产",
        "half_stopped" => "半停产",
        "stalled" => "停建缓建",
        other => Kind::parse(other).map_or("低效用地", Kind::label),
    }
}

/// A plan as pages show it.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanView {
    /// Id.
    pub id: i64,
    /// The parcel.
    pub parcel_id: i64,
    /// Parcel number.
    pub certificate_no: String,
    /// Kind in words.
    pub kind: &'static str,
    /// The finding.
    pub finding: String,
    /// Mode in words.
    pub mode: &'static str,
    /// 责任单位.
    pub responsible_unit: String,
    /// Deadline.
    pub deadline: String,
    /// Area (亩).
    pub area_mu: f64,
    /// Disposed (亩).
    pub area_disposed_mu: f64,
    /// Remaining (亩).
    pub area_remaining_mu: f64,
    /// Latest progress.
    pub progress: String,
    /// Done.
    pub done: bool,
    /// Past the deadline and not done.
    pub overdue: bool,
    /// Version.
    pub version: i64,
    /// County.
    pub county: String,
    /// Cluster.
    pub cluster: String,
    /// Progress history, oldest first: (date, area, note).
    pub history: Vec<(String, String, String)>,
}

/// A flagged parcel.
#[derive(Clone, Debug, PartialEq)]
pub struct LowParcel {
    /// Parcel id.
    pub parcel_id: i64,
    /// Number.
    pub certificate_no: String,
    /// Area (亩).
    pub area_mu: f64,
    /// County.
    pub county: String,
    /// Cluster.
    pub cluster: String,
    /// Holder (none: unsupplied).
    pub holder_id: Option<i64>,
    /// Holder's name.
    pub holder: String,
    /// Every finding in words.
    pub findings: Vec<String>,
    /// The kind a plan is filed under (id).
    pub kind_id: &'static str,
    /// Its words.
    pub kind: &'static str,
    /// Its open or latest plan.
    pub plan_id: Option<i64>,
}

/// A tally: flagged and disposed, per county, cluster or kind.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LowTally {
    /// Name.
    pub name: String,
    /// Flagged parcels.
    pub flagged: usize,
    /// Their area (亩).
    pub flagged_mu: f64,
    /// Plans.
    pub planned: usize,
    /// Area the plans are to dispose of (亩).
    pub target_mu: f64,
    /// Area disposed (亩).
    pub disposed_mu: f64,
    /// Plans done.
    pub done: usize,
}

/// The ledger.
#[derive(Clone, Debug, PartialEq)]
pub struct LowLedger {
    /// The figures year judged (none without figures).
    pub year: Option<i64>,
    /// Years with figures.
    pub years: Vec<i64>,
    /// Flagged parcels.
    pub parcels: Vec<LowParcel>,
    /// Plans.
    pub plans: Vec<PlanView>,
    /// Per county.
    pub by_county: Vec<LowTally>,
    /// Per cluster.
    pub by_cluster: Vec<LowTally>,
    /// Per kind.
    pub by_kind: Vec<LowTally>,
    /// The caller may file plans.
    pub may_plan: bool,
    /// The modes to choose from.
    pub modes: Vec<(&'static str, &'static str)>,
    /// The tests in words, with the values in force.
    pub rules: String,
}

pub(crate) fn plan_view(p: &Plan, names: &Names, today: Date) -> PlanView {
    PlanView {
        id: p.id,
        parcel_id: p.parcel_id,
        certificate_no: p.certificate_no.clone(),
        kind: low_kind_label(&p.low_kind),
        finding: p.finding.clone(),
        mode: Mode::parse(&p.mode).map_or("其他方式", Mode::label),
        responsible_unit: p.responsible_unit.clone(),
        deadline: p.deadline.clone(),
        area_mu: p.area_mu,
        area_disposed_mu: p.area_disposed_mu,
        area_remaining_mu: (p.area_mu - p.area_disposed_mu).max(0.0),
        progress: p.progress.clone(),
        done: p.done == 1,
        overdue: p.done == 0 && Date::parse(&p.deadline).is_ok_and(|d| today > d),
        version: p.version,
        county: p
            .region_code
            .as_deref()
            .map(|r| names.county(r))
            .unwrap_or_default(),
        cluster: names.cluster(p.cluster_id),
        history: Vec::new(),
    }
}

impl App {
    /// Flags every parcel in the caller's scope on today's progress and the holder's figures of
    /// `year` (default: the latest year with data).
    pub async fn low_efficiency(&self, actor: &Actor, year: Option<i64>) -> Result<LowLedger, AppError> {
        let rights = self.land_reader(actor, "land.view").await?;
        let loaded = self.load_projects(&rights).await?;
        let mut c = self.store.read().await?;
        let years = enterprises::years(&mut c).await?;
        let year = year
            .filter(|y| years.contains(y))
            .or_else(|| years.first().copied());
        let mut figures_by: HashMap<i64, HashMap<(i64, String), f64>> = HashMap::new();
        if let Some(y) = year {
            for yy in [y, y - 1, y - 2] {
                let m = figures_by.entry(yy).or_default();
                for (e, field, v) in figures::current_values(&mut c, yy).await? {
                    if let Some(v) = v {
                        m.insert((e, field), v);
                    }
                }
            }
        }
        let parcels = land_projects::placed_parcels(&mut c, &rights.scope, None).await?;
        let plans = disposal_plans::plans(&mut c, &rights.scope).await?;
        drop(c);
        let today = today();
        let names = &loaded.names;
        let projects: HashMap<i64, &land_projects::Project> =
            loaded.projects.iter().map(|p| (p.contract.id, p)).collect();
        let get = |y: Option<i64>, e: i64, field: &str| -> Option<f64> {
            figures_by.get(&y?)?.get(&(e, field.to_owned())).copied()
        };
        let mut flagged = Vec::new();
        for p in &parcels {
            let mut findings: Vec<(&'static str, String)> = Vec::new();
            if let Some(h) = p.holder_id {
                let op = Operation {
                    revenue: get(year, h, "main_revenue"),
                    electricity: get(year, h, "electricity_kwh"),
                    previous_revenue: [
                        get(year.map(|y| y - 1), h, "main_revenue"),
                        get(year.map(|y| y - 2), h, "main_revenue"),
                    ],
                    previous_electricity: [
                        get(year.map(|y| y - 1), h, "electricity_kwh"),
                        get(year.map(|y| y - 2), h, "electricity_kwh"),
                    ],
                };
                match low_efficiency::production(&op, &self.land.low) {
                    Production::Normal => {}
                    found @ Production::Stopped => findings.push(("stopped", found.describe())),
                    found @ Production::HalfStopped { .. } => {
                        findings.push(("half_stopped", found.describe()))
                    }
                }
            }
            let tax_per_mu = p
                .holder_id
                .and_then(|h| tax_per_mu(get(year, h, "tax_paid"), get(year, h, "land_area_mu"), p.area_mu));
            match p.contract_id.and_then(|id| projects.get(&id)) {
                Some(project) => {
                    let threshold = tax_line(project, &self.land);
                    let below = tax_per_mu.is_some_and(|t| t < threshold);
                    let history = loaded
                        .history
                        .get(&project.contract.id)
                        .map_or(&[][..], Vec::as_slice);
                    let a = assess(
                        project,
                        history,
                        loaded.cases.government(project.contract.id),
                        below,
                        today,
                        &self.land,
                    );
                    if a.stall != Stall::None {
                        findings.push(("stalled", a.stall.describe(self.land.low.stalled_months)));
                    }
                    if let Some(k) = a.kind {
                        let why = match k {
                            Kind::ProducingBelowStandard => format!(
                                "{}：亩均税收 {} 万元/亩，低于 {} 万元/亩",
                                k.label(),
                                number(tax_per_mu.unwrap_or(0.0), 2),
                                number(threshold, 2)
                            ),
                            _ => k.label().to_owned(),
                        };
                        findings.push((k.id(), why));
                    }
                }
                None if p.holder_id.is_none() && p.supply_date.is_none() => {
                    findings.push((
                        Kind::ApprovedNotSupplied.id(),
                        "批而未供：已批准未供应".to_owned(),
                    ));
                }
                None => {
                    if let Some(t) = tax_per_mu.filter(|t| *t < self.land.low_tax_per_mu) {
                        findings.push((
                            Kind::ProducingBelowStandard.id(),
                            format!(
                                "投而未达标：亩均税收 {} 万元/亩，低于 {} 万元/亩",
                                number(t, 2),
                                number(self.land.low_tax_per_mu, 2)
                            ),
                        ));
                    }
                }
            }
            if findings.is_empty() {
                continue;
            }
            let plan = plans
                .iter()
                .filter(|x| x.parcel_id == p.id)
                .max_by_key(|x| (x.done == 0, x.id));
            flagged.push(LowParcel {
                parcel_id: p.id,
                certificate_no: p.certificate_no.clone(),
                area_mu: p.area_mu,
                county: p
                    .region_code
                    .as_deref()
                    .map(|r| names.county(r))
                    .unwrap_or_default(),
                cluster: names.cluster(p.cluster_id),
                holder_id: p.holder_id,
                holder: p.holder_name.clone().unwrap_or_else(|| "（未供应）".to_owned()),
                kind_id: findings[0].0,
                kind: low_kind_label(findings[0].0),
                findings: findings.into_iter().map(|(_, w)| w).collect(),
                plan_id: plan.map(|x| x.id),
            });
        }
        let plan_views: Vec<PlanView> = plans.iter().map(|p| plan_view(p, names, today)).collect();
        let tally = |key: &dyn Fn(&LowParcel) -> String, plan_key: &dyn Fn(&PlanView) -> String| {
            let mut m: std::collections::BTreeMap<String, LowTally> = std::collections::BTreeMap::new();
            for f in &flagged {
                let t = m.entry(key(f)).or_default();
                t.flagged += 1;
                t.flagged_mu += f.area_mu;
            }
            for p in &plan_views {
                let t = m.entry(plan_key(p)).or_default();
                t.planned += 1;
                t.target_mu += p.area_mu;
                t.disposed_mu += p.area_disposed_mu;
                t.done += usize::from(p.done);
            }
            m.into_iter()
                .map(|(name, t)| LowTally {
                    name: if name.is_empty() {
                        "（未入集聚区）".to_owned()
                    } else {
                        name
                    },
                    ..t
                })
                .collect::<Vec<_>>()
        };
        let by_county = tally(&|f| f.county.clone(), &|p| p.county.clone());
        let by_cluster = tally(&|f| f.cluster.clone(), &|p| p.cluster.clone());
        let by_kind = tally(&|f| f.kind.to_owned(), &|p| p.kind.to_owned());
        let rights = self.land_rights(actor).await?;
        Ok(LowLedger {
            year,
            years,
            parcels: flagged,
            plans: plan_views,
            by_county,
            by_cluster,
            by_kind,
            may_plan: rights.plans_disposal,
            modes: Mode::ALL.into_iter().map(|m| (m.id(), m.label())).collect(),
            rules: self.land.low_efficiency_text(),
        })
    }
}
