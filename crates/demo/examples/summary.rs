//! Prints the distributions of a generated data set (to check that it looks real).
//!
//! `cargo run --release -p mujun-demo --example summary -- [enterprises] [seed] [year]`

use mujun_demo::{DemoOptions, DemoRow, generate};
use mujun_domain::{Field, Scale, Year};

fn quantiles(mut v: Vec<f64>) -> String {
    if v.is_empty() {
        return "-".into();
    }
    v.sort_by(f64::total_cmp);
    let q = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
    format!(
        "p5 {:>10.2}  p25 {:>10.2}  median {:>10.2}  p75 {:>10.2}  p95 {:>10.2}  max {:>12.2}",
        q(0.05),
        q(0.25),
        q(0.5),
        q(0.75),
        q(0.95),
        q(1.0)
    )
}

fn share(rows: &[DemoRow], pred: impl Fn(&DemoRow) -> bool) -> String {
    let n = rows.iter().filter(|r| pred(r)).count();
    format!("{n:>7} ({:.2} %)", 100.0 * n as f64 / rows.len().max(1) as f64)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let enterprises = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let seed = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(1);
    let year = Year::new(args.get(3).and_then(|a| a.parse().ok()).unwrap_or(2024)).expect("year 2000–2100");
    let rows = generate(&DemoOptions {
        enterprises,
        seed,
        year,
    });
    let y = year.value();
    let f = |r: &DemoRow, field: Field| r.figure(field);
    let ratio = |r: &DemoRow, a: Field, b: Field| match (f(r, a), f(r, b)) {
        (Some(x), Some(d)) if d > 0.0 => Some(x / d),
        _ => None,
    };
    let in_scope: Vec<&DemoRow> = rows.iter().filter(|r| r.industry.is_manufacturing()).collect();
    println!("{} rows, seed {seed}, year {year}", rows.len());
    println!(
        "规上                 {}",
        share(&rows, |r| r.scale == Scale::Above)
    );
    println!(
        "out of scope         {}",
        share(&rows, |r| !r.industry.is_manufacturing())
    );
    println!("outside clusters     {}", share(&rows, |r| r.cluster.is_none()));
    println!(
        "losses               {}",
        share(&rows, |r| f(r, Field::ProfitTotal).is_some_and(|p| p < 0.0))
    );
    println!(
        "no R&D               {}",
        share(&rows, |r| f(r, Field::RdExpense) == Some(0.0))
    );
    println!(
        "zero energy          {}",
        share(&rows, |r| f(r, Field::EnergyTce) == Some(0.0))
    );
    println!(
        "missing pollution    {}",
        share(&rows, |r| f(r, Field::PollutionEq).is_none())
    );
    println!(
        "zero pollution       {}",
        share(&rows, |r| f(r, Field::PollutionEq) == Some(0.0))
    );
    println!(
        "new firms            {}",
        share(&rows, |r| r.production_start.is_some_and(|d| d.year() + 1 >= y))
    );
    println!(
        "missing start        {}",
        share(&rows, |r| r.production_start.is_none())
    );
    println!(
        "tiny 规下 plots       {}",
        share(&rows, |r| r.scale == Scale::Below
            && f(r, Field::LandAreaMu).is_some_and(|l| l < 5.0))
    );
    println!("with bonus           {}", share(&rows, |r| !r.bonus.is_empty()));
    for id in mujun_demo::BONUS_ITEMS {
        println!("  {id:<22} {}", share(&rows, |r| r.bonus.contains(&id)));
    }
    println!("with veto            {}", share(&rows, |r| !r.veto.is_empty()));
    let ties = rows.windows(2).filter(|w| w[0].figures == w[1].figures).count();
    println!("tied pairs           {ties:>7}");
    println!();
    let q = |name: &str, rows: &[&DemoRow], g: &dyn Fn(&DemoRow) -> Option<f64>| {
        println!(
            "{name:<28} {}",
            quantiles(rows.iter().filter_map(|r| g(r)).collect())
        );
    };
    let above: Vec<&DemoRow> = in_scope
        .iter()
        .copied()
        .filter(|r| r.scale == Scale::Above)
        .collect();
    let below: Vec<&DemoRow> = in_scope
        .iter()
        .copied()
        .filter(|r| r.scale == Scale::Below)
        .collect();
    q("亩均税收 in scope", &in_scope, &|r| {
        ratio(r, Field::TaxPaid, Field::LandAreaMu)
    });
    q("亩均税收 规上", &above, &|r| {
        ratio(r, Field::TaxPaid, Field::LandAreaMu)
    });
    q("亩均税收 规下", &below, &|r| {
        ratio(r, Field::TaxPaid, Field::LandAreaMu)
    });
    q("亩均营收 规上", &above, &|r| {
        ratio(r, Field::MainRevenue, Field::LandAreaMu)
    });
    q("land 规上 (亩)", &above, &|r| f(r, Field::LandAreaMu));
    q("land 规下 (亩)", &below, &|r| f(r, Field::LandAreaMu));
    q("revenue 规上 (万元)", &above, &|r| f(r, Field::MainRevenue));
    q("revenue 规下 (万元)", &below, &|r| f(r, Field::MainRevenue));
    q("tax 规上 (万元)", &above, &|r| f(r, Field::TaxPaid));
    q("tax / revenue", &in_scope, &|r| {
        ratio(r, Field::TaxPaid, Field::MainRevenue)
    });
    q("profit / revenue", &in_scope, &|r| {
        ratio(r, Field::ProfitTotal, Field::MainRevenue)
    });
    q("output / revenue", &in_scope, &|r| {
        ratio(r, Field::GrossOutput, Field::MainRevenue)
    });
    q("value added / output", &in_scope, &|r| {
        ratio(r, Field::ValueAdded, Field::GrossOutput)
    });
    q("R&D / revenue (R&D > 0)", &in_scope, &|r| {
        ratio(r, Field::RdExpense, Field::MainRevenue).filter(|x| *x > 0.0)
    });
    q("energy tce 规上", &above, &|r| f(r, Field::EnergyTce));
    q("output / energy (万元/tce)", &in_scope, &|r| {
        ratio(r, Field::GrossOutput, Field::EnergyTce)
    });
    q("electricity 万kWh 规上", &above, &|r| {
        f(r, Field::ElectricityKwh)
    });
    q("pollution 当量 规上", &above, &|r| f(r, Field::PollutionEq));
    q("employees 规上", &above, &|r| f(r, Field::Employees));
    q("employees 规下", &below, &|r| f(r, Field::Employees));
    q("VA per employee (万元)", &in_scope, &|r| {
        ratio(r, Field::ValueAdded, Field::Employees)
    });
    q("water m³ 规上", &above, &|r| f(r, Field::WaterM3));
    println!();
    for r in rows.iter().take(12) {
        println!(
            "{} {} {} {} {} {:?}",
            r.credit_code,
            r.name,
            r.cluster.as_deref().unwrap_or("（集聚区外）"),
            r.industry,
            r.scale.label(),
            r.production_start.map(|d| d.to_string())
        );
    }
}
