//! The master ledger workbook: 台账 (tasks), 节点 (milestones), 单位 (units)
//! and 评价 (evaluations) sheets. The 台账 sheet's rows (tasks, group
//! headings, totals, broken rows) are read in `tasks.rs`.
//!
//! Every problem is the office's own: a `LEDGER_*` issue. A row that is
//! broken (see `tasks.rs`) is never a task, nor its unit a unit; its id is
//! held ([`HeldTask`]) so that a unit's returned row for it is kept aside
//! without blame. Units are canonical names from the 单位 sheet: a task whose
//! 牵头单位 is not on it is held too (`LEDGER_UNKNOWN_UNIT`).

mod dates;
mod tasks;

use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use anyhow::{anyhow, bail, Context};
use chrono::Datelike;

use super::grid::SheetGrid;
use super::guard::{install_quiet_panic_hook, ParsingGuard};
use super::header::{self, Header};
use super::raw::RawRow;
use super::rowkind::{is_total_text, merged_across, numbering_level};
use super::sniff::{self, FileFormat, Sniffed};
use super::workbook::read_sheets;
use crate::config::Limits;
use crate::model::{
    Evaluation, HeldTask, Issue, IssueCode, Ledger, Milestone, Severity, Task, Unit,
};
use crate::schema::a1::a1;
use crate::schema::{
    example, Columns, EvaluationField as E, Field, LedgerField as L, MilestoneField as M, TaskId,
    UnitField as U, UnitName, NO_CATEGORY,
};
use crate::templates::templates;
use crate::text::{norm_header, split_list, trim};
use crate::value::{parse_date, parse_percent, parse_score, CellValue};

/// Which ledger table a sheet holds, from its (normalised) name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Tasks,
    Milestones,
    Units,
    Evaluations,
}

fn role_of(sheet_name: &str) -> Option<Role> {
    let n = norm_header(sheet_name);
    if n.contains("评价") || n.contains("测评") {
        Some(Role::Evaluations)
    } else if n.contains("节点") {
        Some(Role::Milestones)
    } else if n.contains("台账") || n.contains("任务") || n.contains("事项") {
        Some(Role::Tasks)
    } else if n.contains("单位") || n.contains("部门") {
        Some(Role::Units)
    } else {
        None
    }
}

/// A located table: its sheet, header and data rows.
struct Table<'a, F> {
    sheet: &'a SheetGrid,
    header: Header<F>,
}

impl<F: Field> Table<'_, F> {
    /// The data rows, read from the sheet one at a time (a ledger of 50,000
    /// tasks would otherwise hold every row's cells twice).
    fn rows(&self) -> header::DataRows<'_, F> {
        header::data_rows(&self.sheet.grid, &self.header, false)
    }

    /// [`Table::rows`] and the rows with nothing of their own in the
    /// matched columns (headings in an unmatched column, merged across).
    fn all_rows(&self) -> header::DataRows<'_, F> {
        header::all_rows(&self.sheet.grid, &self.header)
    }

    fn cell(&self, row: &RawRow<F>, key: F) -> Option<String> {
        row.get(key).map(|c| a1(row.row, c.col))
    }
}

fn text<F: Field>(row: &RawRow<F>, key: F) -> String {
    row.value(key).as_text()
}

fn find_table<'a, F: Field>(
    sheet: &'a SheetGrid,
    cols: &'static Columns<F>,
    key: F,
) -> Option<Table<'a, F>> {
    let header = header::find_header(&sheet.grid, cols, key)?;
    Some(Table { sheet, header })
}

/// Collects ledger issues with the ledger's file name.
struct Issues {
    file: String,
    list: Vec<Issue>,
}

impl Issues {
    fn push(
        &mut self,
        code: IssueCode,
        severity: Severity,
        sheet: &str,
        cell: Option<String>,
        msg: String,
        value: &str,
    ) {
        let mut i = Issue::new(code, severity, msg)
            .file(self.file.clone())
            .sheet(sheet)
            .value(value);
        i.cell = cell;
        self.list.push(i);
    }

