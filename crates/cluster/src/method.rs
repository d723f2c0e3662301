//! The cluster assessment method as a file the city keeps (TOML): scored indicators with weights
//! and benchmarks, star levels as absolute thresholds that must all be met, and the plan's
//! rewards and restrictions (三(五)).
//!
//! ```toml
//! name = "产业集聚区考核评价办法"
//! [[indicator]]
//! id = "tax_per_mu"
//! weight = 40
//! benchmark = 15          # full marks at or beyond the benchmark
//! [[star]]
//! level = 1
//! name = "一星级"
//! min = { revenue = 100, tax_per_mu = 5 }
//! [rewards]
//! top = 3                 # 排序靠前: commended, priority for 扩区
//! bottom = 2              # 排名靠后: no 扩区 or 升级
//! core = ["tax_per_mu"]   # 核心指标: the last `core_bottom` on any of them are restricted too
//! core_bottom = 1
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::ClusterError;
use crate::indicators::Indicator;

/// A scored indicator.
#[derive(Clone, Debug, PartialEq)]
pub struct Scored {
    /// Which.
    pub indicator: Indicator,
    /// Points at or beyond the benchmark.
    pub weight: f64,
    /// The benchmark.
    pub benchmark: f64,
}

/// A star level.
#[derive(Clone, Debug, PartialEq)]
pub struct Star {
    /// Level (1 = 一星级).
    pub level: u8,
    /// Name.
    pub name: String,
    /// Thresholds, all to be met: at least this for higher-is-better indicators, at most this
    /// for energy intensity.
    pub thresholds: Vec<(Indicator, f64)>,
}

/// Rewards and restrictions.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rewards {
    /// The first `top` are commended.
    pub top: usize,
    /// The last `bottom` get no 扩区 or 升级.
    pub bottom: usize,
    /// Core indicators.
    pub core: Vec<Indicator>,
    /// The last `core_bottom` on any core indicator are restricted too.
    pub core_bottom: usize,
}

