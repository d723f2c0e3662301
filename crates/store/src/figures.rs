//! Figures of an enterprise-year, with history: a new value supersedes the current one, which
//! stays (with its source) for the history; nothing is ever deleted.

use sqlx::{AnyConnection, AssertSqlSafe};

use crate::typed::{Conn, on_backend};
use crate::{Backend, StoreError, now_ms};

/// One stored value of one figure.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Figure {
    /// Id.
    pub id: i64,
    /// The enterprise.
    pub enterprise_id: i64,
    /// The data year.
    pub year: i64,
    /// Field id (spec §1).
    pub field: String,
    /// The value in the engine's unit; `None` when recorded as missing.
    pub value: Option<f64>,
    /// The department that supplied it.
    pub department_id: Option<i64>,
    /// `seed`, `import`, `manual`, `api`, `correction` (a dispute's), `objection` or `history`
    /// (an earlier year's file).
    pub source: String,
    /// The import batch.
    pub batch_id: Option<i64>,
    /// Who recorded it.
    pub user_id: Option<i64>,
    /// When (ms).
    pub recorded_at: i64,
    /// When a newer value replaced it (ms); `None` for the current value.
    pub superseded_at: Option<i64>,
}

/// A value to record.
#[derive(Clone, Debug, PartialEq)]
pub struct NewFigure {
    /// The enterprise.
    pub enterprise_id: i64,
    /// The data year.
    pub year: i64,
    /// Field id.
    pub field: String,
    /// Value (engine unit).
    pub value: Option<f64>,
    /// Supplying department.
    pub department_id: Option<i64>,
    /// Source kind.
    pub source: String,
    /// Import batch.
    pub batch_id: Option<i64>,
    /// Who.
    pub user_id: Option<i64>,
}

macro_rules! columns {
    () => {
        "id, enterprise_id, year, field, value, department_id, source, batch_id, user_id, recorded_at, superseded_at"
    };
}

/// Records values: each supersedes the current value of its enterprise, year and field.
/// Inserts go in multi-row statements (a demo seed or an import writes tens of thousands).
pub async fn record(
    conn: &mut AnyConnection,
    backend: Backend,
    values: &[NewFigure],
) -> Result<(), StoreError> {
    let now = now_ms();
    for v in values {
        sqlx::query(
            "UPDATE figures SET superseded_at = $1 WHERE enterprise_id = $2 AND year = $3 AND field = $4 AND superseded_at IS NULL",
        )
        .bind(now)
        .bind(v.enterprise_id)
        .bind(v.year)
        .bind(&v.field)
        .execute(&mut *conn)
        .await?;
    }
    insert_many(conn, backend, values, now).await
}

/// Inserts values known to have no current value yet (a fresh seed): no supersede step.
pub async fn insert_fresh(
    conn: &mut AnyConnection,
    backend: Backend,
    values: &[NewFigure],
) -> Result<(), StoreError> {
    insert_many(conn, backend, values, now_ms()).await
}

async fn insert_many(
    conn: &mut AnyConnection,
    backend: Backend,
    values: &[NewFigure],
    now: i64,
) -> Result<(), StoreError> {
    use crate::bulk::{Kind, Val};
    const COLUMNS: [(&str, Kind); 9] = [
        ("enterprise_id", Kind::Int),
        ("year", Kind::Int),
        ("field", Kind::Text),
        ("value", Kind::Real),
        ("department_id", Kind::Int),
        ("source", Kind::Text),
        ("batch_id", Kind::Int),
        ("user_id", Kind::Int),
        ("recorded_at", Kind::Int),
    ];
    let rows: Vec<Vec<Val<'_>>> = values
        .iter()
        .map(|v| {
            vec![
                Val::Int(Some(v.enterprise_id)),
                Val::Int(Some(v.year)),
                Val::Text(Some(&v.field)),
                Val::Real(v.value),
                Val::Int(v.department_id),
                Val::Text(Some(&v.source)),
                Val::Int(v.batch_id),
                Val::Int(v.user_id),
                Val::Int(Some(now)),
            ]
        })
        .collect();
    crate::bulk::insert(conn, backend, "figures", &COLUMNS, &rows).await
}

