//! The Excel template a department downloads for a year.
//!
//! Sheet 数据填报: the fixed columns 统一社会信用代码, 企业名称, 所在县区, 所在产业集聚区, 规模 (for
//! reference), then one column per item of the department with its unit in the header; one row
//! per enterprise in scope, pre-filled with the values already stored; data validation and an
//! input hint on every item cell. Sheet 填表说明 explains each item. A hidden sheet `_meta`
//! records the department and year, so that an upload to the wrong task is refused.

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationRule, Format, FormatAlign, FormatBorder, Workbook,
};

use crate::{CatalogueItem, CollectError, ValueKind};

/// Marker in `_meta!A1`.
pub const META_MARKER: &str = "mujun-template-v1";
/// Name of the data sheet.
pub const DATA_SHEET: &str = "数据填报";
/// The fixed columns before the items.
pub const FIXED_COLUMNS: [&str; 5] = [
    "统一社会信用代码",
    "企业名称",
    "所在县区",
    "所在产业集聚区",
    "规模（参考）",
];

/// A stored value to pre-fill.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Prefill {
    /// A number in the item's unit.
    Number(f64),
    /// 是 / 否.
    Flag(bool),
    /// 规上 (true) / 规下.
    Scale(bool),
}

/// One enterprise row of the template.
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateRow {
    /// 统一社会信用代码.
    pub credit_code: String,
    /// 企业名称.
    pub name: String,
    /// County name.
    pub county: String,
    /// Cluster name (empty outside clusters).
    pub cluster: String,
    /// 规上 (true) / 规下, if known for the year.
    pub above: Option<bool>,
    /// Stored values, aligned with the template's items.
    pub values: Vec<Option<Prefill>>,
}

