//! 总览: what the roll-up covers and how far to trust it — the span, whether
//! the archive was verified (at the top, in red when not), the periods used
//! and missing, the notes — then the span's counts and cards, the annual
//! rules for a year, and where to read on. Four columns on A4 landscape.

use rust_xlsxwriter::{Color, Worksheet, XlsxError};

use super::{card_colours, sheet_title, title_row, UNVERIFIED};
use crate::model::Card;
use crate::report::figures::preset_label;
use crate::report::xlsx::{Fill, Kind, Page, Sheet, Val};
use crate::rollup::Rollup;
use crate::value::fmt_decimals;

/// The last column (A–D).
const LAST: u16 = 3;

/// The rows of 总览, written one below the other.
struct Lines<'s, 'f> {
    s: &'s mut Sheet<'f>,
    row: u32,
}

impl Lines<'_, '_> {
    /// A section heading, after a blank row.
    fn section(&mut self, text: &str) -> Result<(), XlsxError> {
        self.row += 2;
        let fmts = self.s.fmts;
        self.s.min_height(self.row, 18.0);
        self.s.label(self.row, 0, text, &fmts.section)
    }

    /// A label in column A, its text across B–D (wrapped).
    fn line(&mut self, label: &str, text: &str, fill: Fill) -> Result<(), XlsxError> {
        self.row += 1;
        let fmts = self.s.fmts;
        self.s.put_fmt(self.row, 0, Val::Str(label), &fmts.label)?;
        let f = fmts.cell(Kind::Wrap, fill).clone();
        self.s.merge_note(self.row, 1, LAST, text, &f)
    }

    /// A label in column A, a whole number in B.
    fn count(&mut self, label: &str, n: u32, fill: Fill) -> Result<(), XlsxError> {
        self.row += 1;
        let fmts = self.s.fmts;
        self.s.put_fmt(self.row, 0, Val::Str(label), &fmts.label)?;
        self.s.put(self.row, 1, Val::Int(n.into()), Kind::Int, fill)
    }

    /// A table's header row across A–D.
    fn header(&mut self, headers: &[&str]) -> Result<(), XlsxError> {
        self.row += 1;
        self.s.header(self.row, headers)
    }

    /// A note across A–D (wrapped, bordered).
    fn note(&mut self, text: &str) -> Result<(), XlsxError> {
        self.row += 1;
        let f = self.s.fmts.cell(Kind::Wrap, Fill::None).clone();
        self.s.merge_note(self.row, 0, LAST, text, &f)
    }
}

pub fn build(r: &Rollup, mut s: Sheet) -> Result<Worksheet, XlsxError> {
    s.set_page(Page::SHEET);
    s.width_bounds(6.0, 40.0);
    for (c, w) in [(0, 18.0), (1, 26.0), (2, 16.0), (3, 32.0)] {
        s.need(c, w);
    }
    title_row(&mut s, &sheet_title(r, "重点工作督办晒单"), LAST)?;
    verification(&mut s, r)?;
    let mut l = Lines { s: &mut s, row: 1 };
    basics(&mut l, r)?;
    periods(&mut l, r)?;
    counts(&mut l, r)?;
    cards(&mut l, r)?;
    if r.annual_rules.is_some() {
        annual_rules(&mut l, r)?;
    }
    guide(&mut l, r)?;
    s.ws.set_repeat_rows(0, 0)?;
    Ok(s.finish())
}

/// Row 1: whether every period used was checked against its SHA256SUMS —
/// in red across the page when it was not.
fn verification(s: &mut Sheet, r: &Rollup) -> Result<(), XlsxError> {
    let (text, f) = if r.verified {
        let f = s.fmts.cell(Kind::Wrap, Fill::Good).clone().set_bold();
        ("校验：各期归档均已按 SHA256SUMS 核对一致".to_string(), f)
    } else {
        let f = s
            .fmts
            .cell(Kind::Wrap, Fill::Alert)
            .clone()
            .set_bold()
            .set_font_size(14)
            .set_font_color(Color::RGB(0xC00000));
        let text = format!(
            "{UNVERIFIED}：本次汇总未核对各期归档的 SHA256SUMS，数据可能与原始归档不一致，仅供参考"
        );
        (text, f)
    };
    s.merge_note(1, 0, LAST, &text, &f)?;
    s.min_height(1, 24.0);
    Ok(())
}

