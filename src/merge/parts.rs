//! A collection-tool export holds many units' submissions in one file: the
//! merge treats each unit's rows as that unit's own submission (superseded
//! by, or superseding, the unit's other files by date, late on its own), and
//! lists the file once, with the units it held.

use std::collections::BTreeMap;

use super::{FileOutcome, FileRecord};
use crate::schema::UnitName;
use crate::validate::{CheckedFile, RowOutcome};

/// One submission per unit of an export (its rows in sheet order, the
/// issues naming the unit; the rows of no unit and the file's own issues
/// in a part of no unit, or the first part); any other file as it is.
/// Parts come in the order of their unit's name, the part of no unit first.
pub(super) fn split(f: CheckedFile) -> Vec<CheckedFile> {
    if !f.export || f.rows.is_empty() {
        return vec![f];
    }
    let CheckedFile {
        file,
        state,
        period,
        sheets,
        rows,
        issues,
        ..
    } = f;
    let mut by_unit: BTreeMap<Option<String>, (Option<UnitName>, Vec<_>)> = BTreeMap::new();
    for row in rows {
        let key = row.unit.as_ref().map(|u| u.to_string());
        by_unit
            .entry(key)
            .or_insert_with(|| (row.unit.clone(), Vec::new()))
            .1
            .push(row);
    }
    let mut parts: Vec<CheckedFile> = by_unit
        .into_values()
        .map(|(unit, rows)| {
            let submitted = rows
                .iter()
                .filter(|r| r.outcome != RowOutcome::Superseded)
                .filter_map(|r| r.when)
                .max();
            CheckedFile {
                file: file.clone(),
                state,
                unit,
                period,
                fill_date: submitted.map(|t| t.date()),
                sheets: sheets.clone(),
                rows,
                issues: Vec::new(),
                export: true,
                submitted,
                unreadable: None,
            }
        })
        .collect();
    for issue in issues {
        let at = parts
            .iter()
            .position(|p| p.unit.is_some() && p.unit.as_deref() == issue.unit.as_deref())
            .unwrap_or(0);
        parts[at].issues.push(issue);
    }
    parts
}

/// The records of an export's parts (adjacent, same path) made one again:
/// rows added up, its units listed, accepted when any part was, late when
/// an accepted part was. Other records pass through.
pub(super) fn combine(records: Vec<FileRecord>) -> Vec<FileRecord> {
    let mut out: Vec<FileRecord> = Vec::with_capacity(records.len());
    for rec in records {
        match out.last_mut() {
            Some(last) if rec.export && last.export && last.file.rel == rec.file.rel => {
                join(last, rec);
            }
            _ => out.push(rec),
        }
    }
    for rec in out.iter_mut().filter(|r| r.export) {
        rec.unit = match rec.units.as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        };
    }
    out
}

fn join(into: &mut FileRecord, part: FileRecord) {
    into.rows_read += part.rows_read;
    into.accepted += part.accepted;
    into.rejected += part.rejected;
    into.superseded += part.superseded;
    into.late |= part.late;
    into.fill_date = into.fill_date.max(part.fill_date);
    for u in part.units {
        if !into.units.contains(&u) {
            into.units.push(u);
        }
    }
    into.units.sort();
    let rank = |o: FileOutcome| match o {
        FileOutcome::Accepted => 3,
        FileOutcome::Rejected => 2,
        FileOutcome::Superseded => 1,
        FileOutcome::Ignored => 0,
    };
    if rank(part.outcome) > rank(into.outcome) {
        into.outcome = part.outcome;
    }
    if into.outcome != FileOutcome::Superseded {
        into.superseded_by = None;
    } else if into.superseded_by.is_none() {
        into.superseded_by = part.superseded_by;
    }
    if into.error.is_none() {
        into.error = part.error;
    }
}
