//! Collection-tool exports (问卷星, 金数据, 腾讯文档收集表, WPS 表单): one
//! sheet, leading columns such as 序号, 提交者, 提交时间, 填报单位 (or
//! 单位名称 …), then the form's columns, one row per task per unit.
//!
//! A sheet is read this way when it has a 填报单位 column (any alias) in
//! which some row names a unit of the ledger. Each row is then its unit's:
//! - the unit is the one its 填报单位 cell names (names and aliases of the
//!   单位 sheet, as everywhere); a blank cell falls back to the unit the
//!   file names, else to the lead unit of the row's task. A cell naming no
//!   unit of the ledger rejects the row (`ROW_UNKNOWN_UNIT`);
//! - the row is checked as that unit's (`ROW_NOT_ASSIGNED` for a task led by
//!   another unit, a task twice for the same unit …);
//! - its 提交时间 is its 填报日期 (lateness, and which submission is newer);
//! - a unit that submitted the same task more than once: the latest
//!   submission wins, the earlier rows are superseded (`ROW_SUPERSEDED`,
//!   counted as superseded; without a 提交时间 column a repeated task is a
//!   `ROW_DUPLICATE_TASK` as in any form);
//! - an answer submitted before the period began is an earlier period's
//!   (a download spanning several months): superseded too, not this
//!   period's report.
//!
//! The merge then treats each unit's rows of the export as that unit's
//! submission (against its other files: the newer wins).

use std::collections::HashMap;

use chrono::{NaiveDateTime, NaiveTime};

use super::file::FileChecker;
use super::ident::find_task;
use super::{row1, short, CheckedRow, RowOutcome};
use crate::ingest::{RawForm, RawRow};
use crate::model::{Issue, IssueCode, Ledger};
use crate::schema::a1::a1;
use crate::schema::{FormField, TaskId, UnitName};
use crate::value::{excel_serial_date, parse_date, CellValue};

/// Is this form a collection-tool export: does its 填报单位 column name a
/// unit of the ledger in some row? (A column headed 单位 that holds 万元 or
/// 个 is a unit of measure, not a unit: the form is then an ordinary one.)
pub(super) fn is_export(form: &RawForm, ledger: &Ledger) -> bool {
    form.column(FormField::ReportingUnit).is_some()
        && form.rows.iter().any(|r| {
            let v = r.value(FormField::ReportingUnit).as_text();
            !v.is_empty() && (ledger.unit(&v).is_some() || ledger.find_unit_in(&v).is_some())
        })
}

/// The unit a row belongs to: Ok(None) when nothing tells; Err(written)
/// when its 填报单位 cell names no unit of the ledger.
type RowUnit = Result<Option<UnitName>, String>;

