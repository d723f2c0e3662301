//! 产业准入负面清单 and project admission review through the API (issue 13, item 6): read a
//! cluster's list in force, save a new version, review a project, read the latest reviews. The
//! same use cases as the pages: permissions, validation and audit are theirs.

use axum::Json;
use axum::extract::{Path, State};
use mujun_app::admission::{EntryForm, ListForm, ReviewForm, ReviewView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::common::{ApiJson, AuthErrors, NotFoundError, StepErrors, path_id, time};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::state::AppState;

/// 负面清单的一条
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ListEntryBody {
    /// 国民经济行业代码：门类字母（如 `C`）或 2 至 4 位数字（如 `26`、`2614`），覆盖其下全部行业
    pub code: String,
    /// 类别代码：`banned`（禁止）或 `restricted`（限制）
    pub rule: String,
    /// 类别：禁止、限制（读取时给出）
    #[serde(default)]
    pub rule_label: String,
    /// 限制类的最低投资强度（万元/亩）
    #[serde(default)]
    pub min_investment_per_mu: Option<f64>,
    /// 限制类的最低亩均税收（万元/亩）
    #[serde(default)]
    pub min_tax_per_mu: Option<f64>,
    /// 限制类的最高年综合能耗（吨标准煤）
    #[serde(default)]
    pub max_energy_tce: Option<f64>,
    /// 依据
    #[serde(default)]
    pub basis: String,
}

/// 集聚区的产业准入负面清单（现行版本）
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct NegativeListBody {
    /// 集聚区 id
    pub cluster_id: i64,
    /// 集聚区名称
    pub cluster_name: String,
    /// 现行版本号；尚未制定为 0
    pub version: i64,
    /// 制定依据
    pub basis: String,
    /// 是否为示例（演示数据，非正式发布）
    pub example: bool,
    /// 标准地最低投资强度（万元/亩）
    pub min_investment_per_mu: Option<f64>,
    /// 标准地最低亩均税收（万元/亩）
    pub min_tax_per_mu: Option<f64>,
    /// 各条
    pub entries: Vec<ListEntryBody>,
    /// 历史版本数
    pub versions: usize,
}

/// 保存为新版本的负面清单
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewNegativeList {
    /// 制定依据（文件名称和文号）
    pub basis: String,
    /// 标准地最低投资强度（万元/亩）
    #[serde(default)]
    pub min_investment_per_mu: Option<f64>,
    /// 标准地最低亩均税收（万元/亩）
    #[serde(default)]
    pub min_tax_per_mu: Option<f64>,
    /// 各条
    pub entries: Vec<ListEntryBody>,
}

/// 拟入驻项目
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectBody {
    /// 拟入驻集聚区 id
    pub cluster_id: i64,
    /// 项目名称
    pub project_name: String,
    /// 国民经济行业代码（4 位小类）
    pub industry_code: String,
    /// 固定资产投资（万元）
    pub investment: f64,
    /// 用地面积（亩）
    pub land_mu: f64,
    /// 达产后年税收（万元）
    pub expected_tax: f64,
    /// 年综合能耗（吨标准煤）
    pub energy_tce: f64,
}

/// 一次准入审查
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ReviewBody {
    /// 审查记录 id
    pub id: i64,
    /// 集聚区 id
    pub cluster_id: i64,
    /// 集聚区名称
    pub cluster_name: String,
    /// 项目名称
    pub project_name: String,
    /// 行业代码
    pub industry_code: String,
    /// 结论代码：`pass`、`conditional`、`refused`
    pub verdict: String,
    /// 结论：准入、有条件准入、不予准入
    pub verdict_label: String,
    /// 理由（条件或不予准入的原因）
    pub reasons: Vec<String>,
    /// 依据的负面清单版本；该集聚区尚无清单为 0
    pub list_version: i64,
    /// 审查时间（北京时间，RFC 3339）
    pub at: String,
}

impl From<ReviewView> for ReviewBody {
    fn from(v: ReviewView) -> Self {
        let r = v.review;
        ReviewBody {
            id: r.id,
            cluster_id: r.cluster_id,
            cluster_name: v.cluster_name,
            project_name: r.project_name,
            industry_code: r.industry_code,
            verdict_label: v.verdict_label.to_owned(),
            verdict: r.verdict,
            reasons: r.reasons.lines().map(str::to_owned).collect(),
            list_version: v.list_version,
            at: time(r.created_at),
        }
    }
}

/// 审查记录
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ReviewList {
    /// 最近的审查，新的在前
    pub items: Vec<ReviewBody>,
}

fn text(v: Option<f64>) -> String {
    v.map_or_else(String::new, |x| format!("{x}"))
}

async fn current(state: &AppState, actor: &mujun_app::Actor, id: i64) -> Result<NegativeListBody, ApiError> {
    let v = state.app.negative_list(actor, id).await?;
    Ok(NegativeListBody {
        cluster_id: v.cluster_id,
        cluster_name: v.cluster_name,
        version: v.current.as_ref().map_or(0, |l| l.version),
        basis: v.current.as_ref().map_or_else(String::new, |l| l.basis.clone()),
        example: v.current.as_ref().is_some_and(|l| l.example == 1),
        min_investment_per_mu: v.current.as_ref().and_then(|l| l.min_investment_per_mu),
        min_tax_per_mu: v.current.as_ref().and_then(|l| l.min_tax_per_mu),
        entries: v
            .entries
            .into_iter()
            .map(|e| ListEntryBody {
                rule_label: e.rule_label.to_owned(),
                code: e.code,
                rule: e.rule,
                min_investment_per_mu: e.min_investment_per_mu,
                min_tax_per_mu: e.min_tax_per_mu,
                max_energy_tce: e.max_energy_tce,
                basis: e.basis,
            })
            .collect(),
        versions: v.versions.len(),
    })
}

/// 集聚区的产业准入负面清单
///
/// 现行版本的各条及标准地控制指标。企业用户不能查看；超出数据范围返回 403 并记入审计日志。
#[utoipa::path(
    get,
    path = "/clusters/{id}/negative-list",
    tag = "项目准入",
    operation_id = "get_negative_list",
    params(("id" = i64, Path, description = "集聚区 id")),
    responses((status = 200, description = "现行负面清单", body = NegativeListBody), AuthErrors, NotFoundError)
)]
pub async fn get_negative_list(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<NegativeListBody>, ApiError> {
    let id = path_id(&id, "集聚区")?;
    Ok(Json(current(&state, &actor, id).await?))
}

/// 保存负面清单的新版本
///
/// 市级评价管理员和本集聚区管理人员；原版本保留。任一条有误时整份不保存，422 的 fields 指明第几行、哪一列和所填的值。
/// 浏览器会话须带 `X-CSRF-Token`。
#[utoipa::path(
    put,
    path = "/clusters/{id}/negative-list",
    tag = "项目准入",
    operation_id = "save_negative_list",
    params(("id" = i64, Path, description = "集聚区 id")),
    request_body = NewNegativeList,
    responses((status = 200, description = "新的现行版本", body = NegativeListBody), AuthErrors, NotFoundError, StepErrors)
)]
pub async fn save_negative_list(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewNegativeList>,
) -> Result<Json<NegativeListBody>, ApiError> {
    let id = path_id(&id, "集聚区")?;
    let form = ListForm {
        basis: body.basis,
        min_investment_per_mu: text(body.min_investment_per_mu),
        min_tax_per_mu: text(body.min_tax_per_mu),
        entries: body
            .entries
            .into_iter()
            .map(|e| EntryForm {
                code: e.code,
                rule: e.rule,
                min_investment_per_mu: text(e.min_investment_per_mu),
                min_tax_per_mu: text(e.min_tax_per_mu),
                max_energy_tce: text(e.max_energy_tce),
                basis: e.basis,
            })
            .collect(),
    };
    state.app.save_negative_list(&actor, id, &form).await?;
    Ok(Json(current(&state, &actor, id).await?))
}

