//! 单位汇总: per unit, by category then rank, what the span added up —
//! periods due, reported on time / late / not, cards per colour (those of
//! the periods' card rules, and any that occurred), 后三位 and 约谈 counts,
//! the mean score (and for a year the annual score it is ranked on), rank
//! and its change against the previous span. What each column counts is
//! written below the table.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::{card_colours, sheet_title, tally_of, title_row};
use crate::model::Card;
use crate::report::figures::rank_change;
use crate::report::sheets::table::{put_row, table};
use crate::report::xlsx::{Fill, Kind, Page, Sheet, Val};
use crate::rollup::{Rollup, UnitRollup};
use crate::score::rank::round2;

/// The columns: fixed ones, then a column per card colour shown, then the
/// counts and scores (年度得分 for a year).
fn columns(r: &Rollup, cards: &[Card]) -> Vec<(String, Kind)> {
    let mut cols: Vec<(String, Kind)> = [
        ("类别", Kind::Text),
        ("排名", Kind::Int),
        ("单位", Kind::Wrap),
        ("应报期数", Kind::Int),
        ("按时报送(期)", Kind::Int),
        ("逾期报送(期)", Kind::Int),
        ("未报送(期)", Kind::Int),
    ]
    .iter()
    .map(|(h, k)| (h.to_string(), *k))
    .collect();
    for c in cards {
        cols.push((format!("{}(期)", c.label()), Kind::Int));
    }
    cols.push(("后三位(次)".into(), Kind::Int));
    cols.push(("约谈(次)".into(), Kind::Int));
    cols.push(("平均得分".into(), Kind::Num2));
    if r.span.is_year() {
        cols.push(("年度得分".into(), Kind::Num2));
    }
    cols.push(("排名变化".into(), Kind::Center));
    cols
}

pub fn build(r: &Rollup, mut s: Sheet) -> Result<Worksheet, XlsxError> {
    s.set_page(Page::SHEET);
    s.width_bounds(6.0, 30.0);
    let cards = card_colours(r);
    let owned = columns(r, &cards);
    let cols: Vec<(&str, Kind)> = owned.iter().map(|(h, k)| (h.as_str(), *k)).collect();
    let last_col = cols.len() as u16 - 1;
    title_row(&mut s, &sheet_title(r, "各单位督办情况汇总"), last_col)?;
    let last = table(&mut s, 1, &cols, &r.units, |s, row, u| {
        put_row(s, row, &cols, Fill::None, values(r, u, &cards))?;
        // Cells worth a look carry a colour: the cards, periods not reported.
        for (i, &c) in cards.iter().enumerate() {
            let n = tally_of(&u.cards, c);
            if n > 0 {
                s.put(
                    row,
                    7 + i as u16,
                    Val::Int(n.into()),
                    Kind::Int,
                    Fill::Card(c),
                )?;
            }
        }
        if u.not_reported > 0 {
            let n = Val::Int(u.not_reported.into());
            s.put(row, 6, n, Kind::Int, Fill::Alert)?;
        }
        Ok(())
    })?;
    let fmts = s.fmts;
    let mut row = last + 2;
    s.label(row, 0, "说明", &fmts.section)?;
    for line in legend(r) {
        row += 1;
        s.merge_note(row, 0, last_col, &line, &fmts.note)?;
    }
    Ok(s.finish())
}

/// One unit's row, in the order of [`columns`].
fn values<'a>(r: &Rollup, u: &'a UnitRollup, cards: &[Card]) -> Vec<Val<'a>> {
    let rank = match u.rank {
        0 => Val::Str("—"),
        n => Val::Int(n.into()),
    };
    let mut v = vec![
        Val::Str(&u.category),
        rank,
        Val::Str(&u.name),
        Val::Int(u.periods_due.into()),
        Val::Int(u.on_time.into()),
        Val::Int(u.late.into()),
        Val::Int(u.not_reported.into()),
    ];
    v.extend(
        cards
            .iter()
            .map(|&c| Val::Int(tally_of(&u.cards, c).into())),
    );
    v.push(Val::Int(u.bottom3_count.into()));
    v.push(Val::Int(u.interviews.into()));
    v.push(Val::from(u.mean_score.map(round2)));
    if r.span.is_year() {
        v.push(Val::from(u.annual.as_ref().map(|a| round2(a.score))));
    }
    v.push(Val::Owned(rank_change(u.rank_change)));
    v
}

/// What the columns count.
fn legend(r: &Rollup) -> Vec<String> {
    let ranked_on = if r.span.is_year() {
        "年度得分（计算见《年度考评》）"
    } else {
        "平均得分"
    };
    let compared = match r.previous {
        Some(p) => format!("与{}相比，↑上升、↓下降", p.label()),
        None => format!("{}没有归档，无从比较", r.span.prev().label()),
    };
    vec![
        "应报期数：单位有应报事项的期次数；按时报送、未报送：其中按时报送、未报送（无采用的报表）的期次数；逾期报送：采用的报表晚于报送截止日期的期次数。".to_string(),
        "亮牌(期)：单位当期本身所亮之牌为该颜色的期次数；后三位：当期在类别内排名后三位的期次数；约谈：当期处于后三位或所亮之牌须约谈的期次数。".to_string(),
        format!(
            "平均得分：有应报事项各期得分的平均；排名：类别内按{ranked_on}排名，得分相同名次相同，“—”为未参与排名；排名变化：{compared}，“—”为无可比。"
        ),
    ]
}
