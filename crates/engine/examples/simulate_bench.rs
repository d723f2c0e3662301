//! Benchmark of a "what-if" simulation (issue 15): the same synthetic year evaluated under the
//! henan-2019 preset and under a draft with 10 points moved from 亩均利润 to 亩均税收 in the 规上
//! group, then compared; plus one `evaluate` alone and one full `sensitivity` sweep.
//!
//!   cargo run --release -p mujun-engine --example simulate_bench -- [ENTERPRISES] [RUNS]
//!
//! The input is generated in memory (deterministic, fixed seed) so that only the engine is timed,
//! not reading or writing files.

use std::time::{Duration, Instant};

use mujun_domain::{
    CreditCode, Date, Field, IndicatorId, IndustryCode, RegionCode, Scale, Year, ZHUMADIAN_CLUSTERS,
    ZHUMADIAN_REGIONS,
};
use mujun_engine::simulate::{compare, move_weight, sensitivity};
use mujun_engine::{EnterpriseInput, EvaluationInput, Figures, ItemSet, evaluate, presets};

/// Fixed seed: every run of the benchmark evaluates the same rows.
const SEED: u64 = 15;
const YEAR: u16 = 2024;
/// Points moved in the draft method.
const MOVED_POINTS: f64 = 10.0;
/// Step of the sensitivity sweep.
const SENSITIVITY_STEP: f64 = 5.0;

/// SplitMix64: tiny, fast, good enough for synthetic data, and no new dependency.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1), 53 bits.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in [0, n).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Standard normal (Box–Muller; the second value is dropped, speed does not matter here).
    fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.unit(); // (0, 1]: ln is finite
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Log-normal with the given median and log-scale spread.
    fn log_normal(&mut self, median: f64, sigma: f64) -> f64 {
        median * (sigma * self.normal()).exp()
    }
}

/// Rounds to 2 decimals, as figures are reported (this also produces some exact ties).
fn r2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Cluster sizes are uneven in reality: the two city clusters are the largest pools.
const CLUSTER_WEIGHTS: [f64; 11] = [3.0, 2.5, 1.0, 1.0, 0.8, 1.2, 0.9, 1.1, 0.9, 0.7, 0.6];

fn pick_cluster(rng: &mut Rng) -> usize {
    let total: f64 = CLUSTER_WEIGHTS.iter().sum();
    let mut x = rng.unit() * total;
    for (i, w) in CLUSTER_WEIGHTS.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    CLUSTER_WEIGHTS.len() - 1
}

