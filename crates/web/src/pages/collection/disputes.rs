//! `/collection/disputes`: a department's queue of the disputes enterprises raised about its
//! figures during their self-check; each open one is corrected (a new, audited version of the
//! figure) or answered.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use mujun_app::AppError;
use mujun_domain::number::parse_number;
use serde::Deserialize;

use super::{Id, Opt, check_status_label, form_messages, value_text};
use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::layout::Layout;
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/collection/disputes", get(queue))
        .route("/collection/disputes.xlsx", get(export))
        .route("/collection/disputes/{id}", post(resolve))
}

#[derive(Deserialize, Default)]
struct QueueQuery {
    year: Option<String>,
    msg: Option<String>,
}

/// One dispute.
struct DisputeLine {
    id: i64,
    enterprise_id: i64,
    credit_code: String,
    enterprise_name: String,
    item: String,
    unit: String,
    current: String,
    comment: String,
    open: bool,
    status: &'static str,
    resolution: String,
    raised: String,
    resolved: String,
}

#[derive(Template)]
#[template(path = "collection/disputes.html")]
struct QueuePage {
    l: Layout,
    year: i64,
    years: Vec<Opt>,
    lines: Vec<DisputeLine>,
    open: usize,
    errors: Vec<String>,
    /// The dispute the errors are about.
    failed: i64,
}

async fn render(
    state: &AppState,
    user: &PageUser,
    year: i64,
    msg: Option<&str>,
    errors: Vec<String>,
    failed: i64,
    status: StatusCode,
) -> Result<Response, PageError> {
    let queue = state.app.dispute_queue(&user.actor, year).await?;
    let lines: Vec<DisputeLine> = queue
        .into_iter()
        .map(|d| {
            let (item, unit, current) = match &d.item {
                Some(i) => (
                    i.label.clone(),
                    i.unit.clone(),
                    value_text(i.kind, &i.unit, d.current),
                ),
                None => (
                    d.check.item.clone(),
                    String::new(),
                    value_text(mujun_collect::ValueKind::Number, "", d.current),
                ),
            };
            DisputeLine {
                id: d.check.id,
                enterprise_id: d.check.enterprise_id,
                credit_code: d.credit_code,
                enterprise_name: d.enterprise_name,
                item,
                unit,
                current,
                comment: d.check.comment,
                open: d.check.status == "disputed",
                status: check_status_label(&d.check.status),
                resolution: d.check.resolution,
                raised: crate::pages::format_time(d.check.created_at),
                resolved: d
                    .check
                    .resolved_at
                    .map(crate::pages::format_time)
                    .unwrap_or_default(),
            }
        })
        .collect();
    let l = crate::pages::layout(state, user, "异议处理", "/collection/disputes", msg).await?;
    let page = QueuePage {
        l,
        years: super::year_options(year, &[]),
        year,
        open: lines.iter().filter(|l| l.open).count(),
        lines,
        errors,
        failed,
    };
    Ok((status, crate::pages::render(&page)?).into_response())
}

/// `GET /collection/disputes.xlsx?year=`: the year's disputes (audited by the use case).
async fn export(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<QueueQuery>,
) -> Result<Response, PageError> {
    let year = super::year_or_default(&state, &user, q.year.as_deref()).await?;
    Ok(crate::pages::send(
        state.app.export_disputes(&user.actor, year).await?,
    ))
}

async fn queue(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<QueueQuery>,
) -> Result<Response, PageError> {
    let year = super::year_or_default(&state, &user, q.year.as_deref()).await?;
    render(
        &state,
        &user,
        year,
        q.msg.as_deref(),
        Vec::new(),
        0,
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
struct ResolveForm {
    #[serde(default)]
    year: String,
    /// `correct` or `answer`.
    #[serde(default)]
    action: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    answer: String,
}

async fn resolve(
    State(state): State<AppState>,
    Id(id): Id,
    CsrfForm { user, form }: CsrfForm<ResolveForm>,
) -> Result<Response, PageError> {
    let year = super::year_or_default(&state, &user, Some(&form.year)).await?;
    let corrected = match form.action.as_str() {
        "correct" => match parse_number(&form.value) {
            Ok(Some(v)) => Ok(Some(v)),
            Ok(None) => Err(AppError::invalid("value", "请填写更正后的数值")),
            Err(why) => Err(AppError::invalid(
                "value",
                format!("更正值“{}”无效：{why}", form.value.trim()),
            )),
        },
        _ => Ok(None),
    };
    let result = match corrected {
        Ok(v) => state.app.resolve_dispute(&user.actor, id, v, &form.answer).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/collection/disputes?year={year}&msg=saved")).into_response()),
        Err(e) => {
            let errors = form_messages(e)?;
            render(
                &state,
                &user,
                year,
                None,
                errors,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
