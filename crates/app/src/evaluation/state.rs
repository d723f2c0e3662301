//! The states of an evaluation run and the only transitions between them (pure; the use cases
//! in `workflow.rs` apply them with their permission and audit entry).
//!
//! ```text
//! running ─┬─> failed
//!          └─> draft ──公示──> notice ──结束公示──> review ──审定──> approved ──发布──> published
//!               │                                   ^
//!               └──(re-run only: notice already held)┘
//! draft / notice / review ──(a re-run of it finishes)──> superseded
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
}

impl RunState {
    /// Every state.
    pub const ALL: [RunState; 8] = [
        RunState::Running,
        RunState::Failed,
        RunState::Draft,
        RunState::Notice,
        RunState::Review,
        RunState::Approved,
        RunState::Published,
        RunState::Superseded,
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
            RunState::Notice | RunState::Review | RunState::Approved | RunState::Published
        )
    }

    /// Whether the public list shows the run (during the notice, and once published).
    pub fn public(self) -> bool {
        matches!(self, RunState::Notice | RunState::Published)
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

    const STEPS: [Step; 7] = [
        Step::StartNotice,
        Step::EndNotice,
        Step::SkipNotice,
        Step::Approve,
        Step::Reopen,
        Step::Publish,
        Step::Supersede,
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
        ];
        assert_eq!(allowed, want);
    }

    #[test]
    fn a_published_run_never_moves() {
        for step in STEPS {
            let err = next(RunState::Published, step, true).unwrap_err();
            assert!(err.contains("已发布"), "{err}");
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
