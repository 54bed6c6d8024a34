//! The unit form (反馈表) written by `duban forms` and, pre-filled, as next
//! period's form ([`form`]); and the blank master ledger written by `duban
//! init` ([`ledger_template`]).

pub(crate) mod form;
pub(crate) mod ledger_template;
pub(crate) mod set;
pub(crate) mod signature;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::NaiveDate;

pub(crate) use form::{write_form, ANSWER_FILL};
pub(crate) use ledger_template::write_ledger_template;
pub(crate) use set::write_form_set;

use crate::calendar::Calendar;
use crate::due::{DueRule, Expected};
use crate::model::{Ledger, Task, Unit};
use crate::period::Period;
use crate::pipeline::RunResult;
use crate::validate::Report;

/// What one unit's form holds.
pub(crate) struct FormSpec<'a> {
    pub(crate) unit: &'a Unit,
    pub(crate) period: Period,
    /// Tasks due this period, in ledger order.
    pub(crate) tasks: Vec<&'a Task>,
    /// Effective deadlines by task id (完成时限 or derived).
    pub(crate) deadlines: BTreeMap<String, NaiveDate>,
    /// Last reports by task id, to pre-fill (next period's forms); empty for a fresh form.
    pub(crate) prefill: BTreeMap<String, std::sync::Arc<Report>>,
    /// Which period (and round) `prefill` is from, as the instructions name
    /// it (`2026年11月（第2轮）`); empty: 上期.
    pub(crate) prefilled_from: String,
    /// Reporting deadline shown in the instructions.
    pub(crate) report_deadline: NaiveDate,
    /// Written into the metadata sheet (keep deterministic: pass the as-of date, not now()).
    pub(crate) generated: String,
}

/// One form per unit with tasks due in `period` (`expected`, see
/// [`crate::due`]: never a closed task; units without any are left out), in
/// ledger order. `prefill` holds last reports by task id (empty for fresh
/// forms); `generated` goes into the metadata (pass a date, not now()).
pub(crate) fn form_specs<'a>(
    ledger: &'a Ledger,
    period: Period,
    cal: &Calendar,
    expected: &Expected,
    prefill: &BTreeMap<String, std::sync::Arc<Report>>,
    report_deadline: NaiveDate,
    generated: &str,
) -> Vec<FormSpec<'a>> {
    ledger
        .units
        .iter()
        .filter_map(|unit| {
            let tasks: Vec<&Task> = ledger
                .tasks_of(&unit.name)
                .filter(|t| expected.is_due(&t.id))
                .collect();
            if tasks.is_empty() {
                return None;
            }
            Some(FormSpec {
                unit,
                period,
                deadlines: tasks
                    .iter()
                    .filter_map(|t| cal.effective_deadline(t).map(|d| (t.id.to_string(), d)))
                    .collect(),
                prefill: tasks
                    .iter()
                    .filter_map(|t| {
                        prefill
                            .get(t.id.as_str())
                            .map(|r| (t.id.to_string(), r.clone()))
                    })
                    .collect(),
                tasks,
                report_deadline,
                generated: generated.to_string(),
                prefilled_from: String::new(),
            })
        })
        .collect()
}

/// Next period's forms (下期表单), pre-filled with this run's accepted
/// reports, without the tasks closed (销号) by the end of this period.
pub(crate) fn write_next_forms(r: &RunResult, dir: &Path) -> Result<Vec<PathBuf>> {
    let next = r.period.next();
    let cal = Calendar::new(
        &r.config.holidays,
        &r.config.workdays,
        r.config.default_working_days,
    );
    // Due next period: by cadence, or overdue / near the deadline as of its
    // last day and not done by now; never a task closed (销号) by now.
    let done: BTreeSet<&str> = r
        .scored
        .tasks
        .iter()
        .filter(|t| t.done)
        .map(|t| t.id.as_str())
        .collect();
    let closed: BTreeSet<&str> = r
        .scored
        .tasks
        .iter()
        .filter(|t| t.closed())
        .map(|t| t.id.as_str())
        .collect();
    let expected = DueRule {
        period: next,
        as_of: next.end(),
        calendar: &cal,
        near_deadline_days: r.config.near_deadline_days,
    }
    .expected(&r.ledger, |id| done.contains(id))
    .without(|id| closed.contains(id));
    let specs = form_specs(
        &r.ledger,
        next,
        &cal,
        &expected,
        &r.merged.reports,
        // A configured report_deadline belongs to this period; the next follows the default rule.
        next.end() + chrono::Duration::days(r.config.deadline_days as i64),
        &r.as_of.to_string(),
    );
    let set = write_form_set(&prefilled_from(specs, &r.period_title()), dir)?;
    Ok(set.written)
}

/// The specs with the period (and round) their pre-filled reports are from.
pub(crate) fn prefilled_from<'a>(mut specs: Vec<FormSpec<'a>>, from: &str) -> Vec<FormSpec<'a>> {
    for s in &mut specs {
        s.prefilled_from = from.to_string();
    }
    specs
}
