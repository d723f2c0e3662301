//! 倒逼转型: a 一企一策 plan for each C-class enterprise (targets, measures, deadline, the official
//! responsible), its progress, and the outcome — the enterprise's class the year after. The
//! county, the cluster and the city make and follow the plans of their enterprises; the
//! departments read them (they execute the policies on C firms); the enterprise reads its own.

use mujun_domain::Date;
use mujun_store::transformation_plans::{self, CEnterprise, NewPlan, Plan};
use mujun_store::{Scope, StoreError};
use serde_json::json;

use crate::audit::{Who, write};
use crate::land::projects::Names;
use crate::land::today;
use crate::{Actor, App, AppError, FieldError, Role};

/// What an actor may do with transformation plans.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlanRights {
    /// Reads the plans of its scope.
    pub reads: bool,
    /// Makes plans and reports progress for the enterprises of its scope.
    pub writes: bool,
}

/// The permission table of transformation plans.
pub fn plan_rights(actor: &Actor) -> PlanRights {
    PlanRights {
        reads: actor.reads_business_data(),
        writes: matches!(actor.role, Role::CityAdmin | Role::County | Role::Cluster),
    }
}

/// What became of a C enterprise the year after.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Not evaluated yet.
    Pending,
    /// Moved up to A or B.
    Improved,
    /// Still C.
    StillC,
}

impl Outcome {
    fn of(next: Option<&str>) -> Outcome {
        match next {
            None => Outcome::Pending,
            Some("C") => Outcome::StillC,
            Some(_) => Outcome::Improved,
        }
    }
}

/// The outcome in words, e.g. `2025 年度升为 B 类`.
fn outcome_text(year: i64, next: Option<&str>) -> String {
    match next {
        None => format!("待 {} 年度评价", year + 1),
        Some("C") => format!("{} 年度仍为 C 类", year + 1),
        Some(c) => format!("{} 年度升为 {c} 类", year + 1),
    }
}

/// A plan as shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanView {
    /// Id.
    pub id: i64,
    /// Enterprise.
    pub enterprise_id: i64,
    /// Enterprise name.
    pub enterprise_name: String,
    /// County.
    pub county: String,
    /// Cluster.
    pub cluster: String,
    /// The C year.
    pub year: i64,
    /// 转型目标.
    pub targets: String,
    /// 主要措施.
    pub measures: String,
    /// 完成期限.
    pub deadline: String,
    /// 责任人.
    pub responsible: String,
    /// Latest progress.
    pub progress: String,
    /// Done.
    pub done: bool,
    /// Past its deadline and not done.
    pub overdue: bool,
    /// Outcome.
    pub outcome: Outcome,
    /// Outcome in words.
    pub outcome_text: String,
    /// Version.
    pub version: i64,
    /// The caller may report progress on it now (detail only).
    pub may_report: bool,
    /// Progress history `(date, text, done, by)` (detail only).
    pub history: Vec<(String, String, bool, String)>,
}

fn plan_view(p: Plan, names: &Names, today: Date) -> PlanView {
    let overdue = p.done == 0 && Date::parse(&p.deadline).is_ok_and(|d| today > d);
    PlanView {
        id: p.id,
        enterprise_id: p.enterprise_id,
        county: names.county(&p.region_code),
        cluster: names.cluster(p.cluster_id),
        enterprise_name: p.enterprise_name,
        year: p.year,
        targets: p.targets,
        measures: p.measures,
        deadline: p.deadline,
        responsible: p.responsible,
        progress: p.progress,
        done: p.done == 1,
        overdue,
        outcome: Outcome::of(p.next_class.as_deref()),
        outcome_text: outcome_text(p.year, p.next_class.as_deref()),
        version: p.version,
        may_report: false,
        history: Vec::new(),
    }
}

/// A C enterprise of the year with its plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CRow {
    /// Enterprise.
    pub enterprise_id: i64,
    /// Name.
    pub name: String,
    /// County.
    pub county: String,
    /// Cluster.
    pub cluster: String,
    /// Its plan.
    pub plan: Option<PlanView>,
    /// Outcome in words.
    pub outcome_text: String,
}

