//! Stage 4 — score (考核评价): planned progress (序时进度), lag, cards (亮牌),
//! unit scores and rankings, per-leader figures and reminders. Pure: no I/O,
//! deterministic (same inputs, same output).
//!
//! # Per task
//!
//! * `planned` — see [`plan::planned_progress`]; `lag = planned − actual`
//!   (None without an accepted report this period).
//! * `done` — status 已完成/已落实 this period; a task not reported this period
//!   keeps the last status history has for it (a 3★ task finished last quarter
//!   stays done in the months between reports).
//! * `overdue` — not done and deadline < as-of; `near_deadline` — not done and
//!   0 ≤ days left ≤ `near_deadline_days` (7).
//! * `prev_actual` — the most recent earlier percent history has for the task.
//! * `due` — expected this period ([`crate::due`]: star cadence, or overdue /
//!   near the deadline and not done before), the same list the merge used.
//! * A due task with no accepted report gets no card from missing data; its
//!   `reasons` say `本期应报未报`, it scores 0 in the progress component and
//!   lowers the reporting component (under `yellow-orange-red` it also makes
//!   its unit yellow). Past its deadline it is still red/orange for overdue.
//!
//! * `closed_period` — see [`crate::closing`]: a task closed (销号) before
//!   this period is not due, never carded and counts as done (progress 100,
//!   completion done); a task accepted as 已完成/已落实 at 100% this period
//!   closes now (scored as usual this period, off the next forms).
//!
//! # Cards — see [`cards`]
//!
//! History rules (repeat cards, orange twice in a year) count only the cards
//! of earlier periods run under the current preset: a red under
//! red-yellow-blue is not an orange (a snapshot that does not record its
//! preset counts). Lowered progress, done status and rank change use every
//! earlier period.
//!
//! # Unit score (0–100)
//!
//! Four components, each 0–100:
//!
//! * **progress** — star-weighted mean (weight 3/4/5) over the unit's lead
//!   tasks of: 100 if done; `min(100, actual / planned × 100)` if reported
//!   (100 when planned is 0); 0 if due and not reported; tasks neither due nor
//!   reported are left out. 100 when no task counts.
//! * **completion** — `100 × done / tasks whose deadline is before the as-of
//!   date`; 100 when there is none.
//! * **reporting** — 100 when nothing is due; else (100 on time, 60 late, 0 no
//!   accepted form) × reported due tasks / due tasks.
//! * **quality** — `max(0, 100 − 10 × error issues − 2 × warnings)` of the
//!   unit's forms; 0 when it had due tasks and no accepted form.
//!
//! `base = Σ wᵢ·componentᵢ / Σ wᵢ` with `[score]` weights progress 40,
//! completion 20, reporting 20, quality 20 (normalised; negative → 0).
//! `deduction` = Σ over its tasks' cards + its own card (red 10, orange 6,
//! yellow 3, blue 1). `s = clamp(base − deduction, 0, 100)`.
//! With `evaluation_share` = k > 0 and the unit on the 评价 sheet:
//! `s = (1 − k)·s + k·E`, E = mean of the evaluations present weighted by
//! eval_self 0.1, eval_team 0.3, eval_public 0.3, eval_leader 0.3
//! (renormalised over those present). Full precision throughout; the score is
//! rounded once to 2 decimals at the end.
//!
//! # Ranking
//!
//! Within category (`未分类` when blank), on the 2-decimal score the clerk sees:
//! competition ranking (1, 2, 2, 4). 前三位 and 后三位（约谈）: see
//! [`standing`] — at most min(3, ⌊n/2⌋) each (ties together within ⌊n/2⌋),
//! never both; the bottom are the lowest scores, the top the highest among
//! units that reported every due task on time with no orange or red card.
//! Units leading no task are listed with rank 0 (unranked). `rank_change =
//! prev_rank − rank` (positive = up), from the last history snapshot.
//!
//! # Leaders (蓝红双色标注: each lead leader marked blue or red)
//!
//! Red when any of the leader's tasks is red-carded or overdue; blue when none
//! is carded, overdue or due-but-unreported (a lag too small for a card is
//! fine: "behind plan" alone would make blue all but unreachable); otherwise
//! unmarked.
//!
//! # Reminders (督办提示)
//!
//! Overdue tasks, near-deadline tasks, and every not-done task due by its star
//! cadence (5★随时调度, 4★按月提示, 3★按季度提示; a task due only for its
//! deadline has its overdue/near line); sorted overdue, near, cadence, then
//! deadline (none last), then id.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::config::Config;
use crate::due::{DueReason, Expected};
use crate::merge::Merged;
use crate::model::{Card, Ledger, Status, Task};
use crate::period::Period;
use crate::store::history::{History, TaskSnap, UnitSnap};
use crate::validate::Report;

