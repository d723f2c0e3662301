//! The worked example of the spec's appendix (henan-2019, 2024, one cluster), number for number.
#![allow(clippy::unwrap_used)]

mod common;

use mujun_engine::{Outcome, evaluate, explain::explain, presets};

const ROWS: &str = "
914117000000000016,甲机械有限公司,411702,驻马店装备产业集聚区,3412,above,2010-05-01,100,1500,900,30000,600,32000,4000,3000,5000,300,8000,1000,high_tech,
914117000000000029,乙食品有限公司,411702,驻马店装备产业集聚区,1311,above,2012-03-01,50,400,200,12000,60,13000,2600,2000,,150,3000,1000,,
91411700000000003C,丙化工有限公司,411702,驻马店装备产业集聚区,2614,above,2015-07-01,80,600,-100,20000,0,21000,7000,5000,20000,200,4000,1000,,
91411700000000004F,丁电子有限公司,411702,驻马店装备产业集聚区,3982,above,2016-01-01,20,500,300,8000,400,8500,500,400,0,120,2500,1000,,
91411700000000005J,戊纺织有限公司,411702,驻马店装备产业集聚区,1711,above,2011-09-01,60,300,100,10000,50,11000,0,900,3000,400,2000,1000,,
91411700000000006M,己建材有限公司,411702,驻马店装备产业集聚区,3021,above,2009-04-01,120,480,240,15000,30,16000,9000,6000,30000,250,3500,1000,,major_safety_accident
91411700000000007Q,庚新材料有限公司,411702,驻马店装备产业集聚区,3985,above,2024-02-01,40,100,10,3000,90,3100,300,200,100,50,700,1000,,
";

/// (code, five indicator scores, base, bonus, total, rank, class, reason) from the appendix.
#[allow(clippy::type_complexity)]
const EXPECTED: [(&str, [f64; 5], f64, f64, f64, Option<u32>, &str, &str); 6] = [
    (
        "914117000000000016",
        [48.8372, 26.6301, 29.2683, 17.2524, 30.0],
        151.9880,
        3.0,
        154.9880,
        Some(2),
        "B",
        "default B",
    ),
    (
        "914117000000000029",
        [26.0465, 11.8356, 7.3171, 10.7827, 12.4103],
        68.3923,
        0.0,
        68.3923,
        Some(3),
        "B",
        "default B",
    ),
    (
        "91411700000000003C",
        [24.4186, 0.0, 0.0, 6.4696, 4.0359],
        34.9241,
        0.0,
        34.9241,
        Some(5),
        "C",
        "quota C",
    ),
    (
        "91411700000000004F",
        [70.0, 30.0, 40.0, 30.0, 30.0],
        200.0,
        0.0,
        200.0,
        Some(1),
        "A",
        "quota A",
    ),
    (
        "91411700000000005J",
        [16.2791, 4.9315, 7.3171, 0.0, 13.4529],
        41.9806,
        0.0,
        41.9806,
        Some(4),
        "B",
        "default B",
    ),
    (
        "91411700000000006M",
        [13.0233, 5.9178, 2.9268, 3.8339, 2.1525],
        27.8542,
        0.0,
        27.8542,
        None,
        "C",
        "veto:major_safety_accident",
    ),
];

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 0.00005 + 1e-12
}

#[test]
fn every_number_of_the_appendix() {
    let method = presets::load("henan-2019").unwrap();
    let input = common::input_from_csv(2024, ROWS);
    let eval = evaluate(&method, &input, &[]).unwrap();

    let pool = &eval.pools[0];
    assert_eq!(eval.pools.len(), 1);
    assert_eq!(pool.size, 5, "the vetoed firm takes no part in N");
    assert!(
        close(pool.benchmarks[0].unwrap(), 10.75),
        "tax_per_mu benchmark includes the vetoed firm"
    );

    for (code, scores, base, bonus, total, rank, class, reason) in EXPECTED {
        let row = input
            .enterprises
            .iter()
            .position(|e| e.credit_code.as_str() == code)
            .unwrap();
        let Outcome::Scored(s) = &eval.outcomes[row] else {
            panic!("{code} should be scored")
        };
        let got: Vec<f64> = eval.indicators(s, 5).iter().map(|r| r.score).collect();
        for (g, w) in got.iter().zip(scores) {
            assert!(close(*g, w), "{code}: scores {got:?} vs {scores:?}");
        }
        assert!(close(s.base, base), "{code} base {}", s.base);
        assert!(close(s.bonus, bonus), "{code} bonus");
        assert!(close(s.total, total), "{code} total {}", s.total);
        assert_eq!(s.rank, rank, "{code} rank");
        assert_eq!(eval.final_class(&method, s), class, "{code} class");
        assert_eq!(eval.class_reason(&method, s), reason, "{code} reason");
    }

    let new = input
        .enterprises
        .iter()
        .position(|e| e.credit_code.as_str() == "91411700000000007Q")
        .unwrap();
    assert!(matches!(
        eval.outcomes[new],
        Outcome::Excluded(mujun_engine::Exclusion::TooNew)
    ));

    // Presentation order: ranks 1..5, then the vetoed firm, then the excluded one.
    let order: Vec<&str> = eval
        .presentation_order()
        .iter()
        .map(|&i| input.enterprises[i as usize].credit_code.as_str())
        .collect();
    assert_eq!(
        order,
        [
            "91411700000000004F",
            "914117000000000016",
            "914117000000000029",
            "91411700000000005J",
            "91411700000000003C",
            "91411700000000006M",
            "91411700000000007Q"
        ]
    );
}

#[test]
fn the_explanation_names_benchmark_policy_and_quota() {
    let method = presets::load("henan-2019").unwrap();
    let input = common::input_from_csv(2024, ROWS);
    let eval = evaluate(&method, &input, &[]).unwrap();
    let row = |code: &str| {
        input
            .enterprises
            .iter()
            .position(|e| e.credit_code.as_str() == code)
            .unwrap()
    };

    let text = explain(&method, &input, &eval, row("914117000000000029"));
    assert!(text.contains("基准值 10.7500"), "{text}");
    assert!(text.contains("数据缺失，按同池平均得分计"), "{text}");
    assert!(text.contains("12.4103"), "{text}");

    let text = explain(&method, &input, &eval, row("91411700000000003C"));
    assert!(text.contains("C 类名额 round(5×0.1) = 1"), "{text}");
    assert!(text.contains("→ C"), "{text}");

    let text = explain(&method, &input, &eval, row("91411700000000006M"));
    assert!(text.contains("重大安全生产事故"), "{text}");

    let text = explain(&method, &input, &eval, row("91411700000000007Q"));
    assert!(
        text.contains("不参评（X）") && !text.contains("too_new"),
        "{text}"
    );
}
