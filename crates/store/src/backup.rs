//! A logical backup of the whole database, the same on both backends: every table's rows read
//! in one snapshot transaction and written as JSON lines, and restored into an empty database
//! (of either backend) in one transaction, parents before children. Values keep their exact
//! form: integers as integers, decimals in their shortest exact text, binary data (uploaded
//! files, attachments) as hex.
//!
//! ```text
//! {"format":"mujun-backup","version":1,"backend":"sqlite","created_at":…,"migration":8}
//! {"table":"departments","columns":["id","code","name"]}
//! [1,"tax","税务局"]
//! …
//! {"end":true,"tables":44,"rows":123456}
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Write};

use futures_util::TryStreamExt;
use sqlx::{AnyConnection, Row};

use crate::{Backend, Store, StoreError, now_ms};

/// The kind of a column's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Integer,
    Float,
    Text,
    Bytes,
}

fn kind_of(declared: &str) -> Kind {
    let t = declared.to_ascii_lowercase();
    if t.contains("int") {
        Kind::Integer
    } else if t.contains("real") || t.contains("double") || t.contains("float") || t.contains("numeric") {
        Kind::Float
    } else if t.contains("blob") || t.contains("bytea") {
        Kind::Bytes
    } else {
        Kind::Text
    }
}

/// What a backup reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// Tables written or restored.
    pub tables: usize,
    /// Rows written or restored.
    pub rows: u64,
}

fn bad(why: impl std::fmt::Display) -> StoreError {
    StoreError::Backup(why.to_string())
}

/// The application's tables (not the migration bookkeeping), parents before children.
async fn tables(conn: &mut AnyConnection, backend: Backend) -> Result<Vec<String>, StoreError> {
    let (names, edges): (Vec<(String,)>, Vec<(String, String)>) = match backend {
        Backend::Sqlite => (
            sqlx::query_as(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
                 AND name <> '_sqlx_migrations' ORDER BY name",
            )
            .fetch_all(&mut *conn)
            .await?,
            sqlx::query_as(
                "SELECT m.name, p.\"table\" FROM sqlite_master m, pragma_foreign_key_list(m.name) p \
                 WHERE m.type = 'table'",
            )
            .fetch_all(&mut *conn)
            .await?,
        ),
        Backend::Postgres => (
            sqlx::query_as(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() \
                 AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations' ORDER BY table_name",
            )
            .fetch_all(&mut *conn)
            .await?,
            sqlx::query_as(
                "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text FROM pg_constraint c \
                 WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace",
            )
            .fetch_all(&mut *conn)
            .await?,
        ),
    };
    let names: Vec<String> = names.into_iter().map(|(n,)| n).collect();
    let mut parents: BTreeMap<&str, BTreeSet<&str>> =
        names.iter().map(|n| (n.as_str(), BTreeSet::new())).collect();
    for (child, parent) in &edges {
        let parent = parent.trim_matches('"');
        if child != parent
            && let Some(p) = parents.get_mut(child.trim_matches('"'))
            && names.iter().any(|n| n == parent)
        {
            p.insert(parent);
        }
    }
    // Kahn's algorithm, alphabetical among equals so that the order is stable.
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    while out.len() < names.len() {
        let ready: Vec<&str> = parents
            .iter()
            .filter(|(n, ps)| !out.iter().any(|o| o == *n) && ps.iter().all(|p| out.iter().any(|o| o == p)))
            .map(|(n, _)| *n)
            .collect();
        if ready.is_empty() {
            return Err(bad("数据表之间的外键形成循环，无法确定恢复顺序"));
        }
        out.extend(ready.into_iter().map(str::to_owned));
    }
    Ok(out)
}

