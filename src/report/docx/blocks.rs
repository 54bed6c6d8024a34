//! What a document is made of: runs of text ([`Span`]), tables
//! ([`DocTable`]), the 版记 ([`Imprint`]) and the 回执 ([`Receipt`]).

use chrono::NaiveDate;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::value::cn_date;

/// Text colours: GB/T 9704's red, and the blue and red of 蓝红双色标注.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Color {
    Red,
    Blue,
}

impl Color {
    /// The w:color value.
    pub(crate) fn hex(self) -> &'static str {
        match self {
            Color::Red => "FF0000",
            Color::Blue => "0000FF",
        }
    }
}

/// A run of text in one look: plain, coloured, bold.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Span {
    pub(crate) text: String,
    pub(crate) color: Option<Color>,
    pub(crate) bold: bool,
}

impl Span {
    /// Plain text.
    pub(crate) fn new(text: impl Into<String>) -> Self {
        Span {
            text: text.into(),
            ..Span::default()
        }
    }
    /// Red text (蓝红双色标注: red).
    pub(crate) fn red(text: impl Into<String>) -> Self {
        Span::new(text).color(Color::Red)
    }
    /// Blue text (蓝红双色标注: blue).
    pub(crate) fn blue(text: impl Into<String>) -> Self {
        Span::new(text).color(Color::Blue)
    }
    pub(crate) fn color(mut self, color: Color) -> Self {
        self.color = Some(color);
        self
    }
    pub(crate) fn bold(mut self) -> Self {
        self.bold = true;
        self
    }
}

impl From<&str> for Span {
    fn from(s: &str) -> Self {
        Span::new(s)
    }
}

impl From<String> for Span {
    fn from(s: String) -> Self {
        Span::new(s)
    }
}

/// Horizontal alignment of a table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// A table column: header text, relative width, alignment of its cells.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Column {
    pub(crate) header: String,
    /// Relative width; the table always spans the 版心.
    pub(crate) width: f64,
    pub(crate) align: Align,
}

impl Column {
    pub(crate) fn new(header: impl Into<String>, width: f64) -> Self {
        Column {
            header: header.into(),
            width,
            align: Align::Left,
        }
    }
    pub(crate) fn center(mut self) -> Self {
        self.align = Align::Center;
        self
    }
    pub(crate) fn right(mut self) -> Self {
        self.align = Align::Right;
        self
    }
}

/// One table row: a cell (a list of spans) per column, and a minimum height
/// in body lines (0: as high as its text).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Row {
    pub(crate) cells: Vec<Vec<Span>>,
    pub(crate) min_lines: u32,
}

/// A table spanning the 版心: a bold header row repeated on every page,
/// borders, fixed column widths, wrapping cells, rows never split.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct DocTable {
    pub(crate) columns: Vec<Column>,
    pub(crate) rows: Vec<Row>,
    /// Whether the column headers make a header row (tables of data); the
    /// 回执 has none.
    pub(crate) header: bool,
    /// Text size in half-points; `None`: the style's `table_pt`.
    pub(crate) size: Option<usize>,
    /// Keep the whole table on one page (the 回执) rather than letting it
    /// run on with its header repeated.
    pub(crate) keep_together: bool,
}

impl DocTable {
    /// A data table with a header row of the columns' headers.
    pub(crate) fn new(columns: Vec<Column>) -> Self {
        DocTable {
            columns,
            rows: Vec::new(),
            header: true,
            size: None,
            keep_together: false,
        }
    }

    /// Append a row of plain texts (missing cells are blank, extra dropped).
    pub(crate) fn row<S: Into<Span>>(&mut self, cells: impl IntoIterator<Item = S>) -> &mut Self {
        self.rich_row(cells.into_iter().map(|s| vec![s.into()]))
    }

    /// Append a row whose cells are several spans each (colour, bold).
    pub(crate) fn rich_row(&mut self, cells: impl IntoIterator<Item = Vec<Span>>) -> &mut Self {
        self.rows.push(Row {
            cells: cells.into_iter().collect(),
            min_lines: 0,
        });
        self
    }
}

