//! The sheet writer: cells by kind and fill, column widths that count CJK
//! characters double, row heights for wrapped text, tables' chrome; held in
//! memory or streamed ([`super::stream`]).

use rust_xlsxwriter::{Format, Worksheet, XlsxError};

use super::format::{Fill, Formats, Kind};
use super::page::{Page, WIDTH_PADDING};
use super::value::{clip, text_width, Val};
use crate::text::display_width;

/// Height of one line of 11-point 宋体 text, in points.
pub(crate) const LINE_HEIGHT: f64 = 14.5;

/// Narrowest column, in character widths.
pub(crate) const MIN_WIDTH: f64 = 6.0;
/// Widest column: longer text wraps.
pub(crate) const MAX_WIDTH: f64 = 60.0;
/// Narrowest a column of wrapped text is made to fit the page.
pub(crate) const MIN_WRAP_WIDTH: f64 = 8.0;
/// A column of wrapped text no wider than this (nine Chinese characters:
/// the names of units) keeps its width when the sheet is fitted to the
/// page, when the page allows: only longer text wraps.
pub(crate) const SHORT_WRAP_WIDTH: f64 = 19.0;

/// A worksheet being written, tracking the width each column needs.
pub(crate) struct Sheet<'f> {
    pub(crate) ws: Worksheet,
    pub(crate) fmts: &'f Formats,
    pub(super) widths: Vec<f64>,
    /// The width each column's unwrapped cells need (numbers, dates, short
    /// text): how narrow the column may be made to fit the page.
    pub(super) fixed: Vec<f64>,
    /// Per column, the total width and the number of its non-empty wrapped
    /// cells: how much text the column holds on a typical row, which decides
    /// its share of the page.
    pub(super) demand: Vec<(f64, u32)>,
    /// How the sheet prints; the printed columns are narrowed to its
    /// [`Page::width_budget`].
    pub(super) page: Page,
    pub(super) min: f64,
    pub(super) max: f64,
    /// Wrapped cells that may need more than one line: (row, col, width of
    /// each line). Row heights are set from them in [`Sheet::finish`], once
    /// the column widths are known (LibreOffice and WPS do not grow rows by
    /// themselves, so wrapped text would be cut off on screen and on paper).
    pub(super) wraps: Vec<(u32, u16, Vec<f32>)>,
    /// Minimum heights of rows (points), e.g. answer rows of a form.
    pub(super) min_heights: Vec<(u32, f64)>,
    /// Merged rows of wrapped text: (row, first and last column, width of
    /// each line); their heights are set once the widths are final.
    pub(super) merged_wraps: Vec<(u32, u16, u16, Vec<f32>)>,
    /// How cells reach the worksheet (see [`Mode`]).
    pub(super) mode: Mode,
    /// While measuring: the worksheet the second pass writes to (`ws` is
    /// then a scratch worksheet for the calls made on it directly).
    pub(super) real: Option<Worksheet>,
}

/// How a [`Sheet`] writes its cells.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Mode {
    /// Every cell is kept in memory; widths and row heights are applied in
    /// [`Sheet::finish`].
    Memory,
    /// First pass over a constant-memory sheet: cells only count toward the
    /// column widths, nothing is written.
    Measure,
    /// Second pass: the widths are final and each row is written out (to the
    /// worksheet's temporary file) as soon as the next one starts, so a row's
    /// height is set when it is left.
    Stream {
        /// Final column widths.
        widths: Vec<f64>,
        /// The row being written.
        row: Option<u32>,
        /// Wrapped cells of that row: (column, width of each line).
        wraps: Vec<(u16, Vec<f32>)>,
        /// Whether the row left last got a height of its own.
        tall: bool,
        /// Whether the row being written was given a height directly
        /// ([`Sheet::row_height`]).
        fixed: bool,
    },
}

