//! Archives duban does not unpack (.rar, .7z, .tar, .gz …): told apart by
//! their magic bytes (a `.rar` that is really a zip is unpacked as one), or
//! by their extension when the bytes say nothing else.

/// The kind of archive, for a message (`RAR`, `7z` …), or None when these
/// bytes are not an archive duban refuses.
pub(super) fn archive_kind(bytes: &[u8], name: &str) -> Option<&'static str> {
    let starts = |m: &[u8]| bytes.starts_with(m);
    let by_magic = if starts(b"Rar!\x1A\x07") {
        Some("RAR")
    } else if starts(&[b'7', b'z', 0xBC, 0xAF, 0x27, 0x1C]) {
        Some("7z")
    } else if starts(&[0x1F, 0x8B]) {
        Some("gzip")
    } else if starts(&[0xFD, b'7', b'z', b'X', b'Z', 0x00]) {
        Some("xz")
    } else if starts(b"BZh") && bytes.get(3).is_some_and(|c| (b'1'..=b'9').contains(c)) {
        Some("bzip2")
    } else if starts(&[0x28, 0xB5, 0x2F, 0xFD]) {
        Some("zstd")
    } else if starts(b"MSCF\0\0\0\0") {
        Some("CAB")
    } else if bytes.get(257..262) == Some(b"ustar") {
        Some("tar")
    } else {
        None
    };
    if by_magic.is_some() {
        return by_magic;
    }
    // A zip or an OLE file (a renamed workbook) is read for what it is.
    if starts(b"PK") || starts(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return None;
    }
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    Some(match ext.as_str() {
        "rar" => "RAR",
        "7z" => "7z",
        "tar" => "tar",
        "gz" | "tgz" => "gzip",
        "bz2" => "bzip2",
        "xz" => "xz",
        "zst" => "zstd",
        "cab" => "CAB",
        "arj" => "ARJ",
        "lzh" => "LZH",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archives_are_told_by_their_bytes_first() {
        assert_eq!(
            archive_kind(b"Rar!\x1A\x07\x01\x00rest", "区司法局.zip"),
            Some("RAR")
        );
        assert_eq!(
            archive_kind(&[b'7', b'z', 0xBC, 0xAF, 0x27, 0x1C, 0, 4], "报表.xlsx"),
            Some("7z")
        );
        assert_eq!(archive_kind(&[0x1F, 0x8B, 8, 0], "a.dat"), Some("gzip"));
        let mut tar = vec![0u8; 600];
        tar[257..262].copy_from_slice(b"ustar");
        assert_eq!(archive_kind(&tar, "a"), Some("tar"));
        // A .rar that is really a zip or a workbook is not refused.
        assert_eq!(archive_kind(b"PK\x03\x04....", "报表.rar"), None);
        assert_eq!(archive_kind(&[0xD0, 0xCF, 0x11, 0xE0], "报表.7z"), None);
        // Unknown bytes: the extension tells.
        assert_eq!(archive_kind(b"garbage", "报表.RAR"), Some("RAR"));
        assert_eq!(archive_kind(b"garbage", "报表.xlsx"), None);
        assert_eq!(archive_kind(b"", "说明.txt"), None);
    }
}
