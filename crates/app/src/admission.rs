//! 产业准入负面清单 and the admission review of proposed projects (issue 13, item 6): each
//! cluster keeps a versioned list of GB/T 4754 codes it bans or restricts, with its 标准地
//! minimums; a proposed project is reviewed against the version in force by the pure rules of
//! `mujun_land::negative` (the most specific code decides), and the review is kept with its
//! reasons. Every change and review is audited.

use mujun_domain::IndustryCode;
use mujun_land::negative::{Conditions, Entry, ListCode, Proposal, Rule, Verdict, review};
use mujun_store::negative_lists::{self, ListEntry, NewList, Review};
use mujun_store::{StoreError, clusters};
use serde_json::json;

use crate::audit::{Who, write};
use crate::{Actor, App, AppError, FieldError};

/// One entry as a page shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct EntryView {
    /// The code as stored, e.g. `26`.
    pub code: String,
    /// What the code covers, e.g. 化学原料和化学制品制造业 (empty when unknown).
    pub industry: String,
    /// `banned` or `restricted`.
    pub rule: String,
    /// 禁止 / 限制.
    pub rule_label: &'static str,
    /// The conditions in words (restricted entries).
    pub conditions: String,
    /// The stored numbers (for the form).
    pub min_investment_per_mu: Option<f64>,
    /// The stored numbers (for the form).
    pub min_tax_per_mu: Option<f64>,
    /// The stored numbers (for the form).
    pub max_energy_tce: Option<f64>,
    /// Its basis.
    pub basis: String,
}

/// A cluster's list: the version in force and the earlier ones.
#[derive(Clone, Debug, PartialEq)]
pub struct NegativeListView {
    /// The cluster.
    pub cluster_id: i64,
    /// Its name.
    pub cluster_name: String,
    /// The version in force, if any.
    pub current: Option<negative_lists::NegativeList>,
    /// Its entries.
    pub entries: Vec<EntryView>,
    /// Every version, newest first: (version, saved on, basis, example).
    pub versions: Vec<(i64, String, String, bool)>,
    /// The caller may save a new version.
    pub may_edit: bool,
}

/// One row of the list form (all text, as typed).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EntryForm {
    /// Code.
    pub code: String,
    /// `banned` or `restricted`.
    pub rule: String,
    /// Minimum 投资强度 (万元/亩).
    pub min_investment_per_mu: String,
    /// Minimum 亩均税收 (万元/亩).
    pub min_tax_per_mu: String,
    /// Maximum energy (吨标准煤).
    pub max_energy_tce: String,
    /// Basis.
    pub basis: String,
}

/// The list form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListForm {
    /// The document the list rests on.
    pub basis: String,
    /// 标准地 minimum 投资强度 (万元/亩).
    pub min_investment_per_mu: String,
    /// 标准地 minimum 亩均税收 (万元/亩).
    pub min_tax_per_mu: String,
    /// The rows; blank rows are ignored.
    pub entries: Vec<EntryForm>,
}

/// A project to review (text as typed).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReviewForm {
    /// The cluster it would go to.
    pub cluster_id: i64,
    /// Project name.
    pub project_name: String,
    /// 4-digit industry code.
    pub industry_code: String,
    /// Investment (万元).
    pub investment: String,
    /// Land (亩).
    pub land_mu: String,
    /// Expected yearly tax at full production (万元).
    pub expected_tax: String,
    /// Expected yearly energy use (吨标准煤).
    pub energy_tce: String,
}

/// A review as pages show it.
#[derive(Clone, Debug, PartialEq)]
pub struct ReviewView {
    /// The stored review.
    pub review: Review,
    /// The cluster's name.
    pub cluster_name: String,
    /// 准入 / 有条件准入 / 不予准入.
    pub verdict_label: &'static str,
    /// The list version used (0: the cluster had none).
    pub list_version: i64,
    /// When, Beijing time.
    pub at: String,
}

