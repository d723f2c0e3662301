//! Idle-land and exit cases: the pages of candidates and cases of each kind (exit also with its
//! ledger per county and cluster), opening a case, one case with its steps and the form of the
//! next step, and each step's document as PDF.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query as Q, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use mujun_app::land::CaseKind;
use mujun_app::land::cases::{CaseDetail, CaseView, ExitTally, StepForm, exit_ledger};
use mujun_app::land::projects::ProjectView;
use serde::Deserialize;

use super::Query;
use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::layout::Layout;
use crate::pages::collection::Id;
use crate::pages::{form_messages, layout, render, send};
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/land/idle", get(idle))
        .route("/land/idle.xlsx", get(idle_export))
        .route("/land/exit", get(exit))
        .route("/land/exit.xlsx", get(exit_export))
        .route("/land/projects/{id}/cases", post(open))
        .route("/land/cases/{id}", get(case))
        .route("/land/cases/{id}/steps", post(step))
        .route("/land/cases/{id}/steps/{step}/document.pdf", get(document))
}

#[derive(Template)]
#[template(path = "land/cases.html")]
struct CasesPage {
    l: Layout,
    kind: &'static str,
    /// The caller runs cases of this kind (from the app's land rights).
    may_act: bool,
    candidates: Vec<ProjectView>,
    cases: Vec<CaseView>,
    by_county: Vec<ExitTally>,
    by_cluster: Vec<ExitTally>,
}

async fn show(
    state: &AppState,
    user: &PageUser,
    kind: CaseKind,
    msg: Option<&str>,
) -> Result<Response, PageError> {
    let a = &user.actor;
    let rights = state.app.land_rights(a).await?;
    let (candidates, cases) = match kind {
        CaseKind::Idle => (
            state.app.idle_candidates(a).await?,
            state.app.land_cases(a, kind).await?,
        ),
        CaseKind::Exit => (
            state.app.exit_candidates(a).await?,
            state.app.land_cases(a, kind).await?,
        ),
    };
    let (by_county, by_cluster) = if kind == CaseKind::Exit {
        exit_ledger(&cases)
    } else {
        (Vec::new(), Vec::new())
    };
    let (title, href) = match kind {
        CaseKind::Idle => ("闲置土地", "/land/idle"),
        CaseKind::Exit => ("项目退出", "/land/exit"),
    };
    let l = layout(state, user, title, href, msg).await?;
    let page = CasesPage {
        l,
        kind: kind.id(),
        may_act: rights.handles(kind),
        candidates,
        cases,
        by_county,
        by_cluster,
    };
    Ok(render(&page)?.into_response())
}

async fn idle(State(state): State<AppState>, user: PageUser, Q(q): Q<Query>) -> Result<Response, PageError> {
    show(&state, &user, CaseKind::Idle, q.msg.as_deref()).await
}

async fn exit(State(state): State<AppState>, user: PageUser, Q(q): Q<Query>) -> Result<Response, PageError> {
    show(&state, &user, CaseKind::Exit, q.msg.as_deref()).await
}

async fn idle_export(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    Ok(send(
        state.app.export_land_cases(&user.actor, CaseKind::Idle).await?,
    ))
}

async fn exit_export(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    Ok(send(
        state.app.export_land_cases(&user.actor, CaseKind::Exit).await?,
    ))
}

/// The form opening a case: its kind and the first step (no `flatten`: form values are text).
#[derive(Deserialize, Default)]
#[serde(default)]
struct OpenForm {
    kind: String,
    doc_no: String,
    issued_on: String,
    served_on: String,
    deadline: String,
    note: String,
}

async fn open(
    State(state): State<AppState>,
    Id(id): Id,
    CsrfForm { user, form }: CsrfForm<OpenForm>,
) -> Result<Response, PageError> {
    let kind = CaseKind::parse(&form.kind).unwrap_or(CaseKind::Idle);
    let step = StepForm {
        doc_no: form.doc_no,
        issued_on: form.issued_on,
        served_on: form.served_on,
        deadline: form.deadline,
        note: form.note,
        ..StepForm::default()
    };
    match state.app.open_land_case(&user.actor, kind, id, &step).await {
        Ok(case) => Ok(Redirect::to(&format!("/land/cases/{case}?msg=case_opened")).into_response()),
        Err(e) => {
            let errors = form_messages(e)?;
            super::projects::show_detail(
                &state,
                &user,
                id,
                None,
                None,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "land/case.html")]
struct CasePage {
    l: Layout,
    d: CaseDetail,
    form: StepForm,
    errors: Vec<String>,
}

async fn show_case(
    state: &AppState,
    user: &PageUser,
    id: i64,
    msg: Option<&str>,
    form: Option<StepForm>,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let d = state.app.land_case(&user.actor, id).await?;
    let href = if d.case.kind_id == CaseKind::Exit.id() {
        "/land/exit"
    } else {
        "/land/idle"
    };
    let title = format!("{} · {}", d.case.kind, d.case.enterprise_name);
    let l = layout(state, user, &title, href, msg).await?;
    let form = form.unwrap_or_default();
    Ok((status, render(&CasePage { l, d, form, errors })?).into_response())
}

async fn case(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Q(q): Q<Query>,
) -> Result<Response, PageError> {
    show_case(
        &state,
        &user,
        id,
        q.msg.as_deref(),
        None,
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

async fn step(
    State(state): State<AppState>,
    Id(id): Id,
    CsrfForm { user, form }: CsrfForm<StepForm>,
) -> Result<Response, PageError> {
    match state.app.advance_land_case(&user.actor, id, &form).await {
        Ok(()) => Ok(Redirect::to(&format!("/land/cases/{id}?msg=step_saved")).into_response()),
        Err(e) => {
            let errors = form_messages(e)?;
            show_case(
                &state,
                &user,
                id,
                None,
                Some(form),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

async fn document(
    State(state): State<AppState>,
    user: PageUser,
    Path((id, step)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    Ok(send(state.app.land_case_document(&user.actor, id, step).await?))
}
