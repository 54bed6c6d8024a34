//! The 台账 sheet's rows: tasks, group headings (分组), totals, blank
//! separators, and rows with a defect that hold their id out of the tasks.
//!
//! A row is
//! - a **total** when its 牵头单位 is empty and a whole cell reads as one
//!   (`合计`, `小计：22项`, `共68项`, `总计68项`): skipped;
//! - a **heading** when it is merged across the table (three cells or
//!   more), or has neither 编号 nor 牵头单位 and shows one text (or a bare
//!   numbering and a text, `一` | `经济发展`, or a text and a count), or its
//!   编号 reads as a heading (`一、经济发展（22项）`, `经济发展类`: Chinese
//!   words without a digit) and it has no 牵头单位. The heading names the
//!   group of the tasks below it, its count (`（22项）`) dropped. Headings
//!   nest by their numbering: `一、` is level 1, `（一）` level 2, `1.` and
//!   `（1）` level 3, unnumbered ones level 1; a task's group is the open
//!   headings joined by ` / ` (`一、经济发展 / （二）招商引资`), a new heading
//!   closing those of its level and below;
//! - **broken** when it has task content but no 编号 (`LEDGER_MISSING_ID`),
//!   or an 编号 but no 牵头单位 (`LEDGER_MISSING_UNIT`), a star level that
//!   is not 3/4/5 (`LEDGER_INVALID_STARS`) or an unreadable date
//!   (`LEDGER_INVALID_DATE`): an error, and never a task;
//! - the template's **example** row left unedited: skipped with a warning;
//! - otherwise a **task**. An id on several rows is on none of them
//!   (`LEDGER_DUPLICATE_ID`, each row named).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::dates::{date_phrase, Phrase};
use super::{text, Issues, Table};
use crate::ingest::raw::{RawCell, RawRow};
use crate::ingest::rowkind::{
    is_bare_numbering, is_total_text, join_heading, looks_like_heading, merged_across,
    numbering_level, row_pieces,
};
use crate::model::{HeldTask, IssueCode, Severity, StateMark, Task, GROUP_SEP};
use crate::schema::{example, LedgerField as L, TaskId, UnitName};
use crate::text::{split_list, to_half_width, trim};
use crate::value::{parse_date, parse_stars};

/// What a row of the 台账 sheet is.
enum RowKind {
    Total,
    Heading(String),
    /// Task content without an id (an error, nothing held).
    NoId,
    /// An id without a 牵头单位.
    NoUnit,
    Task,
}

/// The open group headings, outermost first.
#[derive(Default)]
struct Groups(Vec<(u8, String)>);

impl Groups {
    fn open(&mut self, heading: &str) {
        let name = join_heading(&[heading]);
        if name.is_empty() {
            return;
        }
        let level = numbering_level(&name).unwrap_or(1);
        self.0.retain(|(l, _)| *l < level);
        self.0.push((level, name));
    }

    fn current(&self) -> Option<String> {
        (!self.0.is_empty()).then(|| {
            self.0
                .iter()
                .map(|(_, n)| n.as_str())
                .collect::<Vec<_>>()
                .join(GROUP_SEP)
        })
    }
}

/// The row's own text of a column: empty when blank, a placeholder such as
/// `—` or `/`, or copied across from a merged area to its left (a heading
/// merged over the table).
fn own(row: &RawRow<L>, key: L) -> String {
    match row.get(key) {
        Some(c @ RawCell { col, .. }) if !c.merged_from.is_some_and(|(_, oc)| oc != *col) => {
            let t = c.value.as_text();
            if t.chars().any(char::is_alphanumeric) {
                t
            } else {
                String::new()
            }
        }
        _ => String::new(),
    }
}

