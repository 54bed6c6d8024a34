//! The figures the 公文 show beyond the workbook's: tasks on schedule
//! (按序时进度推进), the behind and overdue tasks of the 通报's attachment,
//! carded tasks grouped by card colour and unit, units counted by card.

#[cfg(test)]
use crate::model::Card;
use crate::score::{CardCounts, TaskResult, UnitResult};

/// Tasks on schedule (按序时进度推进): not done, not past the deadline, and
/// reported at or ahead of plan (lag ≤ 0).
pub(crate) fn on_schedule<'a>(tasks: impl IntoIterator<Item = &'a TaskResult>) -> u32 {
    tasks
        .into_iter()
        .filter(|t| !t.done && !t.overdue && t.lag.is_some_and(|l| l <= 0.0))
        .count() as u32
}

/// Tasks not done that are behind plan (lag > 0) or past their deadline
/// (滞后及逾期事项): overdue first, then the largest lag, then by id.
pub(crate) fn behind_or_overdue(tasks: &[TaskResult]) -> Vec<&TaskResult> {
    let mut v: Vec<&TaskResult> = tasks
        .iter()
        .filter(|t| !t.done && (t.overdue || t.lag.is_some_and(|l| l > 0.0)))
        .collect();
    v.sort_by(|a, b| {
        b.overdue
            .cmp(&a.overdue)
            .then_with(|| {
                b.lag
                    .unwrap_or(f64::NEG_INFINITY)
                    .total_cmp(&a.lag.unwrap_or(f64::NEG_INFINITY))
            })
            .then_with(|| a.id.cmp(&b.id))
    });
    v
}

/// The carded tasks of one colour, by lead unit.
#[derive(Debug, Clone, PartialEq)]
#[cfg(test)]
pub(crate) struct CardGroup<'r> {
    pub(crate) card: Card,
    /// Each unit with its tasks of this colour; units in the order their
    /// first task comes in the alerts (the most lagging first).
    pub(crate) units: Vec<(&'r str, Vec<&'r TaskResult>)>,
}

#[cfg(test)]
impl CardGroup<'_> {
    /// Tasks in the group.
    pub(crate) fn tasks(&self) -> usize {
        self.units.iter().map(|(_, t)| t.len()).sum()
    }
}

/// Carded tasks (in the order of [`super::alerts`]) grouped by colour, most
/// severe first; colours without a task are left out.
#[cfg(test)]
pub(crate) fn cards_by_colour<'r>(alerts: &[&'r TaskResult]) -> Vec<CardGroup<'r>> {
    let mut groups: Vec<CardGroup<'r>> = Vec::new();
    for card in [Card::Red, Card::Orange, Card::Yellow, Card::Blue] {
        let mut units: Vec<(&'r str, Vec<&'r TaskResult>)> = Vec::new();
        for t in alerts.iter().copied().filter(|t| t.card == Some(card)) {
            match units.iter_mut().find(|(u, _)| *u == t.unit.as_str()) {
                Some((_, v)) => v.push(t),
                None => units.push((t.unit.as_str(), vec![t])),
            }
        }
        if !units.is_empty() {
            groups.push(CardGroup { card, units });
        }
    }
    groups
}

/// Units counted by their card (the most severe of their tasks' and their own).
pub(crate) fn unit_cards<'a>(units: impl IntoIterator<Item = &'a UnitResult>) -> CardCounts {
    let mut c = CardCounts::default();
    for u in units {
        c.add(u.card);
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::figures::alerts;
    use crate::report::figures::testdata::{carded, task, unit};

    #[test]
    fn on_schedule_counts_reported_tasks_at_or_ahead_of_plan() {
        let t = |id: &str, lag: Option<f64>, done: bool, overdue: bool| TaskResult {
            lag,
            done,
            overdue,
            ..task(id, "甲")
        };
        let tasks = [
            t("A", Some(0.0), false, false),   // on plan
            t("B", Some(-12.5), false, false), // ahead
            t("C", Some(0.1), false, false),   // behind
            t("D", Some(-5.0), true, false),   // done: not counted here
            t("E", None, false, false),        // nothing reported
            t("F", Some(0.0), false, true),    // overdue at 100% not marked done
        ];
        assert_eq!(on_schedule(&tasks), 2);
        assert_eq!(on_schedule([]), 0);
    }

    #[test]
    fn behind_or_overdue_lists_overdue_first_then_largest_lag() {
        let t = |id: &str, lag: Option<f64>, done: bool, overdue: bool| TaskResult {
            lag,
            done,
            overdue,
            ..task(id, "甲")
        };
        let tasks = [
            t("A", Some(5.0), false, false),
            t("B", Some(20.0), false, false),
            t("C", None, false, true),       // overdue, nothing reported
            t("D", Some(40.0), true, false), // done
            t("E", Some(0.0), false, false), // on plan
            t("F", Some(30.0), false, true),
            t("G", Some(20.0), false, false),
        ];
        let ids: Vec<&str> = behind_or_overdue(&tasks)
            .iter()
            .map(|t| t.id.as_str())
            .collect();
        assert_eq!(ids, vec!["F", "C", "B", "G", "A"]);
    }

    #[test]
    fn cards_are_grouped_by_colour_then_unit() {
        let tasks = [
            carded("A1", "甲", Card::Blue, Some(12.0)),
            carded("B1", "乙", Card::Red, Some(50.0)),
            carded("A2", "甲", Card::Red, Some(35.0)),
            carded("B2", "乙", Card::Red, Some(31.0)),
            carded("C1", "丙", Card::Yellow, Some(20.0)),
            task("C2", "丙"),
        ];
        let a = alerts(&tasks);
        let groups = cards_by_colour(&a);
        type Shape<'a> = Vec<(Card, Vec<(&'a str, Vec<&'a str>)>)>;
        let shape: Shape = groups
            .iter()
            .map(|g| {
                let units = g
                    .units
                    .iter()
                    .map(|(u, ts)| (*u, ts.iter().map(|t| t.id.as_str()).collect()))
                    .collect();
                (g.card, units)
            })
            .collect();
        assert_eq!(
            shape,
            vec![
                (
                    Card::Red,
                    vec![("乙", vec!["B1", "B2"]), ("甲", vec!["A2"])]
                ),
                (Card::Yellow, vec![("丙", vec!["C1"])]),
                (Card::Blue, vec![("甲", vec!["A1"])]),
            ]
        );
        assert_eq!(groups[0].tasks(), 3);
        assert!(cards_by_colour(&[]).is_empty());
    }

    #[test]
    fn units_are_counted_by_card() {
        let mut a = unit("甲", "区直部门", 1);
        a.card = Some(Card::Red);
        let mut b = unit("乙", "区直部门", 2);
        b.card = Some(Card::Red);
        let mut c = unit("丙", "区直部门", 3);
        c.card = Some(Card::Blue);
        let d = unit("丁", "区直部门", 4);
        let n = unit_cards([&a, &b, &c, &d]);
        assert_eq!((n.red, n.orange, n.yellow, n.blue), (2, 0, 0, 1));
    }
}
