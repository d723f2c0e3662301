//! Differentiated policies (差别化政策) as data: per class, measures with parameters, each
//! executed by one department. For a published run every enterprise gets a policy sheet with the
//! amounts worked out from its evaluated figures and its consecutive years in the class, and
//! each executing department a list to download.

use std::collections::HashMap;

use mujun_store::policies::{self, Measure, MeasureFields};
use mujun_store::runs::{self, RunInput};
use mujun_store::{Scope, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::format::number;
use super::history::consecutive_in;
use super::state::RunState;
use crate::audit::{Who, write};
use crate::{Actor, App, AppError, Role};

/// The kinds of measure and how their parameters read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum MeasureKind {
    /// 差别电价: 元/kWh on 用电量, escalating with consecutive years in the class (the last
    /// rate applies from then on).
    ElectricitySurcharge {
        /// Rate for the 1st, 2nd, 3rd… consecutive year (元/千瓦时).
        per_kwh: Vec<f64>,
    },
    /// 超定额累进加价 of water: the quota is gross output × `quota_m3_per_wan_yuan`; the use
    /// above it is charged by tiers of the excess as a share of the quota.
    WaterSurcharge {
        /// 万元产值取水量定额 (m³ per 万元 of gross output).
        quota_m3_per_wan_yuan: f64,
        /// Tiers, ascending.
        tiers: Vec<WaterTier>,
    },
    /// 用地保障: 优先 / 一般 / 不安排新增用地.
    LandSupply {
        /// `priority`, `normal` or `none`.
        level: String,
    },
    /// 用能指标 change (%) of the evaluated energy use.
    EnergyQuota {
        /// Change in percent (negative: cut).
        change_pct: f64,
    },
    /// 排污指标 change (%) of the evaluated pollution equivalent.
    EmissionQuota {
        /// Change in percent.
        change_pct: f64,
    },
    /// 财政资金 / 融资支持.
    Funds {
        /// `priority`, `normal` or `excluded`.
        level: String,
    },
    /// 技改支持.
    TechSupport {
        /// `priority`, `normal` or `excluded`.
        level: String,
    },
}

/// One tier of the water surcharge.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaterTier {
    /// Upper bound of the tier as a share of the quota (%); none for the last tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub up_to_pct: Option<f64>,
    /// Surcharge (元/m³).
    pub per_m3: f64,
}

/// One measure applied to one enterprise.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyLine {
    /// The measure.
    pub measure_id: i64,
    /// Title.
    pub title: String,
    /// Executing department code.
    pub department_code: String,
    /// The amount, when the measure has one.
    pub amount: Option<f64>,
    /// Its unit (万元, 吨标准煤 …).
    pub unit: String,
    /// How it was worked out, in words.
    pub basis: String,
}

fn level_text(level: &str) -> &'static str {
    match level {
        "priority" => "优先支持",
        "normal" => "正常支持",
        "none" => "不安排新增用地",
        "excluded" => "不予支持",
        _ => "（未知档次）",
    }
}

impl MeasureKind {
    /// Parses a stored measure's kind and parameters.
    pub fn from_stored(kind: &str, params: &str) -> Result<MeasureKind, String> {
        let mut v: serde_json::Value =
            serde_json::from_str(params).map_err(|e| format!("参数不是有效的 JSON：{e}"))?;
        let obj = v
            .as_object_mut()
            .ok_or_else(|| "参数必须是 JSON 对象".to_owned())?;
        obj.insert("kind".into(), json!(kind));
        let k: MeasureKind =
            serde_json::from_value(v).map_err(|e| format!("参数与措施类型“{kind}”不符：{e}"))?;
        k.validate()?;
        Ok(k)
    }

