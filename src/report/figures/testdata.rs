//! Literal inputs for the figures' unit tests: one task, unit, submission or
//! file with neutral values, for a test to set what it is about.

use crate::ingest::{FileFormat, SourceFile};
use crate::merge::{FileOutcome, FileRecord, Submission};
use crate::model::Card;
use crate::score::{CardCounts, ScoreParts, TaskResult, UnitResult};

/// A task of `unit`, not due, nothing reported, no card.
pub(crate) fn task(id: &str, unit: &str) -> TaskResult {
    TaskResult {
        id: id.into(),
        title: format!("事项{id}"),
        source: String::new(),
        stars: 4,
        leader: "张副区长".into(),
        unit: unit.into(),
        coop_units: vec![],
        owner: String::new(),
        start: None,
        deadline: None,
        deadline_derived: false,
        due: false,
        due_reason: None,
        reported: false,
        status: None,
        actual: None,
        planned: 0.0,
        lag: None,
        done: false,
        overdue: false,
        near_deadline: false,
        days_left: None,
        prev_actual: None,
        card: None,
        reasons: vec![],
        report: None,
        closed_period: None,
        group: None,
    }
}

/// A carded task of `unit`.
pub(crate) fn carded(id: &str, unit: &str, card: Card, lag: Option<f64>) -> TaskResult {
    TaskResult {
        card: Some(card),
        lag,
        ..task(id, unit)
    }
}

/// A unit of `category` ranked `rank`, no card, score 80.
pub(crate) fn unit(name: &str, category: &str, rank: u32) -> UnitResult {
    UnitResult {
        name: name.into(),
        category: category.into(),
        tasks: 0,
        due: 0,
        done: 0,
        behind: 0,
        reported: true,
        late: false,
        parts: ScoreParts::default(),
        score: 80.0,
        rank,
        prev_rank: None,
        rank_change: None,
        top3: false,
        bottom3: false,
        not_top3: vec![],
        card: None,
        reasons: vec![],
        cards: CardCounts::default(),
    }
}

/// How `unit` reported: `due` due tasks, `missing` of them not reported.
pub(crate) fn submission(unit: &str, due: &[&str], reported: bool, late: bool) -> Submission {
    Submission {
        unit: unit.into(),
        due: due.iter().map(|s| s.to_string()).collect(),
        reported,
        late,
        ..Default::default()
    }
}

/// A received file and its outcome.
pub(crate) fn file(rel: &str, outcome: FileOutcome) -> FileRecord {
    FileRecord {
        file: SourceFile {
            rel: rel.into(),
            container: None,
            size: 1,
            sha256: format!("sha-{rel}"),
            modified: None,
            format: FileFormat::Xlsx,
        },
        unit: None,
        period: None,
        fill_date: None,
        sheets: vec![],
        outcome,
        rows_read: 0,
        accepted: 0,
        rejected: 0,
        superseded: 0,
        held: 0,
        late: false,
        superseded_by: None,
        error: None,
        units: vec![],
        export: false,
        unreadable: None,
    }
}
