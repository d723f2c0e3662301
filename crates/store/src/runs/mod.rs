//! Evaluation runs: the run itself and its state, the immutable snapshot of its inputs, every
//! enterprise's stored result, the pools, and manual adjustments (调档).

use sqlx::{AnyConnection, AssertSqlSafe};

use crate::{StoreError, now_ms};

mod inputs;
mod ranking;
mod results;

pub use inputs::*;
pub use ranking::*;
pub use results::*;

/// A run.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Run {
    /// Id.
    pub id: i64,
    /// Data year.
    pub year: i64,
    /// Title.
    pub title: String,
    /// How the method was chosen: `preset:<id>` or `file:<method file id>`.
    pub method_ref: String,
    /// The method's id.
    pub method_id: String,
    /// SHA-256 of the method file.
    pub method_hash: String,
    /// The method file's text.
    pub method_source: String,
    /// SHA-256 of the inputs (spec §8), once evaluated.
    pub input_hash: String,
    /// `running`, `failed`, `draft`, `notice`, `review`, `approved`, `published`, `superseded`.
    pub state: String,
    /// 0–100.
    pub progress: i64,
    /// A progress or failure message.
    pub message: String,
    /// The run this one re-runs.
    pub previous_run_id: Option<i64>,
    /// 公示 start `YYYY-MM-DD`.
    pub notice_start: Option<String>,
    /// 公示 end `YYYY-MM-DD` (inclusive).
    pub notice_end: Option<String>,
    /// SHA-256 of the published results.
    pub content_hash: String,
    /// Number of enterprises in the snapshot.
    pub enterprises: i64,
    /// Who started it.
    pub created_by: Option<i64>,
    /// When (ms).
    pub created_at: i64,
    /// When the engine finished (ms).
    pub finished_at: Option<i64>,
    /// Who approved it.
    pub approved_by: Option<i64>,
    /// When (ms).
    pub approved_at: Option<i64>,
    /// When published (ms).
    pub published_at: Option<i64>,
    /// `full`, or `supplementary` (only the enterprises a re-run moved).
    pub notice_kind: String,
    /// When the notice was ended (ms).
    pub notice_ended_at: Option<i64>,
    /// Why it was ended before its last day (empty when it ran its course).
    pub notice_end_reason: String,
    /// When the published year was reopened (ms).
    pub reopened_at: Option<i64>,
    /// Who reopened it.
    pub reopened_by: Option<i64>,
    /// Why.
    pub reopen_reason: String,
}

const RUN_COLUMNS: &str = "id, year, title, method_ref, method_id, method_hash, method_source, input_hash, state, progress, message, \
     previous_run_id, notice_start, notice_end, content_hash, enterprises, created_by, created_at, finished_at, approved_by, approved_at, published_at, \
     notice_kind, notice_ended_at, notice_end_reason, reopened_at, reopened_by, reopen_reason";

/// A run to start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRun<'a> {
    /// Data year.
    pub year: i64,
    /// Title.
    pub title: &'a str,
    /// `preset:<id>` or `file:<id>`.
    pub method_ref: &'a str,
    /// Method id.
    pub method_id: &'a str,
    /// Method hash.
    pub method_hash: &'a str,
    /// Method text.
    pub method_source: &'a str,
    /// The run it re-runs.
    pub previous_run_id: Option<i64>,
    /// Who.
    pub user_id: Option<i64>,
}

/// Creates a run in state `running`.
pub async fn insert(conn: &mut AnyConnection, r: &NewRun<'_>) -> Result<i64, StoreError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO evaluation_runs (year, title, method_ref, method_id, method_hash, method_source, state, previous_run_id, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'running', $7, $8, $9) RETURNING id",
    )
    .bind(r.year)
    .bind(r.title)
    .bind(r.method_ref)
    .bind(r.method_id)
    .bind(r.method_hash)
    .bind(r.method_source)
    .bind(r.previous_run_id)
    .bind(r.user_id)
    .bind(now_ms())
    .fetch_one(conn)
    .await
    // Two servers starting a run of the same year at once: one wins (`evaluation_runs_one_running`).
    .map_err(StoreError::unique("该年度正在评价中的批次"))?;
    Ok(id)
}

