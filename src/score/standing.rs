//! 前三位 and 后三位（约谈）within a category (issue 15 §8): the top is
//! earned, the bottom is called in, and the two never overlap.
//!
//! In a category of n ranked units (units leading no task are not ranked):
//!
//! * **How many**: k = min(3, ⌊n/2⌋) each (3 from n = 6; 2 for n = 4 or 5;
//!   1 for n = 2 or 3; none for a single unit). Units tied on the 2-decimal
//!   score are marked together or not at all: a tie group is marked when
//!   fewer than k units are marked before it and, with it, no more than
//!   ⌊n/2⌋ are — otherwise it and everything beyond it stay unmarked (so a
//!   tie can make the marks one more than 3 in a large category, or fewer
//!   than k, never more than ⌊n/2⌋).
//! * **Bottom (后三位, called in for a talk)**: the lowest scores, whatever
//!   the reason.
//! * **Top (前三位)**: the highest scores among the units that may be top —
//!   not bottom, and [`top_bars`] finds nothing against them: they had
//!   tasks due, reported every due task, on time, and carry no orange or red
//!   card. A unit that ranks 1–3 but may not be top is passed over and the
//!   next eligible unit is marked; its 标注 says why.

use crate::model::Card;

/// Why a unit may not be 前三位 this period (empty: it may). `due`: its tasks
/// due this period; `missing`: of those, the ones with no accepted report;
/// `reported`: it sent an accepted form; `late`: after the deadline;
/// `card`: its card (the most severe of its tasks' and its own).
pub(crate) fn top_bars(
    due: u32,
    missing: usize,
    reported: bool,
    late: bool,
    card: Option<Card>,
) -> Vec<String> {
    let mut bars = Vec::new();
    if due == 0 {
        bars.push("本期无应报事项".to_string());
    } else if !reported {
        bars.push("本期未报送".to_string());
    } else if missing > 0 {
        bars.push(format!("应报未报{missing}项"));
    }
    if reported && late {
        bars.push("逾期报送".to_string());
    }
    if matches!(card, Some(Card::Red | Card::Orange)) {
        bars.push(format!("亮{}", card.map_or("", Card::label)));
    }
    bars
}

/// (top, bottom) marks of one category's units, in input order, from their
/// 2-decimal `scores` and whether each `may_top` (no [`top_bars`]).
pub(crate) fn marks(scores: &[f64], may_top: &[bool]) -> Vec<(bool, bool)> {
    let n = scores.len();
    let bottom = pick(scores, &vec![true; n], |a, b| a < b);
    let candidates: Vec<bool> = may_top
        .iter()
        .zip(&bottom)
        .map(|(&may, &bottom)| may && !bottom)
        .collect();
    let top = pick(scores, &candidates, |a, b| a > b);
    top.into_iter().zip(bottom).collect()
}

