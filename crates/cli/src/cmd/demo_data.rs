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
    /// 输出文件（.csv 或 .xlsx）；与 --city 一起使用时为输出目录
    #[arg(long)]
    pub out: PathBuf,
    /// 为某个城市（6 位行政区划代码，如南阳市 411300）生成“第一天”的全部文件：企业名录、前三年的评价类别
    /// 和数据（本市自己的表头，附列对应文件），以及本年度各部门的数据
    #[arg(long)]
    pub city: Option<String>,
}

/// Parses a year argument with the domain's rules.
pub fn parse_year(s: &str) -> Result<Year, String> {
    Year::parse(s).map_err(|e| e.to_string())
}

/// Runs `demo-data`.
pub fn run(args: &Args) -> anyhow::Result<()> {
    if let Some(city) = &args.city {
        return write_city(city, args);
    }
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

/// Writes a city's day-one files into the directory `args.out`.
fn write_city(code: &str, args: &Args) -> anyhow::Result<()> {
    let region = mujun_domain::RegionCode::parse(code).map_err(|e| anyhow::anyhow!("{e}"))?;
    let city = mujun_domain::divisions::city(region)
        .with_context(|| format!("{code} 不是地级市或直辖市的行政区划代码"))?;
    std::fs::create_dir_all(&args.out).with_context(|| format!("无法创建目录 {}", args.out.display()))?;
    let files = mujun_demo::city::city_files(&city, args.enterprises, args.seed, args.year);
    let mut written = Vec::new();
    let all = std::iter::once(&files.registry)
        .chain(std::iter::once(&files.classes))
        .chain(files.earlier.iter().map(|(_, f)| f))
        .chain(files.this_year.iter().map(|(_, f)| f));
    for f in all {
        let path = args.out.join(&f.name);
        mujun_demo::city::write_table_xlsx(&f.table, &path)
            .with_context(|| format!("无法写入 {}", path.display()))?;
        written.push(f.name.clone());
        if let Some(m) = &f.mapping {
            let name = format!("列对应-{}.toml", f.name.trim_end_matches(".xlsx"));
            std::fs::write(args.out.join(&name), m).with_context(|| format!("无法写入 {name}"))?;
            written.push(name);
        }
    }
    eprintln!(
        "已为{}{}生成 {} 个文件（{} 家企业，{} 年度及前三年，种子 {}）：{}\n{}",
        city.province.name,
        city.division.name,
        written.len(),
        files.registry.table.rows.len(),
        args.year,
        args.seed,
        args.out.display(),
        written.join("\n")
    );
    Ok(())
}
