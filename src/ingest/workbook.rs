//! Reading a workbook's sheets into sparse grids ([`super::grid`]), whatever
//! the format; reading stops at `Limits::max_rows` rows.

use std::io::Cursor;

use calamine::{Data, DataRef, Dimensions, Ods, Reader, SheetVisible, Xls, XlsOptions, Xlsb, Xlsx};

use super::grid::{cell_len, Grid, ReadError, SheetGrid, MAX_COL};
use super::guard::ParsingGuard;
use super::header::HEADER_SCAN_ROWS;
use super::sniff::FileFormat;
use super::{csv, merges, ods, ole};
use crate::config::Limits;
use crate::schema::a1::a1;
use crate::value::CellValue;

/// Largest dense grid (cells) a legacy .xls or .ods sheet may make calamine allocate.
const DENSE_MAX_GRID: u64 = 2_000_000;

fn too_wide(e: &ole::Extent) -> ReadError {
    ReadError::TooLarge(format!(
        "已用区域从 {} 延伸到 {}，范围过大",
        a1(e.min_row, e.min_col),
        a1(e.max_row, e.max_col)
    ))
}

/// Read every sheet of a workbook already in memory.
pub(crate) fn read_workbook(
    bytes: &[u8],
    format: FileFormat,
    limits: &Limits,
    codepage: Option<u16>,
) -> Result<Vec<SheetGrid>, ReadError> {
    match format {
        FileFormat::Xlsx | FileFormat::Xlsm => read_xlsx(bytes, limits),
        FileFormat::Xlsb => read_xlsb(bytes, limits),
        FileFormat::Xls => {
            // calamine follows a looping sector chain until memory runs out.
            if ole::has_cyclic_chain(bytes) {
                return Err(ReadError::Damaged("cyclic sector chain".into()));
            }
            // calamine builds each sheet as a dense grid on open: measure first.
            let scan = ole::xls_scan(bytes).unwrap_or_default();
            let cap = limits.max_cells.min(DENSE_MAX_GRID);
            if let Some(e) = scan
                .iter()
                .filter_map(|s| s.extent)
                .find(|e| e.area() > cap)
            {
                return Err(too_wide(&e));
            }
            let mut opts = XlsOptions::default();
            opts.force_codepage = codepage;
            let wb = Xls::new_with_options(Cursor::new(bytes), opts).map_err(|e| match e {
                calamine::XlsError::Password => ReadError::Password,
                other => ReadError::from_msg(other),
            })?;
            let mut sheets = read_ranges(wb, limits, |wb, name| {
                wb.merge_cells_by_sheet_name(name).unwrap_or_default()
            })?;
            for sheet in &mut sheets {
                if let Some(found) = scan.iter().find(|s| s.name.as_deref() == Some(&sheet.name)) {
                    sheet.grid.mark_percent(&found.percent_cells);
                }
            }
            Ok(sheets)
        }
        FileFormat::Ods => {
            // calamine expands repeated rows/columns densely on open: measure first.
            let tables = ods::scan(bytes, limits.max_inflated_bytes).unwrap_or_default();
            if tables.iter().any(|t| t.unclosed) {
                return Err(ReadError::Damaged("unclosed table:table".into()));
            }
            let cap = limits.max_cells.min(DENSE_MAX_GRID);
            if let Some(e) = tables
                .iter()
                .filter_map(|t| t.extent)
                .find(|e| e.area() > cap)
            {
                return Err(too_wide(&e));
            }
            let wb: Ods<_> = Ods::new(Cursor::new(bytes)).map_err(ReadError::from_msg)?;
            let mut sheets = read_ranges(wb, limits, |_, name| {
                tables
                    .iter()
                    .find(|t| t.name == name)
                    .map(|t| t.merges.clone())
                    .unwrap_or_default()
            })?;
            for sheet in &mut sheets {
                if let Some(t) = tables.iter().find(|t| t.name == sheet.name) {
                    sheet.grid.mark_percent(&t.percent_cells);
                }
            }
            Ok(sheets)
        }
        FileFormat::Csv => csv::read_csv(bytes, limits).map(|g| vec![g]),
        FileFormat::Html | FileFormat::Encrypted | FileFormat::Other => {
            Err(ReadError::Damaged(format!("{format:?}")))
        }
    }
}

