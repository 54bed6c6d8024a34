//! The unit form (反馈表) written by `duban forms` and, pre-filled, as next
//! period's form; and the blank master ledger written by `duban init`.
//!
//! Form layout (0-based rows): 0 merged title, 1 `填报单位：…　报送期次：…`,
//! 2 header, 3.. one row per task, then one blank row and a single merged
//! `填表说明：…` note cell (one row, so ingest takes it as a trailing note).
//! Assigned columns are locked (grey), answer columns unlocked; the sheet is
//! protected without a password. The very hidden sheet `_duban` holds the
//! form's identity (unit, period, version, generated) in columns A/B.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::NaiveDate;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, Format, FormatAlign,
    FormatBorder, ProtectionOptions, Workbook, Worksheet, XlsxError,
};

use rayon::prelude::*;

use super::xlsx::{
    build_sheet, save_atomic, save_atomic_level, set_properties, Formats, Sheet, UniqueNames, Val,
    SMALL_ZIP_LEVEL,
};
use crate::calendar::Calendar;
use crate::ingest::{FORM_VERSION, META_KEYS, META_SHEET};
use crate::model::{Ledger, Status, Task, Unit};
use crate::period::Period;
use crate::pipeline::RunResult;
use crate::templates::{templates, Columns};
use crate::validate::Report;

/// What one unit's form holds.
pub struct FormSpec<'a> {
    pub unit: &'a Unit,
    pub period: Period,
    /// Tasks due this period, in ledger order.
    pub tasks: Vec<&'a Task>,
    /// Effective deadlines by task id (完成时限 or derived).
    pub deadlines: BTreeMap<String, NaiveDate>,
    /// Last reports by task id, to pre-fill (next period's forms); empty for a fresh form.
    pub prefill: BTreeMap<String, std::sync::Arc<Report>>,
    /// Reporting deadline shown in the instructions.
    pub report_deadline: NaiveDate,
    /// Written into the metadata sheet (keep deterministic: pass the as-of date, not now()).
    pub generated: String,
}

/// One form per unit with tasks due in `period` (units without any are left
/// out), in ledger order. `prefill` holds last reports by task id (empty for
/// fresh forms); `generated` goes into the metadata (pass a date, not now()).
pub fn form_specs<'a>(
    ledger: &'a Ledger,
    period: Period,
    cal: &Calendar,
    prefill: &BTreeMap<String, std::sync::Arc<Report>>,
    report_deadline: NaiveDate,
    generated: &str,
) -> Vec<FormSpec<'a>> {
    ledger
        .units
        .iter()
        .filter_map(|unit| {
            let tasks: Vec<&Task> = ledger
                .tasks_of(&unit.name)
                .filter(|t| period.is_due(t.stars))
                .collect();
            if tasks.is_empty() {
                return None;
            }
            Some(FormSpec {
                unit,
                period,
                deadlines: tasks
                    .iter()
                    .filter_map(|t| cal.effective_deadline(t).map(|d| (t.id.clone(), d)))
                    .collect(),
                prefill: tasks
                    .iter()
                    .filter_map(|t| prefill.get(&t.id).map(|r| (t.id.clone(), r.clone())))
                    .collect(),
                tasks,
                report_deadline,
                generated: generated.to_string(),
            })
        })
        .collect()
}

/// Write every form as `<dir>/<unit>.xlsx` (safe, distinct file names), in
/// parallel; returns the paths in the order of `specs`.
pub fn write_forms(specs: &[FormSpec], dir: &Path) -> Result<Vec<PathBuf>> {
    let mut names = UniqueNames::default();
    let paths: Vec<PathBuf> = specs
        .iter()
        .map(|s| dir.join(names.xlsx(&s.unit.name)))
        .collect();
    specs
        .par_iter()
        .zip(paths.par_iter())
        .try_for_each(|(s, p)| write_form(s, p))?;
    Ok(paths)
}

/// Next period's forms (下期表单), pre-filled with this run's accepted reports.
pub fn write_next_forms(r: &RunResult, dir: &Path) -> Result<Vec<PathBuf>> {
    let next = r.period.next();
    let cal = Calendar::new(
        &r.config.holidays,
        &r.config.workdays,
        r.config.default_working_days,
    );
    let specs = form_specs(
        &r.ledger,
        next,
        &cal,
        &r.merged.reports,
        // A configured report_deadline belongs to this period; the next follows the default rule.
        next.end() + chrono::Duration::days(r.config.deadline_days as i64),
        &r.as_of.to_string(),
    );
    write_forms(&specs, dir)
}

/// Name of the form's data sheet.
pub const FORM_SHEET: &str = "反馈表";
/// 0-based row of the form's header.
pub const FORM_HEADER_ROW: u32 = 2;

/// Who fills a form column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    /// Copied from the ledger, locked.
    Assigned,
    /// Filled by the unit, unlocked.
    Answer,
}

