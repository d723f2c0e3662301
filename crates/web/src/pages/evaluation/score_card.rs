//! `/runs/{id}/enterprises/{eid}`: an enterprise's score card in a run — its facts and the
//! figures evaluated, the final and computed class with the reason, rank in its pool, each
//! indicator (value, benchmark, ratio, weight, score and how it was scored), base + bonus =
//! total, the engine's explanation and what would move it up, the land derivation, whether the
//! stored result re-evaluates the same, the manual adjustment and the enterprise's objections.
//! The enterprise files objections here during the notice; the city administrator adjusts the
//! class (调档) here while the run is a draft or under review. The PDF of the card is
//! `/runs/{id}/enterprises/{eid}/card.pdf`.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use mujun_app::Role;
use mujun_app::evaluation::RunState;
use mujun_app::evaluation::results::{indicator_label, indicator_unit};
use mujun_app::evaluation::snapshot::figure;
use mujun_domain::Field;
use serde::Deserialize;

use super::{
    Opt, RunEnterprise, class_label, form_messages, number, objection_status, reason_text, region_name,
    state_tag,
};
use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::layout::Layout;
use crate::pages::send;
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/runs/{id}/enterprises/{eid}", get(page))
        .route("/runs/{id}/enterprises/{eid}/adjust", post(adjust))
        .route("/runs/{id}/enterprises/{eid}/card.pdf", get(pdf))
}

#[derive(Deserialize, Default)]
struct PageQuery {
    msg: Option<String>,
}

/// What a refused form sent, shown again with its messages.
#[derive(Clone, Debug, Default)]
pub(super) struct Retained {
    /// Objection item.
    pub item: String,
    /// Objection text.
    pub text: String,
    /// Adjustment class.
    pub class: String,
    /// Adjustment reason.
    pub reason: String,
}

/// A fact of the card.
struct Fact {
    label: &'static str,
    value: String,
}

/// An indicator of the card.
struct IndicatorRow {
    label: &'static str,
    unit: &'static str,
    value: String,
    benchmark: String,
    ratio: String,
    weight: String,
    score: String,
    basis: &'static str,
}

/// A figure evaluated.
struct FigureRow {
    label: &'static str,
    value: String,
    unit: &'static str,
}

/// One of the enterprise's objections.
struct ObjectionRow {
    id: i64,
    item: String,
    text: String,
    status: &'static str,
    open: bool,
    resolution: String,
    corrected: String,
    attachment: String,
    filed: String,
}

