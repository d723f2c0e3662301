//! 企业自核: an enterprise confirms or disputes its figures; disputes queue at the owning
//! department, which corrects or answers.

use sqlx::AnyConnection;

use crate::{StoreError, now_ms};

/// A confirmation or dispute.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Check {
    /// Id.
    pub id: i64,
    /// The enterprise.
    pub enterprise_id: i64,
    /// Data year.
    pub year: i64,
    /// Item id.
    pub item: String,
    /// The figure confirmed or disputed.
    pub figure_id: Option<i64>,
    /// `confirmed`, `disputed`, `corrected` or `answered`.
    pub status: String,
    /// The enterprise's comment.
    pub comment: String,
    /// Department that owns the item.
    pub department_code: String,
    /// Who (enterprise user).
    pub user_id: Option<i64>,
    /// When (ms).
    pub created_at: i64,
    /// Who resolved it.
    pub resolved_by: Option<i64>,
    /// When (ms).
    pub resolved_at: Option<i64>,
    /// The department's answer.
    pub resolution: String,
}

macro_rules! columns {
    () => {
        "id, enterprise_id, year, item, figure_id, status, comment, department_code, user_id, created_at, resolved_by, resolved_at, resolution"
    };
}

/// A new confirmation or dispute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCheck {
    /// The enterprise.
    pub enterprise_id: i64,
    /// Year.
    pub year: i64,
    /// Item.
    pub item: String,
    /// Figure.
    pub figure_id: Option<i64>,
    /// `confirmed` or `disputed`.
    pub status: String,
    /// Comment.
    pub comment: String,
    /// Owning department.
    pub department_code: String,
    /// Who.
    pub user_id: i64,
}

/// Records a confirmation or dispute.
pub async fn insert(conn: &mut AnyConnection, c: &NewCheck) -> Result<i64, StoreError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO self_checks (enterprise_id, year, item, figure_id, status, comment, department_code, user_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(c.enterprise_id)
    .bind(c.year)
    .bind(&c.item)
    .bind(c.figure_id)
    .bind(&c.status)
    .bind(&c.comment)
    .bind(&c.department_code)
    .bind(c.user_id)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Resolves a dispute (`corrected` or `answered`).
pub async fn resolve(
    conn: &mut AnyConnection,
    id: i64,
    status: &str,
    user_id: i64,
    resolution: &str,
) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE self_checks SET status = $1, resolved_by = $2, resolved_at = $3, resolution = $4 WHERE id = $5 AND status = 'disputed'",
    )
    .bind(status)
    .bind(user_id)
    .bind(now_ms())
    .bind(resolution)
    .bind(id)
    .execute(conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict("异议"));
    }
    Ok(())
}

/// One check.
pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<Check>, StoreError> {
    Ok(
        sqlx::query_as(concat!("SELECT ", columns!(), " FROM self_checks WHERE id = $1"))
            .bind(id)
            .fetch_optional(conn)
            .await?,
    )
}

/// The checks of an enterprise-year, newest first.
pub async fn for_enterprise(
    conn: &mut AnyConnection,
    enterprise_id: i64,
    year: i64,
) -> Result<Vec<Check>, StoreError> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM self_checks WHERE enterprise_id = $1 AND year = $2 ORDER BY id DESC"
    ))
    .bind(enterprise_id)
    .bind(year)
    .fetch_all(conn)
    .await?)
}

/// A department's queue (open disputes first), for a year.
pub async fn queue(
    conn: &mut AnyConnection,
    department_code: &str,
    year: i64,
) -> Result<Vec<Check>, StoreError> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM self_checks WHERE department_code = $1 AND year = $2 AND status <> 'confirmed' \
         ORDER BY CASE WHEN status = 'disputed' THEN 0 ELSE 1 END, id DESC"
    ))
    .bind(department_code)
    .bind(year)
    .fetch_all(conn)
    .await?)
}

/// Confirmed items per department for a year: `(department_code, confirmations)`.
pub async fn confirmations(conn: &mut AnyConnection, year: i64) -> Result<Vec<(String, i64)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT department_code, COUNT(*) FROM self_checks WHERE year = $1 AND status = 'confirmed' GROUP BY department_code",
    )
    .bind(year)
    .fetch_all(conn)
    .await?)
}
