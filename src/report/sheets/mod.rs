//! `汇总_<period>.xlsx`: the consolidated workbook, one sheet per file over
//! the run's [`Figures`], listed once in [`SHEETS`] (adding a sheet = one
//! file + one line there).
//!
//! The sheets with a row per task, issue, rejected row or reminder are
//! streamed: written row by row to temporary files in rust_xlsxwriter's
//! low-memory mode, one after the other in sheet order, so a run does not
//! hold a million cells in memory. The other sheets are built in memory in
//! parallel meanwhile, from the same formats, and everything is pushed in
//! sheet order. Every figure is written as a value (no formulas), so it
//! reads back without recalculation. Percentages are points 0–100 shown with
//! one decimal under a `(%)` header.

pub(crate) mod alerts;
pub(crate) mod issues;
pub(crate) mod leaders;
pub(crate) mod ledger;
pub(crate) mod overview;
mod overview_charts;
pub(crate) mod ranking;
pub(crate) mod rejected;
pub(crate) mod reminders;
pub(crate) mod submissions;
pub(crate) mod table;
#[cfg(test)]
mod tests;

use std::path::Path;

use anyhow::{Context, Result};
use rayon::prelude::*;
use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};

use super::figures::Figures;
use super::xlsx::{save_atomic, set_properties, Formats, Sheet};
use crate::pipeline::RunResult;

/// Writes one sheet of the run into `Sheet`.
pub(crate) type Builder =
    for<'f> fn(&RunResult, &Figures, Sheet<'f>) -> Result<Worksheet, XlsxError>;

/// One sheet of the workbook.
pub(crate) struct SheetDef {
    pub(crate) name: &'static str,
    pub(crate) build: Builder,
    /// Written row by row to a temporary file instead of held in memory
    /// (the sheets with a row per task, issue, rejected row or reminder).
    pub(crate) streamed: bool,
    /// Rows are coloured by card: the printed page header says so.
    pub(crate) card_rows: bool,
}

/// The sheets, in workbook order (the first is the one shown on opening).
#[rustfmt::skip]
pub(crate) const SHEETS: [SheetDef; 9] = [
    SheetDef { name: "总览",     build: overview::build,    streamed: false, card_rows: false },
    SheetDef { name: "台账汇总", build: ledger::build,      streamed: true,  card_rows: true },
    SheetDef { name: "亮牌预警", build: alerts::build,      streamed: true,  card_rows: true },
    SheetDef { name: "单位排名", build: ranking::build,     streamed: false, card_rows: false },
    SheetDef { name: "领导分管", build: leaders::build,     streamed: false, card_rows: false },
    SheetDef { name: "报送情况", build: submissions::build, streamed: false, card_rows: false },
    SheetDef { name: "校验问题", build: issues::build,      streamed: true,  card_rows: false },
    SheetDef { name: "退回明细", build: rejected::build,    streamed: true,  card_rows: false },
    SheetDef { name: "督办提示", build: reminders::build,   streamed: true,  card_rows: false },
];

/// The sheet names, in workbook order.
#[cfg(test)]
pub(crate) fn sheet_names() -> Vec<&'static str> {
    SHEETS.iter().map(|d| d.name).collect()
}

/// File name of the consolidated workbook of a run.
pub(crate) fn summary_file_name(r: &RunResult) -> String {
    match crate::store::layout::round_label(r.round).as_str() {
        "" => format!("汇总_{}.xlsx", r.period),
        round => format!("汇总_{}_{round}.xlsx", r.period),
    }
}

/// Write the consolidated workbook.
pub(crate) fn write_summary(r: &RunResult, f: &Figures, path: &Path) -> Result<()> {
    let mut wb =
        build_summary(r, f).with_context(|| format!("生成汇总表 {} 失败", path.display()))?;
    save_atomic(&mut wb, path)
}

/// Build the consolidated workbook (sheets built in parallel). The long
/// sheets are already written to temporary files; the rest is in memory.
pub(crate) fn build_summary(r: &RunResult, f: &Figures) -> Result<Workbook, XlsxError> {
    build(r, f, true)
}

/// [`build_summary`]; with `streaming` false every sheet is held in memory.
fn build(r: &RunResult, f: &Figures, streaming: bool) -> Result<Workbook, XlsxError> {
    let fmts = Formats::new();
    let mut wb = Workbook::new();
    // Streamed sheets share the workbook's format table: registering every
    // format first keeps the style numbers independent of the thread order.
    fmts.register(&mut wb);
    // The streamed sheets also share the workbook's string table, filled as
    // they write: they are built one after the other, in sheet order, so the
    // string numbers are always the same; the other sheets are built in
    // parallel meanwhile (their strings are numbered when the workbook is saved).
    let mut blank = Vec::with_capacity(SHEETS.len());
    for def in &SHEETS {
        blank.push(if streaming && def.streamed {
            Some(wb.new_worksheet_with_low_memory()?)
        } else {
            None
        });
    }
    let build_one = |i: usize, ws: Option<Worksheet>| {
        let def = &SHEETS[i];
        let s = match ws {
            Some(ws) => Sheet::streaming(ws, def.name, &fmts)?,
            None => Sheet::new(def.name, &fmts)?,
        };
        (def.build)(r, f, s).map(|ws| (i, ws))
    };
    let (on_disk, in_memory): (Vec<_>, Vec<_>) = blank
        .into_iter()
        .enumerate()
        .partition(|(_, ws)| ws.is_some());
    let (on_disk, in_memory) = rayon::join(
        || {
            on_disk
                .into_iter()
                .map(|(i, ws)| build_one(i, ws))
                .collect::<Result<Vec<_>, _>>()
        },
        || {
            in_memory
                .into_par_iter()
                .map(|(i, ws)| build_one(i, ws))
                .collect::<Result<Vec<_>, _>>()
        },
    );
    let mut sheets: Vec<(usize, Worksheet)> = on_disk?;
    sheets.extend(in_memory?);
    sheets.sort_by_key(|x| x.0);
    let title = format!("重点工作督办汇总（{}）", r.period.label());
    set_properties(&mut wb, &title, r.as_of);
    // Printed pages say what they are: workbook title left, sheet name right.
    let page_header = format!("&L{title}&R&A　截至{}", r.as_of);
    let card_header = page_header.replace("&R", "&C行底色＝亮牌颜色（规则见《总览》）&R");
    for (def, (i, mut ws)) in SHEETS.iter().zip(sheets) {
        if i == 0 {
            ws.set_active(true);
        }
        ws.set_header(if def.card_rows {
            &card_header
        } else {
            &page_header
        });
        wb.push_worksheet(ws);
    }
    Ok(wb)
}
