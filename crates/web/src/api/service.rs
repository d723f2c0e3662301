//! The enterprise problem ledger through the API: the ledger and its statistics, one problem with
//! its history, filing, and the steps (交办、答复、评价).

use axum::Json;
use axum::extract::{Path, State};
use base64::Engine;
use mujun_app::AppError;
use mujun_app::service::problems::{ProblemForm, ProblemView, StepForm};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::common::{ApiJson, AuthErrors, NotFoundError, StepErrors, path_id};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::state::AppState;

/// 附件（Base64）
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachmentBody {
    /// 文件名
    pub name: String,
    /// 文件内容（标准 Base64，不超过 5 MB）
    pub content_base64: String,
}

impl AttachmentBody {
    pub(crate) fn decode(&self) -> Result<(String, Vec<u8>), ApiError> {
        base64::engine::general_purpose::STANDARD
            .decode(self.content_base64.trim())
            .map(|b| (self.name.clone(), b))
            .map_err(|_| ApiError(AppError::invalid("attachment", "附件内容不是合法的 Base64")))
    }
}

/// 办理过程中的一步
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct EventBody {
    /// 环节：提交问题、交办、部门答复、退回重办、销号
    pub kind: String,
    /// 日期
    pub on_date: String,
    /// 内容
    pub body: String,
    /// 经办人
    pub by: String,
    /// 附件文件名
    pub attachment: Option<String>,
}

/// 企业问题
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ProblemBody {
    /// 问题 id
    pub id: i64,
    /// 问题编号
    pub number: String,
    /// 企业 id
    pub enterprise_id: i64,
    /// 企业名称
    pub enterprise_name: String,
    /// 县（市、区）
    pub county: String,
    /// 产业集聚区
    pub cluster: String,
    /// 问题类别
    pub category: String,
    /// 问题标题
    pub title: String,
    /// 具体情况和诉求
    pub description: String,
    /// 状态：待交办、办理中、待企业评价、已销号
    pub status: String,
    /// 问题难度：一般问题、跨部门问题、复杂疑难问题
    pub difficulty: Option<String>,
    /// 承办部门
    pub department: String,
    /// 提交日期
    pub filed_on: String,
    /// 交办（或退回）日期
    pub assigned_on: String,
    /// 办理期限（按工作日计算）
    pub deadline: String,
    /// 答复日期
    pub answered_on: String,
    /// 销号日期
    pub closed_on: String,
    /// 企业评价：满意、基本满意、不满意
    pub rating: Option<String>,
    /// 退回次数
    pub reopened: i64,
    /// 已逾期（办理中且超过期限）
    pub overdue: bool,
    /// 逾期答复
    pub answered_late: bool,
    /// 版本号（办理时带上）
    pub version: i64,
    /// 办理过程（单个问题时）
    pub events: Vec<EventBody>,
}

fn problem_body(p: ProblemView) -> ProblemBody {
    ProblemBody {
        id: p.id,
        number: p.number,
        enterprise_id: p.enterprise_id,
        enterprise_name: p.enterprise_name,
        county: p.county,
        cluster: p.cluster,
        category: p.category,
        title: p.title,
        description: p.description,
        status: p.status.label().to_owned(),
        difficulty: p.difficulty.map(|d| d.label().to_owned()),
        department: p.department,
        filed_on: p.filed_on,
        assigned_on: p.assigned_on,
        deadline: p.deadline,
        answered_on: p.answered_on,
        closed_on: p.closed_on,
        rating: p.rating.map(|r| r.label().to_owned()),
        reopened: p.reopened,
        overdue: p.overdue,
        answered_late: p.answered_late,
        version: p.version,
        events: p
            .events
            .into_iter()
            .map(|e| EventBody {
                kind: e.kind.to_owned(),
                on_date: e.on_date,
                body: e.body,
                by: e.by,
                attachment: e.attachment,
            })
            .collect(),
    }
}

/// 企业问题台账
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ProblemListBody {
    /// 问题，未销号的在前
    pub problems: Vec<ProblemBody>,
}

/// 企业问题台账
///
/// 调用者范围内的问题（部门只看到交办给本部门的），未销号的在前。
#[utoipa::path(get, path = "/service/problems", tag = "企业服务", operation_id = "list_problems",
    responses((status = 200, description = "问题", body = ProblemListBody), AuthErrors))]
pub async fn list_problems(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
) -> Result<Json<ProblemListBody>, ApiError> {
    let v = state.app.problems(&actor).await?;
    Ok(Json(ProblemListBody {
        problems: v.problems.into_iter().map(problem_body).collect(),
    }))
}

/// 新问题
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProblem {
    /// 企业 id（企业账号省略，为本企业）
    #[serde(default)]
    pub enterprise_id: Option<i64>,
    /// 或企业的统一社会信用代码
    #[serde(default)]
    pub credit_code: Option<String>,
    /// 问题类别：要素保障（用地、用电、用水、用气）、融资信贷、审批手续、政策兑现、用工招工、基础设施配套、涉企检查与执法、其他
    pub category: String,
    /// 问题标题
    pub title: String,
    /// 具体情况和诉求
    pub description: String,
    /// 附件
    #[serde(default)]
    pub attachment: Option<AttachmentBody>,
}

