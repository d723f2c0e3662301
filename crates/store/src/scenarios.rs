//! Named what-if scenarios of a run (issue 15): a draft method kept to reopen and compare.
//! Never changed; removal only hides a scenario.

use sqlx::AnyConnection;

use crate::{StoreError, now_ms};

/// A kept scenario.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Scenario {
    /// Id.
    pub id: i64,
    /// The run it was simulated on.
    pub run_id: i64,
    /// The name the city gave it.
    pub name: String,
    /// The draft method's own name.
    pub method_name: String,
    /// The draft method file.
    pub method_source: String,
    /// Who kept it (display name).
    pub created_by_name: Option<String>,
    /// When (ms).
    pub created_at: i64,
}

const SELECT: &str = "SELECT s.id, s.run_id, s.name, s.method_name, s.method_source, \
     u.display_name AS created_by_name, s.created_at \
     FROM simulation_scenarios s LEFT JOIN users u ON u.id = s.created_by \
     WHERE s.removed_at IS NULL";

/// Keeps a scenario; a second one of the same name on the same run is refused.
pub async fn insert(
    conn: &mut AnyConnection,
    run_id: i64,
    name: &str,
    method_name: &str,
    method_source: &str,
    user: Option<i64>,
) -> Result<i64, StoreError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO simulation_scenarios (run_id, name, method_name, method_source, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(run_id)
    .bind(name)
    .bind(method_name)
    .bind(method_source)
    .bind(user)
    .bind(now_ms())
    .fetch_one(conn)
    .await
    .map_err(StoreError::unique("同名的模拟方案"))?;
    Ok(id)
}

/// The scenarios of a run, oldest first.
pub async fn list(conn: &mut AnyConnection, run_id: i64) -> Result<Vec<Scenario>, StoreError> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} AND s.run_id = $1 ORDER BY s.id"
    )))
    .bind(run_id)
    .fetch_all(conn)
    .await?)
}

/// One scenario (not removed).
pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<Scenario>, StoreError> {
    Ok(
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} AND s.id = $1")))
            .bind(id)
            .fetch_optional(conn)
            .await?,
    )
}

/// Hides a scenario; false when there was none to hide.
pub async fn remove(conn: &mut AnyConnection, id: i64) -> Result<bool, StoreError> {
    let r =
        sqlx::query("UPDATE simulation_scenarios SET removed_at = $1 WHERE id = $2 AND removed_at IS NULL")
            .bind(now_ms())
            .bind(id)
            .execute(conn)
            .await?;
    Ok(r.rows_affected() == 1)
}
