//! Blocks → docx-rs elements, one function per block, in GB/T 9704's layout.
//!
//! The section declares GB/T 9704's grid (22 lines × 28 characters), which
//! is what Word's page setup shows and what newly typed text follows. Our
//! own paragraphs do not snap to it (`w:snapToGrid="0"`): LibreOffice gives
//! a 16 pt character in a 15.8 pt grid cell two cells, and Word widens
//! larger text (title, 版头) to whole cells. Instead every body line is
//! exactly one grid line high (579 twips) and 3号 runs are condensed by
//! 0.25 pt (`w:spacing -5`), so 22 lines of 28 characters come out the same
//! in Word, WPS and LibreOffice.

use chrono::NaiveDate;
use docx_rs::{
    AlignmentType, BorderType, BreakType, DocGrid, DocGridType, Docx, FieldCharType, Footer,
    InstrPAGE, InstrText, LineSpacing, LineSpacingType, PageMargin, Paragraph, ParagraphBorder,
    ParagraphBorderPosition, ParagraphBorders, Run, RunFonts, Shading, SpecialIndentType, Tab,
    TabValueType,
};

use super::blocks::{width_in_chars, DocTable, Imprint, Receipt, Span};
use super::style::{self, DocumentStyle, FontList, BODY_SIZE, SMALL_SIZE, TITLE_SIZE};
use crate::value::cn_date;

/// One block of a document, in order.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Block {
    Masthead {
        office: String,
        number: Option<String>,
    },
    Title(Vec<String>),
    Subtitle(Vec<Span>),
    Addressee(String),
    Paragraph(Vec<Span>),
    Heading1(String),
    Heading2 {
        heading: String,
        rest: Vec<Span>,
    },
    Blank,
    Table(DocTable),
    AttachmentNote(Vec<String>),
    AttachmentPage {
        label: String,
        title: String,
    },
    Signature {
        office: String,
        date: NaiveDate,
    },
    PageBreak,
    Imprint(Imprint),
    Receipt(Receipt),
}

/// Distance of the footer (page number) from the bottom edge: the number's
/// 一字线 sits about 7 mm below the 版心 (§7.5).
const FOOTER_MM: f64 = 25.0;

/// Rules: the red 分隔线 and the dashed 回执 cut line (borders, in eighths
/// of a point), the 版记's thick (0.35 mm) and thin (0.25 mm) rules.
const RED_RULE: usize = 16;
const THICK_RULE: i32 = 20; // 1 pt ≈ 0.35 mm, in twips (a shaded line)
const THIN_RULE: i32 = 14; // 0.7 pt ≈ 0.25 mm
const CUT_RULE: usize = 6;

/// A body element, kept until the end so that a later block can bind
/// itself to the paragraph before it (keep with next).
enum Item {
    Paragraph(Box<Paragraph>),
    Table(Box<docx_rs::Table>),
}

/// The docx being built, and what the package step needs afterwards.
pub(super) struct Renderer<'a> {
    pub(super) style: &'a DocumentStyle,
    docx: Docx,
    items: Vec<Item>,
    /// Header rows per table, in document order (for w:tblHeader).
    header_rows: Vec<usize>,
    next_id: u32,
    page_break: bool,
}

