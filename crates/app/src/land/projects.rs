//! Parcels with contracts, and the progress their projects report: registering a contract
//! (one at a time from the form, or many at once from a workbook or the API — all or nothing,
//! every problem named by row, column and value), reporting progress, and the views of the
//! project list and of one project with what the rules find in it.

use std::collections::HashMap;

use mujun_domain::{CreditCode, Date};
use mujun_land::cases::CaseKind;
use mujun_land::geometry;
use mujun_land::idle::{Cause, Idleness};
use mujun_store::land_cases::{self, CaseRow};
use mujun_store::land_projects::{self, NewContract, NewProgress, Progress, Project};
use mujun_store::{StoreError, Tx, clusters, enterprises, land};
use serde_json::json;

use super::assess::{Assessment, Stage, assess};
use super::{LandRights, today, yuan};
use crate::audit::{Who, write};
use crate::evaluation::format::number;
use crate::{Actor, App, AppError, FieldError};

/// A contract as typed in the form, a workbook row or the API (all text).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct ContractForm {
    /// 宗地编号 / 不动产权证号.
    pub certificate_no: String,
    /// 宗地面积（亩）.
    pub area_mu: String,
    /// 坐落.
    pub location: String,
    /// 用途.
    pub land_use: String,
    /// 宗地范围 (GeoJSON Polygon), optional.
    pub polygon: String,
    /// 受让人（统一社会信用代码）.
    pub credit_code: String,
    /// 合同编号.
    pub contract_no: String,
    /// 项目名称.
    pub project_name: String,
    /// 供地方式: 出让 / 划拨 (or `transfer` / `allocation`).
    pub supply_mode: String,
    /// 出让（划拨）价款（万元）.
    pub price_wan: String,
    /// 签订日期.
    pub signed_on: String,
    /// 约定动工日期.
    pub agreed_start: String,
    /// 约定竣工日期.
    pub agreed_completion: String,
    /// 约定达产日期.
    pub agreed_full_production: String,
    /// 应动工开发建筑面积（平方米）.
    pub area_due_m2: String,
    /// 约定总投资（万元，不含地价）.
    pub investment_total: String,
    /// 标准地: `是` / `1` / `true`.
    pub standard_land: String,
    /// 投资强度（万元/亩）.
    pub std_investment_per_mu: String,
    /// 容积率.
    pub std_plot_ratio: String,
    /// 亩均税收（万元/亩）.
    pub std_tax_per_mu: String,
    /// 单位能耗增加值（万元/吨标准煤）.
    pub std_value_added_per_tce: String,
    /// 单位排放增加值（万元/污染当量）.
    pub std_value_added_per_pollution: String,
    /// 研发投入强度（%）.
    pub std_rd_share_pct: String,
}

/// The columns of the contract workbook and form: (field, Chinese header).
pub const CONTRACT_COLUMNS: [(&str, &str); 23] = [
    ("certificate_no", "宗地编号"),
    ("area_mu", "宗地面积（亩）"),
    ("location", "坐落"),
    ("land_use", "土地用途"),
    ("polygon", "宗地范围（GeoJSON）"),
    ("credit_code", "受让人统一社会信用代码"),
    ("contract_no", "合同编号"),
    ("project_name", "项目名称"),
    ("supply_mode", "供地方式"),
    ("price_wan", "出让（划拨）价款（万元）"),
    ("signed_on", "签订日期"),
    ("agreed_start", "约定动工日期"),
    ("agreed_completion", "约定竣工日期"),
    ("agreed_full_production", "约定达产日期"),
    ("area_due_m2", "应动工开发建筑面积（平方米）"),
    ("investment_total", "约定总投资（万元，不含地价）"),
    ("standard_land", "是否标准地"),
    ("std_investment_per_mu", "约定投资强度（万元/亩）"),
    ("std_plot_ratio", "约定容积率"),
    ("std_tax_per_mu", "约定亩均税收（万元/亩）"),
    ("std_value_added_per_tce", "约定单位能耗增加值（万元/吨标准煤）"),
    (
        "std_value_added_per_pollution",
        "约定单位排放增加值（万元/污染当量）",
    ),
    ("std_rd_share_pct", "约定研发投入强度（%）"),
];

