//! The action plan's key tasks (重点工作任务分工): each task with its lead and co-operating units
//! and the progress reports of those units (history kept: a report never replaces one).

use sqlx::AnyConnection;

use crate::{StoreError, now_ms};

/// A task.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Task {
    /// Id.
    pub id: i64,
    /// The plan's document number (e.g. 驻政办〔2019〕125号).
    pub document: String,
    /// Heading number (1-based, in the table's order).
    pub heading_no: i64,
    /// Heading (e.g. 以亩产论英雄,提高亩均产出效益).
    pub heading: String,
    /// Number under the heading.
    pub seq: i64,
    /// The task (专项工作).
    pub title: String,
    /// 牵头部门 as the table writes it.
    pub lead_text: String,
    /// 配合部门 as the table writes it.
    pub co_text: String,
    /// `monthly` / `quarterly`.
    pub period: String,
    /// Reports are due from this date's period on.
    pub tracking_from: String,
    /// 1 once the city marks it done.
    pub done: i64,
    /// Version.
    pub version: i64,
}

/// A unit of a task that reports: a department, or the county governments.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Unit {
    /// The task.
    pub task_id: i64,
    /// Order within the task.
    pub ord: i64,
    /// 1: lead unit; 0: co-operating.
    pub lead: i64,
    /// Name as written.
    pub name: String,
    /// The department, when it has accounts here.
    pub department_id: Option<i64>,
    /// 1: the county governments (各县区人民政府).
    pub counties: i64,
}

/// A progress report (without its attachment's bytes).
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Report {
    /// Id.
    pub id: i64,
    /// The task.
    pub task_id: i64,
    /// Period (`2026-11`, `2026-Q4`).
    pub period: String,
    /// 1: the lead unit's report; 0: a co-operating unit's part.
    pub lead: i64,
    /// Reporting unit.
    pub unit: String,
    /// Reporting department.
    pub department_id: Option<i64>,
    /// Reporting county.
    pub region_code: Option<String>,
    /// `on_track`, `behind`, `done`.
    pub status: String,
    /// What was done.
    pub body: String,
    /// Reported on.
    pub reported_on: String,
    /// Attachment file name.
    pub attachment_name: Option<String>,
    /// Who (display name).
    pub by_name: Option<String>,
}

/// A task to preload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewTask<'a> {
    /// Document.
    pub document: &'a str,
    /// Heading number.
    pub heading_no: i64,
    /// Heading.
    pub heading: &'a str,
    /// Number.
    pub seq: i64,
    /// Title.
    pub title: &'a str,
    /// Lead text.
    pub lead_text: &'a str,
    /// Co text.
    pub co_text: &'a str,
    /// Period id.
    pub period: &'a str,
    /// Tracking from.
    pub tracking_from: &'a str,
}

/// A unit to record: `(lead, name, department, counties)`.
pub type NewUnit<'a> = (bool, &'a str, Option<i64>, bool);

/// Records a task with its units; returns its id.
pub async fn insert(
    conn: &mut AnyConnection,
    t: &NewTask<'_>,
    units: &[NewUnit<'_>],
) -> Result<i64, StoreError> {
    let now = now_ms();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO plan_tasks (document, heading_no, heading, seq, title, lead_text, co_text, period, tracking_from, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(t.document)
    .bind(t.heading_no)
    .bind(t.heading)
    .bind(t.seq)
    .bind(t.title)
    .bind(t.lead_text)
    .bind(t.co_text)
    .bind(t.period)
    .bind(t.tracking_from)
    .bind(now)
    .fetch_one(&mut *conn)
    .await
    .map_err(StoreError::unique("任务序号"))?;
    for (ord, (lead, name, dept, counties)) in units.iter().enumerate() {
        sqlx::query(
            "INSERT INTO plan_task_units (task_id, ord, lead, name, department_id, counties) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(ord as i64)
        .bind(i64::from(*lead))
        .bind(*name)
        .bind(*dept)
        .bind(i64::from(*counties))
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

const TASK_SELECT: &str = "SELECT id, document, heading_no, heading, seq, title, lead_text, co_text, period, tracking_from, done, version FROM plan_tasks";

/// Every task in the table's order.
pub async fn list(conn: &mut AnyConnection) -> Result<Vec<Task>, StoreError> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{TASK_SELECT} ORDER BY document, heading_no, seq"
    )))
    .fetch_all(conn)
    .await?)
}

