//! What several documents share: numbers as written, the placeholders'
//! values, heading numbers, the 文号 and the table of carded tasks.

use chrono::Datelike;

use super::snapshot::TaskDoc;
use super::wording::Vars;
use super::Ctx;
use crate::config::Preset;
use crate::model::Card;
use crate::report::docx::{Column, DocTable, DocxBuilder, Span};
use crate::score::CardCounts;

/// Chinese numerals for headings: 一 … 二十.
const NUMERALS: [&str; 20] = [
    "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四",
    "十五", "十六", "十七", "十八", "十九", "二十",
];

/// The `i`-th (0-based) Chinese numeral; beyond twenty, Arabic digits.
pub(crate) fn numeral(i: usize) -> String {
    NUMERALS
        .get(i)
        .map(|s| s.to_string())
        .unwrap_or_else(|| (i + 1).to_string())
}

/// `一、总体情况`.
pub(crate) fn heading1(i: usize, text: &str) -> String {
    format!("{}、{text}", numeral(i))
}

/// `（一）`.
pub(crate) fn heading2(i: usize) -> String {
    format!("（{}）", numeral(i))
}

/// A percentage as the workbook shows it: one decimal (`75.0`).
pub(crate) fn pct(x: f64) -> String {
    format!("{:.1}", crate::report::figures::round1(x))
}

/// A score as the workbook shows it (单位排名: `0.00`).
pub(crate) fn score(x: f64) -> String {
    format!("{x:.2}")
}

/// Names joined with `、`.
pub(crate) fn join(names: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    names
        .into_iter()
        .map(|s| s.as_ref().to_string())
        .collect::<Vec<_>>()
        .join("、")
}

/// The cards a preset gives, most severe first.
pub(crate) fn preset_cards(p: Preset) -> &'static [Card] {
    match p {
        Preset::RedYellowBlue => &[Card::Red, Card::Yellow, Card::Blue],
        Preset::YellowOrangeRed => &[Card::Red, Card::Orange, Card::Yellow],
    }
}

/// `红牌3项、黄牌1项` of the cards counted, the preset's colours with a
/// count above zero (`unit`: 项 or 个).
pub(crate) fn card_counts(p: Preset, c: &CardCounts, unit: &str) -> String {
    let n = |card: Card| match card {
        Card::Red => c.red,
        Card::Orange => c.orange,
        Card::Yellow => c.yellow,
        Card::Blue => c.blue,
    };
    join(
        preset_cards(p)
            .iter()
            .filter(|&&card| n(card) > 0)
            .map(|&card| format!("{}{}{unit}", card.label(), n(card))),
    )
}

/// A card's name in the colour it names where the text can be coloured
/// (red; the others in black, as blue and yellow print badly).
pub(crate) fn card_span(card: Card) -> Span {
    match card {
        Card::Red => Span::red(card.label()),
        _ => Span::new(card.label()),
    }
}

impl Ctx<'_> {
    /// The placeholders every document has: 期次, 年度, 政府, 范围, 督查室.
    pub(crate) fn vars(&self) -> Vars {
        let c = &self.wording.common;
        Vars::new()
            .set("期次", self.snap.period.label())
            .set("年度", self.snap.period.year.to_string())
            .set("政府", c.government.clone())
            .set("范围", c.scope.clone())
            .set("督查室", self.office.short_name.clone())
    }

    /// A new document dated the issue date.
    pub(crate) fn doc(&self) -> DocxBuilder {
        let mut d = DocxBuilder::new(self.style);
        d.created(self.issue_date);
        d
    }

    /// The 文号 of serial `n`: `四政督〔2026〕12号`.
    pub(crate) fn doc_number(&self, n: u32) -> String {
        format!(
            "{}〔{}〕{n}号",
            self.office.doc_prefix,
            self.issue_date.year()
        )
    }
}

/// Carded tasks of the 通报: unit, task, and the reasons with their figures.
/// Widths are in characters of table text (about 37 fill the 版心).
pub(crate) fn task_table(tasks: &[TaskDoc]) -> DocTable {
    let mut t = DocTable::new(vec![
        Column::new("序号", 2.7).center(),
        Column::new("牵头单位", 6.3),
        Column::new("编号", 5.0).center(),
        Column::new("重点工作", 9.5),
        Column::new("亮牌原因", 13.3),
    ]);
    for (i, task) in tasks.iter().enumerate() {
        t.row([
            (i + 1).to_string(),
            task.unit.clone(),
            task.id.clone(),
            task.title.clone(),
            task.reasons.join("；"),
        ]);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_names_as_written() {
        assert_eq!(heading1(0, "总体情况"), "一、总体情况");
        assert_eq!(heading2(10), "（十一）");
        assert_eq!(numeral(25), "26");
        assert_eq!(pct(75.0), "75.0");
        assert_eq!(pct(33.349), "33.3");
        assert_eq!(score(60.0), "60.00");
        assert_eq!(score(52.07), "52.07");
        assert_eq!(join(["甲", "乙"]), "甲、乙");
        let c = CardCounts {
            red: 2,
            orange: 0,
            yellow: 1,
            blue: 5,
        };
        assert_eq!(
            card_counts(Preset::RedYellowBlue, &c, "项"),
            "红牌2项、黄牌1项、蓝牌5项"
        );
        assert_eq!(
            card_counts(Preset::YellowOrangeRed, &c, "个"),
            "红牌2个、黄牌1个"
        );
    }
}
