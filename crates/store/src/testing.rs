//! Fresh stores for tests: a SQLite file in a temporary directory, and a fresh PostgreSQL
//! database (`MUJUN_TEST_POSTGRES_URL`, default `postgres://postgres@127.0.0.1:5432/postgres`).
//!
//! The PostgreSQL half is never skipped silently: when no server answers, the test fails and
//! says how to skip it on purpose (`MUJUN_SKIP_POSTGRES=1`). Each test binary (suite) prints
//! once, straight to stderr past the test harness's capture, whether its PostgreSQL half ran or
//! was skipped, so the output of `cargo test` shows how many suites ran on PostgreSQL.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use crate::Store;

/// A store under test; dropping it removes the SQLite directory (PostgreSQL databases are
/// dropped by [`TestStore::cleanup`]).
pub struct TestStore {
    /// `sqlite` or `postgres`.
    pub name: &'static str,
    /// The store.
    pub store: Store,
    /// The URL it was opened with.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_admin: Option<(String, String)>,
}

impl TestStore {
    /// Closes the pools and drops the PostgreSQL database.
    pub async fn cleanup(self) {
        self.store.close().await;
        if let Some((admin_url, db)) = self.pg_admin {
            use sqlx::Connection;
            if let Ok(mut c) = sqlx::AnyConnection::connect(&admin_url).await {
                let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {db} WITH (FORCE)"
                )))
                .execute(&mut c)
                .await;
            }
        }
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A fresh SQLite store.
pub async fn sqlite() -> TestStore {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let store = Store::connect(&url).await.expect("sqlite store");
    TestStore {
        name: "sqlite",
        store,
        url,
        _dir: Some(dir),
        pg_admin: None,
    }
}

/// Whether the PostgreSQL half is skipped on purpose (`MUJUN_SKIP_POSTGRES=1`).
pub fn postgres_skipped() -> bool {
    std::env::var("MUJUN_SKIP_POSTGRES").is_ok_and(|v| v == "1")
}

/// The server tests create their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("MUJUN_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// Prints once per test binary whether its PostgreSQL half runs, past the harness's output
/// capture (which only takes `print!`/`eprint!`), so that it shows in every `cargo test`.
fn announce(ran: bool) {
    use std::io::Write;
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let suite = std::env::args()
            .next()
            .and_then(|a| {
                std::path::Path::new(&a)
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
            })
            .map(|f| f.rsplit_once('-').map_or(f.clone(), |(name, _)| name.to_owned()))
            .unwrap_or_default();
        let line = if ran {
            format!("[mujun] PostgreSQL suite ran: {suite}\n")
        } else {
            format!("[mujun] PostgreSQL suite SKIPPED (MUJUN_SKIP_POSTGRES=1): {suite}\n")
        };
        let _ = std::io::stderr().write_all(line.as_bytes());
    });
}

/// A fresh PostgreSQL store; `None` only when the PostgreSQL half is skipped on purpose
/// (`MUJUN_SKIP_POSTGRES=1`). Panics with instructions when no server answers.
pub async fn postgres() -> Option<TestStore> {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    if postgres_skipped() {
        announce(false);
        return None;
    }
    let admin_url = postgres_admin_url();
    let connected =
        tokio::time::timeout(Duration::from_secs(5), sqlx::AnyConnection::connect(&admin_url)).await;
    let mut admin = match connected {
        Ok(Ok(c)) => c,
        other => {
            let why = match other {
                Ok(Err(e)) => e.to_string(),
                _ => "timeout".to_owned(),
            };
            panic!(
                "the PostgreSQL half of this test needs a server at {admin_url} ({why}). \
                 Start one (or point MUJUN_TEST_POSTGRES_URL at one), or skip the PostgreSQL half \
                 on purpose with MUJUN_SKIP_POSTGRES=1"
            );
        }
    };
    announce(true);
    let db = format!(
        "mujun_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        crate::now_ms() % 100_000
    );
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}")))
        .execute(&mut admin)
        .await
        .expect("create test database");
    let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(b, _)| b);
    let url = format!("{base}/{db}");
    let store = Store::connect(&url).await.expect("postgres store");
    Some(TestStore {
        name: "postgres",
        store,
        url,
        _dir: None,
        pg_admin: Some((admin_url, db)),
    })
}

/// SQLite, and PostgreSQL unless skipped on purpose.
pub async fn all() -> Vec<TestStore> {
    let mut v = vec![sqlite().await];
    v.extend(postgres().await);
    v
}
