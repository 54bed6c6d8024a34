//! Text normalisation shared by every stage: full-width → half-width, header
//! names, task ids and unit names.

/// Convert full-width ASCII variants (U+FF01–U+FF5E) and the ideographic space
/// to their half-width forms. Other characters are kept.
pub fn to_half_width(s: &str) -> String {
    s.chars().map(half_width_char).collect()
}

pub(crate) fn half_width_char(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        // Common CJK punctuation that stands for an ASCII one in ids and numbers.
        '—' | '–' | '‐' | '‑' | '−' => '-',
        '。' => '.',
        _ => c,
    }
}

/// Is this character whitespace of any kind (incl. NBSP, ideographic space, zero-width)?
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{00A0}' | '\u{3000}' | '\u{200B}' | '\u{FEFF}')
}

/// Trim every kind of whitespace (incl. full-width and zero-width) from both ends.
pub(crate) fn trim(s: &str) -> &str {
    s.trim_matches(is_space)
}

/// Normalise a column header for matching (SPEC §2): trim, full-width →
/// half-width, drop all spaces and line breaks, drop bracketed parts and
/// units such as `(%)`, `（万元）`, `【必填】`, drop `*` markers and trailing colons,
/// lower-case ASCII.
pub fn norm_header(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    norm_header_into(s, usize::MAX, &mut out);
    out
}

/// [`norm_header`] into a caller's buffer (cleared first), giving up (false)
/// as soon as the result would be longer than `max_len` bytes: the result
/// only grows as the text is read, so a long cell (a data row scanned for a
/// header) is rejected after a few characters. A header search calls it for
/// every scanned cell, so it allocates nothing once `out` has grown.
pub(crate) fn norm_header_into(s: &str, max_len: usize, out: &mut String) -> bool {
    out.clear();
    let mut depth = 0u32;
    for c in s.chars().map(half_width_char) {
        match c {
            '(' | '[' | '【' | '〔' | '{' | '<' | '《' => depth += 1,
            ')' | ']' | '】' | '〕' | '}' | '>' | '》' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            _ if is_space(c) => {}
            '*' | ':' | '%' | '‰' | '#' | '、' | '_' => {}
            // ASCII, CJK punctuation, kana and ideographs have no case:
            // skip the Unicode case tables for them.
            _ if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            '\u{3000}'..='\u{9FFF}' => out.push(c),
            _ => out.extend(c.to_lowercase()),
        }
        if out.len() > max_len {
            return false;
        }
    }
    true
}

/// Normalise a task id: half-width, all whitespace removed, upper-case ASCII;
/// a number stored as `12.0` becomes `12`.
pub fn norm_id(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(half_width_char)
        .filter(|c| !is_space(*c))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if let Some(stripped) = out.strip_suffix(".0") {
        if !stripped.is_empty() && stripped.chars().all(|c| c.is_ascii_digit()) {
            out = stripped.to_string();
        }
    }
    out
}

/// Normalise a unit name for lookups: half-width, spaces removed, ASCII lower-cased.
pub(crate) fn norm_name(s: &str) -> String {
    to_half_width(s)
        .chars()
        .filter(|c| !is_space(*c))
        .flat_map(|c| c.to_lowercase())
        .collect()
}

/// Free text normalised for comparison ("unchanged from last period"):
/// half-width, whitespace dropped.
pub(crate) fn norm_chars(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().map(half_width_char).filter(|c| !is_space(*c))
}

/// Same text once normalised ([`norm_chars`]), compared without allocating.
pub(crate) fn norm_eq(a: &str, b: &str) -> bool {
    norm_chars(a).eq(norm_chars(b))
}

/// Split a list of names on `、,;，；` and line breaks, trimming each.
pub(crate) fn split_list(s: &str) -> Vec<String> {
    s.split(['、', ',', ';', '，', '；', '\n', '/', '／'])
        .map(trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

/// Display width of a string in terminal/spreadsheet columns (CJK = 2).
pub(crate) fn display_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_caseless_fast_path_matches_unicode_lowercasing() {
        // norm_header_into skips the case tables for U+3000..=U+9FFF.
        for c in ('\u{3000}'..='\u{9FFF}').filter(|c| !is_space(*c)) {
            assert_eq!(c.to_lowercase().collect::<String>(), c.to_string(), "{c:?}");
        }
        assert_eq!(norm_header("完成进度（%）"), "完成进度");
        assert_eq!(norm_header("Progress Ⅳ"), "progressⅳ");
        let mut buf = String::new();
        assert!(!norm_header_into("预计完成时间", 9, &mut buf));
        assert!(norm_header_into("预计完成时间", 18, &mut buf));
        assert_eq!(buf, "预计完成时间");
    }

    use super::*;

    #[test]
    fn half_width() {
        assert_eq!(to_half_width("Ｔ０１－００１"), "T01-001");
        assert_eq!(to_half_width("６０％"), "60%");
        assert_eq!(to_half_width("（％）"), "(%)");
    }

    #[test]
    fn headers() {
        assert_eq!(norm_header(" 完成进度（%） "), "完成进度");
        assert_eq!(norm_header("完成进度(%)"), "完成进度");
        assert_eq!(norm_header("完 成 时 限"), "完成时限");
        assert_eq!(norm_header("*当前状态【必填】"), "当前状态");
        assert_eq!(norm_header("Progress (%)"), "progress");
        assert_eq!(norm_header("编号："), "编号");
        assert_eq!(norm_header("进展\n情况"), "进展情况");
    }

    #[test]
    fn ids() {
        assert_eq!(norm_id("Ｔ０１－００１ "), "T01-001");
        assert_eq!(norm_id("t01-001"), "T01-001");
        assert_eq!(norm_id("12.0"), "12");
        assert_eq!(norm_id(" 1 2 "), "12");
    }

    #[test]
    fn lists() {
        assert_eq!(
            split_list("区财政局、区住建局,区自然资源局；区交通局"),
            vec!["区财政局", "区住建局", "区自然资源局", "区交通局"]
        );
        assert!(split_list(" 、 ").is_empty());
    }

    #[test]
    fn widths() {
        assert_eq!(display_width("区发改局"), 8);
        assert_eq!(display_width("ab"), 2);
    }
}
