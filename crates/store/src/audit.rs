//! The audit trail: append-only (database triggers refuse UPDATE and DELETE) and chained — each
//! entry's seal covers the previous entry's seal and every field of the entry, so changing,
//! removing or reordering any row breaks the chain from that row on ([`verify`]).
//!
//! The seal is keyed ([`AuditKey`]): HMAC-SHA256, or HMAC-SM3 (GB/T 32905) where 国密 is
//! required, with a key kept outside the database — whoever owns the database cannot rewrite
//! entries and recompute the chain. Cutting off the tail and rewinding the head leaves a shorter
//! chain that still checks out, so [`Anchor`]s (the head's seal with its time, themselves keyed)
//! are written outside the database and [`verify_anchors`] checks the chain still holds them.
//!
//! Appends are serialised through the single row of `audit_head` (a row lock on PostgreSQL, the
//! single writer on SQLite), so concurrent transactions never fork the chain. An entry is written
//! in the same transaction as the change it records.

use std::sync::Arc;

use hmac::{KeyInit, Mac as _};
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use crate::{StoreError, Tx, now_ms};

/// How an entry is sealed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mac {
    /// Plain SHA-256 (no key): entries written before a key was configured.
    Sha256,
    /// HMAC-SHA256 (RFC 2104, FIPS 180-4).
    HmacSha256,
    /// HMAC-SM3 (SM3: GB/T 32905-2016).
    HmacSm3,
}

impl Mac {
    /// The id stored with each entry.
    pub fn id(self) -> &'static str {
        match self {
            Mac::Sha256 => "sha256",
            Mac::HmacSha256 => "hmac-sha256",
            Mac::HmacSm3 => "hmac-sm3",
        }
    }

    /// Parses a stored or configured id.
    pub fn parse(id: &str) -> Option<Mac> {
        [Mac::Sha256, Mac::HmacSha256, Mac::HmacSm3]
            .into_iter()
            .find(|m| m.id() == id)
    }
}

/// The key of the audit chain. Its bytes never reach the database or a log.
#[derive(Clone)]
pub struct AuditKey {
    mac: Mac,
    key: Arc<Vec<u8>>,
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AuditKey({}, ***)", self.mac.id())
    }
}

impl AuditKey {
    /// No key: plain SHA-256 (tests, and a store opened only to read).
    pub fn unkeyed() -> AuditKey {
        AuditKey {
            mac: Mac::Sha256,
            key: Arc::new(Vec::new()),
        }
    }

    /// A key of at least 32 bytes for a keyed algorithm.
    pub fn new(mac: Mac, key: Vec<u8>) -> Result<AuditKey, StoreError> {
        if mac == Mac::Sha256 || key.len() < 32 {
            return Err(StoreError::AuditKey(
                "审计密钥须为至少 32 字节，算法须为 hmac-sha256 或 hmac-sm3".into(),
            ));
        }
        Ok(AuditKey {
            mac,
            key: Arc::new(key),
        })
    }

    /// Reads the key file (64 hex digits), creating it with a fresh random key — readable by
    /// its owner only — when it does not exist yet.
    pub fn load_or_create(path: &std::path::Path, mac: Mac) -> Result<AuditKey, StoreError> {
        let fail = |what: &str, e: &dyn std::fmt::Display| {
            StoreError::AuditKey(format!("{what} {}：{e}", path.display()))
        };
        if !path.exists() {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| fail("无法创建审计密钥目录", &e))?;
            }
            let mut key = [0u8; 32];
            getrandom::fill(&mut key).map_err(|e| fail("无法生成审计密钥", &e))?;
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(path).map_err(|e| fail("无法写入审计密钥", &e))?;
            std::io::Write::write_all(&mut file, format!("{}\n", hex::encode(key)).as_bytes())
                .map_err(|e| fail("无法写入审计密钥", &e))?;
        }
        let text = std::fs::read_to_string(path).map_err(|e| fail("无法读取审计密钥", &e))?;
        let key = hex::decode(text.trim()).map_err(|e| fail("审计密钥格式有误", &e))?;
        AuditKey::new(mac, key)
    }

    /// The algorithm.
    pub fn mac(&self) -> Mac {
        self.mac
    }

    /// Seals `bytes` with `mac` (which must be this key's algorithm, or plain SHA-256).
    fn seal(&self, mac: Mac, bytes: &[u8]) -> Option<String> {
        match mac {
            Mac::Sha256 => Some(hex::encode(Sha256::digest(bytes))),
            _ if mac != self.mac => None,
            Mac::HmacSha256 => {
                let mut m = hmac::Hmac::<Sha256>::new_from_slice(&self.key).ok()?;
                m.update(bytes);
                Some(hex::encode(m.finalize().into_bytes()))
            }
            Mac::HmacSm3 => {
                let mut m = hmac::Hmac::<sm3::Sm3>::new_from_slice(&self.key).ok()?;
                m.update(bytes);
                Some(hex::encode(m.finalize().into_bytes()))
            }
        }
    }
}

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
    /// This entry's seal.
    pub hash: String,
    /// How it is sealed ([`Mac`]).
    pub mac: String,
}

