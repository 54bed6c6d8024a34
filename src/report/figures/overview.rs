//! The whole run in counts (一、总体情况 of every output): tasks, how the
//! units reported, the files received and the row reconciliation.

use crate::merge::{FileOutcome, FileRecord, Submission, Totals};
use crate::score::{CardCounts, TaskResult};

/// The run in counts.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Overview<'r> {
    /// Units in the ledger (责任单位数).
    pub(crate) units: u32,
    pub(crate) tasks: TaskCounts,
    pub(crate) reporting: Reporting<'r>,
    pub(crate) files: FileCounts,
    pub(crate) rows: RowCheck,
}

/// Tasks by state, and their cards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct TaskCounts {
    /// 重点事项数.
    pub(crate) tasks: u32,
    /// Due this period (本期应报).
    pub(crate) due: u32,
    /// With an accepted report this period (本期已报).
    pub(crate) reported: u32,
    /// 已完成 or 已落实.
    pub(crate) done: u32,
    /// Past the deadline and not done (已逾期未完成).
    pub(crate) overdue: u32,
    /// Close to the deadline (临近完成时限).
    pub(crate) near: u32,
    /// Behind plan: not done and the lag above zero (滞后序时).
    pub(crate) behind: u32,
    /// Tasks per card.
    pub(crate) cards: CardCounts,
}

impl TaskCounts {
    pub(crate) fn of<'a>(tasks: impl IntoIterator<Item = &'a TaskResult>) -> TaskCounts {
        let mut c = TaskCounts::default();
        for t in tasks {
            c.tasks += 1;
            c.due += u32::from(t.due);
            c.reported += u32::from(t.reported);
            c.done += u32::from(t.done);
            c.overdue += u32::from(t.overdue);
            c.near += u32::from(t.near_deadline);
            c.behind += u32::from(!t.done && t.lag.is_some_and(|l| l > 0.0));
            c.cards.add(t.card);
        }
        c
    }
}

/// How the units reported (报送情况), in the order of the submissions.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Reporting<'r> {
    /// Units with tasks due this period (应报单位).
    pub(crate) due: u32,
    /// Units with an accepted return (已报单位).
    pub(crate) reported: u32,
    /// Units whose accepted return came after the deadline (逾期报送).
    pub(crate) late: Vec<&'r str>,
    /// Units with tasks due that sent no valid return (未报送).
    pub(crate) missing: Vec<&'r str>,
}

impl<'r> Reporting<'r> {
    pub(crate) fn of(submissions: impl IntoIterator<Item = &'r Submission>) -> Reporting<'r> {
        let mut f = Reporting::default();
        for s in submissions {
            if !s.due.is_empty() {
                f.due += 1;
                if !s.reported {
                    f.missing.push(&s.unit);
                }
            }
            if s.reported {
                f.reported += 1;
                if s.late {
                    f.late.push(&s.unit);
                }
            }
        }
        f
    }

    /// Units that reported by the deadline (按时报送).
    pub(crate) fn on_time(&self) -> u32 {
        self.reported - self.late.len() as u32
    }
}

/// Files received, by what became of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct FileCounts {
    /// Every file found (文件总数).
    pub(crate) total: u32,
    pub(crate) accepted: u32,
    /// An older version of a newer file.
    pub(crate) superseded: u32,
    pub(crate) rejected: u32,
    /// Not a spreadsheet, or a temporary file.
    pub(crate) ignored: u32,
}

impl FileCounts {
    /// `total` is the merge's count of files found.
    pub(crate) fn of(total: u32, files: &[FileRecord]) -> FileCounts {
        let n = |o: FileOutcome| files.iter().filter(|f| f.outcome == o).count() as u32;
        FileCounts {
            total,
            accepted: n(FileOutcome::Accepted),
            superseded: n(FileOutcome::Superseded),
            rejected: n(FileOutcome::Rejected),
            ignored: n(FileOutcome::Ignored),
        }
    }
}

