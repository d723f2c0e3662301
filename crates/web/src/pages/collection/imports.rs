//! `/collection/import`: a department's templates and imports — download the pre-filled
//! template, upload it back (the whole file is checked first; warnings wait for a confirmation;
//! errors are listed by row and column and come back as a marked workbook), copy last year's
//! slow-moving values, and the import history. The city administrator does the same on behalf
//! of any department.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use mujun_app::collection::imports::{Confirm, ImportOutcome, Overwrite};
use mujun_app::evaluation::format::number;
use mujun_app::{AppError, Role};
use mujun_collect::upload::{Issue, sample};

/// Problems of one column shown on the result page (the marked workbook lists them all).
const PER_COLUMN: usize = 20;
use mujun_store::departments::Department;
use serde::Deserialize;

use super::upload::{UPLOAD_BODY_LIMIT, UploadForm};
use super::{Opt, XLSX, download, form_messages, source_label};
use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::layout::Layout;
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/collection/import",
            get(page)
                .post(upload)
                .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/collection/import/confirm", post(confirm))
        .route("/collection/import/cancel", post(cancel))
        .route("/collection/import/copy", post(copy_last_year))
        .route("/collection/import/marked/{id}", get(marked))
        .route("/collection/template", get(template))
}

// ---- marked workbooks of rejected uploads ----
//
// A rejected upload comes back as the same workbook with every bad cell marked. The result page
// links to it (the CSP forbids `data:` downloads, and a page cannot carry a large file). The
// upload is kept in the database for a day for its sender, so that any server makes the marked
// workbook on download.

async fn marked(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id: i64 = id.parse().map_err(|_| PageError::not_found())?;
    Ok(crate::pages::send(
        state.app.marked_workbook(&user.actor, id).await?,
    ))
}

// ---- the department of a page ----

/// The department a page works on: a department officer's own; for others the one asked for,
/// else the first that reports items. The use cases refuse departments the caller may not act
/// for.
async fn department_of(
    state: &AppState,
    user: &PageUser,
    asked: &str,
) -> Result<(Vec<Department>, Department), PageError> {
    let departments = super::departments(state, user).await?;
    let chosen = if user.actor.role == Role::Department {
        departments
            .iter()
            .find(|d| Some(d.id) == user.actor.department_id)
            .cloned()
    } else if let Some(d) = departments.iter().find(|d| d.code == asked.trim()) {
        Some(d.clone())
    } else {
        let catalogue = state.app.catalogue().await?;
        departments
            .iter()
            .find(|d| catalogue.iter().any(|i| i.department_code == d.code))
            .cloned()
    };
    let chosen = chosen.ok_or(AppError::NotFound("部门"))?;
    Ok((departments, chosen))
}

#[derive(Deserialize, Default)]
struct PageQuery {
    #[serde(default)]
    department: String,
    year: Option<String>,
    msg: Option<String>,
}

/// An item the department reports.
struct ItemLine {
    label: String,
    unit: String,
    required: &'static str,
    slow: bool,
    description: String,
}

/// One import batch.
struct BatchView {
    id: i64,
    time: String,
    file_name: String,
    hash: String,
    rows: i64,
    values: i64,
    warnings: i64,
    source: &'static str,
    user: String,
    /// 代报, a correction's reason, an overwrite's reason.
    note: String,
}

#[derive(Template)]
#[template(path = "collection/import.html")]
struct ImportPage {
    l: Layout,
    city: bool,
    department: String,
    department_name: String,
    departments: Vec<Opt>,
    year: i64,
    years: Vec<Opt>,
    items: Vec<ItemLine>,
    slow_items: String,
    history: Vec<BatchView>,
    errors: Vec<String>,
    max_mb: usize,
    /// Why the year takes no more data (its result is published), if it is locked.
    locked: Option<String>,
}