pub(crate) mod cards;
pub(crate) mod plan;
pub(crate) mod rank;
pub(crate) mod standing;

pub(crate) use plan::planned_progress;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::config::{Preset, ScoreWeights};
use crate::merge::Submission;
use cards::{Fired, TaskFacts, UnitFacts};
use rank::ProgressItem;

/// One task's result for the period (a row of 台账汇总 and of JSON `tasks`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct TaskResult {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) source: String,
    pub(crate) stars: u8,
    pub(crate) leader: String,
    /// Lead unit (牵头单位): reports and is scored.
    pub(crate) unit: String,
    pub(crate) coop_units: Vec<String>,
    pub(crate) owner: String,
    pub(crate) start: Option<NaiveDate>,
    /// Effective deadline (完成时限, or 交办日期 + 5 working days).
    pub(crate) deadline: Option<NaiveDate>,
    /// True when the deadline was derived from 交办日期.
    pub(crate) deadline_derived: bool,
    /// Expected in this period's forms ([`crate::due`]: star cadence, or
    /// overdue / near the deadline and not done before).
    pub(crate) due: bool,
    /// Why it is due (None when it is not).
    pub(crate) due_reason: Option<DueReason>,
    /// A valid report was accepted this period.
    pub(crate) reported: bool,
    /// Latest valid status: this period's report, else None.
    pub(crate) status: Option<Status>,
    /// Reported percent, None when nothing valid was reported.
    pub(crate) actual: Option<f64>,
    /// Planned progress at the as-of date, 0–100.
    pub(crate) planned: f64,
    /// planned − actual in points (None without an actual).
    pub(crate) lag: Option<f64>,
    pub(crate) done: bool,
    pub(crate) overdue: bool,
    pub(crate) near_deadline: bool,
    /// Days from the as-of date to the deadline (negative when past).
    pub(crate) days_left: Option<i64>,
    /// Percent reported in the previous period, if any.
    pub(crate) prev_actual: Option<f64>,
    pub(crate) card: Option<Card>,
    /// Chinese reasons with the figures that fired each card rule.
    pub(crate) reasons: Vec<String>,
    /// The accepted report (shared with `Merged::reports`, not a copy).
    pub(crate) report: Option<std::sync::Arc<Report>>,
    /// The period the task was closed (销号) in, when it ends this period
    /// closed: before it (then it was not due, carded or expected), or in it
    /// (accepted as 已完成/已落实 at 100%: off the next forms). See
    /// [`crate::closing`].
    pub(crate) closed_period: Option<Period>,
    /// The task's group (分组) in the ledger, `一、经济发展 / （二）招商引资`.
    #[serde(default)]
    pub(crate) group: Option<String>,
}

impl TaskResult {
    /// Closed (销号) at the end of the period.
    pub(crate) fn closed(&self) -> bool {
        self.closed_period.is_some()
    }
}

/// Count of cards by color.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub(crate) struct CardCounts {
    pub(crate) red: u32,
    pub(crate) orange: u32,
    pub(crate) yellow: u32,
    pub(crate) blue: u32,
}

impl CardCounts {
    pub(crate) fn add(&mut self, c: Option<Card>) {
        match c {
            Some(Card::Red) => self.red += 1,
            Some(Card::Orange) => self.orange += 1,
            Some(Card::Yellow) => self.yellow += 1,
            Some(Card::Blue) => self.blue += 1,
            None => {}
        }
    }
    pub(crate) fn total(&self) -> u32 {
        self.red + self.orange + self.yellow + self.blue
    }
}

