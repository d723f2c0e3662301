//! For other crates' tests and benchmarks (feature `testing`): the accounts a fresh
//! installation needs, made through the real use cases — the two administrators at the console,
//! then a city administrator asked for, approved and activated (三员分立).

use crate::accounts::AccountForm;
use crate::{Actor, App, AppError, Role};

/// The system administrator's name and password.
pub const SYS_ADMIN: (&str, &str) = ("sys", "Root-Keeper-2024x");
/// The security administrator's name and password.
pub const SECURITY_ADMIN: (&str, &str) = ("sec", "Gate-Keeper-2024x");

/// Creates the two administrators and a city administrator `username` with `password`;
/// returns the city administrator.
pub async fn city_admin(app: &App, username: &str, password: &str) -> Result<Actor, AppError> {
    app.create_admin(SYS_ADMIN.0, "系统管理员", SYS_ADMIN.1, Role::SysAdmin)
        .await?;
    app.create_admin(
        SECURITY_ADMIN.0,
        "安全管理员",
        SECURITY_ADMIN.1,
        Role::SecurityAdmin,
    )
    .await?;
    let sys = app.cli_actor(SYS_ADMIN.0).await?;
    let sec = app.cli_actor(SECURITY_ADMIN.0).await?;
    let form = AccountForm {
        username: username.to_owned(),
        display_name: "市级评价管理员".to_owned(),
        role: Role::CityAdmin.id().to_owned(),
        active: true,
        ..Default::default()
    };
    let (_, first) = app.request_privileged_account(&sys, &form).await?;
    let request = app
        .account_requests(&sec)
        .await?
        .into_iter()
        .find(|r| r.pending && r.username == username)
        .ok_or(AppError::NotFound("账号申请"))?;
    let second = app
        .decide_account_request(&sec, request.id, true, "")
        .await?
        .ok_or(AppError::NotFound("激活码"))?;
    app.activate_account(username, &format!("{first}{second}"), password, "test")
        .await?;
    app.cli_actor(username).await
}
