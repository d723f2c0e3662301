//! Units of land and money, and exact conversions into the units the engine works in
//! (亩 and 万元).
//!
//! 1 亩 = 10000/15 m² = 2000/3 m², 1 公顷 = 15 亩, 1 万元 = 10000 元. Each conversion is written so
//! that it rounds once: for m² the product `m² × 3` is exact for every value a real parcel has
//! (integers and decimals with few digits below 2^50), and the single division by 2000 then
//! gives the correctly rounded 亩 value. Multiplying by the inexact 0.0015 would not.

/// A unit of land area.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AreaUnit {
    /// 亩.
    Mu,
    /// 平方米.
    SquareMetre,
    /// 公顷.
    Hectare,
}

/// A unit of money.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum MoneyUnit {
    /// 万元 (the engine's unit).
    WanYuan,
    /// 元.
    Yuan,
}

impl AreaUnit {
    /// Converts a value in this unit to 亩.
    pub fn to_mu(self, value: f64) -> f64 {
        match self {
            AreaUnit::Mu => value,
            AreaUnit::SquareMetre => value * 3.0 / 2000.0,
            AreaUnit::Hectare => value * 15.0,
        }
    }

    /// Converts a value in 亩 to this unit.
    pub fn from_mu(self, mu: f64) -> f64 {
        match self {
            AreaUnit::Mu => mu,
            AreaUnit::SquareMetre => mu * 2000.0 / 3.0,
            AreaUnit::Hectare => mu / 15.0,
        }
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            AreaUnit::Mu => "亩",
            AreaUnit::SquareMetre => "平方米",
            AreaUnit::Hectare => "公顷",
        }
    }

    /// Recognises a unit as written in a column header.
    pub fn parse(text: &str) -> Option<Self> {
        match crate::normalize_text(text).as_ref() {
            "亩" | "mu" => Some(AreaUnit::Mu),
            "平方米" | "m²" | "m2" | "㎡" | "平米" => Some(AreaUnit::SquareMetre),
            "公顷" | "hm²" | "hm2" | "ha" => Some(AreaUnit::Hectare),
            _ => None,
        }
    }
}

impl MoneyUnit {
    /// Converts a value in this unit to 万元.
    pub fn to_wan(self, value: f64) -> f64 {
        match self {
            MoneyUnit::WanYuan => value,
            MoneyUnit::Yuan => value / 10_000.0,
        }
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            MoneyUnit::WanYuan => "万元",
            MoneyUnit::Yuan => "元",
        }
    }

    /// Recognises a unit as written in a column header.
    pub fn parse(text: &str) -> Option<Self> {
        match crate::normalize_text(text).as_ref() {
            "万元" => Some(MoneyUnit::WanYuan),
            "元" => Some(MoneyUnit::Yuan),
            _ => None,
        }
    }
}

/// Square metres in one 亩, as a rounded constant for display only.
pub const SQUARE_METRES_PER_MU_DISPLAY: f64 = 666.67;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn whole_values_convert_exactly() {
        assert_eq!(AreaUnit::SquareMetre.to_mu(10_000.0), 15.0);
        assert_eq!(AreaUnit::SquareMetre.to_mu(2_000.0), 3.0);
        assert_eq!(AreaUnit::Hectare.to_mu(1.0), 15.0);
        assert_eq!(AreaUnit::Hectare.to_mu(2.5), 37.5);
        assert_eq!(AreaUnit::SquareMetre.from_mu(3.0), 2000.0);
        assert_eq!(MoneyUnit::Yuan.to_wan(12_345.0), 1.2345);
        assert_eq!(MoneyUnit::Yuan.to_wan(20_000_000.0), 2000.0);
        assert_eq!(MoneyUnit::WanYuan.to_wan(1.5), 1.5);
    }

    #[test]
    fn one_mu_is_two_thirds_of_a_thousand_square_metres() {
        let one = AreaUnit::SquareMetre.to_mu(2000.0 / 3.0);
        assert!((one - 1.0).abs() <= f64::EPSILON);
        assert!((AreaUnit::SquareMetre.from_mu(1.0) - SQUARE_METRES_PER_MU_DISPLAY).abs() < 0.01);
    }

    #[test]
    fn units_parse() {
        assert_eq!(AreaUnit::parse("㎡"), Some(AreaUnit::SquareMetre));
        assert_eq!(AreaUnit::parse("公顷"), Some(AreaUnit::Hectare));
        assert_eq!(MoneyUnit::parse("元"), Some(MoneyUnit::Yuan));
        assert_eq!(MoneyUnit::parse("千元"), None);
    }

    proptest! {
        #[test]
        fn square_metres_round_trip_within_one_ulp(m2 in 0u32..100_000_000) {
            let m2 = f64::from(m2);
            let back = AreaUnit::SquareMetre.from_mu(AreaUnit::SquareMetre.to_mu(m2));
            prop_assert!((back - m2).abs() <= m2 * 2.0 * f64::EPSILON);
        }

        #[test]
        fn multiples_of_2000_square_metres_are_exact(n in 0u32..10_000_000) {
            prop_assert_eq!(AreaUnit::SquareMetre.to_mu(f64::from(n) * 2000.0), f64::from(n) * 3.0);
        }

        #[test]
        fn yuan_to_wan_is_correctly_rounded(y in -1_000_000_000_000i64..1_000_000_000_000) {
            // The exact quotient y / 10^4 lies within half an ulp of the result.
            let wan = MoneyUnit::Yuan.to_wan(y as f64);
            let err = (wan * 10_000.0 - y as f64).abs();
            prop_assert!(err <= (y as f64).abs() * f64::EPSILON);
        }
    }
}
