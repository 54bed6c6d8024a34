//! The returned forms themselves, as planned in `plan.rs` (written in
//! parallel, one RNG per unit).

use std::path::Path;

use anyhow::Result;
use chrono::{Datelike, NaiveDate};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::form::{self, Cell, FormDoc, HeaderStyle, Row, STANDARD};
use super::ledger::{Data, TaskRec};
use super::plan::{Plan, UnitPlan};
use super::{
    collected, days, pick, short_label, sub_seed, vocab, MessyKind, RowError, RowErrorKind,
    SampleFile, SampleOptions,
};
use crate::model::Status;
use crate::period::Period;
use crate::schema::FormField;

/// What a unit reports for one task.
#[derive(Debug, Clone)]
pub(super) struct Report {
    pub(crate) status: Status,
    pub(crate) pct: f64,
    pub(crate) progress: String,
    pub(crate) problems: String,
    pub(crate) next: String,
    pub(crate) expected: Option<NaiveDate>,
    pub(crate) delay: String,
}

fn round5(x: f64) -> f64 {
    (x / 5.0).round() * 5.0
}

pub(super) fn report(t: &TaskRec, as_of: NaiveDate, rng: &mut ChaCha8Rng) -> Report {
    let deadline = t.effective_deadline();
    let planned = t.planned(as_of);
    let start = t.effective_start();
    let mut behind = false;
    let pct = if deadline < as_of {
        if rng.random_bool(0.75) {
            100.0
        } else {
            behind = true;
            round5(rng.random_range(40.0..90.0))
        }
    } else if start > as_of {
        0.0
    } else {
        let r: f64 = rng.random();
        if r < 0.07 && planned > 30.0 {
            100.0
        } else if r < 0.62 {
            round5(planned + rng.random_range(-6.0..10.0))
        } else if r < 0.86 {
            behind = true;
            round5(planned - rng.random_range(12.0..25.0))
        } else if r < 0.94 && planned > 35.0 {
            behind = true;
            round5(planned - rng.random_range(30.0..50.0))
        } else if planned < 40.0 {
            0.0
        } else {
            behind = true;
            round5(planned - rng.random_range(12.0..25.0))
        }
    };
    let pct = if pct >= 100.0 {
        100.0
    } else if behind && planned > 10.0 {
        // Behind, but started.
        pct.clamp(5.0, 95.0)
    } else {
        pct.clamp(0.0, 95.0)
    };
    let status = if pct >= 100.0 {
        if matches!(t.source, "领导批示" | "人大建议" | "政协提案" | "会议议定")
            && rng.random_bool(0.3)
        {
            Status::Implemented
        } else {
            Status::Completed
        }
    } else if pct <= 0.0 {
        Status::NotStarted
    } else {
        Status::InProgress
    };
    let progress = match status {
        Status::NotStarted => pick(rng, vocab::NOT_STARTED).to_string(),
        Status::Implemented | Status::Completed => pick(rng, vocab::DONE).to_string(),
        Status::InProgress => {
            let open = pick(rng, vocab::PROGRESS)
                .replace("{k}", &rng.random_range(2..9).to_string())
                .replace("{j}", &rng.random_range(3..20).to_string());
            format!("{open}，完成年度目标的{pct}%。")
        }
    };
    let done = status.is_done();
    let problems = if done {
        "无".to_string()
    } else if behind || rng.random_bool(0.25) {
        pick(rng, vocab::PROBLEMS).to_string()
    } else if rng.random_bool(0.5) {
        "无".to_string()
    } else {
        String::new()
    };
    let next = if done {
        "巩固工作成效，建立长效机制".to_string()
    } else {
        pick(rng, vocab::NEXT_STEPS).to_string()
    };
    let near = deadline <= as_of + days(7);
    let expected = if done {
        let hi = (as_of.min(deadline) - start).num_days().max(1);
        Some(start + days(rng.random_range(0..hi)))
    } else if near || (behind && rng.random_bool(0.5)) {
        Some(deadline.max(as_of) + days(rng.random_range(15..90)))
    } else {
        Some(deadline)
    };
    let delay = if !done && (near || expected > Some(deadline)) {
        pick(rng, vocab::DELAY_REASONS).to_string()
    } else {
        String::new()
    };
    Report {
        status,
        pct,
        progress,
        problems,
        next,
        expected,
        delay,
    }
}

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// How a date is written under `DateFormats`, rotating by `k`.
fn date_cell(d: NaiveDate, messy: bool, k: usize, year: i32) -> Cell {
    if !messy {
        return Cell::Date(d);
    }
    let (y, m, day) = (d.year(), d.month(), d.day());
    match k % 4 {
        0 => Cell::text(format!("{y}/{m}/{day}")),
        1 => Cell::text(format!("{y}.{m}.{day}")),
        2 => Cell::text(format!("{y}年{m}月{day}日")),
        _ if y == year => Cell::text(format!("{m}月{day}日")),
        _ => Cell::text(format!("{y}年{m}月{day}日")),
    }
}

