//! Set-based writes of a registry import (issue 11: 100,000 enterprises in seconds): the whole
//! registry read once, new enterprises and their name windows inserted in bulk, one year's
//! scales replaced in bulk, the history rows inserted in bulk.

use std::collections::HashMap;

use sqlx::AnyConnection;

use crate::bulk::{self, Kind, Val};
use crate::enterprises::{Enterprise, EnterpriseFields};
use crate::{Backend, StoreError, now_ms};

/// Every enterprise, by credit code.
pub async fn all_by_code(conn: &mut AnyConnection) -> Result<HashMap<String, Enterprise>, StoreError> {
    let rows: Vec<Enterprise> = sqlx::query_as(
        "SELECT id, credit_code, name, region_code, cluster_id, industry_code, production_start, status, \
         contact_name, contact_phone, address, checksum_override, created_at, updated_at, version FROM enterprises",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|e| (e.credit_code.clone(), e)).collect())
}

/// Inserts new enterprises (credit codes not yet registered) with their name windows; returns
/// their ids by credit code.
pub async fn insert_many(
    conn: &mut AnyConnection,
    backend: Backend,
    rows: &[EnterpriseFields],
) -> Result<HashMap<String, i64>, StoreError> {
    if rows.is_empty() {
        return Ok(HashMap::new());
    }
    let now = now_ms();
    let columns = [
        ("credit_code", Kind::Text),
        ("name", Kind::Text),
        ("region_code", Kind::Text),
        ("cluster_id", Kind::Int),
        ("industry_code", Kind::Text),
        ("production_start", Kind::Text),
        ("status", Kind::Text),
        ("contact_name", Kind::Text),
        ("contact_phone", Kind::Text),
        ("address", Kind::Text),
        ("checksum_override", Kind::Int),
        ("created_at", Kind::Int),
        ("updated_at", Kind::Int),
    ];
    // In code order: the code index (and the indexes led by county, cluster and industry, each
    // ending in the code) are then appended to rather than written all over.
    let mut sorted: Vec<&EnterpriseFields> = rows.iter().collect();
    sorted.sort_unstable_by(|a, b| a.credit_code.cmp(&b.credit_code));
    let values: Vec<Vec<Val<'_>>> = sorted
        .iter()
        .map(|f| {
            vec![
                Val::Text(Some(&f.credit_code)),
                Val::Text(Some(&f.name)),
                Val::Text(Some(&f.region_code)),
                Val::Int(f.cluster_id),
                Val::Text(Some(&f.industry_code)),
                Val::Text(f.production_start.as_deref()),
                Val::Text(Some(&f.status)),
                Val::Text(Some(&f.contact_name)),
                Val::Text(Some(&f.contact_phone)),
                Val::Text(Some(&f.address)),
                Val::Int(Some(i64::from(f.checksum_override))),
                Val::Int(Some(now)),
                Val::Int(Some(now)),
            ]
        })
        .collect();
    bulk::insert(&mut *conn, backend, "enterprises", &columns, &values)
        .await
        .map_err(|e| match e {
            StoreError::Database(sqlx::Error::Database(d)) if d.is_unique_violation() => {
                StoreError::Duplicate("统一社会信用代码")
            }
            other => other,
        })?;
    let wanted: std::collections::HashSet<&str> = rows.iter().map(|f| f.credit_code.as_str()).collect();
    let ids: HashMap<String, i64> =
        sqlx::query_as::<_, (i64, String)>("SELECT id, credit_code FROM enterprises WHERE created_at = $1")
            .bind(now)
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .filter(|(_, c)| wanted.contains(c.as_str()))
            .map(|(id, c)| (c, id))
            .collect();
    let mut grams: Vec<(String, i64)> = Vec::new();
    for f in rows {
        if let Some(id) = ids.get(&f.credit_code) {
            grams.extend(
                crate::enterprises::name_grams(&f.name)
                    .into_iter()
                    .map(|g| (g, *id)),
            );
        }
    }
    insert_grams(conn, backend, &mut grams).await?;
    Ok(ids)
}

/// A known enterprise's registry fields from a file, at the version read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Update {
    /// The enterprise.
    pub id: i64,
    /// The version read (the update is refused if it moved meanwhile).
    pub version: i64,
    /// Name, county, cluster, industry, production start and status (contacts are kept).
    pub fields: EnterpriseFields,
    /// The name changed: its search windows are rebuilt.
    pub renamed: bool,
}

