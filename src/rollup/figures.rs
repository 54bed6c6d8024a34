//! The figures of a span from its periods' snapshots: per unit, per task,
//! per leader. Pure: the same periods give the same roll-up.

use std::collections::HashMap;

use super::model::*;
use super::read::{SpanArchive, UsedPeriod};
use super::span::Span;
use crate::config::Preset;
use crate::report::documents::Wording;
use crate::score::rank::{competition_ranks, round2};
use crate::score::standing;
use crate::store::snapshot::{PeriodSnapshot, UnitSnap};

/// A unit's standing in one period as the roll-up reads it: the recorded
/// figures, or for a version-1 snapshot (which did not record them) what
/// can be told from its tasks and scores.
fn unit_period(
    snap: &PeriodSnapshot,
    u: &UnitSnap,
    bottom3: bool,
    wording: &Wording,
    preset: Preset,
) -> UnitPeriod {
    let (due, reported, late) = if snap.schema_version < 2 {
        let mine = snap.tasks.iter().filter(|t| t.unit == u.name);
        let due = mine.clone().count() as u32;
        let reported = mine.clone().any(|t| t.status.is_some());
        (due, reported, false)
    } else {
        (u.due, u.reported, u.late)
    };
    let rules = wording.rules(snap.preset.unwrap_or(preset));
    UnitPeriod {
        period: snap.period,
        due,
        reported,
        late: reported && late,
        not_reported: due > 0 && !reported,
        card: u.card,
        score: u.score,
        rank: u.rank,
        bottom3,
        interview: bottom3 || u.card.is_some_and(|c| rules.card_interview(c).is_some()),
    }
}

/// 后三位 of each unit of a snapshot: as recorded, or for a version-1
/// snapshot by the current rule on the period's scores (ranked units of
/// each category).
fn bottoms(snap: &PeriodSnapshot) -> Vec<bool> {
    if snap.schema_version >= 2 {
        return snap.units.iter().map(|u| u.bottom3).collect();
    }
    let mut out = vec![false; snap.units.len()];
    let mut by_cat: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, u) in snap.units.iter().enumerate() {
        if u.rank > 0 {
            by_cat.entry(u.category.as_str()).or_default().push(i);
        }
    }
    for idx in by_cat.values() {
        let scores: Vec<f64> = idx.iter().map(|&i| round2(snap.units[i].score)).collect();
        let marks = standing::marks(&scores, &vec![false; scores.len()]);
        for (&i, (_, bottom)) in idx.iter().zip(marks) {
            out[i] = bottom;
        }
    }
    out
}

/// Per unit over the used periods, before ranking.
pub(super) fn units(used: &[UsedPeriod], wording: &Wording, preset: Preset) -> Vec<UnitRollup> {
    let mut order: Vec<String> = Vec::new();
    let mut by_name: HashMap<String, UnitRollup> = HashMap::new();
    for p in used {
        let snap = &p.snapshot;
        for (u, bottom3) in snap.units.iter().zip(bottoms(snap)) {
            let entry = by_name.entry(u.name.clone()).or_insert_with(|| {
                order.push(u.name.clone());
                empty_unit(&u.name)
            });
            entry.category = u.category.clone();
            let up = unit_period(snap, u, bottom3, wording, preset);
            if up.due > 0 {
                entry.periods_due += 1;
                if up.reported && !up.late {
                    entry.on_time += 1;
                }
            }
            entry.late += u32::from(up.late);
            entry.not_reported += u32::from(up.not_reported);
            if let Some(c) = up.card {
                entry.cards.add(c);
            }
            entry.bottom3_count += u32::from(up.bottom3);
            entry.interviews += u32::from(up.interview);
            entry.periods.push(up);
        }
    }
    order
        .into_iter()
        .filter_map(|n| by_name.remove(&n))
        .map(|mut u| {
            let scored: Vec<f64> = u
                .periods
                .iter()
                .filter(|p| p.due > 0)
                .map(|p| p.score)
                .collect();
            u.mean_score =
                (!scored.is_empty()).then(|| scored.iter().sum::<f64>() / scored.len() as f64);
            u
        })
        .collect()
}

fn empty_unit(name: &str) -> UnitRollup {
    UnitRollup {
        name: name.to_string(),
        category: String::new(),
        periods: Vec::new(),
        periods_due: 0,
        on_time: 0,
        late: 0,
        not_reported: 0,
        cards: CardTally::default(),
        bottom3_count: 0,
        interviews: 0,
        mean_score: None,
        rank: 0,
        rank_change: None,
        annual: None,
    }
}

/// Competition ranks within category of `score(u)` (2 decimals, higher
/// first); units without a score get 0.
pub(super) fn rank_by(
    units: &[UnitRollup],
    score: impl Fn(&UnitRollup) -> Option<f64>,
) -> Vec<u32> {
    let mut ranks = vec![0; units.len()];
    let mut by_cat: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, u) in units.iter().enumerate() {
        if score(u).is_some() {
            by_cat.entry(u.category.as_str()).or_default().push(i);
        }
    }
    for idx in by_cat.values() {
        let scores: Vec<f64> = idx
            .iter()
            .filter_map(|&i| score(&units[i]).map(round2))
            .collect();
        for (&i, r) in idx.iter().zip(competition_ranks(&scores)) {
            ranks[i] = r;
        }
    }
    ranks
}