fn classify(tb: &Table<'_, L>, row: &RawRow<L>) -> RowKind {
    let grid = &tb.sheet.grid;
    let (id, unit) = (own(row, L::Id), own(row, L::LeadUnit));
    let pieces = row_pieces(grid, row.row);
    // Placeholders (`—`, `/`) are no text.
    let texts: Vec<&str> = pieces
        .iter()
        .map(|(_, t)| t.as_str())
        .filter(|t| t.chars().any(char::is_alphanumeric))
        .collect();
    let id_not_an_id = id.is_empty() || is_total_text(&id) || looks_like_heading(&id);
    if unit.is_empty() && id_not_an_id && texts.iter().any(|t| is_total_text(t)) {
        return RowKind::Total;
    }
    // The id cell is the origin of (or copied from) a merged heading.
    let id_merged = row.get(L::Id).is_some_and(|c| {
        c.merged_from.is_some()
            || grid
                .row(row.row)
                .any(|(cc, x)| x.merged_from == Some((row.row, c.col)) && cc != c.col)
    });
    if merged_across(grid, row.row) >= 3 && (id_not_an_id || id_merged) && unit.is_empty() {
        return RowKind::Heading(join_heading(&texts));
    }
    let heading_shaped = match texts.as_slice() {
        [_] => true,
        [a, b] => {
            is_bare_numbering(a) || join_heading(&[a, b]) == join_heading(&[a]) || {
                let b = crate::text::to_half_width(b);
                b.ends_with('项') && b.trim_end_matches('项').chars().all(|c| c.is_ascii_digit())
            }
        }
        _ => false,
    };
    if unit.is_empty() && id_not_an_id && heading_shaped && !texts.is_empty() {
        return RowKind::Heading(join_heading(&texts));
    }
    match (id.is_empty(), unit.is_empty()) {
        (true, _) => RowKind::NoId,
        (false, true) => RowKind::NoUnit,
        (false, false) => RowKind::Task,
    }
}

/// A readable task id as written (half-width, trimmed).
fn written_id(row: &RawRow<L>) -> String {
    to_half_width(trim(&own(row, L::Id))).trim().to_string()
}

/// The tasks of the 台账 sheet and the ids held out of them.
pub(super) struct TaskRows {
    pub(crate) tasks: Vec<Task>,
    pub(crate) held: Vec<HeldTask>,
    /// The template's example task was skipped.
    pub(crate) example_skipped: bool,
    /// 牵头单位 as written on every task row (to keep a real unit that
    /// happens to be the template's example unit).
    pub(crate) lead_units: Vec<String>,
}

/// Read the 台账 sheet (see the module's doc).
pub(super) fn read_tasks(tb: &Table<'_, L>, year: i32, issues: &mut Issues) -> TaskRows {
    let sheet = tb.sheet.name.as_str();
    let has_stars = tb.header.columns.iter().any(|c| c.key == L::Stars);
    if !has_stars {
        issues.warn(
            IssueCode::LedgerInvalidStars,
            sheet,
            None,
            "台账没有“星级”列，全部事项按3星（每季度报送）处理。请增加“星级”列并填写3、4或5。"
                .into(),
            "",
        );
    }
    let mut out = TaskRows {
        tasks: Vec::new(),
        held: Vec::new(),
        example_skipped: false,
        lead_units: Vec::new(),
    };
    let mut groups = Groups::default();
    // Rows of every id seen (tasks and broken rows alike), for duplicates.
    let mut rows_of: BTreeMap<TaskId, Vec<(u32, String)>> = BTreeMap::new();
    let mut held: BTreeMap<TaskId, HeldTask> = BTreeMap::new();
    for row in tb.all_rows() {
        let row = &row;
        let line = row.row + 1;
        match classify(tb, row) {
            RowKind::Total => continue,
            RowKind::Heading(h) => {
                groups.open(&h);
                continue;
            }
            RowKind::NoId => {
                let what = row_pieces(&tb.sheet.grid, row.row)
                    .into_iter()
                    .map(|(_, t)| t)
                    .take(3)
                    .collect::<Vec<_>>()
                    .join("，");
                let unit = own(row, L::LeadUnit);
                let msg = if unit.is_empty() {
                    format!("台账第{line}行填有内容（{what}），但没有编号和牵头单位，未作为任务读取。如是任务，请补填编号和牵头单位；如是分组标题，请只保留标题文字（如“一、经济发展”）。")
                } else {
                    format!("台账第{line}行（牵头单位“{unit}”）没有编号，未作为任务读取（不生成表单、不考核）。请为该任务补填编号。")
                };
                issues.push(
                    IssueCode::LedgerMissingId,
                    Severity::Error,
                    sheet,
                    tb.cell(row, L::Id),
                    msg,
                    "",
                );
                continue;
            }
            RowKind::NoUnit | RowKind::Task => {}
        }
        let written = written_id(row);
        let id = TaskId::new(&written);
        if is_example(row) {
            out.example_skipped = true;
            issues.warn(
                IssueCode::LedgerExampleRow,
                sheet,
                tb.cell(row, L::Id),
                format!("台账第{line}行是模板自带的示例（{written}“{}”），未作为任务读取。请删除示例行，或改写成真实任务。", example::TASK_TITLE),
                &written,
            );
            continue;
        }
        out.lead_units.push(own(row, L::LeadUnit));
        rows_of
            .entry(id.clone())
            .or_default()
            .push((line, tb.cell(row, L::Id).unwrap_or_default()));
        if own(row, L::LeadUnit).is_empty() {
            let msg = format!("任务 {written} 没有填写牵头单位，未作为任务读取（无人报送、不考核）。请补填牵头单位。");
            let cell = tb.cell(row, L::LeadUnit);
            issues.push(
                IssueCode::LedgerMissingUnit,
                Severity::Error,
                sheet,
                cell,
                msg,
                "",
            );
            hold(
                &mut held,
                &id,
                IssueCode::LedgerMissingUnit,
                "没有填写牵头单位",
                line,
            );
            continue;
        }
        match task_of(tb, row, id.clone(), year, issues) {
            Ok(mut task) => {
                task.group = groups.current();
                out.tasks.push(task);
            }
            Err((code, defect)) => hold(&mut held, &id, code, defect, line),
        }
    }
    duplicates(tb, &rows_of, &mut out.tasks, &mut held, issues);
    out.held = held.into_values().collect();
    out
}

