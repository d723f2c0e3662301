//! Simulating a method change (issue 15), worked by hand on a small pool. Two indicators with
//! fixed benchmarks of 10 万元/亩, every enterprise on 10 亩, classes by thresholds A ≥ 120,
//! B ≥ 80, else C. Moving 10 points from 亩均利润 (50 → 40) to 亩均税收 (50 → 60):
//!
//! | row | tax | profit | before                 | after                  |
//! |-----|-----|--------|------------------------|------------------------|
//! | 0   | 100 | 50     | 50 + 25 = 75 → C       | 60 + 20 = 80 → B       |
//! | 1   | 50  | 150    | 25 + 75 = 100 → B      | 30 + 60 = 90 → B       |
//! | 2   | 200 | 40     | 100 + 20 = 120 → A     | 120 + 16 = 136 → A     |
//! | 3   | 80  | 90     | 40 + 45 = 85 → B       | 48 + 36 = 84 → B       |
//! | 4   | 30  | 200    | 15 + 100 = 115 → B     | 18 + 80 = 98 → B       |
//! | 5   | 140 | 100    | 70 + 50 = 120 → A      | 84 + 40 = 124 → A      |
//! | 6   | 60  | 190    | 30 + 95 = 125 → A      | 36 + 76 = 112 → B      |
//!
//! Exactly rows 0 (C → B) and 6 (A → B) change.
#![allow(clippy::unwrap_used)]

mod common;

use common::{pool_input, simple};
use mujun_domain::{Field, IndicatorId, Scale};
use mujun_engine::Method;
use mujun_engine::simulate::{MethodChange, apply_change, changes_to_try, compare, move_weight, sensitivity};

const METHOD: &str = r#"id = "simulate-test"
name = "模拟测试"
industries = ["13-43"]
min_years_in_production = 0

[[groups]]
id = "above"
scale = "above"
pool = "all"
indicators = [
  { id = "tax_per_mu", weight = 50.0, benchmark = { fixed = 10.0 } },
  { id = "profit_per_mu", weight = 50.0, benchmark = { fixed = 10.0 } },
]
cap = 2.0
[groups.classification]
rule = "threshold"
cuts = { A = 120.0, B = 80.0, C = -inf }
"#;

fn input() -> mujun_engine::EvaluationInput {
    let rows = [
        (100.0, 50.0),
        (50.0, 150.0),
        (200.0, 40.0),
        (80.0, 90.0),
        (30.0, 200.0),
        (140.0, 100.0),
        (60.0, 190.0),
    ]
    .iter()
    .enumerate()
    .map(|(n, (tax, profit))| {
        let mut e = simple(n as u64 + 1, Scale::Above, 10.0, *tax);
        e.figures.set(Field::ProfitTotal, Some(*profit));
        e
    })
    .collect();
    pool_input(2024, rows)
}

#[test]
fn the_runs_own_method_changes_nothing() {
    let m = Method::parse(METHOD).unwrap();
    let c = compare(&m, &m, &input(), &[]).unwrap();
    assert!(c.changes.is_empty());
    assert_eq!(c.counts_before, c.counts_after);
    let henan = mujun_engine::presets::load("henan-2019").unwrap();
    assert!(compare(&henan, &henan, &input(), &[]).unwrap().changes.is_empty());
}

