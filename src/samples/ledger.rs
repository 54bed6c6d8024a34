//! The sample ledger: units, tasks, milestones, evaluations, and its workbook.

use std::path::Path;

use anyhow::Result;
use chrono::{Datelike, NaiveDate, NaiveTime};
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rust_xlsxwriter::{DocProperties, Format, FormatAlign, FormatBorder, Workbook, Worksheet};

use super::vocab::{self, Domain};
use super::{days, month_end, person, phone, pick, year_end, SampleOptions};
use crate::calendar::Calendar;

pub(crate) const DEPT: &str = "区直部门";
pub(crate) const TOWN: &str = "乡镇街道";

#[derive(Debug, Clone)]
pub(crate) struct UnitRec {
    pub(crate) name: String,
    pub(crate) code: String,
    pub(crate) category: &'static str,
    /// Empty when the unit has no alias.
    pub(crate) alias: String,
    pub(crate) contact: String,
    pub(crate) phone: String,
    /// 单位主要负责人.
    pub(crate) head: String,
    pub(crate) leader: usize,
    pub(crate) domain: Domain,
    /// Short name used in file names.
    pub(crate) stem: String,
    pub(crate) evals: [u32; 4],
}

/// How 星级 is written in the ledger.
#[derive(Debug, Clone, Copy)]
pub(crate) enum StarText {
    Number,
    Suffix,
    Stars,
    Chinese,
}

#[derive(Debug, Clone)]
pub(crate) struct TaskRec {
    pub(crate) id: String,
    /// The id is a number (政协提案 提案号).
    pub(crate) numeric: bool,
    pub(crate) title: String,
    pub(crate) source: &'static str,
    pub(crate) stars: u8,
    pub(crate) star_text: StarText,
    pub(crate) leader: usize,
    pub(crate) unit: usize,
    pub(crate) coops: Vec<usize>,
    pub(crate) owner: String,
    pub(crate) start: Option<NaiveDate>,
    pub(crate) deadline: Option<NaiveDate>,
    pub(crate) assigned: NaiveDate,
    pub(crate) requirements: String,
    /// (date, planned %), ascending.
    pub(crate) milestones: Vec<(NaiveDate, f64)>,
}

impl TaskRec {
    /// 完成时限, or 5 working days after 交办日期.
    pub(crate) fn effective_deadline(&self) -> NaiveDate {
        self.deadline
            .unwrap_or_else(|| Calendar::new(&[], &[], 5).add_working_days(self.assigned, 5))
    }

    pub(crate) fn effective_start(&self) -> NaiveDate {
        self.start.unwrap_or(self.assigned)
    }

    /// Planned progress (序时进度) at `d`: piecewise-linear through the milestones.
    pub(crate) fn planned(&self, d: NaiveDate) -> f64 {
        let mut pts = vec![(self.effective_start(), 0.0)];
        pts.extend(self.milestones.iter().copied());
        pts.push((self.effective_deadline(), 100.0));
        if d <= pts[0].0 {
            return 0.0;
        }
        for w in pts.windows(2) {
            let ((d0, p0), (d1, p1)) = (w[0], w[1]);
            if d <= d1 {
                let span = (d1 - d0).num_days().max(1) as f64;
                return p0 + (p1 - p0) * (d - d0).num_days() as f64 / span;
            }
        }
        100.0
    }
}

pub(crate) struct Data {
    pub(crate) units: Vec<UnitRec>,
    pub(crate) tasks: Vec<TaskRec>,
    pub(crate) leaders: Vec<&'static str>,
    /// Task indexes per unit, in ledger order.
    pub(crate) by_unit: Vec<Vec<usize>>,
}

pub(crate) fn build(opts: &SampleOptions, rng: &mut ChaCha8Rng) -> Data {
    let n_leaders = rng.random_range(6..=vocab::LEADERS.len());
    let leaders = vocab::LEADERS[..n_leaders].to_vec();
    let units = make_units(opts.units as usize, n_leaders, rng);
    let tasks = make_tasks(opts, &units, n_leaders, rng);
    let mut by_unit = vec![Vec::new(); units.len()];
    for (i, t) in tasks.iter().enumerate() {
        by_unit[t.unit].push(i);
    }
    Data {
        units,
        tasks,
        leaders,
        by_unit,
    }
}

