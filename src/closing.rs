//! 销号 (closing tasks): a task accepted as 已完成 or 已落实 at 100% is closed
//! from the next period on. A closed task is not on later forms (`duban
//! forms`, 下期表单), not expected (no TASK_NOT_REPORTED), not warned about
//! (no ROW_TEXT_UNCHANGED or ROW_PROGRESS_LOWERED against its last report),
//! never carded, and listed in 台账汇总 as 已销号 with the period it closed.
//!
//! The ledger's 状态 column overrides the reports: `销号` closes a task by
//! hand from the period being run (the period it closed in is kept once
//! recorded), `在办` keeps it open whatever was reported (and reopens it);
//! left empty, closing follows the reports.
//!
//! In scores a closed task counts as done (100 in the progress component,
//! done in the completion component) and is never due: finishing a task
//! never drags a unit down, and a unit whose tasks are all closed has
//! nothing to report.
//!
//! Which tasks are closed before a period is worked out from the archived
//! periods (the latest snapshot lists every task closed by then) and the
//! ledger, once, before the returns are checked ([`closures`]); the ledger
//! carries the answer ([`crate::model::Ledger::is_closed`]).

use std::collections::BTreeMap;

use crate::model::{Closure, Ledger, StateMark, Status};
use crate::period::Period;
use crate::schema::TaskId;
use crate::store::history::History;

/// A report that closes its task: 已完成 or 已落实 at 100%.
pub(crate) fn closes(status: Status, percent: f64) -> bool {
    status.is_done() && percent >= 100.0
}

/// The tasks of `ledger` closed before `period` is run: those the archived
/// `history` (periods before `period`) ended closed, then the ledger's 状态
/// column (`销号` closes from `period` on unless already closed, `在办`
/// reopens).
pub(crate) fn closures(
    ledger: &Ledger,
    history: &History,
    period: Period,
) -> BTreeMap<TaskId, Closure> {
    let mut from_history: BTreeMap<&str, Period> = BTreeMap::new();
    for snap in &history.periods {
        if snap.schema_version >= 2 {
            // A current snapshot lists every task closed by then (reopened
            // ones are no longer listed).
            from_history.clear();
        }
        for (id, p) in snap.closed_tasks() {
            from_history.entry(id).or_insert(p);
        }
    }
    let mut out = BTreeMap::new();
    for t in &ledger.tasks {
        let recorded = from_history.get(t.id.as_str()).copied();
        let closure = match t.state_mark {
            Some(StateMark::Open) => None,
            Some(StateMark::Closed) => Some(Closure {
                period: recorded.unwrap_or(period),
                by_hand: true,
            }),
            None => recorded.map(|p| Closure {
                period: p,
                by_hand: false,
            }),
        };
        if let Some(c) = closure {
            out.insert(t.id.clone(), c);
        }
    }
    out
}

/// The period a task ends `period` closed in, if it does: closed before
/// (`before`), else closed by this period's accepted report (unless the
/// ledger keeps it open).
pub(crate) fn closed_period(
    before: Option<Closure>,
    mark: Option<StateMark>,
    report: Option<(Status, f64)>,
    period: Period,
) -> Option<Period> {
    match before {
        Some(c) => Some(c.period),
        None if mark == Some(StateMark::Open) => None,
        None => report.filter(|&(s, p)| closes(s, p)).map(|_| period),
    }
}

/// What the ledger's 状态 column says: `销号` (已销号 …) closes, `在办`
/// (未销号, 取消销号, 恢复办理 …) keeps open; empty, or a progress status
/// (正在办理, 已完成 …: closing then follows the reports), says nothing.
/// Anything else is not understood (a ledger warning).
pub(crate) fn parse_state_mark(text: &str) -> Result<Option<StateMark>, UnknownState> {
    let t: String = crate::text::to_half_width(text)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    const OPEN: [&str; 6] = ["在办", "未销号", "取消销号", "恢复办理", "重新办理", "恢复"];
    const PROGRESS: [&str; 10] = [
        "正在办理",
        "办理中",
        "进行中",
        "推进中",
        "未启动",
        "已完成",
        "已落实",
        "完成",
        "已办结",
        "办结",
    ];
    if t.is_empty() || PROGRESS.contains(&t.as_str()) {
        Ok(None)
    } else if OPEN.contains(&t.as_str()) {
        Ok(Some(StateMark::Open))
    } else if t.contains("销号") {
        Ok(Some(StateMark::Closed))
    } else {
        Err(UnknownState)
    }
}

/// A 状态 value that is neither 销号 nor 在办 (nor a progress status).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct UnknownState;

