//! The low-efficiency ledger, disposal plans and the 标准地 checks through the API.

use axum::Json;
use axum::extract::{Path, Query, State};
use mujun_app::land::plans::{DisposalForm, PlanForm};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::common::{ApiJson, AuthErrors, NotFoundError, StepErrors, path_id};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::state::AppState;

/// 数据年度
#[derive(Deserialize, IntoParams)]
pub struct YearQuery {
    /// 数据年度（默认最近有数据的年度）
    pub year: Option<i64>,
}

/// 一宗低效用地
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct LowParcelBody {
    /// 宗地 id
    pub parcel_id: i64,
    /// 宗地编号
    pub certificate_no: String,
    /// 面积（亩）
    pub area_mu: f64,
    /// 县（市、区）
    pub county: String,
    /// 产业集聚区
    pub cluster: String,
    /// 土地使用权人
    pub holder: String,
    /// 低效类型
    pub kind: String,
    /// 认定情形
    pub findings: Vec<String>,
    /// 处置方案 id
    pub plan_id: Option<i64>,
}

/// 处置方案
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct PlanBody {
    /// 方案 id
    pub id: i64,
    /// 宗地编号
    pub certificate_no: String,
    /// 低效类型
    pub kind: String,
    /// 处置方式
    pub mode: String,
    /// 责任单位
    pub responsible_unit: String,
    /// 完成期限
    pub deadline: String,
    /// 方案面积（亩）
    pub area_mu: f64,
    /// 已处置面积（亩）
    pub area_disposed_mu: f64,
    /// 已完成
    pub done: bool,
    /// 已逾期
    pub overdue: bool,
    /// 版本号（填报进展时带上）
    pub version: i64,
}

/// 低效用地台账
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct LowLedgerBody {
    /// 判断所用的数据年度
    pub year: Option<i64>,
    /// 低效用地
    pub parcels: Vec<LowParcelBody>,
    /// 处置方案
    pub plans: Vec<PlanBody>,
}

/// 新的处置方案
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPlan {
    /// 宗地 id（须在低效用地清单中）
    pub parcel_id: i64,
    /// 处置方式代码：`lease`、`buy_back`、`restructure`、`reinvest`、`bankruptcy`、`other`
    pub mode: String,
    /// 责任单位
    pub responsible_unit: String,
    /// 完成期限 `YYYY-MM-DD`
    pub deadline: String,
    /// 处置面积（亩），空为整宗
    #[serde(default)]
    pub area_mu: Option<f64>,
}

/// 处置进展
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDisposal {
    /// 读取方案时的版本号
    pub version: i64,
    /// 填报日期（空为今天）
    #[serde(default)]
    pub reported_on: String,
    /// 累计处置面积（亩）
    pub area_disposed_mu: f64,
    /// 进展
    pub note: String,
    /// 处置完成
    #[serde(default)]
    pub done: bool,
}

/// 标准地核验未达约定的一条
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct StandardRowBody {
    /// 合同 id
    pub contract_id: i64,
    /// 企业名称
    pub enterprise_name: String,
    /// 项目名称
    pub project_name: String,
    /// 核验：竣工核验、达产复核（年度）
    pub check: String,
    /// 未达约定情形
    pub shortfalls: Vec<String>,
    /// 差额（万元）
    pub amount: String,
    /// 缺少数据未判断的指标
    pub unknown: Vec<String>,
    /// 整改期限
    pub deadline: String,
    /// 取消招商引资优惠
    pub loses_incentives: bool,
}

/// 标准地履约
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct StandardBody {
    /// 达产复核的数据年度
    pub year: Option<i64>,
    /// 标准地合同数
    pub contracts: usize,
    /// 核验次数
    pub checks: usize,
    /// 未达约定或无法判断的核验
    pub rows: Vec<StandardRowBody>,
}

/// 低效用地台账
///
/// 按进展报告和企业数据判断的低效用地（五未土地、停产半停产、停建缓建）及其处置方案。
#[utoipa::path(get, path = "/land/low-efficiency", tag = "土地与项目", operation_id = "get_low_efficiency",
    params(YearQuery),
    responses((status = 200, description = "台账", body = LowLedgerBody), AuthErrors))]
