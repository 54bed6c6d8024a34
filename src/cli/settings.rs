//! Flags + config file → one [`Settings`] value, resolved once before a
//! command runs (ripgrep's LowArgs → HiArgs): [`Flags`] is what the command
//! line said, [`Settings`] what the command runs with. Flags win over the
//! config file; relative paths in the config are relative to its folder.
//!
//! A new setting is one field in [`Flags`] (filled in args.rs from the clap
//! struct of the commands that take it), one field in [`Settings`] and its
//! resolution in [`Settings::resolve`]. A new command says what it cannot
//! run without in its [`Needs`].

use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::NaiveDate;

use super::args::Common;
use crate::config::{Config, Preset};
use crate::period::Period;
use crate::pipeline::RunInputs;
use crate::store::{history, layout};

/// The flags of one command line as typed, nothing resolved. A command
/// fills in those it has; the others keep their defaults.
#[derive(Debug, Clone, Default)]
pub(crate) struct Flags {
    /// `--config`, `--ledger`, `--period`, `--as-of`, `--due`, `--archive` ….
    pub(crate) common: Common,
    /// `--returns`.
    pub(crate) returns: Option<PathBuf>,
    /// `--out`.
    pub(crate) out: Option<PathBuf>,
    /// `--preset`.
    pub(crate) preset: Option<Preset>,
    /// `--json` (`-` for standard output).
    pub(crate) json: Option<String>,
    /// `--force`.
    pub(crate) force: bool,
    /// `--resubmit`.
    pub(crate) resubmit: bool,
}

/// What a command cannot run without.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Needs {
    /// The master ledger (`--ledger`, else `ledger` in the config); a
    /// command without it (`docs`) has an empty [`Settings::ledger`].
    pub(crate) ledger: bool,
    /// The folder of returned forms (`--returns`, else `returns` in the config).
    pub(crate) returns: bool,
    /// Where the output folder comes from.
    pub(crate) out: OutRule,
}

/// Where a command's output folder comes from.
#[derive(Debug, Clone, Copy)]
pub(crate) enum OutRule {
    /// `out` in the config if any: the command writes nothing there but
    /// reads the earlier periods archived in it (`check`).
    Optional,
    /// `--out`, else `out` in the config; the command cannot run without (`run`).
    Required,
    /// `--out`, else this folder beside the config file, whatever the
    /// config's `out` (`forms`: 下发表单).
    Beside(&'static str),
}

/// Where the `--json` summary goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum JsonDest {
    /// `--json -`: standard output (the terminal summary then goes to stderr).
    Stdout,
    /// A file, written atomically.
    File(PathBuf),
}

/// Everything a command that reads a ledger runs with: the config file
/// (or the defaults) with the flags applied, every path resolved and every
/// date worked out. Built once by [`Settings::resolve`]; read-only after.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    /// The config file's settings with the flags applied: its `period`,
    /// `as_of` and `report_deadline` are the resolved ones below, its
    /// `preset` is `--preset`, else the config's. The stages read the card
    /// rules, weights, limits and calendar from it.
    pub(crate) config: Config,
    /// `--period`, else `period` in the config.
    pub(crate) period: Period,
    /// Date planned progress is computed for: `--as-of`, else the config's
    /// `as_of` when the config is for this period, else the period's last day.
    pub(crate) as_of: NaiveDate,
    /// The as-of date when one was given (flag or config), `None` when
    /// [`Settings::as_of`] is the period's default.
    pub(crate) as_of_given: Option<NaiveDate>,
    /// The issue date when one was given (`--issue-date` or the config's
    /// `issue_date`), `None` when neither gave one (today is used).
    pub(crate) issue_date_given: Option<NaiveDate>,
    /// Reporting deadline: `--due`, else the config's `report_deadline` when
    /// the config is for this period, else period end + `deadline_days`.
    pub(crate) report_deadline: NaiveDate,
    /// The master ledger: `--ledger`, else `ledger` in the config (empty
    /// for a command that does not read it).
    pub(crate) ledger: PathBuf,
    /// The folder of returned forms: `--returns`, else `returns` in the
    /// config; set for a command that needs it ([`Settings::returns`]).
    returns: Option<PathBuf>,
    /// The output folder by the command's [`OutRule`] ([`Settings::out`]).
    out: Option<PathBuf>,
    /// `--json`.
    pub(crate) json: Option<JsonDest>,
    /// `--force`.
    pub(crate) force: bool,
    /// `--resubmit`: archive a new round of an archived period (补报).
    pub(crate) resubmit: bool,
    /// The archive of every period ([`archive_dir`]); None when there is
    /// none to read (`check` or `forms` with flags only).
    archive: Option<PathBuf>,
}

