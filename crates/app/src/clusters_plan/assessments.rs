//! Cluster assessment runs: the method the city keeps (a TOML file in the settings), a run of a
//! year under it (draft, with the results kept), approval by the leader (never by whoever
//! publishes) and publication — no 公示, as the plan has none for clusters. The star move is
//! against the last published assessment; a first promotion is against every star held before.

use std::collections::HashMap;

use mujun_cluster::assess::{self, Input, Move};
use mujun_cluster::indicators::Indicator;
use mujun_cluster::method::{EXAMPLE, Method};
use mujun_store::cluster_assessment::{self, Assessment, NewAssessment, ResultRow};
use mujun_store::{StoreError, settings};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::cluster_plan_rights;
use crate::audit::{Who, write};
use crate::{Actor, App, AppError};

const METHOD_KEY: &str = "cluster_method";

/// Where an assessment stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Computed, not yet approved.
    Draft,
    /// Approved by the leader.
    Approved,
    /// Published.
    Published,
    /// Withdrawn (a draft replaced by another).
    Withdrawn,
}

impl State {
    /// Parses a stored id.
    pub fn parse(id: &str) -> State {
        match id {
            "approved" => State::Approved,
            "published" => State::Published,
            "withdrawn" => State::Withdrawn,
            _ => State::Draft,
        }
    }

    /// The stored id.
    pub fn id(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Approved => "approved",
            State::Published => "published",
            State::Withdrawn => "withdrawn",
        }
    }

    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            State::Draft => "待审定",
            State::Approved => "已审定",
            State::Published => "已发布",
            State::Withdrawn => "已撤销",
        }
    }
}

/// An assessment in the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssessmentLine {
    /// Id.
    pub id: i64,
    /// Year.
    pub year: i64,
    /// Title.
    pub title: String,
    /// The method's name.
    pub method_name: String,
    /// State.
    pub state: State,
    /// Approved by.
    pub approved_by: String,
}

/// One indicator's points as stored and shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PointsLine {
    /// Indicator name.
    pub label: String,
    /// Value with unit, or 无数据.
    pub value: String,
    /// Points.
    pub points: f64,
    /// Full points.
    pub weight: f64,
    /// How scored.
    pub why: String,
    /// How the value was derived.
    pub derivation: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct Detail {
    points: Vec<PointsLine>,
    gap: Vec<String>,
    measures: Vec<String>,
    tier: String,
}

/// One cluster's result as shown.
#[derive(Clone, Debug, PartialEq)]
pub struct ResultView {
    /// The cluster.
    pub cluster_id: i64,
    /// Name.
    pub name: String,
    /// Rank.
    pub rank: i64,
    /// Total.
    pub total: f64,
    /// Star name (empty: none).
    pub star: String,
    /// Move in words.
    pub movement: &'static str,
    /// 千亿级 / 百亿级.
    pub tier: String,
    /// Points per indicator.
    pub points: Vec<PointsLine>,
    /// Why not the next star.
    pub gap: Vec<String>,
    /// Rewards and restrictions.
    pub measures: Vec<String>,
}

/// An assessment as shown.
#[derive(Clone, Debug, PartialEq)]
pub struct AssessmentView {
    /// Id.
    pub id: i64,
    /// Year.
    pub year: i64,
    /// Title.
    pub title: String,
    /// The method's name.
    pub method_name: String,
    /// The method's text.
    pub method: String,
    /// State.
    pub state: State,
    /// Approved by.
    pub approved_by: String,
    /// Version.
    pub version: i64,
    /// Results by rank.
    pub results: Vec<ResultView>,
    /// The caller may approve it now.
    pub may_approve: bool,
    /// The caller may publish or withdraw it now.
    pub may_publish: bool,
}

fn movement_id(m: Move) -> &'static str {
    match m {
        Move::New => "new",
        Move::Same => "same",
        Move::Up { first: true } => "up_first",
        Move::Up { first: false } => "up",
        Move::Down => "down",
    }
}

fn movement_label(id: &str) -> &'static str {
    match id {
        "same" => Move::Same.label(),
        "up_first" => Move::Up { first: true }.label(),
        "up" => Move::Up { first: false }.label(),
        "down" => Move::Down.label(),
        _ => Move::New.label(),
    }
}

fn value_text(i: Indicator, v: Option<f64>) -> String {
    v.map_or_else(|| "无数据".to_owned(), |x| format!("{x:.2} {}", i.unit()))
}

