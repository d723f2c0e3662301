//! 数据采集 for departments' systems (and the 政务数据共享交换平台): the catalogue, a
//! department's pre-filled template, pushing values (checked exactly like an uploaded file), and
//! the completeness board of a round. Tokens act as their account: a department token works for
//! its own department only (others are refused and audited); the city administrator's for any.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mujun_app::AppError;
use mujun_app::collection::imports::{Confirm, ImportOutcome, Overwrite};
use mujun_collect::upload::Issue;
use serde::{Deserialize, Serialize};
use utoipa::{IntoResponses, ToSchema};

use super::common::{ApiJson, AuthErrors, ErrorBody, FieldErrorBody, NotFoundError, path_id, time};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::state::AppState;

/// MIME type of xlsx workbooks.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A year in a path (2000–2100).
fn path_year(text: &str) -> Result<i64, ApiError> {
    text.trim()
        .parse::<i64>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .ok_or_else(|| {
            ApiError(AppError::invalid(
                "year",
                format!("年度应为 2000–2100 之间的 4 位数字（收到“{text}”）"),
            ))
        })
}

// ---- catalogue ----

/// 数据项目录中的一项
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CatalogueItem {
    /// 数据项编号（报送时的 `item`），如 `tax_paid`、`bonus.high_tech`
    #[schema(example = "tax_paid")]
    pub id: String,
    /// 名称
    #[schema(example = "实缴税收")]
    pub label: String,
    /// 报送部门代码
    #[schema(example = "tax")]
    pub department: String,
    /// 单位（无单位为空）
    #[schema(example = "万元")]
    pub unit: String,
    /// 类型：`number` 数值、`flag` 是/否、`scale` 规上/规下
    #[schema(example = "number")]
    pub kind: String,
    /// 允许的最小值（数值型）
    pub min: Option<f64>,
    /// 允许的最大值（数值型）
    pub max: Option<f64>,
    /// 规上企业必填
    pub required_above: bool,
    /// 规下企业必填
    pub required_below: bool,
    /// 可沿用上年数据（用地、人数等变化慢的数据）
    pub slow_moving: bool,
    /// 填报说明
    pub description: String,
    /// 共享给的其他部门代码（默认不共享）
    pub shared_with: Vec<String>,
}

/// 数据项目录
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Catalogue {
    /// 全部有效数据项（按显示顺序）
    pub items: Vec<CatalogueItem>,
}

/// 数据项目录
///
/// 各部门报送的全部数据项：编号、名称、单位、类型、允许范围、按规模的必填要求和共享设置。模板、导入校验、
/// 完成情况和本接口都以该目录为准。任何已登录的调用者均可读取。
#[utoipa::path(
    get,
    path = "/collection/catalogue",
    tag = "数据采集",
    operation_id = "get_collection_catalogue",
    responses(
        (status = 200, description = "数据项目录", body = Catalogue),
        AuthErrors,
    )
)]
pub async fn get_catalogue(
    State(state): State<AppState>,
    ApiUser { .. }: ApiUser,
) -> Result<Json<Catalogue>, ApiError> {
    let items = state
        .app
        .catalogue()
        .await?
        .into_iter()
        .map(|i| CatalogueItem {
            kind: i.kind.id().to_owned(),
            id: i.id,
            label: i.label,
            department: i.department_code,
            unit: i.unit,
            min: i.min,
            max: i.max,
            required_above: i.required_above,
            required_below: i.required_below,
            slow_moving: i.slow_moving,
            description: i.description,
            shared_with: i.shared_with,
        })
        .collect();
    Ok(Json(Catalogue { items }))
}

// ---- template ----

/// xlsx 工作簿（二进制）
#[derive(Clone, Debug, ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct Workbook(pub Vec<u8>);

