//! Evaluation runs on SQLite and PostgreSQL: the whole yearly cycle (collect → run → 公示 →
//! objection accepted → re-run → adjust → approve → publish → policy lists) with every illegal
//! step refused; stored results equal to `mujun evaluate` on the exported snapshot; scoped
//! reading of results, cards and objections.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use mujun_app::evaluation::RunState;
use mujun_app::evaluation::objections::{Decision, ObjectionForm};
use mujun_app::evaluation::runs::StartRun;
use mujun_app::{Actor, App, AppError, HashCost, Security};
use mujun_engine::Outcome;
use mujun_store::runs::{ResultFilter, ResultSort};
use mujun_store::{audit, figures, runs, testing};

async fn each(f: impl AsyncFn(App, &'static str)) {
    for t in testing::all().await {
        let app = App::new(
            t.store.clone(),
            Security {
                hash_cost: HashCost::TEST,
                require_totp: false,
                ..Security::default()
            },
        );
        app.seed_demo(120, 5).await.unwrap().unwrap();
        app.ensure_reference_data().await.unwrap();
        f(app, t.name).await;
        t.cleanup().await;
    }
}

async fn login(app: &App, user: &str) -> Actor {
    app.login(user, mujun_app::demo::DEMO_PASSWORD, "127.0.0.1", None)
        .await
        .unwrap()
        .actor
}

/// A date `days` from today in Beijing, `YYYY-MM-DD`.
fn day(days: i64) -> String {
    let ms = mujun_store::now_ms();
    let d = (ms / 1000 + 8 * 3600).div_euclid(86_400) + days;
    mujun_domain::Date::from_days_since_epoch(d).unwrap().to_string()
}

async fn run_2024(app: &App, city: &Actor, previous: Option<i64>) -> i64 {
    let started = app
        .start_run(
            city,
            &StartRun {
                year: 2024,
                method: "preset:henan-2019".into(),
                title: String::new(),
                previous_run_id: previous,
            },
        )
        .await
        .unwrap();
    started.job.await.unwrap();
    let run = app.get_run(city, started.id).await.unwrap();
    assert_eq!(run.state, RunState::Draft, "{}", run.run.message);
    started.id
}

fn refused(r: Result<(), AppError>) -> String {
    match r {
        Err(AppError::Invalid(e)) => e[0].message.clone(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn audit_actions(app: &App, prefix: &str) -> Vec<audit::Entry> {
    let mut c = app.store().read().await.unwrap();
    audit::search(
        &mut c,
        &audit::Filter {
            action: Some(prefix.into()),
            ..Default::default()
        },
        1000,
        0,
    )
    .await
    .unwrap()
    .0
}

#[tokio::test]
async fn stored_results_equal_the_cli_on_the_exported_snapshot() {
    each(async |app, name| {
        let city = login(&app, "city").await;
        let id = run_2024(&app, &city, None).await;
        let (csv, method_file) = app.export_snapshot(&city, id).await.unwrap();
        let method =
            mujun_engine::Method::parse(std::str::from_utf8(&method_file.into_bytes().unwrap()).unwrap())
                .unwrap();
        let batch = mujun_batch::read_csv_bytes(
            std::path::Path::new("snapshot.csv"),
            &csv.into_bytes().unwrap(),
            &method,
            &mujun_batch::ReadOptions {
                year: mujun_domain::Year::new(2024).unwrap(),
                allow_checksum_mismatch: Default::default(),
            },
        )
        .unwrap();
        let eval = mujun_engine::evaluate(&method, &batch.input, &[]).unwrap();
        let run = app.get_run(&city, id).await.unwrap().run;
        assert_eq!(
            eval.input_hash, run.input_hash,
            "{name}: same input hash as the CLI"
        );
        assert_eq!(eval.method_hash, run.method_hash);
        let mut c = app.store().read().await.unwrap();
        let stored: HashMap<i64, runs::RunResult> = runs::results(&mut c, id)
            .await
            .unwrap()
            .into_iter()
            .map(|r| (r.enterprise_id, r))
            .collect();
        let inputs = runs::inputs(app.store().read_typed().await.unwrap().conn(), id)
            .await
            .unwrap();
        assert_eq!(inputs.len(), batch.input.enterprises.len());
        let mut classes = HashMap::new();
        for (row, e) in batch.input.enterprises.iter().enumerate() {
            let input = inputs
                .iter()
                .find(|i| i.credit_code == e.credit_code.as_str())
                .unwrap();
            let s = &stored[&input.enterprise_id];
            match &eval.outcomes[row] {
                Outcome::Scored(o) => {
                    assert_eq!(Some(o.total), s.total, "{name} {}", e.credit_code);
                    assert_eq!(o.rank.map(i64::from), s.rank);
                    assert_eq!(eval.final_class(&method, o), s.final_class);
                    assert_eq!(eval.class_reason(&method, o), s.class_reason);
                }
                Outcome::Excluded(x) => assert_eq!(x.id(), s.excluded_reason),
            }
            *classes.entry(s.final_class.clone()).or_insert(0) += 1;
        }
        // The demo has every class and some excluded enterprises.
        for k in ["A", "B", "C", "X"] {
            assert!(
                classes.get(k).copied().unwrap_or(0) > 0,
                "{name}: no {k} in {classes:?}"
            );
        }
        // The xlsx export is the CLI's workbook, and exports are audited.
        let xlsx = app.export_results(&city, id).await.unwrap();
        assert_eq!(&xlsx.into_bytes().unwrap()[..2], b"PK");
        assert!(audit_actions(&app, "run.export_").await.len() >= 2);
    })
    .await;
}

#[tokio::test]
async fn the_whole_cycle_with_every_illegal_step_refused() {
    each(async |app, name| {
        let city = login(&app, "city").await;
        let qiye = login(&app, "qiye").await;
        let tax = login(&app, "tax").await;
        let stats = login(&app, "stats").await;
        let own = qiye.enterprise_id.unwrap();
        let id = run_2024(&app, &city, None).await;

        // A draft is the city's alone.
        assert!(matches!(
            app.score_card(&qiye, id, own).await,
            Err(AppError::Forbidden(_))
        ));
        assert!(app.public_runs().await.unwrap().is_empty(), "{name}");
        // Illegal steps from draft.
        assert!(refused(app.publish_run(&city, id, true).await.map(|_| ())).contains("草稿"));
        assert!(refused(app.approve_run(&city, id).await).contains("草稿"));
        assert!(refused(app.end_notice(&city, id, "测试：提前结束公示").await).contains("草稿"));
        assert!(refused(app.skip_notice(&city, id, None).await).contains("重算"));
        assert!(matches!(
            app.start_notice(&tax, id, &day(0), &day(7)).await,
            Err(AppError::Forbidden(_))
        ));
        assert!(refused(app.start_notice(&city, id, &day(7), &day(0)).await).contains("早于"));

        // 公示.
        app.start_notice(&city, id, &day(0), &day(7)).await.unwrap();
        assert_eq!(app.public_runs().await.unwrap().len(), 1);
        let card = app.score_card(&qiye, id, own).await.unwrap();
        assert!(card.reproduced, "{name}: the stored result re-evaluates the same");
        assert!(!card.explanation.is_empty());
        assert!(!card.what_if_text().is_empty());
        // Another enterprise's card: refused and audited.
        let other = runs::inputs(app.store().read_typed().await.unwrap().conn(), id)
            .await
            .unwrap()
            .into_iter()
            .find(|i| i.enterprise_id != own)
            .unwrap();
        assert!(matches!(
            app.score_card(&qiye, id, other.enterprise_id).await,
            Err(AppError::Forbidden(_))
        ));
        assert!(
            audit_actions(&app, "run.score_card")
                .await
                .iter()
                .any(|e| e.outcome == "denied")
        );

        // Objections: one on the tax figure, one on the class.
        let tax_obj = app
            .file_objection(
                &qiye,
                id,
                &ObjectionForm {
                    item: "tax_paid".into(),
                    text: "漏计了 2024 年 12 月入库的税款".into(),
                    attachment: Some(("完税证明.pdf".into(), b"%PDF-1.4 test".to_vec())),
                },
            )
            .await
            .unwrap();
        let class_obj = app
            .file_objection(
                &qiye,
                id,
                &ObjectionForm {
                    item: "class".into(),
                    text: "请复核分类".into(),
                    attachment: None,
                },
            )
            .await
            .unwrap();
        assert!(matches!(
            app.file_objection(
                &tax,
                id,
                &ObjectionForm {
                    item: "class".into(),
                    text: "x".into(),
                    attachment: None
                }
            )
            .await,
            Err(AppError::Forbidden(_))
        ));
        // Routed: the tax department sees the tax objection only; statistics sees none.
        let tax_queue = app.list_objections(&tax, Some(id)).await.unwrap();
        assert_eq!(
            tax_queue.iter().map(|o| o.objection.id).collect::<Vec<_>>(),
            [tax_obj],
            "{name}"
        );
        assert!(app.list_objections(&stats, Some(id)).await.unwrap().is_empty());
        assert_eq!(app.list_objections(&qiye, None).await.unwrap().len(), 2);
        assert_eq!(
            app.objection_attachment(&tax, tax_obj).await.unwrap().1,
            b"%PDF-1.4 test"
        );
        assert!(matches!(
            app.objection_attachment(&stats, tax_obj).await,
            Err(AppError::Forbidden(_))
        ));
        // The wrong department cannot answer; accepting a figure needs the corrected value.
        assert!(matches!(
            app.resolve_objection(&stats, tax_obj, &Decision::Reject { reason: "x".into() })
                .await,
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            app.resolve_objection(
                &tax,
                tax_obj,
                &Decision::Accept {
                    corrected_value: None,
                    note: String::new()
                }
            )
            .await,
            Err(AppError::Invalid(_))
        ));
        let corrected = card.input.tax_paid.unwrap_or(0.0) + 5000.0;
        app.resolve_objection(
            &tax,
            tax_obj,
            &Decision::Accept {
                corrected_value: Some(corrected),
                note: "已核实".into(),
            },
        )
        .await
        .unwrap();
        assert!(
            refused(
                app.resolve_objection(&tax, tax_obj, &Decision::Reject { reason: "x".into() })
                    .await
            )
            .contains("已处理")
        );
        let mut c = app.store().read().await.unwrap();
        let now = figures::current(&mut c, own, 2024).await.unwrap();
        let fig = now.iter().find(|f| f.field == "tax_paid").unwrap();
        assert_eq!(
            (fig.value, fig.source.as_str()),
            (Some(corrected), "objection"),
            "{name}"
        );
        drop(c);
        // The class objection is the city's; a rejection needs a reason.
        assert!(matches!(
            app.resolve_objection(&tax, class_obj, &Decision::Reject { reason: "x".into() })
                .await,
            Err(AppError::Forbidden(_))
        ));
        assert!(
            refused(
                app.resolve_objection(&city, class_obj, &Decision::Reject { reason: " ".into() })
                    .await
            )
            .contains("理由")
        );

        // End of notice: no more objections; approval waits for the open class objection.
        app.end_notice(&city, id, "测试：提前结束公示").await.unwrap();
        assert!(
            refused(
                app.file_objection(
                    &qiye,
                    id,
                    &ObjectionForm {
                        item: "class".into(),
                        text: "迟到".into(),
                        attachment: None
                    }
                )
                .await
                .map(|_| ())
            )
            .contains("公示期")
        );
        assert!(refused(app.approve_run(&city, id).await).contains("异议"));
        app.resolve_objection(
            &city,
            class_obj,
            &Decision::Reject {
                reason: "分类符合办法".into(),
            },
        )
        .await
        .unwrap();

        // Re-run with the corrected figure: linked, the first run superseded, changes listed.
        let rerun = run_2024(&app, &city, Some(id)).await;
        assert_eq!(
            app.get_run(&city, id).await.unwrap().state,
            RunState::Superseded,
            "{name}"
        );
        let mut c = app.store().read().await.unwrap();
        let (_, input) = runs::result_of(&mut c, rerun, own).await.unwrap().unwrap();
        assert_eq!(input.tax_paid, Some(corrected));
        drop(c);
        let overview = app.run_overview(&city, rerun).await.unwrap();
        assert!(overview.changes.iter().all(|(_, _, _, old, new)| old != new));
        assert!(refused(app.end_notice(&city, id, "测试：提前结束公示").await).contains("替代"));
        // The re-run moved classes: skipping the second notice needs them confirmed, and each
        // moved enterprise gets a message.
        let changed = overview.changes.len();
        assert!(changed > 0, "{name}: the corrected tax moves the enterprise");
        assert!(refused(app.skip_notice(&city, rerun, None).await).contains("类别发生变化"));
        assert!(refused(app.skip_notice(&city, rerun, Some(changed + 1)).await).contains("类别发生变化"));
        app.skip_notice(&city, rerun, Some(changed)).await.unwrap();
        let moved = overview.changes[0].0;
        let mut c = app.store().read().await.unwrap();
        let holder = mujun_store::users::list(&mut c)
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.enterprise_id == Some(moved));
        drop(c);
        if let Some(u) = holder {
            let actor = Actor::from_user(&u, "127.0.0.1").unwrap();
            let messages = app.messages(&actor).await.unwrap();
            assert!(messages.iter().any(|m| m.title.contains("类别变更")), "{name}");
        }

        // Manual adjustment with a reason, within the group's classes, not for X.
        let mut c = app.store().read().await.unwrap();
        let results = runs::results(&mut c, rerun).await.unwrap();
        drop(c);
        let b = results.iter().find(|r| r.final_class == "B").unwrap();
        let x = results.iter().find(|r| r.final_class == "X").unwrap();
        assert!(refused(app.adjust_class(&city, rerun, b.enterprise_id, "C", "  ").await).contains("理由"));
        assert!(
            refused(app.adjust_class(&city, rerun, b.enterprise_id, "Z", "理由").await).contains("不属于")
        );
        assert!(
            refused(app.adjust_class(&city, rerun, x.enterprise_id, "A", "理由").await).contains("不参评")
        );
        assert!(matches!(
            app.adjust_class(&tax, rerun, b.enterprise_id, "C", "理由").await,
            Err(AppError::Forbidden(_))
        ));
        app.adjust_class(&city, rerun, b.enterprise_id, "C", "发生较大安全事故，经研究降档")
            .await
            .unwrap();
        let card = app.score_card(&city, rerun, b.enterprise_id).await.unwrap();
        assert_eq!(
            (
                card.result.computed_class.as_str(),
                card.result.final_class.as_str()
            ),
            ("B", "C")
        );
        assert!(
            card.reproduced,
            "{name}: the adjustment is part of the re-evaluation"
        );

        // Approve — not by the city administrator who adjusted a class (two-person rule), by the
        // approving leader — publish: immutable, hash in the audit trail, classes of the year set.
        assert!(matches!(
            app.approve_run(&city, rerun).await,
            Err(AppError::Forbidden(why)) if why.contains("两人")
        ));
        let leader = login(&app, "leader").await;
        app.approve_run(&leader, rerun).await.unwrap();
        assert!(
            refused(app.adjust_class(&city, rerun, b.enterprise_id, "A", "再调").await).contains("已审定")
        );
        assert!(refused(app.publish_run(&city, rerun, false).await.map(|_| ())).contains("确认发布"));
        let hash = app.publish_run(&city, rerun, true).await.unwrap();
        assert_eq!(hash.len(), 64);
        let published = audit_actions(&app, "run.publish").await;
        assert!(published[0].detail.contains(&hash), "{name}");
        assert!(refused(app.publish_run(&city, rerun, true).await.map(|_| ())).contains("已发布"));
        assert!(refused(app.start_notice(&city, rerun, &day(0), &day(1)).await).contains("已发布"));
        assert!(
            refused(app.adjust_class(&city, rerun, b.enterprise_id, "A", "再调").await).contains("已发布")
        );
        assert!(
            !refused(
                app.resolve_objection(&city, class_obj, &Decision::Reject { reason: "x".into() })
                    .await
            )
            .is_empty()
        );
        let history = app.class_history(&city, b.enterprise_id).await.unwrap();
        assert_eq!((history[0].year, history[0].class.as_str()), (2024, "C"));
        assert_eq!(history[0].source, format!("run:{rerun}"));

        // Policies: the power company's list works out each C enterprise's surcharge.
        let power = login(&app, "power").await;
        let list = app.department_policy_list(&power, rerun, "power").await.unwrap();
        assert!(!list.is_empty(), "{name}");
        let mut c = app.store().read().await.unwrap();
        for row in &list {
            assert_eq!(row.class, "C");
            let (_, input) = runs::result_of(&mut c, rerun, row.enterprise_id)
                .await
                .unwrap()
                .unwrap();
            let rate = [0.05, 0.10, 0.15][(row.consecutive as usize).clamp(1, 3) - 1];
            let want = input.electricity_kwh.map(|k| k * rate);
            assert_eq!(row.line.amount, want, "{name}: {}", row.line.basis);
        }
        drop(c);
        assert!(matches!(
            app.department_policy_list(&power, rerun, "water").await,
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            app.department_policy_list(&tax, rerun, "power").await,
            Err(AppError::Forbidden(_))
        ));
        let sheet = app.policy_sheet(&city, rerun, b.enterprise_id).await.unwrap();
        assert!(sheet.iter().any(|l| l.line.department_code == "power"));
        let xlsx = app
            .export_department_policy_list(&power, rerun, "power")
            .await
            .unwrap();
        assert_eq!(&xlsx.into_bytes().unwrap()[..2], b"PK");

        // The public list holds the published run.
        let (_, lines, total) = app.public_list(rerun, None, None, 1, 20).await.unwrap();
        assert_eq!(total as usize, results.len());
        assert!(lines.iter().all(|l| !l.name.is_empty() && !l.class.is_empty()));
        let file = app.export_public_list(rerun, "10.0.0.1").await.unwrap();
        assert_eq!(&file.into_bytes().unwrap()[..2], b"PK");
    })
    .await;
}

#[tokio::test]
async fn results_are_scoped_and_quality_blocks_a_run() {
    each(async |app, name| {
        let city = login(&app, "city").await;
        let county = login(&app, "yicheng").await;
        let cluster = login(&app, "zhuangbei").await;
        let tax = login(&app, "tax").await;
        let qiye = login(&app, "qiye").await;
        let auditor = login(&app, "auditor").await;

        // Only the city starts runs; a year without data is blocked by the quality report.
        let start = |y: i64| StartRun {
            year: y,
            method: "preset:henan-2019".into(),
            ..StartRun::default()
        };
        assert!(matches!(
            app.start_run(&tax, &start(2024)).await,
            Err(AppError::Forbidden(_))
        ));
        match app.start_run(&city, &start(2030)).await {
            Err(AppError::Invalid(e)) => assert!(e[0].message.contains("阻断"), "{}", e[0].message),
            other => panic!("{name}: {other:?}"),
        }
        assert!(matches!(
            app.start_run(
                &city,
                &StartRun {
                    method: "preset:nope".into(),
                    ..start(2024)
                }
            )
            .await,
            Err(AppError::Invalid(_))
        ));
        let id = run_2024(&app, &city, None).await;
        app.start_notice(&city, id, &day(0), &day(7)).await.unwrap();

        let (all, n_all) = app
            .run_ranking(&city, id, &ResultFilter::default(), ResultSort::Rank, 1, 500)
            .await
            .unwrap();
        let (mine, n_county) = app
            .run_ranking(&county, id, &ResultFilter::default(), ResultSort::Rank, 1, 500)
            .await
            .unwrap();
        assert!(n_county > 0 && n_county < n_all, "{name}");
        assert!(mine.iter().all(|r| r.region_code == "411702"));
        let (_, n_cluster) = app
            .run_ranking(&cluster, id, &ResultFilter::default(), ResultSort::Rank, 1, 500)
            .await
            .unwrap();
        assert!(n_cluster > 0 && n_cluster < n_all);
        let (own, n_own) = app
            .run_ranking(&qiye, id, &ResultFilter::default(), ResultSort::Rank, 1, 500)
            .await
            .unwrap();
        assert_eq!((n_own, own[0].enterprise_id), (1, qiye.enterprise_id.unwrap()));
        for who in [&tax, &auditor] {
            assert!(matches!(
                app.run_ranking(who, id, &ResultFilter::default(), ResultSort::Rank, 1, 10)
                    .await,
                Err(AppError::Forbidden(_))
            ));
        }
        // A county officer opening a card outside the county is refused.
        let far = all.iter().find(|r| r.region_code != "411702").unwrap();
        assert!(matches!(
            app.score_card(&county, id, far.enterprise_id).await,
            Err(AppError::Forbidden(_))
        ));
        assert!(app.score_card(&county, id, mine[0].enterprise_id).await.is_ok());
        // Only the city exports the whole workbook.
        assert!(matches!(
            app.export_results(&county, id).await,
            Err(AppError::Forbidden(_))
        ));
        let scoped = app
            .export_ranking(&county, id, &ResultFilter::default())
            .await
            .unwrap();
        assert_eq!(&scoped.into_bytes().unwrap()[..2], b"PK");

        // Summaries: counts add up to the scope, with 亩均税收.
        let city_sum = app.run_summary(&city, id, runs::SummaryBy::County).await.unwrap();
        assert_eq!(city_sum.lines.iter().map(|l| l.enterprises).sum::<i64>(), n_all);
        assert!(city_sum.lines.iter().any(|l| l.tax_per_mu.is_some()));
        let county_sum = app
            .run_summary(&county, id, runs::SummaryBy::County)
            .await
            .unwrap();
        assert_eq!(county_sum.lines.len(), 1);
        assert_eq!(county_sum.lines[0].enterprises, n_county);
        let overview = app.run_overview(&city, id).await.unwrap();
        assert_eq!(overview.totals.iter().map(|t| t.1).sum::<i64>(), n_all);
        assert!(
            overview
                .pools
                .iter()
                .all(|p| p.counts.iter().map(|c| c.1).sum::<i64>() == p.size + p.vetoed)
        );
    })
    .await;
}

#[tokio::test]
async fn methods_are_versioned_copies_never_presets() {
    each(async |app, name| {
        let city = login(&app, "city").await;
        let preset = app.method_source(&city, "preset:henan-2019").await.unwrap();
        match app.save_method(&city, &preset, "preset:henan-2019").await {
            Err(AppError::Invalid(e)) => assert!(e[0].message.contains("内置预设"), "{name}"),
            other => panic!("{other:?}"),
        }
        let copy = preset.replacen("id = \"henan-2019\"", "id = \"zhumadian-2024\"", 1);
        let r1 = app.save_method(&city, &copy, "preset:henan-2019").await.unwrap();
        let r2 = app
            .save_method(
                &city,
                &copy
                    .replace("weight = 35.0", "weight = 40.0")
                    .replace("weight = 20.0", "weight = 15.0"),
                &r1,
            )
            .await
            .unwrap();
        assert_ne!(r1, r2);
        let list = app.list_methods(&city).await.unwrap();
        let mine: Vec<_> = list.iter().filter(|m| m.method_id == "zhumadian-2024").collect();
        assert_eq!(mine.iter().map(|m| m.version).collect::<Vec<_>>(), [2, 1]);
        // A broken file is refused with the key and line.
        match app
            .save_method(&city, &copy.replace("cap = 2.0", "cap = \"x\""), "")
            .await
        {
            Err(AppError::Invalid(e)) => assert!(e[0].message.contains("行"), "{}", e[0].message),
            other => panic!("{other:?}"),
        }
        let tax = login(&app, "tax").await;
        assert!(matches!(
            app.save_method(&tax, &copy, "").await,
            Err(AppError::Forbidden(_))
        ));
        // A run with the stored version records its reference and hash.
        let started = app
            .start_run(
                &city,
                &StartRun {
                    year: 2024,
                    method: r2.clone(),
                    ..StartRun::default()
                },
            )
            .await
            .unwrap();
        started.job.await.unwrap();
        let run = app.get_run(&city, started.id).await.unwrap().run;
        assert_eq!(
            (
                run.method_ref.as_str(),
                run.method_id.as_str(),
                run.state.as_str()
            ),
            (r2.as_str(), "zhumadian-2024", "draft")
        );
    })
    .await;
}
