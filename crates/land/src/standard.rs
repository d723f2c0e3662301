//! 标准地 commitments: the indicators agreed when the land was sold, checked at completion
//! (投资强度, 容积率) and at each 达产复核 (亩均税收, 单位能耗增加值, 单位排放增加值, 研发投入强度) against
//! what was built and what the evaluated figures show.
//!
//! Formulas (shared notes §3.3): 投资强度 = fixed investment including the land price ÷ land area;
//! 容积率 = total floor area ÷ land area. The plan takes 招商引资 incentives from enterprises that miss
//! the agreed 投资强度, 税收贡献 or 生产效益; "生产效益" is read as the efficiency indicators
//! (能耗 and 排放 per value added) — an assumption the city can revisit.

/// Square metres in one 亩.
pub const M2_PER_MU: f64 = 10_000.0 / 15.0;

/// The agreed indicators (any may be absent: a contract that is not 标准地 has none).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Commitments {
    /// 投资强度 ≥ (万元/亩).
    pub investment_per_mu: Option<f64>,
    /// 容积率 ≥.
    pub plot_ratio: Option<f64>,
    /// 亩均税收 ≥ (万元/亩).
    pub tax_per_mu: Option<f64>,
    /// 单位能耗增加值 ≥ (万元/吨标准煤).
    pub value_added_per_tce: Option<f64>,
    /// 单位排放增加值 ≥ (万元/污染当量).
    pub value_added_per_pollution: Option<f64>,
    /// 研发投入强度 ≥ (%).
    pub rd_share_pct: Option<f64>,
}

/// One indicator of the set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Indicator {
    /// 投资强度.
    InvestmentPerMu,
    /// 容积率.
    PlotRatio,
    /// 亩均税收.
    TaxPerMu,
    /// 单位能耗增加值.
    ValueAddedPerTce,
    /// 单位排放增加值.
    ValueAddedPerPollution,
    /// 研发投入强度.
    RdShare,
}

impl Indicator {
    /// The indicator's name.
    pub fn label(self) -> &'static str {
        match self {
            Indicator::InvestmentPerMu => "投资强度",
            Indicator::PlotRatio => "容积率",
            Indicator::TaxPerMu => "亩均税收",
            Indicator::ValueAddedPerTce => "单位能耗增加值",
            Indicator::ValueAddedPerPollution => "单位排放增加值",
            Indicator::RdShare => "研发投入强度",
        }
    }

    /// Its unit.
    pub fn unit(self) -> &'static str {
        match self {
            Indicator::InvestmentPerMu | Indicator::TaxPerMu => "万元/亩",
            Indicator::PlotRatio => "",
            Indicator::ValueAddedPerTce => "万元/吨标准煤",
            Indicator::ValueAddedPerPollution => "万元/污染当量",
            Indicator::RdShare => "%",
        }
    }

    /// Missing it costs the 招商引资 incentives (投资强度, 税收贡献, 生产效益).
    pub fn costs_incentives(self) -> bool {
        matches!(
            self,
            Indicator::InvestmentPerMu
                | Indicator::TaxPerMu
                | Indicator::ValueAddedPerTce
                | Indicator::ValueAddedPerPollution
        )
    }
}

/// One missed commitment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shortfall {
    /// The indicator.
    pub indicator: Indicator,
    /// Agreed.
    pub agreed: f64,
    /// Achieved.
    pub actual: f64,
    /// What is missing in money (万元) where the indicator is per 亩: the gap × the land area.
    pub amount: Option<f64>,
}

impl Shortfall {
    /// The shortfall in words.
    pub fn describe(&self) -> String {
        let unit = self.indicator.unit();
        let mut s = format!(
            "{}约定 ≥ {:.2}{unit}，实际 {:.2}{unit}",
            self.indicator.label(),
            self.agreed,
            self.actual
        );
        if let Some(a) = self.amount {
            s.push_str(&format!("，差额 {a:.2} 万元"));
        }
        s
    }
}

/// What was built, at completion.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Built {
    /// Land area (亩).
    pub land_mu: f64,
    /// Fixed investment made, land price excluded (万元).
    pub investment: f64,
    /// Land price (万元).
    pub land_price: f64,
    /// Total floor area (m²).
    pub floor_area_m2: f64,
}

fn check(indicator: Indicator, agreed: Option<f64>, actual: f64, land_mu: Option<f64>) -> Option<Shortfall> {
    let agreed = agreed?;
    (actual < agreed).then(|| Shortfall {
        indicator,
        agreed,
        actual,
        amount: land_mu.map(|mu| (agreed - actual) * mu),
    })
}

