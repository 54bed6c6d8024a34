//! Stage 5 — report: the consolidated workbook, per-unit notices, forms
//! (交办 and next period's pre-filled), the blank ledger of `duban init`.
//! Every workbook is written to a temporary name and renamed into place.
//! Long sheets and the per-unit sheets are streamed ([`xlsx::build_sheet`]):
//! rows go to a temporary file as they are written, and the workbook is saved
//! without a thread per worksheet.
//!
//! Output layout under the output folder ([`write_all`]):
//!
//! ```text
//! 汇总_<period>.xlsx      summary::write_summary   nine sheets, charts, printable
//! 反馈/<unit>.xlsx        notices::write_notices   units with something to hear
//! 下期表单/<unit>.xlsx    forms::write_next_forms  next period, pre-filled
//! ```
//!
//! `duban forms` uses [`forms::form_specs`] + [`forms::write_forms`]; `duban
//! init` uses [`forms::write_ledger_template`]. Conventions shared by every
//! workbook ([`xlsx`]): percentages are points 0–100 shown as `75.0` under a
//! `(%)` header; dates are real dates formatted `yyyy-mm-dd`; column widths
//! count CJK characters double and are capped (long text wraps); A4
//! landscape, one page wide, header rows repeated, page numbers in the
//! footer; the document creation time is the as-of date, so the same inputs
//! give byte-identical files. No formulas: every figure is a value.

pub mod docx;
#[cfg(test)]
pub(crate) mod fixture;
pub mod forms;
pub mod notices;
pub mod summary;
pub mod xlsx;

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::pipeline::RunResult;

/// Sub-folder of the output folder holding next period's pre-filled forms.
pub const NEXT_FORMS_DIR: &str = "下期表单";

/// The workbooks one run wrote.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Written {
    /// `汇总_<period>.xlsx`.
    pub summary: PathBuf,
    /// `反馈/<unit>.xlsx`.
    pub notices: Vec<PathBuf>,
    /// `下期表单/<unit>.xlsx`.
    pub next_forms: Vec<PathBuf>,
}

/// Write every workbook of a run under `out`: the consolidated workbook, the
/// per-unit notices and next period's pre-filled forms.
pub fn write_all(r: &RunResult, out: &Path) -> Result<Written> {
    let summary = out.join(summary::summary_file_name(r));
    // The summary (one big workbook, saved on one thread) is written while
    // the notices and next forms (many small workbooks) keep the other
    // workers busy. Each file's bytes do not depend on the scheduling; an
    // error is reported in the same order as before (summary first).
    let (summary_done, rest) = rayon::join(
        || {
            let _t = crate::timing::phase("summary workbook");
            summary::write_summary(r, &summary)
        },
        || -> Result<_> {
            let t = crate::timing::phase("notices");
            let notices = notices::write_notices(r, &out.join(notices::NOTICES_DIR))?;
            drop(t);
            let _t = crate::timing::phase("next forms");
            let next_forms = forms::write_next_forms(r, &out.join(NEXT_FORMS_DIR))?;
            Ok((notices, next_forms))
        },
    );
    summary_done?;
    let (notices, next_forms) = rest?;
    Ok(Written {
        summary,
        notices,
        next_forms,
    })
}

#[cfg(test)]
mod dump {
    /// `DUBAN_DUMP=/tmp/x cargo test --lib dump_samples -- --ignored`: write
    /// every kind of workbook from the fixture, to look at them in Excel/WPS.
    #[test]
    fn write_all_lays_out_the_output_folder() {
        let r = super::fixture::fixture();
        let dir = tempfile::tempdir().unwrap();
        let w = super::write_all(&r, dir.path()).unwrap();
        assert_eq!(w.summary, dir.path().join("汇总_2023-03.xlsx"));
        assert!(w.summary.exists());
        assert_eq!(w.notices.len(), 5);
        assert_eq!(w.next_forms.len(), 5);
        assert!(w.notices.iter().chain(&w.next_forms).all(|p| p.exists()));
        assert!(dir.path().join("下期表单/城关镇.xlsx").exists());
        assert!(dir.path().join("反馈/城关镇.xlsx").exists());
    }

    #[test]
    #[ignore]
    fn dump_samples() {
        let dir = std::path::PathBuf::from(
            std::env::var("DUBAN_DUMP").unwrap_or("/tmp/duban-dump".into()),
        );
        let r = super::fixture::fixture();
        super::summary::write_summary(&r, &dir.join(super::summary::summary_file_name(&r)))
            .unwrap();
        super::notices::write_notices(&r, &dir.join(super::notices::NOTICES_DIR)).unwrap();
        super::forms::write_ledger_template(&dir.join("台账模板.xlsx")).unwrap();
        let u = r.ledger.unit("区发改局").unwrap();
        let tasks: Vec<_> = r.ledger.tasks_of(&u.name).collect();
        let spec = super::forms::FormSpec {
            unit: u,
            period: r.period.next(),
            deadlines: tasks
                .iter()
                .filter_map(|t| t.deadline.map(|d| (t.id.clone(), d)))
                .collect(),
            prefill: r.merged.reports.clone(),
            tasks,
            report_deadline: r.report_deadline,
            generated: r.as_of.to_string(),
        };
        super::forms::write_form(&spec, &dir.join("下期表单/区发改局.xlsx")).unwrap();
    }
}
