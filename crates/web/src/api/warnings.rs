//! The early-warning list through the API.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::common::AuthErrors;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::state::AppState;

/// 一家企业的预警
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct WarningBody {
    /// 企业 id
    pub enterprise_id: i64,
    /// 企业名称
    pub name: String,
    /// 县（市、区）
    pub county: String,
    /// 产业集聚区
    pub cluster: String,
    /// 最近类别
    pub class: String,
    /// 预警信号 `[类型, 说明]`，类型为类别下滑、得分连降、指标偏低、超定额
    pub signals: Vec<(String, String)>,
}

/// 预警名单
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct WarningsBody {
    /// 有预警信号的企业，信号多的在前
    pub enterprises: Vec<WarningBody>,
    /// 按县区 `[名称, 企业数]`
    pub by_county: Vec<(String, usize)>,
    /// 按集聚区 `[名称, 企业数]`
    pub by_cluster: Vec<(String, usize)>,
    /// 判断依据和未能判断的情形
    pub basis: Vec<String>,
}

/// 预警名单
///
/// 调用者范围内滑向 C 类（类别或得分连续两年下降、指标低于评价组标杆的一定比例）或超过政策定额的企业。
#[utoipa::path(get, path = "/warnings", tag = "企业", operation_id = "list_warnings",
    responses((status = 200, description = "预警名单", body = WarningsBody), AuthErrors))]
pub async fn list_warnings(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
) -> Result<Json<WarningsBody>, ApiError> {
    let v = state.app.warnings(&actor).await?;
    Ok(Json(WarningsBody {
        enterprises: v
            .rows
            .into_iter()
            .map(|r| WarningBody {
                enterprise_id: r.enterprise_id,
                name: r.name,
                county: r.county,
                cluster: r.cluster,
                class: r.class,
                signals: r
                    .signals
                    .into_iter()
                    .map(|(k, t)| (k.label().to_owned(), t))
                    .collect(),
            })
            .collect(),
        by_county: v.by_county,
        by_cluster: v.by_cluster,
        basis: v.basis,
    }))
}
