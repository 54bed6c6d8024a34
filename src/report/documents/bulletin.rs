//! The monthly 通报 (《关于2026年11月全区重点工作推进情况的通报》, the
//! office's report to every unit on the month's progress): 版头 with the 期号, title, 主送, then 一、总体情况 二、亮牌情况
//! 三、排名情况 四、牵头领导（蓝红双色标注） 五、未按时报送 六、下步工作要求,
//! 落款, the attachment (behind and overdue tasks) and the 版记.

use anyhow::Result;

use super::common::{card_counts, heading1, heading2, join, pct, preset_cards, score, task_table};
use super::snapshot::TaskDoc;
use super::{Ctx, Planned};
use crate::model::Card;
use crate::report::docx::{Column, DocTable, DocxBuilder, Imprint, Span};
use crate::report::figures::rank_change;
use crate::score::LeaderMark;

pub(super) fn build(ctx: &Ctx, _p: &Planned) -> Result<DocxBuilder> {
    let w = &ctx.wording.bulletin;
    let v = ctx.vars();
    let mut d = ctx.doc();
    let issue = format!("第{}期", ctx.numbering.bulletin);
    d.masthead(&ctx.office.name, Some(&issue))
        .title(&v.fill(&w.title))
        .addressee(&ctx.wording.common.addressee)
        .text(&v.fill(&w.opening));
    let sections: [fn(&mut DocxBuilder, &Ctx); 6] =
        [overview, cards, ranking, leaders, reporting, requirements];
    for (i, (section, heading)) in sections.iter().zip(&w.sections).enumerate() {
        d.heading1(&heading1(i, heading));
        section(&mut d, ctx);
    }
    let attachment = v.fill(&w.attachment);
    let has_attachment = !ctx.snap.behind.is_empty();
    if has_attachment {
        d.attachment_note([attachment.as_str()]);
    }
    d.signature(&ctx.office.name, ctx.issue_date);
    if has_attachment {
        d.attachment_page("附件", &attachment);
        let behind = &ctx.snap.behind;
        if behind.len() <= MAX_TABLE_ROWS {
            d.table(behind_table(behind, ctx.style.table_size()));
        } else {
            d.text(&format!("共{}项，按牵头单位列出：", behind.len()));
            by_unit(&mut d, behind, behind_item);
        }
    }
    let cc = v.fill(&w.cc);
    d.imprint(Imprint {
        cc: (!cc.trim().is_empty()).then_some(cc),
        printer: ctx.office.name.clone(),
        date: ctx.issue_date,
    });
    Ok(d)
}

/// Rows a table of tasks holds. A longer list (a city's thousands of
/// tasks) is written per unit in paragraphs: it prints on a tenth of the
/// pages, and a table cell costs the Word writer kilobytes of memory.
const MAX_TABLE_ROWS: usize = 300;

/// Tasks in one paragraph per lead unit (in the order their first task
/// comes): `区水务局（2项）：ZF-001“…”（…）；ZF-004“…”（…）。`
fn by_unit(d: &mut DocxBuilder, tasks: &[TaskDoc], item: impl Fn(&TaskDoc) -> String) {
    let mut units: Vec<(&str, Vec<&TaskDoc>)> = Vec::new();
    for t in tasks {
        match units.iter_mut().find(|(u, _)| *u == t.unit) {
            Some((_, v)) => v.push(t),
            None => units.push((&t.unit, vec![t])),
        }
    }
    for (unit, mine) in units {
        let items: Vec<String> = mine.iter().map(|t| item(t)).collect();
        d.text(&format!(
            "{unit}（{}项）：{}。",
            mine.len(),
            items.join("；")
        ));
    }
}

/// A task of the attachment in words, when it is too long for a table.
fn behind_item(t: &TaskDoc) -> String {
    let deadline = t
        .deadline
        .map(|d| format!("，完成时限{d}"))
        .unwrap_or_default();
    let actual = match t.actual {
        Some(a) => format!("实际进度{}%", pct(a)),
        None => "本期未报送进度".to_string(),
    };
    let overdue = if t.overdue { "，已逾期" } else { "" };
    format!(
        "{}“{}”{deadline}，序时进度{}%，{actual}{overdue}",
        t.id,
        t.title,
        pct(t.planned)
    )
}

/// 一、总体情况: tasks by state, units by how they reported.
fn overview(d: &mut DocxBuilder, ctx: &Ctx) {
    let o = &ctx.snap.overview;
    d.text(&format!(
        "{}，纳入督办的重点工作共{}项，本期应报送{}项，实际报送{}项。从推进情况看，已完成（含已落实）{}项，按序时进度推进{}项，滞后序时进度{}项，逾期未完成{}项，临近完成时限{}项。",
        ctx.snap.period.label(),
        o.tasks,
        o.due,
        o.reported,
        o.done,
        o.on_schedule,
        o.behind,
        o.overdue,
        o.near
    ));
    d.text(&format!(
        "应报送单位{}个，按时报送{}个，逾期报送{}个，未报送{}个。",
        o.units_due,
        o.units_on_time,
        o.late.len(),
        o.missing.len()
    ));
}

