//! `/runs/{id}/ranking`: the ranking table of a run within the caller's scope — filters
//! (county, cluster, industry, class, name or code), sortable columns and pages of 50. The store
//! pages in SQL (one page query and one count), so the page stays fast with 100,000 results.
//! `/runs/{id}/ranking.xlsx` downloads the filtered ranking.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use mujun_app::evaluation::format::group_label;
use mujun_store::runs::{RankingRow, ResultFilter, ResultSort};
use serde::Deserialize;

use super::{Id, Opt, class_label, number, region_name};
use crate::auth::PageUser;
use crate::error::PageError;
use crate::layout::Layout;
use crate::pages::pager::{PageLink, numbered};
use crate::pages::send;
use crate::state::AppState;

/// Rows per page.
const PER_PAGE: i64 = 50;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/runs/{id}/ranking", get(page))
        .route("/runs/{id}/ranking.xlsx", get(export))
}

/// Sortable columns: query value, order, header.
const SORTS: [(&str, ResultSort, &str); 4] = [
    ("rank", ResultSort::Rank, "排名"),
    ("name", ResultSort::Name, "企业名称"),
    ("total", ResultSort::Total, "总分"),
    ("class", ResultSort::Class, "类别"),
];

const CLASSES: [&str; 5] = ["A", "B", "C", "D", "X"];

#[derive(Deserialize, Default)]
struct RankingQuery {
    #[serde(default)]
    region: String,
    #[serde(default)]
    cluster: String,
    #[serde(default)]
    industry: String,
    #[serde(default)]
    class: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    page: String,
}

/// The query, normalised (what the links repeat).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Filters {
    region: String,
    cluster: String,
    industry: String,
    class: String,
    q: String,
    sort: String,
    page: i64,
}

impl Filters {
    fn from_query(q: &RankingQuery) -> Filters {
        let digits = |s: &str| {
            let s = s.trim();
            if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
                s.to_owned()
            } else {
                String::new()
            }
        };
        let industry = {
            let s = q.industry.trim();
            let s = s.strip_prefix(['C', 'c']).unwrap_or(s);
            if (1..=4).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
                s.to_owned()
            } else {
                String::new()
            }
        };
        let class = q.class.trim().to_uppercase();
        Filters {
            region: digits(&q.region),
            cluster: digits(&q.cluster),
            industry,
            class: if CLASSES.contains(&class.as_str()) {
                class
            } else {
                String::new()
            },
            q: q.q.trim().chars().take(100).collect(),
            sort: SORTS
                .iter()
                .find(|(k, _, _)| *k == q.sort.trim() && *k != "rank")
                .map_or(String::new(), |(k, _, _)| (*k).to_owned()),
            page: q.page.trim().parse::<i64>().unwrap_or(1).clamp(1, 1_000_000),
        }
    }

    fn filter(&self) -> ResultFilter {
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        ResultFilter {
            region_code: opt(&self.region),
            cluster_id: self.cluster.parse().ok(),
            industry: opt(&self.industry),
            class: opt(&self.class),
            search: opt(&self.q),
            ..ResultFilter::default()
        }
    }

    fn sort(&self) -> ResultSort {
        SORTS
            .iter()
            .find(|(k, _, _)| *k == self.sort)
            .map_or(ResultSort::Rank, |(_, s, _)| *s)
    }

    /// The query string of these filters with another sort and page (empty values left out).
    fn query(&self, sort: &str, page: i64) -> String {
        crate::pages::query_string(&[
            ("region", self.region.clone()),
            ("cluster", self.cluster.clone()),
            ("industry", self.industry.clone()),
            ("class", self.class.clone()),
            ("q", self.q.clone()),
            (
                "sort",
                if sort == "rank" {
                    String::new()
                } else {
                    sort.to_owned()
                },
            ),
            ("page", if page > 1 { page.to_string() } else { String::new() }),
        ])
    }

    fn filtered(&self) -> bool {
        !(self.region.is_empty()
            && self.cluster.is_empty()
            && self.industry.is_empty()
            && self.class.is_empty()
            && self.q.is_empty())
    }
}

/// A select of the filter form.
struct Select {
    name: &'static str,
    label: &'static str,
    all: &'static str,
    options: Vec<Opt>,
}

/// A column header, sortable when it has a link.
struct Header {
    label: &'static str,
    href: String,
    sorted: bool,
    /// Sorted from high to low (the total).
    desc: bool,
    num: bool,
}

/// One row of the table.
struct Row {
    enterprise_id: i64,
    rank: String,
    name: String,
    credit_code: String,
    region: String,
    cluster: String,
    industry: String,
    pool: String,
    land: String,
    tax: String,
    tax_per_mu: String,
    total: String,
    computed: String,
    class: String,
    adjusted: bool,
}

impl From<RankingRow> for Row {
    fn from(r: RankingRow) -> Row {
        let per_mu = match (r.tax_paid, r.land_area_mu) {
            (Some(t), Some(l)) if l > 0.0 => Some(t / l),
            _ => None,
        };
        Row {
            enterprise_id: r.enterprise_id,
            rank: match (r.rank, r.pool_size) {
                (Some(k), Some(n)) => format!("{k} / {n}"),
                _ if !r.excluded_reason.is_empty() => "不参评".to_owned(),
                _ => "否决".to_owned(),
            },
            region: region_name(&r.region_code),
            cluster: r.cluster.unwrap_or_default(),
            industry: r.industry_code,
            pool: if r.group_id.is_empty() {
                String::new()
            } else if r.pool == "all" {
                format!("{} · 全市", group_label(&r.group_id))
            } else {
                format!("{} · {}", group_label(&r.group_id), r.pool)
            },
            land: number(r.land_area_mu, 2),
            tax: number(r.tax_paid, 2),
            tax_per_mu: number(per_mu, 2),
            total: number(r.total, 2),
            adjusted: r.computed_class != r.final_class,
            computed: r.computed_class,
            class: r.final_class,
            name: r.name,
            credit_code: r.credit_code,
        }
    }
}

