//! XLSX output: one sheet 企业数据 in constant-memory mode (rows stream to a temporary file, so
//! a million rows need little memory).

use std::path::Path;

use mujun_domain::Field;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use crate::{COLUMNS, DemoError, DemoRow, decimals};

/// Most data rows an XLSX sheet holds: 1 048 576 rows minus the header row.
pub const XLSX_MAX_ROWS: usize = 1_048_575;

/// The sheet name.
const SHEET: &str = "企业数据";

/// Writes the rows to an XLSX file: sheet 企业数据, row 1 the field ids of [`COLUMNS`], then one
/// row per enterprise. Codes, names and item lists are text cells; figures are numeric cells
/// (shown with [`decimals`] places); the production start is a date cell (`yyyy-mm-dd`); a
/// missing value is an empty cell. More than [`XLSX_MAX_ROWS`] rows is refused (nothing is
/// written) with [`DemoError::TooManyRows`].
pub fn write_xlsx(rows: &[DemoRow], path: &Path) -> Result<(), DemoError> {
    check_row_count(rows.len())?;
    let mut workbook = Workbook::new();
    let header = Format::new().set_bold();
    let two = Format::new().set_num_format("0.00");
    let zero = Format::new().set_num_format("0");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    sheet.set_name(SHEET)?;
    for (col, width) in [
        (0u16, 21.0),
        (1, 34.0),
        (2, 11.0),
        (3, 22.0),
        (4, 13.0),
        (6, 16.0),
    ] {
        sheet.set_column_width(col, width)?;
    }
    for col in 7..19u16 {
        sheet.set_column_width(col, 14.0)?;
    }
    sheet.set_column_width(19, 30.0)?;
    sheet.set_column_width(20, 26.0)?;
    sheet.set_freeze_panes(1, 0)?;
    for (col, name) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *name, &header)?;
    }
    for (i, row) in rows.iter().enumerate() {
        let r = u32::try_from(i + 1).expect("row count checked against the sheet limit");
        sheet.write_string(r, 0, row.credit_code.as_str())?;
        sheet.write_string(r, 1, row.name.as_str())?;
        sheet.write_string(r, 2, row.region.to_string())?;
        if let Some(cluster) = &row.cluster {
            sheet.write_string(r, 3, cluster.as_str())?;
        }
        sheet.write_string(r, 4, row.industry.to_string())?;
        sheet.write_string(r, 5, row.scale.id())?;
        if let Some(d) = row.production_start {
            sheet.write_date_with_format(
                r,
                6,
                ExcelDateTime::from_ymd(d.year(), d.month(), d.day())?,
                &date,
            )?;
        }
        for (k, field) in Field::ALL.into_iter().enumerate() {
            if let Some(v) = row.figures[field.index()] {
                let format = if decimals(field) == 0 { &zero } else { &two };
                sheet.write_number_with_format(r, 7 + k as u16, v, format)?;
            }
        }
        if !row.bonus.is_empty() {
            sheet.write_string(r, 19, row.bonus.join(";"))?;
        }
        if !row.veto.is_empty() {
            sheet.write_string(r, 20, row.veto.join(";"))?;
        }
    }
    workbook.save(path)?;
    Ok(())
}

/// Refuses more rows than a sheet holds.
fn check_row_count(rows: usize) -> Result<(), DemoError> {
    if rows > XLSX_MAX_ROWS {
        return Err(DemoError::TooManyRows {
            rows,
            max: XLSX_MAX_ROWS,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_sheet_is_accepted_one_more_row_is_refused_in_chinese() {
        assert!(check_row_count(XLSX_MAX_ROWS).is_ok());
        let err = check_row_count(XLSX_MAX_ROWS + 1).expect_err("too many");
        assert!(matches!(
            err,
            DemoError::TooManyRows {
                rows: 1_048_576,
                max: 1_048_575
            }
        ));
        let text = err.to_string();
        assert!(text.contains("Excel 工作表最多容纳 1048575 行"), "{text}");
        assert!(text.contains("CSV"), "{text}");
    }
}
