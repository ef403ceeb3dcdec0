//! Working days: the deadlines of the sources ("20 working days", "7 working days") counted on
//! the governed calendar of [`Policy`], with no clock.
//!
//! A day is a working day if it is a make-up working day (调休), or else if it is a weekday that
//! is not a statutory holiday. Counting starts the day after the start day, as a clerk counts:
//! "within 7 working days" of a Friday's duty change ends on the seventh working day after it.

use onebook_types::{consortium::Policy, ids::Timestamp, time::Date};

/// Whether `day` is a working day under `policy`.
pub fn is_working_day(day: Date, policy: &Policy) -> bool {
    if policy.makeup_workdays.binary_search(&day).is_ok() {
        return true;
    }
    !day.is_weekend() && policy.holidays.binary_search(&day).is_err()
}

/// The day on which `days` working days after `start` are complete. `start` itself is not
/// counted; with `days == 0` the answer is `start`.
pub fn add_working_days(start: Date, days: u16, policy: &Policy) -> Date {
    let mut day = start;
    let mut counted = 0u16;
    while counted < days {
        day = day.next();
        if is_working_day(day, policy) {
            counted += 1;
        }
    }
    day
}

/// The deadline of a duty that arose at block time `time` and is due within `days` working
/// days: the last millisecond of the due day in the policy's local time.
pub fn deadline(time: Timestamp, days: u16, policy: &Policy) -> Timestamp {
    let offset = policy.utc_offset_minutes;
    let due = add_working_days(Date::of_timestamp(time, offset), days, policy);
    Timestamp(due.next().start(offset).0 - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::dev_genesis;

    fn date(text: &str) -> Date {
        text.parse().expect("a valid date")
    }

    #[test]
    fn xiamen_seven_days_span_the_2025_national_day_holiday() {
        // Start: Fri 2025-09-26 (not counted). Sat 27 is off; Sun 28 is a make-up day (1);
        // Mon 29 (2); Tue 30 (3); Oct 1-8 are the National Day and Mid-Autumn holiday;
        // Thu Oct 9 (4); Fri 10 (5); Sat 11 is a make-up day (6); Sun 12 is off; Mon 13 (7).
        let policy = dev_genesis().policy;

        let due = add_working_days(date("2025-09-26"), 7, &policy);

        assert_eq!(due, date("2025-10-13"));
    }

    #[test]
    fn twenty_national_working_days_span_qingming() {
        // Start: Fri 2025-03-28. Mon 31 (1); Apr 1-3 (4); Fri Apr 4 to Sun 6 is Qingming;
        // Apr 7-11 (9); 14-18 (14); 21-25 (19); Sun Apr 27 is a make-up day for May Day (20).
        let policy = dev_genesis().policy;

        let due = add_working_days(date("2025-03-28"), 20, &policy);

        assert_eq!(due, date("2025-04-27"));
    }

    #[test]
    fn a_make_up_saturday_counts() {
        let mut policy = dev_genesis().policy;
        let friday = date("2025-10-10");

        let with_makeup = add_working_days(friday, 1, &policy);
        policy.makeup_workdays.clear();
        let without = add_working_days(friday, 1, &policy);

        assert_eq!(with_makeup, date("2025-10-11"));
        assert_eq!(without, date("2025-10-13"));
    }

    #[test]
    fn zero_days_end_on_the_start_day() {
        let policy = dev_genesis().policy;

        assert_eq!(add_working_days(date("2025-10-01"), 0, &policy), date("2025-10-01"));
    }

    #[test]
    fn a_deadline_ends_at_local_midnight_of_the_due_day() {
        let policy = dev_genesis().policy;
        let friday_morning = Timestamp(date("2025-09-26").start(480).0 + 10 * 3_600_000);

        let due = deadline(friday_morning, 7, &policy);

        assert_eq!(Date::of_timestamp(due, 480), date("2025-10-13"));
        assert_eq!(Date::of_timestamp(Timestamp(due.0 + 1), 480), date("2025-10-14"));
    }
}
