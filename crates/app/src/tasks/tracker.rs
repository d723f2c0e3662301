//! The tracker's use cases: the whole table with each task's latest reports and overdue periods,
//! one task with its history, reporting (lead unit or co-operating unit, with an attachment),
//! the city's settings of a task, and loading the 附件 table.

use std::collections::HashMap;

use mujun_domain::Date;
use mujun_domain::workdays::WorkCalendar;
use mujun_store::plan_tasks::{self, NewReport, NewTask, Report, Task, Unit};
use mujun_store::{StoreError, departments};
use serde_json::json;

use super::period::{Cadence, Period, periods};
use super::table::{self, COUNTIES, DOCUMENT, HEADINGS, ROWS};
use super::{Relation, ReportStatus, TaskRights, relation, task_rights};
use crate::audit::{Who, write};
use crate::land::today;
use crate::{Actor, App, AppError, FieldError, Role};

/// Largest attachment accepted (bytes).
pub const MAX_ATTACHMENT: usize = 5 * 1024 * 1024;

/// The tracker's rules (configurable).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskRules {
    /// A period's report is due this many working days after the period ends.
    pub grace_working_days: u32,
    /// The cadence of tasks when the table is loaded.
    pub cadence: Cadence,
}

impl Default for TaskRules {
    fn default() -> Self {
        TaskRules {
            grace_working_days: 5,
            cadence: Cadence::Quarterly,
        }
    }
}

/// A report as shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportView {
    /// Id (for the attachment link).
    pub id: i64,
    /// Period id.
    pub period: String,
    /// Period label.
    pub period_label: String,
    /// The lead unit's report.
    pub lead: bool,
    /// Unit.
    pub unit: String,
    /// Status.
    pub status: ReportStatus,
    /// Text.
    pub body: String,
    /// Reported on.
    pub reported_on: String,
    /// Who.
    pub by: String,
    /// Attachment file name.
    pub attachment: Option<String>,
    /// Reported after the period's due date.
    pub late: bool,
}

/// A task as the table shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskView {
    /// Id.
    pub id: i64,
    /// Heading number.
    pub heading_no: i64,
    /// Heading.
    pub heading: String,
    /// Number under the heading.
    pub seq: i64,
    /// 专项工作.
    pub title: String,
    /// 牵头部门.
    pub lead_text: String,
    /// 配合部门.
    pub co_text: String,
    /// Cadence.
    pub cadence: Cadence,
    /// Marked done by the city.
    pub done: bool,
    /// Version.
    pub version: i64,
    /// The current period's label.
    pub current: String,
    /// The current period has a lead report.
    pub current_reported: bool,
    /// The lead units' latest report.
    pub latest: Option<ReportView>,
    /// The co-operating units' latest parts (one per unit).
    pub parts: Vec<ReportView>,
    /// Past periods whose lead report is missing after its due date: `(id, label)`.
    pub missing: Vec<(String, String)>,
    /// Lead units as named one by one (the city reports for one of them).
    pub lead_units: Vec<String>,
    /// Every report, newest first (detail only).
    pub reports: Vec<ReportView>,
}

/// Where a task stands in the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskState {
    /// Marked done by the city.
    Done,
    /// A past period's report is missing after its due day.
    Overdue,
    /// The latest report says behind schedule.
    Behind,
    /// Nothing reported yet.
    NotReported,
    /// On track.
    OnTrack,
}

impl TaskState {
    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            TaskState::Done => "已完成",
            TaskState::Overdue => "逾期未报",
            TaskState::Behind => "进度滞后",
            TaskState::NotReported => "尚未报送",
            TaskState::OnTrack => "正常推进",
        }
    }

    /// Needs attention (overdue or behind).
    pub fn flagged(self) -> bool {
        matches!(self, TaskState::Overdue | TaskState::Behind)
    }

    /// Done.
    pub fn done(self) -> bool {
        self == TaskState::Done
    }
}

impl TaskView {
    /// Where the task stands.
    pub fn state(&self) -> TaskState {
        if self.done {
            TaskState::Done
        } else if !self.missing.is_empty() {
            TaskState::Overdue
        } else if self
            .latest
            .as_ref()
            .is_some_and(|r| r.status == ReportStatus::Behind)
        {
            TaskState::Behind
        } else if self.latest.is_none() {
            TaskState::NotReported
        } else {
            TaskState::OnTrack
        }
    }
}

