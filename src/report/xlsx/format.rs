//! The formats of a duban workbook: cell kinds (number format, alignment),
//! row fills (card colours, highlights), and the shared format table.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook};

use crate::model::Card;

/// Fill colours of the cards (clear, print-friendly tints).
#[cfg(test)]
pub(crate) fn card_color(card: Card) -> Color {
    Color::RGB(FILL_COLORS[Fill::Card(card).index()].unwrap_or(0xFFFFFF))
}

/// The kind of a body cell: decides number format and alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
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
pub(crate) enum Fill {
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

    pub(crate) fn of(card: Option<Card>) -> Fill {
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
pub(crate) struct Formats {
    pub(crate) title: Format,
    pub(crate) subtitle: Format,
    pub(crate) header: Format,
    pub(crate) label: Format,
    pub(crate) note: Format,
    pub(crate) section: Format,
    body: Vec<[Format; 6]>,
}

impl Default for Formats {
    fn default() -> Self {
        Self::new()
    }
}

impl Formats {
    pub(crate) fn new() -> Formats {
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
            // Notes print at the body's size: they are read on paper too.
            note: Format::new()
                .set_font_name("宋体")
                .set_font_size(11)
                .set_font_color(Color::RGB(0x404040))
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
    pub(crate) fn register(&self, wb: &mut Workbook) {
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
    pub(crate) fn cell(&self, kind: Kind, fill: Fill) -> &Format {
        let k = KINDS.iter().position(|&x| x == kind).unwrap_or(0);
        &self.body[k][fill.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_fills_are_the_documented_colours() {
        assert_eq!(card_color(Card::Red), Color::RGB(0xFFC7CE));
        assert_eq!(card_color(Card::Orange), Color::RGB(0xFFD8A8));
        assert_eq!(card_color(Card::Yellow), Color::RGB(0xFFF2CC));
        assert_eq!(card_color(Card::Blue), Color::RGB(0xDDEBF7));
    }
}
