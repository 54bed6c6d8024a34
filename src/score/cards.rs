//! The card rules engine (亮牌). Each rule is a plain function returning the
//! card it fires and a Chinese reason with the figures; a task's (or unit's)
//! card is the most severe fired, and every fired reason is kept.
//!
//! `red-yellow-blue` (default; `[rules.red_yellow_blue]`), per task:
//!
//! | card | rule | default |
//! |---|---|---|
//! | red | not done and lag ≥ `red_lag` | 30 |
//! | red | past deadline and not done | — |
//! | red | percent lowered by more than `red_lowered` points against the last reported one | 5 |
//! | red | carded this period and in each of the last `red_repeat_periods` − 1 history periods, with no gain since the first of them | 3 |
//! | yellow | status 未启动 and planned ≥ `yellow_planned` | 20 |
//! | blue | not done, started (正在办理 or percent > 0) and lag > `blue_lag` | 10 |
//!
//! `yellow-orange-red` (`[rules.yellow_orange_red]`):
//!
//! | card | of | rule | default |
//! |---|---|---|---|
//! | orange | task | not done and lag > `orange_lag` | 15 |
//! | orange | task | past deadline and not done | — |
//! | yellow | unit | due tasks and no accepted form | — |
//! | yellow | unit | its accepted form came after the reporting deadline | — |
//! | yellow | unit | reported, but some due tasks missing | — |
//! | yellow | unit | ≥ `yellow_form_errors` error issues in its forms (0 disables) | 1 |
//! | red | unit | orange this period, and orange periods this calendar year (earlier snapshots of the same year with unit card orange or red, plus this one) ≥ `red_orange_count` | 2 |
//!
//! A unit's card is the most severe of its tasks' cards and its own.

use chrono::NaiveDate;

use crate::config::{RedYellowBlue, YellowOrangeRed};
use crate::merge::Submission;
use crate::model::{Card, Status};
use crate::period::Period;
use crate::store::history::TaskSnap;

/// What a task rule may look at.
#[derive(Debug, Clone)]
pub(crate) struct TaskFacts<'a> {
    /// The task, for its `Debug` form (no rule looks at it).
    #[allow(dead_code)]
    pub(crate) id: &'a str,
    pub(crate) status: Option<Status>,
    pub(crate) actual: Option<f64>,
    pub(crate) planned: f64,
    pub(crate) lag: Option<f64>,
    pub(crate) done: bool,
    pub(crate) overdue: bool,
    pub(crate) deadline: Option<NaiveDate>,
    pub(crate) days_left: Option<i64>,
    pub(crate) prev_actual: Option<f64>,
    /// The task in each earlier period, newest first (None where that
    /// period's snapshot does not list it, or its cards were given under
    /// another preset).
    pub(crate) past: Vec<Option<&'a TaskSnap>>,
}

/// A fired rule: the card and why.
pub(crate) type Fired = (Card, String);

/// A task rule of a preset.
pub(crate) type TaskRule<C> = fn(&TaskFacts, &C) -> Option<Fired>;

/// Format a number without needless decimals: 35 → "35", 12.5 → "12.5",
/// 10.014 → "10.01" (at most 2 decimals).
pub(crate) fn fmt_num(x: f64) -> String {
    crate::value::fmt_decimals(x, 2)
}

/// Run task `rules` and keep every fired one, in rule order.
pub(crate) fn run_task_rules<C>(facts: &TaskFacts, cfg: &C, rules: &[TaskRule<C>]) -> Vec<Fired> {
    rules.iter().filter_map(|r| r(facts, cfg)).collect()
}

/// Run unit `rules` and keep every fired one, in rule order.
pub(crate) fn run_unit_rules<C>(facts: &UnitFacts, cfg: &C, rules: &[UnitRule<C>]) -> Vec<Fired> {
    rules.iter().filter_map(|r| r(facts, cfg)).collect()
}

/// The most severe card of a list of fired rules.
pub(crate) fn most_severe(fired: &[Fired]) -> Option<Card> {
    fired.iter().fold(None, |acc, f| Card::max(acc, Some(f.0)))
}

fn lag_figures(f: &TaskFacts) -> Option<(f64, f64)> {
    Some((f.actual?, f.lag?))
}

// ---------------------------------------------------------------- red-yellow-blue

/// Red: lag ≥ `red_lag` (not done).
pub(crate) fn ryb_red_lag(f: &TaskFacts, c: &RedYellowBlue) -> Option<Fired> {
    let (actual, lag) = lag_figures(f)?;
    (!f.done && lag >= c.red_lag).then(|| {
        (
            Card::Red,
            format!(
                "序时进度{}%，实际{}%，滞后{}个百分点（≥{}），严重滞后",
                fmt_num(f.planned),
                fmt_num(actual),
                fmt_num(lag),
                fmt_num(c.red_lag)
            ),
        )
    })
}

