//! Early warning (预警): enterprises sliding toward C — the class falling two years running, the
//! score of the published runs falling two years running, an indicator of the latest published
//! run below a configurable share of its pool's benchmark — and use above the quota the
//! differentiated policies set (water: 超定额用水). Listed per county and cluster for the
//! cockpit. Monthly tax or electricity figures are not collected, so no quarterly warning is
//! raised; the list says so.

use std::collections::{BTreeMap, HashMap};

use mujun_store::enterprises;
use mujun_store::runs::{self, RunResult};

use crate::evaluation::policies::MeasureKind;
use crate::evaluation::stored::ResultDetail;
use crate::{Actor, App, AppError};

/// The warning rules (configurable).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WarningRules {
    /// An indicator below this percentage of its pool's benchmark is flagged.
    pub below_benchmark_percent: u32,
}

impl Default for WarningRules {
    fn default() -> Self {
        WarningRules {
            below_benchmark_percent: 50,
        }
    }
}

/// What kind of warning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// The class fell two years running, or to C.
    ClassFalling,
    /// The total score fell two years running.
    ScoreFalling,
    /// An indicator below the share of its pool's benchmark.
    BelowBenchmark,
    /// Use above a policy's quota.
    OverQuota,
}

impl Kind {
    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Kind::ClassFalling => "类别下滑",
            Kind::ScoreFalling => "得分连降",
            Kind::BelowBenchmark => "指标偏低",
            Kind::OverQuota => "超定额",
        }
    }
}

/// One enterprise's warnings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnterpriseWarning {
    /// The enterprise.
    pub enterprise_id: i64,
    /// Name.
    pub name: String,
    /// County.
    pub county: String,
    /// Cluster.
    pub cluster: String,
    /// Its latest class.
    pub class: String,
    /// The signals: `(kind, words)`.
    pub signals: Vec<(Kind, String)>,
}

/// The warning list of the caller's scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warnings {
    /// The enterprises with at least one signal, most signals first.
    pub rows: Vec<EnterpriseWarning>,
    /// Per county: `(name, enterprises)`.
    pub by_county: Vec<(String, usize)>,
    /// Per cluster: `(name, enterprises)`.
    pub by_cluster: Vec<(String, usize)>,
    /// Per kind: `(label, enterprises)`.
    pub by_kind: Vec<(&'static str, usize)>,
    /// What was looked at and what could not be, in words.
    pub basis: Vec<String>,
}

fn rank(class: &str) -> Option<u8> {
    match class {
        "A" => Some(1),
        "B" => Some(2),
        "C" => Some(3),
        "D" => Some(4),
        _ => None,
    }
}

impl App {
    /// The rules in force.
    pub fn warning_rules(&self) -> &WarningRules {
        &self.warnings
    }

    /// Sets the rules.
    pub fn with_warning_rules(mut self, rules: WarningRules) -> App {
        self.warnings = rules;
        self
    }

