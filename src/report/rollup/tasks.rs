//! 事项进展: a task × period matrix. Each cell is what the task reported
//! that period — the percent done, or its status in words (未报送, 无需报送,
//! 已销号 …) — filled with the colour of that period's card; then the latest
//! status, percent and the period it was closed (销号) in. Tasks follow the
//! ledger's order, under a heading per 分组 when the ledger has groups.
//! A4 landscape up to six periods, A3 beyond.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::{card_colours, period_header, sheet_title, title_row};
use crate::report::figures::status_label;
use crate::report::xlsx::{Fill, Kind, Page, Sheet, Val};
use crate::rollup::{Rollup, TaskPeriod, TaskRollup};
use crate::score::rank::round2;

/// The columns before the periods.
const LEAD: [(&str, Kind); 4] = [
    ("编号", Kind::Text),
    ("责任单位", Kind::Wrap),
    ("事项名称", Kind::Wrap),
    ("牵头领导", Kind::Text),
];

/// The columns after the periods.
const TAIL: [(&str, Kind); 3] = [
    ("最新状态", Kind::Center),
    ("最新进度(%)", Kind::Num),
    ("销号期次", Kind::Center),
];

/// Row of the header (below the title and the legend line).
const HEADER_ROW: u32 = 2;

/// Periods printed on A4; more go on A3.
const A4_PERIODS: usize = 6;

pub fn build(r: &Rollup, mut s: Sheet) -> Result<Worksheet, XlsxError> {
    let n = r.periods_used.len();
    s.set_page(if n > A4_PERIODS {
        Page::WIDE
    } else {
        Page::SHEET
    });
    s.width_bounds(6.0, 40.0);
    let headers: Vec<String> = LEAD
        .iter()
        .map(|c| c.0.to_string())
        .chain(r.periods_used.iter().map(|p| period_header(r, &p.period)))
        .chain(TAIL.iter().map(|c| c.0.to_string()))
        .collect();
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    let last_col = headers.len() as u16 - 1;
    let fmts = s.fmts;
    title_row(&mut s, &sheet_title(r, "重点事项逐期进展"), last_col)?;
    let legend = "格内数字为当期报送的完成进度（%），文字为当期状态（未报送：应报未报；无需报送：当期不需报送；已销号：此前已销号）；“—”为当期台账无此事项。格底色为该事项当期亮牌颜色。";
    s.merge_note(1, 0, last_col, legend, &fmts.note)?;
    s.header(HEADER_ROW, &headers)?;
    let mut row = HEADER_ROW;
    let grouped = r.tasks.iter().any(|t| t.group.is_some());
    for (group, tasks) in by_group(&r.tasks) {
        if grouped {
            row += 1;
            let name = group.unwrap_or("（未分组）");
            let text = format!("{name}（{} 项）", tasks.len());
            let f = fmts.label.clone().set_text_wrap();
            s.merge_note(row, 0, last_col, &text, &f)?;
        }
        for t in tasks {
            row += 1;
            task_row(&mut s, r, row, t)?;
        }
    }
    s.ws.set_freeze_panes(HEADER_ROW + 1, 3)?;
    s.ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    chips(&mut s, r, row + 2)?;
    // Titles wrap rather than widen the matrix.
    s.need(2, 24.0);
    Ok(s.finish())
}

/// One task's row.
fn task_row(s: &mut Sheet, r: &Rollup, row: u32, t: &TaskRollup) -> Result<(), XlsxError> {
    let lead = [
        Val::Str(&t.id),
        Val::Str(&t.unit),
        Val::Str(&t.title),
        Val::Str(&t.leader),
    ];
    for (c, v) in lead.into_iter().enumerate() {
        s.put(row, c as u16, v, LEAD[c].1, Fill::None)?;
    }
    let mut col = LEAD.len() as u16;
    for p in &r.periods_used {
        let (v, kind, fill) = cell(t.periods.iter().find(|x| x.period == p.period));
        s.put(row, col, v, kind, fill)?;
        col += 1;
    }
    let closed = t.closed_period.map(|p| period_header(r, &p));
    let tail = [
        Val::Str(status_label(t.final_status)),
        Val::from(t.final_actual.map(round2)),
        Val::from(closed),
    ];
    for (i, v) in tail.into_iter().enumerate() {
        s.put(row, col + i as u16, v, TAIL[i].1, Fill::None)?;
    }
    Ok(())
}

/// What a task's cell of one period shows, and its fill (the period's card).
fn cell(p: Option<&TaskPeriod>) -> (Val<'static>, Kind, Fill) {
    let Some(p) = p else {
        return (Val::Str("—"), Kind::Center, Fill::None);
    };
    let fill = Fill::of(p.card);
    let text = match (p.reported, p.actual, p.status) {
        (true, Some(a), _) => return (Val::Num(round2(a)), Kind::Num, fill),
        (true, None, Some(st)) => st.label(),
        (true, None, None) => "已报送",
        (false, ..) if p.closed => "已销号",
        (false, ..) if p.due => "未报送",
        (false, ..) => "无需报送",
    };
    (Val::Str(text), Kind::Center, fill)
}

/// The tasks by 分组, groups in order of first appearance (tasks in their
/// order within each); one untitled group when the ledger has none.
fn by_group(tasks: &[TaskRollup]) -> Vec<(Option<&str>, Vec<&TaskRollup>)> {
    let mut out: Vec<(Option<&str>, Vec<&TaskRollup>)> = Vec::new();
    for t in tasks {
        let g = t.group.as_deref();
        match out.iter_mut().find(|x| x.0 == g) {
            Some(x) => x.1.push(t),
            None => out.push((g, vec![t])),
        }
    }
    out
}

/// Under the table: each card colour the span uses, as a filled cell.
fn chips(s: &mut Sheet, r: &Rollup, row: u32) -> Result<(), XlsxError> {
    let fmts = s.fmts;
    s.label(row, 0, "底色", &fmts.section)?;
    for (col, c) in (LEAD.len() as u16..).zip(card_colours(r)) {
        s.put(row, col, Val::Str(c.label()), Kind::Center, Fill::Card(c))?;
    }
    Ok(())
}
