//! `/account-requests`: the security administrator decides the system administrator's requests
//! for privileged accounts and their resets (三员分立). An approval shows the second half of the
//! account's activation code once.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use mujun_app::AppError;
use mujun_app::account_requests::RequestView;
use serde::Deserialize;

use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::layout::Layout;
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/account-requests", get(list))
        .route("/account-requests/{id}/approve", post(approve))
        .route("/account-requests/{id}/reject", post(reject))
}

#[derive(Template)]
#[template(path = "account_requests/list.html")]
struct ListPage {
    l: Layout,
    requests: Vec<RequestView>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
struct Msg {
    msg: Option<String>,
}

async fn render_list(
    state: &AppState,
    user: &PageUser,
    error: Option<AppError>,
    msg: Option<&str>,
) -> Result<Response, PageError> {
    let requests = state.app.account_requests(&user.actor).await?;
    let (status, error) = match error {
        None => (StatusCode::OK, None),
        Some(AppError::Invalid(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(
                errors
                    .into_iter()
                    .map(|e| e.message)
                    .collect::<Vec<_>>()
                    .join("；"),
            ),
        ),
        Some(e) => return Err(e.into()),
    };
    let l = super::layout(state, user, "特权账号审批", "/account-requests", msg).await?;
    Ok((status, super::render(&ListPage { l, requests, error })?).into_response())
}

async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<Msg>,
) -> Result<Response, PageError> {
    render_list(&state, &user, None, q.msg.as_deref()).await
}

#[derive(Template)]
#[template(path = "account_requests/approved.html")]
struct ApprovedPage {
    l: Layout,
    request: RequestView,
    half: String,
    days: i64,
}

#[derive(Deserialize)]
struct Decision {
    #[serde(default)]
    reason: String,
}

async fn approve(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm { user, form }: CsrfForm<Decision>,
) -> Result<Response, PageError> {
    match state
        .app
        .decide_account_request(&user.actor, id, true, &form.reason)
        .await
    {
        Ok(half) => {
            let request = state
                .app
                .account_requests(&user.actor)
                .await?
                .into_iter()
                .find(|r| r.id == id)
                .ok_or_else(PageError::not_found)?;
            let l = super::layout(&state, &user, "申请已批准", "/account-requests", None).await?;
            let page = ApprovedPage {
                l,
                request,
                half: half.unwrap_or_default(),
                days: mujun_app::account_requests::SPLIT_CODE_DAYS,
            };
            Ok(super::render(&page)?.into_response())
        }
        Err(e) => render_list(&state, &user, Some(e), None).await,
    }
}

async fn reject(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm { user, form }: CsrfForm<Decision>,
) -> Result<Response, PageError> {
    match state
        .app
        .decide_account_request(&user.actor, id, false, &form.reason)
        .await
    {
        Ok(_) => Ok(Redirect::to("/account-requests?msg=request_rejected").into_response()),
        Err(e) => render_list(&state, &user, Some(e), None).await,
    }
}
