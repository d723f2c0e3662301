//! Reading a run's results: pools and class counts, the ranking table, each enterprise's score
//! card (with the engine's explanation and what would move it up), and the county / cluster /
//! city summaries compared with last year. Every read is scoped to the caller.

use std::collections::BTreeMap;

use mujun_domain::{Field, IndicatorId};
use mujun_engine::{Method, Outcome, WhatIf, explain, required_tax};
use mujun_store::runs::{self, RankingRow, ResultFilter, ResultSort, RunInput, RunResult, SummaryBy};
use mujun_store::{Scope, objections};

use super::state::RunState;
use super::stored::{PoolDetail, ResultDetail};
use super::{format, snapshot};
use crate::{Actor, App, AppError, Role};

/// One pool of a run with its final class counts.
#[derive(Clone, Debug, PartialEq)]
pub struct PoolView {
    /// Group id.
    pub group_id: String,
    /// Label (cluster, region code or `all`).
    pub label: String,
    /// N.
    pub size: i64,
    /// Vetoed members.
    pub vetoed: i64,
    /// Stored facts (benchmarks, quotas, classes).
    pub detail: PoolDetail,
    /// Final count per class, in the group's class order.
    pub counts: Vec<(String, i64)>,
}

/// A run's overview.
#[derive(Clone, Debug, PartialEq)]
pub struct RunOverview {
    /// Pools in order.
    pub pools: Vec<PoolView>,
    /// Final counts per class over the whole run (`X` included), best class first.
    pub totals: Vec<(String, i64)>,
    /// Class changes against the run this one re-runs: (enterprise, code, name, old, new).
    pub changes: Vec<(i64, String, String, String, String)>,
}

/// One enterprise's score card.
#[derive(Clone, Debug, PartialEq)]
pub struct ScoreCardView {
    /// The run.
    pub run: runs::Run,
    /// Its state.
    pub state: RunState,
    /// Stored inputs.
    pub input: RunInput,
    /// Stored result.
    pub result: RunResult,
    /// Stored explanation.
    pub detail: ResultDetail,
    /// The pool's stored facts (None when excluded).
    pub pool: Option<PoolDetail>,
    /// The engine's explanation (re-evaluated from the snapshot), one fact per line.
    pub explanation: Vec<String>,
    /// Whether the re-evaluation gave exactly the stored total and class.
    pub reproduced: bool,
    /// What would move it up.
    pub what_if: Option<WhatIf>,
    /// What else would move it up: land handed back, R&D, energy, emissions.
    pub levers: Vec<super::levers::LeverLine>,
    /// The manual adjustment, if any: (class, reason).
    pub adjustment: Option<(String, String)>,
    /// Objections of this enterprise in this run.
    pub objections: Vec<objections::Objection>,
    /// The group's class labels.
    pub classes: Vec<String>,
}

impl ScoreCardView {
    /// The what-if in a sentence.
    pub fn what_if_text(&self) -> String {
        match &self.what_if {
            None => String::new(),
            Some(WhatIf::Excluded) => "不参评，不适用。".to_owned(),
            Some(WhatIf::AlreadyTop) => "已处于本组最高档。".to_owned(),
            Some(WhatIf::Vetoed) => {
                "因否决项定为最低档，提高经济指标不能改变档次；否决情形消除后方可正常参评。".to_owned()
            }
            Some(WhatIf::NotReachable { tried_up_to }) => format!(
                "在其他数据不变的情况下，实缴税收提高到 {} 万元仍不能升档（受封顶等规则限制），需同时提升其他指标。",
                format::number(*tried_up_to, 2)
            ),
            Some(WhatIf::Reach(r)) => {
                let per_mu = r
                    .tax_per_mu
                    .map(|t| format!("，即亩均税收 {} 万元/亩", format::number(t, 2)))
                    .unwrap_or_default();
                format!(
                    "在其他数据不变的情况下，实缴税收需达到 {} 万元{per_mu}（现为 {} 万元，需增加 {} 万元），可升为 {} 类（届时总分 {}）。该结果由评价引擎对本排名池重新计算得出。",
                    format::number(r.tax_paid, 2),
                    format::number(r.current_tax, 2),
                    format::number((r.tax_paid - r.current_tax).max(0.0), 2),
                    r.class,
                    format::number(r.total, 2)
                )
            }
        }
    }
}

