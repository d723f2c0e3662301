//! The yearly cycle's pages (issue 9) on SQLite and PostgreSQL: complete downloads of the
//! enterprise list and the audit trail, enterprise accounts created in bulk and activated from
//! their letter, reopening a published year from its page (shown on the public page), and the
//! messages of a user.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::{StatusCode, header};
use common::*;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn xlsx_rows(bytes: &[u8]) -> usize {
    use calamine::{Reader, Xlsx};
    let mut book = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let names = book.sheet_names();
    names
        .iter()
        .map(|n| book.worksheet_range(n).unwrap().height() - 1)
        .sum()
}

/// `共 123 家` / `共 45 条` of a list page.
fn count_in(body: &str, marker: &str, unit: &str) -> usize {
    let rest = body.split(marker).nth(1).unwrap();
    let digits: String = rest
        .trim_start_matches(|c: char| !c.is_ascii_digit())
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .filter(char::is_ascii_digit)
        .collect();
    assert!(rest.contains(unit));
    digits.parse().unwrap()
}

fn day(days: i64) -> String {
    let d = (mujun_store::now_ms() / 1000 + 8 * 3600).div_euclid(86_400) + days;
    mujun_domain::Date::from_days_since_epoch(d).unwrap().to_string()
}

#[tokio::test]
async fn the_enterprise_list_and_the_audit_trail_download_whole() {
    each(async |s| {
        let name = s.name;
        let city = s.login("city").await;
        let page = s.get("/enterprises", Some(&city)).await;
        let total = count_in(&page.body, "共 ", "家");
        assert!(
            page.body.contains("/enterprises.xlsx"),
            "{name}: an export button"
        );
        let file = s.raw_get("/enterprises.xlsx", Some(&city)).await;
        file.assert_download(XLSX, b"PK", name);
        assert_eq!(
            xlsx_rows(&file.bytes),
            total,
            "{name}: every enterprise, not a page"
        );
        // A county officer's download holds its county only, with counties by name.
        let county = s.login("yicheng").await;
        let page = s.get("/enterprises", Some(&county)).await;
        let mine = count_in(&page.body, "共 ", "家");
        let file = s.raw_get("/enterprises.xlsx", Some(&county)).await;
        let cells = xlsx_cells(&file.bytes);
        assert_eq!(cells.len() - 1, mine, "{name}");
        assert!(
            cells[1..].iter().all(|r| r[2] == "驿城区"),
            "{name}: {:?}",
            cells[1]
        );
        // The auditor's download of a filtered trail: every matching entry.
        let auditor = s.login("auditor").await;
        let page = s.get("/audit?action=login", Some(&auditor)).await;
        let entries: usize = page
            .body
            .split("class=\"total\">")
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let file = s.raw_get("/audit.xlsx?action=login", Some(&auditor)).await;
        file.assert_download(XLSX, b"PK", name);
        let cells = xlsx_cells(&file.bytes);
        assert_eq!(cells.len() - 1, entries, "{name}");
        assert!(
            cells[1..].iter().all(|r| r[4] == "登录" || r[4] == "登录失败"),
            "{name}: Chinese operations"
        );
        // Only the auditor.
        assert_eq!(
            s.raw_get("/audit.xlsx", Some(&city)).await.status,
            StatusCode::FORBIDDEN
        );
    })
    .await;
}

