//! `/runs`: the evaluation runs the caller may see (the city sees every run; others the runs
//! whose results have reached them), and for the city administrator the form that starts a run.
//! A started run is evaluated in the background: the page of the run shows its progress.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use mujun_app::Role;
use mujun_app::evaluation::RunState;
use mujun_app::evaluation::runs::StartRun;
use mujun_app::registry::enterprises::EnterpriseQuery;
use serde::Deserialize;

use super::{Opt, form_messages, state_tag};
use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::layout::Layout;
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new().route("/runs", get(list).post(start))
}

#[derive(Deserialize, Default)]
struct ListQuery {
    msg: Option<String>,
}

/// One run in the table.
struct RunLine {
    id: i64,
    title: String,
    year: i64,
    method: String,
    state: &'static str,
    tag: &'static str,
    running: bool,
    published: bool,
    progress: i64,
    message: String,
    enterprises: i64,
    created_by: String,
    created_at: String,
    previous: i64,
}

#[derive(Template)]
#[template(path = "evaluation/runs.html")]
struct RunsPage {
    l: Layout,
    runs: Vec<RunLine>,
    city: bool,
    /// Department officers read no results: their runs lead to the policy lists.
    department: bool,
    /// The enterprise user's own card path segment (`/enterprises/<id>`), else empty.
    own_card: String,
    years: Vec<Opt>,
    methods: Vec<Opt>,
    title: String,
    errors: Vec<String>,
}

/// The form that starts a run.
#[derive(Deserialize, Default)]
struct StartForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    title: String,
}

/// The current calendar year in Beijing.
fn this_year() -> i64 {
    super::beijing_date(0)
        .get(..4)
        .and_then(|y| y.parse().ok())
        .unwrap_or(2025)
}

async fn render(
    state: &AppState,
    user: &PageUser,
    msg: Option<&str>,
    form: &StartForm,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let a = &user.actor;
    let views = state.app.list_runs(a).await?;
    let city = a.role == Role::CityAdmin;
    let methods = if city {
        let current = if form.method.is_empty() {
            "preset:henan-2019"
        } else {
            form.method.as_str()
        };
        state
            .app
            .list_methods(a)
            .await?
            .into_iter()
            .map(|m| {
                let label = if m.preset {
                    format!("{}（内置预设）", m.name)
                } else {
                    format!("{}（本市方法 第 {} 版）", m.name, m.version)
                };
                Opt::new(m.reference, label, current)
            })
            .collect()
    } else {
        Vec::new()
    };
    // The newest year with collected data comes first (data of year Y is collected in Y+1).
    let newest = if city {
        let query = EnterpriseQuery {
            page: 1,
            per_page: 10,
            ..EnterpriseQuery::default()
        };
        Some(state.app.list_enterprises(a, &query).await?.year).filter(|y| *y > 0)
    } else {
        None
    };
    let year = form
        .year
        .trim()
        .parse::<i64>()
        .unwrap_or_else(|_| newest.unwrap_or_else(|| this_year() - 1));
    let mut years: Vec<i64> = (2018..=this_year()).rev().collect();
    if !years.contains(&year) {
        years.insert(0, year);
    }
    let runs = views
        .into_iter()
        .map(|v| RunLine {
            id: v.run.id,
            title: v.run.title,
            year: v.run.year,
            method: mujun_app::evaluation::format::method_name(&v.run.method_source, &v.run.method_id),
            state: v.state.label(),
            tag: state_tag(v.state),
            running: v.state == RunState::Running,
            published: v.state == RunState::Published,
            progress: v.run.progress,
            message: v.run.message,
            enterprises: v.run.enterprises,
            created_by: v.created_by,
            created_at: crate::pages::format_time(v.run.created_at),
            previous: v.run.previous_run_id.unwrap_or(0),
        })
        .collect();
    let l = crate::pages::layout(state, user, "评价批次", "/runs", msg).await?;
    let page = RunsPage {
        l,
        runs,
        city,
        department: a.role == Role::Department,
        own_card: match (a.role, a.enterprise_id) {
            (Role::Enterprise, Some(e)) => format!("/enterprises/{e}"),
            _ => String::new(),
        },
        years: years
            .into_iter()
            .map(|y| Opt::new(y.to_string(), format!("{y} 年度"), &year.to_string()))
            .collect(),
        methods,
        title: form.title.clone(),
        errors,
    };
    Ok((status, crate::pages::render(&page)?).into_response())
}

async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    render(
        &state,
        &user,
        q.msg.as_deref(),
        &StartForm::default(),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

/// `POST /runs`: starts a run; the job evaluates it in the background and the browser goes to
/// the run's page, which follows its progress.
async fn start(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<StartForm>,
) -> Result<Response, PageError> {
    let run = StartRun {
        // A year that does not parse is refused by the use case like any other invalid year.
        year: form.year.trim().parse().unwrap_or(0),
        method: form.method.trim().to_owned(),
        title: form.title.clone(),
        previous_run_id: None,
    };
    match state.app.start_run(&user.actor, &run).await {
        // The job runs on; the run's page polls its progress.
        Ok(started) => Ok(Redirect::to(&format!("/runs/{}?msg=run_started", started.id)).into_response()),
        Err(e) => {
            let errors = form_messages(e)?;
            render(
                &state,
                &user,
                None,
                &form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