fn is_hidden(v: SheetVisible) -> bool {
    !matches!(v, SheetVisible::Visible)
}

/// The worksheets of a workbook (not chart sheets), each with whether it is hidden.
fn worksheets<RS: std::io::Read + std::io::Seek>(wb: &impl Reader<RS>) -> Vec<(String, bool)> {
    wb.sheets_metadata()
        .iter()
        .filter(|s| s.typ == calamine::SheetType::WorkSheet)
        .map(|s| (s.name.clone(), is_hidden(s.visible)))
        .collect()
}

/// The sheets of one workbook as they are read, against the workbook's cell
/// budget (`Limits::max_cells` for all its sheets together).
struct Sheets<'l> {
    limits: &'l Limits,
    out: Vec<SheetGrid>,
    /// Cells of the sheets already pushed.
    cells: usize,
}

impl<'l> Sheets<'l> {
    fn new(limits: &'l Limits, n: usize) -> Self {
        Sheets {
            limits,
            out: Vec::with_capacity(n),
            cells: 0,
        }
    }

    /// Store one cell of `grid`, the sheet being read: an overlong text or
    /// a cell over the workbook's budget stops the reading.
    fn put(&self, grid: &mut Grid, r: u32, c: u32, v: CellValue) -> Result<(), ReadError> {
        cell_len(&v)?;
        grid.set(r, c, v);
        cell_budget(self.limits, self.cells + grid.len())
    }

    /// A sheet read to its end: its merged areas filled in, then kept.
    fn push(
        &mut self,
        name: String,
        mut grid: Grid,
        merges: &[Dimensions],
        hidden: bool,
        truncated: bool,
    ) {
        grid.apply_merges(merges, self.limits.max_cells);
        self.cells += grid.len();
        self.out.push(SheetGrid {
            name,
            grid,
            hidden,
            truncated,
        });
    }
}

fn cell_budget(limits: &Limits, n: usize) -> Result<(), ReadError> {
    if n as u64 > limits.max_cells {
        Err(ReadError::TooLarge(format!(
            "单元格超过 {} 个",
            limits.max_cells
        )))
    } else {
        Ok(())
    }
}

/// From this size on, a workbook's merged areas are read on a second thread
/// while its cells are read: the worksheet parts are inflated again (and
/// where the quick reading gives up, calamine parses the sheet's whole XML
/// again). Small files are already read in parallel with each other.
const PARALLEL_MERGES_BYTES: usize = 2 << 20;

fn open_xlsx(bytes: &[u8]) -> Result<Xlsx<Cursor<&[u8]>>, ReadError> {
    Xlsx::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::XlsxError::Password => ReadError::Password,
        other => ReadError::from_msg(other),
    })
}

fn read_xlsx(bytes: &[u8], limits: &Limits) -> Result<Vec<SheetGrid>, ReadError> {
    let mut wb = open_xlsx(bytes)?;
    let metas = worksheets(&wb);
    if bytes.len() < PARALLEL_MERGES_BYTES {
        let mut quick = merges::read(bytes);
        return read_xlsx_sheets(&mut wb, metas, limits, |wb, name| {
            merges_of(&mut quick, wb, name)
        });
    }
    let names: Vec<String> = metas.iter().map(|(n, _)| n.clone()).collect();
    std::thread::scope(|scope| {
        // Same calls, same order, on a second reader of the same bytes; each
        // sheet's merges are sent as soon as they are known.
        let (tx, rx) = std::sync::mpsc::channel::<Vec<Dimensions>>();
        let worker = scope.spawn(move || {
            let _quiet = ParsingGuard::enter();
            let mut quick = merges::read(bytes);
            let mut wb2 = open_xlsx(bytes).ok();
            for name in &names {
                let merges = match wb2.as_mut() {
                    Some(w) => merges_of(&mut quick, w, name),
                    None => Vec::new(),
                };
                if tx.send(merges).is_err() {
                    return;
                }
            }
        });
        let mut lost = false;
        let out = read_xlsx_sheets(&mut wb, metas, limits, |_, _| {
            rx.recv().unwrap_or_else(|_| {
                lost = true;
                Vec::new()
            })
        });
        drop(rx);
        match worker.join() {
            // The second reader panicked on merges this thread needed: panic
            // here too, as reading them on this thread would have.
            Err(p) if lost => std::panic::resume_unwind(p),
            _ => out,
        }
    })
}

