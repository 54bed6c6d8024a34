//! What the documents need of a run, in one serialisable value built from
//! the [`Figures`]: `duban run` keeps it in the archive as `documents.json`,
//! and `duban docs` writes the documents again from it alone (after the
//! wording or the office's details changed), without the returns.
//!
//! Every number in it comes from [`crate::report::figures`], the functions
//! the workbook's sheets use, so the documents and the workbook agree.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::kind::DocKind;
use crate::config::Preset;
use crate::model::{Card, Status};
use crate::period::Period;
use crate::pipeline::RunResult;
use crate::report::figures::{
    behind_or_overdue, on_schedule, round1, unit_cards, Figures, UnitNotice,
};
use crate::report::notices::{notice_title, NOTICES_DIR};
use crate::report::xlsx::UniqueNames;
use crate::score::{CardCounts, LeaderMark, TaskResult, UnitResult};

/// The snapshot's file in `archive/<period>/`.
pub(crate) const SNAPSHOT_FILE: &str = "documents.json";

/// Version of the snapshot's layout; a later duban reads older versions.
pub(crate) const SNAPSHOT_VERSION: u32 = 1;

/// Everything the documents of one period show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Snapshot {
    pub(crate) version: u32,
    pub(crate) period: Period,
    /// The round of the period (2… for 补报 rounds).
    #[serde(default = "crate::store::layout::first_round")]
    pub(crate) round: u32,
    pub(crate) as_of: NaiveDate,
    pub(crate) report_deadline: NaiveDate,
    /// The issue date (成文日期) of the run that made it.
    pub(crate) issue_date: NaiveDate,
    pub(crate) preset: Preset,
    pub(crate) overview: OverviewDoc,
    /// Every unit the ranking lists, in its order (category, rank, name).
    pub(crate) units: Vec<UnitDoc>,
    /// Carded tasks, most severe first (the 亮牌预警 order).
    pub(crate) cards: Vec<TaskDoc>,
    /// Tasks behind plan or overdue (the 通报's attachment).
    pub(crate) behind: Vec<TaskDoc>,
    /// Per lead leader, by name.
    pub(crate) leaders: Vec<LeaderDoc>,
    /// What each carded unit's letters say, in the order of the 单位 sheet.
    pub(crate) letters: Vec<LetterDoc>,
    /// The documents the run wrote, with their numbers (later periods go
    /// on counting from them).
    #[serde(default)]
    pub(crate) issued: Vec<Issued>,
}

/// 一、总体情况 in counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub(crate) struct OverviewDoc {
    /// Units in the ledger.
    pub(crate) units: u32,
    pub(crate) tasks: u32,
    pub(crate) due: u32,
    pub(crate) reported: u32,
    pub(crate) done: u32,
    pub(crate) on_schedule: u32,
    pub(crate) behind: u32,
    pub(crate) overdue: u32,
    pub(crate) near: u32,
    /// Tasks per card.
    pub(crate) task_cards: CardCounts,
    /// Units per card.
    pub(crate) unit_cards: CardCounts,
    /// Units with tasks due.
    pub(crate) units_due: u32,
    pub(crate) units_reported: u32,
    pub(crate) units_on_time: u32,
    /// Units whose return came late.
    pub(crate) late: Vec<String>,
    /// Units with tasks due that sent no valid return.
    pub(crate) missing: Vec<String>,
}

/// A unit of the ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct UnitDoc {
    pub(crate) name: String,
    pub(crate) category: String,
    pub(crate) score: f64,
    /// 0: not ranked (leads no task).
    pub(crate) rank: u32,
    pub(crate) rank_change: Option<i32>,
    pub(crate) top3: bool,
    pub(crate) bottom3: bool,
    pub(crate) card: Option<Card>,
    /// Reasons for the unit's own card.
    pub(crate) reasons: Vec<String>,
}

