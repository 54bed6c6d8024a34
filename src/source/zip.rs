//! A `.zip` attachment (one e-mail attachment for several units, or one
//! unit's form zipped), read as if its members sat in a folder named after
//! it: `3月报表.zip/区司法局.xlsx`.
//!
//! - Member names: UTF-8 when the zip says so (flag bit 11 or the Info-ZIP
//!   Unicode path field), else UTF-8 when the bytes are valid UTF-8 (zips
//!   made on macOS and Linux), else GBK/GB18030 (zips made on Chinese
//!   Windows, which set no flag).
//! - Names are display names only: `\` becomes `/`, empty, `.` and `..`
//!   components, drive letters and control characters are dropped. Two
//!   members that end up with the same name are told apart by a `(2)`.
//! - Skipped silently: folders, `__MACOSX/` and `._*` (macOS resource
//!   forks), `.DS_Store`, `Thumbs.db`, `desktop.ini`. Everything else is an
//!   input (a lock file is then listed as ignored, a PDF as not a form …).
//! - Limits for the zip as a whole: at most `Limits::max_zip_members`
//!   entries (checked on the count the zip declares, before it is parsed),
//!   at most `Limits::max_inflated_bytes` inflated in all (nested zips
//!   included; counted while inflating, never trusted from the headers),
//!   each member at most `Limits::max_file_bytes`. A zip over a limit is
//!   refused whole; a member over its own limit is refused alone.
//! - An encrypted member is refused (`FILE_ENCRYPTED`), an unreadable one
//!   (bad CRC, unknown compression) `FILE_UNREADABLE`, a zip that cannot be
//!   opened at all `FILE_UNREADABLE` as a whole.

use std::io::{Cursor, Read};
use std::panic::{catch_unwind, AssertUnwindSafe};

use chrono::{NaiveDate, NaiveDateTime};
use zip::result::ZipError;
use zip::{HasZipMetadata, ZipArchive};

use super::{Item, Unpack};
use crate::ingest::guard::{install_quiet_panic_hook, ParsingGuard};
use crate::ingest::{mb, Content, Input, SPREADSHEET_EXTS};
use crate::model::IssueCode;
use crate::store::digest::sha256_hex;

/// Extensions of files that are zips inside but never attachments
/// (workbooks, documents): read as what they are, however damaged.
const DOCUMENT_EXTS: [&str; 12] = [
    "docx", "docm", "dotx", "pptx", "pptm", "ppsx", "odt", "odp", "odg", "ofd", "epub", "wpsx",
];

/// Deflate cannot expand data by more than about 1,032 to 1 (as in
/// `ingest::sniff`): below this the members' compressed sizes bound the
/// inflated total, and the zip is not inflated twice to measure it.
const MAX_DEFLATE_RATIO: u64 = 1_040;

const MSG_DAMAGED: &str =
    "压缩包已损坏，无法解压。请重新压缩后报送，或把反馈表直接作为附件(.xlsx)发送。";

/// Is this a zip attachment (to be unpacked) rather than a workbook or a
/// document that happens to be a zip? A `.zip` always is (a damaged one is
/// then reported as a damaged zip), unless it holds a workbook or document
/// (a renamed .xlsx); a file named like a workbook or document never is;
/// any other file is when it opens as a zip that holds no document.
pub(super) fn is_attachment(bytes: &[u8], name: &str) -> bool {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if SPREADSHEET_EXTS.contains(&ext.as_str()) || DOCUMENT_EXTS.contains(&ext.as_str()) {
        return false;
    }
    if ext == "zip" {
        return !matches!(names_look_like(bytes), Some(true));
    }
    let zip_magic = bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06");
    zip_magic && names_look_like(bytes) == Some(false)
}

/// Some(true) when the zip's entries are those of an OOXML or OpenDocument
/// file, Some(false) for any other zip, None when it does not open.
fn names_look_like(bytes: &[u8]) -> Option<bool> {
    // An absurd entry count is an attachment to refuse, not a document.
    if declared_entries(bytes).is_some_and(|n| n > 100_000) {
        return Some(false);
    }
    install_quiet_panic_hook();
    let opened = catch_unwind(AssertUnwindSafe(|| {
        let _quiet = ParsingGuard::enter();
        let zip = ZipArchive::new(Cursor::new(bytes)).ok()?;
        let doc = zip.file_names().any(|n| {
            let n = n.trim_start_matches('/');
            n.eq_ignore_ascii_case("[Content_Types].xml")
                || n == "mimetype"
                || n == "META-INF/manifest.xml"
                || ["xl/", "word/", "ppt/"].iter().any(|p| n.starts_with(p))
        });
        Some(doc)
    }));
    opened.ok().flatten()
}

