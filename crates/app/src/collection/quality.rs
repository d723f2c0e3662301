//! The data quality report before an evaluation: per year, per department and per enterprise —
//! missing required items, contradictions between fields, 亩均税收 far outside its cluster's
//! range, and large year-on-year jumps. Missing land, tax or scale is blocking: an evaluation
//! run would exclude or mis-rank the enterprise.

use std::collections::HashMap;

use mujun_collect::CatalogueItem;
use mujun_domain::IndustryCode;
use mujun_store::{departments, enterprises, figures};
use serde_json::json;

use crate::audit::{Who, write};
use crate::{Actor, App, AppError, Role};

/// The kind of a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FindingKind {
    /// A required item has no value.
    Missing,
    /// Two fields contradict each other.
    Contradiction,
    /// 亩均税收 far outside the cluster's range.
    Outlier,
    /// A large change from last year.
    Jump,
}

impl FindingKind {
    /// A stable id for URLs and exports.
    pub fn id(self) -> &'static str {
        match self {
            FindingKind::Missing => "missing",
            FindingKind::Contradiction => "contradiction",
            FindingKind::Outlier => "outlier",
            FindingKind::Jump => "jump",
        }
    }

    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            FindingKind::Missing => "缺报",
            FindingKind::Contradiction => "逻辑矛盾",
            FindingKind::Outlier => "明显偏离",
            FindingKind::Jump => "同比异常",
        }
    }
}

/// One finding.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// The enterprise.
    pub enterprise_id: i64,
    /// Its code.
    pub credit_code: String,
    /// Its name.
    pub name: String,
    /// Department responsible for the items concerned.
    pub department_code: String,
    /// Kind.
    pub kind: FindingKind,
    /// Items concerned (ids).
    pub items: Vec<String>,
    /// What is wrong (Chinese).
    pub message: String,
    /// Would stop an evaluation run.
    pub blocking: bool,
}

/// The report.
#[derive(Clone, Debug)]
pub struct QualityReport {
    /// Data year.
    pub year: i64,
    /// Enterprises checked.
    pub enterprises: usize,
    /// Findings, by kind, department and code.
    pub findings: Vec<Finding>,
    /// Per department: (code, name, findings).
    pub by_department: Vec<(String, String, usize)>,
}

impl QualityReport {
    /// Number of blocking findings.
    pub fn blocking(&self) -> usize {
        self.findings.iter().filter(|f| f.blocking).count()
    }
}

/// Items whose absence blocks an evaluation.
const BLOCKING: [&str; 3] = ["land_area_mu", "tax_paid", "scale"];

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(v[v.len() / 2])
}