fn overdue_reason(f: &TaskFacts) -> Option<String> {
    if !f.overdue {
        return None;
    }
    let d = f.deadline?;
    Some(format!(
        "已超过完成时限（{}）{}天仍未完成",
        d.format("%Y-%m-%d"),
        -f.days_left.unwrap_or(0)
    ))
}

/// Red: past the deadline and not done.
pub(crate) fn ryb_red_overdue(f: &TaskFacts, _: &RedYellowBlue) -> Option<Fired> {
    overdue_reason(f).map(|r| (Card::Red, r))
}

/// Red: progress lowered by more than `red_lowered` points against the last
/// reported percent (谎报进度).
pub(crate) fn ryb_red_lowered(f: &TaskFacts, c: &RedYellowBlue) -> Option<Fired> {
    let (prev, now) = (f.prev_actual?, f.actual?);
    let drop = prev - now;
    (drop > c.red_lowered).then(|| {
        (
            Card::Red,
            format!(
                "完成进度由上期{}%降至{}%，下降{}个百分点（>{}，疑似谎报进度）",
                fmt_num(prev),
                fmt_num(now),
                fmt_num(drop),
                fmt_num(c.red_lowered)
            ),
        )
    })
}

/// Yellow: still 未启动 while planned progress reached `yellow_planned`.
pub(crate) fn ryb_yellow_not_started(f: &TaskFacts, c: &RedYellowBlue) -> Option<Fired> {
    (f.status == Some(Status::NotStarted) && f.planned >= c.yellow_planned).then(|| {
        (
            Card::Yellow,
            format!(
                "仍未启动，序时进度已达{}%（≥{}%）",
                fmt_num(f.planned),
                fmt_num(c.yellow_planned)
            ),
        )
    })
}

/// Blue: started (正在办理, or a percent above 0) and lag > `blue_lag`.
pub(crate) fn ryb_blue_behind(f: &TaskFacts, c: &RedYellowBlue) -> Option<Fired> {
    let (actual, lag) = lag_figures(f)?;
    let started = f.status == Some(Status::InProgress) || actual > 0.0;
    (!f.done && started && lag > c.blue_lag).then(|| {
        (
            Card::Blue,
            format!(
                "已启动但进度缓慢：序时进度{}%，实际{}%，滞后{}个百分点（>{}）",
                fmt_num(f.planned),
                fmt_num(actual),
                fmt_num(lag),
                fmt_num(c.blue_lag)
            ),
        )
    })
}

/// The first-pass rules of `red-yellow-blue`, most severe first.
pub(crate) const RYB_RULES: [TaskRule<RedYellowBlue>; 5] = [
    ryb_red_lag,
    ryb_red_overdue,
    ryb_red_lowered,
    ryb_yellow_not_started,
    ryb_blue_behind,
];

/// Second pass of `red-yellow-blue` (多次督办无果): with N = `red_repeat_periods`
/// (values below 2 disable the rule), red when the task is carded this period
/// (by the first pass) and in each of the last N − 1 history periods, and its
/// percent now (this period's, else the last reported, else 0) is not above
/// its percent in the oldest of those N − 1 periods (missing = 0).
pub(crate) fn ryb_red_repeat(f: &TaskFacts, c: &RedYellowBlue, carded_now: bool) -> Option<Fired> {
    let n = c.red_repeat_periods as usize;
    if n < 2 || !carded_now || f.past.len() < n - 1 {
        return None;
    }
    let window = &f.past[..n - 1];
    if !window
        .iter()
        .all(|t| matches!(t, Some(s) if s.card.is_some()))
    {
        return None;
    }
    let oldest = window.last()?.and_then(|t| t.actual).unwrap_or(0.0);
    let now = f.actual.or(f.prev_actual).unwrap_or(0.0);
    (now <= oldest).then(|| {
        (
            Card::Red,
            format!(
                "连续{}期亮牌且进度无提升（{}%→{}%，多次督办无果）",
                n,
                fmt_num(oldest),
                fmt_num(now)
            ),
        )
    })
}

/// Card rules of `red-yellow-blue` for one task: first pass, then the repeat rule.
pub(crate) fn ryb_task(f: &TaskFacts, c: &RedYellowBlue) -> Vec<Fired> {
    let mut fired = run_task_rules(f, c, &RYB_RULES);
    if let Some(r) = ryb_red_repeat(f, c, !fired.is_empty()) {
        fired.push(r);
    }
    fired
}

// ---------------------------------------------------------------- yellow-orange-red