/// The name, alias, category and domain of the `i`-th unit of `n`.
pub(crate) fn unit_name(i: usize, n: usize) -> (String, String, &'static str, Domain) {
    let n_dept = (n * 11).div_ceil(20);
    if i < n_dept {
        let nd = vocab::DEPARTMENTS.len();
        let (base, alias, domain) = vocab::DEPARTMENTS[i % nd];
        let prefix = district_prefix(i / nd, "区");
        let alias = if alias.is_empty() || alias == base {
            String::new()
        } else {
            format!("{}{alias}{}", prefix.0, prefix.1)
        };
        (
            format!("{}{base}{}", prefix.0, prefix.1),
            alias,
            super::ledger::DEPT,
            domain,
        )
    } else {
        let j = i - n_dept;
        let np = vocab::PLACES.len();
        let (p, block) = (j % np, j / np);
        let place = vocab::PLACES[p];
        let (pre, post) = district_prefix(block / 3, "");
        let (name, alias) = match (p + block) % 3 {
            0 => (format!("{place}镇"), format!("{place}镇人民政府")),
            1 => (format!("{place}街道办事处"), format!("{place}街道")),
            _ => (format!("{place}乡"), format!("{place}乡人民政府")),
        };
        (
            format!("{pre}{name}{post}"),
            format!("{pre}{alias}{post}"),
            TOWN,
            Domain::Town,
        )
    }
}

/// Cycle 0: `first`; then district names; past those, a `（n）` suffix.
fn district_prefix(cycle: usize, first: &str) -> (String, String) {
    if cycle == 0 {
        return (first.to_string(), String::new());
    }
    let nd = vocab::DISTRICTS.len();
    let round = (cycle - 1) / nd;
    let post = if round == 0 {
        String::new()
    } else {
        format!("（{}）", round + 1)
    };
    (vocab::DISTRICTS[(cycle - 1) % nd].to_string(), post)
}

fn make_units(n: usize, n_leaders: usize, rng: &mut ChaCha8Rng) -> Vec<UnitRec> {
    (0..n)
        .map(|i| {
            let (name, alias, category, domain) = unit_name(i, n);
            let stem = if !alias.is_empty() && alias.chars().count() < name.chars().count() {
                alias.clone()
            } else {
                name.clone()
            };
            let code = if category == DEPT {
                format!("BM{:04}", i + 1)
            } else {
                format!("XZ{:04}", i + 1)
            };
            let evals = [
                rng.random_range(85..=100),
                rng.random_range(60..=98),
                rng.random_range(60..=100),
                rng.random_range(65..=98),
            ];
            UnitRec {
                name,
                code,
                category,
                alias,
                contact: person(rng),
                phone: phone(rng),
                head: person(rng),
                leader: i % n_leaders,
                domain,
                stem,
                evals,
            }
        })
        .collect()
}

