//! Cluster indicators of one year: from the sums of the cluster's enterprises' figures and the
//! data the departments supply for the cluster (counts, investment, the price index), each with
//! the words of its derivation.

/// Sums of the enterprises of one cluster in one year (万元, 亩, 吨标准煤 as collected).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sums {
    /// Enterprises with figures.
    pub enterprises: u32,
    /// Of them 规上.
    pub above: u32,
    /// Of them in class A or B in the year.
    pub class_ab: u32,
    /// Σ 用地面积 (亩) of enterprises with land and tax both reported.
    pub land_mu: f64,
    /// Σ 实缴税收 (万元) of the same enterprises.
    pub tax: f64,
    /// Σ 主营业务收入 (万元).
    pub revenue: f64,
    /// Σ 工业增加值 of 规上 enterprises (万元).
    pub value_added_above: f64,
    /// Σ 综合能耗 of 规上 enterprises with value added (吨标准煤).
    pub energy_above: f64,
    /// Σ 工业增加值 of the 规上 enterprises counted in `energy_above` (万元).
    pub value_added_energy: f64,
}

/// What the departments supply for a cluster and year (absent: not supplied).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Supplied {
    /// 工业生产者出厂价格指数 (上年 = 100), to compare value added at constant prices.
    pub price_index: Option<f64>,
    /// 规上 firms that completed an intelligent retrofit.
    pub retrofitted_above: Option<f64>,
    /// A and B firms that completed a round of retrofit.
    pub retrofitted_ab: Option<f64>,
    /// 大中型工业企业数.
    pub large_medium: Option<f64>,
    /// Of them with an R&D institution.
    pub large_medium_rd: Option<f64>,
    /// 省级以上创新平台数.
    pub platforms: Option<f64>,
    /// 技术改造投资 (万元).
    pub tech_investment: Option<f64>,
    /// 工业投资 (万元).
    pub industrial_investment: Option<f64>,
    /// 绿色工厂数 (省级以上).
    pub green_factories: Option<f64>,
}

/// The items departments supply, with their Chinese names and units: `(id, name, unit)`.
pub const SUPPLIED_ITEMS: [(&str, &str, &str); 9] = [
    ("price_index", "工业生产者出厂价格指数（上年=100）", ""),
    ("retrofitted_above", "已完成智能化改造的规上工业企业数", "家"),
    ("retrofitted_ab", "已完成一轮智能化改造的A、B类企业数", "家"),
    ("large_medium", "大中型工业企业数", "家"),
    ("large_medium_rd", "其中建有研发机构的企业数", "家"),
    ("platforms", "省级以上创新平台数", "个"),
    ("tech_investment", "技术改造投资", "万元"),
    ("industrial_investment", "工业投资", "万元"),
    ("green_factories", "省级以上绿色工厂数", "家"),
];

impl Supplied {
    /// Sets an item by id; false for an unknown id.
    pub fn set(&mut self, id: &str, value: f64) -> bool {
        let slot = match id {
            "price_index" => &mut self.price_index,
            "retrofitted_above" => &mut self.retrofitted_above,
            "retrofitted_ab" => &mut self.retrofitted_ab,
            "large_medium" => &mut self.large_medium,
            "large_medium_rd" => &mut self.large_medium_rd,
            "platforms" => &mut self.platforms,
            "tech_investment" => &mut self.tech_investment,
            "industrial_investment" => &mut self.industrial_investment,
            "green_factories" => &mut self.green_factories,
            _ => return false,
        };
        *slot = Some(value);
        true
    }
}

/// A cluster indicator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Indicator {
    /// 亩均税收 (万元/亩).
    TaxPerMu,
    /// 主营业务收入 (亿元).
    Revenue,
    /// 规上工业增加值 (亿元).
    ValueAdded,
    /// 单位工业增加值能耗 (吨标准煤/万元).
    EnergyIntensity,
    /// 单位工业增加值能耗下降率 (%, at comparable prices; positive = fell).
    EnergyDecline,
    /// 规上工业企业智能化改造普及率 (%).
    RetrofitRate,
    /// A、B 类企业完成一轮智能化改造比例 (%).
    AbRetrofitRate,
    /// 大中型工业企业研发机构覆盖率 (%).
    RdCoverage,
    /// 技改投资占工业投资比重 (%).
    TechShare,
    /// 省级以上创新平台数.
    Platforms,
    /// 绿色工厂数.
    GreenFactories,
}

impl Indicator {
    /// Every indicator, in display order.
    pub const ALL: [Indicator; 11] = [
        Indicator::TaxPerMu,
        Indicator::Revenue,
        Indicator::ValueAdded,
        Indicator::EnergyIntensity,
        Indicator::EnergyDecline,
        Indicator::RetrofitRate,
        Indicator::AbRetrofitRate,
        Indicator::RdCoverage,
        Indicator::TechShare,
        Indicator::Platforms,
        Indicator::GreenFactories,
    ];

