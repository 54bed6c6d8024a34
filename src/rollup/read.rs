//! Which archived periods a span uses, checked and read back.
//!
//! The latest round of every archived period inside the span is a
//! candidate. Months are used as they are; a period of another kind (a
//! quarter run in a monthly year, a week) is used only where it overlaps no
//! period already used (months first, then quarters, then weeks) — and a
//! note says so either way, so nothing is dropped silently. A month of the
//! span that no used period covers is missing.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::span::Span;
use super::verify::{check_round, Problem};
use crate::period::{Period, PeriodKind};
use crate::store::archive::{CHECKSUMS_FILE, RESULTS_FILE};
use crate::store::layout;
use crate::store::snapshot::PeriodSnapshot;

/// One period a roll-up uses: the latest round of it, read back.
#[derive(Debug, Clone, PartialEq)]
pub struct UsedPeriod {
    /// The round's results (`results.json`, any schema version).
    pub snapshot: PeriodSnapshot,
    /// The round read (the latest one).
    pub round: u32,
    /// Its folder in the archive.
    pub dir: PathBuf,
}

impl UsedPeriod {
    pub fn period(&self) -> Period {
        self.snapshot.period
    }
}

/// The periods of a span read from the archive.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SpanArchive {
    /// Used periods, in order.
    pub used: Vec<UsedPeriod>,
    /// Months of the span no used period covers (never archived).
    pub missing: Vec<Period>,
    /// What the clerk should know about how periods were chosen and read
    /// (another kind used or left out, an older snapshot, a period not
    /// covered by its checksums).
    pub notes: Vec<String>,
}

/// What [`select`] chose: (period, latest round) to use, months missing, notes.
pub type Selection = (Vec<(Period, u32)>, Vec<Period>, Vec<String>);

fn overlaps(a: &Period, b: &Period) -> bool {
    a.start() <= b.end() && b.start() <= a.end()
}

fn kind_name(k: PeriodKind) -> &'static str {
    match k {
        PeriodKind::Month => "月度",
        PeriodKind::Quarter => "季度",
        PeriodKind::Week => "周",
    }
}

/// Choose the periods of `span` from an archive's `scan` (period → rounds).
pub fn select(scan: &BTreeMap<Period, Vec<u32>>, span: &Span) -> Selection {
    let mut used: Vec<(Period, u32)> = Vec::new();
    let mut notes = Vec::new();
    for kind in [PeriodKind::Month, PeriodKind::Quarter, PeriodKind::Week] {
        for (p, rounds) in scan.iter().filter(|(p, _)| p.kind == kind) {
            let Some(&round) = rounds.last() else {
                continue;
            };
            let inside = span.contains(p);
            let touches = p.start() <= span.end() && span.start() <= p.end();
            if !inside {
                if touches {
                    notes.push(format!(
                        "{p}（{}期次）跨越{}的起止日期，未计入",
                        kind_name(kind),
                        span.label()
                    ));
                }
                continue;
            }
            if kind == PeriodKind::Month {
                used.push((*p, round));
                continue;
            }
            let clash: Vec<String> = used
                .iter()
                .filter(|(u, _)| overlaps(u, p))
                .map(|(u, _)| u.to_string())
                .collect();
            if clash.is_empty() {
                notes.push(format!(
                    "{p} 为{}期次，与其他期次不重叠，已计入",
                    kind_name(kind)
                ));
                used.push((*p, round));
            } else {
                notes.push(format!(
                    "{p} 为{}期次，与已计入的 {} 重叠，未计入（以先计入的期次为准）",
                    kind_name(kind),
                    clash.join("、")
                ));
            }
        }
    }
    used.sort_by_key(|(p, _)| *p);
    let missing = span
        .months()
        .into_iter()
        .filter(|m| !used.iter().any(|(u, _)| overlaps(u, m)))
        .collect();
    (used, missing, notes)
}

/// How many files a verification failure names before "…".
const SHOWN: usize = 10;

