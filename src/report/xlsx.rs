//! Shared workbook helpers: CJK-aware column widths, common formats, print
//! setup, deterministic document properties and atomic save.

use std::path::Path;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use rust_xlsxwriter::{
    Color, DocProperties, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use crate::model::Card;
use crate::store::atomic::AtomicFile;
use crate::text::display_width;

/// Height of one line of 11-point 宋体 text, in points.
pub const LINE_HEIGHT: f64 = 14.5;

/// Narrowest column, in character widths.
pub const MIN_WIDTH: f64 = 6.0;
/// Widest column: longer text wraps.
pub const MAX_WIDTH: f64 = 60.0;

/// Fill colours of the cards (clear, print-friendly tints).
pub fn card_color(card: Card) -> Color {
    Color::RGB(FILL_COLORS[Fill::Card(card).index()].unwrap_or(0xFFFFFF))
}

/// Save `wb` to `path` atomically: write a temporary file in the same folder, then rename.
/// Parent folders are created as needed.
pub fn save_atomic(wb: &mut Workbook, path: &Path) -> Result<()> {
    // Deflate level 3: saving (mostly compression) is a large part of a run's
    // time; level 6 would make the files only a little smaller.
    save_atomic_level(wb, path, 3)
}

/// Deflate level for the per-unit workbooks (next forms, notices): level 1
/// (zlib-rs's quick deflate) takes about a third less time to save one than
/// level 3, for files about a fifth larger (16 KB instead of 13 KB for a
/// 50-task form); a thousand of them are written per run.
pub const SMALL_ZIP_LEVEL: u8 = 1;

/// [`save_atomic`] with an explicit deflate level (1–9).
pub fn save_atomic_level(wb: &mut Workbook, path: &Path, level: u8) -> Result<()> {
    wb.set_zip_compression_level(level);
    let file = AtomicFile::create(path)?;
    // Straight into the temporary file: the zipped workbook is never held
    // in memory as a whole.
    let mut out = file.writer();
    wb.save_to_writer(&mut out)
        .with_context(|| format!("无法生成工作簿 {}", path.display()))?;
    std::io::Write::flush(&mut out).with_context(|| format!("无法写入 {}", path.display()))?;
    drop(out);
    file.commit().with_context(|| {
        format!(
            "无法保存 {}（文件是否正被 Excel/WPS 打开？）",
            path.display()
        )
    })?;
    Ok(())
}

/// Fixed document properties so the same inputs give byte-identical files.
pub fn set_properties(wb: &mut Workbook, title: &str, as_of: NaiveDate) {
    let created = as_of.and_hms_opt(0, 0, 0).unwrap_or_default();
    let props = DocProperties::new()
        .set_title(title)
        .set_author("duban 督办")
        .set_company("督查室")
        .set_creation_datetime(&created);
    wb.set_properties(&props);
}

/// Width in Excel character units needed to show `s` (widest line; CJK counts 2).
pub fn text_width(s: &str) -> f64 {
    s.lines().map(display_width).max().unwrap_or(0) as f64
}

/// Excel's limit on the characters of one cell.
pub const CELL_MAX_CHARS: usize = 32_767;

/// `s`, cut to fit one cell (with a note saying it was cut).
pub fn clip(s: &str) -> std::borrow::Cow<'_, str> {
    const MARK: &str = "…（内容过长，已截断）";
    // Excel counts UTF-16 units; stay well inside.
    if s.len() <= CELL_MAX_CHARS || s.encode_utf16().count() <= CELL_MAX_CHARS {
        return std::borrow::Cow::Borrowed(s);
    }
    let keep = CELL_MAX_CHARS - 2 * MARK.chars().count();
    let mut out: String = s.chars().take(keep / 2).collect();
    out.push_str(MARK);
    std::borrow::Cow::Owned(out)
}

/// The kind of a body cell: decides number format and alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Short text, left, no wrap.
    Text,
    /// Long text, wrapped, top-aligned.
    Wrap,
    /// Centered short text (status, card, marks).
    Center,
    /// Whole number.
    Int,
    /// One decimal (percent points, lag).
    Num,
    /// `yyyy-mm-dd` date.
    Date,
    /// Two decimals (scores, so a clerk can redo the sum to the cent).
    Num2,
}

