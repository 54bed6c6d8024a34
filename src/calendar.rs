//! Working days (weekends, configured holidays and 调休 working days) and the
//! effective deadline of a task.

use std::collections::HashSet;

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use crate::model::Task;

/// The office's working-day calendar: weekends off, plus the configured
/// holidays and 调休 working days.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    holidays: HashSet<NaiveDate>,
    workdays: HashSet<NaiveDate>,
    /// Working days after 交办日期 when a task has no 完成时限: such a task is
    /// due that many working days after it was assigned (5 by default).
    pub(crate) default_working_days: u32,
}

impl Calendar {
    /// A calendar with these extra days off (`holidays`) and extra working
    /// days (`workdays`, weekend days worked for 调休), where a task with no
    /// 完成时限 is due `default_working_days` after it was assigned.
    pub fn new(holidays: &[NaiveDate], workdays: &[NaiveDate], default_working_days: u32) -> Self {
        Calendar {
            holidays: holidays.iter().copied().collect(),
            workdays: workdays.iter().copied().collect(),
            default_working_days,
        }
    }

    pub(crate) fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.workdays.contains(&d) {
            return true;
        }
        if self.holidays.contains(&d) {
            return false;
        }
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The `n`-th working day after `d` (`d` itself not counted).
    pub(crate) fn add_working_days(&self, d: NaiveDate, n: u32) -> NaiveDate {
        let mut cur = d;
        let mut left = n;
        while left > 0 {
            cur += Duration::days(1);
            if self.is_working_day(cur) {
                left -= 1;
            }
        }
        cur
    }

    /// 完成时限, or — when only 交办日期 is given — `default_working_days`
    /// working days after it. None when neither is known.
    pub(crate) fn effective_deadline(&self, t: &Task) -> Option<NaiveDate> {
        t.deadline.or_else(|| {
            t.assigned
                .map(|a| self.add_working_days(a, self.default_working_days))
        })
    }

    /// Start of the plan: 开始日期, else 交办日期.
    pub(crate) fn effective_start(&self, t: &Task) -> Option<NaiveDate> {
        t.start.or(t.assigned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn five_working_days() {
        let c = Calendar::new(&[], &[], 5);
        // Thu 2023-03-16 + 5 working days = Thu 2023-03-23
        assert_eq!(c.add_working_days(d(2023, 3, 16), 5), d(2023, 3, 23));
        // Fri + 1 = Mon
        assert_eq!(c.add_working_days(d(2023, 3, 17), 1), d(2023, 3, 20));
        // Holiday skipped, 调休 Saturday counted.
        let c = Calendar::new(&[d(2023, 4, 5)], &[d(2023, 4, 23)], 5);
        assert_eq!(c.add_working_days(d(2023, 4, 4), 1), d(2023, 4, 6));
        assert_eq!(c.add_working_days(d(2023, 4, 21), 1), d(2023, 4, 23));
    }
}
