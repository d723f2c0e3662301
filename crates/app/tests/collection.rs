//! Collection use cases on SQLite and PostgreSQL: template → upload round trip, whole-file
//! rejection, warnings and confirmation, history on re-import, concurrent imports, permissions,
//! rounds and the completeness board.
#![allow(clippy::unwrap_used)]

use mujun_app::collection::imports::Confirm;
use mujun_app::collection::imports::ImportOutcome;
use mujun_app::collection::land::{LeaseForm, ParcelForm};
use mujun_app::{Actor, App, AppError, HashCost, Security};
use mujun_store::testing;
use mujun_store::{audit, figures};

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
        app.seed_demo(80, 3).await.unwrap().unwrap();
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

/// A CSV upload for the tax department: one value per enterprise.
fn tax_csv(rows: &[(String, String)]) -> Vec<u8> {
    let mut s = String::from("统一社会信用代码,实缴税收（万元）\n");
    for (c, v) in rows {
        s.push_str(&format!("{c},{v}\n"));
    }
    s.into_bytes()
}

async fn codes(app: &App, n: usize) -> Vec<(i64, String)> {
    mujun_store::enterprises::collection_roster(app.store().read_typed().await.unwrap().conn(), 2024)
        .await
        .unwrap()
        .into_iter()
        .take(n)
        .map(|r| (r.id, r.credit_code))
        .collect()
}

async fn current_tax(app: &App, id: i64) -> Option<f64> {
    let mut c = app.store().read().await.unwrap();
    figures::current(&mut c, id, 2024)
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.field == "tax_paid")
        .and_then(|f| f.value)
}

#[tokio::test]
async fn the_template_uploads_back_unchanged_and_re_import_keeps_history() {
    each(async |app, name| {
        let tax = login(&app, "tax").await;
        let (file, bytes) = app.department_template(&tax, "tax", 2024).await.unwrap();
        assert!(file.ends_with(".xlsx") && file.contains("税务"), "{file}");
        // The pre-filled template is itself a valid upload: it stores the same values again.
        match app
            .import_upload(&tax, "tax", 2024, &file, &bytes, Confirm::NONE)
            .await
            .unwrap()
        {
            ImportOutcome::Imported { rows, values, .. } => {
                assert!(rows >= 80, "{name}: every enterprise of the roster");
                assert!(values > 0);
            }
            other => panic!("{name}: {other:?}"),
        }
        let (id, code) = codes(&app, 1).await.remove(0);
        let before = current_tax(&app, id).await;
        match app
            .import_upload(
                &tax,
                "tax",
                2024,
                "t.csv",
                &tax_csv(&[(code.clone(), "123.45".into())]),
                Confirm::WARNINGS,
            )
            .await
            .unwrap()
        {
            ImportOutcome::Imported { values: 1, .. } => {}
            other => panic!("{other:?}"),
        }
        assert_eq!(current_tax(&app, id).await, Some(123.45), "{name}");
        let mut c = app.store().read().await.unwrap();
        let history = figures::history(&mut c, id, 2024, "tax_paid").await.unwrap();
        assert!(
            history.len() >= 3,
            "{name}: seed, template re-import, correction all kept"
        );
        assert_eq!(history[1].value, before);
        assert!(history[0].batch_id.is_some() && history[0].source == "import");
        let e = audit::search(
            &mut c,
            &audit::Filter {
                action: Some("import".into()),
                ..Default::default()
            },
            10,
            0,
        )
        .await
        .unwrap()
        .0;
        assert!(
            e.iter().any(|x| x.detail.contains("file_hash")),
            "{name}: audited with the file hash"
        );
    })
    .await;
}

