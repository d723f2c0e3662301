//! HTTPS terminated by the server itself (issue 10, item 7): a certificate made in the test,
//! a real TLS client that trusts only it; the server sets `Secure` cookies and HSTS; plain HTTP
//! on the TLS port gets no answer; PostgreSQL accepts `sslmode=require`.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One HTTPS request; the whole response as text.
async fn https_get(addr: std::net::SocketAddr, cert_der: Vec<u8>, path: &str) -> String {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls::pki_types::CertificateDer::from(cert_der))
        .unwrap();
    let config = rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let mut tls = connector.connect(name, tcp).await.unwrap();
    tls.write_all(format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut out = Vec::new();
    let _ = tls.read_to_end(&mut out).await;
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn the_server_speaks_https_with_secure_cookies_and_hsts() {
    let store = mujun_store::testing::sqlite().await;
    let dir = tempfile::tempdir().unwrap();
    let made = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert, made.cert.pem()).unwrap();
    std::fs::write(&key, made.signing_key.serialize_pem()).unwrap();
    let config = mujun_web::Config {
        tls_cert: cert.display().to_string(),
        tls_key: key.display().to_string(),
        ..mujun_web::Config::default()
    };
    assert!(config.tls() && config.secure(), "TLS implies Secure cookies");
    let app = mujun_app::App::new(
        store.store.clone(),
        mujun_app::Security {
            hash_cost: mujun_app::HashCost::TEST,
            ..mujun_app::Security::default()
        },
    );
    let state = mujun_web::state(app, config, false);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        mujun_web::serve_tls(state, listener, &cert, &key, async {
            let _ = stopped.await;
        })
        .await
    });

    let health = https_get(addr, made.cert.der().to_vec(), "/healthz").await;
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(
        health
            .to_ascii_lowercase()
            .contains("strict-transport-security: max-age=31536000"),
        "{health}"
    );
    let login = https_get(addr, made.cert.der().to_vec(), "/login").await;
    let cookie = login
        .lines()
        .find(|l| {
            l.to_ascii_lowercase()
                .starts_with("set-cookie: mujun_login_csrf=")
        })
        .unwrap_or_default();
    assert!(
        cookie.contains("; Secure") && cookie.contains("HttpOnly"),
        "{login}"
    );

    // Plain HTTP on the TLS port is not served.
    let mut plain = tokio::net::TcpStream::connect(addr).await.unwrap();
    plain
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), plain.read_to_end(&mut out)).await;
    assert!(!String::from_utf8_lossy(&out).contains("200 OK"));

    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
    store.cleanup().await;
}

#[tokio::test]
async fn postgres_connections_can_require_tls() {
    if mujun_store::testing::postgres_skipped() {
        return;
    }
    // The fresh database of the PostgreSQL half, opened again over TLS.
    let Some(pg) = mujun_store::testing::postgres().await else {
        return;
    };
    let url = if pg.url.contains('?') {
        format!("{}&sslmode=require", pg.url)
    } else {
        format!("{}?sslmode=require", pg.url)
    };
    let store = mujun_store::Store::connect(&url).await.unwrap_or_else(|e| {
        panic!("sslmode=require must connect (the server at 127.0.0.1 has ssl = on): {e}")
    });
    let mut c = store.read().await.unwrap();
    let (ssl,): (bool,) = sqlx::query_as("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .fetch_one(&mut *c)
        .await
        .unwrap();
    assert!(ssl, "the connection is encrypted");
    drop(c);
    store.close().await;
    pg.cleanup().await;
}
