//! `duban.toml`: every setting with a documented default (templates/duban.toml).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::period::Period;

mod check;

/// Which card rules to apply (SPEC §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Preset {
    /// 红黄蓝牌（默认）
    #[default]
    RedYellowBlue,
    /// 黄橙红牌
    YellowOrangeRed,
}

impl Preset {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Preset::RedYellowBlue => "red-yellow-blue",
            Preset::YellowOrangeRed => "yellow-orange-red",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct RedYellowBlue {
    pub(crate) blue_lag: f64,
    pub(crate) yellow_planned: f64,
    pub(crate) red_lag: f64,
    pub(crate) red_lowered: f64,
    pub(crate) red_repeat_periods: u32,
}

impl Default for RedYellowBlue {
    fn default() -> Self {
        RedYellowBlue {
            blue_lag: 10.0,
            yellow_planned: 20.0,
            red_lag: 30.0,
            red_lowered: 5.0,
            red_repeat_periods: 3,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct YellowOrangeRed {
    pub(crate) orange_lag: f64,
    pub(crate) red_orange_count: u32,
    pub(crate) yellow_form_errors: u32,
}

impl Default for YellowOrangeRed {
    fn default() -> Self {
        YellowOrangeRed {
            orange_lag: 15.0,
            red_orange_count: 2,
            yellow_form_errors: 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct Rules {
    pub(crate) red_yellow_blue: RedYellowBlue,
    pub(crate) yellow_orange_red: YellowOrangeRed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct ScoreWeights {
    pub(crate) progress: f64,
    pub(crate) completion: f64,
    pub(crate) reporting: f64,
    pub(crate) quality: f64,
    pub(crate) deduct_red: f64,
    pub(crate) deduct_orange: f64,
    pub(crate) deduct_yellow: f64,
    pub(crate) deduct_blue: f64,
    pub(crate) evaluation_share: f64,
    pub(crate) eval_self: f64,
    pub(crate) eval_team: f64,
    pub(crate) eval_public: f64,
    pub(crate) eval_leader: f64,
}

impl Default for ScoreWeights {
    fn default() -> Self {
        ScoreWeights {
            progress: 40.0,
            completion: 20.0,
            reporting: 20.0,
            quality: 20.0,
            deduct_red: 10.0,
            deduct_orange: 6.0,
            deduct_yellow: 3.0,
            deduct_blue: 1.0,
            evaluation_share: 0.0,
            eval_self: 0.1,
            eval_team: 0.3,
            eval_public: 0.3,
            eval_leader: 0.3,
        }
    }
}

/// The 年度考评 of a year's roll-up (`[annual]`): how much the 评价
/// sheet counts and what 落实不力 costs. The evaluation weights are
/// `[score]`'s `eval_*`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AnnualWeights {
    /// Share of the weighted 评价 average in the annual score (0–1).
    pub annual_evaluation_share: f64,
    /// Points off per period whose form was late.
    pub deduct_late: f64,
    /// Points off per period with tasks due and no accepted form.
    pub deduct_unreported: f64,
}

impl Default for AnnualWeights {
    fn default() -> Self {
        AnnualWeights {
            annual_evaluation_share: 0.3,
            deduct_late: 1.0,
            deduct_unreported: 2.0,
        }
    }
}

/// Resource limits that keep a hostile or broken file from taking the batch down.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Files larger than this are refused before reading.
    pub(crate) max_file_bytes: u64,
    /// Cells kept per workbook (sparse; about 150 bytes each in memory);
    /// also caps the dense grid calamine may build for .xls/.ods (≤ 2M).
    pub(crate) max_cells: u64,
    /// Rows read per sheet; values below it reject the form (never a silent cut).
    pub(crate) max_rows: u32,
    /// Total real inflated size of a zip's members; also the bytes parsed at
    /// once across all threads (the memory budget).
    pub(crate) max_inflated_bytes: u64,
    /// Files a `.zip` attachment may hold (nested zips' members counted too).
    pub(crate) max_zip_members: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 50 * 1024 * 1024,
            max_cells: 2_000_000,
            max_rows: 1_048_576,
            max_inflated_bytes: 200 * 1024 * 1024,
            max_zip_members: 1000,
        }
    }
}

/// The supervision office itself (`[office]`): who signs every notice and
/// document, and the prefix of its document numbers (文号).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct Office {
    /// Full name, as in the 版头 and the 落款 (四方台区人民政府督查室).
    pub(crate) name: String,
    /// Short name used in running text (区政府督查室).
    pub(crate) short_name: String,
    /// Prefix of document numbers: `四政督` gives `四政督〔2026〕12号`.
    pub(crate) doc_prefix: String,
    /// Contact person printed on notices and letters.
    pub(crate) contact: String,
    /// Contact telephone.
    pub(crate) phone: String,
}

impl Default for Office {
    fn default() -> Self {
        Office {
            name: "督查室".into(),
            short_name: "督查室".into(),
            doc_prefix: "督".into(),
            contact: String::new(),
            phone: String::new(),
        }
    }
}

/// The whole configuration. Paths are resolved against `base_dir`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct Config {
    pub(crate) period: Option<Period>,
    pub(crate) as_of: Option<NaiveDate>,
    pub(crate) report_deadline: Option<NaiveDate>,
    pub(crate) deadline_days: u32,
    /// Judge a form without 填报日期 late by its file time (the old rule;
    /// off by default: e-mail and USB copies change file times).
    pub(crate) late_by_file_time: bool,
    pub(crate) ledger: Option<PathBuf>,
    pub(crate) returns: Option<PathBuf>,
    pub(crate) out: Option<PathBuf>,
    pub(crate) preset: Preset,
    pub(crate) near_deadline_days: u32,
    pub(crate) default_working_days: u32,
    pub(crate) holidays: Vec<NaiveDate>,
    pub(crate) workdays: Vec<NaiveDate>,
    pub(crate) rules: Rules,
    pub(crate) score: ScoreWeights,
    /// The year's roll-up (`[annual]`).
    pub(crate) annual: AnnualWeights,
    pub(crate) limits: Limits,
    /// The office that signs notices and documents (`[office]`).
    pub(crate) office: Office,
    /// Date notices and documents are issued on (成文日期); `--issue-date`
    /// wins; the command line resolves it to today when neither gives one.
    pub(crate) issue_date: Option<NaiveDate>,
    /// Working days after the issue date by which returned rows are resent.
    pub(crate) resubmit_working_days: u32,
    /// How the Word documents look (`[documents]`: fonts and sizes).
    pub(crate) documents: crate::report::docx::DocumentStyle,
    /// The archive of every period (history lives here): default `archive`
    /// beside the config file; `--archive` wins. Independent of `out`.
    pub(crate) archive: Option<PathBuf>,
    /// Folder the config file is in (not read from the file).
    #[serde(skip)]
    pub(crate) base_dir: PathBuf,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            period: None,
            as_of: None,
            report_deadline: None,
            deadline_days: 5,
            late_by_file_time: false,
            ledger: None,
            returns: None,
            out: None,
            preset: Preset::default(),
            near_deadline_days: 7,
            default_working_days: 5,
            holidays: Vec::new(),
            workdays: Vec::new(),
            rules: Rules::default(),
            score: ScoreWeights::default(),
            annual: AnnualWeights::default(),
            limits: Limits::default(),
            office: Office::default(),
            issue_date: None,
            resubmit_working_days: 3,
            documents: Default::default(),
            archive: None,
            base_dir: PathBuf::from("."),
        }
    }
}

