//! 倒逼转型 pages (issue 14): the C-class enterprises of a year with their 一企一策 plans and
//! outcomes, one plan with its progress, and the forms. The use cases decide who may do what
//! (`plan_rights`).

use askama::Template;
use axum::Router;
use axum::extract::{Query as Q, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use mujun_app::transformation::{CLedger, PlanForm, PlanView, ProgressForm};
use serde::Deserialize;

use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::layout::Layout;
use crate::pages::collection::Id;
use crate::pages::{form_messages, layout, render};
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/transformation", get(ledger))
        .route("/transformation/plans", post(add))
        .route("/transformation/plans/{id}", get(plan).post(progress))
}

/// `?msg=`, `?year=` and the enterprise to plan for.
#[derive(Deserialize, Default)]
struct Query {
    msg: Option<String>,
    year: Option<i64>,
    enterprise: Option<i64>,
}

#[derive(Template)]
#[template(path = "transformation/ledger.html")]
struct LedgerPage {
    l: Layout,
    v: CLedger,
    form: PlanForm,
    errors: Vec<String>,
}

async fn show_ledger(
    state: &AppState,
    user: &PageUser,
    year: Option<i64>,
    msg: Option<&str>,
    form: PlanForm,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let v = state.app.c_ledger(&user.actor, year).await?;
    let l = layout(state, user, "倒逼转型（一企一策）", "/transformation", msg).await?;
    Ok((status, render(&LedgerPage { l, v, form, errors })?).into_response())
}

async fn ledger(
    State(state): State<AppState>,
    user: PageUser,
    Q(q): Q<Query>,
) -> Result<Response, PageError> {
    let form = PlanForm {
        enterprise_id: q.enterprise.unwrap_or_default(),
        ..PlanForm::default()
    };
    show_ledger(
        &state,
        &user,
        q.year,
        q.msg.as_deref(),
        form,
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

async fn add(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<PlanForm>,
) -> Result<Response, PageError> {
    match state.app.add_transformation_plan(&user.actor, &form).await {
        Ok(id) => {
            Ok(Redirect::to(&format!("/transformation/plans/{id}?msg=transformation_saved")).into_response())
        }
        Err(e) => {
            let errors = form_messages(e)?;
            let year = Some(form.year);
            show_ledger(
                &state,
                &user,
                year,
                None,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "transformation/plan.html")]
struct PlanPage {
    l: Layout,
    p: PlanView,
    form: ProgressForm,
    errors: Vec<String>,
}

async fn show_plan(
    state: &AppState,
    user: &PageUser,
    id: i64,
    msg: Option<&str>,
    form: ProgressForm,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let p = state.app.transformation_plan(&user.actor, id).await?;
    let title = format!("转型方案 · {}（{} 年度 C 类）", p.enterprise_name, p.year);
    let l = layout(state, user, &title, "/transformation", msg).await?;
    Ok((status, render(&PlanPage { l, p, form, errors })?).into_response())
}

async fn plan(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Q(q): Q<Query>,
) -> Result<Response, PageError> {
    show_plan(
        &state,
        &user,
        id,
        q.msg.as_deref(),
        ProgressForm::default(),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

async fn progress(
    State(state): State<AppState>,
    Id(id): Id,
    CsrfForm { user, form }: CsrfForm<ProgressForm>,
) -> Result<Response, PageError> {
    match state.app.report_transformation(&user.actor, id, &form).await {
        Ok(()) => Ok(Redirect::to(&format!("/transformation/plans/{id}?msg=progress_saved")).into_response()),
        Err(e) => {
            let errors = form_messages(e)?;
            show_plan(
                &state,
                &user,
                id,
                None,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