/// The whole table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tracker {
    /// The plan's document.
    pub document: &'static str,
    /// Headings with their tasks, in order.
    pub sections: Vec<(String, Vec<TaskView>)>,
    /// What the caller may do.
    pub rights: TaskRights,
    /// The due rule in words.
    pub due_rule: String,
    /// Tasks with a missing report.
    pub overdue: usize,
    /// Tasks reported behind schedule.
    pub behind: usize,
    /// Tasks in all.
    pub total: usize,
}

/// One task's page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskPage {
    /// The task with its history.
    pub task: TaskView,
    /// How the caller stands to it.
    pub relation: Relation,
    /// The periods one may report for: `(id, label)`, the missing ones and the current one.
    pub open_periods: Vec<(String, String)>,
    /// The caller manages the table.
    pub manages: bool,
}

/// A report as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct ReportForm {
    /// Period id (empty: the current period).
    pub period: String,
    /// Status id or label.
    pub status: String,
    /// What was done.
    pub body: String,
    /// The city: which lead unit it reports for (empty: the first).
    pub unit: String,
}

/// The city's settings of a task.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct TaskSettingsForm {
    /// The version read.
    pub version: i64,
    /// Cadence id or label.
    pub cadence: String,
    /// Done: `1` / `on`.
    pub done: String,
}

struct Context {
    today: Date,
    calendar: WorkCalendar,
    grace: u32,
}

fn report_view(r: Report, cadence: Cadence, ctx: &Context) -> ReportView {
    let period = cadence.parse_period(&r.period);
    let late = match (period, Date::parse(&r.reported_on)) {
        (Some(p), Ok(on)) => on > p.due(ctx.grace, &ctx.calendar),
        _ => false,
    };
    ReportView {
        id: r.id,
        period_label: period.map_or_else(|| r.period.clone(), Period::label),
        period: r.period,
        lead: r.lead == 1,
        unit: r.unit,
        status: ReportStatus::parse(&r.status).unwrap_or(ReportStatus::OnTrack),
        body: r.body,
        reported_on: r.reported_on,
        by: r.by_name.unwrap_or_default(),
        attachment: r.attachment_name,
        late,
    }
}

fn task_view(t: Task, units: &[Unit], reports: Vec<Report>, ctx: &Context) -> TaskView {
    let cadence = Cadence::parse(&t.period).unwrap_or(Cadence::Quarterly);
    let current = cadence.of(ctx.today);
    let reports: Vec<ReportView> = reports
        .into_iter()
        .map(|r| report_view(r, cadence, ctx))
        .collect();
    let reported: std::collections::HashSet<&str> = reports
        .iter()
        .filter(|r| r.lead)
        .map(|r| r.period.as_str())
        .collect();
    let from = Date::parse(&t.tracking_from).unwrap_or(ctx.today);
    let missing = if t.done == 1 {
        Vec::new()
    } else {
        periods(cadence, from, ctx.today)
            .into_iter()
            .filter(|p| p.due(ctx.grace, &ctx.calendar) < ctx.today && !reported.contains(p.id().as_str()))
            .map(|p| (p.id(), p.label()))
            .collect()
    };
    let latest = reports.iter().rev().find(|r| r.lead).cloned();
    let mut parts: Vec<ReportView> = Vec::new();
    for r in reports.iter().rev().filter(|r| !r.lead) {
        if !parts.iter().any(|p| p.unit == r.unit) {
            parts.push(r.clone());
        }
    }
    let current_reported = reported.contains(current.id().as_str());
    let mut reports = reports;
    reports.reverse();
    TaskView {
        id: t.id,
        heading_no: t.heading_no,
        heading: t.heading,
        seq: t.seq,
        title: t.title,
        lead_text: t.lead_text,
        co_text: t.co_text,
        cadence,
        done: t.done == 1,
        version: t.version,
        current: current.label(),
        current_reported,
        latest,
        parts,
        missing,
        lead_units: units
            .iter()
            .filter(|u| u.lead == 1)
            .map(|u| u.name.clone())
            .collect(),
        reports,
    }
}

impl App {
    async fn task_context(&self) -> Result<Context, AppError> {
        Ok(Context {
            today: today(),
            calendar: self.work_calendar().await?,
            grace: self.tasks.grace_working_days,
        })
    }

