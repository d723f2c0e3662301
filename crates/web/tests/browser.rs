//! Browser test (Debian chromium + chromedriver, headless): a county officer logs in, filters
//! the enterprise list with the class select (which submits itself through static/app.js),
//! and opens an enterprise's record. Runs when `MUJUN_BROWSER_TESTS=1` (`.ci/run` sets it and
//! installs the browser); otherwise it says it is skipped.
#![allow(clippy::unwrap_used)]

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{ClientBuilder, Locator};
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

#[tokio::test]
async fn a_county_officer_filters_the_list_and_opens_an_enterprise() {
    if std::env::var("MUJUN_BROWSER_TESTS").as_deref() != Ok("1") {
        eprintln!(
            "SKIPPED browser test: set MUJUN_BROWSER_TESTS=1 (needs chromium and chromedriver; .ci/run installs them)"
        );
        return;
    }
    // The application on a real port.
    let store = mujun_store::testing::sqlite().await;
    let app = App::new(
        store.store.clone(),
        Security {
            hash_cost: HashCost::TEST,
            ..Security::default()
        },
    );
    app.seed_demo(150, 11).await.unwrap().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = mujun_web::state(app, mujun_web::Config::default(), true);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(mujun_web::serve(state, listener, async move {
        let _ = stopped.await;
    }));

    // chromedriver.
    let port = free_port();
    let _driver = Driver(
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
    let c = client.expect("chromedriver answers");
    let shots = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&shots).unwrap();

    // Log in.
    c.goto(&format!("{base}/login")).await.unwrap();
    c.find(Locator::Css("input[name=username]"))
        .await
        .unwrap()
        .send_keys("yicheng")
        .await
        .unwrap();
    c.find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys(mujun_app::demo::DEMO_PASSWORD)
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
    let _ = stop.send(());
    let _ = server.await;
    store.cleanup().await;
}
