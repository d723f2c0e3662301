//! How an engine result is stored: one row per enterprise with its explanation as compact JSON,
//! one row per pool with benchmarks, quotas and class counts (pure functions).

use mujun_domain::{Field, IndicatorId};
use mujun_engine::{Basis, Evaluation, IndicatorValue, Method, Outcome, PoolKey};
use mujun_store::runs::{RunInput, RunPool, RunResult};
use serde::{Deserialize, Serialize};

/// One indicator of a stored result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndicatorDetail {
    /// Indicator id.
    #[serde(rename = "i")]
    pub id: String,
    /// Weight.
    #[serde(rename = "w")]
    pub weight: f64,
    /// Value when defined.
    #[serde(rename = "v", default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// `m` missing, `z` zero denominator; absent when defined.
    #[serde(rename = "u", default, skip_serializing_if = "String::is_empty")]
    pub undefined: String,
    /// The pool's benchmark.
    #[serde(rename = "b", default, skip_serializing_if = "Option::is_none")]
    pub benchmark: Option<f64>,
    /// x / B after clamping.
    #[serde(rename = "r", default, skip_serializing_if = "Option::is_none")]
    pub ratio: Option<f64>,
    /// Score.
    #[serde(rename = "s")]
    pub score: f64,
    /// Basis id (empty for a plain ratio).
    #[serde(rename = "p", default, skip_serializing_if = "String::is_empty")]
    pub basis: String,
}

impl IndicatorDetail {
    /// The indicator.
    pub fn indicator(&self) -> Option<IndicatorId> {
        IndicatorId::parse(&self.id).ok()
    }

    /// The Chinese explanation of the basis.
    pub fn basis_label(&self) -> &'static str {
        basis_label(&self.basis)
    }
}

/// The Chinese label of a stored basis id.
pub fn basis_label(id: &str) -> &'static str {
    use mujun_engine::method::UndefinedPolicy as P;
    let all = [
        Basis::Ratio,
        Basis::Capped,
        Basis::Floored,
        Basis::BenchmarkNotPositive,
        Basis::Missing(P::Zero),
        Basis::Missing(P::Cap),
        Basis::Missing(P::PoolAverage),
        Basis::ZeroDenominator(P::Zero),
        Basis::ZeroDenominator(P::Cap),
        Basis::ZeroDenominator(P::PoolAverage),
    ];
    all.into_iter().find(|b| b.id() == id).map_or("—", Basis::label)
}

/// The stored explanation of one scored enterprise.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ResultDetail {
    /// Indicators in the group's order.
    #[serde(rename = "ind", default)]
    pub indicators: Vec<IndicatorDetail>,
    /// A-selector value (top half of `henan_two_stage`).
    #[serde(rename = "as", default, skip_serializing_if = "Option::is_none")]
    pub a_selector: Option<f64>,
    /// C-selector value (bottom half).
    #[serde(rename = "cs", default, skip_serializing_if = "Option::is_none")]
    pub c_selector: Option<f64>,
    /// Position within its half by that half's selector.
    #[serde(rename = "sp", default, skip_serializing_if = "Option::is_none")]
    pub selector_position: Option<u32>,
}

/// The stored facts of one pool.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PoolDetail {
    /// `cluster`, `region` or `all`.
    pub key: String,
    /// Indicator ids in the group's order.
    pub indicators: Vec<String>,
    /// Benchmark per indicator.
    pub benchmarks: Vec<Option<f64>>,
    /// The group's classes, best first.
    pub classes: Vec<String>,
    /// Computed counts per class.
    pub computed_counts: Vec<usize>,
    /// Final counts per class (at run time; adjustments are counted from the results).
    pub final_counts: Vec<usize>,
    /// `(n_top, n_a, n_c)` of a `henan_two_stage` pool.
    pub quotas: Option<(usize, usize, usize)>,
}

fn undefined_id(v: IndicatorValue) -> &'static str {
    match v {
        IndicatorValue::Defined(_) => "",
        IndicatorValue::Missing => "m",
        IndicatorValue::ZeroDenominator => "z",
    }
}

