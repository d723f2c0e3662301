//! Objections (异议) during the public notice: an enterprise files one per disputed figure or
//! about its class; each goes to the department owning the figure (a class objection to the
//! city administrator), which accepts it — a figure with its corrected value, recorded with
//! provenance for the next run — or rejects it with a reason.

use mujun_domain::Field;
use mujun_store::objections::{self, NewObjection, Objection, ObjectionFilter};
use mujun_store::{StoreError, departments, figures, imports, runs};
use serde_json::json;

use super::state::RunState;
use crate::audit::{Who, write};
use crate::{Actor, App, AppError, Role};

/// The routing code of a class objection (the city administrator answers it).
pub const CITY: &str = "city";

/// An objection's status in words.
pub fn status_label(status: &str) -> &'static str {
    match status {
        "open" => "待处理",
        "accepted" => "已采纳",
        "rejected" => "已驳回",
        _ => "未知",
    }
}

/// Who answers an objection routed to `code`: a department's name, or the city administrator
/// for a class objection.
pub fn routed_label(code: &str) -> String {
    if code == CITY {
        return "市级评价管理员".to_owned();
    }
    mujun_domain::DEPARTMENTS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or_else(|| code.to_owned(), |(_, n)| (*n).to_owned())
}

/// Largest attachment accepted (bytes).
pub const MAX_ATTACHMENT: usize = 5 * 1024 * 1024;

/// An objection to file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ObjectionForm {
    /// A field id, or `class`.
    pub item: String,
    /// Why (required).
    pub text: String,
    /// Attachment name and bytes.
    pub attachment: Option<(String, Vec<u8>)>,
}

/// An objection with what a queue shows about it.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectionView {
    /// The objection.
    pub objection: Objection,
    /// Enterprise code.
    pub credit_code: String,
    /// Enterprise name.
    pub name: String,
    /// The item's Chinese label.
    pub item_label: String,
    /// The value evaluated in the run (figure objections).
    pub evaluated_value: Option<f64>,
    /// Unit of the item.
    pub unit: String,
    /// Run year.
    pub year: i64,
}

/// The decision on an objection.
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    /// Accepted; a figure objection carries the corrected value (engine unit).
    Accept {
        /// The corrected value.
        corrected_value: Option<f64>,
        /// A note.
        note: String,
    },
    /// Rejected with a reason.
    Reject {
        /// Why.
        reason: String,
    },
}

fn item_label(item: &str) -> (String, String) {
    if item == "class" {
        return ("评价类别".to_owned(), String::new());
    }
    Field::parse(item).map_or_else(
        |_| (item.to_owned(), String::new()),
        |f| (f.label().to_owned(), f.unit().to_owned()),
    )
}

impl App {
    /// The department code an item's objection goes to (the catalogue's owner of the item).
    async fn route(&self, item: &str) -> Result<String, AppError> {
        if item == "class" {
            return Ok(CITY.to_owned());
        }
        let catalogue = self.catalogue().await?;
        catalogue
            .iter()
            .find(|c| c.id == item)
            .map(|c| c.department_code.clone())
            .or_else(|| Field::parse(item).ok().map(|f| f.owner_department().to_owned()))
            .ok_or_else(|| AppError::invalid("item", format!("没有数据项“{item}”")))
    }

