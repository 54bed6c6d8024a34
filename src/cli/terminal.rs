//! What a clerk sees on the terminal: the progress bar, the coloured
//! summary of a run, its first errors, and the error that stopped a command.

use std::path::PathBuf;

use anstream::{eprintln, println};
use anstyle::{AnsiColor, Style};

use crate::merge::FileOutcome;
use crate::model::{Card, Issue, Severity};
use crate::pipeline::{Progress, RunResult};

/// How the commands print: `--quiet` leaves only errors.
pub(super) struct Terminal {
    pub(crate) quiet: bool,
}

/// Print the error that stopped a command, with its whole context chain.
pub(super) fn print_error(e: &anyhow::Error) {
    let red = Style::new().bold().fg_color(Some(AnsiColor::Red.into()));
    eprintln!("{red}错误{red:#}: {}", error_text(e));
}

/// The error's context chain joined by `: `, the system's own (English)
/// messages for files replaced by Chinese ones.
pub(super) fn error_text(e: &anyhow::Error) -> String {
    let parts: Vec<String> = e
        .chain()
        .map(|cause| match cause.downcast_ref::<std::io::Error>() {
            Some(io) => io_error_text(io),
            None => cause.to_string(),
        })
        .collect();
    parts.join(": ")
}

/// A file system error in Chinese (the system's text kept for the rare
/// kinds, so nothing is lost; the kinds named are those of Rust 1.80).
fn io_error_text(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "文件或文件夹不存在".into(),
        K::PermissionDenied => "没有权限（文件可能正被 Excel/WPS 打开，或文件夹为只读）".into(),
        K::AlreadyExists => "已经存在".into(),
        K::UnexpectedEof => "文件不完整（意外结束）".into(),
        K::InvalidData => "内容无法识别".into(),
        _ => format!("系统错误（{e}）"),
    }
}

/// A command line that could not be parsed ([`super::usage_error`]).
pub(super) fn print_usage_error(text: &str) {
    let red = Style::new().bold().fg_color(Some(AnsiColor::Red.into()));
    eprintln!("{red}错误{red:#}: {text}");
}

/// Warnings about the run's inputs (no earlier period to compare with, an
/// unreadable archived period …) on stderr; none with `--quiet`, which
/// leaves only errors.
pub(super) fn print_warnings(ui: &Terminal, warnings: &[String]) {
    if ui.quiet {
        return;
    }
    for w in warnings {
        eprintln!("提醒: {w}");
    }
}

/// Progress bar on stderr, drawn only when stderr is a terminal.
pub(super) struct Bar(indicatif::ProgressBar);

impl Bar {
    pub(super) fn new(ui: &Terminal) -> Bar {
        let pb = if ui.quiet {
            indicatif::ProgressBar::hidden()
        } else {
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr())
        };
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} 读取反馈表 [{bar:30}] {pos}/{len} 个文件 {per_sec} 剩余 {eta}",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        Bar(pb)
    }
}

