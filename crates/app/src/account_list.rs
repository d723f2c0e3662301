//! The list of accounts as the system administrator reads it — each account's role and scope
//! in words (department, county, cluster or enterprise by name) — and its xlsx export.

use std::collections::HashMap;

use mujun_batch::TableCell::Text;
use mujun_store::users;
use serde_json::json;

use crate::accounts::AccountFormOptions;
use crate::download::Download;
use crate::{Actor, App, AppError, Role};

/// One account of the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountRow {
    /// The account.
    pub user: users::User,
    /// Its role in words, e.g. 市级评价管理员.
    pub role: String,
    /// What it may see, e.g. 驿城区, 国网驻马店供电公司, an enterprise's name.
    pub scope: String,
    /// 启用 / 停用 / 待激活.
    pub status: &'static str,
}

/// The names an account's scope is given by.
#[derive(Clone, Debug, Default)]
pub struct ScopeNames {
    departments: HashMap<i64, String>,
    regions: HashMap<String, String>,
    clusters: HashMap<i64, String>,
    enterprises: HashMap<i64, String>,
}

impl ScopeNames {
    /// The names of the form's choices plus those of the enterprises with accounts.
    pub fn new(o: &AccountFormOptions, enterprises: Vec<(i64, String)>) -> ScopeNames {
        ScopeNames {
            departments: o.departments.iter().map(|d| (d.id, d.name.clone())).collect(),
            regions: o
                .regions
                .iter()
                .map(|r| (r.code.clone(), r.name.clone()))
                .collect(),
            clusters: o.clusters.iter().cloned().collect(),
            enterprises: enterprises.into_iter().collect(),
        }
    }

    /// The account's scope in words.
    pub fn scope_of(&self, u: &users::User) -> String {
        let named =
            |name: Option<&String>, missing: &str| name.map_or_else(|| missing.to_owned(), Clone::clone);
        match Role::parse(&u.role) {
            Some(Role::Department) => named(
                u.department_id.and_then(|id| self.departments.get(&id)),
                "未设置部门",
            ),
            Some(Role::County) => named(
                u.region_code.as_ref().and_then(|c| self.regions.get(c)),
                "未设置县区",
            ),
            Some(Role::Cluster) => named(u.cluster_id.and_then(|id| self.clusters.get(&id)), "未设置集聚区"),
            Some(Role::Enterprise) => named(
                u.enterprise_id.and_then(|id| self.enterprises.get(&id)),
                "未设置企业",
            ),
            Some(Role::CityAdmin | Role::Leader) => "全市".to_owned(),
            Some(Role::SysAdmin | Role::SecurityAdmin | Role::Auditor) => "—".to_owned(),
            None => "未知角色".to_owned(),
        }
    }
}

/// An account's status in words: an account created in bulk is active but waits for its
/// activation code until it has been used.
pub fn status_of(u: &users::User) -> &'static str {
    if u.active != 1 {
        "停用"
    } else if u.activation_hash.is_some() {
        "待激活"
    } else {
        "启用"
    }
}

impl App {
    /// Every account with its role, scope and status in words (system administrator).
    pub async fn account_rows(&self, actor: &Actor) -> Result<Vec<AccountRow>, AppError> {
        let list = self.list_accounts(actor).await?;
        let names = self.scope_names(actor).await?;
        Ok(list
            .into_iter()
            .map(|user| AccountRow {
                role: Role::parse(&user.role).map_or("未知角色", Role::label).to_owned(),
                scope: names.scope_of(&user),
                status: status_of(&user),
                user,
            })
            .collect())
    }

    /// The names accounts' scopes are shown by (system administrator).
    pub async fn scope_names(&self, actor: &Actor) -> Result<ScopeNames, AppError> {
        let options = self.account_form_options(actor).await?;
        let mut c = self.store.read().await?;
        let enterprises = users::account_enterprise_names(&mut c).await?;
        Ok(ScopeNames::new(&options, enterprises))
    }

    /// Every account as xlsx (system administrator): no password hashes, secrets or codes.
    /// Audited.
    pub async fn export_accounts(&self, actor: &Actor) -> Result<Download, AppError> {
        let rows = self.account_rows(actor).await?;
        let fmt = |ms: i64| crate::clock::beijing(ms);
        let table = rows
            .iter()
            .map(|r| {
                vec![
                    Text(r.user.username.clone()),
                    Text(r.user.display_name.clone()),
                    Text(r.role.clone()),
                    Text(r.scope.clone()),
                    Text(r.status.to_owned()),
                    Text(
                        if r.user.totp_enabled == 1 {
                            "已开启"
                        } else {
                            "未开启"
                        }
                        .to_owned(),
                    ),
                    Text(fmt(r.user.password_changed_at)),
                    Text(fmt(r.user.created_at)),
                ]
            })
            .collect();
        self.list_export(
            actor,
            "user.export",
            "user",
            "账号",
            &[
                "用户名",
                "姓名",
                "角色",
                "数据范围",
                "状态",
                "双因素认证",
                "最近修改密码",
                "创建时间",
            ],
            table,
            format!("账号清单-{}.xlsx", crate::clock::today()),
            json!({}),
        )
        .await
    }
}
