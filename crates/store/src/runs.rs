//! Evaluation runs: the run itself and its state, the immutable snapshot of its inputs, every
//! enterprise's stored result, the pools, and manual adjustments (调档).

use sqlx::{AnyConnection, AssertSqlSafe};

use crate::bulk::{self, Kind, Val};
use crate::{Backend, Scope, StoreError, now_ms};

/// A run.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Run {
    /// Id.
    pub id: i64,
    /// Data year.
    pub year: i64,
    /// Title.
    pub title: String,
    /// How the method was chosen: `preset:<id>` or `file:<method file id>`.
    pub method_ref: String,
    /// The method's id.
    pub method_id: String,
    /// SHA-256 of the method file.
    pub method_hash: String,
    /// The method file's text.
    pub method_source: String,
    /// SHA-256 of the inputs (spec §8), once evaluated.
    pub input_hash: String,
    /// `running`, `failed`, `draft`, `notice`, `review`, `approved`, `published`, `superseded`.
    pub state: String,
    /// 0–100.
    pub progress: i64,
    /// A progress or failure message.
    pub message: String,
    /// The run this one re-runs.
    pub previous_run_id: Option<i64>,
    /// 公示 start `YYYY-MM-DD`.
    pub notice_start: Option<String>,
    /// 公示 end `YYYY-MM-DD` (inclusive).
    pub notice_end: Option<String>,
    /// SHA-256 of the published results.
    pub content_hash: String,
    /// Number of enterprises in the snapshot.
    pub enterprises: i64,
    /// Who started it.
    pub created_by: Option<i64>,
    /// When (ms).
    pub created_at: i64,
    /// When the engine finished (ms).
    pub finished_at: Option<i64>,
    /// Who approved it.
    pub approved_by: Option<i64>,
    /// When (ms).
    pub approved_at: Option<i64>,
    /// When published (ms).
    pub published_at: Option<i64>,
}

const RUN_COLUMNS: &str = "id, year, title, method_ref, method_id, method_hash, method_source, input_hash, state, progress, message, \
     previous_run_id, notice_start, notice_end, content_hash, enterprises, created_by, created_at, finished_at, approved_by, approved_at, published_at";

/// A run to start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRun<'a> {
    /// Data year.
    pub year: i64,
    /// Title.
    pub title: &'a str,
    /// `preset:<id>` or `file:<id>`.
    pub method_ref: &'a str,
    /// Method id.
    pub method_id: &'a str,
    /// Method hash.
    pub method_hash: &'a str,
    /// Method text.
    pub method_source: &'a str,
    /// The run it re-runs.
    pub previous_run_id: Option<i64>,
    /// Who.
    pub user_id: Option<i64>,
}

/// Creates a run in state `running`.
pub async fn insert(conn: &mut AnyConnection, r: &NewRun<'_>) -> Result<i64, StoreError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO evaluation_runs (year, title, method_ref, method_id, method_hash, method_source, state, previous_run_id, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'running', $7, $8, $9) RETURNING id",
    )
    .bind(r.year)
    .bind(r.title)
    .bind(r.method_ref)
    .bind(r.method_id)
    .bind(r.method_hash)
    .bind(r.method_source)
    .bind(r.previous_run_id)
    .bind(r.user_id)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// One run.
pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<Run>, StoreError> {
    Ok(sqlx::query_as(AssertSqlSafe(format!(
        "SELECT {RUN_COLUMNS} FROM evaluation_runs WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// Runs, newest first; only the given states when `states` is not empty.
pub async fn list(conn: &mut AnyConnection, states: &[&str]) -> Result<Vec<Run>, StoreError> {
    let mut sql = format!("SELECT {RUN_COLUMNS} FROM evaluation_runs");
    if !states.is_empty() {
        let p: Vec<String> = (1..=states.len()).map(|i| format!("${i}")).collect();
        sql.push_str(&format!(" WHERE state IN ({})", p.join(", ")));
    }
    sql.push_str(" ORDER BY year DESC, id DESC");
    let mut q = sqlx::query_as(AssertSqlSafe(sql));
    for s in states {
        q = q.bind(*s);
    }
    Ok(q.fetch_all(conn).await?)
}

/// The published run of a year, if any.
pub async fn published_for_year(conn: &mut AnyConnection, year: i64) -> Result<Option<Run>, StoreError> {
    Ok(sqlx::query_as(AssertSqlSafe(format!(
        "SELECT {RUN_COLUMNS} FROM evaluation_runs WHERE year = $1 AND state = 'published' ORDER BY id DESC LIMIT 1"
    )))
    .bind(year)
    .fetch_optional(conn)
    .await?)
}

/// Records progress of a running run.
pub async fn set_progress(
    conn: &mut AnyConnection,
    id: i64,
    progress: i64,
    message: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE evaluation_runs SET progress = $1, message = $2 WHERE id = $3 AND state = 'running'")
        .bind(progress)
        .bind(message)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Marks a running run evaluated: state `draft`.
pub async fn finish(
    conn: &mut AnyConnection,
    id: i64,
    input_hash: &str,
    enterprises: i64,
    message: &str,
) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE evaluation_runs SET state = 'draft', progress = 100, input_hash = $1, enterprises = $2, message = $3, finished_at = $4 \
         WHERE id = $5 AND state = 'running'",
    )
    .bind(input_hash)
    .bind(enterprises)
    .bind(message)
    .bind(now_ms())
    .bind(id)
    .execute(conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict("评价批次"));
    }
    Ok(())
}

/// Marks a running run failed, with the reason.
pub async fn fail(conn: &mut AnyConnection, id: i64, message: &str) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE evaluation_runs SET state = 'failed', message = $1, finished_at = $2 WHERE id = $3 AND state = 'running'",
    )
    .bind(message)
    .bind(now_ms())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Moves a run from state `from` to `to`; [`StoreError::Conflict`] when it is no longer in
/// `from` (someone else moved it first).
pub async fn transition(conn: &mut AnyConnection, id: i64, from: &str, to: &str) -> Result<(), StoreError> {
    let done = sqlx::query("UPDATE evaluation_runs SET state = $1 WHERE id = $2 AND state = $3")
        .bind(to)
        .bind(id)
        .bind(from)
        .execute(conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict("评价批次"));
    }
    Ok(())
}

/// Sets the public notice period.
pub async fn set_notice(conn: &mut AnyConnection, id: i64, start: &str, end: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE evaluation_runs SET notice_start = $1, notice_end = $2 WHERE id = $3")
        .bind(start)
        .bind(end)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records the approval.
pub async fn set_approved(conn: &mut AnyConnection, id: i64, user_id: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE evaluation_runs SET approved_by = $1, approved_at = $2 WHERE id = $3")
        .bind(user_id)
        .bind(now_ms())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records the publication and the content hash.
pub async fn set_published(conn: &mut AnyConnection, id: i64, content_hash: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE evaluation_runs SET content_hash = $1, published_at = $2 WHERE id = $3")
        .bind(content_hash)
        .bind(now_ms())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// One enterprise's inputs as snapshotted by a run (engine units).
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct RunInput {
    /// The run.
    pub run_id: i64,
    /// The enterprise.
    pub enterprise_id: i64,
    /// 统一社会信用代码.
    pub credit_code: String,
    /// Name at run time.
    pub name: String,
    /// County code.
    pub region_code: String,
    /// Cluster name.
    pub cluster: Option<String>,
    /// Cluster id.
    pub cluster_id: Option<i64>,
    /// Industry code.
    pub industry_code: String,
    /// `above` / `below`.
    pub scale: String,
    /// Production start `YYYY-MM-DD`.
    pub production_start: Option<String>,
    /// 用地面积 (亩).
    pub land_area_mu: Option<f64>,
    /// 实缴税收 (万元).
    pub tax_paid: Option<f64>,
    /// 利润总额 (万元).
    pub profit_total: Option<f64>,
    /// 主营业务收入 (万元).
    pub main_revenue: Option<f64>,
    /// 研发经费 (万元).
    pub rd_expense: Option<f64>,
    /// 工业总产值 (万元).
    pub gross_output: Option<f64>,
    /// 综合能耗 (吨标准煤).
    pub energy_tce: Option<f64>,
    /// 用电量 (万千瓦时).
    pub electricity_kwh: Option<f64>,
    /// 污染当量.
    pub pollution_eq: Option<f64>,
    /// 职工人数.
    pub employees: Option<f64>,
    /// 工业增加值 (万元).
    pub value_added: Option<f64>,
    /// 用水量 (m³).
    pub water_m3: Option<f64>,
    /// How the land area was derived (empty: the imported figure).
    pub land_derivation: String,
    /// Bonus item ids, `;`-separated.
    pub bonus: String,
    /// Veto item ids, `;`-separated.
    pub veto: String,
}

const INPUT_COLUMNS: [(&str, Kind); 25] = [
    ("run_id", Kind::Int),
    ("enterprise_id", Kind::Int),
    ("credit_code", Kind::Text),
    ("name", Kind::Text),
    ("region_code", Kind::Text),
    ("cluster", Kind::Text),
    ("cluster_id", Kind::Int),
    ("industry_code", Kind::Text),
    ("scale", Kind::Text),
    ("production_start", Kind::Text),
    ("land_area_mu", Kind::Real),
    ("tax_paid", Kind::Real),
    ("profit_total", Kind::Real),
    ("main_revenue", Kind::Real),
    ("rd_expense", Kind::Real),
    ("gross_output", Kind::Real),
    ("energy_tce", Kind::Real),
    ("electricity_kwh", Kind::Real),
    ("pollution_eq", Kind::Real),
    ("employees", Kind::Real),
    ("value_added", Kind::Real),
    ("water_m3", Kind::Real),
    ("land_derivation", Kind::Text),
    ("bonus", Kind::Text),
    ("veto", Kind::Text),
];

fn input_select(prefix: &str) -> String {
    bulk::select_list(&INPUT_COLUMNS, prefix)
}

/// Stores a run's input snapshot.
pub async fn insert_inputs(
    conn: &mut AnyConnection,
    backend: Backend,
    rows: &[RunInput],
) -> Result<(), StoreError> {
    let values: Vec<Vec<Val<'_>>> = rows
        .iter()
        .map(|r| {
            vec![
                Val::Int(Some(r.run_id)),
                Val::Int(Some(r.enterprise_id)),
                Val::Text(Some(&r.credit_code)),
                Val::Text(Some(&r.name)),
                Val::Text(Some(&r.region_code)),
                Val::Text(r.cluster.as_deref()),
                Val::Int(r.cluster_id),
                Val::Text(Some(&r.industry_code)),
                Val::Text(Some(&r.scale)),
                Val::Text(r.production_start.as_deref()),
                Val::Real(r.land_area_mu),
                Val::Real(r.tax_paid),
                Val::Real(r.profit_total),
                Val::Real(r.main_revenue),
                Val::Real(r.rd_expense),
                Val::Real(r.gross_output),
                Val::Real(r.energy_tce),
                Val::Real(r.electricity_kwh),
                Val::Real(r.pollution_eq),
                Val::Real(r.employees),
                Val::Real(r.value_added),
                Val::Real(r.water_m3),
                Val::Text(Some(&r.land_derivation)),
                Val::Text(Some(&r.bonus)),
                Val::Text(Some(&r.veto)),
            ]
        })
        .collect();
    bulk::insert(conn, backend, "run_inputs", &INPUT_COLUMNS, &values).await
}

/// A run's whole input snapshot, by credit code.
pub async fn inputs(conn: &mut AnyConnection, run_id: i64) -> Result<Vec<RunInput>, StoreError> {
    Ok(sqlx::query_as(AssertSqlSafe(format!(
        "SELECT {} FROM run_inputs WHERE run_id = $1 ORDER BY credit_code",
        input_select("")
    )))
    .bind(run_id)
    .fetch_all(conn)
    .await?)
}

/// The inputs of the members of one pool of a run (for a what-if on that pool).
pub async fn pool_inputs(
    conn: &mut AnyConnection,
    run_id: i64,
    group_id: &str,
    pool: &str,
) -> Result<Vec<RunInput>, StoreError> {
    Ok(sqlx::query_as(AssertSqlSafe(format!(
        "SELECT {} FROM run_inputs i JOIN run_results r ON r.run_id = i.run_id AND r.enterprise_id = i.enterprise_id \
         WHERE i.run_id = $1 AND r.group_id = $2 AND r.pool = $3 AND r.excluded_reason = '' ORDER BY i.credit_code",
        input_select("i.")
    )))
    .bind(run_id)
    .bind(group_id)
    .bind(pool)
    .fetch_all(conn)
    .await?)
}

/// One enterprise's stored result.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct RunResult {
    /// The run.
    pub run_id: i64,
    /// The enterprise.
    pub enterprise_id: i64,
    /// Presentation order within the run (pools in order, by rank, vetoed, then excluded).
    pub position: i64,
    /// Group id (empty when excluded).
    pub group_id: String,
    /// Pool label (empty when excluded).
    pub pool: String,
    /// Exclusion id (empty when evaluated).
    pub excluded_reason: String,
    /// 1-based rank in the pool.
    pub rank: Option<i64>,
    /// N of the pool.
    pub pool_size: Option<i64>,
    /// Σ indicator scores.
    pub base: Option<f64>,
    /// Bonus points.
    pub bonus: Option<f64>,
    /// Total.
    pub total: Option<f64>,
    /// Class the rules gave (`X` when excluded).
    pub computed_class: String,
    /// Class after adjustment.
    pub final_class: String,
    /// Reason (spec §8 wording).
    pub class_reason: String,
    /// The explanation as JSON (indicators, selectors, quotas).
    pub detail: String,
}

const RESULT_COLUMNS: [(&str, Kind); 15] = [
    ("run_id", Kind::Int),
    ("enterprise_id", Kind::Int),
    ("position", Kind::Int),
    ("group_id", Kind::Text),
    ("pool", Kind::Text),
    ("excluded_reason", Kind::Text),
    ("rank", Kind::Int),
    ("pool_size", Kind::Int),
    ("base", Kind::Real),
    ("bonus", Kind::Real),
    ("total", Kind::Real),
    ("computed_class", Kind::Text),
    ("final_class", Kind::Text),
    ("class_reason", Kind::Text),
    ("detail", Kind::Text),
];

fn result_select(prefix: &str) -> String {
    bulk::select_list(&RESULT_COLUMNS, prefix)
}

/// Stores results.
pub async fn insert_results(
    conn: &mut AnyConnection,
    backend: Backend,
    rows: &[RunResult],
) -> Result<(), StoreError> {
    let values: Vec<Vec<Val<'_>>> = rows
        .iter()
        .map(|r| {
            vec![
                Val::Int(Some(r.run_id)),
                Val::Int(Some(r.enterprise_id)),
                Val::Int(Some(r.position)),
                Val::Text(Some(&r.group_id)),
                Val::Text(Some(&r.pool)),
                Val::Text(Some(&r.excluded_reason)),
                Val::Int(r.rank),
                Val::Int(r.pool_size),
                Val::Real(r.base),
                Val::Real(r.bonus),
                Val::Real(r.total),
                Val::Text(Some(&r.computed_class)),
                Val::Text(Some(&r.final_class)),
                Val::Text(Some(&r.class_reason)),
                Val::Text(Some(&r.detail)),
            ]
        })
        .collect();
    bulk::insert(conn, backend, "run_results", &RESULT_COLUMNS, &values).await
}

/// Every result of a run, by enterprise id.
pub async fn results(conn: &mut AnyConnection, run_id: i64) -> Result<Vec<RunResult>, StoreError> {
    Ok(sqlx::query_as(AssertSqlSafe(format!(
        "SELECT {} FROM run_results WHERE run_id = $1 ORDER BY enterprise_id",
        result_select("")
    )))
    .bind(run_id)
    .fetch_all(conn)
    .await?)
}

/// One enterprise's result and inputs in a run.
pub async fn result_of(
    conn: &mut AnyConnection,
    run_id: i64,
    enterprise_id: i64,
) -> Result<Option<(RunResult, RunInput)>, StoreError> {
    let r: Option<RunResult> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT {} FROM run_results WHERE run_id = $1 AND enterprise_id = $2",
        result_select("")
    )))
    .bind(run_id)
    .bind(enterprise_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = r else { return Ok(None) };
    let i: Option<RunInput> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT {} FROM run_inputs WHERE run_id = $1 AND enterprise_id = $2",
        input_select("")
    )))
    .bind(run_id)
    .bind(enterprise_id)
    .fetch_optional(conn)
    .await?;
    Ok(i.map(|i| (r, i)))
}

