//! The calendar of working days (节假日安排) the city keeps: one text in the settings, the same
//! for every server on the database. Deadlines in working days (problem ledger, task reports)
//! are counted on it.

use mujun_domain::workdays::WorkCalendar;
use mujun_store::{StoreError, settings};
use serde_json::json;

use super::service_rights;
use crate::audit::{Who, write};
use crate::{Actor, App, AppError};

/// The settings key of the calendar text.
const KEY: &str = "work_calendar";

/// The calendar as the city keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarView {
    /// The text (`YYYY-MM-DD 休|班 [name]` a line).
    pub text: String,
    /// Years with at least one entry.
    pub years: Vec<i32>,
    /// A warning when the current year has no entry (deadlines then skip weekends only).
    pub missing_current_year: Option<String>,
}

impl App {
    /// The calendar in force (weekends only when none is kept). The stored text was checked when
    /// it was saved; should it still fail to parse, weekends only are counted rather than
    /// failing every deadline.
    pub async fn work_calendar(&self) -> Result<WorkCalendar, AppError> {
        let mut c = self.store.read().await?;
        let text = settings::get(&mut c, KEY).await?.unwrap_or_default();
        Ok(WorkCalendar::parse(&text).unwrap_or_else(|e| {
            tracing::warn!("stored work calendar unreadable: {e}");
            WorkCalendar::weekends_only()
        }))
    }

    /// The calendar text, for those who keep or read the ledger.
    pub async fn calendar(&self, actor: &Actor) -> Result<CalendarView, AppError> {
        if !service_rights(actor).reads {
            return Err(self
                .deny(actor, "service.calendar", ("setting", KEY), "不能查看节假日安排")
                .await);
        }
        let mut c = self.store.read().await?;
        let text = settings::get(&mut c, KEY).await?.unwrap_or_default();
        Ok(calendar_view(text))
    }

    /// Replaces the calendar text (the city's service office), checked line by line first:
    /// a wrong line is refused with its number and nothing is stored.
    pub async fn set_calendar(&self, actor: &Actor, text: &str) -> Result<CalendarView, AppError> {
        if !service_rights(actor).keeps_calendar {
            return Err(self
                .deny(
                    actor,
                    "service.calendar_set",
                    ("setting", KEY),
                    "不能修改节假日安排",
                )
                .await);
        }
        let cal = WorkCalendar::parse(text).map_err(|e| AppError::invalid("calendar", e.to_string()))?;
        let text = text.replace("\r\n", "\n");
        let mut tx = self.store.begin().await?;
        let before = settings::get(&mut tx, KEY).await?.unwrap_or_default();
        settings::set(&mut tx, KEY, &text).await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "service.calendar_set",
            ("setting", KEY),
            json!({"lines_before": before.lines().count(), "lines_after": text.lines().count(),
                   "holidays": cal.holidays().count(), "workdays": cal.adjusted_workdays().count()}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(calendar_view(text))
    }
}

fn calendar_view(text: String) -> CalendarView {
    let cal = WorkCalendar::parse(&text).unwrap_or_default();
    let mut years: Vec<i32> = cal
        .holidays()
        .chain(cal.adjusted_workdays())
        .map(|d| i32::from(d.year()))
        .collect();
    years.sort_unstable();
    years.dedup();
    let this_year = i32::from(super::super::land::today().year());
    let missing_current_year = (!years.contains(&this_year))
        .then(|| format!("尚未录入 {this_year} 年的节假日安排：期限暂只扣除周末，请按国务院办公厅通知补录"));
    CalendarView {
        text,
        years,
        missing_current_year,
    }
}
