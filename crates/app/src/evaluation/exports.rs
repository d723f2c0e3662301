//! Downloads of a run — the result workbook (the same sheets as `mujun evaluate`), the input
//! snapshot (to reproduce the run with the CLI), the ranking of a scope, the public list and
//! the executing departments' policy lists. Every export is written to the audit trail.

use mujun_batch::{BatchInput, TableCell, TableFormat, results_xlsx_bytes};
use mujun_engine::Method;
use mujun_store::StoreError;
use mujun_store::runs::{self, ChunkOrder, ResultFilter};
use serde_json::json;

use super::snapshot;
use crate::audit::{Who, write};
use crate::download::{CHUNK, Content, Download, TableSink, XLSX};
use crate::{Actor, App, AppError};

/// Where a walk through a run's results by name has got to.
#[derive(Debug, Default)]
pub(crate) struct NameCursor {
    after: Option<runs::RankingRow>,
    done: bool,
}

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
        let rows = runs::inputs(self.store.read_typed().await?.conn(), run_id).await?;
        let adjustments = runs::adjustments(&mut c, run_id).await?;
        drop(c);
        let year = run.year;
        let source = run.method_source.clone();
        let bytes = self
            .cpu(move || {
                let method = Method::parse(&source)?;
                let input = snapshot::to_engine(year, &rows)?;
                let adj = snapshot::adjustments(&rows, &adjustments);
                let eval = mujun_engine::evaluate(&method, &input, &adj)?;
                let names: Vec<String> = rows.iter().map(|r| r.name.clone()).collect();
                let batch = BatchInput::from_parts(input, &names);
                results_xlsx_bytes("评价结果.xlsx", &method, &batch, &eval)
                    .map_err(|e| AppError::Internal(e.to_string()))
            })
            .await??;
        self.audit_export(
            Who::Actor(actor),
            "run.export_results",
            run_id,
            json!({"bytes": bytes.len()}),
        )
        .await?;
        Ok(Download::bytes(
            format!("{}年度评价结果-批次{}.xlsx", run.year, run.id),
            XLSX,
            bytes,
        ))
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
        let rows = runs::inputs(self.store.read_typed().await?.conn(), run_id).await?;
        let csv = snapshot::to_csv(&rows)?;
        self.audit_export(
            Who::Actor(actor),
            "run.export_snapshot",
            run_id,
            json!({"rows": rows.len(), "input_hash": run.input_hash}),
        )
        .await?;
        Ok((
            Download::bytes(
                format!("{}年度评价数据-批次{}.csv", run.year, run.id),
                crate::download::CSV,
                csv,
            ),
            Download::bytes(
                format!("{}.toml", run.method_id),
                "application/toml; charset=utf-8",
                run.method_source.into_bytes(),
            ),
        ))
    }

    /// The ranking within the caller's scope as xlsx, every row of it (county and cluster
    /// officers download their own enterprises this way), read in chunks and streamed.
    pub async fn export_ranking(
        &self,
        actor: &Actor,
        run_id: i64,
        filter: &ResultFilter,
    ) -> Result<Download, AppError> {
        let (run, _, scope) = self.readable_run(actor, run_id, "run.export").await?;
        let sink = TableSink::start(
            TableFormat::Xlsx,
            "排名",
            &[
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
            ],
        );
        let regions = self.region_names().await?;
        let mut c = self.store.read().await?;
        let mut after = None;
        loop {
            let rows = runs::ranking_chunk(
                &mut c,
                run_id,
                &scope,
                filter,
                ChunkOrder::Position,
                after.as_ref(),
                CHUNK,
            )
            .await?;
            let table = rows
                .iter()
                .map(|r| {
                    let per_mu = match (r.tax_paid, r.land_area_mu) {
                        (Some(t), Some(l)) if l > 0.0 => Some(t / l),
                        _ => None,
                    };
                    vec![
                        TableCell::Text(r.credit_code.clone()),
                        TableCell::Text(r.name.clone()),
                        TableCell::Text(region_name(&regions, &r.region_code)),
                        TableCell::Text(r.cluster.clone().unwrap_or_default()),
                        TableCell::Text(r.industry_code.clone()),
                        TableCell::Text(super::format::group_label(&r.group_id)),
                        TableCell::Text(if r.pool.is_empty() {
                            String::new()
                        } else {
                            super::format::pool_name(&r.pool)
                        }),
                        TableCell::Integer(r.rank),
                        TableCell::Integer(r.pool_size),
                        TableCell::Number(r.land_area_mu),
                        TableCell::Number(r.tax_paid),
                        TableCell::Number(per_mu),
                        TableCell::Number(r.total),
                        TableCell::Text(super::format::class_label(&r.computed_class)),
                        TableCell::Text(super::format::class_label(&r.final_class)),
                        TableCell::Text(r.class_reason.clone()),
                    ]
                })
                .collect();
            sink.send(table).await?;
            if rows.len() < CHUNK as usize {
                break;
            }
            after = rows.into_iter().last();
        }
        drop(c);
        let file = sink.finish().await?;
        self.audit_export(
            Who::Actor(actor),
            "run.export_ranking",
            run_id,
            json!({"rows": file.rows}),
        )
        .await?;
        Ok(Download {
            file_name: format!("{}年度评价排名-批次{}.xlsx", run.year, run.id),
            content_type: XLSX,
            content: Content::File(file),
        })
    }

    /// The public list of a run under notice or published, as xlsx — every enterprise of it,
    /// by name (no login; counted per hour and address, audited once per run and hour).
    pub async fn export_public_list(&self, run_id: i64, ip: &str) -> Result<Download, AppError> {
        let run = self.public_run(run_id).await?;
        let sink = TableSink::start(
            TableFormat::Xlsx,
            "公示名单",
            &["统一社会信用代码", "企业名称", "县区", "产业集聚区", "评价类别"],
        );
        let regions = self.region_names().await?;
        let filter = self.public_filter(&run);
        let mut c = self.store.read().await?;
        let mut cursor = NameCursor::default();
        while let Some(rows) = Self::next_chunk_by_name(&mut c, run_id, &filter, &mut cursor).await? {
            // Only these five columns leave this function.
            let table = rows
                .iter()
                .map(|r| {
                    vec![
                        TableCell::Text(r.credit_code.clone()),
                        TableCell::Text(r.name.clone()),
                        TableCell::Text(region_name(&regions, &r.region_code)),
                        TableCell::Text(r.cluster.clone().unwrap_or_default()),
                        TableCell::Text(super::format::class_label(&r.final_class)),
                    ]
                })
                .collect();
            sink.send(table).await?;
        }
        drop(c);
        let file = sink.finish().await?;
        self.count_public_download(run_id, ip).await?;
        Ok(Download {
            file_name: format!("{}年度亩均效益评价结果公示名单.xlsx", run.year),
            content_type: XLSX,
            content: Content::File(file),
        })
    }

    /// The next chunk of a run's results that `filter` keeps, by name (a whole list without
    /// holding it all at once); `None` once `cursor` has seen them all.
    pub(crate) async fn next_chunk_by_name(
        c: &mut mujun_store::AnyConnection,
        run_id: i64,
        filter: &ResultFilter,
        cursor: &mut NameCursor,
    ) -> Result<Option<Vec<runs::RankingRow>>, AppError> {
        if cursor.done {
            return Ok(None);
        }
        let rows = runs::ranking_chunk(
            c,
            run_id,
            &mujun_store::Scope::All,
            filter,
            ChunkOrder::Name,
            cursor.after.as_ref(),
            CHUNK,
        )
        .await?;
        cursor.done = rows.len() < CHUNK as usize;
        cursor.after = rows.last().cloned();
        Ok(Some(rows))
    }

    /// Counts an anonymous download; the hours already over are audited now, one entry per run
    /// and hour with the count and the addresses, so that anyone downloading in a loop adds
    /// rows to a counter, not to the audit trail.
    async fn count_public_download(&self, run_id: i64, ip: &str) -> Result<(), AppError> {
        let now = mujun_store::now_ms();
        let hour = now - now.rem_euclid(3_600_000);
        let mut tx = self.store.begin().await?;
        mujun_store::public_downloads::count(&mut tx, run_id, hour, ip).await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.audit_public_downloads(hour).await
    }

    /// Audits the counted anonymous downloads of the hours before `before` (ms).
    pub async fn audit_public_downloads(&self, before: i64) -> Result<(), AppError> {
        let mut tx = self.store.begin().await?;
        let hours = mujun_store::public_downloads::take_before(&mut tx, before).await?;
        for h in &hours {
            let shown: Vec<serde_json::Value> = h
                .addresses
                .iter()
                .take(20)
                .map(|(ip, n)| json!({"ip": ip, "downloads": n}))
                .collect();
            write(
                &mut tx,
                Who::Anonymous {
                    username: "public",
                    ip: h.addresses.first().map_or("", |(ip, _)| ip.as_str()),
                },
                "public_list.downloads",
                ("evaluation_run", &h.run_id.to_string()),
                json!({
                    "hour": crate::clock::beijing(h.hour),
                    "downloads": h.downloads,
                    "addresses": h.addresses.len(),
                    "top": shown,
                }),
                "ok",
            )
            .await?;
        }
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// An executing department's policy list as xlsx, every line of it (audited by the list
    /// use case).
    pub async fn export_department_policy_list(
        &self,
        actor: &Actor,
        run_id: i64,
        department_code: &str,
    ) -> Result<Download, AppError> {
        let rows = self
            .department_policy_list(actor, run_id, department_code)
            .await?;
        let regions = self.region_names().await?;
        let sink = TableSink::start(
            TableFormat::Xlsx,
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
        );
        for chunk in rows.chunks(CHUNK as usize) {
            sink.send(
                chunk
                    .iter()
                    .map(|r| {
                        vec![
                            TableCell::Text(r.credit_code.clone()),
                            TableCell::Text(r.name.clone()),
                            TableCell::Text(region_name(&regions, &r.region_code)),
                            TableCell::Text(r.cluster.clone()),
                            TableCell::Text(super::format::class_label(&r.class)),
                            TableCell::Integer(Some(i64::from(r.consecutive))),
                            TableCell::Text(r.line.title.clone()),
                            TableCell::Number(r.line.amount),
                            TableCell::Text(r.line.unit.clone()),
                            TableCell::Text(r.line.basis.clone()),
                        ]
                    })
                    .collect(),
            )
            .await?;
        }
        let file = sink.finish().await?;
        let dept_name = mujun_domain::DEPARTMENTS
            .iter()
            .find(|(c, _)| *c == department_code)
            .map_or(department_code, |(_, n)| n);
        Ok(Download {
            file_name: format!("差别化政策执行清单-{dept_name}-批次{run_id}.xlsx"),
            content_type: XLSX,
            content: Content::File(file),
        })
    }

    /// The run's manual adjustments (调档) as the CSV that `mujun evaluate --adjustments`
    /// reads: with the snapshot and the method file it reproduces every final class (city
    /// administrator).
    pub async fn export_adjustments(&self, actor: &Actor, run_id: i64) -> Result<Download, AppError> {
        if !Self::runs_evaluations(actor) {
            return Err(self
                .deny(
                    actor,
                    "run.export",
                    ("evaluation_run", &run_id.to_string()),
                    "仅市级评价管理员可以导出调档记录",
                )
                .await);
        }
        let (run, _, _) = self.readable_run(actor, run_id, "run.export").await?;
        let mut c = self.store.read().await?;
        let adjustments = runs::adjustments(&mut c, run_id).await?;
        let codes: std::collections::HashMap<i64, String> =
            runs::inputs(self.store.read_typed().await?.conn(), run_id)
                .await?
                .into_iter()
                .map(|i| (i.enterprise_id, i.credit_code))
                .collect();
        drop(c);
        let mut w = csv::Writer::from_writer(Vec::new());
        let fail = |e: csv::Error| AppError::Internal(e.to_string());
        w.write_record(["credit_code", "class", "reason"]).map_err(fail)?;
        let mut lines: Vec<[String; 3]> = adjustments
            .iter()
            .filter_map(|a| {
                Some([
                    codes.get(&a.enterprise_id)?.clone(),
                    a.class.clone(),
                    mujun_batch::neutralise_formula(&a.reason).into_owned(),
                ])
            })
            .collect();
        lines.sort();
        for l in &lines {
            w.write_record(l).map_err(fail)?;
        }
        let bytes = w.into_inner().map_err(|e| AppError::Internal(e.to_string()))?;
        self.audit_export(
            Who::Actor(actor),
            "run.export_adjustments",
            run_id,
            json!({"rows": lines.len()}),
        )
        .await?;
        Ok(Download::bytes(
            format!("{}年度调档记录-批次{}.csv", run.year, run.id),
            crate::download::CSV,
            bytes,
        ))
    }
}

/// The county's name for workbooks (the code when the region is unknown).
pub(crate) fn region_name(regions: &std::collections::HashMap<String, String>, code: &str) -> String {
    regions.get(code).cloned().unwrap_or_else(|| code.to_owned())
}
