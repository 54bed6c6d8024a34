//! `duban samples`: a realistic, seeded data set of any size — a ledger and
//! the returned forms of every unit, a chosen share of them messy.
//!
//! Everything is derived from `seed`: the ledger and the plan of which unit
//! returns what come from one master RNG, sequentially; each unit's files come
//! from an RNG derived from `seed` and the unit's index, so the returns are
//! written in parallel and are byte-identical at any thread count. No clock
//! is read: workbook creation dates are dates of the sample's own calendar.
//!
//! Files written under `<out>`:
//! - `台账.xlsx` — sheets 台账 (merged title row, then the header), 节点, 单位, 评价;
//! - `returns/…` — one form per unit with tasks due this period (star cadence),
//!   some in the sub-folders 邮件/, U盘/, 微信/;
//! - `duban.toml` — period, as_of, report_deadline and paths, for `duban run --config`;
//! - `samples_manifest.json` — the [`SampleSummary`]: every file under `returns/`
//!   with its unit, period, format, row count, [`MessyKind`]s, deliberate
//!   [`RowError`]s (kind, expected issue code, task, 1-based row), whether it is
//!   superseded or late, and the issue codes a checker should report for it;
//!   a zip lists its members, a collection-tool export the units it holds.
//!
//! With `messy = 0` every return is clean: the standard layout with the hidden
//! `_duban` metadata sheet, canonical headers, canonical statuses, numeric
//! percents and Excel dates, no row errors. With `messy > 0` that share of the
//! reporting units (at least one) is messy: the first 19 get one primary kind
//! each in a fixed order (so 20 units at `messy = 1` show every kind), all at
//! random may get a combinable extra kind; one of them sends nothing
//! ([`SampleSummary::silent_unit`]); a lock file and a `说明.txt` are added;
//! the first messy xlsx forms get last period's sheet left hidden in the
//! workbook and a 合计 row with a formulas-only row below the data; and the
//! ledger's tasks are grouped under heading rows (一、政府工作报告（22项）,
//! （一）区直部门牵头) with 小计, 合计 and blank rows;
//! three clean units answer an online form instead (one collection-tool
//! export, one of them submitting twice) and two or three others send their
//! forms in one zip attachment with GBK names (`collected.rs`), when there
//! are enough units.
//! A rerun into the same folder replaces the files its manifest lists and
//! refuses to run if `returns/` holds anything else.

mod collected;
mod form;
mod ledger;
mod plan;
mod returns;
mod vocab;
pub(crate) mod zipfile;

#[cfg(test)]
mod tests;

use std::path::Path;

