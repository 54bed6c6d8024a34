//! Core domain types shared by every pipeline stage.
//!
//! The pipeline flows one way: `ingest` (raw sheets) → `validate` (typed rows +
//! issues) → `merge` (one report per task, provenance kept) → `score` (plan,
//! lag, cards, ranks) → `report` (workbooks, JSON, archive). Each stage owns its
//! own output types; the ones every stage needs live here.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::schema::{a1, TaskId, UnitName};
use crate::text::norm_name;

/// The four canonical statuses of a task: 已完成、已落实、正在办理, and 未启动
/// for a task not yet begun.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Status {
    /// 未启动: Not begun.
    #[serde(rename = "未启动")]
    NotStarted,
    /// 正在办理: Under way.
    #[serde(rename = "正在办理")]
    InProgress,
    /// 已落实: Carried out (the measures are in place).
    #[serde(rename = "已落实")]
    Implemented,
    /// 已完成: Finished.
    #[serde(rename = "已完成")]
    Completed,
}

impl Status {
    pub(crate) const ALL: [Status; 4] = [
        Status::NotStarted,
        Status::InProgress,
        Status::Implemented,
        Status::Completed,
    ];

    pub(crate) fn label(self) -> &'static str {
        match self {
            Status::NotStarted => "未启动",
            Status::InProgress => "正在办理",
            Status::Implemented => "已落实",
            Status::Completed => "已完成",
        }
    }

    /// 已完成 and 已落实 count as done (SPEC §4).
    pub(crate) fn is_done(self) -> bool {
        matches!(self, Status::Implemented | Status::Completed)
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// Severity of a validation issue: `error` rejects the row or file, `warning` keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The row or file is rejected.
    Error,
    /// Accepted, with something to look at.
    Warning,
}

impl Severity {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "提醒",
        }
    }
}

/// Warning cards (亮牌). Ordered by severity: `Red` is the most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Card {
    Red,
    Orange,
    Yellow,
    Blue,
}

impl Card {
    /// Higher is more severe: red 4 > orange 3 > yellow 2 > blue 1.
    pub(crate) fn severity(self) -> u8 {
        match self {
            Card::Red => 4,
            Card::Orange => 3,
            Card::Yellow => 2,
            Card::Blue => 1,
        }
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            Card::Red => "红牌",
            Card::Orange => "橙牌",
            Card::Yellow => "黄牌",
            Card::Blue => "蓝牌",
        }
    }

    /// The more severe of two optional cards.
    pub(crate) fn max(a: Option<Card>, b: Option<Card>) -> Option<Card> {
        match (a, b) {
            (Some(x), Some(y)) => Some(if y.severity() > x.severity() { y } else { x }),
            (x, None) => x,
            (None, y) => y,
        }
    }
}

/// A milestone (节点) of a task: planned progress reached on a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Milestone {
    pub(crate) date: NaiveDate,
    /// Planned progress in percent, 0–100.
    pub(crate) planned: f64,
}

/// One task of the master ledger (台账).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Task {
    /// The join key (normalised once: [`TaskId`]).
    pub(crate) id: TaskId,
    pub(crate) title: String,
    pub(crate) source: String,
    /// 3, 4 or 5.
    pub(crate) stars: u8,
    pub(crate) leader: String,
    /// Canonical name of the lead unit (牵头单位): it reports and is scored.
    pub(crate) lead_unit: UnitName,
    /// Canonical names of cooperating units (listed, not scored).
    pub(crate) coop_units: Vec<UnitName>,
    pub(crate) owner: String,
    pub(crate) start: Option<NaiveDate>,
    /// 完成时限 as written in the ledger (None when only 交办日期 is given).
    pub(crate) deadline: Option<NaiveDate>,
    pub(crate) assigned: Option<NaiveDate>,
    pub(crate) requirements: String,
    /// Sorted by date.
    pub(crate) milestones: Vec<Milestone>,
    /// 1-based row in the ledger's 台账 sheet.
    pub(crate) ledger_row: u32,
    /// The ledger's 状态 column: closed (销号) or reopened (在办) by hand;
    /// None leaves closing to the reports (see [`crate::closing`]).
    #[serde(default)]
    pub(crate) state_mark: Option<StateMark>,
    /// The group (分组) of the heading rows above the task in the ledger
    /// (`一、经济发展 / （二）民生保障`: the levels joined by [`GROUP_SEP`],
    /// counts such as `（22项）` dropped); None when the ledger has none.
    #[serde(default)]
    pub(crate) group: Option<String>,
}

