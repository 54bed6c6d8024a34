//! Header search (one or two rows, merged group headings) and data-row
//! extraction, shared by returned forms and the ledger's sheets.

use std::collections::BTreeMap;

use super::grid::{Grid, GridCell};
use super::raw::{Cells, MatchedColumn, RawCell, RawRow};
use crate::schema::{ColumnDef, Columns, Field};
use crate::text::trim;
use crate::value::CellValue;

/// Rows scanned from the top of a sheet for the header.
pub(crate) const HEADER_SCAN_ROWS: u32 = 30;

/// Text that starts a trailing note row: it and everything below are not data.
const NOTE_PREFIXES: [&str; 16] = [
    "填表说明",
    "填报说明",
    "说明:",
    "备注:",
    "注:",
    "注1",
    "注 :",
    "填报人:",
    "填表人:",
    "审核人",
    "单位负责人:",
    "单位主要负责人:",
    "主要负责人:",
    "填报单位",
    "填报日期:",
    "联系电话:",
];

/// A header found in a sheet.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Header<F> {
    /// The lower (or only) header row.
    pub(crate) row: u32,
    /// The upper header row (== row for a one-row header).
    pub(crate) first_row: u32,
    pub(crate) columns: Vec<MatchedColumn<F>>,
    pub(crate) duplicates: Vec<MatchedColumn<F>>,
    /// Header text of every non-empty header column, matched or not.
    pub(crate) texts: BTreeMap<u32, String>,
}

impl<F: Field> Header<F> {
    fn new(row: u32, first_row: u32) -> Self {
        Header {
            row,
            first_row,
            columns: Vec::new(),
            duplicates: Vec::new(),
            texts: BTreeMap::new(),
        }
    }

    /// The required columns the header lacks.
    pub(crate) fn missing_required(&self, cols: &Columns<F>) -> Vec<F> {
        cols.required()
            .filter(|d| !self.columns.iter().any(|c| c.key == d.key))
            .map(|d| d.key)
            .collect()
    }
}

/// A cell's trimmed display text.
fn cell_text(v: &CellValue) -> String {
    match v {
        CellValue::Text(t) => trim(t).to_string(),
        v => trim(&v.display()).to_string(),
    }
}

/// The trimmed display text of each stored cell of the rows scanned for a
/// header, and the column it names alone, worked out once: each row is read
/// alone, joined under the row above, and as the upper half of the next
/// row's header.
struct RowTexts<F: Field>(Vec<Vec<ScannedCell<F>>>);

struct ScannedCell<F: Field> {
    col: u32,
    text: String,
    column: Option<&'static ColumnDef<F>>,
}

impl<F: Field> RowTexts<F> {
    fn new(grid: &Grid, last: u32, cols: &'static Columns<F>) -> RowTexts<F> {
        let mut buf = String::new();
        RowTexts(
            (0..=last)
                .map(|r| {
                    grid.row(r)
                        .map(|(c, cell)| {
                            let text = cell_text(&cell.value);
                            let column = if text.is_empty() {
                                None
                            } else {
                                cols.match_header_buf(&text, &mut buf)
                            };
                            ScannedCell {
                                col: c,
                                text,
                                column,
                            }
                        })
                        .collect()
                })
                .collect(),
        )
    }

    fn cell(&self, row: u32, col: u32) -> Option<&ScannedCell<F>> {
        let cells = self.0.get(row as usize)?;
        cells
            .binary_search_by_key(&col, |c| c.col)
            .ok()
            .map(|i| &cells[i])
    }

    /// The trimmed display text of a cell of a scanned row ("" if none).
    fn get(&self, row: u32, col: u32) -> &str {
        self.cell(row, col).map_or("", |c| c.text.as_str())
    }

    /// The column the cell's text names on its own.
    fn column(&self, row: u32, col: u32) -> Option<&'static ColumnDef<F>> {
        self.cell(row, col).and_then(|c| c.column)
    }
}

