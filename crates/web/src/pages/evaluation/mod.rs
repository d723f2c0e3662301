//! Pages of the evaluation runs (issue 5): the runs and their workflow (公示 → review →
//! approval → publication, re-runs), the ranking, each enterprise's score card with its
//! objections and manual adjustment, the objection queues, the method files, the differentiated
//! policies with the executing departments' lists, and the public list that needs no login.
//! Handlers call the use cases of `mujun_app::evaluation`; the use cases decide permissions,
//! scopes and legal steps, and audit refusals.

pub(crate) mod chart;
mod downloads;
mod history;
mod methods;
mod objections;
mod overview;
mod policies;
mod policy_lists;
mod policy_sheet;
mod public;
mod ranking;
mod runs;
mod score_card;
mod simulate;
mod workflow;

use axum::Router;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use mujun_app::evaluation::RunState;
pub(crate) use mujun_app::evaluation::objections::{
    routed_label as department_label, status_label as objection_status,
};

use crate::error::PageError;
use crate::state::AppState;

/// Routes of this area.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(runs::routes())
        .merge(overview::routes())
        .merge(workflow::routes())
        .merge(downloads::routes())
        .merge(ranking::routes())
        .merge(score_card::routes())
        .merge(history::routes())
        .merge(objections::routes())
        .merge(methods::routes())
        .merge(simulate::routes())
        .merge(policies::routes())
        .merge(policy_lists::routes())
        .merge(policy_sheet::routes())
        .merge(public::routes())
}

/// An option of a select.
#[derive(Clone, Debug)]
struct Opt {
    value: String,
    label: String,
    selected: bool,
}

impl Opt {
    fn new(value: impl Into<String>, label: impl Into<String>, current: &str) -> Opt {
        let value = value.into();
        Opt {
            selected: value == current,
            label: label.into(),
            value,
        }
    }
}

/// A positive number from a path segment; anything else names no page (404).
fn positive(text: &str) -> Result<i64, PageError> {
    text.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(PageError::not_found)
}

/// The `{id}` of a run (or objection, or measure) in a path.
#[derive(Clone, Copy, Debug)]
struct Id(i64);

impl FromRequestParts<AppState> for Id {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Path(text) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| PageError::not_found())?;
        positive(&text).map(Id)
    }
}

/// The `{id}` of a run and the `{eid}` of an enterprise in a path.
#[derive(Clone, Copy, Debug)]
struct RunEnterprise {
    run: i64,
    enterprise: i64,
}

impl FromRequestParts<AppState> for RunEnterprise {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Path((run, enterprise)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|_| PageError::not_found())?;
        Ok(RunEnterprise {
            run: positive(&run)?,
            enterprise: positive(&enterprise)?,
        })
    }
}

use crate::pages::form_messages;

/// A positive id typed in a query (`?run=12`); anything else is absent.
fn query_id(text: &str) -> Option<i64> {
    text.trim().parse::<i64>().ok().filter(|id| *id > 0)
}

use mujun_app::evaluation::format::class_label;

use mujun_app::evaluation::format::reason_label as reason_text;

/// The CSS class of a run state's tag.
fn state_tag(state: RunState) -> &'static str {
    match state {
        RunState::Running | RunState::Notice | RunState::Review => "warn",
        RunState::Failed => "bad",
        _ => "",
    }
}

/// A number with thousands separators and `decimals` decimals (`—` when absent).
fn number(v: Option<f64>, decimals: usize) -> String {
    mujun_app::evaluation::format::opt(v, decimals)
}

/// The name of a county of Zhumadian (the code when unknown).
fn region_name(code: &str) -> String {
    mujun_domain::RegionCode::parse(code)
        .ok()
        .and_then(|r| r.name())
        .map_or_else(|| code.to_owned(), str::to_owned)
}

/// The date `days` from today in Beijing, `YYYY-MM-DD`.
fn beijing_date(days: i64) -> String {
    let today = (mujun_store::now_ms() / 1000 + 8 * 3600).div_euclid(86_400);
    mujun_domain::Date::from_days_since_epoch(today + days).map_or_else(String::new, |d| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_ids() {
        assert_eq!(class_label("A"), "A 类 优先发展");
        assert_eq!(class_label("X"), "不参评");
        assert_eq!(department_label("power"), "国网驻马店供电公司");
        assert_eq!(department_label("city"), "市级评价管理员");
        assert_eq!(region_name("411702"), "驿城区");
        assert_eq!(number(Some(1234.5), 2), "1,234.50");
        assert_eq!(number(None, 2), "—");
        assert_eq!(query_id(" 12 "), Some(12));
        assert_eq!(query_id("-1"), None);
        assert!(positive("0").is_err());
        assert_eq!(beijing_date(0).len(), 10);
        assert_eq!(objection_status("accepted"), "已采纳");
    }
}
