//! The data-item catalogue (数据项目录), as data.

use sqlx::AnyConnection;

use crate::{StoreError, now_ms};

/// A stored catalogue item.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Item {
    /// Item id (`tax_paid`, `scale`, `bonus.high_tech` …).
    pub id: String,
    /// Chinese label.
    pub label: String,
    /// Owning department code.
    pub department_code: String,
    /// Unit.
    pub unit: String,
    /// `number`, `flag` or `scale`.
    pub value_kind: String,
    /// Least value.
    pub min_value: Option<f64>,
    /// Greatest value.
    pub max_value: Option<f64>,
    /// Required for 规上 (0/1).
    pub required_above: i64,
    /// Required for 规下 (0/1).
    pub required_below: i64,
    /// Slow-moving (0/1).
    pub slow_moving: i64,
    /// Description.
    pub description: String,
    /// Other departments that may see it, comma separated.
    pub shared_with: String,
    /// Display order.
    pub sort_order: i64,
    /// Active (0/1).
    pub active: i64,
    /// Last change (ms).
    pub updated_at: i64,
}

macro_rules! columns {
    () => {
        "id, label, department_code, unit, value_kind, min_value, max_value, required_above, required_below, slow_moving, \
         description, shared_with, sort_order, active, updated_at"
    };
}

/// Inserts or replaces an item.
pub async fn upsert(conn: &mut AnyConnection, i: &Item) -> Result<(), StoreError> {
    sqlx::query(concat!(
        "INSERT INTO catalogue_items (",
        columns!(),
        ") VALUES ($1, $2, $3, $4, $5, CAST($6 AS DOUBLE PRECISION), CAST($7 AS DOUBLE PRECISION), $8, $9, $10, $11, $12, $13, $14, $15) \
         ON CONFLICT (id) DO UPDATE SET label = excluded.label, department_code = excluded.department_code, unit = excluded.unit, \
         value_kind = excluded.value_kind, min_value = excluded.min_value, max_value = excluded.max_value, \
         required_above = excluded.required_above, required_below = excluded.required_below, slow_moving = excluded.slow_moving, \
         description = excluded.description, shared_with = excluded.shared_with, sort_order = excluded.sort_order, \
         active = excluded.active, updated_at = excluded.updated_at"
    ))
    .bind(&i.id)
    .bind(&i.label)
    .bind(&i.department_code)
    .bind(&i.unit)
    .bind(&i.value_kind)
    .bind(crate::opt_f64(i.min_value))
    .bind(crate::opt_f64(i.max_value))
    .bind(i.required_above)
    .bind(i.required_below)
    .bind(i.slow_moving)
    .bind(&i.description)
    .bind(&i.shared_with)
    .bind(i.sort_order)
    .bind(i.active)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

/// Every item in display order.
pub async fn list(conn: &mut AnyConnection) -> Result<Vec<Item>, StoreError> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM catalogue_items ORDER BY sort_order, id"
    ))
    .fetch_all(conn)
    .await?)
}

/// Number of items.
pub async fn count(conn: &mut AnyConnection) -> Result<i64, StoreError> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM catalogue_items")
        .fetch_one(conn)
        .await?;
    Ok(n)
}

/// Sets which other departments may see an item.
pub async fn set_shared_with(
    conn: &mut AnyConnection,
    id: &str,
    shared_with: &str,
) -> Result<(), StoreError> {
    let done = sqlx::query("UPDATE catalogue_items SET shared_with = $1, updated_at = $2 WHERE id = $3")
        .bind(shared_with)
        .bind(now_ms())
        .bind(id)
        .execute(conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound("数据项"));
    }
    Ok(())
}
