//! Every administrative division of mainland China down to county level (GB/T 2260 codes),
//! embedded from `data/divisions.csv` (source, version and licence in `data/SOURCE.md`), so that
//! any city can be set up without typing its counties.

use std::sync::LazyLock;

use crate::RegionCode;

/// The level of a division.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// 省级 (province, autonomous region, municipality).
    Province,
    /// 地级 (prefecture-level city, prefecture, league, autonomous prefecture).
    City,
    /// 县级 (district, county, county-level city, banner …).
    County,
}

/// One division.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Division {
    /// Its code.
    pub code: RegionCode,
    /// Its name, e.g. `驻马店市`.
    pub name: &'static str,
    /// Its level.
    pub level: Level,
    /// The division it belongs to (a county of a municipality: the municipality).
    pub parent: Option<RegionCode>,
}

static ALL: LazyLock<Vec<Division>> = LazyLock::new(|| {
    include_str!("../data/divisions.csv")
        .lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut f = l.split(',');
            let (code, name, level, parent) = (
                f.next().unwrap_or_default(),
                f.next().unwrap_or_default(),
                f.next().unwrap_or_default(),
                f.next().unwrap_or_default(),
            );
            Division {
                code: RegionCode::parse(code).expect("the embedded table holds valid codes"),
                name,
                level: match level {
                    "province" => Level::Province,
                    "city" => Level::City,
                    _ => Level::County,
                },
                parent: RegionCode::parse(parent).ok(),
            }
        })
        .collect()
});

/// Every division, ordered by code.
pub fn all() -> &'static [Division] {
    &ALL
}

/// A division by its code.
pub fn find(code: RegionCode) -> Option<&'static Division> {
    ALL.binary_search_by_key(&code, |d| d.code).ok().map(|i| &ALL[i])
}

/// A city that can be set up: a prefecture-level division or a municipality, with its
/// county-level divisions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct City {
    /// The city.
    pub division: &'static Division,
    /// Its province (for a municipality, itself).
    pub province: &'static Division,
    /// Its county-level divisions, by code.
    pub counties: Vec<&'static Division>,
}

/// The city of a code: a prefecture-level division (`411300` 南阳市) or a municipality
/// (`110000` 北京市). `None` for a county, a province that is not a municipality, or an unknown
/// code.
pub fn city(code: RegionCode) -> Option<City> {
    let d = find(code)?;
    let municipality = d.level == Level::Province && matches!(code.value() / 10_000, 11 | 12 | 31 | 50);
    if d.level != Level::City && !municipality {
        return None;
    }
    let province = if municipality { d } else { d.parent.and_then(find)? };
    let counties = ALL
        .iter()
        .filter(|c| c.level == Level::County && c.parent == Some(code))
        .collect();
    Some(City {
        division: d,
        province,
        counties,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    #[test]
    fn zhumadian_matches_the_compiled_in_table() {
        let c = city(code("411700")).unwrap();
        assert_eq!((c.division.name, c.province.name), ("驻马店市", "河南省"));
        let names: Vec<&str> = c.counties.iter().map(|d| d.name).collect();
        let ours: Vec<&str> = crate::ZHUMADIAN_REGIONS.iter().skip(1).map(|(_, n)| *n).collect();
        assert_eq!(names, ours);
    }

    #[test]
    fn nanyang_has_its_thirteen_counties_with_dengzhou() {
        let c = city(code("411300")).unwrap();
        assert_eq!(c.division.name, "南阳市");
        assert_eq!(c.counties.len(), 13);
        assert!(
            c.counties
                .iter()
                .any(|d| d.name == "邓州市" && d.code == code("411381"))
        );
    }

    #[test]
    fn municipalities_and_refusals() {
        let beijing = city(code("110000")).unwrap();
        assert_eq!(beijing.counties.len(), 16);
        assert!(city(code("410000")).is_none(), "a province is not a city");
        assert!(city(code("411702")).is_none(), "a county is not a city");
        assert!(city(code("411800")).is_none(), "no such city");
        assert!(
            all().windows(2).all(|w| w[0].code < w[1].code),
            "sorted for lookups"
        );
        assert!(all().len() > 3000);
    }
}