/// The components of a unit's score, each 0–100 before weighting.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub(crate) struct ScoreParts {
    pub(crate) progress: f64,
    pub(crate) completion: f64,
    pub(crate) reporting: f64,
    pub(crate) quality: f64,
    /// Weighted sum of the four components (0–100).
    pub(crate) base: f64,
    /// Points deducted for cards.
    pub(crate) deduction: f64,
    /// Weighted average of the 评价 sheet's evaluations, when used.
    pub(crate) evaluation: Option<f64>,
}

/// One unit's result (a row of 单位排名 and of JSON `units`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct UnitResult {
    pub(crate) name: String,
    pub(crate) category: String,
    /// Tasks the unit leads.
    pub(crate) tasks: u32,
    /// Of which due this period.
    pub(crate) due: u32,
    pub(crate) done: u32,
    /// Tasks behind plan (lag > 0, not done).
    pub(crate) behind: u32,
    pub(crate) reported: bool,
    pub(crate) late: bool,
    pub(crate) parts: ScoreParts,
    /// 0–100, rounded to 2 decimals once at the end.
    pub(crate) score: f64,
    /// Competition rank within the category (1, 2, 2, 4), on the 2-decimal
    /// score. 0 = not ranked: the unit leads no task this period's ledger
    /// (it only cooperates), so there is nothing to score it on.
    pub(crate) rank: u32,
    pub(crate) prev_rank: Option<u32>,
    /// prev_rank − rank (positive = moved up).
    pub(crate) rank_change: Option<i32>,
    /// 前三位 of its category (earned: see [`standing`]).
    pub(crate) top3: bool,
    /// 后三位 of its category (called in, 约谈).
    pub(crate) bottom3: bool,
    /// Why it may not be 前三位 this period (empty: it may) — nothing due,
    /// not reported, due tasks missing, late, an orange or red card.
    pub(crate) not_top3: Vec<String>,
    /// The most severe of its tasks' cards and its own.
    pub(crate) card: Option<Card>,
    /// Reasons for the unit's own card (late/missing reports, form errors, orange twice …).
    pub(crate) reasons: Vec<String>,
    pub(crate) cards: CardCounts,
}

/// 蓝红双色标注 of a lead leader: red when one of the leader's tasks is
/// red-carded or overdue, blue when none is carded, overdue or unreported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum LeaderMark {
    Red,
    Blue,
}

/// Per lead leader (领导分管, 督事督人).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct LeaderResult {
    pub(crate) name: String,
    pub(crate) units: Vec<String>,
    pub(crate) tasks: u32,
    pub(crate) done: u32,
    pub(crate) behind: u32,
    pub(crate) overdue: u32,
    pub(crate) cards: CardCounts,
    pub(crate) mark: Option<LeaderMark>,
    pub(crate) mark_reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ReminderKind {
    /// Due to report this period by star cadence (提示管理).
    Cadence,
    NearDeadline,
    Overdue,
}

/// One line of 督办提示.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Reminder {
    pub(crate) kind: ReminderKind,
    pub(crate) task: String,
    pub(crate) title: String,
    pub(crate) unit: String,
    pub(crate) leader: String,
    pub(crate) stars: u8,
    pub(crate) deadline: Option<NaiveDate>,
    pub(crate) days_left: Option<i64>,
    pub(crate) note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub(crate) struct Scored {
    /// In ledger order.
    pub(crate) tasks: Vec<TaskResult>,
    /// Sorted by category, then rank, then name.
    pub(crate) units: Vec<UnitResult>,
    /// Sorted by name.
    pub(crate) leaders: Vec<LeaderResult>,
    /// Overdue first, then near deadline, then cadence; by deadline, then id.
    pub(crate) reminders: Vec<Reminder>,
}