    async fn task_reader(&self, actor: &Actor, object: &str) -> Result<TaskRights, AppError> {
        let rights = task_rights(actor);
        if !rights.reads {
            return Err(self
                .deny(actor, "tasks.view", ("plan_task", object), "不能查看重点任务")
                .await);
        }
        Ok(rights)
    }

    /// The rules of the tracker in force.
    pub fn task_rules(&self) -> &TaskRules {
        &self.tasks
    }

    /// Sets the rules of the tracker.
    pub fn with_task_rules(mut self, rules: TaskRules) -> App {
        self.tasks = rules;
        self
    }

    /// The whole table with each task's state.
    pub async fn plan_tasks(&self, actor: &Actor) -> Result<Tracker, AppError> {
        let rights = self.task_reader(actor, "").await?;
        let ctx = self.task_context().await?;
        let mut c = self.store.read().await?;
        let tasks = plan_tasks::list(&mut c).await?;
        let mut units: HashMap<i64, Vec<Unit>> = HashMap::new();
        for u in plan_tasks::units(&mut c).await? {
            units.entry(u.task_id).or_default().push(u);
        }
        let mut reports: HashMap<i64, Vec<Report>> = HashMap::new();
        for r in plan_tasks::reports(&mut c, None).await? {
            reports.entry(r.task_id).or_default().push(r);
        }
        drop(c);
        let mut sections: Vec<(String, Vec<TaskView>)> = Vec::new();
        for t in tasks {
            let id = t.id;
            let v = task_view(
                t,
                units.get(&id).map_or(&[][..], Vec::as_slice),
                reports.remove(&id).unwrap_or_default(),
                &ctx,
            );
            match sections.last_mut() {
                Some((h, list)) if *h == v.heading => list.push(v),
                _ => sections.push((v.heading.clone(), vec![v])),
            }
        }
        let all = sections.iter().flat_map(|(_, l)| l);
        let overdue = all.clone().filter(|t| !t.done && !t.missing.is_empty()).count();
        let behind = all.clone().filter(|t| t.state() == TaskState::Behind).count();
        let total = all.count();
        Ok(Tracker {
            document: DOCUMENT,
            sections,
            rights,
            due_rule: format!(
                "牵头单位每期结束后 {} 个工作日内报送进展（按节假日安排计算），逾期未报的期次标红",
                self.tasks.grace_working_days
            ),
            overdue,
            behind,
            total,
        })
    }

    /// One task with its history and what the caller may report.
    pub async fn plan_task(&self, actor: &Actor, id: i64) -> Result<TaskPage, AppError> {
        let rights = self.task_reader(actor, &id.to_string()).await?;
        let ctx = self.task_context().await?;
        let mut c = self.store.read().await?;
        let Some(t) = plan_tasks::get(&mut c, id).await? else {
            return Err(AppError::NotFound("重点任务"));
        };
        let units: Vec<Unit> = plan_tasks::units(&mut c)
            .await?
            .into_iter()
            .filter(|u| u.task_id == id)
            .collect();
        let reports = plan_tasks::reports(&mut c, Some(id)).await?;
        drop(c);
        let relation = if t.done == 1 {
            Relation::default()
        } else {
            relation(actor, &units)
        };
        let task = task_view(t, &units, reports, &ctx);
        let cadence = task.cadence;
        let current = cadence.of(ctx.today);
        let mut open_periods: Vec<(String, String)> = Vec::new();
        if relation.lead {
            open_periods.extend(task.missing.iter().cloned());
        }
        open_periods.push((current.id(), current.label()));
        Ok(TaskPage {
            task,
            relation,
            open_periods,
            manages: rights.manages,
        })
    }

