//! Hostile uploads (issue 10), generated here and never committed: a 2 KB workbook declaring
//! A1:XFD1048576, a zip bomb of 600 MB of sheet XML, a CSV of 1,048,576 rows, and a
//! 300,000-row CSV in which every row is wrong. Each is refused with a clear message and
//! nothing stored; the page of the bad file lists a sample, its marked workbook holds every
//! problem; the server keeps answering `/healthz` meanwhile, and the process's peak memory
//! stays under 1 GiB. One test in its own binary, so the peak is this test's alone.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use common::*;

fn dimension_bomb() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "统一社会信用代码").unwrap();
    sheet.write_number(1_048_575, 16_383, 1.0).unwrap();
    book.save_to_buffer().unwrap()
}

fn zip_bomb() -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    zip.start_file("[Content_Types].xml", options).unwrap();
    zip.write_all(b"<?xml version=\"1.0\"?><Types/>").unwrap();
    zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    let filler = vec![b' '; 1024 * 1024];
    for _ in 0..600 {
        zip.write_all(&filler).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn peak_rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_uploads_are_refused_within_bounded_memory_while_the_server_answers() {
    each(async |s| {
        let name = s.name;
        let tax = s.login("tax").await;
        let year = [("department", "tax"), ("year", "2024")];
        // /healthz is asked every 50 ms throughout; the slowest answer is kept.
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let router = s.router.clone();
        let watch = {
            let stop = stop.clone();
            tokio::spawn(async move {
                use tower::ServiceExt;
                let mut slowest = Duration::ZERO;
                while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                    let started = Instant::now();
                    let res = router
                        .clone()
                        .oneshot(
                            axum::http::Request::get("/healthz")
                                .body(axum::body::Body::empty())
                                .unwrap(),
                        )
                        .await
                        .unwrap();
                    assert_eq!(res.status(), StatusCode::OK);
                    slowest = slowest.max(started.elapsed());
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                slowest
            })
        };

        // The dimension bomb: refused before the sheet is read.
        let page = upload(s, &tax, &year, Some(("炸弹.xlsx", &dimension_bomb()))).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(
            page.body.contains("A1:XFD1048576") && page.body.contains("上限"),
            "{name}: {}",
            page.body
        );

        // The zip bomb: refused from the archive's directory.
        let bomb = zip_bomb();
        assert!(bomb.len() < 5 * 1024 * 1024);
        let page = upload(s, &tax, &year, Some(("压缩炸弹.xlsx", &bomb))).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(page.body.contains("解压后"), "{name}");

        // 1,048,576 rows: refused at the row limit.
        let mut big = String::from("统一社会信用代码,实缴税收（万元）\n");
        for i in 0..1_048_575u32 {
            big.push_str(&format!("91411700MA{i:08},1\n"));
        }
        let page = upload(s, &tax, &year, Some(("百万行.csv", big.as_bytes()))).await;
        drop(big);
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(page.body.contains("500000 行"), "{name}");

        // 300,000 rows, every one wrong: a short page, every problem in the marked workbook.
        let mut bad = String::from("统一社会信用代码,实缴税收（万元）\n");
        for i in 0..300_000u32 {
            bad.push_str(&format!("91411700MA{i:08},abc\n"));
        }
        let page = upload(s, &tax, &year, Some(("全错.csv", bad.as_bytes()))).await;
        drop(bad);
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(
            page.body.len() < 200_000,
            "{name}: a page of {} bytes",
            page.body.len()
        );
        assert!(page.body.contains("每列只列出前 20 处"), "{name}");
        let start = page.body.find("/collection/import/marked/").unwrap();
        let link = page.body[start..].split('"').next().unwrap().to_owned();
        let marked = s.raw_get(&link, Some(&tax)).await;
        marked.assert_download(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            b"PK",
            name,
        );

        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        let slowest = watch.await.unwrap();
        assert!(
            slowest < Duration::from_secs(2),
            "{name}: /healthz took {slowest:?} during the uploads"
        );
        let peak = peak_rss_mib();
        assert!(peak < 1024, "{name}: peak memory {peak} MiB");
        eprintln!("{name}: slowest /healthz {slowest:?}, peak memory {peak} MiB");
    })
    .await;
}
