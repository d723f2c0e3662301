//! The one error type of the batch crate. Messages are Simplified Chinese.

use std::path::PathBuf;

/// One bad cell (or row) of an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The spreadsheet row number (the header is row 1).
    pub row: usize,
    /// The column header as written in the file (empty for a whole-row problem).
    pub column: String,
    /// The cell text as found.
    pub value: String,
    /// Why it is refused (Chinese).
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.column.is_empty() {
            write!(f, "第 {} 行：{}", self.row, self.message)
        } else {
            write!(
                f,
                "第 {} 行，列“{}”，值“{}”：{}",
                self.row, self.column, self.value, self.message
            )
        }
    }
}

/// Why a batch file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// The file could not be opened, read or written.
    #[error("文件 {path}：{source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file type is not supported.
    #[error("文件 {path}：不支持的文件类型，请使用 .csv 或 .xlsx")]
    UnsupportedType {
        /// The file.
        path: PathBuf,
    },
    /// The file is not a readable spreadsheet.
    #[error("文件 {path}：{message}")]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The header row is unusable (missing or duplicated columns).
    #[error("文件 {path} 的表头有问题：\n{}", problems.join("\n"))]
    Header {
        /// The file.
        path: PathBuf,
        /// One line per problem.
        problems: Vec<String>,
    },
    /// Some rows are bad; nothing was used.
    #[error("文件 {path} 有 {} 处错误，未做任何处理：\n{}", errors.len(), errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Rows {
        /// The file.
        path: PathBuf,
        /// Every bad cell, in row order.
        errors: Vec<RowError>,
    },
    /// The output does not fit the format.
    #[error("文件 {path}：{message}")]
    Output {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The XLSX library failed.
    #[error("文件 {path}：写入 Excel 失败：{message}")]
    Xlsx {
        /// The file.
        path: PathBuf,
        /// The library's message.
        message: String,
    },
}

impl BatchError {
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        BatchError::Io {
            path: path.to_owned(),
            source,
        }
    }
}
