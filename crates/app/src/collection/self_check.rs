//! 企业自核: during a round an enterprise user sees all its figures for the year and confirms
//! or disputes each with a comment; a dispute goes to the owning department's queue, which
//! corrects the figure (audited, a new version) or answers.

use mujun_collect::{CatalogueItem, ValueKind};
use mujun_store::self_checks::{Check, NewCheck};
use mujun_store::{StoreError, departments, enterprises, figures, imports, self_checks};
use serde_json::json;

use crate::audit::{Who, write};
use crate::{Actor, App, AppError, Role};

/// A self-check line's status in words.
pub fn check_status_label(status: &str) -> &'static str {
    match status {
        "confirmed" => "已确认",
        "disputed" => "有异议（待处理）",
        "corrected" => "已更正",
        "answered" => "已答复",
        _ => "未知",
    }
}

/// One item as the enterprise sees it in its self-check.
#[derive(Clone, Debug)]
pub struct SelfCheckLine {
    /// The item.
    pub item: CatalogueItem,
    /// Department name.
    pub department: String,
    /// The current value.
    pub figure: Option<figures::Figure>,
    /// The latest confirmation or dispute of it.
    pub last: Option<Check>,
}

/// A department's open dispute, with the enterprise it concerns.
#[derive(Clone, Debug)]
pub struct DisputeView {
    /// The dispute.
    pub check: Check,
    /// The enterprise's code.
    pub credit_code: String,
    /// Its name.
    pub enterprise_name: String,
    /// The item.
    pub item: Option<CatalogueItem>,
    /// The value disputed (current).
    pub current: Option<f64>,
}

impl App {
    fn own_enterprise(actor: &Actor) -> Option<i64> {
        actor.enterprise_id.filter(|_| actor.role == Role::Enterprise)
    }

    /// The enterprise's figures of a year with their self-check state (enterprise user).
    pub async fn self_check(&self, actor: &Actor, year: i64) -> Result<Vec<SelfCheckLine>, AppError> {
        let Some(eid) = Self::own_enterprise(actor) else {
            return Err(self
                .deny(
                    actor,
                    "self_check.view",
                    ("enterprise", ""),
                    "仅企业用户可以进行企业自核",
                )
                .await);
        };
        let catalogue = self.catalogue().await?;
        let mut c = self.store.read().await?;
        let current = figures::current(&mut c, eid, year).await?;
        let checks = self_checks::for_enterprise(&mut c, eid, year).await?;
        let deps = departments::list(&mut c).await?;
        Ok(catalogue
            .into_iter()
            .map(|item| SelfCheckLine {
                department: deps
                    .iter()
                    .find(|d| d.code == item.department_code)
                    .map_or_else(String::new, |d| d.name.clone()),
                figure: current.iter().find(|f| f.field == item.id).cloned(),
                last: checks.iter().find(|ch| ch.item == item.id).cloned(),
                item,
            })
            .collect())
    }

