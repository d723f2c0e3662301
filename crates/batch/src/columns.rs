//! The header row: which column holds which field, in which unit.
//!
//! Headers may be the field ids of spec §1 (`tax_paid`) or their Chinese labels (`实缴税收`), with
//! an optional unit in parentheses (`实缴税收（元）`, `用地面积(平方米)`). The unit is part of the
//! column: a value is converted from the unit its header names, never guessed.

use mujun_domain::units::{AreaUnit, MoneyUnit};
use mujun_domain::{Field, IndicatorId, normalize_text};
use mujun_engine::Method;
use mujun_engine::method::{PoolBy, Rule, Selector};

/// A column the batch format knows.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum Column {
    /// 统一社会信用代码.
    CreditCode,
    /// 企业名称.
    Name,
    /// 所在县区.
    Region,
    /// 所在产业集聚区.
    Cluster,
    /// 国民经济行业代码.
    Industry,
    /// 规上 / 规下.
    Scale,
    /// 投产日期.
    ProductionStart,
    /// A numeric figure.
    Figure(Field),
    /// 加分项.
    Bonus,
    /// 否决项.
    Veto,
}

impl Column {
    /// Every column in the order of spec §1 (and of the demo files).
    pub fn all() -> Vec<Column> {
        let mut v = vec![
            Column::CreditCode,
            Column::Name,
            Column::Region,
            Column::Cluster,
            Column::Industry,
            Column::Scale,
            Column::ProductionStart,
        ];
        v.extend(Field::ALL.map(Column::Figure));
        v.extend([Column::Bonus, Column::Veto]);
        v
    }

    /// The field id used as header.
    pub fn id(self) -> &'static str {
        match self {
            Column::CreditCode => "credit_code",
            Column::Name => "name",
            Column::Region => "region_code",
            Column::Cluster => "cluster",
            Column::Industry => "industry_code",
            Column::Scale => "scale",
            Column::ProductionStart => "production_start",
            Column::Figure(f) => f.id(),
            Column::Bonus => "bonus",
            Column::Veto => "veto",
        }
    }

    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Column::CreditCode => "统一社会信用代码",
            Column::Name => "企业名称",
            Column::Region => "所在县区",
            Column::Cluster => "所在产业集聚区",
            Column::Industry => "国民经济行业代码",
            Column::Scale => "规模",
            Column::ProductionStart => "投产日期",
            Column::Figure(f) => f.label(),
            Column::Bonus => "加分项",
            Column::Veto => "否决项",
        }
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::CreditCode => &["信用代码", "社会信用代码", "统一代码"],
            Column::Name => &["名称", "企业名"],
            Column::Region => &["县区", "县区代码", "行政区划代码", "所在县区代码"],
            Column::Cluster => &["产业集聚区", "集聚区", "所属集聚区"],
            Column::Industry => &["行业代码", "所属行业代码"],
            Column::Scale => &["规上/规下", "规上规下", "企业规模"],
            Column::ProductionStart => &["投产时间", "投产年月日"],
            Column::Figure(f) => f.aliases(),
            Column::Bonus => &["加分项目"],
            Column::Veto => &["否决项目"],
        }
    }

    fn matches(self, name: &str) -> bool {
        self.id() == name || self.label() == name || self.aliases().contains(&name)
    }
}

/// How a column's numbers are converted into the engine's unit.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Conversion {
    /// Already in the engine's unit.
    None,
    /// Land in another unit.
    Area(AreaUnit),
    /// Money in 元.
    Money(MoneyUnit),
}

impl Conversion {
    /// Applies the conversion.
    #[inline]
    pub fn apply(self, v: f64) -> f64 {
        match self {
            Conversion::None => v,
            Conversion::Area(u) => u.to_mu(v),
            Conversion::Money(u) => u.to_wan(v),
        }
    }
}

/// The meaning of each column of a file.
#[derive(Clone, Debug)]
pub struct Layout {
    /// Per file column: the column it holds (None = ignored) and the conversion.
    pub columns: Vec<Option<(Column, Conversion)>>,
    /// The headers as written.
    pub headers: Vec<String>,
}

impl Layout {
    /// The file column holding `c`.
    pub fn position(&self, c: Column) -> Option<usize> {
        self.columns
            .iter()
            .position(|x| x.is_some_and(|(col, _)| col == c))
    }
}

fn split_unit(header: &str) -> (&str, Option<&str>) {
    for (open, close) in [("（", "）"), ("(", ")")] {
        if let Some(stripped) = header.strip_suffix(close)
            && let Some(i) = stripped.rfind(open)
        {
            return (stripped[..i].trim(), Some(stripped[i + open.len()..].trim()));
        }
    }
    (header, None)
}

fn conversion_for(field: Field, unit: Option<&str>) -> Result<Conversion, String> {
    let Some(unit) = unit.filter(|u| !u.is_empty()) else {
        return Ok(Conversion::None);
    };
    if field == Field::LandAreaMu {
        return AreaUnit::parse(unit)
            .map(Conversion::Area)
            .ok_or_else(|| format!("单位“{unit}”不支持，用地面积可用：亩、平方米、公顷"));
    }
    if field.unit() == "万元" {
        return MoneyUnit::parse(unit)
            .map(Conversion::Money)
            .ok_or_else(|| format!("单位“{unit}”不支持，{}可用：万元、元", field.label()));
    }
    let same = match field {
        Field::ElectricityKwh => ["万千瓦时", "万kWh", "万kwh", "万度"].contains(&unit),
        Field::EnergyTce => ["吨标准煤", "tce", "吨标煤"].contains(&unit),
        Field::WaterM3 => ["立方米", "m³", "m3", "吨"].contains(&unit),
        _ => unit == field.unit(),
    };
    if same {
        Ok(Conversion::None)
    } else {
        Err(format!(
            "单位“{unit}”不支持，{}的单位应为{}",
            field.label(),
            field.unit()
        ))
    }
}

