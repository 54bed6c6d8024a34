//! The machine-readable summary (`--json`, SPEC §9). A public contract:
//! fields are only ever added, never renamed or removed.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::due::DueReason;
use crate::merge::{FileOutcome, Totals};
use crate::model::{Card, Issue, Status};
use crate::pipeline::RunResult;
pub(crate) use crate::report::documents::DocumentEntry;
use crate::score::rank::round2;

/// Borrows the run's texts (`Cow`): the summary of 50,000 tasks is not a
/// second copy of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Summary<'a> {
    pub(crate) period: String,
    pub(crate) as_of: String,
    pub(crate) report_deadline: String,
    pub(crate) preset: String,
    pub(crate) totals: Totals,
    pub(crate) files: Vec<FileEntry>,
    pub(crate) issues: Cow<'a, [Issue]>,
    pub(crate) tasks: Vec<TaskEntry<'a>>,
    pub(crate) units: Vec<UnitEntry>,
    /// Problems in the ledger itself (not part of the returns' issues).
    pub(crate) ledger_issues: Vec<Issue>,
    /// Resubmission round (1 for the period's first run, 2… for 补报 rounds;
    /// `check`: the round a run would make now).
    pub(crate) round: u32,
    /// The archived periods read as history.
    pub(crate) history: HistoryEntry,
    /// Every file of the returns folder as received (what the archive
    /// copies byte for byte; a zip attachment as a whole): `path`, `size`,
    /// `sha256`, `kind` (`file` or `zip`), `inputs` (entries of `files`).
    pub(crate) received: Cow<'a, [crate::source::Received]>,
    /// The Word documents written under `公文/` (paths relative to `--out`).
    #[serde(default)]
    pub(crate) documents: Vec<DocumentEntry>,
}

