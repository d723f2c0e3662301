//! The audit pages: the auditor reads the entries of what just happened, filters narrow them,
//! pages hold 50 entries, details are escaped, every other role is refused, and the chain check
//! names the first tampered entry.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::*;

/// Every demo account except the auditor.
const OTHERS: [&str; 8] = [
    "admin",
    "city",
    "tax",
    "stats",
    "yicheng",
    "suiping",
    "zhuangbei",
    "qiye",
];

/// The total shown above the results.
fn total(body: &str) -> i64 {
    let marker = "<strong class=\"total\">";
    let i = body.find(marker).expect("a total") + marker.len();
    body[i..].split('<').next().unwrap().parse().unwrap()
}

/// Sequence numbers of the rows shown, in order.
fn seqs(body: &str) -> Vec<i64> {
    body.split("<tr data-seq=\"")
        .skip(1)
        .map(|r| r.split('"').next().unwrap().parse().unwrap())
        .collect()
}

/// Today in Beijing time, `YYYY-MM-DD`, shifted by `days`.
fn beijing_day(days: i64) -> String {
    let t = mujun_store::now_ms() + days * 86_400_000;
    mujun_web::pages::format_time(t)[..10].to_owned()
}

#[tokio::test]
async fn the_auditor_sees_recent_logins_and_filters_narrow_them() {
    each(async |s| {
        for _ in 0..3 {
            s.login("city").await;
        }
        s.login("tax").await;
        for _ in 0..2 {
            assert!(s.try_login("tax", "Wrong#password1").await.is_none());
        }
        let b = s.login("auditor").await;
        let all = s.get("/audit", Some(&b)).await;
        assert_eq!(all.status, StatusCode::OK, "{}", s.name);
        let n = total(&all.body);
        let shown = seqs(&all.body);
        assert_eq!(shown.len() as i64, n.min(50), "{}", s.name);
        assert!(shown.windows(2).all(|w| w[0] > w[1]), "newest first: {shown:?}");
        assert!(all.body.contains("<code>city</code>") && all.body.contains("登录失败"));
        assert!(all.body.contains("<span class=\"tag warn\">失败</span>"));
        assert!(
            all.body.contains("写入演示数据"),
            "{}: the seed is the first entry",
            s.name
        );
        let count = async |q: &str| {
            let p = s.get(&format!("/audit?{q}"), Some(&b)).await;
            assert_eq!(p.status, StatusCode::OK, "{}: {q}", s.name);
            assert_eq!(seqs(&p.body).len() as i64, total(&p.body), "{q}");
            total(&p.body)
        };
        assert_eq!(count("username=city").await, 3, "{}", s.name);
        assert_eq!(count("username=city&action=login&outcome=ok").await, 3);
        assert_eq!(count("username=city&action=logout").await, 0);
        assert_eq!(count("username=tax").await, 3);
        assert_eq!(count("username=tax&outcome=failed").await, 2);
        assert_eq!(count("username=tax&outcome=ok").await, 1);
        assert_eq!(count("action=login&outcome=failed").await, 2);
        assert_eq!(count("action=demo.").await, 1);
        // The object of a login is the account.
        let admin = s.login("admin").await;
        let a = s.app.session(&admin.cookie, "t").await.unwrap().actor;
        let tax_id = s
            .app
            .list_accounts(&a)
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.username == "tax")
            .unwrap()
            .id;
        assert_eq!(count(&format!("object_id={tax_id}")).await, 3, "{}", s.name);
        // Days in Beijing time, both ends included.
        let (today, tomorrow, yesterday) = (beijing_day(0), beijing_day(1), beijing_day(-1));
        let everything = count("").await;
        assert_eq!(count(&format!("from={today}&to={today}")).await, everything);
        assert_eq!(count(&format!("from={yesterday}")).await, everything);
        assert_eq!(count(&format!("from={tomorrow}")).await, 0);
        assert_eq!(count(&format!("to={yesterday}")).await, 0);
        let bad = s.get("/audit?from=2024-13-01", Some(&b)).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("不是有效日期") && seqs(&bad.body).is_empty());
        let reversed = s
            .get(&format!("/audit?from={today}&to={yesterday}"), Some(&b))
            .await;
        assert_eq!(reversed.status, StatusCode::UNPROCESSABLE_ENTITY);
        // The filters stay in the form.
        let p = s.get("/audit?username=tax&outcome=failed", Some(&b)).await;
        assert!(p.body.contains("value=\"tax\"") && p.body.contains("value=\"failed\" selected"));
    })
    .await;
}

#[tokio::test]
async fn an_action_with_an_underscore_can_be_searched() {
    each(async |s| {
        assert!(s.try_login("tax", "Wrong#password1").await.is_none());
        let b = s.login("auditor").await;
        let p = s.get("/audit?action=login_failed", Some(&b)).await;
        assert_eq!(total(&p.body), 1, "{}", s.name);
        let p = s.get("/audit?action=user.reset_password", Some(&b)).await;
        assert_eq!(total(&p.body), 0);
    })
    .await;
}

