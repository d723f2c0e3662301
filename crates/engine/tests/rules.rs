//! One or more tests per rule of the spec (`shared/spec/evaluation-method.md`), each on a small
//! input whose expected numbers are worked out by hand in the comments.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use mujun_domain::{Field, IndustryCode, RegionCode, Scale};
use mujun_engine::{
    Adjustment, Basis, EngineError, Exclusion, IgnoredItem, IndicatorValue, Outcome, PoolKey, TwoStageQuotas,
    evaluate, indicator_value, method::UndefinedPolicy, presets,
};

fn industry(mut e: mujun_engine::EnterpriseInput, code: &str) -> mujun_engine::EnterpriseInput {
    e.industry = IndustryCode::parse(code).unwrap();
    e
}

fn region(mut e: mujun_engine::EnterpriseInput, code: &str) -> mujun_engine::EnterpriseInput {
    e.region = RegionCode::parse(code).unwrap();
    e
}

fn no_cluster(mut e: mujun_engine::EnterpriseInput) -> mujun_engine::EnterpriseInput {
    e.cluster = None;
    e
}

fn adj(n: u64, class: &str, reason: &str) -> Adjustment {
    Adjustment {
        credit_code: code(n),
        class: class.to_owned(),
        reason: reason.to_owned(),
    }
}

// ============================================================================================
// §2.2 Scope and exclusions
// ============================================================================================

#[test]
fn too_new_boundary_is_1_january_of_y_minus_m_plus_1() {
    // henan-2019: m = 2, Y = 2024 → cutoff 1 Jan 2023 (= 2024 − 2 + 1).
    let m = presets::load("henan-2019").unwrap();
    let input = pool_input(
        2024,
        vec![
            started(simple(1, Scale::Above, 10.0, 10.0), Some("2023-01-01")), // exactly on: in
            started(simple(2, Scale::Above, 10.0, 10.0), Some("2023-01-02")), // day after: out
            started(simple(3, Scale::Above, 10.0, 10.0), Some("2022-12-31")), // before: in
            started(simple(4, Scale::Above, 10.0, 10.0), None),               // unknown: in
            started(simple(5, Scale::Above, 10.0, 10.0), Some("2024-12-31")), // in Y: out
            started(simple(6, Scale::Above, 10.0, 10.0), Some("2025-03-01")), // after Y: out
        ],
    );
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(exclusion(&eval, &input, 1), None);
    assert_eq!(exclusion(&eval, &input, 2), Some(Exclusion::TooNew));
    assert_eq!(exclusion(&eval, &input, 3), None);
    assert_eq!(exclusion(&eval, &input, 4), None);
    assert_eq!(exclusion(&eval, &input, 5), Some(Exclusion::TooNew));
    assert_eq!(exclusion(&eval, &input, 6), Some(Exclusion::TooNew));
    assert_eq!(Exclusion::TooNew.id(), "too_new");
}

#[test]
fn too_new_cutoff_moves_with_m() {
    let rows = || {
        vec![
            started(firm(1, 10.0), Some("2021-12-31")),
            started(firm(2, 10.0), Some("2022-01-01")),
            started(firm(3, 10.0), Some("2022-01-02")),
            started(firm(4, 10.0), Some("2024-01-01")),
            started(firm(5, 10.0), Some("2024-01-02")),
            started(firm(6, 10.0), Some("2030-06-01")),
        ]
    };
    let out = |m: u16| {
        let method = identity_method(
            &format!("min_years_in_production = {m}"),
            "all",
            &two_stage_by_total(0.5, 0.15, 0.1),
        );
        let input = pool_input(2024, rows());
        let eval = evaluate(&method, &input, &[]).unwrap();
        (1..=6)
            .map(|n| {
                if exclusion(&eval, &input, n).is_some() {
                    'x'
                } else {
                    '.'
                }
            })
            .collect::<String>()
    };
    // m = 3: cutoff 1 Jan 2022 (2024 − 3 + 1).
    assert_eq!(out(3), "..xxxx");
    // m = 1: cutoff 1 Jan 2024.
    assert_eq!(out(1), "....xx");
    // m = 0 turns the rule off: even a start after the data year is evaluated.
    assert_eq!(out(0), "......");
}

#[test]
fn industry_scope_defaults_to_manufacturing_13_to_43() {
    let m = presets::load("henan-2019").unwrap();
    let input = pool_input(
        2024,
        vec![
            industry(simple(1, Scale::Above, 10.0, 10.0), "1311"), // 大类 13: first in scope
            industry(simple(2, Scale::Above, 10.0, 10.0), "4320"), // 大类 43: last in scope
            industry(simple(3, Scale::Above, 10.0, 10.0), "1200"), // 大类 12 (mining): out
            industry(simple(4, Scale::Above, 10.0, 10.0), "4411"), // 大类 44 (electricity): out
            industry(simple(5, Scale::Above, 10.0, 10.0), "C3511"),
        ],
    );
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(exclusion(&eval, &input, 1), None);
    assert_eq!(exclusion(&eval, &input, 2), None);
    assert_eq!(exclusion(&eval, &input, 3), Some(Exclusion::IndustryOutOfScope));
    assert_eq!(exclusion(&eval, &input, 4), Some(Exclusion::IndustryOutOfScope));
    assert_eq!(exclusion(&eval, &input, 5), None);
    assert_eq!(Exclusion::IndustryOutOfScope.id(), "industry_out_of_scope");
}

#[test]
fn method_industries_and_exempt_industries() {
    let m = identity_method(
        "industries = [\"13-43\", \"44\"]\nexempt_industries = [\"25\", \"3511-3512\"]",
        "all",
        &two_stage_by_total(0.5, 0.15, 0.1),
    );
    let input = pool_input(
        2024,
        vec![
            industry(firm(1, 10.0), "4411"), // in scope by the extra range "44"
            industry(firm(2, 10.0), "2511"), // exempt by 大类 25
            industry(firm(3, 10.0), "3511"), // exempt by 小类 range
            industry(firm(4, 10.0), "3513"), // just outside the 小类 range
            industry(firm(5, 10.0), "4511"), // 45: out of scope
        ],
    );
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(exclusion(&eval, &input, 1), None);
    assert_eq!(exclusion(&eval, &input, 2), Some(Exclusion::ExemptIndustry));
    assert_eq!(exclusion(&eval, &input, 3), Some(Exclusion::ExemptIndustry));
    assert_eq!(exclusion(&eval, &input, 4), None);
    assert_eq!(exclusion(&eval, &input, 5), Some(Exclusion::IndustryOutOfScope));
    assert_eq!(Exclusion::ExemptIndustry.id(), "exempt_industry");
}

#[test]
fn exclusion_reasons_follow_the_priority_order() {
    // A method whose only group takes 规上 and pools by cluster, so that a 规下 row can lack a
    // group and a 规上 row can lack a cluster. 44 is both out of scope and exempt.
    let m = method(&format!(
        r#"id = "priority"
industries = ["13-43"]
exempt_industries = ["25", "44"]
min_years_in_production = 2
below_scale_min_land_mu = 5.0
{ITEMS}
[[groups]]
id = "above"
scale = "above"
pool = "cluster"
indicators = [ {{ id = "tax_per_mu", weight = 100.0 }} ]
[groups.classification]
a_selector = "total"
c_selector = "total"
"#
    ));
    // Start from a row to which every reason applies, then remove them one at a time.
    let worst = |n: u64| {
        let e = simple(n, Scale::Below, 0.0, 10.0);
        let e = industry(e, "4411");
        let e = started(e, Some("2024-06-01"));
        no_cluster(e)
    };
    let mut rows = vec![
        worst(1),                                                // everything → industry_out_of_scope
        industry(worst(2), "2511"),                              // in scope but exempt (and too new, …)
        industry(worst(3), "3412"),                              // → too_new (and no land, …)
        started(industry(worst(4), "3412"), Some("2010-01-01")), // → no_land (land 0 is also < 5)
    ];
    let fixed = |n: u64, land: f64| {
        set(
            started(industry(worst(n), "3412"), Some("2010-01-01")),
            Field::LandAreaMu,
            Some(land),
        )
    };
    rows.push(fixed(5, 3.0)); // → below_min_land (规下 also has no group)
    rows.push(fixed(6, 10.0)); // → no_group (and no cluster)
    let mut e = fixed(7, 10.0);
    e.scale = Scale::Above;
    rows.push(e); // → no_cluster
    let mut e = fixed(8, 10.0);
    e.scale = Scale::Above;
    e.cluster = Some(0);
    rows.push(e); // evaluated
    let input = pool_input(2024, rows);
    let eval = evaluate(&m, &input, &[]).unwrap();
    let got: Vec<Option<&str>> = (1..=8)
        .map(|n| exclusion(&eval, &input, n).map(|x| x.id()))
        .collect();
    assert_eq!(
        got,
        [
            Some("industry_out_of_scope"),
            Some("exempt_industry"),
            Some("too_new"),
            Some("no_land"),
            Some("below_min_land"),
            Some("no_group"),
            Some("no_cluster"),
            None
        ]
    );
}

