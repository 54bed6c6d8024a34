//! A minimal, bounds-checked reader of OLE compound files (legacy .xls),
//! only to measure each sheet's used area before calamine materialises it.
//!
//! calamine's `Xls` builds every sheet as a dense grid when it opens the file,
//! so one stray cell at IV65536 costs about a gigabyte. Scanning the BIFF
//! records first lets such a file be refused with a clear message instead.
//! The same walk finds percent-formatted number cells, whose format calamine
//! does not report for .xls.

use std::collections::{HashMap, HashSet};

/// Bounding box of the value cells of one worksheet (0-based, inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Extent {
    pub(crate) min_row: u32,
    pub(crate) max_row: u32,
    pub(crate) min_col: u32,
    pub(crate) max_col: u32,
}

impl Extent {
    /// Cells of the dense grid calamine would allocate.
    pub(crate) fn area(&self) -> u64 {
        u64::from(self.max_row - self.min_row + 1) * u64::from(self.max_col - self.min_col + 1)
    }
}

const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const MAX_REGULAR: u32 = 0xFFFF_FFFA;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

struct Cfb<'a> {
    bytes: &'a [u8],
    shift: u32,
    fat: Vec<u32>,
}

impl<'a> Cfb<'a> {
    fn parse(bytes: &'a [u8]) -> Option<Self> {
        let shift = u32::from(u16_at(bytes, 0x1E)?);
        if !(7..=16).contains(&shift) {
            return None;
        }
        let mut cfb = Cfb {
            bytes,
            shift,
            fat: Vec::new(),
        };
        let per_sector = (1usize << shift) / 4;
        // Never trust declared counts beyond what the file can hold.
        let n_fat = (u32_at(bytes, 0x2C)? as usize).min(bytes.len() >> shift);
        let mut fat_sectors: Vec<u32> = (0..n_fat.min(109))
            .filter_map(|i| u32_at(bytes, 0x4C + 4 * i))
            .collect();
        let mut difat = u32_at(bytes, 0x44)?;
        let mut guard = 0;
        while difat <= MAX_REGULAR && fat_sectors.len() < n_fat && guard < 10_000 {
            let s = cfb.sector(difat)?;
            for i in 0..per_sector - 1 {
                fat_sectors.push(u32_at(s, 4 * i)?);
            }
            difat = u32_at(s, 4 * (per_sector - 1))?;
            guard += 1;
        }
        fat_sectors.truncate(n_fat);
        let mut fat = Vec::new();
        for fs in fat_sectors {
            let s = cfb.sector(fs)?;
            fat.extend((0..per_sector).filter_map(|i| u32_at(s, 4 * i)));
        }
        cfb.fat = fat;
        Some(cfb)
    }