/// A sheet's merged areas: as [`merges::read`] found them, else
/// from calamine (which parses the sheet again).
fn merges_of(
    quick: &mut Option<std::collections::HashMap<String, Vec<Dimensions>>>,
    wb: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
) -> Vec<Dimensions> {
    match quick.as_mut().and_then(|q| q.remove(name)) {
        Some(m) => m,
        None => wb.merge_cells_by_sheet_name(name).unwrap_or_default(),
    }
}

fn read_xlsx_sheets<'b>(
    wb: &mut Xlsx<Cursor<&'b [u8]>>,
    metas: Vec<(String, bool)>,
    limits: &Limits,
    mut merges_of: impl FnMut(&mut Xlsx<Cursor<&'b [u8]>>, &str) -> Vec<Dimensions>,
) -> Result<Vec<SheetGrid>, ReadError> {
    let mut sheets = Sheets::new(limits, metas.len());
    for (name, hidden) in metas {
        let mut grid = Grid::default();
        let mut truncated = false;
        {
            let mut reader = wb
                .worksheet_cells_reader(&name)
                .map_err(ReadError::from_msg)?;
            while let Some((cell, style_id)) = reader
                .next_cell_with_style_id()
                .map_err(ReadError::from_msg)?
            {
                let (r, c) = cell.get_position();
                if r >= limits.max_rows || c > MAX_COL {
                    // Formatted but empty cells past the limit are no loss;
                    // a value there is (reported as FILE_TOO_LARGE).
                    if r >= limits.max_rows && !cell_value(cell.get_value(), false).is_empty() {
                        truncated = true;
                        break;
                    }
                    continue;
                }
                let percent = reader
                    .styles()
                    .get(style_id)
                    .and_then(|s| s.number_format.as_ref())
                    .is_some_and(|f| {
                        f.format_code.contains('%') || matches!(f.format_id, Some(9 | 10))
                    });
                sheets.put(&mut grid, r, c, cell_value(cell.get_value(), percent))?;
            }
        }
        if grid.rows_without_text() {
            grid.mark_formulas(xlsx_formulas(wb, &name, limits.max_rows));
        }
        let merges = merges_of(wb, &name);
        sheets.push(name, grid, &merges, hidden, truncated);
    }
    Ok(sheets.out)
}

/// The cells of an .xlsx sheet that hold a formula (read again, only for a
/// sheet that may have a row of formulas only; nothing when it cannot be read).
fn xlsx_formulas<RS: std::io::Read + std::io::Seek>(
    wb: &mut Xlsx<RS>,
    name: &str,
    max_rows: u32,
) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    if let Ok(mut reader) = wb.worksheet_cells_reader(name) {
        while let Ok(Some(cell)) = reader.next_formula() {
            let (r, c) = cell.get_position();
            if r < max_rows && !cell.get_value().is_empty() {
                out.push((r, c));
            }
        }
    }
    out
}

/// The cells of a sheet read as a range (.xls, .ods) that hold a formula.
fn range_formulas<'b, R: Reader<Cursor<&'b [u8]>>>(wb: &mut R, name: &str) -> Vec<(u32, u32)> {
    let Ok(range) = wb.worksheet_formula(name) else {
        return Vec::new();
    };
    let (r0, c0) = range.start().unwrap_or((0, 0));
    range
        .used_cells()
        .filter(|(_, _, f)| !f.is_empty())
        .map(|(dr, dc, _)| (r0.saturating_add(dr as u32), c0.saturating_add(dc as u32)))
        .collect()
}

