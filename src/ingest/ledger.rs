//! The master ledger workbook: 台账 (tasks), 节点 (milestones), 单位 (units)
//! and 评价 (evaluations) sheets.

use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use anyhow::{anyhow, bail, Context};
use chrono::Datelike;

use super::grid::SheetGrid;
use super::guard::{install_quiet_panic_hook, ParsingGuard};
use super::header::{self, Header};
use super::raw::RawRow;
use super::sniff::{self, FileFormat, Sniffed};
use super::workbook::read_sheets;
use crate::config::Limits;
use crate::model::{Evaluation, Issue, IssueCode, Ledger, Milestone, StateMark, Task, Unit};
use crate::schema::a1::a1;
use crate::schema::{
    Columns, EvaluationField as E, Field, LedgerField as L, MilestoneField as M, TaskId,
    UnitField as U, UnitName, NO_CATEGORY,
};
use crate::templates::templates;
use crate::text::{norm_header, split_list, to_half_width, trim};
use crate::value::{parse_date, parse_percent, parse_score, parse_stars, CellValue};

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
    fn warn(
        &mut self,
        code: IssueCode,
        sheet: &str,
        cell: Option<String>,
        msg: String,
        value: &str,
    ) {
        let mut i = Issue::warning(code, msg)
            .file(self.file.clone())
            .sheet(sheet)
            .value(value);
        i.cell = cell;
        self.list.push(i);
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
    let sheets = load_sheets(path, &name, limits)?;
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

    // 单位
    let units_table = by_role(Role::Units).find_map(|s| find_table(s, &t.ledger_units, U::Name));
    let mut units = match &units_table {
        Some(tb) => read_units(tb, &mut issues),
        None => Vec::new(),
    };

    let mut tasks = read_tasks(&tasks_table, default_year, &mut issues);

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
                IssueCode::FileUnknownUnit,
                format!("台账中没有“单位”工作表，已按“牵头单位”列生成单位名单（类别均为“{NO_CATEGORY}”）。如需按类别排名，请补充“单位”工作表（单位名称、类别、别名）。"),
            )
            .file(name.clone()),
        );
    }

    resolve_units(&mut tasks, &units, &tasks_table, &mut issues);

    // 节点
    if let Some(tb) =
        by_role(Role::Milestones).find_map(|s| find_table(s, &t.ledger_milestones, M::Id))
    {
        read_milestones(&tb, &mut tasks, default_year, &mut issues);
    }
    for task in &mut tasks {
        task.milestones.sort_by_key(|m| m.date);
    }

    // 评价
    let evaluations = match by_role(Role::Evaluations)
        .find_map(|s| find_table(s, &t.ledger_evaluations, E::Unit))
    {
        Some(tb) => read_evaluations(&tb, &units, &mut issues),
        None => Vec::new(),
    };

    drop(tt);
    let _tt = crate::timing::phase("  ledger new");
    Ok((Ledger::new(tasks, units, evaluations), issues.list))
}

/// The year of the first full date in the task sheet, else the current year.
fn default_year(tb: &Table<'_, L>) -> i32 {
    tb.rows()
        .flat_map(|r| [L::Deadline, L::Start, L::Assigned].map(|k| r.value(k).clone()))
        .find_map(|v| parse_date(&v, 1900))
        .map(|d| d.year())
        .unwrap_or_else(|| chrono::Local::now().year())
}

