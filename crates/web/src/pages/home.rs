//! `/`: the dashboard.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::auth::PageUser;
use crate::error::PageError;
use crate::layout::Layout;
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(home))
}

/// A figure on the dashboard.
struct Card {
    label: &'static str,
    value: String,
    href: &'static str,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    l: Layout,
    cards: Vec<Card>,
    year: i64,
}

#[derive(Deserialize, Default)]
struct Msg {
    msg: Option<String>,
    /// The cockpit's year (empty: the latest).
    #[serde(default)]
    year: String,
}

async fn home(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<Msg>,
) -> Result<Response, PageError> {
    let a = &user.actor;
    // The business roles' home is their cockpit; an enterprise's, an administrator's and the
    // auditor's are their cards.
    if a.role == mujun_app::Role::Enterprise && a.enterprise_id.is_some() {
        return super::cockpit::enterprise_page(&state, &user, q.msg.as_deref()).await;
    }
    if a.has_cockpit() {
        let year = q.year.trim().parse::<i64>().unwrap_or(0);
        return super::cockpit::page(&state, &user, year, q.msg.as_deref()).await;
    }
    let l = super::layout(&state, &user, "首页", "/", q.msg.as_deref()).await?;
    let mut cards = Vec::new();
    let mut year = 0;
    if a.reads_business_data() {
        let d = state.app.dashboard(a).await?;
        year = d.year;
        cards.push(Card {
            label: "名录内企业",
            value: d.enterprises.to_string(),
            href: "/enterprises",
        });
        for (class, label, href) in [
            ("A", "A 类 优先发展", "/enterprises?class=A"),
            ("B", "B 类 鼓励提升", "/enterprises?class=B"),
            ("C", "C 类 倒逼转型", "/enterprises?class=C"),
        ] {
            let n = d.classes.iter().find(|(c, _)| c == class).map_or(0, |(_, n)| *n);
            cards.push(Card {
                label,
                value: n.to_string(),
                href,
            });
        }
        let clusters = state.app.visible_clusters(a).await?;
        cards.push(Card {
            label: "产业集聚区",
            value: clusters.len().to_string(),
            href: "/clusters",
        });
    }
    if a.manages_accounts() {
        cards.push(Card {
            label: "账号",
            value: state.app.list_accounts(a).await?.len().to_string(),
            href: "/accounts",
        });
    }
    if a.reads_audit() {
        let (_, total) = state.app.search_audit(a, &Default::default(), 1, 10).await?;
        cards.push(Card {
            label: "审计记录",
            value: total.to_string(),
            href: "/audit",
        });
    }
    Ok(super::render(&HomePage { l, cards, year })?.into_response())
}
