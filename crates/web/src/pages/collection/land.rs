//! `/land`: land records — register a parcel (不动产权证) split among its holders, record a
//! lease, and look up how an enterprise's evaluated land area is derived (owned − leased out +
//! leased in) for a year.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use mujun_app::collection::land::{LeaseForm, ParcelForm};
use mujun_app::registry::enterprises::EnterpriseQuery;
use mujun_app::{AppError, Role};
use mujun_domain::CreditCode;
use mujun_domain::number::parse_number;
use mujun_domain::units::AreaUnit;
use mujun_store::enterprises::ListFilter;
use serde::Deserialize;

use super::{Opt, form_messages, number_text};
use crate::auth::{CsrfForm, PageUser};
use crate::error::PageError;
use crate::layout::Layout;
use crate::state::AppState;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/land", get(page))
        .route("/land/parcels", post(add_parcel))
        .route("/land/leases", post(add_lease))
}

/// Holder rows of the parcel form.
const HOLDERS: usize = 5;

const UNITS: [(&str, AreaUnit); 3] = [
    ("mu", AreaUnit::Mu),
    ("sqm", AreaUnit::SquareMetre),
    ("ha", AreaUnit::Hectare),
];

#[derive(Deserialize, Default)]
struct LookupQuery {
    #[serde(default)]
    code: String,
    year: Option<String>,
    msg: Option<String>,
}

/// The parcel form as typed.
#[derive(Default)]
struct ParcelInput {
    certificate_no: String,
    area: String,
    unit: String,
    supply_date: String,
    land_use: String,
    holders: Vec<(String, String)>,
}

/// The lease form as typed.
#[derive(Default)]
struct LeaseInput {
    lessor: String,
    lessee: String,
    area_mu: String,
    start: String,
    end: String,
    note: String,
}

/// An enterprise's derivation, as shown.
struct DerivationView {
    explain: String,
    owned: Vec<(String, String, String)>,
    leased_out: Vec<(String, String)>,
    leased_in: Vec<(String, String)>,
    total: String,
}

/// The result of a lookup.
struct Lookup {
    code: String,
    enterprise_id: i64,
    name: String,
    derivation: Option<DerivationView>,
}

#[derive(Template)]
#[template(path = "collection/land.html")]
struct LandPage {
    l: Layout,
    year: i64,
    years: Vec<Opt>,
    code: String,
    lookup: Option<Lookup>,
    lookup_error: String,
    can_edit: bool,
    units: Vec<Opt>,
    parcel: ParcelInput,
    parcel_errors: Vec<String>,
    lease: LeaseInput,
    lease_errors: Vec<String>,
}

/// What a render shows besides the lookup.
#[derive(Default)]
struct Forms {
    parcel: ParcelInput,
    parcel_errors: Vec<String>,
    lease: LeaseInput,
    lease_errors: Vec<String>,
}

/// Finds an enterprise by its credit code through the registry use case (within the caller's
/// scope).
async fn find_enterprise(
    state: &AppState,
    user: &PageUser,
    code: &str,
) -> Result<Option<(i64, String)>, PageError> {
    let normalized = CreditCode::parse_lenient(code)
        .map(|(c, _)| c.as_str().to_owned())
        .unwrap_or_else(|_| code.trim().to_uppercase());
    let page = state
        .app
        .list_enterprises(
            &user.actor,
            &EnterpriseQuery {
                filter: ListFilter {
                    search: Some(normalized.clone()),
                    ..Default::default()
                },
                page: 1,
                per_page: 10,
                ..Default::default()
            },
        )
        .await?;
    Ok(page
        .rows
        .into_iter()
        .find(|r| r.credit_code == normalized)
        .map(|r| (r.id, r.name)))
}

async fn render(
    state: &AppState,
    user: &PageUser,
    code: &str,
    year: Option<i64>,
    msg: Option<&str>,
    mut forms: Forms,
    status: StatusCode,
) -> Result<Response, PageError> {
    let year = year.unwrap_or_else(|| super::this_year() - 1);
    let code = code.trim().to_owned();
    let (mut lookup, mut lookup_error) = (None, String::new());
    if !code.is_empty() {
        match find_enterprise(state, user, &code).await? {
            None => lookup_error = format!("在您的查看范围内没有统一社会信用代码为“{code}”的企业"),
            Some((id, name)) => {
                let derivation = state.app.land_derivation(&user.actor, id, year).await?;
                lookup = Some(Lookup {
                    code: code.clone(),
                    enterprise_id: id,
                    name,
                    derivation: derivation.map(|d| DerivationView {
                        explain: d.explain(),
                        owned: d
                            .owned
                            .iter()
                            .map(|(c, a, s)| (c.clone(), number_text(*a), number_text(*s)))
                            .collect(),
                        leased_out: d
                            .leased_out
                            .iter()
                            .map(|(a, n)| (number_text(*a), n.clone()))
                            .collect(),
                        leased_in: d
                            .leased_in
                            .iter()
                            .map(|(a, n)| (number_text(*a), n.clone()))
                            .collect(),
                        total: number_text(d.total_mu),
                    }),
                });
            }
        }
    }
    if forms.parcel.holders.is_empty() {
        forms.parcel.holders = vec![(String::new(), String::new()); HOLDERS];
    }
    if forms.parcel.unit.is_empty() {
        forms.parcel.unit = "mu".into();
    }
    let l = crate::pages::layout(state, user, "土地与租赁", "/land", msg).await?;
    let page = LandPage {
        l,
        years: super::year_options(year, &[]),
        year,
        code,
        lookup,
        lookup_error,
        can_edit: matches!(user.actor.role, Role::CityAdmin | Role::Department),
        units: UNITS
            .iter()
            .map(|(id, u)| Opt::new(*id, u.label(), &forms.parcel.unit))
            .collect(),
        parcel: forms.parcel,
        parcel_errors: forms.parcel_errors,
        lease: forms.lease,
        lease_errors: forms.lease_errors,
    };
    Ok((status, crate::pages::render(&page)?).into_response())
}

