//! The views of projects: the list with what the rules find in each today, and one project with
//! its contract, reports and cases. Registering contracts is in [`super::contracts`], progress
//! reports in [`super::progress`].

use std::collections::HashMap;

use mujun_land::cases::CaseKind;
use mujun_land::idle::{Cause, Idleness};
use mujun_store::clusters;
use mujun_store::land_cases::{self, CaseRow};
use mujun_store::land_projects::{self, Progress, Project};

use super::assess::{Assessment, assess, tax_line, tax_per_mu};
use super::contracts::supply_mode_label;
use super::progress::{ProgressView, progress_view};
use super::{LandRights, today, yuan};
use crate::evaluation::format::number;
use crate::{Actor, App, AppError};

/// A case on a project, as lists show it.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseLink {
    /// Case id.
    pub id: i64,
    /// Its state in words.
    pub status: &'static str,
    /// Over?
    pub closed: bool,
}

/// A project as lists show it.
#[derive(Clone, Debug, PartialEq)]
pub struct ProjectView {
    /// Contract id.
    pub id: i64,
    /// 合同编号.
    pub contract_no: String,
    /// 项目名称.
    pub project_name: String,
    /// Holder.
    pub enterprise_id: i64,
    /// Holder's name.
    pub enterprise_name: String,
    /// Holder's code.
    pub credit_code: String,
    /// County name.
    pub county: String,
    /// Cluster name.
    pub cluster: String,
    /// Parcel number.
    pub certificate_no: String,
    /// Parcel area (亩).
    pub area_mu: f64,
    /// 出让 / 划拨.
    pub supply_mode: &'static str,
    /// Price (元, formatted).
    pub price: String,
    /// Agreed start.
    pub agreed_start: String,
    /// Agreed completion.
    pub agreed_completion: String,
    /// Agreed full production.
    pub agreed_full_production: String,
    /// 标准地?
    pub standard_land: bool,
    /// Stage.
    pub stage: &'static str,
    /// Investment made / total (万元), formatted.
    pub investment: String,
    /// 53号令 finding (empty when not idle).
    pub idle: String,
    /// Exit finding (empty when in order).
    pub exit: String,
    /// 停建缓建 finding (empty when in order).
    pub stall: String,
    /// Five-kinds label (empty when none).
    pub kind: &'static str,
    /// The latest idle case.
    pub idle_case: Option<CaseLink>,
    /// The latest exit case.
    pub exit_case: Option<CaseLink>,
}

/// One project with everything its page shows.
#[derive(Clone, Debug, PartialEq)]
pub struct ProjectDetail {
    /// The list view.
    pub p: ProjectView,
    /// Signed on.
    pub signed_on: String,
    /// Location.
    pub location: String,
    /// Use.
    pub land_use: String,
    /// 应动工开发建筑面积 (m²).
    pub area_due: String,
    /// The agreed 标准地 indicators in words.
    pub standards: Vec<(String, String)>,
    /// Reports, newest first.
    pub progress: Vec<ProgressView>,
    /// Idle finding in full years (0: not idle).
    pub idle_years: u32,
    /// The caller may report progress.
    pub may_report: bool,
    /// The caller may open an idle case (idle, none open).
    pub may_open_idle: bool,
    /// The caller may open an exit case (candidate, none open).
    pub may_open_exit: bool,
    /// Has a polygon (the map shows it).
    pub has_polygon: bool,
    /// The holder's cluster id (for the map link).
    pub cluster_id: Option<i64>,
}

/// Case summaries per contract: the latest case of each kind and whether a government cause was
/// found for it.
pub(crate) struct CaseIndex {
    latest: HashMap<(i64, CaseKind), CaseLink>,
    government: HashMap<i64, bool>,
}

impl CaseIndex {
    pub(crate) fn build(idle: &[CaseRow], exit: &[CaseRow]) -> CaseIndex {
        let mut latest = HashMap::new();
        let mut government = HashMap::new();
        for (kind, rows) in [(CaseKind::Idle, idle), (CaseKind::Exit, exit)] {
            for r in rows {
                let k = &r.case;
                let link = CaseLink {
                    id: k.id,
                    status: super::cases::status_label(&k.status),
                    closed: k.closed == 1,
                };
                let slot = latest
                    .entry((k.contract_id, kind))
                    .or_insert_with(|| link.clone());
                // An open case outranks a closed one; among equals the newer one.
                if (slot.closed && !link.closed) || (slot.closed == link.closed && link.id > slot.id) {
                    *slot = link;
                }
                if kind == CaseKind::Idle
                    && k.cause
                        .as_deref()
                        .and_then(Cause::parse)
                        .is_some_and(|c| matches!(c, Cause::Government(_)))
                {
                    government.insert(k.contract_id, true);
                }
            }
        }
        CaseIndex { latest, government }
    }

