//! A cluster's 产业准入负面清单 and the admission review of a proposed project (the action plan's
//! 二(二)1 and 三(四)). An entry names a GB/T 4754-2017 code at any level — a 门类 letter (`C`), a
//! 大类 (`26`), a 中类 (`261`) or a 小类 (`2614`) — and covers everything under it; it bans the
//! industry or restricts it with conditions. For a project, the most specific entry covering its
//! industry decides (a 小类 entry over its 大类's); the cluster's 标准地 minimums apply to every
//! project.

use mujun_domain::IndustryCode;

use crate::LandError;

/// A code of the list: a section letter, or 2–4 digits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListCode {
    /// A 门类, e.g. `C`.
    Section(char),
    /// 2–4 leading digits of the 4-digit code, e.g. `26`, `261`, `2614`.
    Digits(String),
}

impl ListCode {
    /// Parses `C`, `26`, `261`, `2614` (also `C26`, `C2614`: the letter must agree).
    pub fn parse(text: &str) -> Result<ListCode, LandError> {
        let t = text.trim().to_ascii_uppercase();
        let bad = || LandError::BadCode(text.trim().to_owned());
        let (letter, digits) = match t.chars().next() {
            Some(c) if c.is_ascii_alphabetic() => (Some(c), &t[1..]),
            Some(_) => (None, t.as_str()),
            None => return Err(bad()),
        };
        if digits.is_empty() {
            let c = letter.ok_or_else(bad)?;
            return if ('A'..='T').contains(&c) {
                Ok(ListCode::Section(c))
            } else {
                Err(bad())
            };
        }
        if !(2..=4).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        // The division must exist, and agree with a letter given with it.
        let padded = format!("{digits:0<4}");
        let value: u16 = padded.parse().map_err(|_| bad())?;
        let section = IndustryCode::from_value(value - value % 100)
            .map(IndustryCode::section)
            .ok_or_else(bad)?;
        if letter.is_some_and(|l| l != section) {
            return Err(bad());
        }
        Ok(ListCode::Digits(digits.to_owned()))
    }

    /// Whether the entry covers `code`.
    pub fn covers(&self, code: IndustryCode) -> bool {
        match self {
            ListCode::Section(c) => code.section() == *c,
            ListCode::Digits(d) => code.to_string().starts_with(d.as_str()),
        }
    }

    /// How specific it is: 1 for a section, 2–4 for digits.
    pub fn level(&self) -> usize {
        match self {
            ListCode::Section(_) => 1,
            ListCode::Digits(d) => d.len(),
        }
    }
}

impl std::fmt::Display for ListCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ListCode::Section(c) => write!(f, "{c}"),
            ListCode::Digits(d) => write!(f, "{d}"),
        }
    }
}

/// Conditions a restricted industry (or every project, for the 标准地 minimums) must meet.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Conditions {
    /// Minimum 投资强度 (万元/亩).
    pub min_investment_per_mu: Option<f64>,
    /// Minimum expected 亩均税收 (万元/亩).
    pub min_tax_per_mu: Option<f64>,
    /// Maximum yearly energy use (吨标准煤).
    pub max_energy_tce: Option<f64>,
}

/// What an entry does.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Rule {
    /// 禁止: no such project is admitted.
    Banned,
    /// 限制: admitted only when the conditions are met.
    Restricted(Conditions),
}

/// One entry of a list.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The industry it covers.
    pub code: ListCode,
    /// What it does.
    pub rule: Rule,
    /// Its basis, e.g. 驻马店市“亩均论英雄”改革行动方案 三(四).
    pub basis: String,
}

/// A proposed project.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Proposal {
    /// Its industry.
    pub industry: IndustryCode,
    /// Fixed-asset investment (万元).
    pub investment: f64,
    /// Land (亩).
    pub land_mu: f64,
    /// Expected yearly tax at full production (万元).
    pub expected_tax: f64,
    /// Expected yearly energy use (吨标准煤).
    pub energy_tce: f64,
}

/// The review's outcome.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    /// Admitted: no entry covers the industry and the 标准地 minimums are met.
    Pass,
    /// Admitted under the restriction's conditions (listed), which the project meets.
    Conditional(Vec<String>),
    /// Refused, with the reasons.
    Refused(Vec<String>),
}

fn check(c: &Conditions, p: &Proposal, what: &str, failures: &mut Vec<String>, kept: &mut Vec<String>) {
    let intensity = p.investment / p.land_mu;
    let tax = p.expected_tax / p.land_mu;
    if let Some(min) = c.min_investment_per_mu {
        if intensity < min {
            failures.push(format!(
                "{what}要求投资强度不低于 {min} 万元/亩，项目为 {intensity:.2} 万元/亩"
            ));
        } else {
            kept.push(format!("投资强度不低于 {min} 万元/亩"));
        }
    }
    if let Some(min) = c.min_tax_per_mu {
        if tax < min {
            failures.push(format!(
                "{what}要求亩均税收不低于 {min} 万元/亩，项目预计 {tax:.2} 万元/亩"
            ));
        } else {
            kept.push(format!("亩均税收不低于 {min} 万元/亩"));
        }
    }
    if let Some(max) = c.max_energy_tce {
        if p.energy_tce > max {
            failures.push(format!(
                "{what}要求年综合能耗不超过 {max} 吨标准煤，项目预计 {} 吨标准煤",
                p.energy_tce
            ));
        } else {
            kept.push(format!("年综合能耗不超过 {max} 吨标准煤"));
        }
    }
}