/// A verdict in words.
pub fn verdict_label(verdict: &str) -> &'static str {
    match verdict {
        "pass" => "准入",
        "conditional" => "有条件准入",
        "refused" => "不予准入",
        _ => "未知",
    }
}

/// A rule in words.
pub fn rule_label(rule: &str) -> &'static str {
    match rule {
        "banned" => "禁止",
        "restricted" => "限制",
        _ => "未知",
    }
}

fn code_industry(code: &str) -> String {
    let digits = code.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    match digits.get(..2).and_then(|d| d.parse::<u8>().ok()) {
        Some(division) => mujun_domain::manufacturing_division_name(division)
            .map(|n| {
                if digits.len() == 2 {
                    n.to_owned()
                } else {
                    format!("{n}（细分）")
                }
            })
            .unwrap_or_default(),
        None => String::new(),
    }
}

fn conditions_text(e: &ListEntry) -> String {
    let n = |v: f64| crate::evaluation::format::number(v, 2);
    let mut out = Vec::new();
    if let Some(v) = e.min_investment_per_mu {
        out.push(format!("投资强度 ≥ {} 万元/亩", n(v)));
    }
    if let Some(v) = e.min_tax_per_mu {
        out.push(format!("亩均税收 ≥ {} 万元/亩", n(v)));
    }
    if let Some(v) = e.max_energy_tce {
        out.push(format!("年综合能耗 ≤ {} 吨标准煤", n(v)));
    }
    out.join("；")
}

fn entry_rule(e: &ListEntry) -> Rule {
    if e.rule == "banned" {
        Rule::Banned
    } else {
        Rule::Restricted(Conditions {
            min_investment_per_mu: e.min_investment_per_mu,
            min_tax_per_mu: e.min_tax_per_mu,
            max_energy_tce: e.max_energy_tce,
        })
    }
}

/// A number typed in a form (empty: none), or the problem in words.
fn optional_number(text: &str, what: &str, problems: &mut Vec<FieldError>) -> Option<f64> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    match mujun_domain::number::parse_number(t) {
        Ok(Some(v)) if v.is_finite() && v >= 0.0 => Some(v),
        _ => {
            problems.push(FieldError {
                field: "entries",
                message: format!("{what}“{t}”不是非负数字"),
            });
            None
        }
    }
}

/// Parses the list form into what is stored, every problem named by row, column and value.
pub fn parse_list_form(form: &ListForm) -> Result<NewList, Vec<FieldError>> {
    let mut problems = Vec::new();
    let basis = form.basis.trim().to_owned();
    if basis.is_empty() {
        problems.push(FieldError {
            field: "basis",
            message: "请填写清单的制定依据（文件名称和文号）".to_owned(),
        });
    }
    let min_investment_per_mu =
        optional_number(&form.min_investment_per_mu, "标准地最低投资强度", &mut problems);
    let min_tax_per_mu = optional_number(&form.min_tax_per_mu, "标准地最低亩均税收", &mut problems);
    let mut entries = Vec::new();
    for (i, row) in form.entries.iter().enumerate() {
        let blank = [
            &row.code,
            &row.min_investment_per_mu,
            &row.min_tax_per_mu,
            &row.max_energy_tce,
            &row.basis,
        ]
        .iter()
        .all(|t| t.trim().is_empty());
        if blank {
            continue;
        }
        let at = format!("第 {} 行", i + 1);
        let code = match ListCode::parse(&row.code) {
            Ok(c) => c.to_string(),
            Err(e) => {
                problems.push(FieldError {
                    field: "entries",
                    message: format!("{at}“行业代码”列：{e}"),
                });
                continue;
            }
        };
        let rule = match row.rule.as_str() {
            "banned" | "restricted" => row.rule.clone(),
            other => {
                problems.push(FieldError {
                    field: "entries",
                    message: format!("{at}“类别”列的值“{other}”无效：应为禁止或限制"),
                });
                continue;
            }
        };
        let entry = ListEntry {
            min_investment_per_mu: optional_number(
                &row.min_investment_per_mu,
                &format!("{at}“最低投资强度”列的值"),
                &mut problems,
            ),
            min_tax_per_mu: optional_number(
                &row.min_tax_per_mu,
                &format!("{at}“最低亩均税收”列的值"),
                &mut problems,
            ),
            max_energy_tce: optional_number(
                &row.max_energy_tce,
                &format!("{at}“最高年综合能耗”列的值"),
                &mut problems,
            ),
            basis: row.basis.trim().to_owned(),
            code,
            rule,
        };
        if entry.rule == "restricted"
            && entry.min_investment_per_mu.is_none()
            && entry.min_tax_per_mu.is_none()
            && entry.max_energy_tce.is_none()
        {
            problems.push(FieldError {
                field: "entries",
                message: format!(
                    "{at}：限制类须至少填写一个条件（最低投资强度、最低亩均税收或最高年综合能耗）"
                ),
            });
        }
        entries.push(entry);
    }
    if problems.is_empty() {
        Ok(NewList {
            basis,
            example: false,
            min_investment_per_mu,
            min_tax_per_mu,
            entries,
        })
    } else {
        Err(problems)
    }
}

