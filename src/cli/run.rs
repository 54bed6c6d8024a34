//! `duban run`: check, merge, card, score and rank; write the consolidated
//! workbook, the notices, next period's forms and the archive.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};

use super::args::RunArgs;
use super::settings::{load_config, need, resolve_inputs};
use super::terminal::{print_summary, Bar, Terminal};
use crate::archive;
use crate::json::Summary;
use crate::pipeline;
use crate::report;

pub(super) fn run(a: &RunArgs, ui: &Terminal) -> Result<()> {
    let mut config = load_config(&a.common)?;
    if let Some(p) = a.preset {
        config.preset = p.into();
    }
    let out = match &a.out {
        Some(o) => o.clone(),
        None => config.resolve(&need(config.out.clone(), "输出文件夹", "--out <文件夹>")?),
    };
    // Refuse before the work, not after it (write_archive checks again).
    if let Some(p) = a.common.period.or(config.period) {
        archive::refuse_overwrite(&out, &p, a.force)?;
    }
    let inputs = resolve_inputs(&a.common, a.returns.as_ref(), config, Some(&out))?;
    let bar = Bar::new(ui);
    let r = pipeline::execute(&inputs, &bar)?;

    fs::create_dir_all(&out).with_context(|| format!("无法创建输出文件夹 {}", out.display()))?;
    let notices_dir = out.join(report::notices::NOTICES_DIR);
    let next_dir = out.join(report::NEXT_FORMS_DIR);
    // Last run's notices and forms would otherwise linger beside this run's.
    clear_xlsx(&notices_dir)?;
    clear_xlsx(&next_dir)?;
    // The archive's received files and results do not depend on the
    // workbooks: they are staged meanwhile, on whichever thread is free.
    let (written, staged) = rayon::join(
        || report::write_all(&r, &out),
        || {
            let _t = crate::timing::phase("archive (received)");
            archive::stage_archive(&r, &out, &Summary::from_run(&r), a.force)
        },
    );
    let (written, staged) = match (written, staged) {
        (Ok(w), Ok(s)) => (w, s),
        (Err(e), s) => {
            if let Ok(s) = s {
                s.abandon();
            }
            return Err(e.context(format!("写入输出文件夹 {} 失败", out.display())));
        }
        (Ok(_), Err(e)) => return Err(e),
    };
    let mut outputs = vec![written.summary.clone()];
    outputs.extend(written.notices.iter().cloned());
    outputs.extend(written.next_forms.iter().cloned());

    let json_on_stdout = a.json.as_deref() == Some("-");
    if let Some(j) = &a.json {
        write_json(j, &Summary::from_run(&r))?;
    }
    let t = crate::timing::phase("archive (outputs)");
    let archived = staged.finish(&out, &outputs)?;
    drop(t);

    if !ui.quiet {
        let shown = vec![written.summary, notices_dir, next_dir, archived];
        print_summary(&r, &shown, json_on_stdout);
    }
    // The process ends here: freeing the run's hundreds of thousands of
    // strings one by one would only delay the exit.
    std::mem::forget(r);
    Ok(())
}
/// Remove the workbooks a previous run left in an output sub-folder.
fn clear_xlsx(dir: &Path) -> Result<()> {
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "xlsx") && p.is_file() {
                fs::remove_file(&p).with_context(|| format!("无法删除旧文件 {}", p.display()))?;
            }
        }
    }
    Ok(())
}
/// Write the JSON summary to a file (atomically) or, for `-`, to standard output.
pub(super) fn write_json(dest: &str, summary: &Summary<'_>) -> Result<()> {
    if dest == "-" {
        let out = std::io::BufWriter::new(std::io::stdout().lock());
        summary.write_to(out).context("无法输出 JSON 摘要")?;
        Ok(())
    } else {
        archive::write_with(Path::new(dest), |w| summary.write_to(w))
    }
}
