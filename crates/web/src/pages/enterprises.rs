//! `/enterprises`: 企业名录 — the list (search, filters, sorting, pages), 一企一档 (everything
//! about one enterprise), the history of one figure, and the registry forms (new and edit).
//!
//! The list issues one page query and one count through `list_enterprises`, whatever the size of
//! the registry; names of counties and industries come from the reference tables, never from
//! per-row queries.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use mujun_app::registry::enterprises::{EnterpriseForm, EnterpriseQuery, STATUSES};
use mujun_app::registry::reference::Reference;
use mujun_app::{AppError, FieldError};
use mujun_domain::{Field, IndustryCode, RegionCode};
use mujun_store::StoreError;
use mujun_store::clusters::Cluster;
use mujun_store::enterprises::{Enterprise, ListFilter, SortBy};
use serde::Deserialize;

use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::layout::Layout;
use crate::pages::pager::{PageLink, numbered};
use crate::state::AppState;

/// Rows per page of the list.
const PER_PAGE: i64 = 50;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/enterprises", get(list))
        .route("/enterprises.xlsx", get(export))
        .route("/enterprises/new", get(new_form).post(create))
        .route("/enterprises/{id}", get(detail))
        .route("/enterprises/{id}/history", get(history))
        .route("/enterprises/{id}/edit", get(edit_form).post(update))
}

// ---------------------------------------------------------------------------------------------
// Helpers shared with the cluster pages.

/// An `<option>` of a select.
#[derive(Clone, Debug)]
pub(super) struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Opt {
    pub(super) fn new(value: impl Into<String>, label: impl Into<String>, current: &str) -> Opt {
        let value = value.into();
        Opt {
            selected: value == current,
            label: label.into(),
            value,
        }
    }
}

/// The validation messages of a submitted form: each next to its field, the rest (conflicts,
/// duplicates, fields the form does not show) at the top.
#[derive(Clone, Debug, Default)]
pub(super) struct FormErrors {
    fields: Vec<FieldError>,
    top: Vec<String>,
}

impl FormErrors {
    /// Sorts the errors of a failed use case into field and top messages; errors that are not
    /// about the form (forbidden, not found, internal) stay errors and become error pages.
    pub(super) fn from_failure(e: AppError, shown: &[&str]) -> Result<(StatusCode, FormErrors), PageError> {
        match e {
            AppError::Invalid(list) => {
                let (fields, rest): (Vec<_>, Vec<_>) =
                    list.into_iter().partition(|f| shown.contains(&f.field));
                Ok((
                    StatusCode::UNPROCESSABLE_ENTITY,
                    FormErrors {
                        fields,
                        top: rest.into_iter().map(|f| f.message).collect(),
                    },
                ))
            }
            e @ AppError::Store(StoreError::Conflict(_) | StoreError::Duplicate(_)) => Ok((
                StatusCode::CONFLICT,
                FormErrors {
                    fields: Vec::new(),
                    top: vec![e.to_string()],
                },
            )),
            e => Err(e.into()),
        }
    }

    /// The message of a field.
    pub(super) fn get(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.field == field)
            .map(|f| f.message.as_str())
    }

    /// `invalid` when the field has a message (the label's class).
    pub(super) fn class(&self, field: &str) -> &'static str {
        if self.get(field).is_some() { "invalid" } else { "" }
    }

    /// Messages shown above the form.
    pub(super) fn top(&self) -> &[String] {
        &self.top
    }
}

/// A path id; anything but a number is a missing page.
pub(super) fn parse_id(text: &str) -> Result<i64, PageError> {
    text.parse::<i64>().map_err(|_| PageError::not_found())
}

