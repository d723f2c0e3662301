//! Projects and contracts: the list (with the contract form and the workbook import for the
//! land keepers), one project with its reports and findings, and the progress form.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Query as Q, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use mujun_app::land::LandRights;
use mujun_app::land::contracts::{CONTRACT_COLUMNS, ContractForm};
use mujun_app::land::progress::ProgressForm;
use mujun_app::land::projects::{ProjectDetail, ProjectView};

use super::Query;
use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::layout::Layout;
use crate::pages::collection::Id;
use crate::pages::collection::upload::{UPLOAD_BODY_LIMIT, UploadForm};
use crate::pages::{form_messages, layout, render, send};
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/land/projects", get(list).post(create))
        .route("/land/projects.xlsx", get(export))
        .route("/land/projects/template.xlsx", get(template))
        .route(
            "/land/projects/import",
            post(import).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/land/projects/{id}", get(detail))
        .route(
            "/land/projects/{id}/progress",
            post(progress).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/land/progress/{id}/attachment", get(attachment))
}

#[derive(Template)]
#[template(path = "land/projects.html")]
struct ListPage {
    l: Layout,
    rights: LandRights,
    projects: Vec<ProjectView>,
    form: ContractForm,
    columns: Vec<(&'static str, &'static str)>,
    errors: Vec<String>,
}

async fn show_list(
    state: &AppState,
    user: &PageUser,
    msg: Option<&str>,
    form: ContractForm,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let a = &user.actor;
    let rights = state.app.land_rights(a).await?;
    let projects = state.app.projects(a).await?;
    let title = if a.enterprise_id.is_some() {
        "我的项目"
    } else {
        "项目与合同"
    };
    let l = layout(state, user, title, "/land/projects", msg).await?;
    let page = ListPage {
        l,
        rights,
        projects,
        form,
        columns: CONTRACT_COLUMNS.to_vec(),
        errors,
    };
    Ok((status, render(&page)?).into_response())
}

async fn list(State(state): State<AppState>, user: PageUser, Q(q): Q<Query>) -> Result<Response, PageError> {
    let form = ContractForm {
        supply_mode: "出让".into(),
        ..ContractForm::default()
    };
    show_list(&state, &user, q.msg.as_deref(), form, Vec::new(), StatusCode::OK).await
}

async fn create(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<ContractForm>,
) -> Result<Response, PageError> {
    match state.app.register_contract(&user.actor, &form).await {
        Ok(id) => Ok(Redirect::to(&format!("/land/projects/{id}?msg=contract_saved")).into_response()),
        Err(e) => {
            let errors = form_messages(e)?;
            show_list(
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

async fn import(State(state): State<AppState>, form: UploadForm) -> Result<Response, PageError> {
    let user = &form.user;
    // Without a file the use case still decides first who may import, then what is missing.
    let (name, bytes) = form
        .file
        .as_ref()
        .map_or(("", &[][..]), |f| (f.name.as_str(), f.bytes.as_slice()));
    match state.app.import_contracts_file(&user.actor, name, bytes).await {
        Ok(ids) => {
            Ok(Redirect::to(&format!("/land/projects?msg=contracts_imported_{}", ids.len())).into_response())
        }
        Err(e) => {
            let errors = form_messages(e)?;
            show_list(
                &state,
                user,
                None,
                ContractForm::default(),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

async fn export(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    Ok(send(state.app.export_projects(&user.actor).await?))
}

async fn template(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    Ok(send(state.app.contract_template(&user.actor).await?))
}

#[derive(Template)]
#[template(path = "land/project.html")]
struct DetailPage {
    l: Layout,
    p: ProjectDetail,
    form: ProgressForm,
    stages: Vec<(&'static str, &'static str)>,
    errors: Vec<String>,
}

pub(super) async fn show_detail(
    state: &AppState,
    user: &PageUser,
    id: i64,
    msg: Option<&str>,
    form: Option<ProgressForm>,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let p = state.app.project(&user.actor, id).await?;
    let l = layout(state, user, &p.p.project_name, "/land/projects", msg).await?;
    let form = form.unwrap_or_else(|| ProgressForm {
        stage: "building".into(),
        ..ProgressForm::default()
    });
    let stages = mujun_app::land::assess::Stage::ALL
        .into_iter()
        .map(|s| (s.id(), s.label()))
        .collect();
    Ok((
        status,
        render(&DetailPage {
            l,
            p,
            form,
            stages,
            errors,
        })?,
    )
        .into_response())
}

async fn detail(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Q(q): Q<Query>,
) -> Result<Response, PageError> {
    show_detail(
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

async fn progress(
    State(state): State<AppState>,
    Id(id): Id,
    form: UploadForm,
) -> Result<Response, PageError> {
    let user = &form.user;
    let report = ProgressForm {
        reported_on: form.field("reported_on").to_owned(),
        stage: form.field("stage").to_owned(),
        started_on: form.field("started_on").to_owned(),
        suspended_since: form.field("suspended_since").to_owned(),
        completed_on: form.field("completed_on").to_owned(),
        producing_on: form.field("producing_on").to_owned(),
        area_developed_m2: form.field("area_developed_m2").to_owned(),
        floor_area_m2: form.field("floor_area_m2").to_owned(),
        investment_made: form.field("investment_made").to_owned(),
        note: form.field("note").to_owned(),
    };
    let attachment = form.file.as_ref().map(|f| (f.name.as_str(), f.bytes.as_slice()));
    match state
        .app
        .report_progress(&user.actor, id, &report, attachment)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/land/projects/{id}?msg=progress_saved")).into_response()),
        Err(e) => {
            let errors = form_messages(e)?;
            show_detail(
                &state,
                user,
                id,
                None,
                Some(report),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

async fn attachment(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let (name, bytes) = state.app.progress_attachment(&user.actor, id).await?;
    Ok(crate::pages::download(bytes, "application/octet-stream", &name))
}
