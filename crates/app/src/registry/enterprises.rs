//! 企业名录 use cases: list within scope, 一企一档 detail, create and edit.

use mujun_domain::{CreditCode, Date, DomainError, Field, IndustryCode, RegionCode};
use mujun_store::enterprises::{Enterprise, EnterpriseFields, ListFilter, ListRow, SortBy};
use mujun_store::figures::Figure;
use mujun_store::{StoreError, clusters, departments, enterprises, figures};
use serde_json::json;

use crate::audit::{Who, write};
use crate::{Actor, App, AppError, FieldError, Role};

/// A page of the enterprise list.
#[derive(Clone, Debug)]
pub struct EnterprisePage {
    /// Rows of this page.
    pub rows: Vec<ListRow>,
    /// Matches in all pages.
    pub total: i64,
    /// 1-based page number.
    pub page: i64,
    /// Rows per page.
    pub per_page: i64,
    /// The year of scale and class.
    pub year: i64,
    /// Years with data, newest first.
    pub years: Vec<i64>,
}

/// The query of the enterprise list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EnterpriseQuery {
    /// Filters (the year 0 means the latest year with data).
    pub filter: ListFilter,
    /// Sort column.
    pub sort: SortBy,
    /// Descending.
    pub descending: bool,
    /// 1-based page.
    pub page: i64,
    /// Rows per page (clamped to 10–200).
    pub per_page: i64,
}

/// One figure as shown in the enterprise detail.
#[derive(Clone, Debug)]
pub struct FigureView {
    /// The field.
    pub field: Field,
    /// The current stored value (absent when nothing was recorded).
    pub current: Option<Figure>,
    /// Name of the supplying department.
    pub department: String,
}

/// 一企一档: everything the caller may see about one enterprise.
#[derive(Clone, Debug)]
pub struct EnterpriseDetail {
    /// The registry record.
    pub enterprise: Enterprise,
    /// Cluster name.
    pub cluster_name: Option<String>,
    /// County name.
    pub region_name: Option<String>,
    /// Industry 大类 name.
    pub industry_name: Option<String>,
    /// (year, 规上/规下), newest first.
    pub scales: Vec<(i64, String)>,
    /// (year, class, source), newest first.
    pub classes: Vec<(i64, String, String)>,
    /// The year shown.
    pub year: i64,
    /// Years with data.
    pub years: Vec<i64>,
    /// Figures of the year the caller may see.
    pub figures: Vec<FigureView>,
    /// Bonus and veto items of the year.
    pub items: Vec<(String, String)>,
}

/// The form of a new or edited enterprise.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EnterpriseForm {
    /// 统一社会信用代码.
    pub credit_code: String,
    /// Accept a wrong check character (early codes), explicitly and audited.
    pub accept_checksum_mismatch: bool,
    /// 企业名称.
    pub name: String,
    /// County code.
    pub region_code: String,
    /// Cluster id.
    pub cluster_id: Option<i64>,
    /// Industry code (`3511` or `C3511`).
    pub industry_code: String,
    /// 投产日期 (may be empty).
    pub production_start: String,
    /// Status id.
    pub status: String,
    /// 联系人.
    pub contact_name: String,
    /// 联系电话.
    pub contact_phone: String,
    /// 地址.
    pub address: String,
}

/// Enterprise statuses with Chinese labels.
pub const STATUSES: [(&str, &str); 3] = [
    ("operating", "正常生产"),
    ("stopped", "停产半停产"),
    ("closed", "已关闭"),
];

