//! The commands behind the CLI: resolve flags against the config, run the
//! pipeline, write the outputs, print a short summary.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anstream::{eprintln, println};
use anstyle::{AnsiColor, Style};
use anyhow::{bail, Context, Result};
use clap::Parser;

use crate::archive;
use crate::calendar::Calendar;
use crate::cli::{CheckArgs, Cli, Command, Common, FormsArgs, InitArgs, RunArgs, SamplesArgs};
use crate::config::Config;
use crate::history::History;
use crate::ingest;
use crate::json::Summary;
use crate::merge::FileOutcome;
use crate::model::{Card, Severity};
use crate::period::Period;
use crate::pipeline::{self, Progress, RunInputs, RunResult};
use crate::report;
use crate::samples;

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(n) = cli.threads {
        // Ignore the error when a pool already exists (tests call main twice).
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()
            .ok();
    }
    let ui = Ui { quiet: cli.quiet };
    let result = match cli.command {
        Command::Init(a) => cmd_init(&a, &ui),
        Command::Forms(a) => cmd_forms(&a, &ui),
        Command::Check(a) => cmd_check(&a, &ui),
        Command::Run(a) => cmd_run(&a, &ui),
        Command::Samples(a) => cmd_samples(&a, &ui),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let red = Style::new().bold().fg_color(Some(AnsiColor::Red.into()));
            eprintln!("{red}错误{red:#}: {e:#}");
            ExitCode::FAILURE
        }
    }
}

struct Ui {
    quiet: bool,
}

/// Progress bar on stderr, drawn only when stderr is a terminal.
struct Bar(indicatif::ProgressBar);

