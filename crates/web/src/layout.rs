//! What every signed-in page shows around its content: the header (user, role, scope), the
//! navigation by area, the session's form token, and a flash message. Which navigation items
//! appear follows the actor's capabilities (the use cases enforce them regardless).

use mujun_app::{Actor, Role};

use crate::auth::PageUser;

/// A navigation link.
#[derive(Clone, Debug)]
pub struct NavItem {
    /// Text.
    pub label: &'static str,
    /// Target.
    pub href: &'static str,
    /// The current area.
    pub active: bool,
}

/// A group of links under a heading.
#[derive(Clone, Debug)]
pub struct NavSection {
    /// Heading.
    pub title: &'static str,
    /// Links.
    pub items: Vec<NavItem>,
}

/// The frame of a page.
#[derive(Clone, Debug)]
pub struct Layout {
    /// The page title.
    pub title: String,
    /// The user's display name.
    pub user_name: String,
    /// The user's role (Chinese).
    pub role_label: &'static str,
    /// The user's scope (Chinese).
    pub scope_label: String,
    /// The session's form token.
    pub csrf: String,
    /// Navigation.
    pub nav: Vec<NavSection>,
    /// A message after an action (from `?msg=`).
    pub flash: Option<String>,
    /// Unread messages of the user.
    pub unread: i64,
    /// The header's enterprise search is offered (roles that read the registry, not an
    /// enterprise's own account).
    pub search: bool,
    /// The system's title (configurable).
    pub system_title: String,
    /// Where the page sits: 首页 › area › list › … (empty on the home page).
    pub crumbs: Vec<Crumb>,
}

/// One step of the breadcrumbs; the last one (the page itself) has no link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Crumb {
    /// Text.
    pub label: String,
    /// Target, when it is a link.
    pub href: Option<String>,
}

/// The breadcrumbs of a page titled `title` under the navigation item `active`: the home page,
/// the item's area, the item (a link unless it is the page itself) and the page.
fn crumbs_for(nav: &[NavSection], title: &str, active: &str) -> Vec<Crumb> {
    if active == "/" {
        return Vec::new();
    }
    let crumb = |label: &str, href: Option<&str>| Crumb {
        label: label.to_owned(),
        href: href.map(str::to_owned),
    };
    let mut crumbs = vec![crumb("首页", Some("/"))];
    if let Some((section, item)) = nav
        .iter()
        .find_map(|s| s.items.iter().find(|i| i.active).map(|i| (s, i)))
    {
        if section.title != item.label {
            crumbs.push(crumb(section.title, None));
        }
        if item.label != title {
            crumbs.push(crumb(item.label, Some(item.href)));
        }
    }
    crumbs.push(crumb(title, None));
    crumbs
}