/// 部门填报模板
///
/// 某部门某年度的 Excel 填报模板（.xlsx）：预填名录内全部企业和已报送的数值，每个数据项一列、表头带单位，
/// 含数据有效性和“填表说明”工作表。模板含已报送数据，下载记入审计日志。部门令牌只能下载本部门的模板（403）。
#[utoipa::path(
    get,
    path = "/collection/{department}/{year}/template",
    tag = "数据采集",
    operation_id = "get_collection_template",
    params(
        ("department" = String, Path, description = "部门代码（见 /reference 或 /collection/catalogue）", example = "tax"),
        ("year" = i64, Path, description = "数据年度", minimum = 2000, maximum = 2100, example = 2024),
    ),
    responses(
        (
            status = 200,
            description = "xlsx 工作簿；Content-Disposition 给出中文文件名",
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            body = Workbook
        ),
        AuthErrors,
        NotFoundError,
        (status = 422, description = "年度无效", body = ErrorBody),
    )
)]
pub async fn get_template(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path((department, year)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let year = path_year(&year)?;
    let (name, bytes) = state.app.department_template(&actor, &department, year).await?;
    let mut res = (StatusCode::OK, bytes).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(XLSX));
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"template-{year}.xlsx\"; filename*=UTF-8''{encoded}"
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

// ---- pushing values ----

/// 一个数值
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PushValue {
    /// 统一社会信用代码（名录内企业）
    #[schema(example = "91411702MA47CXLK51")]
    pub credit_code: String,
    /// 数据项编号（本部门的数据项，见数据项目录），也可写中文名称
    #[schema(example = "tax_paid")]
    pub item: String,
    /// 数值：数字或字符串（按数据项的单位；是/否 项填 `是`/`否`，规模填 `规上`/`规下`；空字符串或 null 表示不报送）
    #[schema(value_type = String, example = "123.45")]
    pub value: serde_json::Value,
}

/// 报送的数值
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PushBody {
    /// 确认提示信息后仍然导入（默认 `false`：有提示时返回 422 `warnings`，不写入）
    #[serde(default)]
    pub confirm_warnings: bool,
    /// 覆盖经异议或自核争议采纳的更正值的理由：会覆盖这类数值时必填（否则返回 422 `overwrites`，
    /// 逐项列出原值、新值、采纳人和采纳理由，不写入）
    #[serde(default)]
    pub overwrite_reason: Option<String>,
    /// 数值列表（同一企业同一数据项只能出现一次）
    pub values: Vec<PushValue>,
}

/// 已导入
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
pub struct Pushed {
    /// 导入批次 id（每个数值的来源）
    pub batch_id: i64,
    /// 企业数
    pub rows: usize,
    /// 写入的数值个数
    pub values: usize,
    /// 已确认的提示条数
    pub warnings_confirmed: usize,
}

/// 一处问题
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
pub struct IssueBody {
    /// 行号：数值按企业排成一张表，第 1 行为表头，第 n 行为请求中出现的第 n−1 家企业；0 表示整个请求
    pub row: usize,
    /// 该行企业的统一社会信用代码（按请求中的顺序推得；整体问题为 `null`）
    pub credit_code: Option<String>,
    /// 数据项编号
    pub column: String,
    /// 提交的值
    pub value: String,
    /// 中文原因
    pub message: String,
}

/// 未导入的原因
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
pub struct ImportProblems {
    /// `rejected`：有错误，什么也没有写入（errors 列出每一处）；`warnings`：没有错误但有提示，
    /// 确认无误后以 `confirm_warnings: true` 重新提交；`invalid`：请求本身有误（见 fields）
    #[schema(example = "rejected")]
    pub error: String,
    /// 中文说明
    pub message: String,
    /// 请求格式或参数的问题（仅 `invalid`）
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<FieldErrorBody>>,
    /// 每一处错误
    #[serde(default)]
    pub errors: Vec<IssueBody>,
    /// 每一条提示
    #[serde(default)]
    pub warnings: Vec<IssueBody>,
    /// 会被覆盖的已采纳更正值（仅 `overwrites`）
    #[serde(default)]
    pub overwrites: Vec<OverwriteBody>,
}

/// 一个会被本次报送覆盖的、经异议或自核争议采纳的更正值
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
pub struct OverwriteBody {
    /// 统一社会信用代码
    pub credit_code: String,
    /// 企业名称
    pub name: String,
    /// 数据项
    pub item: String,
    /// 采纳的更正值
    pub old: Option<f64>,
    /// 本次报送的值
    pub new: f64,
    /// 更正来源：异议更正、自核争议更正
    pub source: String,
    /// 采纳人
    pub accepted_by: String,
    /// 采纳时间（北京时间）
    pub accepted_at: String,
    /// 采纳理由
    pub note: String,
}

/// 409 and 422 of a push.
#[derive(IntoResponses)]
pub enum PushErrors {
    /// 409.
    #[response(status = 409, description = "冲突：数据被同时修改，请重新提交")]
    Conflict(ErrorBody),
    /// 422.
    #[response(
        status = 422,
        description = "未导入：error 为 `rejected`（有错误，errors 逐项列出，什么也没有写入）、`warnings`（需确认的提示，\
                       确认后以 confirm_warnings=true 重新提交）、`overwrites`（会覆盖经异议或自核争议采纳的更正值，\
                       overwrites 逐项列出，写明 overwrite_reason 后重新提交）或 `invalid`（请求格式或年度有误，见 fields）"
    )]
    Invalid(ImportProblems),
}