impl<'f> Sheet<'f> {
    pub(crate) fn new(name: &str, fmts: &'f Formats) -> Result<Sheet<'f>, XlsxError> {
        let mut ws = Worksheet::new();
        ws.set_name(name)?;
        Ok(Sheet::with(ws, fmts, Mode::Memory, None))
    }

    pub(super) fn with(
        ws: Worksheet,
        fmts: &'f Formats,
        mode: Mode,
        real: Option<Worksheet>,
    ) -> Sheet<'f> {
        Sheet {
            ws,
            fmts,
            widths: Vec::new(),
            fixed: Vec::new(),
            demand: Vec::new(),
            page: Page::SHEET,
            min: MIN_WIDTH,
            max: MAX_WIDTH,
            wraps: Vec::new(),
            min_heights: Vec::new(),
            merged_wraps: Vec::new(),
            mode,
            real,
        }
    }

    /// The column widths as applied: padded by one and kept within the
    /// bounds, then the wrapped columns of the print area narrowed until the
    /// printed columns fit [`Page::width_budget`]: each in proportion to the
    /// text its cells hold on average, so a column of long reasons keeps
    /// more of the page than one of short notes and a row's cells wrap to
    /// about as many lines each. None is made narrower than its unwrapped
    /// cells or [`MIN_WRAP_WIDTH`]; short wrapped text
    /// ([`SHORT_WRAP_WIDTH`]) keeps its width when the page allows.
    pub(super) fn final_widths(&self) -> Vec<f64> {
        let mut widths: Vec<f64> = self
            .widths
            .iter()
            .map(|w| (w + 1.0).clamp(self.min, self.max))
            .collect();
        let printed = self
            .page
            .print_cols
            .map_or(widths.len(), |n| (n as usize).min(widths.len()));
        let floors: Vec<f64> = widths[..printed]
            .iter()
            .enumerate()
            .map(|(c, &w)| {
                let fixed = self.fixed.get(c).map_or(0.0, |f| f + 1.0);
                w.min(fixed.max(MIN_WRAP_WIDTH).max(self.min))
            })
            .collect();
        let short: Vec<f64> = widths[..printed]
            .iter()
            .zip(&floors)
            .map(|(&w, &f)| if w <= SHORT_WRAP_WIDTH { w } else { f })
            .collect();
        // A column's share: the average width of its text (the rows that
        // have any: a long reason on a few rows makes those rows tall).
        let weights: Vec<f64> = widths[..printed]
            .iter()
            .enumerate()
            .map(|(c, &w)| match self.demand.get(c) {
                Some(&(sum, n)) if n > 0 => (sum / n as f64).max(1.0),
                _ => w,
            })
            .collect();
        let budget = self.page.width_budget();
        let floors = if total_width(&short) <= budget {
            short
        } else {
            floors
        };
        fit_to_budget(&mut widths[..printed], &floors, &weights, budget);
        widths
    }

    /// How the sheet prints (default: [`Page::SHEET`]). Set it before any
    /// cell is written: it decides the column widths.
    pub(crate) fn set_page(&mut self, page: Page) {
        self.page = page;
    }

    /// The last column printed of a sheet that writes `written` columns
    /// (merged titles and notes end there, so they print whole).
    pub(crate) fn last_printed_col(&self, written: u16) -> u16 {
        self.page.last_col(written)
    }

    /// Change the width bounds applied by [`Sheet::finish`].
    pub(crate) fn width_bounds(&mut self, min: f64, max: f64) {
        self.min = min;
        self.max = max;
    }

    /// Make column `col` at least `w` wide.
    pub(crate) fn need(&mut self, col: u16, w: f64) {
        let c = col as usize;
        if self.widths.len() <= c {
            self.widths.resize(c + 1, 0.0);
        }
        if w > self.widths[c] {
            self.widths[c] = w;
        }
    }

    /// Make column `col` at least `w` wide, and keep it so when the sheet
    /// is fitted to the page (an unwrapped cell).
    pub(crate) fn need_fixed(&mut self, col: u16, w: f64) {
        self.need(col, w);
        let c = col as usize;
        if self.fixed.len() <= c {
            self.fixed.resize(c + 1, 0.0);
        }
        if w > self.fixed[c] {
            self.fixed[c] = w;
        }
    }

