//! 退回明细: every rejected row, why, and what it held.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::table::{put_row, table, Col};
use crate::pipeline::RunResult;
use crate::report::figures::{original_text, Figures};
use crate::report::xlsx::{Fill, Kind, Page, Sheet, Val};

const COLS: [Col; 9] = [
    ("序号", Kind::Int),
    ("文件", Kind::Wrap),
    ("工作表", Kind::Text),
    ("行号", Kind::Int),
    ("单位", Kind::Wrap),
    ("编号", Kind::Text),
    ("退回原因", Kind::Wrap),
    ("处理", Kind::Wrap),
    ("原始内容（表头：值）", Kind::Wrap),
];

pub(crate) fn build(r: &RunResult, _: &Figures, mut s: Sheet) -> Result<Worksheet, XlsxError> {
    s.set_page(Page::SHEET);
    s.width_bounds(6.0, 60.0);
    let rows = r.merged.rejected.iter().enumerate();
    table(&mut s, 0, &COLS, rows, |s, row, (i, x)| {
        put_row(
            s,
            row,
            &COLS,
            Fill::None,
            [
                Val::Int(i as i64 + 1),
                Val::Str(&x.file),
                Val::Str(&x.sheet),
                Val::Int(x.row as i64),
                Val::from(x.unit.as_ref()),
                Val::from(x.task.as_ref()),
                Val::Owned(x.reasons.join("；")),
                Val::Str(if x.office {
                    "台账待更正，暂不处理（不扣分）"
                } else {
                    "退回单位修改"
                }),
                Val::Owned(original_text(&x.original)),
            ],
        )
    })?;
    Ok(s.finish())
}
