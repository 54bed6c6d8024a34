//! The blank master ledger of `duban init`: sheets 台账, 节点, 单位, 评价 with
//! their headers, dropdowns and one example row.

use std::path::Path;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, Format, Workbook, Worksheet,
    XlsxError,
};

use crate::report::xlsx::{save_atomic, set_properties, Fill, Formats, Kind, Sheet, Val};
use crate::schema::{example, Field};
use crate::templates::{templates, Columns};

/// Sources offered in the 来源 dropdown (others may still be typed in).
pub(crate) const SOURCES: [&str; 7] = [
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
        ("台账", "id") | ("节点", "id") => Val::Str(example::TASK_ID),
        ("台账", "title") => Val::Str(example::TASK_TITLE),
        ("台账", "source") => Val::Str("政府工作报告"),
        ("台账", "stars") => Val::Int(4),
        ("台账", "leader") => Val::Str("张副区长"),
        ("台账", "lead_unit") => Val::Str(example::UNIT),
        ("台账", "coop_units") => Val::Str("区财政局、区自然资源局"),
        ("台账", "owner") => Val::Str("李四"),
        ("台账", "start") => d(2023, 1, 1),
        ("台账", "deadline") => d(2023, 12, 31),
        ("台账", "assigned") => d(2023, 1, 5),
        ("台账", "requirements") => Val::Str("6月底前完成招标，12月底前完成主体工程"),
        ("节点", "date") => d(2023, 6, 30),
        ("节点", "planned") => Val::Int(example::MILESTONE_PLANNED),
        ("单位", "name") => Val::Str(example::UNIT),
        ("单位", "code") => Val::Str("QZJ"),
        ("单位", "category") => Val::Str("区直部门"),
        ("单位", "aliases") => Val::Str("住建局、区住房和城乡建设局"),
        ("单位", "contact") => Val::Str(example::UNIT_CONTACT),
        ("单位", "phone") => Val::Str(example::UNIT_PHONE),
        ("评价", "unit") => Val::Str(example::UNIT),
        ("评价", _) => Val::Int(example::SCORE),
        _ => Val::Empty,
    }
}

fn ledger_note(sheet: &str) -> &'static str {
    match sheet {
        "台账" => "填表说明：每行一项重点工作，编号不得重复；星级填 3、4、5；配合单位用顿号分隔；无完成时限的事项填交办日期（按交办后 5 个工作日计）；状态一般留空（报送完成后自动销号），填“销号”手动销号、填“在办”恢复办理。第 3 行为示例，请覆盖或删除。",
        "节点" => "填表说明：可选。每行一个时间节点：编号、节点日期、计划进度（0–100）。第 3 行为示例，请覆盖或删除。",
        "单位" => "填表说明：每行一个责任单位；类别用于分类排名（如 乡镇街道、区直部门）；别名用顿号分隔。第 3 行为示例，请覆盖或删除。",
        _ => "填表说明：可选。各项评价 0–100 分。第 3 行为示例，请覆盖或删除。",
    }
}

/// Rows covered by the template's dropdowns.
const TEMPLATE_ROWS: u32 = 5000;