/// 反映问题
///
/// 企业为本企业、集聚区工作人员或服务办为范围内的企业提交问题。浏览器会话须带 `X-CSRF-Token`。
#[utoipa::path(post, path = "/service/problems", tag = "企业服务", operation_id = "file_problem",
    request_body = NewProblem,
    responses((status = 200, description = "问题", body = ProblemBody), AuthErrors, StepErrors))]
pub async fn file_problem(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    ApiJson(body): ApiJson<NewProblem>,
) -> Result<Json<ProblemBody>, ApiError> {
    let form = ProblemForm {
        enterprise_id: body.enterprise_id.unwrap_or_default(),
        credit_code: body.credit_code.unwrap_or_default(),
        category: body.category,
        title: body.title,
        description: body.description,
    };
    let file = body.attachment.as_ref().map(AttachmentBody::decode).transpose()?;
    let id = state
        .app
        .file_problem(
            &actor,
            &form,
            file.as_ref().map(|(n, b)| (n.as_str(), b.as_slice())),
        )
        .await?;
    Ok(Json(problem_body(state.app.problem(&actor, id).await?.problem)))
}

/// 单个问题
///
/// 问题及其办理过程。
#[utoipa::path(get, path = "/service/problems/{id}", tag = "企业服务", operation_id = "get_problem",
    params(("id" = i64, Path, description = "问题 id")),
    responses((status = 200, description = "问题", body = ProblemBody), AuthErrors, NotFoundError))]
pub async fn get_problem(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<ProblemBody>, ApiError> {
    let id = path_id(&id, "问题")?;
    Ok(Json(problem_body(state.app.problem(&actor, id).await?.problem)))
}

/// 办理一步
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStep {
    /// 步骤：`assign`（服务办交办）、`answer`（承办部门答复）、`rate`（企业评价；服务办或集聚区回访时代录）
    pub step: String,
    /// 读取问题时的版本号
    pub version: i64,
    /// 交办：承办部门 id
    #[serde(default)]
    pub department_id: Option<i64>,
    /// 交办：问题难度 `simple`（一般问题）、`cross`（跨部门问题）、`complex`（复杂疑难问题）
    #[serde(default)]
    pub difficulty: Option<String>,
    /// 评价：`satisfied`（满意）、`basic`（基本满意）、`unsatisfied`（不满意，退回重办）
    #[serde(default)]
    pub rating: Option<String>,
    /// 交办意见、答复意见或评价意见（答复和不满意时必填）
    #[serde(default)]
    pub body: String,
    /// 附件
    #[serde(default)]
    pub attachment: Option<AttachmentBody>,
}

/// 办理问题
///
/// 交办时按难度和节假日安排计算办理期限；评价满意或基本满意即销号，不满意退回原部门重新计算期限。浏览器会话须带 `X-CSRF-Token`。
#[utoipa::path(post, path = "/service/problems/{id}/steps", tag = "企业服务", operation_id = "problem_step",
    params(("id" = i64, Path, description = "问题 id")),
    request_body = NewStep,
    responses((status = 200, description = "问题", body = ProblemBody), AuthErrors, NotFoundError, StepErrors))]
pub async fn problem_step(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewStep>,
) -> Result<Json<ProblemBody>, ApiError> {
    let id = path_id(&id, "问题")?;
    let form = StepForm {
        version: body.version,
        department_id: body.department_id.unwrap_or_default(),
        difficulty: body.difficulty.unwrap_or_default(),
        rating: body.rating.unwrap_or_default(),
        body: body.body,
    };
    let file = body.attachment.as_ref().map(AttachmentBody::decode).transpose()?;
    state
        .app
        .problem_step(
            &actor,
            id,
            body.step.trim(),
            &form,
            file.as_ref().map(|(n, b)| (n.as_str(), b.as_slice())),
        )
        .await?;
    Ok(Json(problem_body(state.app.problem(&actor, id).await?.problem)))
}

/// 一个部门的办理情况
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct DepartmentStatsBody {
    /// 承办部门
    pub department: String,
    /// 交办件数
    pub assigned: usize,
    /// 办理中
    pub open: usize,
    /// 其中逾期
    pub overdue: usize,
    /// 已答复
    pub answered: usize,
    /// 逾期答复
    pub answered_late: usize,
    /// 已销号
    pub closed: usize,
    /// 曾退回
    pub reopened: usize,
    /// 评价满意
    pub satisfied: usize,
}

/// 办理情况统计
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct StatsBody {
    /// 问题总数
    pub total: usize,
    /// 待交办
    pub waiting: usize,
    /// 按承办部门
    pub departments: Vec<DepartmentStatsBody>,
}

/// 办理情况统计
///
/// 调用者范围内的问题按承办部门统计。
#[utoipa::path(get, path = "/service/statistics", tag = "企业服务", operation_id = "problem_statistics",
    responses((status = 200, description = "统计", body = StatsBody), AuthErrors))]
pub async fn problem_statistics(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
) -> Result<Json<StatsBody>, ApiError> {
    let s = state.app.problem_stats(&actor).await?;
    Ok(Json(StatsBody {
        total: s.total,
        waiting: s.waiting,
        departments: s
            .departments
            .into_iter()
            .map(|d| DepartmentStatsBody {
                department: d.department,
                assigned: d.assigned,
                open: d.open,
                overdue: d.overdue,
                answered: d.answered,
                answered_late: d.answered_late,
                closed: d.closed,
                reopened: d.reopened,
                satisfied: d.satisfied,
            })
            .collect(),
    }))
}
