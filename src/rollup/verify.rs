//! Checking an archived round against its `SHA256SUMS` before a roll-up
//! uses it: every listed file must be there with the same SHA-256.

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::store::archive::{CHECKSUMS_FILE, RESULTS_FILE};
use crate::store::digest;

/// What is wrong with one listed file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Listed, not there (or unreadable).
    Missing(PathBuf),
    /// There, with other bytes.
    Changed(PathBuf),
}

impl Problem {
    /// The problem in Chinese, naming the file.
    pub fn describe(&self) -> String {
        match self {
            Problem::Missing(p) => format!("{} 缺失", p.display()),
            Problem::Changed(p) => {
                format!("{} 已被改动（SHA-256 与 SHA256SUMS 不符）", p.display())
            }
        }
    }
}

/// The outcome of checking one round's folder.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Checked {
    /// The folder has no `SHA256SUMS` (nothing could be checked).
    pub no_sums: bool,
    /// Files listed that are missing or changed.
    pub problems: Vec<Problem>,
    /// `results.json` is not listed (archives written before it was), so
    /// the figures read were not covered by the check.
    pub results_unlisted: bool,
}

impl Checked {
    pub fn ok(&self) -> bool {
        !self.no_sums && self.problems.is_empty()
    }
}

/// Check the round in `dir` against its `SHA256SUMS` (`<hex>  <path>` per
/// line, paths relative to `dir` with `/`). Files are hashed in parallel;
/// problems come in the order of the list.
pub fn check_round(dir: &Path) -> Checked {
    let sums = match fs::read_to_string(dir.join(CHECKSUMS_FILE)) {
        Ok(s) => s,
        Err(_) => {
            return Checked {
                no_sums: true,
                ..Checked::default()
            }
        }
    };
    let listed: Vec<(&str, &str)> = sums
        .lines()
        .filter_map(|l| l.split_once("  "))
        .map(|(h, p)| (h.trim(), p.trim_start_matches('*')))
        .collect();
    let problems: Vec<Problem> = listed
        .par_iter()
        .filter_map(|(hex, rel)| {
            let path = rel
                .split('/')
                .filter(|c| !c.is_empty())
                .fold(dir.to_path_buf(), |p, c| p.join(c));
            match digest::sha256_file(&path) {
                Err(_) => Some(Problem::Missing(path)),
                Ok(h) if !h.eq_ignore_ascii_case(hex) => Some(Problem::Changed(path)),
                Ok(_) => None,
            }
        })
        .collect();
    Checked {
        no_sums: false,
        problems,
        results_unlisted: !listed.iter().any(|(_, p)| *p == RESULTS_FILE),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_or_missing_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        assert!(check_round(d).no_sums);
        fs::create_dir_all(d.join("received/U盘")).unwrap();
        fs::write(d.join("received/U盘/a.xlsx"), b"abc").unwrap();
        fs::write(d.join(RESULTS_FILE), b"{}").unwrap();
        let sums = format!(
            "{}  received/U盘/a.xlsx\n{}  {RESULTS_FILE}\n{}  outputs/b.xlsx\n",
            digest::sha256_hex(b"abc"),
            digest::sha256_hex(b"{}"),
            digest::sha256_hex(b"b"),
        );
        fs::write(d.join(CHECKSUMS_FILE), sums).unwrap();
        let c = check_round(d);
        assert!(!c.ok() && !c.results_unlisted);
        assert_eq!(
            c.problems,
            [Problem::Missing(d.join("outputs").join("b.xlsx"))]
        );
        fs::create_dir_all(d.join("outputs")).unwrap();
        fs::write(d.join("outputs/b.xlsx"), b"b").unwrap();
        assert!(check_round(d).ok());
        fs::write(d.join("received/U盘/a.xlsx"), b"abd").unwrap();
        let c = check_round(d);
        let named = d.join("received").join("U盘").join("a.xlsx");
        assert_eq!(c.problems, [Problem::Changed(named.clone())]);
        assert!(c.problems[0]
            .describe()
            .contains(&named.display().to_string()));
    }
}
