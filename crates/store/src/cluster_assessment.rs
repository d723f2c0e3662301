//! The cluster assessment's data: per-cluster sums of the enterprises' figures, the items the
//! departments supply (history kept: the newest row is current), assessment runs with a result
//! per cluster, and plan targets.

use sqlx::{AnyConnection, AssertSqlSafe};

use crate::{StoreError, now_ms};

/// One cluster's sums of a year.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct SumRow {
    /// The cluster.
    pub cluster_id: i64,
    /// Enterprises with figures.
    pub enterprises: i64,
    /// Of them 规上.
    pub above: i64,
    /// Of them A or B.
    pub class_ab: i64,
    /// Σ 用地面积 of those with land and tax.
    pub land_mu: f64,
    /// Σ 实缴税收 of the same.
    pub tax: f64,
    /// Σ 主营业务收入.
    pub revenue: f64,
    /// Σ 工业增加值 of 规上.
    pub value_added_above: f64,
    /// Σ 综合能耗 of 规上 with value added.
    pub energy_above: f64,
    /// Σ 工业增加值 of the same.
    pub value_added_energy: f64,
}

/// Per cluster: the year's current figures of its enterprises, summed.
pub async fn sums(conn: &mut AnyConnection, year: i64) -> Result<Vec<SumRow>, StoreError> {
    let with_energy = "y.scale = 'above' AND p.energy IS NOT NULL AND p.va IS NOT NULL";
    let sql = format!(
        "SELECT e.cluster_id AS cluster_id, CAST(COUNT(*) AS BIGINT) AS enterprises, \
         CAST(SUM(CASE WHEN y.scale = 'above' THEN 1 ELSE 0 END) AS BIGINT) AS above, \
         CAST(SUM(CASE WHEN c.class IN ('A', 'B') THEN 1 ELSE 0 END) AS BIGINT) AS class_ab, \
         CAST(COALESCE(SUM(CASE WHEN p.land > 0 AND p.tax IS NOT NULL THEN p.land END), 0) AS DOUBLE PRECISION) AS land_mu, \
         CAST(COALESCE(SUM(CASE WHEN p.land > 0 AND p.tax IS NOT NULL THEN p.tax END), 0) AS DOUBLE PRECISION) AS tax, \
         CAST(COALESCE(SUM(p.revenue), 0) AS DOUBLE PRECISION) AS revenue, \
         CAST(COALESCE(SUM(CASE WHEN y.scale = 'above' THEN p.va END), 0) AS DOUBLE PRECISION) AS value_added_above, \
         CAST(COALESCE(SUM(CASE WHEN {with_energy} THEN p.energy END), 0) AS DOUBLE PRECISION) AS energy_above, \
         CAST(COALESCE(SUM(CASE WHEN {with_energy} THEN p.va END), 0) AS DOUBLE PRECISION) AS value_added_energy \
         FROM (SELECT f.enterprise_id, \
               SUM(CASE WHEN f.field = 'land_area_mu' THEN f.value END) AS land, \
               SUM(CASE WHEN f.field = 'tax_paid' THEN f.value END) AS tax, \
               SUM(CASE WHEN f.field = 'main_revenue' THEN f.value END) AS revenue, \
               SUM(CASE WHEN f.field = 'energy_tce' THEN f.value END) AS energy, \
               SUM(CASE WHEN f.field = 'value_added' THEN f.value END) AS va \
               FROM figures f WHERE f.year = $1 AND f.superseded_at IS NULL \
               AND f.field IN ('land_area_mu', 'tax_paid', 'main_revenue', 'energy_tce', 'value_added') \
               GROUP BY f.enterprise_id) p \
         JOIN enterprises e ON e.id = p.enterprise_id \
         LEFT JOIN enterprise_years y ON y.enterprise_id = e.id AND y.year = $2 \
         LEFT JOIN enterprise_classes c ON c.enterprise_id = e.id AND c.year = $3 \
         WHERE e.cluster_id IS NOT NULL GROUP BY e.cluster_id ORDER BY e.cluster_id"
    );
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(year)
        .bind(year)
        .bind(year)
        .fetch_all(conn)
        .await?)
}

/// A supplied item.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct DataRow {
    /// Id.
    pub id: i64,
    /// The cluster (none: the whole city).
    pub cluster_id: Option<i64>,
    /// Year.
    pub year: i64,
    /// Item id.
    pub item: String,
    /// Value.
    pub value: f64,
    /// Source or remark.
    pub note: String,
    /// 1 while current.
    pub current: i64,
    /// Who (display name).
    pub by_name: Option<String>,
    /// When (ms).
    pub created_at: i64,
}

const DATA_SELECT: &str = "SELECT d.id, d.cluster_id, d.year, d.item, d.value, d.note, d.current, u.display_name AS by_name, d.created_at \
     FROM cluster_data d LEFT JOIN users u ON u.id = d.created_by";

