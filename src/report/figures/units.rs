//! Per unit and per category: the ranking with each unit's standing, rank
//! change, deduction and score written out; cards by category; planned
//! against actual progress by unit (the overview's charts).

use std::collections::BTreeMap;

use super::labels::{rank_change, round1, standing};
use super::scoring::{deduction_detail, score_formula};
use crate::config::ScoreWeights;
use crate::model::Unit;
use crate::score::{CardCounts, TaskResult, UnitResult};

/// Category of a task whose lead unit is in no category.
pub(crate) use crate::schema::NO_CATEGORY;

/// One unit's row of the ranking.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct UnitFigures<'r> {
    pub(crate) unit: &'r UnitResult,
    /// `前三位`, `后三位（约谈）`, or for a unit ranked 1–3 that may not be
    /// top, why (`不列前三位（逾期报送）`); empty otherwise.
    pub(crate) standing: String,
    /// `↑2`, `↓1` or `—`.
    pub(crate) rank_change: String,
    /// How the card deduction adds up (`红牌1项×10 + 蓝牌2项×1 = 12`).
    pub(crate) deduction: String,
    /// The score written out with the unit's own figures (two or three lines).
    pub(crate) formula: String,
}

/// The ranking, in the order of `units` (category, rank, name).
pub(crate) fn ranking<'r>(w: &ScoreWeights, units: &'r [UnitResult]) -> Vec<UnitFigures<'r>> {
    units
        .iter()
        .map(|u| UnitFigures {
            unit: u,
            standing: standing_text(u),
            rank_change: rank_change(u.rank_change),
            deduction: deduction_detail(w, u),
            formula: score_formula(w, u),
        })
        .collect()
}

/// The 标注 of a unit: its mark, or why a unit ranked 1–3 is not 前三位.
fn standing_text(u: &UnitResult) -> String {
    let mark = standing(u.top3, u.bottom3);
    if mark.is_empty() && (1..=3).contains(&u.rank) && !u.not_top3.is_empty() {
        format!("不列前三位（{}）", u.not_top3.join("、"))
    } else {
        mark.to_string()
    }
}

/// A category: its units in ranking order and the cards of their tasks.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Category<'r> {
    pub(crate) name: &'r str,
    /// Ranked units of the category, best first.
    pub(crate) units: Vec<&'r UnitResult>,
    /// Cards of the tasks led by units of the category.
    pub(crate) cards: CardCounts,
}

/// Every category by name: those of the ranked units, and of the tasks'
/// lead units ([`NO_CATEGORY`] for a unit found in neither the ledger nor
/// the ranking).
pub(crate) fn categories<'r>(
    ledger_units: &'r [Unit],
    units: &'r [UnitResult],
    tasks: &'r [TaskResult],
) -> Vec<Category<'r>> {
    // The ranking's category wins over the ledger's.
    let cat_of: BTreeMap<&str, &str> = ledger_units
        .iter()
        .map(|u| (u.name.as_str(), u.category.as_str()))
        .chain(units.iter().map(|u| (u.name.as_str(), u.category.as_str())))
        .collect();
    let mut by_cat: BTreeMap<&str, Category> = BTreeMap::new();
    fn entry<'m, 'r>(
        m: &'m mut BTreeMap<&'r str, Category<'r>>,
        name: &'r str,
    ) -> &'m mut Category<'r> {
        m.entry(name).or_insert_with(|| Category {
            name,
            units: Vec::new(),
            cards: CardCounts::default(),
        })
    }
    for u in units {
        entry(&mut by_cat, &u.category).units.push(u);
    }
    for t in tasks {
        let cat = cat_of.get(t.unit.as_str()).copied().unwrap_or(NO_CATEGORY);
        entry(&mut by_cat, cat).cards.add(t.card);
    }
    by_cat.into_values().collect()
}

/// A unit's average planned and actual progress (points, one decimal),
/// both over the same tasks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct UnitProgress<'r> {
    pub(crate) unit: &'r str,
    /// Tasks averaged: done, reported this period, or due this period.
    pub(crate) tasks: u32,
    /// Average planned progress of those tasks.
    pub(crate) planned: f64,
    /// Average actual progress of the same tasks: the reported percent; 100
    /// for a task done earlier; 0 for a due task not reported.
    pub(crate) actual: f64,
    /// `planned − actual`, one decimal.
    pub(crate) lag: f64,
}

/// What the chart's averages count (its title says so).
pub(crate) const PROGRESS_BASIS: &str = "本期应报、已报及已完成事项平均，应报未报的按0计";

/// A task's (planned, actual) in its unit's averages — the tasks the
/// progress score counts: done (100 unless reported), reported, or due and
/// not reported (0); None for a task neither due, reported nor done.
fn progress_point(t: &TaskResult) -> Option<(f64, f64)> {
    let actual = match t.actual {
        Some(a) => a,
        None if t.done => 100.0,
        None if t.due => 0.0,
        None => return None,
    };
    Some((t.planned, actual))
}

