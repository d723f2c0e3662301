//! 城市设置 for scripts: a city's own files — the enterprise registry, the classes of earlier
//! years, the figures of an earlier year — imported from the file itself (the request body),
//! read through the column mapping remembered for the file's layout; the columns of a file as
//! detected; and the mapping of a layout set ahead of its files. City administrator only.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mujun_app::AppError;
use mujun_app::registry::figure_history::FiguresOutcome;
use mujun_app::registry::history_import::ClassesOutcome;
use mujun_app::registry::import::RegistryOutcome;
use mujun_app::registry::mapping::{ColumnMapping, FileKind};
use serde::{Deserialize, Serialize};
use utoipa::{IntoResponses, ToSchema};

use super::collection::{ImportProblems, IssueBody};
use super::common::{ApiJson, ApiQuery, AuthErrors, ErrorBody, NotFoundError};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::pages::collection::upload::UPLOAD_BODY_LIMIT;
use crate::state::AppState;

fn kind_of(text: &str) -> Result<FileKind, ApiError> {
    FileKind::parse(text).ok_or(ApiError(AppError::NotFound("文件类型")))
}

async fn file_bytes(body: Body) -> Result<Vec<u8>, ApiError> {
    axum::body::to_bytes(body, UPLOAD_BODY_LIMIT)
        .await
        .map(|b| b.to_vec())
        .map_err(|_| {
            ApiError(AppError::TooLarge(format!(
                "文件超过 {} MB 的上限，或没有读完",
                UPLOAD_BODY_LIMIT / (1024 * 1024)
            )))
        })
}

/// 导入参数
#[derive(Clone, Debug, Default, Deserialize, ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// 文件名（以 .xlsx 或 .csv 结尾，决定按哪种格式读取）
    #[param(example = "企业名录.xlsx")]
    pub file_name: String,
    /// 年度：企业名录中“规模”所属的年度，或历年数据所属的年度（历年评价类别不需要）
    #[param(example = 2024)]
    pub year: Option<i64>,
    /// 企业名录：自动新建文件中出现、本市尚未登记的产业集聚区
    #[serde(default)]
    pub create_clusters: bool,
}

/// 导入结果
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct SetupImported {
    /// 中文说明
    pub message: String,
    /// 文件的 SHA-256
    pub file_hash: String,
    /// 企业名录：新增、变更、其中关闭、未变的企业数
    pub added: usize,
    /// 变更的企业数
    pub changed: usize,
    /// 其中新关闭的企业数
    pub closed: usize,
    /// 未变的企业数
    pub unchanged: usize,
    /// 新建的产业集聚区
    pub clusters_created: Vec<String>,
    /// 历年类别或历年数据：写入的行数
    pub rows: usize,
    /// 历年评价类别覆盖的年度
    pub years: Vec<i64>,
    /// 历年数据：写入的数值个数
    pub values: usize,
    /// 历年数据：按报送部门的数值个数
    pub departments: BTreeMap<String, usize>,
    /// 历年数据：提示（按原样保存）
    pub warnings: Vec<IssueBody>,
}

/// 未导入
#[derive(IntoResponses)]
pub enum ImportErrors {
    /// 409.
    #[response(status = 409, description = "冲突：名录或数据正被同时修改，请重新提交")]
    Conflict(ErrorBody),
    /// 413.
    #[response(status = 413, description = "文件过大")]
    TooLarge(ErrorBody),
    /// 422.
    #[response(
        status = 422,
        description = "未导入：error 为 `rejected` 时 errors 逐行列出每一处问题（行、列、值、原因），什么也没有写入；`invalid` 时见 fields"
    )]
    Invalid(ImportProblems),
}

fn issue(i: mujun_collect::upload::Issue) -> IssueBody {
    IssueBody {
        row: i.row,
        credit_code: None,
        column: i.column,
        value: i.value,
        message: i.message,
    }
}

fn rejected(name: &str, errors: Vec<mujun_collect::upload::Issue>) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(ImportProblems {
            error: "rejected".into(),
            message: format!("文件“{name}”有 {} 处问题，未写入任何数据", errors.len()),
            fields: None,
            errors: errors.into_iter().map(issue).collect(),
            warnings: Vec::new(),
            overwrites: Vec::new(),
        }),
    )
        .into_response()
}

