//! 产业集聚区 use cases.

use mujun_store::clusters::{Cluster, ClusterEvent, ClusterFields};
use mujun_store::{StoreError, clusters};
use serde_json::json;

use crate::audit::{Who, write};
use crate::{Actor, App, AppError, FieldError, Role};

/// A cluster with its enterprise count.
#[derive(Clone, Debug)]
pub struct ClusterRow {
    /// The cluster.
    pub cluster: Cluster,
    /// Enterprises registered in it.
    pub enterprises: i64,
}

/// The form of a new or edited cluster.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClusterForm {
    /// Name.
    pub name: String,
    /// County code.
    pub region_code: String,
    /// 星级 (text, may be empty).
    pub star_level: String,
    /// 主导产业.
    pub leading_industries: String,
    /// 规划面积 (亩, text, may be empty).
    pub planned_area_mu: String,
    /// Status id.
    pub status: String,
    /// Merged into (cluster id).
    pub merged_into: Option<i64>,
}

/// Cluster statuses with Chinese labels.
pub const STATUSES: [(&str, &str); 4] = [
    ("active", "正常"),
    ("merged", "已合并"),
    ("demoted", "已降级"),
    ("closed", "已撤销"),
];

fn validate(f: &ClusterForm) -> Result<ClusterFields, AppError> {
    let mut errors = Vec::new();
    let name = f.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 60 {
        errors.push(FieldError {
            field: "name",
            message: "名称不能为空，且不超过 60 字".into(),
        });
    }
    if mujun_domain::RegionCode::parse(&f.region_code).is_err() {
        errors.push(FieldError {
            field: "region_code",
            message: "请选择所在县区".into(),
        });
    }
    let star_level = match f.star_level.trim() {
        "" => None,
        s => match s.parse::<i64>() {
            Ok(n) if (1..=5).contains(&n) => Some(n),
            _ => {
                errors.push(FieldError {
                    field: "star_level",
                    message: "星级应为 1–5".into(),
                });
                None
            }
        },
    };
    let planned_area_mu = match f.planned_area_mu.trim() {
        "" => None,
        s => match s.parse::<f64>() {
            Ok(v) if v.is_finite() && v > 0.0 => Some(v),
            _ => {
                errors.push(FieldError {
                    field: "planned_area_mu",
                    message: "规划面积应为大于 0 的数（亩）".into(),
                });
                None
            }
        },
    };
    if !STATUSES.iter().any(|(s, _)| *s == f.status) {
        errors.push(FieldError {
            field: "status",
            message: "请选择状态".into(),
        });
    }
    if f.status == "merged" && f.merged_into.is_none() {
        errors.push(FieldError {
            field: "merged_into",
            message: "已合并的集聚区须注明并入哪个集聚区".into(),
        });
    }
    if errors.is_empty() {
        Ok(ClusterFields {
            name,
            region_code: f.region_code.trim().to_owned(),
            star_level,
            leading_industries: f.leading_industries.trim().to_owned(),
            planned_area_mu,
            status: f.status.clone(),
            merged_into: if f.status == "merged" { f.merged_into } else { None },
        })
    } else {
        Err(AppError::Invalid(errors))
    }
}

impl App {
    async fn require_business(
        &self,
        actor: &Actor,
        action: &str,
        object: (&str, &str),
    ) -> Result<(), AppError> {
        if actor.reads_business_data() {
            Ok(())
        } else {
            Err(self.deny(actor, action, object, "该角色不能查看业务数据").await)
        }
    }

    /// Whether the caller may open a registry form (create/edit an enterprise or a cluster);
    /// a refusal is audited like any other.
    pub async fn registry_form_access(&self, actor: &Actor, action: &str) -> Result<(), AppError> {
        self.require_registry_editor(actor, action, ("registry", ""))
            .await
    }

    pub(crate) async fn require_registry_editor(
        &self,
        actor: &Actor,
        action: &str,
        object: (&str, &str),
    ) -> Result<(), AppError> {
        if actor.edits_registry() {
            Ok(())
        } else {
            Err(self
                .deny(actor, action, object, "仅市级评价管理员可以修改名录")
                .await)
        }
    }

