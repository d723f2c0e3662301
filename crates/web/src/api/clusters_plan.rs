//! Cluster indicators, the supplied data, assessment runs and plan targets through the API.

use axum::Json;
use axum::extract::{Path, Query, State};
use mujun_app::clusters_plan::assessments::AssessmentView;
use mujun_app::clusters_plan::indicators::DataForm;
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

/// 一项指标
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct IndicatorBody {
    /// 指标代码
    pub id: String,
    /// 指标名称
    pub name: String,
    /// 单位
    pub unit: String,
    /// 数值（缺少数据时为空）
    pub value: Option<f64>,
    /// 计算过程
    pub derivation: String,
}

fn indicator_bodies(values: Vec<mujun_app::clusters_plan::Value>) -> Vec<IndicatorBody> {
    values
        .into_iter()
        .map(|v| IndicatorBody {
            id: v.indicator.id().to_owned(),
            name: v.indicator.label().to_owned(),
            unit: v.indicator.unit().to_owned(),
            value: v.value,
            derivation: v.derivation,
        })
        .collect()
}

/// 一个集聚区的指标
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ClusterIndicatorsBody {
    /// 集聚区 id
    pub cluster_id: i64,
    /// 名称
    pub name: String,
    /// 县（市、区）
    pub county: String,
    /// 规模：千亿级、百亿级或空
    pub tier: String,
    /// 指标
    pub indicators: Vec<IndicatorBody>,
}

/// 集聚区指标
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct IndicatorsBody {
    /// 数据年度
    pub year: Option<i64>,
    /// 各集聚区
    pub clusters: Vec<ClusterIndicatorsBody>,
    /// 全部集聚区合计
    pub city: Vec<IndicatorBody>,
}

/// 集聚区指标
///
/// 各集聚区某年度的指标（由企业数据汇总和部门报送的集聚区数据计算），每项带计算过程。
#[utoipa::path(get, path = "/cluster-indicators", tag = "集聚区考核", operation_id = "get_cluster_indicators",
    params(YearQuery),
    responses((status = 200, description = "指标", body = IndicatorsBody), AuthErrors))]
pub async fn get_cluster_indicators(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Query(q): Query<YearQuery>,
) -> Result<Json<IndicatorsBody>, ApiError> {
    let v = state.app.cluster_indicators(&actor, q.year).await?;
    Ok(Json(IndicatorsBody {
        year: v.year,
        city: indicator_bodies(v.city),
        clusters: v
            .clusters
            .into_iter()
            .map(|k| ClusterIndicatorsBody {
                cluster_id: k.id,
                name: k.name,
                county: k.county,
                tier: k.tier.to_owned(),
                indicators: indicator_bodies(k.values),
            })
            .collect(),
    }))
}

/// 报送的集聚区数据
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewClusterData {
    /// 集聚区 id（0 为全市，仅价格指数）
    pub cluster_id: i64,
    /// 年度
    pub year: i64,
    /// 数据项：`price_index`、`retrofitted_above`、`retrofitted_ab`、`large_medium`、`large_medium_rd`、`platforms`、`tech_investment`、`industrial_investment`、`green_factories`
    pub item: String,
    /// 数值
    pub value: f64,
    /// 来源或说明
    #[serde(default)]
    pub note: String,
}

/// 已保存
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SavedBody {
    /// 已保存
    pub saved: bool,
}

/// 报送集聚区数据
///
/// 市级可报送各项，部门报送本部门负责的数据项（统计局：价格指数、大中型企业数、投资；工信局：智能化改造、绿色工厂；科技局：研发机构、创新平台）。历史保留。浏览器会话须带 `X-CSRF-Token`。
#[utoipa::path(post, path = "/cluster-data", tag = "集聚区考核", operation_id = "supply_cluster_data",
    request_body = NewClusterData,
    responses((status = 200, description = "已保存", body = SavedBody), AuthErrors, StepErrors))]
pub async fn supply_cluster_data(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    ApiJson(body): ApiJson<NewClusterData>,
) -> Result<Json<SavedBody>, ApiError> {
    let form = DataForm {
        cluster_id: body.cluster_id,
        year: body.year,
        item: body.item,
        value: body.value.to_string(),
        note: body.note,
    };
    state.app.supply_cluster_data(&actor, &form).await?;
    Ok(Json(SavedBody { saved: true }))
}

/// 考核评价（列表）
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AssessmentLineBody {
    /// id
    pub id: i64,
    /// 年度
    pub year: i64,
    /// 标题
    pub title: String,
    /// 考核办法
    pub method_name: String,
    /// 状态：待审定、已审定、已发布、已撤销
    pub state: String,
}

/// 考核评价列表
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AssessmentListBody {
    /// 考核评价，新的在前（集聚区、县区和部门只看到已发布的）
    pub assessments: Vec<AssessmentLineBody>,
}

/// 集聚区考核评价列表
#[utoipa::path(get, path = "/cluster-assessments", tag = "集聚区考核", operation_id = "list_cluster_assessments",
    responses((status = 200, description = "列表", body = AssessmentListBody), AuthErrors))]
pub async fn list_cluster_assessments(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
) -> Result<Json<AssessmentListBody>, ApiError> {
    Ok(Json(AssessmentListBody {
        assessments: state
            .app
            .cluster_assessments(&actor)
            .await?
            .into_iter()
            .map(|a| AssessmentLineBody {
                id: a.id,
                year: a.year,
                title: a.title,
                method_name: a.method_name,
                state: a.state.label().to_owned(),
            })
            .collect(),
    }))
}

