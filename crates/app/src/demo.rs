//! Demo installation (`mujun serve --demo`): Zhumadian's counties and 11 clusters, about 1,500
//! synthetic enterprises with three years of figures, their classes under henan-2019, and one
//! account per role. Only into an empty database.

use mujun_domain::{CreditCode, Field, Year, ZHUMADIAN_CLUSTERS};
use mujun_engine::{EnterpriseInput, EvaluationInput, Figures, ItemSet, Outcome};
use mujun_store::{StoreError, clusters, departments, enterprises, figures, users};
use serde_json::json;

use crate::audit::{Who, write};
use crate::{App, AppError, Role, password};

/// One demo account, printed at start-up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoAccount {
    /// Login name.
    pub username: String,
    /// Role (Chinese).
    pub role: String,
    /// Scope (Chinese).
    pub scope: String,
}

/// The password of every demo account (meets the policy; shown on the login page in demo mode).
pub const DEMO_PASSWORD: &str = "Mujun@2024demo";

/// What the seed did.
#[derive(Clone, Debug)]
pub struct DemoSeed {
    /// The accounts (all with [`DEMO_PASSWORD`]).
    pub accounts: Vec<DemoAccount>,
    /// Enterprises created.
    pub enterprises: usize,
    /// Years of figures.
    pub years: Vec<u16>,
}

/// The demo's department data officers: department code, login name, display name.
const DEMO_DEPARTMENT_ACCOUNTS: [(&str, &str, &str); 10] = [
    ("tax", "tax", "市税务局 数据员"),
    ("statistics", "stats", "市统计局 数据员"),
    ("power", "power", "供电公司 数据员"),
    ("natural_resources", "land", "市自然资源和规划局 数据员"),
    ("ecology", "ecology", "市生态环境局 数据员"),
    ("science", "science", "市科学技术局 数据员"),
    ("market", "market", "市市场监督管理局 数据员"),
    ("industry", "industry", "市工业和信息化局 数据员"),
    ("emergency", "emergency", "市应急管理局 数据员"),
    ("water", "water", "市水利局 数据员"),
];

/// The demo's accounts as the login page of a demo lists them (the seed creates exactly these;
/// a test holds the two together).
pub fn demo_accounts() -> Vec<DemoAccount> {
    let account = |username: &str, role: Role, scope: &str| DemoAccount {
        username: username.to_owned(),
        role: role.label().to_owned(),
        scope: scope.to_owned(),
    };
    let mut out = vec![
        account("admin", Role::SysAdmin, "账号管理"),
        account("city", Role::CityAdmin, "全市"),
        account("city2", Role::CityAdmin, "全市（两人审核的第二人）"),
        account("leader", Role::Leader, "全市（审定）"),
    ];
    for (code, username, _) in DEMO_DEPARTMENT_ACCOUNTS {
        let name = mujun_domain::DEPARTMENTS
            .iter()
            .find(|(c, _)| *c == code)
            .map_or(code, |(_, n)| n);
        out.push(account(username, Role::Department, name));
    }
    out.extend([
        account("yicheng", Role::County, "驿城区 411702"),
        account("suiping", Role::County, "遂平县 411728"),
        account("zhuangbei", Role::Cluster, ZHUMADIAN_CLUSTERS[0].0),
        account("qiye", Role::Enterprise, "本企业"),
        account("auditor", Role::Auditor, "审计日志"),
        account("secadmin", Role::SecurityAdmin, "特权账号审批"),
    ]);
    out
}

/// Star levels and leading industries of the demo clusters (illustrative).
const CLUSTER_FACTS: [(&str, i64, &str, f64); 11] = [
    ("驻马店装备产业集聚区", 3, "专用汽车、装备制造", 22_500.0),
    ("驻马店市产业集聚区", 3, "农产品加工、生物医药", 18_000.0),
    ("遂平县产业集聚区", 3, "食品加工、装备制造", 15_000.0),
    ("泌阳县产业集聚区", 2, "食品加工、化工", 13_500.0),
    ("确山县产业集聚区", 2, "提琴制造、装备制造", 12_000.0),
    ("上蔡县产业集聚区", 2, "纺织服装、电子", 12_000.0),
    ("平舆县产业集聚区", 2, "防水建材、户外休闲用品", 12_000.0),
    ("西平县产业集聚区", 2, "服装、畜牧机械", 12_000.0),
    ("汝南县产业集聚区", 2, "农产品加工、新能源", 10_500.0),
    ("正阳县产业集聚区", 2, "花生加工、机械", 10_500.0),
    ("新蔡县产业集聚区", 1, "纺织服装、食品", 9_000.0),
];

