//! Idle-land cases (调查 → 认定 → 告知 → 决定 → 结案, or 协商处置 for a government cause) and exit
//! cases (限期整改 → 整改完成, or 强制退出建议 → 退出决定), step by step. Each step is checked
//! against the procedure of `mujun_land::cases`, keeps its document number, dates and deadline,
//! and issues its document as PDF. Idle land found idle is on the public list (53号令 art. 10)
//! until its disposal is done.

use mujun_domain::Date;
use mujun_land::cases::{CaseKind, Step, next_steps};
use mujun_land::idle::{self, Cause, Idleness, NegotiatedOption};
use mujun_store::land_cases::{self, CaseRow, CaseStep};
use mujun_store::land_projects;
use mujun_store::{Scope, StoreError};
use serde_json::json;

use super::assess::assess;
use super::projects::{CaseIndex, ProjectView, project_view};
use super::{LandRights, today, yuan};
use crate::audit::{Who, write};
use crate::evaluation::format::number;
use crate::{Actor, App, AppError};

/// A case state in words (the last step).
pub fn status_label(status: &str) -> &'static str {
    match Step::parse(status) {
        Some(Step::Closing) => "已结案",
        Some(Step::Dismissal) => "已撤销",
        Some(Step::Rectified) => "已整改",
        Some(Step::ExitDecision) => "已决定退出",
        Some(s) => s.label(),
        None => "新立案",
    }
}

/// A step as typed (all text, plus the case version read).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct StepForm {
    /// The case version the form was read at (0 when opening).
    pub version: i64,
    /// Step id.
    pub step: String,
    /// 文号.
    pub doc_no: String,
    /// 签发日期 (empty: today).
    pub issued_on: String,
    /// 送达日期.
    pub served_on: String,
    /// 期限 (rectification and agreed disposals; other deadlines follow the rules).
    pub deadline: String,
    /// 说明.
    pub note: String,
    /// Cause id (认定).
    pub cause: String,
    /// Evidence of the cause.
    pub cause_evidence: String,
    /// Negotiated option id.
    pub option: String,
}

/// A step as pages show it.
#[derive(Clone, Debug, PartialEq)]
pub struct StepView {
    /// Id.
    pub id: i64,
    /// Step id.
    pub step: &'static str,
    /// In words.
    pub label: &'static str,
    /// The document it issued (empty when none).
    pub document: &'static str,
    /// 文号.
    pub doc_no: String,
    /// Issued.
    pub issued_on: String,
    /// Served.
    pub served_on: String,
    /// Deadline.
    pub deadline: String,
    /// Note.
    pub note: String,
}

/// A step the case may take next.
#[derive(Clone, Debug, PartialEq)]
pub struct NextStep {
    /// Id.
    pub id: &'static str,
    /// In words.
    pub label: &'static str,
    /// Its document (empty when none).
    pub document: &'static str,
    /// Asks for the cause.
    pub needs_cause: bool,
    /// Asks for the agreed option and its deadline.
    pub needs_option: bool,
    /// Asks for a deadline typed in (rectification).
    pub needs_deadline: bool,
}

/// A case as lists show it.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseView {
    /// Id.
    pub id: i64,
    /// 闲置土地处置 / 项目退出.
    pub kind: &'static str,
    /// Kind id.
    pub kind_id: &'static str,
    /// The contract.
    pub contract_id: i64,
    /// Contract number.
    pub contract_no: String,
    /// Project.
    pub project_name: String,
    /// Parcel number.
    pub certificate_no: String,
    /// Area (亩).
    pub area_mu: f64,
    /// Holder.
    pub enterprise_id: i64,
    /// Holder's name.
    pub enterprise_name: String,
    /// County.
    pub county: String,
    /// Cluster.
    pub cluster: String,
    /// State in words.
    pub status: &'static str,
    /// The state's step id (empty for a case without steps).
    pub status_id: &'static str,
    /// The finding that opened it.
    pub finding: String,
    /// The cause found, in words.
    pub cause: String,
    /// The agreed option, in words.
    pub option: String,
    /// The fee decided (元).
    pub fee: String,
    /// The open deadline.
    pub deadline: String,
    /// The deadline has passed and the case is open.
    pub overdue: bool,
    /// Over.
    pub closed: bool,
    /// The linked case.
    pub linked_case_id: Option<i64>,
    /// Version (for the next step).
    pub version: i64,
}

