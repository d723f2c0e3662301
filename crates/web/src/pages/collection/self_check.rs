//! `/self-check`: 企业自核 — an enterprise user sees all its figures of a year, grouped by the
//! department that reports them, and confirms or disputes each (a dispute goes to that
//! department's queue).

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

use super::{Opt, check_status_label, form_messages, source_label, value_text};
use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::layout::Layout;
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new().route("/self-check", get(page).post(check))
}

#[derive(Deserialize, Default)]
struct PageQuery {
    year: Option<String>,
    msg: Option<String>,
}

/// One figure.
struct Line {
    item: String,
    label: String,
    description: String,
    value: String,
    has_value: bool,
    source: String,
    recorded: String,
    state: String,
    /// `confirmed`, `disputed`, `corrected`, `answered`, or empty.
    state_id: String,
    comment: String,
    answer: String,
}

/// The figures of one department.
struct Group {
    department: String,
    lines: Vec<Line>,
}

#[derive(Template)]
#[template(path = "collection/self_check.html")]
struct SelfCheckPage {
    l: Layout,
    year: i64,
    years: Vec<Opt>,
    groups: Vec<Group>,
    confirmed: usize,
    disputed: usize,
    total: usize,
    errors: Vec<String>,
}

/// The years with data of the caller's enterprise (newest first); empty for other callers.
async fn years_with_data(state: &AppState, user: &PageUser) -> Result<Vec<i64>, PageError> {
    match user.actor.enterprise_id {
        Some(id) if user.actor.role == mujun_app::Role::Enterprise => {
            Ok(state.app.enterprise_detail(&user.actor, id, 0).await?.years)
        }
        _ => Ok(Vec::new()),
    }
}

async fn render(
    state: &AppState,
    user: &PageUser,
    asked: Option<i64>,
    msg: Option<&str>,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let years = years_with_data(state, user).await?;
    let year = asked
        .or(years.first().copied())
        .unwrap_or_else(|| super::this_year() - 1);
    let lines = state.app.self_check(&user.actor, year).await?;
    let mut groups: Vec<Group> = Vec::new();
    let (mut confirmed, mut disputed) = (0, 0);
    let total = lines.len();
    for l in lines {
        let state_id = l.last.as_ref().map(|c| c.status.clone()).unwrap_or_default();
        match state_id.as_str() {
            "confirmed" => confirmed += 1,
            "disputed" => disputed += 1,
            _ => {}
        }
        let line = Line {
            item: l.item.id.clone(),
            label: l.item.label.clone(),
            description: l.item.description.clone(),
            value: value_text(l.item.kind, &l.item.unit, l.figure.as_ref().and_then(|f| f.value)),
            has_value: l.figure.as_ref().is_some_and(|f| f.value.is_some()),
            source: l
                .figure
                .as_ref()
                .map(|f| source_label(&f.source).to_owned())
                .unwrap_or_default(),
            recorded: l
                .figure
                .as_ref()
                .map(|f| crate::pages::format_time(f.recorded_at))
                .unwrap_or_default(),
            state: l
                .last
                .as_ref()
                .map(|c| check_status_label(&c.status).to_owned())
                .unwrap_or_default(),
            comment: l.last.as_ref().map(|c| c.comment.clone()).unwrap_or_default(),
            answer: l.last.as_ref().map(|c| c.resolution.clone()).unwrap_or_default(),
            state_id,
        };
        match groups.iter_mut().find(|g| g.department == l.department) {
            Some(g) => g.lines.push(line),
            None => groups.push(Group {
                department: l.department,
                lines: vec![line],
            }),
        }
    }
    let l = crate::pages::layout(state, user, "企业自核", "/self-check", msg).await?;
    let page = SelfCheckPage {
        l,
        years: super::year_options(year, &years),
        year,
        groups,
        confirmed,
        disputed,
        total,
        errors,
    };
    Ok((status, crate::pages::render(&page)?).into_response())
}

async fn page(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let year = super::parse_year(q.year.as_deref());
    render(&state, &user, year, q.msg.as_deref(), Vec::new(), StatusCode::OK).await
}

#[derive(Deserialize)]
struct CheckForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    item: String,
    /// `confirm` or `dispute`.
    #[serde(default)]
    action: String,
    #[serde(default)]
    comment: String,
}

async fn check(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<CheckForm>,
) -> Result<Response, PageError> {
    let Some(year) = super::parse_year(Some(&form.year)) else {
        return render(
            &state,
            &user,
            None,
            None,
            vec!["请选择数据年度".to_owned()],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let dispute = form.action == "dispute";
    match state
        .app
        .check_figure(&user.actor, year, form.item.trim(), dispute, &form.comment)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/self-check?year={year}&msg=saved")).into_response()),
        Err(e) => {
            let errors = form_messages(e)?;
            render(
                &state,
                &user,
                Some(year),
                None,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