/// How a column's cells look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Look {
    Text,
    Wrap,
    Center,
    Number,
    Date,
}

/// Form columns in order: (column key, who fills it, look, minimum width).
const FORM_COLUMNS: [(&str, Col, Look, f64); 17] = [
    ("seq", Col::Assigned, Look::Center, 6.0),
    ("id", Col::Assigned, Look::Center, 10.0),
    ("title", Col::Assigned, Look::Wrap, 22.0),
    ("stars", Col::Assigned, Look::Center, 6.0),
    ("leader", Col::Assigned, Look::Center, 10.0),
    ("deadline", Col::Assigned, Look::Date, 12.0),
    ("status", Col::Answer, Look::Center, 12.0),
    ("percent", Col::Answer, Look::Number, 10.0),
    ("progress", Col::Answer, Look::Wrap, 30.0),
    ("problems", Col::Answer, Look::Wrap, 20.0),
    ("next_steps", Col::Answer, Look::Wrap, 20.0),
    ("expected", Col::Answer, Look::Date, 13.0),
    ("delay_reason", Col::Answer, Look::Wrap, 16.0),
    ("filler", Col::Answer, Look::Center, 10.0),
    ("phone", Col::Answer, Look::Text, 14.0),
    ("head", Col::Answer, Look::Center, 12.0),
    ("fill_date", Col::Answer, Look::Date, 12.0),
];

/// The header text of a form column: the canonical name, `（%）` on percent.
fn form_header(key: &str) -> String {
    let name = templates().form.name(key);
    if key == "percent" {
        format!("{name}（%）")
    } else {
        name.to_string()
    }
}

/// Fill of the answer (unlocked) cells of a form.
pub const ANSWER_FILL: u32 = 0xFFFDE7;
/// Height of a form's task rows: room for three lines of handwriting-size text.
const FORM_ROW_HEIGHT: f64 = 45.0;

/// Body formats of the form: locked (grey) and unlocked (light yellow), by look.
struct FormFormats {
    locked: [Format; 5],
    open: [Format; 5],
}

fn look_index(l: Look) -> usize {
    match l {
        Look::Text => 0,
        Look::Wrap => 1,
        Look::Center => 2,
        Look::Number => 3,
        Look::Date => 4,
    }
}

impl FormFormats {
    fn new() -> FormFormats {
        let base = Format::new()
            .set_font_name("宋体")
            .set_font_size(11)
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        let looks = [
            base.clone(),
            base.clone().set_text_wrap(),
            base.clone().set_align(FormatAlign::Center).set_text_wrap(),
            base.clone().set_align(FormatAlign::Center),
            base.clone()
                .set_num_format("yyyy-mm-dd")
                .set_align(FormatAlign::Center),
        ];
        FormFormats {
            locked: looks
                .clone()
                .map(|f| f.set_background_color(Color::RGB(0xF2F2F2))),
            // Answer cells: a light yellow, so the unit sees at a glance where to type.
            open: looks.map(|f| {
                f.set_unlocked()
                    .set_background_color(Color::RGB(ANSWER_FILL))
            }),
        }
    }

    fn get(&self, col: Col, look: Look) -> &Format {
        match col {
            Col::Assigned => &self.locked[look_index(look)],
            Col::Answer => &self.open[look_index(look)],
        }
    }
}

/// The form's title.
pub fn form_title(unit: &str, period: &Period) -> String {
    format!("{unit}重点工作推进情况反馈表（{}）", period.label())
}

/// Write one unit's form.
pub fn write_form(spec: &FormSpec, path: &Path) -> Result<()> {
    let mut wb = build_form(spec).with_context(|| format!("生成反馈表 {} 失败", path.display()))?;
    save_atomic_level(&mut wb, path, SMALL_ZIP_LEVEL)
}

/// Build the form workbook (its sheets streamed, see [`build_sheet`]).
pub fn build_form(spec: &FormSpec) -> Result<Workbook, XlsxError> {
    build_form_with(spec, true)
}

/// [`build_form`], the sheets streamed or held in memory.
fn build_form_with(spec: &FormSpec, stream: bool) -> Result<Workbook, XlsxError> {
    let fmts = Formats::new();
    let ff = FormFormats::new();
    let title = form_title(&spec.unit.name, &spec.period);
    let mut wb = Workbook::new();
    set_properties(&mut wb, &title, spec.period.end());
    let mut blank = || {
        if stream {
            wb.new_worksheet_with_low_memory().map(Some)
        } else {
            Ok(None)
        }
    };
    let (ws, meta) = (blank()?, blank()?);
    let mut ws = build_sheet(ws, FORM_SHEET, &fmts, |s| form_body(s, spec, &ff, &title))?;
    ws.set_active(true);
    let meta = meta_sheet(spec, meta.unwrap_or_default())?;
    wb.push_worksheet(ws);
    wb.push_worksheet(meta);
    Ok(wb)
}

