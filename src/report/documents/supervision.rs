//! 督办单 — a red card under either preset calls for one: the
//! standard letter, ending with a 回执 (办理情况, 责任人, 签字, 日期) the unit
//! fills in and returns by the deadline.

use anyhow::Result;

use super::letter::Letter;
use super::{Ctx, Planned};
use crate::report::docx::DocxBuilder;

pub(super) fn build(ctx: &Ctx, p: &Planned) -> Result<DocxBuilder> {
    let mut l = Letter::new(ctx, p)?;
    let mut d = l.standard(|_, _| {});
    l.receipt(&mut d);
    Ok(d)
}
