//! A returned form as a small document (title lines, header, rows, merges),
//! written either as an `.xlsx` workbook or as a CSV file.

use std::path::Path;

use anyhow::{Context, Result};
use chrono::{NaiveDate, NaiveTime};
use rust_xlsxwriter::{
    DocProperties, Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet,
};

use crate::ingest::{FORM_VERSION, META_KEYS, META_SHEET};
use crate::schema::FormField;

/// The standard column set of a duban form (no 序号).
pub(crate) const STANDARD: [FormField; 16] = [
    FormField::Id,
    FormField::Title,
    FormField::Stars,
    FormField::Leader,
    FormField::Deadline,
    FormField::Status,
    FormField::Percent,
    FormField::Progress,
    FormField::Problems,
    FormField::NextSteps,
    FormField::Expected,
    FormField::DelayReason,
    FormField::Filler,
    FormField::Phone,
    FormField::Head,
    FormField::FillDate,
];

/// How headers are spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HeaderStyle {
    Canonical,
    /// Aliases from templates/columns.toml (状态, 完成比例, 工作进展 …).
    Alias,
    /// Other aliases from templates/columns.toml (进度, 推进状态, 推进情况 …).
    Alias2,
    English,
}

/// How a column's header is spelled in `style`.
pub(crate) fn header(col: FormField, style: HeaderStyle) -> &'static str {
    use FormField::*;
    match style {
        HeaderStyle::Canonical => match col {
            Seq => "序号",
            Id => "编号",
            Title => "事项名称",
            Stars => "星级",
            Leader => "牵头领导",
            Deadline => "完成时限",
            Status => "当前状态",
            Percent => "完成进度（%）",
            Progress => "进展情况",
            Problems => "存在问题",
            NextSteps => "下步措施",
            Expected => "预计完成日期",
            DelayReason => "延期说明",
            Filler => "填报人",
            Phone => "联系电话",
            Head => "单位主要负责人",
            FillDate => "填报日期",
            Remark => "备注",
            LeadUnit => "牵头单位",
            ReportingUnit => "填报单位",
            SubmittedAt => "提交时间",
        },
        HeaderStyle::Alias => match col {
            Seq => "序号",
            Id => "任务编号",
            Title => "重点任务",
            Stars => "赋星",
            Leader => "分管领导",
            Deadline => "完成时间",
            Status => "状态",
            Percent => "完成比例(%)",
            Progress => "工作进展",
            Problems => "存在的问题",
            NextSteps => "下一步工作计划",
            Expected => "预计完成时间",
            DelayReason => "未完成原因",
            Filler => "填表人",
            Phone => "电话",
            Head => "主要负责人签字",
            FillDate => "填报时间",
            Remark => "说明",
            LeadUnit => "主办单位",
            ReportingUnit => "单位名称",
            SubmittedAt => "提交答卷时间",
        },
        HeaderStyle::Alias2 => match col {
            Seq => "序",
            Id => "事项编号",
            Title => "工作任务",
            Stars => "赋星",
            Leader => "责任领导",
            Deadline => "时限",
            Status => "推进状态",
            Percent => "进度",
            Progress => "推进情况",
            Problems => "问题",
            NextSteps => "下步计划",
            Expected => "预计完成",
            DelayReason => "延期原因",
            Filler => "报送人",
            Phone => "手机",
            Head => "单位负责人",
            FillDate => "报送日期",
            Remark => "备注",
            LeadUnit => "责任单位",
            ReportingUnit => "报送单位",
            SubmittedAt => "提交日期",
        },
        HeaderStyle::English => match col {
            Seq => "No.",
            Id => "Task ID",
            Title => "Title",
            Stars => "赋星",
            Leader => "分管领导",
            Deadline => "Deadline",
            Status => "Status",
            Percent => "Progress (%)",
            Progress => "Details",
            Problems => "Issues",
            NextSteps => "Next steps",
            Expected => "Expected completion",
            DelayReason => "Reason for delay",
            Filler => "Reporter",
            Phone => "Phone",
            Head => "Signed by",
            FillDate => "Report date",
            Remark => "Remarks",
            LeadUnit => "牵头单位",
            ReportingUnit => "Unit name",
            SubmittedAt => "Submitted at",
        },
    }
}

/// Display width in Excel column units.
fn width(col: FormField) -> f64 {
    use FormField::*;
    match col {
        Seq => 6.0,
        Id => 11.0,
        Title => 34.0,
        Stars => 8.0,
        Leader => 10.0,
        Deadline | Expected | FillDate => 13.0,
        Status => 10.0,
        Percent => 10.0,
        Progress => 40.0,
        Problems | NextSteps | DelayReason => 28.0,
        Filler | Head => 11.0,
        Phone => 14.0,
        Remark => 20.0,
        LeadUnit | ReportingUnit => 16.0,
        SubmittedAt => 18.0,
    }
}

