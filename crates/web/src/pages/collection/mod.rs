//! Pages of data collection (being written).

use axum::Router;

use crate::state::AppState;

/// Routes of this area.
pub fn routes() -> Router<AppState> {
    Router::new()
}
