//! Renders 20 score cards and one 150-row run summary and prints the time per document.
//!
//! `cargo run --release -p mujun-report --example bench_pdf [OUT_DIR]` — with OUT_DIR, the two
//! PDFs are also written there for a look.

use std::time::Instant;

use mujun_report::{
    IndicatorLine, RunSummary, ScoreCard, SummaryRow, cjk_font, run_summary_pdf, score_card_pdf,
};

fn card(i: usize) -> ScoreCard {
    ScoreCard {
        title: "2024 年度亩均效益综合评价 · 企业评分卡".into(),
        enterprise_name: format!("驻马店市第{i}精密机械有限公司"),
        credit_code: "91411700MA3X4B5C6D".into(),
        county: "驿城区".into(),
        cluster: "驻马店装备产业集聚区".into(),
        industry: "3412 金属工具制造".into(),
        scale: "规上".into(),
        run: "评价批次 #3 · 方法 henan-2019（河南省亩均效益评价办法）· 公示中".into(),
        group: "规上企业组".into(),
        pool: "驻马店装备产业集聚区（参与排名 152 家）".into(),
        final_class: ["A", "B", "C", "D", "X"][i % 5].into(),
        computed_class: "B".into(),
        class_reason: "综合得分位于本排名池前 30% 且亩均税收高于基准值，评为 B 类。".into(),
        rank: format!("第 {} 名 / 152", i + 1),
        base: "78.40".into(),
        bonus: "3.00".into(),
        total: "81.40".into(),
        indicators: (0..12)
            .map(|k| IndicatorLine {
                label: format!("指标 {k} 亩均税收"),
                unit: "万元/亩".into(),
                value: "12.35".into(),
                benchmark: "10.00".into(),
                ratio: "1.235".into(),
                weight: "25".into(),
                score: "30.88".into(),
                basis: "比值 × 权重，封顶 1.2 倍".into(),
            })
            .collect(),
        explanation: vec![
            "亩均税收高于全市基准值 23.5%。".into(),
            "研发投入强度低于基准值。".into(),
        ],
        what_if: "若研发经费投入增加 120 万元，总分可达 85.0，升为 A 类。".into(),
        land_derivation: "用地面积 = 自有土地 35.2 亩 + 租赁厂房折算 4.8 亩 = 40.0 亩".into(),
        footer: "方法哈希 3f2a9c1e · 数据哈希 9b8e7d6c · 生成于 2026-11-26 10:00".into(),
        ..Default::default()
    }
}

fn summary() -> RunSummary {
    let row = |label: String| SummaryRow {
        label,
        counts: vec!["12".into(), "40".into(), "60".into(), "30".into(), "2".into()],
        enterprises: "144".into(),
        tax_per_mu: "15.62".into(),
    };
    RunSummary {
        title: "2024 年度亩均效益综合评价结果汇总".into(),
        run: "评价批次 #3 · 方法 henan-2019 · 公示期 2026-11-20 至 2026-11-27".into(),
        classes: ["A", "B", "C", "D", "X"].map(String::from).to_vec(),
        pools: (1..=150).map(|i| row(format!("排名池 {i}"))).collect(),
        counties: (1..=10).map(|i| row(format!("县区 {i}"))).collect(),
        notes: vec!["方法：henan-2019".into(), "数据哈希 9b8e7d6c".into()],
        footer: "生成于 2026-11-26 10:00".into(),
        ..Default::default()
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args().nth(1);
    let t = Instant::now();
    let font = cjk_font()?;
    println!("font: {font} (scan {:.0} ms)", t.elapsed().as_secs_f64() * 1e3);

    let t = Instant::now();
    let first = score_card_pdf(&card(0))?;
    println!(
        "first score card: {:.0} ms, {} bytes",
        t.elapsed().as_secs_f64() * 1e3,
        first.len()
    );

    const N: usize = 20;
    let t = Instant::now();
    for i in 1..=N {
        score_card_pdf(&card(i))?;
    }
    println!(
        "score card: {:.1} ms per document ({N} documents)",
        t.elapsed().as_secs_f64() * 1e3 / N as f64
    );

    let t = Instant::now();
    let long = run_summary_pdf(&summary())?;
    println!(
        "run summary (150 pools): {:.0} ms, {} bytes",
        t.elapsed().as_secs_f64() * 1e3,
        long.len()
    );

    if let Some(dir) = out {
        std::fs::write(format!("{dir}/score_card.pdf"), &first)?;
        std::fs::write(format!("{dir}/run_summary.pdf"), &long)?;
    }
    Ok(())
}
