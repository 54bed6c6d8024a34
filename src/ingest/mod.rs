//! Stage 1 — ingest: the bytes of one input (an [`Input`], made by
//! `crate::source` from a file of the returns folder or a member of a zip
//! attachment; ingest never opens a path of the returns itself): sniff its
//! real format, read its cells (any of xlsx/xlsm/xls/xlsb/ods/csv), locate
//! the header row and hand typed-but-unchecked rows to `validate`. Also
//! reads the master ledger.
//!
//! Nothing here panics on a bad file: every parse runs under `catch_unwind`
//! and any failure becomes a file-level [`Issue`].
//!
//! - `sniff`: the real format from the first bytes; zip-bomb guard.
//! - `workbook`: every sheet of a workbook read into a `grid` (xlsx/xlsb
//!   streamed, row-capped), with its merged areas and percent formats.
//! - `grid`: a sheet as a sparse grid; why a workbook could not be read.
//! - `ole`, `ods`: light scans of .xls BIFF records and .ods `content.xml`
//!   (used area before calamine allocates a dense grid; percent cells; .ods merges).
//! - `merges`: an .xlsx's merged areas without a second parse of each sheet.
//! - `csv`: UTF-8/GB18030 text with a sniffed delimiter.
//! - `header`: header search (one or two rows), data rows, notes and footer.
//! - `raw`: the rows, cells and forms handed to validate.
//! - `guard`: panics caught quietly, the parsing memory budget.
//! - `ledger`: the master ledger's 台账/节点/单位/评价 sheets.
//!
//! The modules depend on each other one way (csv and header on grid,
//! workbook on the format readers, ledger on them all), never back on this
//! one.

mod csv;
mod grid;
pub(crate) mod guard;
mod header;
mod ledger;
mod merges;
mod ods;
mod ole;
mod raw;
mod rowkind;
mod sniff;
#[cfg(test)]
mod tests;
mod workbook;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use self::grid::{Grid, Problem, ReadError, SheetGrid, MSG_DAMAGED, MSG_ENCRYPTED};
pub use self::guard::take_last_parser_panic;
use self::guard::{install_quiet_panic_hook, MemoryBudget, ParsingGuard};
pub(crate) use self::raw::{FormMeta, RawForm, RawRow};
#[cfg(test)]
pub(crate) use self::raw::{MatchedColumn, RawCell};
pub(crate) use self::sniff::FileFormat;
pub(crate) use self::sniff::SPREADSHEET_EXTS;
use crate::config::Limits;
use crate::model::{Issue, IssueCode, Ledger};
use crate::schema::FormField;
use crate::templates::templates;

/// Name of the (very hidden) sheet in which `duban forms` stores the form's identity.
pub(crate) const META_SHEET: &str = "_duban";
/// Keys of the metadata sheet: column A holds the key, column B the value.
pub(crate) const META_KEYS: [&str; 4] = ["unit", "period", "version", "generated"];
/// Version written into forms by this build.
pub(crate) const FORM_VERSION: &str = "duban-form-1";

/// One input as ingest reads it: bytes and where they came from. `source`
/// makes these (a file of the returns folder, a member of a zip attachment);
/// ingest never opens a path itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// Path relative to the returns folder, `/`-separated; a zip member's is
    /// the zip's path followed by the member's (`3月报表.zip/区司法局.xlsx`).
    pub rel: String,
    /// The received file (relative path) this input was unpacked from, when
    /// it is a member of a zip attachment; None for a file of the folder.
    pub(crate) container: Option<String>,
    /// Modification time (the file's, or the time stamp of a zip member).
    pub(crate) modified: Option<NaiveDateTime>,
    /// Size in bytes (of the bytes, or as declared when refused unread).
    pub(crate) size: u64,
    /// Hex SHA-256 of the bytes (empty when they could not be had).
    pub(crate) sha256: String,
    pub(crate) content: Content,
}

