//! Early warning (issue 14) on SQLite and PostgreSQL: on the demo's classes and a published run
//! of 2024, each signal checked against the facts read independently — class histories, the
//! run's stored indicator values and pool benchmarks — and the scopes.
#![allow(clippy::unwrap_used)]

mod common;

use common::login;
use mujun_app::evaluation::RunState;
use mujun_app::evaluation::runs::StartRun;
use mujun_app::warnings::Kind;
use mujun_app::{App, AppError};

async fn each(f: impl AsyncFn(App, &'static str)) {
    common::each_demo(120, 4, f).await;
}

fn day(days: i64) -> String {
    let d = (mujun_store::now_ms() / 1000 + 8 * 3600).div_euclid(86_400) + days;
    mujun_domain::Date::from_days_since_epoch(d).unwrap().to_string()
}

#[tokio::test]
async fn warnings_follow_the_classes_and_the_published_run() {
    each(async |app, db| {
        let city = login(&app, "city").await;
        // Before any published run: classes only.
        let before = app.warnings(&city).await.unwrap();
        assert!(
            before
                .rows
                .iter()
                .all(|r| r.signals.iter().all(|s| s.0 == Kind::ClassFalling)),
            "{db}"
        );
        assert!(before.basis.iter().any(|b| b.contains("尚无已发布的评价批次")));
        // Every class warning is a real fall, read from the class history.
        for r in &before.rows {
            let h = app.class_history(&city, r.enterprise_id).await.unwrap();
            let rank = |c: &str| "ABCD".find(c).unwrap();
            assert!(h.len() >= 2);
            assert!(rank(&h[0].class) > rank(&h[1].class), "{}: {:?}", r.name, h);
            assert_eq!(r.class, h[0].class);
        }
        // And every enterprise that fell twice running is warned.
        let q = mujun_app::registry::enterprises::EnterpriseQuery {
            page: 1,
            per_page: 500,
            ..Default::default()
        };
        for e in app.list_enterprises(&city, &q).await.unwrap().rows {
            let h = app.class_history(&city, e.id).await.unwrap();
            if h.len() >= 3 && h.iter().take(3).all(|c| "ABCD".contains(c.class.as_str())) {
                let rank = |c: &str| "ABCD".find(c).unwrap();
                if h[0].year == h[1].year + 1
                    && h[1].year == h[2].year + 1
                    && rank(&h[0].class) > rank(&h[1].class)
                    && rank(&h[1].class) > rank(&h[2].class)
                {
                    assert!(before.rows.iter().any(|r| r.enterprise_id == e.id), "{}", e.name);
                }
            }
        }

        // A published run of 2024: indicators below half their pool's benchmark are flagged.
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
        assert_eq!(app.get_run(&city, id).await.unwrap().state, RunState::Draft);
        app.start_notice(&city, id, &day(0), &day(6)).await.unwrap();
        app.end_notice(&city, id, "测试").await.unwrap();
        app.approve_run(&city, id).await.unwrap();
        app.publish_run(&city, id, true).await.unwrap();
        let after = app.warnings(&city).await.unwrap();
        let low: Vec<_> = after
            .rows
            .iter()
            .filter(|r| r.signals.iter().any(|s| s.0 == Kind::BelowBenchmark))
            .collect();
        assert!(!low.is_empty(), "{db}");
        let card = app.score_card(&city, id, low[0].enterprise_id).await.unwrap();
        assert!(
            card.detail
                .indicators
                .iter()
                .any(|d| matches!((d.value, d.benchmark), (Some(v), Some(b)) if v < 0.5 * b)),
            "{}",
            low[0].name
        );
        // The county sees its own only; an enterprise none.
        let county = app.warnings(&login(&app, "yicheng").await).await.unwrap();
        assert!(county.rows.iter().all(|r| r.county == "驿城区"));
        assert!(county.rows.len() <= after.rows.len());
        assert!(matches!(
            app.warnings(&login(&app, "qiye").await).await,
            Err(AppError::Forbidden(_))
        ));
        // The cockpit names them.
        let cockpit = app.cockpit(&city, 2024).await.unwrap();
        assert!(
            cockpit
                .todo
                .iter()
                .any(|t| t.href == "/warnings"
                    && t.text.contains(&format!("预警企业 {} 家", after.rows.len())))
        );
    })
    .await;
}
