//! The registry's history of each enterprise: one row per changed field.

use sqlx::AnyConnection;

use crate::{StoreError, now_ms};

/// A recorded change.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Change {
    /// When (ms).
    pub at: i64,
    /// Which field: `name`, `region_code`, `cluster`, `industry_code`, `production_start`,
    /// `status`, `created`.
    pub field: String,
    /// Before.
    pub old_value: String,
    /// After.
    pub new_value: String,
    /// `registry_import` or `form`.
    pub source: String,
    /// SHA-256 of the imported file.
    pub file_hash: String,
}

/// Records a change.
#[allow(clippy::too_many_arguments)]
pub async fn insert(
    conn: &mut AnyConnection,
    enterprise_id: i64,
    field: &str,
    old_value: &str,
    new_value: &str,
    source: &str,
    file_hash: &str,
    user_id: Option<i64>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO enterprise_changes (enterprise_id, at, field, old_value, new_value, source, file_hash, user_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(enterprise_id)
    .bind(now_ms())
    .bind(field)
    .bind(old_value)
    .bind(new_value)
    .bind(source)
    .bind(file_hash)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The changes of an enterprise, oldest first.
pub async fn list(conn: &mut AnyConnection, enterprise_id: i64) -> Result<Vec<Change>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT at, field, old_value, new_value, source, file_hash FROM enterprise_changes \
         WHERE enterprise_id = $1 ORDER BY id",
    )
    .bind(enterprise_id)
    .fetch_all(conn)
    .await?)
}
