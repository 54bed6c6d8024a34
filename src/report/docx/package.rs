//! The .docx package: docx-rs's parts plus the two things docx-rs cannot
//! express, each a small, tested edit of one part —
//!
//! 1. `word/fontTable.xml`: docx-rs writes a fixed table (Times New Roman,
//!    Symbol, Arial). We write our own that also declares every role's font
//!    with its fallbacks as `w:altName` (a comma-separated list, ECMA-376
//!    §17.8.3.1) and the GB2312 character set (`w:charset="86"`), which is
//!    what Word and WPS consult when the named font is not installed.
//! 2. `w:tblHeader` (repeat the header row on every page): docx-rs has no
//!    setter for it, so it is inserted into the `w:trPr` of each table's
//!    header rows in `word/document.xml`, found by walking the XML.
//!
//! The parts are deflated (docx-rs stores them as they are). Zip entries
//! carry no timestamps (zip's 1980 default without its `time` feature), so
//! the same document gives the same bytes.

use std::io::{Cursor, Seek, Write};
use std::path::Path;

use anyhow::{bail, Context, Result};
use docx_rs::Docx;
use quick_xml::events::Event;
use quick_xml::Reader;

use super::style::FontSet;

/// Pack `docx` into a .docx written to `out`, with our font table and
/// header rows. Each copy of the document's XML is dropped as soon as the
/// next is made, and the deflated package goes straight to `out`: a long
/// 通报 is held at most twice (its XML, then the stored package).
pub(super) fn pack<W: Write + Seek>(
    docx: Docx,
    fonts: &FontSet,
    header_rows: &[usize],
    out: W,
) -> Result<W> {
    let mut xml = docx.build();
    xml.font_table = font_table(fonts);
    xml.document = mark_header_rows(&xml.document, header_rows)?;
    let mut stored = Cursor::new(Vec::new());
    xml.pack(&mut stored).context("无法生成 Word 文档")?;
    deflate(&stored.into_inner(), out)
}

/// The same package with every part deflated, written to `out`: docx-rs
/// stores its parts uncompressed, which makes a long 通报 tens of
/// megabytes. The parts keep their order (`[Content_Types].xml` first) and
/// carry no timestamps.
pub(super) fn deflate<W: Write + Seek>(stored: &[u8], out: W) -> Result<W> {
    use zip::write::SimpleFileOptions;
    let mut zin = zip::ZipArchive::new(Cursor::new(stored)).context("无法生成 Word 文档")?;
    let mut zout = zip::ZipWriter::new(out);
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for i in 0..zin.len() {
        let mut part = zin.by_index(i).context("无法生成 Word 文档")?;
        let name = part.name().to_string();
        if part.is_dir() {
            zout.add_directory(name, SimpleFileOptions::default())?;
            continue;
        }
        zout.start_file(name, options)?;
        std::io::copy(&mut part, &mut zout)?;
    }
    Ok(zout.finish()?)
}

