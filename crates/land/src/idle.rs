//! Idle land (闲置土地) under 《闲置土地处置办法》(国土资源部令第53号):
//!
//! - art. 2 — land is idle when the holder has not started development one full year after the
//!   agreed start date (动工开发日期, from the 出让合同 or 划拨决定书), or has started but developed
//!   less than 1/3 of the area due or invested less than 25 % of the total investment (land price
//!   and state fees excluded) and has suspended construction for one full year;
//! - art. 8 — six government causes route a case to the negotiated options of arts. 12–13;
//! - art. 14 — an enterprise cause costs a fee of 20 % of the land price after one full year, and
//!   the land is taken back without compensation after two.
//!
//! The seed plan counts from 摘牌; the national clock counts from the contract's start date, which
//! is what is encoded (see the shared notes, §1.5). The fee rate and the years are parameters
//! ([`IdleRules`]) because local measures vary (e.g. monthly fees capped at 20 %).

use mujun_domain::Date;

use crate::LandError;
use crate::dates::full_years;

/// The parameters of the idle-land rules; the defaults are 53号令's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdleRules {
    /// The fee as a share of the land price, in per mille (200 = 20 %).
    pub fee_permille: u32,
    /// Full years of idleness after which the fee is due.
    pub fee_after_years: u32,
    /// Full years of idleness after which the land is taken back without compensation.
    pub take_back_after_years: u32,
}

impl Default for IdleRules {
    fn default() -> Self {
        IdleRules {
            fee_permille: 200,
            fee_after_years: 1,
            take_back_after_years: 2,
        }
    }
}

/// What is known of a parcel's development on the day it is judged.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Development {
    /// The start date agreed in the contract or the allocation decision.
    pub agreed_start: Date,
    /// The day development started (动工), if it has.
    pub started_on: Option<Date>,
    /// The construction area that should have been developed (m²).
    pub area_due: f64,
    /// The construction area developed (m²).
    pub area_developed: f64,
    /// Total investment agreed, land price and state fees excluded (万元).
    pub investment_total: f64,
    /// Investment made so far, on the same basis (万元).
    pub investment_made: f64,
    /// Since when construction has been suspended, if it is.
    pub suspended_since: Option<Date>,
}

/// Why a stalled parcel falls short (either suffices, with a full year of suspension).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shortfall {
    /// Developed area below 1/3 of the area due.
    pub area_below_third: bool,
    /// Investment below 25 % of the total.
    pub investment_below_quarter: bool,
}

/// The finding of art. 2 on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Idleness {
    /// Not idle (yet).
    NotIdle,
    /// Not started: `full_years` full years after the agreed start date.
    NotStarted {
        /// Full years past the agreed start date (≥ 1).
        full_years: u32,
    },
    /// Started, short of a third of the area or a quarter of the investment, and suspended for
    /// `full_years` full years.
    Stalled {
        /// Full years of suspension (≥ 1).
        full_years: u32,
        /// What falls short.
        shortfall: Shortfall,
    },
}

impl Idleness {
    /// Full years of idleness (0 when not idle).
    pub fn full_years(self) -> u32 {
        match self {
            Idleness::NotIdle => 0,
            Idleness::NotStarted { full_years } | Idleness::Stalled { full_years, .. } => full_years,
        }
    }

    /// The finding in words.
    pub fn describe(self) -> String {
        match self {
            Idleness::NotIdle => "未构成闲置".to_owned(),
            Idleness::NotStarted { full_years } => {
                format!("超过约定动工开发日期满 {full_years} 年未动工开发")
            }
            Idleness::Stalled {
                full_years,
                shortfall,
            } => {
                let mut why = Vec::new();
                if shortfall.area_below_third {
                    why.push("已开发面积不足应动工开发面积的三分之一");
                }
                if shortfall.investment_below_quarter {
                    why.push("已投资额不足总投资额的百分之二十五");
                }
                format!("已动工开发但{}，且中止开发建设满 {full_years} 年", why.join("、"))
            }
        }
    }
}

