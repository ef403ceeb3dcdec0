//! Periodic reports (通报): what a report covers (an org or a region, and a month, quarter or
//! year) and the record a data authority writes when it publishes one. The figures themselves
//! are computed from the ledger by readers (`onebook_query::reports`); the ledger keeps the
//! digest of their canonical encoding and the height they were computed at, so any later reader
//! recomputes them and checks they are the ones published. Stored under
//! [`RecordKey::PublishedReport`](crate::record::RecordKey::PublishedReport) as its borsh
//! encoding; append fields only with a format change.

use std::{fmt, str::FromStr};

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

use crate::{
    hash::Hash32,
    ids::{Height, OrgId, PublishedReportId, RegionCode, Timestamp},
    keys::PublicKey,
    time::Date,
};

/// The first year a period may name.
pub const PERIOD_YEAR_MIN: u16 = 2000;
/// The last year a period may name.
pub const PERIOD_YEAR_MAX: u16 = 9999;

/// Whose figures a report gives: one org's, or those of every org of a region.
#[derive(
    Clone,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    BorshSerialize,
    BorshDeserialize,
    Serialize,
    Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "scope", content = "id", rename_all = "snake_case")]
pub enum ReportScope {
    /// One org.
    Org(OrgId),
    /// Every org whose region code is this one.
    Region(RegionCode),
}

impl ReportScope {
    /// `org` or `region`, as the REST path names the scope.
    pub const fn name(&self) -> &'static str {
        match self {
            Self::Org(_) => "org",
            Self::Region(_) => "region",
        }
    }

    /// The org id or region code.
    pub fn id(&self) -> &str {
        match self {
            Self::Org(org) => org.as_str(),
            Self::Region(region) => region.as_str(),
        }
    }
}

/// The calendar period a report covers, in the ledger's local time (the policy's UTC offset,
/// China Standard Time on every shipped network). Written `2026-12`, `2026-Q4` or `2026`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, BorshSerialize, BorshDeserialize,
)]
pub enum ReportPeriod {
    /// A calendar month, 1 to 12.
    Month {
        /// The year.
        year: u16,
        /// The month, 1 to 12.
        month: u8,
    },
    /// A calendar quarter, 1 to 4.
    Quarter {
        /// The year.
        year: u16,
        /// The quarter, 1 to 4.
        quarter: u8,
    },
    /// A calendar year.
    Year {
        /// The year.
        year: u16,
    },
}

/// Why text or a decoded value is not a period.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "{text:?} is not a period: write a month 2026-12, a quarter 2026-Q4 or a year 2026, from {PERIOD_YEAR_MIN} to {PERIOD_YEAR_MAX}"
)]
pub struct PeriodError {
    /// The text given (or the value, written out).
    pub text: String,
}

impl ReportPeriod {
    /// Checks the year, month and quarter are in range (a decoded action may hold any bytes).
    pub fn check(self) -> Result<Self, PeriodError> {
        let (year, ok) = match self {
            Self::Month { year, month } => (year, (1..=12).contains(&month)),
            Self::Quarter { year, quarter } => (year, (1..=4).contains(&quarter)),
            Self::Year { year } => (year, true),
        };
        if ok && (PERIOD_YEAR_MIN..=PERIOD_YEAR_MAX).contains(&year) {
            Ok(self)
        } else {
            Err(PeriodError { text: format!("{self:?}") })
        }
    }

    /// The month `time` falls in, in local time (`utc_offset_minutes` east of UTC).
    pub fn month_of(time: Timestamp, utc_offset_minutes: i16) -> Self {
        let (year, month, _) = Date::of_timestamp(time, utc_offset_minutes).ymd();
        Self::month(year, month)
    }

    /// The month before the one `time` falls in, in local time: the last month whose report
    /// can be closed at `time`.
    pub fn month_before(time: Timestamp, utc_offset_minutes: i16) -> Self {
        let (year, month, _) = Date::of_timestamp(time, utc_offset_minutes).ymd();
        if month == 1 { Self::month(year - 1, 12) } else { Self::month(year, month - 1) }
    }

    /// The month `month` of `year`, the year held to the periods' range.
    fn month(year: i32, month: u32) -> Self {
        let year = year.clamp(i32::from(PERIOD_YEAR_MIN), i32::from(PERIOD_YEAR_MAX));
        Self::Month {
            year: u16::try_from(year).unwrap_or(PERIOD_YEAR_MIN),
            month: u8::try_from(month).unwrap_or(1),
        }
    }

    /// The first day of the period and the first day after it.
    pub fn days(self) -> (Date, Date) {
        let (year, first_month, months) = match self {
            Self::Month { year, month } => (year, u32::from(month), 1),
            Self::Quarter { year, quarter } => (year, u32::from(quarter) * 3 - 2, 3),
            Self::Year { year } => (year, 1, 12),
        };
        let year = i32::from(year);
        let first = Date::from_ymd(year, first_month.clamp(1, 12), 1).unwrap_or(Date(0));
        let after = first_month + months;
        let end = if after > 12 {
            Date::from_ymd(year + 1, after - 12, 1)
        } else {
            Date::from_ymd(year, after, 1)
        };
        (first, end.unwrap_or(first))
    }

