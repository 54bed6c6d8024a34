//! LibreOffice opens what we write: the sample documents converted to PDF
//! are A4, hold their text, repeat the table header, put the page numbers on
//! the outer side and the 版记 at the foot of the last page.
//!
//! Without `soffice` the test is skipped with a note, except in CI
//! (`CI=true`), where it fails. Set `DUBAN_DOCX_DEMO_OUT=<dir>` to keep the
//! .docx and .pdf files for a look.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::demo;
use super::DocumentStyle;

/// Page height of A4 in points; the 版心's bottom edge is 35 mm above it.
const A4_HEIGHT_PT: f64 = 841.89;
const A4_WIDTH_PT: f64 = 595.28;
const BODY_BOTTOM_PT: f64 = A4_HEIGHT_PT - 35.0 / 25.4 * 72.0;

fn soffice() -> Option<&'static str> {
    let found = ["soffice", "libreoffice"].into_iter().find(|b| {
        Command::new(b)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "soffice (LibreOffice Writer) is required in CI"
        );
        eprintln!("note: soffice not installed, skipping the Word → PDF test");
    }
    found
}

/// Convert `docs` to PDF in `dir` with a private LibreOffice profile.
fn to_pdf(bin: &str, dir: &Path, docs: &[PathBuf]) -> Vec<PathBuf> {
    let profile = dir.join("lo-profile");
    let out = Command::new(bin)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir)
        .args(docs)
        .output()
        .expect("soffice runs");
    assert!(out.status.success(), "{out:?}");
    docs.iter()
        .map(|d| {
            let pdf = d.with_extension("pdf");
            assert!(pdf.exists(), "{} not written: {out:?}", pdf.display());
            pdf
        })
        .collect()
}

fn tool(name: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(name)
        .args(args)
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("{name} (poppler-utils) runs: {e}"));
    assert!(out.status.success(), "{name}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

fn page_count(pdf: &Path) -> usize {
    let out = Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("pdfinfo runs");
    let info = String::from_utf8(out.stdout).unwrap();
    let pages = info.lines().find(|l| l.starts_with("Pages:")).unwrap();
    let size = info.lines().find(|l| l.starts_with("Page size:")).unwrap();
    // A4: 595 × 842 points.
    let nums: Vec<f64> = size
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert!(
        (nums[0] - A4_WIDTH_PT).abs() < 1.0 && (nums[1] - A4_HEIGHT_PT).abs() < 1.0,
        "{size}"
    );
    pages.split_whitespace().last().unwrap().parse().unwrap()
}

/// Words of page `n` with their boxes (xMin, yMin, xMax, yMax).
fn words(pdf: &Path, n: usize) -> Vec<(String, [f64; 4])> {
    let n = n.to_string();
    let html = tool("pdftotext", &["-bbox", "-f", &n, "-l", &n], pdf);
    html.split("<word ")
        .skip(1)
        .map(|w| {
            let attr = |k: &str| -> f64 {
                let i = w.find(&format!("{k}=\"")).unwrap() + k.len() + 2;
                w[i..].split('"').next().unwrap().parse().unwrap()
            };
            let text = w.split('>').nth(1).unwrap().split('<').next().unwrap();
            (
                text.to_string(),
                [attr("xMin"), attr("yMin"), attr("xMax"), attr("yMax")],
            )
        })
        .collect()
}

/// The page number's words (below the 版心) lie on the outer side.
fn assert_page_number_outer(pdf: &Path, page: usize) {
    let footer: Vec<_> = words(pdf, page)
        .into_iter()
        .filter(|(_, b)| b[1] > BODY_BOTTOM_PT)
        .collect();
    let text: String = footer.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(text, format!("—{page}—"), "page {page}: {footer:?}");
    let middle = A4_WIDTH_PT / 2.0;
    for (_, b) in &footer {
        if page % 2 == 1 {
            assert!(
                b[0] > middle,
                "odd page {page}: number on the right {footer:?}"
            );
        } else {
            assert!(
                b[2] < middle,
                "even page {page}: number on the left {footer:?}"
            );
        }
    }
}

#[test]
fn libreoffice_renders_the_samples_as_a4_with_their_text() {
    let Some(bin) = soffice() else { return };
    let dir = tempfile::tempdir().unwrap();
    let style = DocumentStyle::default();
    let docs = [
        (dir.path().join("通报.docx"), demo::tongbao(&style)),
        (dir.path().join("督办单.docx"), demo::dubandan(&style)),
    ];
    for (path, doc) in &docs {
        doc.clone().write(path).unwrap();
    }
    let paths: Vec<PathBuf> = docs.iter().map(|(p, _)| p.clone()).collect();
    let pdfs = to_pdf(bin, dir.path(), &paths);
    if let Ok(keep) = std::env::var("DUBAN_DOCX_DEMO_OUT") {
        for f in paths.iter().chain(&pdfs) {
            std::fs::copy(f, Path::new(&keep).join(f.file_name().unwrap())).unwrap();
        }
    }

    let tongbao = &pdfs[0];
    let pages = page_count(tongbao);
    assert!(pages >= 3, "{pages} pages");
    let text = tool("pdftotext", &[], tongbao);
    let flat: String = text.split_whitespace().collect();
    for s in [
        demo::OFFICE,
        "第12期",
        "关于2026年11月全区重点工作推进情况的通报",
        "各乡镇（街道）、区直各部门：",
        "一、总体情况",
        "（一）压实工作责任。",
        "附件：2026年11月重点工作滞后及逾期事项清单",
        "ZD-040",
        "抄送：区委办公室",
        "2026年12月2日印发",
    ] {
        assert!(flat.contains(s), "{s} missing from the PDF text");
    }
    // The attachment table spans pages and repeats its header row.
    let with_header = (1..=pages)
        .filter(|p| {
            let p = p.to_string();
            let t = tool("pdftotext", &["-f", &p, "-l", &p], tongbao);
            t.contains("ZD-0") && t.contains("序号") && t.contains("牵头单位")
        })
        .count();
    assert!(with_header >= 2, "header row on {with_header} page(s)");
    // 版记 on the last page, its last line just above the 版心's bottom edge.
    let printed = words(tongbao, pages)
        .into_iter()
        .find(|(t, _)| t.contains("印发"))
        .expect("印发 on the last page");
    let gap = BODY_BOTTOM_PT - printed.1[3];
    assert!(
        (0.0..30.0).contains(&gap),
        "印发 line {gap} pt above the bottom"
    );
    for page in 1..=pages {
        assert_page_number_outer(tongbao, page);
    }

    let dubandan = &pdfs[1];
    page_count(dubandan);
    let text: String = tool("pdftotext", &[], dubandan)
        .split_whitespace()
        .collect();
    for s in [
        "四政督〔2026〕12号",
        "重点工作督办单",
        "（此联回执，请于2026年12月9日前反馈）",
        "办理情况",
        "责任人",
    ] {
        assert!(text.contains(s), "{s} missing from the 督办单");
    }
}