pub(crate) struct ScoreInput<'a> {
    pub(crate) ledger: &'a Ledger,
    pub(crate) period: Period,
    pub(crate) as_of: NaiveDate,
    pub(crate) config: &'a Config,
    pub(crate) calendar: &'a Calendar,
    /// The tasks due this period ([`crate::due`], the merge's too).
    pub(crate) expected: &'a Expected,
    pub(crate) merged: &'a Merged,
    pub(crate) history: &'a History,
}

/// Category of units with none given.
pub(crate) use crate::schema::NO_CATEGORY;
/// Leader name used when a task names none.
pub(crate) const NO_LEADER: &str = "未明确牵头领导";
/// Note on a due task nobody reported (not a card: no figures to judge).
pub(crate) const NOT_REPORTED: &str = "本期应报未报";

/// Earlier periods indexed by task id and unit name, newest first, so the
/// history rules stay linear in the number of tasks.
struct HistIndex<'a> {
    tasks: Vec<HashMap<&'a str, &'a TaskSnap>>,
    units: Vec<HashMap<&'a str, &'a UnitSnap>>,
    years: Vec<i32>,
    /// Whether each period's cards were given under the current preset.
    same_preset: Vec<bool>,
}

impl<'a> HistIndex<'a> {
    fn new(h: &'a History, preset: Preset) -> Self {
        HistIndex {
            same_preset: h.newest_first_under(preset).map(|(_, same)| same).collect(),
            tasks: h
                .newest_first()
                .map(|p| p.tasks.iter().map(|t| (t.id.as_str(), t)).collect())
                .collect(),
            units: h
                .newest_first()
                .map(|p| p.units.iter().map(|u| (u.name.as_str(), u)).collect())
                .collect(),
            years: h.newest_first().map(|p| p.period.year).collect(),
        }
    }

    fn task(&self, id: &str) -> Vec<Option<&'a TaskSnap>> {
        self.tasks.iter().map(|m| m.get(id).copied()).collect()
    }

    /// The task in each earlier period for the card rules: None in a period
    /// carded under another preset (its cards do not count).
    fn task_carded(&self, id: &str) -> Vec<Option<&'a TaskSnap>> {
        self.tasks
            .iter()
            .zip(&self.same_preset)
            .map(|(m, &same)| m.get(id).copied().filter(|_| same))
            .collect()
    }

    /// The unit's card in each earlier period, with its year (no card in a
    /// period carded under another preset).
    fn unit_cards(&self, name: &str) -> Vec<(i32, Option<Card>)> {
        self.units
            .iter()
            .zip(&self.years)
            .zip(&self.same_preset)
            .map(|((m, &y), &same)| (y, m.get(name).and_then(|u| u.card).filter(|_| same)))
            .collect()
    }

    fn prev_rank(&self, name: &str) -> Option<u32> {
        self.units.first()?.get(name).map(|u| u.rank)
    }
}

/// Score the period. Pure and deterministic.
pub(crate) fn score(input: &ScoreInput) -> Scored {
    use rayon::prelude::*;
    let hist = HistIndex::new(input.history, input.config.preset);
    // Each task is scored on its own (in ledger order whatever the threads);
    // units, leaders and reminders are then independent of each other.
    let tasks: Vec<TaskResult> = input
        .ledger
        .tasks
        .par_iter()
        .map(|t| task_result(input, &hist, t))
        .collect();
    let ((units, leaders), reminders) = rayon::join(
        || {
            rayon::join(
                || unit_results(input, &hist, &tasks),
                || leader_results(&tasks),
            )
        },
        || reminders(&tasks),
    );
    Scored {
        tasks,
        units,
        leaders,
        reminders,
    }
}

