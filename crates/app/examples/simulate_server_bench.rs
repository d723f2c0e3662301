//! The what-if as the server answers it (issue 15), on SQLite and on PostgreSQL: a stored run of
//! N enterprises, and `App::simulate_run` timed from the request to the answer — reading the
//! run's stored snapshot, its adjustments, the policy measures and the class history, two
//! evaluations, the totals and policy effects, and the audit entry.
//!
//!   cargo run --release -p mujun-app --example simulate_server_bench -- [N] [RUNS]
//!
//! The run is a real demo run (300 enterprises, Henan method) whose stored inputs are then
//! replicated to N rows (new credit codes, figures varied by up to ±48 %), so every row is a
//! plausible enterprise of the demo's counties and clusters. PostgreSQL is used when reachable
//! (`MUJUN_TEST_POSTGRES_URL`, default 127.0.0.1:5432), as in the tests.
#![allow(clippy::unwrap_used, clippy::expect_used)] // A benchmark: a failure should stop it loudly.

use std::time::{Duration, Instant};

use mujun_app::evaluation::runs::StartRun;
use mujun_app::{App, HashCost, Security};
use mujun_domain::CreditCode;
use mujun_store::runs::{self, NewRun, RunInput};
use mujun_store::testing;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let repeats: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        println!(
            "machine: {} cores; N = {n}, {repeats} simulations per backend",
            std::thread::available_parallelism().map_or(1, usize::from)
        );
        for t in testing::all().await {
            bench(&t.store, t.name, n, repeats).await;
            t.cleanup().await;
        }
    });
}

fn vary(v: Option<f64>, k: f64) -> Option<f64> {
    v.map(|x| (x * k * 100.0).round() / 100.0)
}

async fn bench(store: &mujun_store::Store, name: &str, n: usize, repeats: usize) {
    let app = App::new(
        store.clone(),
        Security {
            hash_cost: HashCost::TEST,
            require_totp: false,
            ..Security::default()
        },
    );
    app.seed_demo(300, 7).await.unwrap().unwrap();
    let city = app.cli_actor("city").await.unwrap();
    let started = app
        .start_run(
            &city,
            &StartRun {
                year: 2024,
                method: "preset:henan-2019".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    started.job.await.unwrap();
    let own = app.run_method_source(&city, started.id).await.unwrap();
    let mut c = store.read().await.unwrap();
    let template = runs::inputs(store.read_typed().await.unwrap().conn(), started.id)
        .await
        .unwrap();
    let base = runs::get(&mut c, started.id).await.unwrap().unwrap();
    drop(c);

    // A run of N enterprises: the demo run's rows replicated with fresh identities.
    let t = Instant::now();
    let mut tx = store.begin().await.unwrap();
    let id = runs::insert(
        &mut tx,
        &NewRun {
            year: 2024,
            title: "模拟基准",
            method_ref: &base.method_ref,
            method_id: &base.method_id,
            method_hash: &base.method_hash,
            method_source: &base.method_source,
            previous_run_id: None,
            user_id: Some(city.user_id),
        },
    )
    .await
    .unwrap();
    let rows: Vec<RunInput> = (0..n)
        .map(|i| {
            let r = &template[i % template.len()];
            let k = 0.52 + (i % 97) as f64 / 100.0;
            let code = CreditCode::with_check_char(&format!("91{}{:09}", &r.region_code, i))
                .expect("17 characters of the code's alphabet");
            RunInput {
                run_id: id,
                enterprise_id: 10_000_000 + i as i64,
                credit_code: code.as_str().to_owned(),
                name: format!("基准企业{i:06}"),
                tax_paid: vary(r.tax_paid, k),
                profit_total: vary(r.profit_total, 2.0 - k),
                rd_expense: vary(r.rd_expense, k),
                energy_tce: vary(r.energy_tce, 2.0 - k),
                ..r.clone()
            }
        })
        .collect();
    for chunk in rows.chunks(10_000) {
        runs::insert_inputs(&mut tx, store.backend(), chunk)
            .await
            .unwrap();
    }
    // Evaluated as far as the store knows (the simulation reads only the snapshot); the hash
    // names this snapshot, as a finished run's does.
    runs::finish(&mut tx, id, &format!("bench-{n}"), n as i64, "")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    println!(
        "{name}: stored a run of {n} enterprises in {:.0} ms",
        ms(t.elapsed())
    );

    let draft =
        own.replacen("weight = 35.0", "weight = 45.0", 1)
            .replacen("weight = 15.0", "weight = 5.0", 1);
    // The first simulation of a run reads its snapshot; the next ones on the same server use
    // the copy it keeps (a run's snapshot never changes).
    let t = Instant::now();
    app.simulate_run(&city, id, &draft).await.unwrap();
    println!(
        "{name}: first simulation of the run (reads the snapshot): {:.0} ms",
        ms(t.elapsed())
    );
    let mut times = Vec::with_capacity(repeats);
    let mut changed = 0;
    for _ in 0..repeats {
        let t = Instant::now();
        let sim = app.simulate_run(&city, id, &draft).await.unwrap();
        times.push(t.elapsed());
        changed = sim.changes.len();
    }
    times.sort();
    println!(
        "{name}: each further simulation (10 points 亩均利润 → 亩均税收): median {:.0} ms, min {:.0} ms, max {:.0} ms; {changed} enterprises change class",
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1]),
    );
    let t = Instant::now();
    let read = runs::inputs(store.read_typed().await.unwrap().conn(), id)
        .await
        .unwrap();
    println!(
        "{name}: reading the {} stored rows alone: {:.0} ms",
        read.len(),
        ms(t.elapsed())
    );
    let t = Instant::now();
    let s = app.run_sensitivity(&city, id, None, 5.0).await.unwrap();
    println!(
        "{name}: sensitivity (step 5, {} changes): {:.0} ms",
        s.lines.len(),
        ms(t.elapsed())
    );
}