/// The number of entries the end-of-central-directory record declares
/// (the zip64 record's when the plain one says 0xFFFF); None without one.
fn declared_entries(bytes: &[u8]) -> Option<u64> {
    let from = bytes.len().saturating_sub(22 + 65_535);
    let pos = memchr::memmem::rfind(&bytes[from..], b"PK\x05\x06")? + from;
    let eocd = bytes.get(pos..pos + 22)?;
    let n = u64::from(u16::from_le_bytes([eocd[10], eocd[11]]));
    if n != 0xFFFF {
        return Some(n);
    }
    let locator = bytes.get(pos.checked_sub(20)?..pos)?;
    if &locator[..4] != b"PK\x06\x07" {
        return Some(n);
    }
    let at = usize::try_from(u64::from_le_bytes(locator[8..16].try_into().ok()?)).ok()?;
    let rec = bytes.get(at..at.checked_add(56)?)?;
    if &rec[..4] != b"PK\x06\x06" {
        return Some(n);
    }
    Some(u64::from_le_bytes(rec[32..40].try_into().ok()?))
}

/// One entry of the zip, as listed in its central directory.
struct Entry {
    index: usize,
    /// Display name inside the zip (sanitised).
    name: String,
    size: u64,
    encrypted: bool,
    modified: Option<NaiveDateTime>,
}

/// Unpack `item` (a zip attachment) and hand each member on to
/// [`Unpack::item`] (a nested zip is unpacked in turn).
pub(super) fn unpack(st: &mut Unpack, item: Item, sink: &mut dyn FnMut(Input)) {
    let limits = st.limits;
    let left = limits.max_zip_members.saturating_sub(st.members);
    if let Some(n) = declared_entries(&item.bytes).filter(|&n| n > u64::from(left)) {
        let msg = too_many(n, limits.max_zip_members);
        return st.refuse(item, IssueCode::FileTooLarge, msg, sink);
    }
    install_quiet_panic_hook();
    let listed = catch_unwind(AssertUnwindSafe(|| {
        let _quiet = ParsingGuard::enter();
        list(&item.bytes)
    }));
    let (mut zip, entries, total) = match listed {
        Ok(Some(x)) => x,
        _ => return st.refuse(item, IssueCode::FileUnreadable, MSG_DAMAGED.into(), sink),
    };
    let count = zip.len() as u64;
    if count > u64::from(left) {
        drop(zip);
        let msg = too_many(count, limits.max_zip_members);
        return st.refuse(item, IssueCode::FileTooLarge, msg, sink);
    }
    st.members += count as u32;
    if entries.is_empty() {
        drop(zip);
        let msg =
            "压缩包中没有任何文件。请把本单位的反馈表放入压缩包（或直接作为附件发送）后重新报送。";
        return st.refuse(item, IssueCode::FileEmpty, msg.into(), sink);
    }
    // The whole zip against what is left of the inflated budget: the
    // declared sizes first, then (unless the compressed sizes cannot
    // inflate past it) the real sizes, counted.
    let declared: u64 = entries.iter().map(|e| e.size).fold(0, u64::saturating_add);
    let over = declared > st.budget
        || (total.saturating_mul(MAX_DEFLATE_RATIO) > st.budget
            && inflated_total(&mut zip, &entries, st.budget) > st.budget);
    if over {
        drop(zip);
        let msg = format!(
            "压缩包解压后过大（超过 {} MB），未解压。请只压缩各单位的反馈表，或把反馈表直接作为附件发送。",
            mb(limits.max_inflated_bytes)
        );
        return st.refuse(item, IssueCode::FileTooLarge, msg, sink);
    }
    for e in entries {
        let rel = format!("{}/{}", item.rel, e.name);
        match member(&mut zip, &e, limits.max_file_bytes.min(st.budget)) {
            Ok(bytes) => {
                st.budget = st.budget.saturating_sub(bytes.len() as u64);
                let member = Item {
                    rel,
                    modified: e.modified,
                    sha256: sha256_hex(&bytes),
                    bytes,
                    depth: item.depth + 1,
                };
                st.item(member, sink);
            }
            Err((code, message)) => {
                st.inputs += 1;
                sink(Input {
                    rel,
                    container: Some(st.container.clone()),
                    modified: e.modified,
                    size: e.size,
                    sha256: String::new(),
                    content: Content::Refused { code, message },
                });
            }
        }
    }
}

fn too_many(n: u64, max: u32) -> String {
    format!(
        "压缩包中的文件过多（{n} 个，上限 {max} 个），未解压。请只压缩各单位的反馈表后重新报送（如确需更多，可调高配置文件 [limits] 中的 max_zip_members）。"
    )
}

type Listing<'b> = (ZipArchive<Cursor<&'b [u8]>>, Vec<Entry>, u64);