/// Orange (进展缓慢): lag > `orange_lag` (not done).
pub(crate) fn yor_orange_lag(f: &TaskFacts, c: &YellowOrangeRed) -> Option<Fired> {
    let (actual, lag) = lag_figures(f)?;
    (!f.done && lag > c.orange_lag).then(|| {
        (
            Card::Orange,
            format!(
                "进展缓慢：序时进度{}%，实际{}%，滞后{}个百分点（>{}）",
                fmt_num(f.planned),
                fmt_num(actual),
                fmt_num(lag),
                fmt_num(c.orange_lag)
            ),
        )
    })
}

/// Orange: past the deadline and not done (the slowest progress there is).
pub(crate) fn yor_orange_overdue(f: &TaskFacts, _: &YellowOrangeRed) -> Option<Fired> {
    overdue_reason(f).map(|r| (Card::Orange, r))
}

/// Task rules of `yellow-orange-red`.
pub(crate) const YOR_TASK_RULES: [TaskRule<YellowOrangeRed>; 2] =
    [yor_orange_lag, yor_orange_overdue];

/// What a unit rule may look at.
#[derive(Debug, Clone)]
pub(crate) struct UnitFacts<'a> {
    /// The unit, for its `Debug` form (no rule looks at it).
    #[allow(dead_code)]
    pub(crate) name: &'a str,
    pub(crate) period: Period,
    /// Due tasks this period.
    pub(crate) due: u32,
    /// Due tasks with no accepted report, in ledger order.
    pub(crate) missing: Vec<String>,
    pub(crate) submission: Option<&'a Submission>,
    /// At least one of its tasks got orange this period.
    pub(crate) orange_now: bool,
    /// (year of the period, the unit's card) of each earlier period, newest first.
    pub(crate) past_cards: Vec<(i32, Option<Card>)>,
}

impl UnitFacts<'_> {
    fn reported(&self) -> bool {
        self.submission.is_some_and(|s| s.reported)
    }
}

/// A unit rule of a preset.
pub(crate) type UnitRule<C> = fn(&UnitFacts, &C) -> Option<Fired>;

/// Yellow: due tasks but no accepted form at all (材料不及时).
pub(crate) fn yor_yellow_not_reported(u: &UnitFacts, _: &YellowOrangeRed) -> Option<Fired> {
    (u.due > 0 && !u.reported()).then(|| {
        (
            Card::Yellow,
            format!("本期应报{}项，未报送有效报表（上报材料不及时）", u.due),
        )
    })
}

/// Yellow: its accepted form came after the reporting deadline.
pub(crate) fn yor_yellow_late(u: &UnitFacts, _: &YellowOrangeRed) -> Option<Fired> {
    (u.reported() && u.submission.is_some_and(|s| s.late))
        .then(|| (Card::Yellow, "逾期报送（上报材料不及时）".to_string()))
}

/// Yellow: reported, but some due tasks are missing from its forms.
pub(crate) fn yor_yellow_missing(u: &UnitFacts, _: &YellowOrangeRed) -> Option<Fired> {
    (u.reported() && !u.missing.is_empty()).then(|| {
        (
            Card::Yellow,
            format!(
                "本期应报未报{}项（{}）",
                u.missing.len(),
                u.missing.join("、")
            ),
        )
    })
}

/// Yellow: its forms had at least `yellow_form_errors` error issues (0 disables).
pub(crate) fn yor_yellow_form_errors(u: &UnitFacts, c: &YellowOrangeRed) -> Option<Fired> {
    let errors = u.submission.map_or(0, |s| s.errors);
    (c.yellow_form_errors > 0 && errors >= c.yellow_form_errors).then(|| {
        (
            Card::Yellow,
            format!(
                "报表有{}处错误（≥{}），报送材料质量不高、台账不规范",
                errors, c.yellow_form_errors
            ),
        )
    })
}

/// Red: orange this period, and the count of orange periods in the calendar
/// year (earlier snapshots of the same year whose unit card was orange or red,
/// plus this one) reached `red_orange_count`.
pub(crate) fn yor_red_orange_count(u: &UnitFacts, c: &YellowOrangeRed) -> Option<Fired> {
    if !u.orange_now {
        return None;
    }
    let earlier = u
        .past_cards
        .iter()
        .filter(|(year, card)| {
            *year == u.period.year && matches!(card, Some(Card::Orange | Card::Red))
        })
        .count() as u32;
    let count = earlier + 1;
    (count >= c.red_orange_count.max(1)).then(|| {
        (
            Card::Red,
            format!(
                "{}年内第{}次亮橙牌（≥{}次）",
                u.period.year, count, c.red_orange_count
            ),
        )
    })
}

/// Unit rules of `yellow-orange-red`, most severe first.
pub(crate) const YOR_UNIT_RULES: [UnitRule<YellowOrangeRed>; 5] = [
    yor_red_orange_count,
    yor_yellow_not_reported,
    yor_yellow_late,
    yor_yellow_missing,
    yor_yellow_form_errors,
];
