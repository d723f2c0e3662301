//! The twelve indicators of the evaluation (spec §3).

use crate::{DomainError, Field, normalize_text};

/// An indicator id.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum IndicatorId {
    /// 亩均税收 = tax_paid / land_area_mu.
    TaxPerMu,
    /// 亩均利润 = profit_total / land_area_mu.
    ProfitPerMu,
    /// 亩均营业收入 = main_revenue / land_area_mu.
    RevenuePerMu,
    /// 亩均增加值 = value_added / land_area_mu.
    ValueAddedPerMu,
    /// 研发投入强度 = rd_expense / main_revenue (a ratio, not %).
    RdIntensity,
    /// 单位能耗总产值 = gross_output / energy_tce.
    OutputPerEnergy,
    /// 单位能耗增加值 = value_added / energy_tce.
    ValueAddedPerEnergy,
    /// 单位污染排放税收 = tax_paid / pollution_eq.
    TaxPerPollution,
    /// 单位排放增加值 = value_added / pollution_eq.
    ValueAddedPerPollution,
    /// 全员劳动生产率 = value_added / employees.
    LaborProductivity,
    /// 单位电耗税收 = tax_paid / electricity_kwh.
    TaxPerKwh,
    /// 实缴税收 (absolute).
    TaxPaid,
}

impl IndicatorId {
    /// Every indicator, in the order of the spec's table.
    pub const ALL: [IndicatorId; 12] = [
        IndicatorId::TaxPerMu,
        IndicatorId::ProfitPerMu,
        IndicatorId::RevenuePerMu,
        IndicatorId::ValueAddedPerMu,
        IndicatorId::RdIntensity,
        IndicatorId::OutputPerEnergy,
        IndicatorId::ValueAddedPerEnergy,
        IndicatorId::TaxPerPollution,
        IndicatorId::ValueAddedPerPollution,
        IndicatorId::LaborProductivity,
        IndicatorId::TaxPerKwh,
        IndicatorId::TaxPaid,
    ];

    /// The id used in method files and output columns.
    pub fn id(self) -> &'static str {
        match self {
            IndicatorId::TaxPerMu => "tax_per_mu",
            IndicatorId::ProfitPerMu => "profit_per_mu",
            IndicatorId::RevenuePerMu => "revenue_per_mu",
            IndicatorId::ValueAddedPerMu => "value_added_per_mu",
            IndicatorId::RdIntensity => "rd_intensity",
            IndicatorId::OutputPerEnergy => "output_per_energy",
            IndicatorId::ValueAddedPerEnergy => "value_added_per_energy",
            IndicatorId::TaxPerPollution => "tax_per_pollution",
            IndicatorId::ValueAddedPerPollution => "value_added_per_pollution",
            IndicatorId::LaborProductivity => "labor_productivity",
            IndicatorId::TaxPerKwh => "tax_per_kwh",
            IndicatorId::TaxPaid => "tax_paid",
        }
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            IndicatorId::TaxPerMu => "亩均税收",
            IndicatorId::ProfitPerMu => "亩均利润",
            IndicatorId::RevenuePerMu => "亩均营业收入",
            IndicatorId::ValueAddedPerMu => "亩均增加值",
            IndicatorId::RdIntensity => "研发投入强度",
            IndicatorId::OutputPerEnergy => "单位能耗总产值",
            IndicatorId::ValueAddedPerEnergy => "单位能耗增加值",
            IndicatorId::TaxPerPollution => "单位污染排放税收",
            IndicatorId::ValueAddedPerPollution => "单位排放增加值",
            IndicatorId::LaborProductivity => "全员劳动生产率",
            IndicatorId::TaxPerKwh => "单位电耗税收",
            IndicatorId::TaxPaid => "实缴税收",
        }
    }

    /// The unit of the indicator's value (Chinese).
    pub fn unit(self) -> &'static str {
        match self {
            IndicatorId::TaxPerMu
            | IndicatorId::ProfitPerMu
            | IndicatorId::RevenuePerMu
            | IndicatorId::ValueAddedPerMu => "万元/亩",
            IndicatorId::RdIntensity => "比值",
            IndicatorId::OutputPerEnergy | IndicatorId::ValueAddedPerEnergy => "万元/吨标准煤",
            IndicatorId::TaxPerPollution | IndicatorId::ValueAddedPerPollution => "万元/污染当量",
            IndicatorId::LaborProductivity => "万元/人",
            IndicatorId::TaxPerKwh => "万元/万千瓦时",
            IndicatorId::TaxPaid => "万元",
        }
    }

    /// The numerator and, for a ratio indicator, the denominator.
    pub fn formula(self) -> (Field, Option<Field>) {
        use Field as F;
        match self {
            IndicatorId::TaxPerMu => (F::TaxPaid, Some(F::LandAreaMu)),
            IndicatorId::ProfitPerMu => (F::ProfitTotal, Some(F::LandAreaMu)),
            IndicatorId::RevenuePerMu => (F::MainRevenue, Some(F::LandAreaMu)),
            IndicatorId::ValueAddedPerMu => (F::ValueAdded, Some(F::LandAreaMu)),
            IndicatorId::RdIntensity => (F::RdExpense, Some(F::MainRevenue)),
            IndicatorId::OutputPerEnergy => (F::GrossOutput, Some(F::EnergyTce)),
            IndicatorId::ValueAddedPerEnergy => (F::ValueAdded, Some(F::EnergyTce)),
            IndicatorId::TaxPerPollution => (F::TaxPaid, Some(F::PollutionEq)),
            IndicatorId::ValueAddedPerPollution => (F::ValueAdded, Some(F::PollutionEq)),
            IndicatorId::LaborProductivity => (F::ValueAdded, Some(F::Employees)),
            IndicatorId::TaxPerKwh => (F::TaxPaid, Some(F::ElectricityKwh)),
            IndicatorId::TaxPaid => (F::TaxPaid, None),
        }
    }

    /// Finds an indicator by id.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let norm = normalize_text(text);
        IndicatorId::ALL
            .into_iter()
            .find(|i| i.id() == norm)
            .ok_or_else(|| DomainError::Indicator {
                text: text.to_owned(),
            })
    }
}

impl std::fmt::Display for IndicatorId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for i in IndicatorId::ALL {
            assert_eq!(IndicatorId::parse(i.id()), Ok(i));
            assert!(seen.insert(i.id()));
        }
        assert!(IndicatorId::parse("tax_per_acre").is_err());
    }

    #[test]
    fn formulas_follow_the_spec_table() {
        assert_eq!(
            IndicatorId::TaxPerMu.formula(),
            (Field::TaxPaid, Some(Field::LandAreaMu))
        );
        assert_eq!(
            IndicatorId::RdIntensity.formula(),
            (Field::RdExpense, Some(Field::MainRevenue))
        );
        assert_eq!(
            IndicatorId::LaborProductivity.formula(),
            (Field::ValueAdded, Some(Field::Employees))
        );
        assert_eq!(IndicatorId::TaxPaid.formula(), (Field::TaxPaid, None));
    }
}
