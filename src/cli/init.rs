//! `duban init`: a ready working folder (ledger template, commented
//! `duban.toml`, an empty `returns/<period>/` for the current month).

use std::fs;

use anstream::println;
use anyhow::{bail, Context, Result};

use super::args::InitArgs;
use super::terminal::Terminal;
use crate::period::Period;
use crate::report;
use crate::store::atomic;

pub(super) fn run(a: &InitArgs, ui: &Terminal) -> Result<()> {
    let dir = &a.dir;
    let today = chrono::Local::now().date_naive();
    let period = Period::month(
        chrono::Datelike::year(&today),
        chrono::Datelike::month(&today),
    );
    // This period's returns go in returns/<period>/ (each period its own).
    let returns = dir.join("returns").join(period.to_string());
    fs::create_dir_all(&returns).with_context(|| format!("无法创建 {}", returns.display()))?;
    let ledger = dir.join("台账.xlsx");
    let config = dir.join("duban.toml");
    for p in [&ledger, &config] {
        if p.exists() && !a.force {
            bail!("{} 已存在，未覆盖。确需重新生成请加 --force", p.display());
        }
    }
    report::forms::write_ledger_template(&ledger)
        .with_context(|| format!("写入 {} 失败", ledger.display()))?;
    let text = crate::templates::DEFAULT_CONFIG_TOML.replacen(
        "# period = \"2023-03\"",
        &format!("period = \"{period}\""),
        1,
    );
    atomic::write_text(&config, &text)?;
    if !ui.quiet {
        println!("已创建工作文件夹 {}：", dir.display());
        println!("  台账.xlsx    重点工作台账模板（台账、节点、单位、评价四张表，各含一行示例）");
        println!("  duban.toml   配置文件（期次 {period}，各项规则与权重的默认值及说明）");
        println!("  returns/{period}/  把各单位报回的本期反馈表放在这里（每期一个子文件夹）");
        println!("  archive/     运行 duban run 后自动生成：各期归档，下期据此比对，请长期保留");
        println!("下一步：填写台账后运行 duban forms 下发表单；收回后运行 duban run。");
    }
    Ok(())
}
