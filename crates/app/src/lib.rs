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
pub mod activation;
pub mod audit_trail;
pub mod auth;
pub mod collection;
pub mod demo;
pub mod download;
pub mod evaluation;
pub mod jobs;
pub mod messages;
pub mod registry;

pub use actor::{Actor, Role};
pub use error::{AppError, FieldError};
pub use jobs::JobSettings;
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

/// Rules of the yearly workflow that a city may set differently.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workflow {
    /// Shortest public notice, in calendar days counting the first and the last (default 7).
    pub notice_min_days: i64,
    /// Shortest supplementary notice for the enterprises a re-run moved (default 3).
    pub supplementary_notice_min_days: i64,
    /// Whoever adjusted classes in a run may not also approve it (default on).
    pub two_person_rule: bool,
}

impl Default for Workflow {
    fn default() -> Self {
        Workflow {
            notice_min_days: 7,
            supplementary_notice_min_days: 3,
            two_person_rule: true,
        }
    }
}

/// How the site presents itself (login page, letters, documents).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Site {
    /// The issuing agency, e.g. 驻马店市发展和改革委员会.
    pub agency: String,
    /// The address users reach the system at (printed on letters); may be empty.
    pub url: String,
}

impl Default for Site {
    fn default() -> Self {
        Site {
            agency: "驻马店市发展和改革委员会".to_owned(),
            url: String::new(),
        }
    }
}

/// The application: the store plus settings. Cheap to clone.
#[derive(Clone, Debug)]
pub struct App {
    store: Store,
    security: Security,
    workflow: Workflow,
    jobs: JobSettings,
    site: Site,
    /// This process among the servers sharing the database (owner of the jobs it claims).
    owner: std::sync::Arc<str>,
    cache: std::sync::Arc<cache::Cache>,
}

impl App {
    /// An application over a store.
    pub fn new(store: Store, security: Security) -> App {
        App {
            store,
            security,
            workflow: Workflow::default(),
            jobs: JobSettings::default(),
            site: Site::default(),
            owner: jobs::new_owner().into(),
            cache: std::sync::Arc::default(),
        }
    }

    /// The same application presented as another site.
    pub fn with_site(mut self, site: Site) -> App {
        self.site = site;
        self
    }

    /// How the site presents itself.
    pub fn site(&self) -> &Site {
        &self.site
    }

    /// The same application with other background-job timing.
    pub fn with_jobs(mut self, jobs: JobSettings) -> App {
        self.jobs = jobs;
        self
    }

    /// The same application with other workflow rules.
    pub fn with_workflow(mut self, workflow: Workflow) -> App {
        self.workflow = workflow;
        self
    }

    /// The workflow rules.
    pub fn workflow(&self) -> &Workflow {
        &self.workflow
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
