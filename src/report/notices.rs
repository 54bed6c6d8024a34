//! `反馈/<unit>.xlsx`: per-unit return notices (cards, rejected rows, missing reports).
//!
//! A unit gets a notice when it has something to hear: a card on it or on one
//! of its tasks, rejected rows, due tasks it did not report, a late or missing
//! return, or warnings on its forms ([`super::figures::UnitNotice`]). It
//! must answer by [`Figures::answer_by`].

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::NaiveDate;
use rayon::prelude::*;
use rust_xlsxwriter::{Format, FormatAlign, Workbook, XlsxError};

use super::figures::{card_label, original_text, round1, Figures, UnitNotice};
use super::xlsx::{
    build_sheet, save_atomic_level, set_properties, Fill, Formats, Kind, Page, Sheet, UniqueNames,
    Val, SMALL_ZIP_LEVEL,
};
use crate::config::Office;
use crate::pipeline::RunResult;
use crate::value::cn_date;

/// Sub-folder of the output folder holding the notices.
pub(crate) const NOTICES_DIR: &str = "反馈";

/// Write one notice per unit that has something to hear ([`Figures::notices`]);
/// returns the files written.
pub(crate) fn write_notices(r: &RunResult, f: &Figures, dir: &Path) -> Result<Vec<PathBuf>> {
    let fmts = Formats::new();
    let mut names = UniqueNames::default();
    let paths: Vec<PathBuf> = f
        .notices
        .iter()
        .map(|n| dir.join(names.xlsx(n.unit)))
        .collect();
    f.notices
        .par_iter()
        .zip(paths.par_iter())
        .try_for_each(|(n, path)| {
            let mut wb = build_notice(r, n, f.answer_by, &fmts)
                .with_context(|| format!("生成反馈通知 {} 失败", path.display()))?;
            save_atomic_level(&mut wb, path, SMALL_ZIP_LEVEL)
        })?;
    Ok(paths)
}

/// Title of a unit's notice.
pub(crate) fn notice_title(unit: &str, r: &RunResult) -> String {
    format!("{unit}重点工作督办反馈通知（{}）", r.period_title())
}

const NCOLS: u16 = 8;

/// Name of the notice's sheet.
pub(crate) const NOTICE_SHEET: &str = "反馈通知";

/// Build one unit's notice (its sheet streamed, see [`build_sheet`]).
pub(crate) fn build_notice(
    r: &RunResult,
    n: &UnitNotice,
    deadline: NaiveDate,
    fmts: &Formats,
) -> Result<Workbook, XlsxError> {
    build_notice_with(r, n, deadline, fmts, true)
}

/// [`build_notice`], the sheet streamed or held in memory.
fn build_notice_with(
    r: &RunResult,
    n: &UnitNotice,
    deadline: NaiveDate,
    fmts: &Formats,
    stream: bool,
) -> Result<Workbook, XlsxError> {
    let mut wb = Workbook::new();
    set_properties(&mut wb, &notice_title(n.unit, r), r.as_of);
    let ws = if stream {
        Some(wb.new_worksheet_with_low_memory()?)
    } else {
        None
    };
    let ws = build_sheet(ws, NOTICE_SHEET, fmts, |s| notice_body(s, r, n, deadline))?;
    wb.push_worksheet(ws);
    Ok(wb)
}

fn notice_body(
    s: &mut Sheet,
    r: &RunResult,
    n: &UnitNotice,
    deadline: NaiveDate,
) -> Result<(), XlsxError> {
    s.set_page(Page::SHEET);
    s.width_bounds(6.0, 44.0);
    head(s, r, n, deadline)?;
    let mut b = Body { s, row: 3 };
    cards(&mut b, n)?;
    rejected(&mut b, n)?;
    held(&mut b, n)?;
    missing(&mut b, r, n)?;
    other(&mut b, n)?;
    sign(&mut b, r)?;
    s.ws.set_repeat_rows(0, 0)?;
    Ok(())
}

