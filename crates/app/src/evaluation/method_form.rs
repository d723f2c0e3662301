//! A method file as a form (issue 12: forms, not code): its name, the bonus points, and per
//! evaluation group the indicators' weights (which must add up to 100), the cap and floor of the
//! score ratio and the class shares — read from the TOML and written back into it, the rest of
//! the file (benchmarks, selectors, policies for missing values …) kept as it is. The result is
//! validated by the engine exactly like a hand-edited file; the raw TOML stays the advanced view.

use mujun_engine::Method;
use toml::{Table, Value};

/// One editable number: its form name, label and current text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumberField {
    /// Form field name (unique in the form).
    pub name: String,
    /// Label with unit.
    pub label: String,
    /// The value as text.
    pub value: String,
}

/// One evaluation group of the form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupForm {
    /// Its name (规上, 规下, or the file's id).
    pub label: String,
    /// Indicator weights (%).
    pub weights: Vec<NumberField>,
    /// Cap and floor of the score ratio, and the class shares (%).
    pub settings: Vec<NumberField>,
}

/// A method file as a form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MethodForm {
    /// The method's name.
    pub name: String,
    /// The method's file id (a new id makes it the city's own method).
    pub id: String,
    /// Bonus cap and points.
    pub bonus: Vec<NumberField>,
    /// The groups.
    pub groups: Vec<GroupForm>,
}

fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::Float(f)) => {
            let s = format!("{f}");
            s.strip_suffix(".0").map_or(s.clone(), str::to_owned)
        }
        Some(Value::Integer(i)) => i.to_string(),
        _ => String::new(),
    }
}

fn pct(v: Option<&Value>) -> String {
    let x = match v {
        Some(Value::Float(f)) => *f,
        Some(Value::Integer(i)) => *i as f64,
        _ => return String::new(),
    };
    let s = format!("{}", (x * 100.0 * 1e6).round() / 1e6);
    s.strip_suffix(".0").map_or(s.clone(), str::to_owned)
}

const SHARES: [(&str, &str); 3] = [
    ("top_share", "上半区比例（%）"),
    ("a_share", "A 类名额比例（%）"),
    ("c_share", "C 类名额比例（%）"),
];

fn group_label(g: &Table) -> String {
    super::format::group_label(g.get("id").and_then(Value::as_str).unwrap_or(""))
}

/// The form of a method file.
pub fn method_form(source: &str) -> Result<MethodForm, String> {
    let doc: Table = toml::from_str(source).map_err(|e| format!("方法文件格式错误：{}", e.message()))?;
    let mut bonus = vec![NumberField {
        name: "max_bonus".into(),
        label: "加分上限（分）".into(),
        value: text(doc.get("max_bonus")),
    }];
    if let Some(points) = doc.get("bonus_points").and_then(Value::as_table) {
        for (item, v) in points {
            bonus.push(NumberField {
                name: format!("bonus.{item}"),
                label: format!("{}（分）", mujun_domain::items::item_label(item).unwrap_or(item)),
                value: text(Some(v)),
            });
        }
    }
    let mut groups = Vec::new();
    for (gi, g) in doc
        .get("groups")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_table)
        .enumerate()
    {
        let weights = g
            .get("indicators")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_table)
            .filter_map(|i| {
                let id = i.get("id").and_then(Value::as_str)?;
                let label = super::results::indicator_label(id);
                Some(NumberField {
                    name: format!("g{gi}.w.{id}"),
                    label: format!("{}权重（%）", if label.is_empty() { id } else { label }),
                    value: text(i.get("weight")),
                })
            })
            .collect();
        let mut settings = vec![
            NumberField {
                name: format!("g{gi}.cap"),
                label: "得分比值上限（倍）".into(),
                value: text(g.get("cap")),
            },
            NumberField {
                name: format!("g{gi}.floor"),
                label: "得分比值下限（倍）".into(),
                value: text(g.get("floor")),
            },
        ];
        if let Some(c) = g.get("classification").and_then(Value::as_table) {
            for (key, label) in SHARES {
                if c.contains_key(key) {
                    settings.push(NumberField {
                        name: format!("g{gi}.{key}"),
                        label: label.into(),
                        value: pct(c.get(key)),
                    });
                }
            }
            if let Some(shares) = c.get("shares").and_then(Value::as_table) {
                for (class, v) in shares {
                    settings.push(NumberField {
                        name: format!("g{gi}.shares.{class}"),
                        label: format!("{class} 类比例（%）"),
                        value: pct(Some(v)),
                    });
                }
            }
        }
        groups.push(GroupForm {
            label: group_label(g),
            weights,
            settings,
        });
    }
    Ok(MethodForm {
        name: doc.get("name").and_then(Value::as_str).unwrap_or("").to_owned(),
        id: doc.get("id").and_then(Value::as_str).unwrap_or("").to_owned(),
        bonus,
        groups,
    })
}

