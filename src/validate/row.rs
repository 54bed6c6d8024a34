//! Checking one data row of a form (SPEC §3): the task id against the
//! ledger, each answer cell, the status against the percent, and the unit's
//! own tasks against the ledger and last period.

use chrono::NaiveDate;

use super::file::FileChecker;
use super::{col_cn, row1, short, CheckedRow, Report, RowOutcome, STATUS_LIST};
use crate::ingest::{RawForm, RawRow};
use crate::model::{Issue, IssueCode, Provenance, Severity, Status, Task};
use crate::schema::a1::a1;
use crate::schema::{FormField, TaskId, UnitName};
use crate::store::history::TaskSnap;
use crate::text::{norm_chars, norm_eq};
use crate::value::{fmt_percent, parse_date, parse_percent, parse_status, PercentError};

/// One data row being checked: where it is, and the issues found so far
/// (in the order found: the errors' messages are the row's reasons).
struct RowCheck<'a> {
    form: &'a RawForm,
    raw: &'a RawRow,
    rel: &'a str,
    /// The file's unit (empty when not identified).
    unit: &'a UnitName,
    /// The task as issues name it: its ledger id once known, else as written.
    label: Option<String>,
    found: Vec<Issue>,
    /// The id is held out of the ledger's tasks by a ledger defect: the row
    /// is kept aside, its answers not checked.
    held: bool,
}

