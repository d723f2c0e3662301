//! The steps of a run after evaluation — 公示, review, manual adjustment (调档), approval and
//! publication — each a use case with its permission check and audit entry. Illegal steps are
//! refused by the state machine in `state.rs`.

use mujun_domain::Date;
use mujun_store::StoreError;
use mujun_store::runs::{self, Run};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::state::{RunState, Step, next};
use crate::audit::{Who, write};
use crate::{Actor, App, AppError};

impl App {
    /// Loads a run for a workflow step of the city administrator, refusing (audited) anyone else.
    async fn run_for_step(&self, actor: &Actor, id: i64, step: Step) -> Result<(Run, RunState), AppError> {
        if !Self::runs_evaluations(actor) {
            return Err(self
                .deny(
                    actor,
                    "run.step",
                    ("evaluation_run", &id.to_string()),
                    &format!("仅市级评价管理员可以{}", step.label()),
                )
                .await);
        }
        let mut c = self.store.read().await?;
        let run = runs::get(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("评价批次"))?;
        let state = RunState::parse(&run.state).unwrap_or(RunState::Failed);
        Ok((run, state))
    }

    /// The state `step` leads to, or a refusal written to the audit trail.
    async fn check_step(
        &self,
        actor: &Actor,
        run: &Run,
        state: RunState,
        step: Step,
    ) -> Result<RunState, AppError> {
        match next(state, step, run.previous_run_id.is_some()) {
            Ok(to) => Ok(to),
            Err(why) => {
                let mut tx = self.store.begin().await?;
                write(
                    &mut tx,
                    Who::Actor(actor),
                    "run.step",
                    ("evaluation_run", &run.id.to_string()),
                    json!({"step": step.label(), "from": state.id(), "reason": why}),
                    "failed",
                )
                .await?;
                tx.commit().await.map_err(StoreError::from)?;
                Err(AppError::invalid("state", why))
            }
        }
    }

