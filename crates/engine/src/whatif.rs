//! "What would move it up": the 实缴税收 (and so the 亩均税收) an enterprise would need for a
//! better class, found by evaluating the pool again with only that enterprise's tax changed.
//! Every answer is a value the engine actually evaluated to the better class — never an
//! estimate — so it stays true even where the rule is not monotonic in tax.

use mujun_domain::Field;

use crate::result::{ClassReason, Outcome};
use crate::{EngineError, EvaluationInput, Method, evaluate};

/// The answer for one enterprise.
#[derive(Clone, PartialEq, Debug)]
pub enum WhatIf {
    /// Not evaluated (class X): no figure moves it within this method's ranking.
    Excluded,
    /// Already in its group's best class.
    AlreadyTop,
    /// Held in the lowest class by a veto item: figures do not move it.
    Vetoed,
    /// Even `tried_up_to` (万元 of tax) does not reach a better class.
    NotReachable {
        /// The largest tax tried.
        tried_up_to: f64,
    },
    /// A better class is reached with this much tax.
    Reach(Requirement),
}

/// The tax an enterprise needs for the next better class.
#[derive(Clone, PartialEq, Debug)]
pub struct Requirement {
    /// The class reached (the next better one).
    pub class: String,
    /// 实缴税收 needed (万元), rounded up to 0.01 and confirmed by evaluation.
    pub tax_paid: f64,
    /// The matching 亩均税收 (万元/亩), when the land area is known and positive.
    pub tax_per_mu: Option<f64>,
    /// The enterprise's current tax (missing counts as 0).
    pub current_tax: f64,
    /// Its total score at the required tax.
    pub total: f64,
    /// How many evaluations the search took.
    pub evaluations: u32,
}

/// Bisection steps after the first better value is found: enough for 0.01 万元 on any
/// realistic range.
const BISECT_STEPS: u32 = 48;

/// Finds the smallest 实缴税收 with which row `row` of `input` gets a class better than its
/// computed class, everything else unchanged. Pass the rows of the enterprise's pool (or the
/// whole year): the answer depends only on the pool, and a smaller input is faster.
pub fn required_tax(method: &Method, input: &EvaluationInput, row: usize) -> Result<WhatIf, EngineError> {
    let base = evaluate(method, input, &[])?;
    let scored = match &base.outcomes[row] {
        Outcome::Excluded(_) => return Ok(WhatIf::Excluded),
        Outcome::Scored(s) => s.clone(),
    };
    if matches!(scored.reason, ClassReason::Veto(_)) {
        return Ok(WhatIf::Vetoed);
    }
    if scored.computed_class == 0 {
        return Ok(WhatIf::AlreadyTop);
    }
    let target = scored.computed_class - 1;
    let group = &method.groups[scored.group];
    let current = input.enterprises[row].figures.get(Field::TaxPaid).unwrap_or(0.0);
    let land = input.enterprises[row].figures.get(Field::LandAreaMu);

    let mut trial = input.clone();
    let mut evaluations = 1;
    // The class and total the engine gives with `tax`.
    let mut try_tax = |tax: f64| -> Result<Option<(usize, f64)>, EngineError> {
        trial.enterprises[row].figures.set(Field::TaxPaid, Some(tax));
        evaluations += 1;
        let e = evaluate(method, &trial, &[])?;
        Ok(match &e.outcomes[row] {
            Outcome::Scored(s) => Some((s.computed_class, s.total)),
            Outcome::Excluded(_) => None,
        })
    };
    let reaches = |r: Option<(usize, f64)>| r.is_some_and(|(c, _)| c <= target);

    // Grow an upper bound: from the largest tax in the input (at least 1 万元), doubling.
    let max_in_input = input
        .enterprises
        .iter()
        .filter_map(|e| e.figures.get(Field::TaxPaid))
        .fold(1.0_f64, f64::max);
    let mut lo = current.max(0.0);
    let mut hi = (lo * 2.0).max(max_in_input).max(1.0);
    let limit = max_in_input.max(lo) * 1e4;
    let mut found = try_tax(hi)?;
    while !reaches(found) {
        lo = hi;
        hi *= 2.0;
        if hi > limit {
            return Ok(WhatIf::NotReachable { tried_up_to: lo });
        }
        found = try_tax(hi)?;
    }
    // Bisect between a value that does not reach the class and one that does.
    let mut best = (hi, found.map_or(0.0, |(_, t)| t));
    for _ in 0..BISECT_STEPS {
        if hi - lo <= 0.005 {
            break;
        }
        let mid = lo + (hi - lo) / 2.0;
        let r = try_tax(mid)?;
        if reaches(r) {
            hi = mid;
            best = (mid, r.map_or(0.0, |(_, t)| t));
        } else {
            lo = mid;
        }
    }
    // Report a figure an official can read (0.01 万元): the rounded-down value when it still
    // reaches the class, else the rounded-up one when that does.
    for rounded in [(best.0 * 100.0).floor() / 100.0, (best.0 * 100.0).ceil() / 100.0] {
        if rounded == best.0 {
            break;
        }
        let r = try_tax(rounded)?;
        if reaches(r) {
            best = (rounded, r.map_or(0.0, |(_, t)| t));
            break;
        }
    }
    Ok(WhatIf::Reach(Requirement {
        class: group.classes[target].clone(),
        tax_paid: best.0,
        tax_per_mu: land.filter(|l| *l > 0.0).map(|l| best.0 / l),
        current_tax: current,
        total: best.1,
        evaluations,
    }))
}
