//! `mujun history import --classes FILE` (classes published in earlier years) and
//! `mujun history import --figures FILE --year Y` (figures of an earlier year).

use std::path::PathBuf;

use anyhow::Context;
use mujun_app::registry::figure_history::FiguresOutcome;
use mujun_app::registry::history_import::ClassesOutcome;

/// History subcommands.
#[derive(clap::Subcommand)]
pub enum Command {
    /// 导入历年评价类别（--classes）或某一年度的历年数据（--figures 与 --year）：整文件校验，有错误则不写入
    Import(ImportArgs),
}

/// Arguments of `history import`.
#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["classes", "figures"])))]
pub struct ImportArgs {
    /// 历年评价类别文件（.xlsx 或 .csv：年度、统一社会信用代码、评价类别、发布文件）
    #[arg(long)]
    pub classes: Option<PathBuf>,
    /// 历年数据文件（.xlsx 或 .csv：统一社会信用代码与任意数据项，单位写在列名中）
    #[arg(long, requires = "year")]
    pub figures: Option<PathBuf>,
    /// 历年数据所属的年度（与 --figures 一起使用）
    #[arg(long)]
    pub year: Option<i64>,
    /// 以哪个账号的名义导入（市级评价管理员）
    #[arg(long)]
    pub user: String,
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

/// Runs a history subcommand.
pub fn run(command: &Command) -> anyhow::Result<()> {
    let Command::Import(args) = command;
    let config = super::serve::config(&args.config, None, args.database.as_deref())?;
    let path = args
        .classes
        .as_ref()
        .or(args.figures.as_ref())
        .context("请用 --classes 或 --figures 指定文件")?;
    let bytes = std::fs::read(path).with_context(|| format!("无法读取文件 {}", path.display()))?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("history")
        .to_owned();
    let mapping = super::read_mapping(args.mapping.as_deref())?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let app = super::serve::open(&config).await?;
        let actor = app.cli_actor(&args.user).await?;
        let result = if args.classes.is_some() {
            classes(&app, &actor, (&name, path), bytes, mapping.as_ref(), args).await
        } else {
            let year = args.year.context("导入历年数据需要 --year")?;
            figures(&app, &actor, (&name, path), bytes, year, mapping.as_ref(), args).await
        };
        app.store().close().await;
        result
    })
}

async fn classes(
    app: &mujun_app::App,
    actor: &mujun_app::Actor,
    (name, path): (&str, &std::path::Path),
    bytes: Vec<u8>,
    mapping: Option<&mujun_collect::mapping::ColumnMapping>,
    args: &ImportArgs,
) -> anyhow::Result<()> {
    match app.import_class_history(actor, name, bytes, mapping).await? {
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
        ClassesOutcome::Rejected { errors } => Err(super::refused_file(
            name,
            path,
            &errors,
            args.errors_out.as_deref(),
        )),
    }
}

async fn figures(
    app: &mujun_app::App,
    actor: &mujun_app::Actor,
    (name, path): (&str, &std::path::Path),
    bytes: Vec<u8>,
    year: i64,
    mapping: Option<&mujun_collect::mapping::ColumnMapping>,
    args: &ImportArgs,
) -> anyhow::Result<()> {
    match app
        .import_figure_history(actor, name, bytes, year, mapping)
        .await?
    {
        FiguresOutcome::Imported {
            rows,
            values,
            departments,
            warnings,
            ..
        } => {
            println!(
                "已导入 {year} 年度历年数据 {name}：{rows} 家企业，{values} 个数值（{}）。",
                departments
                    .iter()
                    .map(|(d, n)| format!("{d} {n} 个"))
                    .collect::<Vec<_>>()
                    .join("，")
            );
            if !warnings.is_empty() {
                println!("另有 {} 条提示（历年数据按原样保存）：", warnings.len());
                for w in warnings.iter().take(20) {
                    println!("  {w}");
                }
            }
            Ok(())
        }
        FiguresOutcome::Rejected { errors } => Err(super::refused_file(
            name,
            path,
            &errors,
            args.errors_out.as_deref(),
        )),
    }
}
