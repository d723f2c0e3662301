//! Cluster indicators per year (from the enterprises' sums and the supplied data, each with its
//! derivation) and the departments' entry of the supplied data (history kept, audited).

use std::collections::HashMap;

use mujun_cluster::indicators::{self, Indicator, SUPPLIED_ITEMS, Sums, Supplied, Value};
use mujun_store::cluster_assessment::{self, DataRow, SumRow};
use mujun_store::{StoreError, clusters, departments, enterprises};
use serde_json::json;

use super::{ClusterPlanRights, cluster_plan_rights, item_department};
use crate::audit::{Who, write};
use crate::{Actor, App, AppError};

/// One cluster's indicators of a year.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterLine {
    /// The cluster.
    pub id: i64,
    /// Name.
    pub name: String,
    /// County.
    pub county: String,
    /// 千亿级 / 百亿级 / empty.
    pub tier: &'static str,
    /// Indicators in display order.
    pub values: Vec<Value>,
    /// Supplied items `(id, value)` as entered (not the city's fall-backs).
    pub supplied: Vec<(&'static str, Option<f64>)>,
}

/// The indicators of a year.
#[derive(Clone, Debug, PartialEq)]
pub struct IndicatorsView {
    /// The year shown.
    pub year: Option<i64>,
    /// Years with data, newest first.
    pub years: Vec<i64>,
    /// The clusters.
    pub clusters: Vec<ClusterLine>,
    /// All clusters together.
    pub city: Vec<Value>,
    /// The city-wide price index of the year.
    pub price_index: Option<f64>,
    /// The items the caller may enter: `(id, name, unit)`.
    pub may_supply: Vec<(&'static str, &'static str, &'static str)>,
    /// What the caller may do.
    pub rights: ClusterPlanRights,
    /// The supplied data's history of the year (newest first): `(cluster, item, value, note, by, when)`.
    pub history: Vec<(String, String, String, String, String, String)>,
}

/// Supplied data as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct DataForm {
    /// The cluster (0: the whole city, only for the price index).
    pub cluster_id: i64,
    /// Year.
    pub year: i64,
    /// Item id.
    pub item: String,
    /// Value.
    pub value: String,
    /// Source or remark.
    pub note: String,
}

pub(crate) fn sums_of(r: &SumRow) -> Sums {
    Sums {
        enterprises: u32::try_from(r.enterprises).unwrap_or(0),
        above: u32::try_from(r.above).unwrap_or(0),
        class_ab: u32::try_from(r.class_ab).unwrap_or(0),
        land_mu: r.land_mu,
        tax: r.tax,
        revenue: r.revenue,
        value_added_above: r.value_added_above,
        energy_above: r.energy_above,
        value_added_energy: r.value_added_energy,
    }
}

fn add(a: &mut Sums, b: &Sums) {
    a.enterprises += b.enterprises;
    a.above += b.above;
    a.class_ab += b.class_ab;
    a.land_mu += b.land_mu;
    a.tax += b.tax;
    a.revenue += b.revenue;
    a.value_added_above += b.value_added_above;
    a.energy_above += b.energy_above;
    a.value_added_energy += b.value_added_energy;
}

/// Everything computed for one year: per cluster and for the city.
pub(crate) struct YearTable {
    pub(crate) clusters: Vec<(clusters::Cluster, Vec<Value>, Supplied)>,
    pub(crate) city: Vec<Value>,
    pub(crate) price_index: Option<f64>,
}

fn supplied_of(rows: &[DataRow], cluster: Option<i64>) -> Supplied {
    let mut s = Supplied::default();
    for r in rows.iter().filter(|r| r.cluster_id == cluster) {
        s.set(&r.item, r.value);
    }
    s
}

