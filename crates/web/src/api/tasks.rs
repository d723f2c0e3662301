//! The key-task tracker through the API: the whole table, one task with its reports, reporting.

use axum::Json;
use axum::extract::{Path, State};
use mujun_app::tasks::tracker::{ReportForm, ReportView, TaskView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::common::{ApiJson, AuthErrors, NotFoundError, StepErrors, path_id};
use crate::api::service::AttachmentBody;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::state::AppState;

/// 一次报送
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ReportBody {
    /// 报送 id
    pub id: i64,
    /// 期次，如 `2026-Q4`、`2026-11`
    pub period: String,
    /// 期次名称，如 2026年第四季度
    pub period_label: String,
    /// 牵头单位报送（否：配合单位）
    pub lead: bool,
    /// 报送单位
    pub unit: String,
    /// 进展情况：按计划推进、进度滞后、已完成
    pub status: String,
    /// 工作进展
    pub body: String,
    /// 报送日期
    pub reported_on: String,
    /// 迟报（晚于该期的报送期限）
    pub late: bool,
    /// 附件文件名
    pub attachment: Option<String>,
}

/// 重点任务
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct TaskBody {
    /// 任务 id
    pub id: i64,
    /// 任务类别
    pub heading: String,
    /// 序号
    pub seq: i64,
    /// 专项工作
    pub title: String,
    /// 牵头部门
    pub lead_text: String,
    /// 配合部门
    pub co_text: String,
    /// 报送周期：每月、每季度
    pub cadence: String,
    /// 状态：已完成、逾期未报、进度滞后、尚未报送、正常推进
    pub state: String,
    /// 本期
    pub current: String,
    /// 逾期未报的期次
    pub missing: Vec<String>,
    /// 牵头单位最近一次报送
    pub latest: Option<ReportBody>,
    /// 各配合单位最近一次报送
    pub parts: Vec<ReportBody>,
    /// 全部报送（单个任务时，新的在前）
    pub reports: Vec<ReportBody>,
}

fn report_body(r: ReportView) -> ReportBody {
    ReportBody {
        id: r.id,
        period: r.period,
        period_label: r.period_label,
        lead: r.lead,
        unit: r.unit,
        status: r.status.label().to_owned(),
        body: r.body,
        reported_on: r.reported_on,
        late: r.late,
        attachment: r.attachment,
    }
}

fn task_body(t: TaskView) -> TaskBody {
    TaskBody {
        id: t.id,
        state: t.state().label().to_owned(),
        heading: t.heading,
        seq: t.seq,
        title: t.title,
        lead_text: t.lead_text,
        co_text: t.co_text,
        cadence: t.cadence.label().to_owned(),
        current: t.current,
        missing: t.missing.into_iter().map(|m| m.1).collect(),
        latest: t.latest.map(report_body),
        parts: t.parts.into_iter().map(report_body).collect(),
        reports: t.reports.into_iter().map(report_body).collect(),
    }
}

/// 重点任务表
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct TaskListBody {
    /// 行动方案文号
    pub document: String,
    /// 任务总数
    pub total: usize,
    /// 逾期未报的任务数
    pub overdue: usize,
    /// 进度滞后的任务数
    pub behind: usize,
    /// 报送期限规则
    pub due_rule: String,
    /// 任务（不含历次报送）
    pub tasks: Vec<TaskBody>,
}

/// 重点任务表
///
/// 行动方案附件的全部任务及其状态（不含历次报送）。
#[utoipa::path(get, path = "/tasks", tag = "重点任务", operation_id = "list_tasks",
    responses((status = 200, description = "任务", body = TaskListBody), AuthErrors))]
pub async fn list_tasks(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
) -> Result<Json<TaskListBody>, ApiError> {
    let v = state.app.plan_tasks(&actor).await?;
    Ok(Json(TaskListBody {
        document: v.document.to_owned(),
        total: v.total,
        overdue: v.overdue,
        behind: v.behind,
        due_rule: v.due_rule,
        tasks: v
            .sections
            .into_iter()
            .flat_map(|(_, l)| l)
            .map(|mut t| {
                t.reports.clear();
                task_body(t)
            })
            .collect(),
    }))
}

/// 单项重点任务
///
/// 任务及其全部报送。
#[utoipa::path(get, path = "/tasks/{id}", tag = "重点任务", operation_id = "get_task",
    params(("id" = i64, Path, description = "任务 id")),
    responses((status = 200, description = "任务", body = TaskBody), AuthErrors, NotFoundError))]
pub async fn get_task(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<TaskBody>, ApiError> {
    let id = path_id(&id, "重点任务")?;
    Ok(Json(task_body(state.app.plan_task(&actor, id).await?.task)))
}

/// 一次报送
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReport {
    /// 期次（空为本期；牵头单位可补报逾期未报的期次）
    #[serde(default)]
    pub period: String,
    /// 进展情况：`on_track`（按计划推进）、`behind`（进度滞后）、`done`（已完成）
    pub status: String,
    /// 工作进展
    pub body: String,
    /// 市发改委代报时的牵头单位名称（空为市发改委或第一个牵头单位）
    #[serde(default)]
    pub unit: String,
    /// 附件
    #[serde(default)]
    pub attachment: Option<AttachmentBody>,
}

/// 报送进展
///
/// 牵头单位报送本期（或补报逾期期次）进展，配合单位报送配合工作情况。浏览器会话须带 `X-CSRF-Token`。
#[utoipa::path(post, path = "/tasks/{id}/reports", tag = "重点任务", operation_id = "report_task",
    params(("id" = i64, Path, description = "任务 id")),
    request_body = NewReport,
    responses((status = 200, description = "任务", body = TaskBody), AuthErrors, NotFoundError, StepErrors))]
pub async fn report_task(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewReport>,
) -> Result<Json<TaskBody>, ApiError> {
    let id = path_id(&id, "重点任务")?;
    let form = ReportForm {
        period: body.period,
        status: body.status,
        body: body.body,
        unit: body.unit,
    };
    let file = body.attachment.as_ref().map(|a| a.decode()).transpose()?;
    state
        .app
        .report_task(
            &actor,
            id,
            &form,
            file.as_ref().map(|(n, b)| (n.as_str(), b.as_slice())),
        )
        .await?;
    Ok(Json(task_body(state.app.plan_task(&actor, id).await?.task)))
}
