//! What the documents count from the archive: the 通报's 期号 (第N期, per
//! year), the letters' 文号 (N of `〔year〕N号`, per issue year), and how
//! often each unit has been on the 约谈名单 this year.
//!
//! 期号 and 约谈 counts come from the periods before this one (their latest
//! round, as history reads them), so running a round again (or `duban
//! docs`) gives the same. A 文号 is never given twice in an issue year: a
//! letter this very period and round already had in the archive (written
//! again by `duban docs` or `duban run --force`) keeps its number; any other
//! letter takes a number after every one the archive holds for that year —
//! after later periods' too, when an earlier period is written again or
//! gets a 补报 round after they were archived.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{Datelike, NaiveDate};

use super::kind::DocKind;
use super::snapshot::{Snapshot, SNAPSHOT_FILE};
use super::wording::Wording;
use crate::period::Period;
use crate::store::layout;

/// What this round's documents take from the archive.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Numbering {
    /// 期号 of the 通报: 1 + earlier archived periods of the same kind and year.
    pub(crate) bulletin: u32,
    /// The first 文号 serial for a letter without one yet: after every
    /// number of the issue year in the archive.
    pub(crate) first_letter: u32,
    /// The numbers the archived documents of this very period and round
    /// gave, by kind and unit: a letter written again keeps its number.
    pub(crate) kept: BTreeMap<(DocKind, String), u32>,
    /// Times each unit was on the 约谈名单 in earlier periods of the year.
    pub(crate) interviews: BTreeMap<String, u32>,
}

impl Numbering {
    /// The 文号 serials of the letters, in order, each (kind, unit): its
    /// kept number, else the next new one.
    pub(crate) fn letter_numbers(&self) -> impl FnMut(DocKind, &str) -> u32 + '_ {
        let mut next = self.first_letter;
        move |kind, unit| match self.kept.get(&(kind, unit.to_string())) {
            Some(&n) => n,
            None => {
                next += 1;
                next - 1
            }
        }
    }
}

/// An archived round's documents, and whether it is its period's latest round.
#[derive(Debug, Clone)]
pub(crate) struct Archived {
    pub(crate) snapshot: Snapshot,
    pub(crate) latest: bool,
}

/// Count from what `archive` holds, for round `round` of `period` issued on
/// `issue_date`. Archived snapshots that cannot be read are passed over;
/// the returned warnings say which.
pub(crate) fn numbering(
    archive: &Path,
    period: Period,
    round: u32,
    issue_date: NaiveDate,
    wording: &Wording,
) -> (Numbering, Vec<String>) {
    let mut warnings = Vec::new();
    let mut earlier: Vec<Period> = Vec::new();
    let mut archived = Vec::new();
    for (p, rounds) in layout::scan(archive) {
        if p.kind == period.kind && p < period {
            earlier.push(p);
        }
        let last = rounds.last().copied();
        for r in rounds {
            let dir = layout::round_dir(archive, &p, r);
            if !dir.join(SNAPSHOT_FILE).is_file() {
                continue; // archived before duban wrote documents
            }
            match Snapshot::load(&dir) {
                Ok(mut snapshot) => {
                    // The folder says which period and round it is.
                    (snapshot.period, snapshot.round) = (p, r);
                    archived.push(Archived {
                        snapshot,
                        latest: Some(r) == last,
                    });
                }
                Err(e) => warnings.push(format!("{e:#}；编号和约谈次数不计此期")),
            }
        }
    }
    let n = count(period, round, issue_date, &earlier, &archived, wording);
    (n, warnings)
}

