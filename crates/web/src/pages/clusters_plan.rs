//! The clusters against the plan (issue 14): indicators per cluster and year with the supplied
//! data, the assessment runs and their method, and the plan targets. The use cases decide who
//! may do what (`cluster_plan_rights`); these handlers translate forms and pages.

use askama::Template;
use axum::Router;
use axum::extract::{Query as Q, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use mujun_app::clusters_plan::Indicator;
use mujun_app::clusters_plan::assessments::{AssessmentLine, AssessmentView, MethodView};
use mujun_app::clusters_plan::indicators::{DataForm, IndicatorsView};
use mujun_app::clusters_plan::targets::{TargetForm, TargetLine};
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
        .route("/clusters/indicators", get(indicators))
        .route("/clusters/data", post(supply))
        .route("/clusters/assessments", get(assessments).post(run))
        .route("/clusters/assessments/{id}", get(assessment))
        .route("/clusters/assessments/{id}/decision", post(decide))
        .route("/clusters/method", get(method).post(save_method))
        .route("/targets", get(targets).post(add_target))
        .route("/targets/load", post(load_targets))
}

/// `?msg=` and `?year=`.
#[derive(Deserialize, Default)]
struct Query {
    msg: Option<String>,
    year: Option<i64>,
}

fn fmt(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_owned(), |x| format!("{x:.2}"))
}

