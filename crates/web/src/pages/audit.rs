//! `/audit`: the audit trail for the auditor (审计员): search with filters and pages, and the
//! verification of the hash chain. The use cases refuse every other role and audit the refusal.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use mujun_app::{FieldError, Role};
use mujun_domain::Date;
use mujun_store::audit::{Entry, Filter, Verification};
use serde::Deserialize;

use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::layout::Layout;
use crate::pages::pager::{PageLink, numbered};
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/audit", get(search))
        .route("/audit.xlsx", get(export))
        .route("/audit/verify", get(verify_form).post(verify))
}

/// Entries per page.
pub const PER_PAGE: i64 = 50;

use mujun_app::audit_trail::{ACTIONS, action_label, object_label};

/// Outcomes: code, Chinese name, tag class.
const OUTCOMES: [(&str, &str, &str); 3] = [
    ("ok", "成功", "tag"),
    ("denied", "拒绝", "tag bad"),
    ("failed", "失败", "tag warn"),
];

/// Milliseconds at 00:00 Beijing time of a day.
fn beijing_midnight_ms(d: Date) -> i64 {
    (d.days_since_epoch() * 86_400 - 8 * 3600) * 1000
}

/// The search form as typed.
#[derive(Debug, Default, Deserialize)]
struct SearchQuery {
    #[serde(default)]
    username: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    object_id: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    page: String,
    #[serde(default)]
    msg: Option<String>,
}

impl SearchQuery {
    /// The store filter: dates are whole days in Beijing time, `to` inclusive.
    fn filter(&self) -> Result<Filter, Vec<FieldError>> {
        let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let mut errors = Vec::new();
        let mut day = |field: &'static str, s: &str| -> Option<Date> {
            let s = s.trim();
            if s.is_empty() {
                return None;
            }
            match Date::parse(s) {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.push(FieldError {
                        field,
                        message: format!("“{s}”不是有效日期，请按 YYYY-MM-DD 填写"),
                    });
                    None
                }
            }
        };
        let from = day("from", &self.from);
        let to = day("to", &self.to);
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            errors.push(FieldError {
                field: "to",
                message: "截止日期早于起始日期".into(),
            });
        }
        let outcome = text(&self.outcome);
        if let Some(o) = &outcome
            && !OUTCOMES.iter().any(|(code, _, _)| code == o)
        {
            errors.push(FieldError {
                field: "outcome",
                message: "请选择结果".into(),
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Filter {
            username: text(&self.username),
            action: text(&self.action),
            outcome,
            object_id: text(&self.object_id),
            from: from.map(beijing_midnight_ms),
            until: to.map(|d| beijing_midnight_ms(d) + 86_400_000),
        })
    }

    fn page(&self) -> i64 {
        self.page.trim().parse::<i64>().unwrap_or(1).clamp(1, 1_000_000)
    }

    /// The export of these filters.
    fn export_href(&self) -> String {
        self.href(1).replacen("/audit", "/audit.xlsx", 1)
    }

    /// The query string of these filters on another page.
    fn href(&self, page: i64) -> String {
        let qs = super::query_string(&[
            ("username", self.username.trim().to_owned()),
            ("action", self.action.trim().to_owned()),
            ("outcome", self.outcome.trim().to_owned()),
            ("object_id", self.object_id.trim().to_owned()),
            ("from", self.from.trim().to_owned()),
            ("to", self.to.trim().to_owned()),
            ("page", if page > 1 { page.to_string() } else { String::new() }),
        ]);
        format!("/audit{qs}")
    }
}

/// Links to the first and last page and to the pages around the current one.
fn pager(q: &SearchQuery, page: i64, pages: i64) -> Vec<PageLink> {
    numbered(page, pages, |p| q.href(p))
}

/// An entry as shown.
#[derive(Debug)]
struct Row {
    id: i64,
    time: String,
    username: String,
    role: String,
    action: String,
    action_label: Option<&'static str>,
    object: String,
    outcome: String,
    outcome_class: &'static str,
    ip: String,
    detail: String,
}

impl Row {
    fn new(e: Entry) -> Row {
        let (outcome, outcome_class) = OUTCOMES
            .iter()
            .find(|(code, _, _)| *code == e.outcome)
            .map_or((e.outcome.clone(), "tag"), |(_, label, class)| {
                ((*label).to_owned(), *class)
            });
        let object = match (e.object_type.as_str(), e.object_id.as_str()) {
            ("", "") => String::new(),
            (t, "") => object_label(t).to_owned(),
            (t, id) => format!("{} {id}", object_label(t)),
        };
        Row {
            id: e.id,
            time: super::format_time(e.at),
            role: Role::parse(&e.role).map_or_else(|| e.role.clone(), |r| r.label().to_owned()),
            action_label: action_label(&e.action),
            action: e.action,
            username: e.username,
            object,
            outcome,
            outcome_class,
            ip: e.ip,
            detail: if e.detail == "{}" {
                String::new()
            } else {
                mujun_app::audit_trail::detail_text(&e.detail)
            },
        }
    }
}

