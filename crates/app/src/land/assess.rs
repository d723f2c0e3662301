//! What the rules find in a project on a day: idleness (53号令), the exit finding, a stalled
//! construction, the five kinds — from its contract and its progress history. Used by the
//! candidate lists, the project page, the low-efficiency ledger and the map alike.

use mujun_domain::Date;
use mujun_land::exit::{self, ExitFinding};
use mujun_land::idle::{self, Development, Idleness};
use mujun_land::low_efficiency::{self, Construction, Kind, ParcelState, Stall};
use mujun_store::land_projects::{Progress, Project};

use super::{LandRules, date};

/// A project's stage as the latest report gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stage {
    /// 未动工.
    NotStarted,
    /// 在建.
    Building,
    /// 停工.
    Suspended,
    /// 已竣工.
    Completed,
    /// 已投产.
    Producing,
}

impl Stage {
    /// Every stage, in order.
    pub const ALL: [Stage; 5] = [
        Stage::NotStarted,
        Stage::Building,
        Stage::Suspended,
        Stage::Completed,
        Stage::Producing,
    ];

    /// The id stored in the database.
    pub fn id(self) -> &'static str {
        match self {
            Stage::NotStarted => "not_started",
            Stage::Building => "building",
            Stage::Suspended => "suspended",
            Stage::Completed => "completed",
            Stage::Producing => "producing",
        }
    }

    /// Parses a stored id.
    pub fn parse(id: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.id() == id)
    }

    /// The stage in words.
    pub fn label(self) -> &'static str {
        match self {
            Stage::NotStarted => "未动工",
            Stage::Building => "在建",
            Stage::Suspended => "停工",
            Stage::Completed => "已竣工",
            Stage::Producing => "已投产",
        }
    }
}

/// The findings on one project.
#[derive(Clone, Debug, PartialEq)]
pub struct Assessment {
    /// The stage (未动工 without reports).
    pub stage: Stage,
    /// The latest report.
    pub latest: Option<Progress>,
    /// 53号令 art. 2.
    pub idleness: Idleness,
    /// The exit rule.
    pub exit: ExitFinding,
    /// 停建缓建.
    pub stall: Stall,
    /// The five kinds.
    pub kind: Option<Kind>,
}

/// A holder's 亩均税收 (万元/亩) of a year: its tax over its evaluated land, or over the parcel's
/// area when no land figure is known.
pub(crate) fn tax_per_mu(tax: Option<f64>, land: Option<f64>, parcel_mu: f64) -> Option<f64> {
    let tax = tax?;
    let land = land.unwrap_or(parcel_mu);
    (land > 0.0).then(|| tax / land)
}

/// The 亩均税收 a project's holder must reach: the contract's, or the city's line for
/// 投而未达标 where the contract sets none.
pub(crate) fn tax_line(project: &Project, rules: &LandRules) -> f64 {
    project.contract.std_tax_per_mu.unwrap_or(rules.low_tax_per_mu)
}

/// The day the cumulative investment last grew (the first report if it never did).
fn last_investment_on(history: &[Progress]) -> Option<Date> {
    let mut max = f64::NEG_INFINITY;
    let mut last = None;
    for p in history {
        if p.investment_made > max {
            max = p.investment_made;
            last = date(Some(&p.reported_on));
        }
    }
    last
}

/// Assesses a project on `today`. `history` is its reports, oldest first; `government_cause`
/// says whether an idle case found the government caused the delay; `below_standard` whether
/// the holder's evaluated figures fall below the agreed or standard 亩均税收.
pub fn assess(
    project: &Project,
    history: &[Progress],
    government_cause: bool,
    below_standard: bool,
    today: Date,
    rules: &LandRules,
) -> Assessment {
    let c = &project.contract;
    let latest = history.last().cloned();
    let stage = latest
        .as_ref()
        .and_then(|p| Stage::parse(&p.stage))
        .unwrap_or(Stage::NotStarted);
    let started_on = latest.as_ref().and_then(|p| date(p.started_on.as_deref()));
    let agreed_start = date(Some(&c.agreed_start)).unwrap_or(today);
    let agreed_completion = date(Some(&c.agreed_completion)).unwrap_or(today);
    let area_developed = latest.as_ref().map_or(0.0, |p| p.area_developed_m2);
    let dev = Development {
        agreed_start,
        started_on,
        area_due: c.area_due_m2,
        area_developed,
        investment_total: c.investment_total,
        investment_made: latest.as_ref().map_or(0.0, |p| p.investment_made),
        suspended_since: latest
            .as_ref()
            .filter(|_| stage == Stage::Suspended)
            .and_then(|p| date(p.suspended_since.as_deref())),
    };
    // Stored contracts are validated (positive area and investment), so the rule cannot refuse.
    let idleness = idle::assess(&dev, today).unwrap_or(Idleness::NotIdle);
    let completed_on = latest.as_ref().and_then(|p| date(p.completed_on.as_deref()));
    let producing_on = latest.as_ref().and_then(|p| date(p.producing_on.as_deref()));
    let stall = low_efficiency::stall(
        &Construction {
            started_on,
            completed_on,
            last_investment_on: last_investment_on(history),
            agreed_completion,
        },
        today,
        &rules.low,
    );
    let exit = exit::assess(
        &exit::Project {
            agreed_start,
            started_on,
            government_caused: government_cause,
            no_substantive_progress: matches!(stall, Stall::NoInvestmentSince(_)),
        },
        today,
        &rules.exit,
    );
    let kind = low_efficiency::kind(
        &ParcelState {
            supplied: true,
            agreed_start: Some(agreed_start),
            agreed_completion: Some(agreed_completion),
            agreed_full_production: date(Some(&c.agreed_full_production)),
            started_on,
            completed_on,
            producing_on,
            area_due: c.area_due_m2,
            area_developed,
            below_standard,
        },
        today,
    );
    Assessment {
        stage,
        latest,
        idleness,
        exit,
        stall,
        kind,
    }
}
