//! Cell values as read from any spreadsheet format, and the parsers that turn
//! the spellings units use into typed values (SPEC §2).

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::model::Status;
use crate::text::{is_space, to_half_width, trim};

/// One cell, format-independent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub enum CellValue {
    /// A blank cell.
    #[default]
    Empty,
    /// Text, as written.
    Text(String),
    /// A number (not formatted as percent).
    Number(f64),
    /// A number in a cell formatted as percent: the stored fraction (0.6 shows as 60%).
    Percent(f64),
    /// A date (or date and time).
    Date(NaiveDateTime),
    /// TRUE or FALSE.
    Bool(bool),
    /// A formula error such as `#DIV/0!`.
    Error(String),
}

impl CellValue {
    /// Text cells are trimmed; whitespace-only text is empty.
    pub(crate) fn text(s: &str) -> CellValue {
        let t = trim(s);
        if t.is_empty() {
            CellValue::Empty
        } else {
            CellValue::Text(t.to_string())
        }
    }

    /// Does the cell hold nothing (blank, or text of spaces only)?
    pub fn is_empty(&self) -> bool {
        match self {
            CellValue::Empty => true,
            CellValue::Text(s) => trim(s).is_empty(),
            _ => false,
        }
    }

    /// The value as the unit wrote it, for messages and 退回明细.
    pub(crate) fn display(&self) -> String {
        match self {
            CellValue::Empty => String::new(),
            CellValue::Text(s) => s.clone(),
            CellValue::Number(n) => fmt_number(*n),
            CellValue::Percent(n) => fmt_percent(n * 100.0),
            CellValue::Date(d) => {
                if d.time() == chrono::NaiveTime::MIN {
                    d.date().format("%Y-%m-%d").to_string()
                } else {
                    d.format("%Y-%m-%d %H:%M:%S").to_string()
                }
            }
            CellValue::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            CellValue::Error(e) => e.clone(),
        }
    }

    /// Text content (display form), trimmed.
    pub(crate) fn as_text(&self) -> String {
        trim(&self.display()).to_string()
    }
}

/// `60` not `60.0`; up to 6 decimals otherwise, trailing zeros dropped.
pub(crate) fn fmt_number(n: f64) -> String {
    fmt_decimals(n, 6)
}

/// A percent given in points as text shows it: `60%`, `12.5%`.
pub(crate) fn fmt_percent(points: f64) -> String {
    format!("{}%", fmt_number(points))
}

