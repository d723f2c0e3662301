//! 一企一策 transformation plans of C-class enterprises and their progress (history kept; the
//! plan row carries the latest), and the C-class enterprises of a year with their next year's
//! class (the plan's outcome).

use sqlx::{AnyConnection, AssertSqlSafe};

use crate::enterprises::scope_sql;
use crate::land_projects::bind_scope;
use crate::{Scope, StoreError, now_ms};

/// A C-class enterprise of a year.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct CEnterprise {
    /// The enterprise.
    pub enterprise_id: i64,
    /// Name.
    pub name: String,
    /// County.
    pub region_code: String,
    /// Cluster.
    pub cluster_id: Option<i64>,
    /// Its class the year after, once known.
    pub next_class: Option<String>,
}

/// The C-class enterprises of `year` within a scope, by name.
pub async fn c_enterprises(
    conn: &mut AnyConnection,
    year: i64,
    scope: &Scope,
) -> Result<Vec<CEnterprise>, StoreError> {
    let mut sql = String::from(
        "SELECT e.id AS enterprise_id, e.name, e.region_code, e.cluster_id, n.class AS next_class \
         FROM enterprises e JOIN enterprise_classes c ON c.enterprise_id = e.id AND c.year = $1 AND c.class = 'C' \
         LEFT JOIN enterprise_classes n ON n.enterprise_id = e.id AND n.year = $2 WHERE 1 = 1",
    );
    let mut next = 3;
    let value = scope_sql(scope, &mut sql, &mut next);
    sql.push_str(" ORDER BY e.name, e.id");
    Ok(bind_scope(
        sqlx::query_as(AssertSqlSafe(sql)).bind(year).bind(year + 1),
        value,
    )
    .fetch_all(conn)
    .await?)
}

/// The years with classes, newest first.
pub async fn class_years(conn: &mut AnyConnection) -> Result<Vec<i64>, StoreError> {
    let rows: Vec<(i64,)> = sqlx::query_as("SELECT DISTINCT year FROM enterprise_classes ORDER BY year DESC")
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// A plan with its enterprise.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Plan {
    /// Id.
    pub id: i64,
    /// The enterprise.
    pub enterprise_id: i64,
    /// The class year it answers.
    pub year: i64,
    /// 转型目标.
    pub targets: String,
    /// 主要措施.
    pub measures: String,
    /// 完成期限.
    pub deadline: String,
    /// 责任人.
    pub responsible: String,
    /// Latest progress.
    pub progress: String,
    /// 1 once done.
    pub done: i64,
    /// Version.
    pub version: i64,
    /// Enterprise name.
    pub enterprise_name: String,
    /// County.
    pub region_code: String,
    /// Cluster.
    pub cluster_id: Option<i64>,
    /// The enterprise's class the year after, once known.
    pub next_class: Option<String>,
}

macro_rules! plan_select {
    () => {
        "SELECT t.id, t.enterprise_id, t.year, t.targets, t.measures, t.deadline, t.responsible, t.progress, t.done, t.version, \
         e.name AS enterprise_name, e.region_code, e.cluster_id, n.class AS next_class \
         FROM transformation_plans t JOIN enterprises e ON e.id = t.enterprise_id \
         LEFT JOIN enterprise_classes n ON n.enterprise_id = t.enterprise_id AND n.year = t.year + 1 WHERE 1 = 1"
    };
}

/// The plans within a scope (of one class year, or all), by year then name.
pub async fn plans(
    conn: &mut AnyConnection,
    scope: &Scope,
    year: Option<i64>,
) -> Result<Vec<Plan>, StoreError> {
    let mut sql = String::from(plan_select!());
    let mut next = 1;
    if year.is_some() {
        sql.push_str(" AND t.year = $1");
        next = 2;
    }
    let value = scope_sql(scope, &mut sql, &mut next);
    sql.push_str(" ORDER BY t.year DESC, e.name, t.id");
    let q = sqlx::query_as(AssertSqlSafe(sql));
    let q = match year {
        Some(y) => q.bind(y),
        None => q,
    };
    Ok(bind_scope(q, value).fetch_all(conn).await?)
}

/// One plan, if within the scope.
pub async fn plan(conn: &mut AnyConnection, id: i64, scope: &Scope) -> Result<Option<Plan>, StoreError> {
    let mut sql = String::from(concat!(plan_select!(), " AND t.id = $1"));
    let mut next = 2;
    let value = scope_sql(scope, &mut sql, &mut next);
    Ok(bind_scope(sqlx::query_as(AssertSqlSafe(sql)).bind(id), value)
        .fetch_optional(conn)
        .await?)
}

/// A plan to record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPlan<'a> {
    /// The enterprise.
    pub enterprise_id: i64,
    /// The class year.
    pub year: i64,
    /// Targets.
    pub targets: &'a str,
    /// Measures.
    pub measures: &'a str,
    /// Deadline.
    pub deadline: &'a str,
    /// Responsible official.
    pub responsible: &'a str,
}

/// Records a plan (one per enterprise and year); returns its id.
pub async fn insert(conn: &mut AnyConnection, p: &NewPlan<'_>, user: Option<i64>) -> Result<i64, StoreError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO transformation_plans (enterprise_id, year, targets, measures, deadline, responsible, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(p.enterprise_id)
    .bind(p.year)
    .bind(p.targets)
    .bind(p.measures)
    .bind(p.deadline)
    .bind(p.responsible)
    .bind(user)
    .bind(now_ms())
    .fetch_one(conn)
    .await
    .map_err(StoreError::unique("该企业该年度的转型方案"))?;
    Ok(id)
}

/// Records progress on a plan read at `version`.
pub async fn add_progress(
    conn: &mut AnyConnection,
    plan_id: i64,
    version: i64,
    reported_on: &str,
    body: &str,
    done: bool,
    user: Option<i64>,
) -> Result<(), StoreError> {
    let now = now_ms();
    let changed = sqlx::query(
        "UPDATE transformation_plans SET progress = $1, done = $2, updated_at = $3, version = version + 1 WHERE id = $4 AND version = $5",
    )
    .bind(body)
    .bind(i64::from(done))
    .bind(now)
    .bind(plan_id)
    .bind(version)
    .execute(&mut *conn)
    .await?;
    if changed.rows_affected() == 0 {
        return Err(StoreError::Conflict("转型方案"));
    }
    sqlx::query(
        "INSERT INTO transformation_progress (plan_id, reported_on, body, done, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(plan_id)
    .bind(reported_on)
    .bind(body)
    .bind(i64::from(done))
    .bind(user)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// A plan's progress, oldest first: `(reported on, text, done, by)`.
pub async fn progress(
    conn: &mut AnyConnection,
    plan_id: i64,
) -> Result<Vec<(String, String, i64, Option<String>)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT p.reported_on, p.body, p.done, u.display_name FROM transformation_progress p \
         LEFT JOIN users u ON u.id = p.created_by WHERE p.plan_id = $1 ORDER BY p.id",
    )
    .bind(plan_id)
    .fetch_all(conn)
    .await?)
}

/// The plans of one enterprise: `(class year, plan id)`.
pub async fn of_enterprise(
    conn: &mut AnyConnection,
    enterprise_id: i64,
) -> Result<Vec<(i64, i64)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT year, id FROM transformation_plans WHERE enterprise_id = $1 ORDER BY year DESC",
    )
    .bind(enterprise_id)
    .fetch_all(conn)
    .await?)
}
