//! Templates and uploads: a generated template reads back to the same values; every check
//! names row, column and value; nothing is storable when one row is bad; arbitrary bytes never
//! panic the reader.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use mujun_collect::catalogue::default_catalogue;
use mujun_collect::template::{Prefill, TemplateRow, TemplateSpec, write_template};
use mujun_collect::upload::{Checked, KnownEnterprise, Limits, UploadContext, check_upload, marked_workbook};
use mujun_collect::{CatalogueItem, ValueKind};
use mujun_domain::CreditCode;
use proptest::prelude::*;

fn code(n: u64) -> String {
    CreditCode::with_check_char(&format!("91411700{n:09}"))
        .unwrap()
        .to_string()
}

fn items(dept: &str) -> (Vec<CatalogueItem>, Vec<CatalogueItem>) {
    default_catalogue()
        .into_iter()
        .partition(|i| i.department_code == dept)
}

struct Fixture {
    registry: HashMap<String, KnownEnterprise>,
    previous: HashMap<(i64, String), f64>,
}

impl Fixture {
    fn new(n: u64) -> Fixture {
        let registry = (0..n)
            .map(|i| {
                (
                    code(i),
                    KnownEnterprise {
                        id: i as i64 + 1,
                        above: Some(i % 3 != 0),
                        manufacturing: true,
                    },
                )
            })
            .collect();
        Fixture {
            registry,
            previous: HashMap::new(),
        }
    }

    fn check(&self, dept: &str, year: u16, file: &str, bytes: &[u8]) -> Checked {
        let (mine, others) = items(dept);
        let lookup = |c: &CreditCode| self.registry.get(c.as_str()).copied();
        let previous = |id: i64, item: &str| self.previous.get(&(id, item.to_owned())).copied();
        let ctx = UploadContext {
            department_code: dept,
            year,
            items: &mine,
            other_items: &others,
            lookup: &lookup,
            previous: &previous,
        };
        check_upload(file, bytes, &ctx, Limits::default()).unwrap()
    }
}

fn template(dept: &str, year: u16, rows: &[TemplateRow]) -> Vec<u8> {
    let (mine, _) = items(dept);
    write_template(&TemplateSpec {
        department_code: dept,
        department_name: "测试部门",
        year,
        items: &mine,
        rows,
    })
    .unwrap()
}

fn row(n: u64, values: Vec<Option<Prefill>>) -> TemplateRow {
    TemplateRow {
        credit_code: code(n),
        name: format!("企业{n}"),
        county: "驿城区".into(),
        cluster: "驻马店装备产业集聚区".into(),
        above: Some(true),
        values,
    }
}

#[test]
fn a_prefilled_template_reads_back_to_the_same_values() {
    let f = Fixture::new(50);
    let (stats, _) = items("statistics");
    assert!(stats.len() >= 8, "statistics reports scale and seven figures");
    let rows: Vec<TemplateRow> = (0..50)
        .map(|n| {
            row(
                n,
                stats
                    .iter()
                    .enumerate()
                    .map(|(j, item)| match item.kind {
                        ValueKind::Scale => Some(Prefill::Scale(n % 2 == 0)),
                        ValueKind::Flag => Some(Prefill::Flag(true)),
                        ValueKind::Number if (n + j as u64).is_multiple_of(7) => None,
                        ValueKind::Number => Some(Prefill::Number(n as f64 * 10.0 + j as f64 + 0.25)),
                    })
                    .collect(),
            )
        })
        .collect();
    let bytes = template("statistics", 2024, &rows);
    let checked = f.check("statistics", 2024, "统计局.xlsx", &bytes);
    assert!(checked.errors.is_empty(), "{:?}", checked.errors);
    assert_eq!(checked.rows.len(), 50);
    for (r, t) in checked.rows.iter().zip(&rows) {
        assert_eq!(r.credit_code, t.credit_code);
        let expected: Vec<(usize, f64)> = t
            .values
            .iter()
            .enumerate()
            .filter_map(|(j, v)| {
                v.map(|v| {
                    (
                        j,
                        match v {
                            Prefill::Number(x) => x,
                            Prefill::Flag(b) | Prefill::Scale(b) => f64::from(u8::from(b)),
                        },
                    )
                })
            })
            .collect();
        let got: Vec<(usize, f64)> = r.values.iter().map(|v| (v.item, v.value)).collect();
        assert_eq!(got, expected, "row {}", r.row);
    }
    assert_eq!(checked.file_hash.len(), 64);
}