impl Bar {
    fn new(ui: &Ui) -> Bar {
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

/// Load the config named by `--config`, else `./duban.toml` if present, else defaults.
fn load_config(common: &Common) -> Result<Config> {
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

fn need<T>(v: Option<T>, what: &str, flag: &str) -> Result<T> {
    v.ok_or_else(|| anyhow::anyhow!("缺少{what}：请用 {flag} 指定，或写在 duban.toml 中"))
}

/// Flags win over the config file; relative config paths are relative to the config's folder.
fn resolve_inputs(
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

fn cmd_check(a: &CheckArgs, ui: &Ui) -> Result<()> {
    let config = load_config(&a.common)?;
    let out = config.out.as_ref().map(|o| config.resolve(o));
    let inputs = resolve_inputs(&a.common, a.returns.as_ref(), config, out.as_deref())?;
    let bar = Bar::new(ui);
    let r = pipeline::execute(&inputs, &bar)?;
    let json_on_stdout = a.json.as_deref() == Some("-");
    if let Some(j) = &a.json {
        write_json(j, &Summary::from_run(&r))?;
    }
    if !ui.quiet {
        print_summary(&r, &[], json_on_stdout);
        print_top_issues(&r, 30, json_on_stdout);
    }
    // As in `run`: no point freeing the results one by one at exit.
    std::mem::forget(r);
    Ok(())
}

fn cmd_run(a: &RunArgs, ui: &Ui) -> Result<()> {
    let mut config = load_config(&a.common)?;
    if let Some(p) = a.preset {
        config.preset = p;
    }
    let out = match &a.out {
        Some(o) => o.clone(),
        None => config.resolve(&need(config.out.clone(), "输出文件夹", "--out <文件夹>")?),
    };
    // Refuse before the work, not after it (write_archive checks again).
    if let Some(p) = a.common.period.or(config.period) {
        archive::refuse_overwrite(&out, &p, a.force)?;
    }
    let inputs = resolve_inputs(&a.common, a.returns.as_ref(), config, Some(&out))?;
    let bar = Bar::new(ui);
    let r = pipeline::execute(&inputs, &bar)?;

    fs::create_dir_all(&out).with_context(|| format!("无法创建输出文件夹 {}", out.display()))?;
    let notices_dir = out.join(report::notices::NOTICES_DIR);
    let next_dir = out.join(report::NEXT_FORMS_DIR);
    // Last run's notices and forms would otherwise linger beside this run's.
    clear_xlsx(&notices_dir)?;
    clear_xlsx(&next_dir)?;
    // The archive's received files and results do not depend on the
    // workbooks: they are staged meanwhile, on whichever thread is free.
    let (written, staged) = rayon::join(
        || report::write_all(&r, &out),
        || {
            let _t = crate::timing::phase("archive (received)");
            archive::stage_archive(&r, &out, &Summary::from_run(&r), a.force)
        },
    );
    let (written, staged) = match (written, staged) {
        (Ok(w), Ok(s)) => (w, s),
        (Err(e), s) => {
            if let Ok(s) = s {
                s.abandon();
            }
            return Err(e.context(format!("写入输出文件夹 {} 失败", out.display())));
        }
        (Ok(_), Err(e)) => return Err(e),
    };
    let mut outputs = vec![written.summary.clone()];
    outputs.extend(written.notices.iter().cloned());
    outputs.extend(written.next_forms.iter().cloned());

    let json_on_stdout = a.json.as_deref() == Some("-");
    if let Some(j) = &a.json {
        write_json(j, &Summary::from_run(&r))?;
    }
    let t = crate::timing::phase("archive (outputs)");
    let archived = staged.finish(&out, &outputs)?;
    drop(t);

    if !ui.quiet {
        let shown = vec![written.summary, notices_dir, next_dir, archived];
        print_summary(&r, &shown, json_on_stdout);
    }
    // The process ends here: freeing the run's hundreds of thousands of
    // strings one by one would only delay the exit.
    std::mem::forget(r);
    Ok(())
}

/// Remove the workbooks a previous run left in an output sub-folder.
fn clear_xlsx(dir: &Path) -> Result<()> {
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "xlsx") && p.is_file() {
                fs::remove_file(&p).with_context(|| format!("无法删除旧文件 {}", p.display()))?;
            }
        }
    }
    Ok(())
}

/// Write the JSON summary to a file (atomically) or, for `-`, to standard output.
fn write_json(dest: &str, summary: &Summary<'_>) -> Result<()> {
    if dest == "-" {
        let out = std::io::BufWriter::new(std::io::stdout().lock());
        summary.write_to(out).context("无法输出 JSON 摘要")?;
        Ok(())
    } else {
        archive::write_with(Path::new(dest), |w| summary.write_to(w))
    }
}

fn cmd_forms(a: &FormsArgs, ui: &Ui) -> Result<()> {
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
        .map(|u| u.name.to_string())
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

fn cmd_init(a: &InitArgs, ui: &Ui) -> Result<()> {
    let dir = &a.dir;
    fs::create_dir_all(dir.join("returns"))
        .with_context(|| format!("无法创建 {}", dir.display()))?;
    let ledger = dir.join("台账.xlsx");
    let config = dir.join("duban.toml");
    for p in [&ledger, &config] {
        if p.exists() && !a.force {
            bail!("{} 已存在，未覆盖。确需重新生成请加 --force", p.display());
        }
    }
    report::forms::write_ledger_template(&ledger)
        .with_context(|| format!("写入 {} 失败", ledger.display()))?;
    let today = chrono::Local::now().date_naive();
    let period = Period::month(
        chrono::Datelike::year(&today),
        chrono::Datelike::month(&today),
    );
    let text = crate::templates::DEFAULT_CONFIG_TOML.replacen(
        "# period = \"2023-03\"",
        &format!("period = \"{period}\""),
        1,
    );
    archive::write_text(&config, &text)?;
    if !ui.quiet {
        println!("已创建工作文件夹 {}：", dir.display());
        println!("  台账.xlsx    重点工作台账模板（台账、节点、单位、评价四张表，各含一行示例）");
        println!("  duban.toml   配置文件（期次 {period}，各项规则与权重的默认值及说明）");
        println!("  returns/     把各单位报回的反馈表放在这里");
        println!("下一步：填写台账后运行 duban forms 下发表单；收回后运行 duban run。");
    }
    Ok(())
}

fn cmd_samples(a: &SamplesArgs, ui: &Ui) -> Result<()> {
    if !(0.0..=1.0).contains(&a.messy) {
        bail!("--messy 应在 0 到 1 之间（如 0.2 表示 20% 的反馈表格式不规范）");
    }
    if a.units == 0 || a.tasks == 0 {
        bail!("--units 与 --tasks 至少为 1");
    }
    if a.out.join("台账.xlsx").exists() && !a.force {
        bail!(
            "{} 中已有台账.xlsx，未覆盖。确需重新生成请加 --force",
            a.out.display()
        );
    }
    let opts = samples::SampleOptions {
        units: a.units,
        tasks: a.tasks,
        messy: a.messy,
        seed: a.seed,
        period: a.period,
        as_of: None,
    };
    let s = samples::generate(&opts, &a.out)?;
    if !ui.quiet {
        println!(
            "已生成示例数据 → {}：{} 个单位，{} 项任务，{} 份反馈表（其中 {} 份格式不规范）",
            a.out.display(),
            s.units,
            s.tasks,
            s.files,
            s.messy_files
        );
        println!(
            "运行：duban run --config {}",
            a.out.join("duban.toml").display()
        );
    }
    Ok(())
}

// ------------------------------------------------------------------ terminal summary

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
fn print_summary(r: &RunResult, outputs: &[PathBuf], to_stderr: bool) {
    let bold = Style::new().bold();
    let green = Style::new().fg_color(Some(AnsiColor::Green.into()));
    let red = Style::new().bold().fg_color(Some(AnsiColor::Red.into()));
    let t = &r.merged.totals;
    let count = |o: FileOutcome| r.merged.files.iter().filter(|f| f.outcome == o).count();
    out!(
        to_stderr,
        "{bold}督办 {}{bold:#}  截至 {}  报送截止 {}  规则 {}",
        r.period.label(),
        r.as_of,
        r.report_deadline,
        r.preset.as_str()
    );
    out!(
        to_stderr,
        "文件   {} 个：采用 {}，退回 {}，被替代 {}，忽略 {}",
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

fn print_top_issues(r: &RunResult, n: usize, to_stderr: bool) {
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
