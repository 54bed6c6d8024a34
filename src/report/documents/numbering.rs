//! What the documents count from the archive: the 通报's 期号 (第N期, per
//! year), the letters' 文号 (N of `〔year〕N号`, per issue year, going on from
//! the numbers earlier periods — and earlier rounds of this one — gave), and
//! how often each unit has been on the 约谈名单 this year.
//!
//! Only periods before this one (their latest round, as history reads
//! them) and rounds before this one count, so running a round again (or
//! `duban docs`) gives its documents the same numbers.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Datelike, NaiveDate};

use super::snapshot::{Snapshot, SNAPSHOT_FILE};
use super::wording::Wording;
use crate::period::Period;
use crate::store::layout;

/// What this round's documents take from the earlier ones.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Numbering {
    /// 期号 of the 通报: 1 + earlier archived periods of the same kind and year.
    pub(crate) bulletin: u32,
    /// The first 文号 serial of this round's letters.
    pub(crate) first_letter: u32,
    /// Times each unit was on the 约谈名单 in earlier periods of the year.
    pub(crate) interviews: BTreeMap<String, u32>,
}

/// Count from what `archive` holds before round `round` of `period`, for
/// documents issued on `issue_date`. Archived snapshots that cannot be read
/// are passed over; the returned warnings say which.
pub(crate) fn numbering(
    archive: &Path,
    period: Period,
    round: u32,
    issue_date: NaiveDate,
    wording: &Wording,
) -> (Numbering, Vec<String>) {
    let mut warnings = Vec::new();
    let mut earlier: Vec<Period> = Vec::new();
    // Snapshots of earlier periods (latest round), then of earlier rounds.
    let mut dirs = Vec::new();
    for (p, rounds) in layout::scan(archive) {
        if p.kind != period.kind || p > period {
            continue;
        }
        if p < period {
            earlier.push(p);
            if let Some(&last) = rounds.last() {
                dirs.push(layout::round_dir(archive, &p, last));
            }
        } else {
            let before = rounds.iter().filter(|&&r| r < round);
            dirs.extend(before.map(|&r| layout::round_dir(archive, &p, r)));
        }
    }
    let mut snapshots = Vec::new();
    for dir in dirs {
        if !dir.join(SNAPSHOT_FILE).is_file() {
            continue; // archived before duban wrote documents
        }
        match Snapshot::load(&dir) {
            Ok(s) => snapshots.push(s),
            Err(e) => warnings.push(format!("{e:#}；编号和约谈次数不计此期")),
        }
    }
    let n = count(period, issue_date, &earlier, &snapshots, wording);
    (n, warnings)
}

