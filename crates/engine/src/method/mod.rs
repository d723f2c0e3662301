//! Method files (spec §10): what to evaluate and how.
//!
//! A [`Method`] is parsed once from TOML ([`Method::parse`]) and is then immutable and always
//! valid: every indicator id is known, every weight finite and ≥ 0, quota shares are exact
//! multiples of 0.0001, quantile shares sum to 1, and every selector and policy can be applied.

mod parse;
pub mod presets;

use mujun_domain::{IndicatorId, IndustryCode, IndustryRange, Scale};

/// A share such as 0.15, held exactly in units of 0.0001 (the spec allows at most 4 decimals).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Share(u32);

impl Share {
    /// The whole (1.0).
    pub const ONE: Share = Share(10_000);

    /// Builds a share from units of 0.0001.
    pub fn from_basis_points(units: u32) -> Share {
        Share(units)
    }

    /// The share in units of 0.0001.
    pub fn units(self) -> u32 {
        self.0
    }

    /// The share as a number.
    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 10_000.0
    }

    /// round(n × share), half up, computed exactly: ⌊(n × units + 5000) / 10000⌋.
    pub fn of(self, n: usize) -> usize {
        ((n as u64 * u64::from(self.0) + 5_000) / 10_000) as usize
    }
}

/// How an indicator's benchmark B is found (spec §4.1).
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Benchmark {
    /// The mean of the pool's defined values.
    PoolMean,
    /// A published constant.
    Fixed(f64),
    /// k × the pool mean.
    PoolMeanTimes(f64),
}

/// What an undefined indicator value scores (spec §4.4).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum UndefinedPolicy {
    /// Score 0.
    Zero,
    /// Score w × cap.
    Cap,
    /// The mean score of the pool's enterprises with a defined value.
    PoolAverage,
}

impl UndefinedPolicy {
    /// The id used in method files.
    pub fn id(self) -> &'static str {
        match self {
            UndefinedPolicy::Zero => "zero",
            UndefinedPolicy::Cap => "cap",
            UndefinedPolicy::PoolAverage => "pool_average",
        }
    }
}

/// One scored indicator of a group.
#[derive(Clone, PartialEq, Debug)]
pub struct IndicatorSpec {
    /// Which indicator.
    pub id: IndicatorId,
    /// Its weight w (full score at ratio 1).
    pub weight: f64,
    /// How its benchmark is found.
    pub benchmark: Benchmark,
    /// Upper bound of the ratio, if any.
    pub cap: Option<f64>,
    /// Lower bound of the ratio.
    pub floor: f64,
    /// Policy when an input is missing.
    pub on_missing: UndefinedPolicy,
    /// Policy when the denominator is zero.
    pub on_zero_denominator: UndefinedPolicy,
}

/// Which enterprises are ranked together (spec §2.4).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PoolBy {
    /// Each 产业集聚区.
    Cluster,
    /// Each 县区.
    Region,
    /// The whole input.
    All,
}

impl PoolBy {
    /// The id used in method files.
    pub fn id(self) -> &'static str {
        match self {
            PoolBy::Cluster => "cluster",
            PoolBy::Region => "region",
            PoolBy::All => "all",
        }
    }
}

/// A figure used to pick A or C within a half (spec §6.1).
#[derive(Clone, PartialEq, Debug)]
pub enum Selector {
    /// The sum of these indicator scores; indices into the group's indicators.
    Scores(Vec<usize>),
    /// The raw value of an indicator (undefined counts as 0).
    Value(IndicatorId),
    /// The total score.
    Total,
}

/// A classification rule (spec §6).
#[derive(Clone, PartialEq, Debug)]
pub enum Rule {
    /// Henan 2019: A from the top half, C from the bottom half.
    HenanTwoStage {
        /// Share of the pool in the top half.
        top_share: Share,
        /// Share of the pool classed A.
        a_share: Share,
        /// Share of the pool classed C.
        c_share: Share,
        /// Orders the top half for A.
        a_selector: Selector,
        /// Orders the bottom half for C.
        c_selector: Selector,
    },
    /// Classes by cumulative rank shares, best first (`classes` of the group, same order).
    Quantile {
        /// One share per class.
        shares: Vec<Share>,
    },
    /// Classes by the least total each needs, in the order of `classes` (highest cut first).
    Threshold {
        /// One cut per class, descending.
        cuts: Vec<f64>,
    },
}

