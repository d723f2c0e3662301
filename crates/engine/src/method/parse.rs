//! TOML → [`Method`], rejecting everything the spec rejects with the key and the line.

use std::fmt;

use mujun_domain::{IndicatorId, IndustryRange, Scale};
use serde::Deserialize;
use serde::de::{MapAccess, Visitor};
use sha2::{Digest, Sha256};
use toml::Spanned;

use super::{
    Benchmark, Group, IndicatorSpec, MAX_ITEMS, Method, PoolBy, Rule, Selector, Share, UndefinedPolicy,
};
use crate::EngineError;

/// A TOML table read in document order (the order of quantile shares matters).
struct Ordered<V>(Vec<(String, V)>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V_<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for V_<V> {
            type Value = Ordered<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, V>()? {
                    out.push((k, v));
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(V_(std::marker::PhantomData))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMethod {
    id: Spanned<String>,
    name: Option<String>,
    industries: Option<Vec<Spanned<String>>>,
    exempt_industries: Option<Vec<Spanned<String>>>,
    min_years_in_production: Option<Spanned<i64>>,
    below_scale_min_land_mu: Option<Spanned<f64>>,
    max_bonus: Option<Spanned<f64>>,
    bonus_points: Option<Spanned<Ordered<Spanned<f64>>>>,
    veto_items: Option<Spanned<Ordered<Spanned<String>>>>,
    groups: Option<Vec<Spanned<RawGroup>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    id: Spanned<String>,
    scale: Option<Spanned<String>>,
    pool: Option<Spanned<String>>,
    indicators: Spanned<Vec<Spanned<RawIndicator>>>,
    benchmark: Option<Spanned<toml::Value>>,
    cap: Option<Spanned<f64>>,
    floor: Option<Spanned<f64>>,
    classification: Option<Spanned<RawClassification>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    id: Spanned<String>,
    weight: Spanned<f64>,
    benchmark: Option<Spanned<toml::Value>>,
    cap: Option<Spanned<f64>>,
    floor: Option<Spanned<f64>>,
    on_missing: Option<Spanned<String>>,
    on_zero_denominator: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawClassification {
    rule: Option<Spanned<String>>,
    top_share: Option<Spanned<f64>>,
    a_share: Option<Spanned<f64>>,
    c_share: Option<Spanned<f64>>,
    a_selector: Option<Spanned<toml::Value>>,
    c_selector: Option<Spanned<toml::Value>>,
    shares: Option<Spanned<Ordered<Spanned<f64>>>>,
    cuts: Option<Spanned<Ordered<Spanned<f64>>>>,
}

/// Turns byte offsets into line numbers and builds errors.
struct Ctx<'a> {
    source: &'a str,
}

impl Ctx<'_> {
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let before = &self.source[..offset.min(self.source.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, column)
    }

    fn err<T>(
        &self,
        span: std::ops::Range<usize>,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> Result<T, EngineError> {
        Err(EngineError::MethodRule {
            line: self.line_col(span.start).0,
            key: key.into(),
            message: message.into(),
        })
    }
}

/// Rewrites the common serde messages of the TOML reader in Chinese, keeping the names.
fn translate(message: &str) -> String {
    let message = message.trim();
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let (field, expected) = rest.split_once(", expected").unwrap_or((rest, ""));
        let expected = expected.trim_start_matches(" one of").trim();
        return if expected.is_empty() {
            format!("未知的键 {field}")
        } else {
            format!("未知的键 {field}，此处可用的键：{expected}")
        };
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        return format!("缺少必填的键 {rest}");
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "?"));
        return format!("类型不对：写的是 {found}，应为 {expected}");
    }
    if message.starts_with("duplicate key") {
        return format!("键重复：{message}");
    }
    format!("TOML 格式错误：{message}")
}

