//! The land and project lifecycle (issue 13): parcels with contracts and progress reports
//! ([`projects`]), what the rules find in them every day ([`assess`]), idle-land and exit cases
//! run step by step with their documents ([`cases`]), low-efficiency land and its disposal plans
//! ([`low`]), 标准地 commitments ([`standard`]), the 亩均地图 ([`map`]) and the deadlines every
//! responsible role sees ([`deadlines`]).
//!
//! Who does what is decided once, in [`LandRights`]: the natural-resources department
//! (自然资源和规划局) and the city administrator keep the land records and run idle-land cases;
//! counties and clusters (the management committees, which introduce the projects) see their
//! own, report progress, run exit cases and dispose of low-efficiency land; an enterprise sees
//! its own projects and cases and reports its progress.

pub mod assess;
pub mod cases;
pub mod contracts;
pub mod deadlines;
mod demo;
mod demo_cases;
pub mod documents;
pub mod exports;
pub mod low;
pub mod map;
pub mod plans;
pub mod progress;
pub mod projects;
pub mod standard;
mod steps;

pub use mujun_land::cases::{CaseKind, CaseRules};
pub use mujun_land::exit::ExitRules;
pub use mujun_land::idle::IdleRules;
pub use mujun_land::low_efficiency::LowRules;
use mujun_store::Scope;

use crate::{Actor, App, AppError, Role};

/// The department that keeps land records and runs idle-land cases.
pub const LAND_DEPARTMENT: &str = "natural_resources";

/// The land rules a city may set (defaults: 53号令, the action plan, the working definitions of
/// the shared notes).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LandRules {
    /// Idle land.
    pub idle: IdleRules,
    /// Exit.
    pub exit: ExitRules,
    /// Case deadlines.
    pub cases: CaseRules,
    /// Low-efficiency tests.
    pub low: LowRules,
    /// 投而未达标 below this 亩均税收 (万元/亩) when the contract sets none (Dongyang's 5).
    pub low_tax_per_mu: f64,
    /// Months to rectify a missed 标准地 commitment.
    pub rectify_months: u32,
    /// A drawn polygon may differ from the declared area by this much (‰).
    pub polygon_tolerance_permille: u32,
}

impl Default for LandRules {
    fn default() -> Self {
        LandRules {
            idle: IdleRules::default(),
            exit: ExitRules::default(),
            cases: CaseRules::default(),
            low: LowRules::default(),
            low_tax_per_mu: 5.0,
            rectify_months: 12,
            polygon_tolerance_permille: 50,
        }
    }
}

impl LandRules {
    /// The low-efficiency tests in words, with the values in force.
    pub fn low_efficiency_text(&self) -> String {
        format!(
            "停产为全年主营业务收入和用电量均为零；半停产为主营业务收入或用电量低于本企业前两年平均的 {}%；\
             停建缓建为开工未竣工且超过 {} 个月无新增投资，或超过约定竣工日期；投而未达标为亩均税收低于合同约定，\
             未约定的低于 {} 万元/亩",
            self.low.half_stop_permille / 10,
            self.low.stalled_months,
            crate::evaluation::format::number(self.low_tax_per_mu, 2)
        )
    }
}

/// What a caller may do with land: asked by every land use case and every land page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LandRights {
    /// May open the land pages at all.
    pub reads: bool,
    /// Which projects, cases and parcels it sees.
    pub scope: Scope,
    /// Registers parcels and contracts (自然资源和规划局, city administrator).
    pub edits_records: bool,
    /// Runs idle-land cases (the same).
    pub handles_idle: bool,
    /// Runs exit cases (city administrator, county and cluster officers in their scope).
    pub handles_exit: bool,
    /// Draws up disposal plans (land keepers, county and cluster officers).
    pub plans_disposal: bool,
    /// Reports project progress (land keepers, county and cluster officers, the enterprise).
    pub reports_progress: bool,
}

