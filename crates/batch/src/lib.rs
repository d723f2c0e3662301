//! Batch files of mujun (spec §11): enterprise rows in, evaluation results out.
//!
//! - [`read_input`]: a `.csv` (UTF-8 with or without BOM, or GBK/GB18030) or `.xlsx` file of
//!   enterprise rows → [`BatchInput`], or every bad cell with its row, column and value.
//! - [`write_results`]: an [`Evaluation`](mujun_engine::Evaluation) → `.csv` (full precision) or
//!   `.xlsx` (Chinese headers, one sheet per group, a summary sheet).
//! - [`read_adjustments`]: manual adjustments (`credit_code, class, reason`).

mod adjustments;
pub mod columns;
mod csv_split;
mod error;
mod read;
mod rows;
mod table;
mod write_csv;
mod write_xlsx;

pub use adjustments::read_adjustments;
pub use error::{BatchError, RowError};
pub use read::{BatchInput, ReadOptions, decode, read_csv_bytes, read_input};
pub use table::{TableCell, TableFile, TableFormat, TableWriter, neutralise_formula};
pub use write_csv::write_results_csv;
pub use write_xlsx::{results_xlsx_bytes, write_results_xlsx};

use std::path::Path;

use mujun_engine::{Evaluation, Method};

/// Writes results to `.csv` or `.xlsx` by the path's extension. The file is written to a
/// temporary name beside the target and renamed at the end, so a failed run leaves no partial
/// output.
pub fn write_results(
    path: &Path,
    method: &Method,
    batch: &BatchInput,
    eval: &Evaluation,
) -> Result<(), BatchError> {
    let ext = read::extension(path);
    if ext != "csv" && ext != "xlsx" {
        return Err(BatchError::UnsupportedType {
            path: path.to_owned(),
        });
    }
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("output");
    let tmp = path.with_file_name(format!(".{file_name}.{}.tmp.{ext}", std::process::id()));
    let result = if ext == "csv" {
        std::fs::File::create(&tmp)
            .map_err(|e| BatchError::io(&tmp, e))
            .and_then(|f| {
                write_results_csv(std::io::BufWriter::with_capacity(1 << 20, f), method, batch, eval)
            })
            .map_err(|e| match e {
                BatchError::Io { source, .. } => BatchError::io(path, source),
                other => other,
            })
    } else {
        write_results_xlsx(&tmp, method, batch, eval)
    };
    match result.and_then(|()| std::fs::rename(&tmp, path).map_err(|e| BatchError::io(path, e))) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}
