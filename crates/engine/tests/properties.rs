//! Property tests: invariants that must hold for any input (small pools, ≤ 64 cases each).
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use mujun_domain::{Date, Field, IndustryCode, RegionCode, Scale, Year};
use mujun_engine::method::Rule;
use mujun_engine::{
    EnterpriseInput, Evaluation, EvaluationInput, Figures, ItemSet, Method, Outcome, evaluate, presets,
};
use proptest::prelude::*;

const CLUSTERS: [&str; 3] = ["驻马店装备产业集聚区", "遂平县产业集聚区", "确山县产业集聚区"];
const REGIONS: [&str; 3] = ["411702", "411728", "411725"];
const BONUS: [&str; 5] = [
    "high_tech",
    "listed",
    "provincial_rd_platform",
    "quality_award",
    "strategic_emerging",
];
const VETO: [&str; 3] = [
    "major_safety_accident",
    "major_pollution_incident",
    "serious_dishonesty",
];

/// One generated enterprise: whole numbers, so that sums are exact and ties are common.
#[derive(Clone, Debug)]
struct Firm {
    above: bool,
    cluster: Option<u8>,
    region: u8,
    land: u32,
    tax: u32,
    profit: i32,
    revenue: Option<u32>,
    rd: Option<u32>,
    gross: Option<u32>,
    energy: Option<u32>,
    pollution: Option<u32>,
    kwh: Option<u32>,
    employees: Option<u32>,
    value_added: Option<i32>,
    bonus: u8,
    veto: Option<u8>,
    start: Option<u16>,
}

fn firm_strategy() -> impl Strategy<Value = Firm> {
    (
        (
            prop::bool::weighted(0.7),
            prop::option::weighted(0.9, 0u8..3),
            0u8..3,
            prop_oneof![1 => 1u32..5, 9 => 5u32..200],
            prop_oneof![1 => Just(0u32), 9 => 0u32..2000],
            -300i32..1000,
        ),
        (
            prop::option::weighted(0.9, 1u32..50_000),
            prop::option::weighted(0.8, 0u32..1000),
            prop::option::weighted(0.9, 0u32..50_000),
            prop::option::weighted(0.9, prop_oneof![1 => Just(0u32), 5 => 1u32..5000]),
            prop::option::weighted(0.8, prop_oneof![1 => Just(0u32), 5 => 1u32..30_000]),
            prop::option::weighted(0.9, prop_oneof![1 => Just(0u32), 5 => 1u32..5000]),
        ),
        (
            prop::option::weighted(0.9, 1u32..1000),
            prop::option::weighted(0.9, -200i32..20_000),
            0u8..32,
            prop::option::weighted(0.15, 0u8..3),
            prop::option::weighted(0.1, 2022u16..2026),
        ),
    )
        .prop_map(
            |(
                (above, cluster, region, land, tax, profit),
                (revenue, rd, gross, energy, pollution, kwh),
                (employees, value_added, bonus, veto, start),
            )| Firm {
                above,
                cluster,
                region,
                land,
                tax,
                profit,
                revenue,
                rd,
                gross,
                energy,
                pollution,
                kwh,
                employees,
                value_added,
                bonus,
                veto,
                start,
            },
        )
}

fn firms(max: usize) -> impl Strategy<Value = Vec<Firm>> {
    prop::collection::vec(firm_strategy(), 1..max)
}

