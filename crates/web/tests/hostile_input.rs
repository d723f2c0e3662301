//! Issue 10, the smaller findings, each as a request an attacker sends, on both backends: NUL
//! bytes, absurd page numbers, duplicate values in a push, oversized bodies, a login name with a
//! NUL byte, formulas in downloaded CSV, and anonymous downloads that must not flood the audit
//! trail.
#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::*;
use mujun_store::audit;
use serde_json::{Value, json};

async fn token(s: &TestServer, username: &str) -> String {
    let me = s.app.cli_actor(username).await.unwrap();
    s.app.issue_own_token(&me, "测试", 30).await.unwrap()
}

async fn api(s: &TestServer, method: &str, path: &str, token: &str, body: Vec<u8>) -> Page {
    s.send(
        Request::builder()
            .method(method)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

async fn entries(s: &TestServer, action: &str) -> Vec<audit::Entry> {
    let mut c = s.app.store().read().await.unwrap();
    let f = audit::Filter {
        action: Some(action.into()),
        ..Default::default()
    };
    audit::search(&mut c, &f, 100, 0).await.unwrap().0
}

#[tokio::test]
async fn nul_bytes_are_bad_input_everywhere() {
    each(async |s| {
        let city = s.login("city").await;
        for path in ["/enterprises?q=a%00b", "/enterprises/%00", "/audit?username=%00"] {
            let p = s.get(path, Some(&city)).await;
            assert_eq!(p.status, StatusCode::BAD_REQUEST, "{} {path}", s.name);
            assert!(p.body.contains("空字符"), "{path}");
        }
        let p = s
            .post("/clusters/new", Some(&city), &[("name", "集聚\0区")])
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{}", s.name);
        let t = token(s, "tax").await;
        let body =
            json!({"values": [{"credit_code": "91411702MA47N0PE0X", "item": "tax_paid", "value": "1\u{0}"}]});
        let p = api(
            s,
            "POST",
            "/api/v1/collection/tax/2024/values",
            &t,
            body.to_string().into_bytes(),
        )
        .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{}: {}", s.name, p.body);
        let v: Value = serde_json::from_str(&p.body).unwrap();
        assert_eq!(v["error"], "bad_request");
        let p = s.api_get("/api/v1/enterprises?name=%00", Some(&t)).await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{}", s.name);
    })
    .await;
}

#[tokio::test]
async fn a_login_name_with_a_nul_byte_is_an_audited_failure() {
    each(async |s| {
        assert!(s.try_login("adm\0in", "Wrong-Passw0rd").await.is_none());
        let failed = entries(s, "login_failed").await;
        assert!(
            failed.iter().any(|e| e.username == "adm\u{fffd}in"),
            "{}: {:?}",
            s.name,
            failed.iter().map(|e| &e.username).collect::<Vec<_>>()
        );
    })
    .await;
}

#[tokio::test]
async fn absurd_page_numbers_are_bounded_or_refused() {
    each(async |s| {
        let city = s.login("city").await;
        for path in [
            "/enterprises?page=9223372036854775807",
            "/enterprises?page=-9223372036854775808",
            "/public/runs?page=9223372036854775807",
        ] {
            let p = s.get(path, Some(&city)).await;
            assert!(p.status.is_success(), "{} {path}: {}", s.name, p.status);
        }
        let t = token(s, "city").await;
        let p = s
            .api_get("/api/v1/enterprises?page=9223372036854775807", Some(&t))
            .await;
        assert_eq!(
            p.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}: {}",
            s.name,
            p.body
        );
    })
    .await;
}

#[tokio::test]
async fn duplicate_values_and_oversized_bodies_are_refused() {
    each(async |s| {
        let t = token(s, "tax").await;
        let code = {
            mujun_store::enterprises::collection_roster(
                s.app.store().read_typed().await.unwrap().conn(),
                2024,
            )
            .await
            .unwrap()[0]
                .credit_code
                .clone()
        };
        let values: Vec<Value> = (0..20_000)
            .map(|i| json!({"credit_code": code, "item": "tax_paid", "value": i}))
            .collect();
        let before = entries(s, "import.api").await.len();
        let p = api(
            s,
            "POST",
            "/api/v1/collection/tax/2024/values",
            &t,
            json!({ "values": values }).to_string().into_bytes(),
        )
        .await;
        assert_eq!(
            p.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}: {}",
            s.name,
            &p.body[..p.body.len().min(300)]
        );
        assert!(p.body.contains("重复"), "{}", &p.body[..p.body.len().min(300)]);
        assert_eq!(entries(s, "import.api").await.len(), before, "nothing imported");

        // Bodies past max_body_bytes (2 MiB): 413, for the API and for forms.
        let big = format!("{{\"values\": [], \"pad\": \"{}\"}}", "x".repeat(3 * 1024 * 1024));
        let p = api(
            s,
            "POST",
            "/api/v1/collection/tax/2024/values",
            &t,
            big.into_bytes(),
        )
        .await;
        assert_eq!(p.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", s.name);
        let v: Value = serde_json::from_str(&p.body).unwrap();
        assert_eq!(v["error"], "too_large");
        let city = s.login("city").await;
        let pad = "x".repeat(3 * 1024 * 1024);
        let p = s
            .post("/clusters/new", Some(&city), &[("name", pad.as_str())])
            .await;
        assert_eq!(p.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", s.name);
    })
    .await;
}

#[tokio::test]
async fn csv_downloads_do_not_carry_formulas_and_public_downloads_are_counted_per_hour() {
    each(async |s| {
        let evil = "=HYPERLINK(\"http://evil.example\",\"点击\")";
        {
            let mut tx = s.app.store().begin().await.unwrap();
            sqlx::query("UPDATE enterprises SET name = $1 WHERE id = (SELECT MIN(id) FROM enterprises)")
                .bind(evil)
                .execute(&mut *tx)
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
        let city_actor = s.app.cli_actor("city").await.unwrap();
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
        let city = s.login("city").await;
        let csv = s.raw_get(&format!("/runs/{run}/snapshot.csv"), Some(&city)).await;
        assert_eq!(csv.status, StatusCode::OK, "{}", s.name);
        let text = String::from_utf8_lossy(&csv.bytes);
        assert!(text.contains("\"'=HYPERLINK("), "{}: neutralised", s.name);
        assert!(
            !text.contains(",=HYPERLINK") && !text.contains(",\"=HYPERLINK"),
            "{}: no field starts with a formula",
            s.name
        );

        // Anonymous downloads of the public list: counted, not one audit entry each.
        let day = |days: i64| {
            let d = (mujun_store::now_ms() / 1000 + 8 * 3600).div_euclid(86_400) + days;
            mujun_domain::Date::from_days_since_epoch(d).unwrap().to_string()
        };
        s.app
            .start_notice(&city_actor, run, &day(0), &day(7))
            .await
            .unwrap();
        let count_before = entries(s, "public_list.downloads").await.len();
        for _ in 0..5 {
            let f = s.raw_get(&format!("/public/runs/{run}/list.xlsx"), None).await;
            assert_eq!(f.status, StatusCode::OK, "{}", s.name);
        }
        assert!(
            entries(s, "run.export_public_list").await.is_empty(),
            "{}",
            s.name
        );
        assert_eq!(entries(s, "public_list.downloads").await.len(), count_before);
        // Once the hour is over, one entry says how many and from where.
        s.app
            .audit_public_downloads(mujun_store::now_ms() + 3_600_000)
            .await
            .unwrap();
        let hour = entries(s, "public_list.downloads").await;
        assert_eq!(hour.len(), count_before + 1, "{}", s.name);
        let detail: Value = serde_json::from_str(&hour[0].detail).unwrap();
        assert_eq!(detail["downloads"], 5, "{}: {detail}", s.name);
        assert_eq!(detail["addresses"], 1);
    })
    .await;
}
