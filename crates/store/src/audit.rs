//! The audit trail: append-only (database triggers refuse UPDATE and DELETE) and hash-chained —
//! each entry's hash covers the previous entry's hash and every field of the entry, so changing,
//! removing or reordering any row breaks the chain from that row on ([`verify`]).
//!
//! Appends are serialised through the single row of `audit_head` (a row lock on PostgreSQL, the
//! single writer on SQLite), so concurrent transactions never fork the chain. An entry is written
//! in the same transaction as the change it records.

use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use crate::{StoreError, now_ms};

/// The hash that precedes the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An entry to append.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEntry {
    /// The account (none for anonymous attempts).
    pub user_id: Option<i64>,
    /// Login name as given (also for failed logins of unknown names).
    pub username: String,
    /// Role id at the time.
    pub role: String,
    /// What happened, e.g. `login`, `login_failed`, `enterprise.update`, `export`.
    pub action: String,
    /// The kind of object, e.g. `enterprise`.
    pub object_type: String,
    /// The object's id or code.
    pub object_id: String,
    /// Detail (JSON text).
    pub detail: String,
    /// Client address.
    pub ip: String,
    /// `ok`, `denied` or `failed`.
    pub outcome: String,
}

/// A stored entry.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Entry {
    /// Sequence number (1, 2, 3 …).
    pub id: i64,
    /// When (ms).
    pub at: i64,
    /// The account.
    pub user_id: Option<i64>,
    /// Login name.
    pub username: String,
    /// Role id.
    pub role: String,
    /// Action.
    pub action: String,
    /// Object kind.
    pub object_type: String,
    /// Object id.
    pub object_id: String,
    /// Detail (JSON).
    pub detail: String,
    /// Client address.
    pub ip: String,
    /// Outcome.
    pub outcome: String,
    /// Hash of the previous entry.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

macro_rules! columns {
    () => {
        "id, at, user_id, username, role, action, object_type, object_id, detail, ip, outcome, prev_hash, hash"
    };
}

/// SHA-256 over the previous hash and every field, each length-prefixed so that no two
/// different entries encode alike.
pub fn entry_hash(prev_hash: &str, id: i64, at: i64, user_id: Option<i64>, e: &NewEntry) -> String {
    let mut h = Sha256::new();
    let mut field = |s: &str| {
        h.update((s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    };
    field(prev_hash);
    field(&id.to_string());
    field(&at.to_string());
    field(&user_id.map_or(String::new(), |u| u.to_string()));
    for s in [
        &e.username,
        &e.role,
        &e.action,
        &e.object_type,
        &e.object_id,
        &e.detail,
        &e.ip,
        &e.outcome,
    ] {
        field(s);
    }
    hex::encode(h.finalize())
}

/// Appends an entry; call inside the transaction of the change it records.
pub async fn append(conn: &mut AnyConnection, e: &NewEntry) -> Result<i64, StoreError> {
    let (id, prev): (i64, String) = sqlx::query_as(
        "UPDATE audit_head SET last_id = last_id + 1 WHERE id = 1 RETURNING last_id, last_hash",
    )
    .fetch_one(&mut *conn)
    .await?;
    let at = now_ms();
    let hash = entry_hash(&prev, id, at, e.user_id, e);
    sqlx::query(concat!(
        "INSERT INTO audit_log (",
        columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
    ))
    .bind(id)
    .bind(at)
    .bind(e.user_id)
    .bind(&e.username)
    .bind(&e.role)
    .bind(&e.action)
    .bind(&e.object_type)
    .bind(&e.object_id)
    .bind(&e.detail)
    .bind(&e.ip)
    .bind(&e.outcome)
    .bind(&prev)
    .bind(&hash)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE id = 1")
        .bind(&hash)
        .execute(conn)
        .await?;
    Ok(id)
}

/// Search filters for the audit pages.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Exact login name.
    pub username: Option<String>,
    /// Action prefix (e.g. `login` matches `login` and `login_failed`).
    pub action: Option<String>,
    /// Outcome.
    pub outcome: Option<String>,
    /// Object id.
    pub object_id: Option<String>,
    /// From (ms, inclusive).
    pub from: Option<i64>,
    /// Until (ms, exclusive).
    pub until: Option<i64>,
}

/// Entries matching a filter, newest first, with the total count.
pub async fn search(
    conn: &mut AnyConnection,
    f: &Filter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Entry>, i64), StoreError> {
    macro_rules! cond {
        () => {
            "WHERE ($1 IS NULL OR username = $1) AND ($2 IS NULL OR action LIKE $2 ESCAPE '!') AND ($3 IS NULL OR outcome = $3) \
             AND ($4 IS NULL OR object_id = $4) AND ($5 IS NULL OR at >= $5) AND ($6 IS NULL OR at < $6)"
        };
    }
    // A prefix match: `_` and `%` in the action are literal (`login_failed`), escaped with `!`.
    let action = f
        .action
        .as_ref()
        .map(|a| format!("{}%", a.replace('!', "!!").replace('%', "!%").replace('_', "!_")));
    let (total,): (i64,) = sqlx::query_as(concat!("SELECT COUNT(*) FROM audit_log ", cond!()))
        .bind(&f.username)
        .bind(&action)
        .bind(&f.outcome)
        .bind(&f.object_id)
        .bind(f.from)
        .bind(f.until)
        .fetch_one(&mut *conn)
        .await?;
    let rows = sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM audit_log ",
        cond!(),
        " ORDER BY id DESC LIMIT $7 OFFSET $8"
    ))
    .bind(&f.username)
    .bind(&action)
    .bind(&f.outcome)
    .bind(&f.object_id)
    .bind(f.from)
    .bind(f.until)
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await?;
    Ok((rows, total))
}