impl App {
    async fn cluster_named(&self, actor: &Actor, cluster_id: i64) -> Result<clusters::Cluster, AppError> {
        // Reading the cluster goes through its use case: scope checked and refusals audited.
        let (row, _) = self.get_cluster(actor, cluster_id).await?;
        Ok(row.cluster)
    }

    /// A cluster's list (whoever may see the cluster, except enterprises).
    pub async fn negative_list(&self, actor: &Actor, cluster_id: i64) -> Result<NegativeListView, AppError> {
        if !actor.reads_negative_lists() {
            return Err(self
                .deny(
                    actor,
                    "negative_list.view",
                    ("cluster", &cluster_id.to_string()),
                    "该角色不能查看产业准入负面清单",
                )
                .await);
        }
        let cluster = self.cluster_named(actor, cluster_id).await?;
        let mut c = self.store.read().await?;
        let versions = negative_lists::versions(&mut c, cluster_id).await?;
        let current = versions.first().cloned();
        let entries = match &current {
            Some(l) => negative_lists::entries(&mut c, l.id).await?,
            None => Vec::new(),
        };
        Ok(NegativeListView {
            cluster_id,
            cluster_name: cluster.name,
            entries: entries
                .iter()
                .map(|e| EntryView {
                    industry: code_industry(&e.code),
                    rule_label: rule_label(&e.rule),
                    conditions: conditions_text(e),
                    code: e.code.clone(),
                    rule: e.rule.clone(),
                    min_investment_per_mu: e.min_investment_per_mu,
                    min_tax_per_mu: e.min_tax_per_mu,
                    max_energy_tce: e.max_energy_tce,
                    basis: e.basis.clone(),
                })
                .collect(),
            versions: versions
                .iter()
                .map(|v| {
                    (
                        v.version,
                        crate::clock::beijing(v.created_at).chars().take(10).collect(),
                        v.basis.clone(),
                        v.example == 1,
                    )
                })
                .collect(),
            current,
            may_edit: actor.edits_negative_list(cluster_id),
        })
    }

