//! Idle-land and exit cases and their steps. A case row carries its current state (the last
//! step, its deadline, whether it is over) so lists and to-do queries need no step history; the
//! steps are the history and are never changed.

use sqlx::{AnyConnection, AssertSqlSafe};

use crate::enterprises::scope_sql;
use crate::land_projects::bind_scope;
use crate::{Scope, StoreError, now_ms};

/// A case.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Case {
    /// Id.
    pub id: i64,
    /// `idle` or `exit`.
    pub kind: String,
    /// The contract.
    pub contract_id: i64,
    /// The last step's id.
    pub status: String,
    /// The rule's finding in words when the case was opened.
    pub finding: String,
    /// The cause the 认定 found (idle cases).
    pub cause: Option<String>,
    /// Its evidence.
    pub cause_evidence: String,
    /// The agreed option (government cause).
    pub negotiated_option: Option<String>,
    /// The fee decided (分).
    pub fee_fen: Option<i64>,
    /// An exit case's idle case, or the other way round.
    pub linked_case_id: Option<i64>,
    /// The open deadline.
    pub deadline: Option<String>,
    /// 1 once over.
    pub closed: i64,
    /// Opened by.
    pub created_by: Option<i64>,
    /// Opened (ms).
    pub created_at: i64,
    /// Changed (ms).
    pub updated_at: i64,
    /// Version.
    pub version: i64,
}

macro_rules! case_columns {
    () => {
        "k.id, k.kind, k.contract_id, k.status, k.finding, k.cause, k.cause_evidence, k.negotiated_option, k.fee_fen, \
         k.linked_case_id, k.deadline, k.closed, k.created_by, k.created_at, k.updated_at, k.version"
    };
}

/// A case with what lists show of its project.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct CaseRow {
    /// The case.
    #[sqlx(flatten)]
    pub case: Case,
    /// Contract number.
    pub contract_no: String,
    /// Project name.
    pub project_name: String,
    /// Parcel number.
    pub certificate_no: String,
    /// Parcel area (亩).
    pub area_mu: f64,
    /// Location.
    pub location: String,
    /// Holder.
    pub enterprise_id: i64,
    /// Holder's name.
    pub enterprise_name: String,
    /// Holder's county.
    pub region_code: String,
    /// Holder's cluster.
    pub cluster_id: Option<i64>,
}

macro_rules! case_select {
    () => {
        concat!(
            "SELECT ",
            case_columns!(),
            ", c.contract_no, c.project_name, p.certificate_no, p.area_mu, p.location, e.id AS enterprise_id, \
             e.name AS enterprise_name, e.region_code, e.cluster_id FROM land_cases k \
             JOIN land_contracts c ON c.id = k.contract_id JOIN land_parcels p ON p.id = c.parcel_id \
             JOIN enterprises e ON e.id = c.enterprise_id WHERE 1 = 1"
        )
    };
}

/// One step.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct CaseStep {
    /// Id.
    pub id: i64,
    /// The case.
    pub case_id: i64,
    /// Step id.
    pub step: String,
    /// 文号.
    pub doc_no: String,
    /// Issued `YYYY-MM-DD`.
    pub issued_on: String,
    /// Served.
    pub served_on: Option<String>,
    /// Deadline it set.
    pub deadline: Option<String>,
    /// Note.
    pub note: String,
    /// By.
    pub created_by: Option<i64>,
    /// When (ms).
    pub created_at: i64,
}

/// Opens a case (its first step is added by [`add_step`]).
pub async fn insert_case(
    conn: &mut AnyConnection,
    kind: &str,
    contract_id: i64,
    finding: &str,
    user: Option<i64>,
) -> Result<i64, StoreError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO land_cases (kind, contract_id, status, finding, created_by, created_at, updated_at) \
         VALUES ($1, $2, '', $3, $4, $5, $5) RETURNING id",
    )
    .bind(kind)
    .bind(contract_id)
    .bind(finding)
    .bind(user)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// A step to add and what it changes on the case.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NewStep<'a> {
    /// Step id.
    pub step: &'a str,
    /// 文号.
    pub doc_no: &'a str,
    /// Issued.
    pub issued_on: &'a str,
    /// Served.
    pub served_on: Option<&'a str>,
    /// Deadline.
    pub deadline: Option<&'a str>,
    /// Note.
    pub note: &'a str,
    /// The case is over after it.
    pub closes: bool,
    /// Sets the cause and its evidence.
    pub cause: Option<(&'a str, &'a str)>,
    /// Sets the agreed option.
    pub negotiated_option: Option<&'a str>,
    /// Sets the fee (分).
    pub fee_fen: Option<i64>,
    /// Links a case.
    pub linked_case_id: Option<i64>,
}