impl FileChecker<'_> {
    /// Every row of an export sheet, each checked as its own unit's, in
    /// sheet order. `default` is the unit the file itself names, if any.
    pub(super) fn check_export_rows(
        &mut self,
        form: &RawForm,
        default: Option<&UnitName>,
    ) -> Vec<CheckedRow> {
        let year = self.year();
        let units: Vec<RowUnit> = form
            .rows
            .iter()
            .map(|raw| self.row_unit(raw, default))
            .collect();
        let times: Vec<Option<NaiveDateTime>> =
            form.rows.iter().map(|raw| row_time(raw, year)).collect();
        let replaced = if form.column(FormField::SubmittedAt).is_some() {
            latest_wins(self, form, &units, &times)
        } else {
            vec![None; form.rows.len()]
        };
        // Each unit's tasks seen so far (a task twice for one unit is an
        // error, for two units it is not).
        let mut seen: HashMap<UnitName, HashMap<TaskId, (String, u32)>> = HashMap::new();
        let saved_unit = self.unit.take();
        let saved_seen = std::mem::take(&mut self.seen);
        let mut out = Vec::with_capacity(form.rows.len());
        for (i, raw) in form.rows.iter().enumerate() {
            let when = times[i];
            let row = match (&units[i], replaced[i]) {
                (Ok(unit), Some(by)) => {
                    let by = match by {
                        Replaced::By(w) => Some((&form.rows[w], times[w])),
                        Replaced::EarlierPeriod => None,
                    };
                    self.superseded_row(form, raw, unit.clone(), when, by)
                }
                (Err(written), _) => self.unknown_unit_row(form, raw, written),
                (Ok(unit), None) => {
                    let key = unit.clone().unwrap_or_default();
                    self.unit = unit.clone();
                    self.seen = seen.remove(&key).unwrap_or_default();
                    let mut row = self.check_row(form, raw);
                    seen.insert(key, std::mem::take(&mut self.seen));
                    if let (Some(rep), Some(w)) = (row.report.as_mut(), when) {
                        rep.fill_date = Some(w.date());
                    }
                    row.unit = unit.clone();
                    row
                }
            };
            out.push(CheckedRow { when, ..row });
        }
        self.unit = saved_unit;
        self.seen = saved_seen;
        out
    }

    fn row_unit(&self, raw: &RawRow, default: Option<&UnitName>) -> RowUnit {
        let ledger = self.ctx.ledger;
        let written = raw.value(FormField::ReportingUnit).as_text();
        if !written.is_empty() {
            return ledger
                .unit(&written)
                .or_else(|| ledger.find_unit_in(&written))
                .map(|u| Some(u.name.clone()))
                .ok_or(written);
        }
        if let Some(u) = default {
            return Ok(Some(u.clone()));
        }
        let id = raw.value(FormField::Id).as_text();
        Ok(find_task(ledger, &id).map(|t| t.lead_unit.clone()))
    }

    /// A row whose 填报单位 is not a unit of the ledger: rejected.
    fn unknown_unit_row(&mut self, form: &RawForm, raw: &RawRow, written: &str) -> CheckedRow {
        let msg = format!(
            "填报单位“{}”不是台账“单位”表中的单位名称或别名，本行未采用。请选择（填写）单位全称后重新提交；如确是台账中的某个单位，可在台账“单位”表的“别名”列中补充该名称",
            short(written)
        );
        let task = task_label(self, raw);
        let mut issue = Issue::error(IssueCode::RowUnknownUnit, msg.clone())
            .file(self.file.rel.clone())
            .sheet(form.sheet.clone())
            .value(written);
        issue.cell = cell_of(form, raw, FormField::ReportingUnit);
        issue.task = task.clone();
        self.issues.push(issue);
        CheckedRow {
            sheet: form.sheet.clone(),
            row: row1(raw.row),
            task,
            outcome: RowOutcome::Rejected,
            report: None,
            original: form.original(raw),
            reasons: vec![msg],
            office: false,
            unit: None,
            when: None,
        }
    }

    /// An earlier submission of a task the same unit submitted again later
    /// (`newer`: the later row and its time), or an answer given before
    /// the period began (`newer` None: an earlier period's).
    fn superseded_row(
        &mut self,
        form: &RawForm,
        raw: &RawRow,
        unit: Option<UnitName>,
        when: Option<NaiveDateTime>,
        newer: Option<(&RawRow, Option<NaiveDateTime>)>,
    ) -> CheckedRow {
        let task = task_label(self, raw);
        let at = |t: Option<NaiveDateTime>| {
            t.map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_else(|| "时间不详".to_string())
        };
        let msg = match newer {
            Some((row, time)) => format!(
                "{}对任务{}提交了不止一次，已采用第{}行（{}提交）的内容，本行（{}提交）已被替代、未采用",
                unit.as_deref().unwrap_or(""),
                task.as_deref().unwrap_or(""),
                row1(row.row),
                at(time),
                at(when)
            ),
            None => format!(
                "本行于{}提交，早于本期（{}）开始，是往期的答卷，本期未采用",
                at(when),
                self.ctx.period.label()
            ),
        };
        let mut issue = Issue::warning(IssueCode::RowSuperseded, msg)
            .file(self.file.rel.clone())
            .sheet(form.sheet.clone())
            .unit_opt(unit.as_deref())
            .value(raw.value(FormField::SubmittedAt).display());
        issue.cell = cell_of(form, raw, FormField::SubmittedAt);
        issue.task = task.clone();
        self.issues.push(issue);
        CheckedRow {
            sheet: form.sheet.clone(),
            row: row1(raw.row),
            task,
            outcome: RowOutcome::Superseded,
            report: None,
            original: form.original(raw),
            reasons: Vec::new(),
            office: false,
            unit,
            when,
        }
    }
}

