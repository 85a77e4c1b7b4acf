//! What time it is for zdz: now, or the moment `SOURCE_DATE_EPOCH` names when it is set (so
//! that the same input gives the same outputs, as reproducible builds ask), and the day that
//! is in China, which deadlines, due dates and `--as-of` are days of.

use chrono::{DateTime, NaiveDate, Utc};

/// Now, or `SOURCE_DATE_EPOCH` when it is set.
pub fn now() -> DateTime<Utc> {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|t| DateTime::from_timestamp(t, 0))
        .unwrap_or_else(Utc::now)
}

/// The day `now()` is in China (UTC+8).
pub fn today() -> NaiveDate {
    (now() + chrono::Duration::hours(8)).date_naive()
}
