//! Clusters' 产业准入负面清单 (versioned) and admission reviews of proposed projects (issue 13).

use sqlx::AnyConnection;

use crate::{StoreError, now_ms, opt_f64};

/// One version of a cluster's list.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct NegativeList {
    /// Id.
    pub id: i64,
    /// The cluster.
    pub cluster_id: i64,
    /// 1, 2, 3 … per cluster.
    pub version: i64,
    /// The document it rests on.
    pub basis: String,
    /// 1: an example (demo data), not a published list.
    pub example: i64,
    /// The cluster's 标准地 minimum 投资强度 (万元/亩) for every project.
    pub min_investment_per_mu: Option<f64>,
    /// The cluster's 标准地 minimum 亩均税收 (万元/亩) for every project.
    pub min_tax_per_mu: Option<f64>,
    /// Who saved it.
    pub created_by: Option<i64>,
    /// When (ms).
    pub created_at: i64,
}

/// One entry of a list.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ListEntry {
    /// GB/T 4754 code at any level (`C`, `26`, `261`, `2614`).
    pub code: String,
    /// `banned` or `restricted`.
    pub rule: String,
    /// Minimum 投资强度 of a restricted industry (万元/亩).
    pub min_investment_per_mu: Option<f64>,
    /// Minimum 亩均税收 of a restricted industry (万元/亩).
    pub min_tax_per_mu: Option<f64>,
    /// Maximum yearly energy use of a restricted industry (吨标准煤).
    pub max_energy_tce: Option<f64>,
    /// The entry's basis.
    pub basis: String,
}

macro_rules! list_columns {
    () => {
        "id, cluster_id, version, basis, example, min_investment_per_mu, min_tax_per_mu, created_by, created_at"
    };
}

/// The versions of a cluster's list, newest first.
pub async fn versions(conn: &mut AnyConnection, cluster_id: i64) -> Result<Vec<NegativeList>, StoreError> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        list_columns!(),
        " FROM negative_lists WHERE cluster_id = $1 ORDER BY version DESC"
    ))
    .bind(cluster_id)
    .fetch_all(conn)
    .await?)
}

/// One version by id.
pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<NegativeList>, StoreError> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        list_columns!(),
        " FROM negative_lists WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// The entries of a version, in their order.
pub async fn entries(conn: &mut AnyConnection, list_id: i64) -> Result<Vec<ListEntry>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT code, rule, min_investment_per_mu, min_tax_per_mu, max_energy_tce, basis \
         FROM negative_list_entries WHERE list_id = $1 ORDER BY position",
    )
    .bind(list_id)
    .fetch_all(conn)
    .await?)
}

/// What a new version holds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NewList {
    /// The document it rests on.
    pub basis: String,
    /// An example (demo data).
    pub example: bool,
    /// 标准地 minimum 投资强度 (万元/亩).
    pub min_investment_per_mu: Option<f64>,
    /// 标准地 minimum 亩均税收 (万元/亩).
    pub min_tax_per_mu: Option<f64>,
    /// The entries.
    pub entries: Vec<ListEntry>,
}