/// The number formatter every text of duban uses: `n` rounded to at most
/// `max_decimals` decimals, trailing zeros and a trailing point dropped, and
/// never `-0` (35 → `35`, 12.5 → `12.5`, 10.014 with 2 → `10.01`).
pub(crate) fn fmt_decimals(n: f64, max_decimals: usize) -> String {
    let s = format!("{n:.max_decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        &s
    };
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// A date as Chinese text writes it, in Arabic numerals without leading
/// zeros (GB/T 9704): `2026年12月2日`.
pub(crate) fn cn_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Why a percent could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PercentError {
    /// The cell is empty.
    Missing,
    /// The text is not a number (`过半`).
    Invalid,
    /// A number outside 0–100.
    OutOfRange,
}

/// Read a completion percent: `60`, `60%`, `60％`, `0.6` (a percent-formatted
/// cell, or a fraction below 1), `60.0`. Result in points, 0–100.
pub fn parse_percent(v: &CellValue) -> Result<f64, PercentError> {
    let n = match v {
        CellValue::Empty => return Err(PercentError::Missing),
        CellValue::Percent(f) => f * 100.0,
        CellValue::Number(n) => fraction_or_points(*n),
        CellValue::Text(s) => {
            let t: String = to_half_width(s).chars().filter(|c| !is_space(*c)).collect();
            if t.is_empty() {
                return Err(PercentError::Missing);
            }
            if let Some(p) = t.strip_suffix('%') {
                p.parse::<f64>().map_err(|_| PercentError::Invalid)?
            } else {
                fraction_or_points(t.parse::<f64>().map_err(|_| PercentError::Invalid)?)
            }
        }
        CellValue::Bool(_) | CellValue::Date(_) | CellValue::Error(_) => {
            return Err(PercentError::Invalid)
        }
    };
    if !n.is_finite() {
        return Err(PercentError::Invalid);
    }
    // Round away binary noise (0.58*100 = 57.99999999999999).
    let n = (n * 1e6).round() / 1e6;
    if !(0.0..=100.0).contains(&n) {
        return Err(PercentError::OutOfRange);
    }
    Ok(n)
}

/// A plain number strictly between 0 and 1 with a fractional part is a
/// fraction whose percent format was lost (0.6 → 60); anything else is points.
fn fraction_or_points(n: f64) -> f64 {
    if n > 0.0 && n < 1.0 {
        n * 100.0
    } else {
        n
    }
}

/// Convert an Excel serial (1900 system) to a date. Serials outside
/// 1950–2100 are not taken for dates.
pub(crate) fn excel_serial_date(n: f64) -> Option<NaiveDate> {
    if !(18264.0..=73415.0).contains(&n) {
        return None;
    }
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    base.checked_add_signed(Duration::days(n.floor() as i64))
}

/// Read a date: an Excel date, an Excel serial number, `2023-03-15`,
/// `2023/3/15`, `2023.3.15`, `2023年3月15日`, `20230315`, `3月15日` or `3-15`
/// (`default_year` supplies the year).
pub fn parse_date(v: &CellValue, default_year: i32) -> Option<NaiveDate> {
    match v {
        CellValue::Date(d) => Some(d.date()),
        CellValue::Number(n) => {
            let n = *n;
            if (19000101.0..=21001231.0).contains(&n) && n.fract() == 0.0 {
                parse_date_text(&fmt_number(n), default_year)
            } else {
                excel_serial_date(n)
            }
        }
        CellValue::Text(s) => parse_date_text(s, default_year),
        _ => None,
    }
}

/// Text date spellings (see [`parse_date`]).
pub fn parse_date_text(s: &str, default_year: i32) -> Option<NaiveDate> {
    let half = to_half_width(trim(s));
    // Drop a time part: "2023-03-15 00:00:00" / "2023-03-15T08:00".
    let half = match half.find(['T', ' ']) {
        Some(i) if i >= 8 => half[..i].to_string(),
        _ => half,
    };
    let t: String = half.chars().filter(|c| !is_space(*c)).collect();
    if t.is_empty() {
        return None;
    }
    // 20230315
    if t.len() == 8 && t.chars().all(|c| c.is_ascii_digit()) {
        let y = t[..4].parse().ok()?;
        let m = t[4..6].parse().ok()?;
        let d = t[6..].parse().ok()?;
        return valid_ymd(y, m, d);
    }
    // Split on any non-digit run: 2023-03-15, 2023/3/15, 2023.3.15, 2023年3月15日, 3月15日.
    let parts: Vec<&str> = t
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .collect();
    // Reject stray letters or other text ("下月底", "2023-03-15左右").
    let allowed =
        |c: char| c.is_ascii_digit() || matches!(c, '-' | '/' | '.' | '年' | '月' | '日' | '号');
    if !t.chars().all(allowed) {
        return None;
    }
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 => valid_ymd(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?),
        [y, m, d] if y.len() == 2 && t.contains('年') => valid_ymd(
            2000 + y.parse::<i32>().ok()?,
            m.parse().ok()?,
            d.parse().ok()?,
        ),
        [m, d] if m.len() <= 2 && d.len() <= 2 => {
            valid_ymd(default_year, m.parse().ok()?, d.parse().ok()?)
        }
        _ => None,
    }
}

fn valid_ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    if !(1950..=2100).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Map a status as units write it to one of the four canonical statuses.
pub fn parse_status(s: &str) -> Option<Status> {
    let t: String = to_half_width(s)
        .chars()
        .filter(|c| !is_space(*c))
        .flat_map(|c| c.to_lowercase())
        .collect();
    let t = t.trim_end_matches(['.', '。', '!']);
    Some(match t {
        "未启动" | "未开始" | "尚未启动" | "暂未启动" | "未开展" | "尚未开展" | "未动工"
        | "没有启动" | "待启动" | "notstarted" | "not_started" => Status::NotStarted,
        "正在办理" | "进行中" | "推进中" | "办理中" | "正在推进" | "在办" | "正在进行"
        | "实施中" | "正在实施" | "已启动" | "持续推进" | "有序推进" | "在建" | "基本完成"
        | "inprogress" | "in_progress" | "ongoing" => Status::InProgress,
        "已落实" | "落实" | "已办理" | "已落地" | "implemented" => Status::Implemented,
        "已完成" | "完成" | "已办结" | "办结" | "已结办" | "全部完成" | "已经完成"
        | "completed" | "complete" | "done" => Status::Completed,
        _ => return None,
    })
}

/// Read a star rating: `3`, `3★`, `★★★`, `☆☆☆`, `三星`, `3星`, `5星级`, `4.0`.
pub fn parse_stars(v: &CellValue) -> Option<u8> {
    let n = match v {
        CellValue::Number(n) if n.fract() == 0.0 => *n as i64,
        CellValue::Text(s) => {
            let t: String = to_half_width(s).chars().filter(|c| !is_space(*c)).collect();
            let stars = t.chars().filter(|c| matches!(c, '★' | '☆' | '*')).count();
            if stars > 0 && t.chars().all(|c| matches!(c, '★' | '☆' | '*')) {
                stars as i64
            } else {
                let core = t
                    .trim_end_matches("星级")
                    .trim_end_matches('星')
                    .trim_end_matches(['★', '☆', '*'])
                    .trim_end_matches(".0");
                match core.parse::<i64>() {
                    Ok(n) => n,
                    Err(_) => crate::period::cn_number(core)? as i64,
                }
            }
        }
        _ => return None,
    };
    if (1..=5).contains(&n) {
        Some(n as u8)
    } else {
        None
    }
}