/// The next `limit` entries matching a filter older than entry `before` (newest first; `None`
/// for the newest), found by key: an export walks the whole trail in chunks of constant cost.
pub async fn search_chunk(
    conn: &mut AnyConnection,
    f: &Filter,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Entry>, StoreError> {
    let action = f
        .action
        .as_ref()
        .map(|a| format!("{}%", a.replace('!', "!!").replace('%', "!%").replace('_', "!_")));
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM audit_log WHERE ($1 IS NULL OR username = $1) AND ($2 IS NULL OR action LIKE $2 ESCAPE '!') \
         AND ($3 IS NULL OR outcome = $3) AND ($4 IS NULL OR object_id = $4) AND ($5 IS NULL OR at >= $5) \
         AND ($6 IS NULL OR at < $6) AND id < $7 ORDER BY id DESC LIMIT $8"
    ))
    .bind(&f.username)
    .bind(&action)
    .bind(&f.outcome)
    .bind(&f.object_id)
    .bind(f.from)
    .bind(f.until)
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// The result of [`verify`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verification {
    /// Every entry checks out.
    Intact {
        /// Entries checked.
        entries: i64,
    },
    /// The first entry whose hash or link does not check out.
    Broken {
        /// Its sequence number (or the expected one, when a row is missing).
        id: i64,
        /// What is wrong (Chinese).
        why: String,
    },
}

/// Recomputes the chain from the first entry.
pub async fn verify(conn: &mut AnyConnection) -> Result<Verification, StoreError> {
    const PAGE: i64 = 5_000;
    let mut prev = GENESIS.to_owned();
    let mut expected_id = 1i64;
    loop {
        let rows: Vec<Entry> = sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM audit_log WHERE id >= $1 ORDER BY id LIMIT $2"
        ))
        .bind(expected_id)
        .bind(PAGE)
        .fetch_all(&mut *conn)
        .await?;
        if rows.is_empty() {
            break;
        }
        for r in rows {
            if r.id != expected_id {
                return Ok(Verification::Broken {
                    id: expected_id,
                    why: format!("缺少第 {expected_id} 条记录"),
                });
            }
            if r.prev_hash != prev {
                return Ok(Verification::Broken {
                    id: r.id,
                    why: "与前一条记录的链接不符".into(),
                });
            }
            let e = NewEntry {
                user_id: r.user_id,
                username: r.username.clone(),
                role: r.role.clone(),
                action: r.action.clone(),
                object_type: r.object_type.clone(),
                object_id: r.object_id.clone(),
                detail: r.detail.clone(),
                ip: r.ip.clone(),
                outcome: r.outcome.clone(),
            };
            if entry_hash(&prev, r.id, r.at, r.user_id, &e) != r.hash {
                return Ok(Verification::Broken {
                    id: r.id,
                    why: "记录内容与哈希不符（被修改过）".into(),
                });
            }
            prev = r.hash;
            expected_id += 1;
        }
    }
    let (last_id, last_hash): (i64, String) =
        sqlx::query_as("SELECT last_id, last_hash FROM audit_head WHERE id = 1")
            .fetch_one(conn)
            .await?;
    if last_id != expected_id - 1 || last_hash != prev {
        return Ok(Verification::Broken {
            id: expected_id,
            why: format!(
                "链尾应为第 {last_id} 条，实际只到第 {} 条（末尾记录被删除）",
                expected_id - 1
            ),
        });
    }
    Ok(Verification::Intact {
        entries: expected_id - 1,
    })
}

/// Number of entries.
pub async fn count(conn: &mut AnyConnection) -> Result<i64, StoreError> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log")
        .fetch_one(conn)
        .await?;
    Ok(n)
}
