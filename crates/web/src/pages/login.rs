//! `/login` and `/logout`.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use mujun_app::auth::LoggedIn;
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
        .route("/login/totp", post(second_factor))
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
    /// The second step: the ticket of a correct password.
    ticket: Option<String>,
    demo_accounts: Vec<DemoAccount>,
    demo_password: &'static str,
    /// The organising agency (the city's, or the configured one).
    agency: String,
    /// The system's title (configurable).
    title: String,
}

#[derive(Deserialize, Default)]
struct NextQuery {
    #[serde(default)]
    next: String,
    #[serde(default)]
    msg: String,
}

/// Only a path of this site may be a login's destination (no open redirect): one leading
/// slash, then no second slash or backslash, and no whitespace or control character anywhere —
/// browsers drop tabs and newlines, so `/\t/evil.example` would become `//evil.example`.
fn safe_next(next: &str) -> String {
    let mut chars = next.chars();
    let ok = chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && !next
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '\\');
    if ok { next.to_owned() } else { "/".to_owned() }
}

fn demo_accounts(state: &AppState) -> Vec<DemoAccount> {
    if state.demo {
        mujun_app::demo::demo_accounts()
    } else {
        Vec::new()
    }
}

fn page(state: &AppState, status: StatusCode, next: &str, username: &str, error: Option<String>) -> Response {
    page_with(state, status, next, username, error, None, None)
}

fn page_with(
    state: &AppState,
    status: StatusCode,
    next: &str,
    username: &str,
    error: Option<String>,
    notice: Option<String>,
    ticket: Option<String>,
) -> Response {
    let csrf = random_token();
    let body = LoginPage {
        csrf: csrf.clone(),
        next: safe_next(next),
        username: username.to_owned(),
        error,
        notice,
        ticket,
        demo_accounts: demo_accounts(state),
        demo_password: DEMO_PASSWORD,
        agency: state.app.site().agency.clone(),
        title: state.app.site().title.clone(),
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

async fn form(State(state): State<AppState>, Query(q): Query<NextQuery>) -> Response {
    let notice = crate::layout::flash_text(&q.msg);
    page_with(&state, StatusCode::OK, &q.next, "", None, notice, None)
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

/// A form posted before any session (login, second step): its fields, the client address and
/// the session the browser already had — once the double-submit token matches the cookie set
/// with the form. Otherwise the response to send.
async fn login_form<T: serde::de::DeserializeOwned + HasCsrf>(
    state: &AppState,
    req: axum::extract::Request,
) -> Result<(T, String, Option<String>), Response> {
    let (parts, body) = req.into_parts();
    let ip = client_ip(&parts, state);
    let headers: HeaderMap = parts.headers.clone();
    let Ok(Form(f)) = Form::<T>::from_request(axum::extract::Request::from_parts(parts, body), state).await
    else {
        return Err(page(
            state,
            StatusCode::BAD_REQUEST,
            "/",
            "",
            Some("表单格式错误".into()),
        ));
    };
    // Double submit: the hidden field must equal the cookie set with the form.
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !same_token(f.csrf(), &expected) {
        return Err(PageError::csrf().into_response());
    }
    Ok((f, ip, cookie(&headers, SESSION_COOKIE)))
}

/// A login form's `_csrf` field.
trait HasCsrf {
    fn csrf(&self) -> &str;
}

impl HasCsrf for LoginForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

impl HasCsrf for SecondFactorForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

async fn submit(State(state): State<AppState>, req: axum::extract::Request) -> Response {
    let (f, ip, previous) = match login_form::<LoginForm>(&state, req).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let result = state
        .app
        .login(&f.username, &f.password, &ip, previous.as_deref())
        .await;
    match result {
        Err(AppError::SecondFactorRequired { ticket }) => page_with(
            &state,
            StatusCode::OK,
            &f.next,
            f.username.trim(),
            None,
            None,
            Some(ticket),
        ),
        other => finish(&state, other, &f.next, &f.username),
    }
}

/// A login's end: the session cookie and the destination, or the login page with the message.
fn finish(state: &AppState, result: Result<LoggedIn, AppError>, next: &str, username: &str) -> Response {
    match result {
        Ok(done) => {
            let target = if done.actor.must_change_password {
                "/password".to_owned()
            } else if done.actor.must_enrol_totp {
                "/account/security?msg=totp_required".to_owned()
            } else {
                safe_next(next)
            };
            let mut res = Redirect::to(&target).into_response();
            let secure = state.config.secure();
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
            state,
            StatusCode::UNAUTHORIZED,
            next,
            username,
            Some(e.to_string()),
        ),
        // The second step's ticket ran out (five minutes, five codes): start again.
        Err(AppError::Unauthenticated) => page(
            state,
            StatusCode::UNAUTHORIZED,
            next,
            "",
            Some("验证已超时或错误次数过多，请重新输入用户名和密码".into()),
        ),
        Err(e) => PageError::from(e).into_response(),
    }
}

#[derive(Deserialize)]
struct SecondFactorForm {
    #[serde(default)]
    ticket: String,
    #[serde(default)]
    code: String,
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    next: String,
}

async fn second_factor(State(state): State<AppState>, req: axum::extract::Request) -> Response {
    let (f, ip, previous) = match login_form::<SecondFactorForm>(&state, req).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    match state
        .app
        .login_second_factor(&f.ticket, &f.code, &ip, previous.as_deref())
        .await
    {
        // A wrong code: the same ticket may try again (the use case counts the attempts).
        Err(AppError::Invalid(errors)) => page_with(
            &state,
            StatusCode::UNAUTHORIZED,
            &f.next,
            "",
            errors.first().map(|e| e.message.clone()),
            None,
            Some(f.ticket),
        ),
        other => finish(&state, other, &f.next, ""),
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
        set_cookie(SESSION_COOKIE, "", state.config.secure(), Some(0)),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn no_open_redirects() {
        assert_eq!(safe_next("/enterprises?page=2"), "/enterprises?page=2");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "evil",
            "/\t/evil.example",
            "/\n/evil.example",
            "/ /evil.example",
            "/a\\b",
            "",
        ] {
            assert_eq!(safe_next(bad), "/", "{bad}");
        }
    }
}
