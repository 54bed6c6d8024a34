//! Planned progress (序时进度).

use chrono::{Datelike, NaiveDate};

use crate::calendar::Calendar;
use crate::model::Task;

/// Planned progress (序时进度) of a task at `as_of`, 0–100.
///
/// * End = effective deadline (完成时限, else 交办日期 + the configured working
///   days). A task with no deadline at all has no plan: 0.
/// * Start = 开始日期, else 交办日期, else 1 January of the deadline's year.
///   A start after the deadline is moved to the deadline.
/// * 0 on or before the start, 100 on or after the deadline; in between,
///   piecewise-linear in calendar days through the points (start, 0%),
///   each milestone (date, planned %), (deadline, 100%).
/// * Milestones dated on/before the start or on/after the deadline are ignored
///   (the end points are fixed); planned percents are clamped to 0–100 and made
///   non-decreasing (a milestone below an earlier one is raised to it); of two
///   milestones on the same date the higher wins.
pub(crate) fn planned_progress(task: &Task, cal: &Calendar, as_of: NaiveDate) -> f64 {
    let Some(end) = cal.effective_deadline(task) else {
        return 0.0;
    };
    let start = cal
        .effective_start(task)
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(end.year(), 1, 1).unwrap_or(end))
        .min(end);
    if as_of >= end {
        return 100.0;
    }
    if as_of <= start {
        return 0.0;
    }
    let mut ms: Vec<(NaiveDate, f64)> = task
        .milestones
        .iter()
        .filter(|m| m.date > start && m.date < end && m.planned.is_finite())
        .map(|m| (m.date, m.planned.clamp(0.0, 100.0)))
        .collect();
    ms.sort_by_key(|m| m.0);
    let mut points: Vec<(NaiveDate, f64)> = vec![(start, 0.0)];
    for (d, p) in ms {
        let floor = points.last().map_or(0.0, |l| l.1);
        let p = p.max(floor);
        match points.last_mut() {
            Some(last) if last.0 == d => last.1 = p,
            _ => points.push((d, p)),
        }
    }
    points.push((end, 100.0));
    for w in points.windows(2) {
        let ((d0, p0), (d1, p1)) = (w[0], w[1]);
        if as_of >= d0 && as_of <= d1 {
            let span = (d1 - d0).num_days() as f64;
            let done = (as_of - d0).num_days() as f64;
            return p0 + (p1 - p0) * done / span;
        }
    }
    100.0
}