async fn render_page(
    state: &AppState,
    user: &PageUser,
    department: &str,
    year: Option<i64>,
    msg: Option<&str>,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let (departments, dept) = department_of(state, user, department).await?;
    let year = match year {
        Some(y) => y,
        None => super::default_year(state, user).await?,
    };
    let batches = state.app.import_history(&user.actor, &dept.code, year).await?;
    let catalogue = state.app.catalogue().await?;
    let items: Vec<ItemLine> = catalogue
        .iter()
        .filter(|i| i.department_code == dept.code)
        .map(|i| ItemLine {
            label: i.label.clone(),
            unit: i.unit.clone(),
            required: match (i.required_above, i.required_below) {
                (true, true) => "规上、规下必填",
                (true, false) => "规上必填",
                (false, true) => "规下必填",
                (false, false) => "选填",
            },
            slow: i.slow_moving,
            description: i.description.clone(),
        })
        .collect();
    let slow_items = items
        .iter()
        .filter(|i| i.slow)
        .map(|i| i.label.as_str())
        .collect::<Vec<_>>()
        .join("、");
    let history = batches
        .into_iter()
        .map(|b| BatchView {
            id: b.id,
            time: crate::pages::format_time(b.created_at),
            hash: b.file_hash.chars().take(12).collect(),
            file_name: b.file_name,
            rows: b.row_count,
            values: b.value_count,
            warnings: b.warnings_confirmed,
            source: source_label(&b.source),
            note: {
                let mut parts = Vec::new();
                if b.on_behalf == 1 {
                    parts.push("市级代部门报送".to_owned());
                }
                if !b.note.is_empty() {
                    parts.push(format!("理由：{}", b.note));
                }
                if !b.overwrite_reason.is_empty() {
                    parts.push(format!("覆盖已采纳更正的理由：{}", b.overwrite_reason));
                }
                parts.join("；")
            },
            user: match (b.user_id, b.user_name) {
                (Some(id), _) if id == user.actor.user_id => format!("{}（本人）", user.actor.display_name),
                (Some(_), Some(name)) => name,
                (Some(id), None) => format!("用户 #{id}"),
                (None, _) => "系统".to_owned(),
            },
        })
        .collect();
    let l = crate::pages::layout(state, user, "模板与导入", "/collection/import", msg).await?;
    let page = ImportPage {
        l,
        city: user.actor.role == Role::CityAdmin,
        departments: departments
            .iter()
            .map(|d| Opt::new(d.code.clone(), d.name.clone(), &dept.code))
            .collect(),
        department: dept.code,
        department_name: dept.name,
        years: super::year_options(year, &[]),
        year,
        items,
        slow_items,
        history,
        errors,
        max_mb: state.config.max_upload_bytes / (1024 * 1024),
        locked: state.app.year_lock(year).await?.map(|l| l.message),
    };
    Ok((status, crate::pages::render(&page)?).into_response())
}

async fn page(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let year = super::parse_year(q.year.as_deref());
    render_page(
        &state,
        &user,
        &q.department,
        year,
        q.msg.as_deref(),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize, Default)]
struct TemplateQuery {
    #[serde(default)]
    department: String,
    year: Option<String>,
}

/// `GET /collection/template?department=&year=`: the pre-filled workbook (an audited export).
async fn template(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<TemplateQuery>,
) -> Result<Response, PageError> {
    let year = super::year_or_default(&state, &user, q.year.as_deref()).await?;
    let department = if q.department.trim().is_empty() {
        department_of(&state, &user, "").await?.1.code
    } else {
        q.department.trim().to_owned()
    };
    let (name, bytes) = state
        .app
        .department_template(&user.actor, &department, year)
        .await?;
    Ok(download(bytes, XLSX, &name))
}

// ---- results ----

/// A problem of an upload as shown in the tables.
struct IssueView {
    row: String,
    column: String,
    value: String,
    message: String,
}

