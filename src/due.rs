//! Which tasks a period expects (本期应报事项) — the one rule, used by
//! `duban forms` and next period's forms (下期表单), by the merge (each
//! unit's due list, TASK_NOT_REPORTED and UNIT_NOT_REPORTED), by the score
//! (the reporting component, 本期应报未报) and by the reminders (督办提示).
//!
//! A task is due in a period when
//!
//! * its star cadence says so (提示管理, [`Period::is_due`]: 5★ every
//!   period, 4★ monthly, 3★ quarterly) — `DueReason::Cadence`; or
//! * it is not done and its effective deadline (完成时限, else 交办日期 + the
//!   default working days) has passed by the as-of date
//!   (`DueReason::Overdue`) or falls within `near_deadline_days` after it
//!   (`DueReason::NearDeadline`): such a task reports every period,
//!   whatever its stars.
//!
//! "Not done" is what was known before this period's returns were read: the
//! last status history has for the task (for next period's forms: this
//! run's result). A task reported 已完成 this period stays due this period —
//! it was expected, and it was reported.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::model::{Ledger, Status, Task};
use crate::period::Period;
use crate::store::history::History;

/// Why a task is expected in a period's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum DueReason {
    /// Its star cadence (5★ every period, 4★ monthly, 3★ quarterly).
    Cadence,
    /// Past its deadline and not done.
    Overdue,
    /// Not done, its deadline within `near_deadline_days` of the as-of date.
    NearDeadline,
}

impl DueReason {
    /// Why, in words, for messages: `3星，按季度报送` / `已超过完成时限，每期须报送`.
    pub(crate) fn text(self, stars: u8) -> String {
        match self {
            DueReason::Cadence => match stars {
                s if s >= 5 => format!("{stars}星，每期报送"),
                4 => format!("{stars}星，按月报送"),
                _ => format!("{stars}星，按季度报送"),
            },
            DueReason::Overdue => format!("{stars}星，已超过完成时限未完成，每期须报送"),
            DueReason::NearDeadline => format!("{stars}星，临近完成时限，每期须报送"),
        }
    }
}

/// The due rule of one period.
#[derive(Debug, Clone, Copy)]
pub struct DueRule<'a> {
    /// The period the returns are for.
    pub period: Period,
    /// Date the deadlines are measured from (the run's as-of date; for a
    /// form, the as-of date of the period it is for).
    pub as_of: NaiveDate,
    /// Working days, for deadlines derived from 交办日期.
    pub calendar: &'a Calendar,
    /// `near_deadline_days` of the config.
    pub near_deadline_days: u32,
}

impl DueRule<'_> {
    /// Why `t` is due this period, or None when it is not. `done`: the task
    /// was known to be done before this period.
    pub(crate) fn reason(&self, t: &Task, done: bool) -> Option<DueReason> {
        self.reason_of(t.stars, self.calendar.effective_deadline(t), done)
    }

    /// The rule itself, for a task of `stars` with the effective `deadline`.
    pub(crate) fn reason_of(
        &self,
        stars: u8,
        deadline: Option<NaiveDate>,
        done: bool,
    ) -> Option<DueReason> {
        if self.period.is_due(stars) {
            return Some(DueReason::Cadence);
        }
        if done {
            return None;
        }
        let days_left = (deadline? - self.as_of).num_days();
        if days_left < 0 {
            Some(DueReason::Overdue)
        } else if days_left <= i64::from(self.near_deadline_days) {
            Some(DueReason::NearDeadline)
        } else {
            None
        }
    }

    /// Every task of `ledger` due this period; `done(id)` says whether a
    /// task was known to be done before it. A task the ledger has closed
    /// (销号, `crate::closing`) is never due.
    pub fn expected(&self, ledger: &Ledger, done: impl Fn(&str) -> bool) -> Expected {
        Expected {
            by_task: ledger
                .tasks
                .iter()
                .filter(|t| !ledger.is_closed(&t.id))
                .filter_map(|t| Some((t.id.to_string(), self.reason(t, done(&t.id))?)))
                .collect(),
        }
    }

    /// Every task due this period, "done" being the last status the earlier
    /// periods of `history` have for it.
    pub(crate) fn expected_after(&self, ledger: &Ledger, history: &History) -> Expected {
        let last = last_statuses(history);
        self.expected(ledger, |id| last.get(id).is_some_and(|s| s.is_done()))
    }
}