/// Open the zip and list its members worth reading, sorted by name, with
/// the sum of every entry's compressed size. None when it does not open.
fn list(bytes: &[u8]) -> Option<Listing<'_>> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut entries = Vec::new();
    let mut compressed: u64 = 0;
    for index in 0..zip.len() {
        let listed = zip.by_index_raw(index).map(|f| {
            (
                f.name_raw().to_vec(),
                f.get_metadata().is_utf8,
                f.name().to_string(),
                f.size(),
                f.compressed_size(),
                f.encrypted(),
                f.last_modified().and_then(zip_time),
            )
        });
        let (raw, utf8, lossy, size, packed, encrypted, modified) = match listed {
            Ok(x) => x,
            // A damaged local header: listed by its central-directory name,
            // to be reported as damaged when read.
            Err(_) => {
                let n = zip.name_for_index(index).unwrap_or_default().to_string();
                (n.clone().into_bytes(), true, n, 0, 0, false, None)
            }
        };
        compressed = compressed.saturating_add(packed);
        let name = decode_name(&raw, utf8, &lossy);
        if name.ends_with('/') || name.ends_with('\\') || is_junk(&name) {
            continue;
        }
        let name = sanitise(&name);
        if name.is_empty() {
            continue;
        }
        entries.push(Entry {
            index,
            name,
            size,
            encrypted,
            modified,
        });
    }
    entries.sort_by(|a, b| a.name.cmp(&b.name).then(a.index.cmp(&b.index)));
    dedupe_names(&mut entries);
    Some((zip, entries, compressed))
}

/// A member's name as the person who zipped it wrote it.
fn decode_name(raw: &[u8], utf8_flag: bool, lossy: &str) -> String {
    if utf8_flag {
        return lossy.to_string();
    }
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(raw).0.into_owned(),
    }
}

/// Folders and files that are no one's return: macOS resource forks and
/// folder metadata, Windows thumbnail caches.
fn is_junk(name: &str) -> bool {
    let parts: Vec<&str> = name.split(['/', '\\']).filter(|p| !p.is_empty()).collect();
    let Some(last) = parts.last() else {
        return true;
    };
    parts.contains(&"__MACOSX")
        || last.starts_with("._")
        || [".DS_Store", "Thumbs.db", "desktop.ini"]
            .iter()
            .any(|j| last.eq_ignore_ascii_case(j))
}

/// A member's path as a display name: `/`-separated, no empty, `.` or `..`
/// components, no drive letter, no control characters.
fn sanitise(name: &str) -> String {
    name.split(['/', '\\'])
        .map(|p| p.chars().filter(|c| !c.is_control()).collect::<String>())
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty() && p != "." && p != "..")
        .filter(|p| !(p.len() == 2 && p.ends_with(':')))
        .collect::<Vec<_>>()
        .join("/")
}

/// Members whose display names came out the same get `(2)`, `(3)` … before
/// their extension, in listing order.
fn dedupe_names(entries: &mut [Entry]) {
    let mut seen = std::collections::HashSet::new();
    for e in entries.iter_mut() {
        if seen.insert(e.name.clone()) {
            continue;
        }
        let (stem, ext) = match e.name.rsplit_once('.') {
            Some((s, x)) if !s.is_empty() && !x.contains('/') => (s.to_string(), format!(".{x}")),
            _ => (e.name.clone(), String::new()),
        };
        let mut k = 2;
        while !seen.insert(format!("{stem}({k}){ext}")) {
            k += 1;
        }
        e.name = format!("{stem}({k}){ext}");
    }
}

fn zip_time(t: zip::DateTime) -> Option<NaiveDateTime> {
    NaiveDate::from_ymd_opt(
        i32::from(t.year()),
        u32::from(t.month()),
        u32::from(t.day()),
    )?
    .and_hms_opt(
        u32::from(t.hour()),
        u32::from(t.minute()),
        u32::from(t.second()),
    )
}

/// The bytes the members really inflate to, counted up to `max + 1`
/// (members that cannot be inflated count for nothing: they are refused
/// on their own).
fn inflated_total(zip: &mut ZipArchive<Cursor<&[u8]>>, entries: &[Entry], max: u64) -> u64 {
    let mut total: u64 = 0;
    for e in entries.iter().filter(|e| !e.encrypted) {
        let _quiet = ParsingGuard::enter();
        let counted = catch_unwind(AssertUnwindSafe(|| {
            let f = zip.by_index(e.index).ok()?;
            std::io::copy(&mut f.take(max - total + 1), &mut std::io::sink()).ok()
        }));
        total = total.saturating_add(counted.ok().flatten().unwrap_or(0));
        if total > max {
            return max.saturating_add(1);
        }
    }
    total
}

