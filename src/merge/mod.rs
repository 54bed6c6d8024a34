//! Stage 3 — merge: one report per task across every file, duplicates
//! superseded (newer 填报日期, then newer file time wins), late files flagged,
//! due tasks that nobody reported listed, and the row totals reconciled:
//! `rows_read = accepted + rejected + superseded`. Pure: no I/O.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ingest::SourceFile;
use crate::model::{Issue, Ledger};
use crate::period::Period;
use crate::validate::{CheckedFile, Report};

/// Final outcome of a file (SPEC §9 `files[].outcome`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileOutcome {
    Accepted,
    Rejected,
    Superseded,
    Ignored,
}

impl FileOutcome {
    pub fn label(self) -> &'static str {
        match self {
            FileOutcome::Accepted => "已采用",
            FileOutcome::Rejected => "退回",
            FileOutcome::Superseded => "已被新版本替代",
            FileOutcome::Ignored => "已忽略",
        }
    }
}

/// One received file and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileRecord {
    pub file: SourceFile,
    pub unit: Option<String>,
    pub period: Option<Period>,
    pub fill_date: Option<NaiveDate>,
    pub sheets: Vec<String>,
    pub outcome: FileOutcome,
    pub rows_read: u32,
    pub accepted: u32,
    pub rejected: u32,
    pub superseded: u32,
    pub late: bool,
    /// Relative path of the newer file that superseded this one.
    pub superseded_by: Option<String>,
    /// The first error message (why the file was rejected), if any.
    pub error: Option<String>,
}

/// A rejected row with its original values (退回明细).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RejectedRow {
    pub file: String,
    pub sheet: String,
    pub row: u32,
    pub unit: Option<String>,
    pub task: Option<String>,
    pub original: Vec<(String, String)>,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Totals {
    pub files: u32,
    pub rows_read: u32,
    pub accepted: u32,
    pub rejected: u32,
    pub superseded: u32,
}

/// How one unit reported this period (报送情况).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Submission {
    pub unit: String,
    /// Tasks of the unit due this period (star cadence).
    pub due: Vec<String>,
    /// Accepted files of the unit (relative paths).
    pub files: Vec<String>,
    /// Superseded files of the unit.
    pub superseded_files: Vec<String>,
    /// Rejected files attributed to the unit.
    pub rejected_files: Vec<String>,
    /// At least one accepted file.
    pub reported: bool,
    /// Its accepted file came after the reporting deadline.
    pub late: bool,
    /// Error issues in the unit's files (form quality).
    pub errors: u32,
    pub warnings: u32,
    pub rows_accepted: u32,
    pub rows_rejected: u32,
    /// Due tasks with no accepted report.
    pub missing: Vec<String>,
}

/// Everything merged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Merged {
    /// Sorted by relative path.
    pub files: Vec<FileRecord>,
    /// Accepted report per canonical task id.
    pub reports: BTreeMap<String, Report>,
    pub rejected: Vec<RejectedRow>,
    /// Every issue (file, header, row, unit), deterministically sorted.
    pub issues: Vec<Issue>,
    pub totals: Totals,
    /// Per unit of the ledger (every unit, reported or not).
    pub submissions: BTreeMap<String, Submission>,
}

#[derive(Debug, Clone)]
pub struct MergeCtx<'a> {
    pub ledger: &'a Ledger,
    pub period: Period,
    /// Reporting deadline: files filled (or, lacking 填报日期, modified) after it are late.
    pub report_deadline: NaiveDate,
}

/// Merge every checked file. Input order does not matter.
pub fn merge(files: Vec<CheckedFile>, ctx: &MergeCtx) -> Merged {
    let _ = (files, ctx);
    todo!("merge::merge")
}