impl Settings {
    /// Load the config (`--config`, else `./duban.toml` if present, else
    /// the defaults) and resolve the flags against it. The first missing
    /// value is reported, in this order: output folder (when required),
    /// period, ledger, returns (when needed).
    pub(crate) fn resolve(flags: Flags, needs: Needs) -> Result<Settings> {
        let Flags {
            common,
            returns,
            out,
            preset,
            json,
            force,
            resubmit,
        } = flags;
        let (mut config, from_file) = load_config(common.config.as_deref())?;
        let paths = (|| {
            let configured_out = config.out.as_ref().map(|o| config.resolve(o));
            let out = match needs.out {
                OutRule::Required => Some(flag_or_config(out, &config, &config.out, MISSING_OUT)?),
                OutRule::Optional => out.or_else(|| configured_out.clone()),
                OutRule::Beside(dir) => Some(out.unwrap_or_else(|| config.resolve(Path::new(dir)))),
            };
            // The folder that held the archive before it moved beside the
            // config: the run's output folder (for `forms`, the config's).
            let run_out = match needs.out {
                OutRule::Beside(_) => configured_out.as_deref(),
                _ => out.as_deref(),
            };
            let archive = archive_dir(common.archive.clone(), &config, from_file, run_out);
            let period = need(common.period.or(config.period), MISSING_PERIOD)?;
            let ledger = if needs.ledger {
                flag_or_config(
                    common.ledger.clone(),
                    &config,
                    &config.ledger,
                    MISSING_LEDGER,
                )?
            } else {
                PathBuf::new()
            };
            let returns = if needs.returns {
                let configured = &config.returns;
                let base = flag_or_config(returns, &config, configured, MISSING_RETURNS)?;
                Some(returns_of_period(base, &period))
            } else {
                None
            };
            anyhow::Ok((out, archive, period, ledger, returns))
        })();
        let (out, archive, period, ledger, returns) = match paths {
            Ok(p) => p,
            // Outside a working folder, say so before naming a flag.
            Err(e) if !from_file => return Err(no_working_folder(e)),
            Err(e) => return Err(e),
        };

        // The config's dates belong to its own period: retargeting drops them
        // for another one, then the flags win.
        config.retarget(period);
        if let Some(d) = common.as_of {
            config.as_of = Some(d);
        }
        if let Some(d) = common.due {
            config.report_deadline = Some(d);
        }
        if let Some(p) = preset {
            config.preset = p;
        }
        // The dates against the period, each named by the flag or the key
        // that gave it (checked before today fills in the issue date).
        if let Some(d) = common.issue_date {
            config.issue_date = Some(d);
        }
        let flag = |given: bool, name| given.then_some(name);
        let problems = config.date_problems(
            &period,
            [
                flag(common.as_of.is_some(), "--as-of"),
                flag(common.due.is_some(), "--due"),
                flag(common.issue_date.is_some(), "--issue-date"),
            ],
        );
        if !problems.is_empty() {
            anyhow::bail!(
                "日期设置有误，请修改后再运行：\n  - {}",
                problems.join("\n  - ")
            );
        }
        // Notices and documents are dated: `--issue-date`, else the
        // config's, else today (fixed here, once, for the whole run).
        // `--issue-date` is in the config by now.
        let issue_date_given = config.issue_date;
        config.issue_date = Some(issue_date_given.unwrap_or_else(today));
        Ok(Settings {
            period,
            as_of: config.as_of_for(&period),
            as_of_given: config.as_of,
            issue_date_given,
            report_deadline: config.deadline_for(&period),
            ledger,
            returns,
            out,
            json: json.map(|j| match j.as_str() {
                "-" => JsonDest::Stdout,
                _ => JsonDest::File(PathBuf::from(j)),
            }),
            force,
            resubmit,
            archive,
            config,
        })
    }

    /// The archive folder, when there is one to read or write.
    pub(crate) fn archive(&self) -> Option<&Path> {
        self.archive.as_deref()
    }

    /// The round `check` reports: the one a run of the period would make
    /// now (1, or the next after the latest archived round).
    pub(crate) fn round_to_check(&self) -> u32 {
        self.archive()
            .and_then(|a| layout::latest_round(a, &self.period))
            .map_or(1, |n| n + 1)
    }

