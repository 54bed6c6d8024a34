//! `duban rollup SPAN`: a quarter, half-year or year added up from the
//! archive (the latest round of each period, checked against its
//! `SHA256SUMS` unless `--no-verify`), printed, written as JSON and as the
//! span's files ([`crate::rollup::write_outputs`]).

use std::path::{Path, PathBuf};

use anstream::{eprintln, println};
use anstyle::{AnsiColor, Style};
use anyhow::{Context, Result};

use super::args::RollupArgs;
use super::settings::{JsonDest, Needs, OutRule, Settings};
use super::terminal::{print_warnings, Terminal};
use crate::report::documents::Wording;
use crate::rollup::json::RollupSummary;
use crate::rollup::{self, Inputs, Rollup, UnitRollup};
use crate::store::atomic;

/// Neither the ledger nor the returns are needed (the ledger's 评价 sheet
/// is read for a year when it can be); the outputs go under `--out`, else
/// the config's `out`.
pub(super) const NEEDS: Needs = Needs {
    ledger: false,
    returns: false,
    out: OutRule::Required,
};

/// Units shown per category at each end of the ranking.
const SHOWN: usize = 3;

pub(super) fn run(a: &RollupArgs, s: &Settings, ui: &Terminal) -> Result<()> {
    let out = s.out()?;
    let archive = s.archive().unwrap_or(out);
    let wording = Wording::load(&s.config.base_dir)?;
    let mut warnings = Vec::new();
    let evaluations = match (a.span.is_year(), &s.config.ledger) {
        (true, Some(l)) => match rollup::evaluations_of(&s.config.resolve(l), &s.config) {
            Ok(e) => Some(e),
            Err(why) => {
                warnings.push(format!("{why}，年度得分不计评价"));
                None
            }
        },
        _ => None,
    };
    let inputs = Inputs {
        archive,
        config: &s.config,
        wording: &wording,
        evaluations: evaluations.as_ref().map(|(e, f)| (e.as_slice(), f.clone())),
        verify: !a.no_verify,
    };
    let r = rollup::build(a.span, &inputs)?;
    print_warnings(ui, &warnings);
    let written = rollup::write_outputs(&r, &inputs, out)
        .with_context(|| format!("写入输出文件夹 {} 失败", out.display()))?;
    let summary = RollupSummary::of(&r, rollup::documents(&r));
    if let Some(dest) = &s.json {
        write_json(dest, &summary)?;
    }
    if !ui.quiet {
        let mut shown = written;
        if let Some(JsonDest::File(p)) = &s.json {
            shown.push(p.clone());
        }
        print_rollup(&r, archive, &shown, s.json_on_stdout());
    }
    Ok(())
}

fn write_json(dest: &JsonDest, summary: &RollupSummary) -> Result<()> {
    match dest {
        JsonDest::Stdout => {
            let out = std::io::BufWriter::new(std::io::stdout().lock());
            summary.write_to(out).context("无法输出 JSON 摘要")
        }
        JsonDest::File(path) => atomic::write_with(path, |w| summary.write_to(w)),
    }
}

/// The roll-up on the terminal: span, periods used and missing, whether it
/// was verified, notes, each category's first and last units, outputs.
fn print_rollup(r: &Rollup, archive: &Path, outputs: &[PathBuf], to_stderr: bool) {
    let say = |line: String| {
        if to_stderr {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    };
    let bold = Style::new().bold();
    let red = Style::new().bold().fg_color(Some(AnsiColor::Red.into()));
    say(format!(
        "{bold}督办汇总 {}{bold:#}（{}）  归档 {}",
        r.span.label(),
        r.span,
        archive.display()
    ));
    let used: Vec<String> = r
        .periods_used
        .iter()
        .map(|p| match p.round {
            1 => p.period.to_string(),
            n => format!("{}（第{n}轮）", p.period),
        })
        .collect();
    say(format!(
        "期次   已汇总 {} 期：{}",
        used.len(),
        if used.is_empty() {
            "无".to_string()
        } else {
            used.join("、")
        }
    ));
    if !r.periods_missing.is_empty() {
        let missing: Vec<String> = r.periods_missing.iter().map(|p| p.to_string()).collect();
        say(format!(
            "未归档 {} 期：{}（未计入）",
            missing.len(),
            missing.join("、")
        ));
    }
    if r.verified {
        say("校验   各期归档均与 SHA256SUMS 一致".to_string());
    } else {
        say(format!(
            "{red}未校验{red:#}  按 --no-verify 未核对归档的 SHA256SUMS，结果可能与原始归档不一致"
        ));
    }
    for n in &r.notes {
        say(format!("说明   {n}"));
    }
    if let Some(p) = r.previous {
        say(format!("比较   排名变化与{}比较", p.label()));
    }
    for c in r.categories() {
        let ranked: Vec<&UnitRollup> = r.units_in(c).filter(|u| u.rank > 0).collect();
        say(format!(
            "{bold}{c}{bold:#}（{} 个单位参与排名）",
            ranked.len()
        ));
        let n = ranked.len();
        for (i, u) in ranked.iter().enumerate() {
            if n > 2 * SHOWN && i == SHOWN {
                say("  ……".to_string());
            }
            if n <= 2 * SHOWN || i < SHOWN || i >= n - SHOWN {
                say(format!("  {}", unit_line(u)));
            }
        }
    }
    for o in outputs {
        say(format!("输出   {}", o.display()));
    }
}

/// One unit: rank, score, reporting, cards, 后三位 and 约谈 counts.
fn unit_line(u: &UnitRollup) -> String {
    let score = match &u.annual {
        Some(a) => format!("年度得分 {:.2}", a.score),
        None => format!("平均得分 {:.2}", u.mean_score.unwrap_or(0.0)),
    };
    let c = &u.cards;
    let mut cards = Vec::new();
    for (label, n) in [
        ("红牌", c.red),
        ("橙牌", c.orange),
        ("黄牌", c.yellow),
        ("蓝牌", c.blue),
    ] {
        if n > 0 {
            cards.push(format!("{label}{n}期"));
        }
    }
    let mut tail = Vec::new();
    if u.bottom3_count > 0 {
        tail.push(format!("后三位{}次", u.bottom3_count));
    }
    if u.interviews > 0 {
        tail.push(format!("约谈{}次", u.interviews));
    }
    if u.annual.as_ref().is_some_and(|a| a.bottom3_two_years) {
        tail.push("连续两年后三位".to_string());
    }
    format!(
        "第{}名 {}  {score}  应报{}期：按时{} 逾期{} 未报{}{}{}",
        u.rank,
        u.name,
        u.periods_due,
        u.on_time,
        u.late,
        u.not_reported,
        if cards.is_empty() {
            String::new()
        } else {
            format!("  {}", cards.join(" "))
        },
        if tail.is_empty() {
            String::new()
        } else {
            format!("  {}", tail.join(" "))
        }
    )
}