/// Joins the levels of a task's group (分组).
pub(crate) const GROUP_SEP: &str = " / ";

/// A row of the ledger's 台账 sheet with a task id that is not a task
/// because of a defect the office must correct (an id but no unit, a unit
/// not on the 单位 sheet, a duplicate id, a star level that is not 3/4/5, an
/// unreadable date). A returned row for it is kept aside with `code`, not
/// charged to the unit that sent it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct HeldTask {
    pub(crate) id: TaskId,
    /// The `LEDGER_*` code of the defect.
    pub(crate) code: IssueCode,
    /// What is wrong, in a few words (`编号在台账中重复` …).
    pub(crate) defect: String,
    /// 1-based rows of the 台账 sheet.
    pub(crate) rows: Vec<u32>,
}

/// What the office wrote in the ledger's 状态 column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum StateMark {
    /// 销号: closed by hand from this period on.
    Closed,
    /// 在办: open, whatever was reported (reopens a closed task).
    Open,
}

/// A task closed (销号): it is no longer expected, carded or put on forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Closure {
    /// The period it was closed in.
    pub(crate) period: crate::period::Period,
    /// Closed by the ledger's 状态 column rather than by a report.
    pub(crate) by_hand: bool,
}

/// A responsible unit (单位 sheet).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Unit {
    /// As written on the 单位 sheet.
    pub(crate) name: UnitName,
    pub(crate) code: Option<String>,
    pub(crate) category: String,
    pub(crate) aliases: Vec<String>,
    pub(crate) contact: String,
    pub(crate) phone: String,
}

/// The four evaluations of a unit the office gives in the ledger's 评价
/// sheet, 0–100 each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub(crate) struct Evaluation {
    pub(crate) unit: UnitName,
    pub(crate) self_eval: Option<f64>,
    pub(crate) team: Option<f64>,
    pub(crate) public: Option<f64>,
    pub(crate) leader: Option<f64>,
}

/// The master ledger, with indexes for joins.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Ledger {
    pub(crate) tasks: Vec<Task>,
    pub(crate) units: Vec<Unit>,
    pub(crate) evaluations: Vec<Evaluation>,
    /// Rows with a task id held out of `tasks` by a ledger defect, by id.
    #[serde(default)]
    pub(crate) held: Vec<HeldTask>,
    #[serde(skip)]
    task_index: HashMap<TaskId, usize>,
    /// Normalised name, code or alias → unit.
    #[serde(skip)]
    unit_index: HashMap<String, usize>,
    /// Longest key of `unit_index`, in characters (bounds `find_unit_in`).
    #[serde(skip)]
    unit_key_chars: usize,
    /// Lead unit → indexes of its tasks, in ledger order.
    #[serde(skip)]
    tasks_by_unit: HashMap<UnitName, Vec<usize>>,
    /// Tasks closed (销号) before the period being run, by id
    /// ([`Ledger::set_closures`]).
    #[serde(skip)]
    closed: HashMap<TaskId, Closure>,
}

impl Ledger {
    pub(crate) fn new(tasks: Vec<Task>, units: Vec<Unit>, evaluations: Vec<Evaluation>) -> Self {
        let mut l = Ledger {
            tasks,
            units,
            evaluations,
            held: Vec::new(),
            task_index: HashMap::new(),
            unit_index: HashMap::new(),
            unit_key_chars: 0,
            tasks_by_unit: HashMap::new(),
            closed: HashMap::new(),
        };
        l.reindex();
        l
    }

