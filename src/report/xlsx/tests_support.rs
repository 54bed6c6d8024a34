//! Helpers for tests that look inside the written xlsx packages.

use std::io::Read;

/// The text of one part of an xlsx package.
pub(crate) fn part(buf: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(buf)).unwrap();
    let mut f = z.by_name(name).unwrap_or_else(|_| panic!("no part {name}"));
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    s
}

/// A4 (paper 9), landscape, fit to one page wide (fitToWidth defaults to 1
/// and is omitted; height 0 = as many pages as needed), footer with page numbers.
pub(crate) fn assert_printable(xml: &str) {
    let setup = xml
        .split("<pageSetup ")
        .nth(1)
        .and_then(|s| s.split("/>").next())
        .unwrap_or_else(|| panic!("no pageSetup"));
    assert!(setup.contains(r#"paperSize="9""#), "{setup}");
    assert!(setup.contains(r#"orientation="landscape""#), "{setup}");
    assert!(setup.contains(r#"fitToHeight="0""#), "{setup}");
    assert!(!setup.contains("fitToWidth") || setup.contains(r#"fitToWidth="1""#));
    assert!(xml.contains(r#"<pageSetUpPr fitToPage="1"/>"#));
    assert!(xml.contains("&amp;P") && xml.contains("&amp;N"), "footer");
}

/// `xl/worksheets/sheet<n>.xml`.
pub(crate) fn sheet_xml(buf: &[u8], n: usize) -> String {
    part(buf, &format!("xl/worksheets/sheet{n}.xml"))
}

/// (row, height) of every row with a set height.
fn row_heights(xml: &str) -> Vec<(String, String)> {
    xml.split("<row ")
        .skip(1)
        .filter_map(|t| {
            let t = t.split('>').next()?;
            let attr = |k: &str| {
                t.split(&format!(" {k}=\"")[..])
                    .nth(1)
                    .or_else(|| t.strip_prefix(&format!("{k}=\"")[..]))
                    .and_then(|v| v.split('"').next())
                    .map(str::to_string)
            };
            Some((attr("r")?, attr("ht")?))
        })
        .collect()
}

/// The part of `xml` from `tag` to the end of the element (or its first tag).
fn element(xml: &str, tag: &str) -> Option<String> {
    let rest = xml.split(tag).nth(1)?;
    let end = format!("</{}>", tag.trim_matches(['<', '>', ' ']));
    Some(match rest.split(&end[..]).next() {
        Some(inner) if rest.contains(&end[..]) => inner.to_string(),
        _ => rest.split('>').next().unwrap_or("").to_string(),
    })
}

/// Two workbooks (e.g. a sheet held in memory and the same sheet
/// streamed) look the same: sheets, values (calamine), cell styles,
/// column widths, row heights, merges, panes, filters, validations,
/// protection, print setup and notes; rows are written once each, in
/// order. Returns the number of rows with a set height, by sheet.
pub(crate) fn assert_same_look(a: &[u8], b: &[u8]) -> Vec<usize> {
    use calamine::{Reader, Xlsx};
    let open = |x: &[u8]| Xlsx::new(std::io::Cursor::new(x.to_vec())).unwrap();
    let (mut wa, mut wb) = (open(a), open(b));
    assert_eq!(wa.sheet_names(), wb.sheet_names());
    let mut tall = Vec::new();
    for (i, name) in wa.sheet_names().iter().enumerate() {
        let (va, vb) = (
            wa.worksheet_range(name).unwrap(),
            wb.worksheet_range(name).unwrap(),
        );
        assert_eq!(va, vb, "values of {name}");
        let (sa, sb) = (
            wa.worksheet_style(name).unwrap(),
            wb.worksheet_style(name).unwrap(),
        );
        assert_eq!(sa.start(), sb.start(), "{name}");
        let cells_b: Vec<_> = sb.cells().collect();
        for (k, c) in sa.cells().enumerate() {
            assert_eq!(Some(&c), cells_b.get(k), "style of {name}");
        }
        assert_eq!(sa.cells().count(), cells_b.len(), "{name}");
        let (xa, xb) = (sheet_xml(a, i + 1), sheet_xml(b, i + 1));
        if let Some(cols) = element(&xa, "<cols>") {
            assert!(cols.contains("width="), "{name}: {cols}");
        }
        assert_eq!(row_heights(&xa), row_heights(&xb), "heights of {name}");
        for tag in [
            "<cols>",
            "<mergeCells ",
            "<pane ",
            "<autoFilter ",
            "<dataValidations ",
            "<sheetProtection ",
            "<printOptions ",
            "<pageSetup ",
            "<oddHeader>",
            "<oddFooter>",
            "<legacyDrawing ",
            "<sheetPr",
        ] {
            assert_eq!(element(&xa, tag), element(&xb, tag), "{tag} of {name}");
        }
        let rows: Vec<u32> = xb
            .split("<row r=\"")
            .skip(1)
            .map(|t| t.split('"').next().unwrap().parse().unwrap())
            .collect();
        assert!(rows.windows(2).all(|w| w[0] < w[1]), "rows of {name}");
        assert!(!xb.contains("inlineStr"), "{name}: shared strings");
        tall.push(row_heights(&xb).len());
    }
    tall
}
