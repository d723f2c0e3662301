//! The consequences of methods evaluated side by side on one snapshot: class counts in all and
//! per ranking pool, totals per class (enterprises, land, tax, 亩均税收), the policy measures
//! each class would bring (how many enterprises, what amounts), and every enterprise whose
//! class differs from the run's own method. Pure: the caller loads the snapshot.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use mujun_engine::{Evaluation, EvaluationInput, Method, Outcome, evaluate};
use mujun_store::policies::Measure;
use mujun_store::runs::{RunAdjustment, RunInput};

use crate::AppError;
use crate::evaluation::format::{class_label, group_pool_name, pool_name, reason_label};
use crate::evaluation::policies::MeasureKind;
use crate::evaluation::snapshot;

/// One method of the comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// How the page calls it: 现行方法, 修改后, or the scenario's name.
    pub label: String,
    /// The method's own name.
    pub method_name: String,
    /// The kept scenario it comes from, if any.
    pub scenario_id: Option<i64>,
}

/// One class under one method.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cell {
    /// Enterprises in the class.
    pub enterprises: usize,
    /// Σ 用地面积 (亩).
    pub land_area_mu: f64,
    /// Σ 实缴税收 (万元).
    pub tax_paid: f64,
}

impl Cell {
    /// 亩均税收 of the class: Σ tax ÷ Σ land.
    pub fn tax_per_mu(&self) -> Option<f64> {
        (self.land_area_mu > 0.0).then(|| self.tax_paid / self.land_area_mu)
    }
}

/// One class across the methods.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassLine {
    /// The class (`A` … , `X` for not evaluated).
    pub class: String,
    /// Its name in words.
    pub label: String,
    /// Per method, in column order.
    pub cells: Vec<Cell>,
}

/// One ranking pool's class counts across the methods.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolLine {
    /// The pool in words (规上 · 驻马店装备产业集聚区).
    pub name: String,
    /// `[column][class]`, classes in [`Simulation::classes`] order.
    pub counts: Vec<Vec<usize>>,
}

/// One policy measure across the methods.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyEffect {
    /// Title of the measure.
    pub title: String,
    /// The class it applies to, in words.
    pub class: String,
    /// The unit of its amounts (empty: a measure without an amount, e.g. 用地保障).
    pub unit: String,
    /// Per method: enterprises it applies to and the sum of their amounts.
    pub cells: Vec<(usize, Option<f64>)>,
}

/// One enterprise whose class differs from the run's own method under at least one method.
#[derive(Clone, Debug, PartialEq)]
pub struct ChangeLine {
    /// The enterprise.
    pub enterprise_id: i64,
    /// Name.
    pub name: String,
    /// Its pool under the run's method (or its county when not evaluated).
    pub pool: String,
    /// Class per method.
    pub classes: Vec<String>,
    /// Total per method.
    pub totals: Vec<Option<f64>>,
    /// Why, in words, per method.
    pub reasons: Vec<String>,
}

/// Methods evaluated side by side on a run's snapshot; the first is the run's own.
#[derive(Clone, Debug, PartialEq)]
pub struct Simulation {
    /// The run.
    pub run_id: i64,
    /// Its year.
    pub year: i64,
    /// The methods.
    pub columns: Vec<Column>,
    /// Every class met under any method, best first, `X` last.
    pub classes: Vec<String>,
    /// Counts and totals per class.
    pub class_lines: Vec<ClassLine>,
    /// Class counts per pool.
    pub pools: Vec<PoolLine>,
    /// The active measures.
    pub policies: Vec<PolicyEffect>,
    /// The enterprises that change, by pool and name.
    pub changes: Vec<ChangeLine>,
    /// Enterprises in the snapshot.
    pub enterprises: usize,
}

impl Simulation {
    /// How many enterprises change class under column `c` against the run's method.
    pub fn changed_in(&self, c: usize) -> usize {
        self.changes
            .iter()
            .filter(|ch| ch.classes.get(c) != ch.classes.first())
            .count()
    }

    /// The count of `class` under column `c`.
    pub fn count(&self, class: &str, c: usize) -> usize {
        self.class_lines
            .iter()
            .find(|l| l.class == class)
            .and_then(|l| l.cells.get(c))
            .map_or(0, |x| x.enterprises)
    }
}

