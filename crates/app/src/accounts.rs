//! Account administration (system administrator only) and the first administrator.

use mujun_store::{StoreError, clusters, departments, enterprises, sessions, users};
use serde_json::json;

use crate::audit::{Who, write};
use crate::{Actor, App, AppError, FieldError, Role, password};

/// The form of a new or edited account.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountForm {
    /// Login name.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// Role id.
    pub role: String,
    /// Department (department officers).
    pub department_id: Option<i64>,
    /// County (county officers).
    pub region_code: Option<String>,
    /// Cluster (cluster officers).
    pub cluster_id: Option<i64>,
    /// Enterprise credit code (enterprise users).
    pub enterprise_code: Option<String>,
    /// Active.
    pub active: bool,
}

impl App {
    async fn require_sys_admin(&self, actor: &Actor, action: &str) -> Result<(), AppError> {
        if actor.manages_accounts() {
            Ok(())
        } else {
            Err(self
                .deny(actor, action, ("user", ""), "仅系统管理员可以管理账号")
                .await)
        }
    }

    /// Checks a form and resolves it to stored fields: the role's scope must be set and exist,
    /// and no other scope may be set. With `password`, its policy is checked in the same pass,
    /// so that every problem of the form is reported at once.
    pub(crate) async fn account_fields(
        &self,
        f: &AccountForm,
        password: Option<&str>,
    ) -> Result<users::UserFields, AppError> {
        let mut errors = Vec::new();
        let username = f.username.trim().to_owned();
        if username.len() < 3
            || username.len() > 32
            || !username
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-')
        {
            errors.push(FieldError {
                field: "username",
                message: "用户名为 3–32 位字母、数字、下划线、点或连字符".into(),
            });
        }
        let display_name = f.display_name.trim().to_owned();
        if display_name.is_empty() || display_name.chars().count() > 50 {
            errors.push(FieldError {
                field: "display_name",
                message: "姓名不能为空，且不超过 50 字".into(),
            });
        }
        let role = Role::parse(&f.role);
        if role.is_none() {
            errors.push(FieldError {
                field: "role",
                message: "请选择角色".into(),
            });
        }
        let mut fields = users::UserFields {
            username,
            display_name,
            role: f.role.clone(),
            department_id: None,
            region_code: None,
            cluster_id: None,
            enterprise_id: None,
            active: f.active,
        };
        let mut c = self.store.read().await?;
        match role {
            Some(Role::Department) => match f.department_id {
                Some(d) if departments::get(&mut c, d).await?.is_some() => fields.department_id = Some(d),
                _ => errors.push(FieldError {
                    field: "department_id",
                    message: "部门数据员须选择所属部门".into(),
                }),
            },
            Some(Role::County) => {
                let valid = mujun_store::regions::valid_in(&mut c, 2100).await?;
                match f.region_code.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
                    Some(r) if valid.iter().any(|v| v.code == r) => fields.region_code = Some(r.to_owned()),
                    _ => errors.push(FieldError {
                        field: "region_code",
                        message: "县区人员须选择区划表中现行的县区".into(),
                    }),
                }
            }
            Some(Role::Cluster) => match f.cluster_id {
                Some(id) if clusters::get(&mut c, id).await?.is_some() => fields.cluster_id = Some(id),
                _ => errors.push(FieldError {
                    field: "cluster_id",
                    message: "集聚区人员须选择所属集聚区".into(),
                }),
            },
            Some(Role::Enterprise) => {
                let code = f.enterprise_code.as_deref().map(str::trim).unwrap_or("");
                match enterprises::get_by_code(&mut c, &code.to_uppercase()).await? {
                    Some(e) => fields.enterprise_id = Some(e.id),
                    None => errors.push(FieldError {
                        field: "enterprise_code",
                        message: format!("没有统一社会信用代码为“{code}”的企业"),
                    }),
                }
            }
            _ => {}
        }
        if let Some(p) = password
            && let Err(AppError::Invalid(mut more)) = password::check_policy(p, &fields.username)
        {
            errors.append(&mut more);
        }
        if errors.is_empty() {
            Ok(fields)
        } else {
            Err(AppError::Invalid(errors))
        }
    }

    /// Every account (system administrator).
    pub async fn list_accounts(&self, actor: &Actor) -> Result<Vec<users::User>, AppError> {
        self.require_sys_admin(actor, "user.list").await?;
        let mut c = self.store.read().await?;
        Ok(users::list(&mut c).await?)
    }

    /// One account (system administrator).
    pub async fn get_account(&self, actor: &Actor, id: i64) -> Result<users::User, AppError> {
        self.require_sys_admin(actor, "user.view").await?;
        let mut c = self.store.read().await?;
        users::get(&mut c, id).await?.ok_or(AppError::NotFound("用户"))
    }

    /// Creates an account with an initial password the user must change at first login. A
    /// privileged account (the administrators, the city administrator, the approving leader)
    /// is instead created inactive and asked for: see [`App::request_privileged_account`].
    pub async fn create_account(
        &self,
        actor: &Actor,
        form: &AccountForm,
        initial_password: &str,
    ) -> Result<i64, AppError> {
        self.require_sys_admin(actor, "user.create").await?;
        if Role::parse(&form.role).is_some_and(Actor::privileged) {
            return Err(AppError::invalid(
                "role",
                "特权账号（系统管理员、安全管理员、审计员、市级评价管理员、审定领导）须提交申请，经安全管理员审批后以分段激活码启用",
            ));
        }
        let fields = self.account_fields(form, Some(initial_password)).await?;
        let hash = password::hash(initial_password, self.security.hash_cost).await?;
        let mut tx = self.store.begin().await?;
        let id = users::insert(&mut tx, &fields, &hash, true).await?;
        mujun_store::security::remember_password(&mut tx, id, &hash).await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "user.create",
            ("user", &id.to_string()),
            json!({"username": fields.username, "role": fields.role}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(id)
    }

    /// Edits an account; a deactivated account loses its sessions.
    pub async fn update_account(&self, actor: &Actor, id: i64, form: &AccountForm) -> Result<(), AppError> {
        self.require_sys_admin(actor, "user.update").await?;
        let before = self.get_account(actor, id).await?;
        let fields = self.account_fields(form, None).await?;
        if id == actor.user_id && (!fields.active || fields.role != Role::SysAdmin.id()) {
            return Err(AppError::invalid(
                "role",
                "不能停用自己的账号或取消自己的系统管理员角色",
            ));
        }
        // Privilege comes only through an approved request: no role change into or out of a
        // privileged role, no reactivation of a privileged account here.
        let was = Role::parse(&before.role).is_some_and(Actor::privileged);
        let will = Role::parse(&fields.role).is_some_and(Actor::privileged);
        if (was || will) && fields.role != before.role {
            return Err(AppError::invalid(
                "role",
                "不能把账号改为或改出特权角色；请停用原账号，并为新角色提交账号申请",
            ));
        }
        if was && fields.active && before.active == 0 {
            return Err(AppError::invalid(
                "active",
                "停用的特权账号须重新申请（经安全管理员审批）后才能启用",
            ));
        }
        let mut tx = self.store.begin().await?;
        users::update(&mut tx, id, &fields).await?;
        if !fields.active || fields.role != before.role {
            sessions::delete_for_user(&mut tx, id).await?;
        }
        write(
            &mut tx,
            Who::Actor(actor),
            "user.update",
            ("user", &id.to_string()),
            json!({
                "username": [before.username, fields.username],
                "role": [before.role, fields.role],
                "active": [before.active == 1, fields.active],
            }),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Sets a new initial password (to be changed at next login) and ends the account's sessions.
    pub async fn reset_password(&self, actor: &Actor, id: i64, new_password: &str) -> Result<(), AppError> {
        self.require_sys_admin(actor, "user.reset_password").await?;
        let user = self.get_account(actor, id).await?;
        if Role::parse(&user.role).is_some_and(Actor::privileged) {
            return Err(AppError::invalid(
                "password",
                "特权账号的密码不能由系统管理员直接重置：请提交重置申请，经安全管理员审批后以分段激活码重设",
            ));
        }
        password::check_policy(new_password, &user.username)?;
        self.refuse_reused(&user, new_password).await?;
        let hash = password::hash(new_password, self.security.hash_cost).await?;
        let mut tx = self.store.begin().await?;
        users::set_password(&mut tx, id, &hash, true).await?;
        mujun_store::security::remember_password(&mut tx, id, &hash).await?;
        sessions::delete_for_user(&mut tx, id).await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "user.reset_password",
            ("user", &id.to_string()),
            json!({}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Lifts a lockout.
    pub async fn unlock_account(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        self.require_sys_admin(actor, "user.unlock").await?;
        let user = self.get_account(actor, id).await?;
        let mut tx = self.store.begin().await?;
        users::clear_failures(&mut tx, id).await?;
        mujun_store::security::clear_failures_of(&mut tx, &user.username).await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "user.unlock",
            ("user", &id.to_string()),
            json!({}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Creates a system administrator from the command line (a fresh installation). The
    /// password must meet the policy; it need not be changed at first login.
    pub async fn create_admin(
        &self,
        username: &str,
        display_name: &str,
        password: &str,
        role: Role,
    ) -> Result<i64, AppError> {
        if !matches!(role, Role::SysAdmin | Role::SecurityAdmin) {
            return Err(AppError::invalid(
                "role",
                "命令行只能创建系统管理员或安全管理员；其他特权账号请在系统中申请",
            ));
        }
        let fields = self
            .account_fields(
                &AccountForm {
                    username: username.to_owned(),
                    display_name: display_name.to_owned(),
                    role: role.id().to_owned(),
                    active: true,
                    ..Default::default()
                },
                Some(password),
            )
            .await?;
        let hash = password::hash(password, self.security.hash_cost).await?;
        let mut tx = self.store.begin().await?;
        let id = users::insert(&mut tx, &fields, &hash, false).await?;
        mujun_store::security::remember_password(&mut tx, id, &hash).await?;
        write(
            &mut tx,
            Who::Cli,
            "user.create_admin",
            ("user", &id.to_string()),
            json!({"username": fields.username, "role": role.id()}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(id)
    }

    /// Number of accounts (to tell a fresh installation).
    pub async fn account_count(&self) -> Result<i64, AppError> {
        let mut c = self.store.read().await?;
        Ok(users::count(&mut c).await?)
    }
}

/// What the account form offers to choose from (the system administrator may not read
/// business data, but must be able to assign a department, county or cluster).
#[derive(Clone, Debug)]
pub struct AccountFormOptions {
    /// Departments.
    pub departments: Vec<mujun_store::departments::Department>,
    /// Regions valid now.
    pub regions: Vec<mujun_store::regions::Region>,
    /// Clusters: id and name only.
    pub clusters: Vec<(i64, String)>,
}

impl App {
    /// The choices of the account form (system administrator).
    pub async fn account_form_options(&self, actor: &Actor) -> Result<AccountFormOptions, AppError> {
        self.require_sys_admin(actor, "user.form").await?;
        let mut c = self.store.read().await?;
        Ok(AccountFormOptions {
            departments: departments::list(&mut c).await?,
            regions: mujun_store::regions::valid_in(&mut c, 2100).await?,
            clusters: clusters::list(&mut c, None)
                .await?
                .into_iter()
                .map(|cl| (cl.id, cl.name))
                .collect(),
        })
    }
}

impl App {
    /// The credit code and name of an enterprise account's enterprise (for its edit form).
    pub async fn account_enterprise(
        &self,
        actor: &Actor,
        user_id: i64,
    ) -> Result<Option<(String, String)>, AppError> {
        let user = self.get_account(actor, user_id).await?;
        let Some(eid) = user.enterprise_id else {
            return Ok(None);
        };
        let mut c = self.store.read().await?;
        Ok(enterprises::get(&mut c, eid, &mujun_store::Scope::All)
            .await?
            .map(|e| (e.credit_code, e.name)))
    }
}
