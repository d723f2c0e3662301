//! 行政区划 (GB/T 2260), versioned: a code is valid from a year until a year (or still).

use sqlx::AnyConnection;

use crate::StoreError;

/// One version of a region.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Region {
    /// Id.
    pub id: i64,
    /// 6-digit code.
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// The parent (prefecture) code.
    pub parent_code: Option<String>,
    /// First year valid.
    pub valid_from: i64,
    /// Last year valid (`None`: still valid).
    pub valid_to: Option<i64>,
}

/// Inserts a region version.
pub async fn insert(
    conn: &mut AnyConnection,
    code: &str,
    name: &str,
    parent_code: Option<&str>,
    valid_from: i64,
) -> Result<i64, StoreError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO regions (code, name, parent_code, valid_from) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(code)
    .bind(name)
    .bind(parent_code)
    .bind(valid_from)
    .fetch_one(conn)
    .await
    .map_err(StoreError::unique("行政区划版本"))?;
    Ok(id)
}

/// Ends a region version (the code stops being valid after `last_year`).
pub async fn retire(conn: &mut AnyConnection, id: i64, last_year: i64) -> Result<(), StoreError> {
    let done = sqlx::query("UPDATE regions SET valid_to = $1 WHERE id = $2 AND valid_to IS NULL")
        .bind(last_year)
        .bind(id)
        .execute(conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound("有效的行政区划"));
    }
    Ok(())
}

/// The regions valid in a year, by code.
pub async fn valid_in(conn: &mut AnyConnection, year: i64) -> Result<Vec<Region>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, code, name, parent_code, valid_from, valid_to FROM regions \
         WHERE valid_from <= $1 AND (valid_to IS NULL OR valid_to >= $1) ORDER BY code",
    )
    .bind(year)
    .fetch_all(conn)
    .await?)
}

/// Every version of every region.
pub async fn list_all(conn: &mut AnyConnection) -> Result<Vec<Region>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, code, name, parent_code, valid_from, valid_to FROM regions ORDER BY code, valid_from",
    )
    .fetch_all(conn)
    .await?)
}
