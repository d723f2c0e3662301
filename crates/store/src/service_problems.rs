//! The enterprise problem ledger (问题台账): problems filed for an enterprise, their current state
//! (one row) and every step as an event (history kept: an event is never changed).

use sqlx::{AnyConnection, AssertSqlSafe};

use crate::enterprises::{ScopeValue, scope_sql};
use crate::land_projects::bind_scope;
use crate::{Scope, StoreError, now_ms};

/// A problem with its enterprise and department.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Problem {
    /// Id.
    pub id: i64,
    /// The enterprise.
    pub enterprise_id: i64,
    /// Category (words).
    pub category: String,
    /// Title.
    pub title: String,
    /// What the enterprise wrote.
    pub description: String,
    /// `filed`, `assigned`, `answered`, `closed`.
    pub status: String,
    /// `simple`, `cross`, `complex` once assigned.
    pub difficulty: Option<String>,
    /// The department it is assigned to.
    pub department_id: Option<i64>,
    /// Filed on.
    pub filed_on: String,
    /// Last assigned (or sent back) on.
    pub assigned_on: Option<String>,
    /// The department's deadline.
    pub deadline: Option<String>,
    /// Last answered on.
    pub answered_on: Option<String>,
    /// Closed (销号) on.
    pub closed_on: Option<String>,
    /// The enterprise's last rating: `satisfied`, `basic`, `unsatisfied`.
    pub rating: Option<String>,
    /// Times sent back to the department.
    pub reopened: i64,
    /// Version (optimistic locking).
    pub version: i64,
    /// Enterprise name.
    pub enterprise_name: String,
    /// Enterprise county.
    pub region_code: String,
    /// Enterprise cluster.
    pub cluster_id: Option<i64>,
    /// Department name.
    pub department_name: Option<String>,
}

macro_rules! problem_select {
    () => {
        "SELECT s.id, s.enterprise_id, s.category, s.title, s.description, s.status, s.difficulty, s.department_id, \
         s.filed_on, s.assigned_on, s.deadline, s.answered_on, s.closed_on, s.rating, s.reopened, s.version, \
         e.name AS enterprise_name, e.region_code, e.cluster_id, d.name AS department_name \
         FROM service_problems s JOIN enterprises e ON e.id = s.enterprise_id \
         LEFT JOIN departments d ON d.id = s.department_id WHERE 1 = 1"
    };
}

/// A problem to record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewProblem<'a> {
    /// The enterprise.
    pub enterprise_id: i64,
    /// Category.
    pub category: &'a str,
    /// Title.
    pub title: &'a str,
    /// Text.
    pub description: &'a str,
    /// Filed on.
    pub filed_on: &'a str,
}

/// The state of a problem after a step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProblemState {
    /// Status id.
    pub status: &'static str,
    /// Difficulty id.
    pub difficulty: Option<String>,
    /// Department.
    pub department_id: Option<i64>,
    /// Assigned on.
    pub assigned_on: Option<String>,
    /// Deadline.
    pub deadline: Option<String>,
    /// Answered on.
    pub answered_on: Option<String>,
    /// Closed on.
    pub closed_on: Option<String>,
    /// Rating id.
    pub rating: Option<String>,
    /// Times sent back.
    pub reopened: i64,
}

/// One step of a problem.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Event {
    /// Id.
    pub id: i64,
    /// `filed`, `assigned`, `answered`, `rated`, `reopened`, `closed`.
    pub kind: String,
    /// Date.
    pub on_date: String,
    /// Text (assignment note, answer, rating comment).
    pub body: String,
    /// The department concerned.
    pub department_id: Option<i64>,
    /// Attachment file name.
    pub attachment_name: Option<String>,
    /// Who (display name), when known.
    pub by_name: Option<String>,
}

/// An event to record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEvent<'a> {
    /// Kind id.
    pub kind: &'static str,
    /// Date.
    pub on_date: &'a str,
    /// Text.
    pub body: &'a str,
    /// Department concerned.
    pub department_id: Option<i64>,
    /// Attachment `(name, bytes)`.
    pub attachment: Option<(&'a str, &'a [u8])>,
}

/// Records a problem (status `filed`) with its first event; returns its id.
pub async fn insert(
    conn: &mut AnyConnection,
    p: &NewProblem<'_>,
    attachment: Option<(&str, &[u8])>,
    user: Option<i64>,
) -> Result<i64, StoreError> {
    let now = now_ms();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO service_problems (enterprise_id, category, title, description, status, filed_on, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 'filed', $5, $6, $7, $7) RETURNING id",
    )
    .bind(p.enterprise_id)
    .bind(p.category)
    .bind(p.title)
    .bind(p.description)
    .bind(p.filed_on)
    .bind(user)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    add_event(
        conn,
        id,
        &NewEvent {
            kind: "filed",
            on_date: p.filed_on,
            body: "",
            department_id: None,
            attachment,
        },
        user,
    )
    .await?;
    Ok(id)
}

