//! A test server per backend: the real router over a fresh store seeded with the demo data
//! (120 generated enterprises, about 126 after three years of arrivals), driven in-process with `oneshot`; helpers to sign in and send forms.
#![allow(dead_code, clippy::unwrap_used, missing_docs)]

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use mujun_app::{App, HashCost, Security};
use mujun_store::testing::{self, TestStore};
use tower::ServiceExt;

pub const PASSWORD: &str = mujun_app::demo::DEMO_PASSWORD;

pub struct TestServer {
    pub name: &'static str,
    pub app: App,
    pub router: Router,
    /// The database, owned by the server made for it (not by one from [`TestServer::with_app`]).
    store: Option<TestStore>,
}

/// A signed-in browser: its session cookie and the session's form token.
#[derive(Clone, Debug)]
pub struct Browser {
    pub cookie: String,
    pub csrf: String,
}

pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

pub async fn server(store: TestStore) -> TestServer {
    let app = App::new(
        store.store.clone(),
        Security {
            hash_cost: HashCost::TEST,
            require_totp: false,
            ..Security::default()
        },
    );
    app.seed_demo(120, 5).await.unwrap().unwrap();
    let router = mujun_web::router(mujun_web::state(app.clone(), mujun_web::Config::default(), true));
    TestServer {
        name: store.name,
        app,
        router,
        store: Some(store),
    }
}

/// A server on an empty database: shared reference data only, no city, no accounts.
pub async fn empty_server(store: TestStore) -> TestServer {
    let app = App::new(
        store.store.clone(),
        Security {
            hash_cost: HashCost::TEST,
            require_totp: false,
            ..Security::default()
        },
    );
    app.ensure_base_reference_data().await.unwrap();
    let router = mujun_web::router(mujun_web::state(app.clone(), mujun_web::Config::default(), false));
    TestServer {
        name: store.name,
        app,
        router,
        store: Some(store),
    }
}

/// SQLite, and PostgreSQL when a server answers.
pub async fn servers() -> Vec<TestServer> {
    let mut v = Vec::new();
    for s in testing::all().await {
        v.push(server(s).await);
    }
    v
}

/// Runs `f` on every backend and cleans up.
impl TestServer {
    /// Drops the test database.
    pub async fn cleanup(self) {
        if let Some(store) = self.store {
            store.cleanup().await;
        }
    }
}

pub async fn each(f: impl AsyncFn(&TestServer)) {
    for s in servers().await {
        f(&s).await;
        s.cleanup().await;
    }
}

/// A run of 2024 with the Henan method, evaluated and in its notice (today to a week on), and
/// one objection of the enterprise user on its tax figure: `(run, objection)`.
#[allow(dead_code)] // Not every test binary uses every helper.
pub async fn run_in_notice(s: &TestServer, attachment: Option<(String, Vec<u8>)>) -> (i64, i64) {
    let login =
        |u: &'static str| async move { s.app.login(u, PASSWORD, "127.0.0.1", None).await.unwrap().actor };
    let city = login("city").await;
    let qiye = login("qiye").await;
    let started = s
        .app
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
    let day = |d: i64| {
        mujun_domain::Date::from_days_since_epoch(today + d)
            .unwrap()
            .to_string()
    };
    s.app.start_notice(&city, run, &day(0), &day(7)).await.unwrap();
    let objection = s
        .app
        .file_objection(
            &qiye,
            run,
            &mujun_app::evaluation::objections::ObjectionForm {
                item: "tax_paid".into(),
                text: "漏计了 12 月入库的税款".into(),
                attachment,
            },
        )
        .await
        .unwrap();
    (run, objection)
}

/// The value of a hidden `_csrf` field in a page.
pub fn csrf_in(html: &str) -> Option<String> {
    let i = html.find("name=\"_csrf\" value=\"")? + "name=\"_csrf\" value=\"".len();
    Some(html[i..].split('"').next()?.to_owned())
}