/// The bytes of an input, or why there are none.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Content {
    Bytes(Vec<u8>),
    /// Refused before any parser ran (too large, encrypted zip member, an
    /// archive format duban does not unpack …): the file-level issue.
    Refused {
        code: IssueCode,
        message: String,
    },
}

/// An input that was read (or refused), as the later stages know it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceFile {
    /// Path relative to the returns folder, `/`-separated (see [`Input::rel`]).
    pub(crate) rel: String,
    /// The received zip it was unpacked from (relative path), if any.
    #[serde(default)]
    pub(crate) container: Option<String>,
    pub(crate) size: u64,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
    /// File modification time (local), if known.
    pub(crate) modified: Option<NaiveDateTime>,
    pub(crate) format: FileFormat,
}

impl SourceFile {
    /// The file name (last component of `rel`).
    pub(crate) fn name(&self) -> &str {
        self.rel.rsplit('/').next().unwrap_or(&self.rel)
    }
}

/// What reading one file gave.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Ingested {
    /// One or more sheets that look like forms (usually one).
    Forms {
        /// The file read.
        file: SourceFile,
        /// Its sheets that look like forms, with their rows.
        forms: Vec<RawForm>,
    },
    /// Could not be read as a form: the file-level error issue says why.
    Failed {
        /// The file that could not be read.
        file: SourceFile,
        /// Why (a file-level error).
        issue: Issue,
    },
    /// Lock file or not a spreadsheet: listed, not read (`FILE_IGNORED` warning).
    Ignored {
        /// The file passed over.
        file: SourceFile,
        /// The `FILE_IGNORED` warning.
        issue: Issue,
    },
}

impl Ingested {
    /// The input's file, whatever became of it.
    pub fn file(&self) -> &SourceFile {
        match self {
            Ingested::Forms { file, .. }
            | Ingested::Failed { file, .. }
            | Ingested::Ignored { file, .. } => file,
        }
    }

    /// Data rows read (0 for a file that could not be read as a form).
    pub(crate) fn rows(&self) -> usize {
        match self {
            Ingested::Forms { forms, .. } => forms.iter().map(|f| f.rows.len()).sum(),
            _ => 0,
        }
    }
}

/// Is this file name an Excel/WPS/LibreOffice lock file (`~$…`, `.~lock…`)?
/// Such a file is never a return and never tied to a unit.
pub(crate) fn is_lock_file(name: &str) -> bool {
    name.starts_with("~$") || name.starts_with(".~lock")
}

const MSG_HTML: &str =
    "这是网页文件另存为的表格，请在 Excel/WPS 中打开后“另存为”Excel 工作簿(.xlsx)再报送";
const MSG_NOT_FORM: &str = "未找到表头（应含“编号”“当前状态”“完成进度”等列），请使用下发的模板填报";
const MSG_EMPTY: &str = "文件是空的，没有任何内容。请确认填报后重新保存再报送。";

pub(crate) fn mb(n: u64) -> String {
    crate::value::fmt_number((n as f64 / 1_048_576.0 * 10.0).round() / 10.0)
}

/// The message refusing a file over `Limits::max_file_bytes`.
pub(crate) fn too_large_message(size: u64, limits: &Limits) -> String {
    format!(
        "文件过大（{} MB，上限 {} MB），未读取。请删除多余的工作表、图片和空白格式后另存再报送。",
        mb(size),
        mb(limits.max_file_bytes)
    )
}

