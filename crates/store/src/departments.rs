//! 部门: the departments that own data items.

use sqlx::AnyConnection;

use crate::StoreError;

/// A department.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Department {
    /// Id.
    pub id: i64,
    /// Stable code (e.g. `tax`).
    pub code: String,
    /// Chinese name (e.g. 税务局).
    pub name: String,
    /// Display order.
    pub sort_order: i64,
}

/// Inserts a department, returning its id.
pub async fn insert(
    conn: &mut AnyConnection,
    code: &str,
    name: &str,
    sort_order: i64,
) -> Result<i64, StoreError> {
    let (id,): (i64,) =
        sqlx::query_as("INSERT INTO departments (code, name, sort_order) VALUES ($1, $2, $3) RETURNING id")
            .bind(code)
            .bind(name)
            .bind(sort_order)
            .fetch_one(conn)
            .await
            .map_err(StoreError::unique("部门代码"))?;
    Ok(id)
}

/// Every department in display order.
pub async fn list(conn: &mut AnyConnection) -> Result<Vec<Department>, StoreError> {
    Ok(
        sqlx::query_as("SELECT id, code, name, sort_order FROM departments ORDER BY sort_order, id")
            .fetch_all(conn)
            .await?,
    )
}

/// One department.
pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<Department>, StoreError> {
    Ok(
        sqlx::query_as("SELECT id, code, name, sort_order FROM departments WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await?,
    )
}

/// Locks a department's row until the end of the transaction: imports and corrections of one
/// department run one after the other, so that two of them never both leave a value current.
pub async fn lock(conn: &mut AnyConnection, id: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE departments SET sort_order = sort_order WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
