//! Manual adjustments file: columns `credit_code, class, reason` (Chinese labels accepted:
//! 统一社会信用代码, 档次, 理由).

use std::path::Path;

use mujun_domain::{CreditCode, normalize_text};
use mujun_engine::Adjustment;

use crate::{BatchError, RowError};

/// Reads an adjustments CSV (UTF-8 or GBK). Every bad row is reported.
pub fn read_adjustments(path: &Path) -> Result<Vec<Adjustment>, BatchError> {
    let bytes = std::fs::read(path).map_err(|e| BatchError::io(path, e))?;
    let text = crate::decode(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| BatchError::Format {
            path: path.to_owned(),
            message: format!("表头无法读取：{e}"),
        })?
        .clone();
    let find = |names: &[&str]| {
        headers
            .iter()
            .position(|h| names.contains(&normalize_text(h).as_ref()))
    };
    let code_col = find(&["credit_code", "统一社会信用代码"]);
    let class_col = find(&["class", "档次", "调整后档次"]);
    let reason_col = find(&["reason", "理由", "调档理由"]);
    let (Some(code_col), Some(class_col), Some(reason_col)) = (code_col, class_col, reason_col) else {
        return Err(BatchError::Header {
            path: path.to_owned(),
            problems: vec![
                "调档文件需要三列：credit_code（统一社会信用代码）、class（档次）、reason（理由）".into(),
            ],
        });
    };
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let row = i + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errors.push(RowError {
                    row,
                    column: String::new(),
                    value: String::new(),
                    message: format!("CSV 格式错误：{e}"),
                });
                continue;
            }
        };
        let get = |c: usize| rec.get(c).unwrap_or("").trim().to_owned();
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let (code, class, reason) = (get(code_col), get(class_col), get(reason_col));
        let mut bad = |col: usize, value: &str, message: String| {
            errors.push(RowError {
                row,
                column: headers.get(col).unwrap_or("").to_owned(),
                value: value.to_owned(),
                message,
            });
        };
        let parsed = CreditCode::parse(&code)
            .map_err(|e| bad(code_col, &code, e.to_string()))
            .ok();
        if class.is_empty() {
            bad(class_col, &class, "档次不能为空".into());
        }
        if reason.is_empty() {
            bad(reason_col, &reason, "调档必须写明理由".into());
        }
        if let Some(credit_code) = parsed
            && !class.is_empty()
            && !reason.is_empty()
        {
            out.push(Adjustment {
                credit_code,
                class,
                reason,
            });
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(BatchError::Rows {
            path: path.to_owned(),
            errors,
        })
    }
}
