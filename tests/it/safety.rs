//! Path safety and atomic outputs (issue 7): hostile unit names never write
//! outside the output folder nor clash, and a run that fails half-way leaves
//! no half-written workbook or archive behind.

use std::path::{Path, PathBuf};

use crate::common::*;
use rust_xlsxwriter::Workbook;

/// Unit names a ledger might hold by mistake or malice.
fn hostile_units() -> Vec<String> {
    vec![
        "../x".to_string(),
        "a/b".to_string(),
        "a_b".to_string(),
        "CON".to_string(),
        "con".to_string(),
        "LPT1.区".to_string(),
        "区财政局:*?\"<>|".to_string(),
        "..\\..\\y".to_string(),
        // 3-byte CJK and 4-byte (CJK extension B) characters, far beyond any
        // file-name length limit.
        "很长的单位名称".repeat(30),
        "𠀀".repeat(120),
        " .隐藏. ".to_string(),
    ]
}

fn write_hostile_ledger(path: &Path, units: &[String]) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("台账").unwrap();
    let headers = [
        "编号",
        "事项名称",
        "来源",
        "星级",
        "牵头领导",
        "牵头单位",
        "开始日期",
        "完成时限",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (i, u) in units.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, format!("T-{:03}", i + 1)).unwrap();
        ws.write_string(r, 1, format!("重点任务{}", i + 1)).unwrap();
        ws.write_string(r, 2, "政府工作报告").unwrap();
        ws.write_string(r, 3, "5").unwrap();
        ws.write_string(r, 4, "李遥").unwrap();
        ws.write_string(r, 5, u).unwrap();
        ws.write_string(r, 6, "2023-01-01").unwrap();
        ws.write_string(r, 7, "2023-12-31").unwrap();
    }
    let ws = wb.add_worksheet().set_name("单位").unwrap();
    for (c, h) in ["单位名称", "类别"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (i, u) in units.iter().enumerate() {
        ws.write_string(i as u32 + 1, 0, u).unwrap();
        ws.write_string(i as u32 + 1, 1, "区直部门").unwrap();
    }
    wb.save(path).unwrap();
}

/// Every file below `dir` (no symlinks followed).
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let ft = e.file_type().unwrap();
            if ft.is_dir() {
                stack.push(e.path());
            } else {
                out.push(e.path());
            }
        }
    }
    out.sort();
    out
}

fn windows_reserved(name: &str) -> bool {
    let stem = name
        .split('.')
        .next()
        .unwrap_or("")
        .trim_end()
        .to_ascii_uppercase();
    matches!(
        stem.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) || ((stem.starts_with("COM") || stem.starts_with("LPT"))
        && stem.chars().count() == 4
        && stem
            .chars()
            .nth(3)
            .is_some_and(|c| "123456789¹²³".contains(c)))
}

