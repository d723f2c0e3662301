//! The procedure of an idle-land case (53号令 arts. 5–18) and of an exit case (the action plan's
//! 二(五)2) as steps: which step may follow which, what document each step issues, and the
//! deadline it sets. A case's state is its last step; nothing here knows about storage.

use mujun_domain::Date;

use crate::dates::add_months;
use crate::idle::Cause;

/// The two kinds of case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CaseKind {
    /// 闲置土地处置 (53号令).
    Idle,
    /// 项目退出 (招商引资 projects late or without progress).
    Exit,
}

impl CaseKind {
    /// The id stored in the database.
    pub fn id(self) -> &'static str {
        match self {
            CaseKind::Idle => "idle",
            CaseKind::Exit => "exit",
        }
    }

    /// Parses a stored id.
    pub fn parse(id: &str) -> Option<CaseKind> {
        [CaseKind::Idle, CaseKind::Exit]
            .into_iter()
            .find(|k| k.id() == id)
    }

    /// The kind in words.
    pub fn label(self) -> &'static str {
        match self {
            CaseKind::Idle => "闲置土地处置",
            CaseKind::Exit => "项目退出",
        }
    }
}

/// One step of a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    /// 调查: the 闲置土地调查通知书 (art. 5); the holder answers within 30 days.
    Investigation,
    /// 认定: the 闲置土地认定书 with the cause (art. 9); published from here (art. 10).
    Identification,
    /// 告知: written notice of the intended decision and of the right to a hearing (art. 15).
    Notification,
    /// 听证: the hearing the holder asked for.
    Hearing,
    /// 征缴土地闲置费决定书 (art. 14(1)); paid within 30 days (art. 17).
    FeeDecision,
    /// 收回国有建设用地使用权决定书 (art. 14(2)); certificates returned within 30 days.
    TakeBackDecision,
    /// Government cause: the agreed disposal (arts. 12–13).
    Negotiation,
    /// 限期整改通知书 of an exit case, with the rectification deadline.
    RectificationNotice,
    /// The project was rectified in time: the exit case ends.
    Rectified,
    /// 强制退出 proposal after a missed rectification deadline.
    ExitProposal,
    /// 项目退出决定书.
    ExitDecision,
    /// 结案: the fee paid, the land returned or the agreement carried out.
    Closing,
    /// 撤销: the investigation found the land (project) in order.
    Dismissal,
}

impl Step {
    /// Every step.
    pub const ALL: [Step; 13] = [
        Step::Investigation,
        Step::Identification,
        Step::Notification,
        Step::Hearing,
        Step::FeeDecision,
        Step::TakeBackDecision,
        Step::Negotiation,
        Step::RectificationNotice,
        Step::Rectified,
        Step::ExitProposal,
        Step::ExitDecision,
        Step::Closing,
        Step::Dismissal,
    ];

    /// The id stored in the database.
    pub fn id(self) -> &'static str {
        match self {
            Step::Investigation => "investigation",
            Step::Identification => "identification",
            Step::Notification => "notification",
            Step::Hearing => "hearing",
            Step::FeeDecision => "fee_decision",
            Step::TakeBackDecision => "take_back_decision",
            Step::Negotiation => "negotiation",
            Step::RectificationNotice => "rectification_notice",
            Step::Rectified => "rectified",
            Step::ExitProposal => "exit_proposal",
            Step::ExitDecision => "exit_decision",
            Step::Closing => "closing",
            Step::Dismissal => "dismissal",
        }
    }

    /// Parses a stored id.
    pub fn parse(id: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.id() == id)
    }

    /// The step in words (also the case's state once it is the last step).
    pub fn label(self) -> &'static str {
        match self {
            Step::Investigation => "调查",
            Step::Identification => "认定",
            Step::Notification => "告知（听证权利）",
            Step::Hearing => "听证",
            Step::FeeDecision => "征缴闲置费决定",
            Step::TakeBackDecision => "无偿收回决定",
            Step::Negotiation => "协商处置",
            Step::RectificationNotice => "限期整改",
            Step::Rectified => "整改完成",
            Step::ExitProposal => "强制退出建议",
            Step::ExitDecision => "退出决定",
            Step::Closing => "结案",
            Step::Dismissal => "撤销",
        }
    }

    /// The document the step issues, if it issues one.
    pub fn document(self) -> Option<&'static str> {
        match self {
            Step::Investigation => Some("闲置土地调查通知书"),
            Step::Identification => Some("闲置土地认定书"),
            Step::Notification => Some("闲置土地处置听证告知书"),
            Step::Hearing => None,
            Step::FeeDecision => Some("征缴土地闲置费决定书"),
            Step::TakeBackDecision => Some("收回国有建设用地使用权决定书"),
            Step::Negotiation => Some("闲置土地协商处置协议"),
            Step::RectificationNotice => Some("限期整改通知书"),
            Step::Rectified => None,
            Step::ExitProposal => Some("强制退出建议书"),
            Step::ExitDecision => Some("项目退出决定书"),
            Step::Closing | Step::Dismissal => None,
        }
    }

    /// Whether the case is over after this step.
    pub fn ends(self) -> bool {
        matches!(
            self,
            Step::Closing | Step::Dismissal | Step::Rectified | Step::ExitDecision
        )
    }

    /// Whether an idle case after this step is on the public list (art. 10: from the 认定 until
    /// the disposal is done).
    pub fn public(self) -> bool {
        matches!(
            self,
            Step::Identification
                | Step::Notification
                | Step::Hearing
                | Step::FeeDecision
                | Step::TakeBackDecision
                | Step::Negotiation
        )
    }
}

