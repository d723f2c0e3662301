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
        if actor.edits_registry() {
            items.push(item("登记企业", "/enterprises/new"));
        }
        nav.push(NavSection {
            title: "名录管理",
            items,
        });
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
    if actor.manages_accounts() {
        nav.push(NavSection {
            title: "系统管理",
            items: vec![item("账号管理", "/accounts")],
        });
    }
    if actor.role == Role::Auditor {
        nav.push(NavSection {
            title: "安全审计",
            items: vec![item("审计日志", "/audit"), item("完整性校验", "/audit/verify")],
        });
    }
    nav.push(NavSection {
        title: "个人",
        items: vec![item("修改密码", "/password")],
    });
    nav
}

/// Chinese text of a `?msg=` code.
pub fn flash_text(code: &str) -> Option<String> {
    Some(
        match code {
            "saved" => "已保存。",
            "created" => "已创建。",
            "password_changed" => "密码已修改。",
            "unlocked" => "账号已解锁。",
            "reset" => "密码已重置，用户下次登录时须修改。",
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
        Layout {
            title: title.into(),
            user_name: user.actor.display_name.clone(),
            role_label: user.actor.role.label(),
            scope_label,
            csrf: user.csrf.clone(),
            nav: nav_for(&user.actor, active),
            flash: msg.and_then(flash_text),
        }
    }
}
