//! Stage 2 — validate (核查): identify each form's unit and period, type every
//! cell, and check every row against the ledger (SPEC §3). Pure: no I/O.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::history::History;
use crate::ingest::{Ingested, RawForm, RawRow, SourceFile};
use crate::model::{
    issue_sort_key, Issue, IssueCode, Ledger, Provenance, Severity, Status, Task, Unit,
};
use crate::period::Period;
use crate::schema::a1::{a1, col_letters};
use crate::schema::{FormField, TaskId, UnitName};
use crate::templates::templates;
use crate::text::{norm_chars, norm_eq};
use crate::value::{fmt_number, parse_date, parse_percent, parse_status, PercentError};

pub mod ident;

/// A unit's accepted report on one task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The task's id (as in the ledger).
    pub task: TaskId,
    /// Canonical unit name.
    pub unit: UnitName,
    pub status: Status,
    /// 0–100.
    pub percent: f64,
    pub progress: String,
    pub problems: String,
    pub next_steps: String,
    pub expected: Option<NaiveDate>,
    pub delay_reason: String,
    pub filler: String,
    pub phone: String,
    pub head: String,
    pub fill_date: Option<NaiveDate>,
    pub provenance: Provenance,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RowOutcome {
    Accepted,
    Rejected,
    Superseded,
}

/// One data row after checking. Every row read ends here with an outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckedRow {
    pub sheet: String,
    /// 1-based sheet row.
    pub row: u32,
    /// Canonical task id when known, else the id as written (if any).
    pub task: Option<String>,
    pub outcome: RowOutcome,
    /// Present when accepted (and kept when later superseded).
    pub report: Option<Report>,
    /// (header, original value) of every non-empty cell of a rejected row
    /// (empty for an accepted row).
    pub original: Vec<(String, String)>,
    /// Chinese messages of the errors that rejected the row (empty if accepted).
    pub reasons: Vec<String>,
}

/// Overall state of a file after validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileState {
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
    pub file: SourceFile,
    pub state: FileState,
    /// Canonical unit name, when identified.
    pub unit: Option<UnitName>,
    /// The period the form says it is for (the run's period when it names none).
    pub period: Option<Period>,
    /// 填报日期 of the form (the latest found), used to order duplicates.
    pub fill_date: Option<NaiveDate>,
    /// Sheets read as forms.
    pub sheets: Vec<String>,
    pub rows: Vec<CheckedRow>,
    /// File, header and row issues of this file.
    pub issues: Vec<Issue>,
}

/// What validation needs to know besides the file.
#[derive(Debug, Clone)]
pub struct ValidateCtx<'a> {
    pub ledger: &'a Ledger,
    pub period: Period,
    pub as_of: NaiveDate,
    pub calendar: &'a Calendar,
    pub near_deadline_days: u32,
    pub history: &'a History,
}

/// Check one ingested file. Pure; never panics on any input.
pub fn validate_file(ing: &Ingested, ctx: &ValidateCtx) -> CheckedFile {
    match ing {
        Ingested::Ignored { file, issue } => {
            bare_file(file, FileState::Ignored, issue_with_file(issue, &file.rel))
        }
        Ingested::Failed { file, issue } => {
            bare_file(file, FileState::Rejected, issue_with_file(issue, &file.rel))
        }
        Ingested::Forms { file, forms } => FileChecker::new(file, forms, ctx).check(),
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
    }
}

/// Chinese name of a form column.
fn col_cn(key: FormField) -> &'static str {
    templates().form.name(key)
}

/// `60%`-style display of a percent in points.
fn pct(p: f64) -> String {
    format!("{}%", fmt_number(p))
}

const STATUS_LIST: &str = "未启动、正在办理、已落实、已完成";

/// How the unit of a file was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UnitSource {
    Named,
    /// Taken from the ownership of the form's task ids (warning).
    Guessed,
}