fn number(
    get: &dyn Fn(&str) -> Option<String>,
    name: &str,
    label: &str,
    problems: &mut Vec<String>,
) -> Option<f64> {
    let t = get(name)?;
    let t = t.trim();
    if t.is_empty() {
        return None;
    }
    match mujun_domain::number::parse_number(t) {
        Ok(Some(x)) if x.is_finite() => Some(x),
        _ => {
            problems.push(format!("“{label}”的值“{t}”不是数字"));
            None
        }
    }
}

/// The method file `source` with the form's values (`get` gives a field's text; a field not
/// sent keeps the file's value), checked: weights add up to 100 in every group, shares between
/// 0 and 100, and the engine accepts the file. Every problem in words.
pub fn apply_form(source: &str, get: &dyn Fn(&str) -> Option<String>) -> Result<String, Vec<String>> {
    let form = method_form(source).map_err(|e| vec![e])?;
    let mut doc: Table = toml::from_str(source).map_err(|e| vec![e.to_string()])?;
    let mut problems = Vec::new();
    for key in ["name", "id"] {
        if let Some(v) = get(key).map(|v| v.trim().to_owned()) {
            if v.is_empty() {
                problems.push(format!(
                    "“{}”不能为空",
                    if key == "name" {
                        "方法名称"
                    } else {
                        "方法编号"
                    }
                ));
            } else {
                doc.insert(key.into(), Value::String(v));
            }
        }
    }
    for f in &form.bonus {
        if let Some(x) = number(get, &f.name, &f.label, &mut problems) {
            if x < 0.0 {
                problems.push(format!("“{}”不能为负", f.label));
            }
            match f.name.strip_prefix("bonus.") {
                Some(item) => {
                    if let Some(t) = doc.get_mut("bonus_points").and_then(Value::as_table_mut) {
                        t.insert(item.into(), Value::Float(x));
                    }
                }
                None => {
                    doc.insert("max_bonus".into(), Value::Float(x));
                }
            }
        }
    }
    let groups = doc.get_mut("groups").and_then(Value::as_array_mut);
    if let Some(groups) = groups {
        for (gi, (g, gf)) in groups.iter_mut().zip(&form.groups).enumerate() {
            let Some(g) = g.as_table_mut() else { continue };
            let mut total = 0.0;
            if let Some(indicators) = g.get_mut("indicators").and_then(Value::as_array_mut) {
                for (ind, wf) in indicators
                    .iter_mut()
                    .filter_map(Value::as_table_mut)
                    .zip(&gf.weights)
                {
                    let w = number(get, &wf.name, &wf.label, &mut problems)
                        .or_else(|| {
                            ind.get("weight")
                                .and_then(|v| v.as_float().or(v.as_integer().map(|i| i as f64)))
                        })
                        .unwrap_or(0.0);
                    if w < 0.0 {
                        problems.push(format!("{}：“{}”不能为负", gf.label, wf.label));
                    }
                    total += w;
                    ind.insert("weight".into(), Value::Float(w));
                }
            }
            if (total - 100.0).abs() > 1e-9 && !gf.weights.is_empty() {
                problems.push(format!(
                    "{}组的指标权重合计为 {}，应为 100",
                    gf.label,
                    (total * 1e6).round() / 1e6
                ));
            }
            for key in ["cap", "floor"] {
                let label = if key == "cap" {
                    "得分比值上限（倍）"
                } else {
                    "得分比值下限（倍）"
                };
                if let Some(x) = number(get, &format!("g{gi}.{key}"), label, &mut problems) {
                    g.insert(key.into(), Value::Float(x));
                }
            }
            if let Some(c) = g.get_mut("classification").and_then(Value::as_table_mut) {
                for (key, label) in SHARES {
                    if c.contains_key(key)
                        && let Some(x) = number(get, &format!("g{gi}.{key}"), label, &mut problems)
                    {
                        if !(0.0..=100.0).contains(&x) {
                            problems.push(format!("{}：“{label}”应在 0 到 100 之间", gf.label));
                        }
                        c.insert(key.into(), Value::Float(x / 100.0));
                    }
                }
                if let Some(shares) = c.get_mut("shares").and_then(Value::as_table_mut) {
                    let classes: Vec<String> = shares.keys().cloned().collect();
                    for class in classes {
                        let label = format!("{class} 类比例（%）");
                        if let Some(x) = number(get, &format!("g{gi}.shares.{class}"), &label, &mut problems)
                        {
                            shares.insert(class, Value::Float(x / 100.0));
                        }
                    }
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let out = toml::to_string(&doc).map_err(|e| vec![e.to_string()])?;
    Method::parse(&out).map_err(|e| vec![e.to_string()])?;
    Ok(out)
}

impl crate::App {
    /// Saves the method `based_on` with the form's values as a new version of the city's method
    /// (city administrator): the base file with the numbers changed, validated like any file.
    pub async fn save_method_form(
        &self,
        actor: &crate::Actor,
        based_on: &str,
        get: &(dyn Fn(&str) -> Option<String> + Sync),
    ) -> Result<String, crate::AppError> {
        // The base is read through its use case: the caller is checked first.
        let source = self.method_source(actor, based_on).await?;
        let written = apply_form(&source, get).map_err(|problems| {
            crate::AppError::Invalid(
                problems
                    .into_iter()
                    .map(|message| crate::FieldError {
                        field: "method",
                        message,
                    })
                    .collect(),
            )
        })?;
        self.save_method(actor, &written, based_on).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn henan() -> &'static str {
        mujun_engine::presets::source("henan-2019").unwrap()
    }

    fn get<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn the_form_shows_the_files_numbers_in_words() {
        let f = method_form(henan()).unwrap();
        assert_eq!(f.groups.len(), 2);
        assert_eq!(f.groups[0].label, "规上");
        let w: Vec<(&str, &str)> = f.groups[0]
            .weights
            .iter()
            .map(|x| (x.label.as_str(), x.value.as_str()))
            .collect();
        assert_eq!(w[0], ("亩均税收权重（%）", "35"));
        assert!(
            f.groups[0]
                .settings
                .iter()
                .any(|s| s.label == "A 类名额比例（%）" && s.value == "15")
        );
        assert!(
            f.bonus
                .iter()
                .any(|b| b.label == "高新技术企业（分）" && b.value == "3")
        );
    }

    #[test]
    fn moving_weight_writes_a_valid_file_and_a_wrong_sum_is_refused() {
        let moved = apply_form(
            henan(),
            &get(&[
                ("id", "nanyang-2025"),
                ("g0.w.tax_per_mu", "45"),
                ("g0.w.profit_per_mu", "5"),
                ("g0.a_share", "20"),
            ]),
        )
        .unwrap();
        let m = Method::parse(&moved).unwrap();
        assert_eq!(m.id, "nanyang-2025");
        let f = method_form(&moved).unwrap();
        assert_eq!(f.groups[0].weights[0].value, "45");
        assert!(
            f.groups[0]
                .settings
                .iter()
                .any(|s| s.label == "A 类名额比例（%）" && s.value == "20")
        );
        let wrong = apply_form(henan(), &get(&[("g0.w.tax_per_mu", "40")])).unwrap_err();
        assert!(
            wrong
                .iter()
                .any(|p| p.contains("规上组的指标权重合计为 105，应为 100")),
            "{wrong:?}"
        );
        let nan = apply_form(henan(), &get(&[("g1.cap", "两倍")])).unwrap_err();
        assert!(nan.iter().any(|p| p.contains("“两倍”不是数字")), "{nan:?}");
    }
}