/// Judges a parcel on `today` (art. 2). Exactly 1/3 of the area or exactly 25 % of the
/// investment is not "below".
pub fn assess(d: &Development, today: Date) -> Result<Idleness, LandError> {
    if d.area_due <= 0.0 || !d.area_due.is_finite() {
        return Err(LandError::NotPositive("应动工开发面积"));
    }
    if d.investment_total <= 0.0 || !d.investment_total.is_finite() {
        return Err(LandError::NotPositive("总投资额"));
    }
    if d.area_developed < 0.0 || d.investment_made < 0.0 {
        return Err(LandError::NotPositive("已开发面积和已投资额"));
    }
    let Some(_) = d.started_on else {
        let years = full_years(d.agreed_start, today);
        return Ok(if years >= 1 {
            Idleness::NotStarted { full_years: years }
        } else {
            Idleness::NotIdle
        });
    };
    let shortfall = Shortfall {
        // Multiplied, not divided: exactly a third stays exact.
        area_below_third: d.area_developed * 3.0 < d.area_due,
        investment_below_quarter: d.investment_made * 4.0 < d.investment_total,
    };
    let Some(since) = d.suspended_since else {
        return Ok(Idleness::NotIdle);
    };
    let years = full_years(since, today);
    if years >= 1 && (shortfall.area_below_third || shortfall.investment_below_quarter) {
        Ok(Idleness::Stalled {
            full_years: years,
            shortfall,
        })
    } else {
        Ok(Idleness::NotIdle)
    }
}

/// The six government causes of art. 8 (the case then goes to the negotiated options).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GovernmentCause {
    /// The land was not handed over on the agreed date or conditions.
    LandNotDelivered,
    /// The land-use or urban-rural plan was lawfully changed.
    PlanChanged,
    /// New state policy requires other planning or construction conditions.
    PolicyChanged,
    /// Unresolved petitions of people on the land.
    Petitions,
    /// Military control, protection of cultural relics and the like.
    MilitaryOrRelics,
    /// Another act of the government or its departments.
    OtherGovernmentAct,
}

impl GovernmentCause {
    /// Every cause, in the order of art. 8.
    pub const ALL: [GovernmentCause; 6] = [
        GovernmentCause::LandNotDelivered,
        GovernmentCause::PlanChanged,
        GovernmentCause::PolicyChanged,
        GovernmentCause::Petitions,
        GovernmentCause::MilitaryOrRelics,
        GovernmentCause::OtherGovernmentAct,
    ];

    /// The cause in the words of art. 8.
    pub fn label(self) -> &'static str {
        match self {
            GovernmentCause::LandNotDelivered => {
                "未按约定的期限和条件将土地交付使用，致使项目不具备动工开发条件"
            }
            GovernmentCause::PlanChanged => {
                "土地利用总体规划、城乡规划依法修改，无法按约定的用途、规划和建设条件开发"
            }
            GovernmentCause::PolicyChanged => "因国家出台相关政策，需要对约定的规划和建设条件进行修改",
            GovernmentCause::Petitions => "因处置土地上相关群众信访事项等无法动工开发",
            GovernmentCause::MilitaryOrRelics => "因军事管制、文物保护等无法动工开发",
            GovernmentCause::OtherGovernmentAct => "政府、政府有关部门的其他行为",
        }
    }
}

impl GovernmentCause {
    /// The id stored in the database.
    pub fn id(self) -> &'static str {
        match self {
            GovernmentCause::LandNotDelivered => "land_not_delivered",
            GovernmentCause::PlanChanged => "plan_changed",
            GovernmentCause::PolicyChanged => "policy_changed",
            GovernmentCause::Petitions => "petitions",
            GovernmentCause::MilitaryOrRelics => "military_or_relics",
            GovernmentCause::OtherGovernmentAct => "other_government_act",
        }
    }
}

/// Who caused the idleness, as the 认定 found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// The holder (art. 14 applies).
    Enterprise,
    /// The government (arts. 12–13 apply).
    Government(GovernmentCause),
}

impl Cause {
    /// The id stored in the database: `enterprise` or the government cause's id.
    pub fn id(self) -> &'static str {
        match self {
            Cause::Enterprise => "enterprise",
            Cause::Government(g) => g.id(),
        }
    }

    /// Parses a stored id.
    pub fn parse(id: &str) -> Option<Cause> {
        if id == "enterprise" {
            return Some(Cause::Enterprise);
        }
        GovernmentCause::ALL
            .into_iter()
            .find(|g| g.id() == id)
            .map(Cause::Government)
    }

    /// The cause in words.
    pub fn label(self) -> String {
        match self {
            Cause::Enterprise => "企业自身原因".to_owned(),
            Cause::Government(g) => format!("政府原因：{}", g.label()),
        }
    }

    /// Every cause: the enterprise's, then the six of art. 8.
    pub fn all() -> Vec<Cause> {
        std::iter::once(Cause::Enterprise)
            .chain(GovernmentCause::ALL.into_iter().map(Cause::Government))
            .collect()
    }
}

