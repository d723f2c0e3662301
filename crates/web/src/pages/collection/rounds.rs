//! `/collection`: collection rounds. The city administrator opens a round with a deadline per
//! department and follows it on the completeness board (`/collection/rounds/{id}`), where it
//! confirms or returns each department's submission and finally closes the round; a department
//! officer sees its tasks across rounds and submits them.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use mujun_app::collection::rounds::Board;
use mujun_app::{AppError, Role};
use serde::Deserialize;

use super::chart::{self, Bar};
use super::{Id, field, form_messages, task_status_label};
use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::layout::Layout;
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/collection", get(index))
        .route("/collection/rounds", post(open))
        .route("/collection/rounds/{id}", get(board))
        .route("/collection/rounds/{id}/submit", post(submit))
        .route("/collection/rounds/{id}/review", post(review))
        .route("/collection/rounds/{id}/close", post(close))
}

#[derive(Deserialize, Default)]
struct Msg {
    msg: Option<String>,
}

/// A round in the city's list.
struct RoundView {
    id: i64,
    year: i64,
    title: String,
    open: bool,
    opened: String,
    closed: String,
}

/// A department's task in one round (the department's own list).
struct TaskView {
    round_id: i64,
    year: i64,
    title: String,
    round_open: bool,
    deadline: String,
    status: String,
    status_label: &'static str,
    required: i64,
    filled: i64,
    percent: String,
    overdue: bool,
    note: String,
}

/// One department in the form that opens a round.
struct DeadlineInput {
    id: i64,
    name: String,
    include: bool,
    deadline: String,
    items: usize,
}

/// The form that opens a round, as typed.
struct OpenForm {
    year: String,
    title: String,
    departments: Vec<DeadlineInput>,
    errors: Vec<String>,
}

#[derive(Template)]
#[template(path = "collection/index.html")]
struct IndexPage {
    l: Layout,
    city: bool,
    rounds: Vec<RoundView>,
    tasks: Vec<TaskView>,
    form: Option<OpenForm>,
}

/// The default open form: every department that reports items, deadline 31 March next year.
async fn default_form(state: &AppState, user: &PageUser) -> Result<OpenForm, PageError> {
    let year = super::this_year() - 1;
    let catalogue = state.app.catalogue().await?;
    let departments = super::departments(state, user)
        .await?
        .into_iter()
        .map(|d| {
            let items = catalogue.iter().filter(|i| i.department_code == d.code).count();
            DeadlineInput {
                id: d.id,
                name: d.name,
                include: items > 0,
                deadline: default_deadline(year),
                items,
            }
        })
        .collect();
    Ok(OpenForm {
        year: year.to_string(),
        title: String::new(),
        departments,
        errors: Vec::new(),
    })
}

async fn render_index(
    state: &AppState,
    user: &PageUser,
    msg: Option<&str>,
    form: Option<OpenForm>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let rounds = state.app.list_rounds(&user.actor).await?;
    let city = user.actor.role == Role::CityAdmin;
    let mut tasks = Vec::new();
    if user.actor.role == Role::Department {
        for r in &rounds {
            let board = state.app.round_board(&user.actor, r.id).await?;
            for row in board.rows {
                tasks.push(TaskView {
                    round_id: r.id,
                    year: r.year,
                    title: r.title.clone(),
                    round_open: r.status == "open",
                    deadline: row.task.deadline.clone(),
                    status_label: task_status_label(&row.task.status),
                    status: row.task.status.clone(),
                    required: row.required,
                    filled: row.filled,
                    percent: chart::percent_text(row.filled, row.required),
                    overdue: row.overdue,
                    note: row.task.note.clone(),
                });
            }
        }
    }
    let form = match (city, form) {
        (true, Some(f)) => Some(f),
        (true, None) => Some(default_form(state, user).await?),
        (false, _) => None,
    };
    let rounds = rounds
        .into_iter()
        .map(|r| RoundView {
            id: r.id,
            year: r.year,
            open: r.status == "open",
            title: r.title,
            opened: crate::pages::format_time(r.opened_at),
            closed: r.closed_at.map(crate::pages::format_time).unwrap_or_default(),
        })
        .collect();
    let title = if city { "采集轮次" } else { "采集任务" };
    let l = crate::pages::layout(state, user, title, "/collection", msg).await?;
    let page = IndexPage {
        l,
        city,
        rounds,
        tasks,
        form,
    };
    Ok((status, crate::pages::render(&page)?).into_response())
}

