//! The workflow steps of a run, each a form of the run's page: start the notice (公示), end it,
//! skip it (re-runs only), approve, send back to review, publish, and start a re-run. The state
//! machine of the use cases refuses illegal steps; the refusal is shown on the run's page.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use mujun_app::AppError;
use mujun_app::evaluation::runs::StartRun;
use serde::Deserialize;

use super::{Id, form_messages, overview};
use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/runs/{id}/notice", post(start_notice))
        .route("/runs/{id}/end-notice", post(end_notice))
        .route("/runs/{id}/skip-notice", post(skip_notice))
        .route("/runs/{id}/approve", post(approve))
        .route("/runs/{id}/reopen", post(reopen))
        .route("/runs/{id}/reopen-year", post(reopen_year))
        .route("/runs/{id}/publish", post(publish))
        .route("/runs/{id}/rerun", post(rerun))
}

/// A form without fields (its `_csrf` is checked by the extractor).
#[derive(Deserialize)]
struct NoFields {}

#[derive(Deserialize)]
struct NoticeForm {
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
    /// `supplementary` for a supplementary notice of the enterprises a re-run moved.
    #[serde(default)]
    kind: String,
}

#[derive(Deserialize)]
struct SkipForm {
    /// The number of changed enterprises the officer saw listed and confirms.
    #[serde(default)]
    confirm_changes: String,
}

#[derive(Deserialize)]
struct ReasonForm {
    #[serde(default)]
    reason: String,
}

#[derive(Deserialize)]
struct PublishForm {
    #[serde(default)]
    confirm: String,
}

#[derive(Deserialize)]
struct RerunForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    title: String,
}

/// After a step: back to the run with a message, or the run's page with the refusal (422).
async fn done(
    state: &AppState,
    user: &PageUser,
    id: i64,
    result: Result<(), AppError>,
    msg: &str,
) -> Result<Response, PageError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/runs/{id}?msg={msg}")).into_response()),
        Err(e) => {
            let errors = form_messages(e)?;
            overview::render(state, user, id, None, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

/// `POST /runs/{id}/notice`: 公示 from `start` to `end` (or a supplementary notice).
async fn start_notice(
    State(state): State<AppState>,
    Id(id): Id,
    CsrfForm { user, form }: CsrfForm<NoticeForm>,
) -> Result<Response, PageError> {
    if form.kind == "supplementary" {
        let result = state
            .app
            .start_supplementary_notice(&user.actor, id, &form.start, &form.end)
            .await
            .map(|_| ());
        return done(&state, &user, id, result, "supplementary_notice_started").await;
    }
    let result = state
        .app
        .start_notice(&user.actor, id, &form.start, &form.end)
        .await;
    done(&state, &user, id, result, "notice_started").await
}

/// `POST /runs/{id}/end-notice` (with a reason when the notice is cut short).
async fn end_notice(
    State(state): State<AppState>,
    Id(id): Id,
    CsrfForm { user, form }: CsrfForm<ReasonForm>,
) -> Result<Response, PageError> {
    let result = state.app.end_notice(&user.actor, id, &form.reason).await;
    done(&state, &user, id, result, "notice_ended").await
}

/// `POST /runs/{id}/skip-notice` (re-runs only; the changed classes confirmed).
async fn skip_notice(
    State(state): State<AppState>,
    Id(id): Id,
    CsrfForm { user, form }: CsrfForm<SkipForm>,
) -> Result<Response, PageError> {
    let confirmed = form.confirm_changes.trim().parse::<usize>().ok();
    let result = state.app.skip_notice(&user.actor, id, confirmed).await;
    done(&state, &user, id, result, "notice_skipped").await
}

/// `POST /runs/{id}/reopen-year` with the reason: the published year opens again.
async fn reopen_year(
    State(state): State<AppState>,
    Id(id): Id,
    CsrfForm { user, form }: CsrfForm<ReasonForm>,
) -> Result<Response, PageError> {
    let result = state.app.reopen_year(&user.actor, id, &form.reason).await;
    done(&state, &user, id, result, "year_reopened").await
}

/// `POST /runs/{id}/approve`.
async fn approve(
    State(state): State<AppState>,
    Id(id): Id,
    CsrfForm { user, .. }: CsrfForm<NoFields>,
) -> Result<Response, PageError> {
    let result = state.app.approve_run(&user.actor, id).await;
    done(&state, &user, id, result, "approved").await
}

/// `POST /runs/{id}/reopen` with the reason.
async fn reopen(
    State(state): State<AppState>,
    Id(id): Id,
    CsrfForm { user, form }: CsrfForm<ReasonForm>,
) -> Result<Response, PageError> {
    let result = state.app.reopen_run(&user.actor, id, &form.reason).await;
    done(&state, &user, id, result, "reopened").await
}

/// `POST /runs/{id}/publish`: only with the confirmation box ticked.
async fn publish(
    State(state): State<AppState>,
    Id(id): Id,
    CsrfForm { user, form }: CsrfForm<PublishForm>,
) -> Result<Response, PageError> {
    let result = state
        .app
        .publish_run(&user.actor, id, !form.confirm.is_empty())
        .await
        .map(|_| ());
    done(&state, &user, id, result, "published").await
}

/// `POST /runs/{id}/rerun`: a new run of the same year and method that re-runs this one; the
/// browser goes to the new run's page, which follows its progress.
async fn rerun(
    State(state): State<AppState>,
    Id(id): Id,
    CsrfForm { user, form }: CsrfForm<RerunForm>,
) -> Result<Response, PageError> {
    let run = StartRun {
        year: form.year.trim().parse().unwrap_or(0),
        method: form.method.trim().to_owned(),
        title: form.title.clone(),
        previous_run_id: Some(id),
    };
    match state.app.start_run(&user.actor, &run).await {
        // The job runs on in the background.
        Ok(started) => Ok(Redirect::to(&format!("/runs/{}?msg=run_started", started.id)).into_response()),
        Err(e) => done(&state, &user, id, Err(e), "").await,
    }
}
