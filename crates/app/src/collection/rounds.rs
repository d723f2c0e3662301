//! Collection rounds: the city opens a round for a year with a deadline per department; each
//! department sees its task (which enterprises, which items, how many filled) and submits it;
//! the city confirms or returns it. The completeness board puts it all on one page.

use mujun_collect::CatalogueItem;
use mujun_store::rounds::{Round, Task};
use mujun_store::{StoreError, departments, enterprises, figures, rounds, self_checks};
use serde_json::json;

use crate::audit::{Who, write};
use crate::{Actor, App, AppError, Role};

/// One department's line of the completeness board.
#[derive(Clone, Debug)]
pub struct BoardRow {
    /// Department id.
    pub department_id: i64,
    /// Department code.
    pub department_code: String,
    /// Department name.
    pub department_name: String,
    /// Its task.
    pub task: Task,
    /// Items it reports.
    pub items: Vec<CatalogueItem>,
    /// Values required of it (enterprises × items required for their scale).
    pub required: i64,
    /// Required values present.
    pub filled: i64,
    /// Values confirmed by enterprises (企业自核).
    pub confirmed: i64,
    /// Past the deadline and not submitted.
    pub overdue: bool,
}

/// A round with its board.
#[derive(Clone, Debug)]
pub struct Board {
    /// The round.
    pub round: Round,
    /// One line per department (a department officer sees only its own).
    pub rows: Vec<BoardRow>,
    /// Enterprises in the round's roster.
    pub enterprises: usize,
}

impl App {
    fn require_city(&self, actor: &Actor) -> bool {
        actor.role == Role::CityAdmin
    }