    /// Rebuild the id and name indexes (call after editing `tasks`/`units`).
    pub(crate) fn reindex(&mut self) {
        self.task_index = self
            .tasks
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.clone(), i))
            .collect();
        self.unit_index.clear();
        for (i, u) in self.units.iter().enumerate() {
            self.unit_index.insert(u.name.key().to_string(), i);
            if let Some(code) = &u.code {
                if !code.trim().is_empty() {
                    self.unit_index.entry(norm_name(code)).or_insert(i);
                }
            }
            for a in &u.aliases {
                self.unit_index.entry(norm_name(a)).or_insert(i);
            }
        }
        self.unit_key_chars = self
            .unit_index
            .keys()
            .map(|k| k.chars().count())
            .max()
            .unwrap_or(0);
        self.tasks_by_unit.clear();
        for (i, t) in self.tasks.iter().enumerate() {
            self.tasks_by_unit
                .entry(t.lead_unit.clone())
                .or_default()
                .push(i);
        }
    }

    /// The same ledger with the rows held out of its tasks by a defect.
    pub(crate) fn with_held(mut self, held: Vec<HeldTask>) -> Self {
        self.held = held;
        self
    }

    /// The held-out row of an id that is not a task because of a ledger
    /// defect, in any spelling.
    pub(crate) fn held(&self, id: &str) -> Option<&HeldTask> {
        let id = TaskId::new(id);
        self.held.iter().find(|h| h.id == id)
    }

    /// Look a task up by id, in any spelling (`Ｔ０１－００１ ` finds `T01-001`).
    pub(crate) fn task(&self, id: &str) -> Option<&Task> {
        self.task_by_id(&TaskId::new(id))
    }

    /// Look a task up by its id.
    pub(crate) fn task_by_id(&self, id: &TaskId) -> Option<&Task> {
        self.task_index.get(id).map(|&i| &self.tasks[i])
    }

    /// Resolve a unit by its exact name, code or alias (after normalisation).
    pub(crate) fn unit(&self, name: &str) -> Option<&Unit> {
        self.unit_index
            .get(&norm_name(name))
            .map(|&i| &self.units[i])
    }

    /// Find the unit named *inside* a longer text (a title, a file name, a
    /// `填报单位：…` line). The longest matching name or alias wins, so
    /// `区发改局` is not mistaken for a shorter alias contained in it.
    pub(crate) fn find_unit_in(&self, text: &str) -> Option<&Unit> {
        let hay = norm_name(text);
        if hay.is_empty() {
            return None;
        }
        // Look every substring of 2..=unit_key_chars characters up in the
        // index (not every key in the haystack: with thousands of units that
        // would be quadratic over a batch of forms).
        let bounds: Vec<usize> = hay
            .char_indices()
            .map(|(b, _)| b)
            .chain(std::iter::once(hay.len()))
            .collect();
        let mut best: Option<(usize, usize)> = None; // (len, unit index)
        for (s, &from) in bounds.iter().enumerate() {
            for &to in bounds
                .iter()
                .skip(s + 2)
                .take(self.unit_key_chars.saturating_sub(1))
            {
                if let Some(&i) = self.unit_index.get(&hay[from..to]) {
                    let len = to - from;
                    match best {
                        Some((bl, bi)) if bl > len || (bl == len && bi <= i) => {}
                        _ => best = Some((len, i)),
                    }
                }
            }
        }
        best.map(|(_, i)| &self.units[i])
    }

    /// Tasks whose lead unit is `unit` (canonical name), in ledger order.
    pub(crate) fn tasks_of<'a>(&'a self, unit: &str) -> impl Iterator<Item = &'a Task> + 'a {
        self.tasks_of_unit(&UnitName::new(unit))
    }

    /// Tasks whose lead unit is `unit`, in ledger order.
    pub(crate) fn tasks_of_unit<'a>(
        &'a self,
        unit: &UnitName,
    ) -> impl Iterator<Item = &'a Task> + 'a {
        self.tasks_by_unit
            .get(unit)
            .into_iter()
            .flatten()
            .map(|&i| &self.tasks[i])
    }

    /// Record which tasks are closed (销号) before the period being run
    /// (worked out by [`crate::closing::closures`]).
    pub(crate) fn set_closures(&mut self, closed: impl IntoIterator<Item = (TaskId, Closure)>) {
        self.closed = closed.into_iter().collect();
    }

    /// The task's closure, when it was closed before the period being run.
    pub(crate) fn closure(&self, id: &TaskId) -> Option<Closure> {
        self.closed.get(id).copied()
    }

    /// Closed before the period being run: not expected, carded or put on forms.
    pub(crate) fn is_closed(&self, id: &TaskId) -> bool {
        self.closed.contains_key(id)
    }

    pub(crate) fn evaluation(&self, unit: &str) -> Option<&Evaluation> {
        self.evaluations.iter().find(|e| e.unit.as_str() == unit)
    }
}

/// Where a merged figure came from: enough to find the cell again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub(crate) struct Provenance {
    /// Path relative to the returns folder, with `/` separators.
    pub(crate) file: String,
    pub(crate) sheet: String,
    /// 1-based sheet row.
    pub(crate) row: u32,
    pub(crate) sha256: String,
}

