//! Demo data of the cluster assessment: the data departments supply for every cluster and year
//! (synthesised from the cluster's own enterprises, so that shares stay below their wholes),
//! the plan's targets, and — once the figures are committed — a published assessment of the
//! year before the latest and a draft of the latest.

use mujun_cluster::method::{EXAMPLE, Method};
use mujun_store::cluster_assessment;

use crate::{Actor, App, AppError};

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
    /// (approved by the leader) and a draft of the latest.
    pub(crate) async fn seed_cluster_assessments(&self) -> Result<(), AppError> {
        let mut c = self.store.read().await?;
        let years = mujun_store::enterprises::years(&mut c).await?;
        drop(c);
        let method = Method::parse(EXAMPLE).map_err(|e| AppError::Internal(e.to_string()))?;
        let actor = |name: &str| {
            let name = name.to_owned();
            async move {
                let mut c = self.store.read().await?;
                let u = mujun_store::users::get_by_username(&mut c, &name).await?;
                Ok::<_, AppError>(u.and_then(|u| Actor::from_user(&u, "127.0.0.1")))
            }
        };
        let (Some(city), Some(leader)) = (actor("city").await?, actor("leader").await?) else {
            return Ok(());
        };
        if let Some(before) = years.get(1) {
            let id = self
                .run_assessment_with(&city, *before, "", &method, EXAMPLE, &[])
                .await?;
            self.decide_cluster_assessment(&leader, id, 1, "approve").await?;
            self.decide_cluster_assessment(&city, id, 2, "publish").await?;
        }
        if let Some(latest) = years.first() {
            let mut c = self.store.read().await?;
            let stars = cluster_assessment::published_stars(&mut c, *latest).await?;
            drop(c);
            self.run_assessment_with(&city, *latest, "", &method, EXAMPLE, &stars)
                .await?;
        }
        Ok(())
    }
}
