//! Evaluation-run benchmark: from stored data to stored results, on SQLite or PostgreSQL.
//!
//!     cargo run --release -p mujun-app --example bench_run -- [sqlite|postgres] [N]
//!
//! Seeds a fresh database with the demo generator (N enterprises, three years of figures),
//! then times the use case `start_run` for the last year until its background job has stored
//! every result: the data quality check, the snapshot of the inputs, the engine, and the
//! results, explanations and pools written in one transaction. The quality check alone is timed
//! too. PostgreSQL uses MUJUN_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres)
//! to create a scratch database.
#![allow(clippy::unwrap_used, missing_docs)]

use std::time::Instant;

use mujun_app::evaluation::runs::StartRun;
use mujun_app::{App, HashCost, Security};

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
    let t0 = Instant::now();
    app.seed_demo(n, 1).await.unwrap().unwrap();
    println!(
        "seeded {n} enterprises × 3 years in {:.1} s",
        t0.elapsed().as_secs_f64()
    );
    let city = app
        .login("city", mujun_app::demo::DEMO_PASSWORD, "127.0.0.1", None)
        .await
        .unwrap()
        .actor;

    let t1 = Instant::now();
    let report = app.quality_report(&city, 2024).await.unwrap();
    println!(
        "quality report alone: {:.2} s ({} findings, {} blocking)",
        t1.elapsed().as_secs_f64(),
        report.findings.len(),
        report.blocking()
    );

    // The second round is a re-run of the first (one run per year may be in progress).
    let mut previous = None;
    for round in 1..=2 {
        let t2 = Instant::now();
        let started = app
            .start_run(
                &city,
                &StartRun {
                    year: 2024,
                    method: "preset:henan-2019".into(),
                    previous_run_id: previous,
                    ..StartRun::default()
                },
            )
            .await
            .unwrap();
        started.job.await.unwrap();
        previous = Some(started.id);
        let took = t2.elapsed().as_secs_f64();
        let run = app.get_run(&city, started.id).await.unwrap();
        let finish = {
            let mut c = app.store().read().await.unwrap();
            mujun_store::audit::search(
                &mut c,
                &mujun_store::audit::Filter {
                    action: Some("run.finish".into()),
                    object_id: Some(started.id.to_string()),
                    ..Default::default()
                },
                1,
                0,
            )
            .await
            .unwrap()
            .0
        };
        let timings = finish.first().map_or(String::new(), |e| {
            serde_json::from_str::<serde_json::Value>(&e.detail)
                .map_or(String::new(), |d| d["timings_ms"].to_string())
        });
        println!("  phases (ms, after the quality check): {timings}");
        println!(
            "{backend} run {round}: {} enterprises, state {}, {:.2} s from start to stored results ({})",
            run.run.enterprises,
            run.state.label(),
            took,
            run.run.message
        );
    }
    t.cleanup().await;
}
