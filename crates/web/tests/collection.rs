//! Data collection pages on SQLite and PostgreSQL, through the real router: templates and
//! uploads (round trip, errors with the marked workbook, warnings and confirmation, CSRF),
//! rounds and the completeness board, self-check and disputes, the quality report and its
//! exports, catalogue sharing, and land records.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::{StatusCode, header};
use common::*;
use mujun_app::Actor;
use mujun_store::figures;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The actor behind a signed-in browser (to ask the use cases what to expect).
async fn actor(s: &TestServer, b: &Browser) -> Actor {
    s.app.session(&b.cookie, "127.0.0.1").await.unwrap().actor
}

/// Uploads a file and confirms its warnings if it has any; the values must end up stored.
async fn import(s: &TestServer, b: &Browser, department: &str, year: &str, name: &str, bytes: &[u8]) {
    let res = upload(
        s,
        b,
        &[("department", department), ("year", year)],
        Some((name, bytes)),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}: {}", s.name, res.body);
    let res = match number_after(&res.body, "name=\"pending_id\" value=\"") {
        Some(pending) => {
            s.post(
                "/collection/import/confirm",
                Some(b),
                &[
                    ("pending_id", &pending.to_string()),
                    ("department", department),
                    ("year", year),
                ],
            )
            .await
        }
        None => res,
    };
    assert!(
        res.body.contains(&format!("已提交 {year} 年度")) && res.body.contains("家企业、"),
        "{}: the message names the year, the department and the counts: {}",
        s.name,
        res.body
    );
}

/// The first `n` enterprises of the collection roster: (id, credit code).
async fn roster(s: &TestServer, n: usize) -> Vec<(i64, String)> {
    mujun_store::enterprises::collection_roster(s.app.store().read_typed().await.unwrap().conn(), 2024)
        .await
        .unwrap()
        .into_iter()
        .take(n)
        .map(|r| (r.id, r.credit_code))
        .collect()
}

/// The current value of a field of an enterprise in a year.
async fn current(s: &TestServer, id: i64, year: i64, field: &str) -> Option<f64> {
    let mut c = s.app.store().read().await.unwrap();
    figures::current(&mut c, id, year)
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.field == field)
        .and_then(|f| f.value)
}

/// Records a value directly (to plant last year's figure).
async fn plant(s: &TestServer, id: i64, year: i64, field: &str, value: f64) {
    let mut c = s.app.store().begin().await.unwrap();
    figures::record(
        &mut c,
        s.app.store().backend(),
        &[figures::NewFigure {
            enterprise_id: id,
            year,
            field: field.into(),
            value: Some(value),
            department_id: None,
            source: "manual".into(),
            batch_id: None,
            user_id: None,
        }],
    )
    .await
    .unwrap();
    c.commit().await.unwrap();
}

/// A tax CSV: one 实缴税收 per enterprise.
fn tax_csv(rows: &[(&str, &str)]) -> Vec<u8> {
    let mut s = String::from("统一社会信用代码,实缴税收（万元）\n");
    for (c, v) in rows {
        s.push_str(&format!("{c},{v}\n"));
    }
    s.into_bytes()
}

