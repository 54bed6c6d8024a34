//! What each unit must hear of (反馈, and the letters each card calls for):
//! its own card, its carded tasks, rejected rows, tasks left out, a late or
//! missing return, other warnings; and by when it must answer.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::config::Config;
use crate::merge::{Merged, RejectedRow, UnreadableFile};
use crate::model::{Card, Issue, IssueCode, Severity, Unit};
use crate::score::{Scored, TaskResult, UnitResult};

/// The answer to a notice is due `resubmit_working_days` working days after
/// the date the notice is issued on (成文日期; holidays and 调休 days from
/// the config): never before the unit has had the notice.
pub(crate) fn resubmit_deadline(config: &Config, issued: NaiveDate) -> NaiveDate {
    config
        .calendar()
        .add_working_days(issued, config.resubmit_working_days)
}

/// Everything one unit must hear of.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct UnitNotice<'a> {
    pub(crate) unit: &'a str,
    /// The unit's own card and reasons (late/missing reports, form errors …).
    pub(crate) unit_card: Option<(Card, &'a [String])>,
    /// Carded tasks, most severe first (then by id).
    pub(crate) cards: Vec<&'a TaskResult>,
    /// Rows sent back for the unit's own errors.
    pub(crate) rejected: Vec<&'a RejectedRow>,
    /// Rows kept aside because their task has a defect in the office's
    /// ledger: told, not blamed (nothing to redo).
    pub(crate) held: Vec<&'a RejectedRow>,
    /// Due tasks with no accepted report.
    pub(crate) missing: Vec<&'a TaskResult>,
    /// The unit sent no valid form although tasks were due.
    pub(crate) not_reported: bool,
    /// Its files that could not be opened (damaged, encrypted, not a
    /// spreadsheet …): what it must send again. A PDF or scan beside an
    /// accepted form is not listed (it was never meant to be read).
    pub(crate) unreadable: Vec<&'a UnreadableFile>,
    pub(crate) late: bool,
    /// Warnings and file-level errors worth fixing.
    pub(crate) other: Vec<&'a Issue>,
}

impl UnitNotice<'_> {
    pub(crate) fn is_empty(&self) -> bool {
        self.unit_card.is_none()
            && self.cards.is_empty()
            && self.rejected.is_empty()
            && self.held.is_empty()
            && self.missing.is_empty()
            && !self.not_reported
            && !self.late
            && self.other.is_empty()
            && self.unreadable.is_empty()
    }

    /// Something was rejected or left out: the unit must send its form
    /// again (otherwise it reports how it remedied its cards).
    pub(crate) fn resubmit(&self) -> bool {
        !self.rejected.is_empty() || !self.missing.is_empty() || !self.unreadable.is_empty()
    }
}

/// Issues covered elsewhere in the notice (or not the unit's business).
fn worth_telling(i: &Issue) -> bool {
    !matches!(
        i.code,
        IssueCode::FileSuperseded
            | IssueCode::RowSuperseded
            | IssueCode::FileIgnored
            | IssueCode::TaskNotReported
            | IssueCode::UnitNotReported
    ) && (i.severity == Severity::Warning || i.cell.is_none())
}

