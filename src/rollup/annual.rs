//! The 年度考评 of a year's roll-up.
//!
//! For a unit with tasks due in at least one period of the year:
//!
//! * `period_mean` — mean of its period scores over the periods it had tasks due;
//! * `evaluation` — weighted mean of the 评价 sheet's four evaluations
//!   (`[score]` `eval_self`, `eval_team`, `eval_public`, `eval_leader`,
//!   renormalised over those present), when the ledger has a 评价 sheet
//!   listing the unit and `[annual] annual_evaluation_share` = k > 0;
//! * `blended = (1 − k)·period_mean + k·evaluation` (= `period_mean` without one);
//! * `deduction` (落实不力) = late periods × `deduct_late` (1) + periods with
//!   tasks due and no accepted form × `deduct_unreported` (2);
//! * `score = clamp(blended − deduction, 0, 100)`, rounded once to 2 decimals.
//!
//! Units are ranked in category on the annual score (competition ranking);
//! 后三位 by the rule of the monthly ranking ([`crate::score::standing`]); 连续两年
//! 后三位 when last year's roll-up has the unit in its 后三位 too.

use super::figures::rank_by;
use super::model::{Annual, AnnualRules, Rollup, UnitRollup};
use crate::config::{AnnualWeights, ScoreWeights};
use crate::model::Evaluation;
use crate::score::rank::{evaluation_average, round2};
use crate::score::standing;

/// The annual score of one unit from its components (see the module doc).
pub fn annual_score(
    period_mean: f64,
    evaluation: Option<f64>,
    weights: &AnnualWeights,
    late_periods: u32,
    unreported_periods: u32,
) -> (f64, f64, f64, f64) {
    let k = match evaluation {
        Some(_) => weights.annual_evaluation_share.clamp(0.0, 1.0),
        None => 0.0,
    };
    let blended = match evaluation {
        Some(e) => (1.0 - k) * period_mean + k * e,
        None => period_mean,
    };
    let deduction = f64::from(late_periods) * weights.deduct_late.max(0.0)
        + f64::from(unreported_periods) * weights.deduct_unreported.max(0.0);
    let score = round2((blended - deduction).clamp(0.0, 100.0));
    (k, blended, deduction, score)
}

/// Work out every unit's 年度考评 (ranked units only: those with a mean
/// score), then ranks and 后三位 in category, and 连续两年后三位 against
/// `last_year`.
pub fn apply(
    units: &mut [UnitRollup],
    weights: &AnnualWeights,
    score: &ScoreWeights,
    evaluations: Option<&[Evaluation]>,
    last_year: Option<&Rollup>,
) {
    let use_eval = weights.annual_evaluation_share > 0.0;
    for u in units.iter_mut() {
        let Some(mean) = u.mean_score else {
            continue;
        };
        let evaluation = evaluations
            .filter(|_| use_eval)
            .and_then(|evs| evs.iter().find(|e| e.unit.as_str() == u.name))
            .and_then(|e| evaluation_average(score, e));
        let (k, blended, deduction, s) =
            annual_score(mean, evaluation, weights, u.late, u.not_reported);
        u.annual = Some(Annual {
            period_mean: mean,
            periods_scored: u.periods.iter().filter(|p| p.due > 0).count() as u32,
            evaluation,
            evaluation_share: k,
            blended,
            late_periods: u.late,
            unreported_periods: u.not_reported,
            deduction,
            score: s,
            rank: 0,
            bottom3: false,
            bottom3_last_year: None,
            bottom3_two_years: false,
        });
    }
    let ranks = rank_by(units, |u| u.annual.as_ref().map(|a| a.score));
    let mut cats: Vec<String> = Vec::new();
    for (u, r) in units.iter_mut().zip(ranks) {
        if let Some(a) = u.annual.as_mut() {
            a.rank = r;
        }
        if !cats.contains(&u.category) {
            cats.push(u.category.clone());
        }
    }
    for c in cats {
        let idx: Vec<usize> = (0..units.len())
            .filter(|&i| units[i].category == c && units[i].annual.is_some())
            .collect();
        let scores: Vec<f64> = idx
            .iter()
            .filter_map(|&i| units[i].annual.as_ref().map(|a| a.score))
            .collect();
        let marks = standing::marks(&scores, &vec![false; scores.len()]);
        for (&i, (_, bottom)) in idx.iter().zip(marks) {
            let name = units[i].name.clone();
            let last = last_year
                .and_then(|l| l.unit(&name))
                .and_then(|l| l.annual.as_ref())
                .map(|a| a.bottom3);
            if let Some(a) = units[i].annual.as_mut() {
                a.bottom3 = bottom;
                a.bottom3_last_year = last;
                a.bottom3_two_years = bottom && last == Some(true);
            }
        }
    }
}