    fn warn(
        &mut self,
        code: IssueCode,
        sheet: &str,
        cell: Option<String>,
        msg: String,
        value: &str,
    ) {
        self.push(code, Severity::Warning, sheet, cell, msg, value);
    }
}

/// The ledger is the office's own file, one per run, and a city's holds
/// 200,000 tasks (2.4 million cells): it may be ten times larger than a
/// returned form (cells, bytes and inflated size); rows are not limited.
const LEDGER_LIMIT_FACTOR: u64 = 10;

fn ledger_limits(limits: &Limits) -> Limits {
    Limits {
        max_file_bytes: limits.max_file_bytes.saturating_mul(LEDGER_LIMIT_FACTOR),
        max_cells: limits.max_cells.saturating_mul(LEDGER_LIMIT_FACTOR),
        max_inflated_bytes: limits
            .max_inflated_bytes
            .saturating_mul(LEDGER_LIMIT_FACTOR),
        ..limits.clone()
    }
}

fn load_sheets(path: &Path, name: &str, limits: &Limits) -> anyhow::Result<Vec<SheetGrid>> {
    let bytes = std::fs::read(path).with_context(|| {
        format!(
            "无法打开台账文件 {}，请确认路径正确、文件没有被其他程序占用",
            path.display()
        )
    })?;
    if bytes.len() as u64 > limits.max_file_bytes {
        bail!(
            "台账文件 {name} 过大（超过上限 {} 字节），请删除多余内容后另存再试",
            limits.max_file_bytes
        );
    }
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let format = match sniff::sniff(&bytes, &ext, limits.max_inflated_bytes) {
        Sniffed::Empty => bail!("台账文件 {name} 是空文件（0 字节），请重新保存台账后再试"),
        Sniffed::Damaged => bail!("台账文件 {name} 已损坏或不完整，请在 Excel/WPS 中打开确认后重新保存再试"),
        Sniffed::TooLarge { .. } => bail!("台账文件 {name} 解压后过大，可能含有大量空白格式，请只保留台账内容后另存再试"),
        Sniffed::Format(FileFormat::Encrypted) => bail!("台账文件 {name} 设置了打开密码，无法读取。请取消密码后另存一份再试"),
        Sniffed::Format(FileFormat::Html) => bail!("台账文件 {name} 是网页文件另存为的表格，请在 Excel/WPS 中打开后“另存为”Excel 工作簿(.xlsx)再试"),
        Sniffed::Format(FileFormat::Other) => bail!("台账文件 {name} 不是可识别的电子表格，请另存为 Excel 工作簿(.xlsx)再试"),
        Sniffed::Format(f) => f,
    };
    let usable = |s: &[SheetGrid]| {
        s.iter()
            .any(|sh| header::find_header(&sh.grid, &templates().ledger_tasks, L::Id).is_some())
    };
    install_quiet_panic_hook();
    match catch_unwind(AssertUnwindSafe(|| {
        let _quiet = ParsingGuard::enter();
        read_sheets(&bytes, format, limits, usable)
    })) {
        Ok(Ok(sheets)) => match sheets.iter().find(|s| s.truncated) {
            // A ledger read in part would turn real tasks into "unknown task ids".
            Some(s) => Err(anyhow!(
                "台账文件 {name} 的工作表“{}”第{}行以下还有内容，超出读取上限，未完整读取。请删除多余的行后另存再试；如台账确有这么多行，请调高配置文件 [limits] 中的 max_rows",
                s.name,
                limits.max_rows
            )),
            None => Ok(sheets),
        },
        Ok(Err(e)) => {
            let (_, msg) = e.problem();
            Err(anyhow!("台账文件 {name} 无法读取：{msg}"))
        }
        Err(_) => Err(anyhow!(
            "台账文件 {name} 已损坏，无法读取。请在 Excel/WPS 中打开确认后重新保存再试"
        )),
    }
}