impl App {
    /// The indicators of every active cluster and of the city for `year`.
    pub(crate) async fn year_table(&self, year: i64) -> Result<YearTable, AppError> {
        let mut c = self.store.read().await?;
        let list = clusters::list(&mut c, None).await?;
        let now: HashMap<i64, Sums> = cluster_assessment::sums(&mut c, year)
            .await?
            .iter()
            .map(|r| (r.cluster_id, sums_of(r)))
            .collect();
        let before: HashMap<i64, Sums> = cluster_assessment::sums(&mut c, year - 1)
            .await?
            .iter()
            .map(|r| (r.cluster_id, sums_of(r)))
            .collect();
        let data = cluster_assessment::data(&mut c, year).await?;
        drop(c);
        let city_data = supplied_of(&data, None);
        let price_index = city_data.price_index;
        let mut city_now = Sums::default();
        let mut city_before = Sums::default();
        let mut city_supplied = Supplied {
            price_index,
            ..Supplied::default()
        };
        let mut out = Vec::new();
        for k in list.into_iter().filter(|k| k.status == "active") {
            let empty = Sums::default();
            let n = now.get(&k.id).unwrap_or(&empty);
            let mut s = supplied_of(&data, Some(k.id));
            // The statistics bureau gives one price index for the city unless a cluster has its own.
            s.price_index = s.price_index.or(price_index);
            add(&mut city_now, n);
            if let Some(b) = before.get(&k.id) {
                add(&mut city_before, b);
            }
            for (id, _, _) in SUPPLIED_ITEMS.iter().skip(1) {
                if let Some(v) = supplied_value(&s, id) {
                    let total = supplied_value(&city_supplied, id).unwrap_or(0.0) + v;
                    city_supplied.set(id, total);
                }
            }
            let values = indicators::compute(n, before.get(&k.id), &s);
            out.push((k, values, s));
        }
        let city = indicators::compute(
            &city_now,
            (!before.is_empty()).then_some(&city_before),
            &city_supplied,
        );
        Ok(YearTable {
            clusters: out,
            city,
            price_index,
        })
    }

    /// The cluster indicators of `year` (default: the latest year with data).
    pub async fn cluster_indicators(
        &self,
        actor: &Actor,
        year: Option<i64>,
    ) -> Result<IndicatorsView, AppError> {
        let rights = cluster_plan_rights(actor);
        if !rights.reads {
            return Err(self
                .deny(
                    actor,
                    "clusters.indicators",
                    ("cluster", ""),
                    "不能查看集聚区指标",
                )
                .await);
        }
        let mut c = self.store.read().await?;
        let years = enterprises::years(&mut c).await?;
        let own_department = match actor.department_id {
            Some(d) => departments::get(&mut c, d).await?.map(|d| d.code),
            None => None,
        };
        drop(c);
        let year = year.filter(|y| years.contains(y)).or(years.first().copied());
        let may_supply = SUPPLIED_ITEMS
            .iter()
            .copied()
            .filter(|(id, _, _)| {
                rights.runs || (rights.supplies && item_department(id) == own_department.as_deref())
            })
            .collect();
        let Some(y) = year else {
            return Ok(IndicatorsView {
                year: None,
                years,
                clusters: Vec::new(),
                city: Vec::new(),
                price_index: None,
                may_supply,
                rights,
                history: Vec::new(),
            });
        };
        let table = self.year_table(y).await?;
        let regions = self.region_names().await?;
        let mut c = self.store.read().await?;
        let history_rows = cluster_assessment::data_history(&mut c, y).await?;
        drop(c);
        let names: HashMap<i64, String> = table
            .clusters
            .iter()
            .map(|(k, _, _)| (k.id, k.name.clone()))
            .collect();
        let item_name = |id: &str| {
            SUPPLIED_ITEMS
                .iter()
                .find(|(i, _, _)| *i == id)
                .map_or(id.to_owned(), |(_, n, _)| (*n).to_owned())
        };
        let history = history_rows
            .into_iter()
            .map(|r| {
                let place = r.cluster_id.map_or_else(
                    || "全市".to_owned(),
                    |k| names.get(&k).cloned().unwrap_or_default(),
                );
                let note = if r.current == 1 {
                    r.note
                } else {
                    format!("{}（已被更新）", r.note)
                };
                (
                    place,
                    item_name(&r.item),
                    crate::evaluation::format::number(r.value, 2),
                    note,
                    r.by_name.unwrap_or_default(),
                    crate::clock::beijing(r.created_at),
                )
            })
            .collect();
        let clusters = table
            .clusters
            .into_iter()
            .map(|(k, values, s)| {
                let revenue = values
                    .iter()
                    .find(|v| v.indicator == Indicator::Revenue)
                    .and_then(|v| v.value);
                ClusterLine {
                    id: k.id,
                    county: regions
                        .get(&k.region_code)
                        .cloned()
                        .unwrap_or_else(|| k.region_code.clone()),
                    name: k.name,
                    tier: indicators::scale_tier(revenue),
                    values,
                    supplied: SUPPLIED_ITEMS
                        .iter()
                        .skip(1)
                        .map(|(id, _, _)| (*id, supplied_value(&s, id)))
                        .collect(),
                }
            })
            .collect();
        Ok(IndicatorsView {
            year,
            years,
            clusters,
            city: table.city,
            price_index: table.price_index,
            may_supply,
            rights,
            history,
        })
    }

