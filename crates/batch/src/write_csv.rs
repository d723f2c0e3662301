//! Results as CSV (spec §11): one row per input enterprise, numbers at full precision (the
//! shortest text that reads back as the same value), formatted on all cores.

use std::io::Write;

use mujun_domain::IndicatorId;
use mujun_engine::method::Rule;
use mujun_engine::{ClassReason, Evaluation, IndicatorValue, Method, Outcome};
use rayon::prelude::*;

use crate::{BatchError, BatchInput};

/// The fixed leading columns of the result file.
pub const RESULT_COLUMNS: [&str; 13] = [
    "credit_code",
    "name",
    "group",
    "pool",
    "excluded_reason",
    "rank",
    "pool_size",
    "base",
    "bonus",
    "total",
    "computed_class",
    "final_class",
    "class_reason",
];

/// The per-indicator column suffixes, in order.
pub const INDICATOR_SUFFIXES: [&str; 4] = ["value", "benchmark", "score", "basis"];

fn push_text(buf: &mut Vec<u8>, s: &str) {
    if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        buf.push(b'"');
        for b in s.bytes() {
            if b == b'"' {
                buf.push(b'"');
            }
            buf.push(b);
        }
        buf.push(b'"');
    } else {
        buf.extend_from_slice(s.as_bytes());
    }
}

#[inline]
fn push_num(buf: &mut Vec<u8>, fmt: &mut ryu::Buffer, x: f64) {
    buf.extend_from_slice(fmt.format(x).as_bytes());
}

/// What every row of a pool shares, formatted once.
struct PoolText {
    label: Vec<u8>,
    size: String,
    /// Per output indicator column: the benchmark text (empty when not in the group).
    benchmarks: Vec<Vec<u8>>,
}

