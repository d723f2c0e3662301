//! Method files: the four presets (compiled in, never changed) and the city's own versions,
//! uploaded or edited from a copy of a preset. A method is named in a run as `preset:<id>` or
//! `file:<stored id>`.

use mujun_engine::{Method, presets};
use mujun_store::methods;
use serde_json::json;

use crate::audit::{Who, write};
use crate::{Actor, App, AppError, Role};

/// A method a run may use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MethodChoice {
    /// `preset:<id>` or `file:<id>`.
    pub reference: String,
    /// The method id in the file.
    pub method_id: String,
    /// Version (stored files; 0 for presets).
    pub version: i64,
    /// Name.
    pub name: String,
    /// Shipped preset?
    pub preset: bool,
    /// SHA-256 of the text.
    pub hash: String,
    /// What it was copied from.
    pub based_on: String,
}

/// A resolved method with its text and reference.
#[derive(Clone, Debug)]
pub struct ResolvedMethod {
    /// `preset:<id>` or `file:<id>`.
    pub reference: String,
    /// The parsed method.
    pub method: Method,
}

impl App {
    fn method_officer(&self, actor: &Actor) -> bool {
        actor.role == Role::CityAdmin
    }

    /// Every method a run may use: presets first, then the stored versions (city administrator).
    pub async fn list_methods(&self, actor: &Actor) -> Result<Vec<MethodChoice>, AppError> {
        if !self.method_officer(actor) {
            return Err(self
                .deny(
                    actor,
                    "method.list",
                    ("method", ""),
                    "仅市级评价管理员可以管理评价方法",
                )
                .await);
        }
        let mut out = Vec::new();
        for (id, _) in presets::PRESETS {
            let m = presets::load(id)?;
            out.push(MethodChoice {
                reference: format!("preset:{id}"),
                method_id: m.id.clone(),
                version: 0,
                name: m.name.clone(),
                preset: true,
                hash: m.hash.clone(),
                based_on: String::new(),
            });
        }
        let mut c = self.store.read().await?;
        for f in methods::list(&mut c).await? {
            out.push(MethodChoice {
                reference: format!("file:{}", f.id),
                method_id: f.method_id,
                version: f.version,
                name: f.name,
                preset: false,
                hash: f.hash,
                based_on: f.based_on,
            });
        }
        Ok(out)
    }

    /// The text of a method (to show it, or to start an edited copy).
    pub async fn method_source(&self, actor: &Actor, reference: &str) -> Result<String, AppError> {
        if !self.method_officer(actor) {
            return Err(self
                .deny(
                    actor,
                    "method.view",
                    ("method", reference),
                    "仅市级评价管理员可以管理评价方法",
                )
                .await);
        }
        Ok(self.resolve_method(reference).await?.method.source)
    }

    /// Parses a reference and loads the method it names.
    pub(crate) async fn resolve_method(&self, reference: &str) -> Result<ResolvedMethod, AppError> {
        let unknown = || AppError::invalid("method", format!("评价方法“{reference}”不存在"));
        if let Some(id) = reference.strip_prefix("preset:") {
            let method = presets::load(id).map_err(|_| unknown())?;
            return Ok(ResolvedMethod {
                reference: reference.to_owned(),
                method,
            });
        }
        let id: i64 = reference
            .strip_prefix("file:")
            .and_then(|s| s.parse().ok())
            .ok_or_else(unknown)?;
        let mut c = self.store.read().await?;
        let f = methods::get(&mut c, id).await?.ok_or_else(unknown)?;
        Ok(ResolvedMethod {
            reference: reference.to_owned(),
            method: Method::parse(&f.source)?,
        })
    }

    /// Saves a method file as a new version (city administrator). The text must be a valid
    /// method (spec §10); its `id` must not be a preset's — a city edits a copy under its own id.
    /// Returns the reference of the stored version.
    pub async fn save_method(&self, actor: &Actor, source: &str, based_on: &str) -> Result<String, AppError> {
        if !self.method_officer(actor) {
            return Err(self
                .deny(
                    actor,
                    "method.save",
                    ("method", ""),
                    "仅市级评价管理员可以管理评价方法",
                )
                .await);
        }
        let method = Method::parse(source).map_err(|e| AppError::invalid("source", e.to_string()))?;
        if presets::source(&method.id).is_some() {
            return Err(AppError::invalid(
                "source",
                format!(
                    "方法 id “{}” 是内置预设，不能修改；请把文件中的 id 改为本市自己的名称（例如 “zhumadian-2024”）后保存",
                    method.id
                ),
            ));
        }
        let mut tx = self.store.begin().await?;
        let (id, version) = methods::insert(
            &mut tx,
            &method.id,
            &method.name,
            source,
            &method.hash,
            based_on,
            Some(actor.user_id),
        )
        .await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "method.save",
            ("method_file", &id.to_string()),
            json!({"method_id": method.id, "version": version, "hash": method.hash, "based_on": based_on}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(mujun_store::StoreError::from)?;
        Ok(format!("file:{id}"))
    }
}
