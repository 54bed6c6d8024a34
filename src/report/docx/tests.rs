//! The package's XML carries GB/T 9704's page, grid, fonts, sizes and
//! footers; the same document gives the same bytes.

use std::collections::BTreeMap;
use std::io::Read;

use super::blocks::width_in_chars;
use super::demo::{self, OFFICE};
use super::render::{signature_indents, title_lines};
use super::style::{self, DocumentStyle, FontList};

/// Every part of a .docx, as text.
pub(super) fn parts(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        if f.is_dir() {
            continue;
        }
        let mut s = String::new();
        f.read_to_string(&mut s).unwrap();
        out.insert(f.name().to_string(), s);
    }
    out
}

fn demo_parts() -> BTreeMap<String, String> {
    parts(&demo::tongbao(&DocumentStyle::default()).to_bytes().unwrap())
}

/// The `w:p` elements of `xml` that contain `needle`.
fn paragraphs_with<'a>(xml: &'a str, needle: &str) -> Vec<&'a str> {
    xml.split("<w:p ")
        .skip(1)
        .map(|p| p.split("</w:p>").next().unwrap())
        .filter(|p| p.contains(needle))
        .collect()
}

#[test]
fn page_size_margins_and_line_grid() {
    let p = demo_parts();
    let doc = &p["word/document.xml"];
    assert!(
        doc.contains(r#"<w:pgSz w:w="11906" w:h="16838" />"#),
        "page size"
    );
    // 37, 26, 35, 28 mm.
    assert!(
        doc.contains(r#"<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587""#),
        "margins"
    );
    let pitch = style::line_pitch();
    assert_eq!(pitch, 579);
    assert!(doc.contains(&format!(
        r#"<w:docGrid w:type="linesAndChars" w:linePitch="{pitch}" w:charSpace="{}" />"#,
        style::char_space()
    )));
    // Body paragraphs: exactly one grid line high, indented two characters.
    let body = paragraphs_with(doc, "本月纳入督办的重点任务共128项");
    assert_eq!(body.len(), 1);
    assert!(
        body[0].contains(r#"w:line="579" w:lineRule="exact""#),
        "{}",
        body[0]
    );
    assert!(body[0].contains(&format!(r#"w:firstLine="{}""#, style::chars(2.0))));
    assert!(body[0].contains(r#"<w:jc w:val="both" />"#));
    // Off the character grid, condensed to 28 characters a line.
    assert!(
        body[0].contains(r#"<w:snapToGrid w:val="false" />"#),
        "{}",
        body[0]
    );
    assert!(body[0].contains(&format!(
        r#"<w:spacing w:val="{}" />"#,
        style::body_char_spacing()
    )));
}

#[test]
fn fonts_are_set_for_east_asian_text_at_the_standard_sizes() {
    let p = demo_parts();
    let doc = &p["word/document.xml"];
    let run_of = |needle: &str| -> String {
        let ps = paragraphs_with(doc, needle);
        assert!(!ps.is_empty(), "no paragraph with {needle}");
        ps[0].to_string()
    };
    let body = run_of("本月纳入督办的重点任务共128项");
    assert!(
        body.contains(r#"w:eastAsia="仿宋_GB2312""#) && body.contains(r#"<w:sz w:val="32" />"#)
    );
    let title = run_of("推进情况的通报");
    assert!(
        title.contains(r#"w:eastAsia="方正小标宋简体""#)
            && title.contains(r#"<w:sz w:val="44" />"#)
    );
    assert!(title.contains(r#"<w:jc w:val="center" />"#));
    let h1 = run_of("一、总体情况");
    assert!(h1.contains(r#"w:eastAsia="黑体""#) && h1.contains(r#"<w:sz w:val="32" />"#));
    // Run-in level-2 heading: 楷体 heading, then 仿宋 text.
    let h2 = run_of("（一）压实工作责任。");
    let (k, f) = (
        h2.find("楷体_GB2312").unwrap(),
        h2.find("仿宋_GB2312").unwrap(),
    );
    assert!(k < f, "{h2}");
    // 版头 in red, larger than the title.
    let mast = run_of(OFFICE);
    assert!(
        mast.contains(r#"<w:color w:val="FF0000" />"#)
            && mast.contains(r#"w:eastAsia="方正小标宋简体""#)
    );
    // Ambiguous punctuation goes to the East Asian font.
    assert!(body.contains(r#"w:hint="eastAsia""#));
    // Default run fonts and size in styles.xml.
    let styles = &p["word/styles.xml"];
    assert!(
        styles.contains(r#"w:eastAsia="仿宋_GB2312""#) && styles.contains(r#"<w:sz w:val="32" />"#)
    );
    // Fallbacks in the font table.
    let ft = &p["word/fontTable.xml"];
    assert!(
        ft.contains(r#"<w:font w:name="楷体_GB2312"><w:altName w:val="楷体"/>"#),
        "{ft}"
    );
    assert!(ft.contains(r#"<w:font w:name="黑体">"#));
}

#[test]
fn configured_fonts_replace_the_defaults_everywhere() {
    let mut s = DocumentStyle::default();
    s.fonts.body = FontList::new(["方正仿宋_GBK", "仿宋"]).unwrap();
    s.fonts.latin = Some("Times New Roman".to_string());
    let p = parts(&demo::tongbao(&s).to_bytes().unwrap());
    let doc = &p["word/document.xml"];
    assert!(!doc.contains("仿宋_GB2312"));
    assert!(doc.contains(r#"w:ascii="Times New Roman""#));
    assert!(doc.contains(r#"w:eastAsia="方正仿宋_GBK""#));
    assert!(p["word/fontTable.xml"]
        .contains(r#"<w:font w:name="方正仿宋_GBK"><w:altName w:val="仿宋"/>"#));
}

#[test]
fn page_numbers_are_outer_side_odd_even_footers() {
    let p = demo_parts();
    assert!(p["word/settings.xml"].contains("<w:evenAndOddHeaders />"));
    let doc = &p["word/document.xml"];
    assert!(doc.contains(r#"<w:footerReference w:type="default""#));
    assert!(doc.contains(r#"<w:footerReference w:type="even""#));
    let footers: Vec<&String> = p
        .iter()
        .filter(|(k, _)| k.starts_with("word/footer"))
        .map(|(_, v)| v)
        .collect();
    assert_eq!(footers.len(), 2);
    let one = super::style::SMALL_SIZE as i32 * 10; // one 4号 character
    let mut sides = Vec::new();
    for f in footers {
        assert!(f.contains("<w:instrText>PAGE</w:instrText>"), "{f}");
        assert!(f.contains(">— </w:t>") && f.contains("> —</w:t>"), "{f}");
        assert!(f.contains(r#"w:eastAsia="宋体""#) && f.contains(r#"<w:sz w:val="28" />"#));
        if f.contains(r#"<w:jc w:val="right" />"#) {
            assert!(f.contains(&format!(r#"w:right="{one}""#)), "{f}");
            sides.push("right");
        } else {
            assert!(f.contains(r#"<w:jc w:val="left" />"#));
            assert!(f.contains(&format!(r#"w:left="{one}""#)), "{f}");
            sides.push("left");
        }
    }
    sides.sort();
    assert_eq!(sides, ["left", "right"]);
}

#[test]
fn tables_repeat_their_header_row_and_rows_do_not_split() {
    let p = demo_parts();
    let doc = &p["word/document.xml"];
    // Two data tables (ranking, attachment), one header row each.
    assert_eq!(doc.matches("<w:tbl>").count(), 2);
    assert_eq!(doc.matches("<w:tblHeader />").count(), 2);
    // 8 + 40 rows and 2 header rows, none splittable.
    assert_eq!(doc.matches("<w:cantSplit />").count(), 50);
    assert!(doc.contains(r#"<w:tblLayout w:type="fixed" />"#));
    // The header row is bold.
    let header = &doc[doc.find("<w:tblHeader />").unwrap()..];
    let header = &header[..header.find("</w:tr>").unwrap()];
    assert!(
        header.contains("<w:b />") && header.contains("名次"),
        "{header}"
    );
}

#[test]
fn imprint_is_framed_at_the_foot_with_the_standard_lines() {
    let p = demo_parts();
    let doc = &p["word/document.xml"];
    let printed = paragraphs_with(doc, "2026年12月2日印发");
    assert_eq!(printed.len(), 1);
    let pr = printed[0];
    assert!(
        pr.contains(r#"w:vAnchor="margin""#) && pr.contains(r#"w:yAlign="bottom""#),
        "{pr}"
    );
    assert!(pr.contains(r#"<w:sz w:val="28" />"#));
    assert!(pr.contains("<w:tab />"));
    let cc = paragraphs_with(doc, "抄送：区委办公室");
    assert_eq!(cc.len(), 1);
    assert!(cc[0].contains("区纪委监委机关，区委组织部。"));
    // Three rules (shaded lines): thick 1 pt, thin 0.7 pt, thick.
    let framed = paragraphs_with(doc, r#"w:yAlign="bottom""#);
    assert_eq!(framed.len(), 5);
    let rules: Vec<&str> = framed
        .iter()
        .filter(|p| p.contains(r#"w:fill="000000""#))
        .map(|p| {
            if p.contains(r#"w:line="20""#) {
                "thick"
            } else if p.contains(r#"w:line="14""#) {
                "thin"
            } else {
                "?"
            }
        })
        .collect();
    assert_eq!(rules, ["thick", "thin", "thick"]);
    // The last framed paragraph is the closing rule.
    assert!(framed[4].contains(r#"w:fill="000000""#));
}

#[test]
fn receipt_has_its_cut_line_and_fields() {
    let p = parts(
        &demo::dubandan(&DocumentStyle::default())
            .to_bytes()
            .unwrap(),
    );
    let doc = &p["word/document.xml"];
    let cut = paragraphs_with(doc, "（此联回执，请于2026年12月9日前反馈）");
    assert_eq!(cut.len(), 1);
    assert!(cut[0].contains(r#"w:val="dashed""#), "{}", cut[0]);
    for label in ["承办单位", "办理情况", "责任人", "签字", "日期"] {
        assert_eq!(
            paragraphs_with(doc, &format!(">{label}<")).len(),
            1,
            "{label}"
        );
    }
    // 办理情况 is six lines high.
    let h = 6 * style::line_pitch();
    assert!(doc.contains(&format!(r#"<w:trHeight w:val="{h}" w:hRule="atLeast" />"#)));
    // 文号 and the 版头.
    assert_eq!(paragraphs_with(doc, "四政督〔2026〕12号").len(), 1);
    // The paragraph a document must have after its last table is one point
    // high, so a 回执 that fills its page adds no empty page.
    let body = doc.split("<w:body>").nth(1).unwrap();
    let last = body.rsplit("</w:tbl>").next().unwrap();
    assert!(last.contains(r#"w:line="20" w:lineRule="exact""#), "{last}");
    assert_eq!(last.matches("<w:p ").count(), 1, "{last}");
}

#[test]
fn the_same_document_gives_the_same_bytes() {
    let s = DocumentStyle::default();
    let a = demo::tongbao(&s).to_bytes().unwrap();
    // Another document in between (docx-rs's paragraph counter moves on).
    let _ = demo::dubandan(&s).to_bytes().unwrap();
    let b = demo::tongbao(&s).to_bytes().unwrap();
    assert!(a == b, "bytes differ");
    let p = parts(&a);
    assert!(p["docProps/core.xml"].contains("2026-12-02T00:00:00Z"));
    // A different date changes the core properties only.
    let mut other = demo::tongbao(&s);
    other.created(chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap());
    let q = parts(&other.to_bytes().unwrap());
    assert_eq!(q["word/document.xml"], p["word/document.xml"]);
    assert_ne!(q["docProps/core.xml"], p["docProps/core.xml"]);
}

/// Written to a file, a document is streamed there (never held whole in
/// memory): the file holds the very bytes [`DocxBuilder::to_bytes`] gives.
#[test]
fn a_document_written_to_a_file_is_its_bytes() {
    let s = DocumentStyle::default();
    let dir = tempfile::tempdir().unwrap();
    for (name, doc) in [
        ("通报.docx", demo::tongbao(&s)),
        ("督办单.docx", demo::dubandan(&s)),
    ] {
        let path = dir.path().join(name);
        let bytes = doc.to_bytes().unwrap();
        doc.write(&path).unwrap();
        let written = std::fs::read(&path).unwrap();
        assert!(written == bytes, "{name}: the file differs");
    }
}

#[test]
fn signature_date_starts_two_characters_right_of_the_office() {
    for (office, date) in [
        (OFFICE, "2026年12月2日"),
        ("督查室", "2026年12月2日"),
        ("佳木斯市郊区人民政府办公室", "2026年1月9日"),
    ] {
        let (o, d) = signature_indents(office, date);
        assert_eq!(d - o, 2.0, "{office}");
        // Both end at least two characters from the right edge.
        let right = |start: f64, text: &str| 28.0 - start - width_in_chars(text);
        assert!(
            right(o, office) >= 2.0 - 1e-9 && right(d, date) >= 2.0 - 1e-9,
            "{office}"
        );
        // One of them exactly two.
        assert!(
            (right(o, office).min(right(d, date)) - 2.0).abs() < 1e-9,
            "{office}"
        );
    }
    // The usual case: the office ends two characters from the right edge.
    let (o, _) = signature_indents(OFFICE, "2026年12月2日");
    assert_eq!(o, 28.0 - 2.0 - 11.0);
}

#[test]
fn long_titles_break_into_balanced_lines() {
    let t = "关于进一步深化“四个体系”工作机制强化督查检查推动重点工作落实的通知";
    let lines = title_lines(t);
    assert_eq!(lines.concat(), t);
    assert!(lines.len() >= 2);
    let widths: Vec<f64> = lines.iter().map(|l| width_in_chars(l)).collect();
    assert!(widths.iter().all(|w| *w <= 20.0), "{lines:?}");
    assert!(widths[0] - widths[widths.len() - 1] <= 6.0, "{lines:?}");
    assert!(
        !lines
            .iter()
            .skip(1)
            .any(|l| l.starts_with(['，', '”', '）'])),
        "{lines:?}"
    );
    assert_eq!(title_lines("重点工作督办单"), ["重点工作督办单"]);
    assert_eq!(title_lines("第一行\n第二行"), ["第一行", "第二行"]);
}
