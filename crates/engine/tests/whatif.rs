//! "What would move it up" (issue 5): the tax an enterprise needs for the next better class,
//! worked out by hand on threshold and two-stage pools, and checked as properties.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use mujun_domain::{Field, Scale};
use mujun_engine::{WhatIf, evaluate, presets, required_tax};
use proptest::prelude::*;

/// 规上, one indicator 亩均税收 weight 100 against a fixed benchmark of 10 万元/亩, cap 2:
/// total = 100 × min(tax / land / 10, 2) = 10 × tax / land for tax/land ≤ 20.
fn threshold(cuts: &str) -> mujun_engine::Method {
    method(&format!(
        r#"id = "t"
min_years_in_production = 0
{ITEMS}
[[groups]]
id = "above"
scale = "above"
pool = "all"
cap = 2.0
indicators = [ {{ id = "tax_per_mu", weight = 100.0, benchmark = {{ fixed = 10.0 }} }} ]
[groups.classification]
rule = "threshold"
cuts = {{ {cuts} }}
"#
    ))
}

fn reach(w: WhatIf) -> mujun_engine::Requirement {
    match w {
        WhatIf::Reach(r) => r,
        other => panic!("expected a requirement, got {other:?}"),
    }
}

#[test]
fn threshold_needs_are_worked_out_by_hand() {
    let m = threshold("A = 120.0, B = 80.0, C = -inf");
    // Land 10 亩 each. Tax 50 → 5 万元/亩 → total 50 → C; B needs total 80 → 8 万元/亩 → 80 万元.
    // Tax 90 → total 90 → B; A needs 120 → 120 万元 (12 万元/亩). Tax 150 → A already.
    let input = pool_input(
        2024,
        vec![
            simple(1, Scale::Above, 10.0, 50.0),
            simple(2, Scale::Above, 10.0, 90.0),
            simple(3, Scale::Above, 10.0, 150.0),
        ],
    );
    let r = reach(required_tax(&m, &input, 0).unwrap());
    assert_eq!(
        (r.class.as_str(), r.tax_paid, r.tax_per_mu, r.current_tax),
        ("B", 80.0, Some(8.0), 50.0)
    );
    assert_close(r.total, 80.0, "total at the requirement");
    let r = reach(required_tax(&m, &input, 1).unwrap());
    assert_eq!(
        (r.class.as_str(), r.tax_paid, r.tax_per_mu),
        ("A", 120.0, Some(12.0))
    );
    assert_eq!(required_tax(&m, &input, 2).unwrap(), WhatIf::AlreadyTop);
}

#[test]
fn a_class_beyond_the_cap_is_not_reachable() {
    // The cap holds the total at 200: a cut of 250 can never be reached.
    let m = threshold("A = 250.0, B = -inf");
    let input = pool_input(2024, vec![simple(1, Scale::Above, 10.0, 50.0)]);
    assert!(matches!(
        required_tax(&m, &input, 0).unwrap(),
        WhatIf::NotReachable { .. }
    ));
}

#[test]
fn excluded_and_vetoed_enterprises_are_not_moved_by_figures() {
    let m = presets::load("henan-2019").unwrap();
    let mut input = pool_input(
        2024,
        vec![
            simple(1, Scale::Below, 2.0, 5.0), // 规下 below 5 亩: excluded
            simple(2, Scale::Below, 10.0, 5.0),
            simple(3, Scale::Below, 10.0, 50.0),
        ],
    );
    tag(&mut input, 2, &[], &["serious_dishonesty"]);
    assert_eq!(required_tax(&m, &input, 0).unwrap(), WhatIf::Excluded);
    assert_eq!(required_tax(&m, &input, 1).unwrap(), WhatIf::Vetoed);
}

#[test]
fn two_stage_below_scale_pool_worked_by_hand() {
    // henan-2019 规下: pool "all", N = 10, n_top = 5, n_A = round(1.5) = 2, n_C = round(1.0) = 1;
    // selectors are the raw tax. Taxes 1…10 (land 10 亩 each): ranks follow tax, A = the two
    // largest taxes (10, 9), C = the smallest (1).
    let m = presets::load("henan-2019").unwrap();
    let rows: Vec<_> = (1..=10)
        .map(|n| simple(n, Scale::Below, 10.0, n as f64))
        .collect();
    let input = pool_input(2024, rows);
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(class(&m, &eval, &input, 1), "C");
    assert_eq!(class(&m, &eval, &input, 8), "B");
    // The C enterprise (tax 1) leaves C as soon as it passes the next-lowest (tax 2): its tax
    // must exceed 2 — ties go by credit code, and code(1) < code(2) puts it first at exactly 2,
    // so 2.00 already suffices.
    let r = reach(required_tax(&m, &input, 0).unwrap());
    assert_eq!((r.class.as_str(), r.tax_paid), ("B", 2.0));
    // Enterprise 8 (tax 8) must overtake enterprise 9 within the top half: tax 9 ties with
    // code(8) < code(9) first, so 9.00.
    let r = reach(required_tax(&m, &input, 7).unwrap());
    assert_eq!(
        (r.class.as_str(), r.tax_paid, r.tax_per_mu),
        ("A", 9.0, Some(0.9))
    );
}

fn firms() -> impl Strategy<Value = Vec<(f64, f64)>> {
    prop::collection::vec((1.0f64..100.0, 0.0f64..500.0), 4..30)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// The reported tax reaches the better class when evaluated, and 0.01 万元 less does not
    /// (the 规下 two-stage rule is monotonic in tax).
    #[test]
    fn the_requirement_reaches_the_class_and_is_minimal(fs in firms(), pick in 0usize..30) {
        let m = presets::load("henan-2019").unwrap();
        let rows: Vec<_> = fs
            .iter()
            .enumerate()
            .map(|(i, (land, tax))| simple(i as u64 + 1, Scale::Below, 5.0 + land, (tax * 100.0).round() / 100.0))
            .collect();
        let input = pool_input(2024, rows);
        let row = pick % input.enterprises.len();
        if let WhatIf::Reach(r) = required_tax(&m, &input, row).unwrap() {
            let base = evaluate(&m, &input, &[]).unwrap();
            let before = match &base.outcomes[row] {
                mujun_engine::Outcome::Scored(s) => s.computed_class,
                _ => unreachable!(),
            };
            let class_with = |tax: f64| {
                let mut t = input.clone();
                t.enterprises[row].figures.set(Field::TaxPaid, Some(tax));
                let e = evaluate(&m, &t, &[]).unwrap();
                match &e.outcomes[row] {
                    mujun_engine::Outcome::Scored(s) => s.computed_class,
                    _ => unreachable!(),
                }
            };
            prop_assert!(class_with(r.tax_paid) < before);
            prop_assert!(r.tax_paid >= r.current_tax);
            // One cent less, computed in cents so that it is the exact neighbouring value.
            let less = ((r.tax_paid * 100.0).round() - 1.0) / 100.0;
            prop_assert!(class_with(less) >= before, "0.01 less still reaches: {r:?}");
        }
    }
}
