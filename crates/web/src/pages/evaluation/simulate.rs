//! `/runs/{id}/simulate`: what a method change would do (issue 15) — a draft method (by the
//! structured form or the method file) evaluated on the run's snapshot beside the run's own,
//! kept as named scenarios, up to three side by side (and as a workbook), and the sensitivity
//! chart. The use cases check who may simulate and audit it.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use mujun_app::evaluation::format::{class_label, number};
use mujun_app::evaluation::method_form::{MethodForm, method_form};
use mujun_app::evaluation::simulate::scenarios::ScenarioView;
use mujun_app::evaluation::simulate::sensitivity::{STEPS, SensitivityView};
use mujun_app::evaluation::simulate::{MAX_SIDE_BY_SIDE, Simulation};

use super::chart::sensitivity_bars;
use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::layout::Layout;
use crate::pages::collection::Id;
use crate::pages::{form_messages, layout, render, send};
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/runs/{id}/simulate", get(form).post(simulate))
        .route("/runs/{id}/simulate/compare", get(compare))
        .route("/runs/{id}/simulate/compare.xlsx", get(export))
        .route("/runs/{id}/scenarios", post(save))
        .route("/runs/{id}/scenarios/{scenario}/remove", post(remove))
        .route("/runs/{id}/sensitivity", get(sensitivity))
}

/// Changed enterprises listed on the page (the workbook has all).
const LISTED: usize = 500;

/// One class under one method, for the page.
struct ClassCellView {
    count: usize,
    delta: String,
    land: String,
    tax: String,
    per_mu: String,
}

struct ClassRowView {
    class: String,
    label: String,
    cells: Vec<ClassCellView>,
}

struct PolicyRowView {
    title: String,
    class: String,
    unit: String,
    cells: Vec<(String, String)>,
}

struct ChangeRowView {
    enterprise_id: i64,
    name: String,
    pool: String,
    /// (class, class in words, total, why).
    cells: Vec<(String, String, String, String)>,
}

/// A simulation as the page shows it.
struct SimView {
    columns: Vec<(String, String)>,
    /// Per column after the first: enterprises whose class differs from the run's method.
    changed: Vec<(String, usize)>,
    enterprises: usize,
    classes: Vec<ClassRowView>,
    pools: Vec<(String, Vec<String>)>,
    policies: Vec<PolicyRowView>,
    changes: Vec<ChangeRowView>,
    more: usize,
}

fn view(s: &Simulation) -> SimView {
    let signed = |d: i64| match d {
        0 => "±0".to_owned(),
        d if d > 0 => format!("+{d}"),
        d => d.to_string(),
    };
    SimView {
        columns: s
            .columns
            .iter()
            .map(|c| (c.label.clone(), c.method_name.clone()))
            .collect(),
        changed: s
            .columns
            .iter()
            .enumerate()
            .skip(1)
            .map(|(i, c)| (c.label.clone(), s.changed_in(i)))
            .collect(),
        enterprises: s.enterprises,
        classes: s
            .class_lines
            .iter()
            .map(|l| ClassRowView {
                class: l.class.clone(),
                label: l.label.clone(),
                cells: l
                    .cells
                    .iter()
                    .enumerate()
                    .map(|(i, c)| ClassCellView {
                        count: c.enterprises,
                        delta: if i == 0 {
                            String::new()
                        } else {
                            signed(c.enterprises as i64 - l.cells[0].enterprises as i64)
                        },
                        land: number(c.land_area_mu, 2),
                        tax: number(c.tax_paid, 2),
                        per_mu: c.tax_per_mu().map_or_else(|| "—".to_owned(), |v| number(v, 2)),
                    })
                    .collect(),
            })
            .collect(),
        pools: s
            .pools
            .iter()
            .map(|p| {
                let cells = p
                    .counts
                    .iter()
                    .map(|per| {
                        s.classes
                            .iter()
                            .zip(per)
                            .filter(|(_, n)| **n > 0)
                            .map(|(c, n)| {
                                if c == "X" {
                                    format!("不参评 {n}")
                                } else {
                                    format!("{c} {n}")
                                }
                            })
                            .collect::<Vec<_>>()
                            .join(" · ")
                    })
                    .collect();
                (p.name.clone(), cells)
            })
            .collect(),
        policies: s
            .policies
            .iter()
            .map(|p| PolicyRowView {
                title: p.title.clone(),
                class: p.class.clone(),
                unit: p.unit.clone(),
                cells: p
                    .cells
                    .iter()
                    .map(|(n, a)| (format!("{n} 家"), a.map_or_else(String::new, |a| number(a, 2))))
                    .collect(),
            })
            .collect(),
        changes: s
            .changes
            .iter()
            .take(LISTED)
            .map(|c| ChangeRowView {
                enterprise_id: c.enterprise_id,
                name: c.name.clone(),
                pool: c.pool.clone(),
                cells: c
                    .classes
                    .iter()
                    .zip(&c.totals)
                    .zip(&c.reasons)
                    .map(|((class, total), why)| {
                        (
                            class.clone(),
                            class_label(class),
                            total.map_or_else(|| "—".to_owned(), |t| number(t, 2)),
                            why.clone(),
                        )
                    })
                    .collect(),
            })
            .collect(),
        more: s.changes.len().saturating_sub(LISTED),
    }
}

