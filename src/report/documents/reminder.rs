//! 提醒函 — red-yellow-blue's blue card (seed 002: 重点工作虽已启动推进，但进度
//! 缓慢、未达到时序进度标准的亮“蓝”牌，由督查室下发提醒函): the standard
//! letter, nothing of its own.

use anyhow::Result;

use super::letter::Letter;
use super::{Ctx, Planned};
use crate::report::docx::DocxBuilder;

pub(super) fn build(ctx: &Ctx, p: &Planned) -> Result<DocxBuilder> {
    Ok(Letter::new(ctx, p)?.standard(|_, _| {}))
}
