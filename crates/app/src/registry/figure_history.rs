//! Figures of earlier years from the city's own file (issue 11): any catalogue items, whichever
//! department supplies them, for one earlier year. The file is checked exactly like a
//! department's upload (the registry, units, ranges); stored values carry the source `history`
//! and a batch per department with the file's hash, so each enterprise's figure history shows
//! them as historical imports, and the year-on-year checks and comparisons read them as last
//! year's figures.

use std::collections::{BTreeMap, HashMap};

use mujun_collect::mapping::ColumnMapping;
use mujun_collect::upload::{Issue, KnownEnterprise, UploadContext, check_upload_mapped};
use mujun_collect::{CatalogueItem, ValueKind};
use mujun_domain::{CreditCode, IndustryCode};
use mujun_store::{StoreError, departments, enterprises, figures, imports, registry};
use serde_json::json;

use super::mapping::FileKind;
use crate::audit::{Who, write};
use crate::{Actor, App, AppError};

/// The source of a figure (and import batch) loaded from an earlier year's file.
pub const HISTORY_SOURCE: &str = "history";

/// What a figure-history import did, or why nothing was stored.
#[derive(Clone, Debug, PartialEq)]
pub enum FiguresOutcome {
    /// Nothing stored: every problem.
    Rejected {
        /// The problems.
        errors: Vec<Issue>,
    },
    /// Stored.
    Imported {
        /// Enterprises (rows) with values.
        rows: usize,
        /// Values stored.
        values: usize,
        /// Values per department (Chinese name → count).
        departments: BTreeMap<String, usize>,
        /// Warnings of the checks (kept as published: an earlier year's figures are a record).
        warnings: Vec<Issue>,
        /// SHA-256 of the file.
        file_hash: String,
    },
}