/// Stable issue codes (documented in README). Serialised as the SCREAMING_SNAKE name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IssueCode {
    // ---- file level
    /// Corrupt, truncated or otherwise unreadable file.
    FileUnreadable,
    /// Password-protected / encrypted.
    FileEncrypted,
    /// A web page (HTML) saved with a spreadsheet extension.
    FileHtml,
    /// Larger than the configured limits (bytes, cells, inflated size).
    FileTooLarge,
    /// No header row could be found: not a form.
    FileNotForm,
    /// The form names no known unit and its tasks do not point to one.
    FileUnknownUnit,
    /// Unit taken from task ownership (warning).
    FileUnitGuessed,
    /// The form is for another period.
    FileWrongPeriod,
    /// A form with no data rows.
    FileEmpty,
    /// An older submission of the same unit and period, superseded by a newer one.
    FileSuperseded,
    /// Returned after the reporting deadline.
    FileLate,
    /// Lock file (`~$…`) or not a spreadsheet: listed, not read.
    FileIgnored,
    /// An accepted form with no 填报日期 anywhere (not judged late by its file time).
    FileNoFillDate,
    /// The same bytes as a file an earlier period archived: last period's
    /// return, listed, not read as this period's nor charged to the unit.
    FileAlreadyArchived,
    /// Another visible sheet that looks like a form (another period's, or a
    /// second copy): listed, not read (warning).
    FileExtraSheet,
    /// A .rar/.7z (or other) archive duban does not unpack, or zips nested
    /// deeper than two levels: the unit resends the forms unpacked.
    FileArchiveUnsupported,
    // ---- header level
    /// A required column (编号, 当前状态, 完成进度, 进展情况) is missing: the form is rejected.
    HeaderMissingColumn,
    /// A column given twice; the first is used (warning).
    HeaderDuplicateColumn,
    // ---- row level
    /// The task id is not in the ledger.
    RowUnknownTask,
    /// The task is led by another unit.
    RowNotAssigned,
    /// A required value (编号, 当前状态, 完成进度, 进展情况) is empty.
    RowMissingValue,
    /// The status is not one of the four (nor a known synonym).
    RowInvalidStatus,
    /// The percent cannot be read (`过半`).
    RowInvalidPercent,
    /// The percent is outside 0–100.
    RowPercentOutOfRange,
    /// Status and percent disagree (已完成 below 100%, 未启动 above 0%; 正在办理 at 100% only warns).
    RowStatusConflict,
    /// 预计完成日期 or 填报日期 cannot be read.
    RowInvalidDate,
    /// The unit changed an assigned field (事项名称, 完成时限); the ledger's value is kept (warning).
    RowAssignedAltered,
    /// The same task twice in one form: the second is rejected.
    RowDuplicateTask,
    /// The percent is lower than last period's (warning: possibly a false report).
    RowProgressLowered,
    /// 进展情况 copied unchanged from last period (warning).
    RowTextUnchanged,
    /// Past or near the deadline and not done, with no 延期说明 (warning).
    RowDelayReasonMissing,
    /// A value merged down several rows was applied to each (warning).
    RowMergedFill,
    /// A row of a collection-tool export naming a unit the ledger does not know.
    RowUnknownUnit,
    /// A row of a collection-tool export replaced by the same unit's later
    /// submission of the same task (warning; the row counts as superseded).
    RowSuperseded,
    // ---- unit level
    /// A due task missing from the unit's forms.
    TaskNotReported,
    /// A unit with due tasks sent no valid form at all.
    UnitNotReported,
    // ---- the ledger (the office's own defects, never charged to a unit)
    /// No 单位 sheet: units taken from the 牵头单位 column (warning).
    LedgerNoUnitSheet,
    /// A unit listed twice on the 单位 sheet (warning).
    LedgerDuplicateUnit,
    /// A row with task content but no 编号: not a task.
    LedgerMissingId,
    /// A task id with no 牵头单位: not a task.
    LedgerMissingUnit,
    /// A 牵头单位 (or 评价 unit) not on the 单位 sheet.
    LedgerUnknownUnit,
    /// The same 编号 on several rows: none of them is a task.
    LedgerDuplicateId,
    /// A star level that is not 3, 4 or 5 (error), or none (warning, 3★).
    LedgerInvalidStars,
    /// An unreadable date (a task's: error; a milestone's: warning).
    LedgerInvalidDate,
    /// 事项名称 or a milestone's date left empty (warning).
    LedgerMissingValue,
    /// A milestone's planned percent or an evaluation score unreadable (warning).
    LedgerInvalidValue,
    /// A milestone of an id that is not a task (warning).
    LedgerUnknownTask,
    /// The example row of `duban init`'s template, left unedited: skipped (warning).
    LedgerExampleRow,
}

