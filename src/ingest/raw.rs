//! What ingest hands to validate: each form sheet's header and data rows,
//! every matched cell keyed by its column ([`crate::schema`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::schema::a1;
use crate::schema::{Field, FormField};
use crate::value::CellValue;

/// A cell as read, with where a merged-area fill came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub(crate) struct RawCell {
    /// 0-based column.
    pub(crate) col: u32,
    pub(crate) value: CellValue,
    /// Some((row, col)) (0-based) when this value was copied down/across from
    /// the top-left cell of a merged area.
    pub(crate) merged_from: Option<(u32, u32)>,
}

/// The matched cells of a row by column: a short list (a dozen columns)
/// searched by column, lighter than a map for the 50,000 rows of a large batch.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cells<F = FormField>(Vec<(F, RawCell)>);

impl<F> Default for Cells<F> {
    fn default() -> Self {
        Cells(Vec::new())
    }
}

impl<F: Field> Cells<F> {
    pub(crate) fn with_capacity(n: usize) -> Cells<F> {
        Cells(Vec::with_capacity(n))
    }
    pub(crate) fn get(&self, key: F) -> Option<&RawCell> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, c)| c)
    }
    /// Set the cell of `key` (replacing one already there).
    pub(crate) fn insert(&mut self, key: F, cell: RawCell) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = cell,
            None => self.0.push((key, cell)),
        }
    }
    #[cfg(test)]
    pub(crate) fn remove(&mut self, key: F) -> Option<RawCell> {
        let i = self.0.iter().position(|(k, _)| *k == key)?;
        Some(self.0.remove(i).1)
    }
    pub(crate) fn iter(&self) -> impl Iterator<Item = (F, &RawCell)> + '_ {
        self.0.iter().map(|(k, c)| (*k, c))
    }
}

impl<F: Field> Serialize for Cells<F> {
    /// A map by column key, in key order.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut sorted: Vec<_> = self.iter().collect();
        sorted.sort_by_key(|(k, _)| k.key());
        s.collect_map(sorted.into_iter().map(|(k, c)| (k.key(), c)))
    }
}

/// A data row of a form (or of a ledger sheet): every matched column's cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(bound = "F: Field")]
pub struct RawRow<F = FormField> {
    /// 0-based sheet row.
    pub(crate) row: u32,
    /// Matched columns → cell.
    pub(crate) cells: Cells<F>,
    /// The row's other non-empty cells (unmatched or duplicate columns), by
    /// 0-based column: with `cells`, everything [`RawForm::original`] shows.
    pub(crate) extra: Vec<(u32, CellValue)>,
}

impl<F> Default for RawRow<F> {
    fn default() -> Self {
        RawRow {
            row: 0,
            cells: Cells::default(),
            extra: Vec::new(),
        }
    }
}

impl<F: Field> RawRow<F> {
    pub(crate) fn get(&self, key: F) -> Option<&RawCell> {
        self.cells.get(key)
    }
    /// The value of a column: empty when the cell is blank or the sheet has
    /// no such column.
    pub(crate) fn value(&self, key: F) -> &CellValue {
        static EMPTY: CellValue = CellValue::Empty;
        self.cells.get(key).map(|c| &c.value).unwrap_or(&EMPTY)
    }
}

/// A header column matched to a column definition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct MatchedColumn<F = FormField> {
    /// The column it was matched to.
    pub(crate) key: F,
    /// 0-based column.
    pub(crate) col: u32,
    /// The header text as written (two-row headers joined).
    pub(crate) header: String,
}

/// Identity stored by `duban forms` in the hidden metadata sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub(crate) struct FormMeta {
    pub(crate) unit: String,
    pub(crate) period: String,
    pub(crate) version: String,
    pub(crate) generated: String,
}

/// One sheet of a workbook that looks like a form.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct RawForm {
    pub(crate) sheet: String,
    pub(crate) meta: Option<FormMeta>,
    /// Non-empty text of the rows above the header, top-down (title, `填报单位：…` line).
    pub(crate) preamble: Vec<String>,
    /// Non-empty text found below the data (signature lines such as
    /// `填报人：张三  填报日期：2023年3月31日`), top-down.
    pub(crate) footer: Vec<String>,
    /// 0-based row of the header (the lower row of a two-row header).
    pub(crate) header_row: u32,
    /// 0-based first row of the header (== header_row unless two rows were joined).
    pub(crate) header_first_row: u32,
    pub(crate) columns: Vec<MatchedColumn>,
    /// Columns whose key was already taken by an earlier column (ignored).
    pub(crate) duplicate_columns: Vec<MatchedColumn>,
    /// Required columns not found.
    pub(crate) missing_required: Vec<FormField>,
    /// Header text of every non-empty header column, matched or not.
    pub(crate) header_texts: BTreeMap<u32, String>,
    /// Data rows (blank rows and trailing notes already skipped).
    pub rows: Vec<RawRow>,
    /// Some(n): the sheet holds values at or below 0-based row n
    /// (`Limits::max_rows`) that were not read; validation rejects the form
    /// (`FILE_TOO_LARGE`) rather than lose those rows silently.
    #[serde(default)]
    pub(crate) truncated_at: Option<u32>,
}

impl RawForm {
    pub(crate) fn column(&self, key: FormField) -> Option<&MatchedColumn> {
        self.columns.iter().find(|c| c.key == key)
    }

    /// Every non-empty cell of a row of this form as (header text, original
    /// value), in column order — what 退回明细 shows of a rejected row.
    pub(crate) fn original(&self, raw: &RawRow) -> Vec<(String, String)> {
        original(&self.header_texts, raw)
    }
}

/// Every non-empty cell of a data row as (header text, original value), in
/// column order: its matched cells and its `extra` ones, headed by the
/// header's text of the column (or its letter when the header cell is blank).
pub(crate) fn original<F: Field>(
    texts: &BTreeMap<u32, String>,
    raw: &RawRow<F>,
) -> Vec<(String, String)> {
    let mut cells: Vec<(u32, &CellValue)> = raw
        .cells
        .iter()
        .map(|(_, c)| (c.col, &c.value))
        .chain(raw.extra.iter().map(|(c, v)| (*c, v)))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    cells.sort_by_key(|(c, _)| *c);
    cells
        .into_iter()
        .map(|(c, v)| {
            let head = texts.get(&c).cloned().unwrap_or_else(|| a1::col_letters(c));
            (head, v.display())
        })
        .collect()
}
