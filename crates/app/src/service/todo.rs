//! What the problem ledger and the key-task tracker ask of the caller, for its cockpit or home:
//! problems waiting for the office, problems with a department (overdue flagged), answers
//! waiting for the enterprise's rating, and task reports due or missing.

use super::{Status, service_rights};
use crate::cockpit::Todo;
use crate::tasks::task_rights;
use crate::{Actor, App, AppError, Role};

impl App {
    /// The caller's to-do items from enterprise service and the tracker, overdue first.
    pub async fn service_todo(&self, actor: &Actor) -> Result<Vec<Todo>, AppError> {
        let mut out = Vec::new();
        let rights = service_rights(actor);
        if rights.reads {
            let ledger = self.problems(actor).await?;
            let waiting = ledger
                .problems
                .iter()
                .filter(|p| p.status == Status::Filed)
                .count();
            if rights.assigns && waiting > 0 {
                out.push(Todo {
                    text: format!("企业反映问题 {waiting} 件待交办"),
                    href: "/service/problems".into(),
                    overdue: false,
                });
            }
            for p in &ledger.problems {
                let mine = match actor.role {
                    Role::Department => p.status == Status::Assigned,
                    Role::Enterprise => p.status == Status::Answered,
                    _ => false,
                };
                if !mine {
                    continue;
                }
                let text = if actor.role == Role::Enterprise {
                    format!("“{}”已答复，请评价", p.title)
                } else {
                    let again = if p.reopened > 0 { "（退回重办）" } else { "" };
                    format!(
                        "企业问题：{}“{}”{again}，期限 {}",
                        p.enterprise_name, p.title, p.deadline
                    )
                };
                out.push(Todo {
                    text,
                    href: format!("/service/problems/{}", p.id),
                    overdue: p.overdue,
                });
            }
            if rights.assigns {
                let overdue = ledger.problems.iter().filter(|p| p.overdue).count();
                if overdue > 0 {
                    out.push(Todo {
                        text: format!("承办部门逾期未答复的企业问题 {overdue} 件"),
                        href: "/service/problems?show=flagged".into(),
                        overdue: true,
                    });
                }
            }
        }
        if task_rights(actor).reads && matches!(actor.role, Role::CityAdmin | Role::Department | Role::County)
        {
            let tracker = self.plan_tasks(actor).await?;
            let mut c = self.store.read().await?;
            let units = mujun_store::plan_tasks::units(&mut c).await?;
            drop(c);
            for t in tracker.sections.iter().flat_map(|(_, l)| l) {
                if t.done {
                    continue;
                }
                let task_units: Vec<_> = units.iter().filter(|u| u.task_id == t.id).cloned().collect();
                let rel = crate::tasks::relation(actor, &task_units);
                // The city answers for the table as a whole: only its own (发改委) tasks here.
                let leads = if actor.role == Role::CityAdmin {
                    t.lead_units
                        .iter()
                        .any(|u| crate::tasks::table::department_code(u) == Some("development"))
                } else {
                    rel.lead
                };
                if !leads {
                    continue;
                }
                if !t.missing.is_empty() {
                    let periods: Vec<&str> = t.missing.iter().map(|m| m.1.as_str()).collect();
                    out.push(Todo {
                        text: format!("重点任务“{}”：{} 进展逾期未报", t.title, periods.join("、")),
                        href: format!("/tasks/{}", t.id),
                        overdue: true,
                    });
                }
            }
            if actor.role == Role::CityAdmin && tracker.overdue > 0 {
                out.push(Todo {
                    text: format!("重点任务 {} 项逾期未报进展（全表）", tracker.overdue),
                    href: "/tasks".into(),
                    overdue: true,
                });
            }
        }
        out.sort_by_key(|t| !t.overdue);
        Ok(out)
    }
}
