//! Land contracts (出让合同 / 划拨决定书) of supplied parcels, the progress their projects report
//! (history kept: the newest report is the current state), and where parcels lie (county,
//! cluster, polygon) for the map and the low-efficiency ledger.

use sqlx::any::{Any, AnyArguments};
use sqlx::query::QueryAs;
use sqlx::{AnyConnection, AssertSqlSafe};

use crate::enterprises::{ScopeValue, scope_sql};
use crate::{Scope, StoreError, now_ms, opt_f64};

/// A contract.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Contract {
    /// Id.
    pub id: i64,
    /// The parcel.
    pub parcel_id: i64,
    /// The holder running the project.
    pub enterprise_id: i64,
    /// 合同编号 (or the allocation decision's number).
    pub contract_no: String,
    /// 项目名称.
    pub project_name: String,
    /// `transfer` (出让) or `allocation` (划拨).
    pub supply_mode: String,
    /// 出让价款 / 划拨价款 (分).
    pub price_fen: i64,
    /// Signed `YYYY-MM-DD`.
    pub signed_on: String,
    /// Agreed start (动工).
    pub agreed_start: String,
    /// Agreed completion (竣工).
    pub agreed_completion: String,
    /// Agreed full production (达产).
    pub agreed_full_production: String,
    /// Construction area due (应动工开发面积, m²).
    pub area_due_m2: f64,
    /// Total investment agreed, land price excluded (万元).
    pub investment_total: f64,
    /// 1 for a 标准地 contract.
    pub standard_land: i64,
    /// 投资强度 ≥ (万元/亩).
    pub std_investment_per_mu: Option<f64>,
    /// 容积率 ≥.
    pub std_plot_ratio: Option<f64>,
    /// 亩均税收 ≥ (万元/亩).
    pub std_tax_per_mu: Option<f64>,
    /// 单位能耗增加值 ≥.
    pub std_value_added_per_tce: Option<f64>,
    /// 单位排放增加值 ≥.
    pub std_value_added_per_pollution: Option<f64>,
    /// 研发投入强度 ≥ (%).
    pub std_rd_share_pct: Option<f64>,
    /// Created by.
    pub created_by: Option<i64>,
    /// Created (ms).
    pub created_at: i64,
    /// Changed (ms).
    pub updated_at: i64,
    /// Version.
    pub version: i64,
}

macro_rules! contract_columns {
    () => {
        "c.id, c.parcel_id, c.enterprise_id, c.contract_no, c.project_name, c.supply_mode, c.price_fen, c.signed_on, \
         c.agreed_start, c.agreed_completion, c.agreed_full_production, c.area_due_m2, c.investment_total, c.standard_land, \
         c.std_investment_per_mu, c.std_plot_ratio, c.std_tax_per_mu, c.std_value_added_per_tce, \
         c.std_value_added_per_pollution, c.std_rd_share_pct, c.created_by, c.created_at, c.updated_at, c.version"
    };
}

/// A contract with its parcel and holder, as lists and rules need it.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Project {
    /// The contract.
    #[sqlx(flatten)]
    pub contract: Contract,
    /// 宗地编号 / 不动产权证号.
    pub certificate_no: String,
    /// Parcel area (亩).
    pub area_mu: f64,
    /// Location.
    pub location: String,
    /// Use.
    pub land_use: String,
    /// Holder's name.
    pub enterprise_name: String,
    /// Holder's credit code.
    pub credit_code: String,
    /// Holder's county.
    pub region_code: String,
    /// Holder's cluster.
    pub cluster_id: Option<i64>,
}

macro_rules! project_select {
    () => {
        concat!(
            "SELECT ",
            contract_columns!(),
            ", p.certificate_no, p.area_mu, p.location, p.land_use, e.name AS enterprise_name, e.credit_code, \
             e.region_code, e.cluster_id FROM land_contracts c JOIN land_parcels p ON p.id = c.parcel_id \
             JOIN enterprises e ON e.id = c.enterprise_id WHERE 1 = 1"
        )
    };
}

/// Binds a scope's value (see [`scope_sql`]).
pub(crate) fn bind_scope<'q, O>(
    q: QueryAs<'q, Any, O, AnyArguments>,
    value: Option<ScopeValue>,
) -> QueryAs<'q, Any, O, AnyArguments> {
    match value {
        Some(ScopeValue::Text(t)) => q.bind(t),
        Some(ScopeValue::Int(i)) => q.bind(i),
        None => q,
    }
}

