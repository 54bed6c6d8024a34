//! Stage 1 — ingest: find the returned files, sniff their real format, read
//! their cells (any of xlsx/xlsm/xls/xlsb/ods/csv), locate the header row and
//! hand typed-but-unchecked rows to `validate`. Also reads the master ledger.
//!
//! Nothing here panics on a bad file: every parse runs under `catch_unwind`
//! and any failure becomes a file-level [`Issue`].
//!
//! - `sniff`: the real format from the first bytes; zip-bomb guard.
//! - `grid`: every sheet as a sparse grid (xlsx/xlsb streamed, row-capped),
//!   merged areas copied with their origin, percent formats.
//! - `ole`, `ods`: light scans of .xls BIFF records and .ods `content.xml`
//!   (used area before calamine allocates a dense grid; percent cells; .ods merges).
//! - `csv`: UTF-8/GB18030 text with a sniffed delimiter.
//! - `header`: header search (one or two rows), data rows, notes and footer.
//! - `ledger`: the master ledger's 台账/节点/单位/评价 sheets.

mod csv;
mod grid;
mod header;
mod ledger;
mod merges;
mod ods;
mod ole;
mod sniff;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashSet};
use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::config::Limits;
use crate::model::{Issue, IssueCode, Ledger};
use crate::schema::{Field, FormField};
use crate::templates::templates;
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

/// The matched cells of a row by column: a short list (a dozen columns)
/// searched by column, lighter than a map for the 50,000 rows of a large batch.
#[derive(Debug, Clone, PartialEq)]
pub struct Cells<F = FormField>(Vec<(F, RawCell)>);

impl<F> Default for Cells<F> {
    fn default() -> Self {
        Cells(Vec::new())
    }
}

impl<F: Field> Cells<F> {
    pub fn with_capacity(n: usize) -> Cells<F> {
        Cells(Vec::with_capacity(n))
    }
    pub fn get(&self, key: F) -> Option<&RawCell> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, c)| c)
    }
    /// Set the cell of `key` (replacing one already there).
    pub fn insert(&mut self, key: F, cell: RawCell) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = cell,
            None => self.0.push((key, cell)),
        }
    }
    pub fn remove(&mut self, key: F) -> Option<RawCell> {
        let i = self.0.iter().position(|(k, _)| *k == key)?;
        Some(self.0.remove(i).1)
    }
    pub fn iter(&self) -> impl Iterator<Item = (F, &RawCell)> + '_ {
        self.0.iter().map(|(k, c)| (*k, c))
    }
}

impl<F: Field> Serialize for Cells<F> {
    /// A map by column key, in key order.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut sorted: Vec<_> = self.iter().collect();
        sorted.sort_by_key(|(k, _)| k.key());
        s.collect_map(sorted.into_iter().map(|(k, c)| (k.key(), c)))
    }
}

/// A data row of a form (or of a ledger sheet): every matched column's cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(bound = "F: Field")]
pub struct RawRow<F = FormField> {
    /// 0-based sheet row.
    pub row: u32,
    /// Matched columns → cell.
    pub cells: Cells<F>,
    /// The row's other non-empty cells (unmatched or duplicate columns), by
    /// 0-based column: with `cells`, everything [`RawForm::original`] shows.
    pub extra: Vec<(u32, CellValue)>,
}

impl<F> Default for RawRow<F> {
    fn default() -> Self {
        RawRow {
            row: 0,
            cells: Cells::default(),
            extra: Vec::new(),
        }
    }
}

impl<F: Field> RawRow<F> {
    pub fn get(&self, key: F) -> Option<&RawCell> {
        self.cells.get(key)
    }
    /// The value of a column: empty when the cell is blank or the sheet has
    /// no such column.
    pub fn value(&self, key: F) -> &CellValue {
        static EMPTY: CellValue = CellValue::Empty;
        self.cells.get(key).map(|c| &c.value).unwrap_or(&EMPTY)
    }
}

/// A header column matched to a column definition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchedColumn<F = FormField> {
    /// The column it was matched to.
    pub key: F,
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
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
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
    /// Required columns not found.
    pub missing_required: Vec<FormField>,
    /// Header text of every non-empty header column, matched or not.
    pub header_texts: BTreeMap<u32, String>,
    /// Data rows (blank rows and trailing notes already skipped).
    pub rows: Vec<RawRow>,
    /// Some(n): the sheet holds values at or below 0-based row n
    /// (`Limits::max_rows`) that were not read; validation rejects the form
    /// (`FILE_TOO_LARGE`) rather than lose those rows silently.
    #[serde(default)]
    pub truncated_at: Option<u32>,
}