/// A method.
#[derive(Clone, Debug, PartialEq)]
pub struct Method {
    /// Name.
    pub name: String,
    /// Scored indicators.
    pub indicators: Vec<Scored>,
    /// Star levels, lowest first.
    pub stars: Vec<Star>,
    /// Rewards.
    pub rewards: Rewards,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    id: String,
    weight: f64,
    benchmark: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStar {
    level: u8,
    name: String,
    #[serde(default)]
    min: BTreeMap<String, f64>,
    #[serde(default)]
    max: BTreeMap<String, f64>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct RawRewards {
    top: usize,
    bottom: usize,
    core: Vec<String>,
    core_bottom: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMethod {
    name: String,
    #[serde(default)]
    indicator: Vec<RawIndicator>,
    #[serde(default)]
    star: Vec<RawStar>,
    #[serde(default)]
    rewards: RawRewards,
}

fn indicator(id: &str) -> Result<Indicator, ClusterError> {
    Indicator::parse(id).ok_or_else(|| ClusterError::Method(format!("指标“{id}”不存在")))
}

impl Method {
    /// Parses and checks a method file: known indicators, positive weights and benchmarks, star
    /// levels 1, 2, … in order, each threshold on the right side of its indicator.
    pub fn parse(text: &str) -> Result<Method, ClusterError> {
        let raw: RawMethod =
            toml::from_str(text).map_err(|e| ClusterError::Method(e.message().to_owned()))?;
        let bad = |m: String| Err(ClusterError::Method(m));
        if raw.name.trim().is_empty() {
            return bad("请填写办法名称（name）".into());
        }
        if raw.indicator.is_empty() {
            return bad("至少需要一个计分指标（[[indicator]]）".into());
        }
        let mut indicators = Vec::new();
        for r in &raw.indicator {
            let i = indicator(&r.id)?;
            if indicators.iter().any(|s: &Scored| s.indicator == i) {
                return bad(format!("指标“{}”重复", i.label()));
            }
            if !(r.weight.is_finite() && r.weight > 0.0) {
                return bad(format!("指标“{}”的权重应大于 0", i.label()));
            }
            if !(r.benchmark.is_finite() && r.benchmark > 0.0) {
                return bad(format!("指标“{}”的标杆值应大于 0", i.label()));
            }
            indicators.push(Scored {
                indicator: i,
                weight: r.weight,
                benchmark: r.benchmark,
            });
        }
        let mut stars = Vec::new();
        for (k, s) in raw.star.iter().enumerate() {
            if usize::from(s.level) != k + 1 {
                return bad(format!("星级应从 1 起依次排列，第 {} 个为 {}", k + 1, s.level));
            }
            let mut thresholds = Vec::new();
            for (side, map) in [(true, &s.min), (false, &s.max)] {
                for (id, v) in map {
                    let i = indicator(id)?;
                    if i.higher_is_better() != side {
                        return bad(format!(
                            "{}：“{}”应写在 {} 中",
                            s.name,
                            i.label(),
                            if i.higher_is_better() { "min" } else { "max" }
                        ));
                    }
                    if !v.is_finite() {
                        return bad(format!("{}：“{}”的门槛无效", s.name, i.label()));
                    }
                    thresholds.push((i, *v));
                }
            }
            if thresholds.is_empty() {
                return bad(format!("{}没有门槛指标", s.name));
            }
            stars.push(Star {
                level: s.level,
                name: s.name.clone(),
                thresholds,
            });
        }
        let core = raw
            .rewards
            .core
            .iter()
            .map(|id| indicator(id))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Method {
            name: raw.name.trim().to_owned(),
            indicators,
            stars,
            rewards: Rewards {
                top: raw.rewards.top,
                bottom: raw.rewards.bottom,
                core,
                core_bottom: raw.rewards.core_bottom,
            },
        })
    }

    /// The sum of the weights (full marks).
    pub fn full_marks(&self) -> f64 {
        self.indicators.iter().map(|s| s.weight).sum()
    }
}

/// The example method the demo and a new city start from. Weights and star thresholds are an
/// assumption to change (the province's were not found; plan-mechanisms §4.1): absolute
/// thresholds on scale and efficiency, all to be met.
pub const EXAMPLE: &str = r#"name = "产业集聚区考核评价办法（示例，请按本市文件修改）"

[[indicator]]
id = "tax_per_mu"
weight = 30
benchmark = 15

[[indicator]]
id = "revenue"
weight = 20
benchmark = 300

[[indicator]]
id = "energy_decline"
weight = 15
benchmark = 2.5

[[indicator]]
id = "retrofit_rate"
weight = 15
benchmark = 60

[[indicator]]
id = "rd_coverage"
weight = 10
benchmark = 80

[[indicator]]
id = "tech_share"
weight = 10
benchmark = 25

[[star]]
level = 1
name = "一星级"
min = { revenue = 50, tax_per_mu = 3 }

[[star]]
level = 2
name = "二星级"
min = { revenue = 100, tax_per_mu = 5 }

[[star]]
level = 3
name = "三星级"
min = { revenue = 300, tax_per_mu = 8, retrofit_rate = 40 }

[[star]]
level = 4
name = "四星级"
min = { revenue = 500, tax_per_mu = 12, retrofit_rate = 50 }

[[star]]
level = 5
name = "五星级"
min = { revenue = 1000, tax_per_mu = 15, retrofit_rate = 60 }

[rewards]
top = 3
bottom = 2
core = ["tax_per_mu"]
core_bottom = 1
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_parses() {
        let m = Method::parse(EXAMPLE).unwrap();
        assert_eq!(m.full_marks(), 100.0);
        assert_eq!(m.stars.len(), 5);
        assert_eq!(m.rewards.core, [Indicator::TaxPerMu]);
    }

    #[test]
    fn mistakes_are_named() {
        let e = |t: &str| Method::parse(t).unwrap_err().to_string();
        assert!(
            e("name = \"x\"\n[[indicator]]\nid = \"profit\"\nweight = 1\nbenchmark = 1\n")
                .contains("指标“profit”不存在")
        );
        assert!(
            e("name = \"x\"\n[[indicator]]\nid = \"revenue\"\nweight = 0\nbenchmark = 1\n")
                .contains("权重应大于 0")
        );
        let star = "name = \"x\"\n[[indicator]]\nid = \"revenue\"\nweight = 1\nbenchmark = 1\n[[star]]\nlevel = 2\nname = \"二星级\"\nmin = { revenue = 1 }\n";
        assert!(e(star).contains("星级应从 1 起依次排列"));
        let side = "name = \"x\"\n[[indicator]]\nid = \"revenue\"\nweight = 1\nbenchmark = 1\n[[star]]\nlevel = 1\nname = \"一星级\"\nmin = { energy_intensity = 1 }\n";
        assert!(e(side).contains("应写在 max 中"));
        assert!(e("name = \"x\"\nextra = 1\n").contains("extra"));
    }
}