#[test]
fn no_land_when_land_is_missing_zero_or_negative() {
    let m = presets::load("henan-2019").unwrap();
    let input = pool_input(
        2024,
        vec![
            set(simple(1, Scale::Above, 10.0, 10.0), Field::LandAreaMu, None),
            simple(2, Scale::Above, 0.0, 10.0),
            simple(3, Scale::Above, -1.0, 10.0),
            simple(4, Scale::Above, 0.01, 10.0), // a sliver of land is land
            set(simple(5, Scale::Below, 10.0, 10.0), Field::LandAreaMu, None),
        ],
    );
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(exclusion(&eval, &input, 1), Some(Exclusion::NoLand));
    assert_eq!(exclusion(&eval, &input, 2), Some(Exclusion::NoLand));
    assert_eq!(exclusion(&eval, &input, 3), Some(Exclusion::NoLand));
    assert_eq!(exclusion(&eval, &input, 4), None);
    // 规下 without land: no_land comes before below_min_land.
    assert_eq!(exclusion(&eval, &input, 5), Some(Exclusion::NoLand));
    assert_eq!(Exclusion::NoLand.id(), "no_land");
}

#[test]
fn below_scale_minimum_land_is_inclusive() {
    // henan-2019: below_scale_min_land_mu = 5.0.
    let m = presets::load("henan-2019").unwrap();
    let input = pool_input(
        2024,
        vec![
            simple(1, Scale::Below, 5.0, 10.0),   // exactly 5: evaluated
            simple(2, Scale::Below, 4.999, 10.0), // just below: excluded
            simple(3, Scale::Below, 100.0, 10.0),
            simple(4, Scale::Above, 1.0, 10.0), // the minimum is for 规下 only
        ],
    );
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(exclusion(&eval, &input, 1), None);
    assert_eq!(exclusion(&eval, &input, 2), Some(Exclusion::BelowMinLand));
    assert_eq!(exclusion(&eval, &input, 3), None);
    assert_eq!(exclusion(&eval, &input, 4), None);
    assert_eq!(Exclusion::BelowMinLand.id(), "below_min_land");

    // zhejiang-quantile sets the minimum to 3.0.
    let m = presets::load("zhejiang-quantile").unwrap();
    let input = pool_input(
        2024,
        vec![
            simple(1, Scale::Below, 3.0, 10.0),
            simple(2, Scale::Below, 2.9, 10.0),
        ],
    );
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(exclusion(&eval, &input, 1), None);
    assert_eq!(exclusion(&eval, &input, 2), Some(Exclusion::BelowMinLand));
}

#[test]
fn no_group_when_no_group_takes_the_scale() {
    // henan-2017-trial has a 规上 group only.
    let m = presets::load("henan-2017-trial").unwrap();
    let input = pool_input(
        2024,
        vec![
            simple(1, Scale::Below, 50.0, 10.0),
            simple(2, Scale::Above, 50.0, 10.0),
        ],
    );
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(exclusion(&eval, &input, 1), Some(Exclusion::NoGroup));
    assert_eq!(exclusion(&eval, &input, 2), None);
    assert_eq!(Exclusion::NoGroup.id(), "no_group");
}

#[test]
fn no_cluster_only_when_the_group_pools_by_cluster() {
    // henan-2019: 规上 pooled by cluster, 规下 by "all".
    let m = presets::load("henan-2019").unwrap();
    let input = pool_input(
        2024,
        vec![
            no_cluster(simple(1, Scale::Above, 10.0, 10.0)),
            no_cluster(simple(2, Scale::Below, 10.0, 10.0)),
            simple(3, Scale::Above, 10.0, 10.0),
        ],
    );
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(exclusion(&eval, &input, 1), Some(Exclusion::NoCluster));
    assert_eq!(exclusion(&eval, &input, 2), None);
    assert_eq!(exclusion(&eval, &input, 3), None);
    assert_eq!(Exclusion::NoCluster.id(), "no_cluster");

    // zhejiang-quantile pools by region: no cluster is fine.
    let m = presets::load("zhejiang-quantile").unwrap();
    let input = pool_input(2024, vec![no_cluster(simple(1, Scale::Above, 10.0, 10.0))]);
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(exclusion(&eval, &input, 1), None);
}

#[test]
fn excluded_rows_are_reported_and_take_no_part_in_pools() {
    // tax_per_mu: 10 and 20 evaluated; the too-new firm's 1000 must not enter the benchmark.
    let m = presets::load("henan-2019").unwrap();
    let input = pool_input(
        2024,
        vec![
            simple(1, Scale::Above, 10.0, 100.0),
            simple(2, Scale::Above, 10.0, 200.0),
            started(simple(3, Scale::Above, 10.0, 10_000.0), Some("2024-05-01")),
        ],
    );
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(eval.outcomes.len(), 3, "every input row has an outcome");
    assert_eq!(eval.pools.len(), 1);
    assert_eq!(eval.pools[0].members.len(), 2);
    assert_eq!(eval.pools[0].size, 2);
    assert_close(
        eval.pools[0].benchmarks[0].unwrap(),
        15.0,
        "benchmark of 10 and 20",
    );
    assert_eq!(eval.excluded, vec![row_of(&input, 3) as u32]);
    assert_eq!(class(&m, &eval, &input, 3), "X");
    // Presentation: the pool's members, then the excluded.
    assert_eq!(
        *eval.presentation_order().last().unwrap(),
        row_of(&input, 3) as u32
    );
}

// ============================================================================================
// §2.4 Pools
// ============================================================================================

#[test]
fn cluster_pools_rank_and_benchmark_separately() {
    // tax_per_mu only, weight 100, pooled by cluster, no cap.
    let m = method(&format!(
        r#"id = "clusters"
{ITEMS}
[[groups]]
id = "above"
scale = "above"
pool = "cluster"
indicators = [ {{ id = "tax_per_mu", weight = 100.0 }} ]
[groups.classification]
a_selector = "total"
c_selector = "total"
"#
    ));
    let mut input = pool_input(2024, vec![]);
    let q = input.intern_cluster("乙集聚区");
    let p = input.intern_cluster("甲集聚区");
    let in_cluster = |mut e: mujun_engine::EnterpriseInput, c: u32| {
        e.cluster = Some(c);
        e
    };
    // Cluster 甲: x = 10, 30 → B = 20 → scores 50, 150.
    // Cluster 乙: x = 100, 300 → B = 200 → scores 50, 150 (not against 甲's benchmark).
    input.enterprises = vec![
        in_cluster(simple(1, Scale::Above, 10.0, 100.0), p),
        in_cluster(simple(2, Scale::Above, 10.0, 300.0), p),
        in_cluster(simple(3, Scale::Above, 10.0, 1000.0), q),
        in_cluster(simple(4, Scale::Above, 10.0, 3000.0), q),
    ];
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(
        eval.pools.len(),
        2,
        "three clusters were interned, two have members"
    );
    let pool = |label: &str| eval.pools.iter().find(|p| p.label == label).unwrap();
    assert_eq!(pool("甲集聚区").key, PoolKey::Cluster(p));
    assert_close(pool("甲集聚区").benchmarks[0].unwrap(), 20.0, "甲 B");
    assert_close(pool("乙集聚区").benchmarks[0].unwrap(), 200.0, "乙 B");
    assert_eq!(pool("甲集聚区").size, 2);
    for (n, score, rank) in [(1, 50.0, 2), (2, 150.0, 1), (3, 50.0, 2), (4, 150.0, 1)] {
        let s = scored(&eval, &input, n);
        assert_close(s.total, score, &format!("total of {n}"));
        assert_eq!(s.rank, Some(rank), "rank of {n}");
    }
    assert_ne!(scored(&eval, &input, 1).pool, scored(&eval, &input, 3).pool);
}

#[test]
fn region_pools_and_the_all_pool() {
    // Same figures, same cluster; two regions. Pooled by region: two pools labelled by code.
    let rows = || {
        vec![
            simple(1, Scale::Above, 10.0, 100.0),
            simple(2, Scale::Above, 10.0, 300.0),
            region(simple(3, Scale::Above, 10.0, 1000.0), "411721"),
            region(simple(4, Scale::Above, 10.0, 3000.0), "411721"),
        ]
    };
    let by_region = identity_method("", "region", &two_stage_by_total(0.5, 0.15, 0.1));
    let input = pool_input(2024, rows());
    let eval = evaluate(&by_region, &input, &[]).unwrap();
    let mut labels: Vec<&str> = eval.pools.iter().map(|p| p.label.as_str()).collect();
    labels.sort_unstable();
    assert_eq!(labels, ["411702", "411721"]);
    assert!(eval.pools.iter().any(|p| p.key == PoolKey::Region(411_721)));
    assert_eq!(scored(&eval, &input, 2).rank, Some(1));
    assert_eq!(scored(&eval, &input, 4).rank, Some(1));

    // Pooled as "all": one pool, ranks across regions and clusters.
    let all = identity_method("", "all", &two_stage_by_total(0.5, 0.15, 0.1));
    let mut input = pool_input(2024, rows());
    let other = input.intern_cluster("驻马店市产业集聚区");
    input.enterprises[0].cluster = Some(other);
    input.enterprises[1].cluster = None;
    let eval = evaluate(&all, &input, &[]).unwrap();
    assert_eq!(eval.pools.len(), 1);
    assert_eq!(eval.pools[0].label, "all");
    assert_eq!(eval.pools[0].key, PoolKey::All);
    let ranks: Vec<Option<u32>> = (1..=4).map(|n| scored(&eval, &input, n).rank).collect();
    assert_eq!(ranks, [Some(4), Some(3), Some(2), Some(1)]);
}

