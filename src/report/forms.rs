//! The unit form (反馈表) written by `duban forms` and, pre-filled, as next
//! period's form; and the blank master ledger written by `duban init`.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;
use chrono::NaiveDate;

use crate::model::{Task, Unit};
use crate::period::Period;
use crate::validate::Report;

/// What one unit's form holds.
pub struct FormSpec<'a> {
    pub unit: &'a Unit,
    pub period: Period,
    /// Tasks due this period, in ledger order.
    pub tasks: Vec<&'a Task>,
    /// Effective deadlines by task id (完成时限 or derived).
    pub deadlines: BTreeMap<String, NaiveDate>,
    /// Last reports by task id, to pre-fill (next period's forms); empty for a fresh form.
    pub prefill: BTreeMap<String, Report>,
    /// Reporting deadline shown in the instructions.
    pub report_deadline: NaiveDate,
    /// Written into the metadata sheet (keep deterministic: pass the as-of date, not now()).
    pub generated: String,
}

/// Write one unit's form.
pub fn write_form(spec: &FormSpec, path: &Path) -> Result<()> {
    let _ = (spec, path);
    todo!("report::forms::write_form")
}

/// Write a blank master ledger (台账, 节点, 单位, 评价 with headers, dropdowns, one example row).
pub fn write_ledger_template(path: &Path) -> Result<()> {
    let _ = path;
    todo!("report::forms::write_ledger_template")
}