impl<'a> Renderer<'a> {
    pub(super) fn new(style: &'a DocumentStyle, created: Option<NaiveDate>) -> Self {
        let mut r = Renderer {
            style,
            docx: Docx::new(),
            items: Vec::new(),
            header_rows: Vec::new(),
            next_id: 0,
            page_break: false,
        };
        let odd = r.footer(false);
        let even = r.footer(true);
        let margin = PageMargin::new()
            .top(style::margin_top())
            .bottom(style::margin_bottom())
            .left(style::margin_left())
            .right(style::margin_right())
            .header(style::mm(15.0))
            .footer(style::mm(FOOTER_MM))
            .gutter(0);
        let mut docx = Docx::new()
            .page_size(style::PAGE_WIDTH, style::PAGE_HEIGHT)
            .page_margin(margin)
            .default_fonts(r.fonts(&style.fonts.body))
            .default_size(BODY_SIZE)
            .footer(odd)
            .even_footer(even);
        if let Some(d) = created {
            let stamp = format!("{}T00:00:00Z", d.format("%Y-%m-%d"));
            docx = docx.created_at(&stamp).updated_at(&stamp);
        }
        docx.document = docx.document.doc_grid(
            DocGrid::new()
                .grid_type(DocGridType::LinesAndChars)
                .line_pitch(style::line_pitch() as usize)
                .char_space(style::char_space()),
        );
        r.docx = docx;
        r
    }

    /// A new paragraph with a per-document id (docx-rs numbers paragraphs
    /// from a thread-wide counter, which would make the bytes depend on what
    /// the thread wrote before) and a pending page break.
    pub(super) fn para(&mut self) -> Paragraph {
        self.next_id += 1;
        let mut p = Paragraph::new()
            .id(format!("{:08X}", self.next_id))
            .snap_to_grid(false);
        if std::mem::take(&mut self.page_break) {
            p = p.page_break_before(true);
        }
        p
    }

    /// A paragraph on the line grid: exact line height, no space around.
    fn grid_para(&mut self) -> Paragraph {
        self.para().line_spacing(exact(style::line_pitch()))
    }

    pub(super) fn fonts(&self, font: &FontList) -> RunFonts {
        let cjk = font.primary();
        let latin = self.style.fonts.latin.as_deref().unwrap_or(cjk);
        RunFonts::new()
            .east_asia(cjk)
            .ascii(latin)
            .hi_ansi(latin)
            .cs(latin)
            .hint("eastAsia")
    }

