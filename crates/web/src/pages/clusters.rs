//! `/clusters`: 产业集聚区 — the list, one cluster with the history of its changes (created,
//! renamed, merged, demoted, star changes), and the forms (new and edit).

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use mujun_app::registry::clusters::{ClusterForm, ClusterRow, STATUSES};
use mujun_store::clusters::Cluster;
use serde::Deserialize;

use super::enterprises::{FormErrors, Opt, format_number, parse_id, region_map, region_name, region_options};
use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::layout::Layout;
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/clusters", get(list))
        .route("/clusters/new", get(new_form).post(create))
        .route("/clusters/{id}", get(detail))
        .route("/clusters/{id}/edit", get(edit_form).post(update))
}

#[derive(Deserialize, Default)]
struct Msg {
    msg: Option<String>,
}

fn status_label(status: &str) -> &'static str {
    STATUSES
        .iter()
        .find(|(s, _)| *s == status)
        .map_or("未知", |(_, l)| *l)
}

fn star_label(star: Option<i64>) -> String {
    star.map_or_else(|| "未评".to_owned(), |s| format!("{s} 星"))
}

fn area_label(area: Option<f64>) -> String {
    area.map_or_else(String::new, format_number)
}

fn event_label(kind: &str) -> &str {
    match kind {
        "created" => "设立",
        "renamed" => "更名",
        "merged" => "合并",
        "demoted" => "降级",
        "star_changed" => "星级调整",
        "status_changed" => "状态变更",
        "updated" => "信息修改",
        other => other,
    }
}

// ---------------------------------------------------------------------------------------------
// The list.

struct ClusterView {
    id: i64,
    name: String,
    region: String,
    star: String,
    leading: String,
    area: String,
    status: &'static str,
    active: bool,
    enterprises: i64,
}

#[derive(Template)]
#[template(path = "clusters/list.html")]
struct ListPage {
    l: Layout,
    rows: Vec<ClusterView>,
    can_edit: bool,
}

fn view(row: &ClusterRow, regions: &HashMap<String, String>) -> ClusterView {
    let c = &row.cluster;
    ClusterView {
        id: c.id,
        name: c.name.clone(),
        region: region_name(regions, &c.region_code),
        star: star_label(c.star_level),
        leading: c.leading_industries.clone(),
        area: area_label(c.planned_area_mu),
        status: status_label(&c.status),
        active: c.status == "active",
        enterprises: row.enterprises,
    }
}

async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<Msg>,
) -> Result<Response, PageError> {
    let a = &user.actor;
    let clusters = state.app.list_clusters(a).await?;
    let reference = state.app.reference(a).await?;
    let l = super::layout(&state, &user, "产业集聚区", "/clusters", q.msg.as_deref()).await?;
    let regions = region_map(&reference);
    let rows = clusters.iter().map(|r| view(r, &regions)).collect();
    Ok(super::render(&ListPage {
        l,
        rows,
        can_edit: a.edits_registry(),
    })?
    .into_response())
}

// ---------------------------------------------------------------------------------------------
// One cluster.

struct EventView {
    at: String,
    kind: String,
    detail: String,
    by: String,
}

#[derive(Template)]
#[template(path = "clusters/detail.html")]
struct DetailPage {
    l: Layout,
    c: ClusterView,
    region_code: String,
    merged_into: Option<(i64, String)>,
    created: String,
    updated: String,
    events: Vec<EventView>,
    can_edit: bool,
    /// The cluster's negative list is offered.
    negative_list: bool,
}

async fn detail(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    Query(q): Query<Msg>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let a = &user.actor;
    let (row, events) = state.app.get_cluster(a, id).await?;
    let reference = state.app.reference(a).await?;
    // The name of the cluster it was merged into, when the caller may see that one.
    let merged_into = match row.cluster.merged_into {
        Some(target) => {
            let visible = state.app.list_clusters(a).await?;
            let name = visible
                .iter()
                .find(|r| r.cluster.id == target)
                .map_or_else(|| format!("集聚区 #{target}"), |r| r.cluster.name.clone());
            Some((target, name))
        }
        None => None,
    };
    let title = format!("产业集聚区 · {}", row.cluster.name);
    let l = super::layout(&state, &user, &title, "/clusters", q.msg.as_deref()).await?;
    let regions = region_map(&reference);
    let events = events
        .iter()
        .map(|e| EventView {
            at: super::format_time(e.at),
            kind: event_label(&e.kind).to_owned(),
            detail: e.detail.clone(),
            by: e
                .user_id
                .map_or_else(|| "系统".to_owned(), |u| format!("账号 #{u}")),
        })
        .collect();
    let c = &row.cluster;
    Ok(super::render(&DetailPage {
        region_code: c.region_code.clone(),
        created: super::format_time(c.created_at),
        updated: super::format_time(c.updated_at),
        c: view(&row, &regions),
        l,
        merged_into,
        events,
        can_edit: a.edits_registry(),
        negative_list: a.reads_negative_lists(),
    })?
    .into_response())
}

// ---------------------------------------------------------------------------------------------
// New and edit.

const FORM_FIELDS: [&str; 7] = [
    "name",
    "region_code",
    "star_level",
    "leading_industries",
    "planned_area_mu",
    "status",
    "merged_into",
];

