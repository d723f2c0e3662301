//! Low-efficiency land (低效用地), the action plan's 二(一)3: enterprises that stopped or half
//! stopped production (停产 / 半停产), projects whose construction stalled (停建缓建), and
//! Zhejiang's five kinds of under-used land (批而未供 / 供而未用 / 用而未尽 / 建而未投 / 投而未达标).
//!
//! No Henan or Zhumadian definition of 停产半停产 or 停建缓建 was found (shared notes §2.1), so
//! the tests are working definitions with every threshold in [`LowRules`]: with yearly figures,
//! 停产 is a year with no revenue and no electricity; 半停产 is revenue or electricity below half
//! of the enterprise's own average of the two years before; 停建缓建 is construction started and
//! not completed with no new investment for 6 months, or past the agreed completion date.

use mujun_domain::Date;

use crate::dates::more_than_months;

/// The thresholds of the tests; the defaults are the working definitions above.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LowRules {
    /// 半停产 below this share (‰) of the own average of the two previous years.
    pub half_stop_permille: u32,
    /// 停建缓建 after this many months without new investment.
    pub stalled_months: u32,
}

impl Default for LowRules {
    fn default() -> Self {
        LowRules {
            half_stop_permille: 500,
            stalled_months: 6,
        }
    }
}

/// An enterprise's production figures of a year and the two before (万元, 万千瓦时).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Operation {
    /// 主营业务收入 of the year.
    pub revenue: Option<f64>,
    /// 用电量 of the year.
    pub electricity: Option<f64>,
    /// 主营业务收入 of the two previous years.
    pub previous_revenue: [Option<f64>; 2],
    /// 用电量 of the two previous years.
    pub previous_electricity: [Option<f64>; 2],
}

/// The production finding.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Production {
    /// Producing normally (or not enough figures to say otherwise).
    Normal,
    /// 停产: no revenue and no electricity all year.
    Stopped,
    /// 半停产: revenue or electricity (or both) below the share of the own average.
    HalfStopped {
        /// Revenue as a share (‰) of the own average, when it is below.
        revenue_permille: Option<u32>,
        /// Electricity as a share (‰) of the own average, when it is below.
        electricity_permille: Option<u32>,
    },
}

impl Production {
    /// The finding in words.
    pub fn describe(self) -> String {
        match self {
            Production::Normal => "生产正常".to_owned(),
            Production::Stopped => "停产：全年主营业务收入和用电量均为零".to_owned(),
            Production::HalfStopped {
                revenue_permille,
                electricity_permille,
            } => {
                let pct = |p: u32| format!("{:.1}%", f64::from(p) / 10.0);
                let mut why = Vec::new();
                if let Some(p) = revenue_permille {
                    why.push(format!("主营业务收入为前两年平均的 {}", pct(p)));
                }
                if let Some(p) = electricity_permille {
                    why.push(format!("用电量为前两年平均的 {}", pct(p)));
                }
                format!("半停产：{}", why.join("，"))
            }
        }
    }
}

fn share_below(now: Option<f64>, before: [Option<f64>; 2], permille: u32) -> Option<u32> {
    let now = now?;
    let [Some(a), Some(b)] = before else { return None };
    let average = f64::midpoint(a, b);
    if average <= 0.0 {
        return None;
    }
    // Compared as products (now × 1000 < average × permille) so the line itself is exact.
    (now * 1000.0 < average * f64::from(permille)).then(|| {
        let share = (now / average * 1000.0).round();
        // A share below the line is below 1000 ‰ and at least 0: it fits a u32.
        share.clamp(0.0, 1000.0) as u32
    })
}

/// Judges a year's production.
pub fn production(op: &Operation, rules: &LowRules) -> Production {
    if op.revenue == Some(0.0) && op.electricity == Some(0.0) {
        return Production::Stopped;
    }
    let revenue_permille = share_below(op.revenue, op.previous_revenue, rules.half_stop_permille);
    let electricity_permille = share_below(op.electricity, op.previous_electricity, rules.half_stop_permille);
    if revenue_permille.is_some() || electricity_permille.is_some() {
        Production::HalfStopped {
            revenue_permille,
            electricity_permille,
        }
    } else {
        Production::Normal
    }
}