#[tokio::test]
async fn one_bad_row_stores_nothing_and_marks_the_cell() {
    each(async |app, name| {
        let tax = login(&app, "tax").await;
        let list = codes(&app, 20).await;
        let mut rows: Vec<(String, String)> = list.iter().map(|(_, c)| (c.clone(), "77".into())).collect();
        rows[13].1 = "七十七".into();
        let before = current_tax(&app, list[0].0).await;
        match app
            .import_upload(&tax, "tax", 2024, "t.csv", &tax_csv(&rows), Confirm::WARNINGS)
            .await
            .unwrap()
        {
            ImportOutcome::Rejected {
                errors,
                warnings,
                marked,
            } => {
                assert_eq!(errors.len(), 1, "{name}");
                assert_eq!((errors[0].row, errors[0].value.as_str()), (15, "七十七"));
                // The marked workbook, made again from the kept upload, for its sender only.
                let id = marked.unwrap();
                let file = app.marked_workbook(&tax, id).await.unwrap();
                let bytes = file.into_bytes().unwrap();
                assert_eq!(&bytes[..2], b"PK");
                use calamine::Reader;
                let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
                let list = book.worksheet_range("问题清单").unwrap();
                // The header, the one error, and every warning (a jump from last year's figure).
                assert_eq!(
                    list.get_size().0,
                    2 + warnings.len(),
                    "{name}: header, the one error and the warnings"
                );
                assert_eq!(
                    list.get_value((1, 3)).map(ToString::to_string).as_deref(),
                    Some("错误"),
                    "{name}: errors first"
                );
                let stats = login(&app, "stats").await;
                assert!(matches!(
                    app.marked_workbook(&stats, id).await,
                    Err(AppError::NotFound(_))
                ));
                // Never confirmable.
                assert!(matches!(
                    app.confirm_import(&tax, id, None).await,
                    Err(AppError::NotFound(_))
                ));
            }
            other => panic!("{name}: {other:?}"),
        }
        assert_eq!(
            current_tax(&app, list[0].0).await,
            before,
            "{name}: nothing stored"
        );
    })
    .await;
}

#[tokio::test]
async fn warnings_wait_for_confirmation() {
    each(async |app, name| {
        let tax = login(&app, "tax").await;
        let (id, code) = codes(&app, 1).await.remove(0);
        // Last year's value, then a value ~10,000 times larger: 元 typed into 万元.
        let mut c = app.store().begin().await.unwrap();
        figures::record(
            &mut c,
            app.store().backend(),
            &[figures::NewFigure {
                enterprise_id: id,
                year: 2023,
                field: "tax_paid".into(),
                value: Some(120.0),
                department_id: None,
                source: "manual".into(),
                batch_id: None,
                user_id: None,
            }],
        )
        .await
        .unwrap();
        c.commit().await.unwrap();
        let pending = match app
            .import_upload(
                &tax,
                "tax",
                2024,
                "t.csv",
                &tax_csv(&[(code.clone(), "1200000".into())]),
                Confirm::NONE,
            )
            .await
            .unwrap()
        {
            ImportOutcome::NeedsConfirmation {
                pending_id,
                warnings,
                values,
                ..
            } => {
                assert_eq!(values, 1);
                assert!(
                    warnings[0].message.contains("元"),
                    "{name}: {}",
                    warnings[0].message
                );
                pending_id
            }
            other => panic!("{name}: {other:?}"),
        };
        assert_ne!(
            current_tax(&app, id).await,
            Some(1_200_000.0),
            "not stored before confirmation"
        );
        // Only its sender can confirm it.
        let city = login(&app, "city").await;
        assert!(matches!(
            app.confirm_import(&city, pending, None).await,
            Err(AppError::NotFound(_))
        ));
        match app.confirm_import(&tax, pending, None).await.unwrap() {
            ImportOutcome::Imported {
                warnings_confirmed: 1,
                ..
            } => {}
            other => panic!("{other:?}"),
        }
        assert_eq!(current_tax(&app, id).await, Some(1_200_000.0), "{name}");
        assert!(
            matches!(
                app.confirm_import(&tax, pending, None).await,
                Err(AppError::NotFound(_))
            ),
            "used once"
        );
    })
    .await;
}