impl RowCheck<'_> {
    /// A1 reference of the row's cell in `key`'s column (None when the form
    /// has no such column).
    fn cell_of(&self, key: FormField) -> Option<String> {
        self.raw
            .get(key)
            .map(|c| c.col)
            .or_else(|| self.form.column(key).map(|c| c.col))
            .map(|col| a1(self.raw.row, col))
    }

    /// An issue on the row's cell in `key`'s column, quoting `value`.
    fn issue(
        &self,
        code: IssueCode,
        sev: Severity,
        key: FormField,
        msg: String,
        value: String,
    ) -> Issue {
        let mut i = Issue::new(code, sev, msg)
            .file(self.rel)
            .sheet(self.form.sheet.clone())
            .unit(self.unit.as_str())
            .value(value);
        i.cell = self.cell_of(key);
        i.task = self.label.clone();
        i
    }

    /// Record an issue on the cell in `key`'s column, quoting its value.
    fn push(&mut self, code: IssueCode, sev: Severity, key: FormField, msg: String) {
        let value = self.raw.value(key).display();
        let i = self.issue(code, sev, key, msg, value);
        self.found.push(i);
    }

    fn error(&mut self, code: IssueCode, key: FormField, msg: String) {
        self.push(code, Severity::Error, key, msg);
    }

    fn warning(&mut self, code: IssueCode, key: FormField, msg: String) {
        self.push(code, Severity::Warning, key, msg);
    }

    /// 当前状态: required, one of the four (or a spelling of one).
    fn status(&mut self) -> Option<Status> {
        let raw = self.raw;
        let v = raw.value(FormField::Status);
        if v.is_empty() {
            let msg = format!("当前状态为空，请从{STATUS_LIST}中选择一项");
            self.error(IssueCode::RowMissingValue, FormField::Status, msg);
            return None;
        }
        let s = parse_status(&v.as_text());
        if s.is_none() {
            let msg = format!(
                "当前状态“{}”无法识别，请从{STATUS_LIST}中选择一项",
                short(&v.display())
            );
            self.error(IssueCode::RowInvalidStatus, FormField::Status, msg);
        }
        s
    }

    /// 完成进度: required, 0–100.
    fn percent(&mut self) -> Option<f64> {
        let raw = self.raw;
        let v = raw.value(FormField::Percent);
        let (code, msg) = match parse_percent(v) {
            Ok(p) => return Some(p),
            Err(PercentError::Missing) => (
                IssueCode::RowMissingValue,
                "完成进度为空，请填写0–100之间的数字（如60或60%）".to_string(),
            ),
            Err(PercentError::Invalid) => (
                IssueCode::RowInvalidPercent,
                format!(
                    "完成进度“{}”无法识别，请填写0–100之间的数字（如60或60%）",
                    short(&v.display())
                ),
            ),
            Err(PercentError::OutOfRange) => (
                IssueCode::RowPercentOutOfRange,
                format!(
                    "完成进度“{}”超出0–100的范围，请填写0–100之间的数字（如60或60%）",
                    short(&v.display())
                ),
            ),
        };
        self.error(code, FormField::Percent, msg);
        None
    }

    /// 进展情况: required text.
    fn progress(&mut self) -> String {
        let progress = self.raw.value(FormField::Progress).as_text();
        if progress.is_empty() {
            self.error(
                IssueCode::RowMissingValue,
                FormField::Progress,
                "进展情况为空，请简要填写本期的工作进展".into(),
            );
        }
        progress
    }

    /// Status against percent. 已完成/已落实 mean the task is done, so
    /// anything below 100% contradicts them (error). 未启动 means nothing has
    /// been done, so any progress above 0% contradicts it (error). 正在办理
    /// at 100% is plausible (finished work awaiting acceptance), so it is
    /// only a warning suggesting 已完成.
    fn status_vs_percent(&mut self, s: Status, p: f64) {
        let (sev, msg) = if s.is_done() && p < 100.0 {
            (
                Severity::Error,
                format!(
                    "状态为{}，但完成进度为{}；请核对：已办结的任务进度应为100%，尚未办结请将状态改为正在办理",
                    s.label(),
                    fmt_percent(p)
                ),
            )
        } else if s == Status::NotStarted && p > 0.0 {
            (
                Severity::Error,
                format!(
                    "状态为未启动，但完成进度为{}；请核对：未启动的任务进度应为0，已开始办理请将状态改为正在办理",
                    fmt_percent(p)
                ),
            )
        } else if s == Status::InProgress && p >= 100.0 {
            (
                Severity::Warning,
                "状态为正在办理，但完成进度为100%；如已办结，请将状态改为已完成".into(),
            )
        } else {
            return;
        };
        let both = format!("{}，{}", s.label(), fmt_percent(p));
        let i = self.issue(
            IssueCode::RowStatusConflict,
            sev,
            FormField::Status,
            msg,
            both,
        );
        self.found.push(i);
    }

    /// A date the unit wrote (optional; an unreadable one is an error).
    fn date(&mut self, key: FormField, year: i32) -> Option<NaiveDate> {
        let raw = self.raw;
        let v = raw.value(key);
        if v.is_empty() {
            return None;
        }
        let d = parse_date(v, year);
        if d.is_none() {
            let msg = format!(
                "{}“{}”无法识别为日期，请写成2023-03-15或2023年3月15日的形式",
                col_cn(key),
                short(&v.display())
            );
            self.error(IssueCode::RowInvalidDate, key, msg);
        }
        d
    }

    /// 事项名称 and 完成时限 as the ledger assigned them (warnings: the
    /// ledger's are kept).
    fn assigned_unchanged(&mut self, t: &Task, ledger_deadline: Option<NaiveDate>, year: i32) {
        let title = self.raw.value(FormField::Title).as_text();
        if !title.is_empty() && !norm_eq(&title, &t.title) {
            let msg = format!(
                "事项名称与台账不一致（表中为“{}”，台账为“{}”），以台账为准；交办内容请勿修改",
                short(&title),
                short(&t.title)
            );
            self.warning(IssueCode::RowAssignedAltered, FormField::Title, msg);
        }
        let raw = self.raw;
        let dv = raw.value(FormField::Deadline);
        if let (false, Some(ld)) = (dv.is_empty(), ledger_deadline) {
            if parse_date(dv, year) != Some(ld) {
                let msg = format!(
                    "完成时限与台账不一致（表中为“{}”，台账为{}），以台账为准；完成时限不能自行修改，确需调整请另行报批",
                    short(&dv.display()),
                    ld.format("%Y-%m-%d")
                );
                self.warning(IssueCode::RowAssignedAltered, FormField::Deadline, msg);
            }
        }
    }

    /// Against last period's report: progress lowered, text copied.
    fn against_last_period(&mut self, prev: &TaskSnap, percent: Option<f64>, progress: &str) {
        if let (Some(before), Some(now)) = (prev.actual, percent) {
            if before > now {
                let msg = format!(
                    "完成进度由上期的{}降为本期的{}，请核实是否填报有误；进度如确需调减，请在进展情况中说明原因",
                    fmt_percent(before),
                    fmt_percent(now)
                );
                self.warning(IssueCode::RowProgressLowered, FormField::Percent, msg);
            }
        }
        if norm_chars(&prev.progress).next().is_some() && norm_eq(&prev.progress, progress) {
            self.warning(
                IssueCode::RowTextUnchanged,
                FormField::Progress,
                "进展情况与上期完全相同，请填写本期新的工作进展".into(),
            );
        }
    }

    /// A 延期说明 is required past or near the deadline for a task not
    /// done. A near-deadline task whose 预计完成日期 still meets
    /// the deadline is not asked for one; an overdue task always is. The
    /// warning is raised even when the form has no 延期说明 column.
    fn delay_reason(&mut self, due: DelayDue, delay_reason: &str) {
        let DelayDue {
            deadline: dl,
            days_left,
            near_days,
            expected,
        } = due;
        let overdue = days_left < 0;
        let near =
            !overdue && days_left <= i64::from(near_days) && !expected.is_some_and(|e| e <= dl);
        if !(overdue || near) || !delay_reason.is_empty() {
            return;
        }
        let no_col = if self.form.column(FormField::DelayReason).is_none() {
            "（表中没有“延期说明”列，请增加该列）"
        } else {
            ""
        };
        let msg = if overdue {
            format!(
                "任务已超过完成时限（{}）仍未完成，请在“延期说明”中写明延期原因和预计完成时间{no_col}",
                dl.format("%Y-%m-%d")
            )
        } else {
            format!(
                "任务距完成时限（{}）仅剩{}天，尚未完成；如不能按期完成，请在“延期说明”中写明原因和预计完成时间{no_col}",
                dl.format("%Y-%m-%d"),
                days_left
            )
        };
        self.warning(
            IssueCode::RowDelayReasonMissing,
            FormField::DelayReason,
            msg,
        );
    }
}

