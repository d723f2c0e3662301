//! A `multipart/form-data` form with one file (department workbooks; also the attachments of
//! objections): the caller, the text fields, and the file, capped at `max_upload_bytes`. The
//! form's `_csrf` field must match the session like every other state-changing form (403
//! otherwise).

use axum::extract::{FromRequest, FromRequestParts, Multipart, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mujun_app::{AppError, same_token};

use crate::auth::PageUser;
use crate::error::PageError;
use crate::state::AppState;

/// The body limit of the upload routes (the site's default is 2 MB); the configured
/// `max_upload_bytes` is checked on the file itself.
pub(crate) const UPLOAD_BODY_LIMIT: usize = 64 * 1024 * 1024;

/// An uploaded file.
#[derive(Debug)]
pub(crate) struct UploadedFile {
    /// Its name as sent (without any path a browser may add).
    pub name: String,
    /// Its content.
    pub bytes: Vec<u8>,
}

/// A multipart form with a checked `_csrf` field.
#[derive(Debug)]
pub(crate) struct UploadForm {
    /// The caller.
    pub user: PageUser,
    /// Text fields, in order.
    pub fields: Vec<(String, String)>,
    /// The field `file`, when a file was chosen.
    pub file: Option<UploadedFile>,
}

impl UploadForm {
    /// A text field, trimmed; empty when absent.
    pub fn field(&self, name: &str) -> &str {
        super::field(&self.fields, name)
    }
}

fn refused(message: String) -> Response {
    PageError::from(AppError::invalid("file", message)).into_response()
}

fn too_large(limit: usize) -> Response {
    refused(format!(
        "上传的文件超过 {} MB 的上限；请拆分文件，或使用命令行 mujun import 导入大文件",
        limit / (1024 * 1024)
    ))
}

fn multipart_error(e: &axum::extract::multipart::MultipartError, limit: usize) -> Response {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large(limit)
    } else {
        refused(format!("无法读取上传的表单：{}", e.body_text()))
    }
}

impl FromRequest<AppState> for UploadForm {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let user = PageUser::from_request_parts(&mut parts, state).await?;
        let limit = state.config.max_upload_bytes;
        let mut multipart = Multipart::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|e| refused(format!("表单应以 multipart/form-data 上传：{}", e.body_text())))?;
        let mut fields = Vec::new();
        let mut file = None;
        let mut csrf_checked = false;
        while let Some(mut f) = multipart
            .next_field()
            .await
            .map_err(|e| multipart_error(&e, limit))?
        {
            let name = f.name().unwrap_or_default().to_owned();
            if let Some(file_name) = f.file_name().map(str::to_owned) {
                let mut bytes = Vec::new();
                while let Some(chunk) = f.chunk().await.map_err(|e| multipart_error(&e, limit))? {
                    if bytes.len() + chunk.len() > limit {
                        return Err(too_large(limit));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                // Browsers send an empty part when no file was chosen; old ones send a path.
                let file_name = file_name
                    .rsplit(['/', '\\'])
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_owned();
                if name == "file" && !file_name.is_empty() {
                    file = Some(UploadedFile {
                        name: file_name,
                        bytes,
                    });
                }
                continue;
            }
            let text = f.text().await.map_err(|e| multipart_error(&e, limit))?;
            if name == "_csrf" {
                // Checked as soon as it arrives (the form sends it first).
                if !same_token(&text, &user.csrf) {
                    return Err(PageError::csrf().into_response());
                }
                csrf_checked = true;
            }
            fields.push((name, text));
        }
        if !csrf_checked {
            return Err(PageError::csrf().into_response());
        }
        Ok(UploadForm { user, fields, file })
    }
}
