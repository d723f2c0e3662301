//! `mujun` — the command line of the 亩均论英雄 evaluation system.
//!
//! Every command is a thin shell over the library crates: parse arguments, call, print.

mod cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// 亩均论英雄 企业分类综合评价系统
#[derive(Parser)]
#[command(name = "mujun", version, about = "亩均论英雄 · 企业分类综合评价系统", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 按评价方法对一个年度的企业数据进行评价（CSV/XLSX 输入输出）
    Evaluate(cmd::evaluate::Args),
    /// 查看内置评价方法，或检查一个方法文件
    Methods {
        #[command(subcommand)]
        command: cmd::methods::Command,
    },
    /// 生成驻马店的模拟企业数据（用于演示和测试）
    DemoData(cmd::demo_data::Args),
    /// 一键演示：生成模拟数据并评价，结果写入 ./data/
    Demo(cmd::demo::Args),
    /// 设置本系统服务的城市（空数据库上运行一次）：县级行政区取自内置的全国行政区划表
    Init(cmd::init::Args),
    /// 启动 Web 服务（--demo：写入演示数据与演示账号）
    Serve(cmd::serve::Args),
    /// 企业名录（导入城市自己的名录文件）
    Registry {
        #[command(subcommand)]
        command: cmd::registry::Command,
    },
    /// 历史数据（导入历年评价类别）
    History {
        #[command(subcommand)]
        command: cmd::history::Command,
    },
    /// 导入部门填报的模板（大文件用；与网页上传相同的校验）
    Import(cmd::import::Args),
    /// 账号管理（创建首个系统管理员、安全管理员）
    User {
        #[command(subcommand)]
        command: cmd::user::Command,
    },
    /// 审计日志（校验封印链与锚点，写入锚点）
    Audit {
        #[command(subcommand)]
        command: cmd::audit::Command,
    },
    /// 在线备份整个数据库（含上传文件与附件；可加密）
    Backup(cmd::backup::BackupArgs),
    /// 把备份恢复到新建的空数据库，并校验审计日志
    Restore(cmd::backup::RestoreArgs),
    /// 配置（打印生效配置）
    Config {
        #[command(subcommand)]
        command: cmd::config::Command,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("MUJUN_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Evaluate(args) => cmd::evaluate::run(&args),
        Command::Methods { command } => cmd::methods::run(&command),
        Command::DemoData(args) => cmd::demo_data::run(&args),
        Command::Demo(args) => cmd::demo::run(&args),
        Command::Serve(args) => cmd::serve::run(&args),
        Command::Init(args) => cmd::init::run(&args),
        Command::Registry { command } => cmd::registry::run(&command),
        Command::History { command } => cmd::history::run(&command),
        Command::Import(args) => cmd::import::run(&args),
        Command::User { command } => cmd::user::run(&command),
        Command::Audit { command } => cmd::audit::run(&command),
        Command::Config { command } => cmd::config::run(&command),
        Command::Backup(args) => cmd::backup::backup(&args),
        Command::Restore(args) => cmd::backup::restore(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e}");
            for cause in e.chain().skip(1) {
                eprintln!("  原因：{cause}");
            }
            ExitCode::FAILURE
        }
    }
}
