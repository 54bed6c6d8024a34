//! Shared by the benchmark's baseline examples.

use std::path::{Path, PathBuf};

/// Every file under `dir`, in sorted order, descending into the folders
/// `enter` accepts.
pub fn walk(dir: &Path, enter: &dyn Fn(&Path) -> bool, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read_dir")
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            if enter(&p) {
                walk(&p, enter, out);
            }
        } else {
            out.push(p);
        }
    }
}
