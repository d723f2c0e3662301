//! Setting up the city an installation serves (issue 11): `mujun init --city <code>` on an
//! empty database takes the city's name and county-level divisions from the embedded table of
//! all divisions (`mujun_domain::divisions`), so any city in China starts the same way;
//! Zhumadian stays the demo. Clusters, accounts and the registry follow.

use mujun_domain::{RegionCode, divisions};
use mujun_store::{StoreError, enterprises, regions, settings};
use serde_json::json;

use crate::audit::{Who, write};
use crate::{Actor, App, AppError};

/// The city an installation serves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CityView {
    /// Its code, e.g. `411300`.
    pub code: String,
    /// Its name, e.g. `南阳市`.
    pub name: String,
    /// Its province, e.g. `河南省`.
    pub province: String,
    /// The agency that runs the evaluation, printed on letters.
    pub agency: String,
    /// Its county-level divisions: code and name.
    pub counties: Vec<(String, String)>,
}

/// What the city administrator's setup page shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetupOverview {
    /// The city, once set up.
    pub city: Option<CityView>,
    /// Enterprises in the registry.
    pub enterprises: i64,
    /// Clusters.
    pub clusters: usize,
    /// The city can still be set up here: nothing set up, no counties, no enterprises.
    pub can_init: bool,
}

impl App {
    /// The setup page's facts (city administrator).
    pub async fn setup_overview(&self, actor: &Actor) -> Result<SetupOverview, AppError> {
        self.require_registry_editor(actor, "setup.view", ("region", ""))
            .await?;
        let city = self.city().await?;
        let mut c = self.store.read().await?;
        let enterprises = enterprises::count(&mut c).await?;
        let no_regions = regions::list_all(&mut c).await?.is_empty();
        Ok(SetupOverview {
            can_init: city.is_none() && no_regions && enterprises == 0,
            city,
            enterprises,
            clusters: mujun_store::clusters::list(&mut c, None).await?.len(),
        })
    }

    /// The city set up for this installation, if any.
    pub async fn city(&self) -> Result<Option<CityView>, AppError> {
        let mut c = self.store.read().await?;
        let Some(code) = settings::get(&mut c, "city_code").await? else {
            return Ok(None);
        };
        let get = async |c: &mut mujun_store::AnyConnection, k: &str| -> Result<String, AppError> {
            Ok(settings::get(c, k).await?.unwrap_or_default())
        };
        let name = get(&mut c, "city_name").await?;
        let province = get(&mut c, "province_name").await?;
        let agency = get(&mut c, "agency").await?;
        let counties = regions::list_all(&mut c)
            .await?
            .into_iter()
            .filter(|r| r.parent_code.as_deref() == Some(code.as_str()))
            .map(|r| (r.code, r.name))
            .collect();
        Ok(Some(CityView {
            code,
            name,
            province,
            agency,
            counties,
        }))
    }

    /// Whether no county-level divisions exist yet (a database neither set up nor seeded).
    pub async fn reference_regions_empty(&self) -> Result<bool, AppError> {
        let mut c = self.store.read().await?;
        Ok(regions::list_all(&mut c).await?.is_empty())
    }

    /// Sets up a city on an empty database (whoever runs the command has the server): the
    /// shared reference data, the city and its county-level divisions, the agency. Refuses an
    /// unknown code, a code that is not a prefecture-level city or municipality, and a
    /// database that already serves a city or holds enterprises.
    pub async fn init_city(&self, code: &str, agency: &str) -> Result<CityView, AppError> {
        self.init_city_by(Who::Cli, code, agency).await
    }

    /// [`App::init_city`] from the first-run page of the city administrator.
    pub async fn init_city_as(&self, actor: &Actor, code: &str, agency: &str) -> Result<CityView, AppError> {
        self.require_registry_editor(actor, "city.init", ("region", ""))
            .await?;
        self.init_city_by(Who::Actor(actor), code, agency).await
    }

    async fn init_city_by(&self, who: Who<'_>, code: &str, agency: &str) -> Result<CityView, AppError> {
        let region = RegionCode::parse(code).map_err(|_| {
            AppError::invalid(
                "city",
                format!("“{}”不是 6 位行政区划代码（如南阳市 411300）", code.trim()),
            )
        })?;
        let city = divisions::city(region).ok_or_else(|| {
            AppError::invalid(
                "city",
                format!(
                    "{} 不是地级市（地区、自治州、盟）或直辖市的行政区划代码{}",
                    region.value(),
                    divisions::find(region).map_or_else(String::new, |d| format!("（它是{}）", d.name))
                ),
            )
        })?;
        let agency = agency.trim();
        if agency.is_empty() || agency.chars().count() > 60 {
            return Err(AppError::invalid(
                "agency",
                "请填写组织评价的机构名称（60 字以内），如“南阳市发展和改革委员会”",
            ));
        }
        {
            let mut c = self.store.read().await?;
            if let Some(existing) = settings::get(&mut c, "city_name").await? {
                return Err(AppError::invalid(
                    "city",
                    format!("本系统已设置为{existing}，不能再次设置"),
                ));
            }
            if !regions::list_all(&mut c).await?.is_empty() || enterprises::count(&mut c).await? > 0 {
                return Err(AppError::invalid(
                    "city",
                    "数据库不是空库（已有县区或企业，例如演示数据）：请在新建的空数据库上设置城市",
                ));
            }
        }
        self.ensure_base_reference_data().await?;
        let city_code = city.division.code.value().to_string();
        let mut tx = self.store.begin().await?;
        regions::insert(&mut tx, &city_code, city.division.name, None, 2000).await?;
        for county in &city.counties {
            regions::insert(
                &mut tx,
                &county.code.value().to_string(),
                county.name,
                Some(&city_code),
                2000,
            )
            .await?;
        }
        for (k, v) in [
            ("city_code", city_code.as_str()),
            ("city_name", city.division.name),
            ("province_name", city.province.name),
            ("agency", agency),
        ] {
            settings::set(&mut tx, k, v).await?;
        }
        write(
            &mut tx,
            who,
            "city.init",
            ("region", &city_code),
            json!({"city": city.division.name, "counties": city.counties.len(), "agency": agency}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.cache.clear();
        self.city()
            .await?
            .ok_or_else(|| AppError::Internal("城市设置未保存".into()))
    }
}
