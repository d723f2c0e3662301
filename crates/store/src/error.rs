//! The one error type of the store.

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed.
    #[error("数据库错误：{0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("数据库升级失败：{0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The URL names a database this build does not support.
    #[error("不支持的数据库地址“{0}”：请使用 sqlite://… 或 postgres://…")]
    UnsupportedUrl(String),
    /// A row that must exist does not.
    #[error("{0}不存在")]
    NotFound(&'static str),
    /// A unique value is taken (credit code, username, cluster name …).
    #[error("{0}已存在")]
    Duplicate(&'static str),
    /// A backup could not be written or restored.
    #[error("{0}")]
    Backup(String),
    /// The audit key file is missing, unreadable or malformed.
    #[error("{0}")]
    AuditKey(String),
    /// Someone else changed the row since it was read (optimistic locking).
    #[error("{0}已被他人修改，请刷新后重试")]
    Conflict(&'static str),
}

impl StoreError {
    /// Maps a unique violation to [`StoreError::Duplicate`] naming `what`.
    pub(crate) fn unique(what: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
        move |e| match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Duplicate(what),
            _ => StoreError::Database(e),
        }
    }
}
