//! The runs the report tests write from: a small data set made by the sample
//! generator (20 units, 80 tasks, every return messy in its own way, one unit
//! silent), read, checked, merged and scored by the real pipeline — once per
//! preset, each with an earlier period in its history so ranks move —
//! computed once per test process.
//!
//! Tests check what the outputs show against figures they derive from these
//! runs, never against copies of the output.

use std::sync::OnceLock;

use chrono::NaiveDate;

use crate::config::{Config, Preset};
use crate::period::Period;
use crate::pipeline::{execute, NoProgress, RunInputs, RunResult};
use crate::samples::{generate, SampleOptions};
use crate::store::history::{History, PeriodSnapshot};

/// The period of the fixture's runs: March 2023 (reports due 2023-04-05).
pub(crate) const PERIOD: (i32, u32) = (2023, 3);

pub(crate) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// The runs of the fixture's data set, `[red-yellow-blue, yellow-orange-red]`.
fn runs() -> &'static [RunResult; 2] {
    static RUNS: OnceLock<[RunResult; 2]> = OnceLock::new();
    RUNS.get_or_init(|| {
        let [a, b] = run(20, 80, &[Preset::RedYellowBlue, Preset::YellowOrangeRed])
            .try_into()
            .unwrap_or_else(|_| unreachable!());
        [a, b]
    })
}

/// The fixture's run under red-yellow-blue (a clone: tests may change it).
pub(crate) fn fixture() -> RunResult {
    runs()[0].clone()
}

/// The same data set under yellow-orange-red (units carry cards of their own).
pub(crate) fn fixture_yor() -> RunResult {
    runs()[1].clone()
}

/// Runs over a generated data set of `units` units and `tasks` tasks (seed 8,
/// every return messy), period 2023-03, one per preset. Each run's history
/// holds the same run as 2023-02 with every category's ranking turned upside
/// down.
pub(crate) fn run(units: u32, tasks: u32, presets: &[Preset]) -> Vec<RunResult> {
    let period = Period::month(PERIOD.0, PERIOD.1);
    let dir = tempfile::tempdir().unwrap();
    let opts = SampleOptions::new(units, tasks, 1.0, 8, period);
    generate(&opts, dir.path()).unwrap();
    presets
        .iter()
        .map(|&preset| {
            let mut inputs = RunInputs {
                ledger: dir.path().join("台账.xlsx"),
                returns: dir.path().join("returns"),
                period,
                as_of: opts.as_of(),
                report_deadline: opts.report_deadline(),
                config: Config {
                    preset,
                    ..Config::default()
                },
                history: History::default(),
                round: 1,
                archived: Default::default(),
                earlier_rounds: Default::default(),
            };
            let first = execute(&inputs, &NoProgress).unwrap();
            inputs.history = History {
                periods: vec![upside_down(&first, period.prev())],
            };
            execute(&inputs, &NoProgress).unwrap()
        })
        .collect()
}

/// `r` as the snapshot of an earlier `period`, each category's ranks reversed.
fn upside_down(r: &RunResult, period: Period) -> PeriodSnapshot {
    let mut snap = crate::store::snapshot::snapshot(r);
    // The same run again: what it closed is not closed before it.
    for t in &mut snap.tasks {
        t.closed = false;
        t.closed_period = None;
    }
    snap.period = period;
    snap.as_of = period.end();
    let mut last: std::collections::BTreeMap<String, u32> = Default::default();
    for u in &snap.units {
        let m = last.entry(u.category.clone()).or_default();
        *m = (*m).max(u.rank);
    }
    for u in &mut snap.units {
        if u.rank > 0 {
            u.rank = last[&u.category] + 1 - u.rank;
        }
    }
    snap
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merge::FileOutcome;
    use crate::model::{Card, Severity};
    use crate::score::{LeaderMark, ReminderKind};

    /// What the report tests rely on is in the data, so none of them passes
    /// by looking at nothing.
    #[test]
    fn the_data_set_shows_everything_the_reports_show() {
        let r = fixture();
        let y = fixture_yor();
        let cards =
            |r: &RunResult, c: Card| r.scored.tasks.iter().filter(|t| t.card == Some(c)).count();
        for c in [Card::Red, Card::Yellow, Card::Blue] {
            assert!(cards(&r, c) > 0, "{c:?}");
        }
        assert!(cards(&y, Card::Orange) > 0);
        assert!(y
            .scored
            .units
            .iter()
            .any(|u| u.card.is_some() && !u.reasons.is_empty()));
        let units = &r.scored.units;
        assert!(units.iter().any(|u| u.rank_change.is_some_and(|c| c > 0)));
        assert!(units.iter().any(|u| u.rank_change.is_some_and(|c| c < 0)));
        assert!(units.iter().any(|u| u.top3) && units.iter().any(|u| u.bottom3));
        assert!(r
            .scored
            .leaders
            .iter()
            .any(|l| l.mark == Some(LeaderMark::Red)));
        let subs = || r.merged.submissions.values();
        assert!(subs().any(|s| s.late), "a late unit");
        assert!(
            subs().any(|s| !s.reported && !s.due.is_empty()),
            "a silent unit"
        );
        assert!(
            subs().any(|s| s.reported && !s.missing.is_empty()),
            "tasks left out"
        );
        for o in [
            FileOutcome::Accepted,
            FileOutcome::Superseded,
            FileOutcome::Rejected,
            FileOutcome::Ignored,
        ] {
            assert!(r.merged.files.iter().any(|f| f.outcome == o), "{o:?}");
        }
        assert!(!r.merged.rejected.is_empty());
        assert!(r
            .merged
            .issues
            .iter()
            .any(|i| i.severity == Severity::Error));
        assert!(r
            .merged
            .issues
            .iter()
            .any(|i| i.severity == Severity::Warning));
        for k in [
            ReminderKind::Overdue,
            ReminderKind::NearDeadline,
            ReminderKind::Cadence,
        ] {
            assert!(r.scored.reminders.iter().any(|x| x.kind == k), "{k:?}");
        }
        let cats: std::collections::BTreeSet<_> = units.iter().map(|u| &u.category).collect();
        assert!(cats.len() >= 2);
        assert_eq!(r.history_periods, vec![Period::month(2023, 2)]);
    }
}