/// Moves a problem read at `version` to `state` and records the step.
pub async fn advance(
    conn: &mut AnyConnection,
    id: i64,
    version: i64,
    state: &ProblemState,
    event: &NewEvent<'_>,
    user: Option<i64>,
) -> Result<(), StoreError> {
    let changed = sqlx::query(
        "UPDATE service_problems SET status = $1, difficulty = $2, department_id = $3, assigned_on = $4, deadline = $5, \
         answered_on = $6, closed_on = $7, rating = $8, reopened = $9, updated_at = $10, version = version + 1 \
         WHERE id = $11 AND version = $12",
    )
    .bind(state.status)
    .bind(state.difficulty.as_deref())
    .bind(state.department_id)
    .bind(state.assigned_on.as_deref())
    .bind(state.deadline.as_deref())
    .bind(state.answered_on.as_deref())
    .bind(state.closed_on.as_deref())
    .bind(state.rating.as_deref())
    .bind(state.reopened)
    .bind(now_ms())
    .bind(id)
    .bind(version)
    .execute(&mut *conn)
    .await?;
    if changed.rows_affected() == 0 {
        return Err(StoreError::Conflict("问题"));
    }
    add_event(conn, id, event, user).await
}

async fn add_event(
    conn: &mut AnyConnection,
    problem_id: i64,
    e: &NewEvent<'_>,
    user: Option<i64>,
) -> Result<(), StoreError> {
    let (name, bytes) = match e.attachment {
        Some((n, b)) => (Some(n), Some(b.to_vec())),
        None => (None, None),
    };
    sqlx::query(
        "INSERT INTO service_problem_events (problem_id, kind, on_date, body, department_id, attachment_name, attachment, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(problem_id)
    .bind(e.kind)
    .bind(e.on_date)
    .bind(e.body)
    .bind(e.department_id)
    .bind(name)
    .bind(bytes)
    .bind(user)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

/// What to list: the enterprises of a scope, optionally only the problems of one department.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProblemFilter {
    /// Enterprises.
    pub scope: Scope,
    /// Only problems assigned to this department.
    pub department_id: Option<i64>,
}

fn filtered(f: &ProblemFilter, sql: &mut String, next: &mut usize) -> (Option<ScopeValue>, Option<i64>) {
    let value = scope_sql(&f.scope, sql, next);
    if let Some(d) = f.department_id {
        sql.push_str(&format!(" AND s.department_id = ${next}"));
        *next += 1;
        return (value, Some(d));
    }
    (value, None)
}

/// The problems matching `f`, open ones first, then by deadline and id.
pub async fn list(conn: &mut AnyConnection, f: &ProblemFilter) -> Result<Vec<Problem>, StoreError> {
    let mut sql = String::from(problem_select!());
    let mut next = 1;
    let (value, dept) = filtered(f, &mut sql, &mut next);
    sql.push_str(" ORDER BY CASE WHEN s.status = 'closed' THEN 1 ELSE 0 END, s.deadline, s.id");
    let q = bind_scope(sqlx::query_as(AssertSqlSafe(sql)), value);
    let q = match dept {
        Some(d) => q.bind(d),
        None => q,
    };
    Ok(q.fetch_all(conn).await?)
}

/// One problem, if it matches `f`.
pub async fn get(
    conn: &mut AnyConnection,
    id: i64,
    f: &ProblemFilter,
) -> Result<Option<Problem>, StoreError> {
    let mut sql = String::from(concat!(problem_select!(), " AND s.id = $1"));
    let mut next = 2;
    let (value, dept) = filtered(f, &mut sql, &mut next);
    let q = bind_scope(sqlx::query_as(AssertSqlSafe(sql)).bind(id), value);
    let q = match dept {
        Some(d) => q.bind(d),
        None => q,
    };
    Ok(q.fetch_optional(conn).await?)
}

/// The steps of a problem, oldest first.
pub async fn events(conn: &mut AnyConnection, problem_id: i64) -> Result<Vec<Event>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT v.id, v.kind, v.on_date, v.body, v.department_id, v.attachment_name, u.display_name AS by_name \
         FROM service_problem_events v LEFT JOIN users u ON u.id = v.created_by WHERE v.problem_id = $1 ORDER BY v.id",
    )
    .bind(problem_id)
    .fetch_all(conn)
    .await?)
}

/// The attachment of an event: `(problem, name, bytes)`.
pub async fn attachment(
    conn: &mut AnyConnection,
    event_id: i64,
) -> Result<Option<(i64, String, Vec<u8>)>, StoreError> {
    let row: Option<(i64, Option<String>, Option<Vec<u8>>)> = sqlx::query_as(
        "SELECT problem_id, attachment_name, attachment FROM service_problem_events WHERE id = $1",
    )
    .bind(event_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.and_then(|(p, n, b)| Some((p, n?, b?))))
}