/// A task not done, with its deadline, for [`RowCheck::delay_reason`].
struct DelayDue {
    deadline: NaiveDate,
    /// Days from the as-of date to the deadline (negative: overdue).
    days_left: i64,
    /// `ValidateCtx::near_deadline_days`.
    near_days: u32,
    /// 预计完成日期 as the unit wrote it.
    expected: Option<NaiveDate>,
}

/// What the answer cells of a row gave.
struct Answers {
    status: Option<Status>,
    percent: Option<f64>,
    progress: String,
    expected: Option<NaiveDate>,
    fill_date: Option<NaiveDate>,
    delay_reason: String,
}

impl<'a> FileChecker<'a> {
    /// Check one data row; its issues go to the file's.
    pub(super) fn check_row(&mut self, form: &RawForm, raw: &RawRow) -> CheckedRow {
        let file = self.file;
        let unit = self.unit.clone().unwrap_or_default();
        let raw_id = raw.value(FormField::Id).as_text();
        let mut rc = RowCheck {
            form,
            raw,
            rel: &file.rel,
            unit: &unit,
            label: (!raw_id.is_empty()).then(|| raw_id.clone()),
            found: Vec::new(),
            held: false,
        };
        let task = self.own_task(&mut rc, &raw_id);
        if rc.held {
            return self.kept_aside(rc);
        }
        let answers = self.answers(&mut rc);
        if let Some(t) = task {
            self.against_ledger(&mut rc, t, &answers);
        }
        let RowCheck { label, found, .. } = rc;
        let reasons: Vec<String> = found
            .iter()
            .filter(|i| i.is_error())
            .map(|i| i.message.clone())
            .collect();
        let report = match (reasons.is_empty(), task) {
            (true, Some(t)) => self.report(form, raw, t, answers),
            _ => None,
        };
        self.issues.extend(found);
        CheckedRow {
            sheet: form.sheet.clone(),
            row: row1(raw.row),
            task: label,
            outcome: if report.is_some() {
                RowOutcome::Accepted
            } else {
                RowOutcome::Rejected
            },
            // Only a rejected row is shown with its original values (退回明细);
            // an accepted row's figures live on in its report.
            original: if report.is_some() {
                Vec::new()
            } else {
                form.original(raw)
            },
            report,
            reasons,
            office: false,
            unit: None,
            when: None,
        }
    }

    /// A row whose task is held out of the ledger by a defect of the
    /// ledger's: refused with its `LEDGER_*` issue, kept aside (not checked,
    /// not charged to the unit).
    fn kept_aside(&mut self, rc: RowCheck) -> CheckedRow {
        let RowCheck {
            form,
            raw,
            label,
            found,
            ..
        } = rc;
        let reasons = found
            .iter()
            .filter(|i| i.is_error())
            .map(|i| i.message.clone())
            .collect();
        self.issues.extend(found);
        CheckedRow {
            sheet: form.sheet.clone(),
            row: row1(raw.row),
            task: label,
            outcome: RowOutcome::Rejected,
            report: None,
            original: form.original(raw),
            reasons,
            office: true,
            unit: None,
            when: None,
        }
    }

