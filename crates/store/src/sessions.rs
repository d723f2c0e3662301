//! Login sessions, in the database so that several server instances can share them. Only a
//! SHA-256 of the session token is stored.

use sqlx::AnyConnection;

use crate::StoreError;

/// A session.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Session {
    /// SHA-256 of the cookie token (hex).
    pub token_hash: String,
    /// The account.
    pub user_id: i64,
    /// The form token bound to this session.
    pub csrf_token: String,
    /// Created (ms).
    pub created_at: i64,
    /// Last request (ms).
    pub last_seen_at: i64,
    /// Client address at login.
    pub ip: String,
}

/// Creates a session.
pub async fn insert(conn: &mut AnyConnection, s: &Session) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, ip) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&s.token_hash)
    .bind(s.user_id)
    .bind(&s.csrf_token)
    .bind(s.created_at)
    .bind(s.last_seen_at)
    .bind(&s.ip)
    .execute(conn)
    .await?;
    Ok(())
}

/// A session by token hash.
pub async fn get(conn: &mut AnyConnection, token_hash: &str) -> Result<Option<Session>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT token_hash, user_id, csrf_token, created_at, last_seen_at, ip FROM sessions WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(conn)
    .await?)
}

/// Marks a session as used now.
pub async fn touch(conn: &mut AnyConnection, token_hash: &str, now: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
        .bind(now)
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends a session.
pub async fn delete(conn: &mut AnyConnection, token_hash: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends every session of an account (password change, deactivation).
pub async fn delete_for_user(conn: &mut AnyConnection, user_id: i64) -> Result<u64, StoreError> {
    Ok(sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?
        .rows_affected())
}

/// Removes sessions idle since before `cutoff` (ms).
pub async fn delete_idle(conn: &mut AnyConnection, cutoff: i64) -> Result<u64, StoreError> {
    Ok(sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1")
        .bind(cutoff)
        .execute(conn)
        .await?
        .rows_affected())
}
