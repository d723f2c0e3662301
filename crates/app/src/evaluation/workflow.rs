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
use crate::{Actor, App, AppError, Role};

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

    /// Checks a notice period: `YYYY-MM-DD` dates, the start not before today (Beijing), the end
    /// after the start, and at least `min_days` calendar days counting both ends.
    fn notice_period(start: &str, end: &str, min_days: i64) -> Result<(Date, Date), AppError> {
        let s = Date::parse(start.trim()).map_err(|_| {
            AppError::invalid(
                "notice_start",
                format!("公示开始日期“{start}”无效，应为 YYYY-MM-DD"),
            )
        })?;
        let e = Date::parse(end.trim()).map_err(|_| {
            AppError::invalid("notice_end", format!("公示结束日期“{end}”无效，应为 YYYY-MM-DD"))
        })?;
        let today = crate::clock::today();
        if s.to_string() < today {
            return Err(AppError::invalid(
                "notice_start",
                format!("公示开始日期 {s} 早于今天（{today}），公示不能从过去开始"),
            ));
        }
        if e <= s {
            return Err(AppError::invalid(
                "notice_end",
                "公示结束日期不能早于或等于开始日期",
            ));
        }
        let days = e.days_since_epoch() - s.days_since_epoch() + 1;
        if days < min_days {
            return Err(AppError::invalid(
                "notice_end",
                format!("公示期为 {days} 天（{s} 至 {e}），不少于 {min_days} 个自然日"),
            ));
        }
        Ok((s, e))
    }

    /// Refuses a step that would put a run of a published year before the public again.
    async fn refuse_if_year_published(&self, run: &Run) -> Result<(), AppError> {
        let mut c = self.store.read().await?;
        if let Some(p) = runs::published_for_year(&mut c, run.year).await? {
            return Err(AppError::invalid(
                "year",
                format!(
                    "{} 年度已发布评价结果（批次 #{}），不能再次公示。如确需重新评价，请先在该批次页面“重新开放年度”",
                    run.year, p.id
                ),
            ));
        }
        Ok(())
    }

    /// Starts the public notice (公示) from `start` to `end` inclusive (`YYYY-MM-DD`): the start
    /// not before today, at least the configured number of days (default 7).
    pub async fn start_notice(&self, actor: &Actor, id: i64, start: &str, end: &str) -> Result<(), AppError> {
        let (run, state) = self.run_for_step(actor, id, Step::StartNotice).await?;
        let to = self.check_step(actor, &run, state, Step::StartNotice).await?;
        self.refuse_if_year_published(&run).await?;
        let (s, e) = Self::notice_period(start, end, self.workflow.notice_min_days)?;
        let mut tx = self.store.begin().await?;
        runs::transition(&mut tx, id, state.id(), to.id()).await?;
        runs::set_notice(&mut tx, id, &s.to_string(), &e.to_string(), "full").await?;
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

    /// The enterprises whose final class a re-run changes against the run it re-runs:
    /// `(enterprise id, credit code, name, from, to)`; empty for a first run.
    pub async fn rerun_changes(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<Vec<(i64, String, String, String, String)>, AppError> {
        let (run, _, _) = self.readable_run(actor, id, "run.changes").await?;
        let Some(prev) = run.previous_run_id else {
            return Ok(Vec::new());
        };
        let mut c = self.store.read().await?;
        Ok(runs::class_changes(&mut c, prev, id).await?)
    }

    /// A short supplementary notice (补充公示) of a re-run, for just the enterprises whose class
    /// it changed: they see the new result, may object, and get a message; the public list
    /// shows only them. At least the configured number of days (default 3).
    pub async fn start_supplementary_notice(
        &self,
        actor: &Actor,
        id: i64,
        start: &str,
        end: &str,
    ) -> Result<usize, AppError> {
        let (run, state) = self.run_for_step(actor, id, Step::StartNotice).await?;
        if run.previous_run_id.is_none() {
            return Err(AppError::invalid(
                "state",
                "补充公示只适用于重算批次；首次评价请进行完整公示",
            ));
        }
        let to = self.check_step(actor, &run, state, Step::StartNotice).await?;
        self.refuse_if_year_published(&run).await?;
        let (s, e) = Self::notice_period(start, end, self.workflow.supplementary_notice_min_days)?;
        let changes = self.rerun_changes(actor, id).await?;
        if changes.is_empty() {
            return Err(AppError::invalid(
                "state",
                "本次重算没有企业类别发生变化，无需补充公示，可直接进入复核",
            ));
        }
        let members: Vec<i64> = changes.iter().map(|c| c.0).collect();
        let mut tx = self.store.begin().await?;
        runs::transition(&mut tx, id, state.id(), to.id()).await?;
        runs::set_notice(&mut tx, id, &s.to_string(), &e.to_string(), "supplementary").await?;
        runs::set_notice_members(&mut tx, id, &members).await?;
        for (enterprise, _, _, from, to_class) in &changes {
            crate::messages::notify(
                &mut tx,
                mujun_store::messages::Recipient::Enterprise(*enterprise),
                &format!("{} 年度评价类别变更补充公示", run.year),
                &format!(
                    "根据异议处理结果重新评价后，贵企业的评价类别由“{}”变更为“{}”。补充公示期为 {s} 至 {e}，\
                     如有异议，请在公示期内在评分卡页面提出。",
                    super::format::class_label(from),
                    super::format::class_label(to_class)
                ),
                &format!("/runs/{id}/enterprises/{enterprise}"),
            )
            .await?;
        }
        write(
            &mut tx,
            Who::Actor(actor),
            "run.step",
            ("evaluation_run", &id.to_string()),
            json!({"step": "supplementary_notice", "from": state.id(), "to": to.id(), "notice_start": s.to_string(),
                   "notice_end": e.to_string(), "enterprises": members.len()}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(members.len())
    }

    /// Ends the public notice: the run goes to review. Before the notice's last day is over
    /// (today ≤ its end) this cuts it short, which needs a reason (audited).
    pub async fn end_notice(&self, actor: &Actor, id: i64, reason: &str) -> Result<(), AppError> {
        let (run, state) = self.run_for_step(actor, id, Step::EndNotice).await?;
        let to = self.check_step(actor, &run, state, Step::EndNotice).await?;
        let today = crate::clock::today();
        let early = run.notice_end.as_deref().is_some_and(|e| today.as_str() <= e);
        let reason = reason.trim();
        if early && reason.is_empty() {
            return Err(AppError::invalid(
                "reason",
                format!(
                    "公示期至 {} 止，尚未届满；提前结束公示必须填写理由",
                    run.notice_end.as_deref().unwrap_or("")
                ),
            ));
        }
        let mut tx = self.store.begin().await?;
        runs::transition(&mut tx, id, state.id(), to.id()).await?;
        runs::set_notice_ended(&mut tx, id, if early { reason } else { "" }).await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "run.step",
            ("evaluation_run", &id.to_string()),
            json!({"step": "end_notice", "from": state.id(), "to": to.id(), "early": early,
                   "notice_end": run.notice_end, "reason": if early { reason } else { "" }}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// A re-run goes to review without a second notice. When it changed any enterprise's
    /// class, `confirmed_changes` must be the number of changed enterprises the officer saw
    /// listed (the page shows them); each changed enterprise gets a message.
    pub async fn skip_notice(
        &self,
        actor: &Actor,
        id: i64,
        confirmed_changes: Option<usize>,
    ) -> Result<(), AppError> {
        let (run, state) = self.run_for_step(actor, id, Step::SkipNotice).await?;
        let to = self.check_step(actor, &run, state, Step::SkipNotice).await?;
        let changes = self.rerun_changes(actor, id).await?;
        if !changes.is_empty() && confirmed_changes != Some(changes.len()) {
            let first: Vec<String> = changes
                .iter()
                .take(5)
                .map(|c| format!("{}（{} → {}）", c.2, c.3, c.4))
                .collect();
            return Err(AppError::invalid(
                "confirm",
                format!(
                    "本次重算有 {} 家企业的类别发生变化（如 {}）。不经公示直接复核，须先查看变化清单并确认；\
                     也可以只对这些企业进行补充公示",
                    changes.len(),
                    first.join("、")
                ),
            ));
        }
        let mut tx = self.store.begin().await?;
        runs::transition(&mut tx, id, state.id(), to.id()).await?;
        for (enterprise, _, _, from, to_class) in &changes {
            crate::messages::notify(
                &mut tx,
                mujun_store::messages::Recipient::Enterprise(*enterprise),
                &format!("{} 年度评价类别变更通知", run.year),
                &format!(
                    "根据异议处理结果重新评价后，贵企业的评价类别由“{}”变更为“{}”，结果将经审定后发布。",
                    super::format::class_label(from),
                    super::format::class_label(to_class)
                ),
                &format!("/runs/{id}/enterprises/{enterprise}"),
            )
            .await?;
        }
        write(
            &mut tx,
            Who::Actor(actor),
            "run.step",
            ("evaluation_run", &id.to_string()),
            json!({"step": "skip_notice", "from": state.id(), "to": to.id(), "class_changes": changes.len(),
                   "changed": changes.iter().map(|c| json!({"credit_code": c.1, "from": c.3, "to": c.4})).collect::<Vec<_>>()}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Final approval (审定) by the city administrator or the approving leader; refused while
    /// objections of this run (or the runs it re-runs) are open, and — under the two-person
    /// rule — to whoever adjusted classes in the run.
    pub async fn approve_run(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        if !matches!(actor.role, Role::CityAdmin | Role::Leader) {
            return Err(self
                .deny(
                    actor,
                    "run.step",
                    ("evaluation_run", &id.to_string()),
                    "仅市级评价管理员或审定领导可以审定",
                )
                .await);
        }
        let mut c = self.store.read().await?;
        let run = runs::get(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("评价批次"))?;
        let adjusted_by_actor = runs::adjustments(&mut c, id)
            .await?
            .iter()
            .any(|a| a.user_id == Some(actor.user_id));
        drop(c);
        let state = RunState::parse(&run.state).unwrap_or(RunState::Failed);
        let open = self.open_objections_in_chain(&run).await?;
        let to = self.check_step(actor, &run, state, Step::Approve).await?;
        if open > 0 {
            return Err(AppError::invalid(
                "objections",
                format!("还有 {open} 件异议未处理，不能审定"),
            ));
        }
        if self.workflow.two_person_rule && adjusted_by_actor {
            return Err(self
                .deny(
                    actor,
                    "run.step",
                    ("evaluation_run", &id.to_string()),
                    "两人审核：本批次的调档由您操作，审定须由另一名市级评价管理员或审定领导完成",
                )
                .await);
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

    /// Reopens a published year (重新开放年度), city administrator only, with a reason: its
    /// figures may be imported and corrected again, and a new run of the year must go through
    /// 公示 again before it is published. The published run stays, marked reopened, and its
    /// classes stay in force until the new run is published.
    pub async fn reopen_year(&self, actor: &Actor, id: i64, reason: &str) -> Result<(), AppError> {
        let reason = reason.trim();
        let (run, state) = self.run_for_step(actor, id, Step::ReopenYear).await?;
        if reason.is_empty() {
            return Err(AppError::invalid("reason", "重新开放年度必须填写理由"));
        }
        let to = self.check_step(actor, &run, state, Step::ReopenYear).await?;
        let mut tx = self.store.begin().await?;
        crate::collection::year_lock::lock_all_figures(&mut tx).await?;
        runs::transition(&mut tx, id, state.id(), to.id()).await?;
        runs::set_reopened(&mut tx, id, actor.user_id, reason).await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "run.reopen_year",
            ("evaluation_run", &id.to_string()),
            json!({"year": run.year, "from": state.id(), "to": to.id(), "reason": reason, "content_hash": run.content_hash}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Publishes an approved run: final and immutable, and its year locked. Every enterprise's
    /// class for the year becomes the run's final class, and the SHA-256 of the published
    /// content goes into the run and the audit trail. Returns the content hash.
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
        // No figure of any department is written while the year is being locked.
        crate::collection::year_lock::lock_all_figures(&mut tx).await?;
        if let Some(other) = runs::published_for_year(&mut tx, run.year).await? {
            return Err(AppError::invalid(
                "year",
                format!(
                    "{} 年度已发布评价批次 #{}，同一年度只能有一个已发布结果",
                    run.year, other.id
                ),
            ));
        }
        let results = runs::results(&mut tx, id).await?;
        let inputs = runs::inputs(self.store.read_typed().await?.conn(), id).await?;
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
