//! Shared workbook helpers: CJK-aware column widths, common formats, atomic save.

use std::path::Path;

use anyhow::Result;
use rust_xlsxwriter::Workbook;

/// Save `wb` to `path` atomically: write a temporary file in the same folder, then rename.
pub fn save_atomic(wb: &mut Workbook, path: &Path) -> Result<()> {
    let _ = (wb, path);
    todo!("report::xlsx::save_atomic")
}

/// A unit name made safe as a file name.
pub fn safe_file_name(name: &str) -> String {
    let _ = name;
    todo!("report::xlsx::safe_file_name")
}