#[tokio::test]
async fn enterprise_accounts_are_created_in_bulk_and_activated_from_the_letter() {
    each(async |s| {
        let name = s.name;
        let admin = s.login("admin").await;
        let page = s.get("/accounts/bulk", Some(&admin)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("激活通知书") && page.body.contains("411702"),
            "{name}"
        );
        // A list with a bad line: nothing created, the line named.
        let res = s
            .post(
                "/accounts/bulk",
                Some(&admin),
                &[
                    ("scope", "codes"),
                    ("codes", "91110000600037341L\n不是代码"),
                    ("format", "xlsx"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(
            res.body.contains("第 2 行") && res.body.contains("未创建任何账号"),
            "{name}"
        );
        // A county: the list of codes as xlsx.
        let file = s
            .raw_post(
                "/accounts/bulk",
                &admin,
                &[("scope", "region"), ("region", "411702"), ("format", "xlsx")],
            )
            .await;
        file.assert_download(XLSX, b"PK", name);
        let cells = xlsx_cells(&file.bytes);
        assert!(cells.len() > 1, "{name}");
        assert_eq!(
            cells[0],
            ["企业名称", "统一社会信用代码", "登录名", "激活码", "有效期至"]
        );
        let (username, code) = (cells[1][2].clone(), cells[1][3].clone());
        // The account list says it waits for activation.
        let status = |bytes: &[u8]| {
            xlsx_cells(bytes)
                .into_iter()
                .find(|r| r[0] == username)
                .map(|r| r[4].clone())
                .unwrap()
        };
        let accounts = s.raw_get("/accounts.xlsx", Some(&admin)).await;
        assert_eq!(status(&accounts.bytes), "待激活", "{name}");
        // Activation without a session: the code and a new password.
        let form = s.get("/activate", None).await;
        assert_eq!(form.status, StatusCode::OK);
        let csrf = csrf_in(&form.body).unwrap();
        let cookie = form
            .headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix("mujun_login_csrf="))
            .map(|v| v.split(';').next().unwrap().to_owned())
            .unwrap();
        let activate = |code: &str, password: &str| {
            let body = serde_urlencoded::to_string([
                ("username", username.as_str()),
                ("code", code),
                ("password", password),
                ("confirm", password),
                ("_csrf", csrf.as_str()),
            ])
            .unwrap();
            axum::http::Request::post("/activate")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, format!("mujun_login_csrf={cookie}"))
                .body(axum::body::Body::from(body))
                .unwrap()
        };
        let wrong = s.send(activate("ZZZZ-ZZZZ-ZZZZ", "Qiye#2024start")).await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(wrong.body.contains("激活码不正确"), "{name}");
        let done = s.send(activate(&code, "Qiye#2024start")).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{name}: {}", done.body);
        assert_eq!(done.location(), "/login?msg=activated");
        let welcome = s.get("/login?msg=activated", None).await;
        assert!(welcome.body.contains("账号已激活"), "{name}");
        assert!(s.try_login(&username, "Qiye#2024start").await.is_some(), "{name}");
        let accounts = s.raw_get("/accounts.xlsx", Some(&admin)).await;
        assert_eq!(status(&accounts.bytes), "启用", "{name}");
    })
    .await;
}

#[tokio::test]
async fn a_published_year_is_reopened_from_its_page() {
    each(async |s| {
        let name = s.name;
        let actor =
            |u: &'static str| async move { s.app.login(u, PASSWORD, "127.0.0.1", None).await.unwrap().actor };
        let city_actor = actor("city").await;
        let started = s
            .app
            .start_run(
                &city_actor,
                &mujun_app::evaluation::runs::StartRun {
                    year: 2024,
                    method: "preset:henan-2019".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        started.job.await.unwrap();
        let run = started.id;
        s.app
            .start_notice(&city_actor, run, &day(0), &day(6))
            .await
            .unwrap();
        s.app.end_notice(&city_actor, run, "测试").await.unwrap();
        s.app.approve_run(&city_actor, run).await.unwrap();
        s.app.publish_run(&city_actor, run, true).await.unwrap();

        // The import page of the locked year says so and names the run.
        let tax = s.login("tax").await;
        let import = s
            .get("/collection/import?department=tax&year=2024", Some(&tax))
            .await;
        assert!(
            import.body.contains("已锁定") && import.body.contains(&format!("#{run}")),
            "{name}"
        );

        let city = s.login("city").await;
        let res = s
            .post(
                &format!("/runs/{run}/reopen-year"),
                Some(&city),
                &[("reason", "")],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        let res = s
            .post(
                &format!("/runs/{run}/reopen-year"),
                Some(&city),
                &[("reason", "税务局更正入库税款")],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{name}: {}", res.body);
        let page = s.get(res.location(), Some(&city)).await;
        assert!(page.body.contains("该年度已重新开放"), "{name}");
        assert!(
            page.body.contains("已重新开放") && page.body.contains("税务局更正入库税款"),
            "{name}"
        );
        let public = s.get("/public/runs", None).await;
        assert!(
            public.body.contains("重新开放评价（理由：税务局更正入库税款）"),
            "{name}"
        );
        let import = s
            .get("/collection/import?department=tax&year=2024", Some(&tax))
            .await;
        assert!(!import.body.contains("已锁定"), "{name}");
        // The API shows the reopening too.
        let session = s.login("city").await;
        let api = s.get(&format!("/api/v1/runs/{run}"), Some(&session)).await;
        assert!(
            api.body.contains("\"reopen_reason\":\"税务局更正入库税款\""),
            "{name}: {}",
            api.body
        );
    })
    .await;
}

#[tokio::test]
async fn every_list_has_its_export_with_names_not_codes() {
    each(async |s| {
        let name = s.name;
        // Accounts: the administrator's, scopes by name, no secrets.
        let admin = s.login("admin").await;
        let page = s.get("/accounts", Some(&admin)).await;
        assert!(page.body.contains("href=\"/accounts.xlsx\""), "{name}");
        assert!(
            !page.body.contains("企业 #") && !page.body.contains("（#"),
            "{name}: scopes by name"
        );
        let file = s.raw_get("/accounts.xlsx", Some(&admin)).await;
        file.assert_download(XLSX, b"PK", name);
        let cells = xlsx_cells(&file.bytes);
        assert_eq!(cells[0][3], "数据范围");
        let row = |user: &str| cells.iter().find(|r| r[0] == user).unwrap().clone();
        assert_eq!(row("yicheng")[3], "驿城区", "{name}");
        assert_eq!(row("power")[3], "国网驻马店供电公司", "{name}");
        assert_eq!(row("city")[2], "市级评价管理员", "{name}");
        let qiye = row("qiye");
        assert!(
            qiye[3].ends_with("公司") || qiye[3].contains("厂"),
            "{name}: {qiye:?}"
        );
        assert!(
            !String::from_utf8_lossy(&file.bytes).contains("argon2"),
            "{name}: no password hashes"
        );
        // Objections and disputes: the queue's lines.
        let (run, _) = run_in_notice(s, None).await;
        let city = s.login("city").await;
        let queue = s.get(&format!("/objections?run={run}"), Some(&city)).await;
        assert!(
            queue.body.contains(&format!("/objections.xlsx?run={run}")),
            "{name}"
        );
        let file = s
            .raw_get(&format!("/objections.xlsx?run={run}"), Some(&city))
            .await;
        file.assert_download(XLSX, b"PK", name);
        let cells = xlsx_cells(&file.bytes);
        assert_eq!(cells.len() - 1, rows_in(&queue.body, "objection"), "{name}");
        assert_eq!(cells[1][8], "待处理", "{name}: {:?}", cells[1]);
        assert_eq!(
            cells[1][7], "国家税务总局驻马店市税务局",
            "{name}: {:?}",
            cells[1]
        );
        let tax = s.login("tax").await;
        let file = s.raw_get("/collection/disputes.xlsx?year=2024", Some(&tax)).await;
        file.assert_download(XLSX, b"PK", name);
        assert_eq!(xlsx_cells(&file.bytes)[0][2], "数据项", "{name}");
        // Each export is audited.
        let auditor = s.login("auditor").await;
        for action in ["user.export", "objection.export", "check.export"] {
            let trail = s.get(&format!("/audit?action={action}"), Some(&auditor)).await;
            assert!(
                trail.body.contains("class=\"total\">1<"),
                "{name}: {action} audited once"
            );
        }
    })
    .await;
}

fn rows_in(html: &str, what: &str) -> usize {
    html.matches(&format!("data-{what}=")).count()
}
