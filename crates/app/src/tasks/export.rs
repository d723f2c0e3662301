//! The tracker as the 督查 workbook: one row per task with its units, cadence, the latest report
//! of the lead units, the co-operating units' parts, and the periods missing. Audited.

use mujun_batch::TableCell::{Integer, Text};
use serde_json::json;

use crate::download::Download;
use crate::{Actor, App, AppError};

impl App {
    /// 重点任务督查表.xlsx.
    pub async fn export_plan_tasks(&self, actor: &Actor) -> Result<Download, AppError> {
        let tracker = self.plan_tasks(actor).await?;
        if !tracker.rights.exports {
            return Err(self
                .deny(actor, "tasks.export", ("plan_task", ""), "不能导出督查表")
                .await);
        }
        let mut rows = Vec::new();
        for (heading, tasks) in &tracker.sections {
            for t in tasks {
                let latest = t.latest.as_ref();
                rows.push(vec![
                    Text(heading.clone()),
                    Integer(Some(t.seq)),
                    Text(t.title.clone()),
                    Text(t.lead_text.clone()),
                    Text(t.co_text.clone()),
                    Text(t.cadence.label().to_owned()),
                    Text(t.state().label().to_owned()),
                    Text(latest.map(|r| r.period_label.clone()).unwrap_or_default()),
                    Text(latest.map(|r| r.unit.clone()).unwrap_or_default()),
                    Text(latest.map(|r| r.status.label().to_owned()).unwrap_or_default()),
                    Text(latest.map(|r| r.body.clone()).unwrap_or_default()),
                    Text(latest.map(|r| r.reported_on.clone()).unwrap_or_default()),
                    Text(
                        t.parts
                            .iter()
                            .map(|p| format!("{}（{}）：{}", p.unit, p.period_label, p.body))
                            .collect::<Vec<_>>()
                            .join("\n"),
                    ),
                    Text(
                        t.missing
                            .iter()
                            .map(|m| m.1.clone())
                            .collect::<Vec<_>>()
                            .join("、"),
                    ),
                ]);
            }
        }
        let headers = [
            "任务类别",
            "序号",
            "专项工作",
            "牵头部门",
            "配合部门",
            "报送周期",
            "状态",
            "最近报送期次",
            "报送单位",
            "进展情况",
            "工作进展",
            "报送日期",
            "配合单位进展",
            "逾期未报期次",
        ];
        self.list_export(
            actor,
            "tasks.export",
            "plan_task",
            "重点任务督查表",
            &headers,
            rows,
            "重点任务督查表.xlsx".to_owned(),
            json!({"document": tracker.document}),
        )
        .await
    }
}