/// The C enterprises of a year and their plans.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CLedger {
    /// The class year shown.
    pub year: Option<i64>,
    /// Years with classes, newest first.
    pub years: Vec<i64>,
    /// The C enterprises of the scope.
    pub rows: Vec<CRow>,
    /// With a plan.
    pub planned: usize,
    /// Plans done.
    pub done: usize,
    /// Plans past their deadline.
    pub overdue: usize,
    /// Moved up the year after.
    pub improved: usize,
    /// The caller makes plans.
    pub writes: bool,
}

/// A plan as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct PlanForm {
    /// The enterprise.
    pub enterprise_id: i64,
    /// The C year.
    pub year: i64,
    /// 转型目标.
    pub targets: String,
    /// 主要措施.
    pub measures: String,
    /// 完成期限.
    pub deadline: String,
    /// 责任人.
    pub responsible: String,
}

/// Progress as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct ProgressForm {
    /// The version read.
    pub version: i64,
    /// What was done.
    pub body: String,
    /// Done: `1` / `on`.
    pub done: String,
}

impl App {
    async fn plan_reader(&self, actor: &Actor, object: &str) -> Result<PlanRights, AppError> {
        let rights = plan_rights(actor);
        if !rights.reads {
            return Err(self
                .deny(
                    actor,
                    "transformation.view",
                    ("transformation_plan", object),
                    "不能查看转型方案",
                )
                .await);
        }
        Ok(rights)
    }

    /// The C enterprises of `year` (default: the latest year with classes) in the caller's
    /// scope, with their plans and outcomes.
    pub async fn c_ledger(&self, actor: &Actor, year: Option<i64>) -> Result<CLedger, AppError> {
        let rights = self.plan_reader(actor, "").await?;
        let names = self.names().await?;
        let scope = actor.enterprise_scope();
        let mut c = self.store.read().await?;
        let years = transformation_plans::class_years(&mut c).await?;
        let year = year.filter(|y| years.contains(y)).or(years.first().copied());
        let Some(y) = year else {
            return Ok(CLedger {
                year: None,
                years,
                rows: Vec::new(),
                planned: 0,
                done: 0,
                overdue: 0,
                improved: 0,
                writes: rights.writes,
            });
        };
        let cs: Vec<CEnterprise> = transformation_plans::c_enterprises(&mut c, y, &scope).await?;
        let plans = transformation_plans::plans(&mut c, &scope, Some(y)).await?;
        drop(c);
        let today = today();
        let mut plans: std::collections::HashMap<i64, PlanView> = plans
            .into_iter()
            .map(|p| (p.enterprise_id, plan_view(p, &names, today)))
            .collect();
        let rows: Vec<CRow> = cs
            .into_iter()
            .map(|e| CRow {
                enterprise_id: e.enterprise_id,
                county: names.county(&e.region_code),
                cluster: names.cluster(e.cluster_id),
                name: e.name,
                plan: plans.remove(&e.enterprise_id),
                outcome_text: outcome_text(y, e.next_class.as_deref()),
            })
            .collect();
        let with_plan = || rows.iter().filter_map(|r| r.plan.as_ref());
        Ok(CLedger {
            year,
            years,
            planned: with_plan().count(),
            done: with_plan().filter(|p| p.done).count(),
            overdue: with_plan().filter(|p| p.overdue).count(),
            improved: with_plan().filter(|p| p.outcome == Outcome::Improved).count(),
            rows,
            writes: rights.writes,
        })
    }

