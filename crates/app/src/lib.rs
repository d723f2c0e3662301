//! The use cases of mujun. Each public method of [`App`] is one use case: it checks the
//! caller's permission, runs in one transaction, and writes its audit entry in that same
//! transaction (refusals are audited too). The web server and the CLI both call these; their
//! handlers and commands stay thin.

mod actor;
mod audit;
mod cache;
mod clock;
mod error;
pub mod password;
mod token;

pub mod accounts;
pub mod audit_trail;
pub mod auth;
pub mod collection;
pub mod demo;
pub mod evaluation;
pub mod registry;

pub use actor::{Actor, Role};
pub use error::{AppError, FieldError};
pub use mujun_store::Store;
pub use password::HashCost;
pub use token::{random_token, same_token, token_hash};

/// Security settings (defaults follow 等保三级 practice).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Security {
    /// Failed logins before the account locks.
    pub max_failures: i64,
    /// Minutes an account stays locked.
    pub lockout_minutes: i64,
    /// Minutes of inactivity that end a session.
    pub idle_timeout_minutes: i64,
    /// argon2id cost for new hashes.
    pub hash_cost: HashCost,
}

impl Default for Security {
    fn default() -> Self {
        Security {
            max_failures: 5,
            lockout_minutes: 15,
            idle_timeout_minutes: 30,
            hash_cost: HashCost::PRODUCTION,
        }
    }
}

/// The application: the store plus settings. Cheap to clone.
#[derive(Clone, Debug)]
pub struct App {
    store: Store,
    security: Security,
    cache: std::sync::Arc<cache::Cache>,
}

impl App {
    /// An application over a store.
    pub fn new(store: Store, security: Security) -> App {
        App {
            store,
            security,
            cache: std::sync::Arc::default(),
        }
    }

    /// The store (for the server's shutdown and health checks).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The security settings.
    pub fn security(&self) -> &Security {
        &self.security
    }
}