#[tokio::test]
async fn fifty_entries_per_page_with_the_filters_kept() {
    each(async |s| {
        for _ in 0..60 {
            assert!(s.app.login("ghost", "x", "198.51.100.7", None).await.is_err());
        }
        let b = s.login("auditor").await;
        let first = s.get("/audit?username=ghost", Some(&b)).await;
        assert_eq!(total(&first.body), 60, "{}", s.name);
        let one = seqs(&first.body);
        assert_eq!(one.len(), 50);
        assert!(first.body.contains("198.51.100.7") && first.body.contains("第 1 / 2 页"));
        assert!(
            first.body.contains("href=\"/audit?username=ghost&amp;page=2\"")
                || first.body.contains("href=\"/audit?username=ghost&#38;page=2\""),
            "{}: the pager keeps the filter",
            s.name
        );
        assert!(
            first
                .body
                .contains("<span class=\"current\" aria-current=\"page\">1</span>")
        );
        let second = s.get("/audit?username=ghost&page=2", Some(&b)).await;
        let two = seqs(&second.body);
        assert_eq!(two.len(), 10, "{}", s.name);
        assert!(two[0] < *one.last().unwrap(), "page 2 continues page 1");
        assert!(
            second
                .body
                .contains("<span class=\"current\" aria-current=\"page\">2</span>")
        );
        let beyond = s.get("/audit?username=ghost&page=9", Some(&b)).await;
        assert!(seqs(&beyond.body).is_empty() && total(&beyond.body) == 60);
    })
    .await;
}

#[tokio::test]
async fn details_and_names_are_escaped() {
    each(async |s| {
        let evil = "<script>alert(1)</script>";
        assert!(s.app.login(evil, "x", "192.0.2.1", None).await.is_err());
        let b = s.login("auditor").await;
        let p = s.get("/audit?outcome=failed", Some(&b)).await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(!p.body.contains(evil), "{}: not escaped", s.name);
        assert!(
            p.body.contains("&#60;script&#62;alert(1)&#60;/script&#62;")
                || p.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{}: the name is shown, escaped",
            s.name
        );
        assert!(p.body.contains("unknown_user"), "the detail is shown");
    })
    .await;
}

#[tokio::test]
async fn other_roles_cannot_read_or_verify_the_trail() {
    each(async |s| {
        for who in OTHERS {
            let b = s.login(who).await;
            for path in [
                "/audit",
                "/audit?username=admin",
                "/audit/verify",
                "/audit?from=bad",
            ] {
                let p = s.get(path, Some(&b)).await;
                assert_eq!(p.status, StatusCode::FORBIDDEN, "{}: {who} GET {path}", s.name);
                assert!(!p.body.contains("data-seq"));
            }
            let p = s.post("/audit/verify", Some(&b), &[]).await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{}: {who} verify", s.name);
        }
        // The refusals are themselves in the trail.
        let b = s.login("auditor").await;
        let p = s.get("/audit?username=qiye&outcome=denied", Some(&b)).await;
        assert_eq!(total(&p.body), 5, "{}", s.name);
        assert!(p.body.contains("<span class=\"tag bad\">拒绝</span>"));
        assert_eq!(s.get("/audit", None).await.location(), "/login?next=/audit");
    })
    .await;
}

#[tokio::test]
async fn verification_reports_an_intact_chain_and_names_a_tampered_entry() {
    each(async |s| {
        let b = s.login("auditor").await;
        let page = s.get("/audit/verify", Some(&b)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", s.name);
        assert!(page.body.contains("封印") && page.body.contains("action=\"/audit/verify\""));
        let entries = total(&s.get("/audit", Some(&b)).await.body);
        let p = s.post("/audit/verify", Some(&b), &[]).await;
        assert_eq!(p.status, StatusCode::OK, "{}", s.name);
        assert!(
            p.body.contains(&format!("完整：共 {entries} 条")),
            "{}: {}",
            s.name,
            p.body
        );
        assert!(!p.body.contains("被篡改"));
        // Someone with the database owner's rights lifts the guard and edits entry 2.
        {
            let mut c = s.app.store().read().await.unwrap();
            match s.app.store().backend() {
                mujun_store::Backend::Sqlite => {
                    sqlx::query("DROP TRIGGER audit_log_no_update")
                        .execute(&mut *c)
                        .await
                        .unwrap();
                }
                mujun_store::Backend::Postgres => {
                    sqlx::query("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update")
                        .execute(&mut *c)
                        .await
                        .unwrap();
                }
            }
            let done = sqlx::query("UPDATE audit_log SET username = 'mallory' WHERE id = 2")
                .execute(&mut *c)
                .await
                .unwrap();
            assert_eq!(done.rows_affected(), 1);
        }
        let p = s.post("/audit/verify", Some(&b), &[]).await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(p.body.contains("第 2 条起被篡改"), "{}: {}", s.name, p.body);
        assert!(p.body.contains("flash error verdict") && !p.body.contains("完整：共"));
        // Both checks are recorded.
        let checks = s.get("/audit?action=audit.verify", Some(&b)).await;
        assert_eq!(total(&checks.body), 2, "{}", s.name);
        assert!(checks.body.contains("校验审计日志"));
    })
    .await;
}
