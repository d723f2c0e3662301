//! The problem ledger's use cases: file → assign (department, difficulty, deadline on the working
//! calendar) → answer → rate → 销号, or back to the department with a new deadline. Every step
//! is checked against where the problem stands (a wrong step is refused in words, nothing
//! stored; a stale version is refused), kept as an event, and audited.

use mujun_domain::Date;
use mujun_store::service_problems::{
    self, Event, NewEvent, NewProblem, Problem, ProblemFilter, ProblemState,
};
use mujun_store::{Scope, StoreError, departments, enterprises};
use serde_json::json;

use super::{CATEGORIES, Difficulty, Rating, ServiceRights, Status, service_rights};
use crate::audit::{Who, write};
use crate::land::projects::Names;
use crate::land::today;
use crate::{Actor, App, AppError, FieldError, Role};

/// Scopes with at most this many enterprises pick from a list; larger ones type the code.
const PICK_LIMIT: i64 = 500;

/// Largest attachment accepted (bytes).
pub const MAX_ATTACHMENT: usize = 5 * 1024 * 1024;

/// A problem as filed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct ProblemForm {
    /// The enterprise (ignored for an enterprise's own account).
    pub enterprise_id: i64,
    /// Or its 统一社会信用代码 (where the scope is too large for a list).
    pub credit_code: String,
    /// Category (one of [`CATEGORIES`]).
    pub category: String,
    /// Title.
    pub title: String,
    /// What the problem is.
    pub description: String,
}

/// A step on a problem as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct StepForm {
    /// The version read.
    pub version: i64,
    /// Assign: the department's id.
    pub department_id: i64,
    /// Assign: difficulty id or label.
    pub difficulty: String,
    /// Rate: rating id or label.
    pub rating: String,
    /// The note, answer or comment.
    pub body: String,
}

/// One step in a problem's history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventView {
    /// Id (for the attachment link).
    pub id: i64,
    /// What happened (Chinese).
    pub kind: &'static str,
    /// Date.
    pub on_date: String,
    /// Text.
    pub body: String,
    /// Who.
    pub by: String,
    /// Attachment file name.
    pub attachment: Option<String>,
}

/// A problem as the ledger shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProblemView {
    /// Id.
    pub id: i64,
    /// 问题编号 (e.g. 2026-0012).
    pub number: String,
    /// Enterprise.
    pub enterprise_id: i64,
    /// Enterprise name.
    pub enterprise_name: String,
    /// County.
    pub county: String,
    /// Cluster.
    pub cluster: String,
    /// Category.
    pub category: String,
    /// Title.
    pub title: String,
    /// Text.
    pub description: String,
    /// Status.
    pub status: Status,
    /// Difficulty.
    pub difficulty: Option<Difficulty>,
    /// Department.
    pub department_id: Option<i64>,
    /// Department name.
    pub department: String,
    /// Filed on.
    pub filed_on: String,
    /// Assigned on.
    pub assigned_on: String,
    /// Deadline.
    pub deadline: String,
    /// Answered on.
    pub answered_on: String,
    /// Closed on.
    pub closed_on: String,
    /// The last rating.
    pub rating: Option<Rating>,
    /// Times sent back to the department.
    pub reopened: i64,
    /// With the department past its deadline.
    pub overdue: bool,
    /// Answered (last time) after its deadline.
    pub answered_late: bool,
    /// Version.
    pub version: i64,
    /// History (detail only).
    pub events: Vec<EventView>,
}

/// What the caller may do with one problem now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Steps {
    /// Assign it.
    pub assign: bool,
    /// Answer it.
    pub answer: bool,
    /// Rate the answer.
    pub rate: bool,
}

/// A problem's page: the problem, the caller's steps, the departments to assign to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProblemPage {
    /// The problem.
    pub problem: ProblemView,
    /// The caller's steps.
    pub steps: Steps,
    /// `(id, name)` of the departments.
    pub departments: Vec<(i64, String)>,
    /// The time limit of each difficulty in words: `(id, label, limit)`.
    pub limits: Vec<(&'static str, &'static str, String)>,
}

