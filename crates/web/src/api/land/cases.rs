//! Idle-land and exit cases through the API: list, open, read, take the next step.

use axum::Json;
use axum::extract::{Path, Query, State};
use mujun_app::land::CaseKind;
use mujun_app::land::cases::{CaseView, StepForm};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::common::{ApiJson, AuthErrors, NotFoundError, StepErrors, path_id};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::state::AppState;

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
