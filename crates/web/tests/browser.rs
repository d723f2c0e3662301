//! Browser tests (Debian chromium + chromedriver, headless): a county officer logs in, filters
//! the enterprise list with the class select (which submits itself through static/app.js),
//! and opens an enterprise's record; during the notice of an evaluation run, the enterprise user
//! files an objection with an attachment from its score card, and the tax department's officer
//! accepts it with the corrected value. Run when `MUJUN_BROWSER_TESTS=1` (`.ci/run` sets it and
//! installs the browser); otherwise they say they are skipped.
#![allow(clippy::unwrap_used)]

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use mujun_app::{App, HashCost, Security};

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn enabled() -> bool {
    if std::env::var("MUJUN_BROWSER_TESTS").as_deref() == Ok("1") {
        return true;
    }
    eprintln!(
        "SKIPPED browser test: set MUJUN_BROWSER_TESTS=1 (needs chromium and chromedriver; .ci/run installs them)"
    );
    false
}

/// The application on a real port: its base URL, and the switch that stops it.
struct Server {
    base: String,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

async fn serve(app: App) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = mujun_web::state(app, mujun_web::Config::default(), true);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(mujun_web::serve(state, listener, async move {
        let _ = stopped.await;
    }));
    Server { base, stop, task }
}

impl Server {
    async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

/// A headless chromium driven by chromedriver (both dropped with the returned values).
async fn browser() -> (Client, Driver, tempfile::TempDir) {
    let port = free_port();
    let driver = Driver(
        Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is installed (apt-get install chromium-driver)"),
    );
    let profile = tempfile::tempdir().unwrap();
    let caps: serde_json::Map<String, serde_json::Value> = serde_json::from_value(serde_json::json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1280,900",
                format!("--user-data-dir={}", profile.path().display()),
            ]
        }
    }))
    .unwrap();
    let webdriver = format!("http://127.0.0.1:{port}");
    let mut client = None;
    for _ in 0..50 {
        let mut b = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
        if let Ok(c) = b.capabilities(caps.clone()).connect(&webdriver).await {
            client = Some(c);
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    (client.expect("chromedriver answers"), driver, profile)
}

/// Signs in through the login form and waits for the signed-in header.
async fn login(c: &Client, base: &str, username: &str) {
    login_with(c, base, username, mujun_app::demo::DEMO_PASSWORD).await;
}

/// [`login`] with a password.
async fn login_with(c: &Client, base: &str, username: &str, password: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    c.find(Locator::Css("input[name=username]"))
        .await
        .unwrap()
        .send_keys(username)
        .await
        .unwrap();
    c.find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys(password)
        .await
        .unwrap();
    c.find(Locator::Css("form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("header.top .user"))
        .await
        .unwrap();
}

/// The text of the first element matching `css`, once it is there (looked up again if the
/// page was replaced meanwhile, as a self-refreshing page does).
async fn text_of(c: &Client, css: &str) -> String {
    let mut last = String::new();
    for _ in 0..20 {
        let element = c
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        match element.text().await {
            Ok(text) => return text,
            Err(e) => last = e.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("{css}: {last}")
}

/// The text of `css` once it contains `needle` (a page replacing the current one), or its last
/// text after ten seconds.
async fn text_until(c: &Client, css: &str, needle: &str) -> String {
    let mut last = String::new();
    for _ in 0..50 {
        last = text_of(c, css).await;
        if last.contains(needle) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    last
}

/// The application on a fresh SQLite database with 150 demo enterprises.
async fn demo_app() -> (mujun_store::testing::TestStore, App) {
    let store = mujun_store::testing::sqlite().await;
    let app = App::new(
        store.store.clone(),
        Security {
            hash_cost: HashCost::TEST,
            require_totp: false,
            ..Security::default()
        },
    );
    app.seed_demo(150, 11).await.unwrap().unwrap();
    (store, app)
}

async fn app_actor(app: &App, user: &str) -> mujun_app::Actor {
    app.login(user, mujun_app::demo::DEMO_PASSWORD, "127.0.0.1", None)
        .await
        .unwrap()
        .actor
}

fn screenshots() -> std::path::PathBuf {
    let shots = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&shots).unwrap();
    shots
}

#[tokio::test]
async fn a_county_officer_filters_the_list_and_opens_an_enterprise() {
    if !enabled() {
        return;
    }
    // The application on a real port.
    let (store, app) = demo_app().await;
    let server = serve(app).await;
    let base = server.base.clone();
    let (c, _driver, _profile) = browser().await;
    let shots = screenshots();

    // Log in.
    login(&c, &base, "yicheng").await;
    let header = c
        .find(Locator::Css("header.top"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        header.contains("县区人员") && header.contains("驿城区"),
        "{header}"
    );
    std::fs::write(shots.join("1-home.png"), c.screenshot().await.unwrap()).unwrap();

    // The list, filtered by class through the self-submitting select.
    c.goto(&format!("{base}/enterprises")).await.unwrap();
    let all = c
        .find(Locator::Css(".toolbar .count"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let select = c.find(Locator::Css("select[name=class]")).await.unwrap();
    select.select_by_value("B").await.unwrap();
    let mut filtered = String::new();
    for _ in 0..50 {
        if c.current_url().await.unwrap().as_str().contains("class=B") {
            filtered = c
                .find(Locator::Css(".toolbar .count"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!filtered.is_empty(), "the select submitted the filter form");
    assert_ne!(all, filtered, "the filter narrowed the list: {all} vs {filtered}");
    let badges = c.find_all(Locator::Css("tbody .badge")).await.unwrap();
    assert!(!badges.is_empty());
    for b in &badges {
        assert_eq!(b.text().await.unwrap(), "B");
    }
    let regions = c
        .find_all(Locator::Css("tbody tr td:nth-child(3)"))
        .await
        .unwrap();
    for r in &regions {
        assert!(r.text().await.unwrap().contains("驿城区"), "county scope");
    }
    std::fs::write(shots.join("2-list.png"), c.screenshot().await.unwrap()).unwrap();

    // Open the first enterprise.
    let link = c.find(Locator::Css("tbody tr td a")).await.unwrap();
    let name = link.text().await.unwrap();
    link.click().await.unwrap();
    let h1 = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("main h1"))
        .await
        .unwrap();
    assert!(h1.text().await.unwrap().contains(&name), "the record of {name}");
    assert!(c.current_url().await.unwrap().path().starts_with("/enterprises/"));
    assert!(
        c.find(Locator::Css("dl.facts")).await.is_ok(),
        "registry facts shown"
    );
    std::fs::write(shots.join("3-detail.png"), c.screenshot().await.unwrap()).unwrap();
    eprintln!("screenshots in {}", shots.display());

    c.close().await.unwrap();
    server.stop().await;
    store.cleanup().await;
}

#[tokio::test]
async fn an_enterprise_objects_during_the_notice_and_the_department_accepts() {
    if !enabled() {
        return;
    }
    // A run of 2024 under notice, set up through the use cases.
    let (store, app) = demo_app().await;
    let city = app
        .login("city", mujun_app::demo::DEMO_PASSWORD, "127.0.0.1", None)
        .await
        .unwrap()
        .actor;
    let started = app
        .start_run(
            &city,
            &mujun_app::evaluation::runs::StartRun {
                year: 2024,
                method: "preset:henan-2019".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    started.job.await.unwrap();
    let run = started.id;
    let today = (mujun_store::now_ms() / 1000 + 8 * 3600).div_euclid(86_400);
    let date = |d: i64| mujun_domain::Date::from_days_since_epoch(d).unwrap().to_string();
    app.start_notice(&city, run, &date(today), &date(today + 7))
        .await
        .unwrap();
    let server = serve(app.clone()).await;
    let base = server.base.clone();
    let (c, _driver, _profile) = browser().await;
    let shots = screenshots();

    // The enterprise user opens its score card from the list of runs.
    login(&c, &base, "qiye").await;
    c.goto(&format!("{base}/runs")).await.unwrap();
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::LinkText("本企业评分卡"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The click navigates: wait for the score card rather than read the old page's title.
    let mut title = String::new();
    for _ in 0..50 {
        title = text_of(&c, "main h1").await;
        if title.starts_with("评分卡") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(title.starts_with("评分卡"), "{title}");
    assert!(text_of(&c, "p.reproduced").await.contains("复算一致"));
    // On a desktop the indicator table is a table (cards are for phones only).
    let display = c
        .execute(
            "return getComputedStyle(document.querySelector('table.indicators')).display;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        display.as_str(),
        Some("table"),
        "the score card's table on a desktop"
    );
    std::fs::write(shots.join("4-score-card.png"), c.screenshot().await.unwrap()).unwrap();

    // An objection on 实缴税收 with an attachment.
    let proof = tempfile::Builder::new().suffix(".pdf").tempfile().unwrap();
    std::fs::write(proof.path(), b"%PDF-1.4 proof of payment").unwrap();
    let form = c.find(Locator::Css("#objection-form")).await.unwrap();
    form.find(Locator::Css("select[name=item]"))
        .await
        .unwrap()
        .select_by_value("tax_paid")
        .await
        .unwrap();
    form.find(Locator::Css("textarea[name=text]"))
        .await
        .unwrap()
        .send_keys("漏计了 12 月入库的税款")
        .await
        .unwrap();
    form.find(Locator::Css("input[type=file]"))
        .await
        .unwrap()
        .send_keys(&proof.path().display().to_string())
        .await
        .unwrap();
    form.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let flash = text_of(&c, ".flash.ok").await;
    assert!(flash.contains("异议已提交"), "{flash}");
    let row = text_of(&c, "table.objections tbody tr").await;
    assert!(
        row.contains("实缴税收") && row.contains("待处理") && row.contains("附件"),
        "{row}"
    );
    std::fs::write(shots.join("5-objection-filed.png"), c.screenshot().await.unwrap()).unwrap();

    // Sign out; the tax department's officer accepts it with the corrected value.
    c.find(Locator::Css("header.top form[action='/logout'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("input[name=username]"))
        .await
        .unwrap();
    login(&c, &base, "tax").await;
    c.find(Locator::LinkText("评价异议"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let row = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("table.objections tbody tr"))
        .await
        .unwrap();
    assert!(row.text().await.unwrap().contains("漏计了 12 月入库的税款"));
    let accept = row.find(Locator::Css("form.accept")).await.unwrap();
    accept
        .find(Locator::Css("input[name=value]"))
        .await
        .unwrap()
        .send_keys("8888.5")
        .await
        .unwrap();
    accept
        .find(Locator::Css("input[name=note]"))
        .await
        .unwrap()
        .send_keys("已核实入库记录")
        .await
        .unwrap();
    accept
        .find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let flash = text_of(&c, ".flash.ok").await;
    assert!(flash.contains("异议已处理"), "{flash}");
    let row = text_of(&c, "table.objections tbody tr").await;
    assert!(
        row.contains("已采纳") && row.contains("8,888.50") && row.contains("已核实入库记录"),
        "{row}"
    );
    std::fs::write(
        shots.join("6-objection-accepted.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();
    // The corrected value is now the enterprise's current tax figure.
    let own = app
        .list_objections(&city, Some(run))
        .await
        .unwrap()
        .remove(0)
        .objection
        .enterprise_id;
    let mut conn = app.store().read().await.unwrap();
    let tax = mujun_store::figures::current(&mut conn, own, 2024)
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.field == "tax_paid")
        .unwrap();
    assert_eq!((tax.value, tax.source.as_str()), (Some(8888.5), "objection"));
    drop(conn);

    c.close().await.unwrap();
    server.stop().await;
    store.cleanup().await;
}

#[tokio::test]
async fn the_city_confirms_moved_classes_before_skipping_the_notice_and_the_enterprise_is_told() {
    if !enabled() {
        return;
    }
    // A run of 2024 whose notice ended after the tax department accepted the enterprise
    // user's objection with a value that moves its class.
    let (store, app) = demo_app().await;
    let login_as = |u: &'static str| {
        let app = app.clone();
        async move {
            app.login(u, mujun_app::demo::DEMO_PASSWORD, "127.0.0.1", None)
                .await
                .unwrap()
                .actor
        }
    };
    let city = login_as("city").await;
    let qiye = login_as("qiye").await;
    let tax = login_as("tax").await;
    let started = app
        .start_run(
            &city,
            &mujun_app::evaluation::runs::StartRun {
                year: 2024,
                method: "preset:henan-2019".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    started.job.await.unwrap();
    let run = started.id;
    let today = (mujun_store::now_ms() / 1000 + 8 * 3600).div_euclid(86_400);
    let date = |d: i64| mujun_domain::Date::from_days_since_epoch(d).unwrap().to_string();
    app.start_notice(&city, run, &date(today), &date(today + 6))
        .await
        .unwrap();
    let own = qiye.enterprise_id.unwrap();
    let card = app.score_card(&qiye, run, own).await.unwrap();
    let objection = app
        .file_objection(
            &qiye,
            run,
            &mujun_app::evaluation::objections::ObjectionForm {
                item: "tax_paid".into(),
                text: "漏计税款".into(),
                attachment: None,
            },
        )
        .await
        .unwrap();
    let corrected = if card.result.final_class == "A" {
        0.0
    } else {
        card.input.tax_paid.unwrap_or(0.0) * 20.0 + 10_000.0
    };
    app.resolve_objection(
        &tax,
        objection,
        &mujun_app::evaluation::objections::Decision::Accept {
            corrected_value: Some(corrected),
            note: "补录入库税款".into(),
        },
    )
    .await
    .unwrap();
    app.end_notice(&city, run, "异议已全部收到").await.unwrap();
    let server = serve(app.clone()).await;
    let base = server.base.clone();
    let (c, _driver, _profile) = browser().await;
    let shots = screenshots();

    // The city re-runs from the run's page; the new run's page follows its progress.
    login(&c, &base, "city").await;
    c.goto(&format!("{base}/runs/{run}")).await.unwrap();
    c.find(Locator::Css(&format!(
        "form[action='/runs/{run}/rerun'] button[type=submit]"
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    let state = c
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::XPath("//span[@id='run-state' and text()='草稿']"))
        .await
        .unwrap();
    assert_eq!(state.text().await.unwrap(), "草稿");
    let rerun: i64 = c
        .current_url()
        .await
        .unwrap()
        .path()
        .trim_start_matches("/runs/")
        .parse()
        .unwrap();
    // The changed enterprises are listed before the notice can be skipped.
    let changes = text_of(&c, "table.changes tbody").await;
    assert!(changes.contains(&card.input.name), "{changes}");
    let skip = c
        .find(Locator::Css(&format!("form[action='/runs/{rerun}/skip-notice']")))
        .await
        .unwrap();
    let warning = skip.text().await.unwrap();
    assert!(warning.contains("类别发生变化"), "{warning}");
    std::fs::write(shots.join("7-rerun-changes.png"), c.screenshot().await.unwrap()).unwrap();
    skip.find(Locator::Css("input[name=confirm_changes]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    skip.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The old page (with its own flash) may still be shown for a moment.
    let flash = text_until(&c, ".flash.ok", "直接进入复核").await;
    assert!(flash.contains("直接进入复核"), "{flash}");
    assert_eq!(text_of(&c, "#run-state").await, "复核中");

    // The moved enterprise finds the message in its portal.
    c.find(Locator::Css("header.top form[action='/logout'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("input[name=username]"))
        .await
        .unwrap();
    login(&c, &base, "qiye").await;
    assert_eq!(text_of(&c, "header.top .messages .count").await, "1");
    c.find(Locator::Css("header.top .messages"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let message = text_of(&c, "ul.messages-list li.unread").await;
    assert!(
        message.contains("类别变更通知") && message.contains("变更为"),
        "{message}"
    );
    std::fs::write(shots.join("8-message.png"), c.screenshot().await.unwrap()).unwrap();
    // Opening it marks it read and leads to the new score card.
    c.find(Locator::Css("ul.messages-list li.unread form button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The click navigates: wait for the score card rather than read the old page's title.
    let mut title = String::new();
    for _ in 0..50 {
        title = text_of(&c, "main h1").await;
        if title.starts_with("评分卡") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(title.starts_with("评分卡"), "{title}");
    assert!(
        c.current_url()
            .await
            .unwrap()
            .path()
            .starts_with(&format!("/runs/{rerun}/enterprises/"))
    );
    assert_eq!(app.unread_messages(&qiye).await.unwrap(), 0);

    c.close().await.unwrap();
    server.stop().await;
    store.cleanup().await;
}

/// Fills the fields of the form `form` and submits it.
async fn submit(c: &Client, form: &str, fields: &[(&str, &str)]) {
    for (name, value) in fields {
        c.find(Locator::Css(&format!("{form} [name={name}]")))
            .await
            .unwrap_or_else(|e| panic!("{form} {name}: {e}"))
            .send_keys(value)
            .await
            .unwrap();
    }
    c.find(Locator::Css(&format!("{form} button[type=submit]")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Enrols the signed-in account's second factor as a person with an authenticator app would:
/// starts, reads the secret under the QR code, types the current code.
async fn enrol_totp(c: &Client) {
    c.find(Locator::Css("form[action='/account/security/totp'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The page with the QR code replaces this one: wait for it.
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(".qr svg"))
        .await
        .expect("the QR code is drawn on the page");
    let secret = text_of(c, "[data-testid=totp-secret]").await;
    let key = mujun_app::totp::base32_decode(&secret).unwrap();
    let code = mujun_app::totp::code_at(&key, mujun_store::now_ms() / 30_000);
    submit(
        c,
        "form[action='/account/security/totp/confirm']",
        &[("code", &code)],
    )
    .await;
    let codes = text_of(c, "[data-testid=recovery-codes]").await;
    assert_eq!(
        codes.lines().filter(|l| !l.trim().is_empty()).count(),
        10,
        "{codes}"
    );
}

async fn logout(c: &Client) {
    c.find(Locator::Css("form[action='/logout'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("input[name=username]"))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_privileged_account_needs_two_administrators_and_a_second_factor() {
    if !enabled() {
        return;
    }
    // Production settings: privileged roles must use a second factor.
    let store = mujun_store::testing::sqlite().await;
    let app = App::new(
        store.store.clone(),
        Security {
            hash_cost: HashCost::TEST,
            ..Security::default()
        },
    );
    app.seed_demo(40, 3).await.unwrap().unwrap();
    let server = serve(app.clone()).await;
    let base = server.base.clone();
    let (c, _driver, _profile) = browser().await;
    let shots = screenshots();

    // The system administrator must enrol before anything else, then asks for a city account.
    login(&c, &base, "admin").await;
    assert!(
        c.current_url()
            .await
            .unwrap()
            .path()
            .starts_with("/account/security")
    );
    enrol_totp(&c).await;
    c.goto(&format!("{base}/accounts/new")).await.unwrap();
    c.find(Locator::Css("select[name=role]"))
        .await
        .unwrap()
        .select_by_value("city_admin")
        .await
        .unwrap();
    submit(
        &c,
        "form[action='/accounts/new']",
        &[("username", "city9"), ("display_name", "新任市级管理员")],
    )
    .await;
    let half_a = text_of(&c, "[data-testid=half-a]").await;
    std::fs::write(shots.join("7-request.png"), c.screenshot().await.unwrap()).unwrap();
    logout(&c).await;

    // The security administrator approves and sees the other half.
    login(&c, &base, "secadmin").await;
    enrol_totp(&c).await;
    c.goto(&format!("{base}/account-requests")).await.unwrap();
    assert!(text_of(&c, "table").await.contains("city9"));
    c.find(Locator::Css("form[action$='/approve'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.accept_alert().await.unwrap();
    let half_b = text_of(&c, "[data-testid=half-b]").await;
    assert_ne!(half_a, half_b);
    std::fs::write(shots.join("8-approved.png"), c.screenshot().await.unwrap()).unwrap();
    logout(&c).await;

    // The person activates with both halves and must enrol a second factor at first login.
    c.goto(&format!("{base}/activate")).await.unwrap();
    submit(
        &c,
        "form[action='/activate']",
        &[
            ("username", "city9"),
            ("code", &format!("{half_a}{half_b}")),
            ("password", "Nine-City-Passw0rd"),
            ("confirm", "Nine-City-Passw0rd"),
        ],
    )
    .await;
    assert!(text_of(&c, ".flash").await.contains("账号已激活"));
    login_with(&c, &base, "city9", "Nine-City-Passw0rd").await;
    assert!(
        c.current_url()
            .await
            .unwrap()
            .path()
            .starts_with("/account/security")
    );
    assert!(text_of(&c, ".flash").await.contains("双因素认证"));
    enrol_totp(&c).await;
    c.goto(&format!("{base}/runs")).await.unwrap();
    assert!(
        text_of(&c, "h1").await.contains("评价"),
        "the city administrator works now"
    );
    std::fs::write(shots.join("9-activated.png"), c.screenshot().await.unwrap()).unwrap();

    c.close().await.unwrap();
    server.stop().await;
    store.cleanup().await;
}

#[tokio::test]
async fn the_city_maps_the_columns_of_its_own_registry_file() {
    if !enabled() {
        return;
    }
    let (store, app) = demo_app().await;
    let server = serve(app).await;
    let base = server.base.clone();
    let (c, _driver, _profile) = browser().await;
    let shots = screenshots();
    login(&c, &base, "city").await;
    c.goto(&format!("{base}/setup")).await.unwrap();
    // A registry in the city's own layout: only the industry code is named as we name it.
    let code = |n: u32| {
        mujun_domain::CreditCode::with_check_char(&format!("91411700MA{n:07}"))
            .unwrap()
            .to_string()
    };
    let file = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    std::fs::write(
        file.path(),
        format!(
            "企业代码,企业全称,所属县区,行业代码,备注\n{},浏览器甲公司,驿城区,3511,新建\n{},浏览器乙公司,西平县,1310,\n",
            code(901),
            code(902)
        ),
    )
    .unwrap();
    let form = c
        .find(Locator::Css("form[action='/setup/registry']"))
        .await
        .unwrap();
    form.find(Locator::Css("input[type=file]"))
        .await
        .unwrap()
        .send_keys(&file.path().display().to_string())
        .await
        .unwrap();
    form.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The mapping step: each column with its values and what it is taken for.
    let table = text_of(&c, "table[data-testid=mapping]").await;
    assert!(
        table.contains("企业代码")
            && table.contains("浏览器甲公司、浏览器乙公司")
            && table.contains("未识别"),
        "{table}"
    );
    assert!(table.contains("请核对"), "guesses are marked: {table}");
    std::fs::write(
        shots.join("mapping-1-detected.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();
    for (i, target) in [(0, "统一社会信用代码"), (1, "企业名称"), (2, "县区")] {
        c.find(Locator::Css(&format!("select[name=c{i}]")))
            .await
            .unwrap()
            .select_by_value(target)
            .await
            .unwrap();
    }
    c.find(Locator::Css("form[action='/setup/mapping'] button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let flash = text_until(&c, ".flash.ok", "新增").await;
    assert!(
        flash.contains("已导入企业名录") && flash.contains("新增 2 家"),
        "{flash}"
    );
    std::fs::write(
        shots.join("mapping-2-imported.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();
    c.close().await.unwrap();
    server.stop().await;
    store.cleanup().await;
}

#[tokio::test]
async fn every_role_opens_its_cockpit_on_a_desktop_and_a_phone() {
    if !enabled() {
        return;
    }
    let (store, app) = demo_app().await;
    let base_app = app.clone();
    let server = serve(app).await;
    let base = server.base.clone();
    let (c, _driver, _profile) = browser().await;
    let shots = screenshots();
    let number = |v: f64| mujun_app::evaluation::format::number(v, 2);
    for user in ["city", "leader", "yicheng", "zhuangbei", "tax"] {
        // What the database says this role's cockpit holds (the default year).
        let actor = app_actor(&base_app, user).await;
        let want = base_app.cockpit(&actor, 0).await.unwrap();
        c.delete_all_cookies().await.unwrap();
        c.set_window_size(1366, 1000).await.unwrap();
        login(&c, &base, user).await;
        c.goto(&format!("{base}/")).await.unwrap();
        let kpis = text_of(&c, "[data-testid=kpis]").await;
        let tax = want.tax_per_mu.map(number).unwrap_or_default();
        assert!(
            kpis.contains("亩均税收") && kpis.contains(&tax),
            "{user}: the cockpit's 亩均税收 {tax} in {kpis}"
        );
        // The ranking chart: one bar per county of the scope, each with its figure.
        let bars = c
            .execute(
                "return Array.from(document.querySelectorAll('[data-testid=ranking] g.bar title')).map(t => t.textContent);",
                vec![],
            )
            .await
            .unwrap();
        let bars: Vec<String> = bars
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap_or("").to_owned())
            .collect();
        let lines: Vec<_> = want.regions.iter().filter(|r| r.tax_per_mu.is_some()).collect();
        assert_eq!(bars.len(), lines.len(), "{user}: {bars:?}");
        for r in &lines {
            let figure = format!("{}：{} 万元/亩", r.name, number(r.tax_per_mu.unwrap_or(0.0)));
            assert!(
                bars.iter().any(|b| b.starts_with(&figure)),
                "{user}: {figure} in {bars:?}"
            );
        }
        if user == "city" {
            let tiles = c
                .find_all(Locator::Css("[data-testid=map] g.tile"))
                .await
                .unwrap();
            assert_eq!(tiles.len(), 10, "Zhumadian's ten counties on the map");
            std::fs::write(shots.join("cockpit-desktop.png"), c.screenshot().await.unwrap()).unwrap();
        }
        // A department's to-do list is its own.
        if user == "tax" {
            let todo = c.find_all(Locator::Css("[data-testid=todo] li")).await.unwrap();
            assert_eq!(todo.len(), want.todo.len(), "{user}: its to-do list");
        }
        // A phone: the page never scrolls sideways.
        c.set_window_size(390, 844).await.unwrap();
        c.goto(&format!("{base}/")).await.unwrap();
        text_of(&c, "[data-testid=kpis]").await;
        let widths = c
            .execute(
                "return [document.documentElement.scrollWidth, window.innerWidth];",
                vec![],
            )
            .await
            .unwrap();
        let (doc, view) = (widths[0].as_f64().unwrap(), widths[1].as_f64().unwrap());
        assert!(
            doc <= view,
            "{user}: the document ({doc} px) is wider than the phone ({view} px)"
        );
        std::fs::write(
            shots.join(format!("cockpit-{user}-phone.png")),
            c.screenshot().await.unwrap(),
        )
        .unwrap();
    }
    c.close().await.unwrap();
    server.stop().await;
    store.cleanup().await;
}

#[tokio::test]
async fn an_enterprise_reads_its_home_on_a_phone() {
    if !enabled() {
        return;
    }
    let (store, app) = demo_app().await;
    let base_app = app.clone();
    // A published run, so that the score card and the policy sheet exist.
    let city = app_actor(&app, "city").await;
    let started = app
        .start_run(
            &city,
            &mujun_app::evaluation::runs::StartRun {
                year: 2024,
                method: "preset:henan-2019".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    started.job.await.unwrap();
    let today = (mujun_store::now_ms() / 1000 + 8 * 3600).div_euclid(86_400);
    let day = |d: i64| {
        mujun_domain::Date::from_days_since_epoch(today + d)
            .unwrap()
            .to_string()
    };
    app.start_notice(&city, started.id, &day(0), &day(7))
        .await
        .unwrap();
    app.end_notice(&city, started.id, "公示期内无异议").await.unwrap();
    app.approve_run(&city, started.id).await.unwrap();
    app.publish_run(&city, started.id, true).await.unwrap();
    let server = serve(app).await;
    let base = server.base.clone();
    let (c, _driver, _profile) = browser().await;
    c.set_window_size(390, 844).await.unwrap();
    login(&c, &base, "qiye").await;
    c.goto(&format!("{base}/")).await.unwrap();
    let home = text_of(&c, "[data-testid=enterprise-home]").await;
    assert!(home.contains("企业自核"), "{home}");
    let widths = c
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await
        .unwrap();
    let (doc, view) = (widths[0].as_f64().unwrap(), widths[1].as_f64().unwrap());
    assert!(
        doc <= view,
        "the document ({doc} px) is wider than the phone ({view} px)"
    );
    std::fs::write(
        screenshots().join("enterprise-phone.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();
    // Every page of the enterprise's own: none scrolls sideways on the phone.
    let qiye = app_actor(&base_app, "qiye").await;
    let own = qiye.enterprise_id.unwrap();
    let run = started.id;
    let pages = [
        "/self-check".to_owned(),
        "/messages".to_owned(),
        "/objections".to_owned(),
        format!("/enterprises/{own}"),
        format!("/enterprises/{own}/classes"),
        format!("/runs/{run}/enterprises/{own}"),
        format!("/runs/{run}/enterprises/{own}/policies"),
        "/land/projects".to_owned(),
    ];
    let mut wide = Vec::new();
    for p in &pages {
        c.goto(&format!("{base}{p}")).await.unwrap();
        let widths = c
            .execute(
                "return [document.documentElement.scrollWidth, window.innerWidth, document.title];",
                vec![],
            )
            .await
            .unwrap();
        let (doc, view) = (widths[0].as_f64().unwrap(), widths[1].as_f64().unwrap());
        let title = widths[2].as_str().unwrap_or("").to_owned();
        assert!(
            !title.contains("出错")
                && !title.contains("有误")
                && !title.starts_with("登录")
                && !title.is_empty(),
            "{p}: {title}"
        );
        eprintln!("{p}: {title}, {doc} / {view} px");
        // Wide tables are cards here: a row is a block, each value labelled by its column.
        let cards = c
            .execute(
                "var rows = document.querySelectorAll('table.as-cards tbody tr');
                 var bad = 0;
                 for (var i = 0; i < rows.length; i++) {
                   if (getComputedStyle(rows[i]).display !== 'block') { bad++; }
                   var td = rows[i].querySelector('td');
                   if (td && !td.getAttribute('data-label')) { bad++; }
                 }
                 return [rows.length, bad];",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(cards[1].as_i64(), Some(0), "{p}: card rows {cards:?}");
        let shot = format!("phone{}.png", p.replace('/', "-"));
        std::fs::write(screenshots().join(shot), c.screenshot().await.unwrap()).unwrap();
        if p == "/self-check" || p.ends_with("/policies") {
            assert!(
                cards[0].as_i64().unwrap_or(0) > 0,
                "{p}: its table is shown as cards"
            );
        }
        if doc > view {
            wide.push(format!("{p}（{title}）: {doc} px"));
        }
    }
    assert!(wide.is_empty(), "pages wider than the phone: {wide:?}");
    c.close().await.unwrap();
    server.stop().await;
    store.cleanup().await;
}

#[tokio::test]
async fn a_county_officer_reviews_a_project_against_the_clusters_negative_list() {
    if !enabled() {
        return;
    }
    let (store, app) = demo_app().await;
    let server = serve(app).await;
    let base = server.base.clone();
    let (c, _driver, _profile) = browser().await;
    let shots = screenshots();
    c.set_window_size(1366, 1000).await.unwrap();
    login(&c, &base, "yicheng").await;
    // From the navigation to the review form.
    c.goto(&format!("{base}/")).await.unwrap();
    c.find(Locator::Css("nav.side a[href='/admission']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let form = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("[data-testid=admission-form]"))
        .await
        .unwrap();
    form.find(Locator::Css("select[name=cluster_id]"))
        .await
        .unwrap()
        .select_by_label("驻马店装备产业集聚区")
        .await
        .unwrap();
    for (field, value) in [
        ("project_name", "年产 2 万吨精细化工项目"),
        ("industry_code", "2619"),
        ("investment", "30000"),
        ("land_mu", "100"),
        ("expected_tax", "2500"),
        ("energy_tce", "3000"),
    ] {
        form.find(Locator::Css(&format!("input[name={field}]")))
            .await
            .unwrap()
            .send_keys(value)
            .await
            .unwrap();
    }
    form.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The example list restricts chemicals (26) in this cluster: allowed under its conditions.
    let verdict = text_until(&c, "[data-testid=verdict]", "审查结论").await;
    assert!(
        verdict.contains("有条件准入") && verdict.contains("投资强度不低于 300 万元/亩"),
        "{verdict}"
    );
    let reviews = text_of(&c, "[data-testid=reviews]").await;
    assert!(reviews.contains("年产 2 万吨精细化工项目"), "{reviews}");
    std::fs::write(shots.join("admission-review.png"), c.screenshot().await.unwrap()).unwrap();
    // The cluster's list, from its page.
    c.goto(&format!("{base}/clusters")).await.unwrap();
    c.find(Locator::LinkText("驻马店装备产业集聚区"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::LinkText("产业准入负面清单"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let list = text_of(&c, "[data-testid=negative-list]").await;
    assert!(
        list.contains("化学原料和化学制品制造业") && list.contains("限制"),
        "{list}"
    );
    c.close().await.unwrap();
    server.stop().await;
    store.cleanup().await;
}

#[tokio::test]
async fn a_land_officer_takes_an_idle_candidate_to_the_fee_decision_and_the_enterprise_sees_it() {
    if !enabled() {
        return;
    }
    let (store, app) = demo_app().await;
    let qiye = app_actor(&app, "qiye").await;
    let project = app.projects(&qiye).await.unwrap().remove(0);
    let server = serve(app).await;
    let base = server.base.clone();
    let (c, _driver, _profile) = browser().await;
    let shots = screenshots();
    c.set_window_size(1366, 1000).await.unwrap();
    login(&c, &base, "land").await;
    // From the navigation to the candidate list, where the enterprise's project is new.
    c.goto(&format!("{base}/")).await.unwrap();
    c.find(Locator::Css("nav.side a[href='/land/idle']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let candidates = text_until(&c, "[data-testid=candidates]", &project.contract_no).await;
    assert!(candidates.contains("满 1 年未动工开发"), "{candidates}");
    c.find(Locator::Css(&format!(
        "[data-testid=candidates] a[href='/land/projects/{}'].button",
        project.id
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    // Open the case: the investigation notice.
    let form = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("[data-testid=open-idle]"))
        .await
        .unwrap();
    form.find(Locator::Css("input[name=doc_no]"))
        .await
        .unwrap()
        .send_keys("驻自然资闲调〔2026〕66号")
        .await
        .unwrap();
    form.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    text_until(&c, "[data-testid=steps]", "闲置土地调查通知书").await;
    // 认定: the enterprise's own cause; then the hearing notice; then the fee decision.
    for (step, doc) in [
        ("identification", "驻自然资闲认〔2026〕66号"),
        ("notification", "驻自然资闲告〔2026〕66号"),
        ("fee_decision", "驻自然资闲征〔2026〕66号"),
    ] {
        let form = c
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(&format!("[data-testid=step-{step}]")))
            .await
            .unwrap();
        form.find(Locator::Css("input[name=doc_no]"))
            .await
            .unwrap()
            .send_keys(doc)
            .await
            .unwrap();
        if step == "identification" {
            form.find(Locator::Css("select[name=cause]"))
                .await
                .unwrap()
                .select_by_value("enterprise")
                .await
                .unwrap();
        }
        form.find(Locator::Css("button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        text_until(&c, "[data-testid=steps]", doc).await;
    }
    let status = text_of(&c, "[data-testid=status]").await;
    assert_eq!(status, "征缴闲置费决定");
    let fee = text_of(&c, "[data-testid=fee]").await;
    assert!(fee.ends_with(" 元"), "{fee}");
    std::fs::write(shots.join("land-idle-case.png"), c.screenshot().await.unwrap()).unwrap();
    // Download the fee decision: a PDF, as the browser gets it.
    let link = c
        .find(Locator::XPath("//a[contains(., '征缴土地闲置费决定书')]"))
        .await
        .unwrap();
    let href = link.attr("href").await.unwrap().unwrap();
    let got = c
        .execute_async(
            "var cb = arguments[arguments.length - 1];
             fetch(arguments[0]).then(function (r) {
               return r.arrayBuffer().then(function (b) {
                 var head = String.fromCharCode.apply(null, new Uint8Array(b).slice(0, 5));
                 cb([r.status, r.headers.get('content-type'), head, b.byteLength]);
               });
             });",
            vec![serde_json::json!(href)],
        )
        .await
        .unwrap();
    assert_eq!(got[0].as_i64(), Some(200), "{got:?}");
    assert_eq!(got[1].as_str(), Some("application/pdf"));
    assert_eq!(got[2].as_str(), Some("%PDF-"));
    assert!(got[3].as_i64().unwrap() > 5_000, "{got:?}");
    // The project on its cluster's map: the parcel outlined as idle, linking to the enterprise.
    c.goto(&format!("{base}/land/projects/{}", project.id))
        .await
        .unwrap();
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::LinkText("亩均地图"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("[data-testid=land-map] svg"))
        .await
        .unwrap();
    let parcel = c
        .find(Locator::Css(&format!(
            "polygon[data-parcel='{}']",
            project.certificate_no
        )))
        .await
        .unwrap();
    assert_eq!(
        parcel.attr("stroke-dasharray").await.unwrap().as_deref(),
        Some("6 3")
    );
    let title = c
        .execute(
            "return document.querySelector(arguments[0]).textContent;",
            vec![serde_json::json!(format!(
                "polygon[data-parcel='{}'] title",
                project.certificate_no
            ))],
        )
        .await
        .unwrap();
    assert!(
        title.as_str().unwrap_or("").contains("闲置土地处置中"),
        "{title:?}"
    );
    std::fs::write(shots.join("land-map.png"), c.screenshot().await.unwrap()).unwrap();
    // The enterprise sees its case from its home page.
    logout(&c).await;
    login(&c, &base, "qiye").await;
    c.goto(&format!("{base}/")).await.unwrap();
    let todo = text_until(&c, "[data-testid=land-todo]", "征缴闲置费决定").await;
    assert!(todo.contains("期限"), "{todo}");
    c.find(Locator::Css("[data-testid=land-todo] a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let case = text_until(&c, "[data-testid=case]", "征缴闲置费决定").await;
    assert!(case.contains(&fee), "{case}");
    assert!(
        c.find(Locator::Css("form[data-testid^=step-]")).await.is_err(),
        "no form for the enterprise"
    );
    std::fs::write(
        shots.join("land-idle-case-enterprise.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();
    c.close().await.unwrap();
    server.stop().await;
    store.cleanup().await;
}

/// Picks the option whose value is `value` in the select `css`.
async fn choose(c: &Client, css: &str, value: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .select_by_value(value)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_lead_department_reports_a_task_and_the_city_sees_it() {
    if !enabled() {
        return;
    }
    let (store, app) = demo_app().await;
    let server = serve(app).await;
    let base = server.base.clone();
    let (c, _driver, _profile) = browser().await;
    let shots = screenshots();
    c.set_window_size(1366, 1000).await.unwrap();
    // The land department leads 促进土地集约节约利用: from the navigation to the task.
    login(&c, &base, "land").await;
    c.goto(&format!("{base}/")).await.unwrap();
    c.find(Locator::Css("nav.side a[href='/tasks']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    text_until(&c, "main", "促进土地集约节约利用").await;
    c.find(Locator::LinkText("促进土地集约节约利用"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("[data-testid=task-report-form]"))
        .await
        .unwrap();
    choose(&c, "[data-testid=task-report-form] select[name=status]", "behind").await;
    submit(
        &c,
        "[data-testid=task-report-form]",
        &[("body", "本季度盘活低效用地 860 亩，二次招商项目审批滞后")],
    )
    .await;
    let reports = text_until(&c, "[data-testid=task-reports]", "盘活低效用地 860 亩").await;
    assert!(
        reports.contains("市自然资源和规划局") && reports.contains("进度滞后"),
        "{reports}"
    );
    // The city sees it in the whole table, flagged.
    logout(&c).await;
    login(&c, &base, "city").await;
    c.goto(&format!("{base}/tasks")).await.unwrap();
    let row = text_of(&c, "tr[data-task='促进土地集约节约利用']").await;
    assert!(
        row.contains("盘活低效用地 860 亩") && row.contains("进度滞后"),
        "{row}"
    );
    assert!(
        c.find(Locator::Css("a[href='/tasks.xlsx']")).await.is_ok(),
        "the city exports the 督查 table"
    );
    std::fs::write(shots.join("plan-tasks.png"), c.screenshot().await.unwrap()).unwrap();
    c.close().await.unwrap();
    server.stop().await;
    store.cleanup().await;
}

#[tokio::test]
async fn an_enterprise_files_a_problem_the_department_answers_and_it_is_closed() {
    if !enabled() {
        return;
    }
    let (store, app) = demo_app().await;
    let tax_dept = app_actor(&app, "tax").await.department_id.unwrap();
    let server = serve(app).await;
    let base = server.base.clone();
    let (c, _driver, _profile) = browser().await;
    let shots = screenshots();
    c.set_window_size(1366, 1000).await.unwrap();
    // The enterprise files from its navigation.
    login(&c, &base, "qiye").await;
    c.goto(&format!("{base}/")).await.unwrap();
    c.find(Locator::Css("nav.side a[href='/service/problems']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("[data-testid=problem-form]"))
        .await
        .unwrap();
    choose(&c, "[data-testid=problem-form] select[name=category]", "政策兑现").await;
    submit(
        &c,
        "[data-testid=problem-form]",
        &[
            ("title", "研发费用加计扣除口径"),
            (
                "description",
                "委托外部机构的研发费用能否加计扣除，请税务部门答复。",
            ),
        ],
    )
    .await;
    assert_eq!(
        text_until(&c, "[data-testid=problem-status]", "待交办").await,
        "待交办"
    );
    let url = c.current_url().await.unwrap();
    let problem = format!("{base}{}", url.path());
    // The office assigns it to the tax department.
    logout(&c).await;
    login(&c, &base, "city").await;
    c.goto(&problem).await.unwrap();
    choose(
        &c,
        "[data-testid=assign-form] select[name=department_id]",
        &tax_dept.to_string(),
    )
    .await;
    choose(&c, "[data-testid=assign-form] select[name=difficulty]", "simple").await;
    submit(
        &c,
        "[data-testid=assign-form]",
        &[("body", "请税务局 5 个工作日内答复")],
    )
    .await;
    let status = text_until(&c, "[data-testid=problem-status]", "办理中").await;
    assert!(status.starts_with("办理中"), "{status}");
    // The department answers.
    logout(&c).await;
    login(&c, &base, "tax").await;
    c.goto(&problem).await.unwrap();
    submit(
        &c,
        "[data-testid=answer-form]",
        &[("body", "可以加计扣除，按实际发生额的 80% 计入委托方研发费用。")],
    )
    .await;
    text_until(&c, "[data-testid=problem-status]", "待企业评价").await;
    // The enterprise rates the answer: closed.
    logout(&c).await;
    login(&c, &base, "qiye").await;
    c.goto(&problem).await.unwrap();
    choose(&c, "[data-testid=rate-form] select[name=rating]", "satisfied").await;
    submit(&c, "[data-testid=rate-form]", &[]).await;
    assert_eq!(
        text_until(&c, "[data-testid=problem-status]", "已销号").await,
        "已销号"
    );
    let events = text_of(&c, "[data-testid=problem-events]").await;
    for step in ["提交问题", "交办", "部门答复", "销号"] {
        assert!(events.contains(step), "{step}: {events}");
    }
    std::fs::write(shots.join("service-problem.png"), c.screenshot().await.unwrap()).unwrap();
    c.close().await.unwrap();
    server.stop().await;
    store.cleanup().await;
}

#[tokio::test]
async fn the_city_runs_a_cluster_assessment_the_leader_approves_and_the_county_reads_it() {
    if !enabled() {
        return;
    }
    let (store, app) = demo_app().await;
    let server = serve(app).await;
    let base = server.base.clone();
    let (c, _driver, _profile) = browser().await;
    let shots = screenshots();
    c.set_window_size(1366, 1000).await.unwrap();
    login(&c, &base, "city").await;
    c.goto(&format!("{base}/")).await.unwrap();
    c.find(Locator::Css("nav.side a[href='/clusters/assessments']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("[data-testid=run-assessment]"))
        .await
        .unwrap();
    submit(
        &c,
        "[data-testid=run-assessment]",
        &[("title", "浏览器测试考核评价")],
    )
    .await;
    assert_eq!(
        text_until(&c, "[data-testid=assessment-state]", "待审定").await,
        "待审定"
    );
    let results = text_of(&c, "[data-testid=assessment-results]").await;
    assert!(
        results.contains("驻马店装备产业集聚区") && results.contains("星级"),
        "{results}"
    );
    let url = c.current_url().await.unwrap();
    let page = format!("{base}{}", url.path());
    // The leader approves; the city publishes.
    logout(&c).await;
    login(&c, &base, "leader").await;
    c.goto(&page).await.unwrap();
    submit(&c, "[data-testid=approve-assessment]", &[]).await;
    assert!(
        text_until(&c, "[data-testid=assessment-state]", "已审定")
            .await
            .starts_with("已审定")
    );
    logout(&c).await;
    login(&c, &base, "city").await;
    c.goto(&page).await.unwrap();
    submit(&c, "[data-testid=publish-assessment]", &[]).await;
    assert!(
        text_until(&c, "[data-testid=assessment-state]", "已发布")
            .await
            .starts_with("已发布")
    );
    std::fs::write(
        shots.join("cluster-assessment.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();
    // A county officer finds it in the list.
    logout(&c).await;
    login(&c, &base, "yicheng").await;
    c.goto(&format!("{base}/clusters/assessments")).await.unwrap();
    c.find(Locator::LinkText("浏览器测试考核评价"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let results = text_until(&c, "[data-testid=assessment-results]", "驻马店装备产业集聚区").await;
    assert!(results.contains("得分明细"), "{results}");
    c.close().await.unwrap();
    server.stop().await;
    store.cleanup().await;
}

#[tokio::test]
async fn a_county_makes_a_transformation_plan_for_a_c_enterprise_and_reports_progress() {
    if !enabled() {
        return;
    }
    let (store, app) = demo_app().await;
    let server = serve(app).await;
    let base = server.base.clone();
    let (c, _driver, _profile) = browser().await;
    c.set_window_size(1366, 1000).await.unwrap();
    login(&c, &base, "yicheng").await;
    c.goto(&format!("{base}/")).await.unwrap();
    c.find(Locator::Css("nav.side a[href='/transformation']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("[data-testid=c-enterprises]"))
        .await
        .unwrap();
    // Open the plan form and fill it; the date input is set as a script would, whatever the locale.
    let deadline = {
        let d = (mujun_store::now_ms() / 1000 + 8 * 3600).div_euclid(86_400) + 180;
        mujun_domain::Date::from_days_since_epoch(d).unwrap().to_string()
    };
    c.execute(
        "document.getElementById('plan-form').open = true; \
         document.querySelector('[name=deadline]').value = arguments[0];",
        vec![serde_json::json!(deadline)],
    )
    .await
    .unwrap();
    submit(
        &c,
        "[data-testid=transformation-form]",
        &[
            ("targets", "亩均税收提高到 2 万元/亩"),
            ("measures", "淘汰落后产能，生产线技术改造"),
            ("responsible", "驿城区工信局 张某 副局长"),
        ],
    )
    .await;
    let plan = text_until(&c, "[data-testid=transformation-plan]", "淘汰落后产能").await;
    assert!(
        plan.contains("驿城区工信局") && plan.contains("年度评价"),
        "{plan}"
    );
    submit(
        &c,
        "[data-testid=transformation-progress-form]",
        &[("body", "已关停一条落后生产线")],
    )
    .await;
    let progress = text_until(
        &c,
        "[data-testid=transformation-progress]",
        "已关停一条落后生产线",
    )
    .await;
    assert!(progress.contains("驿城区"), "{progress}");
    c.close().await.unwrap();
    server.stop().await;
    store.cleanup().await;
}

#[tokio::test]
async fn the_city_moves_ten_points_to_tax_per_mu_and_sees_who_would_change_class() {
    if !enabled() {
        return;
    }
    let (store, app) = demo_app().await;
    let city = app_actor(&app, "city").await;
    let started = app
        .start_run(
            &city,
            &mujun_app::evaluation::runs::StartRun {
                year: 2024,
                method: "preset:henan-2019".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    started.job.await.unwrap();
    let run = started.id;
    let server = serve(app).await;
    let base = server.base.clone();
    let (c, _driver, _profile) = browser().await;
    let shots = screenshots();
    c.set_window_size(1366, 1000).await.unwrap();
    login(&c, &base, "city").await;
    c.goto(&format!("{base}/runs/{run}")).await.unwrap();
    c.find(Locator::LinkText("模拟方法调整"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("[data-testid=simulate-method-form]"))
        .await
        .unwrap();
    // 规上: 亩均税收 35 → 45, 亩均利润 15 → 5, in the form (no method file touched).
    for (name, value) in [("g0.w.tax_per_mu", "45"), ("g0.w.profit_per_mu", "5")] {
        let input = c
            .find(Locator::Css(&format!(
                "[data-testid=simulate-method-form] [name='{name}']"
            )))
            .await
            .unwrap();
        input.clear().await.unwrap();
        input.send_keys(value).await.unwrap();
    }
    c.find(Locator::Css(
        "[data-testid=simulate-method-form] button[type=submit]",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    let summary = text_until(&c, "[data-testid=simulate-summary]", "家企业的类别与现行方法不同").await;
    let changes = text_of(&c, "[data-testid=simulate-changes]").await;
    assert!(
        changes.contains("现行方法") && changes.contains("修改后"),
        "{changes}"
    );
    let rows = c
        .find_all(Locator::Css("[data-testid=simulate-changes] tbody tr"))
        .await
        .unwrap()
        .len();
    assert!(
        rows > 0 && summary.contains(&format!("{rows} 家")),
        "{summary} / {rows}"
    );
    assert!(
        text_of(&c, "[data-testid=simulate-counts]")
            .await
            .contains("亩均税收")
    );
    std::fs::write(shots.join("simulate.png"), c.screenshot().await.unwrap()).unwrap();
    // Kept as a scenario: reopened with its name, then the sensitivity chart.
    submit(&c, "[data-testid=scenario-save]", &[("name", "税收权重提高10分")]).await;
    let kept = text_until(&c, "[data-testid=scenarios]", "税收权重提高10分").await;
    assert!(kept.contains("市发改委"), "{kept}");
    c.goto(&format!("{base}/runs/{run}/sensitivity")).await.unwrap();
    let table = text_until(&c, "[data-testid=sensitivity]", "亩均税收").await;
    assert!(table.contains("名额"), "{table}");
    c.find(Locator::Css("[data-testid=sensitivity-chart] svg"))
        .await
        .unwrap();
    c.close().await.unwrap();
    server.stop().await;
    store.cleanup().await;
}