/// Match one header row, optionally joined with the row above it. The
/// header texts of unmatched columns (`Header::texts`) are filled in only
/// `with_texts` (for the chosen header, not for every row tried).
fn match_row<F: Field>(
    grid: &Grid,
    texts: &RowTexts<F>,
    cols: &'static Columns<F>,
    row: u32,
    upper: Option<u32>,
    with_texts: bool,
) -> Header<F> {
    let mut colset: Vec<u32> = grid.row(row).map(|(c, _)| c).collect();
    if let Some(u) = upper {
        colset.extend(grid.row(u).map(|(c, _)| c));
        colset.sort_unstable();
        colset.dedup();
    }
    let mut h = Header::new(row, upper.unwrap_or(row));
    let mut joined = String::new();
    let mut buf = String::new();
    for c in colset {
        let lower = texts.get(row, c);
        let upper_text = upper.map(|u| texts.get(u, c)).unwrap_or("");
        let display = if lower.is_empty() { upper_text } else { lower };
        if display.is_empty() {
            continue;
        }
        if with_texts {
            h.texts.insert(c, display.to_string());
        }
        // A split heading (预计 over 完成时间) is read joined first; a group
        // heading over sub-headings (完成情况 over 完成进度) then falls back
        // to the sub-heading alone.
        let mut found = None;
        if !upper_text.is_empty() && !lower.is_empty() && upper_text != lower {
            joined.clear();
            joined.push_str(upper_text);
            joined.push_str(lower);
            found = cols
                .match_header_buf(&joined, &mut buf)
                .map(|d| (d, joined.as_str()));
        }
        if found.is_none() && !lower.is_empty() {
            found = texts.column(row, c).map(|d| (d, lower));
        }
        if found.is_none() && !upper_text.is_empty() && (lower.is_empty() || upper_text == lower) {
            found = upper
                .and_then(|u| texts.column(u, c))
                .map(|d| (d, upper_text));
        }
        if let Some((d, text)) = found {
            let m = MatchedColumn {
                key: d.key,
                col: c,
                header: text.to_string(),
            };
            if h.columns.iter().any(|x| x.key == m.key) {
                h.duplicates.push(m);
            } else {
                h.columns.push(m);
            }
        }
    }
    h
}

/// Does the row above look like the upper half of a two-row header? Either
/// a header cell is merged down from it into `row` (编号 spanning both rows),
/// or it holds a merged group heading narrower than the header row (a title
/// or a `填报单位：…` line merged across the whole width is not one).
fn upper_is_group_row(grid: &Grid, upper: u32, row: u32) -> bool {
    if grid
        .row(row)
        .any(|(_, cell)| matches!(cell.merged_from, Some((r, _)) if r == upper))
    {
        return true;
    }
    let lower_cols: Vec<u32> = grid.row(row).map(|(c, _)| c).collect();
    let (Some(&first), Some(&last)) = (lower_cols.first(), lower_cols.last()) else {
        return false;
    };
    let mut spans: BTreeMap<(u32, u32), (u32, u32)> = BTreeMap::new(); // origin → (min col, max col)
    for (c, cell) in grid.row(upper) {
        if let Some(origin @ (r, oc)) = cell.merged_from {
            if r == upper {
                let e = spans.entry(origin).or_insert((oc, c));
                e.1 = e.1.max(c);
            }
        }
    }
    spans
        .values()
        .any(|&(lo, hi)| hi > lo && (lo > first || hi < last))
}