    /// The id used in method files and storage.
    pub fn id(self) -> &'static str {
        match self {
            Indicator::TaxPerMu => "tax_per_mu",
            Indicator::Revenue => "revenue",
            Indicator::ValueAdded => "value_added",
            Indicator::EnergyIntensity => "energy_intensity",
            Indicator::EnergyDecline => "energy_decline",
            Indicator::RetrofitRate => "retrofit_rate",
            Indicator::AbRetrofitRate => "ab_retrofit_rate",
            Indicator::RdCoverage => "rd_coverage",
            Indicator::TechShare => "tech_share",
            Indicator::Platforms => "platforms",
            Indicator::GreenFactories => "green_factories",
        }
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            Indicator::TaxPerMu => "亩均税收",
            Indicator::Revenue => "主营业务收入",
            Indicator::ValueAdded => "规上工业增加值",
            Indicator::EnergyIntensity => "单位工业增加值能耗",
            Indicator::EnergyDecline => "单位工业增加值能耗下降率",
            Indicator::RetrofitRate => "规上工业企业智能化改造普及率",
            Indicator::AbRetrofitRate => "A、B类企业智能化改造完成率",
            Indicator::RdCoverage => "大中型工业企业研发机构覆盖率",
            Indicator::TechShare => "技改投资占工业投资比重",
            Indicator::Platforms => "省级以上创新平台",
            Indicator::GreenFactories => "绿色工厂",
        }
    }

    /// The unit.
    pub fn unit(self) -> &'static str {
        match self {
            Indicator::TaxPerMu => "万元/亩",
            Indicator::Revenue | Indicator::ValueAdded => "亿元",
            Indicator::EnergyIntensity => "吨标准煤/万元",
            Indicator::EnergyDecline
            | Indicator::RetrofitRate
            | Indicator::AbRetrofitRate
            | Indicator::RdCoverage
            | Indicator::TechShare => "%",
            Indicator::Platforms => "个",
            Indicator::GreenFactories => "家",
        }
    }

    /// Whether a higher value is better (all but energy intensity).
    pub fn higher_is_better(self) -> bool {
        self != Indicator::EnergyIntensity
    }

    /// Parses an id.
    pub fn parse(id: &str) -> Option<Indicator> {
        Indicator::ALL.into_iter().find(|i| i.id() == id)
    }
}

/// One computed indicator.
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    /// Which.
    pub indicator: Indicator,
    /// The value (absent when its inputs are missing or a denominator is zero).
    pub value: Option<f64>,
    /// How it was derived, in words (or why it is absent).
    pub derivation: String,
}

fn n2(x: f64) -> String {
    format!("{x:.2}")
}

fn ratio(a: f64, b: f64) -> Option<f64> {
    (b > 0.0 && a.is_finite() && b.is_finite()).then(|| a / b)
}

/// The indicators of one cluster-year, given the year before's sums (for the decline rate).
pub fn compute(now: &Sums, before: Option<&Sums>, data: &Supplied) -> Vec<Value> {
    let mut out = Vec::with_capacity(Indicator::ALL.len());
    let mut push = |indicator, value: Option<f64>, derivation: String| {
        out.push(Value {
            indicator,
            value,
            derivation,
        });
    };
    push(
        Indicator::TaxPerMu,
        ratio(now.tax, now.land_mu),
        format!(
            "实缴税收合计 {} 万元 ÷ 用地面积合计 {} 亩",
            n2(now.tax),
            n2(now.land_mu)
        ),
    );
    push(
        Indicator::Revenue,
        Some(now.revenue / 10_000.0),
        format!(
            "{} 家企业主营业务收入合计 {} 万元",
            now.enterprises,
            n2(now.revenue)
        ),
    );
    push(
        Indicator::ValueAdded,
        Some(now.value_added_above / 10_000.0),
        format!(
            "{} 家规上企业工业增加值合计 {} 万元",
            now.above,
            n2(now.value_added_above)
        ),
    );
    let intensity = ratio(now.energy_above, now.value_added_energy);
    push(
        Indicator::EnergyIntensity,
        intensity,
        format!(
            "规上企业综合能耗 {} 吨标准煤 ÷ 工业增加值 {} 万元",
            n2(now.energy_above),
            n2(now.value_added_energy)
        ),
    );
    let decline = match (before, data.price_index) {
        (None, _) => (None, "缺少上年数据".to_owned()),
        (Some(_), None) => (None, "缺少工业生产者出厂价格指数（统计局提供）".to_owned()),
        (Some(b), Some(p)) => {
            // This year's value added at last year's prices: divide by the price index.
            let va_constant = now.value_added_energy / (p / 100.0);
            let now_i = ratio(now.energy_above, va_constant);
            let before_i = ratio(b.energy_above, b.value_added_energy);
            match (now_i, before_i) {
                (Some(a), Some(z)) if z > 0.0 => (
                    Some((1.0 - a / z) * 100.0),
                    format!(
                        "（1 − 本年可比价强度 {a:.4} ÷ 上年强度 {z:.4}）× 100%；本年增加值按价格指数 {} 折算为上年价 {} 万元",
                        n2(p),
                        n2(va_constant)
                    ),
                ),
                _ => (None, "本年或上年工业增加值为 0".to_owned()),
            }
        }
    };
    push(Indicator::EnergyDecline, decline.0, decline.1);
    let share = |part: Option<f64>, whole: Option<f64>, what: &str, of: &str| match (part, whole) {
        (Some(p), Some(w)) if w > 0.0 => (Some(p / w * 100.0), format!("{what} {} ÷ {of} {}", n2(p), n2(w))),
        (None, _) => (None, format!("缺少“{what}”")),
        _ => (None, format!("缺少“{of}”或为 0")),
    };
    let r = share(
        data.retrofitted_above,
        Some(f64::from(now.above)),
        "已完成智能化改造的规上企业",
        "规上企业",
    );
    push(Indicator::RetrofitRate, r.0, r.1);
    let r = share(
        data.retrofitted_ab,
        Some(f64::from(now.class_ab)),
        "完成一轮改造的A、B类企业",
        "A、B类企业",
    );
    push(Indicator::AbRetrofitRate, r.0, r.1);
    let r = share(
        data.large_medium_rd,
        data.large_medium,
        "建有研发机构的大中型企业",
        "大中型工业企业",
    );
    push(Indicator::RdCoverage, r.0, r.1);
    let r = share(
        data.tech_investment,
        data.industrial_investment,
        "技术改造投资（万元）",
        "工业投资（万元）",
    );
    push(Indicator::TechShare, r.0, r.1);
    let count = |v: Option<f64>, what: &str| match v {
        Some(x) => (Some(x), format!("部门报送：{what} {}", n2(x))),
        None => (None, format!("缺少“{what}”")),
    };
    let r = count(data.platforms, "省级以上创新平台数");
    push(Indicator::Platforms, r.0, r.1);
    let r = count(data.green_factories, "省级以上绿色工厂数");
    push(Indicator::GreenFactories, r.0, r.1);
    out
}

