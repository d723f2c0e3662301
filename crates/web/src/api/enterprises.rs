//! 企业名录 and 一企一档: list within the caller's scope, detail with figures, figure history,
//! create and edit (city administrator).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use mujun_app::registry::enterprises::{self as uc, EnterpriseForm, EnterpriseQuery, STATUSES};
use mujun_app::{AppError, FieldError};
use mujun_domain::{Field, Scale};
use mujun_store::enterprises::{ListFilter, SortBy};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::common::{
    ApiJson, ApiQuery, AuthErrors, NotFoundError, QueryError, QueryParser, WriteErrors, YearQuery,
    class_label, industry_name, label_of, parse_year, path_id, region_name, scale_label, text, time,
};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::state::AppState;

/// 排序列
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    /// 统一社会信用代码 (default)
    CreditCode,
    /// 名称
    Name,
    /// 县区
    Region,
    /// 集聚区
    Cluster,
    /// 行业
    Industry,
    /// 档次
    Class,
}

impl std::str::FromStr for SortKey {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        Ok(match s {
            "credit_code" => SortKey::CreditCode,
            "name" => SortKey::Name,
            "region" => SortKey::Region,
            "cluster" => SortKey::Cluster,
            "industry" => SortKey::Industry,
            "class" => SortKey::Class,
            _ => return Err(()),
        })
    }
}

impl From<SortKey> for SortBy {
    fn from(k: SortKey) -> SortBy {
        match k {
            SortKey::CreditCode => SortBy::CreditCode,
            SortKey::Name => SortBy::Name,
            SortKey::Region => SortBy::Region,
            SortKey::Cluster => SortBy::Cluster,
            SortKey::Industry => SortBy::Industry,
            SortKey::Class => SortBy::Class,
        }
    }
}

/// 企业名录的查询参数（均可不填；空值视为未填）
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// 名称关键字，或统一社会信用代码前缀
    #[param(example = "驻马店")]
    pub q: Option<String>,
    /// 县区代码（6 位）
    #[param(pattern = "^[0-9]{6}$", example = "411702")]
    pub region: Option<String>,
    /// 集聚区 id
    #[param(value_type = Option<i64>, minimum = 1)]
    pub cluster: Option<String>,
    /// 行业：2 位大类（如 35）或 4 位行业代码（如 3511，可带门类字母 C）
    #[param(example = "35")]
    pub industry: Option<String>,
    /// 规模：`above`（规上）或 `below`（规下），也可写“规上”“规下”
    #[param(value_type = Option<String>, example = "above")]
    pub scale: Option<String>,
    /// 档次（A、B、C、D；X 为不参评），指该年度的档次
    #[param(example = "A")]
    pub class: Option<String>,
    /// 规模与档次的年度；不填为有数据的最近年度
    #[param(value_type = Option<i64>, minimum = 2000, maximum = 2100)]
    pub year: Option<String>,
    /// 排序列，默认 `credit_code`
    #[param(value_type = Option<SortKey>, inline)]
    pub sort: Option<String>,
    /// 降序（`true`/`false`，默认 `false`）
    #[param(value_type = Option<bool>)]
    pub desc: Option<String>,
    /// 页码，从 1 起（默认 1）
    #[param(value_type = Option<i64>, minimum = 1)]
    pub page: Option<String>,
    /// 每页条数，10–200（默认 20，超出范围按边界处理）
    #[param(value_type = Option<i64>, minimum = 10, maximum = 200)]
    pub per_page: Option<String>,
}

