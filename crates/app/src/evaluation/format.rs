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