/// The current items of `year`.
pub async fn data(conn: &mut AnyConnection, year: i64) -> Result<Vec<DataRow>, StoreError> {
    Ok(sqlx::query_as(AssertSqlSafe(format!(
        "{DATA_SELECT} WHERE d.year = $1 AND d.current = 1 ORDER BY d.cluster_id, d.item"
    )))
    .bind(year)
    .fetch_all(conn)
    .await?)
}

/// Every row of `year` ever entered, newest first (the history).
pub async fn data_history(conn: &mut AnyConnection, year: i64) -> Result<Vec<DataRow>, StoreError> {
    Ok(sqlx::query_as(AssertSqlSafe(format!(
        "{DATA_SELECT} WHERE d.year = $1 ORDER BY d.id DESC"
    )))
    .bind(year)
    .fetch_all(conn)
    .await?)
}

/// Records an item's value, superseding the current one.
pub async fn set_data(
    conn: &mut AnyConnection,
    cluster: Option<i64>,
    year: i64,
    item: &str,
    value: f64,
    note: &str,
    user: Option<i64>,
) -> Result<(), StoreError> {
    match cluster {
        Some(c) => {
            sqlx::query("UPDATE cluster_data SET current = 0 WHERE cluster_id = $1 AND year = $2 AND item = $3 AND current = 1")
                .bind(c)
                .bind(year)
                .bind(item)
                .execute(&mut *conn)
                .await?
        }
        None => {
            sqlx::query("UPDATE cluster_data SET current = 0 WHERE cluster_id IS NULL AND year = $1 AND item = $2 AND current = 1")
                .bind(year)
                .bind(item)
                .execute(&mut *conn)
                .await?
        }
    };
    sqlx::query(
        "INSERT INTO cluster_data (cluster_id, year, item, value, note, current, created_by, created_at) VALUES ($1, $2, $3, $4, $5, 1, $6, $7)",
    )
    .bind(cluster)
    .bind(year)
    .bind(item)
    .bind(value)
    .bind(note)
    .bind(user)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

/// An assessment run.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Assessment {
    /// Id.
    pub id: i64,
    /// Year assessed.
    pub year: i64,
    /// Title.
    pub title: String,
    /// The method's name.
    pub method_name: String,
    /// The method's text.
    pub method: String,
    /// `draft`, `approved`, `published`, `withdrawn`.
    pub state: String,
    /// Created (ms).
    pub created_at: i64,
    /// Approved by (display name).
    pub approved_by_name: Option<String>,
    /// Published (ms).
    pub published_at: Option<i64>,
    /// Version.
    pub version: i64,
}

const ASSESSMENT_SELECT: &str = "SELECT a.id, a.year, a.title, a.method_name, a.method, a.state, a.created_at, \
     u.display_name AS approved_by_name, a.published_at, a.version \
     FROM cluster_assessments a LEFT JOIN users u ON u.id = a.approved_by";

/// One cluster's stored result.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ResultRow {
    /// The cluster.
    pub cluster_id: i64,
    /// Order (rank, then name).
    pub position: i64,
    /// Rank.
    pub rank: i64,
    /// Total.
    pub total: f64,
    /// Star.
    pub star: i64,
    /// Star name.
    pub star_name: String,
    /// Move id (`new`, `same`, `up`, `up_first`, `down`).
    pub movement: String,
    /// JSON: points, gaps, measures, values.
    pub detail: String,
}

/// An assessment to record, with its results.
#[derive(Clone, Debug, PartialEq)]
pub struct NewAssessment<'a> {
    /// Year.
    pub year: i64,
    /// Title.
    pub title: &'a str,
    /// Method name.
    pub method_name: &'a str,
    /// Method text.
    pub method: &'a str,
}

/// Records an assessment (draft) with its results; returns its id.
pub async fn insert(
    conn: &mut AnyConnection,
    a: &NewAssessment<'_>,
    results: &[ResultRow],
    user: Option<i64>,
) -> Result<i64, StoreError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO cluster_assessments (year, title, method_name, method, state, created_by, created_at) \
         VALUES ($1, $2, $3, $4, 'draft', $5, $6) RETURNING id",
    )
    .bind(a.year)
    .bind(a.title)
    .bind(a.method_name)
    .bind(a.method)
    .bind(user)
    .bind(now_ms())
    .fetch_one(&mut *conn)
    .await?;
    for r in results {
        sqlx::query(
            "INSERT INTO cluster_assessment_results (assessment_id, cluster_id, position, rank, total, star, star_name, movement, detail) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(r.cluster_id)
        .bind(r.position)
        .bind(r.rank)
        .bind(r.total)
        .bind(r.star)
        .bind(&r.star_name)
        .bind(&r.movement)
        .bind(&r.detail)
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

/// Every assessment, newest first.
pub async fn list(conn: &mut AnyConnection) -> Result<Vec<Assessment>, StoreError> {
    Ok(sqlx::query_as(AssertSqlSafe(format!(
        "{ASSESSMENT_SELECT} ORDER BY a.year DESC, a.id DESC"
    )))
    .fetch_all(conn)
    .await?)
}

/// One assessment.
pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<Assessment>, StoreError> {
    Ok(
        sqlx::query_as(AssertSqlSafe(format!("{ASSESSMENT_SELECT} WHERE a.id = $1")))
            .bind(id)
            .fetch_optional(conn)
            .await?,
    )
}

/// An assessment's results in order.
pub async fn results(conn: &mut AnyConnection, id: i64) -> Result<Vec<ResultRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT cluster_id, position, rank, total, star, star_name, movement, detail FROM cluster_assessment_results \
         WHERE assessment_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(conn)
    .await?)
}

