//! PDF downloads: an enterprise's score card, a run's summary and the notice of its results
//! (公示), laid out by the report crate with a Chinese font of the system. Each carries the
//! issuing unit and date, and each is audited like every export.

use mujun_domain::{IndustryCode, RegionCode};
use mujun_report::{Bar, IndicatorLine, Notice, NoticeLine, RunSummary, ScoreCard, SummaryRow};
use mujun_store::runs::{ResultFilter, SummaryBy};
use serde_json::json;

use super::format::{chinese_date, class_label, group_label, group_pool_name, method_name, number, opt};
use super::results::{ScoreCardView, indicator_label, indicator_unit};
use crate::audit::Who;
use crate::download::Download;
use crate::{Actor, App, AppError};

/// The MIME type of PDF.
pub const PDF: &str = "application/pdf";

fn report_error(e: mujun_report::ReportError) -> AppError {
    AppError::invalid("pdf", e.to_string())
}

/// The colour of a class on charts (the pages' badge colours).
fn class_color(class: &str) -> &'static str {
    match class {
        "A" => "#2e7d32",
        "B" => "#1565c0",
        "C" => "#b26a00",
        "D" => "#c62828",
        _ => "#8a8f96",
    }
}

/// The score card as the report crate lays it out, issued by `issuer` at `generated_at`
/// (Beijing time `YYYY-MM-DD HH:MM`).
pub fn score_card_document(v: &ScoreCardView, issuer: &str, generated_at: &str) -> ScoreCard {
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
        issuer: issuer.to_owned(),
        issued: chinese_date(generated_at),
        enterprise_name: i.name.clone(),
        credit_code: i.credit_code.clone(),
        county,
        cluster: i.cluster.clone().unwrap_or_default(),
        industry,
        scale: group_label(&i.scale),
        run: format!(
            "{} · {} · {}",
            v.run.title,
            method_name(&v.run.method_source, &v.run.method_id),
            v.state.label()
        ),
        group: if r.group_id.is_empty() {
            "不参评".to_owned()
        } else {
            format!("{}企业组", group_label(&r.group_id))
        },
        pool: if r.pool.is_empty() {
            "—".to_owned()
        } else {
            format!(
                "{}（参与排名 {} 家）",
                group_pool_name(&r.group_id, &r.pool),
                r.pool_size.unwrap_or(0)
            )
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
        reproduce: vec![
            format!("方法哈希：{}", v.run.method_hash),
            format!("数据哈希：{}", v.run.input_hash),
        ],
        footer: format!("{issuer} · {} · 生成于 {generated_at}", i.name),
    }
}

impl App {
    /// Lays out a document on the bounded pool of CPU-heavy work.
    pub(crate) async fn typeset(
        &self,
        f: impl FnOnce() -> Result<Vec<u8>, mujun_report::ReportError> + Send + 'static,
    ) -> Result<Vec<u8>, AppError> {
        self.cpu(f).await?.map_err(report_error)
    }