impl Progress for Bar {
    fn start(&self, files: usize) {
        self.0.set_length(files as u64);
    }
    fn file_done(&self) {
        self.0.inc(1);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

fn paint(card: Card) -> Style {
    let c = match card {
        Card::Red => AnsiColor::Red,
        Card::Orange => AnsiColor::Magenta,
        Card::Yellow => AnsiColor::Yellow,
        Card::Blue => AnsiColor::Blue,
    };
    Style::new().bold().fg_color(Some(c.into()))
}

macro_rules! out {
    ($to_stderr:expr, $($arg:tt)*) => {
        if $to_stderr { eprintln!($($arg)*) } else { println!($($arg)*) }
    };
}

/// One screen: files, rows reconciliation, issues, cards, units to call in, outputs.
pub(super) fn print_summary(r: &RunResult, outputs: &[PathBuf], to_stderr: bool) {
    let bold = Style::new().bold();
    let green = Style::new().fg_color(Some(AnsiColor::Green.into()));
    let red = Style::new().bold().fg_color(Some(AnsiColor::Red.into()));
    let t = &r.merged.totals;
    let count = |o: FileOutcome| r.merged.files.iter().filter(|f| f.outcome == o).count();
    out!(
        to_stderr,
        "{bold}督办 {}{bold:#}  截至 {}  报送截止 {}  规则 {}",
        r.period_title(),
        r.as_of,
        r.report_deadline,
        r.preset.as_str()
    );
    let zips: Vec<&crate::source::Received> = r
        .received
        .iter()
        .filter(|f| f.kind == crate::source::ReceivedKind::Zip)
        .collect();
    let zipped = if zips.is_empty() {
        String::new()
    } else {
        let inside: u32 = zips.iter().map(|z| z.inputs).sum();
        format!("（含压缩包 {} 个中的 {inside} 个）", zips.len())
    };
    out!(
        to_stderr,
        "文件   {} 个{zipped}：采用 {}，退回 {}，被替代 {}，忽略 {}",
        t.files,
        count(FileOutcome::Accepted),
        count(FileOutcome::Rejected),
        count(FileOutcome::Superseded),
        count(FileOutcome::Ignored)
    );
    let ok = t.rows_read == t.accepted + t.rejected + t.superseded;
    let mark = if ok {
        format!("{green}核对无误{green:#}")
    } else {
        format!("{red}不平衡{red:#}")
    };
    out!(
        to_stderr,
        "数据行 {} = 采用 {} + 退回 {} + 被替代 {}  {mark}",
        t.rows_read,
        t.accepted,
        t.rejected,
        t.superseded
    );
    if t.ledger_held > 0 {
        out!(
            to_stderr,
            "       其中 {} 行的任务在台账中有误，暂不处理（不计入单位），请更正台账",
            t.ledger_held
        );
    }
    let errors = r
        .merged
        .issues
        .iter()
        .filter(|i| i.severity == Severity::Error)
        .count();
    let warnings = r.merged.issues.len() - errors;
    out!(to_stderr, "问题   错误 {errors} 条，提醒 {warnings} 条");
    let mut cc = crate::score::CardCounts::default();
    for task in &r.scored.tasks {
        cc.add(task.card);
    }
    // Only the colors the preset uses: 红黄蓝 or 黄橙红.
    let colors: &[Card] = match r.preset {
        crate::config::Preset::RedYellowBlue => &[Card::Red, Card::Yellow, Card::Blue],
        crate::config::Preset::YellowOrangeRed => &[Card::Red, Card::Orange, Card::Yellow],
    };
    let mut uc = crate::score::CardCounts::default();
    for u in &r.scored.units {
        uc.add(u.card);
    }
    let line = |counts: &crate::score::CardCounts| -> String {
        colors
            .iter()
            .map(|&c| {
                let n = match c {
                    Card::Red => counts.red,
                    Card::Orange => counts.orange,
                    Card::Yellow => counts.yellow,
                    Card::Blue => counts.blue,
                };
                let st = paint(c);
                format!("{st}{} {n}{st:#}", c.label())
            })
            .collect::<Vec<_>>()
            .join("  ")
    };
    out!(to_stderr, "亮牌   事项：{}；单位：{}", line(&cc), line(&uc));
    let missing: Vec<&str> = r
        .merged
        .submissions
        .values()
        .filter(|s| !s.due.is_empty() && !s.reported)
        .map(|s| s.unit.as_str())
        .collect();
    if !missing.is_empty() {
        out!(
            to_stderr,
            "未报送 {} 个单位：{}",
            missing.len(),
            missing.join("、")
        );
    }
    let bottom: Vec<String> = r
        .scored
        .units
        .iter()
        .filter(|u| u.bottom3)
        .map(|u| format!("{}（{}，{}分）", u.name, u.category, u.score))
        .collect();
    if !bottom.is_empty() {
        out!(to_stderr, "后三位（约谈）：{}", bottom.join("、"));
    }
    for o in outputs {
        out!(to_stderr, "输出   {}", o.display());
    }
}

/// Ledger issues shown on the terminal.
pub(super) const LEDGER_ISSUES_SHOWN: usize = 10;

/// The problems of the office's own ledger (as `forms`, `check` and `run`
/// print them): a count, then the first `n`, errors first.
pub(super) fn print_ledger_issues(issues: &[Issue], n: usize, to_stderr: bool) {
    if issues.is_empty() {
        return;
    }
    let errors = issues.iter().filter(|i| i.is_error()).count();
    let what = if errors > 0 {
        format!(
            "台账问题 {} 条（错误 {errors} 条：这些行未作为任务读取，请更正台账；提醒 {} 条）",
            issues.len(),
            issues.len() - errors
        )
    } else {
        format!("台账提醒 {} 条", issues.len())
    };
    let shown = if issues.len() > n {
        format!("{what}，前 {n} 条：")
    } else {
        format!("{what}：")
    };
    out!(to_stderr, "{shown}");
    let mut sorted: Vec<&Issue> = issues.iter().collect();
    sorted.sort_by_key(|i| !i.is_error());
    for i in sorted.into_iter().take(n) {
        let place = match (&i.sheet, &i.cell) {
            (Some(s), Some(c)) => format!("[{s}] {c}"),
            (Some(s), None) => format!("[{s}]"),
            _ => String::new(),
        };
        out!(to_stderr, "  {place} {} {}", i.code, i.message);
    }
}

pub(super) fn print_top_issues(r: &RunResult, n: usize, to_stderr: bool) {
    let errs: Vec<_> = r
        .merged
        .issues
        .iter()
        .filter(|i| i.severity == Severity::Error)
        .collect();
    if errs.is_empty() {
        return;
    }
    out!(to_stderr, "错误（前 {} 条）：", n.min(errs.len()));
    for i in errs.iter().take(n) {
        out!(
            to_stderr,
            "  {}{}{}  {}  {}",
            i.file.as_deref().or(i.unit.as_deref()).unwrap_or("-"),
            i.sheet
                .as_deref()
                .map(|s| format!(" [{s}]"))
                .unwrap_or_default(),
            i.cell
                .as_deref()
                .map(|c| format!(" {c}"))
                .unwrap_or_default(),
            i.code,
            i.message
        );
    }
}

/// The documents `duban docs` wrote: how many of each kind, and where.
pub(super) fn print_documents(
    docs: &[crate::report::documents::DocumentEntry],
    dir: &std::path::Path,
    to_stderr: bool,
) {
    let mut kinds: Vec<(crate::report::documents::DocKind, usize)> = Vec::new();
    for d in docs {
        match kinds.iter_mut().find(|(k, _)| *k == d.kind) {
            Some((_, n)) => *n += 1,
            None => kinds.push((d.kind, 1)),
        }
    }
    let counts: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
    out!(to_stderr, "公文   {} 份：{}", docs.len(), counts.join("，"));
    out!(to_stderr, "输出   {}", dir.display());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_errors_are_told_in_chinese() {
        let io = std::fs::read("没有这个文件.xlsx").unwrap_err();
        let e = anyhow::Error::new(io).context("无法读取 没有这个文件.xlsx");
        assert_eq!(
            error_text(&e),
            "无法读取 没有这个文件.xlsx: 文件或文件夹不存在"
        );
        let e = anyhow::anyhow!("缺少报送期次");
        assert_eq!(error_text(&e), "缺少报送期次");
    }
}
