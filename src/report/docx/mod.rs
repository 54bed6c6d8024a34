//! The Word document writer: 公文 in the layout of GB/T 9704-2012
//! 《党政机关公文格式》, over docx-rs. Layout only — which documents exist
//! and what they say is `report/documents/`' business.
//!
//! An example (crate-internal API, so not compiled as a doctest):
//!
//! ```ignore
//! use chrono::NaiveDate;
//! use duban::report::docx::{Column, DocTable, DocumentStyle, DocxBuilder, Imprint, Span};
//!
//! let day = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
//! let style = DocumentStyle::default(); // or Config's [documents]
//! let mut doc = DocxBuilder::new(&style);
//! doc.created(day)
//!     .masthead("四方台区人民政府督查室", Some("第12期"))
//!     .title("关于2026年11月全区重点工作推进情况的通报")
//!     .addressee("各乡镇（街道）、区直各部门：")
//!     .text("现将2026年11月全区重点工作推进情况通报如下：")
//!     .heading1("一、总体情况")
//!     .paragraph([Span::new("区财政局分管负责人"), Span::blue("张某某"), Span::new("。")])
//!     .heading2("（一）强化组织领导。", ["各单位要……"]);
//! let mut t = DocTable::new(vec![Column::new("序号", 1.0).center(), Column::new("单位", 4.0)]);
//! t.row(["1", "区发改局"]);
//! doc.table(t)
//!     .attachment_note(["重点工作滞后事项清单"])
//!     .signature("四方台区人民政府督查室", day)
//!     .imprint(Imprint { cc: Some("区委办公室".into()), printer: "四方台区人民政府督查室".into(), date: day });
//! doc.write(std::path::Path::new("通报.docx"))?;
//! # anyhow::Ok(())
//! ```
//!
//! Layout (GB/T 9704-2012):
//! - A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (版心
//!   156 × 225 mm). The section declares the grid of 22 lines × 28
//!   characters (`w:docGrid` linesAndChars, linePitch 579, charSpace −841)
//!   for Word's page setup and newly typed text; our paragraphs do not snap
//!   to it but are exactly one grid line (579 twips) high, with 3号 runs
//!   condensed by 0.25 pt, which gives the same 22 × 28 in Word, WPS and
//!   LibreOffice (LibreOffice spreads 16 pt text over two 15.8 pt cells).
//! - Body 3号 (16 pt) 仿宋_GB2312, justified, first line indented two
//!   characters; title 2号 (22 pt) 方正小标宋简体 centred, broken into
//!   balanced lines when long; `一、` 黑体, `（一）` 楷体_GB2312 (run-in with
//!   the body text that follows); tables 小四 by default.
//! - 版头: the office's name in red (as large as fits, ≤ 42 pt) 35 mm below
//!   the top of the 版心, the 发文字号 or 期号 two lines below, a red rule.
//! - 附件说明 and 落款 keep with the text's last lines (no 落款 alone on a
//!   page); the 落款's office ends two characters from the right, the date
//!   starts two characters right of it (§7.3.5.2); dates in Arabic numerals
//!   ([`crate::value::cn_date`]).
//! - 版记 in a frame (`w:framePr`, bottom of the margin) on the page it ends
//!   on, its rules shaded 1 pt / 0.7 pt lines (LibreOffice drops a frame
//!   whose paragraphs have different borders); page numbers `— 1 —` in 4号
//!   宋体 in odd/even footers, one character in from the outer side.
//! - 回执: a dashed cut line with `（此联回执，请于…前反馈）`, the title and a
//!   table of fields to fill in, kept on one page.
//!
//! Fonts: each role names a list ([`FontList`]): the first is written in
//! every run (`w:rFonts` eastAsia, and ascii/hAnsi unless
//! [`FontSet::latin`] is set, with `w:hint="eastAsia"` for the ambiguous
//! punctuation “”—); the others go into the font table as that font's
//! `w:altName`, with the GB2312 charset, which is what Word and WPS use to
//! substitute a missing font. A PC with the GB fonts shows them; one without
//! shows 仿宋/楷体/宋体 instead of a Latin fallback.
//!
//! Deterministic: no clock is read (core properties take the date given to
//! [`DocxBuilder::created`], or the epoch); paragraph ids are numbered per
//! document; zip entries have no timestamps. Files are written atomically
//! (through the store's atomic file).

mod blocks;
mod package;
mod render;
mod style;
mod table;

#[cfg(test)]
mod demo;
#[cfg(test)]
mod pdf_tests;
#[cfg(test)]
mod tests;

use std::path::Path;

use anyhow::Result;
use chrono::NaiveDate;

pub(crate) use blocks::{Color, Column, DocTable, Imprint, Receipt, Span};
pub(crate) use style::DocumentStyle;

use render::{title_lines, Block, Renderer};

/// Builds one document block by block; [`DocxBuilder::to_bytes`] lays it
/// out. Blocks appear in the order they are added.
#[derive(Debug, Clone)]
pub(crate) struct DocxBuilder {
    style: DocumentStyle,
    created: Option<NaiveDate>,
    blocks: Vec<Block>,
}

impl DocxBuilder {
    pub(crate) fn new(style: &DocumentStyle) -> Self {
        DocxBuilder {
            style: style.clone(),
            created: None,
            blocks: Vec::new(),
        }
    }

    /// The date for the core properties (created/modified); unset, the epoch.
    pub(crate) fn created(&mut self, date: NaiveDate) -> &mut Self {
        self.created = Some(date);
        self
    }

