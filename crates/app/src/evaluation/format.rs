//! Numbers as Chinese offices write them: thousands separators, fixed decimals, no `-0`.

/// `v` with `decimals` decimals and thousands separators, e.g. `1234567.891` → `1,234,567.89`.
pub fn number(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "—".to_owned();
    }
    let text = format!("{:.*}", decimals, v.abs());
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text.as_str(), None),
    };
    let mut out = String::with_capacity(text.len() + text.len() / 3 + 1);
    // "-0.00" would read as a negative figure: only non-zero values get the sign.
    if v < 0.0 && text.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        out.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// The Chinese name of a class: `A 类 优先发展`, `B 类 鼓励提升`, `C 类 倒逼转型`, `不参评` for
/// `X`, and `<class> 类` for a method's other classes (e.g. `D`, `C-`).
pub fn class_label(class: &str) -> String {
    match class {
        "A" => "A 类 优先发展".to_owned(),
        "B" => "B 类 鼓励提升".to_owned(),
        "C" => "C 类 倒逼转型".to_owned(),
        "X" => "不参评".to_owned(),
        "" => String::new(),
        other => format!("{other} 类"),
    }
}

/// The stored reason of a class in words: `quota A`, `default B`, `quantile C`, `threshold A`,
/// `veto:<item>`, `manual:<reason>` or `excluded:<id>` as the engine writes them.
pub fn reason_label(reason: &str) -> String {
    if let Some(id) = reason.strip_prefix("excluded:") {
        use mujun_engine::Exclusion as E;
        let label = [
            E::IndustryOutOfScope,
            E::ExemptIndustry,
            E::TooNew,
            E::NoLand,
            E::BelowMinLand,
            E::NoGroup,
            E::NoCluster,
        ]
        .into_iter()
        .find(|e| e.id() == id)
        .map_or(id, |e| e.label());
        return format!("不参评：{label}");
    }
    if let Some(item) = reason.strip_prefix("veto:") {
        let label = match item {
            "major_safety_accident" => "重大安全生产事故",
            "major_pollution_incident" => "重大环境污染事件",
            "serious_dishonesty" => "严重失信",
            other => other,
        };
        return format!("触发否决项“{label}”，定为本组最低档");
    }
    if let Some(why) = reason.strip_prefix("manual:") {
        return format!("人工调档，理由：{why}");
    }
    match reason.split_once(' ') {
        Some(("quota", "A")) => "排名在本池 A 类名额内，定为 A 类".to_owned(),
        Some(("quota", "C")) => "排名在本池 C 类名额内，定为 C 类".to_owned(),
        Some(("default", c)) => format!("未进入 A 类或 C 类名额，定为 {c} 类"),
        Some(("quantile", c)) => format!("按排名分位定为 {c} 类"),
        Some(("threshold", c)) => format!("按总分分档线定为 {c} 类"),
        _ => reason.to_owned(),
    }
}

/// The Chinese name of an evaluation group (a method's `groups.id`): the Henan method's 规上 and
/// 规下; a city's own group by its id.
pub fn group_label(id: &str) -> String {
    match id {
        "above" => "规上".to_owned(),
        "below" => "规下".to_owned(),
        other => other.to_owned(),
    }
}

/// How a ranking pool reads: `全市`, a county's name for a pool of a county (its code in the
/// run), else the pool's own label (a cluster's name).
pub fn pool_name(label: &str) -> String {
    if label == "all" {
        return "全市".to_owned();
    }
    mujun_domain::RegionCode::parse(label)
        .ok()
        .and_then(|c| c.name())
        .map_or_else(|| label.to_owned(), str::to_owned)
}

/// A pool with its evaluation group, e.g. `规上 · 驻马店装备产业集聚区`.
pub fn group_pool_name(group_id: &str, pool: &str) -> String {
    format!("{} · {}", group_label(group_id), pool_name(pool))
}

/// A date `YYYY-MM-DD…` as documents write it, `2026年12月3日`; other text as it is.
pub fn chinese_date(date: &str) -> String {
    let mut parts = date.get(..10).unwrap_or(date).split('-');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(y), Some(m), Some(d)) if y.len() == 4 => {
            let n = |s: &str| s.trim_start_matches('0').to_owned();
            format!("{y}年{}月{}日", n(m), n(d))
        }
        _ => date.to_owned(),
    }
}

/// The Chinese name of a run's method (its file's `name`), or its id when the file is unreadable.
pub fn method_name(source: &str, id: &str) -> String {
    mujun_engine::Method::parse(source).map_or_else(|_| id.to_owned(), |m| m.name)
}

/// An optional number, `—` when absent.
pub fn opt(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(|| "—".to_owned(), |v| number(v, decimals))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_in_words() {
        assert_eq!(reason_label("quota A"), "排名在本池 A 类名额内，定为 A 类");
        assert_eq!(reason_label("excluded:too_new"), "不参评：投产未满规定年限");
        assert_eq!(reason_label("manual:经研究降档"), "人工调档，理由：经研究降档");
        assert!(reason_label("veto:serious_dishonesty").contains("严重失信"));
        assert_eq!(reason_label("threshold B"), "按总分分档线定为 B 类");
    }

    #[test]
    fn groups_thousands_and_rounds() {
        assert_eq!(number(1_234_567.891, 2), "1,234,567.89");
        assert_eq!(number(999.999, 2), "1,000.00");
        assert_eq!(number(12.0, 0), "12");
        assert_eq!(number(-1234.5, 1), "-1,234.5");
        assert_eq!(number(-0.001, 2), "0.00");
        assert_eq!(number(f64::NAN, 2), "—");
        assert_eq!(opt(None, 2), "—");
        assert_eq!(number(123.4, 1), "123.4");
        assert_eq!(class_label("A"), "A 类 优先发展");
        assert_eq!(class_label("X"), "不参评");
        assert_eq!(class_label("D"), "D 类");
        assert_eq!(chinese_date("2026-12-03 10:22"), "2026年12月3日");
        assert_eq!(chinese_date("2026-10-30"), "2026年10月30日");
        assert_eq!(pool_name("all"), "全市");
        assert_eq!(pool_name("411702"), "驿城区");
        assert_eq!(
            group_pool_name("above", "驻马店装备产业集聚区"),
            "规上 · 驻马店装备产业集聚区"
        );
    }
}