/// A task as the documents show it (percentages as the workbook shows them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct TaskDoc {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) unit: String,
    pub(crate) leader: String,
    pub(crate) stars: u8,
    pub(crate) status: Option<Status>,
    pub(crate) actual: Option<f64>,
    /// One decimal.
    pub(crate) planned: f64,
    /// One decimal.
    pub(crate) lag: Option<f64>,
    pub(crate) deadline: Option<NaiveDate>,
    pub(crate) overdue: bool,
    pub(crate) card: Option<Card>,
    pub(crate) reasons: Vec<String>,
}

/// A lead leader's tasks (督事督人).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct LeaderDoc {
    pub(crate) name: String,
    pub(crate) units: Vec<String>,
    pub(crate) tasks: u32,
    pub(crate) done: u32,
    pub(crate) behind: u32,
    pub(crate) overdue: u32,
    pub(crate) cards: CardCounts,
    pub(crate) mark: Option<LeaderMark>,
}

/// What one carded unit's letters say.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct LetterDoc {
    /// As on the 单位 sheet.
    pub(crate) unit: String,
    /// The unit's card: the most severe of its tasks' and its own.
    pub(crate) card: Card,
    /// Reasons for its own card (late or missing return, form errors …).
    pub(crate) reasons: Vec<String>,
    /// Its carded tasks, most severe first (lower cards included).
    pub(crate) tasks: Vec<TaskDoc>,
    /// Due tasks it did not report: (id, title).
    pub(crate) missing: Vec<(String, String)>,
    /// It had tasks due and sent no valid return.
    #[serde(default)]
    pub(crate) not_reported: bool,
    /// Its return came after the reporting deadline.
    #[serde(default)]
    pub(crate) late: bool,
    pub(crate) rejected: Vec<RejectedDoc>,
    /// Its 反馈 workbook: (title, path relative to the output folder).
    pub(crate) notice: Option<(String, String)>,
}

/// A rejected row of the unit's return.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct RejectedDoc {
    pub(crate) file: String,
    pub(crate) row: u32,
    pub(crate) task: Option<String>,
    pub(crate) reasons: Vec<String>,
}

/// One document written: its kind, unit and 文号 serial.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Issued {
    pub(crate) kind: DocKind,
    pub(crate) unit: Option<String>,
    /// The N of `〔year〕N号` (letters only).
    pub(crate) number: Option<u32>,
}

impl TaskDoc {
    fn of(t: &TaskResult) -> TaskDoc {
        TaskDoc {
            id: t.id.clone(),
            title: t.title.clone(),
            unit: t.unit.clone(),
            leader: t.leader.clone(),
            stars: t.stars,
            status: t.status,
            actual: t.actual,
            planned: round1(t.planned),
            lag: t.lag.map(round1),
            deadline: t.deadline,
            overdue: t.overdue,
            card: t.card,
            reasons: t.reasons.clone(),
        }
    }
}

impl UnitDoc {
    fn of(u: &UnitResult) -> UnitDoc {
        UnitDoc {
            name: u.name.clone(),
            category: u.category.clone(),
            score: u.score,
            rank: u.rank,
            rank_change: u.rank_change,
            top3: u.top3,
            bottom3: u.bottom3,
            card: u.card,
            reasons: u.reasons.clone(),
        }
    }
}

