//! Stage 2 — validate (核查): identify each form's unit and period, type every
//! cell, and check every row against the ledger (SPEC §3). Pure: no I/O.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::ingest::{Ingested, SourceFile};
use crate::model::{Issue, Ledger, Provenance, Status};
use crate::period::Period;
use crate::schema::{FormField, TaskId, UnitName};
use crate::store::history::History;
use crate::templates::templates;

mod export;
mod file;
pub(crate) mod ident;
mod row;
mod sheets;
mod unreadable;

pub(crate) use unreadable::Unreadable;

/// A unit's accepted report on one task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Report {
    /// The task's id (as in the ledger).
    pub(crate) task: TaskId,
    /// Canonical unit name.
    pub(crate) unit: UnitName,
    pub(crate) status: Status,
    /// 0–100.
    pub(crate) percent: f64,
    pub(crate) progress: String,
    pub(crate) problems: String,
    pub(crate) next_steps: String,
    pub(crate) expected: Option<NaiveDate>,
    pub(crate) delay_reason: String,
    pub(crate) filler: String,
    pub(crate) phone: String,
    pub(crate) head: String,
    pub(crate) fill_date: Option<NaiveDate>,
    pub(crate) provenance: Provenance,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum RowOutcome {
    Accepted,
    Rejected,
    Superseded,
}

/// One data row after checking. Every row read ends here with an outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckedRow {
    pub(crate) sheet: String,
    /// 1-based sheet row.
    pub(crate) row: u32,
    /// Canonical task id when known, else the id as written (if any).
    pub(crate) task: Option<String>,
    pub(crate) outcome: RowOutcome,
    /// Present when accepted (and kept when later superseded).
    pub(crate) report: Option<Report>,
    /// (header, original value) of every non-empty cell of a rejected row
    /// (empty for an accepted row).
    pub(crate) original: Vec<(String, String)>,
    /// Chinese messages of the errors that rejected the row (empty if accepted).
    pub(crate) reasons: Vec<String>,
    /// Refused because of a defect of the office's ledger (its task is
    /// held out, see [`crate::model::HeldTask`]): kept aside, not the unit's
    /// fault (not sent back, not charged).
    #[serde(default)]
    pub(crate) office: bool,
    /// The row's own unit, in a collection-tool export (each row names its
    /// unit); None in a form, whose rows are all the file's unit's.
    #[serde(default)]
    pub(crate) unit: Option<UnitName>,
    /// When the row was submitted (an export's 提交时间, else its 填报日期),
    /// in a collection-tool export.
    #[serde(default)]
    pub(crate) when: Option<NaiveDateTime>,
}

/// Overall state of a file after validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum FileState {
    /// Read and checked (rows may still be rejected individually).
    Checked,
    /// Rejected whole (unreadable, not a form, unknown unit, wrong period …): all rows rejected.
    Rejected,
    /// Not a spreadsheet or a lock file.
    Ignored,
}

/// One returned file after validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckedFile {
    pub(crate) file: SourceFile,
    pub(crate) state: FileState,
    /// Canonical unit name, when identified.
    pub(crate) unit: Option<UnitName>,
    /// The period the form says it is for (the run's period when it names none).
    pub(crate) period: Option<Period>,
    /// 填报日期 of the form (the latest found), used to order duplicates.
    pub(crate) fill_date: Option<NaiveDate>,
    /// Sheets read as forms.
    pub(crate) sheets: Vec<String>,
    /// Every data row of the file, each accepted or rejected.
    pub rows: Vec<CheckedRow>,
    /// File, header and row issues of this file.
    pub(crate) issues: Vec<Issue>,
    /// A collection-tool export (问卷星, 金数据, 腾讯文档收集表, WPS 表单):
    /// one sheet whose rows each name their unit; `unit` is then the only
    /// unit named, or None when there are several.
    #[serde(default)]
    pub(crate) export: bool,
    /// The latest submission time of the rows (an export's 提交时间), which
    /// orders submissions made on the same day.
    #[serde(default)]
    pub(crate) submitted: Option<NaiveDateTime>,
    /// Why the file could not be read as a form, when it could not.
    #[serde(default)]
    pub(crate) unreadable: Option<Unreadable>,
}

/// What validation needs to know besides the file.
#[derive(Debug, Clone)]
pub struct ValidateCtx<'a> {
    /// The office's ledger of tasks and units.
    pub ledger: &'a Ledger,
    /// The period the returns are for.
    pub period: Period,
    /// The date deadlines and planned progress are measured at.
    pub as_of: NaiveDate,
    /// Working days, for deadlines derived from 交办日期.
    pub calendar: &'a Calendar,
    /// A task not done whose deadline is at most this many days after the
    /// as-of date is near its deadline.
    pub near_deadline_days: u32,
    /// Earlier periods' results (for lowered percents, repeated text).
    pub history: &'a History,
}

/// Check one ingested file. Pure; never panics on any input.
pub fn validate_file(ing: &Ingested, ctx: &ValidateCtx) -> CheckedFile {
    match ing {
        Ingested::Ignored { file, issue } => {
            let f = bare_file(file, FileState::Ignored, issue_with_file(issue, &file.rel));
            unreadable::attribute(f, ctx)
        }
        Ingested::Failed { file, issue } => {
            let f = bare_file(file, FileState::Rejected, issue_with_file(issue, &file.rel));
            unreadable::attribute(f, ctx)
        }
        Ingested::Forms { file, forms } => file::FileChecker::new(file, forms, ctx).check(),
    }
}

fn issue_with_file(issue: &Issue, rel: &str) -> Issue {
    let mut i = issue.clone();
    if i.file.is_none() {
        i.file = Some(rel.to_string());
    }
    i
}

fn bare_file(file: &SourceFile, state: FileState, issue: Issue) -> CheckedFile {
    CheckedFile {
        file: file.clone(),
        state,
        unit: None,
        period: None,
        fill_date: None,
        sheets: Vec::new(),
        rows: Vec::new(),
        issues: vec![issue],
        export: false,
        submitted: None,
        unreadable: None,
    }
}

/// Chinese name of a form column.
fn col_cn(key: FormField) -> &'static str {
    templates().form.name(key)
}

const STATUS_LIST: &str = "未启动、正在办理、已落实、已完成";

/// 1-based row of a 0-based row (saturating: never panics).
fn row1(row: u32) -> u32 {
    row.saturating_add(1)
}

/// A value quoted in a message, cut to 30 characters.
fn short(s: &str) -> String {
    let t = crate::text::trim(s);
    if t.chars().count() > 30 {
        let mut c: String = t.chars().take(30).collect();
        c.push('…');
        c
    } else {
        t.to_string()
    }
}

#[cfg(test)]
pub(crate) mod testkit;
#[cfg(test)]
mod tests;
