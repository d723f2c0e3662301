//! Downloads of a run (each audited by its use case): the result workbook and the input
//! snapshot with its method file and the manual adjustments (city administrator) — with them
//! `mujun evaluate` reproduces every final class — the summary PDF within the caller's scope,
//! and the notice document (公示 text and list) the city publishes.

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;

use super::Id;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::pages::send;
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/runs/{id}/results.xlsx", get(results))
        .route("/runs/{id}/snapshot.csv", get(snapshot))
        .route("/runs/{id}/method.toml", get(method))
        .route("/runs/{id}/adjustments.csv", get(adjustments))
        .route("/runs/{id}/summary.pdf", get(summary))
        .route("/runs/{id}/notice.pdf", get(notice))
}

/// `GET /runs/{id}/results.xlsx`: the workbook `mujun evaluate` writes.
async fn results(State(state): State<AppState>, user: PageUser, Id(id): Id) -> Result<Response, PageError> {
    let file = state.app.export_results(&user.actor, id).await?;
    Ok(send(file))
}

/// `GET /runs/{id}/snapshot.csv`: the input snapshot in the format `mujun evaluate` reads.
async fn snapshot(State(state): State<AppState>, user: PageUser, Id(id): Id) -> Result<Response, PageError> {
    let (csv, _) = state.app.export_snapshot(&user.actor, id).await?;
    Ok(send(csv))
}

/// `GET /runs/{id}/method.toml`: the method file the run used.
async fn method(State(state): State<AppState>, user: PageUser, Id(id): Id) -> Result<Response, PageError> {
    let (_, toml) = state.app.export_snapshot(&user.actor, id).await?;
    Ok(send(toml))
}

/// `GET /runs/{id}/adjustments.csv`: the manual adjustments as `mujun evaluate --adjustments`
/// reads them.
async fn adjustments(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
) -> Result<Response, PageError> {
    Ok(send(state.app.export_adjustments(&user.actor, id).await?))
}

/// `GET /runs/{id}/summary.pdf`: counts per pool and county, 亩均税收.
async fn summary(State(state): State<AppState>, user: PageUser, Id(id): Id) -> Result<Response, PageError> {
    let file = state.app.run_summary_pdf(&user.actor, id).await?;
    Ok(send(file))
}

/// `GET /runs/{id}/notice.pdf`: the formal notice of the results with the list.
async fn notice(State(state): State<AppState>, user: PageUser, Id(id): Id) -> Result<Response, PageError> {
    let file = state.app.notice_pdf(&user.actor, id).await?;
    Ok(send(file))
}