#[tokio::test]
async fn permissions_of_templates_and_imports() {
    each(async |app, name| {
        let tax = login(&app, "tax").await;
        let stats = login(&app, "stats").await;
        let county = login(&app, "yicheng").await;
        let city = login(&app, "city").await;
        assert!(
            matches!(
                app.department_template(&stats, "tax", 2024).await,
                Err(AppError::Forbidden(_))
            ),
            "{name}"
        );
        assert!(matches!(
            app.department_template(&county, "tax", 2024).await,
            Err(AppError::Forbidden(_))
        ));
        let (_, code) = codes(&app, 1).await.remove(0);
        assert!(matches!(
            app.import_upload(
                &stats,
                "tax",
                2024,
                "t.csv",
                &tax_csv(&[(code.clone(), "1".into())]),
                Confirm::WARNINGS
            )
            .await,
            Err(AppError::Forbidden(_))
        ));
        // A department's file carrying another department's column is refused.
        let bytes = format!("统一社会信用代码,主营业务收入（万元）\n{code},5\n").into_bytes();
        assert!(matches!(
            app.import_upload(&tax, "tax", 2024, "t.csv", &bytes, Confirm::WARNINGS)
                .await
                .unwrap(),
            ImportOutcome::Rejected { .. }
        ));
        // The city administrator may import on a department's behalf.
        assert!(matches!(
            app.import_upload(
                &city,
                "tax",
                2024,
                "t.csv",
                &tax_csv(&[(code, "9".into())]),
                Confirm::WARNINGS
            )
            .await
            .unwrap(),
            ImportOutcome::Imported { .. }
        ));
        let mut c = app.store().read().await.unwrap();
        let denied = audit::search(
            &mut c,
            &audit::Filter {
                outcome: Some("denied".into()),
                ..Default::default()
            },
            50,
            0,
        )
        .await
        .unwrap()
        .1;
        assert!(denied >= 3, "{name}: refusals audited");
    })
    .await;
}

#[tokio::test]
async fn two_departments_import_at_the_same_time() {
    each(async |app, name| {
        let tax = login(&app, "tax").await;
        let stats = login(&app, "stats").await;
        let list = codes(&app, 30).await;
        let tax_file = tax_csv(
            &list
                .iter()
                .map(|(_, c)| (c.clone(), "11".into()))
                .collect::<Vec<_>>(),
        );
        let mut s = String::from("统一社会信用代码,主营业务收入（万元）\n");
        for (_, c) in &list {
            s.push_str(&format!("{c},2222\n"));
        }
        let stats_file = s.into_bytes();
        let (a, b) = tokio::join!(
            app.import_upload(&tax, "tax", 2024, "tax.csv", &tax_file, Confirm::WARNINGS),
            app.import_upload(
                &stats,
                "statistics",
                2024,
                "stats.csv",
                &stats_file,
                Confirm::WARNINGS
            )
        );
        assert!(
            matches!(a.unwrap(), ImportOutcome::Imported { values: 30, .. }),
            "{name}"
        );
        assert!(
            matches!(b.unwrap(), ImportOutcome::Imported { values: 30, .. }),
            "{name}"
        );
        let mut c = app.store().read().await.unwrap();
        let cur = figures::current(&mut c, list[0].0, 2024).await.unwrap();
        assert_eq!(
            cur.iter().find(|f| f.field == "tax_paid").unwrap().value,
            Some(11.0)
        );
        assert_eq!(
            cur.iter().find(|f| f.field == "main_revenue").unwrap().value,
            Some(2222.0)
        );
        assert!(
            matches!(
                audit::verify(&mut c, app.store().audit_key()).await.unwrap(),
                audit::Verification::Intact { .. }
            ),
            "{name}: one chain"
        );
    })
    .await;
}