async fn validate(app: &App, f: &EnterpriseForm) -> Result<EnterpriseFields, AppError> {
    let mut errors = Vec::new();
    let mut checksum_override = false;
    let credit_code = match CreditCode::parse(&f.credit_code) {
        Ok(c) => Some(c),
        Err(DomainError::CreditCodeChecksum { code, .. }) if f.accept_checksum_mismatch => {
            checksum_override = true;
            Some(code)
        }
        Err(e @ DomainError::CreditCodeChecksum { .. }) => {
            errors.push(FieldError {
                field: "credit_code",
                message: format!("{e}（如确属早期代码，可勾选“校验位不符仍登记”）"),
            });
            None
        }
        Err(e) => {
            errors.push(FieldError {
                field: "credit_code",
                message: e.to_string(),
            });
            None
        }
    };
    let name = f.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 {
        errors.push(FieldError {
            field: "name",
            message: "企业名称不能为空，且不超过 100 字".into(),
        });
    }
    let region = RegionCode::parse(&f.region_code)
        .map_err(|e| {
            errors.push(FieldError {
                field: "region_code",
                message: e.to_string(),
            })
        })
        .ok();
    let industry = IndustryCode::parse(&f.industry_code)
        .map_err(|e| {
            errors.push(FieldError {
                field: "industry_code",
                message: e.to_string(),
            })
        })
        .ok();
    let production_start = match f.production_start.trim() {
        "" => None,
        s => match Date::parse(s) {
            Ok(d) => Some(d.to_string()),
            Err(e) => {
                errors.push(FieldError {
                    field: "production_start",
                    message: e.to_string(),
                });
                None
            }
        },
    };
    if !STATUSES.iter().any(|(s, _)| *s == f.status) {
        errors.push(FieldError {
            field: "status",
            message: "请选择经营状态".into(),
        });
    }
    let phone = f.contact_phone.trim();
    if !phone.is_empty()
        && (phone.len() > 20
            || !phone
                .chars()
                .all(|c| c.is_ascii_digit() || c == '-' || c == ' ' || c == '+'))
    {
        errors.push(FieldError {
            field: "contact_phone",
            message: "联系电话只能包含数字、空格、+ 和 -".into(),
        });
    }
    if let Some(cid) = f.cluster_id {
        let mut c = app.store.read().await?;
        match clusters::get(&mut c, cid).await? {
            Some(cl) if cl.status == "active" || cl.status == "demoted" => {}
            Some(_) => errors.push(FieldError {
                field: "cluster_id",
                message: "该集聚区已合并或撤销，请选择现行集聚区".into(),
            }),
            None => errors.push(FieldError {
                field: "cluster_id",
                message: "集聚区不存在".into(),
            }),
        }
    }
    match (errors.is_empty(), credit_code, region, industry) {
        (true, Some(code), Some(region), Some(industry)) => Ok(EnterpriseFields {
            credit_code: code.to_string(),
            name,
            region_code: region.to_string(),
            cluster_id: f.cluster_id,
            industry_code: industry.to_string(),
            production_start,
            status: f.status.clone(),
            contact_name: f.contact_name.trim().to_owned(),
            contact_phone: phone.to_owned(),
            address: f.address.trim().to_owned(),
            checksum_override,
        }),
        _ => Err(AppError::Invalid(errors)),
    }
}

/// One recorded value of a figure, with where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct FigureRecord {
    /// Data year.
    pub year: i64,
    /// The value (engine unit); `None` when recorded as missing.
    pub value: Option<f64>,
    /// Supplying department.
    pub department_id: Option<i64>,
    /// Source kind (`import`, `history` …).
    pub source: String,
    /// Its Chinese name.
    pub source_label: &'static str,
    /// Import batch.
    pub batch_id: Option<i64>,
    /// When (ms).
    pub recorded_at: i64,
    /// When a newer value replaced it (ms).
    pub superseded_at: Option<i64>,
    /// The file it came from (empty when typed in or pushed).
    pub file_name: String,
    /// SHA-256 of that file.
    pub file_hash: String,
    /// Who recorded it (display name; empty for the system).
    pub user_name: String,
}

