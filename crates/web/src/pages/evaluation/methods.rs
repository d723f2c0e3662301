//! `/methods`: the evaluation methods (city administrator) — the shipped presets and the city's
//! own versions; a method's TOML text, and a form to save an edited copy as a new version (a
//! broken file is refused with the line and key of the problem).

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

use super::form_messages;
use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::layout::Layout;
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/methods", get(page).post(save))
        .route("/methods/form", axum::routing::post(save_form))
}

#[derive(Deserialize, Default)]
struct PageQuery {
    #[serde(default)]
    method: String,
    msg: Option<String>,
}

/// One method.
struct MethodLine {
    reference: String,
    method_id: String,
    name: String,
    preset: bool,
    version: i64,
    hash: String,
    based_on: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "evaluation/methods.html")]
struct MethodsPage {
    l: Layout,
    methods: Vec<MethodLine>,
    /// The method shown (empty: none).
    selected: String,
    /// Its name.
    selected_name: String,
    /// Its text as stored.
    source: String,
    /// The text in the edit form (the stored text, or what was sent).
    draft: String,
    /// Whether the edit form is shown.
    editing: bool,
    errors: Vec<String>,
    /// The selected method as a form (None when its file cannot be read as one).
    form: Option<mujun_app::evaluation::method_form::MethodForm>,
}

#[allow(clippy::too_many_arguments)]
async fn render(
    state: &AppState,
    user: &PageUser,
    selected: &str,
    draft: Option<&str>,
    sent: Option<&[(String, String)]>,
    msg: Option<&str>,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let a = &user.actor;
    let list = state.app.list_methods(a).await?;
    let source = if selected.is_empty() {
        String::new()
    } else {
        state.app.method_source(a, selected).await?
    };
    let l = crate::pages::layout(state, user, "评价方法", "/methods", msg).await?;
    // Methods are named by their names; a reference only where the name is unknown.
    let name_of = |reference: &str| {
        list.iter()
            .find(|m| m.reference == reference)
            .map_or_else(|| reference.to_owned(), |m| m.name.clone())
    };
    let selected_name = name_of(selected);
    let methods = list
        .iter()
        .map(|m| MethodLine {
            selected: m.reference == selected,
            reference: m.reference.clone(),
            method_id: m.method_id.clone(),
            name: m.name.clone(),
            preset: m.preset,
            version: m.version,
            hash: m.hash.chars().take(12).collect(),
            based_on: if m.based_on.is_empty() {
                String::new()
            } else {
                name_of(&m.based_on)
            },
        })
        .collect();
    // The form shows what was sent when it was refused, else the file's values.
    let form = mujun_app::evaluation::method_form::method_form(&source)
        .ok()
        .map(|mut f| {
            if let Some(sent) = sent {
                let pick = |name: &str, current: &mut String| {
                    if let Some((_, v)) = sent.iter().find(|(k, _)| k == name) {
                        current.clone_from(v);
                    }
                };
                pick("name", &mut f.name);
                pick("id", &mut f.id);
                for field in f.bonus.iter_mut().chain(f.groups.iter_mut().flat_map(|g| {
                    g.indicators
                        .iter_mut()
                        .flat_map(|i| [&mut i.weight, &mut i.benchmark])
                        .chain(g.settings.iter_mut())
                })) {
                    pick(&field.name, &mut field.value);
                }
            }
            f
        });
    let page = MethodsPage {
        l,
        form,
        methods,
        selected_name,
        selected: selected.to_owned(),
        editing: !selected.is_empty() || draft.is_some(),
        draft: draft.map_or_else(|| source.clone(), str::to_owned),
        source,
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
        q.method.trim(),
        None,
        None,
        q.msg.as_deref(),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
struct SaveForm {
    #[serde(default)]
    source: String,
    #[serde(default)]
    based_on: String,
}

/// `POST /methods`: saves the edited text as a new version of the city's method.
async fn save(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<SaveForm>,
) -> Result<Response, PageError> {
    // Browsers send CR LF line ends from a textarea.
    let source = form.source.replace("\r\n", "\n");
    let based_on = form.based_on.trim();
    match state.app.save_method(&user.actor, &source, based_on).await {
        Ok(reference) => {
            let target = format!(
                "/methods{}",
                crate::pages::query_string(&[("method", reference), ("msg", "method_saved".to_owned())])
            );
            Ok(Redirect::to(&target).into_response())
        }
        Err(e) => {
            let errors = form_messages(e)?;
            render(
                &state,
                &user,
                based_on,
                Some(&source),
                None,
                None,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// `POST /methods/form`: saves the selected method with the form's numbers as a new version.
async fn save_form(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let based_on = form
        .iter()
        .find(|(k, _)| k == "based_on")
        .map_or_else(String::new, |(_, v)| v.trim().to_owned());
    let get = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    match state.app.save_method_form(&user.actor, &based_on, &get).await {
        Ok(reference) => {
            let target = format!(
                "/methods{}",
                crate::pages::query_string(&[("method", reference), ("msg", "method_saved".to_owned())])
            );
            Ok(Redirect::to(&target).into_response())
        }
        Err(e) => {
            let errors = form_messages(e)?;
            render(
                &state,
                &user,
                &based_on,
                None,
                Some(&form),
                None,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
