//! 领导分管: per lead leader, the tasks, how far they are, their cards and
//! the 蓝红 mark (督事督人).

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::table::{col_of, put_row, table, Col};
use crate::model::Card;
use crate::pipeline::RunResult;
use crate::report::figures::Figures;
use crate::report::xlsx::{Fill, Kind, Page, Sheet, Val};
use crate::score::LeaderMark;

const COLS: [Col; 14] = [
    ("牵头领导", Kind::Text),
    ("分管单位", Kind::Wrap),
    ("事项数", Kind::Int),
    ("已完成(项)", Kind::Int),
    ("完成率(%)", Kind::Num),
    ("滞后序时(项)", Kind::Int),
    ("已逾期(项)", Kind::Int),
    ("红牌(项)", Kind::Int),
    ("橙牌(项)", Kind::Int),
    ("黄牌(项)", Kind::Int),
    ("蓝牌(项)", Kind::Int),
    ("亮牌合计(项)", Kind::Int),
    ("标注(蓝红)", Kind::Center),
    ("标注原因", Kind::Wrap),
];

const NOTE: &str = "说明：督事督人、蓝红双色标注——分管事项中有红牌事项或超期未完成事项的，标“红”；分管事项均无亮牌、无超期未完成、无应报未报的，标“蓝”（略滞后于序时进度但未达亮牌标准的，不影响标蓝）。滞后序时：未完成且完成进度低于序时进度的事项。";

pub(crate) fn build(_: &RunResult, f: &Figures, mut s: Sheet) -> Result<Worksheet, XlsxError> {
    let fmts = s.fmts;
    s.set_page(Page::SHEET);
    s.width_bounds(6.0, 50.0);
    let mark_col = col_of(&COLS, "标注(蓝红)").unwrap_or(12);
    let last = table(&mut s, 0, &COLS, &f.leaders, |s, row, x| {
        let l = x.leader;
        put_row(
            s,
            row,
            &COLS,
            Fill::None,
            [
                Val::Str(&l.name),
                Val::Owned(l.units.join("、")),
                Val::Int(l.tasks as i64),
                Val::Int(l.done as i64),
                Val::Num(x.completion),
                Val::Int(l.behind as i64),
                Val::Int(l.overdue as i64),
                Val::Int(l.cards.red as i64),
                Val::Int(l.cards.orange as i64),
                Val::Int(l.cards.yellow as i64),
                Val::Int(l.cards.blue as i64),
                Val::Int(l.cards.total() as i64),
                Val::Empty,
                Val::Str(&l.mark_reason),
            ],
        )?;
        let fill = match l.mark {
            Some(LeaderMark::Red) => Fill::Card(Card::Red),
            Some(LeaderMark::Blue) => Fill::Card(Card::Blue),
            None => Fill::None,
        };
        s.put(row, mark_col, Val::Str(x.mark), Kind::Center, fill)
    })?;
    let last_col = s.last_printed_col(COLS.len() as u16);
    s.merge_note(last + 2, 0, last_col, NOTE, &fmts.note)?;
    Ok(s.finish())
}
