//! Unit score components and ranking within category.

use crate::config::ScoreWeights;
use crate::model::{Card, Evaluation};

/// Round once, at the end, to 2 decimals.
pub(crate) fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// One task's contribution to its unit's progress component.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ProgressItem {
    pub(crate) stars: u8,
    pub(crate) done: bool,
    pub(crate) due: bool,
    pub(crate) actual: Option<f64>,
    pub(crate) planned: f64,
}

/// Progress component: star-weighted (weight = stars) average of per-task
/// values — done 100; reported `min(100, actual / planned × 100)` (100 when
/// planned is 0); due but not reported 0; not due and not reported: left out.
/// 100 when nothing counts.
pub(crate) fn progress_component(items: &[ProgressItem]) -> f64 {
    let (mut sum, mut weight) = (0.0, 0.0);
    for it in items {
        let v = if it.done {
            100.0
        } else if let Some(a) = it.actual {
            if it.planned <= 0.0 {
                100.0
            } else {
                (a / it.planned * 100.0).clamp(0.0, 100.0)
            }
        } else if it.due {
            0.0
        } else {
            continue;
        };
        let w = f64::from(it.stars.max(1));
        sum += v * w;
        weight += w;
    }
    if weight > 0.0 {
        sum / weight
    } else {
        100.0
    }
}

/// Completion component: 100 × done / tasks whose deadline is before the as-of
/// date; 100 when none is.
pub(crate) fn completion_component(past_deadline: u32, done_of_those: u32) -> f64 {
    if past_deadline == 0 {
        100.0
    } else {
        100.0 * f64::from(done_of_those) / f64::from(past_deadline)
    }
}

/// Reporting component: 100 with no due task; else (100 on time, 60 late,
/// 0 no accepted form) × due tasks reported / due tasks.
pub(crate) fn reporting_component(due: u32, reported_due: u32, reported: bool, late: bool) -> f64 {
    if due == 0 {
        return 100.0;
    }
    let base = match (reported, late) {
        (false, _) => 0.0,
        (true, true) => 60.0,
        (true, false) => 100.0,
    };
    base * f64::from(reported_due.min(due)) / f64::from(due)
}

/// Quality component: `max(0, 100 − 10 × errors − 2 × warnings)` over the
/// unit's forms; 0 when it had due tasks and sent no accepted form.
pub(crate) fn quality_component(errors: u32, warnings: u32, sent_nothing_due: bool) -> f64 {
    if sent_nothing_due {
        return 0.0;
    }
    (100.0 - 10.0 * f64::from(errors) - 2.0 * f64::from(warnings)).max(0.0)
}

/// Weighted mean of the four components with weights normalised to sum 1
/// (negative weights count as 0; all zero → plain mean).
pub(crate) fn base_score(
    w: &ScoreWeights,
    progress: f64,
    completion: f64,
    reporting: f64,
    quality: f64,
) -> f64 {
    let ws = [w.progress, w.completion, w.reporting, w.quality].map(|x| x.max(0.0));
    let vs = [progress, completion, reporting, quality];
    let total: f64 = ws.iter().sum();
    if total <= 0.0 {
        return vs.iter().sum::<f64>() / 4.0;
    }
    ws.iter().zip(vs).map(|(w, v)| w * v).sum::<f64>() / total
}

/// Points deducted for one card.
pub(crate) fn deduction(w: &ScoreWeights, card: Option<Card>) -> f64 {
    match card {
        Some(Card::Red) => w.deduct_red,
        Some(Card::Orange) => w.deduct_orange,
        Some(Card::Yellow) => w.deduct_yellow,
        Some(Card::Blue) => w.deduct_blue,
        None => 0.0,
    }
}

/// Weighted mean of the evaluations present (weights renormalised over them).
/// None when none is present or their weights sum to 0.
pub(crate) fn evaluation_average(w: &ScoreWeights, e: &Evaluation) -> Option<f64> {
    let pairs = [
        (w.eval_self, e.self_eval),
        (w.eval_team, e.team),
        (w.eval_public, e.public),
        (w.eval_leader, e.leader),
    ];
    let (mut sum, mut total) = (0.0, 0.0);
    for (wt, v) in pairs {
        if let Some(v) = v {
            let wt = wt.max(0.0);
            sum += wt * v.clamp(0.0, 100.0);
            total += wt;
        }
    }
    (total > 0.0).then(|| sum / total)
}

/// Competition ranks (1, 2, 2, 4) of `scores`, higher first, in input order.
pub(crate) fn competition_ranks(scores: &[f64]) -> Vec<u32> {
    scores
        .iter()
        .map(|s| 1 + scores.iter().filter(|o| *o > s).count() as u32)
        .collect()
}