#[test]
fn each_group_has_its_own_pools() {
    // henan-2019: 规上 by cluster, 规下 "all" — a 规上 and a 规下 firm never share a pool.
    let m = presets::load("henan-2019").unwrap();
    let input = pool_input(
        2024,
        vec![
            simple(1, Scale::Above, 10.0, 100.0),
            simple(2, Scale::Below, 10.0, 300.0),
            simple(3, Scale::Below, 10.0, 100.0),
        ],
    );
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(eval.pools.len(), 2);
    let above = scored(&eval, &input, 1);
    let below = scored(&eval, &input, 2);
    assert_ne!(above.pool, below.pool);
    assert_eq!(m.groups[above.group].id, "above");
    assert_eq!(m.groups[below.group].id, "below");
    assert_eq!(eval.pools[below.pool].label, "all");
    assert_eq!(eval.pools[above.pool].label, "驻马店装备产业集聚区");
    assert_eq!(eval.pools[below.pool].size, 2);
    assert_eq!(above.rank, Some(1));
    // 规下 tax_per_mu: 30 and 10 → B = 20 → 100 × 1.5 = 150 and 100 × 0.5 = 50.
    assert_close(below.total, 150.0, "规下 total");
    assert_close(scored(&eval, &input, 3).total, 50.0, "规下 total");
}

// ============================================================================================
// §3 Indicators
// ============================================================================================

#[test]
fn every_indicator_formula() {
    use mujun_engine::Figures;
    let f = Figures::empty()
        .with(Field::LandAreaMu, 4.0)
        .with(Field::TaxPaid, 10.0)
        .with(Field::ProfitTotal, -6.0)
        .with(Field::MainRevenue, 200.0)
        .with(Field::RdExpense, 5.0)
        .with(Field::GrossOutput, 300.0)
        .with(Field::EnergyTce, 12.0)
        .with(Field::ElectricityKwh, 25.0)
        .with(Field::PollutionEq, 40.0)
        .with(Field::Employees, 50.0)
        .with(Field::ValueAdded, 90.0)
        .with(Field::WaterM3, 7.0);
    let expected = [
        ("tax_per_mu", 10.0 / 4.0),
        ("profit_per_mu", -6.0 / 4.0),
        ("revenue_per_mu", 200.0 / 4.0),
        ("value_added_per_mu", 90.0 / 4.0),
        ("rd_intensity", 5.0 / 200.0),
        ("output_per_energy", 300.0 / 12.0),
        ("value_added_per_energy", 90.0 / 12.0),
        ("tax_per_pollution", 10.0 / 40.0),
        ("value_added_per_pollution", 90.0 / 40.0),
        ("labor_productivity", 90.0 / 50.0),
        ("tax_per_kwh", 10.0 / 25.0),
        ("tax_paid", 10.0),
    ];
    assert_eq!(expected.len(), mujun_domain::IndicatorId::ALL.len());
    for (id, want) in expected {
        assert_eq!(
            indicator_value(ind(id), &f),
            IndicatorValue::Defined(want),
            "{id}"
        );
    }
}

#[test]
fn every_indicator_value_reaches_the_result() {
    // All twelve indicators in one group, each with weight 1 against a fixed benchmark of 1:
    // the reported values are the formulas of §3.
    let lines: Vec<String> = mujun_domain::IndicatorId::ALL
        .iter()
        .map(|i| {
            format!(
                "  {{ id = \"{}\", weight = 1.0, benchmark = {{ fixed = 1.0 }} }},",
                i.id()
            )
        })
        .collect();
    let m = scoring_method("", &lines.join("\n"));
    let e = simple(1, Scale::Above, 4.0, 10.0);
    let e = set(e, Field::ProfitTotal, Some(6.0));
    let e = set(e, Field::MainRevenue, Some(200.0));
    let e = set(e, Field::RdExpense, Some(5.0));
    let e = set(e, Field::GrossOutput, Some(300.0));
    let e = set(e, Field::EnergyTce, Some(12.0));
    let e = set(e, Field::ElectricityKwh, Some(25.0));
    let e = set(e, Field::PollutionEq, Some(40.0));
    let e = set(e, Field::Employees, Some(50.0));
    let e = set(e, Field::ValueAdded, Some(90.0));
    let input = pool_input(2024, vec![e]);
    let eval = evaluate(&m, &input, &[]).unwrap();
    let values: Vec<f64> = indicators(&m, &eval, &input, 1)
        .iter()
        .map(|r| r.value.defined().unwrap())
        .collect();
    let want = [2.5, 1.5, 50.0, 22.5, 0.025, 25.0, 7.5, 0.25, 2.25, 1.8, 0.4, 10.0];
    assert_scores(&values, &want, "values in IndicatorId::ALL order");
    // With B = 1, w = 1 and no cap, each score is its value; base is their sum.
    assert_scores(&scores(&m, &eval, &input, 1), &want, "scores");
    assert_close(scored(&eval, &input, 1).base, want.iter().sum(), "base");
}

#[test]
fn missing_zero_denominator_and_zero_over_zero() {
    use mujun_engine::Figures;
    let f = |gross: Option<f64>, energy: Option<f64>| {
        let mut f = Figures::empty();
        f.set(Field::GrossOutput, gross);
        f.set(Field::EnergyTce, energy);
        indicator_value(ind("output_per_energy"), &f)
    };
    assert_eq!(f(Some(100.0), Some(4.0)), IndicatorValue::Defined(25.0));
    assert_eq!(f(None, Some(4.0)), IndicatorValue::Missing, "numerator absent");
    assert_eq!(
        f(Some(100.0), None),
        IndicatorValue::Missing,
        "denominator absent"
    );
    assert_eq!(f(None, None), IndicatorValue::Missing);
    assert_eq!(f(Some(100.0), Some(0.0)), IndicatorValue::ZeroDenominator);
    assert_eq!(
        f(Some(0.0), Some(0.0)),
        IndicatorValue::Missing,
        "0/0 counts as missing"
    );
    assert_eq!(
        f(Some(0.0), Some(4.0)),
        IndicatorValue::Defined(0.0),
        "0/x is a value"
    );
    // The absolute indicator needs only its field.
    assert_eq!(
        indicator_value(ind("tax_paid"), &Figures::empty()),
        IndicatorValue::Missing
    );
    assert_eq!(
        indicator_value(ind("tax_paid"), &Figures::empty().with(Field::TaxPaid, 0.0)),
        IndicatorValue::Defined(0.0)
    );
}

// ============================================================================================
// §4.1 Benchmarks
// ============================================================================================

#[test]
fn pool_mean_is_over_defined_values_only() {
    // output_per_energy, w = 100, no cap:
    //   1: 100/10 = 10   2: 500/10 = 50   6: 0/5 = 0   (defined)
    //   3: 50/0 (zero denominator)  4: gross missing  5: 0/0 (missing)
    // B = (10 + 50 + 0) / 3 = 20 → scores 50, 250, 0; undefined → 0 (default policy "zero").
    let m = scoring_method("", "{ id = \"output_per_energy\", weight = 100.0 }");
    let row = |n: u64, gross: Option<f64>, energy: Option<f64>| {
        set(
            set(firm(n, 1.0), Field::GrossOutput, gross),
            Field::EnergyTce,
            energy,
        )
    };
    let input = pool_input(
        2024,
        vec![
            row(1, Some(100.0), Some(10.0)),
            row(2, Some(500.0), Some(10.0)),
            row(3, Some(50.0), Some(0.0)),
            row(4, None, Some(10.0)),
            row(5, Some(0.0), Some(0.0)),
            row(6, Some(0.0), Some(5.0)),
        ],
    );
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_close(eval.pools[0].benchmarks[0].unwrap(), 20.0, "B");
    let s = |n| scores(&m, &eval, &input, n)[0];
    assert_close(s(1), 50.0, "1");
    assert_close(s(2), 250.0, "2");
    assert_close(s(6), 0.0, "6");
    for n in [3, 4, 5] {
        assert_eq!(s(n), 0.0, "{n}");
    }
    let basis = |n| indicators(&m, &eval, &input, n)[0].basis;
    assert_eq!(basis(3), Basis::ZeroDenominator(UndefinedPolicy::Zero));
    assert_eq!(basis(4), Basis::Missing(UndefinedPolicy::Zero));
    assert_eq!(basis(5), Basis::Missing(UndefinedPolicy::Zero));
    assert_eq!(
        indicators(&m, &eval, &input, 3)[0].value,
        IndicatorValue::ZeroDenominator
    );
    assert_eq!(indicators(&m, &eval, &input, 5)[0].value, IndicatorValue::Missing);
}

#[test]
fn fixed_benchmark() {
    // tax_per_mu, w = 10, B fixed at 8: x = 10 → 10 × 1.25 = 12.5; x = 4 → 5. The pool mean (7)
    // plays no part.
    let m = scoring_method(
        "",
        "{ id = \"tax_per_mu\", weight = 10.0, benchmark = { fixed = 8.0 } }",
    );
    let input = pool_input(2024, vec![firm(1, 10.0), firm(2, 4.0)]);
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(eval.pools[0].benchmarks[0], Some(8.0));
    assert_close(scores(&m, &eval, &input, 1)[0], 12.5, "1");
    assert_close(scores(&m, &eval, &input, 2)[0], 5.0, "2");
}

#[test]
fn pool_mean_times_benchmark() {
    // tax_per_mu, w = 100, B = 2 × mean(10, 30) = 40 → 25 and 75.
    let m = scoring_method(
        "",
        "{ id = \"tax_per_mu\", weight = 100.0, benchmark = { pool_mean_times = 2.0 } }",
    );
    let input = pool_input(2024, vec![firm(1, 10.0), firm(2, 30.0)]);
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_close(eval.pools[0].benchmarks[0].unwrap(), 40.0, "B");
    assert_close(scores(&m, &eval, &input, 1)[0], 25.0, "1");
    assert_close(scores(&m, &eval, &input, 2)[0], 75.0, "2");
}

