//! Reporting periods: `2023-03` (month), `2023-Q1` (quarter), `2023-W12` (ISO week).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::text::to_half_width;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum PeriodKind {
    Week,
    Month,
    Quarter,
}

/// A reporting period. Ordered by start date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    pub(crate) kind: PeriodKind,
    pub(crate) year: i32,
    /// Month 1–12, quarter 1–4 or ISO week 1–53.
    pub(crate) index: u32,
}

impl PartialOrd for Period {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Period {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.start(), self.end(), self.kind).cmp(&(other.start(), other.end(), other.kind))
    }
}

/// A text that is not a period duban can read (the message says which forms are).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "无法识别的报送期次“{0}”：请写成 2023-03 或 2023年3月（月）、2023-Q1 或 2023年第一季度（季度）、2023-W12 或 2023年第12周（周）"
)]
pub struct PeriodParseError(
    /// The text that could not be read as a period.
    pub String,
);

impl Period {
    /// The month `month` (1–12) of `year`.
    pub fn month(year: i32, month: u32) -> Period {
        Period {
            kind: PeriodKind::Month,
            year,
            index: month,
        }
    }
    pub(crate) fn quarter(year: i32, q: u32) -> Period {
        Period {
            kind: PeriodKind::Quarter,
            year,
            index: q,
        }
    }
    pub(crate) fn week(year: i32, w: u32) -> Period {
        Period {
            kind: PeriodKind::Week,
            year,
            index: w,
        }
    }

    /// First day of the period.
    pub fn start(&self) -> NaiveDate {
        match self.kind {
            PeriodKind::Month => NaiveDate::from_ymd_opt(self.year, self.index, 1).unwrap(),
            PeriodKind::Quarter => {
                NaiveDate::from_ymd_opt(self.year, (self.index - 1) * 3 + 1, 1).unwrap()
            }
            PeriodKind::Week => {
                NaiveDate::from_isoywd_opt(self.year, self.index, Weekday::Mon).unwrap()
            }
        }
    }

    /// Last day of the period (inclusive).
    pub fn end(&self) -> NaiveDate {
        match self.kind {
            PeriodKind::Month => last_day_of_month(self.year, self.index),
            PeriodKind::Quarter => last_day_of_month(self.year, self.index * 3),
            PeriodKind::Week => self.start() + Duration::days(6),
        }
    }

    pub(crate) fn contains(&self, d: NaiveDate) -> bool {
        self.start() <= d && d <= self.end()
    }

    /// The period of the same kind just before this one.
    pub fn prev(&self) -> Period {
        match self.kind {
            PeriodKind::Month => {
                if self.index == 1 {
                    Period::month(self.year - 1, 12)
                } else {
                    Period::month(self.year, self.index - 1)
                }
            }
            PeriodKind::Quarter => {
                if self.index == 1 {
                    Period::quarter(self.year - 1, 4)
                } else {
                    Period::quarter(self.year, self.index - 1)
                }
            }
            PeriodKind::Week => Period::of_week(self.start() - Duration::days(7)),
        }
    }

    /// The period of the same kind just after this one.
    pub fn next(&self) -> Period {
        match self.kind {
            PeriodKind::Month => {
                if self.index == 12 {
                    Period::month(self.year + 1, 1)
                } else {
                    Period::month(self.year, self.index + 1)
                }
            }
            PeriodKind::Quarter => {
                if self.index == 4 {
                    Period::quarter(self.year + 1, 1)
                } else {
                    Period::quarter(self.year, self.index + 1)
                }
            }
            PeriodKind::Week => Period::of_week(self.start() + Duration::days(7)),
        }
    }

    /// The ISO week containing `d`.
    pub(crate) fn of_week(d: NaiveDate) -> Period {
        let w = d.iso_week();
        Period::week(w.year(), w.week())
    }

    /// Chinese label as written on forms: `2023年3月`, `2023年第1季度`, `2023年第12周`.
    pub fn label(&self) -> String {
        match self.kind {
            PeriodKind::Month => format!("{}年{}月", self.year, self.index),
            PeriodKind::Quarter => format!("{}年第{}季度", self.year, self.index),
            PeriodKind::Week => format!("{}年第{}周", self.year, self.index),
        }
    }

