//! A run's immutable input snapshot.

use sqlx::{AnyConnection, AssertSqlSafe};

use crate::bulk::{self, Kind, Val};
use crate::{Backend, StoreError};

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

pub(super) fn input_select(prefix: &str) -> String {
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
pub async fn inputs(conn: crate::typed::Conn<'_>, run_id: i64) -> Result<Vec<RunInput>, StoreError> {
    // Built from the static column list.
    let sql = format!(
        "SELECT {} FROM run_inputs WHERE run_id = $1 ORDER BY credit_code",
        input_select("")
    );
    Ok(
        crate::typed::on_backend!(conn, c => sqlx::query_as(AssertSqlSafe(sql)).bind(run_id).fetch_all(c).await)?,
    )
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