    /// One plan with its progress.
    pub async fn transformation_plan(&self, actor: &Actor, id: i64) -> Result<PlanView, AppError> {
        self.plan_reader(actor, &id.to_string()).await?;
        let names = self.names().await?;
        let mut c = self.store.read().await?;
        let Some(p) = transformation_plans::plan(&mut c, id, &actor.enterprise_scope()).await? else {
            let exists = transformation_plans::plan(&mut c, id, &Scope::All)
                .await?
                .is_some();
            drop(c);
            return Err(if exists {
                self.deny(
                    actor,
                    "transformation.view",
                    ("transformation_plan", &id.to_string()),
                    "超出本账号的查看范围",
                )
                .await
            } else {
                AppError::NotFound("转型方案")
            });
        };
        let history = transformation_plans::progress(&mut c, id).await?;
        let mut v = plan_view(p, &names, today());
        v.may_report = plan_rights(actor).writes && !v.done;
        v.history = history
            .into_iter()
            .map(|(d, b, done, by)| (d, b, done == 1, by.unwrap_or_default()))
            .collect();
        Ok(v)
    }

    /// Makes the plan of a C enterprise of the caller's scope for its C year.
    pub async fn add_transformation_plan(&self, actor: &Actor, form: &PlanForm) -> Result<i64, AppError> {
        let rights = plan_rights(actor);
        if !rights.writes {
            return Err(self
                .deny(
                    actor,
                    "transformation.plan",
                    ("enterprise", &form.enterprise_id.to_string()),
                    "不能制定转型方案",
                )
                .await);
        }
        if form.enterprise_id <= 0 {
            return Err(AppError::invalid("enterprise_id", "请选择企业"));
        }
        let scope = actor.enterprise_scope();
        let mut c = self.store.read().await?;
        let in_scope = mujun_store::enterprises::get(&mut c, form.enterprise_id, &scope)
            .await?
            .is_some();
        let cs = transformation_plans::c_enterprises(&mut c, form.year, &scope).await?;
        drop(c);
        if !in_scope {
            return Err(self
                .deny(
                    actor,
                    "transformation.plan",
                    ("enterprise", &form.enterprise_id.to_string()),
                    "超出本账号的范围",
                )
                .await);
        }
        let Some(target) = cs.iter().find(|e| e.enterprise_id == form.enterprise_id) else {
            return Err(AppError::invalid(
                "enterprise_id",
                format!("该企业不是 {} 年度 C 类企业", form.year),
            ));
        };
        let mut problems = Vec::new();
        let mut need = |ok: bool, field: &'static str, message: &str| {
            if !ok {
                problems.push(FieldError {
                    field,
                    message: message.to_owned(),
                });
            }
        };
        let len_ok = |t: &str, max: usize| !t.trim().is_empty() && t.trim().chars().count() <= max;
        need(
            len_ok(&form.targets, 2000),
            "targets",
            "请填写转型目标（不超过 2000 字）",
        );
        need(
            len_ok(&form.measures, 5000),
            "measures",
            "请填写主要措施（不超过 5000 字）",
        );
        need(
            len_ok(&form.responsible, 100),
            "responsible",
            "请填写责任人（姓名和职务）",
        );
        let deadline = Date::parse(form.deadline.trim()).ok().filter(|d| *d > today());
        need(
            deadline.is_some(),
            "deadline",
            &format!("完成期限“{}”应为今天之后的日期", form.deadline.trim()),
        );
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let deadline = deadline.map(|d| d.to_string()).unwrap_or_default();
        let mut tx = self.store.begin().await?;
        let id = transformation_plans::insert(
            &mut tx,
            &NewPlan {
                enterprise_id: target.enterprise_id,
                year: form.year,
                targets: form.targets.trim(),
                measures: form.measures.trim(),
                deadline: &deadline,
                responsible: form.responsible.trim(),
            },
            Some(actor.user_id),
        )
        .await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "transformation.plan",
            ("transformation_plan", &id.to_string()),
            json!({"enterprise": target.name, "year": form.year, "deadline": deadline,
                   "responsible": form.responsible.trim()}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(id)
    }