    /// The folder of returned forms.
    pub(crate) fn returns(&self) -> Result<&Path> {
        need(self.returns.as_deref(), MISSING_RETURNS)
    }

    /// The output folder.
    pub(crate) fn out(&self) -> Result<&Path> {
        need(self.out.as_deref(), MISSING_OUT)
    }

    /// Whether the `--json` summary goes to standard output.
    pub(crate) fn json_on_stdout(&self) -> bool {
        self.json == Some(JsonDest::Stdout)
    }

    /// The pipeline's inputs for `round`: these settings, the earlier
    /// periods archived and the files they received. Unreadable archives
    /// are skipped; the returned warnings say which, and say so when
    /// nothing earlier is archived (history rules were not applied).
    pub(crate) fn run_inputs(&self, round: u32) -> Result<(RunInputs, Vec<String>)> {
        let returns = self.returns()?.to_path_buf();
        let (history, archived, earlier_rounds, mut warnings) = match self.archive() {
            Some(dir) => {
                let (history, mut warnings) = history::load_history(dir, &self.period);
                let (archived, w) = history::archived_files(dir, &self.period);
                warnings.extend(w);
                let (earlier_rounds, w) = history::earlier_rounds(dir, &self.period, round);
                warnings.extend(w);
                (history, archived, earlier_rounds, warnings)
            }
            None => Default::default(),
        };
        if history.periods.is_empty() {
            warnings.push(no_history(&self.period, self.archive()));
        }
        let inputs = RunInputs {
            ledger: self.ledger.clone(),
            returns,
            period: self.period,
            as_of: self.as_of,
            report_deadline: self.report_deadline,
            config: self.config.clone(),
            history,
            round,
            archived,
            earlier_rounds,
        };
        Ok((inputs, warnings))
    }
}

/// The one line saying no earlier period was compared.
fn no_history(period: &Period, archive: Option<&Path>) -> String {
    let where_ = match archive {
        Some(dir) => format!("归档文件夹 {} 中没有 {period} 之前的期次", dir.display()),
        None => "未指定归档文件夹（--archive）".to_string(),
    };
    format!("{where_}，本期{}", history::NOT_COMPARED)
}

/// The archive folder: `--archive`; else, with a config file, its
/// `archive` (default `archive/` beside it) — unless that does not exist
/// and the output folder holds an `archive/` from before, which is still
/// used; with flags only, `archive/` in the output folder.
fn archive_dir(
    flag: Option<PathBuf>,
    config: &Config,
    from_file: bool,
    out: Option<&Path>,
) -> Option<PathBuf> {
    if flag.is_some() {
        return flag;
    }
    let legacy = out.map(|o| o.join(layout::ARCHIVE_DIR));
    if !from_file {
        return legacy;
    }
    let configured = config
        .archive
        .as_deref()
        .unwrap_or(Path::new(layout::ARCHIVE_DIR));
    let beside = config.resolve(configured);
    match legacy {
        Some(old) if !beside.exists() && old.is_dir() => Some(old),
        _ => Some(beside),
    }
}

