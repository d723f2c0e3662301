//! 消息: the caller's messages (站内消息) — class changes of a re-run, supplementary notices —
//! and marking one read.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::common::{AuthErrors, NotFoundError, StepErrors, path_id};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::state::AppState;

/// 一条消息
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Message {
    /// 消息 id
    pub id: i64,
    /// 标题
    pub title: String,
    /// 正文
    pub body: String,
    /// 相关页面（站内路径，可为空）
    pub link: String,
    /// 时间（北京时间 `YYYY-MM-DD HH:MM`）
    pub at: String,
    /// 已读
    pub read: bool,
}

/// 调用者的消息
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct MessageList {
    /// 最新的 200 条（新的在前）
    pub items: Vec<Message>,
    /// 未读条数
    pub unread: i64,
}

/// 我的消息
///
/// 调用者本人及其所属企业的消息，新的在前。
#[utoipa::path(
    get,
    path = "/messages",
    tag = "账号",
    operation_id = "list_messages",
    responses((status = 200, description = "消息", body = MessageList), AuthErrors)
)]
pub async fn list_messages(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
) -> Result<Json<MessageList>, ApiError> {
    let items = state
        .app
        .messages(&actor)
        .await?
        .into_iter()
        .map(|m| Message {
            id: m.id,
            title: m.title,
            body: m.body,
            link: m.link,
            at: m.at,
            read: m.read,
        })
        .collect();
    let unread = state.app.unread_messages(&actor).await?;
    Ok(Json(MessageList { items, unread }))
}

/// 标为已读
///
/// 只能标记调用者自己的消息（他人的消息返回 404）；返回标记后的消息。浏览器会话须带 `X-CSRF-Token`。
#[utoipa::path(
    post,
    path = "/messages/{id}/read",
    tag = "账号",
    operation_id = "read_message",
    params(("id" = i64, Path, description = "消息 id")),
    responses(
        (status = 200, description = "已标为已读", body = Message),
        AuthErrors,
        NotFoundError,
        StepErrors,
    )
)]
pub async fn read_message(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Message>, ApiError> {
    let id = path_id(&id, "消息")?;
    state.app.mark_message_read(&actor, id).await?;
    let m = state
        .app
        .messages(&actor)
        .await?
        .into_iter()
        .find(|m| m.id == id)
        .ok_or(ApiError(mujun_app::AppError::NotFound("消息")))?;
    Ok(Json(Message {
        id: m.id,
        title: m.title,
        body: m.body,
        link: m.link,
        at: m.at,
        read: m.read,
    }))
}
