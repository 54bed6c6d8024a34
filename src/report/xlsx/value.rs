//! Cell values: what one body cell holds, the width it needs, and text cut
//! to fit a cell.

use chrono::NaiveDate;

use crate::text::display_width;

/// Width in Excel character units needed to show `s` (widest line; CJK counts 2).
pub(crate) fn text_width(s: &str) -> f64 {
    s.lines().map(display_width).max().unwrap_or(0) as f64
}

/// Excel's limit on the characters of one cell.
pub(crate) const CELL_MAX_CHARS: usize = 32_767;

/// `s`, cut to fit one cell (with a note saying it was cut).
pub(crate) fn clip(s: &str) -> std::borrow::Cow<'_, str> {
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

/// A value for one body cell.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val<'a> {
    Empty,
    Str(&'a str),
    Owned(String),
    Num(f64),
    Int(i64),
    Date(NaiveDate),
}

impl Val<'_> {
    /// The text of a text value (borrowed or owned).
    pub(crate) fn text(&self) -> Option<&str> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::xlsx::{Fill, Formats, Kind, Sheet};

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
    fn widths_count_cjk_double() {
        assert_eq!(text_width("区发改局"), 8.0);
        assert_eq!(text_width("ab\n区发改局重点"), 12.0);
        assert_eq!(text_width(""), 0.0);
    }
}
