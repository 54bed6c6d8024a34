//! 总览. Its first printed page is the leader's page: the key figures
//! (period and dates, the counts, the cards, who did not report, who is
//! called in) on the left and the two charts on the right. The clerk's
//! figures follow on the next page (files received, the row check, the
//! card rules, the ledger and the periods compared against). The charts'
//! data is to the right of the printed columns.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::overview_charts;
use crate::model::Card;
use crate::pipeline::RunResult;
use crate::report::figures::{card_label, group_line, preset_label, Figures};
use crate::report::xlsx::{text_width, Fill, Kind, Page, Sheet, Val};
use crate::store::history::NOT_COMPARED;

/// The label/value lines of 总览, written one below the other.
struct Lines<'s, 'f> {
    s: &'s mut Sheet<'f>,
    row: u32,
    /// Height of each row written so far (points; wrapped rows may end up taller).
    heights: Vec<f64>,
}

/// Height of the title row and of a line (points).
const TITLE_PT: f64 = 30.0;
const LINE_PT: f64 = 15.0;

/// About how wide column B prints (units of column width): to foresee how
/// many lines a wrapped value takes, so the leader's page ends below the
/// charts.
const VALUE_WIDTH_EST: f64 = 40.0;

/// The height a value's row will get (points), foreseen.
fn estimated_height(v: &Val, kind: Kind) -> f64 {
    let lines = match (kind, v.text()) {
        (Kind::Wrap, Some(t)) => (text_width(t) / (VALUE_WIDTH_EST * 0.95)).ceil().max(1.0),
        _ => 1.0,
    };
    if lines > 1.0 {
        lines * 14.5 + 3.0
    } else {
        LINE_PT
    }
}

/// Height of a section heading's row (points): taller than a line, so the
/// sections stand apart without a blank row between them.
const SECTION_HEIGHT: f64 = 18.0;

impl Lines<'_, '_> {
    /// Move to the next row, of height `h`.
    fn next(&mut self, h: f64) {
        self.row += 1;
        self.heights.push(h);
    }

    /// A section heading, in a row of its own a little taller than a line.
    fn section(&mut self, text: &str) -> Result<(), XlsxError> {
        self.next(SECTION_HEIGHT);
        let fmts = self.s.fmts;
        self.s.min_height(self.row, SECTION_HEIGHT);
        self.s.label(self.row, 0, text, &fmts.section)
    }

    /// A label in column A, its value in column B.
    fn line(&mut self, label: &str, v: Val, kind: Kind, fill: Fill) -> Result<(), XlsxError> {
        self.next(estimated_height(&v, kind));
        let fmts = self.s.fmts;
        self.s.put_fmt(self.row, 0, Val::Str(label), &fmts.label)?;
        self.s.need(0, text_width(label));
        self.s.put(self.row, 1, v, kind, fill)
    }

    /// A label that may be long (a group's name), wrapped in column A, its
    /// value wrapped in column B: neither widens the printed columns.
    fn wrapped_line(&mut self, label: &str, v: Val, fill: Fill) -> Result<(), XlsxError> {
        self.next(estimated_height(&v, Kind::Wrap));
        let f = self.s.fmts.label.clone().set_text_wrap();
        // The label wraps in column A as it is, without asking for width.
        self.s.note_wrap(self.row, 0, label);
        self.s.label(self.row, 0, label, &f)?;
        self.s.put(self.row, 1, v, Kind::Wrap, fill)
    }

    /// A whole number.
    fn count(&mut self, label: &str, n: u32, fill: Fill) -> Result<(), XlsxError> {
        self.line(label, Val::Int(n as i64), Kind::Int, fill)
    }
}

