//! `mujun serve [--demo]`: the web application.

use std::path::PathBuf;

use anyhow::Context;

/// Arguments of `serve`.
#[derive(clap::Args)]
pub struct Args {
    /// 演示模式：空数据库时写入驻马店演示数据与各角色演示账号
    #[arg(long)]
    pub demo: bool,
    /// 监听地址（默认 127.0.0.1:8080，或配置文件 / MUJUN_BIND）
    #[arg(long)]
    pub bind: Option<String>,
    /// 数据库地址：sqlite://data/mujun.db 或 postgres://…（或配置文件 / MUJUN_DATABASE）
    #[arg(long)]
    pub database: Option<String>,
    /// 配置文件
    #[arg(long, default_value = "mujun.toml")]
    pub config: PathBuf,
    /// 演示数据的企业数量
    #[arg(long, default_value_t = 1500)]
    pub demo_enterprises: usize,
}

/// Loads the configuration with command-line overrides.
pub fn config(
    file: &std::path::Path,
    bind: Option<&str>,
    database: Option<&str>,
) -> anyhow::Result<mujun_web::Config> {
    let mut c = mujun_web::Config::load(file).map_err(anyhow::Error::msg)?;
    if let Some(b) = bind {
        c.bind = b.to_owned();
    }
    if let Some(d) = database {
        c.database = d.to_owned();
    }
    Ok(c)
}

/// Connects to the configured database and builds the application.
pub async fn open(config: &mujun_web::Config) -> anyhow::Result<mujun_app::App> {
    open_as(config, false).await
}

/// [`open`], for a demo or not (a demo asks for no second factor unless configured to).
pub async fn open_as(config: &mujun_web::Config, demo: bool) -> anyhow::Result<mujun_app::App> {
    let key = config.audit_key().map_err(anyhow::Error::msg)?;
    let store = mujun_store::Store::connect(&config.database)
        .await
        .with_context(|| format!("无法打开数据库 {}", mujun_store::redact_url(&config.database)))?
        .with_audit_key(key);
    Ok(mujun_app::App::new(store, config.security(demo))
        .with_workflow(config.workflow())
        .with_land_rules(config.land())
        .with_service_rules(config.service())
        .with_task_rules(config.tasks())
        .with_warning_rules(config.warnings())
        .with_jobs(config.jobs())
        .with_site(config.site())
        .with_upload_limits(config.upload_limits())
        .with_audit_anchors(config.audit_anchor_file.clone().into()))
}

/// Opens the application for the server: also fills missing shared reference data
/// (departments, industries, the data-item catalogue) — for the demo also Zhumadian's counties
/// and clusters; a real city's come from `mujun init`.
pub async fn open_for_serving(config: &mujun_web::Config, demo: bool) -> anyhow::Result<mujun_app::App> {
    let app = open_as(config, demo).await?;
    if demo {
        app.ensure_reference_data().await?;
    } else {
        app.ensure_base_reference_data().await?;
    }
    // Letters carry the agency of the city setup unless the configuration names one.
    if config.agency.is_empty()
        && let Some(city) = app.city().await?
    {
        let site = mujun_app::Site {
            agency: city.agency,
            ..app.site().clone()
        };
        return Ok(app.with_site(site));
    }
    Ok(app)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    eprintln!("正在停止服务（等待进行中的请求完成）……");
}

