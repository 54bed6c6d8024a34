//! Stage 3 — merge: one report per task across every file, duplicates
//! superseded (newer 填报日期, then newer file time wins), late files flagged,
//! due tasks that nobody reported listed, and the row totals reconciled:
//! `rows_read = accepted + rejected + superseded`. Pure: no I/O.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ingest::SourceFile;
use crate::model::{issue_sort_key, Issue, IssueCode, Ledger};
use crate::period::Period;
use crate::validate::{CheckedFile, FileState, Report, RowOutcome};

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
    /// (Shared with the scored tasks: one copy of each report in memory.)
    pub reports: BTreeMap<String, std::sync::Arc<Report>>,
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
    let mut files = files;
    files.sort_by(|a, b| a.file.rel.cmp(&b.file.rel));
    let first_errors: Vec<Option<String>> = files.iter().map(|f| first_error(&f.issues)).collect();
    let mut issues: Vec<Issue> = files
        .iter_mut()
        .flat_map(|f| std::mem::take(&mut f.issues))
        .collect();

    // ---- first outcome of each file, before duplicates are resolved
    let mut outcomes: Vec<FileOutcome> = files.iter().map(initial_outcome).collect();

    // ---- duplicates: several usable files of one unit and period → newest wins
    let mut superseded_by: Vec<Option<usize>> = vec![None; files.len()];
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
            .max_by(|&&a, &&b| newness(&files[a]).cmp(&newness(&files[b])))
        else {
            continue;
        };
        for &i in idx.iter().filter(|&&i| i != winner) {
            outcomes[i] = FileOutcome::Superseded;
            superseded_by[i] = Some(winner);
            let w = &files[winner];
            let old = &files[i];
            let when = match (newness(w).0, newness(old).0) {
                (Some(a), b) if Some(a) != b => format!(
                    "其日期{}晚于本表的{}",
                    ymd(a),
                    b.map(ymd).unwrap_or_else(|| "（无日期）".to_string())
                ),
                _ => match w.file.modified {
                    Some(m) if Some(m) != old.file.modified => {
                        format!("其文件时间{}晚于本表", m.format("%Y-%m-%d %H:%M"))
                    }
                    _ => "两份报表日期相同，按文件名取排在后面的一份".to_string(),
                },
            };
            issues.push(
                Issue::warning(
                    IssueCode::FileSuperseded,
                    format!(
                        "{}本期还报送了更新的报表“{}”（{}），本表已被替代、未采用；如本表才是最终版本，请重新报送本表并删除另一份",
                        old.unit.as_deref().unwrap_or(""),
                        w.file.rel,
                        when
                    ),
                )
                .file(old.file.rel.clone())
                .unit_opt(old.unit.as_deref())
                .value(w.file.rel.clone()),
            );
        }
    }

    // ---- rows, reports, records
    let mut records: Vec<FileRecord> = Vec::with_capacity(files.len());
    let mut reports: BTreeMap<String, std::sync::Arc<Report>> = BTreeMap::new();
    // task id → index of the record whose row is in `reports`
    let mut report_owner: BTreeMap<String, usize> = BTreeMap::new();
    let mut rejected: Vec<RejectedRow> = Vec::new();
    let superseded_by: Vec<Option<String>> = superseded_by
        .iter()
        .map(|w| w.map(|w| files[w].file.rel.clone()))
        .collect();
    // The files are consumed: their rows' reports move into `reports`.
    for (i, f) in files.into_iter().enumerate() {
        let outcome = outcomes[i];
        let rows_read = count(f.rows.len());
        let error = first_errors[i].clone();
        let mut rec = FileRecord {
            file: f.file,
            unit: f.unit.map(String::from),
            period: f.period,
            fill_date: f.fill_date,
            sheets: f.sheets,
            outcome,
            rows_read,
            accepted: 0,
            rejected: 0,
            superseded: 0,
            late: false,
            superseded_by: superseded_by[i].clone(),
            error,
        };
        match outcome {
            FileOutcome::Superseded => rec.superseded = rows_read,
            // Ignored files have no rows; should one ever carry some, they count as rejected.
            FileOutcome::Ignored => rec.rejected = rows_read,
            FileOutcome::Rejected | FileOutcome::Accepted => {
                for row in f.rows {
                    match (row.outcome, row.report) {
                        (RowOutcome::Accepted, Some(rep)) if outcome == FileOutcome::Accepted => {
                            rec.accepted += 1;
                            if let Some(prev) = reports.get(rep.task.as_str()) {
                                // Reported twice by accepted files: keep the later row
                                // (provenance order); the other one is superseded so
                                // the totals still reconcile.
                                let keep_new = provenance_key(&rep) > provenance_key(prev);
                                let loser = if keep_new {
                                    report_owner.get(rep.task.as_str()).copied()
                                } else {
                                    None
                                };
                                match loser.and_then(|l| records.get_mut(l)) {
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
                                    continue;
                                }
                            }
                            report_owner.insert(rep.task.to_string(), records.len());
                            reports.insert(rep.task.to_string(), std::sync::Arc::new(rep));
                        }
                        (RowOutcome::Superseded, _) => rec.superseded += 1,
                        _ => {
                            rec.rejected += 1;
                            rejected.push(RejectedRow {
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
                            });
                        }
                    }
                }
            }
        }
        if outcome == FileOutcome::Accepted {
            let (date, what) = match (rec.fill_date, rec.file.modified) {
                (Some(d), _) => (Some(d), "填报日期"),
                (None, Some(m)) => (Some(m.date()), "文件修改日期"),
                (None, None) => (None, ""),
            };
            if let Some(d) = date.filter(|d| *d > ctx.report_deadline) {
                rec.late = true;
                issues.push(
                    Issue::warning(
                        IssueCode::FileLate,
                        format!(
                            "本表{}为{}，晚于报送截止日期{}，属逾期报送；请今后按时报送",
                            what,
                            ymd(d),
                            ymd(ctx.report_deadline)
                        ),
                    )
                    .file(rec.file.rel.clone())
                    .unit_opt(rec.unit.as_deref())
                    .value(ymd(d)),
                );
            }
        }
        records.push(rec);
    }

    // ---- totals (nothing is lost)
    let mut totals = Totals {
        files: count(records.len()),
        ..Totals::default()
    };
    for r in &records {
        totals.rows_read += r.rows_read;
        totals.accepted += r.accepted;
        totals.rejected += r.rejected;
        totals.superseded += r.superseded;
    }
    debug_assert_eq!(
        totals.rows_read,
        totals.accepted + totals.rejected + totals.superseded,
        "every row read must be accepted, rejected or superseded"
    );

    // ---- submissions per ledger unit
    let superseded_files: BTreeSet<&str> = records
        .iter()
        .filter(|r| r.outcome == FileOutcome::Superseded)
        .map(|r| r.file.rel.as_str())
        .collect();
    // One pass each over tasks, files and issues (cities: 2,000 units, 20,000 tasks).
    let mut due_of: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for t in ctx
        .ledger
        .tasks
        .iter()
        .filter(|t| ctx.period.is_due(t.stars))
    {
        due_of
            .entry(t.lead_unit.as_str())
            .or_default()
            .push(t.id.to_string());
    }
    let mut records_of: BTreeMap<&str, Vec<&FileRecord>> = BTreeMap::new();
    for r in &records {
        if let Some(u) = r.unit.as_deref() {
            records_of.entry(u).or_default().push(r);
        }
    }
    // Form quality: issues of the unit's files that count (not superseded ones),
    // counted before the unit-level TASK_/UNIT_NOT_REPORTED issues are added.
    let mut counts_of: BTreeMap<&str, (u32, u32)> = BTreeMap::new();
    for i in issues.iter().filter(|i| {
        !i.file
            .as_deref()
            .is_some_and(|f| superseded_files.contains(f))
    }) {
        if let Some(u) = i.unit.as_deref() {
            let c = counts_of.entry(u).or_default();
            if i.is_error() {
                c.0 += 1;
            } else {
                c.1 += 1;
            }
        }
    }
    // (unit, task) of every row sent back, to tell "missing" from "rejected".
    let rejected_tasks: BTreeSet<(&str, &str)> = rejected
        .iter()
        .filter_map(|r| Some((r.unit.as_deref()?, r.task.as_deref()?)))
        .collect();
    let mut submissions: BTreeMap<String, Submission> = BTreeMap::new();
    let mut unit_issues: Vec<Issue> = Vec::new();
    for unit in &ctx.ledger.units {
        let name = unit.name.to_string();
        let (errors, warnings) = counts_of.get(name.as_str()).copied().unwrap_or_default();
        let mut s = Submission {
            unit: name.clone(),
            due: due_of.get(name.as_str()).cloned().unwrap_or_default(),
            errors,
            warnings,
            ..Submission::default()
        };
        for r in records_of.get(name.as_str()).into_iter().flatten() {
            match r.outcome {
                FileOutcome::Accepted => {
                    s.files.push(r.file.rel.clone());
                    s.late |= r.late;
                }
                FileOutcome::Superseded => s.superseded_files.push(r.file.rel.clone()),
                FileOutcome::Rejected => s.rejected_files.push(r.file.rel.clone()),
                FileOutcome::Ignored => {}
            }
            if r.outcome != FileOutcome::Superseded {
                s.rows_accepted += r.accepted;
                s.rows_rejected += r.rejected;
            }
        }
        s.reported = !s.files.is_empty();
        s.missing = s
            .due
            .iter()
            .filter(|id| !reports.contains_key(*id))
            .cloned()
            .collect();
        if s.reported {
            let file = s.files.first().cloned().unwrap_or_default();
            for id in &s.missing {
                let (title, stars) = ctx
                    .ledger
                    .task(id)
                    .map(|t| (t.title.as_str(), t.stars))
                    .unwrap_or(("", 0));
                let sent_back = rejected_tasks.contains(&(name.as_str(), id.as_str()));
                let msg = if sent_back {
                    format!(
                        "任务{id}（{title}，{stars}星）本期应报送，报表中这项任务的填报有错误已退回（见退回明细），请改正后补报"
                    )
                } else {
                    format!(
                        "任务{id}（{title}，{stars}星）本期应报送，但报表中没有这项任务，请补报"
                    )
                };
                unit_issues.push(
                    Issue::warning(IssueCode::TaskNotReported, msg)
                        .file(file.clone())
                        .unit(name.clone())
                        .task(id.clone()),
                );
            }
        } else if !s.due.is_empty() {
            let why = if s.rejected_files.is_empty() {
                "请督促尽快报送".to_string()
            } else {
                format!(
                    "已收到的报表（{}）被退回，请按退回意见修改后重新报送",
                    s.rejected_files.join("、")
                )
            };
            unit_issues.push(
                Issue::error(
                    IssueCode::UnitNotReported,
                    format!(
                        "{}本期有{}项任务应报送进展，但没有收到有效的报表；{}",
                        name,
                        s.due.len(),
                        why
                    ),
                )
                .unit(name.clone()),
            );
        }
        submissions.insert(name, s);
    }
    issues.extend(unit_issues);
    issues.sort_by(|a, b| issue_sort_key(a).cmp(&issue_sort_key(b)));

    Merged {
        files: records,
        reports,
        rejected,
        issues,
        totals,
        submissions,
    }
}

/// Outcome before duplicates are resolved.
fn initial_outcome(f: &CheckedFile) -> FileOutcome {
    match f.state {
        FileState::Ignored => FileOutcome::Ignored,
        FileState::Rejected => FileOutcome::Rejected,
        FileState::Checked => {
            if f.rows
                .iter()
                .any(|r| r.outcome == RowOutcome::Accepted && r.report.is_some())
            {
                FileOutcome::Accepted
            } else {
                FileOutcome::Rejected
            }
        }
    }
}

/// Which of two submissions is newer: its date (填报日期, or the file's
/// modification date when it has none — the same date the late rule uses),
/// then the file time, then the path. A total order, so the winner never
/// depends on input order.
fn newness(f: &CheckedFile) -> (Option<NaiveDate>, Option<chrono::NaiveDateTime>, &str) {
    (
        f.fill_date.or(f.file.modified.map(|m| m.date())),
        f.file.modified,
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
