//! HTML pages, one module per area. Each module's `routes()` lists its pages.

pub mod account_requests;
pub mod account_security;
pub mod accounts;
pub mod accounts_bulk;
pub mod activate;
pub mod admission;
pub mod audit;
pub mod clusters;
pub mod clusters_plan;
pub mod cockpit;
pub mod collection;
pub mod enterprises;
pub mod evaluation;
pub mod home;
pub mod land;
pub mod login;
pub mod messages;
mod pager;
pub mod password;
pub mod service;
pub mod setup;
pub mod tasks;
pub mod tokens;
pub mod transformation;
pub mod warnings;

use askama::Template;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::auth::PageUser;
use crate::error::PageError;
use crate::layout::Layout;
use crate::state::AppState;

/// Every page route.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(login::routes())
        .merge(activate::routes())
        .merge(home::routes())
        .merge(password::routes())
        .merge(enterprises::routes())
        .merge(clusters_plan::routes())
        .merge(clusters::routes())
        .merge(admission::routes())
        .merge(land::routes())
        .merge(service::routes())
        .merge(tasks::routes())
        .merge(transformation::routes())
        .merge(warnings::routes())
        .merge(collection::routes())
        .merge(evaluation::routes())
        .merge(accounts::routes())
        .merge(account_requests::routes())
        .merge(account_security::routes())
        .merge(tokens::routes())
        .merge(setup::routes())
        .merge(accounts_bulk::routes())
        .merge(audit::routes())
        .merge(messages::routes())
}

/// Renders a template.
pub fn render<T: Template>(t: &T) -> Result<Html<String>, PageError> {
    t.render().map(Html).map_err(|e| {
        tracing::error!("template error: {e}");
        PageError::from(mujun_app::AppError::Crypto("页面渲染失败".into()))
    })
}

/// The layout of a page for a signed-in user.
pub async fn layout(
    state: &AppState,
    user: &PageUser,
    title: &str,
    active: &str,
    msg: Option<&str>,
) -> Result<Layout, PageError> {
    let scope = state.app.scope_label(&user.actor).await?;
    let mut l = Layout::new(user, scope, title, active, msg);
    l.unread = state.app.unread_messages(&user.actor).await?;
    l.system_title.clone_from(&state.app.site().title);
    Ok(l)
}

/// The messages of a refused form: `Ok` for validation errors (shown in the page with 422),
/// `Err` for everything else (refusals, missing objects, storage).
pub(crate) fn form_messages(e: mujun_app::AppError) -> Result<Vec<String>, PageError> {
    match e {
        mujun_app::AppError::Invalid(errors) => Ok(errors.into_iter().map(|e| e.message).collect()),
        e => Err(e.into()),
    }
}

/// Builds `?a=1&b=2` from pairs, skipping empty values.
pub fn query_string(pairs: &[(&str, String)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", crate::auth::urlencode(v).replace('/', "%2F")))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// Formats a millisecond timestamp as Beijing time `YYYY-MM-DD HH:MM:SS`.
pub fn format_time(ms: i64) -> String {
    let secs = ms.div_euclid(1000) + 8 * 3600;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let date =
        mujun_domain::Date::from_days_since_epoch(days).map_or_else(|| "?".to_owned(), |d| d.to_string());
    format!("{date} {:02}:{:02}:{:02}", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Percent-encodes a file name for `filename*=UTF-8''…` (RFC 5987/6266).
pub(crate) fn pct_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// MIME type of xlsx workbooks.
pub(crate) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A file to download: its type, and its (Chinese) name in `filename*` with an ASCII fallback.
pub(crate) fn download(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    with_download_headers(
        (StatusCode::OK, bytes).into_response(),
        content_type,
        file_name,
        None,
    )
}

/// A download handed out by a use case: bytes, or a temporary file streamed in chunks of
/// 64 KiB (a whole scope's table never sits in memory).
pub(crate) fn send(file: mujun_app::download::Download) -> Response {
    use mujun_app::download::Content;
    let len = file.len();
    match file.content {
        Content::Bytes(b) => download(b, file.content_type, &file.file_name),
        Content::File(table) => stream(
            tokio::fs::File::from_std(table.file),
            None,
            file.content_type,
            &file.file_name,
            len,
        ),
        Content::Named { file: named, .. } => match std::fs::File::open(named.path()) {
            // The named file stays until the stream ends (then it is removed).
            Ok(f) => stream(
                tokio::fs::File::from_std(f),
                Some(named),
                file.content_type,
                &file.file_name,
                len,
            ),
            Err(e) => {
                tracing::error!("a download's file is gone: {e}");
                PageError::from(mujun_app::AppError::Internal("下载文件已不存在，请重试".into()))
                    .into_response()
            }
        },
    }
}

/// Streams a file in chunks of 64 KiB.
fn stream(
    handle: tokio::fs::File,
    keep: Option<tempfile::NamedTempFile>,
    content_type: &'static str,
    file_name: &str,
    len: u64,
) -> Response {
    use tokio::io::AsyncReadExt;
    let stream = futures_util::stream::unfold(Some((handle, keep)), |state| async move {
        let (mut f, keep) = state?;
        let mut buf = vec![0u8; 64 * 1024];
        match f.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(buf), Some((f, keep))))
            }
            Err(e) => Some((Err(e), None)),
        }
    });
    with_download_headers(
        axum::body::Body::from_stream(stream).into_response(),
        content_type,
        file_name,
        Some(len),
    )
}

fn with_download_headers(
    mut res: Response,
    content_type: &'static str,
    file_name: &str,
    len: Option<u64>,
) -> Response {
    let ext = file_name.rsplit_once('.').map_or("bin", |(_, e)| e);
    // Old clients read only `filename`: an ASCII name, the real one when it is plain ASCII.
    let plain = file_name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    let fallback = if plain && !file_name.is_empty() {
        file_name.to_owned()
    } else {
        format!("mujun-download.{}", pct_encode(ext))
    };
    let disposition = format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
        pct_encode(file_name)
    );
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Some(len) = len {
        h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    }
    res
}

/// Escapes text for XML (the SVG charts).
pub(crate) fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beijing_time_and_queries() {
        assert_eq!(format_time(0), "1970-01-01 08:00:00");
        assert_eq!(format_time(1_700_000_000_000), "2023-11-15 06:13:20");
        assert_eq!(
            query_string(&[("q", "驻马店".into()), ("page", "2".into()), ("x", String::new())]),
            "?q=%E9%A9%BB%E9%A9%AC%E5%BA%97&page=2"
        );
    }

    #[test]
    fn downloads_name_their_file() {
        let res = download(vec![1, 2], XLSX, "2024年度-税务局-数据填报模板.xlsx");
        let d = res.headers()[header::CONTENT_DISPOSITION].to_str().unwrap_or("");
        assert!(
            d.starts_with("attachment; filename=\"mujun-download.xlsx\""),
            "{d}"
        );
        assert!(d.contains("filename*=UTF-8''2024%E5%B9%B4"), "{d}");
        let res = download(vec![], XLSX, "quality-2024.xlsx");
        let d = res.headers()[header::CONTENT_DISPOSITION].to_str().unwrap_or("");
        assert!(d.contains("filename=\"quality-2024.xlsx\""), "{d}");
        assert_eq!(pct_encode("税务 a.xlsx"), "%E7%A8%8E%E5%8A%A1%20a.xlsx");
        assert_eq!(xml_escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
