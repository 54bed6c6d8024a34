//! Stage 4 — score (考核评价): planned progress (序时进度), lag, cards (亮牌),
//! unit scores and rankings, per-leader figures and reminders. Pure: no I/O.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::config::Config;
use crate::history::History;
use crate::merge::Merged;
use crate::model::{Card, Ledger, Status, Task};
use crate::period::Period;
use crate::validate::Report;

/// One task's result for the period (a row of 台账汇总 and of JSON `tasks`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskResult {
    pub id: String,
    pub title: String,
    pub source: String,
    pub stars: u8,
    pub leader: String,
    /// Lead unit (牵头单位): reports and is scored.
    pub unit: String,
    pub coop_units: Vec<String>,
    pub owner: String,
    pub start: Option<NaiveDate>,
    /// Effective deadline (完成时限, or 交办日期 + 5 working days).
    pub deadline: Option<NaiveDate>,
    /// True when the deadline was derived from 交办日期.
    pub deadline_derived: bool,
    /// Expected in this period's forms (star cadence).
    pub due: bool,
    /// A valid report was accepted this period.
    pub reported: bool,
    /// Latest valid status: this period's report, else None.
    pub status: Option<Status>,
    /// Reported percent, None when nothing valid was reported.
    pub actual: Option<f64>,
    /// Planned progress at the as-of date, 0–100.
    pub planned: f64,
    /// planned − actual in points (None without an actual).
    pub lag: Option<f64>,
    pub done: bool,
    pub overdue: bool,
    pub near_deadline: bool,
    /// Days from the as-of date to the deadline (negative when past).
    pub days_left: Option<i64>,
    /// Percent reported in the previous period, if any.
    pub prev_actual: Option<f64>,
    pub card: Option<Card>,
    /// Chinese reasons with the figures that fired each card rule.
    pub reasons: Vec<String>,
    pub report: Option<Report>,
}

/// Count of cards by color.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CardCounts {
    pub red: u32,
    pub orange: u32,
    pub yellow: u32,
    pub blue: u32,
}

impl CardCounts {
    pub fn add(&mut self, c: Option<Card>) {
        match c {
            Some(Card::Red) => self.red += 1,
            Some(Card::Orange) => self.orange += 1,
            Some(Card::Yellow) => self.yellow += 1,
            Some(Card::Blue) => self.blue += 1,
            None => {}
        }
    }
    pub fn total(&self) -> u32 {
        self.red + self.orange + self.yellow + self.blue
    }
}

/// The components of a unit's score, each 0–100 before weighting.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct ScoreParts {
    pub progress: f64,
    pub completion: f64,
    pub reporting: f64,
    pub quality: f64,
    /// Weighted sum of the four components (0–100).
    pub base: f64,
    /// Points deducted for cards.
    pub deduction: f64,
    /// Weighted average of the 评价 sheet's evaluations, when used.
    pub evaluation: Option<f64>,
}

/// One unit's result (a row of 单位排名 and of JSON `units`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitResult {
    pub name: String,
    pub category: String,
    /// Tasks the unit leads.
    pub tasks: u32,
    /// Of which due this period.
    pub due: u32,
    pub done: u32,
    /// Tasks behind plan (lag > 0, not done).
    pub behind: u32,
    pub reported: bool,
    pub late: bool,
    pub parts: ScoreParts,
    /// 0–100, rounded to 2 decimals once at the end.
    pub score: f64,
    /// Competition rank within the category (1, 2, 2, 4).
    pub rank: u32,
    pub prev_rank: Option<u32>,
    /// prev_rank − rank (positive = moved up).
    pub rank_change: Option<i32>,
    pub top3: bool,
    pub bottom3: bool,
    /// The most severe of its tasks' cards and its own.
    pub card: Option<Card>,
    /// Reasons for the unit's own card (late/missing reports, form errors, orange twice …).
    pub reasons: Vec<String>,
    pub cards: CardCounts,
}

/// 蓝红双色标注 of a lead leader (seed 004).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LeaderMark {
    Red,
    Blue,
}

/// Per lead leader (领导分管, 督事督人).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeaderResult {
    pub name: String,
    pub units: Vec<String>,
    pub tasks: u32,
    pub done: u32,
    pub behind: u32,
    pub overdue: u32,
    pub cards: CardCounts,
    pub mark: Option<LeaderMark>,
    pub mark_reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderKind {
    /// Due to report this period by star cadence (提示管理).
    Cadence,
    NearDeadline,
    Overdue,
}

/// One line of 督办提示.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reminder {
    pub kind: ReminderKind,
    pub task: String,
    pub title: String,
    pub unit: String,
    pub leader: String,
    pub stars: u8,
    pub deadline: Option<NaiveDate>,
    pub days_left: Option<i64>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Scored {
    /// In ledger order.
    pub tasks: Vec<TaskResult>,
    /// Sorted by category, then rank, then name.
    pub units: Vec<UnitResult>,
    /// Sorted by name.
    pub leaders: Vec<LeaderResult>,
    /// Overdue first, then near deadline, then cadence; by deadline, then id.
    pub reminders: Vec<Reminder>,
}

pub struct ScoreInput<'a> {
    pub ledger: &'a Ledger,
    pub period: Period,
    pub as_of: NaiveDate,
    pub config: &'a Config,
    pub calendar: &'a Calendar,
    pub merged: &'a Merged,
    pub history: &'a History,
}

/// Planned progress (序时进度) of a task at `as_of`: piecewise-linear through
/// its milestones, from 0% at its start to 100% at its deadline.
pub fn planned_progress(task: &Task, cal: &Calendar, as_of: NaiveDate) -> f64 {
    let _ = (task, cal, as_of);
    todo!("score::planned_progress")
}

/// Score the period.
pub fn score(input: &ScoreInput) -> Scored {
    let _ = input;
    todo!("score::score")
}
