//! Land attribution: parcels (不动产权证) split explicitly among their holders, and leases. The
//! evaluated land area of an enterprise = its shares of owned parcels − area leased out + area
//! leased in, for leases in force at the end of the year; the derivation is kept to be shown
//! wherever the area is shown.

use mujun_domain::units::AreaUnit;
use mujun_domain::{CreditCode, Date};
use mujun_store::{StoreError, enterprises, land};
use serde_json::json;

use crate::audit::{Who, write};
use crate::{Actor, App, AppError, Role};

/// How an enterprise's land area was derived.
#[derive(Clone, Debug, PartialEq)]
pub struct LandDerivation {
    /// (certificate, parcel area, this enterprise's share), in 亩.
    pub owned: Vec<(String, f64, f64)>,
    /// Leases out in force at the end of the year: (area, counterpart name or 外部).
    pub leased_out: Vec<(f64, String)>,
    /// Leases in in force at the end of the year.
    pub leased_in: Vec<(f64, String)>,
    /// owned − out + in (亩).
    pub total_mu: f64,
}

impl LandDerivation {
    /// The derivation in words, e.g. `自有 60 亩 − 出租 10 亩 + 承租 0 亩 = 50 亩`.
    pub fn explain(&self) -> String {
        let owned = self.owned.iter().fold(0.0, |t, (_, _, s)| t + s);
        let out = self.leased_out.iter().fold(0.0, |t, (a, _)| t + a);
        let inn = self.leased_in.iter().fold(0.0, |t, (a, _)| t + a);
        format!(
            "自有 {owned} 亩 − 出租 {out} 亩 + 承租 {inn} 亩 = {} 亩",
            self.total_mu
        )
    }
}

fn in_force_at_end_of(start: &str, end: Option<&str>, year: i64) -> bool {
    let Ok(y) = u16::try_from(year) else { return false };
    let Some(year_end) = Date::new(y, 12, 31) else {
        return false;
    };
    let started = Date::parse(start).is_ok_and(|d| d <= year_end);
    let not_ended = end.is_none_or(|e| Date::parse(e).is_ok_and(|d| d >= year_end));
    started && not_ended
}

/// A parcel to register.
#[derive(Clone, Debug, PartialEq)]
pub struct ParcelForm {
    /// 不动产权证号.
    pub certificate_no: String,
    /// Area in `unit`.
    pub area: f64,
    /// Unit of `area`.
    pub unit: AreaUnit,
    /// 供地日期 `YYYY-MM-DD`.
    pub supply_date: Option<String>,
    /// 用途.
    pub land_use: String,
    /// Holders: (credit code, share in 亩).
    pub holders: Vec<(String, f64)>,
}

/// A lease to record.
#[derive(Clone, Debug, PartialEq)]
pub struct LeaseForm {
    /// Lessor's credit code (none: outside the registry).
    pub lessor: Option<String>,
    /// Lessee's credit code (none: outside the registry).
    pub lessee: Option<String>,
    /// Area (亩).
    pub area_mu: f64,
    /// Start `YYYY-MM-DD`.
    pub start: String,
    /// End `YYYY-MM-DD` (none: open-ended).
    pub end: Option<String>,
    /// Note.
    pub note: String,
}

impl App {
    fn edits_land(actor: &Actor) -> bool {
        actor.role == Role::CityAdmin || actor.role == Role::Department
    }

