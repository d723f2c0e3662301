//! `/messages`: the signed-in user's messages (站内消息) — a re-run that moved the enterprise's
//! class, a supplementary notice — newest first; opening one marks it read.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use mujun_app::messages::MessageView;
use serde::Deserialize;

use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::layout::Layout;
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/messages", get(page))
        .route("/messages/{id}/read", post(read))
}

#[derive(Template)]
#[template(path = "messages.html")]
struct MessagesPage {
    l: Layout,
    messages: Vec<MessageView>,
}

async fn page(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    let messages = state.app.messages(&user.actor).await?;
    let l = crate::pages::layout(&state, &user, "我的消息", "/messages", None).await?;
    Ok(crate::pages::render(&MessagesPage { l, messages })?.into_response())
}

#[derive(Deserialize)]
struct NoFields {}

/// `POST /messages/{id}/read`: marks it read and opens the page it refers to.
async fn read(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { user, .. }: CsrfForm<NoFields>,
) -> Result<Response, PageError> {
    let id: i64 = id.parse().map_err(|_| PageError::not_found())?;
    state.app.mark_message_read(&user.actor, id).await?;
    let link = state
        .app
        .messages(&user.actor)
        .await?
        .into_iter()
        .find(|m| m.id == id)
        .map(|m| m.link)
        .filter(|l| l.starts_with('/') && !l.starts_with("//"))
        .unwrap_or_else(|| "/messages".to_owned());
    Ok(Redirect::to(&link).into_response())
}