/// [`numbering`] over the earlier periods and every archived round.
pub(crate) fn count(
    period: Period,
    round: u32,
    issue_date: NaiveDate,
    earlier: &[Period],
    archived: &[Archived],
    wording: &Wording,
) -> Numbering {
    let bulletin = 1 + earlier
        .iter()
        .filter(|p| p.year == period.year && **p < period)
        .count() as u32;
    let own = |s: &Snapshot| s.period == period && s.round == round;
    let this_year = archived
        .iter()
        .map(|a| &a.snapshot)
        .filter(|s| s.issue_date.year() == issue_date.year());
    let (mine, others): (Vec<&Snapshot>, Vec<&Snapshot>) = this_year.partition(|s| own(s));
    let taken: BTreeSet<u32> = others
        .iter()
        .flat_map(|s| s.issued.iter().filter_map(|d| d.number))
        .collect();
    // A number another round gave too (as versions before this rule could)
    // is not kept: the letter takes a new one.
    let kept: BTreeMap<(DocKind, String), u32> = mine
        .iter()
        .flat_map(|s| s.issued.iter())
        .filter_map(|d| Some(((d.kind, d.unit.clone()?), d.number?)))
        .filter(|(_, n)| !taken.contains(n))
        .collect();
    let last = taken
        .iter()
        .chain(kept.values())
        .max()
        .copied()
        .unwrap_or(0);
    let mut interviews: BTreeMap<String, u32> = BTreeMap::new();
    for s in archived
        .iter()
        .filter(|a| a.latest)
        .map(|a| &a.snapshot)
        .filter(|s| {
            s.period.kind == period.kind && s.period.year == period.year && s.period < period
        })
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
        first_letter: last + 1,
        kept,
        interviews,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::documents::snapshot::Issued;
    use crate::report::fixture::{d, fixture};

    /// A round's snapshot whose letters (提醒函 to 甲1, 甲2 …) have `numbers`.
    fn snapshot(period: Period, issued: NaiveDate, numbers: &[u32]) -> Snapshot {
        let mut s = Snapshot::of(&fixture(), issued);
        s.period = period;
        s.round = 1;
        s.issued = numbers
            .iter()
            .enumerate()
            .map(|(i, &n)| Issued {
                kind: DocKind::Reminder,
                unit: Some(format!("甲{}", i + 1)),
                number: Some(n),
            })
            .collect();
        s
    }

    fn latest(snaps: &[Snapshot]) -> Vec<Archived> {
        snaps
            .iter()
            .map(|s| Archived {
                snapshot: s.clone(),
                latest: true,
            })
            .collect()
    }

    #[test]
    fn numbers_go_on_from_every_number_of_the_issue_year() {
        let w = Wording::embedded();
        let jan = Period::month(2023, 1);
        let feb = Period::month(2023, 2);
        let dec = Period::month(2022, 12);
        let snaps = [
            // Issued in January 2023 for December 2022: counts for 2023's 文号.
            snapshot(dec, d(2023, 1, 5), &[40, 41]),
            snapshot(jan, d(2023, 2, 3), &[42, 43, 44]),
        ];
        let n = count(feb, 1, d(2023, 3, 6), &[dec, jan], &latest(&snaps), &w);
        assert_eq!(n.bulletin, 2, "January is 第1期");
        assert_eq!(n.first_letter, 45);
        assert!(n.kept.is_empty());
        // A new issue year starts again at 1; a period with nothing before it is 第1期.
        let n = count(dec, 1, d(2022, 12, 31), &[], &[], &w);
        assert_eq!((n.bulletin, n.first_letter), (1, 1));
    }

    #[test]
    fn a_period_written_again_keeps_its_numbers_and_never_takes_a_later_ones() {
        let w = Wording::embedded();
        let jan = Period::month(2023, 1);
        let feb = Period::month(2023, 2);
        let mar = Period::month(2023, 3);
        let mut feb1 = snapshot(feb, d(2023, 3, 6), &[3, 4]);
        feb1.issued[1].kind = DocKind::Supervision;
        let snaps = [
            snapshot(jan, d(2023, 2, 3), &[1, 2]),
            feb1,
            // March, archived before February is written again.
            snapshot(mar, d(2023, 4, 6), &[5, 6, 7]),
        ];
        let archived = latest(&snaps);
        // February again (duban docs, run --force): its letters keep 3 and
        // 4; a letter it did not have takes 8, after March's.
        let n = count(feb, 1, d(2023, 3, 6), &[jan], &archived, &w);
        assert_eq!(n.bulletin, 2);
        assert_eq!(n.first_letter, 8);
        let mut number = n.letter_numbers();
        assert_eq!(number(DocKind::Reminder, "甲1"), 3);
        assert_eq!(number(DocKind::Reminder, "甲2"), 8, "another kind to 甲2");
        assert_eq!(number(DocKind::Supervision, "甲2"), 4);
        assert_eq!(number(DocKind::Reminder, "乙"), 9);
        // A 补报 round of February after March: new numbers after March's.
        let n = count(feb, 2, d(2023, 4, 10), &[jan], &archived, &w);
        assert_eq!((n.first_letter, n.kept.len()), (8, 0));
        // Issued in another year: the archived numbers are that year's.
        let n = count(feb, 1, d(2024, 1, 5), &[jan], &archived, &w);
        assert_eq!((n.first_letter, n.kept.len()), (1, 0));
        // A number another round gave too is not kept.
        let mut clash = snaps.to_vec();
        clash[2].issued[0].number = Some(3);
        let n = count(feb, 1, d(2023, 3, 6), &[jan], &latest(&clash), &w);
        assert_eq!(n.kept.len(), 1);
        assert_eq!(n.first_letter, 8);
        assert_eq!(n.letter_numbers()(DocKind::Reminder, "甲1"), 8);
    }

    #[test]
    fn interviews_are_counted_by_the_rules_of_each_period() {
        let w = Wording::embedded();
        let jan = Period::month(2023, 1);
        let s = snapshot(jan, d(2023, 2, 3), &[]);
        let feb = Period::month(2023, 2);
        let n = count(
            feb,
            1,
            d(2023, 3, 3),
            &[jan],
            &latest(std::slice::from_ref(&s)),
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
        // Only the latest round of a period counts.
        let earlier_round = Archived {
            snapshot: s.clone(),
            latest: false,
        };
        let n = count(feb, 1, d(2023, 3, 3), &[jan], &[earlier_round], &w);
        assert!(n.interviews.is_empty());
        // Another year's periods do not count.
        let n = count(
            Period::month(2024, 2),
            1,
            d(2024, 3, 3),
            &[jan],
            &latest(&[s]),
            &w,
        );
        assert!(n.interviews.is_empty());
        assert_eq!(n.bulletin, 1);
    }

    fn put(out: &Path, s: &Snapshot, round: u32) -> std::path::PathBuf {
        let dir = layout::round_dir(out, &s.period, round);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(SNAPSHOT_FILE), serde_json::to_string(s).unwrap()).unwrap();
        dir
    }

    #[test]
    fn the_archive_is_read_and_bad_snapshots_reported() {
        let w = Wording::embedded();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        let jan = Period::month(2023, 1);
        let feb = Period::month(2023, 2);
        let jan_dir = put(out, &snapshot(jan, d(2023, 2, 3), &[7]), 1);
        // February archived without documents; a stray folder is no period.
        std::fs::create_dir_all(layout::round_dir(out, &feb, 1)).unwrap();
        std::fs::create_dir_all(out.join("旧文件")).unwrap();
        let mar = Period::month(2023, 3);
        let (n, warnings) = numbering(out, mar, 1, d(2023, 4, 6), &w);
        assert_eq!(n.bulletin, 3);
        assert_eq!(n.first_letter, 8);
        assert!(warnings.is_empty());
        // March's second round: after the first round's letters.
        put(out, &snapshot(mar, d(2023, 4, 6), &[8, 9]), 1);
        let (n, _) = numbering(out, mar, 2, d(2023, 4, 12), &w);
        assert_eq!((n.bulletin, n.first_letter), (3, 10));
        assert!(n.kept.is_empty());
        // The first round again (--force): its own letters keep their numbers.
        let (n, _) = numbering(out, mar, 1, d(2023, 4, 6), &w);
        assert_eq!(n.kept.values().copied().collect::<Vec<_>>(), [8, 9]);
        assert_eq!(n.first_letter, 10);
        // The folder, not the file, says which round a snapshot is.
        let mut wrong = snapshot(mar, d(2023, 4, 12), &[10]);
        wrong.round = 1;
        put(out, &wrong, 2);
        let (n, _) = numbering(out, mar, 2, d(2023, 4, 12), &w);
        assert_eq!(n.kept.values().copied().collect::<Vec<_>>(), [10]);
        std::fs::write(jan_dir.join(SNAPSHOT_FILE), "{").unwrap();
        let (n, warnings) = numbering(out, mar, 3, d(2023, 4, 6), &w);
        assert_eq!((n.bulletin, n.first_letter), (3, 11));
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