/// The first number after `marker` in `html`.
fn number_after(html: &str, marker: &str) -> Option<i64> {
    let i = html.find(marker)? + marker.len();
    let digits: String = html[i..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Borrowed pairs of owned form fields.
fn pairs<'a>(f: &'a [(&'static str, String); 3]) -> [(&'static str, &'a str); 3] {
    f.each_ref().map(|(k, v)| (*k, v.as_str()))
}

/// The department ids by code.
async fn department_id(s: &TestServer, code: &str) -> i64 {
    let mut c = s.app.store().read().await.unwrap();
    mujun_store::departments::list(&mut c)
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.code == code)
        .unwrap()
        .id
}

// ---- templates and uploads ----

#[tokio::test]
async fn the_template_is_an_xlsx_for_its_department_only() {
    each(async |s| {
        let tax = s.login("tax").await;
        let res = s
            .raw_get("/collection/template?department=tax&year=2024", Some(&tax))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", s.name);
        assert_eq!(res.header(header::CONTENT_TYPE), XLSX);
        assert!(res.bytes.starts_with(b"PK"), "{}: a zip container", s.name);
        let disposition = res.header(header::CONTENT_DISPOSITION);
        assert!(
            disposition.starts_with("attachment;")
                && disposition.contains("filename*=UTF-8''2024%E5%B9%B4%E5%BA%A6"),
            "{disposition}"
        );
        // Without a department: the officer's own.
        let own = s.raw_get("/collection/template?year=2024", Some(&tax)).await;
        assert_eq!(own.status, StatusCode::OK);
        // Another department's template is refused (and audited by the use case).
        let stats = s.login("stats").await;
        let res = s
            .get("/collection/template?department=tax&year=2024", Some(&stats))
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", s.name);
        let county = s.login("yicheng").await;
        let res = s
            .get("/collection/template?department=tax&year=2024", Some(&county))
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        // The page offers the download for the chosen year.
        let page = s.get("/collection/import?year=2024", Some(&tax)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body
                .contains("/collection/template?department=tax&amp;year=2024")
        );
        assert!(page.body.contains("enctype=\"multipart/form-data\""));
    })
    .await;
}

#[tokio::test]
async fn the_downloaded_template_uploads_back_and_the_history_shows_it() {
    each(async |s| {
        let tax = s.login("tax").await;
        let before = s
            .app
            .import_history(&actor(s, &tax).await, "tax", 2024)
            .await
            .unwrap()
            .len();
        let template = s
            .raw_get("/collection/template?department=tax&year=2024", Some(&tax))
            .await;
        let res = upload(
            s,
            &tax,
            &[("department", "tax"), ("year", "2024")],
            Some(("2024年度-税务局-数据填报模板.xlsx", &template.bytes)),
        )
        .await;
        assert_eq!(res.status, StatusCode::OK, "{}: {}", s.name, res.body);
        assert!(res.body.contains("已提交 2024 年度"), "{}", res.body);
        let history = s
            .app
            .import_history(&actor(s, &tax).await, "tax", 2024)
            .await
            .unwrap();
        assert_eq!(history.len(), before + 1, "{}", s.name);
        let batch = &history[0];
        assert_eq!(batch.source, "xlsx");
        assert!(batch.row_count >= 120 && batch.value_count > 0);
        assert!(res.body.contains(&format!("批次 {}", batch.id)));
        let page = s.get("/collection/import?year=2024", Some(&tax)).await;
        assert!(
            page.body.contains("2024年度-税务局-数据填报模板.xlsx"),
            "{}",
            s.name
        );
        assert!(page.body.contains(&batch.file_hash[..12]), "hash prefix shown");
        assert!(page.body.contains(&format!("data-batch=\"{}\"", batch.id)));
    })
    .await;
}

#[tokio::test]
async fn a_bad_cell_is_listed_by_row_and_column_and_nothing_is_stored() {
    each(async |s| {
        let tax = s.login("tax").await;
        let list = roster(s, 3).await;
        let before: Vec<Option<f64>> = {
            let mut v = Vec::new();
            for (id, _) in &list {
                v.push(current(s, *id, 2024, "tax_paid").await);
            }
            v
        };
        let file = tax_csv(&[(&list[0].1, "11"), (&list[1].1, "七十七"), (&list[2].1, "33")]);
        let res = upload(
            s,
            &tax,
            &[("department", "tax"), ("year", "2024")],
            Some(("bad.csv", &file)),
        )
        .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", s.name);
        assert!(res.body.contains("整个文件未导入"), "{}", res.body);
        assert!(
            res.body
                .contains("<td>第 3 行</td><td>实缴税收（万元）</td><td><code>七十七</code></td>"),
            "{}",
            res.body
        );
        for ((id, _), b) in list.iter().zip(&before) {
            assert_eq!(
                current(s, *id, 2024, "tax_paid").await,
                *b,
                "{}: nothing stored",
                s.name
            );
        }
        // The marked workbook downloads, for its sender only.
        let start = res.body.find("/collection/import/marked/").unwrap();
        let link: String = res.body[start..].chars().take_while(|c| *c != '"').collect();
        let marked = s.raw_get(&link, Some(&tax)).await;
        assert_eq!(marked.status, StatusCode::OK, "{}", s.name);
        assert_eq!(marked.header(header::CONTENT_TYPE), XLSX);
        assert!(marked.bytes.starts_with(b"PK"));
        assert!(
            marked
                .header(header::CONTENT_DISPOSITION)
                .contains("filename*=UTF-8''bad-")
        );
        let city = s.login("city").await;
        assert_eq!(s.raw_get(&link, Some(&city)).await.status, StatusCode::NOT_FOUND);
        // A file that is no workbook: shown in the import page.
        let res = upload(
            s,
            &tax,
            &[("department", "tax"), ("year", "2024")],
            Some(("x.pdf", b"%PDF")),
        )
        .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("只接受 .xlsx 或 .csv 文件"), "{}", res.body);
        // No file at all.
        let res = upload(s, &tax, &[("department", "tax"), ("year", "2024")], None).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("请选择要上传的文件"));
    })
    .await;
}