    /// The row's task, when its id is in the ledger, the task is the
    /// unit's own and the file reports it for the first time. (Not the
    /// unit's own: an error; a second time: an error, the first row checked.)
    fn own_task(&mut self, rc: &mut RowCheck, raw_id: &str) -> Option<&'a Task> {
        if raw_id.is_empty() {
            rc.error(
                IssueCode::RowMissingValue,
                FormField::Id,
                "编号为空，请填写台账中的任务编号（与下发表单一致）".into(),
            );
            return None;
        }
        let ledger = self.ctx.ledger;
        let mut task = None;
        match super::ident::find_task(ledger, raw_id) {
            None if ledger.held(raw_id).is_some() => {
                let h = ledger.held(raw_id).expect("held");
                rc.label = Some(h.id.to_string());
                rc.held = true;
                let msg = format!(
                    "任务{}在督查室的台账中有误（{}），督查室正在更正台账；本行暂不处理、不扣分，无需修改，台账更正后按本行所报内容处理",
                    h.id, h.defect
                );
                rc.error(h.code, FormField::Id, msg);
            }
            None => rc.error(
                IssueCode::RowUnknownTask,
                FormField::Id,
                format!("编号“{raw_id}”不在台账中，请核对编号（应与下发表单一致），不要自行增加或改动任务编号"),
            ),
            Some(t) => {
                rc.label = Some(t.id.to_string());
                if t.lead_unit != *rc.unit {
                    let coop = if t.coop_units.contains(rc.unit) {
                        "本单位是配合单位，进展由牵头单位汇总填报"
                    } else {
                        "该任务不是交办给本单位的"
                    };
                    let msg = format!(
                        "任务{}（{}）的牵头单位是{}，{}；请删除此行",
                        t.id, t.title, t.lead_unit, coop
                    );
                    rc.error(IssueCode::RowNotAssigned, FormField::Id, msg);
                } else {
                    task = Some(t);
                }
            }
        }
        let key = TaskId::new(rc.label.as_deref().unwrap_or_default());
        match self.seen.get(&key) {
            Some((s, r)) => {
                let where_ = if *s == rc.form.sheet {
                    format!("第{r}行")
                } else {
                    format!("工作表“{s}”第{r}行")
                };
                let msg = format!(
                    "任务{}在本表中重复填报（{}已填报过），请合并为一行",
                    rc.label.as_deref().unwrap_or(raw_id),
                    where_
                );
                rc.error(IssueCode::RowDuplicateTask, FormField::Id, msg);
                // Checked once, on its first row.
                None
            }
            None => {
                self.seen
                    .insert(key, (rc.form.sheet.clone(), row1(rc.raw.row)));
                task
            }
        }
    }

    /// The answer cells, each checked on its own and status against percent.
    fn answers(&self, rc: &mut RowCheck) -> Answers {
        let status = rc.status();
        let percent = rc.percent();
        let progress = rc.progress();
        if let (Some(s), Some(p)) = (status, percent) {
            rc.status_vs_percent(s, p);
        }
        let year = self.year();
        Answers {
            status,
            percent,
            progress,
            expected: rc.date(FormField::Expected, year),
            fill_date: rc.date(FormField::FillDate, year),
            delay_reason: rc.raw.value(FormField::DelayReason).as_text(),
        }
    }

    /// The checks of the unit's own task against the ledger and last period.
    fn against_ledger(&self, rc: &mut RowCheck, t: &Task, a: &Answers) {
        let ctx = self.ctx;
        let ledger_deadline = ctx.calendar.effective_deadline(t);
        rc.assigned_unchanged(t, ledger_deadline, self.year());
        // A closed task (销号) is not compared with its last report.
        let prev = Some(&t.id)
            .filter(|id| !ctx.ledger.is_closed(id))
            .and_then(|id| ctx.history.prev_task(id));
        if let Some(prev) = prev {
            rc.against_last_period(prev, a.percent, &a.progress);
        }
        if let (Some(s), Some(dl)) = (a.status, ledger_deadline) {
            if !s.is_done() {
                let due = DelayDue {
                    deadline: dl,
                    days_left: (dl - ctx.as_of).num_days(),
                    near_days: ctx.near_deadline_days,
                    expected: a.expected,
                };
                rc.delay_reason(due, &a.delay_reason);
            }
        }
    }

    /// The accepted report of a row without errors (None when the status or
    /// percent could not be read, which are errors too).
    fn report(&self, form: &RawForm, raw: &RawRow, t: &Task, a: Answers) -> Option<Report> {
        let text = |key| raw.value(key).as_text();
        Some(Report {
            task: t.id.clone(),
            unit: t.lead_unit.clone(),
            status: a.status?,
            percent: a.percent?,
            progress: a.progress,
            problems: text(FormField::Problems),
            next_steps: text(FormField::NextSteps),
            expected: a.expected,
            delay_reason: a.delay_reason,
            filler: signed(text(FormField::Filler), &self.form_signature.filler),
            phone: signed(text(FormField::Phone), &self.form_signature.phone),
            head: signed(text(FormField::Head), &self.form_signature.head),
            fill_date: a.fill_date.or(self.form_fill_date),
            provenance: Provenance {
                file: self.file.rel.clone(),
                sheet: form.sheet.clone(),
                row: row1(raw.row),
                sha256: self.file.sha256.clone(),
            },
        })
    }
}

/// A row's own value, else the one signed under the form.
fn signed(own: String, block: &str) -> String {
    if own.is_empty() {
        block.to_string()
    } else {
        own
    }
}
