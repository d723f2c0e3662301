//! `/policies/lists`: an executing department's list for a published run — every enterprise
//! its measures apply to, with the amounts — and its xlsx download. A department officer sees
//! its own department's list; the city administrator picks any executing department.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use mujun_app::evaluation::RunState;
use mujun_app::{AppError, Role};
use serde::Deserialize;

use super::{Opt, class_label, number, query_id, region_name};
use crate::auth::PageUser;
use crate::error::PageError;
use crate::layout::Layout;
use crate::pages::send;
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/policies/lists", get(page))
        .route("/policies/lists.xlsx", get(export))
}

/// The departments that execute measures (the city administrator's choice).
const EXECUTING: [&str; 7] = [
    "power",
    "water",
    "natural_resources",
    "finance",
    "ecology",
    "development",
    "industry",
];

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    run: String,
    #[serde(default)]
    department: String,
}

/// The run and department a list is about.
struct Choice {
    /// Published runs, newest first: (id, label).
    runs: Vec<(i64, String)>,
    /// The chosen run (None: nothing published yet).
    run: Option<i64>,
    /// The department code.
    department: String,
}

/// The run asked for (else the newest published one) and the department: a department
/// officer's own, for others the one asked for (else the power company). The use case refuses
/// departments the caller may not see.
async fn choice(state: &AppState, user: &PageUser, q: &ListQuery) -> Result<Choice, PageError> {
    let a = &user.actor;
    state.app.policy_lists_access(a).await?;
    let runs: Vec<(i64, String)> = state
        .app
        .list_runs(a)
        .await?
        .into_iter()
        .filter(|v| v.state == RunState::Published)
        .map(|v| (v.run.id, format!("#{} {}", v.run.id, v.run.title)))
        .collect();
    let run = query_id(&q.run).or_else(|| runs.first().map(|r| r.0));
    let department = if a.role == Role::Department {
        let departments = state.app.reference(a).await?.departments;
        departments
            .into_iter()
            .find(|d| Some(d.id) == a.department_id)
            .map(|d| d.code)
            .ok_or(AppError::NotFound("部门"))?
    } else if q.department.trim().is_empty() {
        EXECUTING[0].to_owned()
    } else {
        q.department.trim().to_owned()
    };
    Ok(Choice {
        runs,
        run,
        department,
    })
}

/// One row of the list.
struct Row {
    enterprise_id: i64,
    credit_code: String,
    name: String,
    region: String,
    cluster: String,
    class: String,
    class_label: String,
    consecutive: u32,
    title: String,
    amount: String,
    basis: String,
}

#[derive(Template)]
#[template(path = "evaluation/policy_lists.html")]
struct ListPage {
    l: Layout,
    city: bool,
    runs: Vec<Opt>,
    departments: Vec<Opt>,
    department: String,
    department_name: String,
    run: i64,
    rows: Vec<Row>,
}

async fn page(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let c = choice(&state, &user, &q).await?;
    let rows = match c.run {
        Some(run) => state
            .app
            .department_policy_list(&user.actor, run, &c.department)
            .await?
            .into_iter()
            .map(|r| Row {
                enterprise_id: r.enterprise_id,
                credit_code: r.credit_code,
                name: r.name,
                region: region_name(&r.region_code),
                cluster: r.cluster,
                class_label: class_label(&r.class),
                class: r.class,
                consecutive: r.consecutive,
                amount: match r.line.amount {
                    Some(v) => format!("{} {}", number(Some(v), 2), r.line.unit),
                    None => String::new(),
                },
                title: r.line.title,
                basis: r.line.basis,
            })
            .collect(),
        None => Vec::new(),
    };
    let run = c.run.unwrap_or(0);
    let l = crate::pages::layout(&state, &user, "差别化政策执行清单", "/policies/lists", None).await?;
    let page = ListPage {
        l,
        city: user.actor.role == Role::CityAdmin,
        runs: c
            .runs
            .iter()
            .map(|(id, label)| Opt::new(id.to_string(), label.clone(), &run.to_string()))
            .collect(),
        departments: EXECUTING
            .iter()
            .map(|d| Opt::new(*d, super::department_label(d), &c.department))
            .collect(),
        department_name: super::department_label(&c.department),
        department: c.department,
        run,
        rows,
    };
    Ok(crate::pages::render(&page)?.into_response())
}

/// `GET /policies/lists.xlsx?run=&department=` (audited).
async fn export(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let c = choice(&state, &user, &q).await?;
    let run = c.run.ok_or(AppError::NotFound("已发布的评价批次"))?;
    let file = state
        .app
        .export_department_policy_list(&user.actor, run, &c.department)
        .await?;
    Ok(send(file))
}
