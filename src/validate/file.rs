//! Checking one returned file: its unit and period, each form's header,
//! merged cells, and each row (in `row.rs`).

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use super::export;
use super::ident::{self, UnitSource};
use super::sheets::{self, SetAside};
use super::{col_cn, row1, short, CheckedFile, CheckedRow, FileState, RowOutcome, ValidateCtx};
use crate::ingest::{RawForm, RawRow, SourceFile};
use crate::model::{issue_sort_key, Issue, IssueCode, Ledger};
use crate::period::Period;
use crate::schema::a1::{a1, col_letters};
use crate::schema::{FormField, TaskId, UnitName};
use crate::value::parse_date;

/// Checks one file's forms.
pub(super) struct FileChecker<'a> {
    pub(super) file: &'a SourceFile,
    forms: &'a [RawForm],
    pub(super) ctx: &'a ValidateCtx<'a>,
    /// Canonical unit name.
    pub(super) unit: Option<UnitName>,
    /// Fill date found in a preamble/footer line (latest).
    pub(super) form_fill_date: Option<NaiveDate>,
    /// The names signed in the form's signature block (preamble/footer),
    /// for the rows that have no column of their own for them.
    pub(super) form_signature: ident::Signature,
    pub(super) issues: Vec<Issue>,
    /// Task id (canonical, or as written when unknown) → (sheet, 1-based row) where first seen.
    pub(super) seen: HashMap<TaskId, (String, u32)>,
    /// Other sheets that looked like forms, not read.
    set_aside: Vec<SetAside>,
    /// Some sheet is a collection-tool export (rows name their units).
    export: bool,
}

impl<'a> FileChecker<'a> {
    pub(super) fn new(
        file: &'a SourceFile,
        forms: &'a [RawForm],
        ctx: &'a ValidateCtx<'a>,
    ) -> Self {
        let (forms, set_aside) = sheets::select(forms, ctx.period, ctx.period.year);
        FileChecker {
            file,
            forms,
            ctx,
            unit: None,
            form_fill_date: None,
            form_signature: ident::Signature::default(),
            issues: Vec::new(),
            seen: HashMap::new(),
            set_aside,
            export: forms.iter().any(|f| export::is_export(f, ctx.ledger)),
        }
    }

    pub(super) fn year(&self) -> i32 {
        self.ctx.period.year
    }

    /// A file-level issue (no sheet or cell unless given).
    fn file_issue(&self, issue: Issue) -> Issue {
        issue
            .file(self.file.rel.clone())
            .unit_opt(self.unit.as_deref())
    }

    pub(super) fn check(mut self) -> CheckedFile {
        let ctx = self.ctx;
        let year = self.year();
        // Unit first: the file's other issues name it. An export's rows
        // name their own units: the file's is only their fallback.
        let unit_error = if self.export {
            self.unit =
                ident::named_unit(self.forms, &self.file.rel, ctx.ledger).map(|u| u.name.clone());
            None
        } else {
            self.check_unit()
        };
        self.set_aside_warnings();
        let (found, period_error) = self.check_period();
        let file_errors: Vec<String> = [unit_error, period_error, self.check_empty()]
            .into_iter()
            .flatten()
            .collect();
        // Fill date written above or below the table.
        self.form_fill_date = self
            .forms
            .iter()
            .flat_map(|f| f.preamble.iter().chain(f.footer.iter()))
            .filter_map(|l| ident::fill_date_on_line(l, year))
            .max();
        self.form_signature = ident::signature_on_lines(
            self.forms
                .iter()
                .flat_map(|f| f.footer.iter().chain(f.preamble.iter())),
        );
        let (rows, rejected_forms) = self.check_forms(&file_errors);
        let state = if !file_errors.is_empty()
            || (!self.forms.is_empty() && rejected_forms == self.forms.len())
        {
            FileState::Rejected
        } else {
            FileState::Checked
        };
        let row_dates = self.forms.iter().flat_map(|f| &f.rows).filter_map(|r| {
            let v = r.value(FormField::FillDate);
            parse_date(v, year)
        });
        let mut fill_date = row_dates.chain(self.form_fill_date).max();
        let mut unit = self.unit;
        let mut submitted = None;
        if self.export {
            // The units its rows named: the file's unit when only one.
            let mut named: Vec<&UnitName> = rows.iter().filter_map(|r| r.unit.as_ref()).collect();
            named.sort_by(|a, b| a.as_str().cmp(b.as_str()));
            named.dedup();
            unit = match named.as_slice() {
                [one] => Some((*one).clone()),
                _ => None,
            };
            submitted = rows
                .iter()
                .filter(|r| r.outcome != RowOutcome::Superseded)
                .filter_map(|r| r.when)
                .max();
            fill_date = submitted.map(|t| t.date()).or(fill_date);
        }

        let mut issues = self.issues;
        issues.sort_by(|a, b| issue_sort_key(a).cmp(&issue_sort_key(b)));
        CheckedFile {
            file: self.file.clone(),
            state,
            unit,
            period: Some(found.unwrap_or(ctx.period)),
            fill_date,
            sheets: self.forms.iter().map(|f| f.sheet.clone()).collect(),
            rows,
            issues,
            export: self.export,
            submitted,
            unreadable: None,
        }
    }