fn read_xlsb(bytes: &[u8], limits: &Limits) -> Result<Vec<SheetGrid>, ReadError> {
    let mut wb: Xlsb<_> = Xlsb::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::XlsbError::Password => ReadError::Password,
        other => ReadError::from_msg(other),
    })?;
    let metas = worksheets(&wb);
    let mut sheets = Sheets::new(limits, metas.len());
    for (name, hidden) in metas {
        let mut grid = Grid::default();
        let mut truncated = false;
        let mut reader = wb
            .worksheet_cells_reader(&name)
            .map_err(ReadError::from_msg)?;
        while let Some(cell) = reader.next_cell().map_err(ReadError::from_msg)? {
            let (r, c) = cell.get_position();
            if r >= limits.max_rows || c > MAX_COL {
                if r >= limits.max_rows && !cell_value(cell.get_value(), false).is_empty() {
                    truncated = true;
                    break;
                }
                continue;
            }
            sheets.put(&mut grid, r, c, cell_value(cell.get_value(), false))?;
        }
        drop(reader);
        if grid.rows_without_text() {
            let mut formulas = Vec::new();
            if let Ok(mut reader) = wb.worksheet_cells_reader(&name) {
                while let Ok(Some(cell)) = reader.next_formula() {
                    let (r, c) = cell.get_position();
                    if r < limits.max_rows && !cell.get_value().is_empty() {
                        formulas.push((r, c));
                    }
                }
            }
            grid.mark_formulas(formulas);
        }
        // calamine's .xlsb reader gives no merged areas.
        sheets.push(name, grid, &[], hidden, truncated);
    }
    Ok(sheets.out)
}

/// Formats without a streaming reader: read each sheet's range and keep at
/// most `max_rows` rows of it, sparsely.
fn read_ranges<'b, R, F>(mut wb: R, limits: &Limits, merges: F) -> Result<Vec<SheetGrid>, ReadError>
where
    R: Reader<Cursor<&'b [u8]>>,
    F: Fn(&R, &str) -> Vec<Dimensions>,
{
    let metas = worksheets(&wb);
    let mut sheets = Sheets::new(limits, metas.len());
    for (name, hidden) in metas {
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| ReadError::from_msg(format!("{e:?}")))?;
        let mut grid = Grid::default();
        let mut truncated = false;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (dr, dc, v) in range.used_cells() {
            let (r, c) = (r0.saturating_add(dr as u32), c0.saturating_add(dc as u32));
            let v = cell_value(&data_ref(v), false);
            if r >= limits.max_rows {
                if !v.is_empty() {
                    truncated = true;
                    break;
                }
                continue;
            }
            if c > MAX_COL {
                continue;
            }
            sheets.put(&mut grid, r, c, v)?;
        }
        drop(range);
        if grid.rows_without_text() {
            grid.mark_formulas(range_formulas(&mut wb, &name));
        }
        let merges = merges(&wb, &name);
        sheets.push(name, grid, &merges, hidden, truncated);
    }
    Ok(sheets.out)
}

fn number(n: f64, percent: bool) -> CellValue {
    if percent {
        CellValue::Percent(n)
    } else {
        CellValue::Number(n)
    }
}

fn date_iso(s: &str) -> CellValue {
    use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
    if let Ok(dt) = s.parse::<NaiveDateTime>() {
        return CellValue::Date(dt);
    }
    if let Ok(d) = s.parse::<NaiveDate>() {
        return CellValue::Date(d.and_time(NaiveTime::MIN));
    }
    CellValue::text(s)
}

/// Convert a calamine value, streamed or (through [`data_ref`]) from a
/// range. A number in a percent-formatted cell is a [`CellValue::Percent`]:
/// the streaming readers know the cell's format as they read it; for the
/// formats read as ranges (.xls, .ods) the percent cells come from a scan of
/// their own and are marked afterwards ([`Grid::mark_percent`]), merged
/// copies included.
pub(crate) fn cell_value(v: &DataRef<'_>, percent: bool) -> CellValue {
    match v {
        DataRef::Int(i) => number(*i as f64, percent),
        DataRef::Float(f) => number(*f, percent),
        DataRef::String(s) => CellValue::text(s),
        DataRef::SharedString(s) => CellValue::text(s),
        DataRef::Bool(b) => CellValue::Bool(*b),
        DataRef::DateTime(d) => match d.as_datetime() {
            Some(dt) if !d.is_duration() => CellValue::Date(dt),
            _ => CellValue::Number(d.as_f64()),
        },
        DataRef::DateTimeIso(s) => date_iso(s),
        DataRef::DurationIso(s) => CellValue::text(s),
        DataRef::Error(e) => CellValue::Error(e.to_string()),
        DataRef::Empty => CellValue::Empty,
    }
}

