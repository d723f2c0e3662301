//! Demo data of the cluster assessment: the data departments supply for every cluster and year
//! (synthesised from the cluster's own enterprises, so that shares stay below their wholes),
//! the plan's targets, and — once the figures are committed — a published assessment of the
//! year before the latest and a draft of the latest.

use mujun_cluster::method::{EXAMPLE, Method};
use mujun_store::cluster_assessment;

use serde_json::json;

use crate::audit::{Who, write};
use crate::{App, AppError};

/// Inside the seed's transaction: supplied data and targets.
pub(crate) async fn seed_data(conn: &mut sqlx::AnyConnection, years: &[i64]) -> Result<(), AppError> {
    let statistics = mujun_store::users::get_by_username(conn, "stats")
        .await?
        .map(|u| u.id);
    for (k, year) in years.iter().enumerate() {
        let index = [101.2, 99.6, 100.8, 102.1][k % 4];
        cluster_assessment::set_data(
            conn,
            None,
            *year,
            "price_index",
            index,
            "市统计局 工业生产者出厂价格指数",
            statistics,
        )
        .await?;
        for (n, r) in cluster_assessment::sums(conn, *year).await?.iter().enumerate() {
            let above = r.above as f64;
            // Retrofit spreads over the years; the share differs by cluster.
            let share = (0.25 + 0.05 * (n % 7) as f64 + 0.08 * k as f64).min(0.9);
            let large = (above * 0.3).round();
            let items = [
                ("retrofitted_above", (above * share).floor()),
                (
                    "retrofitted_ab",
                    (r.class_ab as f64 * (share + 0.1).min(1.0)).floor(),
                ),
                ("large_medium", large),
                (
                    "large_medium_rd",
                    (large * (0.55 + 0.04 * (n % 6) as f64)).floor(),
                ),
                ("platforms", (3.0 + (n % 5) as f64 * 2.0 + k as f64)),
                ("tech_investment", r.revenue * (0.010 + 0.002 * (n % 4) as f64)),
                ("industrial_investment", r.revenue * 0.05),
                (
                    "green_factories",
                    ((n % 3) as f64 + if k > 0 { 1.0 } else { 0.0 }).min(3.0),
                ),
            ];
            for (item, value) in items {
                cluster_assessment::set_data(conn, Some(r.cluster_id), *year, item, value, "演示数据", None)
                    .await?;
            }
        }
    }
    super::targets::preload(conn).await?;
    Ok(())
}

impl App {
    /// After the seed is committed: a published assessment of the year before the latest
    /// (approved by the leader, published by the city) and a draft of the latest — recorded as
    /// the demo's seeding, not as those accounts' actions.
    pub(crate) async fn seed_cluster_assessments(&self) -> Result<(), AppError> {
        let mut c = self.store.read().await?;
        let years = mujun_store::enterprises::years(&mut c).await?;
        let city = mujun_store::users::get_by_username(&mut c, "city")
            .await?
            .map(|u| u.id);
        let leader = mujun_store::users::get_by_username(&mut c, "leader")
            .await?
            .map(|u| u.id);
        drop(c);
        let (Some(city), Some(leader)) = (city, leader) else {
            return Ok(());
        };
        let method = Method::parse(EXAMPLE).map_err(|e| AppError::Internal(e.to_string()))?;
        if let Some(before) = years.get(1) {
            let id = self
                .run_assessment_with(Who::Cli, Some(city), *before, "", &method, EXAMPLE, &[])
                .await?;
            let mut tx = self.store.begin().await?;
            cluster_assessment::transition(&mut tx, id, 1, "draft", "approved", leader).await?;
            cluster_assessment::transition(&mut tx, id, 2, "approved", "published", city).await?;
            write(
                &mut tx,
                Who::Cli,
                "clusters.publish",
                ("cluster_assessment", &id.to_string()),
                json!({"year": before, "demo": true}),
                "ok",
            )
            .await?;
            tx.commit().await.map_err(mujun_store::StoreError::from)?;
        }
        if let Some(latest) = years.first() {
            let mut c = self.store.read().await?;
            let stars = cluster_assessment::published_stars(&mut c, *latest).await?;
            drop(c);
            self.run_assessment_with(Who::Cli, Some(city), *latest, "", &method, EXAMPLE, &stars)
                .await?;
        }
        Ok(())
    }
}