impl App {
    /// A page of enterprises within the caller's scope.
    pub async fn list_enterprises(
        &self,
        actor: &Actor,
        q: &EnterpriseQuery,
    ) -> Result<EnterprisePage, AppError> {
        if !actor.reads_business_data() {
            return Err(self
                .deny(
                    actor,
                    "enterprise.list",
                    ("enterprise", ""),
                    "该角色不能查看业务数据",
                )
                .await);
        }
        let mut c = self.store.read().await?;
        let mut filter = q.filter.clone();
        let years = enterprises::years(&mut c).await?;
        if filter.year == 0 {
            filter.year = years.first().copied().unwrap_or(0);
        }
        let per_page = q.per_page.clamp(10, 200);
        // Past a million pages nothing is left to show; the bound keeps the offset finite.
        let page = q.page.clamp(1, 1_000_000);
        let scope = actor.enterprise_scope();
        let offset = (page - 1) * per_page;
        // The number of matches is kept 30 s per scope and filter (see `cache.rs`).
        filter.search = filter
            .search
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty());
        let known = self.cache.list_total(&scope, &filter);
        let (rows, total) = match known {
            Some(total) => (
                enterprises::list_page(&mut c, &scope, &filter, q.sort, q.descending, per_page, offset)
                    .await?,
                total,
            ),
            None => {
                let (rows, total) =
                    enterprises::list(&mut c, &scope, &filter, q.sort, q.descending, per_page, offset)
                        .await?;
                self.cache.put_list_total(scope, filter.clone(), total);
                (rows, total)
            }
        };
        Ok(EnterprisePage {
            rows,
            total,
            page,
            per_page,
            year: filter.year,
            years,
        })
    }

    /// Loads an enterprise within scope; out of scope is refused and audited, never shown.
    async fn scoped_enterprise(&self, actor: &Actor, id: i64, action: &str) -> Result<Enterprise, AppError> {
        let object_id = id.to_string();
        if !actor.reads_business_data() {
            return Err(self
                .deny(
                    actor,
                    action,
                    ("enterprise", &object_id),
                    "该角色不能查看业务数据",
                )
                .await);
        }
        let mut c = self.store.read().await?;
        if let Some(e) = enterprises::get(&mut c, id, &actor.enterprise_scope()).await? {
            return Ok(e);
        }
        let exists = enterprises::get(&mut c, id, &mujun_store::Scope::All)
            .await?
            .is_some();
        drop(c);
        if exists {
            Err(self
                .deny(actor, action, ("enterprise", &object_id), "超出本账号的查看范围")
                .await)
        } else {
            Err(AppError::NotFound("企业"))
        }
    }

    /// 一企一档 of one enterprise for a year (0 = latest). A department officer sees only the
    /// figures its department supplies.
    pub async fn enterprise_detail(
        &self,
        actor: &Actor,
        id: i64,
        year: i64,
    ) -> Result<EnterpriseDetail, AppError> {
        let enterprise = self.scoped_enterprise(actor, id, "enterprise.view").await?;
        let mut c = self.store.read().await?;
        let years = {
            let mut y: Vec<i64> = enterprises::scales(&mut c, id)
                .await?
                .into_iter()
                .map(|(y, _)| y)
                .collect();
            y.dedup();
            y
        };
        let year = if year == 0 {
            years.first().copied().unwrap_or(0)
        } else {
            year
        };
        let cluster_name = match enterprise.cluster_id {
            Some(cid) => clusters::get(&mut c, cid).await?.map(|cl| cl.name),
            None => None,
        };
        let deps = departments::list(&mut c).await?;
        let own_department = match (actor.role, actor.department_id) {
            (Role::Department, Some(d)) => deps.iter().find(|x| x.id == d).map(|x| x.code.clone()),
            _ => None,
        };
        let current = figures::current(&mut c, id, year).await?;
        // A department sees the items it supplies and those the catalogue shares with it.
        let catalogue = self.catalogue().await?;
        let visible = |f: Field| -> bool {
            if actor.role != Role::Department {
                return true;
            }
            let Some(own) = own_department.as_deref() else {
                return false;
            };
            match catalogue.iter().find(|i| i.id == f.id()) {
                Some(item) => item.department_code == own || item.shared_with.iter().any(|d| d == own),
                None => f.owner_department() == own,
            }
        };
        let figures = Field::ALL
            .into_iter()
            .filter(|f| visible(*f))
            .map(|field| FigureView {
                field,
                current: current.iter().find(|x| x.field == field.id()).cloned(),
                department: deps
                    .iter()
                    .find(|d| d.code == field.owner_department())
                    .map_or_else(|| field.owner_department().to_owned(), |d| d.name.clone()),
            })
            .collect();
        let region_name = RegionCode::parse(&enterprise.region_code)
            .ok()
            .and_then(|r| r.name())
            .map(str::to_owned);
        let industry_name = IndustryCode::parse(&enterprise.industry_code)
            .ok()
            .and_then(|i| mujun_domain::manufacturing_division_name(i.division()))
            .map(str::to_owned);
        Ok(EnterpriseDetail {
            scales: enterprises::scales(&mut c, id).await?,
            classes: enterprises::classes(&mut c, id).await?,
            items: enterprises::items(&mut c, id, year).await?,
            enterprise,
            cluster_name,
            region_name,
            industry_name,
            year,
            years,
            figures,
        })
    }

    /// The history of one figure of an enterprise, newest first (same visibility as the detail).
    pub async fn figure_history(
        &self,
        actor: &Actor,
        id: i64,
        year: i64,
        field: Field,
    ) -> Result<Vec<FigureRecord>, AppError> {
        let detail = self.enterprise_detail(actor, id, year).await?;
        if !detail.figures.iter().any(|f| f.field == field) {
            return Err(self
                .deny(
                    actor,
                    "figure.history",
                    ("enterprise", &id.to_string()),
                    "该指标不由本部门报送",
                )
                .await);
        }
        let mut c = self.store.read().await?;
        Ok(figures::history_recorded(&mut c, id, detail.year, field.id())
            .await?
            .into_iter()
            .map(|r| FigureRecord {
                source_label: crate::collection::figure_source_label(&r.figure.source),
                year: r.figure.year,
                value: r.figure.value,
                department_id: r.figure.department_id,
                source: r.figure.source,
                batch_id: r.figure.batch_id,
                recorded_at: r.figure.recorded_at,
                superseded_at: r.figure.superseded_at,
                file_name: r.file_name.unwrap_or_default(),
                file_hash: r.file_hash.unwrap_or_default(),
                user_name: r.user_name.unwrap_or_default(),
            })
            .collect())
    }

    /// Registers an enterprise (city administrator).
    pub async fn create_enterprise(&self, actor: &Actor, form: &EnterpriseForm) -> Result<i64, AppError> {
        self.require_registry_editor(actor, "enterprise.create", ("enterprise", ""))
            .await?;
        let fields = validate(self, form).await?;
        let mut tx = self.store.begin().await?;
        let id = enterprises::insert(&mut tx, &fields).await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "enterprise.create",
            ("enterprise", &id.to_string()),
            json!({"credit_code": fields.credit_code, "name": fields.name, "checksum_override": fields.checksum_override}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.cache.clear_totals();
        Ok(id)
    }

    /// Edits an enterprise at a known version (city administrator); the audit entry lists the
    /// changed fields with old and new values.
    pub async fn update_enterprise(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        form: &EnterpriseForm,
    ) -> Result<(), AppError> {
        self.require_registry_editor(actor, "enterprise.update", ("enterprise", &id.to_string()))
            .await?;
        let fields = validate(self, form).await?;
        let mut tx = self.store.begin().await?;
        let before = enterprises::get(&mut tx, id, &mujun_store::Scope::All)
            .await?
            .ok_or(AppError::NotFound("企业"))?;
        enterprises::update(&mut tx, id, version, &fields).await?;
        let mut changes = serde_json::Map::new();
        let mut diff = |k: &str, a: String, b: String| {
            if a != b {
                changes.insert(k.to_owned(), json!([a, b]));
            }
        };
        diff("credit_code", before.credit_code, fields.credit_code.clone());
        diff("name", before.name, fields.name.clone());
        diff("region_code", before.region_code, fields.region_code.clone());
        diff(
            "cluster_id",
            format!("{:?}", before.cluster_id),
            format!("{:?}", fields.cluster_id),
        );
        diff(
            "industry_code",
            before.industry_code,
            fields.industry_code.clone(),
        );
        diff(
            "production_start",
            format!("{:?}", before.production_start),
            format!("{:?}", fields.production_start),
        );
        diff("status", before.status, fields.status.clone());
        diff("contact_name", before.contact_name, fields.contact_name.clone());
        diff(
            "contact_phone",
            before.contact_phone,
            fields.contact_phone.clone(),
        );
        diff("address", before.address, fields.address.clone());
        write(
            &mut tx,
            Who::Actor(actor),
            "enterprise.update",
            ("enterprise", &id.to_string()),
            serde_json::Value::Object(changes),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.cache.clear_totals();
        Ok(())
    }

    /// An enterprise for its edit form (city administrator).
    pub async fn enterprise_for_edit(&self, actor: &Actor, id: i64) -> Result<Enterprise, AppError> {
        self.require_registry_editor(actor, "enterprise.edit", ("enterprise", &id.to_string()))
            .await?;
        self.scoped_enterprise(actor, id, "enterprise.edit").await
    }
}

/// The dashboard's figures for a caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dashboard {
    /// The year the classes are of (the latest with data).
    pub year: i64,
    /// Enterprises within the caller's scope.
    pub enterprises: i64,
    /// (class, enterprises) in that year.
    pub classes: Vec<(String, i64)>,
}

