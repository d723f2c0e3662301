//! Dates as the city sees them: Beijing time (UTC+8), whatever the server's time zone.

/// Today in Beijing as `YYYY-MM-DD`.
pub(crate) fn today() -> String {
    let days = (mujun_store::now_ms() / 1000 + 8 * 3600).div_euclid(86_400);
    mujun_domain::Date::from_days_since_epoch(days).map_or_else(String::new, |d| d.to_string())
}

/// A moment (ms since the epoch) as Beijing time `YYYY-MM-DD HH:MM`.
pub(crate) fn beijing(ms: i64) -> String {
    let secs = ms / 1000 + 8 * 3600;
    let days = secs.div_euclid(86_400);
    let rest = secs.rem_euclid(86_400);
    let date = mujun_domain::Date::from_days_since_epoch(days).map_or_else(String::new, |d| d.to_string());
    format!("{date} {:02}:{:02}", rest / 3600, rest % 3600 / 60)
}

/// A moment (ms since the epoch) as Beijing time `YYYY-MM-DD HH:MM:SS`.
pub(crate) fn beijing_seconds(ms: i64) -> String {
    let secs = ms.div_euclid(1000) + 8 * 3600;
    let rest = secs.rem_euclid(86_400);
    format!("{}:{:02}", beijing(ms), rest % 60)
}