pub(crate) fn build(r: &RunResult, f: &Figures, mut s: Sheet) -> Result<Worksheet, XlsxError> {
    let fmts = s.fmts;
    s.set_page(Page::SHEET.columns(overview_charts::PRINTED));
    // A narrow gap before the charts: the key figures keep the width.
    s.width_bounds(2.0, 60.0);
    let title = format!("重点工作督办汇总（{}）", r.period_title());
    let last = overview_charts::PRINTED - 1;
    s.ws.merge_range(0, 0, 0, last, &title, &fmts.title)?;
    s.ws.set_row_height(0, TITLE_PT)?;
    let mut l = Lines {
        s: &mut s,
        row: 0,
        heights: vec![TITLE_PT],
    };
    // The leader's page.
    facts(&mut l, r)?;
    counts(&mut l, f)?;
    cards(&mut l, f)?;
    units_named(&mut l, f)?;
    // The clerk's figures, from the next page, below the charts.
    let charts_end = TITLE_PT + overview_charts::CHARTS_BOTTOM_PT;
    while l.heights.iter().sum::<f64>() < charts_end {
        l.next(LINE_PT);
    }
    let clerk = l.row + 1;
    // Where to read on, at the head of the clerk's page.
    l.next(2.0 * LINE_PT);
    let note =
        "亮牌事项明细见《亮牌预警》，得分计算见《单位排名》，逾期及临近到期事项见《督办提示》。";
    l.s.merge_note(l.row, 0, 1, note, &fmts.note)?;
    files_and_rows(&mut l, f, &r.ledger_file)?;
    legend(&mut l, f)?;
    groups(&mut l, f)?;
    s.ws.set_page_breaks(&[clerk])?;
    overview_charts::write(&mut s, f)?;
    s.ws.set_repeat_rows(0, 0)?;
    Ok(s.finish())
}

/// 一、基本信息.
fn facts(l: &mut Lines, r: &RunResult) -> Result<(), XlsxError> {
    l.section("一、基本信息")?;
    let period = format!("{}（{}）", r.period.label(), r.period);
    l.line("报送期次", Val::Owned(period), Kind::Text, Fill::None)?;
    l.line("统计截止日期", Val::Date(r.as_of), Kind::Date, Fill::None)?;
    let deadline = Val::Date(r.report_deadline);
    l.line("报送截止日期", deadline, Kind::Date, Fill::None)?;
    let preset = Val::Str(preset_label(r.preset));
    l.line("亮牌规则", preset, Kind::Text, Fill::None)?;
    // Whether cards and ranks were compared with an earlier period: the
    // leader reads the page knowing it.
    let hist: Vec<String> = r.history_periods.iter().map(|p| p.label()).collect();
    l.line(
        "历史期次",
        Val::Owned(history_text(r, &hist)),
        Kind::Wrap,
        Fill::None,
    )
}

/// The earlier periods read, and the one compared against; or that none
/// was archived, so nothing was compared.
fn history_text(r: &RunResult, hist: &[String]) -> String {
    match r.previous {
        None => format!("无（未找到此前期次的归档，本期{NOT_COMPARED}）"),
        Some((p, round)) => {
            let round = crate::store::layout::round_label(round);
            format!("{}（与{}{round}比对）", hist.join("、"), p.label())
        }
    }
}

/// 二、总体情况.
fn counts(l: &mut Lines, f: &Figures) -> Result<(), XlsxError> {
    l.section("二、总体情况")?;
    let (o, t, u) = (&f.overview, &f.overview.tasks, &f.overview.reporting);
    for (label, n) in [
        ("责任单位数", o.units),
        ("重点事项数", t.tasks),
        ("本期应报事项数", t.due),
        ("本期已报事项数", t.reported),
        ("已完成（含已落实）", t.done),
        ("已逾期未完成", t.overdue),
        ("临近完成时限", t.near),
        ("应报单位数", u.due),
        ("已报单位数", u.reported),
        ("逾期报送单位数", u.late.len() as u32),
    ] {
        l.count(label, n, Fill::None)?;
    }
    let missing = u.missing.len() as u32;
    let fill = if missing > 0 { Fill::Alert } else { Fill::None };
    l.count("未报送单位数", missing, fill)
}

