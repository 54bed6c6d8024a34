//! A1 cell references (`B7`, `AA10`): written for messages and read back
//! for ordering and from workbook XML. Rows and columns are 0-based here and
//! 1-based in the text.

/// Column letters of a 0-based column: `A`, `B`, …, `Z`, `AA`, …
pub(crate) fn col_letters(col: u32) -> String {
    // u64: the column after u32::MAX still has letters.
    let mut n = u64::from(col) + 1;
    let mut s = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        s.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// A1 reference of a 0-based (row, col). Never overflows.
pub(crate) fn a1(row: u32, col: u32) -> String {
    format!("{}{}", col_letters(col), u64::from(row) + 1)
}

/// 0-based (row, column) of a plain `A1` reference (at most `XFD1048576`-like
/// lengths: three letters, seven digits); `$A$1`, `A0`, `A`, `1` are not.
pub(crate) fn parse(s: &str) -> Option<(u32, u32)> {
    let b = s.as_bytes();
    let letters = b.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    if letters == 0 || letters > 3 || letters == b.len() || b.len() - letters > 7 {
        return None;
    }
    let (l, d) = b.split_at(letters);
    if !d.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let col = l.iter().fold(0u32, |n, c| {
        n * 26 + u32::from(c.to_ascii_uppercase() - b'A') + 1
    });
    let row: u32 = std::str::from_utf8(d).ok()?.parse().ok()?;
    (row >= 1).then(|| (row - 1, col - 1))
}

/// (row, column), 1-based, of an A1 reference, for ordering: letters make
/// the column and digits the row wherever they stand, saturating; any text
/// gives a key.
pub(crate) fn sort_key(a1: &str) -> (u32, u32) {
    let mut col: u32 = 0;
    let mut row: u32 = 0;
    for c in a1.chars() {
        if c.is_ascii_alphabetic() {
            col = col * 26 + (c.to_ascii_uppercase() as u32 - 'A' as u32 + 1);
        } else if let Some(d) = c.to_digit(10) {
            row = row.saturating_mul(10).saturating_add(d);
        }
    }
    (row, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_refs() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(6, 3), "D7");
        assert_eq!(a1(0, 25), "Z1");
        assert_eq!(a1(9, 26), "AA10");
        assert_eq!(a1(0, 16383), "XFD1");
        assert_eq!(col_letters(25), "Z");
        assert_eq!(col_letters(26), "AA");
        assert_eq!(col_letters(27), "AB");
        assert_eq!(col_letters(16_383), "XFD");
        assert_eq!(a1(u32::MAX, 0), "A4294967296");
        assert_eq!(sort_key("AA10"), (10, 27));
    }

    #[test]
    fn parse_reads_back_what_a1_writes() {
        for (r, c) in [(0, 0), (6, 3), (9, 26), (1_048_575, 16_383)] {
            assert_eq!(parse(&a1(r, c)), Some((r, c)));
        }
        assert_eq!(parse("aa10"), Some((9, 26)));
        for odd in ["$A$1", "A", "1", "A0", "A1B", "", "AAAA1", "A12345678"] {
            assert_eq!(parse(odd), None, "{odd}");
        }
    }
}
