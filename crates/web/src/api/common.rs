//! What the resources share: the documented error body and error responses, a JSON body
//! extractor whose refusals are API errors, parsing of path and query values, times and
//! Chinese labels.

use std::str::FromStr;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use mujun_app::{AppError, FieldError};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::{IntoResponses, ToSchema};

use crate::error::ApiError;

/// 错误响应（由 [`ApiError`] 写出）
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// 错误代码：`unauthenticated`、`forbidden`、`password_change_required`、`not_found`、
    /// `conflict`、`invalid`、`locked`、`internal`
    #[schema(example = "forbidden")]
    pub error: String,
    /// 中文说明
    #[schema(example = "无权访问：超出本账号的查看范围")]
    pub message: String,
    /// 未通过校验的字段（仅 `invalid`）
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<FieldErrorBody>>,
}

/// 未通过校验的一个字段
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct FieldErrorBody {
    /// 字段名（`credit_code`、`name` 等；请求体格式错误时为 `body`，查询参数错误时为参数名）
    #[schema(example = "credit_code")]
    pub field: String,
    /// 中文说明
    #[schema(example = "统一社会信用代码应为 18 位")]
    pub message: String,
}

/// 401 and 403 of every endpoint that needs a caller.
#[derive(IntoResponses)]
pub enum AuthErrors {
    /// 401.
    #[response(
        status = 401,
        description = "未登录：缺少、无效、已过期或已吊销的令牌，或会话已失效"
    )]
    Unauthenticated(ErrorBody),
    /// 403.
    #[response(
        status = 403,
        description = "无权访问：角色或数据范围不允许（已记入审计日志）；会话须先修改密码；或浏览器会话的修改请求缺少 X-CSRF-Token"
    )]
    Forbidden(ErrorBody),
}

/// 404 of an endpoint that names an object.
#[derive(IntoResponses)]
pub enum NotFoundError {
    /// 404.
    #[response(status = 404, description = "对象不存在")]
    NotFound(ErrorBody),
}

/// 422 of an endpoint with query parameters.
#[derive(IntoResponses)]
pub enum QueryError {
    /// 422.
    #[response(status = 422, description = "查询参数有误（fields 列出各参数及原因）")]
    Invalid(ErrorBody),
}

/// 409 and 422 of a change.
#[derive(IntoResponses)]
pub enum WriteErrors {
    /// 409.
    #[response(
        status = 409,
        description = "冲突：统一社会信用代码已存在，或数据已被他人修改（version 已过期，请重新读取）"
    )]
    Conflict(ErrorBody),
    /// 422.
    #[response(
        status = 422,
        description = "填写有误：fields 列出各字段及中文原因；请求体不是合法 JSON 时字段为 body"
    )]
    Invalid(ErrorBody),
}

/// 409 and 422 of a workflow step or a small change.
#[derive(IntoResponses)]
pub enum StepErrors {
    /// 409.
    #[response(status = 409, description = "冲突：对象的状态已被他人改变，请重新读取")]
    Conflict(ErrorBody),
    /// 422.
    #[response(
        status = 422,
        description = "不能执行：fields 给出中文原因（当前状态不允许、缺少理由等）；请求体不是合法 JSON 时字段为 body"
    )]
    Invalid(ErrorBody),
}

/// A JSON request body; a malformed one is a 422 [`ApiError`] with the field `body`.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError(AppError::TooLarge("请求体过大，请分批提交".into())))
            }
            Err(e) => {
                let message = match &e {
                    JsonRejection::MissingJsonContentType(_) => {
                        "请求体须为 JSON（Content-Type: application/json）".to_owned()
                    }
                    JsonRejection::JsonSyntaxError(_) => "请求体不是合法的 JSON".to_owned(),
                    JsonRejection::JsonDataError(_) => format!("请求体字段不符合要求：{}", serde_detail(&e)),
                    _ => "无法读取请求体".to_owned(),
                };
                Err(ApiError(AppError::invalid("body", message)))
            }
        }
    }
}

/// The serde part of a JSON rejection (`unknown field `x`, expected …`).
fn serde_detail(e: &JsonRejection) -> String {
    let text = e.body_text();
    text.split_once("target type: ")
        .map_or_else(|| text.clone(), |(_, d)| d.to_owned())
}

/// Query parameters; a malformed query string is a 422 [`ApiError`] with the field `query`.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        serde_urlencoded::from_str(parts.uri.query().unwrap_or(""))
            .map(ApiQuery)
            .map_err(|e| ApiError(AppError::invalid("query", format!("查询参数格式错误：{e}"))))
    }
}

/// An id in a path; anything else names nothing (404 with `what`, e.g. `企业`)
pub fn path_id(text: &str, what: &'static str) -> Result<i64, ApiError> {
    text.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(ApiError(AppError::NotFound(what)))
}

/// Collects the errors of query parameters, then fails with all of them at once.
#[derive(Debug, Default)]
pub struct QueryParser {
    errors: Vec<FieldError>,
}

