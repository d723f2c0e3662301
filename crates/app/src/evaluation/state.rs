//! The states of an evaluation run and the only transitions between them (pure; the use cases
//! in `workflow.rs` apply them with their permission and audit entry).
//!
//! ```text
//! running ─┬─> failed
//!          └─> draft ──公示──> notice ──结束公示──> review ──审定──> approved ──发布──> published
//!               │                                   ^
//!               └──(re-run only: notice already held)┘
//! draft / notice / review ──(a re-run of it finishes)──> superseded
//! published ──(the city reopens the year)──> reopened
//! ```

/// A run's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RunState {
    /// The engine job is working.
    Running,
    /// The job failed (the message says why); nothing of it is shown.
    Failed,
    /// Evaluated, visible to the city only.
    Draft,
    /// 公示: enterprises see their own result; objections may be filed.
    Notice,
    /// Notice over: objections are answered, classes adjusted.
    Review,
    /// Approved by the city administrator, awaiting publication.
    Approved,
    /// Published: final and immutable; drives the policies.
    Published,
    /// Replaced by a re-run.
    Superseded,
    /// Was published; the city reopened its year (reason recorded). Its classes stay in force
    /// until a new run of the year, which goes through 公示 again, is published.
    Reopened,
}

/// A step of the workflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Start the public notice.
    StartNotice,
    /// End the public notice.
    EndNotice,
    /// A re-run goes to review without a second notice.
    SkipNotice,
    /// Final approval.
    Approve,
    /// Send an approved run back to review (e.g. to adjust once more).
    Reopen,
    /// Publish.
    Publish,
    /// A re-run of this run finished.
    Supersede,
    /// The city reopens a published year.
    ReopenYear,
}

impl RunState {
    /// Every state.
    pub const ALL: [RunState; 9] = [
        RunState::Running,
        RunState::Failed,
        RunState::Draft,
        RunState::Notice,
        RunState::Review,
        RunState::Approved,
        RunState::Published,
        RunState::Superseded,
        RunState::Reopened,
    ];

    /// The id stored in the database.
    pub fn id(self) -> &'static str {
        match self {
            RunState::Running => "running",
            RunState::Failed => "failed",
            RunState::Draft => "draft",
            RunState::Notice => "notice",
            RunState::Review => "review",
            RunState::Approved => "approved",
            RunState::Published => "published",
            RunState::Superseded => "superseded",
            RunState::Reopened => "reopened",
        }
    }

    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            RunState::Running => "评价中",
            RunState::Failed => "失败",
            RunState::Draft => "草稿",
            RunState::Notice => "公示中",
            RunState::Review => "复核中",
            RunState::Approved => "已审定",
            RunState::Published => "已发布",
            RunState::Superseded => "已被重算替代",
            RunState::Reopened => "已重新开放",
        }
    }

    /// Parses a stored id.
    pub fn parse(id: &str) -> Option<RunState> {
        RunState::ALL.into_iter().find(|s| s.id() == id)
    }

    /// Whether enterprise users may see their own result (the notice has started).
    pub fn visible_to_enterprises(self) -> bool {
        matches!(
            self,
            RunState::Notice
                | RunState::Review
                | RunState::Approved
                | RunState::Published
                | RunState::Reopened
        )
    }

    /// Whether the run is still on its way to publication (at most one such run per year,
    /// besides the re-run that will replace it).
    pub fn in_progress(self) -> bool {
        matches!(
            self,
            RunState::Running | RunState::Draft | RunState::Notice | RunState::Review | RunState::Approved
        )
    }

    /// The ids of the states in progress.
    pub fn in_progress_ids() -> Vec<&'static str> {
        RunState::ALL
            .into_iter()
            .filter(|s| s.in_progress())
            .map(RunState::id)
            .collect()
    }

    /// Whether classes may still be adjusted by hand.
    pub fn adjustable(self) -> bool {
        matches!(self, RunState::Draft | RunState::Review)
    }

    /// Whether a re-run of it may be started.
    pub fn rerunnable(self) -> bool {
        matches!(self, RunState::Draft | RunState::Notice | RunState::Review)
    }
}