pub(super) fn parse(source: &str) -> Result<Method, EngineError> {
    let ctx = Ctx { source };
    let raw: RawMethod = toml::from_str(source).map_err(|e| {
        let (line, column) = e.span().map_or((1, 1), |s| ctx.line_col(s.start));
        let mut message = translate(e.message());
        // Type errors point at the value; name the key written before it.
        if let Some(key) = e.span().and_then(|s| key_before(source, s.start)) {
            message = format!("键 {key}：{message}");
        }
        EngineError::MethodSyntax {
            line,
            column,
            message,
        }
    })?;

    let id = raw.id.get_ref().trim().to_owned();
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
    {
        return ctx.err(
            raw.id.span(),
            "id",
            "方法 id 只能由字母、数字、-、_、. 组成且不能为空",
        );
    }

    let ranges = |list: Option<Vec<Spanned<String>>>,
                  key: &str,
                  default: &[&str]|
     -> Result<Vec<IndustryRange>, EngineError> {
        match list {
            None => Ok(default
                .iter()
                .map(|r| IndustryRange::parse(r).expect("built-in ranges are valid"))
                .collect()),
            Some(list) => list
                .iter()
                .map(|s| IndustryRange::parse(s.get_ref()).or_else(|e| ctx.err(s.span(), key, e.to_string())))
                .collect(),
        }
    };
    let industries = ranges(raw.industries, "industries", &["13-43"])?;
    if industries.is_empty() {
        return ctx.err(0..0, "industries", "参评行业不能为空");
    }
    let exempt_industries = ranges(raw.exempt_industries, "exempt_industries", &[])?;

    let min_years_in_production = match raw.min_years_in_production {
        None => 2,
        Some(s) => match u16::try_from(*s.get_ref()) {
            Ok(v) if v <= 100 => v,
            _ => {
                return ctx.err(
                    s.span(),
                    "min_years_in_production",
                    "应为 0–100 之间的整数（0 表示不限制）",
                );
            }
        },
    };
    let below_scale_min_land_mu = match raw.below_scale_min_land_mu {
        None => 5.0,
        Some(s) => non_negative(&ctx, &s, "below_scale_min_land_mu")?,
    };
    let max_bonus = match raw.max_bonus {
        None => 10.0,
        Some(s) => non_negative(&ctx, &s, "max_bonus")?,
    };

    let mut bonus_points = Vec::new();
    if let Some(table) = raw.bonus_points {
        if table.get_ref().0.len() > MAX_ITEMS {
            return ctx.err(table.span(), "bonus_points", format!("加分项最多 {MAX_ITEMS} 个"));
        }
        for (item, points) in table.into_inner().0 {
            let key = format!("bonus_points.{item}");
            check_item_id(&ctx, &item, points.span(), &key)?;
            bonus_points.push((item, non_negative(&ctx, &points, &key)?));
        }
    }
    let mut veto_items = Vec::new();
    if let Some(table) = raw.veto_items {
        if table.get_ref().0.len() > MAX_ITEMS {
            return ctx.err(table.span(), "veto_items", format!("否决项最多 {MAX_ITEMS} 个"));
        }
        for (item, label) in table.into_inner().0 {
            check_item_id(&ctx, &item, label.span(), &format!("veto_items.{item}"))?;
            veto_items.push((item, label.into_inner()));
        }
    }

    let Some(raw_groups) = raw.groups.filter(|g| !g.is_empty()) else {
        return ctx.err(0..0, "groups", "至少需要一个 [[groups]] 评价组");
    };
    let mut groups: Vec<Group> = Vec::new();
    for g in raw_groups {
        let id_span = g.get_ref().id.span();
        let scale_span = g.get_ref().scale.as_ref().map_or(id_span.clone(), |s| s.span());
        let group = parse_group(&ctx, g.into_inner())?;
        if groups.iter().any(|o| o.id == group.id) {
            return ctx.err(id_span, format!("groups.{}.id", group.id), "评价组 id 重复");
        }
        if let Some(o) = groups.iter().find(|o| o.scale == group.scale) {
            return ctx.err(
                scale_span,
                format!("groups.{}.scale", group.id),
                format!(
                    "评价组 {} 已经评价{}企业，同一规模只能属于一个评价组",
                    o.id,
                    group.scale.label()
                ),
            );
        }
        groups.push(group);
    }

    Ok(Method {
        id,
        name: raw.name.unwrap_or_default(),
        industries,
        exempt_industries,
        min_years_in_production,
        below_scale_min_land_mu,
        max_bonus,
        bonus_points,
        veto_items,
        groups,
        source: source.to_owned(),
        hash: hex::encode(Sha256::digest(source.as_bytes())),
    })
}