#[test]
fn group_benchmark_applies_unless_an_indicator_overrides_it() {
    // Group benchmark fixed 5; tax_paid overrides with pool_mean. Land 1, tax 10 and 30:
    //   tax_per_mu  (B = 5):  w 1 → 2 and 6
    //   tax_paid    (B = 20): w 1 → 0.5 and 1.5
    let m = scoring_method(
        "benchmark = { fixed = 5.0 }",
        "{ id = \"tax_per_mu\", weight = 1.0 },\n{ id = \"tax_paid\", weight = 1.0, benchmark = \"pool_mean\" },",
    );
    let input = pool_input(2024, vec![firm(1, 10.0), firm(2, 30.0)]);
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(eval.pools[0].benchmarks[0], Some(5.0));
    assert_close(eval.pools[0].benchmarks[1].unwrap(), 20.0, "tax_paid B");
    assert_scores(&scores(&m, &eval, &input, 1), &[2.0, 0.5], "1");
    assert_scores(&scores(&m, &eval, &input, 2), &[6.0, 1.5], "2");
}

// ============================================================================================
// §4.2–4.3 Ratios, clamping, scores
// ============================================================================================

#[test]
fn ratio_is_clamped_to_floor_and_cap() {
    // tax_per_mu, w = 10, floor 0.5, cap 2. x = 1, 2, 9 → B = 4 → raw 0.25, 0.5, 2.25
    // → clamped 0.5, 0.5, 2.0 → scores 5, 5, 20.
    let m = scoring_method("cap = 2.0\nfloor = 0.5", "{ id = \"tax_per_mu\", weight = 10.0 }");
    let input = pool_input(2024, vec![firm(1, 1.0), firm(2, 2.0), firm(3, 9.0)]);
    let eval = evaluate(&m, &input, &[]).unwrap();
    let r = |n| indicators(&m, &eval, &input, n)[0];
    assert_eq!(r(1).ratio, Some(0.5));
    assert_eq!(r(1).basis, Basis::Floored);
    assert_eq!(r(2).ratio, Some(0.5));
    assert_eq!(r(2).basis, Basis::Ratio);
    assert_eq!(r(3).ratio, Some(2.0));
    assert_eq!(r(3).basis, Basis::Capped);
    assert_close(r(1).score, 5.0, "floored");
    assert_close(r(2).score, 5.0, "plain");
    assert_close(r(3).score, 20.0, "capped");
}

#[test]
fn no_cap_means_no_upper_bound_and_floor_defaults_to_zero() {
    // profit_per_mu, w = 10, no cap, floor default 0. x = −10, 10, 60 → B = 20
    // → raw −0.5, 0.5, 3 → 0 (floor), 5, 30 (uncapped).
    let m = scoring_method("", "{ id = \"profit_per_mu\", weight = 10.0 }");
    let input = pool_input(
        2024,
        vec![
            set(firm(1, 1.0), Field::ProfitTotal, Some(-10.0)),
            set(firm(2, 1.0), Field::ProfitTotal, Some(10.0)),
            set(firm(3, 1.0), Field::ProfitTotal, Some(60.0)),
        ],
    );
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_scores(
        &[1, 2, 3].map(|n| scores(&m, &eval, &input, n)[0]),
        &[0.0, 5.0, 30.0],
        "scores",
    );
}

#[test]
fn indicator_cap_and_floor_override_the_group() {
    // Group cap 1; tax_paid overrides cap 4 and floor 0.5. Land 1, x = 10, 90 for both → B = 50.
    //   tax_per_mu (cap 1, floor 0):   ratios 0.2, 1.8 → 0.2, 1.0 → w 10: 2, 10
    //   tax_paid   (cap 4, floor 0.5): ratios 0.2, 1.8 → 0.5, 1.8 → w 10: 5, 18
    let m = scoring_method(
        "cap = 1.0",
        "{ id = \"tax_per_mu\", weight = 10.0 },\n{ id = \"tax_paid\", weight = 10.0, cap = 4.0, floor = 0.5 },",
    );
    let input = pool_input(2024, vec![firm(1, 10.0), firm(2, 90.0)]);
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_scores(&scores(&m, &eval, &input, 1), &[2.0, 5.0], "1");
    assert_scores(&scores(&m, &eval, &input, 2), &[10.0, 18.0], "2");
}

#[test]
fn non_positive_benchmark_gives_ratio_zero_for_the_whole_pool() {
    // profit_per_mu, w = 10, floor 0.5, cap 2. x = −30, 10 → B = −10 ≤ 0: r = 0 for both, even
    // the profitable firm and even though the floor is 0.5 (§4.2: "r_i = 0").
    let m = scoring_method(
        "cap = 2.0\nfloor = 0.5",
        "{ id = \"profit_per_mu\", weight = 10.0 }",
    );
    let input = pool_input(
        2024,
        vec![
            set(firm(1, 1.0), Field::ProfitTotal, Some(-30.0)),
            set(firm(2, 1.0), Field::ProfitTotal, Some(10.0)),
        ],
    );
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_close(eval.pools[0].benchmarks[0].unwrap(), -10.0, "B");
    for n in [1, 2] {
        let r = indicators(&m, &eval, &input, n)[0];
        assert_eq!(r.ratio, Some(0.0), "{n}");
        assert_eq!(r.score, 0.0, "{n}");
        assert_eq!(r.basis, Basis::BenchmarkNotPositive, "{n}");
    }

    // B exactly 0: x = −10, 10.
    let input = pool_input(
        2024,
        vec![
            set(firm(1, 1.0), Field::ProfitTotal, Some(-10.0)),
            set(firm(2, 1.0), Field::ProfitTotal, Some(10.0)),
        ],
    );
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(scores(&m, &eval, &input, 2)[0], 0.0);

    // All zero: tax_paid 0, 0 → B = 0 → 0 for both.
    let m = scoring_method("", "{ id = \"tax_paid\", weight = 10.0 }");
    let input = pool_input(2024, vec![firm(1, 0.0), firm(2, 0.0)]);
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(scores(&m, &eval, &input, 1)[0], 0.0);
}

#[test]
fn non_positive_benchmark_is_per_pool() {
    // Two cluster pools of profit_per_mu: 甲 has B = −10 (→ 0), 乙 has x = 10, 30 → B = 20
    // → 5 and 15 (w 10).
    let m = method(&format!(
        r#"id = "p"
{ITEMS}
[[groups]]
id = "above"
scale = "above"
pool = "cluster"
indicators = [ {{ id = "profit_per_mu", weight = 10.0 }} ]
[groups.classification]
a_selector = "total"
c_selector = "total"
"#
    ));
    let mut input = pool_input(2024, vec![]);
    let other = input.intern_cluster("乙");
    let p = |n: u64, profit: f64, c: u32| {
        let mut e = set(firm(n, 1.0), Field::ProfitTotal, Some(profit));
        e.cluster = Some(c);
        e
    };
    input.enterprises = vec![
        p(1, -30.0, 0),
        p(2, 10.0, 0),
        p(3, 10.0, other),
        p(4, 30.0, other),
    ];
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(scores(&m, &eval, &input, 2)[0], 0.0);
    assert_close(scores(&m, &eval, &input, 3)[0], 5.0, "3");
    assert_close(scores(&m, &eval, &input, 4)[0], 15.0, "4");
}

// ============================================================================================
// §4.4 Undefined values
// ============================================================================================

#[test]
fn policy_zero_is_the_default_for_both_cases() {
    // tax_per_pollution, w 15, cap 2, no policy written: missing → 0, zero denominator → 0.
    let m = scoring_method("cap = 2.0", "{ id = \"tax_per_pollution\", weight = 15.0 }");
    let input = pool_input(
        2024,
        vec![
            set(firm(1, 10.0), Field::PollutionEq, Some(10.0)),
            firm(2, 10.0),                                     // pollution missing
            set(firm(3, 10.0), Field::PollutionEq, Some(0.0)), // zero denominator
        ],
    );
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_close(scores(&m, &eval, &input, 1)[0], 15.0, "defined: x = B");
    assert_eq!(scores(&m, &eval, &input, 2)[0], 0.0);
    assert_eq!(scores(&m, &eval, &input, 3)[0], 0.0);
}

#[test]
fn policy_cap_scores_weight_times_cap() {
    // tax_per_pollution, w 15, cap 2: on_missing = cap → 30; on_zero_denominator = cap → 30.
    let m = scoring_method(
        "cap = 2.0",
        "{ id = \"tax_per_pollution\", weight = 15.0, on_missing = \"cap\", on_zero_denominator = \"cap\" }",
    );
    let input = pool_input(
        2024,
        vec![
            set(firm(1, 10.0), Field::PollutionEq, Some(10.0)),
            firm(2, 10.0),
            set(firm(3, 10.0), Field::PollutionEq, Some(0.0)),
        ],
    );
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_close(scores(&m, &eval, &input, 2)[0], 30.0, "missing → w × cap");
    assert_close(
        scores(&m, &eval, &input, 3)[0],
        30.0,
        "zero denominator → w × cap",
    );
    assert_eq!(
        indicators(&m, &eval, &input, 2)[0].basis,
        Basis::Missing(UndefinedPolicy::Cap)
    );
    assert_eq!(
        indicators(&m, &eval, &input, 3)[0].basis,
        Basis::ZeroDenominator(UndefinedPolicy::Cap)
    );
}

