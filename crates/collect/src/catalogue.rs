//! The data-item catalogue: one entry per item a department reports for an enterprise and year.

use mujun_domain::Field;

/// What kind of value an item holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// A number in the item's unit.
    Number,
    /// Yes/no (是/否), e.g. a bonus or veto item.
    Flag,
    /// 规上/规下.
    Scale,
}

impl ValueKind {
    /// The id stored in the database.
    pub fn id(self) -> &'static str {
        match self {
            ValueKind::Number => "number",
            ValueKind::Flag => "flag",
            ValueKind::Scale => "scale",
        }
    }

    /// Parses a stored id.
    pub fn parse(id: &str) -> Option<ValueKind> {
        match id {
            "number" => Some(ValueKind::Number),
            "flag" => Some(ValueKind::Flag),
            "scale" => Some(ValueKind::Scale),
            _ => None,
        }
    }
}

/// One data item.
#[derive(Clone, Debug, PartialEq)]
pub struct CatalogueItem {
    /// Item id: a field id of spec §1 (`tax_paid`), `scale`, `bonus.<item>` or `veto.<item>`.
    pub id: String,
    /// Chinese label (the template header, without the unit).
    pub label: String,
    /// Code of the department that supplies it.
    pub department_code: String,
    /// Unit as shown in the header (empty for flags and scale).
    pub unit: String,
    /// Kind of value.
    pub kind: ValueKind,
    /// Least allowed value (numbers).
    pub min: Option<f64>,
    /// Greatest allowed value (numbers).
    pub max: Option<f64>,
    /// Required for 规上 enterprises.
    pub required_above: bool,
    /// Required for 规下 enterprises.
    pub required_below: bool,
    /// Changes slowly (land): last year's value may be copied as a starting point.
    pub slow_moving: bool,
    /// Chinese description for the 填表说明 sheet and the input hint.
    pub description: String,
    /// Codes of other departments that may see this item (default none).
    pub shared_with: Vec<String>,
    /// Display order.
    pub sort_order: i64,
}

impl CatalogueItem {
    /// The header of the item's template column, e.g. `实缴税收（万元）`.
    pub fn header(&self) -> String {
        if self.unit.is_empty() {
            self.label.clone()
        } else {
            format!("{}（{}）", self.label, self.unit)
        }
    }

    /// The field of spec §1 the item feeds, if any.
    pub fn field(&self) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.id() == self.id)
    }

    /// Whether an enterprise of this scale must report the item.
    pub fn required_for(&self, above: bool) -> bool {
        if above {
            self.required_above
        } else {
            self.required_below
        }
    }

    /// The range in words, for hints (e.g. `0 – 1000000`).
    pub fn range_text(&self) -> String {
        match (self.min, self.max) {
            (Some(a), Some(b)) => format!("{a} – {b}"),
            (Some(a), None) => format!("不小于 {a}"),
            (None, Some(b)) => format!("不大于 {b}"),
            (None, None) => "不限".into(),
        }
    }
}

fn number(
    field: Field,
    min: Option<f64>,
    max: f64,
    slow: bool,
    required_below: bool,
    description: &str,
) -> CatalogueItem {
    CatalogueItem {
        id: field.id().into(),
        label: field.label().into(),
        department_code: field.owner_department().into(),
        unit: field.unit().into(),
        kind: ValueKind::Number,
        min,
        max: Some(max),
        required_above: true,
        required_below,
        slow_moving: slow,
        description: description.into(),
        shared_with: Vec::new(),
        sort_order: 0,
    }
}

fn flag(id: &str, label: &str, department: &str, description: &str) -> CatalogueItem {
    CatalogueItem {
        id: id.into(),
        label: label.into(),
        department_code: department.into(),
        unit: String::new(),
        kind: ValueKind::Flag,
        min: None,
        max: None,
        required_above: false,
        required_below: false,
        slow_moving: false,
        description: description.into(),
        shared_with: Vec::new(),
        sort_order: 0,
    }
}

