//! Land records: parcels (不动产权证), the explicit split of each parcel among its holders, and
//! leases (in and out). The evaluated land area is derived from them (see the app crate).

use sqlx::AnyConnection;

use crate::{StoreError, now_ms};

/// A parcel.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Parcel {
    /// Id.
    pub id: i64,
    /// 不动产权证号 (unique).
    pub certificate_no: String,
    /// Area (亩).
    pub area_mu: f64,
    /// Supply date.
    pub supply_date: Option<String>,
    /// Use (e.g. 工业用地).
    pub land_use: String,
    /// Location.
    pub location: String,
    /// Created (ms).
    pub created_at: i64,
    /// Changed (ms).
    pub updated_at: i64,
    /// Version.
    pub version: i64,
}

/// A holder's share of a parcel.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Share {
    /// Parcel.
    pub parcel_id: i64,
    /// Enterprise.
    pub enterprise_id: i64,
    /// Share (亩).
    pub share_mu: f64,
}

/// A lease.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Lease {
    /// Id.
    pub id: i64,
    /// Enterprise leasing out (none: an outside owner).
    pub lessor_enterprise_id: Option<i64>,
    /// Enterprise leasing in (none: an outside tenant).
    pub lessee_enterprise_id: Option<i64>,
    /// Area (亩).
    pub area_mu: f64,
    /// Start `YYYY-MM-DD`.
    pub start_date: String,
    /// End `YYYY-MM-DD` (none: open).
    pub end_date: Option<String>,
    /// Note.
    pub note: String,
    /// Created (ms).
    pub created_at: i64,
}

/// Registers a parcel.
pub async fn insert_parcel(
    conn: &mut AnyConnection,
    certificate_no: &str,
    area_mu: f64,
    supply_date: Option<&str>,
    land_use: &str,
    location: &str,
) -> Result<i64, StoreError> {
    let now = now_ms();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO land_parcels (certificate_no, area_mu, supply_date, land_use, location, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(certificate_no)
    .bind(area_mu)
    .bind(supply_date)
    .bind(land_use)
    .bind(location)
    .bind(now)
    .fetch_one(conn)
    .await
    .map_err(StoreError::unique("不动产权证号"))?;
    Ok(id)
}

/// A parcel.
pub async fn parcel(conn: &mut AnyConnection, id: i64) -> Result<Option<Parcel>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, certificate_no, area_mu, supply_date, land_use, location, created_at, updated_at, version FROM land_parcels WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// Replaces the holders of a parcel (the caller checks that the shares fit the area).
pub async fn set_shares(
    conn: &mut AnyConnection,
    parcel_id: i64,
    shares: &[(i64, f64)],
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM parcel_holders WHERE parcel_id = $1")
        .bind(parcel_id)
        .execute(&mut *conn)
        .await?;
    for (enterprise_id, share) in shares {
        sqlx::query("INSERT INTO parcel_holders (parcel_id, enterprise_id, share_mu) VALUES ($1, $2, $3)")
            .bind(parcel_id)
            .bind(enterprise_id)
            .bind(share)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("UPDATE land_parcels SET updated_at = $1, version = version + 1 WHERE id = $2")
        .bind(now_ms())
        .bind(parcel_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The holders of a parcel.
pub async fn shares_of_parcel(conn: &mut AnyConnection, parcel_id: i64) -> Result<Vec<Share>, StoreError> {
    Ok(sqlx::query_as("SELECT parcel_id, enterprise_id, share_mu FROM parcel_holders WHERE parcel_id = $1 ORDER BY enterprise_id")
        .bind(parcel_id)
        .fetch_all(conn)
        .await?)
}

/// A parcel with one holder's share of it.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Holding {
    /// The parcel.
    #[sqlx(flatten)]
    pub parcel: Parcel,
    /// The holder's share (亩).
    pub share_mu: f64,
}

/// An enterprise's shares with their parcels.
pub async fn holdings(conn: &mut AnyConnection, enterprise_id: i64) -> Result<Vec<Holding>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT p.id, p.certificate_no, p.area_mu, p.supply_date, p.land_use, p.location, p.created_at, p.updated_at, p.version, h.share_mu \
         FROM parcel_holders h JOIN land_parcels p ON p.id = h.parcel_id WHERE h.enterprise_id = $1 ORDER BY p.certificate_no",
    )
    .bind(enterprise_id)
    .fetch_all(conn)
    .await?)
}

/// Records a lease.
pub async fn insert_lease(
    conn: &mut AnyConnection,
    lessor: Option<i64>,
    lessee: Option<i64>,
    area_mu: f64,
    start_date: &str,
    end_date: Option<&str>,
    note: &str,
) -> Result<i64, StoreError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO land_leases (lessor_enterprise_id, lessee_enterprise_id, area_mu, start_date, end_date, note, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(lessor)
    .bind(lessee)
    .bind(area_mu)
    .bind(start_date)
    .bind(end_date)
    .bind(note)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Leases where an enterprise is lessor or lessee.
pub async fn leases_of(conn: &mut AnyConnection, enterprise_id: i64) -> Result<Vec<Lease>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, lessor_enterprise_id, lessee_enterprise_id, area_mu, start_date, end_date, note, created_at FROM land_leases \
         WHERE lessor_enterprise_id = $1 OR lessee_enterprise_id = $1 ORDER BY start_date, id",
    )
    .bind(enterprise_id)
    .fetch_all(conn)
    .await?)
}

/// Enterprises that have any land record (their land area is derived, not imported).
pub async fn enterprises_with_records(conn: &mut AnyConnection) -> Result<Vec<i64>, StoreError> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT enterprise_id FROM parcel_holders UNION SELECT lessor_enterprise_id FROM land_leases WHERE lessor_enterprise_id IS NOT NULL \
         UNION SELECT lessee_enterprise_id FROM land_leases WHERE lessee_enterprise_id IS NOT NULL",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// A parcel's id by its number.
pub async fn parcel_by_certificate(
    conn: &mut AnyConnection,
    certificate_no: &str,
) -> Result<Option<i64>, StoreError> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM land_parcels WHERE certificate_no = $1")
        .bind(certificate_no)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|(id,)| id))
}
