//! Simulating a method change on a run's snapshot (issue 15) on SQLite and PostgreSQL: the run's
//! own method changes nothing; moving weight changes exactly what the engine's comparison on
//! the same snapshot says; nobody but the city simulates; nothing of the run changes.
#![allow(clippy::unwrap_used)]

mod common;

use common::login;
use mujun_app::evaluation::RunState;
use mujun_app::evaluation::runs::StartRun;
use mujun_app::{App, AppError};

async fn each(f: impl AsyncFn(App, &'static str)) {
    common::each_demo(150, 6, f).await;
}

#[tokio::test]
async fn a_simulation_compares_the_draft_with_the_runs_own_method() {
    each(async |app, db| {
        let city = login(&app, "city").await;
        let started = app
            .start_run(
                &city,
                &StartRun {
                    year: 2024,
                    method: "preset:henan-2019".into(),
                    title: String::new(),
                    previous_run_id: None,
                },
            )
            .await
            .unwrap();
        started.job.await.unwrap();
        let id = started.id;
        let before = app.get_run(&city, id).await.unwrap();
        assert_eq!(before.state, RunState::Draft, "{db}");
        let own = app.run_method_source(&city, id).await.unwrap();
        let same = app.simulate_run(&city, id, &own).await.unwrap();
        assert!(
            same.changes.is_empty(),
            "{db}: the run's own method changes nothing"
        );
        assert!(same.counts.iter().all(|(_, b, a)| b == a));
        assert_eq!(same.enterprises as i64, before.run.enterprises);
        // Ten points from 亩均利润 to 亩均税收 in the 规上 group (35/15 → 45/5).
        let draft = own
            .replacen(
                "{ id = \"tax_per_mu\",        weight = 35.0 }",
                "{ id = \"tax_per_mu\",        weight = 45.0 }",
                1,
            )
            .replacen(
                "{ id = \"profit_per_mu\",     weight = 15.0 }",
                "{ id = \"profit_per_mu\",     weight = 5.0 }",
                1,
            );
        assert_ne!(draft, own, "the preset's lines are as written in the spec");
        let moved = app.simulate_run(&city, id, &draft).await.unwrap();
        // The same comparison straight from the engine on the run's stored snapshot.
        let mut c = app.store().read().await.unwrap();
        let rows = mujun_store::runs::inputs(&mut c, id).await.unwrap();
        drop(c);
        let input = mujun_app::evaluation::snapshot::to_engine(2024, &rows).unwrap();
        let expected = mujun_engine::simulate::compare(
            &mujun_engine::Method::parse(&own).unwrap(),
            &mujun_engine::Method::parse(&draft).unwrap(),
            &input,
            &[],
        )
        .unwrap();
        assert_eq!(moved.changes.len(), expected.changes.len(), "{db}");
        assert!(
            !moved.changes.is_empty(),
            "moving ten points moves some enterprise"
        );
        for (got, want) in moved.changes.iter().zip(&expected.changes) {
            assert_eq!(got.enterprise_id, rows[want.row].enterprise_id);
            assert_eq!(
                (got.from.as_str(), got.to.as_str()),
                (want.from.as_str(), want.to.as_str())
            );
        }
        // A wrong file is refused with where it is wrong; only the city simulates.
        let e = app.simulate_run(&city, id, "id = 1").await.unwrap_err();
        assert!(matches!(e, AppError::Invalid(_)), "{e}");
        assert!(e.to_string().contains("方法文件"), "{e}");
        let leader = login(&app, "leader").await;
        assert!(matches!(
            app.simulate_run(&leader, id, &own).await,
            Err(AppError::Forbidden(_))
        ));
        // Nothing of the run changed.
        let after = app.get_run(&city, id).await.unwrap();
        assert_eq!(after.state, before.state);
        assert_eq!(
            (
                &after.run.method_hash,
                &after.run.input_hash,
                &after.run.content_hash
            ),
            (
                &before.run.method_hash,
                &before.run.input_hash,
                &before.run.content_hash
            )
        );
    })
    .await;
}
