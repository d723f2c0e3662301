//! Method files a city stores (its edited copies of the presets). Every save is a new version;
//! versions are never changed or deleted, so any run can name the exact file it used.

use sqlx::AnyConnection;

use crate::{StoreError, now_ms};

/// One stored version of a method file.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct MethodFile {
    /// Id.
    pub id: i64,
    /// The `id` inside the file.
    pub method_id: String,
    /// 1, 2, … per method id.
    pub version: i64,
    /// The `name` inside the file.
    pub name: String,
    /// The TOML text exactly as uploaded.
    pub source: String,
    /// SHA-256 of the text.
    pub hash: String,
    /// The preset or method it was copied from (may be empty).
    pub based_on: String,
    /// Who saved it.
    pub created_by: Option<i64>,
    /// When (ms).
    pub created_at: i64,
}

const COLUMNS: &str = "id, method_id, version, name, source, hash, based_on, created_by, created_at";

/// Saves a new version of a method; returns `(id, version)`.
pub async fn insert(
    conn: &mut AnyConnection,
    method_id: &str,
    name: &str,
    source: &str,
    hash: &str,
    based_on: &str,
    user_id: Option<i64>,
) -> Result<(i64, i64), StoreError> {
    let (last,): (i64,) =
        sqlx::query_as("SELECT COALESCE(MAX(version), 0) FROM method_files WHERE method_id = $1")
            .bind(method_id)
            .fetch_one(&mut *conn)
            .await?;
    let version = last + 1;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO method_files (method_id, version, name, source, hash, based_on, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(method_id)
    .bind(version)
    .bind(name)
    .bind(source)
    .bind(hash)
    .bind(based_on)
    .bind(user_id)
    .bind(now_ms())
    .fetch_one(conn)
    .await
    .map_err(StoreError::unique("方法版本"))?;
    Ok((id, version))
}

/// Every stored version, newest first within each method.
pub async fn list(conn: &mut AnyConnection) -> Result<Vec<MethodFile>, StoreError> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM method_files ORDER BY method_id, version DESC"
    )))
    .fetch_all(conn)
    .await?)
}

/// One version by id.
pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<MethodFile>, StoreError> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM method_files WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// One version by method id and version.
pub async fn get_version(
    conn: &mut AnyConnection,
    method_id: &str,
    version: i64,
) -> Result<Option<MethodFile>, StoreError> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM method_files WHERE method_id = $1 AND version = $2"
    )))
    .bind(method_id)
    .bind(version)
    .fetch_optional(conn)
    .await?)
}
