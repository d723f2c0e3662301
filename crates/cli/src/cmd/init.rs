//! `mujun init --city <code> --agency <name>`: sets up the city an empty database serves.

use std::path::PathBuf;

/// Arguments of `init`.
#[derive(clap::Args)]
pub struct Args {
    /// 城市的 6 位行政区划代码（GB/T 2260），如南阳市 411300、驻马店市 411700
    #[arg(long)]
    pub city: String,
    /// 组织评价的机构名称，印在通知书等文件上，如“南阳市发展和改革委员会”
    #[arg(long)]
    pub agency: String,
    /// 数据库地址
    #[arg(long)]
    pub database: Option<String>,
    /// 配置文件
    #[arg(long, default_value = "mujun.toml")]
    pub config: PathBuf,
}

/// Runs `init`.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let config = super::serve::config(&args.config, None, args.database.as_deref())?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let app = super::serve::open(&config).await?;
        let result = app.init_city(&args.city, &args.agency).await;
        app.store().close().await;
        let city = result?;
        println!(
            "已设置城市：{}{}（{}），组织机构：{}。",
            city.province, city.name, city.code, city.agency
        );
        println!("县级行政区（{} 个）：", city.counties.len());
        for (code, name) in &city.counties {
            println!("  {code} {name}");
        }
        println!(
            "下一步：mujun user create-admin 创建系统管理员和安全管理员，登记产业集聚区，导入企业名录。"
        );
        Ok(())
    })
}