use anyhow::{Context, Result};
use chrono::{Datelike, Duration, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::model::IssueCode;
use crate::period::{Period, PeriodKind};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SampleOptions {
    pub(crate) units: u32,
    pub(crate) tasks: u32,
    /// Share (0–1) of returns written in a messy way.
    pub(crate) messy: f64,
    pub(crate) seed: u64,
    pub(crate) period: Period,
    /// Statistics date (统计截止日期); default: the period's last day.
    #[serde(default)]
    pub(crate) as_of: Option<NaiveDate>,
}

impl SampleOptions {
    #[cfg(test)]
    pub(crate) fn new(units: u32, tasks: u32, messy: f64, seed: u64, period: Period) -> Self {
        SampleOptions {
            units,
            tasks,
            messy,
            seed,
            period,
            as_of: None,
        }
    }

    pub(crate) fn as_of(&self) -> NaiveDate {
        self.as_of.unwrap_or_else(|| self.period.end())
    }

    /// The reporting deadline: the period's last day + 5 days (the config default).
    pub(crate) fn report_deadline(&self) -> NaiveDate {
        self.period.end() + Duration::days(5)
    }

    /// The date the office issues its notices on: the first working day
    /// after the reporting deadline (written into the sample `duban.toml`,
    /// so a rerun of the samples gives the same notices on any day).
    pub(crate) fn issue_date(&self) -> NaiveDate {
        crate::calendar::Calendar::new(&[], &[], 5).add_working_days(self.report_deadline(), 1)
    }
}

/// The sample office (`[office]` of the sample `duban.toml`).
pub(crate) const OFFICE_NAME: &str = "四方台区人民政府督查室";
pub(crate) const OFFICE_SHORT: &str = "区政府督查室";
pub(crate) const OFFICE_PREFIX: &str = "四政督";
pub(crate) const OFFICE_CONTACT: &str = "王明";
pub(crate) const OFFICE_PHONE: &str = "0469-4221234";

/// The ways a return can be messy. Serialised in snake_case in the manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum MessyKind {
    /// Headers spelled with aliases (任务编号, 状态, 完成比例, 工作进展 …).
    AliasHeaders,
    /// English headers (Task ID, Status, Progress (%), Details …).
    EnglishHeaders,
    /// No metadata sheet, no 填报单位 line, neutral file name: the unit is only in the title.
    UnitInTitleOnly,
    /// No metadata sheet, no unit line, generic title: the unit is only in the file name.
    UnitInFileNameOnly,
    /// Neutral file name, generic title, no metadata: only the task ids tell the unit.
    UnitByTaskIdsOnly,
    /// Group heading 本期进展情况 merged over 当前状态/完成进度/进展情况.
    TwoRowHeader,
    /// One 存在问题 merged down 2–3 rows.
    MergedProblems,
    /// Percent as `60%` text, `60％`, 0.6 in a percent cell, `60.0` text.
    PercentFormats,
    /// Dates as `2023/3/15`, `2023.3.15`, `2023年3月15日`, `3月15日`.
    DateFormats,
    /// Full-width ids with a trailing space, lower-case ids, numeric ids as numbers.
    IdFormats,
    /// 进行中, 推进中, 完成, 已办结 …
    StatusSynonyms,
    /// Blank rows between and after the data and a trailing 填表说明 row.
    BlankRowsAndNote,
    /// A leading 序号 column.
    SeqColumn,
    /// Deliberate row errors, listed in `row_errors`.
    RowErrors,
    /// CSV with UTF-8 BOM.
    CsvUtf8Bom,
    /// CSV encoded in GBK.
    CsvGbk,
    /// An older and a newer (`(修改版)`) submission of the same unit.
    DuplicatePair,
    /// Last period's form sent again.
    WrongPeriod,
    /// 填报日期 after the reporting deadline.
    LateReturn,
    /// An Excel lock file `~$….xlsx`.
    LockFile,
    /// A non-spreadsheet file (说明.txt).
    NotSpreadsheet,
    /// Last period's sheet left in the workbook, hidden (never read as a form).
    StaleHiddenSheet,
    /// A 合计 row and a row of formulas only below the data (not data).
    TotalRows,
    /// Several units' forms in one e-mail attachment, zipped on Chinese
    /// Windows (member names in GBK, no UTF-8 flag): the zip, and its members.
    ZipAttachment,
    /// Several units' answers to an online form, downloaded as one sheet
    /// (腾讯文档收集表: 提交者, 提交时间, 填报单位, then the form's columns),
    /// one of the units submitting twice.
    CollectionExport,
}

/// The kinds a messy unit is given first, one each, in this order.
const PRIMARY: [MessyKind; 19] = [
    MessyKind::RowErrors,
    MessyKind::AliasHeaders,
    MessyKind::UnitByTaskIdsOnly,
    MessyKind::TwoRowHeader,
    MessyKind::MergedProblems,
    MessyKind::PercentFormats,
    MessyKind::DateFormats,
    MessyKind::DuplicatePair,
    MessyKind::CsvUtf8Bom,
    MessyKind::WrongPeriod,
    MessyKind::IdFormats,
    MessyKind::StatusSynonyms,
    MessyKind::BlankRowsAndNote,
    MessyKind::UnitInTitleOnly,
    MessyKind::EnglishHeaders,
    MessyKind::CsvGbk,
    MessyKind::SeqColumn,
    MessyKind::UnitInFileNameOnly,
    MessyKind::LateReturn,
];

/// Kinds that combine with any primary kind (added at random).
const EXTRA: [MessyKind; 8] = [
    MessyKind::AliasHeaders,
    MessyKind::PercentFormats,
    MessyKind::DateFormats,
    MessyKind::IdFormats,
    MessyKind::StatusSynonyms,
    MessyKind::BlankRowsAndNote,
    MessyKind::SeqColumn,
    MessyKind::LateReturn,
];