    /// Clusters visible to the caller (a county officer sees its county's; a cluster officer
    /// its own; an enterprise user its own enterprise's), without counts: for filters and
    /// forms, where counting every cluster's enterprises on each page view would be waste.
    pub async fn visible_clusters(&self, actor: &Actor) -> Result<Vec<Cluster>, AppError> {
        self.require_business(actor, "cluster.list", ("cluster", ""))
            .await?;
        let mut c = self.store.read().await?;
        let mut list = clusters::list(
            &mut c,
            if actor.role == Role::County {
                actor.region_code.as_deref()
            } else {
                None
            },
        )
        .await?;
        match actor.role {
            Role::Cluster => list.retain(|cl| Some(cl.id) == actor.cluster_id),
            Role::Enterprise => {
                let own = match actor.enterprise_id {
                    Some(id) => mujun_store::enterprises::get(&mut c, id, &actor.enterprise_scope())
                        .await?
                        .and_then(|e| e.cluster_id),
                    None => None,
                };
                list.retain(|cl| Some(cl.id) == own);
            }
            _ => {}
        }
        Ok(list)
    }

    /// Clusters visible to the caller with their enterprise counts (the cluster list).
    pub async fn list_clusters(&self, actor: &Actor) -> Result<Vec<ClusterRow>, AppError> {
        let list = self.visible_clusters(actor).await?;
        let mut c = self.store.read().await?;
        let counts = clusters::enterprise_counts(&mut c).await?;
        Ok(list
            .into_iter()
            .map(|cluster| {
                let enterprises = counts
                    .iter()
                    .find(|(id, _)| *id == cluster.id)
                    .map_or(0, |(_, n)| *n);
                ClusterRow { cluster, enterprises }
            })
            .collect())
    }

    /// One cluster and its history, if visible to the caller (refusals are audited).
    pub async fn get_cluster(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<(ClusterRow, Vec<ClusterEvent>), AppError> {
        let object_id = id.to_string();
        self.require_business(actor, "cluster.view", ("cluster", &object_id))
            .await?;
        let visible = self.list_clusters(actor).await?;
        let Some(row) = visible.into_iter().find(|r| r.cluster.id == id) else {
            let mut c = self.store.read().await?;
            return match clusters::get(&mut c, id).await? {
                None => Err(AppError::NotFound("集聚区")),
                Some(_) => {
                    drop(c);
                    Err(self
                        .deny(
                            actor,
                            "cluster.view",
                            ("cluster", &object_id),
                            "超出本账号的查看范围",
                        )
                        .await)
                }
            };
        };
        let mut c = self.store.read().await?;
        let events = clusters::events(&mut c, id).await?;
        Ok((row, events))
    }

    /// Creates a cluster (city administrator).
    pub async fn create_cluster(&self, actor: &Actor, form: &ClusterForm) -> Result<i64, AppError> {
        self.require_registry_editor(actor, "cluster.create", ("cluster", ""))
            .await?;
        let fields = validate(form)?;
        let mut tx = self.store.begin().await?;
        let id = clusters::insert(&mut tx, &fields, Some(actor.user_id)).await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "cluster.create",
            ("cluster", &id.to_string()),
            json!({"name": fields.name}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(id)
    }

    /// Edits a cluster at a known version (city administrator); renames, merges and demotions
    /// are kept as events.
    pub async fn update_cluster(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        form: &ClusterForm,
    ) -> Result<(), AppError> {
        self.require_registry_editor(actor, "cluster.update", ("cluster", &id.to_string()))
            .await?;
        let fields = validate(form)?;
        if let Some(target) = fields.merged_into {
            // The target must be a current cluster, and merging must not loop back.
            let mut c = self.store.read().await?;
            let mut next = Some(target);
            let mut steps = 0;
            while let Some(t) = next {
                if t == id {
                    return Err(AppError::invalid(
                        "merged_into",
                        "不能并入自身，也不能形成循环合并",
                    ));
                }
                let Some(cl) = clusters::get(&mut c, t).await? else {
                    return Err(AppError::invalid("merged_into", "并入的集聚区不存在"));
                };
                if t == target && !(cl.status == "active" || cl.status == "demoted") {
                    return Err(AppError::invalid(
                        "merged_into",
                        "只能并入现行（正常或已降级）的集聚区",
                    ));
                }
                next = cl.merged_into;
                steps += 1;
                if steps > 100 {
                    break;
                }
            }
        }
        let mut tx = self.store.begin().await?;
        let before = clusters::get(&mut tx, id)
            .await?
            .ok_or(AppError::NotFound("集聚区"))?;
        clusters::update(&mut tx, id, version, &fields, Some(actor.user_id)).await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "cluster.update",
            ("cluster", &id.to_string()),
            json!({"name": [before.name, fields.name], "status": [before.status, fields.status], "star_level": [before.star_level, fields.star_level]}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        // A merge moves enterprises to another cluster.
        self.cache.clear_totals();
        Ok(())
    }
}
