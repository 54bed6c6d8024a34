//! What an archived period keeps of its results (`archive/<period>/results.json`),
//! in a schema of its own that lasts: later periods read it back as history
//! (lowered progress, repeat cards, rank change, closed tasks, pre-filled
//! forms) and roll-ups add periods up from it (per task and unit, with every
//! score component).
//!
//! The snapshot types are not the pipeline's: a change to `TaskResult` or
//! `ScoreParts` does not change what an archive holds. Every field added
//! after the first version has a serde default, so older files are still
//! read:
//!
//! * version 1 (no `schema_version`, before rounds): `period`, `as_of`;
//!   per task `id`, `unit`, `status`, `actual`, `progress`, `card`; per unit
//!   `name`, `category`, `score`, `rank`, `card`;
//! * version 2 ([`SCHEMA_VERSION`]): `schema_version`, the period's
//!   `preset`, `round`, `issue_date`, `report_deadline`; per task its ledger
//!   facts (`title`, `group`, `leader`, `stars`, `deadline`), `due`,
//!   `reported`, `planned`, `lag`, `overdue`, `reasons`, `closed`,
//!   `closed_period` and the accepted `report` (what the next forms are
//!   pre-filled with); per unit `tasks`, `due`, `reported`, `late`,
//!   `not_reported`, `missing`, `reasons`, the score components (`parts`),
//!   `top3`, `bottom3`; per lead leader the 蓝红 mark (`leaders`).
//!
//! Figures are kept at full precision (the JSON summary rounds them).

use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::config::Preset;
use crate::model::{Card, Provenance, Status};
use crate::period::Period;
use crate::pipeline::RunResult;
use crate::schema::{TaskId, UnitName};
use crate::score::{LeaderMark, LeaderResult, ScoreParts, TaskResult, UnitResult};
use crate::validate::Report;

/// The version this build writes.
pub(crate) const SCHEMA_VERSION: u32 = 2;

fn version_1() -> u32 {
    1
}

/// One task as it stood at the end of a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub(crate) struct TaskSnap {
    pub(crate) id: String,
    /// Lead unit.
    pub(crate) unit: String,
    #[serde(default)]
    pub(crate) title: String,
    /// The ledger's group (一、…) the task is listed under, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) group: Option<String>,
    #[serde(default)]
    pub(crate) leader: String,
    /// 3, 4 or 5 (0 in version 1: not recorded).
    #[serde(default)]
    pub(crate) stars: u8,
    /// Effective deadline.
    #[serde(default)]
    pub(crate) deadline: Option<NaiveDate>,
    /// Expected in the period's forms.
    #[serde(default)]
    pub(crate) due: bool,
    /// A report was accepted in the period.
    #[serde(default)]
    pub(crate) reported: bool,
    /// The period's accepted status (None when nothing was accepted).
    pub(crate) status: Option<Status>,
    /// Reported percent (None if nothing valid was reported).
    pub(crate) actual: Option<f64>,
    /// Planned progress (序时进度) at the period's as-of date.
    #[serde(default)]
    pub(crate) planned: Option<f64>,
    /// planned − actual, in points.
    #[serde(default)]
    pub(crate) lag: Option<f64>,
    #[serde(default)]
    pub(crate) overdue: bool,
    pub(crate) card: Option<Card>,
    #[serde(default)]
    pub(crate) reasons: Vec<String>,
    /// 进展情况 text as reported.
    #[serde(default)]
    pub(crate) progress: String,
    /// Closed (销号) at the end of the period.
    #[serde(default)]
    pub(crate) closed: bool,
    /// The period it was closed in.
    #[serde(default)]
    pub(crate) closed_period: Option<Period>,
    /// The rest of the accepted report (the next forms are pre-filled with it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) report: Option<ReportSnap>,
}

/// An accepted report, beyond the status, percent and progress text its
/// [`TaskSnap`] holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub(crate) struct ReportSnap {
    pub(crate) problems: String,
    pub(crate) next_steps: String,
    pub(crate) expected: Option<NaiveDate>,
    pub(crate) delay_reason: String,
    pub(crate) filler: String,
    pub(crate) phone: String,
    pub(crate) head: String,
    pub(crate) fill_date: Option<NaiveDate>,
    /// Where it came from (relative path in the period's returns, sheet, row, SHA-256).
    pub(crate) file: String,
    pub(crate) sheet: String,
    pub(crate) row: u32,
    pub(crate) sha256: String,
}