fn form_body(
    s: &mut Sheet,
    spec: &FormSpec,
    ff: &FormFormats,
    title: &str,
) -> Result<(), XlsxError> {
    let fmts = s.fmts;
    let ncols = FORM_COLUMNS.len() as u16;
    let last_col = ncols - 1;
    s.width_bounds(6.0, 40.0);

    s.merge(0, 0, last_col, title, &fmts.title)?;
    s.row_height(0, 32.0)?;
    let line = format!(
        "填报单位：{}　报送期次：{}",
        spec.unit.name,
        spec.period.label()
    );
    s.merge(1, 0, last_col, &line, &fmts.subtitle)?;

    let headers: Vec<String> = FORM_COLUMNS.iter().map(|c| form_header(c.0)).collect();
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    s.header(FORM_HEADER_ROW, &header_refs)?;
    s.row_height(FORM_HEADER_ROW, 30.0)?;
    for (c, col) in FORM_COLUMNS.iter().enumerate() {
        s.need(c as u16, col.3);
    }

    let first = FORM_HEADER_ROW + 1;
    for (i, task) in spec.tasks.iter().enumerate() {
        let row = first + i as u32;
        let pre = spec.prefill.get(&task.id);
        s.min_height(row, FORM_ROW_HEIGHT);
        for (c, &(key, who, look, _)) in FORM_COLUMNS.iter().enumerate() {
            let v: Val = match key {
                "seq" => Val::Int(i as i64 + 1),
                "id" => Val::Str(&task.id),
                "title" => Val::Str(&task.title),
                "stars" => Val::Int(task.stars as i64),
                "leader" => Val::Str(&task.leader),
                "deadline" => spec
                    .deadlines
                    .get(&task.id)
                    .copied()
                    .or(task.deadline)
                    .into(),
                _ => match pre {
                    None => Val::Empty,
                    Some(r) => prefill_value(r, key),
                },
            };
            if look == Look::Wrap {
                match &v {
                    Val::Str(t) => s.note_wrap(row, c as u16, t),
                    Val::Owned(t) => s.note_wrap(row, c as u16, t),
                    _ => {}
                }
            }
            s.put_fmt(row, c as u16, v, ff.get(who, look))?;
        }
    }
    let n = spec.tasks.len() as u32;
    let last_data = if n == 0 {
        FORM_HEADER_ROW
    } else {
        first + n - 1
    };

    if n > 0 {
        add_form_validations(&mut s.ws, first, last_data)?;
    }

    // Instructions: a single merged note row below the table.
    let note_row = last_data + 2;
    let note = form_instructions(spec);
    let lines = note.lines().count() as f64;
    // Black 11-point text: the instructions must survive printing at the
    // reduced scale of a one-page-wide form.
    let note_fmt = Format::new()
        .set_font_name("宋体")
        .set_font_size(11)
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    s.merge(note_row, 0, last_col, &note, &note_fmt)?;
    s.row_height(note_row, 16.0 * lines + 6.0)?;

    s.ws.set_freeze_panes(first, 0)?;
    s.ws.autofilter(FORM_HEADER_ROW, 0, last_data, last_col)?;
    s.ws.set_repeat_rows(0, FORM_HEADER_ROW)?;
    let opts = ProtectionOptions {
        format_columns: true,
        format_rows: true,
        use_autofilter: true,
        sort: true,
        ..ProtectionOptions::new()
    };
    s.ws.protect_with_options(&opts);
    Ok(())
}

fn prefill_value<'r>(r: &'r Report, key: &str) -> Val<'r> {
    let text = |s: &'r String| {
        if s.is_empty() {
            Val::Empty
        } else {
            Val::Str(s)
        }
    };
    match key {
        "status" => Val::Str(r.status.label()),
        "percent" => Val::Num(r.percent),
        "progress" => text(&r.progress),
        "problems" => text(&r.problems),
        "next_steps" => text(&r.next_steps),
        "expected" => r.expected.into(),
        "filler" => text(&r.filler),
        "phone" => text(&r.phone),
        "head" => text(&r.head),
        _ => Val::Empty,
    }
}

fn col_of(key: &str) -> u16 {
    FORM_COLUMNS
        .iter()
        .position(|c| c.0 == key)
        .unwrap_or_else(|| panic!("form column {key}")) as u16
}

