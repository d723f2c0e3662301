//! 企业名录: the registry every other record hangs on.

use sqlx::{AnyConnection, AssertSqlSafe};

use crate::typed::{Conn, on_backend};
use crate::{Scope, StoreError, now_ms};

/// An enterprise.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Enterprise {
    /// Id.
    pub id: i64,
    /// 统一社会信用代码 (unique).
    pub credit_code: String,
    /// 企业名称.
    pub name: String,
    /// County.
    pub region_code: String,
    /// Cluster, if inside one.
    pub cluster_id: Option<i64>,
    /// 4-digit industry code.
    pub industry_code: String,
    /// 投产日期 `YYYY-MM-DD`.
    pub production_start: Option<String>,
    /// `operating`, `stopped` or `closed`.
    pub status: String,
    /// 联系人.
    pub contact_name: String,
    /// 联系电话.
    pub contact_phone: String,
    /// 地址.
    pub address: String,
    /// 1 when a wrong check character was accepted explicitly.
    pub checksum_override: i64,
    /// Created (ms).
    pub created_at: i64,
    /// Last change (ms).
    pub updated_at: i64,
    /// Optimistic-lock version.
    pub version: i64,
}

/// The editable fields of an enterprise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnterpriseFields {
    /// 统一社会信用代码 (validated by the caller).
    pub credit_code: String,
    /// 企业名称.
    pub name: String,
    /// County.
    pub region_code: String,
    /// Cluster.
    pub cluster_id: Option<i64>,
    /// Industry code.
    pub industry_code: String,
    /// 投产日期.
    pub production_start: Option<String>,
    /// Status.
    pub status: String,
    /// 联系人.
    pub contact_name: String,
    /// 联系电话.
    pub contact_phone: String,
    /// 地址.
    pub address: String,
    /// Wrong check character accepted.
    pub checksum_override: bool,
}

macro_rules! columns {
    () => {
        "e.id, e.credit_code, e.name, e.region_code, e.cluster_id, e.industry_code, e.production_start, e.status, \
    e.contact_name, e.contact_phone, e.address, e.checksum_override, e.created_at, e.updated_at, e.version"
    };
}

/// Inserts an enterprise.
pub async fn insert(conn: &mut AnyConnection, f: &EnterpriseFields) -> Result<i64, StoreError> {
    let now = now_ms();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO enterprises (credit_code, name, region_code, cluster_id, industry_code, production_start, status, \
         contact_name, contact_phone, address, checksum_override, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
    )
    .bind(&f.credit_code)
    .bind(&f.name)
    .bind(&f.region_code)
    .bind(f.cluster_id)
    .bind(&f.industry_code)
    .bind(&f.production_start)
    .bind(&f.status)
    .bind(&f.contact_name)
    .bind(&f.contact_phone)
    .bind(&f.address)
    .bind(i64::from(f.checksum_override))
    .bind(now)
    .fetch_one(&mut *conn)
    .await
    .map_err(StoreError::unique("统一社会信用代码"))?;
    index_name(conn, id, &f.name).await?;
    Ok(id)
}

/// The two-character windows of a name, ASCII letters lower-cased, without repeats (the keys of
/// `enterprise_name_grams`).
pub(crate) fn name_grams(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().map(|c| c.to_ascii_lowercase()).collect();
    let mut grams: Vec<String> = chars.windows(2).map(|w| w.iter().collect()).collect();
    grams.sort();
    grams.dedup();
    grams
}

/// Replaces the name windows of an enterprise (see `0004_name_grams.sql`).
async fn index_name(conn: &mut AnyConnection, id: i64, name: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM enterprise_name_grams WHERE enterprise_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let grams = name_grams(name);
    if grams.is_empty() {
        return Ok(());
    }
    let values: Vec<String> = (0..grams.len()).map(|i| format!("(${}, $1)", i + 2)).collect();
    // Built from placeholders only; the grams are bound.
    let mut q = sqlx::query(AssertSqlSafe(format!(
        "INSERT INTO enterprise_name_grams (gram, enterprise_id) VALUES {}",
        values.join(", ")
    )))
    .bind(id);
    for g in grams {
        q = q.bind(g);
    }
    q.execute(conn).await?;
    Ok(())
}