/// 一、基本情况.
fn basics(l: &mut Lines, r: &Rollup) -> Result<(), XlsxError> {
    l.section("一、基本情况")?;
    let span = format!(
        "{}（{}，{} 至 {}）",
        r.span.label(),
        r.span,
        r.span.start(),
        r.span.end()
    );
    l.line("汇总期间", &span, Fill::None)?;
    l.line(
        "汇总类型",
        &format!("{}晒单", r.span.kind_label()),
        Fill::None,
    )?;
    let compared = match r.previous {
        Some(p) => format!("{}（排名变化与之比较）", p.label()),
        None => format!("无（{}没有归档，排名变化记为“—”）", r.span.prev().label()),
    };
    l.line("比较期间", &compared, Fill::None)?;
    l.line("统计截止日期", &super::as_of(r).to_string(), Fill::None)
}

/// 二、已汇总期次 (a table) and 三、未归档期次.
fn periods(l: &mut Lines, r: &Rollup) -> Result<(), XlsxError> {
    l.section(&format!(
        "二、已汇总期次（{} 期，各期取最新一轮）",
        r.periods_used.len()
    ))?;
    l.header(&["期次", "轮次", "统计截止日期", "亮牌规则"])?;
    for p in &r.periods_used {
        l.row += 1;
        let label = format!("{}（{}）", p.period.label(), p.period);
        l.s.put(l.row, 0, Val::Owned(label), Kind::Text, Fill::None)?;
        l.s.put(
            l.row,
            1,
            Val::Owned(format!("第{}轮", p.round)),
            Kind::Center,
            Fill::None,
        )?;
        l.s.put(l.row, 2, Val::Date(p.as_of), Kind::Date, Fill::None)?;
        let preset = p.preset.map_or("未记录（按当前设置）", preset_label);
        l.s.put(l.row, 3, Val::Str(preset), Kind::Text, Fill::None)?;
    }
    l.section(&format!(
        "三、未归档期次（{} 期，未计入）",
        r.periods_missing.len()
    ))?;
    if r.periods_missing.is_empty() {
        l.line("未归档期次", "无", Fill::None)?;
    } else {
        let missing: Vec<String> = r
            .periods_missing
            .iter()
            .map(|p| format!("{}（{}）", p.label(), p))
            .collect();
        l.line("未归档期次", &missing.join("、"), Fill::Alert)?;
    }
    if !r.notes.is_empty() {
        l.section("四、说明")?;
        for n in &r.notes {
            l.note(n)?;
        }
    }
    Ok(())
}

/// 五、总体情况: units, tasks and leaders; unit-periods due, on time, late,
/// not reported, in the 后三位 and called in.
fn counts(l: &mut Lines, r: &Rollup) -> Result<(), XlsxError> {
    l.section("五、总体情况")?;
    let sum = |f: fn(&crate::rollup::UnitRollup) -> u32| r.units.iter().map(f).sum::<u32>();
    let closed = r.tasks.iter().filter(|t| t.closed_period.is_some()).count();
    let not_reported = sum(|u| u.not_reported);
    for (label, n, fill) in [
        ("责任单位数", r.units.len() as u32, Fill::None),
        (
            "参与排名单位数",
            r.units.iter().filter(|u| u.rank > 0).count() as u32,
            Fill::None,
        ),
        ("重点事项数", r.tasks.len() as u32, Fill::None),
        ("期末已销号事项数", closed as u32, Fill::None),
        ("牵头领导数", r.leaders.len() as u32, Fill::None),
        ("应报（单位·期次）", sum(|u| u.periods_due), Fill::None),
        ("按时报送（单位·期次）", sum(|u| u.on_time), Fill::None),
        ("逾期报送（单位·期次）", sum(|u| u.late), Fill::None),
        (
            "未报送（单位·期次）",
            not_reported,
            if not_reported > 0 {
                Fill::Alert
            } else {
                Fill::None
            },
        ),
        ("后三位（单位·期次）", sum(|u| u.bottom3_count), Fill::None),
        ("约谈（单位·期次）", sum(|u| u.interviews), Fill::None),
    ] {
        l.count(label, n, fill)?;
    }
    Ok(())
}

