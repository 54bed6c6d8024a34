//! Dates as ledgers write them besides real dates: `2023年底`, `6月底前`,
//! `三季度末`, `上半年`, and deadlines that are none (`长期坚持`).

use chrono::NaiveDate;

use crate::period::last_day_of_month;
use crate::text::{half_width_char, is_space};

/// What a date phrase of the ledger means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Phrase {
    Date(NaiveDate),
    /// No date: an open-ended task (`长期坚持`, `持续推进`, `常态化`).
    Open,
}

/// Endings that add nothing to the date (`6月底前完成`).
const TAILS: [&str; 8] = [
    "前完成",
    "内完成",
    "完成",
    "之前",
    "以前",
    "为止",
    "前",
    "止",
];

fn cn_digit(c: char) -> Option<u32> {
    "〇一二三四五六七八九十"
        .chars()
        .position(|x| x == c)
        .map(|i| i as u32)
        .or(match c {
            '零' => Some(0),
            '两' => Some(2),
            _ => None,
        })
}

/// A month number `6`, `06`, `六`, `十二` at the start of `s`, and its length in chars.
fn month_at(s: &[char]) -> Option<(u32, usize)> {
    let n = s.iter().take_while(|c| c.is_ascii_digit()).count();
    if n > 0 {
        let m: u32 = s[..n].iter().collect::<String>().parse().ok()?;
        return (1..=12).contains(&m).then_some((m, n));
    }
    let n = s.iter().take_while(|c| cn_digit(**c).is_some()).count();
    let digits: Vec<u32> = s[..n].iter().filter_map(|c| cn_digit(*c)).collect();
    let m = match digits.as_slice() {
        [d] if *d >= 1 && *d <= 10 => *d,
        [10, d] if *d <= 2 => 10 + d,
        _ => return None,
    };
    Some((m, n))
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Read a phrase of the ledger as a date: the last day it names when `end`
/// (a deadline), else the first (a start date). `year` is the ledger's year
/// when the phrase names none. None when it is not such a phrase.
pub(super) fn date_phrase(text: &str, year: i32, end: bool) -> Option<Phrase> {
    let mut t: String = text
        .chars()
        .map(half_width_char)
        .filter(|c| !is_space(*c))
        .collect();
    if ["长期", "持续", "常态", "长效"]
        .iter()
        .any(|w| t.contains(w))
    {
        return Some(Phrase::Open);
    }
    while let Some(tail) = TAILS.iter().find(|x| t.ends_with(*x) && t.len() > x.len()) {
        t.truncate(t.len() - tail.len());
    }
    let mut s: Vec<char> = t.chars().collect();
    let mut y = year;
    let lead = s.iter().take_while(|c| c.is_ascii_digit()).count();
    if lead == 4 && matches!(s.get(4), Some('年' | '-' | '.' | '/') | None) {
        y = s[..4].iter().collect::<String>().parse().ok()?;
        let skip = if s.len() > 4 { 5 } else { 4 };
        s.drain(..skip);
    } else if s.starts_with(&['今', '年']) || s.starts_with(&['本', '年']) {
        s.drain(..2);
    }
    let rest: String = s.iter().collect();
    let (first, last) = (ymd(y, 1, 1)?, ymd(y, 12, 31)?);
    let pick = |a: Option<NaiveDate>, b: Option<NaiveDate>| if end { b } else { a };
    let date = match rest.as_str() {
        "" | "底" | "末" | "内" | "年底" | "年末" | "年内" | "全年" => {
            pick(Some(first), Some(last))
        }
        "初" | "年初" => pick(Some(first), ymd(y, 1, 31)),
        "上半年" | "上半年底" | "上半年末" => pick(Some(first), ymd(y, 6, 30)),
        "下半年" => pick(ymd(y, 7, 1), Some(last)),
        _ => month_or_quarter(&s, y, end),
    };
    date.map(Phrase::Date)
}

/// `6月`, `6月底`, `六月中旬`, `三季度末`, `第一季度`, `Q3`.
fn month_or_quarter(s: &[char], y: i32, end: bool) -> Option<NaiveDate> {
    let s = s.strip_prefix(&['第']).unwrap_or(s);
    let (n, len) = month_at(s)?;
    let rest: String = s[len..].iter().collect();
    let pick = |a, b| if end { b } else { a };
    if let Some(q) = rest.strip_prefix("季度") {
        if !(1..=4).contains(&n) || !matches!(q, "" | "末" | "底") {
            return None;
        }
        let m = n * 3;
        return pick(ymd(y, m - 2, 1), Some(last_day_of_month(y, m)));
    }
    let tail = rest
        .strip_prefix("月份")
        .or_else(|| rest.strip_prefix('月'))?;
    let month_end = last_day_of_month(y, n);
    match tail {
        "" | "底" | "末" | "下旬" => pick(
            ymd(y, n, if tail == "下旬" { 21 } else { 1 }),
            Some(month_end),
        ),
        "初" | "上旬" => pick(ymd(y, n, 1), ymd(y, n, 10)),
        "中" | "中旬" => pick(ymd(y, n, 11), ymd(y, n, 20)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> Option<Phrase> {
        Some(Phrase::Date(NaiveDate::from_ymd_opt(y, m, dd).unwrap()))
    }

    #[test]
    fn deadline_phrases() {
        let end = |t: &str| date_phrase(t, 2023, true);
        assert_eq!(end("2023年底"), d(2023, 12, 31));
        assert_eq!(end("年底前"), d(2023, 12, 31));
        assert_eq!(end("2024年底前完成"), d(2024, 12, 31));
        assert_eq!(end("年内"), d(2023, 12, 31));
        assert_eq!(end("2023年"), d(2023, 12, 31));
        assert_eq!(end("6月底"), d(2023, 6, 30));
        assert_eq!(end("6月底前"), d(2023, 6, 30));
        assert_eq!(end("2023年6月"), d(2023, 6, 30));
        assert_eq!(end("十二月底"), d(2023, 12, 31));
        assert_eq!(end("9月中旬"), d(2023, 9, 20));
        assert_eq!(end("三季度末"), d(2023, 9, 30));
        assert_eq!(end("第一季度"), d(2023, 3, 31));
        assert_eq!(end("上半年"), d(2023, 6, 30));
        assert_eq!(end("长期坚持"), Some(Phrase::Open));
        assert_eq!(end("持续推进"), Some(Phrase::Open));
        assert_eq!(end("明年"), None);
        assert_eq!(end("尽快"), None);
        assert_eq!(end("13月底"), None);
        assert_eq!(end("五季度"), None);
        let start = |t: &str| date_phrase(t, 2023, false);
        assert_eq!(start("3月"), d(2023, 3, 1));
        assert_eq!(start("年初"), d(2023, 1, 1));
        assert_eq!(start("二季度"), d(2023, 4, 1));
    }
}