/// Identify the unit (SPEC §2 order): hidden metadata; a `填报单位：…` line
/// above the header; the title (other preamble lines); the file name; the
/// lines below the data; the enclosing folders; finally the single lead unit
/// owning every known task id.
fn identify_unit<'l>(
    forms: &[RawForm],
    rel: &str,
    ledger: &'l Ledger,
) -> Option<(&'l Unit, UnitSource)> {
    let named = forms
        .iter()
        .filter_map(|f| f.meta.as_ref())
        .find_map(|m| {
            ledger
                .unit(&m.unit)
                .or_else(|| ledger.find_unit_in(&m.unit))
        })
        .or_else(|| {
            forms
                .iter()
                .flat_map(|f| &f.preamble)
                .find_map(|l| ident::unit_on_labelled_line(ledger, l))
        })
        .or_else(|| {
            forms
                .iter()
                .flat_map(|f| &f.preamble)
                .find_map(|l| ledger.find_unit_in(l))
        })
        .or_else(|| ledger.find_unit_in(ident::file_stem(rel)))
        .or_else(|| {
            forms.iter().flat_map(|f| &f.footer).find_map(|l| {
                ident::unit_on_labelled_line(ledger, l).or_else(|| ledger.find_unit_in(l))
            })
        })
        // Last resort before task ownership: the folder the clerk filed it in
        // (`区发改局/反馈表.xlsx`), innermost folder first.
        .or_else(|| {
            rel.rsplit('/')
                .skip(1)
                .find_map(|dir| ledger.find_unit_in(dir))
        });
    if let Some(u) = named {
        return Some((u, UnitSource::Named));
    }
    let mut owners: Vec<&str> = forms
        .iter()
        .flat_map(|f| &f.rows)
        .filter_map(|r| ledger.task(&r.value(FormField::Id).as_text()))
        .map(|t| t.lead_unit.as_str())
        .collect();
    owners.sort_unstable();
    owners.dedup();
    match owners.as_slice() {
        [one] => ledger.unit(one).map(|u| (u, UnitSource::Guessed)),
        _ => None,
    }
}

/// The unit as written after a 填报单位 label (or in the metadata), when it
/// could not be resolved: shown to the clerk so an alias can be added.
fn written_unit(forms: &[RawForm]) -> Option<String> {
    forms
        .iter()
        .filter_map(|f| f.meta.as_ref())
        .map(|m| crate::text::trim(&m.unit).to_string())
        .find(|u| !u.is_empty())
        .or_else(|| {
            forms
                .iter()
                .flat_map(|f| f.preamble.iter().chain(&f.footer))
                .find_map(|l| {
                    ident::UNIT_LABELS
                        .iter()
                        .find_map(|label| ident::labelled_rest(l, label))
                })
                .map(|rest| ident::first_token(&rest).to_string())
        })
}

/// Identify the period: metadata; a `报送期次：…` line; a period in the title
/// (preamble lines other than instructions); the file name. None when the
/// form names none (it is then taken to be for the run's period).
fn identify_period(forms: &[RawForm], rel: &str, year: i32) -> Option<Period> {
    let is_note = |l: &&String| {
        let t = crate::text::trim(l);
        t.contains("说明") || t.starts_with('注') || t.starts_with("备注")
    };
    forms
        .iter()
        .filter_map(|f| f.meta.as_ref())
        .find_map(|m| {
            m.period
                .parse::<Period>()
                .ok()
                .or_else(|| Period::parse_loose(&m.period, year))
        })
        .or_else(|| {
            forms
                .iter()
                .flat_map(|f| &f.preamble)
                .find_map(|l| ident::period_on_labelled_line(l, year))
        })
        .or_else(|| {
            forms
                .iter()
                .flat_map(|f| &f.preamble)
                .filter(|l| !is_note(l))
                .find_map(|l| ident::find_period_in(l, year))
        })
        .or_else(|| ident::find_period_in(ident::file_stem(rel), year))
}

/// A form for `found` is accepted in a run for `run` when they are the same
/// period, or — when the kinds differ (a monthly form in a quarterly run, a
/// `一季度` title on a monthly form) — when the two periods overlap.
fn period_matches(found: Period, run: Period) -> bool {
    if found.kind == run.kind {
        found == run
    } else {
        found.start() <= run.end() && run.start() <= found.end()
    }
}

