//! The storage of mujun: the only crate that holds SQL.
//!
//! One code path serves SQLite (the embedded default: one file under `./data/`, WAL, foreign
//! keys on) and PostgreSQL (production and scale-out), chosen by URL at run time through sqlx's
//! `Any` driver. The two migration folders hold the same tables and columns (a parity test
//! compares them). Every repository function takes a connection (`&mut AnyConnection`), so a
//! use case can run several of them, and its audit entry, in one transaction.
//!
//! Conventions (each forced by what `Any` can carry on both backends): ids and counts are `i64`,
//! times are `i64` milliseconds since the Unix epoch (UTC), flags are 0/1 integers, decimals are
//! `f64`, codes and JSON are text. Rankings never depend on SQL ordering (the engine ranks).

mod db;
mod error;

pub mod api_tokens;
pub mod audit;
pub mod backup;
mod bulk;
pub mod catalogue;
pub mod cluster_assessment;
pub mod clusters;
pub mod cockpit;
pub mod departments;
pub mod disposal_plans;
pub mod enterprise_changes;
pub mod enterprises;
pub mod figures;
pub mod imports;
pub mod industries;
pub mod jobs;
pub mod land;
pub mod land_cases;
pub mod land_projects;
pub mod mappings;
pub mod messages;
pub mod methods;
pub mod negative_lists;
pub mod objections;
pub mod plan_tasks;
pub mod policies;
pub mod public_downloads;
pub mod regions;
pub mod registry;
pub mod rounds;
pub mod runs;
pub mod scenarios;
pub mod security;
pub mod self_checks;
pub mod service_problems;
pub mod sessions;
pub mod settings;
pub mod transformation_plans;
pub mod typed;
pub mod users;

#[cfg(feature = "testing")]
pub mod testing;

pub use db::{Backend, Store, Tx, now_ms, opt_f64, redact_url};
pub use error::StoreError;
pub use sqlx::AnyConnection;

/// Which enterprises a query may touch: the caller's scope, applied in SQL by every list query.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Every enterprise (city-level roles).
    All,
    /// Enterprises of one county (region code).
    Region(String),
    /// Enterprises of one cluster.
    Cluster(i64),
    /// One enterprise.
    Enterprise(i64),
    /// None (roles without access to business data).
    Nothing,
}

/// Compares two texts in time independent of where they differ (seals, token hashes).
pub fn same_text(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}
