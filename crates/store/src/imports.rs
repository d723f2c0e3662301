//! Import batches (every accepted file or push, with its hash) and uploads awaiting the
//! confirmation of their warnings.

use sqlx::AnyConnection;

use crate::{StoreError, now_ms};

/// An accepted import.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Batch {
    /// Id.
    pub id: i64,
    /// Department.
    pub department_id: i64,
    /// Data year.
    pub year: i64,
    /// Who.
    pub user_id: Option<i64>,
    /// `xlsx`, `csv`, `api`, `copy_last_year`, `correction` (a dispute's), `objection`.
    pub source: String,
    /// File name.
    pub file_name: String,
    /// SHA-256 of the file.
    pub file_hash: String,
    /// Rows read.
    pub row_count: i64,
    /// Values stored.
    pub value_count: i64,
    /// Warnings the sender confirmed.
    pub warnings_confirmed: i64,
    /// When (ms).
    pub created_at: i64,
    /// Display name of who imported it.
    pub user_name: Option<String>,
    /// Why (a correction's reason).
    pub note: String,
    /// Submitted by the city on the department's behalf (代报).
    pub on_behalf: i64,
    /// The confirmed reason for overwriting values accepted from objections or disputes.
    pub overwrite_reason: String,
}

/// A new batch.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewBatch {
    /// Department.
    pub department_id: i64,
    /// Data year.
    pub year: i64,
    /// Who.
    pub user_id: Option<i64>,
    /// Source kind.
    pub source: String,
    /// File name.
    pub file_name: String,
    /// File hash.
    pub file_hash: String,
    /// Rows.
    pub row_count: i64,
    /// Values.
    pub value_count: i64,
    /// Confirmed warnings.
    pub warnings_confirmed: i64,
    /// Why (a correction's reason), or empty.
    pub note: String,
    /// Submitted by the city on the department's behalf.
    pub on_behalf: bool,
    /// The confirmed reason for overwriting accepted corrections, or empty.
    pub overwrite_reason: String,
}

/// Records a batch.
pub async fn insert(conn: &mut AnyConnection, b: &NewBatch) -> Result<i64, StoreError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO import_batches (department_id, year, user_id, source, file_name, file_hash, row_count, value_count, \
         warnings_confirmed, created_at, note, on_behalf, overwrite_reason) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(b.department_id)
    .bind(b.year)
    .bind(b.user_id)
    .bind(&b.source)
    .bind(&b.file_name)
    .bind(&b.file_hash)
    .bind(b.row_count)
    .bind(b.value_count)
    .bind(b.warnings_confirmed)
    .bind(now_ms())
    .bind(&b.note)
    .bind(i64::from(b.on_behalf))
    .bind(&b.overwrite_reason)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Batches of a department and year, newest first.
pub async fn list(
    conn: &mut AnyConnection,
    department_id: Option<i64>,
    year: i64,
) -> Result<Vec<Batch>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT b.id, b.department_id, b.year, b.user_id, b.source, b.file_name, b.file_hash, b.row_count, b.value_count, \
         b.warnings_confirmed, b.created_at, u.display_name AS user_name, b.note, b.on_behalf, b.overwrite_reason FROM import_batches b LEFT JOIN users u ON u.id = b.user_id \
         WHERE ($1 IS NULL OR b.department_id = $1) AND b.year = $2 ORDER BY b.id DESC",
    )
    .bind(department_id)
    .bind(year)
    .fetch_all(conn)
    .await?)
}

/// A pending upload.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Pending {
    /// Id.
    pub id: i64,
    /// Who uploaded it.
    pub user_id: i64,
    /// For which department.
    pub department_id: i64,
    /// Year.
    pub year: i64,
    /// File name.
    pub file_name: String,
    /// File hash.
    pub file_hash: String,
    /// The file.
    pub content: Vec<u8>,
    /// When (ms).
    pub created_at: i64,
    /// 1: refused for errors, kept only for its marked workbook (never confirmable).
    pub rejected: i64,
}

/// Keeps an upload until its warnings are confirmed (or, `rejected`, for its marked workbook).
#[allow(clippy::too_many_arguments)]
pub async fn insert_pending(
    conn: &mut AnyConnection,
    user_id: i64,
    department_id: i64,
    year: i64,
    file_name: &str,
    file_hash: &str,
    content: &[u8],
    rejected: bool,
) -> Result<i64, StoreError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO pending_uploads (user_id, department_id, year, file_name, file_hash, content, created_at, rejected) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(user_id)
    .bind(department_id)
    .bind(year)
    .bind(file_name)
    .bind(file_hash)
    .bind(content)
    .bind(now_ms())
    .bind(i64::from(rejected))
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// A pending upload of a user.
pub async fn get_pending(
    conn: &mut AnyConnection,
    id: i64,
    user_id: i64,
) -> Result<Option<Pending>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, user_id, department_id, year, file_name, file_hash, content, created_at, rejected FROM pending_uploads \
         WHERE id = $1 AND user_id = $2",
    )
    .bind(id)
    .bind(user_id)
    .fetch_optional(conn)
    .await?)
}

/// Drops a pending upload.
pub async fn delete_pending(conn: &mut AnyConnection, id: i64) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM pending_uploads WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Drops pending uploads older than `cutoff` (ms): a sender who never confirmed.
pub async fn delete_pending_before(conn: &mut AnyConnection, cutoff: i64) -> Result<u64, StoreError> {
    Ok(sqlx::query("DELETE FROM pending_uploads WHERE created_at < $1")
        .bind(cutoff)
        .execute(conn)
        .await?
        .rows_affected())
}
