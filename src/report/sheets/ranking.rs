//! 单位排名: units ranked within their category, each score's components,
//! deduction and formula written out, the scoring rules below.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::table::{col_of, put_row, table, Col};
use crate::pipeline::RunResult;
use crate::report::figures::{card_label, weighted_name, Figures};
use crate::report::xlsx::{Fill, Kind, Page, Sheet, Val};

/// The columns: what a leader reads first (printed, [`PRINTED`]); the card
/// counts, the deduction in detail and the formula beside them, on screen.
const COLS: [Col; 23] = [
    ("类别", Kind::Text),
    ("排名", Kind::Int),
    ("单位", Kind::Wrap),
    ("得分", Kind::Num2),
    ("进度得分", Kind::Num2),
    ("按期完成得分", Kind::Num2),
    ("按时报送得分", Kind::Num2),
    ("报送质量得分", Kind::Num2),
    ("加权基础分", Kind::Num2),
    ("亮牌扣分", Kind::Num2),
    ("评价得分", Kind::Num2),
    ("标注", Kind::Center),
    ("上期排名", Kind::Int),
    ("排名变化", Kind::Center),
    ("亮牌", Kind::Center),
    ("事项数(应报/完成/滞后)", Kind::Center),
    ("单位亮牌原因", Kind::Wrap),
    ("红牌数", Kind::Int),
    ("橙牌数", Kind::Int),
    ("黄牌数", Kind::Int),
    ("蓝牌数", Kind::Int),
    ("亮牌扣分明细", Kind::Wrap),
    ("得分计算式", Kind::Wrap),
];

/// The columns printed (A3 landscape): 类别 to 单位亮牌原因.
const PRINTED: u16 = 17;

pub(crate) fn build(r: &RunResult, f: &Figures, mut s: Sheet) -> Result<Worksheet, XlsxError> {
    // The leader's columns on A3; the formula beside them, wide enough for one line.
    s.set_page(Page::WIDE.columns(PRINTED));
    s.width_bounds(6.0, 64.0);
    let w = &r.config.score;
    // The four components carry their weights (`进度得分（权重40）`), so the
    // formula can be checked by hand.
    let headers: Vec<String> = COLS
        .iter()
        .map(|c| weighted_name(c.0, w).unwrap_or_else(|| c.0.to_string()))
        .collect();
    let cols: Vec<(&str, Kind)> = headers
        .iter()
        .zip(&COLS)
        .map(|(h, c)| (h.as_str(), c.1))
        .collect();
    let card_col = col_of(&COLS, "亮牌").unwrap_or(14);
    let last = table(&mut s, 0, &cols, &f.ranking, |s, row, x| {
        let u = x.unit;
        let fill = if u.bottom3 {
            Fill::Alert
        } else if u.top3 {
            Fill::Good
        } else {
            Fill::None
        };
        let p = &u.parts;
        put_row(
            s,
            row,
            &cols,
            fill,
            [
                Val::Str(&u.category),
                Val::Int(u.rank as i64),
                Val::Str(&u.name),
                Val::Num(u.score),
                Val::Num(p.progress),
                Val::Num(p.completion),
                Val::Num(p.reporting),
                Val::Num(p.quality),
                Val::Num(p.base),
                Val::Num(p.deduction),
                Val::from(p.evaluation),
                Val::Str(&x.standing),
                Val::from(u.prev_rank),
                Val::Str(&x.rank_change),
                Val::Str(card_label(u.card)),
                Val::Owned(format!("{}/{}/{}", u.due, u.done, u.behind)),
                Val::Owned(u.reasons.join("；")),
                Val::Int(u.cards.red as i64),
                Val::Int(u.cards.orange as i64),
                Val::Int(u.cards.yellow as i64),
                Val::Int(u.cards.blue as i64),
                Val::Str(&x.deduction),
                Val::Str(&x.formula),
            ],
        )?;
        // The card cell carries the card's own colour.
        if let Some(c) = u.card {
            s.put(
                row,
                card_col,
                Val::Str(c.label()),
                Kind::Center,
                Fill::Card(c),
            )?;
        }
        Ok(())
    })?;
    legend(&mut s, f, last)?;
    s.need(col_of(&COLS, "亮牌扣分明细").unwrap_or(21), 24.0);
    Ok(s.finish())
}

/// 计分说明 under the table (which ends at `last`): merged note rows, one rule a row.
fn legend(s: &mut Sheet, f: &Figures, last: u32) -> Result<(), XlsxError> {
    let fmts = s.fmts;
    let last_col = s.last_printed_col(COLS.len() as u16);
    let mut row = last + 2;
    s.label(row, 0, "计分说明", &fmts.section)?;
    for line in &f.score_legend {
        row += 1;
        s.merge_note(row, 0, last_col, line, &fmts.note)?;
    }
    Ok(())
}