fn add_form_validations(ws: &mut Worksheet, first: u32, last: u32) -> Result<(), XlsxError> {
    let labels: Vec<&str> = Status::ALL.iter().map(|s| s.label()).collect();
    let status = DataValidation::new()
        .allow_list_strings(&labels)?
        .set_input_title("当前状态")?
        .set_input_message(format!("请从下拉列表选择：{}", labels.join("、")))?
        .set_error_title("当前状态填写有误")?
        .set_error_message(format!("当前状态只能是：{}。", labels.join("、")))?;
    let c = col_of("status");
    ws.add_data_validation(first, c, last, c, &status)?;

    let percent = DataValidation::new()
        .allow_whole_number(DataValidationRule::Between(0, 100))
        .set_input_title("完成进度（%）")?
        .set_input_message("请填写 0 到 100 之间的整数，例如 60 表示完成 60%。")?
        .set_error_title("完成进度填写有误")?
        .set_error_message("完成进度须为 0 到 100 之间的整数，不要带 % 号。")?;
    let c = col_of("percent");
    ws.add_data_validation(first, c, last, c, &percent)?;

    let lo = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
    let hi = NaiveDate::from_ymd_opt(2099, 12, 31).unwrap_or_default();
    for key in ["expected", "fill_date"] {
        let dv = DataValidation::new()
            .allow_date(DataValidationRule::Between(lo, hi))
            .set_input_title(templates().form.name(key))?
            .set_input_message("请填写日期，格式如 2023-03-31。")?
            .set_error_title("日期填写有误")?
            .set_error_message("请填写有效日期，格式如 2023-03-31。")?;
        let c = col_of(key);
        ws.add_data_validation(first, c, last, c, &dv)?;
    }
    Ok(())
}

/// The `填表说明` text (one cell, several lines).
pub fn form_instructions(spec: &FormSpec) -> String {
    let labels: Vec<&str> = Status::ALL.iter().map(|s| s.label()).collect();
    let mut text = [
        "填表说明：".to_string(),
        "1. 灰色单元格（编号、事项名称、星级、牵头领导、完成时限）由督查室填写，请勿修改；浅黄色单元格由责任单位填写。"
            .to_string(),
        format!(
            "2. 当前状态请从下拉列表选择（{}）；完成进度填 0–100 的整数；已完成、已落实的事项完成进度应为 100。",
            labels.join("、")
        ),
        "3. 进展情况须如实填写本期新进展，不得照抄上期；事项已逾期或临近完成时限的，须填写延期说明。"
            .to_string(),
        "4. 日期请按 2023-03-31 格式填写；填报人、联系电话、单位主要负责人、填报日期每行均需填写。"
            .to_string(),
        format!(
            "5. 请于 {} 前报送督查室；请勿改动表格结构、删除本说明或重命名工作表。",
            spec.report_deadline.format("%Y年%-m月%-d日")
        ),
    ]
    .join("\n");
    let prefilled = spec.tasks.iter().any(|t| spec.prefill.contains_key(&t.id));
    if prefilled {
        text.push_str(
            "\n6. 浅黄色单元格已预填上期报送的内容，请逐项更新为本期情况（完成进度、进展情况、填报日期等），不要原样报回。",
        );
    }
    text
}

/// The very hidden sheet with the form's identity, written into `ws` (a
/// new worksheet; rows in order, so it may be a low-memory one).
fn meta_sheet(spec: &FormSpec, mut ws: Worksheet) -> Result<Worksheet, XlsxError> {
    ws.set_name(META_SHEET)?;
    let values = [
        spec.unit.name.clone(),
        spec.period.to_string(),
        FORM_VERSION.to_string(),
        spec.generated.clone(),
    ];
    for (i, (k, v)) in META_KEYS.iter().zip(values.iter()).enumerate() {
        ws.write_string(i as u32, 0, *k)?;
        ws.write_string(i as u32, 1, v)?;
    }
    ws.set_very_hidden(true);
    Ok(ws)
}

// ------------------------------------------------------------------ ledger template

/// Sources offered in the 来源 dropdown (others may still be typed in).
pub const SOURCES: [&str; 7] = [
    "政府工作报告",
    "领导批示",
    "会议议定",
    "上级交办",
    "人大建议",
    "政协提案",
    "其他",
];

/// Example value of a ledger column for the template's example row.
fn example(sheet: &str, key: &str) -> Val<'static> {
    let d = |y, m, dd| Val::Date(NaiveDate::from_ymd_opt(y, m, dd).unwrap_or_default());
    match (sheet, key) {
        ("台账", "id") | ("节点", "id") => Val::Str("ZF-001"),
        ("台账", "title") => Val::Str("示例：推进城区污水管网改造工程，年底前完成主体工程"),
        ("台账", "source") => Val::Str("政府工作报告"),
        ("台账", "stars") => Val::Int(4),
        ("台账", "leader") => Val::Str("张副区长"),
        ("台账", "lead_unit") => Val::Str("区住建局"),
        ("台账", "coop_units") => Val::Str("区财政局、区自然资源局"),
        ("台账", "owner") => Val::Str("李四"),
        ("台账", "start") => d(2023, 1, 1),
        ("台账", "deadline") => d(2023, 12, 31),
        ("台账", "assigned") => d(2023, 1, 5),
        ("台账", "requirements") => Val::Str("6月底前完成招标，12月底前完成主体工程"),
        ("节点", "date") => d(2023, 6, 30),
        ("节点", "planned") => Val::Int(40),
        ("单位", "name") => Val::Str("区住建局"),
        ("单位", "code") => Val::Str("QZJ"),
        ("单位", "category") => Val::Str("区直部门"),
        ("单位", "aliases") => Val::Str("住建局、区住房和城乡建设局"),
        ("单位", "contact") => Val::Str("王五"),
        ("单位", "phone") => Val::Str("0000-1234567"),
        ("评价", "unit") => Val::Str("区住建局"),
        ("评价", _) => Val::Int(90),
        _ => Val::Empty,
    }
}