impl MessyKind {
    /// The issue a checker should report for a file of this kind, if any
    /// (the other kinds must be read without an issue).
    pub(crate) fn expected_code(self) -> Option<IssueCode> {
        Some(match self {
            MessyKind::UnitByTaskIdsOnly => IssueCode::FileUnitGuessed,
            MessyKind::MergedProblems => IssueCode::RowMergedFill,
            MessyKind::WrongPeriod => IssueCode::FileWrongPeriod,
            MessyKind::LateReturn => IssueCode::FileLate,
            MessyKind::LockFile | MessyKind::NotSpreadsheet => IssueCode::FileIgnored,
            _ => return None,
        })
    }
}

/// Deliberate row errors and the issue each should raise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum RowErrorKind {
    /// 当前状态 `差不多`.
    InvalidStatus,
    /// 完成进度 `过半`.
    PercentText,
    /// 完成进度 120.
    PercentOver100,
    /// 已完成 with 40%.
    DoneLowPercent,
    /// A task id the ledger does not know.
    UnknownTask,
    /// A task led by another unit.
    OtherUnitTask,
    /// The same task twice.
    DuplicateRow,
    /// 事项名称 changed by the unit.
    AlteredTitle,
    /// 进展情况 left blank.
    MissingProgress,
}

impl RowErrorKind {
    pub(crate) const ALL: [RowErrorKind; 9] = [
        RowErrorKind::InvalidStatus,
        RowErrorKind::PercentText,
        RowErrorKind::PercentOver100,
        RowErrorKind::DoneLowPercent,
        RowErrorKind::UnknownTask,
        RowErrorKind::OtherUnitTask,
        RowErrorKind::DuplicateRow,
        RowErrorKind::AlteredTitle,
        RowErrorKind::MissingProgress,
    ];

    /// The issue code a checker should report for this row.
    pub(crate) fn code(self) -> IssueCode {
        match self {
            RowErrorKind::InvalidStatus => IssueCode::RowInvalidStatus,
            RowErrorKind::PercentText => IssueCode::RowInvalidPercent,
            RowErrorKind::PercentOver100 => IssueCode::RowPercentOutOfRange,
            RowErrorKind::DoneLowPercent => IssueCode::RowStatusConflict,
            RowErrorKind::UnknownTask => IssueCode::RowUnknownTask,
            RowErrorKind::OtherUnitTask => IssueCode::RowNotAssigned,
            RowErrorKind::DuplicateRow => IssueCode::RowDuplicateTask,
            RowErrorKind::AlteredTitle => IssueCode::RowAssignedAltered,
            RowErrorKind::MissingProgress => IssueCode::RowMissingValue,
        }
    }

    /// Does the error change an existing row (rather than add one)?
    fn edits_row(self) -> bool {
        !matches!(
            self,
            RowErrorKind::UnknownTask | RowErrorKind::OtherUnitTask | RowErrorKind::DuplicateRow
        )
    }
}

/// A deliberate row error in a written return.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct RowError {
    pub(crate) kind: RowErrorKind,
    pub(crate) code: IssueCode,
    /// The task id of the row, as in the ledger.
    pub(crate) task: String,
    /// 1-based sheet (or CSV line) row.
    pub(crate) row: u32,
}

