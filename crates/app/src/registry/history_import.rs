//! Classes published in earlier years, from the city's own file (issue 11): the differentiated
//! electricity price needs them (its surcharge grows with consecutive years in C), and the
//! class history shows them as historical imports with their document.

use mujun_collect::history::check_classes;
use mujun_collect::mapping::ColumnMapping;
use mujun_collect::upload::Issue;
use mujun_store::{StoreError, enterprises};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::mapping::FileKind;
use crate::audit::{Who, write};
use crate::{Actor, App, AppError};

/// The source recorded for an imported class: `history:<document>`.
pub const SOURCE_PREFIX: &str = "history:";

/// What a class-history import did, or why nothing was stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClassesOutcome {
    /// Nothing stored: every problem.
    Rejected {
        /// The problems.
        errors: Vec<Issue>,
    },
    /// Stored.
    Imported {
        /// Classes recorded.
        rows: usize,
        /// The years they cover, oldest first.
        years: Vec<i64>,
        /// SHA-256 of the file.
        file_hash: String,
    },
}

impl App {
    /// Imports classes of earlier years (city administrator). Every enterprise must be in the
    /// registry; a year the system itself published is not overwritten. The file is read
    /// through `mapping`, else the mapping remembered for its layout.
    pub async fn import_class_history(
        &self,
        actor: &Actor,
        file_name: &str,
        bytes: Vec<u8>,
        mapping: Option<&ColumnMapping>,
    ) -> Result<ClassesOutcome, AppError> {
        self.require_registry_editor(actor, "history.import_classes", ("enterprise", ""))
            .await?;
        let mapping = self
            .mapping_for(actor, FileKind::Classes, file_name, &bytes, mapping)
            .await?;
        let this_year: i64 = crate::clock::today()[..4].parse().unwrap_or(2100);
        let (limits, name) = (self.upload_limits, file_name.to_owned());
        let (checked, bytes) = self
            .cpu(move || {
                (
                    check_classes(&name, &bytes, 2000..=this_year - 1, &mapping, limits),
                    bytes,
                )
            })
            .await?;
        let mut checked = checked.map_err(|e| AppError::invalid("file", e.to_string()))?;
        let file_hash = hex::encode(Sha256::digest(&bytes));
        let mut ids = Vec::with_capacity(checked.rows.len());
        {
            // The registry and the years mujun published, once: a province's file in seconds.
            let mut c = self.store.read().await?;
            let known = mujun_store::registry::all_by_code(&mut c).await?;
            let published: std::collections::HashSet<(i64, i64)> = enterprises::published_class_years(&mut c)
                .await?
                .into_iter()
                .collect();
            for r in &checked.rows {
                match known.get(&r.credit_code) {
                    None => checked.errors.push(Issue {
                        row: r.row,
                        col: None,
                        column: "统一社会信用代码".into(),
                        value: r.credit_code.clone(),
                        message: "企业名录中没有这家企业：请先导入企业名录".into(),
                    }),
                    Some(e) => {
                        if published.contains(&(e.id, r.year)) {
                            checked.errors.push(Issue {
                                row: r.row,
                                col: None,
                                column: "年度".into(),
                                value: r.year.to_string(),
                                message: "该年度的类别已由本系统评价发布，不能用历史数据覆盖".into(),
                            });
                        }
                        ids.push(e.id);
                    }
                }
            }
        }
        if !checked.errors.is_empty() {
            checked.errors.sort_by_key(|e| (e.row, e.col));
            return Ok(ClassesOutcome::Rejected {
                errors: checked.errors,
            });
        }
        let mut tx = self.store.begin().await?;
        let rows: Vec<(i64, i64, &str, String)> = checked
            .rows
            .iter()
            .zip(&ids)
            .map(|(r, id)| (*id, r.year, r.class, format!("{SOURCE_PREFIX}{}", r.document)))
            .collect();
        enterprises::replace_classes(&mut tx, self.store.backend(), &rows, &file_hash).await?;
        let mut years: Vec<i64> = checked.rows.iter().map(|r| r.year).collect();
        years.sort_unstable();
        years.dedup();
        write(
            &mut tx,
            Who::Actor(actor),
            "history.import_classes",
            ("enterprise", ""),
            json!({"file_name": file_name, "file_hash": file_hash, "rows": checked.rows.len(), "years": years}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.cache.clear();
        Ok(ClassesOutcome::Imported {
            rows: checked.rows.len(),
            years,
            file_hash,
        })
    }
}
