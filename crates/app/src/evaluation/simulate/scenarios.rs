//! Named scenarios (issue 15): a draft method kept beside the run it was simulated on, to
//! reopen it, compare up to three side by side and export them. A scenario is never changed;
//! removing one hides it and writes its method file to the audit trail.

use mujun_engine::Method;
use mujun_store::{StoreError, scenarios};
use serde_json::json;

use super::{Column, MAX_SIDE_BY_SIDE, Simulation};
use crate::audit::{Who, write};
use crate::{Actor, App, AppError};

/// A kept scenario as the pages list it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioView {
    /// Id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// The method's own name.
    pub method_name: String,
    /// Who kept it.
    pub created_by: String,
    /// When (Beijing time).
    pub created_at: String,
}

fn view(s: &scenarios::Scenario) -> ScenarioView {
    ScenarioView {
        id: s.id,
        name: s.name.clone(),
        method_name: s.method_name.clone(),
        created_by: s.created_by_name.clone().unwrap_or_default(),
        created_at: crate::clock::beijing(s.created_at),
    }
}

const NAME_MAX: usize = 60;

impl App {
    /// The scenarios kept for a run.
    pub async fn scenarios(&self, actor: &Actor, run_id: i64) -> Result<Vec<ScenarioView>, AppError> {
        self.simulated_run(actor, run_id, "scenario.list").await?;
        let mut c = self.store.read().await?;
        Ok(scenarios::list(&mut c, run_id).await?.iter().map(view).collect())
    }

    /// Keeps `source` as scenario `name` of the run; the method must be valid and the name new.
    pub async fn save_scenario(
        &self,
        actor: &Actor,
        run_id: i64,
        name: &str,
        source: &str,
    ) -> Result<i64, AppError> {
        self.simulated_run(actor, run_id, "scenario.create").await?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > NAME_MAX {
            return Err(AppError::invalid(
                "name",
                format!("方案名称须填写，且不超过 {NAME_MAX} 个字"),
            ));
        }
        let method = Method::parse(source).map_err(|e| AppError::invalid("method", e.to_string()))?;
        let mut tx = self.store.begin().await?;
        let id = scenarios::insert(&mut tx, run_id, name, &method.name, source, Some(actor.user_id))
            .await
            .map_err(|e| match e {
                StoreError::Duplicate(what) => {
                    AppError::invalid("name", format!("{what}“{name}”已存在，请换一个名称"))
                }
                e => e.into(),
            })?;
        write(
            &mut tx,
            Who::Actor(actor),
            "scenario.create",
            ("simulation_scenario", &id.to_string()),
            json!({"run": run_id, "name": name, "method": method.name, "hash": method.hash}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(id)
    }

    /// A kept scenario of the run with its method file.
    pub(super) async fn scenario_of(&self, run_id: i64, id: i64) -> Result<scenarios::Scenario, AppError> {
        let mut c = self.store.read().await?;
        scenarios::get(&mut c, id)
            .await?
            .filter(|s| s.run_id == run_id)
            .ok_or(AppError::NotFound("模拟方案"))
    }

    /// Reopens a scenario: its method file and its simulation against the run's method.
    pub async fn open_scenario(
        &self,
        actor: &Actor,
        run_id: i64,
        id: i64,
    ) -> Result<(ScenarioView, String, Simulation), AppError> {
        let run = self.simulated_run(actor, run_id, "run.simulate").await?;
        let s = self.scenario_of(run_id, id).await?;
        let method = Method::parse(&s.method_source)?;
        let column = Column {
            label: s.name.clone(),
            method_name: s.method_name.clone(),
            scenario_id: Some(s.id),
        };
        let sim = self.simulate_columns(actor, &run, vec![(column, method)]).await?;
        Ok((view(&s), s.method_source, sim))
    }

    /// Up to [`MAX_SIDE_BY_SIDE`] kept scenarios side by side with the run's method.
    pub async fn compare_scenarios(
        &self,
        actor: &Actor,
        run_id: i64,
        ids: &[i64],
    ) -> Result<Simulation, AppError> {
        let run = self.simulated_run(actor, run_id, "run.simulate").await?;
        let mut unique: Vec<i64> = Vec::new();
        for id in ids {
            if !unique.contains(id) {
                unique.push(*id);
            }
        }
        if unique.is_empty() || unique.len() > MAX_SIDE_BY_SIDE {
            return Err(AppError::invalid(
                "scenarios",
                format!("请选择 1 至 {MAX_SIDE_BY_SIDE} 个方案进行对比"),
            ));
        }
        let mut drafts = Vec::with_capacity(unique.len());
        for id in unique {
            let s = self.scenario_of(run_id, id).await?;
            let method = Method::parse(&s.method_source)?;
            drafts.push((
                Column {
                    label: s.name,
                    method_name: s.method_name,
                    scenario_id: Some(s.id),
                },
                method,
            ));
        }
        self.simulate_columns(actor, &run, drafts).await
    }

    /// Hides a scenario; its method file goes to the audit trail, so nothing is lost.
    pub async fn remove_scenario(&self, actor: &Actor, run_id: i64, id: i64) -> Result<(), AppError> {
        self.simulated_run(actor, run_id, "scenario.remove").await?;
        let s = self.scenario_of(run_id, id).await?;
        let mut tx = self.store.begin().await?;
        if !scenarios::remove(&mut tx, id).await? {
            return Err(AppError::NotFound("模拟方案"));
        }
        write(
            &mut tx,
            Who::Actor(actor),
            "scenario.remove",
            ("simulation_scenario", &id.to_string()),
            json!({"run": run_id, "name": s.name, "method_source": s.method_source}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }
}