/// 导入本市的文件（企业名录、历年评价类别、历年数据）
///
/// 请求体就是文件本身（.xlsx，或 UTF-8 / GBK 编码的 .csv）。整个文件校验通过才写入；有问题时逐行列出，
/// 什么也不写入。表头与系统列名不一致时，按本市为同样表头记住的列对应读取（见“设置表头的列对应”）。
/// 仅市级评价管理员。`kind`：`registry` 企业名录、`classes` 历年评价类别、`figures` 历年数据。
#[utoipa::path(
    post,
    path = "/setup/{kind}/import",
    tag = "城市设置",
    operation_id = "import_city_file",
    params(
        ("kind" = String, Path, description = "文件类型：registry、classes 或 figures", example = "registry"),
        ImportQuery,
    ),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "文件内容"),
    responses(
        (status = 201, description = "已导入", body = SetupImported),
        AuthErrors,
        NotFoundError,
        ImportErrors,
    )
)]
pub async fn import_city_file(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path(kind): Path<String>,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: Body,
) -> Result<Response, ApiError> {
    let kind = kind_of(&kind)?;
    let bytes = file_bytes(body).await?;
    let name = q.file_name.trim().to_owned();
    let year = || {
        q.year
            .filter(|y| (2000..=2100).contains(y))
            .ok_or_else(|| ApiError(AppError::invalid("year", "请给出年度（2000–2100）")))
    };
    let done = match kind {
        FileKind::Registry => {
            match state
                .app
                .import_registry(&actor, &name, bytes, year()?, q.create_clusters, None)
                .await?
            {
                RegistryOutcome::Rejected { errors } => return Ok(rejected(&name, errors)),
                RegistryOutcome::Imported(s) => SetupImported {
                    message: format!(
                        "已导入企业名录：新增 {} 家，变更 {} 家（其中关闭 {} 家），未变 {} 家",
                        s.added, s.changed, s.closed, s.unchanged
                    ),
                    file_hash: s.file_hash,
                    added: s.added,
                    changed: s.changed,
                    closed: s.closed,
                    unchanged: s.unchanged,
                    clusters_created: s.clusters_created,
                    ..SetupImported::default()
                },
            }
        }
        FileKind::Classes => match state.app.import_class_history(&actor, &name, bytes, None).await? {
            ClassesOutcome::Rejected { errors } => return Ok(rejected(&name, errors)),
            ClassesOutcome::Imported {
                rows,
                years,
                file_hash,
            } => SetupImported {
                message: format!("已导入历年评价类别 {rows} 条"),
                file_hash,
                rows,
                years,
                ..SetupImported::default()
            },
        },
        FileKind::Figures => {
            match state
                .app
                .import_figure_history(&actor, &name, bytes, year()?, None)
                .await?
            {
                FiguresOutcome::Rejected { errors } => return Ok(rejected(&name, errors)),
                FiguresOutcome::Imported {
                    rows,
                    values,
                    departments,
                    warnings,
                    file_hash,
                } => SetupImported {
                    message: format!("已导入历年数据：{rows} 家企业，{values} 个数值"),
                    file_hash,
                    rows,
                    values,
                    departments,
                    warnings: warnings.into_iter().map(issue).collect(),
                    ..SetupImported::default()
                },
            }
        }
    };
    Ok((StatusCode::CREATED, Json(done)).into_response())
}

/// 文件名参数
#[derive(Clone, Debug, Default, Deserialize, ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FileQuery {
    /// 文件名（以 .xlsx 或 .csv 结尾）
    #[param(example = "企业名录.xlsx")]
    pub file_name: String,
}

/// 文件中的一列
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct DetectedColumnBody {
    /// 表头（原样）
    pub header: String,
    /// 前几个值
    pub samples: Vec<String>,
    /// 识别为系统的哪一项（空：未识别或忽略）
    pub target: String,
    /// 单位（有单位可选的数据项）
    pub unit: String,
    /// 按记住的列对应或表头识别（而非猜测）
    pub recognised: bool,
    /// 未识别，按列名或内容推测出 target，须确认后使用
    pub guessed: bool,
}

