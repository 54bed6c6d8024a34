//! `duban forms`: one form per unit with its tasks due in the period
//! ([`crate::due`]: star cadence, overdue and near-deadline tasks).

use std::fs;

use anstream::println;
use anstyle::Style;
use anyhow::{Context, Result};

use super::settings::{Needs, OutRule, Settings};
use super::terminal::Terminal;
use crate::due::DueRule;
use crate::ingest;
use crate::report;

/// The ledger only; the forms go to `--out`, else 下发表单 beside the config.
pub(super) const NEEDS: Needs = Needs {
    returns: false,
    out: OutRule::Beside("下发表单"),
};

pub(super) fn run(s: &Settings, ui: &Terminal) -> Result<()> {
    let out = s.out()?;
    let (ledger, ledger_issues) = ingest::read_ledger(&s.ledger, &s.config.limits)
        .with_context(|| format!("读取台账 {} 失败", s.ledger.display()))?;
    let cal = s.config.calendar();
    // The date in the forms' hidden metadata: the as-of date when one is
    // given, else the period's first day (never today: same inputs, same bytes).
    let generated = s
        .as_of_given
        .unwrap_or_else(|| s.period.start())
        .to_string();
    fs::create_dir_all(out).with_context(|| format!("无法创建输出文件夹 {}", out.display()))?;
    // Due: by star cadence, or overdue / near the deadline at the as-of date.
    let expected = DueRule {
        period: s.period,
        as_of: s.as_of,
        calendar: &cal,
        near_deadline_days: s.config.near_deadline_days,
    }
    .expected(&ledger, |_| false);
    let specs = report::forms::form_specs(
        &ledger,
        s.period,
        &cal,
        &expected,
        &Default::default(),
        s.report_deadline,
        &generated,
    );
    let written = report::forms::write_forms(&specs, out)
        .with_context(|| format!("写入表单到 {} 失败", out.display()))?
        .len();
    let without: Vec<String> = ledger
        .units
        .iter()
        .filter(|u| !specs.iter().any(|s| s.unit.name == u.name))
        .map(|u| u.name.to_string())
        .collect();
    if !ui.quiet {
        let bold = Style::new().bold();
        println!(
            "{bold}已生成 {written} 份 {} 反馈表{bold:#} → {}",
            s.period.label(),
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