fn task_result(input: &ScoreInput, hist: &HistIndex, t: &Task) -> TaskResult {
    let cfg = input.config;
    let cal = input.calendar;
    let as_of = input.as_of;
    let report = input.merged.reports.get(t.id.as_str());
    let status = report.map(|r| r.status);
    let actual = report.map(|r| r.percent);
    let deadline = cal.effective_deadline(t);
    let planned = planned_progress(t, cal, as_of);
    let lag = actual.map(|a| planned - a);
    // Done: this period's status; a task not reported this period keeps the
    // last status it was reported with (a 3★ task finished last quarter stays done).
    let past = hist.task(&t.id);
    // A task closed before this period counts as done and is never due.
    let closed_before = input.ledger.closure(&t.id);
    let done = closed_before.is_some()
        || match status {
            Some(s) => s.is_done(),
            None => past
                .iter()
                .flatten()
                .find_map(|s| s.status)
                .is_some_and(Status::is_done),
        };
    let prev_actual = past.iter().flatten().find_map(|s| s.actual);
    let days_left = deadline.map(|d| (d - as_of).num_days());
    let overdue = !done && days_left.is_some_and(|d| d < 0);
    let near_deadline =
        !done && days_left.is_some_and(|d| (0..=i64::from(cfg.near_deadline_days)).contains(&d));
    let due_reason = input.expected.reason(&t.id);
    let due = due_reason.is_some();
    let facts = TaskFacts {
        id: &t.id,
        status,
        actual,
        planned,
        lag,
        done,
        overdue,
        deadline,
        days_left,
        prev_actual,
        past: hist.task_carded(&t.id),
    };
    let fired: Vec<Fired> = match cfg.preset {
        // A closed task is never carded.
        _ if closed_before.is_some() => Vec::new(),
        Preset::RedYellowBlue => cards::ryb_task(&facts, &cfg.rules.red_yellow_blue),
        Preset::YellowOrangeRed => {
            cards::run_task_rules(&facts, &cfg.rules.yellow_orange_red, &cards::YOR_TASK_RULES)
        }
    };
    let card = cards::most_severe(&fired);
    let mut reasons: Vec<String> = fired.into_iter().map(|f| f.1).collect();
    if due && report.is_none() && !done {
        reasons.push(NOT_REPORTED.to_string());
    }
    TaskResult {
        id: t.id.to_string(),
        title: t.title.clone(),
        source: t.source.clone(),
        stars: t.stars,
        leader: t.leader.clone(),
        unit: t.lead_unit.to_string(),
        coop_units: t.coop_units.iter().map(String::from).collect(),
        owner: t.owner.clone(),
        start: cal.effective_start(t),
        deadline,
        deadline_derived: t.deadline.is_none() && deadline.is_some(),
        due,
        due_reason,
        reported: report.is_some(),
        status,
        actual,
        planned,
        lag,
        done,
        overdue,
        near_deadline,
        days_left,
        prev_actual,
        card,
        reasons,
        report: report.cloned(),
        closed_period: crate::closing::closed_period(
            closed_before,
            t.state_mark,
            report.map(|r| (r.status, r.percent)),
            input.period,
        ),
        group: t.group.clone(),
    }
}

fn category_of(c: &str) -> String {
    if c.trim().is_empty() {
        NO_CATEGORY.to_string()
    } else {
        c.trim().to_string()
    }
}

fn unit_results(input: &ScoreInput, hist: &HistIndex, tasks: &[TaskResult]) -> Vec<UnitResult> {
    let mut by_unit: BTreeMap<&str, Vec<&TaskResult>> = BTreeMap::new();
    for t in tasks {
        by_unit.entry(t.unit.as_str()).or_default().push(t);
    }
    let mut units: Vec<UnitResult> = units_to_score(input.ledger, tasks)
        .into_iter()
        .map(|(name, category)| {
            let mine = by_unit.get(name.as_str()).map_or(&[][..], Vec::as_slice);
            unit_result(input, hist, name, category, mine)
        })
        .collect();
    rank_within_categories(&mut units);
    units
}

/// Every unit of the 单位 sheet with its category, plus the lead units only
/// named by tasks (未分类).
fn units_to_score(ledger: &Ledger, tasks: &[TaskResult]) -> Vec<(String, String)> {
    let mut names: Vec<(String, String)> = ledger
        .units
        .iter()
        .map(|u| (u.name.to_string(), category_of(&u.category)))
        .collect();
    let known: BTreeSet<String> = names.iter().map(|n| n.0.clone()).collect();
    let extra: BTreeSet<String> = tasks
        .iter()
        .filter(|t| !t.unit.is_empty() && !known.contains(&t.unit))
        .map(|t| t.unit.clone())
        .collect();
    names.extend(extra.into_iter().map(|n| (n, NO_CATEGORY.to_string())));
    names
}