    /// Records progress on a plan (history kept).
    pub async fn report_transformation(
        &self,
        actor: &Actor,
        id: i64,
        form: &ProgressForm,
    ) -> Result<(), AppError> {
        let plan = self.transformation_plan(actor, id).await?;
        if !plan_rights(actor).writes {
            return Err(self
                .deny(
                    actor,
                    "transformation.progress",
                    ("transformation_plan", &id.to_string()),
                    "不能填报转型进展",
                )
                .await);
        }
        if plan.done {
            return Err(AppError::invalid("plan", "该转型方案已完成"));
        }
        let body = form.body.trim();
        if body.is_empty() || body.chars().count() > 5000 {
            return Err(AppError::invalid("body", "请写明转型进展（不超过 5000 字）"));
        }
        let done = matches!(form.done.trim(), "1" | "on" | "true" | "是");
        let on = today().to_string();
        let mut tx = self.store.begin().await?;
        transformation_plans::add_progress(&mut tx, id, form.version, &on, body, done, Some(actor.user_id))
            .await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "transformation.progress",
            ("transformation_plan", &id.to_string()),
            json!({"enterprise": plan.enterprise_name, "year": plan.year, "done": done}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// The plans of one enterprise `(class year, plan id)`, for its class history.
    pub async fn transformation_plans_of(
        &self,
        actor: &Actor,
        enterprise_id: i64,
    ) -> Result<Vec<(i64, i64)>, AppError> {
        if !plan_rights(actor).reads {
            return Ok(Vec::new());
        }
        let mut c = self.store.read().await?;
        if mujun_store::enterprises::get(&mut c, enterprise_id, &actor.enterprise_scope())
            .await?
            .is_none()
        {
            return Ok(Vec::new());
        }
        Ok(transformation_plans::of_enterprise(&mut c, enterprise_id).await?)
    }
}

/// Demo plans: for C enterprises of the year before the latest (whose outcome is known) and of
/// the latest year, with progress; one of the latest past its deadline.
pub(crate) async fn seed_demo(conn: &mut sqlx::AnyConnection, today: Date) -> Result<(), AppError> {
    let years = transformation_plans::class_years(conn).await?;
    let city = mujun_store::users::get_by_username(conn, "city")
        .await?
        .map(|u| u.id);
    let day = |n: i64| today.plus_days(n).unwrap_or(today).to_string();
    for (k, year) in years.iter().take(2).rev().enumerate() {
        let latest = k == 1;
        let cs = transformation_plans::c_enterprises(conn, *year, &Scope::All).await?;
        for (i, e) in cs.iter().step_by(3).take(8).enumerate() {
            let deadline = if latest && i == 0 {
                day(-20)
            } else if latest {
                day(90 + 30 * i as i64)
            } else {
                day(-60)
            };
            let id = transformation_plans::insert(
                conn,
                &NewPlan {
                    enterprise_id: e.enterprise_id,
                    year: *year,
                    targets: "亩均税收提高到 3 万元/亩以上，单位能耗总产值提高 15%",
                    measures: "实施生产线智能化改造；退让闲置厂房 20 亩用于二次招商；淘汰燃煤锅炉，改用天然气",
                    deadline: &deadline,
                    responsible: "县工信局副局长（包联责任人）",
                },
                city,
            )
            .await?;
            let done = !latest && i % 2 == 0;
            let body = if done {
                "智能化改造和锅炉替代已完成，闲置厂房已租赁给配套企业"
            } else {
                "智能化改造设备已招标，锅炉替代方案已报生态环境部门审核"
            };
            transformation_plans::add_progress(conn, id, 1, &day(-10), body, done, city).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_in_words() {
        assert_eq!(outcome_text(2024, None), "待 2025 年度评价");
        assert_eq!(outcome_text(2024, Some("C")), "2025 年度仍为 C 类");
        assert_eq!(outcome_text(2024, Some("B")), "2025 年度升为 B 类");
        assert_eq!(Outcome::of(Some("A")), Outcome::Improved);
        assert_eq!(Outcome::of(Some("C")), Outcome::StillC);
        assert_eq!(Outcome::of(None), Outcome::Pending);
    }
}
