//! Simulating a method change on a run's snapshot through the API (issue 15).

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::common::{ApiJson, AuthErrors, NotFoundError, StepErrors, path_id};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::state::AppState;

/// 修改后的评价方法
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SimulateRequest {
    /// 评价方法文件（TOML）
    pub method: String,
}

/// 类别会变化的企业
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SimulatedChange {
    /// 企业 id
    pub enterprise_id: i64,
    /// 企业名称
    pub name: String,
    /// 评价组（集聚区或县区）
    pub pool: String,
    /// 现行方法下的类别
    pub from: String,
    /// 修改后的类别
    pub to: String,
    /// 现行得分
    pub total_from: Option<f64>,
    /// 修改后得分
    pub total_to: Option<f64>,
}

/// 模拟结果
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SimulationBody {
    /// 修改后方法的名称
    pub method_name: String,
    /// 快照中的企业数
    pub enterprises: usize,
    /// 各类别家数 `[类别, 现行, 修改后]`（X 为未参评）
    pub counts: Vec<(String, usize, usize)>,
    /// 类别会变化的企业
    pub changes: Vec<SimulatedChange>,
}

/// 模拟方法调整
///
/// 在批次的数据快照上按修改后的方法重新计算，与批次的方法对比；不改变任何批次，记入审计日志。仅市级评价管理员。浏览器会话须带 `X-CSRF-Token`。
#[utoipa::path(post, path = "/runs/{id}/simulate", tag = "综合评价", operation_id = "simulate_run",
    params(("id" = i64, Path, description = "批次 id")),
    request_body = SimulateRequest,
    responses((status = 200, description = "模拟结果", body = SimulationBody), AuthErrors, NotFoundError, StepErrors))]
pub async fn simulate_run(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SimulateRequest>,
) -> Result<Json<SimulationBody>, ApiError> {
    let id = path_id(&id, "评价批次")?;
    let r = state.app.simulate_run(&actor, id, &body.method).await?;
    Ok(Json(SimulationBody {
        method_name: r.method_name,
        enterprises: r.enterprises,
        counts: r.counts,
        changes: r
            .changes
            .into_iter()
            .map(|c| SimulatedChange {
                enterprise_id: c.enterprise_id,
                name: c.name,
                pool: c.cluster,
                from: c.from,
                to: c.to,
                total_from: c.total_from,
                total_to: c.total_to,
            })
            .collect(),
    }))
}
