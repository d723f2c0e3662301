//! Connecting, migrating and transactions.

use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Executor};

use crate::StoreError;
use crate::audit::AuditKey;

/// A transaction. It dereferences to the connection every repository function takes, and
/// carries the key that seals the audit entries written in it.
pub struct Tx {
    inner: sqlx::Transaction<'static, sqlx::Any>,
    key: AuditKey,
}

impl std::ops::Deref for Tx {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &sqlx::AnyConnection {
        &self.inner
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.inner
    }
}

impl Tx {
    /// Commits.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.inner.commit().await
    }

    /// Rolls back.
    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.inner.rollback().await
    }

    /// The key that seals audit entries.
    pub fn audit_key(&self) -> &AuditKey {
        &self.key
    }
}

/// Which database is behind the store.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Backend {
    /// SQLite (embedded).
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// Connection pools. On SQLite, writes go through a pool of one connection so that write
/// transactions queue in the process instead of failing with `SQLITE_BUSY`; reads use their own
/// pool (WAL lets them run beside the writer). On PostgreSQL both are the same pool.
#[derive(Clone, Debug)]
pub struct Store {
    read: AnyPool,
    write: AnyPool,
    /// Reads of the backend's own driver (see `typed.rs`).
    typed: crate::typed::Pool,
    backend: Backend,
    audit_key: AuditKey,
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// Whether every migration of `migrator` was applied, successfully, and no later one.
async fn up_to_date(pool: &AnyPool, migrator: &sqlx::migrate::Migrator) -> bool {
    let latest = migrator.iter().map(|m| m.version).max().unwrap_or(0);
    let applied: Result<(Option<i64>, i64, i64), sqlx::Error> = sqlx::query_as(
        "SELECT MAX(version), COUNT(*), COUNT(*) FILTER (WHERE NOT success) FROM _sqlx_migrations",
    )
    .fetch_one(pool)
    .await;
    let expected = i64::try_from(migrator.iter().count()).unwrap_or(i64::MAX);
    matches!(applied, Ok((Some(v), n, 0)) if v == latest && n == expected)
}

impl Store {
    /// Connects to `sqlite://path` (created when missing) or `postgres://…` and applies pending
    /// migrations.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let store = if url.starts_with("sqlite:") {
            if let Some(dir) = sqlite_parent_dir(url) {
                std::fs::create_dir_all(&dir).map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
            }
            let url = if url.contains('?') {
                url.to_owned()
            } else {
                format!("{url}?mode=rwc")
            };
            let options = || {
                AnyPoolOptions::new()
                    .acquire_timeout(Duration::from_secs(30))
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute("PRAGMA journal_mode = WAL").await?;
                            conn.execute("PRAGMA busy_timeout = 10000").await?;
                            conn.execute("PRAGMA foreign_keys = ON").await?;
                            conn.execute("PRAGMA synchronous = NORMAL").await?;
                            // 64 MiB of page cache (the default is 2 MiB): imports update large indexes.
                            conn.execute("PRAGMA cache_size = -65536").await?;
                            conn.execute("PRAGMA temp_store = MEMORY").await?;
                            Ok(())
                        })
                    })
            };
            let write = options().max_connections(1).connect(&url).await?;
            SQLITE_MIGRATIONS.run(&write).await?;
            let read = options().max_connections(8).connect(&url).await?;
            let typed_options = <sqlx::sqlite::SqliteConnectOptions as std::str::FromStr>::from_str(&url)?
                .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
                .pragma("cache_size", "-65536")
                .pragma("temp_store", "MEMORY");
            let typed = sqlx::sqlite::SqlitePoolOptions::new()
                .max_connections(4)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(typed_options)
                .await?;
            Store {
                read,
                write,
                typed: crate::typed::Pool::Sqlite(typed),
                backend: Backend::Sqlite,
                audit_key: AuditKey::unkeyed(),
            }
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let pool = AnyPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(30))
                .connect(url)
                .await?;
            // A database already at the latest migration is not migrated again: the servers may
            // then run as an application role without the right to change the schema
            // (docs/SECURITY.md: the owner migrates, the application role reads and writes rows).
            if !up_to_date(&pool, &POSTGRES_MIGRATIONS).await {
                POSTGRES_MIGRATIONS.run(&pool).await?;
            }
            let typed = sqlx::postgres::PgPoolOptions::new()
                .max_connections(4)
                .acquire_timeout(Duration::from_secs(30))
                .connect(url)
                .await?;
            Store {
                read: pool.clone(),
                write: pool,
                typed: crate::typed::Pool::Postgres(typed),
                backend: Backend::Postgres,
                audit_key: AuditKey::unkeyed(),
            }
        } else {
            return Err(StoreError::UnsupportedUrl(redact_url(url)));
        };
        Ok(store)
    }

    /// The store sealing audit entries with `key` (see [`AuditKey`]).
    #[must_use]
    pub fn with_audit_key(mut self, key: AuditKey) -> Store {
        self.audit_key = key;
        self
    }

    /// The key that seals audit entries.
    pub fn audit_key(&self) -> &AuditKey {
        &self.audit_key
    }

    /// The backend.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Starts a write transaction.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(Tx {
            inner: self.write.begin().await?,
            key: self.audit_key.clone(),
        })
    }

    /// A read transaction in which every read sees one and the same state of the database:
    /// REPEATABLE READ, read only, on PostgreSQL; on SQLite a deferred transaction, whose first
    /// read fixes its snapshot (WAL). An evaluation run's snapshot is taken in one.
    pub async fn snapshot(&self) -> Result<Tx, StoreError> {
        let mut tx = Tx {
            inner: self.read.begin().await?,
            key: self.audit_key.clone(),
        };
        if self.backend == Backend::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(&mut *tx)
                .await?;
        }
        Ok(tx)
    }

    /// A connection of the backend's own driver, for reads of many rows.
    pub async fn read_typed(&self) -> Result<crate::typed::Reader, StoreError> {
        crate::typed::Reader::acquire(&self.typed).await
    }

    /// Like [`Store::snapshot`], and a second read transaction of the backend's own driver that
    /// sees exactly the same state. On PostgreSQL the second imports the first's exported
    /// snapshot; on SQLite both fix their snapshot (their first read) while the single writer is
    /// held in an IMMEDIATE transaction, so no commit can fall between them.
    pub async fn evaluation_snapshot(&self) -> Result<crate::typed::Snapshot, StoreError> {
        use crate::typed::{Pool, ReadTx};
        const FIRST_READ: &str = "SELECT COUNT(*) FROM sqlite_master";
        match &self.typed {
            Pool::Sqlite(pool) => {
                let mut writer = self.write.acquire().await?;
                sqlx::query("BEGIN IMMEDIATE").execute(&mut *writer).await?;
                let taken = async {
                    let mut any = Tx {
                        inner: self.read.begin().await?,
                        key: self.audit_key.clone(),
                    };
                    sqlx::query(FIRST_READ).execute(&mut *any).await?;
                    let mut typed = pool.begin().await?;
                    sqlx::query(FIRST_READ).execute(&mut *typed).await?;
                    Ok::<_, StoreError>(crate::typed::Snapshot {
                        any,
                        typed: ReadTx::Sqlite(typed),
                    })
                }
                .await;
                sqlx::query("ROLLBACK").execute(&mut *writer).await?;
                taken
            }
            Pool::Postgres(pool) => {
                let mut any = self.snapshot().await?;
                let (id,): (String,) = sqlx::query_as("SELECT pg_export_snapshot()")
                    .fetch_one(&mut *any)
                    .await?;
                if !id.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
                    return Err(StoreError::Database(sqlx::Error::Protocol(format!(
                        "unexpected snapshot id {id}"
                    ))));
                }
                let mut typed = pool.begin().await?;
                sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .execute(&mut *typed)
                    .await?;
                // The id was checked above to be hex digits and dashes (SET takes no parameter).
                sqlx::query(sqlx::AssertSqlSafe(format!("SET TRANSACTION SNAPSHOT '{id}'")))
                    .execute(&mut *typed)
                    .await?;
                Ok(crate::typed::Snapshot {
                    any,
                    typed: ReadTx::Postgres(typed),
                })
            }
        }
    }

    /// A connection for reads.
    pub async fn read(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>, StoreError> {
        Ok(self.read.acquire().await?)
    }

    /// After a bulk load on PostgreSQL: `VACUUM ANALYZE`, so that the planner knows the new
    /// sizes and index-only scans find the visibility map set, instead of waiting for autovacuum
    /// (on 100,000 fresh enterprises a deep list page took 140 ms before and 14 ms after).
    /// SQLite plans these queries well without statistics and is left as it is.
    pub async fn refresh_statistics(&self) -> Result<(), StoreError> {
        if self.backend == Backend::Postgres {
            let mut c = self.write.acquire().await?;
            sqlx::query("VACUUM ANALYZE").execute(&mut *c).await?;
        }
        Ok(())
    }

    /// Closes the pools (graceful shutdown).
    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }

    /// Table name → column names, for the migration parity test.
    pub async fn columns(&self) -> Result<Vec<(String, String)>, StoreError> {
        let sql = match self.backend {
            Backend::Sqlite => {
                "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%' \
                 ORDER BY m.name, p.name"
            }
            Backend::Postgres => {
                "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT) FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name NOT LIKE '_sqlx%' \
                 ORDER BY table_name, column_name"
            }
        };
        let mut conn = self.read().await?;
        Ok(sqlx::query_as::<_, (String, String)>(sql)
            .fetch_all(&mut *conn)
            .await?)
    }
}

fn sqlite_parent_dir(url: &str) -> Option<std::path::PathBuf> {
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = path.split('?').next()?;
    if path.is_empty() || path.starts_with(":memory:") {
        return None;
    }
    std::path::Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(ToOwned::to_owned)
}

/// The URL with any password replaced by `***` (for messages and `config print`).
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// An optional decimal as a bind parameter: text (shortest exact form) cast to DOUBLE PRECISION
/// in the SQL. sqlx 0.9's `Any` driver sends a NULL `f64` to PostgreSQL as a `float4`, and a
/// statement first prepared with that NULL then refuses every later non-NULL `f64`; text keeps
/// one parameter type for both. Use with `CAST($n AS DOUBLE PRECISION)`.
pub fn opt_f64(v: Option<f64>) -> Option<String> {
    v.map(|x| format!("{x:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact_url("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact_url("sqlite://data/mujun.db"), "sqlite://data/mujun.db");
    }

    #[test]
    fn sqlite_dirs() {
        assert_eq!(sqlite_parent_dir("sqlite://data/mujun.db"), Some("data".into()));
        assert_eq!(sqlite_parent_dir("sqlite://mujun.db"), None);
        assert_eq!(sqlite_parent_dir("sqlite::memory:"), None);
    }
}