/// The words 台账汇总 and the notices show for a closed task.
pub(crate) fn closed_label(period: Period) -> String {
    format!("已销号（{}）", period.label())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::snapshot::{PeriodSnapshot, TaskSnap};
    use crate::validate::testkit::task;

    fn snap(period: Period, closed: &[(&str, Period)], version: u32) -> PeriodSnapshot {
        let mut s = PeriodSnapshot::new(
            period,
            period.end(),
            closed
                .iter()
                .map(|&(id, p)| TaskSnap {
                    id: id.into(),
                    status: Some(Status::Completed),
                    actual: Some(100.0),
                    closed: true,
                    closed_period: Some(p),
                    ..TaskSnap::default()
                })
                .collect(),
            vec![],
        );
        s.schema_version = version;
        s
    }

    fn ledger(marks: &[(&str, Option<StateMark>)]) -> Ledger {
        let tasks = marks
            .iter()
            .map(|&(id, m)| {
                let mut t = task(id, "事项", "区财政局", 4, None);
                t.state_mark = m;
                t
            })
            .collect();
        Ledger::new(tasks, vec![], vec![])
    }

    #[test]
    fn the_ledger_state_column() {
        for t in ["销号", "已销号", " 销号 ", "销号（已验收）"] {
            assert_eq!(parse_state_mark(t), Ok(Some(StateMark::Closed)), "{t}");
        }
        for t in ["在办", "未销号", "取消销号", "恢复办理"] {
            assert_eq!(parse_state_mark(t), Ok(Some(StateMark::Open)), "{t}");
        }
        for t in ["", "  ", "正在办理", "已完成"] {
            assert_eq!(parse_state_mark(t), Ok(None), "{t}");
        }
        assert_eq!(parse_state_mark("暂停"), Err(UnknownState));
    }

    #[test]
    fn only_done_at_100_closes() {
        assert!(closes(Status::Completed, 100.0));
        assert!(closes(Status::Implemented, 100.0));
        assert!(!closes(Status::Completed, 99.5));
        assert!(!closes(Status::InProgress, 100.0));
    }

    #[test]
    fn history_closes_and_the_ledger_overrides() {
        let (oct, nov, dec) = (
            Period::month(2026, 10),
            Period::month(2026, 11),
            Period::month(2026, 12),
        );
        let history = History {
            periods: vec![
                snap(oct, &[("A", oct)], 2),
                snap(nov, &[("A", oct), ("B", nov)], 2),
            ],
        };
        let l = ledger(&[
            ("A", None),
            ("B", Some(StateMark::Open)),
            ("C", Some(StateMark::Closed)),
            ("D", None),
        ]);
        let c = closures(&l, &history, dec);
        assert_eq!(
            c.get(&TaskId::new("A")),
            Some(&Closure {
                period: oct,
                by_hand: false
            })
        );
        assert_eq!(c.get(&TaskId::new("B")), None, "在办 reopens");
        assert_eq!(
            c.get(&TaskId::new("C")),
            Some(&Closure {
                period: dec,
                by_hand: true
            })
        );
        assert_eq!(c.len(), 2);
        // 销号 by hand keeps the period a report closed it in.
        let l = ledger(&[("A", Some(StateMark::Closed))]);
        assert_eq!(closures(&l, &history, dec)[&TaskId::new("A")].period, oct);
    }

    #[test]
    fn a_reopened_task_is_no_longer_closed_in_later_snapshots() {
        let (oct, nov) = (Period::month(2026, 10), Period::month(2026, 11));
        // Closed in October, reopened by hand in November (not listed closed).
        let history = History {
            periods: vec![snap(oct, &[("A", oct)], 2), snap(nov, &[], 2)],
        };
        let l = ledger(&[("A", None)]);
        assert!(closures(&l, &history, Period::month(2026, 12)).is_empty());
        // Version-1 snapshots do not list closing: each done-at-100 task adds.
        let history = History {
            periods: vec![snap(oct, &[("A", oct)], 1), snap(nov, &[], 1)],
        };
        assert_eq!(closures(&l, &history, Period::month(2026, 12)).len(), 1);
    }

    #[test]
    fn a_report_closes_its_task_in_its_own_period_unless_kept_open() {
        let nov = Period::month(2026, 11);
        let done = Some((Status::Completed, 100.0));
        assert_eq!(closed_period(None, None, done, nov), Some(nov));
        assert_eq!(closed_period(None, Some(StateMark::Open), done, nov), None);
        let before = Closure {
            period: Period::month(2026, 9),
            by_hand: false,
        };
        assert_eq!(
            closed_period(Some(before), None, Some((Status::InProgress, 50.0)), nov),
            Some(before.period)
        );
        assert_eq!(
            closed_period(None, None, Some((Status::InProgress, 100.0)), nov),
            None
        );
    }
}