/// Why an export's row is not read as this period's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Replaced {
    /// The same unit answered the same task again later (that row).
    By(usize),
    /// Answered before the period began: an earlier period's answer, left
    /// in a download that spans several periods.
    EarlierPeriod,
}

/// For each row, what replaces it: the same unit's latest submission of the
/// same task (by 提交时间, then sheet order), or nothing this period (an
/// answer given before the period began).
fn latest_wins(
    fc: &FileChecker,
    form: &RawForm,
    units: &[RowUnit],
    times: &[Option<NaiveDateTime>],
) -> Vec<Option<Replaced>> {
    let start = fc.ctx.period.start();
    let mut replaced = vec![None; form.rows.len()];
    // (Each group is settled on its own: the map's order does not matter.)
    let mut groups: HashMap<(UnitName, TaskId), Vec<usize>> = HashMap::new();
    for (i, raw) in form.rows.iter().enumerate() {
        let (Ok(Some(unit)), Some(task)) = (&units[i], task_label(fc, raw)) else {
            continue;
        };
        if times[i].is_some_and(|t| t.date() < start) {
            replaced[i] = Some(Replaced::EarlierPeriod);
            continue;
        }
        groups
            .entry((unit.clone(), TaskId::new(&task)))
            .or_default()
            .push(i);
    }
    for rows in groups.values().filter(|g| g.len() > 1) {
        let Some(&w) = rows.iter().max_by_key(|&&i| (times[i], i)) else {
            continue;
        };
        for &i in rows.iter().filter(|&&i| i != w) {
            replaced[i] = Some(Replaced::By(w));
        }
    }
    replaced
}

/// The task as issues name it: the ledger's id when known, else as written.
fn task_label(fc: &FileChecker, raw: &RawRow) -> Option<String> {
    let written = raw.value(FormField::Id).as_text();
    if written.is_empty() {
        return None;
    }
    Some(
        find_task(fc.ctx.ledger, &written)
            .map(|t| t.id.to_string())
            .unwrap_or(written),
    )
}

fn cell_of(form: &RawForm, raw: &RawRow, key: FormField) -> Option<String> {
    raw.get(key)
        .map(|c| c.col)
        .or_else(|| form.column(key).map(|c| c.col))
        .map(|col| a1(raw.row, col))
}

/// When a row was submitted: its 提交时间 (a date and time as the tools
/// write it: an Excel date-time, `2023/4/3 10:15:22`, `2023-04-03 10:15`),
/// else its 填报日期 (at midnight). An unreadable 提交时间 is not the
/// unit's doing and is passed over.
pub(super) fn row_time(raw: &RawRow, year: i32) -> Option<NaiveDateTime> {
    date_time(raw.value(FormField::SubmittedAt), year).or_else(|| {
        parse_date(raw.value(FormField::FillDate), year).map(|d| d.and_time(NaiveTime::MIN))
    })
}