    /// A run of `text` (line breaks where it has `\n`) in `font` at `size`.
    pub(super) fn run(&self, text: &str, font: &FontList, size: usize) -> Run {
        let mut r = Run::new().fonts(self.fonts(font)).size(size);
        if size == BODY_SIZE {
            r = r.character_spacing(style::body_char_spacing());
        }
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                r = r.add_break(BreakType::TextWrapping);
            }
            r = r.add_text(line);
        }
        r
    }

    pub(super) fn span_run(&self, span: &Span, font: &FontList, size: usize) -> Run {
        let mut r = self.run(&span.text, font, size);
        if let Some(c) = span.color {
            r = r.color(c.hex());
        }
        if span.bold {
            r = r.bold();
        }
        r
    }

    fn push(&mut self, p: Paragraph) {
        self.items.push(Item::Paragraph(Box::new(p)));
    }

    /// Keep the last paragraph so far on the page of what comes next.
    fn keep_last_with_next(&mut self) {
        if let Some(Item::Paragraph(p)) = self.items.last_mut() {
            **p = std::mem::take(&mut **p).keep_next(true);
        }
    }

    pub(super) fn push_table(&mut self, t: docx_rs::Table, header_rows: usize) {
        if self.page_break {
            // A table cannot carry the break: an empty line opens the page.
            let p = self.grid_para();
            self.push(p);
        }
        self.items.push(Item::Table(Box::new(t)));
        self.header_rows.push(header_rows);
    }

    pub(super) fn render(&mut self, block: &Block) {
        match block {
            Block::Masthead { office, number } => self.masthead(office, number.as_deref()),
            Block::Title(lines) => self.title(lines),
            Block::Subtitle(spans) => {
                let p = self
                    .grid_para()
                    .align(AlignmentType::Center)
                    .keep_next(true);
                let p = self.add_spans(p, spans, &self.style.fonts.heading2);
                self.push(p);
            }
            Block::Addressee(text) => {
                self.blank();
                let p = self.grid_para().align(AlignmentType::Both);
                let p = p.add_run(self.run(text, &self.style.fonts.body, BODY_SIZE));
                self.push(p);
            }
            Block::Paragraph(spans) => {
                let p = self.body_para();
                let p = self.add_spans(p, spans, &self.style.fonts.body);
                self.push(p);
            }
            Block::Heading1(text) => {
                let p = self.body_para().keep_next(true).outline_lvl(0);
                let p = p.add_run(self.run(text, &self.style.fonts.heading1, BODY_SIZE));
                self.push(p);
            }
            Block::Heading2 { heading, rest } => {
                let mut p = self.body_para().outline_lvl(1);
                if rest.is_empty() {
                    p = p.keep_next(true);
                }
                p = p.add_run(self.run(heading, &self.style.fonts.heading2, BODY_SIZE));
                let p = self.add_spans(p, rest, &self.style.fonts.body);
                self.push(p);
            }
            Block::Blank => self.blank(),
            Block::Table(t) => self.table(t),
            Block::AttachmentNote(names) => self.attachment_note(names),
            Block::AttachmentPage { label, title } => self.attachment_page(label, title),
            Block::Signature { office, date } => self.signature(office, *date),
            Block::PageBreak => self.page_break = true,
            Block::Imprint(imprint) => self.imprint(imprint),
            Block::Receipt(receipt) => self.receipt(receipt),
        }
    }

    /// The finished docx (a break asked for last still makes its page).
    pub(super) fn finish(mut self) -> (Docx, Vec<usize>) {
        if self.page_break {
            self.blank();
        }
        // A document ending with a table (the 回执) still needs a paragraph
        // after it; a line-high one would spill onto a page of its own when
        // the table fills the page, so it is one point high.
        if let [.., Item::Table(_), Item::Paragraph(_)] = self.items.as_slice() {
            self.items.pop();
            let p = self.para().line_spacing(exact(20)).size(2);
            self.push(p);
        }
        let mut docx = self.docx;
        for item in self.items {
            docx = match item {
                Item::Paragraph(p) => docx.add_paragraph(*p),
                Item::Table(t) => docx.add_table(*t),
            };
        }
        (docx, self.header_rows)
    }

    fn add_spans(&self, mut p: Paragraph, spans: &[Span], font: &FontList) -> Paragraph {
        for s in spans {
            p = p.add_run(self.span_run(s, font, BODY_SIZE));
        }
        p
    }

    /// A body paragraph: justified, first line indented two characters.
    fn body_para(&mut self) -> Paragraph {
        self.grid_para().align(AlignmentType::Both).indent(
            Some(0),
            Some(SpecialIndentType::FirstLine(style::chars(2.0))),
            None,
            None,
        )
    }

    pub(super) fn blank(&mut self) {
        let p = self.grid_para();
        self.push(p);
    }

    /// 版头: 发文机关标志 (red, centred, 35 mm below the top of the 版心),
    /// two lines below it the 发文字号 or 期号, 4 mm below that the red rule.
    fn masthead(&mut self, office: &str, number: Option<&str>) {
        let size = self.style.masthead_size(office);
        let space = style::mm(self.style.masthead_space_mm).max(0) as u32;
        let height = (size * 12) as i32; // 1.2 em, in twips
        let p = self
            .para()
            .align(AlignmentType::Center)
            .line_spacing(exact(height).before(space));
        let p = p.add_run(
            self.run(office, &self.style.fonts.masthead, size)
                .color(super::Color::Red.hex()),
        );
        self.push(p);
        self.blank();
        let mut rule = self.grid_para().align(AlignmentType::Center);
        match number {
            Some(n) => {
                self.blank();
                rule = rule.add_run(self.run(n, &self.style.fonts.body, BODY_SIZE));
            }
            None => rule = rule.line_spacing(exact(style::line_pitch() / 2)),
        }
        let rule = with_border(
            rule,
            ParagraphBorder::new(ParagraphBorderPosition::Bottom)
                .size(RED_RULE)
                .space(1)
                .color(super::Color::Red.hex()),
        );
        self.push(rule);
        self.blank();
        self.blank();
    }

    /// Title: 2号 小标宋, centred, its lines broken where given.
    fn title(&mut self, lines: &[String]) {
        let p = self.title_para(lines, TITLE_SIZE);
        self.push(p);
    }

    fn title_para(&mut self, lines: &[String], size: usize) -> Paragraph {
        let mut p = self
            .grid_para()
            .align(AlignmentType::Center)
            .keep_next(true);
        for (i, line) in lines.iter().enumerate() {
            let mut r = self.run(line, &self.style.fonts.title, size);
            if i + 1 < lines.len() {
                r = r.add_break(BreakType::TextWrapping);
            }
            p = p.add_run(r);
        }
        p
    }

    /// 附件说明 (§7.3.4): 正文下空一行左空二字 `附件：1.名称`, later names
    /// aligned under the first one's, wrapped lines under the name's start.
    fn attachment_note(&mut self, names: &[String]) {
        self.keep_last_with_next();
        let blank = self.grid_para().keep_next(true);
        self.push(blank);
        let label = "附件：";
        let label_w = width_in_chars(label);
        for (i, name) in names.iter().enumerate() {
            let num = if names.len() > 1 {
                format!("{}.", i + 1)
            } else {
                String::new()
            };
            let num_w = width_in_chars(&num);
            let left = style::chars(2.0 + label_w + num_w);
            let hang = if i == 0 { label_w + num_w } else { num_w };
            let text = if i == 0 {
                format!("{label}{num}{name}")
            } else {
                format!("{num}{name}")
            };
            let p = self
                .grid_para()
                .align(AlignmentType::Left)
                .keep_next(true)
                .indent(
                    Some(left),
                    Some(SpecialIndentType::Hanging(style::chars(hang))),
                    None,
                    None,
                );
            let p = p.add_run(self.run(&text, &self.style.fonts.body, BODY_SIZE));
            self.push(p);
        }
    }

    /// An attachment's own pages (§8.? 附件): a new page, `附件1` in 黑体 at
    /// the top left, the title centred on the third line.
    fn attachment_page(&mut self, label: &str, title: &str) {
        self.page_break = true;
        let p = self.grid_para().align(AlignmentType::Left);
        let p = p.add_run(self.run(label, &self.style.fonts.heading1, BODY_SIZE));
        self.push(p);
        self.blank();
        let lines = title_lines(title);
        let p = self.title_para(&lines, TITLE_SIZE);
        self.push(p);
        self.blank();
    }

    /// 落款 without seal (§7.3.5.2): one line below the text, the office
    /// ending two characters from the right; the date below it, starting two
    /// characters right of the office's start — or, if it is the longer,
    /// ending two characters from the right with the office moved left.
    fn signature(&mut self, office: &str, date: NaiveDate) {
        let date = cn_date(date);
        let (office_left, date_left) = signature_indents(office, &date);
        // Never a 落款 alone on a page: it takes the text's last lines along.
        self.keep_last_with_next();
        let blank = self.grid_para().keep_next(true);
        self.push(blank);
        for (text, left, keep) in [
            (office, office_left, true),
            (date.as_str(), date_left, false),
        ] {
            // Left-aligned from computed starts: the rule is about where the
            // lines start, and a CJK name's width is exact, a date's is not.
            let p = self
                .grid_para()
                .align(AlignmentType::Left)
                .keep_next(keep)
                .indent(Some(style::chars(left)), None, None, None);
            let p = p.add_run(self.run(text, &self.style.fonts.body, BODY_SIZE));
            self.push(p);
        }
    }

    /// 版记 (§7.4) in a frame at the foot of the 版心 of the page it ends on:
    /// thick rule, `抄送：…。` (4号, one character in, wrapped lines under
    /// the first name), thin rule, 印发机关 one character in and
    /// `2026年12月2日印发` one character from the right, thick rule.
    fn imprint(&mut self, imprint: &Imprint) {
        let mut paras = vec![self.rule(THICK_RULE)];
        if let Some(cc) = imprint.cc.as_deref().filter(|c| !c.trim().is_empty()) {
            let cc = cc.trim().trim_end_matches(['。', '.']);
            let one = small_chars(1.0);
            let p = self.grid_para().align(AlignmentType::Left).indent(
                Some(small_chars(4.0)),
                Some(SpecialIndentType::Hanging(small_chars(4.0) - one)),
                Some(one),
                None,
            );
            let p =
                p.add_run(self.run(&format!("抄送：{cc}。"), &self.style.fonts.body, SMALL_SIZE));
            paras.push(p);
            paras.push(self.rule(THIN_RULE));
        }
        let date_end = (style::text_width() - small_chars(1.0)).max(0) as usize;
        let p = self
            .grid_para()
            .align(AlignmentType::Left)
            .indent(Some(small_chars(1.0)), None, None, None)
            .add_tab(Tab::new().val(TabValueType::Right).pos(date_end));
        let p = p.add_run(
            self.run(&imprint.printer, &self.style.fonts.body, SMALL_SIZE)
                .add_tab(),
        );
        let p = p.add_run(self.run(
            &format!("{}印发", cn_date(imprint.date)),
            &self.style.fonts.body,
            SMALL_SIZE,
        ));
        paras.push(p);
        paras.push(self.rule(THICK_RULE));
        for p in paras {
            let framed = p
                .frame_width(style::text_width() as u32)
                .wrap("around")
                .h_anchor("margin")
                .x_align("center")
                .v_anchor("margin")
                .y_align("bottom");
            self.push(framed);
        }
    }

    /// A rule across the 版心: an empty paragraph exactly as high as the
    /// rule is thick, shaded black. (Paragraph borders would do in Word, but
    /// LibreOffice drops a frame whose paragraphs' borders differ.)
    fn rule(&mut self, twips: i32) -> Paragraph {
        let mut p = self.para().line_spacing(exact(twips));
        p.property = std::mem::take(&mut p.property).shading(Shading::new().fill("000000"));
        p
    }

    /// 回执: a dashed cut line carrying `（此联回执，请于…前反馈）`, the
    /// title, and a table of fields to fill in.
    fn receipt(&mut self, receipt: &Receipt) {
        self.blank();
        let p = with_border(
            self.grid_para().align(AlignmentType::Center),
            ParagraphBorder::new(ParagraphBorderPosition::Top)
                .val(BorderType::Dashed)
                .size(CUT_RULE)
                .space(4)
                .color("000000"),
        );
        let p = p.keep_next(true).add_run(self.run(
            &receipt.cut_line(),
            &self.style.fonts.heading2,
            BODY_SIZE,
        ));
        self.push(p);
        let p = self.title_para(&title_lines(&receipt.title), TITLE_SIZE);
        self.push(p);
        let p = self.grid_para().keep_next(true);
        self.push(p);
        let t = super::table::receipt_table(receipt);
        self.table(&t);
    }

    /// Page number footers: `— 1 —` in 4号 宋体, one character in from the
    /// outer side (odd pages right, even pages left).
    fn footer(&mut self, even: bool) -> Footer {
        let one = small_chars(1.0);
        let (align, left, right) = if even {
            (AlignmentType::Left, Some(one), None)
        } else {
            (AlignmentType::Right, Some(0), Some(one))
        };
        let font = &self.style.fonts.page_number;
        let field = Run::new()
            .fonts(self.fonts(font))
            .size(SMALL_SIZE)
            .add_field_char(FieldCharType::Begin, false)
            .add_instr_text(InstrText::PAGE(InstrPAGE::new()))
            .add_field_char(FieldCharType::Separate, false)
            .add_text("1")
            .add_field_char(FieldCharType::End, false);
        let p = self
            .para()
            .align(align)
            .indent(left, None, right, None)
            .add_run(self.run("— ", font, SMALL_SIZE))
            .add_run(field)
            .add_run(self.run(" —", font, SMALL_SIZE));
        Footer::new().add_paragraph(p)
    }
}

