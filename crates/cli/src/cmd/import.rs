//! `mujun import`: a department's filled template (xlsx or CSV, UTF-8 or GBK) for large files.

use std::path::PathBuf;

use anyhow::Context;
use mujun_app::collection::imports::{Confirm, ImportOutcome};

/// Arguments of `import`.
#[derive(clap::Args)]
pub struct Args {
    /// 以哪个账号的名义导入（部门数据员，或市级评价管理员代部门导入）
    #[arg(long)]
    pub user: String,
    /// 部门代码（如 tax、statistics、natural_resources）
    #[arg(long)]
    pub department: String,
    /// 数据年度
    #[arg(long)]
    pub year: i64,
    /// 填好的模板（.xlsx 或 .csv）
    pub file: PathBuf,
    /// 确认所有警告（可疑但可能正确的数值）后导入
    #[arg(long)]
    pub confirm_warnings: bool,
    /// 覆盖经异议或自核争议采纳的更正值时必须写明的理由
    #[arg(long)]
    pub overwrite_reason: Option<String>,
    /// 有错误时把标注了问题的工作簿写到这里
    #[arg(long)]
    pub errors_out: Option<PathBuf>,
    /// 数据库地址
    #[arg(long)]
    pub database: Option<String>,
    /// 配置文件
    #[arg(long, default_value = "mujun.toml")]
    pub config: PathBuf,
}

/// Runs `import`.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let config = super::serve::config(&args.config, None, args.database.as_deref())?;
    let bytes = std::fs::read(&args.file).with_context(|| format!("无法读取文件 {}", args.file.display()))?;
    let name = args
        .file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("upload")
        .to_owned();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let app = super::serve::open(&config).await?;
        let actor = app.cli_actor(&args.user).await?;
        let started = std::time::Instant::now();
        let confirm = Confirm {
            warnings: args.confirm_warnings,
            overwrite_reason: args.overwrite_reason.as_deref(),
        };
        let outcome = app.import_upload(&actor, &args.department, args.year, &name, &bytes, confirm).await?;
        let result = match outcome {
            ImportOutcome::Imported { batch_id, rows, values, warnings_confirmed } => {
                eprintln!(
                    "已导入：{rows} 行，{values} 个数值（批次 #{batch_id}，已确认警告 {warnings_confirmed} 条），用时 {:.2}s",
                    started.elapsed().as_secs_f64()
                );
                Ok(())
            }
            ImportOutcome::NeedsConfirmation { warnings, values, overwrites, .. } => {
                for w in &warnings {
                    eprintln!("警告：{w}");
                }
                for o in &overwrites {
                    eprintln!(
                        "覆盖：{}（{}）{}：{} → {}（{}，{} 于 {} 采纳，理由：{}）",
                        o.name,
                        o.credit_code,
                        o.item,
                        o.old.map_or_else(|| "空".to_owned(), |v| v.to_string()),
                        o.new,
                        o.source,
                        o.accepted_by,
                        o.accepted_at,
                        o.note
                    );
                }
                let mut how = Vec::new();
                if !warnings.is_empty() {
                    how.push(format!("{} 条警告核实无误后加 --confirm-warnings", warnings.len()));
                }
                if !overwrites.is_empty() {
                    how.push(format!(
                        "会覆盖 {} 个已采纳的更正值，须加 --overwrite-reason \"理由\"",
                        overwrites.len()
                    ));
                }
                Err(anyhow::anyhow!("{values} 个数值尚未导入：{}，再重新执行", how.join("；")))
            }
            ImportOutcome::Rejected { errors, marked, .. } => {
                for e in &errors {
                    eprintln!("错误：{e}");
                }
                if let (Some(out), Some(id)) = (&args.errors_out, marked) {
                    let file = app.marked_workbook(&actor, id).await?;
                    std::fs::write(out, file.into_bytes()?).with_context(|| format!("无法写入 {}", out.display()))?;
                    eprintln!("已把标注了问题的工作簿写到 {}", out.display());
                }
                Err(anyhow::anyhow!("文件有 {} 处错误，未导入任何数据", errors.len()))
            }
        };
        app.store().close().await;
        result
    })
}
