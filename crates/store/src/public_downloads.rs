//! Anonymous downloads of public lists, counted per run, hour and address until the hour is
//! audited as one entry.

use sqlx::AnyConnection;

use crate::StoreError;

/// Counts one download.
pub async fn count(conn: &mut AnyConnection, run_id: i64, hour: i64, ip: &str) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO public_downloads (run_id, hour, ip, n) VALUES ($1, $2, $3, 1) \
         ON CONFLICT (run_id, hour, ip) DO UPDATE SET n = public_downloads.n + 1",
    )
    .bind(run_id)
    .bind(hour)
    .bind(ip)
    .execute(conn)
    .await?;
    Ok(())
}

/// One finished hour of one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hour {
    /// The run.
    pub run_id: i64,
    /// The hour (ms at its start).
    pub hour: i64,
    /// Downloads.
    pub downloads: i64,
    /// The addresses with their counts, most first.
    pub addresses: Vec<(String, i64)>,
}

/// Removes and returns the counts of hours before `before` (call in the transaction that
/// audits them).
pub async fn take_before(conn: &mut AnyConnection, before: i64) -> Result<Vec<Hour>, StoreError> {
    let rows: Vec<(i64, i64, String, i64)> = sqlx::query_as(
        "SELECT run_id, hour, ip, n FROM public_downloads WHERE hour < $1 ORDER BY run_id, hour, n DESC, ip",
    )
    .bind(before)
    .fetch_all(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM public_downloads WHERE hour < $1")
        .bind(before)
        .execute(conn)
        .await?;
    let mut out: Vec<Hour> = Vec::new();
    for (run_id, hour, ip, n) in rows {
        match out.last_mut() {
            Some(h) if h.run_id == run_id && h.hour == hour => {
                h.downloads += n;
                h.addresses.push((ip, n));
            }
            _ => out.push(Hour {
                run_id,
                hour,
                downloads: n,
                addresses: vec![(ip, n)],
            }),
        }
    }
    Ok(out)
}
