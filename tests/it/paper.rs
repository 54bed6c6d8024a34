//! On paper: the consolidated workbook, a notice and the forms, printed by
//! LibreOffice as they are set up, show their text at 9 pt or more (forms
//! 10 pt), the leader's columns and page, and nothing cut in half; and the
//! form's one signature block comes back through `duban run` clean.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;
use crate::forms::{fill_with_openpyxl, forms};
use calamine::Reader;
use serde_json::Value;

/// One printed page: its size (points), its text, and the smallest text
/// size drawn on it (points, as LibreOffice set it in the PDF).
#[derive(Debug)]
struct Page {
    size: (f64, f64),
    text: String,
    smallest_pt: f64,
}

/// The pages of `pdf`. Every page is split out (`pdfseparate`), its
/// content streams inflated and every `Tf` operator read: LibreOffice sets
/// each text run's printed size there (no scaling matrix).
fn pages(pdf: &Path) -> Vec<Page> {
    let dir = pdf.with_extension("pages");
    std::fs::create_dir_all(&dir).unwrap();
    let pattern = dir.join("p-%d.pdf");
    let out = Command::new("pdfseparate")
        .arg(pdf)
        .arg(&pattern)
        .output()
        .expect("pdfseparate (poppler-utils) runs");
    assert!(out.status.success(), "{out:?}");
    let mut pages = Vec::new();
    for n in 1.. {
        let page = dir.join(format!("p-{n}.pdf"));
        if !page.exists() {
            break;
        }
        let text = tool("pdftotext", &page);
        let info = Command::new("pdfinfo").arg(&page).output().unwrap();
        let info = String::from_utf8_lossy(&info.stdout).into_owned();
        let size: Vec<f64> = info
            .lines()
            .find(|l| l.starts_with("Page size:"))
            .unwrap_or_default()
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect();
        pages.push(Page {
            size: (size[0], size[1]),
            text: text.split_whitespace().collect(),
            smallest_pt: smallest_text(&std::fs::read(&page).unwrap()),
        });
    }
    assert!(!pages.is_empty(), "no page in {}", pdf.display());
    pages
}