/// Reviews `p` against a cluster's `list` and its 标准地 `standard` minimums. The most
/// specific entry covering the industry decides; of two equally specific ones, a ban wins.
pub fn review(list: &[Entry], standard: &Conditions, p: &Proposal) -> Result<Verdict, LandError> {
    if p.land_mu <= 0.0 || !p.land_mu.is_finite() {
        return Err(LandError::NotPositive("项目用地面积"));
    }
    if p.investment < 0.0 || p.expected_tax < 0.0 || p.energy_tce < 0.0 {
        return Err(LandError::NotPositive("投资额、预计税收和能耗"));
    }
    let decisive = list
        .iter()
        .filter(|e| e.code.covers(p.industry))
        .max_by_key(|e| (e.code.level(), matches!(e.rule, Rule::Banned)));
    let mut failures = Vec::new();
    let mut kept = Vec::new();
    match decisive {
        Some(
            e @ Entry {
                rule: Rule::Banned, ..
            },
        ) => {
            failures.push(format!(
                "行业 {} 属于负面清单禁止类（{}，依据：{}）",
                p.industry, e.code, e.basis
            ));
        }
        Some(
            e @ Entry {
                rule: Rule::Restricted(c),
                ..
            },
        ) => {
            let what = format!("负面清单限制类（{}，依据：{}）", e.code, e.basis);
            check(c, p, &what, &mut failures, &mut kept);
        }
        None => {}
    }
    let restricted = !kept.is_empty() || matches!(decisive.map(|e| e.rule), Some(Rule::Restricted(_)));
    check(standard, p, "标准地控制指标", &mut failures, &mut Vec::new());
    Ok(if !failures.is_empty() {
        Verdict::Refused(failures)
    } else if restricted {
        Verdict::Conditional(kept)
    } else {
        Verdict::Pass
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> IndustryCode {
        IndustryCode::parse(s).unwrap()
    }

    fn entry(c: &str, rule: Rule) -> Entry {
        Entry {
            code: ListCode::parse(c).unwrap(),
            rule,
            basis: "示例清单".into(),
        }
    }

    fn proposal(industry: &str) -> Proposal {
        Proposal {
            industry: code(industry),
            investment: 30_000.0,
            land_mu: 100.0,
            expected_tax: 1_500.0,
            energy_tce: 5_000.0,
        }
    }

    #[test]
    fn codes_at_every_level_cover_their_descendants() {
        assert!(ListCode::parse("C").unwrap().covers(code("2614")));
        assert!(ListCode::parse("26").unwrap().covers(code("2614")));
        assert!(ListCode::parse("261").unwrap().covers(code("2614")));
        assert!(!ListCode::parse("262").unwrap().covers(code("2614")));
        assert!(!ListCode::parse("D").unwrap().covers(code("2614")));
        assert_eq!(ListCode::parse("c26").unwrap(), ListCode::Digits("26".into()));
        for bad in ["", "2", "26145", "D26", "Z", "99x"] {
            assert!(ListCode::parse(bad).is_err(), "{bad}");
        }
        assert!(ListCode::parse("D26").unwrap_err().to_string().contains("D26"));
    }

    #[test]
    fn the_most_specific_code_wins() {
        // Chemicals (26) banned, but 2614 (有机化学原料) restricted: a 2614 project is judged by
        // the restriction, a 2619 project by the ban.
        let list = vec![
            entry("26", Rule::Banned),
            entry(
                "2614",
                Rule::Restricted(Conditions {
                    min_investment_per_mu: Some(300.0),
                    ..Conditions::default()
                }),
            ),
        ];
        let none = Conditions::default();
        assert_eq!(
            review(&list, &none, &proposal("2614")).unwrap(),
            Verdict::Conditional(vec!["投资强度不低于 300 万元/亩".into()])
        );
        let refused = review(&list, &none, &proposal("2619")).unwrap();
        assert!(
            matches!(&refused, Verdict::Refused(r) if r[0].contains("禁止类（26")),
            "{refused:?}"
        );
        // Below the restriction's minimum: refused with the figures.
        let small = Proposal {
            investment: 29_999.0,
            ..proposal("2614")
        };
        let r = review(&list, &none, &small).unwrap();
        assert!(
            matches!(&r, Verdict::Refused(v) if v[0].contains("299.99 万元/亩")),
            "{r:?}"
        );
        // Of two entries on the same code, the ban wins.
        let both = vec![
            entry("3511", Rule::Restricted(Conditions::default())),
            entry("3511", Rule::Banned),
        ];
        assert!(matches!(
            review(&both, &none, &proposal("3511")).unwrap(),
            Verdict::Refused(_)
        ));
        // Not on the list: admitted.
        assert_eq!(review(&list, &none, &proposal("3511")).unwrap(), Verdict::Pass);
    }

    #[test]
    fn the_standard_land_minimums_apply_to_every_project() {
        let standard = Conditions {
            min_investment_per_mu: Some(250.0),
            min_tax_per_mu: Some(15.0),
            max_energy_tce: None,
        };
        // 300 万元/亩 and exactly 15 万元/亩: admitted.
        assert_eq!(review(&[], &standard, &proposal("3511")).unwrap(), Verdict::Pass);
        let weak = Proposal {
            expected_tax: 1_499.0,
            ..proposal("3511")
        };
        let r = review(&[], &standard, &weak).unwrap();
        assert!(
            matches!(&r, Verdict::Refused(v) if v[0].contains("标准地") && v[0].contains("14.99")),
            "{r:?}"
        );
        let nowhere = Proposal {
            land_mu: 0.0,
            ..proposal("3511")
        };
        assert!(review(&[], &standard, &nowhere).is_err());
    }
}
