//! CSV and XLSX output.

use mujun_demo::{
    COLUMNS, DemoOptions, DemoRow, decimals, generate, generate_iter, write_csv, write_csv_iter, write_xlsx,
};
use mujun_domain::{CreditCode, Date, Field, IndustryCode, RegionCode, Scale, Year};

fn opts(enterprises: usize, seed: u64) -> DemoOptions {
    DemoOptions {
        enterprises,
        seed,
        year: Year::new(2024).expect("year"),
    }
}

fn csv_bytes(enterprises: usize, seed: u64) -> Vec<u8> {
    let mut out = Vec::new();
    write_csv(&generate(&opts(enterprises, seed)), &mut out).expect("writing to memory");
    out
}

#[test]
fn same_seed_gives_identical_bytes_different_seed_different_bytes() {
    let a = csv_bytes(3000, 2024);
    assert_eq!(a, csv_bytes(3000, 2024));
    assert_ne!(a, csv_bytes(3000, 2025));
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The promise is "same seed → same file, forever": if one of these hashes changes, the generator
/// changed, and every demo file, screenshot and fixture made from a seed changes with it. Update
/// them only on purpose.
#[test]
fn the_file_of_a_seed_never_changes() {
    let bytes = csv_bytes(500, 1);
    assert_eq!(
        fnv1a(&bytes),
        GOLDEN_500_SEED_1,
        "hash {:#018x}, {} bytes",
        fnv1a(&bytes),
        bytes.len()
    );

    let years: Vec<Year> = [2022, 2023, 2024].map(|y| Year::new(y).expect("year")).to_vec();
    let history = mujun_demo::generate_years(300, 1, &years);
    let mut bytes = Vec::new();
    write_csv(&history[2].1, &mut bytes).expect("in memory");
    assert_eq!(
        fnv1a(&bytes),
        GOLDEN_HISTORY_2024,
        "hash {:#018x}, {} bytes",
        fnv1a(&bytes),
        bytes.len()
    );
}
/// FNV-1a of the CSV of 500 enterprises, seed 1, year 2024.
const GOLDEN_500_SEED_1: u64 = 0x5038_1ce2_d060_d26d;
/// FNV-1a of the 2024 CSV of `generate_years(300, 1, [2022, 2023, 2024])`.
const GOLDEN_HISTORY_2024: u64 = 0x0b8f_1174_fe5f_06ad;

#[test]
fn csv_is_utf8_without_bom_with_the_header_and_unix_line_ends() {
    let bytes = csv_bytes(50, 3);
    let text = std::str::from_utf8(&bytes).expect("UTF-8");
    assert!(!text.starts_with('\u{feff}'));
    assert_eq!(text.lines().next(), Some(COLUMNS.join(",").as_str()));
    assert!(!text.contains('\r'));
    assert_eq!(text.lines().count(), 51);
}

#[test]
fn csv_parses_back_to_the_same_rows() {
    let rows = generate(&opts(2000, 4));
    let mut bytes = Vec::new();
    write_csv(&rows, &mut bytes).expect("in memory");
    let mut reader = csv::Reader::from_reader(&bytes[..]);
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header, COLUMNS);
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("record")).collect();
    assert_eq!(records.len(), rows.len());
    for (rec, row) in records.iter().zip(&rows) {
        assert_eq!(rec.len(), 21);
        assert_eq!(CreditCode::parse(&rec[0]), Ok(row.credit_code));
        assert_eq!(&rec[1], row.name);
        assert_eq!(RegionCode::parse(&rec[2]), Ok(row.region));
        assert_eq!(rec[3].is_empty(), row.cluster.is_none());
        assert_eq!(IndustryCode::parse(&rec[4]), Ok(row.industry));
        assert_eq!(Scale::parse(&rec[5]), Ok(row.scale));
        assert_eq!(
            (!rec[6].is_empty()).then(|| Date::parse(&rec[6]).expect("date")),
            row.production_start
        );
        for (k, field) in Field::ALL.into_iter().enumerate() {
            let cell = &rec[7 + k];
            let value = (!cell.is_empty()).then(|| cell.parse::<f64>().expect("number"));
            assert_eq!(value, row.figures[field.index()], "{field:?} {cell}");
            if !cell.is_empty() {
                let places = cell.split_once('.').map_or(0, |(_, f)| f.len());
                assert_eq!(places, decimals(field), "{field:?} {cell}");
            }
        }
        assert_eq!(
            rec[19].split(';').filter(|s| !s.is_empty()).collect::<Vec<_>>(),
            row.bonus
        );
        assert_eq!(
            rec[20].split(';').filter(|s| !s.is_empty()).collect::<Vec<_>>(),
            row.veto
        );
    }
}