    /// Records one supplied item of a cluster (or of the city: the price index) for a year. The
    /// city enters any item; a department the items it owns. History kept; audited.
    pub async fn supply_cluster_data(&self, actor: &Actor, form: &DataForm) -> Result<(), AppError> {
        if !cluster_plan_rights(actor).supplies {
            return Err(self
                .deny(
                    actor,
                    "clusters.supply",
                    ("cluster", &form.cluster_id.to_string()),
                    "不能报送集聚区数据",
                )
                .await);
        }
        let view = self.cluster_indicators(actor, Some(form.year)).await?;
        let item = form.item.trim();
        let Some((_, name, unit)) = SUPPLIED_ITEMS.iter().find(|(i, _, _)| *i == item) else {
            return Err(AppError::invalid("item", format!("数据项“{item}”不存在")));
        };
        if !view.may_supply.iter().any(|(i, _, _)| *i == item) {
            return Err(self
                .deny(
                    actor,
                    "clusters.supply",
                    ("cluster", &form.cluster_id.to_string()),
                    "不是该数据项的报送部门",
                )
                .await);
        }
        if view.year != Some(form.year) {
            return Err(AppError::invalid("year", format!("{} 年没有企业数据", form.year)));
        }
        let cluster = match form.cluster_id {
            0 if item == "price_index" => None,
            0 => {
                return Err(AppError::invalid(
                    "cluster_id",
                    "请选择产业集聚区（只有价格指数可按全市报送）",
                ));
            }
            id if view.clusters.iter().any(|k| k.id == id) => Some(id),
            id => {
                return Err(AppError::invalid(
                    "cluster_id",
                    format!("产业集聚区 #{id} 不存在或已撤并"),
                ));
            }
        };
        let value = match mujun_domain::number::parse_number(&form.value) {
            Ok(Some(v)) if v >= 0.0 && (item != "price_index" || (50.0..=200.0).contains(&v)) => v,
            _ => {
                return Err(AppError::invalid(
                    "value",
                    format!(
                        "“{name}”的值“{}”无效：应为不小于 0 的数{}",
                        form.value.trim(),
                        if item == "price_index" {
                            "（价格指数以上年为 100，应在 50 至 200 之间）"
                        } else {
                            ""
                        }
                    ),
                ));
            }
        };
        if item == "large_medium_rd" {
            // Firms with an R&D institution are some of the large and medium firms.
            let whole = cluster
                .and_then(|id| view.clusters.iter().find(|k| k.id == id))
                .and_then(|k| k.supplied.iter().find(|(i, _)| *i == "large_medium"))
                .and_then(|(_, v)| *v);
            if let Some(w) = whole
                && value > w
            {
                return Err(AppError::invalid(
                    "value",
                    format!("“{name}”{value} 超过大中型工业企业数 {w}"),
                ));
            }
        }
        let mut tx = self.store.begin().await?;
        cluster_assessment::set_data(
            &mut tx,
            cluster,
            form.year,
            item,
            value,
            form.note.trim(),
            Some(actor.user_id),
        )
        .await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "clusters.supply",
            (
                "cluster",
                &cluster.map_or_else(|| "city".to_owned(), |c| c.to_string()),
            ),
            json!({"year": form.year, "item": name, "value": value, "unit": unit, "note": form.note.trim()}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }
}

pub(crate) fn supplied_value(s: &Supplied, id: &str) -> Option<f64> {
    match id {
        "price_index" => s.price_index,
        "retrofitted_above" => s.retrofitted_above,
        "retrofitted_ab" => s.retrofitted_ab,
        "large_medium" => s.large_medium,
        "large_medium_rd" => s.large_medium_rd,
        "platforms" => s.platforms,
        "tech_investment" => s.tech_investment,
        "industrial_investment" => s.industrial_investment,
        "green_factories" => s.green_factories,
        _ => None,
    }
}
