//! The evaluation (spec §2–§8): scope, pools, indicators, benchmarks, scores, ranks, classes.
//!
//! Determinism: every pool's members are processed in credit-code order, so sums (and therefore
//! every score) do not depend on the order of the input rows; ties are broken by credit code.
//! Pools are independent and are scored in parallel; the result does not depend on scheduling.

use std::collections::HashMap;

use mujun_domain::{Date, Field, IndicatorId, Scale};
use rayon::prelude::*;

use crate::hash::input_hash;
use crate::input::{EvaluationInput, Figures};
use crate::method::{Benchmark, Group, Method, PoolBy, Rule, Selector, UndefinedPolicy};
use crate::result::{
    Basis, ClassReason, Evaluation, Exclusion, IgnoredItem, IndicatorResult, IndicatorValue, Outcome, Pool,
    PoolKey, Scored, TwoStageQuotas,
};
use crate::{Adjustment, EngineError};

/// Computes an indicator's value from an enterprise's figures (spec §3).
pub fn indicator_value(id: IndicatorId, figures: &Figures) -> IndicatorValue {
    let (num, den) = id.formula();
    let Some(n) = figures.get(num) else {
        return IndicatorValue::Missing;
    };
    match den {
        None => IndicatorValue::Defined(n),
        Some(d) => match figures.get(d) {
            None => IndicatorValue::Missing,
            // 0/0 counts as missing (spec §3).
            Some(d) if d == 0.0 && n == 0.0 => IndicatorValue::Missing,
            Some(d) => {
                if d == 0.0 {
                    IndicatorValue::ZeroDenominator
                } else {
                    IndicatorValue::Defined(n / d)
                }
            }
        },
    }
}

/// Compensated (Neumaier) sum: pools of several hundred thousand values keep full precision.
fn exact_sum(values: impl Iterator<Item = f64>) -> (f64, usize) {
    let (mut sum, mut comp, mut n) = (0.0f64, 0.0f64, 0usize);
    for v in values {
        let t = sum + v;
        comp += if sum.abs() >= v.abs() {
            (sum - t) + v
        } else {
            (v - t) + sum
        };
        sum = t;
        n += 1;
    }
    (sum + comp, n)
}

/// Turns -0.0 into +0.0 so that `total_cmp` orders equal numbers as equal.
#[inline]
fn canon(x: f64) -> f64 {
    x + 0.0
}

/// An integer whose ascending order is the descending order of `x` (as `total_cmp`, with
/// -0.0 = +0.0).
#[inline]
fn desc_key(x: f64) -> u64 {
    let bits = canon(x).to_bits();
    let ascending = if bits >> 63 == 1 { !bits } else { bits | 1 << 63 };
    !ascending
}

/// Sorts `items` by `value` descending; ties keep their current order. Sorting compact
/// (key, position) pairs instead of comparing through `value` avoids a cache miss per comparison
/// on pools of hundreds of thousands.
fn sort_desc_stable(items: &mut [usize], value: impl Fn(usize) -> f64) {
    let mut keyed: Vec<(u64, u32)> = items
        .iter()
        .enumerate()
        .map(|(pos, &m)| (desc_key(value(m)), pos as u32))
        .collect();
    keyed.sort_unstable();
    let before = items.to_vec();
    for (slot, (_, pos)) in items.iter_mut().zip(keyed) {
        *slot = before[pos as usize];
    }
}

