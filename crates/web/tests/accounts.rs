//! Account administration through the pages: the list, creating and editing accounts (with the
//! password policy and scope rules), deactivation and resets ending sessions, unlocking, API
//! tokens shown once, and every other role refused.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::*;
use mujun_app::Actor;

/// Every demo account except the system administrator.
const OTHERS: [&str; 8] = [
    "city",
    "tax",
    "stats",
    "yicheng",
    "suiping",
    "zhuangbei",
    "qiye",
    "auditor",
];

/// A valid initial password for the new accounts of these tests.
const NEW_PASSWORD: &str = "Zmd#2024secure";

/// The use-case caller behind a browser.
async fn actor(s: &TestServer, b: &Browser) -> Actor {
    s.app.session(&b.cookie, "test").await.unwrap().actor
}

/// The id of an account, looked up as the system administrator.
async fn user_id(s: &TestServer, admin: &Browser, username: &str) -> i64 {
    let a = actor(s, admin).await;
    s.app
        .list_accounts(&a)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.username == username)
        .unwrap_or_else(|| panic!("{}: no account {username}", s.name))
        .id
}

async fn usernames(s: &TestServer, admin: &Browser) -> Vec<String> {
    let a = actor(s, admin).await;
    s.app
        .list_accounts(&a)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.username)
        .collect()
}

/// The row of an account in the list page.
fn row<'a>(body: &'a str, username: &str) -> &'a str {
    let start = body
        .find(&format!("data-account=\"{username}\""))
        .unwrap_or_else(|| panic!("no row for {username}"));
    let end = body[start..].find("</tr>").unwrap() + start;
    &body[start..end]
}

/// The fields of a new county officer's account.
fn county_account<'a>(username: &'a str, password: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("username", username),
        ("display_name", "西平县 工作人员"),
        ("role", "county"),
        ("region_code", "411721"),
        ("department_id", ""),
        ("cluster_id", ""),
        ("enterprise_code", ""),
        ("active", "on"),
        ("password", password),
        ("confirm", password),
    ]
}

#[tokio::test]
async fn admin_sees_every_account_with_role_scope_and_status() {
    each(async |s| {
        let b = s.login("admin").await;
        let p = s.get("/accounts", Some(&b)).await;
        assert_eq!(p.status, StatusCode::OK, "{}", s.name);
        for u in OTHERS.iter().chain(["admin"].iter()) {
            assert!(
                p.body.contains(&format!("data-account=\"{u}\"")),
                "{}: {u}",
                s.name
            );
        }
        assert!(p.body.contains("新建账号") && p.body.contains("href=\"/accounts/new\""));
        let tax = row(&p.body, "tax");
        assert!(tax.contains("部门数据员") && tax.contains("税务局") && tax.contains("启用"));
        assert!(row(&p.body, "yicheng").contains("<td>驿城区</td>"));
        assert!(row(&p.body, "zhuangbei").contains("装备产业集聚区"));
        assert!(row(&p.body, "qiye").contains("企业用户"));
        let id = user_id(s, &b, "tax").await;
        assert!(tax.contains(&format!("href=\"/accounts/{id}/edit\"")));
        // The new-account form offers the choices.
        let form = s.get("/accounts/new", Some(&b)).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("value=\"county\"") && form.body.contains("县区人员"));
        assert!(form.body.contains("遂平县（411728）") && form.body.contains("统计局"));
        assert!(form.body.contains("至少 10 位"), "the password policy is shown");
    })
    .await;
}