#[test]
fn moving_ten_points_changes_exactly_the_classes_worked_by_hand() {
    let m = Method::parse(METHOD).unwrap();
    let moved = move_weight(&m, 0, IndicatorId::ProfitPerMu, IndicatorId::TaxPerMu, 10.0).unwrap();
    let c = compare(&m, &moved, &input(), &[]).unwrap();
    let got: Vec<(usize, &str, &str, f64, f64)> = c
        .changes
        .iter()
        .map(|x| {
            (
                x.row,
                x.from.as_str(),
                x.to.as_str(),
                x.total_from.unwrap(),
                x.total_to.unwrap(),
            )
        })
        .collect();
    assert_eq!(got, [(0, "C", "B", 75.0, 80.0), (6, "A", "B", 125.0, 112.0)]);
    assert_eq!(c.changes[0].to_reason, "threshold B");
    let n = |m: &std::collections::BTreeMap<String, usize>, k: &str| m.get(k).copied().unwrap_or(0);
    assert_eq!(
        (
            n(&c.counts_before, "A"),
            n(&c.counts_before, "B"),
            n(&c.counts_before, "C")
        ),
        (3, 3, 1)
    );
    assert_eq!(
        (
            n(&c.counts_after, "A"),
            n(&c.counts_after, "B"),
            n(&c.counts_after, "C")
        ),
        (2, 5, 0)
    );
    // The move is checked: no more than the weight there is, between two indicators of the group.
    assert!(move_weight(&m, 0, IndicatorId::ProfitPerMu, IndicatorId::TaxPerMu, 50.5).is_err());
    assert!(move_weight(&m, 0, IndicatorId::TaxPerMu, IndicatorId::TaxPerMu, 5.0).is_err());
    assert!(move_weight(&m, 0, IndicatorId::RdIntensity, IndicatorId::TaxPerMu, 5.0).is_err());
    assert!(move_weight(&m, 3, IndicatorId::ProfitPerMu, IndicatorId::TaxPerMu, 5.0).is_err());
}

#[test]
fn sensitivity_counts_the_moves_both_ways_and_the_cuts() {
    let m = Method::parse(METHOD).unwrap();
    let s = sensitivity(&m, &input(), 10.0).unwrap();
    let count = |c: MethodChange| s.iter().find(|x| x.change == c).map(|x| x.changed);
    let weight = |from, to| MethodChange::Weight {
        from,
        to,
        points: 10.0,
    };
    assert_eq!(
        count(weight(IndicatorId::ProfitPerMu, IndicatorId::TaxPerMu)),
        Some(2),
        "the two rows worked by hand"
    );
    // 10 points the other way (tax 40, profit 60): row 1 25+75=100 → 20+90=110 B; row 2
    // 100+20=120 A → 80+24=104 B; row 4 115 → 12+120=132 A; row 5 120 → 56+60=116 B;
    // row 6 125 → 24+114=138 A; row 0 75 → 40+30=70 C; row 3 85 → 32+54=86 B.
    assert_eq!(
        count(weight(IndicatorId::TaxPerMu, IndicatorId::ProfitPerMu)),
        Some(3),
        "rows 2 (A → B), 4 (B → A) and 5 (A → B)"
    );
    // Totals 75, 100, 120, 85, 115, 120, 125. A's cut 120 → 130: rows 2, 5, 6 fall to B;
    // → 110: row 4 rises to A. B's cut 80 → 90: row 3 falls to C; → 70: row 0 rises to B.
    assert_eq!(
        count(MethodChange::Cut {
            class: 0,
            delta: 10.0
        }),
        Some(3)
    );
    assert_eq!(
        count(MethodChange::Cut {
            class: 0,
            delta: -10.0
        }),
        Some(1)
    );
    assert_eq!(
        count(MethodChange::Cut {
            class: 1,
            delta: 10.0
        }),
        Some(1)
    );
    assert_eq!(
        count(MethodChange::Cut {
            class: 1,
            delta: -10.0
        }),
        Some(1)
    );
    // The last class takes every total: its cut is not moved.
    assert_eq!(s.len(), 6);
    assert!(apply_change(&m, 0, MethodChange::Cut { class: 2, delta: 1.0 }).is_none());
    // Cuts stay in order: A's cut cannot go below B's.
    assert!(
        apply_change(
            &m,
            0,
            MethodChange::Cut {
                class: 0,
                delta: -40.0
            }
        )
        .is_none()
    );
    // A rule's own change only: no quota shares in a threshold rule.
    assert!(apply_change(&m, 0, MethodChange::AShare { delta: 500 }).is_none());
}

