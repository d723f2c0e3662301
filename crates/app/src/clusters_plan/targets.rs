//! Plan targets per (level, document, year, indicator): the city plan's (驻政办〔2019〕125号) and
//! the province's (豫政办〔2019〕43号), with each one's progress over the years with data, the
//! trend, and the projection to the target year.

use mujun_cluster::indicators::{Indicator, Value};
use mujun_store::StoreError;
use mujun_store::cluster_assessment::{self, NewTarget, Target};
use serde_json::json;

use super::cluster_plan_rights;
use crate::audit::{Who, write};
use crate::{Actor, App, AppError, Role};

/// Targets that count clusters or sum over them, beyond the cluster indicators.
const COUNTS: [(&str, &str, &str); 2] = [
    ("clusters_1000yi", "千亿级产业集群", "个"),
    ("clusters_100yi", "百亿级产业集群", "个"),
];

fn label_unit(id: &str) -> (&'static str, &'static str) {
    if let Some(i) = Indicator::parse(id) {
        return (i.label(), i.unit());
    }
    COUNTS
        .iter()
        .find(|(c, _, _)| *c == id)
        .map_or(("未知指标", ""), |(_, l, u)| (*l, *u))
}

/// One target with its progress.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetLine {
    /// 省级 / 市级 / 集聚区.
    pub level: &'static str,
    /// The cluster of a cluster target.
    pub cluster: String,
    /// The document.
    pub document: String,
    /// Indicator name.
    pub indicator: &'static str,
    /// Unit.
    pub unit: &'static str,
    /// Target year.
    pub target_year: i64,
    /// Target value.
    pub target: f64,
    /// Remark.
    pub note: String,
    /// Values over the years with data, oldest first.
    pub series: Vec<(i64, Option<f64>)>,
    /// The latest value.
    pub latest: Option<f64>,
    /// The value projected to the target year from the trend (or the average, for a rate).
    pub projection: Option<f64>,
    /// Where it stands, in words.
    pub status: String,
    /// Met now.
    pub met: bool,
}

/// A target as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct TargetForm {
    /// `province`, `city`, `cluster`.
    pub level: String,
    /// The cluster (cluster targets).
    pub cluster_id: i64,
    /// Document.
    pub document: String,
    /// Indicator id.
    pub indicator: String,
    /// Target year.
    pub target_year: String,
    /// Value.
    pub value: String,
    /// Remark.
    pub note: String,
}

/// The targets loaded with the plan: `(level, document, indicator, base, target year, value, note)`.
const PLAN_TARGETS: [(&str, &str, &str, i64, i64, f64, &str); 13] = [
    (
        "city",
        "驻政办〔2019〕125号",
        "tax_per_mu",
        2019,
        2024,
        15.0,
        "工业用地亩均税收力争达到 15 万元（3~5 年）",
    ),
    (
        "city",
        "驻政办〔2019〕125号",
        "energy_decline",
        2019,
        2024,
        2.5,
        "单位工业增加值能耗年均下降 2.5% 以上",
    ),
    (
        "city",
        "驻政办〔2019〕125号",
        "retrofit_rate",
        2019,
        2024,
        60.0,
        "规上工业企业智能化改造普及率达到 60% 以上",
    ),
    (
        "city",
        "驻政办〔2019〕125号",
        "clusters_1000yi",
        2019,
        2024,
        1.0,
        "形成 1~2 个千亿级产业集群",
    ),
    (
        "city",
        "驻政办〔2019〕125号",
        "clusters_100yi",
        2019,
        2024,
        10.0,
        "10 个左右百亿级特色产业集群",
    ),
    (
        "city",
        "驻政办〔2019〕125号",
        "rd_coverage",
        2019,
        2024,
        80.0,
        "大中型工业企业建有研发机构的比例达到 80% 以上",
    ),
    (
        "city",
        "驻政办〔2019〕125号",
        "platforms",
        2019,
        2024,
        100.0,
        "省级以上创新平台总数达到 100 家以上",
    ),
    (
        "city",
        "驻政办〔2019〕125号",
        "tech_share",
        2019,
        2024,
        25.0,
        "技术改造投资占工业投资的比重达到 25% 左右",
    ),
    (
        "city",
        "驻政办〔2019〕125号",
        "green_factories",
        2019,
        2020,
        3.0,
        "在产业集聚区建成 3~5 个绿色工厂",
    ),
    (
        "city",
        "驻政办〔2019〕125号",
        "ab_retrofit_rate",
        2019,
        2024,
        100.0,
        "A 类和 B 类企业全部实施一轮智能化改造",
    ),
    (
        "province",
        "豫政办〔2019〕43号",
        "tax_per_mu",
        2019,
        2024,
        15.0,
        "全省产业集聚区亩均税收达到 15 万元（3~5 年）",
    ),
    (
        "province",
        "豫政办〔2019〕43号",
        "energy_decline",
        2019,
        2024,
        4.0,
        "单位工业增加值能耗年均下降 4%（全省）",
    ),
    (
        "province",
        "豫政办〔2019〕43号",
        "retrofit_rate",
        2019,
        2024,
        60.0,
        "规上工业企业智能化改造普及率达到 60%",
    ),
];