/// Find the header in the first rows: a row with ≥2 matched columns, one of
/// them `key_col`; the candidate with most matches wins.
pub(crate) fn find_header<F: Field>(
    grid: &Grid,
    cols: &'static Columns<F>,
    key_col: F,
) -> Option<Header<F>> {
    let last = grid.max_row()?.min(HEADER_SCAN_ROWS - 1);
    let texts = RowTexts::new(grid, last, cols);
    let mut best: Option<Header<F>> = None;
    for row in 0..=last {
        let single = match_row(grid, &texts, cols, row, None, false);
        let mut cand = single;
        if row > 0 {
            let joined = match_row(grid, &texts, cols, row, Some(row - 1), false);
            let better = joined.columns.len() > cand.columns.len()
                || (joined.columns.len() == cand.columns.len()
                    && !joined.columns.is_empty()
                    && upper_is_group_row(grid, row - 1, row));
            if better {
                cand = joined;
            }
        }
        if cand.columns.len() < 2 || !cand.columns.iter().any(|c| c.key == key_col) {
            continue;
        }
        let replace = match &best {
            None => true,
            Some(b) => {
                cand.columns.len() > b.columns.len()
                    || (cand.columns.len() == b.columns.len() && cand.first_row == b.row)
            }
        };
        if replace {
            best = Some(cand);
        }
    }
    // The chosen header again, with the texts of its unmatched columns.
    best.map(|b| {
        let upper = (b.first_row != b.row).then_some(b.first_row);
        match_row(grid, &texts, cols, b.row, upper, true)
    })
}

/// Is this the start of a note / signature block?
/// (Half-width, spaces ignored on both sides; asked of every data row's first
/// cell, so nothing is allocated.)
pub(crate) fn is_note(text: &str) -> bool {
    NOTE_PREFIXES.iter().any(|p| {
        let mut t = text
            .chars()
            .map(crate::text::half_width_char)
            .filter(|c| !crate::text::is_space(*c));
        p.chars()
            .filter(|c| *c != ' ')
            .all(|pc| t.next() == Some(pc))
    })
}

/// Text of a whole row, cells joined with a full-width space.
pub(crate) fn row_text(grid: &Grid, row: u32) -> String {
    let mut parts: Vec<String> = Vec::new();
    for (_, cell) in grid.row(row) {
        if cell.merged_from.is_some() {
            continue; // a merged title or note counts once
        }
        let t = trim(&cell.value.display()).to_string();
        if !t.is_empty() && parts.last() != Some(&t) {
            parts.push(t);
        }
    }
    parts.join("\u{3000}")
}

/// Non-empty rows above the header, as text lines.
pub(crate) fn preamble<F>(grid: &Grid, header: &Header<F>) -> Vec<String> {
    (0..header.first_row)
        .map(|r| row_text(grid, r))
        .filter(|t| !t.is_empty())
        .collect()
}

/// Data rows below the header and the footer lines (notes, signatures).
pub(crate) fn extract_rows<F: Field>(
    grid: &Grid,
    header: &Header<F>,
) -> (Vec<RawRow<F>>, Vec<String>) {
    extract_rows_with(grid, header, true)
}

/// [`extract_rows`], filling `RawRow::extra` only when `original` is set
/// (the ledger never shows it: a copy of every cell saved).
pub(crate) fn extract_rows_with<F: Field>(
    grid: &Grid,
    header: &Header<F>,
    original: bool,
) -> (Vec<RawRow<F>>, Vec<String>) {
    let mut it = data_rows(grid, header, original);
    let rows = it.by_ref().collect();
    (rows, it.footer)
}

/// The data rows below the header one at a time (what [`extract_rows_with`]
/// collects), so that a big sheet's rows need not all be held at once. The
/// footer lines met so far are in `footer`.
pub(crate) fn data_rows<'a, F: Field>(
    grid: &'a Grid,
    header: &'a Header<F>,
    original: bool,
) -> DataRows<'a, F> {
    DataRows {
        grid,
        header,
        original,
        all: false,
        next: u64::from(header.row) + 1,
        last: grid.max_row().map_or(0, u64::from),
        in_footer: false,
        footer: Vec::new(),
    }
}

/// [`data_rows`], also yielding the rows whose matched columns hold
/// nothing of their own (a heading in an unmatched column, merged across the
/// table): the ledger's task sheet reads its groups from them.
pub(crate) fn all_rows<'a, F: Field>(grid: &'a Grid, header: &'a Header<F>) -> DataRows<'a, F> {
    DataRows {
        all: true,
        ..data_rows(grid, header, false)
    }
}