    /// Make column `col` wide enough for `s` (`wrap`: a wrapped cell, which
    /// may be narrowed to fit the page), skipping the measure when it cannot
    /// matter (display width never exceeds the UTF-8 byte length).
    fn need_text(&mut self, col: u16, s: &str, wrap: bool) {
        if wrap && !s.is_empty() && !matches!(self.mode, Mode::Stream { .. }) {
            self.note_demand(col, s);
        }
        let c = col as usize;
        let cur = self.widths.get(c).copied().unwrap_or(0.0);
        let fixed = self.fixed.get(c).copied().unwrap_or(0.0);
        let skip_all = cur >= self.max || (s.len() as f64) <= cur;
        let skip_fixed = wrap || fixed >= self.max || (s.len() as f64) <= fixed;
        if skip_all && skip_fixed {
            return;
        }
        let w = text_width(s);
        if !skip_fixed {
            self.need_fixed(col, w);
        }
        self.need(col, w);
    }

    /// Count the wrapped text `s` toward its column's share of the page.
    fn note_demand(&mut self, col: u16, s: &str) {
        let c = col as usize;
        if self.demand.len() <= c {
            self.demand.resize(c + 1, (0.0, 0));
        }
        let w = s.lines().map(display_width).sum::<usize>() as f64;
        let d = &mut self.demand[c];
        d.0 += w.min(self.max * 10.0);
        d.1 += 1;
    }

    /// The width a number, integer or date cell needs (never wrapped).
    fn need_value(&mut self, col: u16, v: &Val) {
        match v {
            Val::Num(_) => self.need_fixed(col, 7.0),
            Val::Int(n) => self.need_fixed(col, (n.to_string().len() + 1) as f64),
            Val::Date(_) => self.need_fixed(col, 11.0),
            _ => {}
        }
    }

