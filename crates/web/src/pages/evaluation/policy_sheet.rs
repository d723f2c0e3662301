//! `/runs/{id}/enterprises/{eid}/policies`: the policy sheet (差别化政策告知) of an enterprise
//! for a published run — every measure of its class with the amount worked out from its
//! evaluated figures and its consecutive years in the class.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::{RunEnterprise, class_label, department_label, number};
use crate::auth::PageUser;
use crate::error::PageError;
use crate::layout::Layout;
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new().route("/runs/{id}/enterprises/{eid}/policies", get(page))
}

/// One measure.
struct Line {
    title: String,
    department: String,
    amount: String,
    basis: String,
}

#[derive(Template)]
#[template(path = "evaluation/policy_sheet.html")]
struct SheetPage {
    l: Layout,
    run_id: i64,
    enterprise_id: i64,
    name: String,
    credit_code: String,
    class: String,
    class_label: String,
    consecutive: u32,
    lines: Vec<Line>,
}

async fn page(
    State(state): State<AppState>,
    user: PageUser,
    ids: RunEnterprise,
) -> Result<Response, PageError> {
    let rows = state
        .app
        .policy_sheet(&user.actor, ids.run, ids.enterprise)
        .await?;
    let first = rows.first();
    let page = SheetPage {
        l: crate::pages::layout(&state, &user, "差别化政策告知", "/runs", None).await?,
        run_id: ids.run,
        enterprise_id: ids.enterprise,
        name: first.map(|r| r.name.clone()).unwrap_or_default(),
        credit_code: first.map(|r| r.credit_code.clone()).unwrap_or_default(),
        class: first.map(|r| r.class.clone()).unwrap_or_default(),
        class_label: first.map(|r| class_label(&r.class)).unwrap_or_default(),
        consecutive: first.map_or(0, |r| r.consecutive),
        lines: rows
            .iter()
            .map(|r| Line {
                title: r.line.title.clone(),
                department: department_label(&r.line.department_code),
                amount: match r.line.amount {
                    Some(v) => format!("{} {}", number(Some(v), 2), r.line.unit),
                    None => String::new(),
                },
                basis: r.line.basis.clone(),
            })
            .collect(),
    };
    Ok(crate::pages::render(&page)?.into_response())
}
