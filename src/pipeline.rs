//! The whole run: ledger + returns → checked, merged, scored results.
//!
//! This is the only place the pure stages are wired together; I/O happens
//! before (ledger, returns, history) and after (report writers, archive).

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::config::{Config, Preset};
use crate::due::DueRule;
use crate::ingest::{self, Ingested};
use crate::merge::{self, EarlierRounds, MergeCtx, Merged};
use crate::model::{Issue, IssueCode, Ledger};
use crate::period::Period;
use crate::score::{self, ScoreInput, Scored};
use crate::source::{self, Received};
use crate::store::history::{ArchivedFile, ArchivedFiles, History};
use crate::validate::{self, CheckedFile, ValidateCtx};

/// Everything a run computed; what the report writers and the JSON summary read.
#[derive(Debug, Clone)]
pub(crate) struct RunResult {
    pub(crate) period: Period,
    pub(crate) as_of: NaiveDate,
    pub(crate) report_deadline: NaiveDate,
    pub(crate) preset: Preset,
    pub(crate) config: Config,
    pub(crate) ledger: Ledger,
    /// File name of the ledger.
    pub(crate) ledger_file: String,
    /// Problems found in the ledger itself.
    pub(crate) ledger_issues: Vec<Issue>,
    pub(crate) merged: Merged,
    pub(crate) scored: Scored,
    /// Earlier periods found in the archive.
    pub(crate) history_periods: Vec<Period>,
    /// Resubmission round of this run (1 for the period's first run; 补报 rounds after).
    pub(crate) round: u32,
    /// The earlier period compared against (the most recent archived one)
    /// and its latest round; None when nothing earlier is archived, so that
    /// 谎报进度, 连续亮牌 and rank changes could not be compared.
    pub(crate) previous: Option<(Period, u32)>,
    /// Every file of the returns folder as received (what the archive
    /// copies), sorted by path; `merged.files` lists the inputs they held.
    pub(crate) received: Vec<Received>,
}

impl RunResult {
    /// The period as titles and messages name it: `2026年11月`, or
    /// `2026年11月（第2轮）` for a resubmission round.
    pub(crate) fn period_title(&self) -> String {
        match self.round {
            0 | 1 => self.period.label(),
            n => format!("{}（第{n}轮）", self.period.label()),
        }
    }
}

/// A received file and its inputs, checked.
type ReadFile = (Received, Vec<CheckedFile>);

/// Fully resolved inputs of a run: the command line's settings (the CLI
/// builds them from its `Settings`) and the earlier periods' results.
#[derive(Debug, Clone)]
pub(crate) struct RunInputs {
    pub(crate) ledger: PathBuf,
    pub(crate) returns: PathBuf,
    pub(crate) period: Period,
    pub(crate) as_of: NaiveDate,
    pub(crate) report_deadline: NaiveDate,
    pub(crate) config: Config,
    pub(crate) history: History,
    /// Resubmission round the run archives as (1 for the first).
    pub(crate) round: u32,
    /// Files earlier periods archived, by SHA-256: such a return is listed
    /// as already archived (`FILE_ALREADY_ARCHIVED`), not read.
    pub(crate) archived: ArchivedFiles,
    /// Files the earlier rounds of this period received, by SHA-256: in a
    /// 补报 round a unit's newer form supersedes them.
    pub(crate) earlier_rounds: EarlierRounds,
}

/// Progress callbacks (a progress bar in the CLI; nothing in tests).
pub(crate) trait Progress: Sync {
    fn start(&self, _files: usize) {}
    fn file_done(&self) {}
    fn finish(&self) {}
}

/// No progress display.
#[cfg(test)]
pub(crate) struct NoProgress;
#[cfg(test)]
impl Progress for NoProgress {}

/// Most rows read ahead (unchecked, waiting for the ledger) while the ledger
/// is read: about a kilobyte each, so a city-sized ledger does not make the
/// whole batch wait in memory.
const MAX_EARLY_ROWS: usize = 100_000;