/// Checks one file's forms.
struct FileChecker<'a> {
    file: &'a SourceFile,
    forms: &'a [RawForm],
    ctx: &'a ValidateCtx<'a>,
    /// Canonical unit name.
    unit: Option<UnitName>,
    /// Fill date found in a preamble/footer line (latest).
    form_fill_date: Option<NaiveDate>,
    issues: Vec<Issue>,
    /// Task id (canonical, or as written when unknown) → (sheet, 1-based row) where first seen.
    seen: HashMap<TaskId, (String, u32)>,
}

impl<'a> FileChecker<'a> {
    fn new(file: &'a SourceFile, forms: &'a [RawForm], ctx: &'a ValidateCtx<'a>) -> Self {
        FileChecker {
            file,
            forms,
            ctx,
            unit: None,
            form_fill_date: None,
            issues: Vec::new(),
            seen: HashMap::new(),
        }
    }

    fn year(&self) -> i32 {
        self.ctx.period.year
    }

    /// A file-level issue (no sheet or cell unless given).
    fn file_issue(&self, issue: Issue) -> Issue {
        issue
            .file(self.file.rel.clone())
            .unit_opt(self.unit.as_deref())
    }

    fn check(mut self) -> CheckedFile {
        let ctx = self.ctx;
        let rel = self.file.rel.as_str();
        let year = self.year();
        let mut file_errors: Vec<String> = Vec::new();

        // ---- unit
        match identify_unit(self.forms, rel, ctx.ledger) {
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
            }
            None => {
                let written = written_unit(self.forms);
                let msg = match &written {
                    Some(w) => format!(
                        "无法确定本表的填报单位：表中填写的单位“{}”不是台账“单位”表中的单位名称或别名，表中任务编号也不能对应到同一个牵头单位。请填写单位全称后重新报送（如确是同一单位，可在台账“单位”表的“别名”列中补充该名称）",
                        short(w)
                    ),
                    None => "无法确定本表的填报单位：表头上方、标题、文件名中都没有台账“单位”表中的单位名称，表中任务编号也不能对应到同一个牵头单位。请在表头上方写明“填报单位：单位全称”，或使用下发的表单重新填报".to_string(),
                };
                file_errors.push(msg.clone());
                let i = self.file_issue(
                    Issue::error(IssueCode::FileUnknownUnit, msg)
                        .value(written.unwrap_or_default()),
                );
                self.issues.push(i);
            }
        }

        // ---- period
        let found = identify_period(self.forms, rel, year);
        if let Some(p) = found {
            if !period_matches(p, ctx.period) {
                let msg = format!(
                    "本表为{}的报表，本次收集的是{}，请使用本期表单重新填报",
                    p.label(),
                    ctx.period.label()
                );
                file_errors.push(msg.clone());
                let i =
                    self.file_issue(Issue::error(IssueCode::FileWrongPeriod, msg).value(p.label()));
                self.issues.push(i);
            }
        }

        // ---- empty
        if self.forms.iter().all(|f| f.rows.is_empty()) {
            let msg =
                "表中没有任何任务数据（表头下方为空），请填写本单位本期应报送任务的进展后重新报送"
                    .to_string();
            file_errors.push(msg.clone());
            let i = self.file_issue(Issue::error(IssueCode::FileEmpty, msg));
            self.issues.push(i);
        }

        // ---- fill date written above or below the table
        self.form_fill_date = self
            .forms
            .iter()
            .flat_map(|f| f.preamble.iter().chain(f.footer.iter()))
            .filter_map(|l| ident::fill_date_on_line(l, year))
            .max();

