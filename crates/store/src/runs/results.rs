//! A run's stored results, pools, summaries, manual adjustments and the classes it publishes.

use sqlx::{AnyConnection, AssertSqlSafe};

use super::RunInput;
use super::inputs::input_select;
use super::ranking::{ScopeBind, scope_condition};
use crate::bulk::{self, Kind, Val};
use crate::{Backend, Scope, StoreError, now_ms};

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

/// A year's sums per key and published class from the collected figures, for a year that has
/// no published run (the comparison with last year): every enterprise with a current value of
/// a summed field, grouped by its county or cluster as registered now, its class being the
/// year's class if one was published or imported (`""` otherwise). Shaped like [`summary`].
pub async fn figure_summary(
    conn: &mut AnyConnection,
    year: i64,
    scope: &Scope,
    by: SummaryBy,
) -> Result<Vec<SummaryRow>, StoreError> {
    let key = match by {
        SummaryBy::City => "'all'",
        SummaryBy::County => "e.region_code",
        SummaryBy::Cluster => "COALESCE(c.name, '')",
    };
    let (scope_cond, text, int) = match scope {
        Scope::All => ("", None, None),
        Scope::Nothing => (" AND 1 = 0", None, None),
        Scope::Region(r) => (" AND e.region_code = $2", Some(r.clone()), None),
        Scope::Cluster(c) => (" AND e.cluster_id = $2", None, Some(*c)),
        Scope::Enterprise(e) => (" AND e.id = $2", None, Some(*e)),
    };
    let field = |f: &str| format!("MAX(CASE WHEN f.field = '{f}' THEN f.value END) AS {f}");
    let fields = [
        "land_area_mu",
        "tax_paid",
        "profit_total",
        "main_revenue",
        "rd_expense",
        "gross_output",
        "energy_tce",
        "value_added",
    ];
    // Built from the constant field ids above and placeholders only.
    let sql = format!(
        "SELECT key, class, COUNT(*) AS enterprises, {sums} FROM (\
           SELECT {key} AS key, COALESCE(ec.class, '') AS class, {pivot} \
           FROM figures f JOIN enterprises e ON e.id = f.enterprise_id \
           LEFT JOIN clusters c ON c.id = e.cluster_id \
           LEFT JOIN enterprise_classes ec ON ec.enterprise_id = e.id AND ec.year = $1 \
           WHERE f.year = $1 AND f.superseded_at IS NULL AND f.field IN ({list}){scope_cond} \
           GROUP BY f.enterprise_id, 1, 2) t GROUP BY 1, 2 ORDER BY 1, 2",
        sums = fields
            .iter()
            .map(|f| format!("SUM({f}) AS {f}"))
            .collect::<Vec<_>>()
            .join(", "),
        pivot = fields.iter().map(|f| field(f)).collect::<Vec<_>>().join(", "),
        list = fields
            .iter()
            .map(|f| format!("'{f}'"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    let mut q = sqlx::query_as(AssertSqlSafe(sql)).bind(year);
    if let Some(t) = text {
        q = q.bind(t);
    }
    if let Some(i) = int {
        q = q.bind(i);
    }
    Ok(q.fetch_all(conn).await?)
}