#[tokio::test]
async fn rounds_board_submit_review_and_copy_last_year() {
    each(async |app, name| {
        let city = login(&app, "city").await;
        let tax = login(&app, "tax").await;
        let land_dept = {
            let mut c = app.store().read().await.unwrap();
            mujun_store::departments::list(&mut c).await.unwrap()
        };
        let id_of = |code: &str| land_dept.iter().find(|d| d.code == code).unwrap().id;
        let round = app
            .open_round(
                &city,
                2025,
                "",
                &[
                    (id_of("tax"), "2026-03-31".into()),
                    (id_of("natural_resources"), "2000-01-01".into()),
                ],
            )
            .await
            .unwrap();
        assert!(
            app.open_round(&city, 2025, "", &[(id_of("tax"), "2026-03-31".into())])
                .await
                .is_err(),
            "one open round per year"
        );
        assert!(matches!(
            app.open_round(&tax, 2026, "", &[]).await,
            Err(AppError::Forbidden(_))
        ));
        let board = app.round_board(&city, round).await.unwrap();
        assert_eq!(board.rows.len(), 2, "{name}");
        let land = board
            .rows
            .iter()
            .find(|r| r.department_code == "natural_resources")
            .unwrap();
        assert!(land.overdue, "past its deadline");
        assert_eq!(land.filled, 0, "nothing reported for 2025 yet");
        assert!(land.required > 0);
        assert_eq!(
            app.round_board(&tax, round).await.unwrap().rows.len(),
            1,
            "a department sees its own line"
        );
        // Land is slow-moving: copy 2024 into 2025.
        match app
            .copy_last_year(&city, "natural_resources", 2025)
            .await
            .unwrap()
        {
            ImportOutcome::Imported { values, .. } => assert!(values > 0, "{name}"),
            other => panic!("{other:?}"),
        }
        assert!(
            app.copy_last_year(&city, "tax", 2025).await.is_err(),
            "tax is not slow-moving"
        );
        let board = app.round_board(&city, round).await.unwrap();
        assert!(
            board
                .rows
                .iter()
                .find(|r| r.department_code == "natural_resources")
                .unwrap()
                .filled
                > 0
        );
        // Submit, return with a reason, submit again, confirm.
        app.submit_task(&tax, round).await.unwrap();
        assert!(app.submit_task(&tax, round).await.is_err(), "not twice");
        assert!(
            app.review_task(&city, round, id_of("tax"), false, " ")
                .await
                .is_err(),
            "a return needs a reason"
        );
        app.review_task(&city, round, id_of("tax"), false, "缺少规下企业")
            .await
            .unwrap();
        app.submit_task(&tax, round).await.unwrap();
        app.review_task(&city, round, id_of("tax"), true, "")
            .await
            .unwrap();
        let board = app.round_board(&city, round).await.unwrap();
        assert_eq!(
            board
                .rows
                .iter()
                .find(|r| r.department_code == "tax")
                .unwrap()
                .task
                .status,
            "confirmed"
        );
        app.close_round(&city, round).await.unwrap();
        assert_eq!(app.list_rounds(&tax).await.unwrap()[0].status, "closed");
        assert_eq!(
            app.import_history(&city, "natural_resources", 2025)
                .await
                .unwrap()[0]
                .source,
            "copy_last_year"
        );
    })
    .await;
}

#[tokio::test]
async fn api_push_uses_the_same_checks() {
    each(async |app, name| {
        let tax = login(&app, "tax").await;
        let (id, code) = codes(&app, 1).await.remove(0);
        let bad = app
            .push_values(
                &tax,
                "tax",
                2024,
                &[(code.clone(), "tax_paid".into(), "abc".into())],
                Confirm::WARNINGS,
            )
            .await
            .unwrap();
        assert!(matches!(bad, ImportOutcome::Rejected { .. }), "{name}");
        let ok = app
            .push_values(
                &tax,
                "tax",
                2024,
                &[(code.clone(), "tax_paid".into(), "42.5".into())],
                Confirm::WARNINGS,
            )
            .await
            .unwrap();
        assert!(matches!(ok, ImportOutcome::Imported { values: 1, .. }), "{name}");
        assert_eq!(current_tax(&app, id).await, Some(42.5));
        let other = app
            .push_values(
                &tax,
                "tax",
                2024,
                &[(code, "main_revenue".into(), "1".into())],
                Confirm::WARNINGS,
            )
            .await
            .unwrap();
        assert!(
            matches!(other, ImportOutcome::Rejected { .. }),
            "another department's item"
        );
    })
    .await;
}

