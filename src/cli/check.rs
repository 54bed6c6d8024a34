//! `duban check`: read and check every returned form; write nothing but `--json`.

use anyhow::Result;

use super::args::CheckArgs;
use super::run::write_json;
use super::settings::{load_config, resolve_inputs};
use super::terminal::{print_summary, print_top_issues, Bar, Terminal};
use crate::json::Summary;
use crate::pipeline;

pub(super) fn run(a: &CheckArgs, ui: &Terminal) -> Result<()> {
    let config = load_config(&a.common)?;
    let out = config.out.as_ref().map(|o| config.resolve(o));
    let inputs = resolve_inputs(&a.common, a.returns.as_ref(), config, out.as_deref())?;
    let bar = Bar::new(ui);
    let r = pipeline::execute(&inputs, &bar)?;
    let json_on_stdout = a.json.as_deref() == Some("-");
    if let Some(j) = &a.json {
        write_json(j, &Summary::from_run(&r))?;
    }
    if !ui.quiet {
        print_summary(&r, &[], json_on_stdout);
        print_top_issues(&r, 30, json_on_stdout);
    }
    // As in `run`: no point freeing the results one by one at exit.
    std::mem::forget(r);
    Ok(())
}
