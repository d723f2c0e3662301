//! A cluster assessment worked out by hand (four clusters, three indicators, two star levels):
//!
//! | cluster | 亩均税收 | 主营业务收入 | 能耗 | points                         | total | rank | star |
//! |---------|---------|-------------|------|--------------------------------|-------|------|------|
//! | 甲      | 12      | 150         | 0.4  | 50 + 150/200×30 = 22.5 + 20    | 92.5  | 1    | 2 (was 1: first promotion) |
//! | 乙      | 6       | 200         | 1.0  | 30 + 30 + 0.5/1.0×20 = 10      | 70    | 2    | 1 (was 2: demoted; 能耗 above 0.8) |
//! | 丁      | 4       | 300         | 0.5  | 20 + 30 + 20                   | 70    | 2    | 1 (new; 亩均税收 below 5) |
//! | 丙      | 7       | 80          | 0.5  | 35 + 80/200×30 = 12 + 20       | 67    | 4    | 1 (same; revenue below 100) |
//!
//! Rewards: the first (甲) is commended; 甲 is also first promoted to 二星级; the last (丙) gets
//! no 扩区 or 升级; 丁 has the lowest 亩均税收 (core indicator) and is restricted too.
#![allow(clippy::unwrap_used)]

use mujun_cluster::assess::{Input, Move, assess};
use mujun_cluster::indicators::{Indicator, Value};
use mujun_cluster::method::Method;

const METHOD: &str = r#"name = "测试办法"
[[indicator]]
id = "tax_per_mu"
weight = 50
benchmark = 10
[[indicator]]
id = "revenue"
weight = 30
benchmark = 200
[[indicator]]
id = "energy_intensity"
weight = 20
benchmark = 0.5
[[star]]
level = 1
name = "一星级"
min = { revenue = 50, tax_per_mu = 3 }
[[star]]
level = 2
name = "二星级"
min = { revenue = 100, tax_per_mu = 5 }
max = { energy_intensity = 0.8 }
[rewards]
top = 1
bottom = 1
core = ["tax_per_mu"]
core_bottom = 1
"#;

fn input(id: i64, name: &str, tax: f64, revenue: f64, energy: f64, previous: Option<u8>, best: u8) -> Input {
    let v = |indicator, value| Value {
        indicator,
        value: Some(value),
        derivation: String::new(),
    };
    Input {
        id,
        name: name.into(),
        values: vec![
            v(Indicator::TaxPerMu, tax),
            v(Indicator::Revenue, revenue),
            v(Indicator::EnergyIntensity, energy),
        ],
        previous_star: previous,
        best_star_before: best,
    }
}

#[test]
fn four_clusters_worked_by_hand() {
    let method = Method::parse(METHOD).unwrap();
    let out = assess(
        &method,
        &[
            input(1, "甲", 12.0, 150.0, 0.4, Some(1), 1),
            input(2, "乙", 6.0, 200.0, 1.0, Some(2), 2),
            input(3, "丙", 7.0, 80.0, 0.5, Some(1), 1),
            input(4, "丁", 4.0, 300.0, 0.5, None, 0),
        ],
    );
    let row: Vec<(&str, f64, usize, u8, Move)> = out
        .iter()
        .map(|o| (o.name.as_str(), o.total, o.rank, o.star, o.movement))
        .collect();
    assert_eq!(
        row,
        [
            ("甲", 92.5, 1, 2, Move::Up { first: true }),
            ("丁", 70.0, 2, 1, Move::New),
            ("乙", 70.0, 2, 1, Move::Down),
            ("丙", 67.0, 4, 1, Move::Same),
        ]
    );
    let jia = &out[0];
    assert_eq!(
        jia.points.iter().map(|p| p.points).collect::<Vec<_>>(),
        [50.0, 22.5, 20.0]
    );
    assert_eq!(jia.measures.len(), 2);
    assert!(jia.measures[0].starts_with("评价排序第 1 名"));
    assert_eq!(
        jia.measures[1],
        "首次晋升二星级：予以表彰奖励，优先支持扩区或申报国家级开发区"
    );
    assert!(jia.next_star_gap.is_empty(), "the top level");
    let yi = &out[2];
    assert_eq!(yi.points[2].points, 10.0);
    assert_eq!(yi.points[2].why, "标杆 0.50 ÷ 1.00 × 20.00 分");
    assert_eq!(
        yi.next_star_gap,
        ["单位工业增加值能耗1.00 吨标准煤/万元，二星级要求不高于 0.80 吨标准煤/万元"]
    );
    assert!(yi.measures.is_empty());
    assert_eq!(out[1].measures, ["核心指标亩均税收居后列：不支持扩区、升级"]);
    assert_eq!(out[3].measures, ["评价排名靠后（后 1 名）：不支持扩区、升级"]);
    assert_eq!(
        out[3].next_star_gap,
        ["主营业务收入80.00 亿元，二星级要求不低于 100.00 亿元"]
    );
}

