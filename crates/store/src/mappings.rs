//! Column mappings remembered per file layout, and setup files kept while their columns are
//! mapped (issue 11).

use sqlx::AnyConnection;

use crate::{StoreError, now_ms};

/// The remembered mapping (JSON) of a layout.
pub async fn get(
    conn: &mut AnyConnection,
    kind: &str,
    fingerprint: &str,
) -> Result<Option<String>, StoreError> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT mapping FROM column_mappings WHERE kind = $1 AND fingerprint = $2")
            .bind(kind)
            .bind(fingerprint)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(m,)| m))
}

/// Remembers (or replaces) the mapping of a layout.
pub async fn set(
    conn: &mut AnyConnection,
    kind: &str,
    fingerprint: &str,
    mapping: &str,
    user_id: Option<i64>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO column_mappings (kind, fingerprint, mapping, user_id, updated_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (kind, fingerprint) DO UPDATE SET mapping = $3, user_id = $4, updated_at = $5",
    )
    .bind(kind)
    .bind(fingerprint)
    .bind(mapping)
    .bind(user_id)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

/// A file kept while its columns are mapped.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct SetupFile {
    /// Id.
    pub id: i64,
    /// Who uploaded it.
    pub user_id: i64,
    /// `registry`, `classes` or `figures`.
    pub kind: String,
    /// File name.
    pub file_name: String,
    /// The file.
    pub content: Vec<u8>,
    /// When (ms).
    pub created_at: i64,
}

/// Keeps a file; drops the files kept longer than a day.
pub async fn keep(
    conn: &mut AnyConnection,
    user_id: i64,
    kind: &str,
    file_name: &str,
    content: &[u8],
) -> Result<i64, StoreError> {
    sqlx::query("DELETE FROM setup_files WHERE created_at < $1")
        .bind(now_ms() - 86_400_000)
        .execute(&mut *conn)
        .await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO setup_files (user_id, kind, file_name, content, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(user_id)
    .bind(kind)
    .bind(file_name)
    .bind(content)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// A kept file of a user.
pub async fn kept(conn: &mut AnyConnection, id: i64, user_id: i64) -> Result<Option<SetupFile>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, user_id, kind, file_name, content, created_at FROM setup_files WHERE id = $1 AND user_id = $2",
    )
    .bind(id)
    .bind(user_id)
    .fetch_optional(conn)
    .await?)
}

/// Drops a kept file (once imported).
pub async fn drop_kept(conn: &mut AnyConnection, id: i64) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM setup_files WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
