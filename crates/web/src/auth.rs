//! Who is calling: session cookies for pages, bearer tokens or sessions for the API, the
//! client address, and CSRF checks for every state-changing request.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::{IntoResponse, Redirect, Response};
use mujun_app::{Actor, AppError, same_token};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, PageError};
use crate::state::AppState;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "mujun_session";
/// Name of the cookie that protects the login form (double submit, before any session).
pub const LOGIN_CSRF_COOKIE: &str = "mujun_login_csrf";

/// The value of a cookie.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, Path=/, Secure behind TLS.
pub fn set_cookie(name: &str, value: &str, secure: bool, max_age: Option<i64>) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if secure {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    HeaderValue::from_str(&c).expect("cookie values are hex tokens")
}

/// The client address (from `X-Forwarded-For` only when the proxy is trusted).
pub fn client_ip(parts: &Parts, state: &AppState) -> String {
    if state.config.trust_proxy
        && let Some(f) = parts.headers.get("x-forwarded-for").and_then(|v| v.to_str().ok())
        && let Some(first) = f.split(',').next()
    {
        return first.trim().to_owned();
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |ConnectInfo(a)| a.ip().to_string())
}

/// A signed-in person at a browser. Without a valid session the request is redirected to the
/// login page; an account that must change its password is sent to the password page first.
#[derive(Clone, Debug)]
pub struct PageUser {
    /// The caller.
    pub actor: Actor,
    /// The session's form token.
    pub csrf: String,
    /// The session token.
    pub token: String,
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let next = parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
        let to_login = || Redirect::to(&format!("/login?next={}", urlencode(&next))).into_response();
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(to_login());
        };
        let ip = client_ip(parts, state);
        match state.app.session(&token, &ip).await {
            Ok(s) => {
                let path = parts.uri.path();
                if s.actor.must_change_password && path != "/password" && path != "/logout" {
                    return Err(Redirect::to("/password").into_response());
                }
                // A privileged role without its second factor may only enrol it (or leave).
                if s.actor.must_enrol_totp
                    && !path.starts_with("/account/security")
                    && path != "/logout"
                    && path != "/password"
                {
                    return Err(Redirect::to("/account/security?msg=totp_required").into_response());
                }
                Ok(PageUser {
                    actor: s.actor,
                    csrf: s.csrf,
                    token,
                })
            }
            Err(AppError::Unauthenticated) => Err(to_login()),
            Err(e) => Err(PageError::from(e).into_response()),
        }
    }
}

/// A caller of the JSON API: `Authorization: Bearer <token>`, or a browser session (which must
/// then send `X-CSRF-Token` on state-changing requests). Without either: 401.
#[derive(Clone, Debug)]
pub struct ApiUser {
    /// The caller.
    pub actor: Actor,
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let ip = client_ip(parts, state);
        if let Some(auth) = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
        {
            let token = auth
                .strip_prefix("Bearer ")
                .ok_or(ApiError(AppError::Unauthenticated))?;
            let actor = state.app.api_caller(token.trim(), &ip).await.map_err(ApiError)?;
            return Ok(ApiUser { actor });
        }
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or(ApiError(AppError::Unauthenticated))?;
        let s = state.app.session(&token, &ip).await.map_err(ApiError)?;
        if s.actor.must_change_password {
            return Err(ApiError(AppError::PasswordChangeRequired));
        }
        if s.actor.must_enrol_totp {
            return Err(ApiError(AppError::SecondFactorEnrolment));
        }
        if !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
            let sent = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !same_token(sent, &s.csrf) {
                return Err(ApiError(AppError::Forbidden("缺少或错误的 X-CSRF-Token".into())));
            }
        }
        Ok(ApiUser { actor: s.actor })
    }
}

/// A form with a `_csrf` field that must match the caller's session: every state-changing page
/// request of a signed-in user goes through this extractor.
#[derive(Debug)]
pub struct CsrfForm<T> {
    /// The caller.
    pub user: PageUser,
    /// The form.
    pub form: T,
}

#[derive(serde::Deserialize)]
struct CsrfField {
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let user = PageUser::from_request_parts(&mut parts, state).await?;
        let bytes = axum::body::to_bytes(body, state.config.max_body_bytes)
            .await
            .map_err(|_| PageError::from(AppError::TooLarge("提交的内容过大".into())).into_response())?;
        let token: CsrfField = serde_urlencoded_from(&bytes)?;
        if !same_token(&token.csrf, &user.csrf) {
            return Err(PageError::csrf().into_response());
        }
        let form: T = serde_urlencoded_from(&bytes)?;
        Ok(CsrfForm { user, form })
    }
}

fn serde_urlencoded_from<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Response> {
    serde_urlencoded::from_bytes(bytes)
        .map_err(|e| PageError::from(AppError::invalid("form", format!("表单格式错误：{e}"))).into_response())
}

/// Percent-encodes a path for a `next=` parameter.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Rejects cross-site state-changing requests before any handler runs: a browser that says
/// `Sec-Fetch-Site: cross-site`, or an `Origin` that is not this host.
pub async fn same_origin(req: Request, next: axum::middleware::Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        let h = req.headers();
        if h.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
            return PageError::csrf().into_response();
        }
        if let (Some(origin), Some(host)) = (
            h.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
            h.get(header::HOST).and_then(|v| v.to_str().ok()),
        ) {
            let origin_host = origin.split("://").nth(1).unwrap_or("");
            if origin != "null" && origin_host != host {
                return PageError::csrf().into_response();
            }
        }
    }
    next.run(req).await
}
