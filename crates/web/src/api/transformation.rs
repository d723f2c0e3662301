//! 倒逼转型 through the API: the C-class enterprises of a year with their plans, one plan with
//! its progress, making a plan and reporting progress.

use axum::Json;
use axum::extract::{Path, Query, State};
use mujun_app::transformation::{PlanForm, PlanView, ProgressForm};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::common::{ApiJson, AuthErrors, NotFoundError, StepErrors, path_id};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::state::AppState;

/// 评价年度
#[derive(Deserialize, IntoParams)]
pub struct YearQuery {
    /// 评价年度（默认最近有类别的年度）
    pub year: Option<i64>,
}

/// 一企一策转型方案
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct TransformationPlanBody {
    /// 方案 id
    pub id: i64,
    /// 企业 id
    pub enterprise_id: i64,
    /// 企业名称
    pub enterprise_name: String,
    /// 评为 C 类的年度
    pub year: i64,
    /// 转型目标
    pub targets: String,
    /// 主要措施
    pub measures: String,
    /// 完成期限
    pub deadline: String,
    /// 责任人
    pub responsible: String,
    /// 最近进展
    pub progress: String,
    /// 已完成
    pub done: bool,
    /// 已逾期
    pub overdue: bool,
    /// 次年结果，如“2025 年度升为 B 类”
    pub outcome: String,
    /// 版本号（填报进展时带上）
    pub version: i64,
}

fn plan_body(p: PlanView) -> TransformationPlanBody {
    TransformationPlanBody {
        id: p.id,
        enterprise_id: p.enterprise_id,
        enterprise_name: p.enterprise_name,
        year: p.year,
        targets: p.targets,
        measures: p.measures,
        deadline: p.deadline,
        responsible: p.responsible,
        progress: p.progress,
        done: p.done,
        overdue: p.overdue,
        outcome: p.outcome_text,
        version: p.version,
    }
}

/// 一家 C 类企业
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CEnterpriseBody {
    /// 企业 id
    pub enterprise_id: i64,
    /// 企业名称
    pub name: String,
    /// 县（市、区）
    pub county: String,
    /// 产业集聚区
    pub cluster: String,
    /// 转型方案
    pub plan: Option<TransformationPlanBody>,
    /// 次年结果
    pub outcome: String,
}

/// 一个年度的 C 类企业及其转型方案
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CLedgerBody {
    /// 评价年度
    pub year: Option<i64>,
    /// C 类企业
    pub enterprises: Vec<CEnterpriseBody>,
    /// 已制定方案
    pub planned: usize,
    /// 已完成
    pub done: usize,
    /// 逾期未完成
    pub overdue: usize,
    /// 次年升为 A、B 类
    pub improved: usize,
}

/// C 类企业转型方案
///
/// 调用者范围内某年度的 C 类企业、其一企一策方案和次年结果。
#[utoipa::path(get, path = "/transformation-plans", tag = "倒逼转型", operation_id = "list_transformation_plans",
    params(YearQuery),
    responses((status = 200, description = "C 类企业", body = CLedgerBody), AuthErrors))]
pub async fn list_transformation_plans(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Query(q): Query<YearQuery>,
) -> Result<Json<CLedgerBody>, ApiError> {
    let v = state.app.c_ledger(&actor, q.year).await?;
    Ok(Json(CLedgerBody {
        year: v.year,
        planned: v.planned,
        done: v.done,
        overdue: v.overdue,
        improved: v.improved,
        enterprises: v
            .rows
            .into_iter()
            .map(|r| CEnterpriseBody {
                enterprise_id: r.enterprise_id,
                name: r.name,
                county: r.county,
                cluster: r.cluster,
                plan: r.plan.map(plan_body),
                outcome: r.outcome_text,
            })
            .collect(),
    }))
}

/// 单个转型方案
#[utoipa::path(get, path = "/transformation-plans/{id}", tag = "倒逼转型", operation_id = "get_transformation_plan",
    params(("id" = i64, Path, description = "方案 id")),
    responses((status = 200, description = "方案", body = TransformationPlanBody), AuthErrors, NotFoundError))]
pub async fn get_transformation_plan(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<TransformationPlanBody>, ApiError> {
    let id = path_id(&id, "转型方案")?;
    Ok(Json(plan_body(state.app.transformation_plan(&actor, id).await?)))
}

/// 新的转型方案
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTransformationPlan {
    /// 企业 id（须为该年度 C 类企业）
    pub enterprise_id: i64,
    /// 评为 C 类的年度
    pub year: i64,
    /// 转型目标
    pub targets: String,
    /// 主要措施
    pub measures: String,
    /// 完成期限 `YYYY-MM-DD`
    pub deadline: String,
    /// 责任人（姓名和职务）
    pub responsible: String,
}

/// 制定转型方案
///
/// 县区、集聚区或市级为范围内的 C 类企业制定一企一策方案（每家企业每年度一份）。浏览器会话须带 `X-CSRF-Token`。
#[utoipa::path(post, path = "/transformation-plans", tag = "倒逼转型", operation_id = "add_transformation_plan",
    request_body = NewTransformationPlan,
    responses((status = 200, description = "方案", body = TransformationPlanBody), AuthErrors, StepErrors))]
pub async fn add_transformation_plan(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    ApiJson(body): ApiJson<NewTransformationPlan>,
) -> Result<Json<TransformationPlanBody>, ApiError> {
    let form = PlanForm {
        enterprise_id: body.enterprise_id,
        year: body.year,
        targets: body.targets,
        measures: body.measures,
        deadline: body.deadline,
        responsible: body.responsible,
    };
    let id = state.app.add_transformation_plan(&actor, &form).await?;
    Ok(Json(plan_body(state.app.transformation_plan(&actor, id).await?)))
}

/// 转型进展
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTransformationProgress {
    /// 读取方案时的版本号
    pub version: i64,
    /// 进展
    pub body: String,
    /// 方案已完成
    #[serde(default)]
    pub done: bool,
}

/// 填报转型进展
///
/// 浏览器会话须带 `X-CSRF-Token`。
#[utoipa::path(post, path = "/transformation-plans/{id}/progress", tag = "倒逼转型", operation_id = "report_transformation",
    params(("id" = i64, Path, description = "方案 id")),
    request_body = NewTransformationProgress,
    responses((status = 200, description = "方案", body = TransformationPlanBody), AuthErrors, NotFoundError, StepErrors))]
pub async fn report_transformation(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewTransformationProgress>,
) -> Result<Json<TransformationPlanBody>, ApiError> {
    let id = path_id(&id, "转型方案")?;
    let form = ProgressForm {
        version: body.version,
        body: body.body,
        done: if body.done { "1".into() } else { String::new() },
    };
    state.app.report_transformation(&actor, id, &form).await?;
    Ok(Json(plan_body(state.app.transformation_plan(&actor, id).await?)))
}
