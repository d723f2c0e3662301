//! A measure's parameters as an official fills them in and reads them (issue 12: forms, not
//! JSON): each kind's labelled fields with their units, turned into the stored parameters
//! (checked by [`MeasureKind::from_stored`]) and back, and a sentence describing them.

use serde_json::json;

use super::format::number;
use super::policies::{MeasureKind, WaterTier};

/// The kinds of measure: id and Chinese name.
pub const KINDS: [(&str, &str); 7] = [
    ("electricity_surcharge", "差别电价"),
    ("water_surcharge", "超定额累进加价（用水）"),
    ("land_supply", "用地保障"),
    ("energy_quota", "用能指标"),
    ("emission_quota", "排污指标"),
    ("funds", "财政资金与融资支持"),
    ("tech_support", "技改支持"),
];

/// The Chinese name of a kind of measure.
pub fn kind_label(kind: &str) -> &str {
    KINDS.iter().find(|(k, _)| *k == kind).map_or(kind, |(_, l)| l)
}

/// The levels of the level-kinds: (stored, Chinese).
pub fn levels(kind: &str) -> &'static [(&'static str, &'static str)] {
    match kind {
        "land_supply" => &[
            ("priority", "优先安排用地"),
            ("normal", "正常安排"),
            ("none", "不安排新增用地"),
        ],
        _ => &[
            ("priority", "优先支持"),
            ("normal", "正常支持"),
            ("excluded", "不予支持"),
        ],
    }
}

/// A field of a kind's form: its name (unique across kinds), label with unit, and hint.
pub struct ParamField {
    /// The kind it belongs to.
    pub kind: &'static str,
    /// Form name.
    pub name: &'static str,
    /// Label, with the unit.
    pub label: &'static str,
    /// How to fill it in.
    pub hint: &'static str,
}

/// Every kind's fields (a level kind's one field is a choice of [`levels`]).
pub const FIELDS: [ParamField; 8] = [
    ParamField {
        kind: "electricity_surcharge",
        name: "per_kwh",
        label: "各年加价（元/千瓦时）",
        hint: "按连续处于该类别的年数依次填写，用逗号或顿号分隔，如 0.05、0.10、0.15；超过的年数按最后一档",
    },
    ParamField {
        kind: "water_surcharge",
        name: "water_quota",
        label: "万元产值取水量定额（立方米/万元）",
        hint: "定额 = 工业总产值 × 本定额",
    },
    ParamField {
        kind: "water_surcharge",
        name: "water_tiers",
        label: "分档加价（元/立方米）",
        hint: "每档写“超定额比例上限%=加价”，用逗号分隔，最后一档只写加价，如 20%=0.5，40%=1.0，2.0",
    },
    ParamField {
        kind: "land_supply",
        name: "land_level",
        label: "用地安排",
        hint: "",
    },
    ParamField {
        kind: "energy_quota",
        name: "energy_pct",
        label: "用能指标调整（%）",
        hint: "负数为压减，如 -10",
    },
    ParamField {
        kind: "emission_quota",
        name: "emission_pct",
        label: "排污指标调整（%）",
        hint: "负数为压减，如 -10",
    },
    ParamField {
        kind: "funds",
        name: "funds_level",
        label: "财政资金与融资支持",
        hint: "",
    },
    ParamField {
        kind: "tech_support",
        name: "tech_level",
        label: "技改支持",
        hint: "",
    },
];

fn numbers(text: &str, what: &str) -> Result<Vec<f64>, String> {
    text.split(['、', ',', '，', ' ', ';', '；'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            mujun_domain::number::parse_number(t)
                .ok()
                .flatten()
                .ok_or_else(|| format!("{what}中的“{t}”不是数字"))
        })
        .collect()
}

fn one_number(text: &str, what: &str) -> Result<f64, String> {
    match numbers(text, what)?.as_slice() {
        [x] => Ok(*x),
        _ => Err(format!("请填写{what}（一个数字）")),
    }
}

