//! Stage 3 — merge: one report per task across every file, duplicates
//! superseded (newer 填报日期, then newer file time wins), late files flagged
//! (by 填报日期; a form without one is not judged by its file time),
//! due tasks that nobody reported listed, and the row totals reconciled:
//! `rows_read = accepted + rejected + superseded`. Pure: no I/O.
//!
//! A submission is what one file holds for one unit: a form is one, a
//! collection-tool export one per unit it holds (`parts`), each superseded,
//! late or accepted on its own; the export is listed once, with its units.

mod parts;
mod submissions;

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::due::Expected;
use crate::ingest::SourceFile;
use crate::model::{issue_sort_key, Issue, IssueCode, Ledger};
use crate::period::Period;
use crate::validate::{CheckedFile, CheckedRow, FileState, Report, RowOutcome, Unreadable};

/// Final outcome of a file (SPEC §9 `files[].outcome`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileOutcome {
    /// Read, and its rows taken (已采用).
    Accepted,
    /// Sent back to the unit (退回): unreadable, not a form, or no row accepted.
    Rejected,
    /// Replaced by a newer file of the same unit (已被新版本替代).
    Superseded,
    /// Listed, not read (已忽略): a lock file, not a spreadsheet.
    Ignored,
}

impl FileOutcome {
    pub(crate) fn label(self) -> &'static str {
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
    pub(crate) file: SourceFile,
    pub(crate) unit: Option<String>,
    pub(crate) period: Option<Period>,
    pub(crate) fill_date: Option<NaiveDate>,
    pub(crate) sheets: Vec<String>,
    /// What became of the file as a whole.
    pub outcome: FileOutcome,
    /// Data rows read from it.
    pub rows_read: u32,
    /// Of those, rows accepted.
    pub accepted: u32,
    /// Rows rejected (each with its reason, cell and value).
    pub rejected: u32,
    /// Rows replaced by a newer file's.
    pub superseded: u32,
    /// Of `rejected`: rows kept aside because their task has a defect in
    /// the office's ledger (not the unit's fault).
    #[serde(default)]
    pub(crate) held: u32,
    pub(crate) late: bool,
    /// Relative path of the newer file that superseded this one.
    pub(crate) superseded_by: Option<String>,
    /// The first error message (why the file was rejected), if any.
    pub(crate) error: Option<String>,
    /// Every unit whose rows it held, sorted: its unit, or the units of a
    /// collection-tool export (`unit` is then None when there are several).
    #[serde(default)]
    pub(crate) units: Vec<String>,
    /// A collection-tool export (rows of several units).
    #[serde(default)]
    pub(crate) export: bool,
    /// Why the file could not be read as a form, when it could not.
    #[serde(default)]
    pub(crate) unreadable: Option<Unreadable>,
}

/// A rejected row with its original values (退回明细).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RejectedRow {
    pub(crate) file: String,
    pub(crate) sheet: String,
    pub(crate) row: u32,
    pub(crate) unit: Option<String>,
    pub(crate) task: Option<String>,
    pub(crate) original: Vec<(String, String)>,
    pub(crate) reasons: Vec<String>,
    /// Kept aside because of a defect of the office's ledger: not sent back
    /// to the unit, not charged to it.
    #[serde(default)]
    pub(crate) office: bool,
}

/// The run's counts over every file: each row read ends accepted, rejected
/// or superseded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Totals {
    /// Files received.
    pub files: u32,
    /// Data rows read.
    pub rows_read: u32,
    /// Rows accepted.
    pub accepted: u32,
    /// Rows rejected.
    pub rejected: u32,
    /// Rows replaced by a newer file's.
    pub superseded: u32,
    /// Of `rejected`: rows kept aside because their task has a defect in the
    /// office's ledger (台账待更正), not the units' fault.
    #[serde(default)]
    pub(crate) ledger_held: u32,
}