    /// Records a report on a task: the lead unit's for a period (a missing past one or the
    /// current), or a co-operating unit's part.
    pub async fn report_task(
        &self,
        actor: &Actor,
        id: i64,
        form: &ReportForm,
        attachment: Option<(&str, &[u8])>,
    ) -> Result<i64, AppError> {
        let page = self.plan_task(actor, id).await?;
        let rel = page.relation;
        if !rel.lead && !rel.co {
            return Err(self
                .deny(
                    actor,
                    "tasks.report",
                    ("plan_task", &id.to_string()),
                    "不是该任务的牵头或配合单位",
                )
                .await);
        }
        let mut problems = Vec::new();
        let period = if form.period.trim().is_empty() {
            page.open_periods.last().map(|p| p.0.clone())
        } else {
            page.open_periods
                .iter()
                .find(|p| p.0 == form.period.trim())
                .map(|p| p.0.clone())
        };
        if period.is_none() {
            problems.push(FieldError {
                field: "period",
                message: format!(
                    "报送期次“{}”无效：只能报送本期或逾期未报的期次",
                    form.period.trim()
                ),
            });
        }
        let status = ReportStatus::parse(form.status.trim());
        if status.is_none() {
            problems.push(FieldError {
                field: "status",
                message: format!(
                    "进展情况“{}”无效，应为按计划推进、进度滞后或已完成",
                    form.status.trim()
                ),
            });
        }
        let body = form.body.trim();
        if body.is_empty() || body.chars().count() > 5000 {
            problems.push(FieldError {
                field: "body",
                message: "请写明本期工作进展（不超过 5000 字）".to_owned(),
            });
        }
        if let Some((name, bytes)) = attachment
            && !bytes.is_empty()
            && (bytes.len() > MAX_ATTACHMENT || name.trim().is_empty())
        {
            problems.push(FieldError {
                field: "file",
                message: format!("附件“{}”不能超过 5 MB，且须有文件名", name.trim()),
            });
        }
        // The unit the report is from.
        let mut c = self.store.read().await?;
        let (unit, department_id, region_code) = match actor.role {
            Role::CityAdmin => {
                let chosen = form.unit.trim();
                let unit = if chosen.is_empty() {
                    page.task
                        .lead_units
                        .iter()
                        .find(|u| table::department_code(u) == Some("development"))
                        .or(page.task.lead_units.first())
                        .cloned()
                } else {
                    page.task.lead_units.iter().find(|u| *u == chosen).cloned()
                };
                match unit {
                    Some(u) => (u, None, None),
                    None => {
                        problems.push(FieldError {
                            field: "unit",
                            message: format!("“{chosen}”不是该任务的牵头单位"),
                        });
                        (String::new(), None, None)
                    }
                }
            }
            Role::County => {
                let code = actor.region_code.clone().unwrap_or_default();
                let name = mujun_store::regions::list_all(&mut c)
                    .await?
                    .into_iter()
                    .find(|r| r.code == code)
                    .map_or_else(|| code.clone(), |r| r.name);
                (format!("{name}人民政府"), None, Some(code))
            }
            _ => {
                let dept = match actor.department_id {
                    Some(d) => departments::get(&mut c, d).await?,
                    None => None,
                };
                (
                    dept.map(|d| d.name).unwrap_or_default(),
                    actor.department_id,
                    None,
                )
            }
        };
        drop(c);
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let (Some(period), Some(status)) = (period, status) else {
            return Err(AppError::Invalid(problems));
        };
        let reported_on = today().to_string();
        let attachment = attachment
            .filter(|(_, b)| !b.is_empty())
            .map(|(n, b)| (n.trim(), b));
        let mut tx = self.store.begin().await?;
        let report = plan_tasks::add_report(
            &mut tx,
            &NewReport {
                task_id: id,
                period: &period,
                lead: rel.lead,
                unit: &unit,
                department_id,
                region_code: region_code.as_deref(),
                status: status.id(),
                body,
                reported_on: &reported_on,
                attachment,
            },
            Some(actor.user_id),
        )
        .await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "tasks.report",
            ("plan_task", &id.to_string()),
            json!({"task": page.task.title, "period": period, "lead": rel.lead, "unit": unit,
                   "status": status.label(), "attachment": attachment.map(|a| a.0)}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(report)
    }

    /// The city sets a task's cadence (tracking restarts from the current period when it
    /// changes, so that no period of the old cadence counts as missing) and whether it is done.
    pub async fn set_plan_task(
        &self,
        actor: &Actor,
        id: i64,
        form: &TaskSettingsForm,
    ) -> Result<(), AppError> {
        let page = self.plan_task(actor, id).await?;
        if !page.manages {
            return Err(self
                .deny(
                    actor,
                    "tasks.settings",
                    ("plan_task", &id.to_string()),
                    "不能修改重点任务",
                )
                .await);
        }
        let Some(cadence) = Cadence::parse(form.cadence.trim()) else {
            return Err(AppError::invalid(
                "cadence",
                format!("报送周期“{}”无效，应为每月或每季度", form.cadence.trim()),
            ));
        };
        let done = matches!(form.done.trim(), "1" | "on" | "true" | "是");
        let mut tx = self.store.begin().await?;
        plan_tasks::set_settings(&mut tx, id, form.version, cadence.id(), done).await?;
        if cadence != page.task.cadence {
            let from = cadence.of(today()).first_day().to_string();
            plan_tasks::restart_tracking(&mut tx, id, &from).await?;
        }
        write(
            &mut tx,
            Who::Actor(actor),
            "tasks.settings",
            ("plan_task", &id.to_string()),
            json!({"task": page.task.title, "cadence": cadence.label(), "done": done,
                   "cadence_before": page.task.cadence.label(), "done_before": page.task.done}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Loads the 附件 table (the city, once: a table already loaded is left alone). Tracking
    /// starts with the current period. Returns the number of tasks loaded.
    pub async fn load_plan_tasks(&self, actor: &Actor) -> Result<usize, AppError> {
        if !task_rights(actor).manages {
            return Err(self
                .deny(actor, "tasks.load", ("plan_task", ""), "不能载入重点任务表")
                .await);
        }
        let n = self.preload_plan_tasks(today(), Some(actor)).await?;
        if n == 0 {
            return Err(AppError::invalid("table", "重点任务表已载入"));
        }
        Ok(n)
    }

    /// Loads the table when it is empty ([`App::load_plan_tasks`]), tracking from the period of
    /// `from`; returns the number of tasks loaded (0 when already there).
    pub(crate) async fn preload_plan_tasks(
        &self,
        from: Date,
        actor: Option<&Actor>,
    ) -> Result<usize, AppError> {
        let mut tx = self.store.begin().await?;
        let n = preload(&mut tx, self.tasks.cadence, from).await?;
        if n == 0 {
            return Ok(0);
        }
        let who = actor.map_or(Who::Cli, Who::Actor);
        write(
            &mut tx,
            who,
            "tasks.load",
            ("plan_task", ""),
            json!({"document": DOCUMENT, "tasks": n, "cadence": self.tasks.cadence.label(),
                   "tracking_from": self.tasks.cadence.of(from).first_day().to_string()}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(n)
    }

    /// A report's attachment, for whoever may read the tracker: `(name, bytes)`. Audited.
    pub async fn task_attachment(
        &self,
        actor: &Actor,
        report_id: i64,
    ) -> Result<(String, Vec<u8>), AppError> {
        self.task_reader(actor, "").await?;
        let mut c = self.store.read().await?;
        let file = plan_tasks::attachment(&mut c, report_id).await?;
        drop(c);
        let Some((task, name, bytes)) = file else {
            return Err(AppError::NotFound("附件"));
        };
        let mut tx = self.store.begin().await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "tasks.attachment",
            ("plan_task", &task.to_string()),
            json!({"report": report_id, "name": name, "bytes": bytes.len()}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok((name, bytes))
    }
}

/// Loads the 附件 table into an empty tracker, tracking from the period of `from`; returns the
/// number of tasks loaded (0 when the table is already there).
pub(crate) async fn preload(
    conn: &mut sqlx::AnyConnection,
    cadence: Cadence,
    from: Date,
) -> Result<usize, AppError> {
    let tracking_from = cadence.of(from).first_day().to_string();
    if !plan_tasks::list(conn).await?.is_empty() {
        return Ok(0);
    }
    let depts: HashMap<String, i64> = departments::list(conn)
        .await?
        .into_iter()
        .map(|d| (d.code, d.id))
        .collect();
    for row in ROWS {
        let units: Vec<plan_tasks::NewUnit<'_>> = row
            .leads
            .iter()
            .map(|u| (true, *u))
            .chain(row.cos.iter().map(|u| (false, *u)))
            .map(|(lead, u)| {
                let dept = table::department_code(u).and_then(|c| depts.get(c).copied());
                (lead, u, dept, u == COUNTIES)
            })
            .collect();
        plan_tasks::insert(
            conn,
            &NewTask {
                document: DOCUMENT,
                heading_no: i64::from(row.heading),
                heading: HEADINGS[usize::from(row.heading - 1)],
                seq: i64::from(row.seq),
                title: row.title,
                lead_text: row.lead_text,
                co_text: row.co_text,
                period: cadence.id(),
                tracking_from: &tracking_from,
            },
            &units,
        )
        .await?;
    }
    Ok(ROWS.len())
}