/// What the snapshot holds besides the methods.
pub(crate) struct Snapshot {
    pub run_id: i64,
    pub year: i64,
    pub rows: Arc<Vec<RunInput>>,
    /// The engine's input made of `rows`.
    pub input: Arc<EvaluationInput>,
    pub adjustments: Vec<RunAdjustment>,
    /// Active measures.
    pub measures: Vec<(Measure, MeasureKind)>,
    /// Classes of earlier years: enterprise → (year, class).
    pub history: HashMap<i64, Vec<(i64, String)>>,
}

/// One method's evaluation, row by row (reasons are worded only for the rows that change).
struct Evaluated<'m> {
    method: &'m Method,
    eval: Evaluation,
    class: Vec<String>,
    total: Vec<Option<f64>>,
    /// Index into `pools` of the row's pool.
    pool: Vec<usize>,
    /// Pool names: the evaluation's pools in words, then 不参评 per county.
    pools: Vec<String>,
}

fn evaluated<'m>(method: &'m Method, eval: Evaluation, rows: &[RunInput]) -> Evaluated<'m> {
    let n = eval.outcomes.len();
    let mut pools: Vec<String> = eval
        .pools
        .iter()
        .map(|p| group_pool_name(&method.groups[p.group].id, &p.label))
        .collect();
    let mut excluded: HashMap<&str, usize> = HashMap::new();
    let mut out_class = Vec::with_capacity(n);
    let mut out_total = Vec::with_capacity(n);
    let mut out_pool = Vec::with_capacity(n);
    for (o, r) in eval.outcomes.iter().zip(rows) {
        match o {
            Outcome::Excluded(_) => {
                out_class.push("X".to_owned());
                out_total.push(None);
                let i = *excluded.entry(r.region_code.as_str()).or_insert_with(|| {
                    pools.push(format!("不参评 · {}", pool_name(&r.region_code)));
                    pools.len() - 1
                });
                out_pool.push(i);
            }
            Outcome::Scored(s) => {
                out_class.push(eval.final_class(method, s).to_owned());
                out_total.push(Some(s.total));
                out_pool.push(s.pool);
            }
        }
    }
    Evaluated {
        method,
        eval,
        class: out_class,
        total: out_total,
        pool: out_pool,
        pools,
    }
}

impl Evaluated<'_> {
    /// Why row `row` has its class, in words.
    fn reason(&self, row: usize) -> String {
        reason_label(&match &self.eval.outcomes[row] {
            Outcome::Excluded(x) => format!("excluded:{}", x.id()),
            Outcome::Scored(s) => self.eval.class_reason(self.method, s),
        })
    }
}

/// Consecutive years in `class` ending this year, were this year's class `class`: one more than
/// the unbroken run of the years just before.
fn consecutive_with(history: Option<&Vec<(i64, String)>>, year: i64, class: &str) -> u32 {
    let Some(h) = history else { return 1 };
    let mut n = 1;
    let mut y = year - 1;
    while h.iter().any(|(hy, hc)| *hy == y && hc == class) {
        n += 1;
        y -= 1;
    }
    n
}

/// Best class first (the order the methods list them), `X` last.
fn class_order(methods: &[&Method], seen: &BTreeSet<String>) -> Vec<String> {
    let mut order: Vec<String> = Vec::new();
    for m in methods {
        for g in &m.groups {
            for c in &g.classes {
                if seen.contains(c) && !order.contains(c) {
                    order.push(c.clone());
                }
            }
        }
    }
    for c in seen {
        if c != "X" && !order.contains(c) {
            order.push(c.clone());
        }
    }
    if seen.contains("X") {
        order.push("X".to_owned());
    }
    order
}

