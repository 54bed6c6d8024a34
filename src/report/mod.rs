//! Stage 5 — report: the consolidated workbook, per-unit notices, forms
//! (交办 and next period's pre-filled), the blank ledger of `duban init`.
//!
//! Every number an output shows is computed once, in [`figures`] (pure, no
//! workbook types): the workbook's sheets ([`sheets`], one file each, listed
//! in [`sheets::SHEETS`]) and the notices format those figures; so will the
//! Word documents. Every workbook is written to a temporary name and renamed
//! into place. Long sheets and the per-unit sheets are streamed
//! ([`xlsx::build_sheet`]): rows go to a temporary file as they are written,
//! and the workbook is saved without a thread per worksheet.
//!
//! Output layout under the output folder ([`write_all`]):
//!
//! ```text
//! 汇总_<period>.xlsx      sheets::write_summary    nine sheets, charts, printable
//! 反馈/<unit>.xlsx        notices::write_notices   units with something to hear
//! 下期表单/<unit>.xlsx    forms::write_next_forms  next period, pre-filled
//! ```
//!
//! `duban forms` uses [`forms::form_specs`] + [`forms::write_form_set`]; `duban
//! init` uses [`forms::write_ledger_template`]. Conventions shared by every
//! workbook ([`xlsx`]): percentages are points 0–100 shown as `75.0` under a
//! `(%)` header; dates are real dates formatted `yyyy-mm-dd`; column widths
//! count CJK characters double and are capped (long text wraps); A4
//! landscape, one page wide, header rows repeated, page numbers in the
//! footer; the document creation time is the as-of date, so the same inputs
//! give byte-identical files. No formulas: every figure is a value.

pub(crate) mod documents;
pub(crate) mod docx;
pub(crate) mod figures;
#[cfg(test)]
pub(crate) mod fixture;
pub(crate) mod forms;
pub(crate) mod notices;
pub(crate) mod rollup;
pub(crate) mod sheets;
pub(crate) mod xlsx;

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::pipeline::RunResult;

/// Sub-folder of the output folder holding next period's pre-filled forms.
pub(crate) const NEXT_FORMS_DIR: &str = "下期表单";

/// The workbooks one run wrote.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Written {
    /// `汇总_<period>.xlsx`.
    pub(crate) summary: PathBuf,
    /// `反馈/<unit>.xlsx`.
    pub(crate) notices: Vec<PathBuf>,
    /// `下期表单/<unit>.xlsx`.
    pub(crate) next_forms: Vec<PathBuf>,
}

/// Write every workbook of a run under `out`: the consolidated workbook, the
/// per-unit notices and next period's pre-filled forms.
pub(crate) fn write_all(r: &RunResult, out: &Path) -> Result<Written> {
    let summary = out.join(sheets::summary_file_name(r));
    let t = crate::timing::phase("figures");
    let figures = figures::Figures::of(r);
    drop(t);
    // The summary (one big workbook, saved on one thread) is written while
    // the notices and next forms (many small workbooks) keep the other
    // workers busy. Each file's bytes do not depend on the scheduling; an
    // error is reported in the same order as before (summary first).
    let (summary_done, rest) = rayon::join(
        || {
            let _t = crate::timing::phase("summary workbook");
            sheets::write_summary(r, &figures, &summary)
        },
        || -> Result<_> {
            let t = crate::timing::phase("notices");
            let notices = notices::write_notices(r, &figures, &out.join(notices::NOTICES_DIR))?;
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
        let figures = super::figures::Figures::of(&r);
        let notices = &figures.notices;
        assert_eq!(w.notices.len(), notices.len());
        let next = r.period.next();
        // Tasks closed (销号) this period are on no form.
        let window = next.end() + chrono::Duration::days(7);
        let due_next = |u: &crate::model::Unit| {
            r.scored
                .tasks
                .iter()
                .filter(|t| t.unit == u.name.as_str() && !t.closed())
                .any(|t| {
                    next.is_due(t.stars) || (!t.done && t.deadline.is_some_and(|d| d <= window))
                })
        };
        let with_forms: Vec<_> = r.ledger.units.iter().filter(|u| due_next(u)).collect();
        assert_eq!(w.next_forms.len(), with_forms.len());
        assert!(w.notices.iter().chain(&w.next_forms).all(|p| p.exists()));
        let unit = &with_forms[0].name;
        assert!(dir.path().join(format!("下期表单/{unit}.xlsx")).exists());
        let unit = notices[0].unit;
        assert!(dir.path().join(format!("反馈/{unit}.xlsx")).exists());
    }

    #[test]
    #[ignore]
    fn dump_samples() {
        let dir = std::path::PathBuf::from(
            std::env::var("DUBAN_DUMP").unwrap_or("/tmp/duban-dump".into()),
        );
        let r = super::fixture::fixture();
        let figures = super::figures::Figures::of(&r);
        let path = dir.join(super::sheets::summary_file_name(&r));
        super::sheets::write_summary(&r, &figures, &path).unwrap();
        super::notices::write_notices(&r, &figures, &dir.join(super::notices::NOTICES_DIR))
            .unwrap();
        super::forms::write_ledger_template(&dir.join("台账模板.xlsx")).unwrap();
        let u = &r.ledger.units[0];
        let tasks: Vec<_> = r.ledger.tasks_of(&u.name).collect();
        let spec = super::forms::FormSpec {
            unit: u,
            period: r.period.next(),
            deadlines: tasks
                .iter()
                .filter_map(|t| t.deadline.map(|d| (t.id.to_string(), d)))
                .collect(),
            prefill: r.merged.reports.clone(),
            tasks,
            report_deadline: r.report_deadline,
            generated: r.as_of.to_string(),
            prefilled_from: String::new(),
        };
        let path = dir.join("下期表单").join(format!("{}.xlsx", u.name));
        super::forms::write_form(&spec, &path).unwrap();
    }
}