impl App {
    /// True when the database holds no accounts and no enterprises.
    pub async fn is_empty(&self) -> Result<bool, AppError> {
        let mut c = self.store.read().await?;
        Ok(users::count(&mut c).await? == 0 && enterprises::count(&mut c).await? == 0)
    }

    /// Seeds the demo into an empty database; returns `None` when it is not empty.
    pub async fn seed_demo(&self, enterprise_count: usize, seed: u64) -> Result<Option<DemoSeed>, AppError> {
        if !self.is_empty().await? {
            return Ok(None);
        }
        let year_list: Vec<Year> = [2022u16, 2023, 2024]
            .into_iter()
            .map(|y| Year::new(y).expect("valid years"))
            .collect();
        let mut phase = Phases::start();
        let panel = mujun_demo::generate_years(enterprise_count, seed, &year_list);
        phase.mark("generate");
        let method = mujun_engine::presets::load(mujun_engine::presets::DEFAULT_PRESET)?;
        let backend = self.store.backend();

        // Reference data first (a plain `serve` may already have created it), then the demo's
        // facts about the clusters.
        self.ensure_reference_data().await?;
        let mut tx = self.store.begin().await?;
        let dept_ids: Vec<(String, i64)> = departments::list(&mut tx)
            .await?
            .into_iter()
            .map(|d| (d.code, d.id))
            .collect();
        let mut cluster_ids = Vec::new();
        for (name, county) in ZHUMADIAN_CLUSTERS {
            let facts = CLUSTER_FACTS.iter().find(|f| f.0 == name);
            let fields = clusters::ClusterFields {
                name: name.to_owned(),
                region_code: county.to_string(),
                star_level: facts.map(|f| f.1),
                leading_industries: facts.map_or(String::new(), |f| f.2.to_owned()),
                planned_area_mu: facts.map(|f| f.3),
                status: "active".into(),
                merged_into: None,
            };
            let id = match clusters::get_by_name(&mut tx, name).await? {
                Some(existing) => {
                    clusters::update(&mut tx, existing.id, existing.version, &fields, None).await?;
                    existing.id
                }
                None => clusters::insert(&mut tx, &fields, None).await?,
            };
            cluster_ids.push((name, id));
            if mujun_store::negative_lists::versions(&mut tx, id)
                .await?
                .is_empty()
            {
                mujun_store::negative_lists::save(&mut tx, id, &crate::admission::example_list(name), None)
                    .await?;
            }
        }

        // Enterprises: each once, from its first year; then scale, figures and items per year.
        // Everything in bulk (a province-scale demo holds 100,000 enterprises over three years).
        let cluster_id = |name: &Option<String>| {
            name.as_ref()
                .and_then(|c| cluster_ids.iter().find(|(n, _)| n == c))
                .map(|(_, id)| *id)
        };
        let mut fresh: Vec<enterprises::EnterpriseFields> = Vec::new();
        let mut codes: Vec<CreditCode> = Vec::new();
        let mut seen: std::collections::HashSet<CreditCode> = std::collections::HashSet::new();
        for (_, rows) in &panel {
            for r in rows {
                if seen.insert(r.credit_code) {
                    codes.push(r.credit_code);
                    fresh.push(enterprises::EnterpriseFields {
                        credit_code: r.credit_code.to_string(),
                        name: r.name.clone(),
                        region_code: r.region.to_string(),
                        cluster_id: cluster_id(&r.cluster),
                        industry_code: r.industry.to_string(),
                        production_start: r.production_start.map(|d| d.to_string()),
                        status: "operating".into(),
                        contact_name: String::new(),
                        contact_phone: String::new(),
                        address: String::new(),
                        checksum_override: false,
                    });
                }
            }
        }
        let by_code = mujun_store::registry::insert_many(&mut tx, backend, &fresh).await?;
        phase.mark("enterprises");
        let ids: std::collections::HashMap<CreditCode, i64> = codes
            .iter()
            .zip(&fresh)
            .filter_map(|(code, f)| Some((*code, *by_code.get(&f.credit_code)?)))
            .collect();
        let department = |code: &str| dept_ids.iter().find(|(c, _)| c == code).map(|(_, id)| *id);
        let statistics = department("statistics");
        let owners: Vec<Option<i64>> = Field::ALL
            .iter()
            .map(|f| department(f.owner_department()))
            .collect();
        let mut values = Vec::new();
        let mut items: Vec<(i64, i64, &str, &str)> = Vec::new();
        for (year, rows) in &panel {
            let y = i64::from(year.value());
            let mut scales: Vec<(i64, &str)> = Vec::with_capacity(rows.len());
            for r in rows {
                let Some(&id) = ids.get(&r.credit_code) else {
                    continue;
                };
                scales.push((id, r.scale.id()));
                items.extend(r.bonus.iter().map(|i| (id, y, "bonus", *i)));
                items.extend(r.veto.iter().map(|i| (id, y, "veto", *i)));
                // 规模 is a reported item too (统计局), kept with its provenance like the figures.
                values.push(figures::NewFigure {
                    enterprise_id: id,
                    year: y,
                    field: "scale".to_owned(),
                    value: Some(if r.scale == mujun_domain::Scale::Above {
                        1.0
                    } else {
                        0.0
                    }),
                    department_id: statistics,
                    source: "seed".into(),
                    batch_id: None,
                    user_id: None,
                });
                for (f, owner) in Field::ALL.iter().zip(&owners) {
                    if let Some(v) = r.figures[f.index()] {
                        values.push(figures::NewFigure {
                            enterprise_id: id,
                            year: y,
                            field: f.id().to_owned(),
                            value: Some(v),
                            department_id: *owner,
                            source: "seed".into(),
                            batch_id: None,
                            user_id: None,
                        });
                    }
                }
            }
            mujun_store::registry::set_scales(&mut tx, backend, y, &scales).await?;
        }
        enterprises::insert_items(&mut tx, backend, &items).await?;
        phase.mark("scales and items");
        figures::insert_fresh(&mut tx, backend, &values).await?;
        phase.mark("figures");
        // Firms that left before the last year are closed: they are no longer collected or
        // evaluated (their history stays).
        if let Some((_, last)) = panel.last() {
            let present: std::collections::HashSet<CreditCode> = last.iter().map(|r| r.credit_code).collect();
            let mut gone: Vec<i64> = ids
                .iter()
                .filter(|(code, _)| !present.contains(code))
                .map(|(_, id)| *id)
                .collect();
            gone.sort_unstable();
            enterprises::set_status_many(&mut tx, &gone, "closed").await?;
        }

        // Classes per year by the default method, so the list can filter by class.
        let mut classes: Vec<(i64, i64, &str, String)> = Vec::new();
        for (year, rows) in &panel {
            let mut input = EvaluationInput::new(*year);
            for r in rows {
                let cluster = r.cluster.as_ref().map(|c| input.intern_cluster(c));
                let mut figures = Figures::empty();
                for f in Field::ALL {
                    figures.set(f, r.figures[f.index()]);
                }
                let mut items = |list: &[&str]| {
                    let mut set = ItemSet::default();
                    for id in list {
                        if let Some(i) = input.intern_item(id) {
                            set.insert(i);
                        }
                    }
                    set
                };
                let bonus = items(&r.bonus);
                let veto = items(&r.veto);
                input.enterprises.push(EnterpriseInput {
                    credit_code: r.credit_code,
                    region: r.region,
                    cluster,
                    industry: r.industry,
                    scale: r.scale,
                    production_start: r.production_start,
                    figures,
                    bonus,
                    veto,
                });
            }
            let eval = mujun_engine::evaluate(&method, &input, &[])?;
            for (e, outcome) in input.enterprises.iter().zip(&eval.outcomes) {
                let class = match outcome {
                    Outcome::Scored(s) => eval.final_class(&method, s),
                    Outcome::Excluded(_) => "X",
                };
                if let Some(id) = ids.get(&e.credit_code) {
                    classes.push((*id, i64::from(year.value()), class, "demo:henan-2019".to_owned()));
                }
            }
        }
        enterprises::replace_classes(&mut tx, backend, &classes, "").await?;
        phase.mark("classes");

        // One account per role.
        let hash = password::hash(DEMO_PASSWORD, self.security.hash_cost).await?;
        let first_cluster = cluster_ids[0].1;
        // From the latest year, so the demo enterprise has current figures.
        let first_enterprise = panel[panel.len() - 1]
            .1
            .iter()
            .find(|r| r.cluster.as_deref() == Some(cluster_ids[0].0) && r.scale == mujun_domain::Scale::Above)
            .and_then(|r| ids.get(&r.credit_code).copied());
        // The land lifecycle: contracts, progress, cases and plans for enterprises of the clusters.
        let in_clusters: Vec<(i64, String, i64)> = panel[panel.len() - 1]
            .1
            .iter()
            .filter_map(|r| {
                let cluster = r
                    .cluster
                    .as_ref()
                    .and_then(|c| cluster_ids.iter().find(|(n, _)| n == c))?
                    .1;
                Some((*ids.get(&r.credit_code)?, r.region.to_string(), cluster))
            })
            .collect();
        self.seed_land_demo(&mut tx, &in_clusters, first_enterprise, seed)
            .await?;
        phase.mark("land");
        let plain = |username: &str, display: &str, role: Role| users::UserFields {
            username: username.into(),
            display_name: display.into(),
            role: role.id().into(),
            department_id: None,
            region_code: None,
            cluster_id: None,
            enterprise_id: None,
            active: true,
        };
        let mut accounts = vec![
            (
                plain("admin", "系统管理员", Role::SysAdmin),
                "账号管理".to_owned(),
            ),
            (
                plain("city", "市发改委 评价管理员", Role::CityAdmin),
                "全市".to_owned(),
            ),
            (
                plain("city2", "市发改委 评价复核员", Role::CityAdmin),
                "全市（两人审核的第二人）".to_owned(),
            ),
            (
                plain("leader", "市政府分管副市长", Role::Leader),
                "全市（审定）".to_owned(),
            ),
        ];
        // One data officer for every department that owns data items.
        for (code, username, display) in DEMO_DEPARTMENT_ACCOUNTS {
            let Some(id) = dept_ids.iter().find(|(c, _)| c == code).map(|(_, id)| *id) else {
                continue;
            };
            let name: &str = mujun_domain::DEPARTMENTS
                .iter()
                .find(|(c, _)| *c == code)
                .map_or(code, |(_, n)| n);
            accounts.push((
                users::UserFields {
                    department_id: Some(id),
                    ..plain(username, display, Role::Department)
                },
                name.to_owned(),
            ));
        }
        accounts.extend([
            (
                users::UserFields {
                    region_code: Some("411702".into()),
                    ..plain("yicheng", "驿城区 工作人员", Role::County)
                },
                "驿城区 411702".to_owned(),
            ),
            (
                users::UserFields {
                    region_code: Some("411728".into()),
                    ..plain("suiping", "遂平县 工作人员", Role::County)
                },
                "遂平县 411728".to_owned(),
            ),
            (
                users::UserFields {
                    cluster_id: Some(first_cluster),
                    ..plain("zhuangbei", "装备集聚区 管委会", Role::Cluster)
                },
                cluster_ids[0].0.to_owned(),
            ),
            (
                users::UserFields {
                    enterprise_id: first_enterprise,
                    ..plain("qiye", "企业用户", Role::Enterprise)
                },
                "本企业".to_owned(),
            ),
            (plain("auditor", "审计员", Role::Auditor), "审计日志".to_owned()),
            (
                plain("secadmin", "安全管理员", Role::SecurityAdmin),
                "特权账号审批".to_owned(),
            ),
        ]);
        let mut out = Vec::new();
        for (fields, scope) in accounts {
            users::insert(&mut tx, &fields, &hash, false).await?;
            let role = Role::parse(&fields.role).map_or("", |r| r.label()).to_owned();
            out.push(DemoAccount {
                username: fields.username,
                role,
                scope,
            });
        }
        // Enterprise service and the plan's key tasks (after the accounts, whose names the
        // demo's steps carry).
        let today = crate::land::today();
        let ids_in_clusters: Vec<i64> = in_clusters.iter().map(|e| e.0).collect();
        crate::service::demo::seed(&mut tx, &ids_in_clusters, first_enterprise, &self.service, today).await?;
        crate::tasks::demo::seed(&mut tx, today).await?;
        crate::transformation::seed_demo(&mut tx, today).await?;
        let years: Vec<i64> = year_list.iter().map(|y| i64::from(y.value())).collect();
        crate::clusters_plan::demo::seed_data(&mut tx, &years).await?;
        phase.mark("service, tasks, plans");
        write(
            &mut tx,
            Who::Cli,
            "demo.seed",
            ("database", ""),
            json!({"enterprises": ids.len(), "years": year_list.iter().map(|y| y.value()).collect::<Vec<_>>()}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        phase.mark("commit");
        self.cache.clear();
        // Assessments compute from the committed figures.
        self.seed_cluster_assessments().await?;
        phase.mark("cluster assessments");
        // The tables were just filled in bulk: fresh planner statistics (and, on PostgreSQL,
        // the visibility map that index-only scans need) before the first page is served.
        self.store.refresh_statistics().await?;
        phase.mark("statistics");
        Ok(Some(DemoSeed {
            accounts: out,
            enterprises: ids.len(),
            years: year_list.iter().map(|y| y.value()).collect(),
        }))
    }
}

/// Times the phases of a seed (`MUJUN_LOG=mujun_app=info` shows them).
struct Phases {
    last: std::time::Instant,
}

impl Phases {
    fn start() -> Phases {
        Phases {
            last: std::time::Instant::now(),
        }
    }

    fn mark(&mut self, phase: &str) {
        let now = std::time::Instant::now();
        tracing::info!(phase, ms = (now - self.last).as_millis() as u64, "demo seed");
        self.last = now;
    }
}