/// Moves an assessment read at `version` from `from` to `to`, recording who approved or when it
/// was published.
pub async fn transition(
    conn: &mut AnyConnection,
    id: i64,
    version: i64,
    from: &str,
    to: &str,
    user: i64,
) -> Result<(), StoreError> {
    // Approving records who and when; publishing when, and never by the approver.
    let q = match to {
        "approved" => sqlx::query(
            "UPDATE cluster_assessments SET state = $1, approved_by = $2, approved_at = $3, version = version + 1 \
             WHERE id = $4 AND version = $5 AND state = $6",
        )
        .bind(to)
        .bind(user)
        .bind(now_ms()),
        "published" => sqlx::query(
            "UPDATE cluster_assessments SET state = $1, published_at = $3, version = version + 1 \
             WHERE id = $4 AND version = $5 AND state = $6 AND approved_by IS NOT NULL AND approved_by <> $2",
        )
        .bind(to)
        .bind(user)
        .bind(now_ms()),
        _ => sqlx::query(
            "UPDATE cluster_assessments SET state = $1, version = version + 1 WHERE id = $2 AND version = $3 AND state = $4",
        )
        .bind(to),
    };
    let changed = q.bind(id).bind(version).bind(from).execute(conn).await?;
    if changed.rows_affected() == 0 {
        return Err(StoreError::Conflict("集聚区考核评价"));
    }
    Ok(())
}

/// The stars of published assessments before `year`: `(cluster, year, star)`, newest first.
pub async fn published_stars(
    conn: &mut AnyConnection,
    before_year: i64,
) -> Result<Vec<(i64, i64, i64)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT r.cluster_id, a.year, r.star FROM cluster_assessment_results r \
         JOIN cluster_assessments a ON a.id = r.assessment_id \
         WHERE a.state = 'published' AND a.year < $1 ORDER BY a.year DESC, a.id DESC",
    )
    .bind(before_year)
    .fetch_all(conn)
    .await?)
}

/// A plan target.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Target {
    /// Id.
    pub id: i64,
    /// `province`, `city`, `cluster`.
    pub level: String,
    /// The cluster of a cluster target.
    pub cluster_id: Option<i64>,
    /// The document setting it.
    pub document: String,
    /// Indicator id (a cluster indicator, or a count such as `clusters_100yi`).
    pub indicator: String,
    /// Base year.
    pub base_year: Option<i64>,
    /// Target year.
    pub target_year: i64,
    /// Target value.
    pub value: f64,
    /// Remark (how to read it).
    pub note: String,
}

/// A target to record.
#[derive(Clone, Debug, PartialEq)]
pub struct NewTarget<'a> {
    /// Level.
    pub level: &'a str,
    /// Cluster.
    pub cluster_id: Option<i64>,
    /// Document.
    pub document: &'a str,
    /// Indicator id.
    pub indicator: &'a str,
    /// Base year.
    pub base_year: Option<i64>,
    /// Target year.
    pub target_year: i64,
    /// Value.
    pub value: f64,
    /// Remark.
    pub note: &'a str,
}

/// Records a target.
pub async fn insert_target(conn: &mut AnyConnection, t: &NewTarget<'_>) -> Result<i64, StoreError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO plan_targets (level, cluster_id, document, indicator, base_year, target_year, value, note, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(t.level)
    .bind(t.cluster_id)
    .bind(t.document)
    .bind(t.indicator)
    .bind(t.base_year)
    .bind(t.target_year)
    .bind(t.value)
    .bind(t.note)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Every target, by level, document and indicator.
pub async fn targets(conn: &mut AnyConnection) -> Result<Vec<Target>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, level, cluster_id, document, indicator, base_year, target_year, value, note FROM plan_targets \
         ORDER BY CASE level WHEN 'province' THEN 0 WHEN 'city' THEN 1 ELSE 2 END, cluster_id, document, indicator, id",
    )
    .fetch_all(conn)
    .await?)
}
