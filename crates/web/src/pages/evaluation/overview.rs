//! `/runs/{id}`: one run — its state and progress (a running run's page refreshes itself every
//! two seconds, without script), method and hashes, notice period, the class totals and a chart
//! of the classes per pool, the pools with their benchmarks, the county and cluster summaries
//! beside last year's, the class changes of a re-run, the downloads, and for the city
//! administrator the workflow steps valid in the run's state.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use mujun_app::Role;
use mujun_app::evaluation::RunState;
use mujun_app::evaluation::actions::RunActions;
use mujun_app::evaluation::format::group_label;
use mujun_app::evaluation::results::{SummaryTable, indicator_label, indicator_unit};
use mujun_store::runs::SummaryBy;
use serde::Deserialize;

use super::chart::{PoolBar, class_bars};
use super::{Id, class_label, number, region_name, state_tag};
use crate::auth::PageUser;
use crate::error::PageError;
use crate::layout::Layout;
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new().route("/runs/{id}", get(page))
}

#[derive(Deserialize, Default)]
struct PageQuery {
    msg: Option<String>,
}

/// A class and its count.
struct ClassCount {
    class: String,
    label: String,
    count: i64,
}

/// A benchmark of a pool.
struct Benchmark {
    label: &'static str,
    unit: &'static str,
    value: String,
}

/// One ranking pool.
struct PoolLine {
    group: String,
    label: String,
    key: &'static str,
    size: i64,
    vetoed: i64,
    counts: Vec<(String, i64)>,
    benchmarks: Vec<Benchmark>,
    quotas: String,
}

/// A count now and last year.
struct Cell {
    now: i64,
    last: i64,
}

/// A line of a summary.
struct SummaryRow {
    label: String,
    counts: Vec<Cell>,
    enterprises: i64,
    tax_per_mu: String,
    last_tax_per_mu: String,
    revenue_per_mu: String,
    rd_intensity: String,
}

/// A county or cluster summary.
struct SummaryView {
    classes: Vec<String>,
    lines: Vec<SummaryRow>,
    /// Last year's published run compared with (0: none).
    last_run: i64,
    /// Last year compared from its collected figures.
    last_from_figures: bool,
}

impl SummaryView {
    fn from_table(t: SummaryTable) -> SummaryView {
        SummaryView {
            lines: t
                .lines
                .into_iter()
                .map(|l| SummaryRow {
                    label: l.label,
                    counts: l
                        .counts
                        .iter()
                        .zip(l.last_counts.iter().chain(std::iter::repeat(&0)))
                        .map(|(now, last)| Cell {
                            now: *now,
                            last: *last,
                        })
                        .collect(),
                    enterprises: l.enterprises,
                    tax_per_mu: number(l.tax_per_mu, 2),
                    last_tax_per_mu: number(l.last_tax_per_mu, 2),
                    revenue_per_mu: number(l.revenue_per_mu, 2),
                    rd_intensity: number(l.rd_intensity, 2),
                })
                .collect(),
            classes: t.classes,
            last_run: t.last_run_id.unwrap_or(0),
            last_from_figures: t.last_from_figures,
        }
    }
}

/// A class change against the run this one re-runs.
struct Change {
    enterprise_id: i64,
    credit_code: String,
    name: String,
    from: String,
    to: String,
}