/// The ledger as a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ledger {
    /// The problems, open first.
    pub problems: Vec<ProblemView>,
    /// What the caller may do.
    pub rights: ServiceRights,
    /// Files for enterprises other than its own (cluster staff, the office): the form asks
    /// which.
    pub files_for_others: bool,
    /// Enterprises to pick from when filing for others: `(id, name)`; empty where the scope is
    /// too large, and the form asks for the credit code instead.
    pub enterprises: Vec<(i64, String)>,
    /// Shows the statistics per department (not on an enterprise's own ledger).
    pub shows_stats: bool,
}

pub(crate) fn problem_view(p: Problem, names: &Names, today: Date) -> ProblemView {
    let status = Status::parse(&p.status).unwrap_or(Status::Filed);
    let deadline = p.deadline.as_deref().and_then(|d| Date::parse(d).ok());
    let answered = p.answered_on.as_deref().and_then(|d| Date::parse(d).ok());
    let overdue = status == Status::Assigned && deadline.is_some_and(|d| today > d);
    let answered_late = matches!(status, Status::Answered | Status::Closed)
        && matches!((deadline, answered), (Some(d), Some(a)) if a > d);
    ProblemView {
        id: p.id,
        number: format!("{}-{:04}", &p.filed_on[..p.filed_on.len().min(4)], p.id),
        enterprise_id: p.enterprise_id,
        county: names.county(&p.region_code),
        cluster: names.cluster(p.cluster_id),
        enterprise_name: p.enterprise_name,
        category: p.category,
        title: p.title,
        description: p.description,
        status,
        difficulty: p.difficulty.as_deref().and_then(Difficulty::parse),
        department_id: p.department_id,
        department: p.department_name.unwrap_or_default(),
        filed_on: p.filed_on,
        assigned_on: p.assigned_on.unwrap_or_default(),
        deadline: p.deadline.unwrap_or_default(),
        answered_on: p.answered_on.unwrap_or_default(),
        closed_on: p.closed_on.unwrap_or_default(),
        rating: p.rating.as_deref().and_then(Rating::parse),
        reopened: p.reopened,
        overdue,
        answered_late,
        version: p.version,
        events: Vec::new(),
    }
}

fn event_kind(kind: &str) -> &'static str {
    match kind {
        "filed" => "提交问题",
        "assigned" => "交办",
        "answered" => "部门答复",
        "rated" => "企业评价",
        "reopened" => "退回重办",
        "closed" => "销号",
        _ => "其他",
    }
}

fn event_view(e: Event) -> EventView {
    EventView {
        id: e.id,
        kind: event_kind(&e.kind),
        on_date: e.on_date,
        body: e.body,
        by: e.by_name.unwrap_or_default(),
        attachment: e.attachment_name,
    }
}

/// The steps open to `actor` on `p` (the permission table and where the problem stands).
pub(crate) fn steps_for(actor: &Actor, p: &ProblemView) -> Steps {
    let r = service_rights(actor);
    Steps {
        assign: r.assigns && p.status == Status::Filed,
        answer: r.answers && p.status == Status::Assigned && actor.department_id == p.department_id,
        rate: r.rates && p.status == Status::Answered,
    }
}

fn check_attachment<'a>(
    attachment: Option<(&'a str, &'a [u8])>,
) -> Result<Option<(&'a str, &'a [u8])>, AppError> {
    match attachment {
        Some((name, bytes)) if bytes.len() > MAX_ATTACHMENT || name.trim().is_empty() => {
            Err(AppError::invalid(
                "file",
                format!("附件“{}”不能超过 5 MB，且须有文件名", name.trim()),
            ))
        }
        Some((_, [])) | None => Ok(None),
        Some((name, bytes)) => Ok(Some((name.trim(), bytes))),
    }
}

impl App {
    /// The filter of what `actor` may read: the enterprises of its scope; a department only the
    /// problems assigned to it.
    fn problem_filter(actor: &Actor) -> ProblemFilter {
        match actor.role {
            Role::Department => ProblemFilter {
                scope: Scope::All,
                department_id: Some(actor.department_id.unwrap_or(-1)),
            },
            _ => ProblemFilter {
                scope: actor.enterprise_scope(),
                department_id: None,
            },
        }
    }

    async fn service_reader(
        &self,
        actor: &Actor,
        action: &str,
        object: (&str, &str),
    ) -> Result<ServiceRights, AppError> {
        let rights = service_rights(actor);
        if !rights.reads {
            return Err(self.deny(actor, action, object, "不能查看企业问题台账").await);
        }
        Ok(rights)
    }

