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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Evaluate(args) => cmd::evaluate::run(&args),
        Command::Methods { command } => cmd::methods::run(&command),
        Command::DemoData(args) => cmd::demo_data::run(&args),
        Command::Demo(args) => cmd::demo::run(&args),
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
