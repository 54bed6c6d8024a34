//! Stage 1 — ingest: find the returned files, sniff their real format, read
//! their cells (any of xlsx/xlsm/xls/xlsb/ods/csv), locate the header row and
//! hand typed-but-unchecked rows to `validate`. Also reads the master ledger.
//!
//! Nothing here panics on a bad file: every parse runs under `catch_unwind`
//! and any failure becomes a file-level [`Issue`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::config::Limits;
use crate::model::{Issue, Ledger};
use crate::value::CellValue;

/// Name of the (very hidden) sheet in which `duban forms` stores the form's identity.
pub const META_SHEET: &str = "_duban";
/// Keys of the metadata sheet: column A holds the key, column B the value.
pub const META_KEYS: [&str; 4] = ["unit", "period", "version", "generated"];
/// Version written into forms by this build.
pub const FORM_VERSION: &str = "duban-form-1";

/// The real format of a file, from its first bytes (never from its extension).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileFormat {
    Xlsx,
    Xlsm,
    Xls,
    Xlsb,
    Ods,
    Csv,
    /// A web page saved as .xls.
    Html,
    /// OLE container holding an `EncryptedPackage` (password-protected xlsx).
    Encrypted,
    Other,
}

/// A file found in the returns folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceFile {
    pub abs: PathBuf,
    /// Path relative to the returns folder, `/`-separated.
    pub rel: String,
    pub size: u64,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
    /// File modification time (local), if known.
    pub modified: Option<NaiveDateTime>,
    pub format: FileFormat,
}

/// A cell as read, with where a merged-area fill came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RawCell {
    /// 0-based column.
    pub col: u32,
    pub value: CellValue,
    /// Some((row, col)) (0-based) when this value was copied down/across from
    /// the top-left cell of a merged area.
    pub merged_from: Option<(u32, u32)>,
}

/// A data row of a form: every matched column's cell, by column key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RawRow {
    /// 0-based sheet row.
    pub row: u32,
    /// Matched columns (key from templates/columns.toml → cell).
    pub cells: BTreeMap<String, RawCell>,
    /// Every non-empty cell of the row as (header text, original value), in
    /// column order — what 退回明细 shows.
    pub original: Vec<(String, String)>,
}

impl RawRow {
    pub fn get(&self, key: &str) -> Option<&RawCell> {
        self.cells.get(key)
    }
    pub fn value(&self, key: &str) -> &CellValue {
        static EMPTY: CellValue = CellValue::Empty;
        self.cells.get(key).map(|c| &c.value).unwrap_or(&EMPTY)
    }
}

/// A header column matched to a column definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchedColumn {
    pub key: String,
    /// 0-based column.
    pub col: u32,
    /// The header text as written (two-row headers joined).
    pub header: String,
}

/// Identity stored by `duban forms` in the hidden metadata sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct FormMeta {
    pub unit: String,
    pub period: String,
    pub version: String,
    pub generated: String,
}

/// One sheet of a workbook that looks like a form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RawForm {
    pub sheet: String,
    pub meta: Option<FormMeta>,
    /// Non-empty text of the rows above the header, top-down (title, `填报单位：…` line).
    pub preamble: Vec<String>,
    /// Non-empty text found below the data (signature lines such as
    /// `填报人：张三  填报日期：2023年3月31日`), top-down.
    pub footer: Vec<String>,
    /// 0-based row of the header (the lower row of a two-row header).
    pub header_row: u32,
    /// 0-based first row of the header (== header_row unless two rows were joined).
    pub header_first_row: u32,
    pub columns: Vec<MatchedColumn>,
    /// Columns whose key was already taken by an earlier column (ignored).
    pub duplicate_columns: Vec<MatchedColumn>,
    /// Keys of required columns not found.
    pub missing_required: Vec<String>,
    /// Data rows (blank rows and trailing notes already skipped).
    pub rows: Vec<RawRow>,
}

impl RawForm {
    pub fn column(&self, key: &str) -> Option<&MatchedColumn> {
        self.columns.iter().find(|c| c.key == key)
    }
}

/// What reading one file gave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Ingested {
    /// One or more sheets that look like forms (usually one).
    Forms {
        file: SourceFile,
        forms: Vec<RawForm>,
    },
    /// Could not be read as a form: the file-level error issue says why.
    Failed { file: SourceFile, issue: Issue },
    /// Lock file or not a spreadsheet: listed, not read (`FILE_IGNORED` warning).
    Ignored { file: SourceFile, issue: Issue },
}

impl Ingested {
    pub fn file(&self) -> &SourceFile {
        match self {
            Ingested::Forms { file, .. }
            | Ingested::Failed { file, .. }
            | Ingested::Ignored { file, .. } => file,
        }
    }
}

/// Every file under `returns`, recursively, sorted by relative path.
pub fn discover(returns: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let _ = returns;
    todo!("ingest::discover")
}

/// Read one file. Never panics; never writes to the file.
pub fn ingest_file(path: &Path, returns_root: &Path, limits: &Limits) -> Ingested {
    let _ = (path, returns_root, limits);
    todo!("ingest::ingest_file")
}

/// Read every file in parallel (rayon); result sorted by relative path.
/// `on_file` is called once per finished file (for a progress bar).
pub fn ingest_all(
    files: &[PathBuf],
    returns_root: &Path,
    limits: &Limits,
    on_file: &(dyn Fn() + Sync),
) -> Vec<Ingested> {
    let _ = (files, returns_root, limits, on_file);
    todo!("ingest::ingest_all")
}

/// Read the master ledger (台账, 节点, 单位, 评价 sheets). Problems in the
/// ledger are returned as issues (file = the ledger's file name); a ledger
/// that cannot be read at all, or lacks the 台账 or 单位 sheet, is an error.
pub fn read_ledger(path: &Path, limits: &Limits) -> anyhow::Result<(Ledger, Vec<Issue>)> {
    let _ = (path, limits);
    todo!("ingest::read_ledger")
}