/// What a template is for.
#[derive(Clone, Debug)]
pub struct TemplateSpec<'a> {
    /// Department code (recorded in `_meta`).
    pub department_code: &'a str,
    /// Department name (shown).
    pub department_name: &'a str,
    /// Data year.
    pub year: u16,
    /// The department's items, in column order.
    pub items: &'a [CatalogueItem],
    /// The enterprises in scope.
    pub rows: &'a [TemplateRow],
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// Writes the template workbook.
pub fn write_template(spec: &TemplateSpec<'_>) -> Result<Vec<u8>, CollectError> {
    let mut book = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDE6F0))
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_text_wrap();
    let fixed = Format::new()
        .set_background_color(Color::RGB(0xF2F2F2))
        .set_num_format("@");
    let input = Format::new()
        .set_background_color(Color::RGB(0xFFFDE7))
        .set_unlocked();
    let last_row = spec.rows.len() as u32; // header is row 0

    {
        let sheet = book.add_worksheet();
        sheet.set_name(DATA_SHEET)?;
        for (c, h) in FIXED_COLUMNS.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, *h, &header)?;
        }
        let first = FIXED_COLUMNS.len() as u16;
        for (j, item) in spec.items.iter().enumerate() {
            sheet.write_string_with_format(0, first + j as u16, item.header(), &header)?;
            sheet.set_column_width(first + j as u16, 16)?;
        }
        sheet.set_row_height(0, 36)?;
        sheet.set_column_width(0, 22)?;
        sheet.set_column_width(1, 30)?;
        sheet.set_column_width(2, 10)?;
        sheet.set_column_width(3, 22)?;
        sheet.set_column_width(4, 10)?;
        sheet.set_freeze_panes(1, 2)?;
        for (r, row) in spec.rows.iter().enumerate() {
            let r = r as u32 + 1;
            sheet.write_string_with_format(r, 0, &row.credit_code, &fixed)?;
            sheet.write_string_with_format(r, 1, &row.name, &fixed)?;
            sheet.write_string_with_format(r, 2, &row.county, &fixed)?;
            sheet.write_string_with_format(r, 3, &row.cluster, &fixed)?;
            let scale = match row.above {
                Some(true) => "规上",
                Some(false) => "规下",
                None => "",
            };
            sheet.write_string_with_format(r, 4, scale, &fixed)?;
            for (j, _) in spec.items.iter().enumerate() {
                let c = first + j as u16;
                match row.values.get(j).copied().flatten() {
                    Some(Prefill::Number(v)) => {
                        sheet.write_number_with_format(r, c, v, &input)?;
                    }
                    Some(Prefill::Flag(b)) => {
                        sheet.write_string_with_format(r, c, if b { "是" } else { "否" }, &input)?;
                    }
                    Some(Prefill::Scale(b)) => {
                        sheet.write_string_with_format(r, c, if b { "规上" } else { "规下" }, &input)?;
                    }
                    None => {
                        sheet.write_blank(r, c, &input)?;
                    }
                }
            }
        }
        if last_row >= 1 {
            for (j, item) in spec.items.iter().enumerate() {
                let c = first + j as u16;
                let dv = match item.kind {
                    ValueKind::Number => DataValidation::new().allow_decimal_number(
                        DataValidationRule::Between(item.min.unwrap_or(-1e15), item.max.unwrap_or(1e15)),
                    ),
                    ValueKind::Flag => DataValidation::new().allow_list_strings(&["是", "否"])?,
                    ValueKind::Scale => DataValidation::new().allow_list_strings(&["规上", "规下"])?,
                };
                let mut message = format!("{}。允许范围：{}", item.description, item.range_text());
                if !item.unit.is_empty() {
                    message = format!("单位：{}。{message}", item.unit);
                }
                let dv = dv
                    .ignore_blank(true)
                    .set_input_title(truncate(&item.label, 30))?
                    .set_input_message(truncate(&message, 250))?
                    .set_error_title("数值不符合要求")?
                    .set_error_message(truncate(
                        &format!("{}：{}", item.header(), item.range_text()),
                        250,
                    ))?;
                sheet.add_data_validation(1, c, last_row, c, &dv)?;
            }
        }
    }

    {
        let sheet = book.add_worksheet();
        sheet.set_name("填表说明")?;
        let bold = Format::new().set_bold();
        let lines = [
            format!("{} 年度 · {} · 数据填报模板", spec.year, spec.department_name),
            "1. 只在黄色单元格填写本部门负责的数据；灰色列（信用代码、名称、县区、集聚区、规模）仅供核对，请勿修改。".to_owned(),
            "2. 金额单位以列标题为准（万元）；如手头数据为“元”，可把列标题改为“xxx（元）”，系统会换算，但不要混用。".to_owned(),
            "3. 留空表示本次不报送该项，不会清除已有数据；填 0 表示确为 0。".to_owned(),
            "4. 名录中没有的企业请先联系市级评价管理员登记，不要自行增加行。".to_owned(),
            "5. 上传后系统会逐格检查，错误会标明行、列和原因；与上年相比变化异常的数值需要确认后才能导入。".to_owned(),
        ];
        for (i, l) in lines.iter().enumerate() {
            if i == 0 {
                sheet.write_string_with_format(i as u32, 0, l, &bold)?;
            } else {
                sheet.write_string(i as u32, 0, l)?;
            }
        }
        let top = lines.len() as u32 + 1;
        for (c, h) in ["数据项", "列标题", "说明", "允许范围", "规上必填", "规下必填"]
            .iter()
            .enumerate()
        {
            sheet.write_string_with_format(top, c as u16, *h, &header)?;
        }
        for (i, item) in spec.items.iter().enumerate() {
            let r = top + 1 + i as u32;
            sheet.write_string(r, 0, &item.label)?;
            sheet.write_string(r, 1, item.header())?;
            sheet.write_string(r, 2, &item.description)?;
            sheet.write_string(r, 3, item.range_text())?;
            sheet.write_string(r, 4, if item.required_above { "是" } else { "否" })?;
            sheet.write_string(r, 5, if item.required_below { "是" } else { "否" })?;
        }
        sheet.set_column_width(0, 18)?;
        sheet.set_column_width(1, 22)?;
        sheet.set_column_width(2, 60)?;
        sheet.set_column_width(3, 18)?;
    }

    {
        let sheet = book.add_worksheet();
        sheet.set_name("_meta")?;
        sheet.write_string(0, 0, META_MARKER)?;
        sheet.write_string(1, 0, "department")?;
        sheet.write_string(1, 1, spec.department_code)?;
        sheet.write_string(2, 0, "year")?;
        sheet.write_number(2, 1, f64::from(spec.year))?;
        sheet.set_hidden(true);
    }
    Ok(book.save_to_buffer()?)
}
