//! A sheet as read: its non-empty cells stored sparsely, so that a stray
//! cell at XFD1048576 or formatting down to the last row never allocates a
//! huge grid; merged areas copied with their origin; percent cells marked.

use std::collections::{BTreeMap, HashSet};

use calamine::Dimensions;

use crate::model::IssueCode;
use crate::value::CellValue;

/// Largest column index a spreadsheet can have (XFD).
pub(crate) const MAX_COL: u32 = 16_383;

/// One stored cell.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GridCell {
    pub(crate) value: CellValue,
    /// Origin (row, col) when copied from the top-left cell of a merged area.
    pub(crate) merged_from: Option<(u32, u32)>,
    /// The cell holds a formula (its value is the cached result). Known only
    /// on sheets with a row without text (see [`Grid::rows_without_text`]):
    /// only there can a row be formulas only.
    pub(crate) formula: bool,
}

/// A sheet's non-empty cells, 0-based: row → cells of the row in column
/// order. (One map entry per row rather than per cell: a ledger of 50,000
/// tasks has a million cells.)
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Grid {
    rows: BTreeMap<u32, Vec<(u32, GridCell)>>,
    len: usize,
}

impl Grid {
    pub(crate) fn set(&mut self, row: u32, col: u32, value: CellValue) {
        if !value.is_empty() {
            let cell = GridCell {
                value,
                merged_from: None,
                formula: false,
            };
            let cells = self.rows.entry(row).or_default();
            match cells.last() {
                // Cells usually arrive in reading order: append.
                Some(&(last, _)) if last < col => cells.push((col, cell)),
                None => cells.push((col, cell)),
                _ => match cells.binary_search_by_key(&col, |&(c, _)| c) {
                    Ok(i) => {
                        cells[i].1 = cell;
                        return;
                    }
                    Err(i) => cells.insert(i, (col, cell)),
                },
            }
            self.len += 1;
        }
    }

    pub(crate) fn get(&self, row: u32, col: u32) -> Option<&GridCell> {
        let cells = self.rows.get(&row)?;
        cells
            .binary_search_by_key(&col, |&(c, _)| c)
            .ok()
            .map(|i| &cells[i].1)
    }

    pub(crate) fn value(&self, row: u32, col: u32) -> &CellValue {
        static EMPTY: CellValue = CellValue::Empty;
        self.get(row, col).map(|c| &c.value).unwrap_or(&EMPTY)
    }

