//! 年度考评 (a year): per unit every component of the annual score — mean
//! of the period scores, the 评价 blended in and its share, the late and
//! unreported periods times their points — the score, rank in category,
//! 后三位 and 连续两年后三位; the formula and a worked example below, so a
//! clerk can redo any line. A3 landscape, as the monthly 单位排名.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::{sheet_title, title_row};
use crate::report::sheets::table::{put_row, table};
use crate::report::xlsx::{Fill, Kind, Page, Sheet, Val};
use crate::rollup::{AnnualRules, Rollup, UnitRollup};
use crate::score::rank::round2;
use crate::value::fmt_decimals;

/// The columns; the two deduction headers get their points per period.
fn columns(rules: &AnnualRules) -> Vec<(String, Kind)> {
    let late = format!("逾期扣分(每期{}分)", fmt_decimals(rules.deduct_late, 2));
    let unreported = format!(
        "未报扣分(每期{}分)",
        fmt_decimals(rules.deduct_unreported, 2)
    );
    [
        ("类别", Kind::Text),
        ("排名", Kind::Int),
        ("单位", Kind::Wrap),
        ("期均得分", Kind::Num2),
        ("计分期数", Kind::Int),
        ("评价得分", Kind::Num2),
        ("评价占比", Kind::Num2),
        ("加权得分", Kind::Num2),
        ("逾期期数", Kind::Int),
        (late.as_str(), Kind::Num2),
        ("未报期数", Kind::Int),
        (unreported.as_str(), Kind::Num2),
        ("扣分合计", Kind::Num2),
        ("年度得分", Kind::Num2),
        ("后三位", Kind::Center),
        ("上年后三位", Kind::Center),
        ("连续两年后三位", Kind::Center),
    ]
    .iter()
    .map(|(h, k)| (h.to_string(), *k))
    .collect()
}

pub fn build(r: &Rollup, mut s: Sheet) -> Result<Worksheet, XlsxError> {
    s.set_page(Page::WIDE);
    s.width_bounds(6.0, 30.0);
    let rules = r.annual_rules.clone().unwrap_or(AnnualRules {
        evaluation_share: 0.0,
        deduct_late: 0.0,
        deduct_unreported: 0.0,
        evaluations_from: None,
    });
    let owned = columns(&rules);
    let cols: Vec<(&str, Kind)> = owned.iter().map(|(h, k)| (h.as_str(), *k)).collect();
    let last_col = cols.len() as u16 - 1;
    title_row(&mut s, &sheet_title(r, "年度考评得分统计"), last_col)?;
    let last = table(&mut s, 1, &cols, &r.units, |s, row, u| {
        let fill = match &u.annual {
            Some(a) if a.bottom3 => Fill::Alert,
            _ => Fill::None,
        };
        put_row(s, row, &cols, fill, values(u, &rules))
    })?;
    let fmts = s.fmts;
    let mut row = last + 2;
    s.label(row, 0, "计算说明", &fmts.section)?;
    for line in legend(r, &rules) {
        row += 1;
        s.merge_note(row, 0, last_col, &line, &fmts.note)?;
    }
    Ok(s.finish())
}

/// `是`, `否`, or `—` when not known.
fn yes_no(b: Option<bool>) -> Val<'static> {
    Val::Str(match b {
        Some(true) => "是",
        Some(false) => "否",
        None => "—",
    })
}

