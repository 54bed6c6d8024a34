//! Where the archive keeps each period and each round of it.
//!
//! ```text
//! archive/                      beside duban.toml (`archive` setting, `--archive`)
//!   2026-10/                    round 1 of October: received/, outputs/, manifest.json,
//!                               SHA256SUMS, summary.json, results.json
//!   2026-11/                    round 1 of November (never changed once written)
//!   2026-11_第2轮/              round 2 (补报, `duban run --resubmit`)
//!   2026-11_第3轮/              …
//! ```
//!
//! Round 1 keeps the folder name of archives made before rounds existed.
//! Later periods, history and roll-ups read the latest round of each period.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use crate::period::Period;

/// The archive folder's usual name (beside duban.toml, or in the output
/// folder when there is no config file).
pub(crate) const ARCHIVE_DIR: &str = "archive";

/// Folder name of a round of a period: `2026-11`, `2026-11_第2轮`.
pub(crate) fn round_dir_name(period: &Period, round: u32) -> String {
    if round <= 1 {
        period.to_string()
    } else {
        format!("{period}_第{round}轮")
    }
}

/// The period and round a folder of the archive holds (None for anything else).
pub(crate) fn parse_round_dir(name: &str) -> Option<(Period, u32)> {
    match name.split_once("_第") {
        None => Some((name.parse().ok()?, 1)),
        Some((p, rest)) => {
            let n: u32 = rest.strip_suffix('轮')?.parse().ok()?;
            (n >= 2).then_some(())?;
            Some((p.parse().ok()?, n))
        }
    }
}

/// `archive/<period>` for round 1, `archive/<period>_第N轮` for later rounds.
pub(crate) fn round_dir(archive: &Path, period: &Period, round: u32) -> PathBuf {
    archive.join(round_dir_name(period, round))
}

/// The round a record written before rounds existed belongs to: the first
/// (the serde default of every `round` field read back from disk).
pub(crate) fn first_round() -> u32 {
    1
}

/// How a round reads in file names and titles: nothing for round 1, `第2轮` after.
pub(crate) fn round_label(round: u32) -> String {
    if round <= 1 {
        String::new()
    } else {
        format!("第{round}轮")
    }
}

/// Every archived period with its rounds (ascending), from the folder names.
pub(crate) fn scan(archive: &Path) -> BTreeMap<Period, Vec<u32>> {
    let mut out: BTreeMap<Period, Vec<u32>> = BTreeMap::new();
    let Ok(entries) = fs::read_dir(archive) else {
        return out;
    };
    for e in entries.flatten() {
        if !e.path().is_dir() {
            continue;
        }
        let name = e.file_name().to_string_lossy().into_owned();
        if let Some((p, r)) = parse_round_dir(&name) {
            out.entry(p).or_default().push(r);
        }
    }
    for rounds in out.values_mut() {
        rounds.sort_unstable();
    }
    out
}

/// The latest archived round of `period`, if it was archived.
pub(crate) fn latest_round(archive: &Path, period: &Period) -> Option<u32> {
    scan(archive).get(period).and_then(|r| r.last().copied())
}

/// What a run will archive: which round of its period, where, and whether
/// it replaces the latest round (`--force`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RoundPlan {
    pub(crate) period: Period,
    pub(crate) round: u32,
    /// The archive folder (`archive/`).
    pub(crate) archive: PathBuf,
    /// This round's folder.
    pub(crate) dir: PathBuf,
    /// The folder exists and is replaced (`--force`).
    pub(crate) replaces: bool,
    /// `--resubmit` was asked for a period not archived yet (round 1).
    pub(crate) resubmit_unarchived: bool,
}

/// Decide the round a run of `period` archives: round 1 when the period is
/// not archived; with `--resubmit` the round after the latest; with
/// `--force` the latest round again (replaced). An archived period without
/// either is refused, the message naming both flags.
pub(crate) fn plan_round(
    archive: &Path,
    period: &Period,
    force: bool,
    resubmit: bool,
) -> Result<RoundPlan> {
    let plan = |round: u32, replaces: bool| RoundPlan {
        period: *period,
        round,
        archive: archive.to_path_buf(),
        dir: round_dir(archive, period, round),
        replaces,
        resubmit_unarchived: false,
    };
    match latest_round(archive, period) {
        None => Ok(RoundPlan {
            resubmit_unarchived: resubmit,
            ..plan(1, false)
        }),
        Some(n) if resubmit => Ok(plan(n + 1, false)),
        Some(n) if force => Ok(plan(n, true)),
        Some(n) => {
            let dir = round_dir(archive, period, n);
            let which = if n > 1 {
                format!("（已有第{n}轮）")
            } else {
                String::new()
            };
            bail!(
                "{} 期已经归档{which}：{}。为防止覆盖已停止。单位补报后重新汇总请加 --resubmit（另存为第{}轮，此前各轮原样保留）；确需用本次结果替换第{n}轮请加 --force",
                period,
                dir.display(),
                n + 1
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_folders_are_named_and_parsed_back() {
        let nov = Period::month(2026, 11);
        assert_eq!(round_dir_name(&nov, 1), "2026-11");
        assert_eq!(round_dir_name(&nov, 2), "2026-11_第2轮");
        for r in 1..=12 {
            assert_eq!(parse_round_dir(&round_dir_name(&nov, r)), Some((nov, r)));
        }
        let q = Period::quarter(2026, 4);
        assert_eq!(parse_round_dir("2026-Q4_第3轮"), Some((q, 3)));
        for bad in [
            ".2026-11-abc",
            "2026-11_第1轮",
            "2026-11_第x轮",
            "2026-11_第2",
            "备份",
        ] {
            assert_eq!(parse_round_dir(bad), None, "{bad}");
        }
        assert_eq!(round_label(1), "");
        assert_eq!(round_label(3), "第3轮");
    }

    #[test]
    fn the_next_round_follows_the_latest_and_force_replaces_it() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path();
        let nov = Period::month(2026, 11);
        let p = plan_round(a, &nov, false, false).unwrap();
        assert_eq!(
            (p.round, p.replaces, p.resubmit_unarchived),
            (1, false, false)
        );
        assert_eq!(p.dir, a.join("2026-11"));
        assert!(
            plan_round(a, &nov, false, true)
                .unwrap()
                .resubmit_unarchived
        );

        fs::create_dir_all(a.join("2026-11")).unwrap();
        fs::create_dir_all(a.join("2026-11_第2轮")).unwrap();
        fs::create_dir_all(a.join(".2026-11-tmp")).unwrap();
        fs::write(a.join("2026-12"), "not a folder").unwrap();
        assert_eq!(latest_round(a, &nov), Some(2));
        assert_eq!(latest_round(a, &Period::month(2026, 12)), None);

        let err = format!("{:#}", plan_round(a, &nov, false, false).unwrap_err());
        assert!(
            err.contains("--resubmit") && err.contains("--force"),
            "{err}"
        );
        assert!(err.contains("第3轮") && err.contains("第2轮"), "{err}");
        let p = plan_round(a, &nov, false, true).unwrap();
        assert_eq!((p.round, p.replaces), (3, false));
        assert_eq!(p.dir, a.join("2026-11_第3轮"));
        let p = plan_round(a, &nov, true, false).unwrap();
        assert_eq!((p.round, p.replaces), (2, true));
        assert_eq!(p.dir, a.join("2026-11_第2轮"));
    }
}