/// Updates an enterprise if it is still at `version`.
pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    version: i64,
    f: &EnterpriseFields,
) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE enterprises SET credit_code = $1, name = $2, region_code = $3, cluster_id = $4, industry_code = $5, \
         production_start = $6, status = $7, contact_name = $8, contact_phone = $9, address = $10, checksum_override = $11, \
         updated_at = $12, version = version + 1 WHERE id = $13 AND version = $14",
    )
    .bind(&f.credit_code)
    .bind(&f.name)
    .bind(&f.region_code)
    .bind(f.cluster_id)
    .bind(&f.industry_code)
    .bind(&f.production_start)
    .bind(&f.status)
    .bind(&f.contact_name)
    .bind(&f.contact_phone)
    .bind(&f.address)
    .bind(i64::from(f.checksum_override))
    .bind(now_ms())
    .bind(id)
    .bind(version)
    .execute(&mut *conn)
    .await
    .map_err(StoreError::unique("统一社会信用代码"))?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict("企业信息"));
    }
    index_name(conn, id, &f.name).await
}

/// Appends the scope's condition to `sql`, binding its value as parameter `next`.
pub(crate) fn scope_sql(scope: &Scope, sql: &mut String, next: &mut usize) -> Option<ScopeValue> {
    let (cond, value) = match scope {
        Scope::All => return None,
        Scope::Nothing => {
            sql.push_str(" AND 1 = 0");
            return None;
        }
        Scope::Region(r) => ("e.region_code", ScopeValue::Text(r.clone())),
        Scope::Cluster(c) => ("e.cluster_id", ScopeValue::Int(*c)),
        Scope::Enterprise(e) => ("e.id", ScopeValue::Int(*e)),
    };
    sql.push_str(&format!(" AND {cond} = ${next}"));
    *next += 1;
    Some(value)
}

#[derive(Clone, Debug)]
pub(crate) enum ScopeValue {
    Text(String),
    Int(i64),
}

/// One enterprise, if within the scope.
pub async fn get(conn: &mut AnyConnection, id: i64, scope: &Scope) -> Result<Option<Enterprise>, StoreError> {
    let mut sql = String::from(concat!(
        "SELECT ",
        columns!(),
        " FROM enterprises e WHERE e.id = $1"
    ));
    let mut next = 2;
    let value = scope_sql(scope, &mut sql, &mut next);
    // Built only from constant fragments; values are bound.
    let mut q = sqlx::query_as(AssertSqlSafe(sql)).bind(id);
    q = match value {
        Some(ScopeValue::Text(t)) => q.bind(t),
        Some(ScopeValue::Int(i)) => q.bind(i),
        None => q,
    };
    Ok(q.fetch_optional(conn).await?)
}

/// One enterprise by credit code (no scope: for imports and uniqueness checks).
pub async fn get_by_code(
    conn: &mut AnyConnection,
    credit_code: &str,
) -> Result<Option<Enterprise>, StoreError> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM enterprises e WHERE e.credit_code = $1"
    ))
    .bind(credit_code)
    .fetch_optional(conn)
    .await?)
}

/// Filters of the enterprise list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ListFilter {
    /// Substring of the name, or a prefix of the credit code.
    pub search: Option<String>,
    /// County.
    pub region_code: Option<String>,
    /// Cluster.
    pub cluster_id: Option<i64>,
    /// Industry: a 2-digit division or a 4-digit code.
    pub industry: Option<String>,
    /// `above` or `below` in `year`.
    pub scale: Option<String>,
    /// Class in `year`.
    pub class: Option<String>,
    /// The year for scale and class.
    pub year: i64,
}

