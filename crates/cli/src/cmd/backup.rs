//! `mujun backup --out FILE` and `mujun restore FILE --database URL`: a consistent online
//! backup of either backend (uploaded files and attachments included), optionally encrypted,
//! and its restore into a new, empty database of either backend.

use std::path::PathBuf;

/// Arguments of `backup`.
#[derive(clap::Args)]
pub struct BackupArgs {
    /// 备份文件路径（如 backup/mujun-20261203.bak）
    #[arg(long)]
    pub out: PathBuf,
    /// 加密备份（AES-256-GCM）：口令取自环境变量 MUJUN_BACKUP_PASSPHRASE，或交互输入
    #[arg(long)]
    pub encrypt: bool,
    /// 数据库地址
    #[arg(long)]
    pub database: Option<String>,
    /// 配置文件
    #[arg(long, default_value = "mujun.toml")]
    pub config: PathBuf,
}

/// Arguments of `restore`.
#[derive(clap::Args)]
pub struct RestoreArgs {
    /// 备份文件
    pub file: PathBuf,
    /// 目标数据库地址（须为新建的空数据库）
    #[arg(long)]
    pub database: String,
    /// 配置文件（审计密钥文件须与备份时相同，恢复后才能通过 mujun audit verify）
    #[arg(long, default_value = "mujun.toml")]
    pub config: PathBuf,
}

fn passphrase() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("MUJUN_BACKUP_PASSPHRASE") {
        return Ok(p);
    }
    super::user::read_password("备份口令（至少 12 个字符）：", false)
}

/// Runs `backup`.
pub fn backup(args: &BackupArgs) -> anyhow::Result<()> {
    let config = super::serve::config(&args.config, None, args.database.as_deref())?;
    let pass = if args.encrypt { Some(passphrase()?) } else { None };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let app = super::serve::open(&config).await?;
        let summary = app.backup_to(&args.out, pass.as_deref()).await?;
        app.store().close().await;
        eprintln!(
            "已备份 {} 张表、{} 行到 {}{}。审计密钥文件 {} 不在备份中，请另行妥善保管。",
            summary.tables,
            summary.rows,
            args.out.display(),
            if pass.is_some() { "（已加密）" } else { "" },
            config.audit_key_file
        );
        Ok(())
    })
}

/// Runs `restore`.
pub fn restore(args: &RestoreArgs) -> anyhow::Result<()> {
    let config = super::serve::config(&args.config, None, Some(&args.database))?;
    let pass = if mujun_app::App::backup_is_encrypted(&args.file)? {
        Some(passphrase()?)
    } else {
        None
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let app = super::serve::open(&config).await?;
        let summary = app.restore_from(&args.file, pass.as_deref()).await?;
        let check = app.verify_audit_cli().await?;
        app.store().close().await;
        eprintln!(
            "已恢复 {} 张表、{} 行到 {}。",
            summary.tables,
            summary.rows,
            mujun_store::redact_url(&config.database)
        );
        match check {
            mujun_store::audit::Verification::Intact { entries, .. } => {
                eprintln!("审计日志校验通过：共 {entries} 条记录。");
                Ok(())
            }
            mujun_store::audit::Verification::Broken { why, .. } => {
                anyhow::bail!("数据已恢复，但审计日志校验未通过（{why}）：请确认使用了备份时的审计密钥文件")
            }
        }
    })
}