/// One file written under `returns/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SampleFile {
    /// Path relative to `returns/`, `/`-separated.
    pub(crate) path: String,
    /// The unit the file comes from (None for files of no unit).
    pub(crate) unit: Option<String>,
    /// Period the file is for (`2023-03`), when it is a form.
    pub(crate) period: Option<String>,
    /// `xlsx`, `csv`, `lock` or `text`.
    pub(crate) format: String,
    /// Data rows (blank rows not counted).
    pub(crate) rows: u32,
    /// Empty for a clean return.
    pub(crate) kinds: Vec<MessyKind>,
    pub(crate) row_errors: Vec<RowError>,
    /// An older submission, superseded by a newer one of the same unit and period.
    pub(crate) superseded: bool,
    /// 填报日期 after the reporting deadline.
    pub(crate) late: bool,
    pub(crate) fill_date: Option<NaiveDate>,
    /// Issue codes a checker should report for this file (at least these):
    /// from its kinds, its row errors, and `FILE_SUPERSEDED` for an older submission.
    #[serde(default)]
    pub(crate) expected: Vec<IssueCode>,
    /// Units whose rows a collection-tool export holds.
    #[serde(default)]
    pub(crate) units: Vec<String>,
    /// Rows a later submission of the same unit supersedes inside the file.
    #[serde(default)]
    pub(crate) superseded_rows: u32,
    /// The forms inside a zip attachment, each with the path duban shows
    /// for it (the zip's path, then the member's: `邮件/3月报表.zip/3月报表/…`).
    #[serde(default)]
    pub(crate) members: Vec<SampleFile>,
}