/// The Chinese name of a county: the reference table first, the Zhumadian table next.
pub(super) fn region_name(regions: &HashMap<String, String>, code: &str) -> String {
    regions
        .get(code)
        .cloned()
        .or_else(|| {
            RegionCode::parse(code)
                .ok()
                .and_then(|r| r.name())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| code.to_owned())
}

/// Code → name of every region in the reference tables.
pub(super) fn region_map(r: &Reference) -> HashMap<String, String> {
    r.regions
        .iter()
        .map(|x| (x.code.clone(), x.name.clone()))
        .collect()
}

/// The county options of a form: counties valid now (not the prefecture itself), and the
/// current value even when it is no longer valid.
pub(super) fn region_options(r: &Reference, current: &str) -> Vec<Opt> {
    let mut v: Vec<Opt> = r
        .regions
        .iter()
        .filter(|x| x.parent_code.is_some())
        .map(|x| Opt::new(x.code.clone(), format!("{}（{}）", x.name, x.code), current))
        .collect();
    if !current.is_empty() && !v.iter().any(|o| o.selected) {
        v.push(Opt::new(current, format!("{current}（现值）"), current));
    }
    v
}

/// A number for display: thousands separators, at most 4 decimals, no trailing zeros.
pub(super) fn format_number(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    let text = format!("{:.4}", v.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let frac = frac.trim_end_matches('0');
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if v < 0.0 && (int != "0" || !frac.is_empty()) {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

fn parse_year(text: &str) -> i64 {
    text.trim().parse().unwrap_or(0)
}

fn status_label(status: &str) -> &'static str {
    STATUSES
        .iter()
        .find(|(s, _)| *s == status)
        .map_or("未知状态", |(_, l)| *l)
}

fn scale_label(scale: &str) -> &'static str {
    match scale {
        "above" => "规上",
        "below" => "规下",
        _ => "",
    }
}

use mujun_app::evaluation::format::class_label;

fn item_label(item: &str) -> &str {
    mujun_domain::items::item_label(item).unwrap_or(item)
}

/// `3511` → its 大类 name, from the reference table.
fn industry_name(industries: &HashMap<i64, String>, code: &str) -> String {
    IndustryCode::parse(code)
        .ok()
        .and_then(|i| industries.get(&i64::from(i.division())))
        .cloned()
        .unwrap_or_default()
}

fn this_year() -> i64 {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    super::format_time(ms)
        .get(..4)
        .and_then(|y| y.parse().ok())
        .unwrap_or(2025)
}

// ---------------------------------------------------------------------------------------------
// The list.

/// Sortable columns: query value, column, header.
const SORTS: [(&str, SortBy, &str); 6] = [
    ("code", SortBy::CreditCode, "统一社会信用代码"),
    ("name", SortBy::Name, "企业名称"),
    ("region", SortBy::Region, "县区"),
    ("cluster", SortBy::Cluster, "产业集聚区"),
    ("industry", SortBy::Industry, "行业"),
    ("class", SortBy::Class, "档次"),
];

const CLASSES: [&str; 5] = ["A", "B", "C", "D", "X"];

#[derive(Deserialize, Default)]
struct ListParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    cluster: String,
    #[serde(default)]
    industry: String,
    #[serde(default)]
    scale: String,
    #[serde(default)]
    class: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    dir: String,
    #[serde(default)]
    page: String,
    msg: Option<String>,
}

/// The list's query, normalised (what the links repeat).
#[derive(Clone, Debug, Default)]
struct ListState {
    q: String,
    region: String,
    cluster: String,
    industry: String,
    scale: String,
    class: String,
    year: String,
    sort: String,
    desc: bool,
    page: i64,
}

impl ListState {
    fn from_params(p: &ListParams) -> ListState {
        let digits = |s: &str| {
            let s = s.trim();
            if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
                s.to_owned()
            } else {
                String::new()
            }
        };
        let industry = {
            let s = p.industry.trim();
            let s = s.strip_prefix(['C', 'c']).unwrap_or(s);
            if (s.len() == 2 || s.len() == 4) && s.bytes().all(|b| b.is_ascii_digit()) {
                s.to_owned()
            } else {
                String::new()
            }
        };
        let class = p.class.trim().to_uppercase();
        let sort = SORTS
            .iter()
            .find(|(k, _, _)| *k == p.sort.trim())
            .map_or(String::new(), |(k, _, _)| (*k).to_owned());
        ListState {
            q: p.q.trim().chars().take(100).collect(),
            region: digits(&p.region),
            cluster: digits(&p.cluster),
            industry,
            scale: match p.scale.trim() {
                s @ ("above" | "below") => s.to_owned(),
                _ => String::new(),
            },
            class: if CLASSES.contains(&class.as_str()) {
                class
            } else {
                String::new()
            },
            year: digits(&p.year),
            sort: if sort == "code" { String::new() } else { sort },
            desc: p.dir.trim() == "desc",
            page: p.page.trim().parse::<i64>().unwrap_or(1).clamp(1, 1_000_000),
        }
    }

    fn query(&self) -> EnterpriseQuery {
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        EnterpriseQuery {
            filter: ListFilter {
                search: opt(&self.q),
                region_code: opt(&self.region),
                cluster_id: self.cluster.parse().ok(),
                industry: opt(&self.industry),
                scale: opt(&self.scale),
                class: opt(&self.class),
                year: self.year.parse().unwrap_or(0),
            },
            sort: SORTS
                .iter()
                .find(|(k, _, _)| *k == self.sort)
                .map_or(SortBy::CreditCode, |(_, s, _)| *s),
            descending: self.desc,
            page: self.page,
            per_page: PER_PAGE,
        }
    }

    /// A link to the list with this state, another sort and another page.
    fn href(&self, sort: &str, desc: bool, page: i64) -> String {
        let sort = if sort == "code" { "" } else { sort };
        let dir = if desc { "desc" } else { "" };
        let page = if page > 1 { page.to_string() } else { String::new() };
        format!(
            "/enterprises{}",
            super::query_string(&[
                ("q", self.q.clone()),
                ("region", self.region.clone()),
                ("cluster", self.cluster.clone()),
                ("industry", self.industry.clone()),
                ("scale", self.scale.clone()),
                ("class", self.class.clone()),
                ("year", self.year.clone()),
                ("sort", sort.to_owned()),
                ("dir", dir.to_owned()),
                ("page", page),
            ])
        )
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
    class: &'static str,
}

struct ListRowView {
    id: i64,
    credit_code: String,
    name: String,
    region: String,
    cluster: String,
    industry_code: String,
    industry_name: String,
    scale: &'static str,
    class: String,
    status: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "enterprises/list.html")]