/// The case rules a city may set; the defaults are 53号令's and the action plan's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CaseRules {
    /// Days the holder has to answer the investigation notice (art. 5: 30).
    pub answer_days: i64,
    /// Days to ask for a hearing after the notification (a local rule; 5 by default).
    pub hearing_request_days: i64,
    /// Days to pay the fee or return the certificates after a decision is served (art. 17: 30).
    pub comply_days: i64,
    /// Longest extension of the start date by agreement, in months (art. 12: 12).
    pub max_extension_months: u32,
    /// Longest temporary use arranged by the government, in months (art. 12: 24).
    pub max_temporary_use_months: u32,
}

impl Default for CaseRules {
    fn default() -> Self {
        CaseRules {
            answer_days: 30,
            hearing_request_days: 5,
            comply_days: 30,
            max_extension_months: 12,
            max_temporary_use_months: 24,
        }
    }
}

/// The steps that may follow `last` (`None`: the case has no step yet) in a case of `kind`.
/// `cause` is the cause the 认定 found (idle cases); `take_back` says whether the idleness has
/// reached the take-back years, which decides the decision's kind.
pub fn next_steps(kind: CaseKind, last: Option<Step>, cause: Option<Cause>, take_back: bool) -> Vec<Step> {
    let decision = if take_back {
        Step::TakeBackDecision
    } else {
        Step::FeeDecision
    };
    match (kind, last) {
        (CaseKind::Idle, None) => vec![Step::Investigation],
        (CaseKind::Idle, Some(Step::Investigation)) => vec![Step::Identification, Step::Dismissal],
        (CaseKind::Idle, Some(Step::Identification)) => match cause {
            Some(Cause::Government(_)) => vec![Step::Negotiation],
            Some(Cause::Enterprise) => vec![Step::Notification],
            None => vec![],
        },
        (CaseKind::Idle, Some(Step::Notification)) => vec![Step::Hearing, decision],
        (CaseKind::Idle, Some(Step::Hearing)) => vec![decision],
        (CaseKind::Idle, Some(Step::FeeDecision | Step::TakeBackDecision | Step::Negotiation)) => {
            vec![Step::Closing]
        }
        (CaseKind::Exit, None) => vec![Step::RectificationNotice],
        (CaseKind::Exit, Some(Step::RectificationNotice)) => vec![Step::Rectified, Step::ExitProposal],
        (CaseKind::Exit, Some(Step::ExitProposal)) => vec![Step::ExitDecision, Step::Rectified],
        _ => vec![],
    }
}

/// The deadline a step sets by rule, counted from the day its document was served (`None` when
/// the step sets none by rule or is not served).
pub fn rule_deadline(step: Step, served_on: Date, rules: &CaseRules) -> Option<Date> {
    let days = match step {
        Step::Investigation => rules.answer_days,
        Step::Notification => rules.hearing_request_days,
        Step::FeeDecision | Step::TakeBackDecision => rules.comply_days,
        _ => return None,
    };
    Date::from_days_since_epoch(served_on.days_since_epoch() + days)
}