async fn page(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<LookupQuery>,
) -> Result<Response, PageError> {
    state.app.land_access(&user.actor).await?;
    let year = super::parse_year(q.year.as_deref());
    render(
        &state,
        &user,
        &q.code,
        year,
        q.msg.as_deref(),
        Forms::default(),
        StatusCode::OK,
    )
    .await
}

/// A positive number typed in a form.
fn number(text: &str, what: &str, field: &'static str) -> Result<f64, AppError> {
    match parse_number(text) {
        Ok(Some(v)) => Ok(v),
        Ok(None) => Err(AppError::invalid(field, format!("请填写{what}"))),
        Err(why) => Err(AppError::invalid(
            field,
            format!("{what}“{}”无效：{why}", text.trim()),
        )),
    }
}

fn optional(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

fn parcel_form(input: &ParcelInput) -> Result<ParcelForm, AppError> {
    let unit = UNITS
        .iter()
        .find(|(id, _)| *id == input.unit)
        .map(|(_, u)| *u)
        .ok_or_else(|| AppError::invalid("unit", "请选择面积单位"))?;
    let mut holders = Vec::new();
    for (i, (code, share)) in input.holders.iter().enumerate() {
        if code.trim().is_empty() && share.trim().is_empty() {
            continue;
        }
        if code.trim().is_empty() {
            return Err(AppError::invalid(
                "holders",
                format!("第 {} 个权利人缺少统一社会信用代码", i + 1),
            ));
        }
        holders.push((
            code.trim().to_owned(),
            number(share, &format!("第 {} 个权利人的份额", i + 1), "holders")?,
        ));
    }
    Ok(ParcelForm {
        certificate_no: input.certificate_no.trim().to_owned(),
        area: number(&input.area, "宗地面积", "area")?,
        unit,
        supply_date: optional(&input.supply_date),
        land_use: input.land_use.trim().to_owned(),
        holders,
    })
}

async fn add_parcel(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let f = |name: &str| super::field(&form, name).to_owned();
    let input = ParcelInput {
        certificate_no: f("certificate_no"),
        area: f("area"),
        unit: f("unit"),
        supply_date: f("supply_date"),
        land_use: f("land_use"),
        holders: (1..=HOLDERS)
            .map(|i| (f(&format!("holder_code_{i}")), f(&format!("holder_share_{i}"))))
            .collect(),
    };
    let year = super::parse_year(Some(&f("year")));
    let result = match parcel_form(&input) {
        Ok(p) => state.app.add_parcel(&user.actor, &p).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => {
            let code = input
                .holders
                .iter()
                .map(|(c, _)| c.trim())
                .find(|c| !c.is_empty())
                .unwrap_or_default()
                .to_owned();
            let year = year.map_or_else(String::new, |y| y.to_string());
            let q = crate::pages::query_string(&[("code", code), ("year", year), ("msg", "created".into())]);
            Ok(Redirect::to(&format!("/land{q}")).into_response())
        }
        Err(e) => {
            let forms = Forms {
                parcel_errors: form_messages(e)?,
                parcel: input,
                ..Forms::default()
            };
            render(
                &state,
                &user,
                "",
                year,
                None,
                forms,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

async fn add_lease(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let f = |name: &str| super::field(&form, name).to_owned();
    let input = LeaseInput {
        lessor: f("lessor"),
        lessee: f("lessee"),
        area_mu: f("area_mu"),
        start: f("start"),
        end: f("end"),
        note: f("note"),
    };
    let year = super::parse_year(Some(&f("year")));
    let result = match number(&input.area_mu, "租赁面积", "area") {
        Ok(area_mu) => {
            let lease = LeaseForm {
                lessor: optional(&input.lessor),
                lessee: optional(&input.lessee),
                area_mu,
                start: input.start.trim().to_owned(),
                end: optional(&input.end),
                note: input.note.trim().to_owned(),
            };
            state.app.add_lease(&user.actor, &lease).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => {
            let code = optional(&input.lessee)
                .or_else(|| optional(&input.lessor))
                .unwrap_or_default();
            let year = year.map_or_else(String::new, |y| y.to_string());
            let q = crate::pages::query_string(&[("code", code), ("year", year), ("msg", "created".into())]);
            Ok(Redirect::to(&format!("/land{q}")).into_response())
        }
        Err(e) => {
            let forms = Forms {
                lease_errors: form_messages(e)?,
                lease: input,
                ..Forms::default()
            };
            render(
                &state,
                &user,
                "",
                year,
                None,
                forms,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