/// The stored parameters of `kind` from its form's fields (`get` gives a field's text), checked
/// as the measure will be applied. Errors are in words, naming the field.
pub fn params_from_fields(kind: &str, get: &dyn Fn(&str) -> String) -> Result<String, String> {
    let value = match kind {
        "electricity_surcharge" => json!({ "per_kwh": numbers(&get("per_kwh"), "各年加价")? }),
        "water_surcharge" => {
            let mut tiers = Vec::new();
            for part in get("water_tiers")
                .split([',', '，', '、', ';', '；'])
                .map(str::trim)
                .filter(|p| !p.is_empty())
            {
                let tier = match part.split_once('=') {
                    Some((bound, rate)) => WaterTier {
                        up_to_pct: Some(one_number(
                            bound.trim().trim_end_matches(['%', '％']),
                            "分档的比例上限",
                        )?),
                        per_m3: one_number(rate, "分档加价")?,
                    },
                    None => WaterTier {
                        up_to_pct: None,
                        per_m3: one_number(part, "分档加价")?,
                    },
                };
                tiers.push(tier);
            }
            json!({ "quota_m3_per_wan_yuan": one_number(&get("water_quota"), "取水量定额")?, "tiers": tiers })
        }
        "land_supply" => json!({ "level": get("land_level").trim() }),
        "funds" => json!({ "level": get("funds_level").trim() }),
        "tech_support" => json!({ "level": get("tech_level").trim() }),
        "energy_quota" => json!({ "change_pct": one_number(&get("energy_pct"), "用能指标调整")? }),
        "emission_quota" => json!({ "change_pct": one_number(&get("emission_pct"), "排污指标调整")? }),
        other => return Err(format!("措施类型“{other}”无效")),
    };
    let text = value.to_string();
    MeasureKind::from_stored(kind, &text)?;
    Ok(text)
}

fn plain(x: f64) -> String {
    let s = format!("{x}");
    s.strip_suffix(".0").map_or(s.clone(), str::to_owned)
}

/// The form's fields of stored parameters (for editing a measure): `(field name, text)`.
pub fn fields_from_params(kind: &str, params: &str) -> Vec<(&'static str, String)> {
    let Ok(k) = MeasureKind::from_stored(kind, params) else {
        return Vec::new();
    };
    match k {
        MeasureKind::ElectricitySurcharge { per_kwh } => {
            vec![(
                "per_kwh",
                per_kwh.iter().map(|x| plain(*x)).collect::<Vec<_>>().join("、"),
            )]
        }
        MeasureKind::WaterSurcharge {
            quota_m3_per_wan_yuan,
            tiers,
        } => vec![
            ("water_quota", plain(quota_m3_per_wan_yuan)),
            (
                "water_tiers",
                tiers
                    .iter()
                    .map(|t| match t.up_to_pct {
                        Some(b) => format!("{}%={}", plain(b), plain(t.per_m3)),
                        None => plain(t.per_m3),
                    })
                    .collect::<Vec<_>>()
                    .join("，"),
            ),
        ],
        MeasureKind::LandSupply { level } => vec![("land_level", level)],
        MeasureKind::Funds { level } => vec![("funds_level", level)],
        MeasureKind::TechSupport { level } => vec![("tech_level", level)],
        MeasureKind::EnergyQuota { change_pct } => vec![("energy_pct", plain(change_pct))],
        MeasureKind::EmissionQuota { change_pct } => vec![("emission_pct", plain(change_pct))],
    }
}