    /// Does a task with `stars` have to report in this period, by its star
    /// cadence (提示管理)?
    ///
    /// 5★ report every period; 4★ monthly: in every month or quarter period, and
    /// in the week period that contains a month's last day; 3★ quarterly: in a
    /// quarter period, in the last month of a quarter, and in the week period
    /// that contains a quarter's last day.
    pub fn is_due(&self, stars: u8) -> bool {
        match stars {
            s if s >= 5 => true,
            4 => match self.kind {
                PeriodKind::Month | PeriodKind::Quarter => true,
                PeriodKind::Week => {
                    let e = self.end();
                    e.month() != self.start().month() || is_month_end_in(self.start(), e)
                }
            },
            _ => match self.kind {
                PeriodKind::Quarter => true,
                PeriodKind::Month => self.index % 3 == 0,
                PeriodKind::Week => {
                    let (s, e) = (self.start(), self.end());
                    let mut d = s;
                    while d <= e {
                        if d == last_day_of_month(d.year(), d.month()) && d.month() % 3 == 0 {
                            return true;
                        }
                        d += Duration::days(1);
                    }
                    false
                }
            },
        }
    }

    /// Parse a period written in a form (`报送期次：2023年3月`, `2023年第一季度`, `3月`),
    /// using `default_year` when the year is left out.
    pub fn parse_loose(s: &str, default_year: i32) -> Option<Period> {
        let t: String = to_half_width(s)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if let Ok(p) = t.parse::<Period>() {
            return Some(p);
        }
        let (year, rest) = match t.find('年') {
            Some(i) => {
                let y: String = t[..i]
                    .chars()
                    .rev()
                    .take_while(|c| c.is_ascii_digit())
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                match y.parse::<i32>() {
                    Ok(y) if (1990..=2100).contains(&y) => (y, &t[i + '年'.len_utf8()..]),
                    _ => (default_year, t.as_str()),
                }
            }
            None => (default_year, t.as_str()),
        };
        let rest = rest.trim_start_matches('第');
        if let Some(i) = rest.find("季度").or_else(|| rest.find('季')) {
            let q = cn_number(&rest[..i])?;
            if (1..=4).contains(&q) {
                return Some(Period::quarter(year, q));
            }
            return None;
        }
        if let Some(i) = rest.find('周') {
            let w = cn_number(&rest[..i])?;
            if (1..=53).contains(&w) && NaiveDate::from_isoywd_opt(year, w, Weekday::Mon).is_some()
            {
                return Some(Period::week(year, w));
            }
            return None;
        }
        if let Some(i) = rest.find('月') {
            let head = &rest[..i];
            let m = cn_number(head)?;
            if (1..=12).contains(&m) {
                return Some(Period::month(year, m));
            }
        }
        None
    }
}

fn is_month_end_in(s: NaiveDate, e: NaiveDate) -> bool {
    let mut d = s;
    while d <= e {
        if d == last_day_of_month(d.year(), d.month()) {
            return true;
        }
        d += Duration::days(1);
    }
    false
}

/// Parse `3`, `03`, `三`, `十二`, `一` … into a number.
pub fn cn_number(s: &str) -> Option<u32> {
    let s = s.trim();
    // Take trailing digits (e.g. "2023年03" has already been split; "Q1" handled elsewhere).
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) {
        return s.parse().ok();
    }
    let digits: String = s
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if !digits.is_empty() {
        return digits.parse().ok();
    }
    let val = |c: char| -> Option<u32> {
        Some(match c {
            '零' | '〇' => 0,
            '一' => 1,
            '二' | '两' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            _ => return None,
        })
    };
    let chars: Vec<char> = s.chars().filter(|c| *c != '第').collect();
    if chars.is_empty() {
        return None;
    }
    // Support up to 99: 十, 十二, 二十, 二十三, 五十三.
    match chars.iter().position(|&c| c == '十') {
        Some(pos) => {
            let tens = if pos == 0 {
                1
            } else if pos == 1 {
                val(chars[0])?
            } else {
                return None;
            };
            let ones = match chars.len() - pos - 1 {
                0 => 0,
                1 => val(chars[pos + 1])?,
                _ => return None,
            };
            Some(tens * 10 + ones)
        }
        None if chars.len() == 1 => val(chars[0]),
        None => None,
    }
}

pub(crate) fn last_day_of_month(year: i32, month: u32) -> NaiveDate {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).unwrap() - Duration::days(1)
}

impl FromStr for Period {
    type Err = PeriodParseError;

