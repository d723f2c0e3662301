//! The cockpit (驾驶舱): the home page of the city, its leader, departments and county and
//! cluster staff — the plan's targets against today, the counties on a map and ranked, the
//! classes over the years, collection progress, runs, objections waiting and the enterprises
//! whose class fell, for the year chosen. The numbers come from `App::cockpit`; this module
//! only lays them out.

pub mod charts;

use askama::Template;
use axum::response::{IntoResponse, Response};
use mujun_app::cockpit::{Cockpit, ENERGY_INTENSITY_TARGET_PCT, EnterpriseHome, TAX_PER_MU_TARGET};
use mujun_app::evaluation::format::{class_label, number};

use crate::auth::PageUser;
use crate::error::PageError;
use crate::layout::Layout;
use crate::state::AppState;

struct Kpi {
    label: &'static str,
    value: String,
    note: String,
    /// Met, missed or not yet known.
    tag: &'static str,
}

struct ProgressLine {
    department: String,
    percent: i64,
    text: String,
    overdue: bool,
}

#[derive(Template)]
#[template(path = "cockpit.html")]
struct CockpitPage {
    l: Layout,
    c: Cockpit,
    kpis: Vec<Kpi>,
    map: String,
    bars: String,
    trend: String,
    progress: Vec<ProgressLine>,
    round: String,
    fallen: Vec<(i64, String, String, String, String)>,
}

fn pct(v: f64) -> String {
    format!("{}{v:.1}%", if v >= 0.0 { "+" } else { "" })
}

/// The cockpit for `year` (0: the latest year with data).
pub(super) async fn page(
    state: &AppState,
    user: &PageUser,
    year: i64,
    msg: Option<&str>,
) -> Result<Response, PageError> {
    let c = state.app.cockpit(&user.actor, year).await?;
    let l = super::layout(state, user, "驾驶舱", "/", msg).await?;
    let mut kpis = vec![Kpi {
        label: "亩均税收",
        value: c
            .tax_per_mu
            .map_or_else(|| "无数据".to_owned(), |v| format!("{} 万元/亩", number(v, 2))),
        note: format!(
            "行动方案目标 {TAX_PER_MU_TARGET} 万元/亩{}",
            match (c.tax_per_mu, c.tax_per_mu_last) {
                (Some(a), Some(b)) if b > 0.0 => format!("；比上年 {}", pct((a / b - 1.0) * 100.0)),
                _ => String::new(),
            }
        ),
        tag: match c.tax_per_mu {
            Some(v) if v >= TAX_PER_MU_TARGET => "ok",
            Some(_) => "warn",
            None => "",
        },
    }];
    kpis.push(Kpi {
        label: "单位工业增加值能耗",
        value: c.energy_intensity.map_or_else(
            || "无数据".to_owned(),
            |v| format!("{} 吨标准煤/万元", number(v, 4)),
        ),
        note: format!(
            "目标每年 {ENERGY_INTENSITY_TARGET_PCT}%{}",
            c.energy_change_pct()
                .map_or_else(String::new, |p| format!("；比上年 {}", pct(p)))
        ),
        tag: match c.energy_change_pct() {
            Some(p) if p <= ENERGY_INTENSITY_TARGET_PCT => "ok",
            Some(_) => "warn",
            None => "",
        },
    });
    kpis.push(Kpi {
        label: "待处理异议",
        value: format!("{} 件", c.objections_open),
        note: "公示期内企业提出、尚未答复的异议".to_owned(),
        tag: if c.objections_open > 0 { "warn" } else { "ok" },
    });
    let codes: Vec<String> = c.regions.iter().map(|r| r.code.clone()).collect();
    let places = charts::tile_place(&codes);
    let tiles: Vec<charts::Tile> = c
        .regions
        .iter()
        .zip(places)
        .map(|(r, (col, row))| charts::Tile {
            name: r.name.clone(),
            value: r.tax_per_mu,
            col,
            row,
        })
        .collect();
    let bars: Vec<charts::Bar> = c
        .regions
        .iter()
        .map(|r| charts::Bar {
            label: r.name.clone(),
            value: r.tax_per_mu,
            change: r.change_pct(),
        })
        .collect();
    let (round, progress) = match &c.collection {
        Some((title, rows)) => (
            title.clone(),
            rows.iter()
                .map(|p| ProgressLine {
                    department: p.department.clone(),
                    percent: if p.required > 0 {
                        p.filled * 100 / p.required
                    } else {
                        100
                    },
                    text: format!(
                        "{} / {}",
                        number(p.filled as f64, 0),
                        number(p.required as f64, 0)
                    ),
                    overdue: p.overdue,
                })
                .collect(),
        ),
        None => (String::new(), Vec::new()),
    };
    let fallen = c
        .fallen
        .0
        .iter()
        .map(|f| {
            (
                f.id,
                f.name.clone(),
                f.county.clone(),
                class_label(&f.before),
                class_label(&f.after),
            )
        })
        .collect();
    let page = CockpitPage {
        l,
        map: if tiles.is_empty() {
            String::new()
        } else {
            charts::tile_map(&tiles)
        },
        bars: if bars.is_empty() {
            String::new()
        } else {
            charts::target_bars(&bars, TAX_PER_MU_TARGET)
        },
        trend: if c.trend.is_empty() {
            String::new()
        } else {
            charts::class_trend(&c.trend)
        },
        kpis,
        progress,
        round,
        fallen,
        c,
    };
    Ok(super::render(&page)?.into_response())
}

#[derive(Template)]
#[template(path = "enterprise_home.html")]
struct EnterprisePage {
    l: Layout,
    h: EnterpriseHome,
    /// Classes per year: (year, class, label, consecutive).
    classes: Vec<(i64, String, String, u32)>,
    class_label: String,
    chart: String,
}

/// An enterprise account's home.
pub(super) async fn enterprise_page(
    state: &AppState,
    user: &PageUser,
    msg: Option<&str>,
) -> Result<Response, PageError> {
    let h = state.app.enterprise_home(&user.actor).await?;
    let l = super::layout(state, user, "首页", "/", msg).await?;
    let rows: Vec<charts::Versus> = h
        .indicators
        .iter()
        .map(|i| charts::Versus {
            label: i.label.clone(),
            ratio: i.ratio,
            note: format!(
                "本企业 {}，基准值 {}（{}）",
                i.value.map_or_else(|| "缺失".to_owned(), |v| number(v, 4)),
                i.benchmark.map_or_else(|| "无".to_owned(), |v| number(v, 4)),
                i.unit
            ),
        })
        .collect();
    let page = EnterprisePage {
        l,
        classes: h
            .classes
            .iter()
            .map(|(y, c, n)| (*y, c.clone(), class_label(c), *n))
            .collect(),
        class_label: class_label(&h.class),
        chart: if rows.is_empty() {
            String::new()
        } else {
            charts::benchmark_bars(&rows)
        },
        h,
    };
    Ok(super::render(&page)?.into_response())
}
