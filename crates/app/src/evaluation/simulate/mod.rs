//! What a method change would do (issue 15): draft methods evaluated on a run's immutable
//! snapshot beside the run's own — class counts in all and per pool, totals per class, the
//! policy measures the classes would bring, and every enterprise whose class would change, in
//! the engine's words; up to three kept scenarios side by side, as a workbook too; the
//! sensitivity of the classes to each weight and quota. No run is touched; every simulation is
//! audited. Only the city's evaluation administrator simulates: the snapshot holds every
//! enterprise's tax.

pub mod demo;
mod export;
mod outcome;
pub mod scenarios;
pub mod sensitivity;

use std::sync::Arc;

use mujun_engine::Method;
use mujun_store::runs;
use serde_json::json;

use outcome::Snapshot;
pub use outcome::{Cell, ChangeLine, ClassLine, Column, PolicyEffect, PoolLine, Simulation};

use super::method_form::apply_form;
use super::policies::{active_measures, class_history};
use super::snapshot;
use crate::audit::{Who, write};
use crate::{Actor, App, AppError};

/// The most kept scenarios compared at once beside the run's own method.
pub const MAX_SIDE_BY_SIDE: usize = 3;

impl App {
    /// The run's own method file (the start of a draft).
    pub async fn run_method_source(&self, actor: &Actor, run_id: i64) -> Result<String, AppError> {
        Ok(self
            .simulated_run(actor, run_id, "run.simulate")
            .await?
            .method_source)
    }

    /// The run to simulate on, for the city administrator only (a refusal is audited as
    /// `action`).
    pub(crate) async fn simulated_run(
        &self,
        actor: &Actor,
        run_id: i64,
        action: &str,
    ) -> Result<runs::Run, AppError> {
        if !Self::runs_evaluations(actor) {
            return Err(self
                .deny(
                    actor,
                    action,
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

    /// The snapshot of a run with what the consequences need: its manual adjustments, the
    /// active measures and the classes of earlier years.
    /// A run's stored inputs and the engine's input made of them (kept for the last run
    /// simulated: the snapshot never changes).
    pub(super) async fn run_input(
        &self,
        run: &runs::Run,
    ) -> Result<
        (
            Arc<Vec<mujun_store::runs::RunInput>>,
            Arc<mujun_engine::EvaluationInput>,
        ),
        AppError,
    > {
        if let Some((_, _, rows, input)) = self.cache.snapshot(run.id, &run.input_hash) {
            return Ok((rows, input));
        }
        let rows = runs::inputs(self.store.read_typed().await?.conn(), run.id).await?;
        if rows.is_empty() {
            return Err(AppError::invalid("run", "该批次尚无数据快照（未完成计算）"));
        }
        let year = run.year;
        let (rows, input) = self
            .cpu(move || {
                let input = snapshot::to_engine(year, &rows)?;
                Ok::<_, AppError>((Arc::new(rows), Arc::new(input)))
            })
            .await??;
        self.cache
            .put_snapshot((run.id, run.input_hash.clone(), rows.clone(), input.clone()));
        Ok((rows, input))
    }

    /// The snapshot of a run with what the consequences need: its manual adjustments, the
    /// active measures and the classes of earlier years.
    async fn simulation_snapshot(&self, run: &runs::Run) -> Result<Snapshot, AppError> {
        let (rows, input) = self.run_input(run).await?;
        let mut c = self.store.read().await?;
        // Adjustments, measures and earlier classes may change while the run stands: read anew.
        let adjustments = runs::adjustments(&mut c, run.id).await?;
        let measures = active_measures(&mut c, None).await?;
        // Earlier years only: the simulated class stands for this year.
        let history = class_history(&mut c, run.year - 1).await?;
        Ok(Snapshot {
            run_id: run.id,
            year: run.year,
            rows,
            input,
            adjustments,
            measures,
            history,
        })
    }

    /// Evaluates the run's own method and `drafts` on its snapshot, audited as `run.simulate`.
    pub(crate) async fn simulate_columns(
        &self,
        actor: &Actor,
        run: &runs::Run,
        drafts: Vec<(Column, Method)>,
    ) -> Result<Simulation, AppError> {
        let own = Method::parse(&run.method_source)?;
        let mut columns = vec![(
            Column {
                label: "现行方法".to_owned(),
                method_name: own.name.clone(),
                scenario_id: None,
            },
            own,
        )];
        columns.extend(drafts);
        let snap = self.simulation_snapshot(run).await?;
        let sim = self.cpu(move || outcome::simulate(&snap, columns)).await??;
        let mut tx = self.store.begin().await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "run.simulate",
            ("evaluation_run", &run.id.to_string()),
            json!({
                "methods": sim.columns.iter().skip(1).map(|c| json!({"label": c.label, "method": c.method_name, "scenario": c.scenario_id})).collect::<Vec<_>>(),
                "changes": sim.changes.len(),
                "enterprises": sim.enterprises,
            }),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(mujun_store::StoreError::from)?;
        Ok(sim)
    }

    /// Evaluates `draft` (a method file) on run `run_id`'s snapshot beside the run's method.
    pub async fn simulate_run(
        &self,
        actor: &Actor,
        run_id: i64,
        draft: &str,
    ) -> Result<Simulation, AppError> {
        let run = self.simulated_run(actor, run_id, "run.simulate").await?;
        let after = Method::parse(draft).map_err(|e| AppError::invalid("method", e.to_string()))?;
        let column = Column {
            label: "修改后".to_owned(),
            method_name: after.name.clone(),
            scenario_id: None,
        };
        self.simulate_columns(actor, &run, vec![(column, after)]).await
    }

    /// The draft method file the structured form makes of `source` (weights, benchmarks, cap
    /// and floor, quota shares, bonus points), checked by the engine — for the city
    /// administrator only.
    pub async fn simulation_draft_from_form(
        &self,
        actor: &Actor,
        run_id: i64,
        source: &str,
        get: &(dyn Fn(&str) -> Option<String> + Sync),
    ) -> Result<String, AppError> {
        self.simulated_run(actor, run_id, "run.simulate").await?;
        apply_form(source, get).map_err(|errors| AppError::invalid("method", errors.join("；")))
    }
}