/// Up to min(3, ⌊n/2⌋) of the `candidates` that come first by `before`
/// (n = all units), whole tie groups only, never more than ⌊n/2⌋.
fn pick(scores: &[f64], candidates: &[bool], before: impl Fn(f64, f64) -> bool) -> Vec<bool> {
    let n = scores.len();
    let (want, cap) = ((n / 2).min(3), n / 2);
    let mut order: Vec<usize> = (0..n).filter(|&i| candidates[i]).collect();
    order.sort_by(|&a, &b| {
        if before(scores[a], scores[b]) {
            std::cmp::Ordering::Less
        } else if before(scores[b], scores[a]) {
            std::cmp::Ordering::Greater
        } else {
            a.cmp(&b)
        }
    });
    let mut marked = vec![false; n];
    let mut taken = 0;
    let mut i = 0;
    while i < order.len() && taken < want {
        let group: Vec<usize> = order[i..]
            .iter()
            .copied()
            .take_while(|&j| scores[j] == scores[order[i]])
            .collect();
        if taken + group.len() > cap {
            break;
        }
        for &j in &group {
            marked[j] = true;
        }
        taken += group.len();
        i += group.len();
    }
    marked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tops_bottoms(scores: &[f64], may: &[bool]) -> (Vec<usize>, Vec<usize>) {
        let m = marks(scores, may);
        let idx = |f: fn(&(bool, bool)) -> bool| {
            m.iter()
                .enumerate()
                .filter(|(_, x)| f(x))
                .map(|(i, _)| i)
                .collect::<Vec<_>>()
        };
        (idx(|x| x.0), idx(|x| x.1))
    }

    #[test]
    fn three_each_from_six_units_half_below() {
        let all = [true; 8];
        let s6 = [90.0, 80.0, 70.0, 60.0, 50.0, 40.0];
        assert_eq!(tops_bottoms(&s6, &all[..6]), (vec![0, 1, 2], vec![3, 4, 5]));
        let s5 = [90.0, 80.0, 70.0, 60.0, 50.0];
        assert_eq!(tops_bottoms(&s5, &all[..5]), (vec![0, 1], vec![3, 4]));
        let s4 = [90.0, 80.0, 70.0, 60.0];
        assert_eq!(tops_bottoms(&s4, &all[..4]), (vec![0, 1], vec![2, 3]));
        assert_eq!(
            tops_bottoms(&[90.0, 80.0, 70.0], &all[..3]),
            (vec![0], vec![2])
        );
        assert_eq!(tops_bottoms(&[90.0, 80.0], &all[..2]), (vec![0], vec![1]));
        assert_eq!(tops_bottoms(&[90.0], &all[..1]), (vec![], vec![]));
        assert_eq!(tops_bottoms(&[], &[]), (vec![], vec![]));
    }

    /// Issue 15 §8: four units, one sent nothing (20 points): it is bottom,
    /// never top, and at most two are marked each way.
    #[test]
    fn a_unit_that_sent_nothing_is_never_top() {
        let scores = [95.0, 20.0, 90.0, 85.0];
        let may = [true, false, true, true];
        assert_eq!(tops_bottoms(&scores, &may), (vec![0, 2], vec![1, 3]));
        // Only the lowest units may be top: top and bottom still never overlap.
        let may = [false, true, false, true];
        assert_eq!(tops_bottoms(&scores, &may), (vec![], vec![1, 3]));
    }

    #[test]
    fn the_next_eligible_unit_takes_an_ineligible_units_place() {
        let scores = [100.0, 95.0, 90.0, 85.0, 80.0, 75.0, 70.0, 10.0];
        let may = [false, true, false, true, true, true, true, false];
        assert_eq!(tops_bottoms(&scores, &may), (vec![1, 3, 4], vec![5, 6, 7]));
    }

    #[test]
    fn ties_are_marked_together_within_half_or_not_at_all() {
        let all = [true; 10];
        // Eight units, two tied for third-lowest: four bottom (≤ 4 = ⌊8/2⌋).
        let s = [100.0, 90.0, 80.0, 70.0, 60.0, 60.0, 50.0, 40.0];
        assert_eq!(
            tops_bottoms(&s, &all[..8]),
            (vec![0, 1, 2], vec![4, 5, 6, 7])
        );
        // Six units, two tied for third-highest: 3 + 2 > ⌊6/2⌋, so only two top.
        let s = [100.0, 90.0, 80.0, 80.0, 50.0, 40.0];
        assert_eq!(tops_bottoms(&s, &all[..6]), (vec![0, 1], vec![4, 5]));
        // All tied: nobody can be told apart, nobody is marked.
        let s = [100.0; 6];
        assert_eq!(tops_bottoms(&s, &all[..6]), (vec![], vec![]));
        // Four silent units of eight, tied at 0: all four called in (⌊8/2⌋).
        let s = [90.0, 85.0, 80.0, 75.0, 0.0, 0.0, 0.0, 0.0];
        assert_eq!(
            tops_bottoms(&s, &all[..8]),
            (vec![0, 1, 2], vec![4, 5, 6, 7])
        );
    }

    #[test]
    fn never_both_never_more_than_half() {
        // Every small score pattern with every eligibility pattern.
        for n in 0..=7usize {
            for code in 0..3usize.pow(n as u32) {
                let scores: Vec<f64> = (0..n)
                    .map(|i| ((code / 3usize.pow(i as u32)) % 3) as f64 * 10.0)
                    .collect();
                for mask in 0..(1u32 << n) {
                    let may: Vec<bool> = (0..n).map(|i| mask & (1 << i) != 0).collect();
                    let m = marks(&scores, &may);
                    let tops = m.iter().filter(|x| x.0).count();
                    let bottoms = m.iter().filter(|x| x.1).count();
                    assert!(tops <= n / 2 && bottoms <= n / 2, "{scores:?} {may:?}");
                    for (i, &(t, b)) in m.iter().enumerate() {
                        assert!(!(t && b), "{scores:?} {may:?}");
                        assert!(!t || may[i], "{scores:?} {may:?}");
                        // A top unit scores at least as much as any bottom one.
                        if t {
                            assert!(m.iter().zip(&scores).all(|(o, s)| !o.1 || *s <= scores[i]));
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn bars_say_why_a_unit_is_not_top() {
        assert!(top_bars(3, 0, true, false, Some(Card::Blue)).is_empty());
        assert!(top_bars(3, 0, true, false, Some(Card::Yellow)).is_empty());
        assert_eq!(top_bars(0, 0, false, false, None), vec!["本期无应报事项"]);
        assert_eq!(top_bars(2, 2, false, false, None), vec!["本期未报送"]);
        assert_eq!(
            top_bars(3, 1, true, true, None),
            vec!["应报未报1项", "逾期报送"]
        );
        assert_eq!(top_bars(3, 0, true, false, Some(Card::Red)), vec!["亮红牌"]);
        assert_eq!(
            top_bars(3, 0, true, false, Some(Card::Orange)),
            vec!["亮橙牌"]
        );
    }
}
