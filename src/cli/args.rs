//! Command-line interface (clap derive). The doc comment of every field is its `--help`.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

use super::settings::Flags;
use crate::config::Preset;
use crate::period::Period;
use crate::rollup::Span;

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
  duban docs                                   改了公文模板或 [office] 后重新生成公文
  duban rollup 2026-Q4                         汇总已归档的第四季度各月（也可 2026-H2、2026）
  duban samples --out demo --units 30 --tasks 200 --messy 0.2 --seed 7";

/// Chinese section headings for every `--help`.
const HELP_TEMPLATE: &str = "{about-with-newline}\n用法: {usage}\n\n{all-args}{after-help}";

#[derive(Debug, Parser)]
#[command(
    name = "duban",
    version,
    override_usage = "duban [选项] <命令>",
    about = ABOUT,
    after_help = AFTER_HELP,
    help_template = HELP_TEMPLATE,
    subcommand_help_heading = "命令",
    subcommand_value_name = "命令",
    next_help_heading = "选项",
    disable_help_subcommand = true,
    disable_help_flag = true,
    disable_version_flag = true
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,

    /// 读取文件的线程数（默认：全部 CPU 核心）。线程数不影响结果
    #[arg(long, global = true, value_name = "N")]
    pub(crate) threads: Option<usize>,

    /// 只输出错误（不显示进度条和结果摘要）
    #[arg(long, short, global = true)]
    pub(crate) quiet: bool,

    /// 显示帮助
    #[arg(short = 'h', long = "help", action = clap::ArgAction::Help, global = true)]
    help: Option<bool>,

    /// 显示版本
    #[arg(short = 'V', long = "version", action = clap::ArgAction::Version)]
    version: Option<bool>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// 立项：生成工作文件夹（台账模板、带说明的 duban.toml、returns/ 文件夹）
    Init(InitArgs),
    /// 交办：按星级频次为每个单位生成本期应报事项的反馈表
    Forms(FormsArgs),
    /// 核查：逐格检查各单位报回的反馈表并列出问题（除 --json 外不写任何文件）
    Check(CheckArgs),
    /// 核查、汇总、亮牌、评分排名，输出汇总工作簿、退回通知、下期表单、公文并归档
    Run(RunArgs),
    /// 按归档的结果重新生成公文（通报、督办函件、约谈名单），不再读取反馈表
    Docs(DocsArgs),
    /// 按季度、半年或全年汇总已归档的各期结果（晒单、年度考评），不再读取反馈表
    Rollup(RollupArgs),
    /// 生成示例数据（台账 + 各单位反馈表，可指定规模与不规范比例），用于演示、测试和性能测试
    Samples(SamplesArgs),
}

/// Options shared by the commands that read a ledger.
#[derive(Debug, Args, Clone, Default)]
pub(crate) struct Common {
    /// 配置文件 duban.toml（默认：当前文件夹中的 duban.toml）。命令行参数优先于配置文件
    #[arg(long, short = 'c', value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,

    /// 重点工作台账（台账.xlsx）
    #[arg(long, short = 'l', value_name = "FILE")]
    pub(crate) ledger: Option<PathBuf>,

    /// 报送期次：2023-03 或 2023年3月（月）、2023-Q1 或 2023年第一季度（季度）、2023-W12 或 2023年第12周（周）
    #[arg(long, short = 'p', value_name = "PERIOD", value_parser = parse_period)]
    pub(crate) period: Option<Period>,

    /// 统计截止日期，用于计算序时进度（默认：期次最后一天）
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    pub(crate) as_of: Option<NaiveDate>,

    /// 报送截止日期，晚于此日期填报的视为迟报（默认：期次结束后 5 天）
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    pub(crate) due: Option<NaiveDate>,

    /// 成文日期：通知、公文的落款日期，补报期限从此日起算（默认：今天）
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    pub(crate) issue_date: Option<NaiveDate>,

    /// 归档文件夹：各期收到的文件和结果，下期据此比对（默认：duban.toml 旁的 archive/；没有配置文件时为输出文件夹中的 archive/）
    #[arg(long, value_name = "DIR")]
    pub(crate) archive: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(
    help_template = HELP_TEMPLATE,
    next_help_heading = "选项",
    override_usage = "duban init [文件夹] [选项]"
)]
pub(crate) struct InitArgs {
    /// 要创建的文件夹（默认：当前文件夹）
    #[arg(default_value = ".", hide_default_value = true, value_name = "文件夹")]
    pub(crate) dir: PathBuf,
    /// 覆盖已有的台账和配置文件
    #[arg(long)]
    pub(crate) force: bool,
}

