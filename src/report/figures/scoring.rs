//! How cards and scores come about, in words with the configured figures:
//! the card rules, each unit's deduction and score written out, the scoring
//! rules.

use super::labels::weight;
use crate::config::{Preset, Rules, ScoreWeights};
use crate::model::Card;
use crate::score::UnitResult;

/// The card rules of `preset` in words with the configured thresholds, most
/// severe card first.
pub(crate) fn card_legend(preset: Preset, rules: &Rules) -> Vec<(Card, String)> {
    match preset {
        Preset::RedYellowBlue => {
            let t = &rules.red_yellow_blue;
            vec![
                (
                    Card::Red,
                    format!(
                        "滞后序时进度达 {} 个百分点及以上；或超过完成时限仍未完成；或完成进度较上期下降超过 {} 个百分点（谎报进度）；或连续 {} 期亮牌且进度无提升（多次督办无果）",
                        t.red_lag, t.red_lowered, t.red_repeat_periods
                    ),
                ),
                (
                    Card::Yellow,
                    format!("序时进度已达 {}%，事项仍未启动", t.yellow_planned),
                ),
                (
                    Card::Blue,
                    format!("已启动但滞后序时进度超过 {} 个百分点", t.blue_lag),
                ),
            ]
        }
        Preset::YellowOrangeRed => {
            let t = &rules.yellow_orange_red;
            vec![
                (
                    Card::Red,
                    format!("本年度累计亮橙牌 {} 次及以上", t.red_orange_count),
                ),
                (
                    Card::Orange,
                    format!("工作进展缓慢，滞后序时进度超过 {} 个百分点", t.orange_lag),
                ),
                (
                    Card::Yellow,
                    "未按时报送或未报送，或报送材料有错误（材料不及时、质量不高、台账不规范）"
                        .to_string(),
                ),
            ]
        }
    }
}

