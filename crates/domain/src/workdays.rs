//! Working days (工作日) as Chinese offices count them: Monday to Friday, except the public
//! holidays of the State Council's yearly 节假日安排, plus the weekend days it makes working days
//! (调休上班). Service deadlines ("5 个工作日") count from the day after the start.
//!
//! No year's schedule is built in: the State Council publishes it each November, and a wrong
//! built-in date would silently move deadlines. The city keeps it as text, one day a line:
//!
//! ```text
//! # 2026 年春节
//! 2026-02-14 班 春节调休
//! 2026-02-15 休 春节
//! ```

use std::collections::BTreeSet;

use crate::{Date, DomainError};

/// A calendar of working days.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    holidays: BTreeSet<Date>,
    workdays: BTreeSet<Date>,
}

impl WorkCalendar {
    /// Weekends only (no holidays known).
    pub fn weekends_only() -> WorkCalendar {
        WorkCalendar::default()
    }

    /// Reads a schedule: `YYYY-MM-DD 休|班 [name]` a line; `#` starts a comment; blank lines are
    /// skipped. A day both 休 and 班 is refused, naming its line.
    pub fn parse(text: &str) -> Result<WorkCalendar, DomainError> {
        let mut cal = WorkCalendar::default();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let bad = |why: &'static str| DomainError::Calendar {
                line: i + 1,
                text: raw.trim().to_owned(),
                why,
            };
            let mut parts = line.split_whitespace();
            let date = parts
                .next()
                .and_then(|d| Date::parse(d).ok())
                .ok_or_else(|| bad("日期应为 YYYY-MM-DD"))?;
            let (mine, other) = match parts.next() {
                Some("休") => (&mut cal.holidays, &cal.workdays),
                Some("班") => (&mut cal.workdays, &cal.holidays),
                _ => return Err(bad("日期后应写“休”（放假）或“班”（调休上班）")),
            };
            if other.contains(&date) {
                return Err(bad("同一天不能既放假又上班"));
            }
            mine.insert(date);
        }
        Ok(cal)
    }

    /// The public holidays listed (休), in order.
    pub fn holidays(&self) -> impl Iterator<Item = Date> + '_ {
        self.holidays.iter().copied()
    }

    /// The weekend days made working days (班), in order.
    pub fn adjusted_workdays(&self) -> impl Iterator<Item = Date> + '_ {
        self.workdays.iter().copied()
    }

    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: Date) -> bool {
        if self.workdays.contains(&date) {
            return true;
        }
        date.weekday() <= 5 && !self.holidays.contains(&date)
    }

    /// The `n`-th working day after `from` (`from` itself is not counted; `n = 0` is `from`).
    pub fn add_working_days(&self, from: Date, n: u32) -> Date {
        let mut day = from;
        let mut left = n;
        while left > 0 {
            // A date near the end of the supported range stops the count there.
            let Some(next) = day.plus_days(1) else { return day };
            day = next;
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// Working days after `from` up to and including `to` (0 when `to` is not after `from`).
    pub fn working_days_between(&self, from: Date, to: Date) -> u32 {
        let mut n = 0;
        let mut day = from;
        while day < to {
            let Some(next) = day.plus_days(1) else { break };
            day = next;
            n += u32::from(self.is_working_day(day));
        }
        n
    }
}

/// A time limit: so many working days, or calendar months.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeLimit {
    /// 个工作日.
    WorkingDays(u32),
    /// 个月 (calendar months, the day clamped to the month's end).
    Months(u32),
}

impl TimeLimit {
    /// The deadline of a matter started on `from`.
    pub fn deadline(self, from: Date, calendar: &WorkCalendar) -> Date {
        match self {
            TimeLimit::WorkingDays(n) => calendar.add_working_days(from, n),
            TimeLimit::Months(n) => from.add_months(n),
        }
    }