const KINDS: [Kind; 7] = [
    Kind::Text,
    Kind::Wrap,
    Kind::Center,
    Kind::Int,
    Kind::Num,
    Kind::Date,
    Kind::Num2,
];

/// A row fill: none, a card colour, or a highlight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fill {
    None,
    Card(Card),
    /// Errors and bottom-three rows (light red, same as a red card).
    Alert,
    /// Top-three rows (light green).
    Good,
}

impl Fill {
    fn index(self) -> usize {
        match self {
            Fill::None => 0,
            Fill::Card(Card::Red) | Fill::Alert => 1,
            Fill::Card(Card::Orange) => 2,
            Fill::Card(Card::Yellow) => 3,
            Fill::Card(Card::Blue) => 4,
            Fill::Good => 5,
        }
    }

    pub fn of(card: Option<Card>) -> Fill {
        card.map(Fill::Card).unwrap_or(Fill::None)
    }
}

const FILL_COLORS: [Option<u32>; 6] = [
    None,
    Some(0xFFC7CE),
    Some(0xFFD8A8),
    Some(0xFFF2CC),
    Some(0xDDEBF7),
    Some(0xE2EFDA),
];

/// Every format a duban workbook uses, created once and shared (also across threads).
#[derive(Debug, Clone)]
pub struct Formats {
    pub title: Format,
    pub subtitle: Format,
    pub header: Format,
    pub label: Format,
    pub note: Format,
    pub section: Format,
    body: Vec<[Format; 6]>,
}

impl Default for Formats {
    fn default() -> Self {
        Self::new()
    }
}

impl Formats {
    pub fn new() -> Formats {
        let base = Format::new()
            .set_font_name("宋体")
            .set_font_size(11)
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        let body = KINDS
            .iter()
            .map(|&k| {
                let f = match k {
                    Kind::Text => base.clone(),
                    Kind::Wrap => base.clone().set_text_wrap(),
                    Kind::Center => base.clone().set_align(FormatAlign::Center),
                    Kind::Int => base.clone().set_num_format("0"),
                    Kind::Num => base.clone().set_num_format("0.0"),
                    Kind::Date => base
                        .clone()
                        .set_num_format("yyyy-mm-dd")
                        .set_align(FormatAlign::Center),
                    Kind::Num2 => base.clone().set_num_format("0.00"),
                };
                std::array::from_fn(|i| match FILL_COLORS[i] {
                    Some(c) => f.clone().set_background_color(Color::RGB(c)),
                    None => f.clone(),
                })
            })
            .collect();
        Formats {
            title: Format::new()
                .set_font_name("黑体")
                .set_font_size(16)
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            subtitle: Format::new().set_font_name("宋体").set_font_size(11),
            header: Format::new()
                .set_font_name("黑体")
                .set_font_size(11)
                .set_bold()
                .set_text_wrap()
                .set_border(FormatBorder::Thin)
                .set_background_color(Color::RGB(0xD9E1F2))
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            label: base
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0xF2F2F2)),
            note: Format::new()
                .set_font_name("宋体")
                .set_font_size(10)
                .set_font_color(Color::RGB(0x595959))
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            section: Format::new()
                .set_font_name("黑体")
                .set_font_size(12)
                .set_bold(),
            body,
        }
    }

    /// Give every format its number in `wb`'s style table, in a fixed order
    /// (sheets sharing the workbook's table may then be built on any thread).
    pub fn register(&self, wb: &mut Workbook) {
        for f in [
            &self.title,
            &self.subtitle,
            &self.header,
            &self.label,
            &self.note,
            &self.section,
        ] {
            wb.register_format(f);
        }
        for f in self.body.iter().flatten() {
            wb.register_format(f);
        }
    }

    /// The body format of a cell kind with a row fill.
    pub fn cell(&self, kind: Kind, fill: Fill) -> &Format {
        let k = KINDS.iter().position(|&x| x == kind).unwrap_or(0);
        &self.body[k][fill.index()]
    }
}

