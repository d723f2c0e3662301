//! Deadlines of the land work the caller is responsible for — open case steps and disposal
//! plans — for its to-do list and cockpit, overdue ones flagged.

use mujun_domain::Date;
use mujun_land::cases::CaseKind;

use super::today;
use crate::{Actor, App, AppError, Role};

/// One deadline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LandDeadline {
    /// What is due, in words.
    pub what: String,
    /// Due date.
    pub due: String,
    /// Past due.
    pub overdue: bool,
    /// Where to act.
    pub href: String,
}

impl App {
    /// The land deadlines the caller answers for, soonest first: idle cases for the land keepers,
    /// exit cases for counties and clusters, disposal plans for whoever plans them, and an
    /// enterprise's own cases (what it must answer or pay by).
    pub async fn land_deadlines(&self, actor: &Actor) -> Result<Vec<LandDeadline>, AppError> {
        let rights = self.land_rights(actor).await?;
        if !rights.reads {
            return Ok(Vec::new());
        }
        let today = today();
        let overdue = |d: &str| Date::parse(d).is_ok_and(|d| today > d);
        let mut out = Vec::new();
        let enterprise = actor.role == Role::Enterprise;
        for kind in [CaseKind::Idle, CaseKind::Exit] {
            let mine = match kind {
                CaseKind::Idle => rights.handles_idle,
                CaseKind::Exit => rights.handles_exit,
            };
            if !(mine || enterprise) {
                continue;
            }
            for c in self.land_cases(actor, kind).await? {
                if c.closed || c.deadline.is_empty() {
                    continue;
                }
                out.push(LandDeadline {
                    what: format!(
                        "{}：{}（{}）{}",
                        c.kind, c.enterprise_name, c.certificate_no, c.status
                    ),
                    overdue: overdue(&c.deadline),
                    due: c.deadline,
                    href: format!("/land/cases/{}", c.id),
                });
            }
        }
        if rights.plans_disposal {
            let mut conn = self.store.read().await?;
            for p in mujun_store::disposal_plans::plans(&mut conn, &rights.scope).await? {
                if p.done == 1 {
                    continue;
                }
                out.push(LandDeadline {
                    what: format!(
                        "低效用地处置：宗地 {}（{}）",
                        p.certificate_no, p.responsible_unit
                    ),
                    overdue: overdue(&p.deadline),
                    due: p.deadline,
                    href: format!("/land/plans/{}", p.id),
                });
            }
        }
        out.sort_by(|a, b| a.due.cmp(&b.due));
        Ok(out)
    }
}