fn make_tasks(
    opts: &SampleOptions,
    units: &[UnitRec],
    n_leaders: usize,
    rng: &mut ChaCha8Rng,
) -> Vec<TaskRec> {
    let n = units.len();
    let total = opts.tasks as usize;
    // Lead unit of every task: each unit once (while tasks last), the rest weighted.
    let mut owners: Vec<usize> = if total >= n {
        (0..n).collect()
    } else {
        let mut idx: Vec<usize> = (0..n).collect();
        idx.shuffle(rng);
        idx.truncate(total);
        idx
    };
    let weights: Vec<u32> = units
        .iter()
        .map(|u| if u.category == DEPT { 3 } else { 2 })
        .collect();
    let mut cum = Vec::with_capacity(n);
    let mut acc = 0u32;
    for w in &weights {
        acc += w;
        cum.push(acc);
    }
    while owners.len() < total {
        let x = rng.random_range(0..acc);
        owners.push(cum.partition_point(|&c| c <= x));
    }
    owners.sort_unstable();

    let as_of = opts.as_of();
    let year = opts.period.year;
    let source_total: u32 = vocab::SOURCES.iter().map(|s| s.2).sum();
    // Each unit draws titles from a shuffled deck: its domain's, then common ones.
    let mut deck: Vec<(&'static str, u32, u32)> = Vec::new();
    let mut deck_unit = usize::MAX;
    let mut drawn = 0usize;
    let mut tasks: Vec<(usize, TaskRec)> = owners
        .into_iter()
        .map(|u| {
            if u != deck_unit {
                let mut own = vocab::titles(units[u].domain).to_vec();
                own.shuffle(rng);
                let mut common = vocab::COMMON.to_vec();
                common.shuffle(rng);
                own.extend(common);
                deck = own;
                deck_unit = u;
                drawn = 0;
            }
            let (tpl, lo, hi) = deck[drawn % deck.len()];
            let round = drawn / deck.len();
            drawn += 1;
            let mut title = if hi > 0 {
                tpl.replace("{n}", &rng.random_range(lo..=hi).to_string())
            } else {
                tpl.to_string()
            };
            if round > 0 {
                title = format!("{title}（{}期）", round + 1);
            }
            let mut x = rng.random_range(0..source_total);
            let mut src = 0;
            for (k, s) in vocab::SOURCES.iter().enumerate() {
                if x < s.2 {
                    src = k;
                    break;
                }
                x -= s.2;
            }
            let t = make_task(u, src, title, units, n_leaders, year, as_of, rng);
            (src, t)
        })
        .collect();
    // Ledger order: by source, then lead unit (stable).
    tasks.sort_by_key(|(s, t)| (*s, t.unit));
    let mut seq = [0usize; 6];
    tasks
        .into_iter()
        .map(|(s, mut t)| {
            seq[s] += 1;
            t.id = match vocab::SOURCES[s].1 {
                Some(prefix) => format!("{prefix}-{:03}", seq[s]),
                None => format!("{:02}{:03}", year % 100, seq[s]),
            };
            t.numeric = vocab::SOURCES[s].1.is_none();
            t
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn make_task(
    u: usize,
    src: usize,
    title: String,
    units: &[UnitRec],
    n_leaders: usize,
    year: i32,
    as_of: NaiveDate,
    rng: &mut ChaCha8Rng,
) -> TaskRec {
    let unit = &units[u];
    let source = vocab::SOURCES[src].0;
    let mut title = match source {
        "人大建议" => format!("办理关于{}的建议", pick(rng, vocab::TOPICS)),
        "政协提案" => format!("办理关于{}的提案", pick(rng, vocab::TOPICS)),
        _ => title,
    };
    let stars = match rng.random_range(0..100) {
        0..45 => 3,
        45..80 => 4,
        _ => 5,
    };
    let star_text = *pick(
        rng,
        &[
            StarText::Number,
            StarText::Suffix,
            StarText::Stars,
            StarText::Chinese,
        ],
    );
    let leader = if rng.random_bool(0.9) {
        unit.leader
    } else {
        rng.random_range(0..n_leaders)
    };
    let n_coop = if units.len() < 2 {
        0
    } else {
        match rng.random_range(0..100) {
            0..35 => 0,
            35..70 => 1,
            70..90 => 2,
            _ => 3,
        }
        .min(units.len() - 1)
    };
    let mut coops = Vec::new();
    while coops.len() < n_coop {
        let c = rng.random_range(0..units.len());
        if c != u && !coops.contains(&c) {
            coops.push(c);
        }
    }
    let year_start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
    let latest_assign = (as_of - days(7)).max(year_start - days(60));
    let r = rng.random_range(0..100);
    let quick = matches!(source, "领导批示" | "上级交办") && r < 15;
    let (start, deadline, assigned) = if quick {
        // A 交办 item with only 交办日期: due 5 working days later (the default
        // for a task assigned without a deadline).
        let x = *pick(rng, vocab::COMPLAINTS);
        title = pick(rng, vocab::QUICK).replace("{x}", x);
        let assigned = as_of - days(rng.random_range(2..20));
        (None, None, assigned)
    } else {
        let assigned = (year_start + days(rng.random_range(2..60))).min(latest_assign);
        let start = assigned + days(rng.random_range(0..21));
        let deadline = if r < 12 && (as_of - start).num_days() > 40 {
            // Already past.
            start + days(rng.random_range(30..(as_of - start).num_days()))
        } else {
            // Spread over the rest of the year (年底前); into next year only from December.
            let horizon = (year_end(year) - as_of).num_days().max(30);
            let d = as_of + days(rng.random_range(10..=horizon));
            let d = if rng.random_bool(0.6) {
                month_end(d)
            } else {
                d
            };
            d.max(start + days(20))
        };
        (Some(start), Some(deadline), assigned)
    };
    let mut t = TaskRec {
        id: String::new(),
        numeric: false,
        title,
        source,
        stars,
        star_text,
        leader,
        unit: u,
        coops,
        owner: super::person(rng),
        start,
        deadline,
        assigned,
        requirements: pick(rng, vocab::REQUIREMENTS).to_string(),
        milestones: Vec::new(),
    };
    if t.deadline.is_some() && rng.random_bool(0.3) {
        t.milestones = milestones(&t, rng);
    }
    t
}

/// Quarter-end milestones strictly inside (start, deadline), rounded to 5 points.
fn milestones(t: &TaskRec, rng: &mut ChaCha8Rng) -> Vec<(NaiveDate, f64)> {
    let (s, d) = (t.effective_start(), t.effective_deadline());
    let mut out: Vec<(NaiveDate, f64)> = Vec::new();
    let mut y = s.year();
    let mut q = (s.month() - 1) / 3 + 1;
    let skew: f64 = *pick(rng, &[-10.0, -5.0, 0.0, 0.0, 5.0, 10.0]);
    loop {
        let qe = crate::period::last_day_of_month(y, q * 3);
        if qe >= d {
            break;
        }
        if qe > s {
            let frac = (qe - s).num_days() as f64 / (d - s).num_days().max(1) as f64;
            let prev = out.last().map_or(0.0, |m| m.1);
            let p = ((frac * 100.0 + skew) / 5.0).round() * 5.0;
            let p = p.clamp(prev + 5.0, 95.0);
            if p > prev && p < 100.0 {
                out.push((qe, p));
            }
        }
        q += 1;
        if q > 4 {
            q = 1;
            y += 1;
        }
    }
    out
}

fn star_cell(t: &TaskRec) -> String {
    let n = t.stars as usize;
    match t.star_text {
        StarText::Number => n.to_string(),
        StarText::Suffix => format!("{n}★"),
        StarText::Stars => "★".repeat(n),
        StarText::Chinese => format!("{}星", ["三", "四", "五"][n - 3]),
    }
}

struct Formats {
    title: Format,
    head: Format,
    cell: Format,
    date: Format,
    /// A group heading row of the 台账 sheet.
    group: Format,
}

fn header(ws: &mut Worksheet, f: &Formats, row: u32, cols: &[(&str, f64)]) -> Result<()> {
    for (c, (h, w)) in cols.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *h, &f.head)?;
        ws.set_column_width(c as u16, *w)?;
    }
    Ok(())
}

pub(crate) fn write(data: &Data, opts: &SampleOptions, path: &Path) -> Result<()> {
    let mut wb = Workbook::new();
    let created = opts
        .period
        .start()
        .and_time(NaiveTime::from_hms_opt(8, 30, 0).unwrap());
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("{}年重点工作台账", opts.period.year))
            .set_author("区政府督查室")
            .set_creation_datetime(&created),
    );
    let f = formats();
    tasks_sheet(wb.add_worksheet(), &f, data, opts)?;
    milestones_sheet(wb.add_worksheet(), &f, data)?;
    units_sheet(wb.add_worksheet(), &f, data)?;
    evaluations_sheet(wb.add_worksheet(), &f, data)?;
    super::form::write_file(path, &wb.save_to_buffer()?)
}

