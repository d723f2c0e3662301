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

pub mod account_list;
pub mod account_requests;
pub mod accounts;
pub mod activation;
pub mod admission;
pub mod audit_trail;
pub mod auth;
pub mod backup;
pub mod clusters_plan;
pub mod cockpit;
pub mod collection;
pub mod demo;
pub mod download;
pub mod evaluation;
pub mod jobs;
pub mod land;
pub mod messages;
pub mod registry;
pub mod service;
pub mod setup;
pub mod tasks;
#[cfg(feature = "testing")]
pub mod testing;
pub mod tokens;
pub mod totp;
pub mod transformation;
pub mod warnings;

pub use actor::{Actor, Role};
pub use error::{AppError, FieldError};
pub use jobs::JobSettings;
pub use mujun_store::Store;
pub use password::HashCost;
pub use token::{random_token, same_token, token_hash};

/// Security settings (defaults follow 等保三级 practice).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Security {
    /// Failed logins from one client address, within `lockout_minutes`, that block the address
    /// (an account itself is never locked by failures: it waits a growing delay).
    pub max_failures: i64,
    /// The window of failed logins, and how long a blocked address stays blocked, in minutes.
    pub lockout_minutes: i64,
    /// Minutes of inactivity that end a session.
    pub idle_timeout_minutes: i64,
    /// Hours after which a session ends whatever its activity.
    pub session_max_hours: i64,
    /// Days a password is valid (0: forever).
    pub password_max_age_days: i64,
    /// The privileged roles must enrol and use a second factor (TOTP).
    pub require_totp: bool,
    /// argon2id cost for new hashes.
    pub hash_cost: HashCost,
}

impl Default for Security {
    fn default() -> Self {
        Security {
            max_failures: 10,
            lockout_minutes: 15,
            idle_timeout_minutes: 30,
            session_max_hours: 12,
            password_max_age_days: 90,
            require_totp: true,
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

/// The system's title unless configured otherwise.
pub const DEFAULT_TITLE: &str = "亩均论英雄 企业综合评价系统";

/// How the site presents itself (login page, letters, documents).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Site {
    /// The issuing agency, e.g. 驻马店市发展和改革委员会.
    pub agency: String,
    /// The address users reach the system at (printed on letters); may be empty.
    pub url: String,
    /// The system's title on every page, the login page and documents.
    pub title: String,
}

impl Default for Site {
    fn default() -> Self {
        Site {
            agency: "驻马店市发展和改革委员会".to_owned(),
            url: String::new(),
            title: DEFAULT_TITLE.to_owned(),
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
    upload_limits: mujun_collect::upload::Limits,
    /// Permits for CPU-heavy work on the blocking pool (see [`App::cpu`]).
    cpu: std::sync::Arc<tokio::sync::Semaphore>,
    /// This process among the servers sharing the database (owner of the jobs it claims).
    owner: std::sync::Arc<str>,
    cache: std::sync::Arc<cache::Cache>,
    /// The append-only file of audit anchors, when configured.
    anchors: Option<std::sync::Arc<std::path::Path>>,
    land: land::LandRules,
    service: service::ServiceRules,
    tasks: tasks::tracker::TaskRules,
    warnings: warnings::WarningRules,
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
            upload_limits: mujun_collect::upload::Limits::default(),
            cpu: std::sync::Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism()
                    .map_or(1, std::num::NonZero::get)
                    .saturating_sub(1)
                    .max(1),
            )),
            owner: jobs::new_owner().into(),
            anchors: None,
            land: land::LandRules::default(),
            service: service::ServiceRules::default(),
            tasks: tasks::tracker::TaskRules::default(),
            warnings: warnings::WarningRules::default(),
            cache: std::sync::Arc::default(),
        }
    }

    /// The same application with other limits on uploaded files.
    pub fn with_upload_limits(mut self, limits: mujun_collect::upload::Limits) -> App {
        self.upload_limits = limits;
        self
    }

    /// CPU-heavy work (checking an upload, writing a marked workbook, the engine) runs on
    /// tokio's blocking pool, a bounded number at a time (one core is always left to the async
    /// workers): requests keep their normal latency while a big import or a run computes, and
    /// further heavy work waits its turn in the semaphore's queue.
    pub(crate) async fn cpu<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let _permit = self
            .cpu
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| AppError::Internal("计算队列已关闭".into()))?;
        tokio::task::spawn_blocking(f)
            .await
            .map_err(|e| AppError::Internal(format!("后台计算异常终止：{e}")))
    }

    /// The same application presented as another site.
    pub fn with_site(mut self, site: Site) -> App {
        self.site = site;
        self
    }

    /// Writes audit anchors to (and checks them from) this append-only file.
    #[must_use]
    pub fn with_audit_anchors(mut self, path: std::path::PathBuf) -> App {
        self.anchors = Some(path.into());
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