/// Adds a step to a case read at `version`; fails with a conflict when someone else moved it.
pub async fn add_step(
    conn: &mut AnyConnection,
    case_id: i64,
    version: i64,
    s: &NewStep<'_>,
    user: Option<i64>,
) -> Result<i64, StoreError> {
    let now = now_ms();
    let done = sqlx::query(
        "UPDATE land_cases SET status = $1, deadline = $2, closed = $3, \
         cause = COALESCE($4, cause), cause_evidence = COALESCE($5, cause_evidence), \
         negotiated_option = COALESCE($6, negotiated_option), fee_fen = COALESCE($7, fee_fen), \
         linked_case_id = COALESCE($8, linked_case_id), updated_at = $9, version = version + 1 \
         WHERE id = $10 AND version = $11",
    )
    .bind(s.step)
    .bind(s.deadline)
    .bind(i64::from(s.closes))
    .bind(s.cause.map(|c| c.0))
    .bind(s.cause.map(|c| c.1))
    .bind(s.negotiated_option)
    .bind(s.fee_fen)
    .bind(s.linked_case_id)
    .bind(now)
    .bind(case_id)
    .bind(version)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict("案件"));
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO land_case_steps (case_id, step, doc_no, issued_on, served_on, deadline, note, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(case_id)
    .bind(s.step)
    .bind(s.doc_no)
    .bind(s.issued_on)
    .bind(s.served_on)
    .bind(s.deadline)
    .bind(s.note)
    .bind(user)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// The cases of a kind in a scope (of the holder), open ones first, then by deadline.
pub async fn cases(conn: &mut AnyConnection, kind: &str, scope: &Scope) -> Result<Vec<CaseRow>, StoreError> {
    let mut sql = String::from(concat!(case_select!(), " AND k.kind = $1"));
    let mut next = 2;
    let value = scope_sql(scope, &mut sql, &mut next);
    sql.push_str(" ORDER BY k.closed, k.deadline, k.id");
    Ok(bind_scope(sqlx::query_as(AssertSqlSafe(sql)).bind(kind), value)
        .fetch_all(conn)
        .await?)
}

/// One case, if within the scope.
pub async fn case(conn: &mut AnyConnection, id: i64, scope: &Scope) -> Result<Option<CaseRow>, StoreError> {
    let mut sql = String::from(concat!(case_select!(), " AND k.id = $1"));
    let mut next = 2;
    let value = scope_sql(scope, &mut sql, &mut next);
    Ok(bind_scope(sqlx::query_as(AssertSqlSafe(sql)).bind(id), value)
        .fetch_optional(conn)
        .await?)
}

/// A case's steps, in order.
pub async fn steps(conn: &mut AnyConnection, case_id: i64) -> Result<Vec<CaseStep>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, case_id, step, doc_no, issued_on, served_on, deadline, note, created_by, created_at \
         FROM land_case_steps WHERE case_id = $1 ORDER BY id",
    )
    .bind(case_id)
    .fetch_all(conn)
    .await?)
}

/// The cases of a kind still open per contract: `(contract, case)`.
pub async fn open_cases(conn: &mut AnyConnection, kind: &str) -> Result<Vec<(i64, i64)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT contract_id, id FROM land_cases WHERE kind = $1 AND closed = 0 ORDER BY contract_id",
    )
    .bind(kind)
    .fetch_all(conn)
    .await?)
}

/// Every case's contract and status of a kind (open or over), for the detection lists.
pub async fn all_cases(
    conn: &mut AnyConnection,
    kind: &str,
) -> Result<Vec<(i64, i64, String, i64)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT contract_id, id, status, closed FROM land_cases WHERE kind = $1 ORDER BY contract_id, id",
    )
    .bind(kind)
    .fetch_all(conn)
    .await?)
}

/// The issue date of one kind of step in every case that took it: `(case, issued_on)`.
pub async fn step_dates(conn: &mut AnyConnection, step: &str) -> Result<Vec<(i64, String)>, StoreError> {
    Ok(
        sqlx::query_as("SELECT case_id, issued_on FROM land_case_steps WHERE step = $1 ORDER BY case_id, id")
            .bind(step)
            .fetch_all(conn)
            .await?,
    )
}
