//! The numeric input figures of an enterprise-year (spec §1) and the 规上/规下 scale.

use crate::{DomainError, normalize_text};

/// One numeric figure of an enterprise for a year, in the unit the engine works in.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
#[repr(u8)]
pub enum Field {
    /// 用地面积, 亩.
    LandAreaMu,
    /// 实缴税收, 万元.
    TaxPaid,
    /// 利润总额, 万元 (may be negative).
    ProfitTotal,
    /// 主营业务收入, 万元.
    MainRevenue,
    /// 研发经费投入, 万元.
    RdExpense,
    /// 工业总产值, 万元.
    GrossOutput,
    /// 综合能耗, 吨标准煤.
    EnergyTce,
    /// 用电量, 万千瓦时.
    ElectricityKwh,
    /// 主要污染物排放当量, 污染当量.
    PollutionEq,
    /// 年平均职工人数, 人.
    Employees,
    /// 工业增加值, 万元 (may be negative).
    ValueAdded,
    /// 用水量, 立方米.
    WaterM3,
}

impl Field {
    /// Every figure, in the order of the spec's input table.
    pub const ALL: [Field; 12] = [
        Field::LandAreaMu,
        Field::TaxPaid,
        Field::ProfitTotal,
        Field::MainRevenue,
        Field::RdExpense,
        Field::GrossOutput,
        Field::EnergyTce,
        Field::ElectricityKwh,
        Field::PollutionEq,
        Field::Employees,
        Field::ValueAdded,
        Field::WaterM3,
    ];

    /// Number of figures.
    pub const COUNT: usize = 12;

    /// Position in [`Field::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The machine id used in files and APIs.
    pub fn id(self) -> &'static str {
        match self {
            Field::LandAreaMu => "land_area_mu",
            Field::TaxPaid => "tax_paid",
            Field::ProfitTotal => "profit_total",
            Field::MainRevenue => "main_revenue",
            Field::RdExpense => "rd_expense",
            Field::GrossOutput => "gross_output",
            Field::EnergyTce => "energy_tce",
            Field::ElectricityKwh => "electricity_kwh",
            Field::PollutionEq => "pollution_eq",
            Field::Employees => "employees",
            Field::ValueAdded => "value_added",
            Field::WaterM3 => "water_m3",
        }
    }

    /// The Chinese label (also accepted as a column header).
    pub fn label(self) -> &'static str {
        match self {
            Field::LandAreaMu => "用地面积",
            Field::TaxPaid => "实缴税收",
            Field::ProfitTotal => "利润总额",
            Field::MainRevenue => "主营业务收入",
            Field::RdExpense => "研发经费投入",
            Field::GrossOutput => "工业总产值",
            Field::EnergyTce => "综合能耗",
            Field::ElectricityKwh => "用电量",
            Field::PollutionEq => "主要污染物排放当量",
            Field::Employees => "年平均职工人数",
            Field::ValueAdded => "工业增加值",
            Field::WaterM3 => "用水量",
        }
    }

    /// Further Chinese names seen in real spreadsheets.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::LandAreaMu => &["用地面积(亩)", "土地面积", "占地面积"],
            Field::TaxPaid => &["税收", "实际入库税金", "税收实际贡献"],
            Field::MainRevenue => &["营业收入", "主营收入"],
            Field::RdExpense => &["研发经费", "研发投入", "R&D经费"],
            Field::EnergyTce => &["能耗", "综合能源消费量"],
            Field::PollutionEq => &["污染物排放当量", "排污当量"],
            Field::Employees => &["职工人数", "从业人员"],
            _ => &[],
        }
    }

    /// The unit the engine works in (Chinese).
    pub fn unit(self) -> &'static str {
        match self {
            Field::LandAreaMu => "亩",
            Field::TaxPaid
            | Field::ProfitTotal
            | Field::MainRevenue
            | Field::RdExpense
            | Field::GrossOutput
            | Field::ValueAdded => "万元",
            Field::EnergyTce => "吨标准煤",
            Field::ElectricityKwh => "万千瓦时",
            Field::PollutionEq => "污染当量",
            Field::Employees => "人",
            Field::WaterM3 => "立方米",
        }
    }

    /// Whether a negative value is a legitimate figure. Losses (利润), net tax refunds (税收) and
    /// negative value added happen; a negative area, count or consumption is an input error, and
    /// a negative denominator is refused by the spec.
    pub fn allows_negative(self) -> bool {
        matches!(self, Field::TaxPaid | Field::ProfitTotal | Field::ValueAdded)
    }

    /// The code of the department that supplies the figure by default (the data-item catalogue
    /// of the application can assign it differently).
    pub fn owner_department(self) -> &'static str {
        match self {
            Field::LandAreaMu => "natural_resources",
            Field::TaxPaid => "tax",
            Field::ElectricityKwh => "power",
            Field::PollutionEq => "ecology",
            Field::WaterM3 => "water",
            Field::ProfitTotal
            | Field::MainRevenue
            | Field::RdExpense
            | Field::GrossOutput
            | Field::EnergyTce
            | Field::Employees
            | Field::ValueAdded => "statistics",
        }
    }

    /// Finds a field by id or Chinese label/alias.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let norm = normalize_text(text);
        Field::ALL
            .into_iter()
            .find(|f| f.id() == norm || f.label() == norm || f.aliases().contains(&norm.as_ref()))
            .ok_or_else(|| DomainError::Field {
                text: text.trim().to_owned(),
            })
    }
}