impl Config {
    /// Parse a config from TOML text.
    /// A TOML error is told in Chinese, with the line and the key.
    pub(crate) fn from_toml(text: &str, base_dir: &Path) -> Result<Config> {
        let mut c: Config =
            toml::from_str(text).map_err(|e| anyhow::anyhow!("{}", check::toml_error(text, &e)))?;
        c.base_dir = base_dir.to_path_buf();
        Ok(c)
    }

    /// Load `path`; its folder becomes the base for relative paths.
    pub(crate) fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("无法读取配置文件 {}", path.display()))?;
        let base = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let config = Config::from_toml(&text, &base)
            .with_context(|| format!("配置文件 {} 格式有误", path.display()))?;
        let problems = config.problems();
        if !problems.is_empty() {
            anyhow::bail!(
                "配置文件 {} 有误，请修改后再运行：\n  - {}",
                path.display(),
                problems.join("\n  - ")
            );
        }
        Ok(config)
    }

    /// Resolve a path from the config against its folder.
    pub(crate) fn resolve(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.base_dir.join(p)
        }
    }

    /// Make `period` the config's period. The configured as-of date,
    /// reporting deadline and issue date belong to the configured period, so
    /// when `period` is another one they are dropped and that period's
    /// defaults apply.
    pub(crate) fn retarget(&mut self, period: Period) {
        if self.period.is_some_and(|p| p != period) {
            self.as_of = None;
            self.report_deadline = None;
            self.issue_date = None;
        }
        self.period = Some(period);
    }

    /// The working-day calendar: configured holidays and 调休 working days.
    pub(crate) fn calendar(&self) -> Calendar {
        Calendar::new(&self.holidays, &self.workdays, self.default_working_days)
    }

    /// The date notices and documents are issued on (成文日期): the
    /// resolved `issue_date` (the command line sets it: flag, config or
    /// today), else the as-of date.
    pub(crate) fn issued_on(&self, period: &Period) -> NaiveDate {
        self.issue_date.unwrap_or_else(|| self.as_of_for(period))
    }

    /// The as-of date for a period: configured, else the period's last day.
    pub(crate) fn as_of_for(&self, period: &Period) -> NaiveDate {
        self.as_of.unwrap_or_else(|| period.end())
    }

    /// The reporting deadline for a period.
    pub(crate) fn deadline_for(&self, period: &Period) -> NaiveDate {
        self.report_deadline
            .unwrap_or_else(|| period.end() + chrono::Duration::days(self.deadline_days as i64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_template_parses_to_defaults() {
        let c = Config::from_toml(crate::templates::DEFAULT_CONFIG_TOML, Path::new(".")).unwrap();
        let d = Config::default();
        assert_eq!(c.rules, d.rules);
        assert_eq!(c.score, d.score);
        assert_eq!(c.annual, d.annual);
        assert_eq!(c.limits, d.limits);
        assert_eq!(c.preset, Preset::RedYellowBlue);
        assert_eq!(c.near_deadline_days, 7);
        assert_eq!(c.ledger.as_deref(), Some(Path::new("台账.xlsx")));
    }

    #[test]
    fn partial_config() {
        let c = Config::from_toml(
            "period = \"2023-Q1\"\npreset = \"yellow-orange-red\"\n[rules.red_yellow_blue]\nblue_lag = 12\n",
            Path::new("/x"),
        )
        .unwrap();
        assert_eq!(c.period, Some(Period::quarter(2023, 1)));
        assert_eq!(c.preset, Preset::YellowOrangeRed);
        assert_eq!(c.rules.red_yellow_blue.blue_lag, 12.0);
        assert_eq!(c.rules.red_yellow_blue.red_lag, 30.0);
        assert_eq!(c.resolve(Path::new("a.xlsx")), PathBuf::from("/x/a.xlsx"));
    }

    #[test]
    fn another_period_drops_the_configured_dates() {
        let text =
            "period = \"2023-03\"\nas_of = \"2023-03-31\"\nreport_deadline = \"2023-04-05\"\n";
        let mut c = Config::from_toml(text, Path::new(".")).unwrap();
        c.retarget(Period::month(2023, 3));
        assert_eq!(
            c.as_of_for(&Period::month(2023, 3)).to_string(),
            "2023-03-31"
        );
        let april = Period::month(2023, 4);
        c.retarget(april);
        assert_eq!(c.as_of_for(&april).to_string(), "2023-04-30");
        assert_eq!(c.deadline_for(&april).to_string(), "2023-05-05");
    }

    #[test]
    fn unknown_key_is_an_error() {
        assert!(Config::from_toml("peroid = \"2023-03\"", Path::new(".")).is_err());
    }
}
