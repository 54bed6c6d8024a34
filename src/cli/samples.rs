//! `duban samples`: a seeded, realistic data set of any size.

use anstream::println;
use anyhow::{bail, Result};

use super::args::SamplesArgs;
use super::terminal::Terminal;
use crate::samples;

pub(super) fn run(a: &SamplesArgs, ui: &Terminal) -> Result<()> {
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