/// Read the ledger and every return, check, merge and score.
pub(crate) fn execute(inputs: &RunInputs, progress: &dyn Progress) -> Result<RunResult> {
    let limits = &inputs.config.limits;
    if !inputs.ledger.is_file() {
        bail!(
            "找不到台账文件 {}：请用 --ledger 指定重点工作台账（.xlsx），或运行 duban init 生成模板",
            inputs.ledger.display()
        );
    }
    if !inputs.returns.is_dir() {
        bail!(
            "找不到反馈表文件夹 {}：请用 --returns 指定存放各单位反馈表的文件夹",
            inputs.returns.display()
        );
    }
    // The ledger is read on its own thread while this one starts reading the
    // returns (reading a form needs nothing from the ledger; checking it
    // does). The files read meanwhile wait, unchecked, for the ledger.
    let t = crate::timing::phase("ledger (+ first returns)");
    let files = source::discover(&inputs.returns);
    let ledger_done = AtomicBool::new(false);
    let (ledger_read, early) = std::thread::scope(|scope| {
        let reader = scope.spawn(|| {
            let r = ingest::read_ledger(&inputs.ledger, limits);
            ledger_done.store(true, Ordering::Release);
            r
        });
        let mut early: Vec<(Received, Vec<Ingested>)> = Vec::new();
        let mut early_rows = 0usize;
        // With one thread asked for (`--threads 1`), nothing is read alongside.
        let read_ahead = rayon::current_num_threads() > 1;
        if let Ok(files) = &files {
            progress.start(files.len());
            for p in files.iter().filter(|_| read_ahead) {
                if ledger_done.load(Ordering::Acquire) || early_rows >= MAX_EARLY_ROWS {
                    break;
                }
                let mut read = Vec::new();
                let received = source::read(p, &inputs.returns, limits, &mut |input| {
                    read.push(ingest::ingest_input(input, limits));
                });
                early_rows += read.iter().map(Ingested::rows).sum::<usize>();
                early.push((received, read));
                progress.file_done();
            }
        }
        let ledger = reader
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (ledger, early)
    });
    let (mut ledger, ledger_issues) =
        ledger_read.with_context(|| format!("读取台账 {} 失败", inputs.ledger.display()))?;
    // Tasks closed (销号) before this period: by earlier reports or by hand.
    ledger.set_closures(crate::closing::closures(
        &ledger,
        &inputs.history,
        inputs.period,
    ));
    let files = files.with_context(|| format!("无法列出文件夹 {}", inputs.returns.display()))?;

    drop(t);
    let t = crate::timing::phase("read+check returns");
    let calendar = inputs.config.calendar();
    let vctx = ValidateCtx {
        ledger: &ledger,
        period: inputs.period,
        as_of: inputs.as_of,
        calendar: &calendar,
        near_deadline_days: inputs.config.near_deadline_days,
        history: &inputs.history,
    };
    let (received, checked) = check_returns(early, &files, inputs, &vctx, progress);

    drop(t);
    let t = crate::timing::phase("merge");
    let expected = DueRule {
        period: inputs.period,
        as_of: inputs.as_of,
        calendar: &calendar,
        near_deadline_days: inputs.config.near_deadline_days,
    }
    .expected_after(&ledger, &inputs.history);
    let merged = merge::merge(
        checked,
        &MergeCtx {
            ledger: &ledger,
            period: inputs.period,
            expected: &expected,
            report_deadline: inputs.report_deadline,
            late_by_file_time: inputs.config.late_by_file_time,
            round: inputs.round,
            earlier_rounds: &inputs.earlier_rounds,
        },
    );
    drop(t);
    let _t = crate::timing::phase("score");
    let scored = score::score(&ScoreInput {
        ledger: &ledger,
        period: inputs.period,
        as_of: inputs.as_of,
        config: &inputs.config,
        calendar: &calendar,
        expected: &expected,
        merged: &merged,
        history: &inputs.history,
    });
    trim_heap();

    Ok(RunResult {
        period: inputs.period,
        as_of: inputs.as_of,
        report_deadline: inputs.report_deadline,
        preset: inputs.config.preset,
        ledger_file: inputs
            .ledger
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        config: inputs.config.clone(),
        ledger,
        ledger_issues,
        merged,
        scored,
        history_periods: inputs.history.periods.iter().map(|p| p.period).collect(),
        round: inputs.round,
        previous: inputs.history.previous(),
        received,
    })
}

