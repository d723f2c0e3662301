//! Who is calling: the role, its scope, and what it may do. Every permission decision of the
//! system is made here or in a use case, never in a template.

use mujun_store::Scope;
use mujun_store::users::User;

/// The roles of domain.md.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// 系统管理员: manages accounts; sees no business data (三员分立).
    SysAdmin,
    /// 安全管理员: approves privileged accounts and their resets; sees no business data and
    /// cannot create accounts (三员分立).
    SecurityAdmin,
    /// 市级评价管理员 (市发改委).
    CityAdmin,
    /// 审定领导 (市政府分管领导): reads every result and approves runs — the second person of
    /// the two-person rule for runs with manual adjustments.
    Leader,
    /// 部门数据员 (one department).
    Department,
    /// 县区人员 (one county).
    County,
    /// 集聚区人员 (one cluster).
    Cluster,
    /// 企业用户 (one enterprise).
    Enterprise,
    /// 审计员: reads the audit trail only.
    Auditor,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 9] = [
        Role::SysAdmin,
        Role::SecurityAdmin,
        Role::CityAdmin,
        Role::Leader,
        Role::Department,
        Role::County,
        Role::Cluster,
        Role::Enterprise,
        Role::Auditor,
    ];

    /// The id stored in the database.
    pub fn id(self) -> &'static str {
        match self {
            Role::SysAdmin => "sys_admin",
            Role::SecurityAdmin => "security_admin",
            Role::CityAdmin => "city_admin",
            Role::Leader => "leader",
            Role::Department => "department",
            Role::County => "county",
            Role::Cluster => "cluster",
            Role::Enterprise => "enterprise",
            Role::Auditor => "auditor",
        }
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            Role::SysAdmin => "系统管理员",
            Role::SecurityAdmin => "安全管理员",
            Role::CityAdmin => "市级评价管理员",
            Role::Leader => "审定领导",
            Role::Department => "部门数据员",
            Role::County => "县区人员",
            Role::Cluster => "集聚区人员",
            Role::Enterprise => "企业用户",
            Role::Auditor => "审计员",
        }
    }

    /// Parses a role id.
    pub fn parse(id: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.id() == id)
    }
}

/// The authenticated caller of a use case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// Account id.
    pub user_id: i64,
    /// Login name.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Department (department officers).
    pub department_id: Option<i64>,
    /// County (county officers).
    pub region_code: Option<String>,
    /// Cluster (cluster officers).
    pub cluster_id: Option<i64>,
    /// Enterprise (enterprise users).
    pub enterprise_id: Option<i64>,
    /// Client address (for the audit trail).
    pub ip: String,
    /// The password must be changed before anything else (first login, reset, expiry).
    pub must_change_password: bool,
    /// The second factor must be enrolled before anything else (a privileged role without it).
    pub must_enrol_totp: bool,
}

impl Actor {
    /// Builds the actor of an account; `None` when the stored role is unknown.
    pub fn from_user(u: &User, ip: &str) -> Option<Actor> {
        Some(Actor {
            user_id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: Role::parse(&u.role)?,
            department_id: u.department_id,
            region_code: u.region_code.clone(),
            cluster_id: u.cluster_id,
            enterprise_id: u.enterprise_id,
            ip: ip.to_owned(),
            must_change_password: u.must_change_password == 1,
            must_enrol_totp: false,
        })
    }

    /// The enterprises this actor may see in the registry. A scoped role without its scope
    /// value (a misconfigured account) sees nothing.
    pub fn enterprise_scope(&self) -> Scope {
        match self.role {
            Role::CityAdmin | Role::Leader | Role::Department => Scope::All,
            Role::County => self.region_code.clone().map_or(Scope::Nothing, Scope::Region),
            Role::Cluster => self.cluster_id.map_or(Scope::Nothing, Scope::Cluster),
            Role::Enterprise => self.enterprise_id.map_or(Scope::Nothing, Scope::Enterprise),
            Role::SysAdmin | Role::SecurityAdmin | Role::Auditor => Scope::Nothing,
        }
    }

    /// May read business data (registry, figures)?
    pub fn reads_business_data(&self) -> bool {
        !matches!(self.role, Role::SysAdmin | Role::SecurityAdmin | Role::Auditor)
    }

    /// Has a cockpit as its home, and searches the registry from the header: the roles that read
    /// business data beyond one enterprise's own.
    pub fn has_cockpit(&self) -> bool {
        self.reads_business_data() && self.role != Role::Enterprise
    }

    /// May create and edit enterprises and clusters?
    pub fn edits_registry(&self) -> bool {
        self.role == Role::CityAdmin
    }

    /// May change the 产业准入负面清单 of `cluster`: the city administrator, or the cluster's own
    /// officers (its management committee).
    pub fn edits_negative_list(&self, cluster: i64) -> bool {
        self.role == Role::CityAdmin || (self.role == Role::Cluster && self.cluster_id == Some(cluster))
    }

    /// May review proposed projects for `cluster` (of county `county`) against its list: the city
    /// administrator, the cluster's own officers, and the officers of its county.
    pub fn reviews_projects(&self, cluster: i64, county: &str) -> bool {
        self.edits_negative_list(cluster)
            || (self.role == Role::County && self.region_code.as_deref() == Some(county))
    }

    /// May read clusters' 产业准入负面清单 (every business role but an enterprise's own).
    pub fn reads_negative_lists(&self) -> bool {
        self.has_cockpit()
    }

    /// Reviews projects for some cluster (the navigation offers the review page).
    pub fn reviews_any_projects(&self) -> bool {
        matches!(self.role, Role::CityAdmin | Role::County | Role::Cluster)
    }

    /// May manage accounts?
    pub fn manages_accounts(&self) -> bool {
        self.role == Role::SysAdmin
    }

    /// May approve privileged accounts and their resets?
    pub fn approves_accounts(&self) -> bool {
        self.role == Role::SecurityAdmin
    }

    /// Whether the role holds powers that need a second person and a second factor: the three
    /// administrators of 三员分立, the city administrator and the approving leader.
    pub fn privileged(role: Role) -> bool {
        matches!(
            role,
            Role::SysAdmin | Role::SecurityAdmin | Role::Auditor | Role::CityAdmin | Role::Leader
        )
    }

    /// May hold API tokens (of its own account)? The administrators of 三员分立 and the
    /// approving leader have no API work.
    pub fn holds_tokens(&self) -> bool {
        !matches!(
            self.role,
            Role::SysAdmin | Role::SecurityAdmin | Role::Auditor | Role::Leader
        )
    }

    /// May read the audit trail?
    pub fn reads_audit(&self) -> bool {
        self.role == Role::Auditor
    }

    /// A short description of the scope for the page header, e.g. `县区 411702`.
    pub fn scope_label(&self) -> String {
        match self.role {
            Role::County => format!("县区 {}", self.region_code.as_deref().unwrap_or("未设置")),
            Role::Cluster => format!("集聚区 #{}", self.cluster_id.unwrap_or_default()),
            Role::Enterprise => format!("企业 #{}", self.enterprise_id.unwrap_or_default()),
            Role::Department => format!("部门 #{}", self.department_id.unwrap_or_default()),
            Role::CityAdmin | Role::Leader => "全市".to_owned(),
            Role::SysAdmin => "账号管理".to_owned(),
            Role::SecurityAdmin => "安全管理".to_owned(),
            Role::Auditor => "审计".to_owned(),
        }
    }
}