fn nav_for(actor: &Actor, active: &str) -> Vec<NavSection> {
    let item = |label, href: &'static str| NavItem {
        label,
        href,
        active: href == active,
    };
    let mut nav = vec![NavSection {
        title: "工作台",
        items: vec![item("首页", "/")],
    }];
    if actor.reads_business_data() {
        let mut items = vec![item("企业名录", "/enterprises"), item("产业集聚区", "/clusters")];
        if actor.reviews_any_projects() {
            items.push(item("项目准入审查", "/admission"));
        }
        if actor.edits_registry() {
            items.push(item("登记企业", "/enterprises/new"));
        }
        nav.push(NavSection {
            title: "名录管理",
            items,
        });
    }
    if actor.reads_business_data() {
        let items = if actor.role == Role::Enterprise {
            vec![item("我的项目", "/land/projects")]
        } else {
            vec![
                item("项目与合同", "/land/projects"),
                item("闲置土地", "/land/idle"),
                item("项目退出", "/land/exit"),
                item("低效用地", "/land/low-efficiency"),
                item("标准地履约", "/land/standard"),
            ]
        };
        nav.push(NavSection {
            title: "土地与项目",
            items,
        });
    }
    {
        let service = mujun_app::service::service_rights(actor);
        let tasks = mujun_app::tasks::task_rights(actor);
        let mut items = Vec::new();
        if mujun_app::clusters_plan::cluster_plan_rights(actor).reads {
            items.push(item("集聚区指标", "/clusters/indicators"));
            items.push(item("集聚区考核评价", "/clusters/assessments"));
            items.push(item("规划目标", "/targets"));
        }
        if tasks.reads {
            items.push(item("重点任务", "/tasks"));
        }
        if mujun_app::transformation::plan_rights(actor).reads && actor.role != Role::Enterprise {
            items.push(item("倒逼转型", "/transformation"));
        }
        if actor.has_cockpit() {
            items.push(item("预警名单", "/warnings"));
        }
        if service.reads {
            items.push(item(
                if actor.role == Role::Enterprise {
                    "我的诉求"
                } else {
                    "企业问题台账"
                },
                "/service/problems",
            ));
            items.push(item("节假日安排", "/service/calendar"));
        }
        if !items.is_empty() {
            nav.push(NavSection {
                title: "行动方案与服务",
                items,
            });
        }
    }
    match actor.role {
        Role::CityAdmin => nav.push(NavSection {
            title: "数据采集",
            items: vec![
                item("采集轮次", "/collection"),
                item("模板与导入", "/collection/import"),
                item("数据质量", "/collection/quality"),
                item("数据项目录", "/collection/catalogue"),
                item("土地与租赁", "/land"),
            ],
        }),
        Role::Department => nav.push(NavSection {
            title: "数据采集",
            items: vec![
                item("采集任务", "/collection"),
                item("模板与导入", "/collection/import"),
                item("异议处理", "/collection/disputes"),
                item("数据质量", "/collection/quality"),
                item("土地与租赁", "/land"),
            ],
        }),
        Role::Enterprise => nav.push(NavSection {
            title: "数据采集",
            items: vec![item("企业自核", "/self-check")],
        }),
        _ => {}
    }
    let evaluation = match actor.role {
        Role::CityAdmin => vec![
            item("评价批次", "/runs"),
            item("评价方法", "/methods"),
            item("差别化政策", "/policies"),
            item("评价异议", "/objections"),
            item("政策执行清单", "/policies/lists"),
        ],
        Role::Leader => vec![item("评价批次", "/runs"), item("评价异议", "/objections")],
        Role::County | Role::Cluster => vec![item("评价结果", "/runs")],
        Role::Enterprise => vec![item("评价结果", "/runs"), item("我的异议", "/objections")],
        Role::Department => vec![
            item("评价异议", "/objections"),
            item("政策执行清单", "/policies/lists"),
        ],
        Role::SysAdmin | Role::SecurityAdmin | Role::Auditor => Vec::new(),
    };
    if actor.edits_registry() {
        nav.push(NavSection {
            title: "城市设置",
            items: vec![item("名录与历史数据", "/setup")],
        });
    }
    if !evaluation.is_empty() {
        nav.push(NavSection {
            title: "综合评价",
            items: evaluation,
        });
    }
    if actor.manages_accounts() {
        nav.push(NavSection {
            title: "系统管理",
            items: vec![item("账号管理", "/accounts")],
        });
    }
    if actor.approves_accounts() {
        nav.push(NavSection {
            title: "安全管理",
            items: vec![item("特权账号审批", "/account-requests")],
        });
    }
    if actor.role == Role::Auditor {
        nav.push(NavSection {
            title: "安全审计",
            items: vec![item("审计日志", "/audit"), item("完整性校验", "/audit/verify")],
        });
    }
    let mut own = vec![
        item("我的消息", "/messages"),
        item("修改密码", "/password"),
        item("双因素认证", "/account/security"),
    ];
    if actor.holds_tokens() {
        own.push(item("接口令牌", "/account/tokens"));
    }
    nav.push(NavSection {
        title: "个人",
        items: own,
    });
    nav
}