/// A value for one body cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Val<'a> {
    Empty,
    Str(&'a str),
    Owned(String),
    Num(f64),
    Int(i64),
    Date(NaiveDate),
}

impl Val<'_> {
    /// The text of a text value (borrowed or owned).
    fn text(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            Val::Owned(s) => Some(s),
            _ => None,
        }
    }
}

impl<'a> From<&'a str> for Val<'a> {
    fn from(s: &'a str) -> Self {
        Val::Str(s)
    }
}
impl<'a> From<&'a String> for Val<'a> {
    fn from(s: &'a String) -> Self {
        Val::Str(s)
    }
}
impl From<String> for Val<'_> {
    fn from(s: String) -> Self {
        Val::Owned(s)
    }
}
impl From<f64> for Val<'_> {
    fn from(n: f64) -> Self {
        Val::Num(n)
    }
}
impl From<u32> for Val<'_> {
    fn from(n: u32) -> Self {
        Val::Int(n as i64)
    }
}
impl From<u8> for Val<'_> {
    fn from(n: u8) -> Self {
        Val::Int(n as i64)
    }
}
impl From<i64> for Val<'_> {
    fn from(n: i64) -> Self {
        Val::Int(n)
    }
}
impl From<NaiveDate> for Val<'_> {
    fn from(d: NaiveDate) -> Self {
        Val::Date(d)
    }
}
impl<'a, T: Into<Val<'a>>> From<Option<T>> for Val<'a> {
    fn from(o: Option<T>) -> Self {
        o.map(Into::into).unwrap_or(Val::Empty)
    }
}

/// A worksheet being written, tracking the width each column needs.
pub struct Sheet<'f> {
    pub ws: Worksheet,
    pub fmts: &'f Formats,
    widths: Vec<f64>,
    min: f64,
    max: f64,
    /// Wrapped cells that may need more than one line: (row, col, width of
    /// each line). Row heights are set from them in [`Sheet::finish`], once
    /// the column widths are known (LibreOffice and WPS do not grow rows by
    /// themselves, so wrapped text would be cut off on screen and on paper).
    wraps: Vec<(u32, u16, Vec<f32>)>,
    /// Minimum heights of rows (points), e.g. answer rows of a form.
    min_heights: Vec<(u32, f64)>,
    /// How cells reach the worksheet (see [`Mode`]).
    mode: Mode,
    /// While measuring: the worksheet the second pass writes to (`ws` is
    /// then a scratch worksheet for the calls made on it directly).
    real: Option<Worksheet>,
}

