//! Objections (异议) filed by enterprises during a run's public notice, each routed to the
//! department owning the disputed figure (or to the city for a class objection).

use sqlx::{AnyConnection, AssertSqlSafe};

use crate::{StoreError, now_ms};

/// An objection.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Objection {
    /// Id.
    pub id: i64,
    /// The run.
    pub run_id: i64,
    /// The enterprise.
    pub enterprise_id: i64,
    /// A field id, or `class` for an objection to the class itself.
    pub item: String,
    /// The enterprise's text.
    pub text: String,
    /// Attachment file name (empty: none).
    pub attachment_name: String,
    /// Department code it is routed to (`city` for the city administrator).
    pub department_code: String,
    /// `open`, `accepted`, `rejected`.
    pub status: String,
    /// Who filed it.
    pub filed_by: Option<i64>,
    /// When (ms).
    pub filed_at: i64,
    /// Who resolved it.
    pub resolved_by: Option<i64>,
    /// When (ms).
    pub resolved_at: Option<i64>,
    /// The answer (reason of a rejection, note of an acceptance).
    pub resolution: String,
    /// The corrected value of an accepted figure objection (engine unit).
    pub corrected_value: Option<f64>,
}

const COLUMNS: &str = "id, run_id, enterprise_id, item, text, attachment_name, department_code, status, filed_by, filed_at, \
     resolved_by, resolved_at, resolution, corrected_value";

/// An objection to file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewObjection<'a> {
    /// Run.
    pub run_id: i64,
    /// Enterprise.
    pub enterprise_id: i64,
    /// Field id or `class`.
    pub item: &'a str,
    /// Text.
    pub text: &'a str,
    /// Attachment name and bytes.
    pub attachment: Option<(&'a str, &'a [u8])>,
    /// Routed to.
    pub department_code: &'a str,
    /// Who.
    pub user_id: i64,
}

/// Files an objection.
pub async fn insert(conn: &mut AnyConnection, o: &NewObjection<'_>) -> Result<i64, StoreError> {
    let (name, bytes) = match o.attachment {
        Some((n, b)) => (n, Some(b.to_vec())),
        None => ("", None),
    };
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO objections (run_id, enterprise_id, item, text, attachment_name, attachment, department_code, filed_by, filed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(o.run_id)
    .bind(o.enterprise_id)
    .bind(o.item)
    .bind(o.text)
    .bind(name)
    .bind(bytes)
    .bind(o.department_code)
    .bind(o.user_id)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// One objection.
pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<Objection>, StoreError> {
    Ok(sqlx::query_as(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM objections WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// The attachment of an objection: `(name, bytes)`.
pub async fn attachment(conn: &mut AnyConnection, id: i64) -> Result<Option<(String, Vec<u8>)>, StoreError> {
    let row: Option<(String, Option<Vec<u8>>)> =
        sqlx::query_as("SELECT attachment_name, attachment FROM objections WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await?;
    Ok(row.and_then(|(n, b)| b.map(|b| (n, b))))
}

/// Which objections to list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ObjectionFilter {
    /// Of one run.
    pub run_id: Option<i64>,
    /// Of one enterprise.
    pub enterprise_id: Option<i64>,
    /// Routed to one department (or `city`).
    pub department_code: Option<String>,
    /// In one status.
    pub status: Option<String>,
}

/// Objections matching a filter, newest first.
pub async fn list(conn: &mut AnyConnection, f: &ObjectionFilter) -> Result<Vec<Objection>, StoreError> {
    let mut sql = format!("SELECT {COLUMNS} FROM objections WHERE 1 = 1");
    let mut n = 0;
    let mut push = |sql: &mut String, col: &str| {
        n += 1;
        sql.push_str(&format!(" AND {col} = ${n}"));
    };
    if f.run_id.is_some() {
        push(&mut sql, "run_id");
    }
    if f.enterprise_id.is_some() {
        push(&mut sql, "enterprise_id");
    }
    if f.department_code.is_some() {
        push(&mut sql, "department_code");
    }
    if f.status.is_some() {
        push(&mut sql, "status");
    }
    sql.push_str(" ORDER BY id DESC");
    let mut q = sqlx::query_as(AssertSqlSafe(sql));
    if let Some(v) = f.run_id {
        q = q.bind(v);
    }
    if let Some(v) = f.enterprise_id {
        q = q.bind(v);
    }
    if let Some(v) = &f.department_code {
        q = q.bind(v.clone());
    }
    if let Some(v) = &f.status {
        q = q.bind(v.clone());
    }
    Ok(q.fetch_all(conn).await?)
}

/// Resolves an open objection; [`StoreError::Conflict`] when it is no longer open.
pub async fn resolve(
    conn: &mut AnyConnection,
    id: i64,
    status: &str,
    resolution: &str,
    corrected_value: Option<f64>,
    user_id: i64,
) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE objections SET status = $1, resolution = $2, corrected_value = CAST($3 AS DOUBLE PRECISION), resolved_by = $4, resolved_at = $5 \
         WHERE id = $6 AND status = 'open'",
    )
    .bind(status)
    .bind(resolution)
    .bind(crate::opt_f64(corrected_value))
    .bind(user_id)
    .bind(now_ms())
    .bind(id)
    .execute(conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict("异议"));
    }
    Ok(())
}