/// One task.
pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<Task>, StoreError> {
    Ok(
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{TASK_SELECT} WHERE id = $1")))
            .bind(id)
            .fetch_optional(conn)
            .await?,
    )
}

/// Every task's units, by task and order.
pub async fn units(conn: &mut AnyConnection) -> Result<Vec<Unit>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT task_id, ord, lead, name, department_id, counties FROM plan_task_units ORDER BY task_id, ord",
    )
    .fetch_all(conn)
    .await?)
}

/// Changes a task's reporting period and whether it is done (read at `version`).
pub async fn set_settings(
    conn: &mut AnyConnection,
    id: i64,
    version: i64,
    period: &str,
    done: bool,
) -> Result<(), StoreError> {
    let changed = sqlx::query(
        "UPDATE plan_tasks SET period = $1, done = $2, updated_at = $3, version = version + 1 WHERE id = $4 AND version = $5",
    )
    .bind(period)
    .bind(i64::from(done))
    .bind(now_ms())
    .bind(id)
    .bind(version)
    .execute(conn)
    .await?;
    if changed.rows_affected() == 0 {
        return Err(StoreError::Conflict("重点任务"));
    }
    Ok(())
}

/// Reports are due from the period of `from` on (after a change of cadence).
pub async fn restart_tracking(conn: &mut AnyConnection, id: i64, from: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE plan_tasks SET tracking_from = $1 WHERE id = $2")
        .bind(from)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// A report to record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewReport<'a> {
    /// The task.
    pub task_id: i64,
    /// Period.
    pub period: &'a str,
    /// Lead unit's report.
    pub lead: bool,
    /// Unit name.
    pub unit: &'a str,
    /// Department.
    pub department_id: Option<i64>,
    /// County.
    pub region_code: Option<&'a str>,
    /// Status id.
    pub status: &'a str,
    /// Text.
    pub body: &'a str,
    /// Reported on.
    pub reported_on: &'a str,
    /// Attachment.
    pub attachment: Option<(&'a str, &'a [u8])>,
}

/// Records a report; returns its id.
pub async fn add_report(
    conn: &mut AnyConnection,
    r: &NewReport<'_>,
    user: Option<i64>,
) -> Result<i64, StoreError> {
    let (name, bytes) = match r.attachment {
        Some((n, b)) => (Some(n), Some(b.to_vec())),
        None => (None, None),
    };
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO plan_task_reports (task_id, period, lead, unit, department_id, region_code, status, body, reported_on, \
         attachment_name, attachment, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(r.task_id)
    .bind(r.period)
    .bind(i64::from(r.lead))
    .bind(r.unit)
    .bind(r.department_id)
    .bind(r.region_code)
    .bind(r.status)
    .bind(r.body)
    .bind(r.reported_on)
    .bind(name)
    .bind(bytes)
    .bind(user)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Every report (of one task, or all), oldest first.
pub async fn reports(conn: &mut AnyConnection, task: Option<i64>) -> Result<Vec<Report>, StoreError> {
    let base = "SELECT r.id, r.task_id, r.period, r.lead, r.unit, r.department_id, r.region_code, r.status, r.body, r.reported_on, \
                r.attachment_name, u.display_name AS by_name FROM plan_task_reports r LEFT JOIN users u ON u.id = r.created_by";
    Ok(match task {
        Some(t) => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{base} WHERE r.task_id = $1 ORDER BY r.id"
            )))
            .bind(t)
            .fetch_all(conn)
            .await?
        }
        None => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{base} ORDER BY r.id")))
                .fetch_all(conn)
                .await?
        }
    })
}

/// A report's attachment: `(task, name, bytes)`.
pub async fn attachment(
    conn: &mut AnyConnection,
    report_id: i64,
) -> Result<Option<(i64, String, Vec<u8>)>, StoreError> {
    let row: Option<(i64, Option<String>, Option<Vec<u8>>)> =
        sqlx::query_as("SELECT task_id, attachment_name, attachment FROM plan_task_reports WHERE id = $1")
            .bind(report_id)
            .fetch_optional(conn)
            .await?;
    Ok(row.and_then(|(t, n, b)| Some((t, n?, b?))))
}