/// Which rows are in or out, and where the in ones go.
fn scope(method: &Method, year: u16, e: &crate::EnterpriseInput) -> Result<(usize, PoolKey), Exclusion> {
    if !method.in_scope(e.industry) {
        return Err(Exclusion::IndustryOutOfScope);
    }
    if method.is_exempt(e.industry) {
        return Err(Exclusion::ExemptIndustry);
    }
    let m = method.min_years_in_production;
    if m > 0
        && let Some(start) = e.production_start
    {
        // Fewer than m whole years at the end of Y: started after 1 January of Y − m + 1.
        let cutoff = i32::from(year) - i32::from(m) + 1;
        let cutoff = Date::first_of_year(u16::try_from(cutoff.max(1)).unwrap_or(1));
        if start > cutoff {
            return Err(Exclusion::TooNew);
        }
    }
    let land = e.figures.get(Field::LandAreaMu).unwrap_or(0.0);
    if land <= 0.0 {
        return Err(Exclusion::NoLand);
    }
    if e.scale == Scale::Below && land < method.below_scale_min_land_mu {
        return Err(Exclusion::BelowMinLand);
    }
    let Some(group) = method.group_for(e.scale) else {
        return Err(Exclusion::NoGroup);
    };
    let key = match method.groups[group].pool {
        PoolBy::Cluster => match e.cluster {
            Some(c) => PoolKey::Cluster(c),
            None => return Err(Exclusion::NoCluster),
        },
        PoolBy::Region => PoolKey::Region(e.region.value()),
        PoolBy::All => PoolKey::All,
    };
    Ok((group, key))
}

/// Per-row facts the pools need, resolved against the method once.
#[derive(Clone, Copy)]
struct Row {
    /// Bonus items as a bit set over the method's bonus items.
    bonus: u64,
    /// Veto items as a bit set over the method's veto items.
    veto: u64,
}

/// The scored members of one pool, before they are scattered into the outcomes.
struct PoolOutcome {
    pool: Pool,
    /// The members in credit-code order.
    by_code: Vec<u32>,
    /// Per member in credit-code order: its result (without `pool`).
    scored: Vec<Scored>,
    /// Indicator results, k per member, in credit-code order.
    indicators: Vec<IndicatorResult>,
}

/// Low bits of a sort key that hold the row index.
const INDEX_BITS: u32 = 38;
const INDEX_MASK: u128 = (1 << INDEX_BITS) - 1;

/// A multiplicative hasher for the small integer keys of the pool map (SipHash is needlessly
/// slow for a million lookups of trusted keys).
#[derive(Default, Clone, Copy)]
struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u32(&mut self, v: u32) {
        self.write_u64(u64::from(v));
    }
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }
}

type FastHash = std::hash::BuildHasherDefault<FastHasher>;

