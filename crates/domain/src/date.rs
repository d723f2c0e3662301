//! Years and calendar dates, without a date library: the evaluation only needs to parse and
//! compare them.

use crate::{DomainError, normalize_text};

/// A data year (评价年度): the year whose figures are evaluated (evaluated in the year after).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Year(u16);

impl Year {
    /// Smallest year accepted (the policy dates from 2006 in Zhejiang; older data is a typo).
    pub const MIN: u16 = 2000;
    /// Largest year accepted.
    pub const MAX: u16 = 2100;

    /// Parses a four-digit year within [`Year::MIN`, `Year::MAX`].
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let norm = normalize_text(text);
        norm.parse::<u16>()
            .ok()
            .filter(|_| norm.len() == 4)
            .and_then(|y| Self::new(y).ok())
            .ok_or_else(|| DomainError::Year {
                text: text.trim().to_owned(),
                min: Self::MIN,
                max: Self::MAX,
            })
    }

    /// Checks the range.
    pub fn new(year: u16) -> Result<Self, DomainError> {
        if (Self::MIN..=Self::MAX).contains(&year) {
            Ok(Year(year))
        } else {
            Err(DomainError::Year {
                text: year.to_string(),
                min: Self::MIN,
                max: Self::MAX,
            })
        }
    }

    /// The year as a number.
    pub fn value(self) -> u16 {
        self.0
    }
}

impl std::fmt::Display for Year {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl std::str::FromStr for Year {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// A calendar date (proleptic Gregorian). Ordering is chronological.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

/// The number of days of `month` (1–12) in `year` (0 for another month).
pub fn days_in_month(year: u16, month: u8) -> u8 {
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// Builds a date, checking the month and day.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Self> {
        (year >= 1 && (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month))
            .then_some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD` (also `YYYY/MM/DD` and `YYYY.MM.DD`, as Chinese Excel writes them;
    /// month and day may have one digit).
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let norm = normalize_text(text);
        let err = || DomainError::Date {
            text: text.trim().to_owned(),
        };
        let mut parts = norm.split(['-', '/', '.']);
        let mut next = |max_len: usize| -> Result<u16, DomainError> {
            let p = parts.next().ok_or_else(err)?;
            if p.is_empty() || p.len() > max_len || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err());
            }
            p.parse().map_err(|_| err())
        };
        let year = next(4)?;
        let month = next(2)?;
        let day = next(2)?;
        if parts.next().is_some() || year < 1000 {
            return Err(err());
        }
        Date::new(year, month as u8, day as u8).ok_or_else(err)
    }

    /// 1 January of a year.
    pub fn first_of_year(year: u16) -> Date {
        Date {
            year,
            month: 1,
            day: 1,
        }
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month (1–12).
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month.
    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (negative before), for conversions to spreadsheet serials.
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// This date plus `days` (negative: before), if the result is a valid date.
    pub fn plus_days(self, days: i64) -> Option<Date> {
        Date::from_days_since_epoch(self.days_since_epoch() + days)
    }

    /// This date plus `months` calendar months, the day clamped to the month's last day
    /// (31 January + 1 month = 28 or 29 February; 29 February + 12 months = 28 February).
    pub fn add_months(self, months: u32) -> Date {
        let total = u32::from(self.month) - 1 + months;
        let year = u16::try_from(u32::from(self.year) + total / 12).unwrap_or(u16::MAX);
        let month = u8::try_from(total % 12 + 1).unwrap_or(12);
        let day = self.day.min(days_in_month(year, month));
        Date { year, month, day }
    }

    /// The day of the week, 1 (Monday) to 7 (Sunday).
    pub fn weekday(self) -> u8 {
        // 1970-01-01 was a Thursday (4).
        u8::try_from((self.days_since_epoch() + 3).rem_euclid(7) + 1).unwrap_or(1)
    }

    /// The inverse of [`Date::days_since_epoch`].
    pub fn from_days_since_epoch(days: i64) -> Option<Date> {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date::new(u16::try_from(year).ok()?, month as u8, day as u8)
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl std::fmt::Debug for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Date({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn years() {
        assert_eq!(Year::parse("2024").expect("ok").value(), 2024);
        assert!(Year::parse("1999").is_err());
        assert!(Year::parse("24").is_err());
        assert!(Year::parse("20240").is_err());
        assert!(Year::parse("abcd").is_err());
    }

    #[test]
    fn dates() {
        assert_eq!(Date::parse("2024-02-29").expect("leap").to_string(), "2024-02-29");
        assert!(Date::parse("2023-02-29").is_err());
        assert!(Date::parse("1900-02-29").is_err());
        assert!(Date::parse("2000-02-29").is_ok());
        assert_eq!(
            Date::parse("2019/1/5").expect("slashes").to_string(),
            "2019-01-05"
        );
        for bad in [
            "2024-13-01",
            "2024-00-10",
            "2024-04-31",
            "2024-1",
            "2024-01-01-01",
            "",
            "x",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
        assert!(Date::parse("2023-01-01").expect("a") < Date::parse("2023-01-02").expect("b"));
    }

    #[test]
    fn epoch_days() {
        assert_eq!(Date::parse("1970-01-01").expect("d").days_since_epoch(), 0);
        assert_eq!(Date::parse("2000-03-01").expect("d").days_since_epoch(), 11_017);
    }

    proptest! {
        #[test]
        fn epoch_days_round_trip(days in -300_000i64..300_000) {
            let date = Date::from_days_since_epoch(days).expect("in range");
            prop_assert_eq!(date.days_since_epoch(), days);
            prop_assert_eq!(Date::parse(&date.to_string()), Ok(date));
        }
    }
}
