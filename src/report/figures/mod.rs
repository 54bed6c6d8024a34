//! Every figure the outputs show, computed once from a run: the counts and
//! their reconciliation, per unit and per category, per leader, chart data,
//! the lists the outputs single out, what each unit must hear of, and the
//! texts that explain cards and scores.
//!
//! Pure: plain structs borrowing from the [`RunResult`], no workbook or
//! document types, no I/O. The consolidated workbook, the notices and the
//! documents read the same [`Figures`], so their numbers agree. Each part is
//! also a function of the run's pieces (tested on literals), for an output
//! that needs only one of them.

mod documents;
mod groups;
mod labels;
mod leaders;
mod overview;
mod per_unit;
mod scoring;
mod submissions;
mod tasks;
#[cfg(test)]
mod testdata;
mod units;

use chrono::NaiveDate;

pub(crate) use documents::{behind_or_overdue, on_schedule, unit_cards};
pub(crate) use groups::{group_line, groups, GroupFigures};
pub(crate) use labels::{
    card_label, original_text, preset_label, rank_change, round1, status_label, yes_no,
};
pub(crate) use leaders::{leaders, LeaderFigures};
pub(crate) use overview::{FileCounts, Overview, Reporting, RowCheck, TaskCounts};
pub(crate) use per_unit::{resubmit_deadline, unit_notices, UnitNotice};
pub(crate) use scoring::{card_legend, score_legend, weighted_name};
pub(crate) use submissions::{submissions, SubmissionFigures, SubmissionState};
pub(crate) use tasks::{alerts, days_left, reminder_label, reminders};
pub(crate) use units::{
    categories, progress, ranking, Category, UnitFigures, UnitProgress, PROGRESS_BASIS,
};

use crate::model::Card;
use crate::pipeline::RunResult;
use crate::score::{Reminder, TaskResult, UnitResult};

/// Every figure of a run.
#[derive(Debug, Clone)]
pub(crate) struct Figures<'r> {
    /// The run in counts.
    pub(crate) overview: Overview<'r>,
    /// Every category by name, with its ranked units and their tasks' cards.
    pub(crate) categories: Vec<Category<'r>>,
    /// The ranking: category, rank, name.
    pub(crate) ranking: Vec<UnitFigures<'r>>,
    /// Average planned against actual progress per ranked unit, over the
    /// same tasks ([`PROGRESS_BASIS`]), most lagging first.
    pub(crate) progress: Vec<UnitProgress<'r>>,
    /// Per lead leader, by name.
    pub(crate) leaders: Vec<LeaderFigures<'r>>,
    /// Carded tasks, most severe first.
    pub(crate) alerts: Vec<&'r TaskResult>,
    /// Tasks by the ledger's groups (分组), in ledger order (empty without groups).
    pub(crate) groups: Vec<GroupFigures>,
    /// How each unit reported, by unit.
    pub(crate) submissions: Vec<SubmissionFigures<'r>>,
    /// Reminders: overdue, near the deadline, due to report.
    pub(crate) reminders: Vec<&'r Reminder>,
    /// What each unit must hear of, in ledger order (units with news only).
    pub(crate) notices: Vec<UnitNotice<'r>>,
    /// By when a unit must answer its notice: working days after the issue date.
    pub(crate) answer_by: NaiveDate,
    /// The card rules in words, most severe card first.
    pub(crate) card_legend: Vec<(Card, String)>,
    /// The scoring rules in words.
    pub(crate) score_legend: Vec<String>,
}

impl<'r> Figures<'r> {
    pub(crate) fn of(r: &'r RunResult) -> Figures<'r> {
        let s = &r.scored;
        let m = &r.merged;
        Figures {
            overview: Overview {
                units: r.ledger.units.len() as u32,
                tasks: TaskCounts::of(&s.tasks),
                reporting: Reporting::of(m.submissions.values()),
                files: FileCounts::of(m.totals.files, &m.files),
                rows: RowCheck::from(m.totals),
            },
            categories: categories(&r.ledger.units, &s.units, &s.tasks),
            ranking: ranking(&r.config.score, &s.units),
            progress: progress(&s.units, &s.tasks),
            leaders: leaders(&s.leaders),
            alerts: alerts(&s.tasks),
            groups: groups(&s.tasks),
            submissions: submissions(&r.ledger.units, m.submissions.values(), &m.files),
            reminders: reminders(&s.reminders),
            notices: unit_notices(&r.ledger.units, s, m),
            answer_by: resubmit_deadline(&r.config, r.config.issued_on(&r.period)),
            card_legend: card_legend(r.preset, &r.config.rules),
            score_legend: score_legend(&r.config.score),
        }
    }

    /// The units to be called in (后三位 of their category), in ranking order.
    pub(crate) fn called_in(&self) -> impl Iterator<Item = &'r UnitResult> + '_ {
        self.ranking.iter().map(|u| u.unit).filter(|u| u.bottom3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    /// The parts agree with each other on a real run.
    #[test]
    fn figures_of_a_run_add_up() {
        let r = fixture::fixture();
        let f = Figures::of(&r);
        let o = &f.overview;
        assert_eq!(o.tasks.tasks as usize, r.scored.tasks.len());
        assert_eq!(o.tasks.cards.total() as usize, f.alerts.len());
        let by_cat = f.categories.iter().fold(0, |n, c| n + c.cards.total());
        assert_eq!(by_cat, o.tasks.cards.total());
        let ranked: usize = f.categories.iter().map(|c| c.units.len()).sum();
        assert_eq!(ranked, f.ranking.len());
        assert_eq!(f.progress.len(), f.ranking.len());
        assert!(o.rows.balanced());
        let missing = f
            .submissions
            .iter()
            .filter(|s| s.state == SubmissionState::Missing);
        assert_eq!(missing.count(), o.reporting.missing.len());
        let late = f
            .submissions
            .iter()
            .filter(|s| s.state == SubmissionState::Late);
        assert_eq!(late.count(), o.reporting.late.len());
        assert_eq!(f.reminders.len(), r.scored.reminders.len());
        assert!(f.called_in().all(|u| u.bottom3));
        assert!(f.called_in().count() > 0);
        let behind: u32 = r.scored.units.iter().map(|u| u.behind).sum();
        assert_eq!(o.tasks.behind, behind);
    }
}
