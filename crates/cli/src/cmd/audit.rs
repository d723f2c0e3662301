//! `mujun audit verify`: recompute the audit trail's keyed chain and check it against the
//! anchors; `mujun audit anchor`: write an anchor now (e.g. from cron on a host without a
//! running server).

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
    /// 立即把审计日志链尾（序号与封印）写入锚点文件
    Anchor {
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
                    mujun_store::audit::Verification::Intact { entries, unkeyed } => {
                        println!(
                            "审计日志完整：共 {entries} 条记录（{} 条以 {} 封印，{unkeyed} 条写于启用密钥之前），与锚点文件一致。",
                            entries - unkeyed,
                            config.audit_mac
                        );
                        Ok(())
                    }
                    mujun_store::audit::Verification::Broken { id: 0, why } => {
                        anyhow::bail!("审计日志被篡改：{why}")
                    }
                    mujun_store::audit::Verification::Broken { id, why } => {
                        anyhow::bail!("审计日志被篡改：第 {id} 条记录起链条断开（{why}）")
                    }
                }
            })
        }
        Command::Anchor { database, config } => {
            let config = super::serve::config(config, None, database.as_deref())?;
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            runtime.block_on(async {
                let app = super::serve::open(&config).await?;
                let anchor = app.anchor_audit().await?;
                app.store().close().await;
                match anchor {
                    Some(a) => println!(
                        "已写入锚点：第 {} 条记录，封印 {}（{}）。",
                        a.id, a.hash, config.audit_anchor_file
                    ),
                    None => println!("链尾自上一个锚点以来没有变化，未写入新锚点。"),
                }
                Ok(())
            })
        }
    }
}
