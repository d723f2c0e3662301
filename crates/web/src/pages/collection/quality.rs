//! `/collection/quality`: the data quality report of a year before an evaluation — counts per
//! kind and department, the findings (filterable by kind and department, each linked to its
//! enterprise), and exports as xlsx and CSV. Every view and export goes through the report use
//! case, which audits its generation.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use mujun_app::collection::quality::{Finding, FindingKind, QualityReport};
use mujun_app::download::TableFormat;
use mujun_store::departments::Department;
use serde::Deserialize;

use super::{Opt, department_name};
use crate::auth::PageUser;
use crate::error::PageError;
use crate::layout::Layout;
use crate::pages::send;
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/collection/quality", get(page))
        .route("/collection/quality.xlsx", get(export_xlsx))
        .route("/collection/quality.csv", get(export_csv))
}

/// Findings per page (the exports carry all).
const PER_PAGE: usize = 100;

const KINDS: [(FindingKind, &str); 4] = [
    (FindingKind::Missing, "missing"),
    (FindingKind::Contradiction, "contradiction"),
    (FindingKind::Outlier, "outlier"),
    (FindingKind::Jump, "jump"),
];

fn kind_id(kind: FindingKind) -> &'static str {
    kind.id()
}

#[derive(Deserialize, Default)]
struct ReportQuery {
    year: Option<String>,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    page: String,
}

/// The report of the asked year and the findings that pass the filters.
struct Filtered {
    report: QualityReport,
    departments: Vec<Department>,
    labels: Vec<(String, String)>,
    kind: String,
    department: String,
    shown: Vec<usize>,
}

impl Filtered {
    fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.shown.iter().map(|&i| &self.report.findings[i])
    }

    fn items_text(&self, f: &Finding) -> String {
        f.items
            .iter()
            .map(|id| {
                self.labels
                    .iter()
                    .find(|(i, _)| i == id)
                    .map_or(id.as_str(), |(_, l)| l.as_str())
            })
            .collect::<Vec<_>>()
            .join("、")
    }
}

async fn filtered(state: &AppState, user: &PageUser, q: &ReportQuery) -> Result<Filtered, PageError> {
    let year = super::year_or_default(state, user, q.year.as_deref()).await?;
    let report = state.app.quality_report(&user.actor, year).await?;
    let departments = super::departments(state, user).await?;
    let labels = state
        .app
        .catalogue()
        .await?
        .into_iter()
        .map(|i| (i.id, i.label))
        .collect();
    let kind = q.kind.trim().to_owned();
    let department = q.department.trim().to_owned();
    let shown = report
        .findings
        .iter()
        .enumerate()
        .filter(|(_, f)| kind.is_empty() || kind_id(f.kind) == kind)
        .filter(|(_, f)| department.is_empty() || f.department_code == department)
        .map(|(i, _)| i)
        .collect();
    Ok(Filtered {
        report,
        departments,
        labels,
        kind,
        department,
        shown,
    })
}

/// A finding in the table.
struct FindingLine {
    kind: &'static str,
    kind_id: &'static str,
    enterprise_id: i64,
    credit_code: String,
    name: String,
    department: String,
    items: String,
    message: String,
    blocking: bool,
}

/// A count with its filter link.
struct Count {
    label: String,
    count: usize,
    href: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "collection/quality.html")]
struct QualityPage {
    l: Layout,
    year: i64,
    years: Vec<Opt>,
    kinds: Vec<Opt>,
    departments: Vec<Opt>,
    by_kind: Vec<Count>,
    by_department: Vec<Count>,
    enterprises: usize,
    total: usize,
    blocking: usize,
    matching: usize,
    lines: Vec<FindingLine>,
    /// The first finding of this page (1-based), for the "第 a–b 条" line.
    first: usize,
    pages: Vec<crate::pages::pager::PageLink>,
    filter_query: String,
}