/// One cell value as written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// A fraction in a percent-formatted cell (0.6 shows as 60%).
    Percent(f64),
    Date(NaiveDate),
    /// A formula and the result Excel would show for it.
    Formula(String, f64),
}

impl Cell {
    pub(crate) fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// How the value reads in a CSV file.
    fn csv_text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => crate::value::fmt_number(*n),
            Cell::Percent(f) => crate::value::fmt_percent(f * 100.0),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::Formula(_, v) => crate::value::fmt_number(*v),
        }
    }
}

/// A data row plus what it was made to demonstrate.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) cells: Vec<Cell>,
    /// Task id (canonical) the row is about, when any.
    pub(crate) task: Option<String>,
    /// A deliberate row error, by key (see `RowErrorKind`).
    pub(crate) error: Option<super::RowErrorKind>,
    /// A blank spacer row.
    pub(crate) blank: bool,
    /// A total (合计) or formulas-only row: not data.
    pub(crate) total: bool,
}

/// A whole returned form.
#[derive(Debug, Clone)]
pub(crate) struct FormDoc {
    pub(crate) sheet: String,
    pub(crate) cols: Vec<FormField>,
    pub(crate) style: HeaderStyle,
    pub(crate) title: Option<String>,
    pub(crate) unit_line: Option<String>,
    /// Group heading over 当前状态/完成进度/进展情况 (two-row header).
    pub(crate) group: Option<String>,
    pub(crate) rows: Vec<Row>,
    /// Trailing note row (填表说明).
    pub(crate) note: Option<String>,
    /// Vertical merges in data rows: (first data index, last data index, column).
    pub(crate) merges: Vec<(usize, usize, usize)>,
    /// (unit, period) for the hidden metadata sheet.
    pub(crate) meta: Option<(String, String)>,
    /// Metadata "generated" value and the workbook creation date.
    pub(crate) generated: NaiveDate,
    /// Last period's sheet, left in the workbook hidden.
    pub(crate) hidden: Option<Box<FormDoc>>,
}

/// The formats of a form sheet.
struct Formats {
    title: Format,
    line: Format,
    head: Format,
    cell: Format,
    date: Format,
    pct: Format,
    note: Format,
}

impl Formats {
    fn new() -> Formats {
        let cell = Format::new()
            .set_text_wrap()
            .set_align(FormatAlign::VerticalCenter)
            .set_border(FormatBorder::Thin);
        Formats {
            title: Format::new()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            line: Format::new().set_align(FormatAlign::Left),
            head: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_border(FormatBorder::Thin)
                .set_background_color("#DDEBF7"),
            date: cell.clone().set_num_format("yyyy-mm-dd"),
            pct: cell.clone().set_num_format("0%"),
            cell,
            note: Format::new().set_font_size(9).set_text_wrap(),
        }
    }
}

impl FormDoc {
    pub(crate) fn col(&self, c: FormField) -> Option<usize> {
        self.cols.iter().position(|x| *x == c)
    }

    /// 0-based sheet row of the (last) header row.
    pub(crate) fn header_row(&self) -> u32 {
        self.title.is_some() as u32 + self.unit_line.is_some() as u32 + self.group.is_some() as u32
    }

    /// 0-based sheet row of data row `i`.
    pub(crate) fn data_row(&self, i: usize) -> u32 {
        self.header_row() + 1 + i as u32
    }

    /// Render as xlsx bytes.
    pub(crate) fn to_xlsx(&self) -> Result<Vec<u8>> {
        let mut wb = Workbook::new();
        let created = self
            .generated
            .and_time(NaiveTime::from_hms_opt(9, 0, 0).unwrap());
        wb.set_properties(
            &DocProperties::new()
                .set_author("duban samples")
                .set_creation_datetime(&created),
        );
        let f = Formats::new();
        self.write_sheet(wb.add_worksheet(), &f)?;
        if let Some(h) = &self.hidden {
            let ws = wb.add_worksheet();
            h.write_sheet(ws, &f)?;
            ws.set_hidden(true);
        }

        if let Some((unit, period)) = &self.meta {
            let meta = wb.add_worksheet();
            meta.set_name(META_SHEET)?;
            let values = [
                unit.as_str(),
                period.as_str(),
                FORM_VERSION,
                &self.generated.format("%Y-%m-%d").to_string(),
            ];
            for (i, (k, v)) in META_KEYS.iter().zip(values).enumerate() {
                meta.write_string(i as u32, 0, *k)?;
                meta.write_string(i as u32, 1, v)?;
            }
            meta.set_very_hidden(true);
        }
        Ok(wb.save_to_buffer()?)
    }

