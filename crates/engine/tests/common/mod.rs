//! Builders for engine tests: rows written as the spec's CSV, without the batch crate.
#![allow(dead_code, missing_docs)]

use mujun_domain::{CreditCode, Date, Field, IndustryCode, RegionCode, Scale, Year};
use mujun_engine::{EnterpriseInput, EvaluationInput, Figures, ItemSet};

/// The column order of the spec's CSV (§11 / appendix).
pub const HEADER: &str = "credit_code,name,region_code,cluster,industry_code,scale,production_start,land_area_mu,tax_paid,profit_total,main_revenue,rd_expense,gross_output,energy_tce,electricity_kwh,pollution_eq,employees,value_added,water_m3,bonus,veto";

/// Parses simple CSV lines (no quoting) in the spec's column order.
pub fn input_from_csv(year: u16, lines: &str) -> EvaluationInput {
    let mut input = EvaluationInput::new(Year::new(year).unwrap());
    for line in lines
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("credit_code"))
    {
        let c: Vec<&str> = line.split(',').collect();
        assert_eq!(c.len(), 21, "{line}");
        let mut figures = Figures::empty();
        for (i, f) in Field::ALL.iter().enumerate() {
            let cell = c[7 + i];
            if !cell.is_empty() {
                figures.set(*f, Some(cell.parse().unwrap()));
            }
        }
        let cluster = (!c[3].is_empty()).then(|| input.intern_cluster(c[3]));
        let mut items = |cell: &str| {
            let mut set = ItemSet::default();
            for id in cell.split(';').filter(|s| !s.is_empty()) {
                set.insert(input.intern_item(id).unwrap());
            }
            set
        };
        let bonus = items(c[19]);
        let veto = items(c[20]);
        input.enterprises.push(EnterpriseInput {
            credit_code: CreditCode::parse(c[0]).unwrap(),
            region: RegionCode::parse(c[2]).unwrap(),
            cluster,
            industry: IndustryCode::parse(c[4]).unwrap(),
            scale: Scale::parse(c[5]).unwrap(),
            production_start: (!c[6].is_empty()).then(|| Date::parse(c[6]).unwrap()),
            figures,
            bonus,
            veto,
        });
    }
    input
}

/// A valid credit code numbered `n` (distinct for distinct n < 10^9).
pub fn code(n: u64) -> CreditCode {
    CreditCode::with_check_char(&format!("91411700{n:09}")).unwrap()
}

/// A plain in-scope enterprise with land and tax, for pool-level tests.
pub fn simple(n: u64, scale: Scale, land: f64, tax: f64) -> EnterpriseInput {
    EnterpriseInput {
        credit_code: code(n),
        region: RegionCode::parse("411702").unwrap(),
        cluster: Some(0),
        industry: IndustryCode::parse("3412").unwrap(),
        scale,
        production_start: Some(Date::parse("2010-01-01").unwrap()),
        figures: Figures::empty()
            .with(Field::LandAreaMu, land)
            .with(Field::TaxPaid, tax),
        bonus: ItemSet::default(),
        veto: ItemSet::default(),
    }
}

/// An input of `simple` rows in one cluster.
pub fn pool_input(year: u16, rows: Vec<EnterpriseInput>) -> EvaluationInput {
    let mut input = EvaluationInput::new(Year::new(year).unwrap());
    input.intern_cluster("驻马店装备产业集聚区");
    input.enterprises = rows;
    input
}

// ---------------------------------------------------------------------------------------------
// Helpers shared by the rule, method-file, property and published-check suites.

use mujun_domain::IndicatorId;
use mujun_engine::{Evaluation, Exclusion, IndicatorResult, Method, Outcome, Scored};

/// Parses a method file, panicking with the error and the text when it is rejected.
pub fn method(text: &str) -> Method {
    Method::parse(text).unwrap_or_else(|e| panic!("{e}\n---\n{text}"))
}

/// The bonus and veto items every test method below declares, in this file order.
pub const ITEMS: &str = r#"
[bonus_points]
high_tech = 3.0
listed = 3.0
provincial_rd_platform = 2.0
quality_award = 2.0
strategic_emerging = 2.0

[veto_items]
major_safety_accident = "重大安全生产事故"
major_pollution_incident = "重大环境污染事件"
serious_dishonesty = "严重失信"
"#;

/// A method whose only indicator is `tax_paid` with weight 1 against a fixed benchmark of 1,
/// uncapped: every 规上 enterprise's base score is exactly its tax_paid, so totals can be
/// chosen directly. `top` goes before the item tables (top-level keys), `classification`
/// into `[groups.classification]`. One group, 规上, pooled as `pool`.
pub fn identity_method(top: &str, pool: &str, classification: &str) -> Method {
    method(&format!(
        r#"id = "identity"
{top}
{ITEMS}
[[groups]]
id = "above"
scale = "above"
pool = "{pool}"
indicators = [ {{ id = "tax_paid", weight = 1.0, benchmark = {{ fixed = 1.0 }} }} ]
[groups.classification]
{classification}
"#
    ))
}

/// `henan_two_stage` with the total score as both selectors and the given shares.
pub fn two_stage_by_total(top: f64, a: f64, c: f64) -> String {
    format!(
        "rule = \"henan_two_stage\"\ntop_share = {top:?}\na_share = {a:?}\nc_share = {c:?}\na_selector = \"total\"\nc_selector = \"total\""
    )
}

