//! Flags + config file → what a command runs with.

use std::path::{Path, PathBuf};

use anstream::eprintln;
use anyhow::Result;

use super::args::Common;
use crate::archive;
use crate::config::Config;
use crate::history::History;
use crate::pipeline::RunInputs;

/// Load the config named by `--config`, else `./duban.toml` if present, else defaults.
pub(super) fn load_config(common: &Common) -> Result<Config> {
    match &common.config {
        Some(p) => Config::load(p),
        None => {
            let p = Path::new("duban.toml");
            if p.is_file() {
                Config::load(p)
            } else {
                Ok(Config::default())
            }
        }
    }
}

pub(super) fn need<T>(v: Option<T>, what: &str, flag: &str) -> Result<T> {
    v.ok_or_else(|| anyhow::anyhow!("缺少{what}：请用 {flag} 指定，或写在 duban.toml 中"))
}

/// Flags win over the config file; relative config paths are relative to the config's folder.
pub(super) fn resolve_inputs(
    common: &Common,
    returns: Option<&PathBuf>,
    mut config: Config,
    out_for_history: Option<&Path>,
) -> Result<RunInputs> {
    let period = need(
        common.period.or(config.period),
        "报送期次",
        "--period 2023-03",
    )?;
    let ledger = match &common.ledger {
        Some(p) => p.clone(),
        None => config.resolve(&need(
            config.ledger.clone(),
            "台账文件",
            "--ledger 台账.xlsx",
        )?),
    };
    let returns = match returns {
        Some(p) => p.clone(),
        None => config.resolve(&need(
            config.returns.clone(),
            "反馈表文件夹",
            "--returns <文件夹>",
        )?),
    };
    config.retarget(period);
    if let Some(a) = common.as_of {
        config.as_of = Some(a);
    }
    if let Some(d) = common.due {
        config.report_deadline = Some(d);
    }
    config.period = Some(period);
    let as_of = config.as_of_for(&period);
    let report_deadline = config.deadline_for(&period);
    let history = match out_for_history {
        Some(out) => {
            let (h, warnings) = archive::load_history(out, &period);
            for w in warnings {
                eprintln!("提醒: {w}");
            }
            h
        }
        None => History::default(),
    };
    Ok(RunInputs {
        ledger,
        returns,
        period,
        as_of,
        report_deadline,
        config,
        history,
    })
}
