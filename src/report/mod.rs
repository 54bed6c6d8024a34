//! Stage 5 — report: the consolidated workbook, per-unit notices, forms
//! (交办 and next period's pre-filled), the blank ledger of `duban init`.
//! Every workbook is written to a temporary name and renamed into place.

#[cfg(test)]
pub(crate) mod fixture;
pub mod forms;
pub mod notices;
pub mod summary;
pub mod xlsx;