#[test]
fn hostile_unit_names_stay_inside_the_output_folder() {
    let w = Workdir::new();
    let units = hostile_units();
    write_hostile_ledger(&w.path("台账.xlsx"), &units);
    let returns = w.returns();
    // One real return so the run has an accepted row as well.
    Form::new("a_b")
        .row(Form::ok_row("T-003", "重点任务3", "2023-12-31", 30.0))
        .write(&returns.join("a_b-3月.xlsx"));
    let out_dir = w.path("out");
    let out = duban()
        .args([
            "run",
            "--period",
            "2023-03",
            "--as-of",
            "2023-03-31",
            "--quiet",
            "--json",
        ])
        .arg(w.path("summary.json"))
        .arg("--ledger")
        .arg(w.path("台账.xlsx"))
        .arg("--returns")
        .arg(&returns)
        .arg("--out")
        .arg(&out_dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "duban run failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Nothing escaped: the scratch folder holds only what the test made and `out`.
    let mut top: Vec<String> = std::fs::read_dir(w.root())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    top.sort();
    assert_eq!(top, ["out", "returns", "summary.json", "台账.xlsx"]);
    assert_eq!(walk(&returns).len(), 1, "the returns folder was written to");

    let canon_out = out_dir.canonicalize().unwrap();
    let files = walk(&out_dir);
    for f in &files {
        let c = f.canonicalize().unwrap();
        assert!(c.starts_with(&canon_out), "{} escaped", f.display());
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            !name.starts_with('.'),
            "hidden or temporary file left: {}",
            f.display()
        );
        assert!(!windows_reserved(&name), "Windows-reserved name {name}");
        assert!(
            !name.contains(['\\', ':', '*', '?', '"', '<', '>', '|']),
            "unsafe name {name}"
        );
        assert!(name.len() <= 255, "name too long ({} bytes)", name.len());
    }
    // One next form per ledger unit and a notice for each unit that did
    // not report, each under its own name (case-insensitively distinct).
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(w.path("summary.json")).unwrap()).unwrap();
    let ledger_units = v["units"].as_array().unwrap();
    let silent = ledger_units
        .iter()
        .filter(|u| u["reported"] == false)
        .count();
    assert!(ledger_units.len() >= units.len() - 1, "{ledger_units:#?}");
    let in_dir = |sub: &str| -> Vec<String> {
        files
            .iter()
            .filter(|f| f.parent() == Some(&out_dir.join(sub)))
            .map(|f| f.file_name().unwrap().to_string_lossy().to_lowercase())
            .collect()
    };
    let next = in_dir("下期表单");
    assert_eq!(
        next.len(),
        ledger_units.len(),
        "next forms clashed: {next:#?}"
    );
    let notices = in_dir("反馈");
    assert!(notices.len() >= silent, "notices clashed: {notices:#?}");
    for names in [next, notices] {
        let distinct: std::collections::BTreeSet<_> = names.iter().collect();
        assert_eq!(distinct.len(), names.len());
    }
}

fn run_into(w: &Workdir, out_dir: &Path) -> std::process::Output {
    let returns = w.returns();
    fagai_form().write(&returns.join("区发改局-3月.xlsx"));
    duban()
        .args([
            "run",
            "--period",
            "2023-03",
            "--as-of",
            "2023-03-31",
            "--quiet",
        ])
        .arg("--ledger")
        .arg(w.ledger())
        .arg("--returns")
        .arg(&returns)
        .arg("--out")
        .arg(out_dir)
        .output()
        .unwrap()
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
}

fn no_partial_outputs(dir: &Path) {
    if !dir.exists() {
        return;
    }
    for f in walk(dir) {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            !name.starts_with(".duban-") && !name.ends_with(".tmp") && !name.starts_with(".tmp"),
            "temporary file left behind: {}",
            f.display()
        );
        if name.ends_with(".xlsx") {
            // Whatever was written is a whole workbook.
            calamine::open_workbook_auto(&f)
                .unwrap_or_else(|e| panic!("half-written {}: {e}", f.display()));
        }
    }
}

#[test]
fn output_path_that_is_a_file_fails_cleanly() {
    let w = Workdir::new();
    let out_dir = w.path("out");
    std::fs::write(&out_dir, b"not a folder").unwrap();
    let out = run_into(&w, &out_dir);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(has_chinese(&err) && err.contains("out"), "{err}");
    assert_eq!(std::fs::read(&out_dir).unwrap(), b"not a folder");
    // Nothing was written beside it.
    let mut top: Vec<String> = std::fs::read_dir(w.root())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    top.sort();
    assert_eq!(top, ["out", "returns", "台账.xlsx"]);
}

#[test]
fn archive_that_cannot_be_made_leaves_no_partial_archive() {
    let w = Workdir::new();
    let out_dir = w.path("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    // A file where the archive folder must go.
    std::fs::write(out_dir.join("archive"), b"x").unwrap();
    let out = run_into(&w, &out_dir);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(has_chinese(&err) && err.contains("archive"), "{err}");
    assert_eq!(std::fs::read(out_dir.join("archive")).unwrap(), b"x");
    no_partial_outputs(&out_dir);
}

#[test]
fn notices_folder_that_cannot_be_made_leaves_no_partial_files() {
    let w = Workdir::new();
    let out_dir = w.path("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    std::fs::write(out_dir.join("反馈"), b"x").unwrap();
    let out = run_into(&w, &out_dir);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(has_chinese(&err), "{err}");
    no_partial_outputs(&out_dir);
    assert!(!out_dir.join("archive").exists(), "archived a failed run");
}