/// One case with its steps and what may follow.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseDetail {
    /// The case.
    pub case: CaseView,
    /// Its steps in order.
    pub steps: Vec<StepView>,
    /// The steps the caller may take next (empty when it may not act or the case is over).
    pub next: Vec<NextStep>,
    /// The causes to choose from (id, words).
    pub causes: Vec<(&'static str, String)>,
    /// The options to choose from (id, words).
    pub options: Vec<(&'static str, &'static str)>,
    /// What the rules find today.
    pub finding_today: String,
    /// The fee a decision would set (元).
    pub fee_preview: String,
}

/// A row of the public list of idle land.
#[derive(Clone, Debug, PartialEq)]
pub struct PublicIdleRow {
    /// Parcel number.
    pub certificate_no: String,
    /// Location.
    pub location: String,
    /// Area (亩).
    pub area_mu: String,
    /// Holder.
    pub holder: String,
    /// The finding.
    pub finding: String,
    /// The cause (a government cause is published with its reason, art. 10).
    pub cause: String,
    /// 认定 date.
    pub identified_on: String,
    /// State.
    pub status: &'static str,
}

fn step_view(s: &CaseStep) -> StepView {
    let step = Step::parse(&s.step);
    StepView {
        id: s.id,
        step: step.map_or("", Step::id),
        label: step.map_or("未知", Step::label),
        document: step.and_then(Step::document).unwrap_or(""),
        doc_no: s.doc_no.clone(),
        issued_on: s.issued_on.clone(),
        served_on: s.served_on.clone().unwrap_or_default(),
        deadline: s.deadline.clone().unwrap_or_default(),
        note: s.note.clone(),
    }
}

fn case_view(r: &CaseRow, names: &super::projects::Names, today: Date) -> CaseView {
    let k = &r.case;
    let kind = CaseKind::parse(&k.kind).unwrap_or(CaseKind::Idle);
    let overdue = k.closed == 0
        && k.deadline
            .as_deref()
            .and_then(|d| Date::parse(d).ok())
            .is_some_and(|d| today > d);
    CaseView {
        id: k.id,
        kind: kind.label(),
        kind_id: kind.id(),
        contract_id: k.contract_id,
        contract_no: r.contract_no.clone(),
        project_name: r.project_name.clone(),
        certificate_no: r.certificate_no.clone(),
        area_mu: r.area_mu,
        enterprise_id: r.enterprise_id,
        enterprise_name: r.enterprise_name.clone(),
        county: names.county(&r.region_code),
        cluster: names.cluster(r.cluster_id),
        status: status_label(&k.status),
        status_id: Step::parse(&k.status).map_or("", Step::id),
        finding: k.finding.clone(),
        cause: k
            .cause
            .as_deref()
            .and_then(Cause::parse)
            .map(Cause::label)
            .unwrap_or_default(),
        option: k
            .negotiated_option
            .as_deref()
            .and_then(NegotiatedOption::parse)
            .map_or("", NegotiatedOption::label)
            .to_owned(),
        fee: k.fee_fen.map(yuan).unwrap_or_default(),
        deadline: k.deadline.clone().unwrap_or_default(),
        overdue,
        closed: k.closed == 1,
        linked_case_id: k.linked_case_id,
        version: k.version,
    }
}

/// A tally of exit cases per county or cluster.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExitTally {
    /// County or cluster name.
    pub name: String,
    /// In rectification or proposed (open).
    pub open: usize,
    /// Rectified.
    pub rectified: usize,
    /// Exit decided.
    pub exited: usize,
    /// Open past their deadline.
    pub overdue: usize,
}

/// The exit ledger: the cases tallied by county and by cluster.
pub fn exit_ledger(cases: &[CaseView]) -> (Vec<ExitTally>, Vec<ExitTally>) {
    let tally = |key: &dyn Fn(&CaseView) -> String| {
        let mut m: std::collections::BTreeMap<String, ExitTally> = std::collections::BTreeMap::new();
        for c in cases {
            let name = key(c);
            let t = m.entry(name.clone()).or_insert_with(|| ExitTally {
                name: if name.is_empty() {
                    "（未入集聚区）".to_owned()
                } else {
                    name
                },
                ..ExitTally::default()
            });
            match Step::parse(c.status_id) {
                Some(Step::Rectified) => t.rectified += 1,
                Some(Step::ExitDecision) => t.exited += 1,
                _ if !c.closed => t.open += 1,
                _ => {}
            }
            t.overdue += usize::from(c.overdue);
        }
        m.into_values().collect()
    };
    (tally(&|c| c.county.clone()), tally(&|c| c.cluster.clone()))
}

