//! The whole run: ledger + returns → checked, merged, scored results.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::config::{Config, Preset};
use crate::merge::Merged;
use crate::model::{Issue, Ledger};
use crate::period::Period;
use crate::score::Scored;

/// Everything a run computed; what the report writers and the JSON summary read.
#[derive(Debug, Clone)]
pub struct RunResult {
    pub period: Period,
    pub as_of: NaiveDate,
    pub report_deadline: NaiveDate,
    pub preset: Preset,
    pub config: Config,
    pub ledger: Ledger,
    /// File name of the ledger.
    pub ledger_file: String,
    /// Problems found in the ledger itself.
    pub ledger_issues: Vec<Issue>,
    pub merged: Merged,
    pub scored: Scored,
    /// Earlier periods found in the archive.
    pub history_periods: Vec<Period>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunInfo {
    pub period: Period,
    pub as_of: NaiveDate,
}
