//! `duban docs`: write a period's 公文 again from its archive (the latest
//! round) — after the wording (`公文模板.toml`) or the office's details
//! (`[office]`) changed — without reading the returns. The archive keeps
//! what `duban run` wrote.

use anyhow::{bail, Context, Result};

use super::settings::{JsonDest, Needs, OutRule, Settings};
use super::terminal::{print_documents, print_warnings, Terminal};
use crate::report::documents::{Prepared, Snapshot, DOCUMENTS_DIR, SNAPSHOT_FILE};
use crate::store::archive::SUMMARY_FILE;
use crate::store::{atomic, layout};

/// The documents are written under `--out` (else the config's `out`), from
/// the archive (`--archive`, else beside duban.toml); the ledger and the
/// returns are not read.
pub(super) const NEEDS: Needs = Needs {
    ledger: false,
    returns: false,
    out: OutRule::Required,
};

pub(super) fn run(s: &Settings, ui: &Terminal) -> Result<()> {
    let out = s.out()?;
    // The output folder is required, so there is always an archive folder.
    let archive = s.archive().unwrap_or(out);
    // The latest round of the period, as later periods read it.
    let round = layout::latest_round(archive, &s.period);
    let dir = layout::round_dir(archive, &s.period, round.unwrap_or(1));
    if round.is_none() || !dir.join(SNAPSHOT_FILE).is_file() {
        bail!(
            "归档 {} 中没有 {} 期的公文数据（{}）：请先运行 duban run 生成该期结果；\
             较早版本生成的归档没有公文数据，可用 duban run --force 重新生成",
            archive.display(),
            s.period,
            dir.join(SNAPSHOT_FILE).display()
        );
    }
    let snapshot = Snapshot::load(&dir)?;
    // The date the run issued them on, unless another is given.
    let issue_date = s.issue_date_given.unwrap_or(snapshot.issue_date);
    let docs = Prepared::new(snapshot, &s.config, archive, issue_date)?;
    print_warnings(ui, &docs.warnings);
    docs.write(&s.config, out)
        .with_context(|| format!("写入输出文件夹 {} 失败", out.display()))?;
    if let Some(dest) = &s.json {
        write_summary(dest, &dir, &docs)?;
    }
    if !ui.quiet {
        print_documents(
            &docs.entries(),
            &out.join(DOCUMENTS_DIR),
            s.json_on_stdout(),
        );
    }
    Ok(())
}

/// The run's archived summary (every field kept as archived) with
/// `documents` as written now.
fn write_summary(dest: &JsonDest, dir: &std::path::Path, docs: &Prepared) -> Result<()> {
    let path = dir.join(SUMMARY_FILE);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("无法读取归档的结果 {}", path.display()))?;
    let mut summary: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{} 格式有误", path.display()))?;
    summary["documents"] = serde_json::to_value(docs.entries())?;
    let write = |mut w: &mut dyn std::io::Write| -> std::io::Result<()> {
        serde_json::to_writer_pretty(&mut w, &summary)?;
        w.write_all(b"\n")?;
        w.flush()
    };
    match dest {
        JsonDest::Stdout => write(&mut std::io::stdout().lock()).context("无法输出 JSON 摘要"),
        JsonDest::File(p) => atomic::write_with(p, |mut w| write(&mut w)),
    }
}