/// A value of a materialised range as the streaming readers give it.
fn data_ref(v: &Data) -> DataRef<'_> {
    match v {
        Data::Int(i) => DataRef::Int(*i),
        Data::Float(f) => DataRef::Float(*f),
        Data::String(s) => DataRef::SharedString(s),
        Data::Bool(b) => DataRef::Bool(*b),
        Data::DateTime(d) => DataRef::DateTime(*d),
        Data::DateTimeIso(s) => DataRef::DateTimeIso(s.clone()),
        Data::DurationIso(s) => DataRef::DurationIso(s.clone()),
        Data::Error(e) => DataRef::Error(e.clone()),
        Data::Empty => DataRef::Empty,
    }
}

fn garbled(sheets: &[SheetGrid]) -> bool {
    sheets.iter().any(|s| {
        (0..=s.grid.max_row().unwrap_or(0).min(HEADER_SCAN_ROWS)).any(|r| {
            s.grid
                .row(r)
                .any(|(_, c)| matches!(&c.value, CellValue::Text(t) if t.contains('\u{FFFD}')))
        })
    })
}

/// Read the sheets of a workbook, retrying a legacy .xls with the Chinese
/// code page (936) when its text comes out garbled or no header is found.
pub(crate) fn read_sheets(
    bytes: &[u8],
    format: FileFormat,
    limits: &Limits,
    usable: impl Fn(&[SheetGrid]) -> bool,
) -> Result<Vec<SheetGrid>, ReadError> {
    let sheets = read_workbook(bytes, format, limits, None)?;
    if format == FileFormat::Xls && (garbled(&sheets) || !usable(&sheets)) {
        if let Ok(retry) = read_workbook(bytes, format, limits, Some(936)) {
            if usable(&retry) && !garbled(&retry) {
                return Ok(retry);
            }
        }
    }
    Ok(sheets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDateTime;

    #[test]
    fn range_and_streamed_values_convert_alike() {
        use calamine::{CellErrorType, ExcelDateTime, ExcelDateTimeType};
        let serial = ExcelDateTime::new(45000.0, ExcelDateTimeType::DateTime, false);
        let cases = [
            (Data::Int(60), DataRef::Int(60)),
            (Data::Float(0.6), DataRef::Float(0.6)),
            (
                Data::String(" 进行中 ".into()),
                DataRef::String(" 进行中 ".into()),
            ),
            (Data::Bool(true), DataRef::Bool(true)),
            (Data::DateTime(serial), DataRef::DateTime(serial)),
            (
                Data::DateTimeIso("2023-03-15".into()),
                DataRef::DateTimeIso("2023-03-15".into()),
            ),
            (
                Data::DurationIso("PT1H".into()),
                DataRef::DurationIso("PT1H".into()),
            ),
            (
                Data::Error(CellErrorType::Div0),
                DataRef::Error(CellErrorType::Div0),
            ),
            (Data::Empty, DataRef::Empty),
        ];
        for (data, streamed) in &cases {
            for percent in [false, true] {
                assert_eq!(
                    cell_value(&data_ref(data), percent),
                    cell_value(streamed, percent),
                    "{data:?}"
                );
            }
        }
        assert_eq!(
            cell_value(&DataRef::Float(0.6), true),
            CellValue::Percent(0.6)
        );
        assert_eq!(
            cell_value(&DataRef::Int(60), false),
            CellValue::Number(60.0)
        );
        assert_eq!(
            cell_value(&DataRef::SharedString(" 进行中 "), true),
            CellValue::text("进行中")
        );
        assert_eq!(
            cell_value(&data_ref(&Data::DateTime(serial)), true),
            CellValue::Date(
                NaiveDateTime::parse_from_str("2023-03-15 00:00", "%Y-%m-%d %H:%M").unwrap()
            )
        );
    }
}