fn formats() -> Formats {
    let cell = Format::new()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter);
    Formats {
        title: Format::new()
            .set_bold()
            .set_font_size(16)
            .set_align(FormatAlign::Center),
        head: Format::new()
            .set_bold()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::Center)
            .set_background_color("#FCE4D6"),
        date: cell.clone().set_num_format("yyyy-mm-dd"),
        group: Format::new()
            .set_bold()
            .set_border(FormatBorder::Thin)
            .set_background_color("#F2F2F2"),
        cell,
    }
}

/// 台账: one task per row under a merged title. With messy returns the
/// ledger is messy too, as offices keep theirs: the tasks grouped by source
/// under heading rows merged across the table (`一、政府工作报告（22项）`), a
/// group with units of both categories split in two (`（一）` | `区直部门牵头`),
/// a 小计 row and a blank row after each group, a 合计 row at the end.
fn tasks_sheet(ws: &mut Worksheet, f: &Formats, data: &Data, opts: &SampleOptions) -> Result<()> {
    ws.set_name("台账")?;
    let cols = [
        ("编号", 10.0),
        ("事项名称", 40.0),
        ("来源", 13.0),
        ("星级", 8.0),
        ("牵头领导", 10.0),
        ("牵头单位", 20.0),
        ("配合单位", 30.0),
        ("责任人", 9.0),
        ("开始日期", 12.0),
        ("完成时限", 12.0),
        ("交办日期", 12.0),
        ("工作要求", 40.0),
    ];
    let last = cols.len() as u16 - 1;
    let title = format!("{}年重点工作台账", opts.period.year);
    ws.merge_range(0, 0, 0, last, &title, &f.title)?;
    header(ws, f, 1, &cols)?;
    ws.set_freeze_panes(2, 2)?;
    let mut r = 2u32;
    if opts.messy <= 0.0 {
        for t in &data.tasks {
            task_row(ws, f, data, t, r)?;
            r += 1;
        }
        return Ok(());
    }
    let groups = source_groups(data);
    for (g, (source, tasks)) in groups.iter().enumerate() {
        let heading = format!("{}、{source}（{}项）", cn_numeral(g + 1), tasks.len());
        ws.merge_range(r, 0, r, last, &heading, &f.group)?;
        r += 1;
        let towns = tasks
            .iter()
            .filter(|&&t| data.units[data.tasks[t].unit].category == TOWN);
        let n_towns = towns.count();
        let split = n_towns > 0 && n_towns < tasks.len();
        let mut sub = 0;
        let mut prev_cat = "";
        for &t in tasks {
            let cat = data.units[data.tasks[t].unit].category;
            if split && cat != prev_cat {
                sub += 1;
                let n = tasks
                    .iter()
                    .filter(|&&x| data.units[data.tasks[x].unit].category == cat)
                    .count();
                ws.write_string_with_format(r, 0, format!("（{}）", cn_numeral(sub)), &f.group)?;
                ws.write_string_with_format(r, 1, format!("{cat}牵头（{n}项）"), &f.group)?;
                r += 1;
                prev_cat = cat;
            }
            task_row(ws, f, data, &data.tasks[t], r)?;
            r += 1;
        }
        ws.write_string_with_format(r, 1, format!("小计：{}项", tasks.len()), &f.cell)?;
        r += 2;
    }
    ws.write_string_with_format(r, 0, "合计", &f.group)?;
    ws.write_string_with_format(r, 1, format!("共{}项", data.tasks.len()), &f.group)?;
    Ok(())
}

