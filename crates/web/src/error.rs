//! Turning use-case errors into responses: an HTML page for browsers, JSON for the API.
//! Error policy: 401 unauthenticated, 403 forbidden (already audited by the use case), 404, 409
//! conflicts (duplicates, stale versions), 422 invalid input, 423 locked, 500 for the rest
//! (logged, never shown in detail).

use askama::Template;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use mujun_app::AppError;
use mujun_store::StoreError;

fn status_of(e: &AppError) -> (StatusCode, &'static str) {
    match e {
        AppError::Unauthenticated | AppError::BadCredentials => (StatusCode::UNAUTHORIZED, "unauthenticated"),
        AppError::Forbidden(_) | AppError::Disabled => (StatusCode::FORBIDDEN, "forbidden"),
        AppError::PasswordChangeRequired => (StatusCode::FORBIDDEN, "password_change_required"),
        AppError::SecondFactorRequired { .. } => (StatusCode::UNAUTHORIZED, "second_factor_required"),
        AppError::SecondFactorEnrolment => (StatusCode::FORBIDDEN, "second_factor_enrolment"),
        AppError::NotFound(_) | AppError::Store(StoreError::NotFound(_)) => {
            (StatusCode::NOT_FOUND, "not_found")
        }
        AppError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
        AppError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
        AppError::Locked { .. } => (StatusCode::LOCKED, "locked"),
        AppError::Store(StoreError::Duplicate(_) | StoreError::Conflict(_)) => {
            (StatusCode::CONFLICT, "conflict")
        }
        AppError::Store(_) | AppError::Crypto(_) | AppError::Engine(_) | AppError::Internal(_) => {
            (StatusCode::INTERNAL_SERVER_ERROR, "internal")
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    title: &'a str,
    message: &'a str,
}

/// An error shown as an HTML page.
#[derive(Debug)]
pub struct PageError {
    status: StatusCode,
    message: String,
}

impl PageError {
    /// The CSRF refusal.
    pub fn csrf() -> PageError {
        PageError {
            status: StatusCode::FORBIDDEN,
            message: "请求来源校验失败（页面可能已过期），请返回刷新后重试".into(),
        }
    }

    /// A request refused before any handler (a NUL byte, a malformed request).
    pub fn bad_request(message: impl Into<String>) -> PageError {
        PageError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    /// A 404 page.
    pub fn not_found() -> PageError {
        PageError {
            status: StatusCode::NOT_FOUND,
            message: "页面不存在".into(),
        }
    }
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        let (status, _) = status_of(&e);
        let message = if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!("internal error: {e}");
            "系统内部错误，请稍后重试；如持续出现请联系系统管理员".to_owned()
        } else {
            e.to_string()
        };
        PageError { status, message }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if self.status == StatusCode::UNAUTHORIZED {
            return Redirect::to("/login").into_response();
        }
        let title = match self.status {
            StatusCode::FORBIDDEN => "无权访问",
            StatusCode::NOT_FOUND => "未找到",
            StatusCode::CONFLICT => "数据冲突",
            StatusCode::UNPROCESSABLE_ENTITY => "填写有误",
            StatusCode::PAYLOAD_TOO_LARGE => "内容过大",
            StatusCode::BAD_REQUEST => "请求有误",
            StatusCode::LOCKED => "账号已锁定",
            _ => "出错了",
        };
        let page = ErrorPage {
            status: self.status.as_u16(),
            title,
            message: &self.message,
        };
        match page.render() {
            Ok(html) => (self.status, Html(html)).into_response(),
            Err(_) => (self.status, self.message).into_response(),
        }
    }
}

/// An error of the JSON API: `{"error": "<code>", "message": "<中文>"}`.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = status_of(&self.0);
        let message = if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!("internal error: {}", self.0);
            "系统内部错误".to_owned()
        } else {
            self.0.to_string()
        };
        let mut body = serde_json::json!({ "error": code, "message": message });
        if let AppError::Invalid(fields) = &self.0 {
            body["fields"] = fields
                .iter()
                .map(|f| serde_json::json!({"field": f.field, "message": f.message}))
                .collect();
        }
        (status, Json(body)).into_response()
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}
