//! What a method change would do, through the API (issue 15): simulate a draft on a run's
//! snapshot, keep it as a named scenario, compare up to three, and the sensitivity of the
//! method. City evaluation administrator only; the use cases check and audit.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use mujun_app::evaluation::format::number;
use mujun_app::evaluation::simulate::Simulation;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::common::{ApiJson, ApiQuery, AuthErrors, NotFoundError, QueryParser, StepErrors, path_id};
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

/// 参与对比的方法
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SimulatedMethod {
    /// 名称：“现行方法”“修改后”或方案名称
    pub label: String,
    /// 方法文件中的名称
    pub method_name: String,
    /// 所属的已保存方案 id
    pub scenario_id: Option<i64>,
}

/// 某一方法下某一类别的汇总
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ClassCell {
    /// 企业数
    pub enterprises: usize,
    /// 用地面积合计（亩）
    pub land_area_mu: f64,
    /// 实缴税收合计（万元）
    pub tax_paid: f64,
    /// 亩均税收（万元/亩）
    pub tax_per_mu: Option<f64>,
}

/// 一个类别在各方法下的汇总
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ClassSummary {
    /// 类别（X 为不参评）
    pub class: String,
    /// 类别名称
    pub label: String,
    /// 按方法顺序
    pub cells: Vec<ClassCell>,
}

/// 一个排名池在各方法下的类别家数
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct PoolCounts {
    /// 排名池
    pub pool: String,
    /// `[方法][类别]`，类别顺序同 `classes`
    pub counts: Vec<Vec<usize>>,
}

/// 一项政策措施在各方法下的影响
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct PolicyImpact {
    /// 措施
    pub title: String,
    /// 适用类别
    pub class: String,
    /// 金额或数量的单位（无金额的措施为空）
    pub unit: String,
    /// 按方法顺序：适用企业数
    pub enterprises: Vec<usize>,
    /// 按方法顺序：金额或数量合计
    pub amounts: Vec<Option<f64>>,
}

/// 类别会变化的企业
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SimulatedChange {
    /// 企业 id
    pub enterprise_id: i64,
    /// 企业名称
    pub name: String,
    /// 现行方法下的排名池
    pub pool: String,
    /// 按方法顺序：类别
    pub classes: Vec<String>,
    /// 按方法顺序：总分
    pub totals: Vec<Option<f64>>,
    /// 按方法顺序：定档依据
    pub reasons: Vec<String>,
}

/// 模拟结果（第一个方法为批次的现行方法）
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SimulationBody {
    /// 批次
    pub run_id: i64,
    /// 年度
    pub year: i64,
    /// 快照中的企业数
    pub enterprises: usize,
    /// 参与对比的方法
    pub methods: Vec<SimulatedMethod>,
    /// 出现的类别，最优在前，X（不参评）在后
    pub classes: Vec<String>,
    /// 各类别的家数、用地、税收与亩均税收
    pub class_summary: Vec<ClassSummary>,
    /// 各排名池的类别家数
    pub pools: Vec<PoolCounts>,
    /// 在用政策措施的影响
    pub policies: Vec<PolicyImpact>,
    /// 在任一方法下类别与现行方法不同的企业
    pub changes: Vec<SimulatedChange>,
}

fn body(r: Simulation) -> SimulationBody {
    SimulationBody {
        run_id: r.run_id,
        year: r.year,
        enterprises: r.enterprises,
        methods: r
            .columns
            .into_iter()
            .map(|c| SimulatedMethod {
                label: c.label,
                method_name: c.method_name,
                scenario_id: c.scenario_id,
            })
            .collect(),
        classes: r.classes,
        class_summary: r
            .class_lines
            .into_iter()
            .map(|l| ClassSummary {
                class: l.class,
                label: l.label,
                cells: l
                    .cells
                    .iter()
                    .map(|c| ClassCell {
                        enterprises: c.enterprises,
                        land_area_mu: c.land_area_mu,
                        tax_paid: c.tax_paid,
                        tax_per_mu: c.tax_per_mu(),
                    })
                    .collect(),
            })
            .collect(),
        pools: r
            .pools
            .into_iter()
            .map(|p| PoolCounts {
                pool: p.name,
                counts: p.counts,
            })
            .collect(),
        policies: r
            .policies
            .into_iter()
            .map(|p| PolicyImpact {
                title: p.title,
                class: p.class,
                unit: p.unit,
                enterprises: p.cells.iter().map(|c| c.0).collect(),
                amounts: p.cells.iter().map(|c| c.1).collect(),
            })
            .collect(),
        changes: r
            .changes
            .into_iter()
            .map(|c| SimulatedChange {
                enterprise_id: c.enterprise_id,
                name: c.name,
                pool: c.pool,
                classes: c.classes,
                totals: c.totals,
                reasons: c.reasons,
            })
            .collect(),
    }
}

