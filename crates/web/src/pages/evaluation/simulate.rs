//! `/runs/{id}/simulate`: a draft method evaluated on the run's snapshot beside the run's own
//! (issue 15). The use case checks who may simulate.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use mujun_app::evaluation::simulate::Simulation;
use serde::Deserialize;

use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::layout::Layout;
use crate::pages::collection::Id;
use crate::pages::{form_messages, layout, render};
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new().route("/runs/{id}/simulate", get(form).post(simulate))
}

#[derive(Template)]
#[template(path = "evaluation/simulate.html")]
struct SimulatePage {
    l: Layout,
    id: i64,
    method: String,
    result: Option<Simulation>,
    errors: Vec<String>,
}

async fn page(
    state: &AppState,
    user: &PageUser,
    id: i64,
    method: String,
    result: Option<Simulation>,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let l = layout(state, user, "模拟方法调整", "/runs", None).await?;
    Ok((
        status,
        render(&SimulatePage {
            l,
            id,
            method,
            result,
            errors,
        })?,
    )
        .into_response())
}

async fn form(State(state): State<AppState>, user: PageUser, Id(id): Id) -> Result<Response, PageError> {
    let method = state.app.run_method_source(&user.actor, id).await?;
    page(&state, &user, id, method, None, Vec::new(), StatusCode::OK).await
}

/// The draft.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Draft {
    method: String,
}

async fn simulate(
    State(state): State<AppState>,
    Id(id): Id,
    CsrfForm { user, form }: CsrfForm<Draft>,
) -> Result<Response, PageError> {
    match state.app.simulate_run(&user.actor, id, &form.method).await {
        Ok(r) => {
            page(
                &state,
                &user,
                id,
                form.method,
                Some(r),
                Vec::new(),
                StatusCode::OK,
            )
            .await
        }
        Err(e) => {
            let errors = form_messages(e)?;
            page(
                &state,
                &user,
                id,
                form.method,
                None,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
