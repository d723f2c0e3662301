//! Downloads of a run — the result workbook (the same sheets as `mujun evaluate`), the input
//! snapshot (to reproduce the run with the CLI), the ranking of a scope, the public list and
//! the executing departments' policy lists. Every export is written to the audit trail.

use mujun_batch::{BatchInput, TableCell, results_xlsx_bytes, table_xlsx};
use mujun_engine::{Adjustment, Method};
use mujun_store::StoreError;
use mujun_store::runs::{self, ResultFilter, ResultSort};
use serde_json::json;

use super::policies::DepartmentListRow;
use super::snapshot;
use crate::audit::{Who, write};
use crate::{Actor, App, AppError};

/// A file to download.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Download {
    /// File name (Chinese allowed).
    pub file_name: String,
    /// MIME type.
    pub content_type: &'static str,
    /// Content.
    pub bytes: Vec<u8>,
}

/// The MIME type of xlsx.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

impl App {
    pub(crate) async fn audit_export(
        &self,
        who: Who<'_>,
        action: &str,
        run_id: i64,
        detail: serde_json::Value,
    ) -> Result<(), AppError> {
        let mut tx = self.store.begin().await?;
        write(
            &mut tx,
            who,
            action,
            ("evaluation_run", &run_id.to_string()),
            detail,
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// The result workbook: the run's snapshot evaluated again with its method and adjustments
    /// and written exactly as `mujun evaluate --output x.xlsx` writes it (city administrator).
    pub async fn export_results(&self, actor: &Actor, run_id: i64) -> Result<Download, AppError> {
        if !Self::runs_evaluations(actor) {
            return Err(self
                .deny(
                    actor,
                    "run.export",
                    ("evaluation_run", &run_id.to_string()),
                    "仅市级评价管理员可以导出全部结果",
                )
                .await);
        }
        let (run, _, _) = self.readable_run(actor, run_id, "run.export").await?;
        let mut c = self.store.read().await?;
        let rows = runs::inputs(&mut c, run_id).await?;
        let adjustments = runs::adjustments(&mut c, run_id).await?;
        drop(c);
        let year = run.year;
        let source = run.method_source.clone();
        let bytes = tokio::task::spawn_blocking(move || {
            let method = Method::parse(&source)?;
            let input = snapshot::to_engine(year, &rows)?;
            let adj: Vec<Adjustment> = adjustments
                .iter()
                .filter_map(|a| {
                    let r = rows.iter().find(|r| r.enterprise_id == a.enterprise_id)?;
                    Some(Adjustment {
                        credit_code: mujun_domain::CreditCode::parse_lenient(&r.credit_code).ok()?.0,
                        class: a.class.clone(),
                        reason: a.reason.clone(),
                    })
                })
                .collect();
            let eval = mujun_engine::evaluate(&method, &input, &adj)?;
            let names: Vec<String> = rows.iter().map(|r| r.name.clone()).collect();
            let batch = BatchInput::from_parts(input, &names);
            results_xlsx_bytes("评价结果.xlsx", &method, &batch, &eval)
                .map_err(|e| AppError::invalid("export", e.to_string()))
        })
        .await
        .map_err(|e| AppError::invalid("export", format!("导出异常终止：{e}")))??;
        self.audit_export(
            Who::Actor(actor),
            "run.export_results",
            run_id,
            json!({"bytes": bytes.len()}),
        )
        .await?;
        Ok(Download {
            file_name: format!("{}年度评价结果-批次{}.xlsx", run.year, run.id),
            content_type: XLSX,
            bytes,
        })
    }

    /// The input snapshot as CSV in the format `mujun evaluate` reads, and the method file
    /// beside it: `mujun evaluate --method <file> --input <csv>` gives the same results and
    /// input hash (city administrator).
    pub async fn export_snapshot(
        &self,
        actor: &Actor,
        run_id: i64,
    ) -> Result<(Download, Download), AppError> {
        if !Self::runs_evaluations(actor) {
            return Err(self
                .deny(
                    actor,
                    "run.export",
                    ("evaluation_run", &run_id.to_string()),
                    "仅市级评价管理员可以导出评价数据",
                )
                .await);
        }
        let (run, _, _) = self.readable_run(actor, run_id, "run.export").await?;
        let mut c = self.store.read().await?;
        let rows = runs::inputs(&mut c, run_id).await?;
        drop(c);
        let csv = snapshot::to_csv(&rows)?;
        self.audit_export(
            Who::Actor(actor),
            "run.export_snapshot",
            run_id,
            json!({"rows": rows.len(), "input_hash": run.input_hash}),
        )
        .await?;
        Ok((
            Download {
                file_name: format!("{}年度评价数据-批次{}.csv", run.year, run.id),
                content_type: "text/csv; charset=utf-8",
                bytes: csv,
            },
            Download {
                file_name: format!("{}.toml", run.method_id),
                content_type: "application/toml; charset=utf-8",
                bytes: run.method_source.into_bytes(),
            },
        ))
    }

    /// The ranking within the caller's scope as xlsx (county and cluster officers download
    /// their own enterprises this way).
    pub async fn export_ranking(
        &self,
        actor: &Actor,
        run_id: i64,
        filter: &ResultFilter,
    ) -> Result<Download, AppError> {
        let (run, _, scope) = self.readable_run(actor, run_id, "run.export").await?;
        let mut c = self.store.read().await?;
        let (rows, _) =
            runs::ranking(&mut c, run_id, &scope, filter, ResultSort::Rank, 1, i64::MAX / 2).await?;
        drop(c);
        let headers = [
            "统一社会信用代码",
            "企业名称",
            "县区",
            "产业集聚区",
            "行业代码",
            "评价组",
            "排名池",
            "排名",
            "参与排名企业数",
            "用地面积（亩）",
            "实缴税收（万元）",
            "亩均税收（万元/亩）",
            "总分",
            "计算类别",
            "最终类别",
            "定档依据",
        ];
        let table: Vec<Vec<TableCell>> = rows
            .iter()
            .map(|r| {
                let per_mu = match (r.tax_paid, r.land_area_mu) {
                    (Some(t), Some(l)) if l > 0.0 => Some(t / l),
                    _ => None,
                };
                vec![
                    TableCell::Text(r.credit_code.clone()),
                    TableCell::Text(r.name.clone()),
                    TableCell::Text(r.region_code.clone()),
                    TableCell::Text(r.cluster.clone().unwrap_or_default()),
                    TableCell::Text(r.industry_code.clone()),
                    TableCell::Text(r.group_id.clone()),
                    TableCell::Text(r.pool.clone()),
                    TableCell::Number(r.rank.map(|x| x as f64)),
                    TableCell::Number(r.pool_size.map(|x| x as f64)),
                    TableCell::Number(r.land_area_mu),
                    TableCell::Number(r.tax_paid),
                    TableCell::Number(per_mu),
                    TableCell::Number(r.total),
                    TableCell::Text(r.computed_class.clone()),
                    TableCell::Text(r.final_class.clone()),
                    TableCell::Text(r.class_reason.clone()),
                ]
            })
            .collect();
        let bytes =
            table_xlsx("排名", &headers, &table).map_err(|e| AppError::invalid("export", e.to_string()))?;
        self.audit_export(
            Who::Actor(actor),
            "run.export_ranking",
            run_id,
            json!({"rows": rows.len()}),
        )
        .await?;
        Ok(Download {
            file_name: format!("{}年度评价排名-批次{}.xlsx", run.year, run.id),
            content_type: XLSX,
            bytes,
        })
    }

    /// The public list of a run under notice or published, as xlsx (no login; audited with
    /// the client address).
    pub async fn export_public_list(&self, run_id: i64, ip: &str) -> Result<Download, AppError> {
        let (run, lines, _) = self.public_list(run_id, None, None, 1, i64::MAX / 2).await?;
        let table: Vec<Vec<TableCell>> = lines
            .iter()
            .map(|l| {
                vec![
                    TableCell::Text(l.credit_code.clone()),
                    TableCell::Text(l.name.clone()),
                    TableCell::Text(
                        mujun_domain::RegionCode::parse(&l.region_code)
                            .ok()
                            .and_then(|r| r.zhumadian_name())
                            .unwrap_or(&l.region_code)
                            .to_owned(),
                    ),
                    TableCell::Text(l.cluster.clone()),
                    TableCell::Text(if l.class == "X" {
                        "不参评".to_owned()
                    } else {
                        l.class.clone()
                    }),
                ]
            })
            .collect();
        let bytes = table_xlsx(
            "公示名单",
            &["统一社会信用代码", "企业名称", "县区", "产业集聚区", "评价类别"],
            &table,
        )
        .map_err(|e| AppError::invalid("export", e.to_string()))?;
        self.audit_export(
            Who::Anonymous {
                username: "public",
                ip,
            },
            "run.export_public_list",
            run_id,
            json!({"rows": lines.len()}),
        )
        .await?;
        Ok(Download {
            file_name: format!("{}年度亩均效益评价结果公示名单.xlsx", run.year),
            content_type: XLSX,
            bytes,
        })
    }

    /// An executing department's policy list as xlsx (audited by the list use case).
    pub async fn export_department_policy_list(
        &self,
        actor: &Actor,
        run_id: i64,
        department_code: &str,
    ) -> Result<Download, AppError> {
        let rows: Vec<DepartmentListRow> = self
            .department_policy_list(actor, run_id, department_code)
            .await?;
        let table: Vec<Vec<TableCell>> = rows
            .iter()
            .map(|r| {
                vec![
                    TableCell::Text(r.credit_code.clone()),
                    TableCell::Text(r.name.clone()),
                    TableCell::Text(r.region_code.clone()),
                    TableCell::Text(r.cluster.clone()),
                    TableCell::Text(r.class.clone()),
                    TableCell::Number(Some(f64::from(r.consecutive))),
                    TableCell::Text(r.line.title.clone()),
                    TableCell::Number(r.line.amount),
                    TableCell::Text(r.line.unit.clone()),
                    TableCell::Text(r.line.basis.clone()),
                ]
            })
            .collect();
        let bytes = table_xlsx(
            "执行清单",
            &[
                "统一社会信用代码",
                "企业名称",
                "县区",
                "产业集聚区",
                "类别",
                "连续年数",
                "措施",
                "金额/数量",
                "单位",
                "计算依据",
            ],
            &table,
        )
        .map_err(|e| AppError::invalid("export", e.to_string()))?;
        let dept_name = mujun_domain::DEPARTMENTS
            .iter()
            .find(|(c, _)| *c == department_code)
            .map_or(department_code, |(_, n)| n);
        Ok(Download {
            file_name: format!("差别化政策执行清单-{dept_name}-批次{run_id}.xlsx"),
            content_type: XLSX,
            bytes,
        })
    }
}