/// Read one input. Never panics; never writes anything.
pub fn ingest_input(input: Input, limits: &Limits) -> Ingested {
    let Input {
        rel,
        container,
        modified,
        size,
        sha256,
        content,
    } = input;
    let mut file = SourceFile {
        rel,
        container,
        size,
        sha256,
        modified,
        format: FileFormat::Other,
    };
    let name = file.name().to_string();
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let ignored = |file: SourceFile, msg: &str| {
        let issue = Issue::warning(IssueCode::FileIgnored, msg).file(file.rel.clone());
        Ingested::Ignored { file, issue }
    };
    let failed = |file: SourceFile, (code, msg): Problem| {
        let issue = Issue::error(code, msg).file(file.rel.clone());
        Ingested::Failed { file, issue }
    };

    if is_lock_file(&name) {
        return ignored(
            file,
            "这是 Excel/WPS 打开文件时生成的临时锁定文件，不是报送的表格，未读取。",
        );
    }
    let bytes = match content {
        Content::Refused { code, message } => return failed(file, (code, message)),
        Content::Bytes(b) => b,
    };
    if file.size > limits.max_file_bytes {
        let msg = too_large_message(file.size, limits);
        return failed(file, (IssueCode::FileTooLarge, msg));
    }

    let is_sheet_ext = sniff::SPREADSHEET_EXTS.contains(&ext.as_str());
    let (sniffed, work) = sniff::sniff_sized(&bytes, &ext, limits.max_inflated_bytes);
    let real_sheet = matches!(
        sniffed,
        sniff::Sniffed::Format(
            FileFormat::Xlsx
                | FileFormat::Xlsm
                | FileFormat::Xls
                | FileFormat::Xlsb
                | FileFormat::Ods
                | FileFormat::Encrypted
        )
    );
    if !is_sheet_ext && !real_sheet {
        if let sniff::Sniffed::Format(f) = sniffed {
            file.format = f;
        }
        let msg = match sniff::other_kind(&bytes, &ext) {
            Some(kind) => format!(
                "这是{kind}，不是电子表格，未读取。如是本期反馈表，请按下发的 Excel 表格填报后报送(.xlsx)。"
            ),
            None => "不是电子表格文件，未读取。".to_string(),
        };
        return ignored(file, &msg);
    }
    let format = match sniffed {
        sniff::Sniffed::Empty => {
            return failed(
                file,
                (
                    IssueCode::FileEmpty,
                    "文件是空的（0 字节），请重新保存后再报送。".to_string(),
                ),
            )
        }
        sniff::Sniffed::Damaged => {
            return failed(file, (IssueCode::FileUnreadable, MSG_DAMAGED.to_string()))
        }
        sniff::Sniffed::TooLarge { inflated } => {
            let msg = format!(
                "文件解压后过大（约 {} MB，上限 {} MB），可能含有大量空白格式或已损坏，未读取。请只保留填报表格，另存后再报送。",
                mb(inflated),
                mb(limits.max_inflated_bytes)
            );
            return failed(file, (IssueCode::FileTooLarge, msg));
        }
        sniff::Sniffed::Format(f) => f,
    };
    file.format = format;
    match format {
        FileFormat::Html => return failed(file, (IssueCode::FileHtml, MSG_HTML.to_string())),
        FileFormat::Encrypted => {
            return failed(file, (IssueCode::FileEncrypted, MSG_ENCRYPTED.to_string()))
        }
        FileFormat::Other => {
            let msg = "文件内容不是可识别的电子表格（可能已损坏或扩展名不对）。请在 Excel/WPS 中打开后另存为 Excel 工作簿(.xlsx)再报送。";
            return failed(file, (IssueCode::FileUnreadable, msg.to_string()));
        }
        _ => {}
    }
    install_quiet_panic_hook();
    // A CSV's longest line is held whole by the csv reader, with its field
    // bounds: count it at four times its size.
    let work = if format == FileFormat::Csv {
        work.saturating_mul(4)
    } else {
        work
    };
    let _budget = MemoryBudget::acquire(work, limits.max_inflated_bytes);
    let parsed = catch_unwind(AssertUnwindSafe(|| {
        let _quiet = ParsingGuard::enter();
        parse_forms(&bytes, format, limits)
    }));
    match parsed {
        Ok(Ok(forms)) => Ingested::Forms { file, forms },
        Ok(Err(problem)) => failed(file, problem),
        Err(_) => failed(file, (IssueCode::FileUnreadable, MSG_DAMAGED.to_string())),
    }
}

