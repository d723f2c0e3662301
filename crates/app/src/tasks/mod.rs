//! The action plan's key-task tracker (重点工作任务分工): the 附件 table preloaded ([`table`]),
//! progress reports of the lead units each period (month or quarter, [`period`]) and the parts
//! of the co-operating units, overdue periods flagged on the working calendar, and the whole
//! table for the city as the 督查 workbook ([`export`]).
//!
//! [`TaskRights`] is the one permission table; [`Relation`] says how a caller stands to a task.

pub(crate) mod demo;
pub mod export;
pub mod period;
pub mod table;
pub mod tracker;

use crate::{Actor, Role};

/// What a report says of the task's progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportStatus {
    /// 按计划推进.
    OnTrack,
    /// 进度滞后.
    Behind,
    /// 已完成.
    Done,
}

impl ReportStatus {
    /// Every status.
    pub const ALL: [ReportStatus; 3] = [ReportStatus::OnTrack, ReportStatus::Behind, ReportStatus::Done];

    /// The stored id.
    pub fn id(self) -> &'static str {
        match self {
            ReportStatus::OnTrack => "on_track",
            ReportStatus::Behind => "behind",
            ReportStatus::Done => "done",
        }
    }

    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            ReportStatus::OnTrack => "按计划推进",
            ReportStatus::Behind => "进度滞后",
            ReportStatus::Done => "已完成",
        }
    }

    /// Behind schedule.
    pub fn behind(self) -> bool {
        self == ReportStatus::Behind
    }

    /// Parses an id or a label.
    pub fn parse(text: &str) -> Option<ReportStatus> {
        ReportStatus::ALL
            .into_iter()
            .find(|s| s.id() == text || s.label() == text)
    }
}

/// What an actor may do in the tracker in general.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskRights {
    /// Reads the table and the reports.
    pub reads: bool,
    /// Sets a task's cadence, marks it done, loads the table (市发改委).
    pub manages: bool,
    /// Downloads the 督查 workbook.
    pub exports: bool,
}

/// The permission table of the tracker.
pub fn task_rights(actor: &Actor) -> TaskRights {
    let r = actor.role;
    TaskRights {
        reads: actor.has_cockpit(),
        manages: r == Role::CityAdmin,
        exports: matches!(r, Role::CityAdmin | Role::Leader),
    }
}

/// How a caller stands to one task.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Relation {
    /// Reports as a lead unit (the city reports for any lead unit, e.g. one without accounts).
    pub lead: bool,
    /// Adds its part as a co-operating unit.
    pub co: bool,
}

/// The relation of `actor` to a task with `units` (see [`mujun_store::plan_tasks::Unit`]).
pub fn relation(actor: &Actor, units: &[mujun_store::plan_tasks::Unit]) -> Relation {
    let mine = |u: &&mujun_store::plan_tasks::Unit| match actor.role {
        Role::Department => actor.department_id.is_some() && u.department_id == actor.department_id,
        Role::County => u.counties == 1 && actor.region_code.is_some(),
        _ => false,
    };
    let lead = units.iter().filter(mine).any(|u| u.lead == 1);
    let co = units.iter().filter(mine).any(|u| u.lead == 0);
    Relation {
        lead: lead || actor.role == Role::CityAdmin,
        co: co && !lead,
    }
}