impl ListQuery {
    /// The use case's query, or every parameter that does not parse.
    pub fn to_query(&self) -> Result<EnterpriseQuery, ApiError> {
        let mut p = QueryParser::default();
        let region = text(self.region.as_deref());
        if let Some(r) = &region
            && mujun_domain::RegionCode::parse(r).is_err()
        {
            p.fail("region", format!("县区代码应为 6 位数字（收到“{r}”）"));
        }
        let industry = text(self.industry.as_deref()).map(|i| {
            let digits = i.strip_prefix(['C', 'c']).unwrap_or(&i).to_owned();
            if !matches!(digits.len(), 2 | 4) || !digits.bytes().all(|b| b.is_ascii_digit()) {
                p.fail(
                    "industry",
                    format!("行业应为 2 位大类或 4 位行业代码（收到“{i}”）"),
                );
            }
            digits
        });
        let scale = text(self.scale.as_deref()).and_then(|s| match Scale::parse(&s) {
            Ok(s) => Some(s.id().to_owned()),
            Err(_) => {
                p.fail("scale", format!("规模应为 above 或 below（收到“{s}”）"));
                None
            }
        });
        let class = text(self.class.as_deref()).map(|c| c.to_uppercase());
        let cluster = p.parse::<i64>("cluster", self.cluster.as_deref(), "集聚区应为 id（整数）");
        let year = parse_year(&mut p, self.year.as_deref());
        let sort: Option<SortKey> = p.parse(
            "sort",
            self.sort.as_deref(),
            "排序列应为 credit_code、name、region、cluster、industry 或 class",
        );
        let desc: Option<bool> = p.parse("desc", self.desc.as_deref(), "desc 应为 true 或 false");
        let page = p.parse::<i64>("page", self.page.as_deref(), "页码应为正整数");
        if page.is_some_and(|n| !(1..=1_000_000).contains(&n)) {
            p.fail("page", "页码应为 1–1000000 的整数");
        }
        let per_page = p.parse::<i64>("per_page", self.per_page.as_deref(), "每页条数应为整数");
        p.finish(EnterpriseQuery {
            filter: ListFilter {
                search: text(self.q.as_deref()),
                region_code: region,
                cluster_id: cluster,
                industry,
                scale,
                class,
                year,
            },
            sort: sort.map_or(SortBy::CreditCode, SortBy::from),
            descending: desc.unwrap_or(false),
            page: page.unwrap_or(1),
            per_page: per_page.unwrap_or(20),
        })
    }
}

/// 一页企业
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct EnterpriseList {
    /// 本页企业
    pub items: Vec<EnterpriseRow>,
    /// 符合条件的企业总数
    pub total: i64,
    /// 页码（从 1 起）
    pub page: i64,
    /// 每页条数（已限定在 10–200）
    pub per_page: i64,
    /// 规模与档次所属年度
    pub year: i64,
}

/// 企业名录中的一行
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct EnterpriseRow {
    /// 企业 id
    pub id: i64,
    /// 统一社会信用代码
    pub credit_code: String,
    /// 企业名称
    pub name: String,
    /// 县区代码
    pub region_code: String,
    /// 县区名称
    pub region_name: Option<String>,
    /// 集聚区名称
    pub cluster_name: Option<String>,
    /// 行业代码（4 位）
    pub industry_code: String,
    /// 行业大类名称
    pub industry_name: Option<String>,
    /// 该年度规模：`above` 规上、`below` 规下
    pub scale: Option<String>,
    /// 规上 / 规下
    pub scale_label: Option<String>,
    /// 该年度档次（A、B、C、D；X 为不参评）
    pub class: Option<String>,
    /// 档次名称, e.g. `A 类 优先发展`
    pub class_label: Option<String>,
    /// 经营状态代码：`operating`、`stopped`、`closed`
    pub status: String,
    /// 经营状态
    pub status_label: String,
}

impl From<mujun_store::enterprises::ListRow> for EnterpriseRow {
    fn from(r: mujun_store::enterprises::ListRow) -> Self {
        EnterpriseRow {
            region_name: region_name(&r.region_code),
            industry_name: industry_name(&r.industry_code),
            scale_label: r.scale.as_deref().map(scale_label),
            class_label: r.class.as_deref().map(class_label),
            status_label: label_of(&STATUSES, &r.status),
            id: r.id,
            credit_code: r.credit_code,
            name: r.name,
            region_code: r.region_code,
            cluster_name: r.cluster_name,
            industry_code: r.industry_code,
            scale: r.scale,
            class: r.class,
            status: r.status,
        }
    }
}

