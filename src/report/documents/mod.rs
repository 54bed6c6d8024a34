//! 公文: the Word documents a period calls for, in the GB/T 9704 layout of
//! [`crate::report::docx`], under `<out>/公文/`:
//!
//! ```text
//! 通报_<期次>.docx            the monthly 通报 (bulletin.rs)         always
//! 约谈名单_<期次>.docx        units to be called in (interview_list.rs) when any
//! 督办单_<单位>.docx          督办单 with a 回执 (supervision.rs)     by card, per preset
//! 督办预警通知书_<单位>.docx  (warning.rs)                            by card, per preset
//! 约谈通知_<单位>.docx        (interview.rs)                          by card, per preset
//! 督办提示函_<单位>.docx      (prompt.rs)                             by card, per preset
//! 提醒函_<单位>.docx          (reminder.rs)                           by card, per preset
//! ```
//!
//! Which card calls for which letter, who calls whom in, and every opening,
//! requirement and closing are data ([`wording`], `templates/documents.toml`,
//! overridable by `公文模板.toml` in the working folder). The figures come
//! from a [`Snapshot`] of the run (built from [`crate::report::figures`]),
//! which `duban run` archives so that `duban docs` can write the documents
//! again without the returns. 期号, 文号 and 约谈 counts come from the
//! archived snapshots ([`numbering`]).
//!
//! Adding a document is one file with a `build` function and one entry in
//! [`DOCUMENTS`].
//!
//! The 通报 of a quarter, half-year or year (`通报_2026年第四季度.docx`) is
//! written by `duban rollup` from the roll-up's figures ([`span_bulletin`]).

mod bulletin;
mod common;
mod interview;
mod interview_list;
pub(crate) mod kind;
mod letter;
pub(crate) mod numbering;
mod prompt;
mod reminder;
pub(crate) mod snapshot;
pub(crate) mod span_bulletin;
mod supervision;
mod warning;
pub(crate) mod wording;

#[cfg(test)]
mod tests;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

pub(crate) use kind::DocKind;
pub(crate) use numbering::Numbering;
pub(crate) use snapshot::{Issued, Snapshot, SNAPSHOT_FILE};
pub(crate) use wording::Wording;

use crate::calendar::Calendar;
use crate::config::{Config, Office};
use crate::pipeline::RunResult;
use crate::report::docx::{DocumentStyle, DocxBuilder};
use crate::report::xlsx::names::safe_file_name;
use crate::store::layout::RoundPlan;

/// Sub-folder of the output folder holding the documents.
pub(crate) const DOCUMENTS_DIR: &str = "公文";

/// Everything a document is built from.
pub(crate) struct Ctx<'a> {
    pub(crate) snap: &'a Snapshot,
    pub(crate) wording: &'a Wording,
    pub(crate) office: &'a Office,
    pub(crate) style: &'a DocumentStyle,
    pub(crate) calendar: &'a Calendar,
    /// 成文日期.
    pub(crate) issue_date: NaiveDate,
    pub(crate) numbering: &'a Numbering,
}

/// One document to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Planned {
    pub(crate) kind: DocKind,
    /// The unit a letter goes to (None: office-wide).
    pub(crate) unit: Option<String>,
    /// 文号 serial (letters).
    pub(crate) number: Option<u32>,
    /// Path relative to the output folder, `/`-separated.
    pub(crate) path: String,
}

/// A document as the JSON summary lists it (`documents[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub(crate) struct DocumentEntry {
    /// Relative to `--out`.
    pub(crate) path: String,
    pub(crate) kind: DocKind,
    /// The unit a letter goes to; null for office-wide documents.
    pub(crate) unit: Option<String>,
}

type Build = fn(&Ctx, &Planned) -> Result<DocxBuilder>;

/// When an office-wide document is written.
type Wanted = fn(&Ctx) -> bool;

/// A kind of document and how it is written.
struct DocumentDef {
    kind: DocKind,
    /// Office-wide: whether it is written this period. Letters go to the
    /// units whose card calls for them (the preset's rules).
    wanted: Option<Wanted>,
    build: Build,
}

/// Every document, in the order they are listed and numbered.
const DOCUMENTS: [DocumentDef; 7] = [
    DocumentDef {
        kind: DocKind::Bulletin,
        wanted: Some(|_| true),
        build: bulletin::build,
    },
    DocumentDef {
        kind: DocKind::InterviewList,
        wanted: Some(interview_list::wanted),
        build: interview_list::build,
    },
    DocumentDef {
        kind: DocKind::Supervision,
        wanted: None,
        build: supervision::build,
    },
    DocumentDef {
        kind: DocKind::Warning,
        wanted: None,
        build: warning::build,
    },
    DocumentDef {
        kind: DocKind::Interview,
        wanted: None,
        build: interview::build,
    },
    DocumentDef {
        kind: DocKind::Prompt,
        wanted: None,
        build: prompt::build,
    },
    DocumentDef {
        kind: DocKind::Reminder,
        wanted: None,
        build: reminder::build,
    },
];

fn def(kind: DocKind) -> &'static DocumentDef {
    DOCUMENTS
        .iter()
        .find(|d| d.kind == kind)
        .unwrap_or_else(|| unreachable!("{kind} is listed in DOCUMENTS"))
}

