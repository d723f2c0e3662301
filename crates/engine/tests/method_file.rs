//! Method files (spec §10): every rejection names the key and the exact line; defaults; class
//! order; the four presets.
#![allow(clippy::unwrap_used)]

mod common;

use mujun_domain::{IndicatorId, IndustryCode, Scale};
use mujun_engine::method::{Benchmark, PoolBy, Rule, Selector, Share, UndefinedPolicy};
use mujun_engine::{EngineError, Method, presets};

/// Joins lines into a file, so that a test's line numbers are its array indices + 1.
fn file(lines: &[&str]) -> String {
    let mut s = lines.join("\n");
    s.push('\n');
    s
}

/// The line an error reports.
fn line_of(err: &EngineError) -> usize {
    match err {
        EngineError::MethodSyntax { line, .. } | EngineError::MethodRule { line, .. } => *line,
        other => panic!("not a method-file error: {other:?}"),
    }
}

/// Asserts the file is rejected at `line` with a message naming `key`.
#[track_caller]
fn rejected(lines: &[&str], line: usize, key: &str) -> EngineError {
    let text = file(lines);
    let err = match Method::parse(&text) {
        Ok(_) => panic!("accepted, expected a rejection at line {line} naming {key}:\n{text}"),
        Err(e) => e,
    };
    let message = err.to_string();
    assert_eq!(
        line_of(&err),
        line,
        "line of: {message}\n(offending line: {:?})",
        lines.get(line - 1)
    );
    assert!(message.contains(key), "message does not name `{key}`: {message}");
    assert!(
        message.contains(&format!("第 {line} 行")),
        "message does not show the line: {message}"
    );
    err
}

#[track_caller]
fn accepted(lines: &[&str]) -> Method {
    let text = file(lines);
    Method::parse(&text).unwrap_or_else(|e| panic!("rejected: {e}\n{text}"))
}

/// A small valid file; tests replace or add one line. Line numbers:
///  1 id, 2 [[groups]], 3 id, 4 scale, 5 pool, 6 cap, 7 indicators = [, 8 tax_per_mu,
///  9 rd_intensity, 10 ], 11 [groups.classification], 12 rule, 13 top_share, 14 a_share,
/// 15 c_share, 16 a_selector, 17 c_selector.
const BASE: [&str; 17] = [
    r#"id = "t""#,
    r#"[[groups]]"#,
    r#"id = "above""#,
    r#"scale = "above""#,
    r#"pool = "all""#,
    r#"cap = 2.0"#,
    r#"indicators = ["#,
    r#"  { id = "tax_per_mu", weight = 60.0 },"#,
    r#"  { id = "rd_intensity", weight = 40.0 },"#,
    r#"]"#,
    r#"[groups.classification]"#,
    r#"rule = "henan_two_stage""#,
    r#"top_share = 0.5"#,
    r#"a_share = 0.15"#,
    r#"c_share = 0.10"#,
    r#"a_selector = "total""#,
    r#"c_selector = "total""#,
];

/// BASE with line `line` (1-based) replaced.
fn with_line(line: usize, text: &str) -> Vec<&str> {
    let mut v: Vec<&str> = BASE.to_vec();
    v[line - 1] = text;
    v
}

/// BASE with `text` inserted as line `line` (the old line `line` moves down).
fn insert_line(line: usize, text: &str) -> Vec<&str> {
    let mut v: Vec<&str> = BASE.to_vec();
    v.insert(line - 1, text);
    v
}

#[test]
fn the_base_file_is_valid() {
    let m = accepted(&BASE);
    assert_eq!(m.groups.len(), 1);
    assert_eq!(m.groups[0].indicators.len(), 2);
}

// --------------------------------------------------------------------------------------------
// Unknown keys
// --------------------------------------------------------------------------------------------

#[test]
fn unknown_key_at_top_level() {
    rejected(&insert_line(2, "max_bonuses = 5.0"), 2, "max_bonuses");
}

