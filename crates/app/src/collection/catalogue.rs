//! The data-item catalogue as data, and the reference data a new installation needs.

use mujun_collect::catalogue::default_catalogue;
use mujun_collect::{CatalogueItem, ValueKind};
use mujun_domain::{DEPARTMENTS, MANUFACTURING_DIVISIONS, ZHUMADIAN_CLUSTERS, ZHUMADIAN_REGIONS};
use mujun_store::{StoreError, catalogue, clusters, departments, industries, regions};
use serde_json::json;

use crate::audit::{Who, write};
use crate::{Actor, App, AppError};

fn to_stored(i: &CatalogueItem) -> catalogue::Item {
    catalogue::Item {
        id: i.id.clone(),
        label: i.label.clone(),
        department_code: i.department_code.clone(),
        unit: i.unit.clone(),
        value_kind: i.kind.id().to_owned(),
        min_value: i.min,
        max_value: i.max,
        required_above: i64::from(i.required_above),
        required_below: i64::from(i.required_below),
        slow_moving: i64::from(i.slow_moving),
        description: i.description.clone(),
        shared_with: i.shared_with.join(","),
        sort_order: i.sort_order,
        active: 1,
        updated_at: 0,
    }
}

fn from_stored(i: catalogue::Item) -> CatalogueItem {
    CatalogueItem {
        kind: ValueKind::parse(&i.value_kind).unwrap_or(ValueKind::Number),
        id: i.id,
        label: i.label,
        department_code: i.department_code,
        unit: i.unit,
        min: i.min_value,
        max: i.max_value,
        required_above: i.required_above == 1,
        required_below: i.required_below == 1,
        slow_moving: i.slow_moving == 1,
        description: i.description,
        shared_with: i
            .shared_with
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        sort_order: i.sort_order,
    }
}

impl App {
    /// Fills what the demo (and the tests) need: departments, the manufacturing 大类, the
    /// Zhumadian regions and clusters, and the data-item catalogue. Each table is filled only
    /// when empty, so running it again changes nothing. A real city uses [`App::init_city`].
    pub async fn ensure_reference_data(&self) -> Result<(), AppError> {
        self.ensure_reference(true).await
    }

    /// The reference data every city shares — departments, industries, the catalogue, the
    /// default policies — without any city's counties and clusters (`mujun init` adds those).
    pub async fn ensure_base_reference_data(&self) -> Result<(), AppError> {
        self.ensure_reference(false).await
    }

    async fn ensure_reference(&self, zhumadian: bool) -> Result<(), AppError> {
        let mut tx = self.store.begin().await?;
        if departments::list(&mut tx).await?.is_empty() {
            for (i, (code, name)) in DEPARTMENTS.iter().enumerate() {
                departments::insert(&mut tx, code, name, i as i64).await?;
            }
        }
        if industries::list(&mut tx).await?.is_empty() {
            for (division, name) in MANUFACTURING_DIVISIONS {
                industries::upsert(&mut tx, i64::from(division), name).await?;
            }
        }
        if zhumadian && regions::list_all(&mut tx).await?.is_empty() {
            for (code, name) in ZHUMADIAN_REGIONS {
                let parent = (code != 411_700).then_some("411700");
                regions::insert(&mut tx, &code.to_string(), name, parent, 2000).await?;
            }
        }
        if zhumadian && clusters::list(&mut tx, None).await?.is_empty() {
            for (name, county) in ZHUMADIAN_CLUSTERS {
                clusters::insert(
                    &mut tx,
                    &clusters::ClusterFields {
                        name: name.to_owned(),
                        region_code: county.to_string(),
                        star_level: None,
                        leading_industries: String::new(),
                        planned_area_mu: None,
                        status: "active".into(),
                        merged_into: None,
                    },
                    None,
                )
                .await?;
            }
        }
        if catalogue::count(&mut tx).await? == 0 {
            for item in default_catalogue() {
                catalogue::upsert(&mut tx, &to_stored(&item)).await?;
            }
        }
        self.ensure_policy_defaults(&mut tx).await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.cache.clear();
        Ok(())
    }

    /// The catalogue (any signed-in caller may read what is collected).
    pub async fn catalogue(&self) -> Result<Vec<CatalogueItem>, AppError> {
        if let Some(c) = self.cache.catalogue() {
            return Ok(c);
        }
        let mut c = self.store.read().await?;
        let items: Vec<CatalogueItem> = catalogue::list(&mut c)
            .await?
            .into_iter()
            .filter(|i| i.active == 1)
            .map(from_stored)
            .collect();
        self.cache.put_catalogue(items.clone());
        Ok(items)
    }

    /// Sets which other departments may see an item (city administrator).
    pub async fn set_item_sharing(
        &self,
        actor: &Actor,
        item: &str,
        departments_codes: &[String],
    ) -> Result<(), AppError> {
        if !actor.edits_registry() {
            return Err(self
                .deny(
                    actor,
                    "catalogue.share",
                    ("catalogue_item", item),
                    "仅市级评价管理员可以设置数据共享",
                )
                .await);
        }
        let known: Vec<String> = {
            let mut c = self.store.read().await?;
            departments::list(&mut c)
                .await?
                .into_iter()
                .map(|d| d.code)
                .collect()
        };
        if let Some(bad) = departments_codes.iter().find(|d| !known.contains(d)) {
            return Err(AppError::invalid(
                "shared_with",
                format!("没有代码为“{bad}”的部门"),
            ));
        }
        let mut tx = self.store.begin().await?;
        catalogue::set_shared_with(&mut tx, item, &departments_codes.join(",")).await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "catalogue.share",
            ("catalogue_item", item),
            json!({"shared_with": departments_codes}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.cache.clear();
        Ok(())
    }
}