/// The components of a unit's score (each 0–100 before weighting).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub(crate) struct ScoreSnap {
    pub(crate) progress: f64,
    pub(crate) completion: f64,
    pub(crate) reporting: f64,
    pub(crate) quality: f64,
    pub(crate) base: f64,
    pub(crate) deduction: f64,
    pub(crate) evaluation: Option<f64>,
}

/// One unit as it stood at the end of a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub(crate) struct UnitSnap {
    pub(crate) name: String,
    pub(crate) category: String,
    /// Tasks it leads.
    #[serde(default)]
    pub(crate) tasks: u32,
    /// Of which due in the period.
    #[serde(default)]
    pub(crate) due: u32,
    /// At least one form accepted.
    #[serde(default)]
    pub(crate) reported: bool,
    /// Its accepted form came after the reporting deadline.
    #[serde(default)]
    pub(crate) late: bool,
    /// Due tasks and no accepted form.
    #[serde(default)]
    pub(crate) not_reported: bool,
    /// Due tasks with no accepted report.
    #[serde(default)]
    pub(crate) missing: Vec<String>,
    pub(crate) card: Option<Card>,
    /// Why the unit's own card fired.
    #[serde(default)]
    pub(crate) reasons: Vec<String>,
    /// Score components (None in version 1).
    #[serde(default)]
    pub(crate) parts: Option<ScoreSnap>,
    pub(crate) score: f64,
    /// Rank in category (0 = unranked).
    pub(crate) rank: u32,
    #[serde(default)]
    pub(crate) top3: bool,
    #[serde(default)]
    pub(crate) bottom3: bool,
}

/// A lead leader's 蓝红 mark in a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub(crate) struct LeaderSnap {
    pub(crate) name: String,
    pub(crate) tasks: u32,
    pub(crate) done: u32,
    pub(crate) overdue: u32,
    pub(crate) mark: Option<LeaderMark>,
}

/// The results of one archived period (one round of it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct PeriodSnapshot {
    /// 1 for files written before the schema had a version.
    #[serde(default = "version_1")]
    pub(crate) schema_version: u32,
    pub(crate) period: Period,
    pub(crate) as_of: NaiveDate,
    /// The card rules the period was run with (None in version 1: unknown).
    #[serde(default)]
    pub(crate) preset: Option<Preset>,
    /// Resubmission round (补报): 1 for the first run of the period.
    #[serde(default = "crate::store::layout::first_round")]
    pub(crate) round: u32,
    /// Date its notices were issued on (成文日期).
    #[serde(default)]
    pub(crate) issue_date: Option<NaiveDate>,
    #[serde(default)]
    pub(crate) report_deadline: Option<NaiveDate>,
    pub(crate) tasks: Vec<TaskSnap>,
    pub(crate) units: Vec<UnitSnap>,
    #[serde(default)]
    pub(crate) leaders: Vec<LeaderSnap>,
}

impl PeriodSnapshot {
    /// A snapshot of the current version with these tasks and units and
    /// nothing else recorded (round 1, no preset).
    #[cfg(test)]
    pub(crate) fn new(
        period: Period,
        as_of: NaiveDate,
        tasks: Vec<TaskSnap>,
        units: Vec<UnitSnap>,
    ) -> Self {
        PeriodSnapshot {
            schema_version: SCHEMA_VERSION,
            period,
            as_of,
            preset: None,
            round: 1,
            issue_date: None,
            report_deadline: None,
            tasks,
            units,
            leaders: Vec::new(),
        }
    }

    pub(crate) fn task(&self, id: &str) -> Option<&TaskSnap> {
        self.tasks.iter().find(|t| t.id == id)
    }

    #[cfg(test)]
    pub(crate) fn unit(&self, name: &str) -> Option<&UnitSnap> {
        self.units.iter().find(|u| u.name == name)
    }

    /// Whether the period's cards were given under `preset` (a snapshot
    /// that does not record its preset is taken to be under the current one).
    pub(crate) fn carded_under(&self, preset: Preset) -> bool {
        self.preset.map_or(true, |p| p == preset)
    }

