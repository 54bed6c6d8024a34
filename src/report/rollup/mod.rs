//! `晒单_<span>.xlsx`: the workbook of a roll-up (`duban rollup SPAN`), one
//! sheet per file, written from the [`Rollup`] alone:
//!
//! * 总览 ([`overview`]) — the span, the periods used (round, as-of date,
//!   card rules) and missing, whether the archive was verified, the notes,
//!   the counts and the cards of the span;
//! * 单位汇总 ([`units`]) — per unit, by category: periods due, reported on
//!   time / late / not, cards, 后三位 and 约谈 counts, mean score, rank and
//!   its change;
//! * 事项进展 ([`tasks`]) — a task × period matrix of the progress reported,
//!   each cell in the colour of that period's card, by the ledger's groups;
//! * 领导汇总 ([`leaders`]) — each lead leader's 蓝红 mark per period;
//! * 年度考评 ([`annual`], a year only) — every component of the annual
//!   score with the formula written out, so a clerk can redo it.
//!
//! As the monthly workbook: values only (no formulas), A4 or A3 landscape,
//! one page wide with the body at 9 pt or more, header rows repeated, the
//! span on every printed page (and 未校验 when the archive was not checked);
//! the document date is the latest as-of date used, so the same archive
//! gives the same bytes.

mod annual;
mod leaders;
mod overview;
mod tasks;
#[cfg(test)]
mod tests;
mod units;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};

use crate::model::Card;
use crate::period::Period;
use crate::report::xlsx::{save_atomic, set_properties, Formats, Sheet};
use crate::rollup::Rollup;

/// Writes one sheet of the roll-up into `Sheet`.
type Builder = for<'f> fn(&Rollup, Sheet<'f>) -> Result<Worksheet, XlsxError>;

/// The sheets, in workbook order; 年度考评 only for a year.
fn sheets(r: &Rollup) -> Vec<(&'static str, Builder)> {
    let mut out: Vec<(&'static str, Builder)> = vec![
        ("总览", overview::build),
        ("单位汇总", units::build),
        ("事项进展", tasks::build),
        ("领导汇总", leaders::build),
    ];
    if r.span.is_year() {
        out.push(("年度考评", annual::build));
    }
    out
}

/// The sheet names of a roll-up's workbook, in order.
#[cfg(test)]
pub fn sheet_names(r: &Rollup) -> Vec<&'static str> {
    sheets(r).into_iter().map(|s| s.0).collect()
}

/// `晒单_2026年第四季度.xlsx`.
pub fn file_name(r: &Rollup) -> String {
    format!("晒单_{}.xlsx", r.span.label())
}

/// Write the roll-up's workbook into `out` (atomically) and return its path.
pub fn write_workbook(r: &Rollup, out: &Path) -> Result<PathBuf> {
    let path = out.join(file_name(r));
    let mut wb = build(r).with_context(|| format!("生成晒单 {} 失败", path.display()))?;
    save_atomic(&mut wb, &path)?;
    Ok(path)
}

/// The workbook of a roll-up, in memory.
pub fn build(r: &Rollup) -> Result<Workbook, XlsxError> {
    let fmts = Formats::new();
    let mut wb = Workbook::new();
    fmts.register(&mut wb);
    let title = workbook_title(r);
    set_properties(&mut wb, &title, as_of(r));
    // Printed pages say what they are; an unchecked archive says so on every page.
    let page_header = if r.verified {
        format!("&L{title}&R&A")
    } else {
        format!("&L{title}&C{UNVERIFIED}&R&A")
    };
    for (i, (name, build)) in sheets(r).into_iter().enumerate() {
        let mut ws = build(r, Sheet::new(name, &fmts)?)?;
        if i == 0 {
            ws.set_active(true);
        }
        ws.set_header(&page_header);
        wb.push_worksheet(ws);
    }
    Ok(wb)
}

/// What every output of an unchecked roll-up says.
pub const UNVERIFIED: &str = "未校验（--no-verify）";

/// `重点工作督办晒单（2026年第四季度）`.
fn workbook_title(r: &Rollup) -> String {
    format!("重点工作督办晒单（{}）", r.span.label())
}

/// The title of a sheet: what it shows, the span, and 未校验 when the
/// archive was not checked.
fn sheet_title(r: &Rollup, what: &str) -> String {
    let mut t = format!("{what}（{}）", r.span.label());
    if !r.verified {
        t.push_str(&format!("【{UNVERIFIED}】"));
    }
    t
}

/// The latest as-of date of the periods used (the span's end when none).
fn as_of(r: &Rollup) -> chrono::NaiveDate {
    r.periods_used
        .iter()
        .map(|p| p.as_of)
        .max()
        .unwrap_or_else(|| r.span.end())
}

/// A period as a column header: without the year when it is the span's
/// (`7月`, `第2季度`), else in full.
fn period_header(r: &Rollup, p: &Period) -> String {
    let full = p.label();
    let year = format!("{}年", r.span.year);
    match full.strip_prefix(&year) {
        Some(rest) if p.year == r.span.year => rest.to_string(),
        _ => full,
    }
}

/// Height of a sheet's title row (points).
const TITLE_PT: f64 = 28.0;

/// Write the title of a sheet across columns `0..=last` of row 0.
fn title_row(s: &mut Sheet, text: &str, last: u16) -> Result<(), XlsxError> {
    let fmts = s.fmts;
    s.merge(0, 0, last, text, &fmts.title)?;
    s.row_height(0, TITLE_PT)
}

/// The card colours a roll-up's counts show: those of the card rules of the
/// periods used, and any colour that occurs; all four when neither tells.
fn card_colours(r: &Rollup) -> Vec<Card> {
    use crate::config::Preset;
    let mut shown = [false; 4];
    let at = |c: Card| match c {
        Card::Red => 0,
        Card::Orange => 1,
        Card::Yellow => 2,
        Card::Blue => 3,
    };
    for p in r.periods_used.iter().filter_map(|p| p.preset) {
        let cards: &[Card] = match p {
            Preset::RedYellowBlue => &[Card::Red, Card::Yellow, Card::Blue],
            Preset::YellowOrangeRed => &[Card::Red, Card::Orange, Card::Yellow],
        };
        for &c in cards {
            shown[at(c)] = true;
        }
    }
    let occurring = r
        .units
        .iter()
        .flat_map(|u| u.periods.iter().filter_map(|p| p.card))
        .chain(
            r.tasks
                .iter()
                .flat_map(|t| t.periods.iter().filter_map(|p| p.card)),
        );
    for c in occurring {
        shown[at(c)] = true;
    }
    if !shown.iter().any(|&b| b) {
        shown = [true; 4];
    }
    ALL_CARDS.into_iter().filter(|&c| shown[at(c)]).collect()
}

/// The cards, most severe first.
const ALL_CARDS: [Card; 4] = [Card::Red, Card::Orange, Card::Yellow, Card::Blue];

/// Periods in which `tally` says the unit's card was `c`.
fn tally_of(t: &crate::rollup::CardTally, c: Card) -> u32 {
    match c {
        Card::Red => t.red,
        Card::Orange => t.orange,
        Card::Yellow => t.yellow,
        Card::Blue => t.blue,
    }
}