fn ledger_sheet<F: Field>(
    name: &str,
    cols: &Columns<F>,
    fmts: &Formats,
) -> Result<Worksheet, XlsxError> {
    let mut s = Sheet::new(name, fmts)?;
    s.width_bounds(8.0, 40.0);
    let ncols = cols.defs.len() as u16;
    s.ws.merge_range(0, 0, 0, ncols - 1, ledger_note(name), &fmts.note)?;
    s.ws.set_row_height(0, 36)?;
    let headers: Vec<&str> = cols.defs.iter().map(|d| d.name.as_str()).collect();
    s.header(1, &headers)?;
    let wrap_cols = ["title", "requirements", "coop_units"];
    for (c, d) in cols.defs.iter().enumerate() {
        let v = example(name, d.key.key());
        let kind = match v {
            Val::Date(_) => Kind::Date,
            Val::Int(_) => Kind::Int,
            _ if wrap_cols.contains(&d.key.key()) => Kind::Wrap,
            _ => Kind::Text,
        };
        s.put(2, c as u16, v, kind, Fill::None)?;
        if kind == Kind::Date {
            // Format the whole column as dates for the rows to come.
            let f = Format::new().set_num_format("yyyy-mm-dd");
            s.ws.set_column_format(c as u16, &f)?;
        }
    }
    let col = |key: &str| {
        cols.defs
            .iter()
            .position(|d| d.key.key() == key)
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
        if let Some(c) = col("state") {
            let dv = DataValidation::new()
                .allow_list_strings(&["销号", "在办"])?
                .set_input_title("状态")?
                .set_input_message(
                    "一般留空：报送已完成（已落实）且进度100%后自动销号。填“销号”手动销号，填“在办”恢复办理。",
                )?
                .set_error_message("状态只能留空，或填“销号”“在办”。")?;
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
                d.key.key(),
                "self" | "team" | "public" | "leader" | "planned"
            ) {
                let c = col(d.key.key()).unwrap_or(0);
                let dv = DataValidation::new()
                    .allow_decimal_number(DataValidationRule::Between(0.0, 100.0))
                    .set_error_message("请填写 0 到 100 之间的数。")?;
                s.ws.add_data_validation(first, c, last, c, &dv)?;
            }
        }
    }
    for (c, d) in cols.defs.iter().enumerate() {
        if wrap_cols.contains(&d.key.key()) {
            s.need(c as u16, 30.0);
        }
    }
    s.ws.set_freeze_panes(2, 0)?;
    s.ws.autofilter(1, 0, 2, ncols - 1)?;
    s.ws.set_repeat_rows(0, 1)?;
    Ok(s.finish())
}

/// Build the blank master ledger in memory.
pub(crate) fn build_ledger_template() -> Result<Workbook, XlsxError> {
    let fmts = Formats::new();
    let t = templates();
    let mut wb = Workbook::new();
    let fixed = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap_or_default();
    set_properties(&mut wb, "重点工作台账", fixed);
    wb.push_worksheet(ledger_sheet("台账", &t.ledger_tasks, &fmts)?);
    wb.push_worksheet(ledger_sheet("节点", &t.ledger_milestones, &fmts)?);
    wb.push_worksheet(ledger_sheet("单位", &t.ledger_units, &fmts)?);
    wb.push_worksheet(ledger_sheet("评价", &t.ledger_evaluations, &fmts)?);
    Ok(wb)
}

/// Write a blank master ledger (台账, 节点, 单位, 评价 with headers, dropdowns, one example row).
pub(crate) fn write_ledger_template(path: &Path) -> Result<()> {
    let mut wb = build_ledger_template().context("生成台账模板失败")?;
    save_atomic(&mut wb, path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::xlsx::tests_support::{assert_printable, sheet_xml};
    use calamine::{open_workbook_auto, Data, Reader};

    fn cell_str(range: &calamine::Range<Data>, row: u32, col: u32) -> String {
        range
            .get_value((row, col))
            .map(|d| d.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn ledger_template_has_sheets_headers_and_dropdowns() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("台账.xlsx");
        write_ledger_template(&path).unwrap();
        let mut wb = open_workbook_auto(&path).unwrap();
        assert_eq!(wb.sheet_names(), vec!["台账", "节点", "单位", "评价"]);
        let t = templates();
        fn names<F: Field>(cols: &Columns<F>) -> Vec<&str> {
            cols.defs.iter().map(|d| d.name.as_str()).collect()
        }
        for (name, cols) in [
            ("台账", names(&t.ledger_tasks)),
            ("节点", names(&t.ledger_milestones)),
            ("单位", names(&t.ledger_units)),
            ("评价", names(&t.ledger_evaluations)),
        ] {
            let range = wb.worksheet_range(name).unwrap();
            assert!(cell_str(&range, 0, 0).starts_with("填表说明"));
            for (c, d) in cols.iter().enumerate() {
                assert_eq!(cell_str(&range, 1, c as u32), *d);
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
        // The 状态 column: 销号 or 在办, left empty in the example.
        assert!(xml.contains("<formula1>\"销号,在办\"</formula1>"), "{xml}");
    }
}
