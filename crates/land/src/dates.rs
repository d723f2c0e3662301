//! Calendar arithmetic of the rules: anniversaries and added months, with the end of a month
//! kept (31 January + 1 month = 28 or 29 February; 29 February + 1 year = 28 February).

use mujun_domain::Date;

/// `date` plus `months` calendar months, the day clamped to the month's last day (the domain's
/// rule, shared with the working-day deadlines).
pub fn add_months(date: Date, months: u32) -> Date {
    date.add_months(months)
}

/// How many full years have passed from `from` to `to`: a year is full at the end of its
/// anniversary day, so it counts from the day after (e.g. from 2022-03-01, the first full year
/// is complete on 2023-03-01 and counts from 2023-03-02).
pub fn full_years(from: Date, to: Date) -> u32 {
    let mut n = 0;
    while to.days_since_epoch() > add_months(from, 12 * (n + 1)).days_since_epoch() {
        n += 1;
    }
    n
}

/// Whether `to` is more than `months` calendar months after `from` (6 months + 1 day is, 6
/// months to the day is not).
pub fn more_than_months(from: Date, to: Date, months: u32) -> bool {
    to.days_since_epoch() > add_months(from, months).days_since_epoch()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn months_keep_the_end_of_the_month() {
        assert_eq!(add_months(d("2024-01-31"), 1), d("2024-02-29"));
        assert_eq!(add_months(d("2023-01-31"), 1), d("2023-02-28"));
        assert_eq!(add_months(d("2024-02-29"), 12), d("2025-02-28"));
        assert_eq!(add_months(d("2023-08-31"), 6), d("2024-02-29"));
        assert_eq!(add_months(d("2023-12-15"), 1), d("2024-01-15"));
    }

    #[test]
    fn a_year_is_full_after_its_anniversary() {
        let start = d("2022-03-01");
        // Day 365 after the start is the anniversary: the year is not yet over.
        let day = |n: i64| Date::from_days_since_epoch(start.days_since_epoch() + n).unwrap();
        assert_eq!(day(365), d("2023-03-01"));
        assert_eq!(full_years(start, day(365)), 0);
        assert_eq!(full_years(start, day(366)), 1);
        assert_eq!(full_years(start, d("2024-03-01")), 1);
        assert_eq!(full_years(start, d("2024-03-02")), 2);
        assert_eq!(full_years(start, start), 0);
        assert_eq!(full_years(start, d("2021-01-01")), 0);
    }

    #[test]
    fn six_months_and_one_day() {
        let start = d("2024-01-15");
        assert!(!more_than_months(start, d("2024-07-15"), 6));
        assert!(more_than_months(start, d("2024-07-16"), 6));
    }
}