/// The bare key of `key = value` when `offset` is the start of the value.
fn key_before(source: &str, offset: usize) -> Option<String> {
    let before = source.get(..offset)?.trim_end();
    let before = before.strip_suffix('=')?.trim_end();
    let start = before
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .map_or(0, |i| i + 1);
    let key = &before[start..];
    (!key.is_empty()).then(|| key.to_owned())
}

fn check_item_id(
    ctx: &Ctx<'_>,
    item: &str,
    span: std::ops::Range<usize>,
    key: &str,
) -> Result<(), EngineError> {
    if item.is_empty()
        || !item
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return ctx.err(span, key, "项目 id 只能由小写字母、数字和下划线组成");
    }
    Ok(())
}

fn finite(ctx: &Ctx<'_>, v: &Spanned<f64>, key: &str) -> Result<f64, EngineError> {
    let x = *v.get_ref();
    if x.is_finite() {
        Ok(x)
    } else {
        ctx.err(v.span(), key, format!("应为有限的数，实际为 {x}"))
    }
}

fn non_negative(ctx: &Ctx<'_>, v: &Spanned<f64>, key: &str) -> Result<f64, EngineError> {
    let x = finite(ctx, v, key)?;
    if x >= 0.0 {
        Ok(x)
    } else {
        ctx.err(v.span(), key, format!("应为不小于 0 的数，实际为 {x}"))
    }
}

fn share(ctx: &Ctx<'_>, v: &Spanned<f64>, key: &str) -> Result<Share, EngineError> {
    let x = *v.get_ref();
    if !(0.0..=1.0).contains(&x) {
        return ctx.err(v.span(), key, format!("比例应在 [0, 1] 之间，实际为 {x}"));
    }
    let units = x * 10_000.0;
    if (units - units.round()).abs() > 1e-6 {
        return ctx.err(v.span(), key, format!("比例最多 4 位小数，实际为 {x}"));
    }
    Ok(Share(units.round() as u32))
}

fn policy(ctx: &Ctx<'_>, v: &Option<Spanned<String>>, key: &str) -> Result<UndefinedPolicy, EngineError> {
    match v {
        None => Ok(UndefinedPolicy::Zero),
        Some(s) => match s.get_ref().as_str() {
            "zero" => Ok(UndefinedPolicy::Zero),
            "cap" => Ok(UndefinedPolicy::Cap),
            "pool_average" => Ok(UndefinedPolicy::PoolAverage),
            other => ctx.err(
                s.span(),
                key,
                format!("未知的策略“{other}”（可用：zero、cap、pool_average）"),
            ),
        },
    }
}

fn benchmark(ctx: &Ctx<'_>, v: &Spanned<toml::Value>, key: &str) -> Result<Benchmark, EngineError> {
    let bad = || {
        ctx.err(
            v.span(),
            key,
            "应为 \"pool_mean\"、{ fixed = 数值 } 或 { pool_mean_times = 数值 }",
        )
    };
    match v.get_ref() {
        toml::Value::String(s) if s == "pool_mean" => Ok(Benchmark::PoolMean),
        toml::Value::Table(t) if t.len() == 1 => {
            let (k, val) = t.iter().next().expect("one entry");
            let num = match val {
                toml::Value::Float(f) => *f,
                toml::Value::Integer(i) => *i as f64,
                _ => return bad(),
            };
            if !num.is_finite() || num <= 0.0 {
                return ctx.err(
                    v.span(),
                    format!("{key}.{k}"),
                    format!("应为大于 0 的有限数，实际为 {num}"),
                );
            }
            match k.as_str() {
                "fixed" => Ok(Benchmark::Fixed(num)),
                "pool_mean_times" => Ok(Benchmark::PoolMeanTimes(num)),
                _ => bad(),
            }
        }
        _ => bad(),
    }
}