/// The catalogue a new installation starts from: every input of spec §1 with its usual
/// department (domain.md), plus 规模 and the bonus and veto items of the Henan method.
pub fn default_catalogue() -> Vec<CatalogueItem> {
    use Field as F;
    let money = 1e8; // 万元: ten thousand 亿元 is beyond any enterprise
    let mut v = vec![
        CatalogueItem {
            id: "scale".into(),
            label: "规模".into(),
            department_code: "statistics".into(),
            unit: String::new(),
            kind: ValueKind::Scale,
            min: None,
            max: None,
            required_above: true,
            required_below: true,
            slow_moving: false,
            description: "规上（规模以上工业企业，主营业务收入 ≥ 2000 万元）或规下，每年重新认定".into(),
            shared_with: Vec::new(),
            sort_order: 0,
        },
        number(
            F::LandAreaMu,
            Some(0.0),
            1e6,
            true,
            true,
            "企业实际使用的工业用地面积：自有宗地（不动产权证）− 出租 + 承租；录入了宗地与租赁记录的企业由系统推算",
        ),
        number(
            F::TaxPaid,
            Some(-money),
            money,
            false,
            true,
            "当年实际缴纳的各项税收（不含退税前数），万元",
        ),
        number(
            F::ProfitTotal,
            Some(-money),
            money,
            false,
            false,
            "利润总额，亏损填负数",
        ),
        number(
            F::MainRevenue,
            Some(0.0),
            money,
            false,
            true,
            "主营业务收入（营业收入）",
        ),
        number(
            F::RdExpense,
            Some(0.0),
            money,
            false,
            false,
            "研究与试验发展（R&D）经费支出",
        ),
        number(
            F::GrossOutput,
            Some(0.0),
            money,
            false,
            false,
            "工业总产值（当年价）",
        ),
        number(
            F::EnergyTce,
            Some(0.0),
            1e8,
            false,
            false,
            "综合能源消费量，吨标准煤（当量值）",
        ),
        number(
            F::ElectricityKwh,
            Some(0.0),
            1e7,
            false,
            true,
            "全年用电量，万千瓦时（按户号汇总到企业）",
        ),
        number(
            F::PollutionEq,
            Some(0.0),
            1e9,
            false,
            false,
            "主要污染物（COD、氨氮、SO₂、NOx）排放当量合计；无排放填 0，缺监测数据留空",
        ),
        number(F::Employees, Some(0.0), 1e6, true, false, "年平均职工人数"),
        number(F::ValueAdded, Some(-money), money, false, false, "工业增加值"),
        number(F::WaterM3, Some(0.0), 1e10, false, false, "全年用水量，立方米"),
    ];
    v.extend([
        flag(
            "bonus.high_tech",
            "高新技术企业",
            "science",
            "当年有效的高新技术企业认定",
        ),
        flag(
            "bonus.listed",
            "境内外上市公司",
            "finance",
            "境内外证券交易所上市",
        ),
        flag(
            "bonus.provincial_rd_platform",
            "省级以上研发平台",
            "science",
            "省级以上工程技术研究中心、重点实验室、企业技术中心等",
        ),
        flag(
            "bonus.quality_award",
            "近2年获质量奖",
            "market",
            "近两年获中国质量奖、省长质量奖或市长质量奖",
        ),
        flag(
            "bonus.strategic_emerging",
            "战略性新兴产业企业",
            "development",
            "列入战略性新兴产业的企业",
        ),
        flag(
            "veto.major_safety_accident",
            "重大安全生产事故",
            "emergency",
            "当年发生重大及以上生产安全事故",
        ),
        flag(
            "veto.major_pollution_incident",
            "重大环境污染事件",
            "ecology",
            "当年发生重大环境污染事件",
        ),
        flag(
            "veto.serious_dishonesty",
            "严重失信",
            "development",
            "列入严重失信主体名单",
        ),
    ]);
    for (i, item) in v.iter_mut().enumerate() {
        item.sort_order = i as i64;
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_is_in_the_default_catalogue_once() {
        let c = default_catalogue();
        for f in Field::ALL {
            assert_eq!(c.iter().filter(|i| i.field() == Some(f)).count(), 1, "{f:?}");
        }
        let mut ids: Vec<&str> = c.iter().map(|i| i.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), c.len(), "ids are unique");
        assert!(c.iter().all(|i| {
            mujun_domain::DEPARTMENTS
                .iter()
                .any(|(d, _)| *d == i.department_code)
        }));
    }

    #[test]
    fn headers_carry_units() {
        let c = default_catalogue();
        let tax = c.iter().find(|i| i.id == "tax_paid").expect("tax");
        assert_eq!(tax.header(), "实缴税收（万元）");
        let flag = c.iter().find(|i| i.id == "bonus.high_tech").expect("flag");
        assert_eq!(flag.header(), "高新技术企业");
    }
}