/// What the tasks a unit leads add up to.
struct TaskTally {
    /// Due this period.
    due: u32,
    /// Due and reported.
    reported_due: u32,
    /// Due, not reported and not done (ids, in ledger order).
    missing: Vec<String>,
    done: u32,
    /// Behind plan (lag > 0) and not done.
    behind: u32,
    cards: CardCounts,
    /// The most severe of the tasks' cards.
    card: Option<Card>,
    /// Points deducted for the tasks' cards.
    deduction: f64,
}

impl TaskTally {
    fn new(w: &ScoreWeights, mine: &[&TaskResult]) -> TaskTally {
        let mut tally = TaskTally {
            due: mine.iter().filter(|t| t.due).count() as u32,
            reported_due: mine.iter().filter(|t| t.due && t.reported).count() as u32,
            missing: mine
                .iter()
                .filter(|t| t.due && !t.reported && !t.done)
                .map(|t| t.id.clone())
                .collect(),
            done: mine.iter().filter(|t| t.done).count() as u32,
            behind: mine
                .iter()
                .filter(|t| !t.done && t.lag.is_some_and(|l| l > 0.0))
                .count() as u32,
            cards: CardCounts::default(),
            card: None,
            deduction: 0.0,
        };
        for t in mine {
            tally.cards.add(t.card);
            tally.card = Card::max(tally.card, t.card);
            tally.deduction += rank::deduction(w, t.card);
        }
        tally
    }
}

/// One unit's figures, score and own card (its rank is set afterwards).
fn unit_result(
    input: &ScoreInput,
    hist: &HistIndex,
    name: String,
    category: String,
    mine: &[&TaskResult],
) -> UnitResult {
    let w = &input.config.score;
    let sub = input.merged.submissions.get(&name);
    let reported = sub.is_some_and(|s| s.reported);
    let late = reported && sub.is_some_and(|s| s.late);
    let tally = TaskTally::new(w, mine);
    let own = unit_card_rules(input, hist, &name, &tally, sub, mine);
    let own_card = cards::most_severe(&own);
    let mut parts = score_components(mine, &tally, sub, reported, late);
    parts.base = rank::base_score(
        w,
        parts.progress,
        parts.completion,
        parts.reporting,
        parts.quality,
    );
    parts.deduction = tally.deduction + rank::deduction(w, own_card);
    parts.evaluation = evaluation_of(input, &name);
    let prev_rank = hist.prev_rank(&name);
    UnitResult {
        category,
        tasks: mine.len() as u32,
        due: tally.due,
        done: tally.done,
        behind: tally.behind,
        reported,
        late,
        score: rank::round2(exact_score(w, &parts)),
        parts,
        rank: 0,
        prev_rank,
        rank_change: None,
        top3: false,
        bottom3: false,
        not_top3: standing::top_bars(
            tally.due,
            tally.missing.len(),
            reported,
            late,
            Card::max(tally.card, own_card),
        ),
        card: Card::max(tally.card, own_card),
        reasons: own.into_iter().map(|f| f.1).collect(),
        cards: tally.cards,
        name,
    }
}

/// The unit's own card rules (yellow-orange-red only: late or missing
/// reports, form errors, orange twice …).
fn unit_card_rules(
    input: &ScoreInput,
    hist: &HistIndex,
    name: &str,
    tally: &TaskTally,
    sub: Option<&Submission>,
    mine: &[&TaskResult],
) -> Vec<Fired> {
    let cfg = input.config;
    match cfg.preset {
        Preset::RedYellowBlue => Vec::new(),
        Preset::YellowOrangeRed => {
            let facts = UnitFacts {
                name,
                period: input.period,
                due: tally.due,
                missing: tally.missing.clone(),
                submission: sub,
                orange_now: mine.iter().any(|t| t.card == Some(Card::Orange)),
                past_cards: hist.unit_cards(name),
            };
            cards::run_unit_rules(&facts, &cfg.rules.yellow_orange_red, &cards::YOR_UNIT_RULES)
        }
    }
}

