//! The span's 通报 (`duban rollup`): written under `公文/`, listed in the
//! JSON's `documents[]`, titled for a quarter, a half and a year, numbered
//! in its own series, with every unit's rank and score as the JSON has
//! them, the 年度考评 only for a year, the not-verified line with
//! `--no-verify`; LibreOffice makes an A4 PDF of it.

use std::io::Read;
use std::path::{Path, PathBuf};

use duban::test_support::{poppler, soffice_convert_all};
use serde_json::Value;

use crate::rollup::{build_year, text, Year};

/// The text of a .docx's body: every run's text in order, tags dropped.
fn docx_text(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let mut out = String::new();
    let mut in_tag = false;
    for c in xml.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
}

/// Roll `span` up (with `extra`), check its one document entry, and return
/// the JSON, the document's path and its text.
fn bulletin(y: &Year, span: &str, extra: &[&str]) -> (Value, PathBuf, String) {
    let mut args = vec!["--issue-date", "2027-01-08"];
    args.extend(extra);
    let (out, v) = y.rollup(span, &args);
    let v = v.unwrap_or_else(|| panic!("{span}: {}", text(&out.stderr)));
    let docs = v["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 1, "{span}: {docs:?}");
    assert_eq!(docs[0]["kind"], "通报");
    assert!(docs[0]["unit"].is_null());
    let rel = docs[0]["path"].as_str().unwrap();
    assert!(
        rel.starts_with("公文/通报_") && rel.ends_with(".docx"),
        "{rel}"
    );
    let path = rel.split('/').fold(y.dir().join("out"), |p, c| p.join(c));
    assert!(
        text(&out.stderr).contains(&*path.file_name().unwrap().to_string_lossy()),
        "the terminal names the document"
    );
    let body = docx_text(&path);
    (v, path, body)
}

/// Every ranked unit's row of 三、排名情况: rank, name, mean score (and for
/// a year the annual score), as the JSON has them; 年度考评 rows for a year.
fn assert_ranking(v: &Value, body: &str) {
    let year = v["annual_rules"].is_object();
    let ranked: Vec<&Value> = v["units"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["rank"].as_u64().unwrap() > 0)
        .collect();
    assert!(ranked.len() >= 4, "{}", v["units"]);
    let f = |x: &Value| format!("{:.2}", x.as_f64().unwrap());
    for u in ranked {
        let name = u["name"].as_str().unwrap();
        let mut row = format!("{}{name}{}", u["rank"], f(&u["mean_score"]));
        if year {
            row.push_str(&f(&u["annual"]["score"]));
        }
        assert!(body.contains(&row), "{}: no row {row}", v["span"]);
        if year {
            let a = &u["annual"];
            let eval = match a["evaluation"].as_f64() {
                Some(_) => f(&a["evaluation"]),
                None => "—".into(),
            };
            let annual_row = format!("{name}{}{eval}", f(&a["period_mean"]));
            assert!(body.contains(&annual_row), "no 年度考评 row {annual_row}");
            assert!(body.contains(&format!("{}{}", f(&a["score"]), a["rank"])));
        }
    }
}

#[test]
fn the_span_bulletin_names_every_unit_as_the_json_does() {
    let y = build_year(&["2026-07", "2026-08", "2026-09", "2026-10"]);

    let (q3, _, body) = bulletin(&y, "2026-Q3", &[]);
    for want in [
        "关于2026年第三季度全区重点工作推进情况的通报",
        "季度通报第1期",
        "各乡镇（街道）、区直各部门：",
        "一、总体情况",
        "二、亮牌情况",
        "三、排名情况",
        "四、约谈情况",
        "五、下步工作要求",
        "2027年1月8日印发",
    ] {
        assert!(body.contains(want), "Q3 通报 lacks {want}");
    }
    assert!(!body.contains("年度考评结果") && !body.contains("未经校验"));
    assert!(body.contains("汇总了3个报送期次（7月、8月、9月）"));
    assert_ranking(&q3, &body);
    // Every unit called in is named with how often.
    for u in q3["units"].as_array().unwrap() {
        let n = u["interviews"].as_u64().unwrap();
        if n > 0 {
            let name = u["name"].as_str().unwrap();
            let four = body.split("四、约谈情况").nth(1).unwrap();
            assert!(
                four.contains(&format!("{name}{n}")),
                "四、 lacks {name} {n}"
            );
        }
    }

    // The fourth quarter is the second of the year's quarterly 通报; December
    // and November are said to be missing.
    let (q4, _, body) = bulletin(&y, "2026年第四季度", &[]);
    assert!(body.contains("季度通报第2期") && body.contains("11月、12月未汇总归档"));
    assert!(body.contains("与2026年第三季度相比的名次变化"));
    assert_ranking(&q4, &body);

    let (h2, _, body) = bulletin(&y, "2026-H2", &[]);
    assert!(body.contains("关于2026年下半年全区重点工作推进情况的通报"));
    assert!(body.contains("半年通报第1期") && !body.contains("年度考评结果"));
    assert_ranking(&h2, &body);

    // The year, not verified: said under the title; the 年度考评 is 五、.
    let (year, path, body) = bulletin(&y, "2026", &["--no-verify"]);
    assert_eq!(year["verified"], false);
    for want in [
        "关于2026年度全区重点工作推进情况及考评结果的通报",
        "年度通报第1期",
        "（本通报所据归档数据未经校验）",
        "五、年度考评结果",
        "六、下步工作要求",
        "逾期报送每期扣1分，应报未报每期扣2分",
    ] {
        assert!(body.contains(want), "year 通报 lacks {want}");
    }
    assert_ranking(&year, &body);
    assert!(
        y.dir().join("out/公文/通报_2026年度.docx").is_file(),
        "{}",
        path.display()
    );

    // LibreOffice opens it: A4, the title and the figures in the PDF.
    let q3_path = y.dir().join("out/公文/通报_2026年第三季度.docx");
    let Some(pdfs) = soffice_convert_all(&[path, q3_path], "pdf", &y.w.path("pdf")) else {
        return;
    };
    for pdf in &pdfs {
        let Some(info) = poppler("pdfinfo", &[], pdf) else {
            return;
        };
        let size = info.lines().find(|l| l.starts_with("Page size:")).unwrap();
        assert!(size.contains("(A4)"), "{}: {size}", pdf.display());
    }
    let Some(pdf_text) = poppler("pdftotext", &[], &pdfs[0]) else {
        return;
    };
    let flat: String = pdf_text.split_whitespace().collect();
    assert!(flat.contains("年度考评结果") && flat.contains("未经校验"));
    let first = &year["units"][0];
    assert!(flat.contains(first["name"].as_str().unwrap()));
}