    /// Opens a round for a year with a deadline per department (city administrator). Only one
    /// round of a year is open at a time.
    pub async fn open_round(
        &self,
        actor: &Actor,
        year: i64,
        title: &str,
        deadlines: &[(i64, String)],
    ) -> Result<i64, AppError> {
        if !self.require_city(actor) {
            return Err(self
                .deny(
                    actor,
                    "round.open",
                    ("collection_round", ""),
                    "仅市级评价管理员可以发起采集",
                )
                .await);
        }
        if !(2000..=2100).contains(&year) {
            return Err(AppError::invalid("year", "年度无效"));
        }
        if deadlines.is_empty() {
            return Err(AppError::invalid("deadlines", "至少为一个部门设置截止日期"));
        }
        for (_, d) in deadlines {
            if mujun_domain::Date::parse(d).is_err() {
                return Err(AppError::invalid(
                    "deadlines",
                    format!("截止日期“{d}”无效，应为 YYYY-MM-DD"),
                ));
            }
        }
        let mut tx = self.store.begin().await?;
        if rounds::open_for_year(&mut tx, year).await?.is_some() {
            return Err(AppError::invalid(
                "year",
                format!("{year} 年度已有进行中的采集轮次"),
            ));
        }
        let title = if title.trim().is_empty() {
            format!("{year} 年度数据采集")
        } else {
            title.trim().to_owned()
        };
        let id = rounds::insert(&mut tx, year, &title, Some(actor.user_id)).await?;
        for (dept, deadline) in deadlines {
            if departments::get(&mut tx, *dept).await?.is_none() {
                return Err(AppError::invalid(
                    "deadlines",
                    format!("没有编号为 {dept} 的部门"),
                ));
            }
            rounds::add_task(&mut tx, id, *dept, deadline).await?;
        }
        write(
            &mut tx,
            Who::Actor(actor),
            "round.open",
            ("collection_round", &id.to_string()),
            json!({"year": year, "departments": deadlines.len()}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(id)
    }

    /// Every round, newest first (city administrator and department officers).
    pub async fn list_rounds(&self, actor: &Actor) -> Result<Vec<Round>, AppError> {
        if !matches!(actor.role, Role::CityAdmin | Role::Department) {
            return Err(self
                .deny(
                    actor,
                    "round.list",
                    ("collection_round", ""),
                    "该角色不参与数据采集",
                )
                .await);
        }
        let mut c = self.store.read().await?;
        Ok(rounds::list(&mut c).await?)
    }

    /// The completeness board of a round: per department, its task, how many required values
    /// are filled and confirmed, and whether it is overdue.
    pub async fn round_board(&self, actor: &Actor, round_id: i64) -> Result<Board, AppError> {
        if !matches!(actor.role, Role::CityAdmin | Role::Department) {
            return Err(self
                .deny(
                    actor,
                    "round.view",
                    ("collection_round", &round_id.to_string()),
                    "该角色不参与数据采集",
                )
                .await);
        }
        let catalogue = self.catalogue().await?;
        let mut c = self.store.read().await?;
        let round = rounds::get(&mut c, round_id)
            .await?
            .ok_or(AppError::NotFound("采集轮次"))?;
        let roster =
            enterprises::collection_roster(self.store.read_typed().await?.conn(), round.year).await?;
        let current = figures::current_values(&mut c, round.year).await?;
        let confirmations = self_checks::confirmations(&mut c, round.year).await?;
        let depts = departments::list(&mut c).await?;
        let today = crate::clock::today();
        let mut present: std::collections::HashSet<(i64, &str)> = std::collections::HashSet::new();
        for (e, f, v) in &current {
            if v.is_some() {
                present.insert((*e, f.as_str()));
            }
        }
        let mut rows = Vec::new();
        for task in rounds::tasks(&mut c, round_id).await? {
            if actor.role == Role::Department && actor.department_id != Some(task.department_id) {
                continue;
            }
            let Some(dept) = depts.iter().find(|d| d.id == task.department_id) else {
                continue;
            };
            let items: Vec<CatalogueItem> = catalogue
                .iter()
                .filter(|i| i.department_code == dept.code)
                .cloned()
                .collect();
            let (mut required, mut filled) = (0i64, 0i64);
            for r in &roster {
                let above = r.scale.as_deref().or(r.previous_scale.as_deref()) != Some("below");
                for item in items.iter().filter(|i| i.required_for(above)) {
                    required += 1;
                    if present.contains(&(r.id, item.id.as_str())) {
                        filled += 1;
                    }
                }
            }
            let confirmed = confirmations
                .iter()
                .find(|(d, _)| *d == dept.code)
                .map_or(0, |(_, n)| *n);
            let overdue = round.status == "open"
                && matches!(task.status.as_str(), "pending" | "returned")
                && task.deadline < today;
            rows.push(BoardRow {
                department_id: dept.id,
                department_code: dept.code.clone(),
                department_name: dept.name.clone(),
                task,
                items,
                required,
                filled,
                confirmed,
                overdue,
            });
        }
        Ok(Board {
            round,
            rows,
            enterprises: roster.len(),
        })
    }

    /// A department submits its task (已报送).
    pub async fn submit_task(&self, actor: &Actor, round_id: i64) -> Result<(), AppError> {
        let Some(dept) = actor.department_id.filter(|_| actor.role == Role::Department) else {
            return Err(self
                .deny(
                    actor,
                    "round.submit",
                    ("collection_round", &round_id.to_string()),
                    "仅部门数据员可以报送本部门任务",
                )
                .await);
        };
        let mut tx = self.store.begin().await?;
        let task = rounds::task(&mut tx, round_id, dept)
            .await?
            .ok_or(AppError::NotFound("本部门的采集任务"))?;
        let round = rounds::get(&mut tx, round_id)
            .await?
            .ok_or(AppError::NotFound("采集轮次"))?;
        if round.status != "open" || !matches!(task.status.as_str(), "pending" | "returned") {
            return Err(AppError::invalid(
                "status",
                "该任务当前不能报送（已报送、已确认或轮次已结束）",
            ));
        }
        rounds::set_task_status(&mut tx, round_id, dept, "submitted", actor.user_id, "").await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "round.submit",
            ("collection_round", &round_id.to_string()),
            json!({"department_id": dept}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// The city confirms (已确认) or returns (退回, with a reason) a submitted task.
    pub async fn review_task(
        &self,
        actor: &Actor,
        round_id: i64,
        department_id: i64,
        confirm: bool,
        note: &str,
    ) -> Result<(), AppError> {
        if !self.require_city(actor) {
            return Err(self
                .deny(
                    actor,
                    "round.review",
                    ("collection_round", &round_id.to_string()),
                    "仅市级评价管理员可以确认或退回",
                )
                .await);
        }
        if !confirm && note.trim().is_empty() {
            return Err(AppError::invalid("note", "退回须写明原因"));
        }
        let mut tx = self.store.begin().await?;
        let task = rounds::task(&mut tx, round_id, department_id)
            .await?
            .ok_or(AppError::NotFound("采集任务"))?;
        if task.status != "submitted" {
            return Err(AppError::invalid("status", "只能确认或退回已报送的任务"));
        }
        let status = if confirm { "confirmed" } else { "returned" };
        rounds::set_task_status(
            &mut tx,
            round_id,
            department_id,
            status,
            actor.user_id,
            note.trim(),
        )
        .await?;
        write(
            &mut tx,
            Who::Actor(actor),
            if confirm { "round.confirm" } else { "round.return" },
            ("collection_round", &round_id.to_string()),
            json!({"department_id": department_id, "note": note.trim()}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Closes a round (city administrator).
    pub async fn close_round(&self, actor: &Actor, round_id: i64) -> Result<(), AppError> {
        if !self.require_city(actor) {
            return Err(self
                .deny(
                    actor,
                    "round.close",
                    ("collection_round", &round_id.to_string()),
                    "仅市级评价管理员可以结束采集",
                )
                .await);
        }
        let mut tx = self.store.begin().await?;
        rounds::get(&mut tx, round_id)
            .await?
            .ok_or(AppError::NotFound("采集轮次"))?;
        rounds::close(&mut tx, round_id).await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "round.close",
            ("collection_round", &round_id.to_string()),
            json!({}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }
}

impl App {
    /// A department officer's tasks across rounds, newest first: `(round, task)`.
    pub async fn department_tasks(&self, actor: &Actor) -> Result<Vec<(Round, Task)>, AppError> {
        let (Role::Department, Some(dept)) = (actor.role, actor.department_id) else {
            return Err(self
                .deny(actor, "round.tasks", ("department", ""), "仅部门数据员有采集任务")
                .await);
        };
        let mut c = self.store.read().await?;
        let mut out = Vec::new();
        for round in rounds::list(&mut c).await? {
            if let Some(task) = rounds::task(&mut c, round.id, dept).await? {
                out.push((round, task));
            }
        }
        Ok(out)
    }
}