/// 一列可以对应的系统项
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct TargetBody {
    /// 系统列名（对应时使用；数据项带单位时写作“名称（单位）”）
    pub header: String,
    /// 显示名称
    pub label: String,
    /// 必填
    pub required: bool,
    /// 可选的单位
    pub units: Vec<String>,
}

/// 文件的各列
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct DetectedColumns {
    /// 表头指纹（设置列对应时使用）
    pub fingerprint: String,
    /// 本市已为同样表头记住了列对应
    pub remembered: bool,
    /// 尚无对应列的必填项
    pub missing: Vec<String>,
    /// 各列
    pub columns: Vec<DetectedColumnBody>,
    /// 可对应的系统项
    pub targets: Vec<TargetBody>,
}

/// 识别文件的各列
///
/// 请求体是文件本身。返回各列的表头、前几个值、识别出的系统项和单位，以及表头指纹；未识别的列可用
/// “设置表头的列对应”说明后再导入。仅市级评价管理员。
#[utoipa::path(
    post,
    path = "/setup/{kind}/columns",
    tag = "城市设置",
    operation_id = "detect_city_file_columns",
    params(
        ("kind" = String, Path, description = "文件类型：registry、classes 或 figures", example = "figures"),
        FileQuery,
    ),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "文件内容"),
    responses(
        (status = 200, description = "各列", body = DetectedColumns),
        AuthErrors,
        NotFoundError,
        ImportErrors,
    )
)]
pub async fn detect_city_file_columns(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path(kind): Path<String>,
    ApiQuery(q): ApiQuery<FileQuery>,
    body: Body,
) -> Result<Json<DetectedColumns>, ApiError> {
    let kind = kind_of(&kind)?;
    let bytes = file_bytes(body).await?;
    let v = state
        .app
        .detect_columns(&actor, kind, q.file_name.trim(), bytes)
        .await?;
    Ok(Json(DetectedColumns {
        fingerprint: v.fingerprint,
        remembered: v.remembered,
        missing: v.missing,
        columns: v
            .columns
            .into_iter()
            .map(|c| DetectedColumnBody {
                header: c.header,
                samples: c.samples,
                target: c.target,
                unit: c.unit,
                recognised: c.recognised,
                guessed: c.guessed,
            })
            .collect(),
        targets: v
            .targets
            .into_iter()
            .map(|t| TargetBody {
                header: t.header,
                label: t.label,
                required: t.required,
                units: t.units.into_iter().map(str::to_owned).collect(),
            })
            .collect(),
    }))
}

/// 一种表头的列对应
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MappingBody {
    /// 文件中的列名 → 系统列名（数据项可带单位，如“主营业务收入（元）”）；空字符串表示忽略该列
    #[schema(example = json!({"纳税人识别号": "统一社会信用代码", "营业收入（元）": "主营业务收入（元）", "序号": ""}))]
    pub columns: BTreeMap<String, String>,
}

/// 设置表头的列对应
///
/// 为表头指纹为 `fingerprint` 的文件（见“识别文件的各列”）记住列对应；此后导入同样表头的文件时自动使用。
/// 仅市级评价管理员，记入审计日志。浏览器会话须带 `X-CSRF-Token`。
#[utoipa::path(
    put,
    path = "/setup/{kind}/mappings/{fingerprint}",
    tag = "城市设置",
    operation_id = "set_city_file_mapping",
    params(
        ("kind" = String, Path, description = "文件类型：registry、classes 或 figures", example = "figures"),
        ("fingerprint" = String, Path, description = "表头指纹（64 位十六进制）"),
    ),
    request_body = MappingBody,
    responses(
        (status = 200, description = "已记住", body = MappingBody),
        AuthErrors,
        NotFoundError,
        super::common::WriteErrors,
    )
)]
pub async fn set_city_file_mapping(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path((kind, fingerprint)): Path<(String, String)>,
    ApiJson(body): ApiJson<MappingBody>,
) -> Result<Json<MappingBody>, ApiError> {
    let kind = kind_of(&kind)?;
    let mut mapping = ColumnMapping::none();
    for (h, t) in &body.columns {
        mapping.set(h, t);
    }
    state
        .app
        .save_mapping(&actor, kind, fingerprint.trim(), &mapping)
        .await?;
    Ok(Json(MappingBody {
        columns: mapping.columns,
    }))
}
