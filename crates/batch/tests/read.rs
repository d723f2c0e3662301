//! Reading enterprise files: every error path names the row, column and value; nothing is
//! returned when any row is bad; encodings and spreadsheet quirks are handled.
#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::path::Path;

use mujun_batch::{BatchError, ReadOptions, read_csv_bytes, read_input};
use mujun_domain::{CreditCode, Field, Year};
use mujun_engine::presets;

const HEADER: &str = "credit_code,name,region_code,cluster,industry_code,scale,production_start,land_area_mu,tax_paid,profit_total,main_revenue,rd_expense,gross_output,energy_tce,electricity_kwh,pollution_eq,employees,value_added,water_m3,bonus,veto";
const GOOD1: &str = "914117000000000016,甲机械有限公司,411702,驻马店装备产业集聚区,3412,above,2010-05-01,100,1500,900,30000,600,32000,4000,3000,5000,300,8000,1000,high_tech,";
const GOOD2: &str = "914117000000000029,乙食品有限公司,411702,驻马店装备产业集聚区,1311,above,2012-03-01,50,400,200,12000,60,13000,2600,2000,,150,3000,1000,,";

fn options() -> ReadOptions {
    ReadOptions {
        year: Year::new(2024).unwrap(),
        allow_checksum_mismatch: HashSet::new(),
    }
}

fn read(text: &str) -> Result<mujun_batch::BatchInput, BatchError> {
    let method = presets::load("henan-2019").unwrap();
    read_csv_bytes(Path::new("企业.csv"), text.as_bytes(), &method, &options())
}

fn row_errors(text: &str) -> Vec<mujun_batch::RowError> {
    match read(text) {
        Err(BatchError::Rows { errors, .. }) => errors,
        other => panic!("expected row errors, got {other:?}"),
    }
}

#[test]
fn reads_good_rows_with_names_and_row_numbers() {
    let b = read(&format!("{HEADER}\n{GOOD1}\n{GOOD2}\n")).unwrap();
    assert_eq!(b.input.enterprises.len(), 2);
    assert_eq!(b.name(0), "甲机械有限公司");
    assert_eq!(b.name(1), "乙食品有限公司");
    assert_eq!(b.source_rows, vec![2, 3]);
    assert_eq!(b.input.enterprises[1].figures.get(Field::PollutionEq), None);
    assert_eq!(b.input.enterprises[0].figures.get(Field::TaxPaid), Some(1500.0));
    assert_eq!(b.input.items, vec!["high_tech".to_owned()]);
    assert_eq!(b.input.clusters, vec!["驻马店装备产业集聚区".to_owned()]);
}

#[test]
fn missing_required_column_is_named() {
    let header = HEADER.replace(",tax_paid", "");
    let row = GOOD1.replacen(",1500", "", 1);
    match read(&format!("{header}\n{row}\n")) {
        Err(BatchError::Header { problems, .. }) => {
            assert!(
                problems
                    .iter()
                    .any(|p| p.contains("tax_paid") && p.contains("实缴税收")),
                "{problems:?}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn bad_credit_code_text_in_number_and_negative_denominator_are_all_listed() {
    let bad_code = GOOD1.replace("914117000000000016", "91411700000000001X");
    let text_number = GOOD2.replace(",400,200,", ",四百,200,");
    let negative_land = GOOD2
        .replace("914117000000000029", "91411700000000003C")
        .replace(",50,400,", ",-50,400,");
    let errors = row_errors(&format!("{HEADER}\n{bad_code}\n{text_number}\n{negative_land}\n"));
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert_eq!((errors[0].row, errors[0].column.as_str()), (2, "credit_code"));
    assert!(errors[0].message.contains("校验位"), "{}", errors[0].message);
    assert_eq!(
        (errors[1].row, errors[1].column.as_str(), errors[1].value.as_str()),
        (3, "tax_paid", "四百")
    );
    assert!(errors[1].message.contains("不是有效的数字"));
    assert_eq!(
        (errors[2].row, errors[2].column.as_str(), errors[2].value.as_str()),
        (4, "land_area_mu", "-50")
    );
    assert!(errors[2].message.contains("不能为负数"));
    // The Display form names file, row, column and value.
    let whole = read(&format!("{HEADER}\n{text_number}\n"))
        .unwrap_err()
        .to_string();
    assert!(
        whole.contains("企业.csv")
            && whole.contains("第 2 行")
            && whole.contains("tax_paid")
            && whole.contains("四百"),
        "{whole}"
    );
}

#[test]
fn checksum_mismatch_passes_only_when_listed() {
    let row = GOOD1.replace("914117000000000016", "914117000000000017");
    let text = format!("{HEADER}\n{row}\n");
    assert!(read(&text).is_err());
    let method = presets::load("henan-2019").unwrap();
    let mut opts = options();
    opts.allow_checksum_mismatch
        .insert(CreditCode::parse_lenient("914117000000000017").unwrap().0);
    let b = read_csv_bytes(Path::new("x.csv"), text.as_bytes(), &method, &opts).unwrap();
    assert_eq!(b.checksum_overrides.len(), 1);
}

#[test]
fn duplicate_codes_are_an_error_naming_both_rows() {
    let errors = row_errors(&format!("{HEADER}\n{GOOD1}\n{GOOD2}\n{GOOD1}\n"));
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].row, 4);
    assert!(errors[0].message.contains("第 2 行"), "{}", errors[0].message);
}

#[test]
fn one_bad_row_in_ten_thousand_stops_everything() {
    let mut text = format!("{HEADER}\n");
    for i in 0..10_000u64 {
        let code = CreditCode::with_check_char(&format!("91411700{i:09}")).unwrap();
        let tax = if i == 7_777 {
            "abc".to_owned()
        } else {
            "100".to_owned()
        };
        text.push_str(&format!("{code},企业{i},411702,驻马店装备产业集聚区,3412,above,2010-01-01,10,{tax},1,3000,1,3000,10,10,10,10,10,10,,\n"));
    }
    let errors = row_errors(&text);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].row, 7_779);
}

