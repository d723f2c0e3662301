//! `/login` and `/logout`.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use mujun_app::demo::{DEMO_PASSWORD, DemoAccount};
use mujun_app::{AppError, random_token, same_token};
use serde::Deserialize;

use crate::auth::{CsrfForm, LOGIN_CSRF_COOKIE, SESSION_COOKIE, client_ip, cookie, set_cookie};
use crate::error::PageError;
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(form).post(submit))
        .route("/logout", post(logout))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
    notice: Option<String>,
    demo_accounts: Vec<DemoAccount>,
    demo_password: &'static str,
}

#[derive(Deserialize, Default)]
struct NextQuery {
    #[serde(default)]
    next: String,
    #[serde(default)]
    msg: String,
}

/// Only same-site paths may be a login's destination (no open redirect).
fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

fn demo_accounts(state: &AppState) -> Vec<DemoAccount> {
    if state.demo {
        mujun_app::demo::demo_accounts()
    } else {
        Vec::new()
    }
}

fn page(state: &AppState, status: StatusCode, next: &str, username: &str, error: Option<String>) -> Response {
    page_with(state, status, next, username, error, None)
}

fn page_with(
    state: &AppState,
    status: StatusCode,
    next: &str,
    username: &str,
    error: Option<String>,
    notice: Option<String>,
) -> Response {
    let csrf = random_token();
    let body = LoginPage {
        csrf: csrf.clone(),
        next: safe_next(next),
        username: username.to_owned(),
        error,
        notice,
        demo_accounts: demo_accounts(state),
        demo_password: DEMO_PASSWORD,
    };
    match super::render(&body) {
        Ok(html) => {
            let mut res = (status, html).into_response();
            res.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(LOGIN_CSRF_COOKIE, &csrf, state.config.secure_cookies, None),
            );
            res
        }
        Err(e) => e.into_response(),
    }
}

async fn form(State(state): State<AppState>, Query(q): Query<NextQuery>) -> Response {
    let notice = crate::layout::flash_text(&q.msg);
    page_with(&state, StatusCode::OK, &q.next, "", None, notice)
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    next: String,
}

async fn submit(State(state): State<AppState>, req: axum::extract::Request) -> Response {
    let (parts, body) = req.into_parts();
    let ip = client_ip(&parts, &state);
    let headers: HeaderMap = parts.headers.clone();
    let Ok(Form(f)) =
        Form::<LoginForm>::from_request(axum::extract::Request::from_parts(parts, body), &state).await
    else {
        return page(
            &state,
            StatusCode::BAD_REQUEST,
            "/",
            "",
            Some("表单格式错误".into()),
        );
    };
    // Double submit: the hidden field must equal the cookie set with the form.
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !same_token(&f.csrf, &expected) {
        return PageError::csrf().into_response();
    }
    let previous = cookie(&headers, SESSION_COOKIE);
    match state
        .app
        .login(&f.username, &f.password, &ip, previous.as_deref())
        .await
    {
        Ok(done) => {
            let target = if done.actor.must_change_password {
                "/password".to_owned()
            } else {
                safe_next(&f.next)
            };
            let mut res = Redirect::to(&target).into_response();
            let secure = state.config.secure_cookies;
            res.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(SESSION_COOKIE, &done.token, secure, None),
            );
            res.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(LOGIN_CSRF_COOKIE, "", secure, Some(0)),
            );
            res
        }
        Err(e @ (AppError::BadCredentials | AppError::Locked { .. } | AppError::Disabled)) => page(
            &state,
            StatusCode::UNAUTHORIZED,
            &f.next,
            &f.username,
            Some(e.to_string()),
        ),
        Err(e) => PageError::from(e).into_response(),
    }
}

use axum::extract::FromRequest;

#[derive(Deserialize)]
struct Empty {}

async fn logout(State(state): State<AppState>, CsrfForm { user, .. }: CsrfForm<Empty>) -> Response {
    if let Err(e) = state.app.logout(&user.actor, &user.token).await {
        return PageError::from(e).into_response();
    }
    let mut res = Redirect::to("/login").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", state.config.secure_cookies, Some(0)),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn no_open_redirects() {
        assert_eq!(safe_next("/enterprises?page=2"), "/enterprises?page=2");
        for bad in ["//evil.example", "https://evil.example", "/\\evil", "evil"] {
            assert_eq!(safe_next(bad), "/", "{bad}");
        }
    }
}
