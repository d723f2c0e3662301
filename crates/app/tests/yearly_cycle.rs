//! The yearly cycle made trustworthy (issue 9), on SQLite and PostgreSQL: complete exports, a
//! published year locked until it is reopened, one public result and one run in progress per
//! year, checked notice dates, re-runs that move classes, two-person approval, reproducible
//! downloads, last year's comparison, imports that would overwrite accepted corrections, bulk
//! enterprise accounts, one current value per figure under racing writers, durable jobs.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use mujun_app::activation::BulkScope;
use mujun_app::collection::imports::{Confirm, ImportOutcome};
use mujun_app::evaluation::RunState;
use mujun_app::evaluation::objections::{Decision, ObjectionForm};
use mujun_app::evaluation::runs::StartRun;
use mujun_app::{Actor, App, AppError, HashCost, JobSettings, Security};
use mujun_store::runs::{self, ResultFilter};
use mujun_store::{figures, jobs, testing};

async fn each_with(enterprises: usize, f: impl AsyncFn(App, &'static str)) {
    for t in testing::all().await {
        let app = App::new(
            t.store.clone(),
            Security {
                hash_cost: HashCost::TEST,
                require_totp: false,
                ..Security::default()
            },
        );
        app.seed_demo(enterprises, 7).await.unwrap().unwrap();
        f(app, t.name).await;
        t.cleanup().await;
    }
}

async fn each(f: impl AsyncFn(App, &'static str)) {
    each_with(120, f).await;
}

async fn login(app: &App, user: &str) -> Actor {
    app.login(user, mujun_app::demo::DEMO_PASSWORD, "127.0.0.1", None)
        .await
        .unwrap()
        .actor
}

/// A date `days` from today in Beijing, `YYYY-MM-DD`.
fn day(days: i64) -> String {
    let d = (mujun_store::now_ms() / 1000 + 8 * 3600).div_euclid(86_400) + days;
    mujun_domain::Date::from_days_since_epoch(d).unwrap().to_string()
}

fn refused<T: std::fmt::Debug>(r: Result<T, AppError>) -> String {
    match r {
        Err(AppError::Invalid(e)) => e[0].message.clone(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn start(app: &App, city: &Actor, previous: Option<i64>) -> Result<i64, AppError> {
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
        .await?;
    started.job.await.unwrap();
    let run = app.get_run(city, started.id).await.unwrap();
    assert_eq!(run.state, RunState::Draft, "{}", run.run.message);
    Ok(started.id)
}

/// A run of 2024 taken through notice, review and approval to publication.
async fn published(app: &App) -> i64 {
    let city = login(app, "city").await;
    let id = start(app, &city, None).await.unwrap();
    app.start_notice(&city, id, &day(0), &day(6)).await.unwrap();
    app.end_notice(&city, id, "测试：异议期内无异议").await.unwrap();
    app.approve_run(&city, id).await.unwrap();
    app.publish_run(&city, id, true).await.unwrap();
    id
}

/// A tax CSV for 2024 of the given enterprises.
fn tax_csv(rows: &[(&str, f64)]) -> Vec<u8> {
    let mut s = String::from("统一社会信用代码,实缴税收（万元）\n");
    for (c, v) in rows {
        s.push_str(&format!("{c},{v}\n"));
    }
    s.into_bytes()
}

async fn own_code(app: &App, actor: &Actor) -> String {
    let mut c = app.store().read().await.unwrap();
    mujun_store::enterprises::get(&mut c, actor.enterprise_id.unwrap(), &mujun_store::Scope::All)
        .await
        .unwrap()
        .unwrap()
        .credit_code
}

fn xlsx_rows(bytes: Vec<u8>) -> usize {
    use calamine::{Reader, Xlsx};
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let names = book.sheet_names();
    names
        .iter()
        .map(|n| book.worksheet_range(n).unwrap().height() - 1)
        .sum()
}

#[tokio::test]
async fn exports_hold_every_row_of_the_scope() {
    // More enterprises than a page of the screen (1,000 rows) holds.
    each_with(1_050, async |app, name| {
        let city = login(&app, "city").await;
        let id = start(&app, &city, None).await.unwrap();
        app.start_notice(&city, id, &day(0), &day(6)).await.unwrap();
        let mut c = app.store().read().await.unwrap();
        let total = runs::results(&mut c, id).await.unwrap().len();
        drop(c);
        assert!(total > 1_000, "{name}: {total}");
        let ranking = app
            .export_ranking(&city, id, &ResultFilter::default())
            .await
            .unwrap();
        assert_eq!(
            xlsx_rows(ranking.into_bytes().unwrap()),
            total,
            "{name}: the whole ranking"
        );
        // A county's export holds exactly its enterprises.
        let county = login(&app, "yicheng").await;
        let (_, n_county) = app
            .run_ranking(
                &county,
                id,
                &ResultFilter::default(),
                runs::ResultSort::Rank,
                1,
                10,
            )
            .await
            .unwrap();
        let scoped = app
            .export_ranking(&county, id, &ResultFilter::default())
            .await
            .unwrap();
        assert_eq!(xlsx_rows(scoped.into_bytes().unwrap()) as i64, n_county, "{name}");
        // The public list under notice: every enterprise.
        let public = app.export_public_list(id, "10.0.0.9").await.unwrap();
        assert_eq!(
            xlsx_rows(public.into_bytes().unwrap()),
            total,
            "{name}: the whole public list"
        );
        // The enterprise list: every enterprise of the scope.
        let q = mujun_app::registry::enterprises::EnterpriseQuery {
            filter: Default::default(),
            sort: Default::default(),
            descending: false,
            page: 1,
            per_page: 50,
        };
        let listed = app.list_enterprises(&city, &q).await.unwrap().total;
        assert!(listed > 1_000, "{name}");
        let file = app.export_enterprises(&city, &q).await.unwrap();
        assert_eq!(
            xlsx_rows(file.into_bytes().unwrap()) as i64,
            listed,
            "{name}: the whole registry"
        );
        // Exports are audited with their row counts.
        let mut c = app.store().read().await.unwrap();
        let (entries, _) = mujun_store::audit::search(
            &mut c,
            &mujun_store::audit::Filter {
                action: Some("run.export_ranking".into()),
                ..Default::default()
            },
            10,
            0,
        )
        .await
        .unwrap();
        assert!(
            entries
                .iter()
                .any(|e| e.detail.contains(&format!("\"rows\":{total}"))),
            "{name}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_published_year_is_locked_until_the_city_reopens_it() {
    each(async |app, name| {
        let city = login(&app, "city").await;
        let tax = login(&app, "tax").await;
        let qiye = login(&app, "qiye").await;
        let id = published(&app).await;
        let code = own_code(&app, &qiye).await;

        // Every writer of the year's figures is refused, naming the published run.
        let why = refused(
            app.import_upload(
                &tax,
                "tax",
                2024,
                "t.csv",
                &tax_csv(&[(&code, 99.0)]),
                Confirm::WARNINGS,
            )
            .await,
        );
        assert!(
            why.contains(&format!("#{id}")) && why.contains("已锁定"),
            "{name}: {why}"
        );
        let why = refused(
            app.push_values(
                &tax,
                "tax",
                2024,
                &[(code.clone(), "tax_paid".into(), "99".into())],
                Confirm::WARNINGS,
            )
            .await,
        );
        assert!(why.contains("重新开放"), "{name}: {why}");
        assert!(refused(app.copy_last_year(&city, "natural_resources", 2024).await).contains("已锁定"));
        assert!(refused(app.check_figure(&qiye, 2024, "tax_paid", true, "有误").await).contains("已锁定"));
        // Another year is open.
        assert!(matches!(
            app.import_upload(
                &tax,
                "tax",
                2023,
                "t.csv",
                &tax_csv(&[(&code, 99.0)]),
                Confirm::WARNINGS
            )
            .await
            .unwrap(),
            ImportOutcome::Imported { .. }
        ));
        // No new run, no second notice of a published year.
        assert!(refused(start(&app, &city, None).await).contains("已发布"));
        assert!(refused(app.start_notice(&city, id, &day(0), &day(7)).await).contains("已发布"));
        assert_eq!(app.year_lock(2024).await.unwrap().map(|l| l.run_id), Some(id));

        // Reopening: the city only, with a reason; audited; shown on the run and the public page.
        assert!(matches!(
            app.reopen_year(&tax, id, "理由").await,
            Err(AppError::Forbidden(_))
        ));
        assert!(refused(app.reopen_year(&city, id, "  ").await).contains("理由"));
        app.reopen_year(&city, id, "税务局更正了 3 家企业的入库税款")
            .await
            .unwrap();
        let run = app.get_run(&city, id).await.unwrap();
        assert_eq!(run.state, RunState::Reopened, "{name}");
        assert_eq!(run.run.reopen_reason, "税务局更正了 3 家企业的入库税款");
        assert_eq!(app.year_lock(2024).await.unwrap(), None);
        let public = app.public_runs().await.unwrap();
        assert_eq!(public.len(), 1, "{name}: one public result per year");
        assert_eq!(public[0].id, id);
        assert!(public[0].reopening.as_ref().unwrap().1.contains("入库税款"));
        // The published classes stay in force meanwhile.
        assert_eq!(
            app.class_history(&city, qiye.enterprise_id.unwrap())
                .await
                .unwrap()[0]
                .source,
            format!("run:{id}")
        );

        // Open again: imports work; a new run of the year must go through 公示 again.
        match app
            .import_upload(
                &tax,
                "tax",
                2024,
                "t.csv",
                &tax_csv(&[(&code, 99.0)]),
                Confirm::WARNINGS,
            )
            .await
            .unwrap()
        {
            ImportOutcome::Imported { values, .. } => assert_eq!(values, 1),
            other => panic!("{name}: {other:?}"),
        }
        assert!(refused(start(&app, &city, Some(id)).await).contains("不能重算"));
        let again = start(&app, &city, None).await.unwrap();
        assert!(refused(app.skip_notice(&city, again, None).await).contains("重算"));
        app.start_notice(&city, again, &day(0), &day(6)).await.unwrap();
        let public = app.public_runs().await.unwrap();
        assert_eq!(
            public.iter().map(|r| r.id).collect::<Vec<_>>(),
            [again],
            "{name}: the list under notice replaces the reopened one"
        );
        app.end_notice(&city, again, "测试").await.unwrap();
        app.approve_run(&city, again).await.unwrap();
        app.publish_run(&city, again, true).await.unwrap();
        assert_eq!(app.year_lock(2024).await.unwrap().map(|l| l.run_id), Some(again));
        assert_eq!(
            app.class_history(&city, qiye.enterprise_id.unwrap())
                .await
                .unwrap()[0]
                .source,
            format!("run:{again}")
        );
        assert_eq!(app.public_runs().await.unwrap()[0].id, again);
    })
    .await;
}

#[tokio::test]
async fn one_run_in_progress_per_year_and_notice_dates_checked() {
    each(async |app, name| {
        let city = login(&app, "city").await;
        let id = start(&app, &city, None).await.unwrap();
        assert!(
            refused(start(&app, &city, None).await).contains("进行中的批次"),
            "{name}"
        );
        // Dates: not in the past, end after start, at least 7 calendar days counting both ends.
        assert!(refused(app.start_notice(&city, id, &day(-1), &day(7)).await).contains("早于今天"));
        assert!(refused(app.start_notice(&city, id, &day(3), &day(3)).await).contains("早于或等于"));
        assert!(refused(app.start_notice(&city, id, &day(0), &day(5)).await).contains("不少于 7 个自然日"));
        app.start_notice(&city, id, &day(0), &day(6)).await.unwrap();
        // Ending early needs a reason, which is kept and audited.
        assert!(refused(app.end_notice(&city, id, " ").await).contains("提前结束公示必须填写理由"));
        app.end_notice(&city, id, "上级要求提前汇总").await.unwrap();
        let run = app.get_run(&city, id).await.unwrap().run;
        assert_eq!(run.notice_end_reason, "上级要求提前汇总", "{name}");
        assert!(run.notice_ended_at.is_some());
        // A second run of the year re-runs the one in progress, never beside it.
        let rerun = start(&app, &city, Some(id)).await.unwrap();
        assert_eq!(app.get_run(&city, id).await.unwrap().state, RunState::Superseded);
        assert!(refused(start(&app, &city, Some(id)).await).contains(&format!("#{rerun}")));
    })
    .await;
}

#[tokio::test]
async fn a_re_run_that_moves_classes_is_confirmed_or_noticed_again() {
    each(async |app, name| {
        let city = login(&app, "city").await;
        let qiye = login(&app, "qiye").await;
        let tax = login(&app, "tax").await;
        let own = qiye.enterprise_id.unwrap();
        let id = start(&app, &city, None).await.unwrap();
        app.start_notice(&city, id, &day(0), &day(6)).await.unwrap();
        let card = app.score_card(&qiye, id, own).await.unwrap();
        let objection = app
            .file_objection(
                &qiye,
                id,
                &ObjectionForm {
                    item: "tax_paid".into(),
                    text: "漏计税款".into(),
                    attachment: None,
                },
            )
            .await
            .unwrap();
        // A correction large enough to move the enterprise: up, or down from A.
        let corrected = if card.result.final_class == "A" {
            0.0
        } else {
            card.input.tax_paid.unwrap_or(0.0) * 20.0 + 10_000.0
        };
        app.resolve_objection(
            &tax,
            objection,
            &Decision::Accept {
                corrected_value: Some(corrected),
                note: "补录入库税款".into(),
            },
        )
        .await
        .unwrap();
        app.end_notice(&city, id, "测试").await.unwrap();
        let rerun = start(&app, &city, Some(id)).await.unwrap();
        let changes = app.rerun_changes(&city, rerun).await.unwrap();
        assert!(changes.iter().any(|c| c.0 == own), "{name}: {changes:?}");
        // Supplementary notice: only the moved enterprises, shorter, each gets a message.
        assert!(
            refused(
                app.start_supplementary_notice(&city, rerun, &day(0), &day(1))
                    .await
            )
            .contains("不少于 3 个自然日")
        );
        let n = app
            .start_supplementary_notice(&city, rerun, &day(0), &day(2))
            .await
            .unwrap();
        assert_eq!(n, changes.len());
        let (public, lines, total) = app.public_list(rerun, None, None, 1, 1000).await.unwrap();
        assert!(public.supplementary, "{name}");
        assert_eq!(
            total as usize,
            changes.len(),
            "{name}: the public list holds only the moved"
        );
        assert!(lines.iter().any(|l| l.credit_code == card.input.credit_code));
        let messages = app.messages(&qiye).await.unwrap();
        assert!(messages.iter().any(|m| m.title.contains("补充公示")), "{name}");
        // An enterprise that did not move cannot object in a supplementary notice.
        let mut c = app.store().read().await.unwrap();
        let still: Vec<i64> = runs::inputs(app.store().read_typed().await.unwrap().conn(), rerun)
            .await
            .unwrap()
            .into_iter()
            .map(|i| i.enterprise_id)
            .filter(|e| !changes.iter().any(|c| c.0 == *e))
            .collect();
        let users = mujun_store::users::list(&mut c).await.unwrap();
        drop(c);
        if let Some(u) = users
            .iter()
            .find(|u| u.enterprise_id.is_some_and(|e| still.contains(&e)))
        {
            let other = Actor::from_user(u, "127.0.0.1").unwrap();
            let why = refused(
                app.file_objection(
                    &other,
                    rerun,
                    &ObjectionForm {
                        item: "class".into(),
                        text: "x".into(),
                        attachment: None,
                    },
                )
                .await,
            );
            assert!(why.contains("补充公示"), "{name}: {why}");
        }
        let unread = app.unread_messages(&qiye).await.unwrap();
        app.mark_message_read(&qiye, messages[0].id).await.unwrap();
        assert_eq!(app.unread_messages(&qiye).await.unwrap(), unread - 1);
        // Nobody reads another account's message.
        assert!(matches!(
            app.mark_message_read(&city, messages[0].id).await,
            Err(AppError::Forbidden(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn two_people_approve_and_the_downloads_reproduce_every_final_class() {
    each(async |app, name| {
        let city = login(&app, "city").await;
        let city2 = login(&app, "city2").await;
        let leader = login(&app, "leader").await;
        let tax = login(&app, "tax").await;
        let id = start(&app, &city, None).await.unwrap();
        let mut c = app.store().read().await.unwrap();
        let results = runs::results(&mut c, id).await.unwrap();
        drop(c);
        let b = results.iter().find(|r| r.final_class == "B").unwrap();
        app.adjust_class(&city, id, b.enterprise_id, "A", "获评省级智能工厂")
            .await
            .unwrap();
        app.start_notice(&city, id, &day(0), &day(6)).await.unwrap();
        app.end_notice(&city, id, "测试").await.unwrap();
        let actions = app
            .run_actions(&city, &app.get_run(&city, id).await.unwrap().run)
            .await
            .unwrap();
        assert!(!actions.approve && actions.approve_blocked.is_some(), "{name}");
        assert!(matches!(
            app.approve_run(&city, id).await,
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            app.approve_run(&tax, id).await,
            Err(AppError::Forbidden(_))
        ));
        // A second city account may approve; so may the leader.
        assert!(
            app.run_actions(&city2, &app.get_run(&city2, id).await.unwrap().run)
                .await
                .unwrap()
                .approve
        );
        app.approve_run(&leader, id).await.unwrap();
        // Without the rule, the adjuster approves himself.
        let relaxed = app.clone().with_workflow(mujun_app::Workflow {
            two_person_rule: false,
            ..mujun_app::Workflow::default()
        });
        app.reopen_run(&city, id, "再核").await.unwrap();
        relaxed.approve_run(&city, id).await.unwrap();

        // Snapshot + method + adjustments reproduce every final class with the engine.
        let (csv, method_file) = app.export_snapshot(&city, id).await.unwrap();
        let adjustments = app.export_adjustments(&city, id).await.unwrap();
        let adjustments = String::from_utf8(adjustments.into_bytes().unwrap()).unwrap();
        assert_eq!(
            adjustments.lines().count(),
            2,
            "{name}: header and one adjustment"
        );
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
        let dir = tempfile::tempdir().unwrap();
        let adj_path = dir.path().join("调档.csv");
        std::fs::write(&adj_path, &adjustments).unwrap();
        let adj = mujun_batch::read_adjustments(&adj_path).unwrap();
        let eval = mujun_engine::evaluate(&method, &batch.input, &adj).unwrap();
        let mut c = app.store().read().await.unwrap();
        let inputs = runs::inputs(app.store().read_typed().await.unwrap().conn(), id)
            .await
            .unwrap();
        let stored = runs::results(&mut c, id).await.unwrap();
        drop(c);
        for (row, e) in batch.input.enterprises.iter().enumerate() {
            let input = inputs
                .iter()
                .find(|i| i.credit_code == e.credit_code.as_str())
                .unwrap();
            let s = stored
                .iter()
                .find(|r| r.enterprise_id == input.enterprise_id)
                .unwrap();
            let class = match &eval.outcomes[row] {
                mujun_engine::Outcome::Scored(o) => eval.final_class(&method, o).to_owned(),
                mujun_engine::Outcome::Excluded(_) => "X".to_owned(),
            };
            assert_eq!(class, s.final_class, "{name}: {}", e.credit_code);
        }
    })
    .await;
}

#[tokio::test]
async fn last_year_is_compared_from_its_figures_without_a_run() {
    each(async |app, name| {
        let city = login(&app, "city").await;
        let id = start(&app, &city, None).await.unwrap();
        let table = app.run_summary(&city, id, runs::SummaryBy::County).await.unwrap();
        assert_eq!(table.last_run_id, None, "{name}: 2023 has no published run");
        assert!(table.last_from_figures);
        assert!(table.lines.iter().any(|l| l.last_tax_per_mu.is_some()), "{name}");
        // The demo's 2023 classes count as last year's classes.
        assert!(table.lines.iter().any(|l| l.last_counts.iter().sum::<i64>() > 0));
    })
    .await;
}

#[tokio::test]
async fn an_import_overwriting_an_accepted_correction_needs_a_reason() {
    each(async |app, name| {
        let city = login(&app, "city").await;
        let qiye = login(&app, "qiye").await;
        let tax = login(&app, "tax").await;
        let code = own_code(&app, &qiye).await;
        let id = start(&app, &city, None).await.unwrap();
        app.start_notice(&city, id, &day(0), &day(6)).await.unwrap();
        let objection = app
            .file_objection(
                &qiye,
                id,
                &ObjectionForm {
                    item: "tax_paid".into(),
                    text: "漏计税款".into(),
                    attachment: None,
                },
            )
            .await
            .unwrap();
        app.resolve_objection(
            &tax,
            objection,
            &Decision::Accept {
                corrected_value: Some(321.5),
                note: "补录 12 月入库税款".into(),
            },
        )
        .await
        .unwrap();
        // The same value again is no overwrite; another value waits for a reason.
        match app
            .import_upload(
                &tax,
                "tax",
                2024,
                "t.csv",
                &tax_csv(&[(&code, 321.5)]),
                Confirm::WARNINGS,
            )
            .await
            .unwrap()
        {
            ImportOutcome::Imported { .. } => {}
            other => panic!("{name}: {other:?}"),
        }
        let ImportOutcome::NeedsConfirmation {
            pending_id,
            overwrites,
            ..
        } = app
            .import_upload(
                &tax,
                "tax",
                2024,
                "t.csv",
                &tax_csv(&[(&code, 300.0)]),
                Confirm::WARNINGS,
            )
            .await
            .unwrap()
        else {
            panic!("{name}: an overwrite must wait");
        };
        assert_eq!(overwrites.len(), 1);
        let o = &overwrites[0];
        assert_eq!((o.old, o.new, o.source), (Some(321.5), 300.0, "异议更正"));
        assert_eq!(o.note, "补录 12 月入库税款");
        assert_eq!(o.accepted_by, tax.display_name);
        // Still waiting without a reason; stored with one, the reason kept with the batch.
        let again = app.confirm_import(&tax, pending_id, None).await.unwrap();
        let ImportOutcome::NeedsConfirmation { pending_id, .. } = again else {
            panic!("{name}: {again:?}");
        };
        match app
            .confirm_import(&tax, pending_id, Some("复核后以税务系统数据为准"))
            .await
            .unwrap()
        {
            ImportOutcome::Imported { batch_id, .. } => {
                let mut c = app.store().read().await.unwrap();
                let batches = mujun_store::imports::list(&mut c, None, 2024).await.unwrap();
                let b = batches.iter().find(|b| b.id == batch_id).unwrap();
                assert_eq!(b.overwrite_reason, "复核后以税务系统数据为准", "{name}");
            }
            other => panic!("{name}: {other:?}"),
        }
        // The city imports on the department's behalf: marked as such.
        match app
            .import_upload(
                &city,
                "tax",
                2024,
                "t.csv",
                &tax_csv(&[(&code, 300.0)]),
                Confirm::WARNINGS,
            )
            .await
            .unwrap()
        {
            ImportOutcome::Imported { batch_id, .. } => {
                let mut c = app.store().read().await.unwrap();
                let batches = mujun_store::imports::list(&mut c, None, 2024).await.unwrap();
                assert_eq!(batches.iter().find(|b| b.id == batch_id).unwrap().on_behalf, 1);
            }
            other => panic!("{name}: {other:?}"),
        }
    })
    .await;
}

#[tokio::test]
async fn enterprise_accounts_in_bulk_activate_once() {
    each(async |app, name| {
        let admin = login(&app, "admin").await;
        let city = login(&app, "city").await;
        assert!(matches!(
            app.create_enterprise_accounts(&city, &BulkScope::All).await,
            Err(AppError::Forbidden(_))
        ));
        // A list with one bad line creates nothing.
        let why = refused(
            app.create_enterprise_accounts(
                &admin,
                &BulkScope::Codes(vec!["91110000600037341L".into(), "not-a-code".into()]),
            )
            .await,
        );
        assert!(
            why.contains("第 1 行") && why.contains("第 2 行"),
            "{name}: {why}"
        );
        let mut c = app.store().read().await.unwrap();
        let before = mujun_store::users::count(&mut c).await.unwrap();
        drop(c);
        let outcome = app
            .create_enterprise_accounts(&admin, &BulkScope::Region("411702".into()))
            .await
            .unwrap();
        assert!(!outcome.created.is_empty(), "{name}");
        let mut c = app.store().read().await.unwrap();
        assert_eq!(
            mujun_store::users::count(&mut c).await.unwrap(),
            before + outcome.created.len() as i64
        );
        drop(c);
        // Again: everyone of the county has an account now.
        let again = app
            .create_enterprise_accounts(&admin, &BulkScope::Region("411702".into()))
            .await
            .unwrap();
        assert!(again.created.is_empty() && again.skipped >= outcome.created.len());
        // The letters: the list as xlsx holds every code.
        let list = app
            .activation_letters(&admin, &outcome.created, false)
            .await
            .unwrap();
        assert_eq!(xlsx_rows(list.into_bytes().unwrap()), outcome.created.len());
        // Activation: a wrong code fails (and counts), the right one sets the password once.
        let a = &outcome.created[0];
        assert!(matches!(
            app.login(&a.username, "Whatever#2024x", "127.0.0.1", None).await,
            Err(AppError::BadCredentials)
        ));
        assert!(
            refused(
                app.activate_account(&a.username, "AAAA-BBBB-CCCC", "Qiye#2024start", "10.0.0.1")
                    .await
            )
            .contains("激活码")
        );
        app.activate_account(&a.username, &a.code.to_lowercase(), "Qiye#2024start", "10.0.0.1")
            .await
            .unwrap();
        let me = app
            .login(&a.username, "Qiye#2024start", "127.0.0.1", None)
            .await
            .unwrap()
            .actor;
        assert_eq!(me.role, mujun_app::Role::Enterprise);
        assert!(!me.must_change_password);
        assert!(
            refused(
                app.activate_account(&a.username, &a.code, "Qiye#2024again", "10.0.0.1")
                    .await
            )
            .contains("激活码")
        );
        // A reissued code replaces the password until used.
        let user_id = me.user_id;
        let fresh = app.reissue_activation(&admin, user_id).await.unwrap();
        assert!(
            app.login(&a.username, "Qiye#2024start", "127.0.0.1", None)
                .await
                .is_err()
        );
        app.activate_account(&a.username, &fresh.code, "Qiye#2024second", "10.0.0.1")
            .await
            .unwrap();
        assert!(
            app.login(&a.username, "Qiye#2024second", "127.0.0.1", None)
                .await
                .is_ok()
        );
    })
    .await;
}

#[tokio::test]
async fn racing_writers_leave_one_current_value() {
    each(async |app, name| {
        let city = login(&app, "city").await;
        let qiye = login(&app, "qiye").await;
        let tax = login(&app, "tax").await;
        let own = qiye.enterprise_id.unwrap();
        let id = start(&app, &city, None).await.unwrap();
        app.start_notice(&city, id, &day(0), &day(6)).await.unwrap();
        let roster =
            mujun_store::enterprises::collection_roster(app.store().read_typed().await.unwrap().conn(), 2024)
                .await
                .unwrap();
        let rows: Vec<(String, f64)> = roster.iter().map(|r| (r.credit_code.clone(), 77.0)).collect();
        let file = {
            let refs: Vec<(&str, f64)> = rows.iter().map(|(c, v)| (c.as_str(), *v)).collect();
            tax_csv(&refs)
        };
        for round in 0..3 {
            let objection = app
                .file_objection(
                    &qiye,
                    id,
                    &ObjectionForm {
                        item: "tax_paid".into(),
                        text: format!("第 {round} 次"),
                        attachment: None,
                    },
                )
                .await
                .unwrap();
            let decision = Decision::Accept {
                corrected_value: Some(1000.0 + f64::from(round)),
                note: "更正".into(),
            };
            let accept = app.resolve_objection(&tax, objection, &decision);
            let import = app.import_upload(
                &tax,
                "tax",
                2024,
                "t.csv",
                &file,
                Confirm {
                    warnings: true,
                    overwrite_reason: Some("以税务系统为准"),
                },
            );
            let (a, i) = tokio::join!(accept, import);
            a.unwrap();
            assert!(matches!(i.unwrap(), ImportOutcome::Imported { .. }), "{name}");
            let mut c = app.store().read().await.unwrap();
            let current: Vec<_> = figures::current(&mut c, own, 2024)
                .await
                .unwrap()
                .into_iter()
                .filter(|f| f.field == "tax_paid")
                .collect();
            assert_eq!(current.len(), 1, "{name}: round {round}: one current value");
            let history = figures::history(&mut c, own, 2024, "tax_paid").await.unwrap();
            assert_eq!(history.iter().filter(|f| f.superseded_at.is_none()).count(), 1);
        }
    })
    .await;
}

#[tokio::test]
async fn a_job_is_taken_over_only_when_its_server_died() {
    each(async |app, name| {
        let city = login(&app, "city").await;
        // A run whose job a server claimed and then died on, before storing anything.
        let method = mujun_engine::presets::load("henan-2019").unwrap();
        let mut tx = app.store().begin().await.unwrap();
        let run = runs::insert(
            &mut tx,
            &runs::NewRun {
                year: 2024,
                title: "2024 年度亩均效益综合评价",
                method_ref: "preset:henan-2019",
                method_id: &method.id,
                method_hash: &method.hash,
                method_source: &method.source,
                previous_run_id: None,
                user_id: Some(city.user_id),
            },
        )
        .await
        .unwrap();
        let job = jobs::enqueue(&mut tx, "evaluate_run", &format!("{{\"run_id\":{run}}}"), 3)
            .await
            .unwrap();
        let backend = app.store().backend();
        jobs::claim(&mut tx, backend, "server-a", 0, Some(job))
            .await
            .unwrap()
            .unwrap();
        tx.commit().await.unwrap();
        // Another server, started now: it leaves the job alone while the heartbeat is fresh …
        let server_b = app.clone();
        assert!(!server_b.work_once().await.unwrap(), "{name}");
        assert_eq!(app.get_run(&city, run).await.unwrap().state, RunState::Running);
        // … and takes it over once it is stale, finishing the run.
        tokio::time::sleep(Duration::from_millis(5)).await;
        let server_b = app.clone().with_jobs(JobSettings {
            stale_after: Duration::from_millis(1),
            ..JobSettings::default()
        });
        assert!(server_b.work_once().await.unwrap(), "{name}");
        let view = app.get_run(&city, run).await.unwrap();
        assert_eq!(view.state, RunState::Draft, "{name}: {}", view.run.message);
        let mut c = app.store().read().await.unwrap();
        let done = jobs::get(&mut c, job).await.unwrap().unwrap();
        assert_eq!((done.state.as_str(), done.attempts), ("done", 2));
        // The dead server's late result is refused: it no longer owns the job.
        assert!(!jobs::finish(&mut c, job, "server-a").await.unwrap());
    })
    .await;
}
