//! `duban check`: read and check every returned form; write nothing but `--json`.

use anyhow::Result;

use super::run::write_json;
use super::settings::{Needs, OutRule, Settings};
use super::terminal::{
    print_ledger_issues, print_summary, print_top_issues, print_warnings, Bar, Terminal,
    LEDGER_ISSUES_SHOWN,
};
use crate::json::Summary;
use crate::pipeline;

/// The returns are checked; the config's output folder, when it names one,
/// holds the earlier periods' archive.
pub(super) const NEEDS: Needs = Needs {
    ledger: true,
    returns: true,
    out: OutRule::Optional,
};

/// Errors shown on the terminal.
const TOP_ISSUES: usize = 30;

pub(super) fn run(s: &Settings, term: &Terminal) -> Result<()> {
    let (inputs, warnings) = s.run_inputs(s.round_to_check())?;
    print_warnings(term, &warnings);
    let r = pipeline::execute(&inputs, &Bar::new(term))?;
    if let Some(dest) = &s.json {
        write_json(dest, &Summary::from_run(&r))?;
    }
    if !term.quiet {
        print_summary(&r, &[], s.json_on_stdout());
        print_ledger_issues(&r.ledger_issues, LEDGER_ISSUES_SHOWN, s.json_on_stdout());
        print_top_issues(&r, TOP_ISSUES, s.json_on_stdout());
    }
    // As in `run`: no point freeing the results one by one at exit.
    std::mem::forget(r);
    Ok(())
}