impl ContractForm {
    /// Sets a field by its id (workbook columns); unknown ids are ignored.
    pub fn set(&mut self, field: &str, value: String) {
        let slot = match field {
            "certificate_no" => &mut self.certificate_no,
            "area_mu" => &mut self.area_mu,
            "location" => &mut self.location,
            "land_use" => &mut self.land_use,
            "polygon" => &mut self.polygon,
            "credit_code" => &mut self.credit_code,
            "contract_no" => &mut self.contract_no,
            "project_name" => &mut self.project_name,
            "supply_mode" => &mut self.supply_mode,
            "price_wan" => &mut self.price_wan,
            "signed_on" => &mut self.signed_on,
            "agreed_start" => &mut self.agreed_start,
            "agreed_completion" => &mut self.agreed_completion,
            "agreed_full_production" => &mut self.agreed_full_production,
            "area_due_m2" => &mut self.area_due_m2,
            "investment_total" => &mut self.investment_total,
            "standard_land" => &mut self.standard_land,
            "std_investment_per_mu" => &mut self.std_investment_per_mu,
            "std_plot_ratio" => &mut self.std_plot_ratio,
            "std_tax_per_mu" => &mut self.std_tax_per_mu,
            "std_value_added_per_tce" => &mut self.std_value_added_per_tce,
            "std_value_added_per_pollution" => &mut self.std_value_added_per_pollution,
            "std_rd_share_pct" => &mut self.std_rd_share_pct,
            _ => return,
        };
        *slot = value;
    }
}

/// A supply mode in words.
pub fn supply_mode_label(mode: &str) -> &'static str {
    match mode {
        "allocation" => "划拨",
        _ => "出让",
    }
}

fn header(field: &str) -> &'static str {
    CONTRACT_COLUMNS
        .iter()
        .find(|(f, _)| *f == field)
        .map_or("", |(_, h)| *h)
}

/// A contract checked and ready to store (the holder still to be resolved).
struct Parsed {
    certificate_no: String,
    area_mu: f64,
    location: String,
    land_use: String,
    polygon: Option<String>,
    credit_code: CreditCode,
    contract: NewContract,
}