#[tokio::test]
async fn self_check_disputes_go_to_the_owning_department() {
    each(async |app, name| {
        let qiye = login(&app, "qiye").await;
        let tax = login(&app, "tax").await;
        let stats = login(&app, "stats").await;
        let lines = app.self_check(&qiye, 2024).await.unwrap();
        let with_values: Vec<&str> = lines
            .iter()
            .filter(|l| l.figure.is_some())
            .map(|l| l.item.id.as_str())
            .collect();
        assert!(with_values.contains(&"tax_paid"), "{name}: {with_values:?}");
        app.check_figure(&qiye, 2024, "main_revenue", false, "")
            .await
            .unwrap();
        assert!(
            app.check_figure(&qiye, 2024, "tax_paid", true, " ")
                .await
                .is_err(),
            "a dispute needs a reason"
        );
        let id = app
            .check_figure(&qiye, 2024, "tax_paid", true, "含上年补缴税款，应扣除")
            .await
            .unwrap();
        // Others cannot check an enterprise's figures; the statistics bureau does not see tax disputes.
        assert!(matches!(
            app.check_figure(&tax, 2024, "tax_paid", false, "").await,
            Err(AppError::Forbidden(_))
        ));
        assert!(
            app.dispute_queue(&stats, 2024)
                .await
                .unwrap()
                .iter()
                .all(|d| d.check.item != "tax_paid")
        );
        assert!(
            matches!(
                app.resolve_dispute(&stats, id, None, "不是我们的").await,
                Err(AppError::Forbidden(_))
            ),
            "{name}"
        );
        let queue = app.dispute_queue(&tax, 2024).await.unwrap();
        assert_eq!(queue.len(), 1);
        assert_eq!(queue[0].check.comment, "含上年补缴税款，应扣除");
        app.resolve_dispute(&tax, id, Some(88.0), "已扣除补缴部分")
            .await
            .unwrap();
        assert!(
            app.resolve_dispute(&tax, id, None, "再次").await.is_err(),
            "resolved once"
        );
        let lines = app.self_check(&qiye, 2024).await.unwrap();
        let line = lines.iter().find(|l| l.item.id == "tax_paid").unwrap();
        assert_eq!(
            line.figure.as_ref().unwrap().value,
            Some(88.0),
            "{name}: corrected value stored"
        );
        assert_eq!(line.last.as_ref().unwrap().status, "corrected");
        let mut c = app.store().read().await.unwrap();
        let h = figures::history(
            &mut c,
            line.figure.as_ref().unwrap().enterprise_id,
            2024,
            "tax_paid",
        )
        .await
        .unwrap();
        assert_eq!(h[0].source, "correction");
        assert!(h.len() >= 2, "the disputed value stays in the history");
    })
    .await;
}

#[tokio::test]
async fn land_is_derived_from_parcels_and_leases() {
    use mujun_domain::units::AreaUnit;
    each(async |app, name| {
        let city = login(&app, "city").await;
        let tax = login(&app, "tax").await;
        let list = codes(&app, 2).await;
        let (a, b) = (&list[0], &list[1]);
        let holders = |x: f64, y: f64| vec![(a.1.clone(), x), (b.1.clone(), y)];
        // 40,000 m² = 60 亩, split 40 / 20.
        let p = parcel(
            "豫(2020)驻马店市不动产权第0000001号",
            40_000.0,
            AreaUnit::SquareMetre,
            holders(40.0, 20.0),
        );
        assert!(app.add_parcel(&city, &p).await.unwrap() > 0);
        // Shares may not exceed the parcel (never counted twice).
        let over = parcel(
            "豫(2020)驻马店市不动产权第0000002号",
            10.0,
            AreaUnit::Mu,
            holders(8.0, 3.0),
        );
        assert!(
            matches!(app.add_parcel(&city, &over).await, Err(AppError::Invalid(_))),
            "{name}"
        );
        let by_tax = parcel("X", 1.0, AreaUnit::Mu, vec![(a.1.clone(), 1.0)]);
        assert!(matches!(
            app.add_parcel(&tax, &by_tax).await,
            Err(AppError::Forbidden(_))
        ));
        let lease = |lessor: Option<&str>, lessee: Option<&str>, area_mu: f64, start: &str| LeaseForm {
            lessor: lessor.map(str::to_owned),
            lessee: lessee.map(str::to_owned),
            area_mu,
            start: start.into(),
            end: None,
            note: String::new(),
        };
        app.add_lease(&city, &lease(Some(&a.1), Some(&b.1), 5.0, "2023-01-01"))
            .await
            .unwrap();
        app.add_lease(&city, &lease(None, Some(&a.1), 2.5, "2025-01-01"))
            .await
            .unwrap();
        let da = app.land_derivation(&city, a.0, 2024).await.unwrap().unwrap();
        assert_eq!(da.total_mu, 35.0, "{name}: 40 − 5");
        assert!(
            da.explain()
                .contains("自有 40 亩 − 出租 5 亩 + 承租 0 亩 = 35 亩"),
            "{}",
            da.explain()
        );
        let db = app.land_derivation(&city, b.0, 2024).await.unwrap().unwrap();
        assert_eq!(db.total_mu, 25.0, "20 + 5");
        assert_eq!(
            app.land_derivation(&city, a.0, 2025)
                .await
                .unwrap()
                .unwrap()
                .total_mu,
            37.5,
            "lease in from 2025"
        );
        let other = codes(&app, 3).await.remove(2);
        assert!(
            app.land_derivation(&city, other.0, 2024).await.unwrap().is_none(),
            "no records: the imported figure counts"
        );
    })
    .await;
}

