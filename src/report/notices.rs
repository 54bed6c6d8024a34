//! 反馈/<unit>.xlsx: per-unit return notices (cards, rejected rows, missing reports).

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::pipeline::RunResult;

/// Write one notice per unit that has something to hear; returns the files written.
pub fn write_notices(r: &RunResult, dir: &Path) -> Result<Vec<PathBuf>> {
    let _ = (r, dir);
    todo!("report::notices::write_notices")
}
