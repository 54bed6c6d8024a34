//! Tests' reading of how a written workbook prints, from its XML alone:
//! for every sheet, the paper, the printed columns and their widths, the
//! fit-to-width scale a spreadsheet program applies, and so the smallest
//! size any text in the printed columns (cells and charts) comes out at on
//! paper. Widths are counted as LibreOffice draws them without the Calibri
//! metrics ([`PT_PER_WIDTH_UNIT`]), the widest of the programs; the PDF
//! rendering test in `tests/it/paper.rs` checks the same on real output.

use std::collections::BTreeMap;

use super::page::PT_PER_WIDTH_UNIT;
use super::tests_support::part;

/// How one sheet prints.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Printed {
    pub(crate) sheet: String,
    /// Excel's paper number (9 = A4, 8 = A3).
    pub(crate) paper: u32,
    pub(crate) landscape: bool,
    /// The printed columns (0-based, inclusive).
    pub(crate) cols: (u32, u32),
    /// The scale the page is printed at (fit to one page wide, at most 1).
    pub(crate) scale: f64,
    /// The smallest text size of the printed columns (cells, charts), in
    /// points, before scaling.
    pub(crate) smallest_pt: f64,
}

impl Printed {
    /// The smallest text size on paper, in points.
    pub(crate) fn printed_pt(&self) -> f64 {
        self.scale * self.smallest_pt
    }
}

/// Every sheet of the workbook `buf` that is not hidden, in order.
pub(crate) fn printed(buf: &[u8]) -> Vec<Printed> {
    let wb = part(buf, "xl/workbook.xml");
    let styles = part(buf, "xl/styles.xml");
    let fonts = font_sizes(&styles);
    let xf_fonts = xf_font_ids(&styles);
    let mut out = Vec::new();
    for (i, tag) in wb.split("<sheet ").skip(1).enumerate() {
        let tag = tag.split("/>").next().unwrap_or("");
        if tag.contains("state=\"hidden\"") || tag.contains("state=\"veryHidden\"") {
            continue;
        }
        let name = attr(tag, "name").unwrap_or_default();
        let xml = part(buf, &format!("xl/worksheets/sheet{}.xml", i + 1));
        out.push(sheet(buf, &wb, i, &name, &xml, &fonts, &xf_fonts));
    }
    out
}

fn sheet(
    buf: &[u8],
    wb: &str,
    index: usize,
    name: &str,
    xml: &str,
    fonts: &[f64],
    xf_fonts: &[usize],
) -> Printed {
    let setup = element(xml, "<pageSetup ").unwrap_or_default();
    let paper = attr(&setup, "paperSize")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let landscape = attr(&setup, "orientation").as_deref() == Some("landscape");
    let margins = element(xml, "<pageMargins ").unwrap_or_default();
    let margin = |k| {
        attr(&margins, k)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.7)
    };
    let (short, long) = match paper {
        8 => (841.89, 1190.55),
        _ => (595.28, 841.89),
    };
    let width = if landscape { long } else { short };
    let printable = width - (margin("left") + margin("right")) * 72.0;

    let used = element(xml, "<dimension ")
        .and_then(|d| attr(&d, "ref"))
        .map(|r| {
            let last = r.rsplit(':').next().unwrap_or(&r).to_string();
            col_index(&last)
        })
        .unwrap_or(0);
    let cols = match print_area(wb, index) {
        Some(c) => c,
        None => (0, used),
    };
    let widths = col_widths(xml);
    let units: f64 = (cols.0..=cols.1)
        .map(|c| widths.get(&c).copied().unwrap_or(8.43 + 0.7109375))
        .sum();
    let fit = xml.contains("fitToPage=\"1\"");
    assert!(
        !fit || attr(&setup, "fitToWidth").map_or(true, |w| w == "1"),
        "{name}: one page wide"
    );
    let scale = if fit {
        (printable / (units * PT_PER_WIDTH_UNIT)).min(1.0)
    } else {
        attr(&setup, "scale")
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(100.0)
            / 100.0
    };
    let mut smallest = f64::INFINITY;
    for cell in xml.split("<c r=\"").skip(1) {
        let head = cell.split('>').next().unwrap_or("");
        let col = col_index(head.split('"').next().unwrap_or(""));
        if col < cols.0 || col > cols.1 || !cell.contains("<v>") && !cell.contains("<is>") {
            continue;
        }
        let xf: usize = attr(head, "s").and_then(|v| v.parse().ok()).unwrap_or(0);
        let font = xf_fonts.get(xf).copied().unwrap_or(0);
        smallest = smallest.min(fonts.get(font).copied().unwrap_or(11.0));
    }
    for chart in charts_of(buf, index) {
        for sz in chart.split(" sz=\"").skip(1) {
            if let Some(v) = sz.split('"').next().and_then(|v| v.parse::<f64>().ok()) {
                smallest = smallest.min(v / 100.0);
            }
        }
        // Text with no size of its own is drawn at the default 10 pt.
        if chart.contains("<c:txPr>") && !chart.contains("<a:defRPr sz=") {
            smallest = smallest.min(10.0);
        }
    }
    Printed {
        sheet: name.to_string(),
        paper,
        landscape,
        cols,
        scale,
        smallest_pt: if smallest.is_finite() { smallest } else { 11.0 },
    }
}

