//! `duban run`: check, merge, card, score and rank; write the consolidated
//! workbook, the notices, next period's forms, the 公文 and the archive.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::settings::{JsonDest, Needs, OutRule, Settings};
use super::terminal::{
    print_ledger_issues, print_summary, print_warnings, Bar, Terminal, LEDGER_ISSUES_SHOWN,
};
use crate::json::Summary;
use crate::pipeline;
use crate::pipeline::RunResult;
use crate::report;
use crate::report::documents::{self, Prepared, Wording, SNAPSHOT_FILE};
use crate::store::archive::{self, Staged};
use crate::store::atomic;
use crate::store::layout::{self, RoundPlan};

/// The returns are checked and the outputs written under `--out` (else
/// the config's `out`).
pub(super) const NEEDS: Needs = Needs {
    ledger: true,
    returns: true,
    out: OutRule::Required,
};

pub(super) fn run(s: &Settings, ui: &Terminal) -> Result<()> {
    let out = s.out()?;
    // The output folder is required, so there is always an archive folder.
    let archive_dir = s.archive().unwrap_or(out);
    // Which round this run archives; refused before the work, not after it.
    let plan = layout::plan_round(archive_dir, &s.period, s.force, s.resubmit)?;
    let (inputs, mut warnings) = s.run_inputs(plan.round)?;
    if plan.resubmit_unarchived {
        warnings.insert(
            0,
            format!("{} 期尚未归档，--resubmit 按第1轮处理", s.period),
        );
    }
    print_warnings(ui, &warnings);
    let bar = Bar::new(ui);
    let r = pipeline::execute(&inputs, &bar)?;

    fs::create_dir_all(out).with_context(|| format!("无法创建输出文件夹 {}", out.display()))?;
    // The 公文's wording is checked before anything is written; their
    // figures are gathered once the workbooks are written (see below).
    Wording::load(&r.config.base_dir)?;
    let notices_dir = out.join(report::notices::NOTICES_DIR);
    let next_dir = out.join(report::NEXT_FORMS_DIR);
    // Last run's notices would otherwise linger beside this run's (its
    // forms in 下期表单 are replaced as a set: [`report::forms::write_form_set`]).
    clear_xlsx(&notices_dir)?;
    // The archive's received files and results do not depend on the
    // workbooks: they are staged meanwhile, on whichever thread is free.
    let (written, staged) = rayon::join(
        || report::write_all(&r, out),
        || {
            let _t = crate::timing::phase("archive (received)");
            archive::stage_archive(&r, &plan)
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
    // The 公文: their figures, numbers and files. Gathered only now, once
    // the workbooks are written, so that they are not held in memory while
    // the workbooks are; the summary lists them.
    let t = crate::timing::phase("documents");
    let done = write_documents(&r, &plan, out, &staged, ui);
    drop(t);
    let (summary, documents) = match done {
        Ok(d) => d,
        Err(e) => {
            staged.abandon();
            return Err(e.context(format!("写入输出文件夹 {} 失败", out.display())));
        }
    };
    let mut outputs = vec![written.summary.clone()];
    outputs.extend(written.notices.iter().cloned());
    outputs.extend(written.next_forms.iter().cloned());
    outputs.extend(documents);

    if let Some(dest) = &s.json {
        write_json(dest, &summary)?;
    }
    let t = crate::timing::phase("archive (outputs)");
    let archived = staged.finish(out, &outputs)?;
    drop(t);

    if !ui.quiet {
        let documents_dir = out.join(documents::DOCUMENTS_DIR);
        let shown = vec![
            written.summary,
            notices_dir,
            next_dir,
            documents_dir,
            archived,
        ];
        print_summary(&r, &shown, s.json_on_stdout());
        print_ledger_issues(&r.ledger_issues, LEDGER_ISSUES_SHOWN, s.json_on_stdout());
    }
    // The process ends here: freeing the run's hundreds of thousands of
    // strings one by one would only delay the exit.
    std::mem::forget(r);
    Ok(())
}

/// Write the 公文 of the run under `out` and put their snapshot and the
/// run's summary (which lists them) into the archive being built; returns
/// the summary and the documents written.
fn write_documents<'r>(
    r: &'r RunResult,
    plan: &RoundPlan,
    out: &Path,
    staged: &Staged,
    ui: &Terminal,
) -> Result<(Summary<'r>, Vec<PathBuf>)> {
    let docs = Prepared::of_run(r, plan)?;
    print_warnings(ui, &docs.warnings);
    let summary = Summary::from_run(r).with_documents(docs.entries());
    staged.put_summary(&summary)?;
    staged.put_json(SNAPSHOT_FILE, &docs.snapshot)?;
    let written = docs.write(&r.config, out)?;
    Ok((summary, written))
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
pub(super) fn write_json(dest: &JsonDest, summary: &Summary<'_>) -> Result<()> {
    match dest {
        JsonDest::Stdout => {
            let out = std::io::BufWriter::new(std::io::stdout().lock());
            summary.write_to(out).context("无法输出 JSON 摘要")
        }
        JsonDest::File(path) => atomic::write_with(path, |w| summary.write_to(w)),
    }
}