    fn validate(&self) -> Result<(), String> {
        let level_ok = |l: &str, allowed: &[&str]| {
            if allowed.contains(&l) {
                Ok(())
            } else {
                Err(format!("档次“{l}”无效（可选：{}）", allowed.join("、")))
            }
        };
        match self {
            MeasureKind::ElectricitySurcharge { per_kwh } => {
                if per_kwh.is_empty() || per_kwh.iter().any(|r| !r.is_finite() || *r < 0.0) {
                    return Err("加价标准至少一档，且不能为负".to_owned());
                }
            }
            MeasureKind::WaterSurcharge {
                quota_m3_per_wan_yuan,
                tiers,
            } => {
                if !(quota_m3_per_wan_yuan.is_finite() && *quota_m3_per_wan_yuan > 0.0) {
                    return Err("用水定额必须大于 0".to_owned());
                }
                let mut last = 0.0;
                for (i, t) in tiers.iter().enumerate() {
                    if !(t.per_m3.is_finite() && t.per_m3 >= 0.0) {
                        return Err("加价标准不能为负".to_owned());
                    }
                    match t.up_to_pct {
                        Some(p) if p > last => last = p,
                        Some(_) => return Err("各档上限必须递增".to_owned()),
                        None if i + 1 == tiers.len() => {}
                        None => return Err("只有最后一档可以不设上限".to_owned()),
                    }
                }
                if tiers.is_empty() {
                    return Err("至少设置一档".to_owned());
                }
            }
            MeasureKind::LandSupply { level } => level_ok(level, &["priority", "normal", "none"])?,
            MeasureKind::Funds { level } | MeasureKind::TechSupport { level } => {
                level_ok(level, &["priority", "normal", "excluded"])?;
            }
            MeasureKind::EnergyQuota { change_pct } | MeasureKind::EmissionQuota { change_pct } => {
                if !change_pct.is_finite() || *change_pct < -100.0 {
                    return Err("调整比例无效".to_owned());
                }
            }
        }
        Ok(())
    }