impl Snapshot {
    /// The snapshot of a run, issued on `issue_date`.
    pub(crate) fn of(r: &RunResult, issue_date: NaiveDate) -> Snapshot {
        let f = Figures::of(r);
        let t = &f.overview.tasks;
        let rep = &f.overview.reporting;
        let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let overview = OverviewDoc {
            units: f.overview.units,
            tasks: t.tasks,
            due: t.due,
            reported: t.reported,
            done: t.done,
            on_schedule: on_schedule(&r.scored.tasks),
            behind: t.behind,
            overdue: t.overdue,
            near: t.near,
            task_cards: t.cards,
            unit_cards: unit_cards(&r.scored.units),
            units_due: rep.due,
            units_reported: rep.reported,
            units_on_time: rep.on_time(),
            late: owned(&rep.late),
            missing: owned(&rep.missing),
        };
        Snapshot {
            version: SNAPSHOT_VERSION,
            period: r.period,
            round: r.round,
            as_of: r.as_of,
            report_deadline: r.report_deadline,
            issue_date,
            preset: r.preset,
            overview,
            units: f.ranking.iter().map(|u| UnitDoc::of(u.unit)).collect(),
            cards: f.alerts.iter().map(|t| TaskDoc::of(t)).collect(),
            behind: behind_or_overdue(&r.scored.tasks)
                .into_iter()
                .map(TaskDoc::of)
                .collect(),
            leaders: f
                .leaders
                .iter()
                .map(|l| {
                    let l = l.leader;
                    LeaderDoc {
                        name: l.name.clone(),
                        units: l.units.clone(),
                        tasks: l.tasks,
                        done: l.done,
                        behind: l.behind,
                        overdue: l.overdue,
                        cards: l.cards,
                        mark: l.mark,
                    }
                })
                .collect(),
            letters: letters(r, &f),
            issued: Vec::new(),
        }
    }

    /// Read `documents.json` from an archived period's folder.
    pub(crate) fn load(dir: &Path) -> Result<Snapshot> {
        let path = dir.join(SNAPSHOT_FILE);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("无法读取 {}", path.display()))?;
        let snap: Snapshot =
            serde_json::from_str(&text).with_context(|| format!("{} 格式有误", path.display()))?;
        if snap.version > SNAPSHOT_VERSION {
            bail!(
                "{} 由更新版本的 duban 生成（格式版本 {}），请升级 duban",
                path.display(),
                snap.version
            );
        }
        Ok(snap)
    }

    /// The units of a category, in ranking order, ranked ones only.
    pub(crate) fn ranked_in<'a>(
        &'a self,
        category: &'a str,
    ) -> impl Iterator<Item = &'a UnitDoc> + 'a {
        self.units
            .iter()
            .filter(move |u| u.category == category && u.rank > 0)
    }

    /// The categories with ranked units, in ranking order.
    pub(crate) fn categories(&self) -> Vec<&str> {
        let mut seen = BTreeSet::new();
        self.units
            .iter()
            .filter(|u| u.rank > 0 && seen.insert(u.category.as_str()))
            .map(|u| u.category.as_str())
            .collect()
    }
}