    /// Saves a new version of a cluster's list (the city, or the cluster's officers); nothing is
    /// stored when a row is wrong. Returns the version number.
    pub async fn save_negative_list(
        &self,
        actor: &Actor,
        cluster_id: i64,
        form: &ListForm,
    ) -> Result<i64, AppError> {
        let object = cluster_id.to_string();
        if !actor.edits_negative_list(cluster_id) {
            return Err(self
                .deny(
                    actor,
                    "negative_list.save",
                    ("cluster", &object),
                    "只有市级评价管理员和本集聚区管理人员可以修改负面清单",
                )
                .await);
        }
        self.cluster_named(actor, cluster_id).await?;
        let list = parse_list_form(form).map_err(AppError::Invalid)?;
        let mut tx = self.store.begin().await?;
        let (_, version) = negative_lists::save(&mut tx, cluster_id, &list, Some(actor.user_id)).await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "negative_list.save",
            ("cluster", &object),
            json!({"version": version, "entries": list.entries.len(), "basis": list.basis}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(version)
    }

    /// Reviews a proposed project against its cluster's list in force and its 标准地 minimums
    /// (the city, the cluster's officers, its county's officers); the review is kept.
    pub async fn review_project(&self, actor: &Actor, form: &ReviewForm) -> Result<ReviewView, AppError> {
        let object = form.cluster_id.to_string();
        let cluster = self.cluster_named(actor, form.cluster_id).await?;
        if !actor.reviews_projects(cluster.id, &cluster.region_code) {
            return Err(self
                .deny(
                    actor,
                    "admission.review",
                    ("cluster", &object),
                    "只有市级评价管理员、本集聚区和所在县区的管理人员可以审查入驻项目",
                )
                .await);
        }
        let mut problems = Vec::new();
        let name = form.project_name.trim().to_owned();
        if name.is_empty() {
            problems.push(FieldError {
                field: "project_name",
                message: "请填写项目名称".to_owned(),
            });
        }
        let industry = IndustryCode::parse(&form.industry_code).map_err(|e| {
            problems.push(FieldError {
                field: "industry_code",
                message: e.to_string(),
            });
        });
        let mut number = |text: &str, field: &'static str, what: &str, positive: bool| {
            match mujun_domain::number::parse_number(text.trim()) {
                Ok(Some(v)) if v.is_finite() && (v > 0.0 || (!positive && v >= 0.0)) => v,
                _ => {
                    problems.push(FieldError {
                        field,
                        message: format!(
                            "{what}“{}”应为{}数字",
                            text.trim(),
                            if positive { "大于 0 的" } else { "非负" }
                        ),
                    });
                    0.0
                }
            }
        };
        let investment = number(&form.investment, "investment", "固定资产投资（万元）", false);
        let land_mu = number(&form.land_mu, "land_mu", "用地面积（亩）", true);
        let expected_tax = number(&form.expected_tax, "expected_tax", "达产后年税收（万元）", false);
        let energy_tce = number(&form.energy_tce, "energy_tce", "年综合能耗（吨标准煤）", false);
        let (Ok(industry), true) = (industry, problems.is_empty()) else {
            return Err(AppError::Invalid(problems));
        };
        let mut tx = self.store.begin().await?;
        let current = negative_lists::versions(&mut tx, cluster.id)
            .await?
            .into_iter()
            .next();
        let (entries, standard) = match &current {
            Some(l) => (
                negative_lists::entries(&mut tx, l.id).await?,
                Conditions {
                    min_investment_per_mu: l.min_investment_per_mu,
                    min_tax_per_mu: l.min_tax_per_mu,
                    max_energy_tce: None,
                },
            ),
            None => (Vec::new(), Conditions::default()),
        };
        let list: Vec<Entry> = entries
            .iter()
            .filter_map(|e| {
                Some(Entry {
                    code: ListCode::parse(&e.code).ok()?,
                    rule: entry_rule(e),
                    basis: e.basis.clone(),
                })
            })
            .collect();
        let proposal = Proposal {
            industry,
            investment,
            land_mu,
            expected_tax,
            energy_tce,
        };
        let verdict =
            review(&list, &standard, &proposal).map_err(|e| AppError::invalid("land_mu", e.to_string()))?;
        let (code, reasons) = match verdict {
            Verdict::Pass => ("pass", vec!["不在负面清单内，且符合标准地控制指标".to_owned()]),
            Verdict::Conditional(kept) => ("conditional", kept),
            Verdict::Refused(why) => ("refused", why),
        };
        let mut stored = Review {
            id: 0,
            cluster_id: cluster.id,
            list_id: current.as_ref().map(|l| l.id),
            project_name: name,
            industry_code: industry.to_string(),
            investment,
            land_mu,
            expected_tax,
            energy_tce,
            verdict: code.to_owned(),
            reasons: reasons.join("\n"),
            created_by: Some(actor.user_id),
            created_at: mujun_store::now_ms(),
        };
        stored.id = negative_lists::add_review(&mut tx, &stored).await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "admission.review",
            ("cluster", &object),
            json!({"project": stored.project_name, "industry": stored.industry_code, "verdict": code,
                   "list_version": current.as_ref().map(|l| l.version)}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(ReviewView {
            verdict_label: verdict_label(code),
            list_version: current.map_or(0, |l| l.version),
            at: crate::clock::beijing(stored.created_at),
            cluster_name: cluster.name,
            review: stored,
        })
    }

    /// The latest reviews the caller may read (its clusters'), newest first.
    pub async fn admission_reviews(&self, actor: &Actor, limit: i64) -> Result<Vec<ReviewView>, AppError> {
        if !actor.reviews_any_projects() {
            return Err(self
                .deny(
                    actor,
                    "admission.list",
                    ("admission_review", ""),
                    "该角色不办理项目准入审查",
                )
                .await);
        }
        let visible = self.visible_clusters(actor).await?;
        let reviewable: Vec<&clusters::Cluster> = visible
            .iter()
            .filter(|c| actor.reviews_projects(c.id, &c.region_code))
            .collect();
        let ids: Vec<i64> = reviewable.iter().map(|c| c.id).collect();
        let mut c = self.store.read().await?;
        let rows = negative_lists::reviews(&mut c, Some(&ids), limit).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let version = match r.list_id {
                Some(id) => negative_lists::get(&mut c, id).await?.map_or(0, |l| l.version),
                None => 0,
            };
            out.push(ReviewView {
                cluster_name: reviewable
                    .iter()
                    .find(|c| c.id == r.cluster_id)
                    .map_or_else(String::new, |c| c.name.clone()),
                verdict_label: verdict_label(&r.verdict),
                list_version: version,
                at: crate::clock::beijing(r.created_at),
                review: r,
            });
        }
        Ok(out)
    }
}

