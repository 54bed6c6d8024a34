//! Merged areas of an .xlsx's worksheets, read from each worksheet's
//! `<mergeCells>` element alone. calamine's `merge_cells_by_sheet_name`
//! tokenises the whole worksheet XML a second time to find that element
//! (about a fifth of the time it takes to read a return); here the part is
//! inflated again and only what follows `</sheetData>` is parsed.
//!
//! Anything unexpected (a part not where the package says, a prefix, an XML
//! error, a reference calamine would read differently) gives `None` for the
//! workbook or leaves the sheet out, and the caller asks calamine: the
//! result is calamine's either way.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use calamine::Dimensions;
use memchr::memmem;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::schema::a1;

/// Largest package part read whole here (relationships, the workbook part),
/// and largest tail kept after a worksheet's cells; past it calamine decides.
const MAX_PART: u64 = 8 << 20;

/// Sheet name → its merged areas, for the worksheets found.
pub(crate) fn read(bytes: &[u8]) -> Option<HashMap<String, Vec<Dimensions>>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let (dir, workbook) = office_document(&part(&mut zip, "_rels/.rels")?)?;
    let rels = relationships(&part(&mut zip, &format!("{dir}_rels/{workbook}.rels"))?)?;
    let mut out = HashMap::new();
    for (name, id) in sheets(&part(&mut zip, &format!("{dir}{workbook}"))?)? {
        let Some(target) = rels.get(&id) else {
            continue;
        };
        let path = match target.strip_prefix('/') {
            Some(abs) => abs.to_string(),
            None => format!("{dir}{target}"),
        };
        let Ok(f) = zip.by_name(&path) else {
            continue;
        };
        if let Some(merges) = tail_after_cells(f).and_then(|t| merge_cells(&t)) {
            out.insert(name, merges);
        }
    }
    Some(out)
}

fn part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Option<Vec<u8>> {
    let f = zip.by_name(name).ok()?;
    let mut buf = Vec::new();
    f.take(MAX_PART).read_to_end(&mut buf).ok()?;
    (buf.len() < MAX_PART as usize).then_some(buf)
}

/// What follows the cells of a worksheet part (from `</sheetData>` on),
/// inflated chunk by chunk so that only the tail is kept.
fn tail_after_cells(mut r: impl Read) -> Option<Vec<u8>> {
    const CHUNK: usize = 64 << 10;
    // An end tag split between two chunks: the last bytes of one are kept
    // in front of the next.
    const KEEP: usize = b"</sheetData>".len() - 1;
    let mut chunk = vec![0u8; KEEP + CHUNK];
    let mut kept = 0;
    loop {
        let n = r.read(&mut chunk[KEEP..]).ok()?;
        if n == 0 {
            return None;
        }
        let window = &chunk[KEEP - kept..KEEP + n];
        let at =
            memmem::find(window, b"</sheetData>").or_else(|| memmem::find(window, b"<sheetData/>"));
        if let Some(i) = at {
            let mut tail = window[i..].to_vec();
            r.take(MAX_PART).read_to_end(&mut tail).ok()?;
            return (tail.len() < MAX_PART as usize).then_some(tail);
        }
        kept = KEEP.min(kept + n);
        chunk.copy_within(KEEP + n - kept..KEEP + n, KEEP - kept);
    }
}

fn attr(e: &BytesStart, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// Each start (or empty) element of `xml`, until the end or an error (`None`).
fn elements(xml: &[u8], mut each: impl FnMut(&BytesStart)) -> Option<()> {
    let mut r = Reader::from_reader(xml);
    loop {
        match r.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) => each(&e),
            Event::Eof => return Some(()),
            _ => {}
        }
    }
}

/// The workbook part's folder and file name, from the package relationships.
fn office_document(xml: &[u8]) -> Option<(String, String)> {
    let mut target = None;
    elements(xml, |e| {
        if e.local_name().as_ref() == "Relationship"
            && attr(e, "Type").is_some_and(|t| t.ends_with("/relationships/officeDocument"))
        {
            target = attr(e, "Target");
        }
    })?;
    let target = target?;
    let (dir, name) = match target.rfind('/') {
        Some(i) => target.split_at(i + 1),
        None => ("", target.as_str()),
    };
    if name.is_empty() {
        return None;
    }
    Some((
        dir.strip_prefix('/').unwrap_or(dir).to_string(),
        name.to_string(),
    ))
}

fn relationships(xml: &[u8]) -> Option<HashMap<String, String>> {
    let mut rels = HashMap::new();
    elements(xml, |e| {
        if e.local_name().as_ref() == "Relationship" {
            if let (Some(id), Some(t)) = (attr(e, "Id"), attr(e, "Target")) {
                rels.insert(id, t);
            }
        }
    })?;
    Some(rels)
}

/// (name, relationship id) of every sheet of the workbook part.
fn sheets(xml: &[u8]) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    elements(xml, |e| {
        if e.local_name().as_ref() == "sheet" {
            if let (Some(name), Some(id)) = (attr(e, "name"), attr(e, "id")) {
                out.push((name, id));
            }
        }
    })?;
    Some(out)
}

