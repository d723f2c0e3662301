//! Hostile uploads, generated here (never committed): a sheet declaring A1:XFD1048576, a zip
//! bomb, a CSV of 1,048,576 rows, cells beyond the last allowed column — each refused before
//! anything large is read; ordinary files read row by row with their coordinates.
#![allow(clippy::unwrap_used)]

use std::io::Write;

use mujun_sheet::{Cell, Limits, SheetError, Workbook};

fn xlsx(build: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("数据").unwrap();
    build(sheet);
    book.save_to_buffer().unwrap()
}

#[test]
fn a_sheet_declaring_the_whole_grid_is_refused_before_reading() {
    // Two cells, A1 and XFD1048576: 2 KB of file, 17 billion cells as a dense grid.
    let bytes = xlsx(|s| {
        s.write_string(0, 0, "统一社会信用代码").unwrap();
        s.write_number(1_048_575, 16_383, 1.0).unwrap();
    });
    assert!(bytes.len() < 10_000, "{}", bytes.len());
    let mut book = Workbook::open("bomb.xlsx", &bytes, Limits::default()).unwrap();
    let mut seen = 0;
    let err = book.rows("数据", |_, _| {
        seen += 1;
        true
    });
    match err {
        Err(SheetError::TooLarge { why, .. }) => {
            assert!(
                why.contains("A1:XFD1048576") && why.contains("1048576 行"),
                "{why}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(seen, 0, "refused before any row");
}

#[test]
fn a_zip_bomb_is_refused_from_its_directory() {
    // A valid workbook whose sheet inflates to 600 MB of XML (a few hundred KB compressed).
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    for (name, body) in [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="数据" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    zip.write_all(br#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#)
        .unwrap();
    let filler = vec![b' '; 1024 * 1024];
    for _ in 0..600 {
        zip.write_all(&filler).unwrap();
    }
    zip.write_all(b"</sheetData></worksheet>").unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    assert!(bytes.len() < 5 * 1024 * 1024, "{}", bytes.len());
    match Workbook::open("bomb.xlsx", &bytes, Limits::default()) {
        Err(SheetError::TooLarge { why, .. }) => {
            assert!(why.contains("解压后") && why.contains("512 MB"), "{why}")
        }
        other => panic!("{:?}", other.map(|_| ())),
    }
}

#[test]
fn a_million_row_csv_stops_at_the_row_limit() {
    let mut csv = String::from("统一社会信用代码,实缴税收（万元）\n");
    for i in 0..1_048_575 {
        csv.push_str(&format!("91411700MA{i:08},1\n"));
    }
    let mut book = Workbook::open("big.csv", csv.as_bytes(), Limits::default()).unwrap();
    let name = book.sheet_names()[0].clone();
    let mut rows = 0;
    let err = book.rows(&name, |_, _| {
        rows += 1;
        true
    });
    match err {
        Err(SheetError::TooLarge { why, .. }) => assert!(why.contains("500000 行"), "{why}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        rows, 500_000,
        "rows up to the limit were handed over one at a time"
    );
}

#[test]
fn cells_beyond_the_last_column_are_refused() {
    let bytes = xlsx(|s| {
        s.write_string(0, 0, "代码").unwrap();
        s.write_string(1, 300, "x").unwrap();
    });
    let limits = Limits {
        max_columns: 200,
        ..Limits::default()
    };
    let mut book = Workbook::open("wide.xlsx", &bytes, limits).unwrap();
    match book.rows("数据", |_, _| true) {
        Err(SheetError::TooLarge { why, .. }) => assert!(why.contains("200 列"), "{why}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn rows_arrive_with_their_coordinates() {
    let bytes = xlsx(|s| {
        s.write_string(0, 0, "统一社会信用代码").unwrap();
        s.write_string(0, 2, "实缴税收（万元）").unwrap();
        s.write_string(1, 0, "91411700MA00000001").unwrap();
        s.write_number(1, 2, 12.5).unwrap();
        // Row 3 is empty; row 4 has a date and a boolean.
        s.write_string(3, 0, "91411700MA00000002").unwrap();
        s.write_datetime_with_format(
            3,
            1,
            rust_xlsxwriter::ExcelDateTime::from_ymd(2019, 5, 20).unwrap(),
            &rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd"),
        )
        .unwrap();
        s.write_boolean(3, 2, true).unwrap();
    });
    let mut book = Workbook::open("ok.xlsx", &bytes, Limits::default()).unwrap();
    let mut rows = Vec::new();
    book.rows("数据", |r, cells| {
        rows.push((r, cells.to_vec()));
        true
    })
    .unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1].0, 1);
    assert_eq!(rows[1].1[2], Cell::Number(12.5));
    assert_eq!(rows[2].0, 3, "the empty row keeps the numbering");
    assert_eq!(rows[2].1[1], Cell::Text("2019-05-20".into()));
    assert_eq!(rows[2].1[2], Cell::Text("是".into()));
}

#[test]
fn gbk_csv_reads_as_chinese() {
    let (gbk, _, _) = encoding_rs::GBK.encode("统一社会信用代码,企业名称\n91411700MA00000001,驻马店机械厂\n");
    let mut book = Workbook::open("gbk.csv", &gbk, Limits::default()).unwrap();
    let name = book.sheet_names()[0].clone();
    let rows = book.small_sheet(&name, 10).unwrap();
    assert_eq!(rows[1].1[1], Cell::Text("驻马店机械厂".into()));
}