/// Check the returns read early (`early`, the first of `files`) and read
/// and check the others: each received file with its checked inputs, both
/// sorted by path whatever order the workers finished in. Each later file
/// is checked as soon as it is read, on the same worker, so the raw cells
/// of only a few files are alive at a time (a zip's members one after
/// another).
fn check_returns(
    early: Vec<(Received, Vec<Ingested>)>,
    files: &[PathBuf],
    inputs: &RunInputs,
    vctx: &ValidateCtx,
    progress: &dyn Progress,
) -> (Vec<Received>, Vec<CheckedFile>) {
    let limits = &inputs.config.limits;
    let read_early = early.len();
    let (first, rest): (Vec<ReadFile>, Vec<ReadFile>) = rayon::join(
        || {
            early
                .into_par_iter()
                .map(|(received, read)| {
                    let checked = read
                        .into_iter()
                        .map(|ing| {
                            validate::validate_file(&not_archived(ing, &inputs.archived), vctx)
                        })
                        .collect();
                    (received, checked)
                })
                .collect()
        },
        || {
            files[read_early..]
                .par_iter()
                .map(|p| {
                    let mut checked = Vec::new();
                    let received = source::read(p, &inputs.returns, limits, &mut |input| {
                        let ingested = ingest::ingest_input(input, limits);
                        let ingested = not_archived(ingested, &inputs.archived);
                        checked.push(validate::validate_file(&ingested, vctx));
                    });
                    progress.file_done();
                    (received, checked)
                })
                .collect()
        },
    );
    progress.finish();
    let mut received = Vec::with_capacity(files.len());
    let mut checked = Vec::with_capacity(files.len());
    for (r, c) in first.into_iter().chain(rest) {
        received.push(r);
        checked.extend(c);
    }
    trim_heap();
    received.sort_by(|a, b| a.path.cmp(&b.path));
    checked.sort_by(|a, b| a.file.rel.cmp(&b.file.rel));
    (received, checked)
}

/// A file whose bytes an earlier period archived is that period's return
/// (left in the returns folder, or sent again): listed, never read as this
/// period's and not charged to its unit.
fn not_archived(ing: Ingested, archived: &ArchivedFiles) -> Ingested {
    // A zip member refused unread has no hash: it matches nothing.
    if ing.file().sha256.is_empty() {
        return ing;
    }
    let Some(before) = archived.get(&ing.file().sha256) else {
        return ing;
    };
    let file = match ing {
        Ingested::Forms { file, .. }
        | Ingested::Failed { file, .. }
        | Ingested::Ignored { file, .. } => file,
    };
    let issue = Issue::warning(IssueCode::FileAlreadyArchived, already_archived(before))
        .file(file.rel.clone());
    Ingested::Ignored { file, issue }
}

/// The message of `FILE_ALREADY_ARCHIVED`.
fn already_archived(before: &ArchivedFile) -> String {
    let round = match before.round {
        0 | 1 => String::new(),
        n => format!("第{n}轮"),
    };
    let unit = before
        .unit
        .as_deref()
        .map(|u| format!("（{u}）"))
        .unwrap_or_default();
    format!(
        "该文件与{}{round}已归档的“{}”{unit}完全相同（SHA-256 一致），是往期报表，本期未读取，也不计入该单位本期报送。本期反馈表请放在本期的 returns 文件夹中。",
        before.period.label(),
        before.path
    )
}

/// Hand the heap's free pages back to the system between phases: the
/// returns' raw cells are freed once checked, the checked rows once merged,
/// and without this the resident size keeps their high-water mark (more so
/// when the threads' timing spreads them over both malloc arenas). glibc
/// only; other allocators return memory on their own terms.
fn trim_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}
