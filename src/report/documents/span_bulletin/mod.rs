//! The 通报 of a span (`duban rollup`): 《关于2026年第四季度全区重点工作推进
//! 情况的通报》, 半年 and 年度 (with the 考评结果), in the layout of the
//! monthly 通报 — 版头 with the office's name and the 期号, title, 主送,
//! 一、总体情况 二、亮牌情况 三、排名情况 四、约谈情况, for a year
//! 五、年度考评结果, then 下步工作要求, 落款 and 版记. Every figure comes from
//! the [`Rollup`]; the words from `[span]` of the wording.
//!
//! 期号: span 通报 are numbered per year and per kind in series of their own
//! (`季度通报第4期`, `半年通报第2期`, `年度通报第1期`), so they never take a
//! number of the monthly series (`第12期`), which counts archived months.
//! Like the monthly count, a span's number is 1 + the earlier spans of its
//! kind in the year that have anything archived: the same archive gives
//! the same number however often the roll-up is run.

mod annual;
mod sections;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::NaiveDate;

use super::common::heading1;
use super::wording::{Vars, Wording};
use super::{DocKind, DocumentEntry, DOCUMENTS_DIR};
use crate::config::{Office, Preset};
use crate::report::docx::{DocumentStyle, DocxBuilder, Imprint, Span as Text};
use crate::rollup::{Inputs, Rollup, Span, SpanKind};
use crate::store::layout;

/// Everything the span's 通报 is built from.
pub struct SpanCtx<'a> {
    pub rollup: &'a Rollup,
    pub wording: &'a Wording,
    pub office: &'a Office,
    pub style: &'a DocumentStyle,
    /// The card rules the 约谈 wording follows (the latest period's).
    pub preset: Preset,
    /// 成文日期.
    pub issue_date: NaiveDate,
    /// 期号 within the year's series of this kind.
    pub issue: u32,
}

/// `公文/通报_2026年第四季度.docx`, `…_2026年下半年.docx`, `…_2026年度.docx`.
pub fn path(span: &Span) -> String {
    let label = match span.kind {
        SpanKind::Year => format!("{}年度", span.year),
        _ => span.label(),
    };
    format!("{DOCUMENTS_DIR}/{}_{label}.docx", DocKind::Bulletin)
}

/// Whether a file of `公文/` is a span's 通报 (which a monthly run leaves
/// in place when it clears the folder of its earlier documents).
pub fn is_span_bulletin(file_name: &str) -> bool {
    let label = file_name
        .strip_prefix(&format!("{}_", DocKind::Bulletin))
        .and_then(|s| s.strip_suffix(".docx"));
    label
        .and_then(|l| l.parse::<Span>().ok())
        .is_some_and(|span| path(&span) == format!("{DOCUMENTS_DIR}/{file_name}"))
}

/// The JSON summary's entry of the span's 通报.
pub fn entry(span: &Span) -> DocumentEntry {
    DocumentEntry {
        path: path(span),
        kind: DocKind::Bulletin,
        unit: None,
    }
}

/// 期号 of `span`'s 通报: 1 + the earlier spans of the same kind in its year
/// with any period archived (a year's is always 1).
pub fn issue_number(archive: &Path, span: &Span) -> u32 {
    let scan = layout::scan(archive);
    let earlier: Vec<Span> = match span.kind {
        SpanKind::Quarter(q) => (1..q).map(|i| Span::quarter(span.year, i)).collect(),
        SpanKind::Half(h) => (1..h).map(|i| Span::half(span.year, i)).collect(),
        SpanKind::Year => Vec::new(),
    };
    let archived = earlier
        .iter()
        .filter(|s| !crate::rollup::read::select(&scan, s).0.is_empty())
        .count();
    1 + archived as u32
}

/// The masthead's 期号: `季度通报第4期`.
fn issue_label(span: &Span, n: u32) -> String {
    format!("{}{}第{n}期", span.kind_label(), DocKind::Bulletin)
}

