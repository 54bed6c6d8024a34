//! 归档: one folder per period and round (see [`super::layout`]) — a
//! byte-identical copy of every received file (a zip attachment as a whole),
//! a manifest with SHA-256 and outcome per input (a zip's members each
//! listed, with the zip as their `container`), the outputs of the run and its
//! machine-readable results ([`super::snapshot`]), which later runs read back
//! as history. `SHA256SUMS` lists every received file, every output and the
//! archive's own files (results.json, summary.json, manifest.json …), so a
//! roll-up can check a period before it uses it.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::layout::RoundPlan;
use super::{atomic, digest, snapshot};
use crate::merge::FileOutcome;
use crate::period::Period;
use crate::pipeline::RunResult;

pub(crate) const RESULTS_FILE: &str = "results.json";
pub(crate) const MANIFEST_FILE: &str = "manifest.json";
pub(crate) const SUMMARY_FILE: &str = "summary.json";
pub(crate) const CHECKSUMS_FILE: &str = "SHA256SUMS";
pub(crate) const RECEIVED_DIR: &str = "received";
pub(crate) const OUTPUTS_DIR: &str = "outputs";

/// `base` joined with a path relative to the returns folder as the
/// manifest and the JSON spell it (`U盘/区农业局-3月.xlsx`), one component
/// at a time, so that it is a native path on Windows too.
fn join_rel(base: &Path, rel: &str) -> PathBuf {
    rel.split('/')
        .filter(|c| !c.is_empty())
        .fold(base.to_path_buf(), |p, c| p.join(c))
}

/// One received file in the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ManifestEntry {
    pub(crate) path: String,
    pub(crate) sha256: String,
    pub(crate) size: u64,
    pub(crate) unit: Option<String>,
    pub(crate) outcome: FileOutcome,
    pub(crate) rows_read: u32,
    pub(crate) accepted: u32,
    pub(crate) rejected: u32,
    pub(crate) superseded: u32,
    pub(crate) late: bool,
    /// The received zip this input is a member of (its bytes are inside
    /// `received/<container>`); None for a file copied as itself.
    #[serde(default)]
    pub(crate) container: Option<String>,
    /// Units whose rows the input held (several for a collection export).
    #[serde(default)]
    pub(crate) units: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Manifest {
    pub(crate) period: String,
    /// Resubmission round (1 in manifests written before rounds).
    #[serde(default = "crate::store::layout::first_round")]
    pub(crate) round: u32,
    pub(crate) as_of: String,
    /// Every input read, with its outcome (a zip's members each on their own).
    pub(crate) files: Vec<ManifestEntry>,
    /// Every file received, as copied byte for byte into `received/` (a zip
    /// as a whole): path, size, SHA-256, kind (`file`/`zip`), inputs.
    #[serde(default)]
    pub(crate) received: Vec<crate::source::Received>,
    /// Outputs of the run, relative to the output folder, with their SHA-256.
    pub(crate) outputs: Vec<(String, String)>,
}

/// An archive being built in a temporary folder beside its final place:
/// what does not depend on the run's workbooks is already in it, so it can
/// be staged while they are written. Dropped without [`Staged::finish`], the
/// temporary folder is removed.
pub(crate) struct Staged {
    tmp: tempfile::TempDir,
    parent: PathBuf,
    /// Whether `parent` (`archive/`) was made for this archive.
    made_parent: bool,
    final_dir: PathBuf,
    period: Period,
    round: u32,
    as_of: String,
    sums: String,
    entries: Vec<ManifestEntry>,
    received: Vec<crate::source::Received>,
}

/// First half of [`write_archive`]: the received files (byte for byte) and
/// the run's results, in a temporary folder; the summary goes in with
/// [`Staged::put_summary`].
pub(crate) fn stage_archive(r: &RunResult, plan: &RoundPlan) -> Result<Staged> {
    let final_dir = plan.dir.clone();
    if final_dir.exists() && !plan.replaces {
        bail!(
            "归档 {} 已存在（可能有另一次运行同时写入）。为防止覆盖已停止，请重新运行",
            final_dir.display()
        );
    }
    let parent = plan.archive.clone();
    let made_parent = !parent.exists();
    fs::create_dir_all(&parent).with_context(|| format!("无法创建 {}", parent.display()))?;
    let prefix = format!(".{}-", r.period);
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix);
    // The archive becomes archive/<period>: a folder like any other (0777
    // narrowed by the umask), not tempfile's private 0700.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o777));
    let tmp = builder
        .tempdir_in(&parent)
        .with_context(|| format!("无法在 {} 中创建临时文件夹", parent.display()))?;
    let mut staged = Staged {
        tmp,
        parent,
        made_parent,
        final_dir,
        period: r.period,
        round: plan.round,
        as_of: r.as_of.to_string(),
        sums: String::new(),
        entries: Vec::new(),
        received: r.received.clone(),
    };
    match fill_received(&mut staged, r) {
        Ok(()) => Ok(staged),
        Err(e) => {
            staged.abandon();
            Err(e)
        }
    }
}