/// `returns/<period>/` when it exists, else the returns folder itself.
fn returns_of_period(base: PathBuf, period: &Period) -> PathBuf {
    let own = base.join(period.to_string());
    if own.is_dir() {
        own
    } else {
        base
    }
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// What is missing, and the flag that gives it.
type Missing = (&'static str, &'static str);
const MISSING_OUT: Missing = ("输出文件夹", "--out <文件夹>");
const MISSING_PERIOD: Missing = ("报送期次", "--period 2023-03");
const MISSING_LEDGER: Missing = ("台账文件", "--ledger 台账.xlsx");
const MISSING_RETURNS: Missing = ("反馈表文件夹", "--returns <文件夹>");

fn need<T>(v: Option<T>, (what, flag): Missing) -> Result<T> {
    v.ok_or_else(|| anyhow::anyhow!("缺少{what}：请用 {flag} 指定，或写在 duban.toml 中"))
}

/// A path from its flag as given, else from the config, relative to the config's folder.
fn flag_or_config(
    flag: Option<PathBuf>,
    config: &Config,
    configured: &Option<PathBuf>,
    missing: Missing,
) -> Result<PathBuf> {
    match flag {
        Some(p) => Ok(p),
        None => Ok(config.resolve(need(configured.as_ref(), missing)?)),
    }
}

/// The config named by `--config`, else `./duban.toml` if present, else
/// the defaults; and whether it came from a file.
fn load_config(path: Option<&Path>) -> Result<(Config, bool)> {
    match path {
        Some(p) if !p.is_file() => anyhow::bail!(
            "找不到配置文件 {}：请检查路径；新建工作文件夹请运行 duban init <文件夹>",
            p.display()
        ),
        Some(p) => Ok((Config::load(p)?, true)),
        None => {
            let p = Path::new("duban.toml");
            if p.is_file() {
                Ok((Config::load(p)?, true))
            } else {
                Ok((Config::default(), false))
            }
        }
    }
}

/// A value is missing and there is no `duban.toml` to give it: the command
/// was run outside a working folder.
fn no_working_folder(missing: anyhow::Error) -> anyhow::Error {
    let here = std::env::current_dir()
        .map(|d| d.display().to_string())
        .unwrap_or_else(|_| ".".into());
    anyhow::anyhow!(
        "当前文件夹 {here} 中没有 duban.toml，这里不是工作文件夹（{missing}）。\n\
         请先进入工作文件夹（放 duban.toml 和 台账.xlsx 的文件夹）再运行；\
         还没有工作文件夹的，运行 duban init <文件夹> 新建一个；\
         也可以用 --config 指定 duban.toml。"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHECK: Needs = Needs {
        ledger: true,
        returns: true,
        out: OutRule::Optional,
    };

    fn config_file(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("duban.toml");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    fn flags(config: &Path) -> Flags {
        Flags {
            common: Common {
                config: Some(config.to_path_buf()),
                ..Common::default()
            },
            ..Flags::default()
        }
    }

    #[test]
    fn config_paths_are_relative_to_its_folder_and_flags_are_not() {
        let (dir, path) = config_file(
            "period = \"2023-03\"\nledger = \"台账.xlsx\"\nreturns = \"returns\"\nout = \"out\"\n",
        );
        let s = Settings::resolve(flags(&path), CHECK).unwrap();
        assert_eq!(s.ledger, dir.path().join("台账.xlsx"));
        assert_eq!(s.returns, Some(dir.path().join("returns")));
        assert_eq!(s.out, Some(dir.path().join("out")));

        let mut f = flags(&path);
        f.common.ledger = Some(PathBuf::from("别处/台账.xlsx"));
        f.returns = Some(PathBuf::from("收件"));
        let s = Settings::resolve(f, CHECK).unwrap();
        assert_eq!(s.ledger, PathBuf::from("别处/台账.xlsx"));
        assert_eq!(s.returns, Some(PathBuf::from("收件")));
    }

    #[test]
    fn flags_win_and_another_period_drops_the_configured_dates() {
        let (_dir, path) = config_file(
            "period = \"2023-03\"\nas_of = \"2023-03-20\"\nreport_deadline = \"2023-04-03\"\n\
             ledger = \"台账.xlsx\"\nreturns = \"r\"\npreset = \"yellow-orange-red\"\n",
        );
        let s = Settings::resolve(flags(&path), CHECK).unwrap();
        assert_eq!(s.as_of.to_string(), "2023-03-20");
        assert_eq!(s.as_of_given, s.config.as_of);
        assert_eq!(s.report_deadline.to_string(), "2023-04-03");
        assert_eq!(s.config.preset, Preset::YellowOrangeRed);

        let mut f = flags(&path);
        f.common.period = Some(Period::month(2023, 4));
        f.preset = Some(Preset::RedYellowBlue);
        let s = Settings::resolve(f, CHECK).unwrap();
        assert_eq!(s.period, Period::month(2023, 4));
        assert_eq!(s.as_of.to_string(), "2023-04-30");
        assert_eq!(s.as_of_given, None);
        assert_eq!(s.report_deadline.to_string(), "2023-05-05");
        assert_eq!(s.config.preset, Preset::RedYellowBlue);
        assert_eq!(s.config.period, Some(s.period));

        let mut f = flags(&path);
        f.common.as_of = NaiveDate::from_ymd_opt(2023, 3, 25);
        f.common.due = NaiveDate::from_ymd_opt(2023, 4, 10);
        let s = Settings::resolve(f, CHECK).unwrap();
        assert_eq!(s.as_of.to_string(), "2023-03-25");
        assert_eq!(s.as_of_given, Some(s.as_of));
        assert_eq!(s.report_deadline.to_string(), "2023-04-10");
    }

    #[test]
    fn output_folder_by_rule() {
        let (dir, path) = config_file(
            "period = \"2023-03\"\nledger = \"台账.xlsx\"\nreturns = \"r\"\nout = \"out\"\n",
        );
        let forms = Needs {
            ledger: true,
            returns: false,
            out: OutRule::Beside("下发表单"),
        };
        let s = Settings::resolve(flags(&path), forms).unwrap();
        assert_eq!(s.out, Some(dir.path().join("下发表单")));
        assert_eq!(s.returns, None);
        let mut f = flags(&path);
        f.out = Some(PathBuf::from("x"));
        assert_eq!(
            Settings::resolve(f, forms).unwrap().out,
            Some(PathBuf::from("x"))
        );
    }

    #[test]
    fn missing_values_name_their_flag_output_folder_first() {
        let (_dir, path) = config_file("");
        let run = Needs {
            ledger: true,
            returns: true,
            out: OutRule::Required,
        };
        let err = |f: Flags, n: Needs| format!("{:#}", Settings::resolve(f, n).unwrap_err());
        assert!(err(flags(&path), run).contains("缺少输出文件夹：请用 --out <文件夹> 指定"));
        assert!(err(flags(&path), CHECK).contains("缺少报送期次：请用 --period 2023-03 指定"));
        let mut f = flags(&path);
        f.common.period = Some(Period::month(2023, 3));
        assert!(err(f.clone(), CHECK).contains("缺少台账文件：请用 --ledger 台账.xlsx 指定"));
        f.common.ledger = Some(PathBuf::from("台账.xlsx"));
        assert!(err(f.clone(), CHECK).contains("缺少反馈表文件夹"));
        let forms = Needs {
            ledger: true,
            returns: false,
            out: OutRule::Beside("下发表单"),
        };
        assert!(Settings::resolve(f, forms).is_ok());
    }

    const RUN: Needs = Needs {
        ledger: true,
        returns: true,
        out: OutRule::Required,
    };

    #[test]
    fn the_archive_lives_beside_the_config_whatever_the_output_folder() {
        let (dir, path) = config_file(
            "period = \"2023-03\"\nledger = \"台账.xlsx\"\nreturns = \"r\"\nout = \"out\"\n",
        );
        let mut f = flags(&path);
        f.out = Some(dir.path().join("别处"));
        let s = Settings::resolve(f.clone(), RUN).unwrap();
        assert_eq!(s.archive(), Some(dir.path().join("archive").as_path()));
        // --archive wins.
        f.common.archive = Some(PathBuf::from("档案"));
        let s = Settings::resolve(f, RUN).unwrap();
        assert_eq!(s.archive(), Some(Path::new("档案")));
        // The config's archive, relative to it.
        let (dir, path) = config_file(
            "period = \"2023-03\"\nledger = \"l.xlsx\"\nreturns = \"r\"\nout = \"out\"\narchive = \"历年归档\"\n",
        );
        let s = Settings::resolve(flags(&path), RUN).unwrap();
        assert_eq!(s.archive(), Some(dir.path().join("历年归档").as_path()));
        // forms and check find it too.
        let forms = Needs {
            ledger: true,
            returns: false,
            out: OutRule::Beside("下发表单"),
        };
        let s = Settings::resolve(flags(&path), forms).unwrap();
        assert_eq!(s.archive(), Some(dir.path().join("历年归档").as_path()));
        let s = Settings::resolve(flags(&path), CHECK).unwrap();
        assert_eq!(s.archive(), Some(dir.path().join("历年归档").as_path()));
    }

    #[test]
    fn an_archive_left_in_the_output_folder_is_still_found() {
        let (dir, path) = config_file(
            "period = \"2023-03\"\nledger = \"l.xlsx\"\nreturns = \"r\"\nout = \"out\"\n",
        );
        let old = dir.path().join("out").join("archive");
        std::fs::create_dir_all(&old).unwrap();
        let s = Settings::resolve(flags(&path), RUN).unwrap();
        assert_eq!(s.archive(), Some(old.as_path()));
        // forms: the config's output folder, not the forms' own.
        let forms = Needs {
            ledger: true,
            returns: false,
            out: OutRule::Beside("下发表单"),
        };
        assert_eq!(
            Settings::resolve(flags(&path), forms).unwrap().archive(),
            Some(old.as_path())
        );
        // Once the archive beside the config exists, it is the one.
        std::fs::create_dir_all(dir.path().join("archive")).unwrap();
        let s = Settings::resolve(flags(&path), RUN).unwrap();
        assert_eq!(s.archive(), Some(dir.path().join("archive").as_path()));
    }

    #[test]
    fn without_a_config_file_the_archive_is_in_the_output_folder() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("没有配置");
        let f = Flags {
            common: Common {
                period: Some(Period::month(2023, 3)),
                ledger: Some(PathBuf::from("l.xlsx")),
                ..Common::default()
            },
            returns: Some(PathBuf::from("r")),
            out: Some(missing.join("out")),
            ..Flags::default()
        };
        // Run from a folder with no duban.toml (the tests' own folder has none).
        assert!(!Path::new("duban.toml").exists());
        let s = Settings::resolve(f.clone(), RUN).unwrap();
        assert_eq!(
            s.archive(),
            Some(missing.join("out").join("archive").as_path())
        );
        let mut f = f;
        f.out = None;
        assert_eq!(Settings::resolve(f, CHECK).unwrap().archive(), None);
    }

    #[test]
    fn returns_of_the_period_when_its_folder_exists() {
        let dir = tempfile::tempdir().unwrap();
        let p = Period::month(2026, 11);
        let base = dir.path().join("returns");
        std::fs::create_dir_all(&base).unwrap();
        assert_eq!(returns_of_period(base.clone(), &p), base);
        std::fs::create_dir_all(base.join("2026-11")).unwrap();
        assert_eq!(returns_of_period(base.clone(), &p), base.join("2026-11"));
        assert_eq!(
            returns_of_period(base.clone(), &Period::month(2026, 12)),
            base
        );
    }

    #[test]
    fn json_destination() {
        let (_dir, path) =
            config_file("period = \"2023-03\"\nledger = \"l.xlsx\"\nreturns = \"r\"\n");
        let mut f = flags(&path);
        f.json = Some("-".into());
        let s = Settings::resolve(f.clone(), CHECK).unwrap();
        assert!(s.json_on_stdout());
        f.json = Some("out.json".into());
        let s = Settings::resolve(f, CHECK).unwrap();
        assert_eq!(s.json, Some(JsonDest::File(PathBuf::from("out.json"))));
        assert!(!s.json_on_stdout());
    }

    #[test]
    fn outside_a_working_folder_suggests_init() {
        // The tests run in the crate's folder, which holds no duban.toml.
        assert!(!Path::new("duban.toml").exists());
        let run = Needs {
            ledger: true,
            returns: true,
            out: OutRule::Required,
        };
        let e = format!(
            "{:#}",
            Settings::resolve(Flags::default(), run).unwrap_err()
        );
        assert!(e.contains("中没有 duban.toml"), "{e}");
        assert!(e.contains("duban init"), "{e}");
        let f = Flags {
            common: Common {
                config: Some(PathBuf::from("没有这个/duban.toml")),
                ..Common::default()
            },
            ..Flags::default()
        };
        let e = format!("{:#}", Settings::resolve(f, run).unwrap_err());
        assert!(e.starts_with("找不到配置文件 没有这个/duban.toml"), "{e}");
        assert!(e.contains("duban init"), "{e}");
    }

    #[test]
    fn dates_outside_the_period_name_the_flag_or_key() {
        let (_dir, path) = config_file(
            "period = \"2023-03\"\nas_of = \"2023-04-02\"\nledger = \"l.xlsx\"\nreturns = \"r\"\n",
        );
        let e = format!("{:#}", Settings::resolve(flags(&path), CHECK).unwrap_err());
        assert!(
            e.contains("as_of = 2023-04-02 不在报送期次 2023年3月"),
            "{e}"
        );
        let mut f = flags(&path);
        f.common.as_of = NaiveDate::from_ymd_opt(2023, 2, 27);
        let e = format!("{:#}", Settings::resolve(f, CHECK).unwrap_err());
        assert!(e.contains("--as-of 2023-02-27 不在报送期次"), "{e}");
        // Another period drops the configured date.
        let mut f = flags(&path);
        f.common.period = Some(Period::month(2023, 4));
        assert!(Settings::resolve(f, CHECK).is_ok());
    }

    #[test]
    fn unreadable_config_names_the_file() {
        let (_dir, path) = config_file("peroid = \"2023-03\"\n");
        let e = format!("{:#}", Settings::resolve(flags(&path), CHECK).unwrap_err());
        assert!(e.contains("格式有误") && e.contains("duban.toml"), "{e}");
    }
}