/// Builds an input; row i gets credit code `code(i + 1)`.
fn build(firms: &[Firm]) -> EvaluationInput {
    let mut input = EvaluationInput::new(Year::new(2024).unwrap());
    for c in CLUSTERS {
        input.intern_cluster(c);
    }
    for id in BONUS.iter().chain(&VETO) {
        input.intern_item(id).unwrap();
    }
    for (i, f) in firms.iter().enumerate() {
        let mut figures = Figures::empty()
            .with(Field::LandAreaMu, f64::from(f.land))
            .with(Field::TaxPaid, f64::from(f.tax))
            .with(Field::ProfitTotal, f64::from(f.profit));
        let opt = |v: Option<u32>| v.map(f64::from);
        figures.set(Field::MainRevenue, opt(f.revenue));
        figures.set(Field::RdExpense, opt(f.rd));
        figures.set(Field::GrossOutput, opt(f.gross));
        figures.set(Field::EnergyTce, opt(f.energy));
        figures.set(Field::PollutionEq, opt(f.pollution));
        figures.set(Field::ElectricityKwh, opt(f.kwh));
        figures.set(Field::Employees, opt(f.employees));
        figures.set(Field::ValueAdded, f.value_added.map(f64::from));
        let mut bonus = ItemSet::default();
        for (b, _) in BONUS.iter().enumerate().filter(|(b, _)| f.bonus & (1 << b) != 0) {
            bonus.insert(b);
        }
        let mut veto = ItemSet::default();
        if let Some(v) = f.veto {
            veto.insert(BONUS.len() + v as usize);
        }
        input.enterprises.push(EnterpriseInput {
            credit_code: code(i as u64 + 1),
            region: RegionCode::parse(REGIONS[f.region as usize]).unwrap(),
            cluster: f.cluster.map(u32::from),
            industry: IndustryCode::parse("3412").unwrap(),
            scale: if f.above { Scale::Above } else { Scale::Below },
            production_start: f.start.map(|y| Date::new(y, 6, 1).unwrap()),
            figures,
            bonus,
            veto,
        });
    }
    input
}

/// A share of units/10000 as method-file text with 4 decimals.
fn share_text(units: u32) -> String {
    format!("{}.{:04}", units / 10_000, units % 10_000)
}

/// The methods the properties run under: the four presets and two of our own (threshold;
/// two-stage with a floor and a cap on several indicators).
fn methods() -> Vec<Method> {
    let mut ms: Vec<Method> = [
        "henan-2019",
        "henan-2017-trial",
        "zhejiang-quantile",
        "huangyan-2022",
    ]
    .iter()
    .map(|id| presets::load(id).unwrap())
    .collect();
    ms.push(method(&format!(
        r#"id = "threshold"
{ITEMS}
[[groups]]
id = "above"
scale = "above"
pool = "region"
cap = 1.5
floor = 0.5
indicators = [
  {{ id = "tax_per_mu", weight = 40.0 }},
  {{ id = "profit_per_mu", weight = 20.0, on_missing = "cap" }},
  {{ id = "tax_per_kwh", weight = 20.0, on_zero_denominator = "pool_average", on_missing = "pool_average" }},
  {{ id = "labor_productivity", weight = 20.0, benchmark = {{ pool_mean_times = 1.5 }} }},
]
[groups.classification]
rule = "threshold"
cuts = {{ A = 80.0, B = 50.0, C = 20.0 }}
[[groups]]
id = "below"
scale = "below"
pool = "all"
cap = 2.0
indicators = [ {{ id = "revenue_per_mu", weight = 60.0 }}, {{ id = "tax_paid", weight = 40.0 }} ]
[groups.classification]
a_selector = "total"
c_selector = {{ value = "rd_intensity" }}
"#
    )));
    ms
}

// --------------------------------------------------------------------------------------------
// Checks shared by several properties
// --------------------------------------------------------------------------------------------