/// The four score components with their weights (negative weights count as 0):
/// 进度得分, 按期完成得分, 按时报送得分, 报送质量得分.
pub(crate) fn component_weights(w: &ScoreWeights) -> [(&'static str, f64); 4] {
    [
        ("进度得分", w.progress),
        ("按期完成得分", w.completion),
        ("按时报送得分", w.reporting),
        ("报送质量得分", w.quality),
    ]
    .map(|(name, x)| (name, x.max(0.0)))
}

/// A component's name with its weight: `进度得分（权重40）`.
pub(crate) fn weighted_name(name: &str, w: &ScoreWeights) -> Option<String> {
    component_weights(w)
        .iter()
        .find(|c| c.0 == name)
        .map(|c| format!("{}（权重{}）", c.0, weight(c.1)))
}

/// The deduction per task of each card, most severe first.
fn deductions(w: &ScoreWeights) -> [(Card, f64); 4] {
    [
        (Card::Red, w.deduct_red),
        (Card::Orange, w.deduct_orange),
        (Card::Yellow, w.deduct_yellow),
        (Card::Blue, w.deduct_blue),
    ]
}

/// How a unit's card deduction adds up: `红牌1项×10 + 蓝牌2项×1 = 12`,
/// plus the unit's own card (yellow-orange-red) when it has one.
pub(crate) fn deduction_detail(w: &ScoreWeights, u: &UnitResult) -> String {
    let c = &u.cards;
    let counts = [c.red, c.orange, c.yellow, c.blue];
    let per_card = deductions(w);
    let mut terms: Vec<String> = per_card
        .iter()
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .map(|((card, d), n)| format!("{}{}项×{}", card.label(), n, weight(*d)))
        .collect();
    let tasks: f64 = per_card
        .iter()
        .zip(counts)
        .map(|((_, d), n)| n as f64 * d)
        .sum();
    let own = u.parts.deduction - tasks;
    if own > 1e-9 {
        // The unit's own card (yellow-orange-red): named when its deduction says which.
        let own_card = per_card
            .iter()
            .find(|c| (c.1 - own).abs() < 1e-9)
            .map_or("亮牌", |c| c.0.label());
        terms.push(format!("单位{own_card}{}", weight(own)));
    }
    if terms.is_empty() {
        "无亮牌，不扣分".to_string()
    } else {
        format!("{} = {}", terms.join(" + "), weight(u.parts.deduction))
    }
}

/// The score of one unit written out with its own figures, e.g.
/// `基础分=(74.97×40+100.00×20+100.00×20+100.00×20)÷100=89.99` and, on a
/// second line, `得分=基础分−扣分=89.99−1=88.99`.
pub(crate) fn score_formula(w: &ScoreWeights, u: &UnitResult) -> String {
    let p = &u.parts;
    let ws = component_weights(w).map(|c| c.1);
    let vs = [p.progress, p.completion, p.reporting, p.quality];
    let total: f64 = ws.iter().sum();
    let base = if total > 0.0 {
        let terms: Vec<String> = ws
            .iter()
            .zip(vs)
            .map(|(w, v)| format!("{v:.2}×{}", weight(*w)))
            .collect();
        format!(
            "基础分=({})÷{}={:.2}",
            terms.join("+"),
            weight(total),
            p.base
        )
    } else {
        let terms: Vec<String> = vs.iter().map(|v| format!("{v:.2}")).collect();
        format!("基础分=({})÷4={:.2}", terms.join("+"), p.base)
    };
    let net = (p.base - p.deduction).clamp(0.0, 100.0);
    let floor = if p.base - p.deduction < 0.0 {
        "（不低于0）"
    } else {
        ""
    };
    match p.evaluation {
        Some(ev) => {
            let k = weight(w.evaluation_share.clamp(0.0, 1.0));
            format!(
                "{base}\n基础分−扣分={:.2}−{}={net:.2}{floor}\n得分=(1−{k})×{net:.2}+{k}×评价{ev:.2}={:.2}",
                p.base,
                weight(p.deduction),
                u.score
            )
        }
        None => format!(
            "{base}\n得分=基础分−扣分={:.2}−{}={:.2}{floor}",
            p.base,
            weight(p.deduction),
            u.score
        ),
    }
}

/// The scoring rules in words, with the configured weights (under 单位排名).
pub(crate) fn score_legend(w: &ScoreWeights) -> Vec<String> {
    let ws = component_weights(w).map(|c| c.1);
    let total = weight(ws.iter().sum());
    let ws = ws.map(weight);
    let mut v = vec![
        format!(
            "得分 = 基础分 − 亮牌扣分（不低于0）；基础分 = (进度得分×{} + 按期完成得分×{} + 按时报送得分×{} + 报送质量得分×{}) ÷ {}。各分项满分100，表中按两位小数显示，计算用未舍入的值，末位可能差0.01。",
            ws[0], ws[1], ws[2], ws[3], total
        ),
        "进度得分：各牵头事项按星级加权（3星权3、4星权4、5星权5）的平均：已完成计100；已报送计 实际进度÷序时进度×100（最高100，序时进度为0计100）；应报未报计0。".to_string(),
        "按期完成得分：完成时限已过的事项中已完成的比例×100（无此类事项计100）。按时报送得分：按时报送100、逾期报送60、未报送0，乘以已报事项占应报事项的比例。报送质量得分：100 − 错误数×10 − 提醒数×2（不低于0；应报未报计0）。".to_string(),
        format!(
            "亮牌扣分（每项）：红牌{}分、橙牌{}分、黄牌{}分、蓝牌{}分；单位自身亮牌（黄橙红牌规则）另扣对应分值。",
            weight(w.deduct_red),
            weight(w.deduct_orange),
            weight(w.deduct_yellow),
            weight(w.deduct_blue)
        ),
    ];
    if w.evaluation_share > 0.0 {
        v.push(format!(
            "评价得分：评价表四项评价的加权平均（自评{}、专班评价{}、群众评价{}、领导评价{}）；最终得分 = (1−{k})×(基础分−扣分) + {k}×评价得分。",
            weight(w.eval_self),
            weight(w.eval_team),
            weight(w.eval_public),
            weight(w.eval_leader),
            k = weight(w.evaluation_share.clamp(0.0, 1.0))
        ));
    }
    v.push("排名在同一类别内进行，得分相同者并列（1、2、2、4）。后三位（标红，由督查室约谈）为得分最低的单位；前三位（标绿）为其余单位中得分最高、且本期应报事项全部按时报送、未亮橙牌或红牌的单位，不符合的单位即使得分居前也不列前三位（标注栏写明原因）。每类前三位、后三位各不超过3个且不超过本类单位数的一半，得分相同的单位同列或同不列；同一单位不会既是前三位又是后三位。排名变化 ↑ 表示上升、↓ 表示下降、— 表示持平或无上期。".to_string());
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::figures::testdata::unit;
    use crate::score::CardCounts;

    #[test]
    fn legend_follows_the_preset() {
        let rules = Rules::default();
        let ryb = card_legend(Preset::RedYellowBlue, &rules);
        let cards: Vec<Card> = ryb.iter().map(|x| x.0).collect();
        assert_eq!(cards, vec![Card::Red, Card::Yellow, Card::Blue]);
        assert!(
            ryb[0].1.starts_with("滞后序时进度达 30 个百分点及以上"),
            "{}",
            ryb[0].1
        );
        let yor = card_legend(Preset::YellowOrangeRed, &rules);
        let cards: Vec<Card> = yor.iter().map(|x| x.0).collect();
        assert_eq!(cards, vec![Card::Red, Card::Orange, Card::Yellow]);
        assert_eq!(yor[1].1, "工作进展缓慢，滞后序时进度超过 15 个百分点");
    }

    #[test]
    fn components_carry_their_weights() {
        let mut w = ScoreWeights::default();
        assert_eq!(weighted_name("进度得分", &w).unwrap(), "进度得分（权重40）");
        w.quality = -5.0;
        assert_eq!(
            weighted_name("报送质量得分", &w).unwrap(),
            "报送质量得分（权重0）"
        );
        assert_eq!(weighted_name("得分", &w), None);
    }

    #[test]
    fn deduction_detail_and_formula_with_literal_figures() {
        let w = ScoreWeights::default();
        let mut u = unit("区发改局", "区直部门", 1);
        u.cards = CardCounts {
            red: 1,
            orange: 0,
            yellow: 0,
            blue: 2,
        };
        u.parts.deduction = 15.0; // 10 + 2×1 + the unit's own yellow card (3)
        assert_eq!(
            deduction_detail(&w, &u),
            "红牌1项×10 + 蓝牌2项×1 + 单位黄牌3 = 15"
        );
        u.parts.deduction = 12.5; // an own deduction that names no card
        assert!(deduction_detail(&w, &u).ends_with("单位亮牌0.5 = 12.5"));
        u.cards = CardCounts::default();
        u.parts.deduction = 0.0;
        assert_eq!(deduction_detail(&w, &u), "无亮牌，不扣分");

        u.parts.progress = 74.975;
        u.parts.completion = 100.0;
        u.parts.reporting = 100.0;
        u.parts.quality = 100.0;
        u.parts.base = 89.99;
        u.parts.deduction = 1.0;
        u.parts.evaluation = None;
        u.score = 88.99;
        assert_eq!(
            score_formula(&w, &u),
            "基础分=(74.97×40+100.00×20+100.00×20+100.00×20)÷100=89.99\n得分=基础分−扣分=89.99−1=88.99"
        );
        u.parts.base = 5.0;
        u.parts.deduction = 10.0;
        u.score = 0.0;
        assert!(score_formula(&w, &u).ends_with("得分=基础分−扣分=5.00−10=0.00（不低于0）"));

        let w = ScoreWeights {
            evaluation_share: 0.3,
            ..ScoreWeights::default()
        };
        u.parts.base = 90.0;
        u.parts.deduction = 10.0;
        u.parts.evaluation = Some(70.0);
        u.score = 77.0;
        assert!(
            score_formula(&w, &u)
                .ends_with("基础分−扣分=90.00−10=80.00\n得分=(1−0.3)×80.00+0.3×评价70.00=77.00"),
            "{}",
            score_formula(&w, &u)
        );
    }

    #[test]
    fn scoring_rules_name_the_configured_weights() {
        let w = ScoreWeights::default();
        let legend = score_legend(&w);
        assert!(
            legend[0].contains("进度得分×40 + 按期完成得分×20"),
            "{}",
            legend[0]
        );
        assert!(legend[0].contains(") ÷ 100。"), "{}", legend[0]);
        assert!(
            legend[3].contains("红牌10分、橙牌6分、黄牌3分、蓝牌1分"),
            "{}",
            legend[3]
        );
        assert!(!legend.iter().any(|l| l.starts_with("评价得分")));
        let w = ScoreWeights {
            evaluation_share: 0.25,
            ..w
        };
        let legend = score_legend(&w);
        assert!(legend[4].contains("自评0.1、专班评价0.3") && legend[4].contains("(1−0.25)"));
    }
}