impl App {
    /// Projects idle under 53号令 today with no open idle case: the candidates to investigate.
    pub async fn idle_candidates(&self, actor: &Actor) -> Result<Vec<ProjectView>, AppError> {
        self.candidates(actor, CaseKind::Idle).await
    }

    /// Projects the exit rule finds today with no open exit case.
    pub async fn exit_candidates(&self, actor: &Actor) -> Result<Vec<ProjectView>, AppError> {
        self.candidates(actor, CaseKind::Exit).await
    }

    async fn candidates(&self, actor: &Actor, kind: CaseKind) -> Result<Vec<ProjectView>, AppError> {
        let rights = self.land_reader(actor, "land.view").await?;
        let loaded = self.load_projects(&rights).await?;
        let today = today();
        let mut out = Vec::new();
        for p in &loaded.projects {
            let id = p.contract.id;
            if loaded.cases.open(id, kind) {
                continue;
            }
            let history = loaded.history.get(&id).map_or(&[][..], Vec::as_slice);
            let a = assess(p, history, loaded.cases.government(id), false, today, &self.land);
            let found = match kind {
                CaseKind::Idle => a.idleness != Idleness::NotIdle,
                CaseKind::Exit => a.exit.is_candidate(),
            };
            if found {
                out.push(project_view(p, &a, &loaded.cases, &loaded.names, &self.land));
            }
        }
        Ok(out)
    }

    /// The cases of a kind the caller sees, open first, then by deadline.
    pub async fn land_cases(&self, actor: &Actor, kind: CaseKind) -> Result<Vec<CaseView>, AppError> {
        let rights = self.land_reader(actor, "land.view").await?;
        let names = self.names().await?;
        let mut c = self.store.read().await?;
        let rows = land_cases::cases(&mut c, kind.id(), &rights.scope).await?;
        let today = today();
        Ok(rows.iter().map(|r| case_view(r, &names, today)).collect())
    }

    pub(crate) async fn visible_case(
        &self,
        actor: &Actor,
        rights: &LandRights,
        case_id: i64,
    ) -> Result<CaseRow, AppError> {
        let mut c = self.store.read().await?;
        if let Some(r) = land_cases::case(&mut c, case_id, &rights.scope).await? {
            return Ok(r);
        }
        let exists = land_cases::case(&mut c, case_id, &Scope::All).await?.is_some();
        drop(c);
        if exists {
            Err(self
                .deny(
                    actor,
                    "land.case",
                    ("land_case", &case_id.to_string()),
                    "超出本账号的查看范围",
                )
                .await)
        } else {
            Err(AppError::NotFound("案件"))
        }
    }

    /// The idleness of a case's project today, and the fee a decision would set.
    pub(crate) async fn case_finding(
        &self,
        r: &CaseRow,
    ) -> Result<(Idleness, Option<i64>, Option<i64>), AppError> {
        let mut c = self.store.read().await?;
        let project = land_projects::project(&mut c, r.case.contract_id, &Scope::All)
            .await?
            .ok_or(AppError::NotFound("项目"))?;
        let history = land_projects::progress_of(&mut c, r.case.contract_id).await?;
        let government = r
            .case
            .cause
            .as_deref()
            .and_then(Cause::parse)
            .is_some_and(|c| matches!(c, Cause::Government(_)));
        let a = assess(&project, &history, government, false, today(), &self.land);
        let fee = idle::fee_fen(project.contract.price_fen, self.land.idle.fee_permille).ok();
        Ok((a.idleness, fee, Some(project.contract.price_fen)))
    }