/// An option of a select.
#[derive(Debug)]
struct Opt {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

#[derive(Template)]
#[template(path = "audit/search.html")]
struct SearchPage {
    l: Layout,
    q: SearchQuery,
    outcomes: Vec<Opt>,
    actions: &'static [(&'static str, &'static str)],
    errors: Vec<FieldError>,
    rows: Vec<Row>,
    total: i64,
    page: i64,
    page_count: i64,
    pages: Vec<PageLink>,
}

impl SearchPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

/// `GET /audit.xlsx`: every entry the filters match (the same query as the page).
async fn export(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let filter = q.filter().map_err(mujun_app::AppError::Invalid)?;
    Ok(super::send(state.app.export_audit(&user.actor, &filter).await?))
}

async fn search(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let page = q.page();
    let (status, errors, rows, total) = match q.filter() {
        Ok(filter) => {
            let (entries, total) = state
                .app
                .search_audit(&user.actor, &filter, page, PER_PAGE)
                .await?;
            let rows = entries.into_iter().map(Row::new).collect();
            (StatusCode::OK, Vec::new(), rows, total)
        }
        Err(errors) => {
            // Nothing is searched, but the caller must still be someone who may search.
            state
                .app
                .search_audit(&user.actor, &Filter::default(), 1, 10)
                .await?;
            (StatusCode::UNPROCESSABLE_ENTITY, errors, Vec::new(), 0)
        }
    };
    let pages = (total + PER_PAGE - 1) / PER_PAGE;
    let outcomes = OUTCOMES
        .iter()
        .map(|(value, label, _)| Opt {
            value,
            label,
            selected: q.outcome.trim() == *value,
        })
        .collect();
    let l = super::layout(&state, &user, "审计日志", "/audit", q.msg.as_deref()).await?;
    let page = SearchPage {
        l,
        pages: pager(&q, page, pages),
        q,
        outcomes,
        actions: ACTIONS,
        errors,
        rows,
        total,
        page,
        page_count: pages,
    };
    Ok((status, super::render(&page)?).into_response())
}

#[derive(Template)]
#[template(path = "audit/verify.html")]
struct VerifyPage {
    l: Layout,
    /// Entries in the trail now.
    entries: i64,
    /// The newest entry: sequence number and hash (the head of the chain).
    head: Option<(i64, String, String)>,
    /// The result of a check just run.
    result: Option<Checked>,
}

/// The result of a check, in words.
#[derive(Debug)]
struct Checked {
    intact: bool,
    message: String,
}

impl Checked {
    fn new(v: Verification) -> Checked {
        match v {
            Verification::Intact { entries, unkeyed } => Checked {
                intact: true,
                message: if unkeyed > 0 {
                    format!(
                        "完整：共 {entries} 条记录逐条校验通过，并与系统外的锚点一致（其中前 {unkeyed} 条写于启用审计密钥之前，仅受哈希链保护）。"
                    )
                } else {
                    format!("完整：共 {entries} 条记录逐条校验通过，并与系统外的锚点一致。")
                },
            },
            Verification::Broken { id: 0, why } => Checked {
                intact: false,
                message: format!("被篡改：{why}"),
            },
            Verification::Broken { id, why } => Checked {
                intact: false,
                message: format!("第 {id} 条起被篡改：{why}"),
            },
        }
    }
}

/// The verification page, with the head of the chain read through the search use case (which
/// also refuses anyone but the auditor).
async fn verify_page(
    state: &AppState,
    user: &PageUser,
    result: Option<Checked>,
) -> Result<Response, PageError> {
    let (newest, entries) = state
        .app
        .search_audit(&user.actor, &Filter::default(), 1, 10)
        .await?;
    let head = newest
        .into_iter()
        .next()
        .map(|e| (e.id, super::format_time(e.at), e.hash));
    let l = super::layout(state, user, "审计日志完整性校验", "/audit/verify", None).await?;
    Ok(super::render(&VerifyPage {
        l,
        entries,
        head,
        result,
    })?
    .into_response())
}

async fn verify_form(State(state): State<AppState>, user: PageUser) -> Result<Response, PageError> {
    verify_page(&state, &user, None).await
}

/// A form with nothing but its `_csrf` field.
#[derive(Deserialize)]
struct Empty {}

async fn verify(
    State(state): State<AppState>,
    CsrfForm { user, form: Empty {} }: CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let result = state.app.verify_audit(&user.actor).await?;
    verify_page(&state, &user, Some(Checked::new(result))).await
}
