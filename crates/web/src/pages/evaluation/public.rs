//! The public list (公示名单), without login: the runs under notice or published, and for each
//! the enterprises' names, credit codes, counties, clusters and classes — nothing else (the use
//! case returns only these columns) — with an xlsx download audited with the client address.

use askama::Template;
use axum::Router;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use mujun_app::evaluation::RunState;
use serde::Deserialize;

use super::{Id, Opt, class_label, region_name};
use crate::auth::client_ip;
use crate::error::PageError;
use crate::pages::download;
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
            id: r.id,
            year: r.year,
            title: r.title,
            state: if r.state == RunState::Published {
                "已发布"
            } else {
                "公示中"
            },
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
    let page = p.page.trim().parse::<i64>().unwrap_or(1).max(1);
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
        title: run.title,
        id,
        state: if run.state == RunState::Published {
            "已发布"
        } else {
            "公示中"
        },
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
    Ok(download(file.bytes, file.content_type, &file.file_name))
}