/// One pool of a run.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct RunPool {
    /// The run.
    pub run_id: i64,
    /// Order in the run (group, then label).
    pub position: i64,
    /// Group id.
    pub group_id: String,
    /// Label (cluster name, region code or `all`).
    pub label: String,
    /// N (non-vetoed).
    pub size: i64,
    /// Vetoed members.
    pub vetoed: i64,
    /// Benchmarks, quotas and class counts as JSON.
    pub detail: String,
}

/// Stores the pools of a run.
pub async fn insert_pools(
    conn: &mut AnyConnection,
    backend: Backend,
    rows: &[RunPool],
) -> Result<(), StoreError> {
    const COLUMNS: [(&str, Kind); 7] = [
        ("run_id", Kind::Int),
        ("position", Kind::Int),
        ("group_id", Kind::Text),
        ("label", Kind::Text),
        ("size", Kind::Int),
        ("vetoed", Kind::Int),
        ("detail", Kind::Text),
    ];
    let values: Vec<Vec<Val<'_>>> = rows
        .iter()
        .map(|p| {
            vec![
                Val::Int(Some(p.run_id)),
                Val::Int(Some(p.position)),
                Val::Text(Some(&p.group_id)),
                Val::Text(Some(&p.label)),
                Val::Int(Some(p.size)),
                Val::Int(Some(p.vetoed)),
                Val::Text(Some(&p.detail)),
            ]
        })
        .collect();
    bulk::insert(conn, backend, "run_pools", &COLUMNS, &values).await
}

