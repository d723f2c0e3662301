//! `/enterprises/{id}/classes`: an enterprise's evaluation class per year and how many
//! consecutive years it has been in it (the differentiated policies escalate on that).

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::{Id, class_label};
use crate::auth::PageUser;
use crate::error::PageError;
use crate::layout::Layout;
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new().route("/enterprises/{id}/classes", get(page))
}

/// One year.
struct YearLine {
    year: i64,
    class: String,
    label: String,
    consecutive: u32,
    /// The published run it came from (0: another source).
    run: i64,
    source: String,
    /// The imported file's fingerprint (full, and its first 12 digits).
    file_hash: String,
    hash_short: String,
}

#[derive(Template)]
#[template(path = "evaluation/history.html")]
struct HistoryPage {
    l: Layout,
    id: i64,
    lines: Vec<YearLine>,
}

async fn page(State(state): State<AppState>, user: PageUser, Id(id): Id) -> Result<Response, PageError> {
    let a = &user.actor;
    let history = state.app.class_history(a, id).await?;
    // The same scope as the history: the name for the title.
    let name = state.app.enterprise_detail(a, id, 0).await?.enterprise.name;
    let lines = history
        .into_iter()
        .map(|h| {
            let run = h
                .source
                .strip_prefix("run:")
                .and_then(|r| r.parse().ok())
                .unwrap_or(0);
            YearLine {
                year: h.year,
                label: class_label(&h.class),
                class: h.class,
                consecutive: h.consecutive,
                run,
                source: mujun_app::evaluation::history::class_source_label(&h.source),
                hash_short: h.file_hash.get(..12).unwrap_or(&h.file_hash).to_owned(),
                file_hash: h.file_hash,
            }
        })
        .collect();
    let l = crate::pages::layout(&state, &user, &format!("历年评价类别 · {name}"), "/runs", None).await?;
    Ok(crate::pages::render(&HistoryPage { l, id, lines })?.into_response())
}