fn ledger_note(sheet: &str) -> &'static str {
    match sheet {
        "台账" => "填表说明：每行一项重点工作，编号不得重复；星级填 3、4、5；配合单位用顿号分隔；无完成时限的事项填交办日期（按交办后 5 个工作日计）。第 3 行为示例，请覆盖或删除。",
        "节点" => "填表说明：可选。每行一个时间节点：编号、节点日期、计划进度（0–100）。第 3 行为示例，请覆盖或删除。",
        "单位" => "填表说明：每行一个责任单位；类别用于分类排名（如 乡镇街道、区直部门）；别名用顿号分隔。第 3 行为示例，请覆盖或删除。",
        _ => "填表说明：可选。各项评价 0–100 分。第 3 行为示例，请覆盖或删除。",
    }
}

/// Rows covered by the template's dropdowns.
const TEMPLATE_ROWS: u32 = 5000;

fn ledger_sheet(name: &str, cols: &Columns, fmts: &Formats) -> Result<Worksheet, XlsxError> {
    let mut s = Sheet::new(name, fmts)?;
    s.width_bounds(8.0, 40.0);
    let ncols = cols.defs.len() as u16;
    s.ws.merge_range(0, 0, 0, ncols - 1, ledger_note(name), &fmts.note)?;
    s.ws.set_row_height(0, 36)?;
    let headers: Vec<&str> = cols.defs.iter().map(|d| d.name.as_str()).collect();
    s.header(1, &headers)?;
    let wrap_cols = ["title", "requirements", "coop_units"];
    for (c, d) in cols.defs.iter().enumerate() {
        let v = example(name, &d.key);
        let kind = match v {
            Val::Date(_) => super::xlsx::Kind::Date,
            Val::Int(_) => super::xlsx::Kind::Int,
            _ if wrap_cols.contains(&d.key.as_str()) => super::xlsx::Kind::Wrap,
            _ => super::xlsx::Kind::Text,
        };
        s.put(2, c as u16, v, kind, super::xlsx::Fill::None)?;
        if kind == super::xlsx::Kind::Date {
            // Format the whole column as dates for the rows to come.
            let f = Format::new().set_num_format("yyyy-mm-dd");
            s.ws.set_column_format(c as u16, &f)?;
        }
    }
    let col = |key: &str| {
        cols.defs
            .iter()
            .position(|d| d.key == key)
            .map(|c| c as u16)
    };
    let (first, last) = (2, TEMPLATE_ROWS);
    if name == "台账" {
        if let Some(c) = col("stars") {
            let dv = DataValidation::new()
                .allow_list_strings(&["3", "4", "5"])?
                .set_error_style(DataValidationErrorStyle::Warning)
                .set_input_title("星级")?
                .set_input_message("请选择 3、4 或 5（五星每期报送，四星每月，三星每季度）。")?
                .set_error_message("星级应为 3、4 或 5。")?;
            s.ws.add_data_validation(first, c, last, c, &dv)?;
        }
        if let Some(c) = col("source") {
            let dv = DataValidation::new()
                .allow_list_strings(&SOURCES)?
                .set_error_style(DataValidationErrorStyle::Information)
                .set_input_title("来源")?
                .set_input_message("请从下拉列表选择，也可直接填写其他来源。")?;
            s.ws.add_data_validation(first, c, last, c, &dv)?;
        }
    }
    if name == "单位" {
        if let Some(c) = col("category") {
            let dv = DataValidation::new()
                .allow_list_strings(&["乡镇街道", "区直部门", "县直部门", "市直部门"])?
                .set_error_style(DataValidationErrorStyle::Information)
                .set_input_title("类别")?
                .set_input_message("同类别单位一起排名；可从列表选择或自行填写。")?;
            s.ws.add_data_validation(first, c, last, c, &dv)?;
        }
    }
    if name == "评价" || name == "节点" {
        for d in &cols.defs {
            if matches!(
                d.key.as_str(),
                "self" | "team" | "public" | "leader" | "planned"
            ) {
                let c = col(&d.key).unwrap_or(0);
                let dv = DataValidation::new()
                    .allow_decimal_number(DataValidationRule::Between(0.0, 100.0))
                    .set_error_message("请填写 0 到 100 之间的数。")?;
                s.ws.add_data_validation(first, c, last, c, &dv)?;
            }
        }
    }
    for (c, d) in cols.defs.iter().enumerate() {
        if wrap_cols.contains(&d.key.as_str()) {
            s.need(c as u16, 30.0);
        }
    }
    s.ws.set_freeze_panes(2, 0)?;
    s.ws.autofilter(1, 0, 2, ncols - 1)?;
    s.ws.set_repeat_rows(0, 1)?;
    Ok(s.finish())
}

