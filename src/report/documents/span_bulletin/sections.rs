//! 一、总体情况 二、亮牌情况 三、排名情况 四、约谈情况 and 下步工作要求 of a
//! span's 通报.

use super::SpanCtx;
use crate::model::{Card, Status};
use crate::period::Period;
use crate::report::documents::common::{heading2, join, score};
use crate::report::docx::{Column, DocTable, DocxBuilder, Span};
use crate::report::figures::rank_change;
use crate::rollup::{CardTally, Rollup, UnitRollup};
use crate::score::rank::round2;
use crate::score::standing;

/// A period without its year, as a span's text lists them: `10月`, `第2季度`.
pub(super) fn short(p: &Period) -> String {
    let label = p.label();
    label
        .strip_prefix(&format!("{}年", p.year))
        .map(str::to_string)
        .unwrap_or(label)
}

/// `10月、11月`, with a later round named: `8月（第2轮）`.
fn periods_list(r: &Rollup) -> String {
    join(r.periods_used.iter().map(|p| match p.round {
        1 => short(&p.period),
        n => format!("{}（第{n}轮）", short(&p.period)),
    }))
}

/// 一、总体情况: periods added up and missing, tasks, reporting.
pub(super) fn overview(d: &mut DocxBuilder, ctx: &SpanCtx) {
    let r = ctx.rollup;
    let v = ctx.vars();
    let w = &ctx.wording.span;
    let months = r.span.months().len();
    let mut periods = format!(
        "{}共{}个月，本通报汇总了{}个报送期次（{}）的督查调度结果",
        r.span.label(),
        months,
        r.periods_used.len(),
        periods_list(r)
    );
    if r.periods_missing.is_empty() {
        periods.push('。');
    } else {
        periods.push_str(&format!(
            "；{}未汇总归档，未计入本通报。",
            join(r.periods_missing.iter().map(short))
        ));
    }
    d.text(&periods);
    d.text(&tasks_text(r));
    let sum = |f: fn(&UnitRollup) -> u32| r.units.iter().map(f).sum::<u32>();
    d.text(&format!(
        "纳入督办的单位{}个，各期累计应报送{}单位期次，其中按时报送{}单位期次，逾期报送{}单位期次，未报送{}单位期次。",
        r.units.len(),
        sum(|u| u.periods_due),
        sum(|u| u.on_time),
        sum(|u| u.late),
        sum(|u| u.not_reported)
    ));
    let counted = |f: fn(&UnitRollup) -> u32| {
        join(
            r.units
                .iter()
                .filter(|u| f(u) > 0)
                .map(|u| format!("{}（{}期）", u.name, f(u))),
        )
    };
    let silent = counted(|u| u.not_reported);
    let late = counted(|u| u.late);
    if silent.is_empty() && late.is_empty() {
        d.text(&v.fill(&w.all_on_time));
    }
    if !silent.is_empty() {
        d.text(&format!("{silent}{}", v.fill(&w.not_reported)));
    }
    if !late.is_empty() {
        d.text(&format!("{late}{}", v.fill(&w.late)));
    }
}

/// The tasks over the span: how many, reported, done, closed in it.
fn tasks_text(r: &Rollup) -> String {
    let tasks = &r.tasks;
    let due: usize = tasks
        .iter()
        .map(|t| t.periods.iter().filter(|p| p.due).count())
        .sum();
    let reported: usize = tasks
        .iter()
        .map(|t| t.periods.iter().filter(|p| p.due && p.reported).count())
        .sum();
    // Done: last reported done, or closed (销号) by the end of the span.
    let done = tasks
        .iter()
        .filter(|t| {
            t.closed_period.is_some()
                || matches!(
                    t.final_status,
                    Some(Status::Completed | Status::Implemented)
                )
        })
        .count();
    let closed = tasks
        .iter()
        .filter(|t| t.closed_period.is_some_and(|p| r.span.contains(&p)))
        .count();
    let last = r
        .periods_used
        .last()
        .map(|p| p.period.label())
        .unwrap_or_default();
    format!(
        "纳入督办的重点工作共{}项，各期累计应报送{due}项次，实际报送{reported}项次。截至{last}，已完成（含已落实）{done}项，其中{}内办结销号{closed}项；尚未完成{}项。",
        tasks.len(),
        r.span.label(),
        tasks.len() - done
    )
}