/// Class counts of each pool match its members and the rule's formulas.
fn check_quotas(m: &Method, eval: &Evaluation) -> Result<(), TestCaseError> {
    for pool in &eval.pools {
        let group = &m.groups[pool.group];
        let members = pool.members.len();
        let vetoed = pool
            .members
            .iter()
            .filter(|&&r| matches!(&eval.outcomes[r as usize], Outcome::Scored(s) if s.rank.is_none()))
            .count();
        let n = members - vetoed;
        prop_assert_eq!(pool.size, n);
        prop_assert_eq!(pool.computed_counts.iter().sum::<usize>(), members);
        prop_assert_eq!(pool.final_counts.iter().sum::<usize>(), members);
        // Counts agree with the members' own classes.
        let mut counted = vec![0usize; group.classes.len()];
        for &r in &pool.members {
            let Outcome::Scored(s) = &eval.outcomes[r as usize] else {
                return Err(TestCaseError::fail("an excluded row in a pool"));
            };
            counted[s.computed_class] += 1;
        }
        prop_assert_eq!(&counted, &pool.computed_counts);
        let lowest = group.classes.len() - 1;
        let mut expected = vec![0usize; group.classes.len()];
        match &group.rule {
            Rule::HenanTwoStage {
                top_share,
                a_share,
                c_share,
                ..
            } => {
                let n_top = round_share(n, top_share.units());
                let n_a = round_share(n, a_share.units()).min(n_top);
                let n_c = round_share(n, c_share.units()).min(n - n_top);
                let q = pool.quotas.unwrap();
                prop_assert_eq!((q.n_top, q.n_a, q.n_c), (n_top, n_a, n_c));
                expected = vec![n_a, n - n_a - n_c, n_c];
            }
            Rule::Quantile { shares } => {
                let mut cum = 0u32;
                let mut start = 0usize;
                for (j, s) in shares.iter().enumerate() {
                    cum += s.units();
                    let end = if j + 1 == shares.len() {
                        n
                    } else {
                        round_share(n, cum)
                    };
                    expected[j] = end - start;
                    start = end;
                }
            }
            Rule::Threshold { cuts } => {
                for &r in &pool.members {
                    if let Outcome::Scored(s) = &eval.outcomes[r as usize]
                        && s.rank.is_some()
                    {
                        let class = cuts.iter().position(|&c| s.total >= c).unwrap_or(lowest);
                        expected[class] += 1;
                    }
                }
            }
        }
        expected[lowest] += vetoed;
        prop_assert_eq!(&expected, &pool.computed_counts, "pool {}", pool.label);
    }
    Ok(())
}

/// Per credit code: (class, rank, total, base, bonus, pool label) or the exclusion id.
fn summary(m: &Method, input: &EvaluationInput, eval: &Evaluation) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = input
        .enterprises
        .iter()
        .zip(&eval.outcomes)
        .map(|(e, o)| {
            let s = match o {
                Outcome::Excluded(x) => format!("X {}", x.id()),
                Outcome::Scored(s) => format!(
                    "{} {:?} {:?} {:?} {:?} {} {:?}",
                    eval.final_class(m, s),
                    s.rank,
                    s.total,
                    s.base,
                    s.bonus,
                    eval.pools[s.pool].label,
                    eval.indicators(s, m.groups[s.group].indicators.len())
                ),
            };
            (e.credit_code.to_string(), s)
        })
        .collect();
    v.sort();
    v
}

/// (class, rank) per credit code.
fn classes_and_ranks(
    m: &Method,
    input: &EvaluationInput,
    eval: &Evaluation,
) -> Vec<(String, String, Option<u32>)> {
    let mut v: Vec<_> = input
        .enterprises
        .iter()
        .zip(&eval.outcomes)
        .map(|(e, o)| match o {
            Outcome::Excluded(x) => (e.credit_code.to_string(), format!("X {}", x.id()), None),
            Outcome::Scored(s) => (
                e.credit_code.to_string(),
                eval.final_class(m, s).to_owned(),
                s.rank,
            ),
        })
        .collect();
    v.sort();
    v
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 64,
        ..ProptestConfig::default()
    }
}