impl RawForm {
    pub fn column(&self, key: FormField) -> Option<&MatchedColumn> {
        self.columns.iter().find(|c| c.key == key)
    }

    /// Every non-empty cell of a row of this form as (header text, original
    /// value), in column order — what 退回明细 shows of a rejected row.
    pub fn original(&self, raw: &RawRow) -> Vec<(String, String)> {
        header::original(&self.header_texts, raw)
    }
}

/// What reading one file gave.
#[derive(Debug, Clone, PartialEq, Serialize)]
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

    /// Data rows read (0 for a file that could not be read as a form).
    pub fn rows(&self) -> usize {
        match self {
            Ingested::Forms { forms, .. } => forms.iter().map(|f| f.rows.len()).sum(),
            _ => 0,
        }
    }
}

/// Every file under `returns`, recursively, sorted by relative path.
/// Symlinked folders are followed once (no loops).
pub fn discover(returns: &Path) -> anyhow::Result<Vec<PathBuf>> {
    use anyhow::Context;
    let meta = std::fs::metadata(returns)
        .with_context(|| format!("无法打开报送文件夹 {}，请确认路径正确", returns.display()))?;
    if !meta.is_dir() {
        anyhow::bail!(
            "{} 不是文件夹，请指定存放各单位报送表格的文件夹",
            returns.display()
        );
    }
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut stack = vec![returns.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let canon = std::fs::canonicalize(&dir).unwrap_or_else(|_| dir.clone());
        if !seen.insert(canon) {
            continue;
        }
        let entries =
            std::fs::read_dir(&dir).with_context(|| format!("无法读取文件夹 {}", dir.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            // `metadata` follows symlinks; a dangling link is skipped.
            let Ok(m) = std::fs::metadata(&path) else {
                continue;
            };
            if m.is_dir() {
                stack.push(path);
            } else if m.is_file() {
                out.push(path);
            }
        }
    }
    out.sort_by_cached_key(|p| rel_path(p, returns));
    Ok(out)
}

/// `path` relative to `root`, `/`-separated (the file name when outside `root`).
fn rel_path(path: &Path, root: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(rel) => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => file_name(path),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// SHA-256 of a file, streamed (for files too large to read whole).
fn hash_file(path: &Path) -> Option<String> {
    let mut f = std::fs::File::open(path).ok()?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Some(hex(&h.finalize()))
}

fn source_file(path: &Path, root: &Path) -> SourceFile {
    let meta = std::fs::metadata(path).ok();
    SourceFile {
        abs: path.to_path_buf(),
        rel: rel_path(path, root),
        size: meta.as_ref().map_or(0, |m| m.len()),
        sha256: String::new(),
        modified: meta
            .and_then(|m| m.modified().ok())
            .map(|t| chrono::DateTime::<chrono::Local>::from(t).naive_local()),
        format: FileFormat::Other,
    }
}

/// A file-level problem: code and plain-Chinese message.
type Problem = (IssueCode, String);

const MSG_DAMAGED: &str =
    "文件已损坏或不完整，无法读取。请在 Excel/WPS 中打开确认内容无误后重新保存，再报送一次。";
const MSG_ENCRYPTED: &str = "文件设置了打开密码，无法读取。请取消密码后另存一份再报送。";
const MSG_HTML: &str =
    "这是网页文件另存为的表格，请在 Excel/WPS 中打开后“另存为”Excel 工作簿(.xlsx)再报送";
const MSG_NOT_FORM: &str = "未找到表头（应含“编号”“当前状态”“完成进度”等列），请使用下发的模板填报";
const MSG_EMPTY: &str = "文件是空的，没有任何内容。请确认填报后重新保存再报送。";

fn mb(n: u64) -> String {
    crate::value::fmt_number((n as f64 / 1_048_576.0 * 10.0).round() / 10.0)
}

fn read_error_problem(e: grid::ReadError) -> Problem {
    match e {
        grid::ReadError::Password => (IssueCode::FileEncrypted, MSG_ENCRYPTED.to_string()),
        grid::ReadError::TooLarge(detail) => (
            IssueCode::FileTooLarge,
            format!("表格内容过多（{detail}），未读取。请删除多余的行、列和工作表后另存再报送。"),
        ),
        grid::ReadError::Damaged(_) => (IssueCode::FileUnreadable, MSG_DAMAGED.to_string()),
    }
}

/// Read one file. Never panics; never writes to the file.
pub fn ingest_file(path: &Path, returns_root: &Path, limits: &Limits) -> Ingested {
    let mut file = source_file(path, returns_root);
    let name = file_name(path);
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let ignored = |mut file: SourceFile, msg: &str| {
        if file.sha256.is_empty() {
            file.sha256 = hash_file(path).unwrap_or_default();
        }
        let issue = Issue::warning(IssueCode::FileIgnored, msg).file(file.rel.clone());
        Ingested::Ignored { file, issue }
    };
    let failed = |file: SourceFile, (code, msg): Problem| {
        let issue = Issue::error(code, msg).file(file.rel.clone());
        Ingested::Failed { file, issue }
    };

    if name.starts_with("~$") || name.starts_with(".~lock") {
        return ignored(
            file,
            "这是 Excel/WPS 打开文件时生成的临时锁定文件，不是报送的表格，未读取。",
        );
    }
    if file.size > limits.max_file_bytes {
        file.sha256 = hash_file(path).unwrap_or_default();
        let msg = format!(
            "文件过大（{} MB，上限 {} MB），未读取。请删除多余的工作表、图片和空白格式后另存再报送。",
            mb(file.size),
            mb(limits.max_file_bytes)
        );
        return failed(file, (IssueCode::FileTooLarge, msg));
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(_) => {
            let msg = "无法打开文件（可能正被其他程序占用或没有读取权限）。请关闭文件后重试，或重新报送一份。";
            return failed(file, (IssueCode::FileUnreadable, msg.to_string()));
        }
    };
    file.size = bytes.len() as u64;
    file.sha256 = hex(&Sha256::digest(&bytes));

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
        return ignored(file, "不是电子表格文件，未读取。");
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

/// Bytes being parsed right now, across threads. Parsing costs a multiple
/// of the (inflated) bytes in memory, so files are let in only while the sum
/// stays within `Limits::max_inflated_bytes`: big files are parsed one at a
/// time, whatever the thread count, and small ones freely in parallel.
static IN_FLIGHT: (std::sync::Mutex<u64>, std::sync::Condvar) =
    (std::sync::Mutex::new(0), std::sync::Condvar::new());

struct MemoryBudget(u64);

impl MemoryBudget {
    /// Wait until `work` bytes fit (a file always goes when nothing else runs).
    fn acquire(work: u64, cap: u64) -> MemoryBudget {
        let w = work.min(cap);
        let (lock, cv) = &IN_FLIGHT;
        let mut used = lock.lock().unwrap_or_else(|e| e.into_inner());
        while *used > 0 && used.saturating_add(w) > cap {
            used = cv.wait(used).unwrap_or_else(|e| e.into_inner());
        }
        *used += w;
        MemoryBudget(w)
    }
}

impl Drop for MemoryBudget {
    fn drop(&mut self) {
        let (lock, cv) = &IN_FLIGHT;
        let mut used = lock.lock().unwrap_or_else(|e| e.into_inner());
        *used = used.saturating_sub(self.0);
        cv.notify_all();
    }
}

thread_local! {
    /// True while this thread parses a returned file under `catch_unwind`.
    static IN_PARSE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// `file:line` of the last panic caught while parsing on this thread.
    static LAST_PARSER_PANIC: std::cell::RefCell<Option<String>> =
        const { std::cell::RefCell::new(None) };
}

/// Where the last parser panic caught on this thread happened (`file:line`),
/// taken out. For tests (the fuzz target tells a panic in duban's own code
/// from one inside calamine); the run itself only reports a damaged file.
#[doc(hidden)]
pub fn take_last_parser_panic() -> Option<String> {
    LAST_PARSER_PANIC.with(|p| p.borrow_mut().take())
}

/// Marks the current thread as parsing until dropped (also on unwind).
pub(crate) struct ParsingGuard(bool);

impl ParsingGuard {
    pub(crate) fn enter() -> ParsingGuard {
        ParsingGuard(IN_PARSE.with(|f| f.replace(true)))
    }
}

impl Drop for ParsingGuard {
    fn drop(&mut self) {
        let prev = self.0;
        IN_PARSE.with(|f| f.set(prev));
    }
}

/// Once per process: a panic hook that stays silent for panics inside a
/// parser (they become a file-level issue; a backtrace mid-run would only
/// alarm the clerk) and hands every other panic to the previous hook.
/// Hooks are global and rayon threads parse in parallel, hence the
/// thread-local flag rather than swapping hooks around each parse.
pub(crate) fn install_quiet_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if IN_PARSE.with(|f| f.get()) {
                let at = info
                    .location()
                    .map(|l| format!("{}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                LAST_PARSER_PANIC.with(|p| *p.borrow_mut() = Some(at));
            } else {
                previous(info);
            }
        }));
    });
}