impl From<&Issue> for IssueView {
    fn from(i: &Issue) -> IssueView {
        IssueView {
            row: if i.row == 0 {
                "整个文件".to_owned()
            } else {
                format!("第 {} 行", i.row)
            },
            column: i.column.clone(),
            value: i.value.clone(),
            message: i.message.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "collection/result.html")]
struct ResultPage {
    l: Layout,
    department: String,
    department_name: String,
    year: i64,
    file_name: String,
    /// `imported`, `confirm` or `rejected`.
    outcome: &'static str,
    batch_id: i64,
    rows: usize,
    values: usize,
    warnings_confirmed: usize,
    pending_id: i64,
    errors: Vec<IssueView>,
    /// Every error (the page shows a sample of them).
    error_total: usize,
    /// Errors and warnings not shown on the page (in the marked workbook).
    errors_left: usize,
    warnings_left: usize,
    warnings: Vec<IssueView>,
    /// Accepted corrections the upload would overwrite (a reason is required).
    overwrites: Vec<OverwriteView>,
    marked: String,
    /// Every warning (the page shows a sample of them).
    warning_total: usize,
    /// Problems per column of the file, in the file's column order.
    by_column: Vec<ColumnCount>,
}

/// How many problems one column of an upload has.
struct ColumnCount {
    column: String,
    errors: usize,
    warnings: usize,
}

/// Counts problems per column (the whole file's first), in column order.
fn by_column(errors: &[Issue], warnings: &[Issue]) -> Vec<ColumnCount> {
    let mut out: Vec<(Option<usize>, ColumnCount)> = Vec::new();
    for (issues, is_error) in [(errors, true), (warnings, false)] {
        for i in issues {
            let at = match out.iter().position(|(c, _)| *c == i.col) {
                Some(at) => at,
                None => {
                    let column = if i.column.is_empty() {
                        "（整个文件）".to_owned()
                    } else {
                        i.column.clone()
                    };
                    out.push((
                        i.col,
                        ColumnCount {
                            column,
                            errors: 0,
                            warnings: 0,
                        },
                    ));
                    out.len() - 1
                }
            };
            if is_error {
                out[at].1.errors += 1;
            } else {
                out[at].1.warnings += 1;
            }
        }
    }
    out.sort_by_key(|(c, _)| *c);
    out.into_iter().map(|(_, c)| c).collect()
}

impl ResultPage {
    /// A count as officials write it (thousands separators).
    fn count(&self, n: &usize) -> String {
        mujun_app::evaluation::format::number(*n as f64, 0)
    }
}

/// An accepted correction an upload would overwrite.
struct OverwriteView {
    credit_code: String,
    name: String,
    item: String,
    old: String,
    new: String,
    source: &'static str,
    accepted: String,
    note: String,
}

impl From<&Overwrite> for OverwriteView {
    fn from(o: &Overwrite) -> OverwriteView {
        let unit = |v: String| {
            if o.unit.is_empty() {
                v
            } else {
                format!("{v} {}", o.unit)
            }
        };
        OverwriteView {
            credit_code: o.credit_code.clone(),
            name: o.name.clone(),
            item: o.item.clone(),
            old: unit(o.old.map_or_else(|| "（空）".to_owned(), |v| number(v, 2))),
            new: unit(number(o.new, 2)),
            source: o.source,
            accepted: format!("{} · {}", o.accepted_by, o.accepted_at),
            note: o.note.clone(),
        }
    }
}

/// Shows what happened to an upload: 200 when stored or waiting for a confirmation, 422 when
/// refused.
async fn render_result(
    state: &AppState,
    user: &PageUser,
    department: &str,
    year: i64,
    file_name: &str,
    outcome: ImportOutcome,
) -> Result<Response, PageError> {
    let (_, dept) = department_of(state, user, department).await?;
    let (title, status) = match &outcome {
        ImportOutcome::Imported { .. } => ("导入完成", StatusCode::OK),
        ImportOutcome::NeedsConfirmation { .. } => ("请确认提示信息", StatusCode::OK),
        ImportOutcome::Rejected { .. } => ("导入未通过校验", StatusCode::UNPROCESSABLE_ENTITY),
    };
    let l = crate::pages::layout(state, user, title, "/collection/import", None).await?;
    let mut page = ResultPage {
        l,
        department: dept.code,
        department_name: dept.name,
        year,
        file_name: file_name.to_owned(),
        outcome: "imported",
        batch_id: 0,
        rows: 0,
        values: 0,
        warnings_confirmed: 0,
        pending_id: 0,
        errors: Vec::new(),
        error_total: 0,
        errors_left: 0,
        warnings_left: 0,
        warnings: Vec::new(),
        overwrites: Vec::new(),
        marked: String::new(),
        warning_total: 0,
        by_column: Vec::new(),
    };
    match outcome {
        ImportOutcome::Imported {
            batch_id,
            rows,
            values,
            warnings_confirmed,
        } => {
            page.batch_id = batch_id;
            page.rows = rows;
            page.values = values;
            page.warnings_confirmed = warnings_confirmed;
        }
        ImportOutcome::NeedsConfirmation {
            pending_id,
            warnings,
            values,
            overwrites,
        } => {
            page.outcome = "confirm";
            page.pending_id = pending_id;
            page.values = values;
            page.warning_total = warnings.len();
            page.by_column = by_column(&[], &warnings);
            let (shown, left) = sample(&warnings, PER_COLUMN);
            page.warnings = shown.iter().map(IssueView::from).collect();
            page.warnings_left = left;
            page.overwrites = overwrites.iter().map(OverwriteView::from).collect();
        }
        ImportOutcome::Rejected {
            errors,
            warnings,
            marked,
        } => {
            page.outcome = "rejected";
            page.error_total = errors.len();
            page.warning_total = warnings.len();
            page.by_column = by_column(&errors, &warnings);
            // A long list is sampled on the page; the marked workbook carries every problem.
            let (shown, left) = sample(&errors, PER_COLUMN);
            page.errors = shown.iter().map(IssueView::from).collect();
            page.errors_left = left;
            let (shown, left) = sample(&warnings, PER_COLUMN);
            page.warnings = shown.iter().map(IssueView::from).collect();
            page.warnings_left = left;
            if let Some(id) = marked {
                page.marked = format!("/collection/import/marked/{id}");
            }
        }
    }
    Ok((status, crate::pages::render(&page)?).into_response())
}

/// `POST /collection/import` (multipart: `_csrf`, `department`, `year`, `file`).
async fn upload(State(state): State<AppState>, form: UploadForm) -> Result<Response, PageError> {
    let user = &form.user;
    let department = form.field("department").to_owned();
    let year = super::parse_year(Some(form.field("year")));
    let refuse = async |message: &str| {
        render_page(
            &state,
            user,
            &department,
            year,
            None,
            vec![message.to_owned()],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await
    };
    let Some(year) = year else {
        return refuse("请选择数据年度").await;
    };
    let Some(file) = &form.file else {
        return refuse("请选择要上传的文件（.xlsx 或 .csv）").await;
    };
    let department = if department.is_empty() {
        department_of(&state, user, "").await?.1.code
    } else {
        department
    };
    match state
        .app
        .import_upload(
            &user.actor,
            &department,
            year,
            &file.name,
            &file.bytes,
            Confirm::NONE,
        )
        .await
    {
        Ok(outcome) => render_result(&state, user, &department, year, &file.name, outcome).await,
        Err(e) => {
            let errors = form_messages(e)?;
            render_page(
                &state,
                user,
                &department,
                Some(year),
                None,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

#[derive(Deserialize)]
struct ConfirmForm {
    #[serde(default)]
    pending_id: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    file_name: String,
    /// Why accepted corrections may be overwritten (when the upload overwrites any).
    #[serde(default)]
    overwrite_reason: String,
}

/// `POST /collection/import/confirm`: stores an upload whose warnings the sender accepts (and
/// whose overwrites of accepted corrections it explains).
async fn confirm(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<ConfirmForm>,
) -> Result<Response, PageError> {
    let Ok(pending) = form.pending_id.trim().parse::<i64>() else {
        return Err(AppError::NotFound("待确认的上传").into());
    };
    let year = super::year_or_default(&state, &user, Some(&form.year)).await?;
    let reason = Some(form.overwrite_reason.trim()).filter(|r| !r.is_empty());
    let outcome = state.app.confirm_import(&user.actor, pending, reason).await?;
    render_result(&state, &user, &form.department, year, &form.file_name, outcome).await
}

/// `POST /collection/import/cancel`: drop a pending upload without importing it.
async fn cancel(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<ConfirmForm>,
) -> Result<Response, PageError> {
    let Ok(pending) = form.pending_id.trim().parse::<i64>() else {
        return Err(AppError::NotFound("待确认的上传").into());
    };
    state.app.cancel_import(&user.actor, pending).await?;
    let target = format!(
        "/collection/import{}",
        crate::pages::query_string(&[
            ("department", form.department.clone()),
            ("year", form.year.clone())
        ])
    );
    Ok(axum::response::Redirect::to(&target).into_response())
}

#[derive(Deserialize)]
struct DepartmentYear {
    #[serde(default)]
    department: String,
    #[serde(default)]
    year: String,
}

/// `POST /collection/import/copy`: last year's slow-moving values as a starting point.
async fn copy_last_year(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<DepartmentYear>,
) -> Result<Response, PageError> {
    let year = super::year_or_default(&state, &user, Some(&form.year)).await?;
    let department = department_of(&state, &user, &form.department).await?.1.code;
    match state.app.copy_last_year(&user.actor, &department, year).await {
        Ok(outcome) => {
            let name = format!("沿用 {} 年数据", year - 1);
            render_result(&state, &user, &department, year, &name, outcome).await
        }
        Err(e) => {
            let errors = form_messages(e)?;
            render_page(
                &state,
                &user,
                &department,
                Some(year),
                None,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