impl ListFilter {
    /// Whether the filter selects every enterprise of the scope (the year alone matters only
    /// to the scale and class filters).
    pub fn selects_all(&self) -> bool {
        self.search.as_deref().is_none_or(|s| s.trim().is_empty())
            && self.region_code.is_none()
            && self.cluster_id.is_none()
            && self.industry.is_none()
            && self.scale.is_none()
            && self.class.is_none()
    }
}

/// Sortable columns of the list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortBy {
    /// 统一社会信用代码.
    #[default]
    CreditCode,
    /// 名称.
    Name,
    /// 县区.
    Region,
    /// 集聚区.
    Cluster,
    /// 行业.
    Industry,
    /// 档次.
    Class,
}

impl SortBy {
    fn sql(self) -> &'static str {
        match self {
            SortBy::CreditCode => "e.credit_code",
            SortBy::Name => "e.name",
            SortBy::Region => "e.region_code",
            SortBy::Cluster => "c.name",
            SortBy::Industry => "e.industry_code",
            SortBy::Class => "ec.class",
        }
    }
}

/// A row of the enterprise list.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ListRow {
    /// Id.
    pub id: i64,
    /// 统一社会信用代码.
    pub credit_code: String,
    /// 企业名称.
    pub name: String,
    /// County code.
    pub region_code: String,
    /// Cluster name.
    pub cluster_name: Option<String>,
    /// Industry code.
    pub industry_code: String,
    /// Scale in the year.
    pub scale: Option<String>,
    /// Class in the year.
    pub class: Option<String>,
    /// Status.
    pub status: String,
}

/// A page of the enterprise list within a scope, and the total number of matches.
pub async fn list(
    conn: &mut AnyConnection,
    scope: &Scope,
    filter: &ListFilter,
    sort: SortBy,
    descending: bool,
    limit: i64,
    offset: i64,
) -> Result<(Vec<ListRow>, i64), StoreError> {
    let (rows, total) = list_inner(conn, scope, filter, sort, descending, limit, offset, true).await?;
    Ok((rows, total.unwrap_or_default()))
}

/// A page of the enterprise list within a scope, without counting the matches (for a caller
/// that already knows the total: counting is most of the cost of a page on PostgreSQL).
pub async fn list_page(
    conn: &mut AnyConnection,
    scope: &Scope,
    filter: &ListFilter,
    sort: SortBy,
    descending: bool,
    limit: i64,
    offset: i64,
) -> Result<Vec<ListRow>, StoreError> {
    Ok(
        list_inner(conn, scope, filter, sort, descending, limit, offset, false)
            .await?
            .0,
    )
}

