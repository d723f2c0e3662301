//! Classes over the years: each enterprise's class per year and how many consecutive years it
//! has been in it (which the differentiated policies escalate on), and class trends per scope.

use mujun_store::enterprises;

use crate::{Actor, App, AppError};

/// An enterprise's class in one year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassYear {
    /// Year.
    pub year: i64,
    /// Class.
    pub class: String,
    /// Consecutive years in this class up to and including this year.
    pub consecutive: u32,
    /// Where it came from (`run:<id>` for a published run).
    pub source: String,
    /// SHA-256 of the file it was imported from (empty unless imported).
    pub file_hash: String,
}

/// For `(year, class)` pairs in any order: the consecutive count ending in each year — a gap
/// year or another class restarts the count.
pub fn consecutive_years(history: &[(i64, String)]) -> Vec<(i64, String, u32)> {
    let mut sorted: Vec<&(i64, String)> = history.iter().collect();
    sorted.sort_by_key(|(y, _)| *y);
    let mut out: Vec<(i64, String, u32)> = Vec::with_capacity(sorted.len());
    for (year, class) in sorted {
        let run = match out.last() {
            Some((y, c, n)) if *y == year - 1 && c == class => n + 1,
            _ => 1,
        };
        out.push((*year, class.clone(), run));
    }
    out
}

/// The consecutive count of `class` ending in `year` from `(year, class)` pairs.
pub fn consecutive_in(history: &[(i64, String)], year: i64, class: &str) -> u32 {
    consecutive_years(history)
        .into_iter()
        .find(|(y, c, _)| *y == year && c == class)
        .map_or(0, |(_, _, n)| n)
}

/// Where a class came from, in words: a published run, a historical import (with its
/// document), the demo.
pub fn class_source_label(source: &str) -> String {
    if let Some(run) = source.strip_prefix("run:") {
        format!("评价批次 #{run}")
    } else if let Some(document) = source.strip_prefix(crate::registry::history_import::SOURCE_PREFIX) {
        if document.is_empty() {
            "历史导入".to_owned()
        } else {
            format!("历史导入（{document}）")
        }
    } else if source.starts_with("demo") {
        "演示数据".to_owned()
    } else {
        source.to_owned()
    }
}

impl App {
    /// An enterprise's classes per year, newest first (whoever may see the enterprise).
    pub async fn class_history(&self, actor: &Actor, enterprise_id: i64) -> Result<Vec<ClassYear>, AppError> {
        let mut c = self.store.read().await?;
        if !actor.reads_business_data()
            || enterprises::get(&mut c, enterprise_id, &actor.enterprise_scope())
                .await?
                .is_none()
        {
            drop(c);
            return Err(self
                .deny(
                    actor,
                    "class.history",
                    ("enterprise", &enterprise_id.to_string()),
                    "超出本账号的查看范围",
                )
                .await);
        }
        let rows = enterprises::class_records(&mut c, enterprise_id).await?;
        let pairs: Vec<(i64, String)> = rows.iter().map(|r| (r.year, r.class.clone())).collect();
        let mut out: Vec<ClassYear> = consecutive_years(&pairs)
            .into_iter()
            .map(|(year, class, consecutive)| {
                let record = rows.iter().find(|r| r.year == year);
                ClassYear {
                    source: record.map(|r| r.source.clone()).unwrap_or_default(),
                    file_hash: record.map(|r| r.file_hash.clone()).unwrap_or_default(),
                    year,
                    class,
                    consecutive,
                }
            })
            .collect();
        out.reverse();
        Ok(out)
    }

    /// Counts per class per year within the caller's scope, oldest year first.
    pub async fn class_trend(&self, actor: &Actor) -> Result<Vec<(i64, Vec<(String, i64)>)>, AppError> {
        if !actor.reads_business_data() {
            return Err(self
                .deny(actor, "class.trend", ("enterprise", ""), "该角色不能查看业务数据")
                .await);
        }
        let mut c = self.store.read().await?;
        let mut years = enterprises::years(&mut c).await?;
        years.sort_unstable();
        let scope = actor.enterprise_scope();
        let mut out = Vec::new();
        for y in years {
            let counts = enterprises::class_counts(&mut c, &scope, y).await?;
            if !counts.is_empty() {
                out.push((y, counts));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(i64, &str)]) -> Vec<(i64, String)> {
        pairs.iter().map(|(y, c)| (*y, (*c).to_owned())).collect()
    }

    #[test]
    fn consecutive_counts_restart_on_a_change_or_a_gap() {
        let got = consecutive_years(&h(&[
            (2024, "C"),
            (2021, "C"),
            (2022, "C"),
            (2023, "B"),
            (2025, "C"),
            (2027, "C"),
        ]));
        let counts: Vec<u32> = got.iter().map(|x| x.2).collect();
        // 2021 C, 2022 C (2nd), 2023 B, 2024 C (restart), 2025 C (2nd), 2027 C (gap: restart).
        assert_eq!(counts, [1, 2, 1, 1, 2, 1]);
        assert_eq!(
            consecutive_in(&h(&[(2022, "C"), (2023, "C"), (2024, "C")]), 2024, "C"),
            3
        );
        assert_eq!(consecutive_in(&h(&[(2024, "A")]), 2024, "C"), 0);
    }
}