impl QueryParser {
    /// A value that parses with [`FromStr`]; empty means absent.
    pub fn parse<T: FromStr>(&mut self, name: &'static str, value: Option<&str>, what: &str) -> Option<T> {
        let v = text(value)?;
        match v.parse() {
            Ok(x) => Some(x),
            Err(_) => {
                self.fail(name, format!("{what}（收到“{v}”）"));
                None
            }
        }
    }

    /// Records an error.
    pub fn fail(&mut self, name: &'static str, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: name,
            message: message.into(),
        });
    }

    /// `Ok(value)` when nothing failed.
    pub fn finish<T>(self, value: T) -> Result<T, ApiError> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(ApiError(AppError::Invalid(self.errors)))
        }
    }
}

/// A trimmed text parameter; empty means absent.
pub fn text(value: Option<&str>) -> Option<String> {
    value.map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

/// The `?year=` of a detail: 0 (absent) means the latest year with data.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// 数据年度；不填为有数据的最近年度
    #[param(value_type = Option<i64>, minimum = 2000, maximum = 2100, example = 2023)]
    pub year: Option<String>,
}

impl YearQuery {
    /// The year, 0 when absent.
    pub fn year(&self) -> Result<i64, ApiError> {
        let mut p = QueryParser::default();
        let year = parse_year(&mut p, self.year.as_deref());
        p.finish(year)
    }
}

/// A year parameter (2000–2100), 0 when absent.
pub fn parse_year(p: &mut QueryParser, value: Option<&str>) -> i64 {
    match p.parse::<i64>("year", value, "年度应为 4 位数字") {
        Some(y) if (2000..=2100).contains(&y) => y,
        Some(y) => {
            p.fail("year", format!("年度应在 2000–2100 之间（收到 {y}）"));
            0
        }
        None => 0,
    }
}

/// A millisecond timestamp as RFC 3339 in Beijing time, e.g. `2024-05-01T09:30:00+08:00`.
pub fn time(ms: i64) -> String {
    let secs = ms.div_euclid(1000) + 8 * 3600;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let date = mujun_domain::Date::from_days_since_epoch(days)
        .map_or_else(|| "0000-01-01".to_owned(), |d| d.to_string());
    format!(
        "{date}T{:02}:{:02}:{:02}+08:00",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

pub use mujun_app::evaluation::format::class_label;

/// 规上 / 规下 of `above` / `below`
pub fn scale_label(scale: &str) -> String {
    mujun_domain::Scale::parse(scale).map_or_else(|_| scale.to_owned(), |s| s.label().to_owned())
}

/// The Chinese label of an id in a table of `(id, label)`.
pub fn label_of(table: &[(&str, &str)], id: &str) -> String {
    table
        .iter()
        .find(|(k, _)| *k == id)
        .map_or_else(|| id.to_owned(), |(_, l)| (*l).to_owned())
}

/// The name of a county of Zhumadian.
pub fn region_name(code: &str) -> Option<String> {
    mujun_domain::RegionCode::parse(code)
        .ok()
        .and_then(|r| r.name())
        .map(str::to_owned)
}

/// The name of the 大类 of an industry code
pub fn industry_name(code: &str) -> Option<String> {
    mujun_domain::IndustryCode::parse(code)
        .ok()
        .and_then(|i| mujun_domain::manufacturing_division_name(i.division()))
        .map(str::to_owned)
}

/// 代码及中文名称
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Labeled {
    /// 代码
    pub id: String,
    /// 中文名称
    pub label: String,
}

impl Labeled {
    /// Builds one.
    pub fn new(id: impl Into<String>, label: impl Into<String>) -> Labeled {
        Labeled {
            id: id.into(),
            label: label.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_beijing_rfc3339() {
        assert_eq!(time(0), "1970-01-01T08:00:00+08:00");
        assert_eq!(time(1_700_000_000_000), "2023-11-15T06:13:20+08:00");
    }

    #[test]
    fn query_values() {
        let mut p = QueryParser::default();
        assert_eq!(p.parse::<i64>("page", Some(" 2 "), "页码应为整数"), Some(2));
        assert_eq!(p.parse::<i64>("page", Some(""), "页码应为整数"), None);
        assert_eq!(parse_year(&mut p, None), 0);
        assert!(p.finish(()).is_ok());
        let mut p = QueryParser::default();
        assert_eq!(p.parse::<i64>("page", Some("x"), "页码应为整数"), None);
        assert_eq!(parse_year(&mut p, Some("1999")), 0);
        match p.finish(()) {
            Err(ApiError(AppError::Invalid(f))) => {
                assert_eq!(f.len(), 2);
                assert_eq!(f[0].message, "页码应为整数（收到“x”）");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(class_label("A"), "A 类 优先发展");
        assert_eq!(scale_label("above"), "规上");
        assert!(path_id("0", "企业").is_err() && path_id("12", "企业").is_ok_and(|i| i == 12));
    }
}