#[allow(clippy::too_many_arguments)]
async fn list_inner(
    conn: &mut AnyConnection,
    scope: &Scope,
    filter: &ListFilter,
    sort: SortBy,
    descending: bool,
    limit: i64,
    offset: i64,
    with_total: bool,
) -> Result<(Vec<ListRow>, Option<i64>), StoreError> {
    let mut cond = String::from(" WHERE 1 = 1");
    let mut next = 2; // $1 is the year
    let mut texts: Vec<(usize, String)> = Vec::new();
    let mut ints: Vec<(usize, i64)> = Vec::new();
    match scope_sql(scope, &mut cond, &mut next) {
        Some(ScopeValue::Text(t)) => texts.push((next - 1, t)),
        Some(ScopeValue::Int(i)) => ints.push((next - 1, i)),
        None => {}
    }
    let mut count_gram: Option<String> = None;
    let mut text_param = |cond: &mut String, sql: &str, value: String, next: &mut usize| {
        cond.push_str(&sql.replace("$?", &format!("${next}")));
        texts.push((*next, value));
        *next += 1;
    };
    if let Some(s) = filter.search.as_ref().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        let s = s.replace(['%', '_'], "");
        let pattern = format!("%{s}%");
        if s.chars().all(|c| c.is_ascii_alphanumeric()) {
            // Could be the start of a credit code (or a Latin name fragment).
            let code_prefix = format!("{}%", s.to_uppercase());
            text_param(&mut cond, " AND (e.name LIKE $?", pattern, &mut next);
            text_param(&mut cond, " OR e.credit_code LIKE $?)", code_prefix, &mut next);
        } else {
            // Not a credit code: names only. The count takes its candidates from the index of
            // name windows (any window of the fragment is one of the name's) and confirms them
            // by LIKE; the page walks its sort index and stops after one page of matches, which
            // costs less than fetching and sorting every candidate.
            count_gram = name_grams(&s).into_iter().next();
            text_param(&mut cond, " AND e.name LIKE $?", pattern, &mut next);
        }
    }
    if let Some(r) = &filter.region_code {
        text_param(&mut cond, " AND e.region_code = $?", r.clone(), &mut next);
    }
    if let Some(i) = &filter.industry {
        text_param(
            &mut cond,
            " AND e.industry_code LIKE $?",
            format!("{}%", i.replace(['%', '_'], "")),
            &mut next,
        );
    }
    if let Some(s) = &filter.scale {
        text_param(&mut cond, " AND ey.scale = $?", s.clone(), &mut next);
    }
    if let Some(c) = &filter.class {
        text_param(&mut cond, " AND ec.class = $?", c.clone(), &mut next);
    }
    if let Some(c) = filter.cluster_id {
        cond.push_str(&format!(" AND e.cluster_id = ${next}"));
        ints.push((next, c));
        next += 1;
    }
    // The joins a statement needs: only those its filters or its sort use (joins on unique keys
    // never change which rows match). On 100,000 enterprises this keeps the count on one index
    // and lets the page be chosen by walking one index before joining just its rows.
    let needed = |for_sort: bool| {
        let mut from = String::from("FROM enterprises e");
        if for_sort && sort == SortBy::Cluster {
            from.push_str(" LEFT JOIN clusters c ON c.id = e.cluster_id");
        }
        if filter.scale.is_some() {
            from.push_str(" LEFT JOIN enterprise_years ey ON ey.enterprise_id = e.id AND ey.year = $1");
        }
        if filter.class.is_some() || (for_sort && sort == SortBy::Class) {
            from.push_str(" LEFT JOIN enterprise_classes ec ON ec.enterprise_id = e.id AND ec.year = $1");
        }
        from
    };
    let direction = if descending { "DESC" } else { "ASC" };
    let order = format!("{} {direction}, e.credit_code {direction}", sort.sql());
    let page_sql = format!(
        "SELECT e.id, e.credit_code, e.name, e.region_code, c.name AS cluster_name, e.industry_code, ey.scale, ec.class, e.status \
         FROM (SELECT e.id {inner}{cond} AND $1 = $1 ORDER BY {order} LIMIT ${next} OFFSET ${offset}) page \
         JOIN enterprises e ON e.id = page.id \
         LEFT JOIN clusters c ON c.id = e.cluster_id \
         LEFT JOIN enterprise_years ey ON ey.enterprise_id = e.id AND ey.year = $1 \
         LEFT JOIN enterprise_classes ec ON ec.enterprise_id = e.id AND ec.year = $1 \
         ORDER BY {order}",
        inner = needed(true),
        offset = next + 1
    );
    let count_from = needed(false);
    // $1 must appear in every statement it is bound to.
    let mut count_sql = if filter.scale.is_some() || filter.class.is_some() {
        format!("SELECT COUNT(*) {count_from}{cond}")
    } else {
        format!("SELECT COUNT(*) {count_from}{cond} AND $1 = $1")
    };
    // The name window is the count's last parameter (the page numbers its limit there).
    if count_gram.is_some() {
        count_sql.push_str(&format!(
            " AND e.id IN (SELECT enterprise_id FROM enterprise_name_grams WHERE gram = ${next})"
        ));
    }

    // Parameters in number order.
    let mut params: Vec<(usize, ScopeValue)> = texts
        .into_iter()
        .map(|(n, t)| (n, ScopeValue::Text(t)))
        .chain(ints.into_iter().map(|(n, i)| (n, ScopeValue::Int(i))))
        .collect();
    params.sort_by_key(|(n, _)| *n);

    // Both statements are built only from constant fragments and parameter numbers.
    let mut count = sqlx::query_as::<_, (i64,)>(AssertSqlSafe(count_sql)).bind(filter.year);
    for (_, p) in &params {
        count = match p {
            ScopeValue::Text(t) => count.bind(t.clone()),
            ScopeValue::Int(i) => count.bind(*i),
        };
    }
    if let Some(g) = count_gram {
        count = count.bind(g);
    }
    let total = if !with_total {
        None
    } else if cond == " WHERE 1 = 1" && filter.scale.is_none() && filter.class.is_none() {
        // No condition at all: the plain form, which SQLite answers from the table's b-tree page
        // counts instead of visiting every row.
        let (n,) = sqlx::query_as::<_, (i64,)>("SELECT COUNT(*) FROM enterprises")
            .fetch_one(&mut *conn)
            .await?;
        Some(n)
    } else {
        Some(count.fetch_one(&mut *conn).await?.0)
    };

    let mut page = sqlx::query_as::<_, ListRow>(AssertSqlSafe(page_sql)).bind(filter.year);
    for (_, p) in &params {
        page = match p {
            ScopeValue::Text(t) => page.bind(t.clone()),
            ScopeValue::Int(i) => page.bind(*i),
        };
    }
    let rows = page.bind(limit).bind(offset).fetch_all(conn).await?;
    Ok((rows, total))
}