/// 一个集聚区的考核结果
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AssessmentResultBody {
    /// 集聚区 id
    pub cluster_id: i64,
    /// 名称
    pub name: String,
    /// 排名
    pub rank: i64,
    /// 得分
    pub total: f64,
    /// 星级（空为未达一星级）
    pub star: String,
    /// 变化：首次评价、保持、晋升、首次晋升、降级
    pub movement: String,
    /// 未达上一星级的原因
    pub gap: Vec<String>,
    /// 奖励与限制
    pub measures: Vec<String>,
}

/// 集聚区考核评价
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AssessmentBody {
    /// id
    pub id: i64,
    /// 年度
    pub year: i64,
    /// 标题
    pub title: String,
    /// 状态
    pub state: String,
    /// 版本号（审定、发布时带上）
    pub version: i64,
    /// 结果（按排名）
    pub results: Vec<AssessmentResultBody>,
}

fn assessment_body(v: AssessmentView) -> AssessmentBody {
    AssessmentBody {
        id: v.id,
        year: v.year,
        title: v.title,
        state: v.state.label().to_owned(),
        version: v.version,
        results: v
            .results
            .into_iter()
            .map(|r| AssessmentResultBody {
                cluster_id: r.cluster_id,
                name: r.name,
                rank: r.rank,
                total: r.total,
                star: r.star,
                movement: r.movement.to_owned(),
                gap: r.gap,
                measures: r.measures,
            })
            .collect(),
    }
}

/// 单个集聚区考核评价
#[utoipa::path(get, path = "/cluster-assessments/{id}", tag = "集聚区考核", operation_id = "get_cluster_assessment",
    params(("id" = i64, Path, description = "考核评价 id")),
    responses((status = 200, description = "考核评价", body = AssessmentBody), AuthErrors, NotFoundError))]
pub async fn get_cluster_assessment(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<AssessmentBody>, ApiError> {
    let id = path_id(&id, "集聚区考核评价")?;
    Ok(Json(assessment_body(
        state.app.cluster_assessment(&actor, id).await?,
    )))
}

/// 发起考核评价
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAssessment {
    /// 年度
    pub year: i64,
    /// 标题（可选）
    #[serde(default)]
    pub title: String,
}

/// 发起集聚区考核评价
///
/// 市发改委按现行考核办法计算某年度的考核评价（待审定）。浏览器会话须带 `X-CSRF-Token`。
#[utoipa::path(post, path = "/cluster-assessments", tag = "集聚区考核", operation_id = "run_cluster_assessment",
    request_body = NewAssessment,
    responses((status = 200, description = "考核评价", body = AssessmentBody), AuthErrors, StepErrors))]
pub async fn run_cluster_assessment(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    ApiJson(body): ApiJson<NewAssessment>,
) -> Result<Json<AssessmentBody>, ApiError> {
    let id = state
        .app
        .run_cluster_assessment(&actor, body.year, &body.title)
        .await?;
    Ok(Json(assessment_body(
        state.app.cluster_assessment(&actor, id).await?,
    )))
}

/// 审定、发布或撤销
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// 读取时的版本号
    pub version: i64,
    /// `approve`（审定领导审定）、`publish`（市发改委发布，须已审定）、`withdraw`（撤销）
    pub decision: String,
}

/// 办理集聚区考核评价
///
/// 浏览器会话须带 `X-CSRF-Token`。
#[utoipa::path(post, path = "/cluster-assessments/{id}/decision", tag = "集聚区考核", operation_id = "decide_cluster_assessment",
    params(("id" = i64, Path, description = "考核评价 id")),
    request_body = Decision,
    responses((status = 200, description = "考核评价", body = AssessmentBody), AuthErrors, NotFoundError, StepErrors))]
pub async fn decide_cluster_assessment(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Decision>,
) -> Result<Json<AssessmentBody>, ApiError> {
    let id = path_id(&id, "集聚区考核评价")?;
    state
        .app
        .decide_cluster_assessment(&actor, id, body.version, body.decision.trim())
        .await?;
    Ok(Json(assessment_body(
        state.app.cluster_assessment(&actor, id).await?,
    )))
}

/// 一项规划目标
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct TargetBody {
    /// 层级：省级、市级、集聚区
    pub level: String,
    /// 集聚区（集聚区目标）
    pub cluster: String,
    /// 文件
    pub document: String,
    /// 指标
    pub indicator: String,
    /// 单位
    pub unit: String,
    /// 目标年
    pub target_year: i64,
    /// 目标值
    pub target: f64,
    /// 历年实际 `[年度, 数值]`
    pub series: Vec<(i64, Option<f64>)>,
    /// 最近一年实际
    pub latest: Option<f64>,
    /// 按趋势预计的目标年数值
    pub projection: Option<f64>,
    /// 进度
    pub status: String,
}

/// 规划目标
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct TargetsBody {
    /// 目标
    pub targets: Vec<TargetBody>,
}

/// 规划目标及进度
///
/// 行动方案（驻政办〔2019〕125号）和省方案（豫政办〔2019〕43号）的目标、历年实际、趋势预计和进度。
#[utoipa::path(get, path = "/plan-targets", tag = "集聚区考核", operation_id = "list_plan_targets",
    responses((status = 200, description = "目标", body = TargetsBody), AuthErrors))]
pub async fn list_plan_targets(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
) -> Result<Json<TargetsBody>, ApiError> {
    Ok(Json(TargetsBody {
        targets: state
            .app
            .plan_targets(&actor)
            .await?
            .into_iter()
            .map(|t| TargetBody {
                level: t.level.to_owned(),
                cluster: t.cluster,
                document: t.document,
                indicator: t.indicator.to_owned(),
                unit: t.unit.to_owned(),
                target_year: t.target_year,
                target: t.target,
                series: t.series,
                latest: t.latest,
                projection: t.projection,
                status: t.status,
            })
            .collect(),
    }))
}
