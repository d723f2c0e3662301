//! What a method change would do (issue 15): the same input evaluated under two methods, every
//! enterprise whose class would change (from → to, with both reasons), class counts before and
//! after; moving weight between two indicators of a group; and the sensitivity of the classes to
//! each such move. Everything is an evaluation the engine actually ran — nothing is estimated.

use std::collections::BTreeMap;

use mujun_domain::IndicatorId;

use crate::method::{Rule, Share};
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

/// The final class alone (`X` when not evaluated).
fn final_of<'a>(e: &'a Evaluation, m: &'a Method, o: &'a Outcome) -> &'a str {
    match o {
        Outcome::Excluded(_) => "X",
        Outcome::Scored(s) => e.final_class(m, s),
    }
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

/// One change of a method that the sensitivity tries.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MethodChange {
    /// `points` of weight moved from one indicator to another.
    Weight {
        /// From.
        from: IndicatorId,
        /// To.
        to: IndicatorId,
        /// Points moved.
        points: f64,
    },
    /// The A quota share (Henan two-stage rule) changed by `delta` units of 0.0001.
    AShare {
        /// Change in units of 0.0001 (500 = 5 percentage points).
        delta: i32,
    },
    /// The C quota share changed by `delta` units of 0.0001.
    CShare {
        /// Change in units of 0.0001.
        delta: i32,
    },
    /// The boundary after class `class` of a quantile rule moved by `delta` units of 0.0001:
    /// class `class` gains that share from the next class (or gives it up when negative).
    Boundary {
        /// The class before the boundary (index in the group's classes).
        class: usize,
        /// Change in units of 0.0001.
        delta: i32,
    },
    /// The least total of class `class` (threshold rule) changed by `delta` points.
    Cut {
        /// The class (index in the group's classes).
        class: usize,
        /// Change in points.
        delta: f64,
    },
}

fn shifted(share: Share, delta: i32) -> Option<Share> {
    let units = i64::from(share.units()) + i64::from(delta);
    (0..=10_000)
        .contains(&units)
        .then(|| Share::from_basis_points(units as u32))
}

/// A copy of `method` with `change` made in group `group`, or `None` when the change does not
/// make a valid method (a share beyond its bounds, cuts out of order, a rule without it).
pub fn apply_change(method: &Method, group: usize, change: MethodChange) -> Option<Method> {
    if let MethodChange::Weight { from, to, points } = change {
        return move_weight(method, group, from, to, points).ok();
    }
    let mut m = method.clone();
    let g = m.groups.get_mut(group)?;
    match (&mut g.rule, change) {
        (
            Rule::HenanTwoStage {
                top_share, a_share, ..
            },
            MethodChange::AShare { delta },
        ) => {
            let s = shifted(*a_share, delta)?;
            (s.units() <= top_share.units()).then_some(())?;
            *a_share = s;
        }
        (
            Rule::HenanTwoStage {
                top_share, c_share, ..
            },
            MethodChange::CShare { delta },
        ) => {
            let s = shifted(*c_share, delta)?;
            (s.units() <= Share::ONE.units() - top_share.units()).then_some(())?;
            *c_share = s;
        }
        (Rule::Quantile { shares }, MethodChange::Boundary { class, delta }) => {
            let (a, b) = (*shares.get(class)?, *shares.get(class + 1)?);
            let a2 = shifted(a, delta)?;
            let b2 = shifted(b, -delta)?;
            shares[class] = a2;
            shares[class + 1] = b2;
        }
        (Rule::Threshold { cuts }, MethodChange::Cut { class, delta }) => {
            // The last class takes every total (its cut is −∞): only the others move.
            if class + 1 >= cuts.len() {
                return None;
            }
            let v = cuts[class] + delta;
            let above = class.checked_sub(1).map_or(f64::INFINITY, |i| cuts[i]);
            (v < above && v > cuts[class + 1] && v.is_finite()).then_some(())?;
            cuts[class] = v;
        }
        _ => return None,
    }
    Some(m)
}

/// The changes the sensitivity tries in one group with a step of `step` points: `step` points
/// of weight moved between every ordered pair of indicators, and the rule's shares (in
/// percentage points) or cuts (in points) moved by ±`step`.
pub fn changes_to_try(method: &Method, group: usize, step: f64) -> Vec<MethodChange> {
    let Some(g) = method.groups.get(group) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for f in &g.indicators {
        for t in &g.indicators {
            if f.id != t.id && f.weight >= step {
                out.push(MethodChange::Weight {
                    from: f.id,
                    to: t.id,
                    points: step,
                });
            }
        }
    }
    let units = (step * 100.0).round() as i32;
    for delta in [units, -units] {
        match &g.rule {
            Rule::HenanTwoStage { .. } => {
                out.push(MethodChange::AShare { delta });
                out.push(MethodChange::CShare { delta });
            }
            Rule::Quantile { shares } => {
                for class in 0..shares.len().saturating_sub(1) {
                    out.push(MethodChange::Boundary { class, delta });
                }
            }
            Rule::Threshold { cuts } => {
                for class in 0..cuts.len().saturating_sub(1) {
                    out.push(MethodChange::Cut {
                        class,
                        delta: f64::from(delta) / 100.0,
                    });
                }
            }
        }
    }
    out
}

/// How many enterprises change class under one change of the method.
#[derive(Clone, Debug, PartialEq)]
pub struct Sensitivity {
    /// The group.
    pub group: usize,
    /// The change.
    pub change: MethodChange,
    /// Enterprises whose final class changes.
    pub changed: usize,
}

/// For every group, every change [`changes_to_try`] lists that makes a valid method: the number
/// of enterprises whose final class changes. The method itself is evaluated once.
pub fn sensitivity(
    method: &Method,
    input: &EvaluationInput,
    step: f64,
) -> Result<Vec<Sensitivity>, EngineError> {
    let base = evaluate(method, input, &[])?;
    let classes: Vec<&str> = base.outcomes.iter().map(|o| final_of(&base, method, o)).collect();
    let mut out = Vec::new();
    for group in 0..method.groups.len() {
        for change in changes_to_try(method, group, step) {
            let Some(changed_method) = apply_change(method, group, change) else {
                continue;
            };
            let e = evaluate(&changed_method, input, &[])?;
            let changed = e
                .outcomes
                .iter()
                .zip(&classes)
                .filter(|(o, c)| final_of(&e, &changed_method, o) != **c)
                .count();
            out.push(Sensitivity {
                group,
                change,
                changed,
            });
        }
    }
    Ok(out)
}