/// A row of the indicator table: `(cluster id, name, county, tier, cells (value, derivation))`.
type IndicatorRow = (i64, String, String, &'static str, Vec<(String, String)>);

#[derive(Template)]
#[template(path = "clusters_plan/indicators.html")]
struct IndicatorsPage {
    l: Layout,
    v: IndicatorsView,
    /// Column heads `(name, unit)`.
    heads: Vec<(&'static str, &'static str)>,
    /// Rows: `(id, name, county, tier, cells (value, derivation))`.
    rows: Vec<IndicatorRow>,
    city: Vec<(String, String)>,
    form: DataForm,
    errors: Vec<String>,
}

async fn show_indicators(
    state: &AppState,
    user: &PageUser,
    year: Option<i64>,
    msg: Option<&str>,
    form: DataForm,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let v = state.app.cluster_indicators(&user.actor, year).await?;
    let heads = Indicator::ALL.iter().map(|i| (i.label(), i.unit())).collect();
    let cells = |values: &[mujun_app::clusters_plan::Value]| {
        values
            .iter()
            .map(|x| (fmt(x.value), x.derivation.clone()))
            .collect::<Vec<_>>()
    };
    let rows = v
        .clusters
        .iter()
        .map(|k| (k.id, k.name.clone(), k.county.clone(), k.tier, cells(&k.values)))
        .collect();
    let city = cells(&v.city);
    let form = DataForm {
        year: if form.year == 0 {
            v.year.unwrap_or_default()
        } else {
            form.year
        },
        ..form
    };
    let l = layout(state, user, "集聚区指标", "/clusters/indicators", msg).await?;
    let page = IndicatorsPage {
        l,
        v,
        heads,
        rows,
        city,
        form,
        errors,
    };
    Ok((status, render(&page)?).into_response())
}

async fn indicators(
    State(state): State<AppState>,
    user: PageUser,
    Q(q): Q<Query>,
) -> Result<Response, PageError> {
    show_indicators(
        &state,
        &user,
        q.year,
        q.msg.as_deref(),
        DataForm::default(),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

async fn supply(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<DataForm>,
) -> Result<Response, PageError> {
    match state.app.supply_cluster_data(&user.actor, &form).await {
        Ok(()) => {
            Ok(Redirect::to(&format!("/clusters/indicators?year={}&msg=saved", form.year)).into_response())
        }
        Err(e) => {
            let errors = form_messages(e)?;
            let year = Some(form.year);
            show_indicators(
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
#[template(path = "clusters_plan/assessments.html")]
struct AssessmentsPage {
    l: Layout,
    list: Vec<AssessmentLine>,
    runs: bool,
    years: Vec<i64>,
    errors: Vec<String>,
}

async fn show_assessments(
    state: &AppState,
    user: &PageUser,
    msg: Option<&str>,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let list = state.app.cluster_assessments(&user.actor).await?;
    let rights = mujun_app::clusters_plan::cluster_plan_rights(&user.actor);
    let years = if rights.runs {
        state.app.cluster_indicators(&user.actor, None).await?.years
    } else {
        Vec::new()
    };
    let l = layout(state, user, "集聚区考核评价", "/clusters/assessments", msg).await?;
    let page = AssessmentsPage {
        l,
        list,
        runs: rights.runs,
        years,
        errors,
    };
    Ok((status, render(&page)?).into_response())
}

async fn assessments(
    State(state): State<AppState>,
    user: PageUser,
    Q(q): Q<Query>,
) -> Result<Response, PageError> {
    show_assessments(&state, &user, q.msg.as_deref(), Vec::new(), StatusCode::OK).await
}

/// The run form.
#[derive(Deserialize, Default)]
#[serde(default)]
struct RunForm {
    year: i64,
    title: String,
}

async fn run(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<RunForm>,
) -> Result<Response, PageError> {
    match state
        .app
        .run_cluster_assessment(&user.actor, form.year, &form.title)
        .await
    {
        Ok(id) => Ok(Redirect::to(&format!("/clusters/assessments/{id}?msg=saved")).into_response()),
        Err(e) => {
            let errors = form_messages(e)?;
            show_assessments(&state, &user, None, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

#[derive(Template)]
#[template(path = "clusters_plan/assessment.html")]
struct AssessmentPage {
    l: Layout,
    v: AssessmentView,
    errors: Vec<String>,
}

async fn show_assessment(
    state: &AppState,
    user: &PageUser,
    id: i64,
    msg: Option<&str>,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let v = state.app.cluster_assessment(&user.actor, id).await?;
    let l = layout(state, user, &v.title.clone(), "/clusters/assessments", msg).await?;
    Ok((status, render(&AssessmentPage { l, v, errors })?).into_response())
}

async fn assessment(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Q(q): Q<Query>,
) -> Result<Response, PageError> {
    show_assessment(&state, &user, id, q.msg.as_deref(), Vec::new(), StatusCode::OK).await
}

/// A decision on an assessment.
#[derive(Deserialize, Default)]
#[serde(default)]
struct DecisionForm {
    version: i64,
    decision: String,
}

async fn decide(
    State(state): State<AppState>,
    Id(id): Id,
    CsrfForm { user, form }: CsrfForm<DecisionForm>,
) -> Result<Response, PageError> {
    match state
        .app
        .decide_cluster_assessment(&user.actor, id, form.version, &form.decision)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/clusters/assessments/{id}?msg=saved")).into_response()),
        Err(e) => {
            let errors = form_messages(e)?;
            show_assessment(&state, &user, id, None, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

#[derive(Template)]
#[template(path = "clusters_plan/method.html")]
struct MethodPage {
    l: Layout,
    m: MethodView,
    edits: bool,
    errors: Vec<String>,
}

async fn method(
    State(state): State<AppState>,
    user: PageUser,
    Q(q): Q<Query>,
) -> Result<Response, PageError> {
    let m = state.app.cluster_method_view(&user.actor).await?;
    let edits = mujun_app::clusters_plan::cluster_plan_rights(&user.actor).runs;
    let l = layout(
        &state,
        &user,
        "集聚区考核办法",
        "/clusters/assessments",
        q.msg.as_deref(),
    )
    .await?;
    Ok(render(&MethodPage {
        l,
        m,
        edits,
        errors: Vec::new(),
    })?
    .into_response())
}

/// The method form.
#[derive(Deserialize, Default)]
#[serde(default)]
struct MethodForm {
    text: String,
}

async fn save_method(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<MethodForm>,
) -> Result<Response, PageError> {
    match state.app.set_cluster_method(&user.actor, &form.text).await {
        Ok(()) => Ok(Redirect::to("/clusters/method?msg=saved").into_response()),
        Err(e) => {
            let errors = form_messages(e)?;
            let mut m = state.app.cluster_method_view(&user.actor).await?;
            m.text = form.text;
            let l = layout(&state, &user, "集聚区考核办法", "/clusters/assessments", None).await?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&MethodPage {
                    l,
                    m,
                    edits: true,
                    errors,
                })?,
            )
                .into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "clusters_plan/targets.html")]
struct TargetsPage {
    l: Layout,
    rows: Vec<TargetLine>,
    edits: bool,
    indicators: Vec<(&'static str, &'static str)>,
    clusters: Vec<(i64, String)>,
    form: TargetForm,
    errors: Vec<String>,
}

async fn show_targets(
    state: &AppState,
    user: &PageUser,
    msg: Option<&str>,
    form: TargetForm,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let rows = state.app.plan_targets(&user.actor).await?;
    let edits = mujun_app::clusters_plan::cluster_plan_rights(&user.actor).runs;
    let clusters = if edits {
        state
            .app
            .list_clusters(&user.actor)
            .await?
            .into_iter()
            .map(|c| (c.cluster.id, c.cluster.name))
            .collect()
    } else {
        Vec::new()
    };
    let indicators = Indicator::ALL
        .iter()
        .map(|i| (i.id(), i.label()))
        .chain([
            ("clusters_1000yi", "千亿级产业集群"),
            ("clusters_100yi", "百亿级产业集群"),
        ])
        .collect();
    let l = layout(state, user, "规划目标", "/targets", msg).await?;
    let page = TargetsPage {
        l,
        rows,
        edits,
        indicators,
        clusters,
        form,
        errors,
    };
    Ok((status, render(&page)?).into_response())
}

async fn targets(
    State(state): State<AppState>,
    user: PageUser,
    Q(q): Q<Query>,
) -> Result<Response, PageError> {
    show_targets(
        &state,
        &user,
        q.msg.as_deref(),
        TargetForm::default(),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

async fn add_target(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<TargetForm>,
) -> Result<Response, PageError> {
    match state.app.add_plan_target(&user.actor, &form).await {
        Ok(_) => Ok(Redirect::to("/targets?msg=saved").into_response()),
        Err(e) => {
            let errors = form_messages(e)?;
            show_targets(
                &state,
                &user,
                None,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// A form with the token only.
#[derive(Deserialize, Default)]
struct Empty {}

async fn load_targets(
    State(state): State<AppState>,
    CsrfForm { user, .. }: CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let n = state.app.load_plan_targets(&user.actor).await?;
    Ok(Redirect::to(&format!("/targets?msg=targets_loaded_{n}")).into_response())
}