/// The four components of the unit's score (progress, completion,
/// reporting, quality); base, deduction and evaluation are left at zero.
fn score_components(
    mine: &[&TaskResult],
    tally: &TaskTally,
    sub: Option<&Submission>,
    reported: bool,
    late: bool,
) -> ScoreParts {
    let items: Vec<ProgressItem> = mine
        .iter()
        .map(|t| ProgressItem {
            stars: t.stars,
            done: t.done,
            due: t.due,
            actual: t.actual,
            planned: t.planned,
        })
        .collect();
    let past_deadline: Vec<&&TaskResult> = mine
        .iter()
        .filter(|t| t.days_left.is_some_and(|d| d < 0))
        .collect();
    ScoreParts {
        progress: rank::progress_component(&items),
        completion: rank::completion_component(
            past_deadline.len() as u32,
            past_deadline.iter().filter(|t| t.done).count() as u32,
        ),
        reporting: rank::reporting_component(tally.due, tally.reported_due, reported, late),
        quality: rank::quality_component(
            sub.map_or(0, |s| s.errors),
            sub.map_or(0, |s| s.warnings),
            tally.due > 0 && !reported,
        ),
        ..ScoreParts::default()
    }
}

/// The unit's weighted 评价 average, when evaluations count and it has some.
fn evaluation_of(input: &ScoreInput, name: &str) -> Option<f64> {
    let w = &input.config.score;
    if w.evaluation_share.clamp(0.0, 1.0) > 0.0 {
        input
            .ledger
            .evaluation(name)
            .and_then(|e| rank::evaluation_average(w, e))
    } else {
        None
    }
}

/// The score at full precision: base less deduction (0–100), blended with
/// the evaluation when there is one.
fn exact_score(w: &ScoreWeights, parts: &ScoreParts) -> f64 {
    let exact = (parts.base - parts.deduction).clamp(0.0, 100.0);
    match parts.evaluation {
        Some(ev) => {
            let share = w.evaluation_share.clamp(0.0, 1.0);
            (1.0 - share) * exact + share * ev
        }
        None => exact,
    }
}

/// Rank units within their category on the 2-decimal score the clerk sees
/// (units leading no task stay unranked), then sort by category, rank
/// (unranked last) and name.
fn rank_within_categories(units: &mut [UnitResult]) {
    let mut by_cat: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, u) in units.iter().enumerate() {
        if u.tasks > 0 {
            by_cat.entry(u.category.clone()).or_default().push(i);
        }
    }
    for idx in by_cat.values() {
        let scores: Vec<f64> = idx.iter().map(|&i| units[i].score).collect();
        let may_top: Vec<bool> = idx.iter().map(|&i| units[i].not_top3.is_empty()).collect();
        let ranks = rank::competition_ranks(&scores);
        let marks = standing::marks(&scores, &may_top);
        for ((&i, r), (top, bottom)) in idx.iter().zip(ranks).zip(marks) {
            let u = &mut units[i];
            u.rank = r;
            u.top3 = top;
            u.bottom3 = bottom;
            u.rank_change = u.prev_rank.map(|p| p as i32 - r as i32);
        }
    }
    units.sort_by(|a, b| {
        (a.category.as_str(), a.rank == 0, a.rank, a.name.as_str()).cmp(&(
            b.category.as_str(),
            b.rank == 0,
            b.rank,
            b.name.as_str(),
        ))
    });
}