/// The options of arts. 12–13 for government-caused idleness.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NegotiatedOption {
    /// Extend the start date by a supplementary agreement, at most one year.
    ExtendStart,
    /// Change the use or the planning conditions (the land re-priced).
    ChangeUse,
    /// Temporary use arranged by the government, at most two years.
    TemporaryUse,
    /// Take the land back against compensation, by agreement.
    PaidTakeBack,
    /// Swap it for other land.
    Swap,
    /// Another way set by local rules.
    Other,
}

impl NegotiatedOption {
    /// Every option, in the order of art. 12.
    pub const ALL: [NegotiatedOption; 6] = [
        NegotiatedOption::ExtendStart,
        NegotiatedOption::ChangeUse,
        NegotiatedOption::TemporaryUse,
        NegotiatedOption::PaidTakeBack,
        NegotiatedOption::Swap,
        NegotiatedOption::Other,
    ];

    /// The option in words, with its limit.
    pub fn label(self) -> &'static str {
        match self {
            NegotiatedOption::ExtendStart => "延长动工开发期限（不超过 1 年）",
            NegotiatedOption::ChangeUse => "调整土地用途、规划条件",
            NegotiatedOption::TemporaryUse => "由政府安排临时使用（不超过 2 年）",
            NegotiatedOption::PaidTakeBack => "协议有偿收回",
            NegotiatedOption::Swap => "置换土地",
            NegotiatedOption::Other => "其他处置方式",
        }
    }
}

impl NegotiatedOption {
    /// The id stored in the database.
    pub fn id(self) -> &'static str {
        match self {
            NegotiatedOption::ExtendStart => "extend_start",
            NegotiatedOption::ChangeUse => "change_use",
            NegotiatedOption::TemporaryUse => "temporary_use",
            NegotiatedOption::PaidTakeBack => "paid_take_back",
            NegotiatedOption::Swap => "swap",
            NegotiatedOption::Other => "other",
        }
    }

    /// Parses a stored id.
    pub fn parse(id: &str) -> Option<NegotiatedOption> {
        NegotiatedOption::ALL.into_iter().find(|o| o.id() == id)
    }
}

/// What the law provides for an idle parcel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Disposal {
    /// Nothing yet (not idle, or not yet a full year).
    None,
    /// 征缴土地闲置费: the amount in fen (分).
    Fee {
        /// The fee in fen.
        fen: i64,
    },
    /// 无偿收回国有建设用地使用权.
    TakeBack,
    /// Government-caused: negotiate one of these.
    Negotiate(Vec<NegotiatedOption>),
}

/// `price_fen × permille / 1000`, rounded half up to the fen.
pub fn fee_fen(price_fen: i64, permille: u32) -> Result<i64, LandError> {
    if price_fen <= 0 {
        return Err(LandError::NotPositive("土地出让（划拨）价款"));
    }
    let scaled = i128::from(price_fen) * i128::from(permille);
    let fee = (scaled + 500) / 1000;
    i64::try_from(fee).map_err(|_| LandError::NotPositive("土地出让（划拨）价款"))
}

