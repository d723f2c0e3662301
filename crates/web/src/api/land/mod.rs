//! The land and project lifecycle through the API (issue 13): projects and contracts and their
//! progress here; idle-land and exit cases in [`cases`]; the low-efficiency ledger, disposal
//! plans and the 标准地 checks in [`ledgers`]. The same use cases as the pages: permissions,
//! validation and audit are theirs.

mod cases;
mod ledgers;

pub use cases::*;
pub use ledgers::*;

use axum::Json;
use axum::extract::{Path, State};
use mujun_app::land::contracts::ContractForm;
use mujun_app::land::progress::ProgressForm;
use mujun_app::land::projects::ProjectView;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::common::{ApiJson, AuthErrors, NotFoundError, StepErrors, path_id};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::state::AppState;

/// 一个项目（供地合同）及规则判断
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ProjectBody {
    /// 合同 id
    pub id: i64,
    /// 合同编号
    pub contract_no: String,
    /// 项目名称
    pub project_name: String,
    /// 受让企业 id
    pub enterprise_id: i64,
    /// 受让企业名称
    pub enterprise_name: String,
    /// 统一社会信用代码
    pub credit_code: String,
    /// 县（市、区）
    pub county: String,
    /// 产业集聚区
    pub cluster: String,
    /// 宗地编号
    pub certificate_no: String,
    /// 宗地面积（亩）
    pub area_mu: f64,
    /// 供地方式：出让、划拨
    pub supply_mode: String,
    /// 价款（元）
    pub price: String,
    /// 约定动工日期
    pub agreed_start: String,
    /// 约定竣工日期
    pub agreed_completion: String,
    /// 约定达产日期
    pub agreed_full_production: String,
    /// 是否标准地
    pub standard_land: bool,
    /// 建设阶段
    pub stage: String,
    /// 累计投资 / 约定总投资（万元）
    pub investment: String,
    /// 闲置情形（53号令），未构成闲置为空
    pub idle: String,
    /// 退出情形，按约定推进为空
    pub exit: String,
    /// 停建缓建情形
    pub stall: String,
    /// 低效用地类型（五未土地）
    pub low_efficiency_kind: String,
    /// 最近的闲置土地案件 id
    pub idle_case_id: Option<i64>,
    /// 最近的项目退出案件 id
    pub exit_case_id: Option<i64>,
}

impl From<ProjectView> for ProjectBody {
    fn from(p: ProjectView) -> Self {
        ProjectBody {
            id: p.id,
            contract_no: p.contract_no,
            project_name: p.project_name,
            enterprise_id: p.enterprise_id,
            enterprise_name: p.enterprise_name,
            credit_code: p.credit_code,
            county: p.county,
            cluster: p.cluster,
            certificate_no: p.certificate_no,
            area_mu: p.area_mu,
            supply_mode: p.supply_mode.to_owned(),
            price: p.price,
            agreed_start: p.agreed_start,
            agreed_completion: p.agreed_completion,
            agreed_full_production: p.agreed_full_production,
            standard_land: p.standard_land,
            stage: p.stage.to_owned(),
            investment: p.investment,
            idle: p.idle,
            exit: p.exit,
            stall: p.stall,
            low_efficiency_kind: p.kind.to_owned(),
            idle_case_id: p.idle_case.map(|c| c.id),
            exit_case_id: p.exit_case.map(|c| c.id),
        }
    }
}

/// 项目列表
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ProjectList {
    /// 项目
    pub items: Vec<ProjectBody>,
}

/// 一次进展报告
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ProgressBody {
    /// 报告 id
    pub id: i64,
    /// 报告日期
    pub reported_on: String,
    /// 建设阶段
    pub stage: String,
    /// 动工、停工、竣工、投产日期
    pub dates: String,
    /// 已开发建筑面积（平方米）
    pub area_developed: String,
    /// 总建筑面积（平方米）
    pub floor_area: String,
    /// 累计投资（万元）
    pub investment_made: String,
    /// 说明
    pub note: String,
}