    /// Identify the file's unit; the message of the error rejecting the
    /// file when there is none.
    fn check_unit(&mut self) -> Option<String> {
        match ident::identify_unit(self.forms, &self.file.rel, self.ctx.ledger) {
            Some((u, src)) => {
                self.unit = Some(u.name.clone());
                if src == UnitSource::Guessed {
                    let msg = format!(
                        "表中没有写明填报单位，已根据任务编号认定为{0}；请在表头上方写明“填报单位：{0}”，或使用下发的表单填报",
                        u.name
                    );
                    let i = self.file_issue(Issue::warning(IssueCode::FileUnitGuessed, msg));
                    self.issues.push(i);
                }
                None
            }
            None => {
                let written = ident::written_unit(self.forms);
                let msg = match &written {
                    Some(w) => format!(
                        "无法确定本表的填报单位：表中填写的单位“{}”不是台账“单位”表中的单位名称或别名，表中任务编号也不能对应到同一个牵头单位。请填写单位全称后重新报送（如确是同一单位，可在台账“单位”表的“别名”列中补充该名称）",
                        short(w)
                    ),
                    None => "无法确定本表的填报单位：表头上方、标题、文件名中都没有台账“单位”表中的单位名称，表中任务编号也不能对应到同一个牵头单位。请在表头上方写明“填报单位：单位全称”，或使用下发的表单重新填报".to_string(),
                };
                let i = self.file_issue(
                    Issue::error(IssueCode::FileUnknownUnit, msg.clone())
                        .value(written.unwrap_or_default()),
                );
                self.issues.push(i);
                Some(msg)
            }
        }
    }

    /// FILE_EXTRA_SHEET for each sheet that looked like a form and was not read.
    fn set_aside_warnings(&mut self) {
        let read = self
            .forms
            .first()
            .map(|f| f.sheet.clone())
            .unwrap_or_default();
        for a in std::mem::take(&mut self.set_aside) {
            let what = match a.period {
                Some(p) => format!("{}的报表", p.label()),
                None => "未写明期次".to_string(),
            };
            let msg = format!(
                "工作簿中另有工作表“{}”也像报表（{what}，{}行），未读取；本次只读取了工作表“{read}”。如该表内容也需报送，请合并到“{read}”中重新报送；如是往期的表，可删除",
                a.sheet, a.rows
            );
            let value = a.period.map(|p| p.label()).unwrap_or_default();
            let i = self.file_issue(
                Issue::warning(IssueCode::FileExtraSheet, msg)
                    .sheet(a.sheet)
                    .value(value),
            );
            self.issues.push(i);
        }
    }

    /// The period the file names, if any; the message of the error
    /// rejecting the file when it is another period than the run's.
    fn check_period(&mut self) -> (Option<Period>, Option<String>) {
        let run = self.ctx.period;
        let found = ident::identify_period(self.forms, &self.file.rel, self.year());
        match found {
            Some(p) if !ident::period_matches(p, run) => {
                let msg = format!(
                    "本表为{}的报表，本次收集的是{}，请使用本期表单重新填报",
                    p.label(),
                    run.label()
                );
                let i = self.file_issue(
                    Issue::error(IssueCode::FileWrongPeriod, msg.clone()).value(p.label()),
                );
                self.issues.push(i);
                (found, Some(msg))
            }
            _ => (found, None),
        }
    }

    /// The message of the error rejecting a file without data rows.
    fn check_empty(&mut self) -> Option<String> {
        if !self.forms.iter().all(|f| f.rows.is_empty()) {
            return None;
        }
        let msg =
            "表中没有任何任务数据（表头下方为空），请填写本单位本期应报送任务的进展后重新报送"
                .to_string();
        let i = self.file_issue(Issue::error(IssueCode::FileEmpty, msg.clone()));
        self.issues.push(i);
        Some(msg)
    }