/// One unit's row, in the order of [`columns`]; a unit with no tasks due
/// all year is listed, unranked, without figures.
fn values<'a>(u: &'a UnitRollup, rules: &AnnualRules) -> Vec<Val<'a>> {
    let Some(a) = &u.annual else {
        let mut v = vec![Val::Str(&u.category), Val::Str("—"), Val::Str(&u.name)];
        v.extend((3..14).map(|_| Val::Empty));
        v.extend([Val::Str("—"), Val::Str("—"), Val::Str("—")]);
        return v;
    };
    let rank = match a.rank {
        0 => Val::Str("—"),
        n => Val::Int(n.into()),
    };
    vec![
        Val::Str(&u.category),
        rank,
        Val::Str(&u.name),
        Val::Num(round2(a.period_mean)),
        Val::Int(a.periods_scored.into()),
        Val::from(a.evaluation.map(round2)),
        Val::Num(a.evaluation_share),
        Val::Num(round2(a.blended)),
        Val::Int(a.late_periods.into()),
        Val::Num(round2(f64::from(a.late_periods) * rules.deduct_late)),
        Val::Int(a.unreported_periods.into()),
        Val::Num(round2(
            f64::from(a.unreported_periods) * rules.deduct_unreported,
        )),
        Val::Num(round2(a.deduction)),
        Val::Num(round2(a.score)),
        yes_no(Some(a.bottom3)),
        yes_no(a.bottom3_last_year),
        yes_no(Some(a.bottom3_two_years)),
    ]
}

/// The formula, the rules of rank and 后三位, where the evaluations came
/// from, and one unit's score worked out.
fn legend(r: &Rollup, rules: &AnnualRules) -> Vec<String> {
    let k = fmt_decimals(rules.evaluation_share, 2);
    let late = fmt_decimals(rules.deduct_late, 2);
    let unreported = fmt_decimals(rules.deduct_unreported, 2);
    let from = match &rules.evaluations_from {
        Some(f) => format!("评价得分取自台账评价表（{f}），为四项评价按 [score] 权重的加权平均"),
        None => "没有可用的评价表：不计评价，加权得分即期均得分".to_string(),
    };
    let mut lines = vec![
        "年度得分 = 加权得分 − 扣分合计（在 0–100 之间，保留两位小数）。".to_string(),
        format!("加权得分 = (1 − 评价占比) × 期均得分 + 评价占比 × 评价得分；评价占比为 {k}，单位无评价得分时记 0，加权得分即期均得分。"),
        "期均得分 = 有应报事项各期得分之和 ÷ 计分期数。".to_string(),
        format!("扣分合计（落实不力）= 逾期期数 × {late} + 未报期数 × {unreported}（逾期：采用的报表晚于截止日期；未报：有应报事项而无采用的报表）。"),
        format!("{from}。"),
        "排名：类别内按年度得分排名，得分相同名次相同；后三位：类别内年度得分最低的至多 min(3, ⌊单位数/2⌋) 个，并列同计；连续两年后三位：上年（按上年归档计算，不计评价）亦在后三位。“—”为无从判断或未参与排名。".to_string(),
        "表中各项按两位小数显示，计算使用未舍入的数值，复核时末位可能相差 0.01。".to_string(),
    ];
    if let Some(example) = example(r, rules) {
        lines.push(example);
    }
    lines
}

/// One unit's annual score worked out (the first with an evaluation and a
/// deduction, else the first ranked).
fn example(r: &Rollup, rules: &AnnualRules) -> Option<String> {
    let scored = || {
        r.units
            .iter()
            .filter_map(|u| u.annual.as_ref().map(|a| (u, a)))
    };
    let (u, a) = scored()
        .find(|(_, a)| a.evaluation.is_some() && a.deduction > 0.0)
        .or_else(|| scored().find(|(_, a)| a.deduction > 0.0))
        .or_else(|| scored().next())?;
    let blended = match a.evaluation {
        Some(e) => format!(
            "(1 − {k}) × {m:.2} + {k} × {e:.2} = {b:.2}",
            k = fmt_decimals(a.evaluation_share, 2),
            m = a.period_mean,
            b = a.blended
        ),
        None => format!("无评价得分，加权得分 = 期均得分 = {:.2}", a.blended),
    };
    Some(format!(
        "例：{}：期均得分 {:.2}（{} 期）；加权得分 {blended}；扣分合计 {} × {} + {} × {} = {:.2}；年度得分 {:.2} − {:.2} = {:.2}。",
        u.name,
        a.period_mean,
        a.periods_scored,
        a.late_periods,
        fmt_decimals(rules.deduct_late, 2),
        a.unreported_periods,
        fmt_decimals(rules.deduct_unreported, 2),
        a.deduction,
        a.blended,
        a.deduction,
        a.score
    ))
}
