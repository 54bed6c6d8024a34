//! A small zip writer for the sample data set: members stored (the forms
//! are already compressed), names written as raw bytes so that a zip can be
//! made the way Chinese Windows makes one — names in GBK and the UTF-8 flag
//! not set — which the zip crate's writer cannot do.

use chrono::{Datelike, NaiveDateTime, Timelike};

/// One member to write.
pub(crate) struct Member<'a> {
    /// The name as stored (GBK bytes, or UTF-8 with `utf8` set).
    pub(crate) name: Vec<u8>,
    /// Set the UTF-8 flag (bit 11).
    pub(crate) utf8: bool,
    pub(crate) data: &'a [u8],
    pub(crate) modified: NaiveDateTime,
}

/// A zip of `members`, stored, in the given order.
pub(crate) fn stored_zip(members: &[Member]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for m in members {
        let offset = out.len() as u32;
        let crc = crc32fast::hash(m.data);
        let (time, date) = dos_time(m.modified);
        let flags: u16 = if m.utf8 { 1 << 11 } else { 0 };
        let size = m.data.len() as u32;
        let name_len = m.name.len() as u16;
        // Local file header.
        out.extend_from_slice(b"PK\x03\x04");
        for v in [20u16, flags, 0, time, date] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, size, size] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&m.name);
        out.extend_from_slice(m.data);
        // Central directory entry (made by MS-DOS, version 2.0).
        central.extend_from_slice(b"PK\x01\x02");
        for v in [20u16, 20, flags, 0, time, date] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, size, size] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        for v in [name_len, 0, 0, 0, 0] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        central.extend_from_slice(&0u32.to_le_bytes());
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(&m.name);
    }
    let start = out.len() as u32;
    let n = members.len() as u16;
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06");
    for v in [0u16, 0, n, n] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&start.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// MS-DOS time and date of a time stamp (2-second resolution, from 1980).
fn dos_time(t: NaiveDateTime) -> (u16, u16) {
    let time = ((t.hour() << 11) | (t.minute() << 5) | (t.second() / 2)) as u16;
    let year = (t.year() - 1980).clamp(0, 127) as u32;
    let date = ((year << 9) | (t.month() << 5) | t.day()) as u16;
    (time, date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn the_zip_crate_reads_back_raw_gbk_names() {
        let t = chrono::NaiveDate::from_ymd_opt(2023, 4, 3)
            .unwrap()
            .and_hms_opt(10, 15, 22)
            .unwrap();
        let gbk = encoding_rs::GBK
            .encode("3月报表/区司法局.xlsx")
            .0
            .into_owned();
        let zip = stored_zip(&[
            Member {
                name: gbk.clone(),
                utf8: false,
                data: b"first",
                modified: t,
            },
            Member {
                name: "说明.txt".as_bytes().to_vec(),
                utf8: true,
                data: b"second",
                modified: t,
            },
        ]);
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
        assert_eq!(z.len(), 2);
        let mut f = z.by_index(0).unwrap();
        assert_eq!(f.name_raw(), &gbk[..]);
        let mut s = String::new();
        f.read_to_string(&mut s).unwrap();
        assert_eq!(s, "first");
        let m = f.last_modified().unwrap();
        assert_eq!((m.year(), m.hour(), m.second()), (2023, 10, 22));
        drop(f);
        assert_eq!(z.by_index(1).unwrap().name(), "说明.txt");
    }
}
