//! Messages in a user's portal: to one account, or to every account of an enterprise (those
//! created later included).

use sqlx::AnyConnection;

use crate::{StoreError, now_ms};

/// A stored message.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Message {
    /// Id.
    pub id: i64,
    /// The account it is addressed to.
    pub user_id: Option<i64>,
    /// The enterprise it is addressed to.
    pub enterprise_id: Option<i64>,
    /// Title.
    pub title: String,
    /// Text.
    pub body: String,
    /// A page it refers to (a path within the site), or empty.
    pub link: String,
    /// When (ms).
    pub created_at: i64,
    /// When read (ms).
    pub read_at: Option<i64>,
}

/// Who a message goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recipient {
    /// One account.
    User(i64),
    /// Every account of an enterprise.
    Enterprise(i64),
}

/// Stores a message.
pub async fn insert(
    conn: &mut AnyConnection,
    to: Recipient,
    title: &str,
    body: &str,
    link: &str,
) -> Result<i64, StoreError> {
    let (user, enterprise) = match to {
        Recipient::User(u) => (Some(u), None),
        Recipient::Enterprise(e) => (None, Some(e)),
    };
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO messages (user_id, enterprise_id, title, body, link, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(user)
    .bind(enterprise)
    .bind(title)
    .bind(body)
    .bind(link)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// The newest `limit` messages of an account (and of its enterprise), newest first.
pub async fn list_for(
    conn: &mut AnyConnection,
    user_id: i64,
    enterprise_id: Option<i64>,
    limit: i64,
) -> Result<Vec<Message>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, user_id, enterprise_id, title, body, link, created_at, read_at FROM messages \
         WHERE user_id = $1 OR (enterprise_id IS NOT NULL AND enterprise_id = $2) ORDER BY id DESC LIMIT $3",
    )
    .bind(user_id)
    .bind(enterprise_id.unwrap_or(-1))
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// Unread messages of an account (and of its enterprise).
pub async fn unread_count(
    conn: &mut AnyConnection,
    user_id: i64,
    enterprise_id: Option<i64>,
) -> Result<i64, StoreError> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM messages WHERE read_at IS NULL AND (user_id = $1 OR (enterprise_id IS NOT NULL AND enterprise_id = $2))",
    )
    .bind(user_id)
    .bind(enterprise_id.unwrap_or(-1))
    .fetch_one(conn)
    .await?;
    Ok(n)
}

/// Marks a message read, if it is addressed to this account (or its enterprise); returns
/// whether it was.
pub async fn mark_read(
    conn: &mut AnyConnection,
    id: i64,
    user_id: i64,
    enterprise_id: Option<i64>,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE messages SET read_at = $1 WHERE id = $2 AND read_at IS NULL \
         AND (user_id = $3 OR (enterprise_id IS NOT NULL AND enterprise_id = $4))",
    )
    .bind(now_ms())
    .bind(id)
    .bind(user_id)
    .bind(enterprise_id.unwrap_or(-1))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// One message.
pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<Message>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, user_id, enterprise_id, title, body, link, created_at, read_at FROM messages WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?)
}