struct ListPage {
    l: Layout,
    q: String,
    selects: Vec<Select>,
    sort: String,
    dir: &'static str,
    headers: Vec<Header>,
    rows: Vec<ListRowView>,
    total: i64,
    first: i64,
    last: i64,
    year: i64,
    detail_query: String,
    pages: Vec<PageLink>,
    can_edit: bool,
    filtered: bool,
    /// The export of the list as filtered and sorted.
    export_href: String,
}

fn pager(state: &ListState, page: i64, pages: i64) -> Vec<PageLink> {
    numbered(page, pages, |p| state.href(&state.sort, state.desc, p))
}

/// `GET /enterprises.xlsx`: every enterprise the list's filters select, in its order.
async fn export(
    State(state): State<AppState>,
    user: PageUser,
    Query(p): Query<ListParams>,
) -> Result<Response, PageError> {
    let st = ListState::from_params(&p);
    Ok(super::send(
        state.app.export_enterprises(&user.actor, &st.query()).await?,
    ))
}

async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Query(p): Query<ListParams>,
) -> Result<Response, PageError> {
    let a = &user.actor;
    let st = ListState::from_params(&p);
    let page = state.app.list_enterprises(a, &st.query()).await?;
    let reference = state.app.reference(a).await?;
    let clusters = state.app.visible_clusters(a).await?;
    let l = super::layout(&state, &user, "企业名录", "/enterprises", p.msg.as_deref()).await?;

    let regions = region_map(&reference);
    let industries: HashMap<i64, String> = reference
        .industries
        .iter()
        .map(|i| (i.division, i.name.clone()))
        .collect();

    // Filter choices. A county officer's list holds only its county: offer only that one.
    let region_options: Vec<Opt> = reference
        .regions
        .iter()
        .filter(|r| r.parent_code.is_some())
        .filter(|r| a.region_code.as_deref().is_none_or(|own| own == r.code))
        .map(|r| Opt::new(r.code.clone(), r.name.clone(), &st.region))
        .collect();
    let cluster_options = clusters
        .iter()
        .map(|c| Opt::new(c.id.to_string(), c.name.clone(), &st.cluster))
        .collect();
    let mut industry_options: Vec<Opt> = reference
        .industries
        .iter()
        .map(|i| {
            Opt::new(
                format!("{:02}", i.division),
                format!("{:02} {}", i.division, i.name),
                &st.industry,
            )
        })
        .collect();
    // A division or code outside the 31 manufacturing 大类 (from a link) stays visible.
    if !st.industry.is_empty() && !industry_options.iter().any(|o| o.selected) {
        industry_options.push(Opt::new(
            st.industry.clone(),
            format!("{}（其他行业）", st.industry),
            &st.industry,
        ));
    }
    let scale_options = vec![
        Opt::new("above", "规上", &st.scale),
        Opt::new("below", "规下", &st.scale),
    ];
    let class_options = CLASSES
        .iter()
        .map(|c| Opt::new(*c, class_label(c), &st.class))
        .collect();
    // Years with data (or, before any, the last six), and the one shown.
    let newest = this_year() - 1;
    let mut years: Vec<i64> = if page.years.is_empty() {
        ((newest - 5)..=newest).rev().collect()
    } else {
        page.years.clone()
    };
    if page.year > 0 && !years.contains(&page.year) {
        years.push(page.year);
        years.sort_unstable_by(|x, y| y.cmp(x));
    }
    let year_options = years
        .into_iter()
        .map(|y| Opt::new(y.to_string(), format!("{y} 年度"), &st.year))
        .collect();
    let selects = vec![
        Select {
            name: "region",
            label: "县区",
            all: "全部县区",
            options: region_options,
        },
        Select {
            name: "cluster",
            label: "产业集聚区",
            all: "全部集聚区",
            options: cluster_options,
        },
        Select {
            name: "industry",
            label: "行业",
            all: "全部行业",
            options: industry_options,
        },
        Select {
            name: "scale",
            label: "规模",
            all: "全部",
            options: scale_options,
        },
        Select {
            name: "class",
            label: "档次",
            all: "全部档次",
            options: class_options,
        },
        Select {
            name: "year",
            label: "年度",
            all: "最新年度",
            options: year_options,
        },
    ];

    let mut headers: Vec<Header> = SORTS
        .iter()
        .map(|(key, _, label)| {
            let current = if st.sort.is_empty() {
                "code"
            } else {
                st.sort.as_str()
            };
            let sorted = *key == current;
            Header {
                label,
                href: st.href(key, sorted && !st.desc, 1),
                class: match (sorted, st.desc) {
                    (true, false) => "sorted",
                    (true, true) => "sorted desc",
                    _ => "",
                },
            }
        })
        .collect();
    headers.insert(
        5,
        Header {
            label: "规模",
            href: String::new(),
            class: "",
        },
    );

    let rows = page
        .rows
        .into_iter()
        .map(|r| ListRowView {
            id: r.id,
            region: region_name(&regions, &r.region_code),
            cluster: r.cluster_name.unwrap_or_default(),
            industry_name: industry_name(&industries, &r.industry_code),
            industry_code: r.industry_code,
            scale: r.scale.as_deref().map_or("", scale_label),
            class: r.class.unwrap_or_default(),
            status: (r.status != "operating").then(|| status_label(&r.status)),
            credit_code: r.credit_code,
            name: r.name,
        })
        .collect::<Vec<_>>();
    let pages_total = (page.total + page.per_page - 1) / page.per_page;
    let first = (page.page - 1) * page.per_page + 1;
    let last = first + rows.len() as i64 - 1;
    let filtered = !(st.q.is_empty()
        && st.region.is_empty()
        && st.cluster.is_empty()
        && st.industry.is_empty()
        && st.scale.is_empty()
        && st.class.is_empty()
        && st.year.is_empty());
    let body = ListPage {
        l,
        q: st.q.clone(),
        selects,
        sort: st.sort.clone(),
        dir: if st.desc { "desc" } else { "" },
        headers,
        rows,
        total: page.total,
        first,
        last,
        year: page.year,
        detail_query: if st.year.is_empty() {
            String::new()
        } else {
            format!("?year={}", st.year)
        },
        pages: pager(&st, page.page, pages_total),
        can_edit: a.edits_registry(),
        filtered,
        export_href: st
            .href(&st.sort, st.desc, 1)
            .replacen("/enterprises", "/enterprises.xlsx", 1),
    };
    Ok(super::render(&body)?.into_response())
}

