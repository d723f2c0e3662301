//! Data collection (issue 4): the catalogue, collection rounds and department tasks, Excel
//! templates and imports, enterprise self-check, land records, the data quality report.

pub mod catalogue;
pub mod imports;
pub mod land;
pub mod quality;
pub mod rounds;
pub mod self_check;
pub mod year_lock;

/// The Chinese name of a department's task status in a collection round.
pub fn task_status_label(status: &str) -> &'static str {
    match status {
        "pending" => "未报送",
        "submitted" => "已报送",
        "confirmed" => "已确认",
        "returned" => "退回",
        _ => "未知",
    }
}

/// The Chinese name of where a figure (or an import batch) came from.
pub fn figure_source_label(source: &str) -> &'static str {
    match source {
        "seed" => "初始数据",
        "import" => "批量导入",
        "xlsx" => "Excel 导入",
        "csv" => "CSV 导入",
        "manual" => "手工录入",
        "api" => "接口报送",
        "objection" => "公示异议更正",
        "correction" => "自核争议更正",
        "history" => "历史数据导入",
        "copy_last_year" => "沿用上年",
        _ => "其他",
    }
}

use mujun_store::departments;
use mujun_store::departments::Department;

use crate::{Actor, App, AppError, Role};

impl App {
    /// The department an actor may act for: a department officer its own; the city
    /// administrator any (by code). Others are refused (and the refusal audited).
    pub(crate) async fn acting_department(
        &self,
        actor: &Actor,
        code: &str,
        action: &str,
    ) -> Result<Department, AppError> {
        let dept = {
            let mut c = self.store.read().await?;
            departments::list(&mut c)
                .await?
                .into_iter()
                .find(|d| d.code == code)
        };
        let Some(dept) = dept else {
            return Err(AppError::NotFound("部门"));
        };
        let allowed = match actor.role {
            Role::CityAdmin => true,
            Role::Department => actor.department_id == Some(dept.id),
            _ => false,
        };
        if allowed {
            Ok(dept)
        } else {
            Err(self
                .deny(actor, action, ("department", code), "只能处理本部门的数据")
                .await)
        }
    }
}

impl App {
    /// The code of a department officer's department.
    pub(crate) async fn department_code_of(&self, actor: &Actor) -> Result<String, AppError> {
        let id = actor.department_id.ok_or(AppError::NotFound("部门"))?;
        let mut c = self.store.read().await?;
        Ok(departments::get(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("部门"))?
            .code)
    }
}
