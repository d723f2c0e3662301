//! `/setup`: the city administrator's first days — the city and its counties (from `mujun
//! init`), the registry from the city's own file, the classes of earlier years. Uploads are
//! checked whole: a refused file shows every problem with its row, column and value.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use mujun_app::registry::figure_history::FiguresOutcome;
use mujun_app::registry::history_import::ClassesOutcome;
use mujun_app::registry::import::RegistryOutcome;
use mujun_app::registry::mapping::{FileKind, MappedFile, MappingView};
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
        .route(
            "/setup/figures",
            post(figures).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/setup/mapping", post(mapping))
        .route("/setup/files/{id}", get(kept_file))
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
    /// The refused file with its problems marked, to download.
    marked: Option<i64>,
}

async fn render(
    state: &AppState,
    user: &PageUser,
    done: Vec<String>,
    problems: Vec<mujun_collect::upload::Issue>,
    error: Option<String>,
) -> Result<Response, PageError> {
    render_marked(state, user, done, problems, error, None).await
}

async fn render_marked(
    state: &AppState,
    user: &PageUser,
    done: Vec<String>,
    problems: Vec<mujun_collect::upload::Issue>,
    error: Option<String>,
    marked: Option<i64>,
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
        marked,
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

/// What the import of a file needs besides the file, carried through the mapping step.
#[derive(Clone, Copy)]
struct Options {
    year: i64,
    create_clusters: bool,
}

fn year_of(text: &str) -> Option<i64> {
    text.trim()
        .trim_end_matches('年')
        .parse::<i64>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
}

async fn registry(State(state): State<AppState>, form: UploadForm) -> Result<Response, PageError> {
    let Some(year) = year_of(form.field("year")) else {
        return render(
            &state,
            &form.user,
            Vec::new(),
            Vec::new(),
            Some("请填写“规模”所属的年度".into()),
        )
        .await;
    };
    let options = Options {
        year,
        create_clusters: !form.field("create_clusters").is_empty(),
    };
    start(&state, &form, FileKind::Registry, options).await
}

async fn classes(State(state): State<AppState>, form: UploadForm) -> Result<Response, PageError> {
    let options = Options {
        year: 0,
        create_clusters: false,
    };
    start(&state, &form, FileKind::Classes, options).await
}

async fn figures(State(state): State<AppState>, form: UploadForm) -> Result<Response, PageError> {
    let Some(year) = year_of(form.field("year")) else {
        return render(
            &state,
            &form.user,
            Vec::new(),
            Vec::new(),
            Some("请填写历年数据所属的年度".into()),
        )
        .await;
    };
    let options = Options {
        year,
        create_clusters: false,
    };
    start(&state, &form, FileKind::Figures, options).await
}

/// An upload: its columns detected; imported at once when nothing is left to ask (every
/// column recognised or the layout's mapping remembered), else the mapping step.
async fn start(
    state: &AppState,
    form: &UploadForm,
    kind: FileKind,
    options: Options,
) -> Result<Response, PageError> {
    let user = &form.user;
    let Some(file) = &form.file else {
        return render(
            state,
            user,
            Vec::new(),
            Vec::new(),
            Some(format!("请选择{}文件（.xlsx 或 .csv）", kind.label())),
        )
        .await;
    };
    let view = match state
        .app
        .detect_columns(&user.actor, kind, &file.name, file.bytes.clone())
        .await
    {
        Ok(v) => v,
        Err(e) => return render(state, user, Vec::new(), Vec::new(), Some(refusal(e)?)).await,
    };
    if !view.complete() {
        return mapping_page(state, user, &view, options, None, None).await;
    }
    match state.app.take_kept_file(&user.actor, &view).await {
        Ok(mapped) => import(state, user, mapped, options).await,
        // What was recognised does not add up (two columns for one field …): ask.
        Err(e) => {
            let message = refusal(e)?;
            mapping_page(state, user, &view, options, None, Some(message)).await
        }
    }
}

/// One choice of the mapping step: `target|unit`, or the target alone.
struct Choice {
    value: String,
    label: String,
}

struct ColumnRow {
    header: String,
    samples: String,
    selected: String,
    recognised: bool,
    guessed: bool,
}

#[derive(Template)]
#[template(path = "setup/mapping.html")]
struct MappingPage {
    l: Layout,
    kind_label: &'static str,
    file_id: i64,
    file_name: String,
    remembered: bool,
    missing: Vec<String>,
    columns: Vec<ColumnRow>,
    choices: Vec<Choice>,
    year: i64,
    create_clusters: bool,
    error: Option<String>,
}

fn choice_value(target: &str, unit: &str) -> String {
    if unit.is_empty() {
        target.to_owned()
    } else {
        format!("{target}|{unit}")
    }
}

async fn mapping_page(
    state: &AppState,
    user: &PageUser,
    view: &MappingView,
    options: Options,
    chosen: Option<&[(String, String)]>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let l = super::layout(
        state,
        user,
        &format!("{}：核对列对应", view.kind.label()),
        "/setup",
        None,
    )
    .await?;
    let mut choices = Vec::new();
    for t in &view.targets {
        if t.units.is_empty() {
            choices.push(Choice {
                value: t.header.clone(),
                label: t.label.clone(),
            });
        } else {
            for u in &t.units {
                choices.push(Choice {
                    value: choice_value(&t.header, u),
                    label: format!("{}（{u}）", t.header),
                });
            }
        }
    }
    let columns = view
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| ColumnRow {
            header: c.header.clone(),
            samples: c.samples.join("、"),
            selected: chosen
                .and_then(|ch| ch.get(i))
                .map_or_else(|| choice_value(&c.target, &c.unit), |(t, u)| choice_value(t, u)),
            recognised: c.recognised,
            guessed: c.guessed,
        })
        .collect();
    let page = MappingPage {
        l,
        kind_label: view.kind.label(),
        file_id: view.file_id,
        file_name: view.file_name.clone(),
        remembered: view.remembered,
        missing: view.missing.clone(),
        columns,
        choices,
        year: options.year,
        create_clusters: options.create_clusters,
        error,
    };
    let status = if page.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, super::render(&page)?).into_response())
}