/// One run.
pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<Run>, StoreError> {
    Ok(sqlx::query_as(AssertSqlSafe(format!(
        "SELECT {RUN_COLUMNS} FROM evaluation_runs WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// Runs, newest first; only the given states when `states` is not empty.
pub async fn list(conn: &mut AnyConnection, states: &[&str]) -> Result<Vec<Run>, StoreError> {
    let mut sql = format!("SELECT {RUN_COLUMNS} FROM evaluation_runs");
    if !states.is_empty() {
        let p: Vec<String> = (1..=states.len()).map(|i| format!("${i}")).collect();
        sql.push_str(&format!(" WHERE state IN ({})", p.join(", ")));
    }
    sql.push_str(" ORDER BY year DESC, id DESC");
    let mut q = sqlx::query_as(AssertSqlSafe(sql));
    for s in states {
        q = q.bind(*s);
    }
    Ok(q.fetch_all(conn).await?)
}

/// The runs of a year in the given states, newest first.
pub async fn of_year(conn: &mut AnyConnection, year: i64, states: &[&str]) -> Result<Vec<Run>, StoreError> {
    let p: Vec<String> = (2..states.len() + 2).map(|i| format!("${i}")).collect();
    let mut q = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT {RUN_COLUMNS} FROM evaluation_runs WHERE year = $1 AND state IN ({}) ORDER BY id DESC",
        p.join(", ")
    )))
    .bind(year);
    for s in states {
        q = q.bind(*s);
    }
    Ok(q.fetch_all(conn).await?)
}

/// The published run of a year, if any.
pub async fn published_for_year(conn: &mut AnyConnection, year: i64) -> Result<Option<Run>, StoreError> {
    Ok(sqlx::query_as(AssertSqlSafe(format!(
        "SELECT {RUN_COLUMNS} FROM evaluation_runs WHERE year = $1 AND state = 'published' ORDER BY id DESC LIMIT 1"
    )))
    .bind(year)
    .fetch_optional(conn)
    .await?)
}

/// Records progress of a running run.
pub async fn set_progress(
    conn: &mut AnyConnection,
    id: i64,
    progress: i64,
    message: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE evaluation_runs SET progress = $1, message = $2 WHERE id = $3 AND state = 'running'")
        .bind(progress)
        .bind(message)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Marks a running run evaluated: state `draft`.
pub async fn finish(
    conn: &mut AnyConnection,
    id: i64,
    input_hash: &str,
    enterprises: i64,
    message: &str,
) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE evaluation_runs SET state = 'draft', progress = 100, input_hash = $1, enterprises = $2, message = $3, finished_at = $4 \
         WHERE id = $5 AND state = 'running'",
    )
    .bind(input_hash)
    .bind(enterprises)
    .bind(message)
    .bind(now_ms())
    .bind(id)
    .execute(conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict("评价批次"));
    }
    Ok(())
}

/// Marks a running run failed, with the reason.
pub async fn fail(conn: &mut AnyConnection, id: i64, message: &str) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE evaluation_runs SET state = 'failed', message = $1, finished_at = $2 WHERE id = $3 AND state = 'running'",
    )
    .bind(message)
    .bind(now_ms())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Moves a run from state `from` to `to`; [`StoreError::Conflict`] when it is no longer in
/// `from` (someone else moved it first).
pub async fn transition(conn: &mut AnyConnection, id: i64, from: &str, to: &str) -> Result<(), StoreError> {
    let done = sqlx::query("UPDATE evaluation_runs SET state = $1 WHERE id = $2 AND state = $3")
        .bind(to)
        .bind(id)
        .bind(from)
        .execute(conn)
        .await
        // A second publication of one year (`evaluation_runs_one_published`).
        .map_err(StoreError::unique("该年度已发布的评价批次"))?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict("评价批次"));
    }
    Ok(())
}

/// Sets the public notice period and its kind (`full` or `supplementary`).
pub async fn set_notice(
    conn: &mut AnyConnection,
    id: i64,
    start: &str,
    end: &str,
    kind: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE evaluation_runs SET notice_start = $1, notice_end = $2, notice_kind = $3, notice_ended_at = NULL, \
         notice_end_reason = '' WHERE id = $4",
    )
    .bind(start)
    .bind(end)
    .bind(kind)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records the end of the notice, with the reason when it ended before its last day.
pub async fn set_notice_ended(conn: &mut AnyConnection, id: i64, reason: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE evaluation_runs SET notice_ended_at = $1, notice_end_reason = $2 WHERE id = $3")
        .bind(now_ms())
        .bind(reason)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Sets the enterprises a supplementary notice covers.
pub async fn set_notice_members(
    conn: &mut AnyConnection,
    id: i64,
    enterprise_ids: &[i64],
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM run_notice_members WHERE run_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for e in enterprise_ids {
        sqlx::query("INSERT INTO run_notice_members (run_id, enterprise_id) VALUES ($1, $2)")
            .bind(id)
            .bind(*e)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Whether an enterprise is covered by a run's supplementary notice.
pub async fn is_notice_member(
    conn: &mut AnyConnection,
    id: i64,
    enterprise_id: i64,
) -> Result<bool, StoreError> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM run_notice_members WHERE run_id = $1 AND enterprise_id = $2")
            .bind(id)
            .bind(enterprise_id)
            .fetch_one(conn)
            .await?;
    Ok(n > 0)
}

/// Records who reopened a published year, and why.
pub async fn set_reopened(
    conn: &mut AnyConnection,
    id: i64,
    user_id: i64,
    reason: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE evaluation_runs SET reopened_at = $1, reopened_by = $2, reopen_reason = $3 WHERE id = $4",
    )
    .bind(now_ms())
    .bind(user_id)
    .bind(reason)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records the approval.
pub async fn set_approved(conn: &mut AnyConnection, id: i64, user_id: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE evaluation_runs SET approved_by = $1, approved_at = $2 WHERE id = $3")
        .bind(user_id)
        .bind(now_ms())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records the publication and the content hash.
pub async fn set_published(conn: &mut AnyConnection, id: i64, content_hash: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE evaluation_runs SET content_hash = $1, published_at = $2 WHERE id = $3")
        .bind(content_hash)
        .bind(now_ms())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