/// The columns a method needs: the figures its indicators and selectors use, land, and the
/// cluster and start date when its rules use them.
pub fn required_columns(method: &Method) -> Vec<Column> {
    let mut need = vec![
        Column::CreditCode,
        Column::Region,
        Column::Industry,
        Column::Scale,
    ];
    let mut push = |c: Column| {
        if !need.contains(&c) {
            need.push(c);
        }
    };
    push(Column::Figure(Field::LandAreaMu));
    if method.min_years_in_production > 0 {
        push(Column::ProductionStart);
    }
    let mut indicators: Vec<IndicatorId> = Vec::new();
    for g in &method.groups {
        if g.pool == PoolBy::Cluster {
            push(Column::Cluster);
        }
        indicators.extend(g.indicators.iter().map(|i| i.id));
        if let Rule::HenanTwoStage {
            a_selector,
            c_selector,
            ..
        } = &g.rule
        {
            for s in [a_selector, c_selector] {
                if let Selector::Value(id) = s {
                    indicators.push(*id);
                }
            }
        }
    }
    for id in indicators {
        let (num, den) = id.formula();
        push(Column::Figure(num));
        if let Some(d) = den {
            push(Column::Figure(d));
        }
    }
    need
}

/// Reads the header row against the columns the method needs.
pub fn parse_header(headers: &[String], required: &[Column]) -> Result<Layout, Vec<String>> {
    let mut problems = Vec::new();
    let all = Column::all();
    let mut columns: Vec<Option<(Column, Conversion)>> = Vec::with_capacity(headers.len());
    for (i, raw) in headers.iter().enumerate() {
        let norm = normalize_text(raw);
        if norm.is_empty() {
            columns.push(None);
            continue;
        }
        let found = all
            .iter()
            .copied()
            .find(|c| c.matches(&norm))
            .map(|c| (c, None))
            .or_else(|| {
                let (name, unit) = split_unit(&norm);
                all.iter().copied().find(|c| c.matches(name)).map(|c| (c, unit))
            });
        let Some((col, unit)) = found else {
            // Extra columns (序号, 备注 …) are common in office files and are ignored.
            columns.push(None);
            continue;
        };
        let conversion = match col {
            Column::Figure(f) => match conversion_for(f, unit) {
                Ok(c) => c,
                Err(message) => {
                    problems.push(format!("第 {} 列“{}”：{}", i + 1, raw.trim(), message));
                    Conversion::None
                }
            },
            _ if unit.is_some_and(|u| !u.is_empty()) && !col.matches(&norm) => {
                problems.push(format!("第 {} 列“{}”：该列没有单位", i + 1, raw.trim()));
                Conversion::None
            }
            _ => Conversion::None,
        };
        if let Some(j) = columns.iter().position(|c| c.is_some_and(|(o, _)| o == col)) {
            problems.push(format!(
                "第 {} 列“{}”与第 {} 列“{}”都是“{}”，请删除其中一列",
                i + 1,
                raw.trim(),
                j + 1,
                headers[j].trim(),
                col.label()
            ));
        }
        columns.push(Some((col, conversion)));
    }
    let layout = Layout {
        columns,
        headers: headers.to_vec(),
    };
    for c in required {
        if layout.position(*c).is_none() {
            problems.push(format!("缺少必需的列“{}”（{}）", c.id(), c.label()));
        }
    }
    if problems.is_empty() {
        Ok(layout)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn ids_labels_and_units() {
        let layout = parse_header(
            &h(&[
                "credit_code",
                "实缴税收（元）",
                "用地面积(平方米)",
                "备注",
                "用电量（万kWh）",
            ]),
            &[],
        )
        .expect("valid");
        assert_eq!(layout.columns[0], Some((Column::CreditCode, Conversion::None)));
        assert_eq!(
            layout.columns[1],
            Some((Column::Figure(Field::TaxPaid), Conversion::Money(MoneyUnit::Yuan)))
        );
        assert_eq!(
            layout.columns[2],
            Some((
                Column::Figure(Field::LandAreaMu),
                Conversion::Area(AreaUnit::SquareMetre)
            ))
        );
        assert_eq!(layout.columns[3], None);
        assert_eq!(
            layout.columns[4],
            Some((Column::Figure(Field::ElectricityKwh), Conversion::None))
        );
    }

    #[test]
    fn refuses_unknown_units_duplicates_and_missing_columns() {
        let err = parse_header(
            &h(&["tax_paid", "实缴税收（千元）", "实缴税收"]),
            &[Column::CreditCode],
        )
        .expect_err("bad");
        assert!(err.iter().any(|p| p.contains("千元")), "{err:?}");
        assert!(err.iter().any(|p| p.contains("都是“实缴税收”")), "{err:?}");
        assert!(err.iter().any(|p| p.contains("credit_code")), "{err:?}");
    }

    #[test]
    fn henan_needs_cluster_land_tax_and_start_date() {
        let method = mujun_engine::presets::load("henan-2019").expect("preset");
        let need = required_columns(&method);
        for c in [
            Column::Cluster,
            Column::ProductionStart,
            Column::Figure(Field::LandAreaMu),
            Column::Figure(Field::TaxPaid),
            Column::Figure(Field::PollutionEq),
        ] {
            assert!(need.contains(&c), "{c:?}");
        }
        assert!(!need.contains(&Column::Figure(Field::WaterM3)));
    }
}