/// The pools of a run, in order.
pub async fn pools(conn: &mut AnyConnection, run_id: i64) -> Result<Vec<RunPool>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT run_id, position, group_id, label, size, vetoed, detail FROM run_pools WHERE run_id = $1 ORDER BY position",
    )
    .bind(run_id)
    .fetch_all(conn)
    .await?)
}

/// Filters of the ranking table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResultFilter {
    /// Group id.
    pub group_id: Option<String>,
    /// Pool label.
    pub pool: Option<String>,
    /// County code.
    pub region_code: Option<String>,
    /// Cluster id.
    pub cluster_id: Option<i64>,
    /// Industry code prefix (e.g. `C35` or `35`).
    pub industry: Option<String>,
    /// Final class.
    pub class: Option<String>,
    /// Part of the name or of the credit code.
    pub search: Option<String>,
}

/// Sort orders of the ranking table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ResultSort {
    /// Pool, then rank (vetoed and excluded last).
    #[default]
    Rank,
    /// Total, highest first.
    Total,
    /// Name.
    Name,
    /// Final class, then pool and rank.
    Class,
}

/// One row of the ranking table.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct RankingRow {
    /// Enterprise.
    pub enterprise_id: i64,
    /// Code.
    pub credit_code: String,
    /// Name.
    pub name: String,
    /// County.
    pub region_code: String,
    /// Cluster.
    pub cluster: Option<String>,
    /// Industry.
    pub industry_code: String,
    /// Scale.
    pub scale: String,
    /// Group.
    pub group_id: String,
    /// Pool.
    pub pool: String,
    /// Exclusion id.
    pub excluded_reason: String,
    /// Rank.
    pub rank: Option<i64>,
    /// N.
    pub pool_size: Option<i64>,
    /// Total.
    pub total: Option<f64>,
    /// Computed class.
    pub computed_class: String,
    /// Final class.
    pub final_class: String,
    /// Reason.
    pub class_reason: String,
    /// 用地面积.
    pub land_area_mu: Option<f64>,
    /// 实缴税收.
    pub tax_paid: Option<f64>,
}