    fn push(&mut self, block: Block) -> &mut Self {
        self.blocks.push(block);
        self
    }

    /// 版头: the office's name in red, the 发文字号 (`四政督〔2026〕12号`) or
    /// 期号 (`第12期`) if any, the red rule, then two blank lines.
    pub(crate) fn masthead(&mut self, office: &str, number: Option<&str>) -> &mut Self {
        self.push(Block::Masthead {
            office: office.to_string(),
            number: number.map(str::to_string),
        })
    }

    /// The title; broken into balanced lines when it does not fit on one,
    /// or where it has `\n`.
    pub(crate) fn title(&mut self, title: &str) -> &mut Self {
        self.push(Block::Title(title_lines(title)))
    }

    /// A line centred under the title in 楷体: a note on the whole document
    /// (`（本通报所据归档数据未经校验）`).
    pub fn subtitle<S: Into<Span>>(&mut self, spans: impl IntoIterator<Item = S>) -> &mut Self {
        self.push(Block::Subtitle(spans.into_iter().map(Into::into).collect()))
    }

    /// 主送机关, one line below the title, flush left: `各乡镇（街道）、区直各部门：`.
    pub(crate) fn addressee(&mut self, text: &str) -> &mut Self {
        self.push(Block::Addressee(text.to_string()))
    }

    /// A body paragraph of spans (colour, bold).
    pub(crate) fn paragraph<S: Into<Span>>(
        &mut self,
        spans: impl IntoIterator<Item = S>,
    ) -> &mut Self {
        self.push(Block::Paragraph(
            spans.into_iter().map(Into::into).collect(),
        ))
    }

    /// A body paragraph of plain text.
    pub(crate) fn text(&mut self, text: &str) -> &mut Self {
        self.paragraph([text])
    }

    /// A level-1 heading `一、总体情况` (黑体), kept with what follows.
    pub(crate) fn heading1(&mut self, text: &str) -> &mut Self {
        self.push(Block::Heading1(text.to_string()))
    }

    /// A level-2 heading `（一）…` (楷体), followed in the same paragraph by
    /// `rest` in body text (none: a heading line of its own).
    pub(crate) fn heading2<S: Into<Span>>(
        &mut self,
        heading: &str,
        rest: impl IntoIterator<Item = S>,
    ) -> &mut Self {
        self.push(Block::Heading2 {
            heading: heading.to_string(),
            rest: rest.into_iter().map(Into::into).collect(),
        })
    }

    /// An empty body line (no document uses one today).
    #[allow(dead_code)]
    pub(crate) fn blank_line(&mut self) -> &mut Self {
        self.push(Block::Blank)
    }

    /// A table across the 版心 (followed by an empty line).
    pub(crate) fn table(&mut self, table: DocTable) -> &mut Self {
        self.push(Block::Table(table))
    }

    /// 附件说明 after the body: `附件：1.名称` (numbered when several).
    pub(crate) fn attachment_note<S: Into<String>>(
        &mut self,
        names: impl IntoIterator<Item = S>,
    ) -> &mut Self {
        let names: Vec<String> = names.into_iter().map(Into::into).collect();
        if names.is_empty() {
            return self;
        }
        self.push(Block::AttachmentNote(names))
    }

    /// The start of an attachment: a new page, `label` (`附件` or `附件1`)
    /// at the top left in 黑体, the title centred on the third line.
    pub(crate) fn attachment_page(&mut self, label: &str, title: &str) -> &mut Self {
        self.push(Block::AttachmentPage {
            label: label.to_string(),
            title: title.to_string(),
        })
    }

    /// 落款: the issuing office and the 成文日期, one line below the text.
    pub(crate) fn signature(&mut self, office: &str, date: NaiveDate) -> &mut Self {
        self.push(Block::Signature {
            office: office.to_string(),
            date,
        })
    }

    /// What follows starts on a new page (no document asks for one today).
    #[allow(dead_code)]
    pub(crate) fn page_break(&mut self) -> &mut Self {
        self.push(Block::PageBreak)
    }

    /// 版记 at the foot of the page it falls on: add it last (after any
    /// attachment), so that it ends the last page.
    pub(crate) fn imprint(&mut self, imprint: Imprint) -> &mut Self {
        self.push(Block::Imprint(imprint))
    }

    /// The detachable 回执 (cut line, title, fields to fill in).
    pub(crate) fn receipt(&mut self, receipt: Receipt) -> &mut Self {
        self.push(Block::Receipt(receipt))
    }

    /// The .docx file's bytes.
    #[cfg(test)]
    pub(crate) fn to_bytes(&self) -> Result<Vec<u8>> {
        let out = self.clone().pack(std::io::Cursor::new(Vec::new()))?;
        Ok(out.into_inner())
    }

    /// Lay the document out into `out`, each block dropped once rendered.
    fn pack<W: std::io::Write + std::io::Seek>(self, out: W) -> Result<W> {
        let DocxBuilder {
            style,
            created,
            blocks,
        } = self;
        let mut r = Renderer::new(&style, created);
        for block in blocks {
            r.render(&block);
        }
        let (docx, header_rows) = r.finish();
        package::pack(docx, &style.fonts, &header_rows, out)
    }

    /// Write the document to `path` atomically, its bytes streamed to the
    /// file (a long 通报 is never held whole in memory as well).
    pub(crate) fn write(self, path: &Path) -> Result<()> {
        package::write_atomic_with(path, |w| self.pack(w).map(|_| ()))
    }
}