/// Runs `serve`.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let config = config(&args.config, args.bind.as_deref(), args.database.as_deref())?;
    anyhow::ensure!(
        config.tls_cert.is_empty() == config.tls_key.is_empty(),
        "配置有误：tls_cert 与 tls_key 须同时设置（证书链与私钥的 PEM 文件），或都不设置"
    );
    // The engine (rayon) runs on a bounded pool: a run of 100,000 enterprises must not take the
    // core the requests are answered on. Only the first call in a process sets it (the global
    // pool cannot be rebuilt; a second `run` in one test process keeps the first).
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(config.engine_thread_count())
        .thread_name(|i| format!("engine-{i}"))
        .build_global();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let app = open_for_serving(&config, args.demo).await?;
        if args.demo {
            eprintln!("演示模式：检查数据库……");
            if config.require_totp.is_none() {
                eprintln!(
                    "演示模式不强制特权账号使用动态验证码（正式运行默认强制；可设 require_totp = true）。"
                );
            }
            match app.seed_demo(args.demo_enterprises, 2019).await? {
                Some(seed) => {
                    eprintln!(
                        "已写入演示数据：驻马店 10 个县区、11 个产业集聚区、{} 家企业、{:?} 年度数据。",
                        seed.enterprises, seed.years
                    );
                    eprintln!("演示账号（密码均为 {}）：", mujun_app::demo::DEMO_PASSWORD);
                    for a in &seed.accounts {
                        eprintln!("  {:<10} {}（{}）", a.username, a.role, a.scope);
                    }
                    if let Some((run, year)) = app.seed_demo_what_if().await? {
                        eprintln!(
                            "已计算演示评价批次 #{run}（{year} 年度，草稿）并保存模拟方案“{}”：以 city 登录，在该批次页面点“模拟方法调整”。",
                            mujun_app::evaluation::simulate::demo::DEMO_SCENARIO
                        );
                    }
                }
                None => eprintln!(
                    "数据库已有数据，未再写入演示数据。演示账号密码为 {}。",
                    mujun_app::demo::DEMO_PASSWORD
                ),
            }
        } else if app.city().await?.is_none() && app.reference_regions_empty().await? {
            eprintln!("本系统尚未设置城市。请先运行（以南阳市为例）：");
            eprintln!("  mujun init --city 411300 --agency 南阳市发展和改革委员会");
            eprintln!("（或用 mujun serve --demo 体验驻马店演示数据）");
        } else if app.account_count().await? == 0 {
            eprintln!("数据库中还没有任何账号。请先创建系统管理员：");
            eprintln!("  mujun user create-admin --username admin");
            eprintln!("（或用 mujun serve --demo 体验演示数据）");
        }
        // Background jobs (evaluation runs): this server takes its share, and takes over the
        // jobs of servers that died (stale heartbeat) — never one a live server is working on.
        let _worker = app.start_worker();
        // Anchors of the audit chain, outside the database: at start, then periodically.
        let anchoring = {
            let app = app.clone();
            let every = std::time::Duration::from_secs(config.audit_anchor_minutes.max(1) * 60);
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(every);
                loop {
                    tick.tick().await;
                    if let Err(e) = app.anchor_audit().await {
                        tracing::error!("audit anchor failed: {e}");
                    }
                }
            })
        };
        let listener = tokio::net::TcpListener::bind(&config.bind)
            .await
            .with_context(|| format!("无法监听 {}（端口被占用？可用 --bind 换一个地址）", config.bind))?;
        let addr = listener.local_addr()?;
        let scheme = if config.tls() { "https" } else { "http" };
        eprintln!(
            "服务已启动：{scheme}://{addr}/  （数据库 {}；按 Ctrl+C 停止）",
            mujun_store::redact_url(&config.database)
        );
        let state = mujun_web::state(app.clone(), config.clone(), args.demo);
        if config.tls() {
            mujun_web::serve_tls(
                state,
                listener.into_std()?,
                std::path::Path::new(&config.tls_cert),
                std::path::Path::new(&config.tls_key),
                shutdown_signal(),
            )
            .await?;
        } else {
            mujun_web::serve(state, listener, shutdown_signal()).await?;
        }
        anchoring.abort();
        // A last anchor of everything this server wrote.
        if let Err(e) = app.anchor_audit().await {
            eprintln!("写入审计锚点失败：{e}");
        }
        app.store().close().await;
        eprintln!("服务已停止。");
        Ok(())
    })
}
