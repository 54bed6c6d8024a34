//! 五、年度考评结果 of a year's 通报: how the annual score is worked out,
//! per category each unit's components and rank, the 后三位 and the units in
//! the 后三位 two years running.

use super::SpanCtx;
use crate::report::documents::common::{heading2, join, score};
use crate::report::docx::{Column, DocTable, DocxBuilder, Span};
use crate::rollup::{AnnualRules, UnitRollup};

/// A share or a number of points as written: `0.3`, `1`, `1.5`.
fn num(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The formula in words, with the settings applied.
fn formula(rules: &AnnualRules) -> String {
    let deduct = format!(
        "落实不力扣分（逾期报送每期扣{}分，应报未报每期扣{}分）",
        num(rules.deduct_late),
        num(rules.deduct_unreported)
    );
    let k = rules.evaluation_share.clamp(0.0, 1.0);
    match &rules.evaluations_from {
        Some(_) if k > 0.0 => format!(
            "年度得分＝各期平均得分×{}＋评价得分×{}－{deduct}，以100分为上限、0分为下限；未参加评价的单位按各期平均得分计。",
            num(1.0 - k),
            num(k)
        ),
        _ => format!(
            "本年度未计评价得分，年度得分＝各期平均得分－{deduct}，以100分为上限、0分为下限。"
        ),
    }
}

/// 五、年度考评结果.
pub(super) fn results(d: &mut DocxBuilder, ctx: &SpanCtx) {
    let r = ctx.rollup;
    let w = &ctx.wording.span;
    let v = ctx.vars();
    let mut intro = v.fill(&w.annual);
    if let Some(rules) = &r.annual_rules {
        intro.push_str(&formula(rules));
    }
    intro.push_str("考评结果如下：");
    d.text(&intro);
    let mut bottom: Vec<&str> = Vec::new();
    let mut two_years: Vec<&str> = Vec::new();
    for (i, cat) in r.categories().into_iter().enumerate() {
        let mut units: Vec<&UnitRollup> = r.units_in(cat).filter(|u| u.annual.is_some()).collect();
        if units.is_empty() {
            continue;
        }
        units.sort_by_key(|u| (u.annual.as_ref().map_or(0, |a| a.rank), u.name.clone()));
        d.heading2(
            &format!("{}{cat}（{}个单位）", heading2(i), units.len()),
            Vec::<Span>::new(),
        );
        d.table(table(&units));
        for u in &units {
            let Some(a) = &u.annual else { continue };
            if a.bottom3 {
                bottom.push(&u.name);
            }
            if a.bottom3_two_years {
                two_years.push(&u.name);
            }
        }
    }
    if !bottom.is_empty() {
        d.text(&format!("{}{}", join(&bottom), v.fill(&w.annual_bottom)));
    }
    if !two_years.is_empty() {
        d.paragraph([Span::red(join(&two_years)), Span::new(v.fill(&w.two_years))]);
    } else if r.previous.is_none() {
        d.text(&format!(
            "{}无归档数据，未作连续两年后三位比较。",
            r.span.prev().label()
        ));
    }
}

/// One category: unit, 期均得分, 评价, 扣分, 年度得分, 排名.
fn table(units: &[&UnitRollup]) -> DocTable {
    let mut t = DocTable::new(vec![
        Column::new("单位", 12.0),
        Column::new("期均得分", 4.8).right(),
        Column::new("评价", 4.2).right(),
        Column::new("扣分", 3.5).right(),
        Column::new("年度得分", 4.8).right(),
        Column::new("排名", 2.7).center(),
        Column::new("备注", 5.0).center(),
    ]);
    for u in units {
        let Some(a) = &u.annual else { continue };
        let note = match (a.bottom3_two_years, a.bottom3) {
            (true, _) => Span::red("连续两年后三位"),
            (_, true) => Span::new("后三位"),
            _ => Span::new(""),
        };
        t.rich_row([
            vec![Span::new(u.name.clone())],
            vec![Span::new(score(a.period_mean))],
            vec![Span::new(a.evaluation.map(score).unwrap_or("—".into()))],
            vec![Span::new(if a.deduction > 0.0 {
                num(a.deduction)
            } else {
                "—".to_string()
            })],
            vec![Span::new(score(a.score))],
            vec![Span::new(a.rank.to_string())],
            vec![note],
        ]);
    }
    t
}
