//! 产业集聚区: clusters are data — created, renamed, merged, demoted over time, each change kept
//! as an event.

use sqlx::AnyConnection;

use crate::{StoreError, now_ms};

/// A cluster.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Cluster {
    /// Id.
    pub id: i64,
    /// Name (unique).
    pub name: String,
    /// County it lies in.
    pub region_code: String,
    /// 星级 (1–5), if rated.
    pub star_level: Option<i64>,
    /// 主导产业, free text.
    pub leading_industries: String,
    /// 规划面积 (亩).
    pub planned_area_mu: Option<f64>,
    /// `active`, `merged`, `demoted` or `closed`.
    pub status: String,
    /// The cluster it was merged into.
    pub merged_into: Option<i64>,
    /// Created (ms).
    pub created_at: i64,
    /// Last change (ms).
    pub updated_at: i64,
    /// Optimistic-lock version.
    pub version: i64,
}

/// The editable fields of a cluster.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterFields {
    /// Name.
    pub name: String,
    /// County code.
    pub region_code: String,
    /// 星级.
    pub star_level: Option<i64>,
    /// 主导产业.
    pub leading_industries: String,
    /// 规划面积 (亩).
    pub planned_area_mu: Option<f64>,
    /// Status.
    pub status: String,
    /// Merged into.
    pub merged_into: Option<i64>,
}

/// A recorded change of a cluster.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ClusterEvent {
    /// Id.
    pub id: i64,
    /// The cluster.
    pub cluster_id: i64,
    /// When (ms).
    pub at: i64,
    /// Who.
    pub user_id: Option<i64>,
    /// `created`, `renamed`, `merged`, `demoted`, `star_changed`, `updated`.
    pub kind: String,
    /// Human-readable detail (Chinese).
    pub detail: String,
}

macro_rules! columns {
    () => {
        "id, name, region_code, star_level, leading_industries, planned_area_mu, status, merged_into, created_at, updated_at, version"
    };
}

/// Inserts a cluster and its `created` event.
pub async fn insert(
    conn: &mut AnyConnection,
    f: &ClusterFields,
    user_id: Option<i64>,
) -> Result<i64, StoreError> {
    let now = now_ms();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO clusters (name, region_code, star_level, leading_industries, planned_area_mu, status, merged_into, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, CAST($5 AS DOUBLE PRECISION), $6, $7, $8, $8) RETURNING id",
    )
    .bind(&f.name)
    .bind(&f.region_code)
    .bind(f.star_level)
    .bind(&f.leading_industries)
    .bind(crate::opt_f64(f.planned_area_mu))
    .bind(&f.status)
    .bind(f.merged_into)
    .bind(now)
    .fetch_one(&mut *conn)
    .await
    .map_err(StoreError::unique("集聚区名称"))?;
    add_event(conn, id, user_id, "created", &format!("设立：{}", f.name)).await?;
    Ok(id)
}

/// Records an event.
pub async fn add_event(
    conn: &mut AnyConnection,
    cluster_id: i64,
    user_id: Option<i64>,
    kind: &str,
    detail: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO cluster_events (cluster_id, at, user_id, kind, detail) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(cluster_id)
    .bind(now_ms())
    .bind(user_id)
    .bind(kind)
    .bind(detail)
    .execute(conn)
    .await?;
    Ok(())
}

/// The Chinese label of a status id (the event texts are read by people).
fn status_label(status: &str) -> &str {
    match status {
        "active" => "正常",
        "merged" => "已合并",
        "demoted" => "已降级",
        "closed" => "已撤销",
        other => other,
    }
}

/// Updates a cluster if it is still at `version`; records what changed as events.
pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    version: i64,
    f: &ClusterFields,
    user_id: Option<i64>,
) -> Result<(), StoreError> {
    let before = get(&mut *conn, id).await?.ok_or(StoreError::NotFound("集聚区"))?;
    let done = sqlx::query(
        "UPDATE clusters SET name = $1, region_code = $2, star_level = $3, leading_industries = $4, planned_area_mu = CAST($5 AS DOUBLE PRECISION), \
         status = $6, merged_into = $7, updated_at = $8, version = version + 1 WHERE id = $9 AND version = $10",
    )
    .bind(&f.name)
    .bind(&f.region_code)
    .bind(f.star_level)
    .bind(&f.leading_industries)
    .bind(crate::opt_f64(f.planned_area_mu))
    .bind(&f.status)
    .bind(f.merged_into)
    .bind(now_ms())
    .bind(id)
    .bind(version)
    .execute(&mut *conn)
    .await
    .map_err(StoreError::unique("集聚区名称"))?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict("集聚区"));
    }
    if before.name != f.name {
        add_event(
            conn,
            id,
            user_id,
            "renamed",
            &format!("更名：{} → {}", before.name, f.name),
        )
        .await?;
    }
    if before.star_level != f.star_level {
        let star = |s: Option<i64>| s.map_or("未评".to_owned(), |s| format!("{s} 星"));
        add_event(
            conn,
            id,
            user_id,
            "star_changed",
            &format!("星级：{} → {}", star(before.star_level), star(f.star_level)),
        )
        .await?;
    }
    if before.status != f.status {
        let kind = match f.status.as_str() {
            "merged" => "merged",
            "demoted" => "demoted",
            _ => "status_changed",
        };
        add_event(
            conn,
            id,
            user_id,
            kind,
            &format!(
                "状态：{} → {}",
                status_label(&before.status),
                status_label(&f.status)
            ),
        )
        .await?;
    }
    if before.leading_industries != f.leading_industries
        || before.planned_area_mu != f.planned_area_mu
        || before.region_code != f.region_code
        || before.merged_into != f.merged_into
    {
        add_event(
            conn,
            id,
            user_id,
            "updated",
            "修改主导产业、规划面积、所在县区或合并去向",
        )
        .await?;
    }
    Ok(())
}

/// One cluster.
pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<Cluster>, StoreError> {
    Ok(
        sqlx::query_as(concat!("SELECT ", columns!(), " FROM clusters WHERE id = $1"))
            .bind(id)
            .fetch_optional(conn)
            .await?,
    )
}

/// One cluster by name.
pub async fn get_by_name(conn: &mut AnyConnection, name: &str) -> Result<Option<Cluster>, StoreError> {
    Ok(
        sqlx::query_as(concat!("SELECT ", columns!(), " FROM clusters WHERE name = $1"))
            .bind(name)
            .fetch_optional(conn)
            .await?,
    )
}

/// Clusters, optionally only those of one county, by name.
pub async fn list(conn: &mut AnyConnection, region_code: Option<&str>) -> Result<Vec<Cluster>, StoreError> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM clusters WHERE ($1 IS NULL OR region_code = $1) ORDER BY region_code, name"
    ))
    .bind(region_code)
    .fetch_all(conn)
    .await?)
}

/// The events of a cluster, newest first.
pub async fn events(conn: &mut AnyConnection, cluster_id: i64) -> Result<Vec<ClusterEvent>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, cluster_id, at, user_id, kind, detail FROM cluster_events WHERE cluster_id = $1 ORDER BY at DESC, id DESC",
    )
    .bind(cluster_id)
    .fetch_all(conn)
    .await?)
}

/// Number of enterprises per cluster.
pub async fn enterprise_counts(conn: &mut AnyConnection) -> Result<Vec<(i64, i64)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT cluster_id, COUNT(*) FROM enterprises WHERE cluster_id IS NOT NULL GROUP BY cluster_id",
    )
    .fetch_all(conn)
    .await?)
}