/// The rows to store for an evaluation of `rows` (same order as `input`).
pub fn to_rows(
    run_id: i64,
    method: &Method,
    rows: &[RunInput],
    eval: &Evaluation,
) -> (Vec<RunResult>, Vec<RunPool>) {
    let mut position = vec![0i64; rows.len()];
    for (p, row) in eval.presentation_order().into_iter().enumerate() {
        position[row as usize] = p as i64;
    }
    let mut results = Vec::with_capacity(rows.len());
    for ((row, outcome), position) in rows.iter().zip(&eval.outcomes).zip(position) {
        let r = match outcome {
            Outcome::Excluded(x) => RunResult {
                run_id,
                enterprise_id: row.enterprise_id,
                position,
                group_id: String::new(),
                pool: String::new(),
                excluded_reason: x.id().to_owned(),
                rank: None,
                pool_size: None,
                base: None,
                bonus: None,
                total: None,
                computed_class: "X".to_owned(),
                final_class: "X".to_owned(),
                class_reason: format!("excluded:{}", x.id()),
                detail: String::new(),
            },
            Outcome::Scored(s) => {
                let group = &method.groups[s.group];
                let pool = &eval.pools[s.pool];
                let indicators = eval
                    .indicators(s, group.indicators.len())
                    .iter()
                    .zip(&group.indicators)
                    .zip(&pool.benchmarks)
                    .map(|((r, spec), b)| IndicatorDetail {
                        id: spec.id.id().to_owned(),
                        weight: spec.weight,
                        value: r.value.defined(),
                        undefined: undefined_id(r.value).to_owned(),
                        benchmark: *b,
                        ratio: r.ratio,
                        score: r.score,
                        basis: r.basis.id().to_owned(),
                    })
                    .collect();
                let detail = ResultDetail {
                    indicators,
                    a_selector: s.a_selector,
                    c_selector: s.c_selector,
                    selector_position: s.selector_position,
                };
                RunResult {
                    run_id,
                    enterprise_id: row.enterprise_id,
                    position,
                    group_id: group.id.clone(),
                    pool: pool.label.clone(),
                    excluded_reason: String::new(),
                    rank: s.rank.map(i64::from),
                    pool_size: Some(pool.size as i64),
                    base: Some(s.base),
                    bonus: Some(s.bonus),
                    total: Some(s.total),
                    computed_class: eval.computed_class(method, s).to_owned(),
                    final_class: eval.final_class(method, s).to_owned(),
                    class_reason: eval.class_reason(method, s),
                    detail: serde_json::to_string(&detail).unwrap_or_default(),
                }
            }
        };
        results.push(r);
    }
    let pools = eval
        .pools
        .iter()
        .enumerate()
        .map(|(position, p)| {
            let group = &method.groups[p.group];
            let detail = PoolDetail {
                key: match p.key {
                    PoolKey::Cluster(_) => "cluster",
                    PoolKey::Region(_) => "region",
                    PoolKey::All => "all",
                }
                .to_owned(),
                indicators: group.indicators.iter().map(|i| i.id.id().to_owned()).collect(),
                benchmarks: p.benchmarks.clone(),
                classes: group.classes.clone(),
                computed_counts: p.computed_counts.clone(),
                final_counts: p.final_counts.clone(),
                quotas: p.quotas.map(|q| (q.n_top, q.n_a, q.n_c)),
            };
            RunPool {
                run_id,
                position: position as i64,
                group_id: group.id.clone(),
                label: p.label.clone(),
                size: p.size as i64,
                vetoed: (p.members.len() - p.size) as i64,
                detail: serde_json::to_string(&detail).unwrap_or_default(),
            }
        })
        .collect();
    (results, pools)
}

/// The 亩均税收 of a stored input (万元/亩), when land is positive and tax known.
pub fn tax_per_mu(r: &RunInput) -> Option<f64> {
    match (r.tax_paid, r.land_area_mu) {
        (Some(t), Some(l)) if l > 0.0 => Some(t / l),
        _ => None,
    }
}

/// The value of a figure for display with its unit, e.g. `1,234.5 万元`.
pub fn figure_text(field: Field, value: Option<f64>) -> String {
    match value {
        Some(v) => format!("{} {}", crate::evaluation::format::number(v, 2), field.unit()),
        None => "—".to_owned(),
    }
}