/// How one unit reported this period (报送情况).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub(crate) struct Submission {
    pub(crate) unit: String,
    /// Tasks of the unit due this period (star cadence, or overdue / near
    /// the deadline: [`crate::due`]).
    pub(crate) due: Vec<String>,
    /// Accepted files of the unit (relative paths).
    pub(crate) files: Vec<String>,
    /// Superseded files of the unit.
    pub(crate) superseded_files: Vec<String>,
    /// Rejected files attributed to the unit.
    pub(crate) rejected_files: Vec<String>,
    /// Files of the unit that could not be read as forms (damaged,
    /// encrypted, a PDF …), with why.
    #[serde(default)]
    pub(crate) unreadable: Vec<UnreadableFile>,
    /// At least one accepted file.
    pub(crate) reported: bool,
    /// Its accepted file came after the reporting deadline.
    pub(crate) late: bool,
    /// Error issues in the unit's files (form quality).
    pub(crate) errors: u32,
    pub(crate) warnings: u32,
    pub(crate) rows_accepted: u32,
    /// Rows sent back to the unit (its own errors).
    pub(crate) rows_rejected: u32,
    /// Rows kept aside for a defect of the office's ledger.
    #[serde(default)]
    pub(crate) rows_held: u32,
    /// Due tasks with no accepted report.
    pub(crate) missing: Vec<String>,
}

impl Submission {
    /// Its rejected files that were read (forms sent back for their errors),
    /// as opposed to files that could not be read at all.
    pub(crate) fn forms_sent_back(&self) -> Vec<&str> {
        self.rejected_files
            .iter()
            .filter(|f| !self.unreadable.iter().any(|u| &u.path == *f))
            .map(String::as_str)
            .collect()
    }

    /// The unreadable files the unit is told of: all but a PDF, scan or
    /// other non-form file beside a form it did send (accepted or sent back),
    /// which was never meant to be read.
    pub(crate) fn unreadable_to_tell(&self) -> impl Iterator<Item = &UnreadableFile> + '_ {
        let sent_a_form = self.reported || !self.forms_sent_back().is_empty();
        self.unreadable
            .iter()
            .filter(move |f| !sent_a_form || f.why != Unreadable::Format)
    }
}

/// A file of a unit that could not be read as a form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct UnreadableFile {
    /// Relative path (as in `files[]`).
    pub(crate) path: String,
    /// The name the unit knows it by ([`crate::source::display_name`]).
    pub(crate) name: String,
    pub(crate) why: Unreadable,
}

/// Everything merged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Merged {
    /// Sorted by relative path.
    pub files: Vec<FileRecord>,
    /// Accepted report per canonical task id.
    /// (Shared with the scored tasks: one copy of each report in memory.)
    pub(crate) reports: BTreeMap<String, Arc<Report>>,
    /// Every rejected row, with its reason, cell and value.
    pub rejected: Vec<RejectedRow>,
    /// Every issue (file, header, row, unit), deterministically sorted.
    pub(crate) issues: Vec<Issue>,
    /// The counts over every file.
    pub totals: Totals,
    /// Per unit of the ledger (every unit, reported or not).
    pub(crate) submissions: BTreeMap<String, Submission>,
}

/// What the merge needs to know besides the checked files.
#[derive(Debug, Clone)]
pub struct MergeCtx<'a> {
    /// The office's ledger of tasks and units.
    pub ledger: &'a Ledger,
    /// The period the returns are for.
    pub period: Period,
    /// The tasks due this period ([`crate::due`]): each unit's due list.
    pub expected: &'a Expected,
    /// Reporting deadline: files filled after it are late.
    pub report_deadline: NaiveDate,
    /// `late_by_file_time` of the config: a form without 填报日期 is judged
    /// by its file time (off by default: e-mail and USB copies change it).
    pub late_by_file_time: bool,
    /// The round this run makes (1, or 2… for 补报 rounds).
    pub round: u32,
    /// Files the earlier rounds of the period received ([`EarlierRounds`]).
    pub earlier_rounds: &'a EarlierRounds,
}

/// Files the earlier rounds of a period received: SHA-256 → the first
/// round that had it. In a 补报 round such a file (left in the period's
/// returns folder) is one its unit sent before: older than any file first
/// received in this round, whatever dates the two carry.
pub type EarlierRounds = BTreeMap<String, u32>;

/// No earlier round (a period's first run).
pub const NO_EARLIER_ROUNDS: &EarlierRounds = &EarlierRounds::new();