    /// The early warnings of the caller's scope.
    pub async fn warnings(&self, actor: &Actor) -> Result<Warnings, AppError> {
        if !actor.has_cockpit() {
            return Err(self
                .deny(actor, "warnings.view", ("enterprise", ""), "不能查看预警名单")
                .await);
        }
        let scope = actor.enterprise_scope();
        let names = self.names().await?;
        let mut c = self.store.read().await?;
        let scoped: HashMap<i64, (String, String, Option<i64>)> = enterprises::scoped_names(&mut c, &scope)
            .await?
            .into_iter()
            .map(|(id, name, region, cluster)| (id, (name, region, cluster)))
            .collect();
        let years: Vec<i64> = mujun_store::transformation_plans::class_years(&mut c).await?;
        let mut classes: HashMap<i64, BTreeMap<i64, String>> = HashMap::new();
        for y in years.iter().take(3) {
            for (e, class) in mujun_store::land_projects::classes_of_year(&mut c, *y).await? {
                if scoped.contains_key(&e) {
                    classes.entry(e).or_default().insert(*y, class);
                }
            }
        }
        // The newest published run of each year.
        let mut published: BTreeMap<i64, i64> = BTreeMap::new();
        for r in runs::list(&mut c, &["published"]).await? {
            let e = published.entry(r.year).or_insert(r.id);
            *e = (*e).max(r.id);
        }
        let recent: Vec<(i64, i64)> = published.iter().rev().take(3).map(|(y, id)| (*y, *id)).collect();
        let mut results: Vec<(i64, Vec<RunResult>)> = Vec::new();
        for (y, id) in &recent {
            results.push((*y, runs::results(&mut c, *id).await?));
        }
        let inputs = match recent.first() {
            Some((_, id)) => runs::inputs(self.store.read_typed().await?.conn(), *id).await?,
            None => Vec::new(),
        };
        let measures = mujun_store::policies::list(&mut c).await?;
        drop(c);

        let mut signals: HashMap<i64, Vec<(Kind, String)>> = HashMap::new();
        let mut push = |e: i64, k: Kind, text: String| signals.entry(e).or_default().push((k, text));
        // Classes: fell in each of the last two years, or fell to C this year.
        for (e, by_year) in &classes {
            let seq: Vec<(i64, &String)> = by_year.iter().rev().map(|(y, c)| (*y, c)).collect();
            if let [(y0, c0), (y1, c1), rest @ ..] = seq.as_slice() {
                let fell = |a: &str, b: &str| matches!((rank(a), rank(b)), (Some(x), Some(y)) if x > y);
                if let [(y2, c2), ..] = rest
                    && *y1 == y0 - 1
                    && *y2 == y1 - 1
                    && fell(c0, c1)
                    && fell(c1, c2)
                {
                    push(
                        *e,
                        Kind::ClassFalling,
                        format!("{y2}—{y0} 年类别连续下降：{c2} → {c1} → {c0}"),
                    );
                } else if *y1 == y0 - 1 && c0.as_str() == "C" && fell(c0, c1) {
                    push(*e, Kind::ClassFalling, format!("{y0} 年由 {c1} 类降为 C 类"));
                }
            }
        }
        // Scores of the published runs of three consecutive years.
        if let [(y0, r0), (y1, r1), (y2, r2)] = results.as_slice()
            && *y1 == y0 - 1
            && *y2 == y1 - 1
        {
            let total = |rs: &Vec<RunResult>| -> HashMap<i64, f64> {
                rs.iter()
                    .filter_map(|r| r.total.map(|t| (r.enterprise_id, t)))
                    .collect()
            };
            let (t0, t1, t2) = (total(r0), total(r1), total(r2));
            for (e, s0) in &t0 {
                if let (Some(s1), Some(s2)) = (t1.get(e), t2.get(e))
                    && scoped.contains_key(e)
                    && s0 < s1
                    && s1 < s2
                {
                    push(
                        *e,
                        Kind::ScoreFalling,
                        format!("综合得分连续两年下降：{s2:.2} → {s1:.2} → {s0:.2}"),
                    );
                }
            }
        }
        // Indicators of the latest published run below the share of their pool's benchmark.
        let share = f64::from(self.warnings.below_benchmark_percent) / 100.0;
        if let Some((y, rs)) = results.first() {
            for r in rs.iter().filter(|r| scoped.contains_key(&r.enterprise_id)) {
                let detail: ResultDetail = serde_json::from_str(&r.detail).unwrap_or_default();
                let low: Vec<String> = detail
                    .indicators
                    .iter()
                    .filter_map(|d| match (d.value, d.benchmark) {
                        (Some(v), Some(b)) if b > 0.0 && v < share * b => Some(format!(
                            "{} {:.2}，不到{}标杆 {:.2} 的 {}%",
                            crate::evaluation::results::indicator_label(&d.id),
                            v,
                            if r.pool.is_empty() { "" } else { "所在评价组" },
                            b,
                            self.warnings.below_benchmark_percent
                        )),
                        _ => None,
                    })
                    .collect();
                if !low.is_empty() {
                    push(
                        r.enterprise_id,
                        Kind::BelowBenchmark,
                        format!("{y} 年：{}", low.join("；")),
                    );
                }
            }
        }
        // Use above the quota of an active water policy, on the latest run's figures.
        let water: Vec<MeasureKind> = measures
            .iter()
            .filter(|m| m.active == 1 && m.kind == "water_surcharge")
            .filter_map(|m| MeasureKind::from_stored(&m.kind, &m.params).ok())
            .collect();
        if let (Some(rule), Some((y, _))) = (water.first(), recent.first()) {
            for input in inputs.iter().filter(|i| scoped.contains_key(&i.enterprise_id)) {
                let (amount, _, text) = rule.apply(input, 1);
                if amount.is_some_and(|a| a > 0.0) {
                    push(
                        input.enterprise_id,
                        Kind::OverQuota,
                        format!("{y} 年超定额用水：{text}"),
                    );
                }
            }
        }

        let mut rows: Vec<EnterpriseWarning> = signals
            .into_iter()
            .filter_map(|(e, mut s)| {
                let (name, region, cluster) = scoped.get(&e)?;
                s.sort();
                Some(EnterpriseWarning {
                    enterprise_id: e,
                    name: name.clone(),
                    county: names.county(region),
                    cluster: names.cluster(*cluster),
                    class: classes
                        .get(&e)
                        .and_then(|m| m.values().next_back().cloned())
                        .unwrap_or_default(),
                    signals: s,
                })
            })
            .collect();
        rows.sort_by(|a, b| {
            b.signals
                .len()
                .cmp(&a.signals.len())
                .then_with(|| a.name.cmp(&b.name))
        });
        let count = |key: &dyn Fn(&EnterpriseWarning) -> String| {
            let mut m: BTreeMap<String, usize> = BTreeMap::new();
            for r in &rows {
                *m.entry(key(r)).or_default() += 1;
            }
            let mut v: Vec<(String, usize)> = m.into_iter().collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            v
        };
        let by_county = count(&|r| r.county.clone());
        let by_cluster = count(&|r| {
            if r.cluster.is_empty() {
                "集聚区外".to_owned()
            } else {
                r.cluster.clone()
            }
        });
        let by_kind = [
            Kind::ClassFalling,
            Kind::ScoreFalling,
            Kind::BelowBenchmark,
            Kind::OverQuota,
        ]
        .into_iter()
        .map(|k| {
            (
                k.label(),
                rows.iter().filter(|r| r.signals.iter().any(|s| s.0 == k)).count(),
            )
        })
        .collect();
        let mut basis = vec![format!(
            "类别：近三个评价年度（{}）的类别",
            years
                .iter()
                .take(3)
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join("、")
        )];
        basis.push(match recent.len() {
            0 => "得分与指标：尚无已发布的评价批次，暂不判断".to_owned(),
            1 | 2 => format!(
                "得分：已发布批次不足连续三个年度，暂不判断；指标：{} 年已发布批次，低于评价组标杆 {}% 的指标",
                recent[0].0, self.warnings.below_benchmark_percent
            ),
            _ => format!(
                "得分与指标：{} 年已发布批次；指标低于评价组标杆的 {}% 预警",
                recent.iter().map(|r| r.0.to_string()).collect::<Vec<_>>().join("、"),
                self.warnings.below_benchmark_percent
            ),
        });
        basis.push(if water.is_empty() {
            "超定额：差别化政策中没有在用的超定额用水加价政策".to_owned()
        } else {
            "超定额：按在用的超定额用水加价政策的定额判断；本市差别化政策未设定用能和排放定额".to_owned()
        });
        basis.push("季度预警：尚未采集月度税收或用电数据，不作季度同比预警".to_owned());
        Ok(Warnings {
            rows,
            by_county,
            by_cluster,
            by_kind,
            basis,
        })
    }
}