    /// The block times the period spans: from its first local midnight (included) to the next
    /// period's (excluded), `utc_offset_minutes` ahead of UTC.
    pub fn bounds(self, utc_offset_minutes: i16) -> (Timestamp, Timestamp) {
        let (first, after) = self.days();
        (first.start(utc_offset_minutes), after.start(utc_offset_minutes))
    }
}

impl fmt::Display for ReportPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Month { year, month } => write!(f, "{year:04}-{month:02}"),
            Self::Quarter { year, quarter } => write!(f, "{year:04}-Q{quarter}"),
            Self::Year { year } => write!(f, "{year:04}"),
        }
    }
}

impl FromStr for ReportPeriod {
    type Err = PeriodError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = || PeriodError { text: text.to_owned() };
        let number = |digits: &str, len: usize| -> Result<u16, PeriodError> {
            if digits.len() != len || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(error());
            }
            digits.parse().map_err(|_| error())
        };
        let period = match text.split_once('-') {
            None => Self::Year { year: number(text, 4)? },
            Some((year, rest)) => {
                let year = number(year, 4)?;
                match rest.strip_prefix('Q') {
                    Some(quarter) => Self::Quarter {
                        year,
                        quarter: u8::try_from(number(quarter, 1)?).map_err(|_| error())?,
                    },
                    None => Self::Month {
                        year,
                        month: u8::try_from(number(rest, 2)?).map_err(|_| error())?,
                    },
                }
            }
        };
        period.check().map_err(|_| error())
    }
}

impl Serialize for ReportPeriod {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ReportPeriod {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <String as Deserialize>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A periodic report (通报) a data authority published: what it covers, the height its figures
/// were computed at and the digest of their canonical encoding.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedReport {
    /// Its id, from the `published_report` sequence.
    pub id: PublishedReportId,
    /// Whose figures.
    pub scope: ReportScope,
    /// Which period.
    pub period: ReportPeriod,
    /// The height the figures were computed at.
    pub height: Height,
    /// `H("onebook/report/v1", borsh(figures))` of the figures as computed at `height`.
    pub digest: Hash32,
    /// The data authority that published it.
    pub publisher_org: OrgId,
    /// The member who signed it.
    pub publisher: PublicKey,
    /// Block time of the block that recorded it.
    pub published_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_month_of_a_time_and_the_month_before_are_read_in_local_time() {
        // 2026-11-30 16:30 UTC is 2026-12-01 00:30 in China Standard Time.
        let time =
            Date::from_ymd(2026, 11, 30).expect("a date").start(0).0 + 16 * 3_600_000 + 1_800_000;
        assert_eq!(ReportPeriod::month_of(Timestamp(time), 480).to_string(), "2026-12");
        assert_eq!(ReportPeriod::month_of(Timestamp(time), 0).to_string(), "2026-11");
        assert_eq!(ReportPeriod::month_before(Timestamp(time), 480).to_string(), "2026-11");
        let january = Date::from_ymd(2027, 1, 15).expect("a date").start(480);
        assert_eq!(ReportPeriod::month_before(january, 480).to_string(), "2026-12");
    }

    #[test]
    fn a_period_is_read_as_it_is_written() {
        for text in ["2026-12", "2026-01", "2026-Q4", "2026-Q1", "2026"] {
            let period: ReportPeriod = text.parse().expect("a period");

            assert_eq!(period.to_string(), text);
        }
    }

    #[test]
    fn a_period_out_of_range_or_malformed_is_refused() {
        for text in ["2026-13", "2026-00", "2026-Q5", "2026-Q0", "1999", "26-12", "2026-1", "x", ""]
        {
            assert!(text.parse::<ReportPeriod>().is_err(), "{text}");
        }
    }

    #[test]
    fn periods_span_their_days_in_local_time() {
        let cst = 480;
        let december: ReportPeriod = "2026-12".parse().expect("a period");
        let (from, to) = december.bounds(cst);

        assert_eq!(from, Date::from_ymd(2026, 12, 1).expect("a day").start(cst));
        assert_eq!(to, Date::from_ymd(2027, 1, 1).expect("a day").start(cst));
        let q4: ReportPeriod = "2026-Q4".parse().expect("a period");
        assert_eq!(q4.days().0, Date::from_ymd(2026, 10, 1).expect("a day"));
        assert_eq!(q4.days().1, Date::from_ymd(2027, 1, 1).expect("a day"));
        let year: ReportPeriod = "2026".parse().expect("a period");
        assert_eq!(year.days().1, Date::from_ymd(2027, 1, 1).expect("a day"));
    }
}