#[test]
fn quota_shares_move_within_their_bounds() {
    let henan = mujun_engine::presets::load("henan-2019").unwrap();
    let changes = changes_to_try(&henan, 0, 5.0);
    assert!(changes.contains(&MethodChange::AShare { delta: 500 }));
    assert!(changes.contains(&MethodChange::CShare { delta: -500 }));
    let more_a = apply_change(&henan, 0, MethodChange::AShare { delta: 500 }).unwrap();
    match &more_a.groups[0].rule {
        mujun_engine::method::Rule::HenanTwoStage { a_share, .. } => assert_eq!(a_share.units(), 2_000),
        other => panic!("{other:?}"),
    }
    // 15 % + 40 points is beyond the top half (50 %).
    assert!(apply_change(&henan, 0, MethodChange::AShare { delta: 4_000 }).is_none());
    assert!(apply_change(&henan, 0, MethodChange::CShare { delta: -2_000 }).is_none());
}

mod levers {
    use super::*;
    use mujun_engine::levers::{Direction, LeverAnswer, required_change};

    fn reach(a: LeverAnswer) -> (String, f64, f64) {
        match a {
            LeverAnswer::Reach {
                class, change, value, ..
            } => (class, change, value),
            other => panic!("expected a class within reach, got {other:?}"),
        }
    }

    /// The class of row 0 with `field` set to `value`.
    fn class_with(field: Field, value: f64) -> String {
        let m = Method::parse(METHOD).unwrap();
        let mut i = input();
        i.enterprises[0].figures.set(field, Some(value));
        let e = mujun_engine::evaluate(&m, &i, &[]).unwrap();
        match &e.outcomes[0] {
            mujun_engine::Outcome::Scored(s) => e.final_class(&m, s).to_owned(),
            mujun_engine::Outcome::Excluded(_) => "X".to_owned(),
        }
    }

    #[test]
    fn each_lever_worked_by_hand_and_a_hundredth_less_does_not_reach() {
        let m = Method::parse(METHOD).unwrap();
        // Row 0 (10 亩, tax 100, profit 50) scores 75, C; B needs 80.
        // Tax: 50 × tax/100 + 25 ≥ 80 ⇔ tax ≥ 110: 10 万元 more.
        let (class, change, value) =
            reach(required_change(&m, &input(), 0, Field::TaxPaid, Direction::Increase).unwrap());
        assert_eq!((class.as_str(), change, value), ("B", 10.0, 110.0));
        assert_eq!(class_with(Field::TaxPaid, 110.0), "B");
        assert_eq!(class_with(Field::TaxPaid, 109.99), "C");
        // Land: 500/L + 250/L ≥ 80 ⇔ L ≤ 9.375: hand back 0.63 亩 (9.37 reaches, 9.38 does not).
        let (class, change, value) =
            reach(required_change(&m, &input(), 0, Field::LandAreaMu, Direction::Decrease).unwrap());
        assert_eq!((class.as_str(), change), ("B", 0.63));
        assert!((value - 9.37).abs() < 1e-9);
        assert_eq!(class_with(Field::LandAreaMu, 9.37), "B");
        assert_eq!(class_with(Field::LandAreaMu, 9.38), "C");
        // R&D and energy are not scored by this method: no change of theirs moves the class.
        for (field, direction) in [
            (Field::RdExpense, Direction::Increase),
            (Field::EnergyTce, Direction::Decrease),
        ] {
            let a = required_change(&m, &input(), 0, field, direction).unwrap();
            assert!(
                matches!(a, LeverAnswer::NotReachable | LeverAnswer::Missing),
                "{field:?}: {a:?}"
            );
        }
        // Already at the top: row 2 is A.
        assert_eq!(
            required_change(&m, &input(), 2, Field::TaxPaid, Direction::Increase).unwrap(),
            LeverAnswer::AlreadyTop
        );
    }
}