/// Write the span's 通报 under `out` (its path is [`path`]), dated and
/// numbered by the roll-up's settings; returns the file written.
pub fn write(rollup: &Rollup, inputs: &Inputs, out: &Path) -> Result<PathBuf> {
    let config = inputs.config;
    let preset = rollup
        .periods_used
        .iter()
        .rev()
        .find_map(|p| p.preset)
        .unwrap_or(config.preset);
    let ctx = SpanCtx {
        rollup,
        wording: inputs.wording,
        office: &config.office,
        style: &config.documents,
        preset,
        issue_date: config.issued_on(&rollup.span.last_month()),
        issue: issue_number(inputs.archive, &rollup.span),
    };
    let rel = path(&rollup.span);
    let file = rel.split('/').fold(out.to_path_buf(), |a, c| a.join(c));
    build(&ctx)
        .and_then(|d| d.write(&file))
        .with_context(|| format!("生成{} {} 失败", DocKind::Bulletin, file.display()))?;
    Ok(file)
}

impl SpanCtx<'_> {
    /// The placeholders: 期次 (the span), 年度, 政府, 范围, 督查室.
    pub fn vars(&self) -> Vars {
        let c = &self.wording.common;
        Vars::new()
            .set("期次", self.rollup.span.label())
            .set("年度", self.rollup.span.year.to_string())
            .set("政府", c.government.clone())
            .set("范围", c.scope.clone())
            .set("督查室", self.office.short_name.clone())
    }
}

/// A section of the 通报: what follows its heading.
type Part = fn(&mut DocxBuilder, &SpanCtx);

/// The whole document.
pub fn build(ctx: &SpanCtx) -> Result<DocxBuilder> {
    let w = &ctx.wording.span;
    let v = ctx.vars();
    let span = &ctx.rollup.span;
    let year = span.is_year();
    let mut d = DocxBuilder::new(ctx.style);
    d.created(ctx.issue_date);
    d.masthead(&ctx.office.name, Some(&issue_label(span, ctx.issue)))
        .title(&v.fill(if year { &w.year_title } else { &w.title }));
    if !ctx.rollup.verified {
        d.subtitle([Text::red(v.fill(&w.unverified))]);
    }
    d.addressee(&ctx.wording.common.addressee)
        .text(&v.fill(if year { &w.year_opening } else { &w.opening }));
    let mut parts: Vec<(&str, Part)> = vec![
        (&w.sections[0], sections::overview),
        (&w.sections[1], sections::cards),
        (&w.sections[2], sections::ranking),
        (&w.sections[3], sections::interviews),
    ];
    if year {
        parts.push((&w.annual_section, annual::results));
    }
    parts.push((&w.sections[4], sections::requirements));
    for (i, (heading, part)) in parts.into_iter().enumerate() {
        d.heading1(&heading1(i, heading));
        part(&mut d, ctx);
    }
    d.signature(&ctx.office.name, ctx.issue_date);
    let cc = v.fill(&w.cc);
    d.imprint(Imprint {
        cc: (!cc.trim().is_empty()).then_some(cc),
        printer: ctx.office.name.clone(),
        date: ctx.issue_date,
    });
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_issue_labels_of_each_kind() {
        let q4 = Span::quarter(2026, 4);
        assert_eq!(path(&q4), "公文/通报_2026年第四季度.docx");
        assert_eq!(path(&Span::half(2026, 2)), "公文/通报_2026年下半年.docx");
        assert_eq!(path(&Span::year(2026)), "公文/通报_2026年度.docx");
        assert_eq!(issue_label(&q4, 4), "季度通报第4期");
        assert_eq!(issue_label(&Span::year(2026), 1), "年度通报第1期");
        assert!(is_span_bulletin("通报_2026年第四季度.docx"));
        assert!(is_span_bulletin("通报_2026年度.docx"));
        // A month's or a quarterly period's own 通报 is not one.
        assert!(!is_span_bulletin("通报_2026年10月.docx"));
        assert!(!is_span_bulletin("通报_2026年第4季度.docx"));
        assert!(!is_span_bulletin("约谈名单_2026年度.docx"));
    }

    #[test]
    fn issue_numbers_count_earlier_spans_of_the_kind_with_anything_archived() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path();
        for p in [
            crate::period::Period::month(2026, 2),
            crate::period::Period::month(2026, 8),
        ] {
            std::fs::create_dir_all(layout::round_dir(a, &p, 1)).unwrap();
        }
        assert_eq!(issue_number(a, &Span::quarter(2026, 1)), 1);
        // Q1 and Q3 archived, Q2 not.
        assert_eq!(issue_number(a, &Span::quarter(2026, 4)), 3);
        assert_eq!(issue_number(a, &Span::half(2026, 2)), 2);
        assert_eq!(issue_number(a, &Span::year(2026)), 1);
        assert_eq!(issue_number(a, &Span::quarter(2027, 2)), 1);
    }
}