/// The columns of the sheet's print area (`_xlnm.Print_Area` with its
/// `localSheetId`), if it has one.
fn print_area(wb: &str, index: usize) -> Option<(u32, u32)> {
    wb.split("<definedName ").skip(1).find_map(|d| {
        let head = d.split('>').next()?;
        if attr(head, "name").as_deref() != Some("_xlnm.Print_Area")
            || attr(head, "localSheetId").and_then(|v| v.parse::<usize>().ok()) != Some(index)
        {
            return None;
        }
        let range = d.split('>').nth(1)?.split('<').next()?;
        let range = range.rsplit('!').next()?.replace('$', "");
        let (a, b) = range.split_once(':')?;
        Some((col_index(a), col_index(b)))
    })
}

/// Row heights set in a sheet's XML (points), by 0-based row.
pub fn row_heights(xml: &str) -> BTreeMap<u32, f64> {
    let mut out = BTreeMap::new();
    for r in xml.split("<row ").skip(1) {
        let head = r.split('>').next().unwrap_or("");
        let row = attr(head, "r").and_then(|v| v.parse::<u32>().ok());
        let ht = attr(head, "ht").and_then(|v| v.parse::<f64>().ok());
        if let (Some(row), Some(ht)) = (row, ht) {
            out.insert(row - 1, ht);
        }
    }
    out
}

/// Column widths as written (with their padding), by 0-based column.
pub fn col_widths(xml: &str) -> BTreeMap<u32, f64> {
    let mut out = BTreeMap::new();
    for c in xml.split("<col ").skip(1) {
        let head = c.split("/>").next().unwrap_or("");
        let num = |k| attr(head, k).and_then(|v| v.parse::<u32>().ok());
        let (Some(min), Some(max)) = (num("min"), num("max")) else {
            continue;
        };
        let w = attr(head, "width")
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(8.43);
        for col in min..=max.min(16_384) {
            out.insert(col - 1, w);
        }
    }
    out
}

/// The size of each font of the style sheet, in order.
fn font_sizes(styles: &str) -> Vec<f64> {
    let fonts = element_body(styles, "<fonts").unwrap_or_default();
    fonts
        .split("<font>")
        .skip(1)
        .map(|f| {
            f.split("<sz val=\"")
                .nth(1)
                .and_then(|v| v.split('"').next())
                .and_then(|v| v.parse().ok())
                .unwrap_or(11.0)
        })
        .collect()
}

/// The font of each cell format (`cellXfs`), in order.
fn xf_font_ids(styles: &str) -> Vec<usize> {
    let xfs = element_body(styles, "<cellXfs").unwrap_or_default();
    xfs.split("<xf ")
        .skip(1)
        .map(|x| {
            let head = x.split('>').next().unwrap_or("");
            attr(head, "fontId")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        })
        .collect()
}

/// The chart parts drawn on sheet `index` (0-based).
fn charts_of(buf: &[u8], index: usize) -> Vec<String> {
    let rels = format!("xl/worksheets/_rels/sheet{}.xml.rels", index + 1);
    let Some(rels) = try_part(buf, &rels) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for target in targets(&rels, "drawing") {
        let name = target.rsplit('/').next().unwrap_or("");
        let drels = format!("xl/drawings/_rels/{name}.rels");
        let Some(drels) = try_part(buf, &drels) else {
            continue;
        };
        for chart in targets(&drels, "chart") {
            let name = chart.rsplit('/').next().unwrap_or("");
            if let Some(x) = try_part(buf, &format!("xl/charts/{name}")) {
                out.push(x);
            }
        }
    }
    out
}

