//! Shared workbook helpers, one file per feature: cell formats and fills
//! ([`format`]), cell values ([`value`]), the sheet writer with CJK-aware
//! column widths and row heights ([`sheet`]) and its streamed mode
//! ([`stream`]), print setup and document properties ([`page`]), atomic save
//! ([`save`]), safe and distinct file names ([`names`]).

pub mod format;
pub mod names;
pub mod page;
#[cfg(test)]
pub(crate) mod print_check;
pub mod save;
pub mod sheet;
pub mod stream;
#[cfg(test)]
pub(crate) mod tests_support;
pub mod value;

pub use format::{card_color, Fill, Formats, Kind};
pub use names::{safe_file_name, UniqueNames};
pub use page::{print_setup, set_properties, Page, Paper};
pub use save::{save_atomic, save_atomic_level, SMALL_ZIP_LEVEL};
pub use sheet::{build_sheet, Sheet, LINE_HEIGHT, MAX_WIDTH, MIN_WIDTH};
pub use value::{clip, text_width, Val, CELL_MAX_CHARS};
