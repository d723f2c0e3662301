//! `/policies`: the differentiated policies (差别化政策) as data — the measures of each class
//! with their executing department and parameters; the city administrator adds and changes
//! measures (parameters as JSON, checked against the kind of measure).

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use mujun_app::Role;
use mujun_app::evaluation::policies::MeasureForm;
use mujun_store::policies::Measure;
use serde::Deserialize;

use super::{Id, Opt, class_label, department_label, form_messages, query_id};
use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::layout::Layout;
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/policies", get(page).post(create))
        .route("/policies/{id}", post(update))
}

/// The kinds of measure: id, Chinese name, example parameters.
const KINDS: [(&str, &str, &str); 7] = [
    (
        "electricity_surcharge",
        "差别电价",
        r#"{"per_kwh":[0.05,0.10,0.15]}"#,
    ),
    (
        "water_surcharge",
        "超定额累进加价（用水）",
        r#"{"quota_m3_per_wan_yuan":8.0,"tiers":[{"up_to_pct":20,"per_m3":0.5},{"per_m3":1.0}]}"#,
    ),
    ("land_supply", "用地保障", r#"{"level":"priority"}"#),
    ("energy_quota", "用能指标", r#"{"change_pct":-10}"#),
    ("emission_quota", "排污指标", r#"{"change_pct":-10}"#),
    ("funds", "财政资金与融资支持", r#"{"level":"normal"}"#),
    ("tech_support", "技改支持", r#"{"level":"priority"}"#),
];

/// The classes measures apply to.
const CLASSES: [&str; 4] = ["A", "B", "C", "D"];

fn kind_label(kind: &str) -> String {
    KINDS
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map_or_else(|| kind.to_owned(), |(_, l, _)| (*l).to_owned())
}

#[derive(Deserialize, Default)]
struct PageQuery {
    #[serde(default)]
    edit: String,
    msg: Option<String>,
}

/// The measure form as submitted (every field text, so that nothing is lost on errors).
#[derive(Clone, Debug, Default, Deserialize)]
struct MeasureInput {
    #[serde(default)]
    class: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    department_code: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    params: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    active: Option<String>,
    #[serde(default)]
    sort_order: String,
}

impl MeasureInput {
    fn from_measure(m: &Measure) -> MeasureInput {
        MeasureInput {
            class: m.class.clone(),
            kind: m.kind.clone(),
            department_code: m.department_code.clone(),
            title: m.title.clone(),
            params: m.params.clone(),
            description: m.description.clone(),
            active: (m.active == 1).then(|| "1".to_owned()),
            sort_order: m.sort_order.to_string(),
        }
    }

    fn to_form(&self) -> MeasureForm {
        MeasureForm {
            class: self.class.trim().to_owned(),
            kind: self.kind.trim().to_owned(),
            department_code: self.department_code.trim().to_owned(),
            title: self.title.clone(),
            params: self.params.trim().to_owned(),
            description: self.description.clone(),
            active: self.active.is_some(),
            sort_order: self.sort_order.trim().parse().unwrap_or(0),
        }
    }
}

/// One measure in the catalogue.
struct MeasureLine {
    id: i64,
    title: String,
    kind: String,
    department: String,
    params: String,
    description: String,
    active: bool,
    sort_order: i64,
}

/// The measures of one class.
struct ClassGroup {
    class: String,
    label: String,
    measures: Vec<MeasureLine>,
}

#[derive(Template)]
#[template(path = "evaluation/policies.html")]
struct PoliciesPage {
    l: Layout,
    groups: Vec<ClassGroup>,
    city: bool,
    /// The measure in the form (0: a new one).
    editing: i64,
    v: MeasureInput,
    classes: Vec<Opt>,
    kinds: Vec<Opt>,
    departments: Vec<Opt>,
    examples: Vec<(String, &'static str)>,
    errors: Vec<String>,
}

#[allow(clippy::too_many_arguments)]
async fn render(
    state: &AppState,
    user: &PageUser,
    editing: Option<i64>,
    input: Option<MeasureInput>,
    msg: Option<&str>,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let a = &user.actor;
    let measures = state.app.list_policies(a).await?;
    let v = input.unwrap_or_else(|| {
        editing
            .and_then(|id| measures.iter().find(|m| m.id == id))
            .map_or_else(
                || MeasureInput {
                    class: "C".to_owned(),
                    kind: "electricity_surcharge".to_owned(),
                    department_code: "power".to_owned(),
                    active: Some("1".to_owned()),
                    sort_order: "100".to_owned(),
                    ..MeasureInput::default()
                },
                MeasureInput::from_measure,
            )
    });
    let groups = CLASSES
        .iter()
        .map(|c| ClassGroup {
            class: (*c).to_owned(),
            label: class_label(c),
            measures: measures
                .iter()
                .filter(|m| m.class == *c)
                .map(|m| MeasureLine {
                    id: m.id,
                    title: m.title.clone(),
                    kind: kind_label(&m.kind),
                    department: department_label(&m.department_code),
                    params: m.params.clone(),
                    description: m.description.clone(),
                    active: m.active == 1,
                    sort_order: m.sort_order,
                })
                .collect(),
        })
        .collect();
    let l = crate::pages::layout(state, user, "差别化政策", "/policies", msg).await?;
    let page = PoliciesPage {
        l,
        groups,
        city: a.role == Role::CityAdmin,
        editing: editing.unwrap_or(0),
        classes: CLASSES
            .iter()
            .map(|c| Opt::new(*c, class_label(c), v.class.trim()))
            .collect(),
        kinds: KINDS
            .iter()
            .map(|(k, l, _)| Opt::new(*k, format!("{l}（{k}）"), v.kind.trim()))
            .collect(),
        departments: mujun_domain::DEPARTMENTS
            .iter()
            .map(|(c, n)| Opt::new(*c, *n, v.department_code.trim()))
            .collect(),
        examples: KINDS
            .iter()
            .map(|(k, l, e)| (format!("{l}（{k}）"), *e))
            .collect(),
        v,
        errors,
    };
    Ok((status, crate::pages::render(&page)?).into_response())
}

async fn page(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    render(
        &state,
        &user,
        query_id(&q.edit),
        None,
        q.msg.as_deref(),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

async fn save(
    state: &AppState,
    user: &PageUser,
    id: Option<i64>,
    form: MeasureInput,
) -> Result<Response, PageError> {
    match state.app.save_policy(&user.actor, id, &form.to_form()).await {
        Ok(_) => Ok(Redirect::to("/policies?msg=saved").into_response()),
        Err(e) => {
            let errors = form_messages(e)?;
            render(
                state,
                user,
                id,
                Some(form),
                None,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// `POST /policies`: a new measure.
async fn create(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<MeasureInput>,
) -> Result<Response, PageError> {
    save(&state, &user, None, form).await
}

/// `POST /policies/{id}`: changes a measure.
async fn update(
    State(state): State<AppState>,
    Id(id): Id,
    CsrfForm { user, form }: CsrfForm<MeasureInput>,
) -> Result<Response, PageError> {
    save(&state, &user, Some(id), form).await
}
