//! `mujun demo-data`: synthetic Zhumadian enterprises.

use std::path::PathBuf;

use anyhow::Context;
use mujun_domain::Year;

/// Arguments of `demo-data`.
#[derive(clap::Args)]
pub struct Args {
    /// 企业数量
    #[arg(long, default_value_t = 1500)]
    pub enterprises: usize,
    /// 随机种子（相同种子生成相同文件）
    #[arg(long, default_value_t = 2019)]
    pub seed: u64,
    /// 数据年度
    #[arg(long, default_value = "2024", value_parser = parse_year)]
    pub year: Year,
    /// 输出文件（.csv 或 .xlsx）
    #[arg(long)]
    pub out: PathBuf,
}

/// Parses a year argument with the domain's rules.
pub fn parse_year(s: &str) -> Result<Year, String> {
    Year::parse(s).map_err(|e| e.to_string())
}

/// Runs `demo-data`.
pub fn run(args: &Args) -> anyhow::Result<()> {
    write(args.enterprises, args.seed, args.year, &args.out)?;
    eprintln!(
        "已生成 {} 家模拟企业（{} 年度，种子 {}）：{}",
        args.enterprises,
        args.year,
        args.seed,
        args.out.display()
    );
    Ok(())
}

/// Generates and writes demo rows (shared with `mujun demo`).
pub fn write(enterprises: usize, seed: u64, year: Year, out: &std::path::Path) -> anyhow::Result<()> {
    let rows = mujun_demo::generate(&mujun_demo::DemoOptions {
        enterprises,
        seed,
        year,
    });
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "csv" => {
            let file =
                std::fs::File::create(out).with_context(|| format!("无法创建文件 {}", out.display()))?;
            mujun_demo::write_csv(&rows, std::io::BufWriter::with_capacity(1 << 20, file))?;
        }
        "xlsx" => mujun_demo::write_xlsx(&rows, out)?,
        _ => anyhow::bail!("输出文件 {} 的类型不支持，请使用 .csv 或 .xlsx", out.display()),
    }
    Ok(())
}