/// `p` with `border` as its only border (docx-rs's default set has four).
fn with_border(mut p: Paragraph, border: ParagraphBorder) -> Paragraph {
    p.property = p
        .property
        .set_borders(ParagraphBorders::with_empty().set(border));
    p
}

/// Exact line height, no space before or after.
pub(super) fn exact(twips: i32) -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line(twips)
        .before(0)
        .after(0)
}

/// `n` characters of 4号 (14 pt) in twips.
fn small_chars(n: f64) -> i32 {
    (n * SMALL_SIZE as f64 * 10.0).round() as i32
}

/// Where the 落款's office and date lines start, in body characters from
/// the left edge of the 版心.
pub(super) fn signature_indents(office: &str, date: &str) -> (f64, f64) {
    let (s, d) = (width_in_chars(office), width_in_chars(date));
    let date_right = (s - d).max(2.0);
    let office_right = date_right + d + 2.0 - s;
    let office_left = (f64::from(style::CHARS_PER_LINE) - office_right - s).max(0.0);
    (office_left, office_left + 2.0)
}

/// Characters of 2号 title on one line of the 版心.
fn title_capacity() -> f64 {
    // One character of slack: fonts' digits and punctuation vary.
    (f64::from(style::text_width()) / (TITLE_SIZE as f64 * 10.0)).floor() - 1.0
}

