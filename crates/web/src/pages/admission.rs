//! 产业准入负面清单 of a cluster (`/clusters/{id}/negative-list`: the version in force, earlier
//! versions, and the form that saves a new one) and the admission review of proposed projects
//! (`/admission`: the form, the verdict with its reasons, the latest reviews). The use cases
//! decide who may do what; these handlers only translate forms and pages.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use mujun_app::admission::{EntryForm, ListForm, NegativeListView, ReviewForm, ReviewView};
use serde::Deserialize;

use super::{form_messages, layout, render};
use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::layout::Layout;
use crate::state::AppState;

/// Blank rows the list form offers for new entries.
const BLANK_ROWS: usize = 3;

/// Reviews the page lists (the newest; the API gives up to 200).
const REVIEWS_SHOWN: i64 = 50;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/clusters/{id}/negative-list", get(list_page).post(save))
        .route("/admission", get(review_page).post(review))
}

#[derive(Deserialize, Default)]
struct Msg {
    msg: Option<String>,
}

#[derive(Template)]
#[template(path = "clusters/negative_list.html")]
struct ListPage {
    l: Layout,
    v: NegativeListView,
    form: ListForm,
    errors: Vec<String>,
}

fn number(v: Option<f64>) -> String {
    v.map_or_else(String::new, |x| format!("{x}"))
}

/// The form of the version in force, plus blank rows.
fn form_of(v: &NegativeListView) -> ListForm {
    let mut entries: Vec<EntryForm> = v
        .entries
        .iter()
        .map(|e| EntryForm {
            code: e.code.clone(),
            rule: e.rule.clone(),
            min_investment_per_mu: number(e.min_investment_per_mu),
            min_tax_per_mu: number(e.min_tax_per_mu),
            max_energy_tce: number(e.max_energy_tce),
            basis: e.basis.clone(),
        })
        .collect();
    entries.extend((0..BLANK_ROWS).map(|_| EntryForm {
        rule: "banned".into(),
        ..EntryForm::default()
    }));
    ListForm {
        basis: String::new(),
        min_investment_per_mu: v
            .current
            .as_ref()
            .map_or_else(String::new, |l| number(l.min_investment_per_mu)),
        min_tax_per_mu: v
            .current
            .as_ref()
            .map_or_else(String::new, |l| number(l.min_tax_per_mu)),
        entries,
    }
}

/// The form as sent: `basis`, the minimums, and rows `code_N`, `rule_N`, … numbered from 0.
fn form_from(pairs: &[(String, String)]) -> ListForm {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map_or_else(String::new, |(_, v)| v.clone())
    };
    let rows = pairs
        .iter()
        .filter_map(|(k, _)| k.strip_prefix("code_").and_then(|n| n.parse::<usize>().ok()))
        .max()
        .map_or(0, |n| (n + 1).min(500));
    ListForm {
        basis: get("basis"),
        min_investment_per_mu: get("min_investment_per_mu"),
        min_tax_per_mu: get("min_tax_per_mu"),
        entries: (0..rows)
            .map(|i| EntryForm {
                code: get(&format!("code_{i}")),
                rule: get(&format!("rule_{i}")),
                min_investment_per_mu: get(&format!("inv_{i}")),
                min_tax_per_mu: get(&format!("tax_{i}")),
                max_energy_tce: get(&format!("energy_{i}")),
                basis: get(&format!("basis_{i}")),
            })
            .collect(),
    }
}

async fn show_list(
    state: &AppState,
    user: &PageUser,
    id: i64,
    msg: Option<&str>,
    sent: Option<ListForm>,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let v = state.app.negative_list(&user.actor, id).await?;
    let l = layout(
        state,
        user,
        &format!("产业准入负面清单 · {}", v.cluster_name),
        "/clusters",
        msg,
    )
    .await?
    .under(v.cluster_name.clone(), format!("/clusters/{id}"));
    let form = sent.unwrap_or_else(|| form_of(&v));
    Ok((status, render(&ListPage { l, v, form, errors })?).into_response())
}

async fn list_page(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Query(q): Query<Msg>,
) -> Result<Response, PageError> {
    show_list(
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

async fn save(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm { user, form }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let list = form_from(&form);
    match state.app.save_negative_list(&user.actor, id, &list).await {
        Ok(_) => Ok(Redirect::to(&format!("/clusters/{id}/negative-list?msg=saved")).into_response()),
        Err(e) => {
            let errors = form_messages(e)?;
            show_list(
                &state,
                &user,
                id,
                None,
                Some(list),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// A cluster the caller may review projects for.
struct ClusterOpt {
    id: i64,
    name: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "clusters/admission.html")]
struct ReviewPage {
    l: Layout,
    clusters: Vec<ClusterOpt>,
    form: ReviewForm,
    result: Option<ReviewView>,
    reviews: Vec<ReviewView>,
    /// At most this many reviews are listed.
    shown: i64,
    errors: Vec<String>,
}

#[derive(Deserialize, Default)]
struct ReviewInput {
    #[serde(default)]
    cluster_id: String,
    #[serde(default)]
    project_name: String,
    #[serde(default)]
    industry_code: String,
    #[serde(default)]
    investment: String,
    #[serde(default)]
    land_mu: String,
    #[serde(default)]
    expected_tax: String,
    #[serde(default)]
    energy_tce: String,
}

async fn show_review(
    state: &AppState,
    user: &PageUser,
    form: ReviewForm,
    result: Option<ReviewView>,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let a = &user.actor;
    let clusters = state
        .app
        .visible_clusters(a)
        .await?
        .into_iter()
        .filter(|c| a.reviews_projects(c.id, &c.region_code))
        .map(|c| ClusterOpt {
            selected: c.id == form.cluster_id,
            id: c.id,
            name: c.name,
        })
        .collect();
    let reviews = state.app.admission_reviews(a, REVIEWS_SHOWN).await?;
    let l = layout(state, user, "项目准入审查", "/admission", None).await?;
    let page = ReviewPage {
        l,
        clusters,
        form,
        result,
        reviews,
        shown: REVIEWS_SHOWN,
        errors,
    };
    Ok((status, render(&page)?).into_response())
}

async fn review_page(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    show_review(
        &state,
        &user,
        ReviewForm::default(),
        None,
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

async fn review(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<ReviewInput>,
) -> Result<Response, PageError> {
    let form = ReviewForm {
        cluster_id: form.cluster_id.trim().parse().unwrap_or(0),
        project_name: form.project_name,
        industry_code: form.industry_code,
        investment: form.investment,
        land_mu: form.land_mu,
        expected_tax: form.expected_tax,
        energy_tce: form.energy_tce,
    };
    match state.app.review_project(&user.actor, &form).await {
        Ok(result) => show_review(&state, &user, form, Some(result), Vec::new(), StatusCode::OK).await,
        Err(e) => {
            let errors = form_messages(e)?;
            show_review(
                &state,
                &user,
                form,
                None,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