fn date_time(v: &CellValue, year: i32) -> Option<NaiveDateTime> {
    match v {
        CellValue::Date(dt) => Some(*dt),
        CellValue::Number(n) if (1.0..2_958_466.0).contains(n) => {
            let day = excel_serial_date(n.floor())?;
            let secs = ((n - n.floor()) * 86_400.0).round() as u32;
            Some(day.and_time(NaiveTime::from_num_seconds_from_midnight_opt(
                secs.min(86_399),
                0,
            )?))
        }
        CellValue::Text(t) => {
            let date = parse_date(v, year)?;
            let t = crate::text::to_half_width(crate::text::trim(t));
            let time = t
                .split_once([' ', 'T'])
                .map(|(_, rest)| rest.trim())
                .and_then(|rest| {
                    ["%H:%M:%S", "%H:%M"]
                        .iter()
                        .find_map(|f| NaiveTime::parse_from_str(rest, f).ok())
                })
                .unwrap_or(NaiveTime::MIN);
            Some(date.and_time(time))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, mi, s)
            .unwrap()
    }

    #[test]
    fn submission_times_as_the_tools_write_them() {
        let t = |s: &str| date_time(&CellValue::text(s), 2023);
        assert_eq!(t("2023/4/3 10:15:22"), Some(at(2023, 4, 3, 10, 15, 22)));
        assert_eq!(t("2023-04-03 10:15"), Some(at(2023, 4, 3, 10, 15, 0)));
        assert_eq!(t("2023年4月3日"), Some(at(2023, 4, 3, 0, 0, 0)));
        assert_eq!(t("昨天"), None);
        // An Excel date-time serial: 2023-04-03 12:00.
        assert_eq!(
            date_time(&CellValue::Number(45019.5), 2023),
            Some(at(2023, 4, 3, 12, 0, 0))
        );
        assert_eq!(
            date_time(&CellValue::Date(at(2023, 4, 3, 9, 30, 0)), 2023),
            Some(at(2023, 4, 3, 9, 30, 0))
        );
    }

    mod checked {
        use crate::model::IssueCode;
        use crate::schema::FormField;
        use crate::validate::testkit::*;
        use crate::validate::{CheckedFile, RowOutcome};

        fn check(rows: Vec<crate::ingest::RawRow>) -> CheckedFile {
            Env::new().check(&forms_file("收集结果.xlsx", vec![export_form(rows)]))
        }

        fn codes(f: &CheckedFile, code: IssueCode) -> Vec<&crate::model::Issue> {
            f.issues.iter().filter(|i| i.code == code).collect()
        }

        #[test]
        fn each_row_is_its_units() {
            let f = check(vec![
                export_row(1, "区发改局", "ZF-001", "2023-03-30 10:00"),
                export_row(2, CZJ, "ZF-004", "2023/3/31 9:30:00"),
                export_row(3, FGW, "ZF-002", "2023-03-30 10:05"),
            ]);
            assert!(f.export);
            assert_eq!(f.unit, None, "several units");
            assert!(f.issues.iter().all(|i| !i.is_error()), "{:#?}", f.issues);
            let units: Vec<&str> = f.rows.iter().map(|r| r.unit.as_deref().unwrap()).collect();
            assert_eq!(units, [FGW, CZJ, FGW]);
            assert!(f.rows.iter().all(|r| r.outcome == RowOutcome::Accepted));
            let rep = f.rows[1].report.as_ref().unwrap();
            assert_eq!(
                (rep.unit.as_str(), rep.fill_date),
                (CZJ, Some(d(2023, 3, 31)))
            );
            assert_eq!(
                f.submitted,
                Some(dt(2023, 3, 31, 9) + chrono::Duration::minutes(30))
            );
            assert_eq!(f.fill_date, Some(d(2023, 3, 31)));
        }

        #[test]
        fn a_units_latest_submission_of_a_task_wins() {
            // The later answer comes first in the sheet: time, not order, decides.
            let f = check(vec![
                export_row(1, FGW, "ZF-001", "2023-03-30 09:00"),
                export_row(2, FGW, "ZF-001", "2023-03-29 10:00"),
                export_row(3, CZJ, "ZF-004", "2023-03-28 10:00"),
            ]);
            let outcomes: Vec<RowOutcome> = f.rows.iter().map(|r| r.outcome).collect();
            assert_eq!(
                outcomes,
                [
                    RowOutcome::Accepted,
                    RowOutcome::Superseded,
                    RowOutcome::Accepted
                ]
            );
            let s = codes(&f, IssueCode::RowSuperseded);
            assert_eq!(s.len(), 1);
            assert_eq!(s[0].cell.as_deref(), Some("P3"));
            assert_eq!(s[0].unit.as_deref(), Some(FGW));
            assert!(s[0].message.contains("第2行"), "{}", s[0].message);
            assert!(codes(&f, IssueCode::RowDuplicateTask).is_empty());
            // The same task for two units is no repeat.
            let f = check(vec![
                export_row(1, FGW, "ZF-004", "2023-03-30 09:00"),
                export_row(2, CZJ, "ZF-004", "2023-03-29 10:00"),
            ]);
            assert!(codes(&f, IssueCode::RowSuperseded).is_empty());
            assert_eq!(codes(&f, IssueCode::RowNotAssigned).len(), 1);
            assert_eq!(f.rows[1].outcome, RowOutcome::Accepted);
        }

        #[test]
        fn answers_given_before_the_period_are_an_earlier_periods() {
            let f = check(vec![
                export_row(1, FGW, "ZF-001", "2023-02-27 10:00"),
                export_row(2, FGW, "ZF-002", "2023-02-27 10:00"),
                export_row(3, FGW, "ZF-002", "2023-03-30 10:00"),
            ]);
            let outcomes: Vec<RowOutcome> = f.rows.iter().map(|r| r.outcome).collect();
            assert_eq!(
                outcomes,
                [
                    RowOutcome::Superseded,
                    RowOutcome::Superseded,
                    RowOutcome::Accepted
                ]
            );
            let s = codes(&f, IssueCode::RowSuperseded);
            assert_eq!(s.len(), 2);
            assert!(s[0].message.contains("往期"), "{}", s[0].message);
            assert_eq!(f.fill_date, Some(d(2023, 3, 30)));
        }

        #[test]
        fn unknown_units_other_units_tasks_and_blank_cells() {
            let f = check(vec![
                export_row(1, "区文旅局", "ZF-001", "2023-03-30 09:00"),
                export_row(2, CZJ, "ZF-001", "2023-03-30 09:00"),
                export_row(3, "", "ZF-006", "2023-03-30 09:00"),
            ]);
            let u = codes(&f, IssueCode::RowUnknownUnit);
            assert_eq!(u.len(), 1);
            assert_eq!(
                (u[0].cell.as_deref(), u[0].unit.as_deref()),
                (Some("O2"), None)
            );
            assert_eq!(u[0].value.as_deref(), Some("区文旅局"));
            assert_eq!(f.rows[0].outcome, RowOutcome::Rejected);
            assert_eq!(f.rows[0].unit, None);
            let na = codes(&f, IssueCode::RowNotAssigned);
            assert_eq!(na[0].unit.as_deref(), Some(CZJ));
            // A blank 填报单位: the task's lead unit.
            assert_eq!(f.rows[2].unit.as_deref(), Some(ZJJ));
            assert_eq!(f.rows[2].outcome, RowOutcome::Accepted);
            assert!(codes(&f, IssueCode::FileUnknownUnit).is_empty());
        }

        #[test]
        fn without_a_time_column_a_repeat_is_a_duplicate_and_an_empty_unit_column_is_a_form() {
            let mut form = export_form(vec![
                export_row(1, FGW, "ZF-001", ""),
                export_row(2, FGW, "ZF-001", ""),
            ]);
            form.columns.retain(|c| c.key != FormField::SubmittedAt);
            let f = Env::new().check(&forms_file("x.xlsx", vec![form]));
            assert_eq!(codes(&f, IssueCode::RowDuplicateTask).len(), 1);
            assert!(codes(&f, IssueCode::RowSuperseded).is_empty());
            // A 填报单位 column nobody filled: an ordinary form of the file's unit.
            let f = Env::new().check(&forms_file(
                "区发改局-3月.xlsx",
                vec![export_form(vec![export_row(1, "", "ZF-001", "")])],
            ));
            assert!(!f.export);
            assert_eq!(f.unit.as_deref(), Some(FGW));
            // A column headed 单位 holding units of measure: an ordinary form.
            let f = Env::new().check(&forms_file(
                "区发改局-3月.xlsx",
                vec![export_form(vec![
                    export_row(1, "万元", "ZF-001", ""),
                    export_row(2, "个", "ZF-002", ""),
                ])],
            ));
            assert!(!f.export);
            assert!(f.issues.iter().all(|i| i.code != IssueCode::RowUnknownUnit));
            assert_eq!(f.rows.iter().filter(|r| r.report.is_some()).count(), 2);
        }
    }
}