/// The cluster form as submitted.
#[derive(Clone, Debug, Default, Deserialize)]
struct ClusterInput {
    #[serde(default)]
    name: String,
    #[serde(default)]
    region_code: String,
    #[serde(default)]
    star_level: String,
    #[serde(default)]
    leading_industries: String,
    #[serde(default)]
    planned_area_mu: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    merged_into: String,
    #[serde(default)]
    version: String,
}

impl ClusterInput {
    fn from_cluster(c: &Cluster) -> ClusterInput {
        ClusterInput {
            name: c.name.clone(),
            region_code: c.region_code.clone(),
            star_level: c.star_level.map_or_else(String::new, |s| s.to_string()),
            leading_industries: c.leading_industries.clone(),
            planned_area_mu: c.planned_area_mu.map_or_else(String::new, |a| a.to_string()),
            status: c.status.clone(),
            merged_into: c.merged_into.map_or_else(String::new, |m| m.to_string()),
            version: c.version.to_string(),
        }
    }

    fn to_form(&self) -> ClusterForm {
        ClusterForm {
            name: self.name.clone(),
            region_code: self.region_code.trim().to_owned(),
            star_level: self.star_level.clone(),
            leading_industries: self.leading_industries.clone(),
            planned_area_mu: self.planned_area_mu.clone(),
            status: self.status.clone(),
            merged_into: self.merged_into.trim().parse().ok(),
        }
    }

    fn version(&self) -> i64 {
        self.version.trim().parse().unwrap_or(0)
    }
}

#[derive(Template)]
#[template(path = "clusters/form.html")]
struct FormPage {
    l: Layout,
    action: String,
    cancel: String,
    editing: bool,
    v: ClusterInput,
    regions: Vec<Opt>,
    stars: Vec<Opt>,
    statuses: Vec<Opt>,
    targets: Vec<Opt>,
    errors: FormErrors,
}

async fn form_page(
    state: &AppState,
    user: &PageUser,
    id: Option<i64>,
    v: ClusterInput,
    errors: FormErrors,
) -> Result<FormPage, PageError> {
    let a = &user.actor;
    let reference = state.app.reference(a).await?;
    let clusters = state.app.list_clusters(a).await?;
    let title = match id {
        Some(_) => format!("编辑集聚区 · {}", v.name),
        None => "新建集聚区".to_owned(),
    };
    let l = super::layout(state, user, &title, "/clusters", None).await?;
    let status = if v.status.is_empty() {
        "active"
    } else {
        v.status.as_str()
    };
    let star = v.star_level.trim();
    let target = v.merged_into.trim();
    Ok(FormPage {
        l,
        action: id.map_or_else(|| "/clusters/new".to_owned(), |i| format!("/clusters/{i}/edit")),
        cancel: id.map_or_else(|| "/clusters".to_owned(), |i| format!("/clusters/{i}")),
        editing: id.is_some(),
        regions: region_options(&reference, v.region_code.trim()),
        stars: (1..=5)
            .map(|s| Opt::new(s.to_string(), format!("{s} 星"), star))
            .collect(),
        statuses: STATUSES.iter().map(|(s, l)| Opt::new(*s, *l, status)).collect(),
        targets: clusters
            .iter()
            .filter(|c| Some(c.cluster.id) != id)
            .map(|c| Opt::new(c.cluster.id.to_string(), c.cluster.name.clone(), target))
            .collect(),
        v,
        errors,
    })
}

fn with_status(status: StatusCode, page: &FormPage) -> Result<Response, PageError> {
    Ok((status, super::render(page)?).into_response())
}

async fn new_form(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    state.app.registry_form_access(&user.actor, "cluster.new").await?;
    let page = form_page(
        &state,
        &user,
        None,
        ClusterInput::default(),
        FormErrors::default(),
    )
    .await?;
    with_status(StatusCode::OK, &page)
}

async fn create(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<ClusterInput>,
) -> Result<Response, PageError> {
    match state.app.create_cluster(&user.actor, &form.to_form()).await {
        Ok(id) => Ok(Redirect::to(&format!("/clusters/{id}?msg=created")).into_response()),
        Err(e) => {
            let (status, errors) = FormErrors::from_failure(e, &FORM_FIELDS)?;
            let page = form_page(&state, &user, None, form, errors).await?;
            with_status(status, &page)
        }
    }
}

async fn edit_form(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    state
        .app
        .registry_form_access(&user.actor, "cluster.edit")
        .await?;
    let (row, _) = state.app.get_cluster(&user.actor, id).await?;
    let page = form_page(
        &state,
        &user,
        Some(id),
        ClusterInput::from_cluster(&row.cluster),
        FormErrors::default(),
    )
    .await?;
    with_status(StatusCode::OK, &page)
}

async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { user, form }: CsrfForm<ClusterInput>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    match state
        .app
        .update_cluster(&user.actor, id, form.version(), &form.to_form())
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/clusters/{id}?msg=saved")).into_response()),
        Err(e) => {
            let (status, errors) = FormErrors::from_failure(e, &FORM_FIELDS)?;
            let page = form_page(&state, &user, Some(id), form, errors).await?;
            with_status(status, &page)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_in_chinese() {
        assert_eq!(star_label(None), "未评");
        assert_eq!(area_label(Some(22500.0)), "22,500");
    }
}
