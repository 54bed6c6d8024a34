//! 台账汇总: every task of the ledger with this period's report, planned
//! progress, lag, card and where the report came from; rows coloured by
//! card; closed tasks marked 已销号 with the period they closed in.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::table::{card_note, col_of, joined, put_row, table, Col};
use crate::closing::closed_label;
use crate::pipeline::RunResult;
use crate::report::figures::{card_label, round1, status_label, yes_no, Figures};
use crate::report::xlsx::{Fill, Kind, Page, Sheet, Val};
use crate::validate::Report;

/// The columns, those a leader reads first: they are the printed ones
/// ([`PRINTED`]); the unit's other answers, the ledger's other fields and
/// where each report came from follow, on screen only.
pub(crate) const COLS: [Col; 25] = [
    ("编号", Kind::Text),
    ("分组", Kind::Wrap),
    ("事项名称", Kind::Wrap),
    ("星级", Kind::Int),
    ("牵头领导", Kind::Text),
    ("牵头单位", Kind::Wrap),
    ("完成时限", Kind::Date),
    ("当前状态", Kind::Center),
    ("销号", Kind::Wrap),
    ("完成进度(%)", Kind::Num),
    ("序时进度(%)", Kind::Num),
    ("滞后(个百分点)", Kind::Num),
    ("亮牌", Kind::Center),
    ("亮牌原因", Kind::Wrap),
    ("进展情况", Kind::Wrap),
    ("存在问题", Kind::Wrap),
    ("下步措施", Kind::Wrap),
    ("延期说明", Kind::Wrap),
    ("预计完成日期", Kind::Date),
    ("本期应报", Kind::Center),
    ("来源", Kind::Text),
    ("配合单位", Kind::Wrap),
    ("来源文件", Kind::Wrap),
    ("工作表", Kind::Text),
    ("行号", Kind::Int),
];

/// The columns printed (A3 landscape): 编号 to 下步措施.
pub(crate) const PRINTED: u16 = 17;

/// Column of a header in 台账汇总.
pub(crate) fn col(header: &str) -> Option<u16> {
    col_of(&COLS, header)
}

pub(crate) fn build(r: &RunResult, f: &Figures, mut s: Sheet) -> Result<Worksheet, XlsxError> {
    // The leader's columns print on A3, long text wrapped; the rest are beside them.
    s.set_page(Page::WIDE.columns(PRINTED));
    s.width_bounds(6.0, 40.0);
    table(&mut s, 0, &COLS, &r.scored.tasks, |s, row, t| {
        let rep = t.report.as_ref();
        let txt = |f: fn(&Report) -> &String| Val::from(rep.map(|x| f(x)));
        put_row(
            s,
            row,
            &COLS,
            Fill::of(t.card),
            [
                Val::Str(&t.id),
                Val::from(t.group.as_ref()),
                Val::Str(&t.title),
                Val::Int(t.stars as i64),
                Val::Str(&t.leader),
                Val::Str(&t.unit),
                t.deadline.into(),
                Val::Str(status_label(t.status)),
                Val::from(t.closed_period.map(closed_label)),
                Val::from(t.actual),
                Val::Num(round1(t.planned)),
                Val::from(t.lag.map(round1)),
                Val::Str(card_label(t.card)),
                joined(&t.reasons, "；"),
                txt(|x| &x.progress),
                txt(|x| &x.problems),
                txt(|x| &x.next_steps),
                txt(|x| &x.delay_reason),
                rep.and_then(|x| x.expected).into(),
                Val::Str(yes_no(t.due)),
                Val::Str(&t.source),
                joined(&t.coop_units, "、"),
                Val::from(rep.map(|x| &x.provenance.file)),
                Val::from(rep.map(|x| &x.provenance.sheet)),
                Val::from(rep.map(|x| x.provenance.row)),
            ],
        )
    })?;
    let card_col = col("亮牌").unwrap_or(13);
    s.ws.insert_note(0, card_col, &card_note(f))?;
    Ok(s.finish())
}
