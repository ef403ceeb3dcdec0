//! Calendar dates for working-day rules, derived from block time without any clock.
//!
//! A [`Date`] is a day number (days since 1970-01-01) so it encodes as one `i32`; in JSON it reads
//! `YYYY-MM-DD`. Conversions use the proleptic Gregorian calendar (H. Hinnant's `days_from_civil`).

use std::fmt;

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

use crate::ids::Timestamp;

/// Milliseconds in a day.
pub const DAY_MS: u64 = 86_400_000;

/// A calendar day: days since 1970-01-01.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, BorshSerialize, BorshDeserialize,
)]
pub struct Date(pub i32);

/// Why text is not a date.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a date of the form YYYY-MM-DD")]
pub struct DateError {
    /// The text given.
    pub text: String,
}

impl Date {
    /// The date of `year-month-day`, or `None` if there is no such day.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Self> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let year_of_era = y - era * 400;
        let m = i32::try_from(month).ok()?;
        let d = i32::try_from(day).ok()?;
        let day_of_year = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        Some(Self(era * 146_097 + day_of_era - 719_468))
    }

    /// `(year, month, day)`.
    pub fn ymd(self) -> (i32, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z - era * 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let mp = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = year_of_era + era * 400 + i32::from(month <= 2);
        (year, month.unsigned_abs(), day.unsigned_abs())
    }

    /// The local date of block time `time`, `utc_offset_minutes` ahead of UTC.
    pub fn of_timestamp(time: Timestamp, utc_offset_minutes: i16) -> Self {
        let offset_ms = i64::from(utc_offset_minutes) * 60_000;
        let local_ms = i64::try_from(time.0).unwrap_or(i64::MAX).saturating_add(offset_ms);
        let day = local_ms.div_euclid(DAY_MS as i64);
        Self(i32::try_from(day).unwrap_or(i32::MAX))
    }

    /// The block time of this day's local midnight.
    pub fn start(self, utc_offset_minutes: i16) -> Timestamp {
        let local_ms = i64::from(self.0) * DAY_MS as i64;
        let utc_ms = local_ms - i64::from(utc_offset_minutes) * 60_000;
        Timestamp(u64::try_from(utc_ms).unwrap_or(0))
    }

    /// Whether the day is a Saturday or Sunday.
    pub fn is_weekend(self) -> bool {
        // 1970-01-01 was a Thursday: day 0 -> weekday 3 with Monday = 0.
        let weekday = (self.0 + 3).rem_euclid(7);
        weekday >= 5
    }

    /// The next day.
    pub const fn next(self) -> Self {
        Self(self.0 + 1)
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, month, day) = self.ymd();
        write!(f, "{year:04}-{month:02}-{day:02}")
    }
}

impl std::str::FromStr for Date {
    type Err = DateError;

    fn from_str(text: &str) -> Result<Self, DateError> {
        let error = || DateError { text: text.to_owned() };
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(error());
        }
        let year = text[0..4].parse().map_err(|_| error())?;
        let month = text[5..7].parse().map_err(|_| error())?;
        let day = text[8..10].parse().map_err(|_| error())?;
        Self::from_ymd(year, month, day).ok_or_else(error)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <String as Deserialize>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_epoch_is_day_zero_and_a_thursday() {
        let epoch = Date::from_ymd(1970, 1, 1).expect("a real day");

        assert_eq!(epoch, Date(0));
        assert!(!epoch.is_weekend());
        assert!(Date(2).is_weekend());
    }

    #[test]
    fn dates_round_trip_through_text() {
        for text in ["2024-02-29", "2025-10-01", "1999-12-31", "2100-03-01"] {
            let date: Date = text.parse().expect("valid");

            assert_eq!(date.to_string(), text);
        }
    }

    #[test]
    fn impossible_days_are_refused() {
        for text in ["2023-02-29", "2024-13-01", "2024-04-31", "24-1-1", "2024-01-00"] {
            assert!(text.parse::<Date>().is_err(), "{text}");
        }
    }

    #[test]
    fn local_midnight_in_china_is_four_pm_utc_the_day_before() {
        let national_day: Date = "2025-10-01".parse().expect("valid");

        let start = national_day.start(480);

        assert_eq!(Date::of_timestamp(start, 480), national_day);
        assert_eq!(Date::of_timestamp(Timestamp(start.0 - 1), 480), Date(national_day.0 - 1));
        assert_eq!(Date::of_timestamp(start, 0), Date(national_day.0 - 1));
    }
}
