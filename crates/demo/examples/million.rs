//! Times generating and writing a large CSV (default 1 000 000 rows) and, optionally, XLSX.
//!
//! `cargo run --release -p mujun-demo --example million -- [rows] [out.csv] [out.xlsx]`
//! (without paths, the files go to the system temporary directory and are removed).

use std::io::BufWriter;
use std::time::Instant;

use mujun_demo::{DemoOptions, generate, generate_iter, write_csv, write_csv_iter, write_xlsx};
use mujun_domain::Year;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let rows: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let temp = std::env::temp_dir().join(format!("mujun-demo-{}", std::process::id()));
    let csv_path = args.get(2).map_or_else(|| temp.with_extension("csv"), Into::into);
    let opts = DemoOptions {
        enterprises: rows,
        seed: 1,
        year: Year::new(2024)?,
    };

    let t = Instant::now();
    let data = generate(&opts);
    let generated = t.elapsed();
    write_csv(&data, BufWriter::new(std::fs::File::create(&csv_path)?))?;
    let total = t.elapsed();
    let size = std::fs::metadata(&csv_path)?.len();
    println!(
        "generate {rows} rows: {:.2} s; write CSV: {:.2} s; total {:.2} s ({:.0} MB)",
        generated.as_secs_f64(),
        (total - generated).as_secs_f64(),
        total.as_secs_f64(),
        size as f64 / 1e6
    );

    let t = Instant::now();
    let n = write_csv_iter(
        generate_iter(&opts),
        BufWriter::new(std::fs::File::create(&csv_path)?),
    )?;
    println!(
        "streaming generate + write of {n} rows: {:.2} s",
        t.elapsed().as_secs_f64()
    );
    if args.get(2).is_none() {
        std::fs::remove_file(&csv_path)?;
    }

    if let Some(xlsx_path) = args.get(3) {
        let t = Instant::now();
        write_xlsx(&data, std::path::Path::new(xlsx_path))?;
        println!("write XLSX: {:.2} s", t.elapsed().as_secs_f64());
    }
    Ok(())
}