/// The letters' contents: every unit with a card, in the order of the
/// 单位 sheet (then any unit the ranking has and the sheet has not).
fn letters(r: &RunResult, f: &Figures) -> Vec<LetterDoc> {
    let notices: BTreeMap<&str, &UnitNotice> = f.notices.iter().map(|n| (n.unit, n)).collect();
    let files = notice_files(f);
    let by_name: BTreeMap<&str, &UnitResult> = r
        .scored
        .units
        .iter()
        .map(|u| (u.name.as_str(), u))
        .collect();
    let mut order: Vec<&str> = r.ledger.units.iter().map(|u| u.name.as_str()).collect();
    let listed: BTreeSet<&str> = order.iter().copied().collect();
    order.extend(
        r.scored
            .units
            .iter()
            .map(|u| u.name.as_str())
            .filter(|n| !listed.contains(n)),
    );
    let mut out = Vec::new();
    for name in order {
        let Some(u) = by_name.get(name) else { continue };
        let Some(card) = u.card else { continue };
        let n = notices.get(name);
        out.push(LetterDoc {
            unit: u.name.clone(),
            card,
            reasons: u.reasons.clone(),
            tasks: n
                .map(|n| n.cards.iter().map(|t| TaskDoc::of(t)).collect())
                .unwrap_or_default(),
            missing: n
                .map(|n| {
                    n.missing
                        .iter()
                        .map(|t| (t.id.clone(), t.title.clone()))
                        .collect()
                })
                .unwrap_or_default(),
            not_reported: n.is_some_and(|n| n.not_reported),
            late: n.is_some_and(|n| n.late),
            rejected: n
                .map(|n| {
                    n.rejected
                        .iter()
                        .map(|x| RejectedDoc {
                            file: x.file.clone(),
                            row: x.row,
                            task: x.task.clone(),
                            reasons: x.reasons.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            notice: files
                .get(name)
                .map(|file| (notice_title(name, r), file.clone())),
        });
    }
    out
}

/// Each unit's 反馈 workbook, relative to the output folder, named as
/// [`crate::report::notices::write_notices`] names them.
fn notice_files<'r>(f: &Figures<'r>) -> BTreeMap<&'r str, String> {
    let mut names = UniqueNames::default();
    f.notices
        .iter()
        .map(|n| (n.unit, format!("{NOTICES_DIR}/{}", names.xlsx(n.unit))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::{d, fixture, fixture_yor};

    #[test]
    fn the_snapshot_holds_the_figures_of_the_run() {
        let r = fixture();
        let s = Snapshot::of(&r, d(2023, 4, 6));
        let f = Figures::of(&r);
        assert_eq!(s.overview.tasks as usize, r.scored.tasks.len());
        assert_eq!(s.overview.task_cards, f.overview.tasks.cards);
        assert_eq!(s.cards.len(), f.alerts.len());
        assert_eq!(s.units.len(), r.scored.units.len());
        assert_eq!(
            s.overview.units_on_time + s.overview.late.len() as u32,
            s.overview.units_reported
        );
        // Behind and overdue: every such task of the run, none other.
        let want = r
            .scored
            .tasks
            .iter()
            .filter(|t| !t.done && (t.overdue || t.lag.unwrap_or(0.0) > 0.0))
            .count();
        assert_eq!(s.behind.len(), want);
        assert!(want > 0);
        // A letter for every carded unit and no other; its tasks are the
        // unit's carded tasks.
        let carded: Vec<&str> = r
            .scored
            .units
            .iter()
            .filter(|u| u.card.is_some())
            .map(|u| u.name.as_str())
            .collect();
        assert_eq!(s.letters.len(), carded.len());
        for l in &s.letters {
            assert!(carded.contains(&l.unit.as_str()));
            let mine = r
                .scored
                .tasks
                .iter()
                .filter(|t| t.unit == l.unit && t.card.is_some())
                .count();
            assert_eq!(l.tasks.len(), mine, "{}", l.unit);
            assert!(l.tasks.iter().all(|t| t.unit == l.unit));
            let rejected = r
                .merged
                .rejected
                .iter()
                .filter(|x| x.unit.as_deref() == Some(&l.unit))
                .count();
            assert_eq!(l.rejected.len(), rejected);
        }
        // Round trip through JSON.
        let back: Snapshot = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn letters_point_to_the_notice_workbooks_written() {
        let r = fixture_yor();
        let dir = tempfile::tempdir().unwrap();
        let f = Figures::of(&r);
        let written =
            crate::report::notices::write_notices(&r, &f, &dir.path().join(NOTICES_DIR)).unwrap();
        let s = Snapshot::of(&r, d(2023, 4, 6));
        let mut pointed = 0;
        for l in &s.letters {
            if let Some((_, file)) = &l.notice {
                assert!(dir.path().join(file).is_file(), "{file}");
                pointed += 1;
            }
        }
        assert!(pointed > 0 && pointed <= written.len());
        // Units with rejected rows always have a notice to point to.
        assert!(s
            .letters
            .iter()
            .filter(|l| !l.rejected.is_empty())
            .all(|l| l.notice.is_some()));
    }

    #[test]
    fn a_newer_layout_is_refused_and_an_unreadable_file_named() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Snapshot::of(&fixture(), d(2023, 4, 6));
        s.version = SNAPSHOT_VERSION + 1;
        std::fs::write(
            dir.path().join(SNAPSHOT_FILE),
            serde_json::to_string(&s).unwrap(),
        )
        .unwrap();
        let e = format!("{:#}", Snapshot::load(dir.path()).unwrap_err());
        assert!(e.contains("升级"), "{e}");
        std::fs::write(dir.path().join(SNAPSHOT_FILE), "{").unwrap();
        let e = format!("{:#}", Snapshot::load(dir.path()).unwrap_err());
        assert!(e.contains("documents.json"), "{e}");
    }
}