/// 六、亮牌情况: per colour, the unit-periods and task-periods of that card.
fn cards(l: &mut Lines, r: &Rollup) -> Result<(), XlsxError> {
    l.section("六、亮牌情况（按期次累计）")?;
    l.header(&[
        "亮牌",
        "单位亮牌（单位·期次）",
        "事项亮牌（事项·期次）",
        "说明",
    ])?;
    let task_cards = |c: Card| -> u32 {
        let n = r
            .tasks
            .iter()
            .flat_map(|t| &t.periods)
            .filter(|p| p.card == Some(c))
            .count();
        n as u32
    };
    let (mut units_total, mut tasks_total) = (0, 0);
    for c in card_colours(r) {
        let (u, t) = (
            r.units
                .iter()
                .map(|u| super::tally_of(&u.cards, c))
                .sum::<u32>(),
            task_cards(c),
        );
        units_total += u;
        tasks_total += t;
        l.row += 1;
        l.s.put(l.row, 0, Val::Str(c.label()), Kind::Center, Fill::Card(c))?;
        l.s.put(l.row, 1, Val::Int(u.into()), Kind::Int, Fill::None)?;
        l.s.put(l.row, 2, Val::Int(t.into()), Kind::Int, Fill::None)?;
        l.s.put(l.row, 3, Val::Empty, Kind::Text, Fill::None)?;
    }
    l.row += 1;
    let fmts = l.s.fmts;
    l.s.put_fmt(l.row, 0, Val::Str("合计"), &fmts.label)?;
    l.s.put(
        l.row,
        1,
        Val::Int(units_total.into()),
        Kind::Int,
        Fill::None,
    )?;
    l.s.put(
        l.row,
        2,
        Val::Int(tasks_total.into()),
        Kind::Int,
        Fill::None,
    )?;
    l.s.put(l.row, 3, Val::Empty, Kind::Text, Fill::None)?;
    l.note("单位亮牌：单位当期本身所亮之牌；事项亮牌：各事项当期所亮之牌。各期亮牌规则见上表。")
}

/// 七、年度考评规则 (a year).
fn annual_rules(l: &mut Lines, r: &Rollup) -> Result<(), XlsxError> {
    let Some(a) = &r.annual_rules else {
        return Ok(());
    };
    l.section("七、年度考评规则（明细见《年度考评》）")?;
    let share = fmt_decimals(a.evaluation_share, 2);
    l.line("评价占比", &share, Fill::None)?;
    l.line(
        "逾期报送扣分",
        &format!("每期 {} 分", fmt_decimals(a.deduct_late, 2)),
        Fill::None,
    )?;
    l.line(
        "未报送扣分",
        &format!("每期 {} 分", fmt_decimals(a.deduct_unreported, 2)),
        Fill::None,
    )?;
    let from = match &a.evaluations_from {
        Some(f) => format!("台账评价表：{f}"),
        None => "无评价表，年度得分不计评价".to_string(),
    };
    l.line("评价来源", &from, Fill::None)
}

/// Where to read on: one line per sheet.
fn guide(l: &mut Lines, r: &Rollup) -> Result<(), XlsxError> {
    l.section("各表说明")?;
    let mut lines = vec![
        ("单位汇总", "各单位应报期数、按时/逾期/未报送期数、亮牌期数、后三位及约谈次数、平均得分、排名及排名变化，按类别排列"),
        ("事项进展", "各事项逐期报送的完成进度（%）或状态，底色为当期亮牌颜色；末列为最新状态及销号期次"),
        ("领导汇总", "各牵头领导逐期的蓝红标注及标蓝、标红期数"),
    ];
    if r.span.is_year() {
        lines.push((
            "年度考评",
            "各单位年度得分的每一项（期均得分、评价得分、加权、扣分）及排名、后三位、连续两年后三位，附计算公式",
        ));
    }
    for (sheet, text) in lines {
        l.line(sheet, text, Fill::None)?;
    }
    Ok(())
}
