//! Which visible sheet of a workbook is the form, when several look like one
//! (last month's sheet left beside this month's, a second copy): one is
//! read, the others are listed (`FILE_EXTRA_SHEET`), neither merged nor
//! counted. (Hidden sheets are never forms: ingest leaves them out.)
//!
//! Each sheet's period is what its own `报送期次：…` line, its title or its
//! name says. The form is, in this order:
//! 1. the first sheet (in workbook order) naming the run's period;
//! 2. else the first sheet naming no period (taken to be the run's period,
//!    like any form that names none — the file name or duban's metadata may
//!    still name another period, and then the file is for that one);
//! 3. else the sheet naming the latest period (the file is then rejected as
//!    `FILE_WRONG_PERIOD`, naming that period).

use super::ident::{find_period_in, period_matches, period_on_labelled_line};
use crate::ingest::RawForm;
use crate::period::Period;

/// A sheet that looked like a form and was not read.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct SetAside {
    pub(crate) sheet: String,
    pub(crate) period: Option<Period>,
    pub(crate) rows: usize,
}

/// The period a sheet names on its own (not the file's name or metadata).
pub(super) fn sheet_period(form: &RawForm, year: i32) -> Option<Period> {
    let is_note = |l: &&String| {
        let t = crate::text::trim(l);
        t.contains("说明") || t.starts_with('注') || t.starts_with("备注")
    };
    form.preamble
        .iter()
        .find_map(|l| period_on_labelled_line(l, year))
        .or_else(|| {
            form.preamble
                .iter()
                .filter(|l| !is_note(l))
                .find_map(|l| find_period_in(l, year))
        })
        .or_else(|| find_period_in(&form.sheet, year))
}

/// The form sheet of a workbook (a one-element slice of `forms`, or `forms`
/// itself when there is at most one) and the sheets set aside.
pub(super) fn select(forms: &[RawForm], run: Period, year: i32) -> (&[RawForm], Vec<SetAside>) {
    if forms.len() < 2 {
        return (forms, Vec::new());
    }
    let periods: Vec<Option<Period>> = forms.iter().map(|f| sheet_period(f, year)).collect();
    let chosen = periods
        .iter()
        .position(|p| p.is_some_and(|p| period_matches(p, run)))
        .or_else(|| periods.iter().position(Option::is_none))
        .or_else(|| {
            // The latest period; the first sheet of it on a tie.
            let mut best = 0;
            for (i, p) in periods.iter().enumerate() {
                if p.map(|p| p.start()) > periods[best].map(|p| p.start()) {
                    best = i;
                }
            }
            Some(best)
        })
        .unwrap_or(0);
    let set_aside = forms
        .iter()
        .zip(&periods)
        .enumerate()
        .filter(|(i, _)| *i != chosen)
        .map(|(_, (f, p))| SetAside {
            sheet: f.sheet.clone(),
            period: *p,
            rows: f.rows.len(),
        })
        .collect();
    (std::slice::from_ref(&forms[chosen]), set_aside)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(sheet: &str, preamble: &[&str]) -> RawForm {
        RawForm {
            sheet: sheet.into(),
            preamble: preamble.iter().map(|s| s.to_string()).collect(),
            ..RawForm::default()
        }
    }

    fn chosen(forms: &[RawForm]) -> (String, Vec<String>) {
        let (f, aside) = select(forms, Period::month(2023, 3), 2023);
        assert_eq!(f.len(), 1);
        let aside = aside.into_iter().map(|a| a.sheet).collect();
        (f[0].sheet.clone(), aside)
    }

    #[test]
    fn the_sheet_of_the_run_wins() {
        let feb = form("2月", &["区发改局重点工作推进情况表"]);
        let mar = form("Sheet2", &["填报单位：区发改局　报送期次：2023年3月"]);
        let (c, aside) = chosen(&[feb.clone(), mar.clone()]);
        assert_eq!((c.as_str(), aside), ("Sheet2", vec!["2月".to_string()]));
        // Workbook order does not matter.
        let (c, _) = chosen(&[mar, feb.clone()]);
        assert_eq!(c, "Sheet2");
        // A sheet naming no period beats one naming another period.
        let plain = form("推进表", &["重点工作推进情况表"]);
        let (c, aside) = chosen(&[feb.clone(), plain]);
        assert_eq!((c.as_str(), aside), ("推进表", vec!["2月".to_string()]));
        // Only other periods: the latest one (the file is then the wrong period).
        let jan = form("1月", &[]);
        let (c, _) = chosen(&[jan, feb]);
        assert_eq!(c, "2月");
        // Two sheets naming none: the first.
        let (c, aside) = chosen(&[form("甲", &[]), form("乙", &[])]);
        assert_eq!((c.as_str(), aside), ("甲", vec!["乙".to_string()]));
    }

    #[test]
    fn one_sheet_is_not_selected_among() {
        let one = [form("2月", &[])];
        let (f, aside) = select(&one, Period::month(2023, 3), 2023);
        assert_eq!(f.len(), 1);
        assert!(aside.is_empty());
    }
}