/// A member's bytes (at most `max`), or why it cannot be had.
fn member(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    e: &Entry,
    max: u64,
) -> Result<Vec<u8>, (IssueCode, String)> {
    if e.encrypted {
        return Err((
            IssueCode::FileEncrypted,
            "压缩包设有密码，无法解压读取。请去掉压缩包密码（或不压缩，直接把反馈表作为附件发送）后重新报送。"
                .into(),
        ));
    }
    if e.size > max {
        return Err((IssueCode::FileTooLarge, member_too_large(e.size, max)));
    }
    let _quiet = ParsingGuard::enter();
    let read = catch_unwind(AssertUnwindSafe(|| {
        let f = zip.by_index(e.index)?;
        let mut buf = Vec::with_capacity(e.size.min(max) as usize);
        f.take(max + 1).read_to_end(&mut buf)?;
        Ok::<_, ZipError>(buf)
    }));
    match read {
        Ok(Ok(buf)) if buf.len() as u64 > max => Err((
            IssueCode::FileTooLarge,
            member_too_large(buf.len() as u64, max),
        )),
        Ok(Ok(buf)) => Ok(buf),
        Ok(Err(ZipError::UnsupportedArchive(why))) if why == ZipError::PASSWORD_REQUIRED => Err((
            IssueCode::FileEncrypted,
            "压缩包设有密码，无法解压读取。请去掉压缩包密码后重新报送。".into(),
        )),
        Ok(Err(ZipError::UnsupportedArchive(_))) => Err((
            IssueCode::FileUnreadable,
            "压缩包中的这个文件使用了不支持的压缩方式，无法解压。请用系统自带的“压缩(zipped)文件夹”重新压缩，或把反馈表直接作为附件发送。"
                .into(),
        )),
        _ => Err((
            IssueCode::FileUnreadable,
            "压缩包中的这个文件已损坏，无法解压。请重新压缩后报送，或把反馈表直接作为附件(.xlsx)发送。"
                .into(),
        )),
    }
}

fn member_too_large(size: u64, max: u64) -> String {
    format!(
        "压缩包中的这个文件解压后过大（约 {} MB，上限 {} MB），未读取。请删除多余的工作表、图片和空白格式后另存再报送。",
        mb(size),
        mb(max)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_decode_utf8_or_gbk() {
        let gbk = encoding_rs::GBK.encode("3月报表/区司法局.xlsx").0;
        assert!(std::str::from_utf8(&gbk).is_err());
        assert_eq!(
            decode_name(&gbk, false, "mojibake"),
            "3月报表/区司法局.xlsx"
        );
        let utf8 = "区司法局.xlsx".as_bytes();
        assert_eq!(decode_name(utf8, false, "x"), "区司法局.xlsx");
        assert_eq!(decode_name(b"raw", true, "区司法局.xlsx"), "区司法局.xlsx");
    }

    #[test]
    fn paths_are_display_names_only() {
        assert_eq!(sanitise("../../etc/passwd"), "etc/passwd");
        assert_eq!(sanitise("/abs/区司法局.xlsx"), "abs/区司法局.xlsx");
        assert_eq!(sanitise("C:\\Users\\a\\..\\b.xlsx"), "Users/a/b.xlsx");
        assert_eq!(sanitise("./a//b\u{0}.xlsx"), "a/b.xlsx");
        assert_eq!(sanitise(".."), "");
        assert!(is_junk("__MACOSX/3月/._区司法局.xlsx"));
        assert!(is_junk("3月/._区司法局.xlsx"));
        assert!(is_junk("3月/.DS_Store"));
        assert!(is_junk("THUMBS.DB"));
        assert!(!is_junk("3月/~$区司法局.xlsx"));
        assert!(!is_junk("3月/区司法局.xlsx"));
    }

    #[test]
    fn same_names_are_told_apart() {
        let e = |name: &str| Entry {
            index: 0,
            name: name.into(),
            size: 0,
            encrypted: false,
            modified: None,
        };
        let mut v = vec![e("a.xlsx"), e("a.xlsx"), e("a.xlsx"), e("b")];
        dedupe_names(&mut v);
        let names: Vec<&str> = v.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["a.xlsx", "a(2).xlsx", "a(3).xlsx", "b"]);
    }

    #[test]
    fn declared_entry_count_is_read_without_parsing() {
        let mut buf = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            let o = zip::write::SimpleFileOptions::default();
            for i in 0..7 {
                w.start_file(format!("{i}.txt"), o).unwrap();
            }
            w.finish().unwrap();
        }
        assert_eq!(declared_entries(buf.get_ref()), Some(7));
        assert_eq!(declared_entries(b"PK\x03\x04 no end record"), None);
    }
}