#[tokio::test]
async fn warnings_need_a_confirmation_then_the_file_imports() {
    each(async |s| {
        let tax = s.login("tax").await;
        let (id, code) = roster(s, 1).await.remove(0);
        plant(s, id, 2023, "tax_paid", 120.0).await;
        let file = tax_csv(&[(&code, "1200000")]);
        let res = upload(
            s,
            &tax,
            &[("department", "tax"), ("year", "2024")],
            Some(("yuan.csv", &file)),
        )
        .await;
        assert_eq!(res.status, StatusCode::OK, "{}: {}", s.name, res.body);
        assert!(res.body.contains("确认无误，导入") && res.body.contains("元"));
        assert!(res.body.contains("<code>1200000</code>"));
        assert_ne!(
            current(s, id, 2024, "tax_paid").await,
            Some(1_200_000.0),
            "not yet"
        );
        let pending = number_after(&res.body, "name=\"pending_id\" value=\"").unwrap();
        // Only its sender may confirm it.
        let city = s.login("city").await;
        let res = s
            .post(
                "/collection/import/confirm",
                Some(&city),
                &[("pending_id", &pending.to_string()), ("year", "2024")],
            )
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", s.name);
        let res = s
            .post(
                "/collection/import/confirm",
                Some(&tax),
                &[
                    ("pending_id", &pending.to_string()),
                    ("department", "tax"),
                    ("year", "2024"),
                    ("file_name", "yuan.csv"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert!(res.body.contains("已提交 2024 年度") && res.body.contains("1 条已确认的提示"));
        assert_eq!(
            current(s, id, 2024, "tax_paid").await,
            Some(1_200_000.0),
            "{}",
            s.name
        );
    })
    .await;
}

#[tokio::test]
async fn an_upload_without_the_session_token_is_refused() {
    each(async |s| {
        let tax = s.login("tax").await;
        let (id, code) = roster(s, 1).await.remove(0);
        let before = current(s, id, 2024, "tax_paid").await;
        let file = tax_csv(&[(&code, "4321")]);
        for csrf in ["forged", ""] {
            let res = upload(
                s,
                &tax,
                &[("_csrf", csrf), ("department", "tax"), ("year", "2024")],
                Some(("t.csv", &file)),
            )
            .await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{}: {csrf:?}", s.name);
        }
        assert_eq!(current(s, id, 2024, "tax_paid").await, before, "nothing stored");
        // The same upload with the token goes through.
        let res = upload(
            s,
            &tax,
            &[("department", "tax"), ("year", "2024")],
            Some(("t.csv", &file)),
        )
        .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert_eq!(current(s, id, 2024, "tax_paid").await, Some(4321.0));
        // Another department's upload is refused by the use case (and audited).
        let stats = s.login("stats").await;
        let res = upload(
            s,
            &stats,
            &[("department", "tax"), ("year", "2024")],
            Some(("t.csv", &tax_csv(&[(&code, "1")]))),
        )
        .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", s.name);
        assert_eq!(current(s, id, 2024, "tax_paid").await, Some(4321.0));
    })
    .await;
}

#[tokio::test]
async fn an_upload_larger_than_the_form_limit_is_accepted() {
    each(async |s| {
        let tax = s.login("tax").await;
        let (id, code) = roster(s, 1).await.remove(0);
        // 3 MB: above the site's 2 MB form limit, below the upload limit. The 备注 column is
        // for people and is ignored by the checks.
        let note = "备".repeat(1024 * 1024);
        let file = format!("统一社会信用代码,实缴税收（万元）,备注\n{code},4321,{note}\n");
        assert!(file.len() > 3 * 1024 * 1024);
        let res = upload(
            s,
            &tax,
            &[("department", "tax"), ("year", "2024")],
            Some(("big.csv", file.as_bytes())),
        )
        .await;
        assert_eq!(res.status, StatusCode::OK, "{}: {}", s.name, res.body);
        assert!(res.body.contains("已提交 2024 年度"), "{}", res.body);
        assert_eq!(current(s, id, 2024, "tax_paid").await, Some(4321.0));
        // The plain forms keep the 2 MB limit.
        let big = "x".repeat(3 * 1024 * 1024);
        let res = s
            .post(
                "/collection/import/copy",
                Some(&tax),
                &[("department", "tax"), ("year", &big)],
            )
            .await;
        assert_ne!(res.status, StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn copy_last_year_fills_slow_moving_items() {
    each(async |s| {
        let city = s.login("city").await;
        let res = s
            .post(
                "/collection/import/copy",
                Some(&city),
                &[("department", "natural_resources"), ("year", "2025")],
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}: {}", s.name, res.body);
        assert!(res.body.contains("已提交 2025 年度"), "{}", res.body);
        let (id, _) = roster(s, 1).await.remove(0);
        assert_eq!(
            current(s, id, 2025, "land_area_mu").await,
            current(s, id, 2024, "land_area_mu").await
        );
        let page = s
            .get(
                "/collection/import?department=natural_resources&year=2025",
                Some(&city),
            )
            .await;
        assert!(page.body.contains("沿用上年"), "{}", s.name);
        // Tax has nothing slow-moving: no button, and the use case refuses.
        let page = s
            .get("/collection/import?department=tax&year=2025", Some(&city))
            .await;
        assert!(!page.body.contains("/collection/import/copy"));
        let res = s
            .post(
                "/collection/import/copy",
                Some(&city),
                &[("department", "tax"), ("year", "2025")],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("没有可沿用上年数据的数据项"));
    })
    .await;
}

// ---- rounds and the board ----

/// Opens a round for 2025 with tax and statistics through the form; returns its id.
async fn open_round(s: &TestServer, city: &Browser, tax_deadline: &str) -> i64 {
    let tax = department_id(s, "tax").await.to_string();
    let stats = department_id(s, "statistics").await.to_string();
    let res = s
        .post(
            "/collection/rounds",
            Some(city),
            &[
                ("year", "2025"),
                ("title", "2025 年度数据采集"),
                (&format!("include_{tax}"), "on"),
                (&format!("deadline_{tax}"), tax_deadline),
                (&format!("include_{stats}"), "on"),
                (&format!("deadline_{stats}"), "2000-01-01"),
                (
                    &format!("deadline_{}", department_id(s, "power").await),
                    "2026-03-31",
                ),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}: {}", s.name, res.body);
    assert!(res.location().ends_with("?msg=created"), "{}", res.location());
    number_after(res.location(), "/collection/rounds/").unwrap()
}

#[tokio::test]
async fn the_board_shows_percentages_and_a_chart() {
    each(async |s| {
        let city = s.login("city").await;
        let page = s.get("/collection", Some(&city)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("发起采集") && page.body.contains("type=\"date\""));
        let round = open_round(s, &city, "2099-12-31").await;
        let board = s.get(&format!("/collection/rounds/{round}?msg=created"), Some(&city)).await;
        assert_eq!(board.status, StatusCode::OK);
        assert!(board.body.contains("已创建"), "flash");
        assert_eq!(board.body.matches("<tr data-department=").count(), 2, "{}: unticked power left out", s.name);
        assert!(board.body.contains("<svg") && board.body.contains("<title id=\"completeness-title\">"));
        assert!(board.body.contains("0.0%"));
        assert!(!board.body.contains("style="), "CSP: no style attributes");
        // Statistics is overdue (deadline in 2000).
        assert!(board.body.contains("<tr data-department=\"statistics\" class=\"overdue\">"));
        // Tax imports 30 of its 2025 values.
        let tax = s.login("tax").await;
        let list = roster(s, 30).await;
        let rows: Vec<(&str, &str)> = list.iter().map(|(_, c)| (c.as_str(), "12.5")).collect();
        import(s, &tax, "tax", "2025", "tax-2025.csv", &tax_csv(&rows)).await;
        let expected = s.app.round_board(&actor(s, &city).await, round).await.unwrap();
        let line = expected.rows.iter().find(|r| r.department_code == "tax").unwrap();
        assert_eq!(line.filled, 30, "{}", s.name);
        let percent = format!("{:.1}%", 3000.0 / line.required as f64);
        let board = s.get(&format!("/collection/rounds/{round}"), Some(&city)).await;
        assert!(
            board.body.contains(&format!("<td class=\"num\">{}</td>\n    <td class=\"num\">30</td>\n    <td class=\"num\">{percent}</td>", line.required)),
            "{}: {percent}\n{}",
            s.name,
            board.body
        );
        assert!(board.body.contains(&format!("已填 30 / 应填 {}（{percent}）", line.required)), "bar title");
        // A department sees only its own line; an enterprise user no board at all.
        let own = s.get(&format!("/collection/rounds/{round}"), Some(&tax)).await;
        assert_eq!(own.body.matches("<tr data-department=").count(), 1);
        let qiye = s.login("qiye").await;
        assert_eq!(
            s.get(&format!("/collection/rounds/{round}"), Some(&qiye)).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(s.get("/collection", Some(&qiye)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(s.get("/collection/rounds/x", Some(&city)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(s.get("/collection/rounds/999999", Some(&city)).await.status, StatusCode::NOT_FOUND);
        // One open round per year: the form says so.
        let tax_id = department_id(s, "tax").await.to_string();
        let res = s
            .post(
                "/collection/rounds",
                Some(&city),
                &[("year", "2025"), (&format!("include_{tax_id}"), "on"), (&format!("deadline_{tax_id}"), "2026-01-01")],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("已有进行中的采集轮次"), "{}", res.body);
    })
    .await;
}

#[tokio::test]
async fn submit_return_and_confirm() {
    each(async |s| {
        let city = s.login("city").await;
        let tax = s.login("tax").await;
        let round = open_round(s, &city, "2099-12-31").await;
        let tax_id = department_id(s, "tax").await.to_string();
        let board_url = format!("/collection/rounds/{round}");
        // The department sees its task and submits it.
        let tasks = s.get("/collection", Some(&tax)).await;
        assert!(tasks.body.contains(&format!("data-round=\"{round}\"")) && tasks.body.contains("未报送"));
        let page = s.get(&board_url, Some(&tax)).await;
        assert!(page.body.contains("提交报送"));
        let res = s.post(&format!("{board_url}/submit"), Some(&tax), &[]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}: {}", s.name, res.body);
        let res = s.post(&format!("{board_url}/submit"), Some(&tax), &[]).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "not twice");
        let page = s.get(&board_url, Some(&city)).await;
        assert!(page.body.contains("已报送") && page.body.contains("退回原因"));
        // The statistics officer may not review; a return needs a reason.
        let stats = s.login("stats").await;
        let review = |decision: &'static str, note: &'static str| {
            [
                ("department_id", tax_id.clone()),
                ("decision", decision.to_owned()),
                ("note", note.to_owned()),
            ]
        };
        let f = review("confirm", "");
        let res = s
            .post(&format!("{board_url}/review"), Some(&stats), &pairs(&f))
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        let f = review("return", " ");
        let res = s
            .post(&format!("{board_url}/review"), Some(&city), &pairs(&f))
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("退回须写明原因"));
        let f = review("return", "缺少规下企业");
        let res = s
            .post(&format!("{board_url}/review"), Some(&city), &pairs(&f))
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let page = s.get("/collection", Some(&tax)).await;
        assert!(page.body.contains("退回原因：缺少规下企业"), "{}", s.name);
        // Submitted again, then confirmed.
        let res = s.post(&format!("{board_url}/submit"), Some(&tax), &[]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let f = review("confirm", "");
        let res = s
            .post(&format!("{board_url}/review"), Some(&city), &pairs(&f))
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let page = s.get(&board_url, Some(&city)).await;
        assert!(page.body.contains("已确认"), "{}", s.name);
        // Closing the round.
        assert_eq!(
            s.post(&format!("{board_url}/close"), Some(&tax), &[])
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let res = s.post(&format!("{board_url}/close"), Some(&city), &[]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let page = s.get(&board_url, Some(&city)).await;
        assert!(page.body.contains("已结束") && !page.body.contains("结束本轮"));
        let list = s.get("/collection", Some(&city)).await;
        assert!(list.body.contains("2025 年度数据采集") && list.body.contains("已结束"));
    })
    .await;
}

// ---- self-check and disputes ----

#[tokio::test]
async fn an_enterprise_disputes_a_figure_and_the_department_corrects_it() {
    each(async |s| {
        let qiye = s.login("qiye").await;
        let page = s.get("/self-check?year=2024", Some(&qiye)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", s.name);
        assert!(page.body.contains("data-item=\"tax_paid\"") && page.body.contains("实缴税收"));
        assert!(
            page.body.contains("国家税务总局驻马店市税务局"),
            "grouped by department"
        );
        let res = s
            .post(
                "/self-check",
                Some(&qiye),
                &[("year", "2024"), ("item", "main_revenue"), ("action", "confirm")],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let res = s
            .post(
                "/self-check",
                Some(&qiye),
                &[
                    ("year", "2024"),
                    ("item", "tax_paid"),
                    ("action", "dispute"),
                    ("comment", " "),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("提出异议须说明理由"));
        let res = s
            .post(
                "/self-check",
                Some(&qiye),
                &[
                    ("year", "2024"),
                    ("item", "tax_paid"),
                    ("action", "dispute"),
                    ("comment", "含上年补缴税款，应扣除"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let page = s.get("/self-check?year=2024", Some(&qiye)).await;
        assert!(page.body.contains("已确认") && page.body.contains("有异议（待处理）"));
        // Others cannot self-check.
        let tax = s.login("tax").await;
        assert_eq!(
            s.get("/self-check?year=2024", Some(&tax)).await.status,
            StatusCode::FORBIDDEN
        );
        // The dispute is in tax's queue, not in statistics'.
        let queue = s.get("/collection/disputes?year=2024", Some(&tax)).await;
        assert_eq!(queue.status, StatusCode::OK);
        assert!(queue.body.contains("含上年补缴税款，应扣除"), "{}", s.name);
        let id = number_after(&queue.body, "data-dispute=\"").unwrap();
        let stats = s.login("stats").await;
        let other = s.get("/collection/disputes?year=2024", Some(&stats)).await;
        assert!(!other.body.contains("含上年补缴税款"));
        let res = s
            .post(
                &format!("/collection/disputes/{id}"),
                Some(&stats),
                &[("year", "2024"), ("action", "answer"), ("answer", "不是我们的")],
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        // A correction needs a number.
        let res = s
            .post(
                &format!("/collection/disputes/{id}"),
                Some(&tax),
                &[
                    ("year", "2024"),
                    ("action", "correct"),
                    ("value", "八十八"),
                    ("answer", "已扣除"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        let res = s
            .post(
                &format!("/collection/disputes/{id}"),
                Some(&tax),
                &[
                    ("year", "2024"),
                    ("action", "correct"),
                    ("value", "88"),
                    ("answer", "已扣除补缴部分"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let queue = s.get("/collection/disputes?year=2024", Some(&tax)).await;
        assert!(queue.body.contains("已更正") && queue.body.contains("已扣除补缴部分"));
        // The enterprise sees the corrected value and the answer.
        let page = s.get("/self-check?year=2024", Some(&qiye)).await;
        let start = page.body.find("data-item=\"tax_paid\"").unwrap();
        let row = &page.body[start..start + page.body[start..].find("</tr>").unwrap()];
        assert!(
            row.contains("88 万元") && row.contains("已更正") && row.contains("自核争议更正"),
            "{}: {row}",
            s.name
        );
        assert!(row.contains("部门答复：已扣除补缴部分"));
    })
    .await;
}

// ---- quality ----

#[tokio::test]
async fn the_quality_report_lists_a_contradiction_and_exports() {
    each(async |s| {
        let stats = s.login("stats").await;
        let (id, code) = roster(s, 1).await.remove(0);
        let file = format!("统一社会信用代码,利润总额（万元）,主营业务收入（万元）\n{code},900,100\n");
        import(s, &stats, "statistics", "2024", "s.csv", file.as_bytes()).await;
        let city = s.login("city").await;
        let page = s
            .get("/collection/quality?year=2024&kind=contradiction", Some(&city))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("利润总额大于主营业务收入（900 &#62; 100）"),
            "{}: {}",
            s.name,
            page.body
        );
        assert!(
            page.body
                .contains(&format!("<a href=\"/enterprises/{id}?year=2024\">"))
        );
        assert!(!page.body.contains("data-kind=\"missing\""), "filtered by kind");
        // A year nobody reported: missing items block an evaluation.
        let empty = s
            .get("/collection/quality?year=2030&kind=missing", Some(&city))
            .await;
        assert!(empty.body.contains("阻断") && empty.body.contains("data-kind=\"missing\""));
        // Exports carry the same findings.
        let xlsx = s
            .raw_get(
                "/collection/quality.xlsx?year=2024&kind=contradiction",
                Some(&city),
            )
            .await;
        assert_eq!(xlsx.status, StatusCode::OK);
        assert_eq!(xlsx.header(header::CONTENT_TYPE), XLSX);
        assert!(xlsx.bytes.starts_with(b"PK"));
        assert!(
            xlsx.header(header::CONTENT_DISPOSITION)
                .contains("filename*=UTF-8''2024")
        );
        let csv = s
            .raw_get(
                "/collection/quality.csv?year=2024&kind=contradiction",
                Some(&city),
            )
            .await;
        assert_eq!(csv.header(header::CONTENT_TYPE), "text/csv; charset=utf-8");
        assert!(csv.bytes.starts_with(b"\xEF\xBB\xBF"), "BOM for Excel");
        let text = String::from_utf8(csv.bytes).unwrap();
        assert!(
            text.contains(&format!("逻辑矛盾,否,{code},")) && text.contains("利润总额大于主营业务收入"),
            "{text}"
        );
        // A department sees its own findings; a county officer none.
        let own = s.get("/collection/quality?year=2024", Some(&stats)).await;
        assert!(own.body.contains("利润总额大于主营业务收入"));
        let county = s.login("yicheng").await;
        assert_eq!(
            s.get("/collection/quality?year=2024", Some(&county)).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            s.raw_get("/collection/quality.csv?year=2024", Some(&county))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
    })
    .await;
}

// ---- catalogue ----

#[tokio::test]
async fn sharing_tax_paid_with_statistics_shows_it_on_the_enterprise_page() {
    each(async |s| {
        let city = s.login("city").await;
        let stats = s.login("stats").await;
        let (id, _) = roster(s, 1).await.remove(0);
        let detail = format!("/enterprises/{id}?year=2024");
        let before = s.get(&detail, Some(&stats)).await;
        assert_eq!(before.status, StatusCode::OK);
        assert!(
            !before.body.contains("实缴税收"),
            "{}: not shared by default",
            s.name
        );
        let page = s.get("/collection/catalogue", Some(&city)).await;
        assert!(page.body.contains("data-item=\"tax_paid\"") && page.body.contains("设置共享"));
        let stats_page = s.get("/collection/catalogue", Some(&stats)).await;
        assert!(stats_page.body.contains("data-item=\"tax_paid\"") && !stats_page.body.contains("设置共享"));
        let res = s
            .post(
                "/collection/catalogue/tax_paid/sharing",
                Some(&stats),
                &[("shared_with", "statistics")],
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        let res = s
            .post(
                "/collection/catalogue/tax_paid/sharing",
                Some(&city),
                &[("shared_with", "statistics"), ("shared_with", "power")],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let page = s.get("/collection/catalogue?msg=saved", Some(&city)).await;
        assert!(
            page.body
                .contains("<span class=\"shared\">市统计局、国网驻马店供电公司</span>"),
            "{}",
            s.name
        );
        let after = s.get(&detail, Some(&stats)).await;
        assert!(after.body.contains("实缴税收"), "{}: shared", s.name);
        let res = s
            .post(
                "/collection/catalogue/tax_paid/sharing",
                Some(&city),
                &[("shared_with", "nope")],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("没有代码为“nope”的部门"));
    })
    .await;
}

// ---- land ----

#[tokio::test]
async fn land_forms_add_a_parcel_and_a_lease_and_the_lookup_derives_the_area() {
    each(async |s| {
        let city = s.login("city").await;
        let list = roster(s, 2).await;
        let (a, b) = (&list[0], &list[1]);
        // 40,000 m² = 60 亩, split 40 / 20.
        let res = s
            .post(
                "/land/parcels",
                Some(&city),
                &[
                    ("year", "2024"),
                    ("certificate_no", "豫(2020)驻马店市不动产权第0000001号"),
                    ("area", "40000"),
                    ("unit", "sqm"),
                    ("supply_date", "2015-03-01"),
                    ("land_use", "工业用地"),
                    ("holder_code_1", &a.1),
                    ("holder_share_1", "40"),
                    ("holder_code_2", &b.1),
                    ("holder_share_2", "20"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}: {}", s.name, res.body);
        assert!(res.location().starts_with(&format!("/land?code={}", a.1)));
        let page = s.get(res.location(), Some(&city)).await;
        assert!(page.body.contains("已创建"));
        assert!(
            page.body.contains("自有 40 亩 − 出租 0 亩 + 承租 0 亩 = 40 亩"),
            "{}",
            page.body
        );
        // A lease from a to b.
        let res = s
            .post(
                "/land/leases",
                Some(&city),
                &[
                    ("year", "2024"),
                    ("lessor", &a.1),
                    ("lessee", &b.1),
                    ("area_mu", "5"),
                    ("start", "2023-01-01"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let page = s.get(&format!("/land?code={}&year=2024", a.1), Some(&city)).await;
        assert!(
            page.body.contains("自有 40 亩 − 出租 5 亩 + 承租 0 亩 = 35 亩"),
            "{}",
            s.name
        );
        let page = s.get(&format!("/land?code={}&year=2024", b.1), Some(&city)).await;
        assert!(page.body.contains("自有 20 亩 − 出租 0 亩 + 承租 5 亩 = 25 亩"));
        // Shares may not exceed the parcel; typed values are kept.
        let res = s
            .post(
                "/land/parcels",
                Some(&city),
                &[
                    ("certificate_no", "豫(2020)驻马店市不动产权第0000002号"),
                    ("area", "10"),
                    ("unit", "mu"),
                    ("holder_code_1", &a.1),
                    ("holder_share_1", "8"),
                    ("holder_code_2", &b.1),
                    ("holder_share_2", "3"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            res.body.contains("超过宗地面积") && res.body.contains("豫(2020)驻马店市不动产权第0000002号")
        );
        // Only natural resources or the city register land.
        let tax = s.login("tax").await;
        let res = s
            .post(
                "/land/parcels",
                Some(&tax),
                &[
                    ("certificate_no", "X"),
                    ("area", "1"),
                    ("unit", "mu"),
                    ("holder_code_1", &a.1),
                    ("holder_share_1", "1"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        // An unknown code in the lookup.
        let page = s.get("/land?code=91110000600037341L", Some(&city)).await;
        assert!(page.body.contains("没有统一社会信用代码为"));
        // A county officer outside its county: not found in its scope.
        let other = roster(s, 120).await;
        let county = s.login("yicheng").await;
        let outside = mujun_store::enterprises::collection_roster(
            s.app.store().read_typed().await.unwrap().conn(),
            2024,
        )
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.region_code != "411702")
        .unwrap();
        assert!(other.iter().any(|(id, _)| *id == outside.id));
        // Land records are for the collecting roles: a county officer is refused (and audited).
        let page = s
            .get(&format!("/land?code={}", outside.credit_code), Some(&county))
            .await;
        assert_eq!(page.status, axum::http::StatusCode::FORBIDDEN, "{}", s.name);
    })
    .await;
}