/// Merge every checked file. Input order does not matter.
pub fn merge(files: Vec<CheckedFile>, ctx: &MergeCtx) -> Merged {
    let mut files = files;
    files.sort_by(|a, b| a.file.rel.cmp(&b.file.rel));
    // One submission per unit of a collection-tool export.
    let mut files: Vec<CheckedFile> = files.into_iter().flat_map(parts::split).collect();
    let first_errors: Vec<Option<String>> = files.iter().map(|f| first_error(&f.issues)).collect();
    let mut issues: Vec<Issue> = files
        .iter_mut()
        .flat_map(|f| std::mem::take(&mut f.issues))
        .collect();

    // The first outcome of each file, then duplicates resolved.
    let mut outcomes: Vec<FileOutcome> = files.iter().map(initial_outcome).collect();
    let mut superseded_by = supersede_duplicates(&files, &mut outcomes, &mut issues, ctx);
    supersede_earlier_rounds(&files, &mut outcomes, &mut superseded_by, &mut issues, ctx);

    // The files are consumed: their rows' reports move into the tally.
    let mut tally = Tally::default();
    let per_file = outcomes.into_iter().zip(superseded_by).zip(first_errors);
    for (f, ((outcome, superseded_by), error)) in files.into_iter().zip(per_file) {
        let mut rec = tally.add_file(f, outcome, superseded_by, error);
        if let Some(late) = lateness(&mut rec, ctx) {
            issues.push(late);
        }
        tally.records.push(rec);
    }
    let Tally {
        records,
        reports,
        rejected,
        ..
    } = tally;
    let (submissions, unit_issues) =
        submissions::submissions(ctx, &records, &reports, &rejected, &issues);
    issues.extend(unit_issues);
    issues.sort_by(|a, b| issue_sort_key(a).cmp(&issue_sort_key(b)));
    // Each file once (an export's parts joined again).
    let records = parts::combine(records);
    let totals = totals_of(&records);

    Merged {
        files: records,
        reports,
        rejected,
        issues,
        totals,
        submissions,
    }
}

/// Several usable files of one unit and period: the newest wins (a file
/// first received in this round is newer than an earlier round's), the
/// others are superseded (each with a FILE_SUPERSEDED issue saying by which
/// file and why). Returns, per file, the path of the file that superseded it.
fn supersede_duplicates(
    files: &[CheckedFile],
    outcomes: &mut [FileOutcome],
    issues: &mut Vec<Issue>,
    ctx: &MergeCtx,
) -> Vec<Option<String>> {
    let mut superseded_by: Vec<Option<String>> = vec![None; files.len()];
    let mut groups: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (i, f) in files.iter().enumerate() {
        if outcomes[i] == FileOutcome::Accepted {
            if let Some(u) = &f.unit {
                let p = f.period.map(|p| p.to_string()).unwrap_or_default();
                groups.entry((u.to_string(), p)).or_default().push(i);
            }
        }
    }
    for idx in groups.values().filter(|g| g.len() > 1) {
        let Some(&winner) = idx
            .iter()
            .max_by(|&&a, &&b| newness(&files[a], ctx).cmp(&newness(&files[b], ctx)))
        else {
            continue;
        };
        for &i in idx.iter().filter(|&&i| i != winner) {
            outcomes[i] = FileOutcome::Superseded;
            superseded_by[i] = Some(files[winner].file.rel.clone());
            issues.push(superseded_issue(&files[winner], &files[i], ctx));
        }
    }
    superseded_by
}