// ---------------------------------------------------------------------------------------------
// 一企一档.

#[derive(Deserialize, Default)]
struct DetailParams {
    #[serde(default)]
    year: String,
    msg: Option<String>,
}

struct Fact {
    label: &'static str,
    value: String,
    href: String,
    tag: &'static str,
}

struct YearRow {
    year: i64,
    scale: &'static str,
    class: String,
    class_label: String,
    source: String,
    href: String,
    current: bool,
    /// The year's 一企一策 transformation plan (a C year).
    plan: Option<i64>,
}

struct FigureRow {
    label: &'static str,
    unit: &'static str,
    value: String,
    state: &'static str,
    department: String,
    source: String,
    recorded: String,
    history: String,
}

struct ItemRow {
    kind: &'static str,
    label: String,
}

#[derive(Template)]
#[template(path = "enterprises/detail.html")]
struct DetailPage {
    l: Layout,
    id: i64,
    facts: Vec<Fact>,
    years: Vec<YearRow>,
    year: i64,
    year_options: Vec<Opt>,
    figures: Vec<FigureRow>,
    items: Vec<ItemRow>,
    can_edit: bool,
    department_only: bool,
    changes: Vec<mujun_app::registry::import::ChangeView>,
}

async fn detail(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    Query(q): Query<DetailParams>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let a = &user.actor;
    let d = state.app.enterprise_detail(a, id, parse_year(&q.year)).await?;
    let plans = state.app.transformation_plans_of(a, id).await?;
    let e = &d.enterprise;
    let title = format!("一企一档 · {}", e.name);
    let l = super::layout(&state, &user, &title, "/enterprises", q.msg.as_deref()).await?;

    let fact = |label, value: String| Fact {
        label,
        value,
        href: String::new(),
        tag: "",
    };
    let region = d
        .region_name
        .clone()
        .map_or_else(|| e.region_code.clone(), |n| format!("{n}（{}）", e.region_code));
    let mut facts = vec![
        Fact {
            tag: if e.checksum_override == 1 {
                "校验位不符，已确认登记"
            } else {
                ""
            },
            ..fact("统一社会信用代码", e.credit_code.clone())
        },
        fact("企业名称", e.name.clone()),
        fact("所在县区", region),
        Fact {
            href: e.cluster_id.map_or(String::new(), |c| format!("/clusters/{c}")),
            ..fact(
                "产业集聚区",
                d.cluster_name.clone().unwrap_or_else(|| "不在集聚区内".into()),
            )
        },
        fact(
            "行业",
            match &d.industry_name {
                Some(n) => format!("{} {n}", e.industry_code),
                None => e.industry_code.clone(),
            },
        ),
        fact(
            "投产日期",
            e.production_start.clone().unwrap_or_else(|| "未填".into()),
        ),
        fact("经营状态", status_label(&e.status).to_owned()),
    ];
    for (label, value) in [
        ("联系人", &e.contact_name),
        ("联系电话", &e.contact_phone),
        ("地址", &e.address),
    ] {
        if !value.is_empty() {
            facts.push(fact(label, value.clone()));
        }
    }
    facts.push(fact("登记时间", super::format_time(e.created_at)));
    facts.push(fact("最近修改", super::format_time(e.updated_at)));

    // Scale and class per year, newest first.
    let mut all_years: Vec<i64> = d
        .scales
        .iter()
        .map(|(y, _)| *y)
        .chain(d.classes.iter().map(|(y, _, _)| *y))
        .collect();
    all_years.sort_unstable_by(|x, y| y.cmp(x));
    all_years.dedup();
    let years = all_years
        .into_iter()
        .map(|y| {
            let class = d.classes.iter().find(|(cy, _, _)| *cy == y);
            YearRow {
                year: y,
                scale: d
                    .scales
                    .iter()
                    .find(|(sy, _)| *sy == y)
                    .map_or("", |(_, s)| scale_label(s)),
                class: class.map_or(String::new(), |c| c.1.clone()),
                class_label: class.map_or_else(String::new, |c| class_label(&c.1)),
                source: class.map_or(String::new(), |c| {
                    mujun_app::evaluation::history::class_source_label(&c.2)
                }),
                href: format!("/enterprises/{id}?year={y}"),
                current: y == d.year,
                plan: plans.iter().find(|(py, _)| *py == y).map(|(_, p)| *p),
            }
        })
        .collect();
    let mut year_list = d.years.clone();
    if d.year > 0 && !year_list.contains(&d.year) {
        year_list.push(d.year);
        year_list.sort_unstable_by(|x, y| y.cmp(x));
    }
    let year_options = year_list
        .into_iter()
        .map(|y| Opt::new(y.to_string(), format!("{y} 年度"), &d.year.to_string()))
        .collect();

    let figures = d
        .figures
        .iter()
        .map(|f| {
            let (value, state_, source, recorded) = match &f.current {
                Some(fig) => (
                    fig.value.map_or_else(|| "缺失".to_owned(), format_number),
                    if fig.value.is_some() { "" } else { "missing" },
                    mujun_app::collection::figure_source_label(&fig.source).to_owned(),
                    super::format_time(fig.recorded_at),
                ),
                None => ("未报送".to_owned(), "absent", String::new(), String::new()),
            };
            FigureRow {
                label: f.field.label(),
                unit: f.field.unit(),
                value,
                state: state_,
                department: f.department.clone(),
                source,
                recorded,
                history: format!("/enterprises/{id}/history?year={}&field={}", d.year, f.field.id()),
            }
        })
        .collect();
    let items = d
        .items
        .iter()
        .map(|(kind, item)| ItemRow {
            kind: if kind == "veto" { "否决项" } else { "加分项" },
            label: item_label(item).to_owned(),
        })
        .collect();
    let body = DetailPage {
        l,
        id,
        facts,
        years,
        year: d.year,
        year_options,
        figures,
        items,
        can_edit: a.edits_registry(),
        department_only: d.figures.len() < Field::COUNT,
        changes: state.app.enterprise_registry_history(a, id).await?,
    };
    Ok(super::render(&body)?.into_response())
}