fn scope_condition(scope: &Scope, cond: &mut String, n: &mut usize) -> Option<ScopeBind> {
    match scope {
        Scope::All => None,
        Scope::Nothing => {
            cond.push_str(" AND 1 = 0");
            None
        }
        Scope::Region(r) => {
            *n += 1;
            cond.push_str(&format!(" AND i.region_code = ${n}"));
            Some(ScopeBind::Text(r.clone()))
        }
        Scope::Cluster(c) => {
            *n += 1;
            cond.push_str(&format!(" AND i.cluster_id = ${n}"));
            Some(ScopeBind::Int(*c))
        }
        Scope::Enterprise(e) => {
            *n += 1;
            cond.push_str(&format!(" AND i.enterprise_id = ${n}"));
            Some(ScopeBind::Int(*e))
        }
    }
}

enum ScopeBind {
    Text(String),
    Int(i64),
}

/// One page of a run's ranking within the caller's scope, and the number of matching rows.
pub async fn ranking(
    conn: &mut AnyConnection,
    run_id: i64,
    scope: &Scope,
    filter: &ResultFilter,
    sort: ResultSort,
    page: i64,
    per_page: i64,
) -> Result<(Vec<RankingRow>, i64), StoreError> {
    let mut cond = String::from(" WHERE r.run_id = $1");
    let mut binds: Vec<ScopeBind> = Vec::new();
    let mut n = 1;
    if let Some(b) = scope_condition(scope, &mut cond, &mut n) {
        binds.push(b);
    }
    let mut text = |cond: &mut String, sql: &str, v: String, binds: &mut Vec<ScopeBind>| {
        n += 1;
        cond.push_str(&sql.replace("$?", &format!("${n}")));
        binds.push(ScopeBind::Text(v));
    };
    if let Some(g) = &filter.group_id {
        text(&mut cond, " AND r.group_id = $?", g.clone(), &mut binds);
    }
    if let Some(p) = &filter.pool {
        text(&mut cond, " AND r.pool = $?", p.clone(), &mut binds);
    }
    if let Some(r) = &filter.region_code {
        text(&mut cond, " AND i.region_code = $?", r.clone(), &mut binds);
    }
    if let Some(i) = &filter.industry {
        let digits: String = i.trim().trim_start_matches(['C', 'c']).to_owned();
        text(
            &mut cond,
            " AND i.industry_code LIKE $?",
            format!("{digits}%"),
            &mut binds,
        );
    }
    if let Some(c) = &filter.class {
        text(&mut cond, " AND r.final_class = $?", c.clone(), &mut binds);
    }
    if let Some(s) = filter.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let escaped = s.replace('!', "!!").replace('%', "!%").replace('_', "!_");
        n += 1;
        cond.push_str(&format!(
            " AND (i.name LIKE ${n} ESCAPE '!' OR i.credit_code LIKE ${n} ESCAPE '!')"
        ));
        binds.push(ScopeBind::Text(format!("%{escaped}%")));
    }
    if let Some(c) = filter.cluster_id {
        n += 1;
        cond.push_str(&format!(" AND i.cluster_id = ${n}"));
        binds.push(ScopeBind::Int(c));
    }
    // Each order but the total's walks an index (see migration 0003).
    let order = match sort {
        ResultSort::Rank => "r.position",
        ResultSort::Total => "r.total DESC NULLS LAST, r.position",
        ResultSort::Name => "i.name, i.credit_code",
        ResultSort::Class => "r.final_class, r.position",
    };
    let from =
        " FROM run_results r JOIN run_inputs i ON i.run_id = r.run_id AND i.enterprise_id = r.enterprise_id";
    let sql = format!(
        "SELECT r.enterprise_id, i.credit_code, i.name, i.region_code, i.cluster, i.industry_code, i.scale, r.group_id, r.pool, \
         r.excluded_reason, r.rank, r.pool_size, r.total, r.computed_class, r.final_class, r.class_reason, i.land_area_mu, i.tax_paid \
         {from}{cond} ORDER BY {order} LIMIT {} OFFSET {}",
        per_page.clamp(1, 1000),
        (page.max(1) - 1) * per_page.clamp(1, 1000)
    );
    let mut q = sqlx::query_as(AssertSqlSafe(sql)).bind(run_id);
    for b in &binds {
        q = match b {
            ScopeBind::Text(t) => q.bind(t.clone()),
            ScopeBind::Int(i) => q.bind(*i),
        };
    }
    let rows: Vec<RankingRow> = q.fetch_all(&mut *conn).await?;
    let mut cq = sqlx::query_as(AssertSqlSafe(format!("SELECT COUNT(*){from}{cond}"))).bind(run_id);
    for b in &binds {
        cq = match b {
            ScopeBind::Text(t) => cq.bind(t.clone()),
            ScopeBind::Int(i) => cq.bind(*i),
        };
    }
    let (total,): (i64,) = cq.fetch_one(conn).await?;
    Ok((rows, total))
}