/// Parses a form; problems are prefixed with `at` (e.g. `第 3 行`).
fn parse(form: &ContractForm, at: &str, tolerance: u32, problems: &mut Vec<FieldError>) -> Option<Parsed> {
    let before = problems.len();
    let mut bad = |field: &'static str, value: &str, why: &str| {
        problems.push(FieldError {
            field,
            message: format!("{at}“{}”列的值“{value}”{why}", header(field)),
        });
    };
    let text = |v: &str| v.trim().to_owned();
    let required = |field: &'static str, v: &str, bad: &mut dyn FnMut(&'static str, &str, &str)| {
        if v.trim().is_empty() {
            bad(field, "", "不能为空");
        }
        v.trim().to_owned()
    };
    let positive = |field: &'static str, v: &str, bad: &mut dyn FnMut(&'static str, &str, &str)| -> f64 {
        match mujun_domain::number::parse_number(v) {
            Ok(Some(x)) if x.is_finite() && x > 0.0 => x,
            _ => {
                bad(field, v.trim(), "应为大于 0 的数字");
                0.0
            }
        }
    };
    let optional =
        |field: &'static str, v: &str, bad: &mut dyn FnMut(&'static str, &str, &str)| -> Option<f64> {
            match mujun_domain::number::parse_number(v) {
                Ok(None) => None,
                Ok(Some(x)) if x.is_finite() && x > 0.0 => Some(x),
                _ => {
                    bad(field, v.trim(), "应为大于 0 的数字或留空");
                    None
                }
            }
        };
    let day = |field: &'static str, v: &str, bad: &mut dyn FnMut(&'static str, &str, &str)| -> Option<Date> {
        match Date::parse(v.trim()) {
            Ok(d) => Some(d),
            Err(_) => {
                bad(field, v.trim(), "不是有效日期（应为 YYYY-MM-DD）");
                None
            }
        }
    };
    let certificate_no = required("certificate_no", &form.certificate_no, &mut bad);
    let area_mu = positive("area_mu", &form.area_mu, &mut bad);
    let contract_no = required("contract_no", &form.contract_no, &mut bad);
    let project_name = required("project_name", &form.project_name, &mut bad);
    let credit_code = match CreditCode::parse_lenient(&form.credit_code) {
        Ok((c, _)) => Some(c),
        Err(e) => {
            bad("credit_code", form.credit_code.trim(), &format!("无效：{e}"));
            None
        }
    };
    let supply_mode = match form.supply_mode.trim() {
        "出让" | "transfer" | "" => "transfer",
        "划拨" | "allocation" => "allocation",
        other => {
            bad("supply_mode", other, "应为“出让”或“划拨”");
            "transfer"
        }
    };
    let price_wan = positive("price_wan", &form.price_wan, &mut bad);
    let signed = day("signed_on", &form.signed_on, &mut bad);
    let start = day("agreed_start", &form.agreed_start, &mut bad);
    let completion = day("agreed_completion", &form.agreed_completion, &mut bad);
    let full = day("agreed_full_production", &form.agreed_full_production, &mut bad);
    if let (Some(s), Some(c), Some(f)) = (start, completion, full) {
        if c < s {
            bad("agreed_completion", &c.to_string(), "早于约定动工日期");
        }
        if f < c {
            bad("agreed_full_production", &f.to_string(), "早于约定竣工日期");
        }
    }
    if let (Some(g), Some(s)) = (signed, start)
        && s < g
    {
        bad("agreed_start", &s.to_string(), "早于合同签订日期");
    }
    let area_due_m2 = positive("area_due_m2", &form.area_due_m2, &mut bad);
    let investment_total = positive("investment_total", &form.investment_total, &mut bad);
    let standard_land = matches!(form.standard_land.trim(), "是" | "1" | "true" | "on" | "标准地");
    let standards = [
        optional("std_investment_per_mu", &form.std_investment_per_mu, &mut bad),
        optional("std_plot_ratio", &form.std_plot_ratio, &mut bad),
        optional("std_tax_per_mu", &form.std_tax_per_mu, &mut bad),
        optional("std_value_added_per_tce", &form.std_value_added_per_tce, &mut bad),
        optional(
            "std_value_added_per_pollution",
            &form.std_value_added_per_pollution,
            &mut bad,
        ),
        optional("std_rd_share_pct", &form.std_rd_share_pct, &mut bad),
    ];
    if standard_land && standards.iter().all(Option::is_none) {
        bad(
            "standard_land",
            form.standard_land.trim(),
            "：标准地至少应约定一项控制指标",
        );
    }
    let polygon = text(&form.polygon);
    let polygon = if polygon.is_empty() {
        None
    } else {
        match geometry::parse(&polygon) {
            Ok((_, m2)) => {
                let (drawn, off) = geometry::check_area(area_mu, m2, tolerance);
                if off && area_mu > 0.0 {
                    bad(
                        "polygon",
                        "（范围）",
                        &format!(
                            "计算面积 {} 亩，与宗地面积 {} 亩相差超过 {}%",
                            number(drawn, 2),
                            number(area_mu, 2),
                            f64::from(tolerance) / 10.0
                        ),
                    );
                }
                Some(polygon)
            }
            Err(e) => {
                bad("polygon", "（范围）", &format!("无效：{e}"));
                None
            }
        }
    };
    if problems.len() > before {
        return None;
    }
    // Every date and the code parsed (no problem was added), so these hold values.
    let (Some(credit_code), Some(signed), Some(start), Some(completion), Some(full)) =
        (credit_code, signed, start, completion, full)
    else {
        return None;
    };
    Some(Parsed {
        certificate_no,
        area_mu,
        location: text(&form.location),
        land_use: if form.land_use.trim().is_empty() {
            "工业用地".to_owned()
        } else {
            text(&form.land_use)
        },
        polygon,
        credit_code,
        contract: NewContract {
            parcel_id: 0,
            enterprise_id: 0,
            contract_no,
            project_name,
            supply_mode: supply_mode.to_owned(),
            price_fen: (price_wan * 1_000_000.0).round() as i64,
            dates: [
                signed.to_string(),
                start.to_string(),
                completion.to_string(),
                full.to_string(),
            ],
            area_due_m2,
            investment_total,
            standard_land,
            standards,
        },
    })
}

/// A progress report as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct ProgressForm {
    /// 报告日期 (empty: today).
    pub reported_on: String,
    /// Stage id (`not_started` …) or its words.
    pub stage: String,
    /// 实际动工日期.
    pub started_on: String,
    /// 停工日期.
    pub suspended_since: String,
    /// 竣工日期.
    pub completed_on: String,
    /// 投产日期.
    pub producing_on: String,
    /// 已开发建筑面积（平方米）.
    pub area_developed_m2: String,
    /// 已建总建筑面积（平方米）.
    pub floor_area_m2: String,
    /// 累计投资（万元，不含地价）.
    pub investment_made: String,
    /// 说明.
    pub note: String,
}