impl IssueCode {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            IssueCode::FileUnreadable => "FILE_UNREADABLE",
            IssueCode::FileEncrypted => "FILE_ENCRYPTED",
            IssueCode::FileHtml => "FILE_HTML",
            IssueCode::FileTooLarge => "FILE_TOO_LARGE",
            IssueCode::FileNotForm => "FILE_NOT_FORM",
            IssueCode::FileUnknownUnit => "FILE_UNKNOWN_UNIT",
            IssueCode::FileUnitGuessed => "FILE_UNIT_GUESSED",
            IssueCode::FileWrongPeriod => "FILE_WRONG_PERIOD",
            IssueCode::FileEmpty => "FILE_EMPTY",
            IssueCode::FileSuperseded => "FILE_SUPERSEDED",
            IssueCode::FileLate => "FILE_LATE",
            IssueCode::FileIgnored => "FILE_IGNORED",
            IssueCode::FileNoFillDate => "FILE_NO_FILL_DATE",
            IssueCode::FileAlreadyArchived => "FILE_ALREADY_ARCHIVED",
            IssueCode::FileExtraSheet => "FILE_EXTRA_SHEET",
            IssueCode::FileArchiveUnsupported => "FILE_ARCHIVE_UNSUPPORTED",
            IssueCode::HeaderMissingColumn => "HEADER_MISSING_COLUMN",
            IssueCode::HeaderDuplicateColumn => "HEADER_DUPLICATE_COLUMN",
            IssueCode::RowUnknownTask => "ROW_UNKNOWN_TASK",
            IssueCode::RowNotAssigned => "ROW_NOT_ASSIGNED",
            IssueCode::RowMissingValue => "ROW_MISSING_VALUE",
            IssueCode::RowInvalidStatus => "ROW_INVALID_STATUS",
            IssueCode::RowInvalidPercent => "ROW_INVALID_PERCENT",
            IssueCode::RowPercentOutOfRange => "ROW_PERCENT_OUT_OF_RANGE",
            IssueCode::RowStatusConflict => "ROW_STATUS_CONFLICT",
            IssueCode::RowInvalidDate => "ROW_INVALID_DATE",
            IssueCode::RowAssignedAltered => "ROW_ASSIGNED_ALTERED",
            IssueCode::RowDuplicateTask => "ROW_DUPLICATE_TASK",
            IssueCode::RowProgressLowered => "ROW_PROGRESS_LOWERED",
            IssueCode::RowTextUnchanged => "ROW_TEXT_UNCHANGED",
            IssueCode::RowDelayReasonMissing => "ROW_DELAY_REASON_MISSING",
            IssueCode::RowMergedFill => "ROW_MERGED_FILL",
            IssueCode::RowUnknownUnit => "ROW_UNKNOWN_UNIT",
            IssueCode::RowSuperseded => "ROW_SUPERSEDED",
            IssueCode::TaskNotReported => "TASK_NOT_REPORTED",
            IssueCode::UnitNotReported => "UNIT_NOT_REPORTED",
            IssueCode::LedgerNoUnitSheet => "LEDGER_NO_UNIT_SHEET",
            IssueCode::LedgerDuplicateUnit => "LEDGER_DUPLICATE_UNIT",
            IssueCode::LedgerMissingId => "LEDGER_MISSING_ID",
            IssueCode::LedgerMissingUnit => "LEDGER_MISSING_UNIT",
            IssueCode::LedgerUnknownUnit => "LEDGER_UNKNOWN_UNIT",
            IssueCode::LedgerDuplicateId => "LEDGER_DUPLICATE_ID",
            IssueCode::LedgerInvalidStars => "LEDGER_INVALID_STARS",
            IssueCode::LedgerInvalidDate => "LEDGER_INVALID_DATE",
            IssueCode::LedgerMissingValue => "LEDGER_MISSING_VALUE",
            IssueCode::LedgerInvalidValue => "LEDGER_INVALID_VALUE",
            IssueCode::LedgerUnknownTask => "LEDGER_UNKNOWN_TASK",
            IssueCode::LedgerExampleRow => "LEDGER_EXAMPLE_ROW",
        }
    }

    /// A defect of the office's own ledger: never charged to a unit (not in
    /// its form quality, errors or cards), even on a returned row it refused.
    pub(crate) fn is_ledger(self) -> bool {
        self.as_str().starts_with("LEDGER_")
    }

    /// Counted against the unit whose file it is in (form quality, the
    /// error count of `yellow-orange-red`): not the office's ledger defects,
    /// not a sheet set aside beside the one read, not a file listed and not
    /// read (a PDF beside the form), nor a submission replaced by the unit's
    /// own later one.
    pub(crate) fn charged_to_unit(self) -> bool {
        !self.is_ledger()
            && !matches!(
                self,
                IssueCode::FileExtraSheet
                    | IssueCode::FileIgnored
                    | IssueCode::FileSuperseded
                    | IssueCode::RowSuperseded
            )
    }
}

