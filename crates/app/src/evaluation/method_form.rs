//! A method file as a form (issue 12: forms, not code): its name, the bonus points, and per
//! evaluation group every indicator the engine knows with its weight (the weights must add up
//! to 100; a weight added to an unused indicator adds it, a weight of 0 removes one) and an
//! optional fixed benchmark, the cap and floor of the score ratio and the class shares — read
//! from the TOML and written back into it, the rest of the file (selectors, policies for
//! missing values …) kept as it is. The result is
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

/// One indicator of a group's form: used by the group or not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndicatorRow {
    /// Its name, e.g. 亩均税收.
    pub label: String,
    /// Its unit, e.g. 万元/亩.
    pub unit: String,
    /// Whether the file's group uses it.
    pub used: bool,
    /// Its weight (%); empty when unused.
    pub weight: NumberField,
    /// A fixed benchmark in the indicator's unit; empty: the group's rule (the pool's mean …).
    pub benchmark: NumberField,
}

/// One evaluation group of the form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupForm {
    /// Its name (规上, 规下, or the file's id).
    pub label: String,
    /// The group's indicators (in the file's order), then the others the engine knows.
    pub indicators: Vec<IndicatorRow>,
    /// How the group sets benchmarks not fixed here, in words.
    pub benchmark_rule: String,
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
        let entries: Vec<&Table> = g
            .get("indicators")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_table)
            .collect();
        let used: Vec<&str> = entries
            .iter()
            .filter_map(|i| i.get("id").and_then(Value::as_str))
            .collect();
        let others = mujun_domain::IndicatorId::ALL
            .iter()
            .map(|i| i.id())
            .filter(|id| !used.contains(id));
        let indicators = used
            .iter()
            .copied()
            .chain(others)
            .map(|id| {
                let entry = entries
                    .iter()
                    .find(|i| i.get("id").and_then(Value::as_str) == Some(id));
                let label = super::results::indicator_label(id);
                let label = if label.is_empty() { id } else { label };
                let fixed = entry
                    .and_then(|i| i.get("benchmark"))
                    .and_then(Value::as_table)
                    .and_then(|b| b.get("fixed"));
                IndicatorRow {
                    label: label.to_owned(),
                    unit: super::results::indicator_unit(id).to_owned(),
                    used: entry.is_some(),
                    weight: NumberField {
                        name: format!("g{gi}.w.{id}"),
                        label: format!("{label}权重（%）"),
                        value: text(entry.and_then(|i| i.get("weight"))),
                    },
                    benchmark: NumberField {
                        name: format!("g{gi}.b.{id}"),
                        label: format!("{label}固定基准值"),
                        value: text(fixed),
                    },
                }
            })
            .collect();
        let benchmark_rule = match g.get("benchmark") {
            Some(Value::Table(t)) if t.contains_key("pool_mean_times") => {
                format!("排名池平均值的 {} 倍", text(t.get("pool_mean_times")))
            }
            Some(Value::Table(t)) if t.contains_key("fixed") => format!("固定值 {}", text(t.get("fixed"))),
            _ => "排名池平均值".to_owned(),
        };
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
            indicators,
            benchmark_rule,
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
            let mut kept: Vec<Value> = Vec::new();
            let entries: Vec<Table> = g
                .get("indicators")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_table)
                .cloned()
                .collect();
            for row in &gf.indicators {
                let id = row.weight.name.rsplit('.').next().unwrap_or("");
                let mut entry = entries
                    .iter()
                    .find(|i| i.get("id").and_then(Value::as_str) == Some(id))
                    .cloned();
                let sent = number(get, &row.weight.name, &row.weight.label, &mut problems);
                let w = match (&entry, sent) {
                    // A weight of 0 removes an indicator; an unused one with none stays unused.
                    (_, Some(0.0)) => continue,
                    (_, Some(w)) => w,
                    (Some(e), None) => e
                        .get("weight")
                        .and_then(|v| v.as_float().or(v.as_integer().map(|i| i as f64)))
                        .unwrap_or(0.0),
                    (None, None) => continue,
                };
                if w < 0.0 {
                    problems.push(format!("{}：“{}”不能为负", gf.label, row.weight.label));
                }
                total += w;
                let e = entry.get_or_insert_with(|| {
                    let mut t = Table::new();
                    t.insert("id".into(), Value::String(id.to_owned()));
                    t
                });
                e.insert("weight".into(), Value::Float(w));
                match get(&row.benchmark.name).map(|t| t.trim().to_owned()) {
                    Some(t) if t.is_empty() => {
                        e.remove("benchmark");
                    }
                    Some(_) => {
                        if let Some(b) = number(get, &row.benchmark.name, &row.benchmark.label, &mut problems)
                        {
                            if b <= 0.0 {
                                problems.push(format!("{}：“{}”应大于 0", gf.label, row.benchmark.label));
                            }
                            let mut fixed = Table::new();
                            fixed.insert("fixed".into(), Value::Float(b));
                            e.insert("benchmark".into(), Value::Table(fixed));
                        }
                    }
                    None => {}
                }
                kept.push(Value::Table(e.clone()));
            }
            if kept.is_empty() {
                problems.push(format!("{}组至少要有一个指标", gf.label));
            } else if (total - 100.0).abs() > 1e-9 {
                problems.push(format!(
                    "{}组的指标权重合计为 {}，应为 100",
                    gf.label,
                    (total * 1e6).round() / 1e6
                ));
            }
            g.insert("indicators".into(), Value::Array(kept));
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
            .indicators
            .iter()
            .map(|x| (x.weight.label.as_str(), x.weight.value.as_str()))
            .collect();
        assert_eq!(w[0], ("亩均税收权重（%）", "35"));
        // Every indicator the engine knows, the unused ones empty.
        assert_eq!(w.len(), mujun_domain::IndicatorId::ALL.len());
        assert!(w.contains(&("亩均增加值权重（%）", "")));
        assert_eq!(f.groups[0].benchmark_rule, "排名池平均值");
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
        assert_eq!(f.groups[0].indicators[0].weight.value, "45");
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
        let none = apply_form(henan(), &get(&[("g1.w.tax_per_mu", "0")])).unwrap_err();
        assert!(
            none.iter().any(|p| p.contains("规下组至少要有一个指标")),
            "{none:?}"
        );
        let nan = apply_form(henan(), &get(&[("g1.cap", "两倍")])).unwrap_err();
        assert!(nan.iter().any(|p| p.contains("“两倍”不是数字")), "{nan:?}");
    }

    #[test]
    fn an_indicator_is_added_removed_and_given_a_fixed_benchmark() {
        // 规下: 亩均税收 70 with a fixed benchmark of 12.5 万元/亩, 亩均增加值 30 added.
        let out = apply_form(
            henan(),
            &get(&[
                ("g1.w.tax_per_mu", "70"),
                ("g1.b.tax_per_mu", "12.5"),
                ("g1.w.value_added_per_mu", "30"),
            ]),
        )
        .unwrap();
        let m = Method::parse(&out).unwrap();
        let ids: Vec<(&str, f64)> = m.groups[1]
            .indicators
            .iter()
            .map(|i| (i.id.id(), i.weight))
            .collect();
        assert_eq!(ids, vec![("tax_per_mu", 70.0), ("value_added_per_mu", 30.0)]);
        let f = method_form(&out).unwrap();
        let tax = &f.groups[1].indicators[0];
        assert!(tax.used && tax.benchmark.value == "12.5", "{tax:?}");
        // Removing it again: 亩均增加值 0 gives it back its 30 points; an empty benchmark is the
        // group's rule again.
        let back = apply_form(
            &out,
            &get(&[
                ("g1.w.tax_per_mu", "100"),
                ("g1.b.tax_per_mu", ""),
                ("g1.w.value_added_per_mu", "0"),
            ]),
        )
        .unwrap();
        let m = Method::parse(&back).unwrap();
        assert_eq!(m.groups[1].indicators.len(), 1);
        assert!(!back.contains("fixed"), "{back}");
        let bad = apply_form(henan(), &get(&[("g1.b.tax_per_mu", "-1")])).unwrap_err();
        assert!(bad.iter().any(|p| p.contains("固定基准值”应大于 0")), "{bad:?}");
    }
}