#[test]
fn streaming_writer_gives_the_same_bytes() {
    let o = opts(1500, 5);
    let mut a = Vec::new();
    write_csv(&generate(&o), &mut a).expect("in memory");
    let mut b = Vec::new();
    let n = write_csv_iter(generate_iter(&o), &mut b).expect("in memory");
    assert_eq!(n, 1500);
    assert_eq!(a, b);
}

#[test]
fn xlsx_is_written() {
    let rows: Vec<DemoRow> = generate(&opts(1000, 6));
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("企业数据.xlsx");
    write_xlsx(&rows, &path).expect("xlsx written");
    let bytes = std::fs::read(&path).expect("read back");
    assert!(bytes.len() > 20_000, "{} bytes", bytes.len());
    assert!(bytes.starts_with(b"PK"), "an xlsx is a zip file");
}

#[test]
fn xlsx_reads_back_with_numeric_and_date_cells() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let rows: Vec<DemoRow> = generate(&opts(300, 7));
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("demo.xlsx");
    write_xlsx(&rows, &path).expect("xlsx written");
    let mut book: Xlsx<_> = open_workbook(&path).expect("opens");
    assert_eq!(book.sheet_names(), vec!["企业数据".to_owned()]);
    let range = book.worksheet_range("企业数据").expect("sheet");
    let cells: Vec<&[Data]> = range.rows().collect();
    assert_eq!(cells.len(), rows.len() + 1);
    let header: Vec<String> = cells[0].iter().map(|c| c.to_string()).collect();
    assert_eq!(header, COLUMNS);
    let text = |c: &Data| match c {
        Data::String(s) => Some(s.clone()),
        Data::Empty => None,
        other => panic!("expected text, got {other:?}"),
    };
    for (cells, row) in cells[1..].iter().zip(&rows) {
        assert_eq!(text(&cells[0]).as_deref(), Some(row.credit_code.as_str()));
        assert_eq!(text(&cells[1]).as_deref(), Some(row.name.as_str()));
        assert_eq!(text(&cells[2]), Some(row.region.to_string()));
        assert_eq!(text(&cells[3]), row.cluster);
        assert_eq!(text(&cells[4]), Some(row.industry.to_string()));
        assert_eq!(text(&cells[5]).as_deref(), Some(row.scale.id()));
        match (&cells[6], row.production_start) {
            (Data::DateTime(dt), Some(d)) => {
                let (y, m, day, ..) = dt.to_ymd_hms_milli();
                assert_eq!((y, m, day), (d.year(), d.month(), d.day()));
            }
            (Data::Empty, None) => {}
            (cell, d) => panic!("production start {cell:?} vs {d:?}"),
        }
        for (k, field) in Field::ALL.into_iter().enumerate() {
            match (
                &cells.get(7 + k).unwrap_or(&Data::Empty),
                row.figures[field.index()],
            ) {
                (Data::Float(v), Some(expected)) => assert_eq!(*v, expected, "{field:?}"),
                (Data::Empty, None) => {}
                (cell, v) => panic!("{field:?}: {cell:?} vs {v:?}"),
            }
        }
        let joined = |ids: &[&str]| (!ids.is_empty()).then(|| ids.join(";"));
        assert_eq!(cells.get(19).and_then(text), joined(&row.bonus));
        assert_eq!(cells.get(20).and_then(text), joined(&row.veto));
    }
}

#[test]
fn xlsx_of_no_rows_has_just_the_header() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("empty.xlsx");
    write_xlsx(&[], &path).expect("xlsx written");
    assert!(std::fs::metadata(&path).expect("exists").len() > 0);
}