    /// Files an objection (enterprise user, about its own result, only during the notice).
    pub async fn file_objection(
        &self,
        actor: &Actor,
        run_id: i64,
        form: &ObjectionForm,
    ) -> Result<i64, AppError> {
        let own = match (actor.role, actor.enterprise_id) {
            (Role::Enterprise, Some(e)) => e,
            _ => {
                return Err(self
                    .deny(
                        actor,
                        "objection.file",
                        ("evaluation_run", &run_id.to_string()),
                        "只有企业用户可以对本企业的评价结果提出异议",
                    )
                    .await);
            }
        };
        let mut c = self.store.read().await?;
        let run = runs::get(&mut c, run_id)
            .await?
            .ok_or(AppError::NotFound("评价批次"))?;
        let state = RunState::parse(&run.state).unwrap_or(RunState::Failed);
        let today = crate::clock::today();
        let in_period = state == RunState::Notice
            && run.notice_start.as_deref().is_some_and(|s| s <= today.as_str())
            && run.notice_end.as_deref().is_some_and(|e| today.as_str() <= e);
        if !in_period {
            return Err(AppError::invalid(
                "state",
                format!(
                    "只能在公示期内提出异议（本批次{}）",
                    match (&run.notice_start, &run.notice_end) {
                        (Some(s), Some(e)) if state == RunState::Notice => format!("公示期 {s} 至 {e}"),
                        _ => format!("状态为“{}”", state.label()),
                    }
                ),
            ));
        }
        if runs::result_of(&mut c, run_id, own).await?.is_none() {
            return Err(AppError::NotFound("本企业的评价结果"));
        }
        if run.notice_kind == "supplementary" && !runs::is_notice_member(&mut c, run_id, own).await? {
            return Err(AppError::invalid(
                "state",
                "本次为补充公示，仅评价类别发生变化的企业可以提出异议",
            ));
        }
        drop(c);
        let text = form.text.trim();
        if text.is_empty() {
            return Err(AppError::invalid("text", "请写明异议的理由"));
        }
        if text.chars().count() > 2000 {
            return Err(AppError::invalid("text", "异议理由不能超过 2000 字"));
        }
        if form.item != "class" && Field::parse(&form.item).map(|f| f.id()) != Ok(form.item.as_str()) {
            return Err(AppError::invalid("item", format!("没有数据项“{}”", form.item)));
        }
        if let Some((name, bytes)) = &form.attachment
            && (bytes.len() > MAX_ATTACHMENT || name.trim().is_empty())
        {
            return Err(AppError::invalid("attachment", "附件不能超过 5 MB，且须有文件名"));
        }
        let department = self.route(&form.item).await?;
        let mut tx = self.store.begin().await?;
        let id = objections::insert(
            &mut tx,
            &NewObjection {
                run_id,
                enterprise_id: own,
                item: &form.item,
                text,
                attachment: form.attachment.as_ref().map(|(n, b)| (n.trim(), b.as_slice())),
                department_code: &department,
                user_id: actor.user_id,
            },
        )
        .await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "objection.file",
            ("objection", &id.to_string()),
            json!({"run": run_id, "enterprise": own, "item": form.item, "routed_to": department,
                   "attachment": form.attachment.as_ref().map(|(n, b)| json!({"name": n, "bytes": b.len()}))}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(id)
    }

    /// The objections the caller may see: an enterprise its own; a department officer those
    /// routed to its department; the city administrator all; county and cluster officers those
    /// of their enterprises.
    pub async fn list_objections(
        &self,
        actor: &Actor,
        run_id: Option<i64>,
    ) -> Result<Vec<ObjectionView>, AppError> {
        let mut filter = ObjectionFilter {
            run_id,
            ..Default::default()
        };
        match actor.role {
            Role::CityAdmin | Role::Leader | Role::County | Role::Cluster => {}
            Role::Enterprise => filter.enterprise_id = Some(actor.enterprise_id.unwrap_or(-1)),
            Role::Department => filter.department_code = Some(self.department_code_of(actor).await?),
            Role::SysAdmin | Role::SecurityAdmin | Role::Auditor => {
                return Err(self
                    .deny(actor, "objection.list", ("objection", ""), "该角色不能查看异议")
                    .await);
            }
        }
        let mut c = self.store.read().await?;
        let list = objections::list(&mut c, &filter).await?;
        let scope = actor.enterprise_scope();
        let mut out = Vec::with_capacity(list.len());
        for o in list {
            let Some((_, input)) = runs::result_of(&mut c, o.run_id, o.enterprise_id).await? else {
                continue;
            };
            let visible = match &scope {
                mujun_store::Scope::Region(r) => &input.region_code == r,
                mujun_store::Scope::Cluster(cl) => input.cluster_id == Some(*cl),
                _ => true,
            };
            if !visible {
                continue;
            }
            let year = runs::get(&mut c, o.run_id).await?.map_or(0, |r| r.year);
            let (item_label, unit) = item_label(&o.item);
            let evaluated_value = Field::parse(&o.item)
                .ok()
                .and_then(|f| super::snapshot::figure(&input, f));
            out.push(ObjectionView {
                credit_code: input.credit_code.clone(),
                name: input.name.clone(),
                item_label,
                evaluated_value,
                unit,
                year,
                objection: o,
            });
        }
        Ok(out)
    }

    /// The objections the caller may see (as [`App::list_objections`]) as xlsx. Audited.
    pub async fn export_objections(
        &self,
        actor: &Actor,
        run_id: Option<i64>,
    ) -> Result<crate::download::Download, AppError> {
        use mujun_batch::TableCell::{Integer, Number, Text};
        let list = self.list_objections(actor, run_id).await?;
        let time = |ms: i64| crate::clock::beijing(ms);
        let rows = list
            .into_iter()
            .map(|v| {
                let o = v.objection;
                vec![
                    Integer(Some(v.year)),
                    Text(v.credit_code),
                    Text(v.name),
                    Text(v.item_label),
                    Number(v.evaluated_value),
                    Text(v.unit),
                    Text(o.text),
                    Text(routed_label(&o.department_code)),
                    Text(status_label(&o.status).to_owned()),
                    Text(o.resolution),
                    Number(o.corrected_value),
                    Text(time(o.filed_at)),
                    Text(o.resolved_at.map(time).unwrap_or_default()),
                ]
            })
            .collect();
        self.list_export(
            actor,
            "objection.export",
            "objection",
            "评价异议",
            &[
                "年度",
                "统一社会信用代码",
                "企业名称",
                "异议事项",
                "评价所用值",
                "单位",
                "异议内容",
                "处理部门",
                "状态",
                "处理意见",
                "更正值",
                "提出时间",
                "处理时间",
            ],
            rows,
            format!("评价异议-{}.xlsx", crate::clock::today()),
            json!({"run": run_id}),
        )
        .await
    }

    /// The attachment of an objection the caller may see: `(name, bytes)`. Audited as an export.
    pub async fn objection_attachment(&self, actor: &Actor, id: i64) -> Result<(String, Vec<u8>), AppError> {
        let visible = self.list_objections(actor, None).await?;
        if !visible.iter().any(|v| v.objection.id == id) {
            return Err(self
                .deny(
                    actor,
                    "objection.attachment",
                    ("objection", &id.to_string()),
                    "超出本账号的查看范围",
                )
                .await);
        }
        let mut tx = self.store.begin().await?;
        let file = objections::attachment(&mut tx, id)
            .await?
            .ok_or(AppError::NotFound("附件"))?;
        write(
            &mut tx,
            Who::Actor(actor),
            "objection.attachment",
            ("objection", &id.to_string()),
            json!({"name": file.0, "bytes": file.1.len()}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(file)
    }

    /// Answers an objection: the owning department's officer (or the city administrator for a
    /// class objection, or any objection). Accepting a figure objection records the corrected
    /// value as a new figure (source `objection`), which the next run evaluates.
    pub async fn resolve_objection(
        &self,
        actor: &Actor,
        id: i64,
        decision: &Decision,
    ) -> Result<(), AppError> {
        let mut c = self.store.read().await?;
        let o = objections::get(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("异议"))?;
        let run = runs::get(&mut c, o.run_id)
            .await?
            .ok_or(AppError::NotFound("评价批次"))?;
        drop(c);
        let allowed = match actor.role {
            Role::CityAdmin => true,
            Role::Department => {
                o.department_code != CITY && self.department_code_of(actor).await? == o.department_code
            }
            _ => false,
        };
        if !allowed {
            return Err(self
                .deny(
                    actor,
                    "objection.resolve",
                    ("objection", &id.to_string()),
                    "该异议不由本账号处理",
                )
                .await);
        }
        if o.status != "open" {
            return Err(AppError::invalid("status", "该异议已处理"));
        }
        let state = RunState::parse(&run.state).unwrap_or(RunState::Failed);
        if state == RunState::Published {
            return Err(AppError::invalid("state", "评价结果已发布，异议不能再处理"));
        }
        let field = Field::parse(&o.item).ok().filter(|f| f.id() == o.item);
        let (status, resolution, corrected) = match decision {
            Decision::Reject { reason } => {
                if reason.trim().is_empty() {
                    return Err(AppError::invalid("reason", "驳回异议必须说明理由"));
                }
                ("rejected", reason.trim().to_owned(), None)
            }
            Decision::Accept {
                corrected_value,
                note,
            } => match (field, corrected_value) {
                (Some(f), Some(v)) => {
                    let item = self.catalogue().await?.into_iter().find(|i| i.id == o.item);
                    if let Some(item) = item {
                        let below_min = item.min.is_some_and(|m| *v < m);
                        let above_max = item.max.is_some_and(|m| *v > m);
                        if below_min || above_max || !v.is_finite() {
                            return Err(AppError::invalid(
                                "corrected_value",
                                format!("更正值 {v} 超出“{}”的允许范围", f.label()),
                            ));
                        }
                    }
                    ("accepted", note.trim().to_owned(), Some(*v))
                }
                (Some(f), None) => {
                    return Err(AppError::invalid(
                        "corrected_value",
                        format!("采纳“{}”的异议必须填写更正后的数值（{}）", f.label(), f.unit()),
                    ));
                }
                (None, _) => ("accepted", note.trim().to_owned(), None),
            },
        };
        let mut tx = self.store.begin().await?;
        objections::resolve(&mut tx, id, status, &resolution, corrected, actor.user_id).await?;
        if let (Some(f), Some(v)) = (field, corrected) {
            let department_id = departments::list(&mut tx)
                .await?
                .into_iter()
                .find(|d| d.code == o.department_code)
                .map(|d| d.id)
                .ok_or(AppError::NotFound("部门"))?;
            // The same locks as every writer of figures; a published year takes nothing more.
            crate::collection::year_lock::lock_figures(&mut tx, run.year, &[department_id]).await?;
            let batch = imports::insert(
                &mut tx,
                &imports::NewBatch {
                    department_id,
                    year: run.year,
                    user_id: Some(actor.user_id),
                    source: "objection".into(),
                    file_name: format!("异议 #{id} 更正"),
                    file_hash: String::new(),
                    row_count: 1,
                    value_count: 1,
                    warnings_confirmed: 0,
                    note: resolution.clone(),
                    on_behalf: actor.role != Role::Department,
                    overwrite_reason: String::new(),
                },
            )
            .await?;
            figures::record_batch(
                &mut tx,
                self.store.backend(),
                batch,
                &[figures::NewFigure {
                    enterprise_id: o.enterprise_id,
                    year: run.year,
                    field: f.id().to_owned(),
                    value: Some(v),
                    department_id: Some(department_id),
                    source: "objection".to_owned(),
                    batch_id: Some(batch),
                    user_id: Some(actor.user_id),
                }],
            )
            .await?;
        }
        write(
            &mut tx,
            Who::Actor(actor),
            if status == "accepted" { "objection.accept" } else { "objection.reject" },
            ("objection", &id.to_string()),
            json!({"run": o.run_id, "enterprise": o.enterprise_id, "item": o.item, "corrected_value": corrected, "resolution": resolution}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }
}