/// 企业名录
///
/// 本账号数据范围内的企业，可筛选、排序、分页：县区人员只见本县区，集聚区人员只见本集聚区，
/// 企业用户只见本企业；系统管理员和审计员无权查看（403）。
#[utoipa::path(
    get,
    path = "/enterprises",
    tag = "企业",
    operation_id = "list_enterprises",
    params(ListQuery),
    responses(
        (status = 200, description = "一页企业", body = EnterpriseList),
        AuthErrors,
        QueryError,
    )
)]
pub async fn list_enterprises(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<EnterpriseList>, ApiError> {
    let page = state.app.list_enterprises(&actor, &query.to_query()?).await?;
    Ok(Json(EnterpriseList {
        items: page.rows.into_iter().map(EnterpriseRow::from).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
        year: page.year,
    }))
}

/// 企业登记信息
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Enterprise {
    /// 企业 id
    pub id: i64,
    /// 统一社会信用代码
    pub credit_code: String,
    /// 企业名称
    pub name: String,
    /// 县区代码
    pub region_code: String,
    /// 县区名称
    pub region_name: Option<String>,
    /// 集聚区 id
    pub cluster_id: Option<i64>,
    /// 集聚区名称
    pub cluster_name: Option<String>,
    /// 行业代码
    pub industry_code: String,
    /// 行业大类名称
    pub industry_name: Option<String>,
    /// 投产日期 `YYYY-MM-DD`
    pub production_start: Option<String>,
    /// 经营状态代码：`operating`、`stopped`、`closed`
    pub status: String,
    /// 经营状态
    pub status_label: String,
    /// 联系人
    pub contact_name: String,
    /// 联系电话
    pub contact_phone: String,
    /// 地址
    pub address: String,
    /// 统一社会信用代码校验位不符，经确认仍予登记
    pub checksum_override: bool,
    /// 版本号（乐观锁）：修改时原样提交
    pub version: i64,
    /// 登记时间（北京时间，RFC 3339）
    pub created_at: String,
    /// 最后修改时间（北京时间，RFC 3339）
    pub updated_at: String,
}

/// 某年度的规模
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct YearScale {
    /// 年度
    pub year: i64,
    /// `above` 或 `below`
    pub scale: String,
    /// 规上 / 规下
    pub label: String,
}

/// 某年度的档次
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct YearClass {
    /// 年度
    pub year: i64,
    /// 档次：A … D，X 为不参评
    pub class: String,
    /// 档次名称
    pub label: String,
    /// 档次来源（评价批次，或演示数据 `demo:…`）
    pub source: String,
}

/// 所选年度的一项指标
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct FigureValue {
    /// 指标 id，如 `tax_paid`
    pub field: String,
    /// 指标名称, e.g. 实缴税收
    pub label: String,
    /// 单位, e.g. 万元
    pub unit: String,
    /// 报送部门
    pub department: String,
    /// 当前值（按单位）；未报送或报送为缺失时为 `null`
    pub value: Option<f64>,
    /// 是否已报送（含报送为缺失）
    pub recorded: bool,
    /// 当前值来源：`seed`、`import`、`manual`、`api`、`objection`
    pub source: Option<String>,
    /// 来源名称
    pub source_label: Option<String>,
    /// 报送时间（北京时间，RFC 3339）
    pub recorded_at: Option<String>,
}

/// 所选年度的加分项或否决项
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct EnterpriseItem {
    /// `bonus` 加分项或 `veto` 否决项
    pub kind: String,
    /// 加分项 / 否决项
    pub kind_label: String,
    /// 事项代码
    pub item: String,
}

/// 一企一档：调用者可见的企业信息
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct EnterpriseDetail {
    /// 登记信息
    pub enterprise: Enterprise,
    /// 所选年度
    pub year: i64,
    /// 有数据的年度（新的在前）
    pub years: Vec<i64>,
    /// 各年度规模（新的在前）
    pub scales: Vec<YearScale>,
    /// 各年度档次（新的在前）
    pub classes: Vec<YearClass>,
    /// 所选年度调用者可见的指标（部门数据员只见本部门报送的指标）
    pub figures: Vec<FigureValue>,
    /// 所选年度的加分项和否决项
    pub items: Vec<EnterpriseItem>,
}

fn item_kind_label(kind: &str) -> String {
    match kind {
        "bonus" => "加分项".to_owned(),
        "veto" => "否决项".to_owned(),
        other => other.to_owned(),
    }
}

impl From<uc::EnterpriseDetail> for EnterpriseDetail {
    fn from(d: uc::EnterpriseDetail) -> Self {
        let e = d.enterprise;
        EnterpriseDetail {
            enterprise: Enterprise {
                status_label: label_of(&STATUSES, &e.status),
                id: e.id,
                credit_code: e.credit_code,
                name: e.name,
                region_code: e.region_code,
                region_name: d.region_name,
                cluster_id: e.cluster_id,
                cluster_name: d.cluster_name,
                industry_code: e.industry_code,
                industry_name: d.industry_name,
                production_start: e.production_start,
                status: e.status,
                contact_name: e.contact_name,
                contact_phone: e.contact_phone,
                address: e.address,
                checksum_override: e.checksum_override != 0,
                version: e.version,
                created_at: time(e.created_at),
                updated_at: time(e.updated_at),
            },
            year: d.year,
            years: d.years,
            scales: d
                .scales
                .into_iter()
                .map(|(year, scale)| YearScale {
                    year,
                    label: scale_label(&scale),
                    scale,
                })
                .collect(),
            classes: d
                .classes
                .into_iter()
                .map(|(year, class, source)| YearClass {
                    year,
                    label: class_label(&class),
                    class,
                    source,
                })
                .collect(),
            figures: d
                .figures
                .into_iter()
                .map(|f| FigureValue {
                    field: f.field.id().to_owned(),
                    label: f.field.label().to_owned(),
                    unit: f.field.unit().to_owned(),
                    department: f.department,
                    value: f.current.as_ref().and_then(|c| c.value),
                    recorded: f.current.is_some(),
                    source_label: f
                        .current
                        .as_ref()
                        .map(|c| mujun_app::collection::figure_source_label(&c.source).to_owned()),
                    source: f.current.as_ref().map(|c| c.source.clone()),
                    recorded_at: f.current.as_ref().map(|c| time(c.recorded_at)),
                })
                .collect(),
            items: d
                .items
                .into_iter()
                .map(|(kind, item)| EnterpriseItem {
                    kind_label: item_kind_label(&kind),
                    kind,
                    item,
                })
                .collect(),
        }
    }
}

/// 一企一档
///
/// 企业的登记信息、各年度规模与档次、所选年度的指标数据（部门数据员只见本部门报送的指标）及加分/否决项。
/// 超出数据范围的访问被拒绝（403）并记入审计日志。
#[utoipa::path(
    get,
    path = "/enterprises/{id}",
    tag = "企业",
    operation_id = "get_enterprise",
    params(("id" = i64, Path, description = "企业 id"), YearQuery),
    responses(
        (status = 200, description = "一企一档", body = EnterpriseDetail),
        AuthErrors,
        NotFoundError,
        QueryError,
    )
)]
pub async fn get_enterprise(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> Result<Json<EnterpriseDetail>, ApiError> {
    let id = path_id(&id, "企业")?;
    let detail = state.app.enterprise_detail(&actor, id, q.year()?).await?;
    Ok(Json(detail.into()))
}

/// 一项指标的报送历史
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct FigureHistory {
    /// 企业 id
    pub enterprise_id: i64,
    /// 指标 id
    pub field: String,
    /// 指标名称
    pub label: String,
    /// 单位
    pub unit: String,
    /// 全部报送记录（新的在前）
    pub values: Vec<FigureRecord>,
}

/// 一条报送记录
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct FigureRecord {
    /// 数据年度
    pub year: i64,
    /// 数值；报送为缺失时为 `null`
    pub value: Option<f64>,
    /// 来源：`seed`、`import`、`manual`、`api`、`objection`
    pub source: String,
    /// 来源名称
    pub source_label: String,
    /// 报送部门 id
    pub department_id: Option<i64>,
    /// 导入批次 id
    pub batch_id: Option<i64>,
    /// 报送时间（北京时间，RFC 3339）
    pub recorded_at: String,
    /// 被新值取代的时间；当前值为 `null`
    pub superseded_at: Option<String>,
    /// 是否为当前值
    pub current: bool,
}

/// 指标历史
///
/// 某企业某年度一项指标的全部报送记录（新的在前），可见范围同一企一档；部门数据员只能查看本部门报送的指标。
#[utoipa::path(
    get,
    path = "/enterprises/{id}/figures/{field}/history",
    tag = "企业",
    operation_id = "get_figure_history",
    params(
        ("id" = i64, Path, description = "企业 id"),
        ("field" = String, Path, description = "指标 id（如 tax_paid）或中文名称（如 实缴税收）", example = "tax_paid"),
        YearQuery,
    ),
    responses(
        (status = 200, description = "指标历史", body = FigureHistory),
        AuthErrors,
        NotFoundError,
        QueryError,
    )
)]
pub async fn figure_history(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path((id, field)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> Result<Json<FigureHistory>, ApiError> {
    let id = path_id(&id, "企业")?;
    let field = Field::parse(&field).map_err(|_| ApiError(AppError::NotFound("指标")))?;
    let values = state.app.figure_history(&actor, id, q.year()?, field).await?;
    Ok(Json(FigureHistory {
        enterprise_id: id,
        field: field.id().to_owned(),
        label: field.label().to_owned(),
        unit: field.unit().to_owned(),
        values: values
            .into_iter()
            .map(|f| FigureRecord {
                year: f.year,
                value: f.value,
                source_label: f.source_label.to_owned(),
                source: f.source,
                department_id: f.department_id,
                batch_id: f.batch_id,
                recorded_at: time(f.recorded_at),
                superseded_at: f.superseded_at.map(time),
                current: f.superseded_at.is_none(),
            })
            .collect(),
    }))
}

/// 新登记的企业（缺少的必填字段按空值校验并逐项报错）
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEnterprise {
    /// 统一社会信用代码（18 位）
    #[schema(required = true, value_type = String, example = "91411702MA47CXLK51")]
    pub credit_code: Option<String>,
    /// 校验位不符仍登记（确属早期代码时；记入审计日志）
    #[serde(default)]
    pub accept_checksum_mismatch: bool,
    /// 企业名称（不超过 100 字）
    #[schema(required = true, value_type = String)]
    pub name: Option<String>,
    /// 县区代码（6 位）
    #[schema(required = true, value_type = String, example = "411702")]
    pub region_code: Option<String>,
    /// 集聚区 id（现行或已降级的集聚区）
    pub cluster_id: Option<i64>,
    /// 行业代码：4 位，可带门类字母（3511 或 C3511）
    #[schema(required = true, value_type = String, example = "3511")]
    pub industry_code: Option<String>,
    /// 投产日期 `YYYY-MM-DD`
    #[schema(example = "2018-06-01")]
    pub production_start: Option<String>,
    /// 经营状态：`operating` 正常生产、`stopped` 停产半停产、`closed` 已关闭
    #[schema(required = true, value_type = String, example = "operating")]
    pub status: Option<String>,
    /// 联系人
    pub contact_name: Option<String>,
    /// 联系电话（数字、空格、+、-）
    pub contact_phone: Option<String>,
    /// 地址
    pub address: Option<String>,
}

impl From<NewEnterprise> for EnterpriseForm {
    fn from(b: NewEnterprise) -> EnterpriseForm {
        EnterpriseForm {
            credit_code: b.credit_code.unwrap_or_default(),
            accept_checksum_mismatch: b.accept_checksum_mismatch,
            name: b.name.unwrap_or_default(),
            region_code: b.region_code.unwrap_or_default(),
            cluster_id: b.cluster_id,
            industry_code: b.industry_code.unwrap_or_default(),
            production_start: b.production_start.unwrap_or_default(),
            status: b.status.unwrap_or_default(),
            contact_name: b.contact_name.unwrap_or_default(),
            contact_phone: b.contact_phone.unwrap_or_default(),
            address: b.address.unwrap_or_default(),
        }
    }
}

/// 修改后的企业：全部字段（整体替换）及读取时的版本号
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseUpdate {
    /// 读取时的版本号（乐观锁；已被他人修改时返回 409）
    #[schema(required = true, value_type = i64, example = 1)]
    pub version: Option<i64>,
    /// 统一社会信用代码（18 位）
    #[schema(required = true, value_type = String, example = "91411702MA47CXLK51")]
    pub credit_code: Option<String>,
    /// 校验位不符仍登记（确属早期代码时；记入审计日志）
    #[serde(default)]
    pub accept_checksum_mismatch: bool,
    /// 企业名称（不超过 100 字）
    #[schema(required = true, value_type = String)]
    pub name: Option<String>,
    /// 县区代码（6 位）
    #[schema(required = true, value_type = String, example = "411702")]
    pub region_code: Option<String>,
    /// 集聚区 id（现行或已降级的集聚区）
    pub cluster_id: Option<i64>,
    /// 行业代码：4 位，可带门类字母（3511 或 C3511）
    #[schema(required = true, value_type = String, example = "3511")]
    pub industry_code: Option<String>,
    /// 投产日期 `YYYY-MM-DD`
    #[schema(example = "2018-06-01")]
    pub production_start: Option<String>,
    /// 经营状态：`operating` 正常生产、`stopped` 停产半停产、`closed` 已关闭
    #[schema(required = true, value_type = String, example = "operating")]
    pub status: Option<String>,
    /// 联系人
    pub contact_name: Option<String>,
    /// 联系电话（数字、空格、+、-）
    pub contact_phone: Option<String>,
    /// 地址
    pub address: Option<String>,
}

impl EnterpriseUpdate {
    fn into_parts(self) -> Result<(i64, EnterpriseForm), ApiError> {
        let version = self.version.ok_or_else(|| {
            ApiError(AppError::Invalid(vec![FieldError {
                field: "version",
                message: "请提供读取时的版本号 version".into(),
            }]))
        })?;
        let new = NewEnterprise {
            credit_code: self.credit_code,
            accept_checksum_mismatch: self.accept_checksum_mismatch,
            name: self.name,
            region_code: self.region_code,
            cluster_id: self.cluster_id,
            industry_code: self.industry_code,
            production_start: self.production_start,
            status: self.status,
            contact_name: self.contact_name,
            contact_phone: self.contact_phone,
            address: self.address,
        };
        Ok((version, new.into()))
    }
}

/// 保存结果
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Saved {
    /// 企业 id
    pub id: i64,
    /// 当前版本号（下次修改时提交）
    pub version: i64,
}

/// 登记企业
///
/// 仅市级评价管理员。成功时返回 201，`Location` 指向新企业。浏览器会话须带 `X-CSRF-Token`。
#[utoipa::path(
    post,
    path = "/enterprises",
    tag = "企业",
    operation_id = "create_enterprise",
    request_body = NewEnterprise,
    responses(
        (
            status = 201,
            description = "已登记",
            body = Saved,
            headers(("Location" = String, description = "新企业的地址"))
        ),
        AuthErrors,
        WriteErrors,
    )
)]
pub async fn create_enterprise(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    ApiJson(body): ApiJson<NewEnterprise>,
) -> Result<(StatusCode, [(header::HeaderName, String); 1], Json<Saved>), ApiError> {
    let id = state.app.create_enterprise(&actor, &body.into()).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("{}/enterprises/{id}", super::PREFIX))],
        Json(Saved { id, version: 1 }),
    ))
}

/// 修改企业
///
/// 仅市级评价管理员。整体替换登记信息；`version` 须为读取时的版本号，已被他人修改时返回 409。
/// 修改前后的值记入审计日志。浏览器会话须带 `X-CSRF-Token`。
#[utoipa::path(
    put,
    path = "/enterprises/{id}",
    tag = "企业",
    operation_id = "update_enterprise",
    params(("id" = i64, Path, description = "企业 id")),
    request_body = EnterpriseUpdate,
    responses(
        (status = 200, description = "已保存", body = Saved),
        AuthErrors,
        NotFoundError,
        WriteErrors,
    )
)]
pub async fn update_enterprise(
    State(state): State<AppState>,
    ApiUser { actor }: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<EnterpriseUpdate>,
) -> Result<Json<Saved>, ApiError> {
    let id = path_id(&id, "企业")?;
    let (version, form) = body.into_parts()?;
    state.app.update_enterprise(&actor, id, version, &form).await?;
    Ok(Json(Saved {
        id,
        version: version + 1,
    }))
}
