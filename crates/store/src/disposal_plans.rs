//! Disposal plans of low-efficiency parcels (一宗一策) and their progress (history kept; the plan
//! row carries the latest area disposed).

use sqlx::{AnyConnection, AssertSqlSafe};

use crate::land_projects::{bind_scope, parcel_scope_sql};
use crate::{Scope, StoreError, now_ms};

/// A plan with its parcel.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Plan {
    /// Id.
    pub id: i64,
    /// The parcel.
    pub parcel_id: i64,
    /// The kind it was flagged as (a five-kinds id, `stopped`, `half_stopped` or `stalled`).
    pub low_kind: String,
    /// The finding in words.
    pub finding: String,
    /// `lease`, `buy_back`, `restructure`, `reinvest`, `bankruptcy`, `other`.
    pub mode: String,
    /// 责任单位.
    pub responsible_unit: String,
    /// Deadline.
    pub deadline: String,
    /// Area to dispose (亩).
    pub area_mu: f64,
    /// Area disposed (亩).
    pub area_disposed_mu: f64,
    /// Latest progress in words.
    pub progress: String,
    /// 1 once done.
    pub done: i64,
    /// Created (ms).
    pub created_at: i64,
    /// Version.
    pub version: i64,
    /// Parcel number.
    pub certificate_no: String,
    /// Parcel county.
    pub region_code: Option<String>,
    /// Parcel cluster.
    pub cluster_id: Option<i64>,
}

macro_rules! plan_select {
    () => {
        "SELECT d.id, d.parcel_id, d.low_kind, d.finding, d.mode, d.responsible_unit, d.deadline, d.area_mu, d.area_disposed_mu, \
         d.progress, d.done, d.created_at, d.version, p.certificate_no, p.region_code, p.cluster_id \
         FROM disposal_plans d JOIN land_parcels p ON p.id = d.parcel_id WHERE 1 = 1"
    };
}

/// A plan to record.
#[derive(Clone, Debug, PartialEq)]
pub struct NewPlan<'a> {
    /// The parcel.
    pub parcel_id: i64,
    /// Kind id.
    pub low_kind: &'a str,
    /// Finding.
    pub finding: &'a str,
    /// Mode id.
    pub mode: &'a str,
    /// Unit.
    pub responsible_unit: &'a str,
    /// Deadline.
    pub deadline: &'a str,
    /// Area (亩).
    pub area_mu: f64,
}

/// Records a plan.
pub async fn insert(conn: &mut AnyConnection, p: &NewPlan<'_>, user: Option<i64>) -> Result<i64, StoreError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO disposal_plans (parcel_id, low_kind, finding, mode, responsible_unit, deadline, area_mu, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
    )
    .bind(p.parcel_id)
    .bind(p.low_kind)
    .bind(p.finding)
    .bind(p.mode)
    .bind(p.responsible_unit)
    .bind(p.deadline)
    .bind(p.area_mu)
    .bind(user)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Records progress on a plan read at `version`.
#[allow(clippy::too_many_arguments)]
pub async fn add_progress(
    conn: &mut AnyConnection,
    plan_id: i64,
    version: i64,
    reported_on: &str,
    area_disposed_mu: f64,
    note: &str,
    done: bool,
    user: Option<i64>,
) -> Result<(), StoreError> {
    let now = now_ms();
    let changed = sqlx::query(
        "UPDATE disposal_plans SET area_disposed_mu = $1, progress = $2, done = $3, updated_at = $4, version = version + 1 \
         WHERE id = $5 AND version = $6",
    )
    .bind(area_disposed_mu)
    .bind(note)
    .bind(i64::from(done))
    .bind(now)
    .bind(plan_id)
    .bind(version)
    .execute(&mut *conn)
    .await?;
    if changed.rows_affected() == 0 {
        return Err(StoreError::Conflict("处置方案"));
    }
    sqlx::query(
        "INSERT INTO disposal_progress (plan_id, reported_on, area_disposed_mu, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(plan_id)
    .bind(reported_on)
    .bind(area_disposed_mu)
    .bind(note)
    .bind(user)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The plans in a scope (by the parcel's place), by deadline.
pub async fn plans(conn: &mut AnyConnection, scope: &Scope) -> Result<Vec<Plan>, StoreError> {
    let mut sql = String::from(plan_select!());
    let mut next = 1;
    let value = parcel_scope_sql(scope, &mut sql, &mut next);
    sql.push_str(" ORDER BY d.done, d.deadline, d.id");
    Ok(bind_scope(sqlx::query_as(AssertSqlSafe(sql)), value)
        .fetch_all(conn)
        .await?)
}

/// One plan, if within the scope.
pub async fn plan(conn: &mut AnyConnection, id: i64, scope: &Scope) -> Result<Option<Plan>, StoreError> {
    let mut sql = String::from(concat!(plan_select!(), " AND d.id = $1"));
    let mut next = 2;
    let value = parcel_scope_sql(scope, &mut sql, &mut next);
    Ok(bind_scope(sqlx::query_as(AssertSqlSafe(sql)).bind(id), value)
        .fetch_optional(conn)
        .await?)
}

/// A plan's progress, oldest first: `(reported_on, area disposed, note)`.
pub async fn progress(
    conn: &mut AnyConnection,
    plan_id: i64,
) -> Result<Vec<(String, f64, String)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT reported_on, area_disposed_mu, note FROM disposal_progress WHERE plan_id = $1 ORDER BY id",
    )
    .bind(plan_id)
    .fetch_all(conn)
    .await?)
}