/// 模拟方法调整
///
/// 在批次的数据快照上按修改后的方法重新计算，与批次的方法对比：各类别与各排名池的家数、各类别的用地、税收与亩均税收、在用政策措施的影响，以及类别会变化的企业；不改变任何批次，记入审计日志。仅市级评价管理员。浏览器会话须带 `X-CSRF-Token`。
#[utoipa::path(post, path = "/runs/{id}/simulate", tag = "综合评价", operation_id = "simulate_run",
    params(("id" = i64, Path, description = "批次 id")),
    request_body = SimulateRequest,
    responses((status = 200, description = "模拟结果", body = SimulationBody), AuthErrors, NotFoundError, StepErrors))]
pub async fn simulate_run(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<SimulateRequest>,
) -> Result<Json<SimulationBody>, ApiError> {
    let id = path_id(&id, "评价批次")?;
    Ok(Json(body(state.app.simulate_run(&actor, id, &req.method).await?)))
}

/// 已保存的模拟方案
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ScenarioItem {
    /// 方案 id
    pub id: i64,
    /// 方案名称
    pub name: String,
    /// 方法文件中的名称
    pub method_name: String,
    /// 保存人
    pub created_by: String,
    /// 保存时间（北京时间）
    pub created_at: String,
}

/// 已保存的模拟方案列表
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ScenarioList {
    /// 方案，先保存的在前
    pub items: Vec<ScenarioItem>,
}

async fn scenario_list(
    state: &AppState,
    actor: &mujun_app::Actor,
    run: i64,
) -> Result<ScenarioList, ApiError> {
    Ok(ScenarioList {
        items: state
            .app
            .scenarios(actor, run)
            .await?
            .into_iter()
            .map(|s| ScenarioItem {
                id: s.id,
                name: s.name,
                method_name: s.method_name,
                created_by: s.created_by,
                created_at: s.created_at,
            })
            .collect(),
    })
}

/// 批次的模拟方案
///
/// 本批次已保存的模拟方案。仅市级评价管理员。
#[utoipa::path(get, path = "/runs/{id}/scenarios", tag = "综合评价", operation_id = "list_scenarios",
    params(("id" = i64, Path, description = "批次 id")),
    responses((status = 200, description = "方案", body = ScenarioList), AuthErrors, NotFoundError))]
pub async fn list_scenarios(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<ScenarioList>, ApiError> {
    let id = path_id(&id, "评价批次")?;
    Ok(Json(scenario_list(&state, &actor, id).await?))
}

/// 要保存的方案
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewScenario {
    /// 方案名称（本批次内不重复，不超过 60 字）
    pub name: String,
    /// 评价方法文件（TOML），按评价引擎的规则校验
    pub method: String,
}

/// 新保存的方案
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ScenarioCreated {
    /// 方案 id
    pub id: i64,
}

/// 保存模拟方案
///
/// 把修改后的方法保存为本批次的命名方案，以便重新打开和对比；记入审计日志。仅市级评价管理员。浏览器会话须带 `X-CSRF-Token`。
#[utoipa::path(post, path = "/runs/{id}/scenarios", tag = "综合评价", operation_id = "save_scenario",
    params(("id" = i64, Path, description = "批次 id")),
    request_body = NewScenario,
    responses((status = 201, description = "已保存", body = ScenarioCreated), AuthErrors, NotFoundError, StepErrors))]
pub async fn save_scenario(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<NewScenario>,
) -> Result<(StatusCode, Json<ScenarioCreated>), ApiError> {
    let id = path_id(&id, "评价批次")?;
    let sid = state
        .app
        .save_scenario(&actor, id, &req.name, &req.method)
        .await?;
    Ok((StatusCode::CREATED, Json(ScenarioCreated { id: sid })))
}