#[tokio::test]
async fn quality_report_finds_missing_contradictions_and_jumps() {
    each(async |app, name| {
        let city = login(&app, "city").await;
        let tax = login(&app, "tax").await;
        let (id, code) = codes(&app, 1).await.remove(0);
        // Profit above revenue, and a tax ten times last year's.
        let stats = login(&app, "stats").await;
        let file =
            format!("统一社会信用代码,利润总额（万元）,主营业务收入（万元）\n{code},900,100\n").into_bytes();
        assert!(matches!(
            app.import_upload(&stats, "statistics", 2024, "s.csv", &file, Confirm::WARNINGS)
                .await
                .unwrap(),
            ImportOutcome::Imported { .. }
        ));
        let mut c = app.store().begin().await.unwrap();
        figures::record(
            &mut c,
            app.store().backend(),
            &[figures::NewFigure {
                enterprise_id: id,
                year: 2023,
                field: "tax_paid".into(),
                value: Some(10.0),
                department_id: None,
                source: "manual".into(),
                batch_id: None,
                user_id: None,
            }],
        )
        .await
        .unwrap();
        c.commit().await.unwrap();
        app.import_upload(
            &tax,
            "tax",
            2024,
            "t.csv",
            &tax_csv(&[(code.clone(), "100".into())]),
            Confirm::WARNINGS,
        )
        .await
        .unwrap();
        let report = app.quality_report(&city, 2024).await.unwrap();
        let mine: Vec<_> = report.findings.iter().filter(|f| f.enterprise_id == id).collect();
        assert!(
            mine.iter().any(
                |f| f.kind == mujun_app::collection::quality::FindingKind::Contradiction
                    && f.message.contains("利润总额大于主营业务收入")
            ),
            "{name}: {mine:?}"
        );
        assert!(
            mine.iter()
                .any(|f| f.kind == mujun_app::collection::quality::FindingKind::Jump
                    && f.items == ["tax_paid"])
        );
        // A year nobody reported: everything is missing, and land/tax/scale block a run.
        let empty = app.quality_report(&city, 2030).await.unwrap();
        assert!(empty.blocking() > 0, "{name}");
        // A department sees its own findings only.
        let own = app.quality_report(&tax, 2024).await.unwrap();
        assert!(own.findings.iter().all(|f| f.department_code == "tax"));
        let county = login(&app, "yicheng").await;
        assert!(matches!(
            app.quality_report(&county, 2024).await,
            Err(AppError::Forbidden(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn sharing_an_item_shows_it_to_another_department() {
    each(async |app, name| {
        let city = login(&app, "city").await;
        let stats = login(&app, "stats").await;
        let (id, _) = codes(&app, 1).await.remove(0);
        let before = app.enterprise_detail(&stats, id, 2024).await.unwrap();
        assert!(
            !before.figures.iter().any(|f| f.field.id() == "tax_paid"),
            "{name}: not shared by default"
        );
        assert!(matches!(
            app.set_item_sharing(&stats, "tax_paid", &["statistics".into()])
                .await,
            Err(AppError::Forbidden(_))
        ));
        app.set_item_sharing(&city, "tax_paid", &["statistics".into()])
            .await
            .unwrap();
        let after = app.enterprise_detail(&stats, id, 2024).await.unwrap();
        assert!(
            after.figures.iter().any(|f| f.field.id() == "tax_paid"),
            "{name}: shared"
        );
        assert!(
            app.set_item_sharing(&city, "tax_paid", &["nope".into()])
                .await
                .is_err()
        );
    })
    .await;
}

fn parcel(
    no: &str,
    area: f64,
    unit: mujun_domain::units::AreaUnit,
    holders: Vec<(String, f64)>,
) -> ParcelForm {
    ParcelForm {
        certificate_no: no.into(),
        area,
        unit,
        supply_date: Some("2015-03-01".into()),
        land_use: "工业用地".into(),
        holders,
    }
}

#[tokio::test]
async fn pending_uploads_can_be_dropped_and_corrections_respect_the_item_kind() {
    each(async |app, name| {
        let tax = login(&app, "tax").await;
        let (id, code) = codes(&app, 1).await.remove(0);
        let mut c = app.store().begin().await.unwrap();
        figures::record(
            &mut c,
            app.store().backend(),
            &[figures::NewFigure {
                enterprise_id: id,
                year: 2023,
                field: "tax_paid".into(),
                value: Some(1.0),
                department_id: None,
                source: "manual".into(),
                batch_id: None,
                user_id: None,
            }],
        )
        .await
        .unwrap();
        c.commit().await.unwrap();
        let ImportOutcome::NeedsConfirmation { pending_id, .. } = app
            .import_upload(
                &tax,
                "tax",
                2024,
                "t.csv",
                &tax_csv(&[(code, "500000".into())]),
                Confirm::NONE,
            )
            .await
            .unwrap()
        else {
            panic!("{name}: expected a warning")
        };
        let city = login(&app, "city").await;
        assert!(
            matches!(
                app.cancel_import(&city, pending_id).await,
                Err(AppError::NotFound(_))
            ),
            "only its sender"
        );
        app.cancel_import(&tax, pending_id).await.unwrap();
        assert!(
            matches!(
                app.confirm_import(&tax, pending_id, None).await,
                Err(AppError::NotFound(_))
            ),
            "{name}: dropped"
        );

        // A flag can only be corrected to 0 or 1; confirming needs a value.
        let qiye = login(&app, "qiye").await;
        let science = {
            let admin = login(&app, "admin").await;
            let opts = app.account_form_options(&admin).await.unwrap();
            let dept = opts.departments.iter().find(|d| d.code == "science").unwrap().id;
            let form = mujun_app::accounts::AccountForm {
                username: "keji".into(),
                display_name: "科技局".into(),
                role: "department".into(),
                department_id: Some(dept),
                active: true,
                ..Default::default()
            };
            app.create_account(&admin, &form, "Science-Bureau-1")
                .await
                .unwrap();
            let mut a = app
                .login("keji", "Science-Bureau-1", "127.0.0.1", None)
                .await
                .unwrap()
                .actor;
            a.must_change_password = false;
            a
        };
        let check = app
            .check_figure(&qiye, 2024, "bonus.high_tech", true, "我们是高新技术企业")
            .await
            .unwrap();
        assert!(
            matches!(
                app.resolve_dispute(&science, check, Some(5.0), "更正").await,
                Err(AppError::Invalid(_))
            ),
            "{name}"
        );
        app.resolve_dispute(&science, check, Some(1.0), "已核实，更正为是")
            .await
            .unwrap();
        let lines = app.self_check(&qiye, 2024).await.unwrap();
        assert!(
            lines.iter().any(|l| l.item.id == "scale" && l.figure.is_some()),
            "{name}: scale has its provenance"
        );
        let empty = lines
            .iter()
            .find(|l| l.figure.is_none())
            .map(|l| l.item.id.clone());
        if let Some(item) = empty {
            assert!(
                matches!(
                    app.check_figure(&qiye, 2024, &item, false, "").await,
                    Err(AppError::Invalid(_))
                ),
                "nothing to confirm"
            );
        }
    })
    .await;
}