/// 二、亮牌情况: counts, then the tasks of each colour, then the units'
/// own cards, then what the preset says of red units.
fn cards(d: &mut DocxBuilder, ctx: &Ctx) {
    let s = ctx.snap;
    let o = &s.overview;
    let w = &ctx.wording.bulletin;
    let v = ctx.vars();
    let own: Vec<_> = s
        .units
        .iter()
        .filter(|u| u.card.is_some() && !u.reasons.is_empty())
        .collect();
    if o.task_cards.total() == 0 && o.unit_cards.total() == 0 {
        d.text(&v.fill(&w.no_cards));
        return;
    }
    let mut summary = String::new();
    if o.task_cards.total() > 0 {
        summary.push_str(&format!(
            "本期共有{}项重点工作亮牌，其中{}",
            o.task_cards.total(),
            card_counts(s.preset, &o.task_cards, "项")
        ));
    }
    if o.unit_cards.total() > 0 {
        if !summary.is_empty() {
            summary.push('；');
        }
        summary.push_str(&format!(
            "亮牌单位{}个，其中{}",
            o.unit_cards.total(),
            card_counts(s.preset, &o.unit_cards, "个")
        ));
    }
    summary.push('。');
    d.text(&summary);
    let mut n = 0;
    for &card in preset_cards(s.preset) {
        let tasks: Vec<TaskDoc> = s
            .cards
            .iter()
            .filter(|t| t.card == Some(card))
            .cloned()
            .collect();
        if tasks.is_empty() {
            continue;
        }
        let head = format!("{}{}事项（{}项）", heading2(n), card.label(), tasks.len());
        d.heading2(&head, Vec::<Span>::new());
        if tasks.len() <= MAX_TABLE_ROWS {
            d.table(task_table(&tasks));
        } else {
            by_unit(d, &tasks, |t| {
                format!(
                    "{}“{}”（{}）",
                    t.id,
                    t.title,
                    super::common::reasons(&t.reasons)
                )
            });
        }
        n += 1;
    }
    if !own.is_empty() {
        let head = format!("{}单位自身问题（{}个）", heading2(n), own.len());
        d.heading2(&head, Vec::<Span>::new());
        let mut t = DocTable::new(vec![
            Column::new("序号", 2.7).center(),
            Column::new("单位", 8.0),
            Column::new("单位亮牌", 4.5).center(),
            Column::new("问题", 21.6),
        ]);
        for (i, u) in own.iter().enumerate() {
            let card = u.card.map(super::common::card_span).unwrap_or_default();
            t.rich_row([
                vec![Span::new((i + 1).to_string())],
                vec![Span::new(u.name.clone())],
                vec![card],
                vec![Span::new(super::common::reasons(&u.reasons))],
            ]);
        }
        d.table(t);
    }
    let rules = ctx.wording.rules(s.preset);
    let red: Vec<&str> = s
        .units
        .iter()
        .filter(|u| u.card == Some(Card::Red))
        .map(|u| u.name.as_str())
        .collect();
    if !rules.criticism.trim().is_empty() && !red.is_empty() {
        d.paragraph([
            Span::red(join(&red)),
            Span::new(format!("亮红牌。{}", v.fill(&rules.criticism))),
        ]);
    }
}

/// 三、排名情况: per category, the ranking; 前三位 praised, 后三位 called in.
fn ranking(d: &mut DocxBuilder, ctx: &Ctx) {
    let s = ctx.snap;
    let w = &ctx.wording.bulletin;
    let v = ctx.vars();
    d.text(&v.fill(&w.ranking));
    let rules = ctx.wording.rules(s.preset);
    for (i, cat) in s.categories().into_iter().enumerate() {
        let units: Vec<_> = s.ranked_in(cat).collect();
        d.heading2(
            &format!("{}{cat}（{}个单位）", heading2(i), units.len()),
            Vec::<Span>::new(),
        );
        let mut t = DocTable::new(vec![
            Column::new("名次", 2.7).center(),
            Column::new("单位", 13.0),
            Column::new("得分", 4.5).right(),
            Column::new("较上期", 4.0).center(),
            Column::new("亮牌", 3.5).center(),
            Column::new("备注", 5.0).center(),
        ]);
        for u in &units {
            let note = match (u.top3, u.bottom3) {
                (true, _) => "通报表扬",
                (_, true) => "约谈",
                _ => "",
            };
            t.rich_row([
                vec![Span::new(u.rank.to_string())],
                vec![Span::new(u.name.clone())],
                vec![Span::new(score(u.score))],
                vec![Span::new(rank_change(u.rank_change))],
                vec![u.card.map(super::common::card_span).unwrap_or_default()],
                vec![Span::new(note)],
            ]);
        }
        d.table(t);
        let top: Vec<&str> = units
            .iter()
            .filter(|u| u.top3)
            .map(|u| u.name.as_str())
            .collect();
        let bottom: Vec<&str> = units
            .iter()
            .filter(|u| u.bottom3)
            .map(|u| u.name.as_str())
            .collect();
        if !top.is_empty() {
            d.text(&format!("{}{}", join(&top), v.fill(&w.praise)));
        }
        if !bottom.is_empty() {
            let text = match rules.interview(None, true) {
                Some(rule) => rule.vars(&v).fill(&w.called_in),
                None => "排名后三位。".to_string(),
            };
            d.text(&format!("{}{text}", join(&bottom)));
        }
    }
    let unranked: Vec<&str> = s
        .units
        .iter()
        .filter(|u| u.rank == 0)
        .map(|u| u.name.as_str())
        .collect();
    if !unranked.is_empty() {
        d.text(&format!("{}本期无牵头事项，未参与排名。", join(&unranked)));
    }
}