/// A measure's parameters in a sentence.
pub fn describe(kind: &str, params: &str) -> String {
    let Ok(k) = MeasureKind::from_stored(kind, params) else {
        return "参数有误，请重新编辑".to_owned();
    };
    let level = |l: &str| {
        levels(kind)
            .iter()
            .find(|(s, _)| *s == l)
            .map_or_else(|| l.to_owned(), |(_, c)| (*c).to_owned())
    };
    match k {
        MeasureKind::ElectricitySurcharge { per_kwh } => {
            let n = per_kwh.len();
            let steps: Vec<String> = per_kwh
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    if i + 1 == n && n > 1 {
                        format!("第 {} 年起 {} 元/千瓦时", i + 1, number(*r, 2))
                    } else {
                        format!("第 {} 年 {} 元/千瓦时", i + 1, number(*r, 2))
                    }
                })
                .collect();
            format!("按连续年数加价：{}", steps.join("，"))
        }
        MeasureKind::WaterSurcharge {
            quota_m3_per_wan_yuan,
            tiers,
        } => {
            let mut from = 0.0;
            let steps: Vec<String> = tiers
                .iter()
                .map(|t| {
                    let s = match t.up_to_pct {
                        Some(b) => format!(
                            "超定额 {}%–{}% 加价 {} 元/立方米",
                            plain(from),
                            plain(b),
                            number(t.per_m3, 2)
                        ),
                        None => format!(
                            "超定额 {}% 以上加价 {} 元/立方米",
                            plain(from),
                            number(t.per_m3, 2)
                        ),
                    };
                    from = t.up_to_pct.unwrap_or(from);
                    s
                })
                .collect();
            format!(
                "定额 {} 立方米/万元产值；{}",
                number(quota_m3_per_wan_yuan, 2),
                steps.join("，")
            )
        }
        MeasureKind::LandSupply { level: l }
        | MeasureKind::Funds { level: l }
        | MeasureKind::TechSupport { level: l } => level(&l),
        MeasureKind::EnergyQuota { change_pct } => format!("用能指标调整 {}%", plain(change_pct)),
        MeasureKind::EmissionQuota { change_pct } => format!("排污指标调整 {}%", plain(change_pct)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&'static str, &'static str)]) -> impl Fn(&str) -> String {
        let pairs = pairs.to_vec();
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map_or_else(String::new, |(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn fields_make_the_stored_parameters_and_back() {
        let p =
            params_from_fields("electricity_surcharge", &form(&[("per_kwh", "0.05、0.1，0.15")])).unwrap();
        assert_eq!(p, r#"{"per_kwh":[0.05,0.1,0.15]}"#);
        assert_eq!(
            fields_from_params("electricity_surcharge", &p),
            vec![("per_kwh", "0.05、0.1、0.15".to_owned())]
        );
        assert_eq!(
            describe("electricity_surcharge", &p),
            "按连续年数加价：第 1 年 0.05 元/千瓦时，第 2 年 0.10 元/千瓦时，第 3 年起 0.15 元/千瓦时"
        );
        let w = params_from_fields(
            "water_surcharge",
            &form(&[("water_quota", "8"), ("water_tiers", "20%=0.5，40%=1，2")]),
        )
        .unwrap();
        assert_eq!(
            fields_from_params("water_surcharge", &w)[1].1,
            "20%=0.5，40%=1，2"
        );
        assert!(describe("water_surcharge", &w).contains("超定额 20%–40% 加价 1.00 元/立方米"));
        let l = params_from_fields("land_supply", &form(&[("land_level", "none")])).unwrap();
        assert_eq!(describe("land_supply", &l), "不安排新增用地");
        assert_eq!(
            describe("energy_quota", r#"{"change_pct":-10}"#),
            "用能指标调整 -10%"
        );
    }

    #[test]
    fn a_wrong_field_is_named() {
        let e = params_from_fields("electricity_surcharge", &form(&[("per_kwh", "0.05、五分")])).unwrap_err();
        assert!(e.contains("“五分”不是数字"), "{e}");
        let e = params_from_fields("electricity_surcharge", &form(&[])).unwrap_err();
        assert!(e.contains("至少一档"), "{e}");
        let e = params_from_fields("energy_quota", &form(&[("energy_pct", "")])).unwrap_err();
        assert!(e.contains("用能指标调整"), "{e}");
        let e = params_from_fields("land_supply", &form(&[("land_level", "always")])).unwrap_err();
        assert!(e.contains("无效"), "{e}");
    }
}
