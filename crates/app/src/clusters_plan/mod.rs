//! The clusters against the plan (一(二), 二(四), 三(五)): each cluster's indicators per year from
//! its enterprises' figures and the data departments supply ([`indicators`]), the annual
//! assessment with stars and rewards as runs ([`assessments`]), and the plan targets with
//! progress and projection ([`targets`]).
//!
//! [`ClusterPlanRights`] is the one permission table the use cases enforce and pages ask.

pub mod assessments;
pub(crate) mod demo;
pub mod indicators;
pub mod targets;

pub use mujun_cluster::indicators::{Indicator, Value};

use crate::{Actor, Role};

/// What an actor may do with cluster indicators, assessments and targets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterPlanRights {
    /// Reads indicators, targets and published assessments.
    pub reads: bool,
    /// Reads draft and approved assessments (the city and its leader).
    pub reads_drafts: bool,
    /// Supplies cluster data: the city any item, a department the items it owns.
    pub supplies: bool,
    /// Runs and publishes assessments, keeps the method and the targets (市发改委).
    pub runs: bool,
    /// Approves assessments (审定领导).
    pub approves: bool,
}

/// The permission table.
pub fn cluster_plan_rights(actor: &Actor) -> ClusterPlanRights {
    let r = actor.role;
    ClusterPlanRights {
        reads: actor.has_cockpit(),
        reads_drafts: matches!(r, Role::CityAdmin | Role::Leader),
        supplies: matches!(r, Role::CityAdmin | Role::Department),
        runs: r == Role::CityAdmin,
        approves: r == Role::Leader,
    }
}

/// The department that supplies each item (the city may enter any).
pub fn item_department(item: &str) -> Option<&'static str> {
    Some(match item {
        "price_index" | "large_medium" | "tech_investment" | "industrial_investment" => "statistics",
        "retrofitted_above" | "retrofitted_ab" | "green_factories" => "industry",
        "large_medium_rd" | "platforms" => "science",
        _ => return None,
    })
}