    /// An enterprise's score card as PDF (whoever may read the card).
    pub async fn score_card_pdf(
        &self,
        actor: &Actor,
        run_id: i64,
        enterprise_id: i64,
    ) -> Result<Download, AppError> {
        let view = self.score_card(actor, run_id, enterprise_id).await?;
        let doc = score_card_document(
            &view,
            &self.site.agency,
            &crate::clock::beijing(mujun_store::now_ms()),
        );
        let bytes = self.typeset(move || mujun_report::score_card_pdf(&doc)).await?;
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

    /// A run's summary as PDF: the totals and charts, class counts per pool and per county,
    /// 亩均税收 (within the caller's scope).
    pub async fn run_summary_pdf(&self, actor: &Actor, run_id: i64) -> Result<Download, AppError> {
        let run = self.get_run(actor, run_id).await?;
        let overview = self.run_overview(actor, run_id).await?;
        let counties = self.run_summary(actor, run_id, SummaryBy::County).await?;
        let clusters = self.run_summary(actor, run_id, SummaryBy::Cluster).await?;
        let whole = self.run_summary(actor, run_id, SummaryBy::City).await?;
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
                label: group_pool_name(&p.group_id, &p.label),
                counts: classes
                    .iter()
                    .map(|c| {
                        number(
                            p.counts.iter().find(|(k, _)| k == c).map_or(0, |(_, n)| *n) as f64,
                            0,
                        )
                    })
                    .collect(),
                enterprises: number((p.size + p.vetoed) as f64, 0),
                tax_per_mu: opt(tax_per_mu_of(&p.label), 2),
            })
            .collect();
        let count_of = |l: &super::results::SummaryLine, c: &str| {
            counties
                .classes
                .iter()
                .position(|k| k == c)
                .and_then(|i| l.counts.get(i).copied())
                .unwrap_or(0)
        };
        let county_rows = counties
            .lines
            .iter()
            .map(|l| SummaryRow {
                label: l.label.clone(),
                counts: classes.iter().map(|c| number(count_of(l, c) as f64, 0)).collect(),
                enterprises: number(l.enterprises as f64, 0),
                tax_per_mu: opt(l.tax_per_mu, 2),
            })
            .collect();
        let mut totals = Vec::new();
        let mut class_chart = Vec::new();
        if let Some(all) = whole.lines.first() {
            let pct = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), |v| format!("{} %", number(v, 2)));
            totals = vec![
                (
                    "参评企业".to_owned(),
                    format!("{} 家", number(all.enterprises as f64, 0)),
                ),
                (
                    "用地面积".to_owned(),
                    format!("{} 亩", number(all.land_area_mu, 2)),
                ),
                ("实缴税收".to_owned(), format!("{} 万元", number(all.tax_paid, 2))),
                (
                    "亩均税收".to_owned(),
                    format!("{} 万元/亩", opt(all.tax_per_mu, 2)),
                ),
                (
                    "亩均营业收入".to_owned(),
                    format!("{} 万元/亩", opt(all.revenue_per_mu, 2)),
                ),
                ("研发投入强度".to_owned(), pct(all.rd_intensity)),
            ];
            class_chart = whole
                .classes
                .iter()
                .zip(&all.counts)
                .map(|(c, n)| Bar {
                    label: class_label(c),
                    value: *n as f64,
                    text: format!("{} 家", number(*n as f64, 0)),
                    color: class_color(c).to_owned(),
                })
                .collect();
        }
        let mut county_chart: Vec<Bar> = counties
            .lines
            .iter()
            .filter_map(|l| {
                l.tax_per_mu.map(|t| Bar {
                    label: l.label.clone(),
                    value: t,
                    text: number(t, 2),
                    color: "#1f4e79".to_owned(),
                })
            })
            .collect();
        county_chart.sort_by(|a, b| b.value.total_cmp(&a.value));
        let r = &run.run;
        let mut notes = vec![
            format!("评价方法：{}", method_name(&r.method_source, &r.method_id)),
            format!("参评企业：{} 家（含不参评企业）", number(r.enterprises as f64, 0)),
        ];
        if let (Some(s), Some(e)) = (&r.notice_start, &r.notice_end) {
            notes.push(format!("公示期：{} 至 {}", chinese_date(s), chinese_date(e)));
        }
        notes.push(format!(
            "可复现信息：方法哈希 {}；数据哈希 {}",
            r.method_hash, r.input_hash
        ));
        if !r.content_hash.is_empty() {
            notes.push(format!("发布内容哈希：{}", r.content_hash));
        }
        let now = crate::clock::beijing(mujun_store::now_ms());
        let agency = self.site.agency.clone();
        let summary = RunSummary {
            title: format!("{} 年度亩均效益综合评价结果汇总", r.year),
            issued: chinese_date(&now),
            run: format!("{} · {}", r.title, run.state.label()),
            totals,
            class_chart,
            county_chart,
            classes: classes.iter().map(|c| short_class(c)).collect(),
            pools,
            counties: county_rows,
            notes,
            footer: format!("{agency} · 生成于 {now}"),
            issuer: agency,
        };
        let bytes = self
            .typeset(move || mujun_report::run_summary_pdf(&summary))
            .await?;
        self.audit_export(
            Who::Actor(actor),
            "run.export_summary",
            run_id,
            json!({"bytes": bytes.len()}),
        )
        .await?;
        Ok(Download::bytes(
            format!("{}年度评价结果汇总-{}.pdf", r.year, r.title),
            PDF,
            bytes,
        ))
    }

    /// The notice of a run's results (公示) as PDF for the city to publish: the formal text
    /// (period, counts, how to object) signed by the agency, then the public list — the same
    /// five columns as the public page, only the re-run's moved enterprises for a supplementary
    /// notice.
    pub async fn notice_pdf(&self, actor: &Actor, run_id: i64) -> Result<Download, AppError> {
        let run = self.get_run(actor, run_id).await?;
        let actions = self.run_actions(actor, &run.run).await?;
        if !actions.notice_document {
            return Err(self
                .deny(
                    actor,
                    "run.export_notice",
                    ("run", &run_id.to_string()),
                    "只有市级评价管理员可在公示开始后生成公示通知",
                )
                .await);
        }
        let r = &run.run;
        let supplementary = r.notice_kind == "supplementary";
        let filter = ResultFilter {
            notice_members_only: supplementary,
            ..ResultFilter::default()
        };
        let regions = self.region_names().await?;
        let mut list = Vec::new();
        let mut counts: Vec<(String, i64)> = Vec::new();
        let mut c = self.store.read().await?;
        let mut cursor = super::exports::NameCursor::default();
        while let Some(rows) = Self::next_chunk_by_name(&mut c, run_id, &filter, &mut cursor).await? {
            for row in rows {
                match counts.iter_mut().find(|(c, _)| *c == row.final_class) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((row.final_class.clone(), 1)),
                }
                list.push(NoticeLine {
                    county: super::exports::region_name(&regions, &row.region_code),
                    class: class_label(&row.final_class),
                    cluster: row.cluster.unwrap_or_default(),
                    credit_code: row.credit_code,
                    name: row.name,
                });
            }
        }
        drop(c);
        counts.sort_by(|a, b| (a.0 == "X").cmp(&(b.0 == "X")).then_with(|| a.0.cmp(&b.0)));
        let city = self.city().await?.map_or_else(|| "本市".to_owned(), |c| c.name);
        let agency = self.site.agency.clone();
        let kind = if supplementary { "补充公示" } else { "公示" };
        let title = format!("关于 {} 年度工业企业亩均效益综合评价结果的{kind}", r.year);
        let period = match (&r.notice_start, &r.notice_end) {
            (Some(s), Some(e)) => format!("{} 至 {}", chinese_date(s), chinese_date(e)),
            _ => "—".to_owned(),
        };
        let breakdown = counts
            .iter()
            .map(|(c, n)| format!("{} {} 家", class_label(c), number(*n as f64, 0)))
            .collect::<Vec<_>>()
            .join("，");
        let mut paragraphs = vec![if supplementary {
            format!(
                "根据{city}“亩均论英雄”改革工作安排，{agency}对 {} 年度工业企业亩均效益综合评价结果进行了复核重算。现将评价类别发生变化的 {} 家企业予以补充公示（名单附后），其中{breakdown}。",
                r.year,
                number(list.len() as f64, 0)
            )
        } else {
            format!(
                "根据{city}“亩均论英雄”改革工作安排，{agency}会同税务、统计、自然资源、生态环境、供电等部门，采用《{}》，对 {} 年度 {} 家工业企业的亩均效益进行了综合评价。现将评价结果予以公示（名单附后），其中{breakdown}。",
                method_name(&r.method_source, &r.method_id),
                r.year,
                number(list.len() as f64, 0)
            )
        }];
        paragraphs.push(format!("公示期：{period}。"));
        paragraphs.push(format!(
            "公示期间，企业对本企业评价结果或所用数据有异议的，可登录“{}”在“我的异议”中提出，也可向{agency}书面反映，并提供相关证明材料。逾期未提出异议的，视为无异议。",
            self.site.title
        ));
        paragraphs.push("特此公示。".to_owned());
        let now = crate::clock::beijing(mujun_store::now_ms());
        let notice = Notice {
            title,
            paragraphs,
            issued: chinese_date(&now),
            list_title: format!("附件：{} 年度工业企业亩均效益综合评价结果名单", r.year),
            list,
            footer: format!("{agency} · {} 年度亩均效益综合评价结果{kind}", r.year),
            issuer: agency,
        };
        let lines = notice.list.len();
        let bytes = self.typeset(move || mujun_report::notice_pdf(&notice)).await?;
        self.audit_export(
            Who::Actor(actor),
            "run.export_notice",
            run_id,
            json!({"enterprises": lines, "bytes": bytes.len()}),
        )
        .await?;
        Ok(Download::bytes(
            format!("{}年度亩均效益综合评价结果{kind}.pdf", r.year),
            PDF,
            bytes,
        ))
    }
}

/// A class as a column header: `A 类`, `不参评` for X.
fn short_class(class: &str) -> String {
    if class == "X" {
        "不参评".to_owned()
    } else {
        format!("{class} 类")
    }
}