/// Hold `id` out of the tasks for a defect (the first one found stays).
fn hold(
    held: &mut BTreeMap<TaskId, HeldTask>,
    id: &TaskId,
    code: IssueCode,
    defect: &str,
    line: u32,
) {
    let h = held.entry(id.clone()).or_insert_with(|| HeldTask {
        id: id.clone(),
        code,
        defect: defect.to_string(),
        rows: Vec::new(),
    });
    if !h.rows.contains(&line) {
        h.rows.push(line);
    }
}

/// An id on several rows: none of them is a task; each row gets an error.
fn duplicates(
    tb: &Table<'_, L>,
    rows_of: &BTreeMap<TaskId, Vec<(u32, String)>>,
    tasks: &mut Vec<Task>,
    held: &mut BTreeMap<TaskId, HeldTask>,
    issues: &mut Issues,
) {
    let sheet = tb.sheet.name.as_str();
    for (id, rows) in rows_of.iter().filter(|(_, r)| r.len() > 1) {
        let lines: Vec<String> = rows.iter().map(|(l, _)| format!("第{l}行")).collect();
        for (_, cell) in rows {
            let msg = format!("编号“{id}”在台账中重复（{}），这些行都未作为任务读取（不生成表单、不考核），单位报送的该编号暂不处理。请为每项任务使用唯一编号。", lines.join("、"));
            let cell = (!cell.is_empty()).then(|| cell.clone());
            issues.push(
                IssueCode::LedgerDuplicateId,
                Severity::Error,
                sheet,
                cell,
                msg,
                id.as_str(),
            );
        }
        tasks.retain(|t| t.id != *id);
        let h = held.entry(id.clone()).or_insert_with(|| HeldTask {
            id: id.clone(),
            code: IssueCode::LedgerDuplicateId,
            defect: String::new(),
            rows: Vec::new(),
        });
        h.code = IssueCode::LedgerDuplicateId;
        h.defect = format!("编号在台账中重复（{}）", lines.join("、"));
        h.rows = rows.iter().map(|(l, _)| *l).collect();
    }
}

/// The template's example task, left as `duban init` wrote it.
fn is_example(row: &RawRow<L>) -> bool {
    TaskId::new(&written_id(row)) == TaskId::new(example::TASK_ID)
        && trim(&own(row, L::Title)) == example::TASK_TITLE
}

/// A task row read into a task, or the defect that holds it out.
fn task_of(
    tb: &Table<'_, L>,
    row: &RawRow<L>,
    id: TaskId,
    year: i32,
    issues: &mut Issues,
) -> Result<Task, (IssueCode, &'static str)> {
    let sheet = tb.sheet.name.as_str();
    let title = text(row, L::Title);
    if title.is_empty() {
        issues.warn(
            IssueCode::LedgerMissingValue,
            sheet,
            tb.cell(row, L::Title),
            format!("任务 {id} 没有填写事项名称，请补填。"),
            "",
        );
    }
    let stars = stars(tb, row, &id, issues)?;
    let mut bad_date = false;
    let mut date = |key, what| match task_date(tb, row, key, year, what, &id, issues) {
        Ok(d) => d,
        Err(()) => {
            bad_date = true;
            None
        }
    };
    let start = date(L::Start, "开始日期");
    let deadline = date(L::Deadline, "完成时限");
    let assigned = date(L::Assigned, "交办日期");
    if bad_date {
        return Err((IssueCode::LedgerInvalidDate, "日期无法识别"));
    }
    let state_mark = state_mark(tb, row, &id, issues);
    Ok(Task {
        id,
        title,
        source: text(row, L::Source),
        stars,
        leader: text(row, L::Leader),
        lead_unit: UnitName::new(own(row, L::LeadUnit)),
        coop_units: split_list(&text(row, L::CoopUnits))
            .into_iter()
            .map(UnitName::new)
            .collect(),
        owner: text(row, L::Owner),
        start,
        deadline,
        assigned,
        requirements: text(row, L::Requirements),
        milestones: Vec::new(),
        ledger_row: row.row + 1,
        state_mark,
        group: None,
    })
}