    /// The tasks closed (销号) at the end of the period, with the period each
    /// closed in. A version-1 snapshot does not record closing: there a task
    /// accepted as 已完成/已落实 at 100% counts as closed in that period.
    pub(crate) fn closed_tasks(&self) -> impl Iterator<Item = (&str, Period)> {
        let v1 = self.schema_version < 2;
        self.tasks.iter().filter_map(move |t| {
            let closed = if v1 {
                t.status
                    .is_some_and(|s| crate::closing::closes(s, t.actual.unwrap_or(0.0)))
                    .then_some(self.period)
            } else {
                t.closed_period.filter(|_| t.closed)
            };
            closed.map(|p| (t.id.as_str(), p))
        })
    }
}

impl TaskSnap {
    /// The accepted report this snapshot holds, as the pipeline's [`Report`]
    /// (to pre-fill a form); None when the period accepted none.
    pub(crate) fn to_report(&self) -> Option<Arc<Report>> {
        let (status, percent) = (self.status?, self.actual?);
        let rest = self.report.clone().unwrap_or_default();
        Some(Arc::new(Report {
            task: TaskId::new(&self.id),
            unit: UnitName::new(&self.unit),
            status,
            percent,
            progress: self.progress.clone(),
            problems: rest.problems,
            next_steps: rest.next_steps,
            expected: rest.expected,
            delay_reason: rest.delay_reason,
            filler: rest.filler,
            phone: rest.phone,
            head: rest.head,
            fill_date: rest.fill_date,
            provenance: Provenance {
                file: rest.file,
                sheet: rest.sheet,
                row: rest.row,
                sha256: rest.sha256,
            },
        }))
    }

    fn of(t: &TaskResult) -> TaskSnap {
        let rep = t.report.as_deref();
        TaskSnap {
            id: t.id.clone(),
            unit: t.unit.clone(),
            title: t.title.clone(),
            group: None,
            leader: t.leader.clone(),
            stars: t.stars,
            deadline: t.deadline,
            due: t.due,
            reported: t.reported,
            status: t.status,
            actual: t.actual,
            planned: Some(t.planned),
            lag: t.lag,
            overdue: t.overdue,
            card: t.card,
            reasons: t.reasons.clone(),
            progress: rep.map(|r| r.progress.clone()).unwrap_or_default(),
            closed: t.closed_period.is_some(),
            closed_period: t.closed_period,
            report: rep.map(ReportSnap::of),
        }
    }
}

impl ReportSnap {
    fn of(r: &Report) -> ReportSnap {
        ReportSnap {
            problems: r.problems.clone(),
            next_steps: r.next_steps.clone(),
            expected: r.expected,
            delay_reason: r.delay_reason.clone(),
            filler: r.filler.clone(),
            phone: r.phone.clone(),
            head: r.head.clone(),
            fill_date: r.fill_date,
            file: r.provenance.file.clone(),
            sheet: r.provenance.sheet.clone(),
            row: r.provenance.row,
            sha256: r.provenance.sha256.clone(),
        }
    }
}

impl ScoreSnap {
    fn of(p: &ScoreParts) -> ScoreSnap {
        ScoreSnap {
            progress: p.progress,
            completion: p.completion,
            reporting: p.reporting,
            quality: p.quality,
            base: p.base,
            deduction: p.deduction,
            evaluation: p.evaluation,
        }
    }
}

impl UnitSnap {
    fn of(u: &UnitResult, missing: &[String]) -> UnitSnap {
        UnitSnap {
            name: u.name.clone(),
            category: u.category.clone(),
            tasks: u.tasks,
            due: u.due,
            reported: u.reported,
            late: u.late,
            not_reported: u.due > 0 && !u.reported,
            missing: missing.to_vec(),
            card: u.card,
            reasons: u.reasons.clone(),
            parts: Some(ScoreSnap::of(&u.parts)),
            score: u.score,
            rank: u.rank,
            top3: u.top3,
            bottom3: u.bottom3,
        }
    }
}

impl LeaderSnap {
    fn of(l: &LeaderResult) -> LeaderSnap {
        LeaderSnap {
            name: l.name.clone(),
            tasks: l.tasks,
            done: l.done,
            overdue: l.overdue,
            mark: l.mark,
        }
    }
}