impl App {
    /// The quality report of a year (city administrator: everything; department officer: the
    /// findings about its own items). Generating it is audited like an export.
    pub async fn quality_report(&self, actor: &Actor, year: i64) -> Result<QualityReport, AppError> {
        let own_code = match actor.role {
            Role::CityAdmin => None,
            Role::Department => Some(self.department_code_of(actor).await?),
            _ => {
                return Err(self
                    .deny(
                        actor,
                        "quality.view",
                        ("year", &year.to_string()),
                        "仅市级评价管理员和部门数据员可以查看数据质量报告",
                    )
                    .await);
            }
        };
        let (mut findings, roster_len, deps) = self.quality_findings(year, false).await?;
        if let Some(code) = &own_code {
            findings.retain(|f| &f.department_code == code);
        }
        findings.sort_by(|a, b| {
            (a.kind, &a.department_code, &a.credit_code).cmp(&(b.kind, &b.department_code, &b.credit_code))
        });
        let by_department = deps
            .iter()
            .map(|d| {
                (
                    d.code.clone(),
                    d.name.clone(),
                    findings.iter().filter(|f| f.department_code == d.code).count(),
                )
            })
            .filter(|(_, _, n)| *n > 0)
            .collect();
        let report = QualityReport {
            year,
            enterprises: roster_len,
            findings,
            by_department,
        };
        let mut tx = self.store.begin().await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "quality.report",
            ("year", &year.to_string()),
            json!({"findings": report.findings.len(), "blocking": report.blocking()}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(mujun_store::StoreError::from)?;
        Ok(report)
    }

    /// The findings of a year (all of them, or only the blocking ones — missing land, tax or
    /// scale — which is all a run needs to know and much cheaper), with the roster size and the
    /// departments.
    pub(crate) async fn quality_findings(
        &self,
        year: i64,
        blocking_only: bool,
    ) -> Result<(Vec<Finding>, usize, Vec<departments::Department>), AppError> {
        let mut catalogue: Vec<CatalogueItem> = self.catalogue().await?;
        if blocking_only {
            catalogue.retain(|i| BLOCKING.contains(&i.id.as_str()));
        }
        let mut c = self.store.read().await?;
        let roster = enterprises::collection_roster(self.store.read_typed().await?.conn(), year).await?;
        // One row per enterprise with a column per catalogue item (see `figures::year_table`).
        let mut ids: Vec<&str> = catalogue.iter().map(|i| i.id.as_str()).collect();
        if !blocking_only {
            for f in mujun_domain::Field::ALL.iter().map(|f| f.id()).chain(["scale"]) {
                if !ids.contains(&f) {
                    ids.push(f);
                }
            }
        }
        let column: HashMap<&str, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        let now: HashMap<i64, Vec<Option<f64>>> =
            figures::year_table(self.store.read_typed().await?.conn(), year, &ids)
                .await?
                .into_iter()
                .collect();
        let before: HashMap<i64, Vec<Option<f64>>> = if blocking_only {
            HashMap::new()
        } else {
            figures::year_table(self.store.read_typed().await?.conn(), year - 1, &ids)
                .await?
                .into_iter()
                .collect()
        };
        let deps = departments::list(&mut c).await?;
        drop(c);
        let lookup = |table: &HashMap<i64, Vec<Option<f64>>>, e: i64, f: &str| {
            let i = *column.get(f)?;
            table.get(&e).and_then(|v| v[i])
        };
        let get = |e: i64, f: &str| lookup(&now, e, f);
        let owner = |item: &str| {
            catalogue
                .iter()
                .find(|i| i.id == item)
                .map_or_else(String::new, |i| i.department_code.clone())
        };
        let mut findings = Vec::new();
        // 亩均税收 per cluster, for the outlier check.
        let mut per_cluster: HashMap<String, Vec<f64>> = HashMap::new();
        for r in &roster {
            if let (Some(t), Some(l)) = (get(r.id, "tax_paid"), get(r.id, "land_area_mu"))
                && l > 0.0
            {
                per_cluster
                    .entry(r.cluster_name.clone().unwrap_or_default())
                    .or_default()
                    .push(t / l);
            }
        }
        let medians: HashMap<String, f64> = per_cluster
            .into_iter()
            .filter_map(|(k, v)| median(v).map(|m| (k, m)))
            .collect();
        for r in &roster {
            let above = r.scale.as_deref().or(r.previous_scale.as_deref()) != Some("below");
            let finding = |kind: FindingKind, items: Vec<&str>, message: String| Finding {
                enterprise_id: r.id,
                credit_code: r.credit_code.clone(),
                name: r.name.clone(),
                department_code: owner(items[0]),
                kind,
                blocking: kind == FindingKind::Missing && items.iter().any(|i| BLOCKING.contains(i)),
                items: items.into_iter().map(str::to_owned).collect(),
                message,
            };
            // Missing required items, one finding per department.
            let mut missing: HashMap<&str, Vec<&CatalogueItem>> = HashMap::new();
            for item in catalogue.iter().filter(|i| i.required_for(above)) {
                let present = if item.id == "scale" {
                    r.scale.is_some() || get(r.id, "scale").is_some()
                } else {
                    get(r.id, &item.id).is_some()
                };
                if !present {
                    missing
                        .entry(item.department_code.as_str())
                        .or_default()
                        .push(item);
                }
            }
            let mut missing: Vec<_> = missing.into_iter().collect();
            missing.sort_by_key(|(d, _)| *d);
            for (_, items) in missing {
                let labels: Vec<&str> = items.iter().map(|i| i.label.as_str()).collect();
                findings.push(finding(
                    FindingKind::Missing,
                    items.iter().map(|i| i.id.as_str()).collect(),
                    format!(
                        "缺少{}：{}",
                        if above {
                            "规上必报项"
                        } else {
                            "规下必报项"
                        },
                        labels.join("、")
                    ),
                ));
            }
            if blocking_only {
                continue;
            }
            // Contradictions.
            let pairs: [(&str, &str, &str); 3] = [
                ("profit_total", "main_revenue", "利润总额大于主营业务收入"),
                ("rd_expense", "main_revenue", "研发经费大于主营业务收入"),
                ("value_added", "gross_output", "工业增加值大于工业总产值"),
            ];
            for (a, b, why) in pairs {
                if let (Some(x), Some(y)) = (get(r.id, a), get(r.id, b))
                    && x > y
                    && y >= 0.0
                {
                    findings.push(finding(
                        FindingKind::Contradiction,
                        vec![a, b],
                        format!("{why}（{x} > {y}）"),
                    ));
                }
            }
            if above
                && IndustryCode::parse(&r.industry_code).is_ok_and(IndustryCode::is_manufacturing)
                && get(r.id, "energy_tce") == Some(0.0)
            {
                findings.push(finding(
                    FindingKind::Contradiction,
                    vec!["energy_tce"],
                    "规上制造业企业综合能耗为 0".into(),
                ));
            }
            // 亩均税收 against the cluster's median.
            if let (Some(t), Some(l), Some(m)) = (
                get(r.id, "tax_paid"),
                get(r.id, "land_area_mu"),
                medians.get(&r.cluster_name.clone().unwrap_or_default()),
            ) && l > 0.0
                && *m > 0.0
            {
                let per_mu = t / l;
                if per_mu > m * 10.0 || per_mu < m / 10.0 {
                    findings.push(finding(
                        FindingKind::Outlier,
                        vec!["tax_paid", "land_area_mu"],
                        format!("亩均税收 {per_mu:.2} 万元/亩，与所在集聚区中位数 {m:.2} 相差 10 倍以上"),
                    ));
                }
            }
            // Year-on-year jumps of amounts.
            for item in catalogue.iter().filter(|i| i.unit == "万元") {
                if let (Some(x), Some(p)) = (get(r.id, &item.id), lookup(&before, r.id, &item.id))
                    && p.abs() > 1.0
                {
                    let ratio = (x / p).abs();
                    if ratio >= 5.0 || ratio <= 0.2 {
                        findings.push(finding(
                            FindingKind::Jump,
                            vec![item.id.as_str()],
                            format!("{}由上年 {p} 变为 {x}（{ratio:.1} 倍）", item.label),
                        ));
                    }
                }
            }
        }
        Ok((findings, roster.len(), deps))
    }
}

impl App {
    /// The findings of a year's quality report as xlsx or CSV — every one that passes the
    /// filters (kind id, department code; empty for all), written row by row. Generating the
    /// report is audited by [`App::quality_report`]; the export is audited here too.
    pub async fn export_quality(
        &self,
        actor: &Actor,
        year: i64,
        kind: &str,
        department: &str,
        format: mujun_batch::TableFormat,
    ) -> Result<crate::download::Download, AppError> {
        let report = self.quality_report(actor, year).await?;
        let labels: HashMap<String, String> = self
            .catalogue()
            .await?
            .into_iter()
            .map(|i| (i.id, i.label))
            .collect();
        let names: HashMap<String, String> = {
            let mut c = self.store.read().await?;
            departments::list(&mut c)
                .await?
                .into_iter()
                .map(|d| (d.code, d.name))
                .collect()
        };
        let sink = crate::download::TableSink::start(
            format,
            "数据质量",
            &[
                "类型",
                "阻断",
                "统一社会信用代码",
                "企业名称",
                "责任部门",
                "数据项",
                "说明",
            ],
        );
        let rows: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| kind.is_empty() || f.kind.id() == kind)
            .filter(|f| department.is_empty() || f.department_code == department)
            .collect();
        use mujun_batch::TableCell::Text;
        for chunk in rows.chunks(crate::download::CHUNK as usize) {
            sink.send(
                chunk
                    .iter()
                    .map(|f| {
                        vec![
                            Text(f.kind.label().to_owned()),
                            Text(if f.blocking { "是" } else { "否" }.to_owned()),
                            Text(f.credit_code.clone()),
                            Text(f.name.clone()),
                            Text(names.get(&f.department_code).cloned().unwrap_or_default()),
                            Text(
                                f.items
                                    .iter()
                                    .map(|i| labels.get(i).map_or(i.as_str(), String::as_str))
                                    .collect::<Vec<_>>()
                                    .join("、"),
                            ),
                            Text(f.message.clone()),
                        ]
                    })
                    .collect(),
            )
            .await?;
        }
        let file = sink.finish().await?;
        let ext = match format {
            mujun_batch::TableFormat::Xlsx => "xlsx",
            mujun_batch::TableFormat::Csv => "csv",
        };
        let mut tx = self.store.begin().await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "quality.export",
            ("year", &year.to_string()),
            json!({"rows": file.rows, "format": ext, "kind": kind, "department": department}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(mujun_store::StoreError::from)?;
        Ok(crate::download::Download {
            file_name: format!("{year}年度-数据质量报告.{ext}"),
            content_type: match format {
                mujun_batch::TableFormat::Xlsx => crate::download::XLSX,
                mujun_batch::TableFormat::Csv => crate::download::CSV,
            },
            content: crate::download::Content::File(file),
        })
    }
}