macro_rules! columns {
    () => {
        "id, at, user_id, username, role, action, object_type, object_id, detail, ip, outcome, prev_hash, hash, mac"
    };
}

/// The bytes an entry's seal covers: the previous seal and every field, each length-prefixed
/// so that no two different entries encode alike.
fn encode(prev_hash: &str, id: i64, at: i64, user_id: Option<i64>, e: &NewEntry) -> Vec<u8> {
    let mut out = Vec::with_capacity(256 + e.detail.len());
    let mut field = |s: &str| {
        out.extend_from_slice(&(s.len() as u64).to_le_bytes());
        out.extend_from_slice(s.as_bytes());
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
    out
}

/// The unkeyed seal (plain SHA-256) of an entry.
pub fn entry_hash(prev_hash: &str, id: i64, at: i64, user_id: Option<i64>, e: &NewEntry) -> String {
    hex::encode(Sha256::digest(encode(prev_hash, id, at, user_id, e)))
}

/// Appends an entry; call inside the transaction of the change it records.
pub async fn append(tx: &mut Tx, e: &NewEntry) -> Result<i64, StoreError> {
    let key = tx.audit_key().clone();
    let conn: &mut AnyConnection = tx;
    let (id, prev): (i64, String) = sqlx::query_as(
        "UPDATE audit_head SET last_id = last_id + 1 WHERE id = 1 RETURNING last_id, last_hash",
    )
    .fetch_one(&mut *conn)
    .await?;
    let at = now_ms();
    let hash = key
        .seal(key.mac(), &encode(&prev, id, at, e.user_id, e))
        .expect("a key seals with its own algorithm");
    sqlx::query(concat!(
        "INSERT INTO audit_log (",
        columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
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
    .bind(key.mac().id())
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
        /// Of which sealed without a key (written before a key was configured).
        unkeyed: i64,
    },
    /// The first entry whose hash or link does not check out.
    Broken {
        /// Its sequence number (or the expected one, when a row is missing).
        id: i64,
        /// What is wrong (Chinese).
        why: String,
    },
}

/// Recomputes the chain from the first entry with `key` (unkeyed entries may only come first).
pub async fn verify(conn: &mut AnyConnection, key: &AuditKey) -> Result<Verification, StoreError> {
    const PAGE: i64 = 5_000;
    let mut prev = GENESIS.to_owned();
    let mut expected_id = 1i64;
    let (mut keyed_seen, mut unkeyed) = (false, 0i64);
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
            let Some(mac) = Mac::parse(&r.mac) else {
                return Ok(Verification::Broken {
                    id: r.id,
                    why: format!("未知的封印算法 {}", r.mac),
                });
            };
            if mac == Mac::Sha256 {
                // Unkeyed entries only before the first keyed one: otherwise whoever owns the
                // database could re-seal a rewritten tail without the key.
                if keyed_seen {
                    return Ok(Verification::Broken {
                        id: r.id,
                        why: "启用密钥后出现未加密钥的记录（疑似被改写）".into(),
                    });
                }
                unkeyed += 1;
            } else {
                keyed_seen = true;
            }
            let Some(seal) = key.seal(mac, &encode(&prev, r.id, r.at, r.user_id, &e)) else {
                return Ok(Verification::Broken {
                    id: r.id,
                    why: format!(
                        "记录以 {} 封印，但配置的审计密钥为 {}：请使用写入时的密钥文件和算法校验",
                        r.mac,
                        key.mac().id()
                    ),
                });
            };
            if !crate::same_text(&seal, &r.hash) {
                return Ok(Verification::Broken {
                    id: r.id,
                    why: "记录内容与封印不符（被修改过，或密钥不对）".into(),
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
        unkeyed,
    })
}

/// The head of the chain: the last entry's number and seal.
pub async fn head(conn: &mut AnyConnection) -> Result<(i64, String), StoreError> {
    Ok(
        sqlx::query_as("SELECT last_id, last_hash FROM audit_head WHERE id = 1")
            .fetch_one(conn)
            .await?,
    )
}

/// The head of the chain at a time, sealed with the key, kept outside the database (one JSON
/// line per anchor in an append-only file, and in the server log).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Anchor {
    /// When (ms).
    pub at: i64,
    /// The last entry's number.
    pub id: i64,
    /// Its seal.
    pub hash: String,
    /// The algorithm of `seal`.
    pub mac: String,
    /// The key's seal over the three fields above.
    pub seal: String,
}

impl Anchor {
    fn bytes(at: i64, id: i64, hash: &str) -> Vec<u8> {
        format!("mujun-audit-anchor\n{at}\n{id}\n{hash}").into_bytes()
    }

    /// An anchor of the head `(id, hash)` now.
    pub fn new(key: &AuditKey, id: i64, hash: &str) -> Anchor {
        let at = now_ms();
        Anchor {
            at,
            id,
            hash: hash.to_owned(),
            mac: key.mac().id().to_owned(),
            seal: key
                .seal(key.mac(), &Anchor::bytes(at, id, hash))
                .expect("a key seals with its own algorithm"),
        }
    }

    /// Whether the key made this anchor.
    pub fn genuine(&self, key: &AuditKey) -> bool {
        Mac::parse(&self.mac)
            .and_then(|m| key.seal(m, &Anchor::bytes(self.at, self.id, &self.hash)))
            .is_some_and(|s| crate::same_text(&s, &self.seal))
    }
}

/// Checks a verified chain against anchors written earlier: each anchor must be genuine, and
/// the chain must still hold its entry with the same seal (a chain cut back behind an anchor,
/// or rewritten before it, fails). Returns the first problem in Chinese, or the number of
/// anchors checked.
pub async fn verify_anchors(
    conn: &mut AnyConnection,
    key: &AuditKey,
    anchors: &[Anchor],
) -> Result<Result<usize, String>, StoreError> {
    let (last_id, _) = head(conn).await?;
    for (n, a) in anchors.iter().enumerate() {
        if !a.genuine(key) {
            return Ok(Err(format!(
                "第 {} 个锚点的封印不符（锚点被改动，或密钥不对）",
                n + 1
            )));
        }
        if a.id > last_id {
            return Ok(Err(format!(
                "锚点记录了第 {} 条（{}），但链尾只到第 {last_id} 条：末尾记录被删除，链头被回退",
                a.id, a.at
            )));
        }
        if a.id == 0 {
            continue;
        }
        let found: Option<(String,)> = sqlx::query_as("SELECT hash FROM audit_log WHERE id = $1")
            .bind(a.id)
            .fetch_optional(&mut *conn)
            .await?;
        match found {
            Some((h,)) if crate::same_text(&h, &a.hash) => {}
            _ => {
                return Ok(Err(format!(
                    "第 {} 条记录与锚点不符：此前的记录被改写或删除",
                    a.id
                )));
            }
        }
    }
    Ok(Ok(anchors.len()))
}

/// Number of entries.
pub async fn count(conn: &mut AnyConnection) -> Result<i64, StoreError> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log")
        .fetch_one(conn)
        .await?;
    Ok(n)
}