/// In a 补报 round, a unit that sent a file in this round has corrected what
/// an earlier round sent back: its earlier-round files that were rejected
/// are superseded by its newest file of this round (an accepted one first),
/// so their errors are neither sent back nor charged again. (Its accepted
/// earlier-round files were weighed against its accepted new ones in
/// [`supersede_duplicates`].) A unit that sent nothing new keeps its
/// earlier-round files, read as before.
fn supersede_earlier_rounds(
    files: &[CheckedFile],
    outcomes: &mut [FileOutcome],
    superseded_by: &mut [Option<String>],
    issues: &mut Vec<Issue>,
    ctx: &MergeCtx,
) {
    if ctx.earlier_rounds.is_empty() {
        return;
    }
    let key = |i: usize| {
        (
            outcomes[i] == FileOutcome::Accepted,
            newness(&files[i], ctx),
        )
    };
    // The newest file of each unit first received in this round.
    let mut latest: BTreeMap<String, usize> = BTreeMap::new();
    for (i, f) in files.iter().enumerate() {
        let read = matches!(outcomes[i], FileOutcome::Accepted | FileOutcome::Rejected);
        let (Some(unit), true) = (&f.unit, read && arrival(f, ctx) == ctx.round) else {
            continue;
        };
        let w = latest.entry(unit.to_string()).or_insert(i);
        if key(i) > key(*w) {
            *w = i;
        }
    }
    for (i, f) in files.iter().enumerate() {
        if outcomes[i] != FileOutcome::Rejected || arrival(f, ctx) >= ctx.round {
            continue;
        }
        let Some(&w) = f.unit.as_ref().and_then(|u| latest.get(&u.to_string())) else {
            continue;
        };
        outcomes[i] = FileOutcome::Superseded;
        superseded_by[i] = Some(files[w].file.rel.clone());
        issues.push(superseded_issue(&files[w], f, ctx));
    }
}

/// The round that first received the file: an earlier one's, else this.
fn arrival(f: &CheckedFile, ctx: &MergeCtx) -> u32 {
    ctx.earlier_rounds
        .get(&f.file.sha256)
        .copied()
        .unwrap_or(ctx.round)
}

/// FILE_SUPERSEDED on `old`, naming the newer file `new` and why it is newer.
fn superseded_issue(new: &CheckedFile, old: &CheckedFile, ctx: &MergeCtx) -> Issue {
    let (new_key, old_key) = (newness(new, ctx), newness(old, ctx));
    let when = if new_key.0 != old_key.0 {
        format!(
            "其为第{}轮补报时收到，本表为第{}轮已收到",
            new_key.0, old_key.0
        )
    } else {
        dates_compared(new, old, ctx)
    };
    let unit = old.unit.as_deref().unwrap_or("");
    let msg = if old.export {
        format!(
            "{unit}本期还报送了更新的报表“{}”（{when}），本收集表中{unit}的{}行已被替代、未采用；如收集表中的才是最终版本，请重新提交",
            new.file.rel,
            old.rows.len()
        )
    } else {
        format!(
            "{unit}本期还报送了更新的报表“{}”（{when}），本表已被替代、未采用；如本表才是最终版本，请重新报送本表并删除另一份",
            new.file.rel
        )
    };
    Issue::warning(IssueCode::FileSuperseded, msg)
        .file(old.file.rel.clone())
        .unit_opt(old.unit.as_deref())
        .value(new.file.rel.clone())
}

/// Why `new` is newer than `old`, both received in the same round.
fn dates_compared(new: &CheckedFile, old: &CheckedFile, ctx: &MergeCtx) -> String {
    let (new_key, old_key) = (newness(new, ctx), newness(old, ctx));
    match (new_key.1, old_key.1) {
        (Some(a), b) if Some(a) != b => format!(
            "其日期{}晚于本表的{}",
            ymd(a),
            b.map(ymd).unwrap_or_else(|| "（无日期）".to_string())
        ),
        _ => match (new_key.2, old_key.2) {
            (Some(m), o) if Some(m) != o => {
                let what = if new.submitted.is_some() {
                    "提交时间"
                } else {
                    "文件时间"
                };
                format!("其{what}{}晚于本表", m.format("%Y-%m-%d %H:%M"))
            }
            _ => "两份报表日期相同，按文件名取排在后面的一份".to_string(),
        },
    }
}

/// Every file's rows sorted out: one accepted report per task, the rows sent
/// back, and a record per file with its counts.
#[derive(Default)]
struct Tally {
    records: Vec<FileRecord>,
    reports: BTreeMap<String, Arc<Report>>,
    /// Task id → index in `records` of the file whose row is in `reports`.
    report_owner: BTreeMap<String, usize>,
    rejected: Vec<RejectedRow>,
}

