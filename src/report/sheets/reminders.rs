//! 督办提示: tasks overdue, near their deadline, or due to report (and
//! each task's group, when the ledger has groups).

use std::collections::HashMap;

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::table::{put_row, table, Col, GroupCol};
use crate::model::Card;
use crate::pipeline::RunResult;
use crate::report::figures::{days_left, reminder_label, Figures};
use crate::report::xlsx::{Fill, Kind, Page, Sheet, Val};
use crate::score::ReminderKind;

const COLS: [Col; 10] = [
    ("提示类别", Kind::Center),
    ("编号", Kind::Text),
    ("事项名称", Kind::Wrap),
    ("星级", Kind::Int),
    ("牵头领导", Kind::Text),
    ("牵头单位", Kind::Wrap),
    ("完成时限", Kind::Date),
    ("剩余天数", Kind::Int),
    ("时限情况", Kind::Center),
    ("提示内容", Kind::Wrap),
];

pub(crate) fn build(r: &RunResult, f: &Figures, mut s: Sheet) -> Result<Worksheet, XlsxError> {
    s.set_page(Page::SHEET);
    s.width_bounds(6.0, 50.0);
    let group = GroupCol::of(f, &COLS);
    let cols = group.cols(&COLS);
    // A reminder names its task by id: its group is the ledger's.
    let groups: HashMap<&str, &String> = if group.shown() {
        let tasks = r.scored.tasks.iter();
        tasks
            .filter_map(|t| Some((t.id.as_str(), t.group.as_ref()?)))
            .collect()
    } else {
        HashMap::new()
    };
    table(&mut s, 0, &cols, &f.reminders, |s, row, x| {
        let fill = match x.kind {
            ReminderKind::Overdue => Fill::Alert,
            ReminderKind::NearDeadline => Fill::Card(Card::Yellow),
            ReminderKind::Cadence => Fill::None,
        };
        let vals = [
            Val::Str(reminder_label(x.kind)),
            Val::Str(&x.task),
            Val::Str(&x.title),
            Val::Int(x.stars as i64),
            Val::Str(&x.leader),
            Val::Str(&x.unit),
            x.deadline.into(),
            Val::from(x.days_left),
            Val::from(days_left(x.days_left)),
            Val::Str(&x.note),
        ];
        let g = groups.get(x.task.as_str()).copied();
        put_row(s, row, &cols, fill, group.row(vals, g))
    })?;
    Ok(s.finish())
}