async fn index(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<Msg>,
) -> Result<Response, PageError> {
    render_index(&state, &user, q.msg.as_deref(), None, StatusCode::OK).await
}

async fn open(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let mut input = default_form(&state, &user).await?;
    input.year = field(&form, "year").to_owned();
    input.title = field(&form, "title").to_owned();
    let mut errors = Vec::new();
    let mut deadlines = Vec::new();
    for d in &mut input.departments {
        d.include = !field(&form, &format!("include_{}", d.id)).is_empty();
        d.deadline = field(&form, &format!("deadline_{}", d.id)).to_owned();
        if d.include {
            if d.deadline.is_empty() {
                errors.push(format!("请为“{}”设置截止日期", d.name));
            } else {
                deadlines.push((d.id, d.deadline.clone()));
            }
        }
    }
    let year = super::parse_year(Some(&input.year));
    if year.is_none() {
        errors.push("年度应为 2000–2100 之间的 4 位数字".to_owned());
    }
    let result = match year {
        Some(year) if errors.is_empty() => {
            state
                .app
                .open_round(&user.actor, year, &input.title, &deadlines)
                .await
        }
        _ => Err(AppError::Invalid(Vec::new())),
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/collection/rounds/{id}?msg=created")).into_response()),
        Err(e) => {
            errors.extend(form_messages(e)?);
            input.errors = errors;
            render_index(&state, &user, None, Some(input), StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

/// A department's line on the board.
struct RowView {
    department_id: i64,
    code: String,
    name: String,
    status: String,
    status_label: &'static str,
    deadline: String,
    required: i64,
    filled: i64,
    percent: String,
    confirmed: i64,
    overdue: bool,
    note: String,
    items: String,
    can_submit: bool,
    can_review: bool,
}

#[derive(Template)]
#[template(path = "collection/board.html")]
struct BoardPage {
    l: Layout,
    id: i64,
    year: i64,
    title: String,
    open: bool,
    opened: String,
    closed: String,
    enterprises: usize,
    rows: Vec<RowView>,
    chart: String,
    city: bool,
    errors: Vec<String>,
    total_filled: i64,
    total_required: i64,
    total_percent: String,
}

fn board_page(l: Layout, user: &PageUser, board: Board, errors: Vec<String>) -> BoardPage {
    let open = board.round.status == "open";
    let city = user.actor.role == Role::CityAdmin;
    let rows: Vec<RowView> = board
        .rows
        .into_iter()
        .map(|r| {
            let own =
                user.actor.role == Role::Department && user.actor.department_id == Some(r.department_id);
            RowView {
                can_submit: own && open && matches!(r.task.status.as_str(), "pending" | "returned"),
                can_review: city && open && r.task.status == "submitted",
                department_id: r.department_id,
                code: r.department_code,
                name: r.department_name,
                status_label: task_status_label(&r.task.status),
                status: r.task.status,
                deadline: r.task.deadline,
                required: r.required,
                filled: r.filled,
                percent: chart::percent_text(r.filled, r.required),
                confirmed: r.confirmed,
                overdue: r.overdue,
                note: r.task.note,
                items: r
                    .items
                    .iter()
                    .map(|i| i.label.as_str())
                    .collect::<Vec<_>>()
                    .join("、"),
            }
        })
        .collect();
    let bars: Vec<Bar> = rows
        .iter()
        .map(|r| Bar {
            label: r.name.clone(),
            status: r.status.clone(),
            filled: r.filled,
            required: r.required,
            overdue: r.overdue,
        })
        .collect();
    let (filled, required) = rows
        .iter()
        .fold((0, 0), |(f, q), r| (f + r.filled, q + r.required));
    BoardPage {
        l,
        id: board.round.id,
        year: board.round.year,
        title: board.round.title,
        open,
        opened: crate::pages::format_time(board.round.opened_at),
        closed: board
            .round
            .closed_at
            .map(crate::pages::format_time)
            .unwrap_or_default(),
        enterprises: board.enterprises,
        chart: chart::completeness(&bars),
        rows,
        city,
        errors,
        total_filled: filled,
        total_required: required,
        total_percent: chart::percent_text(filled, required),
    }
}

async fn render_board(
    state: &AppState,
    user: &PageUser,
    id: i64,
    msg: Option<&str>,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let board = state.app.round_board(&user.actor, id).await?;
    let l = crate::pages::layout(state, user, "完成情况", "/collection", msg).await?;
    let mut page = board_page(l, user, board, errors);
    page.l.title = format!("完成情况 · {}", page.title);
    Ok((status, crate::pages::render(&page)?).into_response())
}

async fn board(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Query(q): Query<Msg>,
) -> Result<Response, PageError> {
    render_board(&state, &user, id, q.msg.as_deref(), Vec::new(), StatusCode::OK).await
}

/// After an action on the board: back to it, or the board with the messages of a refusal.
async fn after(
    state: &AppState,
    user: &PageUser,
    id: i64,
    result: Result<(), AppError>,
) -> Result<Response, PageError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/collection/rounds/{id}?msg=saved")).into_response()),
        Err(e) => {
            let errors = form_messages(e)?;
            render_board(state, user, id, None, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

#[derive(Deserialize)]
struct Empty {}

async fn submit(
    State(state): State<AppState>,
    Id(id): Id,
    CsrfForm { user, .. }: CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let result = state.app.submit_task(&user.actor, id).await;
    after(&state, &user, id, result).await
}

#[derive(Deserialize)]
struct ReviewForm {
    #[serde(default)]
    department_id: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
}

async fn review(
    State(state): State<AppState>,
    Id(id): Id,
    CsrfForm { user, form }: CsrfForm<ReviewForm>,
) -> Result<Response, PageError> {
    let Ok(department) = form.department_id.trim().parse::<i64>() else {
        return Err(AppError::NotFound("采集任务").into());
    };
    let confirm = match form.decision.as_str() {
        "confirm" => true,
        "return" => false,
        _ => {
            return after(
                &state,
                &user,
                id,
                Err(AppError::invalid("decision", "请选择确认或退回")),
            )
            .await;
        }
    };
    let result = state
        .app
        .review_task(&user.actor, id, department, confirm, &form.note)
        .await;
    after(&state, &user, id, result).await
}

async fn close(
    State(state): State<AppState>,
    Id(id): Id,
    CsrfForm { user, .. }: CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let result = state.app.close_round(&user.actor, id).await;
    after(&state, &user, id, result).await
}

/// A round's default deadline: 31 March of the year after the data year, or — when that is past —
/// thirty days from today (a deadline in the past would be overdue the day it is set).
fn default_deadline(year: i64) -> String {
    let usual = format!("{}-03-31", year + 1);
    let today = (mujun_store::now_ms() / 1000 + 8 * 3600).div_euclid(86_400);
    let soon =
        mujun_domain::Date::from_days_since_epoch(today + 30).map_or_else(String::new, |d| d.to_string());
    if usual < soon && !soon.is_empty() {
        soon
    } else {
        usual
    }
}

#[cfg(test)]
mod tests {
    use super::default_deadline;

    #[test]
    fn a_default_deadline_is_never_past() {
        assert_eq!(default_deadline(9000), "9001-03-31");
        let today = (mujun_store::now_ms() / 1000 + 8 * 3600).div_euclid(86_400);
        let today = mujun_domain::Date::from_days_since_epoch(today)
            .unwrap()
            .to_string();
        assert!(default_deadline(2020) > today);
    }
}