// ---------------------------------------------------------------------------------------------
// The history of one figure.

#[derive(Deserialize, Default)]
struct HistoryParams {
    #[serde(default)]
    year: String,
    #[serde(default)]
    field: String,
}

struct HistoryRow {
    value: String,
    department: String,
    source: String,
    file: String,
    file_hash: String,
    hash_short: String,
    user: String,
    recorded: String,
    superseded: String,
}

#[derive(Template)]
#[template(path = "enterprises/history.html")]
struct HistoryPage {
    l: Layout,
    id: i64,
    year: i64,
    unit: &'static str,
    rows: Vec<HistoryRow>,
}

async fn history(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    Query(q): Query<HistoryParams>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let field = Field::parse(&q.field).map_err(|_| PageError::from(AppError::NotFound("指标")))?;
    // Links always name the year; the use case does not resolve 0 to the latest year here.
    let year = parse_year(&q.year);
    if year == 0 {
        return Err(AppError::NotFound("年度").into());
    }
    let a = &user.actor;
    let list = state.app.figure_history(a, id, year, field).await?;
    let reference = state.app.reference(a).await?;
    let title = format!("{}（{}年度）的历次记录", field.label(), year);
    let l = super::layout(&state, &user, &title, "/enterprises", None).await?;
    let departments: HashMap<i64, String> = reference
        .departments
        .iter()
        .map(|d| (d.id, d.name.clone()))
        .collect();
    let rows = list
        .into_iter()
        .map(|f| HistoryRow {
            value: f.value.map_or_else(|| "缺失".to_owned(), format_number),
            department: f.department_id.map_or_else(String::new, |d| {
                departments
                    .get(&d)
                    .cloned()
                    .unwrap_or_else(|| "（已撤销的部门）".to_owned())
            }),
            source: f.source_label.to_owned(),
            file: f.file_name.clone(),
            hash_short: f.file_hash.get(..12).unwrap_or(&f.file_hash).to_owned(),
            file_hash: f.file_hash.clone(),
            user: if f.user_name.is_empty() {
                "系统".to_owned()
            } else {
                f.user_name.clone()
            },
            recorded: super::format_time(f.recorded_at),
            superseded: f.superseded_at.map_or_else(String::new, super::format_time),
        })
        .collect();
    Ok(super::render(&HistoryPage {
        l,
        id,
        year,
        unit: field.unit(),
        rows,
    })?
    .into_response())
}