#[derive(Template)]
#[template(path = "evaluation/simulate.html")]
struct SimulatePage {
    l: Layout,
    id: i64,
    /// The draft's method file.
    method: String,
    /// The draft as a form (None when the file cannot be read as one).
    form: Option<MethodForm>,
    scenarios: Vec<ScenarioView>,
    /// The scenario open, if any.
    open: Option<ScenarioView>,
    result: Option<SimView>,
    errors: Vec<String>,
    max: usize,
}

#[allow(clippy::too_many_arguments)] // One per part of the page.
async fn page(
    state: &AppState,
    user: &PageUser,
    id: i64,
    method: String,
    open: Option<ScenarioView>,
    result: Option<&Simulation>,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let scenarios = state.app.scenarios(&user.actor, id).await?;
    let l = layout(state, user, "模拟方法调整", "/runs", None).await?;
    Ok((
        status,
        render(&SimulatePage {
            l,
            id,
            form: method_form(&method).ok(),
            method,
            scenarios,
            open,
            result: result.map(view),
            errors,
            max: MAX_SIDE_BY_SIDE,
        })?,
    )
        .into_response())
}

/// `?scenario=`: the scenario to reopen.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct OpenQuery {
    scenario: String,
}

async fn form(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Query(q): Query<OpenQuery>,
) -> Result<Response, PageError> {
    if let Ok(sid) = q.scenario.trim().parse::<i64>() {
        let (open, source, sim) = state.app.open_scenario(&user.actor, id, sid).await?;
        return page(
            &state,
            &user,
            id,
            source,
            Some(open),
            Some(&sim),
            Vec::new(),
            StatusCode::OK,
        )
        .await;
    }
    let method = state.app.run_method_source(&user.actor, id).await?;
    page(&state, &user, id, method, None, None, Vec::new(), StatusCode::OK).await
}

