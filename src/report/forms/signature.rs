//! The form's signature block: 填报人、联系电话、填报日期 and 单位负责人（签字）,
//! once below the table instead of a column each on every row. Labels are
//! locked, the answer cells unlocked and tinted like the table's. Read back,
//! it is the form's footer: the fill date and the three names come from
//! these lines (`validate::ident::signature_on_lines`).
//!
//! Layout (two rows, columns of the form's printed part):
//!
//! ```text
//! | 填报人：(A–B) | name (C) | 联系电话：(D–E) | phone (F–G) | 填报日期：(H–I) | date (J–K) |
//! | 单位负责人（签字）：(A–C)  | name (D–E)                                            |
//! ```

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, XlsxError};

use super::FormSpec;
use crate::report::xlsx::{Sheet, Val};

/// The labels of the block, as written (and read back).
pub(crate) const FILLER: &str = "填报人：";
pub(crate) const PHONE: &str = "联系电话：";
pub(crate) const FILL_DATE: &str = "填报日期：";
pub(crate) const HEAD: &str = "单位负责人（签字）：";

/// Height of the block's rows (points): room to sign by hand.
const ROW_HEIGHT: f64 = 26.0;

/// (label, first and last column of the label, first and last column of
/// the answer) of each row of the block.
type Slot = (&'static str, u16, u16, u16, u16);
const FIRST_ROW: [Slot; 3] = [
    (FILLER, 0, 1, 2, 2),
    (PHONE, 3, 4, 5, 6),
    (FILL_DATE, 7, 8, 9, 10),
];
const SECOND_ROW: [Slot; 1] = [(HEAD, 0, 2, 3, 4)];

/// Write the block from `row` (two rows); returns the last row written.
/// 填报人, 联系电话 and 单位负责人 are pre-filled from the unit's last reports,
/// else from the ledger's 单位 sheet (联系人、联系电话); the date never is.
pub(crate) fn write(s: &mut Sheet, spec: &FormSpec, row: u32) -> Result<u32, XlsxError> {
    let label = Format::new()
        .set_font_name("宋体")
        .set_font_size(11)
        .set_bold()
        .set_align(FormatAlign::Right)
        .set_align(FormatAlign::VerticalCenter);
    let answer = Format::new()
        .set_font_name("宋体")
        .set_font_size(11)
        .set_border_bottom(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter)
        .set_unlocked()
        .set_background_color(Color::RGB(super::ANSWER_FILL));
    let date_fmt = answer
        .clone()
        .set_num_format("yyyy-mm-dd")
        .set_align(FormatAlign::Center);
    let (filler, phone, head) = prefill(spec);
    for (r, slots) in [(row, &FIRST_ROW[..]), (row + 1, &SECOND_ROW[..])] {
        s.row_height(r, ROW_HEIGHT)?;
        for &(text, l0, l1, a0, a1) in slots {
            s.merge(r, l0, l1, text, &label)?;
            let value = match text {
                FILLER => filler.as_str(),
                PHONE => phone.as_str(),
                HEAD => head.as_str(),
                _ => "",
            };
            let fmt = if text == FILL_DATE {
                &date_fmt
            } else {
                &answer
            };
            if a0 == a1 {
                let v = if value.is_empty() {
                    Val::Empty
                } else {
                    Val::Str(value)
                };
                s.put_fmt(r, a0, v, fmt)?;
            } else {
                s.merge(r, a0, a1, value, fmt)?;
            }
            if text == FILL_DATE && !s.is_measuring() {
                let dv = super::form::date_validation("填报日期")?;
                s.ws.add_data_validation(r, a0, r, a1, &dv)?;
            }
        }
    }
    Ok(row + 1)
}

/// 填报人, 联系电话 and 单位负责人 to pre-fill: the first given in the unit's
/// last reports (in task order), else the unit's contact on the ledger.
fn prefill(spec: &FormSpec) -> (String, String, String) {
    let last = |f: fn(&crate::validate::Report) -> &String| {
        spec.tasks
            .iter()
            .filter_map(|t| spec.prefill.get(t.id.as_str()))
            .map(|r| f(r).trim())
            .find(|v| !v.is_empty())
            .map(str::to_string)
    };
    let filler = last(|r| &r.filler).unwrap_or_else(|| spec.unit.contact.trim().to_string());
    let phone = last(|r| &r.phone).unwrap_or_else(|| spec.unit.phone.trim().to_string());
    let head = last(|r| &r.head).unwrap_or_default();
    (filler, phone, head)
}
