//! Objections (异议) to evaluation results: an enterprise files one from its score card during
//! the notice (`POST /runs/{id}/objections`, with an optional attachment); `/objections` is the
//! caller's queue — an enterprise its own, a department officer those routed to its department
//! (accept with the corrected value, or reject with a reason), the city administrator all of
//! them (it answers class objections); county and cluster officers follow their enterprises'.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use mujun_app::evaluation::objections::{Decision, ObjectionForm};
use mujun_app::{AppError, Role};
use mujun_domain::number::parse_number;
use serde::Deserialize;

use super::score_card::{self, Retained};
use super::{Id, department_label, form_messages, number, objection_status, query_id};
use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::layout::Layout;
use crate::pages::collection::upload::{UPLOAD_BODY_LIMIT, UploadForm};
use crate::pages::download;
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/runs/{id}/objections",
            post(file).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/objections", get(queue))
        .route("/objections.xlsx", get(export))
        .route("/objections/{id}", post(resolve))
        .route("/objections/{id}/attachment", get(attachment))
}

/// `POST /runs/{id}/objections` (multipart: `_csrf`, `item`, `text`, optional `file`): the
/// enterprise user's objection to its own result; back to its card.
async fn file(State(state): State<AppState>, Id(run): Id, form: UploadForm) -> Result<Response, PageError> {
    let user = &form.user;
    let objection = ObjectionForm {
        item: form.field("item").to_owned(),
        text: form.field("text").to_owned(),
        attachment: form.file.as_ref().map(|f| (f.name.clone(), f.bytes.clone())),
    };
    match state.app.file_objection(&user.actor, run, &objection).await {
        Ok(_) => {
            let own = user.actor.enterprise_id.unwrap_or(0);
            Ok(Redirect::to(&format!("/runs/{run}/enterprises/{own}?msg=objection_filed")).into_response())
        }
        Err(e) => {
            let errors = form_messages(e)?;
            // Only an enterprise user gets past the permission check: its own card.
            let Some(own) = user.actor.enterprise_id else {
                return Err(AppError::NotFound("本企业的评价结果").into());
            };
            let retained = Retained {
                item: objection.item,
                text: objection.text,
                ..Retained::default()
            };
            score_card::render(
                &state,
                user,
                run,
                own,
                None,
                errors,
                &retained,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

#[derive(Deserialize, Default)]
struct QueueQuery {
    #[serde(default)]
    run: String,
    msg: Option<String>,
}

/// One objection of the queue.
struct Line {
    id: i64,
    run_id: i64,
    year: i64,
    enterprise_id: i64,
    credit_code: String,
    name: String,
    item: String,
    figure: bool,
    unit: String,
    evaluated: String,
    text: String,
    attachment: String,
    routed_to: String,
    status: &'static str,
    open: bool,
    resolution: String,
    corrected: String,
    filed: String,
    resolved: String,
}

#[derive(Template)]
#[template(path = "evaluation/objections.html")]
struct QueuePage {
    l: Layout,
    lines: Vec<Line>,
    open: usize,
    run: i64,
    /// Officers who answer objections (the use case checks each one).
    resolves: bool,
    /// Roles that may open score cards.
    cards: bool,
    errors: Vec<String>,
    /// The objection the errors are about.
    failed: i64,
}

async fn render(
    state: &AppState,
    user: &PageUser,
    run: Option<i64>,
    msg: Option<&str>,
    errors: Vec<String>,
    failed: i64,
    status: StatusCode,
) -> Result<Response, PageError> {
    let a = &user.actor;
    let list = state.app.list_objections(a, run).await?;
    let lines: Vec<Line> = list
        .into_iter()
        .map(|v| {
            let o = v.objection;
            Line {
                id: o.id,
                run_id: o.run_id,
                year: v.year,
                enterprise_id: o.enterprise_id,
                credit_code: v.credit_code,
                name: v.name,
                figure: o.item != "class",
                evaluated: match v.evaluated_value {
                    Some(x) if v.unit.is_empty() => number(Some(x), 2),
                    Some(x) => format!("{} {}", number(Some(x), 2), v.unit),
                    None if o.item == "class" => String::new(),
                    None => "缺失".to_owned(),
                },
                item: v.item_label,
                unit: v.unit,
                text: o.text,
                attachment: o.attachment_name,
                routed_to: department_label(&o.department_code),
                status: objection_status(&o.status),
                open: o.status == "open",
                resolution: o.resolution,
                corrected: o.corrected_value.map_or_else(String::new, |c| number(Some(c), 2)),
                filed: crate::pages::format_time(o.filed_at),
                resolved: o.resolved_at.map(crate::pages::format_time).unwrap_or_default(),
            }
        })
        .collect();
    let title = match a.role {
        Role::Enterprise => "我的异议",
        _ => "评价异议",
    };
    let l = crate::pages::layout(state, user, title, "/objections", msg).await?;
    let page = QueuePage {
        l,
        open: lines.iter().filter(|l| l.open).count(),
        lines,
        run: run.unwrap_or(0),
        resolves: matches!(a.role, Role::CityAdmin | Role::Department),
        cards: a.role != Role::Department,
        errors,
        failed,
    };
    Ok((status, crate::pages::render(&page)?).into_response())
}

/// `GET /objections.xlsx?run=`: the objections of the queue (audited by the use case).
async fn export(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<QueueQuery>,
) -> Result<Response, PageError> {
    let file = state.app.export_objections(&user.actor, query_id(&q.run)).await?;
    Ok(crate::pages::send(file))
}

async fn queue(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<QueueQuery>,
) -> Result<Response, PageError> {
    render(
        &state,
        &user,
        query_id(&q.run),
        q.msg.as_deref(),
        Vec::new(),
        0,
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
struct ResolveForm {
    /// `accept` or `reject`.
    #[serde(default)]
    action: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    run: String,
}

/// `POST /objections/{id}`: accept (with the corrected value of a figure) or reject.
async fn resolve(
    State(state): State<AppState>,
    Id(id): Id,
    CsrfForm { user, form }: CsrfForm<ResolveForm>,
) -> Result<Response, PageError> {
    let decision = match form.action.as_str() {
        "accept" => match parse_number(&form.value) {
            Ok(corrected_value) => Ok(Decision::Accept {
                corrected_value,
                note: form.note.clone(),
            }),
            Err(why) => Err(AppError::invalid(
                "corrected_value",
                format!("更正值“{}”无效：{why}", form.value.trim()),
            )),
        },
        _ => Ok(Decision::Reject {
            reason: form.reason.clone(),
        }),
    };
    let result = match decision {
        Ok(d) => state.app.resolve_objection(&user.actor, id, &d).await,
        Err(e) => Err(e),
    };
    let run = query_id(&form.run);
    match result {
        Ok(()) => {
            let back = crate::pages::query_string(&[
                ("run", run.map(|r| r.to_string()).unwrap_or_default()),
                ("msg", "objection_resolved".to_owned()),
            ]);
            Ok(Redirect::to(&format!("/objections{back}")).into_response())
        }
        Err(e) => {
            let errors = form_messages(e)?;
            render(
                &state,
                &user,
                run,
                None,
                errors,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// `GET /objections/{id}/attachment` (audited).
async fn attachment(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
) -> Result<Response, PageError> {
    let (name, bytes) = state.app.objection_attachment(&user.actor, id).await?;
    Ok(download(bytes, "application/octet-stream", &name))
}
