//! `GET /me`: who is calling.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::common::{AuthErrors, Labeled};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::state::AppState;

/// 当前调用者
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Me {
    /// 账号 id
    pub user_id: i64,
    /// 登录名
    #[schema(example = "yicheng")]
    pub username: String,
    /// 显示名称
    #[schema(example = "驿城区 工作人员")]
    pub display_name: String,
    /// 角色：代码（`sys_admin`、`city_admin`、`department`、`county`、`cluster`、`enterprise`、
    /// `auditor`）及中文名称
    pub role: Labeled,
    /// 数据范围，如 `驿城区（411702）`、集聚区或企业名称、`全市`
    #[schema(example = "驿城区（411702）")]
    pub scope: String,
    /// 角色权限（供界面参考；服务端另行校验）
    pub can: Capabilities,
}

/// 角色权限
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Capabilities {
    /// 查看企业名录、集聚区和数据
    pub read_business_data: bool,
    /// 新增和修改企业、集聚区
    pub edit_registry: bool,
    /// 管理账号
    pub manage_accounts: bool,
    /// 查看审计日志
    pub read_audit: bool,
}

/// 当前调用者
///
/// 登录名、显示名称、角色与数据范围。
#[utoipa::path(
    get,
    path = "/me",
    tag = "账号",
    operation_id = "get_me",
    responses((status = 200, description = "当前调用者", body = Me), AuthErrors)
)]
pub async fn get_me(State(state): State<AppState>, ApiUser { actor }: ApiUser) -> Result<Json<Me>, ApiError> {
    let scope = state.app.scope_label(&actor).await?;
    Ok(Json(Me {
        user_id: actor.user_id,
        username: actor.username.clone(),
        display_name: actor.display_name.clone(),
        role: Labeled::new(actor.role.id(), actor.role.label()),
        scope,
        can: Capabilities {
            read_business_data: actor.reads_business_data(),
            edit_registry: actor.edits_registry(),
            manage_accounts: actor.manages_accounts(),
            read_audit: actor.reads_audit(),
        },
    }))
}