/// The targets of the relationships of `kind` (the end of their type).
fn targets(rels: &str, kind: &str) -> Vec<String> {
    rels.split("<Relationship ")
        .skip(1)
        .filter(|r| attr(r, "Type").is_some_and(|t| t.rsplit('/').next() == Some(kind)))
        .filter_map(|r| attr(r, "Target"))
        .collect()
}

fn try_part(buf: &[u8], name: &str) -> Option<String> {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(buf)).ok()?;
    let mut f = z.by_name(name).ok()?;
    let mut s = String::new();
    f.read_to_string(&mut s).ok()?;
    Some(s)
}

/// The first `tag` element's attributes (up to its `>`).
fn element(xml: &str, tag: &str) -> Option<String> {
    Some(xml.split(tag).nth(1)?.split('>').next()?.to_string())
}

/// The content of the first `tag` element.
fn element_body(xml: &str, tag: &str) -> Option<String> {
    let rest = xml.split(tag).nth(1)?;
    let close = format!("</{}>", tag.trim_start_matches('<'));
    Some(rest.split(&close[..]).next()?.to_string())
}

/// The value of attribute `key` in a tag's text.
fn attr(tag: &str, key: &str) -> Option<String> {
    let pat = format!(" {key}=\"");
    let padded = format!(" {tag}");
    Some(
        padded
            .split(&pat[..])
            .nth(1)?
            .split('"')
            .next()?
            .to_string(),
    )
}

/// 0-based column of an A1 reference (`AB12` → 27).
fn col_index(a1: &str) -> u32 {
    let letters: String = a1.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    letters
        .chars()
        .fold(0, |n, c| {
            n * 26 + (c.to_ascii_uppercase() as u32 - 'A' as u32 + 1)
        })
        .saturating_sub(1)
}

/// Every sheet of `buf` prints one page wide with its text at `min_pt` or
/// more; returns how each prints.
pub(crate) fn assert_readable(buf: &[u8], min_pt: f64) -> Vec<Printed> {
    let sheets = printed(buf);
    assert!(!sheets.is_empty(), "no sheet");
    for p in &sheets {
        assert!(
            p.printed_pt() >= min_pt,
            "{}: text prints at {:.2} pt ({:.1} pt at {:.0}%), below {min_pt} pt: {p:?}",
            p.sheet,
            p.printed_pt(),
            p.smallest_pt,
            p.scale * 100.0
        );
    }
    sheets
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::{Format, Workbook};

    #[test]
    fn a_wide_sheet_of_small_text_is_caught() {
        // 23 columns of width 18 squeezed onto A4: the old 台账汇总.
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        let f = Format::new().set_font_size(11);
        for c in 0..23u16 {
            ws.set_column_width(c, 18).unwrap();
            ws.write_string_with_format(0, c, "事项", &f).unwrap();
        }
        ws.set_paper_size(9)
            .set_landscape()
            .set_print_fit_to_pages(1, 0);
        let buf = wb.save_to_buffer().unwrap();
        let p = &printed(&buf)[0];
        assert_eq!((p.paper, p.landscape, p.cols), (9, true, (0, 22)));
        assert!(p.printed_pt() < 6.0, "{p:?}");
        let caught = std::panic::catch_unwind(|| assert_readable(&buf, 9.0));
        assert!(caught.is_err());

        // The same with a print area of three columns prints at 100%.
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        for c in 0..23u16 {
            ws.set_column_width(c, 18).unwrap();
            ws.write_string_with_format(0, c, "事项", &f).unwrap();
        }
        ws.set_paper_size(8)
            .set_landscape()
            .set_print_fit_to_pages(1, 0);
        ws.set_print_area(0, 0, 1_048_575, 2).unwrap();
        let buf = wb.save_to_buffer().unwrap();
        let p = &assert_readable(&buf, 9.0)[0];
        assert_eq!((p.paper, p.cols, p.scale), (8, (0, 2), 1.0));
    }
}