/// The example list of a demo cluster (marked as an example, not a published list): the plan's
/// rules — no new chemical-led clusters, in principle no new chemical projects in the
/// 驻马店市产业集聚区 chemical park — and plausible bans of overcapacity industries.
pub(crate) fn example_list(cluster_name: &str) -> NewList {
    let plan = "《驻马店市“亩均论英雄”改革行动方案》三(四)（示例）";
    let entry = |code: &str, rule: &str, investment: Option<f64>, tax: Option<f64>, basis: &str| ListEntry {
        code: code.to_owned(),
        rule: rule.to_owned(),
        min_investment_per_mu: investment,
        min_tax_per_mu: tax,
        max_energy_tce: None,
        basis: basis.to_owned(),
    };
    let chemical = if cluster_name == "驻马店市产业集聚区" {
        entry(
            "26",
            "banned",
            None,
            None,
            "行动方案：化工园区原则上不再新上化工项目",
        )
    } else {
        entry(
            "26",
            "restricted",
            Some(300.0),
            Some(20.0),
            "行动方案：不再新建以化工为主导的产业集聚区",
        )
    };
    NewList {
        basis: format!("{cluster_name}产业准入负面清单（示例，非正式发布），依据{plan}"),
        example: true,
        min_investment_per_mu: Some(200.0),
        min_tax_per_mu: Some(15.0),
        entries: vec![
            entry("25", "banned", None, None, "高耗能行业，示例"),
            chemical,
            entry("3011", "banned", None, None, "水泥熟料产能过剩，示例"),
            entry("31", "banned", None, None, "钢铁产能置换要求，示例"),
            entry("2211", "restricted", Some(250.0), Some(18.0), "造纸制浆，示例"),
        ],
    }
}
