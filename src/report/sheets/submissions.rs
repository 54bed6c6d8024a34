//! 报送情况: how each unit reported (printed), and beside it every file
//! received and what became of it (on screen: file names, checksums and
//! reasons are for the clerk, and a second table below the first would
//! print under the first one's repeated header).

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::table::{put_row, table, Col};
use crate::merge::{FileOutcome, FileRecord};
use crate::model::Card;
use crate::pipeline::RunResult;
use crate::report::figures::{Figures, SubmissionFigures, SubmissionState};
use crate::report::xlsx::{Fill, Kind, Page, Sheet, Val};

/// Per unit; the files' checksums beside the printed columns.
const COLS: [Col; 14] = [
    ("单位", Kind::Wrap),
    ("类别", Kind::Text),
    ("应报事项", Kind::Int),
    ("已报事项", Kind::Int),
    ("未报事项", Kind::Int),
    ("未报事项编号", Kind::Wrap),
    ("报送情况", Kind::Center),
    ("采用文件", Kind::Wrap),
    ("被替代文件", Kind::Wrap),
    ("退回文件", Kind::Wrap),
    ("错误数", Kind::Int),
    ("提醒数", Kind::Int),
    ("退回行数", Kind::Int),
    ("文件 SHA-256", Kind::Wrap),
];

/// Every file received, to the right of the units' table.
const FILE_COLS: [Col; 15] = [
    ("收到的文件", Kind::Wrap),
    ("单位", Kind::Text),
    ("期次", Kind::Text),
    ("填报日期", Kind::Date),
    ("处理结果", Kind::Center),
    ("读取行数", Kind::Int),
    ("采用", Kind::Int),
    ("退回", Kind::Int),
    ("被替代", Kind::Int),
    ("逾期报送", Kind::Center),
    ("被以下文件替代", Kind::Wrap),
    ("退回原因", Kind::Text),
    ("大小(字节)", Kind::Int),
    ("格式", Kind::Text),
    ("SHA-256", Kind::Text),
];

/// The columns printed: the units' 单位 to 退回行数.
const PRINTED: u16 = 13;
/// First column of the files' table: one empty column after the units'.
const FILES_COL: u16 = COLS.len() as u16 + 1;

pub(crate) fn build(r: &RunResult, f: &Figures, mut s: Sheet) -> Result<Worksheet, XlsxError> {
    s.set_page(Page::SHEET.columns(PRINTED));
    s.width_bounds(6.0, 48.0);
    table(&mut s, 0, &COLS, &f.submissions, unit_row)?;
    let headers: Vec<&str> = FILE_COLS.iter().map(|c| c.0).collect();
    s.header_at(0, FILES_COL, &headers)?;
    for (i, file) in r.merged.files.iter().enumerate() {
        file_row(&mut s, i as u32 + 1, file)?;
    }
    Ok(s.finish())
}

fn unit_row(s: &mut Sheet, row: u32, x: &SubmissionFigures) -> Result<(), XlsxError> {
    let sub = x.submission;
    let fill = match x.state {
        SubmissionState::Missing => Fill::Alert,
        SubmissionState::Late => Fill::Card(Card::Yellow),
        _ => Fill::None,
    };
    let hashes: Vec<String> = x.hashes.iter().map(|(f, h)| format!("{f}：{h}")).collect();
    put_row(
        s,
        row,
        &COLS,
        fill,
        [
            Val::Str(&sub.unit),
            Val::Str(x.category),
            Val::Int(sub.due.len() as i64),
            Val::Int(sub.rows_accepted as i64),
            Val::Int(sub.missing.len() as i64),
            Val::Owned(sub.missing.join("、")),
            Val::Str(x.state.label()),
            Val::Owned(sub.files.join("\n")),
            Val::Owned(sub.superseded_files.join("\n")),
            Val::Owned(sub.rejected_files.join("\n")),
            Val::Int(sub.errors as i64),
            Val::Int(sub.warnings as i64),
            Val::Int(sub.rows_rejected as i64),
            Val::Owned(hashes.join("\n")),
        ],
    )
}

fn file_row(s: &mut Sheet, row: u32, f: &FileRecord) -> Result<(), XlsxError> {
    let fill = match f.outcome {
        FileOutcome::Rejected => Fill::Alert,
        FileOutcome::Superseded => Fill::Card(Card::Blue),
        _ => Fill::None,
    };
    let vals = [
        Val::Str(&f.file.rel),
        // A collection-tool export holds several units' rows.
        if f.export {
            Val::Owned(f.units.join("、"))
        } else {
            Val::from(f.unit.as_ref())
        },
        Val::from(f.period.map(|p| p.label())),
        f.fill_date.into(),
        Val::Str(f.outcome.label()),
        Val::Int(f.rows_read as i64),
        Val::Int(f.accepted as i64),
        Val::Int(f.rejected as i64),
        Val::Int(f.superseded as i64),
        Val::Str(if f.late { "是" } else { "" }),
        Val::from(f.superseded_by.as_ref()),
        Val::from(f.error.as_ref()),
        Val::Int(f.file.size as i64),
        Val::Owned(format!("{:?}", f.file.format).to_lowercase()),
        Val::Str(&f.file.sha256),
    ];
    for (c, (v, col)) in vals.into_iter().zip(&FILE_COLS).enumerate() {
        s.put(row, FILES_COL + c as u16, v, col.1, fill)?;
    }
    Ok(())
}
