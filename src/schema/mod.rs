//! What the sheets duban reads are made of: the typed columns of the returned
//! form and of the master ledger's sheets, and the values shared by every
//! stage that name them.
//!
//! Column names and aliases live in `templates/columns.toml` as data; the
//! code names a column only through these enums, so a column the file does
//! not define cannot be asked for (see [`crate::templates`]).

pub(crate) mod a1;
mod columns;
pub(crate) mod example;
mod fields;
mod ids;

pub(crate) use columns::{ColumnDef, Columns};
pub(crate) use fields::{
    EvaluationField, Field, FormField, LedgerField, MilestoneField, UnitField,
};
pub(crate) use ids::{TaskId, UnitName};

/// The category of a unit whose category is blank (and of every unit when
/// the ledger has no 单位 sheet): such units are ranked together.
pub(crate) const NO_CATEGORY: &str = "未分类";
