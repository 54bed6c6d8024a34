//! 总览: the run on one page — basic facts, counts, files, the row check,
//! cards, units not reported and to be called in, the card rules — with the
//! chart data to the right and two charts over it.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::overview_charts;
use crate::model::Card;
use crate::pipeline::RunResult;
use crate::report::figures::{card_label, group_line, preset_label, Figures};
use crate::report::xlsx::{text_width, Fill, Kind, Sheet, Val};
use crate::store::history::NOT_COMPARED;

/// The label/value lines of 总览, written one below the other.
struct Lines<'s, 'f> {
    s: &'s mut Sheet<'f>,
    row: u32,
}

impl Lines<'_, '_> {
    /// A section heading, one row left empty above it.
    fn section(&mut self, text: &str) -> Result<(), XlsxError> {
        self.row += 2;
        let fmts = self.s.fmts;
        self.s.label(self.row, 0, text, &fmts.section)
    }

    /// A label in column A, its value in column B.
    fn line(&mut self, label: &str, v: Val, kind: Kind, fill: Fill) -> Result<(), XlsxError> {
        self.row += 1;
        let fmts = self.s.fmts;
        self.s.put_fmt(self.row, 0, Val::Str(label), &fmts.label)?;
        self.s.need(0, text_width(label));
        self.s.put(self.row, 1, v, kind, fill)
    }

    /// A whole number.
    fn count(&mut self, label: &str, n: u32, fill: Fill) -> Result<(), XlsxError> {
        self.line(label, Val::Int(n as i64), Kind::Int, fill)
    }
}

pub fn build(r: &RunResult, f: &Figures, mut s: Sheet) -> Result<Worksheet, XlsxError> {
    let fmts = s.fmts;
    let title = format!("重点工作督办汇总（{}）", r.period_title());
    s.ws.merge_range(0, 0, 0, 3, &title, &fmts.title)?;
    s.ws.set_row_height(0, 30)?;
    let mut l = Lines { s: &mut s, row: 1 };
    facts(&mut l, r)?;
    counts(&mut l, f)?;
    files_and_rows(&mut l, f)?;
    cards(&mut l, f)?;
    units_named(&mut l, f)?;
    legend(&mut l, f)?;
    groups(&mut l, f)?;
    overview_charts::write(&mut s, f)?;
    s.ws.set_repeat_rows(0, 0)?;
    Ok(s.finish())
}

/// 一、基本信息.
fn facts(l: &mut Lines, r: &RunResult) -> Result<(), XlsxError> {
    l.section("一、基本信息")?;
    let hist: Vec<String> = r.history_periods.iter().map(|p| p.label()).collect();
    let period = format!("{}（{}）", r.period.label(), r.period);
    l.line("报送期次", Val::Owned(period), Kind::Text, Fill::None)?;
    l.line("统计截止日期", Val::Date(r.as_of), Kind::Date, Fill::None)?;
    let deadline = Val::Date(r.report_deadline);
    l.line("报送截止日期", deadline, Kind::Date, Fill::None)?;
    let preset = Val::Str(preset_label(r.preset));
    l.line("亮牌规则", preset, Kind::Text, Fill::None)?;
    l.line("台账文件", Val::Str(&r.ledger_file), Kind::Text, Fill::None)?;
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

/// 三、收到文件 and 四、行数核对.
fn files_and_rows(l: &mut Lines, f: &Figures) -> Result<(), XlsxError> {
    l.section("三、收到文件")?;
    let n = &f.overview.files;
    for (label, v) in [
        ("文件总数", n.total),
        ("采用文件", n.accepted),
        ("被替代文件（已有新版本）", n.superseded),
        ("退回文件", n.rejected),
        ("忽略文件（非表格、临时文件或往期已归档文件）", n.ignored),
    ] {
        l.count(label, v, Fill::None)?;
    }

    l.section("四、行数核对（读取行数 = 采用 + 退回 + 被替代）")?;
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
    l.line("核对结果", Val::Owned(rows.text()), Kind::Text, fill)
}

/// 五、亮牌情况（事项）.
fn cards(l: &mut Lines, f: &Figures) -> Result<(), XlsxError> {
    l.section("五、亮牌情况（事项）")?;
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

/// 六、未报送单位 and 七、后三位单位（约谈）, then where to read on.
fn units_named(l: &mut Lines, f: &Figures) -> Result<(), XlsxError> {
    l.section("六、未报送单位")?;
    let missing = &f.overview.reporting.missing;
    if missing.is_empty() {
        l.line("（无）", Val::Empty, Kind::Text, Fill::None)?;
    }
    for (i, u) in missing.iter().enumerate() {
        let label = (i + 1).to_string();
        l.line(&label, Val::Str(u), Kind::Text, Fill::Alert)?;
    }

    l.section("七、后三位单位（约谈）")?;
    if f.called_in().next().is_none() {
        l.line("（无）", Val::Empty, Kind::Text, Fill::None)?;
    }
    for u in f.called_in() {
        let card = match u.card {
            Some(_) => format!("，{}", card_label(u.card)),
            None => String::new(),
        };
        let text = format!("{}（{:.2}分，类别内第{}名{card}）", u.name, u.score, u.rank);
        l.line(&u.category, Val::Owned(text), Kind::Text, Fill::Alert)?;
    }
    l.row += 1;
    let note =
        "亮牌事项明细见《亮牌预警》，得分计算见《单位排名》，逾期及临近到期事项见《督办提示》。";
    let fmts = l.s.fmts;
    l.s.ws.merge_range(l.row, 0, l.row, 1, note, &fmts.note)?;
    l.s.ws.set_row_height(l.row, 30)?;
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
        l.line(&label, Val::Owned(group_line(g)), Kind::Wrap, fill)?;
    }
    Ok(())
}

/// 八、亮牌说明: each card of the preset with its rule.
fn legend(l: &mut Lines, f: &Figures) -> Result<(), XlsxError> {
    l.section("八、亮牌说明")?;
    for (c, text) in &f.card_legend {
        l.row += 1;
        l.s.put(l.row, 0, Val::Str(c.label()), Kind::Center, Fill::Card(*c))?;
        l.s.put(l.row, 1, Val::Str(text), Kind::Wrap, Fill::None)?;
    }
    l.s.need(1, 50.0);
    Ok(())
}
