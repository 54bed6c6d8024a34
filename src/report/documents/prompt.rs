//! 重点工作督办提示函 — yellow-orange-red's yellow card (given for poor
//! follow-through, work not done properly, material sent late or of poor
//! quality, a ledger of tasks not kept to the rules):
//! the standard letter, with the reporting rules the unit broke restated.

use anyhow::Result;

use super::letter::Letter;
use super::{Ctx, Planned};
use crate::report::docx::DocxBuilder;

pub(super) fn build(ctx: &Ctx, p: &Planned) -> Result<DocxBuilder> {
    Ok(Letter::new(ctx, p)?.standard(|l, d| {
        // A yellow card of its own is about the return: say what was due.
        if l.unit.reasons.is_empty() {
            return;
        }
        d.text("请严格按照星级管理要求，在每期报送截止日期前报送经单位主要负责人核签的推进情况，确保材料真实、完整、规范。");
    }))
}