/// Units in their listing order: category (in order of first appearance),
/// then rank (unranked last), then name.
pub(super) fn sort_units(units: &mut [UnitRollup]) {
    let mut cats: Vec<String> = Vec::new();
    for u in units.iter() {
        if !cats.contains(&u.category) {
            cats.push(u.category.clone());
        }
    }
    let cat_at = |c: &str| cats.iter().position(|x| x == c).unwrap_or(usize::MAX);
    units.sort_by(|a, b| {
        (cat_at(&a.category), a.rank == 0, a.rank, &a.name).cmp(&(
            cat_at(&b.category),
            b.rank == 0,
            b.rank,
            &b.name,
        ))
    });
}

/// Per task over the used periods, in the latest period's order (tasks
/// no longer listed after those).
pub(super) fn tasks(used: &[UsedPeriod]) -> Vec<TaskRollup> {
    let mut order: Vec<&str> = Vec::new();
    for p in used.iter().rev() {
        for t in &p.snapshot.tasks {
            if !order.contains(&t.id.as_str()) {
                order.push(&t.id);
            }
        }
    }
    let mut by_id: HashMap<&str, TaskRollup> = HashMap::new();
    for p in used {
        let snap = &p.snapshot;
        let closed: HashMap<&str, crate::period::Period> = snap.closed_tasks().collect();
        for t in &snap.tasks {
            let e = by_id.entry(&t.id).or_insert_with(|| TaskRollup {
                id: t.id.clone(),
                unit: String::new(),
                title: String::new(),
                group: None,
                leader: String::new(),
                stars: 0,
                periods: Vec::new(),
                final_status: None,
                final_actual: None,
                closed_period: None,
            });
            e.unit = t.unit.clone();
            if !t.title.is_empty() {
                e.title = t.title.clone();
            }
            if t.group.is_some() {
                e.group = t.group.clone();
            }
            if !t.leader.is_empty() {
                e.leader = t.leader.clone();
            }
            if t.stars > 0 {
                e.stars = t.stars;
            }
            if t.status.is_some() {
                e.final_status = t.status;
                e.final_actual = t.actual;
            }
            let closed_in = closed.get(t.id.as_str()).copied();
            if closed_in.is_some() {
                e.closed_period = closed_in;
            }
            e.periods.push(TaskPeriod {
                period: snap.period,
                due: t.due,
                reported: t.reported || t.status.is_some(),
                status: t.status,
                actual: t.actual,
                planned: t.planned,
                card: t.card,
                progress: t.progress.clone(),
                closed: closed_in.is_some(),
            });
        }
    }
    order
        .into_iter()
        .filter_map(|id| by_id.remove(id))
        .collect()
}

/// Per lead leader over the used periods (in order of first appearance).
pub(super) fn leaders(used: &[UsedPeriod]) -> Vec<LeaderRollup> {
    let mut out: Vec<LeaderRollup> = Vec::new();
    for p in used {
        for l in &p.snapshot.leaders {
            let i = match out.iter().position(|x| x.name == l.name) {
                Some(i) => i,
                None => {
                    out.push(LeaderRollup {
                        name: l.name.clone(),
                        periods: Vec::new(),
                        blue: 0,
                        red: 0,
                    });
                    out.len() - 1
                }
            };
            let e = &mut out[i];
            match l.mark {
                Some(crate::score::LeaderMark::Blue) => e.blue += 1,
                Some(crate::score::LeaderMark::Red) => e.red += 1,
                None => {}
            }
            e.periods.push(LeaderPeriod {
                period: p.snapshot.period,
                tasks: l.tasks,
                done: l.done,
                overdue: l.overdue,
                mark: l.mark,
            });
        }
    }
    out
}

/// The periods used, as listed.
pub(super) fn periods_used(read: &SpanArchive) -> Vec<PeriodUsed> {
    read.used
        .iter()
        .map(|p| PeriodUsed {
            period: p.period(),
            round: p.round,
            as_of: p.snapshot.as_of,
            preset: p.snapshot.preset,
        })
        .collect()
}

/// `prev − now` for two ranks, when both are ranked.
pub(super) fn rank_change(prev: u32, now: u32) -> Option<i32> {
    (prev > 0 && now > 0).then(|| prev as i32 - now as i32)
}

/// The span's units ranked by mean score, with the change against `previous`.
pub(super) fn rank_units(units: &mut [UnitRollup], previous: Option<&Rollup>, span: &Span) {
    let ranks = rank_by(units, |u| {
        if span.is_year() {
            u.annual.as_ref().map(|a| a.score)
        } else {
            u.mean_score
        }
    });
    for (u, r) in units.iter_mut().zip(ranks) {
        u.rank = r;
        u.rank_change = previous
            .and_then(|p| p.unit(&u.name))
            .and_then(|p| rank_change(p.rank, r));
    }
}