/// A contract to record.
#[derive(Clone, Debug, PartialEq)]
pub struct NewContract {
    /// The parcel.
    pub parcel_id: i64,
    /// The holder.
    pub enterprise_id: i64,
    /// Number.
    pub contract_no: String,
    /// Project.
    pub project_name: String,
    /// `transfer` / `allocation`.
    pub supply_mode: String,
    /// Price (分).
    pub price_fen: i64,
    /// Dates `YYYY-MM-DD`: signed, start, completion, full production.
    pub dates: [String; 4],
    /// 应动工开发面积 (m²).
    pub area_due_m2: f64,
    /// 总投资 (万元).
    pub investment_total: f64,
    /// 标准地?
    pub standard_land: bool,
    /// The 标准地 indicators in the order of the columns (投资强度, 容积率, 亩均税收, 单位能耗增加值,
    /// 单位排放增加值, 研发投入强度).
    pub standards: [Option<f64>; 6],
}

/// Records a contract.
pub async fn insert_contract(
    conn: &mut AnyConnection,
    c: &NewContract,
    user: Option<i64>,
) -> Result<i64, StoreError> {
    let now = now_ms();
    let [signed, start, completion, full] = &c.dates;
    let [s1, s2, s3, s4, s5, s6] = c.standards;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO land_contracts (parcel_id, enterprise_id, contract_no, project_name, supply_mode, price_fen, signed_on, \
         agreed_start, agreed_completion, agreed_full_production, area_due_m2, investment_total, standard_land, \
         std_investment_per_mu, std_plot_ratio, std_tax_per_mu, std_value_added_per_tce, std_value_added_per_pollution, \
         std_rd_share_pct, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, \
         CAST($14 AS DOUBLE PRECISION), CAST($15 AS DOUBLE PRECISION), CAST($16 AS DOUBLE PRECISION), \
         CAST($17 AS DOUBLE PRECISION), CAST($18 AS DOUBLE PRECISION), CAST($19 AS DOUBLE PRECISION), $20, $21, $21) RETURNING id",
    )
    .bind(c.parcel_id)
    .bind(c.enterprise_id)
    .bind(&c.contract_no)
    .bind(&c.project_name)
    .bind(&c.supply_mode)
    .bind(c.price_fen)
    .bind(signed)
    .bind(start)
    .bind(completion)
    .bind(full)
    .bind(c.area_due_m2)
    .bind(c.investment_total)
    .bind(i64::from(c.standard_land))
    .bind(opt_f64(s1))
    .bind(opt_f64(s2))
    .bind(opt_f64(s3))
    .bind(opt_f64(s4))
    .bind(opt_f64(s5))
    .bind(opt_f64(s6))
    .bind(user)
    .bind(now)
    .fetch_one(conn)
    .await
    .map_err(StoreError::unique("合同编号或该宗地的合同"))?;
    Ok(id)
}

/// The projects in a scope (of the holder), by contract number.
pub async fn projects(conn: &mut AnyConnection, scope: &Scope) -> Result<Vec<Project>, StoreError> {
    let mut sql = String::from(project_select!());
    let mut next = 1;
    let value = scope_sql(scope, &mut sql, &mut next);
    sql.push_str(" ORDER BY c.contract_no");
    // Built only from constant fragments; values are bound.
    Ok(bind_scope(sqlx::query_as(AssertSqlSafe(sql)), value)
        .fetch_all(conn)
        .await?)
}

/// One project, if within the scope.
pub async fn project(
    conn: &mut AnyConnection,
    contract_id: i64,
    scope: &Scope,
) -> Result<Option<Project>, StoreError> {
    let mut sql = String::from(concat!(project_select!(), " AND c.id = $1"));
    let mut next = 2;
    let value = scope_sql(scope, &mut sql, &mut next);
    Ok(
        bind_scope(sqlx::query_as(AssertSqlSafe(sql)).bind(contract_id), value)
            .fetch_optional(conn)
            .await?,
    )
}

/// One progress report.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Progress {
    /// Id.
    pub id: i64,
    /// The contract.
    pub contract_id: i64,
    /// Reported `YYYY-MM-DD`.
    pub reported_on: String,
    /// `not_started`, `building`, `suspended`, `completed`, `producing`.
    pub stage: String,
    /// 动工 date.
    pub started_on: Option<String>,
    /// Suspended since.
    pub suspended_since: Option<String>,
    /// 竣工 date.
    pub completed_on: Option<String>,
    /// 投产 date.
    pub producing_on: Option<String>,
    /// Construction area developed (m²).
    pub area_developed_m2: f64,
    /// Floor area built (m²).
    pub floor_area_m2: f64,
    /// Cumulative investment, land price excluded (万元).
    pub investment_made: f64,
    /// Note.
    pub note: String,
    /// Attachment name.
    pub attachment_name: Option<String>,
    /// Reported by.
    pub created_by: Option<i64>,
    /// When (ms).
    pub created_at: i64,
}