#[derive(Debug, Args)]
#[command(
    help_template = HELP_TEMPLATE,
    next_help_heading = "选项",
    override_usage = "duban forms [选项]"
)]
pub(crate) struct FormsArgs {
    #[command(flatten)]
    pub(crate) common: Common,
    /// 表单输出文件夹（默认：下发表单）
    #[arg(long, short = 'o', value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(
    help_template = HELP_TEMPLATE,
    next_help_heading = "选项",
    override_usage = "duban check [选项]"
)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub(crate) common: Common,
    /// 各单位报回的反馈表所在文件夹（含子文件夹）
    #[arg(long, short = 'r', value_name = "DIR")]
    pub(crate) returns: Option<PathBuf>,
    /// 把机读结果（JSON）写入此文件；“-”表示输出到屏幕
    #[arg(long, value_name = "PATH")]
    pub(crate) json: Option<String>,
}

#[derive(Debug, Args)]
#[command(
    help_template = HELP_TEMPLATE,
    next_help_heading = "选项",
    override_usage = "duban run [选项]"
)]
pub(crate) struct RunArgs {
    #[command(flatten)]
    pub(crate) common: Common,
    /// 各单位报回的反馈表所在文件夹（含子文件夹）
    #[arg(long, short = 'r', value_name = "DIR")]
    pub(crate) returns: Option<PathBuf>,
    /// 输出文件夹（汇总工作簿、反馈/、下期表单/）
    #[arg(long, short = 'o', value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// 亮牌规则：red-yellow-blue（红黄蓝牌，默认）或 yellow-orange-red（黄橙红牌）
    #[arg(long, value_enum, value_name = "PRESET", hide_possible_values = true)]
    pub(crate) preset: Option<PresetArg>,
    /// 把机读结果（JSON）写入此文件；“-”表示输出到屏幕
    #[arg(long, value_name = "PATH")]
    pub(crate) json: Option<String>,
    /// 用本次结果替换同一期次最近一轮的归档
    #[arg(long, conflicts_with = "resubmit")]
    pub(crate) force: bool,
    /// 补报：单位重新报送后再次汇总，另存为该期的下一轮（第2轮、第3轮……），此前各轮原样保留
    #[arg(long)]
    pub(crate) resubmit: bool,
}

#[derive(Debug, Args)]
#[command(
    help_template = HELP_TEMPLATE,
    next_help_heading = "选项",
    override_usage = "duban docs [选项]",
    after_help = DOCS_AFTER_HELP
)]
pub(crate) struct DocsArgs {
    /// 配置文件 duban.toml（默认：当前文件夹中的 duban.toml）。公文模板.toml 在它旁边
    #[arg(long, short = 'c', value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// 报送期次：2023-03（月）、2023-Q1（季度）或 2023-W12（周）
    #[arg(long, short = 'p', value_name = "PERIOD", value_parser = parse_period)]
    pub(crate) period: Option<Period>,
    /// 输出文件夹（公文写入其中的 公文/）
    #[arg(long, short = 'o', value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// 归档文件夹（默认：duban.toml 旁的 archive/），公文数据从该期最新一轮的归档读取
    #[arg(long, value_name = "DIR")]
    pub(crate) archive: Option<PathBuf>,
    /// 把机读结果（JSON，含 documents）写入此文件；“-”表示输出到屏幕
    #[arg(long, value_name = "PATH")]
    pub(crate) json: Option<String>,
    /// 成文日期（默认：配置文件的 issue_date，否则 duban run 当时的成文日期）
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    pub(crate) issue_date: Option<NaiveDate>,
}

const DOCS_AFTER_HELP: &str = "示例:
  duban docs                                  按 duban.toml 的期次重新生成 out/公文/
  duban docs --period 2023-03 --issue-date 2023-04-10
修改措辞：在 duban.toml 旁新建 公文模板.toml，只写要改的项（见 README）；
修改督查室名称、文号前缀、联系人：改 duban.toml 的 [office]。";

#[derive(Debug, Args)]
#[command(
    help_template = HELP_TEMPLATE,
    next_help_heading = "选项",
    override_usage = "duban rollup <期间> [选项]",
    after_help = ROLLUP_AFTER_HELP
)]
pub struct RollupArgs {
    /// 汇总期间：2026-Q4 或 2026年第四季度（季度）、2026-H2 或 2026年下半年（半年）、2026 或 2026年（全年）
    #[arg(value_name = "期间", value_parser = parse_span)]
    pub span: Span,
    /// 配置文件 duban.toml（默认：当前文件夹中的 duban.toml）
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// 归档文件夹（默认：duban.toml 旁的 archive/），各期结果从每期最新一轮的归档读取
    #[arg(long, value_name = "DIR")]
    pub archive: Option<PathBuf>,
    /// 输出文件夹（默认：配置文件的 out）
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// 把机读结果（JSON）写入此文件；“-”表示输出到屏幕
    #[arg(long, value_name = "PATH")]
    pub json: Option<String>,
    /// 不按 SHA256SUMS 校验归档（归档文件缺失或被改动时仍汇总；结果注明“未校验”）
    #[arg(long)]
    pub no_verify: bool,
    /// 通报的成文日期（默认：配置文件的 issue_date，否则今天）
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    pub issue_date: Option<NaiveDate>,
}

const ROLLUP_AFTER_HELP: &str = "示例:
  duban rollup 2026-Q4                         在工作文件夹中汇总第四季度
  duban rollup 2026年下半年 --json 下半年.json
  duban rollup 2026                            全年汇总，含年度考评（[annual]）";

