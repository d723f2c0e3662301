//! HTML pages, one module per area. Each module's `routes()` lists its pages.

pub mod accounts;
pub mod audit;
pub mod clusters;
pub mod collection;
pub mod enterprises;
pub mod home;
pub mod login;
pub mod password;

use askama::Template;
use axum::Router;
use axum::response::Html;

use crate::auth::PageUser;
use crate::error::PageError;
use crate::layout::Layout;
use crate::state::AppState;

/// Every page route.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(login::routes())
        .merge(home::routes())
        .merge(password::routes())
        .merge(enterprises::routes())
        .merge(clusters::routes())
        .merge(collection::routes())
        .merge(accounts::routes())
        .merge(audit::routes())
}

/// Renders a template.
pub fn render<T: Template>(t: &T) -> Result<Html<String>, PageError> {
    t.render().map(Html).map_err(|e| {
        tracing::error!("template error: {e}");
        PageError::from(mujun_app::AppError::Crypto("页面渲染失败".into()))
    })
}

/// The layout of a page for a signed-in user.
pub async fn layout(
    state: &AppState,
    user: &PageUser,
    title: &str,
    active: &str,
    msg: Option<&str>,
) -> Result<Layout, PageError> {
    let scope = state.app.scope_label(&user.actor).await?;
    Ok(Layout::new(user, scope, title, active, msg))
}

/// Builds `?a=1&b=2` from pairs, skipping empty values.
pub fn query_string(pairs: &[(&str, String)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", crate::auth::urlencode(v).replace('/', "%2F")))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// Formats a millisecond timestamp as Beijing time `YYYY-MM-DD HH:MM:SS`.
pub fn format_time(ms: i64) -> String {
    let secs = ms.div_euclid(1000) + 8 * 3600;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let date =
        mujun_domain::Date::from_days_since_epoch(days).map_or_else(|| "?".to_owned(), |d| d.to_string());
    format!("{date} {:02}:{:02}:{:02}", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beijing_time_and_queries() {
        assert_eq!(format_time(0), "1970-01-01 08:00:00");
        assert_eq!(format_time(1_700_000_000_000), "2023-11-15 06:13:20");
        assert_eq!(
            query_string(&[("q", "驻马店".into()), ("page", "2".into()), ("x", String::new())]),
            "?q=%E9%A9%BB%E9%A9%AC%E5%BA%97&page=2"
        );
    }
}