pub fn set_cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            v.strip_prefix(&format!("{name}="))
                .map(|rest| rest.split(';').next().unwrap_or("").to_owned())
        })
}

impl TestServer {
    /// The same database served by another application (e.g. other settings); it does not own
    /// the database.
    #[allow(dead_code)]
    pub fn with_app(&self, app: App) -> TestServer {
        TestServer {
            name: self.name,
            router: mujun_web::router(mujun_web::state(app.clone(), mujun_web::Config::default(), true)),
            app,
            store: None,
        }
    }

    pub async fn send(&self, req: Request<Body>) -> Page {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Page {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str, browser: Option<&Browser>) -> Page {
        let mut req = Request::get(path);
        if let Some(b) = browser {
            req = req.header(header::COOKIE, format!("mujun_session={}", b.cookie));
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    /// Posts a form; `_csrf` is added from the browser unless `fields` has one.
    pub async fn post(&self, path: &str, browser: Option<&Browser>, fields: &[(&str, &str)]) -> Page {
        let mut pairs: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if let Some(b) = browser
            && !pairs.iter().any(|(k, _)| k == "_csrf")
        {
            pairs.push(("_csrf".into(), b.csrf.clone()));
        }
        let body = serde_urlencoded::to_string(&pairs).unwrap();
        let mut req = Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(b) = browser {
            req = req.header(header::COOKIE, format!("mujun_session={}", b.cookie));
        }
        self.send(req.body(Body::from(body)).unwrap()).await
    }

    /// A `multipart/form-data` POST as a browser sends it: the session's `_csrf` first, then
    /// the fields, then the part `file` (empty when `None`).
    pub async fn post_multipart(
        &self,
        path: &str,
        b: Option<&Browser>,
        fields: &[(&str, &str)],
        file: Option<(&str, &[u8])>,
    ) -> Page {
        const BOUNDARY: &str = "----mujunTestBoundary";
        let mut body: Vec<u8> = Vec::new();
        let csrf = b.map_or("", |b| b.csrf.as_str());
        for (k, v) in [("_csrf", csrf)].iter().chain(fields) {
            body.extend_from_slice(
                format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                    .as_bytes(),
            );
        }
        let (name, bytes) = file.unwrap_or(("", b""));
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
        let mut req = Request::post(path).header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        );
        if let Some(b) = b {
            req = req.header(header::COOKIE, format!("mujun_session={}", b.cookie));
        }
        self.send(req.body(Body::from(body)).unwrap()).await
    }

    /// Signs in through the login form, as a browser would.
    pub async fn login(&self, username: &str) -> Browser {
        self.try_login(username, PASSWORD)
            .await
            .unwrap_or_else(|| panic!("{}: login {username} failed", self.name))
    }

    pub async fn try_login(&self, username: &str, password: &str) -> Option<Browser> {
        let form = self.get("/login", None).await;
        let login_csrf = set_cookie_value(&form.headers, "mujun_login_csrf").unwrap();
        let field = csrf_in(&form.body).unwrap();
        let body = serde_urlencoded::to_string([
            ("username", username),
            ("password", password),
            ("_csrf", &field),
            ("next", "/"),
        ])
        .unwrap();
        let res = self
            .send(
                Request::post("/login")
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .header(header::COOKIE, format!("mujun_login_csrf={login_csrf}"))
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await;
        if res.status != StatusCode::SEE_OTHER {
            return None;
        }
        let cookie = set_cookie_value(&res.headers, "mujun_session")?;
        let page = self
            .get(
                "/password",
                Some(&Browser {
                    cookie: cookie.clone(),
                    csrf: String::new(),
                }),
            )
            .await;
        let csrf = csrf_in(&page.body)?;
        Some(Browser { cookie, csrf })
    }

    /// A GET of the JSON API with a bearer token.
    pub async fn api_get(&self, path: &str, bearer: Option<&str>) -> Page {
        let mut req = Request::get(path);
        if let Some(t) = bearer {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }
}

/// A response with its raw bytes (downloads are binary).
pub struct Raw {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
}

impl Raw {
    pub fn header(&self, name: header::HeaderName) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    }

    /// Asserts a download: status, type, an attachment with a UTF-8 file name, the magic bytes.
    pub fn assert_download(&self, content_type: &str, magic: &[u8], context: &str) {
        assert_eq!(
            self.status,
            StatusCode::OK,
            "{context}: {}",
            String::from_utf8_lossy(&self.bytes)
        );
        assert!(
            self.header(header::CONTENT_TYPE).starts_with(content_type),
            "{context}"
        );
        let d = self.header(header::CONTENT_DISPOSITION);
        assert!(
            d.starts_with("attachment;") && d.contains("filename*=UTF-8''"),
            "{context}: {d}"
        );
        assert!(
            self.bytes.starts_with(magic),
            "{context}: starts with {:?}",
            &self.bytes[..self.bytes.len().min(8)]
        );
    }
}

impl TestServer {
    /// A GET whose body is kept as bytes.
    pub async fn raw_get(&self, path: &str, b: Option<&Browser>) -> Raw {
        let mut req = Request::get(path);
        if let Some(b) = b {
            req = req.header(header::COOKIE, format!("mujun_session={}", b.cookie));
        }
        let res = self
            .router
            .clone()
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        Raw {
            status,
            headers,
            bytes,
        }
    }
}

impl TestServer {
    /// A form POST whose answer is kept as bytes (a download); `_csrf` added from the browser.
    pub async fn raw_post(&self, path: &str, b: &Browser, fields: &[(&str, &str)]) -> Raw {
        let mut pairs: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        pairs.push(("_csrf".into(), b.csrf.clone()));
        let body = serde_urlencoded::to_string(&pairs).unwrap();
        let req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, format!("mujun_session={}", b.cookie))
            .body(Body::from(body))
            .unwrap();
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        Raw {
            status,
            headers,
            bytes,
        }
    }
}

/// Posts a `multipart/form-data` form built by hand, as a browser sends it: the text fields
/// (with the browser's `_csrf` unless `fields` has one) and a file.
pub async fn upload(
    s: &TestServer,
    b: &Browser,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> Page {
    const BOUNDARY: &str = "----mujunTestBoundary7MA4YWxkTrZu0gW";
    let mut body: Vec<u8> = Vec::new();
    let mut part = |head: String, content: &[u8]| {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n{head}\r\n\r\n").as_bytes());
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    };
    if !fields.iter().any(|(k, _)| *k == "_csrf") {
        part(
            "Content-Disposition: form-data; name=\"_csrf\"".into(),
            b.csrf.as_bytes(),
        );
    }
    for (k, v) in fields {
        part(
            format!("Content-Disposition: form-data; name=\"{k}\""),
            v.as_bytes(),
        );
    }
    if let Some((name, bytes)) = file {
        part(
            format!(
                "Content-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream"
            ),
            bytes,
        );
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    let req = Request::post("/collection/import")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header(header::COOKIE, format!("mujun_session={}", b.cookie))
        .body(Body::from(body))
        .unwrap();
    s.send(req).await
}

/// The cells of a workbook's first sheet as text.
#[allow(dead_code)]
pub fn xlsx_cells(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::{Reader, Xlsx};
    let mut book = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let name = book.sheet_names()[0].clone();
    book.worksheet_range(&name)
        .unwrap()
        .rows()
        .map(|r| r.iter().map(ToString::to_string).collect())
        .collect()
}

/// The id of a cluster of the demo by its name.
#[allow(dead_code)]
pub async fn cluster_id(s: &TestServer, name: &str) -> i64 {
    let mut c = s.app.store().read().await.unwrap();
    mujun_store::clusters::get_by_name(&mut c, name)
        .await
        .unwrap()
        .unwrap()
        .id
}
