//! 督办提示: tasks overdue, near their deadline, or due to report.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::table::{put_row, table, Col};
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

pub(crate) fn build(_: &RunResult, f: &Figures, mut s: Sheet) -> Result<Worksheet, XlsxError> {
    s.set_page(Page::SHEET);
    s.width_bounds(6.0, 50.0);
    table(&mut s, 0, &COLS, &f.reminders, |s, row, x| {
        let fill = match x.kind {
            ReminderKind::Overdue => Fill::Alert,
            ReminderKind::NearDeadline => Fill::Card(Card::Yellow),
            ReminderKind::Cadence => Fill::None,
        };
        put_row(
            s,
            row,
            &COLS,
            fill,
            [
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
            ],
        )
    })?;
    Ok(s.finish())
}