async fn page(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ReportQuery>,
) -> Result<Response, PageError> {
    let f = filtered(&state, &user, &q).await?;
    let year = f.report.year;
    let link = |kind: &str, department: &str| {
        format!(
            "/collection/quality{}",
            crate::pages::query_string(&[
                ("year", year.to_string()),
                ("kind", kind.to_owned()),
                ("department", department.to_owned()),
            ])
        )
    };
    let by_kind = KINDS
        .iter()
        .map(|(k, id)| Count {
            label: k.label().to_owned(),
            count: f.report.findings.iter().filter(|x| x.kind == *k).count(),
            href: link(id, &f.department),
            active: f.kind == *id,
        })
        .collect();
    let by_department = f
        .report
        .by_department
        .iter()
        .map(|(code, name, n)| Count {
            label: name.clone(),
            count: *n,
            href: link(&f.kind, code),
            active: f.department == *code,
        })
        .collect();
    let mut kinds = vec![Opt::new("", "全部类型", &f.kind)];
    kinds.extend(KINDS.iter().map(|(k, id)| Opt::new(*id, k.label(), &f.kind)));
    let mut departments = vec![Opt::new("", "全部部门", &f.department)];
    departments.extend(
        f.report
            .by_department
            .iter()
            .map(|(code, name, _)| Opt::new(code.clone(), name.clone(), &f.department)),
    );
    let page_count = f.shown.len().div_ceil(PER_PAGE).max(1);
    let page = q.page.trim().parse::<usize>().unwrap_or(1).clamp(1, page_count);
    let pages = crate::pages::pager::numbered(page as i64, page_count as i64, |p| {
        format!(
            "/collection/quality{}",
            crate::pages::query_string(&[
                ("year", year.to_string()),
                ("kind", f.kind.clone()),
                ("department", f.department.clone()),
                ("page", p.to_string()),
            ])
        )
    });
    let lines = f
        .findings()
        .skip((page - 1) * PER_PAGE)
        .take(PER_PAGE)
        .map(|x| FindingLine {
            kind: x.kind.label(),
            kind_id: kind_id(x.kind),
            enterprise_id: x.enterprise_id,
            credit_code: x.credit_code.clone(),
            name: x.name.clone(),
            department: department_name(&f.departments, &x.department_code),
            items: f.items_text(x),
            message: x.message.clone(),
            blocking: x.blocking,
        })
        .collect();
    let l = crate::pages::layout(&state, &user, "数据质量", "/collection/quality", None).await?;
    let page = QualityPage {
        l,
        years: super::year_options(year, &[]),
        year,
        kinds,
        departments,
        by_kind,
        by_department,
        enterprises: f.report.enterprises,
        total: f.report.findings.len(),
        blocking: f.report.blocking(),
        matching: f.shown.len(),
        first: (page - 1) * PER_PAGE + 1,
        pages,
        lines,
        filter_query: crate::pages::query_string(&[
            ("year", year.to_string()),
            ("kind", f.kind.clone()),
            ("department", f.department.clone()),
        ]),
    };
    Ok(crate::pages::render(&page)?.into_response())
}

async fn export(
    state: &AppState,
    user: &PageUser,
    q: &ReportQuery,
    format: TableFormat,
) -> Result<Response, PageError> {
    let year = super::year_or_default(state, user, q.year.as_deref()).await?;
    let file = state
        .app
        .export_quality(&user.actor, year, q.kind.trim(), q.department.trim(), format)
        .await?;
    Ok(send(file))
}

async fn export_xlsx(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ReportQuery>,
) -> Result<Response, PageError> {
    export(&state, &user, &q, TableFormat::Xlsx).await
}

async fn export_csv(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ReportQuery>,
) -> Result<Response, PageError> {
    export(&state, &user, &q, TableFormat::Csv).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_have_ids() {
        assert_eq!(kind_id(FindingKind::Jump), "jump");
    }
}
