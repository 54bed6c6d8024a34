//! The roll-up of a span: what the terminal, the JSON, the 晒单 workbook and
//! the span's 通报 all show. Figures are kept at full precision (the JSON
//! rounds them to 2 decimals, as the monthly summary does).

use chrono::NaiveDate;

use super::span::Span;
use crate::config::Preset;
use crate::model::{Card, Status};
use crate::period::Period;
use crate::score::LeaderMark;

/// Everything a roll-up found for one span.
#[derive(Debug, Clone, PartialEq)]
pub struct Rollup {
    pub span: Span,
    /// The periods added up, in order, with the round read.
    pub periods_used: Vec<PeriodUsed>,
    /// Months of the span never archived.
    pub periods_missing: Vec<Period>,
    /// Every round used was checked against its `SHA256SUMS`; false with
    /// `--no-verify` (every output must then say 未校验).
    pub verified: bool,
    /// What the clerk should know (periods of another kind, older
    /// snapshots, where the evaluations came from …), in Chinese.
    pub notes: Vec<String>,
    /// The previous span of the same kind, when any of it is archived
    /// (rank changes and 连续两年后三位 compare against it).
    pub previous: Option<Span>,
    /// Per unit, by category then rank.
    pub units: Vec<UnitRollup>,
    /// Per task, in ledger order of the latest period.
    pub tasks: Vec<TaskRollup>,
    /// Per lead leader.
    pub leaders: Vec<LeaderRollup>,
    /// For a year: how the annual score was worked out (None otherwise).
    pub annual_rules: Option<AnnualRules>,
}

/// A period added up.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodUsed {
    pub period: Period,
    /// The latest round, the one read.
    pub round: u32,
    pub as_of: NaiveDate,
    /// Its card rules (None: an older snapshot that did not record them;
    /// the current preset is assumed).
    pub preset: Option<Preset>,
}

/// Periods in which a unit's own card was each colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CardTally {
    pub red: u32,
    pub orange: u32,
    pub yellow: u32,
    pub blue: u32,
}

impl CardTally {
    pub fn add(&mut self, card: Card) {
        match card {
            Card::Red => self.red += 1,
            Card::Orange => self.orange += 1,
            Card::Yellow => self.yellow += 1,
            Card::Blue => self.blue += 1,
        }
    }
}

/// A unit in one period of the span (what that period's results said).
#[derive(Debug, Clone, PartialEq)]
pub struct UnitPeriod {
    pub period: Period,
    /// Its tasks due in the period.
    pub due: u32,
    /// An accepted form.
    pub reported: bool,
    /// Its accepted form came after the deadline.
    pub late: bool,
    /// Tasks due and no accepted form.
    pub not_reported: bool,
    /// The unit's card that period (`units[].card`).
    pub card: Option<Card>,
    pub score: f64,
    /// Rank in category (0: unranked).
    pub rank: u32,
    pub bottom3: bool,
    /// To be called in (约谈): 后三位, or a card that calls for it under the
    /// period's preset.
    pub interview: bool,
}

/// One unit over the span.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitRollup {
    pub name: String,
    /// As the latest period had it.
    pub category: String,
    /// Every used period the unit appears in, in order.
    pub periods: Vec<UnitPeriod>,
    /// Periods in which it had tasks due.
    pub periods_due: u32,
    /// Periods with tasks due, an accepted form, on time.
    pub on_time: u32,
    /// Periods its accepted form was late.
    pub late: u32,
    /// Periods with tasks due and no accepted form.
    pub not_reported: u32,
    pub cards: CardTally,
    pub bottom3_count: u32,
    pub interviews: u32,
    /// Mean of its period scores over the periods it had tasks due (None: none).
    pub mean_score: Option<f64>,
    /// Rank in category: by mean score, for a year by annual score
    /// (competition ranking on the 2-decimal figure; 0 = unranked).
    pub rank: u32,
    /// Previous span's rank − this rank (positive = up); None when either is unranked.
    pub rank_change: Option<i32>,
    /// For a year: the 年度考评.
    pub annual: Option<Annual>,
}

