//! One unit's form (反馈表).
//!
//! Layout (0-based rows): 0 merged title, 1 `填报单位：…　报送期次：…`,
//! 2 header, 3.. one row per task, then one blank row, the signature block
//! (填报人、联系电话、填报日期、单位负责人, once for the whole form: see
//! [`super::signature`]), one blank row and a single merged `填表说明：…`
//! note cell (ingest takes everything from the signature block down as the
//! form's footer). Assigned columns are locked (grey), answer columns
//! unlocked; the sheet is protected without a password. The very hidden
//! sheet `_duban` holds the form's identity (unit, period, version,
//! generated) in columns A/B.
//!
//! Printed (A4 landscape, text at 10 pt or more: [`Page::FORM`]) are the
//! columns from 序号 to 延期说明; 星级 and 牵头领导, for reference, are beside
//! them on screen.

use std::path::Path;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationRule, Format, FormatAlign, FormatBorder,
    ProtectionOptions, Workbook, Worksheet, XlsxError,
};

use super::FormSpec;
use crate::ingest::{FORM_VERSION, META_KEYS, META_SHEET};
use crate::model::Status;
use crate::period::Period;
use crate::report::xlsx::{
    build_sheet, save_atomic_level, set_properties, Formats, Page, Sheet, Val, SMALL_ZIP_LEVEL,
};
use crate::schema::FormField;
use crate::templates::templates;
use crate::validate::Report;

/// Name of the form's data sheet.
pub(crate) const FORM_SHEET: &str = "反馈表";
/// 0-based row of the form's header.
pub(crate) const FORM_HEADER_ROW: u32 = 2;

/// Who fills a form column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Col {
    /// Copied from the ledger, locked.
    Assigned,
    /// Filled by the unit, unlocked.
    Answer,
}

/// How a column's cells look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Look {
    Wrap,
    Center,
    Number,
    Date,
}

/// Form columns in order: (column key, who fills it, look, width wanted).
/// The first [`PRINTED`] are printed; a wrapped column may be narrowed to
/// fit the page, down to its entry in [`WRAP_FLOOR`].
pub(super) const FORM_COLUMNS: [(FormField, Col, Look, f64); 13] = [
    (FormField::Seq, Col::Assigned, Look::Center, 4.0),
    (FormField::Id, Col::Assigned, Look::Center, 8.0),
    (FormField::Title, Col::Assigned, Look::Wrap, 22.0),
    (FormField::Deadline, Col::Assigned, Look::Date, 10.0),
    (FormField::Status, Col::Answer, Look::Center, 8.0),
    (FormField::Percent, Col::Answer, Look::Number, 6.0),
    (FormField::Progress, Col::Answer, Look::Wrap, 30.0),
    (FormField::Problems, Col::Answer, Look::Wrap, 20.0),
    (FormField::NextSteps, Col::Answer, Look::Wrap, 20.0),
    (FormField::Expected, Col::Answer, Look::Date, 10.0),
    (FormField::DelayReason, Col::Answer, Look::Wrap, 16.0),
    (FormField::Stars, Col::Assigned, Look::Center, 4.0),
    (FormField::Leader, Col::Assigned, Look::Center, 8.0),
];

/// The columns printed: 序号 to 延期说明.
pub(super) const PRINTED: u16 = 11;

/// The narrowest each wrapped column is made to fit the page (进展情况, the
/// unit's main answer, keeps the most room).
const WRAP_FLOOR: [(FormField, f64); 5] = [
    (FormField::Title, 11.0),
    (FormField::Progress, 15.0),
    (FormField::Problems, 9.0),
    (FormField::NextSteps, 9.0),
    (FormField::DelayReason, 9.0),
];

/// The header text of a form column: the canonical name, `（%）` on percent.
fn form_header(key: FormField) -> String {
    let name = templates().form.name(key);
    if key == FormField::Percent {
        format!("{name}（%）")
    } else {
        name.to_string()
    }
}