    /// `2023-03`, `2023-3`, `202303`, `2023-Q1`, `2023Q1`, `2023-W12`,
    /// `2023W12`, and as written in Chinese with the year: `2023年3月`,
    /// `2023年3月份`, `2023年第一季度`, `2023年1季度`, `2023年第12周`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || PeriodParseError(s.to_string());
        if let Some(p) = parse_chinese(s) {
            return Ok(p);
        }
        let t = to_half_width(s.trim()).to_ascii_uppercase();
        let t = t.as_str();
        if t.len() < 5 {
            return Err(err());
        }
        let year: i32 = t.get(..4).ok_or_else(err)?.parse().map_err(|_| err())?;
        if !(1990..=2100).contains(&year) {
            return Err(err());
        }
        let rest = t[4..].trim_start_matches(['-', '/', '.', '_']);
        if let Some(q) = rest.strip_prefix('Q') {
            let q: u32 = q.parse().map_err(|_| err())?;
            if (1..=4).contains(&q) {
                return Ok(Period::quarter(year, q));
            }
            return Err(err());
        }
        if let Some(w) = rest.strip_prefix('W') {
            let w: u32 = w.parse().map_err(|_| err())?;
            if NaiveDate::from_isoywd_opt(year, w, Weekday::Mon).is_some() && w >= 1 {
                return Ok(Period::week(year, w));
            }
            return Err(err());
        }
        let m: u32 = rest.parse().map_err(|_| err())?;
        if (1..=12).contains(&m) {
            Ok(Period::month(year, m))
        } else {
            Err(err())
        }
    }
}

