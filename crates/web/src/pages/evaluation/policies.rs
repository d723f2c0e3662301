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
use mujun_app::evaluation::policy_params;
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

/// The classes measures apply to.
const CLASSES: [&str; 4] = ["A", "B", "C", "D"];

fn kind_label(kind: &str) -> String {
    policy_params::kind_label(kind).to_owned()
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
    description: String,
    #[serde(default)]
    active: Option<String>,
    #[serde(default)]
    sort_order: String,
    /// The parameters' fields, by name (see `policy_params::FIELDS`).
    #[serde(flatten)]
    fields: std::collections::HashMap<String, String>,
}

impl MeasureInput {
    fn from_measure(m: &Measure) -> MeasureInput {
        MeasureInput {
            class: m.class.clone(),
            kind: m.kind.clone(),
            department_code: m.department_code.clone(),
            title: m.title.clone(),
            description: m.description.clone(),
            active: (m.active == 1).then(|| "1".to_owned()),
            sort_order: m.sort_order.to_string(),
            fields: policy_params::fields_from_params(&m.kind, &m.params)
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        }
    }

    fn field(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }

    /// The use case's form, and the problem of the parameters' fields, if any (the use case
    /// then sees no parameters: it still checks the caller first).
    fn to_form(&self) -> (MeasureForm, Option<String>) {
        let kind = self.kind.trim().to_owned();
        let (params, problem) = match policy_params::params_from_fields(&kind, &|name: &str| self.field(name))
        {
            Ok(p) => (p, None),
            Err(e) => (String::new(), Some(e)),
        };
        (
            MeasureForm {
                class: self.class.trim().to_owned(),
                kind,
                department_code: self.department_code.trim().to_owned(),
                title: self.title.clone(),
                params,
                description: self.description.clone(),
                active: self.active.is_some(),
                sort_order: self.sort_order.trim().parse().unwrap_or(0),
            },
            problem,
        )
    }
}

/// A field of a kind's parameters in the form.
struct FieldLine {
    kind: &'static str,
    name: &'static str,
    label: &'static str,
    hint: &'static str,
    value: String,
    /// For a level: its choices.
    choices: Vec<Opt>,
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
    fields: Vec<FieldLine>,
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
                    fields: [("per_kwh".to_owned(), "0.05、0.10、0.15".to_owned())].into(),
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
                    params: policy_params::describe(&m.kind, &m.params),
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
        kinds: policy_params::KINDS
            .iter()
            .map(|(k, l)| Opt::new(*k, *l, v.kind.trim()))
            .collect(),
        departments: mujun_domain::DEPARTMENTS
            .iter()
            .map(|(c, n)| Opt::new(*c, *n, v.department_code.trim()))
            .collect(),
        fields: policy_params::FIELDS
            .iter()
            .map(|f| {
                let value = v.field(f.name);
                FieldLine {
                    kind: f.kind,
                    name: f.name,
                    label: f.label,
                    hint: f.hint,
                    choices: if f.name.ends_with("_level") {
                        policy_params::levels(f.kind)
                            .iter()
                            .map(|(s, l)| Opt::new(*s, *l, value.trim()))
                            .collect()
                    } else {
                        Vec::new()
                    },
                    value,
                }
            })
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
    let (measure, problem) = form.to_form();
    match state.app.save_policy(&user.actor, id, &measure).await {
        Ok(_) => Ok(Redirect::to("/policies?msg=saved").into_response()),
        Err(e) => {
            let mut errors = form_messages(e)?;
            // The fields' own problem says more than the missing parameters it caused.
            if let Some(p) = problem {
                errors.retain(|m| !m.contains("参数"));
                errors.insert(0, p);
            }
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