pub(crate) fn read_ledger(
    path: &Path,
    name: &str,
    limits: &Limits,
) -> anyhow::Result<(Ledger, Vec<Issue>)> {
    let name = name.to_string();
    let tt = crate::timing::phase("  ledger load");
    let limits = &ledger_limits(limits);
    let mut sheets = load_sheets(path, &name, limits)?;
    // A visible sheet before a hidden one of the same role (an old copy
    // hidden away), the workbook's order otherwise.
    sheets.sort_by_key(|s| s.hidden);
    drop(tt);
    let tt = crate::timing::phase("  ledger parse");
    let t = templates();
    let mut issues = Issues {
        file: name.clone(),
        list: Vec::new(),
    };

    let by_role = |role: Role| {
        sheets
            .iter()
            .filter(move |s| role_of(&s.name) == Some(role))
    };
    // 台账: the named sheet, else any sheet whose header reads as a task list.
    let tasks_table = by_role(Role::Tasks)
        .find_map(|s| find_table(s, &t.ledger_tasks, L::Id))
        .or_else(|| {
            sheets
                .iter()
                .filter(|s| role_of(&s.name).is_none())
                .filter_map(|s| find_table(s, &t.ledger_tasks, L::Id))
                .find(|tb| tb.header.columns.iter().any(|c| c.key == L::LeadUnit))
        })
        .ok_or_else(|| {
            anyhow!(
                "台账文件 {name} 中没有找到“台账”工作表（或其表头）。请保留名为“台账”的工作表，表头应含“编号”“事项名称”“牵头单位”等列"
            )
        })?;
    let missing = tasks_table.header.missing_required(&t.ledger_tasks);
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|&k| t.ledger_tasks.name(k)).collect();
        bail!(
            "台账文件 {name} 的“{}”工作表缺少必需的列：{}。请补上这些列后再试",
            tasks_table.sheet.name,
            names.join("、")
        );
    }

    let default_year = default_year(&tasks_table);

    let read = tasks::read_tasks(&tasks_table, default_year, &mut issues);
    let mut tasks = read.tasks;
    let mut held = read.held;

    // 单位
    let units_table = by_role(Role::Units).find_map(|s| find_table(s, &t.ledger_units, U::Name));
    let mut units = match &units_table {
        Some(tb) => read_units(tb, &read.lead_units, &mut issues),
        None => Vec::new(),
    };
    let example_unit = units_table.is_some() && !units.iter().any(|u| u.name == example::UNIT);

    if units_table.is_none() {
        let mut seen = HashSet::new();
        for task in &tasks {
            let unit = UnitName::new(task.lead_unit.trim());
            if !unit.is_empty() && seen.insert(unit.clone()) {
                units.push(Unit {
                    name: unit,
                    code: None,
                    category: NO_CATEGORY.to_string(),
                    aliases: Vec::new(),
                    contact: String::new(),
                    phone: String::new(),
                });
            }
        }
        issues.list.push(
            Issue::warning(
                IssueCode::LedgerNoUnitSheet,
                format!("台账中没有“单位”工作表，已按“牵头单位”列生成单位名单（类别均为“{NO_CATEGORY}”）。如需按类别排名，请补充“单位”工作表（单位名称、类别、别名）。"),
            )
            .file(name.clone()),
        );
    } else {
        resolve_units(&mut tasks, &mut held, &units, &tasks_table, &mut issues);
    }

    // 节点
    if let Some(tb) =
        by_role(Role::Milestones).find_map(|s| find_table(s, &t.ledger_milestones, M::Id))
    {
        let example = read.example_skipped;
        read_milestones(&tb, &mut tasks, &held, example, default_year, &mut issues);
    }
    for task in &mut tasks {
        task.milestones.sort_by_key(|m| m.date);
    }

    // 评价
    let evaluations = match by_role(Role::Evaluations)
        .find_map(|s| find_table(s, &t.ledger_evaluations, E::Unit))
    {
        Some(tb) => read_evaluations(&tb, &units, example_unit, &mut issues),
        None => Vec::new(),
    };

    drop(tt);
    let _tt = crate::timing::phase("  ledger new");
    let ledger = Ledger::new(tasks, units, evaluations).with_held(held);
    Ok((ledger, issues.list))
}