/// The scale tier of a cluster by 主营业务收入 (亿元): 千亿级, 百亿级 or none.
pub fn scale_tier(revenue_yi: Option<f64>) -> &'static str {
    match revenue_yi {
        Some(r) if r >= 1000.0 => "千亿级",
        Some(r) if r >= 100.0 => "百亿级",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(v: &[Value], i: Indicator) -> Option<f64> {
        v.iter().find(|x| x.indicator == i).and_then(|x| x.value)
    }

    #[test]
    fn indicators_worked_by_hand() {
        let before = Sums {
            energy_above: 1000.0,
            value_added_energy: 2000.0,
            ..Sums::default()
        };
        let now = Sums {
            enterprises: 40,
            above: 20,
            class_ab: 10,
            land_mu: 4000.0,
            tax: 30_000.0,
            revenue: 1_500_000.0,
            value_added_above: 2100.0,
            energy_above: 1000.0,
            value_added_energy: 2100.0,
        };
        let data = Supplied {
            price_index: Some(105.0),
            retrofitted_above: Some(12.0),
            retrofitted_ab: Some(10.0),
            large_medium: Some(5.0),
            large_medium_rd: Some(4.0),
            tech_investment: Some(25.0),
            industrial_investment: Some(100.0),
            ..Supplied::default()
        };
        let v = compute(&now, Some(&before), &data);
        assert_eq!(value(&v, Indicator::TaxPerMu), Some(7.5));
        assert_eq!(value(&v, Indicator::Revenue), Some(150.0));
        assert_eq!(scale_tier(value(&v, Indicator::Revenue)), "百亿级");
        assert!((value(&v, Indicator::EnergyIntensity).unwrap() - 1000.0 / 2100.0).abs() < 1e-12);
        // 2100 at this year's prices is 2000 at last year's (index 105): same intensity as last
        // year, so no decline at comparable prices, although the nominal intensity fell.
        assert!(value(&v, Indicator::EnergyDecline).unwrap().abs() < 1e-9);
        assert_eq!(value(&v, Indicator::RetrofitRate), Some(60.0));
        assert_eq!(value(&v, Indicator::AbRetrofitRate), Some(100.0));
        assert_eq!(value(&v, Indicator::RdCoverage), Some(80.0));
        assert_eq!(value(&v, Indicator::TechShare), Some(25.0));
        assert_eq!(value(&v, Indicator::Platforms), None);
        let d = &v
            .iter()
            .find(|x| x.indicator == Indicator::TaxPerMu)
            .unwrap()
            .derivation;
        assert_eq!(d, "实缴税收合计 30000.00 万元 ÷ 用地面积合计 4000.00 亩");
    }

    #[test]
    fn a_fall_at_comparable_prices() {
        let before = Sums {
            energy_above: 1000.0,
            value_added_energy: 2000.0,
            ..Sums::default()
        };
        let now = Sums {
            energy_above: 975.0,
            value_added_energy: 2000.0,
            ..Sums::default()
        };
        let data = Supplied {
            price_index: Some(100.0),
            ..Supplied::default()
        };
        let v = compute(&now, Some(&before), &data);
        assert!((value(&v, Indicator::EnergyDecline).unwrap() - 2.5).abs() < 1e-9);
        let v = compute(&now, Some(&before), &Supplied::default());
        assert_eq!(value(&v, Indicator::EnergyDecline), None);
        assert!(v[4].derivation.contains("价格指数"));
    }
}