    /// The ledger of the caller's scope.
    pub async fn problems(&self, actor: &Actor) -> Result<Ledger, AppError> {
        let rights = self
            .service_reader(actor, "service.view", ("service_problem", ""))
            .await?;
        let names = self.names().await?;
        let mut c = self.store.read().await?;
        let rows = service_problems::list(&mut c, &Self::problem_filter(actor)).await?;
        let files_for_others = rights.files && actor.role != Role::Enterprise;
        let enterprises = if files_for_others {
            // A list to pick from where the scope is small (a cluster); the city types the code.
            let (rows, total) = enterprises::list(
                &mut c,
                &actor.enterprise_scope(),
                &enterprises::ListFilter::default(),
                enterprises::SortBy::Name,
                false,
                PICK_LIMIT,
                0,
            )
            .await?;
            if total <= PICK_LIMIT {
                rows.into_iter().map(|e| (e.id, e.name)).collect()
            } else {
                Vec::new()
            }
        } else {
            Vec::new()
        };
        let today = today();
        Ok(Ledger {
            problems: rows.into_iter().map(|p| problem_view(p, &names, today)).collect(),
            rights,
            files_for_others,
            enterprises,
            shows_stats: actor.role != Role::Enterprise,
        })
    }

    /// One problem with its history and the caller's steps.
    pub async fn problem(&self, actor: &Actor, id: i64) -> Result<ProblemPage, AppError> {
        self.service_reader(actor, "service.view", ("service_problem", &id.to_string()))
            .await?;
        let names = self.names().await?;
        let mut c = self.store.read().await?;
        let Some(p) = service_problems::get(&mut c, id, &Self::problem_filter(actor)).await? else {
            let exists = service_problems::get(
                &mut c,
                id,
                &ProblemFilter {
                    scope: Scope::All,
                    department_id: None,
                },
            )
            .await?
            .is_some();
            drop(c);
            return Err(if exists {
                self.deny(
                    actor,
                    "service.view",
                    ("service_problem", &id.to_string()),
                    "超出本账号的查看范围",
                )
                .await
            } else {
                AppError::NotFound("问题")
            });
        };
        let events = service_problems::events(&mut c, id).await?;
        let departments = departments::list(&mut c)
            .await?
            .into_iter()
            .map(|d| (d.id, d.name))
            .collect();
        let mut problem = problem_view(p, &names, today());
        problem.events = events.into_iter().map(event_view).collect();
        let limits = Difficulty::ALL
            .into_iter()
            .map(|d| (d.id(), d.label(), self.service.limit(d).describe()))
            .collect();
        Ok(ProblemPage {
            steps: steps_for(actor, &problem),
            problem,
            departments,
            limits,
        })
    }

