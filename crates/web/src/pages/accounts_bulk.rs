//! `/accounts/bulk`: the system administrator creates the enterprise accounts of a scope (all,
//! a county, a cluster, or a list of credit codes) in one step and downloads their activation
//! letters (PDF, one page per enterprise) or the list of codes (xlsx) at once — the codes are
//! never stored in clear, so the letters exist only in this response. A lost letter is replaced
//! from the account's page (`/accounts/{id}/activation`).

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use mujun_app::AppError;
use mujun_app::activation::BulkScope;
use serde::Deserialize;

use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::layout::Layout;
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/accounts/bulk", get(form).post(create))
        .route("/accounts/{id}/activation", post(reissue))
}

/// A choice of a select.
struct Choice {
    value: String,
    label: String,
}

#[derive(Template)]
#[template(path = "accounts/bulk.html")]
struct BulkPage {
    l: Layout,
    regions: Vec<Choice>,
    clusters: Vec<Choice>,
    errors: Vec<String>,
    codes: String,
}

async fn render(
    state: &AppState,
    user: &PageUser,
    errors: Vec<String>,
    codes: String,
    status: StatusCode,
) -> Result<Response, PageError> {
    let o = state.app.account_form_options(&user.actor).await?;
    let page = BulkPage {
        l: super::layout(state, user, "批量创建企业账号", "/accounts", None).await?,
        regions: o
            .regions
            .iter()
            .filter(|r| r.parent_code.is_some())
            .map(|r| Choice {
                value: r.code.clone(),
                label: r.name.clone(),
            })
            .collect(),
        clusters: o
            .clusters
            .iter()
            .map(|(id, name)| Choice {
                value: id.to_string(),
                label: name.clone(),
            })
            .collect(),
        errors,
        codes,
    };
    Ok((status, super::render(&page)?).into_response())
}

async fn form(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    render(&state, &user, Vec::new(), String::new(), StatusCode::OK).await
}

#[derive(Deserialize)]
struct BulkForm {
    /// `all`, `region`, `cluster` or `codes`.
    #[serde(default)]
    scope: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    cluster: String,
    #[serde(default)]
    codes: String,
    /// `pdf` (letters) or `xlsx` (list).
    #[serde(default)]
    format: String,
}

/// `POST /accounts/bulk`: creates the accounts and answers with their letters.
async fn create(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<BulkForm>,
) -> Result<Response, PageError> {
    let scope = match form.scope.as_str() {
        "region" if !form.region.trim().is_empty() => BulkScope::Region(form.region.trim().to_owned()),
        "cluster" => match form.cluster.trim().parse() {
            Ok(id) => BulkScope::Cluster(id),
            Err(_) => {
                return render(
                    &state,
                    &user,
                    vec!["请选择产业集聚区".into()],
                    form.codes,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
        },
        "codes" => BulkScope::Codes(form.codes.lines().map(str::to_owned).collect()),
        "all" => BulkScope::All,
        _ => {
            return render(
                &state,
                &user,
                vec!["请选择创建范围".into()],
                form.codes,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let outcome = match state.app.create_enterprise_accounts(&user.actor, &scope).await {
        Ok(o) => o,
        Err(AppError::Invalid(errors)) => {
            return render(
                &state,
                &user,
                errors.into_iter().map(|e| e.message).collect(),
                form.codes,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(e) => return Err(e.into()),
    };
    if outcome.created.is_empty() {
        return render(
            &state,
            &user,
            vec![format!(
                "所选范围内的 {} 家企业都已有账号，没有新建账号。遗失激活通知书的企业，请在其账号页面重新发放激活码。",
                outcome.skipped
            )],
            form.codes,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let file = state
        .app
        .activation_letters(&user.actor, &outcome.created, form.format != "xlsx")
        .await?;
    Ok(super::send(file))
}

#[derive(Deserialize)]
struct NoFields {}

/// `POST /accounts/{id}/activation`: a new code for one enterprise account, as its letter.
async fn reissue(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { user, .. }: CsrfForm<NoFields>,
) -> Result<Response, PageError> {
    let id: i64 = id.parse().map_err(|_| PageError::not_found())?;
    let activation = state.app.reissue_activation(&user.actor, id).await?;
    let file = state
        .app
        .activation_letters(&user.actor, &[activation], true)
        .await?;
    Ok(super::send(file))
}