/// `word/fontTable.xml`: docx-rs's three fonts, then each role's preferred
/// font (once) with its fallbacks.
pub(super) fn font_table(fonts: &FontSet) -> Vec<u8> {
    use quick_xml::escape::escape;
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#,
    );
    let latin = [
        ("Times New Roman", "00", "roman"),
        ("Symbol", "02", "roman"),
        ("Arial", "00", "swiss"),
    ];
    for (name, charset, family) in latin {
        s.push_str(&format!(
            r#"<w:font w:name="{name}"><w:charset w:val="{charset}"/><w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>"#
        ));
    }
    let mut seen: Vec<&str> = latin.iter().map(|l| l.0).collect();
    for list in fonts.all() {
        if seen.contains(&list.primary()) {
            continue;
        }
        seen.push(list.primary());
        s.push_str(&format!(r#"<w:font w:name="{}">"#, escape(list.primary())));
        if !list.fallbacks().is_empty() {
            let alt = list.fallbacks().join(",");
            s.push_str(&format!(r#"<w:altName w:val="{}"/>"#, escape(alt.as_str())));
        }
        s.push_str(
            r#"<w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>"#,
        );
    }
    s.push_str("</w:fonts>");
    s.into_bytes()
}

/// Insert `<w:tblHeader />` into the row properties of the first
/// `header_rows[k]` rows of the k-th top-level table of `document`.
/// Every such row must have a `w:trPr` (ours all do: rows are cantSplit).
pub(super) fn mark_header_rows(document: &[u8], header_rows: &[usize]) -> Result<Vec<u8>> {
    const MARK: &[u8] = b"<w:tblHeader />";
    let mut inserts: Vec<(usize, &[u8], usize)> = Vec::new(); // (at, text, replace len)
    let mut reader = Reader::from_reader(document);
    let (mut table_depth, mut table_index, mut row_index) = (0usize, 0usize, 0usize);
    loop {
        let before = reader.buffer_position() as usize;
        let event = reader
            .read_event()
            .context("Word 文档内部 XML 有误（document.xml）")?;
        let after = reader.buffer_position() as usize;
        let wanted = table_depth == 1
            && header_rows
                .get(table_index.wrapping_sub(1))
                .is_some_and(|&n| row_index <= n && row_index > 0);
        match event {
            Event::Start(e) if e.name().0 == "w:tbl" => {
                table_depth += 1;
                if table_depth == 1 {
                    table_index += 1;
                    row_index = 0;
                }
            }
            Event::End(e) if e.name().0 == "w:tbl" => table_depth -= 1,
            Event::Start(e) if e.name().0 == "w:tr" && table_depth == 1 => row_index += 1,
            Event::Start(e) if e.name().0 == "w:trPr" && wanted => {
                inserts.push((after, MARK, 0));
            }
            Event::Empty(e) if e.name().0 == "w:trPr" && wanted => {
                inserts.push((before, b"<w:trPr><w:tblHeader /></w:trPr>", after - before));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let expected: usize = header_rows.iter().sum();
    if inserts.len() != expected || table_index != header_rows.len() {
        bail!(
            "表头行标记失败：{} 个表格、{} 行表头，找到 {} 个表格、{} 行",
            header_rows.len(),
            expected,
            table_index,
            inserts.len()
        );
    }
    let mut out = Vec::with_capacity(document.len() + inserts.len() * MARK.len());
    let mut pos = 0;
    for (at, text, replace) in inserts {
        out.extend_from_slice(&document[pos..at]);
        out.extend_from_slice(text);
        pos = at + replace;
    }
    out.extend_from_slice(&document[pos..]);
    Ok(out)
}

/// Write `bytes` to `path` atomically: a temporary file in the same folder,
/// then a rename. Parent folders are created as needed.
#[cfg(test)]
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, |w| Ok(w.write_all(bytes)?))
}

/// Write a file atomically, its bytes given by `fill` to a seekable writer
/// (the store's atomic write, for Word/WPS).
pub(crate) fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut std::io::BufWriter<&std::fs::File>) -> Result<()>,
) -> Result<()> {
    crate::store::atomic::write_document(path, "Word/WPS", |w| {
        fill(w).with_context(|| format!("无法写入 {}", path.display()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_rows_are_marked_in_the_right_tables_only() {
        let doc = br#"<w:body><w:tbl><w:tr><w:trPr><w:cantSplit /></w:trPr></w:tr><w:tr><w:trPr /></w:tr></w:tbl><w:p/><w:tbl><w:tr><w:trPr /></w:tr><w:tr><w:tc><w:tbl><w:tr><w:trPr /></w:tr></w:tbl></w:tc></w:tr></w:tbl></w:body>"#;
        let out = String::from_utf8(mark_header_rows(doc, &[1, 1]).unwrap()).unwrap();
        assert_eq!(
            out,
            r#"<w:body><w:tbl><w:tr><w:trPr><w:tblHeader /><w:cantSplit /></w:trPr></w:tr><w:tr><w:trPr /></w:tr></w:tbl><w:p/><w:tbl><w:tr><w:trPr><w:tblHeader /></w:trPr></w:tr><w:tr><w:tc><w:tbl><w:tr><w:trPr /></w:tr></w:tbl></w:tc></w:tr></w:tbl></w:body>"#
        );
        // No header rows: unchanged. A count that does not match: an error.
        assert_eq!(mark_header_rows(doc, &[0, 0]).unwrap(), doc.to_vec());
        assert!(mark_header_rows(doc, &[1]).is_err());
        assert!(mark_header_rows(doc, &[3, 0]).is_err());
    }

    #[test]
    fn the_font_table_names_each_font_once_with_its_fallbacks() {
        let fonts = FontSet {
            heading1: super::super::style::FontList::new(["A&B", "黑体"]).unwrap(),
            ..FontSet::default()
        };
        let xml = String::from_utf8(font_table(&fonts)).unwrap();
        assert!(xml.contains(
            r#"<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/><w:charset w:val="86"/>"#
        ));
        assert!(xml.contains(r#"<w:altName w:val="方正小标宋_GBK,华文中宋,宋体"/>"#));
        assert_eq!(xml.matches(r#"w:name="方正小标宋简体""#).count(), 1);
        assert!(xml.contains(r#"<w:font w:name="A&amp;B">"#));
        assert!(xml.contains(r#"<w:font w:name="Times New Roman">"#));
        // Well-formed.
        let mut r = Reader::from_reader(xml.as_bytes());
        while !matches!(r.read_event().unwrap(), Event::Eof) {}
    }

    #[test]
    fn the_package_is_deflated_with_its_parts_in_order() {
        let doc = super::super::demo::tongbao(&crate::report::docx::DocumentStyle::default());
        let bytes = doc.to_bytes().unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
        let names: Vec<String> = (0..zip.len())
            .map(|i| zip.by_index(i).unwrap().name().to_string())
            .collect();
        let first_file = names.iter().find(|n| !n.ends_with('/')).unwrap();
        assert_eq!(first_file, "[Content_Types].xml");
        let body = zip.by_name("word/document.xml").unwrap();
        assert_eq!(body.compression(), zip::CompressionMethod::Deflated);
        assert!(
            body.compressed_size() * 5 < body.size(),
            "{} of {}",
            body.compressed_size(),
            body.size()
        );
    }

    #[test]
    fn write_atomic_replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("公文").join("a.docx");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.docx")]);
    }
}
