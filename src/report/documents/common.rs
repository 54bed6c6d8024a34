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

/// Card reasons as a document states them. The workbook's reasons are
/// self-contained and show the rule's threshold, so that a clerk can check
/// them (`序时进度60%，实际20%，滞后40个百分点（≥30），严重滞后；已启动但进度
/// 缓慢：序时进度60%，实际20%，滞后40个百分点（>10）`); a letter or 通报
/// gives the figures once and the findings in words (`序时进度60%，实际20%，
/// 滞后40个百分点，严重滞后；已启动但进度缓慢`), with dates in Chinese.
pub fn reasons(list: &[String]) -> String {
    let mut out: Vec<String> = Vec::with_capacity(list.len());
    let mut figures_given = false;
    for r in list {
        let mut r = without_thresholds(r);
        if let Some((label, rest)) = r.split_once('：') {
            if figures_given && rest.starts_with("序时进度") {
                r = label.to_string();
            }
        }
        figures_given |= r.contains("序时进度");
        out.push(chinese_dates(&r));
    }
    out.join("；")
}

/// Drop a rule's threshold in brackets: `（≥30）`, `（>10）`, `（≥50%）`,
/// `（≥2次）`; `（>15，疑似谎报进度）` keeps its words: `，疑似谎报进度`.
fn without_thresholds(r: &str) -> String {
    let mut out = String::with_capacity(r.len());
    let mut rest = r;
    while let Some(open) = rest.find('（') {
        out.push_str(&rest[..open]);
        let inner_start = open + '（'.len_utf8();
        let Some(len) = rest[inner_start..].find('）') else {
            rest = &rest[open..];
            break;
        };
        let inner = &rest[inner_start..inner_start + len];
        let after = &rest[inner_start + len + '）'.len_utf8()..];
        match inner.strip_prefix('≥').or_else(|| inner.strip_prefix('>')) {
            Some(t) => {
                let (threshold, words) = t.split_once('，').unwrap_or((t, ""));
                let is_threshold = threshold
                    .trim_end_matches(['%', '次', '处', '期'])
                    .parse::<f64>()
                    .is_ok();
                if !is_threshold {
                    out.push_str(&rest[open..inner_start + len + '）'.len_utf8()]);
                } else if !words.is_empty() {
                    out.push('，');
                    out.push_str(words);
                }
            }
            None => out.push_str(&rest[open..inner_start + len + '）'.len_utf8()]),
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// `2023-03-29` → `2023年3月29日` wherever a reason carries a date.
fn chinese_dates(r: &str) -> String {
    let mut out = String::with_capacity(r.len());
    let mut rest = r;
    while !rest.is_empty() {
        let date = rest
            .get(..10)
            .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
        match date {
            Some(d) => {
                out.push_str(&crate::value::cn_date(d));
                rest = &rest[10..];
            }
            None => {
                let c = rest.chars().next().unwrap_or_default();
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out
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
            reasons(&task.reasons),
        ]);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_give_figures_once_without_thresholds() {
        let list = [
            "序时进度60%，实际20%，滞后40个百分点（≥30），严重滞后".to_string(),
            "已超过完成时限（2023-03-29）2天仍未完成".to_string(),
            "已启动但进度缓慢：序时进度60%，实际20%，滞后40个百分点（>10）".to_string(),
            "完成进度由上期80%降至60%，下降20个百分点（>15，疑似谎报进度）".to_string(),
            "2023年内第3次亮橙牌（≥2次）".to_string(),
        ];
        assert_eq!(
            reasons(&list),
            "序时进度60%，实际20%，滞后40个百分点，严重滞后；\
             已超过完成时限（2023年3月29日）2天仍未完成；已启动但进度缓慢；\
             完成进度由上期80%降至60%，下降20个百分点，疑似谎报进度；2023年内第3次亮橙牌"
        );
        // The first reason with figures keeps them.
        let one = ["进展缓慢：序时进度50%，实际30%，滞后20个百分点（>15）".to_string()];
        assert_eq!(
            reasons(&one),
            "进展缓慢：序时进度50%，实际30%，滞后20个百分点"
        );
        // Words in brackets that are not a threshold stay.
        let words = ["本期应报未报2项（ZF-001、ZF-002）".to_string()];
        assert_eq!(reasons(&words), "本期应报未报2项（ZF-001、ZF-002）");
    }

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
