//! `duban samples`: a realistic, seeded data set of any size — a ledger and
//! the returned forms of every unit, a chosen share of them messy.

use std::path::Path;

use anyhow::Result;
use serde::{Deserialize, Serialize};

use crate::period::Period;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SampleOptions {
    pub units: u32,
    pub tasks: u32,
    /// Share (0–1) of returns written in a messy way.
    pub messy: f64,
    pub seed: u64,
    pub period: Period,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct SampleSummary {
    pub units: u32,
    pub tasks: u32,
    pub files: u32,
    pub messy_files: u32,
}

/// Write `<out>/台账.xlsx`, `<out>/returns/…` and `<out>/duban.toml`.
pub fn generate(opts: &SampleOptions, out: &Path) -> Result<SampleSummary> {
    let _ = (opts, out);
    todo!("samples::generate")
}