    fn sector(&self, n: u32) -> Option<&'a [u8]> {
        let size = 1usize << self.shift;
        let start = (n as usize).checked_add(1)?.checked_mul(size)?;
        self.bytes.get(start..start.checked_add(size)?)
    }

    /// Follow a FAT chain, concatenating its sectors (loops and bad links end it).
    fn chain(&self, start: u32, limit: usize) -> Vec<u8> {
        // A chain can never be longer than the file: a cyclic FAT stops here.
        let limit = limit.min(self.bytes.len());
        let mut out = Vec::new();
        let mut s = start;
        let mut steps = 0;
        while s <= MAX_REGULAR && out.len() < limit && steps <= self.fat.len() {
            let Some(data) = self.sector(s) else { break };
            out.extend_from_slice(data);
            s = self.fat.get(s as usize).copied().unwrap_or(END_OF_CHAIN);
            steps += 1;
        }
        out.truncate(limit);
        out
    }

    /// The bytes of the stream named `name` (first match in the directory).
    fn stream(&self, name: &str) -> Option<Vec<u8>> {
        let first_dir = u32_at(self.bytes, 0x30)?;
        let dir = self.chain(first_dir, usize::MAX / 2);
        let entries: Vec<&[u8]> = dir.chunks_exact(128).collect();
        let root = entries.first()?;
        let entry_name = |e: &[u8]| {
            let len = (u16_at(e, 64).unwrap_or(0) as usize).min(64);
            let units: Vec<u16> = (0..len.saturating_sub(2) / 2)
                .filter_map(|i| u16_at(e, 2 * i))
                .collect();
            String::from_utf16_lossy(&units)
        };
        let e = entries
            .iter()
            .find(|e| e.get(66) == Some(&2) && entry_name(e).eq_ignore_ascii_case(name))?;
        let start = u32_at(e, 116)?;
        let size = u32_at(e, 120)? as usize;
        let cutoff = u32_at(self.bytes, 0x38).unwrap_or(4096) as usize;
        if size >= cutoff {
            return Some(self.chain(start, size));
        }
        // Small stream: it lives in the mini stream, in 64-byte mini sectors.
        let mini_shift = u32::from(u16_at(self.bytes, 0x20)?);
        if !(2..=12).contains(&mini_shift) {
            return None;
        }
        let mini_size = 1usize << mini_shift;
        let root_size = u32_at(root, 120)? as usize;
        let mini_stream = self.chain(u32_at(root, 116)?, root_size);
        let minifat_bytes = self.chain(u32_at(self.bytes, 0x3C)?, usize::MAX / 2);
        let minifat: Vec<u32> = (0..minifat_bytes.len() / 4)
            .filter_map(|i| u32_at(&minifat_bytes, 4 * i))
            .collect();
        let mut out = Vec::with_capacity(size);
        let mut s = start;
        let mut steps = 0;
        while s <= MAX_REGULAR && out.len() < size && steps <= minifat.len() {
            let at = (s as usize).checked_mul(mini_size)?;
            out.extend_from_slice(mini_stream.get(at..at + mini_size)?);
            s = minifat.get(s as usize).copied().unwrap_or(END_OF_CHAIN);
            steps += 1;
        }
        out.truncate(size);
        Some(out)
    }
}

/// Does a sector chain of this compound file loop? A sound file has none, but
/// calamine 0.38 (`cfb::Sectors::get_chain`) follows a loop until memory
/// runs out (a fuzzed .xls took 24 GB). The FAT is rebuilt the way calamine
/// builds it (every DIFAT entry, not only `fat_len` of them), then the FAT
/// and the mini FAT are checked for cycles.
pub(crate) fn has_cyclic_chain(bytes: &[u8]) -> bool {
    const DIFSECT: u32 = 0xFFFF_FFFC;
    let Some(shift) = u16_at(bytes, 0x1E).map(u32::from) else {
        return false;
    };
    if !(7..=16).contains(&shift) {
        return false;
    }
    let cfb = Cfb {
        bytes,
        shift,
        fat: Vec::new(),
    };
    let words =
        |s: &[u8]| -> Vec<u32> { (0..s.len() / 4).filter_map(|i| u32_at(s, 4 * i)).collect() };
    let mut difat: Vec<u32> = (0..109)
        .filter_map(|i| u32_at(bytes, 0x4C + 4 * i))
        .collect();
    let mut next = u32_at(bytes, 0x44).unwrap_or(END_OF_CHAIN);
    let max_sectors = bytes.len() >> shift;
    let mut guard = 0;
    while next <= MAX_REGULAR && guard <= max_sectors {
        let Some(s) = cfb.sector(next) else { break };
        difat.extend(words(s));
        next = difat.pop().unwrap_or(END_OF_CHAIN);
        guard += 1;
    }
    let mut fat = Vec::new();
    for id in difat.into_iter().filter(|&id| id < DIFSECT) {
        if let Some(s) = cfb.sector(id) {
            fat.extend(words(s));
        }
    }
    if cyclic(&fat) {
        return true;
    }
    let fat_cfb = Cfb { fat, ..cfb };
    let minifat = fat_cfb.chain(u32_at(bytes, 0x3C).unwrap_or(END_OF_CHAIN), usize::MAX / 2);
    cyclic(&words(&minifat))
}

/// Is there a loop in this "next sector" table?
fn cyclic(next: &[u32]) -> bool {
    // 0 unvisited, 1 on the path being followed, 2 known to end.
    let mut state = vec![0u8; next.len()];
    let mut path = Vec::new();
    for start in 0..next.len() {
        let mut s = start;
        while s < next.len() && state[s] == 0 {
            state[s] = 1;
            path.push(s);
            let n = next[s];
            if n > MAX_REGULAR {
                break;
            }
            s = n as usize;
        }
        if s < next.len() && state[s] == 1 && next[*path.last().unwrap_or(&s)] <= MAX_REGULAR {
            return true;
        }
        for p in path.drain(..) {
            state[p] = 2;
        }
    }
    false
}