#[test]
fn a_template_for_another_task_is_refused() {
    let f = Fixture::new(3);
    let bytes = template("tax", 2023, &[row(0, vec![Some(Prefill::Number(1.0))])]);
    let checked = f.check("tax", 2024, "税务.xlsx", &bytes);
    assert!(
        checked
            .errors
            .iter()
            .any(|e| e.message.contains("2023 年度的模板")),
        "{:?}",
        checked.errors
    );
}

fn csv(lines: &[&str]) -> Vec<u8> {
    lines.join("\n").into_bytes()
}

#[test]
fn every_cell_error_names_row_column_and_value() {
    let f = Fixture::new(5);
    let unknown = code(99);
    let bytes = csv(&[
        "统一社会信用代码,企业名称,实缴税收（万元）",
        &format!("{},甲,100", code(0)),
        "91411700000000001X,乙,100",
        &format!("{unknown},丙,100"),
        &format!("{},丁,一百", code(1)),
        &format!("{},戊,200000000", code(2)),
        &format!("{},甲again,5", code(0)),
        ",,",
    ]);
    let c = f.check("tax", 2024, "tax.csv", &bytes);
    let found: Vec<(usize, &str, &str)> = c
        .errors
        .iter()
        .map(|e| (e.row, e.column.as_str(), e.value.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            (3, "统一社会信用代码", "91411700000000001X"),
            (4, "统一社会信用代码", unknown.as_str()),
            (5, "实缴税收（万元）", "一百"),
            (6, "实缴税收（万元）", "200000000"),
            (7, "统一社会信用代码", code(0).as_str()),
        ]
    );
    assert!(c.errors[1].message.contains("名录中没有该企业"));
    assert!(c.errors[3].message.contains("超出允许范围"));
    assert!(c.errors[4].message.contains("与第 2 行重复"));
}

#[test]
fn headers_units_and_other_departments_columns() {
    let f = Fixture::new(3);
    // 元 converts; another department's item is refused; an unknown unit is refused.
    let bytes = csv(&[
        "统一社会信用代码,实缴税收（元）,主营业务收入（万元）",
        &format!("{},12345000,10", code(0)),
    ]);
    let c = f.check("tax", 2024, "t.csv", &bytes);
    assert_eq!(c.errors.len(), 1, "{:?}", c.errors);
    assert!(
        c.errors[0].message.contains("statistics"),
        "{}",
        c.errors[0].message
    );
    assert_eq!(c.rows[0].values[0].value, 1234.5, "元 → 万元");
    let c = f.check(
        "tax",
        2024,
        "t.csv",
        &csv(&["统一社会信用代码,实缴税收（千元）", &format!("{},1", code(0))]),
    );
    assert!(
        c.errors.iter().any(|e| e.message.contains("千元")),
        "{:?}",
        c.errors
    );
    let c = f.check(
        "tax",
        2024,
        "t.csv",
        &csv(&["统一社会信用代码,企业名称", &format!("{},x", code(0))]),
    );
    assert!(
        c.errors
            .iter()
            .any(|e| e.message.contains("没有找到本部门负责的数据项列"))
    );
    let c = f.check(
        "natural_resources",
        2024,
        "land.csv",
        &csv(&[
            "统一社会信用代码,用地面积（平方米）",
            &format!("{},20000", code(0)),
        ]),
    );
    assert!(c.errors.is_empty());
    assert_eq!(c.rows[0].values[0].value, 30.0, "20000 m² = 30 亩");
}

#[test]
fn suspicious_values_are_warnings() {
    let mut f = Fixture::new(3);
    f.previous.insert((1, "tax_paid".into()), 12.5);
    f.previous.insert((2, "tax_paid".into()), 100.0);
    let bytes = csv(&[
        "统一社会信用代码,实缴税收（万元）",
        &format!("{},125000", code(0)),
        &format!("{},1500", code(1)),
        &format!("{},80", code(2)),
    ]);
    let c = f.check("tax", 2024, "t.csv", &bytes);
    assert!(c.errors.is_empty());
    assert_eq!(c.warnings.len(), 2, "{:?}", c.warnings);
    assert!(c.warnings[0].message.contains("元") && c.warnings[0].row == 2);
    assert!(c.warnings[1].message.contains("10 倍") && c.warnings[1].row == 3);
    assert_eq!(
        c.value_count(),
        3,
        "warnings still carry their values, to store after confirmation"
    );
}

