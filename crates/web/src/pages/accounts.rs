//! `/accounts`: account administration for the system administrator (三员分立): the list of
//! accounts, new and edited accounts, password resets and unlocking. A privileged account (or
//! the reset of one) is asked for, not made: the page shows the first half of its activation
//! code once, and the security administrator approves it on `/account-requests`.
//! Every handler calls the use cases, which check the role and audit refusals.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use mujun_app::accounts::{AccountForm, AccountFormOptions};
use mujun_app::{Actor, AppError, FieldError, Role};
use mujun_store::StoreError;
use mujun_store::users::User;
use serde::Deserialize;

use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::layout::Layout;
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/accounts", get(list))
        .route("/accounts.xlsx", get(export))
        .route("/accounts/new", get(new_form).post(create))
        .route("/accounts/{id}/edit", get(edit_form).post(update))
        .route("/accounts/{id}/reset-password", post(reset_password))
        .route("/accounts/{id}/unlock", post(unlock))
        .route("/accounts/{id}/reset-request", post(reset_request))
}

/// Fields of the account form that show their own error message.
const ACCOUNT_FIELDS: [&str; 10] = [
    "username",
    "display_name",
    "role",
    "department_id",
    "region_code",
    "cluster_id",
    "enterprise_code",
    "active",
    "password",
    "confirm",
];

/// Validation messages of one form, by field.
#[derive(Debug, Default)]
struct Errors(Vec<FieldError>);

impl Errors {
    /// The message of a field.
    fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// Messages of fields the form does not show (shown above the form).
    fn other(&self, shown: &[&str]) -> Vec<String> {
        self.0
            .iter()
            .filter(|e| !shown.contains(&e.field))
            .map(|e| e.message.clone())
            .collect()
    }

    /// Any message at all?
    fn any(&self) -> bool {
        !self.0.is_empty()
    }
}

/// The errors of a failed action, or the error to propagate (refusal, not found, storage).
fn form_errors(e: AppError) -> Result<(StatusCode, Errors), PageError> {
    match e {
        AppError::Invalid(errors) => Ok((StatusCode::UNPROCESSABLE_ENTITY, Errors(errors))),
        AppError::Store(StoreError::Duplicate(what)) => {
            let message = StoreError::Duplicate(what).to_string();
            let field = if what == "用户名" { "username" } else { "form" };
            Ok((StatusCode::CONFLICT, Errors(vec![FieldError { field, message }])))
        }
        e => Err(e.into()),
    }
}

/// An option of a select.
#[derive(Debug)]
struct Opt {
    value: String,
    label: String,
    selected: bool,
}

/// The values of the account form as typed (re-shown after an error).
#[derive(Debug, Default, Deserialize)]
struct AccountInput {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    department_id: String,
    #[serde(default)]
    region_code: String,
    #[serde(default)]
    cluster_id: String,
    #[serde(default)]
    enterprise_code: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    active: Option<String>,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

impl AccountInput {
    fn of_user(u: &User) -> AccountInput {
        AccountInput {
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role.clone(),
            department_id: u.department_id.map(|d| d.to_string()).unwrap_or_default(),
            region_code: u.region_code.clone().unwrap_or_default(),
            cluster_id: u.cluster_id.map(|c| c.to_string()).unwrap_or_default(),
            // The administrator may not read the registry: the code is not known here.
            enterprise_code: String::new(),
            active: (u.active == 1).then(|| "on".to_owned()),
            password: String::new(),
            confirm: String::new(),
        }
    }