// ---------------------------------------------------------------------------------------------
// New and edit.

/// The fields of the enterprise form that show their own messages.
const FORM_FIELDS: [&str; 10] = [
    "credit_code",
    "name",
    "region_code",
    "cluster_id",
    "industry_code",
    "production_start",
    "status",
    "contact_name",
    "contact_phone",
    "address",
];

/// The enterprise form as submitted (every field text, so that nothing is lost on errors).
#[derive(Clone, Debug, Default, Deserialize)]
struct EnterpriseInput {
    #[serde(default)]
    credit_code: String,
    #[serde(default)]
    accept_checksum_mismatch: Option<String>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    region_code: String,
    #[serde(default)]
    cluster_id: String,
    #[serde(default)]
    industry_code: String,
    #[serde(default)]
    production_start: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    contact_name: String,
    #[serde(default)]
    contact_phone: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    version: String,
}

impl EnterpriseInput {
    fn from_enterprise(e: &Enterprise) -> EnterpriseInput {
        EnterpriseInput {
            credit_code: e.credit_code.clone(),
            accept_checksum_mismatch: (e.checksum_override == 1).then(|| "1".to_owned()),
            name: e.name.clone(),
            region_code: e.region_code.clone(),
            cluster_id: e.cluster_id.map_or_else(String::new, |c| c.to_string()),
            industry_code: e.industry_code.clone(),
            production_start: e.production_start.clone().unwrap_or_default(),
            status: e.status.clone(),
            contact_name: e.contact_name.clone(),
            contact_phone: e.contact_phone.clone(),
            address: e.address.clone(),
            version: e.version.to_string(),
        }
    }