impl App {
    /// Counts for the caller's dashboard, within its scope.
    pub async fn dashboard(&self, actor: &Actor) -> Result<Dashboard, AppError> {
        let page = self
            .list_enterprises(
                actor,
                &EnterpriseQuery {
                    page: 1,
                    per_page: 10,
                    ..Default::default()
                },
            )
            .await?;
        let mut c = self.store.read().await?;
        let classes = enterprises::class_counts(&mut c, &actor.enterprise_scope(), page.year).await?;
        Ok(Dashboard {
            year: page.year,
            enterprises: page.total,
            classes,
        })
    }
}

impl App {
    /// Every enterprise of the caller's scope that passes the list's filters, in the list's
    /// order, as xlsx — read in chunks inside one read transaction (a consistent state, however
    /// long the export takes) and written row by row. Audited.
    pub async fn export_enterprises(
        &self,
        actor: &Actor,
        q: &EnterpriseQuery,
    ) -> Result<crate::download::Download, AppError> {
        if !actor.reads_business_data() {
            return Err(self
                .deny(
                    actor,
                    "enterprise.export",
                    ("enterprise", ""),
                    "该角色不能查看业务数据",
                )
                .await);
        }
        use mujun_batch::TableCell::Text;
        let regions = self.region_names().await?;
        let scope = actor.enterprise_scope();
        let mut filter = q.filter.clone();
        let mut tx = self.store.snapshot().await?;
        if filter.year == 0 {
            filter.year = enterprises::years(&mut tx).await?.first().copied().unwrap_or(0);
        }
        let sink = crate::download::TableSink::start(
            mujun_batch::TableFormat::Xlsx,
            "企业名录",
            &[
                "统一社会信用代码",
                "企业名称",
                "县区",
                "产业集聚区",
                "行业代码",
                &format!("{} 年度规模", filter.year),
                &format!("{} 年度类别", filter.year),
                "状态",
            ],
        );
        let chunk = crate::download::CHUNK;
        let mut offset = 0;
        loop {
            let rows =
                enterprises::list_page(&mut tx, &scope, &filter, q.sort, q.descending, chunk, offset).await?;
            sink.send(
                rows.iter()
                    .map(|r| {
                        vec![
                            Text(r.credit_code.clone()),
                            Text(r.name.clone()),
                            Text(crate::evaluation::exports::region_name(&regions, &r.region_code)),
                            Text(r.cluster_name.clone().unwrap_or_default()),
                            Text(r.industry_code.clone()),
                            Text(r.scale.as_deref().map_or_else(String::new, |s| {
                                mujun_domain::Scale::parse(s)
                                    .map_or_else(|_| s.to_owned(), |s| s.label().to_owned())
                            })),
                            Text(
                                r.class
                                    .as_deref()
                                    .map_or_else(String::new, crate::evaluation::format::class_label),
                            ),
                            Text(
                                STATUSES
                                    .iter()
                                    .find(|(s, _)| *s == r.status)
                                    .map_or(r.status.as_str(), |(_, l)| l)
                                    .to_owned(),
                            ),
                        ]
                    })
                    .collect(),
            )
            .await?;
            if (rows.len() as i64) < chunk {
                break;
            }
            offset += chunk;
        }
        tx.commit().await.map_err(StoreError::from)?;
        let file = sink.finish().await?;
        let mut tx = self.store.begin().await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "enterprise.export",
            ("enterprise", ""),
            json!({"rows": file.rows, "year": filter.year, "search": filter.search, "region": filter.region_code,
                   "cluster": filter.cluster_id, "class": filter.class, "scale": filter.scale}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(crate::download::Download {
            file_name: format!("企业名录-{}年度.xlsx", filter.year),
            content_type: crate::download::XLSX,
            content: crate::download::Content::File(file),
        })
    }
}
