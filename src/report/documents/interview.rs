//! 约谈通知 — red-yellow-blue's yellow and red cards (a yellow card: the
//! leader in charge calls in the unit's head; a red card: the principal
//! leader calls in the leader in charge and the unit's head): the
//! standard letter with a 约谈安排 section (who calls whom in; time and
//! place to follow).

use anyhow::Result;

use super::letter::Letter;
use super::{Ctx, Planned};
use crate::report::docx::DocxBuilder;

pub(super) fn build(ctx: &Ctx, p: &Planned) -> Result<DocxBuilder> {
    Ok(Letter::new(ctx, p)?.standard(|l, d| {
        l.section(d, "约谈安排");
        let who = l
            .vars
            .fill("约谈人：{约谈人}。约谈对象：你单位{约谈对象}。");
        d.text(&who).text("约谈时间、地点：另行通知。");
        if let Some(times) = l.ctx.numbering.interviews.get(&l.unit.unit) {
            d.text(&format!(
                "本年度此前已被约谈{times}次，本次为第{}次。",
                times + 1
            ));
        }
    }))
}
