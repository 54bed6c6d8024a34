//! How each unit of the ledger reported this period (报送情况), and the
//! TASK_NOT_REPORTED / UNIT_NOT_REPORTED issues that follow from it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::{FileOutcome, FileRecord, MergeCtx, RejectedRow, Submission, UnreadableFile};
use crate::model::{Issue, IssueCode};
use crate::source::display_name;
use crate::validate::Report;

/// One submission per ledger unit (reported or not), and the issues of the
/// units that left due tasks unreported. `issues` are the file, header and
/// row issues so far (they give each unit's form quality).
pub(super) fn submissions(
    ctx: &MergeCtx,
    records: &[FileRecord],
    reports: &BTreeMap<String, Arc<Report>>,
    rejected: &[RejectedRow],
    issues: &[Issue],
) -> (BTreeMap<String, Submission>, Vec<Issue>) {
    let by_unit = ByUnit::new(ctx, records, rejected, issues);
    let mut submissions: BTreeMap<String, Submission> = BTreeMap::new();
    let mut unit_issues: Vec<Issue> = Vec::new();
    for unit in &ctx.ledger.units {
        let s = by_unit.submission(&unit.name, reports);
        not_reported(ctx, &s, &by_unit.rejected_tasks, &mut unit_issues);
        submissions.insert(unit.name.to_string(), s);
    }
    (submissions, unit_issues)
}

/// What a unit's submission is made of, indexed by unit in one pass each
/// over tasks, files and issues (cities: 2,000 units, 20,000 tasks).
struct ByUnit<'a> {
    /// Tasks due this period ([`crate::due`]), by lead unit.
    due: BTreeMap<&'a str, Vec<String>>,
    records: BTreeMap<&'a str, Vec<&'a FileRecord>>,
    /// (errors, warnings) of the unit's files that count (not superseded ones).
    counts: BTreeMap<&'a str, (u32, u32)>,
    /// (unit, task) of every row sent back, to tell "missing" from "rejected".
    rejected_tasks: BTreeSet<(&'a str, &'a str)>,
}

impl<'a> ByUnit<'a> {
    fn new(
        ctx: &'a MergeCtx,
        records: &'a [FileRecord],
        rejected: &'a [RejectedRow],
        issues: &'a [Issue],
    ) -> ByUnit<'a> {
        let mut due: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for t in ctx
            .ledger
            .tasks
            .iter()
            .filter(|t| ctx.expected.is_due(&t.id))
        {
            due.entry(t.lead_unit.as_str())
                .or_default()
                .push(t.id.to_string());
        }
        let mut by_unit: BTreeMap<&str, Vec<&FileRecord>> = BTreeMap::new();
        for r in records {
            if let Some(u) = r.unit.as_deref() {
                by_unit.entry(u).or_default().push(r);
            }
        }
        // (file, unit): of a collection-tool export only the superseded
        // unit's part is set aside, not the other units' rows.
        let superseded_files: BTreeSet<(&str, Option<&str>)> = records
            .iter()
            .filter(|r| r.outcome == FileOutcome::Superseded)
            .map(|r| (r.file.rel.as_str(), r.unit.as_deref()))
            .collect();
        let mut counts: BTreeMap<&str, (u32, u32)> = BTreeMap::new();
        // The office's ledger defects and sheets set aside are not the form's quality.
        for i in issues.iter().filter(|i| {
            i.code.charged_to_unit()
                && !i
                    .file
                    .as_deref()
                    .is_some_and(|f| superseded_files.contains(&(f, i.unit.as_deref())))
        }) {
            if let Some(u) = i.unit.as_deref() {
                let c = counts.entry(u).or_default();
                if i.is_error() {
                    c.0 += 1;
                } else {
                    c.1 += 1;
                }
            }
        }
        let rejected_tasks = rejected
            .iter()
            .filter(|r| !r.office)
            .filter_map(|r| Some((r.unit.as_deref()?, r.task.as_deref()?)))
            .collect();
        ByUnit {
            due,
            records: by_unit,
            counts,
            rejected_tasks,
        }
    }

    /// The submission of the unit `name`.
    fn submission(&self, name: &str, reports: &BTreeMap<String, Arc<Report>>) -> Submission {
        let (errors, warnings) = self.counts.get(name).copied().unwrap_or_default();
        let mut s = Submission {
            unit: name.to_string(),
            due: self.due.get(name).cloned().unwrap_or_default(),
            errors,
            warnings,
            ..Submission::default()
        };
        for r in self.records.get(name).into_iter().flatten() {
            match r.outcome {
                FileOutcome::Accepted => {
                    s.files.push(r.file.rel.clone());
                    s.late |= r.late;
                }
                FileOutcome::Superseded => s.superseded_files.push(r.file.rel.clone()),
                FileOutcome::Rejected => s.rejected_files.push(r.file.rel.clone()),
                FileOutcome::Ignored => {}
            }
            // A superseded file is no longer the unit's to send again.
            if let Some(why) = r
                .unreadable
                .filter(|_| r.outcome != FileOutcome::Superseded)
            {
                s.unreadable.push(UnreadableFile {
                    path: r.file.rel.clone(),
                    name: display_name(&r.file.rel, r.file.container.as_deref()).to_string(),
                    why,
                });
            }
            if r.outcome != FileOutcome::Superseded {
                s.rows_accepted += r.accepted;
                s.rows_rejected += r.rejected - r.held;
                s.rows_held += r.held;
            }
        }
        s.reported = !s.files.is_empty();
        s.missing = s
            .due
            .iter()
            .filter(|id| !reports.contains_key(*id))
            .cloned()
            .collect();
        s
    }
}