macro_rules! progress_columns {
    () => {
        "g.id, g.contract_id, g.reported_on, g.stage, g.started_on, g.suspended_since, g.completed_on, g.producing_on, \
         g.area_developed_m2, g.floor_area_m2, g.investment_made, g.note, g.attachment_name, g.created_by, g.created_at"
    };
}

/// A progress report to record.
#[derive(Clone, Debug, PartialEq)]
pub struct NewProgress<'a> {
    /// The contract.
    pub contract_id: i64,
    /// Reported on.
    pub reported_on: &'a str,
    /// Stage id.
    pub stage: &'a str,
    /// Dates: started, suspended since, completed, producing.
    pub dates: [Option<&'a str>; 4],
    /// Area developed (m²).
    pub area_developed_m2: f64,
    /// Floor area (m²).
    pub floor_area_m2: f64,
    /// Investment (万元).
    pub investment_made: f64,
    /// Note.
    pub note: &'a str,
    /// Attachment.
    pub attachment: Option<(&'a str, &'a [u8])>,
}

/// Records a progress report.
pub async fn insert_progress(
    conn: &mut AnyConnection,
    p: &NewProgress<'_>,
    user: Option<i64>,
) -> Result<i64, StoreError> {
    let [started, suspended, completed, producing] = p.dates;
    let (name, bytes) = match p.attachment {
        Some((n, b)) => (Some(n), Some(b.to_vec())),
        None => (None, None),
    };
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO project_progress (contract_id, reported_on, stage, started_on, suspended_since, completed_on, producing_on, \
         area_developed_m2, floor_area_m2, investment_made, note, attachment_name, attachment, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
    )
    .bind(p.contract_id)
    .bind(p.reported_on)
    .bind(p.stage)
    .bind(started)
    .bind(suspended)
    .bind(completed)
    .bind(producing)
    .bind(p.area_developed_m2)
    .bind(p.floor_area_m2)
    .bind(p.investment_made)
    .bind(p.note)
    .bind(name)
    .bind(bytes)
    .bind(user)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// A contract's reports, oldest first.
pub async fn progress_of(conn: &mut AnyConnection, contract_id: i64) -> Result<Vec<Progress>, StoreError> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        progress_columns!(),
        " FROM project_progress g WHERE g.contract_id = $1 ORDER BY g.reported_on, g.id"
    ))
    .bind(contract_id)
    .fetch_all(conn)
    .await?)
}

/// The reports of every project in a scope, by contract and then oldest first.
pub async fn progress_in_scope(conn: &mut AnyConnection, scope: &Scope) -> Result<Vec<Progress>, StoreError> {
    let mut sql = String::from(concat!(
        "SELECT ",
        progress_columns!(),
        " FROM project_progress g JOIN land_contracts c ON c.id = g.contract_id JOIN enterprises e ON e.id = c.enterprise_id WHERE 1 = 1"
    ));
    let mut next = 1;
    let value = scope_sql(scope, &mut sql, &mut next);
    sql.push_str(" ORDER BY g.contract_id, g.reported_on, g.id");
    Ok(bind_scope(sqlx::query_as(AssertSqlSafe(sql)), value)
        .fetch_all(conn)
        .await?)
}