/// 项目准入审查
///
/// 按拟入驻集聚区现行的负面清单（最具体的行业代码优先）和标准地控制指标审查，审查记录留存并记入审计日志。
/// 市级评价管理员、本集聚区和所在县区的管理人员。浏览器会话须带 `X-CSRF-Token`。
#[utoipa::path(
    post,
    path = "/admission-reviews",
    tag = "项目准入",
    operation_id = "review_project",
    request_body = ProjectBody,
    responses((status = 200, description = "审查结论", body = ReviewBody), AuthErrors, NotFoundError, StepErrors)
)]
pub async fn review_project(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    ApiJson(body): ApiJson<ProjectBody>,
) -> Result<Json<ReviewBody>, ApiError> {
    let form = ReviewForm {
        cluster_id: body.cluster_id,
        project_name: body.project_name,
        industry_code: body.industry_code,
        investment: body.investment.to_string(),
        land_mu: body.land_mu.to_string(),
        expected_tax: body.expected_tax.to_string(),
        energy_tce: body.energy_tce.to_string(),
    };
    Ok(Json(state.app.review_project(&actor, &form).await?.into()))
}

/// 最近的准入审查
///
/// 调用者可以审查的集聚区的最近 200 条审查记录。
#[utoipa::path(
    get,
    path = "/admission-reviews",
    tag = "项目准入",
    operation_id = "list_admission_reviews",
    responses((status = 200, description = "审查记录", body = ReviewList), AuthErrors)
)]
pub async fn list_admission_reviews(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
) -> Result<Json<ReviewList>, ApiError> {
    let items = state.app.admission_reviews(&actor, 200).await?;
    Ok(Json(ReviewList {
        items: items.into_iter().map(ReviewBody::from).collect(),
    }))
}