#[test]
fn one_bad_row_in_ten_thousand_is_found() {
    let f = Fixture::new(10_000);
    let mut lines = vec!["统一社会信用代码,实缴税收（万元）".to_owned()];
    for i in 0..10_000u64 {
        lines.push(format!(
            "{},{}",
            code(i),
            if i == 4321 {
                "abc".to_owned()
            } else {
                (i % 100).to_string()
            }
        ));
    }
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let c = f.check("tax", 2024, "t.csv", &csv(&refs));
    assert_eq!(c.errors.len(), 1);
    assert_eq!(c.errors[0].row, 4323);
}

#[test]
fn gbk_csv_and_flags() {
    let f = Fixture::new(2);
    let text = format!(
        "统一社会信用代码,高新技术企业,省级以上研发平台\r\n{},是,否\r\n{},Y,\r\n",
        code(0),
        code(1)
    );
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let c = f.check("science", 2024, "科技局.csv", &gbk);
    assert!(c.errors.is_empty(), "{:?}", c.errors);
    assert_eq!(
        c.rows[0].values.iter().map(|v| v.value).collect::<Vec<_>>(),
        vec![1.0, 0.0]
    );
    assert_eq!(c.rows[1].values.len(), 1, "an empty cell is not a value");
}

#[test]
fn the_marked_workbook_lists_every_problem() {
    use calamine::Reader;
    let mut f = Fixture::new(3);
    f.previous.insert((2, "tax_paid".into()), 1.0);
    let c = f.check(
        "tax",
        2024,
        "t.csv",
        &csv(&[
            "统一社会信用代码,实缴税收（万元）",
            &format!("{},abc", code(0)),
            &format!("{},90", code(1)),
        ]),
    );
    let bytes = csv(&[
        "统一社会信用代码,实缴税收（万元）",
        &format!("{},abc", code(0)),
        &format!("{},90", code(1)),
    ]);
    let mut out = std::io::Cursor::new(Vec::new());
    marked_workbook(&c, &bytes, Limits::default(), &mut out).unwrap();
    let bytes = out.into_inner();
    let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let list = book.worksheet_range("问题清单").unwrap();
    assert_eq!(list.get_size().0, 3, "header + one error + one warning");
    let data = book.worksheet_range("数据填报").unwrap();
    assert_eq!(data.get_value((0, 2)).unwrap().to_string(), "问题说明");
    assert!(
        data.get_value((1, 2))
            .unwrap()
            .to_string()
            .contains("不是有效的数字")
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let f = Fixture::new(2);
        let (mine, others) = items("tax");
        let lookup = |c: &CreditCode| f.registry.get(c.as_str()).copied();
        let previous = |_: i64, _: &str| None;
        let ctx = UploadContext { department_code: "tax", year: 2024, items: &mine, other_items: &others, lookup: &lookup, previous: &previous };
        let _ = check_upload("x.xlsx", &bytes, &ctx, Limits::default());
        let _ = check_upload("x.csv", &bytes, &ctx, Limits::default());
    }

    #[test]
    fn corrupted_templates_never_panic(flip in 0usize..4000, byte in any::<u8>()) {
        let f = Fixture::new(2);
        let mut bytes = template("tax", 2024, &[row(0, vec![Some(Prefill::Number(1.0))])]);
        let i = flip % bytes.len();
        bytes[i] = byte;
        let (mine, others) = items("tax");
        let lookup = |c: &CreditCode| f.registry.get(c.as_str()).copied();
        let previous = |_: i64, _: &str| None;
        let ctx = UploadContext { department_code: "tax", year: 2024, items: &mine, other_items: &others, lookup: &lookup, previous: &previous };
        let _ = check_upload("x.xlsx", &bytes, &ctx, Limits::default());
    }
}
