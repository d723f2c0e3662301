//! The one error type of the collection crate.

/// A file could not be produced or read at all (cell-level problems are not errors of this
/// kind: they are reported in an [`crate::upload::Checked`]).
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    /// Writing the workbook failed.
    #[error("生成 Excel 文件失败：{0}")]
    Xlsx(String),
    /// The upload is not a readable workbook or CSV.
    #[error("文件“{file}”无法读取：{why}")]
    Unreadable {
        /// File name as uploaded.
        file: String,
        /// Why.
        why: String,
    },
}

impl From<rust_xlsxwriter::XlsxError> for CollectError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        CollectError::Xlsx(e.to_string())
    }
}