/// Read the key/value pairs of the metadata sheet.
fn read_meta(grid: &grid::Grid) -> FormMeta {
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
fn forms_from_sheets(sheets: &[grid::SheetGrid], max_rows: u32) -> Vec<RawForm> {
    let meta = sheets
        .iter()
        .find(|s| s.name == META_SHEET)
        .map(|s| read_meta(&s.grid))
        .filter(|m| !m.unit.is_empty() || !m.period.is_empty());
    let cols = &templates().form;
    let mut forms = Vec::new();
    for sheet in sheets {
        if sheet.name == META_SHEET || sheet.grid.is_empty() {
            continue;
        }
        let Some(h) = header::find_header(&sheet.grid, cols, FormField::Id) else {
            continue;
        };
        let (rows, footer) = header::extract_rows(&sheet.grid, &h);
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

fn garbled(sheets: &[grid::SheetGrid]) -> bool {
    sheets.iter().any(|s| {
        (0..=s.grid.max_row().unwrap_or(0).min(header::HEADER_SCAN_ROWS)).any(|r| {
            s.grid
                .row(r)
                .any(|(_, c)| matches!(&c.value, CellValue::Text(t) if t.contains('\u{FFFD}')))
        })
    })
}

/// Read the sheets of a workbook, retrying a legacy .xls with the Chinese
/// code page (936) when its text comes out garbled or no header is found.
fn read_sheets(
    bytes: &[u8],
    format: FileFormat,
    limits: &Limits,
    usable: impl Fn(&[grid::SheetGrid]) -> bool,
) -> Result<Vec<grid::SheetGrid>, Problem> {
    let sheets = grid::read_workbook(bytes, format, limits, None).map_err(read_error_problem)?;
    if format == FileFormat::Xls && (garbled(&sheets) || !usable(&sheets)) {
        if let Ok(retry) = grid::read_workbook(bytes, format, limits, Some(936)) {
            if usable(&retry) && !garbled(&retry) {
                return Ok(retry);
            }
        }
    }
    Ok(sheets)
}

fn parse_forms(bytes: &[u8], format: FileFormat, limits: &Limits) -> Result<Vec<RawForm>, Problem> {
    let sheets = read_sheets(bytes, format, limits, |s| {
        !forms_from_sheets(s, limits.max_rows).is_empty()
    })?;
    let forms = forms_from_sheets(&sheets, limits.max_rows);
    if !forms.is_empty() {
        return Ok(forms);
    }
    if sheets.iter().all(|s| s.grid.is_empty()) {
        Err((IssueCode::FileEmpty, MSG_EMPTY.to_string()))
    } else {
        Err((IssueCode::FileNotForm, MSG_NOT_FORM.to_string()))
    }
}

/// Read every file in parallel (rayon); result sorted by relative path.
/// `on_file` is called once per finished file (for a progress bar).
pub fn ingest_all(
    files: &[PathBuf],
    returns_root: &Path,
    limits: &Limits,
    on_file: &(dyn Fn() + Sync),
) -> Vec<Ingested> {
    install_quiet_panic_hook();
    let mut out: Vec<Ingested> = files
        .par_iter()
        .map(|p| {
            let r = ingest_file(p, returns_root, limits);
            on_file();
            r
        })
        .collect();
    out.sort_by(|a, b| a.file().rel.cmp(&b.file().rel));
    out
}

/// Read the master ledger (台账, 节点, 单位, 评价 sheets). Problems in the
/// ledger are returned as issues (file = the ledger's file name); a ledger
/// that cannot be read at all, or lacks the 台账 sheet, is an error. A ledger
/// without a 单位 sheet gets its units from the 牵头单位 column (warning).
pub fn read_ledger(path: &Path, limits: &Limits) -> anyhow::Result<(Ledger, Vec<Issue>)> {
    ledger::read_ledger(path, limits)
}