/// The current values of an enterprise-year.
pub async fn current(
    conn: &mut AnyConnection,
    enterprise_id: i64,
    year: i64,
) -> Result<Vec<Figure>, StoreError> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM figures WHERE enterprise_id = $1 AND year = $2 AND superseded_at IS NULL ORDER BY field"
    ))
    .bind(enterprise_id)
    .bind(year)
    .fetch_all(conn)
    .await?)
}

/// One recorded value with where it came from: the file of its import batch and who recorded it.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Recorded {
    /// The value.
    #[sqlx(flatten)]
    pub figure: Figure,
    /// The file of its batch (empty for values typed in or pushed).
    pub file_name: Option<String>,
    /// SHA-256 of that file.
    pub file_hash: Option<String>,
    /// Display name of who recorded it.
    pub user_name: Option<String>,
}

/// Every value ever recorded for one figure, newest first.
pub async fn history(
    conn: &mut AnyConnection,
    enterprise_id: i64,
    year: i64,
    field: &str,
) -> Result<Vec<Figure>, StoreError> {
    Ok(history_recorded(conn, enterprise_id, year, field)
        .await?
        .into_iter()
        .map(|r| r.figure)
        .collect())
}

/// [`history`] with each value's file and recorder.
pub async fn history_recorded(
    conn: &mut AnyConnection,
    enterprise_id: i64,
    year: i64,
    field: &str,
) -> Result<Vec<Recorded>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT f.id, f.enterprise_id, f.year, f.field, f.value, f.department_id, f.source, f.batch_id, f.user_id, \
         f.recorded_at, f.superseded_at, b.file_name, b.file_hash, u.display_name AS user_name \
         FROM figures f LEFT JOIN import_batches b ON b.id = f.batch_id LEFT JOIN users u ON u.id = f.user_id \
         WHERE f.enterprise_id = $1 AND f.year = $2 AND f.field = $3 ORDER BY f.recorded_at DESC, f.id DESC",
    )
    .bind(enterprise_id)
    .bind(year)
    .bind(field)
    .fetch_all(conn)
    .await?)
}

/// The current values of every enterprise for a year (for an evaluation run).
pub async fn current_for_year(conn: &mut AnyConnection, year: i64) -> Result<Vec<Figure>, StoreError> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM figures WHERE year = $1 AND superseded_at IS NULL ORDER BY enterprise_id, field"
    ))
    .bind(year)
    .fetch_all(conn)
    .await?)
}

/// Current values of some fields for a year, as `(enterprise_id, field, value)` (for the
/// previous-year comparison of an import, the completeness board and the quality report).
pub async fn current_values(
    conn: &mut AnyConnection,
    year: i64,
) -> Result<Vec<(i64, String, Option<f64>)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT enterprise_id, field, value FROM figures WHERE year = $1 AND superseded_at IS NULL",
    )
    .bind(year)
    .fetch_all(conn)
    .await?)
}

/// Current values of a year as one row per enterprise: `(enterprise_id, values)` with one value
/// per entry of `fields`, in that order (`None` when absent or recorded as missing). The figures
/// are pivoted in SQL over the covering index `figures_current`, which yields them in enterprise
/// order: one result row per enterprise instead of one per value, because decoding rows through
/// sqlx's `Any` driver costs far more than grouping them in the database.
pub async fn year_table(
    conn: Conn<'_>,
    year: i64,
    fields: &[&str],
) -> Result<Vec<(i64, Vec<Option<f64>>)>, StoreError> {
    use futures_util::TryStreamExt;
    use sqlx::Row;
    if fields.is_empty() {
        return Ok(Vec::new());
    }
    let columns: Vec<String> = (0..fields.len())
        .map(|i| format!("MAX(CASE WHEN field = ${} THEN value END)", i + 2))
        .collect();
    let placeholders: Vec<String> = (2..fields.len() + 2).map(|i| format!("${i}")).collect();
    // Built from placeholders only; the field ids are bound.
    let sql = format!(
        "SELECT enterprise_id, {} FROM figures WHERE year = $1 AND superseded_at IS NULL AND field IN ({}) \
         GROUP BY enterprise_id ORDER BY enterprise_id",
        columns.join(", "),
        placeholders.join(", ")
    );
    let mut out: Vec<(i64, Vec<Option<f64>>)> = Vec::new();
    on_backend!(conn, c => {
        let mut q = sqlx::query(AssertSqlSafe(sql)).bind(year);
        for f in fields {
            q = q.bind(*f);
        }
        let mut rows = q.fetch(c);
        while let Some(row) = rows.try_next().await? {
            let id: i64 = row.try_get(0)?;
            let mut values = Vec::with_capacity(fields.len());
            for i in 0..fields.len() {
                values.push(row.try_get::<Option<f64>, _>(i + 1)?);
            }
            out.push((id, values));
        }
    });
    Ok(out)
}

