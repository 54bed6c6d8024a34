//! The forms of a period written into a folder as one set: every form is
//! written aside first (a hidden staging folder inside the same folder) and
//! moved in only when all of them were written, so a failure leaves the
//! earlier set as it was; then the forms an earlier run wrote there for
//! units that now have none (all their tasks closed, say) are removed, so
//! that no stale form is sent out.
//!
//! A file counts as a form duban wrote only when its very hidden `_duban`
//! sheet names a unit and the file is named as duban names that unit's
//! form (`<unit>.xlsx`, or `<unit>_2.xlsx` … when two names clash).
//! Anything else in the folder — a clerk's notes, a unit's filled-in return
//! under another name — is left alone.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use calamine::{open_workbook_auto, Reader};
use rayon::prelude::*;

use super::{write_form, FormSpec};
use crate::ingest::{META_KEYS, META_SHEET};
use crate::report::xlsx::names::safe_file_name;
use crate::report::xlsx::UniqueNames;

/// What writing a set of forms did.
#[derive(Debug, Default)]
pub struct FormSet {
    /// The forms written, in the order of the specs.
    pub written: Vec<PathBuf>,
    /// Forms of an earlier set removed: their units have none now.
    pub removed: Vec<PathBuf>,
}

/// Write one form per spec as `<dir>/<unit>.xlsx` (safe, distinct names)
/// as one set, and remove the forms duban wrote in `dir` before for units
/// not in `specs`.
pub fn write_form_set(specs: &[FormSpec], dir: &Path) -> Result<FormSet> {
    fs::create_dir_all(dir).with_context(|| format!("无法创建文件夹 {}", dir.display()))?;
    let mut unique = UniqueNames::default();
    let names: Vec<String> = specs.iter().map(|s| unique.xlsx(&s.unit.name)).collect();
    let staging = tempfile::Builder::new()
        .prefix(".duban-表单-")
        .tempdir_in(dir)
        .with_context(|| format!("无法在 {} 中创建临时文件夹", dir.display()))?;
    specs
        .par_iter()
        .zip(names.par_iter())
        .try_for_each(|(s, n)| write_form(s, &staging.path().join(n)))?;
    let mut set = FormSet::default();
    for n in &names {
        let path = dir.join(n);
        fs::rename(staging.path().join(n), &path).with_context(|| {
            format!(
                "无法保存 {}（文件是否正被 Excel/WPS 打开？）",
                path.display()
            )
        })?;
        set.written.push(path);
    }
    let keep: BTreeSet<String> = names.iter().map(|n| n.to_lowercase()).collect();
    for path in earlier_forms(dir, &keep) {
        fs::remove_file(&path).with_context(|| {
            format!(
                "无法删除过期表单 {}（文件是否正被 Excel/WPS 打开？）",
                path.display()
            )
        })?;
        set.removed.push(path);
    }
    Ok(set)
}

/// The forms duban wrote in `dir` (see the module's note) other than those
/// named in `keep` (lower-case file names), sorted.
fn earlier_forms(dir: &Path, keep: &BTreeSet<String>) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().to_lowercase());
            name.is_some_and(|n| {
                n.ends_with(".xlsx")
                    && !n.starts_with('.')
                    && !n.starts_with("~$")
                    && !keep.contains(&n)
            }) && p.is_file()
        })
        .filter(|p| is_duban_form(p))
        .collect();
    found.sort();
    found
}

/// Whether `path` is a form duban wrote: its `_duban` sheet names a unit
/// and the file bears that unit's form name.
fn is_duban_form(path: &Path) -> bool {
    let Some(stem) = path.file_stem().map(|s| s.to_string_lossy().into_owned()) else {
        return false;
    };
    let Some(unit) = form_unit(path) else {
        return false;
    };
    let base = safe_file_name(&unit);
    let numbered = |s: &str| {
        s.strip_prefix(&format!("{base}_"))
            .is_some_and(|k| !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()))
    };
    stem.eq_ignore_ascii_case(&base) || numbered(&stem)
}

/// The unit the `_duban` sheet of a workbook names, if it has one.
fn form_unit(path: &Path) -> Option<String> {
    let mut wb = open_workbook_auto(path).ok()?;
    let range = wb.worksheet_range(META_SHEET).ok()?;
    range
        .rows()
        .find(|r| r.first().is_some_and(|c| *c == META_KEYS[0]))
        .and_then(|r| r.get(1).map(|c| c.to_string()))
        .filter(|u| !u.trim().is_empty())
}
