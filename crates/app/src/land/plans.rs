//! Disposal plans of low-efficiency parcels (一宗一策): filing one for a flagged parcel (one open
//! plan a parcel, the area within the parcel's), reading one with its history, and recording
//! progress (the cumulative area disposed never shrinks nor passes the plan's).

use mujun_domain::Date;
use mujun_store::StoreError;
use mujun_store::disposal_plans::{self, NewPlan};
use serde_json::json;

use super::low::{Mode, PlanView, plan_view};
use super::today;
use crate::audit::{Who, write};
use crate::evaluation::format::number;
use crate::{Actor, App, AppError, FieldError};

/// A plan as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct PlanForm {
    /// The parcel.
    pub parcel_id: i64,
    /// Mode id or words.
    pub mode: String,
    /// 责任单位.
    pub responsible_unit: String,
    /// Deadline.
    pub deadline: String,
    /// Area to dispose (亩; empty: the whole parcel).
    pub area_mu: String,
}

/// Progress on a plan as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct DisposalForm {
    /// The plan version read.
    pub version: i64,
    /// Reported on (empty: today).
    pub reported_on: String,
    /// Cumulative area disposed (亩).
    pub area_disposed_mu: String,
    /// What was done.
    pub note: String,
    /// The plan is done: `1` / `on`.
    pub done: String,
}

