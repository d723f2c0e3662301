//! Demo data of the tracker: the 附件 table tracked from a year back, the lead units' reports
//! of the past quarters (some behind schedule), the parts of co-operating units, one task done
//! and a few with the last quarter missing, so the table shows every state.

use mujun_domain::Date;
use mujun_store::plan_tasks::{self, NewReport};
use mujun_store::users;

use super::ReportStatus;
use super::period::{Cadence, periods};
use super::tracker::preload;
use crate::AppError;

const TEXTS: [&str; 4] = [
    "已召开专题推进会，明确各县区责任分工，完成阶段目标。",
    "完成年度工作方案编制，重点项目按节点推进。",
    "受资金和审批进度影响，部分事项进度滞后，已制定追赶措施。",
    "对照任务清单逐项落实，本期目标全部完成。",
];

/// Seeds the tracker for the demo.
pub(crate) async fn seed(conn: &mut sqlx::AnyConnection, today: Date) -> Result<(), AppError> {
    let from = today.plus_days(-400).unwrap_or(today);
    if preload(conn, Cadence::Quarterly, from).await? == 0 {
        return Ok(());
    }
    let city = users::get_by_username(conn, "city").await?.map(|u| u.id);
    let tax = users::get_by_username(conn, "tax").await?;
    let yicheng = users::get_by_username(conn, "yicheng").await?.map(|u| u.id);
    let units = plan_tasks::units(conn).await?;
    let tasks = plan_tasks::list(conn).await?;
    let current = Cadence::Quarterly.of(today);
    let past: Vec<_> = periods(Cadence::Quarterly, from, today)
        .into_iter()
        .filter(|p| *p != current)
        .collect();
    for (i, t) in tasks.iter().enumerate() {
        let lead = units
            .iter()
            .find(|u| u.task_id == t.id && u.lead == 1)
            .map_or("市发改委", |u| u.name.as_str());
        for (j, p) in past.iter().enumerate() {
            let last = j + 1 == past.len();
            // Tasks 4, 11 and 17 miss the last quarter's report.
            if last && matches!(i, 4 | 11 | 17) {
                continue;
            }
            let status = if last && matches!(i, 2 | 9) {
                ReportStatus::Behind
            } else if last && i == 0 {
                ReportStatus::Done
            } else {
                ReportStatus::OnTrack
            };
            let on = p.last_day().plus_days(3).unwrap_or(p.last_day());
            plan_tasks::add_report(
                conn,
                &NewReport {
                    task_id: t.id,
                    period: &p.id(),
                    lead: true,
                    unit: lead,
                    department_id: None,
                    region_code: None,
                    status: status.id(),
                    body: TEXTS[if status == ReportStatus::Behind {
                        2
                    } else {
                        (i + j) % 2
                    }],
                    reported_on: &on.min(today).to_string(),
                    attachment: None,
                },
                city,
            )
            .await?;
        }
        // Co-operating parts: the tax department and 驿城区 where they take part.
        if let Some(p) = past.last() {
            let on = p
                .last_day()
                .plus_days(2)
                .unwrap_or(p.last_day())
                .min(today)
                .to_string();
            for u in units.iter().filter(|u| u.task_id == t.id && u.lead == 0) {
                let (who, name, dept, region) = match (&tax, u.counties) {
                    (Some(tax), 0) if u.department_id == tax.department_id => {
                        (Some(tax.id), u.name.as_str(), tax.department_id, None)
                    }
                    (_, 1) => (yicheng, "驿城区人民政府", None, Some("411702")),
                    _ => continue,
                };
                plan_tasks::add_report(
                    conn,
                    &NewReport {
                        task_id: t.id,
                        period: &p.id(),
                        lead: false,
                        unit: name,
                        department_id: dept,
                        region_code: region,
                        status: ReportStatus::OnTrack.id(),
                        body: "配合牵头单位完成本期工作，相关数据和材料已报送。",
                        reported_on: &on,
                        attachment: None,
                    },
                    who,
                )
                .await?;
            }
        }
        if i == 0 {
            plan_tasks::set_settings(conn, t.id, t.version, Cadence::Quarterly.id(), true).await?;
        }
    }
    Ok(())
}