#[test]
fn an_indicator_cap_serves_the_cap_policy() {
    // No group cap; the indicator's own cap 3 → w 10 × 3 = 30.
    let m = scoring_method(
        "",
        "{ id = \"tax_per_pollution\", weight = 10.0, cap = 3.0, on_zero_denominator = \"cap\" }",
    );
    let input = pool_input(
        2024,
        vec![
            set(firm(1, 10.0), Field::PollutionEq, Some(10.0)),
            set(firm(2, 10.0), Field::PollutionEq, Some(0.0)),
        ],
    );
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_close(scores(&m, &eval, &input, 2)[0], 30.0, "w × indicator cap");
}

#[test]
fn zero_over_zero_takes_the_missing_policy() {
    // on_missing = zero, on_zero_denominator = cap: tax 0 / pollution 0 is missing → 0, while
    // tax 5 / pollution 0 is a zero denominator → w × cap = 30.
    let m = scoring_method(
        "cap = 2.0",
        "{ id = \"tax_per_pollution\", weight = 15.0, on_missing = \"zero\", on_zero_denominator = \"cap\" }",
    );
    let input = pool_input(
        2024,
        vec![
            set(firm(1, 10.0), Field::PollutionEq, Some(10.0)),
            set(firm(2, 0.0), Field::PollutionEq, Some(0.0)),
            set(firm(3, 5.0), Field::PollutionEq, Some(0.0)),
        ],
    );
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(scores(&m, &eval, &input, 2)[0], 0.0);
    assert_eq!(
        indicators(&m, &eval, &input, 2)[0].basis,
        Basis::Missing(UndefinedPolicy::Zero)
    );
    assert_close(scores(&m, &eval, &input, 3)[0], 30.0, "x/0 → cap");
}

#[test]
fn policy_pool_average_is_the_mean_defined_score() {
    // tax_per_pollution, w 10, no cap: x = 2, 4, 6 → B = 4 → scores 5, 10, 15 → mean 10.
    // Missing and zero-denominator firms (both pool_average) score 10 and do not enter B.
    let m = scoring_method(
        "",
        "{ id = \"tax_per_pollution\", weight = 10.0, on_missing = \"pool_average\", on_zero_denominator = \"pool_average\" }",
    );
    let input = pool_input(
        2024,
        vec![
            set(firm(1, 2.0), Field::PollutionEq, Some(1.0)),
            set(firm(2, 4.0), Field::PollutionEq, Some(1.0)),
            set(firm(3, 6.0), Field::PollutionEq, Some(1.0)),
            firm(4, 100.0),
            set(firm(5, 100.0), Field::PollutionEq, Some(0.0)),
        ],
    );
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_close(eval.pools[0].benchmarks[0].unwrap(), 4.0, "B");
    assert_close(scores(&m, &eval, &input, 4)[0], 10.0, "missing → pool average");
    assert_close(
        scores(&m, &eval, &input, 5)[0],
        10.0,
        "zero denominator → pool average",
    );
    assert_eq!(
        indicators(&m, &eval, &input, 4)[0].basis,
        Basis::Missing(UndefinedPolicy::PoolAverage)
    );
    assert_eq!(
        indicators(&m, &eval, &input, 5)[0].basis,
        Basis::ZeroDenominator(UndefinedPolicy::PoolAverage)
    );
}

#[test]
fn pool_average_averages_clamped_scores_and_includes_vetoed_firms() {
    // As above with cap 1.25 and firm 3 vetoed: scores 5, 10, min(1.5, 1.25) × 10 = 12.5;
    // the vetoed firm still counts → (5 + 10 + 12.5) / 3 = 27.5 / 3.
    let m = scoring_method(
        "cap = 1.25",
        "{ id = \"tax_per_pollution\", weight = 10.0, on_missing = \"pool_average\" }",
    );
    let mut input = pool_input(
        2024,
        vec![
            set(firm(1, 2.0), Field::PollutionEq, Some(1.0)),
            set(firm(2, 4.0), Field::PollutionEq, Some(1.0)),
            set(firm(3, 6.0), Field::PollutionEq, Some(1.0)),
            firm(4, 100.0),
        ],
    );
    tag(&mut input, 3, &[], &["major_safety_accident"]);
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_close(
        scores(&m, &eval, &input, 3)[0],
        12.5,
        "vetoed firm is still scored",
    );
    assert_close(scores(&m, &eval, &input, 4)[0], 27.5 / 3.0, "pool average");
}

#[test]
fn pool_average_is_zero_when_nobody_is_defined() {
    let m = scoring_method(
        "",
        "{ id = \"tax_per_mu\", weight = 50.0 },\n{ id = \"tax_per_pollution\", weight = 10.0, on_missing = \"pool_average\" },",
    );
    let input = pool_input(2024, vec![firm(1, 10.0), firm(2, 30.0)]);
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(eval.pools[0].benchmarks[1], None, "no value, no benchmark");
    for n in [1, 2] {
        assert_eq!(scores(&m, &eval, &input, n)[1], 0.0, "{n}");
    }
    // tax_per_mu is unaffected: 10, 30 → B 20 → 25, 75.
    assert_close(scored(&eval, &input, 1).total, 25.0, "1");
    assert_close(scored(&eval, &input, 2).total, 75.0, "2");
}

// ============================================================================================
// §4.5 Base, bonus, total
// ============================================================================================

#[test]
fn bonus_is_the_sum_of_item_points_capped_at_max_bonus() {
    // henan-2019 points: high_tech 3, listed 3, provincial_rd_platform 2, quality_award 2,
    // strategic_emerging 2; max_bonus 10.
    let m = presets::load("henan-2019").unwrap();
    let mut input = pool_input(
        2024,
        vec![
            simple(1, Scale::Above, 10.0, 100.0),
            simple(2, Scale::Above, 10.0, 100.0),
            simple(3, Scale::Above, 10.0, 100.0),
        ],
    );
    let all = [
        "high_tech",
        "listed",
        "provincial_rd_platform",
        "quality_award",
        "strategic_emerging",
    ];
    tag(&mut input, 1, &all, &[]); // 12 → 10
    tag(&mut input, 2, &["high_tech", "listed"], &[]); // 6
    let eval = evaluate(&m, &input, &[]).unwrap();
    let s = |n| scored(&eval, &input, n);
    assert_eq!(s(1).bonus, 10.0);
    assert_eq!(s(2).bonus, 6.0);
    assert_eq!(s(3).bonus, 0.0);
    for n in 1..=3 {
        assert_eq!(s(n).total, s(n).base + s(n).bonus, "{n}");
    }
    // Same figures, same base.
    assert_eq!(s(1).base, s(3).base);

    // A method's own max_bonus.
    let m = identity_method("max_bonus = 4.0", "all", &two_stage_by_total(0.5, 0.15, 0.1));
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(scored(&eval, &input, 1).bonus, 4.0);
    assert_eq!(scored(&eval, &input, 2).bonus, 4.0);
    assert_eq!(scored(&eval, &input, 2).total, 104.0);
}

#[test]
fn bonus_counts_in_the_rank() {
    // Totals: 1 → 100, 2 → 98 + 3 (high_tech) = 101.
    let m = identity_method("", "all", &two_stage_by_total(0.5, 0.15, 0.1));
    let mut input = pool_input(2024, vec![firm(1, 100.0), firm(2, 98.0)]);
    tag(&mut input, 2, &["high_tech"], &[]);
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(scored(&eval, &input, 2).total, 101.0);
    assert_eq!(scored(&eval, &input, 2).rank, Some(1));
    assert_eq!(scored(&eval, &input, 1).rank, Some(2));
}

// ============================================================================================
// §5 Vetoes
// ============================================================================================

#[test]
fn veto_goes_to_the_lowest_class_unranked_and_outside_n() {
    // 11 firms, totals 110 (firm 11, vetoed), 100 … 10 (firms 10 … 1).
    // N = 10 (the vetoed firm excluded): n_top = 5, n_A = round(1.5) = 2, n_C = round(1.0) = 1.
    let m = identity_method("", "all", &two_stage_by_total(0.5, 0.15, 0.1));
    let mut input = pool_input(2024, (1..=11).map(|n| firm(n, 10.0 * n as f64)).collect());
    // Input order lists serious_dishonesty first; the method file lists major_safety_accident
    // first: the reason names the method's first.
    tag(
        &mut input,
        11,
        &[],
        &["serious_dishonesty", "major_safety_accident"],
    );
    let eval = evaluate(&m, &input, &[]).unwrap();
    let pool = &eval.pools[0];
    assert_eq!(pool.size, 10);
    assert_eq!(
        pool.quotas,
        Some(TwoStageQuotas {
            n_top: 5,
            n_a: 2,
            n_c: 1
        })
    );
    let v = scored(&eval, &input, 11);
    assert_eq!(v.rank, None);
    assert_eq!(v.total, 110.0, "still scored");
    assert_eq!(eval.final_class(&m, v), "C");
    assert_eq!(reason(&m, &eval, &input, 11), "veto:major_safety_accident");
    assert_eq!(
        scored(&eval, &input, 10).rank,
        Some(1),
        "the best non-vetoed firm ranks first"
    );
    assert_eq!(classes(&m, &eval, &input, (1..=10).rev()), "AABBBBBBBC");
    assert_eq!(reason(&m, &eval, &input, 1), "quota C");
    // Listed after the ranked firms.
    assert_eq!(*pool.members.last().unwrap(), row_of(&input, 11) as u32);
    assert_eq!(pool.computed_counts, vec![2, 7, 2]);
}

