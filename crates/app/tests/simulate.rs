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
        assert!(same.class_lines.iter().all(|l| l.cells[0] == l.cells[1]));
        assert_eq!(same.changed_in(1), 0);
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
        let rows = mujun_store::runs::inputs(app.store().read_typed().await.unwrap().conn(), id)
            .await
            .unwrap();
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
        let mut got: Vec<(i64, &str, &str)> = moved
            .changes
            .iter()
            .map(|c| (c.enterprise_id, c.classes[0].as_str(), c.classes[1].as_str()))
            .collect();
        let mut want: Vec<(i64, &str, &str)> = expected
            .changes
            .iter()
            .map(|c| (rows[c.row].enterprise_id, c.from.as_str(), c.to.as_str()))
            .collect();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{db}");
        // Counts follow the changes: per class, after = before + arrivals − departures.
        for line in &moved.class_lines {
            let arrive = got.iter().filter(|c| c.2 == line.class).count() as i64;
            let leave = got.iter().filter(|c| c.1 == line.class).count() as i64;
            assert_eq!(
                line.cells[1].enterprises as i64,
                line.cells[0].enterprises as i64 + arrive - leave,
                "{db}: class {}",
                line.class
            );
        }
        // Totals per class are the sums of the snapshot's figures of the class's enterprises
        // under the draft, as the engine classes them.
        let draft_method = mujun_engine::Method::parse(&draft).unwrap();
        let eval = mujun_engine::evaluate(&draft_method, &input, &[]).unwrap();
        for line in &moved.class_lines {
            let (mut land, mut tax, mut n) = (0.0, 0.0, 0);
            for (r, o) in rows.iter().zip(&eval.outcomes) {
                let class = match o {
                    mujun_engine::Outcome::Scored(x) => eval.final_class(&draft_method, x),
                    mujun_engine::Outcome::Excluded(_) => "X",
                };
                if class == line.class {
                    n += 1;
                    land += r.land_area_mu.unwrap_or(0.0);
                    tax += r.tax_paid.unwrap_or(0.0);
                }
            }
            let cell = &line.cells[1];
            assert_eq!(cell.enterprises, n, "{db}: {}", line.class);
            assert!(
                (cell.land_area_mu - land).abs() < 1e-6,
                "{db}: land of {}",
                line.class
            );
            assert!((cell.tax_paid - tax).abs() < 1e-6, "{db}: tax of {}", line.class);
        }
        // Each active measure applies to the enterprises of its class under each method.
        assert!(!moved.policies.is_empty(), "{db}: the demo's measures are active");
        for p in &moved.policies {
            let class = p.class.split(' ').next().unwrap();
            assert_eq!(p.cells[0].0, moved.count(class, 0), "{db}: {}", p.title);
            assert_eq!(p.cells[1].0, moved.count(class, 1), "{db}: {}", p.title);
        }
        // The sensitivity counts the same move (10 points, no manual adjustments in this run).
        let sens = app.run_sensitivity(&city, id, None, 10.0).await.unwrap();
        let line = sens
            .lines
            .iter()
            .find(|l| l.group == "规上" && l.change == "从“亩均利润”移 10 分到“亩均税收”")
            .unwrap_or_else(|| panic!("{:?}", sens.lines));
        assert_eq!(line.changed, moved.changes.len(), "{db}");
        assert!(
            sens.lines.iter().any(|l| l.kind == "名额"),
            "{db}: quota shares are tried"
        );
        assert!(app.run_sensitivity(&city, id, None, 7.0).await.is_err());

        // Kept as a scenario, reopened, compared, exported, removed.
        let sid = app
            .save_scenario(&city, id, "税收权重提高10分", &draft)
            .await
            .unwrap();
        let e = app
            .save_scenario(&city, id, "税收权重提高10分", &own)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("已存在"), "{db}: {e}");
        assert!(app.save_scenario(&city, id, " ", &own).await.is_err());
        assert!(app.save_scenario(&city, id, "坏文件", "id = 1").await.is_err());
        let sid2 = app.save_scenario(&city, id, "现行方法副本", &own).await.unwrap();
        let (open, source, reopened) = app.open_scenario(&city, id, sid).await.unwrap();
        assert_eq!(
            (open.name.as_str(), source.as_str()),
            ("税收权重提高10分", draft.as_str())
        );
        assert_eq!(
            reopened.changes, moved.changes,
            "{db}: reopening gives the same answer"
        );
        let side = app.compare_scenarios(&city, id, &[sid, sid2]).await.unwrap();
        assert_eq!(side.columns.len(), 3);
        assert_eq!(side.changed_in(1), moved.changes.len());
        assert_eq!(
            side.changed_in(2),
            0,
            "{db}: the copy of the run's method changes nothing"
        );
        assert!(app.compare_scenarios(&city, id, &[]).await.is_err());
        assert!(
            app.compare_scenarios(&city, id, &[sid, sid2, 999_999])
                .await
                .is_err()
        );
        let book = app.export_scenarios(&city, id, &[sid, sid2]).await.unwrap();
        let bytes = book.into_bytes().unwrap();
        {
            use calamine::Reader;
            let mut wb = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
            assert_eq!(
                wb.sheet_names(),
                ["类别汇总", "各排名池", "政策影响", "类别变化的企业"]
            );
            let changes = wb.worksheet_range("类别变化的企业").unwrap();
            assert_eq!(
                changes.height(),
                moved.changes.len() + 1,
                "{db}: header and every change"
            );
        }
        assert_eq!(app.scenarios(&city, id).await.unwrap().len(), 2);
        app.remove_scenario(&city, id, sid2).await.unwrap();
        assert_eq!(app.scenarios(&city, id).await.unwrap().len(), 1);
        assert!(matches!(
            app.open_scenario(&city, id, sid2).await,
            Err(AppError::NotFound(_))
        ));
        // The removed name is free again.
        app.save_scenario(&city, id, "现行方法副本", &own).await.unwrap();
        for (action, n) in [
            ("run.simulate", 5),
            ("scenario.create", 3),
            ("scenario.remove", 1),
        ] {
            assert_eq!(common::audited(&app, action, "ok").await, n, "{db}: {action}");
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
        for user in ["leader", "tax", "yicheng", "qiye"] {
            let u = login(&app, user).await;
            assert!(
                matches!(app.scenarios(&u, id).await, Err(AppError::Forbidden(_))),
                "{user}"
            );
            assert!(
                matches!(app.open_scenario(&u, id, sid).await, Err(AppError::Forbidden(_))),
                "{user}"
            );
            assert!(
                matches!(
                    app.run_sensitivity(&u, id, None, 5.0).await,
                    Err(AppError::Forbidden(_))
                ),
                "{user}"
            );
            assert!(
                matches!(
                    app.export_scenarios(&u, id, &[sid]).await,
                    Err(AppError::Forbidden(_))
                ),
                "{user}"
            );
        }
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

#[tokio::test]
async fn the_demo_keeps_a_computed_run_with_a_scenario_to_open() {
    each(async |app, db| {
        let (run, _) = app.seed_demo_what_if().await.unwrap().unwrap();
        let city = login(&app, "city").await;
        let kept = app.scenarios(&city, run).await.unwrap();
        assert_eq!(kept.len(), 1, "{db}");
        assert_eq!(kept[0].name, mujun_app::evaluation::simulate::demo::DEMO_SCENARIO);
        let side = app.compare_scenarios(&city, run, &[kept[0].id]).await.unwrap();
        assert!(
            side.changed_in(1) > 0,
            "{db}: the demo's scenario moves some enterprise"
        );
    })
    .await;
}
