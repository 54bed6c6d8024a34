//! CSV returns: UTF-8 (BOM stripped) or GB18030/GBK, delimiter sniffed.

use super::grid::{cell_len, Grid, ReadError, SheetGrid, MAX_COL};
use crate::config::Limits;
use crate::value::CellValue;

/// Decode CSV bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030.
pub(crate) fn decode(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (s, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return s.into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => {
            let (s, _, _) = encoding_rs::GB18030.decode(bytes);
            s.into_owned()
        }
    }
}

/// The delimiter that splits the first lines most consistently.
fn sniff_delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(20)
        .collect();
    let mut best = (b',', 0usize);
    for d in [b',', b';', b'\t'] {
        let ch = d as char;
        let max = lines
            .iter()
            .map(|l| l.matches(ch).count())
            .max()
            .unwrap_or(0);
        if max > best.1 {
            best = (d, max);
        }
    }
    best.0
}

pub(crate) fn read_csv(bytes: &[u8], limits: &Limits) -> Result<SheetGrid, ReadError> {
    let text = decode(bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(&text))
        .from_reader(text.as_bytes());
    let mut grid = Grid::default();
    let mut truncated = false;
    let (mut seen_bytes, mut line) = (0usize, 0usize);
    for rec in rdr.records() {
        let rec = rec.map_err(|e| ReadError::Damaged(e.to_string()))?;
        // The csv reader skips blank lines: keep the real line as the row,
        // counting line breaks up to the record's start.
        let mut start = rec.position().map_or(seen_bytes, |p| p.byte() as usize);
        // The reported start may precede skipped blank lines.
        while matches!(text.as_bytes().get(start), Some(b'\n' | b'\r')) {
            start += 1;
        }
        if let Some(chunk) = text.as_bytes().get(seen_bytes..start) {
            line += chunk.iter().filter(|&&b| b == b'\n').count();
            seen_bytes = start;
        }
        let Ok(r) = u32::try_from(line) else {
            break;
        };
        if r >= limits.max_rows {
            // Only a value past the limit is a loss (reported as FILE_TOO_LARGE).
            if rec.iter().any(|f| !crate::text::trim(f).is_empty()) {
                truncated = true;
                break;
            }
            continue;
        }
        for (c, field) in rec.iter().enumerate() {
            // Past column XFD nothing is a form column; the cell budget is
            // checked per cell so one absurdly long line cannot fill memory.
            let Ok(c) = u32::try_from(c) else { break };
            if c > MAX_COL {
                break;
            }
            let v = csv_value(field);
            cell_len(&v)?;
            grid.set(r, c, v);
            if grid.len() as u64 > limits.max_cells {
                return Err(ReadError::TooLarge(format!(
                    "单元格超过 {} 个",
                    limits.max_cells
                )));
            }
        }
    }
    Ok(SheetGrid {
        name: "CSV".to_string(),
        grid,
        hidden: false,
        truncated,
    })
}

/// Plain numbers become numbers; everything else stays text (dates and
/// percents in text are parsed later by `value::parse_*`).
fn csv_value(field: &str) -> CellValue {
    let t = crate::text::trim(field);
    let Ok(n) = t.parse::<f64>() else {
        return CellValue::text(t);
    };
    let leading_zero_id = t.len() > 1 && t.starts_with('0') && !t.starts_with("0.");
    if n.is_finite() && !leading_zero_id {
        CellValue::Number(n)
    } else {
        CellValue::text(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_values_keep_ids_with_leading_zeros_as_text() {
        assert_eq!(csv_value("60"), CellValue::Number(60.0));
        assert_eq!(csv_value("0.6"), CellValue::Number(0.6));
        assert_eq!(csv_value("0"), CellValue::Number(0.0));
        assert_eq!(csv_value("007"), CellValue::text("007"));
        assert_eq!(csv_value("60%"), CellValue::text("60%"));
        assert_eq!(csv_value(" "), CellValue::Empty);
    }

    #[test]
    fn delimiter_is_sniffed() {
        assert_eq!(sniff_delimiter("a;b;c\n1;2;3"), b';');
        assert_eq!(sniff_delimiter("a\tb\n1\t2"), b'\t');
        assert_eq!(sniff_delimiter("a,b\n1,2"), b',');
    }
}
