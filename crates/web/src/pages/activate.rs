//! `/activate` (no login): an enterprise activates the account created for it in bulk with the
//! one-time code of its letter, and sets its first password.

use askama::Template;
use axum::extract::{FromRequest, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use mujun_app::{AppError, random_token, same_token};
use serde::Deserialize;

use crate::auth::{LOGIN_CSRF_COOKIE, client_ip, cookie, set_cookie};
use crate::error::PageError;
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new().route("/activate", get(form).post(submit))
}

#[derive(Template)]
#[template(path = "activate.html")]
struct ActivatePage {
    /// The system's title (configurable).
    title: String,
    csrf: String,
    username: String,
    errors: Vec<String>,
}

fn page(state: &AppState, status: StatusCode, username: &str, errors: Vec<String>) -> Response {
    let csrf = random_token();
    let body = ActivatePage {
        title: state.app.site().title.clone(),
        csrf: csrf.clone(),
        username: username.to_owned(),
        errors,
    };
    match super::render(&body) {
        Ok(html) => {
            let mut res = (status, html).into_response();
            res.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(LOGIN_CSRF_COOKIE, &csrf, state.config.secure(), None),
            );
            res
        }
        Err(e) => e.into_response(),
    }
}

async fn form(State(state): State<AppState>) -> Response {
    page(&state, StatusCode::OK, "", Vec::new())
}

#[derive(Deserialize)]
struct ActivateForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

async fn submit(State(state): State<AppState>, req: axum::extract::Request) -> Response {
    let (parts, body) = req.into_parts();
    let ip = client_ip(&parts, &state);
    let headers: HeaderMap = parts.headers.clone();
    let Ok(Form(f)) =
        Form::<ActivateForm>::from_request(axum::extract::Request::from_parts(parts, body), &state).await
    else {
        return page(&state, StatusCode::BAD_REQUEST, "", vec!["表单格式错误".into()]);
    };
    // Double submit, as on the login page: the hidden field must equal the cookie.
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !same_token(&f.csrf, &expected) {
        return PageError::csrf().into_response();
    }
    if f.password != f.confirm {
        return page(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            &f.username,
            vec!["两次输入的密码不一致".into()],
        );
    }
    match state
        .app
        .activate_account(&f.username, &f.code, &f.password, &ip)
        .await
    {
        Ok(()) => {
            let mut res = Redirect::to("/login?msg=activated").into_response();
            res.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(LOGIN_CSRF_COOKIE, "", state.config.secure(), Some(0)),
            );
            res
        }
        Err(AppError::Invalid(errors)) => page(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            &f.username,
            errors.into_iter().map(|e| e.message).collect(),
        ),
        Err(e) => PageError::from(e).into_response(),
    }
}
