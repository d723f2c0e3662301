//! Set-based inserts of many rows, for tables written a hundred thousand rows at a time (an
//! evaluation run's inputs and results). SQLite gets multi-row `VALUES` statements with `?`
//! placeholders; PostgreSQL gets one JSON text per chunk expanded by `json_to_recordset`, which
//! costs far less than binding that many scalar parameters through sqlx's `Any` driver.

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
            let record: Vec<String> = columns
                .iter()
                .enumerate()
                .map(|(j, (_, k))| {
                    let t = match k {
                        Kind::Int => "bigint",
                        Kind::Real => "double precision",
                        Kind::Text => "text",
                    };
                    format!("c{j} {t}")
                })
                .collect();
            let select: Vec<String> = (0..columns.len()).map(|j| format!("c{j}")).collect();
            let sql = format!(
                "INSERT INTO {table} ({}) SELECT {} FROM json_to_recordset(CAST($1 AS json)) AS x({})",
                names.join(", "),
                select.join(", "),
                record.join(", ")
            );
            for chunk in rows.chunks(20_000) {
                let mut json = String::with_capacity(chunk.len() * 64 * columns.len() / 4);
                json.push('[');
                for (i, row) in chunk.iter().enumerate() {
                    if i > 0 {
                        json.push(',');
                    }
                    json.push('{');
                    for (j, v) in row.iter().enumerate() {
                        if j > 0 {
                            json.push(',');
                        }
                        let _ = write!(json, "\"c{j}\":");
                        match v {
                            Val::Int(Some(x)) => {
                                let _ = write!(json, "{x}");
                            }
                            Val::Real(Some(x)) if x.is_finite() => {
                                let _ = write!(json, "{x:?}");
                            }
                            Val::Text(Some(s)) => json_string(&mut json, s),
                            _ => json.push_str("null"),
                        }
                    }
                    json.push('}');
                }
                json.push(']');
                // Built from the caller's static names; the data is one bound parameter.
                sqlx::query(AssertSqlSafe(sql.clone()))
                    .bind(json)
                    .execute(&mut *conn)
                    .await?;
            }
        }
    }
    Ok(())
}

/// Appends a JSON string literal.
fn json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_escape_quotes_and_controls() {
        let mut s = String::new();
        json_string(&mut s, "a\"b\\c\nd中");
        assert_eq!(s, "\"a\\\"b\\\\c\\u000ad中\"");
    }
}