    /// The unit of the measure's amounts (empty when it has none).
    pub fn unit(&self) -> &'static str {
        match self {
            MeasureKind::ElectricitySurcharge { .. } | MeasureKind::WaterSurcharge { .. } => "万元",
            MeasureKind::EnergyQuota { .. } => "吨标准煤",
            MeasureKind::EmissionQuota { .. } => "污染当量",
            MeasureKind::LandSupply { .. } | MeasureKind::Funds { .. } | MeasureKind::TechSupport { .. } => {
                ""
            }
        }
    }

    /// The measure for one enterprise with `consecutive` years in the class (≥ 1): the amount,
    /// its unit and how it was worked out.
    pub fn apply(&self, input: &RunInput, consecutive: u32) -> (Option<f64>, &'static str, String) {
        self.work(input, consecutive, true)
    }

    /// The amount alone (a simulation sums it over every enterprise of a class: no words).
    pub fn amount(&self, input: &RunInput, consecutive: u32) -> Option<f64> {
        self.work(input, consecutive, false).0
    }

    fn work(&self, input: &RunInput, consecutive: u32, words: bool) -> (Option<f64>, &'static str, String) {
        // The explanation only when asked for.
        let say = |f: &dyn Fn() -> String| if words { f() } else { String::new() };
        match self {
            MeasureKind::ElectricitySurcharge { per_kwh } => {
                let idx = (consecutive.max(1) as usize - 1).min(per_kwh.len() - 1);
                let rate = per_kwh[idx];
                match input.electricity_kwh {
                    // 万千瓦时 × 元/千瓦时 = 万元.
                    Some(kwh) => (
                        Some(kwh * rate),
                        "万元",
                        say(&|| {
                            format!(
                                "用电量 {} 万千瓦时 × {} 元/千瓦时（连续第 {} 年）= {} 万元",
                                number(kwh, 2),
                                rate,
                                consecutive,
                                number(kwh * rate, 2)
                            )
                        }),
                    ),
                    None => (None, "万元", "缺少用电量，无法计算".to_owned()),
                }
            }
            MeasureKind::WaterSurcharge {
                quota_m3_per_wan_yuan,
                tiers,
            } => {
                let (Some(output), Some(water)) = (input.gross_output, input.water_m3) else {
                    return (None, "万元", "缺少工业总产值或用水量，无法计算".to_owned());
                };
                let quota = output * quota_m3_per_wan_yuan;
                let excess = water - quota;
                if quota <= 0.0 || excess <= 0.0 {
                    return (
                        Some(0.0),
                        "万元",
                        say(&|| {
                            format!(
                                "用水量 {} 立方米未超过定额 {} 立方米（总产值 {} 万元 × {} 立方米/万元），不加价",
                                number(water, 0),
                                number(quota, 0),
                                number(output, 2),
                                quota_m3_per_wan_yuan
                            )
                        }),
                    );
                }
                let mut yuan = 0.0;
                let mut lower = 0.0;
                let mut parts = Vec::new();
                for t in tiers {
                    let upper = t.up_to_pct.map_or(f64::INFINITY, |p| quota * p / 100.0);
                    let in_tier = excess.min(upper) - lower;
                    if in_tier > 0.0 {
                        yuan += in_tier * t.per_m3;
                        parts.push(format!("{} 立方米 × {} 元", number(in_tier, 0), t.per_m3));
                    }
                    lower = upper;
                    if excess <= upper {
                        break;
                    }
                }
                (
                    Some(yuan / 10_000.0),
                    "万元",
                    say(&|| {
                        format!(
                            "超定额 {} 立方米（定额 {} 立方米）：{} = {} 元",
                            number(excess, 0),
                            number(quota, 0),
                            parts.join(" + "),
                            number(yuan, 2)
                        )
                    }),
                )
            }
            MeasureKind::LandSupply { level } => (None, "", level_text(level).to_owned()),
            MeasureKind::Funds { level } | MeasureKind::TechSupport { level } => {
                (None, "", level_text(level).to_owned())
            }
            MeasureKind::EnergyQuota { change_pct } => match input.energy_tce {
                Some(e) => (
                    Some(e * change_pct / 100.0),
                    "吨标准煤",
                    say(&|| format!("综合能耗 {} 吨标准煤 × {change_pct}% ", number(e, 2))),
                ),
                None => (None, "吨标准煤", "缺少综合能耗，无法计算".to_owned()),
            },
            MeasureKind::EmissionQuota { change_pct } => match input.pollution_eq {
                Some(p) => (
                    Some(p * change_pct / 100.0),
                    "污染当量",
                    say(&|| format!("污染物排放当量 {} × {change_pct}%", number(p, 2))),
                ),
                None => (None, "污染当量", "缺少污染物排放数据，无法计算".to_owned()),
            },
        }
    }
}

/// The measures a new installation starts with (a city changes them in the policy page).
pub fn default_measures() -> Vec<(
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
)> {
    // (class, kind, department, title, params)
    vec![
        (
            "A",
            "land_supply",
            "natural_resources",
            "优先保障新增用地",
            r#"{"level":"priority"}"#,
        ),
        (
            "A",
            "funds",
            "finance",
            "优先安排财政奖补和融资支持",
            r#"{"level":"priority"}"#,
        ),
        (
            "A",
            "tech_support",
            "industry",
            "技改项目优先支持",
            r#"{"level":"priority"}"#,
        ),
        (
            "A",
            "energy_quota",
            "development",
            "用能指标倾斜（增加 10%）",
            r#"{"change_pct":10}"#,
        ),
        (
            "B",
            "land_supply",
            "natural_resources",
            "正常安排用地",
            r#"{"level":"normal"}"#,
        ),
        (
            "B",
            "funds",
            "finance",
            "正常享受财政和融资政策",
            r#"{"level":"normal"}"#,
        ),
        (
            "C",
            "electricity_surcharge",
            "power",
            "差别电价（逐年递增）",
            r#"{"per_kwh":[0.05,0.10,0.15]}"#,
        ),
        (
            "C",
            "water_surcharge",
            "water",
            "超定额累进加价",
            r#"{"quota_m3_per_wan_yuan":8.0,"tiers":[{"up_to_pct":20,"per_m3":0.5},{"up_to_pct":40,"per_m3":1.0},{"per_m3":2.0}]}"#,
        ),
        (
            "C",
            "land_supply",
            "natural_resources",
            "原则上不安排新增用地",
            r#"{"level":"none"}"#,
        ),
        (
            "C",
            "energy_quota",
            "development",
            "压减用能指标 10%",
            r#"{"change_pct":-10}"#,
        ),
        (
            "C",
            "emission_quota",
            "ecology",
            "压减排污指标 10%",
            r#"{"change_pct":-10}"#,
        ),
        (
            "C",
            "funds",
            "finance",
            "不予财政奖补，审慎信贷",
            r#"{"level":"excluded"}"#,
        ),
        (
            "D",
            "electricity_surcharge",
            "power",
            "差别电价（逐年递增）",
            r#"{"per_kwh":[0.10,0.20,0.30]}"#,
        ),
        (
            "D",
            "land_supply",
            "natural_resources",
            "不安排新增用地",
            r#"{"level":"none"}"#,
        ),
        (
            "D",
            "funds",
            "finance",
            "不予财政和融资支持",
            r#"{"level":"excluded"}"#,
        ),
    ]
}