// --------------------------------------------------------------------------------------------
// (a) quotas add up
// --------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn quotas_add_up_under_every_preset(fs in firms(40)) {
        let input = build(&fs);
        for m in methods() {
            let eval = evaluate(&m, &input, &[]).unwrap();
            check_quotas(&m, &eval)?;
            // Every row is either in exactly one pool or excluded.
            let in_pools: usize = eval.pools.iter().map(|p| p.members.len()).sum();
            prop_assert_eq!(in_pools + eval.excluded.len(), input.enterprises.len());
        }
    }

    #[test]
    fn quotas_add_up_for_any_shares(
        fs in firms(40),
        top in 0u32..=10_000,
        a in 0u32..=10_000,
        c in 0u32..=10_000,
        cuts in prop::collection::vec(1u32..9_999, 1..5),
    ) {
        let input = build(&fs);
        let two_stage = identity_method(
            "",
            "cluster",
            &format!(
                "top_share = {}\na_share = {}\nc_share = {}\na_selector = \"total\"\nc_selector = {{ value = \"tax_per_mu\" }}",
                share_text(top), share_text(a), share_text(c)
            ),
        );
        // Quantile shares from sorted cut points in (0, 1): consecutive differences.
        let mut points = cuts.clone();
        points.sort_unstable();
        points.dedup();
        let mut shares = Vec::new();
        let mut prev = 0;
        for (j, p) in points.iter().chain(std::iter::once(&10_000)).enumerate() {
            shares.push(format!("K{j} = {}", share_text(p - prev)));
            prev = *p;
        }
        let quantile = identity_method(
            "",
            "region",
            &format!("rule = \"quantile\"\nshares = {{ {} }}", shares.join(", ")),
        );
        for m in [two_stage, quantile] {
            let eval = evaluate(&m, &input, &[]).unwrap();
            check_quotas(&m, &eval)?;
        }
    }
}

// --------------------------------------------------------------------------------------------
// (b) the order of the input rows changes nothing
// --------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn shuffling_rows_changes_nothing(
        (fs, order) in firms(40).prop_flat_map(|fs| {
            let n = fs.len();
            (Just(fs), Just((0..n).collect::<Vec<usize>>()).prop_shuffle())
        })
    ) {
        let input = build(&fs);
        let mut shuffled = input.clone();
        shuffled.enterprises = order.iter().map(|&i| input.enterprises[i].clone()).collect();
        for m in methods() {
            let a = evaluate(&m, &input, &[]).unwrap();
            let b = evaluate(&m, &shuffled, &[]).unwrap();
            prop_assert_eq!(&a.input_hash, &b.input_hash);
            // Bit-for-bit: every pool is processed in credit-code order.
            prop_assert_eq!(summary(&m, &input, &a), summary(&m, &shuffled, &b));
            prop_assert_eq!(a.pools.len(), b.pools.len());
            for (pa, pb) in a.pools.iter().zip(&b.pools) {
                prop_assert_eq!(&pa.label, &pb.label);
                prop_assert_eq!(pa.size, pb.size);
                prop_assert_eq!(&pa.benchmarks, &pb.benchmarks);
                prop_assert_eq!(&pa.computed_counts, &pb.computed_counts);
                let codes = |e: &EvaluationInput, p: &mujun_engine::Pool| -> Vec<String> {
                    p.members.iter().map(|&r| e.enterprises[r as usize].credit_code.to_string()).collect()
                };
                prop_assert_eq!(codes(&input, pa), codes(&shuffled, pb), "presentation order of {}", &pa.label);
            }
            let excluded = |e: &EvaluationInput, ev: &Evaluation| -> Vec<String> {
                ev.excluded.iter().map(|&r| e.enterprises[r as usize].credit_code.to_string()).collect()
            };
            prop_assert_eq!(excluded(&input, &a), excluded(&shuffled, &b));
        }
    }
}