/// The year dates without one belong to: the year of the first full date in
/// the task sheet, else the first year written in a date cell (`2023年底`)
/// or in the title above the header (`2023年重点工作台账`), else the current year.
fn default_year(tb: &Table<'_, L>) -> i32 {
    let values = || {
        tb.rows()
            .flat_map(|r| [L::Deadline, L::Start, L::Assigned].map(|k| r.value(k).clone()))
    };
    // A full date reads the same whatever year is assumed.
    let full = values().find_map(|v| match (parse_date(&v, 1900), parse_date(&v, 2000)) {
        (Some(a), Some(b)) if a == b => Some(a.year()),
        _ => None,
    });
    let title = || header::preamble(&tb.sheet.grid, &tb.header).into_iter();
    full.or_else(|| values().find_map(|v| year_in(&v.as_text())))
        .or_else(|| title().find_map(|l| year_in(&l)))
        .unwrap_or_else(|| chrono::Local::now().year())
}

/// A year written `2023年` in a text.
fn year_in(text: &str) -> Option<i32> {
    let t = crate::text::to_half_width(text);
    let (i, _) = t.match_indices('年').next()?;
    let digits: String = t[..i]
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect();
    let y: i32 = digits.chars().rev().collect::<String>().parse().ok()?;
    (digits.len() == 4 && (1990..=2100).contains(&y)).then_some(y)
}

/// A row of the 单位 or 评价 sheet that names no unit: a group heading
/// (`一、区直部门（14个）`, `（二）乡镇街道`, a row merged across the table),
/// a total (`合计`, `小计：14个`, `共22个`) or an average (`平均`, `平均分`).
/// Skipped without a word, as the 台账 sheet's headings and totals are.
fn not_a_unit<F: Field>(tb: &Table<'_, F>, row: u32, name: &str) -> bool {
    let squeezed: String = name.split_whitespace().collect();
    is_total_text(name)
        || matches!(squeezed.as_str(), "平均" | "平均分" | "平均值" | "均值")
        || numbering_level(name).is_some()
        || merged_across(&tb.sheet.grid, row) >= 3
}

/// The 单位 sheet. The template's example unit, left unedited, is skipped
/// unless a task row names it (`lead_units`: 牵头单位 as written).
fn read_units(tb: &Table<'_, U>, lead_units: &[String], issues: &mut Issues) -> Vec<Unit> {
    let sheet = tb.sheet.name.as_str();
    let mut units: Vec<Unit> = Vec::new();
    let mut seen: HashMap<UnitName, u32> = HashMap::new();
    for row in tb.rows() {
        let row = &row;
        let name = UnitName::new(text(row, U::Name));
        if name.is_empty() || not_a_unit(tb, row.row, &name) {
            continue;
        }
        let example = name == example::UNIT
            && text(row, U::Contact) == example::UNIT_CONTACT
            && text(row, U::Phone) == example::UNIT_PHONE;
        if example && !lead_units.iter().any(|u| trim(u) == example::UNIT) {
            issues.warn(
                IssueCode::LedgerExampleRow,
                sheet,
                tb.cell(row, U::Name),
                format!("“单位”工作表第{}行是模板自带的示例（{name}，联系人{}），未读取。请删除示例行，或改写成真实单位。", row.row + 1, example::UNIT_CONTACT),
                &name,
            );
            continue;
        }
        if let Some(first) = seen.get(&name) {
            issues.warn(
                IssueCode::LedgerDuplicateUnit,
                sheet,
                tb.cell(row, U::Name),
                format!("单位“{name}”重复（第 {first} 行已有），已忽略本行。请删除重复的单位。"),
                &name,
            );
            continue;
        }
        seen.insert(name.clone(), row.row + 1);
        let code = text(row, U::Code);
        let category = text(row, U::Category);
        units.push(Unit {
            name,
            code: (!code.is_empty()).then_some(code),
            category: if category.is_empty() {
                NO_CATEGORY.to_string()
            } else {
                category
            },
            aliases: split_list(&text(row, U::Aliases)),
            contact: text(row, U::Contact),
            phone: text(row, U::Phone),
        });
    }
    units
}