/// 规上 (规模以上工业企业, main revenue ≥ 2000 万元) or 规下.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Scale {
    /// 规上.
    Above,
    /// 规下.
    Below,
}

impl Scale {
    /// `above` or `below`.
    pub fn id(self) -> &'static str {
        match self {
            Scale::Above => "above",
            Scale::Below => "below",
        }
    }

    /// 规上 or 规下.
    pub fn label(self) -> &'static str {
        match self {
            Scale::Above => "规上",
            Scale::Below => "规下",
        }
    }

    /// Parses `above`/`below` or 规上/规下 (also 规模以上/规模以下).
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        match normalize_text(text).as_ref() {
            "above" | "ABOVE" | "Above" | "规上" | "规模以上" => Ok(Scale::Above),
            "below" | "BELOW" | "Below" | "规下" | "规模以下" => Ok(Scale::Below),
            _ => Err(DomainError::Scale {
                text: text.trim().to_owned(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_labels_find_their_field() {
        for (i, f) in Field::ALL.into_iter().enumerate() {
            assert_eq!(f.index(), i);
            assert_eq!(Field::parse(f.id()), Ok(f));
            assert_eq!(Field::parse(f.label()), Ok(f));
            for alias in f.aliases() {
                assert_eq!(Field::parse(alias), Ok(f));
            }
        }
        assert!(Field::parse("tax").is_err());
    }

    #[test]
    fn labels_and_aliases_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for f in Field::ALL {
            for name in [f.id(), f.label()].into_iter().chain(f.aliases().iter().copied()) {
                assert!(seen.insert(name), "{name} twice");
            }
        }
    }

    #[test]
    fn scales() {
        assert_eq!(Scale::parse("规上"), Ok(Scale::Above));
        assert_eq!(Scale::parse(" below "), Ok(Scale::Below));
        assert!(Scale::parse("big").is_err());
    }
}

/// The departments of a city that take part (code, Chinese name), in display order.
pub const DEPARTMENTS: [(&str, &str); 12] = [
    ("development", "市发展和改革委员会"),
    ("tax", "国家税务总局驻马店市税务局"),
    ("natural_resources", "市自然资源和规划局"),
    ("statistics", "市统计局"),
    ("power", "国网驻马店供电公司"),
    ("ecology", "市生态环境局"),
    ("science", "市科学技术局"),
    ("market", "市市场监督管理局"),
    ("industry", "市工业和信息化局"),
    ("emergency", "市应急管理局"),
    ("water", "市水利局"),
    ("finance", "市金融工作局"),
];

#[cfg(test)]
mod department_tests {
    use super::*;

    #[test]
    fn every_field_has_a_listed_owner() {
        for f in Field::ALL {
            assert!(
                DEPARTMENTS.iter().any(|(c, _)| *c == f.owner_department()),
                "{f:?}"
            );
        }
    }
}