/// 一个项目的详情
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ProjectDetailBody {
    /// 项目
    pub project: ProjectBody,
    /// 约定的标准地指标
    pub standards: Vec<String>,
    /// 进展报告，新的在前
    pub progress: Vec<ProgressBody>,
}

/// 供地合同（一批，全部通过校验才登记）
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ContractBatch {
    /// 各份合同：字段同合同导入模板，值为文本（日期 `YYYY-MM-DD`，金额万元）
    #[schema(value_type = Vec<Object>)]
    pub contracts: Vec<ContractBody>,
}

/// 一份供地合同（文本字段，与导入模板的列相同）
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ContractBody {
    certificate_no: String,
    area_mu: String,
    location: String,
    land_use: String,
    polygon: String,
    credit_code: String,
    contract_no: String,
    project_name: String,
    supply_mode: String,
    price_wan: String,
    signed_on: String,
    agreed_start: String,
    agreed_completion: String,
    agreed_full_production: String,
    area_due_m2: String,
    investment_total: String,
    standard_land: String,
    std_investment_per_mu: String,
    std_plot_ratio: String,
    std_tax_per_mu: String,
    std_value_added_per_tce: String,
    std_value_added_per_pollution: String,
    std_rd_share_pct: String,
}

impl From<ContractBody> for ContractForm {
    fn from(b: ContractBody) -> Self {
        ContractForm {
            certificate_no: b.certificate_no,
            area_mu: b.area_mu,
            location: b.location,
            land_use: b.land_use,
            polygon: b.polygon,
            credit_code: b.credit_code,
            contract_no: b.contract_no,
            project_name: b.project_name,
            supply_mode: b.supply_mode,
            price_wan: b.price_wan,
            signed_on: b.signed_on,
            agreed_start: b.agreed_start,
            agreed_completion: b.agreed_completion,
            agreed_full_production: b.agreed_full_production,
            area_due_m2: b.area_due_m2,
            investment_total: b.investment_total,
            standard_land: b.standard_land,
            std_investment_per_mu: b.std_investment_per_mu,
            std_plot_ratio: b.std_plot_ratio,
            std_tax_per_mu: b.std_tax_per_mu,
            std_value_added_per_tce: b.std_value_added_per_tce,
            std_value_added_per_pollution: b.std_value_added_per_pollution,
            std_rd_share_pct: b.std_rd_share_pct,
        }
    }
}

/// 登记的合同 id
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Created {
    /// 新登记的 id，顺序同请求
    pub ids: Vec<i64>,
}

/// 进展报告
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProgress {
    /// 报告日期（空为今天）
    #[serde(default)]
    pub reported_on: String,
    /// 建设阶段：`not_started`、`building`、`suspended`、`completed`、`producing`
    pub stage: String,
    /// 实际动工日期
    #[serde(default)]
    pub started_on: String,
    /// 停工日期
    #[serde(default)]
    pub suspended_since: String,
    /// 竣工日期
    #[serde(default)]
    pub completed_on: String,
    /// 投产日期
    #[serde(default)]
    pub producing_on: String,
    /// 已开发建筑面积（平方米）
    #[serde(default)]
    pub area_developed_m2: f64,
    /// 已建总建筑面积（平方米）
    #[serde(default)]
    pub floor_area_m2: f64,
    /// 累计投资（万元，不含地价）
    #[serde(default)]
    pub investment_made: f64,
    /// 说明
    #[serde(default)]
    pub note: String,
}

/// 调用者可见的项目（供地合同）
///
/// 每个项目附按今天判断的闲置、退出、停建缓建情形和低效类型。企业用户只见本企业的项目，县区和集聚区只见本辖区。
#[utoipa::path(get, path = "/land/projects", tag = "土地与项目", operation_id = "list_land_projects",
    responses((status = 200, description = "项目", body = ProjectList), AuthErrors))]