/// The colours with a count, most severe first: `红牌3期次、黄牌1期次`.
fn tally_text(c: &CardTally, unit: &str) -> String {
    join(
        colours(c)
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(card, n)| format!("{}{n}{unit}", card.label())),
    )
}

fn colours(c: &CardTally) -> [(Card, u32); 4] {
    [
        (Card::Red, c.red),
        (Card::Orange, c.orange),
        (Card::Yellow, c.yellow),
        (Card::Blue, c.blue),
    ]
}

fn total(c: &CardTally) -> u32 {
    c.red + c.orange + c.yellow + c.blue
}

/// 二、亮牌情况: cards per colour over the span, the carded units (most
/// often first), and the tasks carded in more than one period.
pub(super) fn cards(d: &mut DocxBuilder, ctx: &SpanCtx) {
    let r = ctx.rollup;
    let mut all = CardTally::default();
    for u in &r.units {
        for (card, n) in colours(&u.cards) {
            for _ in 0..n {
                all.add(card);
            }
        }
    }
    if total(&all) == 0 {
        d.text(&ctx.vars().fill(&ctx.wording.span.no_cards));
        return;
    }
    let mut carded: Vec<&UnitRollup> = r.units.iter().filter(|u| total(&u.cards) > 0).collect();
    carded.sort_by_key(|u| {
        let c = &u.cards;
        (
            std::cmp::Reverse((total(c), c.red, c.orange, c.yellow)),
            u.name.clone(),
        )
    });
    d.text(&format!(
        "{}各期累计亮牌{}单位期次，其中{}，涉及单位{}个（单位亮牌按当期所牵头事项和单位自身情况中最重的牌计）。各单位亮牌情况如下：",
        r.span.label(),
        total(&all),
        tally_text(&all, "期次"),
        carded.len()
    ));
    d.table(cards_table(&carded, &all));
    let most = total(&carded[0].cards);
    let top: Vec<&str> = carded
        .iter()
        .take_while(|u| total(&u.cards) == most)
        .map(|u| u.name.as_str())
        .collect();
    let mut spans = vec![Span::new(format!(
        "亮牌次数最多的是{}（{}{most}期）",
        join(&top),
        if top.len() > 1 { "各" } else { "" }
    ))];
    let red: Vec<String> = carded
        .iter()
        .filter(|u| u.cards.red > 0)
        .map(|u| format!("{}（{}期）", u.name, u.cards.red))
        .collect();
    if !red.is_empty() {
        spans.push(Span::new("；亮红牌的单位有"));
        spans.push(Span::red(join(&red)));
    }
    spans.push(Span::new("。"));
    d.paragraph(spans);
    repeated_tasks(d, r);
}

/// Carded units: one column per colour that occurs, and the total.
fn cards_table(units: &[&UnitRollup], all: &CardTally) -> DocTable {
    let shown: Vec<Card> = colours(all)
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(c, _)| c)
        .collect();
    let mut cols = vec![Column::new("序号", 2.7).center(), Column::new("单位", 14.0)];
    for c in &shown {
        cols.push(Column::new(format!("{}（期）", c.label()), 5.0).center());
    }
    cols.push(Column::new("合计（期）", 5.0).center());
    let mut t = DocTable::new(cols);
    for (i, u) in units.iter().enumerate() {
        let mut row = vec![
            vec![Span::new((i + 1).to_string())],
            vec![Span::new(u.name.clone())],
        ];
        for c in &shown {
            let n = colours(&u.cards)
                .into_iter()
                .find(|(x, _)| x == c)
                .map_or(0, |(_, n)| n);
            let cell = match (n, c) {
                (0, _) => Span::new("—"),
                (n, Card::Red) => Span::red(n.to_string()),
                (n, _) => Span::new(n.to_string()),
            };
            row.push(vec![cell]);
        }
        row.push(vec![Span::new(total(&u.cards).to_string())]);
        t.rich_row(row);
    }
    t
}

