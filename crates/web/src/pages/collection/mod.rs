//! Pages of data collection (issue 4): collection rounds and the completeness board, templates
//! and imports, the departments' dispute queues, the enterprises' self-check, the data quality
//! report, the catalogue and its sharing settings, and land records. Handlers call one use case
//! each; the use cases decide permissions and audit refusals.

mod catalogue;
mod chart;
mod disputes;
mod imports;
mod land;
mod quality;
mod rounds;
mod self_check;
pub(crate) mod upload;

use axum::Router;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use mujun_app::Role;
use mujun_app::collection::self_check::check_status_label;
use mujun_store::departments::Department;

// Downloads and SVG text are shared with the other areas.
use super::{XLSX, download, xml_escape};
use crate::auth::PageUser;
use crate::error::PageError;
use crate::state::AppState;

/// Routes of this area.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(rounds::routes())
        .merge(imports::routes())
        .merge(disputes::routes())
        .merge(self_check::routes())
        .merge(quality::routes())
        .merge(catalogue::routes())
        .merge(land::routes())
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

/// The current calendar year in Beijing.
fn this_year() -> i64 {
    let days = (mujun_store::now_ms() / 1000 + 8 * 3600).div_euclid(86_400);
    mujun_domain::Date::from_days_since_epoch(days).map_or(2025, |d| i64::from(d.year()))
}

/// A year typed in a form or query (2000–2100).
fn parse_year(text: Option<&str>) -> Option<i64> {
    text.and_then(|t| t.trim().parse::<i64>().ok())
        .filter(|y| (2000..=2100).contains(y))
}

/// The year a collection page shows when none is asked for: the year of the open round (the
/// newest round when none is open); without rounds, last year (data of year Y is collected in
/// Y+1). Only roles that take part in collection read the rounds.
async fn default_year(state: &AppState, user: &PageUser) -> Result<i64, PageError> {
    if matches!(user.actor.role, Role::CityAdmin | Role::Department) {
        let rounds = state.app.list_rounds(&user.actor).await?;
        if let Some(r) = rounds.iter().find(|r| r.status == "open").or(rounds.first()) {
            return Ok(r.year);
        }
    }
    // No round: the latest year with data, not an empty one.
    if user.actor.reads_business_data() {
        let year = state.app.dashboard(&user.actor).await?.year;
        if year > 0 {
            return Ok(year);
        }
    }
    Ok(this_year() - 1)
}

/// The year of a page: the one asked for, else [`default_year`].
async fn year_or_default(state: &AppState, user: &PageUser, asked: Option<&str>) -> Result<i64, PageError> {
    match parse_year(asked) {
        Some(y) => Ok(y),
        None => default_year(state, user).await,
    }
}

/// Years to choose from: this year back to 2018, plus `selected` and `extra` when outside.
fn year_options(selected: i64, extra: &[i64]) -> Vec<Opt> {
    let mut years: Vec<i64> = (2018..=this_year()).collect();
    years.push(selected);
    years.extend_from_slice(extra);
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    years
        .into_iter()
        .map(|y| Opt::new(y.to_string(), format!("{y} 年度"), &selected.to_string()))
        .collect()
}

/// The departments (reference data any signed-in caller may read).
async fn departments(state: &AppState, user: &PageUser) -> Result<Vec<Department>, PageError> {
    Ok(state.app.reference(&user.actor).await?.departments)
}

/// The name of a department code.
fn department_name(departments: &[Department], code: &str) -> String {
    departments
        .iter()
        .find(|d| d.code == code)
        .map_or_else(|| code.to_owned(), |d| d.name.clone())
}

/// Chinese label of a task status.
fn task_status_label(status: &str) -> &'static str {
    mujun_app::collection::task_status_label(status)
}

/// Chinese label of the source of a value.
fn source_label(source: &str) -> &'static str {
    mujun_app::collection::figure_source_label(source)
}

/// A number without needless digits (`12.5`, `1200000`).
fn number_text(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// A stored value as people read it: numbers with their unit, 是/否 flags, 规上/规下.
fn value_text(kind: mujun_collect::ValueKind, unit: &str, v: Option<f64>) -> String {
    use mujun_collect::ValueKind;
    match (kind, v) {
        (_, None) => "—".to_owned(),
        (ValueKind::Flag, Some(v)) => if v != 0.0 { "是" } else { "否" }.to_owned(),
        (ValueKind::Scale, Some(v)) => if v != 0.0 { "规上" } else { "规下" }.to_owned(),
        (ValueKind::Number, Some(v)) if unit.is_empty() => number_text(v),
        (ValueKind::Number, Some(v)) => format!("{} {unit}", number_text(v)),
    }
}

/// Chinese label of a value kind.
fn kind_label(kind: mujun_collect::ValueKind) -> &'static str {
    match kind {
        mujun_collect::ValueKind::Number => "数值",
        mujun_collect::ValueKind::Flag => "是/否",
        mujun_collect::ValueKind::Scale => "规上/规下",
    }
}

/// The `{id}` of a path; anything but a positive number names no page (404).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Id(pub(crate) i64);

impl FromRequestParts<AppState> for Id {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Path(text) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| PageError::not_found())?;
        text.parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .map(Id)
            .ok_or_else(PageError::not_found)
    }
}

use crate::pages::form_messages;

/// One value of a form with repeated keys (`[(name, value)]`), trimmed; empty when absent.
fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_and_names() {
        assert_eq!(number_text(12.5), "12.5");
        assert_eq!(number_text(1_200_000.0), "1200000");
        assert_eq!(number_text(1.0 / 3.0), "0.3333");
        assert_eq!(
            value_text(mujun_collect::ValueKind::Number, "万元", Some(88.0)),
            "88 万元"
        );
        assert_eq!(value_text(mujun_collect::ValueKind::Scale, "", Some(1.0)), "规上");
        let opts = year_options(2024, &[]);
        assert!(opts.iter().any(|o| o.selected && o.value == "2024"));
        assert_eq!(parse_year(Some(" 2024 ")), Some(2024));
        assert_eq!(parse_year(Some("1999")), None);
    }
}