impl App {
    /// Files a disposal plan for a flagged parcel (one open plan per parcel).
    pub async fn add_disposal_plan(&self, actor: &Actor, form: &PlanForm) -> Result<i64, AppError> {
        let rights = self.land_rights(actor).await?;
        if !rights.plans_disposal {
            return Err(self
                .deny(
                    actor,
                    "land.plan",
                    ("land_parcel", &form.parcel_id.to_string()),
                    "不能制定低效用地处置方案",
                )
                .await);
        }
        let ledger = self.low_efficiency(actor, None).await?;
        let Some(parcel) = ledger.parcels.iter().find(|p| p.parcel_id == form.parcel_id) else {
            return Err(AppError::invalid(
                "parcel_id",
                "该宗地不在本账号范围内的低效用地清单中",
            ));
        };
        if ledger
            .plans
            .iter()
            .any(|p| p.parcel_id == form.parcel_id && !p.done)
        {
            return Err(AppError::invalid("parcel_id", "该宗地已有未完成的处置方案"));
        }
        let mut problems = Vec::new();
        let mode = Mode::parse(form.mode.trim());
        if mode.is_none() {
            problems.push(FieldError {
                field: "mode",
                message: format!("处置方式“{}”无效", form.mode.trim()),
            });
        }
        if form.responsible_unit.trim().is_empty() {
            problems.push(FieldError {
                field: "responsible_unit",
                message: "请填写责任单位".to_owned(),
            });
        }
        let deadline = Date::parse(form.deadline.trim()).ok().filter(|d| *d > today());
        if deadline.is_none() {
            problems.push(FieldError {
                field: "deadline",
                message: format!("完成期限“{}”应为今天之后的日期", form.deadline.trim()),
            });
        }
        let area = match mujun_domain::number::parse_number(&form.area_mu) {
            Ok(None) => parcel.area_mu,
            Ok(Some(a)) if a > 0.0 && a <= parcel.area_mu * (1.0 + 1e-9) => a,
            _ => {
                problems.push(FieldError {
                    field: "area_mu",
                    message: format!(
                        "处置面积“{}”应大于 0 且不超过宗地面积 {} 亩",
                        form.area_mu.trim(),
                        number(parcel.area_mu, 2)
                    ),
                });
                0.0
            }
        };
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let (Some(mode), Some(deadline)) = (mode, deadline) else {
            return Err(AppError::Invalid(problems));
        };
        let deadline = deadline.to_string();
        let finding = parcel.findings.join("；");
        let mut tx = self.store.begin().await?;
        let id = disposal_plans::insert(
            &mut tx,
            &NewPlan {
                parcel_id: parcel.parcel_id,
                low_kind: parcel.kind_id,
                finding: &finding,
                mode: mode.id(),
                responsible_unit: form.responsible_unit.trim(),
                deadline: &deadline,
                area_mu: area,
            },
            Some(actor.user_id),
        )
        .await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "land.plan",
            ("disposal_plan", &id.to_string()),
            json!({"certificate_no": parcel.certificate_no, "kind": parcel.kind, "mode": mode.label(),
                   "deadline": deadline, "area_mu": area}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(id)
    }

    /// One plan with its progress history.
    pub async fn disposal_plan(&self, actor: &Actor, plan_id: i64) -> Result<PlanView, AppError> {
        let rights = self.land_reader(actor, "land.view").await?;
        let names = self.names().await?;
        let mut c = self.store.read().await?;
        let Some(p) = disposal_plans::plan(&mut c, plan_id, &rights.scope).await? else {
            let exists = disposal_plans::plan(&mut c, plan_id, &mujun_store::Scope::All)
                .await?
                .is_some();
            drop(c);
            return Err(if exists {
                self.deny(
                    actor,
                    "land.view",
                    ("disposal_plan", &plan_id.to_string()),
                    "超出本账号的查看范围",
                )
                .await
            } else {
                AppError::NotFound("处置方案")
            });
        };
        let history = disposal_plans::progress(&mut c, plan_id).await?;
        let mut v = plan_view(&p, &names, today());
        v.history = history
            .into_iter()
            .map(|(d, a, n)| (d, number(a, 2), n))
            .collect();
        Ok(v)
    }

    /// Records progress on a plan: the cumulative area disposed (never more than the plan's area,
    /// never less than before) and what was done.
    pub async fn report_disposal(
        &self,
        actor: &Actor,
        plan_id: i64,
        form: &DisposalForm,
    ) -> Result<(), AppError> {
        let rights = self.land_rights(actor).await?;
        let plan = self.disposal_plan(actor, plan_id).await?;
        if !rights.plans_disposal {
            return Err(self
                .deny(
                    actor,
                    "land.plan_progress",
                    ("disposal_plan", &plan_id.to_string()),
                    "不能填报处置进展",
                )
                .await);
        }
        if plan.done {
            return Err(AppError::invalid("plan", "该处置方案已完成"));
        }
        let mut problems = Vec::new();
        let area = match mujun_domain::number::parse_number(&form.area_disposed_mu) {
            Ok(Some(a)) if a >= plan.area_disposed_mu && a <= plan.area_mu * (1.0 + 1e-9) => a,
            _ => {
                problems.push(FieldError {
                    field: "area_disposed_mu",
                    message: format!(
                        "累计处置面积“{}”应在 {} 至 {} 亩之间（不少于已处置面积，不超过方案面积）",
                        form.area_disposed_mu.trim(),
                        number(plan.area_disposed_mu, 2),
                        number(plan.area_mu, 2)
                    ),
                });
                0.0
            }
        };
        if form.note.trim().is_empty() {
            problems.push(FieldError {
                field: "note",
                message: "请写明处置进展".to_owned(),
            });
        }
        let reported = match form.reported_on.trim() {
            "" => today(),
            t => match Date::parse(t) {
                Ok(d) if d <= today() => d,
                _ => {
                    problems.push(FieldError {
                        field: "reported_on",
                        message: format!("填报日期“{t}”应为不晚于今天的日期"),
                    });
                    today()
                }
            },
        };
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let done = matches!(form.done.trim(), "1" | "on" | "true" | "是");
        let reported = reported.to_string();
        let mut tx = self.store.begin().await?;
        disposal_plans::add_progress(
            &mut tx,
            plan_id,
            form.version,
            &reported,
            area,
            form.note.trim(),
            done,
            Some(actor.user_id),
        )
        .await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "land.plan_progress",
            ("disposal_plan", &plan_id.to_string()),
            json!({"certificate_no": plan.certificate_no, "from": plan.area_disposed_mu, "to": area, "done": done}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }
}
