//! Reference data any signed-in user may read: regions, industries, departments.

use mujun_store::{departments, industries, regions};

use crate::{Actor, App, AppError};

/// Reference tables for forms and filters.
#[derive(Clone, Debug)]
pub struct Reference {
    /// Regions valid now.
    pub regions: Vec<regions::Region>,
    /// Manufacturing 大类.
    pub industries: Vec<industries::Industry>,
    /// Departments.
    pub departments: Vec<departments::Department>,
}

impl App {
    /// The reference tables (for any signed-in caller).
    pub async fn reference(&self, _actor: &Actor) -> Result<Reference, AppError> {
        if let Some(r) = self.cache.reference() {
            return Ok(r);
        }
        let mut c = self.store.read().await?;
        let year = 2100; // "valid now": every region without an end year, or ending later
        let r = Reference {
            regions: regions::valid_in(&mut c, year).await?,
            industries: industries::list(&mut c).await?,
            departments: departments::list(&mut c).await?,
        };
        self.cache.put_reference(r.clone());
        Ok(r)
    }
}

impl App {
    /// Every county-level code ever registered → its name (for workbooks and lists).
    pub async fn region_names(&self) -> Result<std::collections::HashMap<String, String>, AppError> {
        let mut c = self.store.read().await?;
        Ok(regions::list_all(&mut c)
            .await?
            .into_iter()
            .map(|r| (r.code, r.name))
            .collect())
    }

    /// The caller's scope in words for the page header, e.g. `驿城区（411702）` or a cluster's or
    /// enterprise's name.
    pub async fn scope_label(&self, actor: &Actor) -> Result<String, AppError> {
        let mut c = self.store.read().await?;
        Ok(match actor.role {
            crate::Role::County => {
                let code = actor.region_code.clone().unwrap_or_default();
                let name = regions::valid_in(&mut c, 2100)
                    .await?
                    .into_iter()
                    .find(|r| r.code == code)
                    .map(|r| r.name);
                format!("{}（{code}）", name.unwrap_or_else(|| "县区".into()))
            }
            crate::Role::Cluster => match actor.cluster_id {
                Some(id) => mujun_store::clusters::get(&mut c, id)
                    .await?
                    .map_or_else(|| "集聚区".into(), |cl| cl.name),
                None => "未设置集聚区".into(),
            },
            crate::Role::Enterprise => match actor.enterprise_id {
                Some(id) => mujun_store::enterprises::get(&mut c, id, &mujun_store::Scope::All)
                    .await?
                    .map_or_else(|| "企业".into(), |e| e.name),
                None => "未设置企业".into(),
            },
            crate::Role::Department => match actor.department_id {
                Some(id) => departments::get(&mut c, id)
                    .await?
                    .map_or_else(|| "部门".into(), |d| d.name),
                None => "未设置部门".into(),
            },
            _ => actor.scope_label(),
        })
    }
}