    /// Files a problem: an enterprise for itself, cluster staff or the office for an enterprise
    /// of their scope.
    pub async fn file_problem(
        &self,
        actor: &Actor,
        form: &ProblemForm,
        attachment: Option<(&str, &[u8])>,
    ) -> Result<i64, AppError> {
        let rights = service_rights(actor);
        if !rights.files {
            return Err(self
                .deny(actor, "service.file", ("service_problem", ""), "不能提交企业问题")
                .await);
        }
        if actor.role != Role::Enterprise && form.enterprise_id <= 0 && form.credit_code.trim().is_empty() {
            return Err(AppError::invalid(
                "enterprise_id",
                "请选择企业或填写统一社会信用代码",
            ));
        }
        let mut c = self.store.read().await?;
        let enterprise_id = if actor.role == Role::Enterprise {
            actor.enterprise_id.unwrap_or(-1)
        } else if !form.credit_code.trim().is_empty() {
            let code = form.credit_code.trim().to_uppercase();
            match enterprises::get_by_code(&mut c, &code).await? {
                Some(e) => e.id,
                None => {
                    return Err(AppError::invalid(
                        "credit_code",
                        format!("统一社会信用代码“{code}”不在企业名录中"),
                    ));
                }
            }
        } else {
            form.enterprise_id
        };
        let enterprise = enterprises::get(&mut c, enterprise_id, &actor.enterprise_scope()).await?;
        drop(c);
        let Some(enterprise) = enterprise else {
            return Err(self
                .deny(
                    actor,
                    "service.file",
                    ("enterprise", &enterprise_id.to_string()),
                    "不能为该企业提交问题",
                )
                .await);
        };
        let mut problems = Vec::new();
        let category = form.category.trim();
        if !CATEGORIES.contains(&category) {
            problems.push(FieldError {
                field: "category",
                message: format!("问题类别“{category}”无效，应为：{}", CATEGORIES.join("、")),
            });
        }
        let title = form.title.trim();
        if title.is_empty() || title.chars().count() > 100 {
            problems.push(FieldError {
                field: "title",
                message: "请填写问题标题（不超过 100 字）".to_owned(),
            });
        }
        let description = form.description.trim();
        if description.is_empty() || description.chars().count() > 5000 {
            problems.push(FieldError {
                field: "description",
                message: "请写明问题的具体情况和诉求（不超过 5000 字）".to_owned(),
            });
        }
        let attachment = match check_attachment(attachment) {
            Ok(a) => a,
            Err(AppError::Invalid(mut e)) => {
                problems.append(&mut e);
                None
            }
            Err(e) => return Err(e),
        };
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let filed_on = today().to_string();
        let mut tx = self.store.begin().await?;
        let id = service_problems::insert(
            &mut tx,
            &NewProblem {
                enterprise_id: enterprise.id,
                category,
                title,
                description,
                filed_on: &filed_on,
            },
            attachment,
            Some(actor.user_id),
        )
        .await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "service.file",
            ("service_problem", &id.to_string()),
            json!({"enterprise": enterprise.name, "category": category, "title": title,
                   "attachment": attachment.map(|a| json!({"name": a.0, "bytes": a.1.len()}))}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(id)
    }

    /// Takes one step on a problem: `assign` (the office), `answer` (the department it is
    /// assigned to), `rate` (the enterprise; the office or cluster staff after a return visit).
    pub async fn problem_step(
        &self,
        actor: &Actor,
        id: i64,
        step: &str,
        form: &StepForm,
        attachment: Option<(&str, &[u8])>,
    ) -> Result<(), AppError> {
        let page = self.problem(actor, id).await?;
        let p = &page.problem;
        let allowed = match step {
            "assign" => service_rights(actor).assigns,
            "answer" => service_rights(actor).answers && actor.department_id == p.department_id,
            "rate" => service_rights(actor).rates,
            _ => return Err(AppError::NotFound("办理步骤")),
        };
        let action = format!("service.{step}");
        if !allowed {
            return Err(self
                .deny(
                    actor,
                    &action,
                    ("service_problem", &id.to_string()),
                    "无权办理该步骤",
                )
                .await);
        }
        let wrong = |now: Status| {
            AppError::invalid(
                "step",
                format!("该问题当前为“{}”，不能{}", now.label(), step_label(step)),
            )
        };
        let today = today();
        let body = form.body.trim();
        let attachment = check_attachment(attachment)?;
        let mut state = ProblemState {
            status: p.status.id(),
            difficulty: p.difficulty.map(|d| d.id().to_owned()),
            department_id: p.department_id,
            assigned_on: Some(p.assigned_on.clone()).filter(|s| !s.is_empty()),
            deadline: Some(p.deadline.clone()).filter(|s| !s.is_empty()),
            answered_on: Some(p.answered_on.clone()).filter(|s| !s.is_empty()),
            closed_on: None,
            rating: p.rating.map(|r| r.id().to_owned()),
            reopened: p.reopened,
        };
        let (kind, detail, event_dept) = match step {
            "assign" => {
                if p.status != Status::Filed {
                    return Err(wrong(p.status));
                }
                let mut problems = Vec::new();
                let dept = page.departments.iter().find(|(d, _)| *d == form.department_id);
                if dept.is_none() {
                    problems.push(FieldError {
                        field: "department_id",
                        message: "请选择承办部门".to_owned(),
                    });
                }
                let difficulty = Difficulty::parse(form.difficulty.trim());
                if difficulty.is_none() {
                    problems.push(FieldError {
                        field: "difficulty",
                        message: format!("问题难度“{}”无效", form.difficulty.trim()),
                    });
                }
                let (Some((dept, dept_name)), Some(difficulty)) = (dept, difficulty) else {
                    return Err(AppError::Invalid(problems));
                };
                let calendar = self.work_calendar().await?;
                let deadline = self.service.limit(difficulty).deadline(today, &calendar);
                state.status = Status::Assigned.id();
                state.difficulty = Some(difficulty.id().to_owned());
                state.department_id = Some(*dept);
                state.assigned_on = Some(today.to_string());
                state.deadline = Some(deadline.to_string());
                (
                    "assigned",
                    json!({"department": dept_name, "difficulty": difficulty.label(), "deadline": deadline.to_string()}),
                    Some(*dept),
                )
            }
            "answer" => {
                if p.status != Status::Assigned {
                    return Err(wrong(p.status));
                }
                if body.is_empty() {
                    return Err(AppError::invalid("body", "请写明办理结果和答复意见"));
                }
                state.status = Status::Answered.id();
                state.answered_on = Some(today.to_string());
                ("answered", json!({"late": p.overdue}), p.department_id)
            }
            _ => {
                if p.status != Status::Answered {
                    return Err(wrong(p.status));
                }
                let Some(rating) = Rating::parse(form.rating.trim()) else {
                    return Err(AppError::invalid(
                        "rating",
                        format!("评价“{}”无效，应为满意、基本满意或不满意", form.rating.trim()),
                    ));
                };
                if !rating.closes() && body.is_empty() {
                    return Err(AppError::invalid("body", "不满意时请写明仍未解决的问题"));
                }
                state.rating = Some(rating.id().to_owned());
                if rating.closes() {
                    state.status = Status::Closed.id();
                    state.closed_on = Some(today.to_string());
                } else {
                    // Back to the same department with a fresh limit of the same difficulty.
                    let calendar = self.work_calendar().await?;
                    let difficulty = p.difficulty.unwrap_or(Difficulty::Simple);
                    state.status = Status::Assigned.id();
                    state.reopened += 1;
                    state.assigned_on = Some(today.to_string());
                    state.deadline = Some(
                        self.service
                            .limit(difficulty)
                            .deadline(today, &calendar)
                            .to_string(),
                    );
                }
                let kind = if rating.closes() { "closed" } else { "reopened" };
                (
                    kind,
                    json!({"rating": rating.label(), "on_behalf": actor.role != Role::Enterprise}),
                    p.department_id,
                )
            }
        };
        let text = if step == "rate" {
            let rating = state
                .rating
                .as_deref()
                .and_then(Rating::parse)
                .map_or("", Rating::label);
            let who = if actor.role == Role::Enterprise {
                String::new()
            } else {
                "（回访记录）".to_owned()
            };
            if body.is_empty() {
                format!("{rating}{who}")
            } else {
                format!("{rating}{who}：{body}")
            }
        } else {
            body.to_owned()
        };
        let on_date = today.to_string();
        let mut tx = self.store.begin().await?;
        service_problems::advance(
            &mut tx,
            id,
            form.version,
            &state,
            &NewEvent {
                kind,
                on_date: &on_date,
                body: &text,
                department_id: event_dept,
                attachment,
            },
            Some(actor.user_id),
        )
        .await?;
        let mut detail = detail;
        detail["title"] = json!(p.title);
        detail["enterprise"] = json!(p.enterprise_name);
        write(
            &mut tx,
            Who::Actor(actor),
            &action,
            ("service_problem", &id.to_string()),
            detail,
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// An attachment of a problem's step, for whoever may read the problem: `(name, bytes)`.
    /// Audited as an export.
    pub async fn problem_attachment(
        &self,
        actor: &Actor,
        event_id: i64,
    ) -> Result<(String, Vec<u8>), AppError> {
        let mut c = self.store.read().await?;
        let file = service_problems::attachment(&mut c, event_id).await?;
        drop(c);
        let Some((problem, name, bytes)) = file else {
            return Err(AppError::NotFound("附件"));
        };
        self.problem(actor, problem).await?;
        let mut tx = self.store.begin().await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "service.attachment",
            ("service_problem", &problem.to_string()),
            json!({"name": name, "bytes": bytes.len()}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok((name, bytes))
    }
}

fn step_label(step: &str) -> &'static str {
    match step {
        "assign" => "交办",
        "answer" => "答复",
        _ => "评价",
    }
}
