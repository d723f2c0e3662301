//! Login security through the web layer: CSRF on the login form and on every signed-in form,
//! session cookie flags, renewal at login, lockout, forced password change, security headers.
#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::*;

#[tokio::test]
async fn login_sets_a_strict_http_only_cookie_and_renews_it() {
    each(async |s| {
        let form = s.get("/login", None).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("演示账号"), "demo mode lists the accounts");
        assert!(
            form.body
                .contains(&format!("<p class=\"agency\">{}</p>", s.app.site().agency)),
            "the organising agency is named"
        );
        let b = s.login("city").await;
        let again = s.login("city").await;
        assert_ne!(
            b.cookie, again.cookie,
            "{}: a new session id at every login",
            s.name
        );
        let home = s.get("/", Some(&again)).await;
        assert_eq!(home.status, StatusCode::OK, "{}", s.name);
        assert!(home.body.contains("市发改委 评价管理员") && home.body.contains("市级评价管理员"));
        // The cookie's flags.
        let page = s.get("/login", None).await;
        let login_csrf = page
            .headers
            .get(header::SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            login_csrf.contains("HttpOnly")
                && login_csrf.contains("SameSite=Strict")
                && login_csrf.contains("Path=/")
        );
    })
    .await;
}

#[tokio::test]
async fn login_form_without_its_csrf_cookie_is_refused() {
    each(async |s| {
        let body =
            serde_urlencoded::to_string([("username", "city"), ("password", PASSWORD), ("_csrf", "forged")])
                .unwrap();
        let res = s
            .send(
                Request::post("/login")
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", s.name);
    })
    .await;
}

#[tokio::test]
async fn signed_in_forms_need_the_session_token_and_same_origin() {
    each(async |s| {
        let b = s.login("city").await;
        let forged = s.post("/logout", Some(&b), &[("_csrf", "0000")]).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}: wrong token", s.name);
        assert_eq!(
            s.get("/", Some(&b)).await.status,
            StatusCode::OK,
            "still signed in"
        );
        // Cross-site request with the right token: refused by the origin check.
        let body = serde_urlencoded::to_string([("_csrf", b.csrf.as_str())]).unwrap();
        let res = s
            .send(
                Request::post("/logout")
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .header(header::COOKIE, format!("mujun_session={}", b.cookie))
                    .header("sec-fetch-site", "cross-site")
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        let out = s.post("/logout", Some(&b), &[]).await;
        assert_eq!((out.status, out.location()), (StatusCode::SEE_OTHER, "/login"));
        assert_eq!(
            s.get("/", Some(&b)).await.location(),
            "/login?next=/",
            "{}: logged out",
            s.name
        );
    })
    .await;
}

#[tokio::test]
async fn five_wrong_passwords_make_the_address_wait() {
    each(async |s| {
        for _ in 0..5 {
            assert!(s.try_login("tax", "Wrong-password-1").await.is_none());
        }
        // The same address waits before even the right password is taken (a growing delay).
        assert!(
            s.try_login("tax", PASSWORD).await.is_none(),
            "{}: waiting",
            s.name
        );
        let form = s.get("/login", None).await;
        assert!(form.status.is_success());
    })
    .await;
}

#[tokio::test]
async fn forced_password_change_before_anything_else() {
    each(async |s| {
        // An account created by the administrator must change its password first.
        let admin_actor = s
            .app
            .login("admin", PASSWORD, "127.0.0.1", None)
            .await
            .unwrap()
            .actor;
        let form = mujun_app::accounts::AccountForm {
            username: "newcomer".into(),
            display_name: "新同事".into(),
            role: "county".into(),
            region_code: Some("411702".into()),
            active: true,
            ..Default::default()
        };
        s.app
            .create_account(&admin_actor, &form, "Initial-Pass1")
            .await
            .unwrap();
        let fresh = s.try_login("newcomer", "Initial-Pass1").await.unwrap();
        assert_eq!(
            s.get("/", Some(&fresh)).await.location(),
            "/password",
            "{}",
            s.name
        );
        let changed = s
            .post(
                "/password",
                Some(&fresh),
                &[
                    ("old_password", "Initial-Pass1"),
                    ("new_password", "Fresh-Start-22"),
                    ("confirm", "Fresh-Start-22"),
                ],
            )
            .await;
        assert_eq!(
            (changed.status, changed.location()),
            (axum::http::StatusCode::SEE_OTHER, "/?msg=password_changed")
        );
        assert!(s.try_login("newcomer", "Fresh-Start-22").await.is_some());

        let admin = s.login("admin").await;
        let created = s
            .post(
                "/password",
                Some(&admin),
                &[
                    ("old_password", PASSWORD),
                    ("new_password", "weak"),
                    ("confirm", "weak"),
                ],
            )
            .await;
        assert_eq!(
            created.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}: policy shown",
            s.name
        );
        assert!(created.body.contains("10 位"));
        let ok = s
            .post(
                "/password",
                Some(&admin),
                &[
                    ("old_password", PASSWORD),
                    ("new_password", "New-Chief-Pass1"),
                    ("confirm", "New-Chief-Pass1"),
                ],
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER);
        assert!(s.try_login("admin", "New-Chief-Pass1").await.is_some());
    })
    .await;
}