/// The columns of a table and their kinds, in their declared order.
async fn columns(
    conn: &mut AnyConnection,
    backend: Backend,
    table: &str,
) -> Result<Vec<(String, Kind)>, StoreError> {
    let rows: Vec<(String, String)> = match backend {
        Backend::Sqlite => {
            sqlx::query_as("SELECT name, type FROM pragma_table_info($1) ORDER BY cid")
                .bind(table)
                .fetch_all(conn)
                .await?
        }
        Backend::Postgres => {
            sqlx::query_as(
                "SELECT column_name::text, data_type::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            )
            .bind(table)
            .fetch_all(conn)
            .await?
        }
    };
    Ok(rows.into_iter().map(|(n, t)| (n, kind_of(&t))).collect())
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Reads one value of a row as JSON.
fn value(row: &sqlx::any::AnyRow, i: usize, kind: Kind) -> Result<serde_json::Value, StoreError> {
    use serde_json::Value;
    Ok(match kind {
        Kind::Integer => row.try_get::<Option<i64>, _>(i)?.map_or(Value::Null, Value::from),
        Kind::Float => {
            // SQLite may hold a whole number in a REAL column as an integer.
            let v = match row.try_get::<Option<f64>, _>(i) {
                Ok(v) => v,
                Err(_) => row.try_get::<Option<i64>, _>(i)?.map(|n| n as f64),
            };
            // As text in Rust's shortest form that reads back as the same f64 (a JSON number
            // could be re-read one unit off by a fast parser).
            match v {
                None => Value::Null,
                Some(x) if x.is_finite() => Value::String(format!("{x:?}")),
                Some(_) => return Err(bad("数据中有非有限的小数，无法备份")),
            }
        }
        Kind::Text => row
            .try_get::<Option<String>, _>(i)?
            .map_or(Value::Null, Value::from),
        Kind::Bytes => row
            .try_get::<Option<Vec<u8>>, _>(i)?
            .map_or(Value::Null, |b| serde_json::json!({ "hex": hex::encode(b) })),
    })
}

fn line(out: &mut dyn Write, v: &serde_json::Value) -> Result<(), StoreError> {
    serde_json::to_writer(&mut *out, v).map_err(bad)?;
    out.write_all(b"\n").map_err(bad)
}

impl Store {
    /// Writes every row of every table, as of one moment, to `out`. Other servers keep working
    /// meanwhile (PostgreSQL: a REPEATABLE READ snapshot; SQLite: a read transaction under WAL).
    pub async fn backup(&self, out: &mut dyn Write) -> Result<Summary, StoreError> {
        let backend = self.backend();
        let mut tx = self.snapshot().await?;
        let migration: (i64,) = sqlx::query_as("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations")
            .fetch_one(&mut *tx)
            .await?;
        line(
            out,
            &serde_json::json!({
                "format": "mujun-backup",
                "version": 1,
                "backend": match backend { Backend::Sqlite => "sqlite", Backend::Postgres => "postgres" },
                "created_at": now_ms(),
                "migration": migration.0,
            }),
        )?;
        let names = tables(&mut tx, backend).await?;
        let mut rows = 0u64;
        for t in &names {
            let cols = columns(&mut tx, backend, t).await?;
            line(
                out,
                &serde_json::json!({"table": t, "columns": cols.iter().map(|(n, _)| n).collect::<Vec<_>>()}),
            )?;
            let list = cols.iter().map(|(n, _)| quoted(n)).collect::<Vec<_>>().join(", ");
            let sql = format!("SELECT {list} FROM {}", quoted(t));
            let mut stream = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(&mut *tx);
            while let Some(row) = stream.try_next().await? {
                let values = cols
                    .iter()
                    .enumerate()
                    .map(|(i, (_, k))| value(&row, i, *k))
                    .collect::<Result<Vec<_>, _>>()?;
                line(out, &serde_json::Value::Array(values))?;
                rows += 1;
            }
        }
        line(
            out,
            &serde_json::json!({"end": true, "tables": names.len(), "rows": rows}),
        )?;
        out.flush().map_err(bad)?;
        Ok(Summary {
            tables: names.len(),
            rows,
        })
    }

    /// Restores a backup into this store, which must be freshly migrated and empty. All or
    /// nothing: one transaction, committed only after the end marker and every row went in.
    pub async fn restore(&self, input: &mut dyn BufRead) -> Result<Summary, StoreError> {
        let backend = self.backend();
        let mut tx = self.begin().await?;
        let names = tables(&mut tx, backend).await?;
        for t in &names {
            let (n,): (i64,) =
                sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {}", quoted(t))))
                    .fetch_one(&mut *tx)
                    .await?;
            let seeded_head = t == "audit_head" && n == 1;
            if n > 0 && !seeded_head {
                return Err(bad(format!(
                    "目标数据库不是空库：表 {t} 已有 {n} 行。请恢复到新建的空数据库"
                )));
            }
        }
        let (head_id, _) = crate::audit::head(&mut tx).await?;
        if head_id != 0 {
            return Err(bad("目标数据库已有审计记录，请恢复到新建的空数据库"));
        }
        sqlx::query("DELETE FROM audit_head").execute(&mut *tx).await?;

        let mut lines = input.lines();
        let mut next = || -> Result<Option<serde_json::Value>, StoreError> {
            match lines.next() {
                None => Ok(None),
                Some(l) => {
                    let l = l.map_err(|e| bad(format!("无法读取备份文件：{e}")))?;
                    serde_json::from_str(&l)
                        .map(Some)
                        .map_err(|e| bad(format!("备份文件格式有误：{e}")))
                }
            }
        };
        let header = next()?.ok_or_else(|| bad("备份文件为空"))?;
        if header["format"] != "mujun-backup" || header["version"] != 1 {
            return Err(bad("不是 mujun 备份文件，或版本不受支持"));
        }
        let (ours,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations")
            .fetch_one(&mut *tx)
            .await?;
        if header["migration"].as_i64() != Some(ours) {
            return Err(bad(format!(
                "备份的数据库结构版本为 {}，本程序为 {ours}：请用同一版本的 mujun 恢复",
                header["migration"]
            )));
        }
        let mut current: Option<(String, Vec<Kind>, String)> = None;
        let (mut rows, mut restored) = (0u64, BTreeSet::new());
        let end = loop {
            let Some(v) = next()? else {
                return Err(bad("备份文件不完整（缺少结束标记），未恢复任何数据"));
            };
            match v {
                serde_json::Value::Array(values) => {
                    let Some((table, kinds, sql)) = &current else {
                        return Err(bad("备份文件格式有误：数据行之前缺少表头"));
                    };
                    if values.len() != kinds.len() {
                        return Err(bad(format!("备份文件中表 {table} 的一行列数不符")));
                    }
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
                    for (v, k) in values.iter().zip(kinds) {
                        q = bind(q, v, *k, backend)?;
                    }
                    q.execute(&mut *tx).await?;
                    rows += 1;
                }
                serde_json::Value::Object(ref o) if o.contains_key("table") => {
                    let table = o["table"].as_str().unwrap_or_default().to_owned();
                    if !names.contains(&table) {
                        return Err(bad(format!("备份中的表 {table} 在本数据库中不存在")));
                    }
                    let ours = columns(&mut tx, backend, &table).await?;
                    let theirs: Vec<String> = o["columns"]
                        .as_array()
                        .map(|a| a.iter().filter_map(|c| c.as_str().map(str::to_owned)).collect())
                        .unwrap_or_default();
                    let mut kinds = Vec::with_capacity(theirs.len());
                    for c in &theirs {
                        let k = ours
                            .iter()
                            .find(|(n, _)| n == c)
                            .ok_or_else(|| bad(format!("表 {table} 没有列 {c}")))?
                            .1;
                        kinds.push(k);
                    }
                    let placeholders = kinds
                        .iter()
                        .enumerate()
                        .map(|(i, k)| placeholder(i + 1, *k, backend))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let sql = format!(
                        "INSERT INTO {} ({}) VALUES ({placeholders})",
                        quoted(&table),
                        theirs.iter().map(|c| quoted(c)).collect::<Vec<_>>().join(", ")
                    );
                    restored.insert(table.clone());
                    current = Some((table, kinds, sql));
                }
                serde_json::Value::Object(ref o) if o.get("end") == Some(&serde_json::Value::Bool(true)) => {
                    break v;
                }
                _ => return Err(bad("备份文件格式有误：无法识别的行")),
            }
        };
        if end["rows"].as_u64() != Some(rows) {
            return Err(bad(format!(
                "备份文件记录 {} 行，实际读到 {rows} 行",
                end["rows"]
            )));
        }
        if backend == Backend::Postgres {
            // Identity columns continue after the restored ids.
            let identities: Vec<(String, String)> = sqlx::query_as(
                "SELECT table_name::text, column_name::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND is_identity = 'YES'",
            )
            .fetch_all(&mut *tx)
            .await?;
            for (t, c) in identities {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT setval(pg_get_serial_sequence('{t}', '{c}'), COALESCE((SELECT MAX({}) FROM {}), 0) + 1, false)",
                    quoted(&c),
                    quoted(&t)
                )))
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(Summary {
            tables: restored.len(),
            rows,
        })
    }
}

/// The placeholder of a value: PostgreSQL receives numbers as text cast to the column's type
/// (one parameter type whether or not the value is NULL, and decimals parsed exactly).
fn placeholder(n: usize, kind: Kind, backend: Backend) -> String {
    match (backend, kind) {
        (Backend::Postgres, Kind::Integer) => format!("CAST(${n} AS BIGINT)"),
        (Backend::Postgres, Kind::Float) => format!("CAST(${n} AS DOUBLE PRECISION)"),
        _ => format!("${n}"),
    }
}

type Query<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

fn bind<'q>(
    q: Query<'q>,
    v: &serde_json::Value,
    kind: Kind,
    backend: Backend,
) -> Result<Query<'q>, StoreError> {
    use serde_json::Value;
    let wrong = || bad(format!("备份文件中的值 {v} 与列的类型不符"));
    Ok(match (kind, backend) {
        (Kind::Bytes, _) => match v {
            Value::Null => q.bind(None::<Vec<u8>>),
            _ => q.bind(Some(
                hex::decode(v["hex"].as_str().ok_or_else(wrong)?).map_err(|_| wrong())?,
            )),
        },
        (Kind::Text, _) => match v {
            Value::Null => q.bind(None::<String>),
            Value::String(s) => q.bind(Some(s.clone())),
            _ => return Err(wrong()),
        },
        (Kind::Integer, Backend::Postgres) => match v {
            Value::Null => q.bind(None::<String>),
            Value::Number(n) if n.is_i64() => q.bind(Some(n.to_string())),
            _ => return Err(wrong()),
        },
        (Kind::Float, Backend::Postgres) => match v {
            Value::Null => q.bind(None::<String>),
            Value::String(s) if s.parse::<f64>().is_ok() => q.bind(Some(s.clone())),
            _ => return Err(wrong()),
        },
        (Kind::Integer, Backend::Sqlite) => match v {
            Value::Null => q.bind(None::<i64>),
            _ => q.bind(Some(v.as_i64().ok_or_else(wrong)?)),
        },
        (Kind::Float, Backend::Sqlite) => match v {
            Value::Null => q.bind(None::<f64>),
            _ => q.bind(Some(
                v.as_str().and_then(|s| s.parse::<f64>().ok()).ok_or_else(wrong)?,
            )),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_types() {
        assert_eq!(kind_of("INTEGER"), Kind::Integer);
        assert_eq!(kind_of("bigint"), Kind::Integer);
        assert_eq!(kind_of("double precision"), Kind::Float);
        assert_eq!(kind_of("REAL"), Kind::Float);
        assert_eq!(kind_of("BLOB"), Kind::Bytes);
        assert_eq!(kind_of("bytea"), Kind::Bytes);
        assert_eq!(kind_of("TEXT"), Kind::Text);
    }
}