    /// Confirms (`dispute = false`) or disputes one figure, with a comment (required for a
    /// dispute).
    pub async fn check_figure(
        &self,
        actor: &Actor,
        year: i64,
        item: &str,
        dispute: bool,
        comment: &str,
    ) -> Result<i64, AppError> {
        let Some(eid) = Self::own_enterprise(actor) else {
            return Err(self
                .deny(
                    actor,
                    "self_check.record",
                    ("enterprise", ""),
                    "仅企业用户可以确认或提出异议",
                )
                .await);
        };
        if dispute && comment.trim().is_empty() {
            return Err(AppError::invalid("comment", "提出异议须说明理由"));
        }
        let catalogue = self.catalogue().await?;
        let Some(entry) = catalogue.iter().find(|i| i.id == item) else {
            return Err(AppError::NotFound("数据项"));
        };
        let mut tx = self.store.begin().await?;
        if dispute {
            // A published year's figures are final: a dispute could change nothing.
            super::year_lock::ensure_year_open(&mut tx, year).await?;
        }
        let figure = figures::current(&mut tx, eid, year)
            .await?
            .into_iter()
            .find(|f| f.field == item);
        if !dispute && figure.as_ref().and_then(|f| f.value).is_none() {
            return Err(AppError::invalid(
                "item",
                "该项尚无数据，不能确认；如应有数据请提出异议",
            ));
        }
        let id = self_checks::insert(
            &mut tx,
            &NewCheck {
                enterprise_id: eid,
                year,
                item: item.to_owned(),
                figure_id: figure.as_ref().map(|f| f.id),
                status: if dispute { "disputed" } else { "confirmed" }.into(),
                comment: comment.trim().to_owned(),
                department_code: entry.department_code.clone(),
                user_id: actor.user_id,
            },
        )
        .await?;
        write(
            &mut tx,
            Who::Actor(actor),
            if dispute { "self_check.dispute" } else { "self_check.confirm" },
            ("enterprise", &eid.to_string()),
            json!({"year": year, "item": item, "value": figure.and_then(|f| f.value), "comment": comment.trim()}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(id)
    }

    /// A department's disputes for a year (open ones first).
    pub async fn dispute_queue(&self, actor: &Actor, year: i64) -> Result<Vec<DisputeView>, AppError> {
        let dept = match (actor.role, actor.department_id) {
            (Role::Department, Some(d)) => d,
            _ => {
                return Err(self
                    .deny(
                        actor,
                        "self_check.queue",
                        ("department", ""),
                        "仅部门数据员处理本部门的异议",
                    )
                    .await);
            }
        };
        let catalogue = self.catalogue().await?;
        let mut c = self.store.read().await?;
        let code = departments::get(&mut c, dept)
            .await?
            .ok_or(AppError::NotFound("部门"))?
            .code;
        let mut out = Vec::new();
        for check in self_checks::queue(&mut c, &code, year).await? {
            let e = enterprises::get(&mut c, check.enterprise_id, &mujun_store::Scope::All).await?;
            let current = figures::current(&mut c, check.enterprise_id, year)
                .await?
                .into_iter()
                .find(|f| f.field == check.item)
                .and_then(|f| f.value);
            out.push(DisputeView {
                credit_code: e.as_ref().map_or_else(String::new, |e| e.credit_code.clone()),
                enterprise_name: e.map_or_else(String::new, |e| e.name),
                item: catalogue.iter().find(|i| i.id == check.item).cloned(),
                current,
                check,
            });
        }
        Ok(out)
    }

    /// The department's disputes of a year (as [`App::dispute_queue`]) as xlsx. Audited.
    pub async fn export_disputes(
        &self,
        actor: &Actor,
        year: i64,
    ) -> Result<crate::download::Download, AppError> {
        use mujun_batch::TableCell::{Number, Text};
        let queue = self.dispute_queue(actor, year).await?;
        let time = |ms: i64| crate::clock::beijing(ms);
        let rows = queue
            .into_iter()
            .map(|d| {
                let (item, unit) = d
                    .item
                    .as_ref()
                    .map_or((d.check.item.clone(), String::new()), |i| {
                        (i.label.clone(), i.unit.clone())
                    });
                vec![
                    Text(d.credit_code),
                    Text(d.enterprise_name),
                    Text(item),
                    Number(d.current),
                    Text(unit),
                    Text(d.check.comment),
                    Text(check_status_label(&d.check.status).to_owned()),
                    Text(d.check.resolution),
                    Text(time(d.check.created_at)),
                    Text(d.check.resolved_at.map(time).unwrap_or_default()),
                ]
            })
            .collect();
        self.list_export(
            actor,
            "check.export",
            "self_check",
            "数据异议",
            &[
                "统一社会信用代码",
                "企业名称",
                "数据项",
                "当前值",
                "单位",
                "异议内容",
                "状态",
                "处理意见",
                "提出时间",
                "处理时间",
            ],
            rows,
            format!("数据异议-{year}年度.xlsx"),
            json!({"year": year}),
        )
        .await
    }

    /// The owning department resolves a dispute: with `corrected_value`, a new version of the
    /// figure is stored (batch `correction`); otherwise the `answer` explains why it stands.
    pub async fn resolve_dispute(
        &self,
        actor: &Actor,
        check_id: i64,
        corrected_value: Option<f64>,
        answer: &str,
    ) -> Result<(), AppError> {
        let (Role::Department, Some(dept)) = (actor.role, actor.department_id) else {
            return Err(self
                .deny(
                    actor,
                    "self_check.resolve",
                    ("self_check", &check_id.to_string()),
                    "仅部门数据员处理本部门的异议",
                )
                .await);
        };
        if answer.trim().is_empty() {
            return Err(AppError::invalid("answer", "请填写处理说明"));
        }
        let catalogue = self.catalogue().await?;
        let mut tx = self.store.begin().await?;
        let check = self_checks::get(&mut tx, check_id)
            .await?
            .ok_or(AppError::NotFound("异议"))?;
        let department = departments::get(&mut tx, dept)
            .await?
            .ok_or(AppError::NotFound("部门"))?;
        if check.department_code != department.code {
            drop(tx);
            return Err(self
                .deny(
                    actor,
                    "self_check.resolve",
                    ("self_check", &check_id.to_string()),
                    "该异议不属于本部门",
                )
                .await);
        }
        if let Some(v) = corrected_value {
            super::year_lock::lock_figures(&mut tx, check.year, &[dept]).await?;
            let item = catalogue
                .iter()
                .find(|i| i.id == check.item)
                .ok_or(AppError::NotFound("数据项"))?;
            if item.kind != ValueKind::Number && v != 0.0 && v != 1.0 {
                return Err(AppError::invalid(
                    "value",
                    "该数据项只能更正为 1（是/规上）或 0（否/规下）",
                ));
            }
            if item.kind == ValueKind::Number
                && (item.min.is_some_and(|m| v < m) || item.max.is_some_and(|m| v > m))
            {
                return Err(AppError::invalid(
                    "value",
                    format!("超出允许范围（{}）", item.range_text()),
                ));
            }
            let batch = imports::insert(
                &mut tx,
                &imports::NewBatch {
                    department_id: dept,
                    year: check.year,
                    user_id: Some(actor.user_id),
                    source: "correction".into(),
                    file_name: format!("异议 #{check_id} 更正"),
                    file_hash: String::new(),
                    row_count: 1,
                    value_count: 1,
                    warnings_confirmed: 0,
                    note: answer.trim().to_owned(),
                    on_behalf: false,
                    overwrite_reason: String::new(),
                },
            )
            .await?;
            figures::record_batch(
                &mut tx,
                self.store.backend(),
                batch,
                &[figures::NewFigure {
                    enterprise_id: check.enterprise_id,
                    year: check.year,
                    field: check.item.clone(),
                    value: Some(v),
                    department_id: Some(dept),
                    source: "correction".into(),
                    batch_id: Some(batch),
                    user_id: Some(actor.user_id),
                }],
            )
            .await?;
        }
        let status = if corrected_value.is_some() {
            "corrected"
        } else {
            "answered"
        };
        self_checks::resolve(&mut tx, check_id, status, actor.user_id, answer.trim()).await?;
        write(
            &mut tx,
            Who::Actor(actor),
            &format!("self_check.{status}"),
            ("self_check", &check_id.to_string()),
            json!({"enterprise_id": check.enterprise_id, "item": check.item, "value": corrected_value, "answer": answer.trim()}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }
}