    pub(crate) fn latest(&self, contract: i64, kind: CaseKind) -> Option<&CaseLink> {
        self.latest.get(&(contract, kind))
    }

    pub(crate) fn open(&self, contract: i64, kind: CaseKind) -> bool {
        self.latest(contract, kind).is_some_and(|l| !l.closed)
    }

    pub(crate) fn government(&self, contract: i64) -> bool {
        self.government.get(&contract).copied().unwrap_or(false)
    }
}

/// Names of counties and clusters.
pub(crate) struct Names {
    pub(crate) regions: HashMap<String, String>,
    pub(crate) clusters: HashMap<i64, String>,
}

impl Names {
    pub(crate) fn county(&self, code: &str) -> String {
        self.regions.get(code).cloned().unwrap_or_else(|| code.to_owned())
    }

    pub(crate) fn cluster(&self, id: Option<i64>) -> String {
        id.and_then(|i| self.clusters.get(&i).cloned())
            .unwrap_or_default()
    }
}

/// Everything the lists derive from, loaded once.
pub(crate) struct Loaded {
    pub(crate) projects: Vec<Project>,
    pub(crate) history: HashMap<i64, Vec<Progress>>,
    pub(crate) cases: CaseIndex,
    pub(crate) names: Names,
}

impl App {
    pub(crate) async fn names(&self) -> Result<Names, AppError> {
        let regions = self.region_names().await?;
        let mut c = self.store.read().await?;
        let clusters = clusters::list(&mut c, None)
            .await?
            .into_iter()
            .map(|k| (k.id, k.name))
            .collect();
        Ok(Names { regions, clusters })
    }

    pub(crate) async fn load_projects(&self, rights: &LandRights) -> Result<Loaded, AppError> {
        let names = self.names().await?;
        let mut c = self.store.read().await?;
        let projects = land_projects::projects(&mut c, &rights.scope).await?;
        let mut history: HashMap<i64, Vec<Progress>> = HashMap::new();
        for p in land_projects::progress_in_scope(&mut c, &rights.scope).await? {
            history.entry(p.contract_id).or_default().push(p);
        }
        let idle_rows = land_cases::cases(&mut c, CaseKind::Idle.id(), &rights.scope).await?;
        let exit_rows = land_cases::cases(&mut c, CaseKind::Exit.id(), &rights.scope).await?;
        let cases = CaseIndex::build(&idle_rows, &exit_rows);
        Ok(Loaded {
            projects,
            history,
            cases,
            names,
        })
    }

    /// The projects the caller sees, with what the rules find in each today.
    pub async fn projects(&self, actor: &Actor) -> Result<Vec<ProjectView>, AppError> {
        let rights = self.land_reader(actor, "land.view").await?;
        let loaded = self.load_projects(&rights).await?;
        // The latest year's tax and land, for 投而未达标 (as the low-efficiency ledger judges it).
        let mut c = self.store.read().await?;
        let mut figures: HashMap<(i64, String), f64> = HashMap::new();
        if let Some(year) = mujun_store::enterprises::years(&mut c).await?.first() {
            for (e, field, v) in mujun_store::figures::current_values(&mut c, *year).await? {
                if let (Some(v), "tax_paid" | "land_area_mu") = (v, field.as_str()) {
                    figures.insert((e, field), v);
                }
            }
        }
        drop(c);
        let get = |e: i64, f: &str| figures.get(&(e, f.to_owned())).copied();
        let today = today();
        Ok(loaded
            .projects
            .iter()
            .map(|p| {
                let history = loaded.history.get(&p.contract.id).map_or(&[][..], Vec::as_slice);
                let e = p.contract.enterprise_id;
                let below = tax_per_mu(get(e, "tax_paid"), get(e, "land_area_mu"), p.area_mu)
                    .is_some_and(|t| t < tax_line(p, &self.land));
                let a = assess(
                    p,
                    history,
                    loaded.cases.government(p.contract.id),
                    below,
                    today,
                    &self.land,
                );
                project_view(p, &a, &loaded.cases, &loaded.names, &self.land)
            })
            .collect())
    }

