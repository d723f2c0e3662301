//! Loading a city's enterprise registry from its own file (issue 11): the whole file is checked
//! first (`mujun_collect::registry`) and refused with every problem named when anything is
//! wrong; otherwise one transaction adds new enterprises, updates known ones by credit code —
//! each changed field kept in the enterprise's history with the file's hash — and creates the
//! clusters the file names when asked to.

use std::collections::HashMap;

use mujun_collect::mapping::ColumnMapping;
use mujun_collect::registry::{ClusterRef, RegistryContext, check_registry};
use mujun_collect::upload::Issue;
use mujun_store::{StoreError, clusters, enterprise_changes, enterprises, regions, registry};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::mapping::FileKind;
use crate::audit::{Who, write};
use crate::{Actor, App, AppError};

/// What a registry import did.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RegistrySummary {
    /// Enterprises added.
    pub added: usize,
    /// Enterprises whose name, county, cluster, industry, production start or status changed.
    pub changed: usize,
    /// Of those, newly closed.
    pub closed: usize,
    /// Rows that changed nothing.
    pub unchanged: usize,
    /// Clusters created for the file.
    pub clusters_created: Vec<String>,
    /// SHA-256 of the file.
    pub file_hash: String,
}

/// The outcome of a registry import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegistryOutcome {
    /// Nothing stored: every problem, with its row, column and value.
    Rejected {
        /// The problems.
        errors: Vec<Issue>,
    },
    /// Stored.
    Imported(RegistrySummary),
}

