//! The collection API under /api/v1/collection on SQLite and PostgreSQL: bearer tokens per
//! department, the catalogue, templates, pushed values under the upload checks (errors,
//! warnings and their confirmation), the round board, and the refusals.
#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::*;
use http_body_util::BodyExt;
use mujun_app::Actor;
use mujun_store::{audit, figures};
use mujun_web::api::PREFIX;
use serde_json::{Value, json};
use tower::ServiceExt;

async fn actor(s: &TestServer, username: &str) -> Actor {
    s.app.login(username, PASSWORD, "ip", None).await.unwrap().actor
}

/// An API token of `username`, issued by that account itself.
async fn token(s: &TestServer, username: &str) -> String {
    let me = actor(s, username).await;
    s.app.issue_own_token(&me, "test", 30).await.unwrap()
}

/// Status, headers and raw body of a request.
async fn call(
    s: &TestServer,
    method: Method,
    path: &str,
    bearer: Option<&str>,
    body: Option<&Value>,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let mut req = Request::builder().method(method).uri(format!("{PREFIX}{path}"));
    if let Some(t) = bearer {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let body = match body {
        Some(v) => {
            req = req.header(header::CONTENT_TYPE, "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    let res = s.router.clone().oneshot(req.body(body).unwrap()).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    (
        status,
        headers,
        res.into_body().collect().await.unwrap().to_bytes().to_vec(),
    )
}

async fn json_call(
    s: &TestServer,
    method: Method,
    path: &str,
    bearer: Option<&str>,
    body: Option<&Value>,
) -> (StatusCode, Value) {
    let (status, _, bytes) = call(s, method, path, bearer, body).await;
    let v = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {}", String::from_utf8_lossy(&bytes)));
    (status, v)
}

async fn roster(s: &TestServer, n: usize) -> Vec<(i64, String)> {
    mujun_store::enterprises::collection_roster(s.app.store().read_typed().await.unwrap().conn(), 2024)
        .await
        .unwrap()
        .into_iter()
        .take(n)
        .map(|r| (r.id, r.credit_code))
        .collect()
}

async fn current_tax(s: &TestServer, id: i64, year: i64) -> Option<f64> {
    let mut c = s.app.store().read().await.unwrap();
    figures::current(&mut c, id, year)
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.field == "tax_paid")
        .and_then(|f| f.value)
}

async fn denied(s: &TestServer, action: &str) -> i64 {
    let mut c = s.app.store().read().await.unwrap();
    audit::search(
        &mut c,
        &audit::Filter {
            action: Some(action.into()),
            outcome: Some("denied".into()),
            ..Default::default()
        },
        10,
        0,
    )
    .await
    .unwrap()
    .1
}

#[tokio::test]
async fn every_collection_endpoint_needs_a_token() {
    each(async |s| {
        for (method, path) in [
            (Method::GET, "/collection/catalogue"),
            (Method::GET, "/collection/tax/2024/template"),
            (Method::POST, "/collection/tax/2024/values"),
            (Method::GET, "/collection/rounds/1"),
        ] {
            let body = (method == Method::POST).then(|| json!({"values": []}));
            let (status, v) = json_call(s, method.clone(), path, None, body.as_ref()).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{}: {method} {path}", s.name);
            assert_eq!(v["error"], "unauthenticated");
            let (status, _) = json_call(s, method.clone(), path, Some("forged"), body.as_ref()).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{}: {method} {path}", s.name);
        }
    })
    .await;
}

#[tokio::test]
async fn catalogue_and_template_with_a_department_token() {
    each(async |s| {
        let tax = token(s, "tax").await;
        let (status, v) = json_call(s, Method::GET, "/collection/catalogue", Some(&tax), None).await;
        assert_eq!(status, StatusCode::OK, "{}: {v}", s.name);
        let item = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == "tax_paid")
            .unwrap();
        assert_eq!(item["department"], "tax");
        assert_eq!(item["unit"], "万元");
        assert_eq!(item["kind"], "number");
        assert_eq!(item["required_above"], true);
        let (status, headers, bytes) =
            call(s, Method::GET, "/collection/tax/2024/template", Some(&tax), None).await;
        assert_eq!(status, StatusCode::OK, "{}", s.name);
        assert_eq!(
            headers[header::CONTENT_TYPE],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert!(bytes.starts_with(b"PK"));
        assert!(
            headers[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .contains("filename*=UTF-8''2024")
        );
        // Another department's template: refused and audited.
        let before = denied(s, "template.download").await;
        let (status, v) = json_call(
            s,
            Method::GET,
            "/collection/statistics/2024/template",
            Some(&tax),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{}: {v}", s.name);
        assert_eq!(v["error"], "forbidden");
        assert_eq!(denied(s, "template.download").await, before + 1);
        // Unknown department, bad year.
        let (status, _) = json_call(s, Method::GET, "/collection/nope/2024/template", Some(&tax), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, v) = json_call(s, Method::GET, "/collection/tax/1999/template", Some(&tax), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(v["fields"][0]["field"], "year");
    })
    .await;
}

#[tokio::test]
async fn pushed_values_are_checked_like_an_upload() {
    each(async |s| {
        let tax = token(s, "tax").await;
        let list = roster(s, 2).await;
        let (a, b) = (&list[0], &list[1]);
        let before = (current_tax(s, a.0, 2024).await, current_tax(s, b.0, 2024).await);
        // One bad value: nothing stored, every error listed.
        let body = json!({"values": [
            {"credit_code": a.1, "item": "tax_paid", "value": 42.5},
            {"credit_code": b.1, "item": "tax_paid", "value": "abc"},
        ]});
        let (status, v) = json_call(
            s,
            Method::POST,
            "/collection/tax/2024/values",
            Some(&tax),
            Some(&body),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}: {v}", s.name);
        assert_eq!(v["error"], "rejected");
        let errors = v["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1, "{v}");
        assert_eq!(errors[0]["row"], 3);
        assert_eq!(errors[0]["credit_code"], b.1.as_str());
        assert_eq!(errors[0]["column"], "tax_paid");
        assert_eq!(errors[0]["value"], "abc");
        assert!(
            errors[0]["message"]
                .as_str()
                .unwrap()
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
        );
        assert_eq!(
            (current_tax(s, a.0, 2024).await, current_tax(s, b.0, 2024).await),
            before,
            "{}: nothing stored",
            s.name
        );
        // Another department's item.
        let body = json!({"values": [{"credit_code": a.1, "item": "main_revenue", "value": 1}]});
        let (status, v) = json_call(
            s,
            Method::POST,
            "/collection/tax/2024/values",
            Some(&tax),
            Some(&body),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            v["errors"][0]["message"].as_str().unwrap().contains("部门"),
            "{v}"
        );
        // Good values (by id or by name): one batch, 201.
        let body = json!({"confirm_warnings": true, "values": [
            {"credit_code": a.1, "item": "tax_paid", "value": 42.5},
            {"credit_code": b.1, "item": "实缴税收", "value": "17"},
        ]});
        let (status, v) = json_call(
            s,
            Method::POST,
            "/collection/tax/2024/values",
            Some(&tax),
            Some(&body),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{}: {v}", s.name);
        assert_eq!((v["rows"].as_i64(), v["values"].as_i64()), (Some(2), Some(2)));
        assert!(v["batch_id"].as_i64().unwrap() > 0);
        assert_eq!(current_tax(s, a.0, 2024).await, Some(42.5));
        assert_eq!(current_tax(s, b.0, 2024).await, Some(17.0));
        let history = s
            .app
            .import_history(&actor(s, "tax").await, "tax", 2024)
            .await
            .unwrap();
        assert_eq!(history[0].id, v["batch_id"].as_i64().unwrap());
        assert_eq!(history[0].source, "api");
        // A malformed body, and an empty list.
        let (status, v) = json_call(
            s,
            Method::POST,
            "/collection/tax/2024/values",
            Some(&tax),
            Some(&json!({"vals": []})),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(v["error"], "invalid");
        let (status, v) = json_call(
            s,
            Method::POST,
            "/collection/tax/2024/values",
            Some(&tax),
            Some(&json!({"values": []})),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(v["fields"][0]["field"], "values");
    })
    .await;
}

#[tokio::test]
async fn warnings_need_confirm_warnings() {
    each(async |s| {
        let tax = token(s, "tax").await;
        let (id, code) = roster(s, 1).await.remove(0);
        let mut c = s.app.store().begin().await.unwrap();
        figures::record(
            &mut c,
            s.app.store().backend(),
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
        let body = json!({"values": [{"credit_code": code, "item": "tax_paid", "value": 1_200_000}]});
        let (status, v) = json_call(s, Method::POST, "/collection/tax/2024/values", Some(&tax), Some(&body)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}: {v}", s.name);
        assert_eq!(v["error"], "warnings");
        assert_eq!(v["errors"], json!([]));
        assert_eq!(v["warnings"][0]["credit_code"], code.as_str());
        assert!(v["warnings"][0]["message"].as_str().unwrap().contains("元"));
        assert_ne!(current_tax(s, id, 2024).await, Some(1_200_000.0), "not stored");
        let body = json!({"confirm_warnings": true, "values": [{"credit_code": code, "item": "tax_paid", "value": 1_200_000}]});
        let (status, v) = json_call(s, Method::POST, "/collection/tax/2024/values", Some(&tax), Some(&body)).await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        assert_eq!(v["warnings_confirmed"], 1);
        assert_eq!(current_tax(s, id, 2024).await, Some(1_200_000.0), "{}", s.name);
    })
    .await;
}

#[tokio::test]
async fn a_department_token_may_not_push_for_another_department() {
    each(async |s| {
        let stats = token(s, "stats").await;
        let (id, code) = roster(s, 1).await.remove(0);
        let before_tax = current_tax(s, id, 2024).await;
        let before = denied(s, "import.api").await;
        let body = json!({"values": [{"credit_code": code, "item": "tax_paid", "value": 5}]});
        let (status, v) = json_call(s, Method::POST, "/collection/tax/2024/values", Some(&stats), Some(&body)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{}: {v}", s.name);
        assert_eq!(v["error"], "forbidden");
        assert_eq!(denied(s, "import.api").await, before + 1, "audited");
        assert_eq!(current_tax(s, id, 2024).await, before_tax);
        // An enterprise token neither.
        let qiye = token(s, "qiye").await;
        let (status, _) = json_call(s, Method::POST, "/collection/tax/2024/values", Some(&qiye), Some(&body)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // The city administrator may push on a department's behalf.
        let city = token(s, "city").await;
        let body = json!({"confirm_warnings": true, "values": [{"credit_code": code, "item": "tax_paid", "value": 5}]});
        let (status, v) = json_call(s, Method::POST, "/collection/tax/2024/values", Some(&city), Some(&body)).await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        assert_eq!(current_tax(s, id, 2024).await, Some(5.0));
    })
    .await;
}

#[tokio::test]
async fn the_round_board_as_json() {
    each(async |s| {
        let city_actor = actor(s, "city").await;
        let depts = {
            let mut c = s.app.store().read().await.unwrap();
            mujun_store::departments::list(&mut c).await.unwrap()
        };
        let id_of = |code: &str| depts.iter().find(|d| d.code == code).unwrap().id;
        let round = s
            .app
            .open_round(
                &city_actor,
                2025,
                "",
                &[
                    (id_of("tax"), "2099-03-31".into()),
                    (id_of("statistics"), "2000-01-01".into()),
                ],
            )
            .await
            .unwrap();
        let tax = token(s, "tax").await;
        let list = roster(s, 12).await;
        let values: Vec<Value> = list
            .iter()
            .map(|(_, c)| json!({"credit_code": c, "item": "tax_paid", "value": 10}))
            .collect();
        let body = json!({"confirm_warnings": true, "values": values});
        let (status, v) = json_call(
            s,
            Method::POST,
            "/collection/tax/2025/values",
            Some(&tax),
            Some(&body),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{}: {v}", s.name);
        let city = token(s, "city").await;
        let (status, v) = json_call(
            s,
            Method::GET,
            &format!("/collection/rounds/{round}"),
            Some(&city),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert_eq!(v["round"]["year"], 2025);
        assert_eq!(v["round"]["status"], "open");
        assert_eq!(v["round"]["title"], "2025 年度数据采集");
        let lines = v["departments"].as_array().unwrap();
        assert_eq!(lines.len(), 2);
        let tax_line = lines.iter().find(|l| l["department"] == "tax").unwrap();
        let required = tax_line["required"].as_f64().unwrap();
        assert_eq!(tax_line["filled"], 12);
        assert_eq!(
            tax_line["percent"].as_f64().unwrap(),
            (1200.0 / required * 10.0).round() / 10.0
        );
        assert_eq!(tax_line["status"], "pending");
        assert_eq!(tax_line["status_label"], "未报送");
        assert_eq!(tax_line["overdue"], false);
        assert_eq!(tax_line["items"], json!(["tax_paid"]));
        let stats_line = lines.iter().find(|l| l["department"] == "statistics").unwrap();
        assert_eq!(stats_line["overdue"], true);
        // A department sees its own line; an enterprise nothing; an unknown round is 404.
        let (_, v) = json_call(
            s,
            Method::GET,
            &format!("/collection/rounds/{round}"),
            Some(&tax),
            None,
        )
        .await;
        assert_eq!(v["departments"].as_array().unwrap().len(), 1);
        let qiye = token(s, "qiye").await;
        let (status, _) = json_call(
            s,
            Method::GET,
            &format!("/collection/rounds/{round}"),
            Some(&qiye),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = json_call(s, Method::GET, "/collection/rounds/999999", Some(&city), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{}", s.name);
    })
    .await;
}
