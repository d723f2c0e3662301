//! Connections of each backend's own sqlx driver, for the reads of a hundred thousand rows.
//!
//! sqlx's `Any` driver converts every value through its own representation (about a
//! microsecond each); a run's snapshot and a stored run's inputs are millions of values. The
//! functions that read them take a [`Conn`] and run the same SQL text through the driver of the
//! backend at hand ([`on_backend!`]). The rest of the store still goes through `Any`; it moves
//! here function by function (docs/ARCHITECTURE.md, "Typed connections").

use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, Postgres, Sqlite, SqliteConnection, Transaction};

use crate::StoreError;

/// A connection of the backend's own driver.
pub enum Conn<'c> {
    /// SQLite.
    Sqlite(&'c mut SqliteConnection),
    /// PostgreSQL.
    Postgres(&'c mut PgConnection),
}

/// Evaluates `$body` with `$c` bound to the backend's own connection (`&mut SqliteConnection`
/// or `&mut PgConnection`): one SQL text, compiled once per driver.
macro_rules! on_backend {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::typed::Conn::Sqlite($c) => $body,
            $crate::typed::Conn::Postgres($c) => $body,
        }
    };
}
pub(crate) use on_backend;

/// The pool of the backend's own driver.
#[derive(Clone, Debug)]
pub(crate) enum Pool {
    /// SQLite (reads; writes go through the store's single writer).
    Sqlite(sqlx::SqlitePool),
    /// PostgreSQL.
    Postgres(sqlx::PgPool),
}

/// A pooled connection of the backend's own driver.
pub enum Reader {
    /// SQLite.
    Sqlite(PoolConnection<Sqlite>),
    /// PostgreSQL.
    Postgres(PoolConnection<Postgres>),
}

impl Reader {
    pub(crate) async fn acquire(pool: &Pool) -> Result<Reader, StoreError> {
        Ok(match pool {
            Pool::Sqlite(p) => Reader::Sqlite(p.acquire().await?),
            Pool::Postgres(p) => Reader::Postgres(p.acquire().await?),
        })
    }

    /// The connection.
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Reader::Sqlite(c) => Conn::Sqlite(c),
            Reader::Postgres(c) => Conn::Postgres(c),
        }
    }
}

/// A read transaction of the backend's own driver.
pub(crate) enum ReadTx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl ReadTx {
    pub(crate) fn conn(&mut self) -> Conn<'_> {
        match self {
            ReadTx::Sqlite(t) => Conn::Sqlite(t),
            ReadTx::Postgres(t) => Conn::Postgres(t),
        }
    }

    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            ReadTx::Sqlite(t) => t.commit().await,
            ReadTx::Postgres(t) => t.commit().await,
        }
    }
}

/// Two read transactions that see one and the same state of the database: one through `Any`
/// (for the reads not yet moved to the typed drivers) and one through the backend's own driver.
pub struct Snapshot {
    pub(crate) any: crate::Tx,
    pub(crate) typed: ReadTx,
}

impl Snapshot {
    /// The `Any` side.
    pub fn any(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.any
    }

    /// The typed side.
    pub fn typed(&mut self) -> Conn<'_> {
        self.typed.conn()
    }

    /// Ends both transactions (they only read).
    pub async fn finish(self) -> Result<(), StoreError> {
        self.typed.commit().await?;
        self.any.commit().await?;
        Ok(())
    }
}
