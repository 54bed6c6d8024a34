//! Format sniffing from a file's first bytes (never from its extension), and
//! the zip-bomb guard that runs before any zip container is parsed.

use std::io::{Cursor, Read};

use serde::{Deserialize, Serialize};

const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const ZIP_MAGIC: [u8; 4] = [b'P', b'K', 0x03, 0x04];
const ODS_MIME: &str = "application/vnd.oasis.opendocument.spreadsheet";

/// The real format of a file, from its first bytes (never from its extension).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum FileFormat {
    Xlsx,
    Xlsm,
    Xls,
    Xlsb,
    Ods,
    Csv,
    /// A web page saved as .xls.
    Html,
    /// OLE container holding an `EncryptedPackage` (password-protected xlsx).
    Encrypted,
    Other,
}

/// Extensions that name a spreadsheet (lower-case, no dot).
pub(crate) const SPREADSHEET_EXTS: [&str; 14] = [
    "xlsx", "xlsm", "xls", "xlsb", "ods", "csv", "et", "ett", "wps", "xlt", "xltx", "xltm", "ots",
    "dps",
];

/// What the first bytes say, before any spreadsheet parser runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Sniffed {
    Empty,
    Format(FileFormat),
    /// A zip whose members inflate to more than the limit (declared sizes).
    TooLarge {
        inflated: u64,
    },
    /// A container that cannot even be opened (truncated zip, …).
    Damaged,
}

/// Sniff the real format of `bytes`. `ext` is the lower-case extension, only
/// used to tell a CSV text file from any other text file.
pub(crate) fn sniff(bytes: &[u8], ext: &str, max_inflated: u64) -> Sniffed {
    sniff_sized(bytes, ext, max_inflated).0
}

/// [`sniff`], plus the bytes a parser will work through: the real inflated
/// size of a zip's members, the file size otherwise (for the memory budget).
pub(crate) fn sniff_sized(bytes: &[u8], ext: &str, max_inflated: u64) -> (Sniffed, u64) {
    if bytes.starts_with(&ZIP_MAGIC) {
        return sniff_zip(bytes, max_inflated);
    }
    (sniff_plain(bytes, ext), bytes.len() as u64)
}

fn sniff_plain(bytes: &[u8], ext: &str) -> Sniffed {
    if bytes.is_empty() {
        return Sniffed::Empty;
    }
    if bytes.starts_with(&OLE_MAGIC[..4]) {
        // OLE also holds .doc, .ppt, Thumbs.db…: only a workbook stream makes it .xls.
        return if ole_has(bytes, &["EncryptedPackage", "EncryptionInfo"]) {
            Sniffed::Format(FileFormat::Encrypted)
        } else if ole_has(bytes, &["Workbook", "Book"]) {
            Sniffed::Format(FileFormat::Xls)
        } else {
            Sniffed::Format(FileFormat::Other)
        };
    }
    if looks_like_html(bytes) {
        return Sniffed::Format(FileFormat::Html);
    }
    if ext == "csv" {
        return Sniffed::Format(FileFormat::Csv);
    }
    Sniffed::Format(FileFormat::Other)
}

/// Does an OLE compound file name any of these streams (UTF-16LE in its
/// directory)? `EncryptedPackage`/`EncryptionInfo` mean a password-protected
/// OOXML workbook; `Workbook`/`Book` a legacy .xls.
fn ole_has(bytes: &[u8], names: &[&str]) -> bool {
    names.iter().any(|name| {
        let needle: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
        bytes.windows(needle.len()).any(|w| w == needle.as_slice())
    })
}

/// Deflate cannot expand data by more than about 1,032 to 1 (a 258-byte
/// match coded in two bits); stored members do not expand at all.
const MAX_DEFLATE_RATIO: u64 = 1_040;

