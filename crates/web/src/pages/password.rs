//! `/password`: change one's own password (forced at first login).

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use mujun_app::AppError;
use serde::Deserialize;

use crate::auth::{CsrfForm, PageUser, SESSION_COOKIE, set_cookie};
use crate::error::PageError;
use crate::layout::Layout;
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new().route("/password", get(form).post(submit))
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    l: Layout,
    forced: bool,
    errors: Vec<String>,
}

#[derive(Deserialize, Default)]
struct Msg {
    msg: Option<String>,
}

async fn form(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<Msg>,
) -> Result<Response, PageError> {
    let l = super::layout(&state, &user, "修改密码", "/password", q.msg.as_deref()).await?;
    Ok(super::render(&PasswordPage {
        l,
        forced: user.actor.must_change_password,
        errors: Vec::new(),
    })?
    .into_response())
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    old_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm: String,
}

async fn submit(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<PasswordForm>,
) -> Result<Response, PageError> {
    let result = if form.new_password != form.confirm {
        Err(AppError::invalid("confirm", "两次输入的新密码不一致"))
    } else {
        state
            .app
            .change_password(&user.actor, &form.old_password, &form.new_password)
            .await
    };
    match result {
        Ok(done) => {
            let mut res = Redirect::to("/?msg=password_changed").into_response();
            res.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(SESSION_COOKIE, &done.token, state.config.secure(), None),
            );
            Ok(res)
        }
        Err(AppError::Invalid(errors)) => {
            let l = super::layout(&state, &user, "修改密码", "/password", None).await?;
            let errors = errors.into_iter().map(|e| e.message).collect();
            let page = PasswordPage {
                l,
                forced: user.actor.must_change_password,
                errors,
            };
            Ok((
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                super::render(&page)?,
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}