/// The method in words, for people (the file itself is for whoever keeps it).
#[derive(Clone, Debug, PartialEq)]
pub struct MethodView {
    /// The file.
    pub text: String,
    /// Its name.
    pub name: String,
    /// Scored indicators: `(name, unit, weight, benchmark, direction in words)`.
    pub indicators: Vec<(&'static str, &'static str, f64, f64, &'static str)>,
    /// Star levels: `(name, thresholds in words)`.
    pub stars: Vec<(String, Vec<String>)>,
    /// Rewards and restrictions in words.
    pub rewards: Vec<String>,
}

fn method_view(text: String) -> MethodView {
    let Ok(m) = Method::parse(&text) else {
        return MethodView {
            text,
            name: "（考核办法无法读取）".to_owned(),
            indicators: Vec::new(),
            stars: Vec::new(),
            rewards: Vec::new(),
        };
    };
    let indicators = m
        .indicators
        .iter()
        .map(|s| {
            let dir = if s.indicator.higher_is_better() {
                "达到或超过标杆得满分"
            } else {
                "不高于标杆得满分"
            };
            (
                s.indicator.label(),
                s.indicator.unit(),
                s.weight,
                s.benchmark,
                dir,
            )
        })
        .collect();
    let stars = m
        .stars
        .iter()
        .map(|st| {
            let t = st
                .thresholds
                .iter()
                .map(|(i, v)| {
                    let side = if i.higher_is_better() {
                        "不低于"
                    } else {
                        "不高于"
                    };
                    format!("{}{side} {v} {}", i.label(), i.unit())
                })
                .collect();
            (st.name.clone(), t)
        })
        .collect();
    let r = &m.rewards;
    let mut rewards = Vec::new();
    if r.top > 0 {
        rewards.push(format!(
            "排序前 {} 名：表彰奖励，优先支持扩区或申报国家级开发区",
            r.top
        ));
    }
    rewards.push("首次晋升上一星级：表彰奖励".to_owned());
    if r.bottom > 0 {
        rewards.push(format!("排名后 {} 名：不支持扩区、升级", r.bottom));
    }
    if r.core_bottom > 0 && !r.core.is_empty() {
        let core: Vec<&str> = r.core.iter().map(|i| i.label()).collect();
        rewards.push(format!(
            "核心指标（{}）居后 {} 名：不支持扩区、升级",
            core.join("、"),
            r.core_bottom
        ));
    }
    MethodView {
        text,
        name: m.name,
        indicators,
        stars,
        rewards,
    }
}

impl App {
    /// The method in force, in words and as its file.
    pub async fn cluster_method_view(&self, actor: &Actor) -> Result<MethodView, AppError> {
        Ok(method_view(self.cluster_method(actor).await?))
    }

    fn assessment_reader(&self, actor: &Actor) -> Result<super::ClusterPlanRights, AppError> {
        Ok(cluster_plan_rights(actor))
    }

    /// The method in force (the example until the city saves its own).
    pub async fn cluster_method(&self, actor: &Actor) -> Result<String, AppError> {
        if !cluster_plan_rights(actor).reads {
            return Err(self
                .deny(
                    actor,
                    "clusters.method",
                    ("setting", METHOD_KEY),
                    "不能查看集聚区考核办法",
                )
                .await);
        }
        let mut c = self.store.read().await?;
        Ok(settings::get(&mut c, METHOD_KEY)
            .await?
            .unwrap_or_else(|| EXAMPLE.to_owned()))
    }

