//! Per lead leader (领导分管, 督事督人): completion rate and the 蓝红 mark.

use super::labels::round1;
use crate::score::{LeaderMark, LeaderResult};

/// One leader's row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LeaderFigures<'r> {
    pub(crate) leader: &'r LeaderResult,
    /// Tasks done of the leader's tasks, percent with one decimal (0 without tasks).
    pub(crate) completion: f64,
    /// `红`, `蓝` or empty.
    pub(crate) mark: &'static str,
}

/// The mark in one character: `红`, `蓝`, or empty.
pub(crate) fn mark_label(m: Option<LeaderMark>) -> &'static str {
    match m {
        Some(LeaderMark::Red) => "红",
        Some(LeaderMark::Blue) => "蓝",
        None => "",
    }
}

/// Every leader, in the order of `leaders` (by name).
pub(crate) fn leaders(leaders: &[LeaderResult]) -> Vec<LeaderFigures<'_>> {
    leaders
        .iter()
        .map(|l| LeaderFigures {
            leader: l,
            completion: if l.tasks == 0 {
                0.0
            } else {
                round1(l.done as f64 * 100.0 / l.tasks as f64)
            },
            mark: mark_label(l.mark),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::CardCounts;

    fn leader(name: &str, tasks: u32, done: u32, mark: Option<LeaderMark>) -> LeaderResult {
        LeaderResult {
            name: name.into(),
            units: vec![],
            tasks,
            done,
            behind: 0,
            overdue: 0,
            cards: CardCounts::default(),
            mark,
            mark_reason: String::new(),
        }
    }

    #[test]
    fn completion_rate_and_mark() {
        let ls = [
            leader("张", 3, 1, Some(LeaderMark::Red)),
            leader("李", 4, 4, Some(LeaderMark::Blue)),
            leader("王", 0, 0, None),
        ];
        let f = leaders(&ls);
        let rows: Vec<(f64, &str)> = f.iter().map(|x| (x.completion, x.mark)).collect();
        assert_eq!(rows, vec![(33.3, "红"), (100.0, "蓝"), (0.0, "")]);
    }
}