#[derive(Template)]
#[template(path = "evaluation/overview.html")]
struct OverviewPage {
    l: Layout,
    id: i64,
    year: i64,
    state: &'static str,
    tag: &'static str,
    running: bool,
    failed: bool,
    has_results: bool,
    progress: i64,
    message: String,
    method_id: String,
    method_ref: String,
    method_hash: String,
    input_hash: String,
    content_hash: String,
    notice: String,
    previous: i64,
    enterprises: i64,
    created_by: String,
    created_at: String,
    finished_at: String,
    published_at: String,
    totals: Vec<ClassCount>,
    chart: String,
    pools: Vec<PoolLine>,
    /// The county and the cluster summaries with their headings.
    summaries: Vec<(&'static str, SummaryView)>,
    changes: Vec<Change>,
    actions: RunActions,
    today: String,
    week: String,
    /// Last day of a supplementary notice of the shortest length.
    short_end: String,
    /// `补充公示（仅类别变化的企业）` or empty for a full notice.
    notice_kind: &'static str,
    /// Why the notice was cut short, if it was.
    notice_end_reason: String,
    /// When and why the year was reopened (a reopened run).
    reopened: String,
    /// Minimum notice length in days.
    notice_min_days: i64,
    /// The enterprise user's own score card, else empty.
    own_card: String,
    errors: Vec<String>,
}

/// Renders the page of run `id` (also after a refused workflow step, with its messages).
pub(super) async fn render(
    state: &AppState,
    user: &PageUser,
    id: i64,
    msg: Option<&str>,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let a = &user.actor;
    let view = state.app.get_run(a, id).await?;
    let st = view.state;
    let run = view.run;
    let has_results = !matches!(st, RunState::Running | RunState::Failed);
    let mut page = OverviewPage {
        l: crate::pages::layout(state, user, &run.title, "/runs", msg).await?,
        id,
        year: run.year,
        state: st.label(),
        tag: state_tag(st),
        running: st == RunState::Running,
        failed: st == RunState::Failed,
        has_results,
        progress: run.progress,
        message: run.message.clone(),
        method_id: mujun_app::evaluation::format::method_name(&run.method_source, &run.method_id),
        method_ref: run.method_ref.clone(),
        method_hash: run.method_hash.clone(),
        input_hash: run.input_hash.clone(),
        content_hash: run.content_hash.clone(),
        notice: match (&run.notice_start, &run.notice_end) {
            (Some(s), Some(e)) => format!("{s} 至 {e}"),
            _ => String::new(),
        },
        previous: run.previous_run_id.unwrap_or(0),
        enterprises: run.enterprises,
        created_by: view.created_by,
        created_at: crate::pages::format_time(run.created_at),
        finished_at: run.finished_at.map(crate::pages::format_time).unwrap_or_default(),
        published_at: run
            .published_at
            .map(crate::pages::format_time)
            .unwrap_or_default(),
        totals: Vec::new(),
        chart: String::new(),
        pools: Vec::new(),
        summaries: Vec::new(),
        changes: Vec::new(),
        actions: state.app.run_actions(a, &run).await?,
        today: super::beijing_date(0),
        week: super::beijing_date(state.app.workflow().notice_min_days - 1),
        short_end: super::beijing_date(state.app.workflow().supplementary_notice_min_days - 1),
        notice_kind: if run.notice_kind == "supplementary" {
            "补充公示（仅类别发生变化的企业）"
        } else {
            ""
        },
        notice_end_reason: run.notice_end_reason.clone(),
        reopened: run.reopened_at.map_or_else(String::new, |at| {
            format!(
                "{} 由市级评价管理员重新开放，理由：{}",
                crate::pages::format_time(at),
                run.reopen_reason
            )
        }),
        notice_min_days: state.app.workflow().notice_min_days,
        own_card: match (a.role, a.enterprise_id) {
            (Role::Enterprise, Some(e)) => format!("/runs/{id}/enterprises/{e}"),
            _ => String::new(),
        },
        errors,
    };
    if has_results {
        let overview = state.app.run_overview(a, id).await?;
        let counties = state.app.run_summary(a, id, SummaryBy::County).await?;
        let clusters = state.app.run_summary(a, id, SummaryBy::Cluster).await?;
        page.totals = overview
            .totals
            .iter()
            .map(|(c, n)| ClassCount {
                class: c.clone(),
                label: class_label(c),
                count: *n,
            })
            .collect();
        let mut bars: Vec<PoolBar> = Vec::new();
        for p in &overview.pools {
            let label = pool_label(&p.detail.key, &p.label);
            bars.push(PoolBar {
                label: format!("{} · {label}", group_label(&p.group_id)),
                counts: p.counts.clone(),
            });
            page.pools.push(PoolLine {
                group: group_label(&p.group_id),
                label,
                key: match p.detail.key.as_str() {
                    "cluster" => "按集聚区排名",
                    "region" => "按县区排名",
                    _ => "全市排名",
                },
                size: p.size,
                vetoed: p.vetoed,
                counts: p.counts.clone(),
                benchmarks: p
                    .detail
                    .indicators
                    .iter()
                    .zip(&p.detail.benchmarks)
                    .map(|(i, b)| Benchmark {
                        label: indicator_label(i),
                        unit: indicator_unit(i),
                        value: number(*b, 4),
                    })
                    .collect(),
                quotas: p.detail.quotas.map_or_else(String::new, |(top, a, c)| {
                    format!("前段 {top} 家，其中 A 类 {a} 家；后段 C 类 {c} 家")
                }),
            });
        }
        let excluded = overview
            .totals
            .iter()
            .find(|(c, _)| c == "X")
            .map_or(0, |(_, n)| *n);
        if excluded > 0 {
            bars.push(PoolBar {
                label: "不参评".to_owned(),
                counts: vec![("X".to_owned(), excluded)],
            });
        }
        page.chart = class_bars(&bars);
        page.summaries = vec![
            ("按县区汇总", SummaryView::from_table(counties)),
            ("按产业集聚区汇总", SummaryView::from_table(clusters)),
        ];
        page.changes = overview
            .changes
            .into_iter()
            .map(|(enterprise_id, credit_code, name, from, to)| Change {
                enterprise_id,
                credit_code,
                name,
                from,
                to,
            })
            .collect();
    }
    Ok((status, crate::pages::render(&page)?).into_response())
}

/// How a pool reads: `全市`, `驿城区（411702）` or the cluster's name.
fn pool_label(key: &str, label: &str) -> String {
    match (key, label) {
        (_, "all") => "全市".to_owned(),
        ("region", code) => format!("{}（{code}）", region_name(code)),
        (_, other) => other.to_owned(),
    }
}

async fn page(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    render(&state, &user, id, q.msg.as_deref(), Vec::new(), StatusCode::OK).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pools_read_in_chinese() {
        assert_eq!(pool_label("all", "all"), "全市");
        assert_eq!(pool_label("region", "411702"), "驿城区（411702）");
        assert_eq!(
            pool_label("cluster", "驻马店装备产业集聚区"),
            "驻马店装备产业集聚区"
        );
    }
}