    /// Registers a parcel with its holders (the natural-resources department or the city
    /// administrator). `area` is in `unit`; the shares (亩) must be positive and fit the area.
    pub async fn add_parcel(&self, actor: &Actor, form: &ParcelForm) -> Result<i64, AppError> {
        let ParcelForm {
            certificate_no,
            area,
            unit,
            supply_date,
            land_use,
            holders,
        } = form;
        let (certificate_no, area, supply_date) = (certificate_no.as_str(), *area, supply_date.as_deref());
        if !Self::edits_land(actor)
            || (actor.role == Role::Department && !self.is_department(actor, "natural_resources").await?)
        {
            return Err(self
                .deny(
                    actor,
                    "land.parcel",
                    ("land_parcel", certificate_no),
                    "仅自然资源和规划部门或市级评价管理员可以登记宗地",
                )
                .await);
        }
        let area_mu = unit.to_mu(area);
        if !(area_mu.is_finite() && area_mu > 0.0) {
            return Err(AppError::invalid("area", "面积应大于 0"));
        }
        if certificate_no.trim().is_empty() {
            return Err(AppError::invalid("certificate_no", "请填写不动产权证号"));
        }
        if let Some(d) = supply_date
            && Date::parse(d).is_err()
        {
            return Err(AppError::invalid("supply_date", "供地日期应为 YYYY-MM-DD"));
        }
        let total: f64 = holders.iter().map(|(_, s)| s).sum();
        if holders.is_empty() || holders.iter().any(|(_, s)| !(s.is_finite() && *s > 0.0)) {
            return Err(AppError::invalid("holders", "至少一个权利人，各自份额应大于 0"));
        }
        if total > area_mu * (1.0 + 1e-9) {
            return Err(AppError::invalid(
                "holders",
                format!("各权利人份额合计 {total} 亩，超过宗地面积 {area_mu} 亩（同一宗地不得重复计算）"),
            ));
        }
        let mut tx = self.store.begin().await?;
        let mut shares = Vec::new();
        // The parcel lies where its largest holder is (county and cluster scope the land pages).
        let mut place: Option<(f64, String, Option<i64>)> = None;
        for (code, share) in holders {
            let code = CreditCode::parse_lenient(code)
                .map_err(|e| AppError::invalid("holders", e.to_string()))?
                .0;
            let e = enterprises::get_by_code(&mut tx, code.as_str())
                .await?
                .ok_or_else(|| AppError::invalid("holders", format!("名录中没有企业 {code}")))?;
            if place.as_ref().is_none_or(|(s, _, _)| share > s) {
                place = Some((*share, e.region_code.clone(), e.cluster_id));
            }
            shares.push((e.id, *share));
        }
        let id =
            land::insert_parcel(&mut tx, certificate_no.trim(), area_mu, supply_date, land_use, "").await?;
        land::set_shares(&mut tx, id, &shares).await?;
        if let Some((_, region, cluster)) = &place {
            mujun_store::land_projects::set_place(&mut tx, id, Some(region), *cluster, None).await?;
        }
        write(
            &mut tx,
            Who::Actor(actor),
            "land.parcel",
            ("land_parcel", &id.to_string()),
            json!({"certificate_no": certificate_no, "area_mu": area_mu, "holders": holders}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(id)
    }

    /// Records a lease between two enterprises (either may be outside the registry: `None`).
    pub async fn add_lease(&self, actor: &Actor, form: &LeaseForm) -> Result<i64, AppError> {
        let (lessor, lessee, area_mu) = (form.lessor.as_deref(), form.lessee.as_deref(), form.area_mu);
        let (start, end, note) = (form.start.as_str(), form.end.as_deref(), form.note.as_str());
        if !Self::edits_land(actor)
            || (actor.role == Role::Department && !self.is_department(actor, "natural_resources").await?)
        {
            return Err(self
                .deny(
                    actor,
                    "land.lease",
                    ("land_lease", ""),
                    "仅自然资源和规划部门或市级评价管理员可以登记租赁",
                )
                .await);
        }
        if !(area_mu.is_finite() && area_mu > 0.0) {
            return Err(AppError::invalid("area", "面积应大于 0"));
        }
        if Date::parse(start).is_err() || end.is_some_and(|e| Date::parse(e).is_err()) {
            return Err(AppError::invalid("start_date", "日期应为 YYYY-MM-DD"));
        }
        if lessor.is_none() && lessee.is_none() {
            return Err(AppError::invalid("lessor", "出租方与承租方至少一方是名录内企业"));
        }
        let mut tx = self.store.begin().await?;
        let mut resolve = async |code: Option<&str>, field: &'static str| -> Result<Option<i64>, AppError> {
            match code {
                None => Ok(None),
                Some(c) => {
                    let c = CreditCode::parse_lenient(c)
                        .map_err(|e| AppError::invalid(field, e.to_string()))?
                        .0;
                    Ok(Some(
                        enterprises::get_by_code(&mut tx, c.as_str())
                            .await?
                            .ok_or_else(|| AppError::invalid(field, format!("名录中没有企业 {c}")))?
                            .id,
                    ))
                }
            }
        };
        let a = resolve(lessor, "lessor").await?;
        let b = resolve(lessee, "lessee").await?;
        if a.is_some() && a == b {
            return Err(AppError::invalid("lessee", "出租方与承租方不能是同一企业"));
        }
        let id = land::insert_lease(&mut tx, a, b, area_mu, start, end, note).await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "land.lease",
            ("land_lease", &id.to_string()),
            json!({"lessor": lessor, "lessee": lessee, "area_mu": area_mu, "start": start, "end": end}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(id)
    }

    async fn is_department(&self, actor: &Actor, code: &str) -> Result<bool, AppError> {
        let Some(d) = actor.department_id else {
            return Ok(false);
        };
        let mut c = self.store.read().await?;
        Ok(mujun_store::departments::get(&mut c, d)
            .await?
            .is_some_and(|d| d.code == code))
    }

    /// The derived land area of an enterprise for a year, when it has land records (else
    /// `None`: its area is the imported figure). Visible to whoever may see the enterprise.
    pub async fn land_derivation(
        &self,
        actor: &Actor,
        enterprise_id: i64,
        year: i64,
    ) -> Result<Option<LandDerivation>, AppError> {
        if !actor.reads_business_data() {
            return Err(self
                .deny(
                    actor,
                    "land.view",
                    ("enterprise", &enterprise_id.to_string()),
                    "该角色不能查看业务数据",
                )
                .await);
        }
        let mut c = self.store.read().await?;
        if enterprises::get(&mut c, enterprise_id, &actor.enterprise_scope())
            .await?
            .is_none()
        {
            drop(c);
            return Err(self
                .deny(
                    actor,
                    "land.view",
                    ("enterprise", &enterprise_id.to_string()),
                    "超出本账号的查看范围",
                )
                .await);
        }
        derive(&mut c, enterprise_id, year).await
    }
}

/// The derivation for one enterprise (also used to build evaluation inputs).
pub async fn derive(
    conn: &mut mujun_store::AnyConnection,
    enterprise_id: i64,
    year: i64,
) -> Result<Option<LandDerivation>, AppError> {
    let holdings = land::holdings(conn, enterprise_id).await?;
    let leases = land::leases_of(conn, enterprise_id).await?;
    if holdings.is_empty() && leases.is_empty() {
        return Ok(None);
    }
    let mut d = LandDerivation {
        owned: Vec::new(),
        leased_out: Vec::new(),
        leased_in: Vec::new(),
        total_mu: 0.0,
    };
    for h in holdings {
        d.owned
            .push((h.parcel.certificate_no, h.parcel.area_mu, h.share_mu));
    }
    for l in leases
        .into_iter()
        .filter(|l| in_force_at_end_of(&l.start_date, l.end_date.as_deref(), year))
    {
        let other = if l.lessor_enterprise_id == Some(enterprise_id) {
            l.lessee_enterprise_id
        } else {
            l.lessor_enterprise_id
        };
        let name = match other {
            Some(id) => enterprises::get(conn, id, &mujun_store::Scope::All)
                .await?
                .map_or_else(|| format!("#{id}"), |e| e.name),
            None => "名录外".to_owned(),
        };
        if l.lessor_enterprise_id == Some(enterprise_id) {
            d.leased_out.push((l.area_mu, name));
        } else {
            d.leased_in.push((l.area_mu, name));
        }
    }
    // Folds from +0.0 (an empty `sum` of floats is -0.0, which would print as "-0").
    let owned = d.owned.iter().fold(0.0, |t, (_, _, s)| t + s);
    let out = d.leased_out.iter().fold(0.0, |t, (a, _)| t + a);
    let inn = d.leased_in.iter().fold(0.0, |t, (a, _)| t + a);
    d.total_mu = owned - out + inn;
    Ok(Some(d))
}

impl App {
    /// Whether the caller may open the land records (city administrator and department
    /// officers); a refusal is audited.
    pub async fn land_access(&self, actor: &Actor) -> Result<(), AppError> {
        if matches!(actor.role, Role::CityAdmin | Role::Department) {
            Ok(())
        } else {
            Err(self
                .deny(
                    actor,
                    "land.view",
                    ("land", ""),
                    "仅市级评价管理员和部门数据员可以查看土地与租赁",
                )
                .await)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leases_count_when_in_force_at_year_end() {
        assert!(in_force_at_end_of("2023-06-01", None, 2024));
        assert!(in_force_at_end_of("2024-12-31", Some("2025-06-30"), 2024));
        assert!(!in_force_at_end_of("2025-01-01", None, 2024), "not yet started");
        assert!(
            !in_force_at_end_of("2020-01-01", Some("2024-06-30"), 2024),
            "ended before year end"
        );
        assert!(
            in_force_at_end_of("2020-01-01", Some("2024-12-31"), 2024),
            "ends on the last day"
        );
    }
}