    fn to_form(&self) -> EnterpriseForm {
        let cluster = self.cluster_id.trim();
        EnterpriseForm {
            credit_code: self.credit_code.clone(),
            accept_checksum_mismatch: self.accept_checksum_mismatch.is_some(),
            name: self.name.clone(),
            region_code: self.region_code.trim().to_owned(),
            // Anything but an id is "a cluster that does not exist" (the use case says so).
            cluster_id: (!cluster.is_empty()).then(|| cluster.parse().unwrap_or(0)),
            industry_code: self.industry_code.clone(),
            production_start: self.production_start.clone(),
            status: self.status.clone(),
            contact_name: self.contact_name.clone(),
            contact_phone: self.contact_phone.clone(),
            address: self.address.clone(),
        }
    }

    fn version(&self) -> i64 {
        self.version.trim().parse().unwrap_or(0)
    }
}

#[derive(Template)]
#[template(path = "enterprises/form.html")]
struct FormPage {
    l: Layout,
    action: String,
    cancel: String,
    editing: bool,
    v: EnterpriseInput,
    accept: bool,
    regions: Vec<Opt>,
    clusters: Vec<Opt>,
    statuses: Vec<Opt>,
    errors: FormErrors,
}

/// Renders the form with the choices of the reference tables and the visible clusters.
async fn form_page(
    state: &AppState,
    user: &PageUser,
    id: Option<i64>,
    v: EnterpriseInput,
    errors: FormErrors,
) -> Result<FormPage, PageError> {
    let a = &user.actor;
    let reference = state.app.reference(a).await?;
    let clusters = state.app.visible_clusters(a).await?;
    let title = match id {
        Some(_) => format!("编辑企业 · {}", v.name),
        None => "登记企业".to_owned(),
    };
    let active = if id.is_some() {
        "/enterprises"
    } else {
        "/enterprises/new"
    };
    let l = super::layout(state, user, &title, active, None).await?;
    let status = if v.status.is_empty() {
        "operating"
    } else {
        v.status.as_str()
    };
    Ok(FormPage {
        l,
        action: id.map_or_else(
            || "/enterprises/new".to_owned(),
            |i| format!("/enterprises/{i}/edit"),
        ),
        cancel: id.map_or_else(|| "/enterprises".to_owned(), |i| format!("/enterprises/{i}")),
        editing: id.is_some(),
        accept: v.accept_checksum_mismatch.is_some(),
        regions: region_options(&reference, v.region_code.trim()),
        clusters: cluster_options(&clusters, v.cluster_id.trim()),
        statuses: STATUSES.iter().map(|(s, l)| Opt::new(*s, *l, status)).collect(),
        v,
        errors,
    })
}