/// The rules as applied, for the outputs.
pub fn rules(weights: &AnnualWeights, evaluations_from: Option<String>) -> AnnualRules {
    AnnualRules {
        evaluation_share: weights.annual_evaluation_share,
        deduct_late: weights.deduct_late,
        deduct_unreported: weights.deduct_unreported,
        evaluations_from,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_annual_formula_by_hand() {
        let w = AnnualWeights::default();
        // Mean 86.50, 评价 90, k 0.3: 0.7 × 86.5 + 0.3 × 90 = 60.55 + 27 = 87.55;
        // one late period (1) and one unreported (2): 87.55 − 3 = 84.55.
        let (k, blended, deduction, score) = annual_score(86.5, Some(90.0), &w, 1, 1);
        assert_eq!(k, 0.3);
        assert!((blended - 87.55).abs() < 1e-9, "{blended}");
        assert_eq!(deduction, 3.0);
        assert_eq!(score, 84.55);
        // Without an evaluation nothing is blended.
        assert_eq!(annual_score(86.5, None, &w, 0, 2), (0.0, 86.5, 4.0, 82.5));
        // Never below 0.
        assert_eq!(annual_score(3.0, None, &w, 2, 2).3, 0.0);
        // Other weights.
        let w = AnnualWeights {
            annual_evaluation_share: 0.5,
            deduct_late: 0.5,
            deduct_unreported: 3.0,
        };
        assert_eq!(annual_score(80.0, Some(60.0), &w, 2, 1).3, 66.0);
    }

    #[test]
    fn the_evaluation_uses_the_score_weights_and_ranks_follow_the_annual_score() {
        let unit = |name: &str, mean: f64, late: u32| UnitRollup {
            name: name.into(),
            category: "区直部门".into(),
            periods: Vec::new(),
            periods_due: 3,
            on_time: 3 - late,
            late,
            not_reported: 0,
            cards: Default::default(),
            bottom3_count: 0,
            interviews: 0,
            mean_score: Some(mean),
            rank: 0,
            rank_change: None,
            annual: None,
        };
        let mut units = vec![
            unit("甲", 90.0, 0),
            unit("乙", 91.0, 2),
            unit("丙", 70.0, 0),
        ];
        units.push(UnitRollup {
            mean_score: None,
            ..unit("丁", 0.0, 0)
        });
        let evs = [Evaluation {
            unit: crate::schema::UnitName::new("丙"),
            self_eval: Some(100.0),
            team: Some(80.0),
            public: None,
            leader: None,
        }];
        // 丙: E = (0.1×100 + 0.3×80) / 0.4 = 85; 0.7×70 + 0.3×85 = 74.5.
        apply(
            &mut units,
            &AnnualWeights::default(),
            &ScoreWeights::default(),
            Some(&evs),
            None,
        );
        let a = |i: usize| units[i].annual.clone().unwrap();
        assert_eq!(a(2).evaluation, Some(85.0));
        assert_eq!(a(2).score, 74.5);
        // 乙 late twice: 91 − 2 = 89 < 90.
        assert_eq!((a(0).score, a(0).rank), (90.0, 1));
        assert_eq!((a(1).score, a(1).rank), (89.0, 2));
        assert_eq!(a(2).rank, 3);
        // Three ranked units: one in the 后三位.
        assert!(a(2).bottom3 && !a(1).bottom3 && !a(0).bottom3);
        assert_eq!(a(2).bottom3_last_year, None);
        assert!(units[3].annual.is_none());
    }
}