fn sniff_zip(bytes: &[u8], max_inflated: u64) -> (Sniffed, u64) {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return (Sniffed::Damaged, 0);
    };
    let mut inflated: u64 = 0;
    let mut compressed: u64 = 0;
    let mut names = Vec::with_capacity(zip.len());
    for i in 0..zip.len() {
        let Ok(f) = zip.by_index_raw(i) else {
            return (Sniffed::Damaged, 0);
        };
        inflated = inflated.saturating_add(f.size());
        compressed = compressed.saturating_add(f.compressed_size());
        names.push(f.name().to_string());
    }
    if inflated > max_inflated {
        return (Sniffed::TooLarge { inflated }, inflated);
    }
    // Declared sizes can lie (the deflate stream is not cut at them): inflate
    // for real, counting, and stop at the limit — unless the members'
    // compressed sizes (the most a reader takes of each stream, summed per
    // member so overlapping members count every time) cannot inflate past
    // the limit even at deflate's best ratio. That spares a second
    // decompression of every ordinary form.
    let actual = if compressed.saturating_mul(MAX_DEFLATE_RATIO) <= max_inflated {
        inflated
    } else {
        inflated_size(&mut zip, max_inflated)
    };
    if actual > max_inflated {
        return (Sniffed::TooLarge { inflated: actual }, actual);
    }
    (sniff_zip_kind(&mut zip, &names), actual.max(inflated))
}

fn sniff_zip_kind(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, names: &[String]) -> Sniffed {
    let has = |n: &str| names.iter().any(|m| m.eq_ignore_ascii_case(n));
    if has("xl/workbook.xml") {
        let macro_enabled = has("xl/vbaProject.bin") || content_types_say_macro(zip);
        return Sniffed::Format(if macro_enabled {
            FileFormat::Xlsm
        } else {
            FileFormat::Xlsx
        });
    }
    if has("xl/workbook.bin") {
        return Sniffed::Format(FileFormat::Xlsb);
    }
    if has("mimetype") {
        if let Ok(mut f) = zip.by_name("mimetype") {
            let mut s = String::new();
            let _ = f.by_ref().take(200).read_to_string(&mut s);
            if s.trim() == ODS_MIME {
                return Sniffed::Format(FileFormat::Ods);
            }
        }
    }
    Sniffed::Format(FileFormat::Other)
}

/// The bytes the members really inflate to, counted up to `max + 1`.
/// A member that cannot be inflated is left for the reader to report.
fn inflated_size(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, max: u64) -> u64 {
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let Ok(f) = zip.by_index(i) else {
            continue;
        };
        let left = max - total;
        let n = std::io::copy(&mut f.take(left + 1), &mut std::io::sink()).unwrap_or(0);
        if n > left {
            return max.saturating_add(1);
        }
        total += n;
    }
    total
}

fn content_types_say_macro(zip: &mut zip::ZipArchive<Cursor<&[u8]>>) -> bool {
    let Ok(f) = zip.by_name("[Content_Types].xml") else {
        return false;
    };
    let mut s = String::new();
    let _ = f.take(1 << 20).read_to_string(&mut s);
    s.contains("macroEnabled")
}

/// What a file that is not a spreadsheet is, in words for a message
/// (`PDF文件`, `图片`, `Word文档` …), from its first bytes, else its
/// extension; None when it cannot be told.
pub(crate) fn other_kind(bytes: &[u8], ext: &str) -> Option<&'static str> {
    let starts = |m: &[u8]| bytes.starts_with(m);
    if starts(b"%PDF") {
        return Some("PDF文件");
    }
    let image = starts(b"\x89PNG")
        || starts(&[0xFF, 0xD8, 0xFF])
        || starts(b"GIF8")
        || starts(b"II*\0")
        || starts(b"MM\0*")
        || (starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP"))
        || (bytes.get(4..8) == Some(b"ftyp") && bytes.get(8..11) == Some(b"hei"));
    if image {
        return Some("图片");
    }
    if starts(&OLE_MAGIC[..4]) && ole_has(bytes, &["WordDocument"]) {
        return Some("Word文档");
    }
    if starts(&ZIP_MAGIC) && memchr::memmem::find(bytes, b"word/document.xml").is_some() {
        return Some("Word文档");
    }
    Some(match ext {
        "pdf" => "PDF文件",
        "jpg" | "jpeg" | "png" | "gif" | "bmp" | "tif" | "tiff" | "webp" | "heic" => "图片",
        "doc" | "docx" | "docm" | "dot" | "dotx" | "wpt" | "rtf" => "Word文档",
        "ppt" | "pptx" | "dps" => "演示文稿",
        "txt" => "文本文件",
        _ => return None,
    })
}

