//! Enterprise exit (企业退出) for 招商引资 projects, the action plan's 二(五)2: a project whose start
//! is more than 6 months late for its own reasons, or that started without substantive progress,
//! gets a rectification notice (限期整改); not rectified by the deadline, it is proposed for forced
//! exit (强制退出). The months are a parameter ([`ExitRules`]); a delay the government caused does
//! not count.

use mujun_domain::Date;

use crate::dates::{add_months, more_than_months};

/// The parameters of the exit rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExitRules {
    /// Months of own-cause delay of the start that make a project an exit candidate.
    pub late_months: u32,
}

impl Default for ExitRules {
    fn default() -> Self {
        ExitRules { late_months: 6 }
    }
}

/// A project as the exit rule sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Project {
    /// The start date agreed in the contract.
    pub agreed_start: Date,
    /// The day it started, if it has.
    pub started_on: Option<Date>,
    /// The delay was caused by the government (not counted).
    pub government_caused: bool,
    /// Started, but without substantive progress (as the responsible unit found).
    pub no_substantive_progress: bool,
}

/// The exit rule's finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitFinding {
    /// Nothing to do.
    InOrder,
    /// Not started more than `months` after the agreed date (since the day after the limit).
    LateStart {
        /// The months allowed.
        months: u32,
        /// The last day the start was still in time.
        limit: Date,
    },
    /// Started more than `months` late.
    StartedLate {
        /// The months allowed.
        months: u32,
        /// The last day the start was still in time.
        limit: Date,
    },
    /// Started without substantive progress.
    NoProgress,
}

impl ExitFinding {
    /// Whether the project is an exit candidate (a rectification notice is due).
    pub fn is_candidate(self) -> bool {
        self != ExitFinding::InOrder
    }

    /// The finding in words.
    pub fn describe(self) -> String {
        match self {
            ExitFinding::InOrder => "按约定推进".to_owned(),
            ExitFinding::LateStart { months, limit } => {
                format!("超过约定开工日期 {months} 个月仍未开工（最迟应于 {limit} 开工）")
            }
            ExitFinding::StartedLate { months, limit } => {
                format!("开工时间晚于约定 {months} 个月以上（最迟应于 {limit} 开工）")
            }
            ExitFinding::NoProgress => "已开工但无实质性进展".to_owned(),
        }
    }
}

/// Judges a project on `today`.
pub fn assess(p: &Project, today: Date, rules: &ExitRules) -> ExitFinding {
    if p.government_caused {
        return ExitFinding::InOrder;
    }
    let months = rules.late_months;
    let limit = add_months(p.agreed_start, months);
    match p.started_on {
        None if more_than_months(p.agreed_start, today, months) => ExitFinding::LateStart { months, limit },
        None => ExitFinding::InOrder,
        Some(s) if more_than_months(p.agreed_start, s, months) => ExitFinding::StartedLate { months, limit },
        Some(_) if p.no_substantive_progress => ExitFinding::NoProgress,
        Some(_) => ExitFinding::InOrder,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn project() -> Project {
        Project {
            agreed_start: d("2024-01-15"),
            started_on: None,
            government_caused: false,
            no_substantive_progress: false,
        }
    }

    #[test]
    fn six_months_to_the_day_is_in_time_and_one_day_more_is_not() {
        let rules = ExitRules::default();
        let p = project();
        assert_eq!(assess(&p, d("2024-07-15"), &rules), ExitFinding::InOrder);
        let late = assess(&p, d("2024-07-16"), &rules);
        assert_eq!(
            late,
            ExitFinding::LateStart {
                months: 6,
                limit: d("2024-07-15")
            }
        );
        assert!(late.is_candidate() && late.describe().contains("2024-07-15"));
        // Started on the last day: in time; a day later: late, whatever today is.
        let on_time = Project {
            started_on: Some(d("2024-07-15")),
            ..p
        };
        assert_eq!(assess(&on_time, d("2026-01-01"), &rules), ExitFinding::InOrder);
        let started_late = Project {
            started_on: Some(d("2024-07-16")),
            ..p
        };
        assert!(matches!(
            assess(&started_late, d("2026-01-01"), &rules),
            ExitFinding::StartedLate { .. }
        ));
    }

    #[test]
    fn the_governments_delay_does_not_count_and_no_progress_does() {
        let rules = ExitRules::default();
        let gov = Project {
            government_caused: true,
            ..project()
        };
        assert_eq!(assess(&gov, d("2026-01-01"), &rules), ExitFinding::InOrder);
        let idle = Project {
            started_on: Some(d("2024-02-01")),
            no_substantive_progress: true,
            ..project()
        };
        assert_eq!(assess(&idle, d("2024-03-01"), &rules), ExitFinding::NoProgress);
        // A city that allows 3 months.
        let strict = ExitRules { late_months: 3 };
        assert!(assess(&project(), d("2024-04-16"), &strict).is_candidate());
    }
}
