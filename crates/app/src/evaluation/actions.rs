//! What the caller may do with a run now: the one answer both the use cases (which enforce it)
//! and the pages (which show only the valid steps) rely on.

use mujun_store::runs::{self, Run};

use super::state::{RunState, Step, next};
use crate::{Actor, App, AppError, Role};

/// The steps of a run open to the caller, with what the page needs to offer them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunActions {
    /// 开始公示.
    pub start_notice: bool,
    /// 补充公示 (a re-run that moved classes).
    pub supplementary_notice: bool,
    /// 结束公示.
    pub end_notice: bool,
    /// Ending the notice now cuts it short: a reason is required.
    pub end_notice_early: bool,
    /// 直接进入复核 (re-runs).
    pub skip_notice: bool,
    /// 审定.
    pub approve: bool,
    /// Why approval is not open to the caller although the run awaits it (two-person rule).
    pub approve_blocked: Option<String>,
    /// 退回复核.
    pub send_back: bool,
    /// 发布.
    pub publish: bool,
    /// 重算.
    pub rerun: bool,
    /// 重新开放年度.
    pub reopen_year: bool,
    /// 调档.
    pub adjust: bool,
    /// The whole run's downloads (result workbook, snapshot, method, adjustments).
    pub export_all: bool,
    /// Simulate a method change on the run's snapshot (the city, once computed).
    pub simulate: bool,
    /// The notice document (公示 text with the list), from the start of the notice on.
    pub notice_document: bool,
    /// Classes a re-run changed against the run it re-runs (shown before skipping the notice).
    pub changed: usize,
}

impl RunActions {
    /// Whether any workflow step is open.
    pub fn any(&self) -> bool {
        self.start_notice
            || self.end_notice
            || self.skip_notice
            || self.approve
            || self.approve_blocked.is_some()
            || self.send_back
            || self.publish
            || self.rerun
            || self.reopen_year
    }
}

impl App {
    /// The steps of `run` open to `actor` now.
    pub async fn run_actions(&self, actor: &Actor, run: &Run) -> Result<RunActions, AppError> {
        let state = RunState::parse(&run.state).unwrap_or(RunState::Failed);
        let rerun = run.previous_run_id.is_some();
        let can = |step| next(state, step, rerun).is_ok();
        let city = Self::runs_evaluations(actor);
        let approver = matches!(actor.role, Role::CityAdmin | Role::Leader);
        let mut c = self.store.read().await?;
        let year_published = runs::published_for_year(&mut c, run.year).await?.is_some();
        let changed = match run.previous_run_id {
            Some(prev) if city && state == RunState::Draft => {
                runs::class_changes(&mut c, prev, run.id).await?.len()
            }
            _ => 0,
        };
        let adjusted_by_actor = if approver && can(Step::Approve) && self.workflow.two_person_rule {
            runs::adjustments(&mut c, run.id)
                .await?
                .iter()
                .any(|a| a.user_id == Some(actor.user_id))
        } else {
            false
        };
        drop(c);
        let today = crate::clock::today();
        Ok(RunActions {
            start_notice: city && can(Step::StartNotice) && !year_published,
            supplementary_notice: city && can(Step::StartNotice) && !year_published && changed > 0,
            end_notice: city && can(Step::EndNotice),
            end_notice_early: run.notice_end.as_deref().is_some_and(|e| today.as_str() <= e),
            skip_notice: city && can(Step::SkipNotice),
            approve: approver && can(Step::Approve) && !adjusted_by_actor,
            approve_blocked: (approver && can(Step::Approve) && adjusted_by_actor).then(|| {
                "两人审核：本批次的调档由您操作，审定须由另一名市级评价管理员或审定领导完成".to_owned()
            }),
            send_back: city && can(Step::Reopen),
            publish: city && can(Step::Publish),
            rerun: city && state.rerunnable(),
            reopen_year: city && can(Step::ReopenYear),
            adjust: city && state.adjustable(),
            export_all: city && !matches!(state, RunState::Running | RunState::Failed),
            simulate: city && !matches!(state, RunState::Running | RunState::Failed),
            notice_document: city && run.notice_start.is_some(),
            changed,
        })
    }
}