/// Aggregates of a run per (key, final class) within a scope, for summaries.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct SummaryRow {
    /// County code, cluster name (empty outside every cluster) or `all`.
    pub key: String,
    /// Final class (`X` for excluded).
    pub class: String,
    /// Enterprises.
    pub enterprises: i64,
    /// Σ 用地面积.
    pub land_area_mu: Option<f64>,
    /// Σ 税收.
    pub tax_paid: Option<f64>,
    /// Σ 利润.
    pub profit_total: Option<f64>,
    /// Σ 主营业务收入.
    pub main_revenue: Option<f64>,
    /// Σ 研发经费.
    pub rd_expense: Option<f64>,
    /// Σ 总产值.
    pub gross_output: Option<f64>,
    /// Σ 综合能耗.
    pub energy_tce: Option<f64>,
    /// Σ 增加值.
    pub value_added: Option<f64>,
}

/// What a summary groups by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SummaryBy {
    /// The whole city.
    City,
    /// County.
    County,
    /// Cluster.
    Cluster,
}

/// Sums per key and final class within the caller's scope.
pub async fn summary(
    conn: &mut AnyConnection,
    run_id: i64,
    scope: &Scope,
    by: SummaryBy,
) -> Result<Vec<SummaryRow>, StoreError> {
    let key = match by {
        SummaryBy::City => "'all'",
        SummaryBy::County => "i.region_code",
        SummaryBy::Cluster => "COALESCE(i.cluster, '')",
    };
    let mut cond = String::from(" WHERE r.run_id = $1");
    let mut n = 1;
    let bind = scope_condition(scope, &mut cond, &mut n);
    let sql = format!(
        "SELECT {key} AS key, r.final_class AS class, COUNT(*) AS enterprises, SUM(i.land_area_mu) AS land_area_mu, \
         SUM(i.tax_paid) AS tax_paid, SUM(i.profit_total) AS profit_total, SUM(i.main_revenue) AS main_revenue, \
         SUM(i.rd_expense) AS rd_expense, SUM(i.gross_output) AS gross_output, SUM(i.energy_tce) AS energy_tce, \
         SUM(i.value_added) AS value_added \
         FROM run_results r JOIN run_inputs i ON i.run_id = r.run_id AND i.enterprise_id = r.enterprise_id{cond} \
         GROUP BY 1, 2 ORDER BY 1, 2"
    );
    let mut q = sqlx::query_as(AssertSqlSafe(sql)).bind(run_id);
    q = match bind {
        Some(ScopeBind::Text(t)) => q.bind(t),
        Some(ScopeBind::Int(i)) => q.bind(i),
        None => q,
    };
    Ok(q.fetch_all(conn).await?)
}