    fn to_form(&self) -> AccountForm {
        let id = |s: &str| s.trim().parse::<i64>().ok();
        let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        AccountForm {
            username: self.username.trim().to_owned(),
            display_name: self.display_name.trim().to_owned(),
            role: self.role.trim().to_owned(),
            department_id: id(&self.department_id),
            region_code: text(&self.region_code),
            cluster_id: id(&self.cluster_id),
            enterprise_code: text(&self.enterprise_code),
            active: self.active.is_some(),
        }
    }
}

/// The account form: values, choices and messages.
#[derive(Debug)]
struct FormView {
    v: AccountInput,
    active: bool,
    roles: Vec<Opt>,
    departments: Vec<Opt>,
    regions: Vec<Opt>,
    clusters: Vec<Opt>,
    errors: Errors,
    general: Vec<String>,
}

impl FormView {
    fn new(v: AccountInput, o: &AccountFormOptions, errors: Errors) -> FormView {
        let opt = |value: String, label: String, current: &str| Opt {
            selected: value == current.trim(),
            value,
            label,
        };
        let none = |label: &str| Opt {
            value: String::new(),
            label: label.to_owned(),
            selected: false,
        };
        let mut roles = vec![none("请选择角色")];
        roles.extend(
            Role::ALL
                .iter()
                .map(|r| opt(r.id().to_owned(), r.label().to_owned(), &v.role)),
        );
        let mut departments = vec![none("（不适用）")];
        departments.extend(
            o.departments
                .iter()
                .map(|d| opt(d.id.to_string(), d.name.clone(), &v.department_id)),
        );
        let mut regions = vec![none("（不适用）")];
        regions.extend(o.regions.iter().map(|r| {
            opt(
                r.code.clone(),
                format!("{}（{}）", r.name, r.code),
                &v.region_code,
            )
        }));
        let mut clusters = vec![none("（不适用）")];
        clusters.extend(
            o.clusters
                .iter()
                .map(|(id, name)| opt(id.to_string(), name.clone(), &v.cluster_id)),
        );
        let general = errors.other(&ACCOUNT_FIELDS);
        FormView {
            active: v.active.is_some(),
            v,
            roles,
            departments,
            regions,
            clusters,
            errors,
            general,
        }
    }
}

/// What the scope of an account is, in words.
fn role_label(role: &str) -> String {
    Role::parse(role).map_or_else(|| format!("未知角色 {role}"), |r| r.label().to_owned())
}

/// One account as shown in the list and on the edit page.
#[derive(Debug)]
struct AccountView {
    id: i64,
    username: String,
    display_name: String,
    role: String,
    scope: String,
    active: bool,
    /// 启用 / 待激活 / 停用, in the app's words.
    status: &'static str,
    /// Locked until (Beijing time), when locked now.
    locked_until: Option<String>,
    failed_attempts: i64,
    must_change_password: bool,
    created: String,
    updated: String,
    password_changed: String,
    /// An enterprise account (activated by a one-time code).
    enterprise: bool,
    /// Awaiting activation until (Beijing time).
    activation_until: Option<String>,
    /// A privileged account: created and reset only through an approved request.
    privileged: bool,
}

impl AccountView {
    fn new(u: &User, scope: String, now: i64) -> AccountView {
        AccountView {
            id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: role_label(&u.role),
            scope,
            active: u.active == 1,
            status: mujun_app::account_list::status_of(u),
            locked_until: u.locked_until.filter(|t| *t > now).map(super::format_time),
            enterprise: Role::parse(&u.role) == Some(Role::Enterprise),
            privileged: Role::parse(&u.role).is_some_and(Actor::privileged),
            activation_until: u
                .activation_hash
                .as_ref()
                .and(u.activation_expires_at)
                .map(super::format_time),
            failed_attempts: u.failed_attempts,
            must_change_password: u.must_change_password == 1,
            created: super::format_time(u.created_at),
            updated: super::format_time(u.updated_at),
            password_changed: super::format_time(u.password_changed_at),
        }
    }
}

#[derive(Deserialize, Default)]
struct Msg {
    msg: Option<String>,
}

#[derive(Template)]
#[template(path = "accounts/list.html")]
struct ListPage {
    l: Layout,
    accounts: Vec<AccountView>,
}

async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<Msg>,
) -> Result<Response, PageError> {
    let rows = state.app.account_rows(&user.actor).await?;
    let now = mujun_store::now_ms();
    let accounts = rows
        .into_iter()
        .map(|r| AccountView::new(&r.user, r.scope, now))
        .collect();
    let l = super::layout(&state, &user, "账号管理", "/accounts", q.msg.as_deref()).await?;
    Ok(super::render(&ListPage { l, accounts })?.into_response())
}

/// `GET /accounts.xlsx`: every account (audited by the use case).
async fn export(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    Ok(super::send(state.app.export_accounts(&user.actor).await?))
}

#[derive(Template)]
#[template(path = "accounts/new.html")]
struct NewPage {
    l: Layout,
    f: FormView,
}

async fn render_new(
    state: &AppState,
    user: &PageUser,
    v: AccountInput,
    errors: Errors,
    status: StatusCode,
) -> Result<Response, PageError> {
    let options = state.app.account_form_options(&user.actor).await?;
    let f = FormView::new(v, &options, errors);
    let l = super::layout(state, user, "新建账号", "/accounts", None).await?;
    Ok((status, super::render(&NewPage { l, f })?).into_response())
}

async fn new_form(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    let v = AccountInput {
        active: Some("on".to_owned()),
        ..Default::default()
    };
    render_new(&state, &user, v, Errors::default(), StatusCode::OK).await
}

async fn create(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<AccountInput>,
) -> Result<Response, PageError> {
    if Role::parse(form.role.trim()).is_some_and(Actor::privileged) {
        return match state
            .app
            .request_privileged_account(&user.actor, &form.to_form())
            .await
        {
            Ok((id, half)) => {
                let account = state.app.get_account(&user.actor, id).await?;
                request_sent(&state, &user, &account, "新建", half).await
            }
            Err(e) => {
                let (status, errors) = form_errors(e)?;
                render_new(&state, &user, form, errors, status).await
            }
        };
    }
    let result = if form.password != form.confirm {
        Err(AppError::invalid("confirm", "两次输入的初始密码不一致"))
    } else {
        state
            .app
            .create_account(&user.actor, &form.to_form(), &form.password)
            .await
    };
    match result {
        Ok(_) => Ok(Redirect::to("/accounts?msg=created").into_response()),
        Err(e) => {
            let (status, errors) = form_errors(e)?;
            let v = AccountInput {
                password: String::new(),
                confirm: String::new(),
                ..form
            };
            render_new(&state, &user, v, errors, status).await
        }
    }
}