/// Evaluates one year's input with a method and optional manual adjustments.
pub fn evaluate(
    method: &Method,
    input: &EvaluationInput,
    adjustments: &[Adjustment],
) -> Result<Evaluation, EngineError> {
    let rows = &input.enterprises;
    for (index, e) in rows.iter().enumerate() {
        if let Some(c) = e.cluster
            && c as usize >= input.clusters.len()
        {
            return Err(EngineError::UnknownCluster { index, cluster: c });
        }
    }

    // Canonical order: by credit code. Everything below walks rows in this order. Sorting plain
    // integers (code key above, row index in the free low bits) keeps the sort cache-friendly.
    assert!(rows.len() < 1 << INDEX_BITS, "at most 2^32 rows");
    let mut keys: Vec<u128> = rows
        .par_iter()
        .enumerate()
        .map(|(i, e)| (e.credit_code.sort_key() << INDEX_BITS) | i as u128)
        .collect();
    keys.par_sort_unstable();
    if let Some(w) = keys.windows(2).find(|w| w[0] >> INDEX_BITS == w[1] >> INDEX_BITS) {
        return Err(EngineError::DuplicateEnterprise {
            credit_code: rows[(w[0] & INDEX_MASK) as usize].credit_code.to_string(),
        });
    }
    let by_code: Vec<u32> = keys.iter().map(|k| (k & INDEX_MASK) as u32).collect();
    drop(keys);

    // Map the input's item ids onto the method's bonus and veto items.
    let bonus_map: Vec<Option<usize>> = input.items.iter().map(|id| method.bonus_index(id)).collect();
    let veto_map: Vec<Option<usize>> = input.items.iter().map(|id| method.veto_index(id)).collect();
    let unknown = |map: &[Option<usize>]| -> u64 {
        map.iter()
            .enumerate()
            .filter(|(_, m)| m.is_none())
            .fold(0, |acc, (i, _)| acc | 1 << i)
    };
    let (unknown_bonus, unknown_veto) = (unknown(&bonus_map), unknown(&veto_map));
    let resolved: Vec<Row> = rows
        .par_iter()
        .map(|e| {
            let mut row = Row { bonus: 0, veto: 0 };
            for i in e.bonus.iter() {
                if let Some(b) = bonus_map[i] {
                    row.bonus |= 1 << b;
                }
            }
            for i in e.veto.iter() {
                if let Some(v) = veto_map[i] {
                    row.veto |= 1 << v;
                }
            }
            row
        })
        .collect();
    let mut ignored_items: Vec<IgnoredItem> = Vec::new();
    for (kind, mask, pick) in [
        (
            "bonus",
            unknown_bonus,
            (|e| e.bonus) as fn(&crate::EnterpriseInput) -> crate::ItemSet,
        ),
        ("veto", unknown_veto, |e| e.veto),
    ] {
        let mut counts = [0usize; 64];
        if mask != 0 {
            for e in rows {
                let bits = pick(e).bits() & mask;
                if bits != 0 {
                    for i in crate::ItemSet::from_bits(bits).iter() {
                        counts[i] += 1;
                    }
                }
            }
        }
        for (i, &n) in counts.iter().enumerate().filter(|(_, n)| **n > 0) {
            ignored_items.push(IgnoredItem {
                id: input.items[i].clone(),
                kind,
                rows: n,
            });
        }
    }
    ignored_items.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));

    // Scope, then pools in canonical order.
    let scoped: Vec<Result<(usize, PoolKey), Exclusion>> = rows
        .par_iter()
        .map(|e| scope(method, input.year.value(), e))
        .collect();
    let mut pool_index: HashMap<(usize, PoolKey), usize, FastHash> = HashMap::default();
    let mut pool_members: Vec<((usize, PoolKey), Vec<u32>)> = Vec::new();
    let mut excluded = Vec::new();
    for &i in &by_code {
        match scoped[i as usize] {
            Ok(k) => {
                let p = *pool_index.entry(k).or_insert_with(|| {
                    pool_members.push((k, Vec::new()));
                    pool_members.len() - 1
                });
                pool_members[p].1.push(i);
            }
            Err(_) => excluded.push(i),
        }
    }
    let pool_label = |key: PoolKey| match key {
        PoolKey::Cluster(c) => input.clusters[c as usize].clone(),
        PoolKey::Region(r) => format!("{r:06}"),
        PoolKey::All => "all".to_owned(),
    };
    pool_members.sort_by(|((ga, ka), _), ((gb, kb), _)| {
        ga.cmp(gb).then_with(|| match (ka, kb) {
            (PoolKey::Cluster(a), PoolKey::Cluster(b)) => {
                input.clusters[*a as usize].cmp(&input.clusters[*b as usize])
            }
            _ => ka.cmp(kb),
        })
    });

    let outcomes_per_pool: Vec<PoolOutcome> = pool_members
        .into_par_iter()
        .map(|((group, key), members)| {
            score_pool(method, group, key, pool_label(key), members, input, &resolved)
        })
        .collect();

    // Scatter into per-row outcomes.
    let mut outcomes: Vec<Outcome> = scoped
        .iter()
        .map(|s| match s {
            Err(x) => Outcome::Excluded(*x),
            Ok(_) => Outcome::Excluded(Exclusion::NoGroup), // overwritten below
        })
        .collect();
    let mut indicator_results = Vec::with_capacity(outcomes_per_pool.len());
    let mut pools = Vec::with_capacity(outcomes_per_pool.len());
    for (pool_idx, po) in outcomes_per_pool.into_iter().enumerate() {
        for (mut scored, &row) in po.scored.into_iter().zip(&po.by_code) {
            scored.pool = pool_idx;
            outcomes[row as usize] = Outcome::Scored(scored);
        }
        indicator_results.push(po.indicators);
        pools.push(po.pool);
    }

    apply_adjustments(method, input, &by_code, &mut outcomes, &mut pools, adjustments)?;

    Ok(Evaluation {
        method_id: method.id.clone(),
        method_hash: method.hash.clone(),
        input_hash: input_hash(input, &by_code),
        year: input.year.value(),
        outcomes,
        pools,
        excluded,
        ignored_items,
        indicator_results,
    })
}

