//! Department templates and imports: download a pre-filled workbook, upload it back; the whole
//! file is checked before anything is written; warnings wait for an explicit confirmation;
//! accepted files are stored in one transaction with their hash, as a new version of every
//! value they carry (older values stay in the history).

use std::collections::HashMap;

use mujun_collect::template::{Prefill, TemplateRow, TemplateSpec, write_template};
use mujun_collect::upload::{
    Checked, Issue, KnownEnterprise, Limits, UploadContext, check_upload, marked_workbook,
};
use mujun_collect::{CatalogueItem, ValueKind};
use mujun_domain::{CreditCode, IndustryCode, RegionCode};
use mujun_store::departments::Department;
use mujun_store::{StoreError, enterprises, figures, imports};
use serde_json::json;

use crate::audit::{Who, write};
use crate::download::{Content, Download};
use crate::{Actor, App, AppError};

/// What happened to an upload.
#[derive(Clone, Debug)]
pub enum ImportOutcome {
    /// Stored.
    Imported {
        /// The batch.
        batch_id: i64,
        /// Rows read.
        rows: usize,
        /// Values stored.
        values: usize,
        /// Warnings the sender confirmed.
        warnings_confirmed: usize,
    },
    /// Valid, but with warnings, or overwriting values accepted from objections or disputes:
    /// kept aside until the sender confirms (with a reason for the overwrites).
    NeedsConfirmation {
        /// The pending upload to confirm.
        pending_id: i64,
        /// The warnings.
        warnings: Vec<Issue>,
        /// Values it would store.
        values: usize,
        /// Accepted corrections it would overwrite.
        overwrites: Vec<Overwrite>,
    },
    /// Errors: nothing stored.
    Rejected {
        /// Every error.
        errors: Vec<Issue>,
        /// Every warning.
        warnings: Vec<Issue>,
        /// The kept upload whose marked workbook [`App::marked_workbook`] gives (a file upload;
        /// `None` for values pushed through the API).
        marked: Option<i64>,
    },
}

/// A value accepted from an objection or a self-check dispute that an import would replace.
#[derive(Clone, Debug, PartialEq)]
pub struct Overwrite {
    /// 统一社会信用代码.
    pub credit_code: String,
    /// 企业名称.
    pub name: String,
    /// The item's Chinese name.
    pub item: String,
    /// Unit of the item.
    pub unit: String,
    /// The accepted value.
    pub old: Option<f64>,
    /// The imported value.
    pub new: f64,
    /// `异议更正` or `自核争议更正`.
    pub source: &'static str,
    /// Who accepted it.
    pub accepted_by: String,
    /// When, Beijing time.
    pub accepted_at: String,
    /// Why it was accepted.
    pub note: String,
}

/// What the sender of an upload has confirmed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Confirm<'a> {
    /// The warnings (suspicious values) are confirmed.
    pub warnings: bool,
    /// The reason for overwriting values accepted from objections or disputes.
    pub overwrite_reason: Option<&'a str>,
}

impl Confirm<'_> {
    /// Nothing confirmed.
    pub const NONE: Confirm<'static> = Confirm {
        warnings: false,
        overwrite_reason: None,
    };
    /// The warnings confirmed (no overwrite reason).
    pub const WARNINGS: Confirm<'static> = Confirm {
        warnings: true,
        overwrite_reason: None,
    };

    fn reason(&self) -> Option<&str> {
        self.overwrite_reason.map(str::trim).filter(|r| !r.is_empty())
    }
}

/// Everything a template or an upload is checked against, loaded once.
struct Context {
    dept: Department,
    items: Vec<CatalogueItem>,
    others: Vec<CatalogueItem>,
    roster: Vec<enterprises::RosterRow>,
    by_code: HashMap<String, usize>,
    previous: HashMap<(i64, String), f64>,
}

fn county_name(code: &str) -> String {
    RegionCode::parse(code)
        .ok()
        .and_then(|r| r.name())
        .map_or_else(|| code.to_owned(), str::to_owned)
}

