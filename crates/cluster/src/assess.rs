//! Assessing the clusters of a year under a method: points per indicator against its benchmark,
//! the total, the ranking (ties share a rank), the star level (the highest level whose every
//! threshold is met, every lower level met too), the move against last year's star and the best
//! star ever held, and the plan's rewards and restrictions.

use crate::indicators::{Indicator, Value};
use crate::method::Method;

/// One cluster to assess.
#[derive(Clone, Debug, PartialEq)]
pub struct Input {
    /// The cluster's id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Its indicators of the year.
    pub values: Vec<Value>,
    /// Its star of the year before (0: none), if assessed then.
    pub previous_star: Option<u8>,
    /// The highest star it has ever held before this year (0: none).
    pub best_star_before: u8,
}

/// Points of one indicator.
#[derive(Clone, Debug, PartialEq)]
pub struct Points {
    /// Which.
    pub indicator: Indicator,
    /// The value.
    pub value: Option<f64>,
    /// The points.
    pub points: f64,
    /// Full points.
    pub weight: f64,
    /// How it was scored, in words.
    pub why: String,
}

/// The star move against the year before.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    /// Not assessed the year before.
    New,
    /// Same star.
    Same,
    /// Higher; `first` when higher than any star it held before.
    Up {
        /// First time at this level.
        first: bool,
    },
    /// Lower.
    Down,
}

impl Move {
    /// The move in words.
    pub fn label(self) -> &'static str {
        match self {
            Move::New => "首次评价",
            Move::Same => "保持",
            Move::Up { first: true } => "首次晋升",
            Move::Up { first: false } => "晋升",
            Move::Down => "降级",
        }
    }
}

/// One cluster's result.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The cluster's id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Points per scored indicator.
    pub points: Vec<Points>,
    /// Total (rounded to 0.01).
    pub total: f64,
    /// Rank (1 = best; ties share).
    pub rank: usize,
    /// Star level (0: none).
    pub star: u8,
    /// Its name (empty: none).
    pub star_name: String,
    /// Why not the next level, in words (empty at the top level).
    pub next_star_gap: Vec<String>,
    /// Against the year before.
    pub movement: Move,
    /// Rewards and restrictions, in words.
    pub measures: Vec<String>,
}

fn fmt(x: f64) -> String {
    format!("{x:.2}")
}

fn points(s: &crate::method::Scored, v: Option<f64>) -> (f64, String) {
    let Some(x) = v else {
        return (0.0, "无数据，不得分".to_owned());
    };
    let share = if s.indicator.higher_is_better() {
        (x / s.benchmark).clamp(0.0, 1.0)
    } else if x > 0.0 {
        (s.benchmark / x).clamp(0.0, 1.0)
    } else {
        1.0
    };
    let pts = s.weight * share;
    let why = if share <= 0.0 {
        format!("{} 不高于 0，不得分", fmt(x))
    } else if share >= 1.0 {
        format!("达到标杆 {}，得满分 {}", fmt(s.benchmark), fmt(s.weight))
    } else if s.indicator.higher_is_better() {
        format!("{} ÷ 标杆 {} × {} 分", fmt(x), fmt(s.benchmark), fmt(s.weight))
    } else {
        format!("标杆 {} ÷ {} × {} 分", fmt(s.benchmark), fmt(x), fmt(s.weight))
    };
    (pts, why)
}

fn value_of(values: &[Value], i: Indicator) -> Option<f64> {
    values.iter().find(|v| v.indicator == i).and_then(|v| v.value)
}

fn meets(values: &[Value], i: Indicator, threshold: f64) -> bool {
    value_of(values, i).is_some_and(|x| {
        if i.higher_is_better() {
            x >= threshold
        } else {
            x <= threshold
        }
    })
}

/// Competition ranks (1, 1, 3) of `keys`, best first by `better`.
fn ranks(keys: &[f64]) -> Vec<usize> {
    keys.iter()
        .map(|k| 1 + keys.iter().filter(|o| *o > k).count())
        .collect()
}