fn leader_results(tasks: &[TaskResult]) -> Vec<LeaderResult> {
    let mut groups: BTreeMap<String, Vec<&TaskResult>> = BTreeMap::new();
    for t in tasks {
        let name = if t.leader.trim().is_empty() {
            NO_LEADER.to_string()
        } else {
            t.leader.trim().to_string()
        };
        groups.entry(name).or_default().push(t);
    }
    groups
        .into_iter()
        .map(|(name, ts)| {
            let mut cards = CardCounts::default();
            for t in &ts {
                cards.add(t.card);
            }
            let units: Vec<String> = ts
                .iter()
                .map(|t| t.unit.clone())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let done = ts.iter().filter(|t| t.done).count() as u32;
            let behind = ts
                .iter()
                .filter(|t| !t.done && t.lag.is_some_and(|l| l > 0.0))
                .count() as u32;
            let overdue = ts.iter().filter(|t| t.overdue).count() as u32;
            let unreported = ts
                .iter()
                .filter(|t| t.due && !t.reported && !t.done)
                .count() as u32;
            let (mark, mark_reason) =
                leader_mark(ts.len() as u32, cards, behind, overdue, unreported);
            LeaderResult {
                name,
                units,
                tasks: ts.len() as u32,
                done,
                behind,
                overdue,
                cards,
                mark,
                mark_reason,
            }
        })
        .collect()
}

/// 蓝红双色标注: red when any of the leader's tasks is red-carded or
/// overdue; blue when none is carded, overdue or due-but-unreported (a lag
/// too small for a card is fine); otherwise unmarked.
fn leader_mark(
    tasks: u32,
    cards: CardCounts,
    behind: u32,
    overdue: u32,
    unreported: u32,
) -> (Option<LeaderMark>, String) {
    if cards.red > 0 || overdue > 0 {
        let mut parts = Vec::new();
        if cards.red > 0 {
            parts.push(format!("红牌事项{}项", cards.red));
        }
        if overdue > 0 {
            parts.push(format!("超期未完成{}项", overdue));
        }
        return (
            Some(LeaderMark::Red),
            format!("分管事项中{}", parts.join("、")),
        );
    }
    if tasks > 0 && cards.total() == 0 && unreported == 0 {
        let lag = if behind > 0 {
            format!("（{behind}项略滞后于序时进度，未达亮牌标准）")
        } else {
            String::new()
        };
        return (
            Some(LeaderMark::Blue),
            format!("分管事项{tasks}项均无亮牌、无超期、无应报未报{lag}"),
        );
    }
    let mut parts = Vec::new();
    if cards.total() > 0 {
        parts.push(format!("亮牌{}项", cards.total()));
    }
    if unreported > 0 {
        parts.push(format!("应报未报{}项", unreported));
    }
    (None, parts.join("、"))
}

fn cadence_note(stars: u8) -> &'static str {
    match stars {
        s if s >= 5 => "5★随时调度，本期须报送进展",
        4 => "4★按月提示，本期须报送进展",
        _ => "3★按季度提示，本期须报送进展",
    }
}

fn reminders(tasks: &[TaskResult]) -> Vec<Reminder> {
    let mut out = Vec::new();
    for t in tasks {
        let mk = |kind, note: String| Reminder {
            kind,
            task: t.id.clone(),
            title: t.title.clone(),
            unit: t.unit.clone(),
            leader: t.leader.clone(),
            stars: t.stars,
            deadline: t.deadline,
            days_left: t.days_left,
            note,
        };
        if t.overdue {
            out.push(mk(
                ReminderKind::Overdue,
                format!("已超过完成时限{}天仍未完成", -t.days_left.unwrap_or(0)),
            ));
        }
        if t.near_deadline {
            let d = t.days_left.unwrap_or(0);
            let note = if d == 0 {
                "今日到期，请督促按时完成".to_string()
            } else {
                format!("距完成时限还有{}天", d)
            };
            out.push(mk(ReminderKind::NearDeadline, note));
        }
        // Tasks due only for their deadline have their overdue/near line above.
        if t.due_reason == Some(DueReason::Cadence) && !t.done {
            out.push(mk(ReminderKind::Cadence, cadence_note(t.stars).to_string()));
        }
    }
    let order = |k: ReminderKind| match k {
        ReminderKind::Overdue => 0,
        ReminderKind::NearDeadline => 1,
        ReminderKind::Cadence => 2,
    };
    out.sort_by(|a, b| {
        (
            order(a.kind),
            a.deadline.is_none(),
            a.deadline,
            a.task.as_str(),
        )
            .cmp(&(
                order(b.kind),
                b.deadline.is_none(),
                b.deadline,
                b.task.as_str(),
            ))
    });
    out
}

#[cfg(test)]
mod tests;
