//! Tables: fixed column widths across the 版心, single black borders, a
//! bold header row repeated on every page (w:tblHeader, added when the
//! package is written), rows that never split across pages, wrapping cells.

use docx_rs::{
    AlignmentType, HeightRule, LineSpacing, LineSpacingType, Table, TableAlignmentType,
    TableBorder, TableBorderPosition, TableBorders, TableCell, TableCellMargins, TableLayoutType,
    TableRow, VAlignType, WidthType,
};

use super::blocks::{Align, Column, DocTable, Receipt, Row, Span};
use super::render::Renderer;
use super::style::{self, BODY_SIZE};

/// What a row is: the repeated header, a row of a table kept on one page
/// (its paragraphs keep with the next row), or any other row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowKind {
    Header,
    KeepWithNext,
    Body,
}

/// Table borders: 0.5 pt black on every edge.
const BORDER: usize = 4;

impl Renderer<'_> {
    /// Add `t` and an empty line after it (so two tables never merge).
    pub(super) fn table(&mut self, t: &DocTable) {
        let size = t.size.unwrap_or_else(|| self.style.table_size());
        let widths = column_widths(&t.columns);
        let mut rows = Vec::with_capacity(t.rows.len() + 1);
        if t.header {
            let cells = t
                .columns
                .iter()
                .map(|c| vec![Span::new(c.header.clone()).bold()])
                .collect();
            let header = Row {
                cells,
                min_lines: 0,
            };
            rows.push(self.row(&header, &t.columns, &widths, size, RowKind::Header));
        }
        for (i, row) in t.rows.iter().enumerate() {
            let kind = if t.keep_together && i + 1 < t.rows.len() {
                RowKind::KeepWithNext
            } else {
                RowKind::Body
            };
            rows.push(self.row(row, &t.columns, &widths, size, kind));
        }
        let mut borders = TableBorders::new();
        for pos in [
            TableBorderPosition::Top,
            TableBorderPosition::Left,
            TableBorderPosition::Bottom,
            TableBorderPosition::Right,
            TableBorderPosition::InsideH,
            TableBorderPosition::InsideV,
        ] {
            borders = borders.set(TableBorder::new(pos).size(BORDER).color("000000"));
        }
        let table = Table::new(rows)
            .set_grid(widths)
            .width(style::text_width() as usize, WidthType::Dxa)
            .layout(TableLayoutType::Fixed)
            .align(TableAlignmentType::Center)
            .margins(TableCellMargins::new().margin(40, 80, 40, 80))
            .set_borders(borders);
        self.push_table(table, usize::from(t.header));
        self.blank();
    }

    fn row(
        &mut self,
        row: &Row,
        columns: &[Column],
        widths: &[usize],
        size: usize,
        kind: RowKind,
    ) -> TableRow {
        let header = kind == RowKind::Header;
        let mut cells = Vec::with_capacity(columns.len());
        for (i, (col, width)) in columns.iter().zip(widths).enumerate() {
            let align = match (header, col.align) {
                (true, _) | (_, Align::Center) => AlignmentType::Center,
                (_, Align::Left) => AlignmentType::Left,
                (_, Align::Right) => AlignmentType::Right,
            };
            let mut p = self
                .para()
                .align(align)
                .keep_next(kind == RowKind::KeepWithNext)
                .size(size)
                .line_spacing(
                    LineSpacing::new()
                        .line_rule(LineSpacingType::Auto)
                        .line(264)
                        .before(0)
                        .after(0),
                );
            for span in row.cells.get(i).map(Vec::as_slice).unwrap_or_default() {
                p = p.add_run(self.span_run(span, &self.style.fonts.body, size));
            }
            cells.push(
                TableCell::new()
                    .add_paragraph(p)
                    .width(*width, WidthType::Dxa)
                    .vertical_align(VAlignType::Center),
            );
        }
        let mut tr = TableRow::new(cells).cant_split();
        if row.min_lines > 0 {
            let h = row.min_lines as f32 * style::line_pitch() as f32;
            tr = tr.row_height(h).height_rule(HeightRule::AtLeast);
        }
        tr
    }
}

/// Column widths in twips, proportional to the columns' weights, summing
/// to the 版心 width (the last column takes the rounding).
pub(super) fn column_widths(columns: &[Column]) -> Vec<usize> {
    let total = style::text_width() as usize;
    if columns.is_empty() {
        return Vec::new();
    }
    let sum: f64 = columns.iter().map(|c| c.width.max(0.1)).sum();
    let mut widths: Vec<usize> = columns
        .iter()
        .map(|c| (c.width.max(0.1) / sum * total as f64).floor() as usize)
        .collect();
    let used: usize = widths[..widths.len() - 1].iter().sum();
    if let Some(last) = widths.last_mut() {
        *last = total - used;
    }
    widths
}

/// The 回执's table: label and space to fill, 3号 text, rows as high as
/// each field asks.
pub(super) fn receipt_table(receipt: &Receipt) -> DocTable {
    let mut t = DocTable {
        columns: vec![Column::new("", 1.0).center(), Column::new("", 3.5)],
        rows: Vec::new(),
        header: false,
        size: Some(BODY_SIZE),
        keep_together: true,
    };
    for f in &receipt.fields {
        t.rows.push(Row {
            cells: vec![
                vec![Span::new(f.label.clone())],
                vec![Span::new(f.value.clone())],
            ],
            min_lines: f.lines,
        });
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_fill_the_text_block_in_proportion() {
        let cols = [
            Column::new("a", 1.0),
            Column::new("b", 2.0),
            Column::new("c", 1.0),
        ];
        let w = column_widths(&cols);
        assert_eq!(w.iter().sum::<usize>(), style::text_width() as usize);
        assert!(w[1] >= 2 * w[0] - 1 && w[1] <= 2 * w[0] + 3, "{w:?}");
        assert!(column_widths(&[]).is_empty());
    }
}