/// The 状态 column (销号 / 在办); a value not understood is left out with a
/// warning.
fn state_mark(
    tb: &Table<'_, L>,
    row: &RawRow<L>,
    id: &TaskId,
    issues: &mut Issues,
) -> Option<StateMark> {
    let written = text(row, L::State);
    crate::closing::parse_state_mark(&written).unwrap_or_else(|_| {
        issues.warn(
            IssueCode::LedgerInvalidValue,
            &tb.sheet.name,
            tb.cell(row, L::State),
            format!(
                "任务 {id} 的状态“{written}”无法识别，已按未填写处理（报送已完成且进度100%后自动销号）。手动销号请填“销号”，恢复办理请填“在办”。"
            ),
            &written,
        );
        None
    })
}

/// 星级: 3, 4 or 5 in any spelling; blank is taken as 3 (a warning); any
/// other value holds the task out.
fn stars(
    tb: &Table<'_, L>,
    row: &RawRow<L>,
    id: &TaskId,
    issues: &mut Issues,
) -> Result<u8, (IssueCode, &'static str)> {
    let v = row.value(L::Stars);
    if let Some(s) = parse_stars(v).filter(|s| (3..=5).contains(s)) {
        return Ok(s);
    }
    let sheet = tb.sheet.name.as_str();
    let cell = tb.cell(row, L::Stars);
    let has_column = tb.header.columns.iter().any(|c| c.key == L::Stars);
    if v.is_empty() {
        if has_column {
            let msg =
                format!("任务 {id} 没有填写星级，暂按3星（每季度报送）处理。请填写3、4或5星。");
            issues.warn(IssueCode::LedgerInvalidStars, sheet, cell, msg, "");
        }
        return Ok(3);
    }
    let shown = v.display();
    let msg = format!("任务 {id} 的星级“{shown}”不是3、4、5星之一，未作为任务读取（不生成表单、不考核）。请改为3、4或5（如 3、3★、★★★、三星）。");
    issues.push(
        IssueCode::LedgerInvalidStars,
        Severity::Error,
        sheet,
        cell,
        msg,
        &shown,
    );
    Err((IssueCode::LedgerInvalidStars, "星级不是3、4、5星之一"))
}

/// A date of a task: blank, a date, a phrase (`2023年底`, `6月底前`), or
/// open-ended (`长期坚持`, no date). Anything else is an error (`Err`).
fn task_date(
    tb: &Table<'_, L>,
    row: &RawRow<L>,
    key: L,
    year: i32,
    what: &str,
    id: &TaskId,
    issues: &mut Issues,
) -> Result<Option<NaiveDate>, ()> {
    let v = row.value(key);
    if v.is_empty() {
        return Ok(None);
    }
    if let Some(d) = parse_date(v, year) {
        return Ok(Some(d));
    }
    let end = key != L::Start;
    match date_phrase(&v.as_text(), year, end) {
        Some(Phrase::Date(d)) => return Ok(Some(d)),
        Some(Phrase::Open) if key == L::Deadline => return Ok(None),
        _ => {}
    }
    let shown = v.display();
    let msg = format!("任务 {id} 的{what}“{shown}”无法识别为日期，未作为任务读取（不生成表单、不考核）。请写成 2023-03-15、2023年3月15日 或 2023年6月底 这样的日期。");
    let cell = tb.cell(row, key);
    issues.push(
        IssueCode::LedgerInvalidDate,
        Severity::Error,
        &tb.sheet.name,
        cell,
        msg,
        &shown,
    );
    Err(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_nest_by_numbering() {
        let mut g = Groups::default();
        assert_eq!(g.current(), None);
        g.open("一、经济发展（22项）");
        assert_eq!(g.current().as_deref(), Some("一、经济发展"));
        g.open("（一）招商引资");
        assert_eq!(
            g.current().as_deref(),
            Some("一、经济发展 / （一）招商引资")
        );
        g.open("（二）项目建设（5项）");
        assert_eq!(
            g.current().as_deref(),
            Some("一、经济发展 / （二）项目建设")
        );
        g.open("二、民生保障");
        assert_eq!(g.current().as_deref(), Some("二、民生保障"));
        g.open("生态环境类");
        assert_eq!(g.current().as_deref(), Some("生态环境类"));
    }
}