#[derive(Template)]
#[template(path = "evaluation/score_card.html")]
struct CardPage {
    l: Layout,
    run_id: i64,
    enterprise_id: i64,
    year: i64,
    run_title: String,
    state: &'static str,
    tag: &'static str,
    facts: Vec<Fact>,
    final_class: String,
    final_label: String,
    computed_class: String,
    reason: String,
    excluded: bool,
    rank: String,
    base: String,
    bonus: String,
    total: String,
    indicators: Vec<IndicatorRow>,
    figures: Vec<FigureRow>,
    explanation: Vec<String>,
    what_if: String,
    /// (lever, what it takes).
    levers: Vec<(&'static str, String)>,
    land_derivation: String,
    reproduced: bool,
    adjustment_class: String,
    adjustment_reason: String,
    objections: Vec<ObjectionRow>,
    can_object: bool,
    items: Vec<Opt>,
    objection_text: String,
    can_adjust: bool,
    classes: Vec<Opt>,
    adjust_reason: String,
    published: bool,
    errors: Vec<String>,
    max_attachment_mb: usize,
}

/// The Chinese label of an objection item (`class` or a figure id).
pub(super) fn item_label(item: &str) -> String {
    if item == "class" {
        return "评价类别".to_owned();
    }
    Field::parse(item).map_or_else(|_| item.to_owned(), |f| f.label().to_owned())
}

/// Renders the card of `enterprise` in `run` (also after a refused objection or adjustment).
#[allow(clippy::too_many_arguments)]
pub(super) async fn render(
    state: &AppState,
    user: &PageUser,
    run: i64,
    enterprise: i64,
    msg: Option<&str>,
    errors: Vec<String>,
    retained: &Retained,
    status: StatusCode,
) -> Result<Response, PageError> {
    let a = &user.actor;
    let v = state.app.score_card(a, run, enterprise).await?;
    let what_if = v.what_if_text();
    let levers = v.levers.iter().map(|l| (l.lever, l.text())).collect();
    let i = &v.input;
    let r = &v.result;
    let title = format!("评分卡 · {}", i.name);
    let l = crate::pages::layout(state, user, &title, "/runs", msg).await?;
    let industry = mujun_domain::IndustryCode::parse(&i.industry_code)
        .ok()
        .and_then(|c| mujun_domain::manufacturing_division_name(c.division()))
        .map_or_else(|| i.industry_code.clone(), |n| format!("{} {n}", i.industry_code));
    let mut facts = vec![
        Fact {
            label: "企业名称",
            value: i.name.clone(),
        },
        Fact {
            label: "统一社会信用代码",
            value: i.credit_code.clone(),
        },
        Fact {
            label: "所在县区",
            value: format!("{}（{}）", region_name(&i.region_code), i.region_code),
        },
        Fact {
            label: "产业集聚区",
            value: i.cluster.clone().unwrap_or_else(|| "不在集聚区内".to_owned()),
        },
        Fact {
            label: "行业",
            value: industry,
        },
        Fact {
            label: "规模",
            value: mujun_domain::Scale::parse(&i.scale)
                .map_or_else(|_| i.scale.clone(), |s| s.label().to_owned()),
        },
    ];
    if !r.group_id.is_empty() {
        facts.push(Fact {
            label: "评价组 · 排名池",
            value: format!(
                "{} · {}（参与排名 {} 家）",
                mujun_app::evaluation::format::group_label(&r.group_id),
                if r.pool == "all" { "全市" } else { &r.pool },
                r.pool_size.unwrap_or(0)
            ),
        });
    }
    let indicators = v
        .detail
        .indicators
        .iter()
        .map(|d| IndicatorRow {
            label: indicator_label(&d.id),
            unit: indicator_unit(&d.id),
            value: match (d.value, d.undefined.as_str()) {
                (Some(x), _) => number(Some(x), 4),
                (None, "z") => "分母为 0".to_owned(),
                _ => "缺失".to_owned(),
            },
            benchmark: number(d.benchmark, 4),
            ratio: number(d.ratio, 4),
            weight: number(Some(d.weight), 1),
            score: number(Some(d.score), 2),
            basis: d.basis_label(),
        })
        .collect();
    let figures = Field::ALL
        .iter()
        .map(|f| FigureRow {
            label: f.label(),
            value: number(figure(i, *f), 2),
            unit: f.unit(),
        })
        .collect();
    let objections = v
        .objections
        .iter()
        .map(|o| ObjectionRow {
            id: o.id,
            item: item_label(&o.item),
            text: o.text.clone(),
            status: objection_status(&o.status),
            open: o.status == "open",
            resolution: o.resolution.clone(),
            corrected: o.corrected_value.map_or_else(String::new, |c| number(Some(c), 2)),
            attachment: o.attachment_name.clone(),
            filed: crate::pages::format_time(o.filed_at),
        })
        .collect();
    let can_object = a.role == Role::Enterprise && v.state == RunState::Notice;
    let mut items = vec![Opt::new("class", "评价类别", &retained.item)];
    items.extend(
        Field::ALL
            .iter()
            .map(|f| Opt::new(f.id(), format!("{}（{}）", f.label(), f.unit()), &retained.item)),
    );
    let excluded = !r.excluded_reason.is_empty();
    let can_adjust = a.role == Role::CityAdmin && v.state.adjustable() && !excluded;
    let adjust_to = if retained.class.is_empty() {
        r.final_class.as_str()
    } else {
        retained.class.as_str()
    };
    let page = CardPage {
        l,
        run_id: run,
        enterprise_id: enterprise,
        year: v.run.year,
        run_title: v.run.title.clone(),
        state: v.state.label(),
        tag: state_tag(v.state),
        facts,
        final_label: class_label(&r.final_class),
        final_class: r.final_class.clone(),
        computed_class: r.computed_class.clone(),
        reason: reason_text(&r.class_reason),
        excluded,
        rank: match (r.rank, r.pool_size) {
            (Some(k), Some(n)) => format!("第 {k} 名 / 共 {n} 家"),
            _ if excluded => "不参评".to_owned(),
            _ => "不参与排名（否决）".to_owned(),
        },
        base: number(r.base, 2),
        bonus: number(r.bonus, 2),
        total: number(r.total, 2),
        indicators,
        figures,
        explanation: v.explanation.clone(),
        what_if,
        levers,
        land_derivation: i.land_derivation.clone(),
        reproduced: v.reproduced,
        adjustment_class: v.adjustment.as_ref().map(|(c, _)| c.clone()).unwrap_or_default(),
        adjustment_reason: v.adjustment.as_ref().map(|(_, r)| r.clone()).unwrap_or_default(),
        objections,
        can_object,
        items,
        objection_text: retained.text.clone(),
        can_adjust,
        classes: v
            .classes
            .iter()
            .map(|c| Opt::new(c.clone(), class_label(c), adjust_to))
            .collect(),
        adjust_reason: retained.reason.clone(),
        published: v.state == RunState::Published,
        errors,
        max_attachment_mb: mujun_app::evaluation::objections::MAX_ATTACHMENT / (1024 * 1024),
    };
    Ok((status, crate::pages::render(&page)?).into_response())
}

async fn page(
    State(state): State<AppState>,
    user: PageUser,
    ids: RunEnterprise,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    render(
        &state,
        &user,
        ids.run,
        ids.enterprise,
        q.msg.as_deref(),
        Vec::new(),
        &Retained::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
struct AdjustForm {
    #[serde(default)]
    class: String,
    #[serde(default)]
    reason: String,
}

/// `POST /runs/{id}/enterprises/{eid}/adjust`: 调档 with a written reason.
async fn adjust(
    State(state): State<AppState>,
    ids: RunEnterprise,
    CsrfForm { user, form }: CsrfForm<AdjustForm>,
) -> Result<Response, PageError> {
    match state
        .app
        .adjust_class(
            &user.actor,
            ids.run,
            ids.enterprise,
            form.class.trim(),
            &form.reason,
        )
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!(
            "/runs/{}/enterprises/{}?msg=adjusted",
            ids.run, ids.enterprise
        ))
        .into_response()),
        Err(e) => {
            let errors = form_messages(e)?;
            let retained = Retained {
                class: form.class,
                reason: form.reason,
                ..Retained::default()
            };
            render(
                &state,
                &user,
                ids.run,
                ids.enterprise,
                None,
                errors,
                &retained,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// `GET /runs/{id}/enterprises/{eid}/card.pdf` (audited).
async fn pdf(
    State(state): State<AppState>,
    user: PageUser,
    ids: RunEnterprise,
) -> Result<Response, PageError> {
    let file = state
        .app
        .score_card_pdf(&user.actor, ids.run, ids.enterprise)
        .await?;
    Ok(send(file))
}