// --------------------------------------------------------------------------------------------
// (c) scaling an indicator's inputs across a pool changes no rank
// --------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    /// Under henan-2019 (pool-mean benchmarks), tax_paid enters tax_per_mu and
    /// tax_per_pollution as a numerator and the 规下 selectors as a raw value. Multiplying it by
    /// 2^k for every member of one pool (vetoed ones included, as they count in benchmarks)
    /// scales each value and its benchmark by exactly 2^k, so every ratio, score, rank and
    /// class stays the same — bit for bit, since powers of two scale floating point exactly.
    #[test]
    fn scaling_tax_across_a_pool_changes_no_rank(fs in firms(40), pick in 0usize..8, k in -3i32..=6) {
        let m = presets::load("henan-2019").unwrap();
        let input = build(&fs);
        let before = evaluate(&m, &input, &[]).unwrap();
        prop_assume!(!before.pools.is_empty());
        let pool = &before.pools[pick % before.pools.len()];
        let factor = 2f64.powi(k);
        let mut scaled = input.clone();
        for &r in &pool.members {
            let f = &mut scaled.enterprises[r as usize].figures;
            f.set(Field::TaxPaid, f.get(Field::TaxPaid).map(|t| t * factor));
        }
        let after = evaluate(&m, &scaled, &[]).unwrap();
        prop_assert_eq!(classes_and_ranks(&m, &input, &before), classes_and_ranks(&m, &scaled, &after));
        for (o1, o2) in before.outcomes.iter().zip(&after.outcomes) {
            if let (Outcome::Scored(s1), Outcome::Scored(s2)) = (o1, o2) {
                prop_assert_eq!(s1.total, s2.total);
            }
        }
    }

    /// Under zhejiang-quantile, value_added is the numerator of four of the six indicators
    /// (value_added_per_mu, _per_energy, _per_pollution, labor_productivity); scaling it by
    /// 2^k across one region changes no rank either.
    #[test]
    fn scaling_value_added_across_a_pool_changes_no_rank(fs in firms(40), pick in 0usize..8, k in -3i32..=6) {
        let m = presets::load("zhejiang-quantile").unwrap();
        let input = build(&fs);
        let before = evaluate(&m, &input, &[]).unwrap();
        prop_assume!(!before.pools.is_empty());
        let pool = &before.pools[pick % before.pools.len()];
        let factor = 2f64.powi(k);
        let mut scaled = input.clone();
        for &r in &pool.members {
            let f = &mut scaled.enterprises[r as usize].figures;
            f.set(Field::ValueAdded, f.get(Field::ValueAdded).map(|t| t * factor));
        }
        let after = evaluate(&m, &scaled, &[]).unwrap();
        prop_assert_eq!(classes_and_ranks(&m, &input, &before), classes_and_ranks(&m, &scaled, &after));
    }

    /// With a tax_per_mu-only method, scaling land_area_mu by 2^k across a pool (above-scale
    /// firms only, so that no 规下 minimum is crossed) scales every value by 2^-k: no rank moves.
    #[test]
    fn scaling_land_of_a_tax_per_mu_method_changes_no_rank(fs in firms(40), k in -3i32..=3) {
        let m = method(&format!(
            "id = \"tpm\"\n{ITEMS}\n[[groups]]\nid = \"above\"\nscale = \"above\"\npool = \"all\"\ncap = 2.0\nindicators = [ {{ id = \"tax_per_mu\", weight = 100.0 }} ]\n[groups.classification]\nrule = \"quantile\"\nshares = {{ A = 0.25, B = 0.45, C = 0.25, D = 0.05 }}\n"
        ));
        let input = build(&fs);
        let before = evaluate(&m, &input, &[]).unwrap();
        let factor = 2f64.powi(k);
        let mut scaled = input.clone();
        for e in scaled.enterprises.iter_mut().filter(|e| e.scale == Scale::Above) {
            let land = e.figures.get(Field::LandAreaMu).map(|l| l * factor);
            e.figures.set(Field::LandAreaMu, land);
        }
        let after = evaluate(&m, &scaled, &[]).unwrap();
        prop_assert_eq!(classes_and_ranks(&m, &input, &before), classes_and_ranks(&m, &scaled, &after));
    }
}

