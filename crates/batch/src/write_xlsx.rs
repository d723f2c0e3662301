//! Results as XLSX: a summary sheet of class counts per pool, one sheet per group (Chinese
//! headers, full values displayed with 2 decimals), the pools' benchmarks and the excluded
//! enterprises. Group sheets are streamed (constant memory), so a million rows fit.

use std::path::Path;

use mujun_engine::{Evaluation, IndicatorValue, Method, Outcome};
use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};

use crate::{BatchError, BatchInput};

/// Data rows a sheet holds below its header.
const MAX_DATA_ROWS: usize = 1_048_575;

fn xerr(path: &Path) -> impl Fn(XlsxError) -> BatchError + '_ {
    move |e| BatchError::Xlsx {
        path: path.to_owned(),
        message: e.to_string(),
    }
}

struct Formats {
    header: Format,
    number: Format,
    text: Format,
}

fn header_row(sheet: &mut Worksheet, row: u32, cells: &[String], f: &Formats) -> Result<(), XlsxError> {
    for (c, h) in cells.iter().enumerate() {
        sheet.write_string_with_format(row, c as u16, h, &f.header)?;
    }
    Ok(())
}

/// Writes the result workbook.
pub fn write_results_xlsx(
    path: &Path,
    method: &Method,
    batch: &BatchInput,
    eval: &Evaluation,
) -> Result<(), BatchError> {
    let mut book = results_workbook(path, method, batch, eval)?;
    book.save(path).map_err(xerr(path))?;
    Ok(())
}

/// The result workbook as bytes (for a download); `name` appears in error messages.
pub fn results_xlsx_bytes(
    name: &str,
    method: &Method,
    batch: &BatchInput,
    eval: &Evaluation,
) -> Result<Vec<u8>, BatchError> {
    let path = Path::new(name);
    let mut book = results_workbook(path, method, batch, eval)?;
    book.save_to_buffer().map_err(xerr(path))
}