#[derive(Template)]
#[template(path = "accounts/edit.html")]
struct EditPage {
    l: Layout,
    a: AccountView,
    f: FormView,
    reset_errors: Errors,
    reset_general: Vec<String>,
}

/// What the edit page shows besides the stored account.
struct EditState {
    v: AccountInput,
    errors: Errors,
    reset_errors: Errors,
}

impl EditState {
    fn of(account: &User) -> EditState {
        EditState {
            v: AccountInput::of_user(account),
            errors: Errors::default(),
            reset_errors: Errors::default(),
        }
    }
}

async fn render_edit(
    state: &AppState,
    user: &PageUser,
    account: &User,
    s: EditState,
    msg: Option<&str>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let options = state.app.account_form_options(&user.actor).await?;
    let scope = state.app.scope_names(&user.actor).await?.scope_of(account);
    let a = AccountView::new(account, scope, mujun_store::now_ms());
    let mut v = s.v;
    if v.enterprise_code.is_empty()
        && let Some((code, _)) = state.app.account_enterprise(&user.actor, account.id).await?
    {
        v.enterprise_code = code;
    }
    let f = FormView::new(v, &options, s.errors);
    let title = format!("编辑账号 {}", account.username);
    let l = super::layout(state, user, &title, "/accounts", msg).await?;
    let page = EditPage {
        l,
        a,
        f,
        reset_general: s.reset_errors.other(&["password", "confirm"]),
        reset_errors: s.reset_errors,
    };
    Ok((status, super::render(&page)?).into_response())
}

async fn edit_form(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Query(q): Query<Msg>,
) -> Result<Response, PageError> {
    let account = state.app.get_account(&user.actor, id).await?;
    let s = EditState::of(&account);
    render_edit(&state, &user, &account, s, q.msg.as_deref(), StatusCode::OK).await
}

async fn update(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm { user, form }: CsrfForm<AccountInput>,
) -> Result<Response, PageError> {
    match state.app.update_account(&user.actor, id, &form.to_form()).await {
        Ok(()) => Ok(Redirect::to(&format!("/accounts/{id}/edit?msg=saved")).into_response()),
        Err(e) => {
            let (status, errors) = form_errors(e)?;
            let account = state.app.get_account(&user.actor, id).await?;
            let s = EditState {
                v: form,
                errors,
                ..EditState::of(&account)
            };
            render_edit(&state, &user, &account, s, None, status).await
        }
    }
}

#[derive(Deserialize)]
struct ResetInput {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

async fn reset_password(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm { user, form }: CsrfForm<ResetInput>,
) -> Result<Response, PageError> {
    let result = if form.password != form.confirm {
        Err(AppError::invalid("confirm", "两次输入的新密码不一致"))
    } else {
        state.app.reset_password(&user.actor, id, &form.password).await
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/accounts/{id}/edit?msg=reset")).into_response()),
        Err(e) => {
            let (status, errors) = form_errors(e)?;
            let account = state.app.get_account(&user.actor, id).await?;
            let s = EditState {
                reset_errors: errors,
                ..EditState::of(&account)
            };
            render_edit(&state, &user, &account, s, None, status).await
        }
    }
}

/// A form with nothing but its `_csrf` field.
#[derive(Deserialize)]
struct Empty {}

async fn unlock(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm { user, form: Empty {} }: CsrfForm<Empty>,
) -> Result<Response, PageError> {
    // Loading the account first answers 404 for an unknown id (the unlock itself does not).
    state.app.get_account(&user.actor, id).await?;
    state.app.unlock_account(&user.actor, id).await?;
    Ok(Redirect::to(&format!("/accounts/{id}/edit?msg=unlocked")).into_response())
}

#[derive(Template)]
#[template(path = "accounts/request_sent.html")]
struct RequestSentPage {
    l: Layout,
    id: i64,
    kind: &'static str,
    username: String,
    display_name: String,
    role: String,
    half: String,
    days: i64,
}

/// The page after asking for a privileged account or its reset: the first half of the
/// activation code, shown once.
async fn request_sent(
    state: &AppState,
    user: &PageUser,
    account: &User,
    kind: &'static str,
    half: String,
) -> Result<Response, PageError> {
    let l = super::layout(state, user, "特权账号申请已提交", "/accounts", None).await?;
    let page = RequestSentPage {
        l,
        id: account.id,
        kind,
        username: account.username.clone(),
        display_name: account.display_name.clone(),
        role: role_label(&account.role),
        half,
        days: mujun_app::account_requests::SPLIT_CODE_DAYS,
    };
    Ok(super::render(&page)?.into_response())
}

async fn reset_request(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm { user, form: Empty {} }: CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let account = state.app.get_account(&user.actor, id).await?;
    match state.app.request_privileged_reset(&user.actor, id).await {
        Ok(half) => request_sent(&state, &user, &account, "重置", half).await,
        Err(e) => {
            let (status, errors) = form_errors(e)?;
            let s = EditState {
                reset_errors: errors,
                ..EditState::of(&account)
            };
            render_edit(&state, &user, &account, s, None, status).await
        }
    }
}