/// One line of a summary.
#[derive(Clone, Debug, PartialEq)]
pub struct SummaryLine {
    /// County code, cluster name or `all`.
    pub key: String,
    /// Display name.
    pub label: String,
    /// Count per class, in `SummaryTable::classes` order.
    pub counts: Vec<i64>,
    /// Enterprises.
    pub enterprises: i64,
    /// Σ land (亩) of evaluated enterprises.
    pub land_area_mu: f64,
    /// Σ tax (万元) of evaluated enterprises.
    pub tax_paid: f64,
    /// 亩均税收 = Σ tax / Σ land of evaluated enterprises.
    pub tax_per_mu: Option<f64>,
    /// 亩均营业收入.
    pub revenue_per_mu: Option<f64>,
    /// 单位能耗增加值 = Σ value added / Σ energy.
    pub value_added_per_energy: Option<f64>,
    /// R&D intensity = Σ R&D / Σ revenue (%).
    pub rd_intensity: Option<f64>,
    /// Last year's 亩均税收 for the same key (from that year's published run, else its figures).
    pub last_tax_per_mu: Option<f64>,
    /// Last year's count per class.
    pub last_counts: Vec<i64>,
}

/// A summary table.
#[derive(Clone, Debug, PartialEq)]
pub struct SummaryTable {
    /// Class columns (X last).
    pub classes: Vec<String>,
    /// Lines.
    pub lines: Vec<SummaryLine>,
    /// The run of last year compared with, if any.
    pub last_run_id: Option<i64>,
    /// Last year compared from its collected figures (it has no published run).
    pub last_from_figures: bool,
}

/// The scope of results for a role: the city administrator and the approving leader see all; county and cluster
/// officers their enterprises; an enterprise itself. Departments, the system administrator and
/// the auditor see no results (departments get their objections and policy lists).
pub(crate) fn results_scope(actor: &Actor) -> Option<Scope> {
    match actor.role {
        Role::CityAdmin | Role::Leader | Role::County | Role::Cluster | Role::Enterprise => {
            Some(actor.enterprise_scope())
        }
        Role::Department | Role::SysAdmin | Role::SecurityAdmin | Role::Auditor => None,
    }
}

fn class_order(classes: &mut Vec<String>) {
    // Best first as written by the methods (A, B, C, D), excluded last.
    classes.sort_by(|a, b| (a == "X", a.as_str()).cmp(&(b == "X", b.as_str())));
    classes.dedup();
}

impl App {
    /// Loads a run the caller may read results of, or an audited refusal.
    pub(crate) async fn readable_run(
        &self,
        actor: &Actor,
        id: i64,
        action: &str,
    ) -> Result<(runs::Run, RunState, Scope), AppError> {
        let Some(scope) = results_scope(actor) else {
            return Err(self
                .deny(
                    actor,
                    action,
                    ("evaluation_run", &id.to_string()),
                    "该角色不能查看评价结果",
                )
                .await);
        };
        let mut c = self.store.read().await?;
        let run = runs::get(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("评价批次"))?;
        drop(c);
        let state = RunState::parse(&run.state).unwrap_or(RunState::Failed);
        let allowed = if Self::reads_all_runs(actor) {
            !matches!(state, RunState::Running | RunState::Failed)
        } else {
            state.visible_to_enterprises()
        };
        if !allowed {
            return Err(self
                .deny(
                    actor,
                    action,
                    ("evaluation_run", &id.to_string()),
                    &format!("评价批次“{}”，暂不可查看", state.label()),
                )
                .await);
        }
        Ok((run, state, scope))
    }

    /// Pools with class counts, run totals and (for a re-run) the class changes.
    pub async fn run_overview(&self, actor: &Actor, id: i64) -> Result<RunOverview, AppError> {
        let (run, _, scope) = self.readable_run(actor, id, "run.overview").await?;
        let mut c = self.store.read().await?;
        let counts = runs::pool_class_counts(&mut c, id).await?;
        let pools = runs::pools(&mut c, id)
            .await?
            .into_iter()
            .map(|p| {
                let detail: PoolDetail = serde_json::from_str(&p.detail).unwrap_or_default();
                let counts = detail
                    .classes
                    .iter()
                    .map(|cl| {
                        let n = counts
                            .iter()
                            .find(|(g, pool, k, _)| *g == p.group_id && *pool == p.label && k == cl)
                            .map_or(0, |r| r.3);
                        (cl.clone(), n)
                    })
                    .collect();
                PoolView {
                    group_id: p.group_id,
                    label: p.label,
                    size: p.size,
                    vetoed: p.vetoed,
                    detail,
                    counts,
                }
            })
            .collect();
        let mut totals: BTreeMap<String, i64> = BTreeMap::new();
        for row in runs::summary(&mut c, id, &scope, SummaryBy::City).await? {
            *totals.entry(row.class).or_default() += row.enterprises;
        }
        let mut keys: Vec<String> = totals.keys().cloned().collect();
        class_order(&mut keys);
        let totals = keys.into_iter().map(|k| {
            let n = totals[&k];
            (k, n)
        });
        let changes = match run.previous_run_id {
            Some(prev) if scope == Scope::All => runs::class_changes(&mut c, prev, id).await?,
            _ => Vec::new(),
        };
        Ok(RunOverview {
            pools,
            totals: totals.collect(),
            changes,
        })
    }