/// A report as pages show it.
#[derive(Clone, Debug, PartialEq)]
pub struct ProgressView {
    /// Id.
    pub id: i64,
    /// Reported.
    pub reported_on: String,
    /// Stage in words.
    pub stage: &'static str,
    /// The dates known, in words (e.g. `动工 2025-03-01；停工 2025-09-01`).
    pub dates: String,
    /// Area developed (m²).
    pub area_developed: String,
    /// Floor area (m²).
    pub floor_area: String,
    /// Investment (万元).
    pub investment_made: String,
    /// Note.
    pub note: String,
    /// Attachment name.
    pub attachment: Option<String>,
}

fn progress_view(p: &Progress) -> ProgressView {
    let mut dates = Vec::new();
    for (label, d) in [
        ("动工", &p.started_on),
        ("停工", &p.suspended_since),
        ("竣工", &p.completed_on),
        ("投产", &p.producing_on),
    ] {
        if let Some(d) = d {
            dates.push(format!("{label} {d}"));
        }
    }
    ProgressView {
        id: p.id,
        reported_on: p.reported_on.clone(),
        stage: Stage::parse(&p.stage).map_or("未知", Stage::label),
        dates: dates.join("；"),
        area_developed: number(p.area_developed_m2, 0),
        floor_area: number(p.floor_area_m2, 0),
        investment_made: number(p.investment_made, 2),
        note: p.note.clone(),
        attachment: p.attachment_name.clone(),
    }
}

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
        let today = today();
        Ok(loaded
            .projects
            .iter()
            .map(|p| {
                let history = loaded.history.get(&p.contract.id).map_or(&[][..], Vec::as_slice);
                let a = assess(
                    p,
                    history,
                    loaded.cases.government(p.contract.id),
                    false,
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
        let polygon = land_projects::placed_parcels(&mut c, &mujun_store::Scope::All, None)
            .await?
            .into_iter()
            .find(|x| x.id == p.contract.parcel_id)
            .and_then(|x| x.polygon);
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

    async fn not_visible(&self, actor: &Actor, contract_id: i64) -> AppError {
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

    /// Registers a parcel's contract (the parcel is created, or an existing parcel of that
    /// number without a contract is used).
    pub async fn register_contract(&self, actor: &Actor, form: &ContractForm) -> Result<i64, AppError> {
        let ids = self
            .import_contracts(actor, std::slice::from_ref(form), "")
            .await?;
        ids.into_iter().next().ok_or(AppError::NotFound("合同"))
    }

    /// Registers many contracts at once, all or nothing; every problem names its row (counted
    /// from 2 when `file` names a workbook, whose row 1 is the header).
    pub async fn import_contracts(
        &self,
        actor: &Actor,
        forms: &[ContractForm],
        file: &str,
    ) -> Result<Vec<i64>, AppError> {
        let rights = self.land_rights(actor).await?;
        if !rights.edits_records {
            return Err(self
                .deny(
                    actor,
                    "land.contract",
                    ("land_contract", ""),
                    "仅自然资源和规划部门或市级评价管理员可以登记供地合同",
                )
                .await);
        }
        let mut problems = Vec::new();
        let at = |i: usize| {
            if file.is_empty() && forms.len() == 1 {
                String::new()
            } else if file.is_empty() {
                format!("第 {} 条：", i + 1)
            } else {
                format!("文件“{file}”第 {} 行：", i + 2)
            }
        };
        let parsed: Vec<Option<Parsed>> = forms
            .iter()
            .enumerate()
            .map(|(i, f)| parse(f, &at(i), self.land.polygon_tolerance_permille, &mut problems))
            .collect();
        let mut seen = HashMap::new();
        for (i, p) in parsed.iter().enumerate() {
            if let Some(p) = p
                && let Some(first) = seen.insert(p.contract.contract_no.clone(), i)
            {
                problems.push(FieldError {
                    field: "contract_no",
                    message: format!(
                        "{}合同编号“{}”与{}重复",
                        at(i),
                        p.contract.contract_no,
                        at(first).trim_end_matches('：')
                    ),
                });
            }
        }
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let mut tx = self.store.begin().await?;
        let mut ids = Vec::new();
        for (i, p) in parsed.into_iter().flatten().enumerate() {
            let id = self.store_contract(&mut tx, actor, p, &at(i)).await?;
            ids.push(id);
        }
        write(
            &mut tx,
            Who::Actor(actor),
            "land.contract",
            (
                "land_contract",
                &ids.first().map(ToString::to_string).unwrap_or_default(),
            ),
            json!({"rows": ids.len(), "file_name": file}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(ids)
    }

    async fn store_contract(&self, tx: &mut Tx, actor: &Actor, p: Parsed, at: &str) -> Result<i64, AppError> {
        let holder = enterprises::get_by_code(tx, p.credit_code.as_str())
            .await?
            .ok_or_else(|| {
                AppError::invalid(
                    "credit_code",
                    format!("{at}名录中没有统一社会信用代码为“{}”的企业", p.credit_code),
                )
            })?;
        let parcel_id = match land::parcel_by_certificate(tx, &p.certificate_no).await? {
            Some(id) => {
                let taken = land_projects::projects(tx, &mujun_store::Scope::All)
                    .await?
                    .iter()
                    .any(|x| x.contract.parcel_id == id);
                if taken {
                    return Err(AppError::invalid(
                        "certificate_no",
                        format!("{at}宗地“{}”已登记供地合同", p.certificate_no),
                    ));
                }
                id
            }
            None => {
                let id = land::insert_parcel(
                    tx,
                    &p.certificate_no,
                    p.area_mu,
                    Some(&p.contract.dates[0]),
                    &p.land_use,
                    &p.location,
                )
                .await?;
                land::set_shares(tx, id, &[(holder.id, p.area_mu)]).await?;
                id
            }
        };
        land_projects::set_place(
            tx,
            parcel_id,
            Some(&holder.region_code),
            holder.cluster_id,
            p.polygon.as_deref(),
        )
        .await?;
        let contract = NewContract {
            parcel_id,
            enterprise_id: holder.id,
            ..p.contract
        };
        let id = land_projects::insert_contract(tx, &contract, Some(actor.user_id))
            .await
            .map_err(|e| match e {
                StoreError::Duplicate(_) => AppError::invalid(
                    "contract_no",
                    format!("{at}合同编号“{}”已存在", contract.contract_no),
                ),
                other => other.into(),
            })?;
        Ok(id)
    }

    /// Records a progress report of a project (history kept: a report never replaces one).
    pub async fn report_progress(
        &self,
        actor: &Actor,
        contract_id: i64,
        form: &ProgressForm,
        attachment: Option<(&str, &[u8])>,
    ) -> Result<i64, AppError> {
        let rights = self.land_rights(actor).await?;
        let mut c = self.store.read().await?;
        let project = land_projects::project(&mut c, contract_id, &rights.scope).await?;
        let history = land_projects::progress_of(&mut c, contract_id).await?;
        drop(c);
        let Some(project) = project.filter(|_| rights.reports_progress) else {
            return Err(self
                .deny(
                    actor,
                    "land.progress",
                    ("land_contract", &contract_id.to_string()),
                    "不能报告该项目的进展",
                )
                .await);
        };
        let today = today();
        let mut problems = Vec::new();
        let mut bad = |field: &'static str, message: String| problems.push(FieldError { field, message });
        let reported_on = if form.reported_on.trim().is_empty() {
            today
        } else {
            match Date::parse(form.reported_on.trim()) {
                Ok(d) if d <= today => d,
                _ => {
                    bad(
                        "reported_on",
                        format!("报告日期“{}”应为不晚于今天的日期", form.reported_on.trim()),
                    );
                    today
                }
            }
        };
        let stage = Stage::ALL
            .into_iter()
            .find(|s| s.id() == form.stage.trim() || s.label() == form.stage.trim());
        if stage.is_none() {
            bad("stage", format!("建设阶段“{}”无效", form.stage.trim()));
        }
        let mut day = |field: &'static str, label: &str, v: &str| -> Option<Date> {
            let v = v.trim();
            if v.is_empty() {
                return None;
            }
            match Date::parse(v) {
                Ok(d) if d <= reported_on => Some(d),
                Ok(_) => {
                    bad(field, format!("{label}“{v}”晚于报告日期"));
                    None
                }
                Err(_) => {
                    bad(field, format!("{label}“{v}”不是有效日期（应为 YYYY-MM-DD）"));
                    None
                }
            }
        };
        let started = day("started_on", "实际动工日期", &form.started_on);
        let suspended = day("suspended_since", "停工日期", &form.suspended_since);
        let completed = day("completed_on", "竣工日期", &form.completed_on);
        let producing = day("producing_on", "投产日期", &form.producing_on);
        let mut amount = |field: &'static str, label: &str, v: &str| -> f64 {
            match mujun_domain::number::parse_number(v) {
                Ok(None) => 0.0,
                Ok(Some(x)) if x.is_finite() && x >= 0.0 => x,
                _ => {
                    problems.push(FieldError {
                        field,
                        message: format!("{label}“{}”应为不小于 0 的数字", v.trim()),
                    });
                    0.0
                }
            }
        };
        let area = amount("area_developed_m2", "已开发建筑面积", &form.area_developed_m2);
        let floor = amount("floor_area_m2", "已建总建筑面积", &form.floor_area_m2);
        let invested = amount("investment_made", "累计投资", &form.investment_made);
        let mut need = |ok: bool, field: &'static str, message: &str| {
            if !ok {
                problems.push(FieldError {
                    field,
                    message: message.to_owned(),
                });
            }
        };
        match stage {
            Some(Stage::Building) => need(started.is_some(), "started_on", "在建项目应填写实际动工日期"),
            Some(Stage::Suspended) => {
                need(started.is_some(), "started_on", "停工项目应填写实际动工日期");
                need(suspended.is_some(), "suspended_since", "停工项目应填写停工日期");
            }
            Some(Stage::Completed) => {
                need(started.is_some(), "started_on", "已竣工项目应填写实际动工日期");
                need(completed.is_some(), "completed_on", "已竣工项目应填写竣工日期");
            }
            Some(Stage::Producing) => {
                need(started.is_some(), "started_on", "已投产项目应填写实际动工日期");
                need(completed.is_some(), "completed_on", "已投产项目应填写竣工日期");
                need(producing.is_some(), "producing_on", "已投产项目应填写投产日期");
            }
            Some(Stage::NotStarted) => need(started.is_none(), "started_on", "未动工项目不应填写动工日期"),
            None => {}
        }
        for (later, label) in [
            (suspended, "停工日期"),
            (completed, "竣工日期"),
            (producing, "投产日期"),
        ] {
            if let (Some(s), Some(l)) = (started, later)
                && l < s
            {
                need(false, "started_on", &format!("{label} {l} 早于实际动工日期 {s}"));
            }
        }
        if let (Some(c), Some(p)) = (completed, producing)
            && p < c
        {
            need(false, "producing_on", &format!("投产日期 {p} 早于竣工日期 {c}"));
        }
        if let Some(prev) = history.last()
            && invested < prev.investment_made
        {
            need(
                false,
                "investment_made",
                &format!(
                    "累计投资 {} 万元少于上次报告（{}）的 {} 万元",
                    number(invested, 2),
                    prev.reported_on,
                    number(prev.investment_made, 2)
                ),
            );
        }
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let stage = stage.unwrap_or(Stage::NotStarted);
        let reported = reported_on.to_string();
        let [s, u, c, p] = [started, suspended, completed, producing].map(|d| d.map(|d| d.to_string()));
        let mut tx = self.store.begin().await?;
        let id = land_projects::insert_progress(
            &mut tx,
            &NewProgress {
                contract_id,
                reported_on: &reported,
                stage: stage.id(),
                dates: [s.as_deref(), u.as_deref(), c.as_deref(), p.as_deref()],
                area_developed_m2: area,
                floor_area_m2: floor,
                investment_made: invested,
                note: form.note.trim(),
                attachment,
            },
            Some(actor.user_id),
        )
        .await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "land.progress",
            ("land_contract", &contract_id.to_string()),
            json!({"contract_no": project.contract.contract_no, "stage": stage.label(), "reported_on": reported,
                   "attachment": attachment.map(|a| a.0)}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(id)
    }

    /// A report's attachment, for whoever may see the project: `(name, bytes)`.
    pub async fn progress_attachment(
        &self,
        actor: &Actor,
        report_id: i64,
    ) -> Result<(String, Vec<u8>), AppError> {
        let rights = self.land_reader(actor, "land.attachment").await?;
        let mut c = self.store.read().await?;
        let Some((contract, name, bytes)) = land_projects::progress_attachment(&mut c, report_id).await?
        else {
            return Err(AppError::NotFound("附件"));
        };
        if land_projects::project(&mut c, contract, &rights.scope)
            .await?
            .is_none()
        {
            drop(c);
            return Err(self.not_visible(actor, contract).await);
        }
        Ok((name, bytes))
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