/// A 规上 method with one group pooled as `all`, the given group-level lines (cap, floor,
/// benchmark…) and indicator entries, classified by `henan_two_stage` on totals.
pub fn scoring_method(group_lines: &str, indicators: &str) -> Method {
    method(&format!(
        r#"id = "scoring"
min_years_in_production = 0
{ITEMS}
[[groups]]
id = "above"
scale = "above"
pool = "all"
{group_lines}
indicators = [
{indicators}
]
[groups.classification]
a_selector = "total"
c_selector = "total"
"#
    ))
}

/// Sets (or, with `None`, clears) one figure.
pub fn set(mut e: EnterpriseInput, field: Field, value: Option<f64>) -> EnterpriseInput {
    e.figures.set(field, value);
    e
}

/// Sets the production start date (`None`: unknown).
pub fn started(mut e: EnterpriseInput, date: Option<&str>) -> EnterpriseInput {
    e.production_start = date.map(|d| Date::parse(d).unwrap());
    e
}

/// A 规上 enterprise in cluster 0 with land 1, so that every per-亩 indicator equals its
/// numerator; only `tax_paid` is set.
pub fn firm(n: u64, tax: f64) -> EnterpriseInput {
    simple(n, Scale::Above, 1.0, tax)
}

/// Adds bonus and veto item ids (interned in the order given) to the enterprise `code(n)`.
pub fn tag(input: &mut EvaluationInput, n: u64, bonus: &[&str], veto: &[&str]) {
    let row = row_of(input, n);
    for id in bonus {
        let i = input.intern_item(id).unwrap();
        input.enterprises[row].bonus.insert(i);
    }
    for id in veto {
        let i = input.intern_item(id).unwrap();
        input.enterprises[row].veto.insert(i);
    }
}

/// The input row of `code(n)`.
pub fn row_of(input: &EvaluationInput, n: u64) -> usize {
    let c = code(n);
    input
        .enterprises
        .iter()
        .position(|e| e.credit_code == c)
        .unwrap_or_else(|| panic!("no enterprise {n}"))
}

/// The outcome of `code(n)`.
pub fn outcome<'a>(eval: &'a Evaluation, input: &EvaluationInput, n: u64) -> &'a Outcome {
    &eval.outcomes[row_of(input, n)]
}

/// The scored result of `code(n)`, panicking when it was excluded.
pub fn scored<'a>(eval: &'a Evaluation, input: &EvaluationInput, n: u64) -> &'a Scored {
    match outcome(eval, input, n) {
        Outcome::Scored(s) => s,
        Outcome::Excluded(x) => panic!("enterprise {n} excluded: {}", x.id()),
    }
}

/// The exclusion of `code(n)`, or `None` when it was evaluated.
pub fn exclusion(eval: &Evaluation, input: &EvaluationInput, n: u64) -> Option<Exclusion> {
    match outcome(eval, input, n) {
        Outcome::Excluded(x) => Some(*x),
        Outcome::Scored(_) => None,
    }
}

/// The final class of `code(n)`; `X` when excluded.
pub fn class(m: &Method, eval: &Evaluation, input: &EvaluationInput, n: u64) -> String {
    match outcome(eval, input, n) {
        Outcome::Scored(s) => eval.final_class(m, s).to_owned(),
        Outcome::Excluded(_) => "X".to_owned(),
    }
}

/// The final classes of `code(n)` for each n, concatenated (e.g. "AABBC").
pub fn classes(
    m: &Method,
    eval: &Evaluation,
    input: &EvaluationInput,
    ns: impl IntoIterator<Item = u64>,
) -> String {
    ns.into_iter().map(|n| class(m, eval, input, n)).collect()
}

/// The class reason of `code(n)`.
pub fn reason(m: &Method, eval: &Evaluation, input: &EvaluationInput, n: u64) -> String {
    eval.class_reason(m, scored(eval, input, n))
}

/// The indicator results of `code(n)`.
pub fn indicators<'a>(
    m: &Method,
    eval: &'a Evaluation,
    input: &EvaluationInput,
    n: u64,
) -> &'a [IndicatorResult] {
    let s = scored(eval, input, n);
    eval.indicators(s, m.groups[s.group].indicators.len())
}

/// Indicator scores of `code(n)`.
pub fn scores(m: &Method, eval: &Evaluation, input: &EvaluationInput, n: u64) -> Vec<f64> {
    indicators(m, eval, input, n).iter().map(|r| r.score).collect()
}

/// Index of an indicator id.
pub fn ind(id: &str) -> IndicatorId {
    IndicatorId::parse(id).unwrap()
}

/// |a − b| within 1e-9 relative (the spec's reproducibility tolerance), absolute near 0.
pub fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Asserts two numbers are `close`.
#[track_caller]
pub fn assert_close(got: f64, want: f64, what: &str) {
    assert!(close(got, want), "{what}: got {got}, want {want}");
}

/// Asserts two score vectors are element-wise `close`.
#[track_caller]
pub fn assert_scores(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: {got:?} vs {want:?}");
    for (g, w) in got.iter().zip(want) {
        assert!(close(*g, *w), "{what}: {got:?} vs {want:?}");
    }
}

/// round-half-up of n × share, share given in units of 0.0001 (spec §6).
pub fn round_share(n: usize, units: u32) -> usize {
    (n * units as usize + 5_000) / 10_000
}