/// Number of enterprises with a current value, per field, for a year.
pub async fn filled_counts(conn: &mut AnyConnection, year: i64) -> Result<Vec<(String, i64)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT field, COUNT(*) FROM figures WHERE year = $1 AND superseded_at IS NULL AND value IS NOT NULL GROUP BY field",
    )
    .bind(year)
    .fetch_all(conn)
    .await?)
}

/// Records the values of one import batch: first marks the values they replace as superseded —
/// one set-based statement per (year, field) over the batch's enterprises instead of one per
/// value (an import writes hundreds of thousands) — then inserts them, tagged with `batch_id`.
/// Superseding first keeps "one current value per figure", which a partial unique index
/// (`figures_one_current`) enforces. The caller holds the locks of the departments owning the
/// fields (`departments::lock`), the same every writer of figures takes.
pub async fn record_batch(
    conn: &mut AnyConnection,
    backend: Backend,
    batch_id: i64,
    values: &[NewFigure],
) -> Result<(), StoreError> {
    let now = now_ms();
    let mut keys: std::collections::BTreeMap<(i64, &str), Vec<i64>> = std::collections::BTreeMap::new();
    for v in values {
        keys.entry((v.year, v.field.as_str()))
            .or_default()
            .push(v.enterprise_id);
    }
    let sql = match backend {
        Backend::Sqlite => {
            "UPDATE figures SET superseded_at = $1 WHERE year = $2 AND field = $3 AND superseded_at IS NULL \
             AND enterprise_id IN (SELECT value FROM json_each($4))"
        }
        Backend::Postgres => {
            "UPDATE figures SET superseded_at = $1 WHERE year = $2 AND field = $3 AND superseded_at IS NULL \
             AND enterprise_id IN (SELECT CAST(value AS BIGINT) FROM json_array_elements_text(CAST($4 AS json)))"
        }
    };
    for ((year, field), ids) in keys {
        let list = format!(
            "[{}]",
            ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
        );
        sqlx::query(sql)
            .bind(now)
            .bind(year)
            .bind(field)
            .bind(list)
            .execute(&mut *conn)
            .await?;
    }
    debug_assert!(values.iter().all(|v| v.batch_id == Some(batch_id)));
    insert_many(conn, backend, values, now).await
}

/// A current value accepted from an objection or a self-check dispute, with who accepted it
/// and why (the batch's note).
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct AcceptedCorrection {
    /// The enterprise.
    pub enterprise_id: i64,
    /// Field id.
    pub field: String,
    /// The accepted value.
    pub value: Option<f64>,
    /// `objection` or `correction`.
    pub source: String,
    /// When (ms).
    pub recorded_at: i64,
    /// Who accepted it (display name).
    pub accepted_by: Option<String>,
    /// Why (the correction's note).
    pub note: Option<String>,
}

/// The current values of `fields` in `year` that were accepted from an objection or a
/// self-check dispute (an import overwriting them needs a confirmed reason).
pub async fn accepted_corrections(
    conn: &mut AnyConnection,
    year: i64,
    fields: &[&str],
) -> Result<Vec<AcceptedCorrection>, StoreError> {
    if fields.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (2..fields.len() + 2).map(|i| format!("${i}")).collect();
    // Built from placeholders only; the field ids are bound.
    let sql = format!(
        "SELECT f.enterprise_id, f.field, f.value, f.source, f.recorded_at, u.display_name AS accepted_by, b.note \
         FROM figures f LEFT JOIN import_batches b ON b.id = f.batch_id LEFT JOIN users u ON u.id = f.user_id \
         WHERE f.year = $1 AND f.superseded_at IS NULL AND f.source IN ('objection', 'correction') AND f.field IN ({}) \
         ORDER BY f.enterprise_id, f.field",
        placeholders.join(", ")
    );
    let mut q = sqlx::query_as(AssertSqlSafe(sql)).bind(year);
    for f in fields {
        q = q.bind(*f);
    }
    Ok(q.fetch_all(conn).await?)
}
