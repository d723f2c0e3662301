//! `mujun config print`: the effective configuration, secrets redacted.

use std::path::PathBuf;

/// Config subcommands.
#[derive(clap::Subcommand)]
pub enum Command {
    /// 打印生效的配置（默认值 → mujun.toml → MUJUN_* 环境变量），密码已隐去
    Print {
        /// 配置文件
        #[arg(long, default_value = "mujun.toml")]
        config: PathBuf,
    },
}

/// Runs a config subcommand.
pub fn run(command: &Command) -> anyhow::Result<()> {
    match command {
        Command::Print { config } => {
            let c = super::serve::config(config, None, None)?;
            print!("{}", c.redacted_toml());
            Ok(())
        }
    }
}
