//! `/account/tokens`: one's own API tokens — issue (shown once), list with expiry, rotate,
//! revoke. Nobody issues a token for another account.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use mujun_app::AppError;
use mujun_app::tokens::{MAX_TOKEN_DAYS, TokenView};
use serde::Deserialize;

use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::layout::Layout;
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/account/tokens", get(list).post(issue))
        .route("/account/tokens/{id}/rotate", post(rotate))
        .route("/account/tokens/{id}/revoke", post(revoke))
}

#[derive(Template)]
#[template(path = "account/tokens.html")]
struct ListPage {
    l: Layout,
    tokens: Vec<TokenView>,
    name: String,
    days: String,
    max_days: i64,
    name_error: Option<String>,
    days_error: Option<String>,
    general: Vec<String>,
}

#[derive(Deserialize, Default)]
struct Msg {
    msg: Option<String>,
}

#[derive(Deserialize, Default)]
struct TokenInput {
    #[serde(default)]
    name: String,
    #[serde(default)]
    days: String,
}

async fn render_list(
    state: &AppState,
    user: &PageUser,
    input: TokenInput,
    error: Option<AppError>,
    msg: Option<&str>,
) -> Result<Response, PageError> {
    let tokens = state.app.own_tokens(&user.actor).await?;
    let (mut name_error, mut days_error, mut general) = (None, None, Vec::new());
    let status = match error {
        None => StatusCode::OK,
        Some(AppError::Invalid(errors)) => {
            for e in errors {
                match e.field {
                    "name" => name_error = Some(e.message),
                    "days" => days_error = Some(e.message),
                    _ => general.push(e.message),
                }
            }
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Some(e) => return Err(e.into()),
    };
    let l = super::layout(state, user, "接口令牌", "/account/tokens", msg).await?;
    let page = ListPage {
        l,
        tokens,
        name: input.name,
        days: if input.days.is_empty() {
            MAX_TOKEN_DAYS.to_string()
        } else {
            input.days
        },
        max_days: MAX_TOKEN_DAYS,
        name_error,
        days_error,
        general,
    };
    Ok((status, super::render(&page)?).into_response())
}

async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<Msg>,
) -> Result<Response, PageError> {
    render_list(&state, &user, TokenInput::default(), None, q.msg.as_deref()).await
}

#[derive(Template)]
#[template(path = "account/token.html")]
struct ShownPage {
    l: Layout,
    username: String,
    name: String,
    token: String,
    expires: String,
    rotated: bool,
}

fn days_of(text: &str) -> Result<i64, AppError> {
    text.trim()
        .parse::<i64>()
        .map_err(|_| AppError::invalid("days", format!("有效期须为 1–{MAX_TOKEN_DAYS} 天的整数")))
}

async fn shown(
    state: &AppState,
    user: &PageUser,
    name: String,
    token: String,
    days: i64,
    rotated: bool,
) -> Result<Response, PageError> {
    let l = super::layout(state, user, "接口令牌已签发", "/account/tokens", None).await?;
    let page = ShownPage {
        l,
        username: user.actor.username.clone(),
        name,
        token,
        expires: super::format_time(mujun_store::now_ms() + days * 86_400_000),
        rotated,
    };
    Ok(super::render(&page)?.into_response())
}

async fn issue(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<TokenInput>,
) -> Result<Response, PageError> {
    let result = match days_of(&form.days) {
        Ok(days) => state
            .app
            .issue_own_token(&user.actor, &form.name, days)
            .await
            .map(|t| (t, days)),
        Err(e) => Err(e),
    };
    match result {
        Ok((token, days)) => shown(&state, &user, form.name.trim().to_owned(), token, days, false).await,
        Err(e) => render_list(&state, &user, form, Some(e), None).await,
    }
}

async fn rotate(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm { user, form }: CsrfForm<TokenInput>,
) -> Result<Response, PageError> {
    let days = match days_of(&form.days) {
        Ok(d) => d,
        Err(e) => return render_list(&state, &user, TokenInput::default(), Some(e), None).await,
    };
    match state.app.rotate_own_token(&user.actor, id, days).await {
        Ok(token) => {
            let name = state
                .app
                .own_tokens(&user.actor)
                .await?
                .into_iter()
                .find(|t| t.id == id)
                .map(|t| t.name)
                .unwrap_or_default();
            shown(&state, &user, name, token, days, true).await
        }
        Err(e) => render_list(&state, &user, TokenInput::default(), Some(e), None).await,
    }
}

#[derive(Deserialize)]
struct Empty {}

async fn revoke(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm { user, form: Empty {} }: CsrfForm<Empty>,
) -> Result<Response, PageError> {
    state.app.revoke_own_token(&user.actor, id).await?;
    Ok(Redirect::to("/account/tokens?msg=token_revoked").into_response())
}