    /// One case with its steps and the steps the caller may take next.
    pub async fn land_case(&self, actor: &Actor, case_id: i64) -> Result<CaseDetail, AppError> {
        let rights = self.land_reader(actor, "land.case").await?;
        let r = self.visible_case(actor, &rights, case_id).await?;
        let names = self.names().await?;
        let mut c = self.store.read().await?;
        let steps = land_cases::steps(&mut c, case_id).await?;
        drop(c);
        let kind = CaseKind::parse(&r.case.kind).unwrap_or(CaseKind::Idle);
        let (idleness, fee, _) = self.case_finding(&r).await?;
        let take_back = idleness.full_years() >= self.land.idle.take_back_after_years;
        let next = if rights.handles(kind) && r.case.closed == 0 {
            next_steps(
                kind,
                Step::parse(&r.case.status),
                r.case.cause.as_deref().and_then(Cause::parse),
                take_back,
            )
            .into_iter()
            .map(|s| NextStep {
                id: s.id(),
                label: s.label(),
                document: s.document().unwrap_or(""),
                needs_cause: s == Step::Identification,
                needs_option: s == Step::Negotiation,
                needs_deadline: matches!(s, Step::RectificationNotice | Step::Negotiation),
            })
            .collect()
        } else {
            Vec::new()
        };
        Ok(CaseDetail {
            case: case_view(&r, &names, today()),
            steps: steps.iter().map(step_view).collect(),
            next,
            causes: Cause::all().into_iter().map(|c| (c.id(), c.label())).collect(),
            options: NegotiatedOption::ALL
                .into_iter()
                .map(|o| (o.id(), o.label()))
                .collect(),
            finding_today: idleness.describe(),
            fee_preview: fee.map(yuan).unwrap_or_default(),
        })
    }