/// Everything a unit's form needs besides its rows.
struct Ctx<'a> {
    data: &'a Data,
    plan: &'a UnitPlan,
    period: Period,
    fill_date: NaiveDate,
}

fn row_cells(ctx: &Ctx, doc_cols: &[FormField], t: &TaskRec, rep: &Report, i: usize) -> Vec<Cell> {
    let p = ctx.plan;
    let unit = &ctx.data.units[p.unit];
    let year = ctx.period.year;
    let messy_dates = p.has(MessyKind::DateFormats);
    doc_cols
        .iter()
        .map(|c| match c {
            FormField::Seq => Cell::Number((i + 1) as f64),
            FormField::Id => {
                if p.has(MessyKind::IdFormats) {
                    match i % 3 {
                        0 if t.numeric => Cell::Number(t.id.parse().unwrap_or(0.0)),
                        0 | 1 => Cell::text(format!("{} ", full_width(&t.id))),
                        _ if t.numeric => Cell::text(full_width(&t.id)),
                        _ => Cell::text(t.id.to_lowercase()),
                    }
                } else {
                    Cell::text(&t.id)
                }
            }
            FormField::Title => Cell::text(&t.title),
            FormField::Stars => Cell::text("★".repeat(t.stars as usize)),
            FormField::Leader => Cell::text(ctx.data.leaders[t.leader]),
            FormField::Deadline => date_cell(t.effective_deadline(), messy_dates, i, year),
            FormField::Status => {
                let s = if p.has(MessyKind::StatusSynonyms) {
                    match rep.status {
                        Status::NotStarted => ["未启动", "未开始"][i % 2],
                        Status::InProgress => ["进行中", "推进中", "办理中"][i % 3],
                        Status::Implemented => "已落实",
                        Status::Completed => ["完成", "已办结"][i % 2],
                    }
                } else {
                    rep.status.label()
                };
                Cell::text(s)
            }
            FormField::Percent => {
                let v = rep.pct;
                if p.has(MessyKind::PercentFormats) {
                    let n = crate::value::fmt_number(v);
                    match i % 4 {
                        0 => Cell::text(format!("{n}%")),
                        1 => Cell::text(format!("{n}％")),
                        2 => Cell::Percent(v / 100.0),
                        _ => Cell::text(format!("{v:.1}")),
                    }
                } else {
                    Cell::Number(v)
                }
            }
            FormField::Progress => Cell::text(&rep.progress),
            FormField::Problems => Cell::text(&rep.problems),
            FormField::NextSteps => Cell::text(&rep.next),
            FormField::Expected => match rep.expected {
                Some(d) => date_cell(d, messy_dates, i + 1, year),
                None => Cell::Empty,
            },
            FormField::DelayReason => Cell::text(&rep.delay),
            FormField::Filler => Cell::text(&unit.contact),
            FormField::Phone => Cell::text(&unit.phone),
            FormField::Head => Cell::text(&unit.head),
            FormField::FillDate => date_cell(ctx.fill_date, messy_dates, i + 2, year),
            FormField::Remark
            | FormField::LeadUnit
            | FormField::ReportingUnit
            | FormField::SubmittedAt => Cell::Empty,
        })
        .map(|c| match c {
            Cell::Text(s) if s.is_empty() => Cell::Empty,
            c => c,
        })
        .collect()
}