/// How the annual score was worked out (`[annual]` and `[score]`).
#[derive(Debug, Clone, PartialEq)]
pub struct AnnualRules {
    /// Share of the evaluation in the annual score (0–1).
    pub evaluation_share: f64,
    /// Points per late period.
    pub deduct_late: f64,
    /// Points per period with tasks due and no accepted form.
    pub deduct_unreported: f64,
    /// Where the 评价 sheet came from (the ledger's path), None when it
    /// could not be read or has none: then no evaluation is blended.
    pub evaluations_from: Option<String>,
}

/// A unit's 年度考评, every component kept so a clerk can redo it:
/// `score = clamp((1 − k)·period_mean + k·evaluation − deduction, 0, 100)`
/// (without an evaluation `k` counts as 0), rounded to 2 decimals;
/// `deduction = late × deduct_late + not_reported × deduct_unreported`.
#[derive(Debug, Clone, PartialEq)]
pub struct Annual {
    /// Mean of the period scores (= `mean_score`).
    pub period_mean: f64,
    /// Periods averaged.
    pub periods_scored: u32,
    /// Weighted 评价 average (None: no 评价 for the unit, or share 0).
    pub evaluation: Option<f64>,
    /// The share applied (0 without an evaluation).
    pub evaluation_share: f64,
    /// `(1 − k)·period_mean + k·evaluation`.
    pub blended: f64,
    pub late_periods: u32,
    pub unreported_periods: u32,
    /// 落实不力 points taken off.
    pub deduction: f64,
    /// The annual score (2 decimals).
    pub score: f64,
    /// Rank in category by annual score.
    pub rank: u32,
    /// In the category's 后三位 by annual score.
    pub bottom3: bool,
    /// Last year's 后三位 (None: last year not archived or the unit not in it).
    pub bottom3_last_year: Option<bool>,
    /// 连续两年后三位.
    pub bottom3_two_years: bool,
}

/// A task in one period of the span.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskPeriod {
    pub period: Period,
    pub due: bool,
    pub reported: bool,
    pub status: Option<Status>,
    pub actual: Option<f64>,
    pub planned: Option<f64>,
    /// The task's card that period.
    pub card: Option<Card>,
    /// 进展情况 as reported.
    pub progress: String,
    /// Closed (销号) by the end of the period.
    pub closed: bool,
}

/// One task over the span.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskRollup {
    pub id: String,
    /// Lead unit (as the latest period had it).
    pub unit: String,
    pub title: String,
    pub group: Option<String>,
    pub leader: String,
    pub stars: u8,
    /// Every used period the task appears in, in order.
    pub periods: Vec<TaskPeriod>,
    /// The last status reported in the span.
    pub final_status: Option<Status>,
    /// The last percent reported in the span.
    pub final_actual: Option<f64>,
    /// The period it was closed (销号) in, if by the end of the span.
    pub closed_period: Option<Period>,
}

/// A lead leader in one period.
#[derive(Debug, Clone, PartialEq)]
pub struct LeaderPeriod {
    pub period: Period,
    pub tasks: u32,
    pub done: u32,
    pub overdue: u32,
    pub mark: Option<LeaderMark>,
}

/// One lead leader over the span (蓝红双色标注).
#[derive(Debug, Clone, PartialEq)]
pub struct LeaderRollup {
    pub name: String,
    pub periods: Vec<LeaderPeriod>,
    /// Periods marked blue.
    pub blue: u32,
    /// Periods marked red.
    pub red: u32,
}

impl Rollup {
    /// The categories in the order units are listed.
    pub fn categories(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for u in &self.units {
            if !out.contains(&u.category.as_str()) {
                out.push(&u.category);
            }
        }
        out
    }

    /// The units of a category, by rank (unranked last).
    pub fn units_in<'a>(&'a self, category: &'a str) -> impl Iterator<Item = &'a UnitRollup> + 'a {
        self.units.iter().filter(move |u| u.category == category)
    }

    pub fn unit(&self, name: &str) -> Option<&UnitRollup> {
        self.units.iter().find(|u| u.name == name)
    }
}
