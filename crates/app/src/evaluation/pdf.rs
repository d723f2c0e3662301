//! PDF downloads: an enterprise's score card and a run's summary, laid out by the report crate
//! with a Chinese font of the system. Both are audited like every export.

use mujun_domain::{IndustryCode, RegionCode};
use mujun_report::{IndicatorLine, RunSummary, ScoreCard, SummaryRow};
use mujun_store::runs::SummaryBy;
use serde_json::json;

use super::format::{number, opt};
use super::results::{ScoreCardView, indicator_label, indicator_unit};
use crate::audit::Who;
use crate::download::Download;
use crate::{Actor, App, AppError};

/// The MIME type of PDF.
pub const PDF: &str = "application/pdf";

fn report_error(e: mujun_report::ReportError) -> AppError {
    AppError::invalid("pdf", e.to_string())
}

/// The score card as the report crate lays it out.
pub fn score_card_document(v: &ScoreCardView, generated_at: &str) -> ScoreCard {
    let r = &v.result;
    let i = &v.input;
    let county = RegionCode::parse(&i.region_code)
        .ok()
        .and_then(|c| c.name())
        .map_or_else(|| i.region_code.clone(), |n| format!("{n}（{}）", i.region_code));
    let industry = IndustryCode::parse(&i.industry_code)
        .ok()
        .and_then(|c| {
            mujun_domain::manufacturing_division_name(c.division())
                .map(|n| format!("{} {n}", i.industry_code))
        })
        .unwrap_or_else(|| i.industry_code.clone());
    let indicators = v
        .detail
        .indicators
        .iter()
        .map(|d| IndicatorLine {
            label: indicator_label(&d.id).to_owned(),
            unit: indicator_unit(&d.id).to_owned(),
            value: match (d.value, d.undefined.as_str()) {
                (Some(x), _) => number(x, 4),
                (None, "z") => "分母为 0".to_owned(),
                _ => "缺失".to_owned(),
            },
            benchmark: opt(d.benchmark, 4),
            ratio: opt(d.ratio, 4),
            weight: number(d.weight, 1),
            score: number(d.score, 2),
            basis: d.basis_label().to_owned(),
        })
        .collect();
    let class_reason = match &v.adjustment {
        Some((class, reason)) => format!(
            "计算类别 {}，人工调档为 {class}，理由：{reason}",
            r.computed_class
        ),
        None => r.class_reason.clone(),
    };
    ScoreCard {
        title: format!("{} 年度亩均效益综合评价 · 企业评分卡", v.run.year),
        enterprise_name: i.name.clone(),
        credit_code: i.credit_code.clone(),
        county,
        cluster: i.cluster.clone().unwrap_or_default(),
        industry,
        scale: super::format::group_label(&i.scale),
        run: format!(
            "评价批次 #{} · 方法 {} · {}",
            v.run.id,
            v.run.method_id,
            v.state.label()
        ),
        group: if r.group_id.is_empty() {
            "不参评".to_owned()
        } else {
            format!("评价组 {}", r.group_id)
        },
        pool: if r.pool.is_empty() {
            "—".to_owned()
        } else {
            format!("{}（参与排名 {} 家）", r.pool, r.pool_size.unwrap_or(0))
        },
        final_class: r.final_class.clone(),
        computed_class: r.computed_class.clone(),
        class_reason,
        rank: match (r.rank, r.pool_size) {
            (Some(k), Some(n)) => format!("第 {k} 名 / {n}"),
            _ => "—".to_owned(),
        },
        base: opt(r.base, 2),
        bonus: opt(r.bonus, 2),
        total: opt(r.total, 2),
        indicators,
        explanation: v.explanation.clone(),
        what_if: v.what_if_text(),
        land_derivation: i.land_derivation.clone(),
        footer: format!(
            "方法哈希 {} · 数据哈希 {} · 生成于 {generated_at}",
            &v.run.method_hash.get(..16).unwrap_or(""),
            &v.run.input_hash.get(..16).unwrap_or("")
        ),
    }
}