/// Build one form of `ctx.plan`'s unit for `tasks` (already reported).
fn build(ctx: &Ctx, tasks: &[(usize, Report)], rng: &mut ChaCha8Rng) -> FormDoc {
    let p = ctx.plan;
    let unit = &ctx.data.units[p.unit];
    let label = ctx.period.label();
    let style = header_style(p);
    let mut cols: Vec<FormField> = STANDARD
        .iter()
        .copied()
        .filter(|c| {
            style != HeaderStyle::English || !matches!(c, FormField::Stars | FormField::Leader)
        })
        .collect();
    if p.has(MessyKind::SeqColumn) {
        cols.insert(0, FormField::Seq);
    }
    let generic = p.has(MessyKind::UnitInFileNameOnly) || p.has(MessyKind::UnitByTaskIdsOnly);
    let title = if generic {
        format!("重点工作推进情况反馈表（{label}）")
    } else {
        format!("{}重点工作推进情况反馈表（{label}）", unit.name)
    };
    let unit_line = (!generic && !p.has(MessyKind::UnitInTitleOnly))
        .then(|| format!("填报单位：{}　报送期次：{label}", unit.name));
    let mut rows: Vec<Row> = tasks
        .iter()
        .enumerate()
        .map(|(i, (t, rep))| Row {
            cells: row_cells(ctx, &cols, &ctx.data.tasks[*t], rep, i),
            task: Some(ctx.data.tasks[*t].id.clone()),
            error: None,
            blank: false,
            total: false,
        })
        .collect();
    let mut doc = FormDoc {
        sheet: "推进表".to_string(),
        style,
        title: Some(title),
        unit_line,
        group: p
            .has(MessyKind::TwoRowHeader)
            .then(|| "本期进展情况".to_string()),
        rows: Vec::new(),
        note: None,
        merges: Vec::new(),
        meta: p.meta.then(|| (unit.name.clone(), ctx.period.to_string())),
        generated: ctx.fill_date,
        cols,
        hidden: None,
    };
    add_row_errors(ctx, &doc.cols, &mut rows, rng);
    if p.has(MessyKind::BlankRowsAndNote) {
        add_blank_rows_and_note(&mut doc, &mut rows, rng);
    }
    if p.has(MessyKind::MergedProblems) && !p.csv() {
        merge_problems(&mut doc, &mut rows, rng);
    }
    if p.has(MessyKind::TotalRows) && !p.csv() {
        add_total_rows(&doc, &mut rows);
    }
    doc.rows = rows;
    doc
}

/// Below the data: a 合计 row (the count of tasks, the average percent as a
/// formula) and a row holding only a formula (the count of 已完成). Neither
/// is data.
fn add_total_rows(doc: &FormDoc, rows: &mut Vec<Row>) {
    let n = doc.cols.len();
    let data: Vec<usize> = (0..rows.len()).filter(|&i| !rows[i].blank).collect();
    let (Some(&first), Some(&last)) = (data.first(), data.last()) else {
        return;
    };
    let (r0, r1) = (doc.data_row(first) + 1, doc.data_row(last) + 1);
    let letter = |c: FormField| crate::schema::a1::col_letters(col_of(&doc.cols, c) as u32);
    let pct = letter(FormField::Percent);
    let numbers: Vec<f64> = data
        .iter()
        .filter_map(
            |&i| match rows[i].cells[col_of(&doc.cols, FormField::Percent)] {
                Cell::Number(v) => Some(v),
                _ => None,
            },
        )
        .collect();
    let avg = numbers.iter().sum::<f64>() / numbers.len().max(1) as f64;
    let mut total = vec![Cell::Empty; n];
    total[col_of(&doc.cols, FormField::Title)] = Cell::text(format!("合计：共{}项", data.len()));
    total[col_of(&doc.cols, FormField::Percent)] = Cell::Formula(
        format!("=AVERAGE({pct}{r0}:{pct}{r1})"),
        (avg * 10.0).round() / 10.0,
    );
    let status = letter(FormField::Status);
    let done = data
        .iter()
        .filter(|&&i| rows[i].cells[col_of(&doc.cols, FormField::Status)] == Cell::text("已完成"))
        .count();
    let mut formulas = vec![Cell::Empty; n];
    formulas[col_of(&doc.cols, FormField::Status)] = Cell::Formula(
        format!("=COUNTIF({status}{r0}:{status}{r1},\"已完成\")"),
        done as f64,
    );
    for cells in [total, formulas] {
        rows.push(Row {
            cells,
            task: None,
            error: None,
            blank: false,
            total: true,
        });
    }
}