/// The completion check (竣工): 投资强度 and 容积率. `None` when the land area is not positive.
pub fn at_completion(c: &Commitments, b: &Built) -> Option<Vec<Shortfall>> {
    if b.land_mu.is_nan() || b.land_mu <= 0.0 {
        return None;
    }
    let intensity = (b.investment + b.land_price) / b.land_mu;
    let ratio = b.floor_area_m2 / (b.land_mu * M2_PER_MU);
    Some(
        [
            check(
                Indicator::InvestmentPerMu,
                c.investment_per_mu,
                intensity,
                Some(b.land_mu),
            ),
            check(Indicator::PlotRatio, c.plot_ratio, ratio, None),
        ]
        .into_iter()
        .flatten()
        .collect(),
    )
}

/// A year's evaluated figures of the holder.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct YearFigures {
    /// 实缴税收 (万元).
    pub tax: Option<f64>,
    /// 工业增加值 (万元).
    pub value_added: Option<f64>,
    /// 综合能耗 (吨标准煤).
    pub energy_tce: Option<f64>,
    /// 主要污染物排放当量.
    pub pollution: Option<f64>,
    /// 研发经费投入 (万元).
    pub rd: Option<f64>,
    /// 主营业务收入 (万元).
    pub revenue: Option<f64>,
}

/// The 达产复核 of a year on the contracted land (亩). An indicator whose figures are missing
/// is not judged (the list says so separately).
pub fn at_production(c: &Commitments, land_mu: f64, f: &YearFigures) -> (Vec<Shortfall>, Vec<Indicator>) {
    let mut short = Vec::new();
    let mut unknown = Vec::new();
    let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => Some(a / b),
        _ => None,
    };
    let items = [
        (
            Indicator::TaxPerMu,
            c.tax_per_mu,
            ratio(f.tax, Some(land_mu)),
            Some(land_mu),
        ),
        (
            Indicator::ValueAddedPerTce,
            c.value_added_per_tce,
            ratio(f.value_added, f.energy_tce),
            None,
        ),
        (
            Indicator::ValueAddedPerPollution,
            c.value_added_per_pollution,
            ratio(f.value_added, f.pollution),
            None,
        ),
        (
            Indicator::RdShare,
            c.rd_share_pct,
            ratio(f.rd, f.revenue).map(|r| r * 100.0),
            None,
        ),
    ];
    for (indicator, agreed, actual, mu) in items {
        if agreed.is_none() {
            continue;
        }
        match actual {
            Some(actual) => short.extend(check(indicator, agreed, actual, mu)),
            None => unknown.push(indicator),
        }
    }
    (short, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commitments() -> Commitments {
        Commitments {
            investment_per_mu: Some(300.0),
            plot_ratio: Some(1.2),
            tax_per_mu: Some(15.0),
            value_added_per_tce: Some(2.0),
            value_added_per_pollution: None,
            rd_share_pct: Some(1.5),
        }
    }

    #[test]
    fn completion_counts_the_land_price_and_the_floor_area() {
        // 50 亩, 13,000 万元 built + 2,000 万元 land = 300 万元/亩 exactly: met.
        // Floor area 1.2 × 50 亩 × 666.67 m² = 40,000 m²: met exactly.
        let b = Built {
            land_mu: 50.0,
            investment: 13_000.0,
            land_price: 2_000.0,
            floor_area_m2: 40_000.0,
        };
        assert_eq!(at_completion(&commitments(), &b).unwrap(), vec![]);
        let short = Built {
            investment: 12_000.0,
            floor_area_m2: 30_000.0,
            ..b
        };
        let found = at_completion(&commitments(), &short).unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].indicator, Indicator::InvestmentPerMu);
        assert!((found[0].actual - 280.0).abs() < 1e-9);
        assert!(
            (found[0].amount.unwrap() - 1_000.0).abs() < 1e-9,
            "20 万元/亩 × 50 亩"
        );
        assert!((found[1].actual - 0.9).abs() < 1e-9);
        assert!(
            found[0].describe().contains("差额 1000.00 万元"),
            "{}",
            found[0].describe()
        );
    }

    #[test]
    fn production_review_judges_what_the_figures_show() {
        let f = YearFigures {
            tax: Some(740.0),
            value_added: Some(3_000.0),
            energy_tce: Some(1_000.0),
            pollution: None,
            rd: None,
            revenue: Some(20_000.0),
        };
        let (short, unknown) = at_production(&commitments(), 50.0, &f);
        // 740 / 50 = 14.8 < 15: short by 0.2 × 50 = 10 万元; 3.0 万元/吨 ≥ 2.0: met.
        assert_eq!(short.len(), 1);
        assert!((short[0].amount.unwrap() - 10.0).abs() < 1e-9);
        assert!(short[0].indicator.costs_incentives());
        assert_eq!(unknown, vec![Indicator::RdShare], "R&D missing: not judged");
        let exact = YearFigures {
            tax: Some(750.0),
            ..f
        };
        assert!(at_production(&commitments(), 50.0, &exact).0.is_empty());
    }
}
