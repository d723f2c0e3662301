//! `mujun demo`: generate demo data and evaluate it in one step.

use std::path::PathBuf;

use anyhow::Context;
use mujun_domain::Year;

/// Arguments of `demo`.
#[derive(clap::Args)]
pub struct Args {
    /// 企业数量
    #[arg(long, default_value_t = 1500)]
    pub enterprises: usize,
    /// 数据年度
    #[arg(long, default_value = "2024", value_parser = super::demo_data::parse_year)]
    pub year: Year,
    /// 评价方法
    #[arg(long, default_value = mujun_engine::presets::DEFAULT_PRESET)]
    pub method: String,
    /// 输出目录
    #[arg(long, default_value = "data")]
    pub dir: PathBuf,
}

/// Runs `demo`.
pub fn run(args: &Args) -> anyhow::Result<()> {
    std::fs::create_dir_all(&args.dir).with_context(|| format!("无法创建目录 {}", args.dir.display()))?;
    let input = args.dir.join(format!("demo-{}.csv", args.year));
    super::demo_data::write(args.enterprises, 2019, args.year, &input)?;
    eprintln!("已生成模拟数据：{}", input.display());
    let method = super::load_method(&args.method)?;
    let xlsx = args
        .dir
        .join(format!("result-{}-{}.xlsx", args.method, args.year));
    let summary = super::evaluate::evaluate_files(method, args.year, &input, &xlsx, None, &[])?;
    super::evaluate::print_summary(&summary, &xlsx);
    let csv = xlsx.with_extension("csv");
    mujun_batch::write_results(&csv, &summary.method, &summary.batch, &summary.eval)?;
    eprintln!("  同时写出 CSV：{}", csv.display());
    Ok(())
}
