//! The JSON API under `/api/v1` (being written).

use axum::Router;

use crate::state::AppState;

/// Routes of the API.
pub fn routes() -> Router<AppState> {
    Router::new()
}