/// A submitted value as the text of a cell.
fn cell_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(if *b { "是" } else { "否" }.to_owned()),
        serde_json::Value::Null => Some(String::new()),
        _ => None,
    }
}

impl ImportProblems {
    /// The 422 response.
    fn into_response(self) -> Response {
        (StatusCode::UNPROCESSABLE_ENTITY, Json(self)).into_response()
    }

    /// Lists the accepted corrections the push would overwrite.
    fn with_overwrites(mut self, overwrites: &[Overwrite]) -> Response {
        self.overwrites = overwrites
            .iter()
            .map(|o| OverwriteBody {
                credit_code: o.credit_code.clone(),
                name: o.name.clone(),
                item: o.item.clone(),
                old: o.old,
                new: o.new,
                source: o.source.to_owned(),
                accepted_by: o.accepted_by.clone(),
                accepted_at: o.accepted_at.clone(),
                note: o.note.clone(),
            })
            .collect();
        self.into_response()
    }
}

fn problems(
    error: &str,
    message: String,
    errors: &[Issue],
    warnings: &[Issue],
    codes: &[&str],
) -> ImportProblems {
    let issue = |i: &Issue| IssueBody {
        row: i.row,
        credit_code: i
            .row
            .checked_sub(2)
            .and_then(|k| codes.get(k))
            .map(|c| (*c).to_owned()),
        column: i.column.clone(),
        value: i.value.clone(),
        message: i.message.clone(),
    };
    ImportProblems {
        error: error.to_owned(),
        message,
        fields: None,
        errors: errors.iter().map(issue).collect(),
        warnings: warnings.iter().map(issue).collect(),
        overwrites: Vec::new(),
    }
}

