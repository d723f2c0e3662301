//! Enterprise service pages (issue 14): the problem ledger with its statistics, one problem with
//! its history and the caller's next step, attachments, and the holiday calendar. The use cases
//! decide who may do what (`service_rights`); these handlers translate forms and pages.

use askama::Template;
use axum::Router;
use axum::extract::{Query as Q, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use mujun_app::service::calendar::CalendarView;
use mujun_app::service::problems::{Ledger, ProblemForm, ProblemPage, StepForm};
use mujun_app::service::stats::{Stats, tally};
use mujun_app::service::{CATEGORIES, Rating};
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
        .route("/service/problems", get(ledger).post(file))
        .route("/service/problems.xlsx", get(export))
        .route("/service/problems/{id}", get(problem))
        .route("/service/problems/{id}/assign", post(assign))
        .route("/service/problems/{id}/answer", post(answer))
        .route("/service/problems/{id}/rate", post(rate))
        .route("/service/attachments/{id}", get(attachment))
        .route("/service/calendar", get(calendar).post(save_calendar))
}

/// `?msg=` and the list filter.
#[derive(Deserialize, Default)]
struct Query {
    msg: Option<String>,
    show: Option<String>,
}

#[derive(Template)]
#[template(path = "service/problems.html")]
struct LedgerPage {
    l: Layout,
    v: Ledger,
    stats: Stats,
    show: String,
    categories: &'static [&'static str],
    form: ProblemForm,
    errors: Vec<String>,
}

#[allow(clippy::too_many_arguments)]
async fn show_ledger(
    state: &AppState,
    user: &PageUser,
    msg: Option<&str>,
    show: &str,
    form: ProblemForm,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let mut v = state.app.problems(&user.actor).await?;
    let stats = tally(&v.problems);
    match show {
        "open" => v
            .problems
            .retain(|p| p.status != mujun_app::service::Status::Closed),
        "flagged" => v.problems.retain(|p| p.overdue || p.reopened > 0),
        _ => {}
    }
    let l = layout(state, user, "企业问题台账", "/service/problems", msg).await?;
    let page = LedgerPage {
        l,
        v,
        stats,
        show: show.to_owned(),
        categories: &CATEGORIES,
        form,
        errors,
    };
    Ok((status, render(&page)?).into_response())
}