#[tokio::test]
async fn security_headers_everywhere() {
    each(async |s| {
        for path in ["/login", "/", "/static/app.css", "/no-such-page"] {
            let p = s.get(path, None).await;
            let h = &p.headers;
            assert!(
                h.get(header::CONTENT_SECURITY_POLICY)
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .contains("script-src 'self'"),
                "{path}"
            );
            assert_eq!(h.get(header::X_FRAME_OPTIONS).unwrap(), "DENY");
            assert_eq!(h.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(), "nosniff");
        }
        assert_eq!(s.get("/no-such-page", None).await.status, StatusCode::NOT_FOUND);
        // Oversized bodies are refused.
        let big = "x".repeat(3 * 1024 * 1024);
        let res = s
            .send(
                Request::post("/login")
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from(format!("username={big}")))
                    .unwrap(),
            )
            .await;
        assert!(
            res.status == StatusCode::PAYLOAD_TOO_LARGE || res.status == StatusCode::BAD_REQUEST,
            "{}",
            res.status
        );
    })
    .await;
}

/// The second step of a login as a browser posts it: the form's ticket, a code, the login
/// form's double-submit cookie.
#[tokio::test]
async fn an_enrolled_account_signs_in_in_two_steps() {
    each(async |s| {
        let city = s.app.cli_actor("city").await.unwrap();
        let e = s.app.start_totp(&city).await.unwrap();
        let key = mujun_app::totp::base32_decode(&e.secret).unwrap();
        let step = mujun_store::now_ms() / 30_000;
        s.app
            .confirm_totp(&city, &mujun_app::totp::code_at(&key, step))
            .await
            .unwrap();
        let form = s.get("/login", None).await;
        let csrf_cookie = set_cookie_value(&form.headers, "mujun_login_csrf").unwrap();
        let csrf = csrf_in(&form.body).unwrap();
        let post = |path: &'static str, body: String| {
            Request::post(path)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, format!("mujun_login_csrf={csrf_cookie}"))
                .body(Body::from(body))
                .unwrap()
        };
        let first = s
            .send(post(
                "/login",
                serde_urlencoded::to_string([
                    ("username", "city"),
                    ("password", PASSWORD),
                    ("_csrf", &csrf),
                    ("next", "/runs"),
                ])
                .unwrap(),
            ))
            .await;
        assert_eq!(first.status, StatusCode::OK, "{}", s.name);
        assert!(first.location().is_empty() && first.body.contains("action=\"/login/totp\""));
        let i = first.body.find("name=\"ticket\" value=\"").unwrap() + "name=\"ticket\" value=\"".len();
        let ticket = first.body[i..].split('"').next().unwrap().to_owned();
        let second = |code: String| {
            post(
                "/login/totp",
                serde_urlencoded::to_string([
                    ("ticket", ticket.as_str()),
                    ("code", &code),
                    ("_csrf", &csrf),
                    ("next", "/runs"),
                ])
                .unwrap(),
            )
        };
        // Without the form's token: refused before anything is checked.
        let forged = s
            .send(
                Request::post("/login/totp")
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from(format!("ticket={ticket}&code=000000&_csrf={csrf}")))
                    .unwrap(),
            )
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", s.name);
        let wrong = s.send(second("000000".into())).await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{}", s.name);
        assert!(
            wrong.body.contains("验证码不正确") && wrong.body.contains(&ticket),
            "the same ticket may try again"
        );
        let right = s.send(second(mujun_app::totp::code_at(&key, step + 1))).await;
        assert_eq!(right.status, StatusCode::SEE_OTHER, "{}: {}", s.name, right.body);
        assert_eq!(right.location(), "/runs");
        assert!(set_cookie_value(&right.headers, "mujun_session").is_some_and(|c| !c.is_empty()));
    })
    .await;
}

#[tokio::test]
async fn the_system_title_is_configurable_and_pages_say_where_they_are() {
    each(async |s| {
        let site = mujun_app::Site {
            title: "示范市工业用地效益评价平台".to_owned(),
            ..s.app.site().clone()
        };
        let other = s.with_app(s.app.clone().with_site(site));
        let login = other.get("/login", None).await;
        assert!(
            login.body.contains("<h1>示范市工业用地效益评价平台</h1>"),
            "{}",
            s.name
        );
        assert!(!login.body.contains("亩均论英雄 企业综合评价系统"), "{}", s.name);
        let activate = other.get("/activate", None).await;
        assert!(
            activate
                .body
                .contains("<small>示范市工业用地效益评价平台</small>"),
            "{}",
            s.name
        );
        let b = other.login("city").await;
        let list = other.get("/enterprises", Some(&b)).await;
        assert!(
            list.body
                .contains("<title>企业名录 · 示范市工业用地效益评价平台</title>")
        );
        // Breadcrumbs: home, the area, the page.
        let crumbs = list.body.split("aria-label=\"当前位置\"").nth(1).unwrap();
        let crumbs = &crumbs[..crumbs.find("</nav>").unwrap()];
        assert!(
            crumbs.contains("<a href=\"/\">首页</a>")
                && crumbs.contains("名录管理")
                && crumbs.contains("aria-current=\"page\">企业名录</span>"),
            "{crumbs}"
        );
        // The home page has none; the default title stays on the default site.
        let home = other.get("/", Some(&b)).await;
        assert!(!home.body.contains("aria-label=\"当前位置\""));
        let default = s.get("/login", None).await;
        assert!(default.body.contains("<h1>亩均论英雄 企业综合评价系统</h1>"));
    })
    .await;
}