    /// Saves the method (checked first; a wrong file is refused with the reason, nothing stored).
    pub async fn set_cluster_method(&self, actor: &Actor, text: &str) -> Result<(), AppError> {
        if !cluster_plan_rights(actor).runs {
            return Err(self
                .deny(
                    actor,
                    "clusters.method_set",
                    ("setting", METHOD_KEY),
                    "不能修改集聚区考核办法",
                )
                .await);
        }
        let m = Method::parse(text).map_err(|e| AppError::invalid("method", e.to_string()))?;
        let mut tx = self.store.begin().await?;
        settings::set(&mut tx, METHOD_KEY, text).await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "clusters.method_set",
            ("setting", METHOD_KEY),
            json!({"name": m.name, "indicators": m.indicators.len(), "stars": m.stars.len()}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// The assessments the caller may see (drafts only for the city and its leader), newest first.
    pub async fn cluster_assessments(&self, actor: &Actor) -> Result<Vec<AssessmentLine>, AppError> {
        let rights = self.assessment_reader(actor)?;
        if !rights.reads {
            return Err(self
                .deny(
                    actor,
                    "clusters.assessments",
                    ("cluster_assessment", ""),
                    "不能查看集聚区考核评价",
                )
                .await);
        }
        let mut c = self.store.read().await?;
        Ok(cluster_assessment::list(&mut c)
            .await?
            .into_iter()
            .filter(|a| rights.reads_drafts || a.state == "published")
            .map(|a: Assessment| AssessmentLine {
                id: a.id,
                year: a.year,
                title: a.title,
                method_name: a.method_name,
                state: State::parse(&a.state),
                approved_by: a.approved_by_name.unwrap_or_default(),
            })
            .collect())
    }

    /// Runs the assessment of `year` under the method in force; returns the draft's id.
    pub async fn run_cluster_assessment(
        &self,
        actor: &Actor,
        year: i64,
        title: &str,
    ) -> Result<i64, AppError> {
        if !cluster_plan_rights(actor).runs {
            return Err(self
                .deny(
                    actor,
                    "clusters.assess",
                    ("cluster_assessment", ""),
                    "不能发起集聚区考核评价",
                )
                .await);
        }
        let mut c = self.store.read().await?;
        let years = mujun_store::enterprises::years(&mut c).await?;
        let text = settings::get(&mut c, METHOD_KEY)
            .await?
            .unwrap_or_else(|| EXAMPLE.to_owned());
        let stars = cluster_assessment::published_stars(&mut c, year).await?;
        drop(c);
        if !years.contains(&year) {
            return Err(AppError::invalid("year", format!("{year} 年没有企业数据")));
        }
        let method = Method::parse(&text).map_err(|e| AppError::invalid("method", e.to_string()))?;
        self.run_assessment_with(
            Who::Actor(actor),
            Some(actor.user_id),
            year,
            title,
            &method,
            &text,
            &stars,
        )
        .await
    }

    /// Runs an assessment on behalf of `who` (the city's actor, or the command line for the demo).
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn run_assessment_with(
        &self,
        who: Who<'_>,
        user: Option<i64>,
        year: i64,
        title: &str,
        method: &Method,
        text: &str,
        stars: &[(i64, i64, i64)],
    ) -> Result<i64, AppError> {
        let table = self.year_table(year).await?;
        let mut previous: HashMap<i64, u8> = HashMap::new();
        let mut best: HashMap<i64, u8> = HashMap::new();
        for (cluster, y, star) in stars {
            let star = u8::try_from(*star).unwrap_or(0);
            if *y == year - 1 {
                previous.entry(*cluster).or_insert(star);
            }
            let b = best.entry(*cluster).or_insert(0);
            *b = (*b).max(star);
        }
        let inputs: Vec<Input> = table
            .clusters
            .iter()
            .map(|(k, values, _)| Input {
                id: k.id,
                name: k.name.clone(),
                values: values.clone(),
                previous_star: previous.get(&k.id).copied(),
                best_star_before: best.get(&k.id).copied().unwrap_or(0),
            })
            .collect();
        let outcomes = assess::assess(method, &inputs);
        let rows: Vec<ResultRow> = outcomes
            .iter()
            .enumerate()
            .map(|(pos, o)| {
                let values = &inputs
                    .iter()
                    .find(|i| i.id == o.id)
                    .map(|i| i.values.clone())
                    .unwrap_or_default();
                let revenue = values
                    .iter()
                    .find(|v| v.indicator == Indicator::Revenue)
                    .and_then(|v| v.value);
                let detail = Detail {
                    points: o
                        .points
                        .iter()
                        .map(|p| PointsLine {
                            label: p.indicator.label().to_owned(),
                            value: value_text(p.indicator, p.value),
                            points: (p.points * 100.0).round() / 100.0,
                            weight: p.weight,
                            why: p.why.clone(),
                            derivation: values
                                .iter()
                                .find(|v| v.indicator == p.indicator)
                                .map(|v| v.derivation.clone())
                                .unwrap_or_default(),
                        })
                        .collect(),
                    gap: o.next_star_gap.clone(),
                    measures: o.measures.clone(),
                    tier: mujun_cluster::indicators::scale_tier(revenue).to_owned(),
                };
                ResultRow {
                    cluster_id: o.id,
                    position: pos as i64,
                    rank: o.rank as i64,
                    total: o.total,
                    star: i64::from(o.star),
                    star_name: o.star_name.clone(),
                    movement: movement_id(o.movement).to_owned(),
                    detail: serde_json::to_string(&detail).unwrap_or_default(),
                }
            })
            .collect();
        let title = if title.trim().is_empty() {
            format!("{year} 年度产业集聚区考核评价")
        } else {
            title.trim().to_owned()
        };
        let mut tx = self.store.begin().await?;
        let id = cluster_assessment::insert(
            &mut tx,
            &NewAssessment {
                year,
                title: &title,
                method_name: &method.name,
                method: text,
            },
            &rows,
            user,
        )
        .await?;
        write(
            &mut tx,
            who,
            "clusters.assess",
            ("cluster_assessment", &id.to_string()),
            json!({"year": year, "title": title, "method": method.name, "clusters": rows.len()}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(id)
    }

    /// One assessment with its results.
    pub async fn cluster_assessment(&self, actor: &Actor, id: i64) -> Result<AssessmentView, AppError> {
        let rights = self.assessment_reader(actor)?;
        let mut c = self.store.read().await?;
        let a = cluster_assessment::get(&mut c, id).await?;
        let Some(a) = a else {
            return Err(AppError::NotFound("集聚区考核评价"));
        };
        if !(rights.reads && (rights.reads_drafts || a.state == "published")) {
            drop(c);
            return Err(self
                .deny(
                    actor,
                    "clusters.assessments",
                    ("cluster_assessment", &id.to_string()),
                    "未发布的考核评价只有市级和审定领导可以查看",
                )
                .await);
        }
        let rows = cluster_assessment::results(&mut c, id).await?;
        let names: HashMap<i64, String> = mujun_store::clusters::list(&mut c, None)
            .await?
            .into_iter()
            .map(|k| (k.id, k.name))
            .collect();
        drop(c);
        let state = State::parse(&a.state);
        let results = rows
            .into_iter()
            .map(|r| {
                let d: Detail = serde_json::from_str(&r.detail).unwrap_or_default();
                ResultView {
                    cluster_id: r.cluster_id,
                    name: names.get(&r.cluster_id).cloned().unwrap_or_default(),
                    rank: r.rank,
                    total: r.total,
                    star: r.star_name,
                    movement: movement_label(&r.movement),
                    tier: d.tier,
                    points: d.points,
                    gap: d.gap,
                    measures: d.measures,
                }
            })
            .collect();
        Ok(AssessmentView {
            id: a.id,
            year: a.year,
            title: a.title,
            method_name: a.method_name,
            method: a.method,
            state,
            approved_by: a.approved_by_name.unwrap_or_default(),
            version: a.version,
            results,
            may_approve: rights.approves && state == State::Draft,
            may_publish: rights.runs && matches!(state, State::Draft | State::Approved),
        })
    }

    /// Approves (the leader), publishes (the city, once approved, and not by the approver) or
    /// withdraws (the city, before publication) an assessment read at `version`.
    pub async fn decide_cluster_assessment(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        decision: &str,
    ) -> Result<(), AppError> {
        let v = self.cluster_assessment(actor, id).await?;
        let (allowed, from, to) = match decision {
            "approve" => (v.may_approve, State::Draft, State::Approved),
            "publish" => (v.may_publish, State::Approved, State::Published),
            "withdraw" => (v.may_publish, v.state, State::Withdrawn),
            _ => return Err(AppError::NotFound("操作")),
        };
        if !allowed {
            return Err(self
                .deny(
                    actor,
                    &format!("clusters.{decision}"),
                    ("cluster_assessment", &id.to_string()),
                    "无权办理",
                )
                .await);
        }
        if v.state != from {
            return Err(AppError::invalid(
                "state",
                format!(
                    "该考核评价当前为“{}”，不能{}",
                    v.state.label(),
                    match decision {
                        "approve" => "审定",
                        "publish" => "发布（须先经审定领导审定）",
                        _ => "撤销",
                    }
                ),
            ));
        }
        let mut tx = self.store.begin().await?;
        cluster_assessment::transition(&mut tx, id, version, from.id(), to.id(), actor.user_id).await?;
        write(
            &mut tx,
            Who::Actor(actor),
            &format!("clusters.{decision}"),
            ("cluster_assessment", &id.to_string()),
            json!({"year": v.year, "title": v.title, "from": v.state.label(), "to": to.label()}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }
}
