//! What a method change would do (issue 15, first part): a draft method evaluated on a run's
//! immutable snapshot beside the run's own method — class counts before and after, and every
//! enterprise whose class would change, in the engine's words. No run is touched; the
//! simulation is audited.

use mujun_engine::Method;
use mujun_engine::simulate::compare;
use mujun_store::StoreError;
use mujun_store::runs;
use serde_json::json;

use super::snapshot;
use crate::audit::{Who, write};
use crate::{Actor, App, AppError};

/// One enterprise whose class would change.
#[derive(Clone, Debug, PartialEq)]
pub struct ChangeLine {
    /// The enterprise.
    pub enterprise_id: i64,
    /// Name.
    pub name: String,
    /// Its evaluation pool (cluster name, or county code).
    pub cluster: String,
    /// Class under the run's method.
    pub from: String,
    /// Class under the draft.
    pub to: String,
    /// Total under the run's method.
    pub total_from: Option<f64>,
    /// Total under the draft.
    pub total_to: Option<f64>,
}

/// The result of a simulation.
#[derive(Clone, Debug, PartialEq)]
pub struct Simulation {
    /// The run.
    pub run_id: i64,
    /// The draft's name.
    pub method_name: String,
    /// `(class, before, after)`.
    pub counts: Vec<(String, usize, usize)>,
    /// The enterprises whose class would change.
    pub changes: Vec<ChangeLine>,
    /// Enterprises in the snapshot.
    pub enterprises: usize,
}

impl App {
    /// The run's own method file (the start of a draft).
    pub async fn run_method_source(&self, actor: &Actor, run_id: i64) -> Result<String, AppError> {
        Ok(self.simulated_run(actor, run_id).await?.method_source)
    }

    /// The run to simulate on, for the city administrator only.
    async fn simulated_run(&self, actor: &Actor, run_id: i64) -> Result<runs::Run, AppError> {
        if !Self::runs_evaluations(actor) {
            return Err(self
                .deny(
                    actor,
                    "run.simulate",
                    ("evaluation_run", &run_id.to_string()),
                    "只有市级评价管理员可以模拟方法调整",
                )
                .await);
        }
        let mut c = self.store.read().await?;
        runs::get(&mut c, run_id)
            .await?
            .ok_or(AppError::NotFound("评价批次"))
    }

    /// Evaluates `draft` (a method file) on run `run_id`'s snapshot beside the run's method.
    pub async fn simulate_run(
        &self,
        actor: &Actor,
        run_id: i64,
        draft: &str,
    ) -> Result<Simulation, AppError> {
        let run = self.simulated_run(actor, run_id).await?;
        let mut c = self.store.read().await?;
        let rows = runs::inputs(&mut c, run_id).await?;
        drop(c);
        if rows.is_empty() {
            return Err(AppError::invalid("run", "该批次尚无数据快照（未完成计算）"));
        }
        let before = Method::parse(&run.method_source)?;
        let after = Method::parse(draft).map_err(|e| AppError::invalid("method", e.to_string()))?;
        let name = after.name.clone();
        let year = run.year;
        let (comparison, rows) = self
            .cpu(move || {
                let input = snapshot::to_engine(year, &rows)?;
                let c = compare(&before, &after, &input, &[])?;
                Ok::<_, AppError>((c, rows))
            })
            .await??;
        let mut classes: Vec<String> = comparison
            .counts_before
            .keys()
            .chain(comparison.counts_after.keys())
            .cloned()
            .collect();
        classes.sort();
        classes.dedup();
        let counts = classes
            .into_iter()
            .map(|k| {
                let b = comparison.counts_before.get(&k).copied().unwrap_or(0);
                let a = comparison.counts_after.get(&k).copied().unwrap_or(0);
                (k, b, a)
            })
            .collect();
        let changes: Vec<ChangeLine> = comparison
            .changes
            .iter()
            .filter_map(|ch| {
                let r = rows.get(ch.row)?;
                Some(ChangeLine {
                    enterprise_id: r.enterprise_id,
                    name: r.name.clone(),
                    cluster: r.cluster.clone().unwrap_or_else(|| r.region_code.clone()),
                    from: ch.from.clone(),
                    to: ch.to.clone(),
                    total_from: ch.total_from,
                    total_to: ch.total_to,
                })
            })
            .collect();
        let mut tx = self.store.begin().await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "run.simulate",
            ("evaluation_run", &run_id.to_string()),
            json!({"method": name, "changes": changes.len(), "enterprises": rows.len()}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(Simulation {
            run_id,
            method_name: name,
            counts,
            enterprises: rows.len(),
            changes,
        })
    }
}
