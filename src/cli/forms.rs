//! `duban forms`: one form per unit with its tasks due in the period.

use std::fs;
use std::path::Path;

use anstream::println;
use anstyle::Style;
use anyhow::{Context, Result};

use super::args::FormsArgs;
use super::settings::{load_config, need};
use super::terminal::Terminal;
use crate::calendar::Calendar;
use crate::ingest;
use crate::report;

pub(super) fn run(a: &FormsArgs, ui: &Terminal) -> Result<()> {
    let mut config = load_config(&a.common)?;
    let period = need(
        a.common.period.or(config.period),
        "报送期次",
        "--period 2023-03",
    )?;
    let ledger_path = match &a.common.ledger {
        Some(p) => p.clone(),
        None => config.resolve(&need(
            config.ledger.clone(),
            "台账文件",
            "--ledger 台账.xlsx",
        )?),
    };
    let out = match &a.out {
        Some(o) => o.clone(),
        None => config.resolve(Path::new("下发表单")),
    };
    config.retarget(period);
    let (ledger, ledger_issues) = ingest::read_ledger(&ledger_path, &config.limits)
        .with_context(|| format!("读取台账 {} 失败", ledger_path.display()))?;
    let cal = Calendar::new(
        &config.holidays,
        &config.workdays,
        config.default_working_days,
    );
    let deadline = a.common.due.unwrap_or_else(|| config.deadline_for(&period));
    let generated = a
        .common
        .as_of
        .or(config.as_of)
        .unwrap_or_else(|| period.start())
        .to_string();
    fs::create_dir_all(&out).with_context(|| format!("无法创建输出文件夹 {}", out.display()))?;
    let specs = report::forms::form_specs(
        &ledger,
        period,
        &cal,
        &Default::default(),
        deadline,
        &generated,
    );
    let written = report::forms::write_forms(&specs, &out)
        .with_context(|| format!("写入表单到 {} 失败", out.display()))?
        .len();
    let without: Vec<String> = ledger
        .units
        .iter()
        .filter(|u| !specs.iter().any(|s| s.unit.name == u.name))
        .map(|u| u.name.clone())
        .collect();
    if !ui.quiet {
        let bold = Style::new().bold();
        println!(
            "{bold}已生成 {written} 份 {} 反馈表{bold:#} → {}",
            period.label(),
            out.display()
        );
        if !without.is_empty() {
            println!(
                "本期无应报事项、未生成表单的单位（{} 个）：{}",
                without.len(),
                without.join("、")
            );
        }
        if !ledger_issues.is_empty() {
            println!("台账提醒 {} 条：", ledger_issues.len());
            for i in ledger_issues.iter().take(10) {
                println!(
                    "  {} {} {}",
                    i.cell.as_deref().unwrap_or(""),
                    i.code,
                    i.message
                );
            }
        }
    }
    Ok(())
}
