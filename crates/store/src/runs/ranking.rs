//! A run's ranking within a scope: pages for the screen, chunks for exports.

use sqlx::{AnyConnection, AssertSqlSafe};

use crate::{Scope, StoreError};

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
    /// Only the enterprises of the run's supplementary notice.
    pub notice_members_only: bool,
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
    /// Presentation order within the run.
    pub position: i64,
}

pub(super) fn scope_condition(scope: &Scope, cond: &mut String, n: &mut usize) -> Option<ScopeBind> {
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

pub(super) enum ScopeBind {
    Text(String),
    Int(i64),
}

/// The WHERE clause of a ranking query (`r` results, `i` inputs) and its binds after `$1`
/// (the run id): the caller's scope and the filters.
fn ranking_where(scope: &Scope, filter: &ResultFilter) -> (String, Vec<ScopeBind>) {
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
    if filter.notice_members_only {
        cond.push_str(
            " AND EXISTS (SELECT 1 FROM run_notice_members m WHERE m.run_id = r.run_id AND m.enterprise_id = r.enterprise_id)",
        );
    }
    (cond, binds)
}

const RANKING_FROM: &str =
    " FROM run_results r JOIN run_inputs i ON i.run_id = r.run_id AND i.enterprise_id = r.enterprise_id";

const RANKING_COLUMNS: &str = "r.enterprise_id, i.credit_code, i.name, i.region_code, i.cluster, i.industry_code, i.scale, r.group_id, r.pool, \
     r.excluded_reason, r.rank, r.pool_size, r.total, r.computed_class, r.final_class, r.class_reason, i.land_area_mu, i.tax_paid, r.position";

/// One page of a run's ranking within the caller's scope, and the number of matching rows.
/// Pages hold at most 1,000 rows; whole-scope exports read with [`ranking_chunk`].
pub async fn ranking(
    conn: &mut AnyConnection,
    run_id: i64,
    scope: &Scope,
    filter: &ResultFilter,
    sort: ResultSort,
    page: i64,
    per_page: i64,
) -> Result<(Vec<RankingRow>, i64), StoreError> {
    let (cond, binds) = ranking_where(scope, filter);
    // Each order but the total's walks an index (see migration 0003).
    let order = match sort {
        ResultSort::Rank => "r.position",
        ResultSort::Total => "r.total DESC NULLS LAST, r.position",
        ResultSort::Name => "i.name, i.credit_code",
        ResultSort::Class => "r.final_class, r.position",
    };
    let per_page = per_page.clamp(1, 1000);
    let offset = page.clamp(1, i64::MAX / 1000 / 2).saturating_sub(1) * per_page;
    let sql = format!(
        "SELECT {RANKING_COLUMNS}{RANKING_FROM}{cond} ORDER BY {order} LIMIT {per_page} OFFSET {offset}"
    );
    let mut q = sqlx::query_as(AssertSqlSafe(sql)).bind(run_id);
    for b in &binds {
        q = match b {
            ScopeBind::Text(t) => q.bind(t.clone()),
            ScopeBind::Int(i) => q.bind(*i),
        };
    }
    let rows: Vec<RankingRow> = q.fetch_all(&mut *conn).await?;
    let mut cq = sqlx::query_as(AssertSqlSafe(format!("SELECT COUNT(*){RANKING_FROM}{cond}"))).bind(run_id);
    for b in &binds {
        cq = match b {
            ScopeBind::Text(t) => cq.bind(t.clone()),
            ScopeBind::Int(i) => cq.bind(*i),
        };
    }
    let (total,): (i64,) = cq.fetch_one(conn).await?;
    Ok((rows, total))
}

/// The order a whole-scope export walks a run in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChunkOrder {
    /// Presentation order (pools, rank).
    Position,
    /// Name, then credit code (the public list).
    Name,
}

/// The next `limit` rows of a run's ranking within the scope and filters after `after` (the
/// last row of the previous chunk, `None` for the first), walking an index by key instead of
/// an OFFSET: an export reads a whole scope of any size in chunks of constant cost.
pub async fn ranking_chunk(
    conn: &mut AnyConnection,
    run_id: i64,
    scope: &Scope,
    filter: &ResultFilter,
    order: ChunkOrder,
    after: Option<&RankingRow>,
    limit: i64,
) -> Result<Vec<RankingRow>, StoreError> {
    let (mut cond, mut binds) = ranking_where(scope, filter);
    let n = binds.len() + 1;
    if let Some(a) = after {
        match order {
            ChunkOrder::Position => {
                cond.push_str(&format!(" AND r.position > ${}", n + 1));
                binds.push(ScopeBind::Int(a.position));
            }
            ChunkOrder::Name => {
                cond.push_str(&format!(
                    " AND (i.name > ${a} OR (i.name = ${a} AND i.credit_code > ${b}))",
                    a = n + 1,
                    b = n + 2
                ));
                binds.push(ScopeBind::Text(a.name.clone()));
                binds.push(ScopeBind::Text(a.credit_code.clone()));
            }
        }
    }
    let order = match order {
        ChunkOrder::Position => "r.position",
        ChunkOrder::Name => "i.name, i.credit_code",
    };
    let sql = format!(
        "SELECT {RANKING_COLUMNS}{RANKING_FROM}{cond} ORDER BY {order} LIMIT {}",
        limit.clamp(1, 100_000)
    );
    let mut q = sqlx::query_as(AssertSqlSafe(sql)).bind(run_id);
    for b in &binds {
        q = match b {
            ScopeBind::Text(t) => q.bind(t.clone()),
            ScopeBind::Int(i) => q.bind(*i),
        };
    }
    Ok(q.fetch_all(conn).await?)
}
