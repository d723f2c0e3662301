//! Several consecutive years of the same enterprises.

use std::collections::{HashMap, HashSet};

use mujun_demo::{DemoOptions, DemoRow, generate, generate_years};
use mujun_domain::{CreditCode, Field, Scale, Year};

fn years(list: &[u16]) -> Vec<Year> {
    list.iter().map(|&y| Year::new(y).expect("valid year")).collect()
}

fn by_code(rows: &[DemoRow]) -> HashMap<CreditCode, &DemoRow> {
    rows.iter().map(|r| (r.credit_code, r)).collect()
}

fn fig(row: &DemoRow, field: Field) -> f64 {
    row.figures[field.index()].expect("present")
}

#[test]
fn first_year_is_the_single_year_data_set() {
    let out = generate_years(1000, 9, &years(&[2022, 2023, 2024]));
    let single = generate(&DemoOptions {
        enterprises: 1000,
        seed: 9,
        year: Year::new(2022).expect("year"),
    });
    assert_eq!(out[0].1, single);
}

#[test]
fn years_come_back_sorted_and_deduplicated() {
    let out = generate_years(100, 1, &years(&[2024, 2022, 2023, 2022]));
    let got: Vec<u16> = out.iter().map(|(y, _)| y.value()).collect();
    assert_eq!(got, vec![2022, 2023, 2024]);
}

#[test]
fn firms_keep_their_identity_across_years() {
    let out = generate_years(3000, 5, &years(&[2022, 2023, 2024]));
    let maps: Vec<_> = out.iter().map(|(_, rows)| by_code(rows)).collect();
    let in_all: Vec<&CreditCode> = maps[0]
        .keys()
        .filter(|c| maps.iter().all(|m| m.contains_key(c)))
        .collect();
    // Most firms stay (about 1.5 % leave each year).
    assert!(in_all.len() as f64 > 0.95 * 3000.0, "{}", in_all.len());
    for code in in_all {
        let first = maps[0][code];
        for m in &maps[1..] {
            let r = m[code];
            assert_eq!(r.name, first.name);
            assert_eq!(r.region, first.region);
            assert_eq!(r.cluster, first.cluster);
            assert_eq!(r.industry, first.industry);
            assert_eq!(r.production_start, first.production_start);
        }
    }
}

#[test]
fn every_year_is_valid_and_new_firms_appear() {
    let out = generate_years(2000, 6, &years(&[2022, 2023, 2024]));
    let mut all_codes = HashSet::new();
    let mut all_names: HashMap<CreditCode, String> = HashMap::new();
    for (k, (year, rows)) in out.iter().enumerate() {
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for r in rows {
            assert!(codes.insert(r.credit_code), "{year}: duplicate code");
            assert!(names.insert(r.name.as_str()), "{year}: duplicate name");
            assert_eq!(CreditCode::parse(r.credit_code.as_str()), Ok(r.credit_code));
            assert_eq!(
                r.scale == Scale::Above,
                fig(r, Field::MainRevenue) >= 2000.0,
                "{year}"
            );
            if let Some(old) = all_names.insert(r.credit_code, r.name.clone()) {
                assert_eq!(old, r.name, "a code names one firm only");
            }
            if let Some(d) = r.production_start {
                assert!(d.year() <= year.value());
            }
        }
        let new: Vec<&DemoRow> = rows
            .iter()
            .filter(|r| !all_codes.contains(&r.credit_code))
            .collect();
        if k > 0 {
            assert!(!new.is_empty(), "{year}: no new firm");
            assert!(new.len() < rows.len() / 10, "{year}: {} new firms", new.len());
            for r in &new {
                let d = r.production_start.expect("a new firm has a start date");
                assert!(d.year() + 1 >= year.value(), "{year}: new firm started {d}");
            }
        }
        all_codes.extend(codes);
        let above = rows.iter().filter(|r| r.scale == Scale::Above).count() as f64 / rows.len() as f64;
        assert!((0.62..=0.80).contains(&above), "{year}: 规上 share {above}");
        assert!(rows.iter().any(|r| !r.veto.is_empty()), "{year}: no veto");
        assert!(
            rows.iter()
                .any(|r| r.figures[Field::EnergyTce.index()] == Some(0.0)),
            "{year}: no zero energy"
        );
    }
}

#[test]
fn figures_evolve_plausibly() {
    let out = generate_years(5000, 7, &years(&[2023, 2024]));
    let (a, b) = (by_code(&out[0].1), by_code(&out[1].1));
    let mut growth = Vec::new();
    let (mut same_land, mut both) = (0, 0);
    for (code, r0) in &a {
        let Some(r1) = b.get(code) else { continue };
        both += 1;
        growth.push(fig(r1, Field::MainRevenue) / fig(r0, Field::MainRevenue));
        if fig(r1, Field::LandAreaMu) == fig(r0, Field::LandAreaMu) {
            same_land += 1;
        }
    }
    growth.sort_by(f64::total_cmp);
    let median = growth[growth.len() / 2];
    assert!((1.0..=1.12).contains(&median), "median growth {median}");
    let declining = growth.iter().filter(|g| **g < 1.0).count() as f64 / growth.len() as f64;
    assert!((0.2..=0.5).contains(&declining), "declining share {declining}");
    assert!(
        same_land as f64 > 0.9 * both as f64,
        "land kept by {same_land} of {both}"
    );
}

#[test]
fn tied_pairs_stay_tied() {
    let out = generate_years(2000, 8, &years(&[2022, 2023, 2024]));
    for (year, rows) in &out {
        let tied = rows
            .windows(2)
            .any(|w| w[0].cluster.is_some() && w[0].cluster == w[1].cluster && w[0].figures == w[1].figures);
        assert!(tied, "{year}: no tied pair");
    }
}

#[test]
fn gaps_between_years_are_allowed() {
    let out = generate_years(500, 2, &years(&[2019, 2024]));
    assert_eq!(out.len(), 2);
    assert!(!out[1].1.is_empty());
}

#[test]
fn same_seed_same_history() {
    let y = years(&[2022, 2023, 2024]);
    assert_eq!(generate_years(800, 3, &y), generate_years(800, 3, &y));
    assert_ne!(generate_years(800, 3, &y)[2].1, generate_years(800, 4, &y)[2].1);
}