    /// Write a body cell.
    pub(crate) fn put<'v>(
        &mut self,
        row: u32,
        col: u16,
        v: impl Into<Val<'v>>,
        kind: Kind,
        fill: Fill,
    ) -> Result<(), XlsxError> {
        let f = self.fmts.cell(kind, fill);
        let v = v.into();
        if let Mode::Stream { .. } = self.mode {
            self.at_row(row)?;
        }
        if let (Kind::Wrap, Some(s)) = (kind, v.text()) {
            self.note_wrap(row, col, s);
        }
        self.write(row, col, v, f, kind == Kind::Wrap)
    }

    /// Write a wrapped cell with an explicit format (the format wraps): its
    /// row is made tall enough, and its column may be narrowed to fit the page.
    pub(crate) fn put_wrap_fmt<'v>(
        &mut self,
        row: u32,
        col: u16,
        v: impl Into<Val<'v>>,
        f: &Format,
    ) -> Result<(), XlsxError> {
        let v = v.into();
        if let Some(s) = v.text() {
            self.note_wrap(row, col, s);
        }
        self.write(row, col, v, f, true)
    }

    /// Remember that the wrapped cell (`row`, `col`) holds `s`, so its row
    /// is made tall enough for every line. Short text (which fits the
    /// narrowest column on one line) is skipped without measuring.
    pub(crate) fn note_wrap(&mut self, row: u32, col: u16, s: &str) {
        if s.len() as f64 <= self.min && !s.contains('\n') {
            return;
        }
        match self.mode {
            Mode::Measure => return,
            // A backward row is refused when the cell itself is written.
            Mode::Stream { .. } => {
                let _ = self.at_row(row);
            }
            Mode::Memory => {}
        }
        let lines: Vec<f32> = s.lines().map(|l| display_width(l) as f32).collect();
        if lines.len() > 1 || lines.first().is_some_and(|&w| w as f64 > self.min) {
            match &mut self.mode {
                Mode::Stream {
                    row: Some(cur),
                    wraps,
                    ..
                } if *cur == row => wraps.push((col, lines)),
                _ => self.wraps.push((row, col, lines)),
            }
        }
    }

    /// Make row `row` at least `h` points high.
    pub(crate) fn min_height(&mut self, row: u32, h: f64) {
        self.min_heights.push((row, h));
    }

    /// Write a body cell with an explicit format (not wrapped: its column
    /// keeps the width the cell needs when the sheet is fitted to the page).
    pub(crate) fn put_fmt<'v>(
        &mut self,
        row: u32,
        col: u16,
        v: impl Into<Val<'v>>,
        f: &Format,
    ) -> Result<(), XlsxError> {
        self.write(row, col, v.into(), f, false)
    }

    /// Write a cell, counting its width; `wrap`: the cell's text wraps.
    fn write(
        &mut self,
        row: u32,
        col: u16,
        v: Val,
        f: &Format,
        wrap: bool,
    ) -> Result<(), XlsxError> {
        match self.mode {
            Mode::Memory => {}
            Mode::Measure => {
                self.measure(col, v, wrap);
                return Ok(());
            }
            Mode::Stream { .. } => self.at_row(row)?,
        }
        self.need_value(col, &v);
        match v {
            Val::Empty => {
                self.ws.write_blank(row, col, f)?;
            }
            Val::Str(s) => {
                let s = clip(s);
                self.need_text(col, &s, wrap);
                self.ws.write_string_with_format(row, col, s.as_ref(), f)?;
            }
            Val::Owned(s) => {
                let s = clip(&s);
                self.need_text(col, &s, wrap);
                self.ws.write_string_with_format(row, col, s.as_ref(), f)?;
            }
            Val::Num(n) => {
                let n = if n.is_finite() { n } else { 0.0 };
                self.ws.write_number_with_format(row, col, n, f)?;
            }
            Val::Int(n) => {
                self.ws.write_number_with_format(row, col, n as f64, f)?;
            }
            Val::Date(d) => {
                self.ws.write_date_with_format(row, col, d, f)?;
            }
        }
        Ok(())
    }

    /// The width a value needs, as [`Sheet::write`] counts it.
    fn measure(&mut self, col: u16, v: Val, wrap: bool) {
        self.need_value(col, &v);
        match v {
            Val::Str(s) => self.need_text(col, &clip(s), wrap),
            Val::Owned(s) => self.need_text(col, &clip(&s), wrap),
            _ => {}
        }
    }

    /// Write a header row; headers count toward widths (wrapped at two lines for long ones).
    pub(crate) fn header(&mut self, row: u32, headers: &[&str]) -> Result<(), XlsxError> {
        self.header_at(row, 0, headers)
    }

    /// Write a header row starting at column `col0`.
    pub(crate) fn header_at(
        &mut self,
        row: u32,
        col0: u16,
        headers: &[&str],
    ) -> Result<(), XlsxError> {
        let fmts = self.fmts;
        let f = &fmts.header;
        if !self.is_measuring() {
            self.at_row(row)?;
        }
        for (i, h) in headers.iter().enumerate() {
            let c = col0 as usize + i;
            if !self.is_measuring() {
                self.ws.write_string_with_format(row, c as u16, *h, f)?;
            }
            self.note_wrap(row, c as u16, h);
            self.need(c as u16, header_width(h));
        }
        Ok(())
    }

    /// Write a plain (label) string that does not count toward the widths.
    pub(crate) fn label(
        &mut self,
        row: u32,
        col: u16,
        s: &str,
        f: &Format,
    ) -> Result<(), XlsxError> {
        if self.is_measuring() {
            return Ok(());
        }
        self.at_row(row)?;
        self.ws.write_string_with_format(row, col, s, f)?;
        Ok(())
    }

    /// A table: frozen header, autofilter over the data, repeated header row when printed.
    pub(crate) fn table_chrome(
        &mut self,
        header_row: u32,
        ncols: u16,
        last_row: u32,
    ) -> Result<(), XlsxError> {
        let last_col = ncols.saturating_sub(1);
        self.ws.set_freeze_panes(header_row + 1, 0)?;
        self.ws
            .autofilter(header_row, 0, last_row.max(header_row), last_col)?;
        self.ws.set_repeat_rows(0, header_row)?;
        Ok(())
    }

    /// Apply the column widths (capped), the heights of rows with wrapped
    /// text, and A4 landscape, fit-to-width print setup.
    pub(crate) fn finish(mut self) -> Worksheet {
        if self.mode == Mode::Measure {
            // Nothing was written: a sheet that never began writing.
            self.begin_writing();
        }
        let final_w = match &self.mode {
            Mode::Stream { widths, .. } => widths.clone(),
            _ => self.final_widths(),
        };
        for (c, &w) in final_w.iter().enumerate() {
            let _ = self.ws.set_column_width(c as u16, w);
        }
        let _ = self.end_rows();
        // Wrapped cells by row (a streamed sheet has set its rows already).
        let mut by_row: std::collections::BTreeMap<u32, Vec<(u16, &[f32])>> =
            std::collections::BTreeMap::new();
        for (row, col, ls) in &self.wraps {
            by_row.entry(*row).or_default().push((*col, ls.as_slice()));
        }
        let mut heights: std::collections::BTreeMap<u32, f64> = by_row
            .into_iter()
            .filter_map(|(r, cells)| row_height(&final_w, cells.into_iter()).map(|h| (r, h)))
            .collect();
        for (r, c0, c1, lines) in &self.merged_wraps {
            let width: f64 = (*c0..=*c1)
                .map(|c| final_w.get(c as usize).copied().unwrap_or(8.43) + WIDTH_PADDING)
                .sum();
            if let Some(h) = row_height(&[width], std::iter::once((0u16, lines.as_slice()))) {
                let e = heights.entry(*r).or_insert(h);
                *e = e.max(h);
            }
        }
        if !matches!(self.mode, Mode::Stream { .. }) {
            for &(r, h) in &self.min_heights {
                let e = heights.entry(r).or_insert(h);
                *e = e.max(h);
            }
        }
        for (r, h) in heights {
            let _ = self.ws.set_row_height(r, h);
        }
        let _ = self.page.apply(&mut self.ws, final_w.len() as u16);
        self.ws
    }
}