    /// The non-empty cells of a row, in column order.
    pub(crate) fn row(&self, row: u32) -> impl Iterator<Item = (u32, &GridCell)> + '_ {
        self.rows
            .get(&row)
            .into_iter()
            .flatten()
            .map(|(c, cell)| (*c, cell))
    }

    /// Numbers in these cells (or merged from them) are percent-formatted.
    pub(crate) fn mark_percent(&mut self, cells: &HashSet<(u32, u32)>) {
        if cells.is_empty() {
            return;
        }
        for (&r, row) in self.rows.iter_mut() {
            for (c, cell) in row.iter_mut() {
                if let CellValue::Number(n) = cell.value {
                    if cells.contains(&(r, *c))
                        || cell.merged_from.is_some_and(|o| cells.contains(&o))
                    {
                        cell.value = CellValue::Percent(n);
                    }
                }
            }
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Does some row hold values but no text (numbers, dates, errors)? Only
    /// such a sheet can have a row of formulas only (a total without a
    /// label), so only its formulas are looked up.
    pub(crate) fn rows_without_text(&self) -> bool {
        self.rows.values().any(|cells| {
            !cells.is_empty()
                && !cells
                    .iter()
                    .any(|(_, c)| matches!(c.value, CellValue::Text(_)))
        })
    }

    /// Mark the cells at these positions as formulas.
    pub(crate) fn mark_formulas(&mut self, cells: impl IntoIterator<Item = (u32, u32)>) {
        for (r, c) in cells {
            if let Some(cells) = self.rows.get_mut(&r) {
                if let Ok(i) = cells.binary_search_by_key(&c, |&(c, _)| c) {
                    cells[i].1.formula = true;
                }
            }
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn max_row(&self) -> Option<u32> {
        self.rows.keys().next_back().copied()
    }

    fn max_col(&self) -> Option<u32> {
        self.rows
            .values()
            .filter_map(|cells| cells.last().map(|&(c, _)| c))
            .max()
    }

    /// Insert a copied merged-area value unless the cell already holds one.
    fn fill_merged(&mut self, row: u32, col: u32, value: &CellValue, origin: (u32, u32)) {
        let cells = self.rows.entry(row).or_default();
        if let Err(i) = cells.binary_search_by_key(&col, |&(c, _)| c) {
            cells.insert(
                i,
                (
                    col,
                    GridCell {
                        value: value.clone(),
                        merged_from: Some(origin),
                        formula: false,
                    },
                ),
            );
            self.len += 1;
        }
    }

    /// Copy each merged area's top-left value to every cell of the area
    /// (within the used cells' bounding box, at most `budget` copies).
    pub(crate) fn apply_merges(&mut self, merges: &[Dimensions], budget: u64) {
        let (Some(max_r), Some(max_c)) = (self.max_row(), self.max_col()) else {
            return;
        };
        let mut left = budget;
        for m in merges {
            let (r0, c0) = m.start;
            let (r1, c1) = (m.end.0.min(max_r), m.end.1.min(max_c));
            let Some(origin) = self.get(r0, c0).map(|c| c.value.clone()) else {
                continue;
            };
            for r in r0..=r1 {
                for c in c0..=c1 {
                    if (r, c) == (r0, c0) {
                        continue;
                    }
                    if left == 0 {
                        return;
                    }
                    left -= 1;
                    self.fill_merged(r, c, &origin, (r0, c0));
                }
            }
        }
    }
}

/// One sheet as read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SheetGrid {
    pub(crate) name: String,
    pub(crate) grid: Grid,
    pub(crate) hidden: bool,
    /// A value lies at or below row `max_rows` (0-based) and was not read.
    pub(crate) truncated: bool,
}

/// Why a workbook could not be read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ReadError {
    Password,
    TooLarge(String),
    Damaged(String),
}

impl ReadError {
    pub(crate) fn from_msg(e: impl std::fmt::Display) -> Self {
        let s = e.to_string();
        if s.to_ascii_lowercase().contains("password") {
            ReadError::Password
        } else {
            ReadError::Damaged(s)
        }
    }
}

/// A file-level problem: code and plain-Chinese message.
pub(crate) type Problem = (IssueCode, String);

pub(crate) const MSG_DAMAGED: &str =
    "文件已损坏或不完整，无法读取。请在 Excel/WPS 中打开确认内容无误后重新保存，再报送一次。";
pub(crate) const MSG_ENCRYPTED: &str = "文件设置了打开密码，无法读取。请取消密码后另存一份再报送。";

impl ReadError {
    /// How the problem is told to the unit.
    pub(crate) fn problem(self) -> Problem {
        match self {
            ReadError::Password => (IssueCode::FileEncrypted, MSG_ENCRYPTED.to_string()),
            ReadError::TooLarge(detail) => (
                IssueCode::FileTooLarge,
                format!(
                    "表格内容过多（{detail}），未读取。请删除多余的行、列和工作表后另存再报送。"
                ),
            ),
            ReadError::Damaged(_) => (IssueCode::FileUnreadable, MSG_DAMAGED.to_string()),
        }
    }
}

/// Excel and WPS hold at most 32,767 characters in a cell: a longer text
/// comes from a broken or hostile file, and each copy of it costs memory.
const MAX_CELL_CHARS: usize = 32_767;

pub(crate) fn cell_len(value: &CellValue) -> Result<(), ReadError> {
    match value {
        CellValue::Text(t) if t.len() > MAX_CELL_CHARS && t.chars().count() > MAX_CELL_CHARS => {
            Err(ReadError::TooLarge(format!(
                "有单元格超过 {MAX_CELL_CHARS} 个字符"
            )))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_fill_within_used_box_only() {
        let mut g = Grid::default();
        g.set(0, 0, CellValue::text("a"));
        g.set(3, 1, CellValue::text("b"));
        // A merge reaching far beyond the used cells is clipped.
        g.apply_merges(&[Dimensions::new((0, 0), (1_048_575, 16_383))], 1_000);
        assert_eq!(g.len(), 8);
        assert_eq!(g.get(2, 1).unwrap().merged_from, Some((0, 0)));
        assert_eq!(g.get(3, 1).unwrap().value, CellValue::text("b"));
        assert_eq!(g.get(3, 1).unwrap().merged_from, None);
    }
}