#[derive(Debug, Args)]
#[command(
    help_template = HELP_TEMPLATE,
    next_help_heading = "选项",
    override_usage = "duban samples --out <DIR> [选项]"
)]
pub(crate) struct SamplesArgs {
    /// 输出文件夹（台账.xlsx、returns/、duban.toml）
    #[arg(long, short = 'o', value_name = "DIR")]
    pub(crate) out: PathBuf,
    /// 单位数（默认 15）
    #[arg(long, default_value_t = 15, hide_default_value = true)]
    pub(crate) units: u32,
    /// 台账任务数（默认 60）
    #[arg(long, default_value_t = 60, hide_default_value = true)]
    pub(crate) tasks: u32,
    /// 格式不规范的反馈表所占比例（0–1，默认 0.2）
    #[arg(long, default_value_t = 0.2, hide_default_value = true)]
    pub(crate) messy: f64,
    /// 随机种子：相同种子生成完全相同的文件（默认 2023）
    #[arg(long, default_value_t = 2023, hide_default_value = true)]
    pub(crate) seed: u64,
    /// 反馈表的期次（默认 2023-03）
    #[arg(long, default_value = "2023-03", value_parser = parse_period, hide_default_value = true)]
    pub(crate) period: Period,
    /// 覆盖输出文件夹中已有的示例数据
    #[arg(long)]
    pub(crate) force: bool,
}

impl From<FormsArgs> for Flags {
    fn from(a: FormsArgs) -> Flags {
        Flags {
            common: a.common,
            out: a.out,
            ..Flags::default()
        }
    }
}

impl From<CheckArgs> for Flags {
    fn from(a: CheckArgs) -> Flags {
        Flags {
            common: a.common,
            returns: a.returns,
            json: a.json,
            ..Flags::default()
        }
    }
}

impl From<RunArgs> for Flags {
    fn from(a: RunArgs) -> Flags {
        Flags {
            common: a.common,
            returns: a.returns,
            out: a.out,
            preset: a.preset.map(Preset::from),
            json: a.json,
            force: a.force,
            resubmit: a.resubmit,
        }
    }
}

impl From<DocsArgs> for Flags {
    fn from(a: DocsArgs) -> Flags {
        Flags {
            common: Common {
                config: a.config,
                period: a.period,
                issue_date: a.issue_date,
                archive: a.archive,
                ..Common::default()
            },
            out: a.out,
            json: a.json,
            ..Flags::default()
        }
    }
}

impl From<&RollupArgs> for Flags {
    /// The span's last month stands as the period: a roll-up reads no
    /// period's dates, only the archive.
    fn from(a: &RollupArgs) -> Flags {
        Flags {
            common: Common {
                config: a.config.clone(),
                period: Some(a.span.last_month()),
                archive: a.archive.clone(),
                issue_date: a.issue_date,
                ..Common::default()
            },
            out: a.out.clone(),
            json: a.json.clone(),
            ..Flags::default()
        }
    }
}

/// `--preset`: the command-line side of [`Preset`] (the config's types know
/// nothing of clap). The doc comments are the `--help` of the values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum PresetArg {
    /// 红黄蓝牌（默认）
    #[value(name = "red-yellow-blue")]
    RedYellowBlue,
    /// 黄橙红牌
    #[value(name = "yellow-orange-red")]
    YellowOrangeRed,
}

impl From<PresetArg> for Preset {
    fn from(p: PresetArg) -> Preset {
        match p {
            PresetArg::RedYellowBlue => Preset::RedYellowBlue,
            PresetArg::YellowOrangeRed => Preset::YellowOrangeRed,
        }
    }
}

fn parse_period(s: &str) -> Result<Period, String> {
    s.parse::<Period>().map_err(|e| e.to_string())
}

fn parse_span(s: &str) -> Result<Span, String> {
    s.parse::<Span>().map_err(|e| e.to_string())
}

fn parse_date_arg(s: &str) -> Result<NaiveDate, String> {
    crate::value::parse_date_text(s, 2000)
        .filter(|_| s.chars().filter(|c| c.is_ascii_digit()).count() >= 6)
        .ok_or_else(|| format!("无法识别的日期“{s}”：请写成 2023-03-31"))
}

#[cfg(test)]
mod tests {
    use clap::ValueEnum;

    use super::*;
    use crate::config::Config;

    #[test]
    fn preset_values_are_the_config_spellings() {
        for p in PresetArg::value_variants() {
            let name = p.to_possible_value().expect("not skipped");
            let text = Preset::from(*p).as_str();
            assert_eq!(name.get_name(), text);
            // The config file takes the same spelling.
            let toml = format!("preset = \"{text}\"");
            let config = Config::from_toml(&toml, std::path::Path::new(".")).expect("parses");
            let parsed = config.preset;
            assert_eq!(parsed, Preset::from(*p));
        }
        assert_eq!(PresetArg::value_variants().len(), 2);
    }
}
