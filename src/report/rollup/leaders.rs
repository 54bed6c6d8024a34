//! 领导汇总: each lead leader's 蓝红 mark (督事督人) period by period, in
//! the colour of the mark, and the periods marked blue and red.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::{period_header, sheet_title, title_row};
use crate::model::Card;
use crate::report::xlsx::{Fill, Kind, Page, Sheet, Val};
use crate::rollup::{LeaderPeriod, LeaderRollup, Rollup};
use crate::score::LeaderMark;

/// Row of the header (below the title).
const HEADER_ROW: u32 = 1;

const NOTE: &str = "说明：蓝红双色标注——分管事项中有红牌事项或超期未完成事项的，当期标“红”；分管事项均无亮牌、无超期未完成、无应报未报的，当期标“蓝”；其余不标（“—”）。空格为当期无分管事项。标蓝、标红为期次数；事项数、逾期为最近一期的分管事项数及其中超期未完成数。";

pub fn build(r: &Rollup, mut s: Sheet) -> Result<Worksheet, XlsxError> {
    let n = r.periods_used.len();
    s.set_page(if n > 12 { Page::WIDE } else { Page::SHEET });
    s.width_bounds(6.0, 30.0);
    let headers: Vec<String> = std::iter::once("牵头领导".to_string())
        .chain(r.periods_used.iter().map(|p| period_header(r, &p.period)))
        .chain(
            ["标蓝(期)", "标红(期)", "事项数", "逾期(项)"]
                .iter()
                .map(|h| h.to_string()),
        )
        .collect();
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    let last_col = headers.len() as u16 - 1;
    title_row(&mut s, &sheet_title(r, "牵头领导蓝红标注汇总"), last_col)?;
    s.header(HEADER_ROW, &headers)?;
    let mut row = HEADER_ROW;
    for l in &r.leaders {
        row += 1;
        leader_row(&mut s, r, row, l)?;
    }
    s.table_chrome(HEADER_ROW, headers.len() as u16, row)?;
    let fmts = s.fmts;
    s.merge_note(row + 2, 0, last_col, NOTE, &fmts.note)?;
    Ok(s.finish())
}

fn leader_row(s: &mut Sheet, r: &Rollup, row: u32, l: &LeaderRollup) -> Result<(), XlsxError> {
    s.put(row, 0, Val::Str(&l.name), Kind::Text, Fill::None)?;
    let mut col = 1;
    for p in &r.periods_used {
        let (v, fill) = mark(l.periods.iter().find(|x| x.period == p.period));
        s.put(row, col, v, Kind::Center, fill)?;
        col += 1;
    }
    let latest = l.periods.last();
    let fill_if = |n: u32, c: Card| if n > 0 { Fill::Card(c) } else { Fill::None };
    s.put(
        row,
        col,
        Val::Int(l.blue.into()),
        Kind::Int,
        fill_if(l.blue, Card::Blue),
    )?;
    s.put(
        row,
        col + 1,
        Val::Int(l.red.into()),
        Kind::Int,
        fill_if(l.red, Card::Red),
    )?;
    s.put(
        row,
        col + 2,
        Val::from(latest.map(|p| p.tasks)),
        Kind::Int,
        Fill::None,
    )?;
    s.put(
        row,
        col + 3,
        Val::from(latest.map(|p| p.overdue)),
        Kind::Int,
        Fill::None,
    )
}

/// A period's mark as shown, in its colour.
fn mark(p: Option<&LeaderPeriod>) -> (Val<'static>, Fill) {
    match p.map(|p| p.mark) {
        None => (Val::Empty, Fill::None),
        Some(Some(LeaderMark::Blue)) => (Val::Str("蓝"), Fill::Card(Card::Blue)),
        Some(Some(LeaderMark::Red)) => (Val::Str("红"), Fill::Card(Card::Red)),
        Some(None) => (Val::Str("—"), Fill::None),
    }
}