    /// One page of the ranking within the caller's scope.
    pub async fn run_ranking(
        &self,
        actor: &Actor,
        id: i64,
        filter: &ResultFilter,
        sort: ResultSort,
        page: i64,
        per_page: i64,
    ) -> Result<(Vec<RankingRow>, i64), AppError> {
        let (_, _, scope) = self.readable_run(actor, id, "run.ranking").await?;
        let mut c = self.store.read().await?;
        Ok(runs::ranking(&mut c, id, &scope, filter, sort, page, per_page).await?)
    }

    /// An enterprise's score card in a run. An enterprise user reads only its own (another id
    /// in the URL is refused and audited), and only from the notice on.
    pub async fn score_card(
        &self,
        actor: &Actor,
        id: i64,
        enterprise_id: i64,
    ) -> Result<ScoreCardView, AppError> {
        let (run, state, scope) = self.readable_run(actor, id, "run.score_card").await?;
        let mut c = self.store.read().await?;
        let in_scope = match &scope {
            Scope::All => true,
            Scope::Nothing => false,
            Scope::Enterprise(e) => *e == enterprise_id,
            Scope::Region(_) | Scope::Cluster(_) => match runs::result_of(&mut c, id, enterprise_id).await? {
                Some((_, i)) => match &scope {
                    Scope::Region(r) => &i.region_code == r,
                    Scope::Cluster(cl) => i.cluster_id == Some(*cl),
                    _ => false,
                },
                None => false,
            },
        };
        if !in_scope {
            drop(c);
            return Err(self
                .deny(
                    actor,
                    "run.score_card",
                    ("enterprise", &enterprise_id.to_string()),
                    "超出本账号的查看范围",
                )
                .await);
        }
        let (result, input) = runs::result_of(&mut c, id, enterprise_id)
            .await?
            .ok_or(AppError::NotFound("评价结果"))?;
        let detail: ResultDetail = serde_json::from_str(&result.detail).unwrap_or_default();
        let method = Method::parse(&run.method_source)?;
        let objections = objections::list(
            &mut c,
            &objections::ObjectionFilter {
                run_id: Some(id),
                enterprise_id: Some(enterprise_id),
                ..Default::default()
            },
        )
        .await?;
        let adjustments = runs::adjustments(&mut c, id).await?;
        let adjustment = adjustments
            .iter()
            .find(|a| a.enterprise_id == enterprise_id)
            .map(|a| (a.class.clone(), a.reason.clone()));
        let (pool, pool_rows) = if result.excluded_reason.is_empty() {
            let pools = runs::pools(&mut c, id).await?;
            let pool = pools
                .iter()
                .find(|p| p.group_id == result.group_id && p.label == result.pool)
                .and_then(|p| serde_json::from_str::<PoolDetail>(&p.detail).ok());
            (
                pool,
                runs::pool_inputs(&mut c, id, &result.group_id, &result.pool).await?,
            )
        } else {
            (None, vec![input.clone()])
        };
        drop(c);
        let classes = method
            .groups
            .iter()
            .find(|g| g.id == result.group_id)
            .map(|g| g.classes.clone())
            .unwrap_or_default();
        // Re-evaluate the pool from the snapshot (with the run's adjustments): the explanation
        // and the what-if come from the engine, and the stored result is checked against it.
        let year = run.year;
        let stored = result.clone();
        let (explanation, reproduced, what_if, levers) = tokio::task::spawn_blocking(move || {
            let input = snapshot::to_engine(year, &pool_rows)?;
            let adj = snapshot::adjustments(&pool_rows, &adjustments);
            let eval = mujun_engine::evaluate(&method, &input, &adj)?;
            let row = pool_rows
                .iter()
                .position(|r| r.enterprise_id == stored.enterprise_id)
                .ok_or(AppError::NotFound("评价结果"))?;
            let text = explain::explain(&method, &input, &eval, row);
            let reproduced = match &eval.outcomes[row] {
                Outcome::Scored(s) => {
                    Some(s.total) == stored.total
                        && eval.final_class(&method, s) == stored.final_class
                        && s.rank.map(i64::from) == stored.rank
                }
                Outcome::Excluded(x) => x.id() == stored.excluded_reason,
            };
            let what_if = required_tax(&method, &input, row)?;
            let levers = super::levers::levers_beyond_tax(&method, &input, row)?;
            Ok::<_, AppError>((
                text.lines().map(str::to_owned).collect::<Vec<_>>(),
                reproduced,
                what_if,
                levers,
            ))
        })
        .await
        .map_err(|e| AppError::invalid("job", format!("计算异常终止：{e}")))??;
        Ok(ScoreCardView {
            run,
            state,
            input,
            result,
            detail,
            pool,
            explanation,
            reproduced,
            what_if: Some(what_if),
            levers,
            adjustment,
            objections,
            classes,
        })
    }