#[tokio::test]
async fn weak_or_mismatched_passwords_and_missing_scopes_create_nothing() {
    each(async |s| {
        let b = s.login("admin").await;
        let before = usernames(s, &b).await;
        // Too short, one class.
        let p = s
            .post("/accounts/new", Some(&b), &county_account("xiping", "short"))
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", s.name);
        assert!(p.body.contains("长度至少 10 位"), "{}", p.body);
        assert!(
            p.body.contains("value=\"xiping\""),
            "the form keeps what was typed"
        );
        assert!(!p.body.contains("value=\"short\""), "passwords are never echoed");
        // Contains the user name.
        let p = s
            .post(
                "/accounts/new",
                Some(&b),
                &county_account("xiping", "Xiping#20245"),
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.body.contains("不得包含用户名"));
        // The confirmation differs.
        let mut fields = county_account("xiping", NEW_PASSWORD);
        fields.retain(|(k, _)| *k != "confirm");
        fields.push(("confirm", "Zmd#2024other"));
        let p = s.post("/accounts/new", Some(&b), &fields).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.body.contains("两次输入的初始密码不一致"));
        // A county officer without a county.
        let mut fields = county_account("xiping", NEW_PASSWORD);
        fields.retain(|(k, _)| *k != "region_code");
        fields.push(("region_code", ""));
        let p = s.post("/accounts/new", Some(&b), &fields).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", s.name);
        let at = p
            .body
            .find("县区人员须选择区划表中现行的县区")
            .expect("field error");
        let label = p.body[..at].rfind("<label").unwrap();
        assert!(
            p.body[label..at].contains("class=\"invalid\"")
                && p.body[label..at].contains("name=\"region_code\""),
            "the message sits at the county field"
        );
        // A duplicate user name.
        let p = s
            .post("/accounts/new", Some(&b), &county_account("city", NEW_PASSWORD))
            .await;
        assert_eq!(p.status, StatusCode::CONFLICT, "{}", s.name);
        assert!(p.body.contains("用户名已存在"));
        assert_eq!(usernames(s, &b).await, before, "{}: nothing was created", s.name);
        assert!(s.try_login("xiping", NEW_PASSWORD).await.is_none());
    })
    .await;
}

#[tokio::test]
async fn a_new_account_must_change_its_password_at_first_login() {
    each(async |s| {
        let b = s.login("admin").await;
        let p = s
            .post("/accounts/new", Some(&b), &county_account("xiping", NEW_PASSWORD))
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}: {}", s.name, p.body);
        assert_eq!(p.location(), "/accounts?msg=created");
        let list = s.get(p.location(), Some(&b)).await;
        assert!(list.body.contains("已创建"));
        let r = row(&list.body, "xiping");
        assert!(r.contains("县区人员") && r.contains("<td>西平县</td>"));
        assert!(
            r.contains("<span class=\"tag warn\">是</span>"),
            "must change: {r}"
        );
        let nb = s
            .try_login("xiping", NEW_PASSWORD)
            .await
            .expect("the new account signs in");
        let home = s.get("/", Some(&nb)).await;
        assert_eq!(home.status, StatusCode::SEE_OTHER);
        assert_eq!(home.location(), "/password", "{}", s.name);
        let a = actor(s, &nb).await;
        assert_eq!(a.region_code.as_deref(), Some("411721"));
    })
    .await;
}

