//! Import benchmark: N enterprises × the statistics bureau's 8 items, from xlsx and from CSV,
//! on SQLite or PostgreSQL.
//!
//!     cargo run --release -p mujun-app --example bench_import -- [sqlite|postgres] [N]
//!
//! Builds a fresh database with N registered enterprises, writes the department's template
//! pre-filled with values (as a department would return it), then times the whole use case
//! `import_upload`: reading and checking every cell, then storing every value with its
//! provenance in one transaction. PostgreSQL uses MUJUN_TEST_POSTGRES_URL (default
//! postgres://postgres@127.0.0.1:5432/postgres) to create a scratch database.
#![allow(clippy::unwrap_used, missing_docs)]

use std::time::Instant;

use mujun_app::collection::imports::Confirm;
use mujun_app::collection::imports::ImportOutcome;
use mujun_app::{App, HashCost, Security};
use mujun_collect::ValueKind;
use mujun_collect::template::{Prefill, TemplateRow, TemplateSpec, write_template};
use mujun_domain::CreditCode;
use mujun_store::{Store, enterprises};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let backend = args.get(1).map_or("sqlite", String::as_str).to_owned();
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let t = match backend.as_str() {
        "postgres" => mujun_store::testing::postgres()
            .await
            .expect("a PostgreSQL server"),
        _ => mujun_store::testing::sqlite().await,
    };
    let store: Store = t.store.clone();
    let app = App::new(
        store.clone(),
        Security {
            hash_cost: HashCost::TEST,
            require_totp: false,
            ..Security::default()
        },
    );
    app.ensure_reference_data().await.unwrap();
    let admin = app
        .create_admin(
            "bench_admin",
            "基准测试",
            "Bench-Admin-2024",
            mujun_app::Role::SysAdmin,
        )
        .await
        .unwrap();
    let _ = admin;
    // A city administrator imports on the statistics bureau's behalf.
    let sys = app.cli_actor("bench_admin").await.unwrap();
    let form = mujun_app::accounts::AccountForm {
        username: "bench_city".into(),
        display_name: "基准".into(),
        role: "city_admin".into(),
        active: true,
        ..Default::default()
    };
    // A privileged account: asked for, approved by a security administrator, activated with
    // both halves of its code (三员分立).
    app.create_admin(
        "bench_sec",
        "基准测试",
        "Bench-Sec-2024x",
        mujun_app::Role::SecurityAdmin,
    )
    .await
    .unwrap();
    let sec = app.cli_actor("bench_sec").await.unwrap();
    let (_, half_a) = app.request_privileged_account(&sys, &form).await.unwrap();
    let request = app.account_requests(&sec).await.unwrap()[0].id;
    let half_b = app
        .decide_account_request(&sec, request, true, "")
        .await
        .unwrap()
        .unwrap();
    app.activate_account(
        "bench_city",
        &format!("{half_a}{half_b}"),
        "Bench-City-2024x",
        "bench",
    )
    .await
    .unwrap();
    let city = app.cli_actor("bench_city").await.unwrap();

    let t0 = Instant::now();
    let mut codes = Vec::with_capacity(n);
    let mut tx = store.begin().await.unwrap();
    for i in 0..n {
        let code = CreditCode::with_check_char(&format!("91411700{i:09}"))
            .unwrap()
            .to_string();
        enterprises::insert(
            &mut tx,
            &enterprises::EnterpriseFields {
                credit_code: code.clone(),
                name: format!("基准企业{i}"),
                region_code: "411702".into(),
                cluster_id: None,
                industry_code: "3412".into(),
                production_start: None,
                status: "operating".into(),
                contact_name: String::new(),
                contact_phone: String::new(),
                address: String::new(),
                checksum_override: false,
            },
        )
        .await
        .unwrap();
        codes.push(code);
    }
    tx.commit().await.unwrap();
    println!(
        "registry of {n} enterprises: {:.1}s (setup, not timed below)",
        t0.elapsed().as_secs_f64()
    );

    let items: Vec<_> = app
        .catalogue()
        .await
        .unwrap()
        .into_iter()
        .filter(|i| i.department_code == "statistics")
        .collect();
    assert_eq!(items.len(), 8, "scale + seven figures");
    let rows: Vec<TemplateRow> = codes
        .iter()
        .enumerate()
        .map(|(i, code)| TemplateRow {
            credit_code: code.clone(),
            name: format!("基准企业{i}"),
            county: "驿城区".into(),
            cluster: String::new(),
            above: Some(true),
            values: items
                .iter()
                .enumerate()
                .map(|(j, item)| match item.kind {
                    ValueKind::Scale => Some(Prefill::Scale(i % 3 != 0)),
                    _ => Some(Prefill::Number(((i * 7 + j * 13) % 5000) as f64 + 0.5)),
                })
                .collect(),
        })
        .collect();
    let xlsx = write_template(&TemplateSpec {
        department_code: "statistics",
        department_name: "统计局",
        year: 2024,
        items: &items,
        rows: &rows,
    })
    .unwrap();
    let mut csv = String::from("统一社会信用代码");
    for item in &items {
        csv.push(',');
        csv.push_str(&item.header());
    }
    csv.push('\n');
    for (i, code) in codes.iter().enumerate() {
        csv.push_str(code);
        for (j, item) in items.iter().enumerate() {
            csv.push(',');
            match item.kind {
                ValueKind::Scale => csv.push_str(if i % 3 != 0 { "规上" } else { "规下" }),
                _ => csv.push_str(&(((i * 7 + j * 13 + 1) % 5000) as f64 + 0.5).to_string()),
            }
        }
        csv.push('\n');
    }
    println!(
        "xlsx {:.1} MB, csv {:.1} MB",
        xlsx.len() as f64 / 1e6,
        csv.len() as f64 / 1e6
    );

    for (label, name, bytes) in [
        ("xlsx", "统计局.xlsx", xlsx),
        ("csv", "统计局.csv", csv.into_bytes()),
    ] {
        // Reading and checking alone (no database), for the split of the time.
        let (mine, others): (Vec<_>, Vec<_>) = app
            .catalogue()
            .await
            .unwrap()
            .into_iter()
            .partition(|i| i.department_code == "statistics");
        let known: std::collections::HashMap<String, i64> = codes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.clone(), i as i64 + 1))
            .collect();
        let lookup = |c: &CreditCode| {
            known
                .get(c.as_str())
                .map(|&id| mujun_collect::upload::KnownEnterprise {
                    id,
                    above: Some(true),
                    manufacturing: true,
                })
        };
        let previous = |_: i64, _: &str| None;
        let ctx = mujun_collect::upload::UploadContext {
            department_code: "statistics",
            year: 2024,
            items: &mine,
            other_items: &others,
            lookup: &lookup,
            previous: &previous,
        };
        let t = Instant::now();
        let checked = mujun_collect::upload::check_upload(name, &bytes, &ctx, Default::default()).unwrap();
        println!(
            "{label}: read + check {} values in {:.2}s",
            checked.value_count(),
            t.elapsed().as_secs_f64()
        );
        let t = Instant::now();
        let outcome = app
            .import_upload(&city, "statistics", 2024, name, &bytes, Confirm::WARNINGS)
            .await
            .unwrap();
        let secs = t.elapsed().as_secs_f64();
        match outcome {
            ImportOutcome::Imported { rows, values, .. } => {
                println!("{backend} import {label}: {rows} rows, {values} values in {secs:.2}s");
            }
            other => panic!("{other:?}"),
        }
    }
    t.cleanup().await;
}