/// 版记 (GB/T 9704 §7.4): 抄送 and the 印发 line, at the foot of the last page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Imprint {
    /// 抄送机关, e.g. `区委办公室，区人大常委会办公室`; `None`: no 抄送 line.
    pub(crate) cc: Option<String>,
    /// 印发机关.
    pub(crate) printer: String,
    /// 印发日期.
    pub(crate) date: NaiveDate,
}

/// One line of the 回执 to fill in: label, pre-filled value, height in lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReceiptField {
    pub(crate) label: String,
    pub(crate) value: String,
    pub(crate) lines: u32,
}

impl ReceiptField {
    pub(crate) fn new(label: impl Into<String>, value: impl Into<String>, lines: u32) -> Self {
        ReceiptField {
            label: label.into(),
            value: value.into(),
            lines,
        }
    }
}

/// The detachable 回执 of a 督办单: a cut line with the return deadline, a
/// title and a table of fields to fill in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Receipt {
    pub(crate) deadline: NaiveDate,
    pub(crate) title: String,
    pub(crate) fields: Vec<ReceiptField>,
}

impl Receipt {
    /// The usual fields: 办理情况, 责任人, 签字, 日期.
    pub(crate) fn new(deadline: NaiveDate) -> Self {
        Receipt {
            deadline,
            title: "回执".to_string(),
            fields: vec![
                ReceiptField::new("办理情况", "", 6),
                ReceiptField::new("责任人", "", 1),
                ReceiptField::new("签字", "", 1),
                ReceiptField::new("日期", "　　　　年　　月　　日", 1),
            ],
        }
    }

    /// Put the unit's name (and its tasks, …) in a first line.
    pub(crate) fn with_field(mut self, label: &str, value: &str) -> Self {
        self.fields.insert(0, ReceiptField::new(label, value, 1));
        self
    }

    /// The cut line's text: `（此联回执，请于2026年12月9日前反馈）`.
    pub(crate) fn cut_line(&self) -> String {
        format!("（此联回执，请于{}前反馈）", cn_date(self.deadline))
    }
}

/// Width of a text in body characters: CJK and full-width (also ambiguous
/// ones like “ ” —) count 1, Latin letters and digits ½, and each change
/// between CJK and Latin/digits ¼ more (Word's and LibreOffice's automatic
/// spacing between Asian text and numbers).
pub(crate) fn width_in_chars(s: &str) -> f64 {
    let mut transitions = 0;
    let mut prev: Option<bool> = None;
    for c in s.chars() {
        let wide = c.width_cjk().unwrap_or(0) == 2;
        let kind = if c.is_ascii_alphanumeric() {
            Some(false)
        } else if wide {
            Some(true)
        } else {
            None
        };
        if let (Some(a), Some(b)) = (prev, kind) {
            transitions += usize::from(a != b);
        }
        if kind.is_some() {
            prev = kind;
        }
    }
    s.width_cjk() as f64 / 2.0 + transitions as f64 * 0.25
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_use_arabic_numerals_without_leading_zeros() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert_eq!(cn_date(d), "2026年12月2日");
        assert_eq!(
            Receipt::new(d).cut_line(),
            "（此联回执，请于2026年12月2日前反馈）"
        );
    }

    #[test]
    fn widths_count_cjk_as_one_and_digits_as_half() {
        assert_eq!(width_in_chars("督查室"), 3.0);
        // 6½ characters and five changes between digits and CJK.
        assert_eq!(width_in_chars("2026年12月2日"), 7.75);
        assert_eq!(width_in_chars("ZD-017"), 3.0);
        assert_eq!(width_in_chars("“一”"), 3.0);
    }

    #[test]
    fn rows_take_plain_or_rich_cells() {
        let mut t = DocTable::new(vec![Column::new("单位", 2.0), Column::new("得分", 1.0)]);
        t.row(["区发改局", "92.5"])
            .rich_row([vec![Span::red("区财政局")], vec![Span::new("60").bold()]]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[1].cells[0][0].color, Some(Color::Red));
        assert!(t.rows[1].cells[1][0].bold);
    }
}