/// The width a header asks of its column: one line up to 8 half-width
/// characters (4 Chinese ones), else two lines — the header row grows to
/// fit, so a long header never makes a column of short values wide.
fn header_width(h: &str) -> f64 {
    let w = text_width(h);
    if w <= 8.0 {
        w + 1.0
    } else {
        (w / 2.0).ceil() + 2.0
    }
}

/// The written total of `widths` (as applied), padding included.
fn total_width(widths: &[f64]) -> f64 {
    widths.iter().map(|w| w + WIDTH_PADDING).sum()
}

/// Narrow `widths` (as applied, before padding), none below its floor,
/// until their written total (with padding) fits `budget`: each column is
/// cut to `k × weight` (its share), `k` found by bisection, so the columns
/// holding more text keep more of the page.
pub(super) fn fit_to_budget(widths: &mut [f64], floors: &[f64], weights: &[f64], budget: f64) {
    // Whole tenths, so the widths written stay short and stable.
    let at = |k: f64, c: usize, w: f64| -> f64 {
        let share = (k * weights[c] * 10.0).floor() / 10.0;
        w.min(share.max(floors[c]))
    };
    let total = |k: f64, widths: &[f64]| -> f64 {
        widths
            .iter()
            .enumerate()
            .map(|(c, &w)| at(k, c, w) + WIDTH_PADDING)
            .sum()
    };
    let top = widths
        .iter()
        .enumerate()
        .map(|(c, &w)| w / weights[c].max(1e-9))
        .fold(0.0, f64::max);
    if total(top, widths) <= budget {
        return;
    }
    let (mut lo, mut hi) = (0.0, top);
    for _ in 0..50 {
        let mid = (lo + hi) / 2.0;
        if total(mid, widths) <= budget {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    for (c, w) in widths.iter_mut().enumerate() {
        *w = at(lo, c, *w);
    }
}

/// Build a worksheet named `name` with `body`: in memory (`ws` is `None`),
/// or streamed into the constant-memory or low-memory worksheet `ws` — then
/// `body` runs twice, once to size the columns and once to write (see
/// [`Sheet::streaming`]). Streamed worksheets are saved without a thread of
/// their own, which is what makes many small workbooks cheaper to save.
pub(crate) fn build_sheet<'f>(
    ws: Option<Worksheet>,
    name: &str,
    fmts: &'f Formats,
    mut body: impl FnMut(&mut Sheet<'f>) -> Result<(), XlsxError>,
) -> Result<Worksheet, XlsxError> {
    let mut s = match ws {
        Some(ws) => {
            let mut s = Sheet::streaming(ws, name, fmts)?;
            body(&mut s)?;
            s.begin_writing();
            s
        }
        None => Sheet::new(name, fmts)?,
    };
    body(&mut s)?;
    Ok(s.finish())
}

/// Height (points) a row needs for its wrapped cells — (column, width of
/// each line) — given the final column widths; `None` when one line will do.
///
/// A line of display width `lw` in a column of width `w` takes about
/// ceil(lw / (w − 1)) lines (one unit of padding).
pub(super) fn row_height<'a>(
    widths: &[f64],
    cells: impl Iterator<Item = (u16, &'a [f32])>,
) -> Option<f64> {
    let mut lines = 1.0f64;
    for (col, ls) in cells {
        let w = widths.get(col as usize).copied().unwrap_or(8.43);
        // A line the column was sized for fits on one line; longer ones
        // get 5% slack (symbols such as × − ÷ “” are drawn full-width by
        // CJK fonts).
        let fit = (w - 1.0).max(1.0);
        let room = (fit * 0.95).max(1.0);
        let n: f64 = ls
            .iter()
            .map(|&lw| {
                let lw = lw as f64;
                if lw <= fit {
                    1.0
                } else {
                    (lw / room).ceil().max(2.0)
                }
            })
            .sum();
        lines = lines.max(n);
    }
    (lines > 1.0).then(|| (lines * LINE_HEIGHT + 3.0).min(409.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::Workbook;

    #[test]
    fn the_page_is_shared_by_the_text_each_column_holds() {
        // Three wrapped columns of 40, their cells 60, 20 and 10 wide on
        // average, and a fixed one of 10; a budget of 70.
        let mut w = vec![40.0, 40.0, 40.0, 10.0];
        let floors = [8.0, 8.0, 8.0, 10.0];
        fit_to_budget(&mut w, &floors, &[60.0, 20.0, 10.0, 10.0], 70.0);
        let total: f64 = w.iter().map(|x| x + WIDTH_PADDING).sum();
        assert!(total <= 70.0 && total > 68.0, "{w:?}");
        // Shares follow the text: 3 : 1, the smallest at its floor.
        assert!((w[0] / w[1] - 3.0).abs() < 0.1, "{w:?}");
        assert_eq!(w[2], 8.0);
        assert_eq!(w[3], 10.0);
        // A budget that holds every column leaves them as they are.
        let mut wide = vec![40.0, 40.0, 40.0, 10.0];
        fit_to_budget(&mut wide, &floors, &[60.0, 20.0, 10.0, 10.0], 200.0);
        assert_eq!(wide, vec![40.0, 40.0, 40.0, 10.0]);
    }

    #[test]
    fn column_widths_are_capped_and_cjk_sized() {
        let fmts = Formats::new();
        let mut s = Sheet::new("表", &fmts).unwrap();
        s.put(0, 0, "区发展和改革局", Kind::Text, Fill::None)
            .unwrap();
        s.put(0, 1, "长".repeat(100), Kind::Wrap, Fill::None)
            .unwrap();
        s.put(0, 2, "a", Kind::Text, Fill::None).unwrap();
        assert_eq!(s.widths[0], 14.0);
        let mut ws = s.finish();
        let mut wb = Workbook::new();
        ws.set_name("表").unwrap();
        wb.push_worksheet(ws);
        let buf = wb.save_to_buffer().unwrap();
        let xml = crate::report::xlsx::tests_support::sheet_xml(&buf, 1);
        assert!(
            xml.contains(r#"width="15.7109375""#) || xml.contains("width=\"15"),
            "{xml}"
        );
        assert!(xml.contains("width=\"60.7109375\""), "{xml}");
        assert!(xml.contains("width=\"6.7109375\""), "{xml}");
    }
}
