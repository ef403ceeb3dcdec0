//! Pure rules of open data and development: no state, and `today` is the block's local day.

use onebook_types::{
    consortium::{Member, Policy, Role},
    development_records::{DeveloperLevel, PlannedOpening},
    rejection::Rejection,
    time::Date,
};

/// The level of a development entity's member, from its role: primary if it holds that role.
pub fn developer_level(member: &Member) -> Option<DeveloperLevel> {
    if member.can(Role::PrimaryDeveloper) {
        Some(DeveloperLevel::Primary)
    } else if member.can(Role::SecondaryDeveloper) {
        Some(DeveloperLevel::Secondary)
    } else {
        None
    }
}

/// Checks a plan's shape: for `year`, this year or the next of `today`; at least one opening,
/// each entry once, each in a quarter 1 to 4.
pub fn check_openings(
    year: u16,
    openings: &[PlannedOpening],
    today: Date,
) -> Result<(), Rejection> {
    let (this_year, _, _) = today.ymd();
    let year = i32::from(year);
    if year != this_year && year != this_year + 1 {
        return Err(Rejection::OpenDataPlanYearInvalid);
    }
    let mut codes: Vec<&str> = openings.iter().map(|opening| opening.entry.as_str()).collect();
    codes.sort_unstable();
    let repeated = codes.windows(2).any(|pair| pair[0] == pair[1]);
    let quarters = openings.iter().all(|opening| (1..=4).contains(&opening.quarter));
    if openings.is_empty() || repeated || !quarters {
        return Err(Rejection::OpenDataPlanInvalid);
    }
    Ok(())
}

/// Checks a scenario's term: from `starts` to `ends`, both included, at least one day and at
/// most the policy's longest grant term, not ended before `today`.
pub fn check_scenario_term(
    starts: Date,
    ends: Date,
    today: Date,
    policy: &Policy,
) -> Result<(), Rejection> {
    let days = i64::from(ends.0) - i64::from(starts.0) + 1;
    if days < 1 || days > i64::from(policy.grant_term_days_max) || ends < today {
        return Err(Rejection::ScenarioTermInvalid);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use onebook_types::ids::CatalogCode;

    use super::*;
    use crate::testkit::dev_genesis;

    fn date(text: &str) -> Date {
        text.parse().expect("a date")
    }

    fn opening(entry: &str, quarter: u8) -> PlannedOpening {
        PlannedOpening { entry: CatalogCode::from(entry), quarter }
    }

    #[test]
    fn a_plan_is_for_this_year_or_the_next_with_each_entry_once_in_a_quarter() {
        let today = date("2026-11-20");
        let good = [opening("A", 1), opening("B", 4)];

        assert_eq!(check_openings(2026, &good, today), Ok(()));
        assert_eq!(check_openings(2027, &good, today), Ok(()));
        assert_eq!(check_openings(2025, &good, today), Err(Rejection::OpenDataPlanYearInvalid));
        assert_eq!(check_openings(2028, &good, today), Err(Rejection::OpenDataPlanYearInvalid));
        assert_eq!(check_openings(2026, &[], today), Err(Rejection::OpenDataPlanInvalid));
        let repeated = [opening("A", 1), opening("A", 2)];
        assert_eq!(check_openings(2026, &repeated, today), Err(Rejection::OpenDataPlanInvalid));
        let fifth = [opening("A", 5)];
        assert_eq!(check_openings(2026, &fifth, today), Err(Rejection::OpenDataPlanInvalid));
    }

    #[test]
    fn a_scenario_term_is_one_day_to_the_longest_grant_term_and_not_over() {
        let policy = dev_genesis().policy;
        let today = date("2026-03-01");
        let max = i32::try_from(policy.grant_term_days_max).expect("small");

        assert_eq!(check_scenario_term(today, today, today, &policy), Ok(()));
        let longest = Date(today.0 + max - 1);
        assert_eq!(check_scenario_term(today, longest, today, &policy), Ok(()));
        let too_long = Date(today.0 + max);
        let invalid = Err(Rejection::ScenarioTermInvalid);
        assert_eq!(check_scenario_term(today, too_long, today, &policy), invalid);
        assert_eq!(check_scenario_term(today, Date(today.0 - 1), today, &policy), invalid);
        let over = Date(today.0 - 1);
        assert_eq!(check_scenario_term(Date(today.0 - 5), over, today, &policy), invalid);
    }
}