/// The latest day an agreed disposal may run to from `issued_on` (extension ≤ 1 year, temporary
/// use ≤ 2 years; the other options have no limit here).
pub fn negotiated_limit(
    option: crate::idle::NegotiatedOption,
    issued_on: Date,
    rules: &CaseRules,
) -> Option<Date> {
    use crate::idle::NegotiatedOption as O;
    match option {
        O::ExtendStart => Some(add_months(issued_on, rules.max_extension_months)),
        O::TemporaryUse => Some(add_months(issued_on, rules.max_temporary_use_months)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::idle::{GovernmentCause, NegotiatedOption};

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn an_enterprise_cause_goes_to_a_hearing_notice_and_a_government_cause_to_negotiation() {
        let idle = CaseKind::Idle;
        assert_eq!(next_steps(idle, None, None, false), vec![Step::Investigation]);
        assert_eq!(
            next_steps(idle, Some(Step::Investigation), None, false),
            vec![Step::Identification, Step::Dismissal]
        );
        assert_eq!(
            next_steps(idle, Some(Step::Identification), Some(Cause::Enterprise), false),
            vec![Step::Notification]
        );
        let gov = Cause::Government(GovernmentCause::Petitions);
        assert_eq!(
            next_steps(idle, Some(Step::Identification), Some(gov), true),
            vec![Step::Negotiation],
            "never a fee or a take-back when the government caused it"
        );
        assert_eq!(
            next_steps(idle, Some(Step::Notification), Some(Cause::Enterprise), false),
            vec![Step::Hearing, Step::FeeDecision]
        );
        assert_eq!(
            next_steps(idle, Some(Step::Hearing), Some(Cause::Enterprise), true),
            vec![Step::TakeBackDecision]
        );
        assert!(next_steps(idle, Some(Step::Closing), Some(Cause::Enterprise), true).is_empty());
        assert!(next_steps(idle, Some(Step::RectificationNotice), None, false).is_empty());
    }

    #[test]
    fn an_exit_case_is_rectified_or_proposed_for_exit() {
        let exit = CaseKind::Exit;
        assert_eq!(
            next_steps(exit, None, None, false),
            vec![Step::RectificationNotice]
        );
        assert_eq!(
            next_steps(exit, Some(Step::RectificationNotice), None, false),
            vec![Step::Rectified, Step::ExitProposal]
        );
        assert_eq!(
            next_steps(exit, Some(Step::ExitProposal), None, false),
            vec![Step::ExitDecision, Step::Rectified]
        );
        assert!(Step::ExitDecision.ends() && Step::Rectified.ends());
        assert!(next_steps(exit, Some(Step::Investigation), None, false).is_empty());
    }

    #[test]
    fn deadlines_count_from_service() {
        let rules = CaseRules::default();
        assert_eq!(
            rule_deadline(Step::Investigation, d("2026-01-10"), &rules),
            Some(d("2026-02-09"))
        );
        assert_eq!(
            rule_deadline(Step::FeeDecision, d("2026-12-15"), &rules),
            Some(d("2027-01-14"))
        );
        assert_eq!(
            rule_deadline(Step::Notification, d("2026-02-26"), &rules),
            Some(d("2026-03-03"))
        );
        assert_eq!(rule_deadline(Step::Identification, d("2026-01-10"), &rules), None);
        assert_eq!(
            negotiated_limit(NegotiatedOption::ExtendStart, d("2024-02-29"), &rules),
            Some(d("2025-02-28"))
        );
        assert_eq!(
            negotiated_limit(NegotiatedOption::TemporaryUse, d("2024-03-31"), &rules),
            Some(d("2026-03-31"))
        );
        assert_eq!(
            negotiated_limit(NegotiatedOption::Swap, d("2024-03-31"), &rules),
            None
        );
    }

    #[test]
    fn ids_round_trip_and_only_idle_steps_after_the_finding_are_public() {
        for s in Step::ALL {
            assert_eq!(Step::parse(s.id()), Some(s));
        }
        assert!(!Step::Investigation.public() && Step::Identification.public());
        assert!(!Step::Closing.public() && !Step::Dismissal.public());
    }
}
