//! Page and document setup shared by every workbook: how a sheet prints
//! ([`Page`]: paper, orientation, the columns printed, the smallest text
//! size allowed on paper) and document properties fixed by the run (never
//! the clock).
//!
//! The print rule: printed one page wide, the body text (11 pt) of a sheet
//! must come out at [`Page::min_pt`] or more — 9 pt for the summary and the
//! notices, 10 pt for the forms. A spreadsheet program shrinks a sheet to
//! the page width by the ratio of the printable width to the printed
//! columns' width, so the columns of the print area may be at most
//! [`Page::width_budget`] wide; [`super::Sheet`] narrows the wrapped columns
//! until they are. Column widths are counted the way LibreOffice counts them
//! without the Calibri metrics ([`PT_PER_WIDTH_UNIT`], the widest of the
//! programs we know of); Excel and WPS draw the same columns narrower, and
//! then print at 100%.

use chrono::NaiveDate;
use rust_xlsxwriter::{DocProperties, Workbook, Worksheet, XlsxError};

/// Fixed document properties so the same inputs give byte-identical files.
pub(crate) fn set_properties(wb: &mut Workbook, title: &str, as_of: NaiveDate) {
    let created = as_of.and_hms_opt(0, 0, 0).unwrap_or_default();
    let props = DocProperties::new()
        .set_title(title)
        .set_author("duban 督办")
        .set_company("督查室")
        .set_creation_datetime(&created);
    wb.set_properties(&props);
}

/// Size of the body text of every sheet, in points.
pub(crate) const BODY_PT: f64 = 11.0;

/// Printed width of one unit of column width (one digit of the default
/// font, as a column width is written in the file): LibreOffice draws a
/// width of 10 as about 71 pt when the Calibri metrics are not installed
/// (measured, converting to PDF: 7.04–7.09 pt per unit). Excel with Calibri
/// draws it at 5.25 pt.
pub(crate) const PT_PER_WIDTH_UNIT: f64 = 7.1;

/// What rust_xlsxwriter adds to every column width it writes (the cell padding).
pub(crate) const WIDTH_PADDING: f64 = 0.7109375;

/// Side margins (inches): 9 mm, within what office printers can print.
const SIDE_MARGIN_IN: f64 = 0.35;
/// Top and bottom margins, and the header and footer within them (inches).
const TOP_MARGIN_IN: f64 = 0.6;
const HEADER_IN: f64 = 0.25;

/// Headroom kept below the budget (4%): programs round the fit-to-width
/// scale down to a whole percent, and LibreOffice shrinks a sheet by up to
/// about 2% more when that saves a page (measured: a table just over one
/// page printed at 81.8% instead of 83.6%).
const HEADROOM: f64 = 0.96;

/// Paper sizes, as Excel numbers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Paper {
    A4,
    A3,
}

impl Paper {
    /// Excel's paper size number.
    pub(crate) fn code(self) -> u8 {
        match self {
            Paper::A4 => 9,
            Paper::A3 => 8,
        }
    }

    /// (short side, long side) in points.
    pub(crate) fn size_pt(self) -> (f64, f64) {
        match self {
            Paper::A4 => (595.28, 841.89),
            Paper::A3 => (841.89, 1190.55),
        }
    }
}

/// How a sheet prints.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Page {
    pub(crate) paper: Paper,
    pub(crate) landscape: bool,
    /// The columns `0..n` are printed; `None`: every column written.
    /// Columns to the right of them (provenance, formulas, chart data) stay
    /// in the workbook but off the paper.
    pub(crate) print_cols: Option<u16>,
    /// The smallest size, in points, the body text may print at.
    pub(crate) min_pt: f64,
}

impl Page {
    /// A4 landscape, every column, text at 9 pt or more: the default.
    pub(crate) const SHEET: Page = Page {
        paper: Paper::A4,
        landscape: true,
        print_cols: None,
        min_pt: 9.0,
    };

