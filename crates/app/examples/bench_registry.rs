//! Registry import benchmark (issue 11): N enterprises of a city set up with `init_city`, from
//! a CSV file with the city's own headers, on SQLite or PostgreSQL — the first import (all new)
//! and a re-import where every tenth enterprise is renamed.
//!
//!     cargo run --release -p mujun-app --example bench_registry -- [sqlite|postgres] [N]
#![allow(clippy::unwrap_used, missing_docs)]

use std::time::Instant;

use mujun_app::registry::import::RegistryOutcome;
use mujun_app::{App, HashCost, Security};

fn code(n: usize) -> String {
    mujun_domain::CreditCode::with_check_char(&format!("91411300MA{n:07}"))
        .unwrap()
        .to_string()
}

fn file(n: usize, renamed_every: usize) -> Vec<u8> {
    let counties = [
        "宛城区",
        "卧龙区",
        "南召县",
        "方城县",
        "西峡县",
        "镇平县",
        "邓州市",
    ];
    let clusters = ["南阳高新区", "邓州产业集聚区", "镇平产业集聚区", ""];
    let mut s =
        String::from("单位名称,社会信用代码,所在县区,园区,国民经济行业代码,企业规模,投产时间,经营状态\n");
    for i in 0..n {
        let renamed = renamed_every > 0 && i % renamed_every == 0;
        s.push_str(&format!(
            "南阳{}{i}有限公司,{},{},{},C{},{},20{:02}-0{}-1{},正常\n",
            if renamed { "新" } else { "" },
            code(i),
            counties[i % counties.len()],
            clusters[i % clusters.len()],
            1300 + (i % 40) * 10 + 1,
            if i % 3 == 0 { "规上" } else { "规下" },
            i % 20,
            1 + i % 9,
            i % 10
        ));
    }
    s.into_bytes()
}

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
    let app = App::new(
        t.store.clone(),
        Security {
            hash_cost: HashCost::TEST,
            require_totp: false,
            ..Security::default()
        },
    );
    app.init_city("411300", "南阳市发展和改革委员会").await.unwrap();
    let city = mujun_app::testing::city_admin(&app, "nycity", "Wancheng-Road-2024")
        .await
        .unwrap();
    println!(
        "machine: {} cores; backend {backend}; {n} enterprises",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    for (label, bytes) in [
        ("first import", file(n, 0)),
        ("re-import, every 10th renamed", file(n, 10)),
    ] {
        let t0 = Instant::now();
        let o = app
            .import_registry(&city, "名录.csv", bytes, 2024, true, None)
            .await
            .unwrap();
        let RegistryOutcome::Imported(s) = o else {
            panic!("{o:?}")
        };
        println!(
            "{label}: {:.2} s (added {}, changed {}, unchanged {})",
            t0.elapsed().as_secs_f64(),
            s.added,
            s.changed,
            s.unchanged
        );
    }
    t.cleanup().await;
}
