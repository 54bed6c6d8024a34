//! Tasks by the ledger's groups (分组, its heading rows): the per-group
//! view offices read their ledger by — tasks, due, done, behind, overdue
//! and cards of each group.

use super::overview::TaskCounts;
use crate::model::GROUP_SEP;
use crate::score::TaskResult;

/// The tasks without a group, when others have one.
pub(crate) const NO_GROUP: &str = "（未分组）";

/// One group's counts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GroupFigures {
    /// The heading as written in the ledger (its count dropped).
    pub(crate) name: String,
    /// 1 for a top-level group, 2 for a group inside one.
    pub(crate) level: u8,
    pub(crate) counts: TaskCounts,
}

/// A group inside a top-level one, and its tasks.
type Sub<'a> = (&'a str, Vec<&'a TaskResult>);

/// Every group in ledger order: each top-level group with its counts, then
/// the groups inside it (when it has more than one); tasks without a group
/// last. Empty when the ledger has no groups.
pub(crate) fn groups(tasks: &[TaskResult]) -> Vec<GroupFigures> {
    if tasks.iter().all(|t| t.group.is_none()) {
        return Vec::new();
    }
    // (top, its tasks, [(sub path, tasks)]) in the order first met.
    let mut tops: Vec<(&str, Vec<&TaskResult>, Vec<Sub>)> = Vec::new();
    for t in tasks {
        let path = t.group.as_deref().unwrap_or(NO_GROUP);
        let (top, sub) = match path.split_once(GROUP_SEP) {
            Some((top, sub)) => (top, Some(sub)),
            None => (path, None),
        };
        let i = match tops.iter().position(|(n, ..)| *n == top) {
            Some(i) => i,
            None => {
                tops.push((top, Vec::new(), Vec::new()));
                tops.len() - 1
            }
        };
        let entry = &mut tops[i];
        entry.1.push(t);
        if let Some(sub) = sub {
            match entry.2.iter_mut().find(|(n, _)| *n == sub) {
                Some((_, v)) => v.push(t),
                None => entry.2.push((sub, vec![t])),
            }
        }
    }
    // Tasks without a group last.
    if let Some(i) = tops.iter().position(|(n, ..)| *n == NO_GROUP) {
        let none = tops.remove(i);
        tops.push(none);
    }
    let mut out = Vec::new();
    for (top, all, subs) in tops {
        out.push(GroupFigures {
            name: top.to_string(),
            level: 1,
            counts: TaskCounts::of(all.iter().copied()),
        });
        let shown = subs.len() > 1 || subs.first().is_some_and(|(_, v)| v.len() < all.len());
        for (sub, v) in subs.into_iter().filter(|_| shown) {
            out.push(GroupFigures {
                name: sub.to_string(),
                level: 2,
                counts: TaskCounts::of(v.iter().copied()),
            });
        }
    }
    out
}

/// One group's counts in a line: `事项 22，本期应报 10，已完成 3，滞后 4，逾期 1；红牌 2、黄牌 1`.
pub(crate) fn group_line(g: &GroupFigures) -> String {
    let c = &g.counts;
    let mut s = format!(
        "事项 {}，本期应报 {}，已报 {}，已完成 {}，滞后 {}，逾期 {}",
        c.tasks, c.due, c.reported, c.done, c.behind, c.overdue
    );
    let cards: Vec<String> = [
        ("红牌", c.cards.red),
        ("橙牌", c.cards.orange),
        ("黄牌", c.cards.yellow),
        ("蓝牌", c.cards.blue),
    ]
    .iter()
    .filter(|(_, n)| *n > 0)
    .map(|(l, n)| format!("{l} {n}"))
    .collect();
    if cards.is_empty() {
        s.push_str("；未亮牌");
    } else {
        s.push('；');
        s.push_str(&cards.join("、"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Card;
    use crate::report::figures::testdata::{carded, task};

    fn grouped(t: TaskResult, g: Option<&str>) -> TaskResult {
        TaskResult {
            group: g.map(str::to_string),
            ..t
        }
    }

    #[test]
    fn groups_in_ledger_order_with_their_sub_groups() {
        let tasks = [
            grouped(
                carded("A", "甲", Card::Red, Some(40.0)),
                Some("一、经济发展 / （一）招商引资"),
            ),
            grouped(task("B", "甲"), Some("一、经济发展 / （二）项目建设")),
            grouped(task("C", "乙"), None),
            grouped(
                TaskResult {
                    done: true,
                    due: true,
                    ..task("D", "乙")
                },
                Some("二、民生保障"),
            ),
            grouped(
                carded("E", "乙", Card::Blue, Some(12.0)),
                Some("一、经济发展 / （一）招商引资"),
            ),
        ];
        let g = groups(&tasks);
        let rows: Vec<(&str, u8, u32)> = g
            .iter()
            .map(|x| (x.name.as_str(), x.level, x.counts.tasks))
            .collect();
        assert_eq!(
            rows,
            vec![
                ("一、经济发展", 1, 3),
                ("（一）招商引资", 2, 2),
                ("（二）项目建设", 2, 1),
                ("二、民生保障", 1, 1),
                (NO_GROUP, 1, 1),
            ]
        );
        assert_eq!(g[0].counts.cards.red, 1);
        assert_eq!(g[0].counts.cards.blue, 1);
        assert_eq!(g[0].counts.behind, 2);
        assert_eq!(
            group_line(&g[0]),
            "事项 3，本期应报 0，已报 0，已完成 0，滞后 2，逾期 0；红牌 1、蓝牌 1"
        );
        assert_eq!(
            group_line(&g[3]),
            "事项 1，本期应报 1，已报 0，已完成 1，滞后 0，逾期 0；未亮牌"
        );
        // No groups at all: no view.
        assert!(groups(&[task("X", "甲")]).is_empty());
    }
}
