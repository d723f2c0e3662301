//! Properties of one generated year: identities, distributions, consistency, edge cases.

use std::collections::HashSet;

use mujun_demo::{BONUS_ITEMS, DemoOptions, DemoRow, VETO_ITEMS, generate, generate_iter};
use mujun_domain::{CreditCode, Date, Field, Scale, Year, ZHUMADIAN_CLUSTERS, ZHUMADIAN_REGIONS};
use proptest::prelude::*;

fn rows(enterprises: usize, seed: u64, year: u16) -> Vec<DemoRow> {
    generate(&DemoOptions {
        enterprises,
        seed,
        year: Year::new(year).expect("valid year"),
    })
}

fn fig(row: &DemoRow, field: Field) -> Option<f64> {
    row.figures[field.index()]
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[test]
fn credit_codes_are_valid_unique_zhumadian_enterprise_codes() {
    let rows = rows(20_000, 11, 2024);
    let mut seen = HashSet::new();
    for r in &rows {
        let text = r.credit_code.as_str();
        assert_eq!(CreditCode::parse(text), Ok(r.credit_code), "{text}");
        assert!(text.starts_with("914117"), "{text}");
        assert!(seen.insert(r.credit_code), "duplicate {text}");
    }
}

#[test]
fn names_are_unique_and_look_like_chinese_company_names() {
    let rows = rows(20_000, 12, 2024);
    let mut seen = HashSet::new();
    for r in &rows {
        assert!(r.name.ends_with("有限公司"), "{}", r.name);
        assert!(r.name.chars().count() >= 8 && !r.name.is_ascii(), "{}", r.name);
        assert!(seen.insert(r.name.as_str()), "duplicate {}", r.name);
    }
    let joint_stock = rows.iter().filter(|r| r.name.ends_with("股份有限公司")).count();
    assert!((200..=3000).contains(&joint_stock), "{joint_stock}");
}

#[test]
fn about_seventy_percent_are_above_scale() {
    for seed in [1, 2, 3] {
        let rows = rows(10_000, seed, 2024);
        let above = rows.iter().filter(|r| r.scale == Scale::Above).count() as f64 / rows.len() as f64;
        assert!((0.65..=0.75).contains(&above), "seed {seed}: {above}");
    }
}

#[test]
fn scale_agrees_with_main_revenue() {
    let rows = rows(10_000, 4, 2024);
    for r in &rows {
        let revenue = fig(r, Field::MainRevenue).expect("revenue always present");
        match r.scale {
            Scale::Above => assert!(revenue >= 2000.0, "{} {revenue}", r.name),
            Scale::Below => assert!(revenue < 2000.0 && revenue > 0.0, "{} {revenue}", r.name),
        }
    }
}

#[test]
fn median_tax_per_mu_of_in_scope_firms_is_8_to_12() {
    for seed in [1, 5, 9] {
        let rows = rows(10_000, seed, 2024);
        let per_mu: Vec<f64> = rows
            .iter()
            .filter(|r| r.industry.is_manufacturing())
            .map(|r| fig(r, Field::TaxPaid).expect("tax") / fig(r, Field::LandAreaMu).expect("land"))
            .collect();
        let m = median(per_mu);
        assert!((8.0..=12.0).contains(&m), "seed {seed}: median 亩均税收 {m}");
    }
}

#[test]
fn figures_are_consistent_with_each_other() {
    let rows = rows(10_000, 6, 2024);
    for r in &rows {
        let get = |f| fig(r, f).expect("present");
        let (land, tax, profit, revenue) = (
            get(Field::LandAreaMu),
            get(Field::TaxPaid),
            get(Field::ProfitTotal),
            get(Field::MainRevenue),
        );
        let (rd, output, va, employees) = (
            get(Field::RdExpense),
            get(Field::GrossOutput),
            get(Field::ValueAdded),
            get(Field::Employees),
        );
        assert!(land > 0.0, "{}", r.name);
        assert!(
            tax >= 0.0 && tax <= revenue * 0.26,
            "{} tax {tax} revenue {revenue}",
            r.name
        );
        assert!(profit.abs() <= revenue * 0.36, "{} profit {profit}", r.name);
        assert!(rd >= 0.0 && rd <= revenue * 0.05 + 0.01, "{} rd {rd}", r.name);
        assert!(
            (0.84..=1.21).contains(&(output / revenue)),
            "{} output {output}",
            r.name
        );
        assert!(va > 0.0 && va < output, "{} va {va}", r.name);
        assert!(
            employees >= 2.0 && employees.fract() == 0.0,
            "{} employees {employees}",
            r.name
        );
        assert!(get(Field::EnergyTce) >= 0.0);
        assert!(get(Field::ElectricityKwh) > 0.0);
        assert!(get(Field::WaterM3) >= 30.0);
        if let Some(p) = fig(r, Field::PollutionEq) {
            assert!(p >= 0.0);
        }
    }
}

#[test]
fn places_are_the_real_clusters_and_counties() {
    let rows = rows(10_000, 7, 2024);
    let counties: HashSet<u32> = ZHUMADIAN_REGIONS.iter().skip(1).map(|(c, _)| *c).collect();
    let mut clusters_seen = HashSet::new();
    for r in &rows {
        assert!(counties.contains(&r.region.value()), "{:?}", r.region);
        if let Some(c) = &r.cluster {
            let (_, county) = ZHUMADIAN_CLUSTERS
                .iter()
                .find(|(name, _)| name == c)
                .expect("a real cluster");
            assert_eq!(*county, r.region.value(), "{c}");
            clusters_seen.insert(c.clone());
        }
    }
    assert_eq!(clusters_seen.len(), ZHUMADIAN_CLUSTERS.len());
    let outside = rows.iter().filter(|r| r.cluster.is_none()).count() as f64 / rows.len() as f64;
    assert!((0.02..=0.07).contains(&outside), "{outside}");
}

#[test]
fn industries_are_mostly_manufacturing_with_some_out_of_scope() {
    let rows = rows(10_000, 8, 2024);
    let out = rows.iter().filter(|r| !r.industry.is_manufacturing()).count() as f64 / rows.len() as f64;
    assert!((0.05..=0.08).contains(&out), "{out}");
    let divisions: HashSet<u8> = rows.iter().map(|r| r.industry.division()).collect();
    for d in [13, 14, 17, 18, 26, 30, 33, 34, 35, 38, 39] {
        assert!(divisions.contains(&d), "division {d} missing");
    }
    // 确山 makes violins.
    assert!(
        rows.iter()
            .any(|r| r.industry.value() == 2422 && r.cluster.as_deref() == Some("确山县产业集聚区"))
    );
}

#[test]
fn production_starts_lie_between_1995_and_the_year() {
    let rows = rows(10_000, 9, 2021);
    let first = Date::new(1995, 1, 1).expect("date");
    let last = Date::new(2021, 12, 31).expect("date");
    for r in &rows {
        if let Some(d) = r.production_start {
            assert!(first <= d && d <= last, "{d}");
        }
    }
}

#[test]
fn bonus_and_veto_items_have_plausible_shares() {
    let rows = rows(10_000, 10, 2024);
    let share =
        |p: &dyn Fn(&DemoRow) -> bool| rows.iter().filter(|r| p(r)).count() as f64 / rows.len() as f64;
    let bonus = share(&|r| !r.bonus.is_empty());
    let veto = share(&|r| !r.veto.is_empty());
    assert!((0.10..=0.20).contains(&bonus), "bonus {bonus}");
    assert!((0.005..=0.02).contains(&veto), "veto {veto}");
    for r in &rows {
        assert!(r.bonus.iter().all(|b| BONUS_ITEMS.contains(b)));
        assert!(r.veto.iter().all(|v| VETO_ITEMS.contains(v)));
        if r.bonus.contains(&"high_tech") {
            let rd = fig(r, Field::RdExpense).expect("rd") / fig(r, Field::MainRevenue).expect("revenue");
            assert!(rd >= 0.0299, "high-tech firm with R&D intensity {rd}");
        }
    }
    for id in BONUS_ITEMS.iter().chain(VETO_ITEMS.iter()) {
        assert!(
            rows.iter().any(|r| r.bonus.contains(id) || r.veto.contains(id)),
            "{id} never used"
        );
    }
}

/// Every edge case, checked on a data set.
fn assert_edge_cases(rows: &[DemoRow], year: u16, label: &str) {
    let any = |what: &str, p: &dyn Fn(&DemoRow) -> bool| {
        assert!(rows.iter().any(p), "{label}: no {what}");
    };
    any("zero energy", &|r| fig(r, Field::EnergyTce) == Some(0.0));
    any("missing pollution", &|r| fig(r, Field::PollutionEq).is_none());
    any("zero pollution", &|r| fig(r, Field::PollutionEq) == Some(0.0));
    any("loss", &|r| fig(r, Field::ProfitTotal).is_some_and(|p| p < 0.0));
    any("no R&D", &|r| fig(r, Field::RdExpense) == Some(0.0));
    any("new firm", &|r| {
        r.production_start.is_some_and(|d| d.year() + 1 >= year)
    });
    any("tiny 规下 plot", &|r| {
        r.scale == Scale::Below
            && r.industry.is_manufacturing()
            && fig(r, Field::LandAreaMu).is_some_and(|l| l < 5.0)
    });
    any("firm outside every cluster", &|r| r.cluster.is_none());
    any("missing production start", &|r| r.production_start.is_none());
    any("veto", &|r| !r.veto.is_empty());
    any("bonus", &|r| !r.bonus.is_empty());
    let tie = rows.iter().enumerate().any(|(i, a)| {
        rows[i + 1..].iter().any(|b| {
            a.cluster.is_some()
                && a.cluster == b.cluster
                && a.scale == b.scale
                && a.figures == b.figures
                && a.bonus == b.bonus
                && a.credit_code != b.credit_code
        })
    });
    assert!(tie, "{label}: no exact tie");
}

#[test]
fn every_edge_case_appears_in_2000_rows() {
    for seed in 0..8 {
        assert_edge_cases(&rows(2000, seed, 2024), 2024, &format!("seed {seed}"));
    }
}

#[test]
fn every_edge_case_appears_even_in_small_demos() {
    for seed in 0..30 {
        assert_edge_cases(&rows(40, seed, 2023), 2023, &format!("40 rows, seed {seed}"));
    }
}

#[test]
fn iterator_and_vector_agree() {
    let opts = DemoOptions {
        enterprises: 3000,
        seed: 77,
        year: Year::new(2024).expect("year"),
    };
    assert_eq!(generate_iter(&opts).collect::<Vec<_>>(), generate(&opts));
}

#[test]
fn same_seed_same_rows_different_seed_different_rows() {
    assert_eq!(rows(1000, 5, 2024), rows(1000, 5, 2024));
    assert_ne!(rows(1000, 5, 2024), rows(1000, 6, 2024));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn any_size_and_seed_gives_valid_consistent_rows(n in 0usize..300, seed in any::<u64>(), y in 2000u16..=2100) {
        let rows = rows(n, seed, y);
        prop_assert_eq!(rows.len(), n);
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for r in &rows {
            prop_assert!(codes.insert(r.credit_code));
            prop_assert!(names.insert(r.name.clone()));
            let revenue = fig(r, Field::MainRevenue).expect("revenue");
            prop_assert_eq!(r.scale == Scale::Above, revenue >= 2000.0);
            if let Some(d) = r.production_start {
                prop_assert!(d.year() >= 1995 && d.year() <= y);
            }
        }
    }
}
