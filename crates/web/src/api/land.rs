//! The land and project lifecycle through the API (issue 13): projects and contracts, progress
//! reports, idle-land and exit cases with their steps, the low-efficiency ledger and disposal
//! plans, and the 标准地 checks. The same use cases as the pages: permissions, validation and
//! audit are theirs.

use axum::Json;
use axum::extract::{Path, Query, State};
use mujun_app::land::CaseKind;
use mujun_app::land::cases::{CaseView, StepForm};
use mujun_app::land::contracts::ContractForm;
use mujun_app::land::low::{DisposalForm, PlanForm};
use mujun_app::land::progress::ProgressForm;
use mujun_app::land::projects::ProjectView;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

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

/// 案件的一个办理步骤（立案时为第一步）
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct StepBody {
    /// 案件种类（仅立案时）：`idle`（闲置土地）或 `exit`（项目退出）
    pub kind: String,
    /// 读取案件时的版本号（立案时为 0）
    pub version: i64,
    /// 步骤代码，如 `investigation`、`identification`、`notification`、`fee_decision`、`rectification_notice`
    pub step: String,
    /// 文号
    pub doc_no: String,
    /// 签发日期（空为今天）
    pub issued_on: String,
    /// 送达日期
    pub served_on: String,
    /// 期限（限期整改、协商处置时填写；其余按规定计算）
    pub deadline: String,
    /// 说明
    pub note: String,
    /// 闲置原因代码（认定时）：`enterprise` 或政府原因之一
    pub cause: String,
    /// 证据
    pub cause_evidence: String,
    /// 协商处置方式代码
    pub option: String,
}

impl From<StepBody> for StepForm {
    fn from(b: StepBody) -> Self {
        StepForm {
            version: b.version,
            step: b.step,
            doc_no: b.doc_no,
            issued_on: b.issued_on,
            served_on: b.served_on,
            deadline: b.deadline,
            note: b.note,
            cause: b.cause,
            cause_evidence: b.cause_evidence,
            option: b.option,
        }
    }
}

/// 一个案件
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CaseBody {
    /// 案件 id
    pub id: i64,
    /// 种类：闲置土地处置、项目退出
    pub kind: String,
    /// 合同 id
    pub contract_id: i64,
    /// 土地使用权人
    pub enterprise_name: String,
    /// 宗地编号
    pub certificate_no: String,
    /// 立案情形
    pub finding: String,
    /// 认定原因
    pub cause: String,
    /// 协商处置方式
    pub option: String,
    /// 土地闲置费（元）
    pub fee: String,
    /// 办理状态
    pub status: String,
    /// 当前期限
    pub deadline: String,
    /// 已逾期
    pub overdue: bool,
    /// 已结案
    pub closed: bool,
    /// 版本号（办理下一步时带上）
    pub version: i64,
}

impl From<CaseView> for CaseBody {
    fn from(c: CaseView) -> Self {
        CaseBody {
            id: c.id,
            kind: c.kind.to_owned(),
            contract_id: c.contract_id,
            enterprise_name: c.enterprise_name,
            certificate_no: c.certificate_no,
            finding: c.finding,
            cause: c.cause,
            option: c.option,
            fee: c.fee,
            status: c.status.to_owned(),
            deadline: c.deadline,
            overdue: c.overdue,
            closed: c.closed,
            version: c.version,
        }
    }
}

/// 案件列表
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CaseList {
    /// 案件，未结的在前
    pub items: Vec<CaseBody>,
}

/// 办理步骤
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CaseStepBody {
    /// 步骤 id（下载文书用）
    pub id: i64,
    /// 步骤
    pub label: String,
    /// 文书名称
    pub document: String,
    /// 文号
    pub doc_no: String,
    /// 签发日期
    pub issued_on: String,
    /// 送达日期
    pub served_on: String,
    /// 期限
    pub deadline: String,
    /// 说明
    pub note: String,
}

/// 案件详情
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CaseDetailBody {
    /// 案件
    pub case: CaseBody,
    /// 办理步骤
    pub steps: Vec<CaseStepBody>,
    /// 调用者可以办理的下一步（步骤代码）
    pub next: Vec<String>,
}