/// Title, the instruction the unit acts on, and the counts in one line.
fn head(
    s: &mut Sheet,
    r: &RunResult,
    n: &UnitNotice,
    deadline: NaiveDate,
) -> Result<(), XlsxError> {
    let fmts = s.fmts;
    let last = NCOLS - 1;
    s.merge(0, 0, last, &notice_title(n.unit, r), &fmts.title)?;
    s.row_height(0, 30.0)?;
    // Resubmission only when something was rejected or missing; a unit with
    // cards alone is asked for its remedy, not for a new form.
    let by = cn_date(deadline);
    let office = &r.config.office.short_name;
    let (asked, due) = if n.resubmit() {
        let asked = format!("请对照逐项整改，于 {by} 前将修改后的反馈表重新报送{office}。");
        (asked, "重新报送截止日期")
    } else {
        let asked = format!("请对照整改要求逐项整改，于 {by} 前将整改情况报送{office}。");
        (asked, "整改情况报送截止日期")
    };
    let intro = format!(
        "{}：\n经核查，你单位{}重点工作推进情况存在以下问题，{asked}",
        n.unit,
        r.period.label(),
    );
    // Black 11-point text: this paragraph is the instruction the unit acts on.
    let intro_fmt = Format::new()
        .set_font_name("宋体")
        .set_font_size(11)
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    s.merge_note(1, 0, last, &intro, &intro_fmt)?;
    let mut summary = format!(
        "{due}：{by}　　亮牌事项 {} 项　退回 {} 行　未报送事项 {} 项　其他提醒 {} 条",
        n.cards.len(),
        n.rejected.len(),
        n.missing.len(),
        n.other.len()
    );
    if !n.unreadable.is_empty() {
        summary.push_str(&format!("　无法读取的文件 {} 个", n.unreadable.len()));
    }
    s.merge_note(2, 0, last, &summary, &intro_fmt)
}

/// The office's contact line (when the config gives one) and the 落款: the
/// office's full name over the issue date, on the right.
fn sign(b: &mut Body, r: &RunResult) -> Result<(), XlsxError> {
    let office = &r.config.office;
    if let Some(contact) = contact_line(office) {
        b.row += 1;
        b.text(&contact)?;
    }
    let right = Format::new()
        .set_font_name("宋体")
        .set_font_size(11)
        .set_align(FormatAlign::Right);
    b.row += 2;
    b.s.merge(b.row, 4, NCOLS - 1, &office.name, &right)?;
    b.row += 1;
    let date = cn_date(r.config.issued_on(&r.period));
    b.s.merge(b.row, 4, NCOLS - 1, &date, &right)
}

/// `联系人：… 联系电话：…`, or `None` when the config names neither.
pub(crate) fn contact_line(office: &Office) -> Option<String> {
    let mut parts = Vec::new();
    if !office.contact.trim().is_empty() {
        parts.push(format!("联系人：{}", office.contact.trim()));
    }
    if !office.phone.trim().is_empty() {
        parts.push(format!("联系电话：{}", office.phone.trim()));
    }
    (!parts.is_empty()).then(|| parts.join("　"))
}

/// The sections of a notice, written one below the other.
struct Body<'s, 'f> {
    s: &'s mut Sheet<'f>,
    row: u32,
}

impl Body<'_, '_> {
    /// A section heading, one row left empty above it.
    fn section(&mut self, title: &str) -> Result<(), XlsxError> {
        self.row += 2;
        let fmts = self.s.fmts;
        self.s.label(self.row, 0, title, &fmts.section)
    }

    /// A line of text across the notice, wrapped (its row as tall as its
    /// lines need), so a long one is never cut at the paper's edge.
    fn text(&mut self, text: &str) -> Result<(), XlsxError> {
        self.row += 1;
        let wrap = Format::new()
            .set_font_name("宋体")
            .set_font_size(11)
            .set_text_wrap()
            .set_align(FormatAlign::Top);
        self.s.merge_note(self.row, 0, NCOLS - 1, text, &wrap)
    }

    /// The header row of a section's table.
    fn header(&mut self, headers: &[&str; NCOLS as usize]) -> Result<(), XlsxError> {
        self.row += 1;
        self.s.header(self.row, headers)
    }

