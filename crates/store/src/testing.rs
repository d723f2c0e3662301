//! Fresh stores for tests: a SQLite file in a temporary directory, and a fresh PostgreSQL
//! database when a server answers (`MUJUN_TEST_POSTGRES_URL`, default
//! `postgres://postgres@127.0.0.1:5432/postgres`). Without a server the PostgreSQL half is
//! skipped with a message on stderr; `MUJUN_REQUIRE_POSTGRES=1` turns the skip into a failure
//! (CI sets it where a server runs).

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

/// A fresh PostgreSQL store, or `None` (with a message) when no server answers.
pub async fn postgres() -> Option<TestStore> {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let admin_url = std::env::var("MUJUN_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let required = std::env::var("MUJUN_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
    let connected =
        tokio::time::timeout(Duration::from_secs(3), sqlx::AnyConnection::connect(&admin_url)).await;
    let mut admin = match connected {
        Ok(Ok(c)) => c,
        other => {
            let why = match other {
                Ok(Err(e)) => e.to_string(),
                _ => "timeout".to_owned(),
            };
            assert!(
                !required,
                "PostgreSQL required but unavailable at {admin_url}: {why}"
            );
            eprintln!("SKIPPED PostgreSQL half of this test: no server at {admin_url} ({why})");
            return None;
        }
    };
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

/// SQLite, and PostgreSQL when available.
pub async fn all() -> Vec<TestStore> {
    let mut v = vec![sqlite().await];
    v.extend(postgres().await);
    v
}
