//! The low-efficiency ledger and its disposal plans, the 标准地 list, the 亩均地图 of a cluster
//! and the public list of idle land.

use askama::Template;
use axum::Router;
use axum::extract::{Query as Q, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use mujun_app::land::cases::PublicIdleRow;
use mujun_app::land::low::{LowLedger, PlanView};
use mujun_app::land::map::{ClusterMap, Colouring};
use mujun_app::land::plans::{DisposalForm, PlanForm};
use mujun_app::land::standard::StandardLedger;

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
        .route("/land/low-efficiency", get(low))
        .route("/land/low-efficiency.xlsx", get(low_export))
        .route("/land/plans", post(add_plan))
        .route("/land/plans/{id}", get(plan).post(plan_progress))
        .route("/land/standard", get(standard))
        .route("/land/standard/incentives.xlsx", get(incentives))
        .route("/clusters/{id}/map", get(map))
        .route("/public/idle-land", get(public_idle))
}

#[derive(Template)]
#[template(path = "land/low.html")]
struct LowPage {
    l: Layout,
    v: LowLedger,
    form: PlanForm,
    errors: Vec<String>,
}

async fn show_low(
    state: &AppState,
    user: &PageUser,
    year: Option<i64>,
    msg: Option<&str>,
    form: PlanForm,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let v = state.app.low_efficiency(&user.actor, year).await?;
    let l = layout(state, user, "低效用地", "/land/low-efficiency", msg).await?;
    Ok((status, render(&LowPage { l, v, form, errors })?).into_response())
}

async fn low(State(state): State<AppState>, user: PageUser, Q(q): Q<Query>) -> Result<Response, PageError> {
    show_low(
        &state,
        &user,
        q.year(),
        q.msg.as_deref(),
        PlanForm::default(),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

async fn low_export(
    State(state): State<AppState>,
    user: PageUser,
    Q(q): Q<Query>,
) -> Result<Response, PageError> {
    Ok(send(
        state.app.export_low_efficiency(&user.actor, q.year()).await?,
    ))
}

async fn add_plan(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<PlanForm>,
) -> Result<Response, PageError> {
    match state.app.add_disposal_plan(&user.actor, &form).await {
        Ok(id) => Ok(Redirect::to(&format!("/land/plans/{id}?msg=plan_saved")).into_response()),
        Err(e) => {
            let errors = form_messages(e)?;
            show_low(
                &state,
                &user,
                None,
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
#[template(path = "land/plan.html")]
struct PlanPage {
    l: Layout,
    p: PlanView,
    may_report: bool,
    form: DisposalForm,
    errors: Vec<String>,
}

async fn show_plan(
    state: &AppState,
    user: &PageUser,
    id: i64,
    msg: Option<&str>,
    form: Option<DisposalForm>,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let p = state.app.disposal_plan(&user.actor, id).await?;
    let may_report = state.app.land_rights(&user.actor).await?.plans_disposal && !p.done;
    let l = layout(
        state,
        user,
        &format!("处置方案 · 宗地 {}", p.certificate_no),
        "/land/low-efficiency",
        msg,
    )
    .await?;
    let form = form.unwrap_or_else(|| DisposalForm {
        area_disposed_mu: format!("{}", p.area_disposed_mu),
        ..DisposalForm::default()
    });
    Ok((
        status,
        render(&PlanPage {
            l,
            p,
            may_report,
            form,
            errors,
        })?,
    )
        .into_response())
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
        None,
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

async fn plan_progress(
    State(state): State<AppState>,
    Id(id): Id,
    CsrfForm { user, form }: CsrfForm<DisposalForm>,
) -> Result<Response, PageError> {
    match state.app.report_disposal(&user.actor, id, &form).await {
        Ok(()) => Ok(Redirect::to(&format!("/land/plans/{id}?msg=disposal_saved")).into_response()),
        Err(e) => {
            let errors = form_messages(e)?;
            show_plan(
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

#[derive(Template)]
#[template(path = "land/standard.html")]
struct StandardPage {
    l: Layout,
    v: StandardLedger,
    losses: usize,
}

async fn standard(
    State(state): State<AppState>,
    user: PageUser,
    Q(q): Q<Query>,
) -> Result<Response, PageError> {
    let v = state.app.standard_land(&user.actor, q.year()).await?;
    let l = layout(&state, &user, "标准地履约", "/land/standard", q.msg.as_deref()).await?;
    let losses = v.incentive_losses().len();
    Ok(render(&StandardPage { l, v, losses })?.into_response())
}

async fn incentives(
    State(state): State<AppState>,
    user: PageUser,
    Q(q): Q<Query>,
) -> Result<Response, PageError> {
    Ok(send(
        state.app.export_incentive_losses(&user.actor, q.year()).await?,
    ))
}

#[derive(Template)]
#[template(path = "land/map.html")]
struct MapPage {
    l: Layout,
    m: ClusterMap,
}

async fn map(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Q(q): Q<Query>,
) -> Result<Response, PageError> {
    let colouring = if q.by.as_deref() == Some("tax") {
        Colouring::TaxPerMu
    } else {
        Colouring::Class
    };
    let m = state
        .app
        .cluster_map(&user.actor, id, q.year(), colouring)
        .await?;
    let l = layout(
        &state,
        &user,
        &format!("亩均地图 · {}", m.cluster_name),
        "/clusters",
        None,
    )
    .await?
    .under(m.cluster_name.clone(), format!("/clusters/{id}"));
    Ok(render(&MapPage { l, m })?.into_response())
}

#[derive(Template)]
#[template(path = "land/public_idle.html")]
struct PublicPage {
    title: String,
    rows: Vec<PublicIdleRow>,
}

async fn public_idle(State(state): State<AppState>) -> Result<Response, PageError> {
    let rows = state.app.public_idle_land().await?;
    Ok(render(&PublicPage {
        title: "闲置土地公开".to_owned(),
        rows,
    })?
    .into_response())
}
