//! `/collection/catalogue`: the data-item catalogue (what is collected, from whom, in which
//! unit and range) and, for the city administrator, which other departments may see each item.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::{department_name, form_messages, kind_label};
use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::layout::Layout;
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/collection/catalogue", get(page))
        .route("/collection/catalogue/{item}/sharing", post(share))
}

#[derive(Deserialize, Default)]
struct Msg {
    msg: Option<String>,
}

/// A department that may be ticked in an item's sharing form.
struct ShareBox {
    code: String,
    name: String,
    checked: bool,
}

/// One item of the catalogue.
struct ItemView {
    id: String,
    label: String,
    unit: String,
    department: String,
    kind: &'static str,
    range: String,
    required_above: bool,
    required_below: bool,
    slow: bool,
    description: String,
    shared: String,
    boxes: Vec<ShareBox>,
}

#[derive(Template)]
#[template(path = "collection/catalogue.html")]
struct CataloguePage {
    l: Layout,
    items: Vec<ItemView>,
    can_share: bool,
    errors: Vec<String>,
}

async fn render(
    state: &AppState,
    user: &PageUser,
    msg: Option<&str>,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let catalogue = state.app.catalogue().await?;
    let departments = super::departments(state, user).await?;
    let items = catalogue
        .into_iter()
        .map(|i| ItemView {
            department: department_name(&departments, &i.department_code),
            kind: kind_label(i.kind),
            range: if i.kind == mujun_collect::ValueKind::Number {
                i.range_text()
            } else {
                "—".to_owned()
            },
            shared: if i.shared_with.is_empty() {
                "不共享".to_owned()
            } else {
                i.shared_with
                    .iter()
                    .map(|c| department_name(&departments, c))
                    .collect::<Vec<_>>()
                    .join("、")
            },
            boxes: departments
                .iter()
                .filter(|d| d.code != i.department_code)
                .map(|d| ShareBox {
                    checked: i.shared_with.contains(&d.code),
                    code: d.code.clone(),
                    name: d.name.clone(),
                })
                .collect(),
            id: i.id,
            label: i.label,
            unit: i.unit,
            required_above: i.required_above,
            required_below: i.required_below,
            slow: i.slow_moving,
            description: i.description,
        })
        .collect();
    let l = crate::pages::layout(state, user, "数据项目录", "/collection/catalogue", msg).await?;
    let page = CataloguePage {
        l,
        items,
        can_share: user.actor.edits_registry(),
        errors,
    };
    Ok((status, crate::pages::render(&page)?).into_response())
}

async fn page(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<Msg>,
) -> Result<Response, PageError> {
    render(&state, &user, q.msg.as_deref(), Vec::new(), StatusCode::OK).await
}

/// `POST /collection/catalogue/{item}/sharing` with one `shared_with` per ticked department.
async fn share(
    State(state): State<AppState>,
    Path(item): Path<String>,
    CsrfForm { user, form }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let codes: Vec<String> = form
        .iter()
        .filter(|(k, v)| k == "shared_with" && !v.trim().is_empty())
        .map(|(_, v)| v.trim().to_owned())
        .collect();
    match state.app.set_item_sharing(&user.actor, &item, &codes).await {
        Ok(()) => Ok(Redirect::to("/collection/catalogue?msg=saved").into_response()),
        Err(e) => {
            let errors = form_messages(e)?;
            render(&state, &user, None, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}