/// How the unit's form spells its headers.
fn header_style(p: &UnitPlan) -> HeaderStyle {
    if p.has(MessyKind::EnglishHeaders) {
        HeaderStyle::English
    } else if p.has(MessyKind::AliasHeaders) {
        if p.unit % 2 == 0 {
            HeaderStyle::Alias
        } else {
            HeaderStyle::Alias2
        }
    } else {
        HeaderStyle::Canonical
    }
}

/// The 0-based position of a column the form has.
fn col_of(cols: &[FormField], c: FormField) -> usize {
    cols.iter().position(|x| *x == c).expect("column present")
}

/// The plan's deliberate row errors, each on its own row where possible:
/// edits first, on the original rows; then the rows that are added.
fn add_row_errors(ctx: &Ctx, cols: &[FormField], rows: &mut Vec<Row>, rng: &mut ChaCha8Rng) {
    let p = ctx.plan;
    let col = |c: FormField| col_of(cols, c);
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.shuffle(rng);
    let mut next_row = order.into_iter();
    let (edits, adds): (Vec<RowErrorKind>, Vec<RowErrorKind>) =
        p.row_errors.iter().partition(|k| k.edits_row());
    for k in edits.into_iter().chain(adds) {
        let mut edit = |rows: &mut Vec<Row>, f: &dyn Fn(&mut Row)| {
            if let Some(i) = next_row.next() {
                f(&mut rows[i]);
                rows[i].error = Some(k);
            }
        };
        match k {
            RowErrorKind::InvalidStatus => {
                let c = col(FormField::Status);
                edit(rows, &|r| r.cells[c] = Cell::text("差不多"));
            }
            RowErrorKind::PercentText => {
                let c = col(FormField::Percent);
                edit(rows, &|r| r.cells[c] = Cell::text("过半"));
            }
            RowErrorKind::PercentOver100 => {
                let c = col(FormField::Percent);
                edit(rows, &|r| r.cells[c] = Cell::Number(120.0));
            }
            RowErrorKind::DoneLowPercent => {
                let (cs, cp) = (col(FormField::Status), col(FormField::Percent));
                edit(rows, &|r| {
                    r.cells[cs] = Cell::text("已完成");
                    r.cells[cp] = Cell::Number(40.0);
                });
            }
            RowErrorKind::AlteredTitle => {
                let c = col(FormField::Title);
                edit(rows, &|r| {
                    if let Cell::Text(s) = &r.cells[c] {
                        r.cells[c] = Cell::text(format!("{s}等相关工作"));
                    }
                });
            }
            RowErrorKind::MissingProgress => {
                let c = col(FormField::Progress);
                edit(rows, &|r| r.cells[c] = Cell::Empty);
            }
            RowErrorKind::UnknownTask => {
                let src = rng.random_range(0..rows.len());
                let mut r = rows[src].clone();
                let id = format!("LS-{:03}", rng.random_range(1..100));
                r.cells[col(FormField::Id)] = Cell::text(&id);
                r.cells[col(FormField::Title)] = Cell::text("临时交办事项");
                r.task = Some(id);
                r.error = Some(k);
                rows.push(r);
            }
            RowErrorKind::OtherUnitTask => {
                if let Some(f) = p.foreign {
                    rows.push(other_unit_row(ctx, cols, f, rows.len(), rng));
                }
            }
            RowErrorKind::DuplicateRow => {
                let src = rng.random_range(0..rows.len());
                let mut r = rows[src].clone();
                r.error = Some(k);
                rows.insert(src + 1, r);
            }
        }
    }
}