fn parse_group(ctx: &Ctx<'_>, g: RawGroup) -> Result<Group, EngineError> {
    let id = g.id.get_ref().trim().to_owned();
    if id.is_empty() {
        return ctx.err(g.id.span(), "groups.id", "评价组 id 不能为空");
    }
    let key = |k: &str| format!("groups.{id}.{k}");
    let scale = match &g.scale {
        Some(s) => match s.get_ref().as_str() {
            "above" => Scale::Above,
            "below" => Scale::Below,
            other => {
                return ctx.err(
                    s.span(),
                    key("scale"),
                    format!("应为 above（规上）或 below（规下），实际为“{other}”"),
                );
            }
        },
        None => match id.as_str() {
            "above" => Scale::Above,
            "below" => Scale::Below,
            _ => return ctx.err(g.id.span(), key("scale"), "缺少 scale（above 或 below）"),
        },
    };
    let pool = match &g.pool {
        None if scale == Scale::Above => PoolBy::Cluster,
        None => PoolBy::All,
        Some(s) => match s.get_ref().as_str() {
            "cluster" => PoolBy::Cluster,
            "region" => PoolBy::Region,
            "all" => PoolBy::All,
            other => {
                return ctx.err(
                    s.span(),
                    key("pool"),
                    format!("应为 cluster、region 或 all，实际为“{other}”"),
                );
            }
        },
    };
    let group_benchmark = match &g.benchmark {
        None => Benchmark::PoolMean,
        Some(b) => benchmark(ctx, b, &key("benchmark"))?,
    };
    let group_cap = g.cap.as_ref().map(|c| finite(ctx, c, &key("cap"))).transpose()?;
    let group_floor = g
        .floor
        .as_ref()
        .map(|f| finite(ctx, f, &key("floor")))
        .transpose()?
        .unwrap_or(0.0);

    if g.indicators.get_ref().is_empty() {
        return ctx.err(g.indicators.span(), key("indicators"), "至少需要一个指标");
    }
    let mut indicators: Vec<IndicatorSpec> = Vec::new();
    for raw in g.indicators.into_inner() {
        let span = raw.span();
        let raw = raw.into_inner();
        let ind = IndicatorId::parse(raw.id.get_ref()).or_else(|_| {
            let known: Vec<&str> = IndicatorId::ALL.iter().map(|i| i.id()).collect();
            ctx.err(
                raw.id.span(),
                key("indicators.id"),
                format!("未知的指标“{}”（可用：{}）", raw.id.get_ref(), known.join("、")),
            )
        })?;
        let ikey = |k: &str| format!("groups.{id}.indicators.{}.{k}", ind.id());
        if indicators.iter().any(|i| i.id == ind) {
            return ctx.err(span, ikey("id"), "同一评价组内指标重复");
        }
        let weight = non_negative(ctx, &raw.weight, &ikey("weight"))?;
        let benchmark = match &raw.benchmark {
            None => group_benchmark,
            Some(b) => benchmark(ctx, b, &ikey("benchmark"))?,
        };
        let cap = match &raw.cap {
            Some(c) => Some(finite(ctx, c, &ikey("cap"))?),
            None => group_cap,
        };
        let floor = match &raw.floor {
            Some(f) => finite(ctx, f, &ikey("floor"))?,
            None => group_floor,
        };
        if let Some(c) = cap
            && c < floor
        {
            return ctx.err(
                span,
                ikey("cap"),
                format!("上限 cap = {c} 小于下限 floor = {floor}"),
            );
        }
        let on_missing = policy(ctx, &raw.on_missing, &ikey("on_missing"))?;
        let on_zero_denominator = policy(ctx, &raw.on_zero_denominator, &ikey("on_zero_denominator"))?;
        for (p, raw_p, k) in [
            (on_missing, &raw.on_missing, "on_missing"),
            (
                on_zero_denominator,
                &raw.on_zero_denominator,
                "on_zero_denominator",
            ),
        ] {
            if p == UndefinedPolicy::Cap && cap.is_none() {
                let s = raw_p.as_ref().map_or(span.clone(), |s| s.span());
                return ctx.err(s, ikey(k), "策略 \"cap\" 需要设置上限 cap，但该指标没有上限");
            }
        }
        indicators.push(IndicatorSpec {
            id: ind,
            weight,
            benchmark,
            cap,
            floor,
            on_missing,
            on_zero_denominator,
        });
    }

    let (classes, rule) = parse_classification(ctx, &id, g.id.span(), scale, &indicators, g.classification)?;
    Ok(Group {
        id,
        scale,
        pool,
        indicators,
        classes,
        rule,
    })
}

