//! The roll-up's machine-readable summary (`duban rollup --json`). A public
//! contract like the monthly summary: fields are only ever added. Figures
//! are rounded to 2 decimals as the monthly summary rounds them.

use serde::Serialize;

use super::model::*;
use crate::model::{Card, Status};
use crate::report::documents::DocumentEntry;
use crate::score::rank::round2;
use crate::score::LeaderMark;

/// The whole summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RollupSummary {
    /// `2026-Q4`, `2026-H2` or `2026`.
    pub span: String,
    /// `2026年第四季度` ….
    pub label: String,
    /// Periods added up (`"2026-10"`), in order.
    pub periods_used: Vec<String>,
    /// The round read of each (the latest), in the order of `periods_used`.
    pub rounds: Vec<u32>,
    /// Months of the span never archived (`"2026-10"`).
    pub periods_missing: Vec<String>,
    /// Every period used was checked against its SHA256SUMS (false: `--no-verify`).
    pub verified: bool,
    /// The previous span compared against (rank changes), null when none is archived.
    pub previous: Option<String>,
    /// What the clerk should know, in Chinese.
    pub notes: Vec<String>,
    pub units: Vec<UnitEntry>,
    pub tasks: Vec<TaskEntry>,
    pub leaders: Vec<LeaderEntry>,
    /// For a year: the annual formula's settings (null otherwise).
    pub annual_rules: Option<AnnualRulesEntry>,
    /// Documents written (the span's 通报), as in the monthly summary.
    pub documents: Vec<DocumentEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CardsEntry {
    pub red: u32,
    pub orange: u32,
    pub yellow: u32,
    pub blue: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitEntry {
    pub name: String,
    pub category: String,
    pub periods_due: u32,
    pub on_time: u32,
    pub late: u32,
    pub not_reported: u32,
    pub cards: CardsEntry,
    pub bottom3_count: u32,
    pub interviews: u32,
    pub mean_score: Option<f64>,
    pub rank: u32,
    pub rank_change: Option<i32>,
    pub annual: Option<AnnualEntry>,
    /// Per period: what that period's results said.
    pub periods: Vec<UnitPeriodEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitPeriodEntry {
    pub period: String,
    pub due: u32,
    pub reported: bool,
    pub late: bool,
    pub not_reported: bool,
    pub card: Option<Card>,
    pub score: f64,
    pub rank: u32,
    pub bottom3: bool,
    pub interview: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnnualEntry {
    /// The annual score.
    pub score: f64,
    /// The weighted 评价 average blended in (null: none).
    pub evaluation: Option<f64>,
    /// 落实不力 points taken off.
    pub deduction: f64,
    pub period_mean: f64,
    pub periods_scored: u32,
    pub evaluation_share: f64,
    pub blended: f64,
    pub late_periods: u32,
    pub unreported_periods: u32,
    pub rank: u32,
    pub bottom3: bool,
    pub bottom3_last_year: Option<bool>,
    pub bottom3_two_years: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnnualRulesEntry {
    pub annual_evaluation_share: f64,
    pub deduct_late: f64,
    pub deduct_unreported: f64,
    /// The ledger the 评价 sheet was read from (null: none, nothing blended).
    pub evaluations_from: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskEntry {
    pub id: String,
    pub unit: String,
    pub title: String,
    pub group: Option<String>,
    pub leader: String,
    pub stars: u8,
    pub periods: Vec<TaskPeriodEntry>,
    pub final_status: Option<Status>,
    pub final_actual: Option<f64>,
    pub closed_period: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskPeriodEntry {
    pub period: String,
    pub due: bool,
    pub reported: bool,
    pub status: Option<Status>,
    pub actual: Option<f64>,
    pub planned: Option<f64>,
    pub card: Option<Card>,
    pub progress: String,
    pub closed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeaderEntry {
    pub name: String,
    pub blue: u32,
    pub red: u32,
    pub periods: Vec<LeaderPeriodEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeaderPeriodEntry {
    pub period: String,
    pub tasks: u32,
    pub done: u32,
    pub overdue: u32,
    pub mark: Option<LeaderMark>,
}

impl RollupSummary {
    pub fn of(r: &Rollup, documents: Vec<DocumentEntry>) -> RollupSummary {
        RollupSummary {
            span: r.span.to_string(),
            label: r.span.label(),
            periods_used: r
                .periods_used
                .iter()
                .map(|p| p.period.to_string())
                .collect(),
            rounds: r.periods_used.iter().map(|p| p.round).collect(),
            periods_missing: r.periods_missing.iter().map(|p| p.to_string()).collect(),
            verified: r.verified,
            previous: r.previous.map(|s| s.to_string()),
            notes: r.notes.clone(),
            units: r.units.iter().map(unit).collect(),
            tasks: r.tasks.iter().map(task).collect(),
            leaders: r.leaders.iter().map(leader).collect(),
            annual_rules: r.annual_rules.as_ref().map(|a| AnnualRulesEntry {
                annual_evaluation_share: a.evaluation_share,
                deduct_late: a.deduct_late,
                deduct_unreported: a.deduct_unreported,
                evaluations_from: a.evaluations_from.clone(),
            }),
            documents,
        }
    }

    /// Pretty JSON and a newline into `w`.
    pub fn write_to(&self, mut w: impl std::io::Write) -> std::io::Result<()> {
        serde_json::to_writer_pretty(&mut w, self)?;
        w.write_all(b"\n")?;
        w.flush()
    }
}

fn unit(u: &UnitRollup) -> UnitEntry {
    let c = &u.cards;
    UnitEntry {
        name: u.name.clone(),
        category: u.category.clone(),
        periods_due: u.periods_due,
        on_time: u.on_time,
        late: u.late,
        not_reported: u.not_reported,
        cards: CardsEntry {
            red: c.red,
            orange: c.orange,
            yellow: c.yellow,
            blue: c.blue,
        },
        bottom3_count: u.bottom3_count,
        interviews: u.interviews,
        mean_score: u.mean_score.map(round2),
        rank: u.rank,
        rank_change: u.rank_change,
        annual: u.annual.as_ref().map(|a| AnnualEntry {
            score: round2(a.score),
            evaluation: a.evaluation.map(round2),
            deduction: round2(a.deduction),
            period_mean: round2(a.period_mean),
            periods_scored: a.periods_scored,
            evaluation_share: a.evaluation_share,
            blended: round2(a.blended),
            late_periods: a.late_periods,
            unreported_periods: a.unreported_periods,
            rank: a.rank,
            bottom3: a.bottom3,
            bottom3_last_year: a.bottom3_last_year,
            bottom3_two_years: a.bottom3_two_years,
        }),
        periods: u
            .periods
            .iter()
            .map(|p| UnitPeriodEntry {
                period: p.period.to_string(),
                due: p.due,
                reported: p.reported,
                late: p.late,
                not_reported: p.not_reported,
                card: p.card,
                score: round2(p.score),
                rank: p.rank,
                bottom3: p.bottom3,
                interview: p.interview,
            })
            .collect(),
    }
}

fn task(t: &TaskRollup) -> TaskEntry {
    TaskEntry {
        id: t.id.clone(),
        unit: t.unit.clone(),
        title: t.title.clone(),
        group: t.group.clone(),
        leader: t.leader.clone(),
        stars: t.stars,
        periods: t
            .periods
            .iter()
            .map(|p| TaskPeriodEntry {
                period: p.period.to_string(),
                due: p.due,
                reported: p.reported,
                status: p.status,
                actual: p.actual.map(round2),
                planned: p.planned.map(round2),
                card: p.card,
                progress: p.progress.clone(),
                closed: p.closed,
            })
            .collect(),
        final_status: t.final_status,
        final_actual: t.final_actual.map(round2),
        closed_period: t.closed_period.map(|p| p.to_string()),
    }
}

fn leader(l: &LeaderRollup) -> LeaderEntry {
    LeaderEntry {
        name: l.name.clone(),
        blue: l.blue,
        red: l.red,
        periods: l
            .periods
            .iter()
            .map(|p| LeaderPeriodEntry {
                period: p.period.to_string(),
                tasks: p.tasks,
                done: p.done,
                overdue: p.overdue,
                mark: p.mark,
            })
            .collect(),
    }
}
