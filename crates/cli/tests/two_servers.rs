//! Scale-out: two `mujun serve` processes on one PostgreSQL database. A session made on one
//! server works on the other; a queued run is evaluated by exactly one of them; a run whose job
//! another server holds is left alone while that server's heartbeat is fresh — a server
//! starting meanwhile never fails it — and taken over once the heartbeat stops (the server
//! died), finishing in 草稿.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use mujun_app::{App, HashCost, Security};
use mujun_store::{jobs, runs, testing};

/// A directory for the servers' audit key and anchors, shared by the servers of this test.
fn key_dir() -> &'static std::path::Path {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().unwrap()).path()
}

/// A `mujun serve` child process; killed when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(database: &str) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mujun"))
            .args(["serve", "--bind", "127.0.0.1:0", "--database", database])
            .env("MUJUN_JOB_HEARTBEAT_SECONDS", "1")
            .env("MUJUN_JOB_STALE_SECONDS", "3")
            .env("MUJUN_LOG", "warn")
            // The servers share one audit key; nothing is written into the source tree.
            .env("MUJUN_AUDIT_KEY_FILE", key_dir().join("audit.key"))
            .env("MUJUN_AUDIT_ANCHOR_FILE", key_dir().join("anchors.log"))
            .env("MUJUN_REQUIRE_TOTP", "false")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("http://").nth(1) {
                    let _ = tx.send(rest.split('/').next().unwrap_or("").to_owned());
                }
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the server starts");
        Server { child, addr }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A response: status, headers (lower-case names), body.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .filter(|(k, _)| k == "set-cookie")
            .find_map(|(_, v)| v.strip_prefix(&format!("{name}=")))
            .map(|v| v.split(';').next().unwrap_or("").to_owned())
    }
}

/// One HTTP/1.1 request on a fresh connection.
fn http(addr: &str, method: &str, path: &str, cookie: &str, body: &str) -> Reply {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if !cookie.is_empty() {
        req.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    if method == "POST" {
        req.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Reply {
        status,
        headers,
        body: body.to_owned(),
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Signs in on a server; returns the session cookie.
fn login(addr: &str, user: &str) -> String {
    let form = http(addr, "GET", "/login", "", "");
    let csrf_cookie = form.cookie("mujun_login_csrf").unwrap();
    let marker = "name=\"_csrf\" value=\"";
    let field = form
        .body
        .split(marker)
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let body = format!(
        "username={user}&password={}&_csrf={field}&next=%2F",
        urlencode(mujun_app::demo::DEMO_PASSWORD)
    );
    let done = http(
        addr,
        "POST",
        "/login",
        &format!("mujun_login_csrf={csrf_cookie}"),
        &body,
    );
    assert_eq!(done.status, 303, "{}", done.body);
    done.cookie("mujun_session").unwrap()
}

async fn state_of(store: &mujun_store::Store, run: i64) -> (String, String) {
    let mut c = store.read().await.unwrap();
    let r = runs::get(&mut c, run).await.unwrap().unwrap();
    (r.state, r.message)
}

async fn wait_for_state(store: &mujun_store::Store, run: i64, state: &str, within: Duration) {
    let started = Instant::now();
    loop {
        let (now, message) = state_of(store, run).await;
        if now == state {
            return;
        }
        assert!(
            started.elapsed() < within,
            "run {run} still {now} ({message}) after {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A run of 2024 with its job queued, as `start_run` leaves it (but without claiming it here).
async fn queued_run(store: &mujun_store::Store, city: i64, previous: Option<i64>) -> (i64, i64) {
    let method = mujun_engine::presets::load("henan-2019").unwrap();
    let mut tx = store.begin().await.unwrap();
    let run = runs::insert(
        &mut tx,
        &runs::NewRun {
            year: 2024,
            title: "2024 年度亩均效益综合评价",
            method_ref: "preset:henan-2019",
            method_id: &method.id,
            method_hash: &method.hash,
            method_source: &method.source,
            previous_run_id: previous,
            user_id: Some(city),
        },
    )
    .await
    .unwrap();
    let job = jobs::enqueue(&mut tx, "evaluate_run", &format!("{{\"run_id\":{run}}}"), 3)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    (run, job)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_share_sessions_and_jobs() {
    let Some(pg) = testing::postgres().await else {
        return;
    };
    let app = App::new(
        pg.store.clone(),
        Security {
            hash_cost: HashCost::TEST,
            require_totp: false,
            ..Security::default()
        },
    );
    app.seed_demo(300, 3).await.unwrap().unwrap();
    let city = app
        .login("city", mujun_app::demo::DEMO_PASSWORD, "127.0.0.1", None)
        .await
        .unwrap()
        .actor
        .user_id;
    let store = pg.store.clone();

    let a = Server::start(&pg.url);
    let b = Server::start(&pg.url);
    assert_eq!(http(&a.addr, "GET", "/healthz", "", "").status, 200);
    // A session made on one server works on the other (sessions live in the database).
    let session = login(&a.addr, "city");
    let page = http(&b.addr, "GET", "/runs", &format!("mujun_session={session}"), "");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("评价批次"));

    // A queued run: exactly one server claims and evaluates it.
    let (first, job) = queued_run(&store, city, None).await;
    wait_for_state(&store, first, "draft", Duration::from_secs(60)).await;
    let mut c = store.read().await.unwrap();
    let done = jobs::get(&mut c, job).await.unwrap().unwrap();
    drop(c);
    assert_eq!(
        (done.state.as_str(), done.attempts),
        ("done", 1),
        "evaluated once"
    );

    // A run whose job a live "ghost" server holds: its heartbeat is kept fresh here.
    let (second, job) = queued_run(&store, city, Some(first)).await;
    let mut tx = store.begin().await.unwrap();
    jobs::claim(&mut tx, store.backend(), "ghost", 0, Some(job))
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    let beating = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let heart = {
        let (store, beating) = (store.clone(), beating.clone());
        tokio::spawn(async move {
            while beating.load(std::sync::atomic::Ordering::SeqCst) {
                let mut tx = store.begin().await.unwrap();
                jobs::heartbeat(&mut tx, job, "ghost").await.unwrap();
                tx.commit().await.unwrap();
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
        })
    };
    // A third server starting now, and both running ones, leave it alone for longer than the
    // stale limit (3 s) …
    let c3 = Server::start(&pg.url);
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert_eq!(
        state_of(&store, second).await.0,
        "running",
        "a live server's run is left alone"
    );
    let mut c = store.read().await.unwrap();
    assert_eq!(jobs::get(&mut c, job).await.unwrap().unwrap().owner, "ghost");
    drop(c);
    // … until the ghost dies: then one of them takes it over and finishes it.
    beating.store(false, std::sync::atomic::Ordering::SeqCst);
    heart.await.unwrap();
    wait_for_state(&store, second, "draft", Duration::from_secs(60)).await;
    let mut c = store.read().await.unwrap();
    let taken = jobs::get(&mut c, job).await.unwrap().unwrap();
    drop(c);
    assert_eq!(taken.state, "done");
    assert_eq!(taken.attempts, 2, "the ghost's attempt, then the takeover");
    assert_ne!(taken.owner, "ghost");
    // The first run was superseded by its re-run, as on one server.
    assert_eq!(state_of(&store, first).await.0, "superseded");
    drop((a, b, c3));
    pg.cleanup().await;
}