#[test]
fn unknown_key_in_a_group() {
    rejected(&insert_line(6, "weights = 3.0"), 6, "weights");
}

#[test]
fn unknown_key_in_an_indicator() {
    rejected(
        &with_line(9, r#"  { id = "rd_intensity", weight = 40.0, wieght = 1.0 },"#),
        9,
        "wieght",
    );
}

#[test]
fn unknown_key_in_classification() {
    rejected(&insert_line(16, "b_share = 0.5"), 16, "b_share");
}

#[test]
fn unknown_key_in_an_item_table_is_an_item_not_an_error() {
    // Item tables are open: any well-formed id is an item.
    let m = accepted(&[
        r#"id = "t""#,
        "[bonus_points]",
        "some_new_award = 1.5",
        &BASE[1..].join("\n"),
    ]);
    assert_eq!(m.bonus_points, [("some_new_award".to_owned(), 1.5)]);
}

// --------------------------------------------------------------------------------------------
// Weights
// --------------------------------------------------------------------------------------------

#[test]
fn weight_negative() {
    rejected(
        &with_line(9, r#"  { id = "rd_intensity", weight = -1.0 },"#),
        9,
        "weight",
    );
}

#[test]
fn weight_nan() {
    rejected(
        &with_line(9, r#"  { id = "rd_intensity", weight = nan },"#),
        9,
        "weight",
    );
}

#[test]
fn weight_infinite() {
    rejected(
        &with_line(9, r#"  { id = "rd_intensity", weight = inf },"#),
        9,
        "weight",
    );
    rejected(
        &with_line(8, r#"  { id = "tax_per_mu", weight = -inf },"#),
        8,
        "weight",
    );
}

#[test]
fn weight_string() {
    rejected(
        &with_line(9, r#"  { id = "rd_intensity", weight = "40" },"#),
        9,
        "weight",
    );
}

#[test]
fn weight_string_is_at_least_rejected_at_its_line() {
    // The part of the previous test that holds: rejected, and at the right line.
    let text = file(&with_line(9, r#"  { id = "rd_intensity", weight = "40" },"#));
    assert_eq!(line_of(&Method::parse(&text).unwrap_err()), 9);
}

#[test]
fn weight_missing() {
    rejected(&with_line(9, r#"  { id = "rd_intensity" },"#), 9, "weight");
}

#[test]
fn weight_zero_and_integer_are_accepted() {
    let m = accepted(&with_line(9, r#"  { id = "rd_intensity", weight = 0.0 },"#));
    assert_eq!(m.groups[0].indicators[1].weight, 0.0);
    // A whole number is a finite number ≥ 0.
    let m = accepted(&with_line(9, r#"  { id = "rd_intensity", weight = 40 },"#));
    assert_eq!(m.groups[0].indicators[1].weight, 40.0);
}

// --------------------------------------------------------------------------------------------
// Shares
// --------------------------------------------------------------------------------------------

#[test]
fn share_outside_zero_one() {
    rejected(&with_line(14, "a_share = 1.5"), 14, "a_share");
    rejected(&with_line(13, "top_share = -0.1"), 13, "top_share");
    rejected(&with_line(15, "c_share = 1.0001"), 15, "c_share");
}

#[test]
fn share_bounds_are_inclusive() {
    let m = accepted(&with_line(14, "a_share = 1.0"));
    let m2 = accepted(&with_line(15, "c_share = 0.0"));
    let Rule::HenanTwoStage { a_share, .. } = m.groups[0].rule else {
        panic!()
    };
    let Rule::HenanTwoStage { c_share, .. } = m2.groups[0].rule else {
        panic!()
    };
    assert_eq!(a_share, Share::ONE);
    assert_eq!(c_share.units(), 0);
}

#[test]
fn share_with_more_than_four_decimals() {
    rejected(&with_line(14, "a_share = 0.15005"), 14, "a_share");
    // Four decimals are fine and exact.
    let m = accepted(&with_line(14, "a_share = 0.1234"));
    let Rule::HenanTwoStage { a_share, .. } = m.groups[0].rule else {
        panic!()
    };
    assert_eq!(a_share.units(), 1234);
}

fn quantile(shares_line: &'static str) -> Vec<&'static str> {
    let mut v: Vec<&str> = BASE[..11].to_vec();
    v.push(r#"rule = "quantile""#);
    v.push(shares_line);
    v
}

#[test]
fn quantile_shares_must_sum_to_one() {
    rejected(&quantile("shares = { A = 0.3, B = 0.3, C = 0.3 }"), 13, "shares");
    rejected(&quantile("shares = { A = 0.5, B = 0.5001 }"), 13, "shares");
    accepted(&quantile("shares = { A = 0.1, B = 0.2, C = 0.7 }"));
}

#[test]
fn quantile_share_outside_zero_one_or_too_precise() {
    // Sums to 1 but one share is out of range.
    rejected(&quantile("shares = { A = 1.2, B = -0.2 }"), 13, "shares.A");
    rejected(&quantile("shares = { A = 0.50005, B = 0.49995 }"), 13, "shares.A");
}

#[test]
fn quantile_without_shares() {
    let mut v: Vec<&str> = BASE[..11].to_vec();
    v.push(r#"rule = "quantile""#);
    let err = Method::parse(&file(&v)).unwrap_err();
    assert!(err.to_string().contains("shares"), "{err}");
}

// --------------------------------------------------------------------------------------------
// Indicators, policies, rules
// --------------------------------------------------------------------------------------------

#[test]
fn unknown_indicator_id() {
    let err = rejected(
        &with_line(9, r#"  { id = "rd_ratio", weight = 40.0 },"#),
        9,
        "indicators",
    );
    assert!(err.to_string().contains("rd_ratio"), "{err}");
}

#[test]
fn unknown_indicator_in_a_selector() {
    let err = rejected(
        &with_line(16, r#"a_selector = { value = "tax_per_acre" }"#),
        16,
        "a_selector",
    );
    assert!(err.to_string().contains("tax_per_acre"), "{err}");
}

#[test]
fn score_selector_must_name_a_scored_indicator() {
    // { scores = [...] } sums indicator scores: the group must score it.
    rejected(
        &with_line(17, r#"c_selector = { scores = ["output_per_energy"] }"#),
        17,
        "c_selector",
    );
    // { value = ... } may name any indicator of §3.
    let m = accepted(&with_line(17, r#"c_selector = { value = "output_per_energy" }"#));
    let Rule::HenanTwoStage { c_selector, .. } = &m.groups[0].rule else {
        panic!()
    };
    assert_eq!(*c_selector, Selector::Value(IndicatorId::OutputPerEnergy));
}

#[test]
fn duplicate_indicator_in_a_group() {
    rejected(
        &with_line(9, r#"  { id = "tax_per_mu", weight = 40.0 },"#),
        9,
        "tax_per_mu",
    );
}

#[test]
fn cap_policy_without_a_cap() {
    // BASE has a group cap (line 6); remove it.
    let mut v = with_line(
        9,
        r#"  { id = "rd_intensity", weight = 40.0, on_missing = "cap" },"#,
    );
    v[5] = "floor = 0.0";
    rejected(&v, 9, "on_missing");
    let mut v = with_line(
        9,
        r#"  { id = "rd_intensity", weight = 40.0, on_zero_denominator = "cap" },"#,
    );
    v[5] = "floor = 0.0";
    rejected(&v, 9, "on_zero_denominator");
    // With the group cap, or an indicator cap, it is fine.
    accepted(&with_line(
        9,
        r#"  { id = "rd_intensity", weight = 40.0, on_missing = "cap" },"#,
    ));
    let mut v = with_line(
        9,
        r#"  { id = "rd_intensity", weight = 40.0, cap = 3.0, on_missing = "cap" },"#,
    );
    v[5] = "floor = 0.0";
    accepted(&v);
}

#[test]
fn unknown_policy() {
    rejected(
        &with_line(
            9,
            r#"  { id = "rd_intensity", weight = 40.0, on_missing = "skip" },"#,
        ),
        9,
        "on_missing",
    );
}

#[test]
fn unknown_rule() {
    rejected(&with_line(12, r#"rule = "ranking""#), 12, "rule");
}

#[test]
fn keys_of_another_rule() {
    // henan_two_stage with quantile's and threshold's keys.
    rejected(&insert_line(16, "shares = { A = 0.5, B = 0.5 }"), 16, "shares");
    rejected(&insert_line(16, "cuts = { A = 10.0, B = -inf }"), 16, "cuts");
    // quantile with henan_two_stage's keys (line 13 top_share, …).
    let mut v: Vec<&str> = BASE[..11].to_vec();
    v.push(r#"rule = "quantile""#); // 12
    v.push("a_share = 0.15"); // 13
    v.push("shares = { A = 0.5, B = 0.5 }"); // 14
    rejected(&v, 13, "a_share");
    v[12] = r#"c_selector = "total""#;
    rejected(&v, 13, "c_selector");
    // threshold with shares.
    let mut v: Vec<&str> = BASE[..11].to_vec();
    v.push(r#"rule = "threshold""#); // 12
    v.push("cuts = { A = 10.0, B = -inf }"); // 13
    v.push("shares = { A = 0.5, B = 0.5 }"); // 14
    rejected(&v, 14, "shares");
}

fn two_groups(second_id: &'static str, second_scale: &'static str) -> Vec<&'static str> {
    let mut v: Vec<&str> = BASE.to_vec();
    v.push(""); // 18
    v.push("[[groups]]"); // 19
    v.push(second_id); // 20
    v.push(second_scale); // 21
    v.push(r#"indicators = [ { id = "tax_per_mu", weight = 100.0 } ]"#); // 22
    v.push("[groups.classification]"); // 23
    v.push(r#"a_selector = "total""#); // 24
    v.push(r#"c_selector = "total""#); // 25
    v
}

#[test]
fn two_groups_are_fine() {
    let m = accepted(&two_groups(r#"id = "below""#, r#"scale = "below""#));
    assert_eq!(m.groups.len(), 2);
    assert_eq!(m.groups[1].scale, Scale::Below);
}

#[test]
fn duplicate_group_id() {
    rejected(&two_groups(r#"id = "above""#, r#"scale = "below""#), 20, "above");
}

#[test]
fn duplicate_group_id_is_rejected_near_the_second_group() {
    // The part of the previous test that holds: rejected, naming the group, at its header or id.
    let text = file(&two_groups(r#"id = "above""#, r#"scale = "below""#));
    let err = Method::parse(&text).unwrap_err();
    assert!([19, 20].contains(&line_of(&err)), "{err}");
    assert!(err.to_string().contains("groups.above"), "{err}");
}

#[test]
fn two_groups_with_the_same_scale() {
    rejected(&two_groups(r#"id = "big""#, r#"scale = "above""#), 21, "scale");
}

#[test]
fn two_groups_with_the_same_scale_are_rejected() {
    let text = file(&two_groups(r#"id = "big""#, r#"scale = "above""#));
    let err = Method::parse(&text).unwrap_err();
    assert!([19, 21].contains(&line_of(&err)), "{err}");
    assert!(err.to_string().contains("groups.big.scale"), "{err}");
}

#[test]
fn other_bad_values_name_key_and_line() {
    rejected(&with_line(5, r#"pool = "county""#), 5, "pool");
    rejected(&with_line(4, r#"scale = "medium""#), 4, "scale");
    rejected(
        &insert_line(2, r#"industries = ["13-43", "99x"]"#),
        2,
        "industries",
    );
    rejected(
        &insert_line(2, r#"exempt_industries = ["44-"]"#),
        2,
        "exempt_industries",
    );
    rejected(
        &insert_line(2, "min_years_in_production = -1"),
        2,
        "min_years_in_production",
    );
    rejected(&insert_line(2, "max_bonus = -1.0"), 2, "max_bonus");
    rejected(
        &insert_line(2, "below_scale_min_land_mu = nan"),
        2,
        "below_scale_min_land_mu",
    );
    rejected(&with_line(6, "cap = inf"), 6, "cap");
    rejected(&with_line(6, r#"benchmark = "median""#), 6, "benchmark");
}

#[test]
fn toml_syntax_error_has_a_line() {
    let err = Method::parse(&file(&with_line(14, "a_share = = 0.15"))).unwrap_err();
    assert!(
        matches!(err, EngineError::MethodSyntax { line: 14, .. }),
        "{err:?}"
    );
}

// --------------------------------------------------------------------------------------------
// Defaults and order
// --------------------------------------------------------------------------------------------

#[test]
fn omitted_values_take_the_spec_defaults() {
    let m = accepted(&[
        r#"id = "minimal""#,
        "[[groups]]",
        r#"id = "above""#,
        r#"scale = "above""#,
        "indicators = [",
        r#"  { id = "tax_per_mu", weight = 40.0 },"#,
        r#"  { id = "rd_intensity", weight = 20.0 },"#,
        r#"  { id = "output_per_energy", weight = 20.0 },"#,
        r#"  { id = "tax_per_pollution", weight = 20.0 },"#,
        "]",
        "[[groups]]",
        r#"id = "below""#,
        r#"scale = "below""#,
        r#"indicators = [ { id = "tax_per_mu", weight = 100.0 } ]"#,
    ]);
    // §2: manufacturing 13–43, no exempt industries, m = 2, 5 亩; §4.5 max_bonus 10.
    let code = |c: &str| IndustryCode::parse(c).unwrap();
    assert!(m.in_scope(code("1311")) && m.in_scope(code("4390")));
    assert!(!m.in_scope(code("1200")) && !m.in_scope(code("4411")));
    assert!(m.exempt_industries.is_empty());
    assert_eq!(m.min_years_in_production, 2);
    assert_eq!(m.below_scale_min_land_mu, 5.0);
    assert_eq!(m.max_bonus, 10.0);
    assert!(m.bonus_points.is_empty() && m.veto_items.is_empty());

    let above = &m.groups[0];
    let below = &m.groups[1];
    // §2.4: 规上 by cluster, 规下 "all".
    assert_eq!(above.pool, PoolBy::Cluster);
    assert_eq!(below.pool, PoolBy::All);
    // §4: pool_mean, no cap, floor 0, both policies "zero".
    for i in above.indicators.iter().chain(&below.indicators) {
        assert_eq!(i.benchmark, Benchmark::PoolMean);
        assert_eq!(i.cap, None);
        assert_eq!(i.floor, 0.0);
        assert_eq!(i.on_missing, UndefinedPolicy::Zero);
        assert_eq!(i.on_zero_denominator, UndefinedPolicy::Zero);
    }
    // §6.1: henan_two_stage 0.5 / 0.15 / 0.10, A by tax_per_mu + rd_intensity scores, C by
    // output_per_energy + tax_per_pollution scores; 规下 by raw tax_paid.
    assert_eq!(
        above.rule,
        Rule::HenanTwoStage {
            top_share: Share::from_basis_points(5_000),
            a_share: Share::from_basis_points(1_500),
            c_share: Share::from_basis_points(1_000),
            a_selector: Selector::Scores(vec![0, 1]),
            c_selector: Selector::Scores(vec![2, 3]),
        }
    );
    assert_eq!(
        below.rule,
        Rule::HenanTwoStage {
            top_share: Share::from_basis_points(5_000),
            a_share: Share::from_basis_points(1_500),
            c_share: Share::from_basis_points(1_000),
            a_selector: Selector::Value(IndicatorId::TaxPaid),
            c_selector: Selector::Value(IndicatorId::TaxPaid),
        }
    );
    assert_eq!(above.classes, ["A", "B", "C"]);
}

#[test]
fn an_indicator_overrides_group_benchmark_cap_and_floor() {
    let m = accepted(&[
        r#"id = "o""#,
        "[[groups]]",
        r#"id = "above""#,
        r#"scale = "above""#,
        r#"benchmark = { pool_mean_times = 2 }"#,
        "cap = 2.0",
        "floor = 0.1",
        "indicators = [",
        r#"  { id = "tax_per_mu", weight = 50.0 },"#,
        r#"  { id = "tax_paid", weight = 50.0, benchmark = { fixed = 3.5 }, cap = 5.0, floor = 0.0, on_missing = "pool_average", on_zero_denominator = "cap" },"#,
        "]",
        "[groups.classification]",
        r#"rule = "threshold""#,
        "cuts = { A = 100.0, B = -inf }",
    ]);
    let [a, b] = [&m.groups[0].indicators[0], &m.groups[0].indicators[1]];
    assert_eq!(a.benchmark, Benchmark::PoolMeanTimes(2.0));
    assert_eq!((a.cap, a.floor), (Some(2.0), 0.1));
    assert_eq!(b.benchmark, Benchmark::Fixed(3.5));
    assert_eq!((b.cap, b.floor), (Some(5.0), 0.0));
    assert_eq!(b.on_missing, UndefinedPolicy::PoolAverage);
    assert_eq!(b.on_zero_denominator, UndefinedPolicy::Cap);
}

#[test]
fn quantile_classes_keep_the_file_order() {
    let m = accepted(&quantile("shares = { D = 0.05, C = 0.25, B = 0.45, A = 0.25 }"));
    assert_eq!(m.groups[0].classes, ["D", "C", "B", "A"]);
    let Rule::Quantile { shares } = &m.groups[0].rule else {
        panic!()
    };
    let units: Vec<u32> = shares.iter().map(|s| s.units()).collect();
    assert_eq!(units, [500, 2_500, 4_500, 2_500]);
}

#[test]
fn threshold_classes_are_sorted_by_cut() {
    let mut v: Vec<&str> = BASE[..11].to_vec();
    v.push(r#"rule = "threshold""#);
    v.push("cuts = { C = 60.0, A = 120.0, D = -inf, B = 80.0 }");
    let m = accepted(&v);
    assert_eq!(m.groups[0].classes, ["A", "B", "C", "D"]);
    assert_eq!(
        m.groups[0].rule,
        Rule::Threshold {
            cuts: vec![120.0, 80.0, 60.0, f64::NEG_INFINITY]
        }
    );
}

#[test]
fn item_tables_keep_the_file_order() {
    let m = accepted(&[
        r#"id = "t""#,
        "[bonus_points]",
        "zeta = 1.0",
        "alpha = 2.0",
        "[veto_items]",
        r#"serious_dishonesty = "严重失信""#,
        r#"major_safety_accident = "重大安全生产事故""#,
        &BASE[1..].join("\n"),
    ]);
    let bonus: Vec<&str> = m.bonus_points.iter().map(|(k, _)| k.as_str()).collect();
    let veto: Vec<&str> = m.veto_items.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(bonus, ["zeta", "alpha"]);
    assert_eq!(veto, ["serious_dishonesty", "major_safety_accident"]);
}

#[test]
fn hash_and_source_are_the_file_text() {
    let text = file(&BASE);
    let m = Method::parse(&text).unwrap();
    assert_eq!(m.source, text);
    assert_eq!(m.hash.len(), 64);
    assert_eq!(Method::parse(&text).unwrap().hash, m.hash);
    // A comment changes the file, so it changes the hash.
    let m2 = Method::parse(&format!("# comment\n{text}")).unwrap();
    assert_ne!(m2.hash, m.hash);
}

// --------------------------------------------------------------------------------------------
// Presets (§9)
// --------------------------------------------------------------------------------------------

fn weights(m: &Method, group: usize) -> Vec<(&'static str, f64)> {
    m.groups[group]
        .indicators
        .iter()
        .map(|i| (i.id.id(), i.weight))
        .collect()
}

fn standard_items(m: &Method) {
    let bonus: Vec<(&str, f64)> = m.bonus_points.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(
        bonus,
        [
            ("high_tech", 3.0),
            ("listed", 3.0),
            ("provincial_rd_platform", 2.0),
            ("quality_award", 2.0),
            ("strategic_emerging", 2.0)
        ]
    );
    let veto: Vec<&str> = m.veto_items.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        veto,
        [
            "major_safety_accident",
            "major_pollution_incident",
            "serious_dishonesty"
        ]
    );
    assert_eq!(m.max_bonus, 10.0);
}

#[test]
fn preset_henan_2019() {
    let m = presets::load("henan-2019").unwrap();
    assert_eq!(m.id, "henan-2019");
    assert_eq!(m.min_years_in_production, 2);
    assert_eq!(m.below_scale_min_land_mu, 5.0);
    standard_items(&m);
    assert_eq!(m.groups.len(), 2);
    let above = &m.groups[0];
    assert_eq!(
        (above.id.as_str(), above.scale, above.pool),
        ("above", Scale::Above, PoolBy::Cluster)
    );
    assert_eq!(
        weights(&m, 0),
        [
            ("tax_per_mu", 35.0),
            ("profit_per_mu", 15.0),
            ("rd_intensity", 20.0),
            ("output_per_energy", 15.0),
            ("tax_per_pollution", 15.0)
        ]
    );
    for i in &above.indicators {
        assert_eq!(
            (i.benchmark, i.cap, i.floor),
            (Benchmark::PoolMean, Some(2.0), 0.0)
        );
    }
    assert_eq!(above.indicators[3].on_zero_denominator, UndefinedPolicy::Zero);
    assert_eq!(above.indicators[4].on_zero_denominator, UndefinedPolicy::Cap);
    assert_eq!(above.indicators[4].on_missing, UndefinedPolicy::PoolAverage);
    assert_eq!(
        above.rule,
        Rule::HenanTwoStage {
            top_share: Share::from_basis_points(5_000),
            a_share: Share::from_basis_points(1_500),
            c_share: Share::from_basis_points(1_000),
            a_selector: Selector::Scores(vec![0, 2]),
            c_selector: Selector::Scores(vec![3, 4]),
        }
    );
    let below = &m.groups[1];
    assert_eq!(
        (below.id.as_str(), below.scale, below.pool),
        ("below", Scale::Below, PoolBy::All)
    );
    assert_eq!(weights(&m, 1), [("tax_per_mu", 100.0)]);
    assert_eq!(below.indicators[0].cap, Some(2.0));
    let Rule::HenanTwoStage {
        a_selector,
        c_selector,
        ..
    } = &below.rule
    else {
        panic!()
    };
    assert_eq!(*a_selector, Selector::Value(IndicatorId::TaxPaid));
    assert_eq!(*c_selector, Selector::Value(IndicatorId::TaxPaid));
}

#[test]
fn preset_henan_2017_trial() {
    let m = presets::load("henan-2017-trial").unwrap();
    standard_items(&m);
    assert_eq!(m.groups.len(), 1, "规上 only");
    assert_eq!(m.groups[0].scale, Scale::Above);
    assert_eq!(m.groups[0].pool, PoolBy::Cluster);
    let Rule::HenanTwoStage {
        a_selector,
        c_selector,
        ..
    } = &m.groups[0].rule
    else {
        panic!()
    };
    assert_eq!(*a_selector, Selector::Value(IndicatorId::TaxPerMu));
    assert_eq!(*c_selector, Selector::Value(IndicatorId::OutputPerEnergy));
}

#[test]
fn preset_zhejiang_quantile() {
    let m = presets::load("zhejiang-quantile").unwrap();
    standard_items(&m);
    assert_eq!(m.below_scale_min_land_mu, 3.0);
    assert_eq!(
        weights(&m, 0),
        [
            ("tax_per_mu", 30.0),
            ("value_added_per_mu", 20.0),
            ("value_added_per_energy", 20.0),
            ("value_added_per_pollution", 10.0),
            ("labor_productivity", 10.0),
            ("rd_intensity", 10.0)
        ]
    );
    assert_eq!(weights(&m, 1), [("tax_per_mu", 50.0), ("tax_per_kwh", 50.0)]);
    for g in &m.groups {
        assert_eq!(g.pool, PoolBy::Region, "ranked per county");
        assert_eq!(g.classes, ["A", "B", "C", "D"]);
        let Rule::Quantile { shares } = &g.rule else {
            panic!()
        };
        let units: Vec<u32> = shares.iter().map(|s| s.units()).collect();
        assert_eq!(units, [2_500, 4_500, 2_500, 500]);
        for i in &g.indicators {
            assert_eq!(i.cap, Some(3.0));
            assert_eq!(i.benchmark, Benchmark::PoolMean);
        }
    }
    assert_eq!(m.groups[0].indicators[3].on_missing, UndefinedPolicy::PoolAverage);
    assert_eq!(
        m.groups[0].indicators[3].on_zero_denominator,
        UndefinedPolicy::Cap
    );
}

#[test]
fn preset_huangyan_2022() {
    let m = presets::load("huangyan-2022").unwrap();
    assert_eq!(m.min_years_in_production, 0);
    assert_eq!(m.below_scale_min_land_mu, 3.0);
    assert_eq!(m.max_bonus, 0.0);
    let fixed = |g: usize| -> Vec<(&'static str, f64, Benchmark)> {
        m.groups[g]
            .indicators
            .iter()
            .map(|i| (i.id.id(), i.weight, i.benchmark))
            .collect()
    };
    assert_eq!(
        fixed(0),
        [
            ("tax_per_mu", 30.0, Benchmark::Fixed(24.097)),
            ("value_added_per_mu", 20.0, Benchmark::Fixed(136.16)),
            ("value_added_per_energy", 20.0, Benchmark::Fixed(2.694)),
            ("value_added_per_pollution", 10.0, Benchmark::Fixed(4929.81)),
            ("labor_productivity", 10.0, Benchmark::Fixed(18.14)),
            ("rd_intensity", 10.0, Benchmark::Fixed(0.0302)),
        ]
    );
    assert_eq!(
        fixed(1),
        [
            ("tax_per_mu", 50.0, Benchmark::Fixed(11.5932)),
            ("tax_per_kwh", 50.0, Benchmark::Fixed(0.2352)),
        ]
    );
    for g in &m.groups {
        assert_eq!(g.pool, PoolBy::All);
        for i in &g.indicators {
            assert_eq!(i.cap, None, "no cap");
            assert_eq!(i.floor, 0.0);
        }
    }
    assert_eq!(m.groups[0].indicators[3].on_missing, UndefinedPolicy::PoolAverage);
    assert!(matches!(m.groups[0].rule, Rule::Quantile { .. }));
}

#[test]
fn presets_are_distinct_and_unknown_ids_fail() {
    let hashes: std::collections::HashSet<String> = [
        "henan-2019",
        "henan-2017-trial",
        "zhejiang-quantile",
        "huangyan-2022",
    ]
    .iter()
    .map(|id| presets::load(id).unwrap().hash)
    .collect();
    assert_eq!(hashes.len(), 4);
    assert!(matches!(
        presets::load("henan-2020"),
        Err(EngineError::UnknownPreset { .. })
    ));
}
