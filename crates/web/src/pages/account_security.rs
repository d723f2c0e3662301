//! `/account/security`: one's own second factor (TOTP) — enrol with a QR code drawn on the
//! server, confirm with a code, keep the recovery codes shown once.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use mujun_app::AppError;
use serde::Deserialize;

use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::layout::Layout;
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/account/security", get(status))
        .route("/account/security/totp", post(start))
        .route("/account/security/totp/confirm", post(confirm))
}

#[derive(Template)]
#[template(path = "account/security.html")]
struct SecurityPage {
    l: Layout,
    enrolled: bool,
    required: bool,
    recovery_left: i64,
    /// An enrolment in progress: the secret and its QR code.
    secret: String,
    qr_svg: String,
    error: Option<String>,
    /// Recovery codes just made (shown once).
    codes: Vec<String>,
}

#[derive(Deserialize, Default)]
struct Msg {
    msg: Option<String>,
}

async fn page(
    state: &AppState,
    user: &PageUser,
    msg: Option<&str>,
    enrolment: Option<mujun_app::totp::Enrolment>,
    error: Option<String>,
    codes: Vec<String>,
) -> Result<Response, PageError> {
    let (enrolled, recovery_left) = state.app.totp_status(&user.actor).await?;
    let l = super::layout(state, user, "双因素认证", "/account/security", msg).await?;
    let (secret, qr_svg) = enrolment.map_or_else(Default::default, |e| (e.secret, e.qr_svg));
    let status = if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    Ok((
        status,
        super::render(&SecurityPage {
            l,
            enrolled,
            required: mujun_app::totp::required_for(user.actor.role),
            recovery_left,
            secret,
            qr_svg,
            error,
            codes,
        })?,
    )
        .into_response())
}

async fn status(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<Msg>,
) -> Result<Response, PageError> {
    page(&state, &user, q.msg.as_deref(), None, None, Vec::new()).await
}

#[derive(Deserialize)]
struct Empty {}

async fn start(
    State(state): State<AppState>,
    CsrfForm { user, form: Empty {} }: CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let enrolment = state.app.start_totp(&user.actor).await?;
    page(&state, &user, None, Some(enrolment), None, Vec::new()).await
}

#[derive(Deserialize)]
struct CodeInput {
    #[serde(default)]
    code: String,
}

async fn confirm(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<CodeInput>,
) -> Result<Response, PageError> {
    match state.app.confirm_totp(&user.actor, &form.code).await {
        Ok(codes) => page(&state, &user, None, None, None, codes).await,
        Err(AppError::Invalid(errors)) => {
            // The same secret stays pending: show its QR code again with the message.
            let enrolment = state.app.pending_totp(&user.actor).await?;
            let message = errors.first().map(|e| e.message.clone());
            page(&state, &user, None, enrolment, message, Vec::new()).await
        }
        Err(e) => Err(e.into()),
    }
}