// --------------------------------------------------------------------------------------------
// (d) more tax never lowers one's own total
// --------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    /// Under henan-2019, tax_per_mu's ratio is n·x / (x + S) with S ≥ 0 the others' sum — non-
    /// decreasing in x — and tax_per_pollution's is the same, or moves from missing (pool
    /// average ≤ w × cap) to zero denominator (w × cap). Nothing else depends on tax_paid.
    #[test]
    fn raising_tax_never_lowers_the_total(fs in firms(40), pick in 0usize..40, raise in 1u32..5000) {
        for id in ["henan-2019", "henan-2017-trial", "zhejiang-quantile", "huangyan-2022"] {
            let m = presets::load(id).unwrap();
            let input = build(&fs);
            let row = pick % input.enterprises.len();
            let before = evaluate(&m, &input, &[]).unwrap();
            let Outcome::Scored(s1) = &before.outcomes[row] else { continue };
            let mut raised = input.clone();
            let f = &mut raised.enterprises[row].figures;
            f.set(Field::TaxPaid, Some(f.get(Field::TaxPaid).unwrap() + f64::from(raise)));
            let after = evaluate(&m, &raised, &[]).unwrap();
            let Outcome::Scored(s2) = &after.outcomes[row] else {
                return Err(TestCaseError::fail("raising tax excluded the firm"));
            };
            prop_assert!(
                s2.total >= s1.total - 1e-9 * s1.total.abs().max(1.0),
                "{}: total fell from {} to {}", id, s1.total, s2.total
            );
        }
    }
}

// --------------------------------------------------------------------------------------------
// (e) total = base + bonus, base = Σ scores; (f) scores within [w × floor, w × cap]
// --------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn total_is_base_plus_bonus_and_base_is_the_sum_of_scores(fs in firms(40)) {
        let input = build(&fs);
        for m in methods() {
            let eval = evaluate(&m, &input, &[]).unwrap();
            for (e, o) in input.enterprises.iter().zip(&eval.outcomes) {
                let Outcome::Scored(s) = o else { continue };
                let k = m.groups[s.group].indicators.len();
                let sum: f64 = eval.indicators(s, k).iter().map(|r| r.score).sum();
                prop_assert!(close(s.base, sum), "{}: base {} vs Σ {}", m.id, s.base, sum);
                prop_assert!(close(s.total, s.base + s.bonus), "{}: total", m.id);
                let points: f64 = e
                    .bonus
                    .iter()
                    .filter_map(|i| m.bonus_index(&input.items[i]))
                    .map(|b| m.bonus_points[b].1)
                    .sum();
                prop_assert_eq!(s.bonus, points.min(m.max_bonus), "{}: bonus", &m.id);
            }
        }
    }

    #[test]
    fn defined_scores_lie_between_weight_times_floor_and_cap(fs in firms(40)) {
        let input = build(&fs);
        for m in methods() {
            let eval = evaluate(&m, &input, &[]).unwrap();
            for o in &eval.outcomes {
                let Outcome::Scored(s) = o else { continue };
                let group = &m.groups[s.group];
                let results = eval.indicators(s, group.indicators.len());
                for ((spec, r), b) in group.indicators.iter().zip(results).zip(&eval.pools[s.pool].benchmarks) {
                    let Some(x) = r.value.defined() else {
                        // Undefined: 0, w × cap, or a pool average, which is itself in range.
                        let hi = spec.weight * spec.cap.unwrap_or(f64::INFINITY);
                        prop_assert!(r.score >= 0f64.min(spec.weight * spec.floor) - 1e-9 && r.score <= hi + 1e-9);
                        continue;
                    };
                    let b = b.unwrap();
                    if b > 0.0 {
                        let lo = spec.weight * spec.floor;
                        let hi = spec.weight * spec.cap.unwrap_or(f64::INFINITY);
                        prop_assert!(r.score >= lo - 1e-9 && r.score <= hi + 1e-9,
                            "{} {}: score {} outside [{}, {}]", m.id, spec.id.id(), r.score, lo, hi);
                        // Within the bounds, the score is w × x / B.
                        let raw = spec.weight * x / b;
                        if raw > lo && raw < hi {
                            prop_assert!(close(r.score, raw), "{} {}: {} vs {}", m.id, spec.id.id(), r.score, raw);
                        }
                    } else {
                        prop_assert_eq!(r.score, 0.0, "{} {}: B ≤ 0 gives 0", &m.id, spec.id.id());
                    }
                }
            }
        }
    }
}