fn selector_value(sel: &Selector, scores: &[IndicatorResult], total: f64, figures: &Figures) -> f64 {
    match sel {
        Selector::Total => total,
        Selector::Scores(idx) => idx.iter().map(|&j| scores[j].score).sum(),
        Selector::Value(id) => indicator_value(*id, figures).defined().unwrap_or(0.0),
    }
}

/// Scores, ranks and classes one pool. `members` are input indices in credit-code order.
fn score_pool(
    method: &Method,
    group_idx: usize,
    key: PoolKey,
    label: String,
    members: Vec<u32>,
    input: &EvaluationInput,
    resolved: &[Row],
) -> PoolOutcome {
    let group: &Group = &method.groups[group_idx];
    let k = group.indicators.len();
    let n = members.len();
    let fig = |m: usize| &input.enterprises[members[m] as usize].figures;

    // Indicator values, then per indicator: benchmark, defined scores, policy scores.
    let mut results: Vec<IndicatorResult> = Vec::with_capacity(n * k);
    for m in 0..n {
        for spec in &group.indicators {
            let value = indicator_value(spec.id, fig(m));
            results.push(IndicatorResult {
                value,
                ratio: None,
                score: 0.0,
                basis: Basis::Ratio,
            });
        }
    }
    let mut benchmarks = Vec::with_capacity(k);
    let mut mean_defined_scores = Vec::with_capacity(k);
    for (j, spec) in group.indicators.iter().enumerate() {
        let column = |results: &Vec<IndicatorResult>| -> Vec<f64> {
            (0..n)
                .filter_map(|m| results[m * k + j].value.defined())
                .collect()
        };
        let (sum, count) = exact_sum(column(&results).into_iter());
        let mean = (count > 0).then(|| sum / count as f64);
        let bench = match spec.benchmark {
            Benchmark::PoolMean => mean,
            Benchmark::Fixed(v) => Some(v),
            Benchmark::PoolMeanTimes(t) => mean.map(|m| m * t),
        };
        benchmarks.push(bench);
        for m in 0..n {
            let r = &mut results[m * k + j];
            let Some(x) = r.value.defined() else { continue };
            let (ratio, basis) = match bench {
                Some(b) if b > 0.0 => {
                    let raw = x / b;
                    match spec.cap {
                        Some(cap) if raw > cap => (cap, Basis::Capped),
                        _ if raw < spec.floor => (spec.floor, Basis::Floored),
                        _ => (raw, Basis::Ratio),
                    }
                }
                _ => (0.0, Basis::BenchmarkNotPositive),
            };
            r.ratio = Some(ratio);
            r.basis = basis;
            r.score = if spec.weight == 0.0 {
                0.0
            } else {
                canon(spec.weight * ratio)
            };
        }
        let (score_sum, scored_count) = exact_sum(
            (0..n)
                .filter(|m| results[m * k + j].value.defined().is_some())
                .map(|m| results[m * k + j].score),
        );
        let pool_average = if scored_count > 0 {
            score_sum / scored_count as f64
        } else {
            0.0
        };
        mean_defined_scores.push(pool_average);
        for m in 0..n {
            let r = &mut results[m * k + j];
            let (policy, basis): (UndefinedPolicy, fn(UndefinedPolicy) -> Basis) = match r.value {
                IndicatorValue::Defined(_) => continue,
                IndicatorValue::Missing => (spec.on_missing, Basis::Missing),
                IndicatorValue::ZeroDenominator => (spec.on_zero_denominator, Basis::ZeroDenominator),
            };
            r.basis = basis(policy);
            r.score = match policy {
                UndefinedPolicy::Zero => 0.0,
                // The parser refuses "cap" without a cap.
                UndefinedPolicy::Cap => canon(spec.weight * spec.cap.unwrap_or(0.0)),
                UndefinedPolicy::PoolAverage => pool_average,
            };
        }
    }

    // Base, bonus, total.
    let bonus_points: Vec<f64> = method.bonus_points.iter().map(|(_, p)| *p).collect();
    let mut scored: Vec<Scored> = (0..n)
        .map(|m| {
            let base = canon(results[m * k..(m + 1) * k].iter().map(|r| r.score).sum::<f64>());
            let row = resolved[members[m] as usize];
            let raw_bonus: f64 = (0..bonus_points.len())
                .filter(|b| row.bonus & (1 << b) != 0)
                .map(|b| bonus_points[b])
                .sum();
            let bonus = canon(raw_bonus.min(method.max_bonus));
            Scored {
                group: group_idx,
                pool: 0,
                base,
                bonus,
                total: canon(base + bonus),
                rank: None,
                a_selector: None,
                c_selector: None,
                selector_position: None,
                computed_class: 0,
                reason: ClassReason::DefaultB,
                final_class: 0,
                manual_reason: None,
                first_indicator: 0,
            }
        })
        .collect();

    // Ranking: non-vetoed by total desc; members are in code order, so a stable sort breaks ties
    // by credit code ascending.
    let veto_of = |m: usize| resolved[members[m] as usize].veto;
    let mut ranked: Vec<usize> = (0..n).filter(|&m| veto_of(m) == 0).collect();
    let mut vetoed: Vec<usize> = (0..n).filter(|&m| veto_of(m) != 0).collect();
    sort_desc_stable(&mut ranked, |m| scored[m].total);
    sort_desc_stable(&mut vetoed, |m| scored[m].total);
    let size = ranked.len();
    for (r, &m) in ranked.iter().enumerate() {
        scored[m].rank = Some(r as u32 + 1);
    }

    // Classes.
    let lowest = group.lowest_class();
    let mut quotas = None;
    match &group.rule {
        Rule::HenanTwoStage {
            top_share,
            a_share,
            c_share,
            a_selector,
            c_selector,
        } => {
            let n_top = top_share.of(size);
            let n_a = a_share.of(size).min(n_top);
            let n_c = c_share.of(size).min(size - n_top);
            quotas = Some(TwoStageQuotas { n_top, n_a, n_c });
            for &m in &ranked {
                scored[m].computed_class = 1;
                scored[m].reason = ClassReason::DefaultB;
            }
            let (top, bottom) = ranked.split_at(n_top);
            let mut top = top.to_vec();
            for &m in &top {
                scored[m].a_selector = Some(selector_value(
                    a_selector,
                    &results[m * k..(m + 1) * k],
                    scored[m].total,
                    fig(m),
                ));
            }
            sort_desc_stable(&mut top, |m| scored[m].a_selector.unwrap_or(0.0));
            for (pos, &m) in top.iter().enumerate() {
                scored[m].selector_position = Some(pos as u32 + 1);
                if pos < n_a {
                    scored[m].computed_class = 0;
                    scored[m].reason = ClassReason::QuotaA;
                }
            }
            let mut bottom = bottom.to_vec();
            for &m in &bottom {
                scored[m].c_selector = Some(selector_value(
                    c_selector,
                    &results[m * k..(m + 1) * k],
                    scored[m].total,
                    fig(m),
                ));
            }
            sort_desc_stable(&mut bottom, |m| scored[m].c_selector.unwrap_or(0.0));
            let first_c = bottom.len() - n_c;
            for (pos, &m) in bottom.iter().enumerate() {
                scored[m].selector_position = Some(pos as u32 + 1);
                if pos >= first_c {
                    scored[m].computed_class = 2;
                    scored[m].reason = ClassReason::QuotaC;
                }
            }
        }
        Rule::Quantile { shares } => {
            let mut cumulative = 0u32;
            let mut start = 0usize;
            for (class, share) in shares.iter().enumerate() {
                cumulative += share.units();
                let end = if class == shares.len() - 1 {
                    size
                } else {
                    crate::method::Share::from_basis_points(cumulative)
                        .of(size)
                        .max(start)
                };
                for &m in &ranked[start..end] {
                    scored[m].computed_class = class;
                    scored[m].reason = ClassReason::Quantile;
                }
                start = end;
            }
        }
        Rule::Threshold { cuts } => {
            for &m in &ranked {
                let class = cuts.iter().position(|&c| scored[m].total >= c).unwrap_or(lowest);
                scored[m].computed_class = class;
                scored[m].reason = ClassReason::Threshold;
            }
        }
    }
    for &m in &vetoed {
        scored[m].computed_class = lowest;
        scored[m].reason = ClassReason::Veto(veto_of(m).trailing_zeros() as usize);
    }

    let mut computed_counts = vec![0usize; group.classes.len()];
    for s in &mut scored {
        s.final_class = s.computed_class;
        computed_counts[s.computed_class] += 1;
    }

    // Presentation order: ranked, then vetoed. Results stay in code order (no copies).
    let order: Vec<u32> = ranked.iter().chain(vetoed.iter()).map(|&m| members[m]).collect();
    for (m, s) in scored.iter_mut().enumerate() {
        s.first_indicator = m * k;
    }

    PoolOutcome {
        pool: Pool {
            group: group_idx,
            key,
            label,
            members: order,
            size,
            benchmarks,
            mean_defined_scores,
            final_counts: computed_counts.clone(),
            computed_counts,
            quotas,
        },
        by_code: members,
        scored,
        indicators: results,
    }
}

