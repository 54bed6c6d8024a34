//! Roll-ups across periods (`duban rollup SPAN`): a quarter, half-year or
//! year added up from the archive alone — never from the returns.
//!
//! * [`span`] — what a span is and how it is written (`2026-Q4`, `2026-H2`,
//!   `2026`, `2026年第四季度` …), its months and the span before it;
//! * [`read`] — which archived periods the span uses (the latest round of
//!   each; months first, other kinds where they do not overlap) and which of
//!   its months were never archived, after [`verify`] checked each round's
//!   `SHA256SUMS`;
//! * [`figures`] — per unit, task and leader across the periods;
//! * [`annual`] — the year's 年度考评;
//! * [`model`] — the result, [`Rollup`], which the terminal, the JSON
//!   ([`json`]), and the span's workbook and 通报 are all written from.
//!
//! Build one with [`build`]; the outputs written from it are listed by
//! [`write_outputs`].

pub mod annual;
pub mod figures;
pub mod json;
pub mod model;
pub mod read;
pub mod span;
pub mod verify;

use std::path::{Path, PathBuf};

use anyhow::Result;

pub use model::*;
pub use read::SpanArchive;
pub use span::{Span, SpanKind};

use crate::config::Config;
use crate::model::Evaluation;
use crate::report::documents::{span_bulletin, DocumentEntry, Wording};

/// What a roll-up is built from besides the archive.
pub struct Inputs<'a> {
    /// The archive folder.
    pub archive: &'a Path,
    /// The working folder's settings: `[annual]`, `[score]` evaluation
    /// weights, and the preset assumed for snapshots that did not record one.
    pub config: &'a Config,
    /// The 公文 wording: which cards call for 约谈 under each preset.
    pub wording: &'a Wording,
    /// The 评价 sheet's evaluations (None: no 评价 sheet, nothing blended)
    /// and where they came from.
    pub evaluations: Option<(&'a [Evaluation], String)>,
    /// Check every round against its `SHA256SUMS` first (false: `--no-verify`).
    pub verify: bool,
}

/// The roll-up of `span`, compared with the previous span of the same
/// kind when any of it is archived. Fails when nothing of the span is
/// archived, or a round does not match its checksums (with `verify`) or
/// cannot be read.
pub fn build(span: Span, inputs: &Inputs) -> Result<Rollup> {
    let prev_span = span.prev();
    let prev_read = read::read_span(inputs.archive, &prev_span, inputs.verify)?;
    let previous = if prev_read.used.is_empty() {
        None
    } else {
        // Last year's 评价 is not in this year's ledger: last year's annual
        // scores are worked out without one.
        Some(one_span(prev_span, prev_read, inputs, None, None))
    };
    let read = read::read_span(inputs.archive, &span, inputs.verify)?;
    if read.used.is_empty() {
        anyhow::bail!(
            "归档文件夹 {} 中没有{}（{} 至 {}）的任何期次：请先用 duban run 汇总各期，或用 --archive 指定归档文件夹",
            inputs.archive.display(),
            span.label(),
            span.start(),
            span.end()
        );
    }
    let evaluations = inputs.evaluations.as_ref().map(|(e, _)| *e);
    let mut r = one_span(span, read, inputs, evaluations, previous.as_ref());
    if span.is_year() {
        let from = inputs.evaluations.as_ref().map(|(_, f)| f.clone());
        if from.is_none() {
            r.notes
                .push("没有可用的评价表，年度得分不计评价".to_string());
        }
        if previous.is_some() {
            r.notes.push(format!(
                "连续两年后三位：{} 的年度得分按归档计算，不计评价",
                prev_span.label()
            ));
        }
        r.annual_rules = Some(annual::rules(&inputs.config.annual, from));
    }
    Ok(r)
}

/// One span's figures from its periods.
fn one_span(
    span: Span,
    read: SpanArchive,
    inputs: &Inputs,
    evaluations: Option<&[Evaluation]>,
    previous: Option<&Rollup>,
) -> Rollup {
    let config = inputs.config;
    let mut units = figures::units(&read.used, inputs.wording, config.preset);
    if span.is_year() {
        annual::apply(
            &mut units,
            &config.annual,
            &config.score,
            evaluations,
            previous,
        );
    }
    figures::rank_units(&mut units, previous, &span);
    figures::sort_units(&mut units);
    Rollup {
        span,
        periods_used: figures::periods_used(&read),
        periods_missing: read.missing.clone(),
        verified: inputs.verify,
        notes: read.notes.clone(),
        previous: previous.map(|p| p.span),
        tasks: figures::tasks(&read.used),
        leaders: figures::leaders(&read.used),
        units,
        annual_rules: None,
    }
}

/// The 评价 sheet of the ledger at `path`, if it can be read and has one:
/// the evaluations and the path they came from; otherwise a note why not.
pub fn evaluations_of(path: &Path, config: &Config) -> Result<(Vec<Evaluation>, String), String> {
    match crate::ingest::read_ledger(path, &config.limits) {
        Ok((ledger, _)) if !ledger.evaluations.is_empty() => {
            Ok((ledger.evaluations, path.display().to_string()))
        }
        Ok(_) => Err(format!(
            "台账 {} 没有评价表（或评价表为空）",
            path.display()
        )),
        Err(e) => Err(format!("台账 {} 无法读取（{e:#}）", path.display())),
    }
}

/// Write the span's files into `out` and return their paths. The 晒单
/// workbook (`晒单_<span>.xlsx`) and the span's 通报 are written here from
/// the same [`Rollup`] (the JSON is written by the command itself); the
/// 通报 takes the office, the wording and the issue date from `inputs`.
pub fn write_outputs(rollup: &Rollup, inputs: &Inputs, out: &Path) -> Result<Vec<PathBuf>> {
    let written = vec![
        crate::report::rollup::write_workbook(rollup, out)?,
        span_bulletin::write(rollup, inputs, out)?,
    ];
    Ok(written)
}

/// The documents [`write_outputs`] writes, as the JSON lists them.
pub fn documents(rollup: &Rollup) -> Vec<DocumentEntry> {
    vec![span_bulletin::entry(&rollup.span)]
}