impl App {
    /// An enterprise's score card as PDF (whoever may read the card).
    pub async fn score_card_pdf(
        &self,
        actor: &Actor,
        run_id: i64,
        enterprise_id: i64,
    ) -> Result<Download, AppError> {
        let view = self.score_card(actor, run_id, enterprise_id).await?;
        let doc = score_card_document(&view, &crate::clock::beijing(mujun_store::now_ms()));
        let bytes = tokio::task::spawn_blocking(move || mujun_report::score_card_pdf(&doc))
            .await
            .map_err(|e| AppError::invalid("pdf", format!("生成 PDF 异常终止：{e}")))?
            .map_err(report_error)?;
        self.audit_export(
            Who::Actor(actor),
            "run.export_score_card",
            run_id,
            json!({"enterprise": enterprise_id, "bytes": bytes.len()}),
        )
        .await?;
        Ok(Download::bytes(
            format!("评分卡-{}-{}年度.pdf", view.input.name, view.run.year),
            PDF,
            bytes,
        ))
    }

    /// A run's summary as PDF: class counts per pool and per county, 亩均税收 (within the
    /// caller's scope).
    pub async fn run_summary_pdf(&self, actor: &Actor, run_id: i64) -> Result<Download, AppError> {
        let run = self.get_run(actor, run_id).await?;
        let overview = self.run_overview(actor, run_id).await?;
        let counties = self.run_summary(actor, run_id, SummaryBy::County).await?;
        let clusters = self.run_summary(actor, run_id, SummaryBy::Cluster).await?;
        let mut classes = counties.classes.clone();
        for p in &overview.pools {
            for (c, _) in &p.counts {
                if !classes.contains(c) {
                    classes.push(c.clone());
                }
            }
        }
        let tax_per_mu_of = |label: &str| {
            clusters
                .lines
                .iter()
                .find(|l| l.key == label)
                .and_then(|l| l.tax_per_mu)
        };
        let pools = overview
            .pools
            .iter()
            .map(|p| SummaryRow {
                label: format!(
                    "{} · {}",
                    p.group_id,
                    if p.label == "all" { "全市" } else { &p.label }
                ),
                counts: classes
                    .iter()
                    .map(|c| {
                        p.counts
                            .iter()
                            .find(|(k, _)| k == c)
                            .map_or(0, |(_, n)| *n)
                            .to_string()
                    })
                    .collect(),
                enterprises: (p.size + p.vetoed).to_string(),
                tax_per_mu: opt(tax_per_mu_of(&p.label), 2),
            })
            .collect();
        let county_rows = counties
            .lines
            .iter()
            .map(|l| SummaryRow {
                label: l.label.clone(),
                counts: classes
                    .iter()
                    .map(|c| {
                        counties
                            .classes
                            .iter()
                            .position(|k| k == c)
                            .map_or(0, |i| l.counts[i])
                            .to_string()
                    })
                    .collect(),
                enterprises: l.enterprises.to_string(),
                tax_per_mu: opt(l.tax_per_mu, 2),
            })
            .collect();
        let r = &run.run;
        let mut notes = vec![
            format!("评价方法：{}（{}）", r.method_id, r.method_ref),
            format!("方法哈希：{}", r.method_hash),
            format!("数据哈希：{}", r.input_hash),
            format!("参评企业：{} 家（含不参评 X）", r.enterprises),
        ];
        if let (Some(s), Some(e)) = (&r.notice_start, &r.notice_end) {
            notes.push(format!("公示期：{s} 至 {e}"));
        }
        if !r.content_hash.is_empty() {
            notes.push(format!("发布内容哈希：{}", r.content_hash));
        }
        let summary = RunSummary {
            title: format!("{} 年度亩均效益综合评价结果汇总", r.year),
            run: format!("评价批次 #{} · {} · {}", r.id, r.title, run.state.label()),
            classes,
            pools,
            counties: county_rows,
            notes,
            footer: format!("生成于 {}", crate::clock::beijing(mujun_store::now_ms())),
        };
        let bytes = tokio::task::spawn_blocking(move || mujun_report::run_summary_pdf(&summary))
            .await
            .map_err(|e| AppError::invalid("pdf", format!("生成 PDF 异常终止：{e}")))?
            .map_err(report_error)?;
        self.audit_export(
            Who::Actor(actor),
            "run.export_summary",
            run_id,
            json!({"bytes": bytes.len()}),
        )
        .await?;
        Ok(Download::bytes(
            format!("{}年度评价结果汇总-批次{}.pdf", r.year, r.id),
            PDF,
            bytes,
        ))
    }
}