fn apply_adjustments(
    method: &Method,
    input: &EvaluationInput,
    by_code: &[u32],
    outcomes: &mut [Outcome],
    pools: &mut [Pool],
    adjustments: &[Adjustment],
) -> Result<(), EngineError> {
    let rows = &input.enterprises;
    let mut seen = std::collections::HashSet::new();
    for adj in adjustments {
        let err = |message: String| EngineError::Adjustment {
            credit_code: adj.credit_code.to_string(),
            message,
        };
        if !seen.insert(adj.credit_code) {
            return Err(err("同一企业有多条调档记录".to_owned()));
        }
        let reason = adj.reason.trim();
        if reason.is_empty() {
            return Err(err("调档必须写明理由".to_owned()));
        }
        let Ok(pos) = by_code.binary_search_by_key(&adj.credit_code, |&i| rows[i as usize].credit_code)
        else {
            return Err(err("该企业不在本次评价的数据中".to_owned()));
        };
        let row = by_code[pos] as usize;
        match &mut outcomes[row] {
            Outcome::Excluded(x) => {
                return Err(err(format!("该企业不参评（{}），不能调档", x.label())));
            }
            Outcome::Scored(s) => {
                let group = &method.groups[s.group];
                let Some(class) = group.class_index(adj.class.trim()) else {
                    return Err(err(format!(
                        "档次“{}”不是评价组 {} 的档次（可用：{}）",
                        adj.class,
                        group.id,
                        group.classes.join("、")
                    )));
                };
                let pool = &mut pools[s.pool];
                pool.final_counts[s.final_class] -= 1;
                pool.final_counts[class] += 1;
                s.final_class = class;
                s.manual_reason = Some(reason.to_owned());
            }
        }
    }
    Ok(())
}