/// The tasks (indexes) of each source, in ledger order.
pub(crate) fn source_groups(data: &Data) -> Vec<(&'static str, Vec<usize>)> {
    let mut groups: Vec<(&'static str, Vec<usize>)> = Vec::new();
    for (i, t) in data.tasks.iter().enumerate() {
        match groups.last_mut() {
            Some((s, v)) if *s == t.source => v.push(i),
            _ => groups.push((t.source, vec![i])),
        }
    }
    groups
}

/// 一, 二, … 十 (the sources and categories are fewer).
fn cn_numeral(n: usize) -> &'static str {
    ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"][(n - 1).min(9)]
}

/// One task's row of the 台账 sheet.
fn task_row(ws: &mut Worksheet, f: &Formats, data: &Data, t: &TaskRec, r: u32) -> Result<()> {
    ws.write_string_with_format(r, 0, &t.id, &f.cell)?;
    ws.write_string_with_format(r, 1, &t.title, &f.cell)?;
    ws.write_string_with_format(r, 2, t.source, &f.cell)?;
    match t.star_text {
        StarText::Number => ws.write_number_with_format(r, 3, t.stars as f64, &f.cell)?,
        _ => ws.write_string_with_format(r, 3, star_cell(t), &f.cell)?,
    };
    ws.write_string_with_format(r, 4, data.leaders[t.leader], &f.cell)?;
    ws.write_string_with_format(r, 5, &data.units[t.unit].name, &f.cell)?;
    let coops: Vec<&str> = t
        .coops
        .iter()
        .map(|&c| data.units[c].name.as_str())
        .collect();
    ws.write_string_with_format(r, 6, coops.join("、"), &f.cell)?;
    ws.write_string_with_format(r, 7, &t.owner, &f.cell)?;
    for (c, d) in [(8u16, t.start), (9, t.deadline), (10, Some(t.assigned))] {
        match d {
            Some(d) => ws.write_date_with_format(r, c, d, &f.date)?,
            None => ws.write_blank(r, c, &f.cell)?,
        };
    }
    ws.write_string_with_format(r, 11, &t.requirements, &f.cell)?;
    Ok(())
}