/// Zhejiang's five kinds of under-used land (五未土地).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// 批而未供: approved for construction, not yet supplied.
    ApprovedNotSupplied,
    /// 供而未用: supplied, not started after the agreed start date.
    SuppliedNotUsed,
    /// 用而未尽: started, part of the area undeveloped after the agreed completion date.
    UsedNotFully,
    /// 建而未投: built, not producing after the agreed full-production date.
    BuiltNotProducing,
    /// 投而未达标: producing below the agreed or standard 亩均税收.
    ProducingBelowStandard,
}

impl Kind {
    /// Every kind, in the customary order.
    pub const ALL: [Kind; 5] = [
        Kind::ApprovedNotSupplied,
        Kind::SuppliedNotUsed,
        Kind::UsedNotFully,
        Kind::BuiltNotProducing,
        Kind::ProducingBelowStandard,
    ];

    /// The id stored in the database.
    pub fn id(self) -> &'static str {
        match self {
            Kind::ApprovedNotSupplied => "approved_not_supplied",
            Kind::SuppliedNotUsed => "supplied_not_used",
            Kind::UsedNotFully => "used_not_fully",
            Kind::BuiltNotProducing => "built_not_producing",
            Kind::ProducingBelowStandard => "producing_below_standard",
        }
    }

    /// Parses a stored id.
    pub fn parse(id: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.id() == id)
    }

    /// The kind's customary name.
    pub fn label(self) -> &'static str {
        match self {
            Kind::ApprovedNotSupplied => "批而未供",
            Kind::SuppliedNotUsed => "供而未用",
            Kind::UsedNotFully => "用而未尽",
            Kind::BuiltNotProducing => "建而未投",
            Kind::ProducingBelowStandard => "投而未达标",
        }
    }
}

/// What is known of a parcel for the five kinds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParcelState {
    /// Supplied (出让 / 划拨 done)?
    pub supplied: bool,
    /// Agreed dates (none for an unsupplied parcel).
    pub agreed_start: Option<Date>,
    /// Agreed completion.
    pub agreed_completion: Option<Date>,
    /// Agreed full production.
    pub agreed_full_production: Option<Date>,
    /// Started on.
    pub started_on: Option<Date>,
    /// Completed on.
    pub completed_on: Option<Date>,
    /// Producing since.
    pub producing_on: Option<Date>,
    /// Construction area due (m²).
    pub area_due: f64,
    /// Construction area developed (m²).
    pub area_developed: f64,
    /// Producing below the agreed or standard 亩均税收 (from the evaluated figures).
    pub below_standard: bool,
}

/// The kind a parcel falls in on `today`, if any (the earliest stage that applies).
pub fn kind(p: &ParcelState, today: Date) -> Option<Kind> {
    let past = |d: Option<Date>| d.is_some_and(|d| today > d);
    if !p.supplied {
        return Some(Kind::ApprovedNotSupplied);
    }
    if p.started_on.is_none() {
        return past(p.agreed_start).then_some(Kind::SuppliedNotUsed);
    }
    if p.area_developed < p.area_due && (p.completed_on.is_some() || past(p.agreed_completion)) {
        return Some(Kind::UsedNotFully);
    }
    if p.completed_on.is_some() && p.producing_on.is_none() {
        return past(p.agreed_full_production).then_some(Kind::BuiltNotProducing);
    }
    (p.producing_on.is_some() && p.below_standard).then_some(Kind::ProducingBelowStandard)
}

/// A project's construction as the 停建缓建 test sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Construction {
    /// Started on.
    pub started_on: Option<Date>,
    /// Completed on.
    pub completed_on: Option<Date>,
    /// The last day the cumulative investment grew (or the start, if it never did).
    pub last_investment_on: Option<Date>,
    /// Agreed completion.
    pub agreed_completion: Date,
}

/// The 停建缓建 finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stall {
    /// In order.
    None,
    /// No new investment for more than the months allowed since this day.
    NoInvestmentSince(Date),
    /// Not completed by the agreed completion date.
    PastCompletion(Date),
}

impl Stall {
    /// The finding in words.
    pub fn describe(self, months: u32) -> String {
        match self {
            Stall::None => "建设正常".to_owned(),
            Stall::NoInvestmentSince(d) => format!("停建缓建：自 {d} 起超过 {months} 个月无新增投资"),
            Stall::PastCompletion(d) => format!("停建缓建：已超过约定竣工日期 {d} 仍未竣工"),
        }
    }
}

