//! GB/T 4754-2017 manufacturing 大类 (reference data).

use sqlx::AnyConnection;

use crate::StoreError;

/// A 大类.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Industry {
    /// Two-digit division (13–43 for manufacturing).
    pub division: i64,
    /// Chinese name.
    pub name: String,
}

/// Inserts or renames a division.
pub async fn upsert(conn: &mut AnyConnection, division: i64, name: &str) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO industries (division, name) VALUES ($1, $2) \
         ON CONFLICT (division) DO UPDATE SET name = excluded.name",
    )
    .bind(division)
    .bind(name)
    .execute(conn)
    .await?;
    Ok(())
}

/// Every division in order.
pub async fn list(conn: &mut AnyConnection) -> Result<Vec<Industry>, StoreError> {
    Ok(
        sqlx::query_as("SELECT division, name FROM industries ORDER BY division")
            .fetch_all(conn)
            .await?,
    )
}