/// Sets an enterprise's operating status (`operating`, `stopped`, `closed`) without touching
/// the rest of its record (for seeding; edits by officers go through [`update`]).
pub async fn set_status(conn: &mut AnyConnection, id: i64, status: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE enterprises SET status = $1 WHERE id = $2")
        .bind(status)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Sets the 规上/规下 status of an enterprise for a year.
pub async fn set_scale(
    conn: &mut AnyConnection,
    enterprise_id: i64,
    year: i64,
    scale: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO enterprise_years (enterprise_id, year, scale) VALUES ($1, $2, $3) \
         ON CONFLICT (enterprise_id, year) DO UPDATE SET scale = excluded.scale",
    )
    .bind(enterprise_id)
    .bind(year)
    .bind(scale)
    .execute(conn)
    .await?;
    Ok(())
}

/// The 规上/规下 status per year of an enterprise, newest first.
pub async fn scales(conn: &mut AnyConnection, enterprise_id: i64) -> Result<Vec<(i64, String)>, StoreError> {
    Ok(
        sqlx::query_as(
            "SELECT year, scale FROM enterprise_years WHERE enterprise_id = $1 ORDER BY year DESC",
        )
        .bind(enterprise_id)
        .fetch_all(conn)
        .await?,
    )
}

/// Sets the class of an enterprise for a year (from a published evaluation, or seeded).
pub async fn set_class(
    conn: &mut AnyConnection,
    enterprise_id: i64,
    year: i64,
    class: &str,
    source: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO enterprise_classes (enterprise_id, year, class, source) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (enterprise_id, year) DO UPDATE SET class = excluded.class, source = excluded.source",
    )
    .bind(enterprise_id)
    .bind(year)
    .bind(class)
    .bind(source)
    .execute(conn)
    .await?;
    Ok(())
}

/// The class per year of an enterprise, newest first.
pub async fn classes(
    conn: &mut AnyConnection,
    enterprise_id: i64,
) -> Result<Vec<(i64, String, String)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT year, class, source FROM enterprise_classes WHERE enterprise_id = $1 ORDER BY year DESC",
    )
    .bind(enterprise_id)
    .fetch_all(conn)
    .await?)
}