/// 节点: one milestone per row.
fn milestones_sheet(ws: &mut Worksheet, f: &Formats, data: &Data) -> Result<()> {
    ws.set_name("节点")?;
    header(
        ws,
        f,
        0,
        &[("编号", 10.0), ("节点日期", 12.0), ("计划进度(%)", 12.0)],
    )?;
    let mut r = 1;
    for t in &data.tasks {
        for (d, p) in &t.milestones {
            ws.write_string_with_format(r, 0, &t.id, &f.cell)?;
            ws.write_date_with_format(r, 1, d, &f.date)?;
            ws.write_number_with_format(r, 2, *p, &f.cell)?;
            r += 1;
        }
    }
    Ok(())
}

/// 单位: one unit per row.
fn units_sheet(ws: &mut Worksheet, f: &Formats, data: &Data) -> Result<()> {
    ws.set_name("单位")?;
    header(
        ws,
        f,
        0,
        &[
            ("单位名称", 24.0),
            ("单位编码", 10.0),
            ("类别", 10.0),
            ("别名", 20.0),
            ("联系人", 9.0),
            ("联系电话", 14.0),
        ],
    )?;
    for (i, u) in data.units.iter().enumerate() {
        let r = i as u32 + 1;
        for (c, v) in [&u.name, &u.code, u.category, &u.alias, &u.contact, &u.phone]
            .into_iter()
            .enumerate()
        {
            ws.write_string_with_format(r, c as u16, v, &f.cell)?;
        }
    }
    Ok(())
}

/// 评价: the four evaluations of each unit.
fn evaluations_sheet(ws: &mut Worksheet, f: &Formats, data: &Data) -> Result<()> {
    ws.set_name("评价")?;
    header(
        ws,
        f,
        0,
        &[
            ("单位", 24.0),
            ("自评", 8.0),
            ("专班评价", 10.0),
            ("群众评价", 10.0),
            ("领导评价", 10.0),
        ],
    )?;
    for (i, u) in data.units.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string_with_format(r, 0, &u.name, &f.cell)?;
        for (c, s) in u.evals.iter().enumerate() {
            ws.write_number_with_format(r, c as u16 + 1, *s as f64, &f.cell)?;
        }
    }
    Ok(())
}
