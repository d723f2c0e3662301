//! `mujun user create-admin`: the first system administrator and the first security
//! administrator of a fresh installation (三员分立: later privileged accounts are asked for by
//! the one and approved by the other). Whoever runs this command already has the server.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

/// User subcommands.
#[derive(clap::Subcommand)]
pub enum Command {
    /// 创建系统管理员账号（新安装时使用）
    CreateAdmin {
        /// 用户名
        #[arg(long)]
        username: String,
        /// 显示名
        #[arg(long)]
        display_name: Option<String>,
        /// 角色：sysadmin（系统管理员，默认）或 security-admin（安全管理员）
        #[arg(long, default_value = "sysadmin")]
        role: String,
        /// 从标准输入读取密码（用于脚本）；否则交互式输入
        #[arg(long)]
        password_stdin: bool,
        /// 数据库地址
        #[arg(long)]
        database: Option<String>,
        /// 配置文件
        #[arg(long, default_value = "mujun.toml")]
        config: PathBuf,
    },
}

pub fn read_password(prompt: &str, from_stdin: bool) -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    let interactive = !from_stdin && stdin.is_terminal();
    if interactive {
        eprint!("{prompt}");
        std::io::stderr().flush()?;
        // Hide the typing where a terminal allows it.
        let _ = std::process::Command::new("stty")
            .arg("-echo")
            .stdin(std::process::Stdio::inherit())
            .status();
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line)?;
    if interactive {
        let _ = std::process::Command::new("stty")
            .arg("echo")
            .stdin(std::process::Stdio::inherit())
            .status();
        eprintln!();
    }
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// Runs a user subcommand.
pub fn run(command: &Command) -> anyhow::Result<()> {
    match command {
        Command::CreateAdmin {
            username,
            display_name,
            role,
            password_stdin,
            database,
            config,
        } => {
            let role = match role.as_str() {
                "sysadmin" => mujun_app::Role::SysAdmin,
                "security-admin" => mujun_app::Role::SecurityAdmin,
                other => anyhow::bail!("未知角色 {other}：只能是 sysadmin 或 security-admin"),
            };
            let display_name = display_name.clone().unwrap_or_else(|| role.label().to_owned());
            let config = super::serve::config(config, None, database.as_deref())?;
            let password = read_password(
                "新密码（至少 10 位，含大写、小写、数字、符号中的三类）：",
                *password_stdin,
            )?;
            if !password_stdin && std::io::stdin().is_terminal() {
                let again = read_password("再次输入：", false)?;
                anyhow::ensure!(again == password, "两次输入的密码不一致");
            }
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            runtime.block_on(async {
                let app = super::serve::open(&config).await?;
                let id = app.create_admin(username, &display_name, &password, role).await?;
                app.store().close().await;
                eprintln!(
                    "已创建{} {username}（编号 {id}）。现在可以运行 mujun serve 并登录；首次登录须绑定动态验证码。",
                    role.label()
                );
                Ok(())
            })
        }
    }
}