impl std::fmt::Display for IssueCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One validation finding (SPEC §3, §9).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Issue {
    /// Path relative to the returns folder; None for unit-level issues.
    pub(crate) file: Option<String>,
    pub(crate) sheet: Option<String>,
    /// A1 reference; None for file-level issues.
    pub(crate) cell: Option<String>,
    pub(crate) unit: Option<String>,
    pub(crate) task: Option<String>,
    /// Whether it rejects (error) or only warns.
    pub severity: Severity,
    /// The stable code (`ROW_PROGRESS_LOWERED` …) the JSON and the sheets give.
    pub code: IssueCode,
    /// Plain Chinese: what is wrong and what to fix.
    pub message: String,
    /// The original value as written, if any.
    pub(crate) value: Option<String>,
}

impl Issue {
    pub(crate) fn new(code: IssueCode, severity: Severity, message: impl Into<String>) -> Self {
        Issue {
            file: None,
            sheet: None,
            cell: None,
            unit: None,
            task: None,
            severity,
            code,
            message: message.into(),
            value: None,
        }
    }
    pub(crate) fn error(code: IssueCode, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, message)
    }
    pub(crate) fn warning(code: IssueCode, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, message)
    }
    pub(crate) fn file(mut self, f: impl Into<String>) -> Self {
        self.file = Some(f.into());
        self
    }
    pub(crate) fn sheet(mut self, s: impl Into<String>) -> Self {
        self.sheet = Some(s.into());
        self
    }
    pub(crate) fn cell(mut self, c: impl Into<String>) -> Self {
        self.cell = Some(c.into());
        self
    }
    pub(crate) fn unit(mut self, u: impl Into<String>) -> Self {
        self.unit = Some(u.into());
        self
    }
    pub(crate) fn unit_opt(mut self, u: Option<&str>) -> Self {
        self.unit = u.map(str::to_string);
        self
    }
    pub(crate) fn task(mut self, t: impl Into<String>) -> Self {
        self.task = Some(t.into());
        self
    }
    pub(crate) fn value(mut self, v: impl Into<String>) -> Self {
        let v = v.into();
        self.value = if v.is_empty() { None } else { Some(v) };
        self
    }
    pub(crate) fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sort key that makes issue lists deterministic regardless of thread count or file order.
pub(crate) fn issue_sort_key(i: &Issue) -> impl Ord + '_ {
    (
        i.file.as_deref().unwrap_or(""),
        i.sheet.as_deref().unwrap_or(""),
        i.cell.as_deref().map(a1::sort_key).unwrap_or((0, 0)),
        i.code,
        i.task.as_deref().unwrap_or(""),
        i.unit.as_deref().unwrap_or(""),
        i.message.as_str(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_order() {
        assert_eq!(
            Card::max(Some(Card::Blue), Some(Card::Red)),
            Some(Card::Red)
        );
        assert_eq!(Card::max(None, Some(Card::Yellow)), Some(Card::Yellow));
        assert_eq!(
            Card::max(Some(Card::Orange), Some(Card::Yellow)),
            Some(Card::Orange)
        );
    }

    #[test]
    fn unit_lookup_prefers_longest() {
        let u = |n: &str, a: &[&str]| Unit {
            name: n.into(),
            code: None,
            category: "区直部门".into(),
            aliases: a.iter().map(|s| s.to_string()).collect(),
            contact: String::new(),
            phone: String::new(),
        };
        let l = Ledger::new(
            vec![],
            vec![
                u("区发展和改革局", &["区发改局", "发改局"]),
                u("区财政局", &[]),
            ],
            vec![],
        );
        assert_eq!(l.unit("区发改局").unwrap().name, "区发展和改革局");
        assert_eq!(
            l.find_unit_in("填报单位：区发改局　报送期次：2023年3月")
                .unwrap()
                .name,
            "区发展和改革局"
        );
        assert_eq!(
            l.find_unit_in("区财政局-3月.xlsx").unwrap().name,
            "区财政局"
        );
        assert!(l.find_unit_in("某某单位").is_none());
    }
}