/// The last status each task was reported with in the earlier periods.
fn last_statuses(history: &History) -> HashMap<&str, Status> {
    let mut last = HashMap::new();
    for p in &history.periods {
        for t in &p.tasks {
            if let Some(s) = t.status {
                last.insert(t.id.as_str(), s);
            }
        }
    }
    last
}

/// The tasks a period expects, by id, with why.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Expected {
    by_task: BTreeMap<String, DueReason>,
}

impl Expected {
    pub(crate) fn reason(&self, id: &str) -> Option<DueReason> {
        self.by_task.get(id).copied()
    }

    pub(crate) fn is_due(&self, id: &str) -> bool {
        self.by_task.contains_key(id)
    }

    /// How many tasks are due.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.by_task.len()
    }

    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.by_task.is_empty()
    }

    /// These expectations without the tasks `closed(id)` says are closed
    /// (those a run closes, for next period's forms).
    pub(crate) fn without(mut self, closed: impl Fn(&str) -> bool) -> Expected {
        self.by_task.retain(|id, _| !closed(id));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Unit;
    use crate::schema::{TaskId, UnitName};
    use crate::store::history::{PeriodSnapshot, TaskSnap};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn task(id: &str, stars: u8, deadline: Option<NaiveDate>) -> Task {
        Task {
            id: TaskId::new(id),
            title: format!("事项{id}"),
            source: String::new(),
            stars,
            leader: String::new(),
            lead_unit: UnitName::new("区发改局"),
            coop_units: vec![],
            owner: String::new(),
            start: Some(d(2023, 1, 1)),
            deadline,
            assigned: None,
            requirements: String::new(),
            milestones: vec![],
            ledger_row: 2,
            state_mark: None,
            group: None,
        }
    }

    fn rule(cal: &Calendar, period: Period, as_of: NaiveDate) -> DueRule<'_> {
        DueRule {
            period,
            as_of,
            calendar: cal,
            near_deadline_days: 7,
        }
    }

    #[test]
    fn cadence_or_deadline_makes_a_task_due() {
        let cal = Calendar::new(&[], &[], 5);
        // April: 3★ is off its quarterly cadence, 4★ and 5★ are on theirs.
        let r = rule(&cal, Period::month(2023, 4), d(2023, 4, 30));
        let far = Some(d(2023, 12, 31));
        assert_eq!(r.reason(&task("A", 3, far), false), None);
        assert_eq!(
            r.reason(&task("B", 4, far), false),
            Some(DueReason::Cadence)
        );
        assert_eq!(
            r.reason(&task("C", 5, far), false),
            Some(DueReason::Cadence)
        );
        // A 3★ task past its deadline, or within 7 days of it, reports every month.
        let over = task("D", 3, Some(d(2023, 4, 29)));
        assert_eq!(r.reason(&over, false), Some(DueReason::Overdue));
        let near = task("E", 3, Some(d(2023, 5, 7)));
        assert_eq!(r.reason(&near, false), Some(DueReason::NearDeadline));
        assert_eq!(
            r.reason(&task("F", 3, Some(d(2023, 4, 30))), false),
            Some(DueReason::NearDeadline)
        );
        // One day beyond the window: not yet.
        assert_eq!(r.reason(&task("G", 3, Some(d(2023, 5, 8))), false), None);
        // Done before: the deadline no longer calls for a report.
        assert_eq!(r.reason(&over, true), None);
        // No deadline at all: the cadence alone decides.
        assert_eq!(r.reason(&task("H", 3, None), false), None);
    }

    #[test]
    fn a_derived_deadline_counts_too() {
        let cal = Calendar::new(&[], &[], 5);
        let mut t = task("A", 3, None);
        // Assigned Mon 2023-04-03: due 5 working days later, Mon 2023-04-10.
        t.assigned = Some(d(2023, 4, 3));
        let r = rule(&cal, Period::month(2023, 4), d(2023, 4, 30));
        assert_eq!(r.reason(&t, false), Some(DueReason::Overdue));
    }

    #[test]
    fn history_tells_what_was_done_before() {
        let cal = Calendar::new(&[], &[], 5);
        let ledger = Ledger::new(
            vec![
                task("A", 3, Some(d(2023, 3, 31))),
                task("B", 3, Some(d(2023, 3, 31))),
                task("C", 3, Some(d(2023, 3, 31))),
                task("D", 4, Some(d(2023, 12, 31))),
            ],
            vec![Unit {
                name: UnitName::new("区发改局"),
                code: None,
                category: String::new(),
                aliases: vec![],
                contact: String::new(),
                phone: String::new(),
            }],
            vec![],
        );
        let snap = |id: &str, status| TaskSnap {
            id: id.into(),
            unit: "区发改局".into(),
            status,
            actual: None,
            progress: String::new(),
            card: None,
            ..TaskSnap::default()
        };
        let period = |p: Period, tasks| PeriodSnapshot::new(p, p.end(), tasks, vec![]);
        let history = History {
            periods: vec![
                period(
                    Period::month(2023, 2),
                    vec![
                        snap("A", Some(Status::Completed)),
                        snap("B", Some(Status::Completed)),
                    ],
                ),
                // B was reopened in March; A not reported (its February status holds).
                period(
                    Period::month(2023, 3),
                    vec![snap("A", None), snap("B", Some(Status::InProgress))],
                ),
            ],
        };
        let e =
            rule(&cal, Period::month(2023, 4), d(2023, 4, 30)).expected_after(&ledger, &history);
        assert!(!e.is_due("A"));
        assert_eq!(e.reason("B"), Some(DueReason::Overdue));
        assert_eq!(e.reason("C"), Some(DueReason::Overdue));
        assert_eq!(e.reason("D"), Some(DueReason::Cadence));
        assert_eq!(e.len(), 3);
    }

    #[test]
    fn a_closed_task_is_never_due() {
        let cal = Calendar::new(&[], &[], 5);
        let mut ledger = Ledger::new(
            vec![
                task("A", 5, Some(d(2023, 12, 31))),
                task("B", 3, Some(d(2023, 4, 1))),
                task("C", 4, Some(d(2023, 12, 31))),
            ],
            vec![],
            vec![],
        );
        let r = rule(&cal, Period::month(2023, 4), d(2023, 4, 30));
        assert_eq!(r.expected(&ledger, |_| false).len(), 3);
        // A (5★, every period) and B (overdue) closed before April.
        let closed = crate::model::Closure {
            period: Period::month(2023, 3),
            by_hand: false,
        };
        ledger.set_closures([(TaskId::new("A"), closed), (TaskId::new("B"), closed)]);
        let e = r.expected(&ledger, |_| false);
        assert_eq!(
            (e.is_due("A"), e.is_due("B"), e.is_due("C")),
            (false, false, true)
        );
        // Closed by this run: left out of next period's forms.
        assert!(e.without(|id| id == "C").is_empty());
    }

    #[test]
    fn reasons_in_words() {
        assert_eq!(DueReason::Cadence.text(3), "3星，按季度报送");
        assert_eq!(DueReason::Cadence.text(5), "5星，每期报送");
        assert_eq!(
            DueReason::Overdue.text(3),
            "3星，已超过完成时限未完成，每期须报送"
        );
        assert_eq!(
            DueReason::NearDeadline.text(4),
            "4星，临近完成时限，每期须报送"
        );
    }
}