/// `POST /setup/mapping`: the confirmed mapping of a kept file; the file is then imported.
async fn mapping(
    State(state): State<AppState>,
    crate::auth::CsrfForm { user, form }: crate::auth::CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.trim());
    // An unknown id is refused by the use case (after its permission check) like an expired one.
    let file_id = field("file_id").parse::<i64>().unwrap_or(0);
    let options = Options {
        year: year_of(field("year")).unwrap_or(0),
        create_clusters: !field("create_clusters").is_empty(),
    };
    // Columns are numbered c0, c1 … in file order.
    let mut chosen: Vec<(String, String)> = Vec::new();
    while let Some((_, v)) = form.iter().find(|(k, _)| *k == format!("c{}", chosen.len())) {
        let (t, u) = v.split_once('|').unwrap_or((v.as_str(), ""));
        chosen.push((t.trim().to_owned(), u.trim().to_owned()));
    }
    match state.app.map_columns(&user.actor, file_id, &chosen).await {
        Ok(mapped) => import(&state, &user, mapped, options).await,
        Err(mujun_app::AppError::Invalid(e)) => {
            let message = e.into_iter().map(|f| f.message).collect::<Vec<_>>().join("；");
            let view = state.app.kept_columns(&user.actor, file_id).await?;
            mapping_page(&state, &user, &view, options, Some(&chosen), Some(message)).await
        }
        Err(mujun_app::AppError::NotFound(what)) => {
            render(
                &state,
                &user,
                Vec::new(),
                Vec::new(),
                Some(format!("找不到{what}")),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// Imports a file whose columns are mapped, and shows what it did or every problem.
async fn import(
    state: &AppState,
    user: &PageUser,
    mapped: MappedFile,
    options: Options,
) -> Result<Response, PageError> {
    let actor = &user.actor;
    let name = mapped.file_name.clone();
    let m = Some(&mapped.mapping);
    // Kept for marking the file if it is refused.
    let original = mapped.bytes.clone();
    let outcome: Result<Result<Vec<String>, Vec<mujun_collect::upload::Issue>>, mujun_app::AppError> = match mapped.kind {
        FileKind::Registry => state
            .app
            .import_registry(actor, &name, mapped.bytes, options.year, options.create_clusters, m)
            .await
            .map(|o| match o {
                RegistryOutcome::Imported(s) => {
                    let mut done = vec![format!(
                        "已导入企业名录“{name}”：新增 {} 家，变更 {} 家（其中关闭 {} 家），未变 {} 家。",
                        s.added, s.changed, s.closed, s.unchanged
                    )];
                    if !s.clusters_created.is_empty() {
                        done.push(format!("新建产业集聚区：{}", s.clusters_created.join("、")));
                    }
                    Ok(done)
                }
                RegistryOutcome::Rejected { errors } => Err(errors),
            }),
        FileKind::Classes => state
            .app
            .import_class_history(actor, &name, mapped.bytes, m)
            .await
            .map(|o| match o {
                ClassesOutcome::Imported { rows, years, .. } => Ok(vec![format!(
                    "已导入历年评价类别“{name}”：{rows} 条，年度 {}。各企业的历年类别中显示为“历史导入”。",
                    years.iter().map(ToString::to_string).collect::<Vec<_>>().join("、")
                )]),
                ClassesOutcome::Rejected { errors } => Err(errors),
            }),
        FileKind::Figures => state
            .app
            .import_figure_history(actor, &name, mapped.bytes, options.year, m)
            .await
            .map(|o| match o {
                FiguresOutcome::Imported {
                    rows,
                    values,
                    departments,
                    warnings,
                    ..
                } => {
                    let mut done = vec![format!(
                        "已导入 {} 年度历年数据“{name}”：{rows} 家企业，{values} 个数值（{}）。各企业的指标历史中显示为“历史数据导入”。",
                        options.year,
                        departments.iter().map(|(d, n)| format!("{d} {n} 个")).collect::<Vec<_>>().join("，")
                    )];
                    if !warnings.is_empty() {
                        done.push(format!("另有 {} 条提示，历年数据按原样保存。", warnings.len()));
                    }
                    Ok(done)
                }
                FiguresOutcome::Rejected { errors } => Err(errors),
            }),
    };
    match outcome {
        Ok(Ok(done)) => render(state, user, done, Vec::new(), None).await,
        Ok(Err(errors)) => {
            let marked = match state
                .app
                .keep_marked_file(actor, mapped.kind, &name, original, errors.clone())
                .await
            {
                Ok(id) => Some(id),
                // The problem table still says everything.
                Err(mujun_app::AppError::Invalid(_)) => None,
                Err(e) => return Err(e.into()),
            };
            render_marked(state, user, Vec::new(), errors, None, marked).await
        }
        Err(e) => render(state, user, Vec::new(), Vec::new(), Some(refusal(e)?)).await,
    }
}

/// `GET /setup/files/{id}`: one's own refused file with its problems marked.
async fn kept_file(
    State(state): State<AppState>,
    user: PageUser,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Response, PageError> {
    let id = id.parse::<i64>().unwrap_or(0);
    let download = state.app.kept_file_download(&user.actor, id).await?;
    Ok(super::send(download))
}