/// What the run compared against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct HistoryEntry {
    /// The period compared against (`"2026-10"`), or null when nothing
    /// earlier is archived (谎报进度, 连续亮牌, rank change not compared).
    pub(crate) previous: Option<String>,
    /// Its latest round, the one compared against.
    pub(crate) previous_round: Option<u32>,
    /// Every earlier period read, oldest first.
    pub(crate) periods: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct FileEntry {
    /// Relative to `--returns`.
    pub(crate) path: String,
    pub(crate) unit: Option<String>,
    pub(crate) outcome: FileOutcome,
    /// Rows read from the file.
    pub(crate) rows: u32,
    pub(crate) accepted: u32,
    pub(crate) rejected: u32,
    pub(crate) superseded: u32,
    pub(crate) late: bool,
    pub(crate) superseded_by: Option<String>,
    pub(crate) sha256: String,
    pub(crate) size: u64,
    /// Of `rejected`: rows kept aside because their task has a defect in the
    /// office's ledger (not the unit's fault).
    #[serde(default)]
    pub(crate) held: u32,
    /// Every unit whose rows the file held, sorted: `[unit]` for a form,
    /// several for a collection-tool export (then `unit` is null).
    pub(crate) units: Vec<String>,
    /// The received zip this file is a member of (`path` then starts with
    /// it: `3月报表.zip/区司法局.xlsx`); null for a file of the folder.
    pub(crate) container: Option<String>,
    /// Why the file could not be read as a form (`damaged`, `encrypted`,
    /// `format`, `too_large`, `empty`, `not_form`); null when it was read.
    pub(crate) unreadable: Option<crate::validate::Unreadable>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct TaskEntry<'a> {
    pub(crate) id: Cow<'a, str>,
    pub(crate) title: Cow<'a, str>,
    pub(crate) unit: Cow<'a, str>,
    pub(crate) leader: Cow<'a, str>,
    pub(crate) stars: u8,
    pub(crate) due: bool,
    pub(crate) reported: bool,
    pub(crate) status: Option<Status>,
    pub(crate) actual: Option<f64>,
    pub(crate) planned: f64,
    pub(crate) lag: Option<f64>,
    pub(crate) deadline: Option<String>,
    pub(crate) overdue: bool,
    pub(crate) near_deadline: bool,
    pub(crate) card: Option<Card>,
    pub(crate) reasons: Cow<'a, [String]>,
    /// Where the reported figures came from.
    pub(crate) source: Option<Source<'a>>,
    /// Why it is due: `cadence` (its stars), `overdue` or `near_deadline`
    /// (due every period until done); null when not due.
    pub(crate) due_reason: Option<DueReason>,
    /// Closed (销号) at the end of the period.
    pub(crate) closed: bool,
    /// The period it closed in (`"2026-10"`).
    pub(crate) closed_period: Option<String>,
    /// The task's group (分组) in the ledger (its heading rows), null when none.
    pub(crate) group: Option<Cow<'a, str>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Source<'a> {
    pub(crate) file: Cow<'a, str>,
    pub(crate) sheet: Cow<'a, str>,
    pub(crate) row: u32,
    pub(crate) sha256: Cow<'a, str>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct UnitEntry {
    pub(crate) name: String,
    pub(crate) category: String,
    pub(crate) score: f64,
    pub(crate) rank: u32,
    pub(crate) rank_change: Option<i32>,
    pub(crate) top3: bool,
    pub(crate) bottom3: bool,
    pub(crate) card: Option<Card>,
    pub(crate) reasons: Vec<String>,
    pub(crate) reported: bool,
    pub(crate) late: bool,
    pub(crate) due: u32,
    pub(crate) missing: Vec<String>,
    /// Why the unit may not be 前三位 this period (empty: it may).
    pub(crate) not_top3: Vec<String>,
}

impl<'a> Summary<'a> {
    pub(crate) fn from_run(r: &'a RunResult) -> Summary<'a> {
        let files = r
            .merged
            .files
            .iter()
            .map(|f| FileEntry {
                path: f.file.rel.clone(),
                unit: f.unit.clone(),
                outcome: f.outcome,
                rows: f.rows_read,
                accepted: f.accepted,
                rejected: f.rejected,
                superseded: f.superseded,
                late: f.late,
                superseded_by: f.superseded_by.clone(),
                sha256: f.file.sha256.clone(),
                size: f.file.size,
                held: f.held,
                units: f.units.clone(),
                container: f.file.container.clone(),
                unreadable: f.unreadable,
            })
            .collect();
        let tasks = r
            .scored
            .tasks
            .iter()
            .map(|t| TaskEntry {
                id: Cow::Borrowed(&t.id),
                title: Cow::Borrowed(&t.title),
                unit: Cow::Borrowed(&t.unit),
                leader: Cow::Borrowed(&t.leader),
                stars: t.stars,
                due: t.due,
                reported: t.reported,
                status: t.status,
                actual: t.actual.map(round2),
                planned: round2(t.planned),
                lag: t.lag.map(round2),
                deadline: t.deadline.map(|d| d.to_string()),
                overdue: t.overdue,
                near_deadline: t.near_deadline,
                card: t.card,
                reasons: Cow::Borrowed(&t.reasons),
                source: t.report.as_ref().map(|rep| Source {
                    file: Cow::Borrowed(&rep.provenance.file),
                    sheet: Cow::Borrowed(&rep.provenance.sheet),
                    row: rep.provenance.row,
                    sha256: Cow::Borrowed(&rep.provenance.sha256),
                }),
                due_reason: t.due_reason,
                closed: t.closed(),
                closed_period: t.closed_period.map(|p| p.to_string()),
                group: t.group.as_deref().map(Cow::Borrowed),
            })
            .collect();
        let units = r
            .scored
            .units
            .iter()
            .map(|u| {
                let sub = r.merged.submissions.get(&u.name);
                UnitEntry {
                    name: u.name.clone(),
                    category: u.category.clone(),
                    score: u.score,
                    rank: u.rank,
                    rank_change: u.rank_change,
                    top3: u.top3,
                    bottom3: u.bottom3,
                    card: u.card,
                    reasons: u.reasons.clone(),
                    reported: u.reported,
                    late: u.late,
                    due: u.due,
                    missing: sub.map(|s| s.missing.clone()).unwrap_or_default(),
                    not_top3: u.not_top3.clone(),
                }
            })
            .collect();
        Summary {
            period: r.period.to_string(),
            as_of: r.as_of.to_string(),
            report_deadline: r.report_deadline.to_string(),
            preset: r.preset.as_str().to_string(),
            totals: r.merged.totals,
            files,
            issues: Cow::Borrowed(&r.merged.issues),
            tasks,
            units,
            ledger_issues: r.ledger_issues.clone(),
            round: r.round,
            history: HistoryEntry {
                previous: r.previous.map(|(p, _)| p.to_string()),
                previous_round: r.previous.map(|(_, round)| round),
                periods: r.history_periods.iter().map(|p| p.to_string()).collect(),
            },
            received: Cow::Borrowed(&r.received),
            documents: Vec::new(),
        }
    }

    /// The summary listing the documents written.
    pub(crate) fn with_documents(mut self, documents: Vec<DocumentEntry>) -> Summary<'a> {
        self.documents = documents;
        self
    }

    /// The summary as pretty JSON and a newline, streamed into `w` (the JSON
    /// of 50,000 tasks is tens of megabytes: never built as one string).
    pub(crate) fn write_to(&self, mut w: impl std::io::Write) -> std::io::Result<()> {
        serde_json::to_writer_pretty(&mut w, self)?;
        w.write_all(b"\n")?;
        w.flush()
    }
}