/// Chinese text of a `?msg=` code.
pub fn flash_text(code: &str) -> Option<String> {
    if let Some(n) = code
        .strip_prefix("contracts_imported_")
        .and_then(|n| n.parse::<usize>().ok())
    {
        return Some(format!("已导入 {n} 份供地合同。"));
    }
    if let Some(n) = code
        .strip_prefix("tasks_loaded_")
        .and_then(|n| n.parse::<usize>().ok())
    {
        return Some(format!("已载入 {n} 项重点任务。"));
    }
    Some(
        match code {
            "saved" => "已保存。",
            "created" => "已创建。",
            "password_changed" => "密码已修改。",
            "unlocked" => "账号已解锁。",
            "reset" => "密码已重置，用户下次登录时须修改。",
            "run_started" => "评价已发起，正在后台计算。",
            "notice_started" => "已开始公示：企业可查看本企业结果并在公示期内提出异议。",
            "notice_ended" => "公示已结束，批次进入复核。",
            "notice_skipped" => "重算批次已直接进入复核；类别变化的企业已收到消息。",
            "supplementary_notice_started" => {
                "已开始补充公示：类别变化的企业已收到消息，可在补充公示期内提出异议。"
            }
            "year_reopened" => "该年度已重新开放：可重新导入和更正数据，新的评价批次须重新公示后发布。",
            "accounts_created" => "企业账号已批量创建，请下载激活通知书并送达企业。",
            "activated" => "账号已激活，请用新密码登录。",
            "approved" => "评价结果已审定。",
            "reopened" => "已退回复核。",
            "published" => "评价结果已发布。",
            "adjusted" => "调档已保存。",
            "objection_filed" => "异议已提交，将由报送该数据的部门处理。",
            "objection_resolved" => "异议已处理。",
            "method_saved" => "评价方法已保存为新版本。",
            "request_rejected" => "申请已驳回。",
            "token_revoked" => "令牌已吊销，使用它的调用将立即失败。",
            "totp_required" => "该账号须先绑定动态验证码（双因素认证）后才能使用其他功能。",
            "contract_saved" => "供地合同已登记。",
            "progress_saved" => "进展报告已提交。",
            "case_opened" => "已立案，通知书可在办理步骤中下载。",
            "step_saved" => "已办理，文书可在办理步骤中下载。",
            "plan_saved" => "处置方案已保存。",
            "disposal_saved" => "处置进展已填报。",
            "problem_filed" => "问题已提交，服务办将尽快交办。",
            "problem_assign" => "已交办，承办部门将在期限内答复。",
            "problem_answer" => "答复已提交，等待企业评价。",
            "problem_rate" => "评价已提交。",
            "task_reported" => "进展已报送。",
            "transformation_saved" => "转型方案已保存。",
            _ => return None,
        }
        .to_owned(),
    )
}

impl Layout {
    /// The frame for a signed-in user; `active` is the navigation target to highlight.
    pub fn new(
        user: &PageUser,
        scope_label: String,
        title: impl Into<String>,
        active: &str,
        msg: Option<&str>,
    ) -> Layout {
        let title = title.into();
        let nav = nav_for(&user.actor, active);
        Layout {
            crumbs: crumbs_for(&nav, &title, active),
            title,
            user_name: user.actor.display_name.clone(),
            role_label: user.actor.role.label(),
            scope_label,
            csrf: user.csrf.clone(),
            nav,
            flash: msg.and_then(flash_text),
            unread: 0,
            search: user.actor.has_cockpit(),
            system_title: mujun_app::DEFAULT_TITLE.to_owned(),
        }
    }

    /// Puts a step between the navigation item and the page, e.g. the run a ranking belongs to.
    #[must_use]
    pub fn under(mut self, label: impl Into<String>, href: impl Into<String>) -> Layout {
        let at = self.crumbs.len().saturating_sub(1);
        self.crumbs.insert(
            at,
            Crumb {
                label: label.into(),
                href: Some(href.into()),
            },
        );
        self
    }
}