/// A row for another unit's task `f`, added as row `n` of the form.
fn other_unit_row(ctx: &Ctx, cols: &[FormField], f: usize, n: usize, rng: &mut ChaCha8Rng) -> Row {
    let t = &ctx.data.tasks[f];
    let as_of = ctx.period.end();
    let rep = report(t, as_of, rng);
    let mut cells = row_cells(ctx, cols, t, &rep, n);
    if let Some(c) = cols.iter().position(|x| *x == FormField::Seq) {
        cells[c] = Cell::Number((n + 1) as f64);
    }
    Row {
        cells,
        task: Some(t.id.clone()),
        error: Some(RowErrorKind::OtherUnitTask),
        blank: false,
        total: false,
    }
}

/// A blank row among the data, one or two below it, and a 填表说明 note.
fn add_blank_rows_and_note(doc: &mut FormDoc, rows: &mut Vec<Row>, rng: &mut ChaCha8Rng) {
    let ncols = doc.cols.len();
    if rows.len() > 1 {
        let at = rng.random_range(1..rows.len());
        rows.insert(at, blank(ncols));
    }
    for _ in 0..rng.random_range(1..3) {
        rows.push(blank(ncols));
    }
    doc.note = Some(
        "填表说明：1.当前状态填写未启动、正在办理、已落实、已完成；2.完成进度填写0-100的数字；\
         3.不能按期完成的须填写延期说明；4.请于每月末前报送区政府督查室。"
            .to_string(),
    );
}

/// One 存在问题 merged over a run of 2–3 consecutive data rows without
/// blanks or deliberate errors.
fn merge_problems(doc: &mut FormDoc, rows: &mut [Row], rng: &mut ChaCha8Rng) {
    let c = col_of(&doc.cols, FormField::Problems);
    let want = rng.random_range(2..=3usize);
    let ok = |r: &Row| !r.blank && r.error.is_none();
    let mut found = None;
    for len in (2..=want).rev() {
        found = (0..rows.len().saturating_sub(len - 1))
            .find(|&a| rows[a..a + len].iter().all(ok))
            .map(|a| (a, a + len - 1));
        if found.is_some() {
            break;
        }
    }
    if let Some((a, b)) = found {
        rows[a].cells[c] = Cell::text(pick(rng, vocab::PROBLEMS).to_string());
        for r in &mut rows[a + 1..=b] {
            r.cells[c] = Cell::Empty;
        }
        doc.merges.push((a, b, c));
    }
}

fn blank(n: usize) -> Row {
    Row {
        cells: vec![Cell::Empty; n],
        task: None,
        error: None,
        blank: true,
        total: false,
    }
}

/// A written file: what the manifest says of it, and its bytes.
pub(super) type Written = (SampleFile, Vec<u8>);

/// The doc as the file `returns/<dir>/<name>` (not written yet), described.
fn emit(
    doc: &FormDoc,
    dir: &str,
    name: &str,
    plan: &UnitPlan,
    unit: &str,
    period: &Period,
) -> Result<Written> {
    let rel = if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    };
    let csv = plan.csv();
    let bytes = if plan.has(MessyKind::CsvGbk) {
        let text = doc.to_csv()?;
        encoding_rs::GBK.encode(&text).0.into_owned()
    } else if csv {
        let mut b = "\u{feff}".as_bytes().to_vec();
        b.extend(doc.to_csv()?.into_bytes());
        b
    } else {
        doc.to_xlsx()?
    };
    let row_errors = doc
        .rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            r.error.map(|k| RowError {
                kind: k,
                code: k.code(),
                task: r.task.clone().unwrap_or_default(),
                row: doc.data_row(i) + 1,
            })
        })
        .collect();
    let f = SampleFile {
        path: rel,
        unit: Some(unit.to_string()),
        period: Some(period.to_string()),
        format: if csv { "csv" } else { "xlsx" }.to_string(),
        rows: doc.rows.iter().filter(|r| !r.blank && !r.total).count() as u32,
        kinds: plan.kinds.clone(),
        row_errors,
        superseded: false,
        late: false,
        fill_date: Some(doc.generated),
        expected: Vec::new(),
        units: Vec::new(),
        superseded_rows: 0,
        members: Vec::new(),
    };
    Ok((f, bytes))
}