/// A measure to save.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MeasureForm {
    /// Class.
    pub class: String,
    /// Kind id.
    pub kind: String,
    /// Department code.
    pub department_code: String,
    /// Title.
    pub title: String,
    /// Parameters JSON.
    pub params: String,
    /// Description.
    pub description: String,
    /// In force.
    pub active: bool,
    /// Order.
    pub sort_order: i64,
}

/// One row of an executing department's list.
#[derive(Clone, Debug, PartialEq)]
pub struct DepartmentListRow {
    /// Enterprise.
    pub enterprise_id: i64,
    /// Code.
    pub credit_code: String,
    /// Name.
    pub name: String,
    /// County.
    pub region_code: String,
    /// Cluster.
    pub cluster: String,
    /// Class.
    pub class: String,
    /// Consecutive years in it.
    pub consecutive: u32,
    /// The measure.
    pub line: PolicyLine,
}

/// The measures in force (of one executing department, or all) whose parameters read; a stored
/// measure that no longer reads is left out rather than failing every list.
pub(crate) async fn active_measures(
    c: &mut mujun_store::AnyConnection,
    department: Option<&str>,
) -> Result<Vec<(Measure, MeasureKind)>, AppError> {
    Ok(policies::list(c)
        .await?
        .into_iter()
        .filter(|m| m.active == 1 && department.is_none_or(|d| d == m.department_code))
        .filter_map(|m| MeasureKind::from_stored(&m.kind, &m.params).ok().map(|k| (m, k)))
        .collect())
}

/// Every enterprise's classes of the 20 years up to `year`: enterprise → (year, class), which
/// the escalating measures count consecutive years in.
pub(crate) async fn class_history(
    c: &mut mujun_store::AnyConnection,
    year: i64,
) -> Result<HashMap<i64, Vec<(i64, String)>>, AppError> {
    let mut history: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
    for (e, y, class) in runs::classes_between(c, year - 20, year).await? {
        history.entry(e).or_default().push((y, class));
    }
    Ok(history)
}

impl App {
    /// Seeds the default measures into an empty catalogue.
    pub(crate) async fn ensure_policy_defaults(
        &self,
        conn: &mut mujun_store::AnyConnection,
    ) -> Result<(), AppError> {
        if !policies::list(conn).await?.is_empty() {
            return Ok(());
        }
        for (i, (class, kind, dept, title, params)) in default_measures().into_iter().enumerate() {
            policies::insert(
                conn,
                &MeasureFields {
                    class,
                    kind,
                    department_code: dept,
                    title,
                    params,
                    description: "",
                    active: true,
                    sort_order: i as i64,
                },
            )
            .await?;
        }
        Ok(())
    }

    /// The policy catalogue (any role that reads business data; the policies are public).
    pub async fn list_policies(&self, actor: &Actor) -> Result<Vec<Measure>, AppError> {
        if !actor.reads_business_data() {
            return Err(self
                .deny(actor, "policy.list", ("policy", ""), "该角色不能查看业务数据")
                .await);
        }
        let mut c = self.store.read().await?;
        Ok(policies::list(&mut c).await?)
    }

