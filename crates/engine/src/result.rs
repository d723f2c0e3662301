//! What an evaluation produces: per enterprise, per pool, and for the run.

use crate::method::UndefinedPolicy;

/// Why an enterprise is not evaluated (class X, 不参评). Variants are in the spec's priority
/// order: when several apply, the first is recorded.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Hash)]
pub enum Exclusion {
    /// Industry outside the method's scope.
    IndustryOutOfScope,
    /// Industry listed as exempt.
    ExemptIndustry,
    /// Fewer than m whole years in production at the end of the year.
    TooNew,
    /// Land missing or ≤ 0.
    NoLand,
    /// 规下 with land below the minimum.
    BelowMinLand,
    /// No group of the method takes its scale.
    NoGroup,
    /// Pooled by cluster but outside every cluster.
    NoCluster,
}

impl Exclusion {
    /// The id written in outputs.
    pub fn id(self) -> &'static str {
        match self {
            Exclusion::IndustryOutOfScope => "industry_out_of_scope",
            Exclusion::ExemptIndustry => "exempt_industry",
            Exclusion::TooNew => "too_new",
            Exclusion::NoLand => "no_land",
            Exclusion::BelowMinLand => "below_min_land",
            Exclusion::NoGroup => "no_group",
            Exclusion::NoCluster => "no_cluster",
        }
    }

    /// The Chinese explanation.
    pub fn label(self) -> &'static str {
        match self {
            Exclusion::IndustryOutOfScope => "行业不在评价范围内",
            Exclusion::ExemptIndustry => "属于豁免行业",
            Exclusion::TooNew => "投产未满规定年限",
            Exclusion::NoLand => "无用地面积（缺失或不大于 0）",
            Exclusion::BelowMinLand => "规下企业用地面积低于参评下限",
            Exclusion::NoGroup => "评价方法没有适用于该规模的评价组",
            Exclusion::NoCluster => "不在任何产业集聚区内（该组按集聚区排名）",
        }
    }
}

/// An indicator's value for one enterprise.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum IndicatorValue {
    /// Computed.
    Defined(f64),
    /// An input it needs is absent (or 0/0).
    Missing,
    /// Its denominator is 0 with a non-zero numerator.
    ZeroDenominator,
}

impl IndicatorValue {
    /// The value when defined.
    pub fn defined(self) -> Option<f64> {
        match self {
            IndicatorValue::Defined(v) => Some(v),
            _ => None,
        }
    }
}

/// How an indicator score came about: the explanation of one score.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Basis {
    /// w × x / B, within [floor, cap].
    Ratio,
    /// x / B was above the cap: w × cap.
    Capped,
    /// x / B was below the floor: w × floor.
    Floored,
    /// The benchmark is ≤ 0 (or no enterprise has a value): ratio 0.
    BenchmarkNotPositive,
    /// Undefined (missing), scored by this policy.
    Missing(UndefinedPolicy),
    /// Undefined (zero denominator), scored by this policy.
    ZeroDenominator(UndefinedPolicy),
}

impl Basis {
    /// A short id for outputs: empty for a plain ratio.
    pub fn id(self) -> &'static str {
        match self {
            Basis::Ratio => "",
            Basis::Capped => "cap",
            Basis::Floored => "floor",
            Basis::BenchmarkNotPositive => "benchmark_not_positive",
            Basis::Missing(UndefinedPolicy::Zero) => "missing:zero",
            Basis::Missing(UndefinedPolicy::Cap) => "missing:cap",
            Basis::Missing(UndefinedPolicy::PoolAverage) => "missing:pool_average",
            Basis::ZeroDenominator(UndefinedPolicy::Zero) => "zero_denominator:zero",
            Basis::ZeroDenominator(UndefinedPolicy::Cap) => "zero_denominator:cap",
            Basis::ZeroDenominator(UndefinedPolicy::PoolAverage) => "zero_denominator:pool_average",
        }
    }

    /// The Chinese explanation.
    pub fn label(self) -> &'static str {
        match self {
            Basis::Ratio => "按基准值折算",
            Basis::Capped => "超过上限，按上限计分",
            Basis::Floored => "低于下限，按下限计分",
            Basis::BenchmarkNotPositive => "基准值不大于 0，比值按 0 计",
            Basis::Missing(UndefinedPolicy::Zero) => "数据缺失，按 0 分计",
            Basis::Missing(UndefinedPolicy::Cap) => "数据缺失，按满分（上限）计",
            Basis::Missing(UndefinedPolicy::PoolAverage) => "数据缺失，按同池平均得分计",
            Basis::ZeroDenominator(UndefinedPolicy::Zero) => "分母为 0，按 0 分计",
            Basis::ZeroDenominator(UndefinedPolicy::Cap) => "分母为 0，按满分（上限）计",
            Basis::ZeroDenominator(UndefinedPolicy::PoolAverage) => "分母为 0，按同池平均得分计",
        }
    }
}

/// One indicator of one enterprise: value, ratio, score and why.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct IndicatorResult {
    /// The indicator's value.
    pub value: IndicatorValue,
    /// x / B after clamping, when the value is defined.
    pub ratio: Option<f64>,
    /// The score s = w × r (or by policy).
    pub score: f64,
    /// How the score came about.
    pub basis: Basis,
}