/// 删除模拟方案
///
/// 不再列出该方案；其方法文件写入审计日志。返回其余方案。仅市级评价管理员。浏览器会话须带 `X-CSRF-Token`。
#[utoipa::path(delete, path = "/runs/{id}/scenarios/{scenario_id}", tag = "综合评价", operation_id = "remove_scenario",
    params(("id" = i64, Path, description = "批次 id"), ("scenario_id" = i64, Path, description = "方案 id")),
    responses((status = 200, description = "已删除，其余方案", body = ScenarioList), AuthErrors, NotFoundError, StepErrors))]
pub async fn remove_scenario(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path((id, sid)): Path<(String, String)>,
) -> Result<Json<ScenarioList>, ApiError> {
    let id = path_id(&id, "评价批次")?;
    let sid = path_id(&sid, "模拟方案")?;
    state.app.remove_scenario(&actor, id, sid).await?;
    Ok(Json(scenario_list(&state, &actor, id).await?))
}

/// 对比的方案
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompareQuery {
    /// 1 至 3 个方案 id，以逗号分隔，如 `3,5`
    pub scenarios: Option<String>,
}

/// 方案对比
///
/// 最多 3 个已保存方案与现行方法并列对比（内容同模拟结果）；记入审计日志。仅市级评价管理员。
#[utoipa::path(get, path = "/runs/{id}/scenarios/compare", tag = "综合评价", operation_id = "compare_scenarios",
    params(("id" = i64, Path, description = "批次 id"), CompareQuery),
    responses((status = 200, description = "对比结果", body = SimulationBody), AuthErrors, NotFoundError, StepErrors))]
pub async fn compare_scenarios(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<CompareQuery>,
) -> Result<Json<SimulationBody>, ApiError> {
    let id = path_id(&id, "评价批次")?;
    let mut p = QueryParser::default();
    let ids: Vec<i64> = q
        .scenarios
        .unwrap_or_default()
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .filter_map(|s| p.parse("scenarios", Some(s.trim()), "方案 id 须为整数"))
        .collect();
    let ids = p.finish(ids)?;
    Ok(Json(body(state.app.compare_scenarios(&actor, id, &ids).await?)))
}

/// 敏感性分析参数
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SensitivityQuery {
    /// 步长（分）：1、5 或 10，默认 5；权重按分移动，名额比例按百分点，分档线按分
    pub step: Option<String>,
    /// 分析已保存方案的方法（默认分析批次的现行方法）
    pub scenario: Option<String>,
}

/// 一项调整的影响
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SensitivityItem {
    /// 评价组
    pub group: String,
    /// 权重、名额或分档线
    pub kind: String,
    /// 调整内容
    pub change: String,
    /// 类别会变化的企业数
    pub changed: usize,
}

/// 敏感性分析结果
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SensitivityBody {
    /// 方法名称
    pub method_name: String,
    /// 步长说明
    pub step: String,
    /// 快照中的企业数
    pub enterprises: usize,
    /// 各项调整，每组内影响大的在前
    pub items: Vec<SensitivityItem>,
}

/// 敏感性分析
///
/// 批次方法（或已保存方案）的每项权重、名额比例或分档线按步长调整一次，由评价引擎重新计算类别会变化的企业数；记入审计日志。仅市级评价管理员。
#[utoipa::path(get, path = "/runs/{id}/sensitivity", tag = "综合评价", operation_id = "run_sensitivity",
    params(("id" = i64, Path, description = "批次 id"), SensitivityQuery),
    responses((status = 200, description = "敏感性分析", body = SensitivityBody), AuthErrors, NotFoundError, StepErrors))]
pub async fn run_sensitivity(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<SensitivityQuery>,
) -> Result<Json<SensitivityBody>, ApiError> {
    let id = path_id(&id, "评价批次")?;
    let mut p = QueryParser::default();
    let step: Option<f64> = p.parse("step", q.step.as_deref(), "步长须为 1、5 或 10");
    let scenario: Option<i64> = p.parse("scenario", q.scenario.as_deref(), "方案 id 须为整数");
    let (step, scenario) = p.finish((step.unwrap_or(5.0), scenario))?;
    let v = state.app.run_sensitivity(&actor, id, scenario, step).await?;
    Ok(Json(SensitivityBody {
        method_name: v.method_name,
        step: format!("{} 分", number(v.step, 0)),
        enterprises: v.enterprises,
        items: v
            .lines
            .into_iter()
            .map(|l| SensitivityItem {
                group: l.group,
                kind: l.kind.to_owned(),
                change: l.change,
                changed: l.changed,
            })
            .collect(),
    }))
}