/// Updates many enterprises at once: the new fields staged in a temporary table, then one
/// `UPDATE … FROM` (row-by-row updates cost a round trip each, seconds for ten thousand on
/// PostgreSQL); the renamed ones get new name windows. Refused whole with a conflict when any
/// enterprise moved past its version.
pub async fn update_many(
    conn: &mut AnyConnection,
    backend: Backend,
    rows: &[Update],
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    // Created and dropped inside the caller's transaction (both backends roll DDL back).
    sqlx::query(
        "CREATE TEMPORARY TABLE registry_updates (id BIGINT PRIMARY KEY, version BIGINT NOT NULL, name TEXT NOT NULL, \
         region_code TEXT NOT NULL, cluster_id BIGINT, industry_code TEXT NOT NULL, production_start TEXT, status TEXT NOT NULL)",
    )
    .execute(&mut *conn)
    .await?;
    let values: Vec<Vec<Val<'_>>> = rows
        .iter()
        .map(|u| {
            vec![
                Val::Int(Some(u.id)),
                Val::Int(Some(u.version)),
                Val::Text(Some(&u.fields.name)),
                Val::Text(Some(&u.fields.region_code)),
                Val::Int(u.fields.cluster_id),
                Val::Text(Some(&u.fields.industry_code)),
                Val::Text(u.fields.production_start.as_deref()),
                Val::Text(Some(&u.fields.status)),
            ]
        })
        .collect();
    bulk::insert(
        &mut *conn,
        backend,
        "registry_updates",
        &[
            ("id", Kind::Int),
            ("version", Kind::Int),
            ("name", Kind::Text),
            ("region_code", Kind::Text),
            ("cluster_id", Kind::Int),
            ("industry_code", Kind::Text),
            ("production_start", Kind::Text),
            ("status", Kind::Text),
        ],
        &values,
    )
    .await?;
    let done = sqlx::query(
        "UPDATE enterprises SET name = u.name, region_code = u.region_code, cluster_id = u.cluster_id, \
         industry_code = u.industry_code, production_start = u.production_start, status = u.status, updated_at = $1, \
         version = enterprises.version + 1 FROM registry_updates AS u WHERE enterprises.id = u.id AND enterprises.version = u.version",
    )
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    sqlx::query("DROP TABLE registry_updates")
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() != rows.len() as u64 {
        return Err(StoreError::Conflict("企业信息"));
    }
    let renamed: Vec<&Update> = rows.iter().filter(|u| u.renamed).collect();
    for chunk in renamed.chunks(1_000) {
        let list = chunk
            .iter()
            .map(|u| u.id.to_string())
            .collect::<Vec<_>>()
            .join(",");
        // Integers formatted here, not user text.
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM enterprise_name_grams WHERE enterprise_id IN ({list})"
        )))
        .execute(&mut *conn)
        .await?;
    }
    let mut grams: Vec<(String, i64)> = renamed
        .iter()
        .flat_map(|u| {
            crate::enterprises::name_grams(&u.fields.name)
                .into_iter()
                .map(|g| (g, u.id))
        })
        .collect();
    insert_grams(conn, backend, &mut grams).await
}

/// Inserts name windows in index order: appending to the (gram, enterprise) key is several times
/// cheaper than inserting a million keys in name order.
async fn insert_grams(
    conn: &mut AnyConnection,
    backend: Backend,
    grams: &mut [(String, i64)],
) -> Result<(), StoreError> {
    grams.sort_unstable();
    let gram_rows: Vec<Vec<Val<'_>>> = grams
        .iter()
        .map(|(g, id)| vec![Val::Text(Some(g)), Val::Int(Some(*id))])
        .collect();
    bulk::insert(
        &mut *conn,
        backend,
        "enterprise_name_grams",
        &[("gram", Kind::Text), ("enterprise_id", Kind::Int)],
        &gram_rows,
    )
    .await
}

/// Sets the scale of `year` for the given enterprises (replacing what they had that year).
pub async fn set_scales(
    conn: &mut AnyConnection,
    backend: Backend,
    year: i64,
    scales: &[(i64, &str)],
) -> Result<(), StoreError> {
    for chunk in scales.chunks(500) {
        let list = chunk
            .iter()
            .map(|(id, _)| id.to_string())
            .collect::<Vec<_>>()
            .join(",");
        // Integers formatted here, not user text.
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM enterprise_years WHERE year = $1 AND enterprise_id IN ({list})"
        )))
        .bind(year)
        .execute(&mut *conn)
        .await?;
    }
    let rows: Vec<Vec<Val<'_>>> = scales
        .iter()
        .map(|(id, s)| vec![Val::Int(Some(*id)), Val::Int(Some(year)), Val::Text(Some(s))])
        .collect();
    bulk::insert(
        &mut *conn,
        backend,
        "enterprise_years",
        &[
            ("enterprise_id", Kind::Int),
            ("year", Kind::Int),
            ("scale", Kind::Text),
        ],
        &rows,
    )
    .await
}

/// One change of the history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewChange {
    /// The enterprise.
    pub enterprise_id: i64,
    /// The field.
    pub field: &'static str,
    /// Before.
    pub old_value: String,
    /// After.
    pub new_value: String,
}

/// Records changes of one import.
pub async fn record_changes(
    conn: &mut AnyConnection,
    backend: Backend,
    changes: &[NewChange],
    source: &str,
    file_hash: &str,
    user_id: Option<i64>,
) -> Result<(), StoreError> {
    let now = now_ms();
    let rows: Vec<Vec<Val<'_>>> = changes
        .iter()
        .map(|c| {
            vec![
                Val::Int(Some(c.enterprise_id)),
                Val::Int(Some(now)),
                Val::Text(Some(c.field)),
                Val::Text(Some(&c.old_value)),
                Val::Text(Some(&c.new_value)),
                Val::Text(Some(source)),
                Val::Text(Some(file_hash)),
                Val::Int(user_id),
            ]
        })
        .collect();
    bulk::insert(
        &mut *conn,
        backend,
        "enterprise_changes",
        &[
            ("enterprise_id", Kind::Int),
            ("at", Kind::Int),
            ("field", Kind::Text),
            ("old_value", Kind::Text),
            ("new_value", Kind::Text),
            ("source", Kind::Text),
            ("file_hash", Kind::Text),
            ("user_id", Kind::Int),
        ],
        &rows,
    )
    .await
}