fn parse_selector(
    ctx: &Ctx<'_>,
    v: &Spanned<toml::Value>,
    key: &str,
    indicators: &[IndicatorSpec],
) -> Result<Selector, EngineError> {
    let bad = || {
        ctx.err(
            v.span(),
            key,
            "应为 \"total\"、{ scores = [\"指标\", …] } 或 { value = \"指标\" }",
        )
    };
    let indicator = |text: &str| {
        IndicatorId::parse(text).or_else(|_| ctx.err(v.span(), key, format!("未知的指标“{text}”")))
    };
    match v.get_ref() {
        toml::Value::String(s) if s == "total" => Ok(Selector::Total),
        toml::Value::Table(t) if t.len() == 1 => match t.iter().next().expect("one entry") {
            (k, toml::Value::String(s)) if k == "value" => Ok(Selector::Value(indicator(s)?)),
            (k, toml::Value::Array(list)) if k == "scores" && !list.is_empty() => {
                let mut out = Vec::new();
                for item in list {
                    let Some(text) = item.as_str() else { return bad() };
                    let ind = indicator(text)?;
                    let Some(pos) = indicators.iter().position(|i| i.id == ind) else {
                        return ctx.err(
                            v.span(),
                            key,
                            format!("指标“{text}”不是本评价组的计分指标，不能按其得分选档"),
                        );
                    };
                    out.push(pos);
                }
                Ok(Selector::Scores(out))
            }
            _ => bad(),
        },
        _ => bad(),
    }
}

