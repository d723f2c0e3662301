//! The one error type of the use-case layer. Messages are Simplified Chinese.

use mujun_store::StoreError;

/// A field of a form that failed validation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The form field (e.g. `credit_code`).
    pub field: &'static str,
    /// Why (Chinese).
    pub message: String,
}

/// Why a use case did not happen.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No valid session or token.
    #[error("请先登录")]
    Unauthenticated,
    /// The caller's role or scope does not allow this (already audited).
    #[error("无权访问：{0}")]
    Forbidden(String),
    /// The object does not exist.
    #[error("{0}不存在")]
    NotFound(&'static str),
    /// Form input is invalid.
    #[error("填写有误：{}", .0.iter().map(|e| format!("{}：{}", e.field, e.message)).collect::<Vec<_>>().join("；"))]
    Invalid(Vec<FieldError>),
    /// The login failed: wrong name or password, or an account or address that must wait —
    /// deliberately the same answer for every case.
    #[error("用户名或密码错误；连续输错后需稍候再试，如仍无法登录请联系系统管理员")]
    BadCredentials,
    /// The password was right; the account's second factor is asked next, with this ticket.
    #[error("请输入动态验证码")]
    SecondFactorRequired {
        /// The ticket of the second step.
        ticket: String,
    },
    /// The second factor must be enrolled before anything else.
    #[error("该账号须先绑定动态验证码（双因素认证）")]
    SecondFactorEnrolment,
    /// Too many failures: the account is locked.
    #[error("连续登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试或联系系统管理员")]
    Locked {
        /// Minutes left.
        minutes: i64,
    },
    /// The account is disabled.
    #[error("账号已停用，请联系系统管理员")]
    Disabled,
    /// A request or file larger than allowed.
    #[error("{0}")]
    TooLarge(String),
    /// The password must be changed before anything else.
    #[error("首次登录或密码已重置，请先修改密码")]
    PasswordChangeRequired,
    /// Storage failed, or a uniqueness/version conflict.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The evaluation engine refused (a method or input problem).
    #[error(transparent)]
    Engine(#[from] mujun_engine::EngineError),
    /// Hashing failed.
    #[error("密码处理失败：{0}")]
    Crypto(String),
    /// Something inside the server failed (a background task, a file write): not the caller's
    /// fault, shown as a server error.
    #[error("服务器内部错误：{0}")]
    Internal(String),
}

impl AppError {
    /// A single-field validation error.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        AppError::Invalid(vec![FieldError {
            field,
            message: message.into(),
        }])
    }
}
