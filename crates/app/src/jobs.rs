//! Background work as durable jobs (issue 9): an evaluation run is a row of `jobs`, claimed by
//! one server, kept alive by its heartbeat, and taken over by another server only when that
//! heartbeat is stale (the server died). Starting a server never touches jobs other live servers
//! are working on; a run whose server died is retried, or failed after its last attempt,
//! without any restart. Several `mujun serve` processes may share one PostgreSQL database.

use std::time::Duration;

use mujun_store::jobs::{self, Job};
use mujun_store::{StoreError, now_ms};

use crate::{App, AppError};

/// The kind of an evaluation run's job.
pub(crate) const EVALUATE_RUN: &str = "evaluate_run";

/// Timing of background jobs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobSettings {
    /// How often a working server renews its heartbeat.
    pub heartbeat: Duration,
    /// A heartbeat older than this means the server died: another may take the job over. Must
    /// exceed the longest single write of a job (storing 100,000 results takes seconds).
    pub stale_after: Duration,
    /// How often an idle server looks for jobs to take over.
    pub poll: Duration,
    /// Claims of one job before it is failed.
    pub max_attempts: i64,
}

impl Default for JobSettings {
    fn default() -> Self {
        JobSettings {
            heartbeat: Duration::from_secs(5),
            stale_after: Duration::from_secs(60),
            poll: Duration::from_secs(2),
            max_attempts: 3,
        }
    }
}

/// A name for this server process, unique among the servers sharing a database.
pub(crate) fn new_owner() -> String {
    format!("{}:{}", std::process::id(), &crate::random_token()[..12])
}

impl App {
    fn stale_before(&self) -> i64 {
        now_ms() - i64::try_from(self.jobs.stale_after.as_millis()).unwrap_or(i64::MAX / 2)
    }

    /// Claims job `id` for this server and works on it in the background (`None` from the claim
    /// — another server was quicker — ends the task at once).
    pub(crate) fn spawn_job(&self, id: i64) -> tokio::task::JoinHandle<()> {
        let app = self.clone();
        tokio::spawn(async move {
            match app.claim(Some(id)).await {
                Ok(Some(job)) => app.work(job).await,
                Ok(None) => {}
                Err(e) => tracing::warn!(job = id, error = %e, "could not claim a job"),
            }
        })
    }

    async fn claim(&self, only: Option<i64>) -> Result<Option<Job>, AppError> {
        let mut tx = self.store.begin().await?;
        let job = jobs::claim(
            &mut tx,
            self.store.backend(),
            &self.owner,
            self.stale_before(),
            only,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(job)
    }

    /// The background worker of a server: every `poll`, fails the jobs whose servers died on
    /// their last attempt, then claims one due or stale job and works on it.
    pub fn start_worker(&self) -> tokio::task::JoinHandle<()> {
        let app = self.clone();
        tokio::spawn(async move {
            loop {
                match app.work_once().await {
                    Ok(true) => continue,
                    Ok(false) => {}
                    Err(e) => tracing::warn!(error = %e, "background worker"),
                }
                tokio::time::sleep(app.jobs.poll).await;
            }
        })
    }

    /// One round of the worker; `true` when it worked on a job.
    pub async fn work_once(&self) -> Result<bool, AppError> {
        let exhausted = {
            let mut c = self.store.read().await?;
            jobs::exhausted(&mut c, self.stale_before()).await?
        };
        for job in exhausted {
            let why = format!("评价服务中断，已尝试 {} 次仍未完成，请重新发起", job.attempts);
            let mut tx = self.store.begin().await?;
            let gave_up = jobs::give_up(&mut tx, job.id, job.attempts, &why).await?;
            tx.commit().await.map_err(StoreError::from)?;
            if gave_up && let Some(run) = run_of(&job) {
                self.fail_run(run, &why).await;
            }
        }
        match self.claim(None).await? {
            Some(job) => {
                self.work(job).await;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Works on a claimed job with a heartbeat beside it; records the outcome.
    async fn work(&self, job: Job) {
        let beat = {
            let app = self.clone();
            let id = job.id;
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(app.jobs.heartbeat).await;
                    let alive = async {
                        let mut tx = app.store.begin().await?;
                        let mine = jobs::heartbeat(&mut tx, id, &app.owner).await?;
                        tx.commit().await.map_err(StoreError::from)?;
                        Ok::<_, AppError>(mine)
                    }
                    .await;
                    match alive {
                        Ok(true) => {}
                        Ok(false) => break,
                        Err(e) => tracing::warn!(job = id, error = %e, "heartbeat"),
                    }
                }
            })
        };
        let outcome = match (job.kind.as_str(), run_of(&job)) {
            (EVALUATE_RUN, Some(run)) => self.evaluate_run(run, &job).await,
            _ => Err(AppError::Internal(format!("未知的后台任务“{}”", job.kind))),
        };
        beat.abort();
        if let Err(e) = outcome {
            let why = e.to_string();
            // Storage trouble may pass; a method or data problem will not.
            let retry = matches!(e, AppError::Store(_)).then(|| now_ms() + 5_000 * job.attempts);
            let state = async {
                let mut tx = self.store.begin().await?;
                let state = jobs::attempt_failed(&mut tx, job.id, &self.owner, &why, retry).await?;
                tx.commit().await.map_err(StoreError::from)?;
                Ok::<_, AppError>(state)
            }
            .await;
            match (state, run_of(&job)) {
                (Ok(Some(s)), Some(run)) if s == "failed" => self.fail_run(run, &why).await,
                (Ok(_), _) => {}
                (Err(e), _) => tracing::error!(job = job.id, error = %e, "could not record a failed job"),
            }
        }
    }
}

/// The run an evaluation job works on.
fn run_of(job: &Job) -> Option<i64> {
    serde_json::from_str::<serde_json::Value>(&job.payload)
        .ok()?
        .get("run_id")?
        .as_i64()
}

/// The payload of a run's job.
pub(crate) fn run_payload(run_id: i64) -> String {
    serde_json::json!({ "run_id": run_id }).to_string()
}
