//! Collection rounds (采集轮次) and each department's task in a round.

use sqlx::AnyConnection;

use crate::{StoreError, now_ms};

/// A round.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Round {
    /// Id.
    pub id: i64,
    /// Data year.
    pub year: i64,
    /// Title.
    pub title: String,
    /// `open` or `closed`.
    pub status: String,
    /// Who opened it.
    pub opened_by: Option<i64>,
    /// When (ms).
    pub opened_at: i64,
    /// When closed (ms).
    pub closed_at: Option<i64>,
}

/// A department's task in a round.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Task {
    /// The round.
    pub round_id: i64,
    /// The department.
    pub department_id: i64,
    /// Deadline `YYYY-MM-DD`.
    pub deadline: String,
    /// `pending` 未报送, `submitted` 已报送, `confirmed` 已确认, `returned` 退回.
    pub status: String,
    /// Submitted (ms).
    pub submitted_at: Option<i64>,
    /// By whom.
    pub submitted_by: Option<i64>,
    /// Reviewed (ms).
    pub reviewed_at: Option<i64>,
    /// By whom.
    pub reviewed_by: Option<i64>,
    /// Note (reason of a return).
    pub note: String,
}

/// Opens a round.
pub async fn insert(
    conn: &mut AnyConnection,
    year: i64,
    title: &str,
    user_id: Option<i64>,
) -> Result<i64, StoreError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO collection_rounds (year, title, status, opened_by, opened_at) VALUES ($1, $2, 'open', $3, $4) RETURNING id",
    )
    .bind(year)
    .bind(title)
    .bind(user_id)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Adds a department's task.
pub async fn add_task(
    conn: &mut AnyConnection,
    round_id: i64,
    department_id: i64,
    deadline: &str,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO round_tasks (round_id, department_id, deadline) VALUES ($1, $2, $3)")
        .bind(round_id)
        .bind(department_id)
        .bind(deadline)
        .execute(conn)
        .await
        .map_err(StoreError::unique("部门任务"))?;
    Ok(())
}

/// Closes a round.
pub async fn close(conn: &mut AnyConnection, round_id: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE collection_rounds SET status = 'closed', closed_at = $1 WHERE id = $2")
        .bind(now_ms())
        .bind(round_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// One round.
pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<Round>, StoreError> {
    Ok(sqlx::query_as("SELECT id, year, title, status, opened_by, opened_at, closed_at FROM collection_rounds WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?)
}

/// Every round, newest first.
pub async fn list(conn: &mut AnyConnection) -> Result<Vec<Round>, StoreError> {
    Ok(sqlx::query_as("SELECT id, year, title, status, opened_by, opened_at, closed_at FROM collection_rounds ORDER BY id DESC")
        .fetch_all(conn)
        .await?)
}

/// The open round of a year, if any.
pub async fn open_for_year(conn: &mut AnyConnection, year: i64) -> Result<Option<Round>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, year, title, status, opened_by, opened_at, closed_at FROM collection_rounds WHERE year = $1 AND status = 'open' ORDER BY id DESC LIMIT 1",
    )
    .bind(year)
    .fetch_optional(conn)
    .await?)
}

macro_rules! task_columns {
    () => {
        "round_id, department_id, deadline, status, submitted_at, submitted_by, reviewed_at, reviewed_by, note"
    };
}

/// The tasks of a round.
pub async fn tasks(conn: &mut AnyConnection, round_id: i64) -> Result<Vec<Task>, StoreError> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        task_columns!(),
        " FROM round_tasks WHERE round_id = $1 ORDER BY department_id"
    ))
    .bind(round_id)
    .fetch_all(conn)
    .await?)
}

/// One task.
pub async fn task(
    conn: &mut AnyConnection,
    round_id: i64,
    department_id: i64,
) -> Result<Option<Task>, StoreError> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        task_columns!(),
        " FROM round_tasks WHERE round_id = $1 AND department_id = $2"
    ))
    .bind(round_id)
    .bind(department_id)
    .fetch_optional(conn)
    .await?)
}

/// Moves a task to a status, recording who and when (`submitted` sets the submit fields,
/// `confirmed`/`returned` the review fields).
pub async fn set_task_status(
    conn: &mut AnyConnection,
    round_id: i64,
    department_id: i64,
    status: &str,
    user_id: i64,
    note: &str,
) -> Result<(), StoreError> {
    let now = now_ms();
    let sql = if status == "submitted" || status == "pending" {
        "UPDATE round_tasks SET status = $1, submitted_at = $2, submitted_by = $3, note = $4 WHERE round_id = $5 AND department_id = $6"
    } else {
        "UPDATE round_tasks SET status = $1, reviewed_at = $2, reviewed_by = $3, note = $4 WHERE round_id = $5 AND department_id = $6"
    };
    let done = sqlx::query(sql)
        .bind(status)
        .bind(now)
        .bind(user_id)
        .bind(note)
        .bind(round_id)
        .bind(department_id)
        .execute(conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound("部门任务"));
    }
    Ok(())
}
