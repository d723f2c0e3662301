//! `mujun methods list | show <id> | check <file>`.

use clap::Subcommand;
use mujun_engine::presets;

/// Method subcommands.
#[derive(Subcommand)]
pub enum Command {
    /// 列出内置评价方法
    List,
    /// 打印一个内置评价方法的 TOML 原文
    Show {
        /// 方法 id，如 henan-2019
        id: String,
    },
    /// 检查一个方法文件是否有效，并列出其评价组
    Check {
        /// 方法文件路径（TOML）
        file: std::path::PathBuf,
    },
}

/// Runs a method subcommand.
pub fn run(command: &Command) -> anyhow::Result<()> {
    match command {
        Command::List => {
            for (id, _) in presets::PRESETS {
                let m = presets::load(id)?;
                let default = if id == presets::DEFAULT_PRESET {
                    "（默认）"
                } else {
                    ""
                };
                println!("{id}\t{}{default}\tsha256:{}", m.name, &m.hash[..16]);
            }
        }
        Command::Show { id } => {
            let Some(text) = presets::source(id) else {
                presets::load(id)?;
                unreachable!("load fails for an unknown id");
            };
            print!("{text}");
        }
        Command::Check { file } => {
            let m = super::load_method(&file.to_string_lossy())?;
            println!("方法文件有效：{}（{}），sha256:{}", m.id, m.name, m.hash);
            for g in &m.groups {
                let inds: Vec<String> = g
                    .indicators
                    .iter()
                    .map(|i| format!("{} {}", i.id.label(), i.weight))
                    .collect();
                println!(
                    "  评价组 {}（{}）：按 {} 排名，规则 {}，档次 {}；指标 {}",
                    g.id,
                    g.scale.label(),
                    g.pool.id(),
                    g.rule.id(),
                    g.classes.join("/"),
                    inds.join("、")
                );
            }
        }
    }
    Ok(())
}