/// The documents of the period: office-wide ones, then each letter kind
/// to each unit whose card calls for it, numbered in that order.
pub(crate) fn plan(ctx: &Ctx) -> Vec<Planned> {
    let rules = ctx.wording.rules(ctx.snap.preset);
    let period = ctx.snap.period.label();
    let mut used = BTreeSet::new();
    let mut path = |stem: String| {
        let base = safe_file_name(&stem);
        let mut name = base.clone();
        let mut k = 2;
        while !used.insert(name.to_lowercase()) {
            name = format!("{base}_{k}");
            k += 1;
        }
        format!("{DOCUMENTS_DIR}/{name}.docx")
    };
    let mut out = Vec::new();
    let mut number = ctx.numbering.letter_numbers();
    for d in &DOCUMENTS {
        match d.wanted {
            Some(wanted) => {
                if wanted(ctx) {
                    out.push(Planned {
                        kind: d.kind,
                        unit: None,
                        number: None,
                        path: path(format!("{}_{period}", d.kind)),
                    });
                }
            }
            None => {
                for l in &ctx.snap.letters {
                    if rules.letters_for(l.card).contains(&d.kind) {
                        out.push(Planned {
                            kind: d.kind,
                            unit: Some(l.unit.clone()),
                            number: Some(number(d.kind, &l.unit)),
                            path: path(format!("{}_{}", d.kind, l.unit)),
                        });
                    }
                }
            }
        }
    }
    out
}

/// Write the planned documents under `out` (the `公文/` folder emptied of
/// earlier .docx files first); returns the files written.
pub(crate) fn write(ctx: &Ctx, planned: &[Planned], out: &Path) -> Result<Vec<PathBuf>> {
    let dir = out.join(DOCUMENTS_DIR);
    clear_docx(&dir)?;
    planned
        .par_iter()
        .map(|p| {
            let path = p.path.split('/').fold(out.to_path_buf(), |a, c| a.join(c));
            (def(p.kind).build)(ctx, p)
                .and_then(|doc| doc.write(&path))
                .with_context(|| format!("生成{} {} 失败", p.kind, path.display()))?;
            Ok(path)
        })
        .collect()
}

/// Remove the documents an earlier run left in `dir` (not the 通报 of a
/// quarter, half-year or year that `duban rollup` wrote there).
fn clear_docx(dir: &Path) -> Result<()> {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            let span_bulletin = p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(span_bulletin::is_span_bulletin);
            if p.extension().is_some_and(|x| x == "docx") && p.is_file() && !span_bulletin {
                std::fs::remove_file(&p).with_context(|| {
                    format!("无法删除旧文件 {}（是否正被 Word/WPS 打开？）", p.display())
                })?;
            }
        }
    }
    Ok(())
}

/// A period's documents, ready to write: the snapshot, the wording, the
/// numbers and the plan.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    /// With `issued` filled in from the plan.
    pub(crate) snapshot: Snapshot,
    pub(crate) wording: Wording,
    pub(crate) numbering: Numbering,
    pub(crate) issue_date: NaiveDate,
    pub(crate) plan: Vec<Planned>,
    /// Earlier snapshots that could not be read.
    pub(crate) warnings: Vec<String>,
}

impl Prepared {
    /// The documents of a run (`duban run`) archiving the round `plan`
    /// names, issued on the config's issue date, numbered from what the
    /// archive holds ([`numbering`]: a round run again keeps its numbers).
    pub(crate) fn of_run(r: &RunResult, plan: &RoundPlan) -> Result<Prepared> {
        let issue_date = r.config.issued_on(&r.period);
        let snapshot = Snapshot::of(r, issue_date);
        Prepared::new(snapshot, &r.config, &plan.archive, issue_date)
    }

    /// The documents of a snapshot (`duban docs`: an archived one), with
    /// the working folder's current wording and `config`, numbered from
    /// what `archive` holds (the snapshot's own letters keep their numbers).
    pub(crate) fn new(
        snapshot: Snapshot,
        config: &Config,
        archive: &Path,
        issue_date: NaiveDate,
    ) -> Result<Prepared> {
        let wording = Wording::load(&config.base_dir)?;
        let (numbering, warnings) = numbering::numbering(
            archive,
            snapshot.period,
            snapshot.round,
            issue_date,
            &wording,
        );
        let mut p = Prepared {
            snapshot,
            wording,
            numbering,
            issue_date,
            plan: Vec::new(),
            warnings,
        };
        let calendar = config.calendar();
        p.plan = plan(&p.ctx(config, &calendar));
        p.snapshot.issued = p
            .plan
            .iter()
            .map(|d| Issued {
                kind: d.kind,
                unit: d.unit.clone(),
                number: d.number,
            })
            .collect();
        Ok(p)
    }

    fn ctx<'a>(&'a self, config: &'a Config, calendar: &'a Calendar) -> Ctx<'a> {
        Ctx {
            snap: &self.snapshot,
            wording: &self.wording,
            office: &config.office,
            style: &config.documents,
            calendar,
            issue_date: self.issue_date,
            numbering: &self.numbering,
        }
    }

    /// The JSON summary's `documents[]`.
    pub(crate) fn entries(&self) -> Vec<DocumentEntry> {
        self.plan
            .iter()
            .map(|p| DocumentEntry {
                path: p.path.clone(),
                kind: p.kind,
                unit: p.unit.clone(),
            })
            .collect()
    }

    /// Write every document under `out/公文/`; returns the files written.
    pub(crate) fn write(&self, config: &Config, out: &Path) -> Result<Vec<PathBuf>> {
        let calendar = config.calendar();
        write(&self.ctx(config, &calendar), &self.plan, out)
    }
}
