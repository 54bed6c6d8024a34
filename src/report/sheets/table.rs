//! What the table sheets share: a table with its header, rows, frozen
//! header, filter and printed header; one row of values by column kind; the
//! note on a 亮牌 header cell.

use rust_xlsxwriter::{Note, XlsxError};

use crate::report::figures::Figures;
use crate::report::xlsx::{Fill, Kind, Sheet, Val};

/// A column of a table: header and kind of its cells.
pub(crate) type Col = (&'static str, Kind);

/// Write a table: header at `header_row`, rows below, frozen header, filter,
/// header repeated on every printed page. Returns the last row written.
///
/// A streamed sheet (see [`Sheet::streaming`]) goes over the rows twice:
/// once to size the columns, once to write.
pub(crate) fn table<'f, R>(
    s: &mut Sheet<'f>,
    header_row: u32,
    cols: &[(&str, Kind)],
    rows: impl IntoIterator<Item = R> + Clone,
    mut write: impl FnMut(&mut Sheet<'f>, u32, R) -> Result<(), XlsxError>,
) -> Result<u32, XlsxError> {
    let headers: Vec<&str> = cols.iter().map(|c| c.0).collect();
    if s.is_measuring() {
        s.header(header_row, &headers)?;
        let mut row = header_row;
        for item in rows.clone() {
            row += 1;
            write(s, row, item)?;
        }
        s.begin_writing();
    }
    s.header(header_row, &headers)?;
    let mut row = header_row;
    for item in rows {
        row += 1;
        write(s, row, item)?;
    }
    s.table_chrome(header_row, cols.len() as u16, row)?;
    Ok(row)
}

/// Write one row of `cols.len()` values with the column kinds and a row fill.
pub(crate) fn put_row<'v>(
    s: &mut Sheet,
    row: u32,
    cols: &[(&str, Kind)],
    fill: Fill,
    vals: impl IntoIterator<Item = Val<'v>>,
) -> Result<(), XlsxError> {
    for (c, v) in vals.into_iter().enumerate() {
        let kind = cols.get(c).map(|x| x.1).unwrap_or(Kind::Text);
        s.put(row, c as u16, v, kind, fill)?;
    }
    Ok(())
}

/// The column of `header` in `cols`.
pub(crate) fn col_of(cols: &[Col], header: &str) -> Option<u16> {
    cols.iter().position(|c| c.0 == header).map(|c| c as u16)
}

/// The tasks' group (分组) column of a task list: after 编号, as in 台账汇总,
/// when the ledger has groups ([`Figures::groups`] not empty); no column
/// otherwise.
#[derive(Debug, Clone, Copy)]
pub struct GroupCol {
    /// Where the column goes, when there is one.
    at: Option<usize>,
}

/// Header of the group column.
pub const GROUP_HEADER: &str = "分组";

impl GroupCol {
    pub fn of(f: &Figures, cols: &[Col]) -> GroupCol {
        let after_id = col_of(cols, "编号").map_or(0, |c| c as usize + 1);
        GroupCol {
            at: (!f.groups.is_empty()).then_some(after_id),
        }
    }

    /// Whether the list has the column.
    pub fn shown(self) -> bool {
        self.at.is_some()
    }

    /// `cols` with the group column in its place.
    pub fn cols(self, cols: &[Col]) -> Vec<Col> {
        let mut v = cols.to_vec();
        if let Some(at) = self.at {
            v.insert(at, (GROUP_HEADER, Kind::Wrap));
        }
        v
    }

    /// A row's values with the task's group in its place.
    pub fn row<'v>(
        self,
        vals: impl IntoIterator<Item = Val<'v>>,
        group: Option<&'v String>,
    ) -> Vec<Val<'v>> {
        let mut v: Vec<Val> = vals.into_iter().collect();
        if let Some(at) = self.at {
            v.insert(at, Val::from(group));
        }
        v
    }
}

/// Empty when `v` is, else its items joined by `sep`.
pub(crate) fn joined<'v>(v: &[String], sep: &str) -> Val<'v> {
    if v.is_empty() {
        Val::Empty
    } else {
        Val::Owned(v.join(sep))
    }
}

/// A note on the 亮牌 header cell: what the row colours mean, with the rules.
pub(crate) fn card_note(f: &Figures) -> Note {
    let mut text = String::from("行底色即亮牌颜色：");
    for (c, rule) in &f.card_legend {
        text.push_str(&format!("\n{}：{}", c.label(), rule));
    }
    Note::new(text)
        .add_author_prefix(false)
        .set_width(360)
        .set_height(160)
}