    /// One project with its reports and findings.
    pub async fn project(&self, actor: &Actor, contract_id: i64) -> Result<ProjectDetail, AppError> {
        let rights = self.land_reader(actor, "land.view").await?;
        let names = self.names().await?;
        let mut c = self.store.read().await?;
        let Some(p) = land_projects::project(&mut c, contract_id, &rights.scope).await? else {
            drop(c);
            return Err(self.not_visible(actor, contract_id).await);
        };
        let history = land_projects::progress_of(&mut c, contract_id).await?;
        let idle_rows = land_cases::cases(&mut c, CaseKind::Idle.id(), &rights.scope).await?;
        let exit_rows = land_cases::cases(&mut c, CaseKind::Exit.id(), &rights.scope).await?;
        let polygon = land_projects::polygon(&mut c, p.contract.parcel_id).await?;
        drop(c);
        let cases = CaseIndex::build(&idle_rows, &exit_rows);
        let a = assess(
            &p,
            &history,
            cases.government(contract_id),
            false,
            today(),
            &self.land,
        );
        let view = project_view(&p, &a, &cases, &names, &self.land);
        let k = &p.contract;
        let standards = [
            ("投资强度", k.std_investment_per_mu, "万元/亩"),
            ("容积率", k.std_plot_ratio, ""),
            ("亩均税收", k.std_tax_per_mu, "万元/亩"),
            ("单位能耗增加值", k.std_value_added_per_tce, "万元/吨标准煤"),
            ("单位排放增加值", k.std_value_added_per_pollution, "万元/污染当量"),
            ("研发投入强度", k.std_rd_share_pct, "%"),
        ]
        .into_iter()
        .filter_map(|(l, v, u)| v.map(|v| (l.to_owned(), format!("≥ {}{u}", number(v, 2)))))
        .collect();
        Ok(ProjectDetail {
            may_report: rights.reports_progress,
            may_open_idle: rights.handles_idle
                && a.idleness != Idleness::NotIdle
                && !cases.open(contract_id, CaseKind::Idle),
            may_open_exit: rights.handles_exit
                && a.exit.is_candidate()
                && !cases.open(contract_id, CaseKind::Exit),
            idle_years: a.idleness.full_years(),
            signed_on: k.signed_on.clone(),
            location: p.location.clone(),
            land_use: p.land_use.clone(),
            area_due: number(k.area_due_m2, 0),
            standards,
            progress: history.iter().rev().map(progress_view).collect(),
            has_polygon: polygon.is_some(),
            cluster_id: p.cluster_id,
            p: view,
        })
    }

    pub(crate) async fn not_visible(&self, actor: &Actor, contract_id: i64) -> AppError {
        let mut c = match self.store.read().await {
            Ok(c) => c,
            Err(e) => return e.into(),
        };
        match land_projects::project(&mut c, contract_id, &mujun_store::Scope::All).await {
            Ok(Some(_)) => {
                drop(c);
                self.deny(
                    actor,
                    "land.view",
                    ("land_contract", &contract_id.to_string()),
                    "超出本账号的查看范围",
                )
                .await
            }
            Ok(None) => AppError::NotFound("项目"),
            Err(e) => e.into(),
        }
    }
}

pub(crate) fn project_view(
    p: &Project,
    a: &Assessment,
    cases: &CaseIndex,
    names: &Names,
    rules: &super::LandRules,
) -> ProjectView {
    let k = &p.contract;
    let invested = a.latest.as_ref().map_or(0.0, |x| x.investment_made);
    ProjectView {
        id: k.id,
        contract_no: k.contract_no.clone(),
        project_name: k.project_name.clone(),
        enterprise_id: k.enterprise_id,
        enterprise_name: p.enterprise_name.clone(),
        credit_code: p.credit_code.clone(),
        county: names.county(&p.region_code),
        cluster: names.cluster(p.cluster_id),
        certificate_no: p.certificate_no.clone(),
        area_mu: p.area_mu,
        supply_mode: supply_mode_label(&k.supply_mode),
        price: yuan(k.price_fen),
        agreed_start: k.agreed_start.clone(),
        agreed_completion: k.agreed_completion.clone(),
        agreed_full_production: k.agreed_full_production.clone(),
        standard_land: k.standard_land == 1,
        stage: a.stage.label(),
        investment: format!("{} / {}", number(invested, 2), number(k.investment_total, 2)),
        idle: if a.idleness == Idleness::NotIdle {
            String::new()
        } else {
            a.idleness.describe()
        },
        exit: if a.exit.is_candidate() {
            a.exit.describe()
        } else {
            String::new()
        },
        stall: if a.stall == mujun_land::low_efficiency::Stall::None {
            String::new()
        } else {
            a.stall.describe(rules.low.stalled_months)
        },
        kind: a.kind.map_or("", mujun_land::low_efficiency::Kind::label),
        idle_case: cases.latest(k.id, CaseKind::Idle).cloned(),
        exit_case: cases.latest(k.id, CaseKind::Exit).cloned(),
    }
}