/// Why an enterprise got its computed class (spec §8).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ClassReason {
    /// Top half, within the A quota by the A-selector.
    QuotaA,
    /// Bottom half, within the C quota by the C-selector.
    QuotaC,
    /// Neither A nor C.
    DefaultB,
    /// Its rank fell within this class's cumulative share.
    Quantile,
    /// Its total reached this class's cut (or none, for the lowest class).
    Threshold,
    /// A veto item (index into the method's veto items).
    Veto(usize),
}

/// The result of an evaluated (not excluded) enterprise.
#[derive(Clone, PartialEq, Debug)]
pub struct Scored {
    /// Index of its group in the method.
    pub group: usize,
    /// Index of its pool in [`Evaluation::pools`].
    pub pool: usize,
    /// Σ indicator scores.
    pub base: f64,
    /// Bonus points (capped at max_bonus).
    pub bonus: f64,
    /// base + bonus.
    pub total: f64,
    /// 1-based rank in the pool; `None` when vetoed.
    pub rank: Option<u32>,
    /// Value of the A-selector (top-half enterprises of `henan_two_stage`).
    pub a_selector: Option<f64>,
    /// Value of the C-selector (bottom-half enterprises of `henan_two_stage`).
    pub c_selector: Option<f64>,
    /// 1-based position within its half when ordered by that half's selector.
    pub selector_position: Option<u32>,
    /// Class the rules gave (index into the group's classes).
    pub computed_class: usize,
    /// Why.
    pub reason: ClassReason,
    /// Class after manual adjustment.
    pub final_class: usize,
    /// The written reason of a manual adjustment, if any.
    pub manual_reason: Option<String>,
    /// Where its indicator results start among its pool's results.
    pub(crate) first_indicator: usize,
}

/// The outcome for one input row.
#[derive(Clone, PartialEq, Debug)]
pub enum Outcome {
    /// Not evaluated (class X).
    Excluded(Exclusion),
    /// Evaluated.
    Scored(Scored),
}

/// What a pool is keyed by.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum PoolKey {
    /// A cluster (index into the input's cluster table).
    Cluster(u32),
    /// A region code.
    Region(u32),
    /// Everyone in the group.
    All,
}

/// The quotas of a `henan_two_stage` pool.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct TwoStageQuotas {
    /// Size of the top half.
    pub n_top: usize,
    /// Number of A.
    pub n_a: usize,
    /// Number of C.
    pub n_c: usize,
}

/// One ranking pool of one group.
#[derive(Clone, PartialEq, Debug)]
pub struct Pool {
    /// Index of the group in the method.
    pub group: usize,
    /// The key.
    pub key: PoolKey,
    /// Its name in outputs: the cluster name, the region code, or `all`.
    pub label: String,
    /// Input indices: ranked enterprises by rank, then vetoed ones (total desc, code asc).
    pub members: Vec<u32>,
    /// N: the non-vetoed enterprises.
    pub size: usize,
    /// Benchmark per group indicator (`None` when no enterprise of the pool has a value).
    pub benchmarks: Vec<Option<f64>>,
    /// Mean score of the enterprises with a defined value, per group indicator.
    pub mean_defined_scores: Vec<f64>,
    /// Count per class (computed classes, vetoed included), in the group's class order.
    pub computed_counts: Vec<usize>,
    /// Count per class after manual adjustment.
    pub final_counts: Vec<usize>,
    /// Quotas, for `henan_two_stage` pools.
    pub quotas: Option<TwoStageQuotas>,
}

/// An item id found in the input that the method does not know; it was ignored.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct IgnoredItem {
    /// The item id.
    pub id: String,
    /// `bonus` or `veto`.
    pub kind: &'static str,
    /// How many rows carry it.
    pub rows: usize,
}

/// The result of one evaluation run.
#[derive(Clone, PartialEq, Debug)]
pub struct Evaluation {
    /// The method's id.
    pub method_id: String,
    /// SHA-256 of the method file.
    pub method_hash: String,
    /// SHA-256 of the input rows in canonical form (order independent).
    pub input_hash: String,
    /// The data year.
    pub year: u16,
    /// One outcome per input row, in input order.
    pub outcomes: Vec<Outcome>,
    /// Pools, ordered by group, then cluster name / region code.
    pub pools: Vec<Pool>,
    /// Input indices of the excluded rows, by credit code.
    pub excluded: Vec<u32>,
    /// Item ids of the input the method does not know.
    pub ignored_items: Vec<IgnoredItem>,
    /// Indicator results per pool, k per member in credit-code order.
    pub(crate) indicator_results: Vec<Vec<IndicatorResult>>,
}

impl Evaluation {
    /// The indicator results of a scored enterprise, in its group's indicator order.
    pub fn indicators(&self, scored: &Scored, count: usize) -> &[IndicatorResult] {
        &self.indicator_results[scored.pool][scored.first_indicator..scored.first_indicator + count]
    }

    /// Input indices in presentation order: each pool's members (pools in order), then the
    /// excluded rows by credit code.
    pub fn presentation_order(&self) -> Vec<u32> {
        let mut order: Vec<u32> = Vec::with_capacity(self.outcomes.len());
        order.extend(self.pools.iter().flat_map(|p| p.members.iter().copied()));
        order.extend(self.excluded.iter().copied());
        order
    }
}