    /// A row of the table: the cells in column order, with their kinds and fills.
    fn cells<'v>(
        &mut self,
        cells: [(Val<'v>, Kind, Fill); NCOLS as usize],
    ) -> Result<(), XlsxError> {
        self.row += 1;
        for (c, (v, kind, fill)) in cells.into_iter().enumerate() {
            self.s.put(self.row, c as u16, v, kind, fill)?;
        }
        Ok(())
    }
}

/// 一、亮牌情况: the unit's own card, then its carded tasks.
fn cards(b: &mut Body, n: &UnitNotice) -> Result<(), XlsxError> {
    b.section("一、亮牌情况")?;
    if n.cards.is_empty() && n.unit_card.is_none() {
        return b.text("（无）");
    }
    b.header(&[
        "序号",
        "编号",
        "事项名称",
        "亮牌",
        "完成进度(%)",
        "序时进度(%)",
        "亮牌原因",
        "整改要求",
    ])?;
    let mut i = 0;
    if let Some((c, reasons)) = n.unit_card {
        i += 1;
        let f = Fill::Card(c);
        b.cells([
            (Val::Int(i), Kind::Int, f),
            (Val::Str("—"), Kind::Center, f),
            (Val::Str("单位整体"), Kind::Wrap, f),
            (Val::Str(c.label()), Kind::Center, f),
            (Val::Empty, Kind::Num, f),
            (Val::Empty, Kind::Num, f),
            (Val::Owned(reasons.join("；")), Kind::Wrap, f),
            (
                Val::Str("按时、规范报送反馈表，提高材料质量"),
                Kind::Wrap,
                f,
            ),
        ])?;
    }
    for t in &n.cards {
        i += 1;
        let f = Fill::of(t.card);
        let todo = if t.overdue {
            "已超过完成时限，请说明原因、填写延期说明并明确完成时间"
        } else {
            "请分析滞后原因，加大推进力度，确保按序时进度完成"
        };
        b.cells([
            (Val::Int(i), Kind::Int, f),
            (Val::Str(&t.id), Kind::Center, f),
            (Val::Str(&t.title), Kind::Wrap, f),
            (Val::Str(card_label(t.card)), Kind::Center, f),
            (Val::from(t.actual), Kind::Num, f),
            (Val::Num(round1(t.planned)), Kind::Num, f),
            (Val::Owned(t.reasons.join("；")), Kind::Wrap, f),
            (Val::Str(todo), Kind::Wrap, f),
        ])?;
    }
    Ok(())
}

/// 二、退回重新办理: the rows not taken, why, and what they held. The
/// sections share the notice's columns: long text in the third, seventh and
/// eighth, short values in the others, so every table prints readable.
fn rejected(b: &mut Body, n: &UnitNotice) -> Result<(), XlsxError> {
    b.section("二、退回重新办理（以下各行未被采用，请修改后重新报送）")?;
    if n.rejected.is_empty() {
        return b.text("（无）");
    }
    b.header(&[
        "序号",
        "编号",
        "退回原因（请按此修改）",
        "工作表",
        "行号",
        "备注",
        "原填报内容",
        "文件",
    ])?;
    let f = Fill::None;
    for (i, x) in n.rejected.iter().enumerate() {
        b.cells([
            (Val::Int(i as i64 + 1), Kind::Int, f),
            (Val::from(x.task.as_ref()), Kind::Center, f),
            (Val::Owned(x.reasons.join("；")), Kind::Wrap, Fill::Alert),
            (Val::Str(&x.sheet), Kind::Wrap, f),
            (Val::Int(x.row as i64), Kind::Int, f),
            (Val::Empty, Kind::Text, f),
            (Val::Owned(original_text(&x.original)), Kind::Wrap, f),
            (Val::Str(&x.file), Kind::Wrap, f),
        ])?;
    }
    Ok(())
}

/// Rows kept aside for the office's own ledger defects: said so, with no
/// blame and nothing to redo (only when there are any).
fn held(b: &mut Body, n: &UnitNotice) -> Result<(), XlsxError> {
    if n.held.is_empty() {
        return Ok(());
    }
    b.section("（附）台账待更正事项（以下各行暂不处理，不扣分，无需修改）")?;
    b.text(
        "以下任务在督查室的台账中有误，督查室正在更正台账；台账更正后，将按你单位所报内容处理。",
    )?;
    for x in &n.held {
        let task = x.task.as_deref().unwrap_or("");
        let why = x.reasons.join("；");
        b.text(&format!(
            "{}　{}第{}行　任务{task}：{why}",
            x.file, x.sheet, x.row
        ))?;
    }
    Ok(())
}

/// 三、未报送事项: a missing or late return, and the due tasks left out.
fn missing(b: &mut Body, r: &RunResult, n: &UnitNotice) -> Result<(), XlsxError> {
    b.section("三、未报送事项")?;
    let deadline = cn_date(r.report_deadline);
    let period = r.period.label();
    for f in &n.unreadable {
        b.text(&format!(
            "收到你单位报送的《{}》，但{}（{}）。{}。",
            f.name,
            f.why.why(),
            f.why.label(),
            f.why.resend()
        ))?;
    }
    if n.not_reported && !n.unreadable.is_empty() {
        b.text(&format!(
            "因此未收到你单位可以读取的{period}反馈表，请尽快重新报送。"
        ))?;
    } else if n.not_reported {
        b.text(&format!(
            "你单位未在 {deadline} 前报送{period}反馈表，请尽快报送。"
        ))?;
    } else if n.late {
        b.text(&format!(
            "你单位反馈表晚于报送截止日期（{deadline}），请今后按时报送。"
        ))?;
    }
    if n.missing.is_empty() {
        if !n.not_reported && !n.late && n.unreadable.is_empty() {
            b.text("（无）")?;
        }
        return Ok(());
    }
    b.header(&[
        "序号",
        "编号",
        "事项名称",
        "星级",
        "完成时限",
        "牵头领导",
        "说明",
        "",
    ])?;
    let f = Fill::None;
    for (i, t) in n.missing.iter().enumerate() {
        b.cells([
            (Val::Int(i as i64 + 1), Kind::Int, f),
            (Val::Str(&t.id), Kind::Center, f),
            (Val::Str(&t.title), Kind::Wrap, f),
            (Val::Int(t.stars as i64), Kind::Int, f),
            (t.deadline.into(), Kind::Date, f),
            (Val::Str(&t.leader), Kind::Text, f),
            (Val::Str("本期应报未报，请补报"), Kind::Wrap, f),
            (Val::Empty, Kind::Text, f),
        ])?;
    }
    Ok(())
}

/// 四、其他提醒: warnings that did not stop a row.
fn other(b: &mut Body, n: &UnitNotice) -> Result<(), XlsxError> {
    b.section("四、其他提醒（不影响采用，请核实改进）")?;
    if n.other.is_empty() {
        return b.text("（无）");
    }
    b.header(&[
        "序号",
        "编号",
        "说明",
        "工作表",
        "单元格",
        "级别",
        "原值",
        "文件",
    ])?;
    for (i, x) in n.other.iter().enumerate() {
        let f = if x.is_error() {
            Fill::Alert
        } else {
            Fill::None
        };
        b.cells([
            (Val::Int(i as i64 + 1), Kind::Int, f),
            (Val::from(x.task.as_ref()), Kind::Center, f),
            (Val::Str(&x.message), Kind::Wrap, f),
            (Val::from(x.sheet.as_ref()), Kind::Wrap, f),
            (Val::from(x.cell.as_ref()), Kind::Center, f),
            (Val::Str(x.severity.label()), Kind::Center, f),
            (Val::from(x.value.as_ref()), Kind::Wrap, f),
            (Val::from(x.file.as_ref()), Kind::Wrap, f),
        ])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;
    use crate::report::xlsx::print_check::assert_readable;
    use calamine::{open_workbook_auto, Reader};
    use std::collections::BTreeSet;

    /// The fixture with an office and an issue date a week after the
    /// reporting deadline (Wednesday 2023-04-12).
    fn signed_fixture() -> RunResult {
        let mut r = fixture::fixture();
        r.config.office = Office {
            name: "四方台区人民政府督查室".into(),
            short_name: "区政府督查室".into(),
            doc_prefix: "四政督".into(),
            contact: "王明".into(),
            phone: "0469-4221234".into(),
        };
        r.config.issue_date = Some(fixture::d(2023, 4, 12));
        r
    }

    #[test]
    fn resubmission_counts_from_the_issue_date() {
        let r = fixture::fixture();
        // No issue date: the as-of date, Friday 2023-03-31 → Wednesday 2023-04-05.
        assert_eq!(r.report_deadline, fixture::d(2023, 4, 5));
        assert_eq!(Figures::of(&r).answer_by, fixture::d(2023, 4, 5));
        // Issued Wednesday 2023-04-12: three working days later is Monday the 17th,
        // never before the notice went out.
        let mut r = signed_fixture();
        assert_eq!(Figures::of(&r).answer_by, fixture::d(2023, 4, 17));
        r.config.resubmit_working_days = 5;
        assert_eq!(Figures::of(&r).answer_by, fixture::d(2023, 4, 19));
    }

    /// The unit that sent nothing although tasks were due.
    fn silent_unit(r: &RunResult) -> &str {
        let s = r.merged.submissions.values();
        s.filter(|s| !s.reported && !s.due.is_empty())
            .map(|s| s.unit.as_str())
            .next()
            .unwrap()
    }

    fn cells_of(path: &Path) -> Vec<String> {
        let mut wb = open_workbook_auto(path).unwrap();
        assert_eq!(wb.sheet_names(), vec!["反馈通知"]);
        let range = wb.worksheet_range("反馈通知").unwrap();
        range.cells().map(|(_, _, v)| v.to_string()).collect()
    }

    #[test]
    fn every_unit_with_news_gets_a_notice() {
        let r = signed_fixture();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join(NOTICES_DIR);
        let paths = write_notices(&r, &Figures::of(&r), &out).unwrap();
        let names: Vec<String> = paths
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().to_string())
            .collect();
        // Every unit with a carded task, a rejected row or a late or missing
        // return hears of it.
        let news = r.ledger.units.iter().filter(|u| {
            let sub = r.merged.submissions.get(u.name.as_str());
            r.scored
                .tasks
                .iter()
                .any(|t| t.unit == u.name && t.card.is_some())
                || r.merged
                    .rejected
                    .iter()
                    .any(|x| x.unit.as_deref() == Some(u.name.as_str()))
                || sub.is_some_and(|s| s.late || !s.missing.is_empty())
        });
        for u in news {
            assert!(
                names.contains(&format!("{}.xlsx", u.name)),
                "{}: {names:?}",
                u.name
            );
        }
        assert!(names.len() <= r.ledger.units.len());

        // A unit with rejected rows and carded tasks.
        let unit = r
            .ledger
            .units
            .iter()
            .map(|u| u.name.as_str())
            .find(|u| {
                r.merged
                    .rejected
                    .iter()
                    .any(|x| x.unit.as_deref() == Some(*u))
                    && r.scored
                        .tasks
                        .iter()
                        .any(|t| t.unit == *u && t.card.is_some())
            })
            .unwrap();
        let p = out.join(format!("{unit}.xlsx"));
        let cells = cells_of(&p);
        assert_eq!(cells[0], format!("{unit}重点工作督办反馈通知（2023年3月）"));
        // Asked back by the deadline counted from the issue date, signed by
        // the office on the issue date, with whom to call.
        let asked = cells
            .iter()
            .find(|c| c.contains("于 2023年4月17日 前"))
            .unwrap();
        assert!(asked.contains("重新报送区政府督查室"), "{asked}");
        let filled: Vec<&String> = cells.iter().filter(|c| !c.is_empty()).collect();
        assert_eq!(
            filled[filled.len() - 3..],
            [
                "联系人：王明　联系电话：0469-4221234",
                "四方台区人民政府督查室",
                "2023年4月12日",
            ]
        );
        assert!(
            !cells.iter().any(|c| c.contains("2023年3月31日")),
            "as-of date"
        );
        for x in r
            .merged
            .rejected
            .iter()
            .filter(|x| x.unit.as_deref() == Some(unit))
        {
            assert!(cells.contains(&x.reasons.join("；")));
            assert!(cells.contains(&original_text(&x.original)));
        }
        for t in r
            .scored
            .tasks
            .iter()
            .filter(|t| t.unit == unit && t.card.is_some())
        {
            assert!(cells.contains(&t.id), "{}", t.id);
            assert!(cells.contains(&t.reasons.join("；")), "{}", t.id);
        }
        for h in ["一、亮牌情况", "三、未报送事项"] {
            assert!(cells.iter().any(|c| c == h), "{h}");
        }
        assert!(cells.iter().any(|c| c.starts_with("二、退回重新办理")));
        assert!(cells.iter().any(|c| c.starts_with("四、其他提醒")));
        // Every notice prints on A4 landscape with its text at 9 pt or more.
        for path in &paths {
            let buf = std::fs::read(path).unwrap();
            let p = &assert_readable(&buf, 9.0)[0];
            assert_eq!((p.paper, p.landscape), (9, true), "{}", path.display());
        }

        let silent = silent_unit(&r);
        let cells = cells_of(&out.join(format!("{silent}.xlsx")));
        assert!(cells.iter().any(|c| c.starts_with("你单位未在")));
        for id in &r.merged.submissions[silent].missing {
            assert!(cells.contains(id), "missing task {id}");
        }
    }

    #[test]
    fn a_unit_hears_of_its_own_card() {
        // Under yellow-orange-red units are carded themselves (late, silent …).
        let r = fixture::fixture_yor();
        let dir = tempfile::tempdir().unwrap();
        write_notices(&r, &Figures::of(&r), dir.path()).unwrap();
        let carded: Vec<_> = r
            .scored
            .units
            .iter()
            .filter(|u| u.card.is_some() && !u.reasons.is_empty())
            .collect();
        assert!(!carded.is_empty());
        for u in carded {
            let cells = cells_of(&dir.path().join(format!("{}.xlsx", u.name)));
            assert!(cells.iter().any(|c| c == "单位整体"), "{}", u.name);
            assert!(cells.contains(&u.reasons.join("；")), "{}", u.name);
        }
    }

    #[test]
    fn quiet_unit_gets_no_notice_and_names_do_not_collide() {
        let mut r = fixture::fixture();
        for t in &mut r.scored.tasks {
            t.card = None;
        }
        for u in &mut r.scored.units {
            u.card = None;
            u.reasons.clear();
        }
        r.merged.issues.clear();
        r.merged.rejected.clear();
        let figures = Figures::of(&r);
        let units: Vec<&str> = figures.notices.iter().map(|n| n.unit).collect();
        // Left: the units that were late, sent nothing or left due tasks out.
        let mut quiet = 0;
        for u in &r.ledger.units {
            let sub = &r.merged.submissions[u.name.as_str()];
            let news =
                sub.late || !sub.missing.is_empty() || (!sub.reported && !sub.due.is_empty());
            assert_eq!(units.contains(&u.name.as_str()), news, "{}", u.name);
            quiet += usize::from(!news);
        }
        assert!(quiet > 0, "a quiet unit");
        assert!(units.contains(&silent_unit(&r)));

        // Two units whose names sanitise alike get distinct files.
        r.ledger.units[0].name = "城关镇/一".into();
        r.ledger.units[1].name = "城关镇:一".into();
        for s in r.merged.submissions.values_mut() {
            s.late = true;
        }
        r.merged.submissions.insert(
            "城关镇/一".into(),
            crate::merge::Submission {
                unit: "城关镇/一".into(),
                late: true,
                reported: true,
                ..Default::default()
            },
        );
        r.merged.submissions.insert(
            "城关镇:一".into(),
            crate::merge::Submission {
                unit: "城关镇:一".into(),
                late: true,
                reported: true,
                ..Default::default()
            },
        );
        let dir = tempfile::tempdir().unwrap();
        let paths = write_notices(&r, &Figures::of(&r), dir.path()).unwrap();
        let names: BTreeSet<String> = paths
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().to_string())
            .collect();
        assert!(
            names.contains("城关镇_一.xlsx") && names.contains("城关镇_一_2.xlsx"),
            "{names:?}"
        );
    }

    #[test]
    fn notices_are_deterministic() {
        let r = fixture::fixture();
        let fmts = Formats::new();
        let f = Figures::of(&r);
        let (n, d) = (&f.notices[0], f.answer_by);
        let a = build_notice(&r, n, d, &fmts)
            .unwrap()
            .save_to_buffer()
            .unwrap();
        let b = build_notice(&r, n, d, &fmts)
            .unwrap()
            .save_to_buffer()
            .unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn streamed_notice_looks_the_same_as_in_memory() {
        let r = fixture::fixture();
        let fmts = Formats::new();
        let f = Figures::of(&r);
        let (notices, deadline) = (&f.notices, f.answer_by);
        assert!(!notices.is_empty());
        for n in notices {
            let mut a = build_notice_with(&r, n, deadline, &fmts, false).unwrap();
            let mut b = build_notice(&r, n, deadline, &fmts).unwrap();
            let (a, b) = (a.save_to_buffer().unwrap(), b.save_to_buffer().unwrap());
            crate::report::xlsx::tests_support::assert_same_look(&a, &b);
        }
    }
}