pub async fn list_projects(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
) -> Result<Json<ProjectList>, ApiError> {
    let items = state.app.projects(&actor).await?;
    Ok(Json(ProjectList {
        items: items.into_iter().map(ProjectBody::from).collect(),
    }))
}

/// 登记供地合同（批量）
///
/// 自然资源和规划部门或市级评价管理员。全部通过校验才登记；任一份有误时一份都不登记，422 的 fields
/// 逐条指明第几条、哪一列和所填的值。浏览器会话须带 `X-CSRF-Token`。
#[utoipa::path(post, path = "/land/contracts", tag = "土地与项目", operation_id = "register_contracts",
    request_body = ContractBatch,
    responses((status = 200, description = "已登记", body = Created), AuthErrors, StepErrors))]
pub async fn register_contracts(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    ApiJson(body): ApiJson<ContractBatch>,
) -> Result<Json<Created>, ApiError> {
    let forms: Vec<ContractForm> = body.contracts.into_iter().map(ContractForm::from).collect();
    let ids = state.app.import_contracts(&actor, &forms, "").await?;
    Ok(Json(Created { ids }))
}

/// 一个项目
///
/// 合同、约定的标准地指标、进展报告和今天的规则判断。
#[utoipa::path(get, path = "/land/projects/{id}", tag = "土地与项目", operation_id = "get_land_project",
    params(("id" = i64, Path, description = "合同 id")),
    responses((status = 200, description = "项目详情", body = ProjectDetailBody), AuthErrors, NotFoundError))]
pub async fn get_project(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<ProjectDetailBody>, ApiError> {
    let id = path_id(&id, "项目")?;
    let d = state.app.project(&actor, id).await?;
    Ok(Json(ProjectDetailBody {
        standards: d.standards.iter().map(|(l, v)| format!("{l} {v}")).collect(),
        progress: d
            .progress
            .into_iter()
            .map(|p| ProgressBody {
                id: p.id,
                reported_on: p.reported_on,
                stage: p.stage.to_owned(),
                dates: p.dates,
                area_developed: p.area_developed,
                floor_area: p.floor_area,
                investment_made: p.investment_made,
                note: p.note,
            })
            .collect(),
        project: d.p.into(),
    }))
}

/// 报告项目进展
///
/// 每次报告都保留，最新一次为项目现状；累计投资不能少于上次。浏览器会话须带 `X-CSRF-Token`。
#[utoipa::path(post, path = "/land/projects/{id}/progress", tag = "土地与项目", operation_id = "report_land_progress",
    params(("id" = i64, Path, description = "合同 id")),
    request_body = NewProgress,
    responses((status = 200, description = "项目详情", body = ProjectDetailBody), AuthErrors, NotFoundError, StepErrors))]
pub async fn report_progress(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewProgress>,
) -> Result<Json<ProjectDetailBody>, ApiError> {
    let contract = path_id(&id, "项目")?;
    let form = ProgressForm {
        reported_on: body.reported_on,
        stage: body.stage,
        started_on: body.started_on,
        suspended_since: body.suspended_since,
        completed_on: body.completed_on,
        producing_on: body.producing_on,
        area_developed_m2: body.area_developed_m2.to_string(),
        floor_area_m2: body.floor_area_m2.to_string(),
        investment_made: body.investment_made.to_string(),
        note: body.note,
    };
    state
        .app
        .report_progress(&user.actor, contract, &form, None)
        .await?;
    get_project(State(state), user, Path(id)).await
}

/// 疑似闲置土地
///
/// 按合同约定和最新进展今天判断为闲置（53号令第二条）且尚无未结案件的项目。
#[utoipa::path(get, path = "/land/idle-candidates", tag = "土地与项目", operation_id = "list_idle_candidates",
    responses((status = 200, description = "项目", body = ProjectList), AuthErrors))]
pub async fn idle_candidates(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
) -> Result<Json<ProjectList>, ApiError> {
    let items = state.app.idle_candidates(&actor).await?;
    Ok(Json(ProjectList {
        items: items.into_iter().map(ProjectBody::from).collect(),
    }))
}