/// Loads the plan's targets into an empty table; returns how many.
pub(crate) async fn preload(conn: &mut sqlx::AnyConnection) -> Result<usize, AppError> {
    if !cluster_assessment::targets(conn).await?.is_empty() {
        return Ok(0);
    }
    for (level, document, indicator, base, year, value, note) in PLAN_TARGETS {
        cluster_assessment::insert_target(
            conn,
            &NewTarget {
                level,
                cluster_id: None,
                document,
                indicator,
                base_year: Some(base),
                target_year: year,
                value,
                note,
            },
        )
        .await?;
    }
    Ok(PLAN_TARGETS.len())
}

fn value_of(values: &[Value], id: &str) -> Option<f64> {
    values
        .iter()
        .find(|v| v.indicator.id() == id)
        .and_then(|v| v.value)
}

/// Least squares through `(year, value)`, at `year`; none with fewer than two points.
pub fn linear_projection(points: &[(i64, f64)], year: i64) -> Option<f64> {
    if points.len() < 2 {
        return None;
    }
    let n = points.len() as f64;
    let mx = points.iter().map(|p| p.0 as f64).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 as f64 - mx).powi(2)).sum();
    if sxx == 0.0 {
        return None;
    }
    let sxy: f64 = points.iter().map(|p| (p.0 as f64 - mx) * (p.1 - my)).sum();
    Some(my + sxy / sxx * (year as f64 - mx))
}

fn status_of(
    id: &str,
    latest: Option<f64>,
    projection: Option<f64>,
    target: f64,
    target_year: i64,
    last_year: i64,
) -> (String, bool) {
    let higher = Indicator::parse(id).is_none_or(Indicator::higher_is_better);
    let meets = |v: f64| {
        if higher {
            v >= target - 1e-9
        } else {
            v <= target + 1e-9
        }
    };
    match latest {
        None => ("缺少数据".to_owned(), false),
        Some(v) if meets(v) => ("已达到".to_owned(), true),
        Some(_) if last_year >= target_year => (format!("{target_year} 年目标未完成"), false),
        Some(_) => match projection {
            Some(p) if meets(p) => (format!("按趋势可于 {target_year} 年达到"), false),
            Some(p) => (format!("按趋势 {target_year} 年预计 {p:.2}，难以达到"), false),
            None => ("数据年份不足，无法判断趋势".to_owned(), false),
        },
    }
}

impl App {
    /// Every target with its progress, for whoever reads the clusters (a cluster's staff see
    /// the city's and province's targets and their own cluster's).
    pub async fn plan_targets(&self, actor: &Actor) -> Result<Vec<TargetLine>, AppError> {
        if !cluster_plan_rights(actor).reads {
            return Err(self
                .deny(actor, "clusters.targets", ("plan_target", ""), "不能查看规划目标")
                .await);
        }
        let mut c = self.store.read().await?;
        let targets: Vec<Target> = cluster_assessment::targets(&mut c)
            .await?
            .into_iter()
            .filter(|t| {
                actor.role != Role::Cluster || t.cluster_id.is_none() || t.cluster_id == actor.cluster_id
            })
            .collect();
        let mut years = mujun_store::enterprises::years(&mut c).await?;
        drop(c);
        years.truncate(5);
        years.reverse();
        let mut tables = Vec::new();
        for y in &years {
            tables.push((*y, self.year_table(*y).await?));
        }
        let last_year = years.last().copied().unwrap_or_default();
        let mut out = Vec::new();
        for t in targets {
            let series: Vec<(i64, Option<f64>)> = tables
                .iter()
                .map(|(y, table)| {
                    let v = match (t.indicator.as_str(), t.cluster_id) {
                        ("clusters_1000yi" | "clusters_100yi", _) => {
                            let floor = if t.indicator == "clusters_1000yi" {
                                1000.0
                            } else {
                                100.0
                            };
                            Some(
                                table
                                    .clusters
                                    .iter()
                                    .filter(|(_, v, _)| value_of(v, "revenue").is_some_and(|r| r >= floor))
                                    .count() as f64,
                            )
                        }
                        (id, Some(k)) => table
                            .clusters
                            .iter()
                            .find(|(c, _, _)| c.id == k)
                            .and_then(|(_, v, _)| value_of(v, id)),
                        (id, None) => value_of(&table.city, id),
                    };
                    (*y, v)
                })
                .collect();
            let points: Vec<(i64, f64)> = series.iter().filter_map(|(y, v)| v.map(|v| (*y, v))).collect();
            let latest = series.last().and_then(|(_, v)| *v);
            let projection = if t.indicator == "energy_decline" {
                // A yearly rate: the average of the years with data.
                (!points.is_empty()).then(|| points.iter().map(|p| p.1).sum::<f64>() / points.len() as f64)
            } else {
                linear_projection(&points, t.target_year)
            };
            let (status, met) = status_of(
                &t.indicator,
                latest,
                projection,
                t.value,
                t.target_year,
                last_year,
            );
            let (indicator, unit) = label_unit(&t.indicator);
            let cluster = match t.cluster_id {
                Some(k) => tables
                    .last()
                    .and_then(|(_, table)| table.clusters.iter().find(|(c, _, _)| c.id == k))
                    .map(|(c, _, _)| c.name.clone())
                    .unwrap_or_default(),
                None => String::new(),
            };
            out.push(TargetLine {
                level: match t.level.as_str() {
                    "province" => "省级",
                    "cluster" => "集聚区",
                    _ => "市级",
                },
                cluster,
                document: t.document,
                indicator,
                unit,
                target_year: t.target_year,
                target: t.value,
                note: t.note,
                series,
                latest,
                projection,
                status,
                met,
            });
        }
        Ok(out)
    }

