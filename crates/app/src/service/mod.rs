//! Enterprise service (三(四) of the plan): the problem ledger (问题台账) — a problem filed for an
//! enterprise is assigned by the service office to a department with a deadline by difficulty,
//! answered, rated by the enterprise and closed (销号) or sent back — and the calendar of working
//! days its deadlines are counted on.
//!
//! The vocabulary (statuses, difficulties, ratings, categories) lives here with one Chinese label
//! each; [`ServiceRights`] is the one permission table the use cases enforce and pages ask.

pub mod calendar;
pub(crate) mod demo;
pub mod problems;
pub mod stats;
mod todo;

use mujun_domain::workdays::TimeLimit;

use crate::{Actor, Role};

/// Where a problem stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Filed, waiting for the service office.
    Filed,
    /// With a department.
    Assigned,
    /// Answered, waiting for the enterprise's rating.
    Answered,
    /// Closed (销号).
    Closed,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 4] = [Status::Filed, Status::Assigned, Status::Answered, Status::Closed];

    /// The stored id.
    pub fn id(self) -> &'static str {
        match self {
            Status::Filed => "filed",
            Status::Assigned => "assigned",
            Status::Answered => "answered",
            Status::Closed => "closed",
        }
    }

    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Status::Filed => "待交办",
            Status::Assigned => "办理中",
            Status::Answered => "待企业评价",
            Status::Closed => "已销号",
        }
    }

    /// Parses a stored id.
    pub fn parse(id: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.id() == id)
    }

    /// Closed (销号).
    pub fn closed(self) -> bool {
        self == Status::Closed
    }
}

/// How hard a problem is, which sets the department's time limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Difficulty {
    /// One department can settle it (default 5 working days).
    Simple,
    /// Needs several departments (default 15 working days).
    Cross,
    /// Complex or historical (default 1 month).
    Complex,
}

impl Difficulty {
    /// Every difficulty.
    pub const ALL: [Difficulty; 3] = [Difficulty::Simple, Difficulty::Cross, Difficulty::Complex];

    /// The stored id.
    pub fn id(self) -> &'static str {
        match self {
            Difficulty::Simple => "simple",
            Difficulty::Cross => "cross",
            Difficulty::Complex => "complex",
        }
    }

    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Difficulty::Simple => "一般问题",
            Difficulty::Cross => "跨部门问题",
            Difficulty::Complex => "复杂疑难问题",
        }
    }

    /// Parses an id or a label.
    pub fn parse(text: &str) -> Option<Difficulty> {
        Difficulty::ALL
            .into_iter()
            .find(|d| d.id() == text || d.label() == text)
    }
}

/// The enterprise's rating of an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rating {
    /// 满意: closes the problem.
    Satisfied,
    /// 基本满意: closes the problem.
    Basic,
    /// 不满意: back to the department.
    Unsatisfied,
}

impl Rating {
    /// Every rating.
    pub const ALL: [Rating; 3] = [Rating::Satisfied, Rating::Basic, Rating::Unsatisfied];

    /// The stored id.
    pub fn id(self) -> &'static str {
        match self {
            Rating::Satisfied => "satisfied",
            Rating::Basic => "basic",
            Rating::Unsatisfied => "unsatisfied",
        }
    }

    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Rating::Satisfied => "满意",
            Rating::Basic => "基本满意",
            Rating::Unsatisfied => "不满意",
        }
    }

    /// Parses an id or a label.
    pub fn parse(text: &str) -> Option<Rating> {
        Rating::ALL
            .into_iter()
            .find(|r| r.id() == text || r.label() == text)
    }

    /// Whether the rating closes the problem (销号).
    pub fn closes(self) -> bool {
        self != Rating::Unsatisfied
    }
}

/// The categories an enterprise files a problem under.
pub const CATEGORIES: [&str; 8] = [
    "要素保障（用地、用电、用水、用气）",
    "融资信贷",
    "审批手续",
    "政策兑现",
    "用工招工",
    "基础设施配套",
    "涉企检查与执法",
    "其他",
];

/// The time limits of the service rules (configurable; defaults after the practice in
/// plan-mechanisms §6.1: 5 and 15 working days, 1 month).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServiceRules {
    /// 一般问题.
    pub simple: TimeLimit,
    /// 跨部门问题.
    pub cross: TimeLimit,
    /// 复杂疑难问题.
    pub complex: TimeLimit,
}

impl Default for ServiceRules {
    fn default() -> Self {
        ServiceRules {
            simple: TimeLimit::WorkingDays(5),
            cross: TimeLimit::WorkingDays(15),
            complex: TimeLimit::Months(1),
        }
    }
}

impl ServiceRules {
    /// The time limit of a difficulty.
    pub fn limit(&self, d: Difficulty) -> TimeLimit {
        match d {
            Difficulty::Simple => self.simple,
            Difficulty::Cross => self.cross,
            Difficulty::Complex => self.complex,
        }
    }
}

/// What an actor may do in the problem ledger.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceRights {
    /// Reads problems (of its scope; a department only those assigned to it).
    pub reads: bool,
    /// Files problems (for its own enterprise, or for the enterprises of its cluster).
    pub files: bool,
    /// The service office: assigns problems, and may close one after a return visit.
    pub assigns: bool,
    /// Answers the problems assigned to its department.
    pub answers: bool,
    /// Rates answers (the enterprise; the office and cluster staff record a return visit).
    pub rates: bool,
    /// Keeps the calendar of working days.
    pub keeps_calendar: bool,
}

/// The permission table of the problem ledger.
pub fn service_rights(actor: &Actor) -> ServiceRights {
    let r = actor.role;
    ServiceRights {
        reads: matches!(
            r,
            Role::CityAdmin
                | Role::Leader
                | Role::Department
                | Role::County
                | Role::Cluster
                | Role::Enterprise
        ),
        files: matches!(r, Role::CityAdmin | Role::Cluster | Role::Enterprise),
        assigns: r == Role::CityAdmin,
        answers: r == Role::Department,
        rates: matches!(r, Role::CityAdmin | Role::Cluster | Role::Enterprise),
        keeps_calendar: r == Role::CityAdmin,
    }
}

impl crate::App {
    /// The service rules in force.
    pub fn service_rules(&self) -> &ServiceRules {
        &self.service
    }

    /// Sets the service rules.
    pub fn with_service_rules(mut self, rules: ServiceRules) -> crate::App {
        self.service = rules;
        self
    }
}
