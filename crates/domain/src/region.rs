//! 行政区划代码 (GB/T 2260) and the Zhumadian reference tables.
//!
//! Codes change over time, so the application keeps regions as data; the tables here are the
//! seed for Zhumadian (驻马店) and the demo data.

use crate::{DomainError, normalize_text};

/// Two-digit province-level prefixes of GB/T 2260.
const PROVINCES: [u8; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54,
    61, 62, 63, 64, 65, 71, 81, 82,
];

/// A 6-digit region code whose first two digits are a province-level code.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RegionCode(u32);

impl RegionCode {
    /// Parses 6 digits (full-width accepted).
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let norm = normalize_text(text);
        let bytes = norm.as_bytes();
        let err = || DomainError::RegionCode {
            text: text.trim().to_owned(),
        };
        if bytes.len() != 6 || !bytes.iter().all(u8::is_ascii_digit) {
            return Err(err());
        }
        let value = bytes.iter().fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'));
        if !PROVINCES.contains(&((value / 10_000) as u8)) {
            return Err(err());
        }
        Ok(RegionCode(value))
    }

    /// The code as a number.
    pub fn value(self) -> u32 {
        self.0
    }

    /// The prefecture (地级) code this region belongs to, e.g. 411700 for 411702.
    pub fn prefecture(self) -> RegionCode {
        RegionCode(self.0 / 100 * 100)
    }

    /// The Chinese name of the division, from the table of all divisions of China (any city,
    /// not only the demo's).
    pub fn name(self) -> Option<&'static str> {
        crate::divisions::find(self).map(|d| d.name)
    }
}

impl std::fmt::Display for RegionCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:06}", self.0)
    }
}

impl std::fmt::Debug for RegionCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RegionCode({:06})", self.0)
    }
}

/// Zhumadian city and its counties/districts (GB/T 2260). 411771 经济开发区 is a statistical
/// code only and is left out on purpose.
pub const ZHUMADIAN_REGIONS: [(u32, &str); 11] = [
    (411700, "驻马店市"),
    (411702, "驿城区"),
    (411721, "西平县"),
    (411722, "上蔡县"),
    (411723, "平舆县"),
    (411724, "正阳县"),
    (411725, "确山县"),
    (411726, "泌阳县"),
    (411727, "汝南县"),
    (411728, "遂平县"),
    (411729, "新蔡县"),
];

/// Zhumadian's 11 产业集聚区 (2018) with the county each lies in.
pub const ZHUMADIAN_CLUSTERS: [(&str, u32); 11] = [
    ("驻马店装备产业集聚区", 411702),
    ("驻马店市产业集聚区", 411702),
    ("遂平县产业集聚区", 411728),
    ("泌阳县产业集聚区", 411726),
    ("确山县产业集聚区", 411725),
    ("上蔡县产业集聚区", 411722),
    ("平舆县产业集聚区", 411723),
    ("西平县产业集聚区", 411721),
    ("汝南县产业集聚区", 411727),
    ("正阳县产业集聚区", 411724),
    ("新蔡县产业集聚区", 411729),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_zhumadian_codes() {
        for (code, name) in ZHUMADIAN_REGIONS {
            let parsed = RegionCode::parse(&code.to_string()).expect("table code");
            assert_eq!(parsed.name(), Some(name));
            assert_eq!(parsed.prefecture().value(), 411700);
        }
    }

    #[test]
    fn rejects_malformed_codes() {
        for bad in ["41170", "4117021", "41170a", "991702", "000000", ""] {
            assert!(RegionCode::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            RegionCode::parse("４１１７０２").expect("full width").to_string(),
            "411702"
        );
    }

    #[test]
    fn every_cluster_lies_in_a_listed_county() {
        for (name, county) in ZHUMADIAN_CLUSTERS {
            assert!(ZHUMADIAN_REGIONS.iter().any(|(c, _)| *c == county), "{name}");
        }
    }
}
