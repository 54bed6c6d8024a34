//! Lists of tasks the outputs single out: carded tasks, most severe first
//! (亮牌预警); reminders, grouped (督办提示).

use crate::model::Card;
use crate::score::{Reminder, ReminderKind, TaskResult};

/// Carded tasks, most severe first, then the largest lag, then id.
pub(crate) fn alerts(tasks: &[TaskResult]) -> Vec<&TaskResult> {
    let mut v: Vec<&TaskResult> = tasks.iter().filter(|t| t.card.is_some()).collect();
    v.sort_by(|a, b| {
        let sev = |t: &TaskResult| t.card.map(Card::severity).unwrap_or(0);
        sev(b)
            .cmp(&sev(a))
            .then_with(|| {
                b.lag
                    .unwrap_or(f64::NEG_INFINITY)
                    .total_cmp(&a.lag.unwrap_or(f64::NEG_INFINITY))
            })
            .then_with(|| a.id.cmp(&b.id))
    });
    v
}

/// The kind of a reminder in words.
pub(crate) fn reminder_label(k: ReminderKind) -> &'static str {
    match k {
        ReminderKind::Overdue => "已逾期",
        ReminderKind::NearDeadline => "临近到期",
        ReminderKind::Cadence => "本期应报",
    }
}

/// Reminders grouped: 已逾期, 临近到期, 本期应报 (in their order within a group).
pub(crate) fn reminders(list: &[Reminder]) -> Vec<&Reminder> {
    let group = |k: ReminderKind| match k {
        ReminderKind::Overdue => 0,
        ReminderKind::NearDeadline => 1,
        ReminderKind::Cadence => 2,
    };
    let mut v: Vec<&Reminder> = list.iter().collect();
    v.sort_by_key(|x| group(x.kind));
    v
}

/// Days left to a deadline in words: `逾期 3 天`, `今日到期`, `还剩 5 天`.
pub(crate) fn days_left(days: Option<i64>) -> Option<String> {
    match days? {
        d if d < 0 => Some(format!("逾期 {} 天", -d)),
        0 => Some("今日到期".to_string()),
        d => Some(format!("还剩 {d} 天")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::figures::testdata::{carded, task};

    #[test]
    fn alerts_most_severe_then_most_lagging_then_by_id() {
        let tasks = [
            carded("A", "甲", Card::Blue, Some(30.0)),
            task("B", "甲"),
            carded("C", "乙", Card::Red, None),
            carded("D", "乙", Card::Red, Some(5.0)),
            carded("E", "乙", Card::Red, Some(5.0)),
            carded("F", "丙", Card::Orange, Some(1.0)),
        ];
        let ids: Vec<&str> = alerts(&tasks).iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, vec!["D", "E", "C", "F", "A"]);
    }

    #[test]
    fn reminders_grouped_and_days_in_words() {
        let r = |task: &str, kind| Reminder {
            kind,
            task: task.into(),
            title: String::new(),
            unit: String::new(),
            leader: String::new(),
            stars: 5,
            deadline: None,
            days_left: None,
            note: String::new(),
        };
        let list = [
            r("A", ReminderKind::Cadence),
            r("B", ReminderKind::Overdue),
            r("C", ReminderKind::NearDeadline),
            r("D", ReminderKind::Overdue),
        ];
        let order: Vec<(&str, &str)> = reminders(&list)
            .iter()
            .map(|x| (reminder_label(x.kind), x.task.as_str()))
            .collect();
        assert_eq!(
            order,
            vec![
                ("已逾期", "B"),
                ("已逾期", "D"),
                ("临近到期", "C"),
                ("本期应报", "A")
            ]
        );
        assert_eq!(days_left(Some(-3)).unwrap(), "逾期 3 天");
        assert_eq!(days_left(Some(0)).unwrap(), "今日到期");
        assert_eq!(days_left(Some(5)).unwrap(), "还剩 5 天");
        assert_eq!(days_left(None), None);
    }
}