impl Tally {
    /// The record of one file, its rows counted (and accepted reports and
    /// rejected rows taken); the caller pushes it onto `records`.
    fn add_file(
        &mut self,
        f: CheckedFile,
        outcome: FileOutcome,
        superseded_by: Option<String>,
        error: Option<String>,
    ) -> FileRecord {
        let rows_read = count(f.rows.len());
        let mut rec = FileRecord {
            file: f.file,
            unit: f.unit.as_ref().map(String::from),
            period: f.period,
            fill_date: f.fill_date,
            sheets: f.sheets,
            outcome,
            rows_read,
            accepted: 0,
            rejected: 0,
            superseded: 0,
            held: 0,
            late: false,
            superseded_by,
            error,
            units: f.unit.iter().map(|u| u.to_string()).collect(),
            export: f.export,
            unreadable: f.unreadable,
        };
        match outcome {
            FileOutcome::Superseded => rec.superseded = rows_read,
            // Ignored files have no rows; should one ever carry some, they count as rejected.
            FileOutcome::Ignored => rec.rejected = rows_read,
            FileOutcome::Rejected | FileOutcome::Accepted => {
                for row in f.rows {
                    self.add_row(&mut rec, row);
                }
            }
        }
        rec
    }

    /// One row of a file that is accepted or rejected.
    fn add_row(&mut self, rec: &mut FileRecord, row: CheckedRow) {
        match (row.outcome, row.report) {
            (RowOutcome::Accepted, Some(rep)) if rec.outcome == FileOutcome::Accepted => {
                self.accept(rec, rep);
            }
            (RowOutcome::Superseded, _) => rec.superseded += 1,
            _ => {
                rec.rejected += 1;
                rec.held += u32::from(row.office);
                self.rejected.push(RejectedRow {
                    file: rec.file.rel.clone(),
                    sheet: row.sheet,
                    row: row.row,
                    unit: rec.unit.clone(),
                    task: row.task,
                    original: row.original,
                    reasons: if row.reasons.is_empty() {
                        rec.error.clone().into_iter().collect()
                    } else {
                        row.reasons
                    },
                    office: row.office,
                });
            }
        }
    }

    /// An accepted row's report. A task reported twice by accepted files
    /// keeps the later row (provenance order); the other one is superseded
    /// so the totals still reconcile.
    fn accept(&mut self, rec: &mut FileRecord, rep: Report) {
        rec.accepted += 1;
        if let Some(prev) = self.reports.get(rep.task.as_str()) {
            let keep_new = provenance_key(&rep) > provenance_key(prev);
            let loser = if keep_new {
                self.report_owner.get(rep.task.as_str()).copied()
            } else {
                None
            };
            // The loser is `rec` itself when it is not in `records` yet.
            match loser.and_then(|l| self.records.get_mut(l)) {
                Some(r) => {
                    r.accepted -= 1;
                    r.superseded += 1;
                }
                None => {
                    rec.accepted -= 1;
                    rec.superseded += 1;
                }
            }
            if !keep_new {
                return;
            }
        }
        self.report_owner
            .insert(rep.task.to_string(), self.records.len());
        self.reports.insert(rep.task.to_string(), Arc::new(rep));
    }
}

/// Whether an accepted file came late, from its 填报日期 (a 填报日期 column, or
/// a `填报日期：…` line above or below the table): filled after the reporting
/// deadline → marks `rec` late and returns FILE_LATE. Without a date the
/// file's time is no evidence (e-mail and USB copies change it): the file is
/// on time and FILE_NO_FILL_DATE asks for the date — unless
/// `late_by_file_time`, when the file time is judged as the date.
fn lateness(rec: &mut FileRecord, ctx: &MergeCtx) -> Option<Issue> {
    if rec.outcome != FileOutcome::Accepted {
        return None;
    }
    let deadline = ctx.report_deadline;
    let (date, what) = match (rec.fill_date, rec.file.modified) {
        (Some(d), _) => (d, "填报日期"),
        // An export's file time is when the office downloaded it, and a
        // tool that gives no 提交时间 is no unit's doing.
        (None, _) if rec.export => return None,
        (None, Some(m)) if ctx.late_by_file_time => (m.date(), "文件修改日期"),
        (None, _) if ctx.late_by_file_time => return None,
        (None, _) => return Some(no_fill_date_issue(rec)),
    };
    if date <= deadline {
        return None;
    }
    rec.late = true;
    let whose = if rec.export {
        format!(
            "{}在本收集表中的提交时间",
            rec.unit.as_deref().unwrap_or("")
        )
    } else {
        format!("本表{what}")
    };
    Some(
        Issue::warning(
            IssueCode::FileLate,
            format!(
                "{whose}为{}，晚于报送截止日期{}，属逾期报送；请今后按时报送",
                ymd(date),
                ymd(deadline)
            ),
        )
        .file(rec.file.rel.clone())
        .unit_opt(rec.unit.as_deref())
        .value(ymd(date)),
    )
}

