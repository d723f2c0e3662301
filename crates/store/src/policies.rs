//! The differentiated-policy catalogue (差别化政策): per class, measures with parameters, each
//! executed by one department. Measures are data; the amounts are worked out in the app.

use sqlx::AnyConnection;

use crate::{StoreError, now_ms};

/// One measure.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Measure {
    /// Id.
    pub id: i64,
    /// The class it applies to (`A`, `B`, `C`, `D`).
    pub class: String,
    /// The kind (decides how parameters are read), e.g. `electricity_surcharge`.
    pub kind: String,
    /// Executing department code.
    pub department_code: String,
    /// Title (Chinese).
    pub title: String,
    /// Parameters as JSON.
    pub params: String,
    /// Description (Chinese).
    pub description: String,
    /// 1 when in force.
    pub active: i64,
    /// Order in lists.
    pub sort_order: i64,
    /// Changed (ms).
    pub updated_at: i64,
}

/// A measure to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeasureFields<'a> {
    /// Class.
    pub class: &'a str,
    /// Kind.
    pub kind: &'a str,
    /// Department code.
    pub department_code: &'a str,
    /// Title.
    pub title: &'a str,
    /// Parameters (JSON).
    pub params: &'a str,
    /// Description.
    pub description: &'a str,
    /// In force.
    pub active: bool,
    /// Order.
    pub sort_order: i64,
}

/// Adds a measure.
pub async fn insert(conn: &mut AnyConnection, m: &MeasureFields<'_>) -> Result<i64, StoreError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO policy_measures (class, kind, department_code, title, params, description, active, sort_order, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(m.class)
    .bind(m.kind)
    .bind(m.department_code)
    .bind(m.title)
    .bind(m.params)
    .bind(m.description)
    .bind(i64::from(m.active))
    .bind(m.sort_order)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Changes a measure.
pub async fn update(conn: &mut AnyConnection, id: i64, m: &MeasureFields<'_>) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE policy_measures SET class = $1, kind = $2, department_code = $3, title = $4, params = $5, description = $6, \
         active = $7, sort_order = $8, updated_at = $9 WHERE id = $10",
    )
    .bind(m.class)
    .bind(m.kind)
    .bind(m.department_code)
    .bind(m.title)
    .bind(m.params)
    .bind(m.description)
    .bind(i64::from(m.active))
    .bind(m.sort_order)
    .bind(now_ms())
    .bind(id)
    .execute(conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound("政策措施"));
    }
    Ok(())
}

/// Every measure, by class and order.
pub async fn list(conn: &mut AnyConnection) -> Result<Vec<Measure>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, class, kind, department_code, title, params, description, active, sort_order, updated_at \
         FROM policy_measures ORDER BY class, sort_order, id",
    )
    .fetch_all(conn)
    .await?)
}

/// One measure.
pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<Measure>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, class, kind, department_code, title, params, description, active, sort_order, updated_at \
         FROM policy_measures WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?)
}