/// 四、牵头领导: every lead leader's tasks, the name in red or blue (蓝红双色标注).
fn leaders(d: &mut DocxBuilder, ctx: &Ctx) {
    let s = ctx.snap;
    d.text(&ctx.vars().fill(&ctx.wording.bulletin.leaders));
    let mut t = DocTable::new(vec![
        Column::new("牵头领导", 5.0).center(),
        Column::new("牵头单位", 11.0),
        Column::new("事项", 3.0).center(),
        Column::new("已完成", 3.7).center(),
        Column::new("滞后", 3.0).center(),
        Column::new("逾期", 3.0).center(),
        Column::new("亮牌", 8.0),
    ]);
    for l in &s.leaders {
        t.rich_row([
            vec![marked(&l.name, l.mark)],
            vec![Span::new(join(&l.units))],
            vec![Span::new(l.tasks.to_string())],
            vec![Span::new(l.done.to_string())],
            vec![Span::new(l.behind.to_string())],
            vec![Span::new(l.overdue.to_string())],
            vec![Span::new(card_counts(s.preset, &l.cards, "项"))],
        ]);
    }
    d.table(t);
    for (mark, label) in [
        (LeaderMark::Red, "红色标注"),
        (LeaderMark::Blue, "蓝色标注"),
    ] {
        let names: Vec<&str> = s
            .leaders
            .iter()
            .filter(|l| l.mark == Some(mark))
            .map(|l| l.name.as_str())
            .collect();
        if !names.is_empty() {
            d.paragraph([
                Span::new(format!("{label}（{}人）：", names.len())),
                marked(&join(&names), Some(mark)),
                Span::new("。"),
            ]);
        }
    }
}

/// A leader's name in the colour of the mark.
fn marked(name: &str, mark: Option<LeaderMark>) -> Span {
    match mark {
        Some(LeaderMark::Red) => Span::red(name),
        Some(LeaderMark::Blue) => Span::blue(name),
        None => Span::new(name),
    }
}

/// 五、未按时报送情况: units that sent nothing (通报批评), then late ones.
fn reporting(d: &mut DocxBuilder, ctx: &Ctx) {
    let o = &ctx.snap.overview;
    let w = &ctx.wording.bulletin;
    let v = ctx.vars();
    if o.missing.is_empty() && o.late.is_empty() {
        d.text(&v.fill(&w.all_on_time));
        return;
    }
    if !o.missing.is_empty() {
        d.text(&format!("{}{}", join(&o.missing), v.fill(&w.not_reported)));
    }
    if !o.late.is_empty() {
        d.text(&format!("{}{}", join(&o.late), v.fill(&w.late)));
    }
}

/// 六、下步工作要求, from the wording.
fn requirements(d: &mut DocxBuilder, ctx: &Ctx) {
    let v = ctx.vars();
    for (i, r) in ctx.wording.bulletin.requirements.iter().enumerate() {
        let head = format!("{}{}", heading2(i), v.fill(&r.heading));
        d.heading2(&head, [v.fill(&r.text)]);
    }
}

/// The attachment: tasks behind plan or overdue, in 五号 at most (seven
/// columns on a portrait page).
fn behind_table(tasks: &[TaskDoc], size: usize) -> DocTable {
    let mut t = DocTable::new(vec![
        Column::new("序号", 2.6).center(),
        Column::new("编号", 5.0).center(),
        Column::new("重点工作", 10.0),
        Column::new("牵头单位", 7.0),
        Column::new("完成时限", 6.2).center(),
        Column::new("序时进度", 5.0).center(),
        Column::new("实际进度", 5.0).center(),
        Column::new("状态", 3.0).center(),
    ]);
    t.size = Some(size.min(21));
    for (i, task) in tasks.iter().enumerate() {
        let state = if task.overdue {
            Span::red("逾期")
        } else {
            Span::new("滞后")
        };
        t.rich_row([
            vec![Span::new((i + 1).to_string())],
            vec![Span::new(task.id.clone())],
            vec![Span::new(task.title.clone())],
            vec![Span::new(task.unit.clone())],
            vec![Span::new(
                task.deadline.map(|d| d.to_string()).unwrap_or_default(),
            )],
            vec![Span::new(format!("{}%", pct(task.planned)))],
            vec![Span::new(
                task.actual
                    .map(|a| format!("{}%", pct(a)))
                    .unwrap_or_else(|| "未报送".into()),
            )],
            vec![state],
        ]);
    }
    t
}
