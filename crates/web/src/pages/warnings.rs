//! The early-warning list (issue 14): enterprises sliding toward C or above a policy's quota,
//! per county and cluster. The use case decides who may read it.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use mujun_app::warnings::Warnings;

use crate::auth::PageUser;
use crate::error::PageError;
use crate::layout::Layout;
use crate::pages::{layout, render};
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new().route("/warnings", get(list))
}

#[derive(Template)]
#[template(path = "warnings.html")]
struct WarningsPage {
    l: Layout,
    v: Warnings,
}

async fn list(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    let v = state.app.warnings(&user.actor).await?;
    let l = layout(&state, &user, "预警名单", "/warnings", None).await?;
    Ok(render(&WarningsPage { l, v })?.into_response())
}