/// Build the blank master ledger in memory.
pub fn build_ledger_template() -> Result<Workbook, XlsxError> {
    let fmts = Formats::new();
    let t = templates();
    let mut wb = Workbook::new();
    let fixed = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap_or_default();
    set_properties(&mut wb, "重点工作台账", fixed);
    for (name, cols) in [
        ("台账", &t.ledger_tasks),
        ("节点", &t.ledger_milestones),
        ("单位", &t.ledger_units),
        ("评价", &t.ledger_evaluations),
    ] {
        wb.push_worksheet(ledger_sheet(name, cols, &fmts)?);
    }
    Ok(wb)
}

/// Write a blank master ledger (台账, 节点, 单位, 评价 with headers, dropdowns, one example row).
pub fn write_ledger_template(path: &Path) -> Result<()> {
    let mut wb = build_ledger_template().context("生成台账模板失败")?;
    save_atomic(&mut wb, path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;
    use crate::report::xlsx::tests_support::{assert_printable, part, sheet_xml};
    use calamine::{open_workbook_auto, Data, DataType, Reader, SheetVisible};

    fn spec_of<'a>(r: &'a crate::pipeline::RunResult, unit: &str, prefill: bool) -> FormSpec<'a> {
        let u = r.ledger.unit(unit).unwrap();
        let tasks: Vec<&Task> = r.ledger.tasks_of(&u.name).collect();
        FormSpec {
            unit: u,
            period: r.period,
            deadlines: tasks
                .iter()
                .filter_map(|t| t.deadline.map(|d| (t.id.clone(), d)))
                .collect(),
            prefill: if prefill {
                tasks
                    .iter()
                    .filter_map(|t| {
                        r.merged
                            .reports
                            .get(&t.id)
                            .map(|x| (t.id.clone(), x.clone()))
                    })
                    .collect()
            } else {
                BTreeMap::new()
            },
            tasks,
            report_deadline: r.report_deadline,
            generated: r.as_of.to_string(),
        }
    }

    /// A unit with several tasks, some reported this period and some due next period.
    fn busy_unit(r: &crate::pipeline::RunResult) -> &str {
        let next = r.period.next();
        r.ledger
            .units
            .iter()
            .map(|u| u.name.as_str())
            .find(|u| {
                let tasks: Vec<&Task> = r.ledger.tasks_of(u).collect();
                tasks.len() >= 3
                    && tasks.iter().any(|t| r.merged.reports.contains_key(&t.id))
                    && tasks.iter().any(|t| next.is_due(t.stars))
            })
            .unwrap()
    }

    fn cell_str(range: &calamine::Range<Data>, row: u32, col: u32) -> String {
        range
            .get_value((row, col))
            .map(|d| d.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn form_reads_back_with_headers_meta_and_rows() {
        let r = fixture::fixture();
        let dir = tempfile::tempdir().unwrap();
        let unit = busy_unit(&r);
        let path = dir.path().join(format!("下期表单/{unit}.xlsx"));
        let spec = spec_of(&r, unit, false);
        write_form(&spec, &path).unwrap();

        let mut wb = open_workbook_auto(&path).unwrap();
        assert_eq!(
            wb.sheet_names(),
            vec![FORM_SHEET.to_string(), META_SHEET.to_string()]
        );
        let meta = wb
            .sheets_metadata()
            .iter()
            .find(|s| s.name == META_SHEET)
            .unwrap()
            .visible;
        assert_eq!(meta, SheetVisible::VeryHidden);

        let range = wb.worksheet_range(FORM_SHEET).unwrap();
        assert_eq!(
            cell_str(&range, 0, 0),
            format!("{unit}重点工作推进情况反馈表（2023年3月）")
        );
        assert_eq!(
            cell_str(&range, 1, 0),
            format!("填报单位：{unit}　报送期次：2023年3月")
        );
        // Every header matches its column via the template aliases.
        let t = &templates().form;
        for (c, col) in FORM_COLUMNS.iter().enumerate() {
            let h = cell_str(&range, FORM_HEADER_ROW, c as u32);
            assert_eq!(
                t.match_header(&h).map(|d| d.key.as_str()),
                Some(col.0),
                "{h}"
            );
        }
        for req in t.required() {
            assert!(FORM_COLUMNS.iter().any(|c| c.0 == req.key));
        }
        // Rows: the unit's tasks in ledger order, ids and deadlines filled, answers blank.
        let ids: Vec<String> = r.ledger.tasks_of(unit).map(|t| t.id.clone()).collect();
        assert_eq!(ids.len(), spec.tasks.len());
        for (i, id) in ids.iter().enumerate() {
            let row = FORM_HEADER_ROW + 1 + i as u32;
            assert_eq!(cell_str(&range, row, col_of("id") as u32), *id);
            let dl = range.get_value((row, col_of("deadline") as u32)).unwrap();
            assert_eq!(
                dl.as_date(),
                r.ledger.task(id).unwrap().deadline,
                "deadline is a real date"
            );
            assert_eq!(cell_str(&range, row, col_of("status") as u32), "");
        }
        let note_row = FORM_HEADER_ROW + 1 + ids.len() as u32 + 1;
        assert!(cell_str(&range, note_row, 0).starts_with("填表说明："));

        let meta = wb.worksheet_range(META_SHEET).unwrap();
        let values = [
            unit.to_string(),
            "2023-03".to_string(),
            FORM_VERSION.to_string(),
            "2023-03-31".to_string(),
        ];
        for (i, k) in META_KEYS.iter().enumerate() {
            assert_eq!(cell_str(&meta, i as u32, 0), *k);
            assert_eq!(cell_str(&meta, i as u32, 1), values[i]);
        }
    }

    #[test]
    fn form_locks_assigned_cells_and_protects_without_password() {
        let r = fixture::fixture();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.xlsx");
        let spec = spec_of(&r, busy_unit(&r), false);
        write_form(&spec, &path).unwrap();

        let mut x: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
        let styles = x.worksheet_style(FORM_SHEET).unwrap();
        let row = FORM_HEADER_ROW + 1;
        let locked = |c: u16| {
            styles
                .get((row, c as u32))
                .and_then(|s| s.protection.as_ref())
                .map(|p| p.locked)
                .unwrap_or(true)
        };
        for key in ["id", "title", "stars", "leader", "deadline"] {
            assert!(locked(col_of(key)), "{key} must be locked");
        }
        for key in [
            "status",
            "percent",
            "progress",
            "expected",
            "delay_reason",
            "fill_date",
        ] {
            assert!(!locked(col_of(key)), "{key} must be unlocked");
        }

        let buf = std::fs::read(&path).unwrap();
        let xml = sheet_xml(&buf, 1);
        assert!(xml.contains("<sheetProtection"), "protected");
        assert!(!xml.contains("password="), "no password");
        assert!(xml.contains(r#"formatColumns="0""#) && xml.contains(r#"autoFilter="0""#));
        assert_eq!(xml.matches("<dataValidation ").count(), 4, "{xml}");
        assert!(xml.contains("未启动,正在办理,已落实,已完成"));
        assert!(xml.contains(r#"type="whole""#) && xml.contains(r#"type="date""#));
        // Validations cover the answer rows only (from row 4, one per task).
        let rows = format!(r#"sqref="G4:G{}""#, 3 + spec.tasks.len());
        assert!(xml.contains(&rows), "{rows}: {xml}");
        assert_printable(&xml);
        let wbx = part(&buf, "xl/workbook.xml");
        assert!(wbx.contains("_xlnm.Print_Titles"));
        assert!(wbx.contains(r#"state="veryHidden""#));
    }

    #[test]
    fn prefilled_form_carries_last_report() {
        let r = fixture::fixture();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.xlsx");
        let spec = spec_of(&r, busy_unit(&r), true);
        assert!(!spec.prefill.is_empty());
        write_form(&spec, &path).unwrap();
        let mut wb = open_workbook_auto(&path).unwrap();
        let range = wb.worksheet_range(FORM_SHEET).unwrap();
        for (i, t) in spec.tasks.iter().enumerate() {
            let row = FORM_HEADER_ROW + 1 + i as u32;
            let Some(rep) = spec.prefill.get(&t.id) else {
                continue;
            };
            assert_eq!(
                cell_str(&range, row, col_of("status") as u32),
                rep.status.label()
            );
            assert_eq!(
                range
                    .get_value((row, col_of("percent") as u32))
                    .and_then(|d| d.as_f64()),
                Some(rep.percent)
            );
            assert_eq!(
                cell_str(&range, row, col_of("progress") as u32),
                rep.progress
            );
        }
    }

    #[test]
    fn answer_cells_are_tinted_and_rows_tall_enough_to_write_in() {
        let r = fixture::fixture();
        let unit = busy_unit(&r);
        let spec = spec_of(&r, unit, false);
        let buf = build_form(&spec).unwrap().save_to_buffer().unwrap();
        let styles = crate::report::xlsx::tests_support::part(&buf, "xl/styles.xml");
        assert!(styles.contains("FFFFFDE7"), "answer fill");
        assert!(styles.contains("FFF2F2F2"), "assigned fill");
        let xml = crate::report::xlsx::tests_support::sheet_xml(&buf, 1);
        assert!(xml.contains(r#"ht="45" customHeight="1""#), "{xml}");
        assert!(form_instructions(&spec).contains("浅黄色单元格由责任单位填写"));
        assert!(!form_instructions(&spec).contains("已预填上期"));
        let next = spec_of(&r, unit, true);
        assert!(form_instructions(&next).contains("6. 浅黄色单元格已预填上期报送的内容"));
    }

    #[test]
    fn form_is_byte_identical_when_written_twice() {
        let r = fixture::fixture();
        let spec = spec_of(&r, busy_unit(&r), true);
        let a = build_form(&spec).unwrap().save_to_buffer().unwrap();
        let b = build_form(&spec).unwrap().save_to_buffer().unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn empty_form_still_valid() {
        let r = fixture::fixture();
        let mut spec = spec_of(&r, busy_unit(&r), false);
        spec.tasks.clear();
        let buf = build_form(&spec).unwrap().save_to_buffer().unwrap();
        assert!(!sheet_xml(&buf, 1).contains("<dataValidation "));
    }

    #[test]
    fn next_period_forms_for_units_with_due_tasks() {
        let r = fixture::fixture();
        let dir = tempfile::tempdir().unwrap();
        let paths = write_next_forms(&r, dir.path()).unwrap();
        // A form for every unit with tasks due in April (4★ and 5★: 3★ report quarterly).
        let next = r.period.next();
        assert!(next.is_due(4) && !next.is_due(3));
        let with_due = r
            .ledger
            .units
            .iter()
            .filter(|u| r.ledger.tasks_of(&u.name).any(|t| next.is_due(t.stars)))
            .count();
        assert_eq!(paths.len(), with_due);
        let unit = busy_unit(&r);
        let p = dir.path().join(format!("{unit}.xlsx"));
        assert!(paths.contains(&p));
        let mut wb = open_workbook_auto(&p).unwrap();
        let range = wb.worksheet_range(FORM_SHEET).unwrap();
        assert_eq!(
            cell_str(&range, 1, 0),
            format!("填报单位：{unit}　报送期次：2023年4月")
        );
        let due: Vec<&Task> = r
            .ledger
            .tasks_of(unit)
            .filter(|t| next.is_due(t.stars))
            .collect();
        let mut prefilled = 0;
        for (i, t) in due.iter().enumerate() {
            let row = FORM_HEADER_ROW + 1 + i as u32;
            assert_eq!(cell_str(&range, row, col_of("id") as u32), t.id);
            if let Some(rep) = r.merged.reports.get(&t.id) {
                assert_eq!(
                    cell_str(&range, row, col_of("status") as u32),
                    rep.status.label()
                );
                prefilled += 1;
            }
        }
        assert!(prefilled > 0);
        assert!(
            cell_str(&range, FORM_HEADER_ROW + 1 + due.len() as u32 + 1, 0).starts_with("填表说明")
        );
        let meta = wb.worksheet_range(META_SHEET).unwrap();
        assert_eq!(cell_str(&meta, 1, 1), "2023-04");
    }

    #[test]
    fn ledger_template_has_sheets_headers_and_dropdowns() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("台账.xlsx");
        write_ledger_template(&path).unwrap();
        let mut wb = open_workbook_auto(&path).unwrap();
        assert_eq!(wb.sheet_names(), vec!["台账", "节点", "单位", "评价"]);
        let t = templates();
        for (name, cols) in [
            ("台账", &t.ledger_tasks),
            ("节点", &t.ledger_milestones),
            ("单位", &t.ledger_units),
            ("评价", &t.ledger_evaluations),
        ] {
            let range = wb.worksheet_range(name).unwrap();
            assert!(cell_str(&range, 0, 0).starts_with("填表说明"));
            for (c, d) in cols.defs.iter().enumerate() {
                assert_eq!(cell_str(&range, 1, c as u32), d.name);
            }
            assert!(!cell_str(&range, 2, 0).is_empty(), "example row on {name}");
        }
        let buf = std::fs::read(&path).unwrap();
        let xml = sheet_xml(&buf, 1);
        for n in 1..=4 {
            assert_printable(&sheet_xml(&buf, n));
        }
        assert!(xml.contains("<formula1>\"3,4,5\"</formula1>"), "{xml}");
        assert!(xml.contains("政府工作报告,领导批示"));
    }

    #[test]
    fn streamed_form_looks_the_same_as_in_memory() {
        let r = fixture::fixture();
        for unit in r.ledger.units.iter().map(|u| u.name.as_str()) {
            for prefill in [false, true] {
                let spec = spec_of(&r, unit, prefill);
                let mut a = build_form_with(&spec, false).unwrap();
                let mut b = build_form(&spec).unwrap();
                let (a, b) = (a.save_to_buffer().unwrap(), b.save_to_buffer().unwrap());
                let tall = crate::report::xlsx::tests_support::assert_same_look(&a, &b);
                if !spec.tasks.is_empty() {
                    assert!(tall[0] > spec.tasks.len(), "{unit}: {tall:?}");
                }
            }
        }
    }
}
