//! What every letter to a carded unit is made of, in order: 版头 with the
//! 文号, title, 主送 (the unit as on the 单位 sheet), the opening; 存在问题
//! (its own card's reasons, its carded tasks with figures and reasons, due
//! tasks it did not report); 退回的数据 (its rejected rows, the 反馈
//! workbook as 附件); 整改要求 and the deadline; contact; 落款. Each kind of
//! letter (one file each) puts these together with what is its own.

use anyhow::{anyhow, Result};
use chrono::NaiveDate;

use super::common::{heading1, heading2, join, pct, reasons};
use super::snapshot::LetterDoc;
use super::snapshot::TaskDoc;
use super::wording::{LetterWording, Vars};
use super::{Ctx, Planned};
use crate::report::docx::{Column, DocTable, DocxBuilder, Receipt};
use crate::value::cn_date;

/// Rejected rows listed in a letter; the rest are in the 反馈 workbook.
const MAX_REJECTED: usize = 10;

/// A carded task's figures and reasons in a sentence. The reasons of lag
/// rules carry the figures (`序时进度75%，实际40%，滞后35个百分点（≥30），
/// 严重滞后`); when none does, the figures are written first.
fn progress(t: &TaskDoc) -> String {
    let reasons = reasons(&t.reasons);
    if t.reasons.iter().any(|r| r.contains("序时进度")) {
        return format!("{reasons}。");
    }
    let figures = match t.actual {
        Some(a) => format!("序时进度{}%，实际进度{}%", pct(t.planned), pct(a)),
        None => format!("序时进度{}%，本期未报送进度", pct(t.planned)),
    };
    format!("{figures}；{reasons}。")
}

/// One letter being written.
pub(super) struct Letter<'a> {
    pub(crate) ctx: &'a Ctx<'a>,
    pub(crate) planned: &'a Planned,
    pub(crate) unit: &'a LetterDoc,
    pub(crate) wording: &'a LetterWording,
    /// Issue date + the kind's working days.
    pub(crate) deadline: NaiveDate,
    pub(crate) vars: Vars,
    /// Sections written so far (for `一、` `二、`).
    sections: usize,
}

