//! Baseline for the benchmark: read every cell of every workbook in the
//! given folders (and files) with calamine on one thread, doing nothing else.
//! `duban run` is measured against this pass over the returns (target:
//! within 4×); with the ledger added it is half of the floor under a run
//! (see `write_only`).
//!
//!     cargo run --release --example read_only -- <returns-dir> [<ledger.xlsx> …]

use std::path::Path;

mod common;

use calamine::{open_workbook_auto, Data, Reader};

fn main() {
    let mut files = Vec::new();
    for a in std::env::args().skip(1) {
        let p = Path::new(&a);
        if p.is_dir() {
            common::walk(p, &|_| true, &mut files);
        } else {
            files.push(p.to_path_buf());
        }
    }
    assert!(!files.is_empty(), "usage: read_only <dir|file>…");
    let (mut cells, mut read) = (0u64, 0u64);
    for f in &files {
        let Ok(mut wb) = open_workbook_auto(f) else {
            continue;
        };
        read += 1;
        for name in wb.sheet_names().to_vec() {
            if let Ok(range) = wb.worksheet_range(&name) {
                cells += range
                    .used_cells()
                    .filter(|(_, _, c)| !matches!(c, Data::Empty))
                    .count() as u64;
            }
        }
    }
    println!("{read} workbooks, {cells} cells");
}