/// Tasks carded in two periods or more, per lead unit in one paragraph.
fn repeated_tasks(d: &mut DocxBuilder, r: &Rollup) {
    let mut by_unit: Vec<(&str, Vec<String>)> = Vec::new();
    let mut n = 0;
    for t in &r.tasks {
        let times = t.periods.iter().filter(|p| p.card.is_some()).count();
        if times < 2 {
            continue;
        }
        n += 1;
        let item = format!("{}“{}”（{times}期）", t.id, t.title);
        match by_unit.iter_mut().find(|(u, _)| *u == t.unit) {
            Some((_, v)) => v.push(item),
            None => by_unit.push((&t.unit, vec![item])),
        }
    }
    if n == 0 {
        return;
    }
    d.text(&format!(
        "{}内有{n}项重点工作在两期及以上亮牌，按牵头单位列出如下：",
        r.span.label()
    ));
    for (unit, items) in by_unit {
        d.text(&format!(
            "{unit}（{}项）：{}。",
            items.len(),
            items.join("；")
        ));
    }
}

/// The score a span ranks on: the annual score for a year, else the mean.
pub(super) fn ranking_score(r: &Rollup, u: &UnitRollup) -> Option<f64> {
    if r.span.is_year() {
        u.annual.as_ref().map(|a| a.score)
    } else {
        u.mean_score
    }
}

/// (前三位, 后三位) of a category's ranked units, in order, by the monthly
/// rule ([`standing`]) on the span's score. The top is earned over the whole
/// span: every due period reported, on time, never a red or orange card.
pub(super) fn standings(r: &Rollup, units: &[&UnitRollup]) -> Vec<(bool, bool)> {
    let scores: Vec<f64> = units
        .iter()
        .map(|u| round2(ranking_score(r, u).unwrap_or(0.0)))
        .collect();
    let may_top: Vec<bool> = units
        .iter()
        .map(|u| u.not_reported == 0 && u.late == 0 && u.cards.red == 0 && u.cards.orange == 0)
        .collect();
    standing::marks(&scores, &may_top)
}

/// 三、排名情况: per category, rank, unit, mean (and annual) score, change.
pub(super) fn ranking(d: &mut DocxBuilder, ctx: &SpanCtx) {
    let r = ctx.rollup;
    let w = &ctx.wording.span;
    let v = ctx.vars();
    let year = r.span.is_year();
    let intro = v.fill(if year { &w.year_ranking } else { &w.ranking });
    let compared = match r.previous {
        Some(p) => format!("“较上期”为与{}相比的名次变化", p.label()),
        None => format!("{}无归档数据，名次变化不作比较", r.span.prev().label()),
    };
    let intro = match intro.strip_suffix('：') {
        Some(head) => format!("{head}（{compared}）："),
        None => format!("{intro}（{compared}）"),
    };
    d.text(&intro);
    let rules = ctx.wording.rules(ctx.preset);
    for (i, cat) in r.categories().into_iter().enumerate() {
        let units: Vec<&UnitRollup> = r.units_in(cat).filter(|u| u.rank > 0).collect();
        if units.is_empty() {
            continue;
        }
        d.heading2(
            &format!("{}{cat}（{}个单位）", heading2(i), units.len()),
            Vec::<Span>::new(),
        );
        let marks = standings(r, &units);
        d.table(ranking_table(&units, &marks, year));
        let pick = |f: fn(&(bool, bool)) -> bool| -> Vec<&str> {
            units
                .iter()
                .zip(&marks)
                .filter(|(_, m)| f(m))
                .map(|(u, _)| u.name.as_str())
                .collect()
        };
        let (top, bottom) = (pick(|m| m.0), pick(|m| m.1));
        if !top.is_empty() {
            d.text(&format!("{}{}", join(&top), v.fill(&w.praise)));
        }
        if !bottom.is_empty() {
            let text = match rules.interview(None, true) {
                Some(rule) => rule.vars(&v).fill(&w.called_in),
                None => format!("位列{}后三位。", r.span.label()),
            };
            d.text(&format!("{}{text}", join(&bottom)));
        }
    }
    let unranked: Vec<&str> = r
        .units
        .iter()
        .filter(|u| u.rank == 0)
        .map(|u| u.name.as_str())
        .collect();
    if !unranked.is_empty() {
        d.text(&format!(
            "{}{}各期均无应报事项，未参与排名。",
            join(&unranked),
            r.span.label()
        ));
    }
}