/// 六、收到文件 (and the ledger read) and 七、行数核对.
fn files_and_rows(l: &mut Lines, f: &Figures, ledger: &str) -> Result<(), XlsxError> {
    l.section(
        "六、收到文件（被替代：同一单位有更新的文件；忽略：非表格、临时文件或往期已归档文件）",
    )?;
    let n = &f.overview.files;
    for (label, v) in [
        ("文件总数", n.total),
        ("采用文件", n.accepted),
        ("被替代文件", n.superseded),
        ("退回文件", n.rejected),
        ("忽略文件", n.ignored),
    ] {
        l.count(label, v, Fill::None)?;
    }
    l.line("台账文件", Val::Str(ledger), Kind::Wrap, Fill::None)?;

    l.section("七、行数核对（读取行数 = 采用 + 退回 + 被替代）")?;
    let rows = &f.overview.rows;
    for (label, v) in [
        ("读取行数", rows.read),
        ("采用", rows.accepted),
        ("退回", rows.rejected),
        ("被替代", rows.superseded),
    ] {
        l.count(label, v, Fill::None)?;
    }
    let fill = if rows.balanced() {
        Fill::Good
    } else {
        Fill::Alert
    };
    l.line("核对结果", Val::Owned(rows.text()), Kind::Wrap, fill)
}

/// 三、亮牌情况（事项）.
fn cards(l: &mut Lines, f: &Figures) -> Result<(), XlsxError> {
    l.section("三、亮牌情况（事项）")?;
    let c = &f.overview.tasks.cards;
    for (card, n) in [
        (Card::Red, c.red),
        (Card::Orange, c.orange),
        (Card::Yellow, c.yellow),
        (Card::Blue, c.blue),
    ] {
        l.count(card.label(), n, Fill::Card(card))?;
    }
    l.count("合计", c.total(), Fill::None)
}

/// 四、未报送单位 and 五、后三位单位（约谈）.
fn units_named(l: &mut Lines, f: &Figures) -> Result<(), XlsxError> {
    l.section("四、未报送单位")?;
    let missing = &f.overview.reporting.missing;
    if missing.is_empty() {
        l.line("（无）", Val::Empty, Kind::Text, Fill::None)?;
    }
    for (i, u) in missing.iter().enumerate() {
        let label = (i + 1).to_string();
        l.line(&label, Val::Str(u), Kind::Text, Fill::Alert)?;
    }

    l.section("五、后三位单位（约谈）")?;
    if f.called_in().next().is_none() {
        l.line("（无）", Val::Empty, Kind::Text, Fill::None)?;
    }
    for u in f.called_in() {
        let card = match u.card {
            Some(_) => format!("，{}", card_label(u.card)),
            None => String::new(),
        };
        let text = format!("{}（{:.2}分，类别内第{}名{card}）", u.name, u.score, u.rank);
        l.line(&u.category, Val::Owned(text), Kind::Wrap, Fill::Alert)?;
    }
    Ok(())
}

/// 九、分组情况: each group of the ledger (its heading rows) in a line, the
/// groups inside a group indented; nothing when the ledger has none.
fn groups(l: &mut Lines, f: &Figures) -> Result<(), XlsxError> {
    if f.groups.is_empty() {
        return Ok(());
    }
    l.section("九、分组情况（按台账分组）")?;
    for g in &f.groups {
        let label = if g.level > 1 {
            format!("　{}", g.name)
        } else {
            g.name.clone()
        };
        let fill = match (g.counts.cards.red, g.counts.overdue) {
            (0, 0) => Fill::None,
            _ => Fill::Alert,
        };
        l.wrapped_line(&label, Val::Owned(group_line(g)), fill)?;
    }
    Ok(())
}

/// 八、亮牌说明: each card of the preset with its rule.
fn legend(l: &mut Lines, f: &Figures) -> Result<(), XlsxError> {
    l.section("八、亮牌说明")?;
    for (c, text) in &f.card_legend {
        l.next(LINE_PT);
        l.s.put(l.row, 0, Val::Str(c.label()), Kind::Center, Fill::Card(*c))?;
        l.s.put(l.row, 1, Val::Str(text), Kind::Wrap, Fill::None)?;
    }
    l.s.need(1, 50.0);
    Ok(())
}