/// 报送数值
///
/// 部门系统推送某年度本部门数据项的数值，与网页上传文件使用完全相同的校验：名录外企业、代码错误、超出范围、
/// 其他部门的数据项、重复等任何错误都使整个请求不写入（422 `rejected`，逐项列出）；可疑但可能正确的数值
/// （如疑似把“元”当“万元”）返回 422 `warnings`，确认后以 `confirm_warnings: true` 重新提交。成功时所有数值
/// 在一个事务中写入为新版本（来源“接口报送”），旧值保留在历史中。部门令牌只能报送本部门的数据（403）。
#[utoipa::path(
    post,
    path = "/collection/{department}/{year}/values",
    tag = "数据采集",
    operation_id = "push_collection_values",
    params(
        ("department" = String, Path, description = "部门代码", example = "tax"),
        ("year" = i64, Path, description = "数据年度", minimum = 2000, maximum = 2100, example = 2024),
    ),
    request_body = PushBody,
    responses(
        (status = 201, description = "已导入", body = Pushed),
        AuthErrors,
        NotFoundError,
        PushErrors,
    )
)]
pub async fn push_values(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path((department, year)): Path<(String, String)>,
    ApiJson(body): ApiJson<PushBody>,
) -> Result<Response, ApiError> {
    let year = path_year(&year)?;
    if body.values.is_empty() {
        return Err(ApiError(AppError::invalid(
            "values",
            "values 不能为空：至少提交一个数值",
        )));
    }
    // An item may be named by its id or its Chinese name; the same item written both ways is
    // still one column.
    let catalogue = state.app.catalogue().await?;
    let item_id = |item: &str| {
        let item = item.trim();
        catalogue
            .iter()
            .find(|i| i.label == item || i.header() == item)
            .map_or_else(|| item.to_owned(), |i| i.id.clone())
    };
    let mut values = Vec::with_capacity(body.values.len());
    for (i, v) in body.values.iter().enumerate() {
        let Some(text) = cell_text(&v.value) else {
            return Err(ApiError(AppError::invalid(
                "values",
                format!("第 {} 个数值的 value 应为数字或字符串", i + 1),
            )));
        };
        values.push((v.credit_code.trim().to_owned(), item_id(&v.item), text));
    }
    let mut codes: Vec<&str> = Vec::new();
    for (c, _, _) in &values {
        if !codes.contains(&c.as_str()) {
            codes.push(c);
        }
    }
    let outcome = state
        .app
        .push_values(
            &actor,
            &department,
            year,
            &values,
            Confirm {
                warnings: body.confirm_warnings,
                overwrite_reason: body.overwrite_reason.as_deref(),
            },
        )
        .await?;
    Ok(match outcome {
        ImportOutcome::Imported {
            batch_id,
            rows,
            values,
            warnings_confirmed,
        } => (
            StatusCode::CREATED,
            Json(Pushed {
                batch_id,
                rows,
                values,
                warnings_confirmed,
            }),
        )
            .into_response(),
        ImportOutcome::NeedsConfirmation {
            warnings,
            values,
            overwrites,
            ..
        } if !overwrites.is_empty() => problems(
            "overwrites",
            format!(
                "本次报送会覆盖 {} 个经异议或自核争议采纳的更正值；核对无误后以 overwrite_reason 写明覆盖理由重新提交\
                 （将写入 {values} 个数值{}）",
                overwrites.len(),
                if warnings.is_empty() { "" } else { "，另有提示须以 confirm_warnings=true 确认" }
            ),
            &[],
            &warnings,
            &codes,
        )
        .with_overwrites(&overwrites),
        ImportOutcome::NeedsConfirmation { warnings, values, .. } => problems(
            "warnings",
            format!(
                "没有错误，但有 {} 条提示需要核实；确认无误后以 confirm_warnings=true 重新提交（将写入 {values} 个数值）",
                warnings.len()
            ),
            &[],
            &warnings,
            &codes,
        )
        .into_response(),
        ImportOutcome::Rejected { errors, warnings, .. } => problems(
            "rejected",
            format!("发现 {} 处错误，没有写入任何数据", errors.len()),
            &errors,
            &warnings,
            &codes,
        )
        .into_response(),
    })
}

// ---- the board ----

/// 采集轮次
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
pub struct RoundInfo {
    /// 轮次 id
    pub id: i64,
    /// 数据年度
    pub year: i64,
    /// 标题
    pub title: String,
    /// `open` 进行中、`closed` 已结束
    pub status: String,
    /// 进行中 / 已结束
    pub status_label: String,
    /// 发起时间（北京时间，RFC 3339）
    pub opened_at: String,
    /// 结束时间
    pub closed_at: Option<String>,
}

