//! 重点工作督办预警通知书 — yellow-orange-red's orange card (a task moving
//! slowly: the leader in charge calls in the unit's head, and the lead unit
//! gets a warning notice to put things right by a deadline): the standard letter with the 整改期限 set out on its own.

use anyhow::Result;

use super::letter::Letter;
use super::{Ctx, Planned};
use crate::report::docx::{DocxBuilder, Span};
use crate::value::cn_date;

pub(super) fn build(ctx: &Ctx, p: &Planned) -> Result<DocxBuilder> {
    Ok(Letter::new(ctx, p)?.standard(|l, d| {
        l.section(d, "整改期限");
        d.paragraph([
            Span::new("请于"),
            Span::new(cn_date(l.deadline)).bold(),
            Span::new(format!(
                "前（{}个工作日内）完成整改，逾期未完成的，按重点工作“亮牌”管理规定升级处理。",
                l.wording.working_days
            )),
        ]);
    }))
}