/// Iterator of [`data_rows`].
pub(crate) struct DataRows<'a, F> {
    grid: &'a Grid,
    header: &'a Header<F>,
    original: bool,
    /// Yield rows without data of their own in the matched columns too.
    all: bool,
    /// Next sheet row to look at, and the last one (inclusive).
    next: u64,
    last: u64,
    in_footer: bool,
    pub(crate) footer: Vec<String>,
}

impl<F: Field> Iterator for DataRows<'_, F> {
    type Item = RawRow<F>;

    fn next(&mut self) -> Option<RawRow<F>> {
        let (grid, header) = (self.grid, self.header);
        // A merged area reaching down from the header is not data.
        let own = |cell: &GridCell| !cell.merged_from.is_some_and(|(orow, _)| orow <= header.row);
        while self.next <= self.last {
            let r = self.next as u32;
            self.next += 1;
            // Blank rows give neither data nor footer: skip them cheaply (a
            // stray cell at row 1,048,576 leaves a million of them).
            if grid.row(r).next().is_none() {
                continue;
            }
            if !self.in_footer {
                let first = grid.row(r).find(|(_, c)| {
                    own(c) && !matches!(c.merged_from, Some((orow, _)) if orow != r)
                });
                if let Some((_, c)) = first {
                    if let CellValue::Text(t) = &c.value {
                        self.in_footer = is_note(t);
                    }
                }
            }
            if self.in_footer {
                let t = row_text(grid, r);
                if !t.is_empty() {
                    self.footer.push(t);
                }
                continue;
            }
            let mut raw = RawRow {
                row: r,
                cells: Cells::with_capacity(header.columns.len()),
                extra: Vec::new(),
            };
            let mut has_data = false;
            for m in &header.columns {
                let cell = grid.get(r, m.col).filter(|c| own(c));
                let rc = match cell {
                    Some(c) => {
                        if c.merged_from.is_none()
                            && Some(m.key) != F::ROW_NUMBER
                            && !c.value.is_empty()
                        {
                            has_data = true;
                        }
                        RawCell {
                            col: m.col,
                            value: c.value.clone(),
                            merged_from: c.merged_from,
                        }
                    }
                    None => RawCell {
                        col: m.col,
                        ..Default::default()
                    },
                };
                raw.cells.insert(m.key, rc);
            }
            let keep = has_data || (self.all && grid.row(r).any(|(_, c)| own(c)));
            if !keep {
                continue;
            }
            for (c, cell) in grid.row(r).filter(|_| self.original) {
                if !own(cell) || cell.value.is_empty() || header.columns.iter().any(|m| m.col == c)
                {
                    continue;
                }
                raw.extra.push((c, cell.value.clone()));
            }
            return Some(raw);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::raw::original;
    use crate::schema::FormField::{self, *};
    use crate::templates::templates;

    #[test]
    fn notes_are_recognised() {
        assert!(is_note("填表说明：1. 进度填数字"));
        assert!(is_note("注：本表由各单位填写"));
        assert!(is_note("备注：无"));
        assert!(is_note("填报人：张三"));
        assert!(is_note("审核人：李四"));
        assert!(!is_note("备注"));
        assert!(!is_note("ZF-001"));
    }

    /// A merged area: (top-left, bottom-right), 0-based (row, col).
    type Area = ((u32, u32), (u32, u32));

    fn grid(rows: &[&[&str]], merges: &[Area]) -> Grid {
        let mut g = Grid::default();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                g.set(r as u32, c as u32, CellValue::text(v));
            }
        }
        let dims: Vec<_> = merges
            .iter()
            .map(|&(a, b)| calamine::Dimensions::new(a, b))
            .collect();
        g.apply_merges(&dims, 10_000);
        g
    }

    fn found(h: &Header<FormField>) -> Vec<(FormField, u32, &str)> {
        h.columns
            .iter()
            .map(|c| (c.key, c.col, c.header.as_str()))
            .collect()
    }

    #[test]
    fn full_width_title_and_unit_line_are_not_header_rows() {
        let g = grid(
            &[
                &["区发改局重点工作推进情况表"],
                &["填报单位：区发改局　报送期次：2023年3月"],
                &["编号", "当前状态", "完成进度", "进展情况", "存在问题"],
                &["ZF-001", "进行中", "50", "x", ""],
            ],
            &[((0, 0), (0, 4)), ((1, 0), (1, 4))],
        );
        let h = find_header(&g, &templates().form, Id).unwrap();
        assert_eq!((h.first_row, h.row), (2, 2));
        assert_eq!(
            preamble(&g, &h),
            vec![
                "区发改局重点工作推进情况表".to_string(),
                "填报单位：区发改局　报送期次：2023年3月".to_string()
            ]
        );
    }

    #[test]
    fn split_and_grouped_headings_are_joined() {
        // 本期进展 is a group heading (no column of its own) over 当前状态 and
        // 完成进度; 预计/完成时间 and 延期/说明 only make sense joined.
        let g = grid(
            &[
                &["", "", "本期进展", "", "预计", "延期"],
                &[
                    "编号",
                    "进展情况",
                    "当前状态",
                    "完成进度(%)",
                    "完成时间",
                    "说明",
                ],
                &["ZF-001", "x", "进行中", "50", "2023-05-01", ""],
            ],
            &[((0, 2), (0, 3))],
        );
        let h = find_header(&g, &templates().form, Id).unwrap();
        assert_eq!((h.first_row, h.row), (0, 1));
        assert_eq!(
            found(&h),
            vec![
                (Id, 0, "编号"),
                (Progress, 1, "进展情况"),
                (Status, 2, "当前状态"),
                (Percent, 3, "完成进度(%)"),
                (Expected, 4, "预计完成时间"),
                (DelayReason, 5, "延期说明"),
            ]
        );
        let (rows, footer) = extract_rows(&g, &h);
        assert_eq!(rows.len(), 1);
        assert!(footer.is_empty());
        assert_eq!(
            original(&h.texts, &rows[0])[3],
            ("完成进度(%)".to_string(), "50".to_string())
        );
    }

    #[test]
    fn group_heading_that_is_a_column_name_yields_to_sub_headings() {
        let g = grid(
            &[
                &["编号", "当前状态", "完成情况", ""],
                &["", "", "完成进度（%）", "进展情况"],
                &["ZF-001", "进行中", "50", "x"],
            ],
            &[((0, 0), (1, 0)), ((0, 1), (1, 1)), ((0, 2), (0, 3))],
        );
        let h = find_header(&g, &templates().form, Id).unwrap();
        assert_eq!((h.first_row, h.row), (0, 1));
        assert_eq!(
            found(&h),
            vec![
                (Id, 0, "编号"),
                (Status, 1, "当前状态"),
                (Percent, 2, "完成进度（%）"),
                (Progress, 3, "进展情况"),
            ]
        );
        assert!(h.duplicates.is_empty());
        // The header's vertical merges are never filled into data rows.
        let (rows, _) = extract_rows(&g, &h);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].get(Id).unwrap().merged_from, None);
    }

    #[test]
    fn one_row_header_with_seq_and_duplicate() {
        let mut g = Grid::default();
        for (c, h) in ["序号", "编号", "当前状态", "进度(%)", "完成比例", "杂项"]
            .iter()
            .enumerate()
        {
            g.set(2, c as u32, CellValue::text(h));
        }
        g.set(0, 0, CellValue::text("标题"));
        let h = find_header(&g, &templates().form, Id).unwrap();
        assert_eq!(h.row, 2);
        assert_eq!(h.first_row, 2);
        let keys: Vec<_> = h.columns.iter().map(|c| (c.key, c.col)).collect();
        assert_eq!(keys, vec![(Seq, 0), (Id, 1), (Status, 2), (Percent, 3)]);
        assert_eq!(h.duplicates.len(), 1);
        assert_eq!(h.duplicates[0].col, 4);
        assert_eq!(h.texts.get(&5).map(String::as_str), Some("杂项"));
    }
}
