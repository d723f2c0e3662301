//! A plain-Chinese account of one enterprise's result: every indicator's value, benchmark,
//! ratio, weight, score and the policy that applied, the bonus, the rank and why the class.

use std::fmt::Write;

use crate::method::{Method, Rule, Selector};
use crate::result::{Basis, ClassReason, Evaluation, IndicatorValue, Outcome};
use crate::{EvaluationInput, IndicatorResult};

fn num(x: f64) -> String {
    format!("{x:.4}")
}

fn selector_text(method: &Method, group: usize, sel: &Selector) -> String {
    let g = &method.groups[group];
    match sel {
        Selector::Total => "总分".to_owned(),
        Selector::Value(id) => format!("{}原值", id.label()),
        Selector::Scores(idx) => {
            let names: Vec<String> = idx
                .iter()
                .map(|&j| format!("{}得分", g.indicators[j].id.label()))
                .collect();
            names.join(" + ")
        }
    }
}

/// Explains the result of input row `row`, in Chinese, one fact per line.
pub fn explain(method: &Method, input: &EvaluationInput, eval: &Evaluation, row: usize) -> String {
    let e = &input.enterprises[row];
    let mut out = String::new();
    let _ = writeln!(
        out,
        "企业 {}（{} 年度数据，评价方法“{}”）",
        e.credit_code, input.year, method.name
    );
    let s = match &eval.outcomes[row] {
        Outcome::Excluded(x) => {
            let _ = writeln!(out, "不参评（X）：{}", x.label());
            return out;
        }
        Outcome::Scored(s) => s,
    };
    let group = &method.groups[s.group];
    let pool = &eval.pools[s.pool];
    let vetoed = pool.members.len() - pool.size;
    let _ = writeln!(
        out,
        "评价组 {}，排名池 {}：参与排名 {} 家{}",
        group.scale.label(),
        pool.label,
        pool.size,
        if vetoed > 0 {
            format!("，另有 {vetoed} 家因否决项不参与排名")
        } else {
            String::new()
        }
    );
    let results: &[IndicatorResult] = eval.indicators(s, group.indicators.len());
    for ((spec, r), bench) in group.indicators.iter().zip(results).zip(&pool.benchmarks) {
        let value = match r.value {
            IndicatorValue::Defined(v) => format!("{} {}", num(v), spec.id.unit()),
            IndicatorValue::Missing => "缺失".to_owned(),
            IndicatorValue::ZeroDenominator => "分母为 0".to_owned(),
        };
        let bench = bench.map_or("无（池内无有效值）".to_owned(), num);
        let ratio = r.ratio.map_or(String::new(), |x| format!("，比值 {}", num(x)));
        let _ = writeln!(
            out,
            "  {} = {}；基准值 {}{}；权重 {} → 得分 {}（{}）",
            spec.id.label(),
            value,
            bench,
            ratio,
            spec.weight,
            num(r.score),
            r.basis.label()
        );
        if r.basis == Basis::Missing(crate::method::UndefinedPolicy::PoolAverage)
            || r.basis == Basis::ZeroDenominator(crate::method::UndefinedPolicy::PoolAverage)
        {
            let _ = writeln!(out, "    （同池有效值企业的平均得分为 {}）", num(r.score));
        }
    }
    let bonus_items: Vec<String> = e
        .bonus
        .iter()
        .filter_map(|i| method.bonus_index(&input.items[i]))
        .map(|b| {
            let (id, points) = &method.bonus_points[b];
            format!("{} +{points}", mujun_domain::items::item_label(id).unwrap_or(id))
        })
        .collect();
    let _ = writeln!(
        out,
        "基础分 {} + 加分 {}{} = 总分 {}",
        num(s.base),
        num(s.bonus),
        if bonus_items.is_empty() {
            String::new()
        } else {
            format!("（{}；上限 {}）", bonus_items.join("，"), method.max_bonus)
        },
        num(s.total)
    );
    match s.rank {
        Some(r) => {
            let _ = writeln!(out, "排名：第 {r} 名 / {} 家", pool.size);
        }
        None => {
            let _ = writeln!(out, "排名：无（有否决项，不参与排名）");
        }
    }
    let class = eval.computed_class(method, s);
    let why = match (s.reason, &group.rule) {
        (ClassReason::Veto(v), _) => {
            format!("有否决项“{}”，直接定为最低档 {class}", method.veto_items[v].1)
        }
        (
            reason,
            Rule::HenanTwoStage {
                top_share,
                a_share,
                c_share,
                a_selector,
                c_selector,
            },
        ) => {
            let q = pool.quotas.expect("two-stage pools have quotas");
            let half = if s.rank.is_some_and(|r| (r as usize) <= q.n_top) {
                format!(
                    "位于上半区（前 round({}×{}) = {} 名）；A 类名额 round({}×{}) = {}；按 {} 排序居上半区第 {} 位（选档值 {}）",
                    pool.size,
                    top_share.as_f64(),
                    q.n_top,
                    pool.size,
                    a_share.as_f64(),
                    q.n_a,
                    selector_text(method, s.group, a_selector),
                    s.selector_position.unwrap_or(0),
                    num(s.a_selector.unwrap_or(0.0))
                )
            } else {
                format!(
                    "位于下半区（上半区 {} 名）；C 类名额 round({}×{}) = {}；按 {} 降序排列居下半区第 {} 位 / {} 位，末 {} 位为 C（选档值 {}）",
                    q.n_top,
                    pool.size,
                    c_share.as_f64(),
                    q.n_c,
                    selector_text(method, s.group, c_selector),
                    s.selector_position.unwrap_or(0),
                    pool.size - q.n_top,
                    q.n_c,
                    num(s.c_selector.unwrap_or(0.0))
                )
            };
            let verdict = match reason {
                ClassReason::QuotaA => "在 A 类名额内 → A",
                ClassReason::QuotaC => "在 C 类名额内 → C",
                _ => "不在 A、C 名额内 → B",
            };
            format!("{half}；{verdict}")
        }
        (_, Rule::Quantile { shares }) => {
            let cum: Vec<String> = group
                .classes
                .iter()
                .zip(shares)
                .map(|(c, sh)| format!("{c} {}", sh.as_f64()))
                .collect();
            format!(
                "按排名分档（{}），第 {} 名落在 {class} 档",
                cum.join(" / "),
                s.rank.unwrap_or(0)
            )
        }
        (_, Rule::Threshold { cuts }) => {
            let cut = cuts[s.computed_class];
            if s.total >= cut {
                format!("总分 {} 达到 {class} 档分数线 {cut}", num(s.total))
            } else {
                format!("总分 {} 低于所有分数线，定为最低档 {class}", num(s.total))
            }
        }
    };
    let _ = writeln!(out, "计算档次：{class}：{why}");
    if let Some(reason) = &s.manual_reason {
        let _ = writeln!(
            out,
            "人工调档：{class} → {}，理由：{reason}",
            eval.final_class(method, s)
        );
    }
    out
}