/// One year of an enterprise's class history.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ClassRecord {
    /// Year.
    pub year: i64,
    /// Class.
    pub class: String,
    /// `run:<id>`, `history:<document>`, `demo…`.
    pub source: String,
    /// SHA-256 of the file it was loaded from (empty unless imported).
    pub file_hash: String,
}

/// [`classes`] with the file each class came from, newest first.
pub async fn class_records(
    conn: &mut AnyConnection,
    enterprise_id: i64,
) -> Result<Vec<ClassRecord>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT year, class, source, file_hash FROM enterprise_classes WHERE enterprise_id = $1 ORDER BY year DESC",
    )
    .bind(enterprise_id)
    .fetch_all(conn)
    .await?)
}

/// The (enterprise, year) pairs whose class a published run of mujun set.
pub async fn published_class_years(conn: &mut AnyConnection) -> Result<Vec<(i64, i64)>, StoreError> {
    Ok(
        sqlx::query_as("SELECT enterprise_id, year FROM enterprise_classes WHERE source LIKE 'run:%'")
            .fetch_all(conn)
            .await?,
    )
}

/// Sets many classes at once (replacing what those enterprise-years had): `(enterprise, year,
/// class, source)`; `file_hash` names the file they came from (empty when none).
pub async fn replace_classes(
    conn: &mut AnyConnection,
    backend: crate::Backend,
    rows: &[(i64, i64, &str, String)],
    file_hash: &str,
) -> Result<(), StoreError> {
    let mut by_year: std::collections::BTreeMap<i64, Vec<i64>> = std::collections::BTreeMap::new();
    for (e, y, _, _) in rows {
        by_year.entry(*y).or_default().push(*e);
    }
    for (year, ids) in by_year {
        for chunk in ids.chunks(1_000) {
            let list = chunk.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
            // Integers formatted here, not user text.
            sqlx::query(AssertSqlSafe(format!(
                "DELETE FROM enterprise_classes WHERE year = $1 AND enterprise_id IN ({list})"
            )))
            .bind(year)
            .execute(&mut *conn)
            .await?;
        }
    }
    use crate::bulk::{Kind, Val};
    let values: Vec<Vec<Val<'_>>> = rows
        .iter()
        .map(|(e, y, c, s)| {
            vec![
                Val::Int(Some(*e)),
                Val::Int(Some(*y)),
                Val::Text(Some(c)),
                Val::Text(Some(s)),
                Val::Text(Some(file_hash)),
            ]
        })
        .collect();
    crate::bulk::insert(
        conn,
        backend,
        "enterprise_classes",
        &[
            ("enterprise_id", Kind::Int),
            ("year", Kind::Int),
            ("class", Kind::Text),
            ("source", Kind::Text),
            ("file_hash", Kind::Text),
        ],
        &values,
    )
    .await
}

/// Adds bonus or veto items in bulk: `(enterprise, year, kind, item)` (enterprise-years that have
/// none yet, e.g. a fresh demo database).
pub async fn insert_items(
    conn: &mut AnyConnection,
    backend: crate::Backend,
    rows: &[(i64, i64, &str, &str)],
) -> Result<(), StoreError> {
    use crate::bulk::{Kind, Val};
    let values: Vec<Vec<Val<'_>>> = rows
        .iter()
        .map(|(e, y, k, i)| {
            vec![
                Val::Int(Some(*e)),
                Val::Int(Some(*y)),
                Val::Text(Some(k)),
                Val::Text(Some(i)),
            ]
        })
        .collect();
    crate::bulk::insert(
        conn,
        backend,
        "enterprise_items",
        &[
            ("enterprise_id", Kind::Int),
            ("year", Kind::Int),
            ("kind", Kind::Text),
            ("item", Kind::Text),
        ],
        &values,
    )
    .await
}