/// The merged areas in the tail of a worksheet part (from `</sheetData>`
/// on: text cannot hold a raw `<`, so that ends the cells and the first
/// `<mergeCells` after it is the element). `None` when it is not plainly
/// there (a namespace prefix, for one).
fn merge_cells(tail: &[u8]) -> Option<Vec<Dimensions>> {
    let Some(at) = memmem::find(tail, b"<mergeCells") else {
        return memmem::find(tail, b"mergeCell").is_none().then(Vec::new);
    };
    let mut r = Reader::from_reader(&tail[at..]);
    let mut out = Vec::new();
    loop {
        match r.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "mergeCell" => {
                out.push(dimension(&attr(&e, "ref")?)?);
            }
            Event::End(e) if e.local_name().as_ref() == "mergeCells" => return Some(out),
            Event::Empty(e) if e.local_name().as_ref() == "mergeCells" => return Some(out),
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// `A1` or `A1:C2`, as calamine reads it; anything else (a reversed area,
/// `$`, a whole row) is left to calamine.
fn dimension(s: &str) -> Option<Dimensions> {
    let mut parts = s.split(':');
    let start = a1::parse(parts.next()?)?;
    let end = match parts.next() {
        Some(p) => a1::parse(p)?,
        None => start,
    };
    if parts.next().is_some() || end.0 < start.0 || end.1 < start.1 {
        return None;
    }
    Some(Dimensions { start, end })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_read_like_calamine() {
        assert_eq!(
            dimension("A1:P2"),
            Some(Dimensions {
                start: (0, 0),
                end: (1, 15)
            })
        );
        assert_eq!(
            dimension("aa10"),
            Some(Dimensions {
                start: (9, 26),
                end: (9, 26)
            })
        );
        for odd in [
            "B2:A1", "$A$1:B2", "A:B", "1:2", "A0", "A1:B2:C3", "", "A1B",
        ] {
            assert_eq!(dimension(odd), None, "{odd}");
        }
    }

    fn sheet(xml: &[u8]) -> Option<Vec<Dimensions>> {
        merge_cells(&tail_after_cells(xml)?)
    }

    #[test]
    fn only_the_element_after_the_cells_counts() {
        let xml = br#"<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lt;mergeCells&gt;</t></is></c></row></sheetData><mergeCells count="2"><mergeCell ref="A1:C1"/><mergeCell ref="A2:A3"></mergeCell></mergeCells></worksheet>"#;
        let m = sheet(xml).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m[1].start, (1, 0));
        assert_eq!(m[1].end, (2, 0));
        assert_eq!(sheet(b"<worksheet><sheetData/></worksheet>"), Some(vec![]));
        // No end of the cells where expected: calamine decides.
        assert_eq!(sheet(b"<worksheet><sheetData>"), None);
        // The end of the cells across two chunks of inflated text.
        let mut long = b"<worksheet><sheetData>".to_vec();
        long.resize(64 * 1024 - 5, b' ');
        long.extend_from_slice(b"</sheetData><mergeCells><mergeCell ref=\"B2:C3\"/></mergeCells>");
        assert_eq!(sheet(&long).unwrap().len(), 1);
        // A prefixed element is left to calamine.
        assert_eq!(
            sheet(b"<x:worksheet><x:sheetData/><x:mergeCells><x:mergeCell ref=\"A1:B1\"/></x:mergeCells></x:worksheet>"),
            None
        );
    }

    fn xlsx_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                xlsx_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "xlsx") {
                out.push(p);
            }
        }
    }

    /// Every sheet the quick reading answers for, it answers as calamine.
    fn same_as_calamine(bytes: &[u8]) -> usize {
        use calamine::Reader;
        let Ok(mut wb) = calamine::Xlsx::new(Cursor::new(bytes)) else {
            return 0;
        };
        let quick = read(bytes).unwrap_or_default();
        let mut answered = 0;
        for name in wb.sheet_names() {
            let slow = wb.merge_cells_by_sheet_name(&name).unwrap_or_default();
            if let Some(q) = quick.get(&name) {
                assert_eq!(q, &slow, "sheet {name}");
                answered += 1;
            }
        }
        answered
    }

    #[test]
    fn merged_areas_are_calamines() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        xlsx_files(&root.join("samples"), &mut files);
        xlsx_files(&root.join("tests/fixtures"), &mut files);
        let mut answered = 0;
        for f in &files {
            answered += same_as_calamine(&std::fs::read(f).unwrap());
        }
        assert!(
            answered >= 8,
            "only {answered} sheets answered in {files:?}"
        );

        // Merges written by rust_xlsxwriter, on two sheets, one with a
        // name to unescape.
        let mut wb = rust_xlsxwriter::Workbook::new();
        let f = rust_xlsxwriter::Format::new();
        let ws = wb.add_worksheet().set_name("反馈表").unwrap();
        ws.merge_range(0, 0, 0, 5, "标题", &f).unwrap();
        ws.merge_range(3, 1, 5, 1, "单位", &f).unwrap();
        ws.write(6, 0, "<mergeCells>").unwrap();
        let ws = wb.add_worksheet().set_name("A&B").unwrap();
        ws.merge_range(1, 1, 2, 3, "x", &f).unwrap();
        wb.add_worksheet().set_name("空").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        assert_eq!(same_as_calamine(&bytes), 3);
        let quick = read(&bytes).unwrap();
        assert_eq!(quick["反馈表"].len(), 2);
        assert_eq!(quick["A&B"].len(), 1);
    }
}