    /// The limit in words, e.g. `5 个工作日`.
    pub fn describe(self) -> String {
        match self {
            TimeLimit::WorkingDays(n) => format!("{n} 个工作日"),
            TimeLimit::Months(n) => format!("{n} 个月"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    /// The 2026 Spring Festival as a city would type it (a test fixture, not a built-in fact):
    /// 15–23 February off, Saturdays 14 and 28 February worked.
    const SPRING_2026: &str = "# 2026 年春节\n2026-02-14 班 春节调休\n\
        2026-02-15 休\n2026-02-16 休\n2026-02-17 休\n2026-02-18 休\n2026-02-19 休\n\
        2026-02-20 休\n2026-02-21 休\n2026-02-22 休\n2026-02-23 休\n2026-02-28 班\n";

    #[test]
    fn weekdays_are_known() {
        assert_eq!(d("1970-01-01").weekday(), 4);
        assert_eq!(d("2026-12-03").weekday(), 4, "a Thursday");
        assert_eq!(d("2026-02-14").weekday(), 6, "a Saturday");
        assert_eq!(d("2026-02-15").weekday(), 7);
    }

    #[test]
    fn five_working_days_across_the_spring_festival() {
        let cal = WorkCalendar::parse(SPRING_2026).unwrap();
        // Assigned Thursday 12 February: Fri 13, Sat 14 (worked), then the holiday, Tue 24,
        // Wed 25, Thu 26.
        assert_eq!(cal.add_working_days(d("2026-02-12"), 5), d("2026-02-26"));
        // Without the schedule it would have been Thursday 19 February, inside the holiday.
        assert_eq!(
            WorkCalendar::weekends_only().add_working_days(d("2026-02-12"), 5),
            d("2026-02-19")
        );
        // Assigned on the worked Saturday: 24, 25, 26, 27 and the worked Saturday 28.
        assert_eq!(cal.add_working_days(d("2026-02-14"), 5), d("2026-02-28"));
        assert_eq!(cal.add_working_days(d("2026-02-14"), 0), d("2026-02-14"));
        assert!(!cal.is_working_day(d("2026-02-16")) && cal.is_working_day(d("2026-02-14")));
        assert_eq!(cal.working_days_between(d("2026-02-12"), d("2026-02-26")), 5);
        assert_eq!(cal.working_days_between(d("2026-02-26"), d("2026-02-12")), 0);
    }

    #[test]
    fn limits_in_working_days_and_months() {
        let cal = WorkCalendar::parse(SPRING_2026).unwrap();
        // 13, 14 (Sat, worked), 24–27, 28 (Sat, worked), 2–6 and 9–11 March: the 15th is 11 March.
        assert_eq!(
            TimeLimit::WorkingDays(15).deadline(d("2026-02-12"), &cal),
            d("2026-03-11")
        );
        assert_eq!(
            TimeLimit::Months(1).deadline(d("2026-01-31"), &cal),
            d("2026-02-28")
        );
        assert_eq!(TimeLimit::Months(1).describe(), "1 个月");
    }

    #[test]
    fn a_bad_schedule_names_its_line() {
        let e = WorkCalendar::parse("2026-02-14 班\n2026-02-14 休\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "节假日安排第 2 行“2026-02-14 休”无效：同一天不能既放假又上班"
        );
        let e = WorkCalendar::parse("# x\n2026-2-30 休").unwrap_err();
        assert!(e.to_string().contains("第 2 行"), "{e}");
        assert!(WorkCalendar::parse("2026-02-15 放假").is_err());
    }

    proptest::proptest! {
        /// Counting n working days forward and then counting back gives n, and the deadline is
        /// always a working day.
        #[test]
        fn counting_is_consistent(start in 0i64..3_000, n in 1u32..40) {
            let cal = WorkCalendar::parse(SPRING_2026).unwrap();
            let from = d("2024-01-01").plus_days(start).unwrap();
            let due = cal.add_working_days(from, n);
            proptest::prop_assert!(cal.is_working_day(due));
            proptest::prop_assert_eq!(cal.working_days_between(from, due), n);
        }
    }
}
