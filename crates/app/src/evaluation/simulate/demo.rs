//! The what-if in the demo (`serve --demo`): a computed draft run of the newest year the demo's
//! figures allow, and a kept scenario on it that moves 10 points from 亩均利润 to 亩均税收 — so a
//! visitor opens 模拟方法调整 and sees a comparison without typing a method.

use super::super::runs::StartRun;
use crate::{App, AppError};

/// The demo scenario's name.
pub const DEMO_SCENARIO: &str = "亩均税收权重提高 10 分（演示）";

impl App {
    /// Computes the demo run as the city's evaluation administrator and keeps the scenario;
    /// `(run, year)`, or `None` when no year of the demo can be run.
    pub async fn seed_demo_what_if(&self) -> Result<Option<(i64, i64)>, AppError> {
        let city = self.cli_actor("city").await?;
        let mut c = self.store.read().await?;
        let years = mujun_store::enterprises::years(&mut c).await?;
        drop(c);
        for year in years {
            let form = StartRun {
                year,
                method: "preset:henan-2019".into(),
                title: "演示评价批次".into(),
                ..Default::default()
            };
            // A year the run refuses (e.g. figures still being collected) is skipped.
            let Ok(started) = self.start_run(&city, &form).await else {
                continue;
            };
            started
                .job
                .await
                .map_err(|e| AppError::Internal(format!("演示评价批次计算异常终止：{e}")))?;
            let own = self.run_method_source(&city, started.id).await?;
            let draft = own.replacen("weight = 35.0", "weight = 45.0", 1).replacen(
                "weight = 15.0",
                "weight = 5.0",
                1,
            );
            self.save_scenario(&city, started.id, DEMO_SCENARIO, &draft)
                .await?;
            return Ok(Some((started.id, year)));
        }
        Ok(None)
    }
}
