//! Statistics of the problem ledger per department (交办、办结、按期、逾期、退回、满意), and the
//! ledger as a workbook for the office's monthly report.

use mujun_batch::TableCell::{Integer, Text};
use serde_json::json;

use super::Status;
use super::problems::ProblemView;
use crate::download::Download;
use crate::{Actor, App, AppError};

/// One department's figures.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DepartmentStats {
    /// Department name.
    pub department: String,
    /// Problems assigned to it (ever).
    pub assigned: usize,
    /// Still with it.
    pub open: usize,
    /// Of those, past the deadline.
    pub overdue: usize,
    /// Answered (now waiting for a rating, or closed).
    pub answered: usize,
    /// Answered after the deadline.
    pub answered_late: usize,
    /// Closed (销号).
    pub closed: usize,
    /// Sent back at least once.
    pub reopened: usize,
    /// Closed with 满意.
    pub satisfied: usize,
}

impl DepartmentStats {
    /// Answered on time as a percentage of answered, one decimal (`—` when none answered).
    pub fn on_time(&self) -> String {
        percent(self.answered - self.answered_late, self.answered)
    }

    /// 满意 as a percentage of closed (`—` when none closed).
    pub fn satisfaction(&self) -> String {
        percent(self.satisfied, self.closed)
    }
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        "—".to_owned()
    } else {
        format!("{:.1}%", part as f64 * 100.0 / whole as f64)
    }
}

/// The figures per department (departments in order of name), and the problems still waiting
/// for the office.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Per department.
    pub departments: Vec<DepartmentStats>,
    /// Filed and not yet assigned.
    pub waiting: usize,
    /// All problems.
    pub total: usize,
}

/// Tallies problems per department.
pub fn tally(problems: &[ProblemView]) -> Stats {
    let mut by: std::collections::BTreeMap<String, DepartmentStats> = std::collections::BTreeMap::new();
    let mut waiting = 0;
    for p in problems {
        if p.status == Status::Filed {
            waiting += 1;
            continue;
        }
        let d = by.entry(p.department.clone()).or_insert_with(|| DepartmentStats {
            department: p.department.clone(),
            ..DepartmentStats::default()
        });
        d.assigned += 1;
        match p.status {
            Status::Assigned => {
                d.open += 1;
                d.overdue += usize::from(p.overdue);
            }
            Status::Answered | Status::Closed => {
                d.answered += 1;
                d.answered_late += usize::from(p.answered_late);
                if p.status == Status::Closed {
                    d.closed += 1;
                    d.satisfied += usize::from(p.rating == Some(super::Rating::Satisfied));
                }
            }
            Status::Filed => {}
        }
        d.reopened += usize::from(p.reopened > 0);
    }
    Stats {
        departments: by.into_values().collect(),
        waiting,
        total: problems.len(),
    }
}

impl App {
    /// The statistics of the caller's ledger.
    pub async fn problem_stats(&self, actor: &Actor) -> Result<Stats, AppError> {
        Ok(tally(&self.problems(actor).await?.problems))
    }

    /// 企业问题台账.xlsx: every problem of the caller's scope with its state. Audited.
    pub async fn export_problems(&self, actor: &Actor) -> Result<Download, AppError> {
        let ledger = self.problems(actor).await?;
        let rows = ledger
            .problems
            .into_iter()
            .map(|p| {
                let mut flags = Vec::new();
                if p.overdue {
                    flags.push("逾期");
                }
                if p.answered_late {
                    flags.push("逾期答复");
                }
                if p.reopened > 0 {
                    flags.push("曾退回");
                }
                vec![
                    Text(p.number),
                    Text(p.enterprise_name),
                    Text(p.county),
                    Text(p.cluster),
                    Text(p.category),
                    Text(p.title),
                    Text(p.filed_on),
                    Text(p.department),
                    Text(
                        p.difficulty
                            .map(super::Difficulty::label)
                            .unwrap_or_default()
                            .to_owned(),
                    ),
                    Text(p.assigned_on),
                    Text(p.deadline),
                    Text(p.answered_on),
                    Text(p.status.label().to_owned()),
                    Text(p.rating.map(super::Rating::label).unwrap_or_default().to_owned()),
                    Integer(Some(p.reopened)),
                    Text(p.closed_on),
                    Text(flags.join("、")),
                ]
            })
            .collect();
        let headers = [
            "问题编号",
            "企业名称",
            "县（市、区）",
            "产业集聚区",
            "问题类别",
            "问题",
            "提交日期",
            "承办部门",
            "问题难度",
            "交办日期",
            "办理期限",
            "答复日期",
            "状态",
            "企业评价",
            "退回次数",
            "销号日期",
            "提示",
        ];
        self.list_export(
            actor,
            "service.export",
            "service_problem",
            "企业问题台账",
            &headers,
            rows,
            "企业问题台账.xlsx".to_owned(),
            json!({}),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::{Difficulty, Rating};

    fn p(
        dept: &str,
        status: Status,
        overdue: bool,
        late: bool,
        reopened: i64,
        rating: Option<Rating>,
    ) -> ProblemView {
        ProblemView {
            id: 1,
            number: String::new(),
            enterprise_id: 1,
            enterprise_name: String::new(),
            county: String::new(),
            cluster: String::new(),
            category: String::new(),
            title: String::new(),
            description: String::new(),
            status,
            difficulty: Some(Difficulty::Simple),
            department_id: None,
            department: dept.to_owned(),
            filed_on: String::new(),
            assigned_on: String::new(),
            deadline: String::new(),
            answered_on: String::new(),
            closed_on: String::new(),
            rating,
            reopened,
            overdue,
            answered_late: late,
            version: 1,
            events: Vec::new(),
        }
    }

    #[test]
    fn every_problem_counts_once_for_its_department() {
        let s = tally(&[
            p("", Status::Filed, false, false, 0, None),
            p("税务局", Status::Assigned, true, false, 0, None),
            p(
                "税务局",
                Status::Assigned,
                false,
                false,
                1,
                Some(Rating::Unsatisfied),
            ),
            p("税务局", Status::Closed, false, true, 0, Some(Rating::Satisfied)),
            p("税务局", Status::Closed, false, false, 1, Some(Rating::Basic)),
            p("水利局", Status::Answered, false, false, 0, None),
        ]);
        assert_eq!((s.total, s.waiting), (6, 1));
        let tax = s.departments.iter().find(|d| d.department == "税务局").unwrap();
        assert_eq!(
            (
                tax.assigned,
                tax.open,
                tax.overdue,
                tax.answered,
                tax.answered_late,
                tax.closed,
                tax.reopened,
                tax.satisfied
            ),
            (4, 2, 1, 2, 1, 2, 2, 1)
        );
        assert_eq!(tax.on_time(), "50.0%");
        assert_eq!(tax.satisfaction(), "50.0%");
        let water = s.departments.iter().find(|d| d.department == "水利局").unwrap();
        assert_eq!((water.answered, water.closed), (1, 0));
        assert_eq!(water.satisfaction(), "—");
    }
}
