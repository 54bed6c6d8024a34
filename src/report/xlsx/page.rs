//! Page and document setup shared by every workbook: A4 landscape print
//! setup, and document properties fixed by the run (never the clock).

use chrono::NaiveDate;
use rust_xlsxwriter::{DocProperties, Workbook, Worksheet};

/// Fixed document properties so the same inputs give byte-identical files.
pub fn set_properties(wb: &mut Workbook, title: &str, as_of: NaiveDate) {
    let created = as_of.and_hms_opt(0, 0, 0).unwrap_or_default();
    let props = DocProperties::new()
        .set_title(title)
        .set_author("duban 督办")
        .set_company("督查室")
        .set_creation_datetime(&created);
    wb.set_properties(&props);
}

/// A4, landscape, one page wide, page numbers in the footer.
pub fn print_setup(ws: &mut Worksheet) {
    ws.set_paper_size(9)
        .set_landscape()
        .set_print_fit_to_pages(1, 0)
        .set_print_center_horizontally(true)
        .set_footer("&C第 &P 页，共 &N 页");
}