fn results_workbook(
    path: &Path,
    method: &Method,
    batch: &BatchInput,
    eval: &Evaluation,
) -> Result<Workbook, BatchError> {
    let e = xerr(path);
    let f = Formats {
        header: Format::new()
            .set_bold()
            .set_background_color(0xDDE6F0)
            .set_align(FormatAlign::Center),
        number: Format::new().set_num_format("0.00"),
        text: Format::new().set_num_format("@"),
    };
    let mut book = Workbook::new();

    // 汇总: run facts and class counts per pool.
    let all_classes: Vec<String> = {
        let mut v: Vec<String> = Vec::new();
        for g in &method.groups {
            for c in &g.classes {
                if !v.contains(c) {
                    v.push(c.clone());
                }
            }
        }
        v
    };
    {
        let sheet = book.add_worksheet().set_name("汇总").map_err(&e)?;
        let facts = [
            ("评价方法", format!("{}（{}）", method.name, method.id)),
            ("方法文件 SHA-256", eval.method_hash.clone()),
            ("数据年度", eval.year.to_string()),
            ("输入数据 SHA-256", eval.input_hash.clone()),
            ("企业总数", eval.outcomes.len().to_string()),
            ("不参评（X）", eval.excluded.len().to_string()),
        ];
        for (r, (k, v)) in facts.iter().enumerate() {
            sheet
                .write_string_with_format(r as u32, 0, *k, &f.header)
                .map_err(&e)?;
            sheet.write_string(r as u32, 1, v).map_err(&e)?;
        }
        let top = facts.len() as u32 + 1;
        let mut head: Vec<String> = [
            "评价组",
            "排名池",
            "参与排名数 N",
            "否决项企业数",
            "上半区人数",
            "A 类名额",
            "C 类名额",
        ]
        .map(String::from)
        .to_vec();
        head.extend(all_classes.iter().map(|c| format!("{c} 类（计算）")));
        head.extend(all_classes.iter().map(|c| format!("{c} 类（最终）")));
        header_row(sheet, top, &head, &f).map_err(&e)?;
        for (i, p) in eval.pools.iter().enumerate() {
            let r = top + 1 + i as u32;
            let g = &method.groups[p.group];
            sheet
                .write_string(r, 0, format!("{}（{}）", g.scale.label(), g.id))
                .map_err(&e)?;
            sheet.write_string(r, 1, &p.label).map_err(&e)?;
            sheet.write_number(r, 2, p.size as f64).map_err(&e)?;
            sheet
                .write_number(r, 3, (p.members.len() - p.size) as f64)
                .map_err(&e)?;
            if let Some(q) = p.quotas {
                sheet.write_number(r, 4, q.n_top as f64).map_err(&e)?;
                sheet.write_number(r, 5, q.n_a as f64).map_err(&e)?;
                sheet.write_number(r, 6, q.n_c as f64).map_err(&e)?;
            }
            for (k, class) in all_classes.iter().enumerate() {
                if let Some(ci) = g.class_index(class) {
                    let base = 7 + k as u16;
                    sheet
                        .write_number(r, base, p.computed_counts[ci] as f64)
                        .map_err(&e)?;
                    sheet
                        .write_number(r, base + all_classes.len() as u16, p.final_counts[ci] as f64)
                        .map_err(&e)?;
                }
            }
        }
        sheet.set_column_width(0, 18).map_err(&e)?;
        sheet.set_column_width(1, 26).map_err(&e)?;
    }

    // One sheet per group, members in presentation order.
    for (gi, group) in method.groups.iter().enumerate() {
        let mut head: Vec<String> = [
            "统一社会信用代码",
            "企业名称",
            "排名池",
            "排名",
            "池内参与排名数",
            "基础分",
            "加分",
            "总分",
            "计算档次",
            "最终档次",
            "定档理由",
        ]
        .map(String::from)
        .to_vec();
        for spec in &group.indicators {
            let l = spec.id.label();
            head.extend([
                format!("{l}（{}）", spec.id.unit()),
                format!("{l}基准值"),
                format!("{l}得分"),
                format!("{l}计分说明"),
            ]);
        }
        let members: Vec<u32> = eval
            .pools
            .iter()
            .filter(|p| p.group == gi)
            .flat_map(|p| p.members.iter().copied())
            .collect();
        let parts = members.len().div_ceil(MAX_DATA_ROWS).max(1);
        for part in 0..parts {
            let rows = &members
                [(part * MAX_DATA_ROWS).min(members.len())..((part + 1) * MAX_DATA_ROWS).min(members.len())];
            let name = if part == 0 {
                format!("{}（{}）", group.scale.label(), group.id)
            } else {
                format!("{}（{}）{}", group.scale.label(), group.id, part + 1)
            };
            let sheet = book.add_worksheet_with_constant_memory().map_err(&e)?;
            sheet.set_name(truncate_sheet_name(&name)).map_err(&e)?;
            header_row(sheet, 0, &head, &f).map_err(&e)?;
            sheet.set_freeze_panes(1, 2).map_err(&e)?;
            sheet.set_column_width(0, 21).map_err(&e)?;
            sheet.set_column_width(1, 28).map_err(&e)?;
            for (r, &row) in rows.iter().enumerate() {
                let r = r as u32 + 1;
                let row = row as usize;
                let Outcome::Scored(s) = &eval.outcomes[row] else {
                    continue;
                };
                let pool = &eval.pools[s.pool];
                sheet
                    .write_string_with_format(
                        r,
                        0,
                        batch.input.enterprises[row].credit_code.as_str(),
                        &f.text,
                    )
                    .map_err(&e)?;
                sheet.write_string(r, 1, batch.name(row)).map_err(&e)?;
                sheet.write_string(r, 2, &pool.label).map_err(&e)?;
                if let Some(rank) = s.rank {
                    sheet.write_number(r, 3, rank).map_err(&e)?;
                }
                sheet.write_number(r, 4, pool.size as f64).map_err(&e)?;
                sheet
                    .write_number_with_format(r, 5, s.base, &f.number)
                    .map_err(&e)?;
                sheet
                    .write_number_with_format(r, 6, s.bonus, &f.number)
                    .map_err(&e)?;
                sheet
                    .write_number_with_format(r, 7, s.total, &f.number)
                    .map_err(&e)?;
                sheet
                    .write_string(r, 8, eval.computed_class(method, s))
                    .map_err(&e)?;
                sheet
                    .write_string(r, 9, eval.final_class(method, s))
                    .map_err(&e)?;
                sheet
                    .write_string(r, 10, eval.class_reason(method, s))
                    .map_err(&e)?;
                for (j, res) in eval.indicators(s, group.indicators.len()).iter().enumerate() {
                    let c = 11 + 4 * j as u16;
                    if let IndicatorValue::Defined(v) = res.value {
                        sheet.write_number_with_format(r, c, v, &f.number).map_err(&e)?;
                    }
                    if let Some(b) = pool.benchmarks[j] {
                        sheet
                            .write_number_with_format(r, c + 1, b, &f.number)
                            .map_err(&e)?;
                    }
                    sheet
                        .write_number_with_format(r, c + 2, res.score, &f.number)
                        .map_err(&e)?;
                    sheet.write_string(r, c + 3, res.basis.label()).map_err(&e)?;
                }
            }
        }
    }

    // 基准值: per pool and indicator.
    {
        let sheet = book.add_worksheet().set_name("基准值").map_err(&e)?;
        let head: Vec<String> = [
            "评价组",
            "排名池",
            "指标",
            "指标 id",
            "权重",
            "基准值",
            "有效值企业平均得分",
        ]
        .map(String::from)
        .to_vec();
        header_row(sheet, 0, &head, &f).map_err(&e)?;
        let mut r = 1u32;
        for p in &eval.pools {
            let g = &method.groups[p.group];
            for (j, spec) in g.indicators.iter().enumerate() {
                sheet.write_string(r, 0, &g.id).map_err(&e)?;
                sheet.write_string(r, 1, &p.label).map_err(&e)?;
                sheet.write_string(r, 2, spec.id.label()).map_err(&e)?;
                sheet.write_string(r, 3, spec.id.id()).map_err(&e)?;
                sheet.write_number(r, 4, spec.weight).map_err(&e)?;
                if let Some(b) = p.benchmarks[j] {
                    sheet.write_number_with_format(r, 5, b, &f.number).map_err(&e)?;
                }
                sheet
                    .write_number_with_format(r, 6, p.mean_defined_scores[j], &f.number)
                    .map_err(&e)?;
                r += 1;
            }
        }
        sheet.set_column_width(1, 26).map_err(&e)?;
    }

    // 不参评.
    if eval.excluded.len() > MAX_DATA_ROWS {
        return Err(BatchError::Output {
            path: path.to_owned(),
            message: format!(
                "不参评企业 {} 家，超过 Excel 单表行数上限，请输出为 CSV",
                eval.excluded.len()
            ),
        });
    }
    {
        let sheet = book.add_worksheet_with_constant_memory().map_err(&e)?;
        sheet.set_name("不参评").map_err(&e)?;
        let head: Vec<String> = ["统一社会信用代码", "企业名称", "原因代码", "原因"]
            .map(String::from)
            .to_vec();
        header_row(sheet, 0, &head, &f).map_err(&e)?;
        sheet.set_column_width(0, 21).map_err(&e)?;
        sheet.set_column_width(1, 28).map_err(&e)?;
        for (r, &row) in eval.excluded.iter().enumerate() {
            let r = r as u32 + 1;
            let row = row as usize;
            let Outcome::Excluded(x) = eval.outcomes[row] else {
                continue;
            };
            sheet
                .write_string_with_format(r, 0, batch.input.enterprises[row].credit_code.as_str(), &f.text)
                .map_err(&e)?;
            sheet.write_string(r, 1, batch.name(row)).map_err(&e)?;
            sheet.write_string(r, 2, x.id()).map_err(&e)?;
            sheet.write_string(r, 3, x.label()).map_err(&e)?;
        }
    }

    Ok(book)
}

/// Excel limits sheet names to 31 characters.
fn truncate_sheet_name(name: &str) -> String {
    name.chars().take(31).collect()
}
