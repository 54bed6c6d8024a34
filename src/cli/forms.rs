//! `duban forms`: one form per unit with its tasks due in the period
//! ([`crate::due`]: star cadence, overdue and near-deadline tasks).

use std::collections::BTreeMap;
use std::fs;
use std::sync::Arc;

use anstream::println;
use anstyle::Style;
use anyhow::{Context, Result};

use super::settings::{Needs, OutRule, Settings};
use super::terminal::{print_ledger_issues, print_warnings, Terminal, LEDGER_ISSUES_SHOWN};
use crate::closing;
use crate::due::DueRule;
use crate::ingest;
use crate::report;
use crate::store::history::{self, History};
use crate::validate::Report;

/// The ledger only; the forms go to `--out`, else 下发表单 beside the config.
pub(super) const NEEDS: Needs = Needs {
    ledger: true,
    returns: false,
    out: OutRule::Beside("下发表单"),
};

pub(super) fn run(s: &Settings, ui: &Terminal) -> Result<()> {
    let out = s.out()?;
    let (mut ledger, ledger_issues) = ingest::read_ledger(&s.ledger, &s.config.limits)
        .with_context(|| format!("读取台账 {} 失败", s.ledger.display()))?;
    // The archive: which tasks are closed (销号), and the reports of the
    // latest archived period before this one to pre-fill with.
    let (history, warnings) = match s.archive() {
        Some(dir) => history::load_history(dir, &s.period),
        None => Default::default(),
    };
    print_warnings(ui, &warnings);
    ledger.set_closures(closing::closures(&ledger, &history, s.period));
    let (prefill, prefilled_from) = prefill_of(&history);
    let cal = s.config.calendar();
    // The date in the forms' hidden metadata: the as-of date when one is
    // given, else the period's first day (never today: same inputs, same bytes).
    let generated = s
        .as_of_given
        .unwrap_or_else(|| s.period.start())
        .to_string();
    fs::create_dir_all(out).with_context(|| format!("无法创建输出文件夹 {}", out.display()))?;
    // Due: by star cadence, or overdue / near the deadline at the as-of date
    // and not done by the latest archived period; closed tasks never.
    let expected = DueRule {
        period: s.period,
        as_of: s.as_of,
        calendar: &cal,
        near_deadline_days: s.config.near_deadline_days,
    }
    .expected_after(&ledger, &history);
    let specs = report::forms::form_specs(
        &ledger,
        s.period,
        &cal,
        &expected,
        &prefill,
        s.report_deadline,
        &generated,
    );
    let specs = match &prefilled_from {
        Some(from) => report::forms::prefilled_from(specs, from),
        None => specs,
    };
    let set = report::forms::write_form_set(&specs, out)
        .with_context(|| format!("写入表单到 {} 失败", out.display()))?;
    let written = set.written.len();
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
        if let Some(p) = prefilled_from {
            println!("已按 {} 的归档预填上期报送内容", p);
        }
        if !without.is_empty() {
            println!(
                "本期无应报事项、未生成表单的单位（{} 个）：{}",
                without.len(),
                without.join("、")
            );
        }
        if !set.removed.is_empty() {
            let names: Vec<String> = set
                .removed
                .iter()
                .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .collect();
            println!(
                "已删除此前生成、本期不再下发的表单（{} 份，请勿发出）：{}",
                names.len(),
                names.join("、")
            );
        }
        print_ledger_issues(&ledger_issues, LEDGER_ISSUES_SHOWN, false);
    }
    Ok(())
}

/// The accepted reports of the latest archived period (its latest round),
/// by task id, and that period's name (`2026年10月（第2轮）`).
fn prefill_of(history: &History) -> (BTreeMap<String, Arc<Report>>, Option<String>) {
    let Some(last) = history.last() else {
        return (BTreeMap::new(), None);
    };
    let reports = last
        .tasks
        .iter()
        .filter_map(|t| t.to_report().map(|r| (t.id.clone(), r)))
        .collect();
    let round = match last.round {
        0 | 1 => String::new(),
        n => format!("（第{n}轮）"),
    };
    (reports, Some(format!("{}{round}", last.period.label())))
}
