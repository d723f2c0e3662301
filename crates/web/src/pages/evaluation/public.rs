//! The public list (公示名单), without login: one result per year — the list under notice or
//! the published list, never several — and for each the enterprises' names, credit codes,
//! counties, clusters and classes — nothing else (the use case returns only these columns) —
//! with an xlsx download audited with the client address. A reopened year says so.

use askama::Template;
use axum::Router;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use mujun_app::evaluation::RunState;
use mujun_app::evaluation::public::PublicRun;
use serde::Deserialize;

use super::{Id, Opt, class_label, region_name};
use crate::auth::client_ip;
use crate::error::PageError;
use crate::pages::send;
use crate::state::AppState;

/// Rows per page.
const PER_PAGE: i64 = 50;

/// Routes of this module (no session needed).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/public/runs", get(runs))
        .route("/public/runs/{id}", get(list))
        .route("/public/runs/{id}/list.xlsx", get(export))
}

/// The client address of an anonymous request (for the audit trail of downloads).
struct ClientIp(String);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(parts, state)))
    }
}

/// A public run.
struct RunLine {
    id: i64,
    year: i64,
    title: String,
    state: &'static str,
    notice: String,
    note: String,
}

/// How the public reads a run's state.
fn public_state(r: &PublicRun) -> &'static str {
    match (r.state, r.supplementary) {
        (RunState::Published, _) => "已发布",
        (RunState::Reopened, _) => "已发布（该年度已重新开放）",
        (_, true) => "补充公示中",
        _ => "公示中",
    }
}

/// What the public is told about a reopened year or a supplementary notice.
fn public_note(r: &PublicRun) -> String {
    let mut note = String::new();
    if let Some((date, reason)) = &r.reopening {
        note = if r.state == RunState::Reopened {
            format!(
                "该年度已于 {date} 重新开放评价（理由：{reason}），新的评价结果将重新公示；在新结果发布前本名单继续有效。"
            )
        } else {
            format!("该年度已于 {date} 重新开放评价（理由：{reason}），本名单为重新评价的结果。")
        };
    }
    if r.supplementary && r.state == RunState::Notice {
        note.push_str("本次为补充公示，仅列出重新评价后类别发生变化的企业。");
    }
    note
}

#[derive(Template)]
#[template(path = "evaluation/public/runs.html")]
struct RunsPage {
    title: String,
    runs: Vec<RunLine>,
}

async fn runs(State(state): State<AppState>) -> Result<Response, PageError> {
    let runs = state
        .app
        .public_runs()
        .await?
        .into_iter()
        .map(|r| RunLine {
            state: public_state(&r),
            note: public_note(&r),
            id: r.id,
            year: r.year,
            title: r.title,
            notice: match (r.notice_start, r.notice_end) {
                (Some(s), Some(e)) => format!("{s} 至 {e}"),
                _ => String::new(),
            },
        })
        .collect();
    Ok(crate::pages::render(&RunsPage {
        title: "评价结果公示".to_owned(),
        runs,
    })?
    .into_response())
}

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    class: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: String,
}

/// One enterprise of the list: the public columns only.
struct Line {
    credit_code: String,
    name: String,
    region: String,
    cluster: String,
    class: String,
    class_label: String,
}

/// A link of the pager.
struct PageLink {
    label: String,
    href: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "evaluation/public/list.html")]
struct ListPage {
    title: String,
    id: i64,
    state: &'static str,
    notice: String,
    note: String,
    classes: Vec<Opt>,
    q: String,
    lines: Vec<Line>,
    total: i64,
    pages: Vec<PageLink>,
}

async fn list(
    State(state): State<AppState>,
    Id(id): Id,
    Query(p): Query<ListQuery>,
) -> Result<Response, PageError> {
    let class = p.class.trim().to_uppercase();
    let class = ["A", "B", "C", "D", "X"]
        .contains(&class.as_str())
        .then_some(class);
    let q: String = p.q.trim().chars().take(100).collect();
    let page = p.page.trim().parse::<i64>().unwrap_or(1).clamp(1, 1_000_000);
    let (run, lines, total) = state
        .app
        .public_list(
            id,
            class.clone(),
            (!q.is_empty()).then(|| q.clone()),
            page,
            PER_PAGE,
        )
        .await?;
    let current = class.clone().unwrap_or_default();
    let pages_total = (total + PER_PAGE - 1) / PER_PAGE;
    let link = |n: i64| {
        format!(
            "/public/runs/{id}{}",
            crate::pages::query_string(&[
                ("class", current.clone()),
                ("q", q.clone()),
                ("page", if n > 1 { n.to_string() } else { String::new() }),
            ])
        )
    };
    let mut pages = Vec::new();
    if pages_total > 1 {
        if page > 1 {
            pages.push(PageLink {
                label: "上一页".into(),
                href: link(page - 1),
                current: false,
            });
        }
        pages.push(PageLink {
            label: format!("第 {page} / {pages_total} 页"),
            href: String::new(),
            current: true,
        });
        if page < pages_total {
            pages.push(PageLink {
                label: "下一页".into(),
                href: link(page + 1),
                current: false,
            });
        }
    }
    let body = ListPage {
        state: public_state(&run),
        note: public_note(&run),
        title: run.title,
        id,
        notice: match (run.notice_start, run.notice_end) {
            (Some(s), Some(e)) => format!("{s} 至 {e}"),
            _ => String::new(),
        },
        classes: ["A", "B", "C", "D", "X"]
            .iter()
            .map(|c| Opt::new(*c, class_label(c), &current))
            .collect(),
        q,
        lines: lines
            .into_iter()
            .map(|l| Line {
                region: region_name(&l.region_code),
                class_label: class_label(&l.class),
                credit_code: l.credit_code,
                name: l.name,
                cluster: l.cluster,
                class: l.class,
            })
            .collect(),
        total,
        pages,
    };
    Ok(crate::pages::render(&body)?.into_response())
}

/// `GET /public/runs/{id}/list.xlsx` (no login; audited with the client address).
async fn export(
    State(state): State<AppState>,
    Id(id): Id,
    ClientIp(ip): ClientIp,
) -> Result<Response, PageError> {
    let file = state.app.export_public_list(id, &ip).await?;
    Ok(send(file))
}