        // ---- forms
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
                for raw in &form.rows {
                    let r = self.check_row(form, raw);
                    rows.push(r);
                }
            } else {
                rows.extend(
                    form.rows
                        .iter()
                        .map(|raw| rejected_whole(form, raw, ctx.ledger, &whole)),
                );
            }
        }

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
        let fill_date = row_dates.chain(self.form_fill_date).max();

        let mut issues = self.issues;
        issues.sort_by(|a, b| issue_sort_key(a).cmp(&issue_sort_key(b)));
        CheckedFile {
            file: self.file.clone(),
            state,
            unit: self.unit,
            period: Some(found.unwrap_or(ctx.period)),
            fill_date,
            sheets: self.forms.iter().map(|f| f.sheet.clone()).collect(),
            rows,
            issues,
        }
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

    fn check_row(&mut self, form: &RawForm, raw: &RawRow) -> CheckedRow {
        let ctx = self.ctx;
        let year = self.year();
        let unit = self.unit.clone().unwrap_or_default();
        let mut found: Vec<Issue> = Vec::new();
        let sheet = form.sheet.clone();
        let rel = self.file.rel.clone();
        let cell_of = |key: FormField| -> Option<String> {
            raw.get(key)
                .map(|c| c.col)
                .or_else(|| form.column(key).map(|c| c.col))
                .map(|col| a1(raw.row, col))
        };

        // ---- task id
        let raw_id = raw.value(FormField::Id).as_text();
        let mut task_label: Option<String> = (!raw_id.is_empty()).then(|| raw_id.clone());
        let mut task: Option<&Task> = None; // the unit's own task
        let mk =
            |code: IssueCode, sev: Severity, key: FormField, msg: String, task: &Option<String>| {
                let mut i = Issue::new(code, sev, msg)
                    .file(rel.clone())
                    .sheet(sheet.clone())
                    .unit(unit.clone())
                    .value(raw.value(key).display());
                i.cell = cell_of(key);
                i.task = task.clone();
                i
            };

        if raw_id.is_empty() {
            found.push(mk(
                IssueCode::RowMissingValue,
                Severity::Error,
                FormField::Id,
                "编号为空，请填写台账中的任务编号（与下发表单一致）".into(),
                &task_label,
            ));
        } else {
            match ctx.ledger.task(&raw_id) {
                None => found.push(mk(
                    IssueCode::RowUnknownTask,
                    Severity::Error,
                    FormField::Id,
                    format!("编号“{raw_id}”不在台账中，请核对编号（应与下发表单一致），不要自行增加或改动任务编号"),
                    &task_label,
                )),
                Some(t) => {
                    task_label = Some(t.id.to_string());
                    if t.lead_unit != unit {
                        let coop = if t.coop_units.contains(&unit) {
                            "本单位是配合单位，进展由牵头单位汇总填报"
                        } else {
                            "该任务不是交办给本单位的"
                        };
                        found.push(mk(
                            IssueCode::RowNotAssigned,
                            Severity::Error,
                            FormField::Id,
                            format!(
                                "任务{}（{}）的牵头单位是{}，{}；请删除此行",
                                t.id, t.title, t.lead_unit, coop
                            ),
                            &task_label,
                        ));
                    } else {
                        task = Some(t);
                    }
                }
            }
            let key = task_label.as_deref().map(TaskId::new).unwrap_or_default();
            match self.seen.get(&key) {
                Some((s, r)) => {
                    let where_ = if *s == form.sheet {
                        format!("第{r}行")
                    } else {
                        format!("工作表“{s}”第{r}行")
                    };
                    found.push(mk(
                        IssueCode::RowDuplicateTask,
                        Severity::Error,
                        FormField::Id,
                        format!(
                            "任务{}在本表中重复填报（{}已填报过），请合并为一行",
                            task_label.as_deref().unwrap_or(&raw_id),
                            where_
                        ),
                        &task_label,
                    ));
                    // Checked once, on its first row.
                    task = None;
                }
                None => {
                    self.seen.insert(key, (form.sheet.clone(), row1(raw.row)));
                }
            }
        }

        // ---- status
        let status_v = raw.value(FormField::Status);
        let status = if status_v.is_empty() {
            found.push(mk(
                IssueCode::RowMissingValue,
                Severity::Error,
                FormField::Status,
                format!("当前状态为空，请从{STATUS_LIST}中选择一项"),
                &task_label,
            ));
            None
        } else {
            let s = parse_status(&status_v.as_text());
            if s.is_none() {
                found.push(mk(
                    IssueCode::RowInvalidStatus,
                    Severity::Error,
                    FormField::Status,
                    format!(
                        "当前状态“{}”无法识别，请从{STATUS_LIST}中选择一项",
                        short(&status_v.display())
                    ),
                    &task_label,
                ));
            }
            s
        };

        // ---- percent
        let percent_v = raw.value(FormField::Percent);
        let percent = match parse_percent(percent_v) {
            Ok(p) => Some(p),
            Err(PercentError::Missing) => {
                found.push(mk(
                    IssueCode::RowMissingValue,
                    Severity::Error,
                    FormField::Percent,
                    "完成进度为空，请填写0–100之间的数字（如60或60%）".into(),
                    &task_label,
                ));
                None
            }
            Err(PercentError::Invalid) => {
                found.push(mk(
                    IssueCode::RowInvalidPercent,
                    Severity::Error,
                    FormField::Percent,
                    format!(
                        "完成进度“{}”无法识别，请填写0–100之间的数字（如60或60%）",
                        short(&percent_v.display())
                    ),
                    &task_label,
                ));
                None
            }
            Err(PercentError::OutOfRange) => {
                found.push(mk(
                    IssueCode::RowPercentOutOfRange,
                    Severity::Error,
                    FormField::Percent,
                    format!(
                        "完成进度“{}”超出0–100的范围，请填写0–100之间的数字（如60或60%）",
                        short(&percent_v.display())
                    ),
                    &task_label,
                ));
                None
            }
        };

        // ---- progress text (required)
        let progress = raw.value(FormField::Progress).as_text();
        if progress.is_empty() {
            found.push(mk(
                IssueCode::RowMissingValue,
                Severity::Error,
                FormField::Progress,
                "进展情况为空，请简要填写本期的工作进展".into(),
                &task_label,
            ));
        }

        // ---- status vs percent.
        // 已完成/已落实 mean the task is done, so anything below 100% contradicts
        // them (error). 未启动 means nothing has been done, so any progress above
        // 0% contradicts it (error). 正在办理 at 100% is plausible (finished
        // work awaiting acceptance), so it is only a warning suggesting 已完成.
        if let (Some(s), Some(p)) = (status, percent) {
            let both = format!("{}，{}", s.label(), pct(p));
            let mut conflict = |sev: Severity, msg: String| {
                let mut i = Issue::new(IssueCode::RowStatusConflict, sev, msg)
                    .file(rel.clone())
                    .sheet(sheet.clone())
                    .unit(unit.clone())
                    .value(both.clone());
                i.cell = cell_of(FormField::Status);
                i.task = task_label.clone();
                found.push(i);
            };
            if s.is_done() && p < 100.0 {
                conflict(
                    Severity::Error,
                    format!(
                        "状态为{}，但完成进度为{}；请核对：已办结的任务进度应为100%，尚未办结请将状态改为正在办理",
                        s.label(),
                        pct(p)
                    ),
                );
            } else if s == Status::NotStarted && p > 0.0 {
                conflict(
                    Severity::Error,
                    format!(
                        "状态为未启动，但完成进度为{}；请核对：未启动的任务进度应为0，已开始办理请将状态改为正在办理",
                        pct(p)
                    ),
                );
            } else if s == Status::InProgress && p >= 100.0 {
                conflict(
                    Severity::Warning,
                    "状态为正在办理，但完成进度为100%；如已办结，请将状态改为已完成".into(),
                );
            }
        }

        // ---- dates written by the unit
        let date_of = |key: FormField, found: &mut Vec<Issue>| -> Option<NaiveDate> {
            let v = raw.value(key);
            if v.is_empty() {
                return None;
            }
            let d = parse_date(v, year);
            if d.is_none() {
                let mut i = Issue::error(
                    IssueCode::RowInvalidDate,
                    format!(
                        "{}“{}”无法识别为日期，请写成2023-03-15或2023年3月15日的形式",
                        col_cn(key),
                        short(&v.display())
                    ),
                )
                .file(rel.clone())
                .sheet(sheet.clone())
                .unit(unit.clone())
                .value(v.display());
                i.cell = cell_of(key);
                i.task = task_label.clone();
                found.push(i);
            }
            d
        };
        let expected = date_of(FormField::Expected, &mut found);
        let row_fill_date = date_of(FormField::FillDate, &mut found);
        let delay_reason = raw.value(FormField::DelayReason).as_text();

        // ---- checks against the ledger and last period (the unit's own tasks only)
        if let Some(t) = task {
            let title = raw.value(FormField::Title).as_text();
            if !title.is_empty() && !norm_eq(&title, &t.title) {
                found.push(mk(
                    IssueCode::RowAssignedAltered,
                    Severity::Warning,
                    FormField::Title,
                    format!(
                        "事项名称与台账不一致（表中为“{}”，台账为“{}”），以台账为准；交办内容请勿修改",
                        short(&title),
                        short(&t.title)
                    ),
                    &task_label,
                ));
            }
            let ledger_deadline = ctx.calendar.effective_deadline(t);
            let dv = raw.value(FormField::Deadline);
            if let (false, Some(ld)) = (dv.is_empty(), ledger_deadline) {
                if parse_date(dv, year) != Some(ld) {
                    found.push(mk(
                        IssueCode::RowAssignedAltered,
                        Severity::Warning,
                        FormField::Deadline,
                        format!(
                            "完成时限与台账不一致（表中为“{}”，台账为{}），以台账为准；完成时限不能自行修改，确需调整请另行报批",
                            short(&dv.display()),
                            ld.format("%Y-%m-%d")
                        ),
                        &task_label,
                    ));
                }
            }
            if let Some(prev) = ctx.history.prev_task(&t.id) {
                if let (Some(before), Some(now)) = (prev.actual, percent) {
                    if before > now {
                        found.push(mk(
                            IssueCode::RowProgressLowered,
                            Severity::Warning,
                            FormField::Percent,
                            format!(
                                "完成进度由上期的{}降为本期的{}，请核实是否填报有误；进度如确需调减，请在进展情况中说明原因",
                                pct(before),
                                pct(now)
                            ),
                            &task_label,
                        ));
                    }
                }
                if norm_chars(&prev.progress).next().is_some() && norm_eq(&prev.progress, &progress)
                {
                    found.push(mk(
                        IssueCode::RowTextUnchanged,
                        Severity::Warning,
                        FormField::Progress,
                        "进展情况与上期完全相同，请填写本期新的工作进展".into(),
                        &task_label,
                    ));
                }
            }
            // Past or near the deadline and not done: a 延期说明 is required
            // (seed 003). A near-deadline task whose 预计完成日期 still meets the
            // deadline is not asked for one; an overdue task always is. The
            // warning is raised even when the form has no 延期说明 column.
            if let (Some(s), Some(dl)) = (status, ledger_deadline) {
                let days_left = (dl - ctx.as_of).num_days();
                let overdue = days_left < 0;
                let near = !overdue
                    && days_left <= i64::from(ctx.near_deadline_days)
                    && !expected.is_some_and(|e| e <= dl);
                if !s.is_done() && (overdue || near) && delay_reason.is_empty() {
                    let no_col = if form.column(FormField::DelayReason).is_none() {
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
                    found.push(mk(
                        IssueCode::RowDelayReasonMissing,
                        Severity::Warning,
                        FormField::DelayReason,
                        msg,
                        &task_label,
                    ));
                }
            }
        }

        let reasons: Vec<String> = found
            .iter()
            .filter(|i| i.is_error())
            .map(|i| i.message.clone())
            .collect();
        let report = match (reasons.is_empty(), task, status, percent) {
            (true, Some(t), Some(status), Some(percent)) => Some(Report {
                task: t.id.clone(),
                unit: t.lead_unit.clone(),
                status,
                percent,
                progress,
                problems: raw.value(FormField::Problems).as_text(),
                next_steps: raw.value(FormField::NextSteps).as_text(),
                expected,
                delay_reason,
                filler: raw.value(FormField::Filler).as_text(),
                phone: raw.value(FormField::Phone).as_text(),
                head: raw.value(FormField::Head).as_text(),
                fill_date: row_fill_date.or(self.form_fill_date),
                provenance: Provenance {
                    file: self.file.rel.clone(),
                    sheet: form.sheet.clone(),
                    row: row1(raw.row),
                    sha256: self.file.sha256.clone(),
                },
            }),
            _ => None,
        };
        self.issues.extend(found);
        CheckedRow {
            sheet: form.sheet.clone(),
            row: row1(raw.row),
            task: task_label,
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
            ledger
                .task(&raw_id)
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
    }
}

/// (first row, last row, value) of a merged area, 0-based rows.
type MergedArea = (u32, u32, String);

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