/// What later runs and roll-ups need of this run.
pub(crate) fn snapshot(r: &RunResult) -> PeriodSnapshot {
    let missing = |unit: &str| {
        r.merged
            .submissions
            .get(unit)
            .map_or(&[][..], |s| s.missing.as_slice())
    };
    PeriodSnapshot {
        schema_version: SCHEMA_VERSION,
        period: r.period,
        as_of: r.as_of,
        preset: Some(r.preset),
        round: r.round,
        issue_date: Some(r.config.issued_on(&r.period)),
        report_deadline: Some(r.report_deadline),
        tasks: r.scored.tasks.iter().map(TaskSnap::of).collect(),
        units: r
            .scored
            .units
            .iter()
            .map(|u| UnitSnap::of(u, missing(&u.name)))
            .collect(),
        leaders: r.scored.leaders.iter().map(LeaderSnap::of).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A results.json written by duban before snapshots had a version
    /// (the sample data set, 3 units and 6 tasks, March 2023).
    const V1: &str = include_str!("../../tests/fixtures/archive_v1/2023-03/results.json");

    #[test]
    fn a_version_1_snapshot_is_still_read() {
        let s: PeriodSnapshot = serde_json::from_str(V1).expect("a v1 results.json parses");
        assert_eq!(s.schema_version, 1);
        assert_eq!(s.period, Period::month(2023, 3));
        assert_eq!(s.as_of.to_string(), "2023-03-31");
        assert_eq!((s.round, s.preset), (1, None));
        assert_eq!(s.tasks.len(), 6);
        let t = s.task("HY-002").expect("HY-002");
        assert_eq!(
            (t.status, t.actual, t.card),
            (Some(Status::InProgress), Some(60.0), None)
        );
        assert!(t.progress.contains("60%"));
        assert_eq!(s.task("HY-001").unwrap().card, Some(Card::Blue));
        // What version 1 did not record is absent, not made up.
        assert_eq!(
            (t.planned, t.lag, t.stars, t.closed),
            (None, None, 0, false)
        );
        let u = s.unit("区发展和改革局").expect("unit");
        assert_eq!((u.score, u.rank, u.card), (85.87, 1, Some(Card::Blue)));
        assert_eq!(u.parts, None);
        // Nothing there was done at 100%: nothing is closed.
        assert_eq!(s.closed_tasks().count(), 0);
        // Under any preset (it did not say which).
        assert!(s.carded_under(Preset::YellowOrangeRed));
    }

    #[test]
    fn a_version_1_task_done_at_100_counts_as_closed_in_its_period() {
        let text = V1.replacen(
            "\"status\": \"正在办理\",\n      \"actual\": 60.0",
            "\"status\": \"已完成\",\n      \"actual\": 100.0",
            1,
        );
        assert_ne!(text, V1, "the fixture holds HY-002 at 60%");
        let s: PeriodSnapshot = serde_json::from_str(&text).unwrap();
        let closed: Vec<_> = s.closed_tasks().collect();
        assert_eq!(closed, [("HY-002", Period::month(2023, 3))]);
    }

    #[test]
    fn the_current_version_round_trips_and_names_its_version() {
        let mut s = PeriodSnapshot::new(
            Period::month(2026, 11),
            NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
            vec![TaskSnap {
                id: "T-1".into(),
                unit: "区财政局".into(),
                status: Some(Status::Completed),
                actual: Some(100.0),
                closed: true,
                closed_period: Some(Period::month(2026, 10)),
                report: Some(ReportSnap {
                    problems: "无".into(),
                    ..ReportSnap::default()
                }),
                ..TaskSnap::default()
            }],
            vec![UnitSnap {
                name: "区财政局".into(),
                parts: Some(ScoreSnap {
                    progress: 100.0,
                    evaluation: Some(80.0),
                    ..ScoreSnap::default()
                }),
                ..UnitSnap::default()
            }],
        );
        s.preset = Some(Preset::YellowOrangeRed);
        s.round = 2;
        let text = serde_json::to_string_pretty(&s).unwrap();
        assert!(text.starts_with("{\n  \"schema_version\": 2,"), "{text}");
        assert!(text.contains("\"preset\": \"yellow-orange-red\""));
        let back: PeriodSnapshot = serde_json::from_str(&text).unwrap();
        assert_eq!(back, s);
        assert!(!back.carded_under(Preset::RedYellowBlue));
        let closed: Vec<_> = back.closed_tasks().collect();
        assert_eq!(closed, [("T-1", Period::month(2026, 10))]);
        let rep = back.tasks[0].to_report().unwrap();
        assert_eq!((rep.status, rep.percent), (Status::Completed, 100.0));
        assert_eq!(rep.problems, "无");
    }
}