/// Enterprises whose final class differs between two runs: `(enterprise_id, credit_code,
/// name, old class, new class)`, by credit code.
pub async fn class_changes(
    conn: &mut AnyConnection,
    old_run: i64,
    new_run: i64,
) -> Result<Vec<(i64, String, String, String, String)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT n.enterprise_id, i.credit_code, i.name, COALESCE(o.final_class, '—'), n.final_class \
         FROM run_results n JOIN run_inputs i ON i.run_id = n.run_id AND i.enterprise_id = n.enterprise_id \
         LEFT JOIN run_results o ON o.run_id = $1 AND o.enterprise_id = n.enterprise_id \
         WHERE n.run_id = $2 AND (o.final_class IS NULL OR o.final_class <> n.final_class) ORDER BY i.credit_code",
    )
    .bind(old_run)
    .bind(new_run)
    .fetch_all(conn)
    .await?)
}

/// A manual adjustment.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct RunAdjustment {
    /// The run.
    pub run_id: i64,
    /// The enterprise.
    pub enterprise_id: i64,
    /// The class given.
    pub class: String,
    /// The written reason.
    pub reason: String,
    /// Who.
    pub user_id: Option<i64>,
    /// When (ms).
    pub at: i64,
}

/// Records (or replaces) an adjustment and applies it to the stored result.
pub async fn adjust(
    conn: &mut AnyConnection,
    run_id: i64,
    enterprise_id: i64,
    class: &str,
    reason: &str,
    user_id: i64,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM run_adjustments WHERE run_id = $1 AND enterprise_id = $2")
        .bind(run_id)
        .bind(enterprise_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO run_adjustments (run_id, enterprise_id, class, reason, user_id, at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(run_id)
        .bind(enterprise_id)
        .bind(class)
        .bind(reason)
        .bind(user_id)
        .bind(now_ms())
        .execute(&mut *conn)
        .await?;
    let done = sqlx::query(
        "UPDATE run_results SET final_class = $1, class_reason = $2 WHERE run_id = $3 AND enterprise_id = $4",
    )
    .bind(class)
    .bind(format!("manual:{reason}"))
    .bind(run_id)
    .bind(enterprise_id)
    .execute(conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound("评价结果"));
    }
    Ok(())
}

/// The adjustments of a run, by enterprise.
pub async fn adjustments(conn: &mut AnyConnection, run_id: i64) -> Result<Vec<RunAdjustment>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT run_id, enterprise_id, class, reason, user_id, at FROM run_adjustments WHERE run_id = $1 ORDER BY enterprise_id",
    )
    .bind(run_id)
    .fetch_all(conn)
    .await?)
}