impl App {
    async fn collection_context(&self, dept: Department, year: i64) -> Result<Context, AppError> {
        let catalogue = self.catalogue().await?;
        let (items, others): (Vec<_>, Vec<_>) = catalogue
            .into_iter()
            .partition(|i| i.department_code == dept.code);
        let mut c = self.store.read().await?;
        let roster = enterprises::collection_roster(self.store.read_typed().await?.conn(), year).await?;
        let by_code = roster
            .iter()
            .enumerate()
            .map(|(i, r)| (r.credit_code.clone(), i))
            .collect();
        let wanted: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
        let previous = figures::current_values(&mut c, year - 1)
            .await?
            .into_iter()
            .filter(|(_, f, _)| wanted.contains(&f.as_str()))
            .filter_map(|(e, f, v)| v.map(|v| ((e, f), v)))
            .collect();
        Ok(Context {
            dept,
            items,
            others,
            roster,
            by_code,
            previous,
        })
    }

    /// The pre-filled template of a department for a year: `(file name, xlsx bytes)`. It carries
    /// stored figures, so its download is audited as an export.
    pub async fn department_template(
        &self,
        actor: &Actor,
        department: &str,
        year: i64,
    ) -> Result<(String, Vec<u8>), AppError> {
        let dept = self
            .acting_department(actor, department, "template.download")
            .await?;
        let ctx = self.collection_context(dept, year).await?;
        let current: HashMap<(i64, String), f64> = {
            let mut c = self.store.read().await?;
            figures::current_values(&mut c, year)
                .await?
                .into_iter()
                .filter_map(|(e, f, v)| v.map(|v| ((e, f), v)))
                .collect()
        };
        let rows: Vec<TemplateRow> = ctx
            .roster
            .iter()
            .map(|r| TemplateRow {
                credit_code: r.credit_code.clone(),
                name: r.name.clone(),
                county: county_name(&r.region_code),
                cluster: r.cluster_name.clone().unwrap_or_default(),
                above: r
                    .scale
                    .as_deref()
                    .or(r.previous_scale.as_deref())
                    .map(|s| s == "above"),
                values: ctx
                    .items
                    .iter()
                    .map(|item| {
                        current.get(&(r.id, item.id.clone())).map(|v| match item.kind {
                            ValueKind::Number => Prefill::Number(*v),
                            ValueKind::Flag => Prefill::Flag(*v != 0.0),
                            ValueKind::Scale => Prefill::Scale(*v != 0.0),
                        })
                    })
                    .collect(),
            })
            .collect();
        let year16 = u16::try_from(year).map_err(|_| AppError::invalid("year", "年份无效"))?;
        let bytes = write_template(&TemplateSpec {
            department_code: &ctx.dept.code,
            department_name: &ctx.dept.name,
            year: year16,
            items: &ctx.items,
            rows: &rows,
        })
        .map_err(|e| AppError::Crypto(e.to_string()))?;
        let mut tx = self.store.begin().await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "export.template",
            ("department", &ctx.dept.code),
            json!({"year": year, "enterprises": rows.len(), "items": ctx.items.len()}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok((format!("{year}年度-{}-数据填报模板.xlsx", ctx.dept.name), bytes))
    }

    /// Checks an upload against the context (CPU-heavy: call it through [`App::cpu`]).
    fn check(
        ctx: &Context,
        year: i64,
        file_name: &str,
        bytes: &[u8],
        limits: Limits,
    ) -> Result<Checked, AppError> {
        let lookup = |c: &CreditCode| {
            ctx.by_code.get(c.as_str()).map(|&i| {
                let r = &ctx.roster[i];
                KnownEnterprise {
                    id: r.id,
                    above: r
                        .scale
                        .as_deref()
                        .or(r.previous_scale.as_deref())
                        .map(|s| s == "above"),
                    manufacturing: IndustryCode::parse(&r.industry_code)
                        .is_ok_and(IndustryCode::is_manufacturing),
                }
            })
        };
        let previous = |id: i64, item: &str| ctx.previous.get(&(id, item.to_owned())).copied();
        let upload = UploadContext {
            department_code: &ctx.dept.code,
            year: u16::try_from(year).unwrap_or(0),
            items: &ctx.items,
            other_items: &ctx.others,
            lookup: &lookup,
            previous: &previous,
        };
        check_upload(file_name, bytes, &upload, limits).map_err(|e| AppError::invalid("file", e.to_string()))
    }

    /// Checks an upload for a department and year and stores it when it is free of errors and
    /// its warnings (if any) are confirmed. With warnings and `confirm_warnings = false`, the
    /// file is kept aside for [`App::confirm_import`].
    pub async fn import_upload(
        &self,
        actor: &Actor,
        department: &str,
        year: i64,
        file_name: &str,
        bytes: &[u8],
        confirm: Confirm<'_>,
    ) -> Result<ImportOutcome, AppError> {
        let dept = self.acting_department(actor, department, "import").await?;
        self.refuse_locked_year(year).await?;
        let ctx = std::sync::Arc::new(self.collection_context(dept, year).await?);
        let checked = {
            let (ctx, name, content, limits) = (
                ctx.clone(),
                file_name.to_owned(),
                bytes.to_vec(),
                self.upload_limits,
            );
            self.cpu(move || Self::check(&ctx, year, &name, &content, limits))
                .await??
        };
        if !checked.errors.is_empty() {
            let mut tx = self.store.begin().await?;
            imports::delete_pending_before(&mut tx, mujun_store::now_ms() - 86_400_000).await?;
            // Kept (a day, for its sender) so that any server can mark it on download.
            let kept = imports::insert_pending(
                &mut tx,
                actor.user_id,
                ctx.dept.id,
                year,
                file_name,
                &checked.file_hash,
                bytes,
                true,
            )
            .await?;
            write(
                &mut tx,
                Who::Actor(actor),
                "import",
                ("department", &ctx.dept.code),
                json!({"year": year, "file_name": file_name, "file_hash": checked.file_hash, "errors": checked.errors.len()}),
                "failed",
            )
            .await?;
            tx.commit().await.map_err(StoreError::from)?;
            return Ok(ImportOutcome::Rejected {
                errors: checked.errors,
                warnings: checked.warnings,
                marked: Some(kept),
            });
        }
        let overwrites = {
            let mut c = self.store.read().await?;
            overwrites(&mut c, &ctx, year, &checked).await?
        };
        let unconfirmed_warnings = !checked.warnings.is_empty() && !confirm.warnings;
        let unconfirmed_overwrites = !overwrites.is_empty() && confirm.reason().is_none();
        if unconfirmed_warnings || unconfirmed_overwrites {
            let mut tx = self.store.begin().await?;
            // Uploads left unconfirmed for a day are dropped.
            imports::delete_pending_before(&mut tx, mujun_store::now_ms() - 86_400_000).await?;
            let pending_id = imports::insert_pending(
                &mut tx,
                actor.user_id,
                ctx.dept.id,
                year,
                file_name,
                &checked.file_hash,
                bytes,
                false,
            )
            .await?;
            tx.commit().await.map_err(StoreError::from)?;
            return Ok(ImportOutcome::NeedsConfirmation {
                pending_id,
                values: checked.value_count(),
                warnings: checked.warnings,
                overwrites,
            });
        }
        let source = if file_name.to_ascii_lowercase().ends_with(".csv") {
            "csv"
        } else {
            "xlsx"
        };
        self.store_checked(actor, &ctx, year, source, &checked, confirm.reason())
            .await
    }

    /// The rejected upload `id` of the caller with every problem marked, made again now (the
    /// registry or last year's figures may have changed since), written to a temporary file.
    pub async fn marked_workbook(&self, actor: &Actor, id: i64) -> Result<Download, AppError> {
        let kept = {
            let mut c = self.store.read().await?;
            imports::get_pending(&mut c, id, actor.user_id)
                .await?
                .filter(|p| p.rejected == 1)
                .ok_or(AppError::NotFound(
                    "标注了错误的工作簿（已过期，请重新上传以再次生成）",
                ))?
        };
        let code = {
            let mut c = self.store.read().await?;
            mujun_store::departments::get(&mut c, kept.department_id)
                .await?
                .ok_or(AppError::NotFound("部门"))?
        };
        let ctx = std::sync::Arc::new(self.collection_context(code, kept.year).await?);
        let limits = self.upload_limits;
        let name = kept.file_name.clone();
        let (file, len) = self
            .cpu(move || -> Result<(tempfile::NamedTempFile, u64), AppError> {
                let checked = Self::check(&ctx, kept.year, &kept.file_name, &kept.content, limits)?;
                let mut file = tempfile::NamedTempFile::new()
                    .map_err(|e| AppError::Internal(format!("无法创建临时文件：{e}")))?;
                marked_workbook(
                    &checked,
                    &kept.content,
                    limits,
                    std::io::BufWriter::new(file.as_file_mut()),
                )
                .map_err(|e| AppError::Internal(e.to_string()))?;
                let len = file
                    .as_file()
                    .metadata()
                    .map_err(|e| AppError::Internal(e.to_string()))?
                    .len();
                Ok((file, len))
            })
            .await??;
        let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
        Ok(Download {
            file_name: format!("{stem}-错误标注.xlsx"),
            content_type: crate::download::XLSX,
            content: Content::Named { file, len },
        })
    }

    /// Refuses at once when the year is published (locked).
    async fn refuse_locked_year(&self, year: i64) -> Result<(), AppError> {
        let mut c = self.store.read().await?;
        super::year_lock::ensure_year_open(&mut c, year).await
    }

    /// Stores a pending upload after its sender confirmed the warnings, and gave the reason for
    /// overwriting accepted corrections when it does (checked again: the registry, last year's
    /// figures and the corrections may have changed meanwhile).
    pub async fn confirm_import(
        &self,
        actor: &Actor,
        pending_id: i64,
        overwrite_reason: Option<&str>,
    ) -> Result<ImportOutcome, AppError> {
        let pending = {
            let mut c = self.store.read().await?;
            imports::get_pending(&mut c, pending_id, actor.user_id)
                .await?
                .filter(|p| p.rejected == 0)
                .ok_or(AppError::NotFound("待确认的上传"))?
        };
        let dept_code = {
            let mut c = self.store.read().await?;
            mujun_store::departments::get(&mut c, pending.department_id)
                .await?
                .ok_or(AppError::NotFound("部门"))?
                .code
        };
        let outcome = self
            .import_upload(
                actor,
                &dept_code,
                pending.year,
                &pending.file_name,
                &pending.content,
                Confirm {
                    warnings: true,
                    overwrite_reason,
                },
            )
            .await?;
        let mut tx = self.store.begin().await?;
        imports::delete_pending(&mut tx, pending_id).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(outcome)
    }

    /// Writes a checked upload: one batch, every value as a new version, 规模 and bonus/veto
    /// items mirrored where the registry keeps them; one transaction, one audit entry.
    async fn store_checked(
        &self,
        actor: &Actor,
        ctx: &Context,
        year: i64,
        source: &str,
        checked: &Checked,
        overwrite_reason: Option<&str>,
    ) -> Result<ImportOutcome, AppError> {
        let mut tx = self.store.begin().await?;
        super::year_lock::lock_figures(&mut tx, year, &[ctx.dept.id]).await?;
        // Under the lock: no correction can be accepted meanwhile.
        let (overwritten, unchanged) = corrections_met(&mut tx, ctx, year, checked).await?;
        if !overwritten.is_empty() && overwrite_reason.is_none() {
            return Err(AppError::invalid(
                "overwrite_reason",
                format!(
                    "本次导入会覆盖 {} 个经异议或自核争议采纳的更正值，请核对后填写覆盖理由再确认导入",
                    overwritten.len()
                ),
            ));
        }
        // Cells carrying an accepted correction's value again are not written.
        let value_count = checked.value_count() - unchanged.len();
        let batch_id = imports::insert(
            &mut tx,
            &imports::NewBatch {
                department_id: ctx.dept.id,
                year,
                user_id: Some(actor.user_id),
                source: source.into(),
                file_name: checked.file_name.clone(),
                file_hash: checked.file_hash.clone(),
                row_count: checked.rows.len() as i64,
                value_count: value_count as i64,
                warnings_confirmed: checked.warnings.len() as i64,
                note: String::new(),
                on_behalf: actor.role != crate::Role::Department,
                overwrite_reason: if overwritten.is_empty() {
                    String::new()
                } else {
                    overwrite_reason.unwrap_or_default().to_owned()
                },
            },
        )
        .await?;
        let mut values = Vec::with_capacity(value_count);
        let mut scales = Vec::new();
        let mut flags: Vec<(i64, &str, &str, bool)> = Vec::new();
        for row in &checked.rows {
            for v in &row.values {
                if unchanged.contains(&(row.enterprise_id, v.item)) {
                    continue;
                }
                let item = &ctx.items[v.item];
                values.push(figures::NewFigure {
                    enterprise_id: row.enterprise_id,
                    year,
                    field: item.id.clone(),
                    value: Some(v.value),
                    department_id: Some(ctx.dept.id),
                    source: "import".into(),
                    batch_id: Some(batch_id),
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
        // In index order: inserting into the (enterprise, year, field) index sequentially is
        // several times cheaper than in file order.
        values.sort_unstable_by(|a, b| (a.enterprise_id, &a.field).cmp(&(b.enterprise_id, &b.field)));
        figures::record_batch(&mut tx, self.store.backend(), batch_id, &values).await?;
        enterprises::set_scales(&mut tx, self.store.backend(), year, &scales).await?;
        apply_flags(&mut tx, year, &flags).await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "import",
            ("import_batch", &batch_id.to_string()),
            json!({
                "department": ctx.dept.code, "year": year, "source": source, "file_name": checked.file_name,
                "file_hash": checked.file_hash, "rows": checked.rows.len(), "values": value_count,
                "warnings_confirmed": checked.warnings.len(), "on_behalf": actor.role != crate::Role::Department,
                "overwritten": overwritten.iter().map(|o| json!({"credit_code": o.credit_code, "item": o.item, "old": o.old, "new": o.new})).collect::<Vec<_>>(),
                "overwrite_reason": if overwritten.is_empty() { None } else { overwrite_reason },
            }),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(ImportOutcome::Imported {
            batch_id,
            rows: checked.rows.len(),
            values: value_count,
            warnings_confirmed: checked.warnings.len(),
        })
    }

    /// Copies last year's values of the department's slow-moving items (land, employees) as a
    /// starting point, for enterprises that have no value yet this year.
    pub async fn copy_last_year(
        &self,
        actor: &Actor,
        department: &str,
        year: i64,
    ) -> Result<ImportOutcome, AppError> {
        let dept = self
            .acting_department(actor, department, "import.copy_last_year")
            .await?;
        self.refuse_locked_year(year).await?;
        let ctx = self.collection_context(dept, year).await?;
        let slow: Vec<(usize, &CatalogueItem)> = ctx
            .items
            .iter()
            .enumerate()
            .filter(|(_, i)| i.slow_moving)
            .collect();
        if slow.is_empty() {
            return Err(AppError::invalid(
                "department",
                "本部门没有可沿用上年数据的数据项",
            ));
        }
        let current: std::collections::HashSet<(i64, String)> = {
            let mut c = self.store.read().await?;
            figures::current_values(&mut c, year)
                .await?
                .into_iter()
                .map(|(e, f, _)| (e, f))
                .collect()
        };
        let mut rows = Vec::new();
        for r in &ctx.roster {
            let values: Vec<mujun_collect::upload::CheckedValue> = slow
                .iter()
                .filter(|(_, item)| !current.contains(&(r.id, item.id.clone())))
                .filter_map(|(i, item)| {
                    ctx.previous
                        .get(&(r.id, item.id.clone()))
                        .map(|v| mujun_collect::upload::CheckedValue { item: *i, value: *v })
                })
                .collect();
            if !values.is_empty() {
                rows.push(mujun_collect::upload::CheckedRow {
                    row: 0,
                    enterprise_id: r.id,
                    credit_code: r.credit_code.clone(),
                    values,
                });
            }
        }
        let checked = Checked::from_rows(format!("沿用 {} 年数据", year - 1), rows);
        self.store_checked(actor, &ctx, year, "copy_last_year", &checked, None)
            .await
    }

    /// The import batches of a department and year, newest first.
    pub async fn import_history(
        &self,
        actor: &Actor,
        department: &str,
        year: i64,
    ) -> Result<Vec<imports::Batch>, AppError> {
        let dept = self
            .acting_department(actor, department, "import.history")
            .await?;
        let mut c = self.store.read().await?;
        Ok(imports::list(&mut c, Some(dept.id), year).await?)
    }

    /// Values pushed by a department's system through the API, as `(credit code, item id,
    /// value text)`: checked exactly like an uploaded file (they are laid out as one), stored
    /// the same way, with source `api`.
    pub async fn push_values(
        &self,
        actor: &Actor,
        department: &str,
        year: i64,
        values: &[(String, String, String)],
        confirm: Confirm<'_>,
    ) -> Result<ImportOutcome, AppError> {
        let dept = self.acting_department(actor, department, "import.api").await?;
        self.refuse_locked_year(year).await?;
        let ctx = self.collection_context(dept, year).await?;
        // One value per enterprise and item: a second one would silently replace the first.
        let mut seen: HashMap<(&str, &str), usize> = HashMap::with_capacity(values.len());
        let mut duplicates = Vec::new();
        for (n, (code, item, _)) in values.iter().enumerate() {
            if let Some(first) = seen.insert((code.trim(), item.trim()), n) {
                duplicates.push(format!(
                    "第 {} 个值与第 {} 个重复（企业 {}，数据项 {}）",
                    n + 1,
                    first + 1,
                    code.trim(),
                    item.trim()
                ));
            }
        }
        if !duplicates.is_empty() {
            let more = duplicates.len().saturating_sub(20);
            let mut text = duplicates.into_iter().take(20).collect::<Vec<_>>().join("；");
            if more > 0 {
                text.push_str(&format!("；另有 {more} 处重复"));
            }
            return Err(AppError::invalid(
                "values",
                format!("每家企业的每个数据项只能报送一个值：{text}"),
            ));
        }
        let (mut columns, mut codes): (Vec<&str>, Vec<&str>) = (Vec::new(), Vec::new());
        let (mut column_set, mut code_set) =
            (std::collections::HashSet::new(), std::collections::HashSet::new());
        for (code, item, _) in values {
            if column_set.insert(item.trim()) {
                columns.push(item.trim());
            }
            if code_set.insert(code.trim()) {
                codes.push(code.trim());
            }
        }
        let mut w = csv_writer();
        let header: Vec<&str> = std::iter::once("统一社会信用代码")
            .chain(columns.iter().copied())
            .collect();
        w.write_record(&header)
            .map_err(|e| AppError::invalid("values", e.to_string()))?;
        let by_key: HashMap<(&str, &str), &str> = values
            .iter()
            .map(|(c, i, v)| ((c.trim(), i.trim()), v.as_str()))
            .collect();
        for code in &codes {
            let mut record = vec![code.to_string()];
            for item in &columns {
                record.push(
                    by_key
                        .get(&(*code, *item))
                        .map_or_else(String::new, |v| (*v).to_owned()),
                );
            }
            w.write_record(&record)
                .map_err(|e| AppError::invalid("values", e.to_string()))?;
        }
        let bytes = w
            .into_inner()
            .map_err(|e| AppError::invalid("values", e.to_string()))?;
        let checked = {
            let (ctx, limits) = (std::sync::Arc::new(ctx), self.upload_limits);
            let c = ctx.clone();
            let checked = self
                .cpu(move || Self::check(&c, year, "api.csv", &bytes, limits))
                .await??;
            (checked, ctx)
        };
        let (checked, ctx) = checked;
        if !checked.errors.is_empty() {
            return Ok(ImportOutcome::Rejected {
                errors: checked.errors,
                warnings: checked.warnings,
                marked: None,
            });
        }
        let overwrites = {
            let mut c = self.store.read().await?;
            overwrites(&mut c, &ctx, year, &checked).await?
        };
        if (!checked.warnings.is_empty() && !confirm.warnings)
            || (!overwrites.is_empty() && confirm.reason().is_none())
        {
            return Ok(ImportOutcome::NeedsConfirmation {
                pending_id: 0,
                values: checked.value_count(),
                warnings: checked.warnings,
                overwrites,
            });
        }
        self.store_checked(actor, &ctx, year, "api", &checked, confirm.reason())
            .await
    }
}

/// The values accepted from objections or disputes that `checked` would replace by a
/// different value.
async fn overwrites(
    conn: &mut mujun_store::AnyConnection,
    ctx: &Context,
    year: i64,
    checked: &Checked,
) -> Result<Vec<Overwrite>, AppError> {
    Ok(corrections_met(conn, ctx, year, checked).await?.0)
}

/// The accepted corrections `checked` meets: those it would replace by a different value, and
/// the cells that carry the accepted value again (not written: the correction stays current
/// with its provenance, and keeps its protection).
async fn corrections_met(
    conn: &mut mujun_store::AnyConnection,
    ctx: &Context,
    year: i64,
    checked: &Checked,
) -> Result<(Vec<Overwrite>, std::collections::HashSet<(i64, usize)>), AppError> {
    let mut unchanged = std::collections::HashSet::new();
    let fields: Vec<&str> = ctx.items.iter().map(|i| i.id.as_str()).collect();
    let accepted = figures::accepted_corrections(conn, year, &fields).await?;
    if accepted.is_empty() {
        return Ok((Vec::new(), unchanged));
    }
    let by_key: HashMap<(i64, &str), &figures::AcceptedCorrection> = accepted
        .iter()
        .map(|a| ((a.enterprise_id, a.field.as_str()), a))
        .collect();
    let mut out = Vec::new();
    for row in &checked.rows {
        for v in &row.values {
            let item = &ctx.items[v.item];
            let Some(a) = by_key.get(&(row.enterprise_id, item.id.as_str())) else {
                continue;
            };
            if a.value == Some(v.value) {
                unchanged.insert((row.enterprise_id, v.item));
                continue;
            }
            let name = ctx
                .by_code
                .get(&row.credit_code)
                .map_or_else(String::new, |&i| ctx.roster[i].name.clone());
            out.push(Overwrite {
                credit_code: row.credit_code.clone(),
                name,
                item: item.label.clone(),
                unit: item.unit.clone(),
                old: a.value,
                new: v.value,
                source: if a.source == "objection" {
                    "异议更正"
                } else {
                    "自核争议更正"
                },
                accepted_by: a.accepted_by.clone().unwrap_or_default(),
                accepted_at: crate::clock::beijing(a.recorded_at),
                note: a.note.clone().unwrap_or_default(),
            });
        }
    }
    Ok((out, unchanged))
}

fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new().from_writer(Vec::new())
}

/// Mirrors bonus and veto flags into the registry's item lists.
pub(crate) async fn apply_flags(
    conn: &mut mujun_store::AnyConnection,
    year: i64,
    flags: &[(i64, &str, &str, bool)],
) -> Result<(), AppError> {
    let mut by_enterprise: HashMap<(i64, &str), Vec<(&str, bool)>> = HashMap::new();
    for (e, kind, name, on) in flags {
        by_enterprise.entry((*e, *kind)).or_default().push((name, *on));
    }
    for ((e, kind), changes) in by_enterprise {
        let mut items: Vec<String> = enterprises::items(conn, e, year)
            .await?
            .into_iter()
            .filter(|(k, _)| k == kind)
            .map(|(_, i)| i)
            .collect();
        for (name, on) in changes {
            items.retain(|i| i != name);
            if on {
                items.push(name.to_owned());
            }
        }
        items.sort();
        enterprises::set_items(conn, e, year, kind, &items).await?;
    }
    Ok(())
}

impl App {
    /// Drops one's own pending upload without importing it.
    pub async fn cancel_import(&self, actor: &Actor, pending_id: i64) -> Result<(), AppError> {
        let mut tx = self.store.begin().await?;
        imports::get_pending(&mut tx, pending_id, actor.user_id)
            .await?
            .ok_or(AppError::NotFound("待确认的上传"))?;
        imports::delete_pending(&mut tx, pending_id).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }
}