impl App {
    /// Imports figures of the earlier `year` (city administrator): any catalogue items, read
    /// through `mapping` (else the one remembered for the file's layout). Refused when the year
    /// is not earlier than this one or its result is published in mujun.
    pub async fn import_figure_history(
        &self,
        actor: &Actor,
        file_name: &str,
        bytes: Vec<u8>,
        year: i64,
        mapping: Option<&ColumnMapping>,
    ) -> Result<FiguresOutcome, AppError> {
        self.require_registry_editor(actor, "history.import_figures", ("figures", &year.to_string()))
            .await?;
        let this_year: i64 = crate::clock::today()[..4].parse().unwrap_or(2100);
        if !(2000..this_year).contains(&year) {
            return Err(AppError::invalid(
                "year",
                format!("历史数据的年度应在 2000 年至 {} 年之间", this_year - 1),
            ));
        }
        self.refuse_locked_history_year(year).await?;
        let mapping = self
            .mapping_for(actor, FileKind::Figures, file_name, &bytes, mapping)
            .await?;
        let items = self.catalogue().await?;
        let (known, previous, deps) = {
            let mut c = self.store.read().await?;
            let known: HashMap<String, KnownEnterprise> = registry::all_by_code(&mut c)
                .await?
                .into_iter()
                .map(|(code, e)| {
                    let k = KnownEnterprise {
                        id: e.id,
                        above: None,
                        manufacturing: IndustryCode::parse(&e.industry_code)
                            .is_ok_and(IndustryCode::is_manufacturing),
                    };
                    (code, k)
                })
                .collect();
            let previous: HashMap<(i64, String), f64> = figures::current_values(&mut c, year - 1)
                .await?
                .into_iter()
                .filter_map(|(e, f, v)| v.map(|v| ((e, f), v)))
                .collect();
            (known, previous, departments::list(&mut c).await?)
        };
        let (limits, name, items_c, mapping_c) = (
            self.upload_limits,
            file_name.to_owned(),
            items.clone(),
            mapping.clone(),
        );
        let checked = self
            .cpu(move || {
                let lookup = |c: &CreditCode| known.get(c.as_str()).copied();
                let prev = |id: i64, item: &str| previous.get(&(id, item.to_owned())).copied();
                let ctx = UploadContext {
                    // Any department's items (and template) may be in a history file.
                    department_code: "",
                    year: u16::try_from(year).unwrap_or(0),
                    items: &items_c,
                    other_items: &[],
                    lookup: &lookup,
                    previous: &prev,
                };
                check_upload_mapped(&name, &bytes, &ctx, &mapping_c, limits)
            })
            .await?;
        let checked = checked.map_err(|e| AppError::invalid("file", e.to_string()))?;
        if !checked.errors.is_empty() {
            let mut tx = self.store.begin().await?;
            write(
                &mut tx,
                Who::Actor(actor),
                "history.import_figures",
                ("figures", &year.to_string()),
                json!({"year": year, "file_name": file_name, "file_hash": checked.file_hash, "errors": checked.errors.len()}),
                "failed",
            )
            .await?;
            tx.commit().await.map_err(StoreError::from)?;
            return Ok(FiguresOutcome::Rejected {
                errors: checked.errors,
            });
        }
        // One batch per supplying department, so that each figure names who supplied it.
        let dept_of = |item: &CatalogueItem| deps.iter().find(|d| d.code == item.department_code);
        let mut by_dept: BTreeMap<i64, Vec<figures::NewFigure>> = BTreeMap::new();
        let mut scales = Vec::new();
        let mut flags: Vec<(i64, &str, &str, bool)> = Vec::new();
        for row in &checked.rows {
            for v in &row.values {
                let item = &items[v.item];
                let Some(dept) = dept_of(item) else {
                    return Err(AppError::invalid(
                        "file",
                        format!("数据项“{}”没有报送部门，请先在数据项目录中指定", item.label),
                    ));
                };
                by_dept.entry(dept.id).or_default().push(figures::NewFigure {
                    enterprise_id: row.enterprise_id,
                    year,
                    field: item.id.clone(),
                    value: Some(v.value),
                    department_id: Some(dept.id),
                    source: HISTORY_SOURCE.into(),
                    batch_id: None,
                    user_id: Some(actor.user_id),
                });
                match item.kind {
                    ValueKind::Scale => {
                        scales.push((row.enterprise_id, if v.value != 0.0 { "above" } else { "below" }))
                    }
                    ValueKind::Flag => {
                        if let Some((kind, name)) = item.id.split_once('.') {
                            flags.push((row.enterprise_id, kind, name, v.value != 0.0));
                        }
                    }
                    ValueKind::Number => {}
                }
            }
        }
        let mut tx = self.store.begin().await?;
        let dept_ids: Vec<i64> = by_dept.keys().copied().collect();
        crate::collection::year_lock::lock_figures(&mut tx, year, &dept_ids).await?;
        let mut per_department = BTreeMap::new();
        let mut batches = Vec::new();
        for (dept_id, mut values) in by_dept {
            let rows = values
                .iter()
                .map(|v| v.enterprise_id)
                .collect::<std::collections::HashSet<_>>()
                .len();
            let batch_id = imports::insert(
                &mut tx,
                &imports::NewBatch {
                    department_id: dept_id,
                    year,
                    user_id: Some(actor.user_id),
                    source: HISTORY_SOURCE.into(),
                    file_name: file_name.to_owned(),
                    file_hash: checked.file_hash.clone(),
                    row_count: rows as i64,
                    value_count: values.len() as i64,
                    warnings_confirmed: 0,
                    note: "历史数据导入".into(),
                    on_behalf: true,
                    overwrite_reason: String::new(),
                },
            )
            .await?;
            for v in &mut values {
                v.batch_id = Some(batch_id);
            }
            values.sort_unstable_by(|a, b| (a.enterprise_id, &a.field).cmp(&(b.enterprise_id, &b.field)));
            figures::record_batch(&mut tx, self.store.backend(), batch_id, &values).await?;
            let name = deps
                .iter()
                .find(|d| d.id == dept_id)
                .map_or_else(String::new, |d| d.name.clone());
            per_department.insert(name, values.len());
            batches.push(batch_id);
        }
        enterprises::set_scales(&mut tx, self.store.backend(), year, &scales).await?;
        crate::collection::imports::apply_flags(&mut tx, year, &flags).await?;
        let values = checked.value_count();
        write(
            &mut tx,
            Who::Actor(actor),
            "history.import_figures",
            ("figures", &year.to_string()),
            json!({
                "year": year, "file_name": file_name, "file_hash": checked.file_hash,
                "rows": checked.rows.len(), "values": values, "batches": batches,
                "warnings": checked.warnings.len(), "mapping": mapping.columns,
            }),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.cache.clear_totals();
        Ok(FiguresOutcome::Imported {
            rows: checked.rows.len(),
            values,
            departments: per_department,
            warnings: checked.warnings,
            file_hash: checked.file_hash,
        })
    }

    async fn refuse_locked_history_year(&self, year: i64) -> Result<(), AppError> {
        let mut c = self.store.read().await?;
        crate::collection::year_lock::ensure_year_open(&mut c, year).await
    }
}