    /// Write the form into one worksheet.
    fn write_sheet(&self, ws: &mut Worksheet, f: &Formats) -> Result<()> {
        let (title_f, line_f, head_f) = (&f.title, &f.line, &f.head);
        let (cell_f, date_f, pct_f, note_f) = (&f.cell, &f.date, &f.pct, &f.note);
        ws.set_name(&self.sheet)?;
        let ncols = self.cols.len() as u16;
        let last = ncols.saturating_sub(1);
        for (c, col) in self.cols.iter().enumerate() {
            ws.set_column_width(c as u16, width(*col))?;
        }
        let mut r: u32 = 0;
        if let Some(t) = &self.title {
            ws.set_row_height(r, 30)?;
            ws.merge_range(r, 0, r, last, t, title_f)?;
            r += 1;
        }
        if let Some(l) = &self.unit_line {
            ws.merge_range(r, 0, r, last, l, line_f)?;
            r += 1;
        }
        if let Some(g) = &self.group {
            let gcols: Vec<u16> = [FormField::Status, FormField::Percent, FormField::Progress]
                .iter()
                .filter_map(|c| self.col(*c))
                .map(|c| c as u16)
                .collect();
            let (g0, g1) = (gcols[0], gcols[gcols.len() - 1]);
            for (c, col) in self.cols.iter().enumerate() {
                let c = c as u16;
                if c < g0 || c > g1 {
                    ws.merge_range(r, c, r + 1, c, header(*col, self.style), head_f)?;
                } else {
                    ws.write_string_with_format(r + 1, c, header(*col, self.style), head_f)?;
                }
            }
            if g1 > g0 {
                ws.merge_range(r, g0, r, g1, g, head_f)?;
            } else {
                ws.write_string_with_format(r, g0, g, head_f)?;
            }
            r += 2;
        } else {
            for (c, col) in self.cols.iter().enumerate() {
                ws.write_string_with_format(r, c as u16, header(*col, self.style), head_f)?;
            }
            r += 1;
        }
        ws.set_freeze_panes(r, 0)?;
        let first_data = r;
        for row in &self.rows {
            if !row.blank {
                for (c, cell) in row.cells.iter().enumerate() {
                    let c = c as u16;
                    match cell {
                        Cell::Empty => ws.write_blank(r, c, cell_f)?,
                        Cell::Text(s) => ws.write_string_with_format(r, c, s, cell_f)?,
                        Cell::Number(n) => ws.write_number_with_format(r, c, *n, cell_f)?,
                        Cell::Percent(f) => ws.write_number_with_format(r, c, *f, pct_f)?,
                        Cell::Date(d) => ws.write_date_with_format(r, c, d, date_f)?,
                        Cell::Formula(formula, v) => {
                            let fm = Formula::new(formula).set_result(crate::value::fmt_number(*v));
                            ws.write_formula_with_format(r, c, fm, cell_f)?
                        }
                    };
                }
            }
            r += 1;
        }
        for &(a, b, c) in &self.merges {
            let (ra, rb) = (first_data + a as u32, first_data + b as u32);
            let text = match &self.rows[a].cells[c] {
                Cell::Text(s) => s.clone(),
                other => other.csv_text(),
            };
            ws.merge_range(ra, c as u16, rb, c as u16, &text, cell_f)?;
        }
        if let Some(n) = &self.note {
            ws.merge_range(r, 0, r, last, n, note_f)?;
            ws.set_row_height(r, 45)?;
        }
        ws.set_landscape();
        ws.set_paper_size(9);
        ws.set_print_fit_to_pages(1, 0);

        Ok(())
    }

    /// Render as CSV text (title lines, header, rows; no merges, no metadata).
    pub(crate) fn to_csv(&self) -> Result<String> {
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        if let Some(t) = &self.title {
            w.write_record([t.as_str()])?;
        }
        if let Some(l) = &self.unit_line {
            w.write_record([l.as_str()])?;
        }
        w.write_record(self.cols.iter().map(|c| header(*c, self.style)))?;
        for row in &self.rows {
            if row.blank {
                w.write_record(vec![""; self.cols.len()])?;
            } else {
                w.write_record(row.cells.iter().map(Cell::csv_text))?;
            }
        }
        if let Some(n) = &self.note {
            w.write_record([n.as_str()])?;
        }
        let bytes = w.into_inner().context("csv")?;
        Ok(String::from_utf8(bytes)?)
    }
}

/// Write bytes, creating the parent folder.
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("无法创建文件夹 {}", dir.display()))?;
    }
    std::fs::write(path, bytes).with_context(|| format!("无法写入 {}", path.display()))
}