/// Sets the status of many enterprises.
pub async fn set_status_many(conn: &mut AnyConnection, ids: &[i64], status: &str) -> Result<(), StoreError> {
    for chunk in ids.chunks(1_000) {
        let list = chunk.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        // Integers formatted here, not user text.
        sqlx::query(AssertSqlSafe(format!(
            "UPDATE enterprises SET status = $1 WHERE id IN ({list})"
        )))
        .bind(status)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Replaces the bonus or veto items of an enterprise-year.
pub async fn set_items(
    conn: &mut AnyConnection,
    enterprise_id: i64,
    year: i64,
    kind: &str,
    items: &[String],
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM enterprise_items WHERE enterprise_id = $1 AND year = $2 AND kind = $3")
        .bind(enterprise_id)
        .bind(year)
        .bind(kind)
        .execute(&mut *conn)
        .await?;
    for item in items {
        sqlx::query("INSERT INTO enterprise_items (enterprise_id, year, kind, item) VALUES ($1, $2, $3, $4)")
            .bind(enterprise_id)
            .bind(year)
            .bind(kind)
            .bind(item)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Bonus and veto items of an enterprise-year: `(kind, item)`.
pub async fn items(
    conn: &mut AnyConnection,
    enterprise_id: i64,
    year: i64,
) -> Result<Vec<(String, String)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT kind, item FROM enterprise_items WHERE enterprise_id = $1 AND year = $2 ORDER BY kind, item",
    )
    .bind(enterprise_id)
    .bind(year)
    .fetch_all(conn)
    .await?)
}

/// Bonus and veto items of every enterprise for a year: `(enterprise_id, kind, item)`.
pub async fn items_for_year(conn: Conn<'_>, year: i64) -> Result<Vec<(i64, String, String)>, StoreError> {
    const SQL: &str = "SELECT enterprise_id, kind, item FROM enterprise_items WHERE year = $1 ORDER BY enterprise_id, kind, item";
    Ok(on_backend!(conn, c => sqlx::query_as(SQL).bind(year).fetch_all(c).await)?)
}

/// Number of enterprises (all).
pub async fn count(conn: &mut AnyConnection) -> Result<i64, StoreError> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM enterprises")
        .fetch_one(conn)
        .await?;
    Ok(n)
}

/// Years that have any enterprise data, newest first.
pub async fn years(conn: &mut AnyConnection) -> Result<Vec<i64>, StoreError> {
    // A skip scan of the (year, scale) index: one index probe per distinct year instead of
    // reading every enterprise-year (hundreds of thousands) on each list page.
    let rows: Vec<(Option<i64>,)> = sqlx::query_as(
        "WITH RECURSIVE y(v) AS (SELECT MAX(year) FROM enterprise_years \
         UNION ALL SELECT (SELECT MAX(year) FROM enterprise_years WHERE year < y.v) FROM y WHERE y.v IS NOT NULL) \
         SELECT v FROM y WHERE v IS NOT NULL",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().filter_map(|(y,)| y).collect())
}

/// An enterprise as a collection round needs it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct RosterRow {
    /// Id.
    pub id: i64,
    /// 统一社会信用代码.
    pub credit_code: String,
    /// 企业名称.
    pub name: String,
    /// County code.
    pub region_code: String,
    /// Cluster name.
    pub cluster_name: Option<String>,
    /// Industry code.
    pub industry_code: String,
    /// Scale in the year.
    pub scale: Option<String>,
    /// Scale in the year before (a provisional value while the year's is not reported).
    pub previous_scale: Option<String>,
    /// Cluster id.
    pub cluster_id: Option<i64>,
    /// 投产日期 `YYYY-MM-DD`.
    pub production_start: Option<String>,
}