pub async fn low_efficiency(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Query(q): Query<YearQuery>,
) -> Result<Json<LowLedgerBody>, ApiError> {
    let v = state.app.low_efficiency(&actor, q.year).await?;
    Ok(Json(LowLedgerBody {
        year: v.year,
        parcels: v
            .parcels
            .into_iter()
            .map(|p| LowParcelBody {
                parcel_id: p.parcel_id,
                certificate_no: p.certificate_no,
                area_mu: p.area_mu,
                county: p.county,
                cluster: p.cluster,
                holder: p.holder,
                kind: p.kind.to_owned(),
                findings: p.findings,
                plan_id: p.plan_id,
            })
            .collect(),
        plans: v.plans.into_iter().map(plan_body).collect(),
    }))
}

fn plan_body(p: mujun_app::land::low::PlanView) -> PlanBody {
    PlanBody {
        id: p.id,
        certificate_no: p.certificate_no,
        kind: p.kind.to_owned(),
        mode: p.mode.to_owned(),
        responsible_unit: p.responsible_unit,
        deadline: p.deadline,
        area_mu: p.area_mu,
        area_disposed_mu: p.area_disposed_mu,
        done: p.done,
        overdue: p.overdue,
        version: p.version,
    }
}

/// 制定低效用地处置方案
///
/// 一宗一策：宗地须在调用者范围内的低效用地清单中，且没有未完成的方案。浏览器会话须带 `X-CSRF-Token`。
#[utoipa::path(post, path = "/land/disposal-plans", tag = "土地与项目", operation_id = "add_disposal_plan",
    request_body = NewPlan,
    responses((status = 200, description = "处置方案", body = PlanBody), AuthErrors, StepErrors))]
pub async fn add_plan(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    ApiJson(body): ApiJson<NewPlan>,
) -> Result<Json<PlanBody>, ApiError> {
    let form = PlanForm {
        parcel_id: body.parcel_id,
        mode: body.mode,
        responsible_unit: body.responsible_unit,
        deadline: body.deadline,
        area_mu: body.area_mu.map(|a| a.to_string()).unwrap_or_default(),
    };
    let id = state.app.add_disposal_plan(&actor, &form).await?;
    Ok(Json(plan_body(state.app.disposal_plan(&actor, id).await?)))
}

/// 填报处置进展
///
/// 累计处置面积不少于已处置、不超过方案面积。浏览器会话须带 `X-CSRF-Token`。
#[utoipa::path(post, path = "/land/disposal-plans/{id}/progress", tag = "土地与项目", operation_id = "report_disposal",
    params(("id" = i64, Path, description = "方案 id")),
    request_body = NewDisposal,
    responses((status = 200, description = "处置方案", body = PlanBody), AuthErrors, NotFoundError, StepErrors))]
pub async fn report_disposal(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewDisposal>,
) -> Result<Json<PlanBody>, ApiError> {
    let plan = path_id(&id, "处置方案")?;
    let form = DisposalForm {
        version: body.version,
        reported_on: body.reported_on,
        area_disposed_mu: body.area_disposed_mu.to_string(),
        note: body.note,
        done: if body.done { "1".into() } else { String::new() },
    };
    state.app.report_disposal(&actor, plan, &form).await?;
    Ok(Json(plan_body(state.app.disposal_plan(&actor, plan).await?)))
}

/// 标准地履约
///
/// 标准地合同的竣工核验（投资强度、容积率）和达产复核（亩均税收等，按企业当年数据），未达约定的列出差额和整改期限，
/// 并标明应取消招商引资优惠的企业。
#[utoipa::path(get, path = "/land/standard-land", tag = "土地与项目", operation_id = "get_standard_land",
    params(YearQuery),
    responses((status = 200, description = "核验结果", body = StandardBody), AuthErrors))]
pub async fn standard_land(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Query(q): Query<YearQuery>,
) -> Result<Json<StandardBody>, ApiError> {
    let v = state.app.standard_land(&actor, q.year).await?;
    Ok(Json(StandardBody {
        year: v.year,
        contracts: v.contracts,
        checks: v.checks,
        rows: v
            .rows
            .into_iter()
            .map(|r| StandardRowBody {
                contract_id: r.contract_id,
                enterprise_name: r.enterprise_name,
                project_name: r.project_name,
                check: r.check,
                shortfalls: r.shortfalls,
                amount: r.amount,
                unknown: r.unknown.iter().map(|u| (*u).to_owned()).collect(),
                deadline: r.deadline,
                loses_incentives: r.loses_incentives,
            })
            .collect(),
    }))
}