fn read_date<F: Field>(
    row: &RawRow<F>,
    key: F,
    year: i32,
    tb: &Table<'_, F>,
    what: &str,
    issues: &mut Issues,
) -> Option<chrono::NaiveDate> {
    let v = row.value(key);
    if v.is_empty() {
        return None;
    }
    let d = parse_date(v, year);
    if d.is_none() {
        issues.warn(
            IssueCode::LedgerInvalidDate,
            &tb.sheet.name,
            tb.cell(row, key),
            format!("{what}“{}”不是有效日期，该节点已忽略。请写成 2023-03-15 或 2023年3月15日 这样的日期。", v.display()),
            &v.display(),
        );
    }
    d
}

/// Replace lead and cooperating unit names by the canonical 单位 names. A
/// task whose 牵头单位 is not on the 单位 sheet is held out (its unit is no
/// unit): `LEDGER_UNKNOWN_UNIT`.
fn resolve_units(
    tasks: &mut Vec<Task>,
    held: &mut Vec<HeldTask>,
    units: &[Unit],
    tb: &Table<'_, L>,
    issues: &mut Issues,
) {
    let idx = Ledger::new(Vec::new(), units.to_vec(), Vec::new());
    let resolve = |name: &str| {
        idx.unit(name)
            .or_else(|| idx.find_unit_in(name))
            .map(|u| u.name.clone())
    };
    let col = tb
        .header
        .columns
        .iter()
        .find(|c| c.key == L::LeadUnit)
        .map(|c| c.col);
    tasks.retain_mut(|task| {
        let Some(unit) = resolve(&task.lead_unit) else {
            issues.push(
                IssueCode::LedgerUnknownUnit,
                Severity::Error,
                &tb.sheet.name,
                col.map(|c| a1(task.ledger_row - 1, c)),
                format!(
                    "任务 {} 的牵头单位“{}”不在“单位”工作表中，未作为任务读取（不生成表单、不考核），单位报送的该任务暂不处理。请核对单位名称，或在“单位”工作表中补充该单位（可填别名）。",
                    task.id, task.lead_unit
                ),
                task.lead_unit.as_str(),
            );
            held.push(HeldTask {
                id: task.id.clone(),
                code: IssueCode::LedgerUnknownUnit,
                defect: format!("牵头单位“{}”不在单位名单中", task.lead_unit),
                rows: vec![task.ledger_row],
            });
            return false;
        };
        task.lead_unit = unit;
        task.coop_units = task
            .coop_units
            .iter()
            .map(|c| resolve(c).unwrap_or_else(|| c.clone()))
            .collect();
        true
    });
    held.sort_by(|a, b| a.id.cmp(&b.id));
}

