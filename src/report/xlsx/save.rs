//! Saving a workbook atomically: a temporary file in the same folder, then a rename.

use std::path::Path;

use anyhow::{Context, Result};
use rust_xlsxwriter::Workbook;

use crate::store::atomic;

/// Save `wb` to `path` atomically: write a temporary file in the same folder, then rename.
/// Parent folders are created as needed.
pub(crate) fn save_atomic(wb: &mut Workbook, path: &Path) -> Result<()> {
    // Deflate level 3: saving (mostly compression) is a large part of a run's
    // time; level 6 would make the files only a little smaller.
    save_atomic_level(wb, path, 3)
}

/// Deflate level for the per-unit workbooks (next forms, notices): level 1
/// (zlib-rs's quick deflate) takes about a third less time to save one than
/// level 3, for files about a fifth larger (16 KB instead of 13 KB for a
/// 50-task form); a thousand of them are written per run.
pub(crate) const SMALL_ZIP_LEVEL: u8 = 1;

/// [`save_atomic`] with an explicit deflate level (1–9).
pub(crate) fn save_atomic_level(wb: &mut Workbook, path: &Path, level: u8) -> Result<()> {
    wb.set_zip_compression_level(level);
    // Straight into the temporary file: the zipped workbook is never held
    // in memory as a whole.
    atomic::write_document(path, "Excel/WPS", |out| {
        wb.save_to_writer(out)
            .with_context(|| format!("无法生成工作簿 {}", path.display()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::xlsx::set_properties;
    use chrono::NaiveDate;

    #[test]
    fn save_creates_dirs_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/测试.xlsx");
        let mut wb = Workbook::new();
        wb.add_worksheet().write_string(0, 0, "你好").unwrap();
        set_properties(&mut wb, "t", NaiveDate::from_ymd_opt(2023, 3, 31).unwrap());
        save_atomic(&mut wb, &path).unwrap();
        assert!(path.exists());
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        assert_eq!(names, vec!["测试.xlsx".to_string()]);
    }
}