/// `<html`, `<!DOCTYPE html`, `<table` (after a BOM and whitespace,
/// case-insensitive), or an HTML-ish start with `<html` soon after.
pub(crate) fn looks_like_html(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let head = head.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(head);
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let t = text.trim_start();
    if ["<html", "<!doctype html", "<table"]
        .iter()
        .any(|p| t.starts_with(p))
    {
        return true;
    }
    (t.starts_with("<meta") || t.starts_with("<head") || t.starts_with("<!--"))
        && (t.contains("<html") || t.contains("<table"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_magic_bytes() {
        assert_eq!(sniff(b"", "xlsx", 1000), Sniffed::Empty);
        assert_eq!(
            sniff(b"\xEF\xBB\xBF  <!DOCTYPE HTML><html>", "xls", 1000),
            Sniffed::Format(FileFormat::Html)
        );
        assert_eq!(
            sniff(b"\n<TABLE border=1>", "xls", 1000),
            Sniffed::Format(FileFormat::Html)
        );
        assert_eq!(
            sniff(b"a,b\n1,2", "csv", 1000),
            Sniffed::Format(FileFormat::Csv)
        );
        assert_eq!(
            sniff(b"a,b\n1,2", "txt", 1000),
            Sniffed::Format(FileFormat::Other)
        );
        let mut ole = OLE_MAGIC.to_vec();
        ole.extend_from_slice(&[0u8; 100]);
        assert_eq!(sniff(&ole, "xls", 1000), Sniffed::Format(FileFormat::Other));
        ole.extend("Workbook".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(sniff(&ole, "xls", 1000), Sniffed::Format(FileFormat::Xls));
        ole.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(
            sniff(&ole, "xlsx", 1000),
            Sniffed::Format(FileFormat::Encrypted)
        );
        assert_eq!(sniff(b"PK\x03\x04garbage", "xlsx", 1000), Sniffed::Damaged);
    }

    #[test]
    fn zip_bomb_is_caught_from_declared_sizes() {
        use std::io::Write;
        let mut buf = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            w.start_file("xl/workbook.xml", opts).unwrap();
            w.write_all(&vec![b'a'; 200_000]).unwrap();
            w.finish().unwrap();
        }
        let bytes = buf.into_inner();
        assert!(bytes.len() < 10_000);
        assert_eq!(
            sniff(&bytes, "xlsx", 100_000),
            Sniffed::TooLarge { inflated: 200_000 }
        );
        assert_eq!(
            sniff(&bytes, "xlsx", 1_000_000),
            Sniffed::Format(FileFormat::Xlsx)
        );
    }

    #[test]
    fn zip_bomb_with_lying_sizes_is_caught_by_inflating() {
        let mut buf = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            w.start_file("xl/workbook.xml", opts).unwrap();
            std::io::Write::write_all(&mut w, &vec![b'a'; 200_000]).unwrap();
            w.finish().unwrap();
        }
        let mut bytes = buf.into_inner();
        // Declare 1,000 bytes in the local and central headers.
        let lie = 1_000u32.to_le_bytes();
        let real = 200_000u32.to_le_bytes();
        let mut patched = 0;
        for i in 0..bytes.len() - 4 {
            if bytes[i..i + 4] == real {
                bytes[i..i + 4].copy_from_slice(&lie);
                patched += 1;
            }
        }
        assert!(patched >= 2);
        assert_eq!(
            sniff(&bytes, "xlsx", 100_000),
            Sniffed::TooLarge { inflated: 100_001 }
        );
    }

    #[test]
    fn deflate_ratio_bound_holds_and_spares_small_files_the_inflating() {
        // The most compressible input at the strongest level stays within the bound.
        let mut buf = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .compression_level(Some(9));
            w.start_file("xl/workbook.xml", opts).unwrap();
            std::io::Write::write_all(&mut w, &vec![0u8; 8 << 20]).unwrap();
            w.finish().unwrap();
        }
        let bytes = buf.into_inner();
        let mut zip = zip::ZipArchive::new(Cursor::new(&bytes[..])).unwrap();
        let f = zip.by_index_raw(0).unwrap();
        assert!(f.compressed_size() * MAX_DEFLATE_RATIO >= 8 << 20);
        drop(f);
        // Under the bound the declared size is trusted (no second inflate);
        // over it the member is inflated and measured.
        assert_eq!(
            sniff_sized(&bytes, "xlsx", 1 << 40),
            (Sniffed::Format(FileFormat::Xlsx), 8 << 20)
        );
        assert_eq!(
            sniff_sized(&bytes, "xlsx", (8 << 20) + 1),
            (Sniffed::Format(FileFormat::Xlsx), 8 << 20)
        );
    }
}
