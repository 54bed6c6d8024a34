//! Returns that arrive bundled, as they do in a real office: one e-mail
//! attachment zipping several units' forms (made on Chinese Windows: member
//! names in GBK, no UTF-8 flag), and one collection-tool export holding
//! several units' answers to an online form (腾讯文档收集表), one unit
//! having submitted twice.

use std::path::Path;

use anyhow::Result;
use chrono::{NaiveDateTime, NaiveTime};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_xlsxwriter::{DocProperties, Format, FormatAlign, FormatBorder, Workbook};

use super::form::write_file;
use super::ledger::Data;
use super::plan::{ExportPlan, ZipPlan};
use super::returns::{report, Report, Written};
use super::zipfile::{stored_zip, Member};
use super::{days, sub_seed, MessyKind, SampleFile, SampleOptions};
use crate::model::Status;

/// Write the zip attachment `z` of the forms `members` (written as if each
/// sat in the folder the zip is named after); describe it and its members.
pub(super) fn write_zip(
    z: &ZipPlan,
    mut members: Vec<Written>,
    opts: &SampleOptions,
    root: &Path,
) -> Result<SampleFile> {
    let folder = z.name.trim_end_matches(".zip");
    let rel = format!("{}/{}", z.dir, z.name);
    members.sort_by(|a, b| a.0.path.cmp(&b.0.path));
    let mut entries = Vec::with_capacity(members.len());
    let mut listed = Vec::with_capacity(members.len());
    for (f, bytes) in &members {
        let name = f.path.rsplit('/').next().unwrap_or(&f.path);
        let inside = format!("{folder}/{name}");
        let saved = f.fill_date.unwrap_or_else(|| opts.period.end());
        entries.push(Member {
            name: encoding_rs::GB18030.encode(&inside).0.into_owned(),
            utf8: false,
            data: bytes,
            modified: saved.and_time(NaiveTime::from_hms_opt(17, 30, 0).unwrap_or_default()),
        });
        let mut m = f.clone();
        m.path = format!("{rel}/{inside}");
        m.kinds.push(MessyKind::ZipAttachment);
        m.kinds.sort();
        m.kinds.dedup();
        listed.push(m);
    }
    write_file(&root.join(&rel), &stored_zip(&entries))?;
    Ok(SampleFile {
        path: rel,
        unit: None,
        period: Some(opts.period.to_string()),
        format: "zip".into(),
        rows: listed.iter().map(|m| m.rows).sum(),
        kinds: vec![MessyKind::ZipAttachment],
        row_errors: Vec::new(),
        superseded: false,
        late: false,
        fill_date: None,
        expected: Vec::new(),
        units: Vec::new(),
        superseded_rows: 0,
        members: listed,
    })
}

/// One unit's answer: when, and its reports.
struct Answer {
    unit: usize,
    at: NaiveDateTime,
    reports: Vec<(usize, Report)>,
}

/// The columns of the export, as 腾讯文档收集表 downloads them.
const HEADERS: [&str; 15] = [
    "序号",
    "提交者",
    "提交时间",
    "填报单位",
    "编号",
    "事项名称",
    "当前状态",
    "完成进度（%）",
    "进展情况",
    "存在问题",
    "下步措施",
    "预计完成日期",
    "延期说明",
    "填报人",
    "联系电话",
];

/// Write the collection-tool export of `e` at the top of the returns.
pub(super) fn write_export(
    data: &Data,
    e: &ExportPlan,
    opts: &SampleOptions,
    root: &Path,
) -> Result<SampleFile> {
    let (answers, superseded_rows) = answers(data, e, opts);
    let mut rows: Vec<(&Answer, &(usize, Report))> = answers
        .iter()
        .flat_map(|a| a.reports.iter().map(move |r| (a, r)))
        .collect();
    rows.sort_by_key(|(a, (t, _))| (a.at, a.unit, *t));
    let last = answers.iter().map(|a| a.at).max();
    let bytes = export_xlsx(data, &rows, last.unwrap_or_default())?;
    write_file(&root.join(&e.name), &bytes)?;
    let mut units: Vec<String> = e
        .units
        .iter()
        .map(|&u| data.units[u].name.clone())
        .collect();
    units.sort();
    Ok(SampleFile {
        path: e.name.clone(),
        unit: None,
        period: Some(opts.period.to_string()),
        format: "xlsx".into(),
        rows: rows.len() as u32,
        kinds: vec![MessyKind::CollectionExport],
        row_errors: Vec::new(),
        superseded: false,
        late: false,
        fill_date: last.map(|t| t.date()),
        expected: Vec::new(),
        units,
        superseded_rows,
        members: Vec::new(),
    })
}

