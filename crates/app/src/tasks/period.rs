//! Reporting periods of the key tasks: months or quarters, their days, ids (`2026-11`,
//! `2026-Q4`), Chinese labels, and when a period's report is due.

use mujun_domain::Date;
use mujun_domain::workdays::WorkCalendar;

/// How often a task's lead unit reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cadence {
    /// 每月.
    Monthly,
    /// 每季度.
    Quarterly,
}

impl Cadence {
    /// Both.
    pub const ALL: [Cadence; 2] = [Cadence::Monthly, Cadence::Quarterly];

    /// The stored id.
    pub fn id(self) -> &'static str {
        match self {
            Cadence::Monthly => "monthly",
            Cadence::Quarterly => "quarterly",
        }
    }

    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Cadence::Monthly => "每月",
            Cadence::Quarterly => "每季度",
        }
    }

    /// Parses an id or a label.
    pub fn parse(text: &str) -> Option<Cadence> {
        Cadence::ALL
            .into_iter()
            .find(|c| c.id() == text || c.label() == text)
    }

    /// The period containing `d`.
    pub fn of(self, d: Date) -> Period {
        let n = match self {
            Cadence::Monthly => d.month(),
            Cadence::Quarterly => (d.month() - 1) / 3 + 1,
        };
        Period {
            cadence: self,
            year: d.year(),
            n,
        }
    }

    /// Parses a period id of this cadence (`2026-11` or `2026-Q4`).
    pub fn parse_period(self, id: &str) -> Option<Period> {
        let (y, rest) = id.split_once('-')?;
        let year: u16 = y.parse().ok()?;
        let n: u8 = match self {
            Cadence::Monthly => rest.parse().ok().filter(|m| (1..=12).contains(m))?,
            Cadence::Quarterly => rest
                .strip_prefix('Q')?
                .parse()
                .ok()
                .filter(|q| (1..=4).contains(q))?,
        };
        (1900..=9999).contains(&year).then_some(Period {
            cadence: self,
            year,
            n,
        })
    }
}

/// One reporting period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Period {
    cadence: Cadence,
    year: u16,
    n: u8,
}

impl Period {
    /// The stored id.
    pub fn id(self) -> String {
        match self.cadence {
            Cadence::Monthly => format!("{}-{:02}", self.year, self.n),
            Cadence::Quarterly => format!("{}-Q{}", self.year, self.n),
        }
    }

    /// The Chinese label.
    pub fn label(self) -> String {
        match self.cadence {
            Cadence::Monthly => format!("{}年{}月", self.year, self.n),
            Cadence::Quarterly => {
                let q = ["一", "二", "三", "四"][usize::from(self.n - 1)];
                format!("{}年第{q}季度", self.year)
            }
        }
    }

    fn first_month(self) -> u8 {
        match self.cadence {
            Cadence::Monthly => self.n,
            Cadence::Quarterly => (self.n - 1) * 3 + 1,
        }
    }

    /// The first day.
    pub fn first_day(self) -> Date {
        Date::new(self.year, self.first_month(), 1).expect("the first of a month 1..=12 is a date")
    }

    /// The last day.
    pub fn last_day(self) -> Date {
        let months = match self.cadence {
            Cadence::Monthly => 1,
            Cadence::Quarterly => 3,
        };
        self.first_day()
            .add_months(months)
            .plus_days(-1)
            .expect("the day before the first of a later month is a date")
    }

    /// The next period.
    pub fn next(self) -> Period {
        self.cadence
            .of(self.last_day().plus_days(1).unwrap_or(self.last_day()))
    }

    /// The day the period's report is due: `grace` working days after its last day.
    pub fn due(self, grace: u32, calendar: &WorkCalendar) -> Date {
        calendar.add_working_days(self.last_day(), grace)
    }
}

/// The periods from the one containing `from` up to the one containing `to`, in order.
pub fn periods(cadence: Cadence, from: Date, to: Date) -> Vec<Period> {
    let mut out = Vec::new();
    if to < from {
        return out;
    }
    let last = cadence.of(to);
    let mut p = cadence.of(from);
    while p <= last {
        out.push(p);
        let next = p.next();
        if next == p {
            break;
        }
        p = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn months_and_quarters() {
        let q = Cadence::Quarterly.of(d("2026-11-15"));
        assert_eq!(
            (q.id(), q.label()),
            ("2026-Q4".to_owned(), "2026年第四季度".to_owned())
        );
        assert_eq!((q.first_day(), q.last_day()), (d("2026-10-01"), d("2026-12-31")));
        assert_eq!(q.next().id(), "2027-Q1");
        let m = Cadence::Monthly.of(d("2028-02-10"));
        assert_eq!(
            (m.id(), m.label()),
            ("2028-02".to_owned(), "2028年2月".to_owned())
        );
        assert_eq!(m.last_day(), d("2028-02-29"));
        assert_eq!(
            Cadence::Monthly.parse_period("2026-11"),
            Some(Cadence::Monthly.of(d("2026-11-01")))
        );
        assert_eq!(Cadence::Quarterly.parse_period("2026-Q4"), Some(q));
        assert_eq!(Cadence::Quarterly.parse_period("2026-Q5"), None);
        assert_eq!(Cadence::Monthly.parse_period("2026-13"), None);
        assert_eq!(Cadence::Monthly.parse_period("2026-Q1"), None);
    }

    #[test]
    fn periods_in_between() {
        let ids: Vec<String> = periods(Cadence::Quarterly, d("2026-02-01"), d("2026-10-01"))
            .into_iter()
            .map(Period::id)
            .collect();
        assert_eq!(ids, ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]);
        assert_eq!(
            periods(Cadence::Monthly, d("2026-12-31"), d("2027-01-01")).len(),
            2
        );
        assert!(periods(Cadence::Monthly, d("2027-01-01"), d("2026-12-31")).is_empty());
    }

    #[test]
    fn the_report_of_the_fourth_quarter_of_2025_is_due_after_new_year() {
        // 5 working days after 31 December 2025 with 1 January 2026 a holiday: 2, 5, 6, 7, 8.
        let cal = WorkCalendar::parse("2026-01-01 休 元旦\n").unwrap();
        let q = Cadence::Quarterly.of(d("2025-12-01"));
        assert_eq!(q.due(5, &cal), d("2026-01-08"));
        assert_eq!(q.due(5, &WorkCalendar::weekends_only()), d("2026-01-07"));
        // The first quarter of 2026 ends on 31 March; 5 working days on is 7 April.
        assert_eq!(
            Cadence::Quarterly
                .of(d("2026-03-01"))
                .due(5, &WorkCalendar::weekends_only()),
            d("2026-04-07")
        );
    }
}
