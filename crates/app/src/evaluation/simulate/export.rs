//! Kept scenarios side by side as a workbook: one sheet per table of the comparison page
//! (classes with land and tax, pools, policy measures, enterprises that change). Audited.

use mujun_batch::TableCell::{self, Integer, Number, Text};
use mujun_batch::{TableFormat, TableWriter};
use serde_json::json;

use super::Simulation;
use crate::download::{Content, Download, XLSX};
use crate::{Actor, App, AppError};

fn refs(h: &[String]) -> Vec<&str> {
    h.iter().map(String::as_str).collect()
}

fn workbook(sim: &Simulation) -> Result<mujun_batch::TableFile, mujun_batch::BatchError> {
    let labels: Vec<&str> = sim.columns.iter().map(|c| c.label.as_str()).collect();
    let headers = |first: &[&str], per: &[&str]| -> Vec<String> {
        let mut h: Vec<String> = first.iter().map(|s| (*s).to_owned()).collect();
        for l in &labels {
            for p in per {
                h.push(format!("{l}：{p}"));
            }
        }
        h
    };

    let h = headers(
        &["类别"],
        &[
            "企业数",
            "用地面积（亩）",
            "实缴税收（万元）",
            "亩均税收（万元/亩）",
        ],
    );
    let mut w = TableWriter::new(TableFormat::Xlsx, "类别汇总", &refs(&h))?;
    for line in &sim.class_lines {
        let mut row = vec![Text(line.label.clone())];
        for c in &line.cells {
            row.extend([
                Integer(Some(c.enterprises as i64)),
                Number(Some(c.land_area_mu)),
                Number(Some(c.tax_paid)),
                Number(c.tax_per_mu()),
            ]);
        }
        w.row(&row)?;
    }

    let classes: Vec<String> = sim.classes.iter().map(|c| format!("{c} 类")).collect();
    let h = headers(&["排名池"], &refs(&classes));
    w.next_table("各排名池", &refs(&h))?;
    for p in &sim.pools {
        let mut row = vec![Text(p.name.clone())];
        for per in &p.counts {
            row.extend(per.iter().map(|n| Integer(Some(*n as i64))));
        }
        w.row(&row)?;
    }

    let h = headers(&["政策措施", "适用类别", "单位"], &["企业数", "金额或数量"]);
    w.next_table("政策影响", &refs(&h))?;
    for p in &sim.policies {
        let mut row = vec![Text(p.title.clone()), Text(p.class.clone()), Text(p.unit.clone())];
        for (n, amount) in &p.cells {
            row.extend([Integer(Some(*n as i64)), Number(*amount)]);
        }
        w.row(&row)?;
    }

    let h = headers(&["企业名称", "排名池"], &["类别", "总分", "定档依据"]);
    w.next_table("类别变化的企业", &refs(&h))?;
    for ch in &sim.changes {
        let mut row: Vec<TableCell> = vec![Text(ch.name.clone()), Text(ch.pool.clone())];
        for ((class, total), reason) in ch.classes.iter().zip(&ch.totals).zip(&ch.reasons) {
            row.extend([
                Text(super::super::format::class_label(class)),
                Number(*total),
                Text(reason.clone()),
            ]);
        }
        w.row(&row)?;
    }
    w.finish()
}

impl App {
    /// 方案对比.xlsx: kept scenarios side by side with the run's method.
    pub async fn export_scenarios(
        &self,
        actor: &Actor,
        run_id: i64,
        ids: &[i64],
    ) -> Result<Download, AppError> {
        let sim = self.compare_scenarios(actor, run_id, ids).await?;
        let (file, sim) = self
            .cpu(move || {
                let f = workbook(&sim).map_err(|e| AppError::Internal(format!("导出文件写入失败：{e}")));
                (f, sim)
            })
            .await?;
        let file = file?;
        self.audit_export(
            crate::audit::Who::Actor(actor),
            "run.export_scenarios",
            run_id,
            json!({"scenarios": ids, "changes": sim.changes.len()}),
        )
        .await?;
        Ok(Download {
            file_name: format!("{}年度评价方法模拟对比-批次{}.xlsx", sim.year, run_id),
            content_type: XLSX,
            content: Content::File(file),
        })
    }
}