/// What follows from `idleness` and its `cause` for a parcel sold or allocated for `price_fen`.
pub fn disposal(
    idleness: Idleness,
    cause: Cause,
    price_fen: i64,
    rules: &IdleRules,
) -> Result<Disposal, LandError> {
    let years = idleness.full_years();
    if years == 0 {
        return Ok(Disposal::None);
    }
    Ok(match cause {
        Cause::Government(_) => Disposal::Negotiate(NegotiatedOption::ALL.to_vec()),
        Cause::Enterprise if years >= rules.take_back_after_years => Disposal::TakeBack,
        Cause::Enterprise if years >= rules.fee_after_years => Disposal::Fee {
            fen: fee_fen(price_fen, rules.fee_permille)?,
        },
        Cause::Enterprise => Disposal::None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn plus(date: Date, days: i64) -> Date {
        Date::from_days_since_epoch(date.days_since_epoch() + days).unwrap()
    }

    fn parcel() -> Development {
        Development {
            agreed_start: d("2022-03-01"),
            started_on: None,
            area_due: 30_000.0,
            area_developed: 0.0,
            investment_total: 8_000.0,
            investment_made: 0.0,
            suspended_since: None,
        }
    }

    #[test]
    fn not_started_day_365_is_not_idle_and_day_366_is() {
        let p = parcel();
        assert_eq!(assess(&p, plus(p.agreed_start, 365)).unwrap(), Idleness::NotIdle);
        assert_eq!(
            assess(&p, plus(p.agreed_start, 366)).unwrap(),
            Idleness::NotStarted { full_years: 1 }
        );
        assert_eq!(
            assess(&p, d("2024-03-02")).unwrap(),
            Idleness::NotStarted { full_years: 2 }
        );
    }

    #[test]
    fn a_third_of_the_area_and_a_quarter_of_the_investment_are_the_lines() {
        let since = d("2023-01-10");
        let today = d("2024-01-11");
        let stalled = |area: f64, invested: f64| Development {
            started_on: Some(d("2022-05-01")),
            area_developed: area,
            investment_made: invested,
            suspended_since: Some(since),
            ..parcel()
        };
        // Exactly 1/3 and exactly 25 %: not below, not idle.
        assert_eq!(
            assess(&stalled(10_000.0, 2_000.0), today).unwrap(),
            Idleness::NotIdle
        );
        // Just below a third of the area (investment fine): idle.
        let found = assess(&stalled(9_999.99, 2_000.0), today).unwrap();
        assert_eq!(
            found,
            Idleness::Stalled {
                full_years: 1,
                shortfall: Shortfall {
                    area_below_third: true,
                    investment_below_quarter: false
                }
            }
        );
        assert!(found.describe().contains("三分之一"), "{}", found.describe());
        // Just below a quarter of the investment: idle.
        assert!(matches!(
            assess(&stalled(10_000.0, 1_999.99), today).unwrap(),
            Idleness::Stalled {
                shortfall: Shortfall {
                    investment_below_quarter: true,
                    ..
                },
                ..
            }
        ));
        // Short, but suspended less than a full year: not yet.
        assert_eq!(
            assess(&stalled(0.0, 0.0), d("2024-01-10")).unwrap(),
            Idleness::NotIdle
        );
        // Short but not suspended: not idle.
        let going = Development {
            suspended_since: None,
            ..stalled(0.0, 0.0)
        };
        assert_eq!(assess(&going, today).unwrap(), Idleness::NotIdle);
    }

    #[test]
    fn the_fee_is_a_fifth_of_the_price_and_two_years_take_the_land_back() {
        let rules = IdleRules::default();
        // 1,234.5678 万元 = 12,345,678 元 = 1,234,567,800 分; 20 % = 246,913,560 分.
        let price = 1_234_567_800;
        let one = Idleness::NotStarted { full_years: 1 };
        assert_eq!(
            disposal(one, Cause::Enterprise, price, &rules).unwrap(),
            Disposal::Fee { fen: 246_913_560 }
        );
        assert_eq!(fee_fen(3, 200).unwrap(), 1, "0.6 分 rounds to 1");
        assert_eq!(fee_fen(2, 200).unwrap(), 0, "0.4 分 rounds to 0");
        let two = Idleness::NotStarted { full_years: 2 };
        assert_eq!(
            disposal(two, Cause::Enterprise, price, &rules).unwrap(),
            Disposal::TakeBack
        );
        // The government's cause: never a fee or a take-back, whatever the years.
        let gov = Cause::Government(GovernmentCause::LandNotDelivered);
        assert_eq!(
            disposal(two, gov, price, &rules).unwrap(),
            Disposal::Negotiate(NegotiatedOption::ALL.to_vec())
        );
        assert_eq!(
            disposal(Idleness::NotIdle, Cause::Enterprise, price, &rules).unwrap(),
            Disposal::None
        );
        assert!(disposal(one, Cause::Enterprise, 0, &rules).is_err());
    }

    #[test]
    fn impossible_inputs_are_refused_in_words() {
        let p = Development {
            area_due: 0.0,
            ..parcel()
        };
        assert_eq!(
            assess(&p, d("2025-01-01")).unwrap_err().to_string(),
            "应动工开发面积必须大于 0"
        );
    }

    proptest::proptest! {
        /// More time never makes a parcel less idle.
        #[test]
        fn idleness_only_grows_with_time(days in 0i64..2_000, more in 0i64..1_000, area in 0.0f64..40_000.0) {
            let p = Development { started_on: Some(d("2022-04-01")), suspended_since: Some(d("2022-06-01")), area_developed: area, ..parcel() };
            let a = assess(&p, plus(d("2022-06-01"), days)).unwrap().full_years();
            let b = assess(&p, plus(d("2022-06-01"), days + more)).unwrap().full_years();
            proptest::prop_assert!(b >= a);
        }
    }
}