/// Saves a new version of a cluster's list (the next number); returns `(id, version)`.
pub async fn save(
    conn: &mut AnyConnection,
    cluster_id: i64,
    list: &NewList,
    user_id: Option<i64>,
) -> Result<(i64, i64), StoreError> {
    let (last,): (Option<i64>,) =
        sqlx::query_as("SELECT MAX(version) FROM negative_lists WHERE cluster_id = $1")
            .bind(cluster_id)
            .fetch_one(&mut *conn)
            .await?;
    let version = last.unwrap_or(0) + 1;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO negative_lists (cluster_id, version, basis, example, min_investment_per_mu, min_tax_per_mu, created_by, created_at) \
         VALUES ($1, $2, $3, $4, CAST($5 AS DOUBLE PRECISION), CAST($6 AS DOUBLE PRECISION), $7, $8) RETURNING id",
    )
    .bind(cluster_id)
    .bind(version)
    .bind(&list.basis)
    .bind(i64::from(list.example))
    .bind(opt_f64(list.min_investment_per_mu))
    .bind(opt_f64(list.min_tax_per_mu))
    .bind(user_id)
    .bind(now_ms())
    .fetch_one(&mut *conn)
    .await
    .map_err(StoreError::unique("负面清单版本"))?;
    for (position, e) in list.entries.iter().enumerate() {
        sqlx::query(
            "INSERT INTO negative_list_entries (list_id, position, code, rule, min_investment_per_mu, min_tax_per_mu, max_energy_tce, basis) \
             VALUES ($1, $2, $3, $4, CAST($5 AS DOUBLE PRECISION), CAST($6 AS DOUBLE PRECISION), CAST($7 AS DOUBLE PRECISION), $8)",
        )
        .bind(id)
        .bind(position as i64)
        .bind(&e.code)
        .bind(&e.rule)
        .bind(opt_f64(e.min_investment_per_mu))
        .bind(opt_f64(e.min_tax_per_mu))
        .bind(opt_f64(e.max_energy_tce))
        .bind(&e.basis)
        .execute(&mut *conn)
        .await?;
    }
    Ok((id, version))
}

/// A review of a proposed project.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Review {
    /// Id.
    pub id: i64,
    /// The cluster.
    pub cluster_id: i64,
    /// The list version it was judged by (none when the cluster had no list).
    pub list_id: Option<i64>,
    /// Project name.
    pub project_name: String,
    /// 4-digit industry code.
    pub industry_code: String,
    /// Investment (万元).
    pub investment: f64,
    /// Land (亩).
    pub land_mu: f64,
    /// Expected yearly tax (万元).
    pub expected_tax: f64,
    /// Expected yearly energy (吨标准煤).
    pub energy_tce: f64,
    /// `pass`, `conditional` or `refused`.
    pub verdict: String,
    /// The reasons, one per line.
    pub reasons: String,
    /// Who reviewed.
    pub created_by: Option<i64>,
    /// When (ms).
    pub created_at: i64,
}

macro_rules! review_columns {
    () => {
        "id, cluster_id, list_id, project_name, industry_code, investment, land_mu, expected_tax, energy_tce, verdict, reasons, created_by, created_at"
    };
}

/// Records a review; returns its id.
pub async fn add_review(conn: &mut AnyConnection, r: &Review) -> Result<i64, StoreError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO admission_reviews (cluster_id, list_id, project_name, industry_code, investment, land_mu, expected_tax, energy_tce, verdict, reasons, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(r.cluster_id)
    .bind(r.list_id)
    .bind(&r.project_name)
    .bind(&r.industry_code)
    .bind(r.investment)
    .bind(r.land_mu)
    .bind(r.expected_tax)
    .bind(r.energy_tce)
    .bind(&r.verdict)
    .bind(&r.reasons)
    .bind(r.created_by)
    .bind(now_ms())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// The reviews of some clusters (all when `clusters` is `None`), newest first.
pub async fn reviews(
    conn: &mut AnyConnection,
    clusters: Option<&[i64]>,
    limit: i64,
) -> Result<Vec<Review>, StoreError> {
    match clusters {
        None => Ok(sqlx::query_as(concat!(
            "SELECT ",
            review_columns!(),
            " FROM admission_reviews ORDER BY created_at DESC, id DESC LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(conn)
        .await?),
        Some(ids) => {
            // Ids are integers: listed inline (the scope of one officer is a handful of clusters).
            let list = if ids.is_empty() {
                "NULL".to_owned()
            } else {
                ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
            };
            Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
                concat!(
                    "SELECT ",
                    review_columns!(),
                    " FROM admission_reviews WHERE cluster_id IN ({}) ORDER BY created_at DESC, id DESC LIMIT $1"
                ),
                list
            )))
            .bind(limit)
            .fetch_all(conn)
            .await?)
        }
    }
}
