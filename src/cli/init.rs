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
        println!();
        println!("第一次使用：填好 台账.xlsx（事项、单位），在 duban.toml 的 [office] 中写上本督查室的全称、简称、联系人和电话。");
        println!();
        print!("{}", monthly_routine(&period));
    }
    Ok(())
}

/// The monthly routine, as `duban init` prints it: what to change in
/// duban.toml, what to send out, where the returns go, what to send back
/// and what to keep. `period` is the example period.
pub(super) fn monthly_routine(period: &Period) -> String {
    let next = period.next();
    let sep = std::path::MAIN_SEPARATOR;
    format!(
        "每月工作流程（在本文件夹中打开命令窗口，依次运行）：
  1. 改配置：在 duban.toml 中把 period 改成本期（如 \"{next}\" 或 \"{next_label}\"）；
     as_of、report_deadline、issue_date 若写过，一并改成本期的日期或删去（删去即用默认值：
     期次最后一天、期次结束后 5 天、运行当天）。台账有新增或调整的事项，先改好 台账.xlsx。
  2. 交办：运行 duban forms，把 下发表单{sep} 中各单位的反馈表发给各单位。
     （上期运行后生成的 out{sep}下期表单{sep} 已预填上期报送内容，也可直接发这一份。）
  3. 收表：在 returns 文件夹中为本期建一个子文件夹（按期次分子文件夹，如 returns{sep}{next}{sep}），
     各单位报回的反馈表原样放进去，文件名不限、不要改动内容。
     收表期间可随时运行 duban check 查看问题（不写任何文件）。
  4. 汇总：报送截止后运行 duban run，结果在 out{sep}：
       汇总_<期次>.xlsx  报领导、存档（《总览》第一页即领导阅看页）
       反馈{sep}<单位>.xlsx   发回各单位：亮牌、退回重新办理的行、补报期限
       下期表单{sep}          下一期发给各单位的预填表单
       公文{sep}              通报、各亮牌单位的督办函件、约谈名单（Word，核对后用印发出）；
                         措辞在 duban.toml 旁的 公文模板.toml 中修改，改后运行 duban docs 重新生成
  5. 补报：单位按反馈通知重新报送后，把新文件放进本期的文件夹，再运行 duban run --resubmit
     （另存为第 2 轮，第 1 轮的记录原样保留）。
  6. 保存：archive 文件夹（在 duban.toml 旁）按期次保存收到的全部原始文件、全部输出和校验和，
     是督办工作的档案，下期据此比对谎报进度、连续亮牌和排名变化；不要删改，请定期备份整个工作文件夹。
",
        next_label = next.label(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_routine_says_what_to_change_send_and_keep() {
        let text = monthly_routine(&Period::month(2026, 11));
        for s in [
            "period 改成本期（如 \"2026-12\" 或 \"2026年12月\"）",
            "as_of、report_deadline、issue_date",
            "台账.xlsx",
            "duban forms",
            "returns 文件夹中为本期建一个子文件夹（按期次分子文件夹，如 returns",
            "duban check",
            "duban run",
            "汇总_<期次>.xlsx",
            "发回各单位",
            "下期表单",
            "公文",
            "duban docs",
            "archive 文件夹",
            "备份",
        ] {
            assert!(text.contains(s), "{s} missing from:\n{text}");
        }
    }
}