impl SampleFile {
    fn expected_codes(&self) -> Vec<IssueCode> {
        let mut v: Vec<IssueCode> = self
            .kinds
            .iter()
            .filter_map(|k| k.expected_code())
            .filter(|c| *c != IssueCode::FileLate || self.late)
            .chain(self.row_errors.iter().map(|e| e.code))
            .collect();
        if self.superseded {
            v.push(IssueCode::FileSuperseded);
        }
        if self.superseded_rows > 0 {
            v.push(IssueCode::RowSuperseded);
        }
        v.sort();
        v.dedup();
        v
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub(crate) struct SampleSummary {
    pub(crate) units: u32,
    pub(crate) tasks: u32,
    /// Files written under `returns/` (forms, lock files, notes).
    pub(crate) files: u32,
    /// Files with at least one messy kind.
    pub(crate) messy_files: u32,
    pub(crate) period: String,
    pub(crate) as_of: Option<NaiveDate>,
    pub(crate) report_deadline: Option<NaiveDate>,
    pub(crate) seed: u64,
    /// Units with tasks due this period.
    pub(crate) due_units: u32,
    /// The unit with due tasks that sends nothing (only when messy > 0).
    pub(crate) silent_unit: Option<String>,
    /// Every file under `returns/`, sorted by path.
    pub(crate) returns: Vec<SampleFile>,
}

/// Write `<out>/台账.xlsx`, `<out>/returns/…`, `<out>/duban.toml` and
/// `<out>/samples_manifest.json`.
pub(crate) fn generate(opts: &SampleOptions, out: &Path) -> Result<SampleSummary> {
    anyhow::ensure!(opts.units >= 1, "单位数量至少为 1");
    anyhow::ensure!(opts.tasks >= 1, "任务数量至少为 1");
    anyhow::ensure!(
        (0.0..=1.0).contains(&opts.messy),
        "--messy 应在 0 到 1 之间（例如 0.2）"
    );
    std::fs::create_dir_all(out).with_context(|| format!("无法创建文件夹 {}", out.display()))?;
    clear_previous(out)?;
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let data = ledger::build(opts, &mut rng);
    let plan = plan::plan(&data, opts, &mut rng);
    // The ledger is one big workbook: write it while the returns are written.
    let (ledger, files) = rayon::join(
        || ledger::write(&data, opts, &out.join("台账.xlsx")),
        || returns::write_all(&data, &plan, opts, &out.join("returns")),
    );
    ledger?;
    let mut files = files?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    for f in &mut files {
        f.expected = f.expected_codes();
        for m in &mut f.members {
            m.expected = m.expected_codes();
        }
    }

    let summary = SampleSummary {
        units: data.units.len() as u32,
        tasks: data.tasks.len() as u32,
        files: files.len() as u32,
        messy_files: files.iter().filter(|f| !f.kinds.is_empty()).count() as u32,
        period: opts.period.to_string(),
        as_of: Some(opts.as_of()),
        report_deadline: Some(opts.report_deadline()),
        seed: opts.seed,
        due_units: plan.due_units,
        silent_unit: plan.silent.map(|u| data.units[u].name.clone()),
        returns: files,
    };
    let config = format!(
        "# duban samples 生成的示例配置（seed = {seed}）\n\
         period = \"{period}\"\n\
         as_of = \"{as_of}\"\n\
         report_deadline = \"{deadline}\"\n\
         ledger = \"台账.xlsx\"\n\
         returns = \"returns\"\n\
         out = \"out\"\n\
         # 成文日期：退回通知的落款日期，补报期限从此日起算。\n\
         issue_date = \"{issued}\"\n\
         \n\
         [office]\n\
         name = \"{OFFICE_NAME}\"\n\
         short_name = \"{OFFICE_SHORT}\"\n\
         doc_prefix = \"{OFFICE_PREFIX}\"\n\
         contact = \"{OFFICE_CONTACT}\"\n\
         phone = \"{OFFICE_PHONE}\"\n",
        seed = opts.seed,
        period = opts.period,
        as_of = opts.as_of(),
        deadline = opts.report_deadline(),
        issued = opts.issue_date(),
    );
    form::write_file(&out.join("duban.toml"), config.as_bytes())?;
    let json = serde_json::to_string_pretty(&summary)?;
    form::write_file(&out.join("samples_manifest.json"), json.as_bytes())?;
    Ok(summary)
}

/// Remove the returns an earlier `duban samples` run wrote into `out` (as
/// listed in its manifest, nothing else), so that a rerun gives exactly the
/// new data set. Any other file in `out/returns` stops the run before
/// anything is removed.
fn clear_previous(out: &Path) -> Result<()> {
    let returns = out.join("returns");
    if !returns.exists() {
        return Ok(());
    }
    let listed: std::collections::HashSet<std::path::PathBuf> =
        std::fs::read_to_string(out.join("samples_manifest.json"))
            .ok()
            .and_then(|t| serde_json::from_str::<SampleSummary>(&t).ok())
            .map(|old| old.returns.iter().map(|f| returns.join(&f.path)).collect())
            .unwrap_or_default();
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    let mut stack = vec![returns.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).with_context(|| format!("无法读取 {}", dir.display()))?
        {
            let p = e?.path();
            if p.is_dir() {
                stack.push(p.clone());
                dirs.push(p);
            } else {
                anyhow::ensure!(
                    listed.contains(&p),
                    "{} 中已有其他文件（{}）：请换一个输出文件夹，或先清空它",
                    returns.display(),
                    p.display()
                );
                files.push(p);
            }
        }
    }
    for p in files {
        std::fs::remove_file(&p).with_context(|| format!("无法删除上次生成的 {}", p.display()))?;
    }
    // Deepest first; a folder that is not empty is kept.
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for d in dirs {
        let _ = std::fs::remove_dir(d);
    }
    Ok(())
}

/// A sub-seed for item `i` (splitmix64 of seed and index).
fn sub_seed(seed: u64, i: u64) -> u64 {
    let mut z = seed ^ i.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The period as it is written in file names: `3月`, `一季度`, `第12周`.
fn short_label(p: &Period) -> String {
    match p.kind {
        PeriodKind::Month => format!("{}月", p.index),
        PeriodKind::Quarter => format!("{}季度", ["一", "二", "三", "四"][(p.index - 1) as usize]),
        PeriodKind::Week => format!("第{}周", p.index),
    }
}

fn pick<'a, T>(rng: &mut impl Rng, xs: &'a [T]) -> &'a T {
    &xs[rng.random_range(0..xs.len())]
}

fn person(rng: &mut impl Rng) -> String {
    format!("{}{}", pick(rng, vocab::SURNAMES), pick(rng, vocab::GIVEN))
}

fn phone(rng: &mut impl Rng) -> String {
    if rng.random_bool(0.7) {
        format!(
            "1{}{:09}",
            pick(rng, &[3, 5, 8, 9]),
            rng.random_range(0..1_000_000_000u32)
        )
    } else {
        format!("0469-{:07}", rng.random_range(4_000_000..9_000_000u32))
    }
}

fn days(n: i64) -> Duration {
    Duration::days(n)
}

fn year_end(y: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, 12, 31).unwrap()
}

fn month_end(d: NaiveDate) -> NaiveDate {
    crate::period::last_day_of_month(d.year(), d.month())
}
