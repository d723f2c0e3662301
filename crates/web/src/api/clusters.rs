//! 产业集聚区: the list within the caller's scope, and one cluster with its history.

use axum::Json;
use axum::extract::{Path, State};
use mujun_app::registry::clusters::{ClusterRow, STATUSES};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::common::{AuthErrors, NotFoundError, label_of, path_id, region_name, time};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::state::AppState;

/// 产业集聚区
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Cluster {
    /// 集聚区 id
    pub id: i64,
    /// 名称
    pub name: String,
    /// 所在县区代码
    pub region_code: String,
    /// 县区名称
    pub region_name: Option<String>,
    /// 星级（1–5），未评定为 `null`
    pub star_level: Option<i64>,
    /// 主导产业
    pub leading_industries: String,
    /// 规划面积（亩）
    pub planned_area_mu: Option<f64>,
    /// 状态代码：`active`、`merged`、`demoted`、`closed`
    pub status: String,
    /// 状态: 正常、已合并、已降级、已撤销
    pub status_label: String,
    /// 并入的集聚区 id
    pub merged_into: Option<i64>,
    /// 名录内企业数
    pub enterprises: i64,
    /// 版本号（乐观锁）
    pub version: i64,
    /// 设立时间（北京时间，RFC 3339）
    pub created_at: String,
    /// 最后修改时间（北京时间，RFC 3339）
    pub updated_at: String,
}

impl From<ClusterRow> for Cluster {
    fn from(r: ClusterRow) -> Self {
        let c = r.cluster;
        Cluster {
            region_name: region_name(&c.region_code),
            status_label: label_of(&STATUSES, &c.status),
            id: c.id,
            name: c.name,
            region_code: c.region_code,
            star_level: c.star_level,
            leading_industries: c.leading_industries,
            planned_area_mu: c.planned_area_mu,
            status: c.status,
            merged_into: c.merged_into,
            enterprises: r.enterprises,
            version: c.version,
            created_at: time(c.created_at),
            updated_at: time(c.updated_at),
        }
    }
}

/// 调用者可见的集聚区
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ClusterList {
    /// 集聚区
    pub items: Vec<Cluster>,
}

/// 集聚区的一条变更记录
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ClusterEvent {
    /// 时间（北京时间，RFC 3339）
    pub at: String,
    /// 变更类型代码：`created`、`renamed`、`merged`、`demoted`、`star_changed`、`updated`
    pub kind: String,
    /// 变更类型
    pub kind_label: String,
    /// 说明
    pub detail: String,
    /// 操作账号 id
    pub user_id: Option<i64>,
}

/// 集聚区及其变更记录
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ClusterDetail {
    /// 集聚区
    pub cluster: Cluster,
    /// 变更记录
    pub events: Vec<ClusterEvent>,
}

const EVENT_KINDS: [(&str, &str); 6] = [
    ("created", "设立"),
    ("renamed", "更名"),
    ("merged", "合并"),
    ("demoted", "降级"),
    ("star_changed", "星级调整"),
    ("updated", "信息修改"),
];

/// 产业集聚区
///
/// 本账号可见的集聚区及名录内企业数：县区人员见本县区的，集聚区人员见本集聚区，企业用户见本企业所在的。
#[utoipa::path(
    get,
    path = "/clusters",
    tag = "集聚区",
    operation_id = "list_clusters",
    responses((status = 200, description = "集聚区", body = ClusterList), AuthErrors)
)]
pub async fn list_clusters(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
) -> Result<Json<ClusterList>, ApiError> {
    let rows = state.app.list_clusters(&actor).await?;
    Ok(Json(ClusterList {
        items: rows.into_iter().map(Cluster::from).collect(),
    }))
}

/// 集聚区详情
///
/// 一个集聚区及其设立、更名、合并、降级等变更记录。超出数据范围的访问被拒绝（403）并记入审计日志。
#[utoipa::path(
    get,
    path = "/clusters/{id}",
    tag = "集聚区",
    operation_id = "get_cluster",
    params(("id" = i64, Path, description = "集聚区 id")),
    responses(
        (status = 200, description = "集聚区及变更记录", body = ClusterDetail),
        AuthErrors,
        NotFoundError,
    )
)]
pub async fn get_cluster(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<ClusterDetail>, ApiError> {
    let id = path_id(&id, "集聚区")?;
    let (row, events) = state.app.get_cluster(&actor, id).await?;
    Ok(Json(ClusterDetail {
        cluster: row.into(),
        events: events
            .into_iter()
            .map(|e| ClusterEvent {
                at: time(e.at),
                kind_label: label_of(&EVENT_KINDS, &e.kind),
                kind: e.kind,
                detail: e.detail,
                user_id: e.user_id,
            })
            .collect(),
    }))
}