impl App {
    /// Imports the registry file `bytes` (xlsx or CSV in UTF-8 or GBK) as the city
    /// administrator. Scales are recorded for `year`. Clusters the city does not have are
    /// created when `create_clusters`, otherwise each is a problem of the row that first names
    /// it. The file is read through `mapping` (remembered for its layout) or, without one, the
    /// mapping remembered for its layout.
    pub async fn import_registry(
        &self,
        actor: &Actor,
        file_name: &str,
        bytes: Vec<u8>,
        year: i64,
        create_clusters: bool,
        mapping: Option<&ColumnMapping>,
    ) -> Result<RegistryOutcome, AppError> {
        self.require_registry_editor(actor, "registry.import", ("enterprise", ""))
            .await?;
        let mapping = self
            .mapping_for(actor, FileKind::Registry, file_name, &bytes, mapping)
            .await?;
        let ctx = {
            let mut c = self.store.read().await?;
            let counties = regions::list_all(&mut c)
                .await?
                .into_iter()
                .filter(|r| r.parent_code.is_some())
                .map(|r| (r.code, r.name))
                .collect();
            let clusters = clusters::list(&mut c, None)
                .await?
                .into_iter()
                .map(|c| (c.id, c.name, c.region_code))
                .collect();
            RegistryContext { counties, clusters }
        };
        let limits = self.upload_limits;
        let name = file_name.to_owned();
        let (checked, bytes) = self
            .cpu(move || (check_registry(&name, &bytes, &ctx, &mapping, limits), bytes))
            .await?;
        let mut checked = checked.map_err(|e| AppError::invalid("file", e.to_string()))?;
        if !create_clusters {
            for (cluster, _, row) in &checked.new_clusters {
                checked.errors.push(Issue {
                    row: *row,
                    col: None,
                    column: "产业集聚区".into(),
                    value: cluster.clone(),
                    message: "本市没有这个产业集聚区：请先登记，或选择“自动新建文件中的集聚区”后重新导入"
                        .into(),
                });
            }
        }
        let file_hash = hex::encode(Sha256::digest(&bytes));
        if !checked.errors.is_empty() {
            checked.errors.sort_by_key(|e| (e.row, e.col));
            let mut tx = self.store.begin().await?;
            write(
                &mut tx,
                Who::Actor(actor),
                "registry.import",
                ("enterprise", ""),
                json!({"file_name": file_name, "file_hash": file_hash, "errors": checked.errors.len()}),
                "failed",
            )
            .await?;
            tx.commit().await.map_err(StoreError::from)?;
            return Ok(RegistryOutcome::Rejected {
                errors: checked.errors,
            });
        }
        let mut summary = RegistrySummary {
            file_hash: file_hash.clone(),
            ..RegistrySummary::default()
        };
        let mut tx = self.store.begin().await?;
        let mut created: HashMap<String, i64> = HashMap::new();
        for (cluster, county, _) in &checked.new_clusters {
            let id = clusters::insert(
                &mut tx,
                &clusters::ClusterFields {
                    name: cluster.clone(),
                    region_code: county.clone(),
                    star_level: None,
                    leading_industries: String::new(),
                    planned_area_mu: None,
                    status: "active".into(),
                    merged_into: None,
                },
                Some(actor.user_id),
            )
            .await?;
            created.insert(cluster.clone(), id);
            summary.clusters_created.push(cluster.clone());
        }
        let cluster_names: HashMap<i64, String> = clusters::list(&mut tx, None)
            .await?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect();
        let cluster_name =
            |c: Option<i64>| c.and_then(|c| cluster_names.get(&c).cloned()).unwrap_or_default();
        // The whole registry once, then set-based writes: a province's file in seconds.
        let backend = self.store.backend();
        let existing = registry::all_by_code(&mut tx).await?;
        let mut new_rows: Vec<enterprises::EnterpriseFields> = Vec::new();
        let mut changes: Vec<registry::NewChange> = Vec::new();
        let mut scales: Vec<(i64, &'static str)> = Vec::new();
        let mut new_scales: Vec<(&str, &'static str)> = Vec::new();
        let mut updates: Vec<registry::Update> = Vec::new();
        for row in &checked.rows {
            let cluster_id = match &row.cluster {
                None => None,
                Some(ClusterRef::Known(id)) => Some(*id),
                Some(ClusterRef::New(name)) => created.get(name).copied(),
            };
            let Some(e) = existing.get(&row.credit_code) else {
                new_rows.push(enterprises::EnterpriseFields {
                    credit_code: row.credit_code.clone(),
                    name: row.name.clone(),
                    region_code: row.region_code.clone(),
                    cluster_id,
                    industry_code: row.industry_code.clone(),
                    production_start: row.production_start.clone(),
                    status: row.status.to_owned(),
                    contact_name: String::new(),
                    contact_phone: String::new(),
                    address: String::new(),
                    checksum_override: false,
                });
                if let Some(scale) = row.scale {
                    new_scales.push((&row.credit_code, scale));
                }
                continue;
            };
            if let Some(scale) = row.scale {
                scales.push((e.id, scale));
            }
            // The file says nothing of a production start it leaves empty.
            let production_start = row
                .production_start
                .clone()
                .or_else(|| e.production_start.clone());
            let diffs: Vec<(&'static str, String, String)> = [
                ("name", e.name.clone(), row.name.clone()),
                ("region_code", e.region_code.clone(), row.region_code.clone()),
                ("cluster", cluster_name(e.cluster_id), cluster_name(cluster_id)),
                (
                    "industry_code",
                    e.industry_code.clone(),
                    row.industry_code.clone(),
                ),
                (
                    "production_start",
                    e.production_start.clone().unwrap_or_default(),
                    production_start.clone().unwrap_or_default(),
                ),
                ("status", e.status.clone(), row.status.to_owned()),
            ]
            .into_iter()
            .filter(|(_, a, b)| a != b)
            .collect();
            if diffs.is_empty() {
                summary.unchanged += 1;
                continue;
            }
            updates.push(registry::Update {
                id: e.id,
                version: e.version,
                renamed: e.name != row.name,
                fields: enterprises::EnterpriseFields {
                    credit_code: e.credit_code.clone(),
                    name: row.name.clone(),
                    region_code: row.region_code.clone(),
                    cluster_id,
                    industry_code: row.industry_code.clone(),
                    production_start,
                    status: row.status.to_owned(),
                    contact_name: e.contact_name.clone(),
                    contact_phone: e.contact_phone.clone(),
                    address: e.address.clone(),
                    checksum_override: e.checksum_override == 1,
                },
            });
            changes.extend(
                diffs
                    .into_iter()
                    .map(|(field, old_value, new_value)| registry::NewChange {
                        enterprise_id: e.id,
                        field,
                        old_value,
                        new_value,
                    }),
            );
            summary.changed += 1;
            if row.status == "closed" && e.status != "closed" {
                summary.closed += 1;
            }
        }
        registry::update_many(&mut tx, backend, &updates).await?;
        let ids = registry::insert_many(&mut tx, backend, &new_rows).await?;
        summary.added = new_rows.len();
        for f in &new_rows {
            if let Some(id) = ids.get(&f.credit_code) {
                changes.push(registry::NewChange {
                    enterprise_id: *id,
                    field: "created",
                    old_value: String::new(),
                    new_value: f.name.clone(),
                });
            }
        }
        scales.extend(
            new_scales
                .iter()
                .filter_map(|(code, scale)| ids.get(*code).map(|id| (*id, *scale))),
        );
        registry::set_scales(&mut tx, backend, year, &scales).await?;
        // History in the order it happened: creations are the first entry of their enterprise.
        changes.sort_by_key(|c| (c.enterprise_id, c.field != "created"));
        registry::record_changes(
            &mut tx,
            backend,
            &changes,
            "registry_import",
            &file_hash,
            Some(actor.user_id),
        )
        .await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "registry.import",
            ("enterprise", ""),
            json!({
                "file_name": file_name, "file_hash": file_hash, "year": year,
                "added": summary.added, "changed": summary.changed, "closed": summary.closed,
                "unchanged": summary.unchanged, "clusters_created": summary.clusters_created,
            }),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.cache.clear();
        Ok(RegistryOutcome::Imported(summary))
    }

    /// The registry history of an enterprise the caller may see, oldest first, in words.
    pub async fn enterprise_registry_history(
        &self,
        actor: &Actor,
        enterprise_id: i64,
    ) -> Result<Vec<ChangeView>, AppError> {
        let mut c = self.store.read().await?;
        if !actor.reads_business_data()
            || enterprises::get(&mut c, enterprise_id, &actor.enterprise_scope())
                .await?
                .is_none()
        {
            return Err(AppError::NotFound("企业"));
        }
        Ok(enterprise_changes::list(&mut c, enterprise_id)
            .await?
            .into_iter()
            .map(ChangeView::from)
            .collect())
    }
}

/// One change of an enterprise's registry entry, as pages show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeView {
    /// When, Beijing time.
    pub at: String,
    /// What changed: 登记, 名称, 县区, 产业集聚区, 行业代码, 投产日期, 状态.
    pub what: &'static str,
    /// Before (empty for a new entry).
    pub old: String,
    /// After.
    pub new: String,
    /// Where from: 名录导入 or 页面修改.
    pub source: &'static str,
    /// The first 12 hex digits of the imported file's SHA-256.
    pub file: String,
}

impl From<enterprise_changes::Change> for ChangeView {
    fn from(c: enterprise_changes::Change) -> Self {
        let value = |v: &str| -> String {
            match c.field.as_str() {
                "region_code" => mujun_domain::RegionCode::parse(v)
                    .ok()
                    .and_then(mujun_domain::RegionCode::name)
                    .map_or_else(|| v.to_owned(), str::to_owned),
                "status" => crate::registry::enterprises::STATUSES
                    .iter()
                    .find(|(id, _)| *id == v)
                    .map_or_else(|| v.to_owned(), |(_, l)| (*l).to_owned()),
                _ => v.to_owned(),
            }
        };
        ChangeView {
            at: crate::clock::beijing(c.at),
            what: match c.field.as_str() {
                "created" => "登记",
                "name" => "名称",
                "region_code" => "县区",
                "cluster" => "产业集聚区",
                "industry_code" => "行业代码",
                "production_start" => "投产日期",
                "status" => "状态",
                _ => "其他",
            },
            old: value(&c.old_value),
            new: value(&c.new_value),
            source: if c.source == "registry_import" {
                "名录导入"
            } else {
                "页面修改"
            },
            file: c.file_hash.chars().take(12).collect(),
        }
    }
}
