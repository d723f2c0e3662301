//! Files the use cases hand out: small ones in memory, tables of a whole scope as a temporary
//! file written row by row (the web streams it), so an export of 100,000 rows keeps memory flat.

use mujun_batch::TableFile;
pub use mujun_batch::TableFormat;

/// The MIME type of xlsx.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// The MIME type of CSV.
pub const CSV: &str = "text/csv; charset=utf-8";

/// What a download holds.
#[derive(Debug)]
pub enum Content {
    /// Bytes in memory (PDFs, method files, small workbooks).
    Bytes(Vec<u8>),
    /// An anonymous temporary file, positioned at its start (removed when dropped).
    File(TableFile),
    /// A named temporary file (removed when dropped): read from its start on download.
    Named {
        /// The file.
        file: tempfile::NamedTempFile,
        /// Its size in bytes.
        len: u64,
    },
}

/// A file to download.
#[derive(Debug)]
pub struct Download {
    /// File name (Chinese allowed).
    pub file_name: String,
    /// MIME type.
    pub content_type: &'static str,
    /// The content.
    pub content: Content,
}

impl Download {
    /// A download of bytes in memory.
    pub fn bytes(file_name: String, content_type: &'static str, bytes: Vec<u8>) -> Download {
        Download {
            file_name,
            content_type,
            content: Content::Bytes(bytes),
        }
    }

    /// Its size in bytes.
    pub fn len(&self) -> u64 {
        match &self.content {
            Content::Bytes(b) => b.len() as u64,
            Content::File(f) => f.len,
            Content::Named { len, .. } => *len,
        }
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The whole content in memory (the CLI and tests).
    pub fn into_bytes(self) -> Result<Vec<u8>, crate::AppError> {
        match self.content {
            Content::Bytes(b) => Ok(b),
            Content::File(f) => f
                .into_bytes()
                .map_err(|e| crate::AppError::Internal(e.to_string())),
            Content::Named { file, .. } => {
                std::fs::read(file.path()).map_err(|e| crate::AppError::Internal(e.to_string()))
            }
        }
    }
}

/// A table written on the blocking pool while the caller reads its rows chunk by chunk from
/// the database: at most a few chunks are in memory at once.
pub(crate) struct TableSink {
    tx: tokio::sync::mpsc::Sender<Vec<Vec<mujun_batch::TableCell>>>,
    writer: tokio::task::JoinHandle<Result<TableFile, mujun_batch::BatchError>>,
}

/// Rows a whole-scope export reads per query.
pub(crate) const CHUNK: i64 = 5_000;

impl TableSink {
    /// Starts writing a table with these headers.
    pub(crate) fn start(format: mujun_batch::TableFormat, sheet: &str, headers: &[&str]) -> TableSink {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<Vec<mujun_batch::TableCell>>>(2);
        let sheet = sheet.to_owned();
        let headers: Vec<String> = headers.iter().map(|h| (*h).to_owned()).collect();
        let writer = tokio::task::spawn_blocking(move || {
            let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
            let mut w = mujun_batch::TableWriter::new(format, &sheet, &headers)?;
            while let Some(rows) = rx.blocking_recv() {
                for r in &rows {
                    w.row(r)?;
                }
            }
            w.finish()
        });
        TableSink { tx, writer }
    }

    /// Hands a chunk of rows to the writer (waits while it is two chunks behind).
    pub(crate) async fn send(&self, rows: Vec<Vec<mujun_batch::TableCell>>) -> Result<(), crate::AppError> {
        if self.tx.send(rows).await.is_err() {
            // The writer stopped on an error: `finish` reports it.
            return Ok(());
        }
        Ok(())
    }

    /// Waits for the file.
    pub(crate) async fn finish(self) -> Result<TableFile, crate::AppError> {
        drop(self.tx);
        self.writer
            .await
            .map_err(|e| crate::AppError::Internal(format!("导出任务异常终止：{e}")))?
            .map_err(|e| crate::AppError::Internal(format!("导出文件写入失败：{e}")))
    }
}

impl crate::App {
    /// A list the caller already may read, as one xlsx sheet, audited as `action` on
    /// `object_kind` with `detail` plus the number of rows.
    #[allow(clippy::too_many_arguments)] // Each is one fact of the file; a struct would only rename them.
    pub(crate) async fn list_export(
        &self,
        actor: &crate::Actor,
        action: &str,
        object_kind: &str,
        sheet: &str,
        headers: &[&str],
        rows: Vec<Vec<mujun_batch::TableCell>>,
        file_name: String,
        mut detail: serde_json::Value,
    ) -> Result<Download, crate::AppError> {
        let sink = TableSink::start(TableFormat::Xlsx, sheet, headers);
        sink.send(rows).await?;
        let file = sink.finish().await?;
        detail["rows"] = serde_json::json!(file.rows);
        let mut tx = self.store.begin().await?;
        crate::audit::write(
            &mut tx,
            crate::audit::Who::Actor(actor),
            action,
            (object_kind, ""),
            detail,
            "ok",
        )
        .await?;
        tx.commit().await.map_err(mujun_store::StoreError::from)?;
        Ok(Download {
            file_name,
            content_type: XLSX,
            content: Content::File(file),
        })
    }
}
