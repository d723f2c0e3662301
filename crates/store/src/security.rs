//! What login security keeps: failed logins (for throttling), password history, TOTP recovery
//! codes, two-step login tickets, and the requests for privileged accounts that the security
//! administrator decides (三员分立).

use sqlx::AnyConnection;

use crate::{StoreError, now_ms};

/// Records a failed login (and forgets those older than a day).
pub async fn record_failure(conn: &mut AnyConnection, ip: &str, username: &str) -> Result<(), StoreError> {
    let now = now_ms();
    sqlx::query("DELETE FROM login_failures WHERE at < $1")
        .bind(now - 86_400_000)
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO login_failures (ip, username, at) VALUES ($1, $2, $3)")
        .bind(ip)
        .bind(username)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Failures from an address since `since` (ms).
pub async fn failures_from(conn: &mut AnyConnection, ip: &str, since: i64) -> Result<i64, StoreError> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM login_failures WHERE ip = $1 AND at >= $2")
        .bind(ip)
        .bind(since)
        .fetch_one(conn)
        .await?;
    Ok(n)
}

/// Failures for an account name since `since` (ms), and the time of the last one.
pub async fn failures_of(
    conn: &mut AnyConnection,
    username: &str,
    since: i64,
) -> Result<(i64, Option<i64>), StoreError> {
    let (n, last): (i64, Option<i64>) =
        sqlx::query_as("SELECT COUNT(*), MAX(at) FROM login_failures WHERE username = $1 AND at >= $2")
            .bind(username)
            .bind(since)
            .fetch_one(conn)
            .await?;
    Ok((n, last))
}

/// Failed logins of an account name from one client address since `since`, and the last one.
pub async fn failures_of_from(
    conn: &mut AnyConnection,
    username: &str,
    ip: &str,
    since: i64,
) -> Result<(i64, Option<i64>), StoreError> {
    let (n, last): (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), MAX(at) FROM login_failures WHERE username = $1 AND ip = $2 AND at >= $3",
    )
    .bind(username)
    .bind(ip)
    .bind(since)
    .fetch_one(conn)
    .await?;
    Ok((n, last))
}

/// Forgets the failures of an account name (a successful login, an unlock).
pub async fn clear_failures_of(conn: &mut AnyConnection, username: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM login_failures WHERE username = $1")
        .bind(username)
        .execute(conn)
        .await?;
    Ok(())
}

/// Keeps a password hash in the account's history.
pub async fn remember_password(conn: &mut AnyConnection, user_id: i64, hash: &str) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO password_history (user_id, hash, at) VALUES ($1, $2, $3)")
        .bind(user_id)
        .bind(hash)
        .bind(now_ms())
        .execute(conn)
        .await?;
    Ok(())
}

/// The last `n` password hashes of an account, newest first.
pub async fn recent_passwords(
    conn: &mut AnyConnection,
    user_id: i64,
    n: i64,
) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT hash FROM password_history WHERE user_id = $1 ORDER BY id DESC LIMIT $2")
            .bind(user_id)
            .bind(n)
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Replaces an account's recovery codes (their SHA-256s).
pub async fn set_recovery_codes(
    conn: &mut AnyConnection,
    user_id: i64,
    hashes: &[String],
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    for h in hashes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user_id)
            .bind(h)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Spends an unused recovery code; `false` when there is none with this hash.
pub async fn use_recovery_code(
    conn: &mut AnyConnection,
    user_id: i64,
    hash: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
    )
    .bind(now_ms())
    .bind(user_id)
    .bind(hash)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Unused recovery codes of an account.
pub async fn unused_recovery_codes(conn: &mut AnyConnection, user_id: i64) -> Result<i64, StoreError> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
            .bind(user_id)
            .fetch_one(conn)
            .await?;
    Ok(n)
}

/// A two-step login waiting for its second factor.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Ticket {
    /// SHA-256 of the ticket.
    pub token_hash: String,
    /// The account.
    pub user_id: i64,
    /// Client address.
    pub ip: String,
    /// When (ms).
    pub created_at: i64,
    /// Wrong codes so far.
    pub attempts: i64,
}

/// Stores a login ticket (and drops those older than an hour).
pub async fn insert_ticket(
    conn: &mut AnyConnection,
    token_hash: &str,
    user_id: i64,
    ip: &str,
) -> Result<(), StoreError> {
    let now = now_ms();
    sqlx::query("DELETE FROM login_tickets WHERE created_at < $1")
        .bind(now - 3_600_000)
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO login_tickets (token_hash, user_id, ip, created_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash)
        .bind(user_id)
        .bind(ip)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// A login ticket.
pub async fn ticket(conn: &mut AnyConnection, token_hash: &str) -> Result<Option<Ticket>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT token_hash, user_id, ip, created_at, attempts FROM login_tickets WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(conn)
    .await?)
}

/// Counts a wrong code of a ticket.
pub async fn ticket_failed(conn: &mut AnyConnection, token_hash: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE login_tickets SET attempts = attempts + 1 WHERE token_hash = $1")
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// Drops a ticket (used, expired or tried too often).
pub async fn delete_ticket(conn: &mut AnyConnection, token_hash: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM login_tickets WHERE token_hash = $1")
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// A request for a privileged account or its reset.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct AccountRequest {
    /// Id.
    pub id: i64,
    /// `create` or `reset`.
    pub kind: String,
    /// The account.
    pub user_id: i64,
    /// Its role.
    pub role: String,
    /// The system administrator who asked.
    pub requested_by: i64,
    /// When (ms).
    pub requested_at: i64,
    /// `pending`, `approved` or `rejected`.
    pub status: String,
    /// The security administrator who decided.
    pub decided_by: Option<i64>,
    /// When (ms).
    pub decided_at: Option<i64>,
    /// The decision's reason.
    pub reason: String,
    /// SHA-256 of the first half of the activation code.
    pub code_hash: String,
}

const REQUEST_COLUMNS: &str =
    "id, kind, user_id, role, requested_by, requested_at, status, decided_by, decided_at, reason, code_hash";

/// Records a request.
pub async fn insert_request(
    conn: &mut AnyConnection,
    kind: &str,
    user_id: i64,
    role: &str,
    requested_by: i64,
    code_hash: &str,
) -> Result<i64, StoreError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO account_requests (kind, user_id, role, requested_by, requested_at, code_hash) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(kind)
    .bind(user_id)
    .bind(role)
    .bind(requested_by)
    .bind(now_ms())
    .bind(code_hash)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Requests, pending first, newest first.
pub async fn requests(conn: &mut AnyConnection) -> Result<Vec<AccountRequest>, StoreError> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {REQUEST_COLUMNS} FROM account_requests ORDER BY CASE WHEN status = 'pending' THEN 0 ELSE 1 END, id DESC"
    )))
    .fetch_all(conn)
    .await?)
}

/// One request.
pub async fn request(conn: &mut AnyConnection, id: i64) -> Result<Option<AccountRequest>, StoreError> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {REQUEST_COLUMNS} FROM account_requests WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// Decides a pending request; [`StoreError::Conflict`] when it was decided meanwhile.
pub async fn decide(
    conn: &mut AnyConnection,
    id: i64,
    status: &str,
    by: i64,
    reason: &str,
) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE account_requests SET status = $1, decided_by = $2, decided_at = $3, reason = $4 WHERE id = $5 AND status = 'pending'",
    )
    .bind(status)
    .bind(by)
    .bind(now_ms())
    .bind(reason)
    .bind(id)
    .execute(conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict("账号申请"));
    }
    Ok(())
}