/// Every enterprise not closed, by county, cluster and code: the roster of a collection year.
pub async fn collection_roster(conn: Conn<'_>, year: i64) -> Result<Vec<RosterRow>, StoreError> {
    const SQL: &str = "SELECT e.id, e.credit_code, e.name, e.region_code, c.name AS cluster_name, e.industry_code, ey.scale, ep.scale AS previous_scale, \
         e.cluster_id, e.production_start \
         FROM enterprises e LEFT JOIN clusters c ON c.id = e.cluster_id \
         LEFT JOIN enterprise_years ey ON ey.enterprise_id = e.id AND ey.year = $1 \
         LEFT JOIN enterprise_years ep ON ep.enterprise_id = e.id AND ep.year = $1 - 1 \
         WHERE e.status <> 'closed' ORDER BY e.region_code, c.name, e.credit_code";
    Ok(on_backend!(conn, c => sqlx::query_as(SQL).bind(year).fetch_all(c).await)?)
}

/// Sets the scale of many enterprises for a year in multi-row statements.
pub async fn set_scales(
    conn: &mut AnyConnection,
    backend: crate::Backend,
    year: i64,
    scales: &[(i64, &str)],
) -> Result<(), StoreError> {
    for chunk in scales.chunks(5_000) {
        let mut sql = String::from("INSERT INTO enterprise_years (enterprise_id, year, scale) VALUES ");
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push(',');
            }
            // `?` is several times faster than `$n` on SQLite; PostgreSQL needs `$n`.
            match backend {
                crate::Backend::Sqlite => sql.push_str("(?, ?, ?)"),
                crate::Backend::Postgres => {
                    sql.push_str(&format!("(${}, ${}, ${})", i * 3 + 1, i * 3 + 2, i * 3 + 3))
                }
            }
        }
        sql.push_str(" ON CONFLICT (enterprise_id, year) DO UPDATE SET scale = excluded.scale");
        // Built only from placeholders; values are bound.
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for (id, scale) in chunk {
            q = q.bind(*id).bind(year).bind(*scale);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Enterprises per class in a year within a scope: `(class, count)` (for dashboards).
pub async fn class_counts(
    conn: &mut AnyConnection,
    scope: &Scope,
    year: i64,
) -> Result<Vec<(String, i64)>, StoreError> {
    let mut sql = String::from(
        "SELECT ec.class, COUNT(*) FROM enterprises e JOIN enterprise_classes ec ON ec.enterprise_id = e.id AND ec.year = $1 WHERE 1 = 1",
    );
    let mut next = 2;
    let value = scope_sql(scope, &mut sql, &mut next);
    sql.push_str(" GROUP BY ec.class ORDER BY ec.class");
    // Built only from constant fragments; values are bound.
    let mut q = sqlx::query_as(AssertSqlSafe(sql)).bind(year);
    q = match value {
        Some(ScopeValue::Text(t)) => q.bind(t),
        Some(ScopeValue::Int(i)) => q.bind(i),
        None => q,
    };
    Ok(q.fetch_all(conn).await?)
}

/// Every enterprise of a scope: `(id, name, county, cluster)`.
pub async fn scoped_names(
    conn: &mut AnyConnection,
    scope: &Scope,
) -> Result<Vec<(i64, String, String, Option<i64>)>, StoreError> {
    let mut sql =
        String::from("SELECT e.id, e.name, e.region_code, e.cluster_id FROM enterprises e WHERE 1 = 1");
    let mut next = 1;
    let value = scope_sql(scope, &mut sql, &mut next);
    let q = sqlx::query_as(AssertSqlSafe(sql));
    let q = match value {
        Some(ScopeValue::Text(t)) => q.bind(t),
        Some(ScopeValue::Int(i)) => q.bind(i),
        None => q,
    };
    Ok(q.fetch_all(conn).await?)
}

#[cfg(test)]
mod tests {
    use super::name_grams;

    #[test]
    fn name_windows() {
        assert_eq!(name_grams("驿城ABc机"), ["ab", "bc", "c机", "城a", "驿城"]);
        assert_eq!(name_grams("机械机械"), ["机械", "械机"], "no repeats");
        assert!(name_grams("厂").is_empty());
        assert!(name_grams("").is_empty());
    }
}
