//! Background jobs (an evaluation run's engine work) as rows: any server may claim a queued
//! job; the claimer keeps a heartbeat while it works; a job whose heartbeat went stale (its
//! server died) is claimed again by another server, up to its attempts; a finished job is
//! marked done by its owner only. On PostgreSQL a claim skips rows other servers are claiming
//! (`FOR UPDATE SKIP LOCKED`); SQLite has one writer, which serialises claims.

use sqlx::{AnyConnection, AssertSqlSafe};

use crate::{Backend, StoreError, now_ms};

/// A job.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Job {
    /// Id.
    pub id: i64,
    /// What to do (e.g. `evaluate_run`).
    pub kind: String,
    /// Its parameters (JSON).
    pub payload: String,
    /// `queued`, `running`, `done`, `failed`.
    pub state: String,
    /// The server working on it.
    pub owner: String,
    /// Its last sign of life (ms).
    pub heartbeat_at: Option<i64>,
    /// Claims so far.
    pub attempts: i64,
    /// Claims allowed.
    pub max_attempts: i64,
    /// Not before (ms).
    pub run_after: i64,
    /// The last failure.
    pub last_error: String,
    /// When queued (ms).
    pub created_at: i64,
    /// When done or failed (ms).
    pub finished_at: Option<i64>,
}

const COLUMNS: &str = "id, kind, payload, state, owner, heartbeat_at, attempts, max_attempts, run_after, last_error, created_at, finished_at";

/// Queues a job.
pub async fn enqueue(
    conn: &mut AnyConnection,
    kind: &str,
    payload: &str,
    max_attempts: i64,
) -> Result<i64, StoreError> {
    let now = now_ms();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO jobs (kind, payload, state, max_attempts, run_after, created_at) VALUES ($1, $2, 'queued', $3, $4, $4) RETURNING id",
    )
    .bind(kind)
    .bind(payload)
    .bind(max_attempts)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Claims one job for `owner`: a queued one that is due, or a running one whose heartbeat is
/// older than `stale_before` (ms) and that has attempts left; `only` restricts the claim to one
/// job. Returns the claimed job (its attempts counted), or `None`.
pub async fn claim(
    conn: &mut AnyConnection,
    backend: Backend,
    owner: &str,
    stale_before: i64,
    only: Option<i64>,
) -> Result<Option<Job>, StoreError> {
    let now = now_ms();
    let lock = match backend {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let sql = format!(
        "UPDATE jobs SET state = 'running', owner = $1, heartbeat_at = $2, attempts = attempts + 1 WHERE id = (\
           SELECT id FROM jobs WHERE ((state = 'queued' AND run_after <= $2) OR (state = 'running' AND heartbeat_at < $3)) \
           AND attempts < max_attempts AND ($4 < 0 OR id = $4) ORDER BY id LIMIT 1{lock}) \
         RETURNING {COLUMNS}"
    );
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(owner)
        .bind(now)
        .bind(stale_before)
        .bind(only.unwrap_or(-1))
        .fetch_optional(conn)
        .await?)
}

/// Renews the owner's heartbeat; `false` when the job is no longer its own (another server took
/// it over after a stall) or no longer running.
pub async fn heartbeat(conn: &mut AnyConnection, id: i64, owner: &str) -> Result<bool, StoreError> {
    let done =
        sqlx::query("UPDATE jobs SET heartbeat_at = $1 WHERE id = $2 AND owner = $3 AND state = 'running'")
            .bind(now_ms())
            .bind(id)
            .bind(owner)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() > 0)
}

/// Marks the owner's job done (inside the transaction that stores its work, so that a job
/// taken over meanwhile stores nothing); `false` when it is no longer the owner's.
pub async fn finish(conn: &mut AnyConnection, id: i64, owner: &str) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE jobs SET state = 'done', finished_at = $1 WHERE id = $2 AND owner = $3 AND state = 'running'",
    )
    .bind(now_ms())
    .bind(id)
    .bind(owner)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Records a failed attempt of the owner: queued again at `retry_at` while attempts remain
/// (`None`: the failure is final, no retry), otherwise failed. Returns the new state, or
/// `None` when the job is no longer the owner's.
pub async fn attempt_failed(
    conn: &mut AnyConnection,
    id: i64,
    owner: &str,
    error: &str,
    retry_at: Option<i64>,
) -> Result<Option<String>, StoreError> {
    let row: Option<(String,)> = sqlx::query_as(
        "UPDATE jobs SET state = CASE WHEN $1 >= 0 AND attempts < max_attempts THEN 'queued' ELSE 'failed' END, \
         run_after = CASE WHEN $1 >= 0 THEN $1 ELSE run_after END, last_error = $2, owner = '', \
         finished_at = CASE WHEN $1 >= 0 AND attempts < max_attempts THEN NULL ELSE $3 END \
         WHERE id = $4 AND owner = $5 AND state = 'running' RETURNING state",
    )
    .bind(retry_at.unwrap_or(-1))
    .bind(error)
    .bind(now_ms())
    .bind(id)
    .bind(owner)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| r.0))
}

/// Running jobs whose heartbeat is older than `stale_before` and that have no attempts left:
/// their servers died on the last attempt.
pub async fn exhausted(conn: &mut AnyConnection, stale_before: i64) -> Result<Vec<Job>, StoreError> {
    Ok(sqlx::query_as(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM jobs WHERE state = 'running' AND heartbeat_at < $1 AND attempts >= max_attempts ORDER BY id"
    )))
    .bind(stale_before)
    .fetch_all(conn)
    .await?)
}

/// Marks an exhausted job failed, if it is still as it was read (`attempts` unchanged).
pub async fn give_up(
    conn: &mut AnyConnection,
    id: i64,
    attempts: i64,
    error: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE jobs SET state = 'failed', last_error = $1, finished_at = $2 WHERE id = $3 AND state = 'running' AND attempts = $4",
    )
    .bind(error)
    .bind(now_ms())
    .bind(id)
    .bind(attempts)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// One job.
pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<Job>, StoreError> {
    Ok(
        sqlx::query_as(AssertSqlSafe(format!("SELECT {COLUMNS} FROM jobs WHERE id = $1")))
            .bind(id)
            .fetch_optional(conn)
            .await?,
    )
}

/// The newest job of a kind whose payload is exactly `payload`.
pub async fn find(conn: &mut AnyConnection, kind: &str, payload: &str) -> Result<Option<Job>, StoreError> {
    Ok(sqlx::query_as(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM jobs WHERE kind = $1 AND payload = $2 ORDER BY id DESC LIMIT 1"
    )))
    .bind(kind)
    .bind(payload)
    .fetch_optional(conn)
    .await?)
}