/// [`numbering`] over the earlier periods and the snapshots archived before
/// this round (earlier periods' and earlier rounds of this period).
pub(crate) fn count(
    period: Period,
    issue_date: NaiveDate,
    earlier: &[Period],
    snapshots: &[Snapshot],
    wording: &Wording,
) -> Numbering {
    let bulletin = 1 + earlier
        .iter()
        .filter(|p| p.year == period.year && **p < period)
        .count() as u32;
    let last_letter = snapshots
        .iter()
        .filter(|s| s.period <= period && s.issue_date.year() == issue_date.year())
        .flat_map(|s| s.issued.iter().filter_map(|d| d.number))
        .max()
        .unwrap_or(0);
    let mut interviews: BTreeMap<String, u32> = BTreeMap::new();
    for s in snapshots
        .iter()
        .filter(|s| s.period.year == period.year && s.period < period)
    {
        let rules = wording.rules(s.preset);
        for u in &s.units {
            if rules.interview(u.card, u.bottom3).is_some() {
                *interviews.entry(u.name.clone()).or_default() += 1;
            }
        }
    }
    Numbering {
        bulletin,
        first_letter: last_letter + 1,
        interviews,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::documents::kind::DocKind;
    use crate::report::documents::snapshot::Issued;
    use crate::report::fixture::{d, fixture};

    fn snapshot(period: Period, issued: NaiveDate, numbers: &[u32]) -> Snapshot {
        let mut s = Snapshot::of(&fixture(), issued);
        s.period = period;
        s.issued = numbers
            .iter()
            .map(|&n| Issued {
                kind: DocKind::Reminder,
                unit: Some("甲".into()),
                number: Some(n),
            })
            .collect();
        s
    }

    #[test]
    fn numbers_go_on_from_earlier_periods_of_the_year() {
        let w = Wording::embedded();
        let jan = Period::month(2023, 1);
        let feb = Period::month(2023, 2);
        let mar = Period::month(2023, 3);
        let dec = Period::month(2022, 12);
        let snaps = [
            // Issued in January 2023 for December 2022: counts for 2023's 文号.
            snapshot(dec, d(2023, 1, 5), &[40, 41]),
            snapshot(jan, d(2023, 2, 3), &[42, 43, 44]),
            // A later period (archived before this one ran again): not counted.
            snapshot(mar, d(2023, 4, 6), &[50]),
        ];
        let n = count(feb, d(2023, 3, 6), &[dec, jan, mar], &snaps, &w);
        assert_eq!(n.bulletin, 2, "January is 第1期");
        assert_eq!(n.first_letter, 45);
        // A second round of February goes on from the first round's letters.
        let mut snaps = snaps.to_vec();
        snaps.push(snapshot(feb, d(2023, 3, 6), &[45, 46]));
        let n = count(feb, d(2023, 3, 9), &[dec, jan], &snaps, &w);
        assert_eq!((n.bulletin, n.first_letter), (2, 47));
        // A new issue year starts again at 1; a period with nothing before it is 第1期.
        let n = count(dec, d(2022, 12, 31), &[], &[], &w);
        assert_eq!((n.bulletin, n.first_letter), (1, 1));
    }

    #[test]
    fn interviews_are_counted_by_the_rules_of_each_period() {
        let w = Wording::embedded();
        let jan = Period::month(2023, 1);
        let s = snapshot(jan, d(2023, 2, 3), &[]);
        let n = count(
            Period::month(2023, 2),
            d(2023, 3, 3),
            &[jan],
            std::slice::from_ref(&s),
            &w,
        );
        let rules = w.rules(s.preset);
        for u in &s.units {
            let called = rules.interview(u.card, u.bottom3).is_some();
            assert_eq!(
                n.interviews.get(&u.name).copied().unwrap_or(0),
                u32::from(called)
            );
        }
        assert!(!n.interviews.is_empty());
        // Another year's periods do not count.
        let n = count(Period::month(2024, 2), d(2024, 3, 3), &[jan], &[s], &w);
        assert!(n.interviews.is_empty());
        assert_eq!(n.bulletin, 1);
    }

    #[test]
    fn the_archive_is_read_and_bad_snapshots_reported() {
        let w = Wording::embedded();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        let jan = Period::month(2023, 1);
        let feb = Period::month(2023, 2);
        let s = snapshot(jan, d(2023, 2, 3), &[7]);
        let jan_dir = layout::round_dir(out, &jan, 1);
        std::fs::create_dir_all(&jan_dir).unwrap();
        std::fs::write(
            jan_dir.join(SNAPSHOT_FILE),
            serde_json::to_string(&s).unwrap(),
        )
        .unwrap();
        // February archived without documents; a stray folder is no period.
        std::fs::create_dir_all(layout::round_dir(out, &feb, 1)).unwrap();
        std::fs::create_dir_all(out.join("旧文件")).unwrap();
        let mar = Period::month(2023, 3);
        let (n, warnings) = numbering(out, mar, 1, d(2023, 4, 6), &w);
        assert_eq!(n.bulletin, 3);
        assert_eq!(n.first_letter, 8);
        assert!(warnings.is_empty());
        // March's second round: after the first round's letters.
        let s = snapshot(mar, d(2023, 4, 6), &[8, 9]);
        let mar_dir = layout::round_dir(out, &mar, 1);
        std::fs::create_dir_all(&mar_dir).unwrap();
        std::fs::write(
            mar_dir.join(SNAPSHOT_FILE),
            serde_json::to_string(&s).unwrap(),
        )
        .unwrap();
        let (n, _) = numbering(out, mar, 2, d(2023, 4, 12), &w);
        assert_eq!((n.bulletin, n.first_letter), (3, 10));
        // The first round again (--force): its own letters do not count.
        let (n, _) = numbering(out, mar, 1, d(2023, 4, 6), &w);
        assert_eq!(n.first_letter, 8);
        std::fs::write(jan_dir.join(SNAPSHOT_FILE), "{").unwrap();
        let (n, warnings) = numbering(out, mar, 1, d(2023, 4, 6), &w);
        assert_eq!((n.bulletin, n.first_letter), (3, 1));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        // No archive at all.
        let (n, _) = numbering(&out.join("无"), mar, 1, d(2023, 4, 6), &w);
        assert_eq!(
            n,
            Numbering {
                bulletin: 1,
                first_letter: 1,
                ..Default::default()
            }
        );
    }
}