#[tokio::test]
async fn editing_changes_the_role_and_ends_the_sessions() {
    each(async |s| {
        let b = s.login("admin").await;
        let tax = s.login("tax").await;
        let id = user_id(s, &b, "tax").await;
        let form = s.get(&format!("/accounts/{id}/edit"), Some(&b)).await;
        assert_eq!(form.status, StatusCode::OK, "{}", s.name);
        assert!(form.body.contains("编辑账号 tax"));
        assert!(form.body.contains("value=\"department\" selected"));
        let p = s
            .post(
                &format!("/accounts/{id}/edit"),
                Some(&b),
                &[
                    ("username", "tax"),
                    ("display_name", "市发改委 副管理员"),
                    ("role", "county"),
                    ("region_code", "411702"),
                    ("department_id", ""),
                    ("active", "on"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}: {}", s.name, p.body);
        assert_eq!(p.location(), format!("/accounts/{id}/edit?msg=saved"));
        let a = actor(s, &b).await;
        let stored = s.app.get_account(&a, id).await.unwrap();
        assert_eq!(
            (stored.role.as_str(), stored.display_name.as_str()),
            ("county", "市发改委 副管理员")
        );
        let page = s.get(p.location(), Some(&b)).await;
        assert!(page.body.contains("已保存") && page.body.contains("value=\"county\" selected"));
        // A role change ends the account's sessions.
        let home = s.get("/", Some(&tax)).await;
        assert!(
            home.location().starts_with("/login"),
            "{}: {}",
            s.name,
            home.location()
        );
        // Invalid edits re-render the form.
        let p = s
            .post(
                &format!("/accounts/{id}/edit"),
                Some(&b),
                &[
                    ("username", "tax"),
                    ("display_name", ""),
                    ("role", "city_admin"),
                    ("active", "on"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.body.contains("姓名不能为空"));
        assert_eq!(
            s.get("/accounts/999999/edit", Some(&b)).await.status,
            StatusCode::NOT_FOUND
        );
    })
    .await;
}

#[tokio::test]
async fn deactivating_signs_the_user_out_and_blocks_login() {
    each(async |s| {
        let b = s.login("admin").await;
        let yicheng = s.login("yicheng").await;
        assert_eq!(s.get("/", Some(&yicheng)).await.status, StatusCode::OK);
        let id = user_id(s, &b, "yicheng").await;
        // No `active` field: the checkbox is unticked.
        let p = s
            .post(
                &format!("/accounts/{id}/edit"),
                Some(&b),
                &[
                    ("username", "yicheng"),
                    ("display_name", "驿城区 工作人员"),
                    ("role", "county"),
                    ("region_code", "411702"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}: {}", s.name, p.body);
        let home = s.get("/", Some(&yicheng)).await;
        assert_eq!(home.status, StatusCode::SEE_OTHER, "{}", s.name);
        assert!(home.location().starts_with("/login"));
        assert!(s.try_login("yicheng", PASSWORD).await.is_none());
        let list = s.get("/accounts", Some(&b)).await;
        assert!(row(&list.body, "yicheng").contains("停用"));
        // The administrator cannot deactivate itself.
        let me = user_id(s, &b, "admin").await;
        let p = s
            .post(
                &format!("/accounts/{me}/edit"),
                Some(&b),
                &[
                    ("username", "admin"),
                    ("display_name", "系统管理员"),
                    ("role", "sys_admin"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.body.contains("不能停用自己的账号"));
        assert_eq!(s.get("/accounts", Some(&b)).await.status, StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn a_reset_password_must_be_changed_and_ends_the_sessions() {
    each(async |s| {
        let b = s.login("admin").await;
        let stats = s.login("stats").await;
        let id = user_id(s, &b, "stats").await;
        let path = format!("/accounts/{id}/reset-password");
        let weak = s
            .post(&path, Some(&b), &[("password", "abc"), ("confirm", "abc")])
            .await;
        assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", s.name);
        assert!(weak.body.contains("长度至少 10 位"));
        let differs = s
            .post(
                &path,
                Some(&b),
                &[("password", NEW_PASSWORD), ("confirm", "Zmd#2024other")],
            )
            .await;
        assert_eq!(differs.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(differs.body.contains("两次输入的新密码不一致"));
        assert_eq!(
            s.get("/", Some(&stats)).await.status,
            StatusCode::OK,
            "still signed in"
        );
        let p = s
            .post(
                &path,
                Some(&b),
                &[("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}: {}", s.name, p.body);
        assert_eq!(p.location(), format!("/accounts/{id}/edit?msg=reset"));
        assert!(s.get(p.location(), Some(&b)).await.body.contains("密码已重置"));
        assert!(s.get("/", Some(&stats)).await.location().starts_with("/login"));
        assert!(
            s.try_login("stats", PASSWORD).await.is_none(),
            "the old password is gone"
        );
        let nb = s.try_login("stats", NEW_PASSWORD).await.unwrap();
        assert_eq!(s.get("/", Some(&nb)).await.location(), "/password", "{}", s.name);
    })
    .await;
}

#[tokio::test]
async fn failures_from_one_address_are_cleared_from_the_page() {
    each(async |s| {
        let b = s.login("admin").await;
        for _ in 0..5 {
            assert!(s.try_login("suiping", "Wrong#password1").await.is_none());
        }
        assert!(
            s.try_login("suiping", PASSWORD).await.is_none(),
            "{}: the guessing address waits after five failures",
            s.name
        );
        let id = user_id(s, &b, "suiping").await;
        let p = s.post(&format!("/accounts/{id}/unlock"), Some(&b), &[]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}: {}", s.name, p.body);
        assert_eq!(p.location(), format!("/accounts/{id}/edit?msg=unlocked"));
        assert!(s.get(p.location(), Some(&b)).await.body.contains("账号已解锁"));
        assert!(s.try_login("suiping", PASSWORD).await.is_some(), "{}", s.name);
        assert_eq!(
            s.post("/accounts/999999/unlock", Some(&b), &[]).await.status,
            StatusCode::NOT_FOUND
        );
    })
    .await;
}

/// The token shown on the result page.
fn shown_token(body: &str) -> String {
    let marker = "data-testid=\"token\">";
    let i = body.find(marker).expect("token shown") + marker.len();
    body[i..].split('<').next().unwrap().to_owned()
}

#[tokio::test]
async fn an_api_token_is_shown_once_and_authenticates() {
    each(async |s| {
        // Each account issues its own tokens; the system administrator none.
        let tax = s.login("tax").await;
        let p = s
            .post(
                "/account/tokens",
                Some(&tax),
                &[("name", "税务数据对接"), ("days", "30")],
            )
            .await;
        assert_eq!(p.status, StatusCode::OK, "{}: {}", s.name, p.body);
        let token = shown_token(&p.body);
        assert_eq!(token.len(), 64, "{token}");
        assert_eq!(p.body.matches(&token).count(), 1, "shown exactly once");
        assert!(p.body.contains("只显示这一次") && p.body.contains("税务数据对接"));
        let caller = s.app.api_caller(&token, "203.0.113.9").await.unwrap();
        assert_eq!(caller.username, "tax", "{}", s.name);
        let list = s.get("/account/tokens", Some(&tax)).await;
        assert!(list.body.contains("税务数据对接") && !list.body.contains(&token));
        // At most a year.
        let long = s
            .post(
                "/account/tokens",
                Some(&tax),
                &[("name", "长期"), ("days", "3650")],
            )
            .await;
        assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", s.name);
        // Rotation: a new token, the old one dead at once.
        let id = s.app.own_tokens(&caller).await.unwrap()[0].id;
        let r = s
            .post(
                &format!("/account/tokens/{id}/rotate"),
                Some(&tax),
                &[("days", "90")],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", s.name, r.body);
        let fresh = shown_token(&r.body);
        assert!(
            s.app.api_caller(&token, "203.0.113.9").await.is_err(),
            "{}",
            s.name
        );
        s.app.api_caller(&fresh, "203.0.113.9").await.unwrap();
        let fresh_id = s.app.own_tokens(&caller).await.unwrap()[0].id;
        let v = s
            .post(&format!("/account/tokens/{fresh_id}/revoke"), Some(&tax), &[])
            .await;
        assert_eq!(v.status, StatusCode::SEE_OTHER);
        assert!(s.app.api_caller(&fresh, "203.0.113.9").await.is_err());
        // Not the system administrator.
        let admin = s.login("admin").await;
        let a = s
            .post("/account/tokens", Some(&admin), &[("name", "x"), ("days", "30")])
            .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", s.name);
        // Nor another account's token.
        let city = s.login("city").await;
        let c = s
            .post(&format!("/account/tokens/{fresh_id}/revoke"), Some(&city), &[])
            .await;
        assert_eq!(c.status, StatusCode::FORBIDDEN, "{}", s.name);
    })
    .await;
}

#[tokio::test]
async fn every_other_role_is_refused_and_nothing_changes() {
    each(async |s| {
        let admin = s.login("admin").await;
        let target = user_id(s, &admin, "tax").await;
        let before = usernames(s, &admin).await;
        for who in OTHERS {
            let b = s.login(who).await;
            for path in [
                "/accounts".to_owned(),
                "/accounts/new".to_owned(),
                format!("/accounts/{target}/edit"),
            ] {
                let p = s.get(&path, Some(&b)).await;
                assert_eq!(p.status, StatusCode::FORBIDDEN, "{}: {who} GET {path}", s.name);
            }
            let p = s
                .post(
                    "/accounts/new",
                    Some(&b),
                    &county_account("intruder", NEW_PASSWORD),
                )
                .await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{}: {who} create", s.name);
            let posts: [(String, Vec<(&str, &str)>); 4] = [
                (
                    format!("/accounts/{target}/edit"),
                    vec![
                        ("username", "tax"),
                        ("display_name", "x"),
                        ("role", "sys_admin"),
                        ("active", "on"),
                    ],
                ),
                (
                    format!("/accounts/{target}/reset-password"),
                    vec![("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)],
                ),
                (format!("/accounts/{target}/unlock"), vec![]),
                (format!("/accounts/{target}/reset-request"), vec![]),
            ];
            for (path, fields) in posts {
                let p = s.post(&path, Some(&b), &fields).await;
                assert_eq!(p.status, StatusCode::FORBIDDEN, "{}: {who} POST {path}", s.name);
                assert!(!p.body.contains("class=\"token\""));
            }
        }
        assert_eq!(usernames(s, &admin).await, before, "{}", s.name);
        let a = actor(s, &admin).await;
        let tax = s.app.get_account(&a, target).await.unwrap();
        assert_eq!(tax.role, "department");
        assert!(s.try_login("tax", PASSWORD).await.is_some(), "password unchanged");
        // A forged form token is refused even for the administrator.
        let mut fields = county_account("xiping", NEW_PASSWORD);
        fields.push(("_csrf", "forged"));
        let p = s.post("/accounts/new", Some(&admin), &fields).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
        assert!(!usernames(s, &admin).await.contains(&"xiping".to_owned()));
    })
    .await;
}