/// A deterministic synthetic year of `n` enterprises in Zhumadian's counties and clusters.
fn synthetic_input(n: usize) -> EvaluationInput {
    let mut rng = Rng(SEED);
    let mut input = EvaluationInput::new(Year::new(YEAR).expect("2024 is a valid year"));
    for (name, _) in ZHUMADIAN_CLUSTERS {
        input.intern_cluster(name);
    }
    // Item ids as the shipped method files name them, so bonus points and vetoes really apply.
    let bonus_ids = [
        ("high_tech", 0.08),
        ("listed", 0.01),
        ("provincial_rd_platform", 0.03),
        ("quality_award", 0.01),
        ("strategic_emerging", 0.05),
    ];
    let veto_ids = [
        ("major_safety_accident", 0.0015),
        ("major_pollution_incident", 0.0015),
        ("serious_dishonesty", 0.001),
    ];
    let bonus_idx: Vec<(usize, f64)> = bonus_ids
        .iter()
        .map(|(id, p)| (input.intern_item(id).expect("8 items fit in an ItemSet"), *p))
        .collect();
    let veto_idx: Vec<(usize, f64)> = veto_ids
        .iter()
        .map(|(id, p)| (input.intern_item(id).expect("8 items fit in an ItemSet"), *p))
        .collect();
    let regions: Vec<RegionCode> = ZHUMADIAN_REGIONS
        .iter()
        .map(|(c, _)| RegionCode::parse(&c.to_string()).expect("Zhumadian region codes are valid"))
        .collect();

    input.enterprises.reserve(n);
    for i in 0..n {
        // 91411700 + 9-digit serial: distinct valid codes for n < 10^9.
        let credit_code =
            CreditCode::with_check_char(&format!("91411700{i:09}")).expect("17 valid characters");
        // 4 % outside every cluster (excluded when pooled by cluster, still ranked by region).
        let (cluster, region) = if rng.chance(0.04) {
            (None, regions[1 + rng.below(regions.len() - 1)])
        } else {
            let c = pick_cluster(&mut rng);
            let county = ZHUMADIAN_CLUSTERS[c].1;
            let region = *regions
                .iter()
                .find(|r| r.value() == county)
                .expect("every cluster lies in a listed county");
            (Some(c as u32), region)
        };
        // 3 % outside manufacturing (out of scope), the rest spread over divisions 13–43.
        let division = if rng.chance(0.03) {
            [44u16, 47, 51, 52][rng.below(4)]
        } else {
            13 + rng.below(31) as u16
        };
        let industry = IndustryCode::from_value(division * 100 + 1 + rng.below(9) as u16)
            .expect("divisions 13–52 exist");
        let above = rng.chance(0.70);
        let scale = if above { Scale::Above } else { Scale::Below };
        // Production start: ~4 % too new (started last year), 1 % unknown.
        let production_start = if rng.chance(0.01) {
            None
        } else {
            let year = if rng.chance(0.04) {
                YEAR - 1
            } else {
                1995 + rng.below(usize::from(YEAR - 1995 - 2)) as u16
            };
            Some(
                Date::new(year, 1 + rng.below(12) as u8, 1 + rng.below(28) as u8)
                    .expect("day ≤ 28 exists in every month"),
            )
        };

        let land = r2(if above {
            rng.log_normal(45.0, 0.8)
        } else {
            rng.log_normal(14.0, 0.8)
        }
        .clamp(5.0, 500.0));
        // Revenue from 亩均营收; 规上 means ≥ 2000 万元, 规下 below it.
        let revenue = if above {
            (land * rng.log_normal(350.0, 0.8)).clamp(2000.0, 1_500_000.0)
        } else {
            (land * rng.log_normal(60.0, 0.8)).clamp(20.0, 1999.0)
        };
        let tax = revenue * rng.log_normal(0.04, 0.35);
        // Margins around 6 %, some losses.
        let profit = revenue * (0.06 + 0.06 * rng.normal());
        // About one in eight reports no R&D at all.
        let rd = if rng.chance(0.12) {
            0.0
        } else {
            revenue * rng.log_normal(0.012, 0.9)
        };
        let output = revenue * (0.95 + 0.15 * rng.unit());
        let value_added = output * (0.15 + 0.2 * rng.unit());
        let energy = if rng.chance(0.015) {
            0.0
        } else {
            (output * rng.log_normal(0.05, 0.9)).max(0.01)
        };
        let electricity = (energy * (0.3 + 0.4 * rng.unit()) / 1.229).max(0.01);
        let pollution = output * rng.log_normal(0.3, 1.0);
        let employees = (value_added / rng.log_normal(25.0, 0.5)).round().max(2.0);
        let water = (output * rng.log_normal(3.0, 0.8)).round().max(30.0);

        let mut figures = Figures::empty();
        // A few missing values: land (excluded), profit, R&D, pollution (the pool-average policy).
        let missing = |rng: &mut Rng, p: f64, v: f64| (!rng.chance(p)).then(|| r2(v));
        figures.set(Field::LandAreaMu, (!rng.chance(0.002)).then_some(land));
        figures.set(Field::TaxPaid, Some(r2(tax)));
        figures.set(Field::ProfitTotal, missing(&mut rng, 0.005, profit));
        figures.set(Field::MainRevenue, Some(r2(revenue)));
        figures.set(Field::RdExpense, missing(&mut rng, 0.01, rd));
        figures.set(Field::GrossOutput, Some(r2(output)));
        figures.set(Field::EnergyTce, Some(r2(energy)));
        figures.set(Field::ElectricityKwh, Some(r2(electricity)));
        let pollution = if rng.chance(0.015) {
            Some(0.0)
        } else {
            missing(&mut rng, 0.025, pollution.max(0.1))
        };
        figures.set(Field::PollutionEq, pollution);
        figures.set(Field::Employees, Some(employees));
        figures.set(Field::ValueAdded, Some(r2(value_added)));
        figures.set(Field::WaterM3, Some(water));

        let mut bonus = ItemSet::default();
        for (idx, p) in &bonus_idx {
            if rng.chance(*p) {
                bonus.insert(*idx);
            }
        }
        let mut veto = ItemSet::default();
        for (idx, p) in &veto_idx {
            if rng.chance(*p) {
                veto.insert(*idx);
            }
        }
        input.enterprises.push(EnterpriseInput {
            credit_code,
            region,
            cluster,
            industry,
            scale,
            production_start,
            figures,
            bonus,
            veto,
        });
    }
    input
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Median, min and max of the timings, in milliseconds.
fn summary(times: &[Duration]) -> (f64, f64, f64) {
    let mut v: Vec<f64> = times.iter().copied().map(ms).collect();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    let median = if v.len().is_multiple_of(2) {
        (v[mid - 1] + v[mid]) / 2.0
    } else {
        v[mid]
    };
    (median, v[0], v[v.len() - 1])
}

fn arg(n: usize, default: usize, what: &str) -> usize {
    std::env::args().nth(n).map_or(default, |a| {
        a.parse()
            .unwrap_or_else(|_| panic!("{what} must be a positive whole number, got {a:?}"))
    })
}

fn main() {
    let n = arg(1, 100_000, "ENTERPRISES");
    let runs = arg(2, 5, "RUNS").max(1);
    let cores = std::thread::available_parallelism().map_or(1, usize::from);

    let t = Instant::now();
    let input = synthetic_input(n);
    let generated = t.elapsed();

    let method = presets::load("henan-2019").expect("the built-in preset parses");
    // Group 0 of henan-2019 is 规上 and scores both 亩均利润 and 亩均税收.
    let group = 0;
    let g = &method.groups[group];
    let (from, to) = (IndicatorId::ProfitPerMu, IndicatorId::TaxPerMu);
    assert!(
        g.indicator_index(from).is_some() && g.indicator_index(to).is_some(),
        "henan-2019 group {} no longer scores profit_per_mu and tax_per_mu",
        g.id
    );
    let draft = move_weight(&method, group, from, to, MOVED_POINTS)
        .expect("henan-2019 gives profit_per_mu 15 points, enough to move 10");

    println!(
        "machine: {cores} cores (available_parallelism); rayon threads: {}",
        rayon::current_num_threads()
    );
    println!(
        "input: {n} synthetic enterprises (seed {SEED}, year {YEAR}), generated in {:.0} ms",
        ms(generated)
    );
    println!(
        "draft: henan-2019 group `{}` with {MOVED_POINTS} points moved {} ({}) → {} ({})",
        g.id,
        from.id(),
        from.label(),
        to.id(),
        to.label()
    );

    // One evaluation alone, for reference (also starts rayon's thread pool before the timed runs).
    let t = Instant::now();
    let eval = evaluate(&method, &input, &[]).expect("the synthetic input evaluates");
    let one = t.elapsed();
    println!(
        "evaluate alone: {:.1} ms ({} scored, {} excluded, {} pools)",
        ms(one),
        eval.outcomes.len() - eval.excluded.len(),
        eval.excluded.len(),
        eval.pools.len()
    );
    drop(eval);

    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let c = compare(&method, &draft, &input, &[]).expect("both methods evaluate the input");
        times.push(t.elapsed());
        last = Some(c);
    }
    let c = last.expect("at least one run");
    let (median, min, max) = summary(&times);
    println!(
        "compare (two evaluations + comparison), {runs} runs: median {median:.1} ms, min {min:.1} ms, max {max:.1} ms"
    );
    println!("enterprises changed: {}", c.changes.len());
    println!("class counts before: {:?}", c.counts_before);
    println!("class counts after:  {:?}", c.counts_after);
    if c.counts_before == c.counts_after {
        // Not a bug: henan_two_stage fixes each pool's A and C counts by quota.
        println!("  (same counts: the quotas fix them, so a weight move only changes who holds them)");
    }

    let t = Instant::now();
    let s = sensitivity(&method, &input, SENSITIVITY_STEP).expect("every move of the sweep evaluates");
    let swept = t.elapsed();
    let most = s.iter().max_by_key(|x| x.changed);
    println!(
        "sensitivity (step {SENSITIVITY_STEP} points): {} changes evaluated ({} evaluations: the method once, then each change) in {:.0} ms, {:.1} ms per change",
        s.len(),
        s.len() + 1,
        ms(swept),
        ms(swept) / s.len().max(1) as f64
    );
    if let Some(x) = most {
        println!(
            "  most sensitive: group `{}` {:?}: {} enterprises change",
            method.groups[x.group].id, x.change, x.changed
        );
    }
}
