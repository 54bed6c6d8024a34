//! Support for duban's own tests (the unit tests and `tests/it`), not part of
//! its interface: the outside programs some tests need — LibreOffice to turn
//! fixtures into .xls/.ods/.csv or to open what duban writes, Python with
//! openpyxl (or msoffcrypto) as a second writer of workbooks.
//!
//! When such a program is missing a test skips itself with a note, except in
//! CI (the environment variable `CI` set, as CI services do, to `true`):
//! there a test that skipped would pass without testing anything, so it
//! fails instead. `.ci/run` installs the programs and sets `CI=true`.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// True when running in CI: `CI` is set to anything but empty, `false` or `0`.
pub(crate) fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| {
        let v = v.trim();
        !v.is_empty() && !v.eq_ignore_ascii_case("false") && v != "0"
    })
}

/// A program a test needs is missing: in CI the test fails (panics) here;
/// elsewhere a note is printed and the caller returns early.
pub(crate) fn missing(what: &str) {
    assert!(
        !in_ci(),
        "{what} is not installed, and in CI (CI=true) a test may not skip: install it (.ci/run does)"
    );
    eprintln!("skipping: {what} not installed (CI installs it)");
}

/// The LibreOffice program on `PATH` (`soffice` or `libreoffice`), looked up once.
fn soffice() -> Option<&'static Path> {
    static BIN: OnceLock<Option<PathBuf>> = OnceLock::new();
    BIN.get_or_init(|| {
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path).find_map(|dir| {
            ["soffice", "libreoffice", "soffice.exe"]
                .iter()
                .map(|name| dir.join(name))
                .find(|p| p.is_file())
        })
    })
    .as_deref()
}

/// Convert `src` with LibreOffice (headless, a fresh profile) to `ext`
/// (`xls`, `ods`, `xlsx`, `csv` …) in `outdir`, created if needed; returns the
/// converted file. `None` when LibreOffice is not installed (see `missing`:
/// in CI that fails the test). Panics when the conversion fails.
pub fn soffice_convert(src: &Path, ext: &str, outdir: &Path) -> Option<PathBuf> {
    soffice_convert_all(&[src.to_path_buf()], ext, outdir).map(|mut files| files.remove(0))
}

/// Convert every one of `srcs` with LibreOffice to `ext` in `outdir`, in
/// one run of it (a few seconds for all, not each); returns the converted
/// files in the order of `srcs`. `None` when LibreOffice is not installed
/// (in CI that fails the test). Panics when a conversion fails.
pub fn soffice_convert_all(srcs: &[PathBuf], ext: &str, outdir: &Path) -> Option<Vec<PathBuf>> {
    let Some(bin) = soffice() else {
        missing("LibreOffice (soffice)");
        return None;
    };
    std::fs::create_dir_all(outdir).expect("create the conversion folder");
    let profile = tempfile::tempdir().expect("LibreOffice profile folder");
    let out = Command::new(bin)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args(["--headless", "--convert-to", ext, "--outdir"])
        .arg(outdir)
        .args(srcs)
        .output()
        .expect("run soffice");
    assert!(out.status.success(), "soffice failed: {out:?}");
    let converted = srcs
        .iter()
        .map(|src| {
            let stem = src.file_stem().unwrap_or(OsStr::new("")).to_string_lossy();
            let c = outdir.join(format!("{stem}.{ext}"));
            assert!(
                c.is_file(),
                "soffice did not write {}: {out:?}",
                c.display()
            );
            c
        })
        .collect();
    Some(converted)
}

/// Run a poppler tool (`pdftotext`, `pdfinfo` …) on `pdf` with `args`
/// and return what it prints. `None` when poppler-utils is not installed
/// (in CI that fails the test). Panics when the tool fails.
pub fn poppler(tool: &str, args: &[&str], pdf: &Path) -> Option<String> {
    let mut cmd = Command::new(tool);
    cmd.args(args).arg(pdf);
    if tool == "pdftotext" {
        cmd.arg("-");
    }
    let out = match cmd.output() {
        Ok(o) => o,
        Err(_) => {
            missing(&format!("{tool} (poppler-utils)"));
            return None;
        }
    };
    assert!(out.status.success(), "{tool} failed: {out:?}");
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Python 3 is installed and imports every one of `modules`.
pub(crate) fn python_has(modules: &[&str]) -> bool {
    Command::new("python3")
        .args(["-c", &format!("import {}", modules.join(", "))])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Run a Python 3 script that imports `modules`. `None` when Python or one
/// of the modules is missing (see `missing`: in CI that fails the test).
/// Panics when the script fails.
pub fn run_python(modules: &[&str], script: &str) -> Option<()> {
    if !python_has(modules) {
        missing(&format!("python3 with {}", modules.join(", ")));
        return None;
    }
    let out = Command::new("python3")
        .args(["-c", script])
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(())
}
