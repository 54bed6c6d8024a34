//! File names of the per-unit workbooks: safe on every system, distinct.

/// A file name safe on Windows, macOS and Linux: forbidden characters
/// (`/ \ : * ? " < > |` and control characters) become `_`, `..` is broken up,
/// leading dots/spaces and trailing dots/spaces are dropped, Windows reserved
/// names (CON, PRN, AUX, NUL, CONIN$, CONOUT$, COM1–9, LPT1–9, also with ¹²³)
/// get a `_` prefix, and the name is cut to 80 characters and 240 UTF-8 bytes.
/// Never empty.
pub(crate) fn safe_file_name(name: &str) -> String {
    const MAX_CHARS: usize = 80;
    // Room left for `_NN.xlsx` and a temporary-file prefix.
    const MAX_BYTES: usize = 240;
    let mut s: String = name
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let trim = |s: &str| s.trim_matches(['.', ' ', '\u{3000}']).to_string();
    s = trim(&s);
    while s.contains("..") {
        s = s.replace("..", "_");
    }
    let mut s: String = trim(&s).chars().take(MAX_CHARS).collect();
    // Linux allows 255 bytes per name: 80 four-byte characters do not fit.
    while s.len() > MAX_BYTES {
        s.pop();
    }
    while s.ends_with(['.', ' ']) {
        s.pop();
    }
    if s.is_empty() {
        return "未命名单位".to_string();
    }
    let stem = s
        .split('.')
        .next()
        .unwrap_or("")
        .trim_end()
        .to_ascii_uppercase();
    let reserved = matches!(
        stem.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) || ((stem.starts_with("COM") || stem.starts_with("LPT"))
        && stem.chars().count() == 4
        && stem
            .chars()
            .nth(3)
            .is_some_and(|c| "123456789¹²³".contains(c)));
    if reserved {
        s.insert(0, '_');
    }
    s
}

/// Hands out distinct, safe `<name>.xlsx` file names (case-insensitively
/// distinct: `_2`, `_3` … appended on a clash).
#[derive(Debug, Default)]
pub(crate) struct UniqueNames {
    used: std::collections::BTreeSet<String>,
}

impl UniqueNames {
    pub(crate) fn xlsx(&mut self, name: &str) -> String {
        let base = safe_file_name(name);
        let mut file = base.clone();
        let mut k = 2;
        while !self.used.insert(file.to_lowercase()) {
            file = format!("{base}_{k}");
            k += 1;
        }
        format!("{file}.xlsx")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_names() {
        assert_eq!(safe_file_name("区发改局"), "区发改局");
        assert_eq!(
            safe_file_name("a/b\\c:d*e?f\"g<h>i|j"),
            "a_b_c_d_e_f_g_h_i_j"
        );
        assert_eq!(safe_file_name("../../etc/passwd"), "___etc_passwd");
        assert_eq!(safe_file_name("a..b"), "a_b");
        assert_eq!(safe_file_name(".hidden"), "hidden");
        assert_eq!(safe_file_name("名称. "), "名称");
        assert_eq!(safe_file_name("CON"), "_CON");
        assert_eq!(safe_file_name("con.txt"), "_con.txt");
        assert_eq!(safe_file_name("Lpt1"), "_Lpt1");
        assert_eq!(safe_file_name("COM0"), "COM0");
        assert_eq!(safe_file_name("CONSOLE"), "CONSOLE");
        assert_eq!(safe_file_name(""), "未命名单位");
        assert_eq!(safe_file_name("..."), "未命名单位");
        assert_eq!(safe_file_name("a\u{0}b\nc"), "a_b_c");
        assert_eq!(safe_file_name(&"局".repeat(300)).chars().count(), 80);
        assert!(safe_file_name(&"𠀀".repeat(300)).len() <= 240);
        assert_eq!(safe_file_name("COM¹"), "_COM¹");
        assert_eq!(safe_file_name("conout$.x"), "_conout$.x");
        assert_eq!(safe_file_name("　区财政局　"), "区财政局");
    }

    #[test]
    fn names_handed_out_are_distinct_ignoring_case() {
        let mut names = UniqueNames::default();
        assert_eq!(names.xlsx("区发改局"), "区发改局.xlsx");
        assert_eq!(names.xlsx("区发改局"), "区发改局_2.xlsx");
        assert_eq!(names.xlsx("Abc"), "Abc.xlsx");
        assert_eq!(names.xlsx("aBC"), "aBC_2.xlsx");
        assert_eq!(names.xlsx("a/b"), "a_b.xlsx");
        assert_eq!(names.xlsx("a:b"), "a_b_2.xlsx");
    }
}
