//! Reference data for forms and filters: regions, industries, departments, and the fixed code
//! lists (statuses, scales, classes, figures).

use axum::Json;
use axum::extract::State;
use mujun_app::registry::{clusters, enterprises};
use mujun_domain::{Field, Scale};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::common::{AuthErrors, Labeled, class_label};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::state::AppState;

/// 县区或市
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Region {
    /// 6 位行政区划代码
    #[schema(example = "411702")]
    pub code: String,
    /// 名称
    #[schema(example = "驿城区")]
    pub name: String,
    /// 上级（地级市）代码
    pub parent_code: Option<String>,
    /// 起始有效年度
    pub valid_from: i64,
    /// 最后有效年度（`null` 为现行）
    pub valid_to: Option<i64>,
}

/// 制造业大类
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Industry {
    /// 2 位大类代码（可用于企业名录的 `industry` 筛选）
    #[schema(example = "35")]
    pub division: String,
    /// 名称
    #[schema(example = "专用设备制造业")]
    pub name: String,
}

/// 报送数据的部门
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Department {
    /// 部门 id
    pub id: i64,
    /// 部门代码，如 `tax`
    pub code: String,
    /// 名称，如 税务局
    pub name: String,
}

/// 企业年度指标
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct FieldInfo {
    /// 指标 id，如 `tax_paid`
    pub id: String,
    /// 名称
    pub label: String,
    /// 单位
    pub unit: String,
    /// 默认报送部门代码
    pub department: String,
}

/// 参考数据与代码表
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Reference {
    /// 现行的市和县区
    pub regions: Vec<Region>,
    /// Manufacturing 大类
    pub industries: Vec<Industry>,
    /// 部门（按显示顺序）
    pub departments: Vec<Department>,
    /// 企业经营状态
    pub enterprise_statuses: Vec<Labeled>,
    /// 集聚区状态
    pub cluster_statuses: Vec<Labeled>,
    /// 规上 / 规下
    pub scales: Vec<Labeled>,
    /// 档次
    pub classes: Vec<Labeled>,
    /// 企业年度指标
    pub fields: Vec<FieldInfo>,
}

/// 参考数据
///
/// 县区、行业大类、部门，以及经营状态、集聚区状态、规模、档次、指标等代码表。任何已登录的调用者均可读取。
#[utoipa::path(
    get,
    path = "/reference",
    tag = "参考数据",
    operation_id = "get_reference",
    responses((status = 200, description = "参考数据", body = Reference), AuthErrors)
)]
pub async fn get_reference(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
) -> Result<Json<Reference>, ApiError> {
    let r = state.app.reference(&actor).await?;
    let labeled = |t: &[(&str, &str)]| t.iter().map(|(id, l)| Labeled::new(*id, *l)).collect();
    Ok(Json(Reference {
        regions: r
            .regions
            .into_iter()
            .map(|g| Region {
                code: g.code,
                name: g.name,
                parent_code: g.parent_code,
                valid_from: g.valid_from,
                valid_to: g.valid_to,
            })
            .collect(),
        industries: r
            .industries
            .into_iter()
            .map(|i| Industry {
                division: format!("{:02}", i.division),
                name: i.name,
            })
            .collect(),
        departments: r
            .departments
            .into_iter()
            .map(|d| Department {
                id: d.id,
                code: d.code,
                name: d.name,
            })
            .collect(),
        enterprise_statuses: labeled(&enterprises::STATUSES),
        cluster_statuses: labeled(&clusters::STATUSES),
        scales: [Scale::Above, Scale::Below]
            .into_iter()
            .map(|s| Labeled::new(s.id(), s.label()))
            .collect(),
        classes: ["A", "B", "C", "D", "X"]
            .into_iter()
            .map(|c| Labeled::new(c, class_label(c)))
            .collect(),
        fields: Field::ALL
            .into_iter()
            .map(|f| FieldInfo {
                id: f.id().to_owned(),
                label: f.label().to_owned(),
                unit: f.unit().to_owned(),
                department: f.owner_department().to_owned(),
            })
            .collect(),
    }))
}
