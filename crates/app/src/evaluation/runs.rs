//! Starting an evaluation run and the background job that evaluates it: the quality check, the
//! immutable input snapshot, the engine, and every result stored in one transaction.

use mujun_store::jobs::{self, Job};
use mujun_store::runs::{self, Run};
use mujun_store::{StoreError, objections};
use serde_json::json;

use super::state::{RunState, Step, next};
use super::{snapshot, stored};
use crate::audit::{Who, write};
use crate::{Actor, App, AppError, Role};

/// What to run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StartRun {
    /// Data year.
    pub year: i64,
    /// `preset:<id>` or `file:<id>`.
    pub method: String,
    /// Title (default: "<year> 年度亩均效益综合评价").
    pub title: String,
    /// The run this one re-runs (after objections), if any.
    pub previous_run_id: Option<i64>,
}

/// A started run: its id and the task evaluating it on this server (the web ignores the handle
/// and polls the run's progress; tests and the CLI await it). The work itself is a durable job:
/// if this server dies, another takes it over.
#[derive(Debug)]
pub struct RunStarted {
    /// The run.
    pub id: i64,
    /// The task working on the run's job here.
    pub job: tokio::task::JoinHandle<()>,
}

/// A run as pages show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunView {
    /// The stored run.
    pub run: Run,
    /// Its state.
    pub state: RunState,
    /// Who started it.
    pub created_by: String,
}

impl App {
    /// Whether the caller runs evaluations (the city administrator).
    pub(crate) fn runs_evaluations(actor: &Actor) -> bool {
        actor.role == Role::CityAdmin
    }

    /// Whether the caller reads every run from its draft on (the city administrator, and the
    /// approving leader); others see a run once its notice has started.
    pub(crate) fn reads_all_runs(actor: &Actor) -> bool {
        matches!(actor.role, Role::CityAdmin | Role::Leader)
    }

