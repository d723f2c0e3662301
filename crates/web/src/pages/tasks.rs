//! The key-task tracker pages (issue 14): the whole 附件 table with each task's state, one task
//! with its reports and the caller's report form, the city's settings, the 督查 workbook.

use askama::Template;
use axum::Router;
use axum::extract::{Query as Q, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use mujun_app::tasks::ReportStatus;
use mujun_app::tasks::period::Cadence;
use mujun_app::tasks::tracker::{ReportForm, TaskPage, TaskSettingsForm, Tracker};
use serde::Deserialize;

use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::layout::Layout;
use crate::pages::collection::Id;
use crate::pages::collection::upload::UploadForm;
use crate::pages::{form_messages, layout, render, send};
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tasks", get(table))
        .route("/tasks.xlsx", get(export))
        .route("/tasks/load", post(load))
        .route("/tasks/{id}", get(task))
        .route("/tasks/{id}/reports", post(report))
        .route("/tasks/{id}/settings", post(settings))
        .route("/tasks/attachments/{id}", get(attachment))
}

/// `?msg=`.
#[derive(Deserialize, Default)]
struct Query {
    msg: Option<String>,
}

#[derive(Template)]
#[template(path = "tasks/table.html")]
struct TablePage {
    l: Layout,
    v: Tracker,
}

async fn table(State(state): State<AppState>, user: PageUser, Q(q): Q<Query>) -> Result<Response, PageError> {
    let v = state.app.plan_tasks(&user.actor).await?;
    let l = layout(&state, &user, "重点任务", "/tasks", q.msg.as_deref()).await?;
    Ok(render(&TablePage { l, v })?.into_response())
}

async fn export(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    Ok(send(state.app.export_plan_tasks(&user.actor).await?))
}

/// A form with the token only.
#[derive(Deserialize, Default)]
struct Empty {}

async fn load(
    State(state): State<AppState>,
    CsrfForm { user, .. }: CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let n = state.app.load_plan_tasks(&user.actor).await?;
    Ok(Redirect::to(&format!("/tasks?msg=tasks_loaded_{n}")).into_response())
}

#[derive(Template)]
#[template(path = "tasks/task.html")]
struct DetailPage {
    l: Layout,
    v: TaskPage,
    statuses: [ReportStatus; 3],
    cadences: [Cadence; 2],
    form: ReportForm,
    errors: Vec<String>,
}

async fn show_task(
    state: &AppState,
    user: &PageUser,
    id: i64,
    msg: Option<&str>,
    form: ReportForm,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let v = state.app.plan_task(&user.actor, id).await?;
    let title = format!("重点任务 · {}", v.task.title);
    let l = layout(state, user, &title, "/tasks", msg).await?;
    let page = DetailPage {
        l,
        v,
        statuses: ReportStatus::ALL,
        cadences: Cadence::ALL,
        form,
        errors,
    };
    Ok((status, render(&page)?).into_response())
}

async fn task(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Q(q): Q<Query>,
) -> Result<Response, PageError> {
    show_task(
        &state,
        &user,
        id,
        q.msg.as_deref(),
        ReportForm::default(),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

async fn report(State(state): State<AppState>, Id(id): Id, form: UploadForm) -> Result<Response, PageError> {
    let user = &form.user;
    let typed = ReportForm {
        period: form.field("period").to_owned(),
        status: form.field("status").to_owned(),
        body: form.field("body").to_owned(),
        unit: form.field("unit").to_owned(),
    };
    let attachment = form.file.as_ref().map(|f| (f.name.as_str(), f.bytes.as_slice()));
    match state.app.report_task(&user.actor, id, &typed, attachment).await {
        Ok(_) => Ok(Redirect::to(&format!("/tasks/{id}?msg=task_reported")).into_response()),
        Err(e) => {
            let errors = form_messages(e)?;
            show_task(
                &state,
                user,
                id,
                None,
                typed,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

async fn settings(
    State(state): State<AppState>,
    Id(id): Id,
    CsrfForm { user, form }: CsrfForm<TaskSettingsForm>,
) -> Result<Response, PageError> {
    match state.app.set_plan_task(&user.actor, id, &form).await {
        Ok(()) => Ok(Redirect::to(&format!("/tasks/{id}?msg=saved")).into_response()),
        Err(e) => {
            let errors = form_messages(e)?;
            show_task(
                &state,
                &user,
                id,
                None,
                ReportForm::default(),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

async fn attachment(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
) -> Result<Response, PageError> {
    let (name, bytes) = state.app.task_attachment(&user.actor, id).await?;
    Ok(crate::pages::download(bytes, "application/octet-stream", &name))
}