    /// A3 landscape, for the wide tables a leader reads whole.
    pub(crate) const WIDE: Page = Page {
        paper: Paper::A3,
        ..Page::SHEET
    };

    /// A unit's form: A4 landscape, text at 10 pt or more (it is filled in
    /// and signed on paper).
    pub(crate) const FORM: Page = Page {
        min_pt: 10.0,
        ..Page::SHEET
    };

    /// Only the first `n` columns are printed.
    pub(crate) const fn columns(self, n: u16) -> Page {
        Page {
            print_cols: Some(n),
            ..self
        }
    }

    /// Width of the paper between the side margins, in points.
    pub(crate) fn printable_width_pt(&self) -> f64 {
        let (short, long) = self.paper.size_pt();
        let width = if self.landscape { long } else { short };
        width - 2.0 * SIDE_MARGIN_IN * 72.0
    }

    /// The widest the printed columns may be, in units of column width as
    /// written (padding included), for the body text to print at
    /// [`Page::min_pt`] or more.
    pub(crate) fn width_budget(&self) -> f64 {
        let scale = self.min_pt / BODY_PT;
        self.printable_width_pt() * HEADROOM / scale / PT_PER_WIDTH_UNIT
    }

    /// The scale a program prints at when it fits `widths` (as written,
    /// padding included) to the page width: at most 100%.
    #[cfg(test)]
    pub(crate) fn fit_scale(&self, widths: &[f64]) -> f64 {
        let total: f64 = widths.iter().sum::<f64>() * PT_PER_WIDTH_UNIT;
        (self.printable_width_pt() / total.max(1.0)).min(1.0)
    }

    /// The last printed column, given the number of columns written.
    pub(crate) fn last_col(&self, written: u16) -> u16 {
        self.print_cols.unwrap_or(written).max(1) - 1
    }

    /// Set up `ws` to print: paper, orientation, margins, one page wide,
    /// centred, page numbers in the footer, and the print area when only
    /// some of the `written` columns are printed.
    pub(crate) fn apply(&self, ws: &mut Worksheet, written: u16) -> Result<(), XlsxError> {
        ws.set_paper_size(self.paper.code());
        if self.landscape {
            ws.set_landscape();
        } else {
            ws.set_portrait();
        }
        ws.set_margins(
            SIDE_MARGIN_IN,
            SIDE_MARGIN_IN,
            TOP_MARGIN_IN,
            TOP_MARGIN_IN,
            HEADER_IN,
            HEADER_IN,
        )
        .set_print_fit_to_pages(1, 0)
        .set_print_center_horizontally(true)
        .set_footer("&C第 &P 页，共 &N 页");
        if let Some(n) = self.print_cols.filter(|&n| n > 0 && n < written) {
            ws.set_print_area(0, 0, 1_048_575, n - 1)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_follow_paper_and_text_size() {
        // A4 landscape at 9 pt: about 133 units of column width.
        let a4 = Page::SHEET.width_budget();
        assert!((126.0..133.0).contains(&a4), "{a4}");
        // A3 is √2 wider; a form (10 pt) narrower.
        let a3 = Page::WIDE.width_budget();
        assert!((a3 / a4 - 1190.55 / 841.89).abs() < 0.05, "{a3}");
        assert!(Page::FORM.width_budget() < a4 * 0.91);
        // Columns filling the budget print at the minimum size, never below.
        let widths = vec![a4 / 10.0; 10];
        let pt = Page::SHEET.fit_scale(&widths) * BODY_PT;
        assert!((9.3..9.5).contains(&pt), "{pt}");
        // A narrow sheet prints at 100%.
        assert_eq!(Page::SHEET.fit_scale(&[10.0; 3]), 1.0);
        assert_eq!(Page::SHEET.columns(4).last_col(9), 3);
        assert_eq!(Page::SHEET.last_col(9), 8);
    }
}
