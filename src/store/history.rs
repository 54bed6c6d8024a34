//! Earlier periods' results, read back from the archive (the latest round of
//! each `archive/<period>/results.json`, see `super::snapshot`), feeding
//! the rules that need them: lowered progress, repeat cards, orange twice
//! in a year, rank change, unchanged progress text, closed tasks.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::archive::{MANIFEST_FILE, RESULTS_FILE};
use super::layout;
use crate::config::Preset;
use crate::merge::{EarlierRounds, FileOutcome};
use crate::period::Period;

pub(crate) use super::snapshot::{PeriodSnapshot, TaskSnap, UnitSnap};

/// What cannot be judged without an earlier period (said on the terminal
/// and in 总览 when nothing earlier is archived).
pub(crate) const NOT_COMPARED: &str = "谎报进度、连续亮牌、排名变化均未比对";

/// Earlier periods, oldest first, all strictly before the current period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct History {
    pub(crate) periods: Vec<PeriodSnapshot>,
}

impl History {
    /// The most recent earlier period.
    pub(crate) fn last(&self) -> Option<&PeriodSnapshot> {
        self.periods.last()
    }

    /// The task as last reported in an earlier period (most recent first).
    pub(crate) fn prev_task(&self, id: &str) -> Option<&TaskSnap> {
        self.periods.iter().rev().find_map(|p| p.task(id))
    }

    /// Earlier periods newest first.
    pub(crate) fn newest_first(&self) -> impl Iterator<Item = &PeriodSnapshot> {
        self.periods.iter().rev()
    }

    /// Earlier periods newest first, each with whether its cards count
    /// under `preset` (a change of preset mid-year does not reinterpret
    /// earlier periods: a red under red-yellow-blue is not an orange).
    pub(crate) fn newest_first_under(
        &self,
        preset: Preset,
    ) -> impl Iterator<Item = (&PeriodSnapshot, bool)> {
        self.newest_first()
            .map(move |p| (p, p.carded_under(preset)))
    }

    /// The period compared against (the most recent earlier one) and its round.
    pub(crate) fn previous(&self) -> Option<(Period, u32)> {
        self.last().map(|p| (p.period, p.round))
    }
}

/// Read the latest round of every archived period before `current` (same
/// kind: months with months, weeks with weeks), oldest first. Unreadable
/// snapshots are skipped and reported in the returned warnings.
pub(crate) fn load_history(archive: &Path, current: &Period) -> (History, Vec<String>) {
    let mut warnings = Vec::new();
    let mut periods = Vec::new();
    for (p, rounds) in layout::scan(archive) {
        if p.kind != current.kind || p >= *current {
            continue;
        }
        let Some(&round) = rounds.last() else {
            continue;
        };
        let path = layout::round_dir(archive, &p, round).join(RESULTS_FILE);
        match fs::read_to_string(&path)
            .map_err(anyhow::Error::from)
            .and_then(|s| serde_json::from_str::<PeriodSnapshot>(&s).map_err(Into::into))
        {
            Ok(snap) => periods.push(snap),
            Err(err) => warnings.push(format!(
                "历史归档 {} 无法读取，已跳过（{err}）",
                path.display()
            )),
        }
    }
    periods.sort_by_key(|p| p.period);
    (History { periods }, warnings)
}

/// A file an earlier period already archived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ArchivedFile {
    pub(crate) period: Period,
    pub(crate) round: u32,
    /// Its path in that period's returns.
    pub(crate) path: String,
    /// The unit it was from.
    pub(crate) unit: Option<String>,
}

/// Files of earlier periods by SHA-256: a return whose bytes are among them
/// is last period's file, not this period's (`FILE_ALREADY_ARCHIVED`).
pub(crate) type ArchivedFiles = HashMap<String, ArchivedFile>;

/// What of a manifest tells an earlier file again.
#[derive(Deserialize)]
struct ManifestFiles {
    #[serde(default)]
    files: Vec<ManifestFile>,
}

#[derive(Deserialize)]
struct ManifestFile {
    path: String,
    sha256: String,
    #[serde(default)]
    unit: Option<String>,
    outcome: FileOutcome,
}

/// Every file read (not ignored) in every round of every archived period
/// before `current`, by SHA-256 (the earliest period and round that has
/// it). Unreadable manifests are skipped and reported in the warnings.
pub(crate) fn archived_files(archive: &Path, current: &Period) -> (ArchivedFiles, Vec<String>) {
    let mut found = ArchivedFiles::new();
    let mut warnings = Vec::new();
    for (p, rounds) in layout::scan(archive) {
        if p >= *current {
            continue;
        }
        for round in rounds {
            let dir = layout::round_dir(archive, &p, round);
            let Some(files) = manifest_files(&dir, &mut warnings) else {
                continue;
            };
            for f in files {
                if f.outcome == FileOutcome::Ignored || f.sha256.is_empty() {
                    continue;
                }
                found.entry(f.sha256).or_insert(ArchivedFile {
                    period: p,
                    round,
                    path: f.path,
                    unit: f.unit,
                });
            }
        }
    }
    (found, warnings)
}

/// The files received by the rounds of `period` before `round` (none for
/// round 1). Unreadable manifests are skipped and reported in the warnings.
pub fn earlier_rounds(archive: &Path, period: &Period, round: u32) -> (EarlierRounds, Vec<String>) {
    let mut found = EarlierRounds::new();
    let mut warnings = Vec::new();
    let rounds = layout::scan(archive).remove(period).unwrap_or_default();
    for r in rounds.into_iter().filter(|&r| r < round) {
        let dir = layout::round_dir(archive, period, r);
        for f in manifest_files(&dir, &mut warnings).unwrap_or_default() {
            if !f.sha256.is_empty() {
                found.entry(f.sha256).or_insert(r);
            }
        }
    }
    (found, warnings)
}

/// The files of the manifest in the round folder `dir`; None, with a
/// warning, when it cannot be read.
fn manifest_files(dir: &Path, warnings: &mut Vec<String>) -> Option<Vec<ManifestFile>> {
    let path = dir.join(MANIFEST_FILE);
    let manifest = fs::read_to_string(&path)
        .map_err(anyhow::Error::from)
        .and_then(|s| serde_json::from_str::<ManifestFiles>(&s).map_err(Into::into));
    match manifest {
        Ok(m) => Some(m.files),
        Err(err) => {
            warnings.push(format!(
                "历史归档清单 {} 无法读取，已跳过（{err}）",
                path.display()
            ));
            None
        }
    }
}
