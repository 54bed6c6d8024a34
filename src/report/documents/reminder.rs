//! 提醒函 — red-yellow-blue's blue card (a task begun but moving slowly,
//! behind its planned progress; the office sends the unit a reminder): the standard
//! letter, nothing of its own.

use anyhow::Result;

use super::letter::Letter;
use super::{Ctx, Planned};
use crate::report::docx::DocxBuilder;

pub(super) fn build(ctx: &Ctx, p: &Planned) -> Result<DocxBuilder> {
    Ok(Letter::new(ctx, p)?.standard(|_, _| {}))
}