fn field<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    form.iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// `POST /runs/{id}/simulate`: `mode=form` applies the structured form to `source` (the draft
/// it was drawn from); otherwise `method` is the edited file.
async fn simulate(
    State(state): State<AppState>,
    Id(id): Id,
    CsrfForm { user, form }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let draft = if field(&form, "mode") == "form" {
        let get = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        match state
            .app
            .simulation_draft_from_form(&user.actor, id, field(&form, "source"), &get)
            .await
        {
            Ok(d) => d,
            Err(e) => {
                let errors = form_messages(e)?;
                let source = field(&form, "source").to_owned();
                return page(
                    &state,
                    &user,
                    id,
                    source,
                    None,
                    None,
                    errors,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
        }
    } else {
        field(&form, "method").to_owned()
    };
    match state.app.simulate_run(&user.actor, id, &draft).await {
        Ok(r) => {
            page(
                &state,
                &user,
                id,
                draft,
                None,
                Some(&r),
                Vec::new(),
                StatusCode::OK,
            )
            .await
        }
        Err(e) => {
            let errors = form_messages(e)?;
            page(
                &state,
                &user,
                id,
                draft,
                None,
                None,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// `POST /runs/{id}/scenarios`: keeps the draft under a name, then reopens it.
async fn save(
    State(state): State<AppState>,
    Id(id): Id,
    CsrfForm { user, form }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let method = field(&form, "method").to_owned();
    match state
        .app
        .save_scenario(&user.actor, id, field(&form, "name"), &method)
        .await
    {
        Ok(sid) => Ok(Redirect::to(&format!("/runs/{id}/simulate?scenario={sid}")).into_response()),
        Err(e) => {
            let errors = form_messages(e)?;
            page(
                &state,
                &user,
                id,
                method,
                None,
                None,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

fn ids(text: &str) -> Option<i64> {
    text.parse::<i64>().ok().filter(|id| *id > 0)
}

/// `POST /runs/{id}/scenarios/{scenario}/remove`.
async fn remove(
    State(state): State<AppState>,
    Path((id, sid)): Path<(String, String)>,
    CsrfForm { user, .. }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (Some(id), Some(sid)) = (ids(&id), ids(&sid)) else {
        return Err(PageError::not_found());
    };
    state.app.remove_scenario(&user.actor, id, sid).await?;
    Ok(Redirect::to(&format!("/runs/{id}/simulate")).into_response())
}

#[derive(Template)]
#[template(path = "evaluation/simulate_compare.html")]
struct ComparePage {
    l: Layout,
    id: i64,
    result: Option<SimView>,
    /// `s=1&s=2` for the workbook link.
    query: String,
    errors: Vec<String>,
}

/// The scenarios chosen (`?s=1&s=2`).
fn chosen(q: &[(String, String)]) -> Vec<i64> {
    q.iter()
        .filter(|(k, _)| k == "s")
        .filter_map(|(_, v)| ids(v.trim()))
        .collect()
}

async fn compare(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let chosen = chosen(&q);
    let query = chosen
        .iter()
        .map(|s| format!("s={s}"))
        .collect::<Vec<_>>()
        .join("&");
    let (result, errors, status) = match state.app.compare_scenarios(&user.actor, id, &chosen).await {
        Ok(r) => (Some(view(&r)), Vec::new(), StatusCode::OK),
        Err(e) => (None, form_messages(e)?, StatusCode::UNPROCESSABLE_ENTITY),
    };
    let l = layout(&state, &user, "模拟方案对比", "/runs", None).await?;
    Ok((
        status,
        render(&ComparePage {
            l,
            id,
            result,
            query,
            errors,
        })?,
    )
        .into_response())
}

async fn export(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    Ok(send(
        state.app.export_scenarios(&user.actor, id, &chosen(&q)).await?,
    ))
}

#[derive(Template)]
#[template(path = "evaluation/sensitivity.html")]
struct SensitivityPage {
    l: Layout,
    id: i64,
    v: SensitivityView,
    chart: String,
    steps: Vec<(String, bool)>,
    scenario: String,
}

/// `?step=5&scenario=3`.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct SensitivityQuery {
    step: String,
    scenario: String,
}

async fn sensitivity(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Query(q): Query<SensitivityQuery>,
) -> Result<Response, PageError> {
    let step = q
        .step
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|s| STEPS.contains(s))
        .unwrap_or(5.0);
    let scenario = ids(q.scenario.trim());
    let v = state.app.run_sensitivity(&user.actor, id, scenario, step).await?;
    let chart = sensitivity_bars(&v.lines);
    let l = layout(&state, &user, "方法敏感性分析", "/runs", None).await?;
    Ok(render(&SensitivityPage {
        l,
        id,
        chart,
        steps: STEPS
            .iter()
            .map(|s| (number(*s, 0), (*s - v.step).abs() < f64::EPSILON))
            .collect(),
        scenario: scenario.map_or_else(String::new, |s| s.to_string()),
        v,
    })?
    .into_response())
}