#[derive(Template)]
#[template(path = "evaluation/ranking.html")]
struct RankingPage {
    l: Layout,
    id: i64,
    q: String,
    industry: String,
    sort: String,
    selects: Vec<Select>,
    headers: Vec<Header>,
    rows: Vec<Row>,
    total: i64,
    first: i64,
    last: i64,
    pages: Vec<PageLink>,
    filtered: bool,
    export: String,
}

fn pager(id: i64, f: &Filters, page: i64, pages: i64) -> Vec<PageLink> {
    numbered(page, pages, |p| {
        format!("/runs/{id}/ranking{}", f.query(&f.sort, p))
    })
}

async fn page(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Query(q): Query<RankingQuery>,
) -> Result<Response, PageError> {
    let a = &user.actor;
    let f = Filters::from_query(&q);
    let (rows, total) = state
        .app
        .run_ranking(a, id, &f.filter(), f.sort(), f.page, PER_PAGE)
        .await?;
    let reference = state.app.reference(a).await?;
    let clusters = state.app.visible_clusters(a).await?;
    let l = crate::pages::layout(&state, &user, &format!("评价批次 #{id} · 排名"), "/runs", None).await?;
    // A county officer's ranking holds only its county: offer only that one.
    let regions = reference
        .regions
        .iter()
        .filter(|r| r.parent_code.is_some())
        .filter(|r| a.region_code.as_deref().is_none_or(|own| own == r.code))
        .map(|r| Opt::new(r.code.clone(), r.name.clone(), &f.region))
        .collect();
    let selects = vec![
        Select {
            name: "region",
            label: "县区",
            all: "全部县区",
            options: regions,
        },
        Select {
            name: "cluster",
            label: "产业集聚区",
            all: "全部集聚区",
            options: clusters
                .iter()
                .map(|c| Opt::new(c.id.to_string(), c.name.clone(), &f.cluster))
                .collect(),
        },
        Select {
            name: "class",
            label: "类别",
            all: "全部类别",
            options: CLASSES
                .iter()
                .map(|c| Opt::new(*c, class_label(c), &f.class))
                .collect(),
        },
    ];
    let current = if f.sort.is_empty() {
        "rank"
    } else {
        f.sort.as_str()
    };
    let header = |key: &str| {
        SORTS
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(k, _, label)| Header {
                label,
                href: format!("/runs/{id}/ranking{}", f.query(k, 1)),
                sorted: *k == current,
                desc: *k == "total",
                num: *k == "total",
            })
    };
    let plain = |label| Header {
        label,
        href: String::new(),
        sorted: false,
        desc: false,
        num: false,
    };
    let numeric = |label| Header {
        num: true,
        ..plain(label)
    };
    let headers: Vec<Header> = [
        header("rank"),
        header("name"),
        Some(plain("县区")),
        Some(plain("产业集聚区")),
        Some(plain("行业")),
        Some(plain("评价组 · 排名池")),
        Some(numeric("用地（亩）")),
        Some(numeric("实缴税收（万元）")),
        Some(numeric("亩均税收（万元/亩）")),
        header("total"),
        header("class"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let rows: Vec<Row> = rows.into_iter().map(Row::from).collect();
    let pages = (total + PER_PAGE - 1) / PER_PAGE;
    let first = (f.page - 1) * PER_PAGE + 1;
    let body = RankingPage {
        l,
        id,
        q: f.q.clone(),
        industry: f.industry.clone(),
        sort: f.sort.clone(),
        selects,
        headers,
        total,
        first,
        last: first + rows.len() as i64 - 1,
        rows,
        pages: pager(id, &f, f.page, pages),
        filtered: f.filtered(),
        export: format!("/runs/{id}/ranking.xlsx{}", f.query(&f.sort, 1)),
    };
    Ok(crate::pages::render(&body)?.into_response())
}

/// `GET /runs/{id}/ranking.xlsx`: the filtered ranking of the caller's scope (audited).
async fn export(
    State(state): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Query(q): Query<RankingQuery>,
) -> Result<Response, PageError> {
    let f = Filters::from_query(&q);
    let file = state.app.export_ranking(&user.actor, id, &f.filter()).await?;
    Ok(send(file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_drop_what_they_do_not_know() {
        let f = Filters::from_query(&RankingQuery {
            region: "41170x".into(),
            cluster: "7".into(),
            industry: "C35".into(),
            class: "b".into(),
            q: "  驻马店 ".into(),
            sort: "drop".into(),
            page: "-2".into(),
        });
        assert_eq!(
            (
                f.region.as_str(),
                f.cluster.as_str(),
                f.industry.as_str(),
                f.class.as_str()
            ),
            ("", "7", "35", "B")
        );
        assert_eq!((f.q.as_str(), f.sort.as_str(), f.page), ("驻马店", "", 1));
        assert_eq!(f.sort(), ResultSort::Rank);
        assert_eq!(f.filter().cluster_id, Some(7));
        assert_eq!(
            f.query("total", 3),
            "?cluster=7&industry=35&class=B&q=%E9%A9%BB%E9%A9%AC%E5%BA%97&sort=total&page=3"
        );
        assert!(f.filtered());
    }
}