/// What the BIFF records say about one worksheet.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct XlsSheet {
    /// From the BOUNDSHEET record pointing at this substream (BIFF8 names).
    pub(crate) name: Option<String>,
    /// Bounding box of the value cells.
    pub(crate) extent: Option<Extent>,
    /// Number cells whose format is a percent format (calamine drops formats).
    pub(crate) percent_cells: HashSet<(u32, u32)>,
}

/// A BIFF8 short Unicode string: cch (u8), flags (u8), characters.
fn short_string(data: &[u8]) -> Option<String> {
    let cch = *data.first()? as usize;
    let flags = *data.get(1)?;
    let body = data.get(2..)?;
    if flags & 1 == 1 {
        let units: Vec<u16> = (0..cch).filter_map(|i| u16_at(body, 2 * i)).collect();
        Some(String::from_utf16_lossy(&units))
    } else {
        Some(body.iter().take(cch).map(|&b| char::from(b)).collect())
    }
}

/// A BIFF8 Unicode string with a 16-bit length: cch (u16), flags (u8), characters.
fn long_string(data: &[u8]) -> Option<String> {
    let cch = u16_at(data, 0)? as usize;
    let flags = *data.get(2)?;
    let body = data.get(3..)?;
    if flags & 1 == 1 {
        let units: Vec<u16> = (0..cch).filter_map(|i| u16_at(body, 2 * i)).collect();
        Some(String::from_utf16_lossy(&units))
    } else {
        Some(body.iter().take(cch).map(|&b| char::from(b)).collect())
    }
}

/// Is this number format code a percent format (a `%` outside quotes)?
fn is_percent_code(code: &str) -> bool {
    let mut quoted = false;
    let mut escaped = false;
    for c in code.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '%' if !quoted => return true,
            _ => {}
        }
    }
    false
}