/// How a [`Sheet`] writes its cells.
#[derive(Debug, Clone, PartialEq)]
enum Mode {
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
    pub fn new(name: &str, fmts: &'f Formats) -> Result<Sheet<'f>, XlsxError> {
        let mut ws = Worksheet::new();
        ws.set_name(name)?;
        Ok(Sheet::with(ws, fmts, Mode::Memory, None))
    }

    fn with(ws: Worksheet, fmts: &'f Formats, mode: Mode, real: Option<Worksheet>) -> Sheet<'f> {
        Sheet {
            ws,
            fmts,
            widths: Vec::new(),
            min: MIN_WIDTH,
            max: MAX_WIDTH,
            wraps: Vec::new(),
            min_heights: Vec::new(),
            mode,
            real,
        }
    }

    /// A sheet written row by row into a constant-memory worksheet (made by
    /// `Workbook::new_worksheet_with_constant_memory`): rows must come top to
    /// bottom. It starts measuring: write every cell once to size the
    /// columns, call [`Sheet::begin_writing`], then write the same cells again
    /// (what the first pass does to `ws` directly goes to a scratch worksheet).
    /// Rows written on `ws` directly must go through [`Sheet::merge`] and
    /// [`Sheet::row_height`], so the sheet knows when a row is left.
    pub fn streaming(
        mut ws: Worksheet,
        name: &str,
        fmts: &'f Formats,
    ) -> Result<Sheet<'f>, XlsxError> {
        ws.set_name(name)?;
        Ok(Sheet::with(Worksheet::new(), fmts, Mode::Measure, Some(ws)))
    }

    /// Whether this is the measuring pass of a streaming sheet.
    pub fn is_measuring(&self) -> bool {
        self.mode == Mode::Measure
    }

    /// End the measuring pass: the column widths become final.
    pub fn begin_writing(&mut self) {
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
    pub fn merge(
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

    /// Set the height of `row` (points). Rows with wrapped text that needs
    /// more lines still get the height of those lines.
    pub fn row_height(&mut self, row: u32, h: f64) -> Result<(), XlsxError> {
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

    /// The column widths as applied: padded by one and kept within the bounds.
    fn final_widths(&self) -> Vec<f64> {
        self.widths
            .iter()
            .map(|w| (w + 1.0).clamp(self.min, self.max))
            .collect()
    }

    /// Streaming: a cell of `row` is about to be written. Leaving a row sets
    /// its height (a row cannot change once the next one is written).
    fn at_row(&mut self, row: u32) -> Result<(), XlsxError> {
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
    fn end_rows(&mut self) -> Result<(), XlsxError> {
        let Mode::Stream { row: Some(r), .. } = self.mode else {
            return Ok(());
        };
        self.at_row(r + 1)?;
        if let Mode::Stream { tall: true, .. } = self.mode {
            self.ws.write_blank(r + 1, 0, &Format::default())?;
        }
        Ok(())
    }

    /// Change the width bounds applied by [`Sheet::finish`].
    pub fn width_bounds(&mut self, min: f64, max: f64) {
        self.min = min;
        self.max = max;
    }

    /// Make column `col` at least `w` wide.
    pub fn need(&mut self, col: u16, w: f64) {
        let c = col as usize;
        if self.widths.len() <= c {
            self.widths.resize(c + 1, 0.0);
        }
        if w > self.widths[c] {
            self.widths[c] = w;
        }
    }

    /// Make column `col` wide enough for `s`, skipping the measure when it
    /// cannot matter (display width never exceeds the UTF-8 byte length).
    fn need_text(&mut self, col: u16, s: &str) {
        let cur = self.widths.get(col as usize).copied().unwrap_or(0.0);
        if cur >= self.max || (s.len() as f64) <= cur {
            return;
        }
        self.need(col, text_width(s));
    }

    /// Write a body cell.
    pub fn put<'v>(
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
        self.put_fmt(row, col, v, f)
    }

    /// Remember that the wrapped cell (`row`, `col`) holds `s`, so its row
    /// is made tall enough for every line. Short text (which fits the
    /// narrowest column on one line) is skipped without measuring.
    pub fn note_wrap(&mut self, row: u32, col: u16, s: &str) {
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
    pub fn min_height(&mut self, row: u32, h: f64) {
        self.min_heights.push((row, h));
    }

    /// Write a body cell with an explicit format.
    pub fn put_fmt<'v>(
        &mut self,
        row: u32,
        col: u16,
        v: impl Into<Val<'v>>,
        f: &Format,
    ) -> Result<(), XlsxError> {
        match self.mode {
            Mode::Memory => {}
            Mode::Measure => {
                self.measure(col, v.into());
                return Ok(());
            }
            Mode::Stream { .. } => self.at_row(row)?,
        }
        match v.into() {
            Val::Empty => {
                self.ws.write_blank(row, col, f)?;
            }
            Val::Str(s) => {
                let s = clip(s);
                self.need_text(col, &s);
                self.ws.write_string_with_format(row, col, s.as_ref(), f)?;
            }
            Val::Owned(s) => {
                let s = clip(&s);
                self.need_text(col, &s);
                self.ws.write_string_with_format(row, col, s.as_ref(), f)?;
            }
            Val::Num(n) => {
                let n = if n.is_finite() { n } else { 0.0 };
                self.need(col, 7.0);
                self.ws.write_number_with_format(row, col, n, f)?;
            }
            Val::Int(n) => {
                self.need(col, (n.to_string().len() + 1) as f64);
                self.ws.write_number_with_format(row, col, n as f64, f)?;
            }
            Val::Date(d) => {
                self.need(col, 11.0);
                self.ws.write_date_with_format(row, col, d, f)?;
            }
        }
        Ok(())
    }

    /// The width a value needs, as [`Sheet::put_fmt`] counts it.
    fn measure(&mut self, col: u16, v: Val) {
        match v {
            Val::Empty => {}
            Val::Str(s) => self.need_text(col, &clip(s)),
            Val::Owned(s) => self.need_text(col, &clip(&s)),
            Val::Num(_) => self.need(col, 7.0),
            Val::Int(n) => self.need(col, (n.to_string().len() + 1) as f64),
            Val::Date(_) => self.need(col, 11.0),
        }
    }

    /// Write a header row; headers count toward widths (wrapped at two lines for long ones).
    pub fn header(&mut self, row: u32, headers: &[&str]) -> Result<(), XlsxError> {
        self.header_at(row, 0, headers)
    }

    /// Write a header row starting at column `col0`.
    pub fn header_at(&mut self, row: u32, col0: u16, headers: &[&str]) -> Result<(), XlsxError> {
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
            let w = text_width(h);
            let w = if w > 12.0 {
                (w / 2.0).ceil().max(12.0)
            } else {
                w
            };
            self.need(c as u16, w + 2.0);
        }
        Ok(())
    }

    /// Write a plain (label) string that does not count toward the widths.
    pub fn label(&mut self, row: u32, col: u16, s: &str, f: &Format) -> Result<(), XlsxError> {
        if self.is_measuring() {
            return Ok(());
        }
        self.at_row(row)?;
        self.ws.write_string_with_format(row, col, s, f)?;
        Ok(())
    }

    /// A table: frozen header, autofilter over the data, repeated header row when printed.
    pub fn table_chrome(
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
    pub fn finish(mut self) -> Worksheet {
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
        if !matches!(self.mode, Mode::Stream { .. }) {
            for &(r, h) in &self.min_heights {
                let e = heights.entry(r).or_insert(h);
                *e = e.max(h);
            }
        }
        for (r, h) in heights {
            let _ = self.ws.set_row_height(r, h);
        }
        print_setup(&mut self.ws);
        self.ws
    }
}

/// Build a worksheet named `name` with `body`: in memory (`ws` is `None`),
/// or streamed into the constant-memory or low-memory worksheet `ws` — then
/// `body` runs twice, once to size the columns and once to write (see
/// [`Sheet::streaming`]). Streamed worksheets are saved without a thread of
/// their own, which is what makes many small workbooks cheaper to save.
pub fn build_sheet<'f>(
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
fn row_height<'a>(widths: &[f64], cells: impl Iterator<Item = (u16, &'a [f32])>) -> Option<f64> {
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

/// A file name safe on Windows, macOS and Linux: forbidden characters
/// (`/ \ : * ? " < > |` and control characters) become `_`, `..` is broken up,
/// leading dots/spaces and trailing dots/spaces are dropped, Windows reserved
/// names (CON, PRN, AUX, NUL, CONIN$, CONOUT$, COM1–9, LPT1–9, also with ¹²³)
/// get a `_` prefix, and the name is cut to 80 characters and 240 UTF-8 bytes.
/// Never empty.
pub fn safe_file_name(name: &str) -> String {
    const MAX_CHARS: usize = 80;
    // Room left for `_NN.xlsx` and a temporary-file prefix.
    const MAX_BYTES: usize = 240;
    let mut s: String = name
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let trim = |s: &str| s.trim_matches(['.', ' ', '\u{3000}']).to_string();
    s = trim(&s);
    while s.contains("..") {
        s = s.replace("..", "_");
    }
    let mut s: String = trim(&s).chars().take(MAX_CHARS).collect();
    // Linux allows 255 bytes per name: 80 four-byte characters do not fit.
    while s.len() > MAX_BYTES {
        s.pop();
    }
    while s.ends_with(['.', ' ']) {
        s.pop();
    }
    if s.is_empty() {
        return "未命名单位".to_string();
    }
    let stem = s
        .split('.')
        .next()
        .unwrap_or("")
        .trim_end()
        .to_ascii_uppercase();
    let reserved = matches!(
        stem.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) || ((stem.starts_with("COM") || stem.starts_with("LPT"))
        && stem.chars().count() == 4
        && stem
            .chars()
            .nth(3)
            .is_some_and(|c| "123456789¹²³".contains(c)));
    if reserved {
        s.insert(0, '_');
    }
    s
}

/// Hands out distinct, safe `<name>.xlsx` file names (case-insensitively
/// distinct: `_2`, `_3` … appended on a clash).
#[derive(Debug, Default)]
pub struct UniqueNames {
    used: std::collections::BTreeSet<String>,
}

impl UniqueNames {
    pub fn xlsx(&mut self, name: &str) -> String {
        let base = safe_file_name(name);
        let mut file = base.clone();
        let mut k = 2;
        while !self.used.insert(file.to_lowercase()) {
            file = format!("{base}_{k}");
            k += 1;
        }
        format!("{file}.xlsx")
    }
}

/// A4, landscape, one page wide, page numbers in the footer.
pub fn print_setup(ws: &mut Worksheet) {
    ws.set_paper_size(9)
        .set_landscape()
        .set_print_fit_to_pages(1, 0)
        .set_print_center_horizontally(true)
        .set_footer("&C第 &P 页，共 &N 页");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_clipped_to_one_cell() {
        let long = "区".repeat(40_000);
        let c = clip(&long);
        assert!(c.encode_utf16().count() <= CELL_MAX_CHARS);
        assert!(c.ends_with("已截断）"));
        assert_eq!(clip("短"), "短");
        let fmts = Formats::new();
        let mut s = Sheet::new("表", &fmts).unwrap();
        s.put(0, 0, long.as_str(), Kind::Wrap, Fill::None).unwrap();
    }

    #[test]
    fn card_fills_are_the_documented_colours() {
        assert_eq!(card_color(Card::Red), Color::RGB(0xFFC7CE));
        assert_eq!(card_color(Card::Orange), Color::RGB(0xFFD8A8));
        assert_eq!(card_color(Card::Yellow), Color::RGB(0xFFF2CC));
        assert_eq!(card_color(Card::Blue), Color::RGB(0xDDEBF7));
    }

    #[test]
    fn widths_count_cjk_double() {
        assert_eq!(text_width("区发改局"), 8.0);
        assert_eq!(text_width("ab\n区发改局重点"), 12.0);
        assert_eq!(text_width(""), 0.0);
    }

    #[test]
    fn save_creates_dirs_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/测试.xlsx");
        let mut wb = Workbook::new();
        wb.add_worksheet().write_string(0, 0, "你好").unwrap();
        set_properties(&mut wb, "t", NaiveDate::from_ymd_opt(2023, 3, 31).unwrap());
        save_atomic(&mut wb, &path).unwrap();
        assert!(path.exists());
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        assert_eq!(names, vec!["测试.xlsx".to_string()]);
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
        let xml = super::tests_support::sheet_xml(&buf, 1);
        assert!(
            xml.contains(r#"width="15.7109375""#) || xml.contains("width=\"15"),
            "{xml}"
        );
        assert!(xml.contains("width=\"60.7109375\""), "{xml}");
        assert!(xml.contains("width=\"6.7109375\""), "{xml}");
    }
}

/// Helpers for tests that look inside the written xlsx packages.
#[cfg(test)]
pub(crate) mod tests_support {
    use std::io::Read;

    /// The text of one part of an xlsx package.
    pub fn part(buf: &[u8], name: &str) -> String {
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(buf)).unwrap();
        let mut f = z.by_name(name).unwrap_or_else(|_| panic!("no part {name}"));
        let mut s = String::new();
        f.read_to_string(&mut s).unwrap();
        s
    }

    /// A4 (paper 9), landscape, fit to one page wide (fitToWidth defaults to 1
    /// and is omitted; height 0 = as many pages as needed), footer with page numbers.
    pub fn assert_printable(xml: &str) {
        let setup = xml
            .split("<pageSetup ")
            .nth(1)
            .and_then(|s| s.split("/>").next())
            .unwrap_or_else(|| panic!("no pageSetup"));
        assert!(setup.contains(r#"paperSize="9""#), "{setup}");
        assert!(setup.contains(r#"orientation="landscape""#), "{setup}");
        assert!(setup.contains(r#"fitToHeight="0""#), "{setup}");
        assert!(!setup.contains("fitToWidth") || setup.contains(r#"fitToWidth="1""#));
        assert!(xml.contains(r#"<pageSetUpPr fitToPage="1"/>"#));
        assert!(xml.contains("&amp;P") && xml.contains("&amp;N"), "footer");
    }

    /// `xl/worksheets/sheet<n>.xml`.
    pub fn sheet_xml(buf: &[u8], n: usize) -> String {
        part(buf, &format!("xl/worksheets/sheet{n}.xml"))
    }

    /// (row, height) of every row with a set height.
    fn row_heights(xml: &str) -> Vec<(String, String)> {
        xml.split("<row ")
            .skip(1)
            .filter_map(|t| {
                let t = t.split('>').next()?;
                let attr = |k: &str| {
                    t.split(&format!(" {k}=\"")[..])
                        .nth(1)
                        .or_else(|| t.strip_prefix(&format!("{k}=\"")[..]))
                        .and_then(|v| v.split('"').next())
                        .map(str::to_string)
                };
                Some((attr("r")?, attr("ht")?))
            })
            .collect()
    }

    /// The part of `xml` from `tag` to the end of the element (or its first tag).
    fn element(xml: &str, tag: &str) -> Option<String> {
        let rest = xml.split(tag).nth(1)?;
        let end = format!("</{}>", tag.trim_matches(['<', '>', ' ']));
        Some(match rest.split(&end[..]).next() {
            Some(inner) if rest.contains(&end[..]) => inner.to_string(),
            _ => rest.split('>').next().unwrap_or("").to_string(),
        })
    }

    /// Two workbooks (e.g. a sheet held in memory and the same sheet
    /// streamed) look the same: sheets, values (calamine), cell styles,
    /// column widths, row heights, merges, panes, filters, validations,
    /// protection, print setup and notes; rows are written once each, in
    /// order. Returns the number of rows with a set height, by sheet.
    pub fn assert_same_look(a: &[u8], b: &[u8]) -> Vec<usize> {
        use calamine::{Reader, Xlsx};
        let open = |x: &[u8]| Xlsx::new(std::io::Cursor::new(x.to_vec())).unwrap();
        let (mut wa, mut wb) = (open(a), open(b));
        assert_eq!(wa.sheet_names(), wb.sheet_names());
        let mut tall = Vec::new();
        for (i, name) in wa.sheet_names().iter().enumerate() {
            let (va, vb) = (
                wa.worksheet_range(name).unwrap(),
                wb.worksheet_range(name).unwrap(),
            );
            assert_eq!(va, vb, "values of {name}");
            let (sa, sb) = (
                wa.worksheet_style(name).unwrap(),
                wb.worksheet_style(name).unwrap(),
            );
            assert_eq!(sa.start(), sb.start(), "{name}");
            let cells_b: Vec<_> = sb.cells().collect();
            for (k, c) in sa.cells().enumerate() {
                assert_eq!(Some(&c), cells_b.get(k), "style of {name}");
            }
            assert_eq!(sa.cells().count(), cells_b.len(), "{name}");
            let (xa, xb) = (sheet_xml(a, i + 1), sheet_xml(b, i + 1));
            if let Some(cols) = element(&xa, "<cols>") {
                assert!(cols.contains("width="), "{name}: {cols}");
            }
            assert_eq!(row_heights(&xa), row_heights(&xb), "heights of {name}");
            for tag in [
                "<cols>",
                "<mergeCells ",
                "<pane ",
                "<autoFilter ",
                "<dataValidations ",
                "<sheetProtection ",
                "<printOptions ",
                "<pageSetup ",
                "<oddHeader>",
                "<oddFooter>",
                "<legacyDrawing ",
                "<sheetPr",
            ] {
                assert_eq!(element(&xa, tag), element(&xb, tag), "{tag} of {name}");
            }
            let rows: Vec<u32> = xb
                .split("<row r=\"")
                .skip(1)
                .map(|t| t.split('"').next().unwrap().parse().unwrap())
                .collect();
            assert!(rows.windows(2).all(|w| w[0] < w[1]), "rows of {name}");
            assert!(!xb.contains("inlineStr"), "{name}: shared strings");
            tall.push(row_heights(&xb).len());
        }
        tall
    }
}