impl<'a> Letter<'a> {
    pub(crate) fn new(ctx: &'a Ctx<'a>, planned: &'a Planned) -> Result<Letter<'a>> {
        let unit = ctx
            .snap
            .letters
            .iter()
            .find(|l| Some(&l.unit) == planned.unit.as_ref())
            .ok_or_else(|| anyhow!("{}：单位 {:?} 不在亮牌单位中", planned.kind, planned.unit))?;
        let wording = ctx
            .wording
            .letter(planned.kind)
            .ok_or_else(|| anyhow!("{}不是函件", planned.kind))?;
        let deadline = ctx
            .calendar
            .add_working_days(ctx.issue_date, wording.working_days);
        let interview = ctx.wording.rules(ctx.snap.preset).card_interview(unit.card);
        let base = ctx.vars();
        let (conductor, interviewee) = match interview {
            Some(r) => (base.fill(&r.conductor), base.fill(&r.interviewee)),
            None => (base.fill("{政府}领导"), "主要负责人".to_string()),
        };
        let vars = base
            .set("单位", unit.unit.clone())
            .set("亮牌", unit.card.label())
            .set("截止日期", cn_date(deadline))
            .set("工作日", wording.working_days.to_string())
            .set("约谈人", conductor)
            .set("约谈对象", interviewee);
        Ok(Letter {
            ctx,
            planned,
            unit,
            wording,
            deadline,
            vars,
            sections: 0,
        })
    }

    /// 版头 (office, 文号), title, 主送 and the opening.
    pub(crate) fn head(&self) -> DocxBuilder {
        let ctx = self.ctx;
        let mut d = ctx.doc();
        let number = self.planned.number.map(|n| ctx.doc_number(n));
        d.masthead(&ctx.office.name, number.as_deref())
            .title(&self.vars.fill(&self.wording.title))
            .addressee(&format!("{}：", self.unit.unit))
            .text(&self.vars.fill(&self.wording.opening));
        d
    }

    /// A numbered section heading.
    pub(crate) fn section(&mut self, d: &mut DocxBuilder, title: &str) {
        d.heading1(&heading1(self.sections, title));
        self.sections += 1;
    }

    /// 存在问题: the unit's own card, its carded tasks, tasks not reported.
    pub(crate) fn problems(&mut self, d: &mut DocxBuilder) {
        let u = self.unit;
        let s = self.ctx.snap;
        self.section(d, "存在问题");
        // The unit's own reasons say it when there are any (yellow-orange-red).
        if (u.not_reported || u.late) && u.reasons.is_empty() {
            let what = if u.not_reported {
                "未报送"
            } else {
                "逾期报送"
            };
            d.text(&format!(
                "你单位{what}{}重点工作推进情况（报送截止日期为{}）。",
                s.period.label(),
                cn_date(s.report_deadline)
            ));
        }
        if !u.reasons.is_empty() {
            d.text(&format!("你单位{}。", reasons(&u.reasons)));
        }
        if !u.tasks.is_empty() {
            d.text(&format!(
                "你单位牵头的重点工作中有{}项亮牌：",
                u.tasks.len()
            ));
            for (i, t) in u.tasks.iter().enumerate() {
                let card = t.card.map(|c| c.label()).unwrap_or("");
                let head = format!("{}{}“{}”（{card}）：", heading2(i), t.id, t.title);
                d.heading2(&head, [progress(t)]);
            }
        }
        if !u.missing.is_empty() {
            let items = join(u.missing.iter().map(|(id, title)| format!("{id}“{title}”")));
            d.text(&format!(
                "本期应报送而未报送推进情况的事项{}项：{items}。",
                u.missing.len()
            ));
        }
    }

    /// 退回的数据: the unit's rejected rows (the first ten), pointing to
    /// its 反馈 workbook for all of them.
    pub(crate) fn rejected(&mut self, d: &mut DocxBuilder) {
        let u = self.unit;
        if u.rejected.is_empty() {
            return;
        }
        self.section(d, "退回的数据");
        d.text(&format!(
            "你单位报送的反馈表中有{}行数据未通过核查，已退回重新办理：",
            u.rejected.len()
        ));
        let mut t = DocTable::new(vec![
            Column::new("序号", 2.7).center(),
            Column::new("文件", 9.0),
            Column::new("行号", 2.7).center(),
            Column::new("编号", 5.0).center(),
            Column::new("退回原因", 17.4),
        ]);
        for (i, x) in u.rejected.iter().take(MAX_REJECTED).enumerate() {
            t.row([
                (i + 1).to_string(),
                x.file.clone(),
                x.row.to_string(),
                x.task.clone().unwrap_or_default(),
                x.reasons.join("；"),
            ]);
        }
        d.table(t);
        let more = if u.rejected.len() > MAX_REJECTED {
            format!("以上列出前{MAX_REJECTED}行。")
        } else {
            String::new()
        };
        let see = match &u.notice {
            Some((title, _)) => format!("每行的原填内容和修改要求见附件《{title}》，"),
            None => String::new(),
        };
        d.text(&format!(
            "{more}{see}请按要求修改后将反馈表重新报送{}。",
            self.ctx.office.short_name
        ));
    }

    /// 整改要求: the wording's requirements, numbered.
    pub(crate) fn requirements(&mut self, d: &mut DocxBuilder) {
        let title = self.vars.fill(&self.wording.requirements_title);
        self.section(d, &title);
        for (i, r) in self.wording.requirements.iter().enumerate() {
            d.text(&format!("{}.{}", i + 1, self.vars.fill(r)));
        }
    }

    /// The closing (the deadline), and the office's contact.
    pub(crate) fn closing(&self, d: &mut DocxBuilder) {
        d.text(&self.vars.fill(&self.wording.closing));
        let o = &self.ctx.office;
        let contact = match (o.contact.trim(), o.phone.trim()) {
            ("", "") => None,
            (c, "") => Some(format!("联系人：{c}。")),
            ("", p) => Some(format!("联系电话：{p}。")),
            (c, p) => Some(format!("联系人：{c}，联系电话：{p}。")),
        };
        if let Some(c) = contact {
            d.text(&c);
        }
    }

    /// 附件说明 (the 反馈 workbook, when rows were returned) and 落款.
    pub(crate) fn sign(&self, d: &mut DocxBuilder) {
        if let (false, Some((title, _))) = (self.unit.rejected.is_empty(), &self.unit.notice) {
            d.attachment_note([title.as_str()]);
        }
        d.signature(&self.ctx.office.name, self.ctx.issue_date);
    }

    /// The detachable 回执: the unit and its tasks pre-filled.
    pub(crate) fn receipt(&self, d: &mut DocxBuilder) {
        let ids = join(self.unit.tasks.iter().map(|t| t.id.as_str()));
        let mut r = Receipt::new(self.deadline);
        if !ids.is_empty() {
            r = r.with_field("督办事项", &ids);
        }
        d.receipt(r.with_field("承办单位", &self.unit.unit));
    }

    /// The parts every letter has, in order, with `extra` after the
    /// problems (a kind's own section).
    pub(crate) fn standard(
        &mut self,
        extra: impl FnOnce(&mut Self, &mut DocxBuilder),
    ) -> DocxBuilder {
        let mut d = self.head();
        self.problems(&mut d);
        self.rejected(&mut d);
        extra(self, &mut d);
        self.requirements(&mut d);
        self.closing(&mut d);
        self.sign(&mut d);
        d
    }
}