/// The received files (byte for byte) and the run's results, into the
/// staged folder.
fn fill_received(st: &mut Staged, r: &RunResult) -> Result<()> {
    let tmp_path = st.tmp.path();

    // Received files, byte for byte (copied in parallel; listed in order):
    // a zip attachment as a whole, not its members.
    r.received.par_iter().try_for_each(|f| -> Result<()> {
        let dest = join_rel(&tmp_path.join(RECEIVED_DIR), &f.path);
        if let Some(p) = dest.parent() {
            fs::create_dir_all(p)?;
        }
        fs::copy(&f.abs, &dest).with_context(|| format!("归档时无法复制 {}", f.abs.display()))?;
        Ok(())
    })?;
    let sums = &mut st.sums;
    for f in &r.received {
        sums.push_str(&format!("{}  {}/{}\n", f.sha256, RECEIVED_DIR, f.path));
    }
    let entries = &mut st.entries;
    entries.reserve(r.merged.files.len());
    for f in &r.merged.files {
        entries.push(ManifestEntry {
            path: f.file.rel.clone(),
            sha256: f.file.sha256.clone(),
            size: f.file.size,
            unit: f.unit.clone(),
            outcome: f.outcome,
            rows_read: f.rows_read,
            accepted: f.accepted,
            rejected: f.rejected,
            superseded: f.superseded,
            late: f.late,
            container: f.file.container.clone(),
            units: f.units.clone(),
        });
    }
    atomic::write_json(&tmp_path.join(RESULTS_FILE), &snapshot::snapshot(r))?;
    Ok(())
}

impl Staged {
    /// Put the run's JSON summary into the archive being built.
    pub fn put_summary(&self, summary: &crate::json::Summary<'_>) -> Result<()> {
        atomic::write_with(&self.tmp.path().join(SUMMARY_FILE), |w| summary.write_to(w))
    }

    /// Put `value` into the archive being built as the JSON file `name`
    /// (beside results.json: what a later command reads back).
    pub(crate) fn put_json<T: Serialize>(&self, name: &str, value: &T) -> Result<()> {
        atomic::write_json(&self.tmp.path().join(name), value)
    }

    /// Give the archive up (the run failed): its temporary folder is
    /// removed, and `archive/` too if it was made for it and is empty.
    pub(crate) fn abandon(self) {
        let Staged {
            tmp,
            parent,
            made_parent,
            ..
        } = self;
        drop(tmp);
        if made_parent {
            fs::remove_dir(&parent).ok();
        }
    }

    /// Second half of writing a round's archive: copy the run's `outputs` (paths in
    /// `out`), write the manifest and checksums, and move the archive into
    /// place (an existing period, allowed by `force` at staging, is replaced).
    pub(crate) fn finish(self, out: &Path, outputs: &[PathBuf]) -> Result<PathBuf> {
        let Staged {
            tmp,
            parent,
            made_parent: _,
            final_dir,
            period,
            round,
            as_of,
            mut sums,
            entries,
            received,
        } = self;
        let tmp_path = tmp.path().to_path_buf();

        // Outputs of this run (copied and hashed in parallel; listed in order).
        let out_list: Vec<(String, String)> = outputs
            .par_iter()
            .map(|o| -> Result<(String, String)> {
                let rel = o.strip_prefix(out).unwrap_or(o);
                let dest = tmp_path.join(OUTPUTS_DIR).join(rel);
                if let Some(p) = dest.parent() {
                    fs::create_dir_all(p)?;
                }
                fs::copy(o, &dest).with_context(|| format!("归档时无法复制 {}", o.display()))?;
                let sha = digest::sha256_file(&dest)?;
                Ok((rel.to_string_lossy().replace('\\', "/"), sha))
            })
            .collect::<Result<_>>()?;
        for (rel_s, sha) in &out_list {
            sums.push_str(&format!("{sha}  {OUTPUTS_DIR}/{rel_s}\n"));
        }

        let manifest = Manifest {
            period: period.to_string(),
            round,
            as_of,
            files: entries,
            received,
            outputs: out_list,
        };
        atomic::write_json(&tmp_path.join(MANIFEST_FILE), &manifest)?;
        sums.push_str(&own_files_sums(&tmp_path)?);
        atomic::write_text(&tmp_path.join(CHECKSUMS_FILE), &sums)?;

        // Swap into place. On any failure the temporary folder is removed (it is
        // still a TempDir) and a replaced archive is put back.
        let placed = if final_dir.exists() {
            let old = parent.join(format!(".{}-old-{}", period, std::process::id()));
            fs::rename(&final_dir, &old)
                .with_context(|| format!("无法替换旧归档 {}", final_dir.display()))?;
            match fs::rename(&tmp_path, &final_dir) {
                Ok(()) => {
                    fs::remove_dir_all(&old).ok();
                    Ok(())
                }
                Err(e) => {
                    fs::rename(&old, &final_dir).ok();
                    Err(e)
                }
            }
        } else {
            fs::rename(&tmp_path, &final_dir)
        };
        placed.with_context(|| format!("无法写入归档 {}", final_dir.display()))?;
        // Moved away: nothing left for the TempDir to clean up.
        let _ = tmp.keep();
        Ok(final_dir)
    }
}

/// `SHA256SUMS` lines of the archive's own files (results.json,
/// summary.json, manifest.json and what else was put beside them), by
/// name: what roll-ups read is covered by the check too.
fn own_files_sums(dir: &Path) -> Result<String> {
    let mut names: Vec<String> = fs::read_dir(dir)?
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != CHECKSUMS_FILE)
        .collect();
    names.sort();
    let mut out = String::new();
    for n in names {
        let sha = digest::sha256_file(&dir.join(&n))?;
        out.push_str(&format!("{sha}  {n}\n"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_are_joined_component_by_component() {
        let p = join_rel(Path::new("archive"), "U盘/三月/区农业局-3月.xlsx");
        let expected: PathBuf = ["archive", "U盘", "三月", "区农业局-3月.xlsx"]
            .iter()
            .collect();
        assert_eq!(p, expected);
        assert_eq!(p.components().count(), 4);
        assert_eq!(
            join_rel(Path::new("a"), "b.xlsx"),
            Path::new("a").join("b.xlsx")
        );
    }
}