/// Judges a project's construction on `today`.
pub fn stall(c: &Construction, today: Date, rules: &LowRules) -> Stall {
    let Some(started) = c.started_on else {
        return Stall::None;
    };
    if c.completed_on.is_some() {
        return Stall::None;
    }
    let last = c.last_investment_on.unwrap_or(started);
    if more_than_months(last, today, rules.stalled_months) {
        return Stall::NoInvestmentSince(last);
    }
    if today > c.agreed_completion {
        return Stall::PastCompletion(c.agreed_completion);
    }
    Stall::None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn half_of_the_own_average_is_the_line() {
        let rules = LowRules::default();
        let op = |revenue: f64| Operation {
            revenue: Some(revenue),
            electricity: Some(100.0),
            previous_revenue: [Some(900.0), Some(1100.0)],
            previous_electricity: [Some(100.0), Some(100.0)],
        };
        assert_eq!(
            production(&op(500.0), &rules),
            Production::Normal,
            "exactly half is not below"
        );
        let half = production(&op(499.0), &rules);
        assert_eq!(
            half,
            Production::HalfStopped {
                revenue_permille: Some(499),
                electricity_permille: None
            }
        );
        assert!(half.describe().contains("49.9%"), "{}", half.describe());
        let stopped = Operation {
            revenue: Some(0.0),
            electricity: Some(0.0),
            ..op(0.0)
        };
        assert_eq!(production(&stopped, &rules), Production::Stopped);
        // Without two previous years there is no average to compare with.
        let new = Operation {
            previous_revenue: [None, Some(1000.0)],
            ..op(10.0)
        };
        assert_eq!(production(&new, &rules), Production::Normal);
    }

    #[test]
    fn the_five_kinds_follow_the_stages() {
        let today = d("2026-06-01");
        let base = ParcelState {
            supplied: true,
            agreed_start: Some(d("2025-01-01")),
            agreed_completion: Some(d("2026-01-01")),
            agreed_full_production: Some(d("2026-05-01")),
            started_on: None,
            completed_on: None,
            producing_on: None,
            area_due: 10_000.0,
            area_developed: 0.0,
            below_standard: false,
        };
        let unsupplied = ParcelState {
            supplied: false,
            ..base
        };
        assert_eq!(kind(&unsupplied, today), Some(Kind::ApprovedNotSupplied));
        assert_eq!(kind(&base, today), Some(Kind::SuppliedNotUsed));
        assert_eq!(
            kind(&base, d("2025-01-01")),
            None,
            "on the agreed start day itself"
        );
        let partly = ParcelState {
            started_on: Some(d("2025-03-01")),
            area_developed: 6_000.0,
            ..base
        };
        assert_eq!(kind(&partly, today), Some(Kind::UsedNotFully));
        let built = ParcelState {
            area_developed: 10_000.0,
            completed_on: Some(d("2026-01-01")),
            ..partly
        };
        assert_eq!(kind(&built, today), Some(Kind::BuiltNotProducing));
        assert_eq!(kind(&built, d("2026-05-01")), None);
        let producing = ParcelState {
            producing_on: Some(d("2026-05-20")),
            ..built
        };
        assert_eq!(kind(&producing, today), None);
        let weak = ParcelState {
            below_standard: true,
            ..producing
        };
        assert_eq!(kind(&weak, today), Some(Kind::ProducingBelowStandard));
    }

    #[test]
    fn six_months_without_investment_stalls_a_project() {
        let rules = LowRules::default();
        let c = Construction {
            started_on: Some(d("2025-01-10")),
            completed_on: None,
            last_investment_on: Some(d("2025-09-30")),
            agreed_completion: d("2027-01-01"),
        };
        assert_eq!(
            stall(&c, d("2026-03-30"), &rules),
            Stall::None,
            "6 months to the day"
        );
        assert_eq!(
            stall(&c, d("2026-03-31"), &rules),
            Stall::NoInvestmentSince(d("2025-09-30"))
        );
        let late = Construction {
            last_investment_on: Some(d("2027-01-01")),
            ..c
        };
        assert_eq!(
            stall(&late, d("2027-01-02"), &rules),
            Stall::PastCompletion(d("2027-01-01"))
        );
        let done = Construction {
            completed_on: Some(d("2026-01-01")),
            ..c
        };
        assert_eq!(stall(&done, d("2027-06-01"), &rules), Stall::None);
    }
}
