//! The input hash of a run: SHA-256 over the rows in a canonical, order-independent encoding,
//! so that the same rows give the same hash whether they came from CSV, XLSX or the database.

use mujun_domain::Field;
use sha2::{Digest, Sha256};

use crate::input::EvaluationInput;

/// Hex SHA-256 of the input; `by_code` lists the rows in credit-code order.
pub(crate) fn input_hash(input: &EvaluationInput, by_code: &[u32]) -> String {
    let mut hasher = Sha256::new();
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 16);
    buf.extend_from_slice(b"mujun-input-v1\n");
    buf.extend_from_slice(&input.year.value().to_le_bytes());
    let mut names: Vec<&str> = Vec::new();
    for &i in by_code {
        let e = &input.enterprises[i as usize];
        buf.extend_from_slice(e.credit_code.as_str().as_bytes());
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
            names.clear();
            names.extend(set.iter().map(|j| input.items[j].as_str()));
            names.sort_unstable();
            buf.extend_from_slice(&(names.len() as u32).to_le_bytes());
            for n in &names {
                buf.extend_from_slice(&(n.len() as u32).to_le_bytes());
                buf.extend_from_slice(n.as_bytes());
            }
        }
        if buf.len() > (1 << 16) - 512 {
            hasher.update(&buf);
            buf.clear();
        }
    }
    hasher.update(&buf);
    hex::encode(hasher.finalize())
}