    /// Opens a case on a project with its first step (调查 for idle land, 限期整改 for exit).
    pub async fn open_land_case(
        &self,
        actor: &Actor,
        kind: CaseKind,
        contract_id: i64,
        form: &StepForm,
    ) -> Result<i64, AppError> {
        let rights = self.land_rights(actor).await?;
        let mut c = self.store.read().await?;
        let project = land_projects::project(&mut c, contract_id, &rights.scope).await?;
        let history = land_projects::progress_of(&mut c, contract_id).await?;
        let idle_rows = land_cases::cases(&mut c, CaseKind::Idle.id(), &Scope::All).await?;
        let exit_rows = land_cases::cases(&mut c, CaseKind::Exit.id(), &Scope::All).await?;
        drop(c);
        let Some(project) = project.filter(|_| rights.handles(kind)) else {
            return Err(self
                .deny(
                    actor,
                    "land.case_open",
                    ("land_contract", &contract_id.to_string()),
                    match kind {
                        CaseKind::Idle => "仅自然资源和规划部门或市级评价管理员可以办理闲置土地",
                        CaseKind::Exit => "仅市级评价管理员和项目所在县区、集聚区可以办理项目退出",
                    },
                )
                .await);
        };
        let index = CaseIndex::build(&idle_rows, &exit_rows);
        if index.open(contract_id, kind) {
            return Err(AppError::invalid("contract", "该项目已有未结案件"));
        }
        let a = assess(
            &project,
            &history,
            index.government(contract_id),
            false,
            today(),
            &self.land,
        );
        let finding = match kind {
            CaseKind::Idle if a.idleness != Idleness::NotIdle => a.idleness.describe(),
            CaseKind::Exit if a.exit.is_candidate() => a.exit.describe(),
            _ => return Err(AppError::invalid("contract", "按现有进展，该项目不符合立案条件")),
        };
        let linked = match kind {
            CaseKind::Idle => index.latest(contract_id, CaseKind::Exit),
            CaseKind::Exit => index.latest(contract_id, CaseKind::Idle),
        }
        .map(|l| l.id);
        let first = match kind {
            CaseKind::Idle => Step::Investigation,
            CaseKind::Exit => Step::RectificationNotice,
        };
        let step = self.check_case_step(form, first, None, project.contract.price_fen, None)?;
        let mut tx = self.store.begin().await?;
        let case_id =
            land_cases::insert_case(&mut tx, kind.id(), contract_id, &finding, Some(actor.user_id)).await?;
        let mut new = step.as_new();
        new.linked_case_id = linked;
        land_cases::add_step(&mut tx, case_id, 1, &new, Some(actor.user_id)).await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "land.case_open",
            ("land_case", &case_id.to_string()),
            json!({"kind": kind.label(), "contract_no": project.contract.contract_no, "finding": finding,
                   "step": first.label(), "doc_no": step.doc_no}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(case_id)
    }

    /// Takes the next step of a case.
    pub async fn advance_land_case(
        &self,
        actor: &Actor,
        case_id: i64,
        form: &StepForm,
    ) -> Result<(), AppError> {
        let rights = self.land_rights(actor).await?;
        let r = self.visible_case(actor, &rights, case_id).await?;
        let kind = CaseKind::parse(&r.case.kind).unwrap_or(CaseKind::Idle);
        if !rights.handles(kind) {
            return Err(self
                .deny(
                    actor,
                    "land.case_step",
                    ("land_case", &case_id.to_string()),
                    "不能办理该案件",
                )
                .await);
        }
        let (idleness, _, price) = self.case_finding(&r).await?;
        let step =
            Step::parse(form.step.trim()).ok_or_else(|| AppError::invalid("step", "请选择办理步骤"))?;
        let take_back = idleness.full_years() >= self.land.idle.take_back_after_years;
        let allowed = next_steps(
            kind,
            Step::parse(&r.case.status),
            r.case.cause.as_deref().and_then(Cause::parse),
            take_back,
        );
        if r.case.closed == 1 || !allowed.contains(&step) {
            return Err(AppError::invalid(
                "step",
                format!(
                    "案件处于“{}”，不能办理“{}”",
                    status_label(&r.case.status),
                    step.label()
                ),
            ));
        }
        let mut c = self.store.read().await?;
        let last_issued = land_cases::steps(&mut c, case_id)
            .await?
            .last()
            .and_then(|s| Date::parse(&s.issued_on).ok());
        drop(c);
        if step == Step::FeeDecision && idleness.full_years() < self.land.idle.fee_after_years {
            return Err(AppError::invalid(
                "step",
                format!(
                    "按现有进展，该宗土地{}，不能作出征缴闲置费决定",
                    idleness.describe()
                ),
            ));
        }
        if step == Step::ExitProposal {
            let due = r.case.deadline.as_deref().and_then(|d| Date::parse(d).ok());
            if due.is_none_or(|d| today() <= d) {
                return Err(AppError::invalid(
                    "step",
                    format!(
                        "整改期限（{}）尚未届满，不能提出强制退出建议",
                        r.case.deadline.clone().unwrap_or_default()
                    ),
                ));
            }
        }
        let checked = self.check_case_step(form, step, last_issued, price.unwrap_or(0), Some(idleness))?;
        let mut tx = self.store.begin().await?;
        land_cases::add_step(
            &mut tx,
            case_id,
            form.version,
            &checked.as_new(),
            Some(actor.user_id),
        )
        .await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "land.case_step",
            ("land_case", &case_id.to_string()),
            json!({"kind": kind.label(), "from": status_label(&r.case.status), "to": step.label(),
                   "doc_no": checked.doc_no, "cause": checked.cause.as_ref().map(|c| c.0.clone()),
                   "fee_fen": checked.fee_fen}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// The public list of idle land (53号令 art. 10): every parcel found idle whose disposal is
    /// not done. Open to everyone.
    pub async fn public_idle_land(&self) -> Result<Vec<PublicIdleRow>, AppError> {
        let mut c = self.store.read().await?;
        let rows = land_cases::cases(&mut c, CaseKind::Idle.id(), &Scope::All).await?;
        let identified: std::collections::HashMap<i64, String> =
            land_cases::step_dates(&mut c, Step::Identification.id())
                .await?
                .into_iter()
                .collect();
        let mut out = Vec::new();
        for r in rows
            .iter()
            .filter(|r| r.case.closed == 0 && Step::parse(&r.case.status).is_some_and(Step::public))
        {
            let identified_on = identified.get(&r.case.id).cloned().unwrap_or_default();
            out.push(PublicIdleRow {
                certificate_no: r.certificate_no.clone(),
                location: r.location.clone(),
                area_mu: number(r.area_mu, 2),
                holder: r.enterprise_name.clone(),
                finding: r.case.finding.clone(),
                cause: r
                    .case
                    .cause
                    .as_deref()
                    .and_then(Cause::parse)
                    .map(Cause::label)
                    .unwrap_or_default(),
                identified_on,
                status: status_label(&r.case.status),
            });
        }
        Ok(out)
    }
}
