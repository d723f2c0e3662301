//! The JSON API under /api/v1 on SQLite and PostgreSQL: authentication (bearer tokens, sessions
//! with CSRF), scopes and audited refusals, list filters against the use case, validation and
//! conflicts of edits, and the OpenAPI document (snapshot, and every route documented).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::*;
use mujun_app::Actor;
use mujun_app::registry::enterprises::EnterpriseQuery;
use mujun_store::enterprises::{ListFilter, SortBy};
use mujun_store::{api_tokens, audit};
use mujun_web::api::{ENDPOINTS, PREFIX};
use serde_json::{Value, json};

// ---- helpers ----

fn body(page: &Page) -> Value {
    serde_json::from_str(&page.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", page.body))
}

async fn actor(s: &TestServer, username: &str) -> Actor {
    s.app.login(username, PASSWORD, "ip", None).await.unwrap().actor
}

async fn user_id(s: &TestServer, username: &str) -> i64 {
    let admin = actor(s, "admin").await;
    s.app
        .list_accounts(&admin)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.username == username)
        .unwrap()
        .id
}

/// An API token of `username`, issued by that account itself.
async fn token(s: &TestServer, username: &str) -> String {
    let me = actor(s, username).await;
    s.app.issue_own_token(&me, "test", 30).await.unwrap()
}

/// How a request authenticates.
enum Auth<'a> {
    None,
    Bearer(&'a str),
    /// A browser session and the `X-CSRF-Token` it sends (if any).
    Session(&'a Browser, Option<&'a str>),
}