/// Evaluates every method on the snapshot (with the run's manual adjustments) and compares.
pub(crate) fn simulate(snap: &Snapshot, columns: Vec<(Column, Method)>) -> Result<Simulation, AppError> {
    let adjustments = snapshot::adjustments(&snap.rows, &snap.adjustments);
    let mut evals = Vec::with_capacity(columns.len());
    for (_, m) in &columns {
        let e = evaluate(m, &snap.input, &adjustments)?;
        evals.push(evaluated(m, e, &snap.rows));
    }
    let seen: BTreeSet<String> = evals.iter().flat_map(|e| e.class.iter().cloned()).collect();
    let methods: Vec<&Method> = columns.iter().map(|(_, m)| m).collect();
    let classes = class_order(&methods, &seen);
    let index: HashMap<&str, usize> = classes.iter().enumerate().map(|(i, c)| (c.as_str(), i)).collect();
    let k = columns.len();

    let mut cells = vec![vec![Cell::default(); k]; classes.len()];
    let mut pools: BTreeMap<String, Vec<Vec<usize>>> = BTreeMap::new();
    for (c, e) in evals.iter().enumerate() {
        let mut per_pool = vec![vec![0usize; classes.len()]; e.pools.len()];
        for (row, class) in e.class.iter().enumerate() {
            let ci = index[class.as_str()];
            let cell = &mut cells[ci][c];
            cell.enterprises += 1;
            cell.land_area_mu += snap.rows[row].land_area_mu.unwrap_or(0.0);
            cell.tax_paid += snap.rows[row].tax_paid.unwrap_or(0.0);
            per_pool[e.pool[row]][ci] += 1;
        }
        for (name, counts) in e.pools.iter().zip(per_pool) {
            if counts.iter().any(|n| *n > 0) {
                pools
                    .entry(name.clone())
                    .or_insert_with(|| vec![vec![0; classes.len()]; k])[c] = counts;
            }
        }
    }
    let class_lines = classes
        .iter()
        .zip(cells)
        .map(|(class, cells)| ClassLine {
            class: class.clone(),
            label: class_label(class),
            cells,
        })
        .collect();

    // The measures each class brings, with the consecutive years the class would make.
    let mut policies = Vec::with_capacity(snap.measures.len());
    for (m, kind) in &snap.measures {
        let mut per = Vec::with_capacity(k);
        for e in &evals {
            let mut count = 0;
            let mut sum: Option<f64> = None;
            for (row, class) in e.class.iter().enumerate() {
                if *class != m.class {
                    continue;
                }
                count += 1;
                let r = &snap.rows[row];
                let years = consecutive_with(snap.history.get(&r.enterprise_id), snap.year, class);
                if let Some(a) = kind.amount(r, years) {
                    *sum.get_or_insert(0.0) += a;
                }
            }
            per.push((count, sum));
        }
        policies.push(PolicyEffect {
            title: m.title.clone(),
            class: class_label(&m.class),
            unit: kind.unit().to_owned(),
            cells: per,
        });
    }

    let mut changes: Vec<ChangeLine> = (0..snap.rows.len())
        .filter(|&row| evals.iter().any(|e| e.class[row] != evals[0].class[row]))
        .map(|row| ChangeLine {
            enterprise_id: snap.rows[row].enterprise_id,
            name: snap.rows[row].name.clone(),
            pool: evals[0].pools[evals[0].pool[row]].clone(),
            classes: evals.iter().map(|e| e.class[row].clone()).collect(),
            totals: evals.iter().map(|e| e.total[row]).collect(),
            reasons: evals.iter().map(|e| e.reason(row)).collect(),
        })
        .collect();
    changes.sort_by(|a, b| (&a.pool, &a.name).cmp(&(&b.pool, &b.name)));

    Ok(Simulation {
        run_id: snap.run_id,
        year: snap.year,
        columns: columns.into_iter().map(|(c, _)| c).collect(),
        classes,
        class_lines,
        pools: pools
            .into_iter()
            .map(|(name, counts)| PoolLine { name, counts })
            .collect(),
        policies,
        changes,
        enterprises: snap.rows.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::history::consecutive_in;

    #[test]
    fn consecutive_years_count_the_unbroken_years_just_before() {
        let h = vec![
            (2021, "C".to_owned()),
            (2022, "C".to_owned()),
            (2023, "C".to_owned()),
        ];
        assert_eq!(consecutive_with(Some(&h), 2024, "C"), 4);
        assert_eq!(consecutive_with(Some(&h), 2024, "B"), 1);
        let gap = vec![(2021, "C".to_owned()), (2023, "C".to_owned())];
        assert_eq!(consecutive_with(Some(&gap), 2024, "C"), 2, "2022 is missing");
        assert_eq!(consecutive_with(None, 2024, "C"), 1);
        // The same as the policy lists' count over the whole history.
        let mut full = h.clone();
        full.push((2024, "C".to_owned()));
        assert_eq!(
            consecutive_in(&full, 2024, "C"),
            consecutive_with(Some(&h), 2024, "C")
        );
    }
}