/// Parse a score 0–100 (evaluations).
pub(crate) fn parse_score(v: &CellValue) -> Option<f64> {
    let n = match v {
        CellValue::Number(n) => *n,
        CellValue::Text(s) => to_half_width(trim(s)).trim_end_matches('分').parse().ok()?,
        _ => return None,
    };
    (n.is_finite() && (0.0..=100.0).contains(&n)).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> CellValue {
        CellValue::Text(s.into())
    }
    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn percents() {
        assert_eq!(parse_percent(&t("60")), Ok(60.0));
        assert_eq!(parse_percent(&t("60%")), Ok(60.0));
        assert_eq!(parse_percent(&t("60％")), Ok(60.0));
        assert_eq!(parse_percent(&t("６０")), Ok(60.0));
        assert_eq!(parse_percent(&t("60.0")), Ok(60.0));
        assert_eq!(parse_percent(&t("0.6")), Ok(60.0));
        assert_eq!(parse_percent(&CellValue::Percent(0.6)), Ok(60.0));
        assert_eq!(parse_percent(&CellValue::Percent(1.0)), Ok(100.0));
        assert_eq!(parse_percent(&CellValue::Number(0.58)), Ok(58.0));
        assert_eq!(parse_percent(&CellValue::Number(60.0)), Ok(60.0));
        assert_eq!(parse_percent(&CellValue::Number(0.0)), Ok(0.0));
        assert_eq!(parse_percent(&CellValue::Number(100.0)), Ok(100.0));
        assert_eq!(parse_percent(&CellValue::Number(1.0)), Ok(1.0));
        assert_eq!(parse_percent(&t("120%")), Err(PercentError::OutOfRange));
        assert_eq!(parse_percent(&t("-5")), Err(PercentError::OutOfRange));
        assert_eq!(parse_percent(&t("过半")), Err(PercentError::Invalid));
        assert_eq!(parse_percent(&t("  ")), Err(PercentError::Missing));
        assert_eq!(parse_percent(&CellValue::Empty), Err(PercentError::Missing));
        assert_eq!(
            parse_percent(&CellValue::Error("#DIV/0!".into())),
            Err(PercentError::Invalid)
        );
    }

    #[test]
    fn dates() {
        let want = Some(d(2023, 3, 15));
        for s in [
            "2023-03-15",
            "2023/3/15",
            "2023.3.15",
            "2023年3月15日",
            "2023年3月15号",
            "３月１５日",
            "3月15日",
            "20230315",
            "2023-03-15 00:00:00",
            " 2023-3-15 ",
        ] {
            assert_eq!(parse_date(&t(s), 2023), want, "{s}");
        }
        assert_eq!(parse_date(&CellValue::Number(45000.0), 2000), want);
        assert_eq!(
            parse_date(
                &CellValue::Date(d(2023, 3, 15).and_hms_opt(0, 0, 0).unwrap()),
                2000
            ),
            want
        );
        assert_eq!(parse_date(&t("2023-02-30"), 2023), None);
        assert_eq!(parse_date(&t("下月底"), 2023), None);
        assert_eq!(parse_date(&t("2023-03-15左右"), 2023), None);
        assert_eq!(parse_date(&CellValue::Number(12.0), 2023), None);
    }

    #[test]
    fn statuses() {
        assert_eq!(parse_status("未启动"), Some(Status::NotStarted));
        assert_eq!(parse_status(" 进行中 "), Some(Status::InProgress));
        assert_eq!(parse_status("推进中"), Some(Status::InProgress));
        assert_eq!(parse_status("办理中"), Some(Status::InProgress));
        assert_eq!(parse_status("已落实"), Some(Status::Implemented));
        assert_eq!(parse_status("完成"), Some(Status::Completed));
        assert_eq!(parse_status("已办结"), Some(Status::Completed));
        assert_eq!(parse_status("Completed"), Some(Status::Completed));
        assert_eq!(parse_status("差不多"), None);
    }

    #[test]
    fn stars() {
        for (s, n) in [
            ("3", 3),
            ("3★", 3),
            ("★★★", 3),
            ("三星", 3),
            ("4星", 4),
            ("5星级", 5),
            ("☆☆☆☆", 4),
        ] {
            assert_eq!(parse_stars(&t(s)), Some(n), "{s}");
        }
        assert_eq!(parse_stars(&CellValue::Number(5.0)), Some(5));
        assert_eq!(parse_stars(&t("高")), None);
        assert_eq!(parse_stars(&CellValue::Number(9.0)), None);
    }

    #[test]
    fn display() {
        assert_eq!(CellValue::Number(60.0).display(), "60");
        assert_eq!(CellValue::Number(0.5).display(), "0.5");
        assert_eq!(CellValue::Percent(0.6).display(), "60%");
        assert_eq!(CellValue::text("  "), CellValue::Empty);
    }
}