    /// Every row of every form: checked, or rejected with the file's and
    /// its form's errors; and how many forms were rejected whole.
    fn check_forms(&mut self, file_errors: &[String]) -> (Vec<CheckedRow>, usize) {
        let mut rows = Vec::new();
        let mut rejected_forms = 0usize;
        for form in self.forms {
            let form_errors = self.check_header(form);
            if !form_errors.is_empty() {
                rejected_forms += 1;
            }
            let whole: Vec<String> = file_errors.iter().chain(&form_errors).cloned().collect();
            if whole.is_empty() {
                self.merged_fill_warnings(form);
                if export::is_export(form, self.ctx.ledger) {
                    let default = self.unit.clone();
                    rows.extend(self.check_export_rows(form, default.as_ref()));
                    continue;
                }
                for raw in &form.rows {
                    let mut r = self.check_row(form, raw);
                    // Another sheet of an export: its rows are the file's unit's.
                    if self.export {
                        r.unit = self.unit.clone();
                    }
                    rows.push(r);
                }
            } else {
                rows.extend(
                    form.rows
                        .iter()
                        .map(|raw| rejected_whole(form, raw, self.ctx.ledger, &whole)),
                );
            }
        }
        (rows, rejected_forms)
    }

    /// Header issues; returns the messages of the errors that reject the form.
    fn check_header(&mut self, form: &RawForm) -> Vec<String> {
        let mut errors = Vec::new();
        if let Some(n) = form.truncated_at {
            // Rows past the limit were not read: reject the form whole rather
            // than accept part of it and lose the rest silently.
            let msg = format!(
                "工作表“{}”第{}行以下还有内容，超出读取上限（{}行），未读取，整表退回。请删除多余的行（或误填在远处的单元格）后另存再报送；如确需报送更多行，可调高配置文件 [limits] 中的 max_rows",
                form.sheet, n, n
            );
            errors.push(msg.clone());
            let i = self
                .file_issue(Issue::error(IssueCode::FileTooLarge, msg).sheet(form.sheet.clone()));
            self.issues.push(i);
        }
        for &key in &form.missing_required {
            let name = col_cn(key);
            let msg =
                format!("表头缺少必填列“{name}”，请使用下发的表单，补上“{name}”列并填写后重新报送");
            errors.push(msg.clone());
            let i = self.file_issue(
                Issue::error(IssueCode::HeaderMissingColumn, msg).sheet(form.sheet.clone()),
            );
            self.issues.push(i);
        }
        for dup in &form.duplicate_columns {
            let first = form
                .column(dup.key)
                .map(|c| format!("{}列（{}）", col_letters(c.col), c.header))
                .unwrap_or_else(|| "前面的同名列".to_string());
            let msg = format!(
                "“{}”列重复出现，已采用{}的内容，本列（{}列）未读取；请删除重复的列",
                col_cn(dup.key),
                first,
                col_letters(dup.col)
            );
            let i = self.file_issue(
                Issue::warning(IssueCode::HeaderDuplicateColumn, msg)
                    .sheet(form.sheet.clone())
                    .cell(a1(form.header_row, dup.col))
                    .value(dup.header.clone()),
            );
            self.issues.push(i);
        }
        errors
    }

    /// One `ROW_MERGED_FILL` warning per (column, merged area).
    fn merged_fill_warnings(&mut self, form: &RawForm) {
        // (key, origin) → (min row, max row, value)
        let mut areas: BTreeMap<(FormField, (u32, u32)), MergedArea> = BTreeMap::new();
        for raw in &form.rows {
            for (key, cell) in raw.cells.iter() {
                if let Some(origin) = cell.merged_from {
                    let e = areas.entry((key, origin)).or_insert((
                        origin.0,
                        origin.0,
                        cell.value.display(),
                    ));
                    e.0 = e.0.min(raw.row);
                    e.1 = e.1.max(raw.row);
                }
            }
        }
        for ((key, (r, c)), (lo, hi, value)) in areas {
            let msg = format!(
                "“{}”列第{}–{}行是合并单元格，已把“{}”分别用于这{}行的任务；如各项任务情况不同，请取消合并、逐行填写",
                col_cn(key),
                row1(lo),
                row1(hi),
                short(&value),
                (hi - lo).saturating_add(1)
            );
            let i = self.file_issue(
                Issue::warning(IssueCode::RowMergedFill, msg)
                    .sheet(form.sheet.clone())
                    .cell(a1(r, c))
                    .value(value),
            );
            self.issues.push(i);
        }
    }
}

/// A row of a form rejected as a whole (file or header error).
fn rejected_whole(form: &RawForm, raw: &RawRow, ledger: &Ledger, reasons: &[String]) -> CheckedRow {
    let raw_id = raw.value(FormField::Id).as_text();
    let task = if raw_id.is_empty() {
        None
    } else {
        Some(
            ident::find_task(ledger, &raw_id)
                .map(|t| t.id.to_string())
                .unwrap_or(raw_id),
        )
    };
    CheckedRow {
        sheet: form.sheet.clone(),
        row: row1(raw.row),
        task,
        outcome: RowOutcome::Rejected,
        report: None,
        original: form.original(raw),
        reasons: reasons.to_vec(),
        office: false,
        unit: None,
        when: None,
    }
}

/// (first row, last row, value) of a merged area, 0-based rows.
type MergedArea = (u32, u32, String);
