//! `mujun registry import FILE`: a city's enterprise registry from its own workbook or CSV.

use std::path::PathBuf;

use anyhow::Context;
use mujun_app::registry::import::RegistryOutcome;

/// Registry subcommands.
#[derive(clap::Subcommand)]
pub enum Command {
    /// 导入企业名录（.xlsx 或 .csv，UTF-8 或 GBK）：整文件校验，有任何错误则不写入
    Import(ImportArgs),
}

/// Arguments of `registry import`.
#[derive(clap::Args)]
pub struct ImportArgs {
    /// 名录文件
    pub file: PathBuf,
    /// 以哪个账号的名义导入（市级评价管理员）
    #[arg(long)]
    pub user: String,
    /// 文件中“规模”一列所属的年度
    #[arg(long)]
    pub year: i64,
    /// 自动新建文件中出现、本市尚未登记的产业集聚区
    #[arg(long)]
    pub create_clusters: bool,
    /// 列对应文件（TOML，["列对应"] 表：文件中的列名 = 系统列名）；不给时沿用本市为同样表头记住的对应
    #[arg(long)]
    pub mapping: Option<PathBuf>,
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

/// Runs a registry subcommand; a refused file is an error (non-zero exit) listing every problem.
pub fn run(command: &Command) -> anyhow::Result<()> {
    let Command::Import(args) = command;
    let config = super::serve::config(&args.config, None, args.database.as_deref())?;
    let bytes = std::fs::read(&args.file).with_context(|| format!("无法读取文件 {}", args.file.display()))?;
    let name = args
        .file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("registry")
        .to_owned();
    let mapping = super::read_mapping(args.mapping.as_deref())?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let app = super::serve::open(&config).await?;
        let actor = app.cli_actor(&args.user).await?;
        let started = std::time::Instant::now();
        let outcome = app
            .import_registry(&actor, &name, bytes, args.year, args.create_clusters, mapping.as_ref())
            .await;
        app.store().close().await;
        match outcome? {
            RegistryOutcome::Imported(s) => {
                println!(
                    "已导入企业名录 {name}：新增 {} 家，变更 {} 家（其中关闭 {} 家），未变 {} 家{}，用时 {:.1} 秒。",
                    s.added,
                    s.changed,
                    s.closed,
                    s.unchanged,
                    if s.clusters_created.is_empty() {
                        String::new()
                    } else {
                        format!("；新建产业集聚区：{}", s.clusters_created.join("、"))
                    },
                    started.elapsed().as_secs_f64()
                );
                Ok(())
            }
            RegistryOutcome::Rejected { errors } => {
                Err(super::refused_file(&name, &args.file, &errors, args.errors_out.as_deref()))
            }
        }
    })
}