    /// Loads the targets of the plan and the province into an empty table (the city, once);
    /// returns how many.
    pub async fn load_plan_targets(&self, actor: &Actor) -> Result<usize, AppError> {
        if !cluster_plan_rights(actor).runs {
            return Err(self
                .deny(
                    actor,
                    "clusters.targets_load",
                    ("plan_target", ""),
                    "不能载入规划目标",
                )
                .await);
        }
        let mut tx = self.store.begin().await?;
        let n = preload(&mut tx).await?;
        if n == 0 {
            return Err(AppError::invalid("targets", "规划目标已载入"));
        }
        write(
            &mut tx,
            Who::Actor(actor),
            "clusters.targets_load",
            ("plan_target", ""),
            json!({"targets": n}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(n)
    }

    /// Adds a target (the city), audited.
    pub async fn add_plan_target(&self, actor: &Actor, form: &TargetForm) -> Result<i64, AppError> {
        if !cluster_plan_rights(actor).runs {
            return Err(self
                .deny(actor, "clusters.target", ("plan_target", ""), "不能设定规划目标")
                .await);
        }
        let level = form.level.trim();
        if !matches!(level, "province" | "city" | "cluster") {
            return Err(AppError::invalid("level", "目标层级应为省级、市级或集聚区"));
        }
        let indicator = form.indicator.trim();
        if Indicator::parse(indicator).is_none() && !COUNTS.iter().any(|(c, _, _)| *c == indicator) {
            return Err(AppError::invalid("indicator", format!("指标“{indicator}”不存在")));
        }
        let mut c = self.store.read().await?;
        let cluster = if level == "cluster" {
            let exists = mujun_store::clusters::list(&mut c, None)
                .await?
                .iter()
                .any(|k| k.id == form.cluster_id);
            if !exists {
                return Err(AppError::invalid("cluster_id", "请选择产业集聚区"));
            }
            Some(form.cluster_id)
        } else {
            None
        };
        drop(c);
        let year: Option<i64> = form
            .target_year
            .trim()
            .parse()
            .ok()
            .filter(|y| (2000..=2100).contains(y));
        let value = mujun_domain::number::parse_number(&form.value).ok().flatten();
        let (Some(year), Some(value)) = (year, value) else {
            return Err(AppError::invalid("value", "请填写目标年份（2000–2100）和目标值"));
        };
        if form.document.trim().is_empty() {
            return Err(AppError::invalid("document", "请填写设定目标的文件（文号）"));
        }
        let mut tx = self.store.begin().await?;
        let id = cluster_assessment::insert_target(
            &mut tx,
            &NewTarget {
                level,
                cluster_id: cluster,
                document: form.document.trim(),
                indicator,
                base_year: None,
                target_year: year,
                value,
                note: form.note.trim(),
            },
        )
        .await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "clusters.target",
            ("plan_target", &id.to_string()),
            json!({"level": level, "indicator": indicator, "year": year, "value": value, "document": form.document.trim()}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_straight_line_projects_exactly() {
        assert_eq!(
            linear_projection(&[(2022, 8.0), (2023, 9.0), (2024, 10.0)], 2027),
            Some(13.0)
        );
        assert_eq!(linear_projection(&[(2024, 10.0)], 2027), None);
    }

    #[test]
    fn status_in_words() {
        assert_eq!(
            status_of("tax_per_mu", Some(15.0), None, 15.0, 2027, 2024),
            ("已达到".to_owned(), true)
        );
        assert_eq!(
            status_of("tax_per_mu", Some(9.0), Some(16.0), 15.0, 2027, 2024).0,
            "按趋势可于 2027 年达到"
        );
        assert_eq!(
            status_of("tax_per_mu", Some(9.0), Some(12.0), 15.0, 2027, 2024).0,
            "按趋势 2027 年预计 12.00，难以达到"
        );
        assert_eq!(
            status_of("tax_per_mu", Some(9.0), Some(16.0), 15.0, 2024, 2024).0,
            "2024 年目标未完成"
        );
        assert!(status_of("energy_intensity", Some(0.4), None, 0.5, 2027, 2024).1);
        assert_eq!(
            status_of("tax_per_mu", None, None, 15.0, 2027, 2024).0,
            "缺少数据"
        );
    }
}