/// Assesses the clusters of one year.
pub fn assess(method: &Method, inputs: &[Input]) -> Vec<Outcome> {
    let mut out: Vec<Outcome> = inputs
        .iter()
        .map(|c| {
            let points: Vec<Points> = method
                .indicators
                .iter()
                .map(|s| {
                    let value = value_of(&c.values, s.indicator);
                    let (p, why) = points(s, value);
                    Points {
                        indicator: s.indicator,
                        value,
                        points: p,
                        weight: s.weight,
                        why,
                    }
                })
                .collect();
            let total = (points.iter().map(|p| p.points).sum::<f64>() * 100.0).round() / 100.0;
            let mut star = 0u8;
            let mut star_name = String::new();
            let mut next_star_gap = Vec::new();
            for s in &method.stars {
                let missed: Vec<String> = s
                    .thresholds
                    .iter()
                    .filter(|(i, t)| !meets(&c.values, *i, *t))
                    .map(|(i, t)| {
                        let have = value_of(&c.values, *i)
                            .map_or_else(|| "无数据".to_owned(), |x| format!("{} {}", fmt(x), i.unit()));
                        let need = if i.higher_is_better() {
                            "不低于"
                        } else {
                            "不高于"
                        };
                        format!(
                            "{}{}，{}要求{} {} {}",
                            i.label(),
                            have,
                            s.name,
                            need,
                            fmt(*t),
                            i.unit()
                        )
                    })
                    .collect();
                if missed.is_empty() {
                    star = s.level;
                    star_name = s.name.clone();
                } else {
                    next_star_gap = missed;
                    break;
                }
            }
            let movement = match c.previous_star {
                None => Move::New,
                Some(p) if star > p => Move::Up {
                    first: star > c.best_star_before,
                },
                Some(p) if star < p => Move::Down,
                Some(_) => Move::Same,
            };
            Outcome {
                id: c.id,
                name: c.name.clone(),
                points,
                total,
                rank: 0,
                star,
                star_name,
                next_star_gap,
                movement,
                measures: Vec::new(),
            }
        })
        .collect();
    let totals: Vec<f64> = out.iter().map(|o| o.total).collect();
    for (o, r) in out.iter_mut().zip(ranks(&totals)) {
        o.rank = r;
    }
    let n = out.len();
    let r = &method.rewards;
    // The last `core_bottom` on each core indicator (a missing value counts as last).
    let mut core_last: Vec<(usize, Indicator)> = Vec::new();
    for i in &r.core {
        let keys: Vec<f64> = inputs
            .iter()
            .map(|c| {
                value_of(&c.values, *i)
                    .map_or(f64::NEG_INFINITY, |x| if i.higher_is_better() { x } else { -x })
            })
            .collect();
        for (k, rank) in ranks(&keys).into_iter().enumerate() {
            if r.core_bottom > 0 && rank > n.saturating_sub(r.core_bottom) {
                core_last.push((k, *i));
            }
        }
    }
    for (k, o) in out.iter_mut().enumerate() {
        if r.top > 0 && o.rank <= r.top {
            o.measures.push(format!(
                "评价排序第 {} 名（前 {} 名）：予以表彰奖励，优先支持扩区或申报国家级开发区",
                o.rank, r.top
            ));
        }
        if o.movement == (Move::Up { first: true }) {
            o.measures.push(format!(
                "首次晋升{}：予以表彰奖励，优先支持扩区或申报国家级开发区",
                o.star_name
            ));
        }
        let restricted_rank = r.bottom > 0 && o.rank > n.saturating_sub(r.bottom);
        let lagging: Vec<&str> = core_last
            .iter()
            .filter(|(c, _)| *c == k)
            .map(|(_, i)| i.label())
            .collect();
        if restricted_rank {
            o.measures
                .push(format!("评价排名靠后（后 {} 名）：不支持扩区、升级", r.bottom));
        } else if !lagging.is_empty() {
            o.measures
                .push(format!("核心指标{}居后列：不支持扩区、升级", lagging.join("、")));
        }
    }
    out.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.name.cmp(&b.name)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_share_a_rank() {
        assert_eq!(ranks(&[80.0, 90.0, 80.0, 70.0]), [2, 1, 2, 4]);
    }
}