#[test]
fn veto_reason_follows_the_method_file_order() {
    let m = identity_method("", "all", &two_stage_by_total(0.5, 0.15, 0.1));
    let mut input = pool_input(2024, vec![firm(1, 10.0), firm(2, 20.0), firm(3, 30.0)]);
    tag(
        &mut input,
        1,
        &[],
        &["serious_dishonesty", "major_pollution_incident"],
    );
    tag(&mut input, 2, &[], &["serious_dishonesty"]);
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(reason(&m, &eval, &input, 1), "veto:major_pollution_incident");
    assert_eq!(reason(&m, &eval, &input, 2), "veto:serious_dishonesty");
    assert_eq!(eval.pools[0].size, 1);
    // Vetoed firms after the ranked one (§5); among themselves by total descending — the
    // spec says only "after", this order is the engine's documented choice (Pool::members).
    let members: Vec<u32> = eval.pools[0].members.clone();
    assert_eq!(
        members,
        [row_of(&input, 3), row_of(&input, 2), row_of(&input, 1)].map(|r| r as u32)
    );
}

#[test]
fn vetoed_firms_count_in_benchmarks() {
    // tax_per_mu, w 100, no cap: x = 10, 20, 60 (vetoed) → B = 30 (not 15).
    let m = scoring_method("", "{ id = \"tax_per_mu\", weight = 100.0 }");
    let mut input = pool_input(2024, vec![firm(1, 10.0), firm(2, 20.0), firm(3, 60.0)]);
    tag(&mut input, 3, &[], &["major_safety_accident"]);
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_close(eval.pools[0].benchmarks[0].unwrap(), 30.0, "B");
    assert_close(scored(&eval, &input, 1).total, 100.0 / 3.0, "1");
    assert_close(scored(&eval, &input, 2).total, 200.0 / 3.0, "2");
    assert_close(scored(&eval, &input, 3).total, 200.0, "vetoed");
}

#[test]
fn veto_lowest_class_under_quantile_and_threshold() {
    // Quantile: the last class of `shares` in file order (here "A", written last).
    let q = identity_method(
        "",
        "all",
        "rule = \"quantile\"\nshares = { Z = 0.2, M = 0.5, A = 0.3 }",
    );
    let mut input = pool_input(2024, (1..=4).map(|n| firm(n, 10.0 * n as f64)).collect());
    tag(
        &mut input,
        4,
        &[],
        &["listed_not_a_veto", "major_safety_accident"],
    );
    let eval = evaluate(&q, &input, &[]).unwrap();
    assert_eq!(class(&q, &eval, &input, 4), "A");
    assert_eq!(scored(&eval, &input, 4).rank, None);
    // N = 3: k1 = round(0.6) = 1, k2 = round(2.1) = 2 → firm 3 Z, firm 2 M, firm 1 A.
    assert_eq!(classes(&q, &eval, &input, [3, 2, 1]), "ZMA");

    // Threshold: the class of the lowest cut, however high the total.
    let t = identity_method(
        "",
        "all",
        "rule = \"threshold\"\ncuts = { A = 30.0, B = 20.0, C = -inf }",
    );
    let eval = evaluate(&t, &input, &[]).unwrap();
    assert_eq!(scored(&eval, &input, 4).total, 40.0);
    assert_eq!(class(&t, &eval, &input, 4), "C");
    assert_eq!(reason(&t, &eval, &input, 4), "veto:major_safety_accident");
    assert_eq!(classes(&t, &eval, &input, [3, 2, 1]), "ABC");
}

// ============================================================================================
// §6 Ranking and §6.1 henan_two_stage
// ============================================================================================

#[test]
fn ranks_by_total_descending_ties_by_credit_code() {
    let m = identity_method("", "all", &two_stage_by_total(0.5, 0.15, 0.1));
    // Firms 3 and 1 tie at 50: code(1) < code(3) → 1 ranks before 3.
    let input = pool_input(
        2024,
        vec![firm(3, 50.0), firm(2, 70.0), firm(1, 50.0), firm(4, 10.0)],
    );
    let eval = evaluate(&m, &input, &[]).unwrap();
    let ranks: Vec<Option<u32>> = (1..=4).map(|n| scored(&eval, &input, n).rank).collect();
    assert_eq!(ranks, [Some(2), Some(1), Some(3), Some(4)]);
}

#[test]
fn two_stage_quotas_for_ten() {
    // N = 10, totals 10 … 100: n_top = 5, n_A = round(1.5) = 2, n_C = round(1.0) = 1.
    let m = identity_method("", "all", &two_stage_by_total(0.5, 0.15, 0.1));
    let input = pool_input(2024, (1..=10).map(|n| firm(n, 10.0 * n as f64)).collect());
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(
        eval.pools[0].quotas,
        Some(TwoStageQuotas {
            n_top: 5,
            n_a: 2,
            n_c: 1
        })
    );
    assert_eq!(classes(&m, &eval, &input, (1..=10).rev()), "AABBBBBBBC");
    assert_eq!(reason(&m, &eval, &input, 10), "quota A");
    assert_eq!(reason(&m, &eval, &input, 5), "default B");
    assert_eq!(reason(&m, &eval, &input, 1), "quota C");
    assert_eq!(eval.pools[0].computed_counts, vec![2, 7, 1]);
}

#[test]
fn quotas_are_limited_to_their_half() {
    // N = 5, top 0.2, a 0.6, c 0.9: n_top = round(1.0) = 1; n_A = round(3.0) = 3 → 1;
    // n_C = round(4.5) = 5 → 4 (the bottom half).
    let m = identity_method("", "all", &two_stage_by_total(0.2, 0.6, 0.9));
    let input = pool_input(2024, (1..=5).map(|n| firm(n, 10.0 * n as f64)).collect());
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(
        eval.pools[0].quotas,
        Some(TwoStageQuotas {
            n_top: 1,
            n_a: 1,
            n_c: 4
        })
    );
    assert_eq!(classes(&m, &eval, &input, (1..=5).rev()), "ACCCC");

    // N = 3, top 0.5, a 1, c 1: n_top = round(1.5) = 2; n_A = 3 → 2; n_C = 3 → 1.
    let m = identity_method("", "all", &two_stage_by_total(0.5, 1.0, 1.0));
    let input = pool_input(2024, (1..=3).map(|n| firm(n, 10.0 * n as f64)).collect());
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(
        eval.pools[0].quotas,
        Some(TwoStageQuotas {
            n_top: 2,
            n_a: 2,
            n_c: 1
        })
    );
    assert_eq!(classes(&m, &eval, &input, (1..=3).rev()), "AAC");
}

#[test]
fn round_half_up_is_exact() {
    // (N, top, a, c) → (n_top, n_A, n_C). Cases where N × share sits exactly on .5 and cases
    // where floating-point N × share falls just below .5 (25 × 0.58 = 14.499…, 50 × 0.29,
    // 90 × 0.35) but the exact product is on .5 and must round up.
    type Case = (u64, f64, f64, f64, (usize, usize, usize));
    let cases: [Case; 7] = [
        (10, 0.5, 0.25, 0.1, (5, 3, 1)),     // 2.5 → 3
        (2, 0.5, 0.25, 0.25, (1, 1, 1)),     // 0.5 → 1
        (5, 0.5, 0.1, 0.1, (3, 1, 1)),       // 2.5 → 3, 0.5 → 1
        (15, 0.5, 0.1, 0.1, (8, 2, 2)),      // 7.5 → 8, 1.5 → 2
        (25, 0.58, 0.15, 0.1, (15, 4, 3)),   // 14.5 → 15, 3.75 → 4, 2.5 → 3
        (50, 0.5, 0.29, 0.1, (25, 15, 5)),   // 14.5 → 15
        (90, 0.5, 0.15, 0.35, (45, 14, 32)), // 13.5 → 14, 31.5 → 32
    ];
    for (n, top, a, c, (n_top, n_a, n_c)) in cases {
        let m = identity_method("", "all", &two_stage_by_total(top, a, c));
        let input = pool_input(2024, (1..=n).map(|i| firm(i, i as f64)).collect());
        let eval = evaluate(&m, &input, &[]).unwrap();
        assert_eq!(
            eval.pools[0].quotas,
            Some(TwoStageQuotas { n_top, n_a, n_c }),
            "N = {n}, shares {top}/{a}/{c}"
        );
        assert_eq!(
            eval.pools[0].computed_counts,
            vec![n_a, n as usize - n_a - n_c, n_c],
            "N = {n}"
        );
    }
}

