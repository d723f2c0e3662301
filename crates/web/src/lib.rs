//! The web server of mujun: Chinese HTML pages and the JSON API over the use cases of
//! `mujun-app`. Handlers are thin: extract, call one use case, render.
//!
//! - [`router`] is the table of contents of the site.
//! - [`auth`] extracts the caller (session cookie or bearer token) and checks CSRF tokens.
//! - [`security`] sets the security headers; [`error`] maps errors to pages or JSON.

// axum rejections are `Response`s by design.
#![allow(clippy::result_large_err)]

pub mod api;
mod assets;
pub mod auth;
mod config;
pub mod error;
pub mod layout;
pub mod pages;
pub mod security;
mod state;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::get;

pub use config::Config;
pub use state::AppState;

/// Builds the application state.
pub fn state(app: mujun_app::App, config: Config, demo: bool) -> AppState {
    AppState {
        app,
        config: Arc::new(config),
        demo,
    }
}

/// Every route of the site.
pub fn router(state: AppState) -> Router {
    let body_limit = state.config.max_body_bytes;
    Router::new()
        .route("/static/app.css", get(assets::css))
        .route("/static/app.js", get(assets::js))
        .route("/static/favicon.svg", get(assets::favicon))
        .route("/favicon.ico", get(assets::favicon))
        .route("/healthz", get(|| async { "ok" }))
        .merge(pages::routes())
        .nest("/api/v1", api::routes())
        .fallback(|| async { error::PageError::not_found() })
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::reject_bad_input,
        ))
        .layer(middleware::from_fn(auth::same_origin))
        .layer(middleware::from_fn_with_state(state.clone(), security::headers))
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(state)
}

/// Serves until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state);
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}

/// Serves HTTPS on `listener` with the PEM certificate chain and key, until `shutdown`
/// completes; requests in flight get 30 seconds to finish. TLS 1.2 and 1.3 only (rustls).
pub async fn serve_tls(
    state: AppState,
    listener: std::net::TcpListener,
    cert: &std::path::Path,
    key: &std::path::Path,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // One process-wide provider; a second call finds it installed, which is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key)
        .await
        .map_err(|e| {
            std::io::Error::other(format!(
                "无法读取 TLS 证书或私钥（{} / {}）：{e}",
                cert.display(),
                key.display()
            ))
        })?;
    let handle = axum_server::Handle::<SocketAddr>::new();
    let stopper = handle.clone();
    tokio::spawn(async move {
        shutdown.await;
        stopper.graceful_shutdown(Some(std::time::Duration::from_secs(30)));
    });
    listener.set_nonblocking(true)?;
    axum_server::tls_rustls::from_tcp_rustls(listener, config)?
        .handle(handle)
        .serve(router(state).into_make_service_with_connect_info::<SocketAddr>())
        .await
}