/// The 节点 sheet. `example`: the template's example task was skipped, so
/// its example milestone goes too.
fn read_milestones(
    tb: &Table<'_, M>,
    tasks: &mut [Task],
    held: &[HeldTask],
    example: bool,
    year: i32,
    issues: &mut Issues,
) {
    let sheet = tb.sheet.name.as_str();
    let index: HashMap<TaskId, usize> = tasks
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.clone(), i))
        .collect();
    for row in tb.rows() {
        let row = &row;
        let id = text(row, M::Id);
        let tid = TaskId::new(&id);
        let Some(&ti) = index.get(&tid) else {
            let example_row = example
                && tid == TaskId::new(example::TASK_ID)
                && matches!(row.value(M::Planned), CellValue::Number(n) if *n == example::MILESTONE_PLANNED as f64);
            if example_row {
                continue;
            }
            let msg = match held.iter().find(|h| h.id == tid) {
                Some(h) => format!(
                    "节点表中的编号“{id}”的任务在台账中有误（{}），该节点已忽略。",
                    h.defect
                ),
                None => format!("节点表中的编号“{id}”在台账中不存在，已忽略。请核对编号。"),
            };
            issues.warn(
                IssueCode::LedgerUnknownTask,
                sheet,
                tb.cell(row, M::Id),
                msg,
                &id,
            );
            continue;
        };
        let date = read_date(row, M::Date, year, tb, "节点日期", issues);
        let planned_v = row.value(M::Planned);
        let planned = parse_percent(planned_v).ok();
        if planned.is_none() {
            issues.warn(
                IssueCode::LedgerInvalidValue,
                sheet,
                tb.cell(row, M::Planned),
                format!(
                    "任务 {id} 的计划进度“{}”无效，该节点已忽略。请填写 0–100 的数字（如 60 或 60%）。",
                    planned_v.display()
                ),
                &planned_v.display(),
            );
        }
        if let (Some(date), Some(planned)) = (date, planned) {
            tasks[ti].milestones.push(Milestone { date, planned });
        } else if date.is_none() && row.value(M::Date).is_empty() {
            issues.warn(
                IssueCode::LedgerMissingValue,
                sheet,
                tb.cell(row, M::Date),
                format!("任务 {id} 的节点没有填写日期，该节点已忽略。"),
                "",
            );
        }
    }
}

/// The 评价 sheet. `example_unit`: the template's example unit was
/// skipped, so its example evaluations go too.
fn read_evaluations(
    tb: &Table<'_, E>,
    units: &[Unit],
    example_unit: bool,
    issues: &mut Issues,
) -> Vec<Evaluation> {
    let sheet = tb.sheet.name.as_str();
    let idx = Ledger::new(Vec::new(), units.to_vec(), Vec::new());
    let mut out = Vec::new();
    for row in tb.rows() {
        let row = &row;
        let written = text(row, E::Unit);
        if written.is_empty() || not_a_unit(tb, row.row, &written) {
            continue;
        }
        let example_row = example_unit
            && written == example::UNIT
            && [E::SelfEval, E::Team, E::Public, E::Leader].iter().all(
                |&k| matches!(row.value(k), CellValue::Number(n) if *n == example::SCORE as f64),
            );
        if example_row {
            continue;
        }
        let unit = match idx.unit(&written) {
            Some(u) => u.name.clone(),
            None => {
                issues.warn(
                    IssueCode::LedgerUnknownUnit,
                    sheet,
                    tb.cell(row, E::Unit),
                    format!(
                        "评价表中的单位“{written}”不在“单位”工作表中，按原文保留。请核对单位名称。"
                    ),
                    &written,
                );
                UnitName::new(written.clone())
            }
        };
        let mut score = |key: E, what: &str| {
            let v: &CellValue = row.value(key);
            if v.is_empty() {
                return None;
            }
            let s = parse_score(v);
            if s.is_none() {
                issues.warn(
                    IssueCode::LedgerInvalidValue,
                    sheet,
                    tb.cell(row, key),
                    format!(
                        "{unit}的{what}“{}”无效，已按未评价处理。请填写 0–100 的分数。",
                        v.display()
                    ),
                    &v.display(),
                );
            }
            s
        };
        let self_eval = score(E::SelfEval, "自评");
        let team = score(E::Team, "专班评价");
        let public = score(E::Public, "群众评价");
        let leader = score(E::Leader, "领导评价");
        out.push(Evaluation {
            unit,
            self_eval,
            team,
            public,
            leader,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_roles() {
        assert_eq!(role_of("台账"), Some(Role::Tasks));
        assert_eq!(role_of("重点工作台账"), Some(Role::Tasks));
        assert_eq!(role_of("节点"), Some(Role::Milestones));
        assert_eq!(role_of("单位名单"), Some(Role::Units));
        assert_eq!(role_of("单位评价"), Some(Role::Evaluations));
        assert_eq!(role_of("Sheet1"), None);
    }
}
