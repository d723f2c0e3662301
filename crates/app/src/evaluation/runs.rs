//! Starting an evaluation run and the background job that evaluates it: the quality check, the
//! immutable input snapshot, the engine, and every result stored in one transaction.

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

/// A started run: its id and the job evaluating it (the web ignores the handle and polls the
/// run's progress; tests and the CLI await it).
#[derive(Debug)]
pub struct RunStarted {
    /// The run.
    pub id: i64,
    /// The background job.
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
        if let Some(prev) = form.previous_run_id {
            let mut c = self.store.read().await?;
            let p = runs::get(&mut c, prev)
                .await?
                .ok_or(AppError::NotFound("原评价批次"))?;
            let state = RunState::parse(&p.state).unwrap_or(RunState::Failed);
            if p.year != form.year {
                return Err(AppError::invalid(
                    "previous_run_id",
                    "重算批次必须与原批次同一年度",
                ));
            }
            if !state.rerunnable() {
                return Err(AppError::invalid(
                    "previous_run_id",
                    format!("原批次状态为“{}”，不能重算", state.label()),
                ));
            }
        }
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
        write(
            &mut tx,
            Who::Actor(actor),
            "run.start",
            ("evaluation_run", &id.to_string()),
            json!({"year": form.year, "method": resolved.reference, "method_hash": m.hash, "previous_run_id": form.previous_run_id}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        let app = self.clone();
        let actor = actor.clone();
        let method = resolved.method;
        let job = tokio::spawn(async move {
            if let Err(e) = app.evaluate_run(&actor, id, method).await {
                app.fail_run(&actor, id, &e.to_string()).await;
            }
        });
        Ok(RunStarted { id, job })
    }

    async fn evaluate_run(
        &self,
        actor: &Actor,
        id: i64,
        method: mujun_engine::Method,
    ) -> Result<(), AppError> {
        let run = {
            let mut c = self.store.read().await?;
            runs::get(&mut c, id)
                .await?
                .ok_or(AppError::NotFound("评价批次"))?
        };
        self.progress(id, 5, "读取采集数据").await?;
        let clock = std::time::Instant::now();
        let rows = snapshot::take(&self.store, id, run.year).await?;
        let snapshot_ms = clock.elapsed().as_millis();
        self.progress(id, 30, "评价计算").await?;
        let clock = std::time::Instant::now();
        let year = run.year;
        let (rows, results, pools, input_hash, ignored) = tokio::task::spawn_blocking(move || {
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
        .await
        .map_err(|e| AppError::invalid("job", format!("评价任务异常终止：{e}")))??;
        let engine_ms = clock.elapsed().as_millis();
        self.progress(id, 60, "保存结果").await?;
        let clock = std::time::Instant::now();
        let backend = self.store.backend();
        let mut tx = self.store.begin().await?;
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

    async fn fail_run(&self, actor: &Actor, id: i64, why: &str) {
        let result = async {
            let mut tx = self.store.begin().await?;
            runs::clear_results(&mut tx, id).await?;
            runs::fail(&mut tx, id, why).await?;
            write(
                &mut tx,
                Who::Actor(actor),
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

    /// Marks runs left `running` by a stopped server as failed (called at start-up).
    pub async fn recover_interrupted_runs(&self) -> Result<usize, AppError> {
        let mut c = self.store.read().await?;
        let stale = runs::list(&mut c, &["running"]).await?;
        drop(c);
        for r in &stale {
            let mut tx = self.store.begin().await?;
            runs::clear_results(&mut tx, r.id).await?;
            runs::fail(&mut tx, r.id, "服务重启，评价中断，请重新发起").await?;
            write(
                &mut tx,
                Who::Cli,
                "run.fail",
                ("evaluation_run", &r.id.to_string()),
                json!({"reason": "interrupted"}),
                "failed",
            )
            .await?;
            tx.commit().await.map_err(StoreError::from)?;
        }
        Ok(stale.len())
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
            if !Self::runs_evaluations(actor) && !state.visible_to_enterprises() {
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