/// FILE_NO_FILL_DATE on an accepted form that gives no 填报日期.
fn no_fill_date_issue(rec: &FileRecord) -> Issue {
    Issue::warning(
        IssueCode::FileNoFillDate,
        "本表没有填写填报日期，无法据此判断是否按时报送（文件的修改时间会因邮件、U盘转存而改变，不作为依据），本期按按时报送处理；请今后在表尾“填报日期：”处或填报日期栏填写日期",
    )
    .file(rec.file.rel.clone())
    .unit_opt(rec.unit.as_deref())
}

/// The totals of every file's rows (nothing is lost).
fn totals_of(records: &[FileRecord]) -> Totals {
    let mut totals = Totals {
        files: count(records.len()),
        ..Totals::default()
    };
    for r in records {
        totals.rows_read += r.rows_read;
        totals.accepted += r.accepted;
        totals.rejected += r.rejected;
        totals.superseded += r.superseded;
        totals.ledger_held += r.held;
    }
    debug_assert_eq!(
        totals.rows_read,
        totals.accepted + totals.rejected + totals.superseded,
        "every row read must be accepted, rejected or superseded"
    );
    totals
}

/// Outcome before duplicates are resolved.
fn initial_outcome(f: &CheckedFile) -> FileOutcome {
    match f.state {
        FileState::Ignored => FileOutcome::Ignored,
        FileState::Rejected => FileOutcome::Rejected,
        FileState::Checked => {
            let accepted = |r: &CheckedRow| r.outcome == RowOutcome::Accepted && r.report.is_some();
            // A form whose rows are all kept aside for the office's ledger
            // defects was sent in good order: the unit reported.
            let all_held = !f.rows.is_empty() && f.rows.iter().all(|r| r.office);
            if f.rows.iter().any(accepted) || all_held {
                FileOutcome::Accepted
            } else {
                FileOutcome::Rejected
            }
        }
    }
}

/// Which of two submissions is newer: the round that first received it (a
/// 补报 round's file is newer than the forms an earlier round had), its date
/// (填报日期, or the file's modification date when it has none), then the
/// file time, then the path. A total order, so the winner never depends on
/// input order. Between two forms without 填报日期 the file time is all
/// there is to go by (unlike lateness, where it is no evidence against a
/// unit).
fn newness<'f>(
    f: &'f CheckedFile,
    ctx: &MergeCtx,
) -> (
    u32,
    Option<NaiveDate>,
    Option<chrono::NaiveDateTime>,
    &'f str,
) {
    (
        arrival(f, ctx),
        f.fill_date.or(f.file.modified.map(|m| m.date())),
        f.submitted.or(f.file.modified),
        f.file.rel.as_str(),
    )
}

fn provenance_key(r: &Report) -> (&str, &str, u32) {
    (
        r.provenance.file.as_str(),
        r.provenance.sheet.as_str(),
        r.provenance.row,
    )
}

/// The message of the error that explains a rejected file: a file-level one
/// (no cell) first, else the first error.
fn first_error(issues: &[Issue]) -> Option<String> {
    issues
        .iter()
        .find(|i| i.is_error() && i.cell.is_none())
        .or_else(|| issues.iter().find(|i| i.is_error()))
        .map(|i| i.message.clone())
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests;
