//! 亮牌预警: the carded tasks, most severe first, with figures and reasons
//! (and each task's group, when the ledger has groups).

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::table::{card_note, put_row, table, Col, GroupCol};
use crate::pipeline::RunResult;
use crate::report::figures::{card_label, round1, status_label, Figures};
use crate::report::xlsx::{Fill, Kind, Page, Sheet, Val};

const COLS: [Col; 15] = [
    ("序号", Kind::Int),
    ("亮牌", Kind::Center),
    ("编号", Kind::Text),
    ("事项名称", Kind::Wrap),
    ("牵头单位", Kind::Wrap),
    ("牵头领导", Kind::Text),
    ("星级", Kind::Int),
    ("完成时限", Kind::Date),
    ("当前状态", Kind::Center),
    ("完成进度(%)", Kind::Num),
    ("序时进度(%)", Kind::Num),
    ("滞后(个百分点)", Kind::Num),
    ("亮牌原因", Kind::Wrap),
    ("存在问题", Kind::Wrap),
    ("下步措施", Kind::Wrap),
];

pub(crate) fn build(_: &RunResult, f: &Figures, mut s: Sheet) -> Result<Worksheet, XlsxError> {
    // Every column is one a leader reads: A3 landscape, long text wrapped.
    s.set_page(Page::WIDE);
    s.width_bounds(6.0, 40.0);
    let group = GroupCol::of(f, &COLS);
    let cols = group.cols(&COLS);
    let rows = f.alerts.iter().enumerate();
    table(&mut s, 0, &cols, rows, |s, row, (i, t)| {
        let rep = t.report.as_ref();
        let vals = [
            Val::Int(i as i64 + 1),
            Val::Str(card_label(t.card)),
            Val::Str(&t.id),
            Val::Str(&t.title),
            Val::Str(&t.unit),
            Val::Str(&t.leader),
            Val::Int(t.stars as i64),
            t.deadline.into(),
            Val::Str(status_label(t.status)),
            Val::from(t.actual),
            Val::Num(round1(t.planned)),
            Val::from(t.lag.map(round1)),
            Val::Owned(t.reasons.join("；")),
            Val::from(rep.map(|x| &x.problems)),
            Val::from(rep.map(|x| &x.next_steps)),
        ];
        put_row(
            s,
            row,
            &cols,
            Fill::of(t.card),
            group.row(vals, t.group.as_ref()),
        )
    })?;
    s.ws.insert_note(0, 1, &card_note(f))?;
    Ok(s.finish())
}