fn ranking_table(units: &[&UnitRollup], marks: &[(bool, bool)], year: bool) -> DocTable {
    let mut cols = vec![
        Column::new("名次", 2.7).center(),
        Column::new("单位", if year { 10.0 } else { 12.0 }),
        Column::new(if year { "期均得分" } else { "平均得分" }, 4.8).right(),
    ];
    if year {
        cols.push(Column::new("年度得分", 4.8).right());
    }
    cols.push(Column::new("较上期", 4.2).center());
    cols.push(Column::new("亮牌（期）", 4.8).center());
    cols.push(Column::new("备注", 5.2).center());
    let mut t = DocTable::new(cols);
    for (u, (top, bottom)) in units.iter().zip(marks) {
        let mut row = vec![
            vec![Span::new(u.rank.to_string())],
            vec![Span::new(u.name.clone())],
            vec![Span::new(u.mean_score.map(score).unwrap_or_default())],
        ];
        if year {
            let a = u.annual.as_ref().map(|a| score(a.score));
            row.push(vec![Span::new(a.unwrap_or_default())]);
        }
        let note = match (top, bottom) {
            (true, _) => "通报表扬",
            (_, true) => "约谈",
            _ => "",
        };
        let carded = total(&u.cards);
        row.extend([
            vec![Span::new(rank_change(u.rank_change))],
            vec![Span::new(if carded > 0 {
                carded.to_string()
            } else {
                "—".to_string()
            })],
            vec![Span::new(note)],
        ]);
        t.rich_row(row);
    }
    t
}

/// 四、约谈情况: the units to be called in over the span, how often and why.
pub(super) fn interviews(d: &mut DocxBuilder, ctx: &SpanCtx) {
    let r = ctx.rollup;
    let w = &ctx.wording.span;
    let v = ctx.vars();
    let mut called: Vec<&UnitRollup> = r.units.iter().filter(|u| u.interviews > 0).collect();
    if called.is_empty() {
        d.text(&v.fill(&w.no_interviews));
        return;
    }
    called.sort_by_key(|u| (std::cmp::Reverse(u.interviews), u.name.clone()));
    d.text(&v.fill(&w.interviews));
    let mut t = DocTable::new(vec![
        Column::new("序号", 2.7).center(),
        Column::new("单位", 12.0),
        Column::new("约谈（次）", 4.8).center(),
        Column::new("排名后三位（次）", 5.5).center(),
        Column::new("亮牌（次）", 4.8).center(),
        Column::new("期次", 7.0).center(),
    ]);
    for (i, u) in called.iter().enumerate() {
        let by_card = u
            .periods
            .iter()
            .filter(|p| p.interview && !p.bottom3)
            .count();
        let when = join(
            u.periods
                .iter()
                .filter(|p| p.interview)
                .map(|p| short(&p.period)),
        );
        t.rich_row([
            vec![Span::new((i + 1).to_string())],
            vec![Span::new(u.name.clone())],
            vec![Span::new(u.interviews.to_string())],
            vec![Span::new(u.bottom3_count.to_string())],
            vec![Span::new(by_card.to_string())],
            vec![Span::new(when)],
        ]);
    }
    d.table(t);
    let times: u32 = called.iter().map(|u| u.interviews).sum();
    d.text(&format!(
        "{}共有{}个单位列入约谈名单，累计{times}次。",
        r.span.label(),
        called.len()
    ));
    let repeated: Vec<String> = called
        .iter()
        .filter(|u| u.interviews >= 2)
        .map(|u| format!("{}（{}次）", u.name, u.interviews))
        .collect();
    if !repeated.is_empty() {
        d.text(&format!("{}{}", join(&repeated), v.fill(&w.repeated)));
    }
}

/// 下步工作要求, from the wording.
pub(super) fn requirements(d: &mut DocxBuilder, ctx: &SpanCtx) {
    let v = ctx.vars();
    for (i, r) in ctx.wording.span.requirements.iter().enumerate() {
        let head = format!("{}{}", heading2(i), v.fill(&r.heading));
        d.heading2(&head, [v.fill(&r.text)]);
    }
}