/// Read the key/value pairs of the metadata sheet.
fn read_meta(grid: &Grid) -> FormMeta {
    let mut meta = FormMeta::default();
    let Some(last) = grid.max_row() else {
        return meta;
    };
    for r in 0..=last.min(100) {
        let key = grid.value(r, 0).as_text();
        let val = grid.value(r, 1).as_text();
        match key.as_str() {
            "unit" => meta.unit = val,
            "period" => meta.period = val,
            "version" => meta.version = val,
            "generated" => meta.generated = val,
            _ => {}
        }
    }
    meta
}

/// Every form sheet of a workbook already split into grids.
fn forms_from_sheets(sheets: &[SheetGrid], max_rows: u32) -> Vec<RawForm> {
    let meta = sheets
        .iter()
        .find(|s| s.name == META_SHEET)
        .map(|s| read_meta(&s.grid))
        .filter(|m| !m.unit.is_empty() || !m.period.is_empty());
    let cols = &templates().form;
    let mut forms = Vec::new();
    for sheet in sheets {
        // A hidden sheet is never a form (a stale copy of last month's, a
        // list the dropdowns read): only what the unit sees is read.
        if sheet.name == META_SHEET || sheet.hidden || sheet.grid.is_empty() {
            continue;
        }
        let Some(h) = header::find_header(&sheet.grid, cols, FormField::Id) else {
            continue;
        };
        let (mut rows, footer) = header::extract_rows(&sheet.grid, &h);
        // Totals, formulas-only rows and group headings are not data.
        rows.retain(|r| !rowkind::not_form_data(&sheet.grid, r));
        forms.push(RawForm {
            sheet: sheet.name.clone(),
            meta: meta.clone(),
            preamble: header::preamble(&sheet.grid, &h),
            footer,
            header_row: h.row,
            header_first_row: h.first_row,
            missing_required: h.missing_required(cols),
            columns: h.columns,
            duplicate_columns: h.duplicates,
            header_texts: h.texts,
            rows,
            truncated_at: sheet.truncated.then_some(max_rows),
        });
    }
    forms
}

fn parse_forms(bytes: &[u8], format: FileFormat, limits: &Limits) -> Result<Vec<RawForm>, Problem> {
    let sheets = workbook::read_sheets(bytes, format, limits, |s| {
        !forms_from_sheets(s, limits.max_rows).is_empty()
    })
    .map_err(ReadError::problem)?;
    let forms = forms_from_sheets(&sheets, limits.max_rows);
    if !forms.is_empty() {
        return Ok(forms);
    }
    let hidden_form = sheets.iter().find(|s| {
        s.hidden
            && s.name != META_SHEET
            && header::find_header(&s.grid, &templates().form, FormField::Id).is_some()
    });
    if let Some(s) = hidden_form {
        let msg = format!(
            "表格只在隐藏的工作表“{}”中，未读取（隐藏的工作表不作为报表）。请在 Excel/WPS 中取消隐藏该工作表（或把内容复制到可见的工作表）后重新报送。",
            s.name
        );
        Err((IssueCode::FileNotForm, msg))
    } else if sheets.iter().all(|s| s.grid.is_empty()) {
        Err((IssueCode::FileEmpty, MSG_EMPTY.to_string()))
    } else {
        Err((IssueCode::FileNotForm, MSG_NOT_FORM.to_string()))
    }
}

/// Read the master ledger (台账, 节点, 单位, 评价 sheets). Problems in the
/// ledger are returned as issues (file = the ledger's file name); a ledger
/// that cannot be read at all, or lacks the 台账 sheet, is an error. A ledger
/// without a 单位 sheet gets its units from the 牵头单位 column (warning).
pub fn read_ledger(path: &Path, limits: &Limits) -> anyhow::Result<(Ledger, Vec<Issue>)> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    ledger::read_ledger(path, &name, limits)
}
