//! Shared workbook helpers, one file per feature: cell formats and fills
//! ([`format`]), cell values ([`value`]), the sheet writer with CJK-aware
//! column widths and row heights ([`sheet`]) and its streamed mode
//! ([`stream`]), print setup and document properties ([`page`]), atomic save
//! ([`save`]), safe and distinct file names ([`names`]).

pub(crate) mod format;
pub(crate) mod names;
pub(crate) mod page;
#[cfg(test)]
pub(crate) mod print_check;
pub(crate) mod save;
pub(crate) mod sheet;
pub(crate) mod stream;
#[cfg(test)]
pub(crate) mod tests_support;
pub(crate) mod value;

pub(crate) use format::{Fill, Formats, Kind};
pub(crate) use names::UniqueNames;
pub(crate) use page::{set_properties, Page};
pub(crate) use save::{save_atomic, save_atomic_level, SMALL_ZIP_LEVEL};
pub(crate) use sheet::{build_sheet, Sheet};
pub(crate) use value::{text_width, Val};