fn read_units(tb: &Table<'_, U>, issues: &mut Issues) -> Vec<Unit> {
    let sheet = tb.sheet.name.as_str();
    let mut units: Vec<Unit> = Vec::new();
    let mut seen: HashMap<UnitName, u32> = HashMap::new();
    for row in tb.rows() {
        let row = &row;
        let name = UnitName::new(text(row, U::Name));
        if name.is_empty() {
            continue;
        }
        if let Some(first) = seen.get(&name) {
            issues.warn(
                IssueCode::FileUnknownUnit,
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
            IssueCode::RowInvalidDate,
            &tb.sheet.name,
            tb.cell(row, key),
            format!("{what}“{}”不是有效日期，已按未填写处理。请写成 2023-03-15 或 2023年3月15日 这样的日期。", v.display()),
            &v.display(),
        );
    }
    d
}

fn read_tasks(tb: &Table<'_, L>, year: i32, issues: &mut Issues) -> Vec<Task> {
    let sheet = tb.sheet.name.as_str();
    let mut tasks: Vec<Task> = Vec::new();
    let mut seen: HashMap<TaskId, u32> = HashMap::new();
    for row in tb.rows() {
        let row = &row;
        let line = row.row + 1;
        let written = to_half_width(trim(&text(row, L::Id))).trim().to_string();
        let id = TaskId::new(&written);
        if id.is_empty() {
            issues.warn(
                IssueCode::RowMissingValue,
                sheet,
                tb.cell(row, L::Id),
                format!("台账第 {line} 行没有编号，已跳过。请为该任务补填编号。"),
                "",
            );
            continue;
        }
        if let Some(first) = seen.get(&id) {
            issues.warn(
                IssueCode::RowDuplicateTask,
                sheet,
                tb.cell(row, L::Id),
                format!("编号“{written}”在台账中重复（第 {first} 行已有），已忽略本行。请为每项任务使用唯一编号。"),
                &written,
            );
            continue;
        }
        seen.insert(id.clone(), line);
        let title = text(row, L::Title);
        if title.is_empty() {
            issues.warn(
                IssueCode::RowMissingValue,
                sheet,
                tb.cell(row, L::Title),
                format!("任务 {id} 没有填写事项名称，请补填。"),
                "",
            );
        }
        let stars_v = row.value(L::Stars);
        let stars = match parse_stars(stars_v).filter(|s| (3..=5).contains(s)) {
            Some(s) => s,
            None => {
                let msg = if stars_v.is_empty() {
                    format!("任务 {id} 没有填写星级，按 3 星处理。请填写 3、4 或 5 星。")
                } else {
                    format!(
                        "任务 {id} 的星级“{}”无法识别，按 3 星处理。请填写 3、4 或 5 星（如 3、3★、★★★、三星）。",
                        stars_v.display()
                    )
                };
                issues.warn(
                    IssueCode::RowMissingValue,
                    sheet,
                    tb.cell(row, L::Stars),
                    msg,
                    &stars_v.display(),
                );
                3
            }
        };
        let lead_unit = text(row, L::LeadUnit);
        if lead_unit.is_empty() {
            issues.warn(
                IssueCode::RowMissingValue,
                sheet,
                tb.cell(row, L::LeadUnit),
                format!("任务 {id} 没有填写牵头单位，该任务无人报送和考核。请补填牵头单位。"),
                "",
            );
        }
        let start = read_date(row, L::Start, year, tb, "开始日期", issues);
        let deadline = read_date(row, L::Deadline, year, tb, "完成时限", issues);
        let assigned = read_date(row, L::Assigned, year, tb, "交办日期", issues);
        let state_mark = read_state_mark(row, tb, &id, issues);
        tasks.push(Task {
            id,
            title,
            source: text(row, L::Source),
            stars,
            leader: text(row, L::Leader),
            lead_unit: lead_unit.into(),
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
            ledger_row: line,
            state_mark,
        });
    }
    tasks
}

/// The 状态 column (销号 / 在办); a value not understood is left out with a warning.
fn read_state_mark(
    row: &RawRow<L>,
    tb: &Table<'_, L>,
    id: &TaskId,
    issues: &mut Issues,
) -> Option<StateMark> {
    let written = text(row, L::State);
    crate::closing::parse_state_mark(&written).unwrap_or_else(|_| {
        issues.warn(
            IssueCode::RowInvalidStatus,
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

/// Replace lead and cooperating unit names by the canonical 单位 names.
fn resolve_units(tasks: &mut [Task], units: &[Unit], tb: &Table<'_, L>, issues: &mut Issues) {
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
    for task in tasks.iter_mut() {
        if task.lead_unit.is_empty() {
            continue;
        }
        match resolve(&task.lead_unit) {
            Some(n) => task.lead_unit = n,
            None => issues.warn(
                IssueCode::FileUnknownUnit,
                &tb.sheet.name,
                col.map(|c| a1(task.ledger_row - 1, c)),
                format!(
                    "任务 {} 的牵头单位“{}”不在“单位”工作表中，按原文保留。请核对单位名称或在“单位”工作表中补充（可填别名）。",
                    task.id, task.lead_unit
                ),
                task.lead_unit.as_str(),
            ),
        }
        task.coop_units = task
            .coop_units
            .iter()
            .map(|c| resolve(c).unwrap_or_else(|| c.clone()))
            .collect();
    }
}

fn read_milestones(tb: &Table<'_, M>, tasks: &mut [Task], year: i32, issues: &mut Issues) {
    let sheet = tb.sheet.name.as_str();
    let index: HashMap<TaskId, usize> = tasks
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.clone(), i))
        .collect();
    for row in tb.rows() {
        let row = &row;
        let id = text(row, M::Id);
        let Some(&ti) = index.get(&TaskId::new(&id)) else {
            issues.warn(
                IssueCode::RowUnknownTask,
                sheet,
                tb.cell(row, M::Id),
                format!("节点表中的编号“{id}”在台账中不存在，已忽略。请核对编号。"),
                &id,
            );
            continue;
        };
        let date = read_date(row, M::Date, year, tb, "节点日期", issues);
        let planned_v = row.value(M::Planned);
        let planned = parse_percent(planned_v).ok();
        if planned.is_none() {
            issues.warn(
                IssueCode::RowInvalidPercent,
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
                IssueCode::RowMissingValue,
                sheet,
                tb.cell(row, M::Date),
                format!("任务 {id} 的节点没有填写日期，该节点已忽略。"),
                "",
            );
        }
    }
}

fn read_evaluations(tb: &Table<'_, E>, units: &[Unit], issues: &mut Issues) -> Vec<Evaluation> {
    let sheet = tb.sheet.name.as_str();
    let idx = Ledger::new(Vec::new(), units.to_vec(), Vec::new());
    let mut out = Vec::new();
    for row in tb.rows() {
        let row = &row;
        let written = text(row, E::Unit);
        if written.is_empty() {
            continue;
        }
        let unit = match idx.unit(&written) {
            Some(u) => u.name.clone(),
            None => {
                issues.warn(
                    IssueCode::FileUnknownUnit,
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
                    IssueCode::RowInvalidPercent,
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