fn tool(name: &str, pdf: &Path) -> String {
    let out = Command::new(name)
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("{name} (poppler-utils) runs: {e}"));
    assert!(out.status.success(), "{name}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The smallest `Tf` size in the inflated streams of a one-page PDF.
fn smallest_text(pdf: &[u8]) -> f64 {
    use std::io::Read;
    let mut smallest = f64::INFINITY;
    let mut rest = pdf;
    while let Some(i) = find(rest, b"stream") {
        let mut start = i + b"stream".len();
        while matches!(rest.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let Some(len) = find(&rest[start..], b"endstream") else {
            break;
        };
        let mut inflated = Vec::new();
        let mut z = flate2::read::ZlibDecoder::new(&rest[start..start + len]);
        if z.read_to_end(&mut inflated).is_ok() && find(&inflated, b"BT").is_some() {
            let text = String::from_utf8_lossy(&inflated);
            for part in text.split(" Tf").map(str::trim_end) {
                let size = part.rsplit(' ').next().and_then(|v| v.parse::<f64>().ok());
                let is_font = part.rsplit(' ').nth(1).is_some_and(|f| f.starts_with("/F"));
                if let (Some(size), true) = (size, is_font) {
                    smallest = smallest.min(size);
                }
            }
        }
        rest = &rest[start + len..];
    }
    smallest
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Convert `file` to PDF with LibreOffice into its own folder; `None`
/// (test skipped) when LibreOffice is missing outside CI.
fn to_pdf(file: &Path, dir: &Path) -> Option<PathBuf> {
    soffice_convert(file, "pdf", dir)
}

/// The sheet a page of the consolidated workbook belongs to: its page
/// header names it (`&A　截至…`).
fn sheet_of(page: &Page) -> &'static str {
    const SHEETS: [&str; 9] = [
        "总览",
        "台账汇总",
        "亮牌预警",
        "单位排名",
        "领导分管",
        "报送情况",
        "校验问题",
        "退回明细",
        "督办提示",
    ];
    SHEETS
        .iter()
        .copied()
        .find(|s| page.text.contains(&format!("{s}截至")))
        .unwrap_or_else(|| panic!("no sheet named on the page: {}", page.text))
}

const A4: (f64, f64) = (841.89, 595.28);
const A3: (f64, f64) = (1190.55, 841.89);

fn is(size: (f64, f64), want: (f64, f64)) -> bool {
    (size.0 - want.0).abs() < 2.0 && (size.1 - want.1).abs() < 2.0
}

/// The sample data set, run under `preset`; the output folder.
fn sample_run(w: &Workdir, preset: &str) -> PathBuf {
    let s = w.path("s");
    if !s.exists() {
        let ok = duban()
            .args([
                "samples", "--units", "15", "--tasks", "60", "--messy", "0.6",
            ])
            .args(["--seed", "9", "-q", "--out"])
            .arg(&s)
            .status()
            .unwrap();
        assert!(ok.success());
    }
    // Each preset its own output and archive: both run the same period.
    let out = w.path(&format!("out-{preset}"));
    let ok = duban()
        .args(["run", "-q", "--preset", preset, "--config"])
        .arg(s.join("duban.toml"))
        .arg("--out")
        .arg(&out)
        .arg("--archive")
        .arg(out.join("archive"))
        .status()
        .unwrap();
    assert!(ok.success());
    out
}

#[test]
fn the_summary_prints_readable_with_the_leaders_page_first() {
    let w = Workdir::new();
    for preset in ["red-yellow-blue", "yellow-orange-red"] {
        let out = sample_run(&w, preset);
        let Some(pdf) = to_pdf(
            &out.join("汇总_2023-03.xlsx"),
            &w.path(&format!("pdf-{preset}")),
        ) else {
            return;
        };
        let pages = pages(&pdf);
        for (i, p) in pages.iter().enumerate() {
            let sheet = sheet_of(p);
            assert!(
                p.smallest_pt >= 9.0,
                "{preset}: page {} ({sheet}) has text at {} pt",
                i + 1,
                p.smallest_pt
            );
            // Wide tables a leader reads whole are on A3, the rest on A4.
            let a3 = ["台账汇总", "亮牌预警", "单位排名"].contains(&sheet);
            assert!(
                is(p.size, if a3 { A3 } else { A4 }),
                "{sheet}: {:?}",
                p.size
            );
            // Provenance, formulas and chart data stay off the paper.
            for off in [
                "来源文件",
                "得分计算式",
                "亮牌扣分明细",
                "图表数据",
                "SHA-256",
            ] {
                assert!(!p.text.contains(off), "{sheet} page {} prints {off}", i + 1);
            }
        }
        // 总览's first page is the leader's: key figures, then the charts.
        let first = &pages[0];
        assert_eq!(sheet_of(first), "总览");
        for s in [
            "一、基本信息",
            "二、总体情况",
            "三、亮牌情况（事项）",
            "四、未报送单位",
            "五、后三位单位（约谈）",
            "各类别事项亮牌数",
            "序时进度与实际进度",
        ] {
            assert!(first.text.contains(s), "{s} not on the leader's page");
        }
        assert!(
            !first.text.contains("七、行数核对"),
            "clerk's figures on page 1"
        );
        // Every page of a table shows its header and its last printed column:
        // nothing is cut in half.
        for (sheet, first_col, last_col) in [
            ("台账汇总", "编号", "下步措施"),
            ("亮牌预警", "序号", "下步措施"),
            ("单位排名", "类别", "单位亮牌原因"),
            ("督办提示", "提示类别", "提示内容"),
            ("校验问题", "文件", "原值"),
        ] {
            let of: Vec<&Page> = pages.iter().filter(|p| sheet_of(p) == sheet).collect();
            assert!(!of.is_empty(), "{sheet} printed");
            for p in of {
                assert!(
                    p.text.contains(first_col) && p.text.contains(last_col),
                    "{sheet}: a page without {first_col}…{last_col}"
                );
            }
        }
    }
}

#[test]
fn a_notice_and_the_forms_print_readable() {
    let w = Workdir::new();
    let out = sample_run(&w, "red-yellow-blue");
    let ok = duban()
        .args(["forms", "-q", "--config"])
        .arg(w.path("s/duban.toml"))
        .arg("--out")
        .arg(w.path("forms"))
        .status()
        .unwrap();
    assert!(ok.success());
    // The unit with the messiest return: rejected rows, warnings, tasks left out.
    let unit = "区农业农村局";
    for (file, min, name) in [
        (out.join(format!("反馈/{unit}.xlsx")), 9.0, "notice"),
        (w.path(&format!("forms/{unit}.xlsx")), 10.0, "form"),
        (out.join(format!("下期表单/{unit}.xlsx")), 10.0, "next form"),
    ] {
        let Some(pdf) = to_pdf(&file, &w.path(&format!("pdf-{}", name.replace(' ', "-")))) else {
            return;
        };
        for (i, p) in pages(&pdf).iter().enumerate() {
            assert!(is(p.size, A4), "{name} page {}: {:?}", i + 1, p.size);
            assert!(
                p.smallest_pt >= min,
                "{name} page {}: text at {} pt",
                i + 1,
                p.smallest_pt
            );
        }
        let text: String = pages(&pdf).iter().map(|p| p.text.as_str()).collect();
        match name {
            "notice" => {
                for s in [
                    "退回原因",
                    "原填报内容",
                    "四方台区人民政府督查室",
                    "联系人：王明",
                ] {
                    assert!(text.contains(s), "{s} missing from the notice");
                }
            }
            _ => {
                for s in [
                    "进展情况",
                    "延期说明",
                    "填报人：",
                    "联系电话：",
                    "填报日期：",
                    "单位负责人（签字）：",
                ] {
                    assert!(text.contains(s), "{s} missing from the {name}");
                }
                // 星级 and 牵头领导 are on screen only: no task's leader is printed.
                let mut wb = calamine::open_workbook_auto(&file).unwrap();
                let range = wb.worksheet_range("反馈表").unwrap();
                let cells: Vec<Vec<String>> = range
                    .rows()
                    .map(|r| r.iter().map(|c| c.to_string()).collect())
                    .collect();
                let header = cells
                    .iter()
                    .position(|r| r.iter().any(|c| c == "编号"))
                    .unwrap();
                let col = cells[header].iter().position(|c| c == "牵头领导").unwrap();
                let leaders: Vec<&String> = cells[header + 1..]
                    .iter()
                    .filter_map(|r| r.get(col))
                    .filter(|c| !c.is_empty())
                    .collect();
                assert!(!leaders.is_empty());
                for l in leaders {
                    assert!(!text.contains(l.as_str()), "{name} prints the leader {l}");
                }
            }
        }
    }
}

/// The form `duban forms` writes, filled in (signature block included) by
/// another program, comes back through `duban run` with no issue at all;
/// next period's form carries the signature back, the date left blank.
#[test]
fn the_signed_form_round_trips_with_zero_issues() {
    let w = Workdir::new();
    let files = forms(&w, "2023-03");
    let returns = w.returns();
    for f in &files {
        if fill_with_openpyxl(f, &returns.join(f.file_name().unwrap()), 50).is_none() {
            return;
        }
    }
    let out = duban()
        .arg("run")
        .arg("--ledger")
        .arg(w.path("台账.xlsx"))
        .arg("--returns")
        .arg(&returns)
        .args([
            "--period",
            "2023-03",
            "--as-of",
            "2023-03-31",
            "--json",
            "-",
            "-q",
        ])
        .arg("--out")
        .arg(w.path("out"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["issues"].as_array().unwrap().len(),
        0,
        "{:#}",
        v["issues"]
    );
    assert_eq!(
        v["totals"]["accepted"].as_u64().unwrap() as usize,
        TASKS.len()
    );
    for f in v["files"].as_array().unwrap() {
        assert_eq!(f["outcome"], "accepted", "{f}");
    }

    // Next period's form: the block pre-filled from the signature read back.
    let next = w.path("out/下期表单/区发展和改革局.xlsx");
    let mut wb = calamine::open_workbook_auto(&next).unwrap();
    let range = wb.worksheet_range("反馈表").unwrap();
    let row = (0..range.height() as u32)
        .find(|&r| range.get_value((r, 0)).map(|v| v.to_string()) == Some("填报人：".into()))
        .expect("signature block");
    let cell = |r: u32, c: u32| {
        range
            .get_value((r, c))
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    assert_eq!(cell(row, 2), "张三");
    assert_eq!(cell(row, 5), "13800000000");
    assert_eq!(cell(row + 1, 3), "王局长");
    assert_eq!(cell(row, 9), "", "the date is never pre-filled");
}

/// A form of the old layout, 填报人 … 填报日期 a column on every row, and
/// a signature line under a hand-made form, are still read.
#[test]
fn old_forms_with_per_row_signatures_still_read() {
    let w = Workdir::new();
    w.ledger();
    let returns = w.returns();
    Form::new("区财政局")
        .row(Form::ok_row("CZ-001", "盘活存量资金", "2023-09-30", 30.0))
        .write(&returns.join("区财政局-3月.xlsx"));
    let mut hand = Form::new("区发展和改革局");
    hand.header.truncate(10);
    for id in [
        ("ZF-001", "推进重点项目建设", "2023-06-30"),
        ("ZF-002", "优化营商环境专项行动", "2023-12-31"),
        ("ZF-003", "完成年度招商引资签约", "2023-03-15"),
    ] {
        let mut row = Form::ok_row(id.0, id.1, id.2, 40.0);
        row.truncate(10);
        hand = hand.row(row);
    }
    hand.notes = vec!["填报人：李四　联系电话：0469-1234567　填报日期：2023年4月20日".into()];
    hand.write(&returns.join("区发改局-3月.xlsx"));
    let v = check_at(&w, &returns, &[]);
    // The per-row signature is clean; the hand-made form's date is read
    // from its signature line: after the deadline, so it is late.
    let late = one_issue(&v, "FILE_LATE");
    assert_eq!(late["file"], "区发改局-3月.xlsx", "{late}");
    assert!(issues_with(&v, "FILE_LATE")
        .iter()
        .all(|i| i["file"] != "区财政局-3月.xlsx"));
    for f in v["files"].as_array().unwrap() {
        assert_eq!(f["outcome"], "accepted", "{f}");
    }
}