    /// Applies a step: checks the transition, moves the run and writes the audit entry.
    async fn apply_step(
        &self,
        actor: &Actor,
        run: &Run,
        state: RunState,
        step: Step,
        detail: serde_json::Value,
    ) -> Result<RunState, AppError> {
        let to = self.check_step(actor, run, state, step).await?;
        let mut tx = self.store.begin().await?;
        runs::transition(&mut tx, run.id, state.id(), to.id()).await?;
        let mut detail = detail;
        detail["from"] = json!(state.id());
        detail["to"] = json!(to.id());
        write(
            &mut tx,
            Who::Actor(actor),
            "run.step",
            ("evaluation_run", &run.id.to_string()),
            detail,
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(to)
    }

    /// Starts the public notice (公示) from `start` to `end` inclusive (`YYYY-MM-DD`).
    pub async fn start_notice(&self, actor: &Actor, id: i64, start: &str, end: &str) -> Result<(), AppError> {
        let (run, state) = self.run_for_step(actor, id, Step::StartNotice).await?;
        let s = Date::parse(start.trim()).map_err(|_| {
            AppError::invalid(
                "notice_start",
                format!("公示开始日期“{start}”无效，应为 YYYY-MM-DD"),
            )
        })?;
        let e = Date::parse(end.trim()).map_err(|_| {
            AppError::invalid("notice_end", format!("公示结束日期“{end}”无效，应为 YYYY-MM-DD"))
        })?;
        if e < s {
            return Err(AppError::invalid("notice_end", "公示结束日期不能早于开始日期"));
        }
        let to = self.check_step(actor, &run, state, Step::StartNotice).await?;
        let mut tx = self.store.begin().await?;
        runs::transition(&mut tx, id, state.id(), to.id()).await?;
        runs::set_notice(&mut tx, id, &s.to_string(), &e.to_string()).await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "run.step",
            ("evaluation_run", &id.to_string()),
            json!({"step": "notice", "from": state.id(), "to": to.id(), "notice_start": s.to_string(), "notice_end": e.to_string()}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Ends the public notice: the run goes to review.
    pub async fn end_notice(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        let (run, state) = self.run_for_step(actor, id, Step::EndNotice).await?;
        self.apply_step(actor, &run, state, Step::EndNotice, json!({"step": "end_notice"}))
            .await?;
        Ok(())
    }

    /// A re-run goes to review without a second notice.
    pub async fn skip_notice(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        let (run, state) = self.run_for_step(actor, id, Step::SkipNotice).await?;
        self.apply_step(
            actor,
            &run,
            state,
            Step::SkipNotice,
            json!({"step": "skip_notice"}),
        )
        .await?;
        Ok(())
    }

    /// Final approval; refused while objections of this run (or the runs it re-runs) are open.
    pub async fn approve_run(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        let (run, state) = self.run_for_step(actor, id, Step::Approve).await?;
        let open = self.open_objections_in_chain(&run).await?;
        let to = self.check_step(actor, &run, state, Step::Approve).await?;
        if open > 0 {
            return Err(AppError::invalid(
                "objections",
                format!("还有 {open} 件异议未处理，不能审定"),
            ));
        }
        let mut tx = self.store.begin().await?;
        runs::transition(&mut tx, id, state.id(), to.id()).await?;
        runs::set_approved(&mut tx, id, actor.user_id).await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "run.step",
            ("evaluation_run", &id.to_string()),
            json!({"step": "approve", "from": state.id(), "to": to.id()}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Sends an approved run back to review.
    pub async fn reopen_run(&self, actor: &Actor, id: i64, reason: &str) -> Result<(), AppError> {
        if reason.trim().is_empty() {
            return Err(AppError::invalid("reason", "请填写退回原因"));
        }
        let (run, state) = self.run_for_step(actor, id, Step::Reopen).await?;
        self.apply_step(
            actor,
            &run,
            state,
            Step::Reopen,
            json!({"step": "reopen", "reason": reason.trim()}),
        )
        .await?;
        Ok(())
    }

    /// Publishes an approved run: final and immutable. Every enterprise's class for the year
    /// becomes the run's final class, and the SHA-256 of the published content goes into the run
    /// and the audit trail. Returns the content hash.
    /// `confirmed` is the officer's explicit confirmation (publication cannot be undone).
    pub async fn publish_run(&self, actor: &Actor, id: i64, confirmed: bool) -> Result<String, AppError> {
        let (run, state) = self.run_for_step(actor, id, Step::Publish).await?;
        let to = self.check_step(actor, &run, state, Step::Publish).await?;
        if !confirmed {
            return Err(AppError::invalid(
                "confirm",
                "请勾选“确认发布”：发布后评价结果不可更改",
            ));
        }
        let mut tx = self.store.begin().await?;
        if let Some(other) = runs::published_for_year(&mut tx, run.year).await? {
            return Err(AppError::invalid(
                "year",
                format!(
                    "{} 年度已发布评价批次 #{}，同一年度只能发布一次",
                    run.year, other.id
                ),
            ));
        }
        let results = runs::results(&mut tx, id).await?;
        let inputs = runs::inputs(&mut tx, id).await?;
        let hash = content_hash(&run, &inputs, &results);
        runs::transition(&mut tx, id, state.id(), to.id()).await?;
        runs::set_published(&mut tx, id, &hash).await?;
        runs::publish_classes(&mut tx, id, run.year, &format!("run:{id}")).await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "run.publish",
            ("evaluation_run", &id.to_string()),
            json!({"year": run.year, "content_hash": hash, "enterprises": results.len(), "method_hash": run.method_hash, "input_hash": run.input_hash}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(hash)
    }

    /// Manual adjustment (调档): sets an enterprise's final class with a written reason, while
    /// the run is a draft or under review. The class must be one of its group's classes.
    pub async fn adjust_class(
        &self,
        actor: &Actor,
        id: i64,
        enterprise_id: i64,
        class: &str,
        reason: &str,
    ) -> Result<(), AppError> {
        if !Self::runs_evaluations(actor) {
            return Err(self
                .deny(
                    actor,
                    "run.adjust",
                    ("evaluation_run", &id.to_string()),
                    "仅市级评价管理员可以调档",
                )
                .await);
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(AppError::invalid("reason", "调档必须填写理由"));
        }
        let mut c = self.store.read().await?;
        let run = runs::get(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("评价批次"))?;
        let state = RunState::parse(&run.state).unwrap_or(RunState::Failed);
        if !state.adjustable() {
            return Err(AppError::invalid(
                "state",
                format!(
                    "评价批次当前状态为“{}”，只有草稿或复核中的批次可以调档",
                    state.label()
                ),
            ));
        }
        let (result, _) = runs::result_of(&mut c, id, enterprise_id)
            .await?
            .ok_or(AppError::NotFound("评价结果"))?;
        drop(c);
        if !result.excluded_reason.is_empty() {
            return Err(AppError::invalid("class", "不参评（X）的企业不能调档"));
        }
        let method = mujun_engine::Method::parse(&run.method_source)?;
        let group = method
            .groups
            .iter()
            .find(|g| g.id == result.group_id)
            .ok_or(AppError::NotFound("评价组"))?;
        if group.class_index(class).is_none() {
            return Err(AppError::invalid(
                "class",
                format!(
                    "类别“{class}”不属于该评价组（可选：{}）",
                    group.classes.join("、")
                ),
            ));
        }
        let mut tx = self.store.begin().await?;
        runs::adjust(&mut tx, id, enterprise_id, class, reason, actor.user_id).await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "run.adjust",
            ("enterprise", &enterprise_id.to_string()),
            json!({"run": id, "computed_class": result.computed_class, "from": result.final_class, "to": class, "reason": reason}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }
}

/// SHA-256 over the run's identity and every enterprise's published line, in credit-code order:
/// `method_hash`, `input_hash`, then `credit_code|group|pool|rank|total|computed|final|reason`.
pub fn content_hash(run: &Run, inputs: &[runs::RunInput], results: &[runs::RunResult]) -> String {
    let codes: std::collections::HashMap<i64, &str> = inputs
        .iter()
        .map(|i| (i.enterprise_id, i.credit_code.as_str()))
        .collect();
    let mut lines: Vec<String> = results
        .iter()
        .map(|r| {
            format!(
                "{}|{}|{}|{}|{}|{}|{}|{}\n",
                codes.get(&r.enterprise_id).copied().unwrap_or(""),
                r.group_id,
                r.pool,
                r.rank.map(|x| x.to_string()).unwrap_or_default(),
                r.total.map(|x| format!("{x:?}")).unwrap_or_default(),
                r.computed_class,
                r.final_class,
                r.class_reason
            )
        })
        .collect();
    lines.sort();
    let mut h = Sha256::new();
    h.update(format!(
        "mujun-run|{}|{}|{}\n",
        run.year, run.method_hash, run.input_hash
    ));
    for l in &lines {
        h.update(l.as_bytes());
    }
    hex::encode(h.finalize())
}
