//! `/setup`: the city administrator's first days — the city and its counties (from `mujun
//! init`), the registry from the city's own file, the classes of earlier years. Uploads are
//! checked whole: a refused file shows every problem with its row, column and value.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use mujun_app::registry::history_import::ClassesOutcome;
use mujun_app::registry::import::RegistryOutcome;
use mujun_app::setup::SetupOverview;

use super::collection::upload::{UPLOAD_BODY_LIMIT, UploadForm};
use crate::auth::PageUser;
use crate::error::PageError;
use crate::layout::Layout;
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/setup", get(page))
        .route("/setup/city", post(city))
        .route(
            "/setup/registry",
            post(registry).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route(
            "/setup/classes",
            post(classes).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
}

/// A problem of an upload, as a table row.
struct Problem {
    row: usize,
    column: String,
    value: String,
    message: String,
}

#[derive(Template)]
#[template(path = "setup/index.html")]
struct SetupPage {
    l: Layout,
    o: SetupOverview,
    year: i64,
    /// What the last upload did, in words.
    done: Vec<String>,
    /// Why the last upload was refused (first 500).
    problems: Vec<Problem>,
    /// Problems beyond those shown.
    more: usize,
    /// A refusal of the request itself (no file …).
    error: Option<String>,
}

async fn render(
    state: &AppState,
    user: &PageUser,
    done: Vec<String>,
    problems: Vec<mujun_collect::upload::Issue>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let o = state.app.setup_overview(&user.actor).await?;
    let l = super::layout(state, user, "城市设置与历史数据", "/setup", None).await?;
    let status = if problems.is_empty() && error.is_none() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let more = problems.len().saturating_sub(500);
    let problems = problems
        .into_iter()
        .take(500)
        .map(|i| Problem {
            row: i.row,
            column: i.column,
            value: i.value,
            message: i.message,
        })
        .collect();
    // Last year: the year a registry's scales usually describe.
    let today = (mujun_store::now_ms() / 1000 + 8 * 3600).div_euclid(86_400);
    let year = mujun_domain::Date::from_days_since_epoch(today)
        .map_or(2024, |d| d.to_string()[..4].parse::<i64>().unwrap_or(2025) - 1);
    let page = SetupPage {
        l,
        o,
        year,
        done,
        problems,
        more,
        error,
    };
    Ok((status, super::render(&page)?).into_response())
}

/// The message of a request refused for its content (an unreadable file …), or the error to
/// pass on (refusals of the role, storage).
fn refusal(e: mujun_app::AppError) -> Result<String, PageError> {
    match e {
        mujun_app::AppError::Invalid(e) => {
            Ok(e.into_iter().map(|f| f.message).collect::<Vec<_>>().join("；"))
        }
        e => Err(e.into()),
    }
}

async fn page(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    render(&state, &user, Vec::new(), Vec::new(), None).await
}

#[derive(serde::Deserialize)]
struct CityInput {
    #[serde(default)]
    code: String,
    #[serde(default)]
    agency: String,
}

/// `POST /setup/city`: the first-run setup of the city (the same as `mujun init`).
async fn city(
    State(state): State<AppState>,
    crate::auth::CsrfForm { user, form }: crate::auth::CsrfForm<CityInput>,
) -> Result<Response, PageError> {
    match state
        .app
        .init_city_as(&user.actor, &form.code, &form.agency)
        .await
    {
        Ok(c) => {
            let done = vec![format!(
                "已设置城市：{}{}，县级行政区 {} 个。下一步：登记产业集聚区（或在导入名录时自动新建），导入企业名录。",
                c.province,
                c.name,
                c.counties.len()
            )];
            render(&state, &user, done, Vec::new(), None).await
        }
        Err(e) => render(&state, &user, Vec::new(), Vec::new(), Some(refusal(e)?)).await,
    }
}

async fn registry(State(state): State<AppState>, form: UploadForm) -> Result<Response, PageError> {
    let user = &form.user;
    let Some(year) = form
        .field("year")
        .parse::<i64>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
    else {
        return render(
            &state,
            user,
            Vec::new(),
            Vec::new(),
            Some("请填写“规模”所属的年度".into()),
        )
        .await;
    };
    let Some(file) = &form.file else {
        return render(
            &state,
            user,
            Vec::new(),
            Vec::new(),
            Some("请选择企业名录文件（.xlsx 或 .csv）".into()),
        )
        .await;
    };
    let create = !form.field("create_clusters").is_empty();
    match state
        .app
        .import_registry(&user.actor, &file.name, file.bytes.clone(), year, create)
        .await
    {
        Ok(RegistryOutcome::Imported(s)) => {
            let mut done = vec![format!(
                "已导入企业名录“{}”：新增 {} 家，变更 {} 家（其中关闭 {} 家），未变 {} 家。",
                file.name, s.added, s.changed, s.closed, s.unchanged
            )];
            if !s.clusters_created.is_empty() {
                done.push(format!("新建产业集聚区：{}", s.clusters_created.join("、")));
            }
            render(&state, user, done, Vec::new(), None).await
        }
        Ok(RegistryOutcome::Rejected { errors }) => render(&state, user, Vec::new(), errors, None).await,
        Err(e) => render(&state, user, Vec::new(), Vec::new(), Some(refusal(e)?)).await,
    }
}

async fn classes(State(state): State<AppState>, form: UploadForm) -> Result<Response, PageError> {
    let user = &form.user;
    let Some(file) = &form.file else {
        return render(
            &state,
            user,
            Vec::new(),
            Vec::new(),
            Some("请选择历年评价类别文件（.xlsx 或 .csv）".into()),
        )
        .await;
    };
    match state
        .app
        .import_class_history(&user.actor, &file.name, file.bytes.clone())
        .await
    {
        Ok(ClassesOutcome::Imported { rows, years, .. }) => {
            let done = vec![format!(
                "已导入历年评价类别“{}”：{rows} 条，年度 {}。各企业的历年类别中显示为“历史导入”。",
                file.name,
                years
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("、")
            )];
            render(&state, user, done, Vec::new(), None).await
        }
        Ok(ClassesOutcome::Rejected { errors }) => render(&state, user, Vec::new(), errors, None).await,
        Err(e) => render(&state, user, Vec::new(), Vec::new(), Some(refusal(e)?)).await,
    }
}
