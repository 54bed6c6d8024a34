//! A sheet streamed into a constant-memory or low-memory worksheet: a first
//! pass measures the columns, a second writes each row out as soon as the
//! next one starts, setting the row's height when it is left.

use rust_xlsxwriter::{Format, Worksheet, XlsxError};

use super::format::Formats;
use super::sheet::{row_height, Mode, Sheet};

impl<'f> Sheet<'f> {
    /// A sheet written row by row into a constant-memory worksheet (made by
    /// `Workbook::new_worksheet_with_constant_memory`): rows must come top to
    /// bottom. It starts measuring: write every cell once to size the
    /// columns, call [`Sheet::begin_writing`], then write the same cells again
    /// (what the first pass does to `ws` directly goes to a scratch worksheet).
    /// Rows written on `ws` directly must go through [`Sheet::merge`] and
    /// [`Sheet::row_height`], so the sheet knows when a row is left.
    pub(crate) fn streaming(
        mut ws: Worksheet,
        name: &str,
        fmts: &'f Formats,
    ) -> Result<Sheet<'f>, XlsxError> {
        ws.set_name(name)?;
        Ok(Sheet::with(Worksheet::new(), fmts, Mode::Measure, Some(ws)))
    }

    /// Whether this is the measuring pass of a streaming sheet.
    pub(crate) fn is_measuring(&self) -> bool {
        self.mode == Mode::Measure
    }

    /// End the measuring pass: the column widths become final.
    pub(crate) fn begin_writing(&mut self) {
        if self.mode != Mode::Measure {
            return;
        }
        let widths = self.final_widths();
        self.mode = Mode::Stream {
            widths,
            row: None,
            wraps: Vec::new(),
            tall: false,
            fixed: false,
        };
        if let Some(ws) = self.real.take() {
            self.ws = ws;
        }
        // Heights asked for while measuring are asked again while writing.
        self.min_heights.clear();
    }

    /// Merge the cells `c0..=c1` of `row` into one holding `text`.
    pub(crate) fn merge(
        &mut self,
        row: u32,
        c0: u16,
        c1: u16,
        text: &str,
        f: &Format,
    ) -> Result<(), XlsxError> {
        if self.is_measuring() {
            return Ok(());
        }
        self.at_row(row)?;
        self.ws.merge_range(row, c0, row, c1, text, f)?;
        Ok(())
    }

    /// Merge the cells `c0..=c1` of `row` into one holding wrapped `text`
    /// (a note under a table): the row is made tall enough for every line
    /// at the columns' final widths. In a streamed sheet the widths are
    /// final once writing begins, and the height is set at once.
    pub(crate) fn merge_note(
        &mut self,
        row: u32,
        c0: u16,
        c1: u16,
        text: &str,
        f: &Format,
    ) -> Result<(), XlsxError> {
        if self.is_measuring() {
            return Ok(());
        }
        self.merge(row, c0, c1, text, f)?;
        let lines: Vec<f32> = text
            .lines()
            .map(|l| crate::text::display_width(l) as f32)
            .collect();
        if let Mode::Stream { widths, .. } = &self.mode {
            let width: f64 = (c0..=c1)
                .map(|c| {
                    widths.get(c as usize).copied().unwrap_or(8.43) + super::page::WIDTH_PADDING
                })
                .sum();
            if let Some(h) = row_height(&[width], std::iter::once((0u16, lines.as_slice()))) {
                return self.row_height(row, h);
            }
            return Ok(());
        }
        self.merged_wraps.push((row, c0, c1, lines));
        Ok(())
    }

    /// Set the height of `row` (points). Rows with wrapped text that needs
    /// more lines still get the height of those lines.
    pub(crate) fn row_height(&mut self, row: u32, h: f64) -> Result<(), XlsxError> {
        if self.is_measuring() {
            return Ok(());
        }
        self.at_row(row)?;
        self.ws.set_row_height(row, h)?;
        if let Mode::Stream { fixed, .. } = &mut self.mode {
            *fixed = true;
        }
        Ok(())
    }

    /// Streaming: a cell of `row` is about to be written. Leaving a row sets
    /// its height (a row cannot change once the next one is written).
    pub(super) fn at_row(&mut self, row: u32) -> Result<(), XlsxError> {
        let Mode::Stream {
            widths,
            row: cur,
            wraps,
            tall,
            fixed,
        } = &mut self.mode
        else {
            return Ok(());
        };
        match *cur {
            Some(c) if c == row => Ok(()),
            Some(c) if c > row => Err(XlsxError::ParameterError(format!(
                "row {row} written after row {c} in a streamed sheet"
            ))),
            prev => {
                if let Some(c) = prev {
                    let h = row_height(widths, wraps.iter().map(|(c, l)| (*c, l.as_slice())));
                    let h = self
                        .min_heights
                        .iter()
                        .filter(|m| m.0 == c)
                        .fold(h, |acc, m| Some(acc.map_or(m.1, |a: f64| a.max(m.1))));
                    wraps.clear();
                    *tall = h.is_some() || *fixed;
                    *fixed = false;
                    if let Some(h) = h {
                        self.ws.set_row_height(c, h)?;
                    }
                }
                *cur = Some(row);
                Ok(())
            }
        }
    }

    /// Streaming: set the height of the last row written. rust_xlsxwriter
    /// 0.102 writes the last row of a constant-memory sheet a second time
    /// (an empty duplicate `<row>`) when that row has a height of its own,
    /// so such a row is pushed out by an unformatted blank cell below it
    /// (written as an empty `<row>`, nothing shown or printed).
    pub(super) fn end_rows(&mut self) -> Result<(), XlsxError> {
        let Mode::Stream { row: Some(r), .. } = self.mode else {
            return Ok(());
        };
        self.at_row(r + 1)?;
        if let Mode::Stream { tall: true, .. } = self.mode {
            self.ws.write_blank(r + 1, 0, &Format::default())?;
        }
        Ok(())
    }
}