/// Read the periods of `span` from `archive`. With `verify`, every round
/// used is first checked against its `SHA256SUMS`: a missing or changed
/// file (or no `SHA256SUMS`) stops the roll-up, naming the files and
/// `--no-verify`.
pub fn read_span(archive: &Path, span: &Span, verify: bool) -> Result<SpanArchive> {
    let (chosen, missing, mut notes) = select(&layout::scan(archive), span);
    let dirs: Vec<(Period, u32, PathBuf)> = chosen
        .iter()
        .map(|(p, r)| (*p, *r, layout::round_dir(archive, p, *r)))
        .collect();
    if verify {
        let mut problems = Vec::new();
        for (p, _, dir) in &dirs {
            let c = check_round(dir);
            if c.no_sums {
                problems.push(format!(
                    "{} 中没有 {CHECKSUMS_FILE}，无法校验",
                    dir.display()
                ));
            }
            problems.extend(c.problems.iter().map(Problem::describe));
            if c.ok() && c.results_unlisted {
                notes.push(format!(
                    "{p} 的归档较早，{CHECKSUMS_FILE} 未列出 {RESULTS_FILE}：已校验收到的文件和输出，结果数据本身未能校验"
                ));
            }
        }
        if !problems.is_empty() {
            let n = problems.len();
            let mut list: Vec<String> = problems.into_iter().take(SHOWN).collect();
            if n > SHOWN {
                list.push(format!("……共 {n} 处"));
            }
            bail!(
                "归档校验未通过，已停止汇总：\n  - {}\n归档文件缺失或被改动，汇总结果可能不可信。请从备份恢复归档；\
                 确需按现有文件汇总，请加 --no-verify（结果将注明“未校验”）",
                list.join("\n  - ")
            );
        }
    }
    let mut used = Vec::with_capacity(dirs.len());
    for (p, round, dir) in dirs {
        let path = dir.join(RESULTS_FILE);
        let text = fs::read_to_string(&path)
            .with_context(|| format!("无法读取归档 {}", path.display()))?;
        let snapshot: PeriodSnapshot = serde_json::from_str(&text).with_context(|| {
            format!(
                "归档 {} 格式有误，无法汇总（可用 duban run --period {p} --force 重新生成该期）",
                path.display()
            )
        })?;
        if snapshot.schema_version < 2 {
            notes.push(format!(
                "{p} 为较早版本的归档：未记录应报、逾期和后三位，应报按所列事项、报送按已采纳的报告推算，逾期不计，后三位按当期得分推算"
            ));
        }
        used.push(UsedPeriod {
            snapshot,
            round,
            dir,
        });
    }
    Ok(SpanArchive {
        used,
        missing,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_first_other_kinds_where_they_do_not_overlap() {
        let mut scan = BTreeMap::new();
        for m in [7, 8, 10] {
            scan.insert(Period::month(2026, m), vec![1]);
        }
        scan.insert(Period::month(2026, 11), vec![1, 2]);
        scan.insert(Period::quarter(2026, 3), vec![1]);
        scan.insert(Period::quarter(2026, 2), vec![1]);
        scan.insert(Period::month(2026, 3), vec![1]);
        let (used, missing, notes) = select(&scan, &Span::half(2026, 2));
        let ids: Vec<String> = used.iter().map(|(p, r)| format!("{p}/{r}")).collect();
        assert_eq!(ids, ["2026-07/1", "2026-08/1", "2026-10/1", "2026-11/2"]);
        let gaps: Vec<String> = missing.iter().map(|p| p.to_string()).collect();
        assert_eq!(gaps, ["2026-09", "2026-12"]);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains("2026-Q3") && notes[0].contains("2026-07、2026-08"));

        // A quarter with none of its months archived is used, and covers them.
        let (used, missing, notes) = select(&scan, &Span::year(2026));
        assert!(used.contains(&(Period::quarter(2026, 2), 1)));
        assert!(!missing.contains(&Period::month(2026, 5)));
        assert!(missing.contains(&Period::month(2026, 1)));
        assert!(notes
            .iter()
            .any(|n| n.starts_with("2026-Q2") && n.contains("已计入")));
        // In order of start.
        assert_eq!(used[0].0, Period::month(2026, 3));
        assert_eq!(used[1].0, Period::quarter(2026, 2));
    }
}
