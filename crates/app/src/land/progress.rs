//! Progress reports of projects: stage, dates, area, floor area, cumulative investment and an
//! attachment, checked for consistency (stage and dates, investment never shrinking). Reports
//! are history: a new one never replaces an earlier one.

use mujun_domain::Date;
use mujun_store::StoreError;
use mujun_store::land_projects::{self, NewProgress, Progress};
use serde_json::json;

use super::assess::Stage;
use super::today;
use crate::audit::{Who, write};
use crate::evaluation::format::number;
use crate::{Actor, App, AppError, FieldError};

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

pub(crate) fn progress_view(p: &Progress) -> ProgressView {
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

impl App {
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