    /// Adds (`id` None) or changes a measure (city administrator); the parameters must read
    /// as the kind says.
    pub async fn save_policy(
        &self,
        actor: &Actor,
        id: Option<i64>,
        form: &MeasureForm,
    ) -> Result<i64, AppError> {
        if !Self::runs_evaluations(actor) {
            return Err(self
                .deny(
                    actor,
                    "policy.save",
                    ("policy", &id.map(|i| i.to_string()).unwrap_or_default()),
                    "仅市级评价管理员可以维护政策措施",
                )
                .await);
        }
        if !["A", "B", "C", "D"].contains(&form.class.as_str()) {
            return Err(AppError::invalid("class", "类别应为 A、B、C 或 D"));
        }
        if form.title.trim().is_empty() {
            return Err(AppError::invalid("title", "请填写措施名称"));
        }
        MeasureKind::from_stored(&form.kind, &form.params).map_err(|e| AppError::invalid("params", e))?;
        if !mujun_domain::DEPARTMENTS
            .iter()
            .any(|(c, _)| *c == form.department_code)
        {
            return Err(AppError::invalid(
                "department_code",
                format!("没有部门“{}”", form.department_code),
            ));
        }
        let fields = MeasureFields {
            class: &form.class,
            kind: &form.kind,
            department_code: &form.department_code,
            title: form.title.trim(),
            params: &form.params,
            description: form.description.trim(),
            active: form.active,
            sort_order: form.sort_order,
        };
        let mut tx = self.store.begin().await?;
        let before = match id {
            Some(i) => Some(
                policies::get(&mut tx, i)
                    .await?
                    .ok_or(AppError::NotFound("政策措施"))?,
            ),
            None => None,
        };
        let saved = match id {
            Some(i) => {
                policies::update(&mut tx, i, &fields).await?;
                i
            }
            None => policies::insert(&mut tx, &fields).await?,
        };
        write(
            &mut tx,
            Who::Actor(actor),
            if id.is_some() { "policy.update" } else { "policy.create" },
            ("policy", &saved.to_string()),
            json!({"class": form.class, "kind": form.kind, "params": form.params, "active": form.active,
                   "before": before.map(|b| json!({"class": b.class, "params": b.params, "active": b.active}))}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(saved)
    }

    /// Loads a published run and works out every measure for the enterprises of `scope`.
    async fn policy_lines(
        &self,
        run_id: i64,
        scope: &Scope,
        department: Option<&str>,
    ) -> Result<(runs::Run, Vec<DepartmentListRow>), AppError> {
        let mut c = self.store.read().await?;
        let run = runs::get(&mut c, run_id)
            .await?
            .ok_or(AppError::NotFound("评价批次"))?;
        if RunState::parse(&run.state) != Some(RunState::Published) {
            return Err(AppError::invalid("state", "只有已发布的评价结果才执行差别化政策"));
        }
        let measures = active_measures(&mut c, department).await?;
        let results = runs::results(&mut c, run_id).await?;
        let inputs: HashMap<i64, RunInput> = runs::inputs(self.store.read_typed().await?.conn(), run_id)
            .await?
            .into_iter()
            .map(|i| (i.enterprise_id, i))
            .collect();
        let history = class_history(&mut c, run.year).await?;
        drop(c);
        let mut rows = Vec::new();
        for r in &results {
            let Some(input) = inputs.get(&r.enterprise_id) else {
                continue;
            };
            let visible = match scope {
                Scope::All => true,
                Scope::Nothing => false,
                Scope::Region(g) => &input.region_code == g,
                Scope::Cluster(cl) => input.cluster_id == Some(*cl),
                Scope::Enterprise(e) => *e == r.enterprise_id,
            };
            if !visible {
                continue;
            }
            let consecutive = history
                .get(&r.enterprise_id)
                .map_or(1, |h| consecutive_in(h, run.year, &r.final_class).max(1));
            for (m, kind) in measures.iter().filter(|(m, _)| m.class == r.final_class) {
                let (amount, unit, basis) = kind.apply(input, consecutive);
                rows.push(DepartmentListRow {
                    enterprise_id: r.enterprise_id,
                    credit_code: input.credit_code.clone(),
                    name: input.name.clone(),
                    region_code: input.region_code.clone(),
                    cluster: input.cluster.clone().unwrap_or_default(),
                    class: r.final_class.clone(),
                    consecutive,
                    line: PolicyLine {
                        measure_id: m.id,
                        title: m.title.clone(),
                        department_code: m.department_code.clone(),
                        amount,
                        unit: unit.to_owned(),
                        basis,
                    },
                });
            }
        }
        rows.sort_by(|a, b| (a.line.measure_id, &a.credit_code).cmp(&(b.line.measure_id, &b.credit_code)));
        Ok((run, rows))
    }

    /// An enterprise's policy sheet for a published run (the enterprise itself, and whoever
    /// may see its results).
    pub async fn policy_sheet(
        &self,
        actor: &Actor,
        run_id: i64,
        enterprise_id: i64,
    ) -> Result<Vec<DepartmentListRow>, AppError> {
        let (_, _, scope) = self.readable_run(actor, run_id, "policy.sheet").await?;
        let allowed = match &scope {
            Scope::All => true,
            Scope::Enterprise(e) => *e == enterprise_id,
            Scope::Nothing => false,
            Scope::Region(_) | Scope::Cluster(_) => {
                let mut c = self.store.read().await?;
                let input = runs::result_of(&mut c, run_id, enterprise_id)
                    .await?
                    .map(|(_, i)| i);
                match (&scope, input) {
                    (Scope::Region(r), Some(i)) => &i.region_code == r,
                    (Scope::Cluster(cl), Some(i)) => i.cluster_id == Some(*cl),
                    _ => false,
                }
            }
        };
        if !allowed {
            return Err(self
                .deny(
                    actor,
                    "policy.sheet",
                    ("enterprise", &enterprise_id.to_string()),
                    "超出本账号的查看范围",
                )
                .await);
        }
        let (_, rows) = self.policy_lines(run_id, &scope, None).await?;
        Ok(rows
            .into_iter()
            .filter(|r| r.enterprise_id == enterprise_id)
            .collect())
    }

    /// Whether the caller may open the executing departments' policy lists (the city
    /// administrator and department officers); a refusal is audited.
    pub async fn policy_lists_access(&self, actor: &Actor) -> Result<(), AppError> {
        if matches!(actor.role, Role::CityAdmin | Role::Department) {
            Ok(())
        } else {
            Err(self
                .deny(
                    actor,
                    "policy.department_list",
                    ("evaluation_run", ""),
                    "只有市级评价管理员和部门数据员可以查看政策执行清单",
                )
                .await)
        }
    }

    /// An executing department's list for a published run: its own for a department officer,
    /// any for the city administrator. Audited (it is an export of confidential figures).
    pub async fn department_policy_list(
        &self,
        actor: &Actor,
        run_id: i64,
        department_code: &str,
    ) -> Result<Vec<DepartmentListRow>, AppError> {
        let allowed = match actor.role {
            Role::CityAdmin => true,
            Role::Department => self.department_code_of(actor).await? == department_code,
            _ => false,
        };
        if !allowed {
            return Err(self
                .deny(
                    actor,
                    "policy.department_list",
                    ("evaluation_run", &run_id.to_string()),
                    "只能查看本部门的执行清单",
                )
                .await);
        }
        let (_, rows) = self
            .policy_lines(run_id, &Scope::All, Some(department_code))
            .await?;
        let mut tx = self.store.begin().await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "policy.department_list",
            ("evaluation_run", &run_id.to_string()),
            json!({"department": department_code, "rows": rows.len()}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> RunInput {
        RunInput {
            run_id: 1,
            enterprise_id: 1,
            credit_code: String::new(),
            name: String::new(),
            region_code: String::new(),
            cluster: None,
            cluster_id: None,
            industry_code: String::new(),
            scale: "above".into(),
            production_start: None,
            land_area_mu: Some(10.0),
            tax_paid: Some(10.0),
            profit_total: None,
            main_revenue: None,
            rd_expense: None,
            gross_output: Some(1000.0),
            energy_tce: Some(500.0),
            electricity_kwh: Some(1234.0),
            pollution_eq: None,
            employees: None,
            value_added: None,
            water_m3: Some(12_000.0),
            land_derivation: String::new(),
            bonus: String::new(),
            veto: String::new(),
        }
    }

    #[test]
    fn electricity_surcharge_escalates_by_consecutive_year() {
        let k = MeasureKind::from_stored("electricity_surcharge", r#"{"per_kwh":[0.05,0.10,0.15]}"#).unwrap();
        // The issue's example: 2nd consecutive year in C, 1,234 万kWh → 123.4 万元.
        let (amount, unit, basis) = k.apply(&input(), 2);
        assert!((amount.unwrap() - 123.4).abs() < 1e-9);
        assert_eq!(unit, "万元");
        assert!(basis.contains("连续第 2 年"), "{basis}");
        assert!((k.apply(&input(), 1).0.unwrap() - 61.7).abs() < 1e-9);
        // From the 3rd year on, the last rate.
        assert!((k.apply(&input(), 7).0.unwrap() - 185.1).abs() < 1e-9);
    }

    #[test]
    fn water_surcharge_by_tiers_worked_by_hand() {
        let k = MeasureKind::from_stored(
            "water_surcharge",
            r#"{"quota_m3_per_wan_yuan":8.0,"tiers":[{"up_to_pct":20,"per_m3":0.5},{"up_to_pct":40,"per_m3":1.0},{"per_m3":2.0}]}"#,
        )
        .unwrap();
        // Quota 1000 万元 × 8 = 8,000 m³; use 12,000 → excess 4,000 (50 % of quota):
        // 1,600 × 0.5 + 1,600 × 1.0 + 800 × 2.0 = 800 + 1,600 + 1,600 = 4,000 元 = 0.4 万元.
        let (amount, _, basis) = k.apply(&input(), 1);
        assert!((amount.unwrap() - 0.4).abs() < 1e-12, "{basis}");
        let mut under = input();
        under.water_m3 = Some(7_000.0);
        assert_eq!(k.apply(&under, 1).0, Some(0.0));
        let mut unknown = input();
        unknown.gross_output = None;
        assert_eq!(k.apply(&unknown, 1).0, None);
    }

    #[test]
    fn bad_parameters_are_refused_with_a_reason() {
        assert!(MeasureKind::from_stored("electricity_surcharge", r#"{"per_kwh":[]}"#).is_err());
        assert!(
            MeasureKind::from_stored("electricity_surcharge", r#"{"rate":1}"#)
                .unwrap_err()
                .contains("不符")
        );
        assert!(MeasureKind::from_stored("land_supply", r#"{"level":"maybe"}"#).is_err());
        assert!(
            MeasureKind::from_stored(
                "water_surcharge",
                r#"{"quota_m3_per_wan_yuan":8,"tiers":[{"per_m3":1},{"per_m3":2}]}"#
            )
            .is_err()
        );
        assert!(MeasureKind::from_stored("nope", "{}").is_err());
        assert!(MeasureKind::from_stored("funds", "[1]").is_err());
        for (_, kind, _, _, params) in default_measures() {
            let k = MeasureKind::from_stored(kind, params).unwrap();
            assert_eq!(k.unit(), k.apply(&input(), 1).1, "{kind}");
            assert_eq!(k.amount(&input(), 2), k.apply(&input(), 2).0, "{kind}");
        }
    }

    #[test]
    fn quotas_change_by_percent() {
        let k = MeasureKind::from_stored("energy_quota", r#"{"change_pct":-10}"#).unwrap();
        assert_eq!(k.apply(&input(), 1).0, Some(-50.0));
        let k = MeasureKind::from_stored("emission_quota", r#"{"change_pct":-10}"#).unwrap();
        assert_eq!(k.apply(&input(), 1).0, None);
    }
}