/// Clusters an enterprise may be placed in (current ones), and its present cluster even when
/// merged or closed (the use case then asks for a current one).
fn cluster_options(clusters: &[Cluster], current: &str) -> Vec<Opt> {
    clusters
        .iter()
        .filter(|c| matches!(c.status.as_str(), "active" | "demoted") || c.id.to_string() == current)
        .map(|c| {
            let label = match c.status.as_str() {
                "active" => c.name.clone(),
                "demoted" => format!("{}（已降级）", c.name),
                "merged" => format!("{}（已合并）", c.name),
                _ => format!("{}（已撤销）", c.name),
            };
            Opt::new(c.id.to_string(), label, current)
        })
        .collect()
}

fn with_status(status: StatusCode, page: &FormPage) -> Result<Response, PageError> {
    Ok((status, super::render(page)?).into_response())
}

async fn new_form(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    state
        .app
        .registry_form_access(&user.actor, "enterprise.new")
        .await?;
    let page = form_page(
        &state,
        &user,
        None,
        EnterpriseInput::default(),
        FormErrors::default(),
    )
    .await?;
    with_status(StatusCode::OK, &page)
}

async fn create(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<EnterpriseInput>,
) -> Result<Response, PageError> {
    match state.app.create_enterprise(&user.actor, &form.to_form()).await {
        Ok(id) => Ok(Redirect::to(&format!("/enterprises/{id}?msg=created")).into_response()),
        Err(e) => {
            let (status, errors) = FormErrors::from_failure(e, &FORM_FIELDS)?;
            let page = form_page(&state, &user, None, form, errors).await?;
            with_status(status, &page)
        }
    }
}

async fn edit_form(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let e = state.app.enterprise_for_edit(&user.actor, id).await?;
    let page = form_page(
        &state,
        &user,
        Some(id),
        EnterpriseInput::from_enterprise(&e),
        FormErrors::default(),
    )
    .await?;
    with_status(StatusCode::OK, &page)
}

async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { user, form }: CsrfForm<EnterpriseInput>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    match state
        .app
        .update_enterprise(&user.actor, id, form.version(), &form.to_form())
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/enterprises/{id}?msg=saved")).into_response()),
        Err(e) => {
            let (status, errors) = FormErrors::from_failure(e, &FORM_FIELDS)?;
            let page = form_page(&state, &user, Some(id), form, errors).await?;
            with_status(status, &page)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(format_number(0.0), "0");
        assert_eq!(format_number(1234567.5), "1,234,567.5");
        assert_eq!(format_number(-12.34567), "-12.3457");
        assert_eq!(format_number(999.0), "999");
        assert_eq!(format_number(-0.00001), "0");
    }

    #[test]
    fn list_state_drops_what_it_does_not_know() {
        let p = ListParams {
            q: "  驻马店 ".into(),
            region: "41170x".into(),
            industry: "C35".into(),
            class: "a".into(),
            scale: "huge".into(),
            sort: "drop table".into(),
            page: "-3".into(),
            ..Default::default()
        };
        let s = ListState::from_params(&p);
        assert_eq!(s.q, "驻马店");
        assert_eq!(s.region, "");
        assert_eq!(s.industry, "35");
        assert_eq!(s.class, "A");
        assert_eq!(s.scale, "");
        assert_eq!(s.sort, "");
        assert_eq!(s.page, 1);
        assert_eq!(
            s.href("name", true, 2),
            "/enterprises?q=%E9%A9%BB%E9%A9%AC%E5%BA%97&industry=35&class=A&sort=name&dir=desc&page=2"
        );
    }
}