/// Final class counts per pool: `(group_id, pool, class, count)`.
pub async fn pool_class_counts(
    conn: &mut AnyConnection,
    run_id: i64,
) -> Result<Vec<(String, String, String, i64)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT group_id, pool, final_class, COUNT(*) FROM run_results WHERE run_id = $1 AND excluded_reason = '' \
         GROUP BY group_id, pool, final_class ORDER BY 1, 2, 3",
    )
    .bind(run_id)
    .fetch_all(conn)
    .await?)
}

/// An enterprise's final class in every published run: `(year, class, run id)`, newest first.
pub async fn published_classes(
    conn: &mut AnyConnection,
    enterprise_id: i64,
) -> Result<Vec<(i64, String, i64)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT ru.year, r.final_class, ru.id FROM run_results r JOIN evaluation_runs ru ON ru.id = r.run_id \
         WHERE r.enterprise_id = $1 AND ru.state = 'published' ORDER BY ru.year DESC",
    )
    .bind(enterprise_id)
    .fetch_all(conn)
    .await?)
}

/// Makes a published run's final classes the enterprises' classes of the year (replacing
/// earlier ones of that year; the runs keep the history).
pub async fn publish_classes(
    conn: &mut AnyConnection,
    run_id: i64,
    year: i64,
    source: &str,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM enterprise_classes WHERE year = $1")
        .bind(year)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO enterprise_classes (enterprise_id, year, class, source) \
         SELECT enterprise_id, $1, final_class, $2 FROM run_results WHERE run_id = $3",
    )
    .bind(year)
    .bind(source)
    .bind(run_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Every enterprise's class in the years `from..=to`: `(enterprise_id, year, class)`.
pub async fn classes_between(
    conn: &mut AnyConnection,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, i64, String)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT enterprise_id, year, class FROM enterprise_classes WHERE year BETWEEN $1 AND $2 ORDER BY enterprise_id, year",
    )
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await?)
}

/// Removes everything a failed run stored (its results are incomplete and never shown).
pub async fn clear_results(conn: &mut AnyConnection, run_id: i64) -> Result<(), StoreError> {
    for table in ["run_results", "run_pools", "run_inputs"] {
        sqlx::query(AssertSqlSafe(format!("DELETE FROM {table} WHERE run_id = $1")))
            .bind(run_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
