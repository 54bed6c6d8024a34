//! 校验问题: every issue found, the ledger's first, errors highlighted.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::table::{put_row, table, Col};
use crate::model::Severity;
use crate::pipeline::RunResult;
use crate::report::figures::Figures;
use crate::report::xlsx::{Fill, Kind, Page, Sheet, Val};

const COLS: [Col; 9] = [
    ("文件", Kind::Wrap),
    ("工作表", Kind::Text),
    ("单元格", Kind::Center),
    ("单位", Kind::Wrap),
    ("编号", Kind::Text),
    ("级别", Kind::Center),
    ("代码", Kind::Text),
    ("说明", Kind::Wrap),
    ("原值", Kind::Wrap),
];

pub(crate) fn build(r: &RunResult, _: &Figures, mut s: Sheet) -> Result<Worksheet, XlsxError> {
    s.set_page(Page::SHEET);
    s.width_bounds(6.0, 50.0);
    let all = r.ledger_issues.iter().chain(&r.merged.issues);
    table(&mut s, 0, &COLS, all, |s, row, x| {
        let fill = if x.severity == Severity::Error {
            Fill::Alert
        } else {
            Fill::None
        };
        put_row(
            s,
            row,
            &COLS,
            fill,
            [
                Val::from(x.file.as_ref()),
                Val::from(x.sheet.as_ref()),
                Val::from(x.cell.as_ref()),
                Val::from(x.unit.as_ref()),
                Val::from(x.task.as_ref()),
                Val::Str(x.severity.label()),
                Val::Str(x.code.as_str()),
                Val::Str(&x.message),
                Val::from(x.value.as_ref()),
            ],
        )
    })?;
    Ok(s.finish())
}