async fn ledger(
    State(state): State<AppState>,
    user: PageUser,
    Q(q): Q<Query>,
) -> Result<Response, PageError> {
    show_ledger(
        &state,
        &user,
        q.msg.as_deref(),
        q.show.as_deref().unwrap_or("open"),
        ProblemForm::default(),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

async fn export(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    Ok(send(state.app.export_problems(&user.actor).await?))
}

async fn file(State(state): State<AppState>, form: UploadForm) -> Result<Response, PageError> {
    let user = &form.user;
    let problem = ProblemForm {
        enterprise_id: form.field("enterprise_id").parse().unwrap_or_default(),
        credit_code: form.field("credit_code").to_owned(),
        category: form.field("category").to_owned(),
        title: form.field("title").to_owned(),
        description: form.field("description").to_owned(),
    };
    let attachment = form.file.as_ref().map(|f| (f.name.as_str(), f.bytes.as_slice()));
    match state.app.file_problem(&user.actor, &problem, attachment).await {
        Ok(id) => Ok(Redirect::to(&format!("/service/problems/{id}?msg=problem_filed")).into_response()),
        Err(e) => {
            let errors = form_messages(e)?;
            show_ledger(
                &state,
                user,
                None,
                "open",
                problem,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "service/problem.html")]
struct DetailPage {
    l: Layout,
    v: ProblemPage,
    ratings: [Rating; 3],
    form: StepForm,
    errors: Vec<String>,
}

async fn show_problem(
    state: &AppState,
    user: &PageUser,
    id: i64,
    msg: Option<&str>,
    form: StepForm,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let v = state.app.problem(&user.actor, id).await?;
    let title = format!("问题 {} · {}", v.problem.number, v.problem.title);
    let l = layout(state, user, &title, "/service/problems", msg).await?;
    let page = DetailPage {
        l,
        v,
        ratings: Rating::ALL,
        form,
        errors,
    };
    Ok((status, render(&page)?).into_response())
}

async fn problem(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Q(q): Q<Query>,
) -> Result<Response, PageError> {
    show_problem(
        &state,
        &user,
        id,
        q.msg.as_deref(),
        StepForm::default(),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

async fn step(state: AppState, id: i64, step: &'static str, form: UploadForm) -> Result<Response, PageError> {
    let user = &form.user;
    let typed = StepForm {
        version: form.field("version").parse().unwrap_or_default(),
        department_id: form.field("department_id").parse().unwrap_or_default(),
        difficulty: form.field("difficulty").to_owned(),
        rating: form.field("rating").to_owned(),
        body: form.field("body").to_owned(),
    };
    let attachment = form.file.as_ref().map(|f| (f.name.as_str(), f.bytes.as_slice()));
    match state
        .app
        .problem_step(&user.actor, id, step, &typed, attachment)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/service/problems/{id}?msg=problem_{step}")).into_response()),
        Err(e) => {
            let errors = form_messages(e)?;
            show_problem(
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

async fn assign(State(state): State<AppState>, Id(id): Id, form: UploadForm) -> Result<Response, PageError> {
    step(state, id, "assign", form).await
}

async fn answer(State(state): State<AppState>, Id(id): Id, form: UploadForm) -> Result<Response, PageError> {
    step(state, id, "answer", form).await
}

async fn rate(State(state): State<AppState>, Id(id): Id, form: UploadForm) -> Result<Response, PageError> {
    step(state, id, "rate", form).await
}

async fn attachment(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
) -> Result<Response, PageError> {
    let (name, bytes) = state.app.problem_attachment(&user.actor, id).await?;
    Ok(crate::pages::download(bytes, "application/octet-stream", &name))
}

#[derive(Template)]
#[template(path = "service/calendar.html")]
struct CalendarPage {
    l: Layout,
    v: CalendarView,
    keeps: bool,
    limits: Vec<(&'static str, String)>,
    errors: Vec<String>,
}

async fn show_calendar(
    state: &AppState,
    user: &PageUser,
    msg: Option<&str>,
    typed: Option<String>,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let mut v = state.app.calendar(&user.actor).await?;
    if let Some(t) = typed {
        v.text = t;
    }
    let keeps = mujun_app::service::service_rights(&user.actor).keeps_calendar;
    let rules = state.app.service_rules();
    let limits = mujun_app::service::Difficulty::ALL
        .into_iter()
        .map(|d| (d.label(), rules.limit(d).describe()))
        .collect();
    let l = layout(state, user, "节假日安排", "/service/calendar", msg).await?;
    Ok((
        status,
        render(&CalendarPage {
            l,
            v,
            keeps,
            limits,
            errors,
        })?,
    )
        .into_response())
}

async fn calendar(
    State(state): State<AppState>,
    user: PageUser,
    Q(q): Q<Query>,
) -> Result<Response, PageError> {
    show_calendar(&state, &user, q.msg.as_deref(), None, Vec::new(), StatusCode::OK).await
}

/// The calendar form.
#[derive(Deserialize, Default)]
#[serde(default)]
struct CalendarForm {
    text: String,
}

async fn save_calendar(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<CalendarForm>,
) -> Result<Response, PageError> {
    match state.app.set_calendar(&user.actor, &form.text).await {
        Ok(_) => Ok(Redirect::to("/service/calendar?msg=saved").into_response()),
        Err(e) => {
            let errors = form_messages(e)?;
            show_calendar(
                &state,
                &user,
                None,
                Some(form.text),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