#[test]
fn a_and_c_by_raw_tax_paid_under_henan_2019_below() {
    // henan-2019 规下: tax_per_mu w 100, cap 2, selectors { value = "tax_paid" }.
    //   firm  land  tax   tax/mu  tax_paid
    //   1     10    100   10      100
    //   2     100   900   9       900
    //   3     10    80    8       80
    //   4     5     35    7       35
    //   5     100   600   6       600
    //   6     10    50    5       50
    // B = 7.5, all ratios < 2 → rank by tax/mu 1 … 6. N = 6: n_top 3, n_A round(0.9) = 1,
    // n_C round(0.6) = 1. Top half {1, 2, 3} by tax_paid: 2 first → A (not the rank-1 firm).
    // Bottom half {4, 5, 6} by tax_paid desc: 5, 6, 4 → the last, 4, is C (not rank 6).
    let m = presets::load("henan-2019").unwrap();
    let rows = [
        (1, 10.0, 100.0),
        (2, 100.0, 900.0),
        (3, 10.0, 80.0),
        (4, 5.0, 35.0),
        (5, 100.0, 600.0),
        (6, 10.0, 50.0),
    ];
    let input = pool_input(
        2024,
        rows.iter()
            .map(|&(n, land, tax)| simple(n, Scale::Below, land, tax))
            .collect(),
    );
    let eval = evaluate(&m, &input, &[]).unwrap();
    let ranks: Vec<Option<u32>> = (1..=6).map(|n| scored(&eval, &input, n).rank).collect();
    assert_eq!(ranks, (1..=6).map(Some).collect::<Vec<_>>());
    assert_eq!(classes(&m, &eval, &input, 1..=6), "BABCBB");
    assert_eq!(scored(&eval, &input, 2).a_selector, Some(900.0));
    assert_eq!(scored(&eval, &input, 4).c_selector, Some(35.0));
}

#[test]
fn score_selectors_sum_the_named_indicator_scores() {
    // Three indicators, each w 1 against a fixed benchmark 1, land 1: scores = tax, revenue,
    // profit. A-selector = revenue + profit scores, C-selector = tax score.
    //   firm  tax  rev  profit  total  A-sel  C-sel
    //   1     50   30   20      100    50
    //   2     10   40   40      90     80
    //   3     70   5    5       80     10
    //   4     60   5    5       70            60
    //   5     5    50   5       60            5
    //   6     40   5    5       50            40
    // N = 6: n_top 3, n_A 1, n_C 1. A = 2 (80). Bottom by C-sel desc: 4, 6, 5 → C = 5.
    let m = method(&format!(
        r#"id = "sel"
{ITEMS}
[[groups]]
id = "above"
scale = "above"
pool = "all"
indicators = [
  {{ id = "tax_paid",       weight = 1.0, benchmark = {{ fixed = 1.0 }} }},
  {{ id = "revenue_per_mu", weight = 1.0, benchmark = {{ fixed = 1.0 }} }},
  {{ id = "profit_per_mu",  weight = 1.0, benchmark = {{ fixed = 1.0 }} }},
]
[groups.classification]
a_selector = {{ scores = ["revenue_per_mu", "profit_per_mu"] }}
c_selector = {{ scores = ["tax_paid"] }}
"#
    ));
    let rows = [
        (1, 50.0, 30.0, 20.0),
        (2, 10.0, 40.0, 40.0),
        (3, 70.0, 5.0, 5.0),
        (4, 60.0, 5.0, 5.0),
        (5, 5.0, 50.0, 5.0),
        (6, 40.0, 5.0, 5.0),
    ];
    let input = pool_input(
        2024,
        rows.iter()
            .map(|&(n, tax, rev, profit)| {
                set(
                    set(firm(n, tax), Field::MainRevenue, Some(rev)),
                    Field::ProfitTotal,
                    Some(profit),
                )
            })
            .collect(),
    );
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(classes(&m, &eval, &input, 1..=6), "BABBCB");
    assert_close(
        scored(&eval, &input, 2).a_selector.unwrap(),
        80.0,
        "A-selector of 2",
    );
    assert_close(
        scored(&eval, &input, 5).c_selector.unwrap(),
        5.0,
        "C-selector of 5",
    );
}

#[test]
fn value_selector_counts_an_undefined_value_as_zero() {
    // Identity totals (tax) 60 … 10 for firms 1 … 6; N = 6: n_top 3, n_A 1, n_C 1.
    // A-selector value output_per_energy (not scored by the group):
    //   1: 100 / 0 → zero denominator → 0 (not +∞)   2: 10 / 10 = 1   3: 5 / 10 = 0.5 → A = 2.
    // C-selector value profit_per_mu (land 1):
    //   4: −5   5: missing → 0   6: 3 → sorted 6, 5, 4 → C = 4 (a missing value is not the worst).
    let m = identity_method(
        "",
        "all",
        "a_selector = { value = \"output_per_energy\" }\nc_selector = { value = \"profit_per_mu\" }",
    );
    let energy = |e, g: f64, en: f64| set(set(e, Field::GrossOutput, Some(g)), Field::EnergyTce, Some(en));
    let input = pool_input(
        2024,
        vec![
            energy(firm(1, 60.0), 100.0, 0.0),
            energy(firm(2, 50.0), 10.0, 10.0),
            energy(firm(3, 40.0), 5.0, 10.0),
            set(firm(4, 30.0), Field::ProfitTotal, Some(-5.0)),
            firm(5, 20.0),
            set(firm(6, 10.0), Field::ProfitTotal, Some(3.0)),
        ],
    );
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(classes(&m, &eval, &input, 1..=6), "BABCBB");
    assert_eq!(scored(&eval, &input, 1).a_selector, Some(0.0));
    assert_eq!(scored(&eval, &input, 5).c_selector, Some(0.0));
}

#[test]
fn selector_ties_break_by_total_then_credit_code() {
    // Shares top 0.5, a 0.25, c 0.25 with N = 4: n_top 2, n_A 1, n_C 1.
    // Scores: tax_paid and revenue_per_mu (w 1, B 1, land 1); both selectors = revenue score.
    let m = method(&format!(
        r#"id = "ties"
{ITEMS}
[[groups]]
id = "above"
scale = "above"
pool = "all"
indicators = [
  {{ id = "tax_paid",       weight = 1.0, benchmark = {{ fixed = 1.0 }} }},
  {{ id = "revenue_per_mu", weight = 1.0, benchmark = {{ fixed = 1.0 }} }},
]
[groups.classification]
top_share = 0.5
a_share = 0.25
c_share = 0.25
a_selector = {{ scores = ["revenue_per_mu"] }}
c_selector = {{ scores = ["revenue_per_mu"] }}
"#
    ));
    let row = |n, tax, rev| set(firm(n, tax), Field::MainRevenue, Some(rev));

    // Ties on the selector, totals differ, and the credit-code order disagrees with the totals:
    //   top:    1 (total 90), 2 (total 100), both rev 50 → total desc → 2 is A (code asc: 1).
    //   bottom: 5 (total 30), 6 (total 40), both rev 10 → order 6, 5 → last, 5, is C
    //           (code asc alone would give 6).
    let input = pool_input(
        2024,
        vec![
            row(1, 40.0, 50.0),
            row(2, 50.0, 50.0),
            row(5, 20.0, 10.0),
            row(6, 30.0, 10.0),
        ],
    );
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(classes(&m, &eval, &input, [1, 2, 5, 6]), "BACB");

    // Ties on selector and total: credit code ascending. All totals 100: ranks by code, top
    // {1, 2} → A = 1; bottom {3, 4} ordered 3, 4 → C = 4.
    let input = pool_input(
        2024,
        vec![
            row(4, 50.0, 50.0),
            row(3, 50.0, 50.0),
            row(2, 50.0, 50.0),
            row(1, 50.0, 50.0),
        ],
    );
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(classes(&m, &eval, &input, 1..=4), "ABBC");
}

// ============================================================================================
// §6.2 quantile
// ============================================================================================

fn quantile_counts(n: u64, shares: &str) -> Vec<usize> {
    let m = identity_method(
        "",
        "all",
        &format!("rule = \"quantile\"\nshares = {{ {shares} }}"),
    );
    let input = pool_input(2024, (1..=n).map(|i| firm(i, i as f64)).collect());
    let eval = evaluate(&m, &input, &[]).unwrap();
    // Classes must follow rank: the counts are read off in rank order.
    let mut counts = vec![0usize; m.groups[0].classes.len()];
    let mut last = 0;
    for i in (1..=n).rev() {
        let s = scored(&eval, &input, i);
        assert!(s.final_class >= last, "classes follow rank");
        last = s.final_class;
        counts[s.final_class] += 1;
    }
    assert_eq!(eval.pools[0].computed_counts, counts);
    counts
}

#[test]
fn quantile_uses_cumulative_rounding() {
    let zj = "A = 0.25, B = 0.45, C = 0.25, D = 0.05";
    // N = 10: k = round(2.5) = 3, round(7.0) = 7, round(9.5) = 10 → 3 / 4 / 3 / 0
    // (per-class rounding would give 3 / 5 / 3 / 1 = 12).
    assert_eq!(quantile_counts(10, zj), [3, 4, 3, 0]);
    // N = 7: round(1.75) = 2, round(4.9) = 5, round(6.65) = 7 → 2 / 3 / 2 / 0.
    assert_eq!(quantile_counts(7, zj), [2, 3, 2, 0]);
    // N = 20: 5, 14, 19 → 5 / 9 / 5 / 1.
    assert_eq!(quantile_counts(20, zj), [5, 9, 5, 1]);
    // N = 1: round(0.25) = 0, round(0.7) = 1 → the only firm is B.
    assert_eq!(quantile_counts(1, zj), [0, 1, 0, 0]);
    // Exactness: N = 25, 0.29 + 0.29: round(7.25) = 7, round(14.5) = 15 (in floating point
    // 25 × 0.58 = 14.4999…) → 7 / 8 / 10.
    assert_eq!(quantile_counts(25, "A = 0.29, B = 0.29, C = 0.42"), [7, 8, 10]);
}