/// The attachment of a report: `(contract, name, bytes)`.
pub async fn progress_attachment(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<(i64, String, Vec<u8>)>, StoreError> {
    let row: Option<(i64, Option<String>, Option<Vec<u8>>)> =
        sqlx::query_as("SELECT contract_id, attachment_name, attachment FROM project_progress WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await?;
    Ok(row.and_then(|(c, n, b)| Some((c, n?, b?))))
}

/// A parcel with where it lies and its first holder — the largest share, or the contract's
/// holder when no share is recorded (the map, the five kinds).
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct PlacedParcel {
    /// Id.
    pub id: i64,
    /// Number.
    pub certificate_no: String,
    /// Area (亩).
    pub area_mu: f64,
    /// Supplied on.
    pub supply_date: Option<String>,
    /// Use.
    pub land_use: String,
    /// Location.
    pub location: String,
    /// County.
    pub region_code: Option<String>,
    /// Cluster.
    pub cluster_id: Option<i64>,
    /// GeoJSON.
    pub polygon: Option<String>,
    /// The holder with the largest share, if any.
    pub holder_id: Option<i64>,
    /// Its name.
    pub holder_name: Option<String>,
    /// The contract on the parcel, if any.
    pub contract_id: Option<i64>,
}

/// Sets where a parcel lies.
pub async fn set_place(
    conn: &mut AnyConnection,
    parcel_id: i64,
    region_code: Option<&str>,
    cluster_id: Option<i64>,
    polygon: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE land_parcels SET region_code = $1, cluster_id = $2, polygon = $3, updated_at = $4, version = version + 1 WHERE id = $5")
        .bind(region_code)
        .bind(cluster_id)
        .bind(polygon)
        .bind(now_ms())
        .bind(parcel_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Appends a scope condition on the parcel `p` (its county, its cluster, or held by the enterprise).
pub(crate) fn parcel_scope_sql(scope: &Scope, sql: &mut String, next: &mut usize) -> Option<ScopeValue> {
    let (cond, value) = match scope {
        Scope::All => return None,
        Scope::Nothing => {
            sql.push_str(" AND 1 = 0");
            return None;
        }
        Scope::Region(r) => ("p.region_code = $", ScopeValue::Text(r.clone())),
        Scope::Cluster(c) => ("p.cluster_id = $", ScopeValue::Int(*c)),
        Scope::Enterprise(e) => (
            "EXISTS (SELECT 1 FROM parcel_holders x WHERE x.parcel_id = p.id AND x.enterprise_id = $N) \
             OR EXISTS (SELECT 1 FROM land_contracts x WHERE x.parcel_id = p.id AND x.enterprise_id = $N)",
            ScopeValue::Int(*e),
        ),
    };
    // One parameter, possibly used twice (`$N`).
    let cond = if cond.contains("$N") {
        format!("({})", cond.replace("$N", &format!("${next}")))
    } else {
        format!("{cond}{next}")
    };
    sql.push_str(&format!(" AND {cond}"));
    *next += 1;
    Some(value)
}

/// The parcels in a scope (by their place), optionally of one cluster, by number.
pub async fn placed_parcels(
    conn: &mut AnyConnection,
    scope: &Scope,
    cluster: Option<i64>,
) -> Result<Vec<PlacedParcel>, StoreError> {
    let mut sql = String::from(
        "SELECT p.id, p.certificate_no, p.area_mu, p.supply_date, p.land_use, p.location, p.region_code, p.cluster_id, p.polygon, \
         COALESCE((SELECT h.enterprise_id FROM parcel_holders h WHERE h.parcel_id = p.id ORDER BY h.share_mu DESC, h.enterprise_id LIMIT 1), \
          (SELECT c.enterprise_id FROM land_contracts c WHERE c.parcel_id = p.id)) AS holder_id, \
         COALESCE((SELECT e.name FROM parcel_holders h JOIN enterprises e ON e.id = h.enterprise_id WHERE h.parcel_id = p.id \
          ORDER BY h.share_mu DESC, h.enterprise_id LIMIT 1), \
          (SELECT e.name FROM land_contracts c JOIN enterprises e ON e.id = c.enterprise_id WHERE c.parcel_id = p.id)) AS holder_name, \
         (SELECT c.id FROM land_contracts c WHERE c.parcel_id = p.id) AS contract_id \
         FROM land_parcels p WHERE 1 = 1",
    );
    let mut next = 1;
    let value = parcel_scope_sql(scope, &mut sql, &mut next);
    if cluster.is_some() {
        sql.push_str(&format!(" AND p.cluster_id = ${next}"));
    }
    sql.push_str(" ORDER BY p.certificate_no");
    let mut q = bind_scope(sqlx::query_as(AssertSqlSafe(sql)), value);
    if let Some(c) = cluster {
        q = q.bind(c);
    }
    Ok(q.fetch_all(conn).await?)
}

/// The published classes of a year: `(enterprise, class)` (the map colours parcels by them).
pub async fn classes_of_year(conn: &mut AnyConnection, year: i64) -> Result<Vec<(i64, String)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT enterprise_id, class FROM enterprise_classes WHERE year = $1 ORDER BY enterprise_id",
    )
    .bind(year)
    .fetch_all(conn)
    .await?)
}

/// The contract on a parcel, if any.
pub async fn contract_of_parcel(conn: &mut AnyConnection, parcel_id: i64) -> Result<Option<i64>, StoreError> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM land_contracts WHERE parcel_id = $1")
        .bind(parcel_id)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|(id,)| id))
}

/// A parcel's polygon (GeoJSON), if drawn.
pub async fn polygon(conn: &mut AnyConnection, parcel_id: i64) -> Result<Option<String>, StoreError> {
    let row: Option<(Option<String>,)> = sqlx::query_as("SELECT polygon FROM land_parcels WHERE id = $1")
        .bind(parcel_id)
        .fetch_optional(conn)
        .await?;
    Ok(row.and_then(|(p,)| p))
}