impl Rule {
    /// The id used in method files.
    pub fn id(&self) -> &'static str {
        match self {
            Rule::HenanTwoStage { .. } => "henan_two_stage",
            Rule::Quantile { .. } => "quantile",
            Rule::Threshold { .. } => "threshold",
        }
    }
}

/// A group of enterprises with its own indicators and classification (spec §2.3).
#[derive(Clone, PartialEq, Debug)]
pub struct Group {
    /// Group id (e.g. `above`).
    pub id: String,
    /// The scale it takes.
    pub scale: Scale,
    /// How it is pooled.
    pub pool: PoolBy,
    /// Scored indicators.
    pub indicators: Vec<IndicatorSpec>,
    /// Class labels, best first; the last is the lowest class (where vetoed enterprises go).
    pub classes: Vec<String>,
    /// The classification rule.
    pub rule: Rule,
}

impl Group {
    /// Index of the lowest class.
    pub fn lowest_class(&self) -> usize {
        self.classes.len() - 1
    }

    /// Index of a class label.
    pub fn class_index(&self, label: &str) -> Option<usize> {
        self.classes.iter().position(|c| c == label)
    }

    /// Index of an indicator among the group's scored indicators.
    pub fn indicator_index(&self, id: IndicatorId) -> Option<usize> {
        self.indicators.iter().position(|i| i.id == id)
    }
}

/// A parsed, valid method file.
#[derive(Clone, PartialEq, Debug)]
pub struct Method {
    /// Method id (e.g. `henan-2019`).
    pub id: String,
    /// Chinese name.
    pub name: String,
    /// Industries in scope.
    pub industries: Vec<IndustryRange>,
    /// Industries excluded with reason `exempt_industry`.
    pub exempt_industries: Vec<IndustryRange>,
    /// m: whole years in production required at the end of the year (0 = off).
    pub min_years_in_production: u16,
    /// Least land (亩) a 规下 enterprise needs to be evaluated.
    pub below_scale_min_land_mu: f64,
    /// Upper bound of the bonus.
    pub max_bonus: f64,
    /// Bonus items and their points, in file order.
    pub bonus_points: Vec<(String, f64)>,
    /// Veto items and their Chinese labels, in file order (the first that applies is reported).
    pub veto_items: Vec<(String, String)>,
    /// Groups, in file order.
    pub groups: Vec<Group>,
    /// The method file text as given.
    pub source: String,
    /// SHA-256 of the method file text, hex.
    pub hash: String,
}

/// The most items of each kind a method may declare (they are held as a bit set).
pub const MAX_ITEMS: usize = 64;

impl Method {
    /// Parses and validates a method file (spec §10).
    pub fn parse(source: &str) -> Result<Method, crate::EngineError> {
        parse::parse(source)
    }

    /// True when the industry is in scope.
    pub fn in_scope(&self, industry: IndustryCode) -> bool {
        self.industries.iter().any(|r| r.contains(industry))
    }

    /// True when the industry is exempt.
    pub fn is_exempt(&self, industry: IndustryCode) -> bool {
        self.exempt_industries.iter().any(|r| r.contains(industry))
    }

    /// The group that takes a scale, if any.
    pub fn group_for(&self, scale: Scale) -> Option<usize> {
        self.groups.iter().position(|g| g.scale == scale)
    }

    /// Index of a bonus item.
    pub fn bonus_index(&self, id: &str) -> Option<usize> {
        self.bonus_points.iter().position(|(b, _)| b == id)
    }

    /// Index of a veto item.
    pub fn veto_index(&self, id: &str) -> Option<usize> {
        self.veto_items.iter().position(|(v, _)| v == id)
    }

    /// Every indicator scored by any group, in group order, each once. Batch outputs use this as
    /// the column order.
    pub fn all_indicators(&self) -> Vec<IndicatorId> {
        let mut out: Vec<IndicatorId> = Vec::new();
        for g in &self.groups {
            for i in &g.indicators {
                if !out.contains(&i.id) {
                    out.push(i.id);
                }
            }
        }
        out
    }
}