/// A unit's files (not written yet).
fn unit_files(data: &Data, p: &UnitPlan, opts: &SampleOptions) -> Result<Vec<Written>> {
    let mut rng = ChaCha8Rng::seed_from_u64(sub_seed(opts.seed, p.unit as u64));
    let unit = &data.units[p.unit];
    let deadline = opts.report_deadline();
    let late = p.has(MessyKind::LateReturn);
    let fill_date = if late {
        deadline + days(rng.random_range(1..=6))
    } else {
        deadline - days(rng.random_range(0..=6))
    };
    let as_of = opts.as_of();
    let reports: Vec<(usize, Report)> = p
        .due
        .iter()
        .map(|&t| (t, report(&data.tasks[t], as_of, &mut rng)))
        .collect();
    let ctx = Ctx {
        data,
        plan: p,
        period: opts.period,
        fill_date,
    };
    let mut out = Vec::new();
    if p.has(MessyKind::DuplicatePair) {
        // The first submission: earlier, a little less progress; superseded.
        let older: Vec<(usize, Report)> = reports
            .iter()
            .map(|(t, r)| {
                let mut r = r.clone();
                if r.status == Status::InProgress && r.pct > 10.0 {
                    r.pct -= 5.0;
                    r.progress = format!("{}（初报）", r.progress);
                }
                (*t, r)
            })
            .collect();
        let octx = Ctx {
            fill_date: fill_date - days(rng.random_range(2..=4)),
            ..ctx
        };
        let doc = build(&octx, &older, &mut rng);
        let mut f = emit(&doc, p.dir, &p.file_name, p, &unit.name, &opts.period)?;
        f.0.superseded = true;
        out.push(f);
        let (stem, ext) = p
            .file_name
            .rsplit_once('.')
            .unwrap_or((&p.file_name, "xlsx"));
        let newer = format!("{stem}(修改版).{ext}");
        let doc = build(&ctx, &reports, &mut rng);
        out.push(emit(&doc, p.dir, &newer, p, &unit.name, &opts.period)?);
    } else {
        let mut doc = build(&ctx, &reports, &mut rng);
        if p.has(MessyKind::StaleHiddenSheet) {
            doc.hidden = Some(Box::new(stale_sheet(&ctx, &reports, &mut rng)));
        }
        out.push(emit(
            &doc,
            p.dir,
            &p.file_name,
            p,
            &unit.name,
            &opts.period,
        )?);
    }
    for (f, _) in &mut out {
        // The current form itself is not the wrong-period one.
        f.kinds.retain(|k| *k != MessyKind::WrongPeriod);
        f.late = f.fill_date.is_some_and(|d| d > deadline);
    }
    if p.has(MessyKind::WrongPeriod) && !p.prev_due.is_empty() {
        // Last period's form sent again (clean otherwise).
        let prev = opts.period.prev();
        let prev_plan = UnitPlan {
            unit: p.unit,
            due: p.prev_due.clone(),
            kinds: vec![MessyKind::WrongPeriod],
            dir: p.dir,
            file_name: format!("{}-{}.xlsx", unit.stem, short_label(&prev)),
            meta: true,
            row_errors: Vec::new(),
            foreign: None,
            prev_due: Vec::new(),
        };
        let reports: Vec<(usize, Report)> = prev_plan
            .due
            .iter()
            .map(|&t| (t, report(&data.tasks[t], prev.end(), &mut rng)))
            .collect();
        let pctx = Ctx {
            data,
            plan: &prev_plan,
            period: prev,
            fill_date: prev.end() + days(rng.random_range(1..=4)),
        };
        let doc = build(&pctx, &reports, &mut rng);
        out.push(emit(
            &doc,
            prev_plan.dir,
            &prev_plan.file_name,
            &prev_plan,
            &unit.name,
            &prev,
        )?);
    }
    Ok(out)
}