/// Fill of the answer (unlocked) cells of a form.
pub(crate) const ANSWER_FILL: u32 = 0xFFFDE7;
/// Height of a form's task rows: room for three lines of handwriting-size text.
const FORM_ROW_HEIGHT: f64 = 45.0;

/// Body formats of the form: locked (grey) and unlocked (light yellow), by look.
struct FormFormats {
    locked: [Format; 4],
    open: [Format; 4],
}

fn look_index(l: Look) -> usize {
    match l {
        Look::Wrap => 0,
        Look::Center => 1,
        Look::Number => 2,
        Look::Date => 3,
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
pub(crate) fn form_title(unit: &str, period: &Period) -> String {
    format!("{unit}重点工作推进情况反馈表（{}）", period.label())
}

/// Write one unit's form.
pub(crate) fn write_form(spec: &FormSpec, path: &Path) -> Result<()> {
    let mut wb = build_form(spec).with_context(|| format!("生成反馈表 {} 失败", path.display()))?;
    save_atomic_level(&mut wb, path, SMALL_ZIP_LEVEL)
}

/// Build the form workbook (its sheets streamed, see [`build_sheet`]).
pub(crate) fn build_form(spec: &FormSpec) -> Result<Workbook, XlsxError> {
    build_form_with(spec, true)
}

/// [`build_form`], the sheets streamed or held in memory.
pub(super) fn build_form_with(spec: &FormSpec, stream: bool) -> Result<Workbook, XlsxError> {
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
    s.set_page(Page::FORM.columns(PRINTED));
    let last_col = s.last_printed_col(ncols);
    s.width_bounds(4.0, 40.0);

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
    for (c, &(key, _, look, w)) in FORM_COLUMNS.iter().enumerate() {
        // Wrapped columns may give up width for the page; the others keep it
        // (dates, statuses and percents are typed in later).
        match look {
            Look::Wrap => {
                s.need(c as u16, w);
                let floor = WRAP_FLOOR.iter().find(|f| f.0 == key).map_or(8.0, |f| f.1);
                s.need_fixed(c as u16, floor - 1.0);
            }
            _ => s.need_fixed(c as u16, w),
        }
    }

    let first = FORM_HEADER_ROW + 1;
    for (i, task) in spec.tasks.iter().enumerate() {
        let row = first + i as u32;
        let pre = spec.prefill.get(task.id.as_str());
        s.min_height(row, FORM_ROW_HEIGHT);
        for (c, &(key, who, look, _)) in FORM_COLUMNS.iter().enumerate() {
            let v: Val = match key {
                FormField::Seq => Val::Int(i as i64 + 1),
                FormField::Id => Val::Str(&task.id),
                FormField::Title => Val::Str(&task.title),
                FormField::Stars => Val::Int(task.stars as i64),
                FormField::Leader => Val::Str(&task.leader),
                FormField::Deadline => spec
                    .deadlines
                    .get(task.id.as_str())
                    .copied()
                    .or(task.deadline)
                    .into(),
                _ => match pre {
                    None => Val::Empty,
                    Some(r) => prefill_value(r, key),
                },
            };
            if look == Look::Wrap {
                s.put_wrap_fmt(row, c as u16, v, ff.get(who, look))?;
            } else {
                s.put_fmt(row, c as u16, v, ff.get(who, look))?;
            }
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

    // One signature block for the whole form, then the instructions: a
    // single merged note row.
    let sig_row = last_data + 2;
    let after = super::signature::write(s, spec, sig_row)?;
    let note_row = after + 2;
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

fn prefill_value<'r>(r: &'r Report, key: FormField) -> Val<'r> {
    let text = |s: &'r String| {
        if s.is_empty() {
            Val::Empty
        } else {
            Val::Str(s)
        }
    };
    match key {
        FormField::Status => Val::Str(r.status.label()),
        FormField::Percent => Val::Num(r.percent),
        FormField::Progress => text(&r.progress),
        FormField::Problems => text(&r.problems),
        FormField::NextSteps => text(&r.next_steps),
        FormField::Expected => r.expected.into(),
        _ => Val::Empty,
    }
}

/// The column of a field in the form (None for the fields the form leaves out).
pub(super) fn col_of(key: FormField) -> Option<u16> {
    FORM_COLUMNS
        .iter()
        .position(|c| c.0 == key)
        .map(|c| c as u16)
}

fn add_form_validations(ws: &mut Worksheet, first: u32, last: u32) -> Result<(), XlsxError> {
    let labels: Vec<&str> = Status::ALL.iter().map(|s| s.label()).collect();
    let status = DataValidation::new()
        .allow_list_strings(&labels)?
        .set_input_title("当前状态")?
        .set_input_message(format!("请从下拉列表选择：{}", labels.join("、")))?
        .set_error_title("当前状态填写有误")?
        .set_error_message(format!("当前状态只能是：{}。", labels.join("、")))?;
    if let Some(c) = col_of(FormField::Status) {
        ws.add_data_validation(first, c, last, c, &status)?;
    }

    let percent = DataValidation::new()
        .allow_whole_number(DataValidationRule::Between(0, 100))
        .set_input_title("完成进度（%）")?
        .set_input_message("请填写 0 到 100 之间的整数，例如 60 表示完成 60%。")?
        .set_error_title("完成进度填写有误")?
        .set_error_message("完成进度须为 0 到 100 之间的整数，不要带 % 号。")?;
    if let Some(c) = col_of(FormField::Percent) {
        ws.add_data_validation(first, c, last, c, &percent)?;
    }

    if let Some(c) = col_of(FormField::Expected) {
        let dv = date_validation(templates().form.name(FormField::Expected))?;
        ws.add_data_validation(first, c, last, c, &dv)?;
    }
    Ok(())
}

/// A date between 2000 and 2099, with the prompt titled `title`.
pub(super) fn date_validation(title: &str) -> Result<DataValidation, XlsxError> {
    let lo = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
    let hi = NaiveDate::from_ymd_opt(2099, 12, 31).unwrap_or_default();
    DataValidation::new()
        .allow_date(DataValidationRule::Between(lo, hi))
        .set_input_title(title)?
        .set_input_message("请填写日期，格式如 2023-03-31。")?
        .set_error_title("日期填写有误")?
        .set_error_message("请填写有效日期，格式如 2023-03-31。")
}

/// The `填表说明` text (one cell, several lines).
pub(crate) fn form_instructions(spec: &FormSpec) -> String {
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
        "4. 日期请按 2023-03-31 格式填写；表格下方的填报人、联系电话、填报日期全表填写一次，打印后由单位负责人签字。"
            .to_string(),
        format!(
            "5. 请于 {} 前报送督查室；请勿改动表格结构、删除本说明或重命名工作表。",
            crate::value::cn_date(spec.report_deadline)
        ),
    ]
    .join("\n");
    let prefilled = spec
        .tasks
        .iter()
        .any(|t| spec.prefill.contains_key(t.id.as_str()));
    if prefilled {
        let from = if spec.prefilled_from.is_empty() {
            "上期"
        } else {
            spec.prefilled_from.as_str()
        };
        text.push_str(&format!(
            "\n6. 浅黄色单元格已预填{from}报送的内容，请逐项更新为本期情况（完成进度、进展情况、填报日期等），不要原样报回。"
        ));
    }
    text
}

/// The very hidden sheet with the form's identity, written into `ws` (a
/// new worksheet; rows in order, so it may be a low-memory one).
fn meta_sheet(spec: &FormSpec, mut ws: Worksheet) -> Result<Worksheet, XlsxError> {
    ws.set_name(META_SHEET)?;
    let values = [
        spec.unit.name.to_string(),
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
