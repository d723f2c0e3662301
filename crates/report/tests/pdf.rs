//! End-to-end: both documents come out as real PDFs with the CJK font embedded.
//!
//! On a machine without a Chinese font these tests fail with the installation hint, unless
//! `MUJUN_SKIP_PDF_TESTS=1` is set (then they print "SKIPPED …" and pass).

#![allow(clippy::unwrap_used)]

use mujun_report::{
    IndicatorLine, Notice, NoticeLine, RunSummary, ScoreCard, SummaryRow, cjk_font, notice_pdf,
    run_summary_pdf, score_card_pdf,
};

fn font_or_skip() -> Option<String> {
    match cjk_font() {
        Ok(family) => Some(family),
        Err(e) if std::env::var("MUJUN_SKIP_PDF_TESTS").as_deref() == Ok("1") => {
            eprintln!("SKIPPED PDF test (MUJUN_SKIP_PDF_TESTS=1): {e}");
            None
        }
        Err(e) => panic!(
            "{e}\n(set MUJUN_SKIP_PDF_TESTS=1 to skip the PDF tests on a machine without a Chinese font)"
        ),
    }
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack.windows(needle.len()).filter(|w| *w == needle).count()
}

/// Page objects: `/Type /Page` (with or without the space) but not `/Type /Pages`.
fn pages(pdf: &[u8]) -> usize {
    let mut n = 0;
    for pat in [&b"/Type/Page"[..], b"/Type /Page"] {
        n += pdf
            .windows(pat.len() + 1)
            .filter(|w| w.starts_with(pat) && !w[pat.len()].is_ascii_alphanumeric())
            .count();
    }
    n
}

/// The embedded fonts' PostScript names, from `/BaseFont /ABCDEF+Name`.
fn base_fonts(pdf: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(pdf);
    text.split("/BaseFont")
        .skip(1)
        .map(|rest| {
            rest.trim_start()
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '_'))
                .collect()
        })
        .collect()
}

/// The PostScript name of a family is its name without spaces (give or take case and a
/// "-Regular" suffix), e.g. "WenQuanYi Micro Hei" → "WenQuanYiMicroHei",
/// "Noto Sans CJK SC" → "NotoSansCJKsc-Regular".
fn assert_cjk_font_embedded(pdf: &[u8], family: &str) {
    let want = family.replace(' ', "").to_lowercase();
    let fonts = base_fonts(pdf);
    assert!(
        fonts.iter().any(|f| f.to_lowercase().contains(&want)),
        "CJK font {family:?} not embedded; embedded fonts: {fonts:?}"
    );
}

fn tricky_card() -> ScoreCard {
    let tricky = r#"#strong[注入] *粗* _斜_ $x^2$ [x] "引号" \反斜杠\ <label> @ref // 注释 = 标题"#;
    ScoreCard {
        title: "2024 年度亩均效益综合评价 · 企业评分卡".into(),
        enterprise_name: format!("驻马店市{tricky}机械有限公司"),
        credit_code: "91411700MA3X4B5C6D".into(),
        county: "驿城区".into(),
        cluster: String::new(),
        industry: "3412 金属工具制造".into(),
        scale: "规上".into(),
        run: "评价批次 #3 · 方法 henan-2019（河南省…）· 公示中".into(),
        group: "规上企业组".into(),
        pool: "驻马店装备产业集聚区（参与排名 152 家）".into(),
        final_class: "C".into(),
        computed_class: "B".into(),
        class_reason: "因存在环保处罚记录，由 B 类调整为 C 类。".into(),
        rank: "第 12 名 / 152".into(),
        base: "78.40".into(),
        bonus: "$3.00".into(),
        total: "81.40".into(),
        indicators: vec![
            IndicatorLine {
                label: "亩均税收".into(),
                unit: "万元/亩".into(),
                value: "12.35".into(),
                benchmark: "10.00".into(),
                ratio: "1.235".into(),
                weight: "30".into(),
                score: "36.00".into(),
                basis: "比值 ≥ 1.2，得满分 *1.2 倍*".into(),
            },
            IndicatorLine {
                label: "研发经费投入强度 [%]".into(),
                unit: "%".into(),
                value: "1.1".into(),
                benchmark: "2.0".into(),
                ratio: "0.55".into(),
                weight: "10".into(),
                score: "5.50".into(),
                basis: r#"按比值计分 "线性" \ 无封顶"#.into(),
            },
        ],
        explanation: vec![tricky.into(), "亩均税收高于全市基准值 23.5%。".into()],
        what_if: "若研发经费投入增加 120 万元，总分可达 85.0，升为 B 类。".into(),
        land_derivation: "自有土地 35.2 亩 + 租赁 4.8 亩 = 40.0 亩".into(),
        footer: "方法哈希 3f2a9c1e · 数据哈希 9b8e7d6c · 生成于 2026-11-26 10:00".into(),
        ..Default::default()
    }
}

