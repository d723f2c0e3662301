//! `mujun audit verify`: recompute the audit trail's hash chain.

use std::path::PathBuf;

/// Audit subcommands.
#[derive(clap::Subcommand)]
pub enum Command {
    /// 校验审计日志哈希链，报告第一条被篡改或缺失的记录
    Verify {
        /// 数据库地址
        #[arg(long)]
        database: Option<String>,
        /// 配置文件
        #[arg(long, default_value = "mujun.toml")]
        config: PathBuf,
    },
}

/// Runs an audit subcommand; a broken chain is an error (non-zero exit).
pub fn run(command: &Command) -> anyhow::Result<()> {
    match command {
        Command::Verify { database, config } => {
            let config = super::serve::config(config, None, database.as_deref())?;
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            runtime.block_on(async {
                let app = super::serve::open(&config).await?;
                let result = app.verify_audit_cli().await?;
                app.store().close().await;
                match result {
                    mujun_store::audit::Verification::Intact { entries } => {
                        println!("审计日志完整：共 {entries} 条记录，哈希链校验通过。");
                        Ok(())
                    }
                    mujun_store::audit::Verification::Broken { id, why } => {
                        anyhow::bail!("审计日志被篡改：第 {id} 条记录起哈希链断开（{why}）")
                    }
                }
            })
        }
    }
}