#[test]
fn star_thresholds_at_the_boundary() {
    let method = Method::parse(METHOD).unwrap();
    // Exactly at every 二星级 threshold: met. A hair short on one: not.
    let at = assess(&method, &[input(1, "甲", 5.0, 100.0, 0.8, None, 0)]);
    assert_eq!(at[0].star, 2);
    for (tax, revenue, energy) in [
        (4.999_999, 100.0, 0.8),
        (5.0, 99.999_999, 0.8),
        (5.0, 100.0, 0.800_001),
    ] {
        let out = assess(&method, &[input(1, "甲", tax, revenue, energy, None, 0)]);
        assert_eq!(out[0].star, 1, "{tax} {revenue} {energy}");
    }
    // A missing value fails its threshold; below 一星级 there is no star at all.
    let mut missing = input(1, "甲", 5.0, 100.0, 0.8, Some(2), 2);
    missing
        .values
        .retain(|v| v.indicator != Indicator::EnergyIntensity);
    let out = assess(&method, &[missing]);
    assert_eq!((out[0].star, out[0].movement), (1, Move::Down));
    assert!(out[0].next_star_gap[0].contains("无数据"));
    let out = assess(&method, &[input(1, "甲", 2.0, 100.0, 0.5, Some(0), 1)]);
    assert_eq!((out[0].star, out[0].star_name.as_str()), (0, ""));
    // Back up to a level held before is a promotion, not a first one.
    let out = assess(&method, &[input(1, "甲", 5.0, 100.0, 0.5, Some(1), 2)]);
    assert_eq!(out[0].movement, Move::Up { first: false });
    assert!(out[0].measures.iter().all(|m| !m.contains("首次晋升")));
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Totals stay within full marks, ranks are 1..=n with ties sharing, and raising every
        /// value of a cluster never lowers its star.
        #[test]
        fn totals_ranks_and_stars(values in proptest::collection::vec((0.0f64..20.0, 0.0f64..400.0, 0.1f64..2.0), 1..12)) {
            let method = Method::parse(METHOD).unwrap();
            let inputs: Vec<Input> = values
                .iter()
                .enumerate()
                .map(|(k, (t, r, e))| input(k as i64, &format!("{k}"), *t, *r, *e, None, 0))
                .collect();
            let out = assess(&method, &inputs);
            prop_assert_eq!(out.len(), inputs.len());
            for o in &out {
                prop_assert!(o.total >= 0.0 && o.total <= method.full_marks() + 1e-9);
                prop_assert!(o.rank >= 1 && o.rank <= out.len());
                let better = out.iter().filter(|x| x.total > o.total).count();
                prop_assert_eq!(o.rank, better + 1);
            }
            let (t, r, e) = values[0];
            let up = assess(&method, &[input(0, "0", t * 1.5, r * 1.5, e / 1.5, None, 0)]);
            let now = assess(&method, &[input(0, "0", t, r, e, None, 0)]);
            prop_assert!(up[0].star >= now[0].star);
        }
    }
}