impl LandRights {
    fn none() -> LandRights {
        LandRights {
            reads: false,
            scope: Scope::Nothing,
            edits_records: false,
            handles_idle: false,
            handles_exit: false,
            plans_disposal: false,
            reports_progress: false,
        }
    }

    /// Whether the caller runs cases of this kind.
    pub fn handles(&self, kind: CaseKind) -> bool {
        match kind {
            CaseKind::Idle => self.handles_idle,
            CaseKind::Exit => self.handles_exit,
        }
    }

    /// Whether a record with this holder's county and cluster lies in the caller's scope.
    pub fn covers(&self, region_code: &str, cluster_id: Option<i64>, enterprise_id: Option<i64>) -> bool {
        match &self.scope {
            Scope::All => true,
            Scope::Region(r) => r == region_code,
            Scope::Cluster(c) => cluster_id == Some(*c),
            Scope::Enterprise(e) => enterprise_id == Some(*e),
            Scope::Nothing => false,
        }
    }
}

impl App {
    /// The caller's land rights.
    pub async fn land_rights(&self, actor: &Actor) -> Result<LandRights, AppError> {
        let scope = actor.enterprise_scope();
        if !actor.reads_business_data() {
            return Ok(LandRights::none());
        }
        Ok(match actor.role {
            Role::CityAdmin => LandRights {
                reads: true,
                scope,
                edits_records: true,
                handles_idle: true,
                handles_exit: true,
                plans_disposal: true,
                reports_progress: true,
            },
            Role::Department => {
                let keeper = self.is_land_department(actor).await?;
                LandRights {
                    reads: true,
                    scope,
                    edits_records: keeper,
                    handles_idle: keeper,
                    handles_exit: false,
                    plans_disposal: keeper,
                    reports_progress: keeper,
                }
            }
            Role::Leader => LandRights {
                reads: true,
                scope,
                ..LandRights::none()
            },
            Role::County | Role::Cluster => LandRights {
                reads: true,
                scope,
                edits_records: false,
                handles_idle: false,
                handles_exit: true,
                plans_disposal: true,
                reports_progress: true,
            },
            Role::Enterprise => LandRights {
                reads: true,
                scope,
                reports_progress: true,
                ..LandRights::none()
            },
            Role::SysAdmin | Role::SecurityAdmin | Role::Auditor => LandRights::none(),
        })
    }

    async fn is_land_department(&self, actor: &Actor) -> Result<bool, AppError> {
        let Some(d) = actor.department_id else {
            return Ok(false);
        };
        let mut c = self.store.read().await?;
        Ok(mujun_store::departments::get(&mut c, d)
            .await?
            .is_some_and(|d| d.code == LAND_DEPARTMENT))
    }

    /// The land rights, or an audited refusal when the caller may not open land pages.
    pub(crate) async fn land_reader(&self, actor: &Actor, action: &str) -> Result<LandRights, AppError> {
        let rights = self.land_rights(actor).await?;
        if rights.reads {
            Ok(rights)
        } else {
            Err(self
                .deny(actor, action, ("land", ""), "该角色不能查看土地与项目")
                .await)
        }
    }

    /// The land rules in force.
    pub fn land_rules(&self) -> &LandRules {
        &self.land
    }

    /// Sets the land rules.
    pub fn with_land_rules(mut self, rules: LandRules) -> App {
        self.land = rules;
        self
    }
}

/// Today in Beijing as a date.
pub(crate) fn today() -> mujun_domain::Date {
    // The clock always yields a valid date; the epoch is only a fallback for a broken clock.
    mujun_domain::Date::parse(&crate::clock::today())
        .unwrap_or_else(|_| mujun_domain::Date::first_of_year(1970))
}

/// A stored date, if it is one.
pub(crate) fn date(text: Option<&str>) -> Option<mujun_domain::Date> {
    text.and_then(|t| mujun_domain::Date::parse(t).ok())
}

/// Money in fen as 元 with two decimals and thousands separators.
pub fn yuan(fen: i64) -> String {
    crate::evaluation::format::number(fen as f64 / 100.0, 2)
}