/// Last period's sheet of the same form (its title and 报送期次 name that
/// period, its percents a little lower), to be left hidden in the workbook.
fn stale_sheet(ctx: &Ctx, reports: &[(usize, Report)], rng: &mut ChaCha8Rng) -> FormDoc {
    let prev = ctx.period.prev();
    let older: Vec<(usize, Report)> = reports
        .iter()
        .map(|(t, r)| {
            let mut r = r.clone();
            if r.status == Status::InProgress && r.pct > 10.0 {
                r.pct -= 10.0;
            }
            (*t, r)
        })
        .collect();
    let pctx = Ctx {
        period: prev,
        fill_date: prev.end(),
        ..*ctx
    };
    let mut doc = build(&pctx, &older, rng);
    doc.sheet = short_label(&prev);
    doc.meta = None;
    doc
}

pub(crate) fn write_all(
    data: &Data,
    plan: &Plan,
    opts: &SampleOptions,
    root: &Path,
) -> Result<Vec<SampleFile>> {
    std::fs::create_dir_all(root)?;
    // The units that answered online send no file of their own.
    let online = |u: usize| plan.export.as_ref().is_some_and(|e| e.units.contains(&u));
    let zipped = |u: usize| plan.zip.as_ref().is_some_and(|z| z.units.contains(&u));
    let per_unit: Vec<(usize, Vec<Written>)> = plan
        .units
        .par_iter()
        .filter(|p| !online(p.unit))
        .map(|p| Ok((p.unit, unit_files(data, p, opts)?)))
        .collect::<Result<_>>()?;
    let mut files: Vec<SampleFile> = Vec::new();
    let mut members: Vec<Written> = Vec::new();
    for (unit, written) in per_unit {
        if zipped(unit) {
            members.extend(written);
            continue;
        }
        for (f, bytes) in written {
            form::write_file(&root.join(&f.path), &bytes)?;
            files.push(f);
        }
    }
    if let Some(z) = &plan.zip {
        files.push(collected::write_zip(z, members, opts, root)?);
    }
    if let Some(e) = &plan.export {
        files.push(collected::write_export(data, e, opts, root)?);
    }
    if let Some((dir, name, owner)) = &plan.lock {
        // Excel's owner file: a length byte, the user name, padding — 165 bytes.
        let mut bytes = vec![owner.chars().count() as u8];
        bytes.extend(owner.encode_utf16().flat_map(u16::to_le_bytes));
        bytes.resize(165, 0x20);
        let rel = if dir.is_empty() {
            name.clone()
        } else {
            format!("{dir}/{name}")
        };
        form::write_file(&root.join(&rel), &bytes)?;
        files.push(other_file(rel, "lock", MessyKind::LockFile));
    }
    if plan.note_file {
        let text = format!(
            "各单位：\r\n请于{}前将本单位{}重点工作推进情况反馈表报送区政府督查室，\
             不能按期完成的事项须填写延期说明。\r\n区政府督查室\r\n",
            opts.report_deadline().format("%Y年%-m月%-d日"),
            opts.period.label()
        );
        form::write_file(&root.join("说明.txt"), text.as_bytes())?;
        files.push(other_file(
            "说明.txt".to_string(),
            "text",
            MessyKind::NotSpreadsheet,
        ));
    }
    Ok(files)
}

fn other_file(path: String, format: &str, kind: MessyKind) -> SampleFile {
    SampleFile {
        path,
        unit: None,
        period: None,
        format: format.to_string(),
        rows: 0,
        kinds: vec![kind],
        row_errors: Vec::new(),
        superseded: false,
        late: false,
        fill_date: None,
        expected: Vec::new(),
        units: Vec::new(),
        superseded_rows: 0,
        members: Vec::new(),
    }
}
