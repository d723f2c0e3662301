//! The land and project lifecycle pages (issue 13): projects and contracts with their progress
//! ([`projects`]), idle-land and exit cases ([`cases`]), the low-efficiency ledger, the 标准地
//! list, the 亩均地图 and the public list of idle land ([`ledgers`]). The use cases decide who
//! may do what (`LandRights`); these handlers translate forms and pages.

mod cases;
mod ledgers;
mod projects;

use axum::Router;
use serde::Deserialize;

use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(projects::routes())
        .merge(cases::routes())
        .merge(ledgers::routes())
}

/// `?msg=` and `?year=`.
#[derive(Deserialize, Default)]
struct Query {
    msg: Option<String>,
    year: Option<String>,
    by: Option<String>,
}

impl Query {
    fn year(&self) -> Option<i64> {
        self.year.as_deref().and_then(|y| y.trim().parse().ok())
    }
}