#[test]
fn quantile_classes_keep_the_file_order() {
    // Z best, then M, then A (not alphabetical). N = 10: k = 2, 7 → 2 / 5 / 3.
    assert_eq!(quantile_counts(10, "Z = 0.2, M = 0.5, A = 0.3"), [2, 5, 3]);
    let m = identity_method(
        "",
        "all",
        "rule = \"quantile\"\nshares = { Z = 0.2, M = 0.5, A = 0.3 }",
    );
    assert_eq!(m.groups[0].classes, ["Z", "M", "A"]);
    let input = pool_input(2024, (1..=10).map(|i| firm(i, i as f64)).collect());
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(classes(&m, &eval, &input, (1..=10).rev()), "ZZMMMMMAAA");
    assert_eq!(reason(&m, &eval, &input, 10), "quantile Z");
}

// ============================================================================================
// §6.3 threshold
// ============================================================================================

#[test]
fn threshold_classes_by_the_highest_cut_reached() {
    let m = identity_method(
        "",
        "all",
        "rule = \"threshold\"\ncuts = { A = 120.0, B = 80.0, C = 60.0, D = -inf }",
    );
    let totals = [150.0, 120.0, 119.5, 80.0, 79.0, 60.0, 59.9, 0.0];
    let input = pool_input(
        2024,
        totals
            .iter()
            .enumerate()
            .map(|(i, &t)| firm(i as u64 + 1, t))
            .collect(),
    );
    let eval = evaluate(&m, &input, &[]).unwrap();
    // A cut is reached when total ≥ cut.
    assert_eq!(classes(&m, &eval, &input, 1..=8), "AABBCCDD");
    assert_eq!(reason(&m, &eval, &input, 2), "threshold A");
    assert_eq!(reason(&m, &eval, &input, 8), "threshold D");
}

#[test]
fn threshold_below_every_cut_gets_the_lowest_cut_class() {
    // No -inf: the lowest cut (B = 50) is also the class of anything below it. Cuts written
    // out of order are sorted highest first.
    let m = identity_method("", "all", "rule = \"threshold\"\ncuts = { B = 50.0, A = 100.0 }");
    assert_eq!(m.groups[0].classes, ["A", "B"]);
    let input = pool_input(
        2024,
        vec![firm(1, 100.0), firm(2, 50.0), firm(3, 20.0), firm(4, 0.0)],
    );
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(classes(&m, &eval, &input, 1..=4), "ABBB");
    // Threshold classes do not depend on the pool's size or ranks: no quota.
    assert_eq!(eval.pools[0].quotas, None);
}

// ============================================================================================
// §7 Manual adjustments
// ============================================================================================

fn ten() -> (mujun_engine::Method, mujun_engine::EvaluationInput) {
    let m = identity_method("", "all", &two_stage_by_total(0.5, 0.15, 0.1));
    let mut input = pool_input(2024, (1..=10).map(|n| firm(n, 10.0 * n as f64)).collect());
    input
        .enterprises
        .push(started(firm(11, 500.0), Some("2024-06-01"))); // too new
    (m, input)
}

#[test]
fn manual_adjustment_keeps_computed_and_final_class() {
    // Firm 6 (rank 5) is computed B; the officer makes it A.
    let (m, input) = ten();
    let eval = evaluate(&m, &input, &[adj(6, "A", "重大技术改造项目")]).unwrap();
    let s = scored(&eval, &input, 6);
    assert_eq!(eval.computed_class(&m, s), "B");
    assert_eq!(eval.final_class(&m, s), "A");
    assert_eq!(eval.class_reason(&m, s), "manual:重大技术改造项目");
    assert_eq!(eval.computed_reason(&m, s), "default B");
    assert_eq!(s.rank, Some(5), "rank is unchanged");
    assert_eq!(eval.pools[0].computed_counts, vec![2, 7, 1]);
    assert_eq!(eval.pools[0].final_counts, vec![3, 6, 1]);
    // Nobody else moves.
    assert_eq!(classes(&m, &eval, &input, (1..=10).rev()), "AABBABBBBC");
    let unadjusted = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(classes(&m, &unadjusted, &input, (1..=10).rev()), "AABBBBBBBC");
}

#[test]
fn manual_adjustment_errors() {
    let (m, input) = ten();
    let is_adjustment_error = |adjs: &[Adjustment], n: u64| match evaluate(&m, &input, adjs) {
        Err(EngineError::Adjustment { credit_code, .. }) => assert_eq!(credit_code, code(n).to_string()),
        other => panic!("expected an adjustment error, got {other:?}"),
    };
    is_adjustment_error(&[adj(99, "A", "理由")], 99); // not in the input
    is_adjustment_error(&[adj(11, "A", "理由")], 11); // excluded (too new)
    is_adjustment_error(&[adj(5, "D", "理由")], 5); // not a class of the group
    is_adjustment_error(&[adj(5, "X", "理由")], 5); // X is not a class either
    is_adjustment_error(&[adj(5, "A", "")], 5); // no reason
    is_adjustment_error(&[adj(5, "A", "   ")], 5); // blank reason
    is_adjustment_error(&[adj(5, "A", "理由一"), adj(5, "C", "理由二")], 5); // duplicate
    is_adjustment_error(&[adj(5, "A", "理由"), adj(5, "A", "理由")], 5); // duplicate, identical
}

// ============================================================================================
// Input checks and the run record
// ============================================================================================

#[test]
fn duplicate_credit_code_is_an_error() {
    let m = presets::load("henan-2019").unwrap();
    let input = pool_input(
        2024,
        vec![
            simple(1, Scale::Above, 10.0, 10.0),
            simple(2, Scale::Above, 10.0, 10.0),
            simple(1, Scale::Below, 20.0, 30.0),
        ],
    );
    assert_eq!(
        evaluate(&m, &input, &[]).unwrap_err(),
        EngineError::DuplicateEnterprise {
            credit_code: code(1).to_string()
        }
    );
}

#[test]
fn unknown_bonus_and_veto_items_are_ignored_and_reported() {
    let m = identity_method("", "all", &two_stage_by_total(0.5, 0.15, 0.1));
    let mut input = pool_input(2024, (1..=4).map(|n| firm(n, 10.0 * n as f64)).collect());
    tag(&mut input, 1, &["high_tech", "made_up_award"], &["made_up_veto"]);
    tag(&mut input, 2, &[], &["made_up_veto", "high_tech"]); // a bonus id in the veto column
    tag(&mut input, 3, &["serious_dishonesty"], &[]); // a veto id in the bonus column
    let eval = evaluate(&m, &input, &[]).unwrap();
    let mut ignored = eval.ignored_items.clone();
    ignored.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
    let item = |id: &str, kind: &'static str, rows| IgnoredItem {
        id: id.to_owned(),
        kind,
        rows,
    };
    assert_eq!(
        ignored,
        [
            item("made_up_award", "bonus", 1),
            item("serious_dishonesty", "bonus", 1),
            item("high_tech", "veto", 1),
            item("made_up_veto", "veto", 2),
        ]
    );
    // Unknown items change nothing: high_tech still counts, no one is vetoed.
    assert_eq!(scored(&eval, &input, 1).bonus, 3.0);
    assert_eq!(scored(&eval, &input, 3).bonus, 0.0);
    for n in 1..=4 {
        assert!(scored(&eval, &input, n).rank.is_some(), "{n} is ranked");
    }
    assert_eq!(eval.pools[0].size, 4);
}

#[test]
fn run_records_method_and_input_hashes() {
    let m = presets::load("henan-2019").unwrap();
    let rows = || {
        vec![
            simple(1, Scale::Above, 10.0, 10.0),
            simple(2, Scale::Above, 10.0, 20.0),
        ]
    };
    let input = pool_input(2024, rows());
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(eval.method_id, "henan-2019");
    assert_eq!(eval.method_hash, m.hash);
    assert_eq!(eval.year, 2024);
    assert_eq!(eval.input_hash.len(), 64);
    assert_eq!(
        evaluate(&m, &input, &[]).unwrap().input_hash,
        eval.input_hash,
        "deterministic"
    );
    // Any change of data changes the input hash; the method does not.
    let changed = pool_input(
        2024,
        vec![
            simple(1, Scale::Above, 10.0, 10.0),
            simple(2, Scale::Above, 10.0, 21.0),
        ],
    );
    assert_ne!(evaluate(&m, &changed, &[]).unwrap().input_hash, eval.input_hash);
    let other_year = pool_input(2023, rows());
    assert_ne!(
        evaluate(&m, &other_year, &[]).unwrap().input_hash,
        eval.input_hash
    );
    let zj = presets::load("zhejiang-quantile").unwrap();
    let e2 = evaluate(&zj, &input, &[]).unwrap();
    assert_eq!(e2.input_hash, eval.input_hash);
    assert_ne!(e2.method_hash, eval.method_hash);
}

#[test]
fn outcome_is_per_input_row_in_input_order() {
    let m = presets::load("henan-2019").unwrap();
    let input = pool_input(
        2024,
        vec![
            simple(3, Scale::Above, 10.0, 10.0),
            industry(simple(1, Scale::Above, 10.0, 10.0), "4411"),
            simple(2, Scale::Above, 10.0, 30.0),
        ],
    );
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert!(matches!(eval.outcomes[0], Outcome::Scored(_)));
    assert!(matches!(
        eval.outcomes[1],
        Outcome::Excluded(Exclusion::IndustryOutOfScope)
    ));
    assert_eq!(scored(&eval, &input, 2).rank, Some(1));
    assert_eq!(eval.presentation_order(), [2, 0, 1]);
}
