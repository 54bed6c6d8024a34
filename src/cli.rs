//! Command-line interface (clap derive). The doc comment of every field is its `--help`.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

use crate::config::Preset;
use crate::period::Period;

const ABOUT: &str = "督办 duban — 重点工作推进情况反馈表批量核查、汇总、亮牌与排名

读取各单位报回的反馈表（xlsx/xls/xlsm/xlsb/ods/csv），逐格核查、合并，
计算序时进度与滞后，按规则亮牌，为各单位打分排名，输出汇总工作簿、
退回通知、下期表单和归档。";

const AFTER_HELP: &str = "示例:
  duban init 督办2023                          生成工作文件夹（台账模板、配置、returns/）
  duban forms --ledger 台账.xlsx --period 2023-03 --out 下发表单
  duban check --ledger 台账.xlsx --returns returns --period 2023-03
  duban run --ledger 台账.xlsx --returns returns --period 2023-03 --out out
  duban run --config samples/duban.toml        配置文件提供全部参数（命令行参数优先）
  duban samples --out demo --units 30 --tasks 200 --messy 0.2 --seed 7";

#[derive(Debug, Parser)]
#[command(name = "duban", version, about = ABOUT, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Worker threads for reading files (default: all cores). Results are identical for any count.
    #[arg(long, global = true, value_name = "N")]
    pub threads: Option<usize>,

    /// Print only errors (no progress bar, no summary).
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 立项: create a working folder with a blank ledger, a commented duban.toml and returns/.
    Init(InitArgs),
    /// 交办: write one fill-in form per unit for its tasks due in the period.
    Forms(FormsArgs),
    /// 核查: check every returned form and list the issues (writes nothing but --json).
    Check(CheckArgs),
    /// Check, merge, card, score and rank; write the consolidated workbook, notices, next forms and the archive.
    Run(RunArgs),
    /// Generate a realistic, seeded data set (ledger + returns) for demos, tests and benchmarks.
    Samples(SamplesArgs),
}

/// Options shared by the commands that read a ledger.
#[derive(Debug, Args, Clone, Default)]
pub struct Common {
    /// Config file (duban.toml). Default: ./duban.toml when present. Flags win over it.
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Master ledger workbook (台账.xlsx).
    #[arg(long, short = 'l', value_name = "FILE")]
    pub ledger: Option<PathBuf>,

    /// Reporting period: 2023-03 (month), 2023-Q1 (quarter) or 2023-W12 (ISO week).
    #[arg(long, short = 'p', value_name = "PERIOD", value_parser = parse_period)]
    pub period: Option<Period>,

    /// As-of date for planned progress (default: last day of the period).
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    pub as_of: Option<NaiveDate>,

    /// Reporting deadline: forms filled after it are late (default: period end + 5 days).
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    pub due: Option<NaiveDate>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to create (default: the current folder).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Overwrite existing ledger/config files.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct FormsArgs {
    #[command(flatten)]
    pub common: Common,
    /// Output folder for the forms.
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub common: Common,
    /// Folder of returned forms (searched recursively).
    #[arg(long, short = 'r', value_name = "DIR")]
    pub returns: Option<PathBuf>,
    /// Write the machine-readable summary to this file ('-' for standard output).
    #[arg(long, value_name = "PATH")]
    pub json: Option<String>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub common: Common,
    /// Folder of returned forms (searched recursively).
    #[arg(long, short = 'r', value_name = "DIR")]
    pub returns: Option<PathBuf>,
    /// Output folder (workbooks, notices, next forms, archive/).
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Card rules: red-yellow-blue (红黄蓝牌, default) or yellow-orange-red (黄橙红牌).
    #[arg(long, value_enum, value_name = "PRESET")]
    pub preset: Option<Preset>,
    /// Write the machine-readable summary to this file ('-' for standard output).
    #[arg(long, value_name = "PATH")]
    pub json: Option<String>,
    /// Replace an existing archive of the same period.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct SamplesArgs {
    /// Output folder (ledger, returns/, duban.toml).
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: PathBuf,
    /// Number of units.
    #[arg(long, default_value_t = 15)]
    pub units: u32,
    /// Number of tasks in the ledger.
    #[arg(long, default_value_t = 60)]
    pub tasks: u32,
    /// Share of returns written in a messy way (0–1).
    #[arg(long, default_value_t = 0.2)]
    pub messy: f64,
    /// Random seed: the same seed gives the same files.
    #[arg(long, default_value_t = 2023)]
    pub seed: u64,
    /// Period of the returns.
    #[arg(long, default_value = "2023-03", value_parser = parse_period)]
    pub period: Period,
    /// Replace the output folder's existing files.
    #[arg(long)]
    pub force: bool,
}

fn parse_period(s: &str) -> Result<Period, String> {
    s.parse::<Period>().map_err(|e| e.to_string())
}

fn parse_date_arg(s: &str) -> Result<NaiveDate, String> {
    crate::value::parse_date_text(s, 2000)
        .filter(|_| s.chars().filter(|c| c.is_ascii_digit()).count() >= 6)
        .ok_or_else(|| format!("无法识别的日期“{s}”：请写成 2023-03-31"))
}