/// A unit that reported but left due tasks out: TASK_NOT_REPORTED for each
/// (saying whether its row was sent back); a unit with due tasks and no
/// accepted form: UNIT_NOT_REPORTED.
fn not_reported(
    ctx: &MergeCtx,
    s: &Submission,
    rejected_tasks: &BTreeSet<(&str, &str)>,
    out: &mut Vec<Issue>,
) {
    let name = &s.unit;
    if s.reported {
        let file = s.files.first().cloned().unwrap_or_default();
        for id in &s.missing {
            let (title, stars) = ctx
                .ledger
                .task(id)
                .map(|t| (t.title.as_str(), t.stars))
                .unwrap_or(("", 0));
            let why = ctx
                .expected
                .reason(id)
                .map_or_else(|| format!("{stars}星"), |r| r.text(stars));
            let sent_back = rejected_tasks.contains(&(name.as_str(), id.as_str()));
            let msg = if sent_back {
                format!(
                    "任务{id}（{title}，{why}）本期应报送，报表中这项任务的填报有错误已退回（见退回明细），请改正后补报"
                )
            } else {
                format!("任务{id}（{title}，{why}）本期应报送，但报表中没有这项任务，请补报")
            };
            out.push(
                Issue::warning(IssueCode::TaskNotReported, msg)
                    .file(file.clone())
                    .unit(name.clone())
                    .task(id.clone()),
            );
        }
    } else if !s.due.is_empty() {
        // The forms sent back, then the files that could not be read.
        let mut why: Vec<String> = Vec::new();
        let sent_back = s.forms_sent_back();
        if !sent_back.is_empty() {
            why.push(format!(
                "已收到的报表（{}）被退回，请按退回意见修改后重新报送",
                sent_back.join("、")
            ));
        }
        // One sentence per file: its name, why it could not be read and
        // what to send instead (never "could not be read" twice over).
        why.extend(s.unreadable_to_tell().map(|f| {
            format!(
                "收到了该单位报送的《{}》，但{}，{}",
                f.name,
                f.why.why(),
                f.why.resend()
            )
        }));
        if why.is_empty() {
            why.push("请督促尽快报送".to_string());
        }
        let why = why.join("；");
        out.push(
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
}