/// 案件种类
#[derive(Deserialize, IntoParams)]
pub struct KindQuery {
    /// `idle`（闲置土地，默认）或 `exit`（项目退出）
    pub kind: Option<String>,
}

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

fn kind(q: &KindQuery) -> Result<CaseKind, ApiError> {
    match q.kind.as_deref() {
        None | Some("") => Ok(CaseKind::Idle),
        Some(k) => CaseKind::parse(k).ok_or_else(|| {
            ApiError(mujun_app::AppError::invalid(
                "kind",
                format!("案件种类“{k}”无效：应为 idle 或 exit"),
            ))
        }),
    }
}

/// 闲置土地或项目退出案件
#[utoipa::path(get, path = "/land/cases", tag = "土地与项目", operation_id = "list_land_cases",
    params(KindQuery),
    responses((status = 200, description = "案件", body = CaseList), AuthErrors, StepErrors))]
pub async fn list_cases(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Query(q): Query<KindQuery>,
) -> Result<Json<CaseList>, ApiError> {
    let items = state.app.land_cases(&actor, kind(&q)?).await?;
    Ok(Json(CaseList {
        items: items.into_iter().map(CaseBody::from).collect(),
    }))
}

/// 立案
///
/// 闲置土地（自然资源和规划部门、市级评价管理员）以调查通知书立案；项目退出（市级评价管理员、所在县区和集聚区）
/// 以限期整改通知书立案。项目须今天符合立案条件且没有未结案件。浏览器会话须带 `X-CSRF-Token`。
#[utoipa::path(post, path = "/land/projects/{id}/cases", tag = "土地与项目", operation_id = "open_land_case",
    params(("id" = i64, Path, description = "合同 id")),
    request_body = StepBody,
    responses((status = 200, description = "案件详情", body = CaseDetailBody), AuthErrors, NotFoundError, StepErrors))]
pub async fn open_case(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<StepBody>,
) -> Result<Json<CaseDetailBody>, ApiError> {
    let contract = path_id(&id, "项目")?;
    let k = kind(&KindQuery {
        kind: Some(body.kind.clone()),
    })?;
    let case = state
        .app
        .open_land_case(&user.actor, k, contract, &body.into())
        .await?;
    get_case(State(state), user, Path(case.to_string())).await
}

/// 一个案件
///
/// 办理步骤（含文号、签发、送达日期和期限）与调用者可以办理的下一步。
#[utoipa::path(get, path = "/land/cases/{id}", tag = "土地与项目", operation_id = "get_land_case",
    params(("id" = i64, Path, description = "案件 id")),
    responses((status = 200, description = "案件详情", body = CaseDetailBody), AuthErrors, NotFoundError))]
pub async fn get_case(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<CaseDetailBody>, ApiError> {
    let id = path_id(&id, "案件")?;
    let d = state.app.land_case(&actor, id).await?;
    Ok(Json(CaseDetailBody {
        steps: d
            .steps
            .into_iter()
            .map(|s| CaseStepBody {
                id: s.id,
                label: s.label.to_owned(),
                document: s.document.to_owned(),
                doc_no: s.doc_no,
                issued_on: s.issued_on,
                served_on: s.served_on,
                deadline: s.deadline,
                note: s.note,
            })
            .collect(),
        next: d.next.iter().map(|n| n.id.to_owned()).collect(),
        case: d.case.into(),
    }))
}

/// 办理案件的下一步
///
/// 步骤须是案件当前可以办理的一步（如政府原因只能协商处置，闲置满两年的决定为无偿收回）；`version`
/// 为读取时的版本号，他人先办理时返回 409。浏览器会话须带 `X-CSRF-Token`。
#[utoipa::path(post, path = "/land/cases/{id}/steps", tag = "土地与项目", operation_id = "advance_land_case",
    params(("id" = i64, Path, description = "案件 id")),
    request_body = StepBody,
    responses((status = 200, description = "案件详情", body = CaseDetailBody), AuthErrors, NotFoundError, StepErrors))]
pub async fn advance_case(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<StepBody>,
) -> Result<Json<CaseDetailBody>, ApiError> {
    let case = path_id(&id, "案件")?;
    state
        .app
        .advance_land_case(&user.actor, case, &body.into())
        .await?;
    get_case(State(state), user, Path(id)).await
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
