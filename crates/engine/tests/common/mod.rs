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
