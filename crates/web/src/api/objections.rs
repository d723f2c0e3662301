//! 异议: the objections the caller may see — an enterprise its own, a department officer those
//! routed to its department, the city administrator all, county and cluster officers those of
//! their enterprises.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::common::{ApiQuery, AuthErrors, Labeled, QueryError, QueryParser, time};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::state::AppState;

/// 一件异议
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Objection {
    /// 异议 id
    pub id: i64,
    /// 批次 id
    pub run_id: i64,
    /// 数据年度
    pub year: i64,
    /// 企业 id
    pub enterprise_id: i64,
    /// 统一社会信用代码
    pub credit_code: String,
    /// 企业名称
    pub name: String,
    /// 异议事项：数据项 id（如 `tax_paid`）或 `class`（评价类别）
    pub item: Labeled,
    /// 单位（数据项）
    pub unit: String,
    /// 评价所用的数值（数据项异议）
    pub evaluated_value: Option<f64>,
    /// 企业的理由
    pub text: String,
    /// 附件文件名（无附件为空）
    pub attachment_name: String,
    /// 处理部门代码（`city` 为市级评价管理员）
    pub department_code: String,
    /// 状态：`open` 待处理、`accepted` 已采纳、`rejected` 已驳回
    pub status: Labeled,
    /// 处理说明（驳回理由或采纳说明）
    pub resolution: String,
    /// 采纳时的更正值（按数据项的单位）
    pub corrected_value: Option<f64>,
    /// 提出时间（北京时间，RFC 3339）
    pub filed_at: String,
    /// 处理时间
    pub resolved_at: Option<String>,
}

/// 调用者可见的异议
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ObjectionList {
    /// 异议（新的在前）
    pub items: Vec<Objection>,
}

/// 异议列表的查询参数
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ObjectionsQuery {
    /// 只看某一批次
    #[param(value_type = Option<i64>, minimum = 1)]
    pub run: Option<String>,
}

fn status_label(status: &str) -> &'static str {
    match status {
        "open" => "待处理",
        "accepted" => "已采纳",
        "rejected" => "已驳回",
        _ => "未知",
    }
}

/// 异议列表
///
/// 企业用户只见本企业的异议；部门数据员只见转给本部门的异议；市级评价管理员可见全部；县区、集聚区人员可见本范围企业的异议。
/// 系统管理员和审计员无权查看（403）。
#[utoipa::path(
    get,
    path = "/objections",
    tag = "综合评价",
    operation_id = "list_objections",
    params(ObjectionsQuery),
    responses(
        (status = 200, description = "异议", body = ObjectionList),
        AuthErrors,
        QueryError,
    )
)]
pub async fn list_objections(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    ApiQuery(q): ApiQuery<ObjectionsQuery>,
) -> Result<Json<ObjectionList>, ApiError> {
    let mut p = QueryParser::default();
    let run = p.parse::<i64>("run", q.run.as_deref(), "批次应为 id（整数）");
    let run = p.finish(run)?;
    let items = state
        .app
        .list_objections(&actor, run)
        .await?
        .into_iter()
        .map(|v| {
            let o = v.objection;
            Objection {
                id: o.id,
                run_id: o.run_id,
                year: v.year,
                enterprise_id: o.enterprise_id,
                credit_code: v.credit_code,
                name: v.name,
                item: Labeled::new(o.item, v.item_label),
                unit: v.unit,
                evaluated_value: v.evaluated_value,
                text: o.text,
                attachment_name: o.attachment_name,
                department_code: o.department_code,
                status: Labeled::new(o.status.clone(), status_label(&o.status)),
                resolution: o.resolution,
                corrected_value: o.corrected_value,
                filed_at: time(o.filed_at),
                resolved_at: o.resolved_at.map(time),
            }
        })
        .collect();
    Ok(Json(ObjectionList { items }))
}
