//! What a method change would do (issue 15): the same input evaluated under two methods, every
//! enterprise whose class would change (from → to, with both reasons), class counts before and
//! after; moving weight between two indicators of a group; and the sensitivity of the classes to
//! each such move. Everything is an evaluation the engine actually ran — nothing is estimated.

use std::collections::BTreeMap;

use mujun_domain::IndicatorId;

use crate::{Adjustment, EngineError, Evaluation, EvaluationInput, Method, Outcome, evaluate};

/// One enterprise whose class would change.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassChange {
    /// Row of the input.
    pub row: usize,
    /// Class under the first method (`X` when not evaluated).
    pub from: String,
    /// Class under the second.
    pub to: String,
    /// Reason under the first method (the engine's words, e.g. `quota C`).
    pub from_reason: String,
    /// Reason under the second.
    pub to_reason: String,
    /// Total score under the first.
    pub total_from: Option<f64>,
    /// Total score under the second.
    pub total_to: Option<f64>,
}

/// The two evaluations compared.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// Enterprises whose final class differs, in input order.
    pub changes: Vec<ClassChange>,
    /// Final class counts under the first method.
    pub counts_before: BTreeMap<String, usize>,
    /// Final class counts under the second.
    pub counts_after: BTreeMap<String, usize>,
}

fn class_of(e: &Evaluation, m: &Method, o: &Outcome) -> (String, String, Option<f64>) {
    match o {
        Outcome::Excluded(_) => ("X".to_owned(), String::new(), None),
        Outcome::Scored(s) => (
            e.final_class(m, s).to_owned(),
            e.class_reason(m, s),
            Some(s.total),
        ),
    }
}

/// Evaluates `input` under `before` and `after` (with the same manual adjustments) and compares.
pub fn compare(
    before: &Method,
    after: &Method,
    input: &EvaluationInput,
    adjustments: &[Adjustment],
) -> Result<Comparison, EngineError> {
    let a = evaluate(before, input, adjustments)?;
    let b = evaluate(after, input, adjustments)?;
    let mut counts_before = BTreeMap::new();
    let mut counts_after = BTreeMap::new();
    let mut changes = Vec::new();
    for (row, (oa, ob)) in a.outcomes.iter().zip(&b.outcomes).enumerate() {
        let (ca, ra, ta) = class_of(&a, before, oa);
        let (cb, rb, tb) = class_of(&b, after, ob);
        *counts_before.entry(ca.clone()).or_insert(0) += 1;
        *counts_after.entry(cb.clone()).or_insert(0) += 1;
        if ca != cb {
            changes.push(ClassChange {
                row,
                from: ca,
                to: cb,
                from_reason: ra,
                to_reason: rb,
                total_from: ta,
                total_to: tb,
            });
        }
    }
    Ok(Comparison {
        changes,
        counts_before,
        counts_after,
    })
}

/// A copy of `method` with `points` of weight moved from `from` to `to` in group `group`.
pub fn move_weight(
    method: &Method,
    group: usize,
    from: IndicatorId,
    to: IndicatorId,
    points: f64,
) -> Result<Method, EngineError> {
    let rule = |message: String| EngineError::MethodRule {
        line: 0,
        key: format!(
            "groups.{}.indicators",
            method.groups.get(group).map_or("?", |g| g.id.as_str())
        ),
        message,
    };
    let mut m = method.clone();
    let g = m
        .groups
        .get_mut(group)
        .ok_or_else(|| rule("评价组不存在".to_owned()))?;
    let fi = g.indicators.iter().position(|i| i.id == from);
    let ti = g.indicators.iter().position(|i| i.id == to);
    let (Some(fi), Some(ti)) = (fi, ti) else {
        return Err(rule("调整的两个指标须都在该评价组中".to_owned()));
    };
    if fi == ti || !(points.is_finite() && points > 0.0) || g.indicators[fi].weight < points {
        return Err(rule(format!(
            "只能从一个指标向另一个指标移动不超过其现有权重（{}）的正分值",
            g.indicators[fi].weight
        )));
    }
    g.indicators[fi].weight -= points;
    g.indicators[ti].weight += points;
    Ok(m)
}

/// How many enterprises change class when `step` points move from one indicator to another.
#[derive(Clone, Debug, PartialEq)]
pub struct Sensitivity {
    /// The group.
    pub group: usize,
    /// From.
    pub from: IndicatorId,
    /// To.
    pub to: IndicatorId,
    /// Enterprises whose class changes.
    pub changed: usize,
}

/// For every group and every ordered pair of its indicators where `from` has at least `step`
/// points: the number of enterprises whose class changes when `step` points move.
pub fn sensitivity(
    method: &Method,
    input: &EvaluationInput,
    step: f64,
) -> Result<Vec<Sensitivity>, EngineError> {
    let mut out = Vec::new();
    for (g, group) in method.groups.iter().enumerate() {
        for f in &group.indicators {
            for t in &group.indicators {
                if f.id == t.id || f.weight < step {
                    continue;
                }
                let moved = move_weight(method, g, f.id, t.id, step)?;
                out.push(Sensitivity {
                    group: g,
                    from: f.id,
                    to: t.id,
                    changed: compare(method, &moved, input, &[])?.changes.len(),
                });
            }
        }
    }
    Ok(out)
}