/// The notice of every unit of `units`, in that order, leaving out the
/// units without anything to hear.
pub(crate) fn unit_notices<'r>(
    units: &'r [Unit],
    scored: &'r Scored,
    merged: &'r Merged,
) -> Vec<UnitNotice<'r>> {
    let mut tasks_of: BTreeMap<&str, Vec<&TaskResult>> = BTreeMap::new();
    for t in &scored.tasks {
        tasks_of.entry(t.unit.as_str()).or_default().push(t);
    }
    let by_id: BTreeMap<&str, &TaskResult> =
        scored.tasks.iter().map(|t| (t.id.as_str(), t)).collect();
    // Indexes by unit, so that the loop below is not units × rows.
    let mut unit_results: BTreeMap<&str, &UnitResult> = BTreeMap::new();
    for x in &scored.units {
        unit_results.entry(x.name.as_str()).or_insert(x);
    }
    let mut rejected_of: BTreeMap<&str, Vec<&RejectedRow>> = BTreeMap::new();
    for x in &merged.rejected {
        if let Some(u) = x.unit.as_deref() {
            rejected_of.entry(u).or_default().push(x);
        }
    }
    let mut issues_of: BTreeMap<&str, Vec<&Issue>> = BTreeMap::new();
    for i in merged.issues.iter().filter(|i| worth_telling(i)) {
        if let Some(u) = i.unit.as_deref() {
            issues_of.entry(u).or_default().push(i);
        }
    }
    let mut out = Vec::new();
    for u in units {
        let name = u.name.as_str();
        let mine = tasks_of.get(name).map(Vec::as_slice).unwrap_or(&[]);
        let mut cards: Vec<&TaskResult> =
            mine.iter().copied().filter(|t| t.card.is_some()).collect();
        cards.sort_by(|a, b| {
            let sev = |t: &TaskResult| t.card.map(Card::severity).unwrap_or(0);
            sev(b).cmp(&sev(a)).then_with(|| a.id.cmp(&b.id))
        });
        // The unit's own card: shown when it has reasons of its own.
        let unit_card = unit_results.get(name).and_then(|x| match x.card {
            Some(c) if !x.reasons.is_empty() => Some((c, x.reasons.as_slice())),
            _ => None,
        });
        let sub = merged.submissions.get(name);
        let missing: Vec<&TaskResult> = sub
            .map(|s| {
                s.missing
                    .iter()
                    .filter_map(|id| by_id.get(id.as_str()).copied())
                    .collect()
            })
            .unwrap_or_default();
        let (held, rejected): (Vec<&RejectedRow>, Vec<&RejectedRow>) = rejected_of
            .remove(name)
            .unwrap_or_default()
            .into_iter()
            .partition(|x| x.office);
        let unreadable: Vec<&UnreadableFile> = sub
            .map(|s| s.unreadable_to_tell().collect())
            .unwrap_or_default();
        // A file told of as unreadable is not told again among the others;
        // a superseded one (a newer form replaced it) is not told at all.
        let superseded = sub.map(|s| s.superseded_files.as_slice()).unwrap_or(&[]);
        let mut other = issues_of.remove(name).unwrap_or_default();
        other.retain(|i| {
            !i.file.as_deref().is_some_and(|f| {
                unreadable.iter().any(|u| u.path == f) || superseded.iter().any(|s| s == f)
            })
        });
        let n = UnitNotice {
            unit: name,
            unit_card,
            cards,
            rejected,
            held,
            missing,
            not_reported: sub.is_some_and(|s| !s.reported && !s.due.is_empty()),
            unreadable,
            late: sub.is_some_and(|s| s.late),
            other,
        };
        if !n.is_empty() {
            out.push(n);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::figures::testdata::{carded, submission, task, unit};

    fn ledger_unit(name: &str) -> Unit {
        Unit {
            name: name.into(),
            code: None,
            category: "区直部门".into(),
            aliases: vec![],
            contact: String::new(),
            phone: String::new(),
        }
    }

    #[test]
    fn answer_is_due_working_days_after_the_issue_date() {
        let d = |m, day| NaiveDate::from_ymd_opt(2023, m, day).unwrap();
        let c = Config::default();
        // Three working days by default: Wednesday → Monday.
        assert_eq!(resubmit_deadline(&c, d(4, 5)), d(4, 10));
        // Issued on a Friday → Wednesday.
        assert_eq!(resubmit_deadline(&c, d(4, 7)), d(4, 12));
        // A holiday is skipped, a working Saturday (调休) counts.
        let c = Config {
            holidays: vec![d(4, 10)],
            workdays: vec![d(4, 8)],
            resubmit_working_days: 2,
            ..Config::default()
        };
        assert_eq!(resubmit_deadline(&c, d(4, 7)), d(4, 11));
        // Issued on the day itself is not counted: 0 days is the issue date.
        let c = Config {
            resubmit_working_days: 0,
            ..Config::default()
        };
        assert_eq!(resubmit_deadline(&c, d(4, 7)), d(4, 7));
    }

    #[test]
    fn each_unit_hears_of_its_own_business() {
        let units: Vec<Unit> = ["甲", "乙", "丙", "丁", "戊"].map(ledger_unit).into();
        let mut own = unit("戊", "区直部门", 5);
        own.card = Some(Card::Yellow);
        own.reasons = vec!["本期未按时报送".into()];
        let mut carded_only = unit("乙", "区直部门", 2);
        carded_only.card = Some(Card::Yellow); // no reasons of its own: not shown
        let scored = Scored {
            tasks: vec![
                carded("A2", "甲", Card::Blue, None),
                carded("A1", "甲", Card::Blue, None),
                carded("A3", "甲", Card::Red, None),
                task("B1", "乙"),
                task("C1", "丙"),
                task("C2", "丙"),
            ],
            units: vec![carded_only, own],
            ..Default::default()
        };
        let mut late = submission("丁", &[], true, true);
        late.rows_rejected = 1;
        let mut silent = submission("丙", &["C1", "C2"], false, false);
        silent.missing = vec!["C2".into(), "C1".into()];
        let merged = Merged {
            rejected: vec![RejectedRow {
                file: "丁.xlsx".into(),
                sheet: "反馈表".into(),
                row: 4,
                unit: Some("丁".into()),
                task: None,
                original: vec![],
                reasons: vec!["编号不在台账中".into()],
                office: false,
            }],
            issues: vec![
                // A cell error (told with its rejected row) and a superseded
                // file are not repeated; a warning is.
                Issue::error(IssueCode::RowUnknownTask, "编号不在台账中")
                    .unit("丁")
                    .cell("B4"),
                Issue::warning(IssueCode::FileSuperseded, "已被替代").unit("丁"),
                Issue::warning(IssueCode::RowTextUnchanged, "进展情况与上期相同").unit("丁"),
            ],
            submissions: [late, silent, submission("乙", &["B1"], true, false)]
                .into_iter()
                .map(|s| (s.unit.clone(), s))
                .collect(),
            ..Default::default()
        };
        let notices = unit_notices(&units, &scored, &merged);
        let names: Vec<&str> = notices.iter().map(|n| n.unit).collect();
        assert_eq!(
            names,
            vec!["甲", "丙", "丁", "戊"],
            "乙 has nothing to hear"
        );
        let ids = |v: &[&TaskResult]| v.iter().map(|t| t.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&notices[0].cards), vec!["A3", "A1", "A2"]);
        assert!(!notices[0].resubmit());
        assert!(notices[1].not_reported && notices[1].resubmit());
        assert_eq!(ids(&notices[1].missing), vec!["C2", "C1"]);
        assert!(notices[2].late && notices[2].resubmit());
        assert_eq!(notices[2].rejected.len(), 1);
        let other: Vec<&str> = notices[2]
            .other
            .iter()
            .map(|i| i.message.as_str())
            .collect();
        assert_eq!(other, vec!["进展情况与上期相同"]);
        let (card, reasons) = notices[3].unit_card.unwrap();
        assert_eq!(
            (card, reasons),
            (Card::Yellow, &["本期未按时报送".to_string()][..])
        );
    }
}