/// Every unit's answers (the unit that submitted twice first answered for
/// part of its tasks, a few days earlier and with less progress), and the
/// rows its second answer supersedes.
fn answers(data: &Data, e: &ExportPlan, opts: &SampleOptions) -> (Vec<Answer>, u32) {
    let as_of = opts.as_of();
    let deadline = opts.report_deadline();
    let mut out = Vec::new();
    let mut superseded = 0;
    for &u in &e.units {
        // Its own stream, apart from the units' forms.
        let mut rng = ChaCha8Rng::seed_from_u64(sub_seed(opts.seed ^ 0x0C01_1EC7, u as u64));
        let reports: Vec<(usize, Report)> = data.by_unit[u]
            .iter()
            .copied()
            .filter(|&t| opts.period.is_due(data.tasks[t].stars))
            .map(|t| (t, report(&data.tasks[t], as_of, &mut rng)))
            .collect();
        let time =
            NaiveTime::from_num_seconds_from_midnight_opt(rng.random_range(30_600..64_800), 0)
                .unwrap_or_default();
        let at = (deadline - days(rng.random_range(0..=5))).and_time(time);
        if u == e.twice && !reports.is_empty() {
            let first: Vec<(usize, Report)> = reports[..reports.len().div_ceil(2)]
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
            superseded += first.len() as u32;
            out.push(Answer {
                unit: u,
                at: at - days(rng.random_range(2..=3)),
                reports: first,
            });
        }
        out.push(Answer {
            unit: u,
            at,
            reports,
        });
    }
    (out, superseded)
}

fn export_xlsx(
    data: &Data,
    rows: &[(&Answer, &(usize, Report))],
    created: NaiveDateTime,
) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    wb.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let head = Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_border(FormatBorder::Thin)
        .set_background_color("#F2F2F2");
    let cell = Format::new().set_border(FormatBorder::Thin);
    let time = cell.clone().set_num_format("yyyy/mm/dd hh:mm:ss");
    let ws = wb.add_worksheet();
    ws.set_name("Sheet1")?;
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &head)?;
        let w = match *h {
            "事项名称" | "进展情况" | "存在问题" | "下步措施" | "延期说明" => {
                30.0
            }
            "提交时间" => 20.0,
            "填报单位" => 18.0,
            _ => 12.0,
        };
        ws.set_column_width(c as u16, w)?;
    }
    ws.set_freeze_panes(1, 0)?;
    for (i, (a, (t, r))) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        let unit = &data.units[a.unit];
        let task = &data.tasks[*t];
        let text = [
            (1, unit.contact.as_str()),
            (3, unit.name.as_str()),
            (4, task.id.as_str()),
            (5, task.title.as_str()),
            (6, r.status.label()),
            (8, r.progress.as_str()),
            (9, r.problems.as_str()),
            (10, r.next.as_str()),
            (12, r.delay.as_str()),
            (13, unit.contact.as_str()),
            (14, unit.phone.as_str()),
        ];
        ws.write_number_with_format(row, 0, f64::from(row), &cell)?;
        ws.write_datetime_with_format(row, 2, a.at, &time)?;
        ws.write_number_with_format(row, 7, r.pct, &cell)?;
        let expected = r.expected.map(|d| d.to_string()).unwrap_or_default();
        ws.write_string_with_format(row, 11, &expected, &cell)?;
        for (c, v) in text {
            ws.write_string_with_format(row, c, v, &cell)?;
        }
    }
    Ok(wb.save_to_buffer()?)
}
