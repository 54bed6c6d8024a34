//! 约谈名单 for the leaders: per category, the units to be called in —
//! 后三位 (the lowest three of a category are called in), and the units whose card calls for it under the
//! preset (red-yellow-blue: yellow and red; yellow-orange-red: orange and
//! red) — each with the reason, who conducts it, whom it is for, and how
//! often the unit has been called in this year.

use anyhow::Result;

use super::common::{card_span, heading2, join, score};
use super::snapshot::UnitDoc;
use super::wording::InterviewRule;
use super::{Ctx, Planned};
use crate::report::docx::{Column, DocTable, DocxBuilder, Span};

/// A unit on the list.
pub(super) struct Entry<'a> {
    pub(crate) unit: &'a UnitDoc,
    /// The first rule it meets: who conducts the 约谈.
    pub(crate) rule: &'a InterviewRule,
    /// Why, in words.
    pub(crate) reasons: Vec<Span>,
    /// This year's 约谈 including this one.
    pub(crate) times: u32,
}

/// Every unit to be called in, in ranking order.
pub(super) fn entries<'a>(ctx: &'a Ctx) -> Vec<Entry<'a>> {
    let rules = ctx.wording.rules(ctx.snap.preset);
    let mut out = Vec::new();
    for u in &ctx.snap.units {
        let Some(rule) = rules.interview(u.card, u.bottom3) else {
            continue;
        };
        let mut reasons = Vec::new();
        if let Some(card) = u.card.filter(|&c| rules.card_interview(c).is_some()) {
            let ids: Vec<&str> = ctx
                .snap
                .cards
                .iter()
                .filter(|t| t.unit == u.name && t.card == Some(card))
                .map(|t| t.id.as_str())
                .collect();
            let why = if ids.is_empty() {
                format!("：{}", super::common::reasons(&u.reasons))
            } else {
                format!("（{}）", join(&ids))
            };
            reasons.push(Span::new("亮"));
            reasons.push(card_span(card));
            reasons.push(Span::new(why));
        }
        if u.bottom3 && rules.interview(None, true).is_some() {
            if !reasons.is_empty() {
                reasons.push(Span::new("；"));
            }
            reasons.push(Span::new(format!(
                "排名后三位（{}第{}名，{}分）",
                u.category,
                u.rank,
                score(u.score)
            )));
        }
        let before = ctx.numbering.interviews.get(&u.name).copied().unwrap_or(0);
        out.push(Entry {
            unit: u,
            rule,
            reasons,
            times: before + 1,
        });
    }
    out
}

/// Written when anyone is to be called in.
pub(super) fn wanted(ctx: &Ctx) -> bool {
    !entries(ctx).is_empty()
}

pub(super) fn build(ctx: &Ctx, _p: &Planned) -> Result<DocxBuilder> {
    let w = &ctx.wording.interview_list;
    let v = ctx.vars();
    let mut d = ctx.doc();
    d.title(&v.fill(&w.title)).text(&v.fill(&w.opening));
    let all = entries(ctx);
    let mut categories: Vec<&str> = Vec::new();
    for e in &all {
        if !categories.contains(&e.unit.category.as_str()) {
            categories.push(&e.unit.category);
        }
    }
    for (i, cat) in categories.into_iter().enumerate() {
        let mine: Vec<&Entry> = all.iter().filter(|e| e.unit.category == cat).collect();
        d.heading2(
            &format!("{}{cat}（{}个单位）", heading2(i), mine.len()),
            Vec::<Span>::new(),
        );
        let mut t = DocTable::new(vec![
            Column::new("序号", 2.7).center(),
            Column::new("单位", 10.5),
            Column::new("约谈事由", 9.5),
            Column::new("约谈人", 5.3),
            Column::new("约谈对象", 5.3),
            Column::new("本年度", 3.8).center(),
        ]);
        for (n, e) in mine.iter().enumerate() {
            t.rich_row([
                vec![Span::new((n + 1).to_string())],
                vec![Span::new(e.unit.name.clone())],
                e.reasons.clone(),
                vec![Span::new(v.fill(&e.rule.conductor))],
                vec![Span::new(v.fill(&e.rule.interviewee))],
                vec![Span::new(format!("第{}次", e.times))],
            ]);
        }
        d.table(t);
    }
    d.text(&format!("共{}个单位。", all.len()));
    d.signature(&ctx.office.name, ctx.issue_date);
    Ok(d)
}