/// 一个部门的完成情况
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
pub struct BoardLine {
    /// 部门 id
    pub department_id: i64,
    /// 部门代码
    pub department: String,
    /// 部门名称
    pub department_name: String,
    /// 任务状态：`pending` 未报送、`submitted` 已报送、`confirmed` 已确认、`returned` 退回
    pub status: String,
    /// 状态名称
    pub status_label: String,
    /// 截止日期 `YYYY-MM-DD`
    pub deadline: String,
    /// 应填数值个数（名录内企业 × 按规模必填的数据项）
    pub required: i64,
    /// 已填的必填数值个数
    pub filled: i64,
    /// 完成率（%，0–100）；没有必填项时为 `null`
    pub percent: Option<f64>,
    /// 企业自核已确认的数值个数
    pub confirmed: i64,
    /// 已过截止日期仍未报送
    pub overdue: bool,
    /// 退回原因等说明
    pub note: String,
    /// 报送时间
    pub submitted_at: Option<String>,
    /// 确认或退回时间
    pub reviewed_at: Option<String>,
    /// 本部门的数据项编号
    pub items: Vec<String>,
}

/// 一个采集轮次的完成情况
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
pub struct RoundBoard {
    /// 轮次
    pub round: RoundInfo,
    /// 名录内企业数
    pub enterprises: usize,
    /// 各部门（部门令牌只见本部门）
    pub departments: Vec<BoardLine>,
}

/// 采集完成情况
///
/// 某采集轮次各部门的任务状态、截止日期、应填/已填数值、完成率、企业自核确认数和是否逾期。市级评价管理员
/// 看到全部部门，部门令牌只看到本部门；其他角色无权访问（403）。
#[utoipa::path(
    get,
    path = "/collection/rounds/{id}",
    tag = "数据采集",
    operation_id = "get_collection_round",
    params(("id" = i64, Path, description = "采集轮次 id")),
    responses(
        (status = 200, description = "完成情况", body = RoundBoard),
        AuthErrors,
        NotFoundError,
    )
)]
pub async fn get_round(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<RoundBoard>, ApiError> {
    let id = path_id(&id, "采集轮次")?;
    let board = state.app.round_board(&actor, id).await?;
    let r = board.round;
    Ok(Json(RoundBoard {
        round: RoundInfo {
            status_label: if r.status == "open" {
                "进行中"
            } else {
                "已结束"
            }
            .to_owned(),
            id: r.id,
            year: r.year,
            title: r.title,
            status: r.status,
            opened_at: time(r.opened_at),
            closed_at: r.closed_at.map(time),
        },
        enterprises: board.enterprises,
        departments: board
            .rows
            .into_iter()
            .map(|row| BoardLine {
                department_id: row.department_id,
                department: row.department_code,
                department_name: row.department_name,
                status_label: mujun_app::collection::task_status_label(&row.task.status).to_owned(),
                status: row.task.status,
                deadline: row.task.deadline,
                required: row.required,
                filled: row.filled,
                percent: (row.required > 0)
                    .then(|| (row.filled as f64 * 1000.0 / row.required as f64).round() / 10.0),
                confirmed: row.confirmed,
                overdue: row.overdue,
                note: row.task.note,
                submitted_at: row.task.submitted_at.map(time),
                reviewed_at: row.task.reviewed_at.map(time),
                items: row.items.into_iter().map(|i| i.id).collect(),
            })
            .collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_and_years() {
        assert_eq!(cell_text(&serde_json::json!(12.5)).as_deref(), Some("12.5"));
        assert_eq!(cell_text(&serde_json::json!("规上")).as_deref(), Some("规上"));
        assert_eq!(cell_text(&serde_json::json!(true)).as_deref(), Some("是"));
        assert_eq!(cell_text(&serde_json::json!(null)).as_deref(), Some(""));
        assert_eq!(cell_text(&serde_json::json!([1])), None);
        assert!(path_year("2024").is_ok_and(|y| y == 2024));
        assert!(path_year("1999").is_err() && path_year("x").is_err());
    }
}