/// A title's lines: the given ones (split on `\n`), or, when too long for
/// one line, balanced lines broken preferably after `的` or another word end
/// near the middle, never before closing punctuation.
pub(super) fn title_lines(title: &str) -> Vec<String> {
    if title.contains('\n') {
        return title
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
    }
    let cap = title_capacity();
    let chars: Vec<char> = title.trim().chars().collect();
    let mut lines = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let rest: String = chars[start..].iter().collect();
        let rest_w = width_in_chars(&rest);
        if rest_w <= cap {
            lines.push(rest);
            break;
        }
        let n_lines = (rest_w / cap).ceil();
        let target = rest_w / n_lines;
        let end = start + best_break(&chars[start..], target, cap);
        lines.push(chars[start..end].iter().collect());
        start = end;
    }
    lines
}

/// Where to end the first line of `chars` (an index ≥ 1): the candidate
/// closest to `target` width, counting a break after a word end (`的`,
/// `工作`, a date's `月` …) as three characters closer, later ones winning
/// ties (the first line the longer); never over `cap` nor before closing
/// punctuation.
fn best_break(chars: &[char], target: f64, cap: f64) -> usize {
    const CLOSERS: &str = "，。、；：？！）》”’」』";
    const WORD_ENDS: [&str; 11] = [
        "的", "于", "和", "及", "、", "与", "暨", "工作", "情况", "年", "月",
    ];
    let mut width = 0.0;
    let mut line = String::new();
    let mut best: Option<(f64, usize)> = None;
    for i in 0..chars.len() - 1 {
        line.push(chars[i]);
        width += width_in_chars(&chars[i].to_string());
        if width > cap {
            break;
        }
        if CLOSERS.contains(chars[i + 1])
            || chars[i + 1].is_ascii_digit() && chars[i].is_ascii_digit()
        {
            continue;
        }
        let mut score = (width - target).abs();
        if score <= 4.0 && WORD_ENDS.iter().any(|w| line.ends_with(w)) {
            score -= 3.0;
        }
        match best {
            Some((b, _)) if b < score => {}
            _ => best = Some((score, i + 1)),
        }
    }
    best.map_or(1, |(_, i)| i)
}