impl Step {
    /// The Chinese name of the step.
    pub fn label(self) -> &'static str {
        match self {
            Step::StartNotice => "开始公示",
            Step::EndNotice => "结束公示",
            Step::SkipNotice => "直接进入复核",
            Step::Approve => "审定",
            Step::Reopen => "退回复核",
            Step::Publish => "发布",
            Step::Supersede => "被重算替代",
            Step::ReopenYear => "重新开放年度",
        }
    }
}

/// The state after `step` from `state`; `is_rerun` tells whether the run re-runs an earlier
/// one (only those may skip the notice). `Err` carries the Chinese reason for a refusal.
pub fn next(state: RunState, step: Step, is_rerun: bool) -> Result<RunState, String> {
    use RunState as S;
    let to = match (state, step) {
        (S::Draft, Step::StartNotice) => S::Notice,
        (S::Notice, Step::EndNotice) => S::Review,
        (S::Draft, Step::SkipNotice) if is_rerun => S::Review,
        (S::Review, Step::Approve) => S::Approved,
        (S::Approved, Step::Reopen) => S::Review,
        (S::Approved, Step::Publish) => S::Published,
        (S::Draft | S::Notice | S::Review, Step::Supersede) => S::Superseded,
        (S::Published, Step::ReopenYear) => S::Reopened,
        (S::Draft, Step::SkipNotice) => {
            return Err("只有重算批次可以不经公示直接进入复核".to_owned());
        }
        _ => {
            return Err(format!(
                "评价批次当前状态为“{}”，不能执行“{}”",
                state.label(),
                step.label()
            ));
        }
    };
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STEPS: [Step; 8] = [
        Step::StartNotice,
        Step::EndNotice,
        Step::SkipNotice,
        Step::Approve,
        Step::Reopen,
        Step::Publish,
        Step::Supersede,
        Step::ReopenYear,
    ];

    #[test]
    fn the_allowed_transitions_are_exactly_these() {
        use RunState as S;
        let mut allowed = Vec::new();
        for s in RunState::ALL {
            for step in STEPS {
                for rerun in [false, true] {
                    if let Ok(to) = next(s, step, rerun) {
                        allowed.push((s, step, rerun, to));
                    }
                }
            }
        }
        let want = vec![
            (S::Draft, Step::StartNotice, false, S::Notice),
            (S::Draft, Step::StartNotice, true, S::Notice),
            (S::Draft, Step::SkipNotice, true, S::Review),
            (S::Draft, Step::Supersede, false, S::Superseded),
            (S::Draft, Step::Supersede, true, S::Superseded),
            (S::Notice, Step::EndNotice, false, S::Review),
            (S::Notice, Step::EndNotice, true, S::Review),
            (S::Notice, Step::Supersede, false, S::Superseded),
            (S::Notice, Step::Supersede, true, S::Superseded),
            (S::Review, Step::Approve, false, S::Approved),
            (S::Review, Step::Approve, true, S::Approved),
            (S::Review, Step::Supersede, false, S::Superseded),
            (S::Review, Step::Supersede, true, S::Superseded),
            (S::Approved, Step::Reopen, false, S::Review),
            (S::Approved, Step::Reopen, true, S::Review),
            (S::Approved, Step::Publish, false, S::Published),
            (S::Approved, Step::Publish, true, S::Published),
            (S::Published, Step::ReopenYear, false, S::Reopened),
            (S::Published, Step::ReopenYear, true, S::Reopened),
        ];
        assert_eq!(allowed, want);
    }

    #[test]
    fn a_published_run_only_leaves_by_reopening_its_year() {
        for step in STEPS.into_iter().filter(|s| *s != Step::ReopenYear) {
            let err = next(RunState::Published, step, true).unwrap_err();
            assert!(err.contains("已发布"), "{err}");
        }
        for step in STEPS {
            assert!(next(RunState::Reopened, step, true).is_err(), "{step:?}");
        }
    }

    #[test]
    fn ids_round_trip() {
        for s in RunState::ALL {
            assert_eq!(RunState::parse(s.id()), Some(s));
        }
        assert_eq!(RunState::parse("nope"), None);
    }
}