fn long_summary() -> RunSummary {
    let row = |label: String| SummaryRow {
        label,
        counts: vec!["12".into(), "40".into(), "60".into(), "30".into(), "2".into()],
        enterprises: "144".into(),
        tax_per_mu: "15.62".into(),
    };
    RunSummary {
        title: "2024 年度亩均效益综合评价结果汇总".into(),
        run: "评价批次 #3 · 方法 henan-2019 · 公示中".into(),
        classes: ["A", "B", "C", "D", "X"].map(String::from).to_vec(),
        pools: (1..=150).map(|i| row(format!("排名池 #{i} [测试]"))).collect(),
        counties: (1..=10).map(|i| row(format!("县区 {i}"))).collect(),
        notes: vec!["方法：henan-2019".into(), "公示期 7 天".into()],
        footer: "生成于 2026-11-26 10:00".into(),
        ..Default::default()
    }
}

#[test]
fn score_card_with_tricky_text_is_a_pdf_in_the_cjk_font() {
    let Some(family) = font_or_skip() else { return };
    let pdf = score_card_pdf(&tricky_card()).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.len() > 10_000, "suspiciously small PDF: {} bytes", pdf.len());
    assert_eq!(pages(&pdf), 1);
    assert_eq!(count(&pdf, b"/Type/Pages") + count(&pdf, b"/Type /Pages"), 1);
    assert_cjk_font_embedded(&pdf, &family);
}

#[test]
fn run_summary_with_150_pools_spans_several_pages() {
    let Some(family) = font_or_skip() else { return };
    let pdf = run_summary_pdf(&long_summary()).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.len() > 10_000, "suspiciously small PDF: {} bytes", pdf.len());
    // ~45 rows a page: 150 pools + 10 counties need at least 3 pages.
    assert!(pages(&pdf) >= 3, "expected several pages, got {}", pages(&pdf));
    assert_cjk_font_embedded(&pdf, &family);
}

#[test]
fn a_notice_of_1500_enterprises_has_its_text_page_and_the_list_after() {
    let Some(family) = font_or_skip() else { return };
    let notice = Notice {
        title: "关于 2024 年度工业企业亩均效益综合评价结果的公示".into(),
        paragraphs: vec![
            "根据工作安排，现将评价结果予以公示。".into(),
            "公示期 7 天。".into(),
        ],
        issuer: "驻马店市发展和改革委员会".into(),
        issued: "2026年12月3日".into(),
        list_title: "附件：评价结果名单".into(),
        list: (1..=1500)
            .map(|i| NoticeLine {
                name: format!("驻马店市第{i}机械有限公司"),
                credit_code: "91411700MA3X4B5C6D".into(),
                county: "驿城区".into(),
                cluster: String::new(),
                class: "A 类 优先发展".into(),
            })
            .collect(),
        footer: "驻马店市发展和改革委员会".into(),
    };
    let pdf = notice_pdf(&notice).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    // One page of text, then ~45 names a page.
    assert!(
        pages(&pdf) >= 30,
        "expected the list on many pages, got {}",
        pages(&pdf)
    );
    assert_cjk_font_embedded(&pdf, &family);
}

#[test]
fn cjk_font_is_stable() {
    let Some(family) = font_or_skip() else { return };
    assert!(!family.is_empty());
    assert_eq!(cjk_font().unwrap(), family);
}

#[test]
fn a_document_with_tricky_text_is_one_page_in_the_cjk_font() {
    let Some(family) = font_or_skip() else { return };
    let doc = mujun_report::Document {
        title: "征缴土地闲置费决定书".into(),
        doc_no: "驻自然资闲征〔2026〕3号".into(),
        addressee: "驻马店#市*某$机械[有限]公司\"\\".into(),
        paragraphs: vec!["经调查，你单位……".into(), "特此决定。".into()],
        facts: vec![
            ("宗地编号".into(), "ZMD-2022-017".into()),
            ("土地闲置费".into(), "246,913.56 元".into()),
        ],
        issuer: "驻马店市自然资源和规划局".into(),
        issued: "2026年12月3日".into(),
        footer: "驻马店市自然资源和规划局".into(),
    };
    let pdf = mujun_report::document_pdf(&doc).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert_eq!(pages(&pdf), 1);
    assert_cjk_font_embedded(&pdf, &family);
}