#[test]
fn gbk_bom_quotes_units_and_blank_rows() {
    // Chinese labels with units: tax in 元, land in 平方米; a quoted name with a comma and a line
    // break; a blank row as Excel leaves them.
    let header = "统一社会信用代码,企业名称,所在县区,所在产业集聚区,国民经济行业代码,规模,投产日期,用地面积（平方米）,实缴税收（元）,利润总额,主营业务收入,研发经费投入,工业总产值,综合能耗,用电量,主要污染物排放当量,年平均职工人数,工业增加值,用水量,加分项,否决项";
    let row = "914117000000000016,\"甲机械,\n有限公司\",411702,驻马店装备产业集聚区,C3412,规上,2010/5/1,20000,15000000,900,30000,600,32000,4000,3000,5000,300,8000,1000,high_tech；listed,";
    let text = format!("{header}\r\n{row}\r\n,,,,,,,,,,,,,,,,,,,,\r\n");
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    let method = presets::load("henan-2019").unwrap();
    for bytes in [
        gbk.to_vec(),
        [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
    ] {
        let b = read_csv_bytes(Path::new("gbk.csv"), &bytes, &method, &options()).unwrap();
        assert_eq!(b.input.enterprises.len(), 1);
        assert_eq!(b.name(0), "甲机械,\n有限公司");
        let f = &b.input.enterprises[0].figures;
        assert_eq!(f.get(Field::LandAreaMu), Some(30.0), "20000 m² = 30 亩");
        assert_eq!(f.get(Field::TaxPaid), Some(1500.0), "15,000,000 元 = 1500 万元");
        assert_eq!(b.input.items.len(), 2);
    }
}

#[test]
fn xlsx_input_with_numeric_and_date_cells() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("企业.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in HEADER.split(',').enumerate() {
        sheet.write_string(0, c as u16, h).unwrap();
    }
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (r, line) in [GOOD1, GOOD2].iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in line.split(',').enumerate() {
            let c = c as u16;
            if cell.is_empty() {
                continue;
            }
            if c == 6 {
                let d = ExcelDateTime::parse_from_str(cell).unwrap();
                sheet.write_datetime_with_format(r, c, &d, &date).unwrap();
            } else if let Ok(n) = cell.parse::<f64>() {
                if c == 0 {
                    sheet.write_string(r, c, cell).unwrap();
                } else {
                    sheet.write_number(r, c, n).unwrap();
                }
            } else {
                sheet.write_string(r, c, cell).unwrap();
            }
        }
    }
    // Industry 0111 typed as a number loses its leading zero in Excel: 111.
    sheet.write_number(2, 4, 1311).unwrap();
    book.save(&path).unwrap();
    let method = presets::load("henan-2019").unwrap();
    let b = read_input(&path, &method, &options()).unwrap();
    assert_eq!(b.input.enterprises.len(), 2);
    assert_eq!(
        b.input.enterprises[0].production_start.unwrap().to_string(),
        "2010-05-01"
    );
    assert_eq!(b.input.enterprises[0].region.to_string(), "411702");
    assert_eq!(b.input.enterprises[1].industry.to_string(), "1311");
    assert_eq!(b.source_rows, vec![2, 3]);
}

#[test]
fn unsupported_extension_and_empty_file() {
    let method = presets::load("henan-2019").unwrap();
    assert!(matches!(
        read_input(Path::new("a.json"), &method, &options()),
        Err(BatchError::UnsupportedType { .. })
    ));
    assert!(matches!(read(""), Err(BatchError::Format { .. })));
    assert!(matches!(read(HEADER), Ok(b) if b.input.enterprises.is_empty()));
}