    /// Starts a run (city administrator): refuses when the year's data quality report has
    /// blocking findings; otherwise records the run and evaluates it in the background.
    pub async fn start_run(&self, actor: &Actor, form: &StartRun) -> Result<RunStarted, AppError> {
        if !Self::runs_evaluations(actor) {
            return Err(self
                .deny(
                    actor,
                    "run.start",
                    ("evaluation_run", ""),
                    "仅市级评价管理员可以发起评价",
                )
                .await);
        }
        if !(2000..=2100).contains(&form.year) {
            return Err(AppError::invalid("year", format!("年度“{}”无效", form.year)));
        }
        let resolved = self.resolve_method(&form.method).await?;
        self.check_one_run_per_year(form).await?;
        // The blocking part of the data quality report (the whole report is shown on the page
        // that starts a run; here only what stops one is computed).
        let (findings, _, _) = self.quality_findings(form.year, true).await?;
        let blocking: Vec<_> = findings.iter().filter(|f| f.blocking).collect();
        if !blocking.is_empty() {
            let first: Vec<String> = blocking
                .iter()
                .take(3)
                .map(|f| format!("{}（{}）{}", f.name, f.credit_code, f.message))
                .collect();
            return Err(AppError::invalid(
                "quality",
                format!(
                    "{} 年度数据质量报告有 {} 项阻断性问题，不能发起评价。请先处理后重试，例如：{}",
                    form.year,
                    blocking.len(),
                    first.join("；")
                ),
            ));
        }
        let title = if form.title.trim().is_empty() {
            match form.previous_run_id {
                Some(p) => format!("{} 年度亩均效益综合评价（重算，原批次 #{p}）", form.year),
                None => format!("{} 年度亩均效益综合评价", form.year),
            }
        } else {
            form.title.trim().to_owned()
        };
        let m = &resolved.method;
        let mut tx = self.store.begin().await?;
        let id = runs::insert(
            &mut tx,
            &runs::NewRun {
                year: form.year,
                title: &title,
                method_ref: &resolved.reference,
                method_id: &m.id,
                method_hash: &m.hash,
                method_source: &m.source,
                previous_run_id: form.previous_run_id,
                user_id: Some(actor.user_id),
            },
        )
        .await?;
        let job = jobs::enqueue(
            &mut tx,
            crate::jobs::EVALUATE_RUN,
            &crate::jobs::run_payload(id),
            self.jobs.max_attempts,
        )
        .await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "run.start",
            ("evaluation_run", &id.to_string()),
            json!({"year": form.year, "method": resolved.reference, "method_hash": m.hash,
                   "previous_run_id": form.previous_run_id, "job": job}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(RunStarted {
            id,
            job: self.spawn_job(job),
        })
    }

    /// At most one run of a year is on its way to publication: a new run is refused while the
    /// year is published (locked) or has a run being evaluated, and otherwise must re-run the
    /// year's run in progress, if there is one.
    async fn check_one_run_per_year(&self, form: &StartRun) -> Result<(), AppError> {
        let mut c = self.store.read().await?;
        if let Some(p) = runs::published_for_year(&mut c, form.year).await? {
            return Err(AppError::invalid(
                "year",
                format!(
                    "{} 年度已发布评价结果（批次 #{}），不能再发起评价。如确需重新评价，请先在该批次页面“重新开放年度”",
                    form.year, p.id
                ),
            ));
        }
        let in_progress = runs::of_year(&mut c, form.year, &RunState::in_progress_ids()).await?;
        if let Some(r) = in_progress.iter().find(|r| r.state == RunState::Running.id()) {
            return Err(AppError::invalid(
                "year",
                format!(
                    "{} 年度的批次 #{} 正在评价中，请等它完成后再发起",
                    form.year, r.id
                ),
            ));
        }
        match (in_progress.first(), form.previous_run_id) {
            (None, None) => Ok(()),
            (None, Some(prev)) => {
                let p = runs::get(&mut c, prev)
                    .await?
                    .ok_or(AppError::NotFound("原评价批次"))?;
                let state = RunState::parse(&p.state).unwrap_or(RunState::Failed);
                Err(AppError::invalid(
                    "previous_run_id",
                    format!("原批次状态为“{}”，不能重算", state.label()),
                ))
            }
            (Some(current), None) => Err(AppError::invalid(
                "previous_run_id",
                format!(
                    "{} 年度已有进行中的批次 #{}（{}），同一年度同时只能有一个批次；如需按新的数据或方法重新评价，请在该批次页面发起重算",
                    form.year,
                    current.id,
                    RunState::parse(&current.state).map_or("", RunState::label)
                ),
            )),
            (Some(current), Some(prev)) => {
                let state = RunState::parse(&current.state).unwrap_or(RunState::Failed);
                if current.id != prev || current.year != form.year {
                    return Err(AppError::invalid(
                        "previous_run_id",
                        format!("只能重算 {} 年度当前进行中的批次 #{}", form.year, current.id),
                    ));
                }
                if !state.rerunnable() {
                    return Err(AppError::invalid(
                        "previous_run_id",
                        format!("原批次状态为“{}”，不能重算", state.label()),
                    ));
                }
                Ok(())
            }
        }
    }

    /// The work of a run's job: snapshot, engine, and every result stored in one transaction,
    /// which also marks the job done — only if it is still this server's (a job taken over
    /// after a stall stores nothing here).
    pub(crate) async fn evaluate_run(&self, id: i64, job: &Job) -> Result<(), AppError> {
        let run = {
            let mut c = self.store.read().await?;
            runs::get(&mut c, id)
                .await?
                .ok_or(AppError::NotFound("评价批次"))?
        };
        if RunState::parse(&run.state) != Some(RunState::Running) {
            // Finished or failed meanwhile: nothing to do.
            let mut tx = self.store.begin().await?;
            jobs::finish(&mut tx, job.id, &self.owner).await?;
            tx.commit().await.map_err(StoreError::from)?;
            return Ok(());
        }
        let method = mujun_engine::Method::parse(&run.method_source)?;
        let actor = self.job_actor(&run).await?;
        let actor = &actor;
        if job.attempts > 1 {
            self.progress(id, 1, &format!("第 {} 次尝试（上次未完成）", job.attempts))
                .await?;
        }
        self.progress(id, 5, "读取采集数据").await?;
        let clock = std::time::Instant::now();
        let rows = snapshot::take(&self.store, id, run.year).await?;
        let snapshot_ms = clock.elapsed().as_millis();
        self.progress(id, 30, "评价计算").await?;
        let clock = std::time::Instant::now();
        let year = run.year;
        let (rows, results, pools, input_hash, ignored) = self
            .cpu(move || {
                let input = snapshot::to_engine(year, &rows)?;
                let eval = mujun_engine::evaluate(&method, &input, &[])?;
                let (results, pools) = stored::to_rows(id, &method, &rows, &eval);
                let ignored: Vec<String> = eval
                    .ignored_items
                    .iter()
                    .map(|i| format!("{}（{} 家）", i.id, i.rows))
                    .collect();
                Ok::<_, AppError>((rows, results, pools, eval.input_hash, ignored))
            })
            .await??;
        let engine_ms = clock.elapsed().as_millis();
        self.progress(id, 60, "保存结果").await?;
        let clock = std::time::Instant::now();
        let backend = self.store.backend();
        let mut tx = self.store.begin().await?;
        if !jobs::finish(&mut tx, job.id, &self.owner).await? {
            return Err(AppError::Internal(
                "评价任务已由另一台服务器接手，本服务器的结果不予保存".into(),
            ));
        }
        // An earlier attempt's rows, if any (each attempt stores in one transaction, so there
        // are none unless it committed — then the run is no longer `running`).
        runs::clear_results(&mut tx, id).await?;
        runs::insert_inputs(&mut tx, backend, &rows).await?;
        runs::insert_results(&mut tx, backend, &results).await?;
        runs::insert_pools(&mut tx, backend, &pools).await?;
        let message = if ignored.is_empty() {
            format!("完成：{} 家企业", rows.len())
        } else {
            format!(
                "完成：{} 家企业；评价方法未定义、已忽略的加分/否决项：{}",
                rows.len(),
                ignored.join("、")
            )
        };
        runs::finish(&mut tx, id, &input_hash, rows.len() as i64, &message).await?;
        if let Some(prev) = run.previous_run_id {
            let p = runs::get(&mut tx, prev)
                .await?
                .ok_or(AppError::NotFound("原评价批次"))?;
            let from = RunState::parse(&p.state).unwrap_or(RunState::Failed);
            // The earlier run may have moved on meanwhile (e.g. been approved): then it stays.
            if let Ok(to) = next(from, Step::Supersede, p.previous_run_id.is_some()) {
                runs::transition(&mut tx, prev, from.id(), to.id()).await?;
            }
        }
        write(
            &mut tx,
            Who::Actor(actor),
            "run.finish",
            ("evaluation_run", &id.to_string()),
            json!({"enterprises": rows.len(), "input_hash": input_hash, "pools": pools.len(),
                   "timings_ms": {"snapshot": snapshot_ms, "engine": engine_ms, "store": clock.elapsed().as_millis()}}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    async fn progress(&self, id: i64, percent: i64, message: &str) -> Result<(), AppError> {
        let mut tx = self.store.begin().await?;
        runs::set_progress(&mut tx, id, percent, message).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Who a run's job works for: the account that started the run.
    async fn job_actor(&self, run: &Run) -> Result<Actor, AppError> {
        let mut c = self.store.read().await?;
        let user = match run.created_by {
            Some(u) => mujun_store::users::get(&mut c, u).await?,
            None => None,
        };
        user.and_then(|u| Actor::from_user(&u, "background"))
            .ok_or(AppError::NotFound("发起评价的账号"))
    }

    /// Marks a run failed (its job failed for good), with the reason.
    pub(crate) async fn fail_run(&self, id: i64, why: &str) {
        let result = async {
            let mut tx = self.store.begin().await?;
            runs::clear_results(&mut tx, id).await?;
            runs::fail(&mut tx, id, why).await?;
            write(
                &mut tx,
                Who::System,
                "run.fail",
                ("evaluation_run", &id.to_string()),
                json!({"reason": why}),
                "failed",
            )
            .await?;
            tx.commit().await.map_err(StoreError::from)?;
            Ok::<_, AppError>(())
        }
        .await;
        if let Err(e) = result {
            tracing::error!(run = id, error = %e, "could not record the failure of a run");
        }
    }

    /// The runs the caller may see, newest first: all of them for the city administrator;
    /// for others the runs whose results have reached them (notice and later).
    pub async fn list_runs(&self, actor: &Actor) -> Result<Vec<RunView>, AppError> {
        if !actor.reads_business_data() {
            return Err(self
                .deny(
                    actor,
                    "run.list",
                    ("evaluation_run", ""),
                    "该角色不能查看评价结果",
                )
                .await);
        }
        let mut c = self.store.read().await?;
        let all = runs::list(&mut c, &[]).await?;
        let mut out = Vec::new();
        for run in all {
            let state = RunState::parse(&run.state).unwrap_or(RunState::Failed);
            if !Self::reads_all_runs(actor) && !state.visible_to_enterprises() {
                continue;
            }
            let created_by = match run.created_by {
                Some(u) => mujun_store::users::get(&mut c, u)
                    .await?
                    .map_or_else(|| format!("#{u}"), |u| u.display_name),
                None => String::new(),
            };
            out.push(RunView {
                run,
                state,
                created_by,
            });
        }
        Ok(out)
    }

    /// One run, when the caller may see it.
    pub async fn get_run(&self, actor: &Actor, id: i64) -> Result<RunView, AppError> {
        let views = self.list_runs(actor).await?;
        match views.into_iter().find(|v| v.run.id == id) {
            Some(v) => Ok(v),
            None => {
                let mut c = self.store.read().await?;
                let exists = runs::get(&mut c, id).await?.is_some();
                drop(c);
                if exists {
                    Err(self
                        .deny(
                            actor,
                            "run.view",
                            ("evaluation_run", &id.to_string()),
                            "该批次尚未公示",
                        )
                        .await)
                } else {
                    Err(AppError::NotFound("评价批次"))
                }
            }
        }
    }

    /// Open objections of a run and of the runs it re-runs.
    pub(crate) async fn open_objections_in_chain(&self, run: &Run) -> Result<usize, AppError> {
        let mut c = self.store.read().await?;
        let mut count = 0;
        let mut current = Some(run.id);
        while let Some(id) = current {
            count += objections::list(
                &mut c,
                &objections::ObjectionFilter {
                    run_id: Some(id),
                    status: Some("open".into()),
                    ..Default::default()
                },
            )
            .await?
            .len();
            current = runs::get(&mut c, id).await?.and_then(|r| r.previous_run_id);
        }
        Ok(count)
    }
}