    /// Counts by class and aggregated indicators per county, cluster or for the city, within
    /// the caller's scope, with last year's published run beside them.
    pub async fn run_summary(&self, actor: &Actor, id: i64, by: SummaryBy) -> Result<SummaryTable, AppError> {
        let (run, _, scope) = self.readable_run(actor, id, "run.summary").await?;
        let mut c = self.store.read().await?;
        let now = runs::summary(&mut c, id, &scope, by).await?;
        let last_run = runs::published_for_year(&mut c, run.year - 1).await?;
        // Last year beside this one: its published run, else its collected figures (and the
        // classes published or imported for it), when there are any.
        let last = match &last_run {
            Some(r) => runs::summary(&mut c, r.id, &scope, by).await?,
            None => runs::figure_summary(&mut c, run.year - 1, &scope, by).await?,
        };
        let last_from_figures = last_run.is_none() && !last.is_empty();
        drop(c);
        let mut classes: Vec<String> = now
            .iter()
            .chain(&last)
            .map(|r| r.class.clone())
            .filter(|c| !c.is_empty())
            .collect();
        class_order(&mut classes);
        let mut keys: Vec<String> = now.iter().map(|r| r.key.clone()).collect();
        keys.sort();
        keys.dedup();
        let reference = self.reference(actor).await.ok();
        let lines = keys
            .into_iter()
            .map(|key| {
                let rows: Vec<&runs::SummaryRow> = now.iter().filter(|r| r.key == key).collect();
                let evaluated: Vec<&&runs::SummaryRow> = rows.iter().filter(|r| r.class != "X").collect();
                let sum = |f: fn(&runs::SummaryRow) -> Option<f64>| {
                    evaluated.iter().filter_map(|r| f(r)).sum::<f64>()
                };
                let land = sum(|r| r.land_area_mu);
                let tax = sum(|r| r.tax_paid);
                let ratio = |a: f64, b: f64| (b > 0.0).then(|| a / b);
                let last_rows: Vec<&runs::SummaryRow> =
                    last.iter().filter(|r| r.key == key && r.class != "X").collect();
                let last_land: f64 = last_rows.iter().filter_map(|r| r.land_area_mu).sum();
                let last_tax: f64 = last_rows.iter().filter_map(|r| r.tax_paid).sum();
                let label = match by {
                    SummaryBy::City => "全市".to_owned(),
                    SummaryBy::County => reference
                        .as_ref()
                        .and_then(|r| r.regions.iter().find(|g| g.code == key).map(|g| g.name.clone()))
                        .or_else(|| {
                            mujun_domain::RegionCode::parse(&key)
                                .ok()
                                .and_then(|r| r.name())
                                .map(str::to_owned)
                        })
                        .unwrap_or_else(|| key.clone()),
                    SummaryBy::Cluster if key.is_empty() => "集聚区外".to_owned(),
                    SummaryBy::Cluster => key.clone(),
                };
                SummaryLine {
                    label,
                    counts: classes
                        .iter()
                        .map(|cl| {
                            rows.iter()
                                .filter(|r| &r.class == cl)
                                .map(|r| r.enterprises)
                                .sum()
                        })
                        .collect(),
                    enterprises: rows.iter().map(|r| r.enterprises).sum(),
                    land_area_mu: land,
                    tax_paid: tax,
                    tax_per_mu: ratio(tax, land),
                    revenue_per_mu: ratio(sum(|r| r.main_revenue), land),
                    value_added_per_energy: ratio(sum(|r| r.value_added), sum(|r| r.energy_tce)),
                    rd_intensity: ratio(sum(|r| r.rd_expense) * 100.0, sum(|r| r.main_revenue)),
                    last_tax_per_mu: ratio(last_tax, last_land),
                    last_counts: classes
                        .iter()
                        .map(|cl| {
                            last.iter()
                                .filter(|r| r.key == key && &r.class == cl)
                                .map(|r| r.enterprises)
                                .sum()
                        })
                        .collect(),
                    key,
                }
            })
            .collect();
        Ok(SummaryTable {
            classes,
            lines,
            last_run_id: last_run.map(|r| r.id),
            last_from_figures,
        })
    }
}

/// The unit of an indicator id (for display of stored details).
pub fn indicator_unit(id: &str) -> &'static str {
    IndicatorId::parse(id).map_or("", IndicatorId::unit)
}

/// The Chinese label of an indicator id.
pub fn indicator_label(id: &str) -> &'static str {
    IndicatorId::parse(id).map_or("", IndicatorId::label)
}

/// The label of a figure id.
pub fn field_label(id: &str) -> &'static str {
    Field::parse(id).map_or("", Field::label)
}
