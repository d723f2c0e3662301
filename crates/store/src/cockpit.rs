//! Aggregates of a role's cockpit (issue 12): per county, a year's land, tax, energy and value
//! added summed over the enterprises with land; the enterprises whose class fell from the year
//! before. Both within the caller's scope.

use sqlx::{AnyConnection, AssertSqlSafe};

use crate::enterprises::{ScopeValue, scope_sql};
use crate::{Scope, StoreError};

/// One county's totals of a year.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct RegionTotals {
    /// County code.
    pub region_code: String,
    /// Enterprises with land.
    pub enterprises: i64,
    /// 用地面积 (亩).
    pub land: f64,
    /// 实缴税收 (万元).
    pub tax: f64,
    /// 综合能耗 (吨标准煤) of those reporting both energy and value added.
    pub energy: f64,
    /// 工业增加值 (万元) of those reporting both energy and value added.
    pub value_added: f64,
}

fn bind_scope<'q, O>(
    q: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments>,
    value: Option<ScopeValue>,
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments> {
    match value {
        Some(ScopeValue::Text(t)) => q.bind(t),
        Some(ScopeValue::Int(i)) => q.bind(i),
        None => q,
    }
}

/// Per county: the year's current figures of the enterprises with land, summed.
pub async fn region_totals(
    conn: &mut AnyConnection,
    scope: &Scope,
    year: i64,
) -> Result<Vec<RegionTotals>, StoreError> {
    // One row per enterprise (its four figures side by side), then per county.
    let mut sql = String::from(
        "SELECT e.region_code AS region_code, \
         COUNT(*) AS enterprises, \
         CAST(COALESCE(SUM(p.land), 0) AS DOUBLE PRECISION) AS land, \
         CAST(COALESCE(SUM(p.tax), 0) AS DOUBLE PRECISION) AS tax, \
         CAST(COALESCE(SUM(CASE WHEN p.energy IS NOT NULL AND p.va IS NOT NULL THEN p.energy END), 0) AS DOUBLE PRECISION) AS energy, \
         CAST(COALESCE(SUM(CASE WHEN p.energy IS NOT NULL AND p.va IS NOT NULL THEN p.va END), 0) AS DOUBLE PRECISION) AS value_added \
         FROM (SELECT f.enterprise_id, \
               SUM(CASE WHEN f.field = 'land_area_mu' THEN f.value END) AS land, \
               SUM(CASE WHEN f.field = 'tax_paid' THEN f.value END) AS tax, \
               SUM(CASE WHEN f.field = 'energy_tce' THEN f.value END) AS energy, \
               SUM(CASE WHEN f.field = 'value_added' THEN f.value END) AS va \
               FROM figures f WHERE f.year = $1 AND f.superseded_at IS NULL \
               AND f.field IN ('land_area_mu', 'tax_paid', 'energy_tce', 'value_added') \
               GROUP BY f.enterprise_id) p \
         JOIN enterprises e ON e.id = p.enterprise_id WHERE p.land > 0",
    );
    let mut next = 2;
    let value = scope_sql(scope, &mut sql, &mut next);
    sql.push_str(" GROUP BY e.region_code ORDER BY e.region_code");
    // Built only from constant fragments; values are bound.
    let q = sqlx::query_as(AssertSqlSafe(sql)).bind(year);
    Ok(bind_scope(q, value).fetch_all(conn).await?)
}

/// An enterprise whose class fell.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Fallen {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// County code.
    pub region_code: String,
    /// Class the year before.
    pub before: String,
    /// Class of the year.
    pub after: String,
}

/// Enterprises whose class of `year` is worse than the year before (A → B, B → C …; not
/// evaluated is no class), at most `limit`, worst falls first.
pub async fn fallen(
    conn: &mut AnyConnection,
    scope: &Scope,
    year: i64,
    limit: i64,
) -> Result<(Vec<Fallen>, i64), StoreError> {
    let mut from = String::from(
        " FROM enterprise_classes c JOIN enterprise_classes p ON p.enterprise_id = c.enterprise_id AND p.year = c.year - 1 \
         JOIN enterprises e ON e.id = c.enterprise_id \
         WHERE c.year = $1 AND c.class > p.class AND c.class <> 'X' AND p.class <> 'X'",
    );
    let mut next = 2;
    let value = scope_sql(scope, &mut from, &mut next);
    let count_sql = format!("SELECT COUNT(*){from}");
    let list_sql = format!(
        "SELECT e.id AS id, e.name AS name, e.region_code AS region_code, p.class AS before, c.class AS after{from} \
         ORDER BY c.class DESC, p.class, e.name LIMIT {limit}"
    );
    // Built only from constant fragments and an integer; values are bound.
    let (total,): (i64,) = bind_scope(sqlx::query_as(AssertSqlSafe(count_sql)).bind(year), value.clone())
        .fetch_one(&mut *conn)
        .await?;
    let rows = bind_scope(sqlx::query_as(AssertSqlSafe(list_sql)).bind(year), value)
        .fetch_all(conn)
        .await?;
    Ok((rows, total))
}
