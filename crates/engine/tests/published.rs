//! Published results the rules must reproduce (spec introduction and §6).
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use mujun_domain::Scale;
use mujun_engine::{EvaluationInput, Method, TwoStageQuotas, evaluate, presets};

/// Counts of final classes over every scored enterprise, in the class order of group `g`.
fn totals(m: &Method, eval: &mujun_engine::Evaluation, g: usize) -> Vec<usize> {
    let mut counts = vec![0usize; m.groups[g].classes.len()];
    for p in eval.pools.iter().filter(|p| p.group == g) {
        for (c, n) in p.final_counts.iter().enumerate() {
            counts[c] += n;
        }
    }
    counts
}

#[test]
fn anyang_2018_below_scale_39_in_one_pool() {
    // Anyang published 39 规下 firms in one city-wide pool → A 6 / B 29 / C 4.
    // N = 39: n_top = round(19.5) = 20, n_A = round(5.85) = 6, n_C = round(3.9) = 4, B = 29.
    let m = presets::load("henan-2019").unwrap();
    let mut input = pool_input(
        2019,
        (1..=39)
            .map(|n| simple(n, Scale::Below, 5.0 + n as f64, 10.0 * n as f64 + 3.0))
            .collect(),
    );
    // The city-wide pool ignores clusters: spread them over two and none.
    let other = input.intern_cluster("驻马店市产业集聚区");
    for (i, e) in input.enterprises.iter_mut().enumerate() {
        e.cluster = match i % 3 {
            0 => Some(0),
            1 => Some(other),
            _ => None,
        };
    }
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(eval.pools.len(), 1);
    assert_eq!(eval.pools[0].size, 39);
    assert_eq!(
        eval.pools[0].quotas,
        Some(TwoStageQuotas {
            n_top: 20,
            n_a: 6,
            n_c: 4
        })
    );
    assert_eq!(totals(&m, &eval, 1), [6, 29, 4]);
}

#[test]
fn chaohu_quantile_120() {
    // Chaohu: 120 firms, A .20 / B .45 / C .30 / D .05 → 24 / 54 / 36 / 6.
    // Cumulative: round(24) = 24, round(78) = 78, round(114) = 114 → 24, 54, 36, 6.
    let m = method(&format!(
        r#"id = "chaohu"
name = "巢湖式四档（按名次比例）"
{ITEMS}
[[groups]]
id = "above"
scale = "above"
pool = "all"
cap = 2.0
indicators = [
  {{ id = "tax_per_mu", weight = 60.0 }},
  {{ id = "tax_paid",   weight = 40.0 }},
]
[groups.classification]
rule = "quantile"
shares = {{ A = 0.20, B = 0.45, C = 0.30, D = 0.05 }}
"#
    ));
    let input = pool_input(
        2019,
        (1..=120)
            .map(|n| simple(n, Scale::Above, 10.0 + (n % 7) as f64, 5.0 * n as f64))
            .collect(),
    );
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(eval.pools[0].size, 120);
    assert_eq!(totals(&m, &eval, 0), [24, 54, 36, 6]);
}

/// 235 规上 firms under henan-2019, split over 7 clusters with the given sizes.
fn above_in_clusters(sizes: &[usize]) -> EvaluationInput {
    let mut input = pool_input(2019, vec![]);
    let mut n = 0u64;
    for (c, &size) in sizes.iter().enumerate() {
        let cluster = input.intern_cluster(&format!("第{}产业集聚区", c + 1));
        for i in 0..size {
            n += 1;
            let mut e = simple(n, Scale::Above, 20.0 + (i % 11) as f64, 40.0 + 7.0 * i as f64);
            e.cluster = Some(cluster);
            input.enterprises.push(e);
        }
    }
    input
}

/// Per-cluster (n_A, n_B, n_C) by §6.1: n_A = round(0.15 N), n_C = round(0.10 N) (the half
/// limits do not bind for N ≥ 2).
fn expected_per_cluster(sizes: &[usize]) -> Vec<(usize, usize, usize)> {
    sizes
        .iter()
        .map(|&n| {
            let a = round_share(n, 1_500);
            let c = round_share(n, 1_000);
            (a, n - a - c, c)
        })
        .collect()
}

fn check_split(sizes: &[usize]) -> Vec<usize> {
    assert_eq!(sizes.iter().sum::<usize>(), 235);
    let m = presets::load("henan-2019").unwrap();
    let input = above_in_clusters(sizes);
    let eval = evaluate(&m, &input, &[]).unwrap();
    assert_eq!(eval.pools.len(), 7);
    let expected = expected_per_cluster(sizes);
    for (c, &(a, b, cc)) in expected.iter().enumerate() {
        let label = format!("第{}产业集聚区", c + 1);
        let pool = eval.pools.iter().find(|p| p.label == label).unwrap();
        assert_eq!(pool.size, sizes[c], "{label}");
        assert_eq!(pool.final_counts, [a, b, cc], "{label}");
    }
    let sum = expected.iter().fold(vec![0, 0, 0], |mut acc, &(a, b, c)| {
        acc[0] += a;
        acc[1] += b;
        acc[2] += c;
        acc
    });
    let got = totals(&m, &eval, 0);
    assert_eq!(got, sum, "city totals = Σ per-cluster quotas");
    got
}

#[test]
fn anyang_2018_above_scale_235_in_7_clusters() {
    // Anyang published 235 规上 firms in 7 clusters → A 37 / B 176 / C 22, without the cluster
    // sizes. Quotas are per cluster, so the city totals depend on the split: the whole-city
    // rounding round(0.15 × 235) = 35 / round(0.10 × 235) = 24 does not apply.
    //
    // One split that reproduces the published totals exactly (there are many; the real one is
    // unknown): 60 / 44 / 34 / 30 / 24 / 24 / 19
    //   A: 9 + round(6.6)=7 + round(5.1)=5 + round(4.5)=5 + round(3.6)=4 + 4 + round(2.85)=3 = 37
    //   C: 6 + round(4.4)=4 + round(3.4)=3 + 3 + round(2.4)=2 + 2 + round(1.9)=2            = 22
    //   B: 235 − 37 − 22 = 176.
    assert_eq!(check_split(&[60, 44, 34, 30, 24, 24, 19]), [37, 176, 22]);

    // Another split gives other totals, still Σ per-cluster quotas: 60 / 45 / 40 / 30 / 25 / 20 / 15
    //   A: 9 + 7 + 6 + 5 + 4 + 3 + 2 = 36;  C: 6 + 5 + 4 + 3 + 3 + 2 + 2 = 25;  B: 174.
    assert_eq!(check_split(&[60, 45, 40, 30, 25, 20, 15]), [36, 174, 25]);
}
