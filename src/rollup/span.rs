//! Spans of a roll-up: a quarter, a half-year or a year (`2026-Q4`,
//! `2026-H2`, `2026`; in Chinese `2026年第四季度`, `2026年下半年`, `2026年`).

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;

use crate::period::{cn_number, last_day_of_month, Period};
use crate::text::to_half_width;

/// What a span covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SpanKind {
    /// Quarter 1–4.
    Quarter(u32),
    /// Half 1 (上半年) or 2 (下半年).
    Half(u32),
    /// The whole year.
    Year,
}

/// A quarter, half-year or year: the stretch of months a roll-up adds up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub year: i32,
    pub kind: SpanKind,
}

/// A span that cannot be read, said in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "无法识别的汇总期间“{0}”：请写成 2026-Q4 或 2026年第四季度（季度）、2026-H2 或 2026年下半年（半年）、2026 或 2026年（全年）"
)]
pub struct SpanParseError(pub String);

impl Span {
    pub fn quarter(year: i32, q: u32) -> Span {
        Span {
            year,
            kind: SpanKind::Quarter(q),
        }
    }

    pub fn half(year: i32, h: u32) -> Span {
        Span {
            year,
            kind: SpanKind::Half(h),
        }
    }

    pub fn year(year: i32) -> Span {
        Span {
            year,
            kind: SpanKind::Year,
        }
    }

    /// First and last month (1–12) of the span.
    fn month_range(&self) -> (u32, u32) {
        match self.kind {
            SpanKind::Quarter(q) => (q * 3 - 2, q * 3),
            SpanKind::Half(h) => (h * 6 - 5, h * 6),
            SpanKind::Year => (1, 12),
        }
    }

    /// The months of the span, in order.
    pub fn months(&self) -> Vec<Period> {
        let (a, b) = self.month_range();
        (a..=b).map(|m| Period::month(self.year, m)).collect()
    }

    /// The span's last month.
    pub fn last_month(&self) -> Period {
        Period::month(self.year, self.month_range().1)
    }

    /// First day of the span.
    pub fn start(&self) -> NaiveDate {
        let (a, _) = self.month_range();
        NaiveDate::from_ymd_opt(self.year, a, 1).unwrap_or(NaiveDate::MIN)
    }

    /// Last day of the span (inclusive).
    pub fn end(&self) -> NaiveDate {
        last_day_of_month(self.year, self.month_range().1)
    }

    /// Whether `p` lies wholly inside the span.
    pub fn contains(&self, p: &Period) -> bool {
        self.start() <= p.start() && p.end() <= self.end()
    }

    /// Whether the span is a whole year (the 年度考评 is worked out).
    pub fn is_year(&self) -> bool {
        self.kind == SpanKind::Year
    }

    /// The span of the same kind just before: 2026-Q1 → 2025-Q4,
    /// 2026-H1 → 2025-H2, 2026 → 2025.
    pub fn prev(&self) -> Span {
        match self.kind {
            SpanKind::Quarter(1) => Span::quarter(self.year - 1, 4),
            SpanKind::Quarter(q) => Span::quarter(self.year, q - 1),
            SpanKind::Half(1) => Span::half(self.year - 1, 2),
            SpanKind::Half(h) => Span::half(self.year, h - 1),
            SpanKind::Year => Span::year(self.year - 1),
        }
    }

    /// Chinese label: `2026年第四季度`, `2026年下半年`, `2026年`.
    pub fn label(&self) -> String {
        const Q: [&str; 4] = ["一", "二", "三", "四"];
        match self.kind {
            SpanKind::Quarter(q) => format!("{}年第{}季度", self.year, Q[(q - 1) as usize]),
            SpanKind::Half(1) => format!("{}年上半年", self.year),
            SpanKind::Half(_) => format!("{}年下半年", self.year),
            SpanKind::Year => format!("{}年", self.year),
        }
    }

    /// What kind of 通报 it is: 季度, 半年 or 年度.
    pub fn kind_label(&self) -> &'static str {
        match self.kind {
            SpanKind::Quarter(_) => "季度",
            SpanKind::Half(_) => "半年",
            SpanKind::Year => "年度",
        }
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            SpanKind::Quarter(q) => write!(f, "{}-Q{q}", self.year),
            SpanKind::Half(h) => write!(f, "{}-H{h}", self.year),
            SpanKind::Year => write!(f, "{}", self.year),
        }
    }
}

impl serde::Serialize for Span {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

fn year_of(s: &str) -> Option<i32> {
    let y: i32 =
        (s.len() == 4 && s.chars().all(|c| c.is_ascii_digit())).then(|| s.parse().ok())??;
    (1990..=2100).contains(&y).then_some(y)
}

impl FromStr for Span {
    type Err = SpanParseError;