/// Walk the BIFF records of a legacy .xls: every worksheet's value extent and
/// percent-formatted cells. None when the container cannot be walked
/// (calamine then reports the damage).
pub(crate) fn xls_scan(bytes: &[u8]) -> Option<Vec<XlsSheet>> {
    let cfb = Cfb::parse(bytes)?;
    let wb = cfb.stream("Workbook").or_else(|| cfb.stream("Book"))?;
    let mut out = Vec::new();
    let mut current: Option<XlsSheet> = None;
    let mut sheet_names: HashMap<u32, String> = HashMap::new();
    let mut percent_formats: HashSet<u16> = [9u16, 10].into_iter().collect();
    let mut xf_percent: Vec<bool> = Vec::new();
    let mut pos = 0usize;
    while let (Some(typ), Some(len)) = (u16_at(&wb, pos), u16_at(&wb, pos + 2)) {
        let start = pos;
        let Some(data) = wb.get(pos + 4..pos + 4 + len as usize) else {
            break;
        };
        pos += 4 + len as usize;
        match typ {
            0x0809 => {
                // BOF: 0x0010 starts a worksheet substream.
                if let Some(sheet) = current.take() {
                    out.push(sheet);
                }
                if u16_at(data, 2) == Some(0x0010) {
                    current = Some(XlsSheet {
                        name: u32::try_from(start)
                            .ok()
                            .and_then(|s| sheet_names.get(&s).cloned()),
                        ..Default::default()
                    });
                }
            }
            0x000A => {
                if let Some(sheet) = current.take() {
                    out.push(sheet);
                }
            }
            0x0085 => {
                // BOUNDSHEET8: stream offset of the sheet's BOF, then its name.
                if let (Some(at), Some(name)) =
                    (u32_at(data, 0), data.get(6..).and_then(short_string))
                {
                    sheet_names.insert(at, name);
                }
            }
            0x041E => {
                if let (Some(ifmt), Some(code)) =
                    (u16_at(data, 0), data.get(2..).and_then(long_string))
                {
                    if is_percent_code(&code) {
                        percent_formats.insert(ifmt);
                    }
                }
            }
            0x00E0 if current.is_none() => {
                let ifmt = u16_at(data, 2).unwrap_or(0);
                xf_percent.push(percent_formats.contains(&ifmt));
            }
            0x0006 | 0x00FD | 0x0203 | 0x027E | 0x0205 | 0x0204 | 0x00D6 | 0x00BD => {
                let Some(sheet) = current.as_mut() else {
                    continue;
                };
                let (Some(row), Some(col)) = (u16_at(data, 0), u16_at(data, 2)) else {
                    continue;
                };
                let (row, col) = (u32::from(row), u32::from(col));
                let is_pct = |ixfe: Option<u16>| {
                    ixfe.and_then(|i| xf_percent.get(i as usize).copied())
                        .unwrap_or(false)
                };
                let mut last_col = col;
                match typ {
                    0x00BD => {
                        // MULRK: (ixfe, rk) pairs from col to the last column.
                        last_col =
                            u32::from(u16_at(data, data.len().saturating_sub(2)).unwrap_or(0));
                        for (i, c) in (col..=last_col.max(col)).enumerate() {
                            if is_pct(u16_at(data, 4 + 6 * i)) {
                                sheet.percent_cells.insert((row, c));
                            }
                        }
                    }
                    0x0006 | 0x0203 | 0x027E if is_pct(u16_at(data, 4)) => {
                        sheet.percent_cells.insert((row, col));
                    }
                    _ => {}
                }
                let e = sheet.extent.get_or_insert(Extent {
                    min_row: row,
                    max_row: row,
                    min_col: col,
                    max_col: col,
                });
                e.min_row = e.min_row.min(row);
                e.max_row = e.max_row.max(row);
                e.min_col = e.min_col.min(col);
                e.max_col = e.max_col.max(last_col.max(col));
            }
            _ => {}
        }
    }
    if let Some(sheet) = current {
        out.push(sheet);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loops_in_sector_tables_are_found() {
        const E: u32 = END_OF_CHAIN;
        assert!(!cyclic(&[1, 2, E, E, 0xFFFF_FFFF]));
        assert!(cyclic(&[1, 2, 0]));
        assert!(cyclic(&[E, 2, 3, 2]));
        assert!(cyclic(&[0]));
        assert!(!cyclic(&[9, E]));
        assert!(!cyclic(&[]));
    }

    #[test]
    fn hostile_headers_do_not_allocate_or_loop() {
        // Claims 4 billion FAT sectors and a FAT chain that loops on itself.
        let mut b = vec![0u8; 512 * 4];
        b[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
        b[0x1E] = 9;
        b[0x2C..0x30].copy_from_slice(&u32::MAX.to_le_bytes());
        b[0x30..0x34].copy_from_slice(&1u32.to_le_bytes()); // directory at sector 1
        b[0x44..0x48].copy_from_slice(&0u32.to_le_bytes()); // DIFAT at sector 0
        for i in 0..109 {
            b[0x4C + 4 * i..0x50 + 4 * i].copy_from_slice(&0u32.to_le_bytes());
        }
        // sector 0 (FAT): every sector points to sector 1, which points to itself
        for i in 0..128 {
            b[512 + 4 * i..516 + 4 * i].copy_from_slice(&1u32.to_le_bytes());
        }
        let cfb = Cfb::parse(&b).unwrap();
        assert!(cfb.chain(1, usize::MAX).len() <= b.len());
        assert_eq!(xls_scan(&b).map(|s| s.len()), None);
    }

    #[test]
    fn percent_codes() {
        assert!(is_percent_code("0%"));
        assert!(is_percent_code("0.00%"));
        assert!(!is_percent_code("0.00\\%"));
        assert!(!is_percent_code("0\"%\""));
        assert!(!is_percent_code("yyyy年m月d日"));
    }

    #[test]
    fn strings() {
        assert_eq!(short_string(&[2, 0, b'a', b'b']).as_deref(), Some("ab"));
        assert_eq!(short_string(&[1, 1, 0x30, 0x75]).as_deref(), Some("田"));
        assert_eq!(long_string(&[2, 0, 0, b'0', b'%']).as_deref(), Some("0%"));
        assert_eq!(short_string(&[]), None);
    }
}
