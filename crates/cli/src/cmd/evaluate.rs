//! `mujun evaluate`: one year's enterprise file + a method → results (spec §11).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use mujun_batch::{BatchInput, ReadOptions};
use mujun_domain::{CreditCode, Year};
use mujun_engine::{Evaluation, Method, Outcome};

/// Arguments of `evaluate`.
#[derive(clap::Args)]
pub struct Args {
    /// 评价方法：内置方法 id（如 henan-2019）或方法文件路径
    #[arg(long)]
    pub method: String,
    /// 数据年度（评价年度 Y，于 Y+1 年评价）
    #[arg(long, value_parser = super::demo_data::parse_year)]
    pub year: Year,
    /// 企业数据文件（.csv 或 .xlsx）
    #[arg(long)]
    pub input: PathBuf,
    /// 结果文件（.csv 或 .xlsx）；有任何错误时不写出
    #[arg(long)]
    pub output: PathBuf,
    /// 人工调档文件（CSV，列 credit_code, class, reason）
    #[arg(long)]
    pub adjustments: Option<PathBuf>,
    /// 明确放行校验位错误的统一社会信用代码（逗号分隔，仅用于确属早期代码的情况）
    #[arg(long, value_delimiter = ',')]
    pub allow_checksum_mismatch: Vec<String>,
    /// 打印这些企业的评价说明（统一社会信用代码，逗号分隔）
    #[arg(long, value_delimiter = ',')]
    pub explain: Vec<String>,
}

/// What a run did, for the summary lines.
pub struct Summary {
    /// The method used.
    pub method: Method,
    /// The rows read.
    pub batch: BatchInput,
    /// The result.
    pub eval: Evaluation,
    /// Time to read, evaluate and write.
    pub timings: [Duration; 3],
}

fn progress(input: &Path) -> ProgressBar {
    let large = std::fs::metadata(input)
        .map(|m| m.len() > 5 << 20)
        .unwrap_or(false);
    if !large {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(3);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{bar:20}] {pos}/{len} {msg} ({elapsed})")
            .expect("the template is valid")
            .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// Reads, evaluates and writes; shared by `evaluate` and `demo`.
pub fn evaluate_files(
    method: Method,
    year: Year,
    input: &Path,
    output: &Path,
    adjustments: Option<&Path>,
    allow: &[String],
) -> anyhow::Result<Summary> {
    let mut allow_set = HashSet::new();
    for code in allow {
        let (code, _) = CreditCode::parse_lenient(code)
            .with_context(|| format!("--allow-checksum-mismatch 中的“{code}”无效"))?;
        allow_set.insert(code);
    }
    let bar = progress(input);
    let t0 = Instant::now();
    bar.set_message(format!("读取 {}", input.display()));
    let options = ReadOptions {
        year,
        allow_checksum_mismatch: allow_set,
    };
    let batch = mujun_batch::read_input(input, &method, &options)?;
    let adjustments = match adjustments {
        Some(p) => mujun_batch::read_adjustments(p)?,
        None => Vec::new(),
    };
    bar.inc(1);
    let t1 = Instant::now();
    bar.set_message("评价");
    let eval = mujun_engine::evaluate(&method, &batch.input, &adjustments)?;
    bar.inc(1);
    let t2 = Instant::now();
    bar.set_message(format!("写出 {}", output.display()));
    mujun_batch::write_results(output, &method, &batch, &eval)?;
    bar.inc(1);
    bar.finish_and_clear();
    let t3 = Instant::now();
    Ok(Summary {
        method,
        batch,
        eval,
        timings: [t1 - t0, t2 - t1, t3 - t2],
    })
}

/// Prints the run's summary to stderr.
pub fn print_summary(s: &Summary, output: &Path) {
    let eval = &s.eval;
    eprintln!(
        "评价完成：{} 家企业（参评 {}，不参评 {}），{} 个排名池 → {}",
        eval.outcomes.len(),
        eval.outcomes.len() - eval.excluded.len(),
        eval.excluded.len(),
        eval.pools.len(),
        output.display()
    );
    for (gi, g) in s.method.groups.iter().enumerate() {
        let mut counts = vec![0usize; g.classes.len()];
        for p in eval.pools.iter().filter(|p| p.group == gi) {
            for (c, n) in p.final_counts.iter().enumerate() {
                counts[c] += n;
            }
        }
        let parts: Vec<String> = g
            .classes
            .iter()
            .zip(&counts)
            .map(|(c, n)| format!("{c} {n}"))
            .collect();
        eprintln!("  {}（{}）：{}", g.scale.label(), g.id, parts.join(" / "));
    }
    let mut reasons: Vec<(&str, usize)> = Vec::new();
    for o in &eval.outcomes {
        if let Outcome::Excluded(x) = o {
            match reasons.iter_mut().find(|(id, _)| *id == x.id()) {
                Some(r) => r.1 += 1,
                None => reasons.push((x.id(), 1)),
            }
        }
    }
    if !reasons.is_empty() {
        let parts: Vec<String> = reasons.iter().map(|(id, n)| format!("{id} {n}")).collect();
        eprintln!("  不参评原因：{}", parts.join("，"));
    }
    for item in &eval.ignored_items {
        let kind = if item.kind == "bonus" {
            "加分项"
        } else {
            "否决项"
        };
        eprintln!(
            "  提示：方法 {} 没有{kind}“{}”，{} 家企业的该项已忽略",
            s.method.id, item.id, item.rows
        );
    }
    if !s.batch.checksum_overrides.is_empty() {
        let codes: Vec<String> = s
            .batch
            .checksum_overrides
            .iter()
            .map(ToString::to_string)
            .collect();
        eprintln!(
            "  注意：按 --allow-checksum-mismatch 放行了校验位错误的代码：{}",
            codes.join("，")
        );
    }
    eprintln!("  方法 {} sha256:{}", s.method.id, eval.method_hash);
    eprintln!("  输入数据 sha256:{}", eval.input_hash);
    let [r, e, w] = s.timings;
    eprintln!(
        "  用时：读取 {:.3}s，评价 {:.3}s，写出 {:.3}s",
        r.as_secs_f64(),
        e.as_secs_f64(),
        w.as_secs_f64()
    );
}

/// Runs `evaluate`.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let method = super::load_method(&args.method)?;
    let summary = evaluate_files(
        method,
        args.year,
        &args.input,
        &args.output,
        args.adjustments.as_deref(),
        &args.allow_checksum_mismatch,
    )?;
    for code in &args.explain {
        let code = CreditCode::parse_lenient(code)
            .with_context(|| format!("--explain 中的“{code}”无效"))?
            .0;
        let Some(row) = summary
            .batch
            .input
            .enterprises
            .iter()
            .position(|e| e.credit_code == code)
        else {
            anyhow::bail!("--explain：输入中没有企业 {code}");
        };
        println!(
            "{}",
            mujun_engine::explain::explain(&summary.method, &summary.batch.input, &summary.eval, row)
        );
    }
    print_summary(&summary, &args.output);
    Ok(())
}