    /// `2026-Q4`, `2026Q4`, `2026-H2`, `2026H2`, `2026`, and in Chinese
    /// `2026年第四季度`, `2026年4季度`, `2026年上半年`, `2026年下半年`,
    /// `2026年`, `2026年度`, `2026年全年` (full-width digits and spaces allowed).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || SpanParseError(s.to_string());
        let t: String = to_half_width(s)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        if let Some((y, rest)) = t.split_once('年') {
            let year = year_of(y).ok_or_else(err)?;
            return match rest {
                "" | "度" | "全年" => Ok(Span::year(year)),
                "上半年" => Ok(Span::half(year, 1)),
                "下半年" => Ok(Span::half(year, 2)),
                _ => {
                    let rest = rest.strip_prefix('第').unwrap_or(rest);
                    let num = rest
                        .strip_suffix("季度")
                        .or_else(|| rest.strip_suffix('季'))
                        .ok_or_else(err)?;
                    match cn_number(num) {
                        Some(q @ 1..=4) if !num.is_empty() => Ok(Span::quarter(year, q)),
                        _ => Err(err()),
                    }
                }
            };
        }
        let year = year_of(t.get(..4).ok_or_else(err)?).ok_or_else(err)?;
        let rest = t[4..].trim_start_matches(['-', '/', '.', '_']);
        let n = |x: &str| x.parse::<u32>().ok();
        if rest.is_empty() {
            Ok(Span::year(year))
        } else if let Some(q) = rest.strip_prefix('Q').and_then(n) {
            (1..=4)
                .contains(&q)
                .then(|| Span::quarter(year, q))
                .ok_or_else(err)
        } else if let Some(h) = rest.strip_prefix('H').and_then(n) {
            (1..=2)
                .contains(&h)
                .then(|| Span::half(year, h))
                .ok_or_else(err)
        } else {
            Err(err())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_read_in_both_spellings() {
        let p = |s: &str| s.parse::<Span>();
        assert_eq!(p("2026-Q4"), Ok(Span::quarter(2026, 4)));
        assert_eq!(p("2026q1"), Ok(Span::quarter(2026, 1)));
        assert_eq!(p("2026-H2"), Ok(Span::half(2026, 2)));
        assert_eq!(p("2026"), Ok(Span::year(2026)));
        assert_eq!(p("2026年第四季度"), Ok(Span::quarter(2026, 4)));
        assert_eq!(p("2026年第一季度"), Ok(Span::quarter(2026, 1)));
        assert_eq!(p("2026年3季度"), Ok(Span::quarter(2026, 3)));
        assert_eq!(p("2026年上半年"), Ok(Span::half(2026, 1)));
        assert_eq!(p("２０２６年 下半年"), Ok(Span::half(2026, 2)));
        assert_eq!(p("2026年"), Ok(Span::year(2026)));
        assert_eq!(p("2026年度"), Ok(Span::year(2026)));
        for s in [
            Span::quarter(2026, 2),
            Span::half(2026, 1),
            Span::year(2026),
        ] {
            assert_eq!(p(&s.to_string()), Ok(s));
            assert_eq!(p(&s.label()), Ok(s));
        }
        for bad in [
            "2026-Q5",
            "2026-H3",
            "2026-11",
            "2026年11月",
            "2026年第五季度",
            "26年",
            "明年",
            "",
            "2026年季度",
        ] {
            let e = p(bad).unwrap_err().to_string();
            assert!(e.contains(bad) && e.contains("2026年下半年"), "{bad}: {e}");
        }
    }

    #[test]
    fn months_and_previous_span() {
        let q4 = Span::quarter(2026, 4);
        let ids: Vec<String> = q4.months().iter().map(|m| m.to_string()).collect();
        assert_eq!(ids, ["2026-10", "2026-11", "2026-12"]);
        assert_eq!(Span::half(2026, 1).months().len(), 6);
        assert_eq!(Span::year(2026).months().len(), 12);
        assert_eq!(Span::half(2026, 2).months()[0], Period::month(2026, 7));
        assert_eq!(q4.prev(), Span::quarter(2026, 3));
        assert_eq!(Span::quarter(2026, 1).prev(), Span::quarter(2025, 4));
        assert_eq!(Span::half(2026, 1).prev(), Span::half(2025, 2));
        assert_eq!(Span::half(2026, 2).prev(), Span::half(2026, 1));
        assert_eq!(Span::year(2026).prev(), Span::year(2025));
        assert!(q4.contains(&Period::quarter(2026, 4)));
        assert!(Span::half(2026, 2).contains(&Period::quarter(2026, 3)));
        assert!(!q4.contains(&Period::month(2026, 9)));
        assert_eq!(q4.label(), "2026年第四季度");
        assert_eq!(Span::half(2026, 2).label(), "2026年下半年");
        assert_eq!(q4.last_month(), Period::month(2026, 12));
    }
}
