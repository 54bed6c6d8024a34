//! How each unit reported (报送情况): its state, category and files.

use std::collections::BTreeMap;

use crate::merge::{FileRecord, Submission};
use crate::model::Unit;

/// How a unit reported this period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SubmissionState {
    /// No task due, no return (无应报事项).
    NothingDue,
    /// Tasks due, no valid return (未报送).
    Missing,
    /// Its return came after the deadline (逾期报送).
    Late,
    /// 按时报送.
    OnTime,
}

impl SubmissionState {
    pub(crate) fn of(s: &Submission) -> SubmissionState {
        match (s.due.len(), s.reported, s.late) {
            (0, false, _) => SubmissionState::NothingDue,
            (_, false, _) => SubmissionState::Missing,
            (_, true, true) => SubmissionState::Late,
            (_, true, false) => SubmissionState::OnTime,
        }
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            SubmissionState::NothingDue => "无应报事项",
            SubmissionState::Missing => "未报送",
            SubmissionState::Late => "逾期报送",
            SubmissionState::OnTime => "按时报送",
        }
    }
}

/// One unit's row of 报送情况.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SubmissionFigures<'r> {
    pub(crate) submission: &'r Submission,
    /// The unit's category in the ledger (empty when it is not there).
    pub(crate) category: &'r str,
    pub(crate) state: SubmissionState,
    /// (file, SHA-256) of its accepted, superseded and rejected files, in
    /// that order (the hash empty for a file not received).
    pub(crate) hashes: Vec<(&'r str, &'r str)>,
}

/// Every unit's submission, in the order of `submissions` (by unit).
pub(crate) fn submissions<'r>(
    ledger_units: &'r [Unit],
    submissions: impl IntoIterator<Item = &'r Submission>,
    files: &'r [FileRecord],
) -> Vec<SubmissionFigures<'r>> {
    let cat_of: BTreeMap<&str, &str> = ledger_units
        .iter()
        .map(|u| (u.name.as_str(), u.category.as_str()))
        .collect();
    let sha_of: BTreeMap<&str, &str> = files
        .iter()
        .map(|f| (f.file.rel.as_str(), f.file.sha256.as_str()))
        .collect();
    submissions
        .into_iter()
        .map(|s| SubmissionFigures {
            submission: s,
            category: cat_of.get(s.unit.as_str()).copied().unwrap_or(""),
            state: SubmissionState::of(s),
            hashes: s
                .files
                .iter()
                .chain(&s.superseded_files)
                .chain(&s.rejected_files)
                .map(|f| (f.as_str(), sha_of.get(f.as_str()).copied().unwrap_or("")))
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merge::FileOutcome;
    use crate::report::figures::testdata::{file, submission};

    #[test]
    fn state_of_a_submission() {
        let state = |due: &[&str], reported, late| {
            SubmissionState::of(&submission("甲", due, reported, late))
        };
        assert_eq!(state(&[], false, false), SubmissionState::NothingDue);
        assert_eq!(state(&["A"], false, true), SubmissionState::Missing);
        assert_eq!(state(&["A"], true, true), SubmissionState::Late);
        assert_eq!(state(&[], true, false), SubmissionState::OnTime);
        assert_eq!(SubmissionState::Missing.label(), "未报送");
        assert_eq!(SubmissionState::Late.label(), "逾期报送");
    }

    #[test]
    fn rows_name_category_and_hashes() {
        let units = [Unit {
            name: "甲".into(),
            code: None,
            category: "区直部门".into(),
            aliases: vec![],
            contact: String::new(),
            phone: String::new(),
        }];
        let mut a = submission("甲", &["A"], true, false);
        a.files = vec!["新.xlsx".into()];
        a.superseded_files = vec!["旧.xlsx".into()];
        a.rejected_files = vec!["丢失.xlsx".into()];
        let b = submission("乙", &[], false, false);
        let files = [
            file("旧.xlsx", FileOutcome::Superseded),
            file("新.xlsx", FileOutcome::Accepted),
        ];
        let subs = [a, b];
        let rows = submissions(&units, &subs, &files);
        assert_eq!(rows[0].category, "区直部门");
        assert_eq!(rows[0].state, SubmissionState::OnTime);
        assert_eq!(
            rows[0].hashes,
            vec![
                ("新.xlsx", "sha-新.xlsx"),
                ("旧.xlsx", "sha-旧.xlsx"),
                ("丢失.xlsx", "")
            ]
        );
        assert_eq!(rows[1].category, "");
        assert_eq!(rows[1].state, SubmissionState::NothingDue);
        assert!(rows[1].hashes.is_empty());
    }
}