async fn send(s: &TestServer, method: Method, path: &str, auth: Auth<'_>, json: Option<&Value>) -> Page {
    let mut req = Request::builder().method(method).uri(path);
    match auth {
        Auth::None => {}
        Auth::Bearer(t) => req = req.header(header::AUTHORIZATION, format!("Bearer {t}")),
        Auth::Session(b, csrf) => {
            req = req.header(header::COOKIE, format!("mujun_session={}", b.cookie));
            if let Some(c) = csrf {
                req = req.header("x-csrf-token", c);
            }
        }
    }
    let body = match json {
        Some(v) => {
            req = req.header(header::CONTENT_TYPE, "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    s.send(req.body(body).unwrap()).await
}

async fn get_json(s: &TestServer, path: &str, token: &str) -> (StatusCode, Value) {
    let page = s.api_get(path, Some(token)).await;
    let status = page.status;
    (status, body(&page))
}

fn assert_error(page: &Page, status: StatusCode, code: &str, context: &str) -> Value {
    assert_eq!(page.status, status, "{context}: {}", page.body);
    let v = body(page);
    assert_eq!(v["error"], code, "{context}: {v}");
    assert!(has_chinese(v["message"].as_str().unwrap()), "{context}: {v}");
    v
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// The fields of a 422, each with a Chinese message.
fn invalid_fields(page: &Page, context: &str) -> Vec<String> {
    let v = assert_error(page, StatusCode::UNPROCESSABLE_ENTITY, "invalid", context);
    v["fields"]
        .as_array()
        .unwrap_or_else(|| panic!("{context}: no fields in {v}"))
        .iter()
        .map(|f| {
            let msg = f["message"].as_str().unwrap();
            assert!(has_chinese(msg), "{context}: {f}");
            f["field"].as_str().unwrap().to_owned()
        })
        .collect()
}

fn ids(v: &Value) -> Vec<i64> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

/// The concrete path of an endpoint (placeholders filled with an existing enterprise).
fn concrete(path: &str) -> String {
    format!(
        "{PREFIX}{}",
        path.replace("{id}", "1")
            .replace("{field}", "tax_paid")
            .replace("{enterprise_id}", "1")
    )
}

fn new_enterprise(first17: &str) -> Value {
    let code = mujun_domain::CreditCode::with_check_char(first17).unwrap();
    json!({
        "credit_code": code.as_str(),
        "name": "驻马店市测试机械有限公司",
        "region_code": "411702",
        "industry_code": "C3511",
        "production_start": "2019-03-01",
        "status": "operating",
        "contact_name": "张三",
        "contact_phone": "0396-1234567",
        "address": "驻马店市驿城区测试路 1 号"
    })
}

// ---- authentication ----

#[tokio::test]
async fn every_endpoint_needs_a_caller_except_the_document() {
    each(async |s| {
        for (method, path) in ENDPOINTS {
            let uri = concrete(path);
            let method: Method = method.to_uppercase().parse().unwrap();
            let json = (method != Method::GET).then(|| new_enterprise("91411702MA47AUTH0"));
            let res = send(s, method.clone(), &uri, Auth::None, json.as_ref()).await;
            if *path == "/openapi.json" {
                assert_eq!(res.status, StatusCode::OK, "{}: {method} {uri}", s.name);
                assert_eq!(res.headers.get(header::CONTENT_TYPE).unwrap(), "application/json");
            } else {
                assert_error(
                    &res,
                    StatusCode::UNAUTHORIZED,
                    "unauthenticated",
                    &format!("{}: {method} {uri}", s.name),
                );
            }
        }
        // A cookie that is no session, and a malformed Authorization header.
        let res = s
            .send(
                Request::get(format!("{PREFIX}/me"))
                    .header(header::COOKIE, "mujun_session=forged")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_error(&res, StatusCode::UNAUTHORIZED, "unauthenticated", s.name);
        let res = s
            .send(
                Request::get(format!("{PREFIX}/me"))
                    .header(header::AUTHORIZATION, "Basic Y2l0eTpwYXNz")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_error(&res, StatusCode::UNAUTHORIZED, "unauthenticated", s.name);
        // An unknown path under the API is not an endpoint.
        let res = s.api_get(&format!("{PREFIX}/nothing"), None).await;
        assert_error(&res, StatusCode::NOT_FOUND, "not_found", s.name);
    })
    .await;
}

#[tokio::test]
async fn bearer_tokens_work_until_revoked_and_unknown_ones_do_not() {
    each(async |s| {
        let t = token(s, "city").await;
        let (status, me) = get_json(s, &format!("{PREFIX}/me"), &t).await;
        assert_eq!(status, StatusCode::OK, "{}: {me}", s.name);
        assert_eq!(me["username"], "city");
        assert_eq!(me["display_name"], "市发改委 评价管理员");
        assert_eq!(me["role"], json!({"id": "city_admin", "label": "市级评价管理员"}));
        assert_eq!(me["scope"], "全市");
        assert_eq!(me["can"]["edit_registry"], true);
        assert_eq!(me["can"]["manage_accounts"], false);

        let unknown = s.api_get(&format!("{PREFIX}/me"), Some("0123456789abcdef")).await;
        assert_error(&unknown, StatusCode::UNAUTHORIZED, "unauthenticated", s.name);

        // Revoke it: refused from then on.
        let city = user_id(s, "city").await;
        let mut tx = s.app.store().begin().await.unwrap();
        for tok in api_tokens::list_for_user(&mut tx, city).await.unwrap() {
            api_tokens::revoke(&mut tx, tok.id).await.unwrap();
        }
        tx.commit().await.unwrap();
        let revoked = s.api_get(&format!("{PREFIX}/enterprises"), Some(&t)).await;
        assert_error(&revoked, StatusCode::UNAUTHORIZED, "unauthenticated", s.name);
    })
    .await;
}

#[tokio::test]
async fn a_browser_session_reads_and_needs_its_csrf_token_to_write() {
    each(async |s| {
        let b = s.login("city").await;
        let me = send(
            s,
            Method::GET,
            &format!("{PREFIX}/me"),
            Auth::Session(&b, None),
            None,
        )
        .await;
        assert_eq!(me.status, StatusCode::OK, "{}: {}", s.name, me.body);
        assert_eq!(body(&me)["scope"], "全市");

        // The form token of a page is the session's CSRF token.
        let home = s.get("/", Some(&b)).await;
        let csrf = csrf_in(&home.body).unwrap_or_else(|| b.csrf.clone());
        assert_eq!(csrf, b.csrf);

        let new = new_enterprise("91411702MA47CXRF0");
        let path = format!("{PREFIX}/enterprises");
        let missing = send(s, Method::POST, &path, Auth::Session(&b, None), Some(&new)).await;
        assert_error(&missing, StatusCode::FORBIDDEN, "forbidden", s.name);
        let wrong = send(
            s,
            Method::POST,
            &path,
            Auth::Session(&b, Some("00ff")),
            Some(&new),
        )
        .await;
        assert_error(&wrong, StatusCode::FORBIDDEN, "forbidden", s.name);
        let q = EnterpriseQuery {
            filter: ListFilter {
                search: Some("驻马店市测试机械".into()),
                ..Default::default()
            },
            page: 1,
            per_page: 10,
            ..Default::default()
        };
        let city = actor(s, "city").await;
        assert_eq!(
            s.app.list_enterprises(&city, &q).await.unwrap().total,
            0,
            "{}: refused requests change nothing",
            s.name
        );
        let ok = send(s, Method::POST, &path, Auth::Session(&b, Some(&csrf)), Some(&new)).await;
        assert_eq!(ok.status, StatusCode::CREATED, "{}: {}", s.name, ok.body);
        assert_eq!(s.app.list_enterprises(&city, &q).await.unwrap().total, 1);

        // A county officer at a browser.
        let y = s.login("yicheng").await;
        let me = send(
            s,
            Method::GET,
            &format!("{PREFIX}/me"),
            Auth::Session(&y, None),
            None,
        )
        .await;
        let me = body(&me);
        assert_eq!(me["role"]["id"], "county");
        assert_eq!(me["scope"], "驿城区（411702）");
    })
    .await;
}

// ---- scope ----

#[tokio::test]
async fn a_county_token_sees_only_its_county() {
    each(async |s| {
        let t = token(s, "yicheng").await;
        let (status, list) = get_json(s, &format!("{PREFIX}/enterprises?per_page=200"), &t).await;
        assert_eq!(status, StatusCode::OK, "{}: {list}", s.name);
        let items = list["items"].as_array().unwrap();
        assert!(
            !items.is_empty(),
            "{}: the demo has enterprises in 驿城区",
            s.name
        );
        assert!(items.iter().all(|i| i["region_code"] == "411702"), "{}", s.name);
        assert!(items.iter().all(|i| i["region_name"] == "驿城区"));

        let yicheng = actor(s, "yicheng").await;
        let q = EnterpriseQuery {
            page: 1,
            per_page: 200,
            ..Default::default()
        };
        let own = s.app.list_enterprises(&yicheng, &q).await.unwrap();
        assert_eq!(list["total"], own.total);
        let all = s.app.list_enterprises(&actor(s, "city").await, &q).await.unwrap();
        assert!(own.total < all.total, "{}: a county is not the city", s.name);

        // Asking for another county yields nothing; reading one of its enterprises is refused.
        let (_, other) = get_json(s, &format!("{PREFIX}/enterprises?region=411728"), &t).await;
        assert_eq!(other["total"], 0, "{}", s.name);
        let foreign = all.rows.iter().find(|r| r.region_code != "411702").unwrap();
        let res = s
            .api_get(&format!("{PREFIX}/enterprises/{}", foreign.id), Some(&t))
            .await;
        assert_error(&res, StatusCode::FORBIDDEN, "forbidden", s.name);

        // Clusters of the county only.
        let (status, clusters) = get_json(s, &format!("{PREFIX}/clusters"), &t).await;
        assert_eq!(status, StatusCode::OK);
        let clusters = clusters["items"].as_array().unwrap();
        assert!(!clusters.is_empty(), "{}", s.name);
        assert!(clusters.iter().all(|c| c["region_code"] == "411702"));
    })
    .await;
}

#[tokio::test]
async fn an_enterprise_token_is_refused_other_enterprises_and_the_refusal_is_audited() {
    each(async |s| {
        let t = token(s, "qiye").await;
        let (_, list) = get_json(s, &format!("{PREFIX}/enterprises"), &t).await;
        assert_eq!(list["total"], 1, "{}: {list}", s.name);
        let own = ids(&list)[0];
        let (status, detail) = get_json(s, &format!("{PREFIX}/enterprises/{own}"), &t).await;
        assert_eq!(status, StatusCode::OK, "{}: {detail}", s.name);
        assert_eq!(detail["enterprise"]["id"], own);
        let (_, me) = get_json(s, &format!("{PREFIX}/me"), &t).await;
        assert_eq!(me["scope"], detail["enterprise"]["name"]);

        let city = actor(s, "city").await;
        let all = s
            .app
            .list_enterprises(
                &city,
                &EnterpriseQuery {
                    page: 1,
                    per_page: 20,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let other = all.rows.iter().find(|r| r.id != own).unwrap().id;
        let res = s
            .api_get(&format!("{PREFIX}/enterprises/{other}"), Some(&t))
            .await;
        let v = assert_error(&res, StatusCode::FORBIDDEN, "forbidden", s.name);
        assert!(
            !res.body
                .contains(&all.rows.iter().find(|r| r.id == other).unwrap().name)
        );
        assert!(v["message"].as_str().unwrap().contains("超出本账号的查看范围"));
        let history = s
            .api_get(
                &format!("{PREFIX}/enterprises/{other}/figures/tax_paid/history"),
                Some(&t),
            )
            .await;
        assert_error(&history, StatusCode::FORBIDDEN, "forbidden", s.name);

        let mut c = s.app.store().read().await.unwrap();
        let (entries, total) = audit::search(
            &mut c,
            &audit::Filter {
                username: Some("qiye".into()),
                outcome: Some("denied".into()),
                object_id: Some(other.to_string()),
                ..Default::default()
            },
            10,
            0,
        )
        .await
        .unwrap();
        assert_eq!(total, 2, "{}: both refusals audited: {entries:?}", s.name);
        assert!(
            entries
                .iter()
                .all(|e| e.action == "enterprise.view" && e.object_type == "enterprise")
        );

        // Nonexistent and malformed ids: 404.
        for path in [
            "/enterprises/99999999",
            "/enterprises/abc",
            "/clusters/99999999",
            "/clusters/x",
        ] {
            let res = s.api_get(&format!("{PREFIX}{path}"), Some(&t)).await;
            assert_error(
                &res,
                StatusCode::NOT_FOUND,
                "not_found",
                &format!("{} {path}", s.name),
            );
        }
    })
    .await;
}

#[tokio::test]
async fn admin_and_auditor_get_403_on_business_data() {
    each(async |s| {
        // They hold no API tokens (三员分立): their browser sessions call the API.
        for user in ["admin", "auditor"] {
            let b = s.login(user).await;
            for path in [
                "/enterprises",
                "/enterprises/1",
                "/enterprises/1/figures/tax_paid/history",
                "/clusters",
                "/clusters/1",
            ] {
                let res = send(
                    s,
                    Method::GET,
                    &format!("{PREFIX}{path}"),
                    Auth::Session(&b, None),
                    None,
                )
                .await;
                assert_error(
                    &res,
                    StatusCode::FORBIDDEN,
                    "forbidden",
                    &format!("{} {user} {path}", s.name),
                );
            }
            let me = send(
                s,
                Method::GET,
                &format!("{PREFIX}/me"),
                Auth::Session(&b, None),
                None,
            )
            .await;
            assert_eq!(me.status, StatusCode::OK);
            assert_eq!(body(&me)["can"]["read_business_data"], false);
            let r = send(
                s,
                Method::GET,
                &format!("{PREFIX}/reference"),
                Auth::Session(&b, None),
                None,
            )
            .await;
            assert_eq!(r.status, StatusCode::OK, "{} {user}", s.name);
        }
        let mut c = s.app.store().read().await.unwrap();
        let (_, denied) = audit::search(
            &mut c,
            &audit::Filter {
                username: Some("auditor".into()),
                outcome: Some("denied".into()),
                ..Default::default()
            },
            10,
            0,
        )
        .await
        .unwrap();
        assert_eq!(denied, 5, "{}: every refusal audited", s.name);
    })
    .await;
}

// ---- reading ----

#[tokio::test]
async fn list_filters_and_pages_match_the_use_case() {
    each(async |s| {
        let t = token(s, "city").await;
        let city = actor(s, "city").await;
        let q = |f: fn(&mut EnterpriseQuery)| {
            let mut q = EnterpriseQuery {
                page: 1,
                per_page: 20,
                ..Default::default()
            };
            f(&mut q);
            q
        };
        let first = s.app.list_enterprises(&city, &q(|_| {})).await.unwrap();
        let year = first.year;
        assert!(year > 2000);
        let sample = &first.rows[0];
        let word: String = sample.name.chars().skip(3).take(2).collect();
        let division = sample.industry_code[..2].to_owned();
        let clusters = s.app.list_clusters(&city).await.unwrap();
        let cluster = clusters.iter().find(|c| c.enterprises > 0).unwrap().cluster.id;

        let cases: Vec<(String, EnterpriseQuery)> = vec![
            (String::new(), q(|_| {})),
            (
                format!("q={}", mujun_web::auth::urlencode(&word)),
                EnterpriseQuery {
                    filter: ListFilter {
                        search: Some(word.clone()),
                        ..Default::default()
                    },
                    ..q(|_| {})
                },
            ),
            (
                "region=411702&sort=name&desc=true".into(),
                q(|q| {
                    q.filter.region_code = Some("411702".into());
                    q.sort = SortBy::Name;
                    q.descending = true;
                }),
            ),
            (
                format!("cluster={cluster}&per_page=10&page=2"),
                EnterpriseQuery {
                    filter: ListFilter {
                        cluster_id: Some(cluster),
                        ..Default::default()
                    },
                    page: 2,
                    per_page: 10,
                    ..Default::default()
                },
            ),
            (
                format!("industry={division}&scale=above&sort=class"),
                EnterpriseQuery {
                    filter: ListFilter {
                        industry: Some(division.clone()),
                        scale: Some("above".into()),
                        ..Default::default()
                    },
                    sort: SortBy::Class,
                    ..q(|_| {})
                },
            ),
            (
                format!(
                    "class=A&year={}&scale={}",
                    year - 1,
                    mujun_web::auth::urlencode("规下")
                ),
                EnterpriseQuery {
                    filter: ListFilter {
                        class: Some("A".into()),
                        scale: Some("below".into()),
                        year: year - 1,
                        ..Default::default()
                    },
                    ..q(|_| {})
                },
            ),
            (
                "class=B&page=3&per_page=5&region=&q=".into(),
                q(|q| {
                    q.filter.class = Some("B".into());
                    q.page = 3;
                    q.per_page = 5;
                }),
            ),
        ];
        for (query, uc) in cases {
            let expected = s.app.list_enterprises(&city, &uc).await.unwrap();
            let (status, got) = get_json(s, &format!("{PREFIX}/enterprises?{query}"), &t).await;
            assert_eq!(status, StatusCode::OK, "{} {query}: {got}", s.name);
            assert_eq!(got["total"], expected.total, "{} {query}", s.name);
            assert_eq!(got["page"], expected.page, "{} {query}", s.name);
            assert_eq!(got["per_page"], expected.per_page, "{} {query}", s.name);
            assert_eq!(got["year"], expected.year, "{} {query}", s.name);
            assert_eq!(
                ids(&got),
                expected.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
                "{} {query}",
                s.name
            );
        }
        // The filters filter (the demo has something of each).
        let (_, a) = get_json(s, &format!("{PREFIX}/enterprises?class=A&per_page=200"), &t).await;
        let a_total = a["total"].as_i64().unwrap();
        assert!(a_total > 0 && a_total < first.total, "{}: {a_total}", s.name);
        for i in a["items"].as_array().unwrap() {
            assert_eq!(i["class"], "A");
            assert_eq!(i["class_label"], "A 类 优先发展");
            assert!(i["scale_label"] == "规上" || i["scale_label"] == "规下");
        }

        // Bad parameters: 422 naming each.
        let res = s
            .api_get(
                &format!(
                    "{PREFIX}/enterprises?page=x&year=1999&sort=size&region=12&scale=big&cluster=a&desc=maybe&industry=C35111"
                ),
                Some(&t),
            )
            .await;
        let mut fields = invalid_fields(&res, s.name);
        fields.sort();
        assert_eq!(
            fields,
            ["cluster", "desc", "industry", "page", "region", "scale", "sort", "year"],
            "{}",
            s.name
        );
        let res = s
            .api_get(&format!("{PREFIX}/enterprises/1?year=abc"), Some(&t))
            .await;
        assert_eq!(invalid_fields(&res, s.name), ["year"]);
    })
    .await;
}

#[tokio::test]
async fn enterprise_detail_shows_the_figures_the_caller_may_see_and_their_history() {
    each(async |s| {
        let city = token(s, "city").await;
        let (_, list) = get_json(s, &format!("{PREFIX}/enterprises?scale=above"), &city).await;
        let id = ids(&list)[0];
        let (status, d) = get_json(s, &format!("{PREFIX}/enterprises/{id}"), &city).await;
        assert_eq!(status, StatusCode::OK, "{}: {d}", s.name);
        let year = d["year"].as_i64().unwrap();
        assert_eq!(d["years"][0], year, "{}: the latest year by default", s.name);
        assert_eq!(d["year"], list["year"]);
        assert_eq!(d["figures"].as_array().unwrap().len(), 12);
        assert!(
            d["figures"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["recorded"] == true)
        );
        assert_eq!(d["classes"][0]["year"], year);
        assert!(d["classes"][0]["label"].as_str().unwrap().contains('类') || d["classes"][0]["class"] == "X");
        assert_eq!(d["scales"][0]["label"], "规上");
        let e = &d["enterprise"];
        assert!(e["version"].as_i64().unwrap() >= 1);
        assert!(e["created_at"].as_str().unwrap().ends_with("+08:00"));
        assert_eq!(e["status_label"], "正常生产");

        let older = d["years"].as_array().unwrap().last().unwrap().as_i64().unwrap();
        assert!(older < year, "{}: the demo has several years", s.name);
        let (_, old) = get_json(s, &format!("{PREFIX}/enterprises/{id}?year={older}"), &city).await;
        assert_eq!(old["year"], older);

        // A department officer sees its own figures only, and their history.
        let tax = token(s, "tax").await;
        let (_, d) = get_json(s, &format!("{PREFIX}/enterprises/{id}"), &tax).await;
        let fields: Vec<&str> = d["figures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["tax_paid"], "{}", s.name);
        assert_eq!(d["figures"][0]["label"], "实缴税收");
        assert_eq!(d["figures"][0]["unit"], "万元");
        let path = |field: &str| format!("{PREFIX}/enterprises/{id}/figures/{field}/history?year={year}");
        let (status, h) = get_json(s, &path("tax_paid"), &tax).await;
        assert_eq!(status, StatusCode::OK, "{}: {h}", s.name);
        assert_eq!(h["field"], "tax_paid");
        let values = h["values"].as_array().unwrap();
        assert!(!values.is_empty(), "{}: {h}", s.name);
        assert_eq!(values[0]["current"], true);
        assert_eq!(values[0]["year"], year);
        assert_eq!(values[0]["value"], d["figures"][0]["value"]);
        // By Chinese name too.
        let (status, by_label) = get_json(s, &path("%E5%AE%9E%E7%BC%B4%E7%A8%8E%E6%94%B6"), &tax).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(by_label["field"], "tax_paid");
        // Another department's figure: refused; an unknown figure: 404.
        let res = s.api_get(&path("profit_total"), Some(&tax)).await;
        assert_error(&res, StatusCode::FORBIDDEN, "forbidden", s.name);
        let res = s.api_get(&path("size"), Some(&tax)).await;
        assert_error(&res, StatusCode::NOT_FOUND, "not_found", s.name);
    })
    .await;
}

#[tokio::test]
async fn figure_history_without_a_year_is_the_latest_year() {
    each(async |s| {
        let t = token(s, "city").await;
        let (_, list) = get_json(s, &format!("{PREFIX}/enterprises"), &t).await;
        let id = ids(&list)[0];
        let (_, h) = get_json(
            s,
            &format!("{PREFIX}/enterprises/{id}/figures/land_area_mu/history"),
            &t,
        )
        .await;
        let values = h["values"].as_array().unwrap();
        assert!(!values.is_empty(), "{}: {h}", s.name);
        assert_eq!(values[0]["year"], list["year"]);
    })
    .await;
}

#[tokio::test]
async fn clusters_and_reference() {
    each(async |s| {
        let t = token(s, "city").await;
        let (status, list) = get_json(s, &format!("{PREFIX}/clusters"), &t).await;
        assert_eq!(status, StatusCode::OK);
        let items = list["items"].as_array().unwrap();
        assert_eq!(items.len(), 11, "{}: the demo's clusters", s.name);
        let id = items[0]["id"].as_i64().unwrap();
        let (status, c) = get_json(s, &format!("{PREFIX}/clusters/{id}"), &t).await;
        assert_eq!(status, StatusCode::OK, "{}: {c}", s.name);
        assert_eq!(c["cluster"], items[0]);
        // Newest first: the demo seed's facts come after the creation.
        let events = c["events"].as_array().unwrap();
        let created = events.last().unwrap();
        assert_eq!(
            (created["kind"].as_str(), created["kind_label"].as_str()),
            (Some("created"), Some("设立"))
        );

        let z = token(s, "zhuangbei").await;
        let (_, own) = get_json(s, &format!("{PREFIX}/clusters"), &z).await;
        assert_eq!(own["items"].as_array().unwrap().len(), 1, "{}", s.name);
        let own_id = own["items"][0]["id"].as_i64().unwrap();
        let other = items.iter().find(|c| c["id"] != own_id).unwrap()["id"].clone();
        let res = s.api_get(&format!("{PREFIX}/clusters/{other}"), Some(&z)).await;
        assert_error(&res, StatusCode::FORBIDDEN, "forbidden", s.name);

        let (status, r) = get_json(s, &format!("{PREFIX}/reference"), &z).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            r["regions"]
                .as_array()
                .unwrap()
                .iter()
                .any(|g| g["code"] == "411702" && g["name"] == "驿城区")
        );
        assert_eq!(r["industries"].as_array().unwrap().len(), 31, "{}", s.name);
        assert!(
            r["departments"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["code"] == "tax")
        );
        assert_eq!(r["fields"].as_array().unwrap().len(), 12);
        assert_eq!(
            r["enterprise_statuses"][0],
            json!({"id": "operating", "label": "正常生产"})
        );
    })
    .await;
}

// ---- writing ----

#[tokio::test]
async fn create_and_update_validate_and_detect_stale_versions() {
    each(async |s| {
        let t = token(s, "city").await;
        let path = format!("{PREFIX}/enterprises");
        let new = new_enterprise("91411702MA47TEXT0");

        let created = send(s, Method::POST, &path, Auth::Bearer(&t), Some(&new)).await;
        assert_eq!(
            created.status,
            StatusCode::CREATED,
            "{}: {}",
            s.name,
            created.body
        );
        let saved = body(&created);
        let id = saved["id"].as_i64().unwrap();
        assert_eq!(
            created.headers.get(header::LOCATION).unwrap().to_str().unwrap(),
            format!("{path}/{id}")
        );
        let (_, d) = get_json(s, &format!("{path}/{id}"), &t).await;
        let e = &d["enterprise"];
        assert_eq!(e["credit_code"], new["credit_code"]);
        assert_eq!(e["industry_code"], "3511");
        assert_eq!(e["region_name"], "驿城区");
        assert_eq!(e["contact_name"], "张三");
        assert_eq!(e["version"], saved["version"], "{}", s.name);

        // Same code again: conflict.
        let dup = send(s, Method::POST, &path, Auth::Bearer(&t), Some(&new)).await;
        assert_error(&dup, StatusCode::CONFLICT, "conflict", s.name);

        // Validation: Chinese messages per field.
        let empty = send(s, Method::POST, &path, Auth::Bearer(&t), Some(&json!({}))).await;
        let mut fields = invalid_fields(&empty, s.name);
        fields.sort();
        assert_eq!(
            fields,
            ["credit_code", "industry_code", "name", "region_code", "status"],
            "{}",
            s.name
        );
        let mut bad = new.clone();
        bad["credit_code"] = json!("91411702MA47TEXT01");
        bad["contact_phone"] = json!("call me");
        bad["production_start"] = json!("2019-13-01");
        let res = send(s, Method::POST, &path, Auth::Bearer(&t), Some(&bad)).await;
        let mut fields = invalid_fields(&res, s.name);
        fields.sort();
        assert_eq!(
            fields,
            ["contact_phone", "credit_code", "production_start"],
            "{}",
            s.name
        );
        let mut unknown = new.clone();
        unknown["contact"] = json!("李四");
        let res = send(s, Method::POST, &path, Auth::Bearer(&t), Some(&unknown)).await;
        assert_eq!(invalid_fields(&res, s.name), ["body"]);
        let res = s
            .send(
                Request::post(&path)
                    .header(header::AUTHORIZATION, format!("Bearer {t}"))
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from("{not json"))
                    .unwrap(),
            )
            .await;
        assert_eq!(invalid_fields(&res, s.name), ["body"]);

        // Update at the current version, then again at the old one.
        let mut edit = new.clone();
        edit["name"] = json!("驻马店市测试机械股份有限公司");
        edit["version"] = e["version"].clone();
        let res = send(
            s,
            Method::PUT,
            &format!("{path}/{id}"),
            Auth::Bearer(&t),
            Some(&edit),
        )
        .await;
        assert_eq!(res.status, StatusCode::OK, "{}: {}", s.name, res.body);
        let saved = body(&res);
        let (_, d) = get_json(s, &format!("{path}/{id}"), &t).await;
        assert_eq!(d["enterprise"]["name"], "驻马店市测试机械股份有限公司");
        assert_eq!(d["enterprise"]["version"], saved["version"], "{}", s.name);
        let stale = send(
            s,
            Method::PUT,
            &format!("{path}/{id}"),
            Auth::Bearer(&t),
            Some(&edit),
        )
        .await;
        assert_error(&stale, StatusCode::CONFLICT, "conflict", s.name);
        let mut no_version = edit.clone();
        no_version.as_object_mut().unwrap().remove("version");
        let res = send(
            s,
            Method::PUT,
            &format!("{path}/{id}"),
            Auth::Bearer(&t),
            Some(&no_version),
        )
        .await;
        assert_eq!(invalid_fields(&res, s.name), ["version"]);
        let mut invalid = edit.clone();
        invalid["status"] = json!("bankrupt");
        invalid["version"] = saved["version"].clone();
        let res = send(
            s,
            Method::PUT,
            &format!("{path}/{id}"),
            Auth::Bearer(&t),
            Some(&invalid),
        )
        .await;
        assert_eq!(invalid_fields(&res, s.name), ["status"]);
        let res = send(
            s,
            Method::PUT,
            &format!("{path}/99999999"),
            Auth::Bearer(&t),
            Some(&edit),
        )
        .await;
        assert_error(&res, StatusCode::NOT_FOUND, "not_found", s.name);

        // Nobody but the city administrator edits the registry, and refusals are audited.
        for user in ["yicheng", "tax", "qiye", "zhuangbei"] {
            let other = token(s, user).await;
            let res = send(
                s,
                Method::POST,
                &path,
                Auth::Bearer(&other),
                Some(&new_enterprise("91411702MA47N0PE0")),
            )
            .await;
            assert_error(
                &res,
                StatusCode::FORBIDDEN,
                "forbidden",
                &format!("{} {user}", s.name),
            );
            let res = send(
                s,
                Method::PUT,
                &format!("{path}/{id}"),
                Auth::Bearer(&other),
                Some(&edit),
            )
            .await;
            assert_error(
                &res,
                StatusCode::FORBIDDEN,
                "forbidden",
                &format!("{} {user}", s.name),
            );
        }
        let mut c = s.app.store().read().await.unwrap();
        let (_, denied) = audit::search(
            &mut c,
            &audit::Filter {
                username: Some("yicheng".into()),
                action: Some("enterprise.".into()),
                outcome: Some("denied".into()),
                ..Default::default()
            },
            10,
            0,
        )
        .await
        .unwrap();
        assert_eq!(denied, 2, "{}", s.name);
    })
    .await;
}

// ---- the document ----

fn snapshot_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/openapi.json")
}

#[tokio::test]
async fn the_openapi_document_matches_its_snapshot() {
    each(async |s| {
        let res = s.get(&format!("{PREFIX}/openapi.json"), None).await;
        assert_eq!(res.status, StatusCode::OK);
        let doc = body(&res);
        let pretty = serde_json::to_string_pretty(&doc).unwrap() + "\n";
        let path = snapshot_path();
        if std::env::var("UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &pretty).unwrap();
            panic!(
                "wrote {}: review the changes (git diff), then run the tests again without UPDATE_SNAPSHOTS",
                path.display()
            );
        }
        let stored = std::fs::read_to_string(&path).unwrap_or_default();
        if stored != pretty {
            let line = stored
                .lines()
                .zip(pretty.lines())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| stored.lines().count().min(pretty.lines().count()));
            panic!(
                "{}: /api/v1/openapi.json differs from {} from line {} on:\n  stored: {:?}\n  served: {:?}\n\
                 If the change is intended, run `UPDATE_SNAPSHOTS=1 cargo test -p mujun-web --test api` and review the diff.",
                s.name,
                path.display(),
                line + 1,
                stored.lines().nth(line).unwrap_or("<end>"),
                pretty.lines().nth(line).unwrap_or("<end>"),
            );
        }
    })
    .await;
}

/// Every `$ref` in a JSON value.
fn refs(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, x) in map {
                match (k.as_str(), x) {
                    ("$ref", serde_json::Value::String(r)) => out.push(r.clone()),
                    _ => refs(x, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

#[test]
fn every_schema_reference_resolves() {
    let doc = serde_json::to_value(mujun_web::api::openapi::document()).unwrap();
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(all.len() > 20, "the document uses named schemas");
    let broken: Vec<&String> = all
        .iter()
        .filter(|r| {
            r.strip_prefix("#/components/schemas/")
                .is_none_or(|name| doc["components"]["schemas"].get(name).is_none())
        })
        .collect();
    assert!(broken.is_empty(), "broken references: {broken:?}");
}

#[test]
fn every_route_is_documented_and_every_operation_is_routed() {
    let doc = serde_json::to_value(mujun_web::api::openapi::document()).unwrap();
    assert_eq!(doc["info"]["title"], "mujun 亩均论英雄 API");
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["type"], "http");
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["cookie"]["type"], "apiKey");
    assert_eq!(schemes["cookie"]["in"], "cookie");
    assert_eq!(schemes["cookie"]["name"], mujun_web::auth::SESSION_COOKIE);
    assert!(has_chinese(schemes["cookie"]["description"].as_str().unwrap()));
    assert_eq!(doc["security"], json!([{"bearer": []}, {"cookie": []}]));

    // The table of contents and the document agree in both directions.
    let mut documented = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, _) in item.as_object().unwrap() {
            documented.push((method.clone(), path.clone()));
        }
    }
    let routed: Vec<(String, String)> = ENDPOINTS
        .iter()
        .map(|(m, p)| (m.to_string(), format!("{PREFIX}{p}")))
        .collect();
    let mut a = documented.clone();
    let mut b = routed.clone();
    a.sort();
    b.sort();
    assert_eq!(a, b, "documented operations vs the route table");
    assert_eq!(routed.len(), 68);

    let mut operation_ids = std::collections::HashSet::new();
    for (method, path) in &documented {
        let op = &doc["paths"][path][method];
        let context = format!("{method} {path}");
        assert!(
            operation_ids.insert(op["operationId"].as_str().unwrap().to_owned()),
            "{context}"
        );
        assert_eq!(op["tags"].as_array().map(Vec::len), Some(1), "{context}");
        assert!(
            has_chinese(op["summary"].as_str().unwrap_or("")),
            "{context}: a Chinese summary"
        );
        let responses = op["responses"].as_object().unwrap();
        let params: Vec<&str> = op["parameters"]
            .as_array()
            .map(|p| p.iter().map(|p| p["name"].as_str().unwrap()).collect())
            .unwrap_or_default();
        for name in path.split('{').skip(1).map(|p| p.split('}').next().unwrap()) {
            assert!(
                params.contains(&name),
                "{context}: path parameter {name} documented"
            );
        }
        if path.ends_with("/openapi.json") {
            assert_eq!(op["security"], json!([{}]), "{context}: public");
            assert!(responses.contains_key("200"));
            continue;
        }
        assert!(
            op.get("security").is_none(),
            "{context}: the document's security applies"
        );
        for code in ["401", "403"] {
            let r = &responses[code];
            assert!(
                has_chinese(r["description"].as_str().unwrap_or("")),
                "{context} {code}"
            );
            assert_eq!(
                r["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/ErrorBody",
                "{context} {code}"
            );
        }
        if path.contains('{') {
            assert!(responses.contains_key("404"), "{context}: 404");
        }
        if method != "get" {
            assert!(
                responses.contains_key("409") && responses.contains_key("422"),
                "{context}"
            );
        }
        let ok = responses
            .keys()
            .find(|k| k.starts_with('2'))
            .expect("a success response");
        // Workbooks are binary downloads with their own named schema; everything else is JSON.
        let content = &responses[ok]["content"];
        let schema = content
            .get("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            .unwrap_or(&content["application/json"]);
        assert!(
            schema["schema"]["$ref"].is_string(),
            "{context}: a named response schema"
        );
    }
}

#[tokio::test]
async fn negative_lists_and_admission_reviews_through_the_api() {
    each(async |s| {
        let name = s.name;
        let zb = cluster_id(s, "驻马店装备产业集聚区").await;
        let committee = token(s, "zhuangbei").await;
        let path = format!("/api/v1/clusters/{zb}/negative-list");
        let (status, v) = get_json(s, &path, &committee).await;
        assert_eq!(status, StatusCode::OK, "{name}: {v}");
        assert!(
            v["example"].as_bool().unwrap() && v["version"] == 1,
            "{name}: {v}"
        );
        // A bad code: 422 naming the row; nothing saved.
        let list = |code: &str| {
            serde_json::json!({
                "basis": "驻装管〔2025〕3 号",
                "min_investment_per_mu": 200.0,
                "entries": [
                    {"code": "26", "rule": "banned", "basis": "不再新上化工项目"},
                    {"code": code, "rule": "restricted", "min_investment_per_mu": 300.0}
                ]
            })
        };
        let bad = send(
            s,
            Method::PUT,
            &path,
            Auth::Bearer(&committee),
            Some(&list("2X14")),
        )
        .await;
        assert_eq!(invalid_fields(&bad, name), ["entries"]);
        assert!(bad.body.contains("第 2 行"), "{name}: {}", bad.body);
        let ok = send(
            s,
            Method::PUT,
            &path,
            Auth::Bearer(&committee),
            Some(&list("2614")),
        )
        .await;
        assert_eq!(ok.status, StatusCode::OK, "{name}: {}", ok.body);
        let v = body(&ok);
        assert_eq!(
            (v["version"].as_i64(), v["versions"].as_i64()),
            (Some(2), Some(2)),
            "{name}"
        );
        // A review, then the list of reviews.
        let project = serde_json::json!({
            "cluster_id": zb, "project_name": "新材料项目", "industry_code": "2614",
            "investment": 30000.0, "land_mu": 100.0, "expected_tax": 2500.0, "energy_tce": 3000.0
        });
        let r = send(
            s,
            Method::POST,
            "/api/v1/admission-reviews",
            Auth::Bearer(&committee),
            Some(&project),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{name}: {}", r.body);
        let v = body(&r);
        assert_eq!(
            (v["verdict"].as_str(), v["list_version"].as_i64()),
            (Some("conditional"), Some(2))
        );
        let (_, all) = get_json(s, "/api/v1/admission-reviews", &committee).await;
        assert_eq!(ids(&all).len(), 1, "{name}");
        // Not a department's business.
        let tax = token(s, "tax").await;
        let denied = send(
            s,
            Method::POST,
            "/api/v1/admission-reviews",
            Auth::Bearer(&tax),
            Some(&project),
        )
        .await;
        assert_error(&denied, StatusCode::FORBIDDEN, "forbidden", name);
    })
    .await;
}

#[tokio::test]
async fn a_problem_and_a_task_report_through_the_api() {
    each(async |s| {
        let (qiye, city, tax) = (token(s, "qiye").await, token(s, "city").await, token(s, "tax").await);
        // The enterprise files with an attachment (Base64); a bad category is a 422 naming it.
        let bad = json!({"category": "天气", "title": "t", "description": "d"});
        let res = send(s, Method::POST, "/api/v1/service/problems", Auth::Bearer(&qiye), Some(&bad)).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", s.name);
        assert!(res.body.contains("问题类别“天气”无效"));
        let new = json!({"category": "融资信贷", "title": "流动资金贷款到期续贷", "description": "请求协调续贷。",
                         "attachment": {"name": "说明.txt", "content_base64": "6K+05piO"}});
        let res = send(s, Method::POST, "/api/v1/service/problems", Auth::Bearer(&qiye), Some(&new)).await;
        assert_eq!(res.status, StatusCode::OK, "{}: {}", s.name, res.body);
        let p = body(&res);
        let id = p["id"].as_i64().unwrap();
        assert_eq!(p["status"], "待交办");
        assert_eq!(p["events"][0]["attachment"], "说明.txt");
        let path = format!("/api/v1/service/problems/{id}/steps");
        let tax_dept = actor(s, "tax").await.department_id.unwrap();
        let assign = json!({"step": "assign", "version": 1, "department_id": tax_dept, "difficulty": "cross"});
        // Only the office assigns; then the department answers and the enterprise rates.
        let res = send(s, Method::POST, &path, Auth::Bearer(&qiye), Some(&assign)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        let res = send(s, Method::POST, &path, Auth::Bearer(&city), Some(&assign)).await;
        assert_eq!(body(&res)["status"], "办理中", "{}", res.body);
        assert_eq!(body(&res)["difficulty"], "跨部门问题");
        let answer = json!({"step": "answer", "version": 2, "body": "已协调银行续贷"});
        let res = send(s, Method::POST, &path, Auth::Bearer(&tax), Some(&answer)).await;
        assert_eq!(body(&res)["status"], "待企业评价", "{}", res.body);
        // A stale version conflicts.
        let res = send(s, Method::POST, &path, Auth::Bearer(&tax), Some(&answer)).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "answered already: {}", res.body);
        let rate = json!({"step": "rate", "version": 2, "rating": "satisfied"});
        let res = send(s, Method::POST, &path, Auth::Bearer(&qiye), Some(&rate)).await;
        assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
        let rate = json!({"step": "rate", "version": 3, "rating": "satisfied"});
        let res = send(s, Method::POST, &path, Auth::Bearer(&qiye), Some(&rate)).await;
        let p = body(&res);
        assert_eq!((p["status"].as_str(), p["rating"].as_str()), (Some("已销号"), Some("满意")));
        let stats = body(&s.api_get("/api/v1/service/statistics", Some(&city)).await);
        assert!(stats["total"].as_u64().unwrap() >= 1);
        let list = body(&s.api_get("/api/v1/service/problems", Some(&qiye)).await);
        assert!(list["problems"].as_array().unwrap().iter().any(|p| p["id"] == id));

        // The tracker: the table, and a report of the land department on its task.
        let tasks = body(&s.api_get("/api/v1/tasks", Some(&city)).await);
        assert_eq!(tasks["total"], 24);
        let task = tasks["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["title"] == "促进土地集约节约利用")
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let land = token(s, "land").await;
        let path = format!("/api/v1/tasks/{task}/reports");
        let res = send(s, Method::POST, &path, Auth::Bearer(&land), Some(&json!({"status": "late", "body": ""}))).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("进展情况“late”无效") && res.body.contains("请写明本期工作进展"));
        let res = send(s, Method::POST, &path, Auth::Bearer(&tax), Some(&json!({"status": "on_track", "body": "x"}))).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        let res = send(s, Method::POST, &path, Auth::Bearer(&land), Some(&json!({"status": "on_track", "body": "本季度盘活 300 亩"}))).await;
        let t = body(&res);
        assert_eq!(t["reports"][0]["unit"], "市自然资源和规划局", "{}", res.body);
        assert_eq!(t["reports"][0]["status"], "按计划推进");
    })
    .await;
}

#[tokio::test]
async fn a_transformation_plan_through_the_api() {
    each(async |s| {
        let (city, yicheng) = (token(s, "city").await, token(s, "yicheng").await);
        let ledger = body(&s.api_get("/api/v1/transformation-plans", Some(&yicheng)).await);
        let year = ledger["year"].as_i64().unwrap();
        let target = ledger["enterprises"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["plan"].is_null())
            .unwrap()["enterprise_id"]
            .as_i64()
            .unwrap();
        let now = mujun_store::now_ms() / 1000 + 8 * 3600;
        let deadline = mujun_domain::Date::from_days_since_epoch(now.div_euclid(86_400) + 100)
            .unwrap()
            .to_string();
        let new = json!({"enterprise_id": target, "year": year, "targets": "亩均税收翻番",
                         "measures": "技术改造", "deadline": deadline, "responsible": "区工信局 李某"});
        let res = send(
            s,
            Method::POST,
            "/api/v1/transformation-plans",
            Auth::Bearer(&yicheng),
            Some(&new),
        )
        .await;
        assert_eq!(res.status, StatusCode::OK, "{}: {}", s.name, res.body);
        let plan = body(&res);
        assert_eq!(plan["outcome"], format!("待 {} 年度评价", year + 1));
        let path = format!("/api/v1/transformation-plans/{}/progress", plan["id"]);
        let res = send(
            s,
            Method::POST,
            &path,
            Auth::Bearer(&yicheng),
            Some(&json!({"version": 1, "body": ""})),
        )
        .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        let res = send(
            s,
            Method::POST,
            &path,
            Auth::Bearer(&yicheng),
            Some(&json!({"version": 1, "body": "已完成改造", "done": true})),
        )
        .await;
        assert_eq!(body(&res)["done"], true, "{}", res.body);
        let got = body(
            &s.api_get(
                &format!("/api/v1/transformation-plans/{}", plan["id"]),
                Some(&city),
            )
            .await,
        );
        assert_eq!(got["progress"], "已完成改造");
    })
    .await;
}

#[tokio::test]
async fn cluster_indicators_assessments_and_targets_through_the_api() {
    each(async |s| {
        let (city, stats, tax) = (
            token(s, "city").await,
            token(s, "stats").await,
            token(s, "tax").await,
        );
        let ind = body(&s.api_get("/api/v1/cluster-indicators", Some(&tax)).await);
        let year = ind["year"].as_i64().unwrap();
        assert_eq!(ind["clusters"].as_array().unwrap().len(), 11, "{}", s.name);
        assert_eq!(ind["city"][0]["name"], "亩均税收");
        // The statistics bureau reports the price index; the tax department may not.
        let data = json!({"cluster_id": 0, "year": year, "item": "price_index", "value": 101.0});
        let res = send(
            s,
            Method::POST,
            "/api/v1/cluster-data",
            Auth::Bearer(&tax),
            Some(&data),
        )
        .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        let res = send(
            s,
            Method::POST,
            "/api/v1/cluster-data",
            Auth::Bearer(&stats),
            Some(&data),
        )
        .await;
        assert_eq!(body(&res)["saved"], true, "{}", res.body);
        // A run, approved by the leader, published by the city.
        let res = send(
            s,
            Method::POST,
            "/api/v1/cluster-assessments",
            Auth::Bearer(&city),
            Some(&json!({"year": year})),
        )
        .await;
        let a = body(&res);
        assert_eq!(a["state"], "待审定", "{}", res.body);
        assert_eq!(a["results"].as_array().unwrap().len(), 11);
        let path = format!("/api/v1/cluster-assessments/{}/decision", a["id"]);
        // The leader holds no API token: approval in the browser (here through the use case).
        let approve = json!({"version": a["version"], "decision": "approve"});
        let res = send(s, Method::POST, &path, Auth::Bearer(&city), Some(&approve)).await;
        assert_eq!(
            res.status,
            StatusCode::FORBIDDEN,
            "the city does not approve its own run"
        );
        let leader = actor(s, "leader").await;
        let id = a["id"].as_i64().unwrap();
        s.app
            .decide_cluster_assessment(&leader, id, a["version"].as_i64().unwrap(), "approve")
            .await
            .unwrap();
        let publish = json!({"version": a["version"].as_i64().unwrap() + 1, "decision": "publish"});
        let res = send(s, Method::POST, &path, Auth::Bearer(&city), Some(&publish)).await;
        assert_eq!(body(&res)["state"], "已发布", "{}", res.body);
        let list = body(&s.api_get("/api/v1/cluster-assessments", Some(&tax)).await);
        assert!(
            list["assessments"]
                .as_array()
                .unwrap()
                .iter()
                .all(|a| a["state"] == "已发布")
        );
        let targets = body(&s.api_get("/api/v1/plan-targets", Some(&tax)).await);
        assert_eq!(targets["targets"].as_array().unwrap().len(), 13);
    })
    .await;
}

// ---- what-if (issue 15) ----

#[tokio::test]
async fn the_city_simulates_keeps_compares_and_removes_scenarios_through_the_api() {
    each(async |s| {
        let (run, _) = run_in_notice(s, None).await;
        let city = token(s, "city").await;
        let tax = token(s, "tax").await;
        let own = s
            .app
            .run_method_source(&actor(s, "city").await, run)
            .await
            .unwrap();
        let draft =
            own.replacen("weight = 35.0", "weight = 45.0", 1)
                .replacen("weight = 15.0", "weight = 5.0", 1);
        let path = format!("{PREFIX}/runs/{run}/simulate");
        let same = send(
            s,
            Method::POST,
            &path,
            Auth::Bearer(&city),
            Some(&json!({"method": own})),
        )
        .await;
        assert_eq!(same.status, StatusCode::OK, "{}: {}", s.name, same.body);
        let same = body(&same);
        assert_eq!(same["changes"], json!([]), "{}", s.name);
        assert_eq!(same["methods"][0]["label"], "现行方法");
        let moved = send(
            s,
            Method::POST,
            &path,
            Auth::Bearer(&city),
            Some(&json!({"method": draft})),
        )
        .await;
        let moved = body(&moved);
        let changes = moved["changes"].as_array().unwrap();
        assert!(!changes.is_empty(), "{}: ten points move some enterprise", s.name);
        assert_eq!(changes[0]["classes"].as_array().unwrap().len(), 2);
        assert!(has_chinese(changes[0]["reasons"][1].as_str().unwrap()));
        let summary = moved["class_summary"].as_array().unwrap();
        let total: u64 = summary
            .iter()
            .map(|c| c["cells"][1]["enterprises"].as_u64().unwrap())
            .sum();
        assert_eq!(total, moved["enterprises"].as_u64().unwrap());
        let refused = send(
            s,
            Method::POST,
            &path,
            Auth::Bearer(&tax),
            Some(&json!({"method": own})),
        )
        .await;
        assert_error(&refused, StatusCode::FORBIDDEN, "forbidden", s.name);
        let bad = send(
            s,
            Method::POST,
            &path,
            Auth::Bearer(&city),
            Some(&json!({"method": "id = 1"})),
        )
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

        let scenarios = format!("{PREFIX}/runs/{run}/scenarios");
        let saved = send(
            s,
            Method::POST,
            &scenarios,
            Auth::Bearer(&city),
            Some(&json!({"name": "税收权重提高10分", "method": draft})),
        )
        .await;
        assert_eq!(saved.status, StatusCode::CREATED, "{}: {}", s.name, saved.body);
        let sid = body(&saved)["id"].as_i64().unwrap();
        let again = send(
            s,
            Method::POST,
            &scenarios,
            Auth::Bearer(&city),
            Some(&json!({"name": "税收权重提高10分", "method": own})),
        )
        .await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", s.name);
        let (status, list) = get_json(s, &scenarios, &city).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(list["items"][0]["name"], "税收权重提高10分");
        let (status, side) = get_json(s, &format!("{scenarios}/compare?scenarios={sid}"), &city).await;
        assert_eq!(status, StatusCode::OK, "{side}");
        assert_eq!(
            side["changes"], moved["changes"],
            "{}: the kept draft gives the same answer",
            s.name
        );
        let (status, bad) = get_json(s, &format!("{scenarios}/compare?scenarios=x"), &city).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        let (status, sens) = get_json(s, &format!("{PREFIX}/runs/{run}/sensitivity?step=10"), &city).await;
        assert_eq!(status, StatusCode::OK, "{sens}");
        let item = sens["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["change"] == "从“亩均利润”移 10 分到“亩均税收”" && i["group"] == "规上")
            .unwrap();
        assert_eq!(
            item["changed"].as_u64().unwrap() as usize,
            changes.len(),
            "{}",
            s.name
        );
        let (status, _) = get_json(s, &format!("{PREFIX}/runs/{run}/sensitivity?step=3"), &city).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let removed = send(
            s,
            Method::DELETE,
            &format!("{scenarios}/{sid}"),
            Auth::Bearer(&tax),
            None,
        )
        .await;
        assert_error(&removed, StatusCode::FORBIDDEN, "forbidden", s.name);
        let removed = send(
            s,
            Method::DELETE,
            &format!("{scenarios}/{sid}"),
            Auth::Bearer(&city),
            None,
        )
        .await;
        assert_eq!(removed.status, StatusCode::OK, "{}", s.name);
        assert_eq!(body(&removed)["items"], json!([]));
        let (_, list) = get_json(s, &scenarios, &city).await;
        assert_eq!(list["items"], json!([]));

        // The score card's levers beyond tax, each the engine's answer.
        let (status, results) = get_json(
            s,
            &format!("{PREFIX}/runs/{run}/results?class=C&per_page=1"),
            &city,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{results}");
        let e = results["items"][0]["enterprise_id"].as_i64().unwrap();
        let (_, card) = get_json(s, &format!("{PREFIX}/runs/{run}/results/{e}"), &city).await;
        let levers = card["levers"].as_array().unwrap();
        assert_eq!(levers.len(), 4, "{card}");
        assert_eq!(levers[0]["lever"], "退让低效用地");
        assert!(levers.iter().all(|l| has_chinese(l["text"].as_str().unwrap())));
    })
    .await;
}
