//! The one error type of the collection crate.

/// A file could not be produced or read at all (cell-level problems are not errors of this
/// kind: they are reported in an [`crate::upload::Checked`]).
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    /// Writing the workbook failed.
    #[error("生成 Excel 文件失败：{0}")]
    Xlsx(String),
    /// The upload is beyond the limits (decompressed size, rows, columns).
    #[error("文件“{file}”过大：{why}")]
    TooLarge {
        /// File name as uploaded.
        file: String,
        /// Which limit.
        why: String,
    },
    /// The upload is not a readable workbook or CSV.
    #[error("文件“{file}”无法读取：{why}")]
    Unreadable {
        /// File name as uploaded.
        file: String,
        /// Why.
        why: String,
    },
}

impl From<mujun_sheet::SheetError> for CollectError {
    fn from(e: mujun_sheet::SheetError) -> Self {
        match e {
            mujun_sheet::SheetError::Unsupported { file } => CollectError::Unreadable {
                file,
                why: "只接受 .xlsx 或 .csv 文件".into(),
            },
            mujun_sheet::SheetError::Unreadable { file, why } => CollectError::Unreadable { file, why },
            mujun_sheet::SheetError::TooLarge { file, why } => CollectError::TooLarge { file, why },
        }
    }
}

impl From<rust_xlsxwriter::XlsxError> for CollectError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        CollectError::Xlsx(e.to_string())
    }
}
