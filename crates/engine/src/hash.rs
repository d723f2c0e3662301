//! The input hash of a run: SHA-256 over the rows in a canonical, order-independent encoding,
//! so that the same rows give the same hash whether they came from CSV, XLSX or the database.
//!
//! Rows are taken in credit-code order in blocks of [`BLOCK`]; each block's encoding is hashed on
//! its own (in parallel), and the run's hash is SHA-256 over the header and the block digests.

use mujun_domain::Field;
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::input::EvaluationInput;

/// Rows per block of the two-level hash.
const BLOCK: usize = 8192;

fn encode_row(input: &EvaluationInput, i: usize, buf: &mut Vec<u8>) {
    let e = &input.enterprises[i];
    buf.extend_from_slice(e.credit_code.as_bytes());
    buf.extend_from_slice(&e.region.value().to_le_bytes());
    let cluster = input.cluster_name(e).unwrap_or("");
    buf.extend_from_slice(&(cluster.len() as u32).to_le_bytes());
    buf.extend_from_slice(cluster.as_bytes());
    buf.extend_from_slice(&e.industry.value().to_le_bytes());
    buf.push(e.scale as u8);
    let start = e.production_start.map_or(i64::MIN, |d| d.days_since_epoch());
    buf.extend_from_slice(&start.to_le_bytes());
    for f in Field::ALL {
        match e.figures.get(f) {
            Some(v) => {
                buf.push(1);
                buf.extend_from_slice(&(v + 0.0).to_bits().to_le_bytes());
            }
            None => buf.push(0),
        }
    }
    for set in [e.bonus, e.veto] {
        let mut ids: Vec<&str> = set.iter().map(|j| input.items[j].as_str()).collect();
        ids.sort_unstable();
        buf.extend_from_slice(&(ids.len() as u32).to_le_bytes());
        for n in &ids {
            buf.extend_from_slice(&(n.len() as u32).to_le_bytes());
            buf.extend_from_slice(n.as_bytes());
        }
    }
}

/// Hex SHA-256 of the input; `by_code` lists the rows in credit-code order.
pub(crate) fn input_hash(input: &EvaluationInput, by_code: &[u32]) -> String {
    let digests: Vec<[u8; 32]> = by_code
        .par_chunks(BLOCK)
        .map(|block| {
            let mut buf = Vec::with_capacity(block.len() * 160);
            for &i in block {
                encode_row(input, i as usize, &mut buf);
            }
            Sha256::digest(&buf).into()
        })
        .collect();
    let mut hasher = Sha256::new();
    hasher.update(b"mujun-input-v2\n");
    hasher.update(input.year.value().to_le_bytes());
    hasher.update((by_code.len() as u64).to_le_bytes());
    for d in &digests {
        hasher.update(d);
    }
    hex::encode(hasher.finalize())
}
