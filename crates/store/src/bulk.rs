//! Set-based inserts of many rows, for tables written a hundred thousand rows at a time (an
//! evaluation run's inputs and results). SQLite gets multi-row `VALUES` statements with `?`
//! placeholders; PostgreSQL gets one array literal per column and chunk expanded by `unnest`,
//! which costs far less than binding that many scalar parameters through sqlx's `Any` driver.
//! A large load into an empty table builds the table's indexes after the rows are in.

use std::fmt::Write;

use sqlx::{AnyConnection, AssertSqlSafe};

use crate::{Backend, StoreError};

/// A column's SQL type, for the PostgreSQL record definition and the NULL-safe casts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// BIGINT / INTEGER.
    Int,
    /// DOUBLE PRECISION / REAL.
    Real,
    /// TEXT.
    Text,
}

/// One cell.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Val<'a> {
    /// An integer or NULL.
    Int(Option<i64>),
    /// A decimal or NULL.
    Real(Option<f64>),
    /// A text or NULL.
    Text(Option<&'a str>),
}

/// The columns' names as a SELECT list, each prefixed (e.g. `"i."`), in `columns` order.
pub(crate) fn select_list(columns: &[(&str, Kind)], prefix: &str) -> String {
    columns
        .iter()
        .map(|(c, _)| format!("{prefix}{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Inserts `rows` (each with one value per column, in `columns` order) into `table`.
pub(crate) async fn insert(
    conn: &mut AnyConnection,
    backend: Backend,
    table: &str,
    columns: &[(&str, Kind)],
    rows: &[Vec<Val<'_>>],
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    // Loading a large batch into an empty table (a demo, a first registry import): the
    // secondary indexes are dropped and built again afterwards, in the same transaction. Building
    // an index from sorted data costs a fraction of maintaining it row by row (4 million figures
    // on PostgreSQL: 8 s instead of 24 s).
    let rebuild = if rows.len() >= REBUILD_AT && is_empty(conn, table).await? {
        drop_indexes(conn, backend, table).await?
    } else {
        Vec::new()
    };
    insert_rows(conn, backend, table, columns, rows).await?;
    if backend == Backend::Postgres && !rebuild.is_empty() {
        // Sorting a few million keys in memory rather than in temporary files (this
        // transaction only).
        sqlx::query("SET LOCAL maintenance_work_mem = '256MB'")
            .execute(&mut *conn)
            .await?;
    }
    for definition in rebuild {
        // The definition was read from the database's own catalog (our migrations).
        sqlx::query(AssertSqlSafe(definition)).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Rows from which [`insert`] into an empty table builds the indexes after loading.
const REBUILD_AT: usize = 50_000;

/// Whether `table` holds no row.
async fn is_empty(conn: &mut AnyConnection, table: &str) -> Result<bool, StoreError> {
    // The table name is the caller's static name.
    let row: Option<(i64,)> = sqlx::query_as(AssertSqlSafe(format!("SELECT 1 FROM {table} LIMIT 1")))
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.is_none())
}

/// Drops the indexes of `table` that no constraint owns; returns their definitions.
async fn drop_indexes(
    conn: &mut AnyConnection,
    backend: Backend,
    table: &str,
) -> Result<Vec<String>, StoreError> {
    let indexes: Vec<(String, String)> = match backend {
        Backend::Sqlite => {
            // Indexes of UNIQUE and PRIMARY KEY constraints have no SQL text.
            sqlx::query_as(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL",
            )
            .bind(table)
            .fetch_all(&mut *conn)
            .await?
        }
        Backend::Postgres => {
            sqlx::query_as(
                "SELECT i.relname::text, pg_get_indexdef(i.oid) FROM pg_index x \
                 JOIN pg_class i ON i.oid = x.indexrelid \
                 WHERE x.indrelid = CAST($1 AS regclass) \
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)",
            )
            .bind(table)
            .fetch_all(&mut *conn)
            .await?
        }
    };
    let mut definitions = Vec::with_capacity(indexes.len());
    for (name, definition) in indexes {
        // The name was read from the catalog; quoted as an identifier.
        sqlx::query(AssertSqlSafe(format!(
            "DROP INDEX \"{}\"",
            name.replace('"', "\"\"")
        )))
        .execute(&mut *conn)
        .await?;
        definitions.push(definition);
    }
    Ok(definitions)
}

/// The multi-row statements of [`insert`].
async fn insert_rows(
    conn: &mut AnyConnection,
    backend: Backend,
    table: &str,
    columns: &[(&str, Kind)],
    rows: &[Vec<Val<'_>>],
) -> Result<(), StoreError> {
    let names: Vec<&str> = columns.iter().map(|c| c.0).collect();
    match backend {
        Backend::Sqlite => {
            // SQLite accepts 32766 parameters per statement.
            let per = (30_000 / columns.len()).max(1);
            for chunk in rows.chunks(per) {
                let mut sql = format!("INSERT INTO {table} ({}) VALUES ", names.join(", "));
                for i in 0..chunk.len() {
                    sql.push_str(if i == 0 { "(" } else { ",(" });
                    for (j, (_, kind)) in columns.iter().enumerate() {
                        if j > 0 {
                            sql.push(',');
                        }
                        // A NULL decimal travels as text (see `opt_f64`).
                        sql.push_str(if *kind == Kind::Real {
                            "CAST(? AS REAL)"
                        } else {
                            "?"
                        });
                    }
                    sql.push(')');
                }
                // Built from the caller's static table and column names and placeholders only.
                let mut q = sqlx::query(AssertSqlSafe(sql));
                for row in chunk {
                    for v in row {
                        q = match v {
                            Val::Int(x) => q.bind(*x),
                            Val::Real(x) => q.bind(crate::opt_f64(*x)),
                            Val::Text(x) => q.bind(x.map(str::to_owned)),
                        };
                    }
                }
                q.execute(&mut *conn).await?;
            }
        }
        Backend::Postgres => {
            // One array literal per column, expanded by a multi-argument `unnest`: the server
            // parses a compact text per column (no key per value as in JSON), and sqlx's `Any`
            // driver binds a handful of parameters per chunk instead of one per value.
            let arrays: Vec<String> = columns
                .iter()
                .enumerate()
                .map(|(j, (_, k))| {
                    let t = match k {
                        Kind::Int => "bigint[]",
                        Kind::Real => "double precision[]",
                        Kind::Text => "text[]",
                    };
                    format!("CAST(${} AS {t})", j + 1)
                })
                .collect();
            let sql = format!(
                "INSERT INTO {table} ({}) SELECT * FROM unnest({})",
                names.join(", "),
                arrays.join(", ")
            );
            for chunk in rows.chunks(50_000) {
                let mut q = sqlx::query(AssertSqlSafe(sql.clone()));
                for j in 0..columns.len() {
                    let mut text = String::with_capacity(chunk.len() * 12);
                    text.push('{');
                    for (i, row) in chunk.iter().enumerate() {
                        if i > 0 {
                            text.push(',');
                        }
                        match &row[j] {
                            Val::Int(Some(x)) => {
                                let _ = write!(text, "{x}");
                            }
                            Val::Real(Some(x)) if x.is_finite() => {
                                let _ = write!(text, "{x:?}");
                            }
                            Val::Text(Some(s)) => array_string(&mut text, s),
                            _ => text.push_str("NULL"),
                        }
                    }
                    text.push('}');
                    q = q.bind(text);
                }
                // Built from the caller's static names; the data is bound, one text per column.
                q.execute(&mut *conn).await?;
            }
        }
    }
    Ok(())
}

/// Appends a quoted element of a PostgreSQL array literal.
fn array_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_elements_escape_quotes_and_backslashes() {
        let mut s = String::new();
        array_string(&mut s, "a\"b\\c\nd中,{}");
        assert_eq!(s, "\"a\\\"b\\\\c\nd中,{}\"");
    }
}
