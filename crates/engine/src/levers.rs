//! What would move an enterprise up, beyond tax (issue 15): for each lever an enterprise really
//! has — more 实缴税收, handing back land (退让低效用地), more R&D spending, less energy, fewer
//! emissions — the least change that gives it a better class, found by evaluating its pool
//! again with only that figure changed (never estimated), and reported in units an official can
//! read (0.01 万元, 0.01 亩, 0.01 吨标准煤 …): the reported change reaches the better class and
//! 0.01 less does not.

use mujun_domain::Field;

use crate::result::{ClassReason, Outcome};
use crate::{EngineError, EvaluationInput, Method, evaluate};

/// Which way a lever moves its figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// More is better (tax, R&D).
    Increase,
    /// Less is better (land handed back, energy, emissions).
    Decrease,
}

/// The levers, in the order they are offered.
pub const LEVERS: [(Field, Direction); 5] = [
    (Field::TaxPaid, Direction::Increase),
    (Field::LandAreaMu, Direction::Decrease),
    (Field::RdExpense, Direction::Increase),
    (Field::EnergyTce, Direction::Decrease),
    (Field::PollutionEq, Direction::Decrease),
];

/// The answer for one lever.
#[derive(Clone, Debug, PartialEq)]
pub enum LeverAnswer {
    /// Not evaluated (class X).
    Excluded,
    /// Already in the best class.
    AlreadyTop,
    /// Held by a veto item.
    Vetoed,
    /// The figure is missing: nothing to change from.
    Missing,
    /// No change within reach gives a better class (e.g. the method does not score it).
    NotReachable,
    /// The least change that gives the better class.
    Reach {
        /// The class reached.
        class: String,
        /// The change (positive; in the figure's unit), rounded to 0.01.
        change: f64,
        /// The figure after the change.
        value: f64,
        /// The total score at that value.
        total: f64,
    },
}

const BISECT_STEPS: u32 = 60;

/// The least change of `field` in `direction` that gives row `row` a better computed class.
pub fn required_change(
    method: &Method,
    input: &EvaluationInput,
    row: usize,
    field: Field,
    direction: Direction,
) -> Result<LeverAnswer, EngineError> {
    let base = evaluate(method, input, &[])?;
    let scored = match &base.outcomes[row] {
        Outcome::Excluded(_) => return Ok(LeverAnswer::Excluded),
        Outcome::Scored(s) => s.clone(),
    };
    if matches!(scored.reason, ClassReason::Veto(_)) {
        return Ok(LeverAnswer::Vetoed);
    }
    if scored.computed_class == 0 {
        return Ok(LeverAnswer::AlreadyTop);
    }
    let target = scored.computed_class - 1;
    let current = match (input.enterprises[row].figures.get(field), direction) {
        (Some(v), _) => v,
        (None, Direction::Increase) => 0.0,
        (None, Direction::Decrease) => return Ok(LeverAnswer::Missing),
    };
    let mut trial = input.clone();
    // The class and total with a change of `d`.
    let mut attempt = |d: f64| -> Result<Option<(usize, f64)>, EngineError> {
        let v = match direction {
            Direction::Increase => current + d,
            Direction::Decrease => current - d,
        };
        trial.enterprises[row].figures.set(field, Some(v));
        let e = evaluate(method, &trial, &[])?;
        Ok(match &e.outcomes[row] {
            Outcome::Scored(s) => Some((s.computed_class, s.total)),
            Outcome::Excluded(_) => None,
        })
    };
    let reaches = |r: Option<(usize, f64)>| r.is_some_and(|(c, _)| c <= target);
    // An upper bound of the change: for a decrease, all but a hundredth of the figure (a
    // figure of zero is another situation, e.g. a zero denominator); for an increase, doubling
    // from the largest value in the input.
    let mut lo = 0.0_f64;
    let mut hi = match direction {
        Direction::Decrease => {
            let hi = ((current - 0.01) * 100.0).floor() / 100.0;
            if hi <= 0.0 || !reaches(attempt(hi)?) {
                return Ok(LeverAnswer::NotReachable);
            }
            hi
        }
        Direction::Increase => {
            let largest = input
                .enterprises
                .iter()
                .filter_map(|e| e.figures.get(field))
                .fold(1.0_f64, f64::max);
            let mut hi = largest.max(current).max(1.0);
            let limit = hi * 1e4;
            while !reaches(attempt(hi)?) {
                lo = hi;
                hi *= 2.0;
                if hi > limit {
                    return Ok(LeverAnswer::NotReachable);
                }
            }
            hi
        }
    };
    for _ in 0..BISECT_STEPS {
        if hi - lo <= 0.001 {
            break;
        }
        let mid = lo + (hi - lo) / 2.0;
        if reaches(attempt(mid)?) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    // The change an official reads: the hundredth at or above the least change found, confirmed.
    let mut change = (hi * 100.0).ceil() / 100.0;
    let mut r = attempt(change)?;
    while !reaches(r) {
        change = ((change + 0.01) * 100.0).round() / 100.0;
        r = attempt(change)?;
    }
    // The hundredth below it does not reach (it is at or below `lo`, or checked).
    let below = ((change - 0.01) * 100.0).round() / 100.0;
    if below >= 0.0 && reaches(attempt(below)?) {
        change = below;
        r = attempt(change)?;
    }
    let value = match direction {
        Direction::Increase => current + change,
        Direction::Decrease => current - change,
    };
    Ok(LeverAnswer::Reach {
        class: method.groups[scored.group].classes[target].clone(),
        change,
        value,
        total: r.map_or(0.0, |(_, t)| t),
    })
}