fn parse_classification(
    ctx: &Ctx<'_>,
    group: &str,
    group_span: std::ops::Range<usize>,
    scale: Scale,
    indicators: &[IndicatorSpec],
    raw: Option<Spanned<RawClassification>>,
) -> Result<(Vec<String>, Rule), EngineError> {
    let key = |k: &str| format!("groups.{group}.classification.{k}");
    let (span, c) = match raw {
        Some(c) => (c.span(), c.into_inner()),
        None => (group_span, RawClassification::default()),
    };
    let rule = c
        .rule
        .as_ref()
        .map_or("henan_two_stage", |r| r.get_ref().as_str());
    let reject_foreign = |present: &[(&str, Option<std::ops::Range<usize>>)]| -> Result<(), EngineError> {
        for (k, s) in present {
            if let Some(s) = s {
                return ctx.err(s.clone(), key(k), format!("规则 {rule} 不使用键 {k}"));
            }
        }
        Ok(())
    };
    match rule {
        "henan_two_stage" => {
            reject_foreign(&[
                ("shares", c.shares.as_ref().map(|s| s.span())),
                ("cuts", c.cuts.as_ref().map(|s| s.span())),
            ])?;
            let get = |v: &Option<Spanned<f64>>, k: &str, default: u32| {
                v.as_ref().map_or(Ok(Share(default)), |v| share(ctx, v, &key(k)))
            };
            let top_share = get(&c.top_share, "top_share", 5_000)?;
            let a_share = get(&c.a_share, "a_share", 1_500)?;
            let c_share = get(&c.c_share, "c_share", 1_000)?;
            let default_selector = |which: &str| -> Result<Selector, EngineError> {
                if scale == Scale::Below {
                    return Ok(Selector::Value(IndicatorId::TaxPaid));
                }
                let wanted: &[IndicatorId] = if which == "a_selector" {
                    &[IndicatorId::TaxPerMu, IndicatorId::RdIntensity]
                } else {
                    &[IndicatorId::OutputPerEnergy, IndicatorId::TaxPerPollution]
                };
                wanted
                    .iter()
                    .map(|w| indicators.iter().position(|i| i.id == *w))
                    .collect::<Option<Vec<usize>>>()
                    .map(Selector::Scores)
                    .map_or_else(
                        || {
                            ctx.err(
                                span.clone(),
                                key(which),
                                format!(
                                    "未写 {which}，其默认值按 {} 的得分选档，但本评价组不计分这些指标：请写明 {which}",
                                    wanted.iter().map(|w| w.id()).collect::<Vec<_>>().join(" 与 ")
                                ),
                            )
                        },
                        Ok,
                    )
            };
            let a_selector = match &c.a_selector {
                Some(v) => parse_selector(ctx, v, &key("a_selector"), indicators)?,
                None => default_selector("a_selector")?,
            };
            let c_selector = match &c.c_selector {
                Some(v) => parse_selector(ctx, v, &key("c_selector"), indicators)?,
                None => default_selector("c_selector")?,
            };
            let classes = ["A", "B", "C"].map(String::from).to_vec();
            Ok((
                classes,
                Rule::HenanTwoStage {
                    top_share,
                    a_share,
                    c_share,
                    a_selector,
                    c_selector,
                },
            ))
        }
        "quantile" => {
            reject_foreign(&[
                ("top_share", c.top_share.as_ref().map(|s| s.span())),
                ("a_share", c.a_share.as_ref().map(|s| s.span())),
                ("c_share", c.c_share.as_ref().map(|s| s.span())),
                ("a_selector", c.a_selector.as_ref().map(|s| s.span())),
                ("c_selector", c.c_selector.as_ref().map(|s| s.span())),
                ("cuts", c.cuts.as_ref().map(|s| s.span())),
            ])?;
            let Some(shares) = c.shares else {
                return ctx.err(
                    span,
                    key("shares"),
                    "quantile 规则需要 shares，如 { A = 0.25, B = 0.45, C = 0.25, D = 0.05 }",
                );
            };
            let total_span = shares.span();
            let mut classes = Vec::new();
            let mut out = Vec::new();
            for (label, v) in shares.into_inner().0 {
                check_class_label(ctx, &label, v.span(), &key(&format!("shares.{label}")))?;
                out.push(share(ctx, &v, &key(&format!("shares.{label}")))?);
                classes.push(label);
            }
            if classes.len() < 2 {
                return ctx.err(total_span, key("shares"), "至少需要两个档次");
            }
            let sum: u32 = out.iter().map(|s| s.0).sum();
            if sum != Share::ONE.0 {
                return ctx.err(
                    total_span,
                    key("shares"),
                    format!("各档比例之和应为 1，实际为 {}", f64::from(sum) / 10_000.0),
                );
            }
            Ok((classes, Rule::Quantile { shares: out }))
        }
        "threshold" => {
            reject_foreign(&[
                ("top_share", c.top_share.as_ref().map(|s| s.span())),
                ("a_share", c.a_share.as_ref().map(|s| s.span())),
                ("c_share", c.c_share.as_ref().map(|s| s.span())),
                ("a_selector", c.a_selector.as_ref().map(|s| s.span())),
                ("c_selector", c.c_selector.as_ref().map(|s| s.span())),
                ("shares", c.shares.as_ref().map(|s| s.span())),
            ])?;
            let Some(cuts) = c.cuts else {
                return ctx.err(
                    span,
                    key("cuts"),
                    "threshold 规则需要 cuts，如 { A = 120.0, B = 80.0, C = -inf }",
                );
            };
            let total_span = cuts.span();
            let mut pairs: Vec<(String, f64)> = Vec::new();
            for (label, v) in cuts.into_inner().0 {
                let k = key(&format!("cuts.{label}"));
                check_class_label(ctx, &label, v.span(), &k)?;
                let x = *v.get_ref();
                if x.is_nan() || x == f64::INFINITY {
                    return ctx.err(v.span(), k, format!("分数线应为有限数或 -inf，实际为 {x}"));
                }
                if pairs.iter().any(|(_, o)| *o == x) {
                    return ctx.err(v.span(), k, format!("分数线 {x} 与另一档相同"));
                }
                pairs.push((label, x));
            }
            if pairs.len() < 2 {
                return ctx.err(total_span, key("cuts"), "至少需要两个档次");
            }
            // Highest cut first: the class order of the group is best first.
            pairs.sort_by(|a, b| b.1.total_cmp(&a.1));
            let (classes, cuts) = pairs.into_iter().unzip();
            Ok((classes, Rule::Threshold { cuts }))
        }
        other => ctx.err(
            c.rule.as_ref().map_or(span, |r| r.span()),
            key("rule"),
            format!("未知的分类规则“{other}”（可用：henan_two_stage、quantile、threshold）"),
        ),
    }
}

fn check_class_label(
    ctx: &Ctx<'_>,
    label: &str,
    span: std::ops::Range<usize>,
    key: &str,
) -> Result<(), EngineError> {
    if label.is_empty() || label == "X" || label.chars().count() > 8 || label.contains([',', ';', '"']) {
        return ctx.err(
            span,
            key,
            "档次名称应为 1–8 个字符，不得为 X（X 表示不参评），不得含逗号、分号或引号",
        );
    }
    Ok(())
}
