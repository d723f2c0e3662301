//! `mujun history import --classes FILE`: classes published in earlier years.

use std::path::PathBuf;

use anyhow::Context;
use mujun_app::registry::history_import::ClassesOutcome;

/// History subcommands.
#[derive(clap::Subcommand)]
pub enum Command {
    /// 导入历年评价类别（年度、统一社会信用代码、评价类别、发布文件）：整文件校验，有错误则不写入
    Import(ImportArgs),
}

/// Arguments of `history import`.
#[derive(clap::Args)]
pub struct ImportArgs {
    /// 历年评价类别文件（.xlsx 或 .csv）
    #[arg(long)]
    pub classes: PathBuf,
    /// 以哪个账号的名义导入（市级评价管理员）
    #[arg(long)]
    pub user: String,
    /// 有问题时把问题清单（.xlsx：行、列、值、说明）写到这里
    #[arg(long)]
    pub errors_out: Option<PathBuf>,
    /// 数据库地址
    #[arg(long)]
    pub database: Option<String>,
    /// 配置文件
    #[arg(long, default_value = "mujun.toml")]
    pub config: PathBuf,
}

/// Runs a history subcommand.
pub fn run(command: &Command) -> anyhow::Result<()> {
    let Command::Import(args) = command;
    let config = super::serve::config(&args.config, None, args.database.as_deref())?;
    let bytes =
        std::fs::read(&args.classes).with_context(|| format!("无法读取文件 {}", args.classes.display()))?;
    let name = args
        .classes
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("classes")
        .to_owned();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let app = super::serve::open(&config).await?;
        let actor = app.cli_actor(&args.user).await?;
        let outcome = app.import_class_history(&actor, &name, bytes).await;
        app.store().close().await;
        match outcome? {
            ClassesOutcome::Imported { rows, years, .. } => {
                println!(
                    "已导入历年评价类别 {name}：{rows} 条，年度 {}。",
                    years
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("、")
                );
                Ok(())
            }
            ClassesOutcome::Rejected { errors } => {
                Err(super::refused_file(&name, &errors, args.errors_out.as_deref()))
            }
        }
    })
}