/// A period written in Chinese with its year and nothing else:
/// `2023年3月`, `2023年3月份`, `2023年第一季度`, `2023年4季度`,
/// `2023年第12周` (full-width digits and spaces allowed). Unlike
/// [`Period::parse_loose`], nothing may follow (`2023年3月15日` is a date).
fn parse_chinese(s: &str) -> Option<Period> {
    let t: String = to_half_width(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let (year, rest) = t.split_once('年')?;
    if year.len() != 4 || !year.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let year: i32 = year.parse().ok()?;
    if !(1990..=2100).contains(&year) {
        return None;
    }
    let rest = rest.strip_prefix('第').unwrap_or(rest);
    let unit_at = rest.find(['月', '季', '周'])?;
    let (num, unit) = rest.split_at(unit_at);
    if num.is_empty() || num.contains('第') {
        return None;
    }
    let n = cn_number(num)?;
    match unit {
        "月" | "月份" if (1..=12).contains(&n) => Some(Period::month(year, n)),
        "季度" | "季" if (1..=4).contains(&n) => Some(Period::quarter(year, n)),
        "周" if n >= 1 && NaiveDate::from_isoywd_opt(year, n, Weekday::Mon).is_some() => {
            Some(Period::week(year, n))
        }
        _ => None,
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            PeriodKind::Month => write!(f, "{}-{:02}", self.year, self.index),
            PeriodKind::Quarter => write!(f, "{}-Q{}", self.year, self.index),
            PeriodKind::Week => write!(f, "{}-W{:02}", self.year, self.index),
        }
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn parse_and_display() {
        assert_eq!("2023-03".parse::<Period>().unwrap(), Period::month(2023, 3));
        assert_eq!("2023-3".parse::<Period>().unwrap(), Period::month(2023, 3));
        assert_eq!(
            "2023-Q1".parse::<Period>().unwrap(),
            Period::quarter(2023, 1)
        );
        assert_eq!(
            "2023-w12".parse::<Period>().unwrap(),
            Period::week(2023, 12)
        );
        assert_eq!(Period::month(2023, 3).to_string(), "2023-03");
        assert_eq!(Period::week(2023, 2).to_string(), "2023-W02");
        assert!("2023-13".parse::<Period>().is_err());
        assert!("2023-Q5".parse::<Period>().is_err());
        assert!("abc".parse::<Period>().is_err());
    }

    #[test]
    fn written_in_chinese() {
        let p = |s: &str| s.parse::<Period>();
        assert_eq!(p("2026年11月"), Ok(Period::month(2026, 11)));
        assert_eq!(p("2026年11月份"), Ok(Period::month(2026, 11)));
        assert_eq!(p(" 2026年 3月 "), Ok(Period::month(2026, 3)));
        assert_eq!(p("２０２６年１１月"), Ok(Period::month(2026, 11)));
        assert_eq!(p("2026年十一月"), Ok(Period::month(2026, 11)));
        assert_eq!(p("2026年第四季度"), Ok(Period::quarter(2026, 4)));
        assert_eq!(p("2026年4季度"), Ok(Period::quarter(2026, 4)));
        assert_eq!(p("2026年第4季度"), Ok(Period::quarter(2026, 4)));
        assert_eq!(p("2026年第一季"), Ok(Period::quarter(2026, 1)));
        assert_eq!(p("2026年第12周"), Ok(Period::week(2026, 12)));
        // The label round-trips.
        for q in [
            Period::month(2026, 11),
            Period::quarter(2026, 4),
            Period::week(2026, 3),
        ] {
            assert_eq!(p(&q.label()), Ok(q));
        }
        for bad in [
            "2026年13月",
            "2026年第五季度",
            "2026年11月15日",
            "26年11月",
            "2026年",
            "11月",
            "2026年第54周",
            "2026年上半年",
        ] {
            let e = p(bad).unwrap_err().to_string();
            assert!(e.contains(bad) && e.contains("2023年3月"), "{bad}: {e}");
        }
        // The config takes them too.
        let c = crate::config::Config::from_toml(
            "period = \"2026年第四季度\"",
            std::path::Path::new("."),
        )
        .unwrap();
        assert_eq!(c.period, Some(Period::quarter(2026, 4)));
    }

    #[test]
    fn ranges() {
        let m = Period::month(2023, 2);
        assert_eq!(m.start(), d(2023, 2, 1));
        assert_eq!(m.end(), d(2023, 2, 28));
        let q = Period::quarter(2023, 4);
        assert_eq!(q.start(), d(2023, 10, 1));
        assert_eq!(q.end(), d(2023, 12, 31));
        let w = Period::week(2023, 12);
        assert_eq!(w.start(), d(2023, 3, 20));
        assert_eq!(w.end(), d(2023, 3, 26));
        assert_eq!(Period::month(2023, 1).prev(), Period::month(2022, 12));
        assert_eq!(Period::quarter(2023, 4).next(), Period::quarter(2024, 1));
        assert_eq!(Period::week(2023, 1).prev(), Period::week(2022, 52));
    }

    #[test]
    fn loose() {
        assert_eq!(
            Period::parse_loose("2023年3月", 2000),
            Some(Period::month(2023, 3))
        );
        assert_eq!(
            Period::parse_loose("3月", 2023),
            Some(Period::month(2023, 3))
        );
        assert_eq!(
            Period::parse_loose("2023年第一季度", 2000),
            Some(Period::quarter(2023, 1))
        );
        assert_eq!(
            Period::parse_loose("２０２３年１２月", 2000),
            Some(Period::month(2023, 12))
        );
        assert_eq!(
            Period::parse_loose("2023年第12周", 2000),
            Some(Period::week(2023, 12))
        );
        assert_eq!(
            Period::parse_loose("十二月", 2023),
            Some(Period::month(2023, 12))
        );
        assert_eq!(
            Period::parse_loose("2023-04", 2000),
            Some(Period::month(2023, 4))
        );
        assert_eq!(Period::parse_loose("下周", 2023), None);
    }

    #[test]
    fn cadence() {
        // 5★ every period
        for p in [
            Period::month(2023, 1),
            Period::week(2023, 5),
            Period::quarter(2023, 2),
        ] {
            assert!(p.is_due(5));
        }
        // 4★ monthly
        assert!(Period::month(2023, 1).is_due(4));
        assert!(Period::quarter(2023, 1).is_due(4));
        assert!(Period::week(2023, 13).is_due(4)); // 2023-03-27..04-02 holds 03-31
        assert!(!Period::week(2023, 12).is_due(4));
        // 3★ quarterly
        assert!(!Period::month(2023, 1).is_due(3));
        assert!(!Period::month(2023, 2).is_due(3));
        assert!(Period::month(2023, 3).is_due(3));
        assert!(Period::quarter(2023, 3).is_due(3));
        assert!(Period::week(2023, 13).is_due(3));
        assert!(!Period::week(2023, 17).is_due(3)); // 04-24..04-30: a month end, not a quarter end
        assert!(Period::week(2023, 17).is_due(4));
    }

    #[test]
    fn cn_numbers() {
        assert_eq!(cn_number("三"), Some(3));
        assert_eq!(cn_number("十"), Some(10));
        assert_eq!(cn_number("十二"), Some(12));
        assert_eq!(cn_number("二十三"), Some(23));
        assert_eq!(cn_number("07"), Some(7));
        assert_eq!(cn_number("第五十三"), Some(53));
        assert_eq!(cn_number(""), None);
    }
}
