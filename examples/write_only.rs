//! Second baseline for the benchmark: write the cells of a finished run's
//! workbooks again with rust_xlsxwriter alone, on one thread, the way duban
//! writes them (low-memory sheets, shared strings, a bordered format on every
//! cell, blank ones included, deflate level 3 for the summary and 1 for the
//! per-unit books). The cells are read back with calamine first, which is not
//! timed. The time it
//! prints is what the writer library needs for those cells, whatever duban
//! does around it: with `read_only`, a floor under `duban run`.
//!
//!     cargo run --release --example write_only -- <run-output-folder>

use std::path::Path;
use std::time::Instant;

use calamine::{open_workbook, Data, Reader, Xlsx};
use rust_xlsxwriter::{Format, FormatBorder, Workbook};

mod common;

type Sheet = (String, Vec<(u32, u16, Data)>);

fn main() {
    let dir = std::env::args()
        .nth(1)
        .expect("usage: write_only <run-output-folder>");
    let mut files = Vec::new();
    // The archive holds copies of the same workbooks.
    let not_archive = |p: &Path| p.file_name().is_some_and(|n| n != "archive");
    common::walk(Path::new(&dir), &not_archive, &mut files);
    files.retain(|p| p.extension().is_some_and(|x| x == "xlsx"));
    let books: Vec<(bool, Vec<Sheet>)> = files
        .iter()
        .map(|f| {
            let mut wb: Xlsx<_> = open_workbook(f).expect("readable workbook");
            let names = wb.sheet_names().to_vec();
            let sheets = names
                .into_iter()
                .map(|name| {
                    // Every stored cell, blank ones too: duban writes the
                    // empty cells of its tables (for their borders).
                    let mut cells = Vec::new();
                    let mut reader = wb.worksheet_cells_reader(&name).expect("sheet");
                    while let Some(cell) = reader.next_cell().expect("cell") {
                        let (r, c) = cell.get_position();
                        cells.push((r, c as u16, Data::from(cell.get_value().clone())));
                    }
                    (name, cells)
                })
                .collect();
            let per_unit = f.parent() != Some(Path::new(&dir));
            (per_unit, sheets)
        })
        .collect();
    let cells: usize = books
        .iter()
        .flat_map(|(_, s)| s.iter().map(|(_, c)| c.len()))
        .sum();
    let out = tempfile::tempdir().expect("temporary folder");
    let fmt = Format::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_font_name("宋体");

    let t = Instant::now();
    for (i, (per_unit, sheets)) in books.iter().enumerate() {
        let mut wb = Workbook::new();
        for (name, cells) in sheets {
            let mut ws = wb.new_worksheet_with_low_memory().expect("worksheet");
            ws.set_name(name).expect("sheet name");
            for (r, c, v) in cells {
                let _ = match v {
                    Data::Empty => ws.write_blank(*r, *c, &fmt),
                    Data::Float(f) => ws.write_number_with_format(*r, *c, *f, &fmt),
                    Data::Int(n) => ws.write_number_with_format(*r, *c, *n as f64, &fmt),
                    Data::Bool(b) => ws.write_boolean_with_format(*r, *c, *b, &fmt),
                    Data::DateTime(d) => ws.write_number_with_format(*r, *c, d.as_f64(), &fmt),
                    other => ws.write_string_with_format(*r, *c, other.to_string(), &fmt),
                };
            }
            wb.push_worksheet(ws);
        }
        wb.set_zip_compression_level(if *per_unit { 1 } else { 3 });
        wb.save(out.path().join(format!("{i}.xlsx"))).expect("save");
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{} workbooks, {cells} cells written in {secs:.3} s (one thread)",
        books.len()
    );
}