/// Planned against actual progress of every ranked unit, the most lagging
/// first (then by name).
pub(crate) fn progress<'r>(units: &'r [UnitResult], tasks: &[TaskResult]) -> Vec<UnitProgress<'r>> {
    // (planned sum, actual sum, task count) per unit.
    let mut sums: BTreeMap<&str, (f64, f64, u32)> = BTreeMap::new();
    for t in tasks {
        if let Some((p, a)) = progress_point(t) {
            let e = sums.entry(t.unit.as_str()).or_default();
            e.0 += p;
            e.1 += a;
            e.2 += 1;
        }
    }
    let avg = |sum: f64, n: u32| if n == 0 { 0.0 } else { sum / n as f64 };
    let mut v: Vec<UnitProgress> = units
        .iter()
        .map(|u| {
            let (p, a, n) = sums.get(u.name.as_str()).copied().unwrap_or_default();
            let (planned, actual) = (round1(avg(p, n)), round1(avg(a, n)));
            UnitProgress {
                unit: &u.name,
                tasks: n,
                planned,
                actual,
                lag: round1(planned - actual),
            }
        })
        .collect();
    v.sort_by(|a, b| {
        (b.planned - b.actual)
            .total_cmp(&(a.planned - a.actual))
            .then_with(|| a.unit.cmp(b.unit))
    });
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Card;
    use crate::report::figures::testdata::{carded, task, unit};

    fn ledger_unit(name: &str, category: &str) -> Unit {
        Unit {
            name: name.into(),
            code: None,
            category: category.into(),
            aliases: vec![],
            contact: String::new(),
            phone: String::new(),
        }
    }

    #[test]
    fn ranking_rows_carry_standing_change_and_working() {
        let mut a = unit("甲", "区直部门", 1);
        a.top3 = true;
        a.rank_change = Some(2);
        let mut b = unit("乙", "区直部门", 2);
        b.bottom3 = true;
        b.rank_change = Some(-1);
        let units = [a, b];
        let w = ScoreWeights::default();
        let rows = ranking(&w, &units);
        assert_eq!(rows[0].standing, "前三位");
        assert_eq!(rows[0].rank_change, "↑2");
        assert_eq!(rows[1].standing, "后三位（约谈）");
        assert_eq!(rows[1].rank_change, "↓1");
        assert_eq!(rows[1].deduction, "无亮牌，不扣分");
        // Ranked third but late: the 标注 says why it is not 前三位.
        let mut c = unit("丙", "区直部门", 3);
        c.not_top3 = vec!["逾期报送".into(), "亮红牌".into()];
        let mut d = unit("丁", "区直部门", 4);
        d.not_top3 = vec!["逾期报送".into()];
        let units = [c, d];
        let rows = ranking(&w, &units);
        assert_eq!(rows[0].standing, "不列前三位（逾期报送、亮红牌）");
        assert_eq!(rows[1].standing, "");
        assert!(
            rows[1].formula.starts_with("基础分=(0.00×40"),
            "{}",
            rows[1].formula
        );
    }

    #[test]
    fn cards_are_counted_by_category() {
        let ledger = [
            ledger_unit("甲", "区直部门"),
            ledger_unit("乙", "乡镇街道"),
            // The ranking says otherwise: the ranking wins.
            ledger_unit("丙", "乡镇街道"),
        ];
        let units = [
            unit("丙", "区直部门", 1),
            unit("甲", "区直部门", 2),
            unit("丁", "开发区", 1),
        ];
        let tasks = [
            carded("A", "甲", Card::Red, None),
            carded("B", "丙", Card::Blue, None),
            carded("C", "乙", Card::Yellow, None),
            task("D", "乙"),
            carded("E", "戊", Card::Orange, None),
        ];
        let cats = categories(&ledger, &units, &tasks);
        let names: Vec<&str> = cats.iter().map(|c| c.name).collect();
        assert_eq!(names, vec!["乡镇街道", "区直部门", "开发区", NO_CATEGORY]);
        let counts = |c: &Category| [c.cards.red, c.cards.orange, c.cards.yellow, c.cards.blue];
        assert_eq!(counts(&cats[0]), [0, 0, 1, 0]);
        assert_eq!(counts(&cats[1]), [1, 0, 0, 1]);
        assert_eq!(counts(&cats[2]), [0, 0, 0, 0]);
        assert_eq!(counts(&cats[3]), [0, 1, 0, 0]);
        let ranked: Vec<&str> = cats[1].units.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(ranked, vec!["丙", "甲"]);
        assert!(cats[0].units.is_empty());
    }

    /// Issue 15 §11: planned and actual over the same tasks — a due task
    /// nobody reported counts 0 actual, not left out of actual alone.
    #[test]
    fn progress_is_averaged_per_unit_most_lagging_first() {
        let units = [
            unit("甲", "区直部门", 1),
            unit("乙", "区直部门", 2),
            unit("丙", "区直部门", 3),
            unit("丁", "区直部门", 4),
        ];
        let t = |id: &str, u: &str, planned: f64, actual: Option<f64>, due: bool| TaskResult {
            planned,
            actual,
            due,
            reported: actual.is_some(),
            ..task(id, u)
        };
        let done = TaskResult {
            done: true,
            ..t("F", "丙", 80.0, None, false)
        };
        let tasks = [
            t("A", "甲", 50.0, Some(40.0), true),
            // Due, not reported: 0 actual (today's chart left it out of actual only).
            t("B", "甲", 60.0, None, true),
            t("C", "乙", 33.32, Some(10.0), true),
            t("D", "乙", 33.34, Some(12.0), true),
            // Neither due nor reported nor done: in neither average.
            t("G", "乙", 90.0, None, false),
            t("E", "丙", 20.0, Some(30.0), true),
            // Done last quarter, not reported now: 100.
            done,
            // 丁 leads no task: nothing planned, nothing done.
        ];
        let p = progress(&units, &tasks);
        let rows: Vec<(&str, u32, f64, f64, f64)> = p
            .iter()
            .map(|x| (x.unit, x.tasks, x.planned, x.actual, x.lag))
            .collect();
        assert_eq!(
            rows,
            vec![
                ("甲", 2, 55.0, 20.0, 35.0),
                ("乙", 2, 33.3, 11.0, 22.3),
                ("丁", 0, 0.0, 0.0, 0.0),
                ("丙", 2, 50.0, 65.0, -15.0),
            ]
        );
    }
}