/// Rows read against what became of them: read = accepted + rejected + superseded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct RowCheck {
    pub(crate) read: u32,
    pub(crate) accepted: u32,
    pub(crate) rejected: u32,
    pub(crate) superseded: u32,
}

impl From<Totals> for RowCheck {
    fn from(t: Totals) -> RowCheck {
        RowCheck {
            read: t.rows_read,
            accepted: t.accepted,
            rejected: t.rejected,
            superseded: t.superseded,
        }
    }
}

impl RowCheck {
    /// Every row read is accounted for.
    pub(crate) fn balanced(&self) -> bool {
        self.read == self.accepted + self.rejected + self.superseded
    }

    /// The check in words: `56 = 47 + 9 + 0　相符`.
    pub(crate) fn text(&self) -> String {
        format!(
            "{} = {} + {} + {}　{}",
            self.read,
            self.accepted,
            self.rejected,
            self.superseded,
            if self.balanced() {
                "相符"
            } else {
                "不相符，请检查"
            }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Card;
    use crate::report::figures::testdata::{carded, file, submission, task};

    #[test]
    fn tasks_are_counted_by_state_and_card() {
        let mut a = carded("A", "甲", Card::Red, Some(12.0));
        a.due = true;
        a.reported = true;
        let mut b = task("B", "甲");
        b.done = true;
        b.lag = Some(5.0); // done: not behind
        b.due = true;
        let mut c = carded("C", "乙", Card::Blue, Some(0.0));
        c.overdue = true;
        c.near_deadline = true;
        let n = TaskCounts::of([&a, &b, &c]);
        let cards = CardCounts {
            red: 1,
            blue: 1,
            ..Default::default()
        };
        let want = TaskCounts {
            tasks: 3,
            due: 2,
            reported: 1,
            done: 1,
            overdue: 1,
            near: 1,
            behind: 1,
            cards,
        };
        assert_eq!(n, want);
        assert_eq!(TaskCounts::of([]), TaskCounts::default());
    }

    #[test]
    fn units_are_counted_by_how_they_reported() {
        let subs = [
            submission("甲", &["A"], true, false),
            submission("乙", &["B", "C"], true, true),
            submission("丙", &["D"], false, false),
            // Nothing due, nothing sent: neither due nor missing.
            submission("丁", &[], false, false),
            // Nothing due but sent anyway (late): reported.
            submission("戊", &[], true, true),
        ];
        let r = Reporting::of(&subs);
        assert_eq!(r.due, 3);
        assert_eq!(r.reported, 3);
        assert_eq!(r.late, vec!["乙", "戊"]);
        assert_eq!(r.missing, vec!["丙"]);
        assert_eq!(r.on_time(), 1);
    }

    #[test]
    fn files_are_counted_by_outcome() {
        let files = [
            file("a.xlsx", FileOutcome::Accepted),
            file("b.xlsx", FileOutcome::Accepted),
            file("c.xlsx", FileOutcome::Superseded),
            file("d.xlsx", FileOutcome::Rejected),
            file("说明.txt", FileOutcome::Ignored),
        ];
        let want = FileCounts {
            total: 6,
            accepted: 2,
            superseded: 1,
            rejected: 1,
            ignored: 1,
        };
        assert_eq!(FileCounts::of(6, &files), want);
    }

    #[test]
    fn rows_reconcile_or_say_so() {
        let t = Totals {
            files: 3,
            rows_read: 56,
            accepted: 47,
            rejected: 9,
            superseded: 0,
            ledger_held: 0,
        };
        let rows = RowCheck::from(t);
        assert!(rows.balanced());
        assert_eq!(rows.text(), "56 = 47 + 9 + 0　相符");
        let off = RowCheck { read: 57, ..rows };
        assert!(!off.balanced());
        assert_eq!(off.text(), "57 = 47 + 9 + 0　不相符，请检查");
    }
}
