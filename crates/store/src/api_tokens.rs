//! API tokens for systems (a department's system, the 政务数据共享交换平台). Only a SHA-256 of
//! the token is stored.

use sqlx::AnyConnection;

use crate::{StoreError, now_ms};

/// A token.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ApiToken {
    /// Id.
    pub id: i64,
    /// The account it acts as.
    pub user_id: i64,
    /// Label.
    pub name: String,
    /// SHA-256 of the token (hex).
    pub token_hash: String,
    /// Created (ms).
    pub created_at: i64,
    /// Expiry (ms).
    pub expires_at: Option<i64>,
    /// Revoked (ms).
    pub revoked_at: Option<i64>,
    /// Last use (ms).
    pub last_used_at: Option<i64>,
    /// The token that replaced it (rotation).
    pub replaced_by: Option<i64>,
}

macro_rules! columns {
    () => {
        "id, user_id, name, token_hash, created_at, expires_at, revoked_at, last_used_at, replaced_by"
    };
}

/// Creates a token.
pub async fn insert(
    conn: &mut AnyConnection,
    user_id: i64,
    name: &str,
    token_hash: &str,
    expires_at: Option<i64>,
) -> Result<i64, StoreError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(user_id)
    .bind(name)
    .bind(token_hash)
    .bind(now_ms())
    .bind(expires_at)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// A usable token by hash (not revoked, not expired at `now`), marking it used.
pub async fn find_usable(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: i64,
) -> Result<Option<ApiToken>, StoreError> {
    let token: Option<ApiToken> = sqlx::query_as(concat!("SELECT ", columns!(), " FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)"))
    .bind(token_hash)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(t) = &token {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(now)
            .bind(t.id)
            .execute(conn)
            .await?;
    }
    Ok(token)
}

/// Revokes a token.
pub async fn revoke(conn: &mut AnyConnection, id: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(now_ms())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Tokens of an account.
pub async fn list_for_user(conn: &mut AnyConnection, user_id: i64) -> Result<Vec<ApiToken>, StoreError> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM api_tokens WHERE user_id = $1 ORDER BY id"
    ))
    .bind(user_id)
    .fetch_all(conn)
    .await?)
}

/// Revokes a token in favour of its successor (rotation).
pub async fn replace(conn: &mut AnyConnection, id: i64, successor: i64) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1, replaced_by = $2 WHERE id = $3 AND revoked_at IS NULL",
    )
    .bind(now_ms())
    .bind(successor)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}