/// Writes the result CSV to `out`.
pub fn write_results_csv<W: Write + Send>(
    mut out: W,
    method: &Method,
    batch: &BatchInput,
    eval: &Evaluation,
) -> Result<(), BatchError> {
    let io = |e: std::io::Error| BatchError::Io {
        path: "<output>".into(),
        source: e,
    };
    let columns: Vec<IndicatorId> = method.all_indicators();
    // Per group: output indicator column → index in the group's indicators.
    let group_maps: Vec<Vec<Option<usize>>> = method
        .groups
        .iter()
        .map(|g| columns.iter().map(|c| g.indicator_index(*c)).collect())
        .collect();

    let mut header = RESULT_COLUMNS.join(",");
    for c in &columns {
        for s in INDICATOR_SUFFIXES {
            header.push_str(&format!(",{}_{s}", c.id()));
        }
    }
    header.push('\n');
    out.write_all(header.as_bytes()).map_err(io)?;

    let pools: Vec<PoolText> = eval
        .pools
        .iter()
        .map(|p| {
            let mut label = Vec::new();
            push_text(&mut label, &p.label);
            let mut fmt = ryu::Buffer::new();
            let benchmarks = group_maps[p.group]
                .iter()
                .map(|j| match j.and_then(|j| p.benchmarks[j]) {
                    Some(b) => fmt.format(b).as_bytes().to_vec(),
                    None => Vec::new(),
                })
                .collect();
            PoolText {
                label,
                size: p.size.to_string(),
                benchmarks,
            }
        })
        .collect();

    // Reason texts that need a class or item name, made once (the engine's `class_reason`
    // formats a new string per call).
    let veto_reasons: Vec<String> = method
        .veto_items
        .iter()
        .map(|(id, _)| format!("veto:{id}"))
        .collect();
    let rule_reasons: Vec<Vec<String>> = method
        .groups
        .iter()
        .map(|g| {
            let rule = match g.rule {
                Rule::Threshold { .. } => "threshold",
                _ => "quantile",
            };
            g.classes.iter().map(|c| format!("{rule} {c}")).collect()
        })
        .collect();
    let format_rows = |rows: &[u32]| -> Vec<u8> {
        let mut buf = Vec::with_capacity(rows.len() * 256);
        let mut fmt = ryu::Buffer::new();
        let mut int = itoa_buf::Buffer::new();
        for &row in rows {
            let row = row as usize;
            let e = &batch.input.enterprises[row];
            buf.extend_from_slice(e.credit_code.as_bytes());
            buf.push(b',');
            push_text(&mut buf, batch.name(row));
            match &eval.outcomes[row] {
                Outcome::Excluded(x) => {
                    buf.extend_from_slice(b",,,");
                    buf.extend_from_slice(x.id().as_bytes());
                    buf.extend_from_slice(b",,,,,,X,X,");
                    buf.extend_from_slice(x.id().as_bytes());
                    for _ in 0..columns.len() {
                        buf.extend_from_slice(b",,,,");
                    }
                }
                Outcome::Scored(s) => {
                    let group = &method.groups[s.group];
                    let pool = &pools[s.pool];
                    buf.push(b',');
                    buf.extend_from_slice(group.id.as_bytes());
                    buf.push(b',');
                    buf.extend_from_slice(&pool.label);
                    buf.extend_from_slice(b",,");
                    if let Some(r) = s.rank {
                        buf.extend_from_slice(int.format(r));
                    }
                    buf.push(b',');
                    buf.extend_from_slice(pool.size.as_bytes());
                    buf.push(b',');
                    push_num(&mut buf, &mut fmt, s.base);
                    buf.push(b',');
                    push_num(&mut buf, &mut fmt, s.bonus);
                    buf.push(b',');
                    push_num(&mut buf, &mut fmt, s.total);
                    buf.push(b',');
                    buf.extend_from_slice(eval.computed_class(method, s).as_bytes());
                    buf.push(b',');
                    buf.extend_from_slice(eval.final_class(method, s).as_bytes());
                    buf.push(b',');
                    match (&s.manual_reason, s.reason) {
                        (Some(_), _) => push_text(&mut buf, &eval.class_reason(method, s)),
                        (None, ClassReason::Veto(v)) => push_text(&mut buf, &veto_reasons[v]),
                        (None, ClassReason::Quantile | ClassReason::Threshold) => {
                            push_text(&mut buf, &rule_reasons[s.group][s.computed_class])
                        }
                        (None, ClassReason::QuotaA) => buf.extend_from_slice(b"quota A"),
                        (None, ClassReason::QuotaC) => buf.extend_from_slice(b"quota C"),
                        (None, ClassReason::DefaultB) => buf.extend_from_slice(b"default B"),
                    }
                    let results = eval.indicators(s, group.indicators.len());
                    for (c, j) in group_maps[s.group].iter().enumerate() {
                        buf.push(b',');
                        let Some(j) = *j else {
                            buf.extend_from_slice(b",,,");
                            continue;
                        };
                        let r = &results[j];
                        if let IndicatorValue::Defined(v) = r.value {
                            push_num(&mut buf, &mut fmt, v);
                        }
                        buf.push(b',');
                        buf.extend_from_slice(&pool.benchmarks[c]);
                        buf.push(b',');
                        push_num(&mut buf, &mut fmt, r.score);
                        buf.push(b',');
                        buf.extend_from_slice(r.basis.id().as_bytes());
                    }
                }
            }
            buf.push(b'\n');
        }
        buf
    };

    let order = eval.presentation_order();
    // Format in waves (bounded memory on million-row files); a writer thread writes one wave
    // while the next is formatted.
    const WAVE: usize = 1 << 17;
    const PIECE: usize = 1 << 12;
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Vec<u8>>>(1);
        let writer = scope.spawn(move || -> std::io::Result<W> {
            for pieces in rx {
                for p in pieces {
                    out.write_all(&p)?;
                }
            }
            out.flush()?;
            Ok(out)
        });
        for wave in order.chunks(WAVE) {
            let pieces: Vec<Vec<u8>> = wave.par_chunks(PIECE).map(format_rows).collect();
            if tx.send(pieces).is_err() {
                break; // the writer failed; its error is reported below
            }
        }
        drop(tx);
        writer
            .join()
            .expect("the writer thread does not panic")
            .map(drop)
            .map_err(io)
    })
}

/// A tiny integer formatter (avoids a dependency for ranks).
mod itoa_buf {
    pub struct Buffer([u8; 10]);
    impl Buffer {
        pub fn new() -> Self {
            Buffer([0; 10])
        }
        pub fn format(&mut self, mut v: u32) -> &[u8] {
            let mut i = self.0.len();
            loop {
                i -= 1;
                self.0[i] = b'0' + (v % 10) as u8;
                v /= 10;
                if v == 0 {
                    break;
                }
            }
            &self.0[i..]
        }
    }
}
